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
    /// Lookups by ID, built on first use: organizations have thousands of accounts and every
    /// principal asks for its path.
    #[serde(skip)]
    index: std::sync::OnceLock<OrgIndex>,
}

#[derive(Debug, Default, Clone)]
struct OrgIndex {
    accounts: std::collections::HashMap<String, usize>,
    ous: std::collections::HashMap<String, usize>,
    /// Policy indices by target, per type.
    scps_by_target: std::collections::HashMap<String, Vec<usize>>,
    rcps_by_target: std::collections::HashMap<String, Vec<usize>>,
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
    /// `SCP Name (p-id)`, for explanations (made once: every principal's decisions cite it).
    #[serde(skip)]
    label: std::sync::OnceLock<String>,
}

impl OrgPolicy {
    /// `SCP Name (p-id)` / `RCP Name (p-id)`, for explanations.
    pub fn label(&self) -> &str {
        self.label.get_or_init(|| {
            let kind = match self.kind {
                OrgPolicyType::ServiceControlPolicy => "SCP",
                OrgPolicyType::ResourceControlPolicy => "RCP",
            };
            format!("{kind} {} ({})", self.name, self.id)
        })
    }
}

/// One level of the organization path with the policies attached there.
#[derive(Debug, Clone)]
pub struct PolicyLevel<'a> {
    /// The root, OU or account ID of this level.
    pub target: &'a str,
    pub policies: Vec<&'a OrgPolicy>,
}

impl Organization {
    fn index(&self) -> &OrgIndex {
        self.index.get_or_init(|| {
            let mut idx = OrgIndex::default();
            for (i, a) in self.accounts.iter().enumerate() {
                idx.accounts.entry(a.id.clone()).or_insert(i);
            }
            for (i, ou) in self.organizational_units.iter().enumerate() {
                idx.ous.entry(ou.id.clone()).or_insert(i);
            }
            for (i, p) in self.policies.iter().enumerate() {
                let map = match p.kind {
                    OrgPolicyType::ServiceControlPolicy => &mut idx.scps_by_target,
                    OrgPolicyType::ResourceControlPolicy => &mut idx.rcps_by_target,
                };
                for t in &p.targets {
                    map.entry(t.clone()).or_default().push(i);
                }
            }
            idx
        })
    }

    /// The account entry, by ID.
    pub fn account(&self, account_id: &str) -> Option<&OrgAccount> {
        self.index()
            .accounts
            .get(account_id)
            .map(|&i| &self.accounts[i])
    }

    /// The path from the root down to the account: root ID, OU IDs…, account ID.
    /// None when the account is not in the organization or its parents form no path.
    pub fn path_of(&self, account_id: &str) -> Option<Vec<&str>> {
        let idx = self.index();
        let acct = self.account(account_id)?;
        let mut path = vec![acct.id.as_str()];
        let mut parent = acct.parent_id.as_str();
        // Bounded: a malformed file with a cycle must not hang.
        for _ in 0..=self.organizational_units.len() + 1 {
            path.push(parent);
            if parent == self.root_id {
                path.reverse();
                return Some(path);
            }
            parent = self.organizational_units[*idx.ous.get(parent)?]
                .parent_id
                .as_str();
        }
        None
    }

    /// Path levels (root, OUs, accounts) of the given accounts that have no policy of this
    /// type attached although the organization lists some: incomplete data.
    pub fn levels_without(&self, account_ids: &[&str], kind: OrgPolicyType) -> Vec<String> {
        if !self.policies.iter().any(|p| p.kind == kind) {
            return Vec::new();
        }
        let idx = self.index();
        let by_target = match kind {
            OrgPolicyType::ServiceControlPolicy => &idx.scps_by_target,
            OrgPolicyType::ResourceControlPolicy => &idx.rcps_by_target,
        };
        let mut out: Vec<String> = Vec::new();
        for a in account_ids {
            if self.management_account_id.as_deref() == Some(*a) {
                continue;
            }
            for t in self.path_of(a).unwrap_or_default() {
                if !by_target.contains_key(t) && !out.iter().any(|x| x == t) {
                    out.push(t.to_string());
                }
            }
        }
        out
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
        let idx = self.index();
        let by_target = match kind {
            OrgPolicyType::ServiceControlPolicy => &idx.scps_by_target,
            OrgPolicyType::ResourceControlPolicy => &idx.rcps_by_target,
        };
        // A level with nothing attached cannot exist in AWS (every root, OU and account has at
        // least one SCP, and RCPFullAWSAccess cannot be detached): the data is incomplete there,
        // so the level is treated as not restricting — fail safe, and reported at load time.
        Some(
            path.into_iter()
                .filter_map(|target| {
                    let policies: Vec<&OrgPolicy> = by_target
                        .get(target)?
                        .iter()
                        .map(|&i| &self.policies[i])
                        .collect();
                    Some(PolicyLevel { target, policies })
                })
                .collect(),
        )
    }
}
