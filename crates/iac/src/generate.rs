//! `trustgate generate`: both halves of every relationship of a spec — the target role (trust
//! policy, permissions, boundary, session length, tags) and the caller's identity policy
//! allowing exactly that `sts:AssumeRole` — as Terraform, CloudFormation YAML or the raw
//! policy documents.
//!
//! Each account gets its own section: a Terraform provider alias pinned with
//! `allowed_account_ids`, or a CloudFormation document pinned with a rule on
//! `AWS::AccountId`. Applying a section in the wrong account fails, and `iac scan` reads the
//! accounts back from the same places.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::Serialize;

use crate::spec::{self, Relationship, Spec};
use crate::ReadError;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Terraform,
    CloudFormation,
    Json,
}

/// What was generated, and what the author should know about it.
#[derive(Debug, Clone)]
pub struct Generated {
    pub text: String,
    pub notes: Vec<String>,
}

/// An ordered JSON-like tree (policy elements in the order people read them: Sid, Effect,
/// Principal, Action, Resource, Condition).
#[derive(Debug, Clone, PartialEq)]
pub enum Tree {
    Str(String),
    Num(u64),
    Bool(bool),
    List(Vec<Tree>),
    Obj(Vec<(String, Tree)>),
}

impl Serialize for Tree {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Tree::Str(v) => s.serialize_str(v),
            Tree::Num(n) => s.serialize_u64(*n),
            Tree::Bool(b) => s.serialize_bool(*b),
            Tree::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            Tree::Obj(items) => {
                let mut map = s.serialize_map(Some(items.len()))?;
                for (k, v) in items {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

fn st(s: &str) -> Tree {
    Tree::Str(s.to_string())
}

/// One value or a list (IAM's single-or-array elements: a single value stays a string).
fn one_or_many(values: &[String]) -> Tree {
    match values {
        [one] => st(one),
        many => Tree::List(many.iter().map(|v| st(v)).collect()),
    }
}

fn from_json(v: &serde_json::Value) -> Tree {
    match v {
        serde_json::Value::String(s) => st(s),
        serde_json::Value::Bool(b) => Tree::Str(b.to_string()),
        serde_json::Value::Number(n) => Tree::Str(n.to_string()),
        serde_json::Value::Array(a) => Tree::List(a.iter().map(from_json).collect()),
        serde_json::Value::Object(m) => {
            Tree::Obj(m.iter().map(|(k, v)| (k.clone(), from_json(v))).collect())
        }
        serde_json::Value::Null => st(""),
    }
}

/// A caller's half: an inline policy on the principal that assumes.
#[derive(Debug, Clone)]
pub struct CallerHalf {
    pub account: String,
    pub principal_arn: String,
    /// `role` or `user`.
    pub kind: &'static str,
    pub principal_name: String,
    pub policy_name: String,
    pub policy: Tree,
}

/// A target role.
#[derive(Debug, Clone)]
pub struct TargetRole {
    pub name: String,
    pub account: String,
    pub path: String,
    pub arn: String,
    pub description: String,
    pub trust: Tree,
    pub permissions: Tree,
    pub boundary: Option<String>,
    pub max_session: u32,
    pub tags: BTreeMap<String, String>,
    pub callers: Vec<CallerHalf>,
}

fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn snake(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("r_{s}")
    } else {
        s
    }
}

/// Builds the roles and caller halves of a spec.
pub fn plan(spec: &Spec, notes: &mut Vec<String>) -> Vec<TargetRole> {
    spec.relationships
        .iter()
        .map(|r| target(spec, r, notes))
        .collect()
}

fn target(spec: &Spec, r: &Relationship, notes: &mut Vec<String>) -> TargetRole {
    let d = &spec.defaults;
    let path = r
        .path
        .clone()
        .or_else(|| d.path.clone())
        .unwrap_or_else(|| "/".into());
    let arn = format!("arn:aws:iam::{}:role{path}{}", r.account, r.name);
    let t = &r.trusted;
    let mut actions = vec!["sts:AssumeRole".to_string()];
    if r.session_tags {
        actions.push("sts:TagSession".into());
    }
    if r.source_identity {
        actions.push("sts:SetSourceIdentity".into());
    }
    // Who: the principal ARN itself, the vendor's account, or an account narrowed by
    // aws:PrincipalArn.
    let (principal, trusted_is_user, callers): (Vec<String>, bool, Vec<String>) =
        match (&t.principal, &t.vendor, &t.account) {
            (Some(p), _, _) => (vec![p.clone()], p.contains(":user/"), vec![p.clone()]),
            (_, Some(v), _) => (
                vec![format!("arn:aws:iam::{}:root", v.account)],
                false,
                Vec::new(),
            ),
            (_, _, Some(a)) => (
                vec![format!("arn:aws:iam::{a}:root")],
                t.principal_arns.iter().any(|p| p.contains(":user/")),
                t.principal_arns.clone(),
            ),
            _ => unreachable!("validated: exactly one kind of trusted party"),
        };
    let mut cond: Vec<(String, Tree)> = Vec::new();
    let mut add = |op: &str, key: &str, value: Tree| match cond.iter_mut().find(|(o, _)| o == op) {
        Some((_, Tree::Obj(items))) => items.push((key.to_string(), value)),
        _ => cond.push((op.to_string(), Tree::Obj(vec![(key.to_string(), value)]))),
    };
    if let Some(v) = &t.vendor {
        add("StringEquals", "sts:ExternalId", st(&v.external_id));
    }
    if !t.principal_arns.is_empty() {
        add(
            "ArnEquals",
            "aws:PrincipalArn",
            one_or_many(&t.principal_arns),
        );
    }
    let mfa_required = match &r.mfa {
        Some(m) => m.required,
        None => {
            if trusted_is_user {
                notes.push(format!(
                    "{}: the trusted principal is an IAM user: MFA is required (set mfa.required: false to opt out)",
                    r.name
                ));
            }
            trusted_is_user
        }
    };
    if mfa_required {
        add("Bool", "aws:MultiFactorAuthPresent", st("true"));
        if let Some(age) = r.mfa.as_ref().and_then(|m| m.max_age_seconds) {
            add(
                "NumericLessThan",
                "aws:MultiFactorAuthAge",
                st(&age.to_string()),
            );
        }
    }
    if !r.source_ip.is_empty() {
        add("IpAddress", "aws:SourceIp", one_or_many(&r.source_ip));
    }
    if !r.source_vpce.is_empty() {
        add(
            "StringEquals",
            "aws:SourceVpce",
            one_or_many(&r.source_vpce),
        );
    }
    let mut trust_st = vec![
        ("Sid".to_string(), st(&format!("Trust{}", pascal(&r.name)))),
        ("Effect".into(), st("Allow")),
        (
            "Principal".into(),
            Tree::Obj(vec![("AWS".into(), one_or_many(&principal))]),
        ),
        ("Action".into(), one_or_many(&actions)),
    ];
    if !cond.is_empty() {
        trust_st.push(("Condition".into(), Tree::Obj(cond)));
    }
    let trust = Tree::Obj(vec![
        ("Version".into(), st("2012-10-17")),
        ("Statement".into(), Tree::List(vec![Tree::Obj(trust_st)])),
    ]);

    let statements: Vec<Tree> = r
        .permissions
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let wild: Vec<&String> = p
                .actions
                .iter()
                .filter(|a| a.as_str() == "*" || a.ends_with(":*"))
                .collect();
            if !wild.is_empty() {
                notes.push(format!(
                    "{}: permissions[{i}] uses wildcard actions ({}): iac scan reports them (TG008)",
                    r.name,
                    wild.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                ));
            }
            let mut s = vec![
                (
                    "Sid".to_string(),
                    st(&p.sid.clone().unwrap_or_else(|| format!("Permission{i}"))),
                ),
                ("Effect".into(), st("Allow")),
                ("Action".into(), one_or_many(&p.actions)),
                ("Resource".into(), one_or_many(&p.resources)),
            ];
            if let Some(c) = &p.condition {
                s.push(("Condition".into(), from_json(&serde_json::Value::Object(c.clone()))));
            }
            Tree::Obj(s)
        })
        .collect();
    let permissions = Tree::Obj(vec![
        ("Version".into(), st("2012-10-17")),
        ("Statement".into(), Tree::List(statements)),
    ]);

    let boundary = r
        .permissions_boundary
        .clone()
        .or_else(|| d.permissions_boundary.clone());
    if boundary.is_none() {
        notes.push(format!(
            "{}: no permissions boundary (iac scan reports TG009, low): set permissionsBoundary or defaults.permissionsBoundary",
            r.name
        ));
    }
    let mut tags = d.tags.clone();
    tags.extend(r.tags.clone());
    tags.insert(
        "Owner".into(),
        r.owner
            .clone()
            .or_else(|| d.owner.clone())
            .unwrap_or_default(),
    );
    tags.insert("Purpose".into(), r.purpose.clone());
    tags.insert("ReviewBy".into(), r.review_by.clone());

    let caller_actions = one_or_many(&actions);
    let callers = callers
        .iter()
        .filter_map(|p| {
            let a = trustgate_policy::Arn::parse(p)?;
            let (kind, rest) = a.resource.split_once('/')?;
            let kind = match kind {
                "role" => "role",
                "user" => "user",
                _ => return None,
            };
            Some(CallerHalf {
                account: a.account.to_string(),
                principal_arn: p.clone(),
                kind,
                principal_name: rest.rsplit('/').next().unwrap_or(rest).to_string(),
                policy_name: format!("assume-{}-{}", r.account, r.name),
                policy: Tree::Obj(vec![
                    ("Version".into(), st("2012-10-17")),
                    (
                        "Statement".into(),
                        Tree::List(vec![Tree::Obj(vec![
                            ("Sid".into(), st(&format!("Assume{}", pascal(&r.name)))),
                            ("Effect".into(), st("Allow")),
                            ("Action".into(), caller_actions.clone()),
                            ("Resource".into(), st(&arn)),
                        ])]),
                    ),
                ]),
            })
        })
        .collect::<Vec<_>>();
    if let Some(v) = &t.vendor {
        notes.push(format!(
            "{}: the caller's half belongs to {} (account {}): nothing is generated for it",
            r.name, v.name, v.account
        ));
    }
    TargetRole {
        name: r.name.clone(),
        account: r.account.clone(),
        path,
        arn,
        description: r.purpose.clone(),
        trust,
        permissions,
        boundary,
        max_session: r
            .max_session_seconds
            .or(d.max_session_seconds)
            .unwrap_or(3600),
        tags,
        callers,
    }
}

// ---------------------------------------------------------------- Terraform

fn hcl_string(s: &str) -> String {
    let mut out = String::from("\"");
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn hcl_key(k: &str) -> String {
    let ident = k.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ident {
        k.to_string()
    } else {
        hcl_string(k)
    }
}

/// A value of an HCL attribute.
enum Hcl {
    Raw(String),
    Tree(Tree),
    /// `jsonencode(<tree>)`.
    Json(Tree),
}

fn single_line(t: &Tree) -> bool {
    match t {
        Tree::Str(_) | Tree::Num(_) | Tree::Bool(_) => true,
        Tree::List(items) => items
            .iter()
            .all(|i| !matches!(i, Tree::List(_) | Tree::Obj(_))),
        Tree::Obj(items) => items.is_empty(),
    }
}

fn hcl_tree(out: &mut String, t: &Tree, indent: usize) {
    match t {
        Tree::Str(s) => out.push_str(&hcl_string(s)),
        Tree::Num(n) => out.push_str(&n.to_string()),
        Tree::Bool(b) => out.push_str(&b.to_string()),
        Tree::List(items) if single_line(t) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                hcl_tree(out, x, indent);
            }
            out.push(']');
        }
        Tree::List(items) => {
            out.push_str("[\n");
            for x in items {
                out.push_str(&" ".repeat(indent + 2));
                hcl_tree(out, x, indent + 2);
                out.push_str(",\n");
            }
            out.push_str(&" ".repeat(indent));
            out.push(']');
        }
        Tree::Obj(items) if items.is_empty() => out.push_str("{}"),
        Tree::Obj(items) => {
            out.push_str("{\n");
            let attrs: Vec<(String, Hcl)> = items
                .iter()
                .map(|(k, v)| (hcl_key(k), Hcl::Tree(v.clone())))
                .collect();
            hcl_attrs(out, &attrs, indent + 2);
            out.push_str(&" ".repeat(indent));
            out.push('}');
        }
    }
}

fn is_single(v: &Hcl) -> bool {
    match v {
        Hcl::Raw(_) => true,
        Hcl::Tree(t) => single_line(t),
        Hcl::Json(_) => false,
    }
}

/// Attributes at `indent`, as `terraform fmt` lays them out: the `=` of consecutive
/// single-line attributes aligned; a multi-line value is not aligned and ends the run.
fn hcl_attrs(out: &mut String, attrs: &[(String, Hcl)], indent: usize) {
    let mut i = 0;
    while i < attrs.len() {
        let mut j = i;
        while j < attrs.len() && is_single(&attrs[j].1) {
            j += 1;
        }
        let width = attrs[i..j]
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        for (k, v) in &attrs[i..j] {
            let pad = width - k.chars().count();
            let _ = write!(out, "{}{k}{} = ", " ".repeat(indent), " ".repeat(pad));
            match v {
                Hcl::Raw(r) => out.push_str(r),
                Hcl::Tree(t) => hcl_tree(out, t, indent),
                Hcl::Json(_) => unreachable!("multi-line"),
            }
            out.push('\n');
        }
        if j < attrs.len() {
            let (k, v) = &attrs[j];
            let _ = write!(out, "{}{k} = ", " ".repeat(indent));
            match v {
                Hcl::Json(t) => {
                    out.push_str("jsonencode(");
                    hcl_tree(out, t, indent);
                    out.push(')');
                }
                Hcl::Tree(t) => hcl_tree(out, t, indent),
                Hcl::Raw(r) => out.push_str(r),
            }
            out.push('\n');
            j += 1;
        }
        i = j;
    }
}

fn hcl_block(out: &mut String, header: &str, attrs: &[(String, Hcl)]) {
    let _ = writeln!(out, "{header} {{");
    hcl_attrs(out, attrs, 2);
    out.push_str("}\n");
}

fn provider_ref(account: &str) -> Hcl {
    Hcl::Raw(format!("aws.account_{account}"))
}

/// Terraform for the roles, formatted as `terraform fmt` would.
pub fn terraform(roles: &[TargetRole], source: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Generated by trustgate from {source}. Change the spec, not this file.\n# Each resource is pinned to its account through a provider alias with allowed_account_ids."
    );
    let mut accounts: Vec<&str> = roles
        .iter()
        .flat_map(|r| {
            std::iter::once(r.account.as_str()).chain(r.callers.iter().map(|c| c.account.as_str()))
        })
        .collect();
    accounts.sort();
    accounts.dedup();
    for a in &accounts {
        out.push('\n');
        hcl_block(
            &mut out,
            "provider \"aws\"",
            &[
                ("alias".into(), Hcl::Tree(st(&format!("account_{a}")))),
                (
                    "allowed_account_ids".into(),
                    Hcl::Tree(Tree::List(vec![st(a)])),
                ),
            ],
        );
    }
    for r in roles {
        let id = snake(&r.name);
        let _ = write!(
            out,
            "\n# {}: role in account {} ({})\n",
            r.name, r.account, r.description
        );
        let mut attrs: Vec<(String, Hcl)> = vec![
            ("provider".into(), provider_ref(&r.account)),
            ("name".into(), Hcl::Tree(st(&r.name))),
            ("path".into(), Hcl::Tree(st(&r.path))),
            ("description".into(), Hcl::Tree(st(&r.description))),
            (
                "max_session_duration".into(),
                Hcl::Tree(Tree::Num(u64::from(r.max_session))),
            ),
        ];
        if let Some(b) = &r.boundary {
            attrs.push(("permissions_boundary".into(), Hcl::Tree(st(b))));
        }
        attrs.push(("assume_role_policy".into(), Hcl::Json(r.trust.clone())));
        attrs.push((
            "tags".into(),
            Hcl::Tree(Tree::Obj(
                r.tags.iter().map(|(k, v)| (k.clone(), st(v))).collect(),
            )),
        ));
        hcl_block(
            &mut out,
            &format!("resource \"aws_iam_role\" \"{id}\""),
            &attrs,
        );
        out.push('\n');
        hcl_block(
            &mut out,
            &format!("resource \"aws_iam_role_policy\" \"{id}_permissions\""),
            &[
                ("provider".into(), provider_ref(&r.account)),
                (
                    "name".into(),
                    Hcl::Tree(st(&format!("{}-permissions", r.name))),
                ),
                ("role".into(), Hcl::Raw(format!("aws_iam_role.{id}.name"))),
                ("policy".into(), Hcl::Json(r.permissions.clone())),
            ],
        );
        for (i, c) in r.callers.iter().enumerate() {
            let _ = write!(
                out,
                "\n# {}: the caller's half, in account {}: {} may assume {}\n",
                r.name, c.account, c.principal_arn, r.arn
            );
            hcl_block(
                &mut out,
                &format!(
                    "resource \"aws_iam_{}_policy\" \"{id}_caller{}\"",
                    c.kind,
                    if r.callers.len() > 1 {
                        format!("_{i}")
                    } else {
                        String::new()
                    }
                ),
                &[
                    ("provider".into(), provider_ref(&c.account)),
                    ("name".into(), Hcl::Tree(st(&c.policy_name))),
                    (c.kind.into(), Hcl::Tree(st(&c.principal_name))),
                    ("policy".into(), Hcl::Json(c.policy.clone())),
                ],
            );
        }
    }
    out
}

// ---------------------------------------------------------------- CloudFormation (YAML)

fn yaml_plain_ok(s: &str) -> bool {
    const RESERVED: [&str; 12] = [
        "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~", "", ".inf",
    ];
    !RESERVED.iter().any(|r| s.eq_ignore_ascii_case(r))
        && s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " /_.:@+=,()-".contains(c))
        && !s.contains(": ")
        && !s.ends_with(' ')
        && !s.ends_with(':')
        && s.parse::<f64>().is_err()
}

fn yaml_scalar(s: &str) -> String {
    if yaml_plain_ok(s) {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

fn yaml_value(out: &mut String, t: &Tree, indent: usize) {
    match t {
        Tree::Str(s) => {
            out.push(' ');
            out.push_str(&yaml_scalar(s));
            out.push('\n');
        }
        Tree::Num(n) => {
            let _ = writeln!(out, " {n}");
        }
        Tree::Bool(b) => {
            let _ = writeln!(out, " {b}");
        }
        Tree::List(items) if items.is_empty() => out.push_str(" []\n"),
        Tree::Obj(items) if items.is_empty() => out.push_str(" {}\n"),
        Tree::List(items) => {
            out.push('\n');
            for x in items {
                let _ = write!(out, "{}-", " ".repeat(indent + 2));
                match x {
                    Tree::Obj(kv) if !kv.is_empty() => {
                        out.push(' ');
                        yaml_map(out, kv, indent + 4, true);
                    }
                    other => yaml_value(out, other, indent + 2),
                }
            }
        }
        Tree::Obj(items) => {
            out.push('\n');
            yaml_map(out, items, indent + 2, false);
        }
    }
}

/// A mapping at `indent`; with `inline_first`, the first key follows a `- ` already written.
fn yaml_map(out: &mut String, items: &[(String, Tree)], indent: usize, inline_first: bool) {
    for (i, (k, v)) in items.iter().enumerate() {
        if !(inline_first && i == 0) {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&yaml_scalar(k));
        out.push(':');
        yaml_value(out, v, indent);
    }
}

/// CloudFormation YAML: one document per account (separated by `---`), each pinned to its
/// account by a rule on `AWS::AccountId`.
pub fn cloudformation(roles: &[TargetRole], source: &str) -> String {
    let mut by_account: BTreeMap<&str, Vec<(String, Tree)>> = BTreeMap::new();
    for r in roles {
        let id = pascal(&r.name);
        let mut props = vec![
            ("RoleName".to_string(), st(&r.name)),
            ("Path".into(), st(&r.path)),
            ("Description".into(), st(&r.description)),
            (
                "MaxSessionDuration".into(),
                Tree::Num(u64::from(r.max_session)),
            ),
        ];
        if let Some(b) = &r.boundary {
            props.push(("PermissionsBoundary".into(), st(b)));
        }
        props.push(("AssumeRolePolicyDocument".into(), r.trust.clone()));
        props.push((
            "Policies".into(),
            Tree::List(vec![Tree::Obj(vec![
                ("PolicyName".into(), st(&format!("{}-permissions", r.name))),
                ("PolicyDocument".into(), r.permissions.clone()),
            ])]),
        ));
        props.push((
            "Tags".into(),
            Tree::List(
                r.tags
                    .iter()
                    .map(|(k, v)| Tree::Obj(vec![("Key".into(), st(k)), ("Value".into(), st(v))]))
                    .collect(),
            ),
        ));
        by_account.entry(&r.account).or_default().push((
            format!("{id}Role"),
            Tree::Obj(vec![
                ("Type".into(), st("AWS::IAM::Role")),
                ("Properties".into(), Tree::Obj(props)),
            ]),
        ));
        for (i, c) in r.callers.iter().enumerate() {
            let list_key = if c.kind == "role" { "Roles" } else { "Users" };
            by_account.entry(&c.account).or_default().push((
                format!(
                    "Assume{id}Policy{}",
                    if r.callers.len() > 1 {
                        i.to_string()
                    } else {
                        String::new()
                    }
                ),
                Tree::Obj(vec![
                    ("Type".into(), st("AWS::IAM::Policy")),
                    (
                        "Properties".into(),
                        Tree::Obj(vec![
                            ("PolicyName".into(), st(&c.policy_name)),
                            (list_key.into(), Tree::List(vec![st(&c.principal_name)])),
                            ("PolicyDocument".into(), c.policy.clone()),
                        ]),
                    ),
                ]),
            ));
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Generated by trustgate from {source}. Change the spec, not this file.\n# One template per account (documents separated by ---); each refuses to deploy elsewhere."
    );
    for (account, resources) in by_account {
        out.push_str("---\n");
        let doc = vec![
            ("AWSTemplateFormatVersion".to_string(), st("2010-09-09")),
            (
                "Description".into(),
                st(&format!(
                    "Cross-account access, account {account} (generated by trustgate)"
                )),
            ),
            (
                "Rules".into(),
                Tree::Obj(vec![(
                    "DeployToAccount".into(),
                    Tree::Obj(vec![(
                        "Assertions".into(),
                        Tree::List(vec![Tree::Obj(vec![
                            (
                                "Assert".into(),
                                Tree::Obj(vec![(
                                    "Fn::Equals".into(),
                                    Tree::List(vec![
                                        Tree::Obj(vec![("Ref".into(), st("AWS::AccountId"))]),
                                        st(account),
                                    ]),
                                )]),
                            ),
                            (
                                "AssertDescription".into(),
                                st(&format!("This template is for account {account}")),
                            ),
                        ])]),
                    )]),
                )]),
            ),
            ("Resources".into(), Tree::Obj(resources)),
        ];
        yaml_map(&mut out, &doc, 0, false);
    }
    out
}

// ---------------------------------------------------------------- JSON

/// The raw policy documents of every relationship.
pub fn json(roles: &[TargetRole]) -> String {
    let rels: Vec<Tree> = roles
        .iter()
        .map(|r| {
            let mut o = vec![
                ("name".to_string(), st(&r.name)),
                ("account".into(), st(&r.account)),
                ("roleArn".into(), st(&r.arn)),
                ("trustPolicy".into(), r.trust.clone()),
                ("permissionPolicy".into(), r.permissions.clone()),
                (
                    "maxSessionDuration".into(),
                    Tree::Num(u64::from(r.max_session)),
                ),
            ];
            if let Some(b) = &r.boundary {
                o.push(("permissionsBoundary".into(), st(b)));
            }
            o.push((
                "tags".into(),
                Tree::Obj(r.tags.iter().map(|(k, v)| (k.clone(), st(v))).collect()),
            ));
            o.push((
                "callers".into(),
                Tree::List(
                    r.callers
                        .iter()
                        .map(|c| {
                            Tree::Obj(vec![
                                ("account".into(), st(&c.account)),
                                ("principal".into(), st(&c.principal_arn)),
                                ("policyName".into(), st(&c.policy_name)),
                                ("policy".into(), c.policy.clone()),
                            ])
                        })
                        .collect(),
                ),
            ));
            Tree::Obj(o)
        })
        .collect();
    let doc = Tree::Obj(vec![("relationships".into(), Tree::List(rels))]);
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Generates from spec text (`source` names it in the header).
pub fn generate(file: &Path, text: &str, format: OutputFormat) -> Result<Generated, ReadError> {
    let loaded = spec::parse(file, text)?;
    let mut notes = Vec::new();
    let roles = plan(&loaded.spec, &mut notes);
    let source = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string());
    let text = match format {
        OutputFormat::Terraform => terraform(&roles, &source),
        OutputFormat::CloudFormation => cloudformation(&roles, &source),
        OutputFormat::Json => json(&roles),
    };
    Ok(Generated { text, notes })
}

/// Reads a spec file and generates.
pub fn generate_file(file: &Path, format: OutputFormat) -> Result<Generated, ReadError> {
    let text = std::fs::read_to_string(file).map_err(|e| ReadError::io(file, e))?;
    generate(file, &text, format)
}
