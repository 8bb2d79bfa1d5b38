//! `trustgate profiles PRINCIPAL --snapshot SNAPSHOT`: `~/.aws/config` profiles for every role
//! PRINCIPAL can reach.

use std::path::PathBuf;
use std::process::ExitCode;

use trustgate_report::profiles::{merge, plan, user_sections};

use super::snapshot_args::LoadArgs;
use crate::error::{CliError, CliResult};

#[derive(clap::Args)]
pub struct Args {
    /// The user or role whose credentials you hold (an ARN of the snapshot)
    pub principal: String,
    /// Snapshot directory (or one authorization-details file)
    #[arg(long)]
    pub snapshot: PathBuf,
    /// The profile holding PRINCIPAL's own credentials (first hop's source_profile)
    #[arg(long, default_value = "default")]
    pub source_profile: String,
    /// Merge the profiles into this config file (a backup of it is kept) instead of printing
    #[arg(long, value_name = "FILE")]
    pub write: Option<PathBuf>,
    #[command(flatten)]
    pub load: LoadArgs,
}

pub fn run(args: Args) -> CliResult<ExitCode> {
    let snap = args.load.load(&args.snapshot)?;
    let graph = super::paths::build_graph(&snap);
    let mut plan = plan(&snap, &graph, &args.principal, &args.source_profile)
        .map_err(|m| CliError::Input(format!("PRINCIPAL: {m}")))?;
    let snapshot = args.snapshot.display().to_string();
    let Some(file) = &args.write else {
        print!("{}", plan.render(&snapshot));
        return Ok(ExitCode::SUCCESS);
    };
    let existing = match std::fs::read_to_string(file) {
        Ok(s) => Some(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(CliError::Io(format!("{}: {e}", file.display()))),
    };
    let text = existing.as_deref().unwrap_or("");
    // Never overwrite a profile the user wrote: ours take another name instead.
    plan.avoid_names(&user_sections(text));
    let merged = merge(text, &plan.sections());
    if let Some(old) = &existing {
        let stamp = jiff::Timestamp::now().as_second();
        let backup = PathBuf::from(format!("{}.bak-{stamp}", file.display()));
        std::fs::write(&backup, old)
            .map_err(|e| CliError::Io(format!("{}: {e}", backup.display())))?;
        eprintln!(
            "trustgate: kept a backup of {} in {}",
            file.display(),
            backup.display()
        );
    }
    // Write beside the file, then rename: a failure never leaves half a config.
    let tmp = PathBuf::from(format!("{}.trustgate-tmp", file.display()));
    std::fs::write(&tmp, &merged).map_err(|e| CliError::Io(format!("{}: {e}", tmp.display())))?;
    std::fs::rename(&tmp, file).map_err(|e| CliError::Io(format!("{}: {e}", file.display())))?;
    eprintln!(
        "trustgate: wrote {} profile(s) to {} ({} reachable role(s) left out: run without --write to see why)",
        plan.profiles.len(),
        file.display(),
        plan.left_out.len()
    );
    let source_defined = text.contains(&format!("[profile {}]", args.source_profile))
        || (args.source_profile == "default" && text.contains("[default]"));
    if !source_defined {
        eprintln!(
            "trustgate: note: profile `{}` is not in {}: it must exist (here or in ~/.aws/credentials) with {}'s credentials",
            args.source_profile,
            file.display(),
            args.principal
        );
    }
    Ok(ExitCode::SUCCESS)
}
