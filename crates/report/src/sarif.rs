//! SARIF 2.1.0: the small subset of the object model trustgate emits.
//!
//! One run; `tool.driver.rules` describes every rule of the catalogue (and any rule a finding
//! names that the catalogue lacks, so every `ruleIndex` resolves); each finding is a result
//! located logically at its resource ARN and physically at the snapshot file of its account
//! (`<account>.json`), with a partial fingerprint for stable tracking across runs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use trustgate_rules::{RuleDoc, ScanOutput, Severity};

use crate::RenderOptions;

/// `$schema` of the log.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// `version` of the log.
pub const SARIF_VERSION: &str = "2.1.0";
/// Key of the fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "trustgateFingerprint/v1";
/// `kind` of the logical location of every result.
pub const LOGICAL_KIND: &str = "resource";
/// What a finding detail named `tags` is called in `result.properties` (SARIF reserves
/// `tags` for an array of unique strings).
pub const RENAMED_TAGS_DETAIL: &str = "detailTags";
/// Tags of every rule (`properties.tags`).
pub const RULE_TAGS: [&str; 3] = ["security", "aws", "iam"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SarifLog {
    #[serde(rename = "$schema")]
    pub schema: String,
    pub version: String,
    pub runs: Vec<Run>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub tool: Tool,
    pub invocations: Vec<Invocation>,
    pub results: Vec<SarifResult>,
    /// `{"summary": <the scan's summary object>}`.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub properties: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub driver: ToolComponent,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolComponent {
    pub name: String,
    pub version: String,
    pub information_uri: String,
    pub rules: Vec<ReportingDescriptor>,
}

/// A rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportingDescriptor {
    pub id: String,
    pub name: String,
    pub short_description: Message,
    pub full_description: Message,
    pub help: MultiformatMessage,
    pub default_configuration: ReportingConfiguration,
    /// `tags` and `security-severity` (read by GitHub code scanning).
    pub properties: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultiformatMessage {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markdown: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportingConfiguration {
    pub level: Level,
}

/// `level` of a result, rule configuration or notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Note,
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invocation {
    pub execution_successful: bool,
    /// The scan's warnings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_execution_notifications: Vec<Notification>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub level: Level,
    pub message: Message,
}

/// A finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    pub rule_id: String,
    pub rule_index: usize,
    pub level: Level,
    pub message: Message,
    pub locations: Vec<Location>,
    pub partial_fingerprints: BTreeMap<String, String>,
    /// The finding's `details` (a `tags` detail renamed [`RENAMED_TAGS_DETAIL`]), plus
    /// `account` and `severity`.
    pub properties: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub physical_location: PhysicalLocation,
    pub logical_locations: Vec<LogicalLocation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactLocation {
    pub uri: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogicalLocation {
    pub fully_qualified_name: String,
    pub kind: String,
}

/// SARIF level of a severity: critical/high → error, medium → warning, low/info → note.
pub fn level(s: Severity) -> Level {
    match s {
        Severity::Critical | Severity::High => Level::Error,
        Severity::Medium => Level::Warning,
        Severity::Low | Severity::Info => Level::Note,
    }
}

/// GitHub's `security-severity` (a number as a string, 0.0–10.0) of a severity.
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// The rule's documentation as plain text (`help.text`).
fn help_text(d: &RuleDoc) -> String {
    format!(
        "{} {} ({}): {}\n\nDefault severity: {}\n\nWhat it does:\n{}\n\nWhy is this bad?\n{}\n\nExample:\n{}\n\nFix:\n{}\n",
        d.id, d.name, d.severity, d.title, d.severity, d.what, d.why, d.example, d.fix
    )
}

fn rule_properties(s: Severity) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert("tags".into(), Value::from(RULE_TAGS.to_vec()));
    p.insert(
        "security-severity".into(),
        Value::from(security_severity(s)),
    );
    p
}

fn descriptor(d: &RuleDoc) -> ReportingDescriptor {
    ReportingDescriptor {
        id: d.id.to_string(),
        name: d.name.to_string(),
        short_description: Message {
            text: d.title.to_string(),
        },
        full_description: Message {
            text: d.what.to_string(),
        },
        help: MultiformatMessage {
            text: help_text(d),
            markdown: Some(d.markdown()),
        },
        default_configuration: ReportingConfiguration {
            level: level(d.severity),
        },
        properties: rule_properties(d.severity),
    }
}

/// A descriptor for a rule a finding names but the catalogue lacks.
fn undocumented(id: &str, severity: Severity) -> ReportingDescriptor {
    let text = format!("Rule {id} has no documentation in this build of trustgate.");
    ReportingDescriptor {
        id: id.to_string(),
        name: id.to_string(),
        short_description: Message {
            text: id.to_string(),
        },
        full_description: Message { text: text.clone() },
        help: MultiformatMessage {
            text,
            markdown: None,
        },
        default_configuration: ReportingConfiguration {
            level: level(severity),
        },
        properties: rule_properties(severity),
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The snapshot file a finding points at: `<account>.json` (`organization.json` for a
/// finding without an account), under `base` when given.
pub fn artifact_uri(account: &str, base: Option<&str>) -> String {
    let file = if account.is_empty() {
        "organization.json".to_string()
    } else {
        format!("{}.json", encode_segment(account))
    };
    match base {
        Some(b) if !b.is_empty() => {
            if b.ends_with('/') {
                format!("{b}{file}")
            } else {
                format!("{b}/{file}")
            }
        }
        _ => file,
    }
}

/// Builds the SARIF log of a scan.
pub fn build(out: &ScanOutput, rules: &[RuleDoc], opts: &RenderOptions) -> SarifLog {
    let mut descriptors: Vec<ReportingDescriptor> = rules.iter().map(descriptor).collect();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for (i, d) in rules.iter().enumerate() {
        index.entry(d.id.to_string()).or_insert(i);
    }
    // Rules findings name that the catalogue lacks, at their highest severity.
    let mut missing: BTreeMap<&str, Severity> = BTreeMap::new();
    for f in &out.findings {
        if !index.contains_key(&f.rule) {
            let e = missing.entry(f.rule.as_str()).or_insert(f.severity);
            *e = (*e).max(f.severity);
        }
    }
    for (id, sev) in missing {
        index.insert(id.to_string(), descriptors.len());
        descriptors.push(undocumented(id, sev));
    }

    let results = out
        .findings
        .iter()
        .map(|f| {
            let mut properties = f.details.to_map();
            // SARIF reserves `tags` in property bags for an array of unique strings that
            // classify the object: a `tags` detail (such as a role's tags) is renamed.
            if let Some(tags) = properties.remove("tags") {
                properties.insert(RENAMED_TAGS_DETAIL.into(), tags);
            }
            properties.insert("account".into(), Value::from(f.account.clone()));
            properties.insert("severity".into(), Value::from(f.severity.as_str()));
            SarifResult {
                rule_id: f.rule.clone(),
                rule_index: index[&f.rule],
                level: level(f.severity),
                message: Message {
                    text: f.message.clone(),
                },
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: artifact_uri(&f.account, opts.sarif_uri_base.as_deref()),
                        },
                    },
                    logical_locations: vec![LogicalLocation {
                        fully_qualified_name: f.resource.clone(),
                        kind: LOGICAL_KIND.to_string(),
                    }],
                }],
                partial_fingerprints: BTreeMap::from([(
                    FINGERPRINT_KEY.to_string(),
                    f.fingerprint.clone(),
                )]),
                properties,
            }
        })
        .collect();

    let notifications = out
        .warnings
        .iter()
        .map(|w| Notification {
            level: Level::Warning,
            message: Message { text: w.clone() },
        })
        .collect();

    let mut run_properties = Map::new();
    if let Ok(summary) = serde_json::to_value(&out.summary) {
        run_properties.insert("summary".into(), summary);
    }

    SarifLog {
        schema: SCHEMA_URI.to_string(),
        version: SARIF_VERSION.to_string(),
        runs: vec![Run {
            tool: Tool {
                driver: ToolComponent {
                    name: "trustgate".to_string(),
                    version: opts.tool_version.clone(),
                    information_uri: opts.information_uri.clone(),
                    rules: descriptors,
                },
            },
            invocations: vec![Invocation {
                execution_successful: true,
                tool_execution_notifications: notifications,
            }],
            results,
            properties: run_properties,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(artifact_uri("111111111111", None), "111111111111.json");
        assert_eq!(
            artifact_uri("111111111111", Some("snap/org")),
            "snap/org/111111111111.json"
        );
        assert_eq!(artifact_uri("1", Some("file:///s/")), "file:///s/1.json");
        assert_eq!(artifact_uri("", None), "organization.json");
        assert_eq!(artifact_uri("a b/../c", None), "a%20b%2F..%2Fc.json");
    }

    #[test]
    fn levels() {
        assert_eq!(level(Severity::Critical), Level::Error);
        assert_eq!(level(Severity::High), Level::Error);
        assert_eq!(level(Severity::Medium), Level::Warning);
        assert_eq!(level(Severity::Low), Level::Note);
        assert_eq!(level(Severity::Info), Level::Note);
    }
}
