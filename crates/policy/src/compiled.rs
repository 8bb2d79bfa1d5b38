//! Policies compiled for evaluation: what the parser works out once so that deciding a
//! request does no parsing, no lower-casing and no allocation.
//!
//! * Action patterns keep their service prefix's hash and length and the kind of their action
//!   name ([`ActionMatch`], inside [`ActionPattern`]); a list keeps a mask of the services it
//!   names (most statements of a policy are ruled out by one test) and, when long, its
//!   patterns sorted by service hash ([`ActionSet`]).
//! * Resource patterns keep where their ARN segments are and what kind of wildcard pattern
//!   each is ([`ArnPattern`]); the request's resource ARN is split once per request
//!   ([`ResourceKey`]).
//! * Principal entries are pre-parsed into what they can match ([`PrincipalMatcher`]).
//!
//! The compiled forms hold no text of their own (offsets into the strings they were compiled
//! from, which are passed again when matching): compiling allocates little and a snapshot of
//! millions of statements stays small. Every compiled matcher answers exactly as the
//! straightforward function it replaces ([`crate::pattern::action_pattern_matches`],
//! [`crate::pattern::arn_matches`], [`crate::eval::principal_grant`]); property tests check
//! that on random patterns.

use crate::arn::{Arn, PrincipalId};
use crate::ast::{is_account_id, ActionPattern, Principal, PrincipalKind};
use crate::eval::Grant;
use crate::pattern::{action_matches, has_wildcard, wildcard_match, WildKind, ESCAPE};

/// FNV-1a, 32 bits: a service prefix is a handful of bytes and only needs to be told apart
/// from the few other services of one policy (equal hashes are confirmed by comparing the
/// text); a dependency would buy nothing here.
#[inline]
fn hash(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in s.as_bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Byte equality written out for short strings (service prefixes): cheaper inline than a
/// call to `memcmp`.
#[inline]
fn eq_short(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Compiled forms of a list: inline when there is one (the usual case: no allocation),
/// boxed otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Compact<T> {
    One(T),
    Many(Box<[T]>),
}

impl<T> Compact<T> {
    pub fn collect(mut items: Vec<T>) -> Compact<T> {
        if items.len() == 1 {
            Compact::One(items.pop().expect("one item"))
        } else {
            Compact::Many(items.into_boxed_slice())
        }
    }

    #[inline]
    pub fn as_slice(&self) -> &[T] {
        match self {
            Compact::One(t) => std::slice::from_ref(t),
            Compact::Many(v) => v,
        }
    }
}

// ----- Actions ----------------------------------------------------------------------------

/// A request's action, lower-cased and split once per request.
#[derive(Debug, Clone, Copy)]
pub struct ActionKey<'a> {
    /// The whole action, lower-cased.
    pub lower: &'a str,
    /// The part before the first `:` and its hash (None when there is no `:`).
    service: Option<(&'a str, u32)>,
    /// The part after the first `:`.
    name: &'a str,
    /// The service's bit in [`ActionSet`] masks.
    bit: u64,
}

/// The bit of a service hash in a 64-bit mask of services.
#[inline]
fn bit(hash: u32) -> u64 {
    1 << (hash % 63)
}

/// The bit of an action without a service prefix (such as `*`): set in no service's mask,
/// only in the masks of lists that match without one.
const NO_SERVICE: u64 = 1 << 63;

impl<'a> ActionKey<'a> {
    /// From an already lower-cased action.
    #[inline]
    pub fn new(lower: &'a str) -> ActionKey<'a> {
        // A short scan: services are a few bytes long.
        match lower.bytes().position(|b| b == b':') {
            Some(i) => {
                let service = &lower[..i];
                let h = hash(service);
                ActionKey {
                    lower,
                    service: Some((service, h)),
                    name: &lower[i + 1..],
                    bit: bit(h),
                }
            }
            None => ActionKey {
                lower,
                service: None,
                name: "",
                bit: NO_SERVICE,
            },
        }
    }

    /// The service prefix (before the first `:`), if any.
    pub fn service(&self) -> Option<&'a str> {
        self.service.map(|(s, _)| s)
    }
}

/// One action pattern, compiled (kept inside [`ActionPattern`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionMatch {
    /// `*` (only stars): every action.
    Any,
    /// A literal service prefix (no wildcard, no escape): its hash and length in `lower`; and
    /// the kind of the action name after the colon.
    Service {
        hash: u32,
        service_len: u32,
        name: WildKind,
    },
    /// Anything else (a wildcard or an escape in the service prefix, no colon…): matched
    /// the straightforward way.
    General,
}

impl ActionMatch {
    /// Compiles a lower-cased pattern; `wildcard` says whether it has `*` or `?`.
    pub fn compile(lower: &str, wildcard: bool) -> ActionMatch {
        let b = lower.as_bytes();
        if wildcard && b.iter().all(|&c| c == b'*') {
            return ActionMatch::Any;
        }
        // One pass: the colon, and no wildcard or escape before it, no escape after.
        let mut colon = None;
        for (i, &c) in b.iter().enumerate() {
            match c {
                b':' if colon.is_none() => colon = Some(i),
                b'*' | b'?' if colon.is_none() => return ActionMatch::General,
                ESCAPE => return ActionMatch::General,
                _ => {}
            }
        }
        let Some(colon) = colon else {
            return ActionMatch::General;
        };
        let (service, name) = (&lower[..colon], &lower[colon + 1..]);
        ActionMatch::Service {
            hash: hash(service),
            service_len: service.len() as u32,
            // Without a wildcard the name is a literal (no escapes: checked above).
            name: WildKind::of(name),
        }
    }

    fn hash(&self) -> Option<u32> {
        match self {
            ActionMatch::Service { hash, .. } => Some(*hash),
            _ => None,
        }
    }
}

/// Whether one compiled pattern matches: the same answer as
/// [`crate::pattern::action_pattern_matches`].
#[inline]
fn pattern_matches(p: &ActionPattern, key: &ActionKey<'_>) -> bool {
    match p.matcher {
        ActionMatch::Any => true,
        ActionMatch::Service {
            hash,
            service_len,
            name,
        } => match key.service {
            Some((service, h)) => {
                // The prefix is followed by a colon (ASCII): slicing after it stays on a
                // character boundary.
                let n = service_len as usize;
                h == hash
                    && eq_short(&p.lower.as_bytes()[..n], service.as_bytes())
                    && name.matches(&p.lower[n + 1..], key.name)
            }
            None => false,
        },
        ActionMatch::General => {
            if p.wildcard {
                action_matches(&p.lower, key.lower)
            } else {
                p.lower == key.lower
            }
        }
    }
}

/// How the patterns of one `Action`/`NotAction` list are looked up: one by one for short
/// lists; by service hash for long ones (a managed policy's hundreds of actions). A mask of
/// the services named rules most lists out with one test (a policy is mostly statements
/// about other services than the request's).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ActionSet {
    /// The bits of the services the patterns name; all ones when some pattern does not name
    /// its service literally (`*`, `s3*:Get`…). A request's service bit outside the mask
    /// cannot match.
    mask: u64,
    /// Some pattern is `*`.
    any: bool,
    /// Some pattern needs the general matcher.
    general: bool,
    /// Long lists only: indexes of the service patterns, sorted by service hash.
    by_hash: Box<[u32]>,
}

impl ActionSet {
    /// Lists up to this long are scanned.
    const SCAN: usize = 8;

    pub fn compile(patterns: &[ActionPattern]) -> ActionSet {
        let mut by_hash = Vec::new();
        if patterns.len() > Self::SCAN {
            by_hash = (0..patterns.len() as u32)
                .filter(|&i| patterns[i as usize].matcher.hash().is_some())
                .collect();
            by_hash.sort_unstable_by_key(|&i| (patterns[i as usize].matcher.hash(), i));
        }
        let any = patterns.iter().any(|p| p.matcher == ActionMatch::Any);
        let general = patterns.iter().any(|p| p.matcher == ActionMatch::General);
        let mask = if any || general {
            u64::MAX
        } else {
            patterns
                .iter()
                .filter_map(|p| p.matcher.hash())
                .fold(0, |m, h| m | bit(h))
        };
        ActionSet {
            mask,
            any,
            general,
            by_hash: by_hash.into_boxed_slice(),
        }
    }

    /// Whether the list names its services literally (no `*`, no wildcard service).
    #[cfg(test)]
    fn literal_services(&self) -> bool {
        !self.any && !self.general
    }

    /// Whether any of `patterns` (the list this was compiled from) matches the action: the
    /// same answer as [`crate::pattern::action_pattern_matches`] on each of them.
    #[inline]
    pub fn matches(&self, patterns: &[ActionPattern], key: &ActionKey<'_>) -> bool {
        if self.mask & key.bit == 0 {
            return false;
        }
        if self.any {
            return true;
        }
        if patterns.len() <= Self::SCAN {
            return patterns.iter().any(|p| pattern_matches(p, key));
        }
        if let Some((_, h)) = key.service {
            let hash_of = |i: &u32| patterns[*i as usize].matcher.hash();
            let from = self.by_hash.partition_point(|i| hash_of(i) < Some(h));
            if self.by_hash[from..]
                .iter()
                .take_while(|i| hash_of(i) == Some(h))
                .any(|&i| pattern_matches(&patterns[i as usize], key))
            {
                return true;
            }
        }
        self.general
            && patterns
                .iter()
                .any(|p| p.matcher == ActionMatch::General && pattern_matches(p, key))
    }
}

// ----- Resources (ARN patterns) -----------------------------------------------------------

/// A request's resource, with its ARN split once per request.
#[derive(Debug, Clone, Copy)]
pub struct ResourceKey<'a> {
    pub text: &'a str,
    pub arn: Option<Arn<'a>>,
}

impl<'a> ResourceKey<'a> {
    #[inline]
    pub fn new(text: &'a str) -> ResourceKey<'a> {
        ResourceKey {
            text,
            arn: Arn::parse(text),
        }
    }
}

/// One `Resource` pattern (or `Arn*` condition value), compiled. It holds no text:
/// [`ArnPattern::matches`] is given the pattern again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArnPattern {
    /// `*`.
    Any,
    /// No wildcard and no escape: the resource must be exactly the pattern.
    Literal,
    /// An ARN with wildcards: each of the five segments after `arn:` matched on its own
    /// (the whole pattern is matched as one when the resource is not an ARN). `cuts` are the
    /// byte offsets of the four colons that end the first four segments.
    Segments {
        kinds: [WildKind; 5],
        cuts: [u16; 4],
    },
    /// Not an ARN, or no wildcard but escapes: the whole pattern as one wildcard pattern.
    Whole(WildKind),
    /// A pattern too long for the offsets above (64 KiB): matched the straightforward way.
    Slow,
}

impl ArnPattern {
    pub fn compile(pattern: &str) -> ArnPattern {
        if pattern == "*" {
            return ArnPattern::Any;
        }
        if !has_wildcard(pattern) {
            // With escapes, `wildcard_match` compares exactly as `literal_eq` does.
            return if pattern.as_bytes().contains(&ESCAPE) {
                ArnPattern::Whole(WildKind::General)
            } else {
                ArnPattern::Literal
            };
        }
        match Arn::parse(pattern) {
            Some(a) => {
                let base = pattern.as_ptr() as usize;
                let segments = a.segments();
                // Each of the first four segments ends at a colon.
                let cut = |i: usize| segments[i].as_ptr() as usize - base + segments[i].len();
                if cut(3) > u16::MAX as usize {
                    return ArnPattern::Slow;
                }
                ArnPattern::Segments {
                    kinds: segments.map(WildKind::of),
                    cuts: [0, 1, 2, 3].map(|i| cut(i) as u16),
                }
            }
            None => ArnPattern::Whole(WildKind::of(pattern)),
        }
    }

    /// Same answer as [`crate::pattern::arn_matches`]`(pattern, key.text)`, where `pattern`
    /// is the string this was compiled from.
    #[inline]
    pub fn matches(&self, pattern: &str, key: &ResourceKey<'_>) -> bool {
        match self {
            ArnPattern::Any => true,
            ArnPattern::Literal => pattern == key.text,
            ArnPattern::Segments { kinds, cuts } => match &key.arn {
                Some(a) => {
                    let c = cuts.map(|c| c as usize);
                    // The colons are ASCII: every cut is a character boundary.
                    let segments = [
                        &pattern[4..c[0]],
                        &pattern[c[0] + 1..c[1]],
                        &pattern[c[1] + 1..c[2]],
                        &pattern[c[2] + 1..c[3]],
                        &pattern[c[3] + 1..],
                    ];
                    kinds
                        .iter()
                        .zip(segments)
                        .zip(a.segments())
                        .all(|((k, p), t)| k.matches(p, t))
                }
                None => wildcard_match(pattern, key.text, false),
            },
            ArnPattern::Whole(k) => k.matches(pattern, key.text),
            ArnPattern::Slow => crate::pattern::arn_matches(pattern, key.text),
        }
    }
}

/// A resource pattern's compiled form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CompiledResource {
    pub matcher: ArnPattern,
    /// Holds `${`: a policy variable to substitute under 2012-10-17 (then matched the slow way).
    pub has_variable: bool,
}

impl CompiledResource {
    pub fn compile(pattern: &str) -> CompiledResource {
        CompiledResource {
            matcher: ArnPattern::compile(pattern),
            has_variable: pattern.contains("${"),
        }
    }
}

// ----- Principals -------------------------------------------------------------------------

/// A byte range of a principal's value (values longer than 64 KiB are matched the
/// straightforward way: [`PrincipalMatcher::Slow`]).
type Span = (u16, u16);

fn span_of(value: &str, part: &str) -> Span {
    let start = part.as_ptr() as usize - value.as_ptr() as usize;
    (start as u16, (start + part.len()) as u16)
}

#[inline]
fn at(value: &str, (start, end): Span) -> &str {
    &value[start as usize..end as usize]
}

/// One `Principal` entry, pre-parsed into what it can match. Parts of the value are byte
/// ranges of it: [`PrincipalMatcher::grant`] is given the entry again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalMatcher {
    /// `*` or `{"AWS": "*"}`: everyone.
    Everyone,
    /// A service principal (compared case-insensitively).
    Service,
    /// An identity provider.
    Federated,
    /// An account: a bare ID or `arn:…:iam::ID:root` (the range is the ID).
    Account(Span),
    /// An IAM user ARN.
    User,
    /// An IAM role ARN: matches the role's sessions (by account and role name).
    Role { account: Span, name: Span },
    /// An STS ARN: an assumed-role session (account, role and session, when it parses as
    /// one), or a federated user (matched by the whole ARN).
    Sts { session: Option<[Span; 3]> },
    /// Matches no caller (a canonical user, an unparsable or other-service ARN…).
    Nobody,
    /// A value too long for byte ranges of 16 bits: [`crate::eval::principal_grant`] decides.
    Slow,
}

impl PrincipalMatcher {
    pub fn compile(p: &Principal) -> PrincipalMatcher {
        if p.is_wildcard() {
            return PrincipalMatcher::Everyone;
        }
        match p.kind {
            PrincipalKind::Everyone => PrincipalMatcher::Everyone,
            PrincipalKind::Service => PrincipalMatcher::Service,
            PrincipalKind::Federated => PrincipalMatcher::Federated,
            PrincipalKind::CanonicalUser => PrincipalMatcher::Nobody,
            PrincipalKind::Aws => Self::compile_aws(&p.value),
        }
    }

    fn compile_aws(value: &str) -> PrincipalMatcher {
        if value.len() > u16::MAX as usize {
            return PrincipalMatcher::Slow;
        }
        if is_account_id(value) {
            return PrincipalMatcher::Account((0, value.len() as u16));
        }
        let Some(arn) = Arn::parse(value) else {
            return PrincipalMatcher::Nobody;
        };
        match arn.service {
            "iam" if arn.resource == "root" => {
                PrincipalMatcher::Account(span_of(value, arn.account))
            }
            "iam" if arn.resource.starts_with("user/") => PrincipalMatcher::User,
            "iam" if arn.resource.starts_with("role/") => PrincipalMatcher::Role {
                account: span_of(value, arn.account),
                name: span_of(value, arn.resource.rsplit('/').next().unwrap_or_default()),
            },
            "sts" => PrincipalMatcher::Sts {
                session: arn
                    .resource
                    .strip_prefix("assumed-role/")
                    .and_then(|rest| rest.split_once('/'))
                    .map(|(r, s)| {
                        [
                            span_of(value, arn.account),
                            span_of(value, r),
                            span_of(value, s),
                        ]
                    }),
            },
            _ => PrincipalMatcher::Nobody,
        }
    }

    /// How this entry names the caller, if it does: the same answer as
    /// [`crate::eval::principal_grant`]`(p, caller)` for the entry `p` compiled.
    #[inline]
    pub fn grant(&self, p: &Principal, caller: &PrincipalId) -> Option<Grant> {
        let value = p.value.as_str();
        match *self {
            PrincipalMatcher::Everyone => Some(Grant::Direct),
            PrincipalMatcher::Service => match caller {
                PrincipalId::Service { name } if name.eq_ignore_ascii_case(value) => {
                    Some(Grant::Direct)
                }
                _ => None,
            },
            PrincipalMatcher::Federated => match caller {
                PrincipalId::Federated { provider } if provider == value => Some(Grant::Direct),
                _ => None,
            },
            PrincipalMatcher::Account(a) => account_grant(at(value, a), caller),
            PrincipalMatcher::User => match caller {
                PrincipalId::User { arn, .. } if arn == value => Some(Grant::Direct),
                _ => None,
            },
            PrincipalMatcher::Role { account, name } => match caller {
                PrincipalId::RoleSession {
                    account: a,
                    role_name,
                    ..
                } if a == at(value, account) && role_name == at(value, name) => Some(Grant::Role),
                _ => None,
            },
            PrincipalMatcher::Sts { session } => match caller {
                PrincipalId::RoleSession {
                    account: a,
                    role_name,
                    session: Some(s),
                    ..
                } => match session {
                    Some([account, role, sess]) => (a == at(value, account)
                        && role_name == at(value, role)
                        && s == at(value, sess))
                    .then_some(Grant::Direct),
                    None => None,
                },
                PrincipalId::FederatedUser { arn, .. } if arn == value => Some(Grant::Direct),
                _ => None,
            },
            PrincipalMatcher::Nobody => None,
            PrincipalMatcher::Slow => crate::eval::principal_grant(p, caller),
        }
    }
}

/// How naming `account` names the caller.
#[inline]
pub(crate) fn account_grant(account: &str, caller: &PrincipalId) -> Option<Grant> {
    match caller {
        // Naming the root names the root user itself directly.
        PrincipalId::Root { account: a } if a == account => Some(Grant::Direct),
        PrincipalId::User { account: a, .. }
        | PrincipalId::RoleSession { account: a, .. }
        | PrincipalId::FederatedUser { account: a, .. }
            if a == account =>
        {
            Some(Grant::Account)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::principal_grant;
    use crate::pattern::{action_pattern_matches, arn_matches, wildcard_match};
    use proptest::prelude::*;

    /// Short strings over an alphabet rich in what matters: wildcards, colons, slashes, the
    /// escape byte, case, and a multi-byte character.
    fn text(max: usize) -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![
                "a", "b", "A", "*", "?", ":", "/", "\0", "é", "s3", "arn:", "aws", "-",
            ]),
            0..max,
        )
        .prop_map(|v| v.concat())
    }

    fn arnish() -> impl Strategy<Value = String> {
        prop_oneof![
            text(12),
            (text(3), text(3), text(3), text(3), text(6))
                .prop_map(|(p, s, r, a, res)| format!("arn:{p}:{s}:{r}:{a}:{res}")),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn wild_kind_agrees_with_wildcard_match(p in text(8), t in text(8)) {
            prop_assert_eq!(WildKind::of(&p).matches(&p, &t), wildcard_match(&p, &t, false), "pattern {:?} text {:?}", p, t);
        }

        #[test]
        fn action_set_agrees(ps in prop::collection::vec(text(6), 0..12), t in text(8)) {
            let pats: Vec<ActionPattern> = ps.iter().map(|p| ActionPattern::new(p)).collect();
            let lower = t.to_ascii_lowercase();
            let key = ActionKey::new(&lower);
            let expected = pats.iter().any(|p| action_pattern_matches(p, &lower));
            prop_assert_eq!(ActionSet::compile(&pats).matches(&pats, &key), expected, "patterns {:?} action {:?}", ps, t);
            for p in &pats {
                let one = std::slice::from_ref(p);
                prop_assert_eq!(ActionSet::compile(one).matches(one, &key), action_pattern_matches(p, &lower), "pattern {:?} action {:?}", p.raw, t);
            }
        }

        /// Realistic actions: many services and patterns, for the lookup by service.
        #[test]
        fn action_set_agrees_on_services(
            ps in prop::collection::vec((0..12usize, prop::sample::select(vec!["Get*", "*", "GetObject", "List?ucket", "*Object", "Put*Tagging"])), 0..30),
            svc in 0..13usize,
            name in prop::sample::select(vec!["GetObject", "ListBucket", "PutObjectTagging", "Describe"]),
        ) {
            let services = ["s3", "ec2", "iam", "sts", "kms", "logs", "ecr", "ssm", "lambda", "sqs", "sns", "dynamodb", "cloudformation"];
            let pats: Vec<ActionPattern> = ps.iter().map(|(s, n)| ActionPattern::new(&format!("{}:{n}", services[*s]))).collect();
            let lower = format!("{}:{name}", services[svc]).to_ascii_lowercase();
            let expected = pats.iter().any(|p| action_pattern_matches(p, &lower));
            prop_assert_eq!(ActionSet::compile(&pats).matches(&pats, &ActionKey::new(&lower)), expected);
        }

        #[test]
        fn arn_pattern_agrees(p in arnish(), t in arnish()) {
            let expected = arn_matches(&p, &t);
            prop_assert_eq!(ArnPattern::compile(&p).matches(&p, &ResourceKey::new(&t)), expected, "pattern {:?} resource {:?}", p, t);
        }
        #[test]
        fn principal_matcher_agrees(
            kind in prop::sample::select(vec![
                PrincipalKind::Aws, PrincipalKind::Service, PrincipalKind::Federated,
                PrincipalKind::CanonicalUser, PrincipalKind::Everyone,
            ]),
            value in prop::sample::select(vec![
                "*", "111111111111", "222222222222", "arn:aws:iam::111111111111:root",
                "arn:aws:iam::111111111111:user/alice", "arn:aws:iam::111111111111:user/p/alice",
                "arn:aws:iam::111111111111:role/ci", "arn:aws:iam::111111111111:role/p/ci",
                "arn:aws:iam::222222222222:role/ci",
                "arn:aws:sts::111111111111:assumed-role/ci/s1",
                "arn:aws:sts::111111111111:assumed-role/ci",
                "arn:aws:sts::111111111111:federated-user/bob",
                "arn:aws:iam::111111111111:saml-provider/idp", "lambda.amazonaws.com",
                "LAMBDA.amazonaws.com", "arn:aws:s3:::b", "AROAEXAMPLE", "",
            ]),
            caller in prop::sample::select(vec![
                "arn:aws:iam::111111111111:root", "arn:aws:iam::111111111111:user/alice",
                "arn:aws:iam::111111111111:user/p/alice", "arn:aws:iam::111111111111:role/ci",
                "arn:aws:iam::111111111111:role/p/ci", "arn:aws:iam::222222222222:role/ci",
                "arn:aws:sts::111111111111:assumed-role/ci/s1",
                "arn:aws:sts::111111111111:assumed-role/ci/s2",
                "arn:aws:sts::111111111111:federated-user/bob",
                "arn:aws:iam::111111111111:saml-provider/idp", "lambda.amazonaws.com",
                "anonymous", "111111111111",
            ]),
        ) {
            let p = Principal { kind, value: value.to_string() };
            let c = PrincipalId::parse(caller).unwrap();
            prop_assert_eq!(PrincipalMatcher::compile(&p).grant(&p, &c), principal_grant(&p, &c));
        }
    }

    /// The straightforward ARN split that [`Arn::parse`] replaces.
    fn arn_by_splitn(s: &str) -> Option<[&str; 5]> {
        let mut parts = s.strip_prefix("arn:")?.splitn(5, ':');
        Some([
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn arn_parse_agrees_with_splitn(t in arnish()) {
            prop_assert_eq!(Arn::parse(&t).map(|a| a.segments()), arn_by_splitn(&t));
        }

    }

    #[test]
    fn long_values_are_matched_the_straightforward_way() {
        let pattern = format!("arn:{}:s3:::b/*", "p".repeat(70_000));
        let c = ArnPattern::compile(&pattern);
        assert_eq!(c, ArnPattern::Slow);
        let hit = format!("arn:{}:s3:::b/k", "p".repeat(70_000));
        assert!(c.matches(&pattern, &ResourceKey::new(&hit)));
        assert!(!c.matches(&pattern, &ResourceKey::new("arn:p:s3:::b/k")));
        let value = format!("arn:aws:iam::111111111111:role/{}", "r".repeat(70_000));
        let p = Principal {
            kind: PrincipalKind::Aws,
            value: value.clone(),
        };
        let m = PrincipalMatcher::compile(&p);
        assert_eq!(m, PrincipalMatcher::Slow);
        let caller = PrincipalId::parse(&value).unwrap();
        assert_eq!(m.grant(&p, &caller), Some(Grant::Role));
    }

    #[test]
    fn compiled_forms() {
        let kind = WildKind::of;
        assert_eq!(kind("*"), WildKind::Any);
        assert_eq!(kind("**"), WildKind::Any);
        assert_eq!(kind("deploy-*"), WildKind::Prefix);
        assert_eq!(kind("deploy"), WildKind::Literal);
        assert_eq!(kind("a\0*"), WildKind::General);
        assert_eq!(kind("a*b"), WildKind::General);
        let pats = vec![ActionPattern::new("S3:Get*"), ActionPattern::new("ec2:*")];
        let set = ActionSet::compile(&pats);
        assert!(set.matches(&pats, &ActionKey::new("s3:getobject")));
        assert!(set.matches(&pats, &ActionKey::new("ec2:runinstances")));
        assert!(!set.matches(&pats, &ActionKey::new("s3x:getobject")));
        assert!(set.literal_services());
        assert!(!ActionSet::compile(&[ActionPattern::new("*")]).literal_services());
        assert!(!ActionSet::compile(&[ActionPattern::new("s3*:Get")]).literal_services());
        let p = "arn:aws:iam::*:role/deploy-*";
        let c = ArnPattern::compile(p);
        assert!(matches!(c, ArnPattern::Segments { .. }));
        assert!(c.matches(
            p,
            &ResourceKey::new("arn:aws:iam::222222222222:role/deploy-prod")
        ));
        assert!(!c.matches(p, &ResourceKey::new("arn:aws:iam::222222222222:role/build")));
    }
}
