//! AWS CLI profiles (`~/.aws/config`) for every role a principal can reach: the answer to "can I
//! assume a role in another account from the CLI?", written out.
//!
//! One profile per reachable role, along the shortest path: `source_profile` chains through the
//! profiles of the hops before it. A path is kept only when every hop is allowed, or allowed on
//! conditions the CLI user supplies (External ID, MFA on the first hop, a fixed session name);
//! every other path is listed, with why, as a comment.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use trustgate_access::{AccessGraph, NodeKind};
use trustgate_model::Snapshot;
use trustgate_policy::{Atom, Literal};
use trustgate_rules::trust::trust_entries;

/// Longest chain of roles turned into profiles.
pub const MAX_HOPS: usize = 6;
/// The AWS CLI's longest session for a role assumed from a role session (role chaining).
const CHAINED_CAP: u32 = 3600;
/// Marker line of the sections trustgate writes: a merge replaces only these.
pub const MANAGED_MARKER: &str = "# managed by trustgate profiles";
/// Written where the snapshot cannot tell the External ID.
pub const EXTERNAL_ID_PLACEHOLDER: &str = "REPLACE-WITH-EXTERNAL-ID";

/// One generated profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub name: String,
    pub role_arn: String,
    pub source_profile: String,
    pub role_session_name: String,
    pub duration_seconds: u32,
    /// The value, or [`EXTERNAL_ID_PLACEHOLDER`] (with a note saying why).
    pub external_id: Option<String>,
    pub mfa_serial: Option<String>,
    /// The path, `from → … → role`, for the comment above the section.
    pub path: Vec<String>,
    /// Things the user must know or do (placeholders, assumed MFA device name…).
    pub notes: Vec<String>,
}

/// A role that is reachable in the graph but gets no profile.
#[derive(Debug, Clone, PartialEq)]
pub struct LeftOut {
    pub role: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct ProfilePlan {
    pub principal: String,
    pub source_profile: String,
    pub profiles: Vec<Profile>,
    pub left_out: Vec<LeftOut>,
}

/// What a hop needs from the CLI user.
#[derive(Default)]
struct HopNeeds {
    external_id: bool,
    mfa: bool,
    session_name: Option<String>,
}

fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// `role_session_name` allows `[\w+=,.@-]`, 2–64 characters.
fn session_name_of(principal: &str) -> String {
    let base = principal.rsplit(['/', ':']).next().unwrap_or(principal);
    let mut s: String = base
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(*c))
        .take(64)
        .collect();
    if s.len() < 2 {
        s = "trustgate-session".to_string();
    }
    s
}

/// Reads one alternative of a hop's conditions: what the user must supply, or why they cannot.
fn needs_of(alternative: &[Literal], first_hop: bool) -> Result<HopNeeds, String> {
    let mut needs = HopNeeds::default();
    for l in alternative {
        match l.atom.as_ref() {
            Atom::Condition {
                operator,
                key,
                values,
            } if !l.negated => {
                let k = key.to_ascii_lowercase();
                let op = operator.to_ascii_lowercase();
                if k == "sts:externalid" {
                    needs.external_id = true;
                } else if k == "aws:multifactorauthpresent" || k == "aws:multifactorauthage" {
                    if !first_hop {
                        return Err(format!(
                            "needs MFA ({key}) on a chained hop: a role session has no MFA device to present"
                        ));
                    }
                    needs.mfa = true;
                } else if k == "sts:rolesessionname"
                    && (op.starts_with("stringequals") || op.starts_with("stringlike"))
                    && values.len() == 1
                    && !values[0].contains(['*', '?', '$'])
                {
                    needs.session_name = Some(values[0].clone());
                } else {
                    return Err(format!("depends on {l}, which a CLI profile cannot supply"));
                }
            }
            _ => return Err(format!("depends on {l}, which a CLI profile cannot supply")),
        }
    }
    Ok(needs)
}

/// The External ID the role's trust policy requires of `caller`, when it names exactly one
/// literal value.
fn external_id_for(snap: &Snapshot, role_arn: &str, caller: &str) -> Result<String, String> {
    let Some((_, role)) = snap.principal(role_arn).and_then(|p| snap.role(p)) else {
        return Err("the role's trust policy is not in the snapshot".into());
    };
    let caller_account = trustgate_policy::Arn::parse(caller).map(|a| a.account.to_string());
    let mut values: Vec<String> = trust_entries(&role.trust_policy)
        .into_iter()
        .filter(|e| {
            e.principal == caller
                || e.principal == "*"
                || (e.kind == trustgate_rules::trust::TrustedKind::Account
                    && e.account.as_deref() == caller_account.as_deref())
        })
        .flat_map(|e| e.external_ids)
        .collect();
    values.sort();
    values.dedup();
    match values.as_slice() {
        [one] if !one.contains(['*', '?']) => Ok(one.clone()),
        [] => Err("the trust policy's External ID condition was not found for this caller".into()),
        [one] => Err(format!(
            "the trust policy matches a pattern ({one:?}), not one value"
        )),
        many => Err(format!(
            "the trust policy accepts {} values; ask the role's owner which one is yours",
            many.len()
        )),
    }
}

/// Plans the profiles of `principal` (a user or role ARN of the snapshot).
pub fn plan(
    snap: &Snapshot,
    graph: &AccessGraph,
    principal: &str,
    source_profile: &str,
) -> Result<ProfilePlan, String> {
    let Some(start) = graph.node(principal) else {
        return Err(format!(
            "`{principal}` is not a user or role of the snapshot (expected an ARN such as arn:aws:iam::111122223333:user/alice)"
        ));
    };
    let start_node = &graph.nodes[start];
    if !matches!(start_node.kind, NodeKind::User | NodeKind::Role) || start_node.principal.is_none()
    {
        return Err(format!(
            "`{principal}` is not a user or role of the snapshot: profiles start from credentials you hold"
        ));
    }
    let starts_as_role = start_node.kind == NodeKind::Role;
    let user_name =
        (!starts_as_role).then(|| principal.rsplit('/').next().unwrap_or_default().to_string());
    let paths = graph.shortest_paths(
        &[start],
        &|i| graph.nodes[i].kind == NodeKind::Role,
        MAX_HOPS,
    );
    let mut out = ProfilePlan {
        principal: principal.to_string(),
        source_profile: source_profile.to_string(),
        ..Default::default()
    };
    let session_name = session_name_of(principal);
    let mut used_names: HashSet<String> = HashSet::new();
    used_names.insert(source_profile.to_string());
    // Profile name of each role that got one, for chaining.
    let mut profile_of: HashMap<String, String> = HashMap::new();
    let mut left: HashSet<String> = HashSet::new();
    for path in paths {
        let target = path.to.clone();
        let hops = &path.edge_ids;
        // The hop before the last has its own (shorter) path: already planned or left out.
        let previous = if hops.len() > 1 {
            let prev_role = &graph.nodes[graph.ends(hops[hops.len() - 2]).1].id;
            match profile_of.get(prev_role) {
                Some(name) => Some(name.clone()),
                None => {
                    left.insert(target.clone());
                    out.left_out.push(LeftOut {
                        role: target,
                        reason: format!("reached through {prev_role}, which has no profile"),
                    });
                    continue;
                }
            }
        } else {
            None
        };
        let last = &graph.edge(*hops.last().expect("paths have hops"));
        let first_hop = hops.len() == 1 && !starts_as_role;
        let alternatives = last.conditions();
        let needs = if alternatives.is_empty() {
            Ok(HopNeeds::default())
        } else {
            // The first alternative the CLI can satisfy.
            let mut reasons = Vec::new();
            let mut found = None;
            for alt in &alternatives {
                match needs_of(alt, first_hop) {
                    Ok(n) => {
                        found = Some(n);
                        break;
                    }
                    Err(r) => reasons.push(r),
                }
            }
            found.ok_or_else(|| reasons.join("; or "))
        };
        let needs = match needs {
            Ok(n) => n,
            Err(reason) => {
                out.left_out.push(LeftOut {
                    role: target,
                    reason,
                });
                continue;
            }
        };
        if needs.mfa && user_name.is_none() {
            out.left_out.push(LeftOut {
                role: target,
                reason: "needs MFA, which a role's credentials cannot present".into(),
            });
            continue;
        }
        if needs.mfa && snap.credentials(principal).is_some_and(|c| !c.mfa_active) {
            out.left_out.push(LeftOut {
                role: target,
                reason: "needs MFA, and the credential report shows no MFA device for this user"
                    .into(),
            });
            continue;
        }
        let mut notes = Vec::new();
        let caller = &graph.nodes[last.from].id;
        let external_id = needs.external_id.then(|| {
            match external_id_for(snap, &target, caller) {
                Ok(v) => v,
                Err(why) => {
                    notes.push(format!(
                        "external_id is required but not known: {why}; replace {EXTERNAL_ID_PLACEHOLDER}"
                    ));
                    EXTERNAL_ID_PLACEHOLDER.to_string()
                }
            }
        });
        let mfa_serial = needs.mfa.then(|| {
            let account = trustgate_policy::Arn::parse(principal)
                .map(|a| a.account.to_string())
                .unwrap_or_default();
            let name = user_name.clone().unwrap_or_default();
            notes.push(format!(
                "mfa_serial assumes the virtual MFA device is named after the user; check with `aws iam list-mfa-devices --user-name {name}`"
            ));
            format!("arn:aws:iam::{account}:mfa/{name}")
        });
        let node = &graph.nodes[last.to];
        let role_max = node.max_session_seconds.unwrap_or(3600);
        let chained = hops.len() > 1 || starts_as_role;
        let duration_seconds = if chained {
            role_max.min(CHAINED_CAP)
        } else {
            role_max
        };
        if node.max_session_seconds.is_none() {
            notes.push(
                "duration_seconds: the role's MaxSessionDuration is not in the snapshot (no list-roles data); 3600 is always allowed".into(),
            );
        }
        let account_label = node
            .account
            .as_deref()
            .map(|a| {
                snap.account(a)
                    .and_then(|acct| acct.name.clone())
                    .unwrap_or_else(|| a.to_string())
            })
            .unwrap_or_default();
        let role_name = target.rsplit('/').next().unwrap_or(&target);
        let base = sanitize(&format!("{account_label}-{role_name}"));
        let mut name = base.clone();
        let mut n = 2;
        while !used_names.insert(name.clone()) {
            name = format!("{base}-{n}");
            n += 1;
        }
        profile_of.insert(target.clone(), name.clone());
        let mut path_ids = vec![path.from.clone()];
        path_ids.extend(path.hops.iter().map(|h| h.to.clone()));
        out.profiles.push(Profile {
            name,
            role_arn: target,
            source_profile: previous.unwrap_or_else(|| source_profile.to_string()),
            role_session_name: needs.session_name.unwrap_or_else(|| session_name.clone()),
            duration_seconds,
            external_id,
            mfa_serial,
            path: path_ids,
            notes,
        });
    }
    Ok(out)
}

impl ProfilePlan {
    /// Renames profiles whose names are taken by sections the user wrote (not by trustgate),
    /// keeping `source_profile` references consistent. `taken` holds section names as in the
    /// file (`profile NAME`).
    pub fn avoid_names(&mut self, sections: &HashSet<String>) {
        let taken: HashSet<String> = sections
            .iter()
            .filter_map(|s| s.strip_prefix("profile ").map(str::to_string))
            .collect();
        let mut renamed: HashMap<String, String> = HashMap::new();
        let mut used: HashSet<String> = self.profiles.iter().map(|p| p.name.clone()).collect();
        for p in &mut self.profiles {
            if taken.contains(&p.name) {
                let mut n = 1;
                let mut name = format!("{}-trustgate", p.name);
                while taken.contains(&name) || used.contains(&name) {
                    n += 1;
                    name = format!("{}-trustgate{n}", p.name);
                }
                used.insert(name.clone());
                renamed.insert(p.name.clone(), name.clone());
                p.name = name;
            }
        }
        for p in &mut self.profiles {
            if let Some(new) = renamed.get(&p.source_profile) {
                if *new != p.name {
                    p.source_profile = new.clone();
                }
            }
        }
    }

    /// The sections, each starting with `[profile NAME]`.
    pub fn sections(&self) -> Vec<(String, String)> {
        self.profiles
            .iter()
            .map(|p| {
                let mut s = String::new();
                let _ = writeln!(s, "[profile {}]", p.name);
                let _ = writeln!(s, "{MANAGED_MARKER}");
                let _ = writeln!(s, "# path: {}", p.path.join(" -> "));
                for n in &p.notes {
                    let _ = writeln!(s, "# NOTE: {n}");
                }
                let _ = writeln!(s, "role_arn = {}", p.role_arn);
                let _ = writeln!(s, "source_profile = {}", p.source_profile);
                let _ = writeln!(s, "role_session_name = {}", p.role_session_name);
                let _ = writeln!(s, "duration_seconds = {}", p.duration_seconds);
                if let Some(x) = &p.external_id {
                    let _ = writeln!(s, "external_id = {x}");
                }
                if let Some(m) = &p.mfa_serial {
                    let _ = writeln!(s, "mfa_serial = {m}");
                }
                (format!("profile {}", p.name), s)
            })
            .collect()
    }

    /// The whole config text for standard output.
    pub fn render(&self, snapshot: &str) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "# AWS CLI profiles for {} (trustgate profiles, snapshot {snapshot})",
            self.principal
        );
        let _ = writeln!(
            s,
            "# Base credentials: profile `{}` must hold {}'s own credentials.",
            self.source_profile, self.principal
        );
        let _ = writeln!(
            s,
            "# {} profile(s); {} reachable role(s) left out (listed at the end).\n",
            self.profiles.len(),
            self.left_out.len()
        );
        for (_, section) in self.sections() {
            s.push_str(&section);
            s.push('\n');
        }
        if !self.left_out.is_empty() {
            let _ = writeln!(s, "# Left out:");
            for l in &self.left_out {
                let _ = writeln!(s, "#   {}: {}", l.role, l.reason);
            }
        }
        s
    }
}

/// Section names of an existing config (`profile x`, `default`, `sso-session y`…) that the
/// user wrote themselves (without trustgate's marker).
pub fn user_sections(config: &str) -> HashSet<String> {
    split_sections(config)
        .into_iter()
        .filter_map(|(name, body)| match name {
            Some(n) if !body.contains(MANAGED_MARKER) => Some(n),
            _ => None,
        })
        .collect()
}

/// `(section name, its text)`; the text before the first header has no name.
fn split_sections(config: &str) -> Vec<(Option<String>, String)> {
    let mut out: Vec<(Option<String>, String)> = vec![(None, String::new())];
    for line in config.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with('[') && t.ends_with(']') {
            let name = t[1..t.len() - 1].trim();
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            out.push((Some(name), String::new()));
        }
        out.last_mut().expect("never empty").1.push_str(line);
    }
    out
}

/// Merges generated sections into an existing config: sections trustgate wrote before are
/// replaced, the user's own are kept byte for byte, new ones are appended.
pub fn merge(existing: &str, sections: &[(String, String)]) -> String {
    let generated: HashMap<&str, &str> = sections
        .iter()
        .map(|(n, s)| (n.as_str(), s.as_str()))
        .collect();
    let mut written: HashSet<&str> = HashSet::new();
    let mut out = String::new();
    for (name, body) in split_sections(existing) {
        match name {
            Some(n) if body.contains(MANAGED_MARKER) => {
                // A section trustgate wrote: replaced (or dropped when no longer reachable).
                if let Some((key, new)) = generated.get_key_value(n.as_str()) {
                    out.push_str(new);
                    // Keep the blank line that separated it from the next section.
                    if body.ends_with("\n\n") {
                        out.push('\n');
                    }
                    written.insert(key);
                }
            }
            _ => out.push_str(&body),
        }
    }
    for (n, s) in sections {
        if !written.contains(n.as_str()) {
            if !out.is_empty() && !out.ends_with("\n\n") {
                if !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push('\n');
            }
            out.push_str(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keeps_user_sections_and_replaces_managed_ones() {
        let existing = "# my config\n[default]\nregion = eu-west-1\n\n[profile prod-deploy]\n# managed by trustgate profiles\nrole_arn = old\n\n[profile mine]\nregion = us-east-1\n";
        let sections = vec![
            (
                "profile prod-deploy".to_string(),
                "[profile prod-deploy]\n# managed by trustgate profiles\nrole_arn = new\n"
                    .to_string(),
            ),
            (
                "profile new-one".to_string(),
                "[profile new-one]\n# managed by trustgate profiles\nrole_arn = x\n".to_string(),
            ),
        ];
        let merged = merge(existing, &sections);
        assert!(merged.starts_with("# my config\n[default]\nregion = eu-west-1\n\n"));
        assert!(merged.contains("role_arn = new") && !merged.contains("role_arn = old"));
        assert!(merged.contains("[profile mine]\nregion = us-east-1\n"));
        assert!(
            merged.ends_with("[profile new-one]\n# managed by trustgate profiles\nrole_arn = x\n")
        );
        // Merging again changes nothing.
        assert_eq!(merge(&merged, &sections), merged);
        let taken = user_sections(existing);
        assert!(taken.contains("default") && taken.contains("profile mine"));
        assert!(!taken.contains("profile prod-deploy"));
    }

    #[test]
    fn session_names_fit_sts_rules() {
        assert_eq!(session_name_of("arn:aws:iam::1:user/alice"), "alice");
        assert_eq!(
            session_name_of("arn:aws:iam::1:user/a"),
            "trustgate-session"
        );
        assert_eq!(sanitize("prod account-deploy/x"), "prod-account-deploy-x");
    }
}
