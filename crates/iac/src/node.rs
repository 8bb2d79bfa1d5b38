//! A YAML/JSON document as a tree that keeps every node's line and column and CloudFormation's
//! short-form tags (`!Sub`, `!Ref`, `!GetAtt`…).
//!
//! CloudFormation YAML, CloudFormation JSON and Terraform plan JSON are all read through
//! saphyr (JSON is YAML 1.2 flow syntax), so one loader gives positions for all three: a
//! finding points at the line of the resource that caused it. JSON files are first checked
//! with serde_json, whose errors name the line and column of invalid JSON exactly.

use std::borrow::Cow;

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

/// A node and where it starts (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// A number, as written in the source (account IDs with leading zeros stay intact).
    Number(String),
    String(String),
    Seq(Vec<Node>),
    /// Keys in document order.
    Map(Vec<(String, Node)>),
    /// A YAML tag (`!Sub`, `!Ref`…) and the node it applies to.
    Tagged(String, Box<Node>),
}

/// A parse error with its place.
#[derive(Debug, Clone)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Node {
    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) | Value::Number(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(String, Node)]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The node as plain JSON (tags dropped: callers resolve them first).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => serde_json::from_str::<serde_json::Number>(n)
                .map(J::Number)
                .unwrap_or_else(|_| J::String(n.clone())),
            Value::String(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
            Value::Tagged(_, inner) => inner.to_json(),
        }
    }
}

/// Parses every document of a YAML (or JSON) text.
pub fn parse_documents(text: &str) -> Result<Vec<Node>, ParseError> {
    let docs = MarkedYaml::load_from_str(text).map_err(|e| ParseError {
        line: e.marker().line(),
        column: e.marker().col() + 1,
        message: e.info().to_string(),
    })?;
    let source = Source::new(text);
    docs.iter().map(|d| convert(d, &source)).collect()
}

/// Checks that a `.json` file is valid JSON, with serde_json's exact line and column.
pub fn check_json(text: &str) -> Result<(), ParseError> {
    serde_json::from_str::<serde::de::IgnoredAny>(text)
        .map(|_| ())
        .map_err(|e| ParseError {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
}

/// The source text, to recover numbers exactly as written (saphyr's markers count chars).
struct Source<'a> {
    text: &'a str,
    ascii: bool,
}

impl<'a> Source<'a> {
    fn new(text: &'a str) -> Self {
        Source {
            text,
            ascii: text.is_ascii(),
        }
    }

    fn slice(&self, start: usize, end: usize) -> Option<Cow<'a, str>> {
        if end <= start {
            return None;
        }
        if self.ascii {
            return self.text.get(start..end).map(Cow::Borrowed);
        }
        Some(Cow::Owned(
            self.text.chars().skip(start).take(end - start).collect(),
        ))
    }
}

fn convert(y: &MarkedYaml<'_>, src: &Source<'_>) -> Result<Node, ParseError> {
    let line = y.span.start.line();
    let column = y.span.start.col() + 1;
    let err = |message: String| ParseError {
        line,
        column,
        message,
    };
    let value = match &y.data {
        YamlData::Value(s) => match s {
            Scalar::Null => Value::Null,
            Scalar::Boolean(b) => Value::Bool(*b),
            Scalar::Integer(i) => Value::Number(
                src.slice(y.span.start.index(), y.span.end.index())
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
                    .unwrap_or_else(|| i.to_string()),
            ),
            Scalar::FloatingPoint(f) => Value::Number(
                src.slice(y.span.start.index(), y.span.end.index())
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| f.to_string()),
            ),
            Scalar::String(s) => Value::String(s.to_string()),
        },
        YamlData::Representation(s, _, _) => Value::String(s.to_string()),
        YamlData::Sequence(items) => Value::Seq(
            items
                .iter()
                .map(|i| convert(i, src))
                .collect::<Result<_, _>>()?,
        ),
        YamlData::Mapping(m) => {
            let mut out = Vec::with_capacity(m.len());
            for (k, v) in m {
                let key = match &k.data {
                    YamlData::Value(Scalar::String(s)) => s.to_string(),
                    YamlData::Value(other) => convert(k, src)?
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("{other:?}")),
                    _ => return Err(err("a mapping key must be a plain value".into())),
                };
                out.push((key, convert(v, src)?));
            }
            Value::Map(out)
        }
        YamlData::Tagged(tag, inner) => Value::Tagged(
            format!("{}{}", tag.handle, tag.suffix),
            Box::new(convert(inner, src)?),
        ),
        YamlData::Alias(_) => {
            return Err(err(
                "YAML aliases are not supported in templates (CloudFormation rejects them too)"
                    .into(),
            ))
        }
        YamlData::BadValue => return Err(err("invalid value".into())),
    };
    Ok(Node {
        value,
        line,
        column,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_tags_positions_and_numbers() {
        let docs = parse_documents(
            "Resources:\n  R:\n    Type: AWS::IAM::Role\n    A: !Sub 'arn:${AWS::Partition}'\n    Id: 012345678901\n",
        )
        .unwrap();
        let r = docs[0].get("Resources").unwrap().get("R").unwrap();
        assert_eq!(r.line, 3);
        let a = r.get("A").unwrap();
        assert!(matches!(&a.value, Value::Tagged(t, _) if t == "!Sub"));
        assert_eq!(r.get("Id").unwrap().as_str(), Some("012345678901"));
        let json = parse_documents("{\"a\": [1, {\"b\": \"c\"}]}").unwrap();
        assert_eq!(json[0].to_json(), serde_json::json!({"a": [1, {"b": "c"}]}));
    }

    #[test]
    fn errors_have_places() {
        let e = parse_documents("a: [1, 2\nb: c\n").unwrap_err();
        assert!(e.line >= 1);
        let e = check_json("{\n  \"a\": 1,\n}").unwrap_err();
        assert_eq!(e.line, 3);
    }
}
