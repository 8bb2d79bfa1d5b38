//! `generate`: golden files for every format of the example spec, generated output that
//! `iac scan`s clean, and spec errors placed at their line.

use std::path::{Path, PathBuf};

use trustgate_iac::generate::{generate, generate_file, OutputFormat};
use trustgate_iac::{scan, IacOptions};
use trustgate_rules::Severity;

fn example_spec() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/iac/spec.yaml")
}

fn generated(format: OutputFormat) -> String {
    generate_file(&example_spec(), format)
        .expect("the example spec generates")
        .text
}

#[test]
fn golden_terraform() {
    insta::assert_snapshot!("spec.tf", generated(OutputFormat::Terraform));
}

#[test]
fn golden_cloudformation() {
    insta::assert_snapshot!("spec.cfn.yaml", generated(OutputFormat::CloudFormation));
}

#[test]
fn golden_json() {
    insta::assert_snapshot!("spec.json", generated(OutputFormat::Json));
}

fn scan_text(name: &str, text: &str) -> trustgate_iac::IacReport {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, text).unwrap();
    let opts = IacOptions {
        now: Some("2026-11-01T00:00:00Z".parse().unwrap()),
        ..Default::default()
    };
    scan(&[file], &opts).expect("generated output scans")
}

/// What `generate` writes passes `iac scan`: no finding at all (a boundary is given for
/// every role), and both accounts are read back from the output itself.
#[test]
fn generated_terraform_scans_clean() {
    let report = scan_text("main.tf", &generated(OutputFormat::Terraform));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(
        report.summary.roles, 4,
        "three target roles and the caller role"
    );
    assert_eq!(report.summary.relationships, 3);
    assert_eq!(
        report.summary.accounts, 2,
        "111111111111 and 222222222222, from the providers"
    );
}

#[test]
fn generated_cloudformation_scans_clean() {
    let report = scan_text("roles.yaml", &generated(OutputFormat::CloudFormation));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(report.summary.relationships, 3);
    let accounts: Vec<(&str, bool)> = report
        .templates
        .iter()
        .map(|t| (t.account.as_str(), t.account_known))
        .collect();
    assert_eq!(
        accounts,
        vec![("111111111111", true), ("222222222222", true)],
        "each document pins its account with a rule"
    );
}

/// Without a boundary the scan reports TG009, which is low: still nothing at medium or above.
#[test]
fn without_boundary_nothing_at_medium_or_above() {
    let spec = r#"
version: 1
relationships:
  - name: reader
    account: "222222222222"
    purpose: reads reports
    owner: data-team
    reviewBy: "2027-01-01"
    trusted:
      principal: arn:aws:iam::111111111111:user/analyst
    permissions:
      - actions: [s3:GetObject]
        resources: [arn:aws:s3:::reports/*]
"#;
    let g = generate(Path::new("spec.yaml"), spec, OutputFormat::Terraform).unwrap();
    assert!(g.notes.iter().any(|n| n.contains("MFA is required")));
    assert!(g
        .notes
        .iter()
        .any(|n| n.contains("no permissions boundary")));
    assert!(g.text.contains("\"aws:MultiFactorAuthPresent\" = \"true\""));
    let report = scan_text("main.tf", &g.text);
    let rules: Vec<&str> = report
        .findings
        .iter()
        .map(|f| f.finding.rule.as_str())
        .collect();
    assert_eq!(rules, vec!["TG009"]);
    assert!(report
        .findings
        .iter()
        .all(|f| f.finding.severity < Severity::Medium));
}

/// The raw documents are the same policies the templates carry.
#[test]
fn json_documents_match_the_templates() {
    let v: serde_json::Value = serde_json::from_str(&generated(OutputFormat::Json)).unwrap();
    let rels = v["relationships"].as_array().unwrap();
    assert_eq!(rels.len(), 3);
    let ci = &rels[0];
    assert_eq!(ci["roleArn"], "arn:aws:iam::222222222222:role/ci-deploy");
    assert_eq!(
        ci["trustPolicy"]["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::111111111111:role/ci-runner"
    );
    assert_eq!(
        ci["callers"][0]["policy"]["Statement"][0]["Resource"],
        "arn:aws:iam::222222222222:role/ci-deploy",
        "the caller may assume exactly that role"
    );
    let vendor = &rels[1];
    assert_eq!(
        vendor["trustPolicy"]["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
        "7f3c9a1e5b2d4c8f9e0a1b2c3d4e5f60"
    );
    assert!(vendor["callers"].as_array().unwrap().is_empty());
    let oncall = &rels[2];
    let cond = &oncall["trustPolicy"]["Statement"][0]["Condition"];
    assert_eq!(
        cond["ArnEquals"]["aws:PrincipalArn"],
        "arn:aws:iam::111111111111:user/oncall-alice"
    );
    assert_eq!(cond["Bool"]["aws:MultiFactorAuthPresent"], "true");
    assert_eq!(cond["NumericLessThan"]["aws:MultiFactorAuthAge"], "3600");
    assert_eq!(cond["IpAddress"]["aws:SourceIp"], "203.0.113.0/24");
    assert_eq!(oncall["maxSessionDuration"], 7200);
    for p in [
        &ci["trustPolicy"],
        &ci["permissionPolicy"],
        &oncall["trustPolicy"],
    ] {
        trustgate_policy::parse_policy(&p.to_string()).expect("valid policy");
    }
}

fn spec_error(spec: &str) -> String {
    generate(Path::new("spec.yaml"), spec, OutputFormat::Json)
        .unwrap_err()
        .to_string()
}

#[test]
fn spec_errors_name_line_and_path() {
    let root_without_arns = r#"version: 1
relationships:
  - name: x
    account: "222222222222"
    purpose: p
    owner: o
    reviewBy: "2027-01-01"
    trusted:
      account: "111111111111"
    permissions:
      - actions: [s3:GetObject]
        resources: ["*"]
"#;
    let e = spec_error(root_without_arns);
    assert!(
        e.starts_with("spec.yaml:9:16: at relationships[0].trusted.account"),
        "{e}"
    );
    assert!(e.contains("principalArns"), "{e}");

    let unknown_field =
        root_without_arns.replace("    purpose: p\n", "    purpose: p\n    owner_email: x\n");
    let e = spec_error(&unknown_field);
    assert!(
        e.contains("spec.yaml:6:18") && e.contains("unknown field `owner_email`"),
        "{e}"
    );

    let weak = root_without_arns.replace(
        "      account: \"111111111111\"\n",
        "      vendor: {name: V, account: \"999988887777\", externalId: \"12345\"}\n",
    );
    let e = spec_error(&weak);
    assert!(e.contains("trusted.vendor.externalId"), "{e}");

    let root_principal = root_without_arns.replace(
        "      account: \"111111111111\"\n",
        "      principal: arn:aws:iam::111111111111:root\n",
    );
    let e = spec_error(&root_principal);
    assert!(
        e.contains("spec.yaml:9:18") && e.contains("role or user ARN"),
        "{e}"
    );

    let bad_date = root_without_arns.replace("2027-01-01", "next year");
    assert!(spec_error(&bad_date).contains("spec.yaml:7:15: at relationships[0].reviewBy"));
}

/// The CloudFormation YAML reads back to exactly the documents of the JSON format.
#[test]
fn cloudformation_yaml_round_trips() {
    let yaml = generated(OutputFormat::CloudFormation);
    let docs = trustgate_iac::node::parse_documents(&yaml).unwrap();
    assert_eq!(docs.len(), 2, "one template per account");
    let v: serde_json::Value = serde_json::from_str(&generated(OutputFormat::Json)).unwrap();
    let target = docs[1].to_json();
    for rel in v["relationships"].as_array().unwrap() {
        let logical = rel["name"]
            .as_str()
            .unwrap()
            .split('-')
            .map(|p| p[..1].to_uppercase() + &p[1..])
            .collect::<String>()
            + "Role";
        let props = &target["Resources"][&logical]["Properties"];
        assert_eq!(
            props["AssumeRolePolicyDocument"], rel["trustPolicy"],
            "{logical}"
        );
        assert_eq!(
            props["Policies"][0]["PolicyDocument"], rel["permissionPolicy"],
            "{logical}"
        );
        assert_eq!(props["MaxSessionDuration"], rel["maxSessionDuration"]);
    }
}

/// The Terraform reads back (through the HCL reader) to exactly the documents of the JSON
/// format, every value resolved.
#[test]
fn terraform_round_trips() {
    let text = generated(OutputFormat::Terraform);
    let file = trustgate_iac::hcl::parse(Path::new("main.tf"), text).unwrap();
    let t = trustgate_iac::hcl::read_module(Path::new("."), &[file], "000000000000");
    assert!(t.items.iter().all(|i| i.unresolved.is_empty()));
    let v: serde_json::Value = serde_json::from_str(&generated(OutputFormat::Json)).unwrap();
    for rel in v["relationships"].as_array().unwrap() {
        let name = rel["name"].as_str().unwrap();
        let item = t
            .items
            .iter()
            .find(|i| i.address == format!("aws_iam_role.{}", name.replace('-', "_")))
            .unwrap();
        assert_eq!(item.account.as_deref(), rel["account"].as_str());
        let trustgate_iac::template::ItemKind::Principal { spec, .. } = &item.kind else {
            panic!("{name} is a role")
        };
        let trust = &spec.trust.as_ref().unwrap().json;
        let trust: serde_json::Value = serde_json::from_str(trust.as_str().unwrap()).unwrap();
        assert_eq!(trust, rel["trustPolicy"], "{name}");
        assert_eq!(spec.tags["ReviewBy"], rel["tags"]["ReviewBy"]);
    }
}
