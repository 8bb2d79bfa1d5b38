//! Principals that get the same answers. Large organizations hold thousands of principals
//! whose policies differ only in statements that do not matter to the question asked (an
//! inline policy for their own log group, a tag-scoped S3 prefix). For a given set of
//! actions, principals of one account and kind whose statements that can apply to those
//! actions are the same, and none of which looks at who the principal is, get the same
//! decision for every resource: decide once per group.

use std::hash::{BuildHasher, Hash, Hasher};

use rayon::prelude::*;
use trustgate_model::{document_address, PrincipalRef, Snapshot};
use trustgate_policy::{Labeled, PolicySet, PolicySource, Statement};

use crate::permissions::statement_depends_on_principal;

/// Group keys for questions about a set of actions.
pub struct DecisionKeys {
    actions_lower: Vec<String>,
    /// Actions asked about the principal itself (can it rewrite its own policies?): a
    /// statement for one of them is the same for every principal only on `Resource: "*"`.
    about_self_lower: Vec<String>,
    /// Per account: an SCP statement for these actions depends on who the principal is.
    scps_per_principal: Vec<bool>,
    /// foldhash (seeded per run) rather than SipHash: every statement of every principal is
    /// hashed, and keys are only compared within one `DecisionKeys`.
    hasher: foldhash::quality::RandomState,
    /// Managed policies (attached to many principals) read once: by document address, the
    /// hashes of their statements for these actions, or None when one depends on who asks.
    managed: foldhash::HashMap<usize, Option<Vec<u64>>>,
}

impl DecisionKeys {
    /// For questions about `actions` (any case) on resources other than the principal.
    pub fn new(snap: &Snapshot, actions: &[&str]) -> DecisionKeys {
        Self::with_self(snap, actions, &[])
    }

    /// For questions about `actions` (any case), of which `about_self` are asked with the
    /// principal itself as the resource.
    pub fn with_self(snap: &Snapshot, actions: &[&str], about_self: &[&str]) -> DecisionKeys {
        let lower =
            |l: &[&str]| -> Vec<String> { l.iter().map(|a| a.to_ascii_lowercase()).collect() };
        let mut keys = DecisionKeys {
            actions_lower: lower(actions),
            about_self_lower: lower(about_self),
            scps_per_principal: Vec::new(),
            hasher: foldhash::quality::RandomState::default(),
            managed: Default::default(),
        };
        // SCPs are the same for the whole account, but may except principals by ARN or tag.
        keys.scps_per_principal = snap
            .accounts
            .par_iter()
            .map(|acct| {
                snap.scps_for(&acct.id).is_some_and(|levels| {
                    levels
                        .iter()
                        .flat_map(|l| l.policies.iter())
                        .flat_map(|p| p.document.statements.iter())
                        .any(|st| keys.applies(st) && keys.per_principal(st))
                })
            })
            .collect();
        // AWS-managed policies are shared between accounts: each once.
        let documents = trustgate_model::distinct_documents(
            snap.accounts
                .iter()
                .flat_map(|a| a.managed_policies.values())
                .map(|m| &*m.document),
        );
        keys.managed = documents
            .par_iter()
            .map(|d| (document_address(d), keys.statement_hashes(d)))
            .collect();
        keys
    }

    /// The hashes of a document's statements for these actions (None: one of them depends on
    /// who the principal is).
    fn statement_hashes(&self, doc: &trustgate_policy::Policy) -> Option<Vec<u64>> {
        let mut out = Vec::new();
        for st in doc.statements.iter().filter(|st| self.applies(st)) {
            if self.per_principal(st) {
                return None;
            }
            let mut sh = self.hasher.build_hasher();
            hash_statement(st, &mut sh);
            out.push(sh.finish());
        }
        Some(out)
    }

    fn applies(&self, st: &Statement) -> bool {
        self.actions_lower
            .iter()
            .chain(&self.about_self_lower)
            .any(|a| trustgate_policy::eval::statement_action_matches(st, a))
    }

    /// Whether a statement (that applies) can answer differently for different principals.
    fn per_principal(&self, st: &Statement) -> bool {
        statement_depends_on_principal(st)
            || (!on_any_resource(st)
                && self
                    .about_self_lower
                    .iter()
                    .any(|a| trustgate_policy::eval::statement_action_matches(st, a)))
    }

    /// The key of `p`'s group, or `None` when its answers may be its own: a policy that
    /// cannot be read, or a statement for these actions (its own, its boundary's or an SCP's)
    /// that depends on who the principal is.
    /// `set` is the principal's caller-side policy set (as prepared for it), whose identity
    /// policies and boundary are read.
    pub fn key(&self, p: PrincipalRef, set: &PolicySet<'_>) -> Option<u64> {
        let account = match p {
            PrincipalRef::Role { account, .. }
            | PrincipalRef::User { account, .. }
            | PrincipalRef::Group { account, .. } => account,
        };
        if self
            .scps_per_principal
            .get(account)
            .copied()
            .unwrap_or(true)
        {
            return None;
        }
        let mut h = self.hasher.build_hasher();
        account.hash(&mut h);
        matches!(p, PrincipalRef::User { .. }).hash(&mut h);
        set.permission_boundary.is_some().hash(&mut h);
        self.actions_lower.hash(&mut h);
        self.about_self_lower.hash(&mut h);
        // Statement content, not identity: the same statement in two inline policies counts
        // as one.
        let mut relevant = |policies: &mut dyn Iterator<Item = &Labeled<'_>>| -> Option<()> {
            let mut statements: Vec<u64> = Vec::new();
            for l in policies {
                let PolicySource::Known(doc) = &l.source else {
                    return None;
                };
                match self.managed.get(&document_address(doc)) {
                    Some(hashes) => statements.extend(hashes.as_deref()?),
                    None => statements.extend(self.statement_hashes(doc)?),
                }
            }
            statements.sort_unstable();
            statements.hash(&mut h);
            Some(())
        };
        relevant(&mut set.identity.iter())?;
        relevant(&mut set.permission_boundary.iter())?;
        Some(h.finish())
    }
}

/// What a statement says, for grouping (its Sid and the compiled forms left out: they do not
/// change what it allows).
fn hash_statement(st: &Statement, h: &mut impl Hasher) {
    matches!(st.effect, trustgate_policy::Effect::Allow).hash(h);
    st.action.negated.hash(h);
    st.action.actions.len().hash(h);
    for a in &st.action.actions {
        a.lower.hash(h);
    }
    match &st.resource {
        None => 0u8.hash(h),
        Some(r) => {
            1u8.hash(h);
            r.negated.hash(h);
            r.resources.hash(h);
        }
    }
    match &st.principal {
        None => 0u8.hash(h),
        Some(p) => {
            1u8.hash(h);
            p.negated.hash(h);
            p.principals.hash(h);
        }
    }
    st.conditions.len().hash(h);
    for c in &st.conditions {
        c.operator.hash(h);
        c.key_lower.hash(h);
        c.values.hash(h);
    }
}

/// `Resource: "*"` (or none): the statement cannot tell one resource from another.
fn on_any_resource(st: &Statement) -> bool {
    st.resource
        .as_ref()
        .is_none_or(|r| !r.negated && r.resources.iter().any(|x| x == "*"))
}
