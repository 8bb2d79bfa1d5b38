//! Shared by the corpus tests: "can an attacker in an unrelated account use this statement?"
//! answered with partial evaluation.
//!
//! The statement is evaluated as a resource policy for a caller in an unknown account, with
//! every context key unknown; it is accessible when some alternative of the residual
//! condition is one the attacker can meet: negated conditions (the attacker avoids the value),
//! keys the attacker chooses (user agent…), "anywhere" source addresses, and identity keys
//! (source ARN/account, org ID, principal ARN…) only when a value is a wildcard or names no
//! specific account or organization.

#![allow(dead_code)]

use trustgate_policy::{
    authorize, parse_policy, Atom, Context, DecisionKind, Labeled, PolicySet, Request,
};

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
    "kms:calleraccount",
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
            } else if k == "aws:sourceip" {
                // The attacker does not choose its address: only "anywhere" is open.
                values.iter().any(|v| v == "0.0.0.0/0" || v == "::/0")
            } else {
                // Requests routed through a named service are not the attacker's to make.
                !k.ends_with(":viaservice")
            }
        }
        Atom::Assumption { .. } | Atom::Resource { .. } => true,
    }
}

pub fn accessible(statement: &serde_json::Value) -> bool {
    let doc = format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#);
    // A statement AWS would not store (e.g. a bare ARN string as Principal) grants nothing.
    let Ok(policy) = parse_policy(&doc) else {
        return false;
    };
    // A request the statement is about: its first action and resource, wildcards filled in.
    let first = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(a) => a.first().and_then(|x| x.as_str()).map(str::to_string),
        _ => None,
    };
    let action = match first(&statement["Action"]).as_deref() {
        None | Some("*") => "s3:GetObject".to_string(),
        Some(a) => a.replace('*', "Probe"),
    };
    let resource = match first(&statement["Resource"]).as_deref() {
        None | Some("*") => "arn:aws:rds:us-east-1:012345678910:db:victim".to_string(),
        Some(r) => r.replace('*', "probe"),
    };
    let req = Request::new(
        "arn:aws:iam::999999999999:role/attacker",
        &action,
        &resource,
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
