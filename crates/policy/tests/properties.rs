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
