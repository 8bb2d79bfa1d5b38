//! `trustgate trail SNAPSHOT --logs DIR`: who actually uses each trust relationship
//! (CloudTrail), what is stale (TG011 with the trail), what is odd (TG030–TG035).
//! `--emit-sql` prints the same aggregation as Athena/Trino SQL; `--results` reads its result.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;
use trustgate_report::{render_scan, ScanFormat};
use trustgate_rules::{analyze, catalogue, Finding, RelationshipUsage, ScanOptions, Severity};
use trustgate_trail::{format_time, EventName, PairUsage, ReadStats};

use super::snapshot_args::{finish, load_trail, parse_now, LoadArgs, OutputArgs, TrailTuning};
use crate::error::{CliError, CliResult};

#[derive(clap::Args)]
pub struct Args {
    /// Snapshot directory (not needed with --emit-sql)
    #[arg(required_unless_present = "emit_sql")]
    pub snapshot: Option<PathBuf>,
    /// CloudTrail logs: a directory (searched recursively: AWSLogs/… as delivered to S3, plain
    /// or gzipped; JSON Lines exports) or one file
    #[arg(long, value_name = "DIR", conflicts_with_all = ["results", "emit_sql"])]
    pub logs: Option<PathBuf>,
    /// Read the result of the --emit-sql query (Athena CSV or JSON Lines) instead of --logs
    #[arg(long, value_name = "FILE", conflicts_with = "emit_sql")]
    pub results: Option<PathBuf>,
    /// Print the Athena/Trino SQL that computes the same aggregation over the standard
    /// CloudTrail table, and exit
    #[arg(long)]
    pub emit_sql: bool,
    /// The CloudTrail table the SQL reads (`db.table`)
    #[arg(long, value_name = "NAME", default_value = "cloudtrail_logs")]
    pub table: String,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub tuning: TrailTuning,
    /// A trusted role unused for more days than this is stale (TG011)
    #[arg(long, default_value_t = 90)]
    pub stale_days: u32,
    /// Judge staleness as of this date (default: now)
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,
    /// Exit with code 1 when a finding of this severity or higher is reported
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// Exit with code 2 (after the output) when any log file or record could not be read
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub load: LoadArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

/// The rules `trail` runs.
const TRAIL_RULES: [&str; 7] = [
    "TG011", "TG030", "TG031", "TG032", "TG033", "TG034", "TG035",
];

/// One observed (role, caller) pair in the output.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CallerRow {
    role: String,
    /// Whether the snapshot has the role.
    in_snapshot: bool,
    caller: String,
    caller_type: &'static str,
    caller_account: Option<String>,
    outside_organization: Option<bool>,
    /// The trusted principal of the relationship that covers the caller (None: none does).
    trusted: Option<String>,
    successes: u64,
    failures: u64,
    access_denied: u64,
    events: BTreeMap<&'static str, u64>,
    first_seen: Option<String>,
    last_seen: Option<String>,
    first_used: Option<String>,
    last_used: Option<String>,
    session_names: Vec<String>,
    session_names_truncated: bool,
    source_ips: Vec<String>,
    source_ips_truncated: bool,
    networks: BTreeMap<String, String>,
    user_agents: Vec<String>,
    source_identities: Vec<String>,
    tag_keys: Vec<String>,
    vpc_endpoints: Vec<String>,
    regions: Vec<String>,
    with_external_id: u64,
    external_id_successes: u64,
    max_duration_seconds: Option<u64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelationshipRow {
    role: String,
    account: String,
    trusted: String,
    scope: &'static str,
    usage: Option<RelationshipUsage>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    source: &'static str,
    first_event: Option<String>,
    last_event: Option<String>,
    #[serde(flatten)]
    read: Option<ReadStatsOut>,
    pairs: usize,
    relationships: usize,
    relationships_used: usize,
    findings: usize,
    by_rule: BTreeMap<String, usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReadStatsOut {
    files: u64,
    files_unreadable: u64,
    files_partial: u64,
    files_with_bad_records: u64,
    files_empty: u64,
    files_ignored: u64,
    digest_files: u64,
    bytes: u64,
    json_bytes: u64,
    records: u64,
    events: u64,
    records_skipped: u64,
}

impl From<&ReadStats> for ReadStatsOut {
    fn from(s: &ReadStats) -> Self {
        ReadStatsOut {
            files: s.files,
            files_unreadable: s.files_unreadable,
            files_partial: s.files_partial,
            files_with_bad_records: s.files_with_bad_records,
            files_empty: s.files_empty,
            files_ignored: s.files_ignored,
            digest_files: s.digest_files,
            bytes: s.bytes,
            json_bytes: s.json_bytes,
            records: s.records,
            events: s.events,
            records_skipped: s.records_skipped,
        }
    }
}

#[derive(Serialize)]
struct Output {
    summary: Summary,
    relationships: Vec<RelationshipRow>,
    callers: Vec<CallerRow>,
    findings: Vec<Finding>,
    warnings: Vec<String>,
}

fn caller_row(
    p: &PairUsage,
    view: &trustgate_rules::usage::PairView<'_>,
    trusted: Option<String>,
) -> CallerRow {
    let s = &p.stats;
    let c = &s.counters;
    CallerRow {
        role: view.role.unwrap_or(&p.target).to_string(),
        in_snapshot: view.role.is_some(),
        caller: p.caller.clone(),
        caller_type: p.caller_type().as_str(),
        caller_account: s.caller_account.clone(),
        outside_organization: view.outside_org,
        trusted,
        successes: c.successes,
        failures: c.failures,
        access_denied: c.access_denied,
        events: EventName::ALL
            .iter()
            .zip(c.by_event)
            .filter(|(_, n)| *n > 0)
            .map(|(e, n)| (e.as_str(), n))
            .collect(),
        first_seen: s.first_seen.map(format_time),
        last_seen: s.last_seen.map(format_time),
        first_used: s.first_success.map(format_time),
        last_used: s.last_success.map(format_time),
        session_names: s.session_names.values.iter().cloned().collect(),
        session_names_truncated: s.session_names.truncated,
        source_ips: s.source_ips.values.iter().cloned().collect(),
        source_ips_truncated: s.source_ips.truncated,
        networks: s
            .networks
            .values
            .iter()
            .map(|(n, t)| (n.clone(), format_time(*t)))
            .collect(),
        user_agents: s.user_agents.values.iter().cloned().collect(),
        source_identities: s.source_identities.values.iter().cloned().collect(),
        tag_keys: s.tag_keys.values.iter().cloned().collect(),
        vpc_endpoints: s.vpc_endpoints.values.iter().cloned().collect(),
        regions: s.regions.values.iter().cloned().collect(),
        with_external_id: c.with_external_id,
        external_id_successes: c.external_id_successes,
        max_duration_seconds: s.max_duration_seconds,
    }
}

pub fn run(args: Args) -> CliResult<ExitCode> {
    if args.emit_sql {
        if !trustgate_trail::sql::valid_table_name(&args.table) {
            return Err(CliError::Input(format!(
                "--table `{}`: expected a table name such as cloudtrail_logs or db.cloudtrail_logs",
                args.table
            )));
        }
        let mut w = args.output.writer()?;
        let sql = trustgate_trail::sql::aggregation_sql(&args.table, args.tuning.window_seconds());
        let res = w.write_all(sql.as_bytes());
        finish(w, res)?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.logs.is_none() && args.results.is_none() {
        return Err(CliError::Input(
            "trail: give the logs (--logs DIR), the SQL's result (--results FILE), or --emit-sql"
                .into(),
        ));
    }
    let now = parse_now(&args.now)?;
    let snapshot = args
        .snapshot
        .as_deref()
        .expect("required unless --emit-sql");
    let snap = args.load.load(snapshot)?;
    let trail = load_trail(
        args.logs.as_deref(),
        args.results.as_deref(),
        &args.tuning,
        &snap,
    )?
    .expect("logs or results given");
    let options = ScanOptions {
        stale_days: args.stale_days,
        now,
        only_rules: TRAIL_RULES.iter().map(|s| s.to_string()).collect(),
        progress: None,
        trail: Some(trail.input.clone()),
        registry: true,
        keep_caches: false,
        ..ScanOptions::default()
    };
    let mut analysis = analyze(&snap, &options);
    analysis.output.warnings.extend(trail.warnings());
    let registry = &analysis.registry.relationships;
    let view = trustgate_rules::usage::join(&snap, registry, &trail.input, &|_| false);
    let callers: Vec<CallerRow> = view
        .pairs
        .iter()
        .map(|pv| {
            caller_row(
                pv.usage,
                pv,
                pv.relationship.map(|i| registry[i].trusted.clone()),
            )
        })
        .collect();
    let relationships: Vec<RelationshipRow> = registry
        .iter()
        .map(|r| RelationshipRow {
            role: r.role.clone(),
            account: r.account.clone(),
            trusted: r.trusted.clone(),
            scope: r.scope.as_str(),
            usage: r.usage.clone(),
        })
        .collect();
    let span = trail.input.usage.span_text();
    let max_severity = analysis.output.max_severity();
    // The table renders the findings from `analysis.output`; other formats move them out.
    let findings = if args.format == Format::Table {
        Vec::new()
    } else {
        std::mem::take(&mut analysis.output.findings)
    };
    let out = Output {
        summary: Summary {
            source: if trail.stats.is_some() {
                "logs"
            } else {
                "results"
            },
            first_event: span.as_ref().map(|s| s.0.clone()),
            last_event: span.as_ref().map(|s| s.1.clone()),
            read: trail.stats.as_ref().map(ReadStatsOut::from),
            pairs: callers.len(),
            relationships: relationships.len(),
            relationships_used: relationships
                .iter()
                .filter(|r| r.usage.as_ref().is_some_and(|u| u.successes > 0))
                .count(),
            findings: analysis.output.summary.findings,
            by_rule: analysis.output.summary.by_rule.clone(),
        },
        relationships,
        callers,
        findings,
        warnings: analysis.output.warnings.clone(),
    };
    let mut w = args.output.writer()?;
    let res = match args.format {
        Format::Json => serde_json::to_writer_pretty(&mut w, &out)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(w)),
        Format::Csv => write_csv(&out, &mut w),
        Format::Table => {
            let docs: Vec<_> = catalogue().iter().map(|r| *r.doc()).collect();
            write_table(&out, &mut w).and_then(|()| {
                render_scan(
                    &analysis.output,
                    &docs,
                    ScanFormat::Table,
                    &args.output.render_options(),
                    &mut w,
                )
            })
        }
    };
    finish(w, res)?;
    let incomplete = trail.stats.as_ref().is_some_and(ReadStats::incomplete);
    if args.strict && incomplete {
        eprintln!("trustgate: error: --strict: some CloudTrail files or records could not be read (see the warnings)");
        return Ok(ExitCode::from(2));
    }
    let failed = match (args.fail_on, max_severity) {
        (Some(threshold), Some(max)) => max >= threshold,
        _ => false,
    };
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Control characters (terminal escapes in values that came from log files) shown escaped.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A spreadsheet must not read a cell as a formula (`= + - @`, tab, carriage return first).
fn csv_safe(s: String) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s,
    }
}

/// `account:role/name` for IAM ARNs (shorter tables), anything else as is; terminal-safe.
fn short(arn: &str) -> String {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() == 6 && parts[0] == "arn" && !parts[4].is_empty() {
        clean(&format!("{}:{}", parts[4], parts[5]))
    } else {
        clean(arn)
    }
}

fn day(t: &Option<String>) -> String {
    t.as_deref()
        .map(|t| t.get(..10).unwrap_or(t).to_string())
        .unwrap_or_else(|| "-".into())
}

fn write_table(out: &Output, w: &mut dyn Write) -> std::io::Result<()> {
    let s = &out.summary;
    match (&s.first_event, &s.last_event) {
        (Some(a), Some(b)) => writeln!(w, "CloudTrail {a} .. {b}")?,
        _ => writeln!(w, "CloudTrail: no role assumptions found")?,
    }
    if let Some(r) = &s.read {
        writeln!(
            w,
            "{} file(s), {} record(s), {} role assumption event(s); {} file(s) unreadable, {} partial, {} record(s) skipped",
            r.files, r.records, r.events, r.files_unreadable, r.files_partial, r.records_skipped
        )?;
    }
    writeln!(w)?;
    let headers = [
        "ROLE", "CALLER", "OK", "FAILED", "FIRST", "LAST", "IPS", "VIA",
    ];
    let rows: Vec<[String; 8]> = out
        .callers
        .iter()
        .map(|c| {
            [
                short(&c.role),
                short(&c.caller),
                c.successes.to_string(),
                c.failures.to_string(),
                day(&c.first_seen),
                day(&c.last_seen),
                format!(
                    "{}{}",
                    c.source_ips.len(),
                    if c.source_ips_truncated { "+" } else { "" }
                ),
                match (&c.trusted, c.in_snapshot) {
                    (Some(t), _) => short(t),
                    (None, true) => "(no trust covers it)".into(),
                    (None, false) => "(role not in snapshot)".into(),
                },
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([headers[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| -> String {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, &wd)| format!("{c:<wd$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    writeln!(w, "{}", line(&headers.map(String::from)))?;
    for r in &rows {
        writeln!(w, "{}", line(r))?;
    }
    writeln!(w)?;
    let unused: Vec<&RelationshipRow> = out
        .relationships
        .iter()
        .filter(|r| r.usage.as_ref().is_some_and(|u| u.successes == 0))
        .filter(|r| r.scope != "service")
        .collect();
    writeln!(
        w,
        "{} of {} trust relationships used in this period; not used (services aside): {}",
        s.relationships_used,
        s.relationships,
        unused.len()
    )?;
    for r in unused {
        writeln!(w, "  {} <- {}", short(&r.role), short(&r.trusted))?;
    }
    for warning in &out.warnings {
        writeln!(w, "warning: {}", clean(warning))?;
    }
    writeln!(w)
}

fn write_csv(out: &Output, w: &mut dyn Write) -> std::io::Result<()> {
    let mut wtr = csv::Writer::from_writer(w);
    wtr.write_record([
        "role",
        "caller",
        "callerType",
        "callerAccount",
        "outsideOrganization",
        "trusted",
        "successes",
        "failures",
        "accessDenied",
        "firstSeen",
        "lastSeen",
        "firstUsed",
        "lastUsed",
        "sourceIps",
        "networks",
        "sessionNames",
        "externalIdSuccesses",
    ])
    .map_err(std::io::Error::other)?;
    for c in &out.callers {
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        let record = [
            c.role.clone(),
            c.caller.clone(),
            c.caller_type.to_string(),
            opt(&c.caller_account),
            c.outside_organization
                .map(|b| b.to_string())
                .unwrap_or_default(),
            opt(&c.trusted),
            c.successes.to_string(),
            c.failures.to_string(),
            c.access_denied.to_string(),
            opt(&c.first_seen),
            opt(&c.last_seen),
            opt(&c.first_used),
            opt(&c.last_used),
            c.source_ips.join("; "),
            c.networks.keys().cloned().collect::<Vec<_>>().join("; "),
            c.session_names.len().to_string(),
            c.external_id_successes.to_string(),
        ];
        wtr.write_record(record.map(csv_safe))
            .map_err(std::io::Error::other)?;
    }
    wtr.flush()
}
