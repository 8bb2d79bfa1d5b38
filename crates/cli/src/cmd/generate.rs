//! `trustgate generate SPEC.yaml`: both halves of each cross-account relationship the spec
//! states — the target role and the caller's identity policy.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use trustgate_iac::generate::{generate_file, OutputFormat};

use super::snapshot_args::{finish, OutputArgs};
use crate::error::{CliError, CliResult};

#[derive(clap::Args)]
pub struct Args {
    /// The spec (YAML; see crates/iac/README.md and examples/iac/spec.yaml)
    pub spec: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value = "terraform")]
    pub format: Format,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Terraform,
    Cloudformation,
    Json,
}

pub fn run(args: Args) -> CliResult<ExitCode> {
    let format = match args.format {
        Format::Terraform => OutputFormat::Terraform,
        Format::Cloudformation => OutputFormat::CloudFormation,
        Format::Json => OutputFormat::Json,
    };
    let generated =
        generate_file(&args.spec, format).map_err(|e| CliError::Input(e.to_string()))?;
    for note in &generated.notes {
        eprintln!("trustgate: note: {note}");
    }
    let mut w = args.output.writer()?;
    let res = w.write_all(generated.text.as_bytes());
    finish(w, res)?;
    Ok(ExitCode::SUCCESS)
}
