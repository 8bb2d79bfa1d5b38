//! A small, hand-built scan and registry: every severity, a rule missing from the catalogue,
//! long ARNs, and hostile strings (HTML, `|`, newlines, backticks, ANSI escapes, bidi
//! overrides, spreadsheet formulas, wide Unicode) to show what each format does with them.
#![allow(dead_code)]

use std::collections::BTreeMap;

use trustgate_rules::trust::{ConditionView, TrustedKind};
use trustgate_rules::{
    Finding, PermissionSummary, Registry, Relationship, RuleDoc, ScanOutput, Scope, Severity,
};

pub const HOSTILE_TAG: &str = "<script>alert(1)</script>";

pub fn rules() -> Vec<RuleDoc> {
    vec![
        RuleDoc {
            id: "TG001",
            name: "root-trust",
            title: "Trust of an account root instead of a specific principal",
            severity: Severity::Medium,
            what: "Flags trust policies that name `arn:aws:iam::ID:root` or a bare account ID.",
            why: "Any principal of that account whose identity policy allows it can assume the role.",
            example: "{\"Principal\": {\"AWS\": \"111111111111\"}}",
            fix: "Name the role that needs access, or add an `aws:PrincipalArn` condition.",
        },
        RuleDoc {
            id: "TG002",
            name: "public-trust",
            title: "Any principal trusted without a restricting condition",
            severity: Severity::Critical,
            what: "Flags trust policies that allow `*` without a condition on who.",
            why: "Anyone with an AWS account can assume the role.",
            example: "{\"Principal\": \"*\"}",
            fix: "Name the trusted principals, or add `aws:PrincipalOrgID`.",
        },
        RuleDoc {
            id: "TG003",
            name: "third-party-without-external-id",
            title: "Third-party trust without sts:ExternalId",
            severity: Severity::High,
            what: "Flags trust of accounts outside the organization with no `sts:ExternalId` condition.",
            why: "The vendor can be tricked into using its access for another customer (confused deputy).",
            example: "{\"Principal\": {\"AWS\": \"999999999999\"}}",
            fix: "Add `\"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"<id from the vendor>\"}}`.",
        },
        RuleDoc {
            id: "TG007",
            name: "cross-account-admin",
            title: "Role assumable from another account is admin-equivalent",
            severity: Severity::High,
            what: "Flags cross-account roles whose permissions amount to administrator.",
            why: "A compromise of the trusted account becomes a compromise of this one.",
            example: "{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}",
            fix: "Grant only the actions the caller needs,\nand cap the role with a permission boundary.",
        },
        RuleDoc {
            id: "TG011",
            name: "stale-trust",
            title: "Stale trust relationship",
            severity: Severity::Low,
            what: "Flags roles never used, or not within `--stale-days`.",
            why: "Unused trust is access an attacker finds before you do.",
            example: "{\"RoleLastUsed\": {}}",
            fix: "Remove the trust relationship, or record why it stays.",
        },
        RuleDoc {
            id: "TG013",
            name: "resource-policy-external",
            title: "Resource policy grants an external account or anyone",
            severity: Severity::Medium,
            what: "Flags resource policies granting an external account root or `*` without an org condition.",
            why: "Data leaves the organization through the resource, not through a role.",
            example: "{\"Principal\": {\"AWS\": \"*\"}, \"Action\": \"s3:GetObject\"}",
            fix: "Add `aws:PrincipalOrgID`, or name the principals.",
        },
        RuleDoc {
            id: "TG016",
            name: "undocumented-role",
            title: "Cross-account role without owner/purpose tags",
            severity: Severity::Info,
            what: "Flags cross-account roles without `owner` and `purpose` tags.",
            why: "Nobody can review a relationship nobody owns.",
            example: "{\"Tags\": []}",
            fix: "Tag the role with `owner` and `purpose`.",
        },
    ]
}

pub fn scan_output() -> ScanOutput {
    let findings = vec![
        Finding::new(
            "TG002",
            Severity::Critical,
            "arn:aws:iam::111111111111:role/OpenToWorld",
            "111111111111",
            "*",
            "Role OpenToWorld trusts any principal (*) without a condition that restricts who",
        )
        .with("trusted", "*")
        .with("statement", "Statement[0]"),
        Finding::new(
            "TG007",
            Severity::Critical,
            "arn:aws:iam::222222222222:role/platform/delegated/cross-account/administration/CrossAccountAdministratorRole",
            "222222222222",
            "arn:aws:iam::111111111111:role/ci/GitHubActions",
            "Role CrossAccountAdministratorRole is admin-equivalent (AdministratorAccess attached) and can be assumed from account 111111111111 by arn:aws:iam::111111111111:role/ci/GitHubActions",
        )
        .with("trusted", "arn:aws:iam::111111111111:role/ci/GitHubActions")
        .with("adminReason", "AdministratorAccess attached"),
        Finding::new(
            "TG003",
            Severity::High,
            "arn:aws:iam::222222222222:role/vendor/VendorAccess",
            "222222222222",
            "arn:aws:iam::999999999999:root",
            "Trusts account 999999999999 (outside the organization) without sts:ExternalId",
        )
        .with("trusted", "arn:aws:iam::999999999999:root")
        .with("trustedAccount", "999999999999"),
        Finding::new(
            "TG013",
            Severity::Medium,
            "arn:aws:s3:::shared-logs-bucket",
            "333333333333",
            "*",
            "Bucket policy grants s3:GetObject to * without aws:PrincipalOrgID",
        )
        .with("actions", vec!["s3:GetObject", "s3:ListBucket"]),
        Finding::new(
            "TG011",
            Severity::Low,
            "arn:aws:iam::333333333333:role/LegacyAudit",
            "333333333333",
            "",
            "Role LegacyAudit was last used 2024-01-02, more than 90 days ago",
        )
        .with("lastUsed", "2024-01-02T03:04:05Z")
        .with("staleDays", 90),
        Finding::new(
            "TG016",
            Severity::Info,
            "arn:aws:iam::111111111111:role/ラボ/データ分析",
            "111111111111",
            "",
            "Role has no purpose tag | owner tag is <b>odd</b>\nsecond line: `code`, 日本語 ☃, \u{1b}[31mred\u{1b}[0m and \u{202e}reversed",
        )
        .with("tags", BTreeMap::from([("owner", HOSTILE_TAG)]))
        .with("note", "pipes | and\nnewlines"),
        Finding::new(
            "TG099",
            Severity::Info,
            "arn:aws:iam::111111111111:role/Formula",
            "111111111111",
            "",
            "=HYPERLINK(\"http://example.invalid\",\"click\") from a rule missing in the catalogue",
        ),
    ];
    let mut out = ScanOutput {
        findings,
        warnings: vec![
            "skipped account 444444444444: 444444444444.json:3:7: expected an object".to_string(),
            "attached policy arn:aws:iam::aws:policy/Some|Policy <x> is not in the snapshot: its grants are unknown".to_string(),
        ],
        ..Default::default()
    };
    out.finish();
    out.summary.accounts = 3;
    out.summary.roles = 7;
    out.summary.relationships = 9;
    out.summary.suppressed_by_baseline = 2;
    out
}

fn rel(role: &str, account: &str, trusted: &str, kind: TrustedKind, scope: Scope) -> Relationship {
    let role_name = role.rsplit('/').next().unwrap_or(role).to_string();
    Relationship {
        role: role.to_string(),
        role_name,
        account: account.to_string(),
        account_name: None,
        trusted: trusted.to_string(),
        trusted_type: kind,
        trusted_account: None,
        scope,
        vendor: None,
        actions: vec!["sts:AssumeRole".to_string()],
        external_id: false,
        mfa: false,
        mfa_note: None,
        conditions: Vec::new(),
        restricted_by: Vec::new(),
        permissions: Default::default(),
        max_session_seconds: 3600,
        max_session_assumed: true,
        permission_boundary: None,
        last_used: None,
        last_used_region: None,
        tags: Default::default(),
        statement: "Statement[0]".to_string(),
        external_ids: Vec::new(),
        usage: None,
    }
}

fn cond(operator: &str, key: &str, values: &[&str]) -> ConditionView {
    ConditionView {
        operator: operator.to_string(),
        key: key.to_string(),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

pub fn registry() -> Registry {
    let mut public = rel(
        "arn:aws:iam::111111111111:role/OpenToWorld",
        "111111111111",
        "*",
        TrustedKind::Anyone,
        Scope::Public,
    );
    public.account_name = Some("identity".into());
    public.permissions = std::sync::Arc::new(PermissionSummary {
        services: vec!["s3".into()],
        access_levels: vec!["List".into(), "Read".into()],
        policies: vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()],
        ..Default::default()
    });

    let mut vendor = rel(
        "arn:aws:iam::222222222222:role/vendor/DatadogIntegration",
        "222222222222",
        "arn:aws:iam::464622532012:root",
        TrustedKind::Account,
        Scope::ThirdParty,
    );
    vendor.account_name = Some("prod".into());
    vendor.trusted_account = Some("464622532012".into());
    vendor.vendor = Some("Datadog".into());
    vendor.external_id = true;
    vendor.conditions = vec![cond(
        "StringEquals",
        "sts:ExternalId",
        &["dd-ext-1", "dd-ext-2"],
    )];
    vendor.permissions = std::sync::Arc::new(PermissionSummary {
        services: vec!["cloudwatch".into(), "ec2".into()],
        access_levels: vec!["List".into(), "Read".into()],
        policies: vec!["inline:datadog-read".into()],
        ..Default::default()
    });
    vendor.max_session_assumed = false;
    vendor.last_used = Some("2025-06-30T08:15:00Z".into());
    vendor.last_used_region = Some("eu-west-1".into());
    vendor.tags = [
        ("owner".into(), "observability".into()),
        ("purpose".into(), "Datadog AWS integration".into()),
    ]
    .into_iter()
    .collect();

    let mut ci = rel(
        "arn:aws:iam::222222222222:role/platform/delegated/cross-account/administration/CrossAccountAdministratorRole",
        "222222222222",
        "arn:aws:iam::111111111111:role/ci/GitHubActions",
        TrustedKind::Role,
        Scope::Internal,
    );
    ci.account_name = Some("prod".into());
    ci.trusted_account = Some("111111111111".into());
    ci.actions = vec!["sts:AssumeRole".into(), "sts:TagSession".into()];
    ci.conditions = vec![
        cond("StringEquals", "aws:PrincipalOrgID", &["o-abc123"]),
        cond(
            "StringLike",
            "aws:PrincipalArn",
            &[
                "arn:aws:iam::111111111111:role/ci/*",
                "arn:aws:iam::111111111111:role/deploy|*",
            ],
        ),
    ];
    ci.restricted_by = vec!["aws:PrincipalOrgID".into(), "aws:PrincipalArn".into()];
    ci.permissions = std::sync::Arc::new(PermissionSummary {
        admin_equivalent: true,
        admin_reason: Some("AdministratorAccess attached".into()),
        services: vec!["*".into()],
        access_levels: vec![
            "List".into(),
            "Read".into(),
            "Write".into(),
            "Permissions management".into(),
            "Tagging".into(),
        ],
        policies: vec!["arn:aws:iam::aws:policy/AdministratorAccess".into()],
        unknown_policies: Vec::new(),
    });
    ci.max_session_seconds = 7200;
    ci.max_session_assumed = false;
    ci.permission_boundary = Some("arn:aws:iam::222222222222:policy/DelegatedBoundary".into());
    ci.last_used = Some("2025-07-01T12:00:00Z".into());
    ci.last_used_region = Some("us-east-1".into());
    ci.tags = [
        ("owner".into(), HOSTILE_TAG.into()),
        (
            "purpose".into(),
            "deploy | CI\nsecond line with `backticks`".into(),
        ),
        ("team".into(), "プラットフォーム ☃".into()),
        ("cost-center".into(), "=1+2".into()),
    ]
    .into_iter()
    .collect();
    ci.statement = "Statement[0] (Sid \"CI\")".into();

    let mut saml = rel(
        "arn:aws:iam::222222222222:role/HumanAdmins",
        "222222222222",
        "arn:aws:iam::222222222222:saml-provider/Okta",
        TrustedKind::Federated,
        Scope::Federated,
    );
    saml.trusted_account = Some("222222222222".into());
    saml.actions = vec!["sts:AssumeRoleWithSAML".into()];
    saml.mfa_note =
        Some("SAML: MFA is enforced at the identity provider, not in the trust policy".into());
    saml.conditions = vec![cond(
        "StringEquals",
        "SAML:aud",
        &["https://signin.aws.amazon.com/saml"],
    )];
    saml.last_used = Some("2025-07-02T09:00:00Z".into());

    let mut service = rel(
        "arn:aws:iam::333333333333:role/service-role/Ec2Worker",
        "333333333333",
        "ec2.amazonaws.com",
        TrustedKind::Service,
        Scope::Service,
    );
    service.actions = vec!["sts:AssumeRole".into(), "sts:TagSession".into()];
    service.permissions = std::sync::Arc::new(PermissionSummary {
        services: vec!["sqs".into()],
        access_levels: vec!["Write".into()],
        policies: vec!["arn:aws:iam::aws:policy/service-role/MissingPolicy".into()],
        unknown_policies: vec!["arn:aws:iam::aws:policy/service-role/MissingPolicy".into()],
        ..Default::default()
    });
    service.statement = "Statement[1]".into();

    let deleted = rel(
        "arn:aws:iam::333333333333:role/LegacyAudit",
        "333333333333",
        "AROAABCDEFGHIJKLMNOP",
        TrustedKind::DeletedPrincipal,
        Scope::Unknown,
    );

    Registry {
        relationships: vec![public, vendor, ci, saml, service, deleted],
        entry_points: Vec::new(),
    }
}
