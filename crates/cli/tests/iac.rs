//! End-to-end tests of `trustgate iac scan` and `trustgate generate`.

mod common;

use std::process::Command;

use common::{ok_json as json, root, run, stderr, stdout};

const FIXTURES: &str = "crates/iac/tests/fixtures";

#[test]
fn scan_json_places_findings() {
    let v = json(&[
        "iac",
        "scan",
        &format!("{FIXTURES}/kics/positive1.tf"),
        "--format",
        "json",
        "--now",
        "2026-11-01",
    ]);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "TG003")
        .expect("TG003");
    assert_eq!(f["location"]["line"], 4);
    assert_eq!(f["location"]["address"], "aws_iam_role.positive1");
    assert!(f["location"]["file"]
        .as_str()
        .unwrap()
        .ends_with("kics/positive1.tf"));
    assert_eq!(v["templates"][0]["format"], "terraform");
    assert_eq!(v["templates"][0]["accountKnown"], false);
    assert_eq!(v["summary"]["bySeverity"]["high"], 1);
}

#[test]
fn fail_on_sets_the_exit_code() {
    let file = format!("{FIXTURES}/kics/positive1.tf");
    let o = run(&["iac", "scan", &file, "--fail-on", "high"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = run(&["iac", "scan", &file, "--fail-on", "critical"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let table = stdout(&o);
    assert!(table.contains("positive1.tf:4"), "{table}");
    assert!(
        table.contains("aws_iam_role.positive1: test_role trusts"),
        "{table}"
    );
}

#[test]
fn input_errors_name_file_line_and_column() {
    let o = run(&["iac", "scan", &format!("{FIXTURES}/checkov/invalid")]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("AdminPolicyDocument.tf:28:17: invalid HCL"),
        "{e}"
    );

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("template.json");
    std::fs::write(
        &bad,
        "{\"Resources\": {\n  \"R\": {\"Type\": \"AWS::IAM::Role\",}\n}}",
    )
    .unwrap();
    let o = run(&["iac", "scan", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("template.json:2:34: invalid JSON"),
        "{}",
        stderr(&o)
    );

    let o = run(&["iac", "scan", "does/not/exist.tf"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does/not/exist.tf"));
}

#[test]
fn directories_are_walked_and_other_files_listed() {
    let v = json(&[
        "iac",
        "scan",
        &format!("{FIXTURES}/kics"),
        "--format",
        "json",
        "--now",
        "2026-11-01",
    ]);
    let warnings: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(warnings
        .iter()
        .any(|w| w.contains("positive_expected_result.json: skipped")));
    // The three files form one Terraform module: the same role name three times.
    assert!(warnings
        .iter()
        .any(|w| w.contains("defines role test_role again")));
}

#[test]
fn sarif_has_file_line_and_column() {
    let o = run(&[
        "iac",
        "scan",
        &format!("{FIXTURES}/vendor-trust/mozilla/create_infosec_s3_buckets_us-west-2.yml"),
        "--format",
        "sarif",
        "--now",
        "2026-11-01",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(
            loc["artifactLocation"]["uri"],
            "crates/iac/tests/fixtures/vendor-trust/mozilla/create_infosec_s3_buckets_us-west-2.yml"
        );
        assert!(loc["region"]["startLine"].as_u64().unwrap() > 1);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1);
    }
    let public = results
        .iter()
        .find(|r| r["ruleId"] == "TG013")
        .expect("a public bucket");
    assert_eq!(
        public["locations"][0]["physicalLocation"]["region"]["startLine"],
        19
    );
    assert_eq!(
        public["locations"][0]["logicalLocations"][1]["fullyQualifiedName"],
        "Resources.InfosecLambdaUsWest2BucketPolicy"
    );
    // Validated against the official schema by the report crate's script, when it can run.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("iac.sarif");
    std::fs::write(&file, &o.stdout).unwrap();
    if std::env::var_os("TRUSTGATE_SKIP_NETWORK_TESTS").is_some() {
        eprintln!("SKIP: SARIF schema validation (TRUSTGATE_SKIP_NETWORK_TESTS is set)");
        return;
    }
    let script = root().join("crates/report/tests/sarif_schema.sh");
    let check = Command::new("bash")
        .arg(&script)
        .arg(&file)
        .output()
        .expect("bash");
    match check.status.code() {
        Some(0) => {}
        Some(77) => eprintln!("SKIP: SARIF schema validation: {}", stderr(&check)),
        _ => panic!(
            "SARIF does not validate:\n{}{}",
            stdout(&check),
            stderr(&check)
        ),
    }
}

#[test]
fn snapshot_diff_lists_added_removed_changed() {
    let v = json(&[
        "iac",
        "scan",
        "examples/iac/plan.json",
        "--snapshot",
        "examples/org",
        "--known-accounts",
        "examples/known-accounts.json",
        "--format",
        "json",
        "--now",
        "2026-11-01",
    ]);
    let d = &v["diff"];
    let added: Vec<&str> = d["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["role"].as_str().unwrap())
        .collect();
    assert_eq!(added, vec!["arn:aws:iam::100000000004:role/vendor-reader"]);
    assert_eq!(d["added"][0]["scope"], "third-party");
    assert_eq!(d["added"][0]["externalId"], true);
    let removed: Vec<&str> = d["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        removed,
        vec!["arn:aws:iam::100000000004:role/legacy-partner"]
    );
    let changed = d["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!(
        changed[0]["role"],
        "arn:aws:iam::100000000004:role/msp-support"
    );
    let fields: Vec<&str> = changed[0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["conditions", "externalId"]);
    // The plan's account comes from data.aws_caller_identity; the organization from the
    // snapshot. The vendor role is clean. msp-support now requires an External ID (TG003 is
    // gone) but keeps the admin policy attached outside the plan: still admin-equivalent and
    // assumable by the MSP, without boundary or tags.
    assert_eq!(v["templates"][0]["account"], "100000000004");
    let rules: Vec<(&str, &str, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["location"]["address"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rules,
        vec![
            ("TG007", "critical", "aws_iam_role.msp_support"),
            ("TG017", "critical", "aws_iam_role.msp_support"),
            ("TG009", "medium", "aws_iam_role.msp_support"),
            ("TG016", "low", "aws_iam_role.msp_support")
        ]
    );
    let table = stdout(&run(&[
        "iac",
        "scan",
        "examples/iac/plan.json",
        "--snapshot",
        "examples/org",
    ]));
    assert!(table.contains("1 added, 1 removed, 1 changed"), "{table}");
    assert!(
        table.contains("- arn:aws:iam::100000000004:role/legacy-partner"),
        "{table}"
    );
}

#[test]
fn generate_writes_each_format_and_the_output_scans_clean() {
    let dir = tempfile::tempdir().unwrap();
    for (format, name) in [("terraform", "main.tf"), ("cloudformation", "roles.yaml")] {
        let out = dir.path().join(format).join(name);
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        let o = run(&[
            "generate",
            "examples/iac/spec.yaml",
            "--format",
            format,
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("nothing is generated for it"),
            "vendor note"
        );
        let o = run(&[
            "iac",
            "scan",
            out.parent().unwrap().to_str().unwrap(),
            "--fail-on",
            "low",
        ]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stdout(&o));
        assert!(stdout(&o).contains("No findings."));
    }
    let o = run(&["generate", "examples/iac/spec.yaml", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["relationships"].as_array().unwrap().len(), 3);

    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "version: 1\nrelationships:\n  - name: x\n    account: 12\n",
    )
    .unwrap();
    let o = run(&["generate", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bad.yaml:4:14: at relationships[0].account"),
        "{}",
        stderr(&o)
    );
}

/// The example templates: the planted mistakes fire, the role done right is clean.
#[test]
fn example_templates() {
    let v = json(&[
        "iac",
        "scan",
        "examples/iac/terraform",
        "examples/iac/cloudformation",
        "--org-accounts",
        "111111111111,222222222222,333333333333",
        "--format",
        "json",
        "--now",
        "2026-11-01",
    ]);
    let mut got: Vec<(String, String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["location"]["address"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    let want: Vec<(String, String, u64)> = [
        ("TG001", "Resources.AuditRole", 14),
        ("TG001", "aws_iam_role.vendor_support", 56),
        ("TG003", "aws_iam_role.vendor_support", 56),
        ("TG007", "aws_iam_role.vendor_support", 54),
        ("TG009", "Resources.AuditRole", 10),
        ("TG009", "aws_iam_role.vendor_support", 54),
        ("TG013", "Resources.ReportsBucketPolicy", 36),
        ("TG016", "aws_iam_role.vendor_support", 54),
        ("TG017", "aws_iam_role.vendor_support", 54),
    ]
    .iter()
    .map(|(r, a, l)| (r.to_string(), a.to_string(), *l))
    .collect();
    assert_eq!(got, want);
    assert_eq!(
        v["templates"][0]["account"], "222222222222",
        "pinned by the provider"
    );
}
