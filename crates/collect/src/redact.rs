//! Error messages from AWS or the SDK are shown and stored in the manifest; this makes sure
//! no credential material can travel with them.
//!
//! AWS error messages do not carry secrets, but some quote the access key ID of the caller
//! (`The security token included in the request is invalid` variants, signature mismatch
//! messages with the canonical request). Access key IDs (`AKIA…`, `ASIA…` and the other
//! long-lived and temporary keys) are masked, and so is anything after `Credential=` / `Signature=` /
//! `X-Amz-Security-Token=` up to the next separator.

/// Prefixes of AWS access key IDs (20 upper-case alphanumerics in all).
const KEY_PREFIXES: [&str; 2] = ["AKIA", "ASIA"];
const KEY_LEN: usize = 20;
const SECRET_MARKERS: [&str; 5] = [
    "Credential=",
    "Signature=",
    "X-Amz-Security-Token=",
    "SecretAccessKey",
    "SessionToken",
];

/// `text` with access key IDs and signed-request fragments replaced by `[redacted]`.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if let Some(m) = SECRET_MARKERS.iter().find(|m| rest.starts_with(*m)) {
            out.push_str(m);
            out.push_str("[redacted]");
            i += m.len();
            // Skip the value: up to whitespace, a comma, a quote or an ampersand.
            while i < bytes.len() && !matches!(bytes[i], b' ' | b',' | b'&' | b'"' | b'\n' | b'\t')
            {
                i += 1;
            }
            continue;
        }
        if is_key_id_at(bytes, i) {
            out.push_str("[redacted]");
            i += KEY_LEN;
            continue;
        }
        let ch = rest.chars().next().expect("non-empty rest");
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

fn is_key_id_at(bytes: &[u8], i: usize) -> bool {
    let Some(candidate) = bytes.get(i..i + KEY_LEN) else {
        return false;
    };
    let starts_word = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
    let ends_word = !matches!(bytes.get(i + KEY_LEN), Some(b) if b.is_ascii_alphanumeric());
    starts_word
        && ends_word
        && KEY_PREFIXES
            .iter()
            .any(|p| candidate.starts_with(p.as_bytes()))
        && candidate
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn masks_access_key_ids() {
        assert_eq!(
            redact("The key ASIAXXXXXXXXXXXXXXX1 is invalid"),
            "The key [redacted] is invalid"
        );
        assert_eq!(redact("AKIAIOSFODNN7EXAMPLE"), "[redacted]");
    }

    #[test]
    fn keeps_words_that_only_look_similar() {
        // Too short, lower case, or part of a longer word: left alone.
        assert_eq!(redact("AKIA123"), "AKIA123");
        assert_eq!(redact("XAKIAIOSFODNN7EXAMPLE"), "XAKIAIOSFODNN7EXAMPLE");
        assert_eq!(
            redact("arn:aws:iam::123456789012:role/Audit"),
            "arn:aws:iam::123456789012:role/Audit"
        );
    }

    #[test]
    fn masks_signed_request_fragments() {
        assert_eq!(
            redact("Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/iam/aws4_request, Signature=abcdef"),
            "Authorization: AWS4-HMAC-SHA256 Credential=[redacted], Signature=[redacted]"
        );
        assert_eq!(
            redact("?X-Amz-Security-Token=FwoGZXIvYXdzE&x=1"),
            "?X-Amz-Security-Token=[redacted]&x=1"
        );
    }

    #[test]
    fn keeps_non_ascii_text() {
        assert_eq!(redact("accès refusé — ok"), "accès refusé — ok");
    }
}
