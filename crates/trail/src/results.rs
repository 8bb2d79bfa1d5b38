//! The rows of the aggregation SQL ([`crate::sql`]), read back from Athena's CSV result or a
//! JSON Lines export (and written, to compare with a local read of the same logs).
//!
//! One row per (role, caller, side) — `row_kind = "pair"` — and per (caller, window, side) of
//! failed calls — `row_kind = "burst"`. Lists are JSON arrays (in CSV, as JSON text in the
//! cell) holding at most the cap + 1 smallest values: one more than the cap means "more".
//! Rows with the same key are merged, so a result split over several rows still reads right.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize};

use crate::aggregate::{
    BurstStats, Capped, CappedTimes, PairStats, RawAggregate, Side, CAP_NETWORKS,
    CAP_SESSION_NAMES, CAP_SMALL, CAP_SOURCE_IPS, CAP_TAG_KEYS,
};
use crate::event::{format_time, parse_time, CallerType};

/// One result row. Column names are the SQL's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResultRow {
    pub row_kind: String,
    #[serde(default)]
    pub target_role: Option<String>,
    pub caller: String,
    #[serde(default)]
    pub caller_type: Option<String>,
    #[serde(default)]
    pub caller_account: Option<String>,
    pub side: String,
    #[serde(default)]
    pub window_start: Option<String>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub window_seconds: Option<u64>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub successes: Option<u64>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub failures: Option<u64>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub access_denied: Option<u64>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub assume_role: Option<u64>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub assume_role_with_saml: Option<u64>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub assume_role_with_web_identity: Option<u64>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub get_federation_token: Option<u64>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub switch_role: Option<u64>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub with_external_id: Option<u64>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub external_id_successes: Option<u64>,
    #[serde(default)]
    pub first_seen: Option<String>,
    #[serde(default)]
    pub last_seen: Option<String>,
    #[serde(default)]
    pub first_success: Option<String>,
    #[serde(default)]
    pub last_success: Option<String>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub max_duration_seconds: Option<u64>,
    #[serde(default, deserialize_with = "json_list")]
    pub session_names: Option<String>,
    #[serde(default, deserialize_with = "json_list")]
    pub source_ips: Option<String>,
    /// `"NETWORK FIRST-SUCCESS-TIME"` entries.
    #[serde(default, deserialize_with = "json_list")]
    pub networks: Option<String>,
    #[serde(default, deserialize_with = "json_list")]
    pub user_agents: Option<String>,
    #[serde(default, deserialize_with = "json_list")]
    pub source_identities: Option<String>,
    #[serde(default, deserialize_with = "json_list")]
    pub tag_keys: Option<String>,
    #[serde(default, deserialize_with = "json_list")]
    pub vpc_endpoints: Option<String>,
    #[serde(default, deserialize_with = "json_list")]
    pub regions: Option<String>,
    /// Burst rows: the roles the failed calls were for.
    #[serde(default, deserialize_with = "json_list")]
    pub targets: Option<String>,
}

/// The column order of the SQL's result (and of [`write_csv`]).
pub const COLUMNS: [&str; 32] = [
    "row_kind",
    "target_role",
    "caller",
    "caller_type",
    "caller_account",
    "side",
    "window_start",
    "window_seconds",
    "successes",
    "failures",
    "access_denied",
    "assume_role",
    "assume_role_with_saml",
    "assume_role_with_web_identity",
    "get_federation_token",
    "switch_role",
    "with_external_id",
    "external_id_successes",
    "first_seen",
    "last_seen",
    "first_success",
    "last_success",
    "max_duration_seconds",
    "session_names",
    "source_ips",
    "networks",
    "user_agents",
    "source_identities",
    "tag_keys",
    "vpc_endpoints",
    "regions",
    "targets",
];

fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum N {
        Num(u64),
        Str(String),
    }
    match Option::<N>::deserialize(d)? {
        None => Ok(None),
        Some(N::Num(n)) => Ok(Some(n)),
        Some(N::Str(s)) if s.trim().is_empty() => Ok(None),
        Some(N::Str(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("`{s}` is not a count"))),
    }
}

/// A JSON array, or a string holding one (CSV cells, `json_format` output), kept as text.
fn json_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

fn list(text: &Option<String>, column: &str) -> Result<Vec<String>, String> {
    match text {
        None => Ok(Vec::new()),
        Some(t) => serde_json::from_str::<Vec<Option<String>>>(t)
            .map(|v| v.into_iter().flatten().collect())
            .map_err(|e| format!("column {column}: expected a JSON array of strings: {e}")),
    }
}

fn time(text: &Option<String>, column: &str) -> Result<Option<i64>, String> {
    match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => parse_time(t)
            .map(Some)
            .ok_or_else(|| format!("column {column}: `{t}` is not a time")),
    }
}

fn side(s: &str) -> Result<Side, String> {
    match s {
        "target" => Ok(Side::Target),
        "caller" => Ok(Side::Caller),
        other => Err(format!(
            "column side: `{other}` (expected target or caller)"
        )),
    }
}

fn caller_type(s: &Option<String>) -> Option<&'static str> {
    s.as_deref()
        .and_then(CallerType::parse)
        .map(CallerType::as_str)
}

impl ResultRow {
    fn add_to(&self, agg: &mut RawAggregate) -> Result<(), String> {
        let side = side(&self.side)?;
        let n = |v: Option<u64>| v.unwrap_or(0);
        match self.row_kind.as_str() {
            "pair" => {
                let target = self
                    .target_role
                    .clone()
                    .filter(|t| !t.is_empty())
                    .ok_or("column target_role: empty in a pair row")?;
                let mut s = PairStats {
                    caller_type: caller_type(&self.caller_type),
                    caller_account: self.caller_account.clone().filter(|a| !a.is_empty()),
                    first_seen: time(&self.first_seen, "first_seen")?,
                    last_seen: time(&self.last_seen, "last_seen")?,
                    first_success: time(&self.first_success, "first_success")?,
                    last_success: time(&self.last_success, "last_success")?,
                    max_duration_seconds: self.max_duration_seconds,
                    session_names: Capped::from_list(
                        list(&self.session_names, "session_names")?,
                        CAP_SESSION_NAMES,
                    ),
                    source_ips: Capped::from_list(
                        list(&self.source_ips, "source_ips")?,
                        CAP_SOURCE_IPS,
                    ),
                    user_agents: Capped::from_list(
                        list(&self.user_agents, "user_agents")?,
                        CAP_SMALL,
                    ),
                    source_identities: Capped::from_list(
                        list(&self.source_identities, "source_identities")?,
                        CAP_SMALL,
                    ),
                    tag_keys: Capped::from_list(list(&self.tag_keys, "tag_keys")?, CAP_TAG_KEYS),
                    vpc_endpoints: Capped::from_list(
                        list(&self.vpc_endpoints, "vpc_endpoints")?,
                        CAP_SMALL,
                    ),
                    regions: Capped::from_list(list(&self.regions, "regions")?, CAP_SMALL),
                    ..Default::default()
                };
                let mut networks = CappedTimes::default();
                for entry in list(&self.networks, "networks")? {
                    let (net, t) = entry.rsplit_once(' ').ok_or_else(|| {
                        format!("column networks: `{entry}` is not `NETWORK TIME`")
                    })?;
                    let t = parse_time(t)
                        .ok_or_else(|| format!("column networks: `{t}` is not a time"))?;
                    networks.insert(net, t, CAP_NETWORKS);
                }
                s.networks = networks;
                let c = &mut s.counters;
                c.successes = n(self.successes);
                c.failures = n(self.failures);
                c.access_denied = n(self.access_denied);
                c.by_event = [
                    n(self.assume_role),
                    n(self.assume_role_with_saml),
                    n(self.assume_role_with_web_identity),
                    n(self.get_federation_token),
                    n(self.switch_role),
                ];
                c.with_external_id = n(self.with_external_id);
                c.external_id_successes = n(self.external_id_successes);
                match agg
                    .pairs
                    .get_mut(&(target.clone(), self.caller.clone(), side))
                {
                    Some(existing) => existing.merge(&s),
                    None => {
                        agg.pairs.insert((target, self.caller.clone(), side), s);
                    }
                }
            }
            "burst" => {
                let window = time(&self.window_start, "window_start")?
                    .ok_or("column window_start: empty in a burst row")?;
                if let Some(w) = self.window_seconds {
                    agg.window_seconds = w.max(1) as i64;
                }
                let b = BurstStats {
                    caller_type: caller_type(&self.caller_type),
                    caller_account: self.caller_account.clone().filter(|a| !a.is_empty()),
                    failures: n(self.failures),
                    access_denied: n(self.access_denied),
                    targets: Capped::from_list(list(&self.targets, "targets")?, CAP_SMALL),
                    source_ips: Capped::from_list(list(&self.source_ips, "source_ips")?, CAP_SMALL),
                };
                let key = (self.caller.clone(), window, side);
                match agg.bursts.get_mut(&key) {
                    Some(existing) => {
                        existing.failures += b.failures;
                        existing.access_denied += b.access_denied;
                        existing.targets.merge(&b.targets, CAP_SMALL);
                        existing.source_ips.merge(&b.source_ips, CAP_SMALL);
                    }
                    None => {
                        agg.bursts.insert(key, b);
                    }
                }
            }
            other => {
                return Err(format!(
                    "column row_kind: `{other}` (expected pair or burst)"
                ))
            }
        }
        Ok(())
    }
}

/// Reads the SQL's result: CSV with a header (Athena's format), or JSON Lines (one object
/// per row). Errors name the file and the row.
pub fn read_results(path: &Path, default_window_seconds: i64) -> Result<RawAggregate, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut reader = BufReader::new(file);
    let first = {
        let buf = reader
            .fill_buf()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        buf.iter().find(|b| !b.is_ascii_whitespace()).copied()
    };
    let mut agg = RawAggregate::new(default_window_seconds);
    if first == Some(b'{') {
        for (i, line) in reader.lines().enumerate() {
            let line = line.map_err(|e| format!("{}: {e}", path.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            let row: ResultRow = serde_json::from_str(&line)
                .map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))?;
            row.add_to(&mut agg)
                .map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))?;
        }
    } else {
        let mut rdr = csv::Reader::from_reader(reader);
        let headers = rdr
            .headers()
            .map_err(|e| format!("{}: {e}", path.display()))?
            .clone();
        for required in ["row_kind", "caller", "side"] {
            if !headers.iter().any(|h| h == required) {
                return Err(format!(
                    "{}: line 1: no `{required}` column: not the result of `trustgate trail --emit-sql` (columns: {})",
                    path.display(),
                    COLUMNS.join(", ")
                ));
            }
        }
        for (i, row) in rdr.deserialize::<ResultRow>().enumerate() {
            let line = i + 2;
            let row = row.map_err(|e| format!("{}:{line}: {e}", path.display()))?;
            row.add_to(&mut agg)
                .map_err(|e| format!("{}:{line}: {e}", path.display()))?;
        }
    }
    Ok(agg)
}

fn list_text(c: &Capped, cap: usize) -> Option<String> {
    if c.values.is_empty() {
        return None;
    }
    let mut v: Vec<&String> = c.values.iter().collect();
    if c.truncated && v.len() == cap {
        // Say "more" as the SQL does: one value past the cap. Which one does not matter.
        v.push(v[v.len() - 1]);
    }
    serde_json::to_string(&v).ok()
}

/// The rows of an aggregation, as the SQL would return them (sorted).
pub fn rows_of(agg: &RawAggregate) -> Vec<ResultRow> {
    let mut rows = Vec::new();
    let t = |v: Option<i64>| v.map(format_time);
    for ((target, caller, side), s) in &agg.pairs {
        let c = &s.counters;
        let mut nets: Vec<String> = s
            .networks
            .values
            .iter()
            .map(|(n, time)| format!("{n} {}", format_time(*time)))
            .collect();
        if s.networks.truncated && nets.len() == CAP_NETWORKS {
            nets.push(nets[nets.len() - 1].clone());
        }
        rows.push(ResultRow {
            row_kind: "pair".into(),
            target_role: Some(target.clone()),
            caller: caller.clone(),
            caller_type: s.caller_type.map(str::to_string),
            caller_account: s.caller_account.clone(),
            side: side.as_str().into(),
            successes: Some(c.successes),
            failures: Some(c.failures),
            access_denied: Some(c.access_denied),
            assume_role: Some(c.by_event[0]),
            assume_role_with_saml: Some(c.by_event[1]),
            assume_role_with_web_identity: Some(c.by_event[2]),
            get_federation_token: Some(c.by_event[3]),
            switch_role: Some(c.by_event[4]),
            with_external_id: Some(c.with_external_id),
            external_id_successes: Some(c.external_id_successes),
            first_seen: t(s.first_seen),
            last_seen: t(s.last_seen),
            first_success: t(s.first_success),
            last_success: t(s.last_success),
            max_duration_seconds: s.max_duration_seconds,
            session_names: list_text(&s.session_names, CAP_SESSION_NAMES),
            source_ips: list_text(&s.source_ips, CAP_SOURCE_IPS),
            networks: (!nets.is_empty()).then(|| serde_json::to_string(&nets).unwrap_or_default()),
            user_agents: list_text(&s.user_agents, CAP_SMALL),
            source_identities: list_text(&s.source_identities, CAP_SMALL),
            tag_keys: list_text(&s.tag_keys, CAP_TAG_KEYS),
            vpc_endpoints: list_text(&s.vpc_endpoints, CAP_SMALL),
            regions: list_text(&s.regions, CAP_SMALL),
            ..Default::default()
        });
    }
    for ((caller, window, side), b) in &agg.bursts {
        rows.push(ResultRow {
            row_kind: "burst".into(),
            caller: caller.clone(),
            caller_type: b.caller_type.map(str::to_string),
            caller_account: b.caller_account.clone(),
            side: side.as_str().into(),
            window_start: Some(format_time(*window)),
            window_seconds: Some(agg.window_seconds as u64),
            failures: Some(b.failures),
            access_denied: Some(b.access_denied),
            targets: list_text(&b.targets, CAP_SMALL),
            source_ips: list_text(&b.source_ips, CAP_SMALL),
            ..Default::default()
        });
    }
    rows.sort_by(|a, b| {
        (
            &a.row_kind,
            &a.target_role,
            &a.caller,
            &a.side,
            &a.window_start,
        )
            .cmp(&(
                &b.row_kind,
                &b.target_role,
                &b.caller,
                &b.side,
                &b.window_start,
            ))
    });
    rows
}

/// Writes rows as CSV in the SQL's column order.
pub fn write_csv(rows: &[ResultRow], w: &mut dyn Write) -> std::io::Result<()> {
    let mut wtr = csv::Writer::from_writer(w);
    for r in rows {
        wtr.serialize(r).map_err(std::io::Error::other)?;
    }
    wtr.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_match_the_row_struct() {
        let mut out = Vec::new();
        write_csv(
            &[ResultRow {
                row_kind: "pair".into(),
                caller: "c".into(),
                side: "target".into(),
                ..Default::default()
            }],
            &mut out,
        )
        .unwrap();
        let header = String::from_utf8(out).unwrap();
        assert_eq!(header.lines().next().unwrap(), COLUMNS.join(","));
    }

    #[test]
    fn bad_rows_name_the_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.csv");
        std::fs::write(
            &p,
            "row_kind,target_role,caller,side,first_seen\npair,arn:aws:iam::1:role/r,c,target,2026-10-01T00:00:00Z\npair,arn:aws:iam::1:role/r,c,sideways,\n",
        )
        .unwrap();
        let e = read_results(&p, 600).unwrap_err();
        assert!(e.contains("r.csv:3: column side"), "{e}");
        std::fs::write(&p, "a,b\n1,2\n").unwrap();
        assert!(read_results(&p, 600)
            .unwrap_err()
            .contains("no `row_kind` column"));
        std::fs::write(&p, "{\"row_kind\":\"pair\",\"caller\":\"c\",\"side\":\"target\",\"target_role\":\"r\",\"successes\":\"x\"}\n").unwrap();
        assert!(read_results(&p, 600).unwrap_err().contains("r.csv:1:"));
    }
}
