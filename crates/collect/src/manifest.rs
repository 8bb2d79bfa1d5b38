//! `collect-manifest.json`: what a collection took, from where, and what it could not take.
//!
//! The model loader reads only the files of the snapshot layout (`<12-digit-id>.json`,
//! `organization.json`, `roles/`, `resources/`, `credential-report-*.csv`), so this file sits
//! beside them without being mistaken for an account. It never holds credentials: the caller is
//! named by its ARN, the External ID only by whether one was sent.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::snapshot::{SnapshotDir, WriteError};

pub const MANIFEST_FILE: &str = "collect-manifest.json";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Manifest {
    /// `trustgate collect <version>`.
    pub tool: String,
    pub started_at: String,
    /// `None` while the collection runs (a manifest without it is from an interrupted run).
    pub finished_at: Option<String>,
    /// Who collected: the ARN `sts:GetCallerIdentity` returned.
    pub caller_arn: String,
    pub caller_account_id: String,
    pub mode: Mode,
    pub organization_id: Option<String>,
    pub role_name: String,
    pub session_name: String,
    pub external_id_sent: bool,
    pub regions: Vec<String>,
    /// True only when every requested account and region was collected without a failure.
    pub complete: bool,
    /// Failures that are not of one account (Organizations calls).
    pub failures: Vec<Failure>,
    pub accounts: Vec<AccountOutcome>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// The accounts of the organization, through the audit role.
    Organization,
    /// `--no-org`: the caller's account only.
    SingleAccount,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountOutcome {
    pub id: String,
    pub name: Option<String>,
    pub status: Status,
    /// `assumed-role` (the audit role) or `caller` (the caller's own account, its own credentials).
    pub access: Option<String>,
    /// Files written for this account, relative to the snapshot directory.
    pub files: Vec<String>,
    pub regions: Vec<RegionOutcome>,
    pub failures: Vec<Failure>,
    /// Why an account was not collected at all when that is not a failure (suspended).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub skipped: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegionOutcome {
    pub region: String,
    pub status: Status,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Everything was collected.
    Complete,
    /// Some files were written, some calls failed (see the failures).
    Partial,
    /// Nothing usable: no authorization details for an account, nothing for a region.
    Failed,
    /// Not collected, on purpose (see `skipped`).
    Skipped,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Complete => "complete",
            Status::Partial => "partial",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
        })
    }
}

/// One call that failed for good (after the SDK's retries).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Failure {
    /// The API action, as in the audit role's policy (`sts:AssumeRole`).
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub region: Option<String>,
    /// The resource the call was about (a bucket, a queue URL…), when it was about one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub resource: Option<String>,
    /// The error, redacted.
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.action)?;
        if let Some(r) = &self.region {
            write!(f, " in {r}")?;
        }
        if let Some(r) = &self.resource {
            write!(f, " on {r}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl Manifest {
    /// Recomputes `complete` from the parts: no failure anywhere, every account complete or
    /// skipped on purpose.
    pub fn settle(&mut self) {
        self.complete = self.failures.is_empty()
            && self
                .accounts
                .iter()
                .all(|a| matches!(a.status, Status::Complete | Status::Skipped));
    }

    pub fn write(&self, dir: &SnapshotDir) -> Result<(), WriteError> {
        dir.write_json(MANIFEST_FILE, self).map(|_| ())
    }

    /// Reads the manifest of a collected snapshot, if it has one.
    pub fn read(snapshot_dir: &Path) -> Result<Option<Manifest>, String> {
        let path = snapshot_dir.join(MANIFEST_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| format!("{}: {}:{}: {e}", path.display(), e.line(), e.column()))
    }

    /// The human summary: counts, then each account or region that is not complete, and why.
    pub fn summary(&self) -> Vec<String> {
        let count = |s: Status| self.accounts.iter().filter(|a| a.status == s).count();
        let mut lines = vec![format!(
            "collected {} account(s): {} complete, {} partial, {} failed, {} skipped; regions {}; snapshot {}",
            self.accounts.len(),
            count(Status::Complete),
            count(Status::Partial),
            count(Status::Failed),
            count(Status::Skipped),
            self.regions.join(","),
            if self.complete { "complete" } else { "PARTIAL (see collect-manifest.json)" },
        )];
        for f in &self.failures {
            lines.push(format!("  organization: {f}"));
        }
        for a in &self.accounts {
            match a.status {
                Status::Complete => {}
                Status::Skipped => lines.push(format!(
                    "  {}: skipped: {}",
                    a.id,
                    a.skipped.as_deref().unwrap_or("")
                )),
                Status::Partial | Status::Failed => {
                    let failed_regions: Vec<&str> = a
                        .regions
                        .iter()
                        .filter(|r| r.status != Status::Complete)
                        .map(|r| r.region.as_str())
                        .collect();
                    let mut head = format!("  {}: {}", a.id, a.status);
                    if !failed_regions.is_empty() {
                        head.push_str(&format!(
                            " (regions not complete: {})",
                            failed_regions.join(",")
                        ));
                    }
                    lines.push(head);
                    for f in &a.failures {
                        lines.push(format!("    {f}"));
                    }
                }
            }
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest {
            tool: "trustgate collect test".into(),
            started_at: "2025-01-01T00:00:00Z".into(),
            finished_at: Some("2025-01-01T00:01:00Z".into()),
            caller_arn: "arn:aws:iam::111111111111:user/auditor".into(),
            caller_account_id: "111111111111".into(),
            mode: Mode::Organization,
            organization_id: Some("o-abc".into()),
            role_name: "TrustgateAudit".into(),
            session_name: "trustgate-collect".into(),
            external_id_sent: true,
            regions: vec!["us-east-1".into()],
            complete: false,
            failures: vec![],
            accounts: vec![AccountOutcome {
                id: "222222222222".into(),
                name: Some("prod".into()),
                status: Status::Complete,
                access: Some("assumed-role".into()),
                files: vec!["222222222222.json".into()],
                regions: vec![RegionOutcome {
                    region: "us-east-1".into(),
                    status: Status::Complete,
                }],
                failures: vec![],
                skipped: None,
            }],
        }
    }

    #[test]
    fn complete_only_without_failures() {
        let mut m = manifest();
        m.settle();
        assert!(m.complete);
        m.accounts[0].status = Status::Partial;
        m.accounts[0].failures.push(Failure {
            action: "sqs:ListQueues".into(),
            region: Some("us-east-1".into()),
            resource: None,
            message: "AccessDenied".into(),
        });
        m.accounts[0].regions[0].status = Status::Failed;
        m.settle();
        assert!(!m.complete);
        let summary = m.summary().join("\n");
        assert!(summary.contains("PARTIAL"), "{summary}");
        assert!(
            summary.contains("222222222222: partial (regions not complete: us-east-1)"),
            "{summary}"
        );
        assert!(
            summary.contains("sqs:ListQueues in us-east-1: AccessDenied"),
            "{summary}"
        );
    }

    #[test]
    fn organization_failures_make_it_partial() {
        let mut m = manifest();
        m.failures.push(Failure {
            action: "organizations:ListPolicies".into(),
            region: None,
            resource: None,
            message: "denied".into(),
        });
        m.settle();
        assert!(!m.complete);
    }

    #[test]
    fn round_trips_and_loader_ignores_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = SnapshotDir::create(&dir.path().join("snap")).unwrap();
        let m = manifest();
        m.write(&out).unwrap();
        assert_eq!(Manifest::read(out.root()).unwrap(), Some(m));
        assert_eq!(Manifest::read(dir.path()).unwrap(), None);
    }
}
