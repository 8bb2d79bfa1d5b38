//! The files of a snapshot as `collect` writes them: the layout `trustgate_model::Snapshot`
//! loads (see crates/model/README.md), with AWS's own field names for AWS's outputs and our
//! schema for `organization.json` and `resources/*.json`.
//!
//! Policy documents from IAM are written as IAM returns them (URL-encoded JSON strings), which
//! the loader accepts; documents that other services return as JSON text (SCPs, bucket, key,
//! queue, topic, function, secret and repository policies) are written as JSON objects.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::value::RawValue;

/// A file of the snapshot could not be written, or the output directory cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: the output directory is not empty; collect writes into a new or empty directory so that no file of another snapshot is mixed in")]
    NotEmpty { path: PathBuf },
    #[error("{path}: not a directory")]
    NotADirectory { path: PathBuf },
}

impl WriteError {
    fn io(path: &Path, source: io::Error) -> Self {
        WriteError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// The output directory. Every file is written to a temporary name and renamed, so a file
/// that exists is whole (an interrupted run leaves missing files, never truncated ones).
#[derive(Debug, Clone)]
pub struct SnapshotDir {
    root: PathBuf,
}

impl SnapshotDir {
    /// Uses `root`, creating it when missing; refuses a non-empty directory.
    pub fn create(root: &Path) -> Result<Self, WriteError> {
        match fs::metadata(root) {
            Ok(m) if !m.is_dir() => {
                return Err(WriteError::NotADirectory {
                    path: root.to_path_buf(),
                })
            }
            Ok(_) => {
                let mut entries = fs::read_dir(root).map_err(|e| WriteError::io(root, e))?;
                if entries.next().is_some() {
                    return Err(WriteError::NotEmpty {
                        path: root.to_path_buf(),
                    });
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(root).map_err(|e| WriteError::io(root, e))?;
            }
            Err(e) => return Err(WriteError::io(root, e)),
        }
        Ok(SnapshotDir {
            root: root.to_path_buf(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `<account-id>.json`: `get-account-authorization-details`.
    pub fn write_authorization_details(
        &self,
        account_id: &str,
        details: &AuthorizationDetails,
    ) -> Result<PathBuf, WriteError> {
        self.write_json(&format!("{account_id}.json"), details)
    }

    /// `roles/<account-id>.json`: `list-roles`.
    pub fn write_roles(&self, account_id: &str, roles: &ListRoles) -> Result<PathBuf, WriteError> {
        self.write_json(&format!("roles/{account_id}.json"), roles)
    }

    /// `resources/<account-id>.json`: the account's resource policies, all regions.
    pub fn write_resources(
        &self,
        account_id: &str,
        resources: &[ResourcePolicy],
    ) -> Result<PathBuf, WriteError> {
        self.write_json(&format!("resources/{account_id}.json"), &resources)
    }

    /// `credential-report-<account-id>.csv`: the decoded report.
    pub fn write_credential_report(
        &self,
        account_id: &str,
        csv: &[u8],
    ) -> Result<PathBuf, WriteError> {
        self.write_bytes(&format!("credential-report-{account_id}.csv"), csv)
    }

    /// `organization.json`.
    pub fn write_organization(&self, org: &Organization) -> Result<PathBuf, WriteError> {
        self.write_json("organization.json", org)
    }

    /// A JSON file at `relative` (pretty-printed, newline-terminated).
    pub fn write_json<T: Serialize + ?Sized>(
        &self,
        relative: &str,
        value: &T,
    ) -> Result<PathBuf, WriteError> {
        self.write_with(relative, |w| {
            serde_json::to_writer_pretty(&mut *w, value).map_err(io::Error::other)?;
            w.write_all(b"\n")
        })
    }

    pub fn write_bytes(&self, relative: &str, bytes: &[u8]) -> Result<PathBuf, WriteError> {
        self.write_with(relative, |w| w.write_all(bytes))
    }

    fn write_with(
        &self,
        relative: &str,
        write: impl FnOnce(&mut BufWriter<fs::File>) -> io::Result<()>,
    ) -> Result<PathBuf, WriteError> {
        let path = self.root.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| WriteError::io(parent, e))?;
        }
        let tmp = self.root.join(format!("{relative}.tmp"));
        let file = fs::File::create(&tmp).map_err(|e| WriteError::io(&tmp, e))?;
        let mut w = BufWriter::new(file);
        write(&mut w)
            .and_then(|_| w.flush())
            .map_err(|e| WriteError::io(&tmp, e))?;
        drop(w);
        fs::rename(&tmp, &path).map_err(|e| WriteError::io(&path, e))?;
        Ok(path)
    }
}

/// `aws iam get-account-authorization-details`, all pages merged.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthorizationDetails {
    pub user_detail_list: Vec<UserDetail>,
    pub group_detail_list: Vec<GroupDetail>,
    pub role_detail_list: Vec<RoleDetail>,
    pub policies: Vec<ManagedPolicyDetail>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InlinePolicy {
    pub policy_name: String,
    /// URL-encoded JSON, as IAM returns it.
    pub policy_document: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicy {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_name: Option<String>,
    pub policy_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionsBoundary {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions_boundary_type: Option<String>,
    pub permissions_boundary_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserDetail {
    pub path: String,
    pub user_name: String,
    pub user_id: String,
    pub arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_date: Option<String>,
    pub user_policy_list: Vec<InlinePolicy>,
    pub group_list: Vec<String>,
    pub attached_managed_policies: Vec<AttachedPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<PermissionsBoundary>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupDetail {
    pub path: String,
    pub group_name: String,
    pub group_id: String,
    pub arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_date: Option<String>,
    pub group_policy_list: Vec<InlinePolicy>,
    pub attached_managed_policies: Vec<AttachedPolicy>,
}

/// An instance profile of a role; the role copies AWS nests in it are left out (the
/// loader skips them).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceProfile {
    pub path: String,
    pub instance_profile_name: String,
    pub instance_profile_id: String,
    pub arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_date: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleLastUsed {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleDetail {
    pub path: String,
    pub role_name: String,
    pub role_id: String,
    pub arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_date: Option<String>,
    /// URL-encoded JSON, as IAM returns it.
    pub assume_role_policy_document: String,
    pub instance_profile_list: Vec<InstanceProfile>,
    pub role_policy_list: Vec<InlinePolicy>,
    pub attached_managed_policies: Vec<AttachedPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<PermissionsBoundary>,
    pub tags: Vec<Tag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_last_used: Option<RoleLastUsed>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManagedPolicyDetail {
    pub policy_name: String,
    pub policy_id: String,
    pub arn: String,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_version_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment_count: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions_boundary_usage_count: Option<i32>,
    pub is_attachable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_date: Option<String>,
    pub policy_version_list: Vec<PolicyVersion>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersion {
    /// URL-encoded JSON, as IAM returns it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    pub version_id: String,
    pub is_default_version: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_date: Option<String>,
}

/// `aws iam list-roles` (the fields the loader and a reader need: MaxSessionDuration).
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRoles {
    pub roles: Vec<ListedRole>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListedRole {
    pub path: String,
    pub role_name: String,
    pub role_id: String,
    pub arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_session_duration: Option<i32>,
}

/// One entry of `resources/*.json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourcePolicy {
    pub arn: String,
    pub account_id: String,
    pub policy: Box<RawValue>,
}

impl ResourcePolicy {
    /// From a policy document as a service returns it (JSON text); `None` when the text is not
    /// JSON (the caller records that as an error of the resource).
    pub fn from_text(arn: String, account_id: String, text: &str) -> Result<Self, String> {
        let policy = RawValue::from_string(text.trim().to_string())
            .map_err(|e| format!("the policy of {arn} is not JSON: {e}"))?;
        Ok(ResourcePolicy {
            arn,
            account_id,
            policy,
        })
    }
}

/// `organization.json`, the schema of crates/model/README.md.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub organization_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub management_account_id: Option<String>,
    pub root_id: String,
    pub organizational_units: Vec<OrganizationalUnit>,
    pub accounts: Vec<OrgAccount>,
    pub policies: Vec<OrgPolicy>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationalUnit {
    pub id: String,
    pub name: String,
    pub parent_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgAccount {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub parent_id: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgPolicy {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub policy_type: String,
    pub document: Box<RawValue>,
    pub targets: Vec<String>,
}

/// SCPs and RCPs are the policy types organization.json models.
pub const SERVICE_CONTROL_POLICY: &str = "SERVICE_CONTROL_POLICY";
pub const RESOURCE_CONTROL_POLICY: &str = "RESOURCE_CONTROL_POLICY";
