//! Policies back to JSON, in the canonical form AWS documents (for reports that show a policy).
//!
//! The parsed form is what trustgate evaluates, so showing *it* (rather than the bytes of the
//! snapshot) shows exactly what was understood: bare account IDs as written, lists always as
//! arrays, every condition under its operator. Values of sensitive condition keys
//! (`sts:ExternalId`) can be redacted on the way out.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::ast::{Policy, PrincipalClause, PrincipalKind, Statement};

/// A policy ready to serialize; see [`PolicyJson::redacting`].
pub struct PolicyJson<'a> {
    policy: &'a Policy,
    /// Condition keys (lower case) whose values are replaced by `"(redacted)"`.
    redact: &'a [&'a str],
}

impl<'a> PolicyJson<'a> {
    pub fn new(policy: &'a Policy) -> Self {
        PolicyJson {
            policy,
            redact: &[],
        }
    }
    /// Replaces the values of these condition keys (compared case-insensitively).
    pub fn redacting(policy: &'a Policy, keys: &'a [&'a str]) -> Self {
        PolicyJson {
            policy,
            redact: keys,
        }
    }
    /// Pretty-printed JSON text.
    pub fn to_pretty_string(&self) -> String {
        serde_json::to_string_pretty(self).expect("policy JSON is always serializable")
    }
}

impl Serialize for PolicyJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(v) = self.policy.version.as_str() {
            m.serialize_entry("Version", v)?;
        }
        if let Some(id) = &self.policy.id {
            m.serialize_entry("Id", id)?;
        }
        let statements: Vec<StatementJson<'_>> = self
            .policy
            .statements
            .iter()
            .map(|st| StatementJson {
                st,
                redact: self.redact,
            })
            .collect();
        m.serialize_entry("Statement", &statements)?;
        m.end()
    }
}

struct StatementJson<'a> {
    st: &'a Statement,
    redact: &'a [&'a str],
}

impl Serialize for StatementJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let st = self.st;
        let mut m = s.serialize_map(None)?;
        if let Some(sid) = &st.sid {
            m.serialize_entry("Sid", sid)?;
        }
        m.serialize_entry("Effect", &st.effect.to_string())?;
        if let Some(p) = &st.principal {
            let key = if p.negated {
                "NotPrincipal"
            } else {
                "Principal"
            };
            m.serialize_entry(key, &PrincipalJson(p))?;
        }
        let actions: Vec<&str> = st.action.actions.iter().map(|a| a.raw.as_str()).collect();
        m.serialize_entry(
            if st.action.negated {
                "NotAction"
            } else {
                "Action"
            },
            &actions,
        )?;
        if let Some(r) = &st.resource {
            m.serialize_entry(
                if r.negated { "NotResource" } else { "Resource" },
                &r.resources,
            )?;
        }
        if !st.conditions.is_empty() {
            m.serialize_entry(
                "Condition",
                &ConditionJson {
                    st,
                    redact: self.redact,
                },
            )?;
        }
        m.end()
    }
}

struct PrincipalJson<'a>(&'a PrincipalClause);

impl Serialize for PrincipalJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self
            .0
            .principals
            .iter()
            .any(|p| p.kind == PrincipalKind::Everyone)
        {
            return s.serialize_str("*");
        }
        let mut kinds: Vec<PrincipalKind> = self.0.principals.iter().map(|p| p.kind).collect();
        kinds.sort();
        kinds.dedup();
        let mut m = s.serialize_map(Some(kinds.len()))?;
        for k in kinds {
            let values: Vec<&str> = self
                .0
                .principals
                .iter()
                .filter(|p| p.kind == k)
                .map(|p| p.value.as_str())
                .collect();
            m.serialize_entry(k.as_str(), &values)?;
        }
        m.end()
    }
}

struct ConditionJson<'a> {
    st: &'a Statement,
    redact: &'a [&'a str],
}

impl Serialize for ConditionJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Operators in order of first appearance, each with its keys.
        let mut operators: Vec<String> = Vec::new();
        for c in &self.st.conditions {
            let op = c.operator.to_string();
            if !operators.contains(&op) {
                operators.push(op);
            }
        }
        let mut m = s.serialize_map(Some(operators.len()))?;
        for op in &operators {
            m.serialize_entry(
                op,
                &KeysJson {
                    st: self.st,
                    operator: op,
                    redact: self.redact,
                },
            )?;
        }
        m.end()
    }
}

struct KeysJson<'a> {
    st: &'a Statement,
    operator: &'a str,
    redact: &'a [&'a str],
}

impl Serialize for KeysJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for c in self
            .st
            .conditions
            .iter()
            .filter(|c| c.operator.to_string() == self.operator)
        {
            let redacted = self.redact.iter().any(|k| k.eq_ignore_ascii_case(&c.key));
            m.serialize_entry(
                &c.key,
                &ValuesJson {
                    values: &c.values,
                    redacted,
                },
            )?;
        }
        m.end()
    }
}

struct ValuesJson<'a> {
    values: &'a [String],
    redacted: bool,
}

impl Serialize for ValuesJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.values.len()))?;
        for v in self.values {
            if self.redacted {
                seq.serialize_element("(redacted)")?;
            } else {
                seq.serialize_element(v)?;
            }
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_policy;

    #[test]
    fn round_trips_through_the_parser() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Vendor","Effect":"Allow",
            "Principal":{"AWS":["arn:aws:iam::111122223333:root","444455556666"],"Service":"ec2.amazonaws.com"},
            "Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"secret","aws:PrincipalTag/team":["a","b"]},
            "Bool":{"aws:MultiFactorAuthPresent":"true"}}},
            {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/x"},"NotAction":"s3:*","NotResource":"*"}]}"#;
        let p = parse_policy(text).unwrap();
        let out = PolicyJson::new(&p).to_pretty_string();
        assert_eq!(parse_policy(&out).unwrap(), p);
    }

    #[test]
    fn redacts_external_ids_only() {
        let p = parse_policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
            "Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"secret","aws:PrincipalOrgID":"o-1"}}}]}"#,
        )
        .unwrap();
        let out = PolicyJson::redacting(&p, &["sts:externalid"]).to_pretty_string();
        assert!(!out.contains("secret"), "{out}");
        assert!(out.contains("(redacted)") && out.contains("o-1"), "{out}");
        assert!(out.contains(r#""Principal": "*""#), "{out}");
    }
}
