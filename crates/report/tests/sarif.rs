//! SARIF structural essentials, without the network (the full schema check is
//! `sarif_schema.rs`).

mod common;

use serde_json::Value;
use trustgate_report::{render_scan, RenderOptions, ScanFormat};

fn sarif(opts: &RenderOptions) -> Value {
    let mut buf = Vec::new();
    render_scan(
        &common::scan_output(),
        &common::rules(),
        ScanFormat::Sarif,
        opts,
        &mut buf,
    )
    .unwrap();
    assert!(buf.ends_with(b"}\n"));
    serde_json::from_slice(&buf).unwrap()
}

#[test]
fn log_header_and_driver() {
    let opts = RenderOptions {
        tool_version: "1.2.3".into(),
        ..RenderOptions::default()
    };
    let log = sarif(&opts);
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "trustgate");
    assert_eq!(driver["version"], "1.2.3");
    assert!(driver["informationUri"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    assert_eq!(runs[0]["invocations"][0]["executionSuccessful"], true);
    let notes = runs[0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), common::scan_output().warnings.len());
    assert_eq!(notes[0]["level"], "warning");
}

#[test]
fn every_catalogue_rule_is_described() {
    let log = sarif(&RenderOptions::default());
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let catalogue = common::rules();
    // The catalogue, in order, then TG099 which a finding names but the catalogue lacks.
    assert_eq!(rules.len(), catalogue.len() + 1);
    for (r, d) in rules.iter().zip(&catalogue) {
        assert_eq!(r["id"], d.id);
        assert_eq!(r["name"], d.name);
        assert_eq!(r["shortDescription"]["text"], d.title);
        assert_eq!(r["fullDescription"]["text"], d.what);
        let text = r["help"]["text"].as_str().unwrap();
        let markdown = r["help"]["markdown"].as_str().unwrap();
        for part in [d.what, d.why, d.example, d.fix] {
            assert!(text.contains(part), "help.text of {} lacks {part:?}", d.id);
            assert!(
                markdown.contains(part),
                "help.markdown of {} lacks {part:?}",
                d.id
            );
        }
        assert!(markdown.contains("## Fix"));
        let (level, sev) = match d.severity.as_str() {
            "critical" => ("error", "9.5"),
            "high" => ("error", "8.0"),
            "medium" => ("warning", "5.5"),
            "low" => ("note", "3.0"),
            _ => ("note", "1.0"),
        };
        assert_eq!(r["defaultConfiguration"]["level"], level, "{}", d.id);
        assert_eq!(r["properties"]["security-severity"], sev, "{}", d.id);
        assert_eq!(
            r["properties"]["tags"],
            serde_json::json!(["security", "aws", "iam"])
        );
    }
    let extra = rules.last().unwrap();
    assert_eq!(extra["id"], "TG099");
    assert_eq!(extra["defaultConfiguration"]["level"], "note");
}

#[test]
fn results_point_at_rules_resources_and_snapshot_files() {
    let scan = common::scan_output();
    let log = sarif(&RenderOptions::default());
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), scan.findings.len());
    for (r, f) in results.iter().zip(&scan.findings) {
        assert_eq!(r["ruleId"], f.rule);
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], f.rule, "ruleIndex resolves to the rule");
        let level = match f.severity.as_str() {
            "critical" | "high" => "error",
            "medium" => "warning",
            _ => "note",
        };
        assert_eq!(r["level"], level);
        assert_eq!(r["message"]["text"], f.message);
        let loc = &r["locations"][0];
        assert_eq!(loc["logicalLocations"][0]["fullyQualifiedName"], f.resource);
        assert_eq!(loc["logicalLocations"][0]["kind"], "resource");
        assert_eq!(
            loc["physicalLocation"]["artifactLocation"]["uri"],
            format!("{}.json", f.account)
        );
        assert_eq!(
            r["partialFingerprints"]["trustgateFingerprint/v1"],
            f.fingerprint
        );
        assert_eq!(r["properties"]["account"], f.account);
        for (k, v) in &f.details.to_map() {
            let key = if k == "tags" {
                "detailTags"
            } else {
                k.as_str()
            };
            assert_eq!(&r["properties"][key], v, "detail {k} carried");
        }
        if let Some(tags) = r["properties"].get("tags") {
            assert!(
                tags.is_array(),
                "properties.tags is reserved for an array of strings"
            );
        }
    }
}

#[test]
fn artifact_uri_base_is_configurable() {
    let opts = RenderOptions {
        sarif_uri_base: Some("file:///srv/snapshots/org/".into()),
        ..RenderOptions::default()
    };
    let log = sarif(&opts);
    let uri = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "file:///srv/snapshots/org/111111111111.json");
}

#[test]
fn typed_model_round_trips() {
    let mut buf = Vec::new();
    render_scan(
        &common::scan_output(),
        &common::rules(),
        ScanFormat::Sarif,
        &RenderOptions::default(),
        &mut buf,
    )
    .unwrap();
    let log: trustgate_report::sarif::SarifLog = serde_json::from_slice(&buf).unwrap();
    assert_eq!(
        log.runs[0].results.len(),
        common::scan_output().findings.len()
    );
    let again = serde_json::to_string_pretty(&log).unwrap() + "\n";
    assert_eq!(again.as_bytes(), buf.as_slice());
}
