//! IAM wildcard matching: `*` (any run of characters) and `?` (one character).
//!
//! Written by hand on purpose: glob crates give `[`, `{` and `/` meanings IAM does not have.
//! A NUL byte escapes the next byte, so a `*` that came from `${*}` or from a substituted
//! variable value matches only a literal `*`. The matcher is linear in practice (greedy with
//! one backtrack point) and allocation-free.

use crate::arn::Arn;

/// The escape byte placed before literal `*`, `?` and NUL in a pattern.
pub const ESCAPE: u8 = 0;

/// Whether `pattern` contains an unescaped wildcard.
pub fn has_wildcard(pattern: &str) -> bool {
    let b = pattern.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            ESCAPE => i += 2,
            b'*' | b'?' => return true,
            _ => i += 1,
        }
    }
    false
}

/// Escapes `*`, `?` and NUL so the text matches only itself when used as a pattern.
pub fn escape_literal(text: &str, out: &mut String) {
    for c in text.chars() {
        if matches!(c, '*' | '?' | '\0') {
            out.push('\0');
        }
        out.push(c);
    }
}

#[inline]
fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

#[inline]
fn eq(a: u8, b: u8, ci: bool) -> bool {
    a == b || (ci && a.eq_ignore_ascii_case(&b))
}

/// Matches `text` against an IAM wildcard `pattern`; `case_insensitive` folds ASCII case.
pub fn wildcard_match(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    wildcard_match_bytes(pattern.as_bytes(), text.as_bytes(), case_insensitive)
}

/// [`wildcard_match`] on bytes; `t` must be UTF-8 (`?` and `*` step over whole characters).
fn wildcard_match_bytes(p: &[u8], t: &[u8], case_insensitive: bool) -> bool {
    let (mut pi, mut ti) = (0usize, 0usize);
    // Where to resume after the last `*`: (pattern index after it, text index it covers to).
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() {
            match p[pi] {
                b'*' => {
                    star = Some((pi + 1, ti));
                    pi += 1;
                    continue;
                }
                b'?' => {
                    ti = (ti + utf8_len(t[ti])).min(t.len());
                    pi += 1;
                    continue;
                }
                ESCAPE if pi + 1 < p.len() => {
                    if eq(p[pi + 1], t[ti], case_insensitive) {
                        pi += 2;
                        ti += 1;
                        continue;
                    }
                }
                c => {
                    if eq(c, t[ti], case_insensitive) {
                        pi += 1;
                        ti += 1;
                        continue;
                    }
                }
            }
        }
        match star {
            Some((sp, st)) => {
                let next = (st + utf8_len(t[st])).min(t.len());
                star = Some((sp, next));
                pi = sp;
                ti = next;
            }
            None => return false,
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

/// Exact comparison of a pattern without wildcards (honouring escapes) against text.
pub fn literal_eq(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    if !pattern.as_bytes().contains(&ESCAPE) {
        return if case_insensitive {
            pattern.eq_ignore_ascii_case(text)
        } else {
            pattern == text
        };
    }
    let mut unescaped = Vec::with_capacity(pattern.len());
    let b = pattern.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == ESCAPE && i + 1 < b.len() {
            i += 1;
        }
        unescaped.push(b[i]);
        i += 1;
    }
    if case_insensitive {
        unescaped.eq_ignore_ascii_case(text.as_bytes())
    } else {
        unescaped == text.as_bytes()
    }
}

/// [`action_matches`] for a parsed pattern, whose wildcard flag is known.
#[inline]
pub fn action_pattern_matches(p: &crate::ast::ActionPattern, action_lower: &str) -> bool {
    if p.wildcard {
        action_matches(&p.lower, action_lower)
    } else {
        p.lower == action_lower
    }
}

/// Case-insensitive action matching (`s3:Get*` matches `s3:GetObject`). Both sides are
/// expected lower-cased already; this is the hot path.
#[inline]
pub fn action_matches(pattern_lower: &str, action_lower: &str) -> bool {
    if pattern_lower == "*" {
        return true;
    }
    // Quick reject on the first byte (service prefixes rarely start with a wildcard).
    match (
        pattern_lower.as_bytes().first(),
        action_lower.as_bytes().first(),
    ) {
        (Some(&p), Some(&a)) if p != a && p != b'*' && p != b'?' => return false,
        _ => {}
    }
    if !pattern_lower.contains(['*', '?']) {
        return pattern_lower == action_lower;
    }
    wildcard_match(pattern_lower, action_lower, false)
}

/// ARN matching as IAM does for `Resource` and the `Arn*` operators: case-sensitive, each of
/// the six colon-separated segments matched on its own (a `*` in the region does not eat
/// into the account), the last segment free to contain colons. Patterns that are not ARNs
/// (`*`) fall back to whole-string matching.
pub fn arn_matches(pattern: &str, arn: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    if !has_wildcard(pattern) {
        return literal_eq(pattern, arn, false);
    }
    match (Arn::parse(pattern), Arn::parse(arn)) {
        (Some(p), Some(a)) => p
            .segments()
            .iter()
            .zip(a.segments().iter())
            .all(|(ps, as_)| wildcard_match(ps, as_, false)),
        _ => wildcard_match(pattern, arn, false),
    }
}

/// What kind of wildcard pattern a string is, found once (at parse time) so that matching
/// takes the cheapest test that gives the same answers as [`wildcard_match`]
/// (case-sensitive): most IAM patterns are `*`, a literal, or a literal followed by `*`,
/// and those need no backtracking matcher at all. It holds no text (one byte): the pattern
/// is passed again to [`WildKind::matches`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WildKind {
    /// Only `*`s: matches everything.
    Any,
    /// No wildcard and no escape: the text must be exactly the pattern.
    Literal,
    /// A literal (no wildcard, no escape) followed by `*`s: a prefix test.
    Prefix,
    /// Anything else: [`wildcard_match`].
    General,
}

impl WildKind {
    pub fn of(pattern: &str) -> WildKind {
        let p = pattern.as_bytes();
        if !p.is_empty() && p.iter().all(|&c| c == b'*') {
            return WildKind::Any;
        }
        let special = |c: &u8| matches!(*c, b'*' | b'?' | ESCAPE);
        if !p.iter().any(special) {
            return WildKind::Literal;
        }
        let lit = p.len() - p.iter().rev().take_while(|&&c| c == b'*').count();
        if lit < p.len() && !p[..lit].iter().any(special) {
            return WildKind::Prefix;
        }
        WildKind::General
    }

    /// Same answer as `wildcard_match(pattern, text, false)`, for the pattern classified.
    #[inline]
    pub fn matches(self, pattern: &str, text: &str) -> bool {
        let p = pattern.as_bytes();
        match self {
            WildKind::Any => true,
            WildKind::Literal => p == text.as_bytes(),
            WildKind::Prefix => {
                let lit = p.len() - p.iter().rev().take_while(|&&c| c == b'*').count();
                text.as_bytes().starts_with(&p[..lit])
            }
            WildKind::General => wildcard_match_bytes(p, text.as_bytes(), false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*", "", false));
        assert!(wildcard_match("a*c", "abbbc", false));
        assert!(wildcard_match("a?c", "abc", false));
        assert!(!wildcard_match("a?c", "ac", false));
        assert!(
            wildcard_match("a?c", "aéc", false),
            "? matches one character, not one byte"
        );
        assert!(!wildcard_match("abc", "ABC", false));
        assert!(wildcard_match("abc", "ABC", true));
        assert!(wildcard_match("*b*b*", "abxbyb", false));
        assert!(!wildcard_match("*b*b*", "ab", false));
        assert!(wildcard_match("[a]{b}", "[a]{b}", false), "no glob classes");
        assert!(wildcard_match("a/*", "a/b/c", false), "* crosses slashes");
    }

    #[test]
    fn escaped_literals() {
        let mut p = String::from("a");
        escape_literal("*", &mut p);
        assert!(wildcard_match(&p, "a*", false));
        assert!(!wildcard_match(&p, "ab", false));
        assert!(!has_wildcard(&p));
        assert!(literal_eq(&p, "a*", false));
    }

    #[test]
    fn actions() {
        assert!(action_matches("s3:get*", "s3:getobject"));
        assert!(action_matches("*", "iam:passrole"));
        assert!(!action_matches("s3:get*", "s3:putobject"));
        assert!(action_matches("iam:?assrole", "iam:passrole"));
    }

    #[test]
    fn arns_are_segment_aware_and_case_sensitive() {
        assert!(arn_matches(
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket/a/b"
        ));
        assert!(!arn_matches(
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::Bucket/a"
        ));
        assert!(arn_matches(
            "arn:aws:iam::*:role/x",
            "arn:aws:iam::123456789012:role/x"
        ));
        assert!(
            !arn_matches("arn:aws:iam::*:role/x", "arn:aws:iam::1:role/y:role/x"),
            "a * in the account segment stays in the account segment"
        );
        assert!(arn_matches(
            "arn:aws:lambda:*:*:function:f:*",
            "arn:aws:lambda:eu-west-1:1:function:f:2"
        ));
        assert!(arn_matches("arn:aws:*:*:*:*", "arn:aws:sqs:us-east-1:1:q"));
        assert!(!arn_matches(
            "arn:aws:sqs:*:*:*",
            "arn:aws:sns:us-east-1:1:q"
        ));
    }
}
