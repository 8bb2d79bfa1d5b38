//! Human entry points: each IAM user with its credentials (from the credential report) and the
//! roles it can reach in the assume-role graph. Read by TG019–TG022, the registry and the HTML
//! report.

use std::collections::VecDeque;

use rayon::prelude::*;
use serde::Serialize;
use trustgate_access::{AccessGraph, Edge, NodeKind};
use trustgate_model::Snapshot;
use trustgate_policy::Atom;

/// Reachable roles listed per user; beyond this the list is cut (and says so).
const MAX_REACH: usize = 2000;
/// Longest chain followed from a user.
const MAX_HOPS: usize = 6;

/// One IAM user: its credentials and what it can reach.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryPoint {
    pub user: String,
    pub name: String,
    pub account: String,
    #[serde(skip_serializing_if = "trustgate_model::Tags::is_empty")]
    pub tags: trustgate_model::Tags,
    /// From the account's credential report; None when the snapshot has none for it.
    pub credentials: Option<CredentialView>,
    /// Roles it can assume, directly or by chaining (shortest path each).
    pub reachable: Vec<Reach>,
    /// More roles were reachable than listed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub reachable_truncated: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialView {
    pub mfa_active: bool,
    pub password_enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_last_used: Option<String>,
    pub active_keys: Vec<KeyView>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyView {
    pub slot: u8,
    /// Days since created or last rotated (None: the report has no date).
    pub age_days: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used: Option<String>,
    /// Days since last use; None when never used.
    pub unused_days: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reach {
    pub role: String,
    pub account: String,
    pub hops: usize,
    pub cross_account: bool,
    pub admin: bool,
    /// Some hop on the way can only be taken with MFA (its conditions all test
    /// `aws:MultiFactorAuthPresent` / `aws:MultiFactorAuthAge`).
    pub mfa_required: bool,
    /// MFA is required on a hop after the first: a role session has no MFA device to present.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub mfa_on_chained_hop: bool,
    /// Every hop is an unconditional Allow.
    pub unconditional: bool,
}

impl EntryPoint {
    /// Roles it can reach with the credentials it has: MFA-gated paths only when MFA is active
    /// (or unknown) and the MFA hop is the first.
    pub fn usable(&self) -> impl Iterator<Item = &Reach> {
        let mfa = self.credentials.as_ref().is_none_or(|c| c.mfa_active);
        self.reachable
            .iter()
            .filter(move |r| !r.mfa_required || (mfa && !r.mfa_on_chained_hop))
    }
}

fn is_mfa_key(key: &str) -> bool {
    key.eq_ignore_ascii_case("aws:MultiFactorAuthPresent")
        || key.eq_ignore_ascii_case("aws:MultiFactorAuthAge")
}

/// Whether every way of satisfying the edge's conditions involves MFA.
pub fn edge_requires_mfa(edge: &Edge) -> bool {
    let alternatives = edge.conditions();
    !alternatives.is_empty()
        && alternatives.iter().all(|alt| {
            alt.iter().any(|l| match l.atom.as_ref() {
                // `…IfExists` passes callers without the key (access keys): not a requirement.
                Atom::Condition { key, operator, .. } => {
                    is_mfa_key(key) && !operator.ends_with("IfExists")
                }
                _ => false,
            })
        })
}

fn days_between(earlier: jiff::Timestamp, now: jiff::Timestamp) -> i64 {
    (now.as_second() - earlier.as_second()).div_euclid(86_400)
}

/// Every IAM user of the snapshot as an entry point (in account, then user order).
pub fn entry_points(snap: &Snapshot, graph: &AccessGraph, now: jiff::Timestamp) -> Vec<EntryPoint> {
    let users: Vec<(&str, &trustgate_model::User)> = snap
        .accounts
        .iter()
        .flat_map(|a| a.users.iter().map(move |u| (a.id.as_str(), u)))
        .collect();
    users
        .par_iter()
        .map(|&(account, user)| {
            let credentials = snap.credentials(&user.arn).map(|c| CredentialView {
                mfa_active: c.mfa_active,
                password_enabled: c.password_enabled,
                password_last_used: c.password_last_used.map(|t| t.to_string()),
                active_keys: c
                    .active_keys()
                    .map(|k| KeyView {
                        slot: k.slot,
                        age_days: k.last_rotated.map(|t| days_between(t, now)),
                        last_used: k.last_used.map(|t| t.to_string()),
                        unused_days: k.last_used.map(|t| days_between(t, now)),
                    })
                    .collect(),
            });
            let (reachable, reachable_truncated) = match graph.node(&user.arn) {
                Some(start) => reach_from(graph, start, account),
                None => (Vec::new(), false),
            };
            EntryPoint {
                user: user.arn.clone(),
                name: user.name.clone(),
                account: account.to_string(),
                tags: user.tags.clone(),
                credentials,
                reachable,
                reachable_truncated,
            }
        })
        .collect()
}

/// Breadth-first from one user: one shortest path per role, MFA needs carried along.
fn reach_from(g: &AccessGraph, start: usize, account: &str) -> (Vec<Reach>, bool) {
    // (node, hops, mfa_required, mfa_on_chained_hop, unconditional)
    let mut seen = std::collections::HashSet::new();
    seen.insert(start);
    let mut queue = VecDeque::from([(start, 0usize, false, false, true)]);
    let mut out = Vec::new();
    let mut truncated = false;
    while let Some((u, hops, mfa, mfa_chained, uncond)) = queue.pop_front() {
        if hops >= MAX_HOPS {
            continue;
        }
        for e in g.outgoing(u) {
            let edge = &g.edge(e);
            let v = edge.to;
            if !seen.insert(v) {
                continue;
            }
            let node = &g.nodes[v];
            if node.kind != NodeKind::Role {
                continue;
            }
            if out.len() >= MAX_REACH {
                truncated = true;
                break;
            }
            let needs = edge_requires_mfa(edge);
            let r = Reach {
                role: node.id.clone(),
                account: node.account.clone().unwrap_or_default(),
                hops: hops + 1,
                cross_account: node.account.as_deref() != Some(account),
                admin: node.admin,
                mfa_required: mfa || needs,
                mfa_on_chained_hop: mfa_chained || (needs && hops > 0),
                unconditional: uncond && edge.decision == "Allow" && edge.condition.is_true(),
            };
            queue.push_back((
                v,
                hops + 1,
                r.mfa_required,
                r.mfa_on_chained_hop,
                r.unconditional,
            ));
            out.push(r);
        }
        if truncated {
            break;
        }
    }
    (out, truncated)
}
