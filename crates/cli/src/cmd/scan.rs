//! `trustgate scan SNAPSHOT`: the findings.

use std::path::PathBuf;
use std::process::ExitCode;

use trustgate_report::{render_html, render_scan, HtmlInput, ScanFormat};
use trustgate_rules::{analyze, catalogue, Baseline, ScanOptions, Severity};

use super::snapshot_args::{finish, load_trail, parse_now, LoadArgs, OutputArgs, TrailArgs};
use crate::error::{CliError, CliResult};

#[derive(clap::Args)]
pub struct Args {
    /// Snapshot directory (or one authorization-details file)
    pub snapshot: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Exit with code 1 when a finding of this severity or higher is reported
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// Accepted findings (JSON; see README), not reported while their review date holds
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Only these rules (IDs or names); repeatable
    #[arg(long = "rule", value_name = "ID")]
    pub rules: Vec<String>,
    /// A trusted role unused for more days than this is stale (TG011)
    #[arg(long, default_value_t = 90)]
    pub stale_days: u32,
    /// Evaluate staleness as of this date (default: now)
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,
    /// An access key older than this many days, or unused for as long, is reported (TG020)
    #[arg(long, value_name = "DAYS", default_value_t = 90)]
    pub key_max_age: u32,
    #[command(flatten)]
    pub load: LoadArgs,
    #[command(flatten)]
    pub trail: TrailArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Md,
    Sarif,
    /// One self-contained page: overview, findings, registry, interactive graph, paths
    Html,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

pub fn run(args: Args) -> CliResult<ExitCode> {
    let known_ids: Vec<&str> = catalogue().iter().map(|r| r.doc().id).collect();
    for r in &args.rules {
        if !catalogue()
            .iter()
            .any(|c| c.doc().id.eq_ignore_ascii_case(r) || c.doc().name.eq_ignore_ascii_case(r))
        {
            return Err(CliError::Input(format!(
                "--rule `{r}`: no such rule; rules are {}",
                known_ids.join(", ")
            )));
        }
    }
    let now = parse_now(&args.now)?;
    let baseline = match &args.baseline {
        Some(p) => Some(Baseline::load(p).map_err(CliError::Input)?),
        None => None,
    };
    let snap = args.load.load(&args.snapshot)?;
    let trail = load_trail(
        args.trail.trail.as_deref(),
        args.trail.trail_results.as_deref(),
        &args.trail.tuning,
        &snap,
    )?;
    let bar = super::snapshot_args::spinner("preparing principals");
    let progress: Option<trustgate_rules::context::ProgressHook> = bar.clone().map(|b| {
        std::sync::Arc::new(move |done: &str| {
            let next = match done {
                "principals prepared" => "analysing roles (trust, permissions)",
                "roles analyzed (trust entries, permission summaries)" => {
                    "building the access graph"
                }
                "access graph built" => "running the rules",
                _ => "writing",
            };
            b.set_message(next);
        }) as trustgate_rules::context::ProgressHook
    });
    let options = ScanOptions {
        stale_days: args.stale_days,
        now,
        only_rules: args.rules.clone(),
        key_max_age_days: args.key_max_age,
        progress,
        trail: trail.as_ref().map(|t| t.input.clone()),
        // Only the HTML report shows the registry.
        registry: args.format == Format::Html,
        // The process ends after the output is written (see exit_without_freeing).
        keep_caches: true,
    };
    let mut analysis = analyze(&snap, &options);
    if let Some(t) = &trail {
        analysis.output.warnings.extend(t.warnings());
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Some(b) = &baseline {
        b.apply(&mut analysis.output, now);
    }
    let opts = args.output.render_options();
    if args.format == Format::Html {
        let docs: Vec<_> = catalogue().iter().map(|r| *r.doc()).collect();
        let input = HtmlInput {
            snapshot: &snap,
            analysis: &analysis,
            rules: &docs,
            generated_at: match &args.now {
                // A fixed --now makes the whole report reproducible.
                Some(_) => now.to_string(),
                None => jiff::Timestamp::now()
                    .round(jiff::Unit::Second)
                    .map_err(|e| CliError::Input(e.to_string()))?
                    .to_string(),
            },
            now: now.to_string(),
            stale_days: args.stale_days,
        };
        let mut w = args.output.writer()?;
        let res = render_html(&input, &opts, &mut w);
        finish(w, res)?;
        if let Some(p) = &args.output.output {
            eprintln!("trustgate: wrote the report to {}", p.display());
        }
        let code = exit_code(args.fail_on, &analysis.output);
        exit_without_freeing(snap, analysis);
        return Ok(code);
    }
    let format = match args.format {
        Format::Table => ScanFormat::Table,
        Format::Json => ScanFormat::Json,
        Format::Csv => ScanFormat::Csv,
        Format::Md => ScanFormat::Markdown,
        Format::Sarif => ScanFormat::Sarif,
        Format::Html => unreachable!("rendered above"),
    };
    let docs: Vec<_> = catalogue().iter().map(|r| *r.doc()).collect();
    let clock = std::time::Instant::now();
    let mut w = args.output.writer()?;
    let res = render_scan(&analysis.output, &docs, format, &opts, &mut w);
    finish(w, res)?;
    if std::env::var_os("TRUSTGATE_TIMINGS").is_some() {
        eprintln!(
            "trustgate: rendered in {:.3}s",
            clock.elapsed().as_secs_f64()
        );
    }
    let code = exit_code(args.fail_on, &analysis.output);
    exit_without_freeing(snap, analysis);
    Ok(code)
}

/// The process ends right after the output is written: freeing millions of graph edges and
/// policy nodes one by one would only delay the exit (seconds on large organizations), so the
/// operating system reclaims them at once instead.
fn exit_without_freeing(snap: trustgate_model::Snapshot, analysis: trustgate_rules::Analysis) {
    if std::env::var_os("TRUSTGATE_TIMINGS").is_some() {
        eprintln!(
            "trustgate: output written{}",
            trustgate_rules::scan::memory_note()
        );
    }
    std::mem::forget(analysis);
    std::mem::forget(snap);
}

fn exit_code(fail_on: Option<Severity>, output: &trustgate_rules::ScanOutput) -> ExitCode {
    let failed = match (fail_on, output.max_severity()) {
        (Some(threshold), Some(max)) => max >= threshold,
        _ => false,
    };
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `trustgate report SNAPSHOT`: `scan --format html` written to a file.
#[derive(clap::Args)]
pub struct ReportArgs {
    /// Snapshot directory (or one authorization-details file)
    pub snapshot: PathBuf,
    /// Where to write the report
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        default_value = "trustgate-report.html"
    )]
    pub output: PathBuf,
    /// Accepted findings (JSON; see README), not reported while their review date holds
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Only these rules (IDs or names); repeatable
    #[arg(long = "rule", value_name = "ID")]
    pub rules: Vec<String>,
    /// A trusted role unused for more days than this is stale (TG011)
    #[arg(long, default_value_t = 90)]
    pub stale_days: u32,
    /// Evaluate staleness as of this date (default: now); also the report's date
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,
    /// An access key older than this many days, or unused for as long, is reported (TG020)
    #[arg(long, value_name = "DAYS", default_value_t = 90)]
    pub key_max_age: u32,
    #[command(flatten)]
    pub load: LoadArgs,
    #[command(flatten)]
    pub trail: TrailArgs,
}

pub fn run_report(args: ReportArgs) -> CliResult<ExitCode> {
    run(Args {
        snapshot: args.snapshot,
        format: Format::Html,
        output: OutputArgs {
            output: Some(args.output),
            color: super::snapshot_args::ColorChoice::Never,
        },
        fail_on: None,
        baseline: args.baseline,
        rules: args.rules,
        stale_days: args.stale_days,
        now: args.now,
        key_max_age: args.key_max_age,
        load: args.load,
        trail: args.trail,
    })
}
