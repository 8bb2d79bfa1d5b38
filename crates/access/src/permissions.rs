//! What a role can do once assumed: admin-equivalence (decided with the policy engine) and a
//! summary of the services and access levels its policies grant.

use std::collections::BTreeSet;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use trustgate_model::{PolicyRef, PrincipalRef, Snapshot};
use trustgate_policy::{Effect, Policy};

use crate::prepared::{Prepared, PreparedPrincipals};

/// What the role can do once assumed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionSummary {
    /// Can do everything, or can rewrite its own permissions (see `admin_reason`).
    pub admin_equivalent: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_reason: Option<String>,
    /// Service prefixes its Allow statements name (`*` for all).
    pub services: Vec<String>,
    /// IAM access levels granted (List, Read, Write, Permissions management, Tagging), by the
    /// actions' names.
    pub access_levels: Vec<String>,
    /// ARNs of the attached managed policies and names of the inline ones (`inline:NAME`).
    pub policies: Vec<String>,
    /// Attached policies absent from the snapshot: their grants are unknown.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub unknown_policies: Vec<String>,
}

/// Actions an administrator can perform on every resource; a role allowed all of them is
/// admin-equivalent. Chosen across IAM, compute, storage, data and audit so that policies
/// like PowerUserAccess (everything but IAM) or ReadOnlyAccess do not qualify.
pub const ADMIN_PROBES: [&str; 10] = [
    "iam:CreateUser",
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:CreateAccessKey",
    "ec2:RunInstances",
    "s3:DeleteBucket",
    "lambda:CreateFunction",
    "dynamodb:DeleteTable",
    "cloudtrail:StopLogging",
    "kms:CreateKey",
];

const FULL_ADMIN: &str = "allows every administrative action probed on every resource";

/// Whether the principal's own policies (with boundary and SCPs) allow every probe on `*`.
fn full_admin(p: &Prepared<'_>) -> bool {
    ADMIN_PROBES.iter().all(|a| p.may(a, "*"))
}

/// Self-escalation: a principal that can rewrite its own permissions is admin in waiting —
/// unless a boundary caps what any new policy could grant.
fn self_escalation(p: &Prepared<'_>) -> Option<String> {
    if p.set.permission_boundary.is_some() {
        return None;
    }
    let (put, attach) = match p.principal {
        PrincipalRef::Role { .. } => ("iam:PutRolePolicy", "iam:AttachRolePolicy"),
        _ => ("iam:PutUserPolicy", "iam:AttachUserPolicy"),
    };
    for action in [put, attach] {
        if p.may(action, p.arn) {
            return Some(format!(
                "can rewrite its own permissions ({action} on itself)"
            ));
        }
    }
    let account = trustgate_policy::Arn::parse(p.arn)
        .map(|a| a.account)
        .unwrap_or("");
    let any_policy = format!("arn:aws:iam::{account}:policy/any-customer-managed-policy");
    if p.may("iam:CreatePolicyVersion", &any_policy) {
        return Some(
            "can rewrite its own permissions (iam:CreatePolicyVersion on its account's policies)"
                .into(),
        );
    }
    None
}

/// Decides admin-equivalence for a role or user: the reason, or None.
pub fn admin_equivalence(snap: &Snapshot, p: PrincipalRef) -> Option<String> {
    let prepared = Prepared::new(snap, p)?;
    if full_admin(&prepared) {
        return Some(FULL_ADMIN.into());
    }
    self_escalation(&prepared)
}

/// The access level an action pattern falls in, by IAM naming conventions.
pub fn access_level(action: &str) -> &'static str {
    let name = action.split_once(':').map(|(_, n)| n).unwrap_or(action);
    let starts = |p: &str| name.starts_with(p);
    if name == "*" {
        return "*";
    }
    if name.contains("Policy") && !starts("Get") && !starts("List")
        || starts("PassRole")
        || starts("AddPermission")
        || starts("RemovePermission")
        || starts("SetDefaultPolicyVersion")
        || starts("AttachRole")
        || starts("AttachUser")
        || starts("AttachGroup")
        || starts("UpdateAssumeRolePolicy")
    {
        "Permissions management"
    } else if starts("List") {
        "List"
    } else if starts("Get")
        || starts("Describe")
        || starts("Head")
        || starts("BatchGet")
        || starts("Search")
        || starts("Query")
        || starts("Scan")
        || starts("Lookup")
    {
        "Read"
    } else if starts("Tag") || starts("Untag") {
        "Tagging"
    } else {
        "Write"
    }
}

/// Services and access levels named by a policy's Allow statements (borrowed from it: no
/// allocation per action, which counts for AWS-managed policies of thousands of actions).
fn policy_reach<'p>(
    p: &'p Policy,
    services: &mut BTreeSet<&'p str>,
    levels: &mut BTreeSet<&'static str>,
) {
    for st in &p.statements {
        if st.effect != Effect::Allow {
            continue;
        }
        if st.action.negated {
            services.insert("*");
            levels.insert("*");
            continue;
        }
        for a in &st.action.actions {
            match a.service() {
                None => {
                    services.insert("*");
                    levels.insert("*");
                }
                Some(svc) => {
                    services.insert(svc);
                    levels.insert(access_level(&a.raw));
                }
            }
        }
    }
}

/// [`policy_reach`] of one document as sorted lists, kept for documents attached many times.
type DocReach<'s> = std::sync::Arc<(Vec<&'s str>, Vec<&'static str>)>;

/// Whether a policy's effect can differ between principals holding it: policy variables, or
/// conditions on the principal's identity or tags.
pub fn depends_on_principal(p: &Policy) -> bool {
    p.statements.iter().any(statement_depends_on_principal)
}

/// [`depends_on_principal`] for one action (lower-case): only the statements that can apply
/// to it count (a `${aws:PrincipalTag/team}` in an S3 statement does not make the answer for
/// `sts:AssumeRole` differ between principals).
pub fn depends_on_principal_for(p: &Policy, action_lower: &str) -> bool {
    p.statements.iter().any(|st| {
        statement_depends_on_principal(st)
            && trustgate_policy::eval::statement_action_matches(st, action_lower)
    })
}

/// Whether one statement can apply differently to different principals.
pub fn statement_depends_on_principal(st: &trustgate_policy::Statement) -> bool {
    st.resource
        .as_ref()
        .is_some_and(|r| r.resources.iter().any(|x| x.contains("${")))
        || st.conditions.iter().any(|c| {
            c.values.iter().any(|v| v.contains("${"))
                || c.key_lower.starts_with("aws:principal")
                || matches!(c.key_lower.as_str(), "aws:userid" | "aws:username")
        })
}

const ALL_LEVELS: [&str; 5] = ["List", "Read", "Write", "Permissions management", "Tagging"];

/// Services, access levels.
type Reach = (Vec<String>, Vec<String>);

/// Summarizes a role's permissions. Roles that share the same policies share the work:
/// results for roles without inline policies are cached by their attached policies.
pub struct Summarizer<'s> {
    snap: &'s Snapshot,
    prepared: PreparedPrincipals<'s>,
    cache: Mutex<foldhash::HashMap<Vec<usize>, Reach>>,
    /// Admin-equivalence is decided once per group of principals with the same statements
    /// for the probed actions (see [`crate::groups`]).
    admin_keys: crate::groups::DecisionKeys,
    admin_cache: Mutex<foldhash::HashMap<u64, Option<String>>>,
    /// Services and levels per attached document (by address: documents are shared).
    doc_reach: Mutex<foldhash::HashMap<usize, DocReach<'s>>>,
}

/// Every action admin-equivalence asks about on other resources: the probes (on `*`), and
/// rewriting the account's customer-managed policies.
const ADMIN_ACTIONS: [&str; 11] = [
    ADMIN_PROBES[0],
    ADMIN_PROBES[1],
    ADMIN_PROBES[2],
    ADMIN_PROBES[3],
    ADMIN_PROBES[4],
    ADMIN_PROBES[5],
    ADMIN_PROBES[6],
    ADMIN_PROBES[7],
    ADMIN_PROBES[8],
    ADMIN_PROBES[9],
    "iam:CreatePolicyVersion",
];

/// The actions self-escalation asks about the principal itself.
const SELF_ACTIONS: [&str; 4] = [
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:AttachUserPolicy",
];

impl<'s> Summarizer<'s> {
    /// Prepares every principal of the snapshot (reusable through [`Summarizer::prepared`]).
    pub fn new(snap: &'s Snapshot) -> Self {
        Summarizer {
            snap,
            prepared: PreparedPrincipals::new(snap),
            cache: Mutex::new(Default::default()),
            admin_keys: crate::groups::DecisionKeys::with_self(snap, &ADMIN_ACTIONS, &SELF_ACTIONS),
            admin_cache: Mutex::new(Default::default()),
            doc_reach: Mutex::new(Default::default()),
        }
    }

    /// The prepared principals, for further questions (the access graph).
    pub fn prepared(&self) -> &PreparedPrincipals<'s> {
        &self.prepared
    }

    pub fn summarize(&self, p: PrincipalRef) -> PermissionSummary {
        let reach = match self.cache_key(p) {
            Some(key) => {
                let cached = self.cache.lock().expect("cache").get(&key).cloned();
                match cached {
                    Some(r) => r,
                    None => {
                        let r = self.reach(p);
                        self.cache.lock().expect("cache").insert(key, r.clone());
                        r
                    }
                }
            }
            None => self.reach(p),
        };
        let (services, access_levels) = reach;
        let reason = self.admin_reason(p);
        let (policies, unknown_policies) = self.policy_names(p);
        PermissionSummary {
            admin_equivalent: reason.is_some(),
            admin_reason: reason,
            services,
            access_levels,
            policies,
            unknown_policies,
        }
    }

    /// Only admin-equivalence: the summary's services, access levels and policy lists left
    /// empty. For callers that show none of them (a scan without the registry, `paths`):
    /// listing them for 200 000 roles is a tenth of a scan's work.
    pub fn summarize_admin(&self, p: PrincipalRef) -> PermissionSummary {
        let reason = self.admin_reason(p);
        PermissionSummary {
            admin_equivalent: reason.is_some(),
            admin_reason: reason,
            ..Default::default()
        }
    }

    /// Why the principal is admin-equivalent, if it is: decided once per group.
    pub fn admin_reason(&self, p: PrincipalRef) -> Option<String> {
        let prepared = self.prepared.get(p)?;
        let decide = || {
            if full_admin(prepared) {
                Some(FULL_ADMIN.to_string())
            } else {
                self_escalation(prepared)
            }
        };
        let Some(key) = self.admin_keys.key(p, &prepared.set) else {
            return decide();
        };
        let cached = self.admin_cache.lock().expect("cache").get(&key).cloned();
        match cached {
            Some(reason) => reason,
            None => {
                let reason = decide();
                self.admin_cache
                    .lock()
                    .expect("cache")
                    .insert(key, reason.clone());
                reason
            }
        }
    }

    /// Roles without inline policies whose attached policies are all known share results,
    /// keyed by the identity of the attached documents and boundary.
    fn cache_key(&self, p: PrincipalRef) -> Option<Vec<usize>> {
        let PrincipalRef::Role { account, index } = p else {
            return None;
        };
        let role = &self.snap.accounts[account].roles[index];
        let cacheable = role.inline_policies.is_empty()
            && role
                .attached_policies
                .iter()
                .chain(role.permission_boundary.iter())
                .all(|r| r.document().is_some_and(|d| !depends_on_principal(d)));
        if !cacheable {
            return None;
        }
        let mut key: Vec<usize> = role
            .attached_policies
            .iter()
            .filter_map(|r| r.document().map(trustgate_model::document_address))
            .collect();
        key.sort_unstable();
        key.push(
            role.permission_boundary
                .as_ref()
                .and_then(|b| b.document())
                .map(trustgate_model::document_address)
                .unwrap_or(0),
        );
        Some(key)
    }

    fn policy_names(&self, p: PrincipalRef) -> (Vec<String>, Vec<String>) {
        let (inline, attached) = self.own(p);
        let mut names: Vec<String> = inline
            .iter()
            .map(|ip| format!("inline:{}", ip.name))
            .collect();
        names.extend(attached.iter().map(|r| r.arn().to_string()));
        let unknown = attached
            .iter()
            .filter(|r| r.document().is_none())
            .map(|r| r.arn().to_string())
            .collect();
        (names, unknown)
    }

    fn own(&self, p: PrincipalRef) -> (&'s [trustgate_model::NamedPolicy], &'s [PolicyRef]) {
        let snap = self.snap;
        match p {
            PrincipalRef::Role { account, index } => {
                let r = &snap.accounts[account].roles[index];
                (&r.inline_policies, &r.attached_policies)
            }
            PrincipalRef::User { account, index } => {
                let u = &snap.accounts[account].users[index];
                (&u.inline_policies, &u.attached_policies)
            }
            PrincipalRef::Group { account, index } => {
                let g = &snap.accounts[account].groups[index];
                (&g.inline_policies, &g.attached_policies)
            }
        }
    }

    /// Full-admin probe, services and access levels (the same for every principal with
    /// the same policies, unless a policy looks at who the principal is).
    fn reach(&self, p: PrincipalRef) -> Reach {
        let mut services: BTreeSet<&str> = BTreeSet::new();
        let mut levels = BTreeSet::new();
        let (inline, attached) = self.own(p);
        for ip in inline {
            policy_reach(&ip.document, &mut services, &mut levels);
        }
        for r in attached {
            if let Some(d) = r.document() {
                let key = trustgate_model::document_address(d);
                let cached = self.doc_reach.lock().expect("cache").get(&key).cloned();
                let reach = cached.unwrap_or_else(|| {
                    let (mut s, mut l) = (BTreeSet::new(), BTreeSet::new());
                    policy_reach(d, &mut s, &mut l);
                    let reach: DocReach<'s> =
                        std::sync::Arc::new((s.into_iter().collect(), l.into_iter().collect()));
                    self.doc_reach
                        .lock()
                        .expect("cache")
                        .insert(key, reach.clone());
                    reach
                });
                services.extend(reach.0.iter().copied());
                levels.extend(reach.1.iter().copied());
            }
        }
        let access_levels: Vec<String> = if levels.contains("*") {
            ALL_LEVELS.iter().map(|s| s.to_string()).collect()
        } else {
            ALL_LEVELS
                .iter()
                .filter(|l| levels.contains(*l))
                .map(|s| s.to_string())
                .collect()
        };
        let services: Vec<String> = if services.contains("*") {
            vec!["*".into()]
        } else {
            services.into_iter().map(str::to_string).collect()
        };
        (services, access_levels)
    }
}
