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
            scps: levels(&self.scps, &scp_labels).map(Into::into),
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
/// An array is read in chunks; each element is found by a light scan (strings, nesting) and
/// parsed from memory with serde_json's slice reader, which is several times faster than its
/// byte-at-a-time `io::Read` one. Memory stays bounded by the largest case, and errors carry
/// the line and column in the whole input. A single object is read whole.
pub fn for_each_case<R: Read>(
    reader: R,
    mut each: impl FnMut(Option<usize>, EvalCase) -> Result<(), String>,
) -> Result<(), JsonError> {
    let mut s = split::Stream::new(reader);
    match s.first_non_ws() {
        Err(e) => Err(s.io_error(e)),
        Ok(Some(b'[')) => s.array(&mut each),
        Ok(_) => {
            // One case (or something that is not an array): the whole input, as before.
            let all = s.rest().map_err(|e| s.io_error(e))?;
            let mut de = serde_json::Deserializer::from_slice(&all);
            run_cases(&mut de, each)
        }
    }
}

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

/// Reading an array of cases element by element (see [`for_each_case`]).
mod split {
    use std::io::{self, Read};

    use serde_json::error::Category;

    use super::EvalCase;
    use crate::parse::{json_error, JsonError};

    /// Bytes read at a time.
    const CHUNK: usize = 256 << 10;

    pub struct Stream<R> {
        reader: R,
        buf: Vec<u8>,
        /// Next byte to look at.
        pos: usize,
        eof: bool,
        /// Line and column (as serde_json counts them) of the last byte before `buf[0]`.
        base: (usize, usize),
    }

    fn error((line, column): (usize, usize), message: String) -> JsonError {
        JsonError {
            line,
            column,
            path: String::new(),
            message,
        }
    }

    /// The position after `bytes`, starting from `(line, col)`. (Written to vectorize: it
    /// runs over the whole input.)
    fn after(bytes: &[u8], (line, col): (usize, usize)) -> (usize, usize) {
        let newlines: usize = bytes
            .chunks(256)
            .map(|c| c.iter().map(|&b| (b == b'\n') as u8 as u32).sum::<u32>() as usize)
            .sum();
        match newlines {
            0 => (line, col + bytes.len()),
            n => {
                let last = bytes.iter().rposition(|&b| b == b'\n').unwrap_or(0);
                (line + n, bytes.len() - last - 1)
            }
        }
    }

    impl<R: Read> Stream<R> {
        pub fn new(reader: R) -> Self {
            Stream {
                reader,
                buf: Vec::new(),
                pos: 0,
                eof: false,
                base: (1, 0),
            }
        }

        /// Line and column of the last byte consumed (serde_json's convention).
        fn position(&self) -> (usize, usize) {
            after(&self.buf[..self.pos], self.base)
        }

        pub fn io_error(&self, e: io::Error) -> JsonError {
            error(self.position(), format!("reading the input: {e}"))
        }

        /// Reads more input; what is before `pos` may be dropped (`pos` then moves back).
        /// False at the end of the input.
        fn fill(&mut self) -> io::Result<bool> {
            if self.eof {
                return Ok(false);
            }
            // Dropping only when it frees at least half keeps the copying linear.
            if self.pos > 0 && self.pos >= self.buf.len() / 2 {
                self.base = after(&self.buf[..self.pos], self.base);
                self.buf.drain(..self.pos);
                self.pos = 0;
            }
            // Room for at least as much as is held already, and wait for that much when the
            // element being read is that large: an element larger than a chunk is then
            // parsed again only a logarithmic number of times, however small the reads.
            let old = self.buf.len();
            let held = old - self.pos;
            self.buf.resize(old + CHUNK.max(held), 0);
            let mut got = 0;
            while got < held.max(1) && old + got < self.buf.len() {
                match self.reader.read(&mut self.buf[old + got..]) {
                    Ok(0) => {
                        self.eof = true;
                        break;
                    }
                    Ok(n) => got += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        self.buf.truncate(old + got);
                        return Err(e);
                    }
                }
            }
            self.buf.truncate(old + got);
            Ok(got > 0)
        }

        /// The next byte, reading more if needed (not consumed).
        fn peek(&mut self) -> io::Result<Option<u8>> {
            while self.pos >= self.buf.len() {
                if !self.fill()? {
                    return Ok(None);
                }
            }
            Ok(Some(self.buf[self.pos]))
        }

        /// Consumes whitespace; the next byte after it (not consumed).
        fn skip_ws(&mut self) -> io::Result<Option<u8>> {
            loop {
                match self.peek()? {
                    Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                    other => return Ok(other),
                }
            }
        }

        /// The first byte that is not whitespace; nothing consumed (the whitespace stays for
        /// [`Stream::rest`]).
        pub fn first_non_ws(&mut self) -> io::Result<Option<u8>> {
            let mut i = 0;
            loop {
                while i >= self.buf.len() {
                    // `pos` is 0: nothing is dropped.
                    if !self.fill()? {
                        return Ok(None);
                    }
                }
                match self.buf[i] {
                    b' ' | b'\t' | b'\n' | b'\r' => i += 1,
                    b => return Ok(Some(b)),
                }
            }
        }

        /// Everything (from the start: nothing was consumed).
        pub fn rest(&mut self) -> io::Result<Vec<u8>> {
            let mut all = std::mem::take(&mut self.buf);
            self.reader.read_to_end(&mut all)?;
            Ok(all)
        }

        /// Parses the element at `pos` from the bytes read so far, reading more and parsing
        /// again when it runs past them (an element is re-read at most once per chunk,
        /// unless it is larger than a chunk).
        fn element(&mut self, index: usize) -> Result<EvalCase, JsonError> {
            loop {
                let mut values = serde_json::Deserializer::from_slice(&self.buf[self.pos..])
                    .into_iter::<EvalCase>();
                let parsed = values.next();
                let used = values.byte_offset();
                match parsed {
                    Some(Ok(case)) => {
                        self.pos += used;
                        return Ok(case);
                    }
                    Some(Err(e)) if e.classify() == Category::Eof && !self.eof => {}
                    None if !self.eof => {}
                    Some(Err(e)) => {
                        // Positions in the element, moved to the whole input.
                        let (line, col) = self.position();
                        let at = if e.line() <= 1 {
                            (line, col + e.column())
                        } else {
                            (line + e.line() - 1, e.column())
                        };
                        let e = json_error(e, String::new());
                        return Err(error(at, format!("case [{index}]: {}", e.message)));
                    }
                    None => {
                        return Err(error(
                            self.position(),
                            format!("case [{index}]: EOF while parsing a value"),
                        ))
                    }
                }
                self.fill().map_err(|e| self.io_error(e))?;
            }
        }

        /// Consumes one byte and reports an error at it.
        fn error_at_next(&mut self, message: String) -> JsonError {
            self.pos += 1;
            error(self.position(), message)
        }

        /// Reads the array whose `[` is the first non-whitespace byte, calling `each` for
        /// every element.
        pub fn array(
            &mut self,
            each: &mut impl FnMut(Option<usize>, EvalCase) -> Result<(), String>,
        ) -> Result<(), JsonError> {
            self.skip_ws().map_err(|e| self.io_error(e))?;
            self.pos += 1; // `[`
            let mut index = 0;
            loop {
                match self.skip_ws().map_err(|e| self.io_error(e))? {
                    None => {
                        let what = if index == 0 { "a list" } else { "a value" };
                        return Err(error(
                            self.position(),
                            format!("case [{index}]: EOF while parsing {what}"),
                        ));
                    }
                    Some(b']') if index == 0 => {
                        self.pos += 1;
                        break;
                    }
                    Some(b']') => {
                        return Err(self.error_at_next(format!("case [{index}]: trailing comma")))
                    }
                    Some(_) => {}
                }
                let case = self.element(index)?;
                if let Err(e) = each(Some(index), case) {
                    return Err(JsonError {
                        line: 0,
                        column: 0,
                        path: ".".into(),
                        message: format!("case [{index}]: {e}"),
                    });
                }
                index += 1;
                match self.skip_ws().map_err(|e| self.io_error(e))? {
                    None => {
                        return Err(error(
                            self.position(),
                            format!("case [{index}]: EOF while parsing a list"),
                        ))
                    }
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    Some(_) => {
                        return Err(
                            self.error_at_next(format!("case [{index}]: expected `,` or `]`"))
                        )
                    }
                }
            }
            match self.skip_ws().map_err(|e| self.io_error(e))? {
                None => Ok(()),
                Some(_) => Err(self.error_at_next("trailing characters".into())),
            }
        }
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

    /// A reader that hands out a few bytes at a time, so that cases straddle every read.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            self.1 = self.1 % 7 + 1;
            let n = self.1.min(out.len()).min(self.0.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn outcomes(input: &str, trickle: bool) -> (Vec<(Option<usize>, String)>, Option<JsonError>) {
        let mut seen = Vec::new();
        let each = |i: Option<usize>, c: EvalCase| {
            seen.push((i, c.request.action.clone()));
            Ok(())
        };
        let r = if trickle {
            for_each_case(Trickle(input.as_bytes(), 0), each)
        } else {
            for_each_case(input.as_bytes(), each)
        };
        (seen, r.err())
    }

    #[test]
    fn arrays_split_across_reads() {
        let case = |a: &str| {
            format!(
                r#"{{"request":{{"principal":"arn:aws:iam::1:user/a","action":"{a}","resource":"*"}},
                "identityPolicies":[{{"Statement":{{"Effect":"Allow","Action":"s3:*","Resource":"*",
                "Condition":{{"StringLike":{{"s3:prefix":["a\"]}}b", "c,d"]}}}}}}}}]}}"#
            )
        };
        let good = format!(
            " [ {} ,\n{},{} ]\n",
            case("s3:GetObject"),
            case("s3:PutObject"),
            case("s3:ListBucket")
        );
        let (seen, err) = outcomes(&good, true);
        assert!(err.is_none(), "{err:?}");
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[2], (Some(2), "s3:ListBucket".to_string()));
        assert_eq!(outcomes(&good, false), (seen, None));
        // Malformed inputs: the same error (message and place) however the input is read.
        for bad in [
            format!(
                "[{},\n{{\"request\":{{\"principal\":\"x\"}}}}]",
                case("a:b")
            ),
            format!("[{} {}]", case("a:b"), case("a:c")),
            format!("[{}] x", case("a:b")),
            format!("[{},", case("a:b")),
            format!("[{},]", case("a:b")),
            format!("[{}", case("a:b")),
            "[".to_string(),
            "[{\"request\":".to_string(),
            "[\n,1]".to_string(),
            "[tru]".to_string(),
            "[\"a\\\"]b\"]".to_string(),
        ] {
            let (_, slow) = outcomes(&bad, true);
            let (_, fast) = outcomes(&bad, false);
            let slow = slow.unwrap_or_else(|| panic!("no error for {bad}"));
            assert_eq!(Some(&slow), fast.as_ref(), "{bad}");
            assert!(
                slow.message.starts_with("case [") || slow.message == "trailing characters",
                "{slow:?}"
            );
            assert!(slow.line > 0, "{slow:?}");
        }
        // A case larger than a read chunk, read a few bytes at a time.
        let big_policy = format!(
            r#"{{"Statement":[{}]}}"#,
            vec![r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/key"}"#; 8000].join(",")
        );
        let big = format!(
            r#"[{{"request":{{"principal":"arn:aws:iam::1:user/a","action":"s3:GetObject","resource":"*"}},"identityPolicies":[{big_policy}]}}]"#
        );
        assert!(big.len() > 512 << 10);
        let (seen, err) = outcomes(&big, true);
        assert!(err.is_none() && seen.len() == 1, "{err:?}");
        let (_, err) = outcomes("[{}, 1", false);
        assert_eq!(err.unwrap().message, "case [0]: missing field `request`");
        let (seen, err) = outcomes(" [ ] ", true);
        assert!(seen.is_empty() && err.is_none());
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
