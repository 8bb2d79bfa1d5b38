//! # trustgate-model
//!
//! The snapshot: an organization's accounts with their users, groups, roles and policies,
//! resource policies, SCPs and RCPs — loaded from the snapshot layout (see the crate README):
//!
//! * `<account-id>.json` — `aws iam get-account-authorization-details` output (documents as
//!   JSON objects or URL-encoded strings), or a single such file for one account;
//! * `organization.json` (optional) — accounts, OUs, SCPs and RCPs ([`Organization`]);
//! * `resources/*.json` (optional) — `[{"arn", "accountId", "policy"}]` ([`ResourcePolicy`]);
//! * `roles.json` or `roles/*.json` (optional) — `aws iam list-roles` output, for
//!   `MaxSessionDuration`, which authorization details omit.
//!
//! ```no_run
//! use std::path::Path;
//! use trustgate_model::{LoadOptions, Snapshot};
//!
//! let snap = Snapshot::load(Path::new("examples/org"), &LoadOptions::default())?;
//! for (account, role) in snap.roles() {
//!     println!("{} {} ({} trust statements)", account.id, role.arn, role.trust_policy.statements.len());
//! }
//! for w in &snap.warnings {
//!     eprintln!("warning: {w}");
//! }
//! # Ok::<(), trustgate_model::LoadError>(())
//! ```
//!
//! Designed for organizations of 1,000 accounts × 200 roles (~250 MB of JSON): account files
//! are parsed in parallel, straight from their bytes into narrow typed structs (never through
//! `serde_json::Value`); only default policy versions are parsed; AWS-managed policies
//! (identical in every account) and identical trust policies (the audit role's trust, service
//! trusts) are parsed once per snapshot and shared through [`Arc`]s.
//!
//! Nothing is silently dropped: an attached policy that the file does not contain is a
//! [`PolicyRef::Unknown`] (downstream treats it as *possibly allowing*) and is listed in
//! [`Snapshot::warnings`], as is every file skipped with [`LoadOptions::keep_going`].

#![warn(missing_docs)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use trustgate_policy::{JsonError, Policy};

pub mod credentials;
pub mod known;
mod load;
pub mod org;
mod raw;
mod tags;

pub use known::KnownAccounts;
pub use org::{OrgAccount, OrgPolicy, OrgPolicyType, OrgUnit, Organization, PolicyLevel};
pub use tags::Tags;

/// Why a snapshot could not be loaded. Every variant names the file; parse errors also give
/// the line and column, the JSON path and what was expected:
///
/// `examples/org/100000000007.json: 143:28: at RoleDetailList[3].AssumeRolePolicyDocument.Statement[0].Effect: invalid Effect …`
#[derive(Debug, Clone, thiserror::Error)]
pub enum LoadError {
    /// The file or directory could not be read.
    #[error("{}: {message}", file.display())]
    Io {
        /// The file or directory.
        file: PathBuf,
        /// The operating system's message.
        message: String,
    },
    /// The file is not valid JSON, or not of the expected shape.
    #[error("{}: {}", file.display(), location(error))]
    Parse {
        /// The file.
        file: PathBuf,
        /// Line, column, JSON path and message.
        error: JsonError,
    },
    /// The file is well-formed but its content is inconsistent (an account file named for
    /// another account, an account that appears twice, a directory without account files…).
    #[error("{}: {message}", file.display())]
    Invalid {
        /// The file (or directory).
        file: PathBuf,
        /// What is wrong and what was expected.
        message: String,
    },
}

impl LoadError {
    /// An I/O error on `file`.
    pub fn io(file: &Path, e: std::io::Error) -> LoadError {
        LoadError::Io {
            file: file.to_path_buf(),
            message: e.to_string(),
        }
    }
    /// A JSON error in `file`.
    pub fn parse(file: &Path, error: JsonError) -> LoadError {
        LoadError::Parse {
            file: file.to_path_buf(),
            error,
        }
    }
    /// The file the error is about.
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

/// How to load a snapshot.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Skip files that cannot be read — account files, `resources/*.json`, `roles*.json` —
    /// recording each in [`Snapshot::warnings`], instead of failing the whole load.
    /// `organization.json` is never skipped: without it, accounts of the organization would
    /// silently become third parties and SCPs would vanish.
    pub keep_going: bool,
    /// A user file of known third-party accounts, merged over the shipped list (see
    /// [`KnownAccounts::extend_from_file`] for its forms).
    pub known_accounts_file: Option<PathBuf>,
}

/// A managed policy (customer- or AWS-managed), with its default version's document.
///
/// AWS-managed policies are shared: every account that has
/// `arn:aws:iam::aws:policy/AdministratorAccess` with the same default document holds the
/// same `Arc<ManagedPolicy>`.
#[derive(Debug)]
pub struct ManagedPolicy {
    /// `arn:aws:iam::aws:policy/…` or `arn:aws:iam::<account>:policy/…`.
    pub arn: String,
    /// `PolicyName`.
    pub name: String,
    /// The document of the default version (`IsDefaultVersion`, or `DefaultVersionId`).
    pub document: Arc<Policy>,
    /// Whether the ARN is in the `aws` namespace (`arn:aws:iam::aws:policy/…`).
    pub aws_managed: bool,
}

/// An attached managed policy or permissions boundary: resolved, or referenced but absent
/// from the snapshot. Downstream treats an unknown policy as *possibly allowing* — never as
/// empty — and the loader lists it in [`Snapshot::warnings`].
#[derive(Debug, Clone)]
pub enum PolicyRef {
    /// Found in the account file's `Policies` with a default version.
    Known(Arc<ManagedPolicy>),
    /// Attached, but the file does not hold it (typically an AWS-managed policy when the
    /// authorization details were filtered).
    Unknown {
        /// The attached ARN.
        arn: String,
    },
}

impl PolicyRef {
    /// The policy ARN.
    pub fn arn(&self) -> &str {
        match self {
            PolicyRef::Known(p) => &p.arn,
            PolicyRef::Unknown { arn } => arn,
        }
    }
    /// The default version's document; None when unknown.
    pub fn document(&self) -> Option<&Policy> {
        match self {
            PolicyRef::Known(p) => Some(&p.document),
            PolicyRef::Unknown { .. } => None,
        }
    }
    /// Whether the policy is in the snapshot.
    pub fn is_known(&self) -> bool {
        matches!(self, PolicyRef::Known(_))
    }
}

/// An inline policy (`RolePolicyList`, `UserPolicyList`, `GroupPolicyList`).
#[derive(Debug)]
pub struct NamedPolicy {
    /// `PolicyName`.
    pub name: String,
    /// `PolicyDocument`.
    pub document: Policy,
}

/// An instance profile that carries a role onto EC2 instances.
#[derive(Debug, Clone)]
pub struct InstanceProfile {
    /// `InstanceProfileName`.
    pub name: String,
    /// `InstanceProfileId` (`AIPA…`).
    pub id: String,
    /// `Arn`.
    pub arn: String,
    /// `Path`.
    pub path: String,
}

/// An IAM role (`RoleDetailList[]`).
#[derive(Debug)]
pub struct Role {
    /// `arn:aws:iam::<account>:role<path><name>`.
    pub arn: String,
    /// `RoleName`.
    pub name: String,
    /// `Path` (`/` by default, `/service-role/`…).
    pub path: String,
    /// `RoleId` (`AROA…`): what trust policies show once this role is deleted.
    pub role_id: String,
    /// `CreateDate`, ISO 8601 as AWS prints it.
    pub create_date: Option<String>,
    /// `AssumeRolePolicyDocument`. Identical trust policies are shared across the snapshot.
    pub trust_policy: Arc<Policy>,
    /// `RolePolicyList`.
    pub inline_policies: Vec<NamedPolicy>,
    /// `AttachedManagedPolicies`, resolved.
    pub attached_policies: Vec<PolicyRef>,
    /// `PermissionsBoundary`, resolved.
    pub permission_boundary: Option<PolicyRef>,
    /// `Tags`, by key.
    pub tags: Tags,
    /// `RoleLastUsed.LastUsedDate` (ISO 8601); None when never used (within IAM's tracking
    /// window, which starts 2020-04-01… AWS prints `"RoleLastUsed": {}`).
    pub last_used: Option<String>,
    /// `RoleLastUsed.Region`.
    pub last_used_region: Option<String>,
    /// From `roles.json` / `roles/*.json` (or the authorization details when present); None
    /// means unknown, and the AWS default of 3600 seconds is assumed (say so when reporting).
    pub max_session_duration: Option<u32>,
    /// `InstanceProfileList`.
    pub instance_profiles: Vec<InstanceProfile>,
}

/// An IAM user (`UserDetailList[]`).
#[derive(Debug)]
pub struct User {
    /// `arn:aws:iam::<account>:user<path><name>`.
    pub arn: String,
    /// `UserName`.
    pub name: String,
    /// `Path`.
    pub path: String,
    /// `UserId` (`AIDA…`).
    pub user_id: String,
    /// `CreateDate`.
    pub create_date: Option<String>,
    /// `UserPolicyList`.
    pub inline_policies: Vec<NamedPolicy>,
    /// `AttachedManagedPolicies`, resolved.
    pub attached_policies: Vec<PolicyRef>,
    /// `PermissionsBoundary`, resolved.
    pub permission_boundary: Option<PolicyRef>,
    /// `GroupList`: group names (see [`Account::group`]).
    pub groups: Vec<String>,
    /// `Tags`, by key.
    pub tags: Tags,
}

/// An IAM group (`GroupDetailList[]`).
#[derive(Debug)]
pub struct Group {
    /// `arn:aws:iam::<account>:group<path><name>`.
    pub arn: String,
    /// `GroupName`.
    pub name: String,
    /// `Path`.
    pub path: String,
    /// `GroupId` (`AGPA…`).
    pub group_id: String,
    /// `GroupPolicyList`.
    pub inline_policies: Vec<NamedPolicy>,
    /// `AttachedManagedPolicies`, resolved.
    pub attached_policies: Vec<PolicyRef>,
}

/// One account of the snapshot: one authorization-details file.
#[derive(Debug)]
pub struct Account {
    /// The 12-digit account ID (from the file name, or from the ARNs inside).
    pub id: String,
    /// From `organization.json`, when known.
    pub name: Option<String>,
    /// The file it was read from.
    pub source: PathBuf,
    /// `UserDetailList`.
    pub users: Vec<User>,
    /// `GroupDetailList`.
    pub groups: Vec<Group>,
    /// `RoleDetailList`.
    pub roles: Vec<Role>,
    /// `Policies` with a default version, by ARN.
    pub managed_policies: HashMap<String, Arc<ManagedPolicy>>,
}

impl Account {
    /// A group by name (as in [`User::groups`]).
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }
    /// A role by name.
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.name == name)
    }
    /// A user by name.
    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|u| u.name == name)
    }
}

/// A resource-based policy from `resources/*.json`.
#[derive(Debug)]
pub struct ResourcePolicy {
    /// The resource ARN (S3 bucket, KMS key, SQS queue, SNS topic, Lambda function, secret…).
    pub arn: String,
    /// The owning account: `accountId` in the file, else the ARN's account.
    pub account_id: String,
    /// The policy document.
    pub policy: Policy,
    /// The file it was read from.
    pub source: PathBuf,
}

/// Where a principal lives in the snapshot: indexes into [`Snapshot::accounts`] and the
/// account's users, roles or groups. Resolve with [`Snapshot::role`], [`Snapshot::user`],
/// [`Snapshot::group`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalRef {
    /// `accounts[account].users[index]`.
    User {
        /// Index into [`Snapshot::accounts`].
        account: usize,
        /// Index into [`Account::users`].
        index: usize,
    },
    /// `accounts[account].roles[index]`.
    Role {
        /// Index into [`Snapshot::accounts`].
        account: usize,
        /// Index into [`Account::roles`].
        index: usize,
    },
    /// `accounts[account].groups[index]`.
    Group {
        /// Index into [`Snapshot::accounts`].
        account: usize,
        /// Index into [`Account::groups`].
        index: usize,
    },
}

/// Running sums of `counts`, starting at 0 (one more entry than counts).
fn offsets(counts: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut out = vec![0];
    for n in counts {
        out.push(out.last().copied().unwrap_or(0) + n);
    }
    out
}

impl PrincipalRef {
    /// Index into [`Snapshot::accounts`] of the account the principal belongs to.
    pub fn account_index(self) -> usize {
        match self {
            PrincipalRef::User { account, .. }
            | PrincipalRef::Role { account, .. }
            | PrincipalRef::Group { account, .. } => account,
        }
    }
}

/// The whole snapshot, with indexes. Build it with [`Snapshot::load`].
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The directory (or single file) it was loaded from.
    pub root: PathBuf,
    /// Sorted by account ID.
    pub accounts: Vec<Account>,
    /// `organization.json`, when present.
    pub organization: Option<Organization>,
    /// `resources/*.json`, in file order.
    pub resources: Vec<ResourcePolicy>,
    /// Vendor names of third-party accounts: the shipped list plus the user's file.
    pub known_accounts: KnownAccounts,
    /// What could not be read or resolved: skipped files (with `keep_going`), attached
    /// policies absent from their file, incomplete organization data. Each names the file.
    pub warnings: Vec<String>,
    /// `credential-report-<account-id>.csv` files, by account ID order.
    pub credential_reports: Vec<credentials::CredentialReport>,
    credential_index: credentials::CredentialIndex,
    // foldhash: a quarter of a million ARNs are hashed building these, and SipHash showed.
    account_index: foldhash::HashMap<String, usize>,
    /// Principals by ARN, and roles by (account, name): positions hashed by the text they
    /// point at, which is not copied.
    principal_index: hashbrown::HashTable<PrincipalRef>,
    role_by_name: hashbrown::HashTable<(usize, usize)>,
    index_hasher: foldhash::fast::RandomState,
}

/// The documents of an iterator, each once: shared documents (interned trust policies,
/// AWS-managed policies) are the same allocation wherever they appear, so their address is
/// their identity. Work done per document instead of per holder starts from here.
pub fn distinct_documents<'a>(docs: impl Iterator<Item = &'a Policy>) -> Vec<&'a Policy> {
    let mut out: Vec<&Policy> = docs.collect();
    out.sort_unstable_by_key(|d| document_address(d));
    out.dedup_by_key(|d| document_address(d));
    out
}

/// The identity of a shared document (see [`distinct_documents`]).
pub fn document_address(doc: &Policy) -> usize {
    doc as *const Policy as usize
}

/// The ARN of a principal of `accounts`.
fn principal_arn(accounts: &[Account], p: PrincipalRef) -> &str {
    match p {
        PrincipalRef::Role { account, index } => &accounts[account].roles[index].arn,
        PrincipalRef::User { account, index } => &accounts[account].users[index].arn,
        PrincipalRef::Group { account, index } => &accounts[account].groups[index].arn,
    }
}

impl Snapshot {
    /// Loads a snapshot directory, or a single authorization-details file (any name; the
    /// account ID is then read from the ARNs inside).
    ///
    /// Errors name the file, the line:column, the JSON path and what was expected. With
    /// [`LoadOptions::keep_going`], unreadable account, resource and `roles` files are
    /// skipped and listed in [`Snapshot::warnings`].
    pub fn load(path: &Path, opts: &LoadOptions) -> Result<Snapshot, LoadError> {
        load::load(path, opts)
    }

    /// A user's row of its account's credential report, when the snapshot has that report.
    pub fn credentials(&self, user_arn: &str) -> Option<&credentials::UserCredentials> {
        self.credential_index
            .get(&self.credential_reports, user_arn)
    }

    /// Whether the snapshot has a credential report for this account.
    pub fn has_credential_report(&self, account_id: &str) -> bool {
        self.credential_reports
            .iter()
            .any(|r| r.account_id == account_id)
    }

    /// Builds a snapshot from parts made in memory rather than read from disk (the
    /// infrastructure-as-code scanner turns templates into accounts this way): sorts the
    /// accounts by ID and builds the indexes. Account IDs must be unique — the caller merges
    /// duplicates; a later account with the same ID would shadow the earlier in lookups.
    pub fn from_parts(
        root: PathBuf,
        accounts: Vec<Account>,
        organization: Option<Organization>,
        resources: Vec<ResourcePolicy>,
        known_accounts: KnownAccounts,
        warnings: Vec<String>,
    ) -> Snapshot {
        let mut snap = Snapshot {
            root,
            accounts,
            organization,
            resources,
            known_accounts,
            warnings,
            ..Default::default()
        };
        snap.accounts.sort_by(|a, b| a.id.cmp(&b.id));
        snap.build_indexes();
        snap
    }

    pub(crate) fn build_indexes(&mut self) {
        use rayon::prelude::*;
        use std::hash::BuildHasher;
        self.credential_index = credentials::CredentialIndex::build(&self.credential_reports);
        self.account_index.clear();
        self.account_index.reserve(self.accounts.len());
        for (ai, acct) in self.accounts.iter().enumerate() {
            self.account_index.insert(acct.id.clone(), ai);
        }
        // Hashes in parallel; the tables are then filled in one pass.
        let hasher = &self.index_hasher;
        let principals: Vec<(u64, PrincipalRef)> = self
            .accounts
            .par_iter()
            .enumerate()
            .flat_map_iter(|(ai, acct)| {
                let entry = move |arn: &str, p: PrincipalRef| (hasher.hash_one(arn), p);
                let roles = acct.roles.iter().enumerate().map(move |(index, r)| {
                    entry(&r.arn, PrincipalRef::Role { account: ai, index })
                });
                let users = acct.users.iter().enumerate().map(move |(index, u)| {
                    entry(&u.arn, PrincipalRef::User { account: ai, index })
                });
                let groups = acct.groups.iter().enumerate().map(move |(index, g)| {
                    entry(&g.arn, PrincipalRef::Group { account: ai, index })
                });
                roles.chain(users).chain(groups)
            })
            .collect();
        let names: Vec<(u64, (usize, usize))> = self
            .accounts
            .par_iter()
            .enumerate()
            .flat_map_iter(|(ai, acct)| {
                acct.roles
                    .iter()
                    .enumerate()
                    .map(move |(i, r)| (hasher.hash_one((ai, r.name.as_str())), (ai, i)))
            })
            .collect();
        let accounts = &self.accounts;
        let arn_of = |p: &PrincipalRef| -> &str { principal_arn(accounts, *p) };
        let table = &mut self.principal_index;
        table.clear();
        table.reserve(principals.len(), |p| hasher.hash_one(arn_of(p)));
        for (hash, p) in principals {
            let arn = arn_of(&p);
            // A repeated ARN (not from AWS; a snapshot put together by hand): the last wins.
            match table.find_mut(hash, |q| arn_of(q) == arn) {
                Some(slot) => *slot = p,
                None => {
                    table.insert_unique(hash, p, |q| hasher.hash_one(arn_of(q)));
                }
            }
        }
        let name_of = |&(ai, ri): &(usize, usize)| (ai, accounts[ai].roles[ri].name.as_str());
        let table = &mut self.role_by_name;
        table.clear();
        table.reserve(names.len(), |r| hasher.hash_one(name_of(r)));
        for (hash, r) in names {
            let key = name_of(&r);
            match table.find_mut(hash, |q| name_of(q) == key) {
                Some(slot) => *slot = r,
                None => {
                    table.insert_unique(hash, r, |q| hasher.hash_one(name_of(q)));
                }
            }
        }
    }

    /// An account of the snapshot by ID.
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.account_index.get(id).map(|&i| &self.accounts[i])
    }

    /// The position of an account in [`Snapshot::accounts`].
    pub fn account_index(&self, id: &str) -> Option<usize> {
        self.account_index.get(id).copied()
    }

    /// Finds a user, role or group by ARN. An STS assumed-role ARN
    /// (`arn:aws:sts::ID:assumed-role/NAME/SESSION`) resolves to its role, and a role ARN
    /// given without its path resolves by name.
    pub fn principal(&self, arn: &str) -> Option<PrincipalRef> {
        use std::hash::BuildHasher;
        let hash = self.index_hasher.hash_one(arn);
        if let Some(p) = self
            .principal_index
            .find(hash, |p| principal_arn(&self.accounts, *p) == arn)
        {
            return Some(*p);
        }
        let parsed = trustgate_policy::Arn::parse(arn)?;
        let ai = self.account_index(parsed.account)?;
        let role_name = match parsed.service {
            "sts" => parsed
                .resource
                .strip_prefix("assumed-role/")?
                .split('/')
                .next()?,
            "iam" => parsed.resource.strip_prefix("role/")?.rsplit('/').next()?,
            _ => return None,
        };
        let hash = self.index_hasher.hash_one((ai, role_name));
        self.role_by_name
            .find(hash, |&(a, r)| {
                a == ai && self.accounts[a].roles[r].name == role_name
            })
            .map(|&(_, index)| PrincipalRef::Role { account: ai, index })
    }

    /// The role a [`PrincipalRef`] points to (None for users and groups).
    pub fn role(&self, r: PrincipalRef) -> Option<(&Account, &Role)> {
        match r {
            PrincipalRef::Role { account, index } => {
                let a = &self.accounts[account];
                Some((a, &a.roles[index]))
            }
            _ => None,
        }
    }

    /// The user a [`PrincipalRef`] points to (None for roles and groups).
    pub fn user(&self, r: PrincipalRef) -> Option<(&Account, &User)> {
        match r {
            PrincipalRef::User { account, index } => {
                let a = &self.accounts[account];
                Some((a, &a.users[index]))
            }
            _ => None,
        }
    }

    /// The group a [`PrincipalRef`] points to (None for roles and users).
    pub fn group(&self, r: PrincipalRef) -> Option<(&Account, &Group)> {
        match r {
            PrincipalRef::Group { account, index } => {
                let a = &self.accounts[account];
                Some((a, &a.groups[index]))
            }
            _ => None,
        }
    }

    /// Every role with its account, in account order.
    pub fn roles(&self) -> impl Iterator<Item = (&Account, &Role)> {
        self.accounts
            .iter()
            .flat_map(|a| a.roles.iter().map(move |r| (a, r)))
    }

    /// Every role as a [`PrincipalRef`], in account order: a flat list to split work by role
    /// rather than by account (one account of 5 000 roles is then not one thread's job).
    pub fn role_refs(&self) -> Vec<PrincipalRef> {
        self.accounts
            .iter()
            .enumerate()
            .flat_map(|(account, a)| {
                (0..a.roles.len()).map(move |index| PrincipalRef::Role { account, index })
            })
            .collect()
    }

    /// Where each account's roles start in [`Snapshot::role_refs`] order, and (last) their
    /// total: `offsets[a]..offsets[a + 1]` are account `a`'s roles in any list made in that
    /// order, found by arithmetic instead of hashing an ARN.
    pub fn role_offsets(&self) -> Vec<usize> {
        offsets(self.accounts.iter().map(|a| a.roles.len()))
    }

    /// [`Snapshot::role_offsets`] for users ([`Snapshot::user_refs`] order).
    pub fn user_offsets(&self) -> Vec<usize> {
        offsets(self.accounts.iter().map(|a| a.users.len()))
    }

    /// Every user as a [`PrincipalRef`], in account order (see [`Snapshot::role_refs`]).
    pub fn user_refs(&self) -> Vec<PrincipalRef> {
        self.accounts
            .iter()
            .enumerate()
            .flat_map(|(account, a)| {
                (0..a.users.len()).map(move |index| PrincipalRef::User { account, index })
            })
            .collect()
    }

    /// The organization's account IDs: those listed in `organization.json`, or — without it —
    /// the snapshot's own accounts (the snapshot is then taken to be the organization).
    pub fn org_account_ids(&self) -> Vec<&str> {
        match &self.organization {
            Some(org) => org.accounts.iter().map(|a| a.id.as_str()).collect(),
            None => self.accounts.iter().map(|a| a.id.as_str()).collect(),
        }
    }

    /// Whether `organization.json` lists the account; without organization data, whether it
    /// is one of the snapshot's accounts.
    pub fn is_in_org(&self, account_id: &str) -> bool {
        match &self.organization {
            Some(org) => org.account(account_id).is_some(),
            None => self.account_index.contains_key(account_id),
        }
    }

    /// Whether trust of this account is *internal*: it is in the organization
    /// ([`Snapshot::is_in_org`]) or one of the snapshot's accounts. Everything else is a
    /// third party.
    pub fn is_internal(&self, account_id: &str) -> bool {
        self.account_index.contains_key(account_id) || self.is_in_org(account_id)
    }

    /// The organization ID, when organization data is present.
    pub fn org_id(&self) -> Option<&str> {
        self.organization
            .as_ref()
            .map(|o| o.organization_id.as_str())
    }

    /// The account's place in the organization: root ID, OU IDs…, account ID (see
    /// [`Organization::path_of`]; names with [`Organization::path_names`]). None without
    /// organization data or when the account is not in it.
    pub fn ou_path(&self, account_id: &str) -> Option<Vec<&str>> {
        self.organization.as_ref()?.path_of(account_id)
    }

    /// The SCPs that govern an account's principals, one [`PolicyLevel`] per level of its path
    /// from the root down to the account; a request must be allowed at every level.
    ///
    /// None means *not governed by SCPs*: the management account (SCPs never apply to it), an
    /// account outside the organization, no organization data, or an organization file that
    /// lists no SCP at all (not modelled). A level whose policies are missing from the file
    /// is left out (treated as not restricting) and reported in the warnings at load time.
    pub fn scps_for(&self, account_id: &str) -> Option<Vec<PolicyLevel<'_>>> {
        self.organization
            .as_ref()?
            .levels(account_id, OrgPolicyType::ServiceControlPolicy)
    }

    /// The RCPs that govern an account's resources, per level as for [`Snapshot::scps_for`]
    /// (None for the management account and when RCPs are not modelled).
    pub fn rcps_for(&self, account_id: &str) -> Option<Vec<PolicyLevel<'_>>> {
        self.organization
            .as_ref()?
            .levels(account_id, OrgPolicyType::ResourceControlPolicy)
    }

    /// The resource policy of an ARN, if the snapshot has one.
    pub fn resource_policy(&self, arn: &str) -> Option<&ResourcePolicy> {
        self.resources.iter().find(|r| r.arn == arn)
    }

    /// The vendor name of a known third-party account (shipped list or user file).
    pub fn vendor(&self, account_id: &str) -> Option<&str> {
        self.known_accounts.lookup(account_id)
    }
}

#[cfg(test)]
mod tests;
