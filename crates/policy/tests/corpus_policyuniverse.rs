//! policyuniverse's "is this statement internet accessible?" cases (Apache-2.0, see
//! tests/fixtures/README.md), answered with partial evaluation (see tests/common/mod.rs).
//!
use serde::Deserialize;

mod common;
use common::accessible;

#[derive(Deserialize)]
struct Case {
    statement_name: String,
    statement: serde_json::Value,
    expected_internet_accessible: bool,
}

/// Cases where we differ from policyuniverse, with the AWS rule behind our answer.
/// (None so far: every case agrees.)
const DISAGREEMENTS: &[(&str, &str)] = &[];

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
