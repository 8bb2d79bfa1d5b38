//! Baselines: findings a team has reviewed and accepted, with an owner and a review date.
//!
//! ```json
//! { "accepted": [
//!     { "rule": "TG003", "resource": "arn:aws:iam::111122223333:role/vendor",
//!       "fingerprint": "TG003|arn:…|arn:aws:iam::999988887777:root",
//!       "owner": "platform-team", "reason": "vendor contract #42", "reviewBy": "2027-03-31" } ] }
//! ```
//! An entry matches a finding by `fingerprint` when given, else by `rule` and `resource`.
//! Accepted findings are not reported; an entry past its `reviewBy` date no longer
//! suppresses anything and is itself reported (TG099), so acceptances cannot silently outlive
//! their review.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::{Finding, ScanOutput, Severity};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Baseline {
    pub accepted: Vec<Acceptance>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Acceptance {
    pub rule: String,
    pub resource: String,
    #[serde(default)]
    pub fingerprint: Option<String>,
    pub owner: String,
    #[serde(default)]
    pub reason: Option<String>,
    /// `YYYY-MM-DD`.
    pub review_by: String,
}

crate::declare_rule!(ExpiredBaseline {
    id: "TG099",
    name: "expired-baseline",
    title: "Baseline acceptance past its review date",
    severity: Medium,
    what: "Reports every `--baseline` entry whose `reviewBy` date has passed. The finding it accepted is reported again as well.",
    why: "Accepted risk is only acceptable while someone owns it. A quarterly review that does not happen should show up, not leave old exceptions in force forever.",
    example: "{\"rule\": \"TG003\", \"resource\": \"arn:aws:iam::111122223333:role/vendor\", \"owner\": \"platform-team\", \"reviewBy\": \"2025-01-31\"}",
    fix: "Review the relationship with its owner, then either fix the finding or renew the entry with a new `reviewBy` date.",
});

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let b: Baseline = trustgate_policy::from_slice_with_path(&bytes)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        for (i, a) in b.accepted.iter().enumerate() {
            if a.review_by.parse::<jiff::civil::Date>().is_err() {
                return Err(format!(
                    "{}: at accepted[{i}].reviewBy: `{}` is not a date (expected YYYY-MM-DD)",
                    path.display(),
                    a.review_by
                ));
            }
        }
        Ok(b)
    }

    fn matches(a: &Acceptance, f: &Finding) -> bool {
        match &a.fingerprint {
            Some(fp) => *fp == f.fingerprint,
            None => a.rule.eq_ignore_ascii_case(&f.rule) && a.resource == f.resource,
        }
    }

    /// Removes accepted findings and reports expired acceptances.
    pub fn apply(&self, out: &mut ScanOutput, now: jiff::Timestamp) {
        let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
        let mut expired = Vec::new();
        let live: Vec<&Acceptance> = self
            .accepted
            .iter()
            .filter(|a| {
                let due: jiff::civil::Date = a.review_by.parse().expect("validated on load");
                if due < today {
                    expired.push(*a);
                    false
                } else {
                    true
                }
            })
            .collect();
        let before = out.findings.len();
        out.findings
            .retain(|f| !live.iter().any(|a| Self::matches(a, f)));
        out.summary.suppressed_by_baseline = before - out.findings.len();
        for a in expired {
            out.findings.push(
                Finding::new(
                    ExpiredBaseline::DOC.id,
                    Severity::Medium,
                    &a.resource,
                    trustgate_policy::Arn::parse(&a.resource)
                        .map(|x| x.account.to_string())
                        .unwrap_or_default(),
                    a.fingerprint.as_deref().unwrap_or(&a.rule),
                    format!(
                        "the baseline acceptance of {} on {} (owner {}) was due for review on {}",
                        a.rule, a.resource, a.owner, a.review_by
                    ),
                )
                .with("owner", &a.owner)
                .with("reviewBy", &a.review_by)
                .with("reason", &a.reason),
            );
        }
        out.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppresses_and_expires() {
        let mut out = ScanOutput {
            findings: vec![
                Finding::new("TG003", Severity::High, "arn:a", "1", "x", "m"),
                Finding::new("TG009", Severity::Low, "arn:b", "1", "", "m"),
            ],
            ..Default::default()
        };
        let b = Baseline {
            accepted: vec![
                Acceptance {
                    rule: "TG003".into(),
                    resource: "arn:a".into(),
                    fingerprint: None,
                    owner: "me".into(),
                    reason: None,
                    review_by: "2027-01-01".into(),
                },
                Acceptance {
                    rule: "TG009".into(),
                    resource: "arn:b".into(),
                    fingerprint: None,
                    owner: "me".into(),
                    reason: None,
                    review_by: "2026-01-01".into(),
                },
            ],
        };
        b.apply(&mut out, "2026-11-01T00:00:00Z".parse().unwrap());
        let rules: Vec<&str> = out.findings.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(rules, vec!["TG099", "TG009"], "medium sorts before low");
        assert_eq!(out.summary.suppressed_by_baseline, 1);
    }
}
