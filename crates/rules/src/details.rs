//! The rule-specific facts of a finding.
//!
//! Each value is kept as its compact JSON text rather than as a `serde_json::Value` tree: a
//! scan of a thousand accounts reports hundreds of thousands of findings, many carrying a
//! whole path with conditions, and one string per fact takes a fraction of the memory (and
//! of the time to build) of a tree of maps. When a finding is written, each text is streamed
//! into the output's own serializer (serde-transcode), so pretty JSON stays pretty all the
//! way down and every format sees the same values a `Value` would have given.

use std::fmt;

use std::borrow::Cow;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// Facts by key, in key order (as a `serde_json::Map` orders them), each value as compact
/// JSON text written by serde_json.
#[derive(Clone, Default)]
pub struct Details(Vec<(Box<str>, Box<str>)>);

impl Details {
    /// Sets `key` to `value` (replacing an earlier value of the same key). A value that
    /// cannot be serialized (a map with non-string keys, say) is recorded as `null`.
    pub fn insert(&mut self, key: &str, value: impl Serialize) {
        // Objects come out with their keys sorted, as through a `Value` (which they always
        // went through). Text written directly is kept when it is already so — anything
        // without an object in it, and structs whose fields are declared in key order, such
        // as paths — and only other objects take the round trip through a tree.
        let text = match serde_json::to_string(&value) {
            Ok(direct) if !direct.as_bytes().contains(&b'{') || keys_in_order(&direct) => direct,
            _ => serde_json::to_value(&value)
                .and_then(|v| serde_json::to_string(&v))
                .unwrap_or_else(|_| "null".to_string()),
        };
        let raw = text.into_boxed_str();
        match self.0.binary_search_by(|(k, _)| (**k).cmp(key)) {
            Ok(i) => self.0[i].1 = raw,
            Err(i) => self.0.insert(i, (key.into(), raw)),
        }
    }

    /// The value of `key`, parsed.
    pub fn get(&self, key: &str) -> Option<Value> {
        let i = self.0.binary_search_by(|(k, _)| (**k).cmp(key)).ok()?;
        serde_json::from_str(&self.0[i].1).ok()
    }

    /// The JSON text of the value of `key`.
    pub fn raw(&self, key: &str) -> Option<&str> {
        let i = self.0.binary_search_by(|(k, _)| (**k).cmp(key)).ok()?;
        Some(&self.0[i].1)
    }

    /// Keys and JSON texts, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (&**k, &**v))
    }

    /// Every fact parsed, for consumers that rearrange them (SARIF property bags).
    pub fn to_map(&self) -> Map<String, Value> {
        self.0
            .iter()
            .map(|(k, v)| {
                let value = serde_json::from_str(v).unwrap_or(Value::Null);
                (k.to_string(), value)
            })
            .collect()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A path as a finding's fact: the same JSON a `Value` of the path holds (every object's keys
/// in order), written directly — two rules attach a path to tens of thousands of findings.
pub struct PathFact<'a>(pub &'a trustgate_access::Path);

impl Serialize for PathFact<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        let mut map = serializer.serialize_map(Some(7))?;
        map.serialize_entry("chainedAssumptions", &p.chained_assumptions)?;
        map.serialize_entry("endsAdmin", &p.ends_admin)?;
        map.serialize_entry("from", &p.from)?;
        map.serialize_entry("hops", &HopsFact(&p.hops))?;
        map.serialize_entry("sessionCapSeconds", &p.session_cap_seconds)?;
        map.serialize_entry("sessionCappedByChaining", &p.session_capped_by_chaining)?;
        map.serialize_entry("to", &p.to)?;
        map.end()
    }
}

struct HopsFact<'a>(&'a [trustgate_access::Hop]);

impl Serialize for HopsFact<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|h| {
            struct Hop<'a>(&'a trustgate_access::Hop);
            impl Serialize for Hop<'_> {
                fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    let h = self.0;
                    let mut map = serializer.serialize_map(Some(5))?;
                    map.serialize_entry("action", &h.action)?;
                    let conditions = h
                        .conditions
                        .iter()
                        .map(|clause| clause.iter().map(LiteralFact).collect::<Vec<_>>());
                    map.serialize_entry("conditions", &conditions.collect::<Vec<_>>())?;
                    map.serialize_entry("decision", &h.decision)?;
                    map.serialize_entry("from", &h.from)?;
                    map.serialize_entry("to", &h.to)?;
                    map.end()
                }
            }
            Hop(h)
        }))
    }
}

struct LiteralFact<'a>(&'a trustgate_policy::Literal);

impl Serialize for LiteralFact<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use trustgate_policy::Atom;
        struct AtomFact<'a>(&'a Atom);
        impl Serialize for AtomFact<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(None)?;
                match self.0 {
                    Atom::Condition {
                        operator,
                        key,
                        values,
                    } => {
                        map.serialize_entry("key", key)?;
                        map.serialize_entry("operator", operator)?;
                        map.serialize_entry("type", "condition")?;
                        map.serialize_entry("values", values)?;
                    }
                    Atom::Resource { pattern, resource } => {
                        map.serialize_entry("pattern", pattern)?;
                        map.serialize_entry("resource", resource)?;
                        map.serialize_entry("type", "resource")?;
                    }
                    Atom::Assumption { description } => {
                        map.serialize_entry("description", description)?;
                        map.serialize_entry("type", "assumption")?;
                    }
                }
                map.end()
            }
        }
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("atom", &AtomFact(&self.0.atom))?;
        map.serialize_entry("negated", &self.0.negated)?;
        map.end()
    }
}

/// Whether every object in a JSON text has its keys in strictly increasing order, so that a
/// round trip through a `Value` (whose maps sort their keys, the last of equal keys winning)
/// would give back the same text. Read without building anything.
fn keys_in_order(text: &str) -> bool {
    /// Checks one value, failing on the first object out of order.
    struct Ordered;
    /// An object key, borrowed from the text unless it has escapes.
    struct Key<'de>(Cow<'de, str>);

    impl<'de> Deserialize<'de> for Key<'de> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct KeyVisitor;
            impl<'de> Visitor<'de> for KeyVisitor {
                type Value = Key<'de>;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a key")
                }
                fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                    Ok(Key(Cow::Borrowed(v)))
                }
                fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                    Ok(Key(Cow::Owned(v.to_string())))
                }
            }
            d.deserialize_str(KeyVisitor)
        }
    }

    impl<'de> Deserialize<'de> for Ordered {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct OrderedVisitor;
            impl<'de> Visitor<'de> for OrderedVisitor {
                type Value = Ordered;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("JSON")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                    let mut previous: Option<Key<'de>> = None;
                    while let Some(key) = map.next_key::<Key<'de>>()? {
                        if previous.as_ref().is_some_and(|p| p.0 >= key.0) {
                            return Err(serde::de::Error::custom("keys out of order"));
                        }
                        map.next_value::<Ordered>()?;
                        previous = Some(key);
                    }
                    Ok(Ordered)
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ordered, A::Error> {
                    while seq.next_element::<Ordered>()?.is_some() {}
                    Ok(Ordered)
                }
                fn visit_bool<E>(self, _: bool) -> Result<Ordered, E> {
                    Ok(Ordered)
                }
                fn visit_i64<E>(self, _: i64) -> Result<Ordered, E> {
                    Ok(Ordered)
                }
                fn visit_u64<E>(self, _: u64) -> Result<Ordered, E> {
                    Ok(Ordered)
                }
                fn visit_f64<E>(self, _: f64) -> Result<Ordered, E> {
                    Ok(Ordered)
                }
                fn visit_str<E>(self, _: &str) -> Result<Ordered, E> {
                    Ok(Ordered)
                }
                fn visit_unit<E>(self) -> Result<Ordered, E> {
                    Ok(Ordered)
                }
            }
            d.deserialize_any(OrderedVisitor)
        }
    }

    serde_json::from_str::<Ordered>(text).is_ok()
}

impl PartialEq for Details {
    fn eq(&self, other: &Details) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(&other.0)
                .all(|((ka, va), (kb, vb))| ka == kb && va == vb)
    }
}

impl fmt::Debug for Details {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| (k, &**v)))
            .finish()
    }
}

/// One value's text streamed into whatever serializer writes the finding.
struct Transcoded<'a>(&'a str);

impl Serialize for Transcoded<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut de = serde_json::Deserializer::from_str(self.0);
        serde_transcode::transcode(&mut de, serializer)
    }
}

impl Serialize for Details {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(&**k, &Transcoded(v))?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Details {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Details, D::Error> {
        struct DetailsVisitor;
        impl<'de> Visitor<'de> for DetailsVisitor {
            type Value = Details;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of details")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Details, A::Error> {
                let mut details = Details::default();
                while let Some((key, value)) = access.next_entry::<String, Value>()? {
                    details.insert(&key, value);
                }
                Ok(details)
            }
        }
        deserializer.deserialize_map(DetailsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Serialize)]
    struct OutOfOrder {
        to: &'static str,
        from: &'static str,
    }

    #[derive(Serialize)]
    struct InOrder {
        alpha: Vec<OutOfOrder>,
        beta: Option<u8>,
        gamma: std::collections::BTreeMap<&'static str, i32>,
    }

    /// A path fact is the path as a `Value` holds it, with conditions of every kind.
    #[test]
    fn path_facts_are_the_path_through_a_value() {
        use std::sync::Arc;
        use trustgate_policy::{Atom, Literal};
        let literal = |negated, atom| Literal {
            negated,
            atom: Arc::new(atom),
        };
        let hop = |from: &str, to: &str, conditions| trustgate_access::Hop {
            from: from.into(),
            to: to.into(),
            action: "sts:AssumeRole".into(),
            decision: "Conditional",
            conditions,
        };
        let path = trustgate_access::Path {
            from: "arn:aws:iam::111111111111:root".into(),
            to: "arn:aws:iam::222222222222:role/admin".into(),
            hops: vec![
                hop(
                    "arn:aws:iam::111111111111:root",
                    "arn:aws:iam::222222222222:role/mid",
                    vec![
                        vec![literal(
                            false,
                            Atom::Condition {
                                operator: "StringEquals".into(),
                                key: "sts:ExternalId".into(),
                                values: vec!["x".into(), "y\"z".into()],
                            },
                        )],
                        vec![
                            literal(
                                true,
                                Atom::Resource {
                                    pattern: "arn:aws:s3:::b/${aws:username}".into(),
                                    resource: "arn:aws:s3:::b/k".into(),
                                },
                            ),
                            literal(
                                false,
                                Atom::Assumption {
                                    description: "identity policies of 111111111111".into(),
                                },
                            ),
                        ],
                    ],
                ),
                hop(
                    "arn:aws:iam::222222222222:role/mid",
                    "arn:aws:iam::222222222222:role/admin",
                    Vec::new(),
                ),
            ],
            session_cap_seconds: 3600,
            session_capped_by_chaining: true,
            chained_assumptions: 1,
            ends_admin: true,
            edge_ids: Vec::new(),
        };
        let mut details = Details::default();
        details.insert("path", PathFact(&path));
        let through_value = serde_json::to_string(&serde_json::to_value(&path).unwrap()).unwrap();
        assert_eq!(details.raw("path"), Some(through_value.as_str()));
    }

    #[test]
    fn keys_in_order_reads_every_level() {
        assert!(keys_in_order(
            r#"{"a":1,"b":{"x":[{"m":1,"n":2}],"y":null}}"#
        ));
        assert!(keys_in_order(r#"[{"a":"{"},"b",{}]"#));
        assert!(!keys_in_order(r#"{"b":1,"a":2}"#));
        assert!(
            !keys_in_order(r#"{"a":1,"a":2}"#),
            "a repeated key is not kept as is"
        );
        assert!(!keys_in_order(r#"[{"a":[{"z":1,"y":2}]}]"#));
        // Escaped keys are compared as the text they stand for.
        assert!(keys_in_order(r#"{"A":1,"B":2}"#));
        assert!(!keys_in_order(r#"{"b":1,"a":2}"#));
    }

    /// Objects written directly (fields in key order) or through a `Value` give the same text.
    #[test]
    fn direct_objects_match_the_value_round_trip() {
        let nested = InOrder {
            alpha: vec![OutOfOrder { to: "b", from: "a" }],
            beta: None,
            gamma: [("k\"ey", 1), ("a", 2)].into_iter().collect(),
        };
        let sorted = InOrder {
            alpha: Vec::new(),
            beta: Some(1),
            gamma: [("x", 1)].into_iter().collect(),
        };
        for value in [&nested, &sorted] {
            let mut details = Details::default();
            details.insert("v", value);
            let through_value =
                serde_json::to_string(&serde_json::to_value(value).unwrap()).unwrap();
            assert_eq!(details.raw("v"), Some(through_value.as_str()));
        }
    }

    #[test]
    fn same_json_as_a_value_map_in_every_layout() {
        let facts = [
            ("zeta", json!("last")),
            (
                "alpha",
                json!({"b": [1, 2.5, -3], "a": {"nested": [true, null, "é\n\"x\""]}}),
            ),
            ("empty", json!({})),
            ("none", json!([])),
            ("alpha", json!("replaced")),
            ("braces", json!("a { in a string")),
            ("list", json!(["x", 1, null, -2.5e-7, true])),
        ];
        let mut details = Details::default();
        let mut map = Map::new();
        for (k, v) in facts {
            details.insert(k, &v);
            map.insert(k.to_string(), v);
        }
        // Struct fields come out in key order, as through a `Value`.
        let path = OutOfOrder { to: "b", from: "a" };
        details.insert("path", &path);
        map.insert("path".into(), serde_json::to_value(&path).unwrap());
        assert_eq!(
            serde_json::to_string_pretty(&details).unwrap(),
            serde_json::to_string_pretty(&map).unwrap()
        );
        assert_eq!(
            serde_json::to_string(&details).unwrap(),
            serde_json::to_string(&map).unwrap()
        );
        assert_eq!(details.to_map(), map);
        assert_eq!(details.get("alpha"), Some(json!("replaced")));
        assert_eq!(details.get("missing"), None);
        let back: Details = serde_json::from_str(&serde_json::to_string(&map).unwrap()).unwrap();
        assert_eq!(back, details);
        assert_eq!(details.len(), 7);
        // Values that do not come from a `Value` serialize as a `Value` would hold them.
        let mut direct = Details::default();
        direct.insert("nan", f64::NAN);
        direct.insert("unit", ());
        direct.insert("some", Some(3u8));
        direct.insert("char", 'c');
        direct.insert("bad", std::collections::HashMap::from([((1, 2), 3)]));
        let expected = json!({"nan": null, "unit": null, "some": 3, "char": "c", "bad": null});
        assert_eq!(serde_json::to_value(&direct).unwrap(), expected);
    }
}
