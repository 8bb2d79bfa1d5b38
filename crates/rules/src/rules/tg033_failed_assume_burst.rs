use crate::context::ScanContext;
use crate::finding::{Finding, Severity};
use trustgate_trail::format_time;

crate::declare_rule!(FailedAssumeBurst {
    id: "TG033",
    name: "failed-assume-burst",
    title: "A burst of failed role assumptions: someone probing (CloudTrail)",
    severity: Medium,
    what: "With a trail: finds callers with at least `--burst-threshold` (default 10) failed `AssumeRole*` / `GetFederationToken` calls or failed console role switches within one window of `--burst-minutes` (default 10) minutes. Windows are aligned to the clock (they start at multiples of their length since 1970-01-01 UTC), so a burst split across two windows counts in each. High when the caller is outside the organization or its account is unknown.",
    why: "Legitimate callers know which roles they may assume and rarely fail many times in a row. A run of AccessDenied over several roles is what enumeration looks like: an attacker with some credentials trying every role name it can guess or find, or a tool scanning for trust misconfigurations.",
    example: "arn:aws:iam::123456789012:user/scanner: 24 AccessDenied on 8 roles of prod between 03:00 and 03:10",
    fix: "Identify the caller and its credentials' owner; if unexpected, disable the credentials and check whether any assumption by the same caller succeeded (TG030, TG031). Make sure the probed roles' trust policies name specific principals.",
});

impl FailedAssumeBurst {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        let Some(trail) = cx.trail else { return };
        let threshold = trail.options().burst_threshold.max(1);
        for b in &trail.input.usage.bursts {
            let s = &b.stats;
            if s.failures < threshold {
                continue;
            }
            let outside = s
                .caller_account
                .as_deref()
                .is_none_or(|a| !(cx.is_internal)(a));
            let severity = if outside {
                Severity::High
            } else {
                Self::DOC.severity
            };
            let start = format_time(b.window_start);
            let end = format_time(b.window_start + b.window_seconds);
            out.push(
                Finding::new(
                    Self::DOC.id,
                    severity,
                    &b.caller,
                    s.caller_account.as_deref().unwrap_or(""),
                    &start,
                    format!(
                        "{}: {} failed role assumption(s) ({} AccessDenied) on {} role(s) between {start} and {end}",
                        b.caller,
                        s.failures,
                        s.access_denied,
                        s.targets.values.len()
                    ),
                )
                .with("caller", &b.caller)
                .with("callerAccount", &s.caller_account)
                .with("windowStart", &start)
                .with("windowEnd", &end)
                .with("failures", s.failures)
                .with("accessDenied", s.access_denied)
                .with("roles", &s.targets.values)
                .with("rolesTruncated", s.targets.truncated)
                .with("sourceIps", &s.source_ips.values),
            );
        }
    }
}
