//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team}`, `${*}`, `${?}`, `${$}`
//! and defaults `${aws:username, 'nobody'}`. Substituted only under Version 2012-10-17, in
//! `Resource`/`NotResource` and in String/ARN condition values.

use crate::context::{Context, ContextValue, Lookup};
use crate::pattern::escape_literal;

/// The result of substituting the variables of one policy string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Substituted<'a> {
    /// No variable in the string: use it as it is.
    Unchanged(&'a str),
    /// Every variable resolved. Substituted text is escaped so it matches only itself.
    Value(String),
    /// A variable's key is absent (and has no default): the element does not match.
    Missing,
    /// A variable's key is unknown (partial evaluation).
    Unknown(String),
}

/// Substitutes the variables of `text` from `ctx`.
pub fn substitute<'a>(text: &'a str, ctx: &Context) -> Substituted<'a> {
    if !text.contains("${") {
        return Substituted::Unchanged(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            // An unterminated `${` is literal text.
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let inner = &after[..end];
        rest = &after[end + 1..];
        match inner {
            "*" => out.push_str("\0*"),
            "?" => out.push_str("\0?"),
            "$" => out.push('$'),
            _ => {
                let (key, default) = split_default(inner);
                match ctx.get(key.trim()) {
                    Lookup::Present(ContextValue::Single(v)) => escape_literal(v, &mut out),
                    // Multi-valued keys cannot be used as variables; nor can missing ones.
                    Lookup::Present(ContextValue::Multi(_)) | Lookup::Missing => match default {
                        Some(d) => escape_literal(d, &mut out),
                        None => return Substituted::Missing,
                    },
                    Lookup::Unknown => return Substituted::Unknown(key.trim().to_string()),
                }
            }
        }
    }
    out.push_str(rest);
    Substituted::Value(out)
}

/// `aws:username, 'default'` → (`aws:username`, Some(`default`)).
fn split_default(inner: &str) -> (&str, Option<&str>) {
    if let Some((key, def)) = inner.split_once(',') {
        let def = def.trim();
        if let Some(d) = def.strip_prefix('\'').and_then(|d| d.strip_suffix('\'')) {
            return (key, Some(d));
        }
    }
    (inner, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        let mut c = Context::new();
        c.insert("aws:username", ContextValue::Single("alice".into()));
        c.insert("aws:TagKeys", ContextValue::Multi(vec!["a".into()]));
        c
    }

    #[test]
    fn substitutes() {
        let c = ctx();
        assert_eq!(
            substitute("arn:aws:s3:::b/${aws:username}/*", &c),
            Substituted::Value("arn:aws:s3:::b/alice/*".into())
        );
        assert_eq!(substitute("plain", &c), Substituted::Unchanged("plain"));
        assert_eq!(substitute("${*}", &c), Substituted::Value("\0*".into()));
        assert_eq!(substitute("${$}x", &c), Substituted::Value("$x".into()));
        assert_eq!(substitute("${aws:userid}", &c), Substituted::Missing);
        assert_eq!(
            substitute("${aws:userid, 'none'}", &c),
            Substituted::Value("none".into())
        );
        assert_eq!(substitute("${aws:TagKeys}", &c), Substituted::Missing);
        assert_eq!(
            substitute("${AWS:USERNAME}", &c),
            Substituted::Value("alice".into()),
            "keys are case-insensitive"
        );
        let p = Context::partial();
        assert_eq!(
            substitute("${aws:username}", &p),
            Substituted::Unknown("aws:username".into())
        );
    }
}
