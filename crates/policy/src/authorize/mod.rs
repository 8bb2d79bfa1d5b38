//! The layered decision AWS makes for a request, with its reasons.
//!
//! Follows AWS's documented policy evaluation logic:
//! 1. An explicit `Deny` in any applicable policy (SCP, RCP, resource-based, identity-based,
//!    permissions boundary, session policy) decides.
//! 2. SCPs (caller's account) and RCPs (resource's account): every level of the organization
//!    path, root to account, must have an `Allow`.
//! 3. Within one account, a resource-based policy that names the caller directly (user ARN,
//!    role session ARN, `*`, a service) allows on its own; one that names the role ARN allows
//!    without identity policy but stays limited by the permissions boundary and session
//!    policy; one that names the account defers to identity-based policies. For role trust
//!    policies (`sts:AssumeRole*`) and KMS key policies the resource policy is *required*.
//! 4. Across accounts, the caller's identity-based policy AND the resource-based policy must
//!    both allow.
//! 5. Permissions boundaries and session policies cap what identity-based policies grant.
//!
//! With unknown context keys the same logic is applied to residual expressions: the answer
//! is then `Conditional`, with the exact condition under which access is allowed.

use std::borrow::Cow;

use serde::Serialize;

use crate::arn::PrincipalId;
use crate::ast::{Effect, Policy};
use crate::context::Request;
use crate::eval::{
    evaluate_prepared, Grant, PolicyResult, PolicyRole, Prepared, Slots, StatementHit,
};
use crate::residual::{Atom, Expr, Literal};

/// A policy as it takes part in a decision: with a label for explanations, or unknown
/// (referenced but not available: treated as possibly allowing, never as denying).
#[derive(Debug, Clone, Copy)]
pub enum PolicySource<'a> {
    Known(&'a Policy),
    Unknown,
}

#[derive(Debug, Clone)]
pub struct Labeled<'a> {
    pub label: Cow<'a, str>,
    pub source: PolicySource<'a>,
}

impl<'a> Labeled<'a> {
    pub fn new(label: impl Into<Cow<'a, str>>, policy: &'a Policy) -> Self {
        Labeled {
            label: label.into(),
            source: PolicySource::Known(policy),
        }
    }
    pub fn unknown(label: impl Into<Cow<'a, str>>) -> Self {
        Labeled {
            label: label.into(),
            source: PolicySource::Unknown,
        }
    }
}

/// Every policy that applies to one request, by layer.
#[derive(Debug, Clone, Default)]
pub struct PolicySet<'a> {
    /// The caller's identity-based policies (inline, managed, group).
    pub identity: Vec<Labeled<'a>>,
    /// The resource-based policy of the target (role trust policy, bucket policy, key policy…).
    pub resource: Option<Labeled<'a>>,
    pub permission_boundary: Option<Labeled<'a>>,
    pub session_policy: Option<Labeled<'a>>,
    /// SCPs of the caller's account, one list per level from the root down; None when the
    /// account is not governed by SCPs (no organization, or the management account). Shared:
    /// every caller of an account holds the same levels.
    pub scps: Option<std::sync::Arc<[Vec<Labeled<'a>>]>>,
    /// RCPs of the resource's account, as above.
    pub rcps: Option<Vec<Vec<Labeled<'a>>>>,
    /// Whether the caller's identity-based policies are unknown (a principal in another
    /// snapshot or outside it): they are then assumed to possibly allow.
    pub identity_unknown: bool,
}

/// The layer a policy belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Layer {
    Scp,
    Rcp,
    Identity,
    Resource,
    PermissionBoundary,
    SessionPolicy,
}

impl Layer {
    pub fn describe(self) -> &'static str {
        match self {
            Layer::Scp => "service control policy",
            Layer::Rcp => "resource control policy",
            Layer::Identity => "identity-based policy",
            Layer::Resource => "resource-based policy",
            Layer::PermissionBoundary => "permissions boundary",
            Layer::SessionPolicy => "session policy",
        }
    }
}

/// The final answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DecisionKind {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
    /// Allowed only under residual conditions on unknown context keys.
    Conditional,
}

impl DecisionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Allow => "Allow",
            DecisionKind::ExplicitDeny => "ExplicitDeny",
            DecisionKind::ImplicitDeny => "ImplicitDeny",
            DecisionKind::Conditional => "Conditional",
        }
    }
    /// Allow or Conditional: access is possible.
    pub fn is_possible(self) -> bool {
        matches!(self, DecisionKind::Allow | DecisionKind::Conditional)
    }
}

/// One step of the explanation: a statement or a layer verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reason {
    pub layer: Layer,
    pub policy: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect: Option<Effect>,
    /// What this policy or statement contributed, in words.
    pub outcome: String,
}

/// A decision with its reasons.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub kind: DecisionKind,
    /// When access is allowed: `True` for Allow, `False` for denials, a residual otherwise.
    pub allowed_when: Expr,
    /// One sentence for people.
    pub summary: String,
    /// Statements and layer verdicts (filled when explaining).
    pub reasons: Vec<Reason>,
}

impl Decision {
    /// The residual condition as alternatives of literals (DNF), when small enough.
    pub fn conditions(&self) -> Option<Vec<Vec<Literal>>> {
        if self.kind == DecisionKind::Conditional {
            self.allowed_when.to_dnf(64)
        } else {
            Some(Vec::new())
        }
    }
}

/// Whether the action needs a role trust policy (the `sts:AssumeRole*` family and session
/// tagging) even within one account.
pub fn resource_policy_required(action_lower: &str) -> bool {
    action_lower.starts_with("sts:assumerole")
        || matches!(
            action_lower,
            "sts:tagsession" | "sts:setsourceidentity" | "sts:setcontext"
        )
}

/// Whether the request needs the resource-based policy even within one account: role trust
/// policies, and KMS key policies for requests on a key.
pub fn resource_policy_required_for(req: &Request) -> bool {
    resource_policy_required(&req.action_lower)
        || (req.action_lower.starts_with("kms:") && req.resource.contains(":key/"))
}

struct Evaluated<'a> {
    layer: Layer,
    label: &'a str,
    result: PolicyResult,
    unknown: bool,
}

/// One decision in progress: the request prepared for matching, the explicit denies found so
/// far, and (for `authorize`) every policy's result.
struct Run<'r, 's> {
    prep: Prepared<'r>,
    explain: bool,
    /// Every policy's result, in evaluation order (when someone will read it).
    all: Option<Vec<Evaluated<'s>>>,
    /// When some policy denies.
    deny: Expr,
    /// Only the decision is wanted (`decide`): statements that cannot change it are skipped,
    /// and an explicit deny ends the evaluation.
    lean: bool,
}

impl<'r, 's> Run<'r, 's> {
    /// Evaluates one policy; its denies are folded into `self.deny` (the returned deny slot is
    /// always `False`). `want_allow` false says its Allow statements cannot change the
    /// decision (lean runs only skip them).
    fn eval(
        &mut self,
        l: &'s Labeled<'_>,
        layer: Layer,
        role: PolicyRole,
        want_allow: bool,
    ) -> Slots {
        let want_allow = want_allow || !self.lean;
        let mut slots = match &l.source {
            PolicySource::Known(p) => match &mut self.all {
                Some(all) => {
                    let mut hits = Vec::new();
                    let s = evaluate_prepared(
                        p,
                        &self.prep,
                        role,
                        self.explain.then_some(&mut hits),
                        true,
                    );
                    all.push(Evaluated {
                        layer,
                        label: &l.label,
                        result: PolicyResult {
                            allow: s.allow.dup(),
                            allow_role: s.allow_role.dup(),
                            allow_account: s.allow_account.dup(),
                            deny: s.deny.dup(),
                            hits,
                        },
                        unknown: false,
                    });
                    s
                }
                None => evaluate_prepared(p, &self.prep, role, None, want_allow),
            },
            PolicySource::Unknown => {
                // An unknown policy never denies; what it allows is an assumption.
                let allow = if want_allow {
                    Expr::atom(Atom::Assumption {
                        description: format!(
                            "{} {} (not in the snapshot) allows",
                            layer.describe(),
                            l.label
                        ),
                    })
                } else {
                    Expr::False
                };
                if let Some(all) = &mut self.all {
                    all.push(Evaluated {
                        layer,
                        label: &l.label,
                        result: PolicyResult {
                            allow: allow.dup(),
                            allow_role: Expr::False,
                            allow_account: Expr::False,
                            deny: Expr::False,
                            hits: Vec::new(),
                        },
                        unknown: true,
                    });
                }
                Slots {
                    allow,
                    allow_role: Expr::False,
                    allow_account: Expr::False,
                    deny: Expr::False,
                }
            }
        };
        self.deny
            .or_assign(std::mem::replace(&mut slots.deny, Expr::False));
        slots
    }

    /// A lean run can stop: some policy explicitly denies.
    fn decided(&self) -> bool {
        self.lean && self.deny.is_true()
    }

    /// SCPs or RCPs: every level must allow (some policy of the level).
    fn gate_levels(&mut self, levels: &'s [Vec<Labeled<'_>>], layer: Layer, dead: bool) -> Expr {
        let mut gate = Expr::True;
        for level in levels {
            let mut allows = Expr::False;
            for l in level {
                let want = !dead && !gate.is_false() && !allows.is_true();
                let s = self.eval(l, layer, PolicyRole::IdentityLike, want);
                allows.or_assign(s.into_allow());
                if self.decided() {
                    return Expr::False;
                }
            }
            gate.and_assign(allows);
        }
        gate
    }
}

/// Decides `req` against `set`. With `explain`, every contributing statement is listed.
pub fn authorize(req: &Request, set: &PolicySet<'_>, explain: bool) -> Decision {
    let core = evaluate_layers(req, set, explain);
    let summary = summarize(SummaryInput {
        req,
        kind: core.kind,
        all: &core.all,
        scp_ok: &core.scp_ok,
        rcp_ok: &core.rcp_ok,
        identity: &core.identity,
        boundary_ok: &core.boundary_ok,
        session_ok: &core.session_ok,
        res_any: &core.res_any,
        res_account: &core.res_account,
        required: core.required,
        has_identity: core.has_identity,
        has_resource: core.has_resource,
        allowed_when: &core.allowed_when,
    });
    let reasons = if explain {
        collect_reasons(&core.all)
    } else {
        Vec::new()
    };
    Decision {
        kind: core.kind,
        allowed_when: core.allowed_when,
        summary,
        reasons,
    }
}

/// The decision alone (no summary, no reasons): the fast path for graph building.
pub fn decide(req: &Request, set: &PolicySet<'_>) -> (DecisionKind, Expr) {
    evaluate_layers_split(
        req,
        set,
        set.resource.as_ref(),
        set.rcps.as_deref(),
        false,
        false,
    )
    .into_decision()
}

impl Core<'_> {
    /// The decision alone; the rest is dropped (cheaply: mostly constants).
    fn into_decision(self) -> (DecisionKind, Expr) {
        self.scp_ok.discard();
        self.rcp_ok.discard();
        self.identity.discard();
        self.boundary_ok.discard();
        self.session_ok.discard();
        self.res_any.discard();
        self.res_account.discard();
        (self.kind, self.allowed_when)
    }
}

/// The explicit-deny answer of a lean run that stopped early.
fn explicit_deny<'s>() -> Core<'s> {
    Core {
        kind: DecisionKind::ExplicitDeny,
        allowed_when: Expr::False,
        all: Vec::new(),
        scp_ok: Expr::False,
        rcp_ok: Expr::False,
        identity: Expr::False,
        boundary_ok: Expr::False,
        session_ok: Expr::False,
        res_any: Expr::False,
        res_account: Expr::False,
        required: false,
        has_identity: false,
        has_resource: false,
    }
}

/// [`decide`] with the target's side given apart from the caller's: the caller's prepared
/// set (identity, boundary, SCPs) is reused across many targets without being cloned. The
/// `resource` and `rcps` given here replace those of `caller`.
pub fn decide_split(
    req: &Request,
    caller: &PolicySet<'_>,
    resource: Option<&Labeled<'_>>,
    rcps: Option<&[Vec<Labeled<'_>>]>,
) -> (DecisionKind, Expr) {
    evaluate_layers_split(req, caller, resource, rcps, false, false).into_decision()
}

struct Core<'a> {
    kind: DecisionKind,
    allowed_when: Expr,
    all: Vec<Evaluated<'a>>,
    scp_ok: Expr,
    rcp_ok: Expr,
    identity: Expr,
    boundary_ok: Expr,
    session_ok: Expr,
    res_any: Expr,
    res_account: Expr,
    required: bool,
    has_identity: bool,
    has_resource: bool,
}

fn evaluate_layers<'s>(req: &Request, set: &'s PolicySet<'_>, explain: bool) -> Core<'s> {
    evaluate_layers_split(
        req,
        set,
        set.resource.as_ref(),
        set.rcps.as_deref(),
        explain,
        true,
    )
}

/// Evaluates every layer. `keep_all` keeps every policy's result (for summaries and
/// explanations); without it and without `explain`, the run is lean: statements that cannot
/// change the decision are skipped and an explicit deny ends it (the other fields of the
/// returned [`Core`] are then only as exact as the decision needs).
fn evaluate_layers_split<'s>(
    req: &Request,
    set: &'s PolicySet<'_>,
    resource: Option<&'s Labeled<'_>>,
    rcps: Option<&'s [Vec<Labeled<'_>>]>,
    explain: bool,
    keep_all: bool,
) -> Core<'s> {
    let mut run = Run {
        prep: Prepared::new(req),
        explain,
        all: keep_all.then(Vec::new),
        deny: Expr::False,
        lean: !keep_all && !explain,
    };
    let is_root = matches!(req.principal, PrincipalId::Root { .. });
    let has_identity = req.principal.has_identity_policies() || is_root;

    // Organization guardrails: every level must allow.
    let scp_ok = match &set.scps {
        Some(levels) if applies_scps(&req.principal) => run.gate_levels(levels, Layer::Scp, false),
        _ => Expr::True,
    };
    if run.decided() {
        return explicit_deny();
    }
    let rcp_ok = match rcps {
        Some(levels) => run.gate_levels(levels, Layer::Rcp, scp_ok.is_false()),
        None => Expr::True,
    };
    if run.decided() {
        return explicit_deny();
    }
    // Once a guardrail rules the request out, only explicit denies matter.
    let dead = scp_ok.is_false() || rcp_ok.is_false();

    // Identity-based policies. (The root user is not limited by them in its own account;
    // callers without identity policies are only allowed by a resource-based policy.)
    let identity_matters = !dead && has_identity && !is_root;
    let mut identity_allows = if set.identity_unknown && (identity_matters || !run.lean) {
        Expr::atom(Atom::Assumption {
            description: format!(
                "identity-based policies of {} (not in the snapshot) allow {}",
                req.principal_text, req.action
            ),
        })
    } else {
        Expr::False
    };
    for l in &set.identity {
        let want = identity_matters && !identity_allows.is_true();
        let s = run.eval(l, Layer::Identity, PolicyRole::IdentityLike, want);
        identity_allows.or_assign(s.into_allow());
        if run.decided() {
            return explicit_deny();
        }
    }
    let identity = if is_root {
        identity_allows.discard();
        Expr::True
    } else {
        identity_allows
    };

    let limits_matter = !dead && has_identity;
    let boundary_ok = match &set.permission_boundary {
        Some(l) => {
            let s = run.eval(
                l,
                Layer::PermissionBoundary,
                PolicyRole::IdentityLike,
                limits_matter,
            );
            if run.decided() {
                s.into_allow().discard();
                return explicit_deny();
            }
            s.into_allow()
        }
        None => Expr::True,
    };
    let session_ok = match &set.session_policy {
        Some(l) => {
            let s = run.eval(
                l,
                Layer::SessionPolicy,
                PolicyRole::IdentityLike,
                limits_matter && !boundary_ok.is_false(),
            );
            if run.decided() {
                s.into_allow().discard();
                return explicit_deny();
            }
            s.into_allow()
        }
        None => Expr::True,
    };

    let (res_direct, res_role, res_account) = match resource {
        Some(l) => {
            let s = run.eval(l, Layer::Resource, PolicyRole::ResourceBased, !dead);
            if run.decided() {
                let (a, b, c) = s.into_allows();
                a.discard();
                b.discard();
                c.discard();
                return explicit_deny();
            }
            s.into_allows()
        }
        None => (Expr::False, Expr::False, Expr::False),
    };

    let required = resource_policy_required_for(req);
    // (Folded with the in-place operators: the same expressions as `Expr::any`/`Expr::all`
    // of the parts, without building arrays of constants.)
    let granted = if !has_identity {
        // Services, identity providers and anonymous callers: only a resource-based policy
        // that names them can allow.
        res_direct.dup()
    } else {
        let mut limits = boundary_ok.dup();
        limits.and_assign(session_ok.dup());
        if req.is_same_account() {
            let mut via_identity = if required {
                res_account.dup()
            } else {
                Expr::True
            };
            via_identity.and_assign(identity.dup());
            via_identity.and_assign(limits.dup());
            let mut via_role = res_role.dup();
            via_role.and_assign(limits);
            let mut g = res_direct.dup();
            g.or_assign(via_role);
            g.or_assign(via_identity);
            g
        } else {
            let mut g = res_direct.dup();
            g.or_assign(res_role.dup());
            g.or_assign(res_account.dup());
            g.and_assign(identity.dup());
            g.and_assign(limits);
            g
        }
    };

    let deny = std::mem::replace(&mut run.deny, Expr::False);
    let kind_deny = deny.is_true();
    let mut allowed_when = scp_ok.dup();
    allowed_when.and_assign(rcp_ok.dup());
    allowed_when.and_assign(granted);
    allowed_when.and_assign(deny.not());

    let kind = if kind_deny {
        DecisionKind::ExplicitDeny
    } else if allowed_when.is_true() {
        DecisionKind::Allow
    } else if allowed_when.is_false() {
        DecisionKind::ImplicitDeny
    } else {
        DecisionKind::Conditional
    };

    Core {
        kind,
        allowed_when,
        all: run.all.unwrap_or_default(),
        scp_ok,
        rcp_ok,
        identity,
        boundary_ok,
        session_ok,
        res_any: {
            let mut any = res_direct;
            any.or_assign(res_role);
            any.or_assign(res_account.dup());
            any
        },
        res_account,
        required,
        has_identity,
        has_resource: resource.is_some(),
    }
}

/// SCPs govern IAM users and roles of member accounts (not service principals, and not the
/// management account — the caller passes None for that).
fn applies_scps(p: &PrincipalId) -> bool {
    matches!(
        p,
        PrincipalId::User { .. }
            | PrincipalId::RoleSession { .. }
            | PrincipalId::Root { .. }
            | PrincipalId::FederatedUser { .. }
    )
}

fn collect_reasons(all: &[Evaluated]) -> Vec<Reason> {
    let mut out = Vec::new();
    // Identity-based policies add up: one that does not allow is only worth mentioning when
    // none does. (SCP and RCP levels gate one by one, so every silent one is shown.)
    let identity_allows = all
        .iter()
        .any(|e| e.layer == Layer::Identity && !e.result.allow.is_false());
    for e in all {
        if e.unknown {
            out.push(Reason {
                layer: e.layer,
                policy: e.label.to_string(),
                statement: None,
                effect: None,
                outcome: "not in the snapshot: assumed to possibly allow".into(),
            });
            continue;
        }
        for hit in &e.result.hits {
            out.push(hit_reason(e, hit));
        }
        let silent = e
            .result
            .hits
            .iter()
            .all(|h| h.applies.is_false() || h.effect == Effect::Deny);
        if silent && !(e.layer == Layer::Identity && identity_allows) {
            out.push(Reason {
                layer: e.layer,
                policy: e.label.to_string(),
                statement: None,
                effect: None,
                outcome: "no statement allows this request".into(),
            });
        }
    }
    out
}

fn hit_reason(e: &Evaluated, hit: &StatementHit) -> Reason {
    let verb = match hit.effect {
        Effect::Allow => "allows",
        Effect::Deny => "denies",
    };
    let via = match hit.grant {
        Some(Grant::Account) => {
            " (names the caller's account: defers to its identity-based policies)"
        }
        Some(Grant::Role) => " (names the caller's role)",
        _ => "",
    };
    let outcome = if hit.applies.is_true() {
        format!("{verb}{via}")
    } else if hit.applies.is_false() {
        format!(
            "would {} but does not apply: {}",
            if hit.effect == Effect::Allow {
                "allow"
            } else {
                "deny"
            },
            hit.not_applied_because
                .as_deref()
                .unwrap_or("its conditions are not met")
        )
    } else {
        format!("{verb}{via} if {}", hit.applies)
    };
    Reason {
        layer: e.layer,
        policy: e.label.to_string(),
        statement: Some(statement_label(hit)),
        effect: Some(hit.effect),
        outcome,
    }
}

fn statement_label(hit: &StatementHit) -> String {
    match &hit.sid {
        Some(s) if !s.is_empty() => format!("Statement[{}] (Sid \"{}\")", hit.index, s),
        _ => format!("Statement[{}]", hit.index),
    }
}

/// "role's trust policy" or "key policy", for messages.
fn required_policy_name(req: &Request) -> &'static str {
    if req.action_lower.starts_with("kms:") {
        "key policy"
    } else {
        "role's trust policy"
    }
}

struct SummaryInput<'x> {
    req: &'x Request,
    kind: DecisionKind,
    all: &'x [Evaluated<'x>],
    scp_ok: &'x Expr,
    rcp_ok: &'x Expr,
    identity: &'x Expr,
    boundary_ok: &'x Expr,
    session_ok: &'x Expr,
    res_any: &'x Expr,
    res_account: &'x Expr,
    required: bool,
    has_identity: bool,
    has_resource: bool,
    allowed_when: &'x Expr,
}

fn summarize(s: SummaryInput) -> String {
    let req = s.req;
    let what = format!(
        "{} → {} on {}",
        req.principal_text, req.action, req.resource
    );
    match s.kind {
        DecisionKind::Allow => format!("Allow: {what}"),
        DecisionKind::Conditional => {
            format!("Conditional: {what} is allowed only if {}", s.allowed_when)
        }
        DecisionKind::ExplicitDeny => {
            for e in s.all {
                if e.result.deny.is_true() {
                    let st = e
                        .result
                        .hits
                        .iter()
                        .find(|h| h.effect == Effect::Deny && h.applies.is_true())
                        .map(|h| format!(" {}", statement_label(h)))
                        .unwrap_or_default();
                    return format!(
                        "ExplicitDeny: {what} is denied by the {} {}{st}",
                        e.layer.describe(),
                        e.label
                    );
                }
            }
            format!("ExplicitDeny: {what}")
        }
        DecisionKind::ImplicitDeny => {
            let why = if s.scp_ok.is_false() {
                "no service control policy at some level of the organization allows it".to_string()
            } else if s.rcp_ok.is_false() {
                "no resource control policy at some level of the organization allows it".to_string()
            } else if !s.has_identity {
                if !s.has_resource {
                    "the caller has no identity-based policies and there is no resource-based policy".to_string()
                } else {
                    "the resource-based policy does not name this caller".to_string()
                }
            } else if s.required && !s.has_resource {
                format!(
                    "the {} is required and was not provided",
                    required_policy_name(req)
                )
            } else if s.required && s.res_any.is_false() {
                format!(
                    "the {} does not allow this principal",
                    required_policy_name(req)
                )
            } else if !req.is_same_account() && s.res_any.is_false() {
                "cross-account access needs the resource-based policy in the target account to allow it, and it does not".to_string()
            } else if s.identity.is_false() {
                if s.required && !s.res_account.is_false() {
                    "the resource-based policy trusts the caller's account, which defers to the caller's identity-based policies, and none of them allows it".to_string()
                } else if !req.is_same_account() {
                    "the resource-based policy allows it, but cross-account access also needs the caller's identity-based policy to allow it, and none does".to_string()
                } else {
                    "no identity-based policy allows it".to_string()
                }
            } else if s.boundary_ok.is_false() {
                "the permissions boundary does not allow it".to_string()
            } else if s.session_ok.is_false() {
                "the session policy does not allow it".to_string()
            } else {
                "no policy allows it".to_string()
            };
            format!("ImplicitDeny: {what}: {why}")
        }
    }
}

#[cfg(test)]
mod tests;
