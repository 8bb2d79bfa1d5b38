use std::fs;

use super::*;

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(p, text).unwrap();
}

/// A valid account file for `id`.
fn write_account(dir: &Path, id: &str) {
    write(dir, &format!("{id}.json"), &account(id, TRUST, ""));
}

fn example_org() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/org")
}

fn load(dir: &Path) -> Result<Snapshot, LoadError> {
    Snapshot::load(dir, &LoadOptions::default())
}

fn keep_going() -> LoadOptions {
    LoadOptions {
        keep_going: true,
        ..Default::default()
    }
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

// ----- the bundled example organization ----------------------------------------------------

#[test]
fn example_org_loads_with_counts_and_fields() {
    let snap = load(&example_org()).unwrap();
    let ids: Vec<&str> = snap.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "100000000001",
            "100000000002",
            "100000000003",
            "100000000004",
            "100000000005",
            "100000000006",
            "100000000007"
        ]
    );
    assert_eq!(snap.roles().count(), 36);
    assert_eq!(snap.resources.len(), 6);
    assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);
    let org = snap.organization.as_ref().unwrap();
    assert_eq!(org.organization_id, "o-exampleorg1");
    assert_eq!(snap.org_id(), Some("o-exampleorg1"));

    let identity = snap.account("100000000002").unwrap();
    assert_eq!(identity.name.as_deref(), Some("identity"));
    assert_eq!((identity.users.len(), identity.groups.len()), (3, 1));
    let bob = identity.user("bob").unwrap();
    assert!(bob.user_id.starts_with("AIDA"));
    assert_eq!(bob.groups, ["engineers"]);
    assert_eq!(bob.inline_policies[0].name, "assume-anything");
    assert_eq!(
        identity.group("engineers").unwrap().inline_policies[0].name,
        "assume-engineer-roles"
    );

    let prod = snap.account("100000000004").unwrap();
    let admin = prod.role("prod-admin").unwrap();
    assert!(admin.role_id.starts_with("AROA"));
    assert_eq!(admin.max_session_duration, Some(43200), "from roles/*.json");
    assert_eq!(
        admin.tags.get("owner").map(String::as_str),
        Some("platform-team")
    );
    assert_eq!(admin.last_used.as_deref(), Some("2026-10-20T09:00:00Z"));
    assert_eq!(admin.last_used_region.as_deref(), Some("eu-west-1"));
    assert!(admin.permission_boundary.is_none());
    assert_eq!(
        admin.attached_policies[0].arn(),
        "arn:aws:iam::aws:policy/AdministratorAccess"
    );
    assert!(admin.attached_policies[0].is_known());
    let deploy = prod.role("deploy").unwrap();
    let boundary = deploy.permission_boundary.as_ref().unwrap();
    assert_eq!(
        boundary.arn(),
        "arn:aws:iam::100000000004:policy/cross-account-boundary"
    );
    // deploy-app lists v2 (default) and the broader v1: only v2 is in force.
    let deploy_app = &prod.managed_policies["arn:aws:iam::100000000004:policy/deploy-app"];
    assert!(!deploy_app.aws_managed);
    assert_eq!(
        deploy_app.document.statements[0].sid.as_deref(),
        Some("Stacks")
    );
    let worker = prod.role("app-worker").unwrap();
    assert_eq!(worker.instance_profiles.len(), 1);
    assert_eq!(
        worker.instance_profiles[0].arn,
        "arn:aws:iam::100000000004:instance-profile/app-worker"
    );
    assert!(worker.instance_profiles[0].id.starts_with("AIPA"));
    let config = prod.role("config-recorder").unwrap();
    assert_eq!(config.path, "/service-role/");
    assert_eq!(
        config.arn,
        "arn:aws:iam::100000000004:role/service-role/config-recorder"
    );
    let legacy = prod.role("legacy-partner").unwrap();
    assert!(legacy.last_used.is_none(), "\"RoleLastUsed\": {{}}");

    // Staging is in the raw API form: URL-encoded documents everywhere.
    let staging = snap.account("100000000005").unwrap();
    let deploy = staging.role("deploy").unwrap();
    assert_eq!(deploy.trust_policy.statements.len(), 2);
    assert_eq!(
        deploy.trust_policy.statements[1].conditions[0].key,
        "aws:MultiFactorAuthPresent"
    );
    let data_sync = staging.role("data-sync").unwrap();
    assert_eq!(
        data_sync.inline_policies[0].document.statements[0]
            .action
            .actions[0]
            .raw,
        "s3:*"
    );
    assert!(
        staging.managed_policies["arn:aws:iam::aws:policy/PowerUserAccess"]
            .document
            .statements[0]
            .action
            .negated
    );
}

#[test]
fn example_org_shares_repeated_documents() {
    let snap = load(&example_org()).unwrap();
    let policy = |acct: &str, arn: &str| snap.account(acct).unwrap().managed_policies[arn].clone();
    let audit = "arn:aws:iam::aws:policy/SecurityAudit";
    // One Arc per (ARN, default document) across accounts: the whole managed policy is shared.
    let mgmt = policy("100000000001", audit);
    for acct in [
        "100000000002",
        "100000000003",
        "100000000004",
        "100000000007",
    ] {
        assert!(Arc::ptr_eq(&mgmt, &policy(acct, audit)), "{acct}");
    }
    assert!(mgmt.aws_managed);
    // Staging's copy is URL-encoded text: parsed on its own, to an equal document.
    let staging = policy("100000000005", audit);
    assert!(!Arc::ptr_eq(&mgmt, &staging));
    assert_eq!(*mgmt.document, *staging.document);
    // Customer-managed policies are never shared, even with the same name.
    let boundary = |acct: &str| {
        policy(
            acct,
            &format!("arn:aws:iam::{acct}:policy/cross-account-boundary"),
        )
    };
    assert!(!Arc::ptr_eq(
        &boundary("100000000004").document,
        &boundary("100000000007").document
    ));
    // Identical trust policies (the audit role's, in four accounts) are parsed once.
    let trust = |acct: &str| {
        snap.account(acct)
            .unwrap()
            .role("security-audit")
            .unwrap()
            .trust_policy
            .clone()
    };
    assert!(Arc::ptr_eq(&trust("100000000002"), &trust("100000000004")));
    assert!(Arc::ptr_eq(&trust("100000000002"), &trust("100000000007")));
    assert!(
        !Arc::ptr_eq(&trust("100000000001"), &trust("100000000002")),
        "management's audit trust has no PrincipalOrgID condition"
    );
}

#[test]
fn example_org_indexes() {
    let snap = load(&example_org()).unwrap();
    let (acct, role) = snap
        .role(
            snap.principal("arn:aws:sts::100000000003:assumed-role/ci-deployer/run-42")
                .unwrap(),
        )
        .unwrap();
    assert_eq!(
        (acct.id.as_str(), role.name.as_str()),
        ("100000000003", "ci-deployer")
    );
    let p = snap
        .principal("arn:aws:iam::100000000004:role/config-recorder")
        .unwrap();
    assert_eq!(
        snap.role(p).unwrap().1.path,
        "/service-role/",
        "by name without the path"
    );
    let p = snap
        .principal("arn:aws:iam::100000000002:user/alice")
        .unwrap();
    assert_eq!(snap.user(p).unwrap().1.name, "alice");
    assert!(snap.role(p).is_none());
    let g = snap
        .principal("arn:aws:iam::100000000002:group/engineers")
        .unwrap();
    assert_eq!(snap.group(g).unwrap().1.name, "engineers");
    assert!(snap
        .principal("arn:aws:iam::100000000002:user/mallory")
        .is_none());
    assert!(snap
        .principal("arn:aws:iam::999988887777:role/anything")
        .is_none());

    assert_eq!(snap.org_account_ids().len(), 7);
    assert!(snap.is_in_org("100000000006"));
    assert!(!snap.is_in_org("999988887777"));
    assert!(!snap.is_internal("464622532012"));
    assert_eq!(
        snap.ou_path("100000000004").unwrap(),
        ["r-ex01", "ou-ex01-workloads", "100000000004"]
    );
    assert_eq!(
        snap.organization
            .as_ref()
            .unwrap()
            .path_names("100000000004")
            .unwrap(),
        ["Root", "Workloads", "prod"]
    );
    assert!(snap.ou_path("999988887777").is_none());

    // SCPs: root (FullAWSAccess + DenyLeave), Workloads (FullAWSAccess + EU only), account.
    let scps = snap.scps_for("100000000004").unwrap();
    let names: Vec<Vec<&str>> = scps
        .iter()
        .map(|l| l.policies.iter().map(|p| p.name.as_str()).collect())
        .collect();
    assert_eq!(
        names,
        [
            vec!["FullAWSAccess", "DenyLeaveOrganization"],
            vec!["FullAWSAccess", "DenyOutsideEU"],
            vec!["FullAWSAccess"]
        ]
    );
    assert_eq!(scps[1].target, "ou-ex01-workloads");
    // Each policy's label at its level, as explanations name it (made once per level).
    for level in &scps {
        assert_eq!(level.labels.len(), level.policies.len());
        for (p, label) in level.policies.iter().zip(&level.labels) {
            assert_eq!(*label, format!("{} at {}", p.label(), level.target));
        }
    }
    assert!(
        scps[1].labels[1].ends_with(" at ou-ex01-workloads"),
        "{}",
        scps[1].labels[1]
    );
    assert!(
        snap.scps_for("100000000001").is_none(),
        "the management account is not governed by SCPs"
    );
    assert!(snap.rcps_for("100000000001").is_none());
    assert!(snap.scps_for("999988887777").is_none());
    let rcps = snap.rcps_for("100000000005").unwrap();
    assert!(rcps[1]
        .policies
        .iter()
        .any(|p| p.name == "DenyS3OutsideOrg"
            && p.label() == "RCP DenyS3OutsideOrg (p-RCPOrgOnlyS3)"));

    // Resources and vendors.
    let bucket = snap
        .resource_policy("arn:aws:s3:::example-public-website")
        .unwrap();
    assert_eq!(bucket.account_id, "100000000005");
    assert_eq!(snap.vendor("464622532012"), Some("Datadog"));
    assert_eq!(
        snap.vendor("999988887777"),
        None,
        "not without the user file"
    );
}

#[test]
fn example_known_account_files_agree() {
    let examples = example_org().join("..");
    let mut from_json = KnownAccounts::default();
    from_json
        .extend_from_file(&examples.join("known-accounts.json"))
        .unwrap();
    let mut from_yaml = KnownAccounts::default();
    from_yaml
        .extend_from_file(&examples.join("known-accounts.yaml"))
        .unwrap();
    assert_eq!(from_json.len(), 1);
    assert_eq!(
        from_yaml.lookup("999988887777"),
        from_json.lookup("999988887777")
    );
    let snap = Snapshot::load(
        &example_org(),
        &LoadOptions {
            known_accounts_file: Some(examples.join("known-accounts.yaml")),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        snap.vendor("999988887777"),
        Some("Example MSP (managed service provider)")
    );
    assert_eq!(
        snap.vendor("464622532012"),
        Some("Datadog"),
        "shipped list kept"
    );
}

#[test]
fn single_account_file() {
    let file = example_org().join("100000000004.json");
    let snap = load(&file).unwrap();
    assert_eq!(snap.accounts.len(), 1);
    assert!(snap.organization.is_none());
    assert!(
        snap.is_in_org("100000000004"),
        "without organization data, the snapshot is the org"
    );
    assert!(!snap.is_in_org("100000000003"));
    assert_eq!(
        snap.account("100000000004")
            .unwrap()
            .role("prod-admin")
            .unwrap()
            .max_session_duration,
        None,
        "no roles/ next to a single file: the default is assumed"
    );
    // Any file name: the account comes from the ARNs inside.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "prod-export.json",
        &fs::read_to_string(&file).unwrap(),
    );
    let snap = load(&dir.path().join("prod-export.json")).unwrap();
    assert_eq!(snap.accounts[0].id, "100000000004");
}

// ----- loading, interning, warnings ----------------------------------------------------------

#[test]
fn loads_accounts_org_resources_and_sessions() {
    let dir = tempfile::tempdir().unwrap();
    write_account(dir.path(), "111111111111");
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
        r#"[{"arn":"arn:aws:s3:::b","accountId":"111111111111","policy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}},
            {"arn":"arn:aws:sqs:eu-west-1:222222222222:q","policy":"%7B%22Statement%22%3A%5B%5D%7D"}]"#,
    );
    write(
        dir.path(),
        "roles.json",
        r#"{"Roles":[{"Arn":"arn:aws:iam::111111111111:role/deploy","RoleName":"deploy","MaxSessionDuration":43200,
                      "AssumeRolePolicyDocument":{"Statement":[]}}]}"#,
    );

    let snap = load(dir.path()).unwrap();
    assert_eq!(snap.accounts.len(), 2);
    assert_eq!(snap.accounts[0].name.as_deref(), Some("prod"));
    let (_, deploy) = snap.roles().next().unwrap();
    assert_eq!(deploy.max_session_duration, Some(43200));
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
    assert_eq!(snap.resources.len(), 2);
    assert_eq!(snap.resources[1].account_id, "222222222222", "from the ARN");
    let scps = snap.scps_for("111111111111").unwrap();
    assert_eq!(
        scps.len(),
        2,
        "root and OU; the account level lists no SCP, so it does not restrict (and is reported)"
    );
    assert!(
        snap.scps_for("000000000000").is_none(),
        "management account"
    );
    assert_eq!(snap.warnings.len(), 1, "{:?}", snap.warnings);
    assert!(
        snap.warnings[0].contains("no SCP is listed for 2 level(s)"),
        "{:?}",
        snap.warnings
    );
}

#[test]
fn aws_managed_policies_with_different_documents_are_not_merged() {
    let dir = tempfile::tempdir().unwrap();
    write_account(dir.path(), "111111111111");
    // The same ARN and version ID with another document (a snapshot taken at another time).
    let other = account("222222222222", TRUST, "").replace(
        r#""Action":"*","Resource":"*"}]},"VersionId":"v1""#,
        r#""Action":"ec2:*","Resource":"*"}]},"VersionId":"v1""#,
    );
    write(dir.path(), "222222222222.json", &other);
    let snap = load(dir.path()).unwrap();
    let doc = |i: usize| {
        snap.accounts[i].managed_policies["arn:aws:iam::aws:policy/AdministratorAccess"]
            .document
            .statements[0]
            .action
            .actions[0]
            .raw
            .clone()
    };
    assert_eq!((doc(0).as_str(), doc(1).as_str()), ("*", "ec2:*"));
}

#[test]
fn unknown_managed_policies_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let extra =
        r#",{"PolicyName":"SecurityAudit","PolicyArn":"arn:aws:iam::aws:policy/SecurityAudit"}"#;
    for id in ["111111111111", "222222222222"] {
        write(
            dir.path(),
            &format!("{id}.json"),
            &account(id, TRUST, extra)
                .replacen(
                    r#""AttachedManagedPolicies":[]}],"#,
                    r#""AttachedManagedPolicies":[],"PermissionsBoundary":{"PermissionsBoundaryType":"Policy","PermissionsBoundaryArn":"arn:aws:iam::111111111111:policy/gone"}}],"#,
                    1,
                ),
        );
    }
    let snap = load(dir.path()).unwrap();
    let audit: Vec<&String> = snap
        .warnings
        .iter()
        .filter(|w| w.contains("arn:aws:iam::aws:policy/SecurityAudit"))
        .collect();
    assert_eq!(
        audit.len(),
        1,
        "one warning per policy: {:?}",
        snap.warnings
    );
    assert!(
        audit[0].contains("111111111111.json")
            && audit[0].contains("222222222222.json")
            && audit[0].contains("(2 accounts)")
            && audit[0].contains("possibly allowing"),
        "{}",
        audit[0]
    );
    assert!(
        snap.warnings.iter().any(|w| w.contains("policy/gone")),
        "boundaries too: {:?}",
        snap.warnings
    );
    let (_, role) = snap.roles().next().unwrap();
    assert!(matches!(
        &role.attached_policies[1],
        PolicyRef::Unknown { arn } if arn == "arn:aws:iam::aws:policy/SecurityAudit"
    ));
    assert!(role.attached_policies[1].document().is_none());
    let alice = &snap.accounts[0].users[0];
    assert!(!alice.permission_boundary.as_ref().unwrap().is_known());
}

// ----- errors --------------------------------------------------------------------------------

#[test]
fn wrong_type_names_file_line_column_and_path() {
    let dir = tempfile::tempdir().unwrap();
    write_account(dir.path(), "111111111111");
    let bad = account("222222222222", TRUST, "").replace(
        r#""Tags":[{"Key":"owner","Value":"platform"}]"#,
        r#""Tags":[{"Key":"owner","Value":7}]"#,
    );
    write(dir.path(), "222222222222.json", &bad);
    let err = load(dir.path()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("222222222222.json: 6:"), "{msg}");
    assert!(msg.contains("at RoleDetailList[0].Tags[0].Value"), "{msg}");
    assert!(msg.contains("expected a string"), "{msg}");
    assert!(err.file().ends_with("222222222222.json"));

    // keep_going skips it, and says so.
    let snap = Snapshot::load(dir.path(), &keep_going()).unwrap();
    assert_eq!(snap.accounts.len(), 1);
    assert!(
        snap.warnings[0].starts_with("skipped account file: ")
            && snap.warnings[0].contains("222222222222.json"),
        "{:?}",
        snap.warnings
    );
}

#[test]
fn errors_inside_trust_policies_point_into_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = account("111111111111", TRUST, "")
        .replace("\"Action\":\"sts:AssumeRole\"", "\"Action\":42");
    write(dir.path(), "111111111111.json", &bad);
    let err = load(dir.path()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("at RoleDetailList[0].AssumeRolePolicyDocument.Statement[0].Action"),
        "{msg}"
    );
    match &err {
        LoadError::Parse { error, .. } => {
            assert_eq!(error.line, 4, "{error:?}");
            let line = bad.lines().nth(3).unwrap();
            // serde_json's column is that of the last character read.
            assert_eq!(&line[error.column - 2..error.column], "42", "{error:?}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn errors_inside_managed_policy_documents_point_into_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = account("111111111111", TRUST, "").replace(
        "\"Effect\":\"Allow\",\"Action\":\"*\"",
        "\"Effect\":\"Allw\",\"Action\":\"*\"",
    );
    write(dir.path(), "111111111111.json", &bad);
    let err = load(dir.path()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("Policies[0].PolicyVersionList[0].Document.Statement[0].Effect"),
        "{msg}"
    );
    match &err {
        LoadError::Parse { error, .. } => assert_eq!(error.line, 8, "{error:?}"),
        other => panic!("{other:?}"),
    }
}

/// Inline documents are compiled after the file is read (roles in parallel): an error still
/// names its place in the file, and of several the first in the file is the one reported.
#[test]
fn errors_inside_inline_policies_point_into_the_file_in_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let role = |name: &str, effect: &str| {
        format!(
            r#"{{"RoleName":"{name}","Arn":"arn:aws:iam::111111111111:role/{name}",
  "AssumeRolePolicyDocument":{{"Statement":[]}},
  "RolePolicyList":[{{"PolicyName":"p","PolicyDocument":
    {{"Statement":[{{"Effect":"{effect}","Action":"s3:*","Resource":"*"}}]}}}}]}}"#
        )
    };
    let mut roles: Vec<String> = (0..200).map(|i| role(&format!("ok{i}"), "Allow")).collect();
    roles[150] = role("late", "Deny!");
    roles[120] = role("early", "Allw");
    let text = format!(
        "{{\"RoleDetailList\":[\n{}],\n\"UserDetailList\":[{{\"UserName\":\"u\",\"Arn\":\"arn:aws:iam::111111111111:user/u\",\"UserPolicyList\":[{{\"PolicyName\":\"q\",\"PolicyDocument\":{{\"Statement\":[{{\"Effect\":\"Nope\",\"Action\":\"*\",\"Resource\":\"*\"}}]}}}}]}}]}}",
        roles.join(",\n")
    );
    write(dir.path(), "111111111111.json", &text);
    let err = load(dir.path()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("at RoleDetailList[120].RolePolicyList[0].PolicyDocument.Statement[0].Effect"),
        "{msg}"
    );
    match &err {
        LoadError::Parse { error, .. } => {
            let line = text.lines().nth(error.line - 1).unwrap();
            assert!(line.contains("Allw"), "{error:?}: {line}");
        }
        other => panic!("{other:?}"),
    }
    // With the roles fixed, the user's inline policy is the one.
    let fixed = text.replace("Allw", "Allow").replace("Deny!", "Deny");
    write(dir.path(), "111111111111.json", &fixed);
    let msg = load(dir.path()).unwrap_err().to_string();
    assert!(
        msg.contains("at UserDetailList[0].UserPolicyList[0].PolicyDocument.Statement[0].Effect"),
        "{msg}"
    );
}

#[test]
fn bad_json_gives_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    assert!(load(dir.path())
        .unwrap_err()
        .to_string()
        .contains("no account files"));
    write(
        dir.path(),
        "111111111111.json",
        "{\"RoleDetailList\": [\n  {,}\n]}",
    );
    let e = load(dir.path()).unwrap_err();
    assert!(
        e.to_string().starts_with(&format!(
            "{}: 2:4: ",
            dir.path().join("111111111111.json").display()
        )),
        "{e}"
    );
    write(dir.path(), "111111111111.json", "{\"RoleDetailList\": [");
    let e = load(dir.path()).unwrap_err();
    assert!(e.to_string().contains("111111111111.json: 1:"), "{e}");
    assert!(load(&dir.path().join("missing")).is_err());
}

#[test]
fn keep_going_skips_bad_resource_and_role_files() {
    let dir = tempfile::tempdir().unwrap();
    write_account(dir.path(), "111111111111");
    write(dir.path(), "resources/bad.json", r#"{"arn": "not a list"}"#);
    write(
        dir.path(),
        "resources/nobucketowner.json",
        r#"[{"arn":"arn:aws:s3:::b","policy":{"Statement":[]}}]"#,
    );
    write(
        dir.path(),
        "resources/good.json",
        r#"[{"arn":"arn:aws:s3:::ok","accountId":"111111111111","policy":{"Statement":[]}}]"#,
    );
    write(dir.path(), "roles/111111111111.json", r#"{"Roles": 3}"#);
    let e = load(dir.path()).unwrap_err().to_string();
    assert!(e.contains("bad.json: 1:"), "{e}");
    let snap = Snapshot::load(dir.path(), &keep_going()).unwrap();
    assert_eq!(snap.resources.len(), 1);
    assert_eq!(snap.warnings.len(), 3, "{:?}", snap.warnings);
    assert!(
        snap.warnings[0].starts_with("skipped resource policy file: ")
            && snap.warnings[0].contains("bad.json")
    );
    assert!(
        snap.warnings[1].contains("\"accountId\" is required"),
        "{:?}",
        snap.warnings
    );
    assert!(
        snap.warnings[2].starts_with("skipped list-roles file: "),
        "{:?}",
        snap.warnings
    );
}

#[test]
fn account_files_must_hold_their_account() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "111111111111.json",
        &account("222222222222", TRUST, ""),
    );
    let e = load(dir.path()).unwrap_err().to_string();
    assert!(
        e.contains("named for account 111111111111") && e.contains("222222222222"),
        "{e}"
    );
    let bad_org = tempfile::tempdir().unwrap();
    write_account(bad_org.path(), "111111111111");
    write(
        bad_org.path(),
        "organization.json",
        r#"{"organizationId":"o-1","rootId":"r-1","accounts":[{"id":"111111111111","parentID":"r-1"}]}"#,
    );
    let e = Snapshot::load(bad_org.path(), &keep_going())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("organization.json: 1:") && e.contains("parentID"),
        "{e}"
    );
}

#[test]
fn organization_coverage_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    write_account(dir.path(), "111111111111");
    write_account(dir.path(), "222222222222");
    write(
        dir.path(),
        "organization.json",
        r#"{"organizationId":"o-1","rootId":"r-1",
            "accounts":[{"id":"111111111111","parentId":"r-1"},{"id":"333333333333","parentId":"r-1"}]}"#,
    );
    let snap = load(dir.path()).unwrap();
    assert_eq!(snap.warnings.len(), 2, "{:?}", snap.warnings);
    assert!(
        snap.warnings[0].contains(
            "lists 1 account(s) with no authorization-details file loaded (333333333333)"
        ),
        "{:?}",
        snap.warnings
    );
    assert!(
        snap.warnings[1].contains("(222222222222): treated as internal, but no SCP or RCP applies"),
        "{:?}",
        snap.warnings
    );
    assert!(snap.is_internal("222222222222") && !snap.is_in_org("222222222222"));
    assert!(snap.is_in_org("333333333333") && snap.account("333333333333").is_none());
    assert_eq!(snap.org_account_ids(), ["111111111111", "333333333333"]);
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
    fs::write(&f, r#"[{"name": "Listed", "accounts": ["111122224444"]}]"#).unwrap();
    k.extend_from_file(&f).unwrap();
    assert_eq!(k.lookup("111122224444"), Some("Listed"));
    fs::write(&f, r#"{"x": 1}"#).unwrap();
    let e = k.extend_from_file(&f).unwrap_err().to_string();
    assert!(e.contains("ka.json") && e.contains("1:7"), "{e}");
    fs::write(&f, r#"{"12345": "Short"}"#).unwrap();
    assert!(k
        .extend_from_file(&f)
        .unwrap_err()
        .to_string()
        .contains("12-digit"));
    let y = dir.path().join("ka.yaml");
    fs::write(
        &y,
        "- name: 'Overrides Datadog'\n  accounts: ['464622532012']\n",
    )
    .unwrap();
    k.extend_from_file(&y).unwrap();
    assert_eq!(k.lookup("464622532012"), Some("Overrides Datadog"));
    fs::write(&y, "- name: 'No accounts'\n  source: []\n").unwrap();
    let e = k.extend_from_file(&y).unwrap_err().to_string();
    assert!(
        e.contains("ka.yaml: 1:1: at [0]: the entry has no `accounts`"),
        "{e}"
    );
}

#[test]
fn from_parts_sorts_and_indexes() {
    let role = |account: &str, name: &str| Role {
        arn: format!("arn:aws:iam::{account}:role/path/{name}"),
        name: name.into(),
        path: "/path/".into(),
        role_id: String::new(),
        create_date: None,
        trust_policy: Arc::new(trustgate_policy::parse_policy(r#"{"Statement":[]}"#).unwrap()),
        inline_policies: Vec::new(),
        attached_policies: Vec::new(),
        permission_boundary: None,
        tags: Default::default(),
        last_used: None,
        last_used_region: None,
        max_session_duration: None,
        instance_profiles: Vec::new(),
    };
    let account = |id: &str| Account {
        id: id.into(),
        name: None,
        source: PathBuf::from("template.yaml"),
        users: Vec::new(),
        groups: Vec::new(),
        roles: vec![role(id, "deploy")],
        managed_policies: HashMap::new(),
    };
    let snap = Snapshot::from_parts(
        PathBuf::from("."),
        vec![account("222222222222"), account("111111111111")],
        None,
        Vec::new(),
        KnownAccounts::default(),
        Vec::new(),
    );
    assert_eq!(snap.accounts[0].id, "111111111111");
    let r = snap
        .principal("arn:aws:sts::222222222222:assumed-role/deploy/session")
        .expect("indexed");
    assert_eq!(snap.role(r).unwrap().0.id, "222222222222");
    assert!(snap.is_internal("111111111111") && !snap.is_internal("333333333333"));
}

#[test]
fn partial_collection_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("111111111111.json"),
        r#"{"UserDetailList":[],"GroupDetailList":[],"RoleDetailList":[],"Policies":[]}"#,
    )
    .unwrap();
    let load = || {
        Snapshot::load(dir.path(), &LoadOptions::default())
            .unwrap()
            .warnings
    };
    assert!(load().is_empty());
    std::fs::write(
        dir.path().join("collect-manifest.json"),
        r#"{"complete": false, "accounts": []}"#,
    )
    .unwrap();
    assert!(
        load()[0].contains("the collection was partial"),
        "{:?}",
        load()
    );
    std::fs::write(
        dir.path().join("collect-manifest.json"),
        r#"{"complete": true}"#,
    )
    .unwrap();
    assert!(load().is_empty());
}

/// AWS never lists one ARN twice in an account; a file that does is refused, naming both
/// entries (or skipped with --keep-going).
#[test]
fn an_arn_listed_twice_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let one = account("111111111111", TRUST, "");
    let doubled = one.replace(
        r#""GroupDetailList":[{"#,
        r#""GroupDetailList":[{"GroupName":"eng","GroupId":"AGPA1","Arn":"arn:aws:iam::111111111111:group/eng","GroupPolicyList":[],"AttachedManagedPolicies":[]},{"#,
    );
    assert_ne!(one, doubled, "fixture changed");
    write(dir.path(), "111111111111.json", &doubled);
    let msg = load(dir.path()).unwrap_err().to_string();
    assert!(msg.contains("111111111111.json"), "{msg}");
    assert!(
        msg.contains(
            "GroupDetailList[1]: arn:aws:iam::111111111111:group/eng is also GroupDetailList[0]"
        ),
        "{msg}"
    );
    write_account(dir.path(), "222222222222");
    let snap = Snapshot::load(dir.path(), &keep_going()).unwrap();
    assert_eq!(snap.accounts.len(), 1);
    assert!(
        snap.warnings.iter().any(|w| w.contains("is also")),
        "{:?}",
        snap.warnings
    );
}
