use crate::context::ScanContext;
use crate::finding::{Finding, Severity};
use trustgate_trail::{format_time, CallerType};

crate::declare_rule!(NewCaller {
    id: "TG030",
    name: "new-caller",
    title: "A role was assumed by a caller never seen before (CloudTrail)",
    severity: Medium,
    what: "With a trail (`--trail`, `trustgate trail`): finds callers whose first successful assumption of a role falls in the last `--baseline-days` (default 30) days of the trail, for roles that were already assumed before that window (so there is a history to compare with). The window ends at the last event of the trail. Callers are normalized principals: a role session counts as its role, a SAML or OIDC sign-in as its identity provider; AWS services are not reported. High when the caller is outside the organization; one level higher when the role is admin-equivalent.",
    why: "Trust relationships are used by a stable set of principals. A principal that starts using a role is either a planned change — which the role's owner should know about — or someone who found a way in: a new role in a vendor's account, a compromised user trying a role its policy happened to allow.",
    example: "prod msp-support, assumed every week by arn:aws:iam::999988887777:role/msp-operator, is assumed on 2026-10-20 by arn:aws:iam::999988887777:role/msp-contractor for the first time",
    fix: "Confirm with the role's owner and the caller's that the new use is expected. If not: revoke the role's sessions (an inline deny on `aws:TokenIssueTime`), narrow its trust policy to the principals that should use it (`aws:PrincipalArn`), and investigate the caller.",
});

impl NewCaller {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        let Some(trail) = cx.trail else { return };
        let Some(window) = trail.window_start else {
            return;
        };
        for p in &trail.pairs {
            let s = &p.usage.stats;
            let Some(first) = s.first_success else {
                continue;
            };
            if first < window || p.caller_type() == CallerType::Service {
                continue;
            }
            let Some(role_first) = trail.target_first_success(&p.usage.target) else {
                continue;
            };
            if role_first >= window {
                continue;
            }
            let mut severity = if p.outside_org == Some(true) {
                Severity::High
            } else {
                Self::DOC.severity
            };
            if p.admin {
                severity = severity.raised();
            }
            let role = p.role.unwrap_or(&p.usage.target);
            out.push(
                Finding::new(
                    Self::DOC.id,
                    severity,
                    role,
                    &p.account,
                    &p.usage.caller,
                    format!(
                        "{} was assumed by {} for the first time on {} ({} successful call(s) since); the role has been in use since {}",
                        role,
                        p.usage.caller,
                        format_time(first),
                        s.counters.successes,
                        format_time(role_first)
                    ),
                )
                .with("caller", &p.usage.caller)
                .with("callerAccount", &s.caller_account)
                .with("outsideOrganization", p.outside_org)
                .with("firstSeen", format_time(first))
                .with("roleInUseSince", format_time(role_first))
                .with("successes", s.counters.successes)
                .with("sourceIps", &s.source_ips.values)
                .with("baselineDays", trail.options().baseline_days),
            );
        }
    }
}
