//! policyuniverse's "is this statement internet accessible?" cases (Apache-2.0, see
//! tests/fixtures/README.md), answered with partial evaluation.
//!
//! The question is whether an attacker in an unrelated account can satisfy the statement. We
//! evaluate it as a resource policy for a caller in an unknown account, with every context key
//! unknown, and call it accessible when some alternative of the residual condition is one the
//! attacker can meet: negated conditions (the attacker avoids the value), keys the attacker
//! chooses (source IP, user agent…), and identity keys (source ARN/account, org ID, principal
//! ARN…) only when a value is a wildcard or names no specific account or organization.

use serde::Deserialize;
use trustgate_policy::{
    authorize, parse_policy, Atom, Context, DecisionKind, Labeled, PolicySet, Request,
};

#[derive(Deserialize)]
struct Case {
    statement_name: String,
    statement: serde_json::Value,
    expected_internet_accessible: bool,
}

/// Cases where we differ from policyuniverse, with the AWS rule behind our answer.
/// (None so far: every case agrees.)
const DISAGREEMENTS: &[(&str, &str)] = &[];

const IDENTITY_KEYS: &[&str] = &[
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourceaccount",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalarn",
    "aws:principalaccount",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:username",
];

fn names_specific_party(v: &str) -> bool {
    if v.contains('*') {
        return false;
    }
    let has_account = v
        .split(|c: char| !c.is_ascii_digit())
        .any(|d| d.len() == 12);
    // S3 bucket names are global: a bucket ARN names one owner even without an account.
    has_account
        || v.starts_with("o-")
        || v.starts_with("vpc")
        || v.starts_with("arn:aws:s3:::")
        || !v.contains(':')
}

fn attacker_can_meet(lit: &trustgate_policy::Literal) -> bool {
    if lit.negated {
        return true;
    }
    match lit.atom.as_ref() {
        Atom::Condition { key, values, .. } => {
            let k = key.to_ascii_lowercase();
            if IDENTITY_KEYS.contains(&k.as_str()) {
                values.iter().any(|v| !names_specific_party(v))
            } else {
                true
            }
        }
        Atom::Assumption { .. } | Atom::Resource { .. } => true,
    }
}

fn accessible(statement: &serde_json::Value) -> bool {
    let doc = format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#);
    // A statement AWS would not store (e.g. a bare ARN string as Principal) grants nothing.
    let Ok(policy) = parse_policy(&doc) else {
        return false;
    };
    let action = statement["Action"]
        .as_array()
        .and_then(|a| a[0].as_str())
        .unwrap_or("rds:DescribeDBInstances")
        .replace('*', "DescribeDBInstances");
    let req = Request::new(
        "arn:aws:iam::999999999999:role/attacker",
        &action,
        "arn:aws:rds:us-east-1:012345678910:db:victim",
        Some("012345678910"),
        Context::partial(),
    )
    .unwrap();
    let set = PolicySet {
        identity_unknown: true,
        resource: Some(Labeled::new("statement", &policy)),
        ..Default::default()
    };
    let d = authorize(&req, &set, false);
    match d.kind {
        DecisionKind::Allow => true,
        DecisionKind::Conditional => d
            .allowed_when
            .to_dnf(64)
            .unwrap_or_default()
            .iter()
            .any(|clause| clause.iter().all(attacker_can_meet)),
        _ => false,
    }
}

#[test]
fn internet_accessible_statements() {
    let cases: Vec<Case> = serde_json::from_str(include_str!(
        "fixtures/policyuniverse_internet_accessible.json"
    ))
    .unwrap();
    let mut differ = Vec::new();
    for c in &cases {
        let ours = accessible(&c.statement);
        if ours != c.expected_internet_accessible {
            differ.push(format!(
                "{} (expected {}, ours {ours})",
                c.statement_name, c.expected_internet_accessible
            ));
        }
    }
    let names: Vec<String> = differ
        .iter()
        .map(|d| d.split(' ').next().unwrap().to_string())
        .collect();
    let expected: Vec<&str> = DISAGREEMENTS.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, expected, "{differ:#?}");
}
