//! Templates → the model's accounts: roles with their trust, inline and attached policies,
//! users, groups, managed policies and resource policies, plus where each came from.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value as J;
use trustgate_model::{
    Account, Group, ManagedPolicy, NamedPolicy, PolicyRef, ResourcePolicy, Role, User,
};
use trustgate_policy::{parse_policy, Policy};

use crate::template::{Change, Doc, Item, ItemKind, Loc, PrincipalSpec, PrincipalType, Template};
use crate::ReadError;

/// Where a model object came from.
#[derive(Debug, Clone)]
pub struct Origin {
    pub loc: Loc,
    /// A role's trust policy, where findings about who may assume it point.
    pub trust_loc: Option<Loc>,
    pub address: String,
    pub unresolved: Vec<String>,
}

/// Everything built from the templates.
#[derive(Debug, Default)]
pub struct Built {
    pub accounts: Vec<Account>,
    pub resources: Vec<ResourcePolicy>,
    /// ARN → origin (roles, users, groups, managed policies, resources).
    pub origins: HashMap<String, Origin>,
    /// Role ARNs a plan deletes.
    pub deleted_roles: Vec<String>,
    pub warnings: Vec<String>,
}

/// AWS-managed policies whose document is simple enough to state exactly.
fn well_known(arn: &str) -> Option<&'static str> {
    match arn {
        "arn:aws:iam::aws:policy/AdministratorAccess" => Some(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        ),
        "arn:aws:iam::aws:policy/IAMFullAccess" => Some(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}"#,
        ),
        _ => None,
    }
}

fn is_opaque(s: &str) -> bool {
    s.starts_with("${") && s.ends_with('}') && s.matches("${").count() == 1
}

/// Makes unresolved values parseable without narrowing what they could be:
///
/// * an AWS principal that is wholly unresolved becomes the root of an unknown account
///   (`arn:aws:iam::${var.x}:root`): the widest thing it could be, analysed as outside the
///   organization — never dropped;
/// * a `Resource`/`NotResource` that is not an ARN because of an unresolved part becomes an
///   ARN pattern of any partition, service, region and account whose resource part keeps the
///   placeholder (`arn:*:*:*:*:${aws_s3_bucket.b.arn}/*`): the engine reads the placeholder as
///   an unknown policy variable, so matches stay possible rather than false.
fn prepare(doc: &mut J) {
    let statements = match doc.get_mut("Statement") {
        Some(J::Array(a)) => a.iter_mut().collect::<Vec<_>>(),
        Some(o @ J::Object(_)) => vec![o],
        _ => return,
    };
    for st in statements {
        for key in ["Principal", "NotPrincipal"] {
            let Some(J::Object(p)) = st.get_mut(key) else {
                continue;
            };
            let Some(aws) = p.get_mut("AWS") else {
                continue;
            };
            let widen = |v: &mut J| {
                if let J::String(s) = v {
                    if is_opaque(s) {
                        *s = format!("arn:aws:iam::{}:root", s.replace(':', "_"));
                    }
                }
            };
            match aws {
                J::Array(items) => items.iter_mut().for_each(widen),
                other => widen(other),
            }
        }
        for key in ["Resource", "NotResource"] {
            let fix = |v: &mut J| {
                if let J::String(s) = v {
                    if s.contains("${") && s != "*" && !s.starts_with("arn:") {
                        *s = format!("arn:*:*:*:*:{s}");
                    }
                }
            };
            match st.get_mut(key) {
                Some(J::Array(items)) => items.iter_mut().for_each(fix),
                Some(other) => fix(other),
                None => {}
            }
        }
    }
}

/// Parses a document; a document that cannot be read because of unresolved values is
/// `Ok(None)` with a warning, a malformed one is an error at its place.
fn parse_doc(
    doc: &Doc,
    what: &str,
    item: &Item,
    keep_going: bool,
    warnings: &mut Vec<String>,
) -> Result<Option<Policy>, ReadError> {
    match parse_doc_strict(doc, what, item, warnings) {
        Err(e) if keep_going => {
            warnings.push(format!("skipped (--keep-going): {e}"));
            Ok(None)
        }
        other => other,
    }
}

fn parse_doc_strict(
    doc: &Doc,
    what: &str,
    item: &Item,
    warnings: &mut Vec<String>,
) -> Result<Option<Policy>, ReadError> {
    let mut json = match &doc.json {
        J::Null => {
            warnings.push(format!(
                "{}: {}: the {what} is empty or missing",
                doc.loc, item.address
            ));
            return Ok(None);
        }
        J::String(text) => {
            if is_opaque(text.trim()) {
                warnings.push(format!(
                    "{}: {}: the {what} is `{}`, which could not be resolved",
                    doc.loc,
                    item.address,
                    text.trim()
                ));
                return Ok(None);
            }
            match serde_json::from_str::<J>(text) {
                Ok(j) => j,
                Err(e) if text.contains("${") => {
                    warnings.push(format!(
                        "{}: {}: the {what} could not be read: it is not valid JSON ({e}) with its unresolved values ({}) kept as text",
                        doc.loc,
                        item.address,
                        item.unresolved.join(", ")
                    ));
                    return Ok(None);
                }
                Err(e) => {
                    return Err(ReadError {
                        file: doc.loc.file.clone(),
                        line: doc.loc.line,
                        column: doc.loc.column,
                        message: format!("{}: the {what} is not valid JSON: {e}", item.address),
                    })
                }
            }
        }
        other => other.clone(),
    };
    prepare(&mut json);
    let text = json.to_string();
    match parse_policy(&text) {
        Ok(p) => Ok(Some(p)),
        Err(e) if text.contains("${") => {
            warnings.push(format!(
                "{}: {}: the {what} could not be analysed ({}{}) — it holds unresolved values ({})",
                doc.loc,
                item.address,
                if e.path.is_empty() {
                    String::new()
                } else {
                    format!("at {}: ", e.path)
                },
                e.message,
                item.unresolved.join(", ")
            ));
            Ok(None)
        }
        Err(e) => Err(ReadError {
            file: doc.loc.file.clone(),
            line: doc.loc.line,
            column: doc.loc.column,
            message: format!(
                "{}: invalid {what}: {}{}",
                item.address,
                if e.path.is_empty() || e.path == "." {
                    String::new()
                } else {
                    format!("at {}: ", e.path)
                },
                e.message
            ),
        }),
    }
}

#[derive(Default)]
struct PrincipalB {
    spec: PrincipalSpec,
    origin: Option<Origin>,
    /// Not defined by the templates: only referenced by a policy or attachment.
    stub: bool,
    trust: Option<Policy>,
    trust_unreadable: bool,
    inline: Vec<NamedPolicy>,
    unreadable_inline: Vec<String>,
    managed: Vec<String>,
    groups: Vec<String>,
}

struct AccountB {
    id: String,
    name: String,
    source: PathBuf,
    principals: BTreeMap<(PrincipalType, String), PrincipalB>,
}

fn origin(item: &Item) -> Origin {
    Origin {
        loc: item.loc.clone(),
        trust_loc: match &item.kind {
            ItemKind::Principal { spec, .. } => spec.trust.as_ref().map(|d| d.loc.clone()),
            _ => None,
        },
        address: item.address.clone(),
        unresolved: item.unresolved.clone(),
    }
}

fn principal_arn(account: &str, ptype: PrincipalType, path: &str, name: &str) -> String {
    let path = if path.is_empty() { "/" } else { path };
    format!("arn:aws:iam::{account}:{}{path}{name}", ptype.as_str())
}

/// A trust policy that stands for an unreadable one: an unknown account may assume.
fn unknown_trust(address: &str) -> Policy {
    parse_policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Unresolved","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::${{unresolved trust policy of {}}}:root"}},"Action":"sts:AssumeRole"}}]}}"#,
        address.replace(['"', '\\', ':'], "_")
    ))
    .expect("a well-formed trust policy")
}

/// Builds accounts from templates. `extra_managed` holds managed policies known from
/// elsewhere (a snapshot), by ARN. With `keep_going`, a malformed policy document is
/// skipped (and reported) instead of failing the whole build.
pub fn build(
    templates: &[Template],
    extra_managed: &HashMap<String, Arc<ManagedPolicy>>,
    keep_going: bool,
) -> Result<Built, ReadError> {
    let mut built = Built::default();
    let mut accounts: BTreeMap<String, AccountB> = BTreeMap::new();
    let mut managed: HashMap<String, Arc<ManagedPolicy>> = extra_managed.clone();
    let mut warnings = Vec::new();

    let account_of = |t: &Template, item: &Item| item.account.clone().unwrap_or(t.account.clone());
    for t in templates {
        // Only when some item lives there (all of a module's may name their own provider).
        if !t.items.iter().any(|i| i.account.is_none()) {
            continue;
        }
        accounts
            .entry(t.account.clone())
            .or_insert_with(|| AccountB {
                id: t.account.clone(),
                name: if t.account_known {
                    format!("deploying account of {}", t.path.display())
                } else {
                    format!(
                        "deploying account of {} (placeholder ID: the template does not say)",
                        t.path.display()
                    )
                },
                source: t.path.clone(),
                principals: BTreeMap::new(),
            });
    }
    // Pass 1: principals and managed policies.
    for t in templates {
        for item in &t.items {
            let acct_id = account_of(t, item);
            let acct = accounts.entry(acct_id.clone()).or_insert_with(|| AccountB {
                id: acct_id.clone(),
                name: format!(
                    "account {acct_id} (named by a provider in {})",
                    t.path.display()
                ),
                source: t.path.clone(),
                principals: BTreeMap::new(),
            });
            match &item.kind {
                ItemKind::Principal { ptype, spec } => {
                    let arn = principal_arn(&acct_id, *ptype, &spec.path, &spec.name);
                    if item.change == Some(Change::Delete) {
                        if *ptype == PrincipalType::Role {
                            built.deleted_roles.push(arn);
                        }
                        continue;
                    }
                    let mut key = (*ptype, spec.name.clone());
                    let mut spec = spec.clone();
                    if let Some(prev) = acct
                        .principals
                        .get(&key)
                        .filter(|p| !p.stub)
                        .and_then(|p| p.origin.as_ref())
                    {
                        // Two resources cannot both own the name in AWS; each is still
                        // analysed, the later under a name that says where it comes from.
                        let renamed = format!("{}@{}", spec.name, item.address);
                        warnings.push(format!(
                            "{}: {} defines {} {} again (also {} at {}); analysed separately as {renamed}",
                            item.loc, item.address, ptype.as_str(), spec.name, prev.address, prev.loc
                        ));
                        spec.name = renamed;
                        key = (*ptype, spec.name.clone());
                    }
                    let arn = principal_arn(&acct_id, *ptype, &spec.path, &spec.name);
                    let spec = &spec;
                    let mut p = PrincipalB {
                        spec: spec.clone(),
                        origin: Some(origin(item)),
                        managed: spec.managed.clone(),
                        groups: spec.groups.clone(),
                        ..Default::default()
                    };
                    if let Some(doc) = &spec.trust {
                        match parse_doc(doc, "trust policy", item, keep_going, &mut warnings)? {
                            Some(pol) => p.trust = Some(pol),
                            None => p.trust_unreadable = true,
                        }
                    } else if *ptype == PrincipalType::Role {
                        warnings.push(format!(
                            "{}: {}: no trust policy given",
                            item.loc, item.address
                        ));
                    }
                    for (name, doc) in &spec.inline {
                        match parse_doc(
                            doc,
                            &format!("inline policy {name}"),
                            item,
                            keep_going,
                            &mut warnings,
                        )? {
                            Some(document) => p.inline.push(NamedPolicy {
                                name: name.clone(),
                                document,
                            }),
                            None => p.unreadable_inline.push(name.clone()),
                        }
                    }
                    built.origins.insert(arn, origin(item));
                    acct.principals.insert(key, p);
                }
                ItemKind::ManagedPolicy {
                    name,
                    path,
                    document,
                    ..
                } => {
                    let arn = format!(
                        "arn:aws:iam::{acct_id}:policy{}{name}",
                        if path.is_empty() { "/" } else { path }
                    );
                    built.origins.insert(arn.clone(), origin(item));
                    if item.change == Some(Change::Delete) {
                        continue;
                    }
                    match parse_doc(document, "policy document", item, keep_going, &mut warnings)? {
                        Some(doc) => {
                            managed.insert(
                                arn.clone(),
                                Arc::new(ManagedPolicy {
                                    arn,
                                    name: name.clone(),
                                    document: Arc::new(doc),
                                    aws_managed: false,
                                }),
                            );
                        }
                        None => { /* stays unknown: attachments treat it as possibly allowing */ }
                    }
                }
                _ => {}
            }
        }
    }
    // Pass 2: policies, attachments and memberships that name principals.
    for t in templates {
        for item in &t.items {
            if item.change == Some(Change::Delete) {
                continue;
            }
            let acct_id = account_of(t, item);
            let acct = accounts.get_mut(&acct_id).expect("account made in pass 1");
            match &item.kind {
                ItemKind::InlinePolicy {
                    name,
                    targets,
                    document,
                } => {
                    let parsed = parse_doc(
                        document,
                        &format!("policy {name}"),
                        item,
                        keep_going,
                        &mut warnings,
                    )?;
                    for (ptype, tname) in targets {
                        let p = target_of(acct, *ptype, tname, item);
                        match &parsed {
                            Some(doc) => p.inline.push(NamedPolicy {
                                name: name.clone(),
                                document: doc.clone(),
                            }),
                            None => p.unreadable_inline.push(name.clone()),
                        }
                    }
                }
                ItemKind::ManagedPolicy {
                    name, path, attach, ..
                } => {
                    let arn = format!(
                        "arn:aws:iam::{acct_id}:policy{}{name}",
                        if path.is_empty() { "/" } else { path }
                    );
                    for (ptype, tname) in attach {
                        target_of(acct, *ptype, tname, item)
                            .managed
                            .push(arn.clone());
                    }
                }
                ItemKind::Attachment {
                    targets,
                    policy_arn,
                } => {
                    for (ptype, tname) in targets {
                        target_of(acct, *ptype, tname, item)
                            .managed
                            .push(policy_arn.clone());
                    }
                }
                ItemKind::Membership { users, groups } => {
                    for g in groups {
                        target_of(acct, PrincipalType::Group, g, item);
                    }
                    for user in users {
                        target_of(acct, PrincipalType::User, user, item)
                            .groups
                            .extend(groups.iter().cloned());
                    }
                }
                ItemKind::ResourcePolicy { arn, document } => {
                    let mut arn = arn.clone();
                    if let Some(prev) = built.origins.get(&arn) {
                        let renamed = format!("{arn}@{}", item.address);
                        warnings.push(format!(
                            "{}: {}: a policy for {arn} again (also {} at {}); analysed separately as {renamed}",
                            item.loc, item.address, prev.address, prev.loc
                        ));
                        arn = renamed;
                    }
                    let arn = &arn;
                    if let Some(policy) =
                        parse_doc(document, "resource policy", item, keep_going, &mut warnings)?
                    {
                        built.origins.insert(arn.clone(), origin(item));
                        built.resources.push(ResourcePolicy {
                            arn: arn.clone(),
                            account_id: acct_id.clone(),
                            policy,
                            source: item.loc.file.clone(),
                        });
                    }
                }
                ItemKind::Principal { .. } => {}
            }
        }
    }
    // Finish: resolve attached policies, make the model's objects.
    let mut unknown_attached: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (_, a) in accounts {
        let mut account = Account {
            id: a.id.clone(),
            name: Some(a.name.clone()),
            source: a.source.clone(),
            users: Vec::new(),
            groups: Vec::new(),
            roles: Vec::new(),
            managed_policies: managed
                .iter()
                .filter(|(arn, _)| arn.contains(&format!(":{}:", a.id)))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        };
        for ((ptype, name), p) in a.principals {
            let arn = principal_arn(&a.id, ptype, &p.spec.path, &name);
            let origin = p.origin.clone().expect("every principal has an origin");
            built.origins.entry(arn.clone()).or_insert(origin.clone());
            let mut resolve = |policy_arn: &str| -> PolicyRef {
                if let Some(m) = managed.get(policy_arn) {
                    return PolicyRef::Known(m.clone());
                }
                if let Some(text) = well_known(policy_arn) {
                    let doc = parse_policy(text).expect("built-in policy");
                    return PolicyRef::Known(Arc::new(ManagedPolicy {
                        arn: policy_arn.to_string(),
                        name: policy_arn
                            .rsplit('/')
                            .next()
                            .unwrap_or(policy_arn)
                            .to_string(),
                        document: Arc::new(doc),
                        aws_managed: true,
                    }));
                }
                unknown_attached
                    .entry(policy_arn.to_string())
                    .or_default()
                    .push(format!("{} ({})", origin.address, origin.loc));
                PolicyRef::Unknown {
                    arn: policy_arn.to_string(),
                }
            };
            let mut attached: Vec<PolicyRef> = p.managed.iter().map(|m| resolve(m)).collect();
            for name in &p.unreadable_inline {
                attached.push(PolicyRef::Unknown {
                    arn: format!("inline:{name} (unresolved)"),
                });
            }
            let boundary = p.spec.boundary.as_deref().map(&mut resolve);
            if p.stub {
                warnings.push(format!(
                    "{}: {}: {} {} is not defined in the scanned templates (an existing {}); only what the templates give it is analysed",
                    origin.loc,
                    origin.address,
                    ptype.as_str(),
                    name,
                    ptype.as_str()
                ));
            }
            match ptype {
                PrincipalType::Role => {
                    let trust = match (p.trust, p.trust_unreadable, p.stub) {
                        (Some(t), _, _) => t,
                        (None, true, _) => {
                            warnings.push(format!(
                                "{}: {}: its trust policy could not be read; analysed as trusting an unknown account",
                                origin.loc, origin.address
                            ));
                            unknown_trust(&origin.address)
                        }
                        (None, false, _) => {
                            parse_policy(r#"{"Version":"2012-10-17","Statement":[]}"#)
                                .expect("empty policy")
                        }
                    };
                    account.roles.push(Role {
                        arn,
                        name: name.clone(),
                        path: p.spec.path.clone(),
                        role_id: String::new(),
                        create_date: None,
                        trust_policy: Arc::new(trust),
                        inline_policies: p.inline,
                        attached_policies: attached,
                        permission_boundary: boundary,
                        tags: p.spec.tags.clone().into(),
                        last_used: None,
                        last_used_region: None,
                        max_session_duration: p.spec.max_session,
                        instance_profiles: Vec::new(),
                    });
                }
                PrincipalType::User => account.users.push(User {
                    arn,
                    name: name.clone(),
                    path: p.spec.path.clone(),
                    user_id: String::new(),
                    create_date: None,
                    inline_policies: p.inline,
                    attached_policies: attached,
                    permission_boundary: boundary,
                    groups: p.groups,
                    tags: p.spec.tags.clone().into(),
                }),
                PrincipalType::Group => account.groups.push(Group {
                    arn,
                    name: name.clone(),
                    path: p.spec.path.clone(),
                    group_id: String::new(),
                    inline_policies: p.inline,
                    attached_policies: attached,
                }),
            }
        }
        built.accounts.push(account);
    }
    for (arn, users) in unknown_attached {
        warnings.push(format!(
            "policy {arn} is attached ({}) but its document is not in the templates; its permissions are unknown (treated as possibly allowing)",
            users.join(", ")
        ));
    }
    built.warnings = warnings;
    Ok(built)
}

/// The principal a policy or attachment names, made as a stub when the templates do not
/// define it.
fn target_of<'a>(
    acct: &'a mut AccountB,
    ptype: PrincipalType,
    name: &str,
    item: &Item,
) -> &'a mut PrincipalB {
    acct.principals
        .entry((ptype, name.to_string()))
        .or_insert_with(|| PrincipalB {
            spec: PrincipalSpec {
                name: name.to_string(),
                path: "/".into(),
                ..Default::default()
            },
            origin: Some(origin(item)),
            stub: true,
            ..Default::default()
        })
}
