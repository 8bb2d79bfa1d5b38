//! `organization.json`: accounts, OUs, SCPs and RCPs with their targets (our own schema,
//! documented in the crate README).

use std::collections::BTreeMap;

use serde::Deserialize;
use trustgate_policy::Policy;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Organization {
    pub organization_id: String,
    #[serde(default)]
    pub management_account_id: Option<String>,
    pub root_id: String,
    #[serde(default)]
    pub organizational_units: Vec<OrgUnit>,
    #[serde(default)]
    pub accounts: Vec<OrgAccount>,
    #[serde(default)]
    pub policies: Vec<OrgPolicy>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrgUnit {
    pub id: String,
    pub name: String,
    pub parent_id: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrgAccount {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub parent_id: String,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrgPolicyType {
    ServiceControlPolicy,
    ResourceControlPolicy,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrgPolicy {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: OrgPolicyType,
    pub document: Policy,
    /// Root ID, OU IDs or account IDs the policy is attached to.
    pub targets: Vec<String>,
}

/// One level of the organization path with the policies attached there.
#[derive(Debug, Clone)]
pub struct PolicyLevel<'a> {
    /// The root, OU or account ID of this level.
    pub target: &'a str,
    pub policies: Vec<&'a OrgPolicy>,
}

impl Organization {
    /// The path from the root down to the account: root ID, OU IDs…, account ID.
    /// None when the account is not in the organization or its parents form no path.
    pub fn path_of(&self, account_id: &str) -> Option<Vec<&str>> {
        let acct = self.accounts.iter().find(|a| a.id == account_id)?;
        let mut path = vec![acct.id.as_str()];
        let mut parent = acct.parent_id.as_str();
        // Bounded: a malformed file with a cycle must not hang.
        for _ in 0..=self.organizational_units.len() + 1 {
            path.push(parent);
            if parent == self.root_id {
                path.reverse();
                return Some(path);
            }
            parent = self
                .organizational_units
                .iter()
                .find(|ou| ou.id == parent)?
                .parent_id
                .as_str();
        }
        None
    }

    /// Names of the path levels (`Root / Workloads / Prod / account`), for messages.
    pub fn path_names(&self, account_id: &str) -> Option<Vec<String>> {
        let path = self.path_of(account_id)?;
        Some(
            path.iter()
                .map(|id| {
                    if *id == self.root_id {
                        "Root".to_string()
                    } else if let Some(ou) = self.organizational_units.iter().find(|o| o.id == *id)
                    {
                        ou.name.clone()
                    } else {
                        self.accounts
                            .iter()
                            .find(|a| a.id == *id)
                            .and_then(|a| a.name.clone())
                            .unwrap_or_else(|| id.to_string())
                    }
                })
                .collect(),
        )
    }

    /// The policies of one type for each level of the account's path, root first. None when
    /// they do not apply: the management account, an account outside the organization, or an
    /// organization file that lists no policy of that type (feature not modelled).
    pub fn levels(&self, account_id: &str, kind: OrgPolicyType) -> Option<Vec<PolicyLevel<'_>>> {
        if self.management_account_id.as_deref() == Some(account_id) {
            return None;
        }
        if !self.policies.iter().any(|p| p.kind == kind) {
            return None;
        }
        let path = self.path_of(account_id)?;
        Some(
            path.into_iter()
                .map(|target| PolicyLevel {
                    target,
                    policies: self
                        .policies
                        .iter()
                        .filter(|p| p.kind == kind && p.targets.iter().any(|t| t == target))
                        .collect(),
                })
                .collect(),
        )
    }
}
