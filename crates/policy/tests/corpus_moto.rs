//! moto's IAM policy validation cases (Apache-2.0, see tests/fixtures/README.md).
//!
//! trustgate's parser reads every kind of policy (identity, trust, bucket, SCP…), so it rejects
//! what is malformed in any policy and accepts what only IAM *identity-policy* validation
//! rejects (missing or 2008 Version, missing Resource, ARN partition/region rules, duplicate
//! Sids, malformed condition values) — that validation is the lint's job. The table below
//! says, for each invalid case the parser accepts, why; the test fails if behaviour changes in
//! either direction.

use serde::Deserialize;
use trustgate_policy::parse_policy;

#[derive(Deserialize)]
struct Corpus {
    invalid_policy_document_test_cases: Vec<Invalid>,
    valid_policy_documents: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct Invalid {
    document: serde_json::Value,
    error_message: String,
}

/// Invalid for IAM identity policies, accepted by the general parser (index, why).
const ACCEPTED_BY_DESIGN: &[(usize, &str)] = &[
    (
        1,
        "no Version: valid for resource policies (treated as 2008-10-17)",
    ),
    (2, "Version 2008-10-17: valid for bucket/queue policies"),
    (25, "partition rules are identity-policy validation (lint)"),
    (
        26,
        "an empty Statement list is a valid (empty) policy document",
    ),
    (27, "no Resource: trust policies have none"),
    (
        35,
        "IAM resource path rules are identity-policy validation (lint)",
    ),
    (
        36,
        "ARN segment rules are identity-policy validation (lint)",
    ),
    (
        38,
        "ARN segment rules are identity-policy validation (lint)",
    ),
    (55, "region rules are identity-policy validation (lint)"),
    (56, "region rules are identity-policy validation (lint)"),
    (
        64,
        "malformed Date values never match at evaluation; flagged by lint",
    ),
    (65, "no Version: see 1"),
    (
        68,
        "ARN segment rules are identity-policy validation (lint)",
    ),
    (
        71,
        "ARN segment rules are identity-policy validation (lint)",
    ),
    (
        72,
        "malformed Date values never match at evaluation; flagged by lint",
    ),
    (
        73,
        "malformed Date values never match at evaluation; flagged by lint",
    ),
    (
        74,
        "malformed Date values never match at evaluation; flagged by lint",
    ),
    (
        75,
        "malformed Date values never match at evaluation; flagged by lint",
    ),
    (
        76,
        "partition rules and malformed Date values: see 25 and 64",
    ),
    (
        77,
        "ARN segment rules are identity-policy validation (lint)",
    ),
];

fn corpus() -> Corpus {
    serde_json::from_str(include_str!("fixtures/moto_policies.json")).unwrap()
}

fn text(doc: &serde_json::Value) -> String {
    match doc {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn valid_documents_parse() {
    for (i, doc) in corpus().valid_policy_documents.iter().enumerate() {
        if let Err(e) = parse_policy(&text(doc)) {
            panic!("valid document {i} rejected: {e}\n{doc}");
        }
    }
}

#[test]
fn invalid_documents_are_rejected_or_accepted_by_design() {
    let mut accepted = Vec::new();
    for (i, case) in corpus()
        .invalid_policy_document_test_cases
        .iter()
        .enumerate()
    {
        match parse_policy(&text(&case.document)) {
            Ok(_) => accepted.push(i),
            Err(e) => {
                assert!(!e.message.is_empty(), "case {i}: empty message");
                assert!(
                    e.line > 0 || (!e.path.is_empty() && e.path != "."),
                    "case {i} ({}): error without a place: {e:?}",
                    case.error_message
                );
            }
        }
    }
    let expected: Vec<usize> = ACCEPTED_BY_DESIGN.iter().map(|(i, _)| *i).collect();
    assert_eq!(accepted, expected, "the parser's accepted set changed");
}
