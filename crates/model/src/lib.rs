//! # trustgate-model
//!
//! The snapshot: an organization's accounts with their users, groups, roles and policies,
//! resource policies, SCPs and RCPs — loaded from the snapshot layout (see the README):
//!
//! * `<account-id>.json` — `aws iam get-account-authorization-details` output (documents as
//!   JSON objects or URL-encoded strings), or a single such file for one account;
//! * `organization.json` (optional) — accounts, OUs, SCPs and RCPs;
//! * `resources/*.json` (optional) — `[{"arn", "accountId", "policy"}]`;
//! * `roles.json` or `roles/*.json` (optional) — `aws iam list-roles` output, for
//!   `MaxSessionDuration`.
//!
//! Designed for thousands of accounts: files are parsed in parallel into narrow typed structs,
//! only default policy versions are parsed, and AWS-managed policies (identical in every
//! account) are parsed once and shared.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use trustgate_policy::{from_slice_with_path, JsonError, Policy};

pub mod known;
pub mod org;
mod raw;

pub use known::KnownAccounts;
pub use org::{OrgPolicy, OrgPolicyType, Organization, PolicyLevel};

/// Why a snapshot could not be loaded. Every variant names the file.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LoadError {
    #[error("{}: {message}", file.display())]
    Io { file: PathBuf, message: String },
    #[error("{}: {}", file.display(), location(error))]
    Parse { file: PathBuf, error: JsonError },
    #[error("{}: {message}", file.display())]
    Invalid { file: PathBuf, message: String },
}

impl LoadError {
    pub fn io(file: &Path, e: std::io::Error) -> LoadError {
        LoadError::Io {
            file: file.to_path_buf(),
            message: e.to_string(),
        }
    }
    pub fn parse(file: &Path, error: JsonError) -> LoadError {
        LoadError::Parse {
            file: file.to_path_buf(),
            error,
        }
    }
    pub fn file(&self) -> &Path {
        match self {
            LoadError::Io { file, .. }
            | LoadError::Parse { file, .. }
            | LoadError::Invalid { file, .. } => file,
        }
    }
}

/// `LINE:COLUMN: at PATH: MESSAGE`.
fn location(e: &JsonError) -> String {
    let mut s = String::new();
    if e.line > 0 {
        s.push_str(&format!("{}:{}: ", e.line, e.column));
    }
    if !e.path.is_empty() && e.path != "." {
        s.push_str(&format!("at {}: ", e.path));
    }
    s.push_str(&e.message);
    s
}

/// How to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Skip account files that cannot be read (recorded in `Snapshot::warnings`) instead of
    /// failing the whole load.
    pub keep_going: bool,
    /// A user file of known third-party accounts, merged over the shipped list.
    pub known_accounts_file: Option<PathBuf>,
}

/// A managed policy (customer- or AWS-managed), with its default version's document.
#[derive(Debug)]
pub struct ManagedPolicy {
    pub arn: String,
    pub name: String,
    pub document: Arc<Policy>,
    pub aws_managed: bool,
}

/// An attached policy: resolved, or referenced but absent from the snapshot. Downstream
/// treats an unknown policy as *possibly allowing* — never as empty.
#[derive(Debug, Clone)]
pub enum PolicyRef {
    Known(Arc<ManagedPolicy>),
    Unknown { arn: String },
}

impl PolicyRef {
    pub fn arn(&self) -> &str {
        match self {
            PolicyRef::Known(p) => &p.arn,
            PolicyRef::Unknown { arn } => arn,
        }
    }
    pub fn document(&self) -> Option<&Policy> {
        match self {
            PolicyRef::Known(p) => Some(&p.document),
            PolicyRef::Unknown { .. } => None,
        }
    }
}

/// An inline policy.
#[derive(Debug)]
pub struct NamedPolicy {
    pub name: String,
    pub document: Policy,
}

#[derive(Debug)]
pub struct Role {
    pub arn: String,
    pub name: String,
    pub path: String,
    pub role_id: String,
    pub create_date: Option<String>,
    pub trust_policy: Policy,
    pub inline_policies: Vec<NamedPolicy>,
    pub attached_policies: Vec<PolicyRef>,
    pub permission_boundary: Option<PolicyRef>,
    pub tags: BTreeMap<String, String>,
    pub last_used: Option<String>,
    pub last_used_region: Option<String>,
    /// From `roles.json` (or the authorization details when present); None means unknown,
    /// and the AWS default of 3600 seconds is assumed.
    pub max_session_duration: Option<u32>,
}

#[derive(Debug)]
pub struct User {
    pub arn: String,
    pub name: String,
    pub user_id: String,
    pub create_date: Option<String>,
    pub inline_policies: Vec<NamedPolicy>,
    pub attached_policies: Vec<PolicyRef>,
    pub permission_boundary: Option<PolicyRef>,
    /// Group names.
    pub groups: Vec<String>,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug)]
pub struct Group {
    pub arn: String,
    pub name: String,
    pub inline_policies: Vec<NamedPolicy>,
    pub attached_policies: Vec<PolicyRef>,
}

/// One account of the snapshot.
#[derive(Debug)]
pub struct Account {
    pub id: String,
    /// From organization.json, when known.
    pub name: Option<String>,
    /// The file it was read from.
    pub source: PathBuf,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub roles: Vec<Role>,
    /// Managed policies by ARN.
    pub managed_policies: HashMap<String, Arc<ManagedPolicy>>,
}

impl Account {
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }
}

/// A resource-based policy from `resources/*.json`.
#[derive(Debug)]
pub struct ResourcePolicy {
    pub arn: String,
    pub account_id: String,
    pub policy: Policy,
    pub source: PathBuf,
}

/// Where a principal lives in the snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalRef {
    User { account: usize, index: usize },
    Role { account: usize, index: usize },
    Group { account: usize, index: usize },
}

/// The whole snapshot, with indexes.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub root: PathBuf,
    /// Sorted by account ID.
    pub accounts: Vec<Account>,
    pub organization: Option<Organization>,
    pub resources: Vec<ResourcePolicy>,
    pub known_accounts: KnownAccounts,
    /// What could not be read or resolved (skipped files, unknown managed policies…).
    pub warnings: Vec<String>,
    account_index: HashMap<String, usize>,
    principal_index: HashMap<String, PrincipalRef>,
    role_by_name: HashMap<(usize, String), usize>,
}

/// Policies shared across accounts: (ARN, version) → parsed document.
type Interner = Mutex<HashMap<(String, String), Arc<Policy>>>;

impl Snapshot {
    /// Loads a snapshot directory, or a single authorization-details file.
    pub fn load(path: &Path, opts: &LoadOptions) -> Result<Snapshot, LoadError> {
        let meta = fs::metadata(path).map_err(|e| LoadError::io(path, e))?;
        let mut known_accounts = KnownAccounts::shipped();
        if let Some(f) = &opts.known_accounts_file {
            known_accounts.extend_from_file(f)?;
        }
        let interner: Interner = Mutex::new(HashMap::new());
        let mut snap = Snapshot {
            root: path.to_path_buf(),
            known_accounts,
            ..Default::default()
        };

        let account_files: Vec<PathBuf> = if meta.is_file() {
            vec![path.to_path_buf()]
        } else {
            let mut files: Vec<PathBuf> = read_dir_sorted(path)?
                .into_iter()
                .filter(|p| {
                    p.extension().is_some_and(|e| e == "json")
                        && p.file_stem()
                            .and_then(|s| s.to_str())
                            .is_some_and(trustgate_policy::is_account_id)
                })
                .collect();
            files.sort();
            if files.is_empty() {
                return Err(LoadError::Invalid {
                    file: path.to_path_buf(),
                    message: "no account files: expected <12-digit-account-id>.json files (aws iam get-account-authorization-details output)".into(),
                });
            }
            files
        };

        let results: Vec<Result<Account, LoadError>> = account_files
            .par_iter()
            .map(|f| load_account(f, &interner))
            .collect();
        for r in results {
            match r {
                Ok(a) => snap.accounts.push(a),
                Err(e) if opts.keep_going => {
                    snap.warnings.push(format!("skipped account file: {e}"));
                }
                Err(e) => return Err(e),
            }
        }
        snap.accounts.sort_by(|a, b| a.id.cmp(&b.id));
        for w in snap.accounts.windows(2) {
            if w[0].id == w[1].id {
                return Err(LoadError::Invalid {
                    file: w[1].source.clone(),
                    message: format!(
                        "account {} appears twice (also in {})",
                        w[1].id,
                        w[0].source.display()
                    ),
                });
            }
        }

        if meta.is_dir() {
            let org_file = path.join("organization.json");
            if org_file.exists() {
                let bytes = fs::read(&org_file).map_err(|e| LoadError::io(&org_file, e))?;
                let org: Organization =
                    from_slice_with_path(&bytes).map_err(|e| LoadError::parse(&org_file, e))?;
                snap.organization = Some(org);
            }
            snap.load_resources(&path.join("resources"))?;
            snap.load_max_sessions(path)?;
        }
        if let Some(org) = &snap.organization {
            let ids: Vec<&str> = snap.accounts.iter().map(|a| a.id.as_str()).collect();
            for (kind, name) in [
                (OrgPolicyType::ServiceControlPolicy, "SCP"),
                (OrgPolicyType::ResourceControlPolicy, "RCP"),
            ] {
                let missing = org.levels_without(&ids, kind);
                if !missing.is_empty() {
                    let shown: Vec<&str> = missing.iter().take(5).map(String::as_str).collect();
                    snap.warnings.push(format!(
                        "organization.json: no {name} is listed for {} level(s) of the organization ({}{}); AWS always has one there, so these levels are treated as not restricting",
                        missing.len(),
                        shown.join(", "),
                        if missing.len() > 5 { ", …" } else { "" }
                    ));
                }
            }
        }
        if let Some(org) = &snap.organization {
            for acct in &mut snap.accounts {
                acct.name = org
                    .accounts
                    .iter()
                    .find(|a| a.id == acct.id)
                    .and_then(|a| a.name.clone());
            }
        }
        for acct in &snap.accounts {
            let mut unknown: Vec<&str> = acct
                .roles
                .iter()
                .flat_map(|r| {
                    r.attached_policies
                        .iter()
                        .chain(r.permission_boundary.iter())
                })
                .chain(acct.users.iter().flat_map(|u| {
                    u.attached_policies
                        .iter()
                        .chain(u.permission_boundary.iter())
                }))
                .chain(acct.groups.iter().flat_map(|g| g.attached_policies.iter()))
                .filter_map(|p| match p {
                    PolicyRef::Unknown { arn } => Some(arn.as_str()),
                    PolicyRef::Known(_) => None,
                })
                .collect();
            unknown.sort();
            unknown.dedup();
            for arn in unknown {
                snap.warnings.push(format!(
                    "{}: policy {arn} is attached but not in the file; its permissions are unknown (treated as possibly allowing)",
                    acct.source.display()
                ));
            }
        }
        snap.build_indexes();
        Ok(snap)
    }

    fn load_resources(&mut self, dir: &Path) -> Result<(), LoadError> {
        if !dir.is_dir() {
            return Ok(());
        }
        for file in read_dir_sorted(dir)? {
            if file.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let bytes = fs::read(&file).map_err(|e| LoadError::io(&file, e))?;
            let entries: Vec<raw::RawResource> =
                from_slice_with_path(&bytes).map_err(|e| LoadError::parse(&file, e))?;
            for (i, r) in entries.into_iter().enumerate() {
                let account_id = match r.account_id {
                    Some(a) => a,
                    None => match trustgate_policy::Arn::parse(&r.arn).map(|a| a.account) {
                        Some(a) if !a.is_empty() => a.to_string(),
                        _ => {
                            return Err(LoadError::Invalid {
                                file: file.clone(),
                                message: format!(
                                    "[{i}] ({}): \"accountId\" is required when the ARN carries no account (S3 buckets)",
                                    r.arn
                                ),
                            })
                        }
                    },
                };
                self.resources.push(ResourcePolicy {
                    arn: r.arn,
                    account_id,
                    policy: r.policy,
                    source: file.clone(),
                });
            }
        }
        Ok(())
    }

    fn load_max_sessions(&mut self, root: &Path) -> Result<(), LoadError> {
        let mut files = Vec::new();
        if root.join("roles.json").is_file() {
            files.push(root.join("roles.json"));
        }
        if root.join("roles").is_dir() {
            files.extend(
                read_dir_sorted(&root.join("roles"))?
                    .into_iter()
                    .filter(|p| p.extension().is_some_and(|e| e == "json")),
            );
        }
        let mut max: HashMap<String, u32> = HashMap::new();
        for file in files {
            let bytes = fs::read(&file).map_err(|e| LoadError::io(&file, e))?;
            let listed: raw::ListRoles =
                from_slice_with_path(&bytes).map_err(|e| LoadError::parse(&file, e))?;
            for r in listed.roles {
                if let Some(m) = r.max_session_duration {
                    max.insert(r.arn, m);
                }
            }
        }
        if max.is_empty() {
            return Ok(());
        }
        for acct in &mut self.accounts {
            for role in &mut acct.roles {
                if let Some(m) = max.get(&role.arn) {
                    role.max_session_duration = Some(*m);
                }
            }
        }
        Ok(())
    }

    fn build_indexes(&mut self) {
        for (ai, acct) in self.accounts.iter().enumerate() {
            self.account_index.insert(acct.id.clone(), ai);
            for (i, r) in acct.roles.iter().enumerate() {
                self.principal_index.insert(
                    r.arn.clone(),
                    PrincipalRef::Role {
                        account: ai,
                        index: i,
                    },
                );
                self.role_by_name.insert((ai, r.name.clone()), i);
            }
            for (i, u) in acct.users.iter().enumerate() {
                self.principal_index.insert(
                    u.arn.clone(),
                    PrincipalRef::User {
                        account: ai,
                        index: i,
                    },
                );
            }
            for (i, g) in acct.groups.iter().enumerate() {
                self.principal_index.insert(
                    g.arn.clone(),
                    PrincipalRef::Group {
                        account: ai,
                        index: i,
                    },
                );
            }
        }
    }

    pub fn account(&self, id: &str) -> Option<&Account> {
        self.account_index.get(id).map(|&i| &self.accounts[i])
    }

    pub fn account_index(&self, id: &str) -> Option<usize> {
        self.account_index.get(id).copied()
    }

    /// Finds a user, role or group by ARN. An STS assumed-role ARN resolves to its role, and
    /// a role ARN given without its path resolves by name.
    pub fn principal(&self, arn: &str) -> Option<PrincipalRef> {
        if let Some(p) = self.principal_index.get(arn) {
            return Some(*p);
        }
        let parsed = trustgate_policy::Arn::parse(arn)?;
        let ai = self.account_index(parsed.account)?;
        let role_name = if parsed.service == "sts" {
            parsed
                .resource
                .strip_prefix("assumed-role/")?
                .split('/')
                .next()?
        } else if parsed.service == "iam" {
            parsed.resource.strip_prefix("role/")?.rsplit('/').next()?
        } else {
            return None;
        };
        self.role_by_name
            .get(&(ai, role_name.to_string()))
            .map(|&index| PrincipalRef::Role { account: ai, index })
    }

    pub fn role(&self, r: PrincipalRef) -> Option<(&Account, &Role)> {
        match r {
            PrincipalRef::Role { account, index } => {
                let a = &self.accounts[account];
                Some((a, &a.roles[index]))
            }
            _ => None,
        }
    }

    pub fn user(&self, r: PrincipalRef) -> Option<(&Account, &User)> {
        match r {
            PrincipalRef::User { account, index } => {
                let a = &self.accounts[account];
                Some((a, &a.users[index]))
            }
            _ => None,
        }
    }

    /// Every role with its account.
    pub fn roles(&self) -> impl Iterator<Item = (&Account, &Role)> {
        self.accounts
            .iter()
            .flat_map(|a| a.roles.iter().map(move |r| (a, r)))
    }

    /// Whether an account belongs to the organization; without organization data, whether it
    /// is one of the snapshot's accounts.
    pub fn is_internal(&self, account_id: &str) -> bool {
        match &self.organization {
            Some(org) => {
                org.accounts.iter().any(|a| a.id == account_id)
                    || self.account_index.contains_key(account_id)
            }
            None => self.account_index.contains_key(account_id),
        }
    }

    /// The organization ID, when organization data is present.
    pub fn org_id(&self) -> Option<&str> {
        self.organization
            .as_ref()
            .map(|o| o.organization_id.as_str())
    }

    /// SCP levels for an account (None: not governed, see [`Organization::levels`]).
    pub fn scps_for(&self, account_id: &str) -> Option<Vec<PolicyLevel<'_>>> {
        self.organization
            .as_ref()?
            .levels(account_id, OrgPolicyType::ServiceControlPolicy)
    }

    /// RCP levels for an account's resources.
    pub fn rcps_for(&self, account_id: &str) -> Option<Vec<PolicyLevel<'_>>> {
        self.organization
            .as_ref()?
            .levels(account_id, OrgPolicyType::ResourceControlPolicy)
    }

    /// The resource policy of an ARN, if the snapshot has one.
    pub fn resource_policy(&self, arn: &str) -> Option<&ResourcePolicy> {
        self.resources.iter().find(|r| r.arn == arn)
    }
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| LoadError::io(dir, e))? {
        let entry = entry.map_err(|e| LoadError::io(dir, e))?;
        out.push(entry.path());
    }
    out.sort();
    Ok(out)
}

fn tags(raw: Vec<raw::RawTag>) -> BTreeMap<String, String> {
    raw.into_iter().map(|t| (t.key, t.value)).collect()
}

fn inline(raw: Vec<raw::RawInline>) -> Vec<NamedPolicy> {
    raw.into_iter()
        .map(|p| NamedPolicy {
            name: p.policy_name,
            document: p.policy_document,
        })
        .collect()
}

/// Reads one authorization-details file.
fn load_account(file: &Path, interner: &Interner) -> Result<Account, LoadError> {
    let bytes = fs::read(file).map_err(|e| LoadError::io(file, e))?;
    let details: raw::AuthorizationDetails =
        from_slice_with_path(&bytes).map_err(|e| LoadError::parse(file, e))?;

    let mut managed: HashMap<String, Arc<ManagedPolicy>> =
        HashMap::with_capacity(details.policies.len());
    for (pi, p) in details.policies.iter().enumerate() {
        let default = p.policy_version_list.iter().enumerate().find(|(_, v)| {
            v.is_default_version
                || (p.default_version_id.is_some() && v.version_id == p.default_version_id)
        });
        let Some((vi, version)) = default else {
            continue; // no default version listed: left unresolved (reported as unknown)
        };
        let Some(doc_raw) = version.document else {
            continue;
        };
        let aws_managed = p.arn.starts_with("arn:aws:iam::aws:policy/");
        let key = (
            p.arn.clone(),
            version.version_id.clone().unwrap_or_default(),
        );
        let cached = if aws_managed {
            interner.lock().expect("interner lock").get(&key).cloned()
        } else {
            None
        };
        let document = match cached {
            Some(d) => d,
            None => {
                let text = doc_raw.get();
                let doc: Policy = serde_json::from_str(text).map_err(|e| {
                    // Place the error in the file: the raw document is a slice of `bytes`.
                    let offset = text.as_ptr() as usize - bytes.as_ptr() as usize;
                    let (line, column) = line_col(&bytes, offset, e.line(), e.column());
                    let mut je = trustgate_policy::parse::json_error(
                        e,
                        format!("Policies[{pi}].PolicyVersionList[{vi}].Document"),
                    );
                    je.line = line;
                    je.column = column;
                    LoadError::parse(file, je)
                })?;
                let doc = Arc::new(doc);
                if aws_managed {
                    interner
                        .lock()
                        .expect("interner lock")
                        .entry(key)
                        .or_insert_with(|| doc.clone())
                        .clone()
                } else {
                    doc
                }
            }
        };
        managed.insert(
            p.arn.clone(),
            Arc::new(ManagedPolicy {
                arn: p.arn.clone(),
                name: p.policy_name.clone(),
                document,
                aws_managed,
            }),
        );
    }
    let resolve = |arn: String| match managed.get(&arn) {
        Some(p) => PolicyRef::Known(p.clone()),
        None => PolicyRef::Unknown { arn },
    };

    let mut account_id: Option<String> = None;
    let mut note_account = |arn: &str| {
        if account_id.is_none() {
            if let Some(a) = trustgate_policy::Arn::parse(arn) {
                account_id = Some(a.account.to_string());
            }
        }
    };

    let mut roles = Vec::with_capacity(details.role_detail_list.len());
    for r in details.role_detail_list {
        note_account(&r.arn);
        let last = r.role_last_used.unwrap_or(raw::RawLastUsed {
            last_used_date: None,
            region: None,
        });
        roles.push(Role {
            attached_policies: r
                .attached_managed_policies
                .into_iter()
                .map(|a| resolve(a.policy_arn))
                .collect(),
            permission_boundary: r
                .permissions_boundary
                .map(|b| resolve(b.permissions_boundary_arn)),
            inline_policies: inline(r.role_policy_list),
            tags: tags(r.tags),
            arn: r.arn,
            name: r.role_name,
            path: r.path,
            role_id: r.role_id,
            create_date: r.create_date,
            trust_policy: r.assume_role_policy_document,
            last_used: last.last_used_date,
            last_used_region: last.region,
            max_session_duration: r.max_session_duration,
        });
    }
    let mut users = Vec::with_capacity(details.user_detail_list.len());
    for u in details.user_detail_list {
        note_account(&u.arn);
        users.push(User {
            attached_policies: u
                .attached_managed_policies
                .into_iter()
                .map(|a| resolve(a.policy_arn))
                .collect(),
            permission_boundary: u
                .permissions_boundary
                .map(|b| resolve(b.permissions_boundary_arn)),
            inline_policies: inline(u.user_policy_list),
            tags: tags(u.tags),
            arn: u.arn,
            name: u.user_name,
            user_id: u.user_id,
            create_date: u.create_date,
            groups: u.group_list,
        });
    }
    let mut groups = Vec::with_capacity(details.group_detail_list.len());
    for g in details.group_detail_list {
        note_account(&g.arn);
        groups.push(Group {
            attached_policies: g
                .attached_managed_policies
                .into_iter()
                .map(|a| resolve(a.policy_arn))
                .collect(),
            inline_policies: inline(g.group_policy_list),
            arn: g.arn,
            name: g.group_name,
        });
    }

    // The account ID: from the file name when it is one, else from the ARNs inside.
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let id = if trustgate_policy::is_account_id(stem) {
        if let Some(found) = &account_id {
            if found != stem {
                return Err(LoadError::Invalid {
                    file: file.to_path_buf(),
                    message: format!("the file is named for account {stem} but holds principals of account {found}"),
                });
            }
        }
        stem.to_string()
    } else {
        account_id.ok_or_else(|| LoadError::Invalid {
            file: file.to_path_buf(),
            message: "cannot tell the account: name the file <account-id>.json or include at least one user, group or role".into(),
        })?
    };

    Ok(Account {
        id,
        name: None,
        source: file.to_path_buf(),
        users,
        groups,
        roles,
        managed_policies: managed,
    })
}

/// Line and column in `bytes` of a position given relative to a sub-slice starting at
/// `offset` (serde_json positions are 1-based).
fn line_col(bytes: &[u8], offset: usize, inner_line: usize, inner_col: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let base_line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let base_col = offset
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map(|p| p + 1)
            .unwrap_or(0)
        + 1;
    if inner_line <= 1 {
        (base_line, base_col + inner_col.saturating_sub(1))
    } else {
        (base_line + inner_line - 1, inner_col)
    }
}

#[cfg(test)]
mod tests;
