//! The registry: one row per trust relationship (role × trusted principal), the document
//! security teams keep and review.

use serde::{Deserialize, Serialize};

use crate::trust::{ConditionView, TrustedKind};

/// Where the trusted principal sits relative to the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// A principal of the role's own account.
    SameAccount,
    /// Another account of the organization (or of the snapshot, without organization data).
    Internal,
    /// An account outside the organization (vendor name when known).
    ThirdParty,
    /// Any principal (`*`), not narrowed to the organization.
    Public,
    /// An AWS service principal.
    Service,
    /// A SAML or OIDC identity provider.
    Federated,
    /// Cannot be placed: a deleted principal shown by unique ID, a canonical user.
    Unknown,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::SameAccount => "same-account",
            Scope::Internal => "internal",
            Scope::ThirdParty => "third-party",
            Scope::Public => "public",
            Scope::Service => "service",
            Scope::Federated => "federated",
            Scope::Unknown => "unknown",
        }
    }
    /// Whether a principal of another account (or anyone) is trusted.
    pub fn is_cross_account(self) -> bool {
        matches!(self, Scope::Internal | Scope::ThirdParty | Scope::Public)
    }
}

pub use trustgate_access::PermissionSummary;

/// One trust relationship.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Relationship {
    /// ARN of the role that is trusted to be assumed.
    pub role: String,
    pub role_name: String,
    /// The role's account.
    pub account: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
    /// The trusted principal: an ARN (bare account IDs as `arn:aws:iam::ID:root`), a service,
    /// a federated provider, or `*`.
    pub trusted: String,
    pub trusted_type: TrustedKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trusted_account: Option<String>,
    pub scope: Scope,
    /// Vendor name for a known third-party account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// STS actions allowed (sts:AssumeRole, …WithSAML, …WithWebIdentity, TagSession, …).
    pub actions: Vec<String>,
    /// Whether an `sts:ExternalId` is required.
    pub external_id: bool,
    /// Whether MFA is required.
    pub mfa: bool,
    /// Why MFA is not visible here when it may still be enforced (SAML: at the IdP).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_note: Option<String>,
    /// Every condition of the trust statement.
    pub conditions: Vec<ConditionView>,
    /// Condition keys narrowing who may assume (PrincipalArn, PrincipalOrgID, …).
    pub restricted_by: Vec<String>,
    /// Shared by every relationship of the role.
    pub permissions: std::sync::Arc<PermissionSummary>,
    /// Maximum session duration in seconds (3600 assumed when the snapshot has no roles.json).
    pub max_session_seconds: u32,
    /// True when `max_session_seconds` is the assumed default, not read from the snapshot.
    pub max_session_assumed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission_boundary: Option<String>,
    /// ISO 8601 date of last use (IAM RoleLastUsed), None when never used.
    pub last_used: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_region: Option<String>,
    pub tags: trustgate_model::Tags,
    /// The trust statement this row comes from.
    pub statement: String,
    /// External ID values (kept out of the output: they are shared secrets of a kind).
    #[serde(skip)]
    pub external_ids: Vec<String>,
    /// What CloudTrail shows of this relationship (`--trail`); absent without a trail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<crate::usage::RelationshipUsage>,
}

/// The registry document: `{"relationships": [...]}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Registry {
    pub relationships: Vec<Relationship>,
    /// IAM users (the human and machine entry points): credentials and reachable roles.
    #[serde(
        rename = "entryPoints",
        default,
        skip_serializing_if = "Vec::is_empty",
        skip_deserializing
    )]
    pub entry_points: Vec<crate::people::EntryPoint>,
}
