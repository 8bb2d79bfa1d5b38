//! Arguments shared by the commands that read a snapshot, and the output plumbing.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use trustgate_model::{LoadOptions, Snapshot};
use trustgate_report::RenderOptions;

use crate::error::{CliError, CliResult};

#[derive(clap::Args, Debug, Clone)]
pub struct LoadArgs {
    /// Skip account files that cannot be read (each is reported) instead of stopping
    #[arg(long)]
    pub keep_going: bool,
    /// Extra known third-party accounts: JSON {"123456789012": "Vendor"}
    #[arg(long, value_name = "FILE")]
    pub known_accounts: Option<PathBuf>,
}

/// A spinner on standard error naming what a long run is doing — only when standard error is
/// a terminal (scripts and CI see nothing).
pub fn spinner(message: &str) -> Option<indicatif::ProgressBar> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(message.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

impl LoadArgs {
    pub fn load(&self, path: &std::path::Path) -> CliResult<Snapshot> {
        let bar = spinner(&format!("loading {}", path.display()));
        let result = self.load_quietly(path);
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        result
    }

    fn load_quietly(&self, path: &std::path::Path) -> CliResult<Snapshot> {
        let opts = LoadOptions {
            keep_going: self.keep_going,
            known_accounts_file: self.known_accounts.clone(),
        };
        let clock = std::time::Instant::now();
        let snap = Snapshot::load(path, &opts).map_err(|e| CliError::Input(e.to_string()))?;
        if std::env::var_os("TRUSTGATE_TIMINGS").is_some() {
            eprintln!(
                "trustgate: snapshot loaded: {:.3}s",
                clock.elapsed().as_secs_f64()
            );
        }
        for w in &snap.warnings {
            eprintln!("trustgate: warning: {w}");
        }
        Ok(snap)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug, Clone)]
pub struct OutputArgs {
    /// Write to FILE instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Colors in table output
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

impl OutputArgs {
    pub fn writer(&self) -> CliResult<Box<dyn Write>> {
        Ok(match &self.output {
            Some(p) => Box::new(BufWriter::new(
                File::create(p).map_err(|e| CliError::Io(format!("{}: {e}", p.display())))?,
            )),
            None => Box::new(BufWriter::new(io::stdout())),
        })
    }

    pub fn render_options(&self) -> RenderOptions {
        let to_terminal = self.output.is_none() && io::stdout().is_terminal();
        let color = match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
        };
        let width = if to_terminal {
            terminal_size::terminal_size().map(|(w, _)| w.0 as usize)
        } else {
            None
        };
        RenderOptions {
            color,
            width,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            ..RenderOptions::default()
        }
    }
}

pub fn finish(mut w: Box<dyn Write>, res: io::Result<()>) -> CliResult<()> {
    res.and_then(|()| w.flush()).or_else(|e| {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Ok(())
        } else {
            Err(CliError::Io(format!("writing output: {e}")))
        }
    })
}

/// `--now` for reproducible staleness; defaults to the current time.
pub fn parse_now(s: &Option<String>) -> CliResult<jiff::Timestamp> {
    match s {
        None => Ok(jiff::Timestamp::now()),
        Some(s) => s
            .parse::<jiff::Timestamp>()
            .or_else(|_| {
                s.parse::<jiff::civil::Date>()
                    .map_err(|e| e.to_string())
                    .and_then(|d| {
                        d.to_zoned(jiff::tz::TimeZone::UTC)
                            .map(|z| z.timestamp())
                            .map_err(|e| e.to_string())
                    })
            })
            .map_err(|_| {
                CliError::Input(format!(
                    "--now `{s}`: expected a date (2026-11-01) or RFC 3339 time"
                ))
            }),
    }
}
