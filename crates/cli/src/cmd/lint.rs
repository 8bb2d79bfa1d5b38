//! `trustgate lint POLICY.json…`: validate policy documents.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;
use trustgate_lint::{lint_text, Diagnostic, LintOptions, PolicyKind, Severity};

use super::snapshot_args::{finish, OutputArgs};
use crate::error::{CliError, CliResult};

#[derive(clap::Args)]
pub struct Args {
    /// Policy documents (JSON, or the URL-encoded form the IAM API returns)
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// What the policies are: `identity` adds the checks IAM applies when saving one
    #[arg(long, value_enum, default_value = "any")]
    pub kind: Kind,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Any,
    Identity,
    Resource,
    Trust,
    Scp,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Serialize)]
struct FileResult {
    file: String,
    diagnostics: Vec<Diagnostic>,
}

pub fn run(args: Args) -> CliResult<ExitCode> {
    let opts = LintOptions {
        kind: match args.kind {
            Kind::Any => PolicyKind::Any,
            Kind::Identity => PolicyKind::Identity,
            Kind::Resource => PolicyKind::Resource,
            Kind::Trust => PolicyKind::Trust,
            Kind::Scp => PolicyKind::Scp,
        },
    };
    let mut results = Vec::new();
    for f in &args.files {
        let text = std::fs::read_to_string(f)
            .map_err(|e| CliError::Io(format!("{}: {e}", f.display())))?;
        results.push(FileResult {
            file: f.display().to_string(),
            diagnostics: lint_text(&text, &opts),
        });
    }
    let failing = results
        .iter()
        .flat_map(|r| &r.diagnostics)
        .any(|d| matches!(d.severity, Severity::Error | Severity::Security));
    let mut w = args.output.writer()?;
    let res = if args.format == Format::Json {
        serde_json::to_writer_pretty(&mut w, &results)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(w))
    } else {
        (|| {
            for r in &results {
                for d in &r.diagnostics {
                    let place = match (d.line, d.column) {
                        (Some(l), Some(c)) => format!("{}:{l}:{c}", r.file),
                        _ => r.file.clone(),
                    };
                    let sev = match d.severity {
                        Severity::Error => "error",
                        Severity::Security => "security",
                        Severity::Warning => "warning",
                        Severity::Suggestion => "suggestion",
                    };
                    writeln!(
                        w,
                        "{place}: {sev}[{}] {} (at {})",
                        d.code, d.message, d.path
                    )?;
                }
            }
            let n: usize = results.iter().map(|r| r.diagnostics.len()).sum();
            writeln!(w, "{n} diagnostic(s) in {} file(s)", results.len())
        })()
    };
    finish(w, res)?;
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
