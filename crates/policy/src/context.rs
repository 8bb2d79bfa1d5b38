//! The request being decided: who, what, on which resource, and the request context.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::arn::{Arn, PrincipalId};

/// A context value: single-valued keys hold one string, multi-valued keys (`aws:TagKeys`,
/// `aws:CalledVia`, …) hold a set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ContextValue {
    Single(String),
    Multi(Vec<String>),
}

impl ContextValue {
    pub fn as_slice(&self) -> &[String] {
        match self {
            ContextValue::Single(s) => std::slice::from_ref(s),
            ContextValue::Multi(v) => v,
        }
    }
    pub fn is_multi(&self) -> bool {
        matches!(self, ContextValue::Multi(_))
    }
}

/// What a key that is not in the context means.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Absent {
    /// Concrete evaluation: an absent key is absent from the request (AWS semantics).
    #[default]
    Missing,
    /// Partial evaluation: an absent key is *unknown* — it may or may not be sent, with any
    /// value — except the keys listed (lower-case; an entry ending in `*` is a prefix), which
    /// are known to be absent.
    Unknown {
        known_absent: Arc<Vec<Cow<'static, str>>>,
    },
}

/// The outcome of looking a key up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    Present(&'a ContextValue),
    Missing,
    Unknown,
}

/// A context key's text: the keys trustgate sets for every caller are static (a quarter of a
/// million callers are prepared on large organizations), others owned.
type Key = Cow<'static, str>;

/// Keys set or marked absent for every caller: (as AWS spells it, lower case).
const WELL_KNOWN: [(&str, &str); 11] = [
    ("aws:PrincipalArn", "aws:principalarn"),
    ("aws:PrincipalAccount", "aws:principalaccount"),
    ("aws:PrincipalType", "aws:principaltype"),
    ("aws:PrincipalIsAWSService", "aws:principalisawsservice"),
    ("aws:PrincipalOrgID", "aws:principalorgid"),
    ("aws:PrincipalServiceName", "aws:principalservicename"),
    ("aws:username", "aws:username"),
    ("aws:userid", "aws:userid"),
    ("aws:PrincipalTag/*", "aws:principaltag/*"),
    ("aws:ResourceAccount", "aws:resourceaccount"),
    ("aws:MultiFactorAuthPresent", "aws:multifactorauthpresent"),
];

/// The static texts of `key` when it is well known: its given form only when spelled exactly
/// so (the given spelling is shown back in explanations), its lower-case form either way.
fn well_known(key: &str) -> Option<(&'static str, &'static str)> {
    WELL_KNOWN.iter().find_map(|&(given, lower)| {
        if given == key {
            Some((given, lower))
        } else if lower == key {
            Some((lower, lower))
        } else {
            None
        }
    })
}

/// The request context keys. Keys are case-insensitive.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    /// (lower-cased key, key as given, value). A short vector: requests carry few keys and a
    /// linear scan beats hashing here.
    /// Shared until changed: one caller's context is cloned for many requests.
    entries: Arc<Vec<(Key, Key, ContextValue)>>,
    /// `aws:ResourceAccount`, kept apart: it changes with every request while the rest of a
    /// caller's context is shared.
    resource_account: Option<ContextValue>,
    pub absent: Absent,
}

impl Context {
    pub fn new() -> Self {
        Self::default()
    }

    /// A context for partial evaluation: keys not set are unknown.
    pub fn partial() -> Self {
        Context {
            entries: Arc::new(Vec::new()),
            resource_account: None,
            absent: Absent::Unknown {
                known_absent: Arc::new(Vec::new()),
            },
        }
    }

    /// Sets a key (replacing any previous value).
    pub fn insert(&mut self, key: &str, value: ContextValue) {
        let entries = Arc::make_mut(&mut self.entries);
        if let Some(e) = entries.iter_mut().find(|e| e.0.eq_ignore_ascii_case(key)) {
            e.2 = value;
        } else {
            if entries.capacity() == 0 {
                // A caller's prepared context holds about this many keys.
                entries.reserve(8);
            }
            let (given, lower) = match well_known(key) {
                Some((given, lower)) => (Cow::Borrowed(given), Cow::Borrowed(lower)),
                None => (
                    Cow::Owned(key.to_string()),
                    Cow::Owned(key.to_ascii_lowercase()),
                ),
            };
            entries.push((lower, given, value));
        }
    }

    /// Sets a key only if it is not set yet (for defaults AWS fills in).
    pub fn insert_default(&mut self, key: &str, value: ContextValue) {
        if !self.contains(key) {
            self.insert(key, value);
        }
    }

    pub fn contains(&self, key: &str) -> bool {
        self.entries.iter().any(|e| e.0.eq_ignore_ascii_case(key))
    }

    /// Marks a key (or a prefix ending in `*`) as known to be absent in partial evaluation.
    pub fn mark_absent(&mut self, key: &str) {
        if let Absent::Unknown { known_absent } = &mut self.absent {
            // Checked without allocating: one caller's context is reused for many requests,
            // and the key is usually there already.
            if !known_absent.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                let lower = match well_known(key) {
                    Some((_, lower)) => Cow::Borrowed(lower),
                    None => Cow::Owned(key.to_ascii_lowercase()),
                };
                Arc::make_mut(known_absent).push(lower);
            }
        }
    }

    /// Looks up a key given in lower case.
    pub fn get_lower(&self, key_lower: &str) -> Lookup<'_> {
        if let Some(e) = self.entries.iter().find(|e| e.0 == key_lower) {
            return Lookup::Present(&e.2);
        }
        if key_lower == "aws:resourceaccount" {
            if let Some(v) = &self.resource_account {
                return Lookup::Present(v);
            }
        }
        match &self.absent {
            Absent::Missing => Lookup::Missing,
            Absent::Unknown { known_absent } => {
                let known = known_absent.iter().any(|k| match k.strip_suffix('*') {
                    Some(prefix) => key_lower.starts_with(prefix),
                    None => k == key_lower,
                });
                if known {
                    Lookup::Missing
                } else {
                    Lookup::Unknown
                }
            }
        }
    }

    pub fn get(&self, key: &str) -> Lookup<'_> {
        self.get_lower(&key.to_ascii_lowercase())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.entries.iter().map(|e| (&*e.1, &e.2))
    }
}

/// One request: a principal calling an action on a resource.
#[derive(Debug, Clone)]
pub struct Request {
    pub principal: PrincipalId,
    /// The principal as given (for messages).
    pub principal_text: String,
    pub action: String,
    pub action_lower: String,
    pub resource: String,
    /// The account that owns the resource (decides same-account vs cross-account).
    pub resource_account: Option<String>,
    pub context: Context,
    /// Whether the caller has a permissions boundary attached (a `Deny` with `NotPrincipal`
    /// always applies to such callers).
    pub has_permission_boundary: bool,
}

impl Request {
    /// Builds a request; `resource_account` defaults to the account in the resource ARN, else
    /// the principal's.
    pub fn new(
        principal: &str,
        action: &str,
        resource: &str,
        resource_account: Option<&str>,
        context: Context,
    ) -> Result<Request, String> {
        let principal_id = PrincipalId::parse(principal)?;
        if !action.contains(':') && action != "*" {
            return Err(format!(
                "`{action}` is not an action: expected `service:Action`, e.g. `s3:GetObject`"
            ));
        }
        Ok(Request::for_principal(
            principal_id,
            principal,
            action,
            resource,
            resource_account,
            context,
        ))
    }

    /// Builds a request for a principal already parsed (the fast path when one caller makes
    /// many requests): no parsing; the context should already hold what the caller's
    /// defaults would add, which are filled in otherwise.
    pub fn for_principal(
        principal: PrincipalId,
        principal_text: &str,
        action: &str,
        resource: &str,
        resource_account: Option<&str>,
        context: Context,
    ) -> Request {
        let resource_account = resource_account
            .map(str::to_string)
            .or_else(|| {
                Arn::parse(resource)
                    .map(|a| a.account)
                    .filter(|a| !a.is_empty())
                    .map(str::to_string)
            })
            .or_else(|| principal.account().map(str::to_string));
        let mut req = Request {
            principal,
            principal_text: principal_text.to_string(),
            action: action.to_string(),
            action_lower: action.to_ascii_lowercase(),
            resource: resource.to_string(),
            resource_account,
            context,
            has_permission_boundary: false,
        };
        req.fill_default_keys();
        req
    }

    /// Makes this request what [`Request::for_principal`] would build from the same
    /// arguments (with `principal` and `context` cloned), reusing its text buffers: one
    /// caller deciding hundreds of thousands of edges or probes otherwise allocates a dozen
    /// strings per decision, a third of the cost of deciding.
    pub fn reuse_for_principal(
        &mut self,
        principal: &PrincipalId,
        principal_text: &str,
        action: &str,
        resource: &str,
        resource_account: Option<&str>,
        context: &Context,
    ) {
        fn set(buffer: &mut String, text: &str) {
            buffer.clear();
            buffer.push_str(text);
        }
        let account = resource_account
            .or_else(|| {
                Arn::parse(resource)
                    .map(|a| a.account)
                    .filter(|a| !a.is_empty())
            })
            .or_else(|| principal.account());
        self.principal.assign_from(principal);
        set(&mut self.principal_text, principal_text);
        set(&mut self.action, action);
        set(&mut self.action_lower, action);
        self.action_lower.make_ascii_lowercase();
        set(&mut self.resource, resource);
        match (&mut self.resource_account, account) {
            (Some(buffer), Some(a)) => set(buffer, a),
            (slot, a) => *slot = a.map(str::to_string),
        }
        self.context.clone_from(context);
        self.has_permission_boundary = false;
        self.fill_default_keys();
    }

    /// Whether caller and resource are in the same account.
    pub fn is_same_account(&self) -> bool {
        match (self.principal.account(), &self.resource_account) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }
    }

    /// Fills in the keys AWS always sets for the caller, unless given explicitly. (A caller's
    /// context is usually prepared once with these already in: then this allocates nothing
    /// but the `aws:ResourceAccount` value.)
    fn fill_default_keys(&mut self) {
        let Request {
            principal: p,
            context: ctx,
            resource_account,
            ..
        } = self;
        let single = |s: &str| ContextValue::Single(s.to_string());
        // (Callers with an ARN are those `principal_arn` names; the ARN is only built when
        // the key is not given.)
        let has_arn = matches!(
            p,
            PrincipalId::User { .. }
                | PrincipalId::FederatedUser { .. }
                | PrincipalId::RoleSession { .. }
                | PrincipalId::Root { .. }
        );
        if !has_arn {
            ctx.mark_absent("aws:principalarn");
        } else if !ctx.contains("aws:PrincipalArn") {
            if let Some(arn) = p.principal_arn() {
                ctx.insert("aws:PrincipalArn", ContextValue::Single(arn));
            }
        }
        if let Some(acct) = p.account() {
            if !matches!(p, PrincipalId::Federated { .. }) && !ctx.contains("aws:PrincipalAccount")
            {
                ctx.insert("aws:PrincipalAccount", single(acct));
            }
        }
        if !ctx.contains("aws:PrincipalType") {
            ctx.insert("aws:PrincipalType", single(p.principal_type()));
        }
        if !ctx.contains("aws:PrincipalIsAWSService") {
            let is_service = matches!(p, PrincipalId::Service { .. });
            ctx.insert(
                "aws:PrincipalIsAWSService",
                single(if is_service { "true" } else { "false" }),
            );
        }
        match &*p {
            PrincipalId::User { name, .. } => {
                if !ctx.contains("aws:username") {
                    ctx.insert("aws:username", single(name));
                }
            }
            PrincipalId::Service { name } => {
                if !ctx.contains("aws:PrincipalServiceName") {
                    ctx.insert("aws:PrincipalServiceName", single(name));
                }
                ctx.mark_absent("aws:username");
                ctx.mark_absent("aws:principaltag/*");
            }
            PrincipalId::Anonymous => {
                ctx.mark_absent("aws:username");
                ctx.mark_absent("aws:userid");
                ctx.mark_absent("aws:principalaccount");
                ctx.mark_absent("aws:principaltag/*");
                ctx.mark_absent("aws:principalorgid");
            }
            _ => {
                // Role sessions, roots and federated users have no aws:username.
                ctx.mark_absent("aws:username");
            }
        }
        if let Some(acct) = resource_account {
            if !ctx.contains("aws:ResourceAccount") {
                ctx.resource_account = Some(ContextValue::Single(acct.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &Request, b: &Request) -> bool {
        a.principal == b.principal
            && a.principal_text == b.principal_text
            && a.action == b.action
            && a.action_lower == b.action_lower
            && a.resource == b.resource
            && a.resource_account == b.resource_account
            && a.context == b.context
            && a.has_permission_boundary == b.has_permission_boundary
    }

    /// A reused request is exactly a fresh one, whatever it was before: every kind of
    /// principal after every other, resource accounts given, read from the ARN or defaulted.
    #[test]
    fn reused_requests_are_fresh_requests() {
        let callers = [
            "arn:aws:iam::111111111111:user/alice",
            "arn:aws:iam::111111111111:role/path/deploy",
            "arn:aws:sts::222222222222:assumed-role/ops/session-1",
            "arn:aws:iam::333333333333:root",
            "arn:aws:sts::111111111111:federated-user/bob",
            "lambda.amazonaws.com",
            "cognito-identity.amazonaws.com",
            "arn:aws:iam::111111111111:saml-provider/okta",
            "anonymous",
        ];
        let mut tagged = Context::partial();
        tagged.insert("aws:PrincipalTag/team", ContextValue::Single("red".into()));
        tagged.insert(
            "aws:ResourceAccount",
            ContextValue::Single("999999999999".into()),
        );
        let contexts = [Context::new(), Context::partial(), tagged];
        let targets: [(&str, &str, Option<&str>); 4] = [
            (
                "sts:AssumeRole",
                "arn:aws:iam::444444444444:role/target",
                None,
            ),
            ("s3:GetObject", "arn:aws:s3:::bucket/key", None),
            (
                "S3:PutObject",
                "arn:aws:s3:::bucket/key",
                Some("555555555555"),
            ),
            ("iam:CreateUser", "*", None),
        ];
        let mut reused: Option<Request> = None;
        for caller in callers {
            let id = PrincipalId::parse(caller).unwrap();
            for context in &contexts {
                for (action, resource, account) in targets {
                    let fresh = Request::for_principal(
                        id.clone(),
                        caller,
                        action,
                        resource,
                        account,
                        context.clone(),
                    );
                    match &mut reused {
                        Some(r) => {
                            r.has_permission_boundary = true;
                            r.reuse_for_principal(&id, caller, action, resource, account, context);
                            assert!(
                                same(r, &fresh),
                                "{caller} {action} {resource}:\n{r:?}\n{fresh:?}"
                            );
                        }
                        None => reused = Some(fresh),
                    }
                }
            }
        }
    }

    /// Well-known keys are stored without copying, but keep the spelling they were given.
    #[test]
    fn well_known_keys_keep_their_spelling() {
        let mut c = Context::partial();
        for key in [
            "aws:PrincipalArn",
            "aws:principaltype",
            "AWS:USERNAME",
            "aws:SourceIp",
        ] {
            c.insert(key, ContextValue::Single("v".into()));
        }
        let keys: Vec<&str> = c.iter().map(|(k, _)| k).collect();
        assert_eq!(
            keys,
            [
                "aws:PrincipalArn",
                "aws:principaltype",
                "AWS:USERNAME",
                "aws:SourceIp"
            ]
        );
        for key in [
            "AWS:PRINCIPALARN",
            "aws:PrincipalType",
            "aws:username",
            "aws:sourceip",
        ] {
            assert!(matches!(c.get(key), Lookup::Present(_)), "{key}");
        }
        c.mark_absent("aws:PrincipalTag/*");
        c.mark_absent("aws:principalorgid");
        assert_eq!(c.get("aws:PrincipalTag/team"), Lookup::Missing);
        assert_eq!(c.get("aws:PrincipalOrgId"), Lookup::Missing);
        assert_eq!(c.get("aws:CalledVia"), Lookup::Unknown);
    }

    #[test]
    fn keys_are_case_insensitive() {
        let mut c = Context::new();
        c.insert("aws:SourceIp", ContextValue::Single("1.2.3.4".into()));
        assert!(matches!(c.get("AWS:SOURCEIP"), Lookup::Present(_)));
        assert_eq!(c.get("aws:other"), Lookup::Missing);
        let mut p = Context::partial();
        p.mark_absent("aws:principaltag/*");
        assert_eq!(p.get("aws:other"), Lookup::Unknown);
        assert_eq!(p.get("aws:PrincipalTag/team"), Lookup::Missing);
    }

    /// Filling the defaults into a context that already has them (a caller's prepared
    /// context) changes nothing.
    #[test]
    fn default_keys_are_idempotent() {
        for principal in [
            "arn:aws:iam::111111111111:user/alice",
            "arn:aws:iam::111111111111:role/ci",
            "arn:aws:sts::111111111111:assumed-role/ci/s",
            "arn:aws:iam::111111111111:root",
            "arn:aws:sts::111111111111:federated-user/bob",
            "lambda.amazonaws.com",
            "arn:aws:iam::111111111111:saml-provider/idp",
            "anonymous",
        ] {
            for ctx in [Context::new(), Context::partial()] {
                let first =
                    Request::new(principal, "s3:GetObject", "arn:aws:s3:::b/k", None, ctx).unwrap();
                let again = Request::for_principal(
                    first.principal.clone(),
                    principal,
                    "s3:GetObject",
                    "arn:aws:s3:::b/k",
                    None,
                    first.context.clone(),
                );
                assert_eq!(first.context, again.context, "{principal}");
            }
        }
    }

    #[test]
    fn default_keys_for_callers() {
        let r = Request::new(
            "arn:aws:iam::111111111111:user/alice",
            "s3:GetObject",
            "arn:aws:s3:::b/k",
            None,
            Context::new(),
        )
        .unwrap();
        assert!(
            matches!(r.context.get("aws:username"), Lookup::Present(ContextValue::Single(s)) if s == "alice")
        );
        assert_eq!(r.resource_account.as_deref(), Some("111111111111"));
        let r = Request::new(
            "arn:aws:iam::111111111111:role/ci",
            "sts:AssumeRole",
            "arn:aws:iam::222222222222:role/deploy",
            None,
            Context::new(),
        )
        .unwrap();
        assert!(!r.is_same_account());
        assert_eq!(r.context.get("aws:username"), Lookup::Missing);
    }
}
