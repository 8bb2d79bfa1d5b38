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
                "trustgate: snapshot loaded: {:.3}s{}",
                clock.elapsed().as_secs_f64(),
                trustgate_rules::scan::memory_note()
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

/// How the trail's anomalies are judged (shared by `trail`, `scan --trail`, `registry --trail`).
#[derive(clap::Args, Debug, Clone)]
pub struct TrailTuning {
    /// New callers and networks: first seen in the last N days of the trail (TG030, TG032)
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub baseline_days: u32,
    /// Failed assumptions by one caller in one window that make a burst (TG033)
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub burst_threshold: u64,
    /// Length of the windows failed assumptions are counted in, minutes (TG033)
    #[arg(long, value_name = "MINUTES", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub burst_minutes: u32,
}

impl TrailTuning {
    pub fn options(&self) -> trustgate_rules::TrailOptions {
        trustgate_rules::TrailOptions {
            baseline_days: self.baseline_days,
            burst_threshold: self.burst_threshold,
        }
    }

    pub fn window_seconds(&self) -> i64 {
        i64::from(self.burst_minutes) * 60
    }
}

/// `--trail DIR` / `--trail-results FILE` on `scan` and `registry`.
#[derive(clap::Args, Debug, Clone)]
pub struct TrailArgs {
    /// CloudTrail logs (a directory searched recursively, or one file): who used each trust
    /// relationship; TG011 counts it as use; TG030–TG035 judge it
    #[arg(long, value_name = "DIR")]
    pub trail: Option<PathBuf>,
    /// The result of `trustgate trail --emit-sql` (CSV or JSON Lines), instead of --trail
    #[arg(long, value_name = "FILE", conflicts_with = "trail")]
    pub trail_results: Option<PathBuf>,
    #[command(flatten)]
    pub tuning: TrailTuning,
}

/// A trail read for a snapshot, with what reading it did (None when read from SQL results).
pub struct LoadedTrail {
    pub input: std::sync::Arc<trustgate_rules::TrailInput>,
    pub stats: Option<trustgate_trail::ReadStats>,
}

impl LoadedTrail {
    /// The warnings for the JSON `warnings` array (each also printed on standard error), and
    /// a closing summary when anything could not be read.
    pub fn warnings(&self) -> Vec<String> {
        let Some(st) = &self.stats else {
            return Vec::new();
        };
        let mut out = st.warnings.clone();
        if st.incomplete() {
            out.push(format!(
                "CloudTrail: {} file(s) unreadable, {} read only in part, {} record(s) skipped (each listed above); what could be read is reported",
                st.files_unreadable, st.files_partial, st.records_skipped
            ));
        }
        out
    }
}

/// Reads logs or SQL results into the usage of the snapshot's relationships.
pub fn load_trail(
    logs: Option<&std::path::Path>,
    results: Option<&std::path::Path>,
    tuning: &TrailTuning,
    snap: &Snapshot,
) -> CliResult<Option<LoadedTrail>> {
    let window = tuning.window_seconds();
    let (raw, stats) = match (logs, results) {
        (Some(dir), _) => {
            let bar = spinner(&format!("reading CloudTrail logs in {}", dir.display()));
            let clock = std::time::Instant::now();
            let read = trustgate_trail::read_logs(
                dir,
                &trustgate_trail::ReadOptions {
                    window_seconds: window,
                    ..Default::default()
                },
            );
            if let Some(b) = bar {
                b.finish_and_clear();
            }
            let (raw, stats) = read.map_err(CliError::Input)?;
            if std::env::var_os("TRUSTGATE_TIMINGS").is_some() {
                let secs = clock.elapsed().as_secs_f64();
                eprintln!(
                    "trustgate: trail read: {secs:.3}s, {} files, {:.1} MB on disk ({:.1} MB/s), {:.1} MB JSON",
                    stats.files,
                    stats.bytes as f64 / 1e6,
                    stats.bytes as f64 / 1e6 / secs.max(1e-9),
                    stats.json_bytes as f64 / 1e6
                );
            }
            (raw, Some(stats))
        }
        (None, Some(file)) => (
            trustgate_trail::results::read_results(file, window).map_err(CliError::Input)?,
            None,
        ),
        (None, None) => return Ok(None),
    };
    let resolve = trustgate_rules::usage::unique_id_resolver(snap);
    let usage = raw.finalize(&resolve);
    let loaded = LoadedTrail {
        input: trustgate_rules::TrailInput::new(usage, tuning.options()),
        stats,
    };
    for w in loaded.warnings() {
        eprintln!("trustgate: warning: {w}");
    }
    Ok(Some(loaded))
}
