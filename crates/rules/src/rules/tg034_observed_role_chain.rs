use std::collections::BTreeMap;

use crate::context::ScanContext;
use crate::finding::Finding;
use crate::usage::PairView;
use trustgate_trail::{format_time, CallerType};

crate::declare_rule!(ObservedRoleChain {
    id: "TG034",
    name: "observed-role-chain",
    title: "Role chaining seen in practice: a role session assumed another role (CloudTrail)",
    severity: Info,
    what: "With a trail: the roles that role sessions actually assumed (role chaining). A chain into an admin-equivalent role is reported on its own, one finding per pair A → B (low). Other chains are reported once per role entered, listing the roles chained into it (`chainedFrom`, busiest first), how many of those chains carried a source identity, how often and when. TG010 finds the chains the policies allow; this one, the chains actually used.",
    why: "Chained sessions are capped at one hour and carry the first role's identity only in `sourceIdentity` (if set): a chain makes it harder to tell who did what. Chains into admin roles deserve to be known and intended. In a large organization most cross-account access is role-to-role, so one finding per pair would bury those under thousands of routine ones: routine chains are grouped by the role they enter.",
    example: "arn:aws:iam::100000000003:role/ci-deployer → arn:aws:iam::100000000004:role/prod-admin, 9 times (low); arn:aws:iam::100000000004:role/deploy entered by chaining from 1 role (122 calls), none with a source identity (info)",
    fix: "Keep the chains that are intended (document them in the registry) and require `sts:SourceIdentity` on them; remove trust that enables chains nobody needs.",
});

/// Roles listed in `chainedFrom` of one finding (the count is always complete).
const LISTED: usize = 50;

impl ObservedRoleChain {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        let Some(trail) = cx.trail else { return };
        // Routine chains, grouped by the role they enter (its ARN as the snapshot has it).
        let mut entered: BTreeMap<(&str, &str), Vec<&PairView<'_>>> = BTreeMap::new();
        for p in &trail.pairs {
            let s = &p.usage.stats;
            if p.caller_type() != CallerType::Role
                || s.counters.successes == 0
                || !p.usage.target.contains(":role/")
            {
                continue;
            }
            let role = p.role.unwrap_or(&p.usage.target);
            if p.admin {
                out.push(Self::admin_chain(p, role));
            } else {
                entered.entry((role, &p.account)).or_default().push(p);
            }
        }
        for ((role, account), mut pairs) in entered {
            pairs.sort_by(|a, b| {
                let (sa, sb) = (&a.usage.stats, &b.usage.stats);
                sb.counters
                    .successes
                    .cmp(&sa.counters.successes)
                    .then_with(|| a.usage.caller.cmp(&b.usage.caller))
            });
            let successes: u64 = pairs.iter().map(|p| p.usage.stats.counters.successes).sum();
            let first = pairs
                .iter()
                .filter_map(|p| p.usage.stats.first_success)
                .min();
            let last = pairs
                .iter()
                .filter_map(|p| p.usage.stats.last_success)
                .max();
            let with_identity = pairs
                .iter()
                .filter(|p| !p.usage.stats.source_identities.values.is_empty())
                .count();
            let mut identities: Vec<&str> = pairs
                .iter()
                .flat_map(|p| p.usage.stats.source_identities.values.iter())
                .map(String::as_str)
                .collect();
            identities.sort_unstable();
            identities.dedup();
            identities.truncate(LISTED);
            let shown: Vec<String> = pairs
                .iter()
                .take(3)
                .map(|p| format!("{} ({})", p.usage.caller, p.usage.stats.counters.successes))
                .collect();
            let more = pairs.len().saturating_sub(shown.len());
            let identity_note = match with_identity {
                0 => "none with a source identity".to_string(),
                n if n == pairs.len() => "all with a source identity".to_string(),
                n => format!("{} without a source identity", pairs.len() - n),
            };
            out.push(
                Finding::new(
                    Self::DOC.id,
                    Self::DOC.severity,
                    role,
                    account,
                    "",
                    format!(
                        "{role} entered by role chaining from {} role(s), {successes} time(s), {} to {}: {}{}; {identity_note}",
                        pairs.len(),
                        first.map(format_time).unwrap_or_default(),
                        last.map(format_time).unwrap_or_default(),
                        shown.join(", "),
                        if more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        },
                    ),
                )
                .with("to", role)
                .with(
                    "chainedFrom",
                    pairs
                        .iter()
                        .take(LISTED)
                        .map(|p| p.usage.caller.as_str())
                        .collect::<Vec<_>>(),
                )
                .with("chainingRoles", pairs.len())
                .with("chainingRolesWithSourceIdentity", with_identity)
                .with("successes", successes)
                .with("firstUsed", first.map(format_time))
                .with("lastUsed", last.map(format_time))
                .with("sourceIdentities", identities)
                .with("adminEquivalent", false),
            );
        }
    }

    /// A chain into an admin-equivalent role: one finding per pair.
    fn admin_chain(p: &PairView<'_>, role: &str) -> Finding {
        let s = &p.usage.stats;
        Finding::new(
            Self::DOC.id,
            Self::DOC.severity.raised(),
            role,
            &p.account,
            &p.usage.caller,
            format!(
                "{} → {} (admin-equivalent): {} chained assumption(s), {} to {}",
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
        .with("adminEquivalent", true)
    }
}
