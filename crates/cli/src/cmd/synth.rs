//! `trustgate synth --accounts N --roles M --seed S --out DIR`: a deterministic synthetic
//! organization in the snapshot layout, for benchmarks and scale tests.

use std::path::PathBuf;
use std::process::ExitCode;

use trustgate_synth::{generate, SynthOptions};

use crate::error::{CliError, CliResult};

#[derive(clap::Args)]
pub struct Args {
    /// Number of accounts (at least 4: management, identity, tooling, security)
    #[arg(long, default_value_t = 10)]
    pub accounts: usize,
    /// Roles per account
    #[arg(long, default_value_t = 200)]
    pub roles: usize,
    /// Random seed: the same seed always writes the same bytes
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output directory (created)
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(args: Args) -> CliResult<ExitCode> {
    let stats = generate(
        &SynthOptions {
            accounts: args.accounts,
            roles_per_account: args.roles,
            seed: args.seed,
        },
        &args.out,
    )
    .map_err(|e| CliError::Io(format!("{}: {e}", args.out.display())))?;
    eprintln!(
        "wrote {} accounts, {} roles, {} users ({:.1} MB) to {}",
        stats.accounts,
        stats.roles,
        stats.users,
        stats.bytes as f64 / 1e6,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
