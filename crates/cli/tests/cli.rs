//! End-to-end tests of the `trustgate` binary on the bundled example organization and on
//! broken inputs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_trustgate"))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example() -> PathBuf {
    root().join("examples/org")
}

fn run(args: &[&str]) -> Output {
    bin().args(args).current_dir(root()).output().expect("runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn scan_json(extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "scan",
        "examples/org",
        "--format",
        "json",
        "--now",
        "2026-11-01",
        "--known-accounts",
        "examples/known-accounts.json",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("scan --format json is JSON")
}

fn fired(v: &serde_json::Value, rule: &str) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["resource"].as_str().unwrap().to_string())
        .collect()
}

const PROD: &str = "arn:aws:iam::100000000004:role/";
const STAGING: &str = "arn:aws:iam::100000000005:role/";
const SANDBOX: &str = "arn:aws:iam::100000000007:role/";

/// Every planted mistake of examples/README.md fires, and the look-alikes that are fine do not.
#[test]
fn example_org_findings() {
    let v = scan_json(&[]);
    let has = |rule: &str, res: &str| fired(&v, rule).iter().any(|r| r == res);

    // TG001 root trust, but not when narrowed by aws:PrincipalArn or for vendors with External ID.
    assert!(has("TG001", &format!("{PROD}msp-support")));
    assert!(has(
        "TG001",
        &format!("{PROD}OrganizationAccountAccessRole")
    ));
    assert!(!has(
        "TG001",
        "arn:aws:iam::100000000006:role/security-audit"
    ));
    assert!(!has("TG001", &format!("{SANDBOX}sandbox-admin")));
    assert!(!has("TG001", &format!("{PROD}datadog-integration")));
    // TG002 anyone, but not when restricted to the organization.
    assert!(has("TG002", &format!("{STAGING}open-sesame")));
    assert!(!has("TG002", &format!("{STAGING}org-shared-reader")));
    // TG003 third party without External ID; TG004 weak and reused External IDs.
    assert_eq!(fired(&v, "TG003"), vec![format!("{PROD}msp-support")]);
    assert!(has("TG004", &format!("{STAGING}newrelic-integration")));
    assert!(has("TG004", &format!("{STAGING}cloudhealth-billing")));
    assert!(has("TG004", &format!("{STAGING}datadog-staging")));
    assert!(!has("TG004", &format!("{PROD}datadog-integration")));
    // TG005 humans without MFA, not with MFA, not SAML/OIDC.
    assert!(has("TG005", &format!("{PROD}break-glass")));
    assert!(has("TG005", &format!("{SANDBOX}hackathon-2024")));
    assert!(!has("TG005", &format!("{PROD}engineer-readonly")));
    // TG006 confused deputy, not with aws:SourceAccount, not for PassRole-bound compute.
    assert_eq!(
        fired(&v, "TG006"),
        vec![format!("{PROD}service-role/config-recorder")]
    );
    // TG007 cross-account admin; critical for a third party.
    assert!(has("TG007", &format!("{PROD}prod-admin")));
    let msp = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "TG007" && f["resource"] == format!("{PROD}msp-support"))
        .unwrap();
    assert_eq!(msp["severity"], "critical");
    // TG008 wildcards; TG009 no boundary (not on roles with one).
    assert_eq!(
        fired(&v, "TG008"),
        vec![format!("{PROD}developer"), format!("{STAGING}data-sync")]
    );
    assert!(has("TG009", &format!("{PROD}msp-support")));
    assert!(!has("TG009", &format!("{PROD}deploy")));
    // TG011 stale and never used, not recently used.
    assert!(has("TG011", &format!("{SANDBOX}hackathon-2024")));
    assert!(has("TG011", &format!("{SANDBOX}never-used-experiment")));
    assert!(!has("TG011", &format!("{PROD}deploy")));
    // TG012 sts:AssumeRole on *.
    assert_eq!(
        fired(&v, "TG012"),
        vec!["arn:aws:iam::100000000002:user/bob".to_string()]
    );
    // TG013 public / external resource policies, not org-restricted ones.
    assert!(has("TG013", "arn:aws:s3:::example-public-website"));
    assert!(has("TG013", "arn:aws:s3:::example-partner-exchange"));
    assert!(!fired(&v, "TG013")
        .iter()
        .any(|r| r.contains("secretsmanager")));
    // TG014 Allow + NotPrincipal in a trust policy and a bucket policy.
    assert!(has("TG014", &format!("{SANDBOX}everyone-but-mallory")));
    assert!(has("TG014", "arn:aws:s3:::example-partner-exchange"));
    // TG015 deleted principal; TG016 undocumented.
    assert_eq!(fired(&v, "TG015"), vec![format!("{PROD}legacy-partner")]);
    assert!(has("TG016", &format!("{PROD}msp-support")));
    assert!(!has("TG016", &format!("{PROD}deploy")));

    // TG010 chains (prod-admin's 12 h session capped), TG017 outside → admin, TG018 escalation.
    assert!(has("TG010", &format!("{PROD}prod-admin")));
    assert!(has("TG010", &format!("{PROD}deploy")));
    assert!(!has("TG010", &format!("{PROD}msp-support")));
    assert_eq!(fired(&v, "TG017"), vec![format!("{PROD}msp-support")]);
    assert_eq!(fired(&v, "TG018"), vec![format!("{PROD}developer")]);
    let esc = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "TG018")
        .unwrap();
    assert_eq!(
        esc["details"]["target"],
        format!("{PROD}service-role/ops-automation")
    );

    let s = &v["summary"];
    assert_eq!(s["accounts"], 7);
    assert_eq!(
        s["findings"].as_u64().unwrap() as usize,
        v["findings"].as_array().unwrap().len()
    );
}

#[test]
fn rule_filter_and_fail_on() {
    let v = scan_json(&["--rule", "TG003"]);
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule"] == "TG003"));
    let o = run(&[
        "scan",
        "examples/org",
        "--fail-on",
        "high",
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "findings at or above high → exit 1"
    );
    let o = run(&[
        "scan",
        "examples/org",
        "--rule",
        "TG015",
        "--fail-on",
        "high",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "only a medium finding → exit 0");
    let o = run(&["scan", "examples/org", "--rule", "TG404"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("TG404"), "{}", stderr(&o));
}

#[test]
fn every_format_renders() {
    for format in ["table", "json", "csv", "md", "sarif"] {
        let o = run(&[
            "scan",
            "examples/org",
            "--now",
            "2026-11-01",
            "--format",
            format,
        ]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        assert!(!o.stdout.is_empty(), "{format}");
    }
    let o = run(&["scan", "examples/org", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    for format in ["table", "json", "csv", "md"] {
        let o = run(&["registry", "examples/org", "--format", format]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
    }
}

/// `scan` builds the registry only for HTML, but its summary still counts every relationship.
#[test]
fn scan_summary_counts_the_registry() {
    let v = scan_json(&[]);
    let o = run(&["registry", "examples/org", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let reg: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = reg["relationships"].as_array().unwrap().len();
    assert!(rows > 0);
    assert_eq!(v["summary"]["relationships"], rows);
}

#[test]
fn registry_rows() {
    let o = run(&["registry", "examples/org", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = v["relationships"].as_array().unwrap();
    let row = |role: &str, trusted: &str| {
        rows.iter()
            .find(|r| r["role"] == role && r["trusted"] == trusted)
            .unwrap_or_else(|| panic!("no row {role} ← {trusted}"))
    };
    let dd = row(
        &format!("{PROD}datadog-integration"),
        "arn:aws:iam::464622532012:root",
    );
    assert_eq!(dd["scope"], "third-party");
    assert_eq!(dd["vendor"], "Datadog");
    assert_eq!(dd["externalId"], true);
    assert!(
        !o.stdout.windows(10).any(|w| w == b"3f1c9a7e5d"),
        "External ID values stay out of reports"
    );
    let admin = row(
        &format!("{PROD}prod-admin"),
        "arn:aws:iam::100000000003:role/ci-deployer",
    );
    assert_eq!(admin["scope"], "internal");
    assert_eq!(admin["maxSessionSeconds"], 43200);
    assert_eq!(admin["maxSessionAssumed"], false);
    assert_eq!(admin["permissions"]["adminEquivalent"], true);
    let eng = row(
        &format!("{PROD}engineer-readonly"),
        "arn:aws:iam::100000000002:root",
    );
    assert_eq!(eng["mfa"], true);
    let gha = row(
        "arn:aws:iam::100000000003:role/github-actions",
        "arn:aws:iam::100000000003:oidc-provider/token.actions.githubusercontent.com",
    );
    assert_eq!(gha["scope"], "federated");
    assert_eq!(gha["actions"][0], "sts:AssumeRoleWithWebIdentity");
    let cfg = row(
        &format!("{PROD}service-role/config-recorder"),
        "config.amazonaws.com",
    );
    assert_eq!(cfg["scope"], "service");
    let open = row(&format!("{STAGING}open-sesame"), "*");
    assert_eq!(open["scope"], "public");
    let org = row(&format!("{STAGING}org-shared-reader"), "*");
    assert_eq!(org["scope"], "internal");
}

#[test]
fn baselines_suppress_and_expire() {
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("baseline.json");
    std::fs::write(
        &b,
        format!(
            r#"{{"accepted":[
              {{"rule":"TG003","resource":"{PROD}msp-support","owner":"platform","reason":"MSP contract","reviewBy":"2027-01-31"}},
              {{"rule":"TG015","resource":"{PROD}legacy-partner","owner":"platform","reviewBy":"2026-01-31"}}]}}"#
        ),
    )
    .unwrap();
    let v = scan_json(&["--baseline", b.to_str().unwrap()]);
    assert!(fired(&v, "TG003").is_empty());
    assert_eq!(
        fired(&v, "TG015").len(),
        1,
        "expired acceptance no longer suppresses"
    );
    assert_eq!(fired(&v, "TG099"), vec![format!("{PROD}legacy-partner")]);
    assert_eq!(v["summary"]["suppressedByBaseline"], 1);

    std::fs::write(
        &b,
        r#"{"accepted":[{"rule":"TG003","resource":"x","owner":"o","reviewBy":"soon"}]}"#,
    )
    .unwrap();
    let o = run(&["scan", "examples/org", "--baseline", b.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("reviewBy"), "{}", stderr(&o));
}

#[test]
fn broken_snapshots_exit_2_naming_file_and_place() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(example()).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let bad = dir.path().join("100000000007.json");
    let text = std::fs::read_to_string(&bad).unwrap();
    std::fs::write(
        &bad,
        text.replacen("\"Effect\": \"Allow\"", "\"Effect\": \"Alow\"", 1),
    )
    .unwrap();
    let o = bin().args(["scan"]).arg(dir.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("100000000007.json:"), "{err}");
    assert!(err.contains("Effect"), "{err}");
    assert!(err.contains("expected \"Allow\" or \"Deny\""), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let o = bin()
        .args(["scan", "--keep-going", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("skipped account file"),
        "{}",
        stderr(&o)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["accounts"], 6);
    assert!(v["warnings"][0]
        .as_str()
        .unwrap()
        .contains("100000000007.json"));

    // Truncated JSON, an empty directory, a missing path.
    std::fs::write(&bad, &text[..text.len() / 2]).unwrap();
    let o = bin().args(["scan"]).arg(dir.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("100000000007.json:"), "{}", stderr(&o));
    let empty = tempfile::tempdir().unwrap();
    let o = bin().args(["registry"]).arg(empty.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no account files"), "{}", stderr(&o));
    let o = run(&["scan", "does/not/exist"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn eval_examples_and_errors() {
    let o = run(&[
        "eval",
        "examples/eval/cross-account-assume.json",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let decisions: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["decision"].as_str().unwrap())
        .collect();
    assert_eq!(decisions, vec!["Allow", "Conditional", "ExplicitDeny"]);
    assert_eq!(v[1]["conditions"][0][0]["atom"]["key"], "sts:ExternalId");
    assert!(v[2]["summary"].as_str().unwrap().contains("OnlyFromOffice"));

    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.json");
    std::fs::write(
        &f,
        r#"{"request":{"principal":"arn:aws:iam::1:user/a","action":"s3:GetObject","resource":"*"},
 "identityPolicies":[{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"StringEqualz":{"a":"b"}}}]}]}"#,
    )
    .unwrap();
    let o = bin().arg("eval").arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("bad.json:2:"), "{err}");
    assert!(
        err.contains("unknown condition operator `StringEqualz`"),
        "{err}"
    );
    let o = bin().args(["eval", "missing.json"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn rules_catalogue_and_docs() {
    let o = run(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for id in ["TG001", "TG009", "TG016", "TG099"] {
        assert!(out.contains(id), "{id}");
    }
    let o = run(&["rules", "TG003"]);
    let doc = stdout(&o);
    for section in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Fix",
    ] {
        assert!(doc.contains(section), "{section}");
    }
    let o = run(&["rules", "root-trust", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["id"], "TG001");
    assert_eq!(run(&["rules", "nope"]).status.code(), Some(2));
    assert_eq!(
        run(&["frobnicate"]).status.code(),
        Some(2),
        "usage errors exit 2"
    );
}

#[test]
fn paths_from_outside_and_chains() {
    let o = run(&["paths", "examples/org", "--to", "admin", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let paths = v["paths"].as_array().unwrap();
    let to_admin = paths
        .iter()
        .find(|p| p["to"] == format!("{PROD}prod-admin"))
        .expect("the CI chain reaches prod-admin");
    assert_eq!(to_admin["hops"].as_array().unwrap().len(), 3);
    assert_eq!(to_admin["sessionCapSeconds"], 3600);
    assert_eq!(to_admin["sessionCappedByChaining"], true);
    assert_eq!(to_admin["endsAdmin"], true);
    assert_eq!(
        to_admin["hops"][0]["action"],
        "sts:AssumeRoleWithWebIdentity"
    );
    // Shortest first.
    let lens: Vec<usize> = paths
        .iter()
        .map(|p| p["hops"].as_array().unwrap().len())
        .collect();
    assert!(lens.windows(2).all(|w| w[0] <= w[1]), "{lens:?}");

    let o = run(&[
        "paths",
        "examples/org",
        "--from",
        "external",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let dd = v["paths"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["to"] == format!("{PROD}datadog-integration"))
        .unwrap();
    let cond = serde_json::to_string(&dd["hops"][0]["conditions"]).unwrap();
    assert!(
        cond.contains("sts:ExternalId") && cond.contains("(redacted)"),
        "{cond}"
    );
    // The org-restricted `*` trust is not reachable from outside; the open one is.
    let targets: Vec<&str> = v["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["to"].as_str().unwrap())
        .collect();
    assert!(targets.contains(&format!("{STAGING}open-sesame").as_str()));
    // org-shared-reader is reachable from outside only through an internal role (the MSP's
    // admin role in prod satisfies the organization condition), never directly.
    if let Some(p) = v["paths"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["to"] == format!("{STAGING}org-shared-reader"))
    {
        assert!(p["hops"].as_array().unwrap().len() >= 2, "{p}");
    }

    for format in ["table", "dot", "mermaid"] {
        let o = run(&["paths", "examples/org", "--format", format]);
        assert_eq!(o.status.code(), Some(0), "{format}");
    }
    for format in ["dot", "mermaid", "json", "graphml"] {
        for view in ["principals", "accounts"] {
            let o = run(&["graph", "examples/org", "--format", format, "--view", view]);
            assert_eq!(o.status.code(), Some(0), "{format} {view}: {}", stderr(&o));
        }
    }
    let o = run(&[
        "paths",
        "examples/org",
        "--from",
        "arn:aws:iam::1:role/nope",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn can_explains_which_layer_and_hop() {
    let o = run(&[
        "can",
        "arn:aws:iam::100000000003:role/ci-deployer",
        "sts:AssumeRole",
        &format!("{PROD}prod-admin"),
        "--snapshot",
        "examples/org",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["decision"], "Allow");

    // bob may assume anything, but prod-admin's trust does not name him: the trust policy says no.
    let o = run(&[
        "can",
        "arn:aws:iam::100000000002:user/bob",
        "sts:AssumeRole",
        &format!("{PROD}prod-admin"),
        "--snapshot",
        "examples/org",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["decision"], "ImplicitDeny");
    assert!(
        v["summary"].as_str().unwrap().contains("trust policy"),
        "{}",
        v["summary"]
    );

    // MFA unknown → Conditional on it; given → Allow.
    let args = |mfa: Option<&str>| {
        let mut a = vec![
            "can".to_string(),
            "arn:aws:iam::100000000002:user/alice".into(),
            "sts:AssumeRole".into(),
            format!("{PROD}engineer-readonly"),
            "--snapshot".into(),
            "examples/org".into(),
            "--format".into(),
            "json".into(),
        ];
        if let Some(m) = mfa {
            a.push("--context".into());
            a.push(format!("aws:MultiFactorAuthPresent={m}"));
        }
        a
    };
    let o = bin().args(args(None)).current_dir(root()).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["decision"], "Conditional");
    assert!(serde_json::to_string(&v["conditions"])
        .unwrap()
        .contains("aws:MultiFactorAuthPresent"));
    let o = bin()
        .args(args(Some("true")))
        .current_dir(root())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["decision"], "Allow");
    let o = bin()
        .args(args(Some("false")))
        .current_dir(root())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["decision"], "ImplicitDeny");

    // --via names the hop that fails.
    let o = run(&[
        "can",
        "arn:aws:iam::100000000002:user/bob",
        "s3:GetObject",
        "arn:aws:s3:::example-org-cloudtrail/AWSLogs/x",
        "--snapshot",
        "examples/org",
        "--via",
        "arn:aws:iam::100000000006:role/security-audit",
        "--via",
        "arn:aws:iam::100000000006:role/log-reader",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["failedHop"], 0, "bob is not alice: the first hop fails");
    assert_eq!(v["hops"].as_array().unwrap().len(), 3);

    let o = run(&[
        "can",
        "arn:aws:iam::100000000002:group/engineers",
        "s3:GetObject",
        "*",
        "--snapshot",
        "examples/org",
    ]);
    assert_eq!(o.status.code(), Some(2), "groups cannot make requests");
    let o = run(&[
        "can",
        "x",
        "s3:GetObject",
        "*",
        "--snapshot",
        "examples/org",
        "--context",
        "novalue",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn lint_policies() {
    let o = run(&[
        "lint",
        "examples/policies/ci-deployer.json",
        "--kind",
        "identity",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "security findings → exit 1");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = v[0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["L012", "L021", "L023"]);

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\n \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Condition\": {\"Nope\": {\"a\": \"b\"}}}]}").unwrap();
    let o = bin().arg("lint").arg(&bad).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("bad.json:2:") && out.contains("error[L001]") && out.contains("Nope"),
        "{out}"
    );
    let o = bin().args(["lint", "missing.json"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let good = dir.path().join("good.json");
    std::fs::write(&good, r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#).unwrap();
    let o = bin().arg("lint").arg(&good).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}
