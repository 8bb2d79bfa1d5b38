use crate::context::ScanContext;
use crate::finding::Finding;
use trustgate_trail::{format_time, CallerType};

crate::declare_rule!(ObservedRoleChain {
    id: "TG034",
    name: "observed-role-chain",
    title: "Role chaining seen in practice: a role session assumed another role (CloudTrail)",
    severity: Info,
    what: "With a trail: lists each pair of roles A → B where a session of role A successfully assumed role B, with how often and when. Low instead of info when B is admin-equivalent. TG010 finds the chains the policies allow; this one, the chains actually used.",
    why: "Chained sessions are capped at one hour and carry the first role's identity only in `sourceIdentity` (if set): a chain makes it harder to tell who did what. Chains into admin roles deserve to be known and intended.",
    example: "arn:aws:iam::100000000003:role/ci-deployer → arn:aws:iam::100000000004:role/prod-admin, 9 times",
    fix: "Keep the chains that are intended (document them in the registry) and require `sts:SourceIdentity` on them; remove trust that enables chains nobody needs.",
});

impl ObservedRoleChain {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        let Some(trail) = cx.trail else { return };
        for p in &trail.pairs {
            let s = &p.usage.stats;
            if p.caller_type() != CallerType::Role
                || s.counters.successes == 0
                || !p.usage.target.contains(":role/")
            {
                continue;
            }
            let severity = if p.admin {
                Self::DOC.severity.raised()
            } else {
                Self::DOC.severity
            };
            let role = p.role.unwrap_or(&p.usage.target);
            out.push(
                Finding::new(
                    Self::DOC.id,
                    severity,
                    role,
                    &p.account,
                    &p.usage.caller,
                    format!(
                        "{} → {}: {} chained assumption(s), {} to {}",
                        p.usage.caller,
                        role,
                        s.counters.successes,
                        s.first_success.map(format_time).unwrap_or_default(),
                        s.last_success.map(format_time).unwrap_or_default()
                    ),
                )
                .with("from", &p.usage.caller)
                .with("to", role)
                .with("successes", s.counters.successes)
                .with("firstUsed", s.first_success.map(format_time))
                .with("lastUsed", s.last_success.map(format_time))
                .with("sourceIdentities", &s.source_identities.values)
                .with("adminEquivalent", p.admin),
            );
        }
    }
}
