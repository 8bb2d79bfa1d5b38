//! Principals that get the same answers. Large organizations hold thousands of principals
//! whose policies differ only in statements that do not matter to the question asked (an
//! inline policy for their own log group, a tag-scoped S3 prefix). For a given set of
//! actions, principals of one account and kind whose statements that can apply to those
//! actions are the same, and none of which looks at who the principal is, get the same
//! decision for every resource: decide once per group.

use std::hash::{Hash, Hasher};

use trustgate_model::{PrincipalRef, Snapshot};
use trustgate_policy::{Labeled, PolicySource};

use crate::permissions::statement_depends_on_principal;
use crate::sources::PrincipalPolicies;

/// The key of `p`'s group for questions about `actions_lower` (lower-case actions), or
/// `None` when its answers may be its own: a policy that cannot be read, or a statement for
/// those actions (its own, its boundary's or an SCP's) that depends on who the principal is.
pub fn decision_key(
    snap: &Snapshot,
    p: PrincipalRef,
    own: &PrincipalPolicies<'_>,
    actions_lower: &[&str],
) -> Option<u64> {
    let account = match p {
        PrincipalRef::Role { account, .. }
        | PrincipalRef::User { account, .. }
        | PrincipalRef::Group { account, .. } => account,
    };
    let applies = |st: &trustgate_policy::Statement| {
        actions_lower
            .iter()
            .any(|a| trustgate_policy::eval::statement_action_matches(st, a))
    };
    // SCPs are the same for the whole account, but may except principals by ARN or tag.
    if let Some(levels) = snap.scps_for(&snap.accounts[account].id) {
        let per_principal = levels
            .iter()
            .flat_map(|l| l.policies.iter())
            .flat_map(|p| p.document.statements.iter())
            .any(|st| statement_depends_on_principal(st) && applies(st));
        if per_principal {
            return None;
        }
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    account.hash(&mut h);
    matches!(p, PrincipalRef::User { .. }).hash(&mut h);
    own.boundary.is_some().hash(&mut h);
    actions_lower.hash(&mut h);
    let mut relevant = |policies: &mut dyn Iterator<Item = &Labeled<'_>>| -> Option<()> {
        // Statement content, not identity: the same statement in two inline policies counts
        // as one. (Debug text is the content; the policy AST has no Hash.)
        let mut statements = Vec::new();
        for l in policies {
            let PolicySource::Known(doc) = &l.source else {
                return None;
            };
            for st in doc.statements.iter().filter(|st| applies(st)) {
                if statement_depends_on_principal(st) {
                    return None;
                }
                statements.push(format!("{st:?}"));
            }
        }
        statements.sort_unstable();
        statements.hash(&mut h);
        Some(())
    };
    relevant(&mut own.identity.iter())?;
    relevant(&mut own.boundary.iter())?;
    Some(h.finish())
}
