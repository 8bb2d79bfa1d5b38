//! # trustgate-lint
//!
//! Validation of single policy documents (`trustgate lint`): grammar errors from the parser,
//! security problems, warnings about actions, keys and resources that do not exist or do not
//! fit, and suggestions. With [`PolicyKind::Identity`] it adds the checks IAM applies when an
//! identity policy is saved. Pure: no I/O.
//!
//! | code | severity | what |
//! |---|---|---|
//! | L001 | error | the document does not parse (grammar) |
//! | L010 | security | Allow with NotPrincipal |
//! | L011 | security | `*` principal in an Allow without a condition restricting who |
//! | L012 | security | `iam:PassRole` allowed on every resource |
//! | L013 | security | Allow with NotAction |
//! | L014 | security | every action on every resource (administrator) |
//! | L020 | warning | unknown service prefix |
//! | L021 | warning | unknown action |
//! | L022 | warning | unknown condition key |
//! | L023 | warning | operator does not fit the key's type |
//! | L024 | warning | set operator on a single-valued key, or a plain operator on a multi-valued key |
//! | L025 | warning | a Resource that fits none of the statement's actions |
//! | L026 | warning | a partial wildcard in a Principal (IAM does not support it) |
//! | L027 | warning | a condition value malformed for its operator (never matches) |
//! | L030 | suggestion | statement duplicated or subsumed by another |
//! | L031 | suggestion | no Version, or 2008-10-17: policy variables are not substituted |
//! | L040–L045 | error | identity policies: Version, Resource required, no Principal, unique Sids, at least one statement, ARN format |

use serde::Serialize;
use trustgate_iamdata::{IamData, KeyType};
use trustgate_policy::condition::value_is_valid;
use trustgate_policy::{
    parse_policy, Effect, OperatorFamily, OperatorKind, Policy, PrincipalKind, SetQualifier,
    Statement, Version,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Suggestion,
    Warning,
    Security,
    Error,
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    /// JSON path of the element (`Statement[1].Action[0]`).
    pub path: String,
    /// 1-based line and column, when known (parse errors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

/// What the policy is for: identity policies get IAM's save-time validation too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PolicyKind {
    #[default]
    Any,
    Identity,
    Resource,
    Trust,
    Scp,
}

#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    pub kind: PolicyKind,
}

fn diag(severity: Severity, code: &'static str, path: String, message: String) -> Diagnostic {
    Diagnostic {
        severity,
        code,
        message,
        path,
        line: None,
        column: None,
    }
}

/// Lints policy text: a parse error is an L001 Error with its place.
pub fn lint_text(text: &str, opts: &LintOptions) -> Vec<Diagnostic> {
    match parse_policy(text) {
        Ok(p) => lint(&p, opts),
        Err(e) => vec![Diagnostic {
            severity: Severity::Error,
            code: "L001",
            message: e.message.clone(),
            path: if e.path.is_empty() {
                ".".into()
            } else {
                e.path.clone()
            },
            line: (e.line > 0).then_some(e.line),
            column: (e.line > 0).then_some(e.column),
        }],
    }
}

/// Condition keys that restrict who a statement applies to.
const RESTRICTING: [&str; 9] = [
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalarn",
    "aws:principalaccount",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:userid",
];

/// Lints a parsed policy.
pub fn lint(policy: &Policy, opts: &LintOptions) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let data = IamData::get();
    if opts.kind == PolicyKind::Identity && policy.version != Version::V2012_10_17 {
        out.push(diag(
            Severity::Error,
            "L040",
            "Version".into(),
            "identity policies must have \"Version\": \"2012-10-17\"".into(),
        ));
    } else if policy.version != Version::V2012_10_17 {
        out.push(diag(
            Severity::Suggestion,
            "L031",
            "Version".into(),
            "no \"Version\": \"2012-10-17\": policy variables like ${aws:username} are taken literally".into(),
        ));
    }
    if opts.kind == PolicyKind::Identity && policy.statements.is_empty() {
        out.push(diag(
            Severity::Error,
            "L044",
            "Statement".into(),
            "an identity policy needs at least one statement".into(),
        ));
    }
    let mut sids: Vec<&str> = Vec::new();
    for (i, st) in policy.statements.iter().enumerate() {
        let at = |rest: &str| {
            if rest.is_empty() {
                format!("Statement[{i}]")
            } else {
                format!("Statement[{i}].{rest}")
            }
        };
        if let Some(sid) = st.sid.as_deref().filter(|s| !s.is_empty()) {
            if opts.kind == PolicyKind::Identity && sids.contains(&sid) {
                out.push(diag(
                    Severity::Error,
                    "L043",
                    at("Sid"),
                    format!("Sid \"{sid}\" is used twice: Sids must be unique in a policy"),
                ));
            }
            sids.push(sid);
        }
        if opts.kind == PolicyKind::Identity {
            if st.resource.is_none() {
                out.push(diag(
                    Severity::Error,
                    "L041",
                    at(""),
                    "identity policy statements need Resource or NotResource".into(),
                ));
            }
            if st.principal.is_some() {
                out.push(diag(
                    Severity::Error,
                    "L042",
                    at("Principal"),
                    "identity policies cannot have Principal or NotPrincipal".into(),
                ));
            }
            if let Some(r) = &st.resource {
                for (j, res) in r.resources.iter().enumerate() {
                    if let Some(problem) = arn_problem(res) {
                        out.push(diag(
                            Severity::Error,
                            "L045",
                            at(&format!("Resource[{j}]")),
                            problem,
                        ));
                    }
                }
            }
        }
        security(st, &at, &mut out);
        actions_and_resources(data, st, &at, &mut out);
        conditions(data, st, &at, opts, &mut out);
        principals(st, &at, &mut out);
    }
    redundancy(policy, &mut out);
    out
}

fn security(st: &Statement, at: &dyn Fn(&str) -> String, out: &mut Vec<Diagnostic>) {
    if st.effect != Effect::Allow {
        return;
    }
    if let Some(p) = &st.principal {
        if p.negated {
            out.push(diag(Severity::Security, "L010", at("NotPrincipal"), "Allow with NotPrincipal grants every principal except those listed, anonymous callers included".into()));
        } else if p.has_wildcard() {
            let restricted = st.conditions.iter().any(|c| {
                RESTRICTING.contains(&c.key_lower.as_str())
                    && !c.operator.if_exists
                    && !c.operator.kind.is_negated()
            });
            if !restricted {
                out.push(diag(Severity::Security, "L011", at("Principal"), "Principal \"*\" without a condition restricting who (aws:PrincipalOrgID, aws:PrincipalArn, aws:SourceAccount…): anyone can use this statement".into()));
            }
        }
    }
    let any_resource = st
        .resource
        .as_ref()
        .is_none_or(|r| r.negated || r.resources.iter().any(|x| x == "*"));
    if st.action.negated {
        out.push(diag(
            Severity::Security,
            "L013",
            at("NotAction"),
            "Allow with NotAction grants every action not listed, including future ones".into(),
        ));
    } else {
        if any_resource
            && st
                .action
                .actions
                .iter()
                .any(|a| trustgate_policy::pattern::action_matches(&a.lower, "iam:passrole"))
        {
            out.push(diag(Severity::Security, "L012", at("Action"), "iam:PassRole on every resource: the holder can hand any role (admin ones too) to a service it controls".into()));
        }
        if any_resource && st.action.actions.iter().any(|a| a.raw == "*") {
            out.push(diag(
                Severity::Security,
                "L014",
                at("Action"),
                "every action on every resource: administrator access".into(),
            ));
        }
    }
}

fn actions_and_resources(
    data: &IamData,
    st: &Statement,
    at: &dyn Fn(&str) -> String,
    out: &mut Vec<Diagnostic>,
) {
    let key = if st.action.negated {
        "NotAction"
    } else {
        "Action"
    };
    let mut concrete = Vec::new();
    for (j, a) in st.action.actions.iter().enumerate() {
        let Some((svc, name)) = a.raw.split_once(':') else {
            continue;
        };
        if svc.contains(['*', '?']) {
            continue;
        }
        let Some(service) = data.service(svc) else {
            out.push(diag(
                Severity::Warning,
                "L020",
                at(&format!("{key}[{j}]")),
                format!("unknown service prefix `{svc}`"),
            ));
            continue;
        };
        if name.contains(['*', '?']) {
            if data.actions_matching(&a.raw).is_empty() {
                out.push(diag(
                    Severity::Warning,
                    "L021",
                    at(&format!("{key}[{j}]")),
                    format!("`{}` matches no action of {svc}", a.raw),
                ));
            }
        } else {
            match data.action(svc, name) {
                Some(action) => concrete.push((service.prefix.as_str(), action)),
                None => out.push(diag(
                    Severity::Warning,
                    "L021",
                    at(&format!("{key}[{j}]")),
                    format!("unknown action `{}`", a.raw),
                )),
            }
        }
    }
    // A Resource must fit at least one resource type of at least one listed action.
    if st.action.negated || concrete.is_empty() || concrete.len() != st.action.actions.len() {
        return;
    }
    if let Some(r) = &st.resource {
        if r.negated {
            return;
        }
        for (j, res) in r.resources.iter().enumerate() {
            if !concrete
                .iter()
                .any(|(svc, action)| data.resource_fits(svc, action, res))
            {
                out.push(diag(
                    Severity::Warning,
                    "L025",
                    at(&format!("Resource[{j}]")),
                    format!("`{res}` fits no resource type of the statement's actions"),
                ));
            }
        }
    }
}

fn conditions(
    data: &IamData,
    st: &Statement,
    at: &dyn Fn(&str) -> String,
    opts: &LintOptions,
    out: &mut Vec<Diagnostic>,
) {
    // A value malformed for its operator never matches. (IAM's own save-time date parser is
    // laxer than ISO 8601 in places and stricter in others; we warn rather than guess it.)
    let malformed = Severity::Warning;
    let _ = opts;
    for c in &st.conditions {
        let path = at(&format!("Condition.{}.{}", c.operator, c.key));
        let family = c.operator.kind.family();
        for v in &c.values {
            if !v.contains("${") && !value_is_valid(family, v) {
                out.push(diag(
                    malformed,
                    "L027",
                    path.clone(),
                    format!(
                        "`{v}` is not a valid value for {}: it never matches",
                        c.operator
                    ),
                ));
            }
        }
        let Some(kind) = data.condition_key(&c.key) else {
            out.push(diag(
                Severity::Warning,
                "L022",
                path,
                format!("unknown condition key `{}`", c.key),
            ));
            continue;
        };
        if kind == KeyType::Any || c.operator.kind == OperatorKind::Null {
            continue;
        }
        let fits = match family {
            OperatorFamily::String => !matches!(
                kind,
                KeyType::Numeric
                    | KeyType::Date
                    | KeyType::Bool
                    | KeyType::IpAddress
                    | KeyType::Binary
            ),
            OperatorFamily::Arn => matches!(kind, KeyType::Arn | KeyType::ArrayOfArn),
            OperatorFamily::Numeric => kind == KeyType::Numeric,
            OperatorFamily::Date => kind == KeyType::Date,
            OperatorFamily::Bool => kind == KeyType::Bool,
            OperatorFamily::Ip => kind == KeyType::IpAddress,
            OperatorFamily::Binary => kind == KeyType::Binary,
            OperatorFamily::Null => true,
        };
        if !fits {
            out.push(diag(
                Severity::Warning,
                "L023",
                path.clone(),
                format!(
                    "{} does not fit `{}`, a {kind:?} key",
                    c.operator.kind.name(),
                    c.key
                ),
            ));
        }
        match (c.operator.set, kind.is_multivalued()) {
            (Some(q), false) => out.push(diag(
                Severity::Warning,
                "L024",
                path,
                format!(
                    "{} on the single-valued key `{}`: {}",
                    if q == SetQualifier::ForAllValues { "ForAllValues" } else { "ForAnyValue" },
                    c.key,
                    if q == SetQualifier::ForAllValues { "true whenever the key is absent" } else { "use the plain operator" }
                ),
            )),
            (None, true) => out.push(diag(
                Severity::Warning,
                "L024",
                path,
                format!("`{}` is multi-valued: use ForAllValues: or ForAnyValue: to say how its values combine", c.key),
            )),
            _ => {}
        }
    }
}

fn principals(st: &Statement, at: &dyn Fn(&str) -> String, out: &mut Vec<Diagnostic>) {
    let Some(p) = &st.principal else { return };
    for (j, pr) in p.principals.iter().enumerate() {
        if pr.kind == PrincipalKind::Aws && pr.value != "*" && pr.value.contains(['*', '?']) {
            out.push(diag(
                Severity::Warning,
                "L026",
                at(&format!("Principal.AWS[{j}]")),
                format!("`{}`: IAM does not support wildcards inside a principal; use `*` with an aws:PrincipalArn condition", pr.value),
            ));
        }
    }
}

fn arn_problem(res: &str) -> Option<String> {
    if res == "*" {
        return None;
    }
    let parts: Vec<&str> = res.splitn(6, ':').collect();
    if parts.len() < 3 || parts[2].is_empty() {
        return Some(format!(
            "`{res}` is not an ARN: expected arn:partition:service:region:account:resource"
        ));
    }
    if parts.len() == 3 {
        // IAM's legacy parser accepts the short form `arn:partition:service`.
        return None;
    }
    if parts.len() < 6 {
        return Some(format!("`{res}` has {} segments: an ARN has six (arn:partition:service:region:account:resource)", parts.len()));
    }
    if !matches!(
        parts[1],
        "aws" | "aws-cn" | "aws-us-gov" | "aws-iso" | "aws-iso-b" | "*"
    ) {
        return Some(format!("partition `{}` is not valid in `{res}`", parts[1]));
    }
    if parts[2].is_empty() {
        return Some(format!("`{res}` names no service"));
    }
    if parts[2] == "iam" && !parts[3].is_empty() {
        return Some(format!("IAM resources have no region: `{res}`"));
    }
    const IAM_PATHS: [&str; 14] = [
        "user/",
        "federated-user/",
        "role/",
        "group/",
        "instance-profile/",
        "mfa/",
        "server-certificate/",
        "policy/",
        "sms-mfa/",
        "saml-provider/",
        "oidc-provider/",
        "report/",
        "access-report/",
        "root",
    ];
    if parts[2] == "iam" && parts[5] != "*" && !IAM_PATHS.iter().any(|p| parts[5].starts_with(p)) {
        return Some(format!("IAM resource `{res}`: the path must be \"*\" or start with user/, role/, group/, policy/…"));
    }
    if parts[2] == "s3"
        && !parts[3].is_empty()
        && !parts[5].starts_with("accesspoint/")
        && !parts[5].contains("job/")
    {
        return Some(format!("S3 bucket and object ARNs have no region: `{res}`"));
    }
    None
}

/// Statements that repeat another's effect, actions and resources without conditions.
fn redundancy(policy: &Policy, out: &mut Vec<Diagnostic>) {
    for (i, a) in policy.statements.iter().enumerate() {
        for (j, b) in policy.statements.iter().enumerate() {
            if i == j
                || a.effect != b.effect
                || !b.conditions.is_empty()
                || a.principal != b.principal
            {
                continue;
            }
            if a.action.negated || b.action.negated {
                continue;
            }
            let actions_covered = a.action.actions.iter().all(|x| {
                b.action
                    .actions
                    .iter()
                    .any(|y| trustgate_policy::pattern::action_matches(&y.lower, &x.lower))
            });
            let resources_covered = match (&a.resource, &b.resource) {
                (Some(ra), Some(rb)) if !ra.negated && !rb.negated => {
                    ra.resources.iter().all(|x| {
                        rb.resources
                            .iter()
                            .any(|y| trustgate_policy::pattern::arn_matches(y, x))
                    })
                }
                (None, None) => true,
                _ => false,
            };
            // Report each pair once: for identical statements, only the later one.
            if actions_covered && resources_covered && (a != b || i > j) {
                out.push(diag(
                    Severity::Suggestion,
                    "L030",
                    format!("Statement[{i}]"),
                    format!(
                        "everything this statement grants is already granted by Statement[{j}]"
                    ),
                ));
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests;
