//! The fast path for CloudTrail's `{"Records": [...]}` files: most records are of other
//! services, and parsing each into a typed record costs more than decompressing it. This
//! module validates the whole document as JSON (strict: the grammar of RFC 8259, UTF-8,
//! no control characters in strings) and returns where each record is, without building
//! anything; only the records whose `eventSource` may be STS or console sign-in are then
//! parsed by serde.
//!
//! Anything this validator does not accept — malformed or truncated JSON, other keys around
//! `Records`, nesting deeper than 128 — sends the file to the serde path, which reads the
//! records before the fault and reports it with its line and column. So the fast path never
//! changes an answer; `tests/garbage.rs` checks both paths agree.

use memchr::memmem;

const MAX_DEPTH: usize = 128;

/// Bytes that end the plain run of a string: the quote, the backslash, control characters.
static STRING_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

struct Validator<'a> {
    b: &'a [u8],
    i: usize,
}

impl Validator<'_> {
    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// A string, the opening quote at `i`.
    fn string(&mut self) -> bool {
        if !self.eat(b'"') {
            return false;
        }
        loop {
            // One table look-up per byte: CloudTrail's strings are short, where this beats
            // a vectorized search set up for each of them.
            let Some(k) = self.b[self.i..]
                .iter()
                .position(|&c| STRING_SPECIAL[c as usize])
            else {
                return false;
            };
            self.i += k;
            match self.b[self.i] {
                b'"' => {
                    self.i += 1;
                    return true;
                }
                b'\\' => self.i += 1,
                _ => return false, // a control character
            }
            match self.b.get(self.i) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 1,
                Some(b'u') => {
                    let hex = self.b.get(self.i + 1..self.i + 5);
                    if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                        return false;
                    }
                    self.i += 5;
                }
                _ => return false,
            }
        }
    }

    fn digits(&mut self) -> bool {
        let start = self.i;
        while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
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
        if self.b.get(self.i).is_some_and(|&c| c == b'e' || c == b'E') {
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

    fn value(&mut self, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match self.b.get(self.i) {
            Some(b'"') => self.string(),
            Some(b'{') => {
                self.i += 1;
                self.ws();
                if self.eat(b'}') {
                    return true;
                }
                loop {
                    if !self.string() {
                        return false;
                    }
                    self.ws();
                    if !self.eat(b':') {
                        return false;
                    }
                    self.ws();
                    if !self.value(depth + 1) {
                        return false;
                    }
                    self.ws();
                    if self.eat(b'}') {
                        return true;
                    }
                    if !self.eat(b',') {
                        return false;
                    }
                    self.ws();
                }
            }
            Some(b'[') => {
                self.i += 1;
                self.ws();
                if self.eat(b']') {
                    return true;
                }
                loop {
                    if !self.value(depth + 1) {
                        return false;
                    }
                    self.ws();
                    if self.eat(b']') {
                        return true;
                    }
                    if !self.eat(b',') {
                        return false;
                    }
                    self.ws();
                }
            }
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => false,
        }
    }
}

/// The byte ranges of the records of a valid `{"Records": [ {…}, … ]}` document (nothing
/// else in the top-level object), or None to take the serde path.
pub fn record_spans(buf: &[u8]) -> Option<Vec<(usize, usize)>> {
    std::str::from_utf8(buf).ok()?;
    let bom = if buf.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut v = Validator { b: buf, i: bom };
    v.ws();
    if !v.eat(b'{') {
        return None;
    }
    v.ws();
    if !v.literal(b"\"Records\"") {
        return None;
    }
    v.ws();
    if !v.eat(b':') {
        return None;
    }
    v.ws();
    if !v.eat(b'[') {
        return None;
    }
    let mut spans = Vec::new();
    v.ws();
    if !v.eat(b']') {
        loop {
            v.ws();
            if v.b.get(v.i) != Some(&b'{') {
                return None;
            }
            let start = v.i;
            if !v.value(1) {
                return None;
            }
            spans.push((start, v.i));
            v.ws();
            if v.eat(b']') {
                break;
            }
            if !v.eat(b',') {
                return None;
            }
        }
    }
    v.ws();
    if !v.eat(b'}') {
        return None;
    }
    v.ws();
    (v.i == buf.len()).then_some(spans)
}

/// Finds `"eventSource"` keys: a record is parsed unless every occurrence is followed by a
/// plain string value other than STS's and sign-in's. (A record without the key is parsed
/// too, so that one that is no CloudTrail record is reported.)
pub struct SourceFilter {
    key: memmem::Finder<'static>,
}

impl Default for SourceFilter {
    fn default() -> Self {
        SourceFilter {
            key: memmem::Finder::new(b"\"eventSource\""),
        }
    }
}

impl SourceFilter {
    pub fn needs_parse(&self, record: &[u8]) -> bool {
        let mut found = false;
        for at in self.key.find_iter(record) {
            found = true;
            let mut i = at + b"\"eventSource\"".len();
            while record.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
                i += 1;
            }
            if record.get(i) != Some(&b':') {
                return true;
            }
            i += 1;
            while record.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
                i += 1;
            }
            if record.get(i) != Some(&b'"') {
                return true;
            }
            let value = &record[i + 1..];
            let Some(end) = memchr::memchr2(b'"', b'\\', value) else {
                return true;
            };
            if value[end] == b'\\' {
                return true;
            }
            let v = &value[..end];
            if v == b"sts.amazonaws.com" || v == b"signin.amazonaws.com" {
                return true;
            }
        }
        !found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_documents() {
        let doc =
            br#" {"Records": [ {"a": [1, -2.5e+3, 0, true, false, null, "x\"\u00e9\n"]}, {} ] } "#;
        let spans = record_spans(doc).unwrap();
        assert_eq!(spans.len(), 2);
        assert_eq!(&doc[spans[1].0..spans[1].1], b"{}");
        assert_eq!(record_spans(br#"{"Records":[]}"#).unwrap().len(), 0);
    }

    #[test]
    fn anything_else_takes_the_serde_path() {
        for bad in [
            &br#"{"Records":[{"a":tru}]}"#[..],
            br#"{"Records":[{"a":1}"#,
            br#"{"Records":[{"a":01}]}"#,
            br#"{"Records":[{"a":"\x"}]}"#,
            b"{\"Records\":[{\"a\":\"\x01\"}]}",
            br#"{"Records":[{"a":1},]}"#,
            br#"{"Records":[1]}"#,
            br#"{"Records":[],"x":1}"#,
            br#"{"Records":[]} x"#,
            b"{\"Records\":[{\"a\":\"\xff\"}]}",
            br#"{"Records":[{"a":1.}]}"#,
            br#"{"Records":[{"a":-}]}"#,
        ] {
            assert!(
                record_spans(bad).is_none(),
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
    }

    #[test]
    fn source_filter() {
        let f = SourceFilter::default();
        assert!(f.needs_parse(br#"{"eventSource" : "sts.amazonaws.com"}"#));
        assert!(f.needs_parse(br#"{"eventSource":"signin.amazonaws.com"}"#));
        assert!(!f.needs_parse(
            br#"{"eventSource":"s3.amazonaws.com","x":{"eventSource":"ec2.amazonaws.com"}}"#
        ));
        assert!(f.needs_parse(br#"{"x":{"eventSource":"ec2"},"eventSource":"sts.amazonaws.com"}"#));
        assert!(
            f.needs_parse(br#"{"eventSource":"sts.amazonaws\u002ecom"}"#),
            "escapes are parsed"
        );
        assert!(
            f.needs_parse(br#"{"eventName":"x"}"#),
            "no source: parsed (and reported)"
        );
        assert!(f.needs_parse(br#"{"eventSource":5}"#));
    }
}
