//! Every principal of the snapshot prepared once for many questions: its caller-side policy
//! set (identity, boundary, SCPs), its known context and its parsed identity. Graph building,
//! permission summaries and escalation checks ask millions of questions; preparing each
//! principal once keeps that work per question small.

use rayon::prelude::*;
use trustgate_model::{PrincipalRef, Snapshot};
use trustgate_policy::{
    decide_split, Context, DecisionKind, Expr, Labeled, PolicySet, PrincipalId, Request,
};

use crate::sources::{caller_context, caller_set};

thread_local! {
    /// The request [`Prepared::decide`] fills in for each question, one per thread: a fresh
    /// request per decision allocated a dozen strings, for millions of decisions in a scan.
    static SCRATCH: std::cell::RefCell<Option<Request>> = const { std::cell::RefCell::new(None) };
}

/// One principal, ready to ask questions about.
pub struct Prepared<'s> {
    pub principal: PrincipalRef,
    pub arn: &'s str,
    pub set: PolicySet<'s>,
    snap: &'s Snapshot,
    /// Built on first use (see [`Prepared::context`]).
    context: std::sync::OnceLock<Context>,
    id: PrincipalId,
}

impl<'s> Prepared<'s> {
    pub fn new(snap: &'s Snapshot, p: PrincipalRef) -> Option<Prepared<'s>> {
        Self::with_scps(snap, p, None)
    }

    /// [`Prepared::new`] with the SCP levels of the principal's account already built
    /// (shared by every principal of the account).
    fn with_scps(
        snap: &'s Snapshot,
        p: PrincipalRef,
        scps: Option<&Option<std::sync::Arc<[Vec<trustgate_policy::Labeled<'s>>]>>>,
    ) -> Option<Prepared<'s>> {
        let arn: &'s str = match p {
            PrincipalRef::Role { account, index } => &snap.accounts[account].roles[index].arn,
            PrincipalRef::User { account, index } => &snap.accounts[account].users[index].arn,
            PrincipalRef::Group { .. } => return None,
        };
        let id = PrincipalId::parse(arn).ok()?;
        Some(Prepared {
            principal: p,
            arn,
            set: match scps {
                Some(levels) => crate::sources::caller_set_with_scps(snap, p, levels.clone()),
                None => caller_set(snap, p),
            },
            snap,
            context: std::sync::OnceLock::new(),
            id,
        })
    }

    /// The request context the snapshot knows for this caller, with the keys AWS sets for
    /// every request of it filled in once, so that each request shares it instead of copying
    /// it to add them. Built on first use: most principals are decided through another member
    /// of their group (see [`crate::groups`]) and never need their own.
    pub fn context(&self) -> &Context {
        self.context.get_or_init(|| {
            Request::for_principal(
                self.id.clone(),
                self.arn,
                "sts:GetCallerIdentity",
                "*",
                None,
                caller_context(self.snap, self.principal),
            )
            .context
        })
    }

    /// A request by this principal.
    pub fn request(&self, action: &str, resource: &str, resource_account: Option<&str>) -> Request {
        let mut req = Request::for_principal(
            self.id.clone(),
            self.arn,
            action,
            resource,
            resource_account,
            self.context().clone(),
        );
        req.has_permission_boundary = self.set.permission_boundary.is_some();
        req
    }

    /// Decides a request by this principal against a target's resource policy and RCPs.
    pub fn decide(
        &self,
        action: &str,
        resource: &str,
        resource_account: Option<&str>,
        resource_policy: Option<&Labeled<'_>>,
        rcps: Option<&[Vec<Labeled<'_>>]>,
    ) -> (DecisionKind, Expr) {
        SCRATCH.with(|scratch| {
            // Not re-entered: deciding never calls back into a prepared principal.
            let mut scratch = scratch.borrow_mut();
            let req = match scratch.as_mut() {
                Some(req) => {
                    req.reuse_for_principal(
                        &self.id,
                        self.arn,
                        action,
                        resource,
                        resource_account,
                        self.context(),
                    );
                    req.has_permission_boundary = self.set.permission_boundary.is_some();
                    req
                }
                None => scratch.insert(self.request(action, resource, resource_account)),
            };
            decide_split(req, &self.set, resource_policy, rcps)
        })
    }

    /// A cheap filter before asking the engine: whether any of its identity-based policies
    /// has an Allow statement covering one of the (lower-case) actions, on any resource and
    /// under any condition. Unknown policies count as covering everything.
    pub fn may_name_any(&self, actions_lower: &[&str]) -> bool {
        self.set.identity.iter().any(|l| match &l.source {
            trustgate_policy::PolicySource::Known(doc) => doc.statements.iter().any(|st| {
                st.effect == trustgate_policy::Effect::Allow
                    && actions_lower
                        .iter()
                        .any(|a| trustgate_policy::eval::statement_action_matches(st, a))
            }),
            trustgate_policy::PolicySource::Unknown => true,
        })
    }

    /// A cheap necessary condition: whether some Allow statement of its identity-based
    /// policies covers the (lower-case) action on the resource, ignoring conditions (and
    /// treating policy variables as matching). When false, no decision that needs the
    /// caller's identity policies can allow. Unknown policies count as covering everything.
    pub fn identity_may_cover(&self, action_lower: &str, resource: &str) -> bool {
        use trustgate_policy::pattern::arn_matches;
        self.set.identity_unknown
            || self.set.identity.iter().any(|l| match &l.source {
                trustgate_policy::PolicySource::Known(doc) => doc.statements.iter().any(|st| {
                    st.effect == trustgate_policy::Effect::Allow
                        && trustgate_policy::eval::statement_action_matches(st, action_lower)
                        && st.resource.as_ref().is_none_or(|r| {
                            let hit = r
                                .resources
                                .iter()
                                .any(|p| p.contains("${") || arn_matches(p, resource));
                            hit != r.negated || r.resources.iter().any(|p| p.contains("${"))
                        })
                }),
                trustgate_policy::PolicySource::Unknown => true,
            })
    }

    /// Whether its own policies (with boundary and SCPs) may allow the action on the resource,
    /// no resource policy involved.
    pub fn may(&self, action: &str, resource: &str) -> bool {
        self.decide(action, resource, None, None, None)
            .0
            .is_possible()
    }
}

/// Every role and user of a snapshot, prepared (in parallel, principal by principal: one
/// large account is shared between the cores too).
pub struct PreparedPrincipals<'s> {
    /// Every role in account order; `role_base[a]..role_base[a + 1]` are account `a`'s.
    roles: Vec<Option<Prepared<'s>>>,
    role_base: Vec<usize>,
    users: Vec<Option<Prepared<'s>>>,
    user_base: Vec<usize>,
}

impl<'s> PreparedPrincipals<'s> {
    pub fn new(snap: &'s Snapshot) -> Self {
        let scps: Vec<_> = (0..snap.accounts.len())
            .into_par_iter()
            .map(|ai| crate::sources::account_scps(snap, ai).map(Into::into))
            .collect();
        let prepare = |refs: Vec<PrincipalRef>| -> Vec<Option<Prepared<'s>>> {
            refs.into_par_iter()
                .with_min_len(64)
                .map(|p| Prepared::with_scps(snap, p, Some(&scps[p.account_index()])))
                .collect()
        };
        PreparedPrincipals {
            roles: prepare(snap.role_refs()),
            role_base: snap.role_offsets(),
            users: prepare(snap.user_refs()),
            user_base: snap.user_offsets(),
        }
    }

    pub fn get(&self, p: PrincipalRef) -> Option<&Prepared<'s>> {
        let (list, bases, account, index) = match p {
            PrincipalRef::Role { account, index } => (&self.roles, &self.role_base, account, index),
            PrincipalRef::User { account, index } => (&self.users, &self.user_base, account, index),
            PrincipalRef::Group { .. } => return None,
        };
        let (start, end) = (*bases.get(account)?, *bases.get(account + 1)?);
        if start + index >= end {
            return None;
        }
        list[start + index].as_ref()
    }
}
