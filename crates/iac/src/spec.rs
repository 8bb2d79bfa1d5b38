//! The spec `trustgate generate` reads: the decision made for each cross-account
//! relationship — who, what, how long, under which conditions, capped by what, owned by
//! whom and reviewed when. The format is documented in the crate README and in
//! `examples/iac/spec.yaml`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::node::{self, Node, Value};
use crate::ReadError;

/// A whole spec.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Spec {
    /// Format version: 1.
    pub version: u32,
    /// Values every relationship gets unless it sets its own.
    #[serde(default)]
    pub defaults: Defaults,
    pub relationships: Vec<Relationship>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Defaults {
    pub permissions_boundary: Option<String>,
    pub max_session_seconds: Option<u32>,
    pub owner: Option<String>,
    pub path: Option<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// One relationship: a role in `account` that `trusted` may assume.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Relationship {
    /// The role's name.
    pub name: String,
    /// The target account (where the role is created).
    pub account: String,
    /// Why the relationship exists (the `Purpose` tag and the role description).
    pub purpose: String,
    /// Who answers for it (the `Owner` tag).
    pub owner: Option<String>,
    /// When it must be reviewed again, `YYYY-MM-DD` (the `ReviewBy` tag).
    pub review_by: String,
    pub trusted: Trusted,
    /// What the role may do.
    pub permissions: Vec<Permission>,
    /// Longest session, 3600–43200 seconds (default 3600).
    pub max_session_seconds: Option<u32>,
    /// Require MFA on the assuming session (default: yes for IAM users).
    pub mfa: Option<Mfa>,
    /// `aws:SourceIp` the caller must come from.
    #[serde(default)]
    pub source_ip: Vec<String>,
    /// `aws:SourceVpce` the caller must come through.
    #[serde(default)]
    pub source_vpce: Vec<String>,
    pub permissions_boundary: Option<String>,
    pub path: Option<String>,
    /// The caller may pass session tags (`sts:TagSession`).
    #[serde(default)]
    pub session_tags: bool,
    /// The caller may set a source identity (`sts:SetSourceIdentity`).
    #[serde(default)]
    pub source_identity: bool,
    /// More tags for the role.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// Who may assume the role: exactly one of a principal ARN, a vendor, or an account root
/// narrowed by `principalArns`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Trusted {
    /// A role or user ARN (`arn:aws:iam::111111111111:role/ci-runner`).
    pub principal: Option<String>,
    /// A third party: its name, account and the External ID it gave you.
    pub vendor: Option<Vendor>,
    /// An account whose root is trusted — only together with `principalArns`, which the
    /// trust policy then requires through `aws:PrincipalArn`.
    pub account: Option<String>,
    #[serde(default)]
    pub principal_arns: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Vendor {
    pub name: String,
    pub account: String,
    pub external_id: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Mfa {
    pub required: bool,
    /// Oldest MFA authentication accepted, in seconds (`aws:MultiFactorAuthAge`).
    pub max_age_seconds: Option<u32>,
}

/// One permission statement.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Permission {
    pub sid: Option<String>,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    /// IAM conditions as in a policy: `{"StringEquals": {"aws:ResourceTag/env": "prod"}}`.
    pub condition: Option<serde_json::Map<String, serde_json::Value>>,
}

/// The node at a serde path (`relationships[0].trusted.principal`), for error lines.
fn node_at<'a>(root: &'a Node, path: &str) -> &'a Node {
    let mut cur = root;
    for part in path.split('.') {
        let (key, indexes) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            match cur.get(key) {
                Some(n) => cur = n,
                None => return cur,
            }
        }
        for idx in indexes
            .split(['[', ']'])
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse::<usize>().ok())
        {
            match &cur.value {
                Value::Seq(items) if idx < items.len() => cur = &items[idx],
                _ => return cur,
            }
        }
    }
    cur
}

/// A spec with the tree it came from (for placing later errors).
pub struct Loaded {
    pub spec: Spec,
    pub root: Node,
}

impl Loaded {
    /// An error about the element at `path`, placed at its line.
    pub fn error(&self, file: &Path, path: &str, message: impl Into<String>) -> ReadError {
        let n = node_at(&self.root, path);
        ReadError {
            file: file.to_path_buf(),
            line: n.line,
            column: n.column,
            message: format!("at {path}: {}", message.into()),
        }
    }
}

/// Reads a spec; errors name the line, column and path.
pub fn parse(file: &Path, text: &str) -> Result<Loaded, ReadError> {
    let docs = node::parse_documents(text).map_err(|e| ReadError {
        file: file.to_path_buf(),
        line: e.line,
        column: e.column,
        message: format!("invalid YAML: {}", e.message),
    })?;
    let Some(root) = docs.into_iter().next() else {
        return Err(ReadError {
            file: file.to_path_buf(),
            line: 1,
            column: 1,
            message: "empty spec: expected `version: 1` and `relationships:`".into(),
        });
    };
    let json = root.to_json();
    let spec: Spec = serde_path_to_error::deserialize(&json).map_err(|e| {
        let path = e.path().to_string();
        let n = node_at(&root, &path);
        ReadError {
            file: file.to_path_buf(),
            line: n.line,
            column: n.column,
            message: if path == "." {
                e.inner().to_string()
            } else {
                format!("at {path}: {}", e.inner())
            },
        }
    })?;
    let loaded = Loaded { spec, root };
    validate(file, &loaded)?;
    Ok(loaded)
}

fn validate(file: &Path, l: &Loaded) -> Result<(), ReadError> {
    let spec = &l.spec;
    if spec.version != 1 {
        return Err(l.error(file, "version", "only version 1 is known"));
    }
    if spec.relationships.is_empty() {
        return Err(l.error(file, "relationships", "no relationship given"));
    }
    let mut names = std::collections::HashSet::new();
    for (i, r) in spec.relationships.iter().enumerate() {
        let at = |field: &str| format!("relationships[{i}].{field}");
        let valid_name = !r.name.is_empty()
            && r.name.len() <= 64
            && r.name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
        if !valid_name {
            return Err(l.error(
                file,
                &at("name"),
                "a role name: 1–64 of A–Z a–z 0–9 +=,.@_-",
            ));
        }
        if !names.insert((r.account.clone(), r.name.clone())) {
            return Err(l.error(
                file,
                &at("name"),
                format!("role {} of account {} appears twice", r.name, r.account),
            ));
        }
        if !trustgate_policy::is_account_id(&r.account) {
            return Err(l.error(
                file,
                &at("account"),
                "expected a 12-digit account ID (quote it in YAML)",
            ));
        }
        if r.purpose.trim().is_empty() {
            return Err(l.error(file, &at("purpose"), "say why the relationship exists"));
        }
        if r.owner
            .as_deref()
            .or(spec.defaults.owner.as_deref())
            .is_none_or(|o| o.trim().is_empty())
        {
            return Err(l.error(
                file,
                &at("owner"),
                "an owner is required (here or in defaults)",
            ));
        }
        if r.review_by.parse::<jiff::civil::Date>().is_err() {
            return Err(l.error(file, &at("reviewBy"), "expected a date YYYY-MM-DD"));
        }
        if let Some(s) = r.max_session_seconds.or(spec.defaults.max_session_seconds) {
            if !(3600..=43200).contains(&s) {
                return Err(l.error(
                    file,
                    &at("maxSessionSeconds"),
                    "IAM allows 3600 to 43200 seconds",
                ));
            }
        }
        let t = &r.trusted;
        let given = [
            t.principal.is_some(),
            t.vendor.is_some(),
            t.account.is_some(),
        ]
        .iter()
        .filter(|x| **x)
        .count();
        if given != 1 {
            return Err(l.error(
                file,
                &at("trusted"),
                "give exactly one of principal, vendor, or account with principalArns",
            ));
        }
        if let Some(p) = &t.principal {
            let ok = trustgate_policy::Arn::parse(p).is_some_and(|a| {
                a.service == "iam"
                    && trustgate_policy::is_account_id(a.account)
                    && (a.resource.starts_with("role/") || a.resource.starts_with("user/"))
            });
            if !ok {
                return Err(l.error(
                    file,
                    &at("trusted.principal"),
                    "expected a role or user ARN (arn:aws:iam::ACCOUNT:role/NAME); to trust an account root, give `account` and `principalArns`",
                ));
            }
        }
        if let Some(a) = &t.account {
            if !trustgate_policy::is_account_id(a) {
                return Err(l.error(
                    file,
                    &at("trusted.account"),
                    "expected a 12-digit account ID",
                ));
            }
            if t.principal_arns.is_empty() {
                return Err(l.error(
                    file,
                    &at("trusted.account"),
                    "trusting an account root needs principalArns: the roles or users of that account allowed to assume (aws:PrincipalArn)",
                ));
            }
            for (j, p) in t.principal_arns.iter().enumerate() {
                let ok = trustgate_policy::Arn::parse(p).is_some_and(|x| x.account == a.as_str());
                if !ok {
                    return Err(l.error(
                        file,
                        &format!("relationships[{i}].trusted.principalArns[{j}]"),
                        format!("expected an ARN in account {a}"),
                    ));
                }
            }
        }
        if let Some(v) = &t.vendor {
            if !trustgate_policy::is_account_id(&v.account) {
                return Err(l.error(
                    file,
                    &at("trusted.vendor.account"),
                    "expected a 12-digit account ID",
                ));
            }
            let x = &v.external_id;
            if x.len() < 12
                || x.contains('*')
                || x.contains('?')
                || x.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(l.error(
                    file,
                    &at("trusted.vendor.externalId"),
                    "the External ID must be the unique value the vendor gave you: 12+ characters, not all digits, no wildcards",
                ));
            }
        }
        if r.permissions.is_empty() {
            return Err(l.error(file, &at("permissions"), "say what the role may do"));
        }
        for (j, p) in r.permissions.iter().enumerate() {
            if p.actions.is_empty() || p.resources.is_empty() {
                return Err(l.error(
                    file,
                    &format!("relationships[{i}].permissions[{j}]"),
                    "each permission needs actions and resources",
                ));
            }
        }
    }
    Ok(())
}
