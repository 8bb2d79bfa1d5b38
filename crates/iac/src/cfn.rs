//! CloudFormation templates (JSON or YAML): IAM roles, users, groups, policies and resource
//! policies, with intrinsic functions resolved where the template alone decides them.
//!
//! Resolved: `Ref` and `Fn::GetAtt` of pseudo-parameters (`AWS::AccountId` → the deploying
//! account, `AWS::Partition` → `aws`, `AWS::URLSuffix`), of parameters with a non-empty
//! `Default` (noted: a deployment may override it), and of the template's own roles, users,
//! groups, managed policies and named buckets; `Fn::Sub` (both forms, `${!Literal}`),
//! `Fn::Join`, `Fn::FindInMap` with literal keys, `Fn::If` when both branches agree.
//! Anything else stays an opaque `${…}` string and is listed as unresolved.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde_json::{json, Value as J};

use crate::node::{Node, Value};
use crate::template::{
    Doc, Item, ItemKind, Loc, PrincipalSpec, PrincipalType, Template, Unresolved,
};

/// Whether a parsed document is a CloudFormation template.
pub fn is_template(doc: &Node) -> bool {
    doc.get("AWSTemplateFormatVersion").is_some()
        || doc
            .get("Resources")
            .and_then(Node::as_map)
            .is_some_and(|m| {
                m.iter().any(|(_, r)| {
                    r.get("Type")
                        .and_then(Node::as_str)
                        .is_some_and(|t| t.contains("::"))
                })
            })
}

/// The account a template pins itself to with a rule such as
/// `Assert: !Equals [!Ref AWS::AccountId, "222222222222"]` (what `trustgate generate` writes).
fn pinned_account(doc: &Node) -> Option<String> {
    let rules = doc.get("Rules")?.as_map()?;
    for (_, rule) in rules {
        for a in rule.get("Assertions").and_then(Node::as_seq).unwrap_or(&[]) {
            let Some(assert) = a.get("Assert") else {
                continue;
            };
            let args = match &assert.value {
                Value::Tagged(t, inner) if t == "!Equals" => inner.as_seq(),
                Value::Map(_) => assert.get("Fn::Equals").and_then(Node::as_seq),
                _ => None,
            };
            let Some([x, y]) = args else { continue };
            let is_account_ref = |n: &Node| match &n.value {
                Value::Tagged(t, inner) => t == "!Ref" && inner.as_str() == Some("AWS::AccountId"),
                _ => n.get("Ref").and_then(Node::as_str) == Some("AWS::AccountId"),
            };
            for (r, lit) in [(x, y), (y, x)] {
                if is_account_ref(r) {
                    if let Some(id) = lit.as_str().filter(|s| trustgate_policy::is_account_id(s)) {
                        return Some(id.to_string());
                    }
                }
            }
        }
    }
    None
}

struct Cfn<'a> {
    account: String,
    params: HashMap<&'a str, Option<String>>,
    resources: HashMap<&'a str, (&'a str, &'a Node)>,
    mappings: Option<&'a Node>,
    defaults_used: BTreeMap<String, String>,
}

const PSEUDO_UNRESOLVED: [&str; 5] = [
    "AWS::Region",
    "AWS::StackName",
    "AWS::StackId",
    "AWS::NotificationARNs",
    "AWS::URLSuffix",
];

impl<'a> Cfn<'a> {
    fn prop(&self, logical: &str, key: &str) -> Option<&'a Node> {
        self.resources.get(logical)?.1.get("Properties")?.get(key)
    }

    /// A literal string property (no intrinsic), for names of the template's own resources.
    fn literal_prop(&self, logical: &str, key: &str) -> Option<String> {
        self.prop(logical, key)?.as_str().map(str::to_string)
    }

    fn principal_name(&self, logical: &str, key: &str) -> String {
        self.literal_prop(logical, key)
            .unwrap_or_else(|| logical.to_string())
    }

    fn path(&self, logical: &str) -> String {
        self.literal_prop(logical, "Path")
            .unwrap_or_else(|| "/".to_string())
    }

    fn arn_of(&self, logical: &str) -> Option<String> {
        let (ty, _) = self.resources.get(logical)?;
        let (kind, name_key) = match *ty {
            "AWS::IAM::Role" => ("role", "RoleName"),
            "AWS::IAM::User" => ("user", "UserName"),
            "AWS::IAM::Group" => ("group", "GroupName"),
            "AWS::IAM::ManagedPolicy" => ("policy", "ManagedPolicyName"),
            "AWS::S3::Bucket" => {
                return self
                    .literal_prop(logical, "BucketName")
                    .map(|b| format!("arn:aws:s3:::{b}"))
            }
            _ => return None,
        };
        Some(format!(
            "arn:aws:iam::{}:{kind}{}{}",
            self.account,
            self.path(logical),
            self.principal_name(logical, name_key)
        ))
    }

    fn reference(&mut self, name: &str, u: &mut Unresolved) -> Option<J> {
        match name {
            "AWS::AccountId" => return Some(J::String(self.account.clone())),
            "AWS::Partition" => return Some(J::String("aws".into())),
            "AWS::NoValue" => return None,
            _ => {}
        }
        if PSEUDO_UNRESOLVED.contains(&name) {
            return Some(J::String(u.opaque(name)));
        }
        if let Some(default) = self.params.get(name) {
            return Some(J::String(match default {
                Some(d) => {
                    self.defaults_used.insert(name.to_string(), d.clone());
                    d.clone()
                }
                None => u.opaque(name),
            }));
        }
        if let Some((ty, _)) = self.resources.get(name) {
            let v = match *ty {
                "AWS::IAM::Role" => Some(self.principal_name(name, "RoleName")),
                "AWS::IAM::User" => Some(self.principal_name(name, "UserName")),
                "AWS::IAM::Group" => Some(self.principal_name(name, "GroupName")),
                "AWS::IAM::ManagedPolicy" => self.arn_of(name),
                "AWS::S3::Bucket" => self.literal_prop(name, "BucketName"),
                _ => None,
            };
            if let Some(v) = v {
                return Some(J::String(v));
            }
        }
        Some(J::String(u.opaque(name)))
    }

    fn get_att(&mut self, logical: &str, attr: &str, u: &mut Unresolved) -> J {
        if attr == "Arn" {
            if let Some(arn) = self.arn_of(logical) {
                return J::String(arn);
            }
        }
        J::String(u.opaque(&format!("{logical}.{attr}")))
    }

    fn sub(&mut self, template: &str, vars: &HashMap<String, J>, u: &mut Unresolved) -> String {
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let inner = after[..end].trim();
            rest = &after[end + 1..];
            if let Some(literal) = inner.strip_prefix('!') {
                out.push_str(&format!("${{{literal}}}"));
                continue;
            }
            let v = if let Some(v) = vars.get(inner) {
                v.clone()
            } else if let Some((res, attr)) = inner
                .split_once('.')
                .filter(|(r, _)| self.resources.contains_key(r))
            {
                self.get_att(res, attr, u)
            } else {
                self.reference(inner, u).unwrap_or(J::String(String::new()))
            };
            match v {
                J::String(s) => out.push_str(&s),
                other => out.push_str(&u.opaque(&format!("{inner} = {other}"))),
            }
        }
        out.push_str(rest);
        out
    }

    /// Resolves a node to JSON; None for `AWS::NoValue` (the key or element is dropped).
    fn resolve(&mut self, n: &Node, u: &mut Unresolved) -> Option<J> {
        match &n.value {
            // YAML's own tags (`!!str`, `tag:yaml.org,2002:…`) only type the value.
            Value::Tagged(tag, inner) if tag.starts_with("!!") || tag.starts_with("tag:") => {
                self.resolve(inner, u)
            }
            Value::Tagged(tag, inner) => {
                let name = tag.trim_start_matches('!');
                let fname = if name == "Ref" {
                    "Ref".to_string()
                } else {
                    format!("Fn::{name}")
                };
                self.intrinsic(&fname, inner, u)
            }
            Value::Map(m) if m.len() == 1 && (m[0].0 == "Ref" || m[0].0.starts_with("Fn::")) => {
                let (k, v) = &m[0];
                self.intrinsic(k, v, u)
            }
            Value::Map(m) => {
                let mut obj = serde_json::Map::new();
                for (k, v) in m {
                    if let Some(r) = self.resolve(v, u) {
                        obj.insert(k.clone(), r);
                    }
                }
                Some(J::Object(obj))
            }
            Value::Seq(items) => Some(J::Array(
                items.iter().filter_map(|i| self.resolve(i, u)).collect(),
            )),
            Value::Number(s) => Some(J::String(s.clone())),
            Value::Bool(b) => Some(J::String(b.to_string())),
            Value::String(s) => Some(J::String(s.clone())),
            Value::Null => Some(J::Null),
        }
    }

    fn strings(&mut self, n: &Node, u: &mut Unresolved) -> Option<Vec<J>> {
        match self.resolve(n, u)? {
            J::Array(a) => Some(a),
            _ => None,
        }
    }

    fn intrinsic(&mut self, f: &str, arg: &Node, u: &mut Unresolved) -> Option<J> {
        match f {
            "Ref" => {
                let name = arg.as_str().unwrap_or_default().to_string();
                self.reference(&name, u)
            }
            "Fn::GetAtt" => {
                let (res, attr) = match &arg.value {
                    Value::String(s) => s
                        .split_once('.')
                        .map(|(a, b)| (a.to_string(), b.to_string()))
                        .unwrap_or((s.clone(), String::new())),
                    Value::Seq(items) if items.len() == 2 => (
                        items[0].as_str().unwrap_or_default().to_string(),
                        items[1].as_str().unwrap_or_default().to_string(),
                    ),
                    _ => return Some(J::String(u.opaque("Fn::GetAtt"))),
                };
                Some(self.get_att(&res, &attr, u))
            }
            "Fn::Sub" => {
                let (text, vars) = match &arg.value {
                    Value::String(s) => (s.clone(), HashMap::new()),
                    Value::Seq(items) if !items.is_empty() => {
                        let text = items[0].as_str().unwrap_or_default().to_string();
                        let mut vars = HashMap::new();
                        if let Some(m) = items.get(1).and_then(Node::as_map) {
                            for (k, v) in m {
                                if let Some(r) = self.resolve(v, u) {
                                    vars.insert(k.clone(), r);
                                }
                            }
                        }
                        (text, vars)
                    }
                    _ => return Some(J::String(u.opaque("Fn::Sub"))),
                };
                Some(J::String(self.sub(&text, &vars, u)))
            }
            "Fn::Join" => {
                let items = arg.as_seq()?;
                let (Some(delim), Some(parts)) = (items.first(), items.get(1)) else {
                    return Some(J::String(u.opaque("Fn::Join")));
                };
                let delim = delim.as_str().unwrap_or_default().to_string();
                let Some(parts) = self.strings(parts, u) else {
                    return Some(J::String(u.opaque("Fn::Join")));
                };
                let texts: Vec<String> = parts
                    .into_iter()
                    .map(|p| match p {
                        J::String(s) => s,
                        other => u.opaque(&other.to_string()),
                    })
                    .collect();
                Some(J::String(texts.join(&delim)))
            }
            "Fn::FindInMap" => {
                let keys: Vec<String> = match self.strings(arg, u) {
                    Some(v) => v
                        .into_iter()
                        .filter_map(|k| k.as_str().map(str::to_string))
                        .collect(),
                    None => Vec::new(),
                };
                if keys.len() == 3 && !keys.iter().any(|k| k.contains("${")) {
                    if let Some(found) = self
                        .mappings
                        .and_then(|m| m.get(&keys[0]))
                        .and_then(|m| m.get(&keys[1]))
                        .and_then(|m| m.get(&keys[2]))
                    {
                        return self.resolve(found, u);
                    }
                }
                Some(J::String(
                    u.opaque(&format!("Fn::FindInMap {}", keys.join("."))),
                ))
            }
            "Fn::If" => {
                let items = arg.as_seq().unwrap_or(&[]);
                if items.len() == 3 {
                    let mut ua = Unresolved::default();
                    let a = self.resolve(&items[1], &mut ua);
                    let b = self.resolve(&items[2], &mut ua);
                    if a == b {
                        u.0.extend(ua.0);
                        return a;
                    }
                }
                let cond = items.first().and_then(Node::as_str).unwrap_or("?");
                Some(J::String(u.opaque(&format!("Fn::If {cond}"))))
            }
            other => Some(J::String(u.opaque(other))),
        }
    }
}

fn tags_of(v: Option<&J>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for t in v.and_then(J::as_array).into_iter().flatten() {
        if let (Some(k), Some(v)) = (t["Key"].as_str(), t["Value"].as_str()) {
            out.insert(k.to_string(), v.to_string());
        }
    }
    out
}

fn strs(v: Option<&J>) -> Vec<String> {
    match v {
        Some(J::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        Some(J::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn inline_policies(props: &J, node: &Node, file: &Path) -> Vec<(String, Doc)> {
    let nodes = node.get("Policies").and_then(Node::as_seq).unwrap_or(&[]);
    let mut out = Vec::new();
    for (i, p) in props["Policies"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let at = nodes
            .get(i)
            .and_then(|n| n.get("PolicyDocument").or(Some(n)))
            .unwrap_or(node);
        // An entry that is not an object (a `Fn::Transform`, an unresolved `Fn::If`) is kept
        // as its opaque text: the builder then treats the policy as unknown.
        let json = match p {
            J::Object(_) => p["PolicyDocument"].clone(),
            other => other.clone(),
        };
        out.push((
            p["PolicyName"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| format!("Policies[{i}]")),
            Doc {
                json,
                loc: loc(file, at),
            },
        ));
    }
    out
}

fn loc(file: &Path, n: &Node) -> Loc {
    Loc {
        file: file.to_path_buf(),
        line: n.line,
        column: n.column,
    }
}

/// Reads one CloudFormation document. `fallback_account` is used unless the template pins
/// its account with a rule.
pub fn read(file: &Path, doc: &Node, fallback_account: &str) -> Template {
    let pinned = pinned_account(doc);
    let account = pinned
        .clone()
        .unwrap_or_else(|| fallback_account.to_string());
    let empty: &[(String, Node)] = &[];
    let resources = doc.get("Resources").and_then(Node::as_map).unwrap_or(empty);
    let mut cx = Cfn {
        account: account.clone(),
        params: doc
            .get("Parameters")
            .and_then(Node::as_map)
            .unwrap_or(empty)
            .iter()
            .map(|(k, p)| {
                let default = p
                    .get("Default")
                    .and_then(Node::as_str)
                    .filter(|d| !d.trim().is_empty())
                    .map(str::to_string);
                (k.as_str(), default)
            })
            .collect(),
        resources: resources
            .iter()
            .filter_map(|(k, r)| Some((k.as_str(), (r.get("Type")?.as_str()?, r))))
            .collect(),
        mappings: doc.get("Mappings"),
        defaults_used: BTreeMap::new(),
    };
    let mut template = Template {
        path: file.to_path_buf(),
        format: "cloudformation",
        account: account.clone(),
        account_known: pinned.is_some(),
        items: Vec::new(),
        notes: Vec::new(),
    };
    for (logical, res) in resources {
        let Some(ty) = res.get("Type").and_then(Node::as_str) else {
            continue;
        };
        let empty_props = Node {
            value: Value::Map(Vec::new()),
            line: res.line,
            column: res.column,
        };
        let pnode = res.get("Properties").unwrap_or(&empty_props);
        let mut u = Unresolved::default();
        let props = cx.resolve(pnode, &mut u).unwrap_or(json!({}));
        let at = |key: &str| loc(file, pnode.get(key).unwrap_or(pnode));
        let doc_of = |key: &str| {
            props.get(key).map(|j| Doc {
                json: j.clone(),
                loc: at(key),
            })
        };
        let principal = |ptype: PrincipalType, name_key: &str| -> ItemKind {
            let name = props[name_key]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| logical.clone());
            let mut spec = PrincipalSpec {
                name,
                path: props["Path"].as_str().unwrap_or("/").to_string(),
                inline: inline_policies(&props, pnode, file),
                managed: strs(props.get("ManagedPolicyArns")),
                boundary: props["PermissionsBoundary"].as_str().map(str::to_string),
                tags: tags_of(props.get("Tags")),
                ..Default::default()
            };
            if ptype == PrincipalType::Role {
                spec.trust = doc_of("AssumeRolePolicyDocument");
                spec.max_session = props["MaxSessionDuration"]
                    .as_str()
                    .and_then(|s| s.parse().ok());
            }
            if ptype == PrincipalType::User {
                spec.groups = strs(props.get("Groups"));
            }
            ItemKind::Principal { ptype, spec }
        };
        let targets = || {
            let mut t = Vec::new();
            for (key, ptype) in [
                ("Roles", PrincipalType::Role),
                ("Users", PrincipalType::User),
                ("Groups", PrincipalType::Group),
            ] {
                t.extend(strs(props.get(key)).into_iter().map(|n| (ptype, n)));
            }
            t
        };
        let kind = match ty {
            "AWS::IAM::Role" => Some(principal(PrincipalType::Role, "RoleName")),
            "AWS::IAM::User" => Some(principal(PrincipalType::User, "UserName")),
            "AWS::IAM::Group" => Some(principal(PrincipalType::Group, "GroupName")),
            "AWS::IAM::ManagedPolicy" => {
                doc_of("PolicyDocument").map(|document| ItemKind::ManagedPolicy {
                    name: props["ManagedPolicyName"]
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| logical.clone()),
                    path: props["Path"].as_str().unwrap_or("/").to_string(),
                    document,
                    attach: targets(),
                })
            }
            "AWS::IAM::Policy" => doc_of("PolicyDocument").map(|document| ItemKind::InlinePolicy {
                name: props["PolicyName"].as_str().unwrap_or(logical).to_string(),
                targets: targets(),
                document,
            }),
            "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy" => {
                let (key, ptype) = match ty {
                    "AWS::IAM::RolePolicy" => ("RoleName", PrincipalType::Role),
                    "AWS::IAM::UserPolicy" => ("UserName", PrincipalType::User),
                    _ => ("GroupName", PrincipalType::Group),
                };
                doc_of("PolicyDocument").map(|document| ItemKind::InlinePolicy {
                    name: props["PolicyName"].as_str().unwrap_or(logical).to_string(),
                    targets: strs(props.get(key))
                        .into_iter()
                        .map(|n| (ptype, n))
                        .collect(),
                    document,
                })
            }
            "AWS::IAM::UserToGroupAddition" => Some(ItemKind::Membership {
                users: strs(props.get("Users")),
                groups: strs(props.get("GroupName")),
            }),
            _ => resource_policy(ty, logical, &props, &account, &doc_of, &mut u),
        };
        let Some(kind) = kind else { continue };
        template.items.push(Item {
            address: format!("Resources.{logical}"),
            loc: loc(file, res),
            account: None,
            kind,
            unresolved: u.0,
            change: None,
        });
    }
    for (name, value) in &cx.defaults_used {
        template.notes.push(format!(
            "{}: parameter {name}: its Default `{value}` was assumed (a deployment may pass another value)",
            file.display()
        ));
    }
    template
}

/// Resource policies: the ARN of the resource (resolved, or made from its logical ID) and
/// its document.
fn resource_policy(
    ty: &str,
    logical: &str,
    props: &J,
    account: &str,
    doc_of: &dyn Fn(&str) -> Option<Doc>,
    u: &mut Unresolved,
) -> Option<ItemKind> {
    let first = |key: &str| -> Option<String> {
        match &props[key] {
            J::String(s) => Some(s.clone()),
            J::Array(a) => a.first().and_then(J::as_str).map(str::to_string),
            _ => None,
        }
    };
    let (doc_key, arn) = match ty {
        "AWS::S3::BucketPolicy" => (
            "PolicyDocument",
            format!(
                "arn:aws:s3:::{}",
                first("Bucket").unwrap_or_else(|| u.opaque(logical))
            ),
        ),
        "AWS::KMS::Key" => ("KeyPolicy", format!("arn:aws:kms::{account}:key/{logical}")),
        "AWS::SQS::QueuePolicy" => (
            "PolicyDocument",
            first("Queues")
                .filter(|q| q.starts_with("arn:"))
                .unwrap_or_else(|| format!("arn:aws:sqs::{account}:{logical}")),
        ),
        "AWS::SNS::TopicPolicy" => (
            "PolicyDocument",
            first("Topics")
                .filter(|q| q.starts_with("arn:"))
                .unwrap_or_else(|| format!("arn:aws:sns::{account}:{logical}")),
        ),
        "AWS::ECR::Repository" => (
            "RepositoryPolicyText",
            format!(
                "arn:aws:ecr::{account}:repository/{}",
                first("RepositoryName").unwrap_or_else(|| logical.to_string())
            ),
        ),
        "AWS::SecretsManager::ResourcePolicy" => (
            "ResourcePolicy",
            first("SecretId")
                .filter(|q| q.starts_with("arn:"))
                .unwrap_or_else(|| format!("arn:aws:secretsmanager::{account}:secret:{logical}")),
        ),
        "AWS::Lambda::LayerVersionPermission" | "AWS::Lambda::Permission" => return None,
        _ => return None,
    };
    let document = doc_of(doc_key)?;
    Some(ItemKind::ResourcePolicy { arn, document })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::parse_documents;

    fn read_yaml(text: &str) -> Template {
        let docs = parse_documents(text).unwrap();
        read(Path::new("t.yaml"), &docs[0], "000000000000")
    }

    fn trust_of(t: &Template, logical: &str) -> J {
        t.items
            .iter()
            .find(|i| i.address == format!("Resources.{logical}"))
            .and_then(|i| match &i.kind {
                ItemKind::Principal { spec, .. } => spec.trust.as_ref().map(|d| d.json.clone()),
                _ => None,
            })
            .expect("a role with a trust policy")
    }

    #[test]
    fn resolves_intrinsics() {
        let t = read_yaml(
            r#"
Parameters:
  TrustedAccount: {Type: String, Default: "111111111111"}
  Unset: {Type: String}
Mappings:
  Vendors: {datadog: {account: "464622532012"}}
Rules:
  Pin:
    Assertions:
      - Assert: !Equals [!Ref "AWS::AccountId", "222222222222"]
Resources:
  Ci:
    Type: AWS::IAM::Role
    Properties:
      RoleName: ci
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              AWS:
                - !Sub "arn:${AWS::Partition}:iam::${TrustedAccount}:role/runner"
                - !GetAtt Deployer.Arn
                - !Join ["", ["arn:aws:iam::", !FindInMap [Vendors, datadog, account], ":root"]]
                - !Ref Unset
                - !Sub "arn:aws:iam::${AWS::AccountId}:role/${!literal}"
            Action: sts:AssumeRole
  Deployer:
    Type: AWS::IAM::Role
    Properties:
      Path: /ci/
      AssumeRolePolicyDocument: {Statement: []}
"#,
        );
        assert_eq!(t.account, "222222222222");
        assert!(t.account_known);
        let trust = trust_of(&t, "Ci");
        assert_eq!(
            trust["Statement"][0]["Principal"]["AWS"],
            serde_json::json!([
                "arn:aws:iam::111111111111:role/runner",
                "arn:aws:iam::222222222222:role/ci/Deployer",
                "arn:aws:iam::464622532012:root",
                "${Unset}",
                "arn:aws:iam::222222222222:role/${literal}"
            ])
        );
        let ci = t
            .items
            .iter()
            .find(|i| i.address == "Resources.Ci")
            .unwrap();
        assert_eq!(ci.unresolved, vec!["Unset"]);
        assert!(t
            .notes
            .iter()
            .any(|n| n.contains("TrustedAccount") && n.contains("111111111111")));
        assert_eq!(ci.loc.line, 13);
    }

    #[test]
    fn json_form_and_policies() {
        let docs = parse_documents(
            r#"{"Resources": {
  "P": {"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": "p", "Roles": [{"Ref": "R"}],
        "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": {"Fn::Sub": "arn:aws:s3:::b-${AWS::Region}/*"}}]}}},
  "R": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": []}}},
  "B": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": "logs", "PolicyDocument": {"Statement": []}}}
}}"#,
        )
        .unwrap();
        let t = read(Path::new("t.json"), &docs[0], "000000000007");
        assert!(!t.account_known);
        let p = t.items.iter().find(|i| i.address == "Resources.P").unwrap();
        match &p.kind {
            ItemKind::InlinePolicy {
                targets, document, ..
            } => {
                assert_eq!(targets, &vec![(PrincipalType::Role, "R".to_string())]);
                assert_eq!(
                    document.json["Statement"][0]["Resource"],
                    "arn:aws:s3:::b-${AWS::Region}/*"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(p.unresolved, vec!["AWS::Region"]);
        let b = t.items.iter().find(|i| i.address == "Resources.B").unwrap();
        assert!(
            matches!(&b.kind, ItemKind::ResourcePolicy { arn, .. } if arn == "arn:aws:s3:::logs")
        );
        assert_eq!((b.loc.line, b.loc.column), (5, 8), "the resource object");
    }
}
