//! The shapes of the files in a snapshot, exactly as AWS prints them, read narrowly: only
//! the fields trustgate uses, straight from bytes (no intermediate JSON values).

use serde::Deserialize;
use serde_json::value::RawValue;
use trustgate_policy::Policy;

/// `aws iam get-account-authorization-details`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthorizationDetails<'a> {
    #[serde(default, borrow)]
    pub user_detail_list: Vec<RawUser<'a>>,
    #[serde(default, borrow)]
    pub group_detail_list: Vec<RawGroup<'a>>,
    #[serde(default, borrow)]
    pub role_detail_list: Vec<RawRole<'a>>,
    #[serde(default, borrow)]
    pub policies: Vec<RawManagedPolicy<'a>>,
}

/// An inline policy; its document is kept raw and compiled afterwards, roles in parallel
/// (one account of thousands of roles is then not one core's work).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RawInline<'a> {
    pub policy_name: String,
    #[serde(borrow)]
    pub policy_document: &'a RawValue,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RawAttached {
    pub policy_arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RawBoundary {
    pub permissions_boundary_arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RawTag {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct RawLastUsed {
    #[serde(default)]
    pub last_used_date: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
}

/// A role; its trust policy is kept raw so that identical trust policies (the same audit or
/// service trust in every account) are parsed once and shared.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RawRole<'a> {
    #[serde(default)]
    pub path: String,
    pub role_name: String,
    #[serde(default)]
    pub role_id: String,
    pub arn: String,
    #[serde(default)]
    pub create_date: Option<String>,
    #[serde(borrow)]
    pub assume_role_policy_document: &'a RawValue,
    #[serde(default)]
    pub instance_profile_list: Vec<RawInstanceProfile>,
    #[serde(default, borrow)]
    pub role_policy_list: Vec<RawInline<'a>>,
    #[serde(default)]
    pub attached_managed_policies: Vec<RawAttached>,
    #[serde(default)]
    pub permissions_boundary: Option<RawBoundary>,
    #[serde(default)]
    pub tags: Vec<RawTag>,
    #[serde(default)]
    pub role_last_used: Option<RawLastUsed>,
    #[serde(default)]
    pub max_session_duration: Option<u32>,
}

/// An instance profile of a role (its nested `Roles` list repeats the role and is skipped).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RawInstanceProfile {
    pub instance_profile_name: String,
    #[serde(default)]
    pub instance_profile_id: String,
    pub arn: String,
    #[serde(default)]
    pub path: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RawUser<'a> {
    #[serde(default)]
    pub path: String,
    pub user_name: String,
    #[serde(default)]
    pub user_id: String,
    pub arn: String,
    #[serde(default)]
    pub create_date: Option<String>,
    #[serde(default, borrow)]
    pub user_policy_list: Vec<RawInline<'a>>,
    #[serde(default)]
    pub group_list: Vec<String>,
    #[serde(default)]
    pub attached_managed_policies: Vec<RawAttached>,
    #[serde(default)]
    pub permissions_boundary: Option<RawBoundary>,
    #[serde(default)]
    pub tags: Vec<RawTag>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RawGroup<'a> {
    #[serde(default)]
    pub path: String,
    pub group_name: String,
    #[serde(default)]
    pub group_id: String,
    pub arn: String,
    #[serde(default, borrow)]
    pub group_policy_list: Vec<RawInline<'a>>,
    #[serde(default)]
    pub attached_managed_policies: Vec<RawAttached>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RawManagedPolicy<'a> {
    pub policy_name: String,
    pub arn: String,
    #[serde(default)]
    pub default_version_id: Option<String>,
    #[serde(default, borrow)]
    pub policy_version_list: Vec<RawVersion<'a>>,
}

/// A policy version; its document is kept raw so only the default version is parsed (and
/// an AWS-managed document already seen in another account is not parsed again).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RawVersion<'a> {
    #[serde(borrow)]
    pub document: Option<&'a RawValue>,
    #[serde(default)]
    pub version_id: Option<String>,
    #[serde(default)]
    pub is_default_version: bool,
}

/// `aws iam list-roles` (for MaxSessionDuration, which authorization details omit).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRoles {
    #[serde(default)]
    pub roles: Vec<ListedRole>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListedRole {
    pub arn: String,
    #[serde(default)]
    pub max_session_duration: Option<u32>,
}

/// One entry of `resources/*.json`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawResource {
    pub arn: String,
    #[serde(default)]
    pub account_id: Option<String>,
    pub policy: Policy,
}
