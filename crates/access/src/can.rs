//! `can(principal, action, resource)`: the decision for a principal of the snapshot, with
//! every policy the snapshot provides — identity (own, groups', managed), boundary, SCPs of
//! its account's OU path, RCPs and the resource or trust policy of the target.

use std::borrow::Cow;

use trustgate_model::{PrincipalRef, Snapshot};
use trustgate_policy::{authorize, Context, ContextValue, Decision, Labeled, PolicySet, Request};

use crate::sources::{caller_context, caller_set, org_levels};

/// One question.
#[derive(Debug, Clone)]
pub struct CanQuery {
    pub principal: String,
    pub action: String,
    pub resource: String,
    /// Context values the user knows (everything else is unknown, except what the snapshot
    /// knows about the caller).
    pub context: Vec<(String, ContextValue)>,
}

/// The resource-based policy for a target, from the snapshot: the trust policy of a role for
/// `sts:` actions on it, else the resource policy of the ARN (for S3 objects, the bucket's).
pub fn resource_policy_for<'s>(
    snap: &'s Snapshot,
    action_lower: &str,
    resource: &str,
) -> Option<Labeled<'s>> {
    if action_lower.starts_with("sts:") {
        if let Some(r) = snap.principal(resource) {
            if let Some((_, role)) = snap.role(r) {
                return Some(Labeled::new(
                    Cow::Owned(format!("trust policy of {}", role.arn)),
                    &role.trust_policy,
                ));
            }
        }
    }
    let found = snap.resources.iter().find(|r| {
        r.arn == resource
            || (r.arn.starts_with("arn:aws:s3:::") && resource.starts_with(&format!("{}/", r.arn)))
    })?;
    Some(Labeled::new(
        Cow::Owned(format!("resource policy of {}", found.arn)),
        &found.policy,
    ))
}

/// Decides a query against the snapshot. Errors describe bad input (unknown principal form).
pub fn can(
    snap: &Snapshot,
    q: &CanQuery,
    explain: bool,
) -> Result<(Decision, Vec<String>), String> {
    let mut notes = Vec::new();
    let known = snap.principal(&q.principal);
    if let Some(PrincipalRef::Group { .. }) = known {
        return Err(format!(
            "{} is a group: groups cannot make requests; ask for one of its users",
            q.principal
        ));
    }
    let mut ctx = match known {
        Some(p) => caller_context(snap, p),
        None => Context::partial(),
    };
    for (k, v) in &q.context {
        ctx.insert(k, v.clone());
    }
    let principal_text = q.principal.as_str();
    let mut req = Request::new(principal_text, &q.action, &q.resource, None, ctx)?;

    let mut set: PolicySet = match known {
        Some(p) => caller_set(snap, p),
        None => {
            if req.principal.has_identity_policies() {
                notes.push(format!(
                    "{} is not in the snapshot: its identity-based policies are unknown and assumed to possibly allow",
                    q.principal
                ));
            }
            PolicySet {
                identity_unknown: req.principal.has_identity_policies(),
                ..Default::default()
            }
        }
    };
    req.has_permission_boundary = set.permission_boundary.is_some();

    let resource_account = req.resource_account.clone().unwrap_or_default();
    set.resource = resource_policy_for(snap, &req.action_lower, &q.resource);
    if set.resource.is_none() {
        let needed = trustgate_policy::resource_policy_required_for(&req) || !req.is_same_account();
        let resource_known = snap.account(&resource_account).is_some();
        if needed && (!resource_known || !trustgate_policy::resource_policy_required_for(&req)) {
            // Cross-account access to a resource whose policy the snapshot does not hold:
            // we cannot say it is denied.
            set.resource = Some(Labeled::unknown(Cow::Owned(format!(
                "resource policy of {}",
                q.resource
            ))));
            notes.push(format!(
                "the snapshot has no resource policy for {}: assumed to possibly allow",
                q.resource
            ));
        }
    }
    set.rcps = org_levels(snap.rcps_for(&resource_account), "RCP");
    Ok((authorize(&req, &set, explain), notes))
}
