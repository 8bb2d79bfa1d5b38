//! Property tests of the evaluator: monotonicity of Deny and Allow, concrete evaluation never
//! undecided, partial evaluation sound against every completion, the parser never panics.

use proptest::prelude::*;
use trustgate_policy::{
    authorize, parse_policy, Context, ContextValue, DecisionKind, Labeled, Policy, PolicySet,
    Request,
};

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:Get*",
    "s3:*",
    "*",
    "ec2:RunInstances",
    "iam:PassRole",
    "sts:AssumeRole",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::other/*",
    "arn:aws:iam::222222222222:role/*",
];
const KEYS: &[&str] = &[
    "aws:SourceIp",
    "aws:MultiFactorAuthPresent",
    "sts:ExternalId",
    "aws:PrincipalTag/team",
];
const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringLike",
    "StringEqualsIfExists",
    "Bool",
    "IpAddress",
    "NotIpAddress",
    "Null",
    "ForAnyValue:StringEquals",
    "ForAllValues:StringLike",
];
const VALUES: &[&str] = &["true", "false", "10.0.0.0/8", "abc", "a*", "203.0.113.7"];

#[derive(Debug, Clone)]
struct St {
    deny: bool,
    action: usize,
    resource: usize,
    condition: Option<(usize, usize, usize)>,
}

fn statement_json(s: &St, principal: bool) -> String {
    let mut out = format!(
        r#"{{"Effect":"{}","Action":"{}","Resource":"{}""#,
        if s.deny { "Deny" } else { "Allow" },
        ACTIONS[s.action],
        RESOURCES[s.resource]
    );
    if principal {
        out.push_str(r#","Principal":{"AWS":"arn:aws:iam::111111111111:root"}"#);
    }
    if let Some((op, key, val)) = s.condition {
        out.push_str(&format!(
            r#","Condition":{{"{}":{{"{}":"{}"}}}}"#,
            OPERATORS[op], KEYS[key], VALUES[val]
        ));
    }
    out.push('}');
    out
}

fn policy(statements: &[St], principal: bool) -> Policy {
    let body: Vec<String> = statements
        .iter()
        .map(|s| statement_json(s, principal))
        .collect();
    parse_policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        body.join(",")
    ))
    .unwrap()
}

fn st() -> impl Strategy<Value = St> {
    (
        any::<bool>(),
        0..ACTIONS.len(),
        0..RESOURCES.len(),
        prop::option::of((0..OPERATORS.len(), 0..KEYS.len(), 0..VALUES.len())),
    )
        .prop_map(|(deny, action, resource, condition)| St {
            deny,
            action,
            resource,
            condition,
        })
}

#[derive(Debug, Clone)]
struct Req {
    action: usize,
    resource: usize,
    cross: bool,
    /// Per key: None = absent, Some(value index).
    values: Vec<Option<usize>>,
}

const REQ_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "ec2:RunInstances",
    "iam:PassRole",
    "sts:AssumeRole",
];
const REQ_RESOURCES: &[&str] = &[
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::other/x",
    "arn:aws:iam::222222222222:role/r",
];

fn req() -> impl Strategy<Value = Req> {
    (
        0..REQ_ACTIONS.len(),
        0..REQ_RESOURCES.len(),
        any::<bool>(),
        prop::collection::vec(prop::option::of(0..VALUES.len()), KEYS.len()),
    )
        .prop_map(|(action, resource, cross, values)| Req {
            action,
            resource,
            cross,
            values,
        })
}

fn context(r: &Req, known: &[bool]) -> Context {
    let all_known = known.iter().all(|k| *k);
    let mut ctx = if all_known {
        Context::new()
    } else {
        Context::partial()
    };
    for (i, v) in r.values.iter().enumerate() {
        if !known[i] {
            continue;
        }
        match v {
            Some(v) => ctx.insert(KEYS[i], ContextValue::Single(VALUES[*v].to_string())),
            None => ctx.mark_absent(KEYS[i]),
        }
    }
    ctx
}

fn decide(identity: &Policy, resource: Option<&Policy>, r: &Req, ctx: Context) -> DecisionKind {
    let account = if r.cross {
        "222222222222"
    } else {
        "111111111111"
    };
    let request = Request::new(
        "arn:aws:iam::111111111111:role/caller",
        REQ_ACTIONS[r.action],
        REQ_RESOURCES[r.resource],
        Some(account),
        ctx,
    )
    .unwrap();
    let set = PolicySet {
        identity: vec![Labeled::new("identity", identity)],
        resource: resource.map(|p| Labeled::new("resource", p)),
        ..Default::default()
    };
    authorize(&request, &set, false).kind
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Adding a Deny statement never turns a non-Allow into Allow, nor an ExplicitDeny into
    /// anything else.
    #[test]
    fn deny_is_monotone(mut sts in prop::collection::vec(st(), 1..5), extra in st(), r in req()) {
        let before = decide(&policy(&sts, false), None, &r, context(&r, &[true; 4]));
        let mut deny = extra;
        deny.deny = true;
        sts.push(deny);
        let after = decide(&policy(&sts, false), None, &r, context(&r, &[true; 4]));
        if before != DecisionKind::Allow {
            prop_assert_ne!(after, DecisionKind::Allow);
        }
        if before == DecisionKind::ExplicitDeny {
            prop_assert_eq!(after, DecisionKind::ExplicitDeny);
        }
    }

    /// Adding an Allow statement to an identity policy never turns Allow into a deny.
    #[test]
    fn allow_is_monotone(mut sts in prop::collection::vec(st(), 1..5), extra in st(), r in req()) {
        let before = decide(&policy(&sts, false), None, &r, context(&r, &[true; 4]));
        let mut allow = extra;
        allow.deny = false;
        sts.push(allow);
        let after = decide(&policy(&sts, false), None, &r, context(&r, &[true; 4]));
        if before == DecisionKind::Allow {
            prop_assert_eq!(after, DecisionKind::Allow);
        }
    }

    /// With every key known, the answer is never Conditional.
    #[test]
    fn concrete_is_decided(id in prop::collection::vec(st(), 1..5), res in prop::collection::vec(st(), 0..3), r in req()) {
        let resource = (!res.is_empty()).then(|| policy(&res, true));
        let d = decide(&policy(&id, false), resource.as_ref(), &r, context(&r, &[true; 4]));
        prop_assert_ne!(d, DecisionKind::Conditional);
    }

    /// Partial evaluation is sound: when some keys are unknown, a definite answer holds for
    /// every way of filling them in, and a Conditional one is matched by some completion.
    #[test]
    fn partial_is_sound(
        id in prop::collection::vec(st(), 1..5),
        res in prop::collection::vec(st(), 0..3),
        r in req(),
        known in prop::collection::vec(any::<bool>(), 4),
    ) {
        let resource = (!res.is_empty()).then(|| policy(&res, true));
        let identity = policy(&id, false);
        let partial = decide(&identity, resource.as_ref(), &r, context(&r, &known));
        // Every completion of the unknown keys (absent, or each value).
        let unknown: Vec<usize> = (0..4).filter(|&i| !known[i]).collect();
        let choices = VALUES.len() + 1;
        let mut outcomes = Vec::new();
        for n in 0..choices.pow(unknown.len() as u32) {
            let mut completed = r.clone();
            let mut code = n;
            for &k in &unknown {
                let c = code % choices;
                code /= choices;
                completed.values[k] = (c > 0).then(|| c - 1);
            }
            outcomes.push(decide(&identity, resource.as_ref(), &completed, context(&completed, &[true; 4])));
        }
        match partial {
            DecisionKind::Allow => prop_assert!(outcomes.iter().all(|o| *o == DecisionKind::Allow), "{outcomes:?}"),
            DecisionKind::ImplicitDeny | DecisionKind::ExplicitDeny => {
                prop_assert!(outcomes.iter().all(|o| *o != DecisionKind::Allow), "{partial:?} but {outcomes:?}")
            }
            DecisionKind::Conditional => {
                prop_assert!(!unknown.is_empty());
            }
        }
    }

    /// The parser never panics, whatever it is given.
    #[test]
    fn parser_never_panics(text in ".{0,200}") {
        let _ = parse_policy(&text);
    }

    #[test]
    fn parser_never_panics_on_json_shapes(
        parts in prop::collection::vec(prop::sample::select(vec![
            "{", "}", "[", "]", ",", ":", "\"Version\"", "\"2012-10-17\"", "\"Statement\"",
            "\"Effect\"", "\"Allow\"", "\"Action\"", "\"*\"", "\"Condition\"", "\"StringEquals\"",
            "\"Principal\"", "\"AWS\"", "null", "1", "true", "\"%7B\"",
        ]), 0..40)
    ) {
        let _ = parse_policy(&parts.concat());
    }
}

// ----- The lean decision path agrees with the full one ---------------------------------------

/// A policy set with every layer, each chosen at random (absent, unknown, or a policy).
#[derive(Debug, Clone)]
struct Layers {
    identity: Vec<Vec<St>>,
    identity_unknown: bool,
    resource: Option<Option<Vec<St>>>,
    boundary: Option<Option<Vec<St>>>,
    session: Option<Option<Vec<St>>>,
    scps: Option<Vec<Vec<Option<Vec<St>>>>>,
    rcps: Option<Vec<Vec<Option<Vec<St>>>>>,
}

/// Statements that mostly allow (so that every layer allowing, and the residuals of partial
/// evaluation, are common enough to be tested).
fn st_mostly_allow() -> impl Strategy<Value = St> {
    (prop::bool::weighted(0.15), st()).prop_map(|(deny, s)| St { deny, ..s })
}

fn statements() -> impl Strategy<Value = Vec<St>> {
    prop::collection::vec(st_mostly_allow(), 1..4)
}

fn maybe_policy() -> impl Strategy<Value = Option<Vec<St>>> {
    prop::option::weighted(0.85, statements())
}

fn levels() -> impl Strategy<Value = Option<Vec<Vec<Option<Vec<St>>>>>> {
    prop::option::weighted(
        0.4,
        prop::collection::vec(prop::collection::vec(maybe_policy(), 1..3), 1..3),
    )
}

fn layers() -> impl Strategy<Value = Layers> {
    (
        prop::collection::vec(statements(), 0..3),
        prop::bool::weighted(0.1),
        prop::option::of(maybe_policy()),
        prop::option::weighted(0.3, maybe_policy()),
        prop::option::weighted(0.2, maybe_policy()),
        levels(),
        levels(),
    )
        .prop_map(
            |(identity, identity_unknown, resource, boundary, session, scps, rcps)| Layers {
                identity,
                identity_unknown,
                resource,
                boundary,
                session,
                scps,
                rcps,
            },
        )
}

const CALLERS: &[&str] = &[
    "arn:aws:iam::111111111111:role/caller",
    "arn:aws:iam::111111111111:user/alice",
    "arn:aws:iam::111111111111:root",
    "arn:aws:sts::111111111111:assumed-role/caller/s",
    "lambda.amazonaws.com",
    "anonymous",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// `decide` (which skips statements that cannot change the outcome and stops at the first
    /// explicit deny) gives the same kind and the same residual condition as `authorize`,
    /// which evaluates everything.
    #[test]
    fn decide_agrees_with_authorize(
        l in layers(),
        r in req(),
        known in prop::collection::vec(any::<bool>(), 4),
        caller in 0..CALLERS.len(),
        resource_principal in any::<bool>(),
    ) {
        let to_policy = |sts: &Vec<St>, principal: bool| policy(sts, principal);
        let identity: Vec<Policy> = l.identity.iter().map(|s| to_policy(s, false)).collect();
        let resource = l.resource.as_ref().map(|p| p.as_ref().map(|s| {
            // Resource policies name the caller's account, or everyone.
            let p = to_policy(s, true);
            if resource_principal { p } else {
                parse_policy(&PolicyJsonString::star(s)).unwrap()
            }
        }));
        let boundary = l.boundary.as_ref().map(|p| p.as_ref().map(|s| to_policy(s, false)));
        let session = l.session.as_ref().map(|p| p.as_ref().map(|s| to_policy(s, false)));
        let lv = |levels: &Option<Vec<Vec<Option<Vec<St>>>>>| -> Option<Vec<Vec<Option<Policy>>>> {
            levels.as_ref().map(|ls| ls.iter().map(|lvl| lvl.iter().map(|p| p.as_ref().map(|s| to_policy(s, false))).collect()).collect())
        };
        let scps = lv(&l.scps);
        let rcps = lv(&l.rcps);
        fn labeled<'a>(p: &'a Option<Policy>, name: &'static str) -> Labeled<'a> {
            match p {
                Some(p) => Labeled::new(name, p),
                None => Labeled::unknown(name),
            }
        }
        type Levels<'a> = Option<Vec<Vec<Labeled<'a>>>>;
        fn levels_of<'a>(ls: &'a Option<Vec<Vec<Option<Policy>>>>, name: &'static str) -> Levels<'a> {
            ls.as_ref().map(|ls| {
                ls.iter()
                    .map(|lvl| lvl.iter().map(|p| labeled(p, name)).collect())
                    .collect()
            })
        }
        let set = PolicySet {
            identity: identity.iter().map(|p| Labeled::new("identity", p)).collect(),
            resource: resource.as_ref().map(|p| labeled(p, "resource")),
            permission_boundary: boundary.as_ref().map(|p| labeled(p, "boundary")),
            session_policy: session.as_ref().map(|p| labeled(p, "session")),
            scps: levels_of(&scps, "scp").map(Into::into),
            rcps: levels_of(&rcps, "rcp"),
            identity_unknown: l.identity_unknown,
        };
        let account = if r.cross { "222222222222" } else { "111111111111" };
        let mut request = Request::new(
            CALLERS[caller],
            REQ_ACTIONS[r.action],
            REQ_RESOURCES[r.resource],
            Some(account),
            context(&r, &known),
        )
        .unwrap();
        request.has_permission_boundary = boundary.is_some();
        let full = authorize(&request, &set, false);
        let explained = authorize(&request, &set, true);
        let (kind, allowed_when) = trustgate_policy::decide(&request, &set);
        prop_assert_eq!(kind, full.kind);
        prop_assert_eq!(&allowed_when, &full.allowed_when);
        prop_assert_eq!(explained.kind, full.kind);
        prop_assert_eq!(&explained.allowed_when, &full.allowed_when);
    }
}

/// A resource policy whose statements name everyone (`"Principal": "*"`).
struct PolicyJsonString;

impl PolicyJsonString {
    fn star(statements: &[St]) -> String {
        let body: Vec<String> = statements
            .iter()
            .map(|s| statement_json(s, false).replacen('{', r#"{"Principal":"*","#, 1))
            .collect();
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            body.join(",")
        )
    }
}
