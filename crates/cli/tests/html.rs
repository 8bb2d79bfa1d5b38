//! `scan --format html` and `report`: one self-contained page whose data matches the JSON
//! outputs, with snapshot strings kept as data. (The page's behaviour in a browser is tested by
//! tests/browser/report.test.mjs, run by .ci/run.)

mod common;

use common::{ok_json as json_of, run};

/// The JSON data block of a report.
fn data_of(page: &str) -> serde_json::Value {
    let open = page.find(r#"id="tg-data""#).expect("data block");
    let start = open + page[open..].find('>').unwrap() + 1;
    let end = start + page[start..].find("</script>").expect("end of data block");
    serde_json::from_str(&page[start..end]).expect("the data block is JSON")
}

#[test]
fn html_report_of_the_example_matches_the_json_outputs() {
    let o = run(&[
        "scan",
        "examples/org",
        "--format",
        "html",
        "--now",
        "2026-11-01",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let page = String::from_utf8(o.stdout).unwrap();
    assert!(page.starts_with("<!doctype html>"));
    // Offline and locked down: nothing loaded from anywhere, connections refused by policy.
    // (Quotes in the attribute are HTML-escaped by the template engine.)
    assert!(
        page.contains("connect-src &#x27;none&#x27;"),
        "CSP refuses connections"
    );
    assert!(!page.contains("<script src") && !page.contains("<link"));
    assert_eq!(
        page.matches("<script").count(),
        3,
        "data, Cytoscape.js, the report's script"
    );
    let data = data_of(&page);
    let scan = json_of(&[
        "scan",
        "examples/org",
        "--format",
        "json",
        "--now",
        "2026-11-01",
    ]);
    let registry = json_of(&["registry", "examples/org", "--format", "json"]);
    assert_eq!(data["summary"], scan["summary"]);
    // Every finding (the example is far below the per-rule cap), most severe first.
    let shown: Vec<(String, String, String)> = data["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].to_string(),
                f["resource"].to_string(),
                f["message"].to_string(),
            )
        })
        .collect();
    let mut all: Vec<(String, String, String)> = scan["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].to_string(),
                f["resource"].to_string(),
                f["message"].to_string(),
            )
        })
        .collect();
    let mut sorted_shown = shown.clone();
    sorted_shown.sort();
    all.sort();
    assert_eq!(sorted_shown, all);
    assert_eq!(data["findings"][0]["severity"], "critical");
    assert_eq!(data["findingsOmitted"], serde_json::json!({}));
    assert_eq!(
        data["relationships"].as_array().unwrap().len(),
        registry["relationships"].as_array().unwrap().len()
    );
    // Relationships point at roles; roles at distinct trust policies.
    let roles = data["roles"].as_array().unwrap();
    let policies = data["policies"].as_array().unwrap();
    for r in data["relationships"].as_array().unwrap() {
        let role = &roles[r["role"].as_u64().unwrap() as usize];
        assert!(role["arn"].as_str().unwrap().starts_with("arn:aws:iam::"));
        assert!((role["trustPolicy"].as_u64().unwrap() as usize) < policies.len());
    }
    // External ID values never reach the page.
    assert!(
        !page.contains("3f1c9a7e5d2b4c8a9e6f0b1d2c3a4e5f"),
        "External ID leaked"
    );
    // The worst path from outside (the MSP's root to an admin role) is embedded.
    assert!(data["paths"].as_array().unwrap().iter().any(|p| {
        p["fromOutside"] == true
            && p["endsAdmin"] == true
            && p["from"] == "arn:aws:iam::999988887777:root"
    }));
    // Every rule's documentation is there, with its count.
    let tg003 = data["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "TG003")
        .unwrap();
    assert!(tg003["fix"].as_str().unwrap().len() > 20);
    assert!(tg003["findings"].as_u64().unwrap() >= 1);
}

#[test]
fn hostile_strings_stay_data_and_report_writes_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap");
    std::fs::create_dir(&snap).unwrap();
    let hostile = r#"</script><script>alert(1)</script><img src=x onerror=alert(2)>"#;
    let doc = serde_json::json!({
        "UserDetailList": [], "GroupDetailList": [], "Policies": [],
        "RoleDetailList": [{
            "RoleName": "vendor", "RoleId": "AROAEXAMPLE", "Path": "/",
            "Arn": "arn:aws:iam::111122223333:role/vendor",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Sid": hostile, "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
                "Action": "sts:AssumeRole"}]},
            "RolePolicyList": [], "AttachedManagedPolicies": [],
            "Tags": [{"Key": "owner", "Value": hostile}]
        }]
    });
    std::fs::write(snap.join("111122223333.json"), doc.to_string()).unwrap();
    let out = dir.path().join("report.html");
    let o = run(&[
        "report",
        snap.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--now",
        "2026-11-01",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(
        !page.contains("<script>alert"),
        "a snapshot string became markup"
    );
    assert!(!page.contains("<img src=x"));
    assert_eq!(page.matches("</script>").count(), 3);
    let data = data_of(&page);
    assert_eq!(
        data["roles"][0]["tags"]["owner"], hostile,
        "exact value, as data"
    );
    assert!(data["policies"][0].as_str().unwrap().contains(hostile));
}
