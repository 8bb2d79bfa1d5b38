//! Condition operators, evaluated as AWS documents them.
//!
//! * Several values for one key are ORed; for negated operators (`StringNotEquals`, …) the
//!   condition holds when *no* value matches — the complement of the positive operator.
//! * A key absent from the request makes a positive operator false and a negated one true;
//!   `…IfExists` makes any operator true; `Null` tests presence itself.
//! * `ForAllValues:` holds when every request value matches (vacuously when the key is absent
//!   or empty); `ForAnyValue:` when at least one does (false when absent).
//! * An unknown key (partial evaluation) yields the condition itself as a residual atom.

use std::net::IpAddr;

use base64::Engine;
use ipnet::IpNet;

use crate::ast::{Condition, OperatorFamily, OperatorKind, SetQualifier};
#[cfg(test)]
use crate::context::ContextValue;
use crate::context::{Context, Lookup};
use crate::pattern::{arn_matches, literal_eq, wildcard_match};
use crate::residual::{Atom, Expr};
use crate::variables::{substitute, Substituted};

/// Evaluates one (operator, key, values) condition against the request context.
/// `variables` says whether `${…}` policy variables are substituted (Version 2012-10-17).
pub fn evaluate_condition(cond: &Condition, ctx: &Context, variables: bool) -> Expr {
    let op = cond.operator;
    let lookup = ctx.get_lower(&cond.key_lower);

    if op.kind == OperatorKind::Null {
        return match lookup {
            Lookup::Unknown => residual(cond),
            Lookup::Present(v) => {
                let present = !v.as_slice().is_empty();
                Expr::from_bool(cond.values.iter().any(|pv| null_value_matches(pv, present)))
            }
            Lookup::Missing => {
                Expr::from_bool(cond.values.iter().any(|pv| null_value_matches(pv, false)))
            }
        };
    }

    let request_values: &[String] = match lookup {
        Lookup::Unknown => return residual(cond),
        Lookup::Present(v) => v.as_slice(),
        Lookup::Missing => &[],
    };
    let absent = request_values.is_empty();

    if absent {
        if op.if_exists {
            return Expr::True;
        }
        return Expr::from_bool(match op.set {
            Some(SetQualifier::ForAllValues) => true,
            Some(SetQualifier::ForAnyValue) => false,
            None => op.kind.is_negated(),
        });
    }

    // Resolve policy variables in the policy values first.
    let mut owned: Vec<String> = Vec::new();
    let policy_values: &[String] =
        if variables && cond.has_variables && op.kind.supports_variables() {
            for v in &cond.values {
                match substitute(v, ctx) {
                    Substituted::Unchanged(s) => owned.push(s.to_string()),
                    Substituted::Value(s) => owned.push(s),
                    // A value whose variable is missing matches nothing; the others still count.
                    Substituted::Missing => {}
                    Substituted::Unknown(_) => return residual(cond),
                }
            }
            &owned
        } else {
            &cond.values
        };

    let positive = op.kind.positive();
    // Values as written, without escapes: `StringEquals` is plain equality (what
    // `literal_eq` finds after looking for escapes).
    let plain_equals = positive == OperatorKind::StringEquals && cond.plain && owned.is_empty();
    let value_matches = |request_value: &str| -> bool {
        if plain_equals {
            return policy_values.iter().any(|pv| pv == request_value);
        }
        policy_values
            .iter()
            .any(|pv| positive_match(positive, pv, request_value))
    };

    let result = match op.set {
        Some(SetQualifier::ForAllValues) => request_values.iter().all(|rv| {
            let m = value_matches(rv);
            if op.kind.is_negated() {
                !m
            } else {
                m
            }
        }),
        Some(SetQualifier::ForAnyValue) => request_values.iter().any(|rv| {
            let m = value_matches(rv);
            if op.kind.is_negated() {
                !m
            } else {
                m
            }
        }),
        None => {
            let m = request_values.iter().any(|rv| value_matches(rv));
            if op.kind.is_negated() {
                !m
            } else {
                m
            }
        }
    };
    Expr::from_bool(result)
}

fn residual(cond: &Condition) -> Expr {
    Expr::atom(Atom::condition(&cond.operator, &cond.key, &cond.values))
}

fn null_value_matches(policy_value: &str, present: bool) -> bool {
    if policy_value.eq_ignore_ascii_case("true") {
        !present
    } else if policy_value.eq_ignore_ascii_case("false") {
        present
    } else {
        false
    }
}

/// Whether one request value matches one policy value under a *positive* operator.
pub fn positive_match(kind: OperatorKind, policy_value: &str, request_value: &str) -> bool {
    use OperatorKind::*;
    match kind {
        StringEquals => literal_eq(policy_value, request_value, false),
        StringEqualsIgnoreCase => literal_eq(policy_value, request_value, true),
        StringLike => wildcard_match(policy_value, request_value, false),
        NumericEquals
        | NumericLessThan
        | NumericLessThanEquals
        | NumericGreaterThan
        | NumericGreaterThanEquals => {
            match (parse_number(request_value), parse_number(policy_value)) {
                (Some(r), Some(p)) => compare(kind, r.partial_cmp(&p)),
                _ => false,
            }
        }
        DateEquals
        | DateLessThan
        | DateLessThanEquals
        | DateGreaterThan
        | DateGreaterThanEquals => match (parse_date(request_value), parse_date(policy_value)) {
            (Some(r), Some(p)) => compare(kind, Some(r.cmp(&p))),
            _ => false,
        },
        Bool => match (parse_bool(request_value), parse_bool(policy_value)) {
            (Some(r), Some(p)) => r == p,
            _ => false,
        },
        BinaryEquals => {
            let engine = base64::engine::general_purpose::STANDARD;
            match (engine.decode(request_value), engine.decode(policy_value)) {
                (Ok(r), Ok(p)) => r == p,
                _ => request_value == policy_value,
            }
        }
        IpAddress => match (parse_ip(request_value), parse_net(policy_value)) {
            (Some(ip), Some(net)) => net.contains(&ip),
            _ => false,
        },
        ArnEquals | ArnLike => arn_matches(policy_value, request_value),
        // Negated kinds are never passed here (callers use `positive()`); Null is handled
        // by the caller.
        StringNotEquals
        | StringNotEqualsIgnoreCase
        | StringNotLike
        | NumericNotEquals
        | DateNotEquals
        | NotIpAddress
        | ArnNotEquals
        | ArnNotLike
        | Null => !positive_match(kind.positive(), policy_value, request_value),
    }
}

fn compare(kind: OperatorKind, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    use OperatorKind::*;
    let Some(ord) = ord else { return false };
    match kind {
        NumericEquals | DateEquals => ord == Equal,
        NumericLessThan | DateLessThan => ord == Less,
        NumericLessThanEquals | DateLessThanEquals => ord != Greater,
        NumericGreaterThan | DateGreaterThan => ord == Greater,
        NumericGreaterThanEquals | DateGreaterThanEquals => ord != Less,
        _ => false,
    }
}

/// Numbers as IAM accepts them: integers and decimals.
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("nan") || s.to_ascii_lowercase().contains("inf") {
        return None;
    }
    s.parse::<f64>().ok()
}

/// Dates as IAM accepts them: ISO 8601 date-times (with `Z` or an offset, optional fraction),
/// bare dates (`2024-01-31`, midnight UTC), date-times without offset (UTC), and epoch
/// seconds. Returned as nanoseconds since the epoch.
pub fn parse_date(s: &str) -> Option<i128> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        let secs: i64 = s.parse().ok()?;
        return jiff::Timestamp::from_second(secs)
            .ok()
            .map(|t| t.as_nanosecond());
    }
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Some(t.as_nanosecond());
    }
    if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
        return dt
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp().as_nanosecond());
    }
    if let Ok(d) = s.parse::<jiff::civil::Date>() {
        return d
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp().as_nanosecond());
    }
    None
}

fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

fn parse_ip(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    s.parse::<IpAddr>()
        .ok()
        .or_else(|| s.parse::<IpNet>().ok().map(|n| n.addr()))
}

/// A CIDR block, or a bare address read as /32 (IPv4) or /128 (IPv6) as IAM does.
pub fn parse_net(s: &str) -> Option<IpNet> {
    let s = s.trim();
    if let Ok(n) = s.parse::<IpNet>() {
        return Some(n.trunc());
    }
    s.parse::<IpAddr>().ok().map(IpNet::from)
}

/// Whether a policy value is well-formed for the operator's family (for validation).
pub fn value_is_valid(family: OperatorFamily, value: &str) -> bool {
    match family {
        OperatorFamily::Numeric => parse_number(value).is_some(),
        OperatorFamily::Date => parse_date(value).is_some(),
        OperatorFamily::Bool | OperatorFamily::Null => parse_bool(value).is_some(),
        OperatorFamily::Ip => parse_net(value).is_some(),
        OperatorFamily::Binary => base64::engine::general_purpose::STANDARD
            .decode(value)
            .is_ok(),
        OperatorFamily::String | OperatorFamily::Arn => true,
    }
}

/// Whether the context holds a non-empty value for the key (used by explanations).
pub fn context_has(ctx: &Context, key_lower: &str) -> bool {
    matches!(ctx.get_lower(key_lower), Lookup::Present(v) if !v.as_slice().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Operator;

    fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
        Condition::new(
            Operator::parse(op).unwrap(),
            key.into(),
            values.iter().map(|s| s.to_string()).collect(),
        )
    }

    fn ctx(pairs: &[(&str, &str)]) -> Context {
        let mut c = Context::new();
        for (k, v) in pairs {
            c.insert(k, ContextValue::Single(v.to_string()));
        }
        c
    }

    fn multi(key: &str, values: &[&str]) -> Context {
        let mut c = Context::new();
        c.insert(
            key,
            ContextValue::Multi(values.iter().map(|s| s.to_string()).collect()),
        );
        c
    }

    fn eval(op: &str, key: &str, values: &[&str], c: &Context) -> bool {
        match evaluate_condition(&cond(op, key, values), c, true) {
            Expr::True => true,
            Expr::False => false,
            other => panic!("unexpected residual {other}"),
        }
    }

    #[test]
    fn string_operators() {
        let c = ctx(&[("k", "Prod")]);
        assert!(eval("StringEquals", "k", &["Prod"], &c));
        assert!(!eval("StringEquals", "k", &["prod"], &c));
        assert!(
            eval("StringEquals", "k", &["x", "Prod"], &c),
            "values are ORed"
        );
        assert!(eval("StringEqualsIgnoreCase", "k", &["prod"], &c));
        assert!(
            !eval("StringNotEquals", "k", &["Prod", "x"], &c),
            "negated: none may match"
        );
        assert!(eval("StringNotEquals", "k", &["x", "y"], &c));
        assert!(eval("StringNotEqualsIgnoreCase", "k", &["dev"], &c));
        assert!(!eval("StringNotEqualsIgnoreCase", "k", &["PROD"], &c));
        assert!(eval("StringLike", "k", &["P*"], &c));
        assert!(eval("StringLike", "k", &["Pr?d"], &c));
        assert!(!eval("StringLike", "k", &["p*"], &c));
        assert!(eval("StringNotLike", "k", &["D*"], &c));
        assert!(
            !eval("StringEquals", "k", &["P*"], &c),
            "StringEquals has no wildcards"
        );
        assert!(
            eval("stringequals", "K", &["Prod"], &c),
            "keys case-insensitive"
        );
    }

    #[test]
    fn missing_keys() {
        let c = Context::new();
        assert!(!eval("StringEquals", "k", &["a"], &c));
        assert!(
            eval("StringNotEquals", "k", &["a"], &c),
            "negated op with missing key is true"
        );
        assert!(eval("StringNotLike", "k", &["a"], &c));
        assert!(eval("NotIpAddress", "aws:SourceIp", &["10.0.0.0/8"], &c));
        assert!(eval("ArnNotLike", "aws:PrincipalArn", &["arn:*"], &c));
        assert!(eval("StringEqualsIfExists", "k", &["a"], &c));
        assert!(eval("NumericLessThanIfExists", "k", &["1"], &c));
        assert!(
            eval("ForAllValues:StringEquals", "k", &["a"], &c),
            "vacuous truth"
        );
        assert!(!eval("ForAnyValue:StringEquals", "k", &["a"], &c));
        assert!(eval("ForAnyValue:StringEqualsIfExists", "k", &["a"], &c));
        assert!(eval("Null", "k", &["true"], &c));
        assert!(!eval("Null", "k", &["false"], &c));
    }

    #[test]
    fn if_exists_checks_present_keys() {
        let c = ctx(&[("k", "b")]);
        assert!(!eval("StringEqualsIfExists", "k", &["a"], &c));
        assert!(eval("StringEqualsIfExists", "k", &["b"], &c));
        assert!(!eval("Null", "k", &["true"], &c));
        assert!(eval("Null", "k", &["false"], &c));
    }

    #[test]
    fn numeric_operators() {
        let c = ctx(&[("n", "10")]);
        assert!(eval("NumericEquals", "n", &["10"], &c));
        assert!(eval("NumericEquals", "n", &["10.0"], &c));
        assert!(eval("NumericNotEquals", "n", &["11"], &c));
        assert!(eval("NumericLessThan", "n", &["11"], &c));
        assert!(!eval("NumericLessThan", "n", &["10"], &c));
        assert!(eval("NumericLessThanEquals", "n", &["10"], &c));
        assert!(eval("NumericGreaterThan", "n", &["9.5"], &c));
        assert!(eval("NumericGreaterThanEquals", "n", &["10"], &c));
        assert!(
            !eval("NumericEquals", "n", &["ten"], &c),
            "bad policy value never matches"
        );
        assert!(!eval("NumericEquals", "n", &["NaN"], &c));
    }

    #[test]
    fn date_operators() {
        let c = ctx(&[("aws:CurrentTime", "2024-06-01T12:00:00Z")]);
        assert!(eval(
            "DateGreaterThan",
            "aws:CurrentTime",
            &["2024-01-01T00:00:00Z"],
            &c
        ));
        assert!(
            eval("DateGreaterThan", "aws:CurrentTime", &["2024-01-01"], &c),
            "bare date"
        );
        assert!(
            eval("DateLessThan", "aws:CurrentTime", &["1735689600"], &c),
            "epoch seconds"
        );
        assert!(eval(
            "DateEquals",
            "aws:CurrentTime",
            &["2024-06-01T14:00:00+02:00"],
            &c
        ));
        assert!(eval(
            "DateNotEquals",
            "aws:CurrentTime",
            &["2024-06-02"],
            &c
        ));
        assert!(eval(
            "DateLessThanEquals",
            "aws:CurrentTime",
            &["2024-06-01T12:00:00Z"],
            &c
        ));
        assert!(eval(
            "DateGreaterThanEquals",
            "aws:CurrentTime",
            &["2024-06-01T12:00:00.000Z"],
            &c
        ));
        assert!(!eval(
            "DateGreaterThan",
            "aws:CurrentTime",
            &["garbage"],
            &c
        ));
        let epoch = ctx(&[("aws:EpochTime", "1717243200")]);
        assert!(eval(
            "DateEquals",
            "aws:EpochTime",
            &["2024-06-01T12:00:00Z"],
            &epoch
        ));
    }

    #[test]
    fn bool_binary_ip_arn() {
        let c = ctx(&[
            ("aws:MultiFactorAuthPresent", "true"),
            ("aws:SourceIp", "203.0.113.7"),
            ("aws:SourceIp6", "2001:db8::1"),
            ("b", "aGVsbG8="),
            ("aws:SourceArn", "arn:aws:s3:::bucket-a"),
        ]);
        assert!(eval("Bool", "aws:MultiFactorAuthPresent", &["true"], &c));
        assert!(eval("Bool", "aws:MultiFactorAuthPresent", &["TRUE"], &c));
        assert!(!eval("Bool", "aws:MultiFactorAuthPresent", &["false"], &c));
        assert!(eval("BinaryEquals", "b", &["aGVsbG8="], &c));
        assert!(!eval("BinaryEquals", "b", &["aGVsbG9="], &c));
        assert!(eval("IpAddress", "aws:SourceIp", &["203.0.113.0/24"], &c));
        assert!(
            eval("IpAddress", "aws:SourceIp", &["203.0.113.7"], &c),
            "bare IP is /32"
        );
        assert!(!eval("IpAddress", "aws:SourceIp", &["203.0.113.8"], &c));
        assert!(eval("NotIpAddress", "aws:SourceIp", &["10.0.0.0/8"], &c));
        assert!(eval("IpAddress", "aws:SourceIp6", &["2001:db8::/32"], &c));
        assert!(!eval("IpAddress", "aws:SourceIp6", &["203.0.113.0/24"], &c));
        assert!(
            eval("IpAddress", "aws:SourceIp", &["203.0.113.9/24"], &c),
            "host bits ignored"
        );
        assert!(eval(
            "ArnLike",
            "aws:SourceArn",
            &["arn:aws:s3:::bucket-*"],
            &c
        ));
        assert!(eval(
            "ArnEquals",
            "aws:SourceArn",
            &["arn:aws:s3:::bucket-?"],
            &c
        ));
        assert!(!eval(
            "ArnLike",
            "aws:SourceArn",
            &["arn:aws:s3:::Bucket-*"],
            &c
        ));
        assert!(eval(
            "ArnNotEquals",
            "aws:SourceArn",
            &["arn:aws:s3:::other"],
            &c
        ));
        assert!(!eval(
            "ArnNotLike",
            "aws:SourceArn",
            &["arn:aws:s3:::*"],
            &c
        ));
    }

    #[test]
    fn set_operators() {
        let c = multi("aws:TagKeys", &["env", "team"]);
        assert!(eval(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            &["env", "team", "x"],
            &c
        ));
        assert!(!eval(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            &["env"],
            &c
        ));
        assert!(eval(
            "ForAnyValue:StringEquals",
            "aws:TagKeys",
            &["env"],
            &c
        ));
        assert!(!eval("ForAnyValue:StringEquals", "aws:TagKeys", &["x"], &c));
        assert!(eval("ForAnyValue:StringLike", "aws:TagKeys", &["te*"], &c));
        assert!(eval(
            "ForAllValues:StringNotEquals",
            "aws:TagKeys",
            &["x"],
            &c
        ));
        assert!(!eval(
            "ForAllValues:StringNotEquals",
            "aws:TagKeys",
            &["env"],
            &c
        ));
        assert!(eval(
            "ForAnyValue:StringNotEquals",
            "aws:TagKeys",
            &["env"],
            &c
        ));
        assert!(!eval(
            "ForAnyValue:StringNotEquals",
            "aws:TagKeys",
            &["env", "team"],
            &c
        ));
        let empty = multi("aws:TagKeys", &[]);
        assert!(eval(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            &["a"],
            &empty
        ));
        assert!(!eval(
            "ForAnyValue:StringEquals",
            "aws:TagKeys",
            &["a"],
            &empty
        ));
        // A plain operator on a multi-valued key matches if any value matches.
        assert!(eval("StringEquals", "aws:TagKeys", &["team"], &c));
        assert!(!eval("StringNotEquals", "aws:TagKeys", &["team"], &c));
    }

    #[test]
    fn variables_in_values() {
        let c = ctx(&[("aws:username", "alice"), ("s3:prefix", "home/alice/x")]);
        assert!(eval(
            "StringLike",
            "s3:prefix",
            &["home/${aws:username}/*"],
            &c
        ));
        assert!(!eval(
            "StringLike",
            "s3:prefix",
            &["home/${aws:userid}/*"],
            &c
        ));
        let no_vars = evaluate_condition(
            &cond("StringLike", "s3:prefix", &["home/${aws:username}/*"]),
            &c,
            false,
        );
        assert_eq!(
            no_vars,
            Expr::False,
            "2008-10-17 policies take ${{…}} literally"
        );
    }

    #[test]
    fn unknown_keys_become_residuals() {
        let c = Context::partial();
        let e = evaluate_condition(&cond("StringEquals", "sts:ExternalId", &["abc"]), &c, true);
        assert_eq!(e.to_string(), "StringEquals sts:ExternalId \"abc\"");
        let e = evaluate_condition(&cond("Null", "aws:SourceIp", &["true"]), &c, true);
        assert!(e.is_residual());
        let mut known = Context::partial();
        known.insert("aws:username", ContextValue::Single("bob".into()));
        let e = evaluate_condition(&cond("StringEquals", "k", &["${aws:userid}"]), &known, true);
        assert!(e.is_residual(), "unknown variable keeps the condition");
    }

    #[test]
    fn value_validation() {
        assert!(value_is_valid(OperatorFamily::Date, "2024-01-01"));
        assert!(!value_is_valid(OperatorFamily::Date, "sdfdsf"));
        assert!(!value_is_valid(OperatorFamily::Numeric, "x"));
        assert!(value_is_valid(OperatorFamily::Ip, "10.0.0.0/8"));
        assert!(!value_is_valid(OperatorFamily::Ip, "10.0.0.0/33"));
    }
}
