//! `trustgate rules [ID]`: the rule catalogue, and each rule's documentation.

use std::io::{self, Write};
use std::process::ExitCode;

use trustgate_rules::catalogue;

use crate::error::{CliError, CliResult};

#[derive(clap::Args)]
pub struct Args {
    /// A rule ID (`TG001`) or name (`root-trust`); without it, the catalogue
    pub id: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn run(args: Args) -> CliResult<ExitCode> {
    let rules = catalogue();
    let stdout = io::stdout();
    let mut w = stdout.lock();
    let io = |e: io::Error| CliError::Io(format!("<stdout>: {e}"));
    match args.id {
        None => {
            if args.format == Format::Json {
                let docs: Vec<_> = rules.iter().map(|r| r.doc()).collect();
                serde_json::to_writer_pretty(&mut w, &docs)
                    .map_err(|e| CliError::Io(e.to_string()))?;
                writeln!(w).map_err(io)?;
            } else {
                for r in &rules {
                    let d = r.doc();
                    writeln!(
                        w,
                        "{}  {:<8}  {:<34}  {}",
                        d.id,
                        d.severity.as_str(),
                        d.name,
                        d.title
                    )
                    .map_err(io)?;
                }
                writeln!(w, "\n`trustgate rules ID` prints a rule's documentation.").map_err(io)?;
            }
        }
        Some(id) => {
            let Some(rule) = rules.iter().find(|r| {
                r.doc().id.eq_ignore_ascii_case(&id) || r.doc().name.eq_ignore_ascii_case(&id)
            }) else {
                let known: Vec<&str> = rules.iter().map(|r| r.doc().id).collect();
                return Err(CliError::Input(format!(
                    "no rule `{id}`; rules are {}",
                    known.join(", ")
                )));
            };
            if args.format == Format::Json {
                serde_json::to_writer_pretty(&mut w, rule.doc())
                    .map_err(|e| CliError::Io(e.to_string()))?;
                writeln!(w).map_err(io)?;
            } else {
                write!(w, "{}", rule.doc().markdown()).map_err(io)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
