//! `organization.json`: accounts, OUs, SCPs and RCPs with their targets (our own schema,
//! documented in the crate README).

use std::collections::BTreeMap;

use serde::Deserialize;
use trustgate_policy::Policy;

/// `organization.json`:
///
/// ```json
/// { "organizationId": "o-abc123", "managementAccountId": "111111111111", "rootId": "r-root",
///   "organizationalUnits": [{"id": "ou-work", "name": "Workloads", "parentId": "r-root"}],
///   "accounts": [{"id": "222222222222", "name": "prod", "parentId": "ou-work", "tags": {"env": "prod"}}],
///   "policies": [{"id": "p-1", "name": "DenyLeave", "type": "SERVICE_CONTROL_POLICY",
///                 "document": {"Version": "2012-10-17", "Statement": []}, "targets": ["r-root"]}] }
/// ```
///
/// Unknown fields are errors (a misspelt `parentID` must not silently detach an account).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Organization {
    /// `o-…`: what `aws:PrincipalOrgID` conditions compare with.
    pub organization_id: String,
    /// The management account: never governed by SCPs or RCPs.
    #[serde(default)]
    pub management_account_id: Option<String>,
    /// `r-…`: the root, parent of the top-level OUs and accounts.
    pub root_id: String,
    /// Organizational units, each with its parent (the root or another OU).
    #[serde(default)]
    pub organizational_units: Vec<OrgUnit>,
    /// Member accounts (including the management account), each with its parent.
    #[serde(default)]
    pub accounts: Vec<OrgAccount>,
    /// SCPs and RCPs with their targets.
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
    /// Policy indices by target, per type, each with its label there (`SCP name (id) at
    /// target`, made once: every principal of every account below shares it).
    scps_by_target: std::collections::HashMap<String, Vec<(usize, String)>>,
    rcps_by_target: std::collections::HashMap<String, Vec<(usize, String)>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
/// An organizational unit.
pub struct OrgUnit {
    /// `ou-…`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The root ID or a parent OU ID.
    pub parent_id: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
/// A member account.
pub struct OrgAccount {
    /// The 12-digit account ID.
    pub id: String,
    /// Account name.
    #[serde(default)]
    pub name: Option<String>,
    /// The root ID or the OU ID the account sits in.
    pub parent_id: String,
    /// Account tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
/// `SERVICE_CONTROL_POLICY` or `RESOURCE_CONTROL_POLICY`.
pub enum OrgPolicyType {
    /// SCP: caps what the account's principals may do.
    ServiceControlPolicy,
    /// RCP: caps what may be done to the account's resources.
    ResourceControlPolicy,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
/// An SCP or RCP with its targets.
pub struct OrgPolicy {
    /// `p-…`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// `type`: SCP or RCP.
    #[serde(rename = "type")]
    pub kind: OrgPolicyType,
    /// The policy document (object or URL-encoded string).
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
    /// The policies attached at this level (a request needs an Allow from one of them).
    pub policies: Vec<&'a OrgPolicy>,
    /// For each policy, how explanations name it: `SCP name (id) at target`.
    pub labels: Vec<&'a str>,
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
                    let label = format!("{} at {t}", p.label());
                    map.entry(t.clone()).or_default().push((i, label));
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
                    } else if let Some(&i) = self.index().ous.get(*id) {
                        self.organizational_units[i].name.clone()
                    } else {
                        self.account(id)
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
                    let attached = by_target.get(target)?;
                    Some(PolicyLevel {
                        target,
                        policies: attached.iter().map(|(i, _)| &self.policies[*i]).collect(),
                        labels: attached.iter().map(|(_, l)| l.as_str()).collect(),
                    })
                })
                .collect(),
        )
    }
}
