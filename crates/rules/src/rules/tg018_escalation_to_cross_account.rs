use foldhash::{HashMap, HashMapExt, HashSet};

use rayon::prelude::*;

use trustgate_access::NodeKind;
use trustgate_model::PrincipalRef;

use crate::context::ScanContext;
use crate::finding::Finding;

crate::declare_rule!(EscalationToCrossAccount {
    id: "TG018",
    name: "escalation-to-cross-account",
    title: "Principal can escalate inside its account into a cross-account or admin role",
    severity: High,
    what: "For every non-admin user and role, asks the policy engine whether it can (pathfinding.cloud edge types in brackets): rewrite the trust policy of an admin or cross-account role of its account (`iam:UpdateAssumeRolePolicy` [iam-012]); grow the permissions of a role assumable from another account (`iam:AttachRolePolicy` [iam-009], `iam:PutRolePolicy` [iam-005]); or act as an admin role by passing it to compute it controls (`iam:PassRole` with `lambda:CreateFunction` [lambda-001] or `ec2:RunInstances` [ec2-001]).",
    why: "Escalation inside one account becomes lateral movement across accounts: whoever can edit a cross-account role's trust or permissions decides what the other account can do here, and whoever can pass an admin role to a Lambda function is admin.",
    example: "{\"Effect\": \"Allow\", \"Action\": \"iam:UpdateAssumeRolePolicy\", \"Resource\": \"*\"} on a developer role in an account with an admin role",
    fix: "Scope IAM write actions to the roles the principal manages (by path or name prefix, e.g. `arn:aws:iam::ACCOUNT:role/app/*`), keep admin and cross-account roles out of that scope, and restrict `iam:PassRole` with `iam:PassedToService` and explicit role ARNs.",
});

/// One escalation edge type.
struct Check {
    actions: &'static [&'static str],
    /// Applies to admin-equivalent targets / to targets assumable from other accounts.
    for_admin: bool,
    for_cross: bool,
    /// For PassRole edges: the service the target role must trust to be usable.
    service: Option<&'static str>,
    id: &'static str,
    what: &'static str,
}

const CHECKS: [Check; 5] = [
    Check {
        actions: &["iam:UpdateAssumeRolePolicy"],
        for_admin: true,
        for_cross: true,
        service: None,
        id: "iam-012",
        what: "rewrite its trust policy",
    },
    Check {
        actions: &["iam:AttachRolePolicy"],
        for_admin: false,
        for_cross: true,
        service: None,
        id: "iam-009",
        what: "attach any managed policy to it",
    },
    Check {
        actions: &["iam:PutRolePolicy"],
        for_admin: false,
        for_cross: true,
        service: None,
        id: "iam-005",
        what: "write an inline policy into it",
    },
    Check {
        actions: &["iam:PassRole", "lambda:CreateFunction"],
        for_admin: true,
        for_cross: false,
        service: Some("lambda.amazonaws.com"),
        id: "lambda-001",
        what: "pass it to a new Lambda function",
    },
    Check {
        actions: &["iam:PassRole", "ec2:RunInstances"],
        for_admin: true,
        for_cross: false,
        service: Some("ec2.amazonaws.com"),
        id: "ec2-001",
        what: "pass it to a new EC2 instance",
    },
];

/// Whether a role's trust policy lets an AWS service assume it.
fn trusts_service(role: &trustgate_model::Role, service: &str) -> bool {
    crate::trust::trust_entries(&role.trust_policy)
        .iter()
        .any(|e| {
            e.kind == crate::trust::TrustedKind::Service
                && e.principal.eq_ignore_ascii_case(service)
        })
}

impl EscalationToCrossAccount {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        let (Some(g), Some(snap), Some(prepared)) = (cx.graph, cx.snapshot, cx.prepared) else {
            return;
        };
        let cross: HashSet<&str> = cx
            .roles
            .iter()
            .filter(|r| r.is_cross_account())
            .map(|r| r.arn)
            .collect();
        let admin: HashSet<&str> = g
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Role && n.admin)
            .map(|n| n.id.as_str())
            .collect();
        let actions: Vec<&str> = CHECKS
            .iter()
            .flat_map(|c| c.actions.iter())
            .copied()
            .collect();
        let keys = trustgate_access::groups::DecisionKeys::new(snap, &actions);
        // Accounts are independent: in parallel, findings kept in account order.
        let per_account: Vec<Vec<Finding>> = snap
            .accounts
            .par_iter()
            .enumerate()
            .map(|(ai, acct)| {
            // (role, admin?, cross-account?, services its trust policy admits)
            let targets: Vec<Target<'_>> = acct
                .roles
                .iter()
                .filter_map(|r| {
                    let (a, c) = (
                        admin.contains(r.arn.as_str()),
                        cross.contains(r.arn.as_str()),
                    );
                    (a || c).then(|| {
                        let services = CHECKS
                            .iter()
                            .filter_map(|c| c.service)
                            .filter(|svc| trusts_service(r, svc))
                            .collect();
                        (r, a, c, services)
                    })
                })
                .collect();
            if targets.is_empty() {
                return Vec::new();
            }
            let principals: Vec<(PrincipalRef, &str)> = (0..acct.roles.len())
                .map(|i| {
                    (
                        PrincipalRef::Role {
                            account: ai,
                            index: i,
                        },
                        acct.roles[i].arn.as_str(),
                    )
                })
                .chain((0..acct.users.len()).map(|i| {
                    (
                        PrincipalRef::User {
                            account: ai,
                            index: i,
                        },
                        acct.users[i].arn.as_str(),
                    )
                }))
                // Admins can do anything already (TG007 covers what matters).
                .filter(|(_, arn)| !admin.contains(arn))
                .collect();
            // Principals whose statements for these actions are the same get the same
            // answers: decided once per group (see trustgate_access::groups). One account
            // may hold thousands of principals, so keys, groups and findings are each
            // worked out in parallel.
            let keyed: Vec<(PrincipalRef, &str, Option<u64>)> = principals
                .par_iter()
                .filter_map(|&(p, arn)| {
                    let caller = prepared.get(p)?;
                    Some((p, arn, keys.key(p, &caller.set)))
                })
                .collect();
            let mut representatives: HashMap<u64, PrincipalRef> = HashMap::new();
            for &(p, _, key) in &keyed {
                if let Some(k) = key {
                    representatives.entry(k).or_insert(p);
                }
            }
            let by_group: HashMap<u64, Vec<(usize, usize)>> = representatives
                .into_par_iter()
                .filter_map(|(k, p)| {
                    let caller = prepared.get(p)?;
                    Some((k, escalations(caller, &acct.id, &targets)))
                })
                .collect();
            let findings_of = |&(p, p_arn, key): &(PrincipalRef, &str, Option<u64>)| {
                let own;
                let hits: &[(usize, usize)] = match key.and_then(|k| by_group.get(&k)) {
                    Some(hits) => hits,
                    None => {
                        own = prepared
                            .get(p)
                            .map(|caller| escalations(caller, &acct.id, &targets))
                            .unwrap_or_default();
                        &own
                    }
                };
                let mut out = Vec::new();
                for &(t, c) in hits {
                    let (role, is_admin, _, _) = &targets[t];
                    let (c, is_admin) = (&CHECKS[c], *is_admin);
                    let target = role.arn.as_str();
                    if target == p_arn {
                        continue;
                    }
                    let kind = if is_admin {
                        "admin-equivalent"
                    } else {
                        "cross-account"
                    };
                    out.push(
                        Finding::new(
                            Self::DOC.id,
                            Self::DOC.severity,
                            p_arn,
                            &acct.id,
                            &format!("{target}|{}", c.id),
                            format!(
                                "{p_arn} can take over the {kind} role {target}: it can {} ({}, pathfinding.cloud {})",
                                c.what,
                                c.actions.join(" + "),
                                c.id
                            ),
                        )
                        .with("target", target)
                        .with("actions", c.actions)
                        .with("edgeType", c.id),
                    );
                }
                out
            };
            keyed.par_iter().flat_map_iter(findings_of).collect::<Vec<Finding>>()
            })
            .collect();
        out.extend(per_account.into_iter().flatten());
    }
}

/// (role, admin?, cross-account?, services its trust policy admits)
type Target<'s> = (&'s trustgate_model::Role, bool, bool, Vec<&'static str>);

/// The escalations open to one caller: (target index, check index) pairs.
fn escalations(
    caller: &trustgate_access::Prepared<'_>,
    account_id: &str,
    targets: &[Target<'_>],
) -> Vec<(usize, usize)> {
    let allowed = |action: &str, resource: &str| caller.may(action, resource);
    // Cheap pre-checks, per edge type: do its policies name the first action at all, and
    // allow it on some role of the account?
    let possible: Vec<bool> = CHECKS
        .iter()
        .map(|c| {
            let first = c.actions[0].to_ascii_lowercase();
            caller.may_name_any(&[first.as_str()])
                && (allowed(c.actions[0], "*")
                    || allowed(c.actions[0], &format!("arn:aws:iam::{account_id}:role/x")))
        })
        .collect();
    let mut out = Vec::new();
    if !possible.iter().any(|p| *p) {
        return out;
    }
    for (t, (role, is_admin, is_cross, services)) in targets.iter().enumerate() {
        let target = role.arn.as_str();
        for (ci, c) in CHECKS.iter().enumerate() {
            if !possible[ci] || !((c.for_admin && *is_admin) || (c.for_cross && *is_cross)) {
                continue;
            }
            if c.service.is_some_and(|svc| !services.contains(&svc)) {
                continue; // the service could not assume it
            }
            let ok = c.actions.iter().all(|a| {
                let resource = if a.starts_with("iam:") { target } else { "*" };
                allowed(a, resource)
            });
            if ok {
                out.push((t, ci));
            }
        }
    }
    out
}
