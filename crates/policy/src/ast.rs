//! The IAM policy language as data: what a parsed and normalized policy document holds.
//!
//! Parsing (with precise errors) lives in [`crate::parse`]; this module only describes the
//! shapes. Everything that matching needs often (lower-cased actions, condition keys, the
//! principal kind) is normalized once here, and the clauses carry their compiled forms
//! ([`crate::compiled`]), so evaluation does no allocation on the hot path.

use std::fmt;

use crate::compiled::{ActionMatch, ActionSet, Compact, CompiledResource, PrincipalMatcher};

/// A whole policy document: identity, resource, trust, boundary, session, SCP or RCP.
#[derive(Clone, PartialEq)]
pub struct Policy {
    pub version: Version,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("version", &self.version)
            .field("id", &self.id)
            .field("statements", &self.statements)
            .finish()
    }
}

impl Policy {
    pub fn new(version: Version, id: Option<String>, statements: Vec<Statement>) -> Self {
        Policy {
            version,
            id,
            statements,
        }
    }
}

/// The `Version` element. Policy variables are only substituted under `2012-10-17`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V2012_10_17,
    V2008_10_17,
    /// No `Version` element: AWS treats the document as `2008-10-17`.
    Unspecified,
}

impl Version {
    /// Whether `${…}` policy variables are substituted (only the 2012-10-17 language has them).
    pub fn supports_variables(self) -> bool {
        matches!(self, Version::V2012_10_17)
    }
    pub fn as_str(self) -> Option<&'static str> {
        match self {
            Version::V2012_10_17 => Some("2012-10-17"),
            Version::V2008_10_17 => Some("2008-10-17"),
            Version::Unspecified => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        })
    }
}

/// One statement. `Action`/`NotAction` is mandatory; `Resource` is absent in trust policies.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<PrincipalClause>,
    pub action: ActionClause,
    pub resource: Option<ResourceClause>,
    /// Every (operator, key) pair of the `Condition` block; all must hold (AND).
    pub conditions: Vec<Condition>,
}

impl Statement {
    /// A label for messages: the Sid when there is one, else the index.
    pub fn label(&self, index: usize) -> String {
        match &self.sid {
            Some(sid) if !sid.is_empty() => format!("Statement[{index}] (Sid \"{sid}\")"),
            _ => format!("Statement[{index}]"),
        }
    }
}

/// `Principal` (negated = false) or `NotPrincipal` (negated = true).
///
/// Built with [`PrincipalClause::new`], which also compiles the entries for evaluation; the
/// fields are read-only by convention (changing them would leave the compiled form stale).
#[derive(Clone, PartialEq)]
pub struct PrincipalClause {
    pub negated: bool,
    pub principals: Vec<Principal>,
    /// One compiled matcher per entry of `principals`.
    pub(crate) matchers: Compact<PrincipalMatcher>,
}

impl fmt::Debug for PrincipalClause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrincipalClause")
            .field("negated", &self.negated)
            .field("principals", &self.principals)
            .finish()
    }
}

impl PrincipalClause {
    pub fn new(negated: bool, principals: Vec<Principal>) -> Self {
        let matchers = match principals.as_slice() {
            [one] => Compact::One(PrincipalMatcher::compile(one)),
            many => Compact::collect(many.iter().map(PrincipalMatcher::compile).collect()),
        };
        PrincipalClause {
            negated,
            principals,
            matchers,
        }
    }

    /// True when the clause is `"*"` or contains `{"AWS": "*"}`: anyone.
    pub fn has_wildcard(&self) -> bool {
        self.principals.iter().any(|p| p.is_wildcard())
    }
}

/// One entry of a `Principal` block.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Principal {
    pub kind: PrincipalKind,
    /// The value as written (bare account IDs are kept as written; see [`Principal::normalized`]).
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalKind {
    /// `"Principal": "*"` — everyone, including anonymous callers.
    Everyone,
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

impl PrincipalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Everyone => "*",
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }
}

impl Principal {
    pub fn is_wildcard(&self) -> bool {
        self.kind == PrincipalKind::Everyone
            || (self.kind == PrincipalKind::Aws && self.value == "*")
    }

    /// True for a bare 12-digit account ID (which AWS reads as the account root).
    pub fn is_bare_account_id(&self) -> bool {
        self.kind == PrincipalKind::Aws && is_account_id(&self.value)
    }

    /// The account this principal names as a whole (`arn:aws:iam::ID:root` or a bare ID).
    pub fn account_root(&self) -> Option<&str> {
        if self.kind != PrincipalKind::Aws {
            return None;
        }
        if is_account_id(&self.value) {
            return Some(&self.value);
        }
        let arn = crate::arn::Arn::parse(&self.value)?;
        if arn.service == "iam" && arn.resource == "root" {
            Some(arn.account)
        } else {
            None
        }
    }

    /// The canonical form used for matching: bare account IDs become `arn:aws:iam::ID:root`.
    pub fn normalized(&self) -> std::borrow::Cow<'_, str> {
        if self.is_bare_account_id() {
            std::borrow::Cow::Owned(format!("arn:aws:iam::{}:root", self.value))
        } else {
            std::borrow::Cow::Borrowed(&self.value)
        }
    }
}

/// True for exactly twelve ASCII digits.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// `Action` (negated = false) or `NotAction` (negated = true).
///
/// Built with [`ActionClause::new`], which also compiles the patterns (grouped by service) for
/// evaluation; the fields are read-only by convention.
#[derive(Clone, PartialEq)]
pub struct ActionClause {
    pub negated: bool,
    pub actions: Vec<ActionPattern>,
    pub(crate) set: ActionSet,
}

impl fmt::Debug for ActionClause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActionClause")
            .field("negated", &self.negated)
            .field("actions", &self.actions)
            .finish()
    }
}

impl ActionClause {
    pub fn new(negated: bool, actions: Vec<ActionPattern>) -> Self {
        let set = ActionSet::compile(&actions);
        ActionClause {
            negated,
            actions,
            set,
        }
    }

    /// Whether the clause covers the request's action (lower-cased and split once per
    /// request in `key`), `NotAction` included.
    #[inline]
    pub fn matches(&self, key: &crate::compiled::ActionKey<'_>) -> bool {
        self.set.matches(&self.actions, key) != self.negated
    }
}

/// An action pattern such as `s3:Get*` or `*`. Matching is case-insensitive, so the
/// lower-cased form is kept next to what was written, with its compiled form.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ActionPattern {
    pub raw: String,
    pub lower: String,
    /// Whether it has `*` or `?` (known once, not scanned for on every match).
    pub wildcard: bool,
    pub(crate) matcher: ActionMatch,
}

impl fmt::Debug for ActionPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActionPattern")
            .field("raw", &self.raw)
            .field("lower", &self.lower)
            .field("wildcard", &self.wildcard)
            .finish()
    }
}

impl ActionPattern {
    pub fn new(raw: &str) -> Self {
        Self::from_string(raw.to_string())
    }
    /// [`ActionPattern::new`] taking the text by value (one allocation less).
    pub fn from_string(raw: String) -> Self {
        let lower = raw.to_ascii_lowercase();
        let wildcard = raw.bytes().any(|b| matches!(b, b'*' | b'?'));
        ActionPattern {
            matcher: ActionMatch::compile(&lower, wildcard),
            lower,
            wildcard,
            raw,
        }
    }
    /// The service prefix (`s3` of `s3:GetObject`), or None for `*`.
    pub fn service(&self) -> Option<&str> {
        self.lower.split_once(':').map(|(s, _)| s)
    }
    pub fn is_wildcard_all(&self) -> bool {
        self.raw == "*"
    }
}

/// `Resource` (negated = false) or `NotResource` (negated = true). Patterns are ARNs with
/// `*`/`?` wildcards and (under 2012-10-17) policy variables; matching is case-sensitive.
///
/// Built with [`ResourceClause::new`], which also compiles the patterns; the fields are
/// read-only by convention.
#[derive(Clone, PartialEq)]
pub struct ResourceClause {
    pub negated: bool,
    pub resources: Vec<String>,
    /// Whether any pattern holds a `${…}` policy variable.
    pub variables: bool,
    /// One compiled pattern per entry of `resources`.
    pub(crate) compiled: Compact<CompiledResource>,
}

impl fmt::Debug for ResourceClause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResourceClause")
            .field("negated", &self.negated)
            .field("resources", &self.resources)
            .field("variables", &self.variables)
            .finish()
    }
}

impl ResourceClause {
    pub fn new(negated: bool, resources: Vec<String>) -> Self {
        let compiled = match resources.as_slice() {
            [one] => Compact::One(CompiledResource::compile(one)),
            many => Compact::collect(many.iter().map(|r| CompiledResource::compile(r)).collect()),
        };
        ResourceClause {
            negated,
            variables: compiled.as_slice().iter().any(|c| c.has_variable),
            resources,
            compiled,
        }
    }
}

/// One (operator, key, values) triple from a `Condition` block.
///
/// Built with [`Condition::new`]; the fields are read-only by convention.
#[derive(Clone, PartialEq)]
pub struct Condition {
    pub operator: Operator,
    /// The key as written (for messages).
    pub key: String,
    /// The key lower-cased: condition keys are case-insensitive.
    pub key_lower: String,
    /// The values; several values are ORed (for negated operators: none may match).
    /// JSON numbers and booleans are kept in their textual form, as AWS does.
    pub values: Vec<String>,
    /// Whether some value holds `${` (a policy variable, for the operators that have them).
    pub(crate) has_variables: bool,
    /// Whether no value holds the escape byte (NUL): `StringEquals` is then plain equality.
    pub(crate) plain: bool,
}

impl fmt::Debug for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condition")
            .field("operator", &self.operator)
            .field("key", &self.key)
            .field("key_lower", &self.key_lower)
            .field("values", &self.values)
            .finish()
    }
}

impl Condition {
    pub fn new(operator: Operator, key: String, values: Vec<String>) -> Self {
        Condition {
            operator,
            key_lower: key.to_ascii_lowercase(),
            key,
            has_variables: values.iter().any(|v| v.contains("${")),
            plain: !values
                .iter()
                .any(|v| v.as_bytes().contains(&crate::pattern::ESCAPE)),
            values,
        }
    }
}

/// A condition operator with its `IfExists` suffix and set qualifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator {
    pub kind: OperatorKind,
    pub if_exists: bool,
    pub set: Option<SetQualifier>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

/// The base operators AWS defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperatorKind {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// The family an operator belongs to, which decides how values are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperatorFamily {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

impl OperatorKind {
    pub const ALL: [OperatorKind; 27] = [
        OperatorKind::StringEquals,
        OperatorKind::StringNotEquals,
        OperatorKind::StringEqualsIgnoreCase,
        OperatorKind::StringNotEqualsIgnoreCase,
        OperatorKind::StringLike,
        OperatorKind::StringNotLike,
        OperatorKind::NumericEquals,
        OperatorKind::NumericNotEquals,
        OperatorKind::NumericLessThan,
        OperatorKind::NumericLessThanEquals,
        OperatorKind::NumericGreaterThan,
        OperatorKind::NumericGreaterThanEquals,
        OperatorKind::DateEquals,
        OperatorKind::DateNotEquals,
        OperatorKind::DateLessThan,
        OperatorKind::DateLessThanEquals,
        OperatorKind::DateGreaterThan,
        OperatorKind::DateGreaterThanEquals,
        OperatorKind::Bool,
        OperatorKind::BinaryEquals,
        OperatorKind::IpAddress,
        OperatorKind::NotIpAddress,
        OperatorKind::ArnEquals,
        OperatorKind::ArnLike,
        OperatorKind::ArnNotEquals,
        OperatorKind::ArnNotLike,
        OperatorKind::Null,
    ];

    pub fn name(self) -> &'static str {
        use OperatorKind::*;
        match self {
            StringEquals => "StringEquals",
            StringNotEquals => "StringNotEquals",
            StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            StringLike => "StringLike",
            StringNotLike => "StringNotLike",
            NumericEquals => "NumericEquals",
            NumericNotEquals => "NumericNotEquals",
            NumericLessThan => "NumericLessThan",
            NumericLessThanEquals => "NumericLessThanEquals",
            NumericGreaterThan => "NumericGreaterThan",
            NumericGreaterThanEquals => "NumericGreaterThanEquals",
            DateEquals => "DateEquals",
            DateNotEquals => "DateNotEquals",
            DateLessThan => "DateLessThan",
            DateLessThanEquals => "DateLessThanEquals",
            DateGreaterThan => "DateGreaterThan",
            DateGreaterThanEquals => "DateGreaterThanEquals",
            Bool => "Bool",
            BinaryEquals => "BinaryEquals",
            IpAddress => "IpAddress",
            NotIpAddress => "NotIpAddress",
            ArnEquals => "ArnEquals",
            ArnLike => "ArnLike",
            ArnNotEquals => "ArnNotEquals",
            ArnNotLike => "ArnNotLike",
            Null => "Null",
        }
    }

    /// Operator names are matched case-insensitively, like the rest of the Condition block
    /// is by IAM's parser.
    pub fn from_name(name: &str) -> Option<OperatorKind> {
        OperatorKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }

    pub fn family(self) -> OperatorFamily {
        use OperatorKind::*;
        match self {
            StringEquals
            | StringNotEquals
            | StringEqualsIgnoreCase
            | StringNotEqualsIgnoreCase
            | StringLike
            | StringNotLike => OperatorFamily::String,
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => OperatorFamily::Numeric,
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => OperatorFamily::Date,
            Bool => OperatorFamily::Bool,
            BinaryEquals => OperatorFamily::Binary,
            IpAddress | NotIpAddress => OperatorFamily::Ip,
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => OperatorFamily::Arn,
            Null => OperatorFamily::Null,
        }
    }

    /// Negated operators match when *no* policy value matches, and are true when the key is
    /// absent (AWS: "If the key … is not present … the condition is true" for Not operators).
    pub fn is_negated(self) -> bool {
        use OperatorKind::*;
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }

    /// The positive operator a negated one is the complement of (StringNotLike → StringLike).
    pub fn positive(self) -> OperatorKind {
        use OperatorKind::*;
        match self {
            StringNotEquals => StringEquals,
            StringNotEqualsIgnoreCase => StringEqualsIgnoreCase,
            StringNotLike => StringLike,
            NumericNotEquals => NumericEquals,
            DateNotEquals => DateEquals,
            NotIpAddress => IpAddress,
            ArnNotEquals => ArnEquals,
            ArnNotLike => ArnLike,
            other => other,
        }
    }

    /// Whether `${…}` policy variables are substituted in this operator's values.
    pub fn supports_variables(self) -> bool {
        matches!(self.family(), OperatorFamily::String | OperatorFamily::Arn)
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.set {
            Some(SetQualifier::ForAllValues) => f.write_str("ForAllValues:")?,
            Some(SetQualifier::ForAnyValue) => f.write_str("ForAnyValue:")?,
            None => {}
        }
        f.write_str(self.kind.name())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

impl Operator {
    /// Parses `ForAnyValue:StringLikeIfExists` and friends; None for an unknown operator.
    pub fn parse(name: &str) -> Option<Operator> {
        let (set, rest) = if let Some(rest) = strip_prefix_ci(name, "ForAllValues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else if let Some(rest) = strip_prefix_ci(name, "ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else {
            (None, name)
        };
        if let Some(kind) = OperatorKind::from_name(rest) {
            return Some(Operator {
                kind,
                if_exists: false,
                set,
            });
        }
        let base = strip_suffix_ci(rest, "IfExists")?;
        let kind = OperatorKind::from_name(base)?;
        // `Null` has no IfExists form: it is itself the existence test.
        if kind == OperatorKind::Null {
            return None;
        }
        Some(Operator {
            kind,
            if_exists: true,
            set,
        })
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    if s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
    {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    if s.is_char_boundary(cut) && s[cut..].eq_ignore_ascii_case(suffix) {
        Some(&s[..cut])
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_names_round_trip() {
        for kind in OperatorKind::ALL {
            let op = Operator::parse(kind.name()).unwrap();
            assert_eq!(op.kind, kind);
            assert!(!op.if_exists);
        }
        let op = Operator::parse("ForAnyValue:StringLikeIfExists").unwrap();
        assert_eq!(op.set, Some(SetQualifier::ForAnyValue));
        assert!(op.if_exists);
        assert_eq!(op.to_string(), "ForAnyValue:StringLikeIfExists");
        assert!(Operator::parse("NullIfExists").is_none());
        assert!(Operator::parse("StringEqualz").is_none());
        assert_eq!(
            Operator::parse("stringequals").unwrap().kind,
            OperatorKind::StringEquals
        );
    }

    #[test]
    fn account_root_forms() {
        let bare = Principal {
            kind: PrincipalKind::Aws,
            value: "123456789012".into(),
        };
        assert_eq!(bare.account_root(), Some("123456789012"));
        assert_eq!(bare.normalized(), "arn:aws:iam::123456789012:root");
        let root = Principal {
            kind: PrincipalKind::Aws,
            value: "arn:aws:iam::123456789012:root".into(),
        };
        assert_eq!(root.account_root(), Some("123456789012"));
        let role = Principal {
            kind: PrincipalKind::Aws,
            value: "arn:aws:iam::123456789012:role/x".into(),
        };
        assert_eq!(role.account_root(), None);
    }
}
