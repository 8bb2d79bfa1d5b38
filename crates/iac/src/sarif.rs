//! SARIF for templates: the report crate's log, with each result's physical location moved
//! from the snapshot file of its account to the template file, line and column of the
//! resource (`region.startLine`/`startColumn`), which is what GitHub code scanning annotates.

use serde_json::{json, Value};
use trustgate_rules::RuleDoc;

use crate::IacReport;

/// A URI for a path as SARIF wants it: forward slashes, relative paths left relative
/// (GitHub resolves them against the repository root), spaces and `%` escaped.
pub fn uri(path: &std::path::Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let s = s.strip_prefix("./").unwrap_or(&s).to_string();
    s.replace('%', "%25").replace(' ', "%20")
}

/// The SARIF 2.1.0 log of an IaC scan.
pub fn build(
    report: &IacReport,
    rules: &[RuleDoc],
    opts: &trustgate_report::RenderOptions,
) -> Value {
    let out = report.scan_output();
    let log = trustgate_report::sarif::build(&out, rules, opts);
    let mut v = serde_json::to_value(&log).unwrap_or(Value::Null);
    // `scan_output` keeps the findings in the report's order, so results line up with them.
    if let Some(results) = v["runs"][0]["results"].as_array_mut() {
        for (r, f) in results.iter_mut().zip(&report.findings) {
            let loc = &f.location;
            r["locations"][0]["physicalLocation"] = json!({
                "artifactLocation": {"uri": uri(&loc.file)},
                "region": {"startLine": loc.line.max(1), "startColumn": loc.column.max(1)},
            });
            r["locations"][0]["logicalLocations"] = json!([
                {"fullyQualifiedName": f.finding.resource, "kind": "resource"},
                {"fullyQualifiedName": loc.address, "kind": "declaration"}
            ]);
            if !f.unresolved.is_empty() {
                r["properties"]["unresolved"] = json!(f.unresolved);
            }
        }
    }
    v
}
