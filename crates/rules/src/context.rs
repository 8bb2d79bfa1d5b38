//! What rules look at: views over the snapshot, prepared once per scan.
//!
//! Rules do not walk the model themselves: [`crate::scan`] builds these views (trust entries
//! parsed, scopes classified, permissions summarized) once, in parallel, and every rule reads
//! them. That keeps each rule small and the whole scan linear in the size of the snapshot.

use std::borrow::Cow;

use trustgate_policy::Policy;

use crate::registry::{PermissionSummary, Relationship, Scope};
use crate::trust::TrustEntry;

/// Called with the name of each phase of a scan as it ends (progress display).
pub type ProgressHook = std::sync::Arc<dyn Fn(&str) + Send + Sync>;

/// Options that change what rules report.
#[derive(Clone)]
pub struct ScanOptions {
    /// A role unused for longer than this is stale (TG011).
    pub stale_days: u32,
    /// "Now", for staleness (RFC 3339). Fixed in tests so output does not age.
    pub now: jiff::Timestamp,
    /// Only these rules (all when empty).
    pub only_rules: Vec<String>,
    /// An access key older than this, or unused for as long, is reported (TG020).
    pub key_max_age_days: u32,
    /// Told about each phase as it ends.
    pub progress: Option<ProgressHook>,
    /// CloudTrail usage (`--trail`): TG011 counts it as use; TG030–TG035 judge it.
    pub trail: Option<std::sync::Arc<crate::usage::TrailInput>>,
    /// Keep the registry of trust relationships in the [`crate::Analysis`]. Off, it is built
    /// only when CloudTrail usage needs it (`trail`), and left empty otherwise: findings do
    /// not need it, and on a thousand accounts it is ~400 MB of rows nobody reads.
    pub registry: bool,
    /// Do not free the scan's working data (prepared principals, caches, views) at the end:
    /// for a command-line run that exits right after, where the OS reclaims it at once.
    /// Library callers that go on should leave it off (the default), or the memory stays.
    pub keep_caches: bool,
}

impl std::fmt::Debug for ScanOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanOptions")
            .field("stale_days", &self.stale_days)
            .field("now", &self.now)
            .field("only_rules", &self.only_rules)
            .field("key_max_age_days", &self.key_max_age_days)
            .field("progress", &self.progress.is_some())
            .field("trail", &self.trail.is_some())
            .field("registry", &self.registry)
            .field("keep_caches", &self.keep_caches)
            .finish()
    }
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            stale_days: 90,
            now: jiff::Timestamp::now(),
            only_rules: Vec::new(),
            key_max_age_days: 90,
            progress: None,
            trail: None,
            registry: true,
            keep_caches: false,
        }
    }
}

/// One role with everything rules need to know about it.
#[derive(Debug)]
pub struct RoleView<'a> {
    pub arn: &'a str,
    pub name: &'a str,
    pub account: &'a str,
    pub trust_policy: &'a Policy,
    /// Trust entries, each with its scope and vendor. An entry is shared by every role
    /// whose trust policy is the same document (most are: the same audit, CI or vendor trust
    /// in every account).
    pub entries: Vec<(std::sync::Arc<TrustEntry>, Scope, Option<String>)>,
    /// What the role can do. In a scan without the registry ([`ScanOptions::registry`] off
    /// and no CloudTrail) only `admin_equivalent` and `admin_reason` are filled: the rules
    /// read nothing else.
    pub permissions: std::sync::Arc<PermissionSummary>,
    /// The role's identity-based policies (label, document) — unknown ones are omitted. A
    /// label is the managed policy's ARN (borrowed) or `inline:NAME`.
    pub identity_policies: Vec<(Cow<'a, str>, &'a Policy)>,
    pub permission_boundary: Option<&'a str>,
    pub tags: &'a trustgate_model::Tags,
    pub create_date: Option<&'a str>,
    pub last_used: Option<&'a str>,
    pub max_session_seconds: Option<u32>,
}

impl RoleView<'_> {
    /// Whether any principal outside the role's account (or anyone) may assume it.
    pub fn is_cross_account(&self) -> bool {
        self.entries
            .iter()
            .any(|(_, scope, _)| scope.is_cross_account())
    }
}

/// A user, role or group with identity-based policies (for rules about what principals may do).
#[derive(Debug)]
pub struct PrincipalView<'a> {
    pub arn: &'a str,
    pub account: &'a str,
    pub kind: &'static str,
    /// As [`RoleView::identity_policies`].
    pub policies: Vec<(Cow<'a, str>, &'a Policy)>,
}

/// A resource-based policy (S3, KMS, SQS, …).
#[derive(Debug)]
pub struct ResourceView<'a> {
    pub arn: &'a str,
    pub account: &'a str,
    pub policy: &'a Policy,
}

/// Everything a scan's rules read.
pub struct ScanContext<'a> {
    pub options: &'a ScanOptions,
    pub roles: &'a [RoleView<'a>],
    pub principals: &'a [PrincipalView<'a>],
    pub resources: Vec<ResourceView<'a>>,
    pub registry: &'a [Relationship],
    /// The organization ID, when known.
    pub org_id: Option<&'a str>,
    /// Whether an account belongs to the organization (or the snapshot, without org data).
    pub is_internal: &'a (dyn Fn(&str) -> bool + Sync),
    /// Vendor name of a known third-party account.
    pub vendor_of: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// Whether an account of the snapshot has IAM users (people who may assume roles).
    pub account_has_users: &'a (dyn Fn(&str) -> bool + Sync),
    /// The assume-role graph (rules about paths and chains); None in unit tests of other rules.
    pub graph: Option<&'a trustgate_access::AccessGraph>,
    /// The snapshot itself, for rules that ask the policy engine about principals.
    pub snapshot: Option<&'a trustgate_model::Snapshot>,
    /// Every principal prepared for policy questions.
    pub prepared: Option<&'a trustgate_access::PreparedPrincipals<'a>>,
    /// IAM users with their credentials and reachable roles (TG019–TG022).
    pub entry_points: &'a [crate::people::EntryPoint],
    /// CloudTrail usage joined to the snapshot, when a trail was given.
    pub trail: Option<&'a crate::usage::TrailView<'a>>,
}
