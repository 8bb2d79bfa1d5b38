//! The fixtures copied from public projects (see fixtures/README.md), each scanned on its
//! own, with every finding listed: rule, severity, template resource and line. Where
//! trustgate and the peer project disagree, the README says why.

use std::path::{Path, PathBuf};

use trustgate_iac::{scan, IacOptions};

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(p)
}

fn options() -> IacOptions {
    IacOptions {
        now: Some("2026-11-01T00:00:00Z".parse().unwrap()),
        keep_going: true,
        ..Default::default()
    }
}

type Row = (&'static str, &'static str, &'static str, usize);

fn findings(p: &str, opts: &IacOptions) -> Vec<(String, String, String, usize)> {
    let report = scan(&[fixture(p)], opts).unwrap_or_else(|e| panic!("{p}: {e}"));
    let mut rows: Vec<_> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.finding.rule.clone(),
                f.finding.severity.as_str().to_string(),
                f.location.address.clone(),
                f.location.line,
            )
        })
        .collect();
    rows.sort();
    rows
}

fn check(p: &str, expected: &[Row]) {
    check_with(p, &options(), expected)
}

fn check_with(p: &str, opts: &IacOptions, expected: &[Row]) {
    let got = findings(p, opts);
    let mut want: Vec<(String, String, String, usize)> = expected
        .iter()
        .map(|(r, s, a, l)| (r.to_string(), s.to_string(), a.to_string(), *l))
        .collect();
    want.sort();
    assert_eq!(got, want, "{p}");
}

/// KICS expects a finding at line 4 (trust of another account without External ID or MFA):
/// TG003 and TG001 point at the same line.
#[test]
fn kics_positive1_tf() {
    check(
        "kics/positive1.tf",
        &[
            ("TG001", "medium", "aws_iam_role.positive1", 4),
            ("TG003", "high", "aws_iam_role.positive1", 4),
            ("TG009", "low", "aws_iam_role.positive1", 1),
            ("TG016", "low", "aws_iam_role.positive1", 1),
        ],
    );
}

/// KICS: negative (External ID required). TG004 finds the External ID itself weak.
#[test]
fn kics_negative1_tf() {
    check(
        "kics/negative1.tf",
        &[
            ("TG004", "medium", "aws_iam_role.negative1", 4),
            ("TG009", "low", "aws_iam_role.negative1", 1),
            ("TG016", "low", "aws_iam_role.negative1", 1),
        ],
    );
}

/// KICS: negative (MFA required). trustgate disagrees: MFA does not replace the External ID
/// an outside account needs (TG003) — see the README.
#[test]
fn kics_negative2_tf() {
    check(
        "kics/negative2.tf",
        &[
            ("TG001", "medium", "aws_iam_role.negative2", 4),
            ("TG003", "high", "aws_iam_role.negative2", 4),
            ("TG009", "low", "aws_iam_role.negative2", 1),
            ("TG016", "low", "aws_iam_role.negative2", 1),
        ],
    );
}

/// checkov CKV_AWS_60 fails `fail`…`fail4` and passes `pass`…`pass3`: TG001 agrees exactly.
/// `pass3` trusts a role of another account (not its root): TG003 still asks for an External ID.
#[test]
fn checkov_terraform_iamroleallowassumefromaccount_tf() {
    check(
        "checkov/terraform/IAMRoleAllowAssumeFromAccount.tf",
        &[
            ("TG001", "medium", "aws_iam_role.fail", 3),
            ("TG001", "medium", "aws_iam_role.fail2", 19),
            ("TG001", "medium", "aws_iam_role.fail3", 34),
            ("TG001", "medium", "aws_iam_role.fail4", 54),
            ("TG003", "high", "aws_iam_role.fail", 3),
            ("TG003", "high", "aws_iam_role.fail2", 19),
            ("TG003", "high", "aws_iam_role.fail3", 34),
            ("TG003", "high", "aws_iam_role.fail3", 34),
            ("TG003", "high", "aws_iam_role.fail4", 54),
            ("TG003", "high", "aws_iam_role.fail4", 54),
            ("TG003", "high", "aws_iam_role.pass3", 104),
            ("TG009", "low", "aws_iam_role.fail", 1),
            ("TG009", "low", "aws_iam_role.fail2", 17),
            ("TG009", "low", "aws_iam_role.fail3", 32),
            ("TG009", "low", "aws_iam_role.fail4", 52),
            ("TG009", "low", "aws_iam_role.pass3", 102),
            ("TG016", "low", "aws_iam_role.fail", 1),
            ("TG016", "low", "aws_iam_role.fail2", 17),
            ("TG016", "low", "aws_iam_role.fail3", 32),
            ("TG016", "low", "aws_iam_role.fail4", 52),
            ("TG016", "low", "aws_iam_role.pass3", 102),
        ],
    );
}

/// checkov CKV_AWS_70 fails `fail*`; trustgate also fails `pass_w_condition` (ArnNotEquals on
/// aws:PrincipalArn keeps everyone else), `pass_w_condition4` and `vpce_account_condition` (a VPC
/// endpoint condition says how, not who) and `json` (Principal "*"), see the README.
#[test]
fn checkov_terraform_s3allowsanyprincipal_tf() {
    check(
        "checkov/terraform/S3AllowsAnyPrincipal.tf",
        &[
            ("TG013", "critical", "aws_s3_bucket.fail", 54),
            ("TG013", "critical", "aws_s3_bucket.fail2", 30),
            ("TG013", "critical", "aws_s3_bucket.fail3", 6),
            ("TG013", "critical", "aws_s3_bucket.pass_w_condition", 217),
            ("TG013", "critical", "aws_s3_bucket.pass_w_condition4", 419),
            ("TG013", "critical", "aws_s3_bucket_policy.fail", 146),
            ("TG013", "critical", "aws_s3_bucket_policy.json", 171),
            (
                "TG013",
                "critical",
                "aws_s3_bucket_policy.pass_w_condition",
                188,
            ),
            (
                "TG013",
                "critical",
                "aws_s3_bucket_policy.vpce_account_condition",
                488,
            ),
        ],
    );
}

/// checkov CKV_AWS_72 fails q2–q5 and aq2–aq5; trustgate agrees (q3/aq3 only name an outside
/// account, reported at high), and cannot read q6/aq6 (a string principal that is not "*").
#[test]
fn checkov_terraform_sqsqueuepolicyanyprincipal_tf() {
    check(
        "checkov/terraform/SQSQueuePolicyAnyPrincipal.tf",
        &[
            ("TG013", "critical", "aws_sqs_queue.aq2", 152),
            ("TG013", "critical", "aws_sqs_queue.aq4", 194),
            ("TG013", "critical", "aws_sqs_queue.aq5", 214),
            ("TG013", "critical", "aws_sqs_queue_policy.q2", 21),
            ("TG013", "critical", "aws_sqs_queue_policy.q4", 66),
            ("TG013", "critical", "aws_sqs_queue_policy.q5", 87),
            ("TG013", "high", "aws_sqs_queue.aq2", 152),
            ("TG013", "high", "aws_sqs_queue.aq3", 174),
            ("TG013", "high", "aws_sqs_queue_policy.q2", 21),
            ("TG013", "high", "aws_sqs_queue_policy.q3", 45),
        ],
    );
}

/// checkov CKV_AWS_33 fails fail_0…fail_4; fail_0, fail_1 and fail_3 are not valid policies (a
/// trailing comma, a list as Principal) and are skipped with --keep-going.
#[test]
fn checkov_terraform_kmskeywildcardprincipal_fail_tf() {
    check(
        "checkov/terraform/KMSKeyWildcardPrincipal/fail.tf",
        &[
            ("TG013", "critical", "aws_kms_key.fail_2", 45),
            ("TG013", "critical", "aws_kms_key.fail_4", 79),
            ("TG013", "high", "aws_kms_key.fail_4", 79),
            ("TG013", "high", "aws_kms_key.fail_4", 79),
        ],
    );
}

/// checkov passes every key; trustgate reports the account 111122223333, outside the
/// organization with a placeholder deploying account (pass_4's `Principal: "*"` is narrowed by
/// kms:CallerAccount, which restricts who).
#[test]
fn checkov_terraform_kmskeywildcardprincipal_pass_tf() {
    check(
        "checkov/terraform/KMSKeyWildcardPrincipal/pass.tf",
        &[
            ("TG013", "high", "aws_kms_key.pass_0", 1),
            ("TG013", "high", "aws_kms_key.pass_4", 73),
        ],
    );
}

#[test]
fn checkov_cloudformation_iamroleallowspublicassume_failed_2_yml() {
    check(
        "checkov/cloudformation/IAMRoleAllowsPublicAssume/FAILED-2.yml",
        &[
            ("TG001", "medium", "Resources.AWSStarPrincipalInList2", 26),
            ("TG002", "critical", "Resources.AWSStarPrincipal2", 9),
            ("TG002", "critical", "Resources.AWSStarPrincipalInList2", 26),
            ("TG003", "high", "Resources.AWSStarPrincipalInList2", 26),
            ("TG009", "low", "Resources.AWSStarPrincipal2", 5),
            ("TG009", "low", "Resources.AWSStarPrincipalInList2", 22),
            ("TG016", "low", "Resources.AWSStarPrincipal2", 5),
            ("TG016", "low", "Resources.AWSStarPrincipalInList2", 22),
        ],
    );
}

#[test]
fn checkov_cloudformation_iamroleallowspublicassume_failed_yml() {
    check(
        "checkov/cloudformation/IAMRoleAllowsPublicAssume/FAILED.yml",
        &[
            ("TG001", "medium", "Resources.AWSStarPrincipalInList", 20),
            ("TG002", "critical", "Resources.AWSStarPrincipal", 8),
            ("TG002", "critical", "Resources.AWSStarPrincipalInList", 20),
            ("TG003", "high", "Resources.AWSStarPrincipalInList", 20),
            ("TG009", "low", "Resources.AWSStarPrincipal", 5),
            ("TG009", "low", "Resources.AWSStarPrincipalInList", 17),
            ("TG016", "low", "Resources.AWSStarPrincipal", 5),
            ("TG016", "low", "Resources.AWSStarPrincipalInList", 17),
        ],
    );
}

#[test]
fn checkov_cloudformation_iamroleallowspublicassume_passed_2_yml() {
    check(
        "checkov/cloudformation/IAMRoleAllowsPublicAssume/PASSED-2.yml",
        &[],
    );
}

#[test]
fn checkov_cloudformation_iamroleallowspublicassume_passed_yml() {
    check(
        "checkov/cloudformation/IAMRoleAllowsPublicAssume/PASSED.yml",
        &[],
    );
}

#[test]
fn checkov_cloudformation_kmskeywildcardprincipal_kmskeywildcardprincipal_failed_aws_wildcard_yaml()
{
    check(
        "checkov/cloudformation/KMSKeyWildCardPrincipal/KMSKeyWildCardPrincipal-FAILED-AWS-Wildcard.yaml",
        &[
            ("TG013", "critical", "Resources.AwsWildcard", 5),
            ("TG013", "critical", "Resources.AwsWildcardList", 19),
            ("TG013", "high", "Resources.AwsWildcardList", 19),
        ],
    );
}

#[test]
fn checkov_cloudformation_kmskeywildcardprincipal_kmskeywildcardprincipal_failed_wildcard_yaml() {
    check(
        "checkov/cloudformation/KMSKeyWildCardPrincipal/KMSKeyWildCardPrincipal-FAILED-Wildcard.yaml",
        &[
            ("TG013", "critical", "Resources.Wildcard", 5),
        ],
    );
}

#[test]
fn checkov_cloudformation_kmskeywildcardprincipal_kmskeywildcardprincipal_passed_yaml() {
    check(
        "checkov/cloudformation/KMSKeyWildCardPrincipal/KMSKeyWildCardPrincipal-PASSED.yaml",
        &[],
    );
}

/// The trust policies come from data sources Terraform reads only at apply: unresolved, each
/// role is analysed as trusting an unknown account (fail safe), and says so.
#[test]
fn checkov_plan_githubactionsoidctrustpolicy_tfplan_json() {
    check(
        "checkov/plan/GithubActionsOIDCTrustPolicy.tfplan.json",
        &[
            (
                "TG001",
                "medium",
                "module.poc.aws_iam_role.r1[\"p1\"]",
                1174,
            ),
            (
                "TG001",
                "medium",
                "module.poc.aws_iam_role.r1[\"p2\"]",
                1230,
            ),
            (
                "TG001",
                "medium",
                "module.poc.aws_iam_role.r6[\"p1\"]",
                1062,
            ),
            (
                "TG001",
                "medium",
                "module.poc.aws_iam_role.r6[\"p2\"]",
                1118,
            ),
            ("TG003", "high", "module.poc.aws_iam_role.r1[\"p1\"]", 1174),
            ("TG003", "high", "module.poc.aws_iam_role.r1[\"p2\"]", 1230),
            ("TG003", "high", "module.poc.aws_iam_role.r6[\"p1\"]", 1062),
            ("TG003", "high", "module.poc.aws_iam_role.r6[\"p2\"]", 1118),
            ("TG009", "low", "module.poc.aws_iam_role.r1[\"p1\"]", 1174),
            ("TG009", "low", "module.poc.aws_iam_role.r1[\"p2\"]", 1230),
            ("TG009", "low", "module.poc.aws_iam_role.r6[\"p1\"]", 1062),
            ("TG009", "low", "module.poc.aws_iam_role.r6[\"p2\"]", 1118),
            ("TG016", "low", "module.poc.aws_iam_role.r1[\"p1\"]", 1174),
            ("TG016", "low", "module.poc.aws_iam_role.r1[\"p2\"]", 1230),
            ("TG016", "low", "module.poc.aws_iam_role.r6[\"p1\"]", 1062),
            ("TG016", "low", "module.poc.aws_iam_role.r6[\"p2\"]", 1118),
        ],
    );
}

/// iam-vulnerable's AssumeRole privilege escalation: starting → intermediate → ending role,
/// the last with `*` on `*`. The starting role trusts `var.aws_assume_role_arn` (default empty:
/// unresolved, analysed as an unknown outside account).
#[test]
fn iam_vulnerable_privesc_assumerole() {
    check(
        "iam-vulnerable/privesc-AssumeRole",
        &[
            (
                "TG001",
                "medium",
                "aws_iam_role.privesc-AssumeRole-starting-role",
                22,
            ),
            (
                "TG003",
                "high",
                "aws_iam_role.privesc-AssumeRole-starting-role",
                22,
            ),
            (
                "TG009",
                "low",
                "aws_iam_role.privesc-AssumeRole-starting-role",
                20,
            ),
            (
                "TG010",
                "high",
                "aws_iam_role.privesc-AssumeRole-ending-role",
                55,
            ),
            (
                "TG010",
                "low",
                "aws_iam_role.privesc-AssumeRole-intermediate-role",
                37,
            ),
            (
                "TG016",
                "low",
                "aws_iam_role.privesc-AssumeRole-starting-role",
                20,
            ),
            (
                "TG017",
                "critical",
                "aws_iam_role.privesc-AssumeRole-ending-role",
                55,
            ),
        ],
    );
}

#[test]
fn iam_vulnerable_tool_testing() {
    check(
        "iam-vulnerable/tool-testing",
        &[
            (
                "TG001",
                "medium",
                "aws_iam_role.privesc-permissive-role-trust",
                6,
            ),
            (
                "TG003",
                "high",
                "aws_iam_role.privesc-permissive-role-trust",
                6,
            ),
            (
                "TG009",
                "low",
                "aws_iam_role.privesc-permissive-role-trust",
                4,
            ),
            (
                "TG016",
                "low",
                "aws_iam_role.privesc-permissive-role-trust",
                4,
            ),
        ],
    );
}

#[test]
fn vendor_trust_datadog_datadog_integration_role_yaml() {
    check(
        "vendor-trust/datadog/datadog_integration_role.yaml",
        &[
            ("TG004", "medium", "Resources.DatadogIntegrationRole", 59),
            ("TG007", "critical", "Resources.DatadogIntegrationRole", 46),
            ("TG009", "medium", "Resources.DatadogIntegrationRole", 46),
            ("TG016", "low", "Resources.DatadogIntegrationRole", 46),
            ("TG017", "critical", "Resources.DatadogIntegrationRole", 46),
        ],
    );
}

#[test]
fn vendor_trust_jupiterone_cloudformation_template_json() {
    check(
        "vendor-trust/jupiterone/cloudformation-template.json",
        &[
            ("TG004", "medium", "Resources.JupiterOneRole", 252),
            ("TG007", "critical", "Resources.JupiterOneRole", 243),
            ("TG008", "high", "Resources.JupiterOneRole", 243),
            ("TG009", "medium", "Resources.JupiterOneRole", 243),
            ("TG016", "low", "Resources.JupiterOneRole", 243),
            ("TG017", "critical", "Resources.JupiterOneRole", 243),
        ],
    );
}

#[test]
fn vendor_trust_jupiterone_terraform_tf() {
    check(
        "vendor-trust/jupiterone/terraform.tf",
        &[
            ("TG004", "medium", "aws_iam_role.jupiterone", 4),
            ("TG004", "medium", "aws_iam_role.jupiterone", 4),
            ("TG004", "medium", "aws_iam_role.jupiterone", 4),
            ("TG004", "medium", "aws_iam_role.jupiterone", 4),
            ("TG004", "medium", "aws_iam_role.jupiterone", 4),
            ("TG004", "medium", "aws_iam_role.jupiterone", 4),
            ("TG007", "critical", "aws_iam_role.jupiterone", 1),
            ("TG008", "high", "aws_iam_role.jupiterone", 1),
            ("TG009", "medium", "aws_iam_role.jupiterone", 1),
            ("TG016", "low", "aws_iam_role.jupiterone", 1),
            ("TG017", "critical", "aws_iam_role.jupiterone", 1),
        ],
    );
}

#[test]
fn vendor_trust_mozilla_cloudhealth_iam_role_json() {
    check(
        "vendor-trust/mozilla/cloudhealth_iam_role.json",
        &[
            ("TG008", "medium", "Resources.CloudHealthRole", 13),
            ("TG009", "low", "Resources.CloudHealthRole", 13),
            ("TG016", "low", "Resources.CloudHealthRole", 13),
        ],
    );
}

#[test]
fn vendor_trust_mozilla_create_infosec_s3_buckets_us_west_2_yml() {
    check(
        "vendor-trust/mozilla/create_infosec_s3_buckets_us-west-2.yml",
        &[
            (
                "TG006",
                "medium",
                "Resources.PublicS3BucketReplicationRole",
                83,
            ),
            (
                "TG013",
                "critical",
                "Resources.InfosecLambdaUsWest2BucketPolicy",
                19,
            ),
            (
                "TG013",
                "critical",
                "Resources.PublicUnlistedUsWest2BucketPolicy",
                68,
            ),
            (
                "TG013",
                "critical",
                "Resources.PublicUsWest2BucketPolicy",
                44,
            ),
            (
                "TG013",
                "critical",
                "Resources.PublicUsWest2BucketPolicy",
                44,
            ),
        ],
    );
}

#[test]
fn vendor_trust_mozilla_eis_security_audit_trusting_role_yml() {
    check(
        "vendor-trust/mozilla/eis-security-audit-trusting-role.yml",
        &[
            ("TG001", "high", "Resources.InfosecSecurityAuditRole", 32),
            (
                "TG003",
                "critical",
                "Resources.InfosecSecurityAuditRole",
                32,
            ),
            (
                "TG007",
                "critical",
                "Resources.InfosecSecurityAuditRole",
                29,
            ),
            ("TG008", "high", "Resources.InfosecSecurityAuditRole", 29),
            ("TG009", "medium", "Resources.InfosecSecurityAuditRole", 29),
            ("TG016", "low", "Resources.InfosecSecurityAuditRole", 29),
            (
                "TG017",
                "critical",
                "Resources.InfosecSecurityAuditRole",
                29,
            ),
        ],
    );
}

#[test]
fn vendor_trust_mozilla_infosec_prod_oidc_federated_roles_yaml() {
    check(
        "vendor-trust/mozilla/infosec-prod_oidc_federated_roles.yaml",
        &[("TG012", "medium", "Resources.SecurityAuditorIAMRole", 73)],
    );
}

/// With the organization's accounts named, trust of 987654321145 is internal: no External ID
/// is needed (TG003 goes) but its root is still trusted (TG001 stays).
#[test]
fn org_accounts_make_trust_internal() {
    let opts = IacOptions {
        org_accounts: vec!["987654321145".into()],
        ..options()
    };
    check_with(
        "kics/positive1.tf",
        &opts,
        &[
            ("TG001", "medium", "aws_iam_role.positive1", 4),
            ("TG009", "low", "aws_iam_role.positive1", 1),
            ("TG016", "low", "aws_iam_role.positive1", 1),
        ],
    );
}

/// Deployed into 111122223333, the key policies that name that account's root are fine, and
/// so is `Principal: "*"` narrowed to that account by kms:CallerAccount.
#[test]
fn account_option_places_the_template() {
    let opts = IacOptions {
        account: Some("111122223333".into()),
        ..options()
    };
    check_with(
        "checkov/terraform/KMSKeyWildcardPrincipal/pass.tf",
        &opts,
        &[],
    );
}

/// checkov's invalid HCL fixture is an input error at its line and column, unless skipped.
#[test]
fn invalid_hcl_is_an_error_with_its_place() {
    let strict = IacOptions {
        keep_going: false,
        ..options()
    };
    let err = scan(
        &[fixture("checkov/invalid/AdminPolicyDocument.tf")],
        &strict,
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("AdminPolicyDocument.tf:28:17: invalid HCL"),
        "{msg}"
    );
    let report = scan(&[fixture("checkov/invalid")], &options()).unwrap();
    assert!(report.findings.is_empty());
    assert!(report
        .warnings
        .iter()
        .any(|w| w.contains("skipped (--keep-going)") && w.contains(":28:17")));
}

/// A malformed policy document is an error at the document's line, naming the JSON path.
#[test]
fn invalid_policy_is_an_error_with_its_place() {
    let strict = IacOptions {
        keep_going: false,
        ..options()
    };
    let err = scan(
        &[fixture("checkov/terraform/KMSKeyWildcardPrincipal/fail.tf")],
        &strict,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("fail.tf:3:17: aws_kms_key.fail_0"), "{err}");
    assert!(err.contains("not valid JSON"), "{err}");
}

/// Every unresolved principal is named in the warnings and on its findings.
#[test]
fn unresolved_values_are_reported() {
    let report = scan(&[fixture("iam-vulnerable/privesc-AssumeRole")], &options()).unwrap();
    let start = report
        .findings
        .iter()
        .find(|f| f.finding.rule == "TG003")
        .expect("TG003 on the starting role");
    assert_eq!(start.unresolved, vec!["var.aws_assume_role_arn"]);
    assert!(start.finding.message.contains("${var.aws_assume_role_arn}"));
    assert!(report.warnings.iter().any(
        |w| w.contains("privesc-AssumeRole.tf:20:1") && w.contains("`var.aws_assume_role_arn`")
    ));
}

/// Files that are not templates are listed, never silently skipped.
#[test]
fn non_iac_files_are_listed() {
    let report = scan(&[fixture("kics")], &options()).unwrap();
    assert!(report.warnings.iter().any(|w| w.contains(
        "positive_expected_result.json: skipped: not a CloudFormation template or Terraform plan"
    )));
}

/// Truncated templates (every fixture cut at several points) are errors or partial scans
/// with warnings — never a panic or a hang.
#[test]
fn truncated_inputs_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let mut stack = vec![fixture("")];
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("tf" | "json" | "yaml" | "yml")
            ) {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 20);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let ext = f.extension().unwrap().to_str().unwrap().to_string();
        for tenth in 1..10 {
            let mut cut = text.len() * tenth / 10;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let copy = dir.path().join(format!("cut.{ext}"));
            std::fs::write(&copy, &text[..cut]).unwrap();
            for keep_going in [false, true] {
                let opts = IacOptions {
                    keep_going,
                    ..options()
                };
                let _ = scan(std::slice::from_ref(&copy), &opts);
            }
        }
    }
}
