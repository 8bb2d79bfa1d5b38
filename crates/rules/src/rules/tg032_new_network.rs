use std::collections::BTreeMap;

use crate::context::ScanContext;
use crate::finding::Finding;
use trustgate_trail::format_time;

crate::declare_rule!(NewNetwork {
    id: "TG032",
    name: "new-network",
    title: "A role was assumed from a network never seen before (CloudTrail)",
    severity: Low,
    what: "With a trail: for each role already assumed before the last `--baseline-days` (default 30) days of the trail, finds the networks its successful assumptions first came from within that window. A network is the call's VPC endpoint when it came through one, else the /24 of its IPv4 source address or the /48 of its IPv6 one; calls made by AWS services (source `lambda.amazonaws.com`…) have none. Roles with more than 256 networks are not judged (the trail keeps the smallest 256) and a warning says so. One level higher for admin-equivalent roles.",
    why: "Role use comes from a few places: CI runners, offices, a vendor's platform. Credentials used from somewhere new — stolen keys replayed from an attacker's host, a vendor's new region — show up first as a new network.",
    example: "prod msp-support, assumed from 198.18.0.0/24 every week, assumed from 198.18.7.0/24 on 2026-10-20",
    fix: "Confirm the new origin with the caller. Pin expected origins in the trust or identity policy (`aws:SourceIp`, `aws:SourceVpce`) where they are stable.",
});

/// Per role (as called): network → (first success, callers in the window), whether the
/// networks were capped, the role's first success, and one of its pairs.
type RoleNetworks<'a> = (BTreeMap<&'a str, (i64, Vec<&'a str>)>, bool, i64, usize);

impl NewNetwork {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        let Some(trail) = cx.trail else { return };
        let Some(window) = trail.window_start else {
            return;
        };
        let mut roles: BTreeMap<&str, RoleNetworks<'_>> = BTreeMap::new();
        for (i, p) in trail.pairs.iter().enumerate() {
            let s = &p.usage.stats;
            let Some(first) = s.first_success else {
                continue;
            };
            let entry = roles.entry(p.usage.target.as_str()).or_insert((
                BTreeMap::new(),
                false,
                i64::MAX,
                i,
            ));
            entry.1 |= s.networks.truncated;
            entry.2 = entry.2.min(first);
            for (net, &t) in &s.networks.values {
                let n = entry.0.entry(net.as_str()).or_insert((t, Vec::new()));
                n.0 = n.0.min(t);
                if t >= window {
                    n.1.push(p.usage.caller.as_str());
                }
            }
        }
        for (target, (networks, truncated, role_first, pair_index)) in roles {
            if role_first >= window || truncated {
                continue;
            }
            let p = &trail.pairs[pair_index];
            let role = p.role.unwrap_or(target);
            for (net, (first, callers)) in networks {
                if first < window {
                    continue;
                }
                let severity = if p.admin {
                    Self::DOC.severity.raised()
                } else {
                    Self::DOC.severity
                };
                out.push(
                    Finding::new(
                        Self::DOC.id,
                        severity,
                        role,
                        &p.account,
                        net,
                        format!(
                            "{role} was assumed from {net} for the first time on {} (by {}); in use since {}",
                            format_time(first),
                            callers.join(", "),
                            format_time(role_first)
                        ),
                    )
                    .with("network", net)
                    .with("firstSeen", format_time(first))
                    .with("callers", &callers)
                    .with("roleInUseSince", format_time(role_first))
                    .with("baselineDays", trail.options().baseline_days),
                );
            }
        }
    }
}
