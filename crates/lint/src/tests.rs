use super::*;

fn codes(json: &str, kind: PolicyKind) -> Vec<&'static str> {
    lint_text(json, &LintOptions { kind })
        .into_iter()
        .map(|d| d.code)
        .collect()
}

fn any(json: &str) -> Vec<&'static str> {
    codes(json, PolicyKind::Any)
}

const V: &str = r#""Version":"2012-10-17""#;

#[test]
fn parse_errors_have_a_place() {
    let d = lint_text(
        "{\"Statement\": [{\"Effect\": \"Alow\", \"Action\": \"*\"}]}",
        &LintOptions::default(),
    );
    assert_eq!(d[0].code, "L001");
    assert_eq!(d[0].line, Some(1));
    assert_eq!(d[0].path, "Statement[0].Effect");
}

#[test]
fn security_checks() {
    assert!(any(&format!(r#"{{{V},"Statement":[{{"Effect":"Allow","NotPrincipal":{{"AWS":"arn:aws:iam::1:root"}},"Action":"s3:GetObject","Resource":"*"}}]}}"#)).contains(&"L010"));
    assert!(!any(&format!(r#"{{{V},"Statement":[{{"Effect":"Deny","NotPrincipal":{{"AWS":"arn:aws:iam::1:root"}},"Action":"s3:GetObject","Resource":"*"}}]}}"#)).contains(&"L010"));
    assert!(any(&format!(r#"{{{V},"Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}]}}"#)).contains(&"L011"));
    assert!(!any(&format!(r#"{{{V},"Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{{"StringEquals":{{"aws:PrincipalOrgID":"o-1"}}}}}}]}}"#)).contains(&"L011"));
    assert!(any(&format!(
        r#"{{{V},"Statement":[{{"Effect":"Allow","Action":"iam:Pass*","Resource":"*"}}]}}"#
    ))
    .contains(&"L012"));
    assert!(!any(&format!(r#"{{{V},"Statement":[{{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::1:role/app"}}]}}"#)).contains(&"L012"));
    assert!(any(&format!(
        r#"{{{V},"Statement":[{{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}]}}"#
    ))
    .contains(&"L013"));
    assert!(any(&format!(
        r#"{{{V},"Statement":[{{"Effect":"Allow","Action":"*","Resource":"*"}}]}}"#
    ))
    .contains(&"L014"));
    assert!(!any(&format!(
        r#"{{{V},"Statement":[{{"Effect":"Deny","Action":"*","Resource":"*"}}]}}"#
    ))
    .contains(&"L014"));
}

#[test]
fn unknown_services_actions_and_keys() {
    let c = any(&format!(
        r#"{{{V},"Statement":[{{"Effect":"Allow","Action":["s3:GetObjekt","nosvc:Do","s3:Get*","s3:Zzz*"],"Resource":"*","Condition":{{"StringEquals":{{"s3:nosuchkey":"a","aws:PrincipalTag/team":"x","token.actions.githubusercontent.com:sub":"repo:a/b"}}}}}}]}}"#
    ));
    assert_eq!(c.iter().filter(|x| **x == "L021").count(), 2, "{c:?}");
    assert!(c.contains(&"L020"));
    assert_eq!(c.iter().filter(|x| **x == "L022").count(), 1, "{c:?}");
    assert!(!any(&format!(r#"{{{V},"Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}]}}"#)).iter().any(|c| c.starts_with("L02")));
}

#[test]
fn operator_types_and_sets() {
    let c = any(&format!(
        r#"{{{V},"Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{{"NumericEquals":{{"aws:SourceIp":"1"}},"DateLessThan":{{"aws:CurrentTime":"2030-01-01"}}}}}}]}}"#
    ));
    assert_eq!(c.iter().filter(|x| **x == "L023").count(), 1, "{c:?}");
    let c = any(&format!(
        r#"{{{V},"Statement":[{{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{{"StringEquals":{{"aws:TagKeys":"a"}},"ForAllValues:StringEquals":{{"aws:SourceVpc":"v"}}}}}}]}}"#
    ));
    assert_eq!(c.iter().filter(|x| **x == "L024").count(), 2, "{c:?}");
    let c = any(&format!(
        r#"{{{V},"Statement":[{{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{{"DateGreaterThan":{{"aws:CurrentTime":"yesterday"}}}}}}]}}"#
    ));
    assert!(c.contains(&"L027"), "{c:?}");
}

#[test]
fn resources_must_fit_actions() {
    assert!(any(&format!(r#"{{{V},"Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:sqs:us-east-1:111111111111:q"}}]}}"#)).contains(&"L025"));
    assert!(!any(&format!(r#"{{{V},"Statement":[{{"Effect":"Allow","Action":["s3:GetObject","sqs:SendMessage"],"Resource":"arn:aws:sqs:us-east-1:111111111111:q"}}]}}"#)).contains(&"L025"));
}

#[test]
fn principal_wildcards_and_redundancy_and_version() {
    assert!(any(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:role/*"},"Action":"sts:AssumeRole"}]}"#).contains(&"L026"));
    let c = any(&format!(
        r#"{{{V},"Statement":[{{"Effect":"Allow","Action":"s3:*","Resource":"*"}},{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}]}}"#
    ));
    assert_eq!(c.iter().filter(|x| **x == "L030").count(), 1, "{c:?}");
    assert!(
        any(r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#)
            .contains(&"L031")
    );
}

#[test]
fn identity_policy_rules() {
    let c = codes(
        r#"{"Statement":[{"Sid":"a","Effect":"Allow","Action":"s3:GetObject"},{"Sid":"a","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1::b"}]}"#,
        PolicyKind::Identity,
    );
    for code in ["L040", "L041", "L042", "L043", "L045"] {
        assert!(c.contains(&code), "{code} in {c:?}");
    }
}
