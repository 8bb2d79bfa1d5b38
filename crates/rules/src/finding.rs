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

impl ScanOutput {
    /// Sorts findings (severity first, then rule, account, resource) and fills the counts.
    pub fn finish(&mut self) {
        self.findings.par_sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.rule.cmp(&b.rule))
                .then_with(|| a.account.cmp(&b.account))
                .then_with(|| a.resource.cmp(&b.resource))
                .then_with(|| a.fingerprint.cmp(&b.fingerprint))
        });
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
