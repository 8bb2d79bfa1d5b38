//! Policy engine throughput: `cargo bench -p trustgate-policy`.
//!
//! * a typical cross-account request (identity policy of 10 statements with wildcards and a
//!   condition, a trust policy, two SCP levels) with `decide` (no explanation) and with
//!   `authorize(.., explain = true)`;
//! * the same with unknown context keys (partial evaluation, residual conditions);
//! * parsing a policy document;
//! * the batch `eval` path over 10,000 cases in memory.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use trustgate_policy::request::for_each_case;
use trustgate_policy::{
    authorize, decide, parse_policy, Context, ContextValue, Labeled, PolicySet, Request,
};

const IDENTITY: &str = r#"{"Version":"2012-10-17","Statement":[
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

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"CI","Effect":"Allow",
  "Principal":{"AWS":"arn:aws:iam::111111111111:role/ci"},"Action":["sts:AssumeRole","sts:TagSession"],
  "Condition":{"StringEquals":{"sts:ExternalId":"8c1f6a2e-3b7d-4e59-a0c4-5d9e2f7b1a36"}}}]}"#;

const FULL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const DENY_LEAVE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}"#;

fn request(partial: bool) -> Request {
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

fn bench(c: &mut Criterion) {
    let identity = parse_policy(IDENTITY).unwrap();
    let trust = parse_policy(TRUST).unwrap();
    let full = parse_policy(FULL).unwrap();
    let deny_leave = parse_policy(DENY_LEAVE).unwrap();
    let set = PolicySet {
        identity: vec![Labeled::new("ci-policy", &identity)],
        resource: Some(Labeled::new("trust", &trust)),
        scps: Some(vec![
            vec![
                Labeled::new("FullAWSAccess", &full),
                Labeled::new("DenyLeave", &deny_leave),
            ],
            vec![Labeled::new("FullAWSAccess", &full)],
        ]),
        ..Default::default()
    };
    let concrete = request(false);
    let partial = request(true);
    assert_eq!(
        decide(&concrete, &set).0,
        trustgate_policy::DecisionKind::Allow
    );
    assert_eq!(
        decide(&partial, &set).0,
        trustgate_policy::DecisionKind::Conditional
    );

    let mut g = c.benchmark_group("evaluate");
    g.throughput(Throughput::Elements(1));
    g.bench_function("cross-account decide", |b| {
        b.iter(|| decide(black_box(&concrete), black_box(&set)))
    });
    g.bench_function("cross-account authorize+explain", |b| {
        b.iter(|| authorize(black_box(&concrete), black_box(&set), true))
    });
    g.bench_function("partial (unknown ExternalId) decide", |b| {
        b.iter(|| decide(black_box(&partial), black_box(&set)))
    });
    g.finish();

    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(IDENTITY.len() as u64));
    g.bench_function("identity policy", |b| {
        b.iter(|| parse_policy(black_box(IDENTITY)).unwrap())
    });
    g.finish();

    // Batch eval: 10,000 cases in one JSON array, streamed through `for_each_case`.
    let case = format!(
        r#"{{"request":{{"principal":"arn:aws:iam::111111111111:role/ci","action":"sts:AssumeRole","resource":"arn:aws:iam::222222222222:role/deploy-prod","context":{{"aws:PrincipalOrgID":"o-exampleorg1","sts:ExternalId":"8c1f6a2e-3b7d-4e59-a0c4-5d9e2f7b1a36"}}}},"identityPolicies":[{IDENTITY}],"resourcePolicy":{TRUST}}}"#
    );
    let batch = format!("[{}]", vec![case; 10_000].join(","));
    let mut g = c.benchmark_group("batch eval");
    g.sample_size(10);
    g.throughput(Throughput::Elements(10_000));
    g.bench_function("10k cases", |b| {
        b.iter(|| {
            let mut n = 0;
            for_each_case(batch.as_bytes(), |_, c| {
                black_box(c.evaluate(false)?);
                n += 1;
                Ok(())
            })
            .unwrap();
            n
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
