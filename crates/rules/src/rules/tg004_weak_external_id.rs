use std::collections::BTreeMap;

use crate::context::ScanContext;
use crate::finding::Finding;
use crate::registry::Scope;

crate::declare_rule!(WeakExternalId {
    id: "TG004",
    name: "weak-external-id",
    title: "External ID is short, guessable, a wildcard, or reused across trusted parties",
    severity: Medium,
    what: "Checks every `sts:ExternalId` a trust policy requires: shorter than 12 characters, all digits, one repeated character, a common word (`externalid`, `test`, `secret`…), the account ID itself, a wildcard (`StringLike` with `*`), or the same value used for different trusted accounts.",
    why: "The External ID only defeats the confused deputy if the vendor generates a unique, unguessable value per customer. A guessable or shared value lets another customer of the same vendor — or anyone who learns it — steer the vendor into your account.",
    example: "{\"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"12345\"}}}",
    fix: "Use the unique External ID the vendor generated for you (typically a UUID). If the vendor lets customers pick it, generate a random value of 32+ characters and never reuse it for another vendor.",
});

const COMMON: [&str; 10] = [
    "externalid",
    "external-id",
    "external_id",
    "test",
    "secret",
    "password",
    "changeme",
    "default",
    "example",
    "vendor",
];

/// Why an External ID value is weak, if it is.
pub fn weakness(value: &str, role_account: &str) -> Option<&'static str> {
    let lower = value.to_ascii_lowercase();
    if value.contains('*') || value.contains('?') {
        return Some("is a wildcard pattern, which any value matches");
    }
    if value.len() < 12 {
        return Some("is shorter than 12 characters");
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        return Some("is all digits");
    }
    if value.chars().all(|c| value.starts_with(c)) {
        return Some("repeats one character");
    }
    if COMMON.iter().any(|w| lower.contains(w)) {
        return Some("contains a common word");
    }
    if value.contains(role_account) {
        return Some("contains the account ID");
    }
    None
}

impl WeakExternalId {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        // Which trusted principals use each External ID value, across the whole snapshot.
        let mut users: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for role in cx.roles {
            for (entry, scope, _) in &role.entries {
                if !matches!(scope, Scope::ThirdParty | Scope::Internal | Scope::Public) {
                    continue;
                }
                for v in &entry.external_ids {
                    let who = entry.account.as_deref().unwrap_or(entry.principal.as_str());
                    let list = users.entry(v.as_str()).or_default();
                    if !list.contains(&who) {
                        list.push(who);
                    }
                }
            }
        }
        for role in cx.roles {
            for (entry, _, vendor) in &role.entries {
                for v in &entry.external_ids {
                    let reused = users.get(v.as_str()).map(|l| l.len()).unwrap_or(0) > 1;
                    let reason = match weakness(v, role.account) {
                        Some(r) => r.to_string(),
                        None if reused => "is also required for other trusted accounts".to_string(),
                        None => continue,
                    };
                    out.push(
                        Finding::new(
                            Self::DOC.id,
                            Self::DOC.severity,
                            role.arn,
                            role.account,
                            &entry.principal,
                            format!(
                                "{}: the External ID required of {}{} {reason}",
                                role.name,
                                entry.principal,
                                vendor
                                    .as_deref()
                                    .map(|v| format!(" ({v})"))
                                    .unwrap_or_default()
                            ),
                        )
                        .with("trusted", &entry.principal)
                        .with("weakness", &reason)
                        .with(
                            "reusedBy",
                            users.get(v.as_str()).cloned().unwrap_or_default(),
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::weakness;
    use crate::testing::*;

    #[test]
    fn judges_values() {
        assert!(weakness("12345", "111111111111").is_some());
        assert!(weakness("123456789012345", "1").is_some());
        assert!(weakness("my-externalid-value", "1").is_some());
        assert!(weakness("abc*", "1").is_some());
        assert!(weakness("9f8e7d6c-5b4a-4321-9876-abcdef012345", "111111111111").is_none());
    }

    #[test]
    fn fires_on_weak_and_reused() {
        let weak = r#","Condition":{"StringEquals":{"sts:ExternalId":"12345"}}"#;
        assert_eq!(
            run_on_trust("TG004", r#"{"AWS":"arn:aws:iam::464622532012:root"}"#, weak).len(),
            1
        );
        let good = r#","Condition":{"StringEquals":{"sts:ExternalId":"9f8e7d6c-5b4a-4321-9876-abcdef012345"}}"#;
        assert!(
            run_on_trust("TG004", r#"{"AWS":"arn:aws:iam::464622532012:root"}"#, good).is_empty()
        );
        let reused = trust_doc(
            r#"{"AWS":["arn:aws:iam::464622532012:root","arn:aws:iam::999999999999:root"]}"#,
            r#","Condition":{"StringEquals":{"sts:ExternalId":"9f8e7d6c-5b4a-4321-9876-abcdef012345"}}"#,
        );
        assert_eq!(Fixture::new(reused).run("TG004").len(), 2);
    }
}
