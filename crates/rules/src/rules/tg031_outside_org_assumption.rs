use crate::context::ScanContext;
use crate::finding::{Finding, Severity};
use crate::registry::Scope;
use trustgate_trail::format_time;

crate::declare_rule!(OutsideOrgAssumption {
    id: "TG031",
    name: "outside-org-assumption",
    title: "A role was assumed from outside the organization (CloudTrail)",
    severity: Low,
    what: "With a trail: lists every principal outside the organization (its account is neither in `organization.json` nor in the snapshot) that successfully assumed a role. Low when the role's trust policy names that third party (account or principal) — the audit record of who actually comes in; high when the assumption came through a trust of anyone (`*`) or through no relationship the snapshot shows. One level higher for admin-equivalent roles.",
    why: "Every assumption from outside the organization is access by a party the organization does not control. A named vendor using its role is expected and should be on record; an outsider coming in through a wildcard trust is an open door being used.",
    example: "arn:aws:iam::210987654321:role/reader assumed staging open-sesame (trusted: *) 9 times",
    fix: "For vendors: check the use matches the contract and the role has an External ID. For anything else: restrict the trust policy to specific principals (or `aws:PrincipalOrgID`) and review what the outsider did with the session (CloudTrail events with its `accessKeyId`).",
});

impl OutsideOrgAssumption {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        let Some(trail) = cx.trail else { return };
        for p in &trail.pairs {
            let s = &p.usage.stats;
            if p.outside_org != Some(true) || s.counters.successes == 0 {
                continue;
            }
            let rel = p.relationship.map(|i| &cx.registry[i]);
            let named = rel.is_some_and(|r| r.scope == Scope::ThirdParty && r.trusted != "*");
            let mut severity = if named {
                Self::DOC.severity
            } else {
                Severity::High
            };
            if p.admin {
                severity = severity.raised();
            }
            let role = p.role.unwrap_or(&p.usage.target);
            let via = match rel {
                Some(r) => format!("trusted: {}", r.trusted),
                None => "no trust relationship in the snapshot covers it".to_string(),
            };
            let vendor = s.caller_account.as_deref().and_then(|a| (cx.vendor_of)(a));
            out.push(
                Finding::new(
                    Self::DOC.id,
                    severity,
                    role,
                    &p.account,
                    &p.usage.caller,
                    format!(
                        "{} (outside the organization{}) assumed {} {} time(s), last on {} ({via})",
                        p.usage.caller,
                        vendor
                            .as_deref()
                            .map(|v| format!(": {v}"))
                            .unwrap_or_default(),
                        role,
                        s.counters.successes,
                        s.last_success.map(format_time).unwrap_or_default()
                    ),
                )
                .with("caller", &p.usage.caller)
                .with("callerAccount", &s.caller_account)
                .with("vendor", vendor)
                .with("trusted", rel.map(|r| r.trusted.as_str()))
                .with("successes", s.counters.successes)
                .with("firstUsed", s.first_success.map(format_time))
                .with("lastUsed", s.last_success.map(format_time))
                .with("externalIdSuccesses", s.counters.external_id_successes)
                .with("sourceIps", &s.source_ips.values),
            );
        }
    }
}
