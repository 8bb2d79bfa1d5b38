//! The self-contained HTML report: one file, no network, every snapshot string treated as data.
//!
//! Layout of the work: Rust gathers the report's data (accounts, rules, findings, roles with
//! their trust policies, relationships, paths) into one JSON document; the page's own script
//! (`assets/report.js`) builds every table, chart and the graph from it with `textContent` and
//! Cytoscape.js (vendored, MIT), never with HTML strings. Three layers keep snapshot strings
//! from running as code:
//! 1. the JSON sits in a `<script type="application/json">` block with `<`, `>` and `&`
//!    escaped as `\u003c`…, so no string can close the block;
//! 2. the page only ever puts data into the DOM as text;
//! 3. a Content-Security-Policy allows exactly the page's own scripts (by SHA-256 hash) and no
//!    connections at all, so even an injected `<script>` or a network request would be refused.
//!
//! Big organizations: the data stays linear in the snapshot (roles and relationships once each,
//! trust policies once per distinct document) and the page pages its tables and starts the
//! graph at account level when there are many roles.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use base64::Engine as _;
use serde::Serialize;
use sha2::{Digest, Sha256};
use trustgate_access::{AccessGraph, NodeKind, PermissionSummary};
use trustgate_model::Snapshot;
use trustgate_policy::PolicyJson;
use trustgate_rules::{Analysis, Finding, RuleDoc, Summary};

use crate::RenderOptions;

const TEMPLATE: &str = include_str!("../assets/report.html.j2");
const STYLE: &str = include_str!("../assets/report.css");
const SCRIPT: &str = include_str!("../assets/report.js");
/// Cytoscape.js, vendored from the npm registry (see `assets/vendor/README.md`).
const CYTOSCAPE: &str = include_str!("../assets/vendor/cytoscape.min.js");
const DATA_MARKER: &str = "@@TRUSTGATE_REPORT_DATA@@";
const ENCODING_MARKER: &str = "@@TRUSTGATE_DATA_ENCODING@@";

/// Findings of one rule embedded in the page; the rest are counted (a thousand-account
/// organization has a hundred thousand stale-role findings: the page shows the worst).
pub const MAX_FINDINGS_PER_RULE: usize = 2000;
/// Above this size the data is embedded gzip-compressed (base64) and inflated by the browser's
/// DecompressionStream: JSON of a large organization is repetitive and shrinks ~15×.
const COMPRESS_ABOVE: usize = 4 << 20;
/// Paths embedded in the page beyond those ending at admin-equivalent roles.
const MAX_EXTRA_PATHS: usize = 2000;
/// Longest path searched for the page.
const MAX_HOPS: usize = 8;

/// What the HTML report is made from.
pub struct HtmlInput<'a> {
    pub snapshot: &'a Snapshot,
    pub analysis: &'a Analysis,
    /// The rule catalogue (documentation shown next to each rule's findings).
    pub rules: &'a [RuleDoc],
    /// When the report was made (shown in the header), e.g. RFC 3339.
    pub generated_at: String,
    /// "Now" for staleness, as the scan used it.
    pub now: String,
    /// Days after which a relationship is stale (as the scan used it).
    pub stale_days: u32,
}

/// Writes the report.
pub fn render_html(
    input: &HtmlInput<'_>,
    opts: &RenderOptions,
    w: &mut dyn Write,
) -> io::Result<()> {
    let data = build(input, opts);
    let json = serde_json::to_vec(&data).map_err(io::Error::from)?;
    drop(data);
    let compress = json.len() > COMPRESS_ABOVE;
    let page = page_shell()?.replace(
        ENCODING_MARKER,
        if compress { "gzip-base64" } else { "json" },
    );
    let (head, tail) = page
        .split_once(DATA_MARKER)
        .expect("the template has the data marker");
    w.write_all(head.as_bytes())?;
    if compress {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(5));
        gz.write_all(&json)?;
        let packed = gz.finish()?;
        drop(json);
        // base64 has no `<`, `>` or `&`: safe inside the script block as it is.
        let text = base64::engine::general_purpose::STANDARD.encode(packed);
        w.write_all(text.as_bytes())?;
    } else {
        ScriptSafe(&mut *w).write_all(&json)?;
    }
    w.write_all(tail.as_bytes())?;
    Ok(())
}

/// The page around the data: template, styles, scripts, and a CSP naming the scripts' hashes.
fn page_shell() -> io::Result<String> {
    let mut env = minijinja::Environment::new();
    env.add_template("report.html", TEMPLATE)
        .map_err(io::Error::other)?;
    let hash = |s: &str| {
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes()))
        )
    };
    let csp = format!(
        "default-src 'none'; script-src {} {}; style-src 'unsafe-inline'; img-src data: blob:; \
         connect-src 'none'; font-src 'none'; frame-src 'none'; form-action 'none'; base-uri 'none'",
        hash(CYTOSCAPE),
        hash(SCRIPT)
    );
    let ctx = minijinja::context! {
        csp => csp,
        style => minijinja::Value::from_safe_string(STYLE.to_string()),
        cytoscape => minijinja::Value::from_safe_string(CYTOSCAPE.to_string()),
        script => minijinja::Value::from_safe_string(SCRIPT.to_string()),
        data => minijinja::Value::from_safe_string(DATA_MARKER.to_string()),
        encoding => minijinja::Value::from_safe_string(ENCODING_MARKER.to_string()),
    };
    env.get_template("report.html")
        .and_then(|t| t.render(ctx))
        .map_err(io::Error::other)
}

/// Escapes `<`, `>` and `&` inside JSON text as `\u003c`… (valid JSON, and no string can end
/// the surrounding `<script>` block or open a comment). serde_json only writes these bytes
/// inside strings, where the escape means the same character.
struct ScriptSafe<'w>(&'w mut dyn Write);

impl Write for ScriptSafe<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut start = 0;
        for (i, &b) in buf.iter().enumerate() {
            let esc: &[u8] = match b {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                b'&' => b"\\u0026",
                _ => continue,
            };
            self.0.write_all(&buf[start..i])?;
            self.0.write_all(esc)?;
            start = i + 1;
        }
        self.0.write_all(&buf[start..])?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// The report's data, as the page's script reads it (documented in the crate README).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportData<'a> {
    pub meta: Meta,
    pub summary: &'a Summary,
    pub accounts: Vec<AccountRow>,
    pub rules: Vec<RuleRow<'a>>,
    /// Findings, at most [`MAX_FINDINGS_PER_RULE`] per rule (most severe first).
    pub findings: Vec<FindingRow<'a>>,
    /// Per rule, findings left out of `findings` (the JSON/CSV outputs have all of them).
    pub findings_omitted: BTreeMap<&'a str, usize>,
    /// Finding counts per account, most first (top 50), over all findings.
    pub findings_by_account: Vec<(&'a str, usize)>,
    pub roles: Vec<RoleRow<'a>>,
    /// Distinct permission summaries; roles point here.
    pub permission_sets: Vec<&'a PermissionSummary>,
    /// Distinct trust policies (pretty JSON, External IDs redacted); roles point here.
    pub policies: Vec<String>,
    pub relationships: Vec<RelationshipRow<'a>>,
    pub paths: Vec<PathRow>,
    /// Paths left out of `paths` (use `trustgate paths` for all of them).
    pub paths_omitted: usize,
    /// IAM users: credentials (credential report) and the roles they can reach.
    pub entry_points: &'a [trustgate_rules::EntryPoint],
    pub warnings: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    pub tool: &'static str,
    pub version: String,
    pub generated_at: String,
    pub now: String,
    pub stale_days: u32,
    pub snapshot: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountRow {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// OU path names from the root, when organization data is present.
    pub ou: Vec<String>,
    /// In the snapshot (its IAM data was read) or only referenced by trust policies.
    pub in_snapshot: bool,
    pub internal: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    pub roles: usize,
    pub users: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleRow<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub title: &'a str,
    pub severity: String,
    pub what: &'a str,
    pub why: &'a str,
    pub example: &'a str,
    pub fix: &'a str,
    pub findings: usize,
}

/// A finding as the page shows it (`details` and `fingerprint` are in the JSON output).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingRow<'a> {
    pub rule: &'a str,
    pub severity: String,
    pub resource: &'a str,
    pub account: &'a str,
    pub message: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleRow<'a> {
    pub arn: &'a str,
    pub name: &'a str,
    pub account: &'a str,
    /// Index into `policies`.
    pub trust_policy: usize,
    /// Index into `permissionSets`; None for a role without any trust relationship (its
    /// trust policy only denies), whose permissions were not summarized.
    pub permissions: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission_boundary: Option<&'a str>,
    pub tags: &'a trustgate_model::Tags,
    pub last_used: Option<&'a str>,
    pub max_session_seconds: u32,
    pub max_session_assumed: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationshipRow<'a> {
    /// Index into `roles`.
    pub role: usize,
    pub trusted: &'a str,
    pub trusted_type: &'a trustgate_rules::trust::TrustedKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trusted_account: Option<&'a str>,
    pub scope: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<&'a str>,
    pub actions: &'a [String],
    pub external_id: bool,
    pub mfa: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_note: Option<&'a str>,
    /// The conditions, one per entry (`StringEquals aws:PrincipalOrgID o-…`); absent when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub restricted_by: &'a [String],
    pub statement: &'a str,
    /// What CloudTrail shows of it (`--trail`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<&'a trustgate_rules::RelationshipUsage>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PathRow {
    pub from: String,
    pub to: String,
    /// Starts outside the organization (or anyone).
    pub from_outside: bool,
    pub ends_admin: bool,
    pub session_cap_seconds: u32,
    pub hops: Vec<HopRow>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HopRow {
    pub from: String,
    pub to: String,
    pub action: String,
    pub decision: &'static str,
    /// Alternatives (OR) of conditions (AND), as text; empty when unconditional.
    pub conditions: Vec<String>,
}

/// Gathers the report's data.
pub fn build<'a>(input: &HtmlInput<'a>, opts: &RenderOptions) -> ReportData<'a> {
    let snap = input.snapshot;
    let analysis = input.analysis;

    // Roles, with trust policies stored once per distinct document.
    let mut policies = Vec::new();
    let mut policy_index: HashMap<*const trustgate_policy::Policy, usize> = HashMap::new();
    let mut policy_text_index: HashMap<String, usize> = HashMap::new();
    let mut roles = Vec::new();
    let mut role_index: HashMap<&str, usize> = HashMap::new();
    // Roles share summaries (the same managed policies attached everywhere): store each once.
    let mut permission_sets: Vec<&'a PermissionSummary> = Vec::new();
    let mut set_index: HashMap<String, usize> = HashMap::new();
    let mut summaries: HashMap<&str, usize> = HashMap::new();
    for r in &analysis.registry.relationships {
        if summaries.contains_key(r.role.as_str()) {
            continue;
        }
        let key = serde_json::to_string(&r.permissions).expect("summaries serialize");
        let next = permission_sets.len();
        let i = *set_index.entry(key).or_insert(next);
        if i == next {
            permission_sets.push(&r.permissions);
        }
        summaries.insert(r.role.as_str(), i);
    }
    for acct in &snap.accounts {
        for role in &acct.roles {
            let ptr = std::sync::Arc::as_ptr(&role.trust_policy);
            let idx = *policy_index.entry(ptr).or_insert_with(|| {
                let text = PolicyJson::redacting(&role.trust_policy, &["sts:externalid"])
                    .to_pretty_string();
                let next = policy_text_index.len();
                let i = *policy_text_index.entry(text.clone()).or_insert(next);
                if i == policies.len() {
                    policies.push(text);
                }
                i
            });
            role_index.insert(role.arn.as_str(), roles.len());
            roles.push(RoleRow {
                arn: &role.arn,
                name: &role.name,
                account: &acct.id,
                trust_policy: idx,
                permissions: summaries.get(role.arn.as_str()).copied(),
                permission_boundary: role.permission_boundary.as_ref().map(|b| b.arn()),
                tags: &role.tags,
                last_used: role.last_used.as_deref(),
                max_session_seconds: role.max_session_duration.unwrap_or(3600),
                max_session_assumed: role.max_session_duration.is_none(),
            });
        }
    }

    let relationships: Vec<RelationshipRow<'a>> = analysis
        .registry
        .relationships
        .iter()
        .filter_map(|r| {
            Some(RelationshipRow {
                role: *role_index.get(r.role.as_str())?,
                trusted: &r.trusted,
                trusted_type: &r.trusted_type,
                trusted_account: r.trusted_account.as_deref(),
                scope: r.scope.as_str(),
                vendor: r.vendor.as_deref(),
                actions: &r.actions,
                external_id: r.external_id,
                mfa: r.mfa,
                mfa_note: r.mfa_note.as_deref(),
                conditions: r
                    .conditions
                    .iter()
                    .map(|c| format!("{} {} {}", c.operator, c.key, c.values.join(", ")))
                    .collect(),
                restricted_by: &r.restricted_by,
                statement: &r.statement,
                usage: r.usage.as_ref(),
            })
        })
        .collect();

    // Accounts: the snapshot's, then every other account trust policies name.
    let mut accounts: Vec<AccountRow> = snap
        .accounts
        .iter()
        .map(|a| AccountRow {
            id: a.id.clone(),
            name: a.name.clone().or_else(|| {
                snap.organization
                    .as_ref()
                    .and_then(|o| o.account(&a.id))
                    .and_then(|oa| oa.name.clone())
                    .filter(|n| !n.is_empty())
            }),
            ou: snap
                .organization
                .as_ref()
                .and_then(|o| o.path_names(&a.id))
                .unwrap_or_default(),
            in_snapshot: true,
            internal: snap.is_internal(&a.id),
            vendor: None,
            roles: a.roles.len(),
            users: a.users.len(),
        })
        .collect();
    let mut seen: std::collections::HashSet<String> =
        accounts.iter().map(|a| a.id.clone()).collect();
    for r in &analysis.registry.relationships {
        if let Some(id) = &r.trusted_account {
            if seen.insert(id.clone()) {
                accounts.push(AccountRow {
                    id: id.clone(),
                    name: None,
                    ou: Vec::new(),
                    in_snapshot: false,
                    internal: snap.is_internal(id),
                    vendor: snap.known_accounts.lookup(id).map(str::to_string),
                    roles: 0,
                    users: 0,
                });
            }
        }
    }

    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut by_account: HashMap<&str, usize> = HashMap::new();
    let mut findings = Vec::new();
    let mut findings_omitted: BTreeMap<&str, usize> = BTreeMap::new();
    let mut sorted: Vec<&Finding> = analysis.output.findings.iter().collect();
    sorted.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in sorted {
        *by_account.entry(f.account.as_str()).or_default() += 1;
        let n = counts.entry(f.rule.as_str()).or_default();
        *n += 1;
        if *n > MAX_FINDINGS_PER_RULE {
            *findings_omitted.entry(f.rule.as_str()).or_default() += 1;
            continue;
        }
        findings.push(FindingRow {
            rule: &f.rule,
            severity: f.severity.to_string(),
            resource: &f.resource,
            account: &f.account,
            message: &f.message,
        });
    }
    let mut findings_by_account: Vec<(&str, usize)> = by_account.into_iter().collect();
    findings_by_account.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    findings_by_account.truncate(50);
    let rules = input
        .rules
        .iter()
        .map(|d| RuleRow {
            id: d.id,
            name: d.name,
            title: d.title,
            severity: d.severity.to_string(),
            what: d.what,
            why: d.why,
            example: d.example,
            fix: d.fix,
            findings: counts.get(d.id).copied().unwrap_or(0),
        })
        .collect();

    let (paths, paths_omitted) = paths_of(&analysis.graph);

    ReportData {
        meta: Meta {
            tool: "trustgate",
            version: opts.tool_version.clone(),
            generated_at: input.generated_at.clone(),
            now: input.now.clone(),
            stale_days: input.stale_days,
            snapshot: snap.root.display().to_string(),
            organization_id: snap.org_id().map(str::to_string),
        },
        summary: &analysis.output.summary,
        accounts,
        rules,
        findings,
        findings_omitted,
        findings_by_account,
        roles,
        permission_sets,
        policies,
        relationships,
        paths,
        paths_omitted,
        entry_points: &analysis.registry.entry_points,
        warnings: &analysis.output.warnings,
    }
}

/// Paths worth showing: from every entry point (outside the organization, anyone, users,
/// identity providers) to every admin-equivalent role, then from outside the organization to
/// any role, up to a limit.
fn paths_of(g: &AccessGraph) -> (Vec<PathRow>, usize) {
    let outside: Vec<usize> = (0..g.nodes.len())
        .filter(|&i| !g.nodes[i].internal)
        .collect();
    let entry: Vec<usize> = (0..g.nodes.len())
        .filter(|&i| {
            let n = &g.nodes[i];
            !n.internal
                || matches!(
                    n.kind,
                    NodeKind::User | NodeKind::Provider | NodeKind::Public
                )
        })
        .collect();
    let row = |p: trustgate_access::Path| PathRow {
        from_outside: g.node(&p.from).is_some_and(|i| !g.nodes[i].internal),
        from: p.from,
        to: p.to,
        ends_admin: p.ends_admin,
        session_cap_seconds: p.session_cap_seconds,
        hops: p
            .hops
            .into_iter()
            .map(|h| HopRow {
                from: h.from,
                to: h.to,
                action: h.action,
                decision: h.decision,
                conditions: h
                    .conditions
                    .iter()
                    .map(|alt| {
                        alt.iter()
                            .map(|l| l.to_string())
                            .collect::<Vec<_>>()
                            .join(" AND ")
                    })
                    .collect(),
            })
            .collect(),
    };
    let mut out: Vec<PathRow> = g
        .shortest_paths(&entry, &|i| g.nodes[i].admin, MAX_HOPS)
        .into_iter()
        .map(row)
        .collect();
    let mut omitted = 0;
    let to_admin: std::collections::HashSet<(String, String)> =
        out.iter().map(|p| (p.from.clone(), p.to.clone())).collect();
    for p in g.shortest_paths(
        &outside,
        &|i| g.nodes[i].kind == NodeKind::Role && !g.nodes[i].admin,
        MAX_HOPS,
    ) {
        if to_admin.contains(&(p.from.clone(), p.to.clone())) {
            continue;
        }
        if out.len() >= MAX_EXTRA_PATHS + to_admin.len() {
            omitted += 1;
            continue;
        }
        out.push(row(p));
    }
    (out, omitted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_escapes_only_markup_bytes() {
        let mut out = Vec::new();
        {
            let mut w = ScriptSafe(&mut out);
            serde_json::to_writer(&mut w, &serde_json::json!({"t": "</script><b>&"})).unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, r#"{"t":"\u003c/script\u003e\u003cb\u003e\u0026"}"#);
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["t"], "</script><b>&");
    }

    #[test]
    fn the_shell_has_the_marker_once_and_hashes_both_scripts() {
        let page = page_shell().unwrap();
        assert_eq!(page.matches(DATA_MARKER).count(), 1);
        assert_eq!(page.matches("sha256-").count(), 2);
        assert!(page.contains("connect-src &#x27;none&#x27;"));
        // The vendored library and our script are inlined verbatim (hashes must match them).
        assert!(page.contains(SCRIPT));
        assert!(page.contains(CYTOSCAPE));
    }
}
