//! The fast path for CloudTrail's `{"Records": [...]}` files: most records are of other
//! services, and parsing each into a typed record costs more than decompressing it. This
//! module validates the whole document as JSON (strict: the grammar of RFC 8259, UTF-8,
//! no control characters in strings), finds where each record is, and looks at each
//! record's top-level keys on the way: only the records the serde path could do anything
//! with — an STS role assumption or federation token, a console `SwitchRole`, a record that
//! is no CloudTrail record, or one whose known fields serde might reject — are marked to be
//! parsed by serde. Nothing is built and nothing is allocated per record.
//!
//! Anything this validator does not accept — malformed or truncated JSON, other keys around
//! `Records`, nesting deeper than [`MAX_DEPTH`] — sends the file to the serde path, which reads
//! the records before the fault and reports it with its line and column. So the fast path
//! never changes an answer; `tests/garbage.rs` checks both paths agree.
//!
//! Hand-written rather than a crate: no JSON crate both validates strictly and hands back
//! each record's byte range with its top-level keys without building values (simd-json
//! builds a tape without offsets; sonic-rs's lazy iterators build no offsets of nested keys
//! and are not documented to validate what they skip). Strings, most of a CloudTrail
//! record, are scanned eight bytes at a time (SWAR) for the quote, the backslash and control
//! characters. (An SSE2 index of each 64-byte block's quotes and escapes, after simdjson's
//! first stage, was tried in its place: no faster here, where records are mostly short
//! strings and the cost is per token.)

/// Deepest nesting of objects and arrays inside a record that the fast path validates
/// (deeper records send the file to serde, whose own limit is 128 for the whole document).
pub const MAX_DEPTH: usize = 100;

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Bytes of `w` equal to `c`: the lowest set high bit marks the first one exactly (the
/// borrow of the subtraction can only set bits above a true match).
#[inline(always)]
fn eq_mask(w: u64, c: u8) -> u64 {
    let x = w ^ (ONES * u64::from(c));
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// Bytes of `w` below 0x20 (control characters), exact for the lowest as above; bytes
/// with the high bit set (UTF-8) never match.
#[inline(always)]
fn ctl_mask(w: u64) -> u64 {
    w.wrapping_sub(ONES * 0x20) & !w & HIGHS
}

/// One record of a `{"Records": [...]}` file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordSpan {
    pub start: usize,
    pub end: usize,
    /// Whether serde must see it (see the module documentation).
    pub parse: bool,
}

/// The top-level fields of a record that serde's `RawRecord` knows (aliases map to the same
/// field, so a second one is a duplicate serde rejects), and how their values matter.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    /// A `Text` field: serde reads a string (escapes decoded, so checked), accepts other
    /// values as absent — but numbers are range-checked and containers' keys decoded.
    Text(u8),
    /// `eventSource` / `eventsource`.
    Source,
    /// `eventName` / `eventname`.
    Name,
    /// A raw JSON field (`userIdentity`…): any value, kept raw.
    Raw(u8),
    /// `Records`: a whole CloudTrail file inside a record.
    Records,
}

fn field_of(key: &[u8]) -> Option<Field> {
    // Most keys of a record are none of these: rule them out by length and first byte.
    if !matches!(key.len(), 7 | 9 | 11 | 12 | 13 | 15 | 16 | 17 | 18 | 19)
        || !matches!(
            key.first(),
            Some(b'e' | b'a' | b's' | b'u' | b'r' | b'v' | b'R')
        )
    {
        return None;
    }
    Some(match key {
        b"eventTime" | b"eventtime" => Field::Text(0),
        b"eventSource" | b"eventsource" => Field::Source,
        b"eventName" | b"eventname" => Field::Name,
        b"awsRegion" | b"awsregion" => Field::Text(3),
        b"sourceIPAddress" | b"sourceipaddress" => Field::Text(4),
        b"userAgent" | b"useragent" => Field::Text(5),
        b"errorCode" | b"errorcode" => Field::Text(6),
        b"recipientAccountId" | b"recipientaccountid" => Field::Text(7),
        b"vpcEndpointId" | b"vpcendpointid" => Field::Text(8),
        b"userIdentity" | b"useridentity" => Field::Raw(9),
        b"requestParameters" | b"requestparameters" => Field::Raw(10),
        b"responseElements" | b"responseelements" => Field::Raw(11),
        b"additionalEventData" | b"additionaleventdata" => Field::Raw(12),
        b"Records" => Field::Records,
        _ => return None,
    })
}

impl Field {
    fn bit(self) -> u16 {
        1 << match self {
            Field::Text(i) | Field::Raw(i) => i,
            Field::Source => 1,
            Field::Name => 2,
            Field::Records => 13,
        }
    }
}

/// Whether serde's reading of a record with these plain (unescaped) `eventSource` and
/// `eventName` values can produce an event ([`crate::event::extract`] reads exactly these).
fn is_role_event(source: &[u8], name: &[u8]) -> bool {
    match source {
        b"sts.amazonaws.com" => matches!(
            name,
            b"AssumeRole"
                | b"AssumeRoleWithSAML"
                | b"AssumeRoleWithWebIdentity"
                | b"GetFederationToken"
        ),
        b"signin.amazonaws.com" => name == b"SwitchRole",
        _ => false,
    }
}

struct Validator<'a> {
    b: &'a [u8],
    i: usize,
}

impl Validator<'_> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline(always)]
    fn ws(&mut self) {
        // CloudTrail writes no whitespace: one comparison in the usual case.
        while let Some(&c) = self.b.get(self.i) {
            if c > b' ' || !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                break;
            }
            self.i += 1;
        }
    }

    #[inline(always)]
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// The rest of a string after its opening quote, through the closing quote. Returns
    /// whether it held an escape, or None when it is not a valid JSON string.
    #[inline(always)]
    fn string_body(&mut self) -> Option<bool> {
        let b = self.b;
        let mut escaped = false;
        loop {
            // Eight bytes at a time to the next quote, backslash or control character.
            while let Some(chunk) = b.get(self.i..self.i + 8) {
                let w = u64::from_le_bytes(chunk.try_into().ok()?);
                let m = eq_mask(w, b'"') | eq_mask(w, b'\\') | ctl_mask(w);
                if m != 0 {
                    self.i += (m.trailing_zeros() / 8) as usize;
                    break;
                }
                self.i += 8;
            }
            // The special byte found above, or the tail: one byte at a time.
            loop {
                match *b.get(self.i)? {
                    b'"' => {
                        self.i += 1;
                        return Some(escaped);
                    }
                    b'\\' => break,
                    c if c < 0x20 => return None,
                    _ => self.i += 1,
                }
            }
            escaped = true;
            self.i += 1;
            match *b.get(self.i)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 1,
                b'u' => {
                    let hex = b.get(self.i + 1..self.i + 5)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return None;
                    }
                    self.i += 5;
                }
                _ => return None,
            }
        }
    }

    fn digits(&mut self) -> bool {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        self.i > start
    }

    fn number(&mut self) -> bool {
        self.eat(b'-');
        if self.eat(b'0') {
        } else if !self.digits() {
            return false;
        }
        if self.eat(b'.') && !self.digits() {
            return false;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if !self.digits() {
                return false;
            }
        }
        true
    }

    fn literal(&mut self, word: &[u8]) -> bool {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            true
        } else {
            false
        }
    }

    /// A scalar at `i` (not a container).
    #[inline(always)]
    fn scalar(&mut self) -> bool {
        match self.peek() {
            Some(b'"') => {
                self.i += 1;
                self.string_body().is_some()
            }
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => false,
        }
    }

    /// Any JSON value at `i`, containers iteratively (`stack` holds whether each open
    /// container is an object), `depth` containers deep already.
    fn value(&mut self, depth: usize, stack: &mut Vec<bool>) -> bool {
        stack.clear();
        loop {
            // A value.
            match self.peek() {
                Some(b'{') => {
                    self.i += 1;
                    self.ws();
                    if self.eat(b'}') {
                    } else {
                        if depth + stack.len() >= MAX_DEPTH {
                            return false;
                        }
                        stack.push(true);
                        if !self.key_colon() {
                            return false;
                        }
                        continue;
                    }
                }
                Some(b'[') => {
                    self.i += 1;
                    self.ws();
                    if self.eat(b']') {
                    } else {
                        if depth + stack.len() >= MAX_DEPTH {
                            return false;
                        }
                        stack.push(false);
                        continue;
                    }
                }
                _ => {
                    if !self.scalar() {
                        return false;
                    }
                }
            }
            // After a value: close containers or go to the next member.
            loop {
                let Some(&object) = stack.last() else {
                    return true;
                };
                self.ws();
                match self.peek() {
                    Some(b',') => {
                        self.i += 1;
                        self.ws();
                        if object && !self.key_colon() {
                            return false;
                        }
                        break;
                    }
                    Some(b'}') if object => {
                        self.i += 1;
                        stack.pop();
                    }
                    Some(b']') if !object => {
                        self.i += 1;
                        stack.pop();
                    }
                    _ => return false,
                }
            }
        }
    }

    /// `"key"` `:` and the whitespace before the value.
    #[inline(always)]
    fn key_colon(&mut self) -> bool {
        if !self.eat(b'"') || self.string_body().is_none() {
            return false;
        }
        self.ws();
        if !self.eat(b':') {
            return false;
        }
        self.ws();
        true
    }

    /// One record (an object) at `i`: validated, and whether serde must see it.
    fn record(&mut self, stack: &mut Vec<bool>) -> Option<bool> {
        if !self.eat(b'{') {
            return None;
        }
        self.ws();
        if self.eat(b'}') {
            return Some(true); // no eventSource or eventName: reported by the serde path
        }
        let mut parse = false;
        let mut seen = 0u16;
        let mut source: Option<&[u8]> = None;
        let mut name: Option<&[u8]> = None;
        loop {
            if !self.eat(b'"') {
                return None;
            }
            let key_start = self.i;
            let key_escaped = self.string_body()?;
            let key = &self.b[key_start..self.i - 1];
            self.ws();
            if !self.eat(b':') {
                return None;
            }
            self.ws();
            // serde decodes every top-level key (to match field names): an escaped one may
            // be a known field, or fail to decode.
            parse |= key_escaped;
            match field_of(key) {
                None => {
                    if !self.value(1, stack) {
                        return None;
                    }
                }
                Some(f) => {
                    parse |= seen & f.bit() != 0; // duplicate field
                    seen |= f.bit();
                    match f {
                        Field::Raw(_) => {
                            if !self.value(1, stack) {
                                return None;
                            }
                        }
                        Field::Records => {
                            parse = true;
                            if !self.value(1, stack) {
                                return None;
                            }
                        }
                        Field::Text(_) | Field::Source | Field::Name => {
                            if self.peek() == Some(b'"') {
                                self.i += 1;
                                let start = self.i;
                                parse |= self.string_body()?;
                                let text = &self.b[start..self.i - 1];
                                match f {
                                    Field::Source => source = Some(text),
                                    Field::Name => name = Some(text),
                                    _ => {}
                                }
                            } else {
                                // Numbers are range-checked, containers' keys decoded:
                                // let serde judge. true/false/null read as absent.
                                parse |= !matches!(self.peek(), Some(b't' | b'f' | b'n'));
                                if !self.value(1, stack) {
                                    return None;
                                }
                            }
                        }
                    }
                }
            }
            self.ws();
            if self.eat(b',') {
                self.ws();
                continue;
            }
            if self.eat(b'}') {
                break;
            }
            return None;
        }
        let source = source.filter(|s| !s.is_empty());
        let name = name.filter(|s| !s.is_empty());
        Some(match (source, name) {
            // No CloudTrail record: the serde path reports it.
            (None, None) => true,
            (Some(s), Some(n)) => parse || is_role_event(s, n),
            _ => parse,
        })
    }
}

/// Validates a `{"Records": [ {…}, … ]}` document (nothing else in the top-level object) and
/// puts its records into `out` (cleared first). False: take the serde path.
pub fn scan_records(buf: &[u8], out: &mut Vec<RecordSpan>) -> bool {
    out.clear();
    if std::str::from_utf8(buf).is_err() {
        return false;
    }
    let bom = if buf.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut v = Validator { b: buf, i: bom };
    let mut stack = Vec::with_capacity(MAX_DEPTH);
    v.ws();
    if !v.eat(b'{') {
        return false;
    }
    v.ws();
    if !v.literal(b"\"Records\"") {
        return false;
    }
    v.ws();
    if !v.eat(b':') {
        return false;
    }
    v.ws();
    if !v.eat(b'[') {
        return false;
    }
    v.ws();
    if !v.eat(b']') {
        loop {
            let start = v.i;
            let Some(parse) = v.record(&mut stack) else {
                return false;
            };
            out.push(RecordSpan {
                start,
                end: v.i,
                parse,
            });
            v.ws();
            if v.eat(b']') {
                break;
            }
            if !v.eat(b',') {
                return false;
            }
            v.ws();
        }
    }
    v.ws();
    if !v.eat(b'}') {
        return false;
    }
    v.ws();
    v.i == buf.len()
}

/// The byte ranges of the records of a valid `{"Records": [...]}` document, or None to take
/// the serde path (see [`scan_records`]).
pub fn record_spans(buf: &[u8]) -> Option<Vec<(usize, usize)>> {
    let mut out = Vec::new();
    scan_records(buf, &mut out).then(|| out.iter().map(|r| (r.start, r.end)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_flags(doc: &str) -> Vec<bool> {
        let mut out = Vec::new();
        assert!(scan_records(doc.as_bytes(), &mut out), "{doc}");
        out.iter().map(|r| r.parse).collect()
    }

    #[test]
    fn valid_documents() {
        let doc =
            br#" {"Records": [ {"a": [1, -2.5e+3, 0, true, false, null, "x\"\u00e9\n"]}, {} ] } "#;
        let spans = record_spans(doc).unwrap();
        assert_eq!(spans.len(), 2);
        assert_eq!(&doc[spans[1].0..spans[1].1], b"{}");
        assert_eq!(record_spans(br#"{"Records":[]}"#).unwrap().len(), 0);
        // Long strings cross the eight-byte steps with the specials anywhere.
        for k in 0..20 {
            let s = format!(
                "{}\\\"{}é{}",
                "a".repeat(k),
                "b".repeat(k % 9),
                "c".repeat(17 - k % 17)
            );
            let doc = format!("{{\"Records\":[{{\"k\":\"{s}\",\"eventName\":\"x\"}}]}}");
            assert_eq!(parse_flags(&doc), [false], "{doc}");
        }
    }

    #[test]
    fn anything_else_takes_the_serde_path() {
        for bad in [
            &br#"{"Records":[{"a":tru}]}"#[..],
            br#"{"Records":[{"a":1}"#,
            br#"{"Records":[{"a":01}]}"#,
            br#"{"Records":[{"a":"\x"}]}"#,
            b"{\"Records\":[{\"a\":\"\x01\"}]}",
            b"{\"Records\":[{\"a\":\"0123456789\x1f\"}]}",
            br#"{"Records":[{"a":"0123456789\u12"}]}"#,
            br#"{"Records":[{"a":1},]}"#,
            br#"{"Records":[1]}"#,
            br#"{"Records":[],"x":1}"#,
            br#"{"Records":[]} x"#,
            b"{\"Records\":[{\"a\":\"\xff\"}]}",
            br#"{"Records":[{"a":1.}]}"#,
            br#"{"Records":[{"a":-}]}"#,
            br#"{"Records":[{"a":[1,]}]}"#,
            br#"{"Records":[{"a":{"b":1,}}]}"#,
            br#"{"Records":[{"a":{"b" 1}}]}"#,
            br#"{"Records":[{"a":{1:1}}]}"#,
            br#"{"Records":[{"a":[1 2]}]}"#,
            br#"{"Records":[{"a":"unterminated}]}"#,
            br#"{"Records":[{"a":{"b":[}]}]}"#,
        ] {
            let mut out = Vec::new();
            assert!(
                !scan_records(bad, &mut out),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let deep = format!(
            "{{\"Records\":[{{\"a\":{}{}}}]}}",
            "[".repeat(200),
            "]".repeat(200)
        );
        assert!(record_spans(deep.as_bytes()).is_none());
        let ok = format!(
            "{{\"Records\":[{{\"a\":{}{}}}]}}",
            "[".repeat(50),
            "]".repeat(50)
        );
        assert!(record_spans(ok.as_bytes()).is_some());
    }

    #[test]
    fn which_records_serde_sees() {
        let flags = parse_flags(concat!(
            r#"{"Records":["#,
            // 0: another service, even with STS text elsewhere: skipped.
            r#"{"eventSource":"s3.amazonaws.com","eventName":"GetObject","requestParameters":{"eventSource":"sts.amazonaws.com","x":"sts.amazonaws.com"}},"#,
            // 1: an STS call that is no role assumption: skipped.
            r#"{"eventSource":"sts.amazonaws.com","eventName":"GetCallerIdentity"},"#,
            // 2, 3: role assumption and console switch: parsed.
            r#"{"eventName":"AssumeRole","eventSource" : "sts.amazonaws.com"},"#,
            r#"{"eventsource":"signin.amazonaws.com","eventname":"SwitchRole"},"#,
            // 4: no source or name: parsed, to be reported.
            r#"{"eventSource":"","x":1},"#,
            // 5: escaped value: parsed.
            r#"{"eventSource":"sts.amazonaws\u002ecom","eventName":"AssumeRole"},"#,
            // 6: duplicate field (through an alias): serde rejects it, so it is parsed.
            r#"{"eventSource":"s3.amazonaws.com","eventsource":"s3.amazonaws.com","eventName":"x"},"#,
            // 7: escaped key: parsed.
            r#"{"eventSource":"s3.amazonaws.com","\u0065ventName":"AssumeRole"},"#,
            // 8: a number in a text field (range-checked by serde): parsed.
            r#"{"eventSource":"s3.amazonaws.com","eventName":"x","eventTime":1e999},"#,
            // 9: a whole file in a record: parsed.
            r#"{"eventSource":"s3.amazonaws.com","eventName":"x","Records":[]},"#,
            // 10: only a name, not a role event: skipped; literals in text fields too.
            r#"{"eventName":"GetObject","errorCode":null,"awsRegion":true},"#,
            // 11: an object in a text field: parsed.
            r#"{"eventSource":"s3.amazonaws.com","eventName":"x","userAgent":{"a":1}}"#,
            r#"]}"#
        ));
        assert_eq!(
            flags,
            [false, false, true, true, true, true, true, true, true, true, false, true]
        );
    }

    #[test]
    fn masks() {
        let w = u64::from_le_bytes(*b"ab\"c\\d\x01e");
        assert_eq!(eq_mask(w, b'"').trailing_zeros() / 8, 2);
        assert_eq!(eq_mask(w, b'\\').trailing_zeros() / 8, 4);
        assert_eq!(ctl_mask(w).trailing_zeros() / 8, 6);
        assert_eq!(ctl_mask(u64::from_le_bytes(*b"\xc3\xa9 ~\x7f\xff\x20!")), 0);
        assert_eq!(
            eq_mask(u64::from_le_bytes(*b"\x00\x01\"\"xxxx"), b'"').trailing_zeros() / 8,
            2
        );
    }
}
