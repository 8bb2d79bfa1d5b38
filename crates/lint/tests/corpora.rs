//! Peers' test material (see tests/fixtures/README.md for sources and licences).

use serde::Deserialize;
use trustgate_lint::{lint_text, LintOptions, PolicyKind, Severity};

#[derive(Deserialize)]
struct Moto {
    invalid_policy_document_test_cases: Vec<MotoInvalid>,
    valid_policy_documents: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct MotoInvalid {
    document: serde_json::Value,
}

fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Invalid only by the rules of IAM's legacy date parser, which we do not reproduce (it
/// accepts `01T` and `-292275054` but rejects `234-13`): we warn (L027, the value never
/// matches) instead of erroring.
const DATE_ONLY: &[usize] = &[64, 72, 73, 74, 75];

/// As an identity policy, every document IAM rejects gets an Error, and none it accepts does.
#[test]
fn moto_identity_validation() {
    let m: Moto = serde_json::from_str(include_str!("fixtures/moto_policies.json")).unwrap();
    let opts = LintOptions {
        kind: PolicyKind::Identity,
    };
    let mut warned_only = Vec::new();
    for (i, c) in m.invalid_policy_document_test_cases.iter().enumerate() {
        let d = lint_text(&text(&c.document), &opts);
        if !d.iter().any(|x| x.severity == Severity::Error) {
            assert!(
                d.iter().any(|x| x.code == "L027"),
                "invalid case {i} got no error: {d:?}\n{}",
                text(&c.document)
            );
            warned_only.push(i);
        }
    }
    assert_eq!(warned_only, DATE_ONLY);
    for (i, doc) in m.valid_policy_documents.iter().enumerate() {
        let d = lint_text(&text(doc), &opts);
        let errors: Vec<_> = d.iter().filter(|x| x.severity == Severity::Error).collect();
        assert!(
            errors.is_empty(),
            "valid document {i} got errors: {errors:?}\n{}",
            text(doc)
        );
    }
}

#[derive(Deserialize)]
struct ParliamentCase {
    test: String,
    policy: String,
    expected_finding_ids: Vec<String>,
}

/// Parliament finding IDs our checks overlap with, and the code we report for each.
const MAP: &[(&str, &[&str])] = &[
    ("MALFORMED", &["L001", "L045"]),
    ("MALFORMED_JSON", &["L001"]),
    ("INVALID_ARN", &["L001", "L045"]),
    ("UNKNOWN_OPERATOR", &["L001"]),
    ("UNKNOWN_ACTION", &["L021"]),
    ("MISMATCHED_TYPE", &["L023", "L027"]),
    ("DUPLICATE_SID", &["L043"]),
    ("RESOURCE_MISMATCH", &["L025"]),
];

/// Cases where we deliberately differ from Parliament, with the reason.
const DISAGREEMENTS: &[(&str, &str)] = &[
    (
        "test_condition_operator",
        "an unknown operator (`bad`) is a grammar error AWS rejects: we stop there (L001) instead of also typing its keys",
    ),
    (
        "test_resource_policy_privilege_escalation_at_bucket_level",
        "Parliament requires every action a wildcard expands to (s3:ListAllMyBuckets in s3:*Bucket*) to fit a Resource; L025 checks that every Resource fits some action, which is what IAM itself would never reject",
    ),
];

#[test]
fn parliament_overlapping_findings() {
    let cases: Vec<ParliamentCase> =
        serde_json::from_str(include_str!("fixtures/parliament.json")).unwrap();
    let opts = LintOptions {
        kind: PolicyKind::Identity,
    };
    let mut disagreements = Vec::new();
    let mut checked = 0;
    for c in &cases {
        let ours: Vec<&str> = lint_text(&c.policy, &opts).iter().map(|d| d.code).collect();
        for id in &c.expected_finding_ids {
            let Some((_, codes)) = MAP.iter().find(|(p, _)| p == id) else {
                continue;
            };
            checked += 1;
            if !codes.iter().any(|code| ours.contains(code)) {
                disagreements.push(format!("{} ({id}): we report {ours:?}", c.test));
            }
        }
    }
    assert!(checked >= 10, "only {checked} overlapping expectations");
    let expected: Vec<&str> = DISAGREEMENTS.iter().map(|(t, _)| *t).collect();
    let got: Vec<String> = disagreements
        .iter()
        .map(|d| d.split(' ').next().unwrap().to_string())
        .collect();
    assert_eq!(got, expected, "{disagreements:#?}");
}
