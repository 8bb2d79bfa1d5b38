//! End-to-end tests of `trustgate trail` and of `--trail` on `scan` and `registry`, on the
//! example organization and its generated trail (`examples/trail`, written by
//! `trustgate-trail-gen example`; the answers below follow from its scenario in
//! `crates/trail/src/generate.rs`).

mod common;

use std::path::Path;
use std::process::Output;

use common::{root, run};

use serde_json::Value;

fn json(o: &Output) -> Value {
    assert!(
        o.status.code() == Some(0),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON output")
}

fn trail_json(extra: &[&str]) -> Value {
    let mut args = vec![
        "trail",
        "examples/org",
        "--logs",
        "examples/trail",
        "--format",
        "json",
        "--now",
        "2026-11-01",
    ];
    args.extend_from_slice(extra);
    json(&run(&args))
}

fn findings<'a>(v: &'a Value, rule: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn caller<'a>(v: &'a Value, role: &str, caller: &str) -> &'a Value {
    v["callers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["role"] == role && c["caller"] == caller)
        .unwrap_or_else(|| panic!("{role} <- {caller}"))
}

const DEPLOY: &str = "arn:aws:iam::100000000004:role/deploy";
const CI: &str = "arn:aws:iam::100000000003:role/ci-deployer";

#[test]
fn usage_per_caller_and_relationship() {
    let v = trail_json(&[]);
    let s = &v["summary"];
    assert_eq!(s["source"], "logs");
    assert_eq!(s["files"], 61);
    assert_eq!(s["records"], 1344);
    assert_eq!(s["events"], 1344);
    assert_eq!(s["firstEvent"], "2026-09-01T00:03:00Z");
    assert_eq!(s["lastEvent"], "2026-10-31T22:00:00Z");
    assert_eq!(v["warnings"].as_array().unwrap().len(), 0);
    // Both copies of each call (org trail), the role account's showing only the unique ID:
    // counted once, resolved to the role's ARN.
    let deploy = caller(&v, DEPLOY, CI);
    assert_eq!(deploy["successes"], 122);
    assert_eq!(deploy["trusted"], CI);
    assert_eq!(deploy["firstUsed"], "2026-09-01T17:01:00Z");
    assert_eq!(deploy["lastUsed"], "2026-10-31T17:01:10Z");
    assert_eq!(deploy["sourceIps"], serde_json::json!(["192.0.2.10"]));
    let dd = caller(
        &v,
        "arn:aws:iam::100000000004:role/datadog-integration",
        "arn:aws:iam::464622532012:role/DatadogAWSIntegrationRole",
    );
    assert_eq!(dd["successes"], 244);
    assert_eq!(dd["externalIdSuccesses"], 244);
    assert_eq!(dd["trusted"], "arn:aws:iam::464622532012:root");
    assert_eq!(dd["outsideOrganization"], true);
    let sso = caller(
        &v,
        "arn:aws:iam::100000000002:role/sso-engineer",
        "arn:aws:iam::100000000002:saml-provider/ExampleIdP",
    );
    assert_eq!(sso["events"]["AssumeRoleWithSAML"], 88);
    let switch = caller(
        &v,
        "arn:aws:iam::100000000004:role/engineer-readonly",
        "arn:aws:iam::100000000002:user/alice",
    );
    // A console switch is recorded twice (STS AssumeRole from "AWS Internal", SwitchRole in
    // the role's account): both event names seen, one call counted.
    assert_eq!(switch["events"]["SwitchRole"], 9);
    assert_eq!(switch["events"]["AssumeRole"], 9);
    assert_eq!(switch["successes"], 9);
    let gha = caller(
        &v,
        "arn:aws:iam::100000000003:role/github-actions",
        "arn:aws:iam::100000000003:oidc-provider/token.actions.githubusercontent.com",
    );
    assert_eq!(
        gha["trusted"],
        "arn:aws:iam::100000000003:oidc-provider/token.actions.githubusercontent.com"
    );
    let probe = caller(
        &v,
        "arn:aws:iam::100000000004:role/prod-admin",
        "arn:aws:iam::123456789012:user/scanner",
    );
    assert_eq!(
        (
            probe["successes"].as_u64(),
            probe["failures"].as_u64(),
            probe["trusted"].is_null()
        ),
        (Some(0), Some(3), true)
    );
    // Relationships: used ones carry their usage, unused ones zeros.
    let rels = v["relationships"].as_array().unwrap();
    let row = rels
        .iter()
        .find(|r| r["role"] == DEPLOY && r["trusted"] == CI)
        .unwrap();
    assert_eq!(row["usage"]["successes"], 122);
    assert_eq!(row["usage"]["callers"], serde_json::json!([CI]));
    let unused = rels
        .iter()
        .find(|r| r["role"].as_str().unwrap().ends_with("role/hackathon-2024"))
        .unwrap();
    assert_eq!(unused["usage"]["successes"], 0);
    assert!(unused["usage"]["lastUsed"].is_null());
    assert_eq!(s["relationshipsUsed"], 16);
    // No credentials and no External ID values from the logs in the output.
    let text = v.to_string();
    assert!(!text.contains("FAKE-TOKEN") && !text.contains("ASIA") && !text.contains("7f3a9c2e"));
}

#[test]
fn anomalies_found_in_the_example_trail() {
    let v = trail_json(&[]);
    let new_callers: Vec<(&str, &str)> = findings(&v, "TG030")
        .iter()
        .map(|f| {
            (
                f["details"]["caller"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        new_callers,
        [
            ("arn:aws:iam::999988887777:role/msp-contractor", "critical"),
            ("arn:aws:iam::100000000002:user/bob", "high")
        ]
    );
    let outside: Vec<(&str, &str)> = findings(&v, "TG031")
        .iter()
        .map(|f| {
            (
                f["details"]["caller"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        outside.contains(&("arn:aws:iam::210987654321:role/reader", "high")),
        "{outside:?}"
    );
    assert!(
        outside.contains(&(
            "arn:aws:iam::464622532012:role/DatadogAWSIntegrationRole",
            "low"
        )),
        "{outside:?}"
    );
    assert_eq!(outside.len(), 4, "{outside:?}");
    let nets = findings(&v, "TG032");
    assert_eq!(nets.len(), 1);
    assert_eq!(nets[0]["details"]["network"], "198.18.7.0/24");
    let bursts = findings(&v, "TG033");
    assert_eq!(bursts.len(), 1);
    assert_eq!(
        bursts[0]["resource"],
        "arn:aws:iam::123456789012:user/scanner"
    );
    assert_eq!(bursts[0]["details"]["failures"], 24);
    assert_eq!(bursts[0]["details"]["windowStart"], "2026-10-20T03:00:00Z");
    let chains = findings(&v, "TG034");
    assert!(chains.iter().any(|f| f["details"]["from"] == CI
        && f["details"]["to"] == "arn:aws:iam::100000000004:role/prod-admin"
        && f["severity"] == "low"));
    let denied = findings(&v, "TG035");
    assert_eq!(
        denied.len(),
        1,
        "only bob on break-glass: the other pairs are allowed or conditional"
    );
    assert_eq!(
        denied[0]["details"]["caller"],
        "arn:aws:iam::100000000002:user/bob"
    );
    // TG011 with the trail: the sandbox experiment role was used (CloudTrail), the hackathon
    // role was not.
    let stale: Vec<&str> = findings(&v, "TG011")
        .iter()
        .map(|f| f["resource"].as_str().unwrap())
        .collect();
    assert!(stale.iter().any(|r| r.ends_with("hackathon-2024")));
    assert!(!stale.iter().any(|r| r.ends_with("never-used-experiment")));
    // Tighter thresholds change the answers as documented.
    let v = trail_json(&["--burst-threshold", "25"]);
    assert!(findings(&v, "TG033").is_empty());
    let v = trail_json(&["--baseline-days", "1"]);
    assert!(findings(&v, "TG030").is_empty());
}

#[test]
fn scan_and_registry_with_trail() {
    let base = ["--format", "json", "--now", "2026-11-01"];
    let without = json(&run(&[&["scan", "examples/org"][..], &base].concat()));
    let with = json(&run(&[
        &["scan", "examples/org", "--trail", "examples/trail"][..],
        &base,
    ]
    .concat()));
    let stale = |v: &Value| -> Vec<String> {
        findings(v, "TG011")
            .iter()
            .map(|f| f["resource"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(stale(&without)
        .iter()
        .any(|r| r.ends_with("never-used-experiment")));
    assert!(!stale(&with)
        .iter()
        .any(|r| r.ends_with("never-used-experiment")));
    assert!(findings(&without, "TG033").is_empty());
    assert_eq!(findings(&with, "TG033").len(), 1);
    assert_eq!(findings(&with, "TG035").len(), 1);

    let reg = json(&run(&[
        "registry",
        "examples/org",
        "--trail",
        "examples/trail",
        "--format",
        "json",
    ]));
    let rows = reg["relationships"].as_array().unwrap();
    let row = rows
        .iter()
        .find(|r| r["role"] == DEPLOY && r["trusted"] == CI)
        .unwrap();
    assert_eq!(row["usage"]["successes"], 122);
    assert_eq!(row["usage"]["lastUsed"], "2026-10-31T17:01:10Z");
    assert!(rows.iter().all(|r| r["usage"].is_object()));
    let plain = json(&run(&["registry", "examples/org", "--format", "json"]));
    assert!(plain["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r.get("usage").is_none()));
}

fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.path().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

#[test]
fn broken_files_are_reported_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("examples/trail"), dir.path());
    let good =
        std::fs::read_dir(root().join(
            "examples/trail/AWSLogs/o-example1234/100000000004/CloudTrail/eu-west-1/2026/09/03",
        ))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let bytes = std::fs::read(&good).unwrap();
    let extra = dir.path().join("extra");
    std::fs::create_dir_all(&extra).unwrap();
    std::fs::write(extra.join("truncated.json.gz"), &bytes[..bytes.len() / 2]).unwrap();
    std::fs::write(extra.join("empty.json"), b"").unwrap();
    std::fs::write(
        extra.join("broken.json"),
        b"{\"Records\": [{\"eventName\": }]}",
    )
    .unwrap();
    std::fs::write(extra.join("other.json"), b"{\"hello\": \"world\"}").unwrap();
    let logs = dir.path().to_str().unwrap();
    let args = [
        "trail",
        "examples/org",
        "--logs",
        logs,
        "--format",
        "json",
        "--now",
        "2026-11-01",
    ];
    let o = run(&args);
    let v = json(&o);
    let warnings: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    for name in [
        "truncated.json.gz",
        "empty.json",
        "broken.json",
        "other.json",
    ] {
        assert!(
            warnings.iter().any(|w| w.contains(name)),
            "{name}: {warnings:?}"
        );
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(name),
            "{name} on stderr"
        );
    }
    assert!(warnings
        .iter()
        .any(|w| w.contains("truncated or corrupt gzip")));
    assert!(
        warnings.iter().any(|w| w.contains("broken.json:1:")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .last()
            .unwrap()
            .contains("1 file(s) unreadable, 1 read only in part, 1 record(s) skipped"),
        "{warnings:?}"
    );
    let s = &v["summary"];
    assert_eq!(
        (
            s["filesPartial"].as_u64(),
            s["filesUnreadable"].as_u64(),
            s["filesEmpty"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    // The 61 good files are all read: the truncated copy adds what it had before the cut.
    assert!(s["events"].as_u64().unwrap() >= 1326);
    let o = run(&[&args[..], &["--strict"]].concat());
    assert_eq!(o.status.code(), Some(2));
    assert!(!o.stdout.is_empty(), "the output is still written");
}

#[test]
fn sql_and_results_give_the_same_answer_as_the_logs() {
    let o = run(&[
        "trail",
        "--emit-sql",
        "--table",
        "audit.cloudtrail_logs",
        "--burst-minutes",
        "5",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let sql = String::from_utf8_lossy(&o.stdout);
    assert!(sql.contains("FROM audit.cloudtrail_logs"));
    assert!(sql.contains("/ 300"));
    let o = run(&["trail", "--emit-sql", "--table", "x; DROP TABLE y"]);
    assert_eq!(o.status.code(), Some(2));

    // The rows the SQL returns, as Athena writes them (CSV), from the same logs.
    let (raw, _) = trustgate_trail::read_logs(
        &root().join("examples/trail"),
        &trustgate_trail::ReadOptions::default(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("result.csv");
    let mut f = std::fs::File::create(&csv).unwrap();
    trustgate_trail::results::write_csv(&trustgate_trail::results::rows_of(&raw), &mut f).unwrap();
    drop(f);
    let from_logs = trail_json(&[]);
    let from_results = json(&run(&[
        "trail",
        "examples/org",
        "--results",
        csv.to_str().unwrap(),
        "--format",
        "json",
        "--now",
        "2026-11-01",
    ]));
    assert_eq!(from_results["summary"]["source"], "results");
    for key in ["callers", "relationships", "findings"] {
        assert_eq!(from_logs[key], from_results[key], "{key}");
    }
}

#[test]
fn bad_invocations_exit_2_with_a_message() {
    let o = run(&["trail", "examples/org", "--logs", "no/such/dir"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no/such/dir"));
    let o = run(&["trail", "examples/org"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--logs"));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("r.csv");
    std::fs::write(&bad, "row_kind,caller,side\npair,c,target\n").unwrap();
    let o = run(&["trail", "examples/org", "--results", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("r.csv:2: column target_role"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn table_and_csv_formats() {
    let o = run(&[
        "trail",
        "examples/org",
        "--logs",
        "examples/trail",
        "--now",
        "2026-11-01",
        "--color",
        "never",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(t.contains("CloudTrail 2026-09-01T00:03:00Z .. 2026-10-31T22:00:00Z"));
    assert!(t.contains("100000000004:role/deploy"));
    assert!(t.contains("16 of 37 trust relationships used"));
    assert!(t.contains("TG033"));
    let o = run(&[
        "trail",
        "examples/org",
        "--logs",
        "examples/trail",
        "--format",
        "csv",
        "--now",
        "2026-11-01",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(rdr.headers().unwrap().get(0), Some("role"));
    assert_eq!(rdr.records().count(), 27);
    let o = run(&[
        "trail",
        "examples/org",
        "--logs",
        "examples/trail",
        "--now",
        "2026-11-01",
        "--fail-on",
        "critical",
    ]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn html_report_carries_the_usage() {
    let dir = tempfile::tempdir().unwrap();
    let with = dir.path().join("with.html");
    let without = dir.path().join("without.html");
    let o = run(&[
        "report",
        "examples/org",
        "--trail",
        "examples/trail",
        "--now",
        "2026-11-01",
        "-o",
        with.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = run(&[
        "report",
        "examples/org",
        "--now",
        "2026-11-01",
        "-o",
        without.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let with = std::fs::read_to_string(with).unwrap();
    let without = std::fs::read_to_string(without).unwrap();
    assert!(
        with.contains("\"usage\":{\"firstUsed\""),
        "the registry data carries usage"
    );
    assert!(with.contains("TG033"), "and the trail's findings");
    assert!(!without.contains("\"usage\""));
}
