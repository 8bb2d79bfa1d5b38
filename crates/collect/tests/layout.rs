//! What `collect` writes is what the model loader reads: every file of the layout, written
//! through `SnapshotDir` from the shapes the SDK code fills, loads back with the same content.
//! (The live part is tested against moto server by tests/collect/run.sh.)

use std::collections::BTreeMap;

use trustgate_collect::manifest::{AccountOutcome, Manifest, Mode, Status};
use trustgate_collect::snapshot::*;
use trustgate_model::{LoadOptions, Snapshot};

/// IAM's form of a document: URL-encoded JSON.
fn url_encoded(json: &str) -> String {
    let mut out = String::new();
    for b in json.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn role(account: &str, name: &str, trust: &str) -> RoleDetail {
    RoleDetail {
        path: "/".into(),
        role_name: name.into(),
        role_id: format!("AROA{name}"),
        arn: format!("arn:aws:iam::{account}:role/{name}"),
        create_date: Some("2025-01-01T00:00:00Z".into()),
        assume_role_policy_document: url_encoded(trust),
        instance_profile_list: vec![],
        role_policy_list: vec![InlinePolicy {
            policy_name: "inline".into(),
            policy_document: url_encoded(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
            ),
        }],
        attached_managed_policies: vec![AttachedPolicy {
            policy_name: Some("ReadOnly".into()),
            policy_arn: format!("arn:aws:iam::{account}:policy/ReadOnly"),
        }],
        permissions_boundary: Some(PermissionsBoundary {
            permissions_boundary_type: Some("Policy".into()),
            permissions_boundary_arn: format!("arn:aws:iam::{account}:policy/ReadOnly"),
        }),
        tags: vec![Tag {
            key: "owner".into(),
            value: "security".into(),
        }],
        role_last_used: Some(RoleLastUsed {
            last_used_date: Some("2025-06-01T00:00:00Z".into()),
            region: Some("eu-west-1".into()),
        }),
    }
}

#[test]
fn the_loader_reads_every_file_collect_writes() {
    let dir = tempfile::tempdir().unwrap();
    let out = SnapshotDir::create(&dir.path().join("snap")).unwrap();
    let (mgmt, member) = ("111111111111", "222222222222");
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{mgmt}:role/Collector"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"sts:ExternalId":"Zq7vK2mX9pR4tW8nB3cL"}}}}}}]}}"#
    );
    for account in [mgmt, member] {
        let details = AuthorizationDetails {
            user_detail_list: vec![UserDetail {
                path: "/".into(),
                user_name: "ci".into(),
                user_id: "AIDACI".into(),
                arn: format!("arn:aws:iam::{account}:user/ci"),
                create_date: Some("2025-01-01T00:00:00Z".into()),
                user_policy_list: vec![],
                group_list: vec!["deployers".into()],
                attached_managed_policies: vec![],
                permissions_boundary: None,
                tags: vec![],
            }],
            group_detail_list: vec![GroupDetail {
                path: "/".into(),
                group_name: "deployers".into(),
                group_id: "AGPADEP".into(),
                arn: format!("arn:aws:iam::{account}:group/deployers"),
                create_date: None,
                group_policy_list: vec![],
                attached_managed_policies: vec![],
            }],
            role_detail_list: vec![role(account, "TrustgateAudit", &trust)],
            policies: vec![ManagedPolicyDetail {
                policy_name: "ReadOnly".into(),
                policy_id: "ANPARO".into(),
                arn: format!("arn:aws:iam::{account}:policy/ReadOnly"),
                path: "/".into(),
                default_version_id: Some("v2".into()),
                attachment_count: Some(1),
                permissions_boundary_usage_count: Some(1),
                is_attachable: true,
                description: None,
                create_date: None,
                update_date: None,
                policy_version_list: vec![
                    PolicyVersion {
                        document: Some(url_encoded(
                            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}"#,
                        )),
                        version_id: "v2".into(),
                        is_default_version: true,
                        create_date: None,
                    },
                    PolicyVersion {
                        // An older version, not in force: never parsed.
                        document: Some("not JSON at all".into()),
                        version_id: "v1".into(),
                        is_default_version: false,
                        create_date: None,
                    },
                ],
            }],
        };
        out.write_authorization_details(account, &details).unwrap();
        out.write_roles(
            account,
            &ListRoles {
                roles: vec![ListedRole {
                    path: "/".into(),
                    role_name: "TrustgateAudit".into(),
                    role_id: "AROATrustgateAudit".into(),
                    arn: format!("arn:aws:iam::{account}:role/TrustgateAudit"),
                    create_date: None,
                    description: None,
                    max_session_duration: Some(3600),
                }],
            },
        )
        .unwrap();
        out.write_credential_report(
            account,
            format!(
                "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n\
                 ci,arn:aws:iam::{account}:user/ci,2025-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2025-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
            )
            .as_bytes(),
        )
        .unwrap();
    }
    let bucket_policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}]}"#;
    out.write_resources(
        member,
        &[
            ResourcePolicy::from_text("arn:aws:s3:::shared".into(), member.into(), bucket_policy)
                .unwrap(),
        ],
    )
    .unwrap();
    out.write_resources(mgmt, &[]).unwrap();
    out.write_organization(&Organization {
        organization_id: "o-test".into(),
        management_account_id: Some(mgmt.into()),
        root_id: "r-root".into(),
        organizational_units: vec![OrganizationalUnit {
            id: "ou-work".into(),
            name: "Workloads".into(),
            parent_id: "r-root".into(),
        }],
        accounts: vec![
            OrgAccount {
                id: mgmt.into(),
                name: Some("management".into()),
                parent_id: "r-root".into(),
                tags: BTreeMap::new(),
            },
            OrgAccount {
                id: member.into(),
                name: Some("prod".into()),
                parent_id: "ou-work".into(),
                tags: BTreeMap::from([("env".to_string(), "prod".to_string())]),
            },
        ],
        policies: vec![OrgPolicy {
            id: "p-full".into(),
            name: "FullAWSAccess".into(),
            policy_type: SERVICE_CONTROL_POLICY.into(),
            document: serde_json::value::RawValue::from_string(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#.into(),
            )
            .unwrap(),
            targets: vec!["r-root".into(), "ou-work".into(), member.into()],
        }],
    })
    .unwrap();
    let manifest = Manifest {
        tool: "trustgate collect test".into(),
        started_at: "2025-01-01T00:00:00Z".into(),
        finished_at: None,
        caller_arn: format!("arn:aws:iam::{mgmt}:role/Collector"),
        caller_account_id: mgmt.into(),
        mode: Mode::Organization,
        organization_id: Some("o-test".into()),
        role_name: "TrustgateAudit".into(),
        session_name: "trustgate-collect".into(),
        external_id_sent: true,
        regions: vec!["eu-west-1".into()],
        complete: false,
        failures: vec![],
        accounts: vec![AccountOutcome {
            id: member.into(),
            name: None,
            status: Status::Complete,
            access: Some("assumed-role".into()),
            files: vec![],
            regions: vec![],
            failures: vec![],
            skipped: None,
        }],
    };
    manifest.write(&out).unwrap();

    // No temporary file is left behind.
    let leftovers: Vec<_> = walk(out.root())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let snap = Snapshot::load(
        out.root(),
        &LoadOptions {
            keep_going: false,
            known_accounts_file: None,
        },
    )
    .unwrap();
    assert_eq!(snap.accounts.len(), 2, "the manifest is not an account");
    // The manifest above says `complete: false`: the loader says so, and nothing else.
    assert_eq!(snap.warnings.len(), 1, "{:?}", snap.warnings);
    assert!(snap.warnings[0].contains("the collection was partial"));
    let account = snap.account(member).unwrap();
    let audit = account.role("TrustgateAudit").unwrap();
    assert_eq!(audit.max_session_duration, Some(3600));
    assert!(audit.permission_boundary.is_some());
    assert_eq!(audit.inline_policies.len(), 1);
    assert_eq!(account.users.len(), 1);
    assert_eq!(account.groups.len(), 1);
    assert_eq!(snap.org_id(), Some("o-test"));
    assert_eq!(
        snap.ou_path(member).unwrap(),
        vec!["r-root", "ou-work", member]
    );
    assert!(snap.scps_for(member).is_some());
    assert_eq!(snap.resources.len(), 1);
    assert_eq!(snap.resources[0].account_id, member);
    assert!(snap.has_credential_report(member));
    assert!(snap
        .credentials(&format!("arn:aws:iam::{member}:user/ci"))
        .is_some());
}

#[test]
fn refuses_a_non_empty_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("111111111111.json"), "{}").unwrap();
    let err = SnapshotDir::create(dir.path()).unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
    // An empty existing directory is fine.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    SnapshotDir::create(&empty).unwrap();
}

#[test]
fn a_policy_text_that_is_not_json_is_an_error_naming_the_resource() {
    let err = ResourcePolicy::from_text(
        "arn:aws:sqs:eu-west-1:222222222222:q".into(),
        "222222222222".into(),
        "{not json",
    )
    .unwrap_err();
    assert!(
        err.contains("arn:aws:sqs:eu-west-1:222222222222:q"),
        "{err}"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
