//! Prowler's IAM policy library asserts (Apache-2.0, see tests/fixtures/README.md) for the
//! questions trustgate's engine answers: is a resource policy public
//! (`is_policy_public`, via tests/common/mod.rs), does an identity policy grant administrator
//! access (`check_admin_access`), does it allow `aws-marketplace:Subscribe` on every resource.

use serde::Deserialize;
use trustgate_policy::{evaluate_policy, parse_policy, Context, PolicyRole, Request};

mod common;
use common::accessible;

#[derive(Deserialize)]
struct Corpus {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    test: String,
    function: String,
    args: Vec<serde_json::Value>,
    #[serde(default)]
    kwargs: serde_json::Map<String, serde_json::Value>,
    expected: serde_json::Value,
}

/// Where we answer differently, and why (AWS's rule or a Prowler option we do not model).
const DISAGREEMENTS: &[(&str, &str)] = &[
    (
        "test_check_admin_access_not_action",
        "NotAction s3:* grants everything except S3: not every action, so not admin-equivalent in trustgate (the broad NotAction grant is reported by lint L013)",
    ),
    (
        "test_check_admin_access_not_resource_with_random_resource",
        "NotResource `prowler:resource` is not an ARN: AWS rejects the policy, which therefore grants nothing",
    ),
];

/// Whether an identity policy allows `action` on `resource`, possibly under conditions, and
/// no unconditional Deny removes it.
fn allows(policy: &serde_json::Value, action: &str, resource: &str) -> bool {
    let Ok(p) = parse_policy(&policy.to_string()) else {
        return false;
    };
    let req = Request::new(
        "arn:aws:iam::123456789012:role/r",
        action,
        resource,
        None,
        Context::partial(),
    )
    .unwrap();
    let r = evaluate_policy(&p, &req, PolicyRole::IdentityLike, false);
    !r.allow.is_false() && !r.deny.is_true()
}

/// Administrator: every action on every resource — probed with actions of unrelated
/// services on an arbitrary resource.
fn admin(policy: &serde_json::Value) -> bool {
    [
        "iam:CreateUser",
        "ec2:RunInstances",
        "s3:DeleteBucket",
        "prowlerprobe:DoAnything",
    ]
    .iter()
    .all(|a| {
        allows(
            policy,
            a,
            "arn:aws:prowlerprobe:us-east-1:123456789012:thing/x",
        )
    })
}

#[test]
fn prowler_policy_library() {
    let corpus: Corpus =
        serde_json::from_str(include_str!("fixtures/prowler_iam_policy_cases.json")).unwrap();
    let mut differ = Vec::new();
    let mut checked = 0;
    for c in &corpus.cases {
        let ours = match c.function.as_str() {
            "is_policy_public" => {
                if c.kwargs.contains_key("trusted_ips")
                    || c.kwargs.contains_key("check_cross_service_confused_deputy")
                {
                    continue; // options of Prowler's own, not a property of the policy
                }
                let statements = c.args[0]["Statement"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                statements.iter().any(|st| {
                    st["Effect"] == "Allow" && st.get("Principal").is_some() && accessible(st)
                })
            }
            "check_admin_access" => admin(&c.args[0]),
            "policy_allows_marketplace_subscribe_on_all_resources" => {
                allows(&c.args[0], "aws-marketplace:Subscribe", "*")
            }
            _ => continue,
        };
        checked += 1;
        if serde_json::Value::Bool(ours) != c.expected {
            differ.push(format!(
                "{} ({}: expected {}, ours {ours})",
                c.test, c.function, c.expected
            ));
        }
    }
    assert!(checked >= 25, "{checked}");
    let names: Vec<String> = differ
        .iter()
        .map(|d| d.split(' ').next().unwrap().to_string())
        .collect();
    let expected: Vec<&str> = DISAGREEMENTS.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, expected, "{differ:#?}");
}
