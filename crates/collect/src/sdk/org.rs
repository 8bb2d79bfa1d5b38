//! Organizations: accounts, OUs, tags, and the SCPs and RCPs with their targets, into
//! organization.json. Made with the caller's credentials (management or delegated account).

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use aws_config::SdkConfig;
use aws_sdk_organizations::types::{PolicyType, PolicyTypeStatus};
use serde_json::value::RawValue;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::{failure, Options};
use crate::manifest::Failure;
use crate::snapshot::{
    OrgAccount, OrgPolicy, Organization, OrganizationalUnit, RESOURCE_CONTROL_POLICY,
    SERVICE_CONTROL_POLICY,
};

pub struct AccountInfo {
    pub id: String,
    pub name: Option<String>,
    /// Active accounts are collected; suspended, closed or pending ones are listed only.
    pub active: bool,
    pub state: String,
}

pub struct Listing {
    pub organization: Organization,
    pub accounts: Vec<AccountInfo>,
}

pub struct OrgResult {
    /// `None` when the organization or its accounts cannot be listed at all.
    pub listing: Option<Listing>,
    pub failures: Vec<Failure>,
}

pub async fn collect_organization(base: &SdkConfig, opts: &Options) -> OrgResult {
    let org = aws_sdk_organizations::Client::new(base);
    let mut failures = Vec::new();
    macro_rules! or_fail {
        ($action:expr, $e:expr) => {{
            failures.push(failure($action, None, None, &$e));
            return OrgResult {
                listing: None,
                failures,
            };
        }};
    }

    let described = match org.describe_organization().send().await {
        Ok(o) => o,
        Err(e) => or_fail!("organizations:DescribeOrganization", e),
    };
    let (organization_id, management_account_id) = match described.organization() {
        Some(o) => (
            o.id().unwrap_or_default().to_string(),
            o.master_account_id().map(str::to_string),
        ),
        None => (String::new(), None),
    };
    let roots = match org.list_roots().send().await {
        Ok(r) => r,
        Err(e) => or_fail!("organizations:ListRoots", e),
    };
    let Some(root) = roots.roots().first() else {
        failures.push(Failure {
            action: "organizations:ListRoots".into(),
            region: None,
            resource: None,
            message: "the organization has no root".into(),
        });
        return OrgResult {
            listing: None,
            failures,
        };
    };
    let root_id = root.id().unwrap_or_default().to_string();
    // Policies of a type that is not enabled on the root are not enforced: left out.
    let enabled_types: Vec<PolicyType> = root
        .policy_types()
        .iter()
        .filter(|t| t.status() == Some(&PolicyTypeStatus::Enabled))
        .filter_map(|t| t.r#type().cloned())
        .collect();

    let mut accounts: Vec<AccountInfo> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        match org
            .list_accounts()
            .set_next_token(token.take())
            .send()
            .await
        {
            Ok(page) => {
                for a in page.accounts() {
                    // `State` replaces the retiring `Status`; either may be what a server sends.
                    let state = a
                        .state()
                        .map(|s| s.as_str().to_string())
                        .or_else(|| a.status().map(|s| s.as_str().to_string()))
                        .unwrap_or_else(|| "ACTIVE".into());
                    accounts.push(AccountInfo {
                        id: a.id().unwrap_or_default().to_string(),
                        name: a.name().map(str::to_string),
                        active: state == "ACTIVE",
                        state,
                    });
                }
                token = page.next_token().map(str::to_string);
                if token.is_none() {
                    break;
                }
            }
            Err(e) => or_fail!("organizations:ListAccounts", e),
        }
    }
    accounts.sort_by(|a, b| a.id.cmp(&b.id));

    // The OU tree, breadth first from the root, with the parent of each account.
    let mut units: Vec<OrganizationalUnit> = Vec::new();
    let mut parent_of: BTreeMap<String, String> = BTreeMap::new();
    let mut queue: VecDeque<String> = VecDeque::from([root_id.clone()]);
    while let Some(parent) = queue.pop_front() {
        let mut token: Option<String> = None;
        loop {
            match org
                .list_organizational_units_for_parent()
                .parent_id(&parent)
                .set_next_token(token.take())
                .send()
                .await
            {
                Ok(page) => {
                    for ou in page.organizational_units() {
                        let id = ou.id().unwrap_or_default().to_string();
                        units.push(OrganizationalUnit {
                            id: id.clone(),
                            name: ou.name().unwrap_or_default().to_string(),
                            parent_id: parent.clone(),
                        });
                        queue.push_back(id);
                    }
                    token = page.next_token().map(str::to_string);
                }
                Err(e) => {
                    failures.push(failure(
                        "organizations:ListOrganizationalUnitsForParent",
                        None,
                        Some(&parent),
                        &e,
                    ));
                    break;
                }
            }
            if token.is_none() {
                break;
            }
        }
        let mut token: Option<String> = None;
        loop {
            match org
                .list_accounts_for_parent()
                .parent_id(&parent)
                .set_next_token(token.take())
                .send()
                .await
            {
                Ok(page) => {
                    for a in page.accounts() {
                        if let Some(id) = a.id() {
                            parent_of.insert(id.to_string(), parent.clone());
                        }
                    }
                    token = page.next_token().map(str::to_string);
                }
                Err(e) => {
                    failures.push(failure(
                        "organizations:ListAccountsForParent",
                        None,
                        Some(&parent),
                        &e,
                    ));
                    break;
                }
            }
            if token.is_none() {
                break;
            }
        }
    }

    let tags = account_tags(&org, &accounts, opts.concurrency, &mut failures).await;

    let mut policies: Vec<OrgPolicy> = Vec::new();
    for (policy_type, name) in [
        (PolicyType::ServiceControlPolicy, SERVICE_CONTROL_POLICY),
        (PolicyType::ResourceControlPolicy, RESOURCE_CONTROL_POLICY),
    ] {
        if enabled_types.contains(&policy_type) {
            policies.extend(list_policies(&org, policy_type, name, &mut failures).await);
        }
    }

    let org_accounts = accounts
        .iter()
        .map(|a| OrgAccount {
            id: a.id.clone(),
            name: a.name.clone(),
            // An account whose parent could not be listed is placed under the root (its OU's
            // SCPs are then missing: more access appears possible, never less), and the
            // failure is in the manifest.
            parent_id: parent_of
                .get(&a.id)
                .cloned()
                .unwrap_or_else(|| root_id.clone()),
            tags: tags.get(&a.id).cloned().unwrap_or_default(),
        })
        .collect();
    OrgResult {
        listing: Some(Listing {
            organization: Organization {
                organization_id,
                management_account_id,
                root_id,
                organizational_units: units,
                accounts: org_accounts,
                policies,
            },
            accounts,
        }),
        failures,
    }
}

/// The tags of every account, `concurrency` requests at a time.
async fn account_tags(
    org: &aws_sdk_organizations::Client,
    accounts: &[AccountInfo],
    concurrency: usize,
    failures: &mut Vec<Failure>,
) -> BTreeMap<String, BTreeMap<String, String>> {
    let semaphore = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut tasks = JoinSet::new();
    for a in accounts {
        let (org, id, semaphore) = (org.clone(), a.id.clone(), semaphore.clone());
        tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await;
            let mut tags = BTreeMap::new();
            let mut token: Option<String> = None;
            loop {
                match org
                    .list_tags_for_resource()
                    .resource_id(&id)
                    .set_next_token(token.take())
                    .send()
                    .await
                {
                    Ok(page) => {
                        for t in page.tags() {
                            tags.insert(t.key().to_string(), t.value().to_string());
                        }
                        token = page.next_token().map(str::to_string);
                        if token.is_none() {
                            return (id, Ok(tags));
                        }
                    }
                    Err(e) => {
                        let f = failure("organizations:ListTagsForResource", None, Some(&id), &e);
                        return (id, Err(f));
                    }
                }
            }
        });
    }
    let mut out = BTreeMap::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((id, Ok(tags))) => {
                out.insert(id, tags);
            }
            Ok((_, Err(f))) => failures.push(f),
            Err(_) => {}
        }
    }
    out
}

async fn list_policies(
    org: &aws_sdk_organizations::Client,
    policy_type: PolicyType,
    type_name: &str,
    failures: &mut Vec<Failure>,
) -> Vec<OrgPolicy> {
    let mut summaries = Vec::new();
    let mut token: Option<String> = None;
    loop {
        match org
            .list_policies()
            .filter(policy_type.clone())
            .set_next_token(token.take())
            .send()
            .await
        {
            Ok(page) => {
                summaries.extend(
                    page.policies()
                        .iter()
                        .map(|p| {
                            (
                                p.id().unwrap_or_default().to_string(),
                                p.name().unwrap_or_default().to_string(),
                            )
                        })
                        .collect::<Vec<_>>(),
                );
                token = page.next_token().map(str::to_string);
                if token.is_none() {
                    break;
                }
            }
            Err(e) => {
                failures.push(failure(
                    "organizations:ListPolicies",
                    None,
                    Some(type_name),
                    &e,
                ));
                return vec![];
            }
        }
    }
    let mut policies = Vec::new();
    for (id, name) in summaries {
        let content = match org.describe_policy().policy_id(&id).send().await {
            Ok(d) => d
                .policy()
                .and_then(|p| p.content())
                .map(str::to_string)
                .unwrap_or_default(),
            Err(e) => {
                failures.push(failure("organizations:DescribePolicy", None, Some(&id), &e));
                continue;
            }
        };
        let document = match RawValue::from_string(content) {
            Ok(d) => d,
            Err(e) => {
                failures.push(Failure {
                    action: "organizations:DescribePolicy".into(),
                    region: None,
                    resource: Some(id.clone()),
                    message: format!("the policy content is not JSON: {e}"),
                });
                continue;
            }
        };
        let mut targets = Vec::new();
        let mut token: Option<String> = None;
        let mut ok = true;
        loop {
            match org
                .list_targets_for_policy()
                .policy_id(&id)
                .set_next_token(token.take())
                .send()
                .await
            {
                Ok(page) => {
                    targets.extend(
                        page.targets()
                            .iter()
                            .filter_map(|t| t.target_id().map(str::to_string)),
                    );
                    token = page.next_token().map(str::to_string);
                    if token.is_none() {
                        break;
                    }
                }
                Err(e) => {
                    failures.push(failure(
                        "organizations:ListTargetsForPolicy",
                        None,
                        Some(&id),
                        &e,
                    ));
                    ok = false;
                    break;
                }
            }
        }
        // A policy without its targets would restrict nothing, silently: left out, and the
        // failure says so.
        if ok {
            targets.sort();
            policies.push(OrgPolicy {
                id,
                name,
                policy_type: type_name.to_string(),
                document,
                targets,
            });
        }
    }
    policies
}
