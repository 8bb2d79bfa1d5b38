//! Which policies apply to a principal of the snapshot, labelled for explanations.

use std::borrow::Cow;

use trustgate_model::{Account, NamedPolicy, PolicyRef, PrincipalRef, Snapshot};
use trustgate_policy::{Context, ContextValue, Labeled, PolicySet};

/// A principal's own policies: identity-based (its own, and its groups' for users) and its
/// permissions boundary.
#[derive(Debug, Clone, Default)]
pub struct PrincipalPolicies<'s> {
    pub identity: Vec<Labeled<'s>>,
    pub boundary: Option<Labeled<'s>>,
}

fn push_inline<'s>(out: &mut Vec<Labeled<'s>>, owner: &str, policies: &'s [NamedPolicy]) {
    for p in policies {
        out.push(Labeled::new(
            Cow::Owned(format!("{owner} inline policy {}", p.name)),
            &p.document,
        ));
    }
}

/// A managed policy reference as a labelled source (unknown when absent from the snapshot).
pub fn managed_source(r: &PolicyRef) -> Labeled<'_> {
    match r {
        PolicyRef::Known(p) => Labeled::new(Cow::Borrowed(p.arn.as_str()), &p.document),
        PolicyRef::Unknown { arn } => Labeled::unknown(Cow::Borrowed(arn.as_str())),
    }
}

/// The identity-based policies and boundary of a user or role.
pub fn principal_policies(snap: &Snapshot, p: PrincipalRef) -> PrincipalPolicies<'_> {
    let mut out = PrincipalPolicies::default();
    match p {
        PrincipalRef::Role { account, index } => {
            let role = &snap.accounts[account].roles[index];
            push_inline(
                &mut out.identity,
                &format!("role {}", role.name),
                &role.inline_policies,
            );
            out.identity
                .extend(role.attached_policies.iter().map(managed_source));
            out.boundary = role.permission_boundary.as_ref().map(managed_source);
        }
        PrincipalRef::User { account, index } => {
            let acct: &Account = &snap.accounts[account];
            let user = &acct.users[index];
            push_inline(
                &mut out.identity,
                &format!("user {}", user.name),
                &user.inline_policies,
            );
            out.identity
                .extend(user.attached_policies.iter().map(managed_source));
            for g in &user.groups {
                if let Some(group) = acct.group(g) {
                    push_inline(
                        &mut out.identity,
                        &format!("group {}", group.name),
                        &group.inline_policies,
                    );
                    out.identity
                        .extend(group.attached_policies.iter().map(managed_source));
                }
            }
            out.boundary = user.permission_boundary.as_ref().map(managed_source);
        }
        PrincipalRef::Group { account, index } => {
            let group = &snap.accounts[account].groups[index];
            push_inline(
                &mut out.identity,
                &format!("group {}", group.name),
                &group.inline_policies,
            );
            out.identity
                .extend(group.attached_policies.iter().map(managed_source));
        }
    }
    out
}

/// Organization policy levels as labelled sources.
pub fn org_levels<'s>(
    levels: Option<Vec<trustgate_model::PolicyLevel<'s>>>,
    _kind: &str,
) -> Option<Vec<Vec<Labeled<'s>>>> {
    levels.map(|levels| {
        levels
            .into_iter()
            .map(|level| {
                level
                    .policies
                    .into_iter()
                    .zip(level.labels)
                    .map(|(p, label)| Labeled::new(Cow::Borrowed(label), &p.document))
                    .collect()
            })
            .collect()
    })
}

/// A policy set with the caller's side filled in (identity, boundary, SCPs).
pub fn caller_set<'s>(snap: &'s Snapshot, p: PrincipalRef) -> PolicySet<'s> {
    let account = match p {
        PrincipalRef::Role { account, .. }
        | PrincipalRef::User { account, .. }
        | PrincipalRef::Group { account, .. } => account,
    };
    caller_set_with_scps(snap, p, account_scps(snap, account).map(Into::into))
}

/// The SCP levels that apply to principals of an account (by index), as the engine takes them.
pub fn account_scps(snap: &Snapshot, account: usize) -> Option<Vec<Vec<Labeled<'_>>>> {
    org_levels(snap.scps_for(&snap.accounts[account].id), "SCP")
}

/// [`caller_set`] with the account's SCP levels already built.
pub fn caller_set_with_scps<'s>(
    snap: &'s Snapshot,
    p: PrincipalRef,
    scps: Option<std::sync::Arc<[Vec<Labeled<'s>>]>>,
) -> PolicySet<'s> {
    let own = principal_policies(snap, p);
    PolicySet {
        identity: own.identity,
        permission_boundary: own.boundary,
        scps,
        ..Default::default()
    }
}

/// The request context the snapshot knows for a caller: its tags (every other
/// `aws:PrincipalTag/…` is then known to be absent), organization, exact ARN and IDs.
/// Everything else stays unknown (partial evaluation).
pub fn caller_context(snap: &Snapshot, p: PrincipalRef) -> Context {
    let mut ctx = Context::partial();
    let (account, arn, tags, user_id): (&str, &str, Option<&trustgate_model::Tags>, Option<&str>) =
        match p {
            PrincipalRef::Role { account, index } => {
                let r = &snap.accounts[account].roles[index];
                (&snap.accounts[account].id, &r.arn, Some(&r.tags), None)
            }
            PrincipalRef::User { account, index } => {
                let u = &snap.accounts[account].users[index];
                (
                    &snap.accounts[account].id,
                    &u.arn,
                    Some(&u.tags),
                    Some(u.user_id.as_str()),
                )
            }
            PrincipalRef::Group { account, index } => {
                let g = &snap.accounts[account].groups[index];
                (&snap.accounts[account].id, &g.arn, None, None)
            }
        };
    ctx.insert("aws:PrincipalArn", ContextValue::Single(arn.to_string()));
    if let Some(tags) = tags {
        for (k, v) in tags {
            ctx.insert(
                &format!("aws:PrincipalTag/{k}"),
                ContextValue::Single(v.clone()),
            );
        }
        ctx.mark_absent("aws:principaltag/*");
    }
    if let Some(uid) = user_id.filter(|u| !u.is_empty()) {
        ctx.insert("aws:userid", ContextValue::Single(uid.to_string()));
    }
    match snap.org_id() {
        Some(org) if snap.is_internal(account) => {
            ctx.insert("aws:PrincipalOrgID", ContextValue::Single(org.to_string()));
        }
        Some(_) => ctx.mark_absent("aws:principalorgid"),
        None => {}
    }
    ctx
}
