//! Evaluating one policy document against a request: which statements apply, and how.

use serde::Serialize;

use crate::arn::{Arn, PrincipalId};
use crate::ast::{
    Effect, Policy, Principal, PrincipalClause, PrincipalKind, ResourceClause, Statement,
};
use crate::compiled::{account_grant, ActionKey, ResourceKey};
use crate::condition::evaluate_condition;
use crate::context::Request;
use crate::pattern::arn_matches;
use crate::residual::{Atom, Expr};
use crate::variables::{substitute, Substituted};

/// How a resource-based policy statement names the caller. It decides which other
/// policies must also allow (see the evaluation logic in [`crate::authorize`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grant {
    /// The caller's account (`arn:aws:iam::ID:root` or a bare ID): defers to the caller's
    /// identity-based policies.
    Account,
    /// The caller's role ARN: grants without an identity policy in the same account, but a
    /// permissions boundary or session policy of the session still limits it.
    Role,
    /// The caller itself: an IAM user ARN, a role session ARN, a service, a federated
    /// provider, or everyone (`*`). Stands on its own within the account.
    Direct,
}

/// Whether the policy is attached to the caller (identity-like: principal implied) or to
/// the resource (resource-based: `Principal` decides who).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyRole {
    IdentityLike,
    ResourceBased,
}

/// One statement that matched the action and principal, with the condition under which it
/// applies (`False` when its conditions or resource rule it out — kept for explanations).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatementHit {
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub grant: Option<Grant>,
    #[serde(skip)]
    pub applies: Expr,
    /// Why it does not apply, when it does not.
    pub not_applied_because: Option<String>,
}

/// The result of evaluating one policy.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyResult {
    /// When an Allow statement applies (any grant kind for identity-like policies; the
    /// `Direct` grant for resource-based ones).
    pub allow: Expr,
    /// Resource-based only: when the caller's role ARN is granted.
    pub allow_role: Expr,
    /// Resource-based only: when the caller's account is granted.
    pub allow_account: Expr,
    /// When a Deny statement applies.
    pub deny: Expr,
    /// Statements that matched action and principal (only collected when explaining).
    pub hits: Vec<StatementHit>,
}

impl PolicyResult {
    /// Allow by any grant.
    pub fn allow_any(&self) -> Expr {
        Expr::any([
            self.allow.clone(),
            self.allow_role.clone(),
            self.allow_account.clone(),
        ])
    }
}

/// A request made ready for matching: its action split into service and name, its resource
/// ARN into segments. Built once per decision and shared by every policy of it.
#[derive(Debug, Clone, Copy)]
pub struct Prepared<'r> {
    pub req: &'r Request,
    pub action: ActionKey<'r>,
    pub resource: ResourceKey<'r>,
}

impl<'r> Prepared<'r> {
    pub fn new(req: &'r Request) -> Prepared<'r> {
        Prepared {
            req,
            action: ActionKey::new(&req.action_lower),
            resource: ResourceKey::new(&req.resource),
        }
    }
}

/// Evaluates `policy` for `req`.
pub fn evaluate_policy(
    policy: &Policy,
    req: &Request,
    role: PolicyRole,
    explain: bool,
) -> PolicyResult {
    let mut hits = Vec::new();
    let s = evaluate_prepared(
        policy,
        &Prepared::new(req),
        role,
        explain.then_some(&mut hits),
        true,
    );
    PolicyResult {
        allow: s.allow,
        allow_role: s.allow_role,
        allow_account: s.allow_account,
        deny: s.deny,
        hits,
    }
}

/// What one policy says about a request: [`PolicyResult`] without the explanation.
#[derive(Debug)]
pub(crate) struct Slots {
    pub allow: Expr,
    pub allow_role: Expr,
    pub allow_account: Expr,
    pub deny: Expr,
}

impl Slots {
    /// The allow slots (direct, role, account); the deny slot is dropped.
    #[inline]
    pub fn into_allows(self) -> (Expr, Expr, Expr) {
        self.deny.discard();
        (self.allow, self.allow_role, self.allow_account)
    }

    /// The direct allow slot alone (identity-like policies only fill that one).
    #[inline]
    pub fn into_allow(self) -> Expr {
        self.deny.discard();
        self.allow_role.discard();
        self.allow_account.discard();
        self.allow
    }
}

/// The evaluation of one policy. With `hits`, every statement that matched action and
/// principal is recorded (explanations), and every statement is evaluated; without, an Allow
/// statement is skipped when its result can no longer change the outcome (its slot already
/// holds, or `want_allow` is false because some other layer already rules the request out).
pub(crate) fn evaluate_prepared(
    policy: &Policy,
    prep: &Prepared<'_>,
    role: PolicyRole,
    mut hits: Option<&mut Vec<StatementHit>>,
    want_allow: bool,
) -> Slots {
    let req = prep.req;
    let vars = policy.version.supports_variables();
    let explain = hits.is_some();
    // Folded as we go: with everything known these stay constants and nothing allocates.
    let mut out = Slots {
        allow: Expr::False,
        allow_role: Expr::False,
        allow_account: Expr::False,
        deny: Expr::False,
    };

    for (index, st) in policy.statements.iter().enumerate() {
        if !explain && st.effect == Effect::Allow && !want_allow {
            continue;
        }
        if !st.action.matches(&prep.action) {
            continue;
        }
        let grant = match role {
            PolicyRole::IdentityLike => Some(Grant::Direct),
            PolicyRole::ResourceBased => match &st.principal {
                Some(clause) => principal_clause_grant(clause, req, st.effect),
                // A resource policy statement without Principal is invalid; it names nobody.
                None => None,
            },
        };
        let Some(grant) = grant else { continue };
        let slot = match (st.effect, grant) {
            (Effect::Deny, _) => &mut out.deny,
            (Effect::Allow, Grant::Direct) => &mut out.allow,
            (Effect::Allow, Grant::Role) => &mut out.allow_role,
            (Effect::Allow, Grant::Account) => &mut out.allow_account,
        };
        if !explain && slot.is_true() {
            continue;
        }

        let resource = match &st.resource {
            Some(clause) => resource_clause_matches_prepared(clause, prep, vars),
            None => Expr::True,
        };
        let mut why_not = None;
        let applies = if resource.is_false() {
            why_not = explain.then(|| "the resource does not match".to_string());
            Expr::False
        } else {
            let mut acc = resource;
            for c in &st.conditions {
                let e = evaluate_condition(c, &req.context, vars);
                if e.is_false() {
                    if explain {
                        why_not = Some(format!("condition {} {} is not met", c.operator, c.key));
                    }
                    acc.discard();
                    acc = Expr::False;
                    break;
                }
                acc = acc.and(e);
            }
            acc
        };

        if let Some(hits) = hits.as_deref_mut() {
            hits.push(StatementHit {
                index,
                sid: st.sid.clone(),
                effect: st.effect,
                grant: (role == PolicyRole::ResourceBased).then_some(grant),
                applies: applies.clone(),
                not_applied_because: why_not,
            });
        }
        slot.or_assign(applies);
    }
    out
}

/// Whether the statement's Action/NotAction covers the (lower-cased) action.
pub fn statement_action_matches(st: &Statement, action_lower: &str) -> bool {
    st.action.matches(&ActionKey::new(action_lower))
}

/// Resource/NotResource against the request's resource, substituting policy variables.
pub fn resource_clause_matches(
    clause: &ResourceClause,
    resource: &str,
    req: &Request,
    vars: bool,
) -> Expr {
    let prep = Prepared {
        req,
        action: ActionKey::new(&req.action_lower),
        resource: ResourceKey::new(resource),
    };
    resource_clause_matches_prepared(clause, &prep, vars)
}

fn resource_clause_matches_prepared(
    clause: &ResourceClause,
    prep: &Prepared<'_>,
    vars: bool,
) -> Expr {
    let resource = prep.resource.text;
    let mut residuals = Vec::new();
    let mut matched = false;
    for (pattern, compiled) in clause.resources.iter().zip(clause.compiled.as_slice()) {
        let m = if vars && compiled.has_variable {
            match substitute(pattern, &prep.req.context) {
                Substituted::Unchanged(p) => arn_matches(p, resource),
                Substituted::Value(p) => arn_matches(&p, resource),
                Substituted::Missing => false,
                Substituted::Unknown(_) => {
                    residuals.push(Expr::atom(Atom::Resource {
                        pattern: pattern.clone(),
                        resource: resource.to_string(),
                    }));
                    false
                }
            }
        } else {
            compiled.matcher.matches(pattern, &prep.resource)
        };
        if m {
            matched = true;
            break;
        }
    }
    let positive = if matched {
        Expr::True
    } else if residuals.is_empty() {
        Expr::False
    } else {
        Expr::any(residuals)
    };
    if clause.negated {
        positive.not()
    } else {
        positive
    }
}

/// How (if at all) a Principal/NotPrincipal clause names the caller.
fn principal_clause_grant(
    clause: &PrincipalClause,
    req: &Request,
    effect: Effect,
) -> Option<Grant> {
    if !clause.negated {
        let mut best = None;
        for (m, p) in clause.matchers.as_slice().iter().zip(&clause.principals) {
            match m.grant(p, &req.principal) {
                // The strongest grant: nothing can do better.
                Some(Grant::Direct) => return Some(Grant::Direct),
                g => best = best.max(g),
            }
        }
        return best;
    }
    // NotPrincipal: the statement applies to everyone the list does not exclude. AWS
    // always applies a Deny with NotPrincipal to callers that have a permissions boundary.
    if effect == Effect::Deny && req.has_permission_boundary {
        return Some(Grant::Direct);
    }
    if not_principal_excludes(clause, &req.principal) {
        None
    } else {
        Some(Grant::Direct)
    }
}

/// Whether a NotPrincipal list exempts the caller: it must name the caller itself and, for
/// principals inside an account, that account too (AWS evaluates both).
fn not_principal_excludes(clause: &PrincipalClause, caller: &PrincipalId) -> bool {
    let grants = || {
        clause
            .matchers
            .as_slice()
            .iter()
            .zip(&clause.principals)
            .map(|(m, p)| m.grant(p, caller))
    };
    let direct = grants().any(|g| matches!(g, Some(Grant::Direct | Grant::Role)));
    match caller {
        PrincipalId::Root { .. } => grants().any(|g| g.is_some()),
        PrincipalId::User { .. }
        | PrincipalId::RoleSession { .. }
        | PrincipalId::FederatedUser { .. } => {
            direct && grants().any(|g| g == Some(Grant::Account))
        }
        _ => direct,
    }
}

/// How one Principal entry names the caller, if it does. (The straightforward form: the
/// evaluator uses the entries compiled at parse time,
/// [`crate::compiled::PrincipalMatcher`], which agree.)
pub fn principal_grant(p: &Principal, caller: &PrincipalId) -> Option<Grant> {
    if p.is_wildcard() {
        return Some(Grant::Direct);
    }
    match p.kind {
        PrincipalKind::Everyone => Some(Grant::Direct),
        PrincipalKind::Service => match caller {
            PrincipalId::Service { name } if name.eq_ignore_ascii_case(&p.value) => {
                Some(Grant::Direct)
            }
            _ => None,
        },
        PrincipalKind::Federated => match caller {
            PrincipalId::Federated { provider } if *provider == p.value => Some(Grant::Direct),
            _ => None,
        },
        PrincipalKind::CanonicalUser => None,
        PrincipalKind::Aws => aws_principal_grant(&p.value, caller),
    }
}

fn aws_principal_grant(value: &str, caller: &PrincipalId) -> Option<Grant> {
    if crate::ast::is_account_id(value) {
        return account_grant(value, caller);
    }
    let arn = Arn::parse(value)?;
    match (arn.service, caller) {
        ("iam", _) if arn.resource == "root" => account_grant(arn.account, caller),
        ("iam", PrincipalId::User { arn: user_arn, .. }) if arn.resource.starts_with("user/") => {
            (user_arn == value).then_some(Grant::Direct)
        }
        (
            "iam",
            PrincipalId::RoleSession {
                account, role_name, ..
            },
        ) if arn.resource.starts_with("role/") => {
            let name = arn.resource.rsplit('/').next().unwrap_or_default();
            (arn.account == account && name == role_name).then_some(Grant::Role)
        }
        (
            "sts",
            PrincipalId::RoleSession {
                account,
                role_name,
                session: Some(session),
                ..
            },
        ) => {
            let rest = arn.resource.strip_prefix("assumed-role/")?;
            let (r, s) = rest.split_once('/')?;
            (arn.account == account && r == role_name && s == session).then_some(Grant::Direct)
        }
        ("sts", PrincipalId::FederatedUser { arn: fed_arn, .. }) => {
            (fed_arn == value).then_some(Grant::Direct)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Context;
    use crate::parse::parse_policy;

    fn req(principal: &str, action: &str, resource: &str) -> Request {
        Request::new(principal, action, resource, None, Context::new()).unwrap()
    }

    #[test]
    fn principal_grants() {
        let role = PrincipalId::parse("arn:aws:iam::111111111111:role/path/ci").unwrap();
        let p = |v: &str| Principal {
            kind: PrincipalKind::Aws,
            value: v.into(),
        };
        assert_eq!(
            principal_grant(&p("111111111111"), &role),
            Some(Grant::Account)
        );
        assert_eq!(
            principal_grant(&p("arn:aws:iam::111111111111:root"), &role),
            Some(Grant::Account)
        );
        assert_eq!(
            principal_grant(&p("arn:aws:iam::111111111111:role/path/ci"), &role),
            Some(Grant::Role)
        );
        assert_eq!(
            principal_grant(&p("arn:aws:iam::222222222222:root"), &role),
            None
        );
        assert_eq!(principal_grant(&p("AROAEXAMPLEID"), &role), None);
        let session =
            PrincipalId::parse("arn:aws:sts::111111111111:assumed-role/ci/build-7").unwrap();
        assert_eq!(
            principal_grant(
                &p("arn:aws:sts::111111111111:assumed-role/ci/build-7"),
                &session
            ),
            Some(Grant::Direct)
        );
        assert_eq!(
            principal_grant(&p("arn:aws:iam::111111111111:role/ci"), &session),
            Some(Grant::Role),
            "a role ARN matches its sessions"
        );
    }

    #[test]
    fn resource_and_notresource() {
        let pol = parse_policy(
            r#"{"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"},
              {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}"#,
        )
        .unwrap();
        let r = req(
            "arn:aws:iam::1:user/alice",
            "s3:GetObject",
            "arn:aws:s3:::secret/x",
        );
        let res = evaluate_policy(&pol, &r, PolicyRole::IdentityLike, false);
        assert!(res.allow.is_false());
        let r = req(
            "arn:aws:iam::1:user/alice",
            "s3:GetObject",
            "arn:aws:s3:::home/alice/x",
        );
        assert!(evaluate_policy(&pol, &r, PolicyRole::IdentityLike, false)
            .allow
            .is_true());
        let home = parse_policy(
            r#"{"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}"#,
        )
        .unwrap();
        let r = req(
            "arn:aws:iam::1:user/alice",
            "S3:GETOBJECT",
            "arn:aws:s3:::home/alice/x",
        );
        assert!(evaluate_policy(&home, &r, PolicyRole::IdentityLike, false)
            .allow
            .is_true());
        let r = req(
            "arn:aws:iam::1:user/bob",
            "S3:GETOBJECT",
            "arn:aws:s3:::home/alice/x",
        );
        assert!(
            evaluate_policy(&home, &r, PolicyRole::IdentityLike, false)
                .allow
                .is_false(),
            "actions are case-insensitive, the variable is bob"
        );
    }

    #[test]
    fn not_principal_needs_account_too() {
        let pol = parse_policy(
            r#"{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":[
               "arn:aws:iam::111111111111:user/admin","arn:aws:iam::111111111111:root"]},
               "Action":"s3:*","Resource":"*"}]}"#,
        )
        .unwrap();
        let admin = req(
            "arn:aws:iam::111111111111:user/admin",
            "s3:GetObject",
            "arn:aws:s3:::b",
        );
        assert!(
            evaluate_policy(&pol, &admin, PolicyRole::ResourceBased, false)
                .deny
                .is_false()
        );
        let other = req(
            "arn:aws:iam::111111111111:user/eve",
            "s3:GetObject",
            "arn:aws:s3:::b",
        );
        assert!(
            evaluate_policy(&pol, &other, PolicyRole::ResourceBased, false)
                .deny
                .is_true()
        );
        let mut bounded = admin.clone();
        bounded.has_permission_boundary = true;
        assert!(
            evaluate_policy(&pol, &bounded, PolicyRole::ResourceBased, false)
                .deny
                .is_true(),
            "Deny+NotPrincipal always applies to callers with a boundary"
        );
    }
}
