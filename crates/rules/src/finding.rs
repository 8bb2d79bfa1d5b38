//! What a rule reports.

use rayon::slice::ParallelSliceMut;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use crate::details::Details;

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// One step up (capped at critical): used when the role at stake is admin-equivalent.
    pub fn raised(self) -> Severity {
        match self {
            Severity::Info => Severity::Low,
            Severity::Low => Severity::Medium,
            Severity::Medium => Severity::High,
            Severity::High | Severity::Critical => Severity::Critical,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("unknown severity `{s}` (expected info, low, medium, high or critical)")
            })
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Rule ID such as `TG001`.
    pub rule: String,
    pub severity: Severity,
    /// ARN of the role, policy or resource at fault.
    pub resource: String,
    /// The account that owns `resource`.
    pub account: String,
    pub message: String,
    /// Rule-specific facts (trusted principal, statement, conditions…).
    #[serde(default)]
    pub details: Details,
    /// Stable identity of the finding across runs, for baselines: rule, resource and the
    /// rule's subject (e.g. the trusted principal).
    pub fingerprint: String,
}

impl Finding {
    pub fn new(
        rule: &str,
        severity: Severity,
        resource: impl Into<String>,
        account: impl Into<String>,
        subject: &str,
        message: impl Into<String>,
    ) -> Finding {
        let resource = resource.into();
        let fingerprint = if subject.is_empty() {
            format!("{rule}|{resource}")
        } else {
            format!("{rule}|{resource}|{subject}")
        };
        Finding {
            rule: rule.to_string(),
            severity,
            resource,
            account: account.into(),
            message: message.into(),
            details: Details::default(),
            fingerprint,
        }
    }

    /// Adds a detail (builder style).
    pub fn with(mut self, key: &str, value: impl Serialize) -> Finding {
        self.details.insert(key, value);
        self
    }
}

/// Counts over a scan, for the `summary` object of the JSON output.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub accounts: usize,
    pub roles: usize,
    pub relationships: usize,
    /// Findings reported (after the baseline).
    pub findings: usize,
    /// Findings per severity (every severity present, zeros included).
    pub by_severity: std::collections::BTreeMap<String, usize>,
    /// Findings per rule ID.
    pub by_rule: std::collections::BTreeMap<String, usize>,
    /// Findings accepted by the baseline and therefore not reported.
    pub suppressed_by_baseline: usize,
}

/// What `trustgate scan` produces: `{"findings": [...], "summary": {...}, "warnings": [...]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScanOutput {
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// Things the scan could not read or decide (skipped accounts, unknown policies…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The order of findings in every output: severity first, then rule, account, resource.
pub fn report_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    b.severity
        .cmp(&a.severity)
        .then_with(|| a.rule.cmp(&b.rule))
        .then_with(|| a.account.cmp(&b.account))
        .then_with(|| a.resource.cmp(&b.resource))
        .then_with(|| a.fingerprint.cmp(&b.fingerprint))
}

/// Sorts one rule's findings in report order (stable), as [`ScanOutput::finish_rules`] takes
/// them.
pub fn sort_rule_findings(findings: &mut [Finding]) {
    findings.par_sort_by(report_order);
}

impl ScanOutput {
    /// Sorts findings (severity first, then rule, account, resource) and fills the counts.
    pub fn finish(&mut self) {
        self.findings.par_sort_by(report_order);
        self.count();
    }

    /// [`ScanOutput::finish`] for findings kept per rule (replacing [`ScanOutput::findings`]),
    /// each list already sorted with
    /// [`sort_rule_findings`]: they are laid end to end by severity and rule, which gives
    /// exactly the order (and, for equal findings, the tie order) of sorting them all after
    /// concatenating the lists, without moving hundreds of MB through a merge sort. Lists
    /// holding more than one rule's findings are sorted the long way.
    pub fn finish_rules(&mut self, rules: Vec<Vec<Finding>>) {
        let single_rule = rules
            .iter()
            .all(|list| list.windows(2).all(|w| w[0].rule == w[1].rule));
        if !single_rule {
            self.findings = rules.into_iter().flatten().collect();
            self.finish();
            return;
        }
        // Runs of one severity in one rule's list: (severity, rule, list index, start, end).
        let mut runs: Vec<(Severity, &str, usize, usize, usize)> = Vec::new();
        for (li, list) in rules.iter().enumerate() {
            let mut start = 0;
            while start < list.len() {
                let severity = list[start].severity;
                let end = start
                    + list[start..]
                        .iter()
                        .take_while(|f| f.severity == severity)
                        .count();
                runs.push((severity, &list[start].rule, li, start, end));
                start = end;
            }
        }
        // Stable: two lists of the same rule keep their order, as concatenation would.
        runs.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let order: Vec<(usize, usize, usize)> = runs
            .into_iter()
            .map(|(_, _, li, s, e)| (li, s, e))
            .collect();
        let mut lists: Vec<std::vec::IntoIter<Finding>> = Vec::with_capacity(rules.len());
        let total = rules.iter().map(Vec::len).sum();
        let mut taken = vec![0; rules.len()];
        lists.extend(rules.into_iter().map(Vec::into_iter));
        let mut findings = Vec::with_capacity(total);
        for (li, start, end) in order {
            debug_assert_eq!(taken[li], start, "runs of a list are taken in order");
            findings.extend(lists[li].by_ref().take(end - start));
            taken[li] = end;
        }
        self.findings = findings;
        self.count();
    }

    /// Fills the summary's counts from the findings.
    fn count(&mut self) {
        self.summary.findings = self.findings.len();
        self.summary.by_severity = Severity::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), 0))
            .collect();
        self.summary.by_rule.clear();
        for f in &self.findings {
            *self
                .summary
                .by_severity
                .entry(f.severity.as_str().into())
                .or_default() += 1;
            *self.summary.by_rule.entry(f.rule.clone()).or_default() += 1;
        }
    }

    /// The highest severity reported, if any.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Findings of several rules with every severity, repeated accounts and resources, and
    /// exact duplicates (whose tie order must be kept), in an order no sort produced.
    fn lists(rules: &[&str], per_rule: usize) -> Vec<Vec<Finding>> {
        let mut seed = 7u64;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        rules
            .iter()
            .map(|rule| {
                (0..per_rule)
                    .map(|i| {
                        let severity = Severity::ALL[next(5) as usize];
                        let account = format!("11111111111{}", next(3));
                        let resource = format!("arn:aws:iam::{account}:role/r{}", next(4));
                        Finding::new(rule, severity, resource, account, "", format!("#{i}"))
                    })
                    .collect()
            })
            .collect()
    }

    fn sorted_the_long_way(lists: &[Vec<Finding>]) -> ScanOutput {
        let mut out = ScanOutput {
            findings: lists.iter().flatten().cloned().collect(),
            ..Default::default()
        };
        out.finish();
        out
    }

    #[test]
    fn rule_lists_laid_end_to_end_are_the_full_sort() {
        for (rules, n) in [
            (vec!["TG011", "TG001", "TG018", "TG003"], 60),
            (vec!["TG002"], 1),
            (vec![], 0),
            (vec!["TG005", "TG004"], 0),
        ] {
            let mut lists = lists(&rules, n);
            let expected = sorted_the_long_way(&lists);
            for list in &mut lists {
                sort_rule_findings(list);
            }
            let mut out = ScanOutput::default();
            out.finish_rules(lists);
            assert_eq!(out, expected, "{rules:?}");
        }
    }

    #[test]
    fn a_list_of_several_rules_is_sorted_the_long_way() {
        let mut lists = lists(&["TG008", "TG009"], 20);
        let other = lists.pop().unwrap();
        lists[0].extend(other);
        let expected = sorted_the_long_way(&lists);
        sort_rule_findings(&mut lists[0]);
        let mut out = ScanOutput::default();
        out.finish_rules(lists);
        assert_eq!(out, expected);
    }
}
