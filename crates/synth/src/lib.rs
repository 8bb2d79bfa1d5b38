//! # trustgate-synth
//!
//! Writes a deterministic synthetic AWS organization in the snapshot layout trustgate reads
//! (`<account-id>.json` authorization details, `organization.json`, `roles/<account-id>.json`,
//! `resources/<account-id>.json`), with a realistic mix: service roles, SSO (SAML) roles,
//! GitHub OIDC roles, cross-account CI and security-audit roles (root and role trust, with and
//! without `aws:PrincipalArn`, MFA), third-party vendor roles with and without External IDs,
//! AWS-managed policies (including `NotAction` ones) repeated in every account, customer
//! managed and inline policies with conditions, permissions boundaries, users and groups,
//! SCPs and an RCP. The same seed always gives the same bytes.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    pub accounts: usize,
    pub roles_per_account: usize,
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct SynthStats {
    pub accounts: usize,
    pub roles: usize,
    pub users: usize,
    pub bytes: u64,
}

/// Vendor accounts (public, from the known_aws_accounts list shipped with trustgate).
const VENDORS: [(&str, &str); 4] = [
    ("464622532012", "Datadog"),
    ("754728514883", "New Relic"),
    ("454464851268", "Cloudhealth"),
    ("107630771604", "SegmentIO"),
];

/// A few of the service prefixes used to build the large read-only policy.
const SERVICES: [&str; 48] = [
    "acm",
    "apigateway",
    "athena",
    "autoscaling",
    "backup",
    "batch",
    "cloudformation",
    "cloudfront",
    "cloudtrail",
    "cloudwatch",
    "codebuild",
    "codecommit",
    "codepipeline",
    "config",
    "dynamodb",
    "ec2",
    "ecr",
    "ecs",
    "eks",
    "elasticache",
    "elasticloadbalancing",
    "es",
    "events",
    "firehose",
    "glue",
    "guardduty",
    "iam",
    "kinesis",
    "kms",
    "lambda",
    "logs",
    "organizations",
    "rds",
    "redshift",
    "route53",
    "s3",
    "secretsmanager",
    "securityhub",
    "ses",
    "sns",
    "sqs",
    "ssm",
    "states",
    "sts",
    "tag",
    "waf",
    "wafv2",
    "xray",
];

const SERVICE_PRINCIPALS_COMPUTE: [&str; 3] = [
    "ec2.amazonaws.com",
    "lambda.amazonaws.com",
    "ecs-tasks.amazonaws.com",
];
const SERVICE_PRINCIPALS_DEPUTY: [&str; 4] = [
    "config.amazonaws.com",
    "events.amazonaws.com",
    "logs.amazonaws.com",
    "cloudtrail.amazonaws.com",
];

fn account_id(i: usize) -> String {
    format!("{:012}", 100_000_000_000u64 + i as u64 * 7_919)
}

struct Org {
    ids: Vec<String>,
    management: String,
    identity: String,
    tooling: String,
    security: String,
}

impl Org {
    fn new(n: usize) -> Org {
        let ids: Vec<String> = (0..n.max(4)).map(account_id).collect();
        Org {
            management: ids[0].clone(),
            identity: ids[1].clone(),
            tooling: ids[2].clone(),
            security: ids[3].clone(),
            ids,
        }
    }
}

/// Generates the organization into `out` (created if needed).
pub fn generate(opts: &SynthOptions, out: &Path) -> io::Result<SynthStats> {
    fs::create_dir_all(out.join("roles"))?;
    fs::create_dir_all(out.join("resources"))?;
    let org = Org::new(opts.accounts);
    let mut stats = SynthStats::default();
    for (index, id) in org.ids.iter().enumerate() {
        // One RNG stream per account: accounts can be generated independently and the
        // output does not depend on iteration order.
        let mut rng = ChaCha8Rng::seed_from_u64(
            opts.seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        );
        let account = Account::generate(&org, index, id, opts.roles_per_account, &mut rng);
        stats.roles += account.roles.len();
        stats.users += account.users.len();
        stats.bytes += write_json(
            &out.join(format!("{id}.json")),
            &account.authorization_details(),
        )?;
        stats.bytes += write_json(
            &out.join("roles").join(format!("{id}.json")),
            &account.list_roles(),
        )?;
        stats.bytes += write_json(
            &out.join("resources").join(format!("{id}.json")),
            &account.resources,
        )?;
        stats.accounts += 1;
    }
    stats.bytes += write_json(&out.join("organization.json"), &organization(&org))?;
    Ok(stats)
}

fn write_json(path: &Path, value: &Value) -> io::Result<u64> {
    let mut w = BufWriter::new(File::create(path)?);
    serde_json::to_writer(&mut w, value)?;
    w.flush()?;
    Ok(fs::metadata(path)?.len())
}

fn organization(org: &Org) -> Value {
    // FullAWSAccess and RCPFullAWSAccess sit on every root, OU and account, as in AWS.
    let every: Vec<String> = [
        "r-root",
        "ou-sec",
        "ou-infra",
        "ou-work",
        "ou-prod",
        "ou-nonprod",
        "ou-sandbox",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(org.ids.iter().cloned())
    .collect();
    let ous = [
        ("ou-sec", "Security", "r-root"),
        ("ou-infra", "Infrastructure", "r-root"),
        ("ou-work", "Workloads", "r-root"),
        ("ou-prod", "Prod", "ou-work"),
        ("ou-nonprod", "NonProd", "ou-work"),
        ("ou-sandbox", "Sandbox", "r-root"),
    ];
    let accounts: Vec<Value> = org
        .ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let (name, parent) = match i {
                0 => ("management".to_string(), "r-root"),
                1 => ("identity".to_string(), "ou-infra"),
                2 => ("tooling".to_string(), "ou-infra"),
                3 => ("security".to_string(), "ou-sec"),
                _ => {
                    let parent = ["ou-prod", "ou-nonprod", "ou-sandbox"][i % 3];
                    (format!("workload-{i:04}"), parent)
                }
            };
            json!({"id": id, "name": name, "parentId": parent,
                   "tags": {"env": if parent == "ou-prod" {"prod"} else {"nonprod"}}})
        })
        .collect();
    json!({
        "organizationId": "o-synth0000001",
        "managementAccountId": org.management,
        "rootId": "r-root",
        "organizationalUnits": ous.iter().map(|(id, name, parent)| json!({"id": id, "name": name, "parentId": parent})).collect::<Vec<_>>(),
        "accounts": accounts,
        "policies": [
            {"id": "p-FullAWSAccess", "name": "FullAWSAccess", "type": "SERVICE_CONTROL_POLICY",
             "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
             "targets": every},
            {"id": "p-DenyLeave", "name": "DenyLeaveOrganization", "type": "SERVICE_CONTROL_POLICY",
             "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]},
             "targets": ["r-root"]},
            {"id": "p-Regions", "name": "DenyOutsideEU", "type": "SERVICE_CONTROL_POLICY",
             "document": {"Version": "2012-10-17", "Statement": [{"Sid": "DenyOtherRegions", "Effect": "Deny",
                 "NotAction": ["iam:*", "sts:*", "organizations:*", "support:*", "cloudfront:*", "route53:*"],
                 "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}]},
             "targets": ["ou-work"]},
            {"id": "p-RCPFull", "name": "RCPFullAWSAccess", "type": "RESOURCE_CONTROL_POLICY",
             "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]},
             "targets": every},
            {"id": "p-RCPOrgOnly", "name": "DenyExternalS3", "type": "RESOURCE_CONTROL_POLICY",
             "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                 "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-synth0000001"}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]},
             "targets": ["ou-prod"]}
        ]
    })
}

struct Account {
    id: String,
    roles: Vec<Value>,
    role_sessions: Vec<(String, u32)>,
    users: Vec<Value>,
    groups: Vec<Value>,
    policies: Vec<Value>,
    resources: Value,
    url_encoded: bool,
}

fn managed(arn: &str, name: &str, doc: Value, encode: bool) -> Value {
    json!({
        "PolicyName": name, "PolicyId": format!("ANPA{:016X}", fxhash(arn)), "Arn": arn, "Path": "/",
        "DefaultVersionId": "v1", "AttachmentCount": 1, "PermissionsBoundaryUsageCount": 0,
        "IsAttachable": true, "CreateDate": "2021-01-01T00:00:00Z", "UpdateDate": "2021-01-01T00:00:00Z",
        "PolicyVersionList": [{"Document": doc_value(doc, encode), "VersionId": "v1", "IsDefaultVersion": true,
                               "CreateDate": "2021-01-01T00:00:00Z"}]
    })
}

/// Documents in the raw IAM API form are URL-encoded JSON strings.
fn doc_value(doc: Value, encode: bool) -> Value {
    if encode {
        let text = doc.to_string();
        Value::String(
            percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC)
                .to_string(),
        )
    } else {
        doc
    }
}

fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

fn aws_managed_docs() -> Vec<(&'static str, Value)> {
    let read_actions: Vec<String> = SERVICES
        .iter()
        .flat_map(|s| {
            [
                format!("{s}:Describe*"),
                format!("{s}:Get*"),
                format!("{s}:List*"),
            ]
        })
        .collect();
    vec![
        (
            "AdministratorAccess",
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
        ),
        (
            "PowerUserAccess",
            json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
            {"Effect": "Allow", "Action": ["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles", "organizations:DescribeOrganization", "account:ListRegions"], "Resource": "*"}]}),
        ),
        (
            "ReadOnlyAccess",
            json!({"Version": "2012-10-17", "Statement": [{"Sid": "ReadOnly", "Effect": "Allow", "Action": read_actions, "Resource": "*"}]}),
        ),
        (
            "SecurityAudit",
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": SERVICES.iter().flat_map(|s| [format!("{s}:Describe*"), format!("{s}:List*")]).collect::<Vec<_>>(), "Resource": "*"}]}),
        ),
        (
            "AmazonS3ReadOnlyAccess",
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"], "Resource": "*"}]}),
        ),
        (
            "AWSLambdaBasicExecutionRole",
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]}),
        ),
        (
            "ViewOnlyAccess",
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": SERVICES.iter().map(|s| format!("{s}:List*")).collect::<Vec<_>>(), "Resource": "*"}]}),
        ),
    ]
}

impl Account {
    fn generate(
        org: &Org,
        index: usize,
        id: &str,
        n_roles: usize,
        rng: &mut ChaCha8Rng,
    ) -> Account {
        let url_encoded = index % 10 == 7;
        let mut acct = Account {
            id: id.to_string(),
            roles: Vec::with_capacity(n_roles),
            role_sessions: Vec::with_capacity(n_roles),
            users: Vec::new(),
            groups: Vec::new(),
            policies: Vec::new(),
            resources: json!([]),
            url_encoded,
        };
        let aws_docs = aws_managed_docs();
        let mut used_aws = vec![false; aws_docs.len()];
        let n_customer = 10;
        let customer_arns: Vec<String> = (0..n_customer)
            .map(|k| format!("arn:aws:iam::{id}:policy/app-{k:02}-access"))
            .collect();
        for (k, arn) in customer_arns.iter().enumerate() {
            let doc = customer_policy(k, id, rng);
            acct.policies.push(managed(
                arn,
                &format!("app-{k:02}-access"),
                doc,
                url_encoded,
            ));
        }
        let boundary_arn = format!("arn:aws:iam::{id}:policy/workload-boundary");
        acct.policies.push(managed(&boundary_arn, "workload-boundary", json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
            {"Effect": "Allow", "Action": ["iam:Get*", "iam:List*", "iam:PassRole"], "Resource": "*"}]}), url_encoded));

        let mut role_names = std::collections::HashSet::new();
        for r in 0..n_roles {
            let kind: u32 = rng.random_range(0..100);
            let (mut name, path, trust, pick_admin) = role_shape(org, id, index, r, kind, rng);
            // IAM role names are unique in an account: a shared name (engineer-access) goes
            // to the first role that draws it.
            if !role_names.insert(name.clone()) {
                name = format!("{name}-{r:04}");
                role_names.insert(name.clone());
            }
            let mut attached = Vec::new();
            let aws_pick = if pick_admin {
                0
            } else {
                rng.random_range(0..aws_docs.len() + 4)
            };
            if aws_pick < aws_docs.len() {
                used_aws[aws_pick] = true;
                attached.push(json!({"PolicyName": aws_docs[aws_pick].0, "PolicyArn": format!("arn:aws:iam::aws:policy/{}", aws_docs[aws_pick].0)}));
            }
            if rng.random_bool(0.6) {
                let k = rng.random_range(0..n_customer);
                attached.push(json!({"PolicyName": format!("app-{k:02}-access"), "PolicyArn": customer_arns[k]}));
            }
            let inline = if rng.random_bool(0.5) {
                vec![
                    json!({"PolicyName": "inline-access", "PolicyDocument": doc_value(inline_policy(id, r, rng), url_encoded)}),
                ]
            } else {
                vec![]
            };
            let boundary = ((40..70).contains(&kind) && rng.random_bool(0.3)).then(|| {
                json!({"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary_arn})
            });
            let mut tags = Vec::new();
            if rng.random_bool(0.6) {
                tags.push(
                    json!({"Key": "owner", "Value": format!("team-{}", rng.random_range(0..40))}),
                );
                tags.push(json!({"Key": "purpose", "Value": "synthetic workload"}));
            }
            let last_used = if rng.random_bool(0.85) {
                let days = rng.random_range(0..400u32);
                json!({"LastUsedDate": date_minus_days(days), "Region": "eu-west-1"})
            } else {
                json!({})
            };
            let arn = format!("arn:aws:iam::{id}:role{path}{name}");
            let role_id = format!("AROA{:016X}", fxhash(&arn));
            let mut role = json!({
                "Path": path, "RoleName": name, "RoleId": role_id, "Arn": arn,
                "CreateDate": "2022-03-01T10:00:00Z",
                "AssumeRolePolicyDocument": doc_value(trust, url_encoded),
                "InstanceProfileList": [], "RolePolicyList": inline,
                "AttachedManagedPolicies": attached, "Tags": tags, "RoleLastUsed": last_used
            });
            if let Some(b) = boundary {
                role["PermissionsBoundary"] = b;
            }
            let max = if rng.random_bool(0.2) { 43_200 } else { 3_600 };
            acct.role_sessions.push((arn.clone(), max));
            acct.roles.push(role);
        }
        for (k, used) in used_aws.iter().enumerate() {
            if *used {
                let (name, doc) = &aws_docs[k];
                acct.policies.push(managed(
                    &format!("arn:aws:iam::aws:policy/{name}"),
                    name,
                    doc.clone(),
                    url_encoded,
                ));
            }
        }
        acct.generate_users(org, index, rng);
        acct.generate_resources(org, index, rng);
        acct
    }

    fn generate_users(&mut self, org: &Org, index: usize, rng: &mut ChaCha8Rng) {
        let id = self.id.clone();
        let n_users = if index == 1 {
            50
        } else {
            rng.random_range(0..3)
        };
        self.groups.push(json!({
            "Path": "/", "GroupName": "engineers", "GroupId": format!("AGPA{:016X}", fxhash(&id)),
            "Arn": format!("arn:aws:iam::{id}:group/engineers"), "CreateDate": "2021-05-01T00:00:00Z",
            "GroupPolicyList": [{"PolicyName": "assume-workload-roles", "PolicyDocument": doc_value(json!({
                "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                "Resource": "arn:aws:iam::*:role/engineer-access", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}), self.url_encoded)}],
            "AttachedManagedPolicies": []
        }));
        for u in 0..n_users {
            let name = format!("user{u:03}");
            let arn = format!("arn:aws:iam::{id}:user/{name}");
            let mut inline = vec![];
            if rng.random_bool(0.1) {
                inline.push(json!({"PolicyName": "assume-anything", "PolicyDocument": doc_value(json!({
                    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}), self.url_encoded)}));
            }
            self.users.push(json!({
                "Path": "/", "UserName": name, "UserId": format!("AIDA{:016X}", fxhash(&arn)), "Arn": arn,
                "CreateDate": "2021-06-01T00:00:00Z", "GroupList": ["engineers"], "UserPolicyList": inline,
                "AttachedManagedPolicies": [], "Tags": [{"Key": "email", "Value": format!("{name}@example.com")}]
            }));
        }
        let _ = org;
    }

    fn generate_resources(&mut self, org: &Org, index: usize, rng: &mut ChaCha8Rng) {
        let id = &self.id;
        let mut out = vec![json!({
            "arn": format!("arn:aws:s3:::logs-{id}"), "accountId": id,
            "policy": {"Version": "2012-10-17", "Statement": [
                {"Sid": "SecurityRead", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{}:role/security-audit", org.security)},
                 "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": [format!("arn:aws:s3:::logs-{id}"), format!("arn:aws:s3:::logs-{id}/*")]},
                {"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": format!("arn:aws:s3:::logs-{id}/*"),
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
        })];
        if index % 25 == 5 || rng.random_bool(0.02) {
            out.push(json!({
                "arn": format!("arn:aws:s3:::public-assets-{id}"), "accountId": id,
                "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::public-assets-{id}/*")}]}
            }));
        }
        out.push(json!({
            "arn": format!("arn:aws:kms:eu-west-1:{id}:key/{:08x}-0000-4000-8000-000000000000", fxhash(id) as u32), "accountId": id,
            "policy": {"Version": "2012-10-17", "Statement": [
                {"Sid": "EnableIAM", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{id}:root")}, "Action": "kms:*", "Resource": "*"}]}
        }));
        self.resources = Value::Array(out);
    }

    fn authorization_details(&self) -> Value {
        json!({
            "UserDetailList": self.users, "GroupDetailList": self.groups,
            "RoleDetailList": self.roles, "Policies": self.policies
        })
    }

    fn list_roles(&self) -> Value {
        json!({"Roles": self.role_sessions.iter().map(|(arn, max)| {
            let name = arn.rsplit('/').next().unwrap_or_default();
            json!({"Arn": arn, "RoleName": name, "MaxSessionDuration": max})
        }).collect::<Vec<_>>()})
    }
}

fn date_minus_days(days: u32) -> String {
    // Civil date arithmetic from a fixed reference (2026-11-01) so output is reproducible.
    let mut y = 2026i32;
    let mut m = 11u32;
    let mut d = 1i32 - days as i32;
    let dim = |y: i32, m: u32| match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    };
    while d < 1 {
        if m == 1 {
            m = 12;
            y -= 1;
        } else {
            m -= 1;
        }
        d += dim(y, m);
    }
    format!("{y:04}-{m:02}-{d:02}T08:00:00Z")
}

/// Picks a role's name, path, trust policy, and whether it gets AdministratorAccess.
fn role_shape(
    org: &Org,
    id: &str,
    index: usize,
    r: usize,
    kind: u32,
    rng: &mut ChaCha8Rng,
) -> (String, String, Value, bool) {
    let v = "2012-10-17";
    match kind {
        0..=29 => {
            let deputy = kind >= 22;
            let svc = if deputy {
                SERVICE_PRINCIPALS_DEPUTY[r % SERVICE_PRINCIPALS_DEPUTY.len()]
            } else {
                SERVICE_PRINCIPALS_COMPUTE[r % SERVICE_PRINCIPALS_COMPUTE.len()]
            };
            let mut st = json!({"Effect": "Allow", "Principal": {"Service": svc}, "Action": "sts:AssumeRole"});
            if deputy && rng.random_bool(0.5) {
                st["Condition"] = json!({"StringEquals": {"aws:SourceAccount": id}});
            }
            (
                format!("svc-{r:04}"),
                "/service-role/".into(),
                json!({"Version": v, "Statement": [st]}),
                false,
            )
        }
        30..=44 => {
            let perm = ["AdministratorAccess", "ReadOnly", "PowerUser", "Billing"][r % 4];
            let provider = format!(
                "arn:aws:iam::{id}:saml-provider/AWSSSO_{:016x}_DO_NOT_DELETE",
                fxhash(id)
            );
            (
                format!("AWSReservedSSO_{perm}_{:016x}", fxhash(&format!("{id}{r}"))),
                "/aws-reserved/sso.amazonaws.com/".into(),
                json!({"Version": v, "Statement": [{"Effect": "Allow", "Principal": {"Federated": provider},
                    "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                    "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}]}),
                perm == "AdministratorAccess",
            )
        }
        45..=59 => {
            // CI from the tooling account, by role or by root + PrincipalArn.
            let by_root = rng.random_bool(0.3);
            let mut st = if by_root {
                json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{}:root", org.tooling)}, "Action": "sts:AssumeRole"})
            } else {
                json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{}:role/ci-deployer", org.tooling)}, "Action": ["sts:AssumeRole", "sts:TagSession"]})
            };
            if by_root && rng.random_bool(0.5) {
                st["Condition"] = json!({"ArnLike": {"aws:PrincipalArn": format!("arn:aws:iam::{}:role/ci-*", org.tooling)}});
            }
            (
                format!("deploy-{r:04}"),
                "/".into(),
                json!({"Version": v, "Statement": [st]}),
                rng.random_bool(0.3),
            )
        }
        60..=69 => {
            // Humans from the identity account, with MFA most of the time.
            let mut st = json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{}:root", org.identity)}, "Action": "sts:AssumeRole"});
            if rng.random_bool(0.8) {
                st["Condition"] = json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}});
            }
            let name = if r.is_multiple_of(7) {
                "engineer-access".to_string()
            } else {
                format!("human-{r:04}")
            };
            (
                name,
                "/".into(),
                json!({"Version": v, "Statement": [st]}),
                false,
            )
        }
        70..=74 => (
            format!("security-audit-{r:04}"),
            "/".into(),
            json!({"Version": v, "Statement": [{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{}:role/security-audit", org.security)}, "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-synth0000001"}}}]}),
            false,
        ),
        75..=79 => {
            let (vendor, _) = VENDORS[(index + r) % VENDORS.len()];
            let mut st = json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{vendor}:root")}, "Action": "sts:AssumeRole"});
            if rng.random_bool(0.8) {
                st["Condition"] = json!({"StringEquals": {"sts:ExternalId": format!("{:016x}{:016x}", fxhash(id), rng.random::<u64>())}});
            }
            (
                format!("vendor-{r:04}"),
                "/".into(),
                json!({"Version": v, "Statement": [st]}),
                false,
            )
        }
        80..=84 => (
            format!("github-{r:04}"),
            "/".into(),
            json!({"Version": v, "Statement": [{"Effect": "Allow",
                "Principal": {"Federated": format!("arn:aws:iam::{id}:oidc-provider/token.actions.githubusercontent.com")},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                              "StringLike": {"token.actions.githubusercontent.com:sub": format!("repo:example-org/app-{}:*", r % 50)}}}]}),
            false,
        ),
        _ => {
            let st = if rng.random_bool(0.5) {
                json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{id}:root")}, "Action": "sts:AssumeRole"})
            } else {
                json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{id}:role/app-{:04}", (r + 1) % 1000)}, "Action": "sts:AssumeRole"})
            };
            (
                format!("app-{r:04}"),
                "/".into(),
                json!({"Version": v, "Statement": [st]}),
                false,
            )
        }
    }
}

fn customer_policy(k: usize, id: &str, rng: &mut ChaCha8Rng) -> Value {
    let bucket = format!("arn:aws:s3:::app-{k}-{id}");
    let mut statements = vec![
        json!({"Sid": "Data", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": format!("{bucket}/*")}),
        json!({"Sid": "List", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket,
               "Condition": {"StringLike": {"s3:prefix": ["data/*", "${aws:PrincipalTag/team}/*"]}}}),
        json!({"Sid": "Queue", "Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"], "Resource": format!("arn:aws:sqs:eu-west-1:{id}:app-{k}-*")}),
        json!({"Sid": "Table", "Effect": "Allow", "Action": "dynamodb:*", "Resource": format!("arn:aws:dynamodb:eu-west-1:{id}:table/app-{k}*")}),
    ];
    if rng.random_bool(0.2) {
        statements.push(
            json!({"Sid": "Wide", "Effect": "Allow", "Action": ["ec2:*", "s3:*"], "Resource": "*"}),
        );
    }
    if rng.random_bool(0.1) {
        statements.push(
            json!({"Sid": "PassAny", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}),
        );
    }
    statements.push(json!({"Sid": "DenyOutsideVpn", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*",
        "Condition": {"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"]}, "Bool": {"aws:ViaAWSService": "false"}}}));
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn inline_policy(id: &str, r: usize, rng: &mut ChaCha8Rng) -> Value {
    let mut statements = vec![
        json!({"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": format!("arn:aws:logs:eu-west-1:{id}:log-group:/app/{r}:*")}),
    ];
    if rng.random_bool(0.05) {
        statements.push(json!({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}));
    }
    if rng.random_bool(0.3) {
        statements.push(
            json!({"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"],
            "Resource": format!("arn:aws:secretsmanager:eu-west-1:{id}:secret:app-{r}-*"),
            "Condition": {"StringEquals": {"aws:ResourceTag/app": format!("app-{r}")}}}),
        );
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_complete() {
        let a = tempdir("a");
        let b = tempdir("b");
        let opts = SynthOptions {
            accounts: 6,
            roles_per_account: 40,
            seed: 7,
        };
        let sa = generate(&opts, &a).unwrap();
        generate(&opts, &b).unwrap();
        assert_eq!(sa.accounts, 6);
        assert_eq!(sa.roles, 240);
        for entry in fs::read_dir(&a).unwrap() {
            let p = entry.unwrap().path();
            if p.is_file() {
                let other = b.join(p.file_name().unwrap());
                assert_eq!(
                    fs::read(&p).unwrap(),
                    fs::read(&other).unwrap(),
                    "{p:?} differs"
                );
            }
        }
        assert!(a.join("organization.json").exists());
        assert!(a
            .join("roles")
            .join(format!("{}.json", account_id(0)))
            .exists());
        let _ = fs::remove_dir_all(&a);
        let _ = fs::remove_dir_all(&b);
    }

    #[test]
    fn dates_count_back() {
        assert_eq!(date_minus_days(0), "2026-11-01T08:00:00Z");
        assert_eq!(date_minus_days(1), "2026-10-31T08:00:00Z");
        assert_eq!(date_minus_days(366), "2025-10-31T08:00:00Z");
    }

    fn tempdir(tag: &str) -> std::path::PathBuf {
        let p =
            std::env::temp_dir().join(format!("trustgate-synth-test-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        p
    }
}
