//! `trustgate iac scan PATH…`: the rules of `scan` on Terraform and CloudFormation, before
//! deploy, with file and line in every finding.

use std::path::PathBuf;
use std::process::ExitCode;

use trustgate_iac::{scan, IacOptions};
use trustgate_report::{render_scan, ScanFormat};
use trustgate_rules::{catalogue, Severity};

use super::snapshot_args::{finish, parse_now, OutputArgs};
use crate::error::{CliError, CliResult};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(clap::Subcommand)]
pub enum Command {
    /// Findings in Terraform (HCL, plan JSON) and CloudFormation (JSON, YAML) templates
    Scan(ScanArgs),
}

#[derive(clap::Args)]
pub struct ScanArgs {
    /// Files or directories (walked for *.tf, *.json, *.yaml, *.yml, *.template)
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Exit with code 1 when a finding of this severity or higher is reported
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// A snapshot of the live accounts: apply the templates over it and list the trust
    /// relationships they add, remove or change
    #[arg(long, value_name = "DIR")]
    pub snapshot: Option<PathBuf>,
    /// The account templates deploy into when they do not say (default: a placeholder)
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    /// Accounts of the organization (comma-separated; repeatable): trust of them is internal
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub org_accounts: Vec<String>,
    /// The organization ID (o-…), for aws:PrincipalOrgID conditions
    #[arg(long, value_name = "ID")]
    pub org_id: Option<String>,
    /// Extra known third-party accounts: JSON {"123456789012": "Vendor"}
    #[arg(long, value_name = "FILE")]
    pub known_accounts: Option<PathBuf>,
    /// Skip files and policy documents that cannot be read (each is reported) instead of
    /// stopping
    #[arg(long)]
    pub keep_going: bool,
    /// Evaluate as of this date (default: now)
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Sarif,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

pub fn run(args: Args) -> CliResult<ExitCode> {
    match args.command {
        Command::Scan(a) => run_scan(a),
    }
}

fn run_scan(args: ScanArgs) -> CliResult<ExitCode> {
    if let Some(a) = &args.account {
        if !trustgate_policy::is_account_id(a) {
            return Err(CliError::Input(format!(
                "--account `{a}`: expected a 12-digit account ID"
            )));
        }
    }
    let opts = IacOptions {
        account: args.account.clone(),
        org_accounts: args.org_accounts.clone(),
        org_id: args.org_id.clone(),
        snapshot: args.snapshot.clone(),
        known_accounts_file: args.known_accounts.clone(),
        now: Some(parse_now(&args.now)?),
        keep_going: args.keep_going,
    };
    let report = scan(&args.paths, &opts).map_err(|e| CliError::Input(e.to_string()))?;
    let docs: Vec<_> = catalogue().iter().map(|r| *r.doc()).collect();
    let render = args.output.render_options();
    let mut w = args.output.writer()?;
    let res = match args.format {
        Format::Json => serde_json::to_writer_pretty(&mut w, &report)
            .map_err(std::io::Error::from)
            .and_then(|()| w.write_all(b"\n")),
        Format::Sarif => {
            let log = trustgate_iac::sarif::build(&report, &docs, &render);
            serde_json::to_writer_pretty(&mut w, &log)
                .map_err(std::io::Error::from)
                .and_then(|()| w.write_all(b"\n"))
        }
        Format::Table => table(&report, &docs, &render, &mut w),
    };
    finish(w, res)?;
    let failed = match (
        args.fail_on,
        report.findings.iter().map(|f| f.finding.severity).max(),
    ) {
        (Some(threshold), Some(max)) => max >= threshold,
        _ => false,
    };
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The report crate's findings table, with the RESOURCE column showing where the finding is
/// (`file:line`) and the message naming the template resource (its footer lists the
/// warnings); then the relationship diff.
fn table(
    report: &trustgate_iac::IacReport,
    docs: &[trustgate_rules::RuleDoc],
    render: &trustgate_report::RenderOptions,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut out = report.scan_output();
    for (f, placed) in out.findings.iter_mut().zip(&report.findings) {
        f.resource = format!(
            "{}:{}",
            placed.location.file.display(),
            placed.location.line
        );
        f.message = format!("{}: {}", placed.location.address, f.message);
    }
    render_scan(&out, docs, ScanFormat::Table, render, w)?;
    if let Some(d) = &report.diff {
        writeln!(w)?;
        writeln!(
            w,
            "Relationships against the snapshot: {} added, {} removed, {} changed",
            d.added.len(),
            d.removed.len(),
            d.changed.len()
        )?;
        for r in &d.added {
            writeln!(w, "  + {} ← {} ({})", r.role, r.trusted, r.scope.as_str())?;
        }
        for r in &d.removed {
            writeln!(w, "  - {} ← {} ({})", r.role, r.trusted, r.scope.as_str())?;
        }
        for c in &d.changed {
            let fields: Vec<&str> = c.changes.iter().map(|f| f.field.as_str()).collect();
            writeln!(w, "  ~ {} ← {}: {}", c.role, c.trusted, fields.join(", "))?;
        }
    }
    Ok(())
}
