use crate::context::ScanContext;
use crate::finding::{Finding, Severity};

crate::declare_rule!(OldAccessKey {
    id: "TG020",
    name: "old-access-key",
    title: "Active access key older than --key-max-age days, or unused for as long",
    severity: Medium,
    what: "Reads each account's credential report. Reports every active access key created or last rotated more than `--key-max-age` days ago (default 90), and every active key not used for as long (or never used, once it is that old). An active access key of the account root is reported as high whatever its age.",
    why: "The older a key, the more places it has been copied to. An active key nobody uses is pure risk: it is access that can only be used by someone who should not have it. Root keys cannot be limited by any policy.",
    example: "alice access key 1: last rotated 2024-03-02 (630 days), last used 2026-11-20",
    fix: "Rotate the key (create a second key, switch the workload, deactivate then delete the old one), or delete it when unused. Prefer roles and federation so no key is needed; delete root access keys.",
});

impl OldAccessKey {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        let Some(snap) = cx.snapshot else { return };
        let now = cx.options.now;
        let max_age = i64::from(cx.options.key_max_age_days);
        let days = |t: jiff::Timestamp| (now.as_second() - t.as_second()).div_euclid(86_400);
        for report in &snap.credential_reports {
            for row in &report.rows {
                for key in row.active_keys() {
                    let who = if row.is_root() {
                        "the account root".to_string()
                    } else {
                        row.user.clone()
                    };
                    let age = key.last_rotated.map(days);
                    let unused = match key.last_used {
                        Some(t) => Some(days(t)),
                        // Never used: as old as the key.
                        None => age,
                    };
                    let mut reasons = Vec::new();
                    if let Some(a) = age.filter(|&a| a > max_age) {
                        reasons.push(format!("not rotated for {a} days"));
                    }
                    match (key.last_used, unused) {
                        (None, Some(u)) if u > max_age => {
                            reasons.push(format!("never used in {u} days"))
                        }
                        (Some(_), Some(u)) if u > max_age => {
                            reasons.push(format!("unused for {u} days"))
                        }
                        _ => {}
                    }
                    if row.is_root() {
                        reasons.insert(0, "root access key is active".to_string());
                    }
                    if reasons.is_empty() {
                        continue;
                    }
                    let severity = if row.is_root() {
                        Severity::High
                    } else {
                        Self::DOC.severity
                    };
                    let resource = if row.is_root() {
                        format!("arn:aws:iam::{}:root", report.account_id)
                    } else {
                        row.arn.clone()
                    };
                    out.push(
                        Finding::new(
                            Self::DOC.id,
                            severity,
                            &resource,
                            &report.account_id,
                            &format!("key{}", key.slot),
                            format!(
                                "{who} access key {}: {} (limit {max_age} days)",
                                key.slot,
                                reasons.join(", ")
                            ),
                        )
                        .with("keySlot", key.slot)
                        .with("lastRotated", key.last_rotated.map(|t| t.to_string()))
                        .with("lastUsed", key.last_used.map(|t| t.to_string()))
                        .with("source", report.source.display().to_string()),
                    );
                }
            }
        }
    }
}
