use super::*;

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(p, text).unwrap();
}

const ADMIN: &str = r#"{"PolicyName":"AdministratorAccess","Arn":"arn:aws:iam::aws:policy/AdministratorAccess","DefaultVersionId":"v1",
  "PolicyVersionList":[{"Document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]},"VersionId":"v1","IsDefaultVersion":true},
                       {"Document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]},"VersionId":"v0","IsDefaultVersion":false}]}"#;

fn account(id: &str, role_doc: &str, extra_attached: &str) -> String {
    format!(
        r#"{{"UserDetailList":[{{"UserName":"alice","UserId":"AIDA1","Arn":"arn:aws:iam::{id}:user/alice","GroupList":["eng"],"UserPolicyList":[],"AttachedManagedPolicies":[]}}],
  "GroupDetailList":[{{"GroupName":"eng","GroupId":"AGPA1","Arn":"arn:aws:iam::{id}:group/eng","GroupPolicyList":[],"AttachedManagedPolicies":[]}}],
  "RoleDetailList":[{{"Path":"/","RoleName":"deploy","RoleId":"AROA1","Arn":"arn:aws:iam::{id}:role/deploy",
     "AssumeRolePolicyDocument":{role_doc},
     "RolePolicyList":[],"AttachedManagedPolicies":[{{"PolicyName":"AdministratorAccess","PolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}}{extra_attached}],
     "Tags":[{{"Key":"owner","Value":"platform"}}],"RoleLastUsed":{{"LastUsedDate":"2026-10-01T00:00:00Z","Region":"eu-west-1"}}}}],
  "Policies":[{ADMIN}]}}"#
    )
}

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}"#;
const TRUST_ENCODED: &str = "\"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D\"";

#[test]
fn loads_accounts_org_resources_and_sessions() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "111111111111.json",
        &account("111111111111", TRUST, ""),
    );
    write(
        dir.path(),
        "222222222222.json",
        &account("222222222222", TRUST_ENCODED, ""),
    );
    write(
        dir.path(),
        "organization.json",
        r#"{"organizationId":"o-1","managementAccountId":"000000000000","rootId":"r-1",
            "organizationalUnits":[{"id":"ou-a","name":"Work","parentId":"r-1"}],
            "accounts":[{"id":"111111111111","name":"prod","parentId":"ou-a"},{"id":"222222222222","name":"dev","parentId":"r-1"}],
            "policies":[{"id":"p-1","name":"Full","type":"SERVICE_CONTROL_POLICY","document":{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]},"targets":["r-1","ou-a"]}]}"#,
    );
    write(
        dir.path(),
        "resources/s3.json",
        r#"[{"arn":"arn:aws:s3:::b","accountId":"111111111111","policy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}}]"#,
    );
    write(
        dir.path(),
        "roles/111111111111.json",
        r#"{"Roles":[{"Arn":"arn:aws:iam::111111111111:role/deploy","MaxSessionDuration":43200}]}"#,
    );

    let snap = Snapshot::load(dir.path(), &LoadOptions::default()).unwrap();
    assert_eq!(snap.accounts.len(), 2);
    assert_eq!(snap.accounts[0].name.as_deref(), Some("prod"));
    let (_, deploy) = snap.roles().next().unwrap();
    assert_eq!(deploy.max_session_duration, Some(43200));
    assert_eq!(
        deploy.tags.get("owner").map(String::as_str),
        Some("platform")
    );
    let (_, dev_role) = snap
        .role(
            snap.principal("arn:aws:iam::222222222222:role/deploy")
                .unwrap(),
        )
        .unwrap();
    assert_eq!(dev_role.max_session_duration, None);
    assert_eq!(
        dev_role.trust_policy.statements[0]
            .principal
            .as_ref()
            .unwrap()
            .principals[0]
            .value,
        "ec2.amazonaws.com",
        "URL-encoded documents are decoded"
    );
    // Interning: both accounts share one parsed AdministratorAccess, and it is the default version.
    let a = snap.accounts[0].managed_policies["arn:aws:iam::aws:policy/AdministratorAccess"]
        .document
        .clone();
    let b = snap.accounts[1].managed_policies["arn:aws:iam::aws:policy/AdministratorAccess"]
        .document
        .clone();
    assert!(Arc::ptr_eq(&a, &b));
    assert_eq!(a.statements[0].action.actions[0].raw, "*");
    // Indexes.
    assert!(snap
        .principal("arn:aws:sts::111111111111:assumed-role/deploy/session-1")
        .is_some());
    assert!(snap
        .principal("arn:aws:iam::111111111111:user/alice")
        .is_some());
    assert!(snap.is_internal("222222222222"));
    assert!(!snap.is_internal("999999999999"));
    let scps = snap.scps_for("111111111111").unwrap();
    assert_eq!(
        scps.len(),
        2,
        "root and OU; the account level lists no SCP, so it does not restrict (and is reported)"
    );
    assert_eq!(scps[1].target, "ou-a");
    assert_eq!(scps[0].policies.len(), 1);
    assert!(
        snap.scps_for("000000000000").is_none(),
        "management account"
    );
    assert_eq!(snap.resources.len(), 1);
    assert_eq!(snap.warnings.len(), 1, "{:?}", snap.warnings);
    assert!(
        snap.warnings[0].contains("no SCP is listed for 2 level(s)"),
        "{:?}",
        snap.warnings
    );
}

#[test]
fn unknown_managed_policies_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let extra = r#",{"PolicyName":"Gone","PolicyArn":"arn:aws:iam::aws:policy/SecurityAudit"}"#;
    write(
        dir.path(),
        "111111111111.json",
        &account("111111111111", TRUST, extra),
    );
    let snap = Snapshot::load(dir.path(), &LoadOptions::default()).unwrap();
    assert!(
        snap.warnings.iter().any(|w| w.contains("SecurityAudit")),
        "{:?}",
        snap.warnings
    );
    let (_, role) = snap.roles().next().unwrap();
    assert!(matches!(
        role.attached_policies[1],
        PolicyRef::Unknown { .. }
    ));
}

#[test]
fn errors_name_file_line_and_path() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "111111111111.json",
        &account("111111111111", TRUST, ""),
    );
    let bad = account("222222222222", TRUST, "")
        .replace("\"Action\":\"sts:AssumeRole\"", "\"Action\":42");
    write(dir.path(), "222222222222.json", &bad);
    let err = Snapshot::load(dir.path(), &LoadOptions::default()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("222222222222.json"), "{msg}");
    assert!(
        msg.contains("RoleDetailList[0].AssumeRolePolicyDocument"),
        "{msg}"
    );
    match &err {
        LoadError::Parse { error, .. } => assert!(error.line > 0),
        other => panic!("{other:?}"),
    }
    // keep_going skips it, and says so.
    let snap = Snapshot::load(
        dir.path(),
        &LoadOptions {
            keep_going: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(snap.accounts.len(), 1);
    assert!(snap.warnings[0].contains("skipped"), "{:?}", snap.warnings);
}

#[test]
fn errors_inside_managed_policy_documents_point_into_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = account("111111111111", TRUST, "").replace(
        "\"Effect\":\"Allow\",\"Action\":\"*\"",
        "\"Effect\":\"Allw\",\"Action\":\"*\"",
    );
    write(dir.path(), "111111111111.json", &bad);
    let err = Snapshot::load(dir.path(), &LoadOptions::default()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("Policies[0].PolicyVersionList[0].Document"),
        "{msg}"
    );
    match &err {
        LoadError::Parse { error, .. } => assert!(error.line >= 5, "{error:?}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn garbage_and_empty_dirs_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    assert!(Snapshot::load(dir.path(), &LoadOptions::default()).is_err());
    write(dir.path(), "111111111111.json", "{\"RoleDetailList\": [");
    let e = Snapshot::load(dir.path(), &LoadOptions::default()).unwrap_err();
    assert!(e.to_string().contains("111111111111.json"), "{e}");
    assert!(Snapshot::load(&dir.path().join("missing"), &LoadOptions::default()).is_err());
}

#[test]
fn org_cycles_do_not_hang() {
    let org: Organization = serde_json::from_str(
        r#"{"organizationId":"o","rootId":"r","organizationalUnits":[{"id":"a","name":"A","parentId":"b"},{"id":"b","name":"B","parentId":"a"}],
            "accounts":[{"id":"111111111111","parentId":"a"}]}"#,
    )
    .unwrap();
    assert!(org.path_of("111111111111").is_none());
}

#[test]
fn known_accounts_files() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("ka.json");
    fs::write(&f, r#"{"999988887777": "Example MSP"}"#).unwrap();
    let mut k = KnownAccounts::shipped();
    assert_eq!(k.lookup("464622532012"), Some("Datadog"));
    k.extend_from_file(&f).unwrap();
    assert_eq!(k.lookup("999988887777"), Some("Example MSP"));
    fs::write(&f, r#"{"accounts": {"111122223333": "Other"}}"#).unwrap();
    k.extend_from_file(&f).unwrap();
    assert_eq!(k.lookup("111122223333"), Some("Other"));
    fs::write(&f, r#"{"x": 1}"#).unwrap();
    let e = k.extend_from_file(&f).unwrap_err().to_string();
    assert!(e.contains("ka.json") && e.contains("1:7"), "{e}");
    fs::write(&f, r#"{"12345": "Short"}"#).unwrap();
    assert!(k
        .extend_from_file(&f)
        .unwrap_err()
        .to_string()
        .contains("12-digit"));
}
