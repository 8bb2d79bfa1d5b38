//! # trustgate-iac
//!
//! Infrastructure as code in and out:
//!
//! * [`scan`]: Terraform HCL (`.tf`), Terraform plan JSON and CloudFormation (JSON or YAML)
//!   become an in-memory snapshot — one account per template — on which the same rules as
//!   `trustgate scan` run; every finding is placed at the file, line and column of the
//!   resource that caused it. With a snapshot of the live organization, the relationships the
//!   change adds, removes or changes are listed too ([`Diff`]).
//! * [`generate`]: a spec of cross-account relationships becomes both halves of each —
//!   the target role (trust, permissions, boundary, tags) and the caller's identity policy —
//!   as Terraform, CloudFormation or plain policy documents.
//!
//! See the crate README for what is read, what is resolved and what is not.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use trustgate_model::{KnownAccounts, Organization, Snapshot};
use trustgate_rules::scan::{registry_of, role_views};
use trustgate_rules::{
    analyze, catalogue, Finding, Relationship, ScanOptions, ScanOutput, Summary,
};

pub mod build;
pub mod cfn;
pub mod generate;
pub mod hcl;
pub mod node;
pub mod plan;
pub mod sarif;
pub mod spec;
pub mod template;
pub mod tf;

pub use template::{Change, Loc, Template};

/// An input error with its place: `FILE:LINE:COLUMN: message`.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}:{}:{}: {message}", file.display(), line, column)]
pub struct ReadError {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl ReadError {
    fn io(file: &Path, e: std::io::Error) -> ReadError {
        ReadError {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            message: e.to_string(),
        }
    }
}

/// Rules that need data templates cannot give (see the README): TG011 needs last-used dates.
/// Rules that need data templates cannot carry: last use (TG011), credential reports (TG019,
/// TG020, TG022), CloudTrail (TG030–TG035), baselines (TG099).
pub const SKIPPED_RULES: [&str; 11] = [
    "TG011", "TG019", "TG020", "TG022", "TG030", "TG031", "TG032", "TG033", "TG034", "TG035",
    "TG099",
];

/// Rules about who may assume a role: their findings point at the role's trust policy
/// rather than at the role.
pub const TRUST_RULES: [&str; 8] = [
    "TG001", "TG002", "TG003", "TG004", "TG005", "TG006", "TG014", "TG015",
];

/// The deploying account when a template does not say which it is.
pub const PLACEHOLDER_ACCOUNT: &str = "000000000000";

/// How to scan.
#[derive(Debug, Clone, Default)]
pub struct IacOptions {
    /// The account templates deploy into when they do not say (default: a placeholder per
    /// template, `000000000000`, `000000000001`…).
    pub account: Option<String>,
    /// Accounts of the organization (trust of them is internal, not third-party).
    pub org_accounts: Vec<String>,
    /// The organization ID, for `aws:PrincipalOrgID` conditions.
    pub org_id: Option<String>,
    /// A snapshot of the live accounts: the templates are applied over it, and the
    /// relationships they add, remove or change are reported.
    pub snapshot: Option<PathBuf>,
    pub known_accounts_file: Option<PathBuf>,
    /// "Now" for the rules (fixed in tests).
    pub now: Option<jiff::Timestamp>,
    /// Skip files and policy documents that cannot be read (each is listed in the
    /// warnings) instead of stopping.
    pub keep_going: bool,
}

/// Where a finding is in the templates.
#[derive(Debug, Clone, Serialize)]
pub struct FindingLocation {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// `aws_iam_role.ci`, `Resources.CiRole`.
    pub address: String,
}

/// A finding of a rule, placed in a template.
#[derive(Debug, Clone, Serialize)]
pub struct IacFinding {
    #[serde(flatten)]
    pub finding: Finding,
    pub location: FindingLocation,
    /// Expressions of the resource that could not be resolved.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unresolved: Vec<String>,
}

/// One template read.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateSummary {
    pub path: PathBuf,
    pub format: &'static str,
    pub account: String,
    /// Whether the template says which account it deploys into (else `account` is a
    /// placeholder or `--account`).
    pub account_known: bool,
    pub resources: usize,
}

/// A relationship whose conditions or grants the change modifies.
#[derive(Debug, Clone, Serialize)]
pub struct ChangedRelationship {
    pub role: String,
    pub trusted: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

/// What applying the templates to the snapshot does to the registry.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Diff {
    pub added: Vec<Relationship>,
    pub removed: Vec<Relationship>,
    pub changed: Vec<ChangedRelationship>,
}

/// What `trustgate iac scan` produces.
#[derive(Debug, Clone, Serialize)]
pub struct IacReport {
    pub findings: Vec<IacFinding>,
    pub summary: Summary,
    pub templates: Vec<TemplateSummary>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<Diff>,
}

impl IacReport {
    /// The findings as the report crate's `ScanOutput` (for its table and SARIF renderers).
    pub fn scan_output(&self) -> ScanOutput {
        ScanOutput {
            findings: self.findings.iter().map(|f| f.finding.clone()).collect(),
            summary: self.summary.clone(),
            warnings: self.warnings.clone(),
        }
    }
}

/// Terraform module directories with their `.tf` files, and the other template files.
type Collected = (BTreeMap<PathBuf, Vec<PathBuf>>, Vec<PathBuf>);

/// Files under the paths, directories walked (hidden directories and `.terraform` skipped):
/// `*.tf` grouped by directory (one module each), and `*.json`, `*.yaml`, `*.yml`,
/// `*.template` files.
fn collect(paths: &[PathBuf]) -> Result<Collected, ReadError> {
    let mut modules: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut docs = Vec::new();
    fn walk(
        p: &Path,
        explicit: bool,
        modules: &mut BTreeMap<PathBuf, Vec<PathBuf>>,
        docs: &mut Vec<PathBuf>,
    ) -> Result<(), ReadError> {
        let meta = std::fs::metadata(p).map_err(|e| ReadError::io(p, e))?;
        if meta.is_dir() {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !explicit && (name.starts_with('.') || name == "node_modules") {
                return Ok(());
            }
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| ReadError::io(p, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            for e in entries {
                walk(&e, false, modules, docs)?;
            }
            return Ok(());
        }
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
        match ext {
            "tf" => modules
                .entry(p.parent().map(Path::to_path_buf).unwrap_or_default())
                .or_default()
                .push(p.to_path_buf()),
            "json" | "yaml" | "yml" | "template" => docs.push(p.to_path_buf()),
            _ if explicit => docs.push(p.to_path_buf()),
            _ => {}
        }
        Ok(())
    }
    for p in paths {
        walk(p, true, &mut modules, &mut docs)?;
    }
    Ok((modules, docs))
}

/// Reads every template under the paths. Files that are not IaC are listed in the warnings.
pub fn read_paths(
    paths: &[PathBuf],
    account: Option<&str>,
    keep_going: bool,
) -> Result<(Vec<Template>, Vec<String>), ReadError> {
    let (modules, docs) = collect(paths)?;
    let mut templates = Vec::new();
    let mut warnings = Vec::new();
    let mut next_placeholder = 0u64;
    let mut fallback = || -> String {
        match account {
            Some(a) => a.to_string(),
            None => {
                let a = format!("{next_placeholder:012}");
                next_placeholder += 1;
                a
            }
        }
    };
    for (dir, files) in &modules {
        let mut parsed = Vec::new();
        for f in files {
            let read = std::fs::read_to_string(f)
                .map_err(|e| ReadError::io(f, e))
                .and_then(|text| hcl::parse(f, text));
            match read {
                Ok(p) => parsed.push(p),
                Err(e) if keep_going => warnings.push(format!("skipped (--keep-going): {e}")),
                Err(e) => return Err(e),
            }
        }
        let t = hcl::read_module(dir, &parsed, &fallback());
        templates.push(t);
    }
    for f in &docs {
        let parsed = match read_document(f) {
            Ok(p) => p,
            Err(e) if keep_going => {
                warnings.push(format!("skipped (--keep-going): {e}"));
                continue;
            }
            Err(e) => return Err(e),
        };
        let mut any = false;
        for doc in &parsed {
            if plan::is_plan(doc) {
                templates.push(plan::read(f, doc, &fallback()));
                any = true;
            } else if cfn::is_template(doc) {
                templates.push(cfn::read(f, doc, &fallback()));
                any = true;
            }
        }
        if !any {
            warnings.push(format!(
                "{}: skipped: not a CloudFormation template or Terraform plan",
                f.display()
            ));
        }
    }
    Ok(finish_read(templates, warnings))
}

/// A JSON or YAML file's documents (JSON checked by serde_json first for exact positions).
fn read_document(f: &Path) -> Result<Vec<node::Node>, ReadError> {
    {
        let text = std::fs::read_to_string(f).map_err(|e| ReadError::io(f, e))?;
        let is_json =
            f.extension().is_some_and(|e| e == "json") || text.trim_start().starts_with('{');
        if is_json {
            node::check_json(&text).map_err(|e| ReadError {
                file: f.to_path_buf(),
                line: e.line,
                column: e.column,
                message: format!("invalid JSON: {}", e.message),
            })?;
        }
        node::parse_documents(&text).map_err(|e| ReadError {
            file: f.to_path_buf(),
            line: e.line,
            column: e.column,
            message: format!("invalid YAML: {}", e.message),
        })
    }
}

/// Adds the templates' notes and unresolved expressions to the warnings.
fn finish_read(
    templates: Vec<Template>,
    mut warnings: Vec<String>,
) -> (Vec<Template>, Vec<String>) {
    for t in &templates {
        warnings.extend(t.notes.iter().cloned());
        for item in &t.items {
            if !item.unresolved.is_empty() {
                warnings.push(format!(
                    "{}: {}: could not resolve {} (kept as opaque values: an unresolved principal is analysed as an unknown account outside the organization)",
                    item.loc,
                    item.address,
                    item.unresolved
                        .iter()
                        .map(|e| format!("`{e}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    (templates, warnings)
}

/// Why a scan could not run.
#[derive(Debug, thiserror::Error)]
pub enum IacError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("{0}")]
    Load(String),
    #[error("{0}")]
    Invalid(String),
}

fn organization(
    org_accounts: &[String],
    org_id: Option<&str>,
) -> Result<Option<Organization>, IacError> {
    if org_accounts.is_empty() && org_id.is_none() {
        return Ok(None);
    }
    for a in org_accounts {
        if !trustgate_policy::is_account_id(a) {
            return Err(IacError::Invalid(format!(
                "--org-accounts: `{a}` is not a 12-digit account ID"
            )));
        }
    }
    let accounts: Vec<serde_json::Value> = org_accounts
        .iter()
        .map(|a| serde_json::json!({"id": a, "parentId": "r-iac"}))
        .collect();
    let org = serde_json::json!({
        "organizationId": org_id.unwrap_or("o-unknown"),
        "rootId": "r-iac",
        "accounts": accounts,
    });
    serde_json::from_value(org)
        .map(Some)
        .map_err(|e| IacError::Invalid(format!("organization: {e}")))
}

/// The relationships `after` adds, removes or changes relative to `before`.
pub fn diff(before: &[Relationship], after: &[Relationship]) -> Diff {
    let key = |r: &Relationship| (r.role.clone(), r.trusted.clone());
    let b: HashMap<_, &Relationship> = before.iter().map(|r| (key(r), r)).collect();
    let a: HashMap<_, &Relationship> = after.iter().map(|r| (key(r), r)).collect();
    let mut d = Diff::default();
    for r in after {
        match b.get(&key(r)) {
            None => d.added.push(r.clone()),
            Some(old) => {
                let mut changes = Vec::new();
                let mut cmp = |field: &str, x: serde_json::Value, y: serde_json::Value| {
                    if x != y {
                        changes.push(FieldChange {
                            field: field.to_string(),
                            before: x,
                            after: y,
                        });
                    }
                };
                use serde_json::json;
                cmp("actions", json!(old.actions), json!(r.actions));
                cmp("conditions", json!(old.conditions), json!(r.conditions));
                cmp("externalId", json!(old.external_id), json!(r.external_id));
                cmp("mfa", json!(old.mfa), json!(r.mfa));
                cmp(
                    "maxSessionSeconds",
                    json!(old.max_session_seconds),
                    json!(r.max_session_seconds),
                );
                cmp(
                    "permissionBoundary",
                    json!(old.permission_boundary),
                    json!(r.permission_boundary),
                );
                cmp(
                    "adminEquivalent",
                    json!(old.permissions.admin_equivalent),
                    json!(r.permissions.admin_equivalent),
                );
                cmp(
                    "policies",
                    json!(old.permissions.policies),
                    json!(r.permissions.policies),
                );
                if !changes.is_empty() {
                    d.changed.push(ChangedRelationship {
                        role: r.role.clone(),
                        trusted: r.trusted.clone(),
                        changes,
                    });
                }
            }
        }
    }
    for r in before {
        if !a.contains_key(&key(r)) {
            d.removed.push(r.clone());
        }
    }
    d
}

/// Reads the templates under `paths`, runs the rules, places each finding.
pub fn scan(paths: &[PathBuf], opts: &IacOptions) -> Result<IacReport, IacError> {
    let (templates, mut warnings) = read_paths(paths, opts.account.as_deref(), opts.keep_going)?;
    let mut known = KnownAccounts::shipped();
    if let Some(f) = &opts.known_accounts_file {
        known
            .extend_from_file(f)
            .map_err(|e| IacError::Load(e.to_string()))?;
    }
    let base = match &opts.snapshot {
        Some(dir) => Some(
            Snapshot::load(
                dir,
                &trustgate_model::LoadOptions {
                    keep_going: false,
                    known_accounts_file: opts.known_accounts_file.clone(),
                },
            )
            .map_err(|e| IacError::Load(e.to_string()))?,
        ),
        None => None,
    };
    let extra_managed: HashMap<String, std::sync::Arc<trustgate_model::ManagedPolicy>> = base
        .iter()
        .flat_map(|s| s.accounts.iter())
        .flat_map(|a| {
            a.managed_policies
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
        })
        .collect();
    let built = build::build(&templates, &extra_managed, opts.keep_going)?;
    warnings.extend(built.warnings.iter().cloned());

    let rule_ids: Vec<String> = catalogue()
        .iter()
        .map(|r| r.doc().id.to_string())
        .filter(|id| !SKIPPED_RULES.contains(&id.as_str()))
        .collect();
    let options = ScanOptions {
        stale_days: 90,
        now: opts.now.unwrap_or_else(jiff::Timestamp::now),
        only_rules: rule_ids,
        key_max_age_days: 90,
        progress: None,
        trail: None,
        registry: true,
        keep_caches: false,
    };

    let (snapshot, diff_out) = match base {
        Some(mut base) => {
            if !opts.org_accounts.is_empty() || opts.org_id.is_some() {
                warnings.push(
                    "--org-accounts and --org-id are not used with --snapshot: the snapshot's organization is".into(),
                );
            }
            let before = registry_of(&base, &role_views(&base)).relationships;
            let deleted: HashSet<&str> = built.deleted_roles.iter().map(String::as_str).collect();
            let mut accounts = std::mem::take(&mut base.accounts);
            for acct in &mut accounts {
                acct.roles.retain(|r| !deleted.contains(r.arn.as_str()));
            }
            for mut new in built.accounts {
                match accounts.iter_mut().find(|a| a.id == new.id) {
                    Some(old) => {
                        for mut r in new.roles.drain(..) {
                            // Policies attached by resources outside the templates stay: a
                            // plan shows only the attachments it manages.
                            if let Some(i) = old.roles.iter().position(|x| x.name == r.name) {
                                let prev = old.roles.remove(i);
                                for p in prev.inline_policies {
                                    if !r.inline_policies.iter().any(|x| x.name == p.name) {
                                        r.inline_policies.push(p);
                                    }
                                }
                                for p in prev.attached_policies {
                                    if !r.attached_policies.iter().any(|x| x.arn() == p.arn()) {
                                        r.attached_policies.push(p);
                                    }
                                }
                                r.last_used = prev.last_used;
                                r.create_date = prev.create_date;
                            }
                            old.roles.push(r);
                        }
                        for u in new.users.drain(..) {
                            old.users.retain(|x| x.name != u.name);
                            old.users.push(u);
                        }
                        for g in new.groups.drain(..) {
                            old.groups.retain(|x| x.name != g.name);
                            old.groups.push(g);
                        }
                        old.managed_policies.extend(new.managed_policies.drain());
                    }
                    None => {
                        let placeholder = templates
                            .iter()
                            .any(|t| t.account == new.id && !t.account_known)
                            && opts.account.is_none();
                        warnings.push(format!(
                            "account {} of the templates is not in the snapshot: analysed as a new account{}",
                            new.id,
                            if placeholder {
                                " (a placeholder: the template does not say where it deploys; pass --account)"
                            } else {
                                ""
                            }
                        ));
                        accounts.push(new)
                    }
                }
            }
            let mut resources = std::mem::take(&mut base.resources);
            let new_arns: HashSet<&str> = built.resources.iter().map(|r| r.arn.as_str()).collect();
            resources.retain(|r| !new_arns.contains(r.arn.as_str()));
            resources.extend(built.resources);
            let org = base.organization.take();
            let after = Snapshot::from_parts(
                base.root.clone(),
                accounts,
                org,
                resources,
                known.clone(),
                std::mem::take(&mut base.warnings),
            );
            let after_reg = registry_of(&after, &role_views(&after)).relationships;
            let d = diff(&before, &after_reg);
            (after, Some(d))
        }
        None => {
            let org = organization(&opts.org_accounts, opts.org_id.as_deref())?;
            if org.is_none() {
                warnings.push(
                    "organization membership unknown (no --org-accounts or --snapshot): every account other than the templates' own is treated as outside the organization (TG003, TG013)".into(),
                );
            }
            (
                Snapshot::from_parts(
                    PathBuf::from("."),
                    built.accounts,
                    org,
                    built.resources,
                    known,
                    Vec::new(),
                ),
                None,
            )
        }
    };
    let analysis = analyze(&snapshot, &options);
    warnings.extend(analysis.output.warnings.iter().cloned());
    let mut findings = Vec::new();
    for f in analysis.output.findings {
        let Some(origin) = built.origins.get(&f.resource) else {
            continue; // a finding on the snapshot's own resources, not the templates'
        };
        let loc = match &origin.trust_loc {
            Some(t) if TRUST_RULES.contains(&f.rule.as_str()) => t,
            _ => &origin.loc,
        };
        findings.push(IacFinding {
            location: FindingLocation {
                file: loc.file.clone(),
                line: loc.line,
                column: loc.column,
                address: origin.address.clone(),
            },
            unresolved: origin.unresolved.clone(),
            finding: f,
        });
    }
    let mut out = ScanOutput {
        findings: findings.iter().map(|f| f.finding.clone()).collect(),
        ..Default::default()
    };
    out.summary.accounts = snapshot.accounts.len();
    out.summary.roles = snapshot.roles().count();
    out.summary.relationships = analysis.registry.relationships.len();
    out.finish();
    findings.sort_by(|a, b| {
        b.finding
            .severity
            .cmp(&a.finding.severity)
            .then_with(|| a.location.file.cmp(&b.location.file))
            .then_with(|| a.location.line.cmp(&b.location.line))
            .then_with(|| a.finding.rule.cmp(&b.finding.rule))
            .then_with(|| a.finding.fingerprint.cmp(&b.finding.fingerprint))
    });
    let mut seen = HashSet::new();
    warnings.retain(|w| seen.insert(w.clone()));
    Ok(IacReport {
        findings,
        summary: out.summary,
        templates: templates
            .iter()
            .map(|t| TemplateSummary {
                path: t.path.clone(),
                format: t.format,
                account: t.account.clone(),
                account_known: t.account_known,
                resources: t.items.len(),
            })
            .collect(),
        warnings,
        diff: diff_out,
    })
}

impl fmt::Display for FindingLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}
