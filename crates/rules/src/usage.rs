//! CloudTrail usage joined to the snapshot: each observed (role, caller) pair placed on the
//! trust relationship that allowed it, and the per-relationship usage the registry shows.
//! The anomaly rules (TG030–TG035) and TG011 read [`TrailView`].

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use trustgate_model::Snapshot;
use trustgate_trail::{format_time, CallerType, PairUsage, Usage};

use crate::registry::Relationship;
use crate::trust::TrustedKind;

/// How the anomaly rules read the trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrailOptions {
    /// The last this many days of the trail are compared with what came before (new
    /// callers, new networks).
    pub baseline_days: u32,
    /// This many failed calls by one caller in one window is a burst (probing).
    pub burst_threshold: u64,
}

impl Default for TrailOptions {
    fn default() -> Self {
        TrailOptions {
            baseline_days: 30,
            burst_threshold: 10,
        }
    }
}

/// The trail a scan is given: the usage and how to judge it.
#[derive(Debug, Clone, Default)]
pub struct TrailInput {
    pub usage: Usage,
    pub options: TrailOptions,
}

impl TrailInput {
    pub fn new(usage: Usage, options: TrailOptions) -> Arc<TrailInput> {
        Arc::new(TrailInput { usage, options })
    }
}

/// What CloudTrail shows of one trust relationship (a registry row).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationshipUsage {
    /// First and last successful assumption seen in the trail.
    pub first_used: Option<String>,
    pub last_used: Option<String>,
    pub successes: u64,
    pub failures: u64,
    /// The callers (normalized principals) this relationship was used by, or tried.
    pub callers: Vec<String>,
    /// Source addresses (the smallest 64 per caller; `sourceIpsTruncated` when more).
    pub source_ips: Vec<String>,
    pub source_ips_truncated: bool,
    /// Distinct session names (at least this many when `sessionNamesTruncated`).
    pub session_names: usize,
    pub session_names_truncated: bool,
    /// Successful calls that passed an External ID.
    pub external_id_successes: u64,
}

/// One observed pair, placed.
#[derive(Debug, Clone)]
pub struct PairView<'a> {
    pub usage: &'a PairUsage,
    /// The role's ARN as the snapshot has it; None when the snapshot has no such role.
    pub role: Option<&'a str>,
    /// The role's account (from the ARN).
    pub account: String,
    /// The registry row whose trusted principal covers the caller.
    pub relationship: Option<usize>,
    /// The caller's account is outside the organization (None: not known).
    pub outside_org: Option<bool>,
    /// The role is admin-equivalent.
    pub admin: bool,
}

impl PairView<'_> {
    pub fn caller_type(&self) -> CallerType {
        self.usage.caller_type()
    }
}

/// The usage joined to the snapshot.
pub struct TrailView<'a> {
    pub input: &'a TrailInput,
    pub pairs: Vec<PairView<'a>>,
    /// Last event of the trail, and the start of the baseline window.
    pub end: Option<i64>,
    pub window_start: Option<i64>,
    /// Latest success per role (snapshot ARN) and first success per target (as called).
    last_success_by_role: HashMap<&'a str, i64>,
    first_success_by_target: HashMap<&'a str, i64>,
}

impl<'a> TrailView<'a> {
    pub fn options(&self) -> TrailOptions {
        self.input.options
    }

    /// The latest successful assumption of a role (by the snapshot's ARN).
    pub fn role_last_success(&self, role_arn: &str) -> Option<i64> {
        self.last_success_by_role.get(role_arn).copied()
    }

    /// The first successful assumption of a role (by target ARN as called).
    pub fn target_first_success(&self, target: &str) -> Option<i64> {
        self.first_success_by_target.get(target).copied()
    }
}

/// The last path segment of an IAM ARN's resource (`role/a/b/name` → `name`), with the
/// account: role ARNs match whatever their path.
fn role_key(arn: &str) -> Option<(&str, &str)> {
    let account = arn.split(':').nth(4)?;
    let resource = arn.splitn(6, ':').nth(5)?;
    let rest = resource.strip_prefix("role/")?;
    Some((account, rest.rsplit('/').next()?))
}

/// How well a trusted principal covers a caller: 0 not at all, higher is more specific.
fn coverage(r: &Relationship, p: &PairUsage) -> u8 {
    let caller = p.caller.as_str();
    if r.trusted == caller {
        return 4;
    }
    if let (Some(a), Some(b)) = (role_key(&r.trusted), role_key(caller)) {
        if a == b {
            return 4;
        }
    }
    if p.caller_type() == CallerType::WebIdentity
        && r.trusted_type == TrustedKind::Federated
        && r.trusted
            .rsplit_once("oidc-provider/")
            .is_some_and(|(_, host)| {
                caller.ends_with(&format!("oidc-provider/{host}")) || caller == host
            })
    {
        return 3;
    }
    if r.trusted_type == TrustedKind::Account
        && r.trusted_account.is_some()
        && r.trusted_account == p.stats.caller_account
        && matches!(
            p.caller_type(),
            CallerType::Role
                | CallerType::User
                | CallerType::Root
                | CallerType::FederatedUser
                | CallerType::UniqueId
                | CallerType::Account
        )
    {
        return 2;
    }
    if r.trusted_type == TrustedKind::Anyone {
        return 1;
    }
    0
}

/// Places every pair of the usage on the snapshot and its registry.
pub fn join<'a>(
    snap: &'a Snapshot,
    registry: &[Relationship],
    input: &'a TrailInput,
    admin: &dyn Fn(&str) -> bool,
) -> TrailView<'a> {
    let mut rows_by_role: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, r) in registry.iter().enumerate() {
        rows_by_role.entry(r.role.as_str()).or_default().push(i);
    }
    let pairs: Vec<PairView<'a>> = input
        .usage
        .pairs
        .iter()
        .map(|p| {
            let role = snap
                .principal(&p.target)
                .and_then(|r| snap.role(r))
                .map(|(_, role)| role.arn.as_str());
            let relationship = role.and_then(|arn| rows_by_role.get(arn)).and_then(|rows| {
                rows.iter()
                    .map(|&i| (coverage(&registry[i], p), i))
                    .filter(|(score, _)| *score > 0)
                    .max_by_key(|(score, i)| (*score, std::cmp::Reverse(*i)))
                    .map(|(_, i)| i)
            });
            let outside_org = p
                .stats
                .caller_account
                .as_deref()
                .map(|a| !snap.is_internal(a));
            PairView {
                usage: p,
                role,
                account: trustgate_trail::event::arn_account(&p.target)
                    .unwrap_or_default()
                    .to_string(),
                relationship,
                outside_org,
                admin: role.is_some_and(admin),
            }
        })
        .collect();
    let end = input.usage.span().map(|(_, last)| last);
    let window_start = end.map(|e| e - i64::from(input.options.baseline_days) * 86_400);
    let mut last_success_by_role: HashMap<&'a str, i64> = HashMap::new();
    let mut first_success_by_target: HashMap<&'a str, i64> = HashMap::new();
    for p in &pairs {
        if let (Some(role), Some(t)) = (p.role, p.usage.stats.last_success) {
            let e = last_success_by_role.entry(role).or_insert(t);
            *e = (*e).max(t);
        }
        if let Some(t) = p.usage.stats.first_success {
            let e = first_success_by_target
                .entry(p.usage.target.as_str())
                .or_insert(t);
            *e = (*e).min(t);
        }
    }
    TrailView {
        input,
        pairs,
        end,
        window_start,
        last_success_by_role,
        first_success_by_target,
    }
}

/// Fills `usage` on every registry row (rows the trail never shows get zeros: unused during
/// the trail's period).
pub fn attach_usage(registry: &mut [Relationship], view: &TrailView<'_>) {
    let mut per_row: HashMap<usize, Vec<&PairUsage>> = HashMap::new();
    for p in &view.pairs {
        if let Some(i) = p.relationship {
            per_row.entry(i).or_default().push(p.usage);
        }
    }
    for (i, row) in registry.iter_mut().enumerate() {
        let mut u = RelationshipUsage::default();
        let mut ips = std::collections::BTreeSet::new();
        let mut first: Option<i64> = None;
        let mut last: Option<i64> = None;
        for p in per_row.get(&i).map(Vec::as_slice).unwrap_or_default() {
            let s = &p.stats;
            u.successes += s.counters.successes;
            u.failures += s.counters.failures;
            u.external_id_successes += s.counters.external_id_successes;
            u.callers.push(p.caller.clone());
            ips.extend(s.source_ips.values.iter().cloned());
            u.source_ips_truncated |= s.source_ips.truncated;
            u.session_names += s.session_names.values.len();
            u.session_names_truncated |= s.session_names.truncated;
            first = match (first, s.first_success) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            last = last.max(s.last_success);
        }
        u.source_ips = ips.into_iter().collect();
        u.first_used = first.map(format_time);
        u.last_used = last.map(format_time);
        row.usage = Some(u);
    }
}

/// The unique-ID resolver for [`trustgate_trail::RawAggregate::finalize`]: roles' and users'
/// IDs from the snapshot.
pub fn unique_id_resolver(snap: &Snapshot) -> impl Fn(&str) -> Option<(String, CallerType)> + '_ {
    let mut ids: HashMap<&str, (&str, CallerType)> = HashMap::new();
    for a in &snap.accounts {
        for r in &a.roles {
            ids.insert(r.role_id.as_str(), (r.arn.as_str(), CallerType::Role));
        }
        for u in &a.users {
            ids.insert(u.user_id.as_str(), (u.arn.as_str(), CallerType::User));
        }
    }
    move |id: &str| ids.get(id).map(|(arn, t)| (arn.to_string(), *t))
}

/// The registry with each row's CloudTrail usage (`registry --trail`).
pub fn registry_with_usage(
    snap: &Snapshot,
    views: &[crate::context::RoleView<'_>],
    input: &TrailInput,
) -> crate::registry::Registry {
    let mut registry = crate::scan::registry_of(snap, views);
    let admin: std::collections::HashSet<&str> = views
        .iter()
        .filter(|v| v.permissions.admin_equivalent)
        .map(|v| v.arn)
        .collect();
    let view = join(snap, &registry.relationships, input, &|arn| {
        admin.contains(arn)
    });
    attach_usage(&mut registry.relationships, &view);
    registry
}
