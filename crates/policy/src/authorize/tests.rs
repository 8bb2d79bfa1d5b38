//! Scenarios from AWS's policy evaluation documentation.

use super::*;
use crate::context::{Context, ContextValue};
use crate::parse::parse_policy;

fn p(json: &str) -> Policy {
    parse_policy(json).unwrap_or_else(|e| panic!("{e}\n{json}"))
}

fn allow(action: &str, resource: &str) -> Policy {
    p(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"}}]}}"#
    ))
}

fn deny(action: &str, resource: &str) -> Policy {
    p(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Action":"{action}","Resource":"{resource}"}}]}}"#
    ))
}

fn trust(principal_json: &str, conditions: &str) -> Policy {
    p(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal_json},"Action":"sts:AssumeRole"{conditions}}}]}}"#
    ))
}

fn req(principal: &str, action: &str, resource: &str) -> Request {
    Request::new(principal, action, resource, None, Context::new()).unwrap()
}

const CI: &str = "arn:aws:iam::111111111111:role/ci";
const DEPLOY: &str = "arn:aws:iam::222222222222:role/deploy";
const LOCAL: &str = "arn:aws:iam::111111111111:role/local";

fn decide(r: &Request, set: &PolicySet) -> DecisionKind {
    authorize(r, set, true).kind
}

#[test]
fn cross_account_needs_both_sides() {
    let id = allow("sts:AssumeRole", "*");
    let tr = trust(r#"{"AWS":"arn:aws:iam::111111111111:root"}"#, "");
    let r = req(CI, "sts:AssumeRole", DEPLOY);
    let both = PolicySet {
        identity: vec![Labeled::new("id", &id)],
        resource: Some(Labeled::new("trust", &tr)),
        ..Default::default()
    };
    assert_eq!(decide(&r, &both), DecisionKind::Allow);

    let no_identity = PolicySet {
        resource: Some(Labeled::new("trust", &tr)),
        ..Default::default()
    };
    let d = authorize(&r, &no_identity, true);
    assert_eq!(d.kind, DecisionKind::ImplicitDeny);
    assert!(d.summary.contains("identity-based"), "{}", d.summary);

    let no_trust = PolicySet {
        identity: vec![Labeled::new("id", &id)],
        ..Default::default()
    };
    let d = authorize(&r, &no_trust, true);
    assert_eq!(d.kind, DecisionKind::ImplicitDeny);
    assert!(d.summary.contains("trust"), "{}", d.summary);

    // Naming the role directly still needs the identity policy across accounts.
    let direct = trust(&format!(r#"{{"AWS":"{CI}"}}"#), "");
    let set = PolicySet {
        resource: Some(Labeled::new("trust", &direct)),
        ..Default::default()
    };
    assert_eq!(decide(&r, &set), DecisionKind::ImplicitDeny);
}

#[test]
fn same_account_trust_rules() {
    let r = req(CI, "sts:AssumeRole", LOCAL);
    let id = allow("sts:AssumeRole", LOCAL);
    // Root trust defers to the identity policy.
    let root = trust(r#"{"AWS":"111111111111"}"#, "");
    let only_trust = PolicySet {
        resource: Some(Labeled::new("trust", &root)),
        ..Default::default()
    };
    assert_eq!(decide(&r, &only_trust), DecisionKind::ImplicitDeny);
    let with_id = PolicySet {
        identity: vec![Labeled::new("id", &id)],
        resource: Some(Labeled::new("trust", &root)),
        ..Default::default()
    };
    assert_eq!(decide(&r, &with_id), DecisionKind::Allow);
    // Naming the principal directly suffices in the same account.
    let direct = trust(&format!(r#"{{"AWS":"{CI}"}}"#), "");
    let set = PolicySet {
        resource: Some(Labeled::new("trust", &direct)),
        ..Default::default()
    };
    assert_eq!(decide(&r, &set), DecisionKind::Allow);
    // The trust policy is always required for AssumeRole, even with an identity allow.
    let no_trust = PolicySet {
        identity: vec![Labeled::new("id", &id)],
        ..Default::default()
    };
    assert_eq!(decide(&r, &no_trust), DecisionKind::ImplicitDeny);
}

#[test]
fn same_account_resource_policy_and_boundaries() {
    let bucket = "arn:aws:s3:::data/k";
    let alice = "arn:aws:iam::111111111111:user/alice";
    let r = req(alice, "s3:GetObject", bucket);
    let bp_user = p(&format!(
        r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{alice}"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}}]}}"#
    ));
    let boundary = allow("ec2:*", "*");
    let mut r_b = r.clone();
    r_b.has_permission_boundary = true;
    // A bucket policy naming the user allows even though the boundary does not.
    let set = PolicySet {
        resource: Some(Labeled::new("bucket", &bp_user)),
        permission_boundary: Some(Labeled::new("boundary", &boundary)),
        ..Default::default()
    };
    assert_eq!(decide(&r_b, &set), DecisionKind::Allow);
    // Identity alone suffices for S3 in the same account (no resource policy needed).
    let id = allow("s3:GetObject", "arn:aws:s3:::data/*");
    let set = PolicySet {
        identity: vec![Labeled::new("id", &id)],
        ..Default::default()
    };
    assert_eq!(decide(&r, &set), DecisionKind::Allow);
    // ...but the boundary caps identity grants.
    let set = PolicySet {
        identity: vec![Labeled::new("id", &id)],
        permission_boundary: Some(Labeled::new("boundary", &boundary)),
        ..Default::default()
    };
    let d = authorize(&r_b, &set, true);
    assert_eq!(d.kind, DecisionKind::ImplicitDeny);
    assert!(d.summary.contains("boundary"), "{}", d.summary);

    // A resource policy naming the role ARN is limited by the role's boundary; naming the
    // session ARN is not.
    let session = "arn:aws:sts::111111111111:assumed-role/app/s1";
    let mut rs = req(session, "s3:GetObject", bucket);
    rs.has_permission_boundary = true;
    let bp_role = p(
        r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/app"},"Action":"s3:GetObject","Resource":"*"}]}"#,
    );
    let set = PolicySet {
        resource: Some(Labeled::new("bucket", &bp_role)),
        permission_boundary: Some(Labeled::new("boundary", &boundary)),
        ..Default::default()
    };
    assert_eq!(decide(&rs, &set), DecisionKind::ImplicitDeny);
    let bp_session = p(&format!(
        r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{session}"}},"Action":"s3:GetObject","Resource":"*"}}]}}"#
    ));
    let set = PolicySet {
        resource: Some(Labeled::new("bucket", &bp_session)),
        permission_boundary: Some(Labeled::new("boundary", &boundary)),
        ..Default::default()
    };
    assert_eq!(decide(&rs, &set), DecisionKind::Allow);
}

#[test]
fn kms_key_policy_is_required() {
    let key = "arn:aws:kms:eu-west-1:111111111111:key/1234";
    let r = req(LOCAL, "kms:Decrypt", key);
    let id = allow("kms:Decrypt", "*");
    let set = PolicySet {
        identity: vec![Labeled::new("id", &id)],
        ..Default::default()
    };
    assert_eq!(decide(&r, &set), DecisionKind::ImplicitDeny);
    let key_policy = p(
        r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}]}"#,
    );
    let set = PolicySet {
        identity: vec![Labeled::new("id", &id)],
        resource: Some(Labeled::new("key policy", &key_policy)),
        ..Default::default()
    };
    assert_eq!(decide(&r, &set), DecisionKind::Allow);
}

#[test]
fn explicit_deny_wins_everywhere() {
    let r = req(CI, "s3:GetObject", "arn:aws:s3:::b/k");
    let id = allow("s3:*", "*");
    for layer in 0..4 {
        let d = deny("s3:GetObject", "*");
        let allow_all = allow("*", "*");
        let mut set = PolicySet {
            identity: vec![Labeled::new("id", &id)],
            ..Default::default()
        };
        match layer {
            0 => set.identity.push(Labeled::new("deny", &d)),
            1 => set.permission_boundary = Some(Labeled::new("deny", &d)),
            2 => {
                set.scps = Some(
                    vec![vec![
                        Labeled::new("full", &allow_all),
                        Labeled::new("deny", &d),
                    ]]
                    .into(),
                )
            }
            _ => set.session_policy = Some(Labeled::new("deny", &d)),
        }
        let dec = authorize(&r, &set, true);
        assert_eq!(dec.kind, DecisionKind::ExplicitDeny, "layer {layer}");
        assert!(dec.summary.contains("deny"), "{}", dec.summary);
    }
}

#[test]
fn scps_need_an_allow_at_every_level() {
    let r = req(CI, "s3:GetObject", "arn:aws:s3:::b/k");
    let id = allow("s3:*", "*");
    let full = allow("*", "*");
    let ec2_only = allow("ec2:*", "*");
    let set = PolicySet {
        identity: vec![Labeled::new("id", &id)],
        scps: Some(
            vec![
                vec![Labeled::new("root:FullAWSAccess", &full)],
                vec![Labeled::new("ou:ec2-only", &ec2_only)],
            ]
            .into(),
        ),
        ..Default::default()
    };
    let d = authorize(&r, &set, true);
    assert_eq!(d.kind, DecisionKind::ImplicitDeny);
    assert!(
        d.summary.contains("service control policy"),
        "{}",
        d.summary
    );
    // Services are not governed by SCPs.
    let svc = req("lambda.amazonaws.com", "s3:GetObject", "arn:aws:s3:::b/k");
    let bp = p(
        r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"s3:GetObject","Resource":"*"}]}"#,
    );
    let set = PolicySet {
        resource: Some(Labeled::new("bucket", &bp)),
        scps: Some(vec![vec![Labeled::new("ou:ec2-only", &ec2_only)]].into()),
        ..Default::default()
    };
    assert_eq!(decide(&svc, &set), DecisionKind::Allow);
}

#[test]
fn service_principals_have_no_identity_policies() {
    let r = req("ec2.amazonaws.com", "sts:AssumeRole", LOCAL);
    let t = trust(r#"{"Service":"ec2.amazonaws.com"}"#, "");
    let set = PolicySet {
        resource: Some(Labeled::new("trust", &t)),
        ..Default::default()
    };
    assert_eq!(decide(&r, &set), DecisionKind::Allow);
    let other = trust(r#"{"Service":"lambda.amazonaws.com"}"#, "");
    let set = PolicySet {
        resource: Some(Labeled::new("trust", &other)),
        ..Default::default()
    };
    assert_eq!(decide(&r, &set), DecisionKind::ImplicitDeny);
}

#[test]
fn partial_evaluation_yields_residuals() {
    let t = trust(
        r#"{"AWS":"arn:aws:iam::111111111111:root"}"#,
        r#","Condition":{"StringEquals":{"sts:ExternalId":"abc-123"},"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#,
    );
    let id = allow("sts:AssumeRole", "*");
    let r = Request::new(CI, "sts:AssumeRole", DEPLOY, None, Context::partial()).unwrap();
    let set = PolicySet {
        identity: vec![Labeled::new("id", &id)],
        resource: Some(Labeled::new("trust", &t)),
        ..Default::default()
    };
    let d = authorize(&r, &set, true);
    assert_eq!(d.kind, DecisionKind::Conditional);
    let dnf = d.conditions().unwrap();
    assert_eq!(dnf.len(), 1);
    assert_eq!(dnf[0].len(), 2, "{dnf:?}");
    // Known keys decide.
    let mut ctx = Context::partial();
    ctx.insert("sts:ExternalId", ContextValue::Single("abc-123".into()));
    ctx.insert(
        "aws:MultiFactorAuthPresent",
        ContextValue::Single("true".into()),
    );
    let r2 = Request::new(CI, "sts:AssumeRole", DEPLOY, None, ctx).unwrap();
    assert_eq!(decide(&r2, &set), DecisionKind::Allow);
    // A conditional deny yields a negated residual.
    let d_ip = p(
        r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#,
    );
    let plain = trust(r#"{"AWS":"arn:aws:iam::111111111111:root"}"#, "");
    let set = PolicySet {
        identity: vec![Labeled::new("id", &id), Labeled::new("ipdeny", &d_ip)],
        resource: Some(Labeled::new("trust", &plain)),
        ..Default::default()
    };
    let d = authorize(&r, &set, true);
    assert_eq!(d.kind, DecisionKind::Conditional);
    assert!(d.conditions().unwrap()[0][0].negated);
    // Principal keys AWS sets are known, not residual.
    let by_arn = trust(
        r#"{"AWS":"arn:aws:iam::111111111111:root"}"#,
        r#","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111111111111:role/other"}}"#,
    );
    let set = PolicySet {
        identity: vec![Labeled::new("id", &id)],
        resource: Some(Labeled::new("trust", &by_arn)),
        ..Default::default()
    };
    assert_eq!(decide(&r, &set), DecisionKind::ImplicitDeny);
}

#[test]
fn unknown_policies_are_assumed_to_allow() {
    let r = req(CI, "sts:AssumeRole", DEPLOY);
    let t = trust(r#"{"AWS":"arn:aws:iam::111111111111:root"}"#, "");
    let set = PolicySet {
        identity: vec![Labeled::unknown("arn:aws:iam::aws:policy/Missing")],
        resource: Some(Labeled::new("trust", &t)),
        ..Default::default()
    };
    let d = authorize(&r, &set, true);
    assert_eq!(d.kind, DecisionKind::Conditional, "never a silent deny");
    let set = PolicySet {
        identity_unknown: true,
        resource: Some(Labeled::new("trust", &t)),
        ..Default::default()
    };
    assert_eq!(decide(&r, &set), DecisionKind::Conditional);
}

#[test]
fn explanations_name_policy_and_statement() {
    let r = req(CI, "sts:AssumeRole", DEPLOY);
    let t = p(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"OnlyFromVpn","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#,
    );
    let id = allow("sts:AssumeRole", "*");
    let set = PolicySet {
        identity: vec![Labeled::new("ci-inline", &id)],
        resource: Some(Labeled::new("trust policy of deploy", &t)),
        ..Default::default()
    };
    let d = authorize(&r, &set, true);
    assert_eq!(d.kind, DecisionKind::ImplicitDeny);
    let hit = d
        .reasons
        .iter()
        .find(|r| r.statement.as_deref() == Some("Statement[0] (Sid \"OnlyFromVpn\")"))
        .expect("the near-miss statement is listed");
    assert!(hit.outcome.contains("aws:SourceIp"), "{}", hit.outcome);
    assert!(d
        .reasons
        .iter()
        .any(|r| r.policy == "ci-inline" && r.outcome == "allows"));
}

#[test]
fn anonymous_callers_need_a_public_resource_policy() {
    let r = req("anonymous", "s3:GetObject", "arn:aws:s3:::public/x");
    let public = p(
        r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::public/*"}]}"#,
    );
    let set = PolicySet {
        resource: Some(Labeled::new("bucket", &public)),
        ..Default::default()
    };
    assert_eq!(decide(&r, &set), DecisionKind::Allow);
    assert_eq!(
        decide(&r, &PolicySet::default()),
        DecisionKind::ImplicitDeny
    );
}
