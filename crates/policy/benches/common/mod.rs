//! Inputs shared by the criterion benchmark (`evaluate.rs`) and the instruction-count driver
//! (`instructions.rs`), so both measure exactly the same work.

#![allow(dead_code)]

use trustgate_policy::{parse_policy, Context, ContextValue, Labeled, Policy, PolicySet, Request};

pub const IDENTITY: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"Logs","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:*:111111111111:log-group:/ci/*"},
  {"Sid":"Artifacts","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::ci-artifacts/*"},
  {"Sid":"List","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::ci-artifacts"},
  {"Sid":"Ecr","Effect":"Allow","Action":["ecr:Get*","ecr:BatchGet*","ecr:Describe*"],"Resource":"*"},
  {"Sid":"Params","Effect":"Allow","Action":"ssm:GetParameter*","Resource":"arn:aws:ssm:*:111111111111:parameter/ci/*"},
  {"Sid":"Kms","Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:*:111111111111:key/*"},
  {"Sid":"Cfn","Effect":"Allow","Action":"cloudformation:Describe*","Resource":"*"},
  {"Sid":"Deploy","Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/deploy-*",
   "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-exampleorg1"}}},
  {"Sid":"Tags","Effect":"Allow","Action":"sts:TagSession","Resource":"*"},
  {"Sid":"NoIam","Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#;

pub const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"CI","Effect":"Allow",
  "Principal":{"AWS":"arn:aws:iam::111111111111:role/ci"},"Action":["sts:AssumeRole","sts:TagSession"],
  "Condition":{"StringEquals":{"sts:ExternalId":"8c1f6a2e-3b7d-4e59-a0c4-5d9e2f7b1a36"}}}]}"#;

pub const FULL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
pub const DENY_LEAVE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}"#;

/// The typical cross-account request; `partial` leaves `sts:ExternalId` unknown.
pub fn request(partial: bool) -> Request {
    let mut ctx = if partial {
        Context::partial()
    } else {
        Context::new()
    };
    ctx.insert(
        "aws:PrincipalOrgID",
        ContextValue::Single("o-exampleorg1".into()),
    );
    if !partial {
        ctx.insert(
            "sts:ExternalId",
            ContextValue::Single("8c1f6a2e-3b7d-4e59-a0c4-5d9e2f7b1a36".into()),
        );
    }
    Request::new(
        "arn:aws:iam::111111111111:role/ci",
        "sts:AssumeRole",
        "arn:aws:iam::222222222222:role/deploy-prod",
        None,
        ctx,
    )
    .unwrap()
}

/// The parsed policies of the typical request.
pub struct Policies {
    pub identity: Policy,
    pub trust: Policy,
    pub full: Policy,
    pub deny_leave: Policy,
}

impl Policies {
    pub fn parse() -> Policies {
        Policies {
            identity: parse_policy(IDENTITY).unwrap(),
            trust: parse_policy(TRUST).unwrap(),
            full: parse_policy(FULL).unwrap(),
            deny_leave: parse_policy(DENY_LEAVE).unwrap(),
        }
    }

    /// Identity policy, trust policy, and two SCP levels (FullAWSAccess + a deny at the root,
    /// FullAWSAccess at the OU).
    pub fn set(&self) -> PolicySet<'_> {
        PolicySet {
            identity: vec![Labeled::new("ci-policy", &self.identity)],
            resource: Some(Labeled::new("trust", &self.trust)),
            scps: Some(
                vec![
                    vec![
                        Labeled::new("FullAWSAccess", &self.full),
                        Labeled::new("DenyLeave", &self.deny_leave),
                    ],
                    vec![Labeled::new("FullAWSAccess", &self.full)],
                ]
                .into(),
            ),
            ..Default::default()
        }
    }
}

/// The batch `eval` input: `n` copies of the typical case in one JSON array.
pub fn batch(n: usize) -> String {
    let case = format!(
        r#"{{"request":{{"principal":"arn:aws:iam::111111111111:role/ci","action":"sts:AssumeRole","resource":"arn:aws:iam::222222222222:role/deploy-prod","context":{{"aws:PrincipalOrgID":"o-exampleorg1","sts:ExternalId":"8c1f6a2e-3b7d-4e59-a0c4-5d9e2f7b1a36"}}}},"identityPolicies":[{IDENTITY}],"resourcePolicy":{TRUST}}}"#
    );
    format!("[{}]", vec![case; n].join(","))
}
