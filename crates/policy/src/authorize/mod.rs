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
use crate::eval::{evaluate_policy, Grant, PolicyResult, PolicyRole, StatementHit};
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
    /// account is not governed by SCPs (no organization, or the management account).
    pub scps: Option<Vec<Vec<Labeled<'a>>>>,
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

fn eval_one<'s>(
    l: &'s Labeled<'_>,
    req: &Request,
    layer: Layer,
    role: PolicyRole,
    explain: bool,
) -> Evaluated<'s> {
    match &l.source {
        PolicySource::Known(p) => Evaluated {
            layer,
            label: &l.label,
            result: evaluate_policy(p, req, role, explain),
            unknown: false,
        },
        PolicySource::Unknown => {
            let assume = Expr::atom(Atom::Assumption {
                description: format!(
                    "{} {} (not in the snapshot) allows",
                    layer.describe(),
                    l.label
                ),
            });
            Evaluated {
                layer,
                label: &l.label,
                result: PolicyResult {
                    allow: assume,
                    allow_role: Expr::False,
                    allow_account: Expr::False,
                    deny: Expr::False,
                    hits: Vec::new(),
                },
                unknown: true,
            }
        }
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
    let core = evaluate_layers_split(
        req,
        set,
        set.resource.as_ref(),
        set.rcps.as_deref(),
        false,
        false,
    );
    (core.kind, core.allowed_when)
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
    let core = evaluate_layers_split(req, caller, resource, rcps, false, false);
    (core.kind, core.allowed_when)
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

fn evaluate_layers_split<'s>(
    req: &Request,
    set: &'s PolicySet<'_>,
    resource: Option<&'s Labeled<'_>>,
    rcps: Option<&'s [Vec<Labeled<'_>>]>,
    explain: bool,
    keep_all: bool,
) -> Core<'s> {
    // Folded as we go; `all` (every policy's result) only when someone will read it.
    let mut deny = Expr::False;
    let mut all: Option<Vec<Evaluated>> = keep_all.then(Vec::new);

    // Organization guardrails: every level must allow.
    let scp_ok = match &set.scps {
        Some(levels) if applies_scps(&req.principal) => {
            gate_levels(levels, req, Layer::Scp, explain, &mut deny, &mut all)
        }
        _ => Expr::True,
    };
    let rcp_ok = match rcps {
        Some(levels) => gate_levels(levels, req, Layer::Rcp, explain, &mut deny, &mut all),
        None => Expr::True,
    };

    // Identity-based policies.
    let mut identity_allows = if set.identity_unknown {
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
        let e = eval_one(l, req, Layer::Identity, PolicyRole::IdentityLike, explain);
        fold_or(&mut deny, &e.result.deny);
        fold_or(&mut identity_allows, &e.result.allow);
        keep(&mut all, e);
    }
    let identity = if matches!(req.principal, PrincipalId::Root { .. }) {
        // The root user is not limited by identity-based policies in its own account.
        Expr::True
    } else {
        identity_allows
    };

    let boundary_ok = match &set.permission_boundary {
        Some(l) => {
            let e = eval_one(
                l,
                req,
                Layer::PermissionBoundary,
                PolicyRole::IdentityLike,
                explain,
            );
            fold_or(&mut deny, &e.result.deny);
            let ok = e.result.allow.clone();
            keep(&mut all, e);
            ok
        }
        None => Expr::True,
    };
    let session_ok = match &set.session_policy {
        Some(l) => {
            let e = eval_one(
                l,
                req,
                Layer::SessionPolicy,
                PolicyRole::IdentityLike,
                explain,
            );
            fold_or(&mut deny, &e.result.deny);
            let ok = e.result.allow.clone();
            keep(&mut all, e);
            ok
        }
        None => Expr::True,
    };

    let (res_direct, res_role, res_account) = match resource {
        Some(l) => {
            let e = eval_one(l, req, Layer::Resource, PolicyRole::ResourceBased, explain);
            fold_or(&mut deny, &e.result.deny);
            let triple = (
                e.result.allow.clone(),
                e.result.allow_role.clone(),
                e.result.allow_account.clone(),
            );
            keep(&mut all, e);
            triple
        }
        None => (Expr::False, Expr::False, Expr::False),
    };

    let required = resource_policy_required_for(req);
    let limits = boundary_ok.clone().and(session_ok.clone());
    let has_identity =
        req.principal.has_identity_policies() || matches!(req.principal, PrincipalId::Root { .. });

    let granted = if !has_identity {
        // Services, identity providers and anonymous callers: only a resource-based policy
        // that names them can allow.
        res_direct.clone()
    } else if req.is_same_account() {
        let via_identity = if required {
            res_account.clone().and(identity.clone())
        } else {
            identity.clone()
        };
        Expr::any([
            res_direct.clone(),
            res_role.clone().and(limits.clone()),
            via_identity.and(limits.clone()),
        ])
    } else {
        Expr::any([res_direct.clone(), res_role.clone(), res_account.clone()])
            .and(identity.clone())
            .and(limits.clone())
    };

    let allowed_when = Expr::all([
        scp_ok.clone(),
        rcp_ok.clone(),
        granted.clone(),
        deny.clone().not(),
    ]);

    let kind = if deny.is_true() {
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
        all: all.unwrap_or_default(),
        scp_ok,
        rcp_ok,
        identity,
        boundary_ok,
        session_ok,
        res_any: Expr::any([res_direct, res_role, res_account.clone()]),
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

fn gate_levels<'s>(
    levels: &'s [Vec<Labeled<'_>>],
    req: &Request,
    layer: Layer,
    explain: bool,
    deny: &mut Expr,
    all: &mut Option<Vec<Evaluated<'s>>>,
) -> Expr {
    let mut gate = Expr::True;
    for level in levels {
        let mut allows = Expr::False;
        for l in level {
            let e = eval_one(l, req, layer, PolicyRole::IdentityLike, explain);
            fold_or(deny, &e.result.deny);
            fold_or(&mut allows, &e.result.allow);
            keep(all, e);
        }
        gate = gate.and(allows);
    }
    gate
}

/// `acc = acc OR e`, without cloning when `acc` is already decided.
fn fold_or(acc: &mut Expr, e: &Expr) {
    if !acc.is_true() && !e.is_false() {
        *acc = std::mem::replace(acc, Expr::False).or(e.clone());
    }
}

fn keep<'s>(all: &mut Option<Vec<Evaluated<'s>>>, e: Evaluated<'s>) {
    if let Some(v) = all {
        v.push(e);
    }
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
