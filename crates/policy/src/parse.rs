//! Parsing policy documents with errors that say where and what.
//!
//! Documents are deserialized straight into the AST with serde (no intermediate
//! `serde_json::Value`: typed parsing is several times faster and snapshots are large).
//! Validation happens inside the `Deserialize` impls so that serde_json attaches the
//! line and column to every error; the JSON path is added by re-parsing the failing input
//! once through `serde_path_to_error` (the fast path pays nothing for it).

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::ast::*;

/// Where and why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct JsonError {
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column (0 when unknown).
    pub column: usize,
    /// JSON path of the offending element, such as `Statement[1].Condition` (`.` for the root).
    pub path: String,
    /// What was wrong and what was expected.
    pub message: String,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {}, column {}", self.line, self.column)?;
        }
        if !self.path.is_empty() && self.path != "." {
            if self.line > 0 {
                f.write_str(", ")?;
            }
            write!(f, "at {}", self.path)?;
        }
        if self.line > 0 || (!self.path.is_empty() && self.path != ".") {
            f.write_str(": ")?;
        }
        f.write_str(&self.message)
    }
}

/// A policy that could not be parsed.
pub type ParseError = JsonError;

/// Parses a policy document given as JSON text, or as the URL-encoded JSON the raw IAM API
/// returns.
pub fn parse_policy(text: &str) -> Result<Policy, ParseError> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.is_empty() {
        from_slice_with_path(text.as_bytes())
    } else {
        let decoded = percent_decode(text).map_err(|message| JsonError {
            line: 0,
            column: 0,
            path: ".".into(),
            message,
        })?;
        from_slice_with_path(decoded.as_bytes()).map_err(|e| JsonError {
            message: format!(
                "in the URL-encoded policy document (decoded line {}, column {}): {}",
                e.line, e.column, e.message
            ),
            ..e
        })
    }
}

/// Deserializes JSON into `T`; on failure, reports line, column and JSON path.
///
/// The first attempt is plain serde_json (fast); only a failing input is parsed a second
/// time with path tracking.
pub fn from_slice_with_path<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, JsonError> {
    match serde_json::from_slice::<T>(bytes) {
        Ok(v) => Ok(v),
        Err(first) => {
            let mut de = serde_json::Deserializer::from_slice(bytes);
            let result: Result<T, _> = serde_path_to_error::deserialize(&mut de);
            match result.map(|v| (v, de.end())) {
                Err(e) => {
                    let path = e.path().to_string();
                    Err(json_error(e.into_inner(), path))
                }
                Ok((_, Err(e))) => Err(json_error(e, ".".into())),
                // Should not happen (same input, same deserializer); report the first error.
                Ok((_, Ok(()))) => Err(json_error(first, ".".into())),
            }
        }
    }
}

/// Converts a serde_json error, moving its position out of the message.
pub fn json_error(e: serde_json::Error, path: String) -> JsonError {
    let (line, column) = (e.line(), e.column());
    let mut message = e.to_string();
    let suffix = format!(" at line {line} column {column}");
    if let Some(stripped) = message.strip_suffix(&suffix) {
        message = stripped.to_string();
    }
    JsonError {
        line,
        column,
        path,
        message,
    }
}

fn percent_decode(text: &str) -> Result<String, String> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| "the policy document is neither JSON nor URL-encoded UTF-8 JSON".to_string())
}

// ----- Policy -----------------------------------------------------------------------------

impl<'de> Deserialize<'de> for Policy {
    /// Accepts a JSON object, or a string holding the URL-encoded (or plain) JSON document.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PolicyVisitor)
    }
}

struct PolicyVisitor;

impl<'de> Visitor<'de> for PolicyVisitor {
    type Value = Policy;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a policy document (a JSON object, or a URL-encoded JSON string)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Policy, E> {
        parse_policy(v).map_err(|e| E::custom(format!("embedded policy document: {e}")))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Policy, A::Error> {
        let mut version = None;
        let mut id = None;
        let mut statements = None;
        while let Some(key) = map.next_key::<FieldName>()? {
            match key.0.as_str() {
                "Version" => {
                    if version.is_some() {
                        return Err(de::Error::duplicate_field("Version"));
                    }
                    version = Some(map.next_value::<VersionDe>()?.0);
                }
                "Id" => {
                    if id.is_some() {
                        return Err(de::Error::duplicate_field("Id"));
                    }
                    id = Some(map.next_value::<String>()?);
                }
                "Statement" => {
                    if statements.is_some() {
                        return Err(de::Error::duplicate_field("Statement"));
                    }
                    statements = Some(map.next_value::<OneOrMany<Statement>>()?.0);
                }
                other => {
                    return Err(de::Error::custom(format_args!(
                        "unknown policy element `{other}`, expected `Version`, `Id` or `Statement`"
                    )))
                }
            }
        }
        let statements =
            statements.ok_or_else(|| de::Error::custom("the policy has no `Statement` element"))?;
        Ok(Policy::new(
            version.unwrap_or(Version::Unspecified),
            id,
            statements,
        ))
    }
}

/// A short string (element names, `Effect` and `Version` values): borrowed from the input
/// when it can be (no escapes, a slice input), so reading it allocates nothing.
struct FieldName<'de>(Short<'de>);

struct Short<'de>(std::borrow::Cow<'de, str>);

impl Short<'_> {
    fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Short<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Short<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Short<'de>, E> {
                Ok(Short(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Short<'de>, E> {
                Ok(Short(std::borrow::Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Short<'de>, E> {
                Ok(Short(std::borrow::Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for FieldName<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Short::deserialize(d).map(FieldName)
    }
}

struct VersionDe(Version);

impl<'de> Deserialize<'de> for VersionDe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Short::deserialize(d)?;
        match s.as_str() {
            "2012-10-17" => Ok(VersionDe(Version::V2012_10_17)),
            "2008-10-17" => Ok(VersionDe(Version::V2008_10_17)),
            other => Err(de::Error::custom(format_args!(
                "unsupported policy Version `{other}`, expected \"2012-10-17\" or \"2008-10-17\""
            ))),
        }
    }
}

/// A JSON value that may be a single element or an array of them.
struct OneOrMany<T>(Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value or an array of values")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(1));
                // IAM ignores null entries in lists (`"Resource": ["arn:…", null]` is accepted).
                while let Some(v) = seq.next_element::<Option<T>>()? {
                    if let Some(v) = v {
                        out.push(v);
                    }
                }
                Ok(OneOrMany(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|v| OneOrMany(vec![v]))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                T::deserialize(de::value::StrDeserializer::<E>::new(v)).map(|v| OneOrMany(vec![v]))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                T::deserialize(de::value::StringDeserializer::<E>::new(v))
                    .map(|v| OneOrMany(vec![v]))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                T::deserialize(de::value::BoolDeserializer::<E>::new(v)).map(|v| OneOrMany(vec![v]))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                T::deserialize(de::value::I64Deserializer::<E>::new(v)).map(|v| OneOrMany(vec![v]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                T::deserialize(de::value::U64Deserializer::<E>::new(v)).map(|v| OneOrMany(vec![v]))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                T::deserialize(de::value::F64Deserializer::<E>::new(v)).map(|v| OneOrMany(vec![v]))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

// ----- Statement --------------------------------------------------------------------------

impl<'de> Deserialize<'de> for Statement {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(StatementVisitor)
    }
}

struct StatementVisitor;

impl<'de> Visitor<'de> for StatementVisitor {
    type Value = Statement;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a statement object with Effect, Action or NotAction, and optionally Sid, Principal, Resource, Condition")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Statement, A::Error> {
        let mut sid = None;
        let mut effect = None;
        let mut principal: Option<PrincipalClause> = None;
        let mut action: Option<ActionClause> = None;
        let mut resource: Option<ResourceClause> = None;
        let mut conditions = None;
        while let Some(key) = map.next_key::<FieldName>()? {
            match key.0.as_str() {
                "Sid" => {
                    if sid.is_some() {
                        return Err(de::Error::duplicate_field("Sid"));
                    }
                    sid = Some(map.next_value::<String>()?);
                }
                "Effect" => {
                    if effect.is_some() {
                        return Err(de::Error::duplicate_field("Effect"));
                    }
                    effect = Some(map.next_value::<EffectDe>()?.0);
                }
                k @ ("Principal" | "NotPrincipal") => {
                    let negated = k == "NotPrincipal";
                    if let Some(prev) = &principal {
                        return Err(both_error(prev.negated, negated, "Principal", "NotPrincipal"));
                    }
                    let principals = map.next_value::<PrincipalsDe>()?.0;
                    principal = Some(PrincipalClause::new(negated, principals));
                }
                k @ ("Action" | "NotAction") => {
                    let negated = k == "NotAction";
                    if let Some(prev) = &action {
                        return Err(both_error(prev.negated, negated, "Action", "NotAction"));
                    }
                    let actions: Vec<ActionPattern> = map
                        .next_value::<OneOrMany<ActionDe>>()?
                        .0
                        .into_iter()
                        .map(|a| a.0)
                        .collect();
                    if actions.is_empty() {
                        return Err(de::Error::custom(format_args!(
                            "`{k}` is empty: a statement must name at least one action"
                        )));
                    }
                    action = Some(ActionClause::new(negated, actions));
                }
                k @ ("Resource" | "NotResource") => {
                    let negated = k == "NotResource";
                    if let Some(prev) = &resource {
                        return Err(both_error(prev.negated, negated, "Resource", "NotResource"));
                    }
                    let resources: Vec<String> = map
                        .next_value::<OneOrMany<ResourceDe>>()?
                        .0
                        .into_iter()
                        .map(|r| r.0)
                        .collect();
                    if resources.is_empty() {
                        return Err(de::Error::custom(format_args!(
                            "`{k}` is empty: name at least one resource or \"*\""
                        )));
                    }
                    resource = Some(ResourceClause::new(negated, resources));
                }
                "Condition" => {
                    if conditions.is_some() {
                        return Err(de::Error::duplicate_field("Condition"));
                    }
                    conditions = Some(map.next_value::<ConditionsDe>()?.0);
                }
                other => {
                    return Err(de::Error::custom(format_args!(
                        "unknown statement element `{other}`, expected one of Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition"
                    )))
                }
            }
        }
        let effect =
            effect.ok_or_else(|| de::Error::custom("the statement has no `Effect` element"))?;
        let action = action.ok_or_else(|| {
            de::Error::custom("the statement has neither `Action` nor `NotAction`: a statement must contain actions")
        })?;
        Ok(Statement {
            sid,
            effect,
            principal,
            action,
            resource,
            conditions: conditions.unwrap_or_default(),
        })
    }
}

fn both_error<E: de::Error>(prev_neg: bool, neg: bool, pos: &str, negname: &str) -> E {
    if prev_neg == neg {
        de::Error::duplicate_field(if neg {
            static_name(negname)
        } else {
            static_name(pos)
        })
    } else {
        E::custom(format_args!(
            "a statement may have `{pos}` or `{negname}`, not both"
        ))
    }
}

fn static_name(s: &str) -> &'static str {
    match s {
        "Principal" => "Principal",
        "NotPrincipal" => "NotPrincipal",
        "Action" => "Action",
        "NotAction" => "NotAction",
        "Resource" => "Resource",
        _ => "NotResource",
    }
}

struct EffectDe(Effect);

impl<'de> Deserialize<'de> for EffectDe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Short::deserialize(d)?;
        match s.as_str() {
            "Allow" => Ok(EffectDe(Effect::Allow)),
            "Deny" => Ok(EffectDe(Effect::Deny)),
            other => Err(de::Error::custom(format_args!(
                "invalid Effect `{other}`, expected \"Allow\" or \"Deny\" (case-sensitive)"
            ))),
        }
    }
}

struct ActionDe(ActionPattern);

impl<'de> Deserialize<'de> for ActionDe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        validate_action(&s).map_err(de::Error::custom)?;
        Ok(ActionDe(ActionPattern::from_string(s)))
    }
}

/// `*`, or `service:action` with exactly one colon and a service prefix of letters, digits
/// and `-` (wildcards allowed in the action part, and in the prefix as IAM permits).
pub fn validate_action(s: &str) -> Result<(), String> {
    if s == "*" {
        return Ok(());
    }
    let Some((vendor, name)) = s.split_once(':') else {
        return Err(format!(
            "invalid action `{s}`: actions must be `*` or prefixed by a service, e.g. `s3:GetObject`"
        ));
    };
    if name.contains(':') {
        return Err(format!(
            "invalid action `{s}`: an action contains exactly one colon"
        ));
    }
    // IAM accepts any vendor without whitespace (`s3.s` passes its validation).
    if vendor.is_empty() || vendor.chars().any(char::is_whitespace) {
        return Err(format!(
            "invalid action `{s}`: service prefix `{vendor}` is not valid"
        ));
    }
    if name.is_empty() {
        return Err(format!("invalid action `{s}`: the action name is empty"));
    }
    Ok(())
}

struct ResourceDe(String);

impl<'de> Deserialize<'de> for ResourceDe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        validate_resource(&s).map_err(de::Error::custom)?;
        Ok(ResourceDe(s))
    }
}

/// `*`, or something that starts as an ARN. IAM's own check on the segments (partition,
/// region, the IAM resource path…) is the lint's job: real policies stored by AWS sometimes
/// pass it with fewer segments (`arn:aws:fdsasf` is accepted by IAM), and a snapshot must load.
pub fn validate_resource(s: &str) -> Result<(), String> {
    if s == "*" || s.starts_with("arn:") {
        return Ok(());
    }
    Err(format!(
        "invalid resource `{s}`: a resource must be \"*\" or an ARN (arn:partition:service:region:account:resource)"
    ))
}

// ----- Principal --------------------------------------------------------------------------

struct PrincipalsDe(Vec<Principal>);

impl<'de> Deserialize<'de> for PrincipalsDe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PrincipalsDe;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"*\" or an object with AWS, Service, Federated or CanonicalUser")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PrincipalsDe, E> {
                if v == "*" {
                    Ok(PrincipalsDe(vec![Principal {
                        kind: PrincipalKind::Everyone,
                        value: "*".into(),
                    }]))
                } else {
                    Err(E::custom(format_args!(
                        "invalid principal `{v}`: a string principal must be \"*\"; name others as {{\"AWS\": \"{v}\"}}, {{\"Service\": …}} or {{\"Federated\": …}}"
                    )))
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PrincipalsDe, A::Error> {
                let mut out = Vec::new();
                let mut seen = Vec::new();
                while let Some(key) = map.next_key::<FieldName>()? {
                    let kind = match key.0.as_str() {
                        "AWS" => PrincipalKind::Aws,
                        "Service" => PrincipalKind::Service,
                        "Federated" => PrincipalKind::Federated,
                        "CanonicalUser" => PrincipalKind::CanonicalUser,
                        other => {
                            return Err(de::Error::custom(format_args!(
                                "unknown principal type `{other}`, expected AWS, Service, Federated or CanonicalUser"
                            )))
                        }
                    };
                    if seen.contains(&kind) {
                        return Err(de::Error::custom(format_args!(
                            "duplicate principal type `{}`",
                            kind.as_str()
                        )));
                    }
                    seen.push(kind);
                    let values = map.next_value::<OneOrMany<String>>()?.0;
                    if values.is_empty() {
                        return Err(de::Error::custom(format_args!(
                            "the `{}` principal list is empty",
                            kind.as_str()
                        )));
                    }
                    for value in values {
                        if value.is_empty() {
                            return Err(de::Error::custom("a principal is the empty string"));
                        }
                        out.push(Principal { kind, value });
                    }
                }
                if out.is_empty() {
                    return Err(de::Error::custom("the principal object is empty"));
                }
                Ok(PrincipalsDe(out))
            }
        }
        d.deserialize_any(V)
    }
}

// ----- Condition --------------------------------------------------------------------------

struct ConditionsDe(Vec<Condition>);

impl<'de> Deserialize<'de> for ConditionsDe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ConditionsDe;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a Condition object: {\"Operator\": {\"key\": value(s)}}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ConditionsDe, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<FieldName>()? {
                    let operator = Operator::parse(key.0.as_str());
                    let block = map.next_value::<ConditionBlockDe>()?;
                    // IAM tolerates an unknown operator with no keys (it constrains nothing).
                    let Some(operator) = operator else {
                        if block.0.is_empty() {
                            continue;
                        }
                        return Err(de::Error::custom(format_args!(
                            "unknown condition operator `{}` (expected e.g. StringEquals, ArnLike, IpAddress, Bool, Null, with optional IfExists suffix and ForAllValues:/ForAnyValue: prefix)",
                            key.0.as_str()
                        )));
                    };
                    for (k, values) in block.0 {
                        out.push(Condition::new(operator, k, values));
                    }
                }
                Ok(ConditionsDe(out))
            }
        }
        d.deserialize_map(V)
    }
}

struct ConditionBlockDe(Vec<(String, Vec<String>)>);

impl<'de> Deserialize<'de> for ConditionBlockDe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ConditionBlockDe;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of condition keys to a value or list of values")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ConditionBlockDe, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key.is_empty() {
                        return Err(de::Error::custom("a condition key is the empty string"));
                    }
                    let values = map.next_value::<OneOrMany<ScalarDe>>()?.0;
                    out.push((key, values.into_iter().map(|v| v.0).collect()));
                }
                Ok(ConditionBlockDe(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// A condition value: a string, number or boolean, kept as text as AWS does.
struct ScalarDe(String);

impl<'de> Deserialize<'de> for ScalarDe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ScalarDe;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, number or boolean condition value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ScalarDe, E> {
                Ok(ScalarDe(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<ScalarDe, E> {
                Ok(ScalarDe(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<ScalarDe, E> {
                Ok(ScalarDe(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ScalarDe, E> {
                Ok(ScalarDe(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ScalarDe, E> {
                Ok(ScalarDe(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ScalarDe, E> {
                Ok(ScalarDe(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> JsonError {
        parse_policy(text).unwrap_err()
    }

    #[test]
    fn parses_all_elements() {
        let p = parse_policy(
            r#"{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"a","Effect":"Allow",
            "Principal":{"AWS":["123456789012","arn:aws:iam::1:role/r"],"Service":"ec2.amazonaws.com"},
            "NotAction":"s3:Get*","Resource":"*",
            "Condition":{"StringEquals":{"sts:ExternalId":["x",1,true]},"Bool":{"aws:SecureTransport":false}}}]}"#,
        )
        .unwrap();
        assert_eq!(p.version, Version::V2012_10_17);
        let s = &p.statements[0];
        assert!(s.action.negated);
        assert_eq!(s.principal.as_ref().unwrap().principals.len(), 3);
        assert_eq!(s.conditions.len(), 2);
        assert_eq!(s.conditions[0].values, vec!["x", "1", "true"]);
        assert_eq!(s.conditions[1].key_lower, "aws:securetransport");
    }

    #[test]
    fn statement_may_be_an_object() {
        let p =
            parse_policy(r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#).unwrap();
        assert_eq!(p.statements.len(), 1);
        assert_eq!(p.version, Version::Unspecified);
    }

    #[test]
    fn url_encoded_documents() {
        let enc = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
        let p = parse_policy(enc).unwrap();
        assert_eq!(p.statements[0].action.actions[0].lower, "sts:assumerole");
        // As a string value inside JSON (the raw API form inside authorization details).
        let wrapped: Policy = serde_json::from_str(&format!("\"{enc}\"")).unwrap();
        assert_eq!(wrapped, p);
    }

    #[test]
    fn errors_name_place_and_expectation() {
        let e = err(
            "{\"Version\":\"2012-10-17\",\n\"Statement\":[{\"Effect\":\"Alow\",\"Action\":\"*\"}]}",
        );
        assert_eq!(e.line, 2);
        assert_eq!(e.path, "Statement[0].Effect");
        assert!(e.message.contains("expected \"Allow\" or \"Deny\""), "{e}");

        let e = err(r#"{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"s3:*"}]}"#);
        assert!(e.message.contains("not both"), "{e}");
        assert_eq!(e.path, "Statement[0]");

        let e = err(
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"StringEqualz":{"a":"b"}}}]}"#,
        );
        assert!(
            e.message
                .contains("unknown condition operator `StringEqualz`"),
            "{e}"
        );

        let e = err(r#"{"Statement":[{"Effect":"Allow","Resource":"*"}]}"#);
        assert!(e.message.contains("must contain actions"), "{e}");

        let e = err(r#"{"Statement":[{"Effect":"Allow","Action":"s3:List:Bucket"}]}"#);
        assert!(e.message.contains("exactly one colon"), "{e}");

        let e = err(r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"bucket"}]}"#);
        assert!(e.message.contains("must be \"*\" or an ARN"), "{e}");

        let e = err(r#"{"Statement":[{"Effect":"Allow","Action":"*","Principal":"bob"}]}"#);
        assert!(e.message.contains("must be \"*\""), "{e}");

        let e = err(r#"{"Statement":[], "Extra": 1}"#);
        assert!(e.message.contains("unknown policy element `Extra`"), "{e}");

        let e = err(r#"{"Statement":[{"Effect":"Allow","Action":"*"}]} trailing"#);
        assert!(e.line == 1 && e.column > 0, "{e:?}");

        let e = err("not json");
        assert!(e.message.contains("URL-encoded"), "{e}");
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "",
            "{",
            "[",
            "\"",
            "{\"Statement\":",
            "%7B",
            "%ZZ",
            "{\"Statement\":[1]}",
            "null",
        ] {
            let _ = parse_policy(text);
        }
    }
}
