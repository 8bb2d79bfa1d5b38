//! The `trustgate eval` input: one request with all its policies inline, and the answer.
//!
//! ```json
//! { "request": { "principal": "arn:aws:iam::111111111111:role/ci-deploy",
//!                "action": "sts:AssumeRole",
//!                "resource": "arn:aws:iam::222222222222:role/prod-deploy",
//!                "resourceAccount": "222222222222",
//!                "context": { "sts:ExternalId": "abc", "aws:TagKeys": ["a", "b"] } },
//!   "identityPolicies": [POLICY], "resourcePolicy": POLICY, "permissionBoundary": POLICY,
//!   "sessionPolicy": POLICY, "scps": [[POLICY]], "rcps": [[POLICY]] }
//! ```
//! Absent context keys are absent (concrete evaluation), unless `"unknownKeys": true`, which
//! makes every key not given unknown (partial evaluation).

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;

use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::ast::Policy;
use crate::authorize::{authorize, Decision, Labeled, PolicySet, Reason};
use crate::context::{Context, ContextValue, Request};
use crate::parse::{json_error, JsonError};
use crate::residual::Literal;

/// One evaluation case as read from an `eval` file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EvalCase {
    pub request: RequestSpec,
    #[serde(default)]
    pub identity_policies: Vec<Policy>,
    pub resource_policy: Option<Policy>,
    pub permission_boundary: Option<Policy>,
    pub session_policy: Option<Policy>,
    pub scps: Option<Vec<Vec<Policy>>>,
    pub rcps: Option<Vec<Vec<Policy>>>,
    /// Treat context keys that are not given as unknown (partial evaluation).
    #[serde(default)]
    pub unknown_keys: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequestSpec {
    pub principal: String,
    pub action: String,
    pub resource: String,
    pub resource_account: Option<String>,
    #[serde(default)]
    pub context: BTreeMap<String, ContextValueSpec>,
}

/// A context value in the input: a string, number, boolean, or an array of them.
#[derive(Debug, Clone)]
pub struct ContextValueSpec(pub ContextValue);

impl<'de> Deserialize<'de> for ContextValueSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ContextValueSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, number, boolean, or an array of them")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(ContextValueSpec(ContextValue::Single(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(ContextValueSpec(ContextValue::Single(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(ContextValueSpec(ContextValue::Single(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(ContextValueSpec(ContextValue::Single(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(ContextValueSpec(ContextValue::Single(v.to_string())))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(ContextValueSpec(v)) = seq.next_element::<ContextValueSpec>()? {
                    match v {
                        ContextValue::Single(s) => out.push(s),
                        ContextValue::Multi(_) => {
                            return Err(de::Error::custom("context values cannot be nested arrays"))
                        }
                    }
                }
                Ok(ContextValueSpec(ContextValue::Multi(out)))
            }
        }
        d.deserialize_any(V)
    }
}

/// The answer for one case (the JSON `eval` prints).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EvalAnswer {
    pub decision: &'static str,
    pub summary: String,
    /// For `Conditional`: alternatives, each a list of conditions that must all hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Vec<Literal>>>,
    /// For `Conditional`: the residual condition as one expression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub residual: Option<String>,
    pub reasons: Vec<Reason>,
}

impl EvalAnswer {
    pub fn from_decision(d: Decision) -> Self {
        let conditional = d.kind == crate::authorize::DecisionKind::Conditional;
        EvalAnswer {
            decision: d.kind.as_str(),
            conditions: if conditional { d.conditions() } else { None },
            residual: conditional.then(|| d.allowed_when.to_string()),
            summary: d.summary,
            reasons: d.reasons,
        }
    }
}

impl EvalCase {
    /// Builds the request and evaluates the case.
    pub fn evaluate(&self, explain: bool) -> Result<Decision, String> {
        let mut ctx = if self.unknown_keys {
            Context::partial()
        } else {
            Context::new()
        };
        for (k, v) in &self.request.context {
            ctx.insert(k, v.0.clone());
        }
        let mut req = Request::new(
            &self.request.principal,
            &self.request.action,
            &self.request.resource,
            self.request.resource_account.as_deref(),
            ctx,
        )
        .map_err(|e| format!("request: {e}"))?;
        req.has_permission_boundary = self.permission_boundary.is_some();

        let id_labels: Vec<String> = (0..self.identity_policies.len())
            .map(|i| format!("identityPolicies[{i}]"))
            .collect();
        let level_labels = |name: &str, levels: &Option<Vec<Vec<Policy>>>| -> Vec<Vec<String>> {
            levels
                .iter()
                .flatten()
                .enumerate()
                .map(|(i, lvl)| {
                    (0..lvl.len())
                        .map(|j| format!("{name}[{i}][{j}]"))
                        .collect()
                })
                .collect()
        };
        let scp_labels = level_labels("scps", &self.scps);
        let rcp_labels = level_labels("rcps", &self.rcps);
        fn levels<'a>(
            policies: &'a Option<Vec<Vec<Policy>>>,
            labels: &'a [Vec<String>],
        ) -> Option<Vec<Vec<Labeled<'a>>>> {
            policies.as_ref().map(|lv| {
                lv.iter()
                    .zip(labels)
                    .map(|(ps, ls)| {
                        ps.iter()
                            .zip(ls)
                            .map(|(p, l)| Labeled::new(l.as_str(), p))
                            .collect::<Vec<_>>()
                    })
                    .collect::<Vec<_>>()
            })
        }
        let set = PolicySet {
            identity: self
                .identity_policies
                .iter()
                .zip(&id_labels)
                .map(|(p, l)| Labeled::new(l.as_str(), p))
                .collect(),
            resource: self
                .resource_policy
                .as_ref()
                .map(|p| Labeled::new("resourcePolicy", p)),
            permission_boundary: self
                .permission_boundary
                .as_ref()
                .map(|p| Labeled::new("permissionBoundary", p)),
            session_policy: self
                .session_policy
                .as_ref()
                .map(|p| Labeled::new("sessionPolicy", p)),
            scps: levels(&self.scps, &scp_labels),
            rcps: levels(&self.rcps, &rcp_labels),
            identity_unknown: false,
        };
        Ok(authorize(&req, &set, explain))
    }
}

/// Reads an `eval` input (one case object, or an array of cases) and calls `each` for every
/// case as soon as it is parsed, so arrays of any length stream. `each` gets the index (None
/// for a single object) and the case. Stops at the first malformed case with its position.
///
/// Inputs up to [`SLURP_LIMIT`] are read into memory first and parsed from the slice
/// (serde_json's slice reader is several times faster than its byte-at-a-time `io::Read`
/// one); larger inputs are parsed from the reader, so memory stays bounded. Cases are handed
/// over one at a time either way, and errors carry the same line and column.
pub fn for_each_case<R: Read>(
    reader: R,
    each: impl FnMut(Option<usize>, EvalCase) -> Result<(), String>,
) -> Result<(), JsonError> {
    let mut head = Vec::new();
    let mut limited = reader.take(SLURP_LIMIT as u64 + 1);
    if let Err(e) = limited.read_to_end(&mut head) {
        return Err(JsonError {
            line: 0,
            column: 0,
            path: ".".into(),
            message: format!("reading the input: {e}"),
        });
    }
    if head.len() <= SLURP_LIMIT {
        let mut de = serde_json::Deserializer::from_slice(&head);
        run_cases(&mut de, each)
    } else {
        let rest = limited.into_inner();
        let mut de = serde_json::Deserializer::from_reader(std::io::Cursor::new(head).chain(rest));
        run_cases(&mut de, each)
    }
}

/// Inputs up to this size are parsed from memory (see [`for_each_case`]).
pub const SLURP_LIMIT: usize = 64 << 20;

fn run_cases<'de, R: serde_json::de::Read<'de>>(
    de: &mut serde_json::Deserializer<R>,
    mut each: impl FnMut(Option<usize>, EvalCase) -> Result<(), String>,
) -> Result<(), JsonError> {
    let mut failure: Option<String> = None;
    let seed = CasesSeed {
        each: &mut each,
        failure: &mut failure,
    };
    let result = seed.deserialize(&mut *de).and_then(|()| de.end());
    if let Some(msg) = failure {
        return Err(JsonError {
            line: 0,
            column: 0,
            path: ".".into(),
            message: msg,
        });
    }
    result.map_err(|e| json_error(e, String::new()))
}

struct CasesSeed<'f, F> {
    each: &'f mut F,
    failure: &'f mut Option<String>,
}

impl<'de, F> DeserializeSeed<'de> for CasesSeed<'_, F>
where
    F: FnMut(Option<usize>, EvalCase) -> Result<(), String>,
{
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, F> Visitor<'de> for CasesSeed<'_, F>
where
    F: FnMut(Option<usize>, EvalCase) -> Result<(), String>,
{
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an evaluation case object or an array of them")
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let case = EvalCase::deserialize(de::value::MapAccessDeserializer::new(map))?;
        if let Err(e) = (self.each)(None, case) {
            *self.failure = Some(e.clone());
            return Err(de::Error::custom(e));
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        loop {
            let next = seq
                .next_element::<EvalCase>()
                .map_err(|e| de::Error::custom(format_args!("case [{i}]: {e}")))?;
            let Some(case) = next else { break };
            if let Err(e) = (self.each)(Some(i), case) {
                *self.failure = Some(format!("case [{i}]: {e}"));
                return Err(de::Error::custom("stopped"));
            }
            i += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_arrays_and_single_objects() {
        let one = r#"{"request":{"principal":"arn:aws:iam::1:user/a","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"},
                      "identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}]}"#;
        let mut seen = Vec::new();
        for_each_case(one.as_bytes(), |i, c| {
            seen.push((i, c.evaluate(false).unwrap().kind));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, vec![(None, crate::DecisionKind::Allow)]);

        let many = format!("[{one},{one}]");
        let mut n = 0;
        for_each_case(many.as_bytes(), |i, _| {
            assert_eq!(i, Some(n));
            n += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(n, 2);
    }

    #[test]
    fn bad_cases_report_where() {
        let bad = r#"[{"request":{"principal":"arn:aws:iam::1:user/a","action":"s3:GetObject","resource":"*"}},
                     {"request":{"principal":"x"},"identityPolicies":[]}]"#;
        let mut n = 0;
        let err = for_each_case(bad.as_bytes(), |_, _| {
            n += 1;
            Ok(())
        })
        .unwrap_err();
        assert_eq!(n, 1);
        assert!(err.message.contains("case [1]"), "{err}");
        assert_eq!(err.line, 2, "{err:?}");
    }
}
