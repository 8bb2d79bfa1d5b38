//! Stratus Red Team's backdoor artefacts (see tests/fixtures/stratus/README.md) planted in a
//! one-account snapshot: the scan must report each of them.

use serde_json::json;
use trustgate_model::{LoadOptions, Snapshot};
use trustgate_rules::{analyze, ScanOptions};

#[test]
fn backdoors_are_reported() {
    let trust: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/stratus/backdoor_trust_policy.json")).unwrap();
    let backdoored: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/stratus/backdoor_role_policy.json")).unwrap();
    let bucket: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/stratus/backdoor_bucket_policy.json")).unwrap();
    let admin = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let account = json!({
        "UserDetailList": [], "GroupDetailList": [],
        "RoleDetailList": [
            {"RoleName": "stratus-red-team-malicious-iam-role", "Arn": "arn:aws:iam::111111111111:role/stratus-red-team-malicious-iam-role",
             "Path": "/", "RoleId": "AROA1", "AssumeRolePolicyDocument": trust,
             "RolePolicyList": [], "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]},
            {"RoleName": "ec2-instance-role", "Arn": "arn:aws:iam::111111111111:role/ec2-instance-role",
             "Path": "/", "RoleId": "AROA2", "AssumeRolePolicyDocument": backdoored,
             "RolePolicyList": [], "AttachedManagedPolicies": []}
        ],
        "Policies": [{"PolicyName": "AdministratorAccess", "Arn": "arn:aws:iam::aws:policy/AdministratorAccess", "DefaultVersionId": "v1",
                      "PolicyVersionList": [{"Document": admin, "VersionId": "v1", "IsDefaultVersion": true}]}]
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("111111111111.json"), account.to_string()).unwrap();
    std::fs::create_dir(dir.path().join("resources")).unwrap();
    std::fs::write(
        dir.path().join("resources/s3.json"),
        json!([{"arn": "arn:aws:s3:::victim-bucket", "accountId": "111111111111", "policy": bucket}]).to_string(),
    )
    .unwrap();
    let snap = Snapshot::load(dir.path(), &LoadOptions::default()).unwrap();
    let out = analyze(&snap, &ScanOptions::default()).output;
    let has = |rule: &str, resource: &str| {
        out.findings
            .iter()
            .any(|f| f.rule == rule && f.resource == resource)
    };
    let created = "arn:aws:iam::111111111111:role/stratus-red-team-malicious-iam-role";
    let modified = "arn:aws:iam::111111111111:role/ec2-instance-role";
    assert!(
        has("TG003", created),
        "external account without External ID"
    );
    assert!(has("TG001", created), "account root trust");
    assert!(has("TG007", created), "admin role assumable from outside");
    assert!(has("TG017", created), "outside principal reaches admin");
    assert!(
        has("TG003", modified),
        "backdoor added to an existing trust policy"
    );
    assert!(
        has("TG013", "arn:aws:s3:::victim-bucket"),
        "bucket policy granting an external account"
    );
}
