use std::borrow::Cow;

use crate::context::ScanContext;
use crate::finding::Finding;
use trustgate_policy::{authorize, Context, DecisionKind, Labeled, PolicySet, Request};
use trustgate_trail::{format_time, CallerType, EventName};

crate::declare_rule!(TrustDeniesObservedUse {
    id: "TG035",
    name: "trust-denies-observed-use",
    title: "CloudTrail shows a role assumed by a principal its trust policy does not allow",
    severity: High,
    what: "With a trail: for every caller that successfully assumed a role of the snapshot, evaluates the role's trust policy for that caller and action (`sts:AssumeRole`, `…WithSAML`, `…WithWebIdentity`; a console switch is an AssumeRole). The caller's own policies are not judged here (they are taken as allowing): only the trust policy, with what the snapshot knows of the caller (its ARN, account, organization, tags) and, when none of the successful calls passed an External ID, `sts:ExternalId` as absent. Reported when the answer is a deny. When it depends on something the trail does not tell (MFA, source IP, tags of the session), it is not reported. Callers known only by account or by a unique ID the snapshot does not have are not judged.",
    why: "Either the snapshot is out of date — the trust policy changed since, and the registry and every other finding are about a policy no longer in force — or the trust was changed, used, and changed back, which is what someone covering their tracks does.",
    example: "prod break-glass trusts only arn:aws:iam::100000000002:user/oncall-breakglass; CloudTrail shows arn:aws:iam::100000000002:user/bob assuming it on 2026-10-28",
    fix: "Collect a fresh snapshot and scan again. If the trust policy in force still denies the caller, find out when it changed (CloudTrail `UpdateAssumeRolePolicy` events) and by whom.",
});

fn action_of(p: &crate::usage::PairView<'_>) -> &'static str {
    let by_event = p.usage.stats.counters.by_event;
    // The most frequent kind of call of the pair.
    let (i, _) = by_event
        .iter()
        .enumerate()
        .max_by_key(|(_, n)| **n)
        .unwrap_or((0, &0));
    EventName::ALL[i].action()
}

impl TrustDeniesObservedUse {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        let (Some(trail), Some(snap)) = (cx.trail, cx.snapshot) else {
            return;
        };
        for p in &trail.pairs {
            let s = &p.usage.stats;
            let Some(role_arn) = p.role else { continue };
            if s.counters.successes == 0 {
                continue;
            }
            let caller = p.usage.caller.as_str();
            let evaluable = match p.caller_type() {
                CallerType::Role
                | CallerType::User
                | CallerType::Root
                | CallerType::Service
                | CallerType::Saml
                | CallerType::FederatedUser => true,
                CallerType::WebIdentity => caller.starts_with("arn:"),
                _ => false,
            };
            if !evaluable {
                continue;
            }
            let Some((_, role)) = snap.principal(role_arn).and_then(|r| snap.role(r)) else {
                continue;
            };
            let action = action_of(p);
            let mut ctx = match snap.principal(caller) {
                Some(known) => trustgate_access::caller_context(snap, known),
                None => Context::partial(),
            };
            if s.counters.external_id_successes == 0 {
                ctx.mark_absent("sts:externalid");
            }
            let Ok(req) = Request::new(caller, action, role_arn, None, ctx) else {
                continue;
            };
            let set = PolicySet {
                resource: Some(Labeled::new(
                    Cow::Owned(format!("trust policy of {role_arn}")),
                    &role.trust_policy,
                )),
                identity_unknown: true,
                ..Default::default()
            };
            let decision = authorize(&req, &set, false);
            if !matches!(
                decision.kind,
                DecisionKind::ImplicitDeny | DecisionKind::ExplicitDeny
            ) {
                continue;
            }
            out.push(
                Finding::new(
                    Self::DOC.id,
                    Self::DOC.severity,
                    role_arn,
                    &p.account,
                    caller,
                    format!(
                        "CloudTrail shows {caller} assuming {role_arn} ({} successful call(s), last on {}), but the snapshot's trust policy denies it ({}): the snapshot is out of date or the trust policy changed",
                        s.counters.successes,
                        s.last_success.map(format_time).unwrap_or_default(),
                        decision.kind.as_str()
                    ),
                )
                .with("caller", caller)
                .with("action", action)
                .with("decision", decision.kind.as_str())
                .with("successes", s.counters.successes)
                .with("lastUsed", s.last_success.map(format_time)),
            );
        }
    }
}
