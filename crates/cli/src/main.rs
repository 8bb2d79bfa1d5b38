//! The `trustgate` command line: thin wiring of the library crates.
//!
//! Exit codes (a contract scripts rely on): 0 ok, 1 findings at or above `--fail-on`,
//! 2 usage or input error; `collect` also 3 for a partial collection.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc instead of the system allocator: a scan of a large organization allocates and
/// frees millions of small objects from two threads, where glibc's malloc spent ~15 % of the
/// time and kept freed memory resident (BENCHMARKS.md). Without transparent huge pages
/// (`no_thp`): zeroing 2 MB pages for small heaps cost more than it saved on the VMs measured.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cmd;
mod error;

use error::CliError;

#[derive(Parser)]
#[command(
    name = "trustgate",
    version,
    about = "Map, check and explain cross-account access in AWS",
    long_about = "Map, check and explain cross-account access in AWS.\n\n\
        Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or input error\n(collect: 3 when the snapshot is partial)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Findings: trust and permission mistakes across the snapshot
    Scan(cmd::scan::Args),
    /// The HTML report (registry, findings, interactive trust graph) as one offline file
    Report(cmd::scan::ReportArgs),
    /// The registry: one row per trust relationship
    Registry(cmd::registry::Args),
    /// Can PRINCIPAL do ACTION on RESOURCE? With every policy the snapshot has, and why
    Can(cmd::can::Args),
    /// Paths: who can reach which role, in how many hops, under which conditions
    Paths(cmd::paths::Args),
    /// The assume-role graph (principal or account level) as DOT, Mermaid, JSON or GraphML
    Graph(cmd::paths::GraphArgs),
    /// Evaluate requests against inline policies (the policy engine on its own)
    Eval(cmd::eval::Args),
    /// Validate policy documents (grammar, security, unknown actions and keys, IAM's rules)
    Lint(cmd::lint::Args),
    /// Infrastructure as code: `iac scan` checks Terraform and CloudFormation before deploy
    Iac(cmd::iac::Args),
    /// Least-privilege cross-account roles (both halves) from a spec, as Terraform,
    /// CloudFormation or policy JSON
    Generate(cmd::generate::Args),
    /// The rule catalogue, or one rule's documentation
    Rules(cmd::rules::Args),
    /// AWS CLI profiles (~/.aws/config) for every role PRINCIPAL can reach
    Profiles(cmd::profiles::Args),
    /// Take the snapshot of an organization live (AWS SDK; needs the `collect` build feature)
    Collect(cmd::collect::Args),
    /// Write a deterministic synthetic organization (for benchmarks and scale tests)
    Synth(cmd::synth::Args),
    /// CloudTrail: who uses each trust relationship, what is stale, what is odd
    Trail(cmd::trail::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Scan(args) => cmd::scan::run(args),
        Command::Report(args) => cmd::scan::run_report(args),
        Command::Registry(args) => cmd::registry::run(args),
        Command::Paths(args) => cmd::paths::run(args),
        Command::Can(args) => cmd::can::run(args),
        Command::Graph(args) => cmd::paths::run_graph(args),
        Command::Eval(args) => cmd::eval::run(args),
        Command::Lint(args) => cmd::lint::run(args),
        Command::Iac(args) => cmd::iac::run(args),
        Command::Generate(args) => cmd::generate::run(args),
        Command::Rules(args) => cmd::rules::run(args),
        Command::Profiles(args) => cmd::profiles::run(args),
        Command::Synth(args) => cmd::synth::run(args),
        Command::Trail(args) => cmd::trail::run(args),
        Command::Collect(args) => cmd::collect::run(args),
    };
    match result {
        Ok(code) => code,
        Err(CliError::Input(msg)) => {
            eprintln!("trustgate: error: {msg}");
            ExitCode::from(2)
        }
        Err(CliError::Io(msg)) => {
            eprintln!("trustgate: error: {msg}");
            ExitCode::from(2)
        }
    }
}
