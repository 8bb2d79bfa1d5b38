//! Terraform HCL: the `.tf` files of one module directory, parsed with hcl-edit (which keeps
//! byte spans, so every resource has its line), with the expressions IAM documents are made
//! of evaluated:
//!
//! * literals, objects, lists, string templates and heredocs; `jsonencode`, `jsondecode`,
//!   `tolist`, `toset`, `concat`, `flatten`;
//! * `var.X` from the variable's non-empty `default` (noted: a run may set another value);
//! * `local.X`; `data.aws_caller_identity.X.account_id` (the deploying account);
//!   `data.aws_partition.X.partition`; `data.aws_iam_policy_document.X.json` (built from the
//!   data source's `statement` blocks);
//! * `aws_iam_role.X.arn` / `.name` / `.id` and the same of users, groups, managed policies
//!   and buckets of the module.
//!
//! Anything else (module outputs, `count.index`, resources of other providers, unknown
//! functions, `dynamic` blocks) stays an opaque `${…}` string and is reported unresolved.
//!
//! A `provider "aws"` block with exactly one `allowed_account_ids` entry says which account
//! its resources are deployed into; `provider = aws.ALIAS` on a resource selects the block.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Block, BlockLabel, Body};
use hcl_edit::template::{Element, Template as HclTemplate};
use hcl_edit::Span;
use serde_json::{json, Value as J};

use crate::template::{Item, Loc, Template, Unresolved};
use crate::ReadError;

/// A parsed `.tf` file.
pub struct File {
    pub path: PathBuf,
    pub text: String,
    pub body: Body,
}

/// Parses one `.tf` file; errors carry the line and column.
pub fn parse(path: &Path, text: String) -> Result<File, ReadError> {
    let body = hcl_edit::parser::parse_body(&text).map_err(|e| ReadError {
        file: path.to_path_buf(),
        line: e.location().line(),
        column: e.location().column(),
        message: format!("invalid HCL: {}", e.message()),
    })?;
    Ok(File {
        path: path.to_path_buf(),
        text,
        body,
    })
}

fn label(l: &BlockLabel) -> &str {
    match l {
        BlockLabel::Ident(i) => i.as_str(),
        BlockLabel::String(s) => s.as_str(),
    }
}

struct Block2<'a> {
    block: &'a Block,
    file: &'a File,
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.len(), |p| before.len() - p - 1);
    (line, before[before.len() - col..].chars().count() + 1)
}

struct Module<'a> {
    account: String,
    vars: HashMap<&'a str, Block2<'a>>,
    locals: HashMap<&'a str, (&'a Expression, &'a File)>,
    resources: HashMap<(&'a str, &'a str), Block2<'a>>,
    data: HashMap<(&'a str, &'a str), Block2<'a>>,
    /// Provider alias ("" for the default) → account.
    providers: HashMap<String, String>,
    defaults_used: RefCell<BTreeMap<String, String>>,
    /// Guards against reference cycles (`local.a = local.b`, `local.b = local.a`).
    visiting: RefCell<HashSet<String>>,
}

fn text_of<'t>(file: &'t File, e: &impl Span) -> &'t str {
    e.span()
        .and_then(|r| file.text.get(r))
        .unwrap_or("(expression)")
        .trim()
}

impl<'a> Module<'a> {
    fn eval(&self, e: &Expression, file: &File, u: &mut Unresolved) -> J {
        match e {
            Expression::Null(_) => J::Null,
            Expression::Bool(b) => J::Bool(*b.value()),
            Expression::Number(n) => serde_json::from_str(&n.value().to_string())
                .unwrap_or_else(|_| J::String(n.value().to_string())),
            Expression::String(s) => J::String(s.value().to_string()),
            Expression::Array(a) => J::Array(a.iter().map(|x| self.eval(x, file, u)).collect()),
            Expression::Object(o) => {
                let mut m = serde_json::Map::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(ke) => match self.eval(ke, file, u) {
                            J::String(s) => s,
                            other => other.to_string(),
                        },
                    };
                    m.insert(key, self.eval(v.expr(), file, u));
                }
                J::Object(m)
            }
            Expression::StringTemplate(t) => self.template(t, file, u),
            Expression::HeredocTemplate(h) => self.template(&h.template, file, u),
            Expression::Parenthesis(p) => self.eval(p.inner(), file, u),
            Expression::Traversal(t) => self.traversal(t, file, u),
            Expression::FuncCall(f) => self.call(f, file, u),
            Expression::Conditional(c) => {
                let mut inner = Unresolved::default();
                let a = self.eval(&c.true_expr, file, &mut inner);
                let b = self.eval(&c.false_expr, file, &mut inner);
                if a == b {
                    u.0.extend(inner.0);
                    a
                } else {
                    J::String(u.opaque(text_of(file, e)))
                }
            }
            _ => J::String(u.opaque(text_of(file, e))),
        }
    }

    fn template(&self, t: &HclTemplate, file: &File, u: &mut Unresolved) -> J {
        let mut out = String::new();
        for el in t.iter() {
            match el {
                Element::Literal(l) => out.push_str(l.value()),
                Element::Interpolation(i) => match self.eval(&i.expr, file, u) {
                    J::String(s) => out.push_str(&s),
                    J::Number(n) => out.push_str(&n.to_string()),
                    J::Bool(b) => out.push_str(&b.to_string()),
                    _ => out.push_str(&u.opaque(text_of(file, &i.expr))),
                },
                Element::Directive(d) => out.push_str(&u.opaque(text_of(file, d))),
            }
        }
        J::String(out)
    }

    fn call(&self, f: &hcl_edit::expr::FuncCall, file: &File, u: &mut Unresolved) -> J {
        let name = f.name.name.as_str();
        let args: Vec<&Expression> = f.args.iter().collect();
        match (name, args.as_slice()) {
            ("jsonencode", [x]) => J::String(self.eval(x, file, u).to_string()),
            ("jsondecode", [x]) => match self.eval(x, file, u) {
                J::String(s) => serde_json::from_str(&s).unwrap_or(J::String(s)),
                other => other,
            },
            ("tolist" | "toset", [x]) => self.eval(x, file, u),
            ("concat", _) | ("flatten", _) => {
                let mut out = Vec::new();
                for a in &args {
                    match self.eval(a, file, u) {
                        J::Array(items) => {
                            for i in items {
                                match i {
                                    J::Array(inner) if name == "flatten" => out.extend(inner),
                                    other => out.push(other),
                                }
                            }
                        }
                        other => out.push(other),
                    }
                }
                J::Array(out)
            }
            _ => J::String(u.opaque(text_of(file, f))),
        }
    }

    fn traversal(&self, t: &hcl_edit::expr::Traversal, file: &File, u: &mut Unresolved) -> J {
        let whole = text_of(file, t);
        let Expression::Variable(root) = &t.expr else {
            return J::String(u.opaque(whole));
        };
        let mut path = vec![root.as_str()];
        for op in &t.operators {
            match op.value() {
                TraversalOperator::GetAttr(a) => path.push(a.as_str()),
                _ => return J::String(u.opaque(whole)),
            }
        }
        self.reference(&path, whole, u)
            .unwrap_or_else(|| J::String(u.opaque(whole)))
    }

    fn guarded(&self, key: String, f: impl FnOnce() -> Option<J>) -> Option<J> {
        if !self.visiting.borrow_mut().insert(key.clone()) {
            return None;
        }
        let r = f();
        self.visiting.borrow_mut().remove(&key);
        r
    }

    fn reference(&self, path: &[&str], whole: &str, u: &mut Unresolved) -> Option<J> {
        match path {
            ["var", name] => {
                let v = self.vars.get(name)?;
                let default = v.block.body.get_attribute("default")?;
                let value = self.guarded(format!("var.{name}"), || {
                    Some(self.eval(&default.value, v.file, u))
                })?;
                let usable = match &value {
                    J::String(s) => !s.trim().is_empty() && !s.contains("${"),
                    J::Null => false,
                    _ => true,
                };
                if !usable {
                    return None;
                }
                self.defaults_used.borrow_mut().insert(
                    format!("var.{name}"),
                    match &value {
                        J::String(s) => s.clone(),
                        other => other.to_string(),
                    },
                );
                Some(value)
            }
            ["local", name] => {
                let (e, file) = self.locals.get(name)?;
                self.guarded(format!("local.{name}"), || Some(self.eval(e, file, u)))
            }
            ["data", "aws_caller_identity", l, "account_id"] => {
                let b = self.data.get(&("aws_caller_identity", *l))?;
                Some(J::String(self.account_of(b.block)))
            }
            ["data", "aws_partition", _, "partition"] => Some(J::String("aws".into())),
            ["data", "aws_iam_policy_document", l, "json" | "minified_json"] => {
                let b = self.data.get(&("aws_iam_policy_document", *l))?;
                self.guarded(format!("data.aws_iam_policy_document.{l}"), || {
                    Some(J::String(self.policy_document(b, u).to_string()))
                })
            }
            [ty, l, attr] => {
                let b = self.resources.get(&(*ty, *l))?;
                let account = self.account_of(b.block);
                let mut attr_str = |key: &str| -> Option<String> {
                    let a = b.block.body.get_attribute(key)?;
                    match self.guarded(format!("{ty}.{l}.{key}"), || {
                        Some(self.eval(&a.value, b.file, u))
                    })? {
                        J::String(s) => Some(s),
                        _ => None,
                    }
                };
                let name_v = attr_str("name");
                let path_v = attr_str("path");
                let name = || name_v.clone();
                let iam = |kind: &str, name: Option<String>, path: Option<String>| {
                    format!(
                        "arn:aws:iam::{account}:{kind}{}{}",
                        path.unwrap_or_else(|| "/".into()),
                        name.unwrap_or_else(|| l.to_string())
                    )
                };
                let v = match (*ty, *attr) {
                    ("aws_iam_role" | "aws_iam_user" | "aws_iam_group", "name" | "id") => {
                        name().unwrap_or_else(|| l.to_string())
                    }
                    ("aws_iam_role", "arn") => iam("role", name(), path_v.clone()),
                    ("aws_iam_user", "arn") => iam("user", name(), path_v.clone()),
                    ("aws_iam_group", "arn") => iam("group", name(), path_v.clone()),
                    ("aws_iam_policy", "arn" | "id") => iam("policy", name(), path_v.clone()),
                    ("aws_iam_policy", "name") => name().unwrap_or_else(|| l.to_string()),
                    ("aws_iam_policy", "policy") => attr_str("policy")?,
                    ("aws_s3_bucket", "id" | "bucket") => attr_str("bucket")?,
                    ("aws_s3_bucket", "arn") => format!("arn:aws:s3:::{}", attr_str("bucket")?),
                    _ => return None,
                };
                let _ = whole;
                Some(J::String(v))
            }
            _ => None,
        }
    }

    /// The account a resource or data source is deployed into: its provider's.
    fn account_of(&self, b: &Block) -> String {
        let alias = b
            .body
            .get_attribute("provider")
            .and_then(|a| match &a.value {
                Expression::Traversal(t) => t.operators.first().and_then(|o| match o.value() {
                    TraversalOperator::GetAttr(a) => Some(a.as_str().to_string()),
                    _ => None,
                }),
                _ => None,
            })
            .unwrap_or_default();
        self.providers
            .get(&alias)
            .cloned()
            .unwrap_or_else(|| self.account.clone())
    }

    /// `data "aws_iam_policy_document"` as a policy document.
    fn policy_document(&self, b: &Block2<'_>, u: &mut Unresolved) -> J {
        let body = &b.block.body;
        let file = b.file;
        let attr = |key: &str, u: &mut Unresolved| {
            body.get_attribute(key)
                .map(|a| self.eval(&a.value, file, u))
        };
        let mut statements: Vec<J> = Vec::new();
        if let Some(J::Array(sources)) = attr("source_policy_documents", u) {
            for s in sources {
                if let J::String(text) = s {
                    if let Ok(doc) = serde_json::from_str::<J>(&text) {
                        statements.extend(doc["Statement"].as_array().cloned().unwrap_or_default());
                    }
                }
            }
        }
        if body.get_blocks("dynamic").next().is_some() {
            statements.push(json!({"Effect": "Allow", "Action": u.opaque("dynamic statement block"), "Resource": "*"}));
        }
        for st in body.get_blocks("statement") {
            let sb = &st.body;
            let a = |key: &str, u: &mut Unresolved| {
                sb.get_attribute(key).map(|x| self.eval(&x.value, file, u))
            };
            let mut o = serde_json::Map::new();
            if let Some(J::String(sid)) = a("sid", u) {
                o.insert("Sid".into(), J::String(sid));
            }
            o.insert(
                "Effect".into(),
                a("effect", u).unwrap_or(J::String("Allow".into())),
            );
            for (key, name) in [
                ("actions", "Action"),
                ("not_actions", "NotAction"),
                ("resources", "Resource"),
                ("not_resources", "NotResource"),
            ] {
                if let Some(v) = a(key, u) {
                    o.insert(name.into(), v);
                }
            }
            for (key, name) in [
                ("principals", "Principal"),
                ("not_principals", "NotPrincipal"),
            ] {
                let mut p = serde_json::Map::new();
                for pb in sb.get_blocks(key) {
                    let ty = pb
                        .body
                        .get_attribute("type")
                        .map(|x| self.eval(&x.value, file, u));
                    let ids = pb
                        .body
                        .get_attribute("identifiers")
                        .map(|x| self.eval(&x.value, file, u))
                        .unwrap_or(J::Array(Vec::new()));
                    let Some(J::String(ty)) = ty else { continue };
                    let entry = p.entry(ty).or_insert(J::Array(Vec::new()));
                    if let (J::Array(list), J::Array(more)) = (entry, ids) {
                        list.extend(more);
                    }
                }
                if p.is_empty() {
                    continue;
                }
                let value = if p.len() == 1
                    && p.get("*")
                        .and_then(J::as_array)
                        .is_some_and(|ids| ids.iter().all(|i| i == "*"))
                {
                    J::String("*".into())
                } else {
                    J::Object(p)
                };
                o.insert(name.into(), value);
            }
            let mut cond = serde_json::Map::new();
            for cb in sb.get_blocks("condition") {
                let get = |k: &str, u: &mut Unresolved| {
                    cb.body
                        .get_attribute(k)
                        .map(|x| self.eval(&x.value, file, u))
                };
                let (Some(J::String(test)), Some(J::String(var))) =
                    (get("test", u), get("variable", u))
                else {
                    continue;
                };
                let values = get("values", u).unwrap_or(J::Array(Vec::new()));
                let op = cond
                    .entry(test)
                    .or_insert(J::Object(serde_json::Map::new()));
                if let J::Object(m) = op {
                    m.insert(var, values);
                }
            }
            if !cond.is_empty() {
                o.insert("Condition".into(), J::Object(cond));
            }
            statements.push(J::Object(o));
        }
        if let Some(J::Array(overrides)) = attr("override_policy_documents", u) {
            for s in overrides {
                if let J::String(text) = s {
                    if let Ok(doc) = serde_json::from_str::<J>(&text) {
                        statements.extend(doc["Statement"].as_array().cloned().unwrap_or_default());
                    }
                }
            }
        }
        let version = match attr("version", u) {
            Some(J::String(v)) => v,
            _ => "2012-10-17".into(),
        };
        json!({"Version": version, "Statement": statements})
    }

    /// A block's attributes and nested blocks as JSON (nested blocks become lists of objects,
    /// as in plan JSON).
    fn attrs(&self, body: &Body, file: &File, u: &mut Unresolved) -> J {
        let mut m = serde_json::Map::new();
        for a in body.attributes() {
            let key = a.key.as_str();
            // Meta-arguments say how Terraform manages the resource, not what it is.
            if matches!(key, "provider" | "depends_on" | "count" | "for_each") {
                continue;
            }
            m.insert(key.to_string(), self.eval(&a.value, file, u));
        }
        for b in body.blocks() {
            if b.ident.as_str() == "lifecycle" {
                continue;
            }
            if b.ident.as_str() == "dynamic" {
                let name = b.labels.first().map(label).unwrap_or("dynamic");
                m.insert(
                    name.to_string(),
                    J::String(u.opaque(&format!("dynamic \"{name}\""))),
                );
                continue;
            }
            let v = self.attrs(&b.body, file, u);
            if let J::Array(list) = m
                .entry(b.ident.as_str().to_string())
                .or_insert(J::Array(Vec::new()))
            {
                list.push(v);
            }
        }
        J::Object(m)
    }
}

/// Reads the files of one module directory. `fallback_account` stands for the deploying
/// account unless a provider block pins it.
pub fn read_module(dir: &Path, files: &[File], fallback_account: &str) -> Template {
    let mut module = Module {
        account: fallback_account.to_string(),
        vars: HashMap::new(),
        locals: HashMap::new(),
        resources: HashMap::new(),
        data: HashMap::new(),
        providers: HashMap::new(),
        defaults_used: RefCell::new(BTreeMap::new()),
        visiting: RefCell::new(HashSet::new()),
    };
    let mut order: Vec<(&str, &str, &Block, &File)> = Vec::new();
    for f in files {
        for b in f.body.blocks() {
            let labels: Vec<&str> = b.labels.iter().map(label).collect();
            match (b.ident.as_str(), labels.as_slice()) {
                ("variable", [name]) => {
                    module.vars.insert(name, Block2 { block: b, file: f });
                }
                ("locals", []) => {
                    for a in b.body.attributes() {
                        module.locals.insert(a.key.as_str(), (&a.value, f));
                    }
                }
                ("resource", [ty, name]) => {
                    module
                        .resources
                        .insert((ty, name), Block2 { block: b, file: f });
                    order.push((ty, name, b, f));
                }
                ("data", [ty, name]) => {
                    module.data.insert((ty, name), Block2 { block: b, file: f });
                }
                _ => {}
            }
        }
    }
    // Providers: evaluated after variables are known (allowed_account_ids = [var.x]).
    let mut provider_accounts = HashMap::new();
    for f in files {
        for b in f.body.blocks() {
            if b.ident.as_str() != "provider" || b.labels.first().map(label) != Some("aws") {
                continue;
            }
            let mut u = Unresolved::default();
            let alias = b
                .body
                .get_attribute("alias")
                .and_then(|a| match module.eval(&a.value, f, &mut u) {
                    J::String(s) => Some(s),
                    _ => None,
                })
                .unwrap_or_default();
            let ids = b
                .body
                .get_attribute("allowed_account_ids")
                .map(|a| module.eval(&a.value, f, &mut u));
            if let Some(J::Array(ids)) = ids {
                if let [J::String(id)] = ids.as_slice() {
                    if trustgate_policy::is_account_id(id) {
                        provider_accounts.insert(alias, id.clone());
                    }
                }
            }
        }
    }
    module.providers = provider_accounts;
    let account_known = module.providers.contains_key("");
    if let Some(a) = module.providers.get("") {
        module.account = a.clone();
    }
    let mut template = Template {
        path: dir.to_path_buf(),
        format: "terraform",
        account: module.account.clone(),
        account_known,
        items: Vec::new(),
        notes: Vec::new(),
    };
    for (ty, name, b, f) in order {
        if !crate::tf::TYPES.contains(&ty) {
            continue;
        }
        let mut u = Unresolved::default();
        let attrs = module.attrs(&b.body, f, &mut u);
        let account = module.account_of(b);
        let body = &b.body;
        let doc_loc = |key: &str| -> Loc {
            let span = body
                .get_attribute(key)
                .and_then(|a| a.value.span())
                .or_else(|| body.get_blocks(key).next().and_then(|x| x.span()))
                .or_else(|| b.span());
            let (line, column) = line_col(&f.text, span.map(|s| s.start).unwrap_or(0));
            Loc {
                file: f.path.clone(),
                line,
                column,
            }
        };
        let Some(kind) = crate::tf::item(ty, name, &attrs, &account, &doc_loc, &mut u) else {
            continue;
        };
        let (line, column) = line_col(&f.text, b.span().map(|s| s.start).unwrap_or(0));
        let explicit = module.providers.contains_key("") || account != module.account;
        template.items.push(Item {
            address: format!("{ty}.{name}"),
            loc: Loc {
                file: f.path.clone(),
                line,
                column,
            },
            account: explicit.then_some(account),
            kind,
            unresolved: u.0,
            change: None,
        });
    }
    for (name, value) in module.defaults_used.borrow().iter() {
        template.notes.push(format!(
            "{}: {name}: its default `{value}` was assumed (a run may set another value)",
            dir.display()
        ));
    }
    template
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::{ItemKind, PrincipalType};

    fn module(files: &[(&str, &str)]) -> Template {
        let parsed: Vec<File> = files
            .iter()
            .map(|(name, text)| parse(Path::new(name), text.to_string()).unwrap())
            .collect();
        read_module(Path::new("m"), &parsed, "000000000000")
    }

    #[test]
    fn evaluates_references_and_documents() {
        let t = module(&[
            (
                "main.tf",
                r#"
provider "aws" {
  allowed_account_ids = [var.account]
}
provider "aws" {
  alias               = "tooling"
  allowed_account_ids = ["333333333333"]
}
data "aws_caller_identity" "me" {}
locals {
  runner = "arn:aws:iam::${var.ci_account}:role/runner"
}
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [local.runner, aws_iam_role.helper.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = [var.external_id]
    }
  }
}
resource "aws_iam_role" "deploy" {
  name               = "deploy"
  assume_role_policy = data.aws_iam_policy_document.trust.json
  tags = {
    Owner = "team-${data.aws_caller_identity.me.account_id}"
  }
}
resource "aws_iam_role" "helper" {
  provider           = aws.tooling
  name               = "helper"
  path               = "/svc/"
  assume_role_policy = jsonencode({ Statement = [] })
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.deploy.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
"#,
            ),
            (
                "variables.tf",
                r#"
variable "account" { default = "222222222222" }
variable "ci_account" { default = "111111111111" }
variable "external_id" {}
"#,
            ),
        ]);
        assert_eq!(t.account, "222222222222");
        assert!(t.account_known);
        let deploy = t
            .items
            .iter()
            .find(|i| i.address == "aws_iam_role.deploy")
            .unwrap();
        let ItemKind::Principal { ptype, spec } = &deploy.kind else {
            panic!()
        };
        assert_eq!(*ptype, PrincipalType::Role);
        assert_eq!(spec.tags["Owner"], "team-222222222222");
        let trust: J = match &spec.trust.as_ref().unwrap().json {
            J::String(s) => serde_json::from_str(s).unwrap(),
            other => other.clone(),
        };
        let st = &trust["Statement"][0];
        assert_eq!(st["Effect"], "Allow");
        assert_eq!(
            st["Principal"]["AWS"],
            json!([
                "arn:aws:iam::111111111111:role/runner",
                "arn:aws:iam::333333333333:role/svc/helper"
            ])
        );
        assert_eq!(
            st["Condition"]["StringEquals"]["sts:ExternalId"],
            json!(["${var.external_id}"])
        );
        assert_eq!(deploy.unresolved, vec!["var.external_id"]);
        assert_eq!(deploy.loc.line, 27);
        let helper = t
            .items
            .iter()
            .find(|i| i.address == "aws_iam_role.helper")
            .unwrap();
        assert_eq!(helper.account.as_deref(), Some("333333333333"));
        let a = t
            .items
            .iter()
            .find(|i| i.address == "aws_iam_role_policy_attachment.a")
            .unwrap();
        assert!(
            matches!(&a.kind, ItemKind::Attachment { targets, .. } if targets == &vec![(PrincipalType::Role, "deploy".to_string())])
        );
        assert!(t.notes.iter().any(|n| n.contains("var.ci_account")));
    }

    #[test]
    fn cycles_and_unknown_functions_stay_opaque() {
        let t = module(&[(
            "main.tf",
            r#"
locals {
  a = local.b
  b = local.a
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = local.a, Resource = format("arn:%s", "x") }] })
}
"#,
        )]);
        let p = &t.items[0];
        assert_eq!(p.unresolved, vec!["local.a", "format(\"arn:%s\", \"x\")"]);
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncé d", 7), (2, 4));
        assert_eq!(line_col("x", 0), (1, 1));
    }
}
