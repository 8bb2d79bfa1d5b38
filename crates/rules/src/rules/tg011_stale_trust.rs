use crate::context::ScanContext;
use crate::finding::Finding;
use crate::registry::Scope;

crate::declare_rule!(StaleTrust {
    id: "TG011",
    name: "stale-trust",
    title: "Trusted role not used recently, or never",
    severity: Low,
    what: "Finds roles assumable from other accounts, by anyone, by identity providers or by other principals of the account whose IAM `RoleLastUsed` date is older than `--stale-days` (default 90), or that were never used and are older than that. Service roles are not reported. With `--trail`, a successful assumption in CloudTrail counts as use too: the later of the two dates is the last use.",
    why: "Stale trust relationships are the access nobody watches: the team that needed it moved on, the vendor contract ended, but the door is still open for whoever controls the trusted side.",
    example: "RoleLastUsed: {\"LastUsedDate\": \"2025-01-10T08:00:00Z\"} on a role trusted by a vendor account",
    fix: "Confirm with the owner (tags) whether the relationship is still needed; delete the role or remove the trusted principal from its trust policy. Record accepted exceptions in a baseline with a review date.",
});

impl StaleTrust {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        let now = cx.options.now;
        let limit_secs = i64::from(cx.options.stale_days) * 86_400;
        super::for_each_parallel(cx.roles, out, |_, role, out| {
            let relevant = role.entries.iter().any(|(_, s, _)| {
                matches!(
                    s,
                    Scope::Internal
                        | Scope::ThirdParty
                        | Scope::Public
                        | Scope::Federated
                        | Scope::SameAccount
                )
            });
            if !relevant {
                return;
            }
            let age_days = |date: &str| -> Option<i64> {
                let t = parse_time(date)?;
                Some((now.as_second() - t.as_second()) / 86_400)
            };
            // CloudTrail's last successful assumption, when later than IAM's date.
            let trail_last = cx
                .trail
                .and_then(|t| t.role_last_success(role.arn))
                .map(trustgate_trail::format_time)
                .filter(|t| {
                    role.last_used
                        .and_then(parse_time)
                        .zip(parse_time(t))
                        .is_none_or(|(iam, trail)| trail > iam)
                });
            let last_used = trail_last.as_deref().or(role.last_used);
            let source = if trail_last.is_some() {
                " per CloudTrail"
            } else {
                ""
            };
            let message = match last_used {
                Some(d) => match age_days(d) {
                    Some(days) if days * 86_400 > limit_secs => {
                        format!("{} was last used {days} days ago ({d}{source})", role.name)
                    }
                    _ => return,
                },
                None => {
                    // Not yet stale if created within the window.
                    if let Some(days) = role.create_date.and_then(age_days) {
                        if days * 86_400 <= limit_secs {
                            return;
                        }
                    }
                    format!("{} has never been used", role.name)
                }
            };
            out.push(
                Finding::new(
                    Self::DOC.id,
                    Self::DOC.severity,
                    role.arn,
                    role.account,
                    "",
                    message,
                )
                .with("lastUsed", last_used)
                .with("staleDays", cx.options.stale_days)
                .with(
                    "trusted",
                    role.entries
                        .iter()
                        .map(|(e, _, _)| e.principal.as_str())
                        .collect::<Vec<_>>(),
                ),
            );
        });
    }
}

fn parse_time(s: &str) -> Option<jiff::Timestamp> {
    s.parse::<jiff::Timestamp>().ok().or_else(|| {
        s.parse::<jiff::civil::Date>()
            .ok()
            .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
            .map(|z| z.timestamp())
    })
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    #[test]
    fn fires_on_old_and_never_used() {
        let mut f = Fixture::new(trust_doc(
            r#"{"AWS":"arn:aws:iam::222222222222:role/ci"}"#,
            "",
        ));
        assert!(f.run("TG011").is_empty(), "used 2 days ago");
        f.last_used = Some("2025-06-01T00:00:00Z".into());
        assert_eq!(f.run("TG011").len(), 1);
        f.last_used = None;
        assert_eq!(f.run("TG011").len(), 1);
        f.create_date = Some("2026-10-20T00:00:00Z".into());
        assert!(f.run("TG011").is_empty(), "new roles are not stale yet");
        let mut svc = Fixture::new(trust_doc(r#"{"Service":"ec2.amazonaws.com"}"#, ""));
        svc.last_used = None;
        assert!(svc.run("TG011").is_empty());
    }
}
