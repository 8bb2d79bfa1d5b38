//! Reading a snapshot from disk: account files in parallel, then the organization, resource
//! policies and `list-roles` data; documents that repeat across accounts are interned.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde_json::value::RawValue;
use trustgate_policy::{from_slice_with_path, Policy};

use crate::{
    raw, Account, Group, InstanceProfile, KnownAccounts, LoadError, LoadOptions, ManagedPolicy,
    NamedPolicy, OrgPolicyType, Organization, PolicyRef, ResourcePolicy, Role, Snapshot, User,
};

/// Trust-policy shards: threads parsing different accounts rarely wait for each other.
const SHARDS: usize = 16;

/// The versions of one AWS-managed policy seen so far: (default version text, policy).
type Versions = Vec<(Box<str>, Arc<ManagedPolicy>)>;

/// Documents shared across the accounts of one load. Keys are the documents' JSON text, so
/// only identical documents are shared; the texts are dropped with the interner after loading.
#[derive(Default)]
struct Interner {
    /// AWS-managed policies: ARN → (default version text, policy).
    aws_managed: Mutex<HashMap<String, Versions>>,
    /// Trust policies by text, sharded by text length.
    trust: [Mutex<foldhash::HashMap<Box<str>, Arc<Policy>>>; SHARDS],
}

impl Interner {
    fn aws_managed(&self, arn: &str, text: &str) -> Option<Arc<ManagedPolicy>> {
        let map = self.aws_managed.lock().expect("interner lock");
        map.get(arn)?
            .iter()
            .find(|(t, _)| &**t == text)
            .map(|(_, p)| p.clone())
    }

    /// Keeps the first of two threads' parses of the same policy.
    fn add_aws_managed(&self, text: &str, policy: ManagedPolicy) -> Arc<ManagedPolicy> {
        let mut map = self.aws_managed.lock().expect("interner lock");
        let versions = map.entry(policy.arn.clone()).or_default();
        if let Some((_, p)) = versions.iter().find(|(t, _)| &**t == text) {
            return p.clone();
        }
        let p = Arc::new(policy);
        versions.push((text.into(), p.clone()));
        p
    }

    /// The shared trust policy of this text, parsing it when first seen.
    fn trust(
        &self,
        text: &str,
        parse: impl FnOnce() -> Result<Policy, LoadError>,
    ) -> Result<Arc<Policy>, LoadError> {
        let shard = &self.trust[text.len() % SHARDS];
        if let Some(p) = shard.lock().expect("interner lock").get(text) {
            return Ok(p.clone());
        }
        let parsed = Arc::new(parse()?);
        Ok(shard
            .lock()
            .expect("interner lock")
            .entry(text.into())
            .or_insert(parsed)
            .clone())
    }
}

/// See [`Snapshot::load`].
pub(crate) fn load(path: &Path, opts: &LoadOptions) -> Result<Snapshot, LoadError> {
    let meta = fs::metadata(path).map_err(|e| LoadError::io(path, e))?;
    let mut known_accounts = KnownAccounts::shipped();
    if let Some(f) = &opts.known_accounts_file {
        known_accounts.extend_from_file(f)?;
    }
    let mut snap = Snapshot {
        root: path.to_path_buf(),
        known_accounts,
        ..Default::default()
    };

    let account_files: Vec<PathBuf> = if meta.is_file() {
        vec![path.to_path_buf()]
    } else {
        let files: Vec<PathBuf> = read_dir_sorted(path)?
            .into_iter()
            .filter(|p| {
                p.extension().is_some_and(|e| e == "json")
                    && p.file_stem()
                        .and_then(|s| s.to_str())
                        .is_some_and(trustgate_policy::is_account_id)
            })
            .collect();
        if files.is_empty() {
            return Err(LoadError::Invalid {
                file: path.to_path_buf(),
                message: "no account files: expected <12-digit-account-id>.json files (aws iam get-account-authorization-details output)".into(),
            });
        }
        files
    };

    let interner = Interner::default();
    let results: Vec<Result<Account, LoadError>> = account_files
        .par_iter()
        .map(|f| load_account(f, &interner))
        .collect();
    drop(interner);
    for r in results {
        match r {
            Ok(a) => snap.accounts.push(a),
            Err(e) if opts.keep_going => snap.warnings.push(format!("skipped account file: {e}")),
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
        load_resources(&mut snap, &path.join("resources"), opts)?;
        load_max_sessions(&mut snap, path, opts)?;
        load_credential_reports(&mut snap, path, opts)?;
        warn_partial_collection(&mut snap, path);
    }
    if let Some(org) = &snap.organization {
        let ids: Vec<&str> = snap.accounts.iter().map(|a| a.id.as_str()).collect();
        for (kind, name) in [
            (OrgPolicyType::ServiceControlPolicy, "SCP"),
            (OrgPolicyType::ResourceControlPolicy, "RCP"),
        ] {
            let missing = org.levels_without(&ids, kind);
            if !missing.is_empty() {
                snap.warnings.push(format!(
                    "organization.json: no {name} is listed for {} level(s) of the organization ({}); AWS always has one there, so these levels are treated as not restricting",
                    missing.len(),
                    first_few(missing.iter().map(String::as_str), missing.len()),
                ));
            }
        }
        let not_loaded: Vec<&str> = org
            .accounts
            .iter()
            .map(|a| a.id.as_str())
            .filter(|id| ids.binary_search(id).is_err())
            .collect();
        if !not_loaded.is_empty() {
            snap.warnings.push(format!(
                "organization.json lists {} account(s) with no authorization-details file loaded ({}): their principals and roles are not in the analysis",
                not_loaded.len(),
                first_few(not_loaded.iter().copied(), not_loaded.len()),
            ));
        }
        let outside: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| org.account(id).is_none())
            .collect();
        if !outside.is_empty() {
            snap.warnings.push(format!(
                "{} account file(s) are for accounts organization.json does not list ({}): treated as internal, but no SCP or RCP applies to them",
                outside.len(),
                first_few(outside.iter().copied(), outside.len()),
            ));
        }
        for acct in &mut snap.accounts {
            acct.name = org.account(&acct.id).and_then(|a| a.name.clone());
        }
    }
    warn_unknown_policies(&mut snap);
    snap.build_indexes();
    Ok(snap)
}

/// `a, b, c, …` (at most five shown).
fn first_few<'a>(items: impl Iterator<Item = &'a str>, total: usize) -> String {
    let shown: Vec<&str> = items.take(5).collect();
    format!("{}{}", shown.join(", "), if total > 5 { ", …" } else { "" })
}

/// One warning per attached-but-absent policy ARN, naming the files that reference it.
fn warn_unknown_policies(snap: &mut Snapshot) {
    let mut unknown: BTreeMap<&str, Vec<&Path>> = BTreeMap::new();
    for acct in &snap.accounts {
        let refs = acct
            .roles
            .iter()
            .flat_map(|r| r.attached_policies.iter().chain(&r.permission_boundary))
            .chain(
                acct.users
                    .iter()
                    .flat_map(|u| u.attached_policies.iter().chain(&u.permission_boundary)),
            )
            .chain(acct.groups.iter().flat_map(|g| g.attached_policies.iter()));
        for r in refs {
            if let PolicyRef::Unknown { arn } = r {
                let files = unknown.entry(arn).or_default();
                if files.last() != Some(&acct.source.as_path()) {
                    files.push(&acct.source);
                }
            }
        }
    }
    let warnings: Vec<String> = unknown
        .into_iter()
        .map(|(arn, files)| {
            let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
            format!(
                "{}: policy {arn} is attached but not in the file{}; its permissions are unknown (treated as possibly allowing)",
                first_few(names.iter().map(String::as_str), names.len()),
                if files.len() > 1 { format!(" ({} accounts)", files.len()) } else { String::new() },
            )
        })
        .collect();
    snap.warnings.extend(warnings);
}

/// Parses the JSON files of a directory in parallel; with `keep_going`, a bad file becomes a
/// warning.
fn parse_files<T: for<'de> serde::Deserialize<'de> + Send>(
    files: Vec<PathBuf>,
    what: &str,
    opts: &LoadOptions,
    warnings: &mut Vec<String>,
) -> Result<Vec<(PathBuf, T)>, LoadError> {
    let parsed: Vec<(PathBuf, Result<T, LoadError>)> = files
        .into_par_iter()
        .map(|f| {
            let r = fs::read(&f)
                .map_err(|e| LoadError::io(&f, e))
                .and_then(|bytes| {
                    from_slice_with_path(&bytes).map_err(|e| LoadError::parse(&f, e))
                });
            (f, r)
        })
        .collect();
    let mut out = Vec::with_capacity(parsed.len());
    for (f, r) in parsed {
        match r {
            Ok(v) => out.push((f, v)),
            Err(e) if opts.keep_going => warnings.push(format!("skipped {what} file: {e}")),
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

fn json_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    Ok(read_dir_sorted(dir)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect())
}

fn load_resources(snap: &mut Snapshot, dir: &Path, opts: &LoadOptions) -> Result<(), LoadError> {
    if !dir.is_dir() {
        return Ok(());
    }
    let files = parse_files::<Vec<raw::RawResource>>(
        json_files(dir)?,
        "resource policy",
        opts,
        &mut snap.warnings,
    )?;
    for (file, entries) in files {
        let mut resources = Vec::with_capacity(entries.len());
        let mut bad = None;
        for (i, r) in entries.into_iter().enumerate() {
            let account_id = match r.account_id {
                Some(a) => a,
                None => match trustgate_policy::Arn::parse(&r.arn).map(|a| a.account) {
                    Some(a) if !a.is_empty() => a.to_string(),
                    _ => {
                        bad = Some(LoadError::Invalid {
                            file: file.clone(),
                            message: format!(
                                "[{i}] ({}): \"accountId\" is required when the ARN carries no account (S3 buckets)",
                                r.arn
                            ),
                        });
                        break;
                    }
                },
            };
            resources.push(ResourcePolicy {
                arn: r.arn,
                account_id,
                policy: r.policy,
                source: file.clone(),
            });
        }
        match bad {
            None => snap.resources.extend(resources),
            Some(e) if opts.keep_going => snap
                .warnings
                .push(format!("skipped resource policy file: {e}")),
            Some(e) => return Err(e),
        }
    }
    Ok(())
}

/// `collect-manifest.json`, written by `trustgate collect`: a partial collection is said, never
/// passed off as the whole organization.
fn warn_partial_collection(snap: &mut Snapshot, root: &Path) {
    #[derive(serde::Deserialize)]
    struct Manifest {
        complete: bool,
    }
    let file = root.join("collect-manifest.json");
    let Ok(bytes) = fs::read(&file) else { return };
    match serde_json::from_slice::<Manifest>(&bytes) {
        Ok(m) if !m.complete => snap.warnings.push(format!(
            "{}: the collection was partial (\"complete\": false): accounts or regions listed there as failed are missing or incomplete",
            file.display()
        )),
        Ok(_) => {}
        Err(e) => snap.warnings.push(format!(
            "{}: not a collect manifest ({e}): cannot tell whether the collection was complete",
            file.display()
        )),
    }
}

/// `credential-report-<account-id>.csv` files (IAM credential reports), and a warning for the
/// accounts with IAM users the key and MFA rules therefore cannot check.
fn load_credential_reports(
    snap: &mut Snapshot,
    root: &Path,
    opts: &LoadOptions,
) -> Result<(), LoadError> {
    let files: Vec<PathBuf> = read_dir_sorted(root)?
        .into_iter()
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("credential-report-") && n.ends_with(".csv"))
        })
        .collect();
    let results: Vec<_> = files
        .par_iter()
        .map(|f| crate::credentials::read_report(f))
        .collect();
    for r in results {
        match r {
            Ok(report) => {
                if !snap.accounts.iter().any(|a| a.id == report.account_id) {
                    snap.warnings.push(format!(
                        "{}: account {} has no authorization-details file: its credential report is not used",
                        report.source.display(),
                        report.account_id
                    ));
                }
                snap.credential_reports.push(report);
            }
            Err(e) if opts.keep_going => snap
                .warnings
                .push(format!("skipped credential report: {e}")),
            Err(e) => return Err(e),
        }
    }
    let without: Vec<&str> = snap
        .accounts
        .iter()
        .filter(|a| !a.users.is_empty())
        .filter(|a| !snap.credential_reports.iter().any(|r| r.account_id == a.id))
        .map(|a| a.id.as_str())
        .collect();
    // With no report at all the scan says so once (see trustgate-rules); here, partial coverage.
    if !without.is_empty() && !snap.credential_reports.is_empty() {
        let msg = format!(
            "{} account(s) with IAM users have no credential-report-<account-id>.csv ({}): access-key and MFA rules (TG019, TG020, TG022) cannot check their users",
            without.len(),
            first_few(without.iter().copied(), without.len())
        );
        snap.warnings.push(msg);
    }
    Ok(())
}

/// `roles.json` and `roles/*.json` (`aws iam list-roles` output): `MaxSessionDuration`.
fn load_max_sessions(
    snap: &mut Snapshot,
    root: &Path,
    opts: &LoadOptions,
) -> Result<(), LoadError> {
    let mut files = Vec::new();
    if root.join("roles.json").is_file() {
        files.push(root.join("roles.json"));
    }
    if root.join("roles").is_dir() {
        files.extend(json_files(&root.join("roles"))?);
    }
    if files.is_empty() {
        return Ok(());
    }
    let listed = parse_files::<raw::ListRoles>(files, "list-roles", opts, &mut snap.warnings)?;
    // A listed ARN given twice: the later entry wins, as it would on a second `list-roles`.
    let mut max: foldhash::HashMap<&str, u32> = Default::default();
    max.reserve(listed.iter().map(|(_, l)| l.roles.len()).sum());
    for r in listed.iter().flat_map(|(_, l)| &l.roles) {
        if let Some(m) = r.max_session_duration {
            max.insert(&r.arn, m);
        }
    }
    snap.accounts.par_iter_mut().for_each(|a| {
        for role in &mut a.roles {
            if let Some(m) = max.get(role.arn.as_str()) {
                role.max_session_duration = Some(*m);
            }
        }
    });
    Ok(())
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

fn tags(raw: Vec<raw::RawTag>) -> crate::Tags {
    raw.into_iter().map(|t| (t.key, t.value)).collect()
}

/// Compiles a principal's inline policies; `list` names the principal's place in the file
/// (`RoleDetailList[7].RolePolicyList`) for errors.
fn inline(
    file: &Path,
    bytes: &[u8],
    raw: Vec<raw::RawInline<'_>>,
    list: impl Fn() -> String,
) -> Result<Vec<NamedPolicy>, LoadError> {
    raw.into_iter()
        .enumerate()
        .map(|(i, p)| {
            let document = parse_document(file, bytes, p.policy_document, || {
                format!("{}[{i}].PolicyDocument", list())
            })?;
            Ok(NamedPolicy {
                name: p.policy_name,
                document,
            })
        })
        .collect()
}

/// The first error in file order, or every item.
fn in_order<T>(results: Vec<Result<T, LoadError>>) -> Result<Vec<T>, LoadError> {
    results.into_iter().collect()
}

/// Parses a policy document kept raw inside `bytes` (the whole file), placing any error in the
/// file: line and column of the file, path `prefix.inner.path`.
fn parse_document(
    file: &Path,
    bytes: &[u8],
    raw: &RawValue,
    prefix: impl FnOnce() -> String,
) -> Result<Policy, LoadError> {
    let text = raw.get();
    from_slice_with_path::<Policy>(text.as_bytes()).map_err(|mut e| {
        let start = bytes.as_ptr() as usize;
        let at = text.as_ptr() as usize;
        if e.line > 0 && at >= start && at + text.len() <= start + bytes.len() {
            (e.line, e.column) = line_col(bytes, at - start, e.line, e.column);
        }
        let prefix = prefix();
        e.path = if e.path.is_empty() || e.path == "." {
            prefix
        } else {
            format!("{prefix}.{}", e.path)
        };
        LoadError::parse(file, e)
    })
}

/// A managed policy by ARN.
type Named = (String, Arc<ManagedPolicy>);

/// Reads one authorization-details file.
fn load_account(file: &Path, interner: &Interner) -> Result<Account, LoadError> {
    let bytes = fs::read(file).map_err(|e| LoadError::io(file, e))?;
    let details: raw::AuthorizationDetails =
        from_slice_with_path(&bytes).map_err(|e| LoadError::parse(file, e))?;

    // Documents are compiled after the file is read, in parallel: across the policies and
    // roles of one file too, so that one account of thousands of roles uses every core.
    let parsed: Vec<Result<Option<Named>, LoadError>> = details
        .policies
        .into_par_iter()
        .enumerate()
        .with_min_len(16)
        .map(|(pi, p)| {
            let default = p.policy_version_list.iter().enumerate().find(|(_, v)| {
                v.is_default_version
                    || (p.default_version_id.is_some() && v.version_id == p.default_version_id)
            });
            let Some((vi, Some(doc))) = default.map(|(vi, v)| (vi, v.document)) else {
                return Ok(None); // no default version document: left unresolved (reported as unknown)
            };
            let aws_managed = p.arn.starts_with("arn:aws:iam::aws:policy/");
            if aws_managed {
                if let Some(shared) = interner.aws_managed(&p.arn, doc.get()) {
                    return Ok(Some((p.arn, shared)));
                }
            }
            let document = parse_document(file, &bytes, doc, || {
                format!("Policies[{pi}].PolicyVersionList[{vi}].Document")
            })?;
            let policy = ManagedPolicy {
                arn: p.arn.clone(),
                name: p.policy_name,
                document: Arc::new(document),
                aws_managed,
            };
            let policy = if aws_managed {
                interner.add_aws_managed(doc.get(), policy)
            } else {
                Arc::new(policy)
            };
            Ok(Some((p.arn, policy)))
        })
        .collect();
    // Looked up for every attachment of the file: a fast hash here, the public map at the end.
    let mut managed: foldhash::HashMap<String, Arc<ManagedPolicy>> = Default::default();
    managed.reserve(parsed.len());
    managed.extend(in_order(parsed)?.into_iter().flatten());
    let resolve = |arn: String| match managed.get(&arn) {
        Some(p) => PolicyRef::Known(p.clone()),
        None => PolicyRef::Unknown { arn },
    };
    let attached = |list: Vec<raw::RawAttached>| -> Vec<PolicyRef> {
        list.into_iter().map(|a| resolve(a.policy_arn)).collect()
    };
    let boundary = |b: Option<raw::RawBoundary>| b.map(|b| resolve(b.permissions_boundary_arn));

    let roles: Vec<Result<Role, LoadError>> = details
        .role_detail_list
        .into_par_iter()
        .enumerate()
        .with_min_len(32)
        .map(|(ri, r)| {
            let doc = r.assume_role_policy_document;
            let trust_policy = interner.trust(doc.get(), || {
                parse_document(file, &bytes, doc, || {
                    format!("RoleDetailList[{ri}].AssumeRolePolicyDocument")
                })
            })?;
            let inline_policies = inline(file, &bytes, r.role_policy_list, || {
                format!("RoleDetailList[{ri}].RolePolicyList")
            })?;
            let last = r.role_last_used.unwrap_or_default();
            Ok(Role {
                attached_policies: attached(r.attached_managed_policies),
                permission_boundary: boundary(r.permissions_boundary),
                inline_policies,
                tags: tags(r.tags),
                instance_profiles: r
                    .instance_profile_list
                    .into_iter()
                    .map(|p| InstanceProfile {
                        name: p.instance_profile_name,
                        id: p.instance_profile_id,
                        arn: p.arn,
                        path: p.path,
                    })
                    .collect(),
                arn: r.arn,
                name: r.role_name,
                path: r.path,
                role_id: r.role_id,
                create_date: r.create_date,
                trust_policy,
                last_used: last.last_used_date,
                last_used_region: last.region,
                max_session_duration: r.max_session_duration,
            })
        })
        .collect();
    let roles = in_order(roles)?;
    let mut users = Vec::with_capacity(details.user_detail_list.len());
    for (ui, u) in details.user_detail_list.into_iter().enumerate() {
        users.push(User {
            attached_policies: attached(u.attached_managed_policies),
            permission_boundary: boundary(u.permissions_boundary),
            inline_policies: inline(file, &bytes, u.user_policy_list, || {
                format!("UserDetailList[{ui}].UserPolicyList")
            })?,
            tags: tags(u.tags),
            arn: u.arn,
            name: u.user_name,
            path: u.path,
            user_id: u.user_id,
            create_date: u.create_date,
            groups: u.group_list,
        });
    }
    let mut groups = Vec::with_capacity(details.group_detail_list.len());
    for (gi, g) in details.group_detail_list.into_iter().enumerate() {
        groups.push(Group {
            attached_policies: attached(g.attached_managed_policies),
            inline_policies: inline(file, &bytes, g.group_policy_list, || {
                format!("GroupDetailList[{gi}].GroupPolicyList")
            })?,
            arn: g.arn,
            name: g.group_name,
            path: g.path,
            group_id: g.group_id,
        });
    }

    let id = account_id(file, &roles, &users, &groups)?;
    unique_arns(file, &roles, &users, &groups)?;
    Ok(Account {
        id,
        name: None,
        source: file.to_path_buf(),
        users,
        groups,
        roles,
        managed_policies: managed.into_iter().collect(),
    })
}

/// IAM names are unique within an account (per kind), so AWS never lists an ARN twice: a file
/// that does was edited or merged by hand, and which of the two entries is meant cannot be
/// told.
fn unique_arns(
    file: &Path,
    roles: &[Role],
    users: &[User],
    groups: &[Group],
) -> Result<(), LoadError> {
    let lists: [(&str, Vec<&str>); 3] = [
        (
            "RoleDetailList",
            roles.iter().map(|r| r.arn.as_str()).collect(),
        ),
        (
            "UserDetailList",
            users.iter().map(|u| u.arn.as_str()).collect(),
        ),
        (
            "GroupDetailList",
            groups.iter().map(|g| g.arn.as_str()).collect(),
        ),
    ];
    let mut first: foldhash::HashMap<&str, (&str, usize)> = Default::default();
    first.reserve(roles.len() + users.len() + groups.len());
    for (list, arns) in &lists {
        for (i, arn) in arns.iter().enumerate() {
            if let Some((l0, i0)) = first.insert(arn, (list, i)) {
                return Err(LoadError::Invalid {
                    file: file.to_path_buf(),
                    message: format!(
                        "{list}[{i}]: {arn} is also {l0}[{i0}] (IAM names are unique in an account, so AWS never lists one twice)"
                    ),
                });
            }
        }
    }
    Ok(())
}

/// The account ID: from the file name when it is one (and then every principal must belong to
/// it), else from the ARNs inside.
fn account_id(
    file: &Path,
    roles: &[Role],
    users: &[User],
    groups: &[Group],
) -> Result<String, LoadError> {
    let arns = roles
        .iter()
        .map(|r| &r.arn)
        .chain(users.iter().map(|u| &u.arn))
        .chain(groups.iter().map(|g| &g.arn));
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let named = trustgate_policy::is_account_id(stem).then_some(stem);
    let mut found: Option<String> = None;
    for arn in arns {
        let Some(acct) = trustgate_policy::Arn::parse(arn).map(|a| a.account) else {
            continue;
        };
        match (named, &found) {
            (Some(stem), _) if acct != stem => {
                return Err(LoadError::Invalid {
                    file: file.to_path_buf(),
                    message: format!(
                        "the file is named for account {stem} but holds {arn} of account {acct}"
                    ),
                })
            }
            (Some(_), _) => {}
            (None, None) => found = Some(acct.to_string()),
            (None, Some(f)) if f != acct => {
                return Err(LoadError::Invalid {
                    file: file.to_path_buf(),
                    message: format!(
                        "principals of two accounts ({f} and {acct}, at {arn}): one authorization-details file per account"
                    ),
                })
            }
            (None, Some(_)) => {}
        }
    }
    match (named, found) {
        (Some(stem), _) => Ok(stem.to_string()),
        (None, Some(f)) => Ok(f),
        (None, None) => Err(LoadError::Invalid {
            file: file.to_path_buf(),
            message: "cannot tell the account: name the file <account-id>.json or include at least one user, group or role".into(),
        }),
    }
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
