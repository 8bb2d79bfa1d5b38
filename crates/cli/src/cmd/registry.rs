//! `trustgate registry SNAPSHOT`: one row per trust relationship.

use std::path::PathBuf;
use std::process::ExitCode;

use trustgate_report::{render_registry, RegistryFormat};
use trustgate_rules::scan::{registry_of, role_views};

use super::snapshot_args::{finish, load_trail, LoadArgs, OutputArgs, TrailArgs};
use crate::error::CliResult;

#[derive(clap::Args)]
pub struct Args {
    /// Snapshot directory (or one authorization-details file)
    pub snapshot: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    #[command(flatten)]
    pub output: OutputArgs,
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
}

pub fn run(args: Args) -> CliResult<ExitCode> {
    let snap = args.load.load(&args.snapshot)?;
    let trail = load_trail(
        args.trail.trail.as_deref(),
        args.trail.trail_results.as_deref(),
        &args.trail.tuning,
        &snap,
    )?;
    let views = role_views(&snap);
    let mut registry = match &trail {
        Some(t) => trustgate_rules::usage::registry_with_usage(&snap, &views, &t.input),
        None => registry_of(&snap, &views),
    };
    // People and machines signing in as IAM users: credentials and the roles they reach.
    if snap.accounts.iter().any(|a| !a.users.is_empty()) {
        let graph = super::paths::build_graph(&snap);
        registry.entry_points =
            trustgate_rules::people::entry_points(&snap, &graph, jiff::Timestamp::now());
    }
    let format = match args.format {
        Format::Table => RegistryFormat::Table,
        Format::Json => RegistryFormat::Json,
        Format::Csv => RegistryFormat::Csv,
        Format::Md => RegistryFormat::Markdown,
    };
    let opts = args.output.render_options();
    let mut w = args.output.writer()?;
    let res = render_registry(&registry, format, &opts, &mut w);
    finish(w, res)?;
    Ok(ExitCode::SUCCESS)
}
