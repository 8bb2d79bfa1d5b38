//! # trustgate-report
//!
//! Renderers for what trustgate produces: the findings of a scan
//! ([`trustgate_rules::ScanOutput`]) and the registry of trust relationships
//! ([`trustgate_rules::Registry`]).
//!
//! Every renderer is pure: it writes to a `&mut dyn std::io::Write` and does no file or
//! terminal handling of its own. The only terminal concern is explicit: ANSI colors are
//! emitted when [`RenderOptions::color`] is set, and the findings table wraps its message
//! column when [`RenderOptions::width`] is given. Deciding either (is stdout a terminal?
//! `NO_COLOR`? how wide is it?) is the caller's job.
//!
//! | data | formats |
//! |---|---|
//! | findings: [`render_scan`] | [`ScanFormat::Table`], [`ScanFormat::Json`], [`ScanFormat::Csv`], [`ScanFormat::Markdown`], [`ScanFormat::Sarif`] |
//! | registry: [`render_registry`] | [`RegistryFormat::Table`], [`RegistryFormat::Json`], [`RegistryFormat::Csv`], [`RegistryFormat::Markdown`] |
//!
//! The fields of every format are documented in the crate's `README.md`.

use std::fmt;
use std::io;
use std::str::FromStr;

use trustgate_rules::{Registry, RuleDoc, ScanOutput};

pub use html::{render_html, HtmlInput};
pub use paths::{render_graph, render_paths, GraphFormat, GraphView};

pub mod html;
mod json;
pub mod paths;
pub mod profiles;
mod registry;
pub mod sarif;
mod scan;
mod text;

/// How to render. `RenderOptions::default()` is plain text, no wrapping, relative SARIF
/// artifact URIs and this crate's version as the tool version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Emit ANSI colors (table formats only). The caller decides (terminal, `NO_COLOR`,
    /// `--color`).
    pub color: bool,
    /// Terminal width in columns: the findings table wraps its MESSAGE column to fit. `None`
    /// does not wrap (only line breaks inside messages start new lines).
    pub width: Option<usize>,
    /// `tool.driver.version` in SARIF.
    pub tool_version: String,
    /// `tool.driver.informationUri` in SARIF.
    pub information_uri: String,
    /// Base for SARIF artifact URIs. Each result points at the snapshot file of its account,
    /// `<account>.json`; with a base (`snapshots/org`, `file:///abs/snapshot/`) the URI is
    /// `<base>/<account>.json`. `None`: relative to wherever the consumer resolves it
    /// (GitHub code scanning: the repository root).
    pub sarif_uri_base: Option<String>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: None,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            information_uri: env!("CARGO_PKG_REPOSITORY").to_string(),
            sarif_uri_base: None,
        }
    }
}

/// Output formats of `trustgate scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScanFormat {
    /// Aligned columns for people, sorted by severity, with a summary footer.
    Table,
    /// `ScanOutput` as pretty JSON: the stable contract for scripts.
    Json,
    /// One row per finding, header row.
    Csv,
    /// A report: summary table, findings grouped by rule with the rule's fix.
    Markdown,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF consumers).
    Sarif,
}

impl ScanFormat {
    pub const ALL: [ScanFormat; 5] = [
        ScanFormat::Table,
        ScanFormat::Json,
        ScanFormat::Csv,
        ScanFormat::Markdown,
        ScanFormat::Sarif,
    ];

    /// The name used on the command line (`--format`).
    pub fn as_str(self) -> &'static str {
        match self {
            ScanFormat::Table => "table",
            ScanFormat::Json => "json",
            ScanFormat::Csv => "csv",
            ScanFormat::Markdown => "md",
            ScanFormat::Sarif => "sarif",
        }
    }
}

impl fmt::Display for ScanFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ScanFormat {
    type Err = String;
    /// Accepts `table`, `json`, `csv`, `md` (or `markdown`), `sarif`, case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("markdown") {
            return Ok(ScanFormat::Markdown);
        }
        ScanFormat::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown format `{s}` (expected table, json, csv, md or sarif)"))
    }
}

/// Output formats of `trustgate registry`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegistryFormat {
    /// Aligned columns for people.
    Table,
    /// `{"relationships": [...]}` as pretty JSON.
    Json,
    /// One row per relationship, every field, for spreadsheets.
    Csv,
    /// A Markdown table.
    Markdown,
}

impl RegistryFormat {
    pub const ALL: [RegistryFormat; 4] = [
        RegistryFormat::Table,
        RegistryFormat::Json,
        RegistryFormat::Csv,
        RegistryFormat::Markdown,
    ];

    /// The name used on the command line (`--format`).
    pub fn as_str(self) -> &'static str {
        match self {
            RegistryFormat::Table => "table",
            RegistryFormat::Json => "json",
            RegistryFormat::Csv => "csv",
            RegistryFormat::Markdown => "md",
        }
    }
}

impl fmt::Display for RegistryFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RegistryFormat {
    type Err = String;
    /// Accepts `table`, `json`, `csv`, `md` (or `markdown`), case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("markdown") {
            return Ok(RegistryFormat::Markdown);
        }
        RegistryFormat::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown format `{s}` (expected table, json, csv or md)"))
    }
}

/// Renders the findings of a scan.
///
/// `rules` is the rule catalogue: Markdown takes each group's title and fix from it, SARIF
/// describes every rule in it (and any rule a finding names that it lacks).
pub fn render_scan(
    out: &ScanOutput,
    rules: &[RuleDoc],
    format: ScanFormat,
    opts: &RenderOptions,
    w: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        ScanFormat::Table => scan::table(out, opts, w),
        ScanFormat::Json => json::write_scan(out, w),
        ScanFormat::Csv => scan::csv(out, w),
        ScanFormat::Markdown => scan::markdown(out, rules, w),
        ScanFormat::Sarif => {
            let log = sarif::build(out, rules, opts);
            write_json(&log, w)
        }
    }
}

/// Renders the registry of trust relationships.
pub fn render_registry(
    reg: &Registry,
    format: RegistryFormat,
    opts: &RenderOptions,
    w: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        RegistryFormat::Table => registry::table(reg, opts, w),
        RegistryFormat::Json => write_json(reg, w),
        RegistryFormat::Csv => registry::csv(reg, w),
        RegistryFormat::Markdown => registry::markdown(reg, w),
    }
}

/// Pretty JSON and a final newline.
fn write_json<T: serde::Serialize + ?Sized>(v: &T, w: &mut dyn io::Write) -> io::Result<()> {
    // serde_json writes token by token: a buffer of a concrete type in front of the `dyn`
    // writer turns millions of dynamic calls into a few large writes.
    let mut buffered = io::BufWriter::with_capacity(1 << 20, w);
    serde_json::to_writer_pretty(&mut buffered, v).map_err(io::Error::from)?;
    io::Write::write_all(&mut buffered, b"\n")?;
    io::Write::flush(&mut buffered)
}

/// `csv::Error` as `io::Error` (keeping I/O errors as they are).
fn csv_err(e: csv::Error) -> io::Error {
    if e.is_io_error() {
        match e.into_kind() {
            csv::ErrorKind::Io(io) => io,
            other => io::Error::other(format!("{other:?}")),
        }
    } else {
        io::Error::other(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in ScanFormat::ALL {
            assert_eq!(f.as_str().parse::<ScanFormat>().unwrap(), f);
        }
        for f in RegistryFormat::ALL {
            assert_eq!(f.as_str().parse::<RegistryFormat>().unwrap(), f);
        }
        assert_eq!(
            "Markdown".parse::<ScanFormat>().unwrap(),
            ScanFormat::Markdown
        );
        assert!("sarif".parse::<RegistryFormat>().is_err());
        assert!("html"
            .parse::<ScanFormat>()
            .unwrap_err()
            .contains("expected"));
    }
}
