//! The assume-role graph: who can become which role, under which conditions.
//!
//! Nodes are principals: roles and users of the snapshot, principals and accounts outside it,
//! anyone (`*`), AWS services and identity providers. An edge A → R means A may assume R:
//! R's trust policy allows A, A's identity-based policies allow it (or are unknown, for
//! principals outside the snapshot), and SCPs, RCPs and boundaries do not stop it — decided
//! by the policy engine with partial evaluation, so an edge carries the residual conditions
//! (External ID, MFA, source IP…) under which it exists.
//!
//! Building is linear in the number of trust statements: a trust of an account root is
//! expanded only to that account's principals whose policies can grant `sts:AssumeRole` at all
//! (an index built once), never by pairing every principal with every role.

use std::collections::VecDeque;
use std::hash::BuildHasher;

use rayon::prelude::*;
use serde::Serialize;
use trustgate_model::{PrincipalRef, Snapshot};
use trustgate_policy::{
    decide, Context, ContextValue, DecisionKind, Effect, Labeled, Literal, Policy, PolicySet,
    PrincipalKind, Request,
};

use crate::prepared::PreparedPrincipals;
use crate::sources::org_levels;

/// What a node stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum NodeKind {
    Role,
    User,
    /// A specific principal outside the snapshot (its policies are unknown).
    ExternalPrincipal,
    /// Any principal of an account outside the snapshot.
    ExternalAccount,
    /// Anyone (`*`).
    Public,
    Service,
    /// A SAML or OIDC identity provider: its users enter with AssumeRoleWithSAML/WebIdentity.
    Provider,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    /// ARN, service name, or `*`.
    pub id: String,
    #[serde(flatten)]
    pub kind: NodeKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Inside the organization (or the snapshot, without organization data).
    pub internal: bool,
    /// For roles: admin-equivalent.
    pub admin: bool,
    /// For roles: MaxSessionDuration (None: unknown, 3600 assumed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_session_seconds: Option<u32>,
    #[serde(skip)]
    pub principal: Option<PrincipalRef>,
}

/// A may assume R. Kept compact (millions of edges in large organizations): the residual
/// condition stays an expression, shared between the edges decided together, and is turned
/// into alternatives only when shown.
#[derive(Debug, Clone)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub action: &'static str,
    /// `Allow`, or `Conditional` on `condition`.
    pub decision: &'static str,
    /// Empty for an unconditional edge.
    pub condition: EdgeCondition,
}

/// The residual condition of an edge: none (always true), or an expression shared by every
/// edge that was decided at once (all principals of one group assuming one role).
#[derive(Debug, Clone, Default)]
pub struct EdgeCondition(Option<std::sync::Arc<trustgate_policy::Expr>>);

impl EdgeCondition {
    fn new(e: trustgate_policy::Expr) -> Self {
        if e.is_true() {
            EdgeCondition(None)
        } else {
            EdgeCondition(Some(std::sync::Arc::new(e)))
        }
    }

    pub fn is_true(&self) -> bool {
        self.0.is_none()
    }

    /// The expression (`True` when unconditional).
    pub fn expr(&self) -> &trustgate_policy::Expr {
        static TRUE: trustgate_policy::Expr = trustgate_policy::Expr::True;
        self.0.as_deref().unwrap_or(&TRUE)
    }
}

impl std::fmt::Display for EdgeCondition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.expr().fmt(f)
    }
}

impl Edge {
    /// Alternatives (any one suffices), each a list of conditions that must all hold.
    pub fn conditions(&self) -> Vec<Vec<Literal>> {
        if self.condition.is_true() {
            Vec::new()
        } else {
            self.condition.expr().to_dnf(32).unwrap_or_default()
        }
    }
}

impl Serialize for Edge {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Edge", 6)?;
        st.serialize_field("from", &self.from)?;
        st.serialize_field("to", &self.to)?;
        st.serialize_field("action", self.action)?;
        st.serialize_field("decision", self.decision)?;
        st.serialize_field("conditions", &self.conditions())?;
        if !self.condition.is_true() {
            st.serialize_field("residual", &self.condition.to_string())?;
        }
        st.end()
    }
}

/// The graph with adjacency lists.
///
/// Root-trust expansion would make one edge per (caller, role): a hub account's hundred
/// admin roles times the thousands of roles that trust its root. Callers whose decisions are
/// identical (same account and kind, same `sts:AssumeRole` statements, nothing that looks at
/// who they are) form a *group*, and one group edge stands for an edge from each member. The
/// methods below ([`AccessGraph::edges`], [`AccessGraph::outgoing`], [`AccessGraph::edge`]…)
/// show every edge one by one; only the storage is shared.
#[derive(Debug, Default)]
pub struct AccessGraph {
    pub nodes: Vec<Node>,
    /// Edges from one node.
    direct: Vec<Edge>,
    /// Members (node ids) of each caller group.
    groups: Vec<Vec<usize>>,
    /// Per node: its group and its position there, if it is in one.
    membership: Vec<Option<(u32, u32)>>,
    group_edges: Vec<GroupEdge>,
    edge_count: usize,
    distinct_conditions: usize,
    /// Node by ID: indices into `nodes`, hashed by their ID (which is not copied).
    index: hashbrown::HashTable<usize>,
    id_hasher: foldhash::fast::RandomState,
    out_direct: Adjacency,
    in_direct: Adjacency,
    /// Group edges by group.
    out_group: Adjacency,
    /// Group edges by target node.
    in_group: Adjacency,
}

/// An edge from every member of a group.
#[derive(Debug, Clone)]
struct GroupEdge {
    group: u32,
    to: usize,
    action: &'static str,
    decision: &'static str,
    condition: EdgeCondition,
}

/// Names one edge of a graph: a direct edge, or one member's edge of a group edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EdgeId(u64);

const GROUPED: u64 = 1 << 63;

impl EdgeId {
    fn direct(i: usize) -> EdgeId {
        EdgeId(i as u64)
    }

    fn grouped(group_edge: usize, position: u32) -> EdgeId {
        EdgeId(GROUPED | ((group_edge as u64) << 32) | u64::from(position))
    }

    /// `Ok(direct index)` or `Err((group edge, member position))`.
    fn split(self) -> Result<usize, (usize, usize)> {
        if self.0 & GROUPED == 0 {
            Ok(self.0 as usize)
        } else {
            let rest = self.0 & !GROUPED;
            Err(((rest >> 32) as usize, (rest & 0xffff_ffff) as usize))
        }
    }
}

/// Item ids per node (or group), in one flat array (compressed sparse rows): two allocations
/// for millions of edges instead of one per node.
#[derive(Debug, Default)]
struct Adjacency {
    start: Vec<usize>,
    items: Vec<usize>,
}

impl Adjacency {
    fn new<T>(keys: usize, items: &[T], key: impl Fn(&T) -> usize) -> Adjacency {
        let mut start = vec![0usize; keys + 1];
        for it in items {
            start[key(it) + 1] += 1;
        }
        for i in 0..keys {
            start[i + 1] += start[i];
        }
        let mut next = start.clone();
        let mut ids = vec![0usize; items.len()];
        for (i, it) in items.iter().enumerate() {
            let k = key(it);
            ids[next[k]] = i;
            next[k] += 1;
        }
        Adjacency { start, items: ids }
    }

    fn of(&self, k: usize) -> &[usize] {
        match (self.start.get(k), self.start.get(k + 1)) {
            (Some(&a), Some(&b)) => &self.items[a..b],
            _ => &[],
        }
    }
}

/// Whether a policy has an Allow that can cover `sts:AssumeRole` (used to index which
/// principals can assume anything at all).
fn may_grant_assume(p: &Policy) -> bool {
    p.statements.iter().any(|st| {
        st.effect == Effect::Allow
            && trustgate_policy::eval::statement_action_matches(st, "sts:assumerole")
    })
}

/// A principal outside the snapshot used to stand for "any principal of account X".
fn any_principal_of(account: &str) -> String {
    format!("arn:aws:iam::{account}:role/any-principal-in-account")
}

/// Session caps per hop: the first assumption from a user, provider, service or account may
/// last the role's MaxSessionDuration; an assumption made from a role session is role
/// chaining, capped at one hour by STS whatever the role allows.
pub const CHAINED_SESSION_CAP: u32 = 3600;

impl AccessGraph {
    /// Builds the graph for a snapshot. `admin` says which roles are admin-equivalent
    /// (computed once by the caller, e.g. with [`crate::Summarizer`]).
    pub fn build(snap: &Snapshot, admin: &(dyn Fn(PrincipalRef) -> bool + Sync)) -> AccessGraph {
        let prepared = PreparedPrincipals::new(snap);
        Self::build_prepared(snap, &prepared, admin)
    }

    /// [`AccessGraph::build`] reusing principals already prepared.
    pub fn build_prepared(
        snap: &Snapshot,
        prepared: &PreparedPrincipals<'_>,
        admin: &(dyn Fn(PrincipalRef) -> bool + Sync),
    ) -> AccessGraph {
        Self::build_with(snap, prepared, admin, true)
    }

    /// [`AccessGraph::build_prepared`], optionally without caller groups (every caller decided
    /// on its own and every edge stored apart: slower, the same edges; for tests and
    /// comparisons).
    pub fn build_with(
        snap: &Snapshot,
        prepared: &PreparedPrincipals<'_>,
        admin: &(dyn Fn(PrincipalRef) -> bool + Sync),
        group_callers: bool,
    ) -> AccessGraph {
        let mut g = AccessGraph::default();
        // Nodes for every role and user of the snapshot, numbered so that a principal's node
        // is found by arithmetic (millions of edges are added without hashing an ARN). Made
        // per account in parallel; only the ARN index is filled in one pass.
        // Each account's roles then its users, split between the cores principal by principal.
        let principals: Vec<PrincipalRef> = snap
            .accounts
            .iter()
            .enumerate()
            .flat_map(|(ai, acct)| {
                let roles = (0..acct.roles.len())
                    .map(move |index| PrincipalRef::Role { account: ai, index });
                let users = (0..acct.users.len())
                    .map(move |index| PrincipalRef::User { account: ai, index });
                roles.chain(users)
            })
            .collect();
        let hasher = &g.id_hasher;
        let all_nodes: Vec<(u64, Node)> = principals
            .par_iter()
            .with_min_len(256)
            .map(|&p| match p {
                PrincipalRef::Role { account, index } => {
                    let (acct, r) = (
                        &snap.accounts[account],
                        &snap.accounts[account].roles[index],
                    );
                    let node = Node {
                        id: r.arn.clone(),
                        kind: NodeKind::Role,
                        account: Some(acct.id.clone()),
                        internal: true,
                        admin: admin(p),
                        max_session_seconds: r.max_session_duration,
                        principal: Some(p),
                    };
                    (hasher.hash_one(node.id.as_str()), node)
                }
                PrincipalRef::User { account, index } | PrincipalRef::Group { account, index } => {
                    let acct = &snap.accounts[account];
                    let node = Node {
                        id: acct.users[index].arn.clone(),
                        kind: NodeKind::User,
                        account: Some(acct.id.clone()),
                        internal: true,
                        admin: false,
                        max_session_seconds: None,
                        principal: Some(p),
                    };
                    (hasher.hash_one(node.id.as_str()), node)
                }
            })
            .collect();
        let mut role_base = Vec::with_capacity(snap.accounts.len());
        let mut user_base = Vec::with_capacity(snap.accounts.len());
        let total = all_nodes.len();
        g.nodes.reserve(total);
        let (nodes, hasher) = (&g.nodes, &g.id_hasher);
        // Room for the external nodes found later too (vendors, services, providers: far
        // fewer than principals), so that adding them does not rehash the table.
        g.index.reserve(total + total / 8 + 64, |&i| {
            hasher.hash_one(nodes[i].id.as_str())
        });
        let mut next = 0;
        for acct in &snap.accounts {
            role_base.push(next);
            user_base.push(next + acct.roles.len());
            next += acct.roles.len() + acct.users.len();
        }
        for (hash, node) in all_nodes {
            g.add_hashed(hash, node);
        }
        // ARNs are unique, but a duplicate in a hand-made snapshot would break the arithmetic:
        // then principals are found by ARN.
        let numbered = g.nodes.len()
            == snap
                .accounts
                .iter()
                .map(|a| a.roles.len() + a.users.len())
                .sum::<usize>();
        let node_of = |g: &AccessGraph, p: PrincipalRef| -> usize {
            match p {
                PrincipalRef::Role { account, index } if numbered => role_base[account] + index,
                PrincipalRef::User { account, index } if numbered => user_base[account] + index,
                _ => g.node_of(snap, p),
            }
        };

        // Index: per account, the principals whose own policies can grant sts:AssumeRole.
        let keys = crate::groups::DecisionKeys::new(snap, &["sts:AssumeRole"]);
        let found: Vec<(PrincipalRef, Option<u64>)> = principals
            .par_iter()
            .with_min_len(64)
            .filter_map(|&p| {
                // Principals that cannot be prepared (an unparsable ARN) are never decided.
                let caller = prepared.get(p)?;
                let grants = caller.set.identity.iter().any(|l| match &l.source {
                    trustgate_policy::PolicySource::Known(doc) => may_grant_assume(doc),
                    trustgate_policy::PolicySource::Unknown => true,
                });
                if !grants {
                    return None;
                }
                let key = if group_callers {
                    keys.key(p, &caller.set)
                } else {
                    None
                };
                Some((p, key))
            })
            .collect();
        // Split per account (the list is in account order).
        let mut assumers: Vec<Vec<(PrincipalRef, Option<u64>)>> =
            vec![Vec::new(); snap.accounts.len()];
        for (p, key) in found {
            assumers[p.account_index()].push((p, key));
        }

        // Groups: principals of one account sharing a key (a key held by one principal only
        // makes no group: its edges stay direct).
        let mut members_of_key: foldhash::HashMap<u64, Vec<PrincipalRef>> = Default::default();
        for (p, key) in assumers.iter().flatten() {
            if let Some(k) = key {
                members_of_key.entry(*k).or_default().push(*p);
            }
        }
        g.membership = vec![None; g.nodes.len()];
        let mut group_of_key: foldhash::HashMap<u64, u32> = Default::default();
        let assumers: Vec<Vec<Assumer>> = assumers
            .into_iter()
            .map(|list| {
                list.into_iter()
                    .map(|(p, key)| {
                        let group = key.filter(|k| members_of_key[k].len() > 1).map(|k| {
                            *group_of_key.entry(k).or_insert_with(|| {
                                let id = g.groups.len() as u32;
                                let members: Vec<usize> =
                                    members_of_key[&k].iter().map(|&m| node_of(&g, m)).collect();
                                for (pos, &m) in members.iter().enumerate() {
                                    g.membership[m] = Some((id, pos as u32));
                                }
                                g.groups.push(members);
                                id
                            })
                        });
                        (p, group)
                    })
                    .collect()
            })
            .collect();
        drop(members_of_key);

        // RCPs per account (built once; every role of the account shares them).
        let rcps: Vec<AccountRcps<'_>> = (0..snap.accounts.len())
            .into_par_iter()
            .map(|ai| {
                let id = &snap.accounts[ai].id;
                AccountRcps {
                    levels: org_levels(snap.rcps_for(id), "RCP"),
                    per_principal: snap.rcps_for(id).is_some_and(|levels| {
                        levels.iter().flat_map(|l| l.policies.iter()).any(|p| {
                            crate::permissions::depends_on_principal_for(
                                &p.document,
                                "sts:assumerole",
                            )
                        })
                    }),
                }
            })
            .collect();

        // Candidate edges per role, decided in parallel.
        let roles: Vec<(usize, usize)> = snap
            .accounts
            .iter()
            .enumerate()
            .flat_map(|(ai, a)| (0..a.roles.len()).map(move |ri| (ai, ri)))
            .collect();
        // Residual conditions repeat (the same MFA or External ID condition on thousands of
        // edges): one copy of each, found as the edges are decided.
        let conditions = ConditionInterner::default();
        let found: Vec<Vec<Found>> = roles
            .par_iter()
            .map(|&(ai, ri)| {
                let mut batch = edges_into(snap, prepared, ai, ri, &assumers, &rcps[ai]);
                for (_, _, (_, condition)) in &mut batch {
                    if let Some(e) = condition.0.take() {
                        condition.0 = Some(conditions.intern(e));
                    }
                }
                batch
            })
            .collect();
        // Reserved up front: growing vectors of 200 000 nodes or edges copies them and
        // touches twice the memory, on this thread alone. Reserving more than is used costs
        // nothing: pages never written are never touched.
        let (mut groups, mut externals, mut direct) = (0, 0, 0);
        for (source, _, _) in found.iter().flatten() {
            match source {
                Source::Group(_) => groups += 1,
                Source::External(_) => externals += 1,
                Source::Principal(_) => direct += 1,
            }
        }
        g.direct.reserve(direct + externals);
        g.group_edges.reserve(groups);
        // (Edges, not nodes: most external edges lead from a node already added.)
        g.nodes.reserve(externals);
        for (batch, &(ai, ri)) in found.into_iter().zip(&roles) {
            let to = node_of(
                &g,
                PrincipalRef::Role {
                    account: ai,
                    index: ri,
                },
            );
            for (source, action, decision) in batch {
                let from = match source {
                    Source::Principal(p) => node_of(&g, p),
                    Source::Group(group) => {
                        let (kind, condition) = decision;
                        g.group_edges.push(GroupEdge {
                            group,
                            to,
                            action,
                            decision: kind.as_str(),
                            condition,
                        });
                        continue;
                    }
                    Source::External(x) => {
                        let ExternalSource {
                            id,
                            kind,
                            account,
                            internal,
                        } = *x;
                        g.add(Node {
                            id,
                            kind,
                            account,
                            internal,
                            admin: false,
                            max_session_seconds: None,
                            principal: None,
                        })
                    }
                };
                if from == to {
                    continue; // a role trusting itself adds no reach
                }
                let (kind, condition) = decision;
                g.direct.push(Edge {
                    from,
                    to,
                    action,
                    decision: kind.as_str(),
                    condition,
                });
            }
        }
        g.distinct_conditions = conditions.len();
        let n = g.nodes.len();
        g.membership.resize(n, None);
        g.out_direct = Adjacency::new(n, &g.direct, |e| e.from);
        g.in_direct = Adjacency::new(n, &g.direct, |e| e.to);
        g.out_group = Adjacency::new(g.groups.len(), &g.group_edges, |e| e.group as usize);
        g.in_group = Adjacency::new(n, &g.group_edges, |e| e.to);
        g.edge_count = g.direct.len()
            + g.group_edges
                .iter()
                .map(|e| {
                    let members = g.groups[e.group as usize].len();
                    match g.membership[e.to] {
                        Some((group, _)) if group == e.group => members - 1,
                        _ => members,
                    }
                })
                .sum::<usize>();
        g
    }

    fn add(&mut self, node: Node) -> usize {
        let hash = self.id_hasher.hash_one(node.id.as_str());
        self.add_hashed(hash, node)
    }

    /// [`AccessGraph::add`] with the hash of the node's ID already computed (in parallel).
    fn add_hashed(&mut self, hash: u64, node: Node) -> usize {
        let nodes = &self.nodes;
        if let Some(&i) = self.index.find(hash, |&i| nodes[i].id == node.id) {
            return i;
        }
        let i = self.nodes.len();
        self.nodes.push(node);
        let (nodes, hasher) = (&self.nodes, &self.id_hasher);
        self.index
            .insert_unique(hash, i, |&j| hasher.hash_one(nodes[j].id.as_str()));
        i
    }

    fn node_of(&self, snap: &Snapshot, p: PrincipalRef) -> usize {
        let arn = match p {
            PrincipalRef::Role { account, index } => &snap.accounts[account].roles[index].arn,
            PrincipalRef::User { account, index } => &snap.accounts[account].users[index].arn,
            PrincipalRef::Group { account, index } => &snap.accounts[account].groups[index].arn,
        };
        self.node(arn).expect("every principal has a node")
    }

    pub fn node(&self, id: &str) -> Option<usize> {
        let hash = self.id_hasher.hash_one(id);
        self.index.find(hash, |&i| self.nodes[i].id == id).copied()
    }

    /// How many edges the graph has (each member's edge of a group edge counted).
    pub fn edge_count(&self) -> usize {
        self.edge_count
    }

    /// How the edges are stored, for `TRUSTGATE_TIMINGS`.
    pub fn storage_note(&self) -> String {
        format!(
            "{} direct, {} group edges from {} groups of {} principals, {} distinct conditions",
            self.direct.len(),
            self.group_edges.len(),
            self.groups.len(),
            self.groups.iter().map(Vec::len).sum::<usize>(),
            self.distinct_conditions
        )
    }

    /// One edge.
    pub fn edge(&self, id: EdgeId) -> Edge {
        match id.split() {
            Ok(i) => self.direct[i].clone(),
            Err((ge, pos)) => {
                let e = &self.group_edges[ge];
                Edge {
                    from: self.groups[e.group as usize][pos],
                    to: e.to,
                    action: e.action,
                    decision: e.decision,
                    condition: e.condition.clone(),
                }
            }
        }
    }

    /// Where an edge starts and ends.
    pub fn ends(&self, id: EdgeId) -> (usize, usize) {
        match id.split() {
            Ok(i) => (self.direct[i].from, self.direct[i].to),
            Err((ge, pos)) => {
                let e = &self.group_edges[ge];
                (self.groups[e.group as usize][pos], e.to)
            }
        }
    }

    /// Every edge: the direct ones, then each group edge member by member.
    pub fn edges(&self) -> impl Iterator<Item = (EdgeId, Edge)> + '_ {
        let direct = (0..self.direct.len()).map(|i| (EdgeId::direct(i), self.direct[i].clone()));
        let grouped = self
            .group_edges
            .iter()
            .enumerate()
            .flat_map(move |(ge, e)| {
                self.groups[e.group as usize]
                    .iter()
                    .enumerate()
                    .filter(move |&(_, &m)| m != e.to)
                    .map(move |(pos, _)| EdgeId::grouped(ge, pos as u32))
            })
            .map(|id| (id, self.edge(id)));
        direct.chain(grouped)
    }

    /// The edges leaving node `n`.
    pub fn outgoing(&self, n: usize) -> impl Iterator<Item = EdgeId> + '_ {
        let direct = self.out_direct.of(n).iter().map(|&i| EdgeId::direct(i));
        let grouped = self
            .membership
            .get(n)
            .copied()
            .flatten()
            .into_iter()
            .flat_map(move |(group, pos)| {
                self.out_group
                    .of(group as usize)
                    .iter()
                    .filter(move |&&ge| self.group_edges[ge].to != n)
                    .map(move |&ge| EdgeId::grouped(ge, pos))
            });
        direct.chain(grouped)
    }

    /// The edges entering node `n`.
    pub fn incoming(&self, n: usize) -> impl Iterator<Item = EdgeId> + '_ {
        let direct = self.in_direct.of(n).iter().map(|&i| EdgeId::direct(i));
        let grouped = self.in_group.of(n).iter().flat_map(move |&ge| {
            self.groups[self.group_edges[ge].group as usize]
                .iter()
                .enumerate()
                .filter(move |&(_, &m)| m != n)
                .map(move |(pos, _)| EdgeId::grouped(ge, pos as u32))
        });
        direct.chain(grouped)
    }

    /// Shortest paths from any of `sources` to each reachable node in `targets` (one path per
    /// target, found by one breadth-first search from all sources: linear in the graph, with
    /// each group's edges followed once, from the first member reached).
    /// Cycles are never followed twice; paths longer than `max_hops` are not reported.
    pub fn shortest_paths(
        &self,
        sources: &[usize],
        targets: &dyn Fn(usize) -> bool,
        max_hops: usize,
    ) -> Vec<Path> {
        let n = self.nodes.len();
        let mut via: Vec<Option<EdgeId>> = vec![None; n]; // edge that reached the node
        let mut depth: Vec<usize> = vec![usize::MAX; n];
        let mut group_done = vec![false; self.groups.len()];
        let mut queue = VecDeque::new();
        for &s in sources {
            if depth[s] == usize::MAX {
                depth[s] = 0;
                queue.push_back(s);
            }
        }
        while let Some(u) = queue.pop_front() {
            if depth[u] >= max_hops {
                continue;
            }
            let mut reach = |e: EdgeId, v: usize| {
                if depth[v] == usize::MAX {
                    depth[v] = depth[u] + 1;
                    via[v] = Some(e);
                    queue.push_back(v);
                }
            };
            for &i in self.out_direct.of(u) {
                reach(EdgeId::direct(i), self.direct[i].to);
            }
            // A group's edges are the same from every member: the first member reached is
            // (breadth-first) the nearest, so later members add nothing.
            if let Some((group, pos)) = self.membership[u] {
                if !std::mem::replace(&mut group_done[group as usize], true) {
                    for &ge in self.out_group.of(group as usize) {
                        let v = self.group_edges[ge].to;
                        if v != u {
                            reach(EdgeId::grouped(ge, pos), v);
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        for (v, &d) in depth.iter().enumerate() {
            if d == 0 || d == usize::MAX || !targets(v) {
                continue;
            }
            let mut hops = Vec::new();
            let mut cur = v;
            while let Some(e) = via[cur] {
                hops.push(e);
                cur = self.ends(e).0;
            }
            hops.reverse();
            out.push(self.path(hops));
        }
        out.sort_by(|a, b| {
            a.hops
                .len()
                .cmp(&b.hops.len())
                .then_with(|| a.to.cmp(&b.to))
        });
        out
    }

    /// A path from its edges, with its session cap.
    pub fn path(&self, hops: Vec<EdgeId>) -> Path {
        let edges: Vec<Edge> = hops.iter().map(|&e| self.edge(e)).collect();
        let first = &self.nodes[edges[0].from];
        let last_edge = edges.last().expect("non-empty path");
        let target = &self.nodes[last_edge.to];
        let target_max = target.max_session_seconds.unwrap_or(3600);
        // Role chaining: any hop that starts from a role session.
        let chained = edges
            .iter()
            .filter(|e| self.nodes[e.from].kind == NodeKind::Role)
            .count();
        let starts_as_role = matches!(first.kind, NodeKind::Role | NodeKind::ExternalPrincipal)
            && first.id.contains(":role/");
        let session_cap = if chained > 0 || starts_as_role {
            target_max.min(CHAINED_SESSION_CAP)
        } else {
            target_max
        };
        Path {
            from: first.id.clone(),
            to: target.id.clone(),
            hops: edges
                .iter()
                .map(|edge| Hop {
                    from: self.nodes[edge.from].id.clone(),
                    to: self.nodes[edge.to].id.clone(),
                    action: edge.action.to_string(),
                    decision: edge.decision,
                    conditions: edge.conditions(),
                })
                .collect(),
            session_cap_seconds: session_cap,
            session_capped_by_chaining: (chained > 0 || starts_as_role)
                && target_max > CHAINED_SESSION_CAP,
            chained_assumptions: chained + usize::from(starts_as_role),
            ends_admin: target.admin,
            edge_ids: hops,
        }
    }
}

/// External ID values stay out of reports: the condition says one is required.
fn redact_external_ids(e: trustgate_policy::Expr) -> trustgate_policy::Expr {
    use trustgate_policy::{Atom, Expr};
    match e {
        Expr::Atom(a) => match a.as_ref() {
            Atom::Condition {
                operator,
                key,
                values,
            } if key.eq_ignore_ascii_case("sts:ExternalId") => Expr::atom(Atom::Condition {
                operator: operator.clone(),
                key: key.clone(),
                values: values.iter().map(|_| "(redacted)".to_string()).collect(),
            }),
            _ => Expr::Atom(a),
        },
        Expr::Not(x) => redact_external_ids(*x).not(),
        Expr::And(v) => Expr::all(v.into_iter().map(redact_external_ids)),
        Expr::Or(v) => Expr::any(v.into_iter().map(redact_external_ids)),
        other => other,
    }
}

/// One hop of a path.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hop {
    pub from: String,
    pub to: String,
    pub action: String,
    pub decision: &'static str,
    pub conditions: Vec<Vec<Literal>>,
}

/// A path through the graph.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Path {
    pub from: String,
    pub to: String,
    pub hops: Vec<Hop>,
    /// The longest session the final role can be held for along this path.
    pub session_cap_seconds: u32,
    /// The target allows longer sessions than this path can get (role chaining caps at 1 h).
    pub session_capped_by_chaining: bool,
    /// Assumptions made from a role session (role chaining).
    pub chained_assumptions: usize,
    pub ends_admin: bool,
    #[serde(skip)]
    pub edge_ids: Vec<EdgeId>,
}

enum Source {
    Principal(PrincipalRef),
    /// Every member of a caller group (see [`AccessGraph`]).
    Group(u32),
    /// Boxed: rare, and it keeps the millions of principal edges small.
    External(Box<ExternalSource>),
}

struct ExternalSource {
    id: String,
    kind: NodeKind,
    account: Option<String>,
    internal: bool,
}

/// A decision that makes an edge, with External ID values already redacted.
type EdgeDecision = (DecisionKind, EdgeCondition);

fn edge_decision(kind: DecisionKind, cond: trustgate_policy::Expr) -> EdgeDecision {
    let condition = if kind == DecisionKind::Conditional {
        EdgeCondition::new(redact_external_ids(cond))
    } else {
        EdgeCondition::default()
    };
    (kind, condition)
}

/// A principal whose own policies can grant sts:AssumeRole, with the group of principals
/// whose decisions are identical (same account, kind and sts:AssumeRole statements, none of
/// which looks at who the principal is) — decided once per group.
type Assumer = (PrincipalRef, Option<u32>);

/// One edge into the role being decided: who, by which action, and the decision.
type Found = (Source, &'static str, EdgeDecision);

/// One shared copy of each distinct residual condition, filled from every thread (sharded
/// by hash, so the two cores rarely wait on each other).
#[derive(Default)]
struct ConditionInterner {
    shards: [std::sync::Mutex<hashbrown::HashTable<std::sync::Arc<trustgate_policy::Expr>>>; 16],
    hasher: foldhash::fast::RandomState,
}

impl ConditionInterner {
    fn intern(
        &self,
        e: std::sync::Arc<trustgate_policy::Expr>,
    ) -> std::sync::Arc<trustgate_policy::Expr> {
        let hash = self.hasher.hash_one(&*e);
        let mut shard = self.shards[(hash >> 60) as usize]
            .lock()
            .expect("interner lock");
        if let Some(existing) = shard.find(hash, |x| std::sync::Arc::ptr_eq(x, &e) || **x == *e) {
            return existing.clone();
        }
        shard.insert_unique(hash, e.clone(), |x| self.hasher.hash_one(&**x));
        e
    }

    fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().expect("interner lock").len())
            .sum()
    }
}

/// The resource control policies of one account, as the engine takes them.
struct AccountRcps<'s> {
    levels: Option<Vec<Vec<Labeled<'s>>>>,
    /// Some RCP statement for sts:AssumeRole looks at who the caller is.
    per_principal: bool,
}

/// All edges into one role.
/// The actions that assume a role.
const ASSUME_ACTIONS: [&str; 3] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
];

/// An action in lower case, without allocating for those of [`ASSUME_ACTIONS`] (asked for
/// every decision).
fn lower_case(action: &str) -> std::borrow::Cow<'static, str> {
    match action {
        "sts:AssumeRole" => "sts:assumerole".into(),
        "sts:AssumeRoleWithSAML" => "sts:assumerolewithsaml".into(),
        "sts:AssumeRoleWithWebIdentity" => "sts:assumerolewithwebidentity".into(),
        other => other.to_ascii_lowercase().into(),
    }
}

fn edges_into(
    snap: &Snapshot,
    prepared: &PreparedPrincipals<'_>,
    ai: usize,
    ri: usize,
    assumers: &[Vec<Assumer>],
    account_rcps: &AccountRcps<'_>,
) -> Vec<Found> {
    let acct = &snap.accounts[ai];
    let role = &acct.roles[ri];
    let mut out = Vec::new();
    let rcps = &account_rcps.levels;
    let trust = Labeled::new(format!("trust policy of {}", role.arn), &role.trust_policy);

    // `needs_identity`: the trust names the caller's account (or the caller is in another
    // account), so the caller's own policies must allow — checked cheaply first.
    // The decision for one caller (None: no edge).
    let decide_for = |p: PrincipalRef,
                      action: &'static str,
                      needs_identity: bool|
     -> Option<EdgeDecision> {
        let caller = prepared.get(p)?;
        if caller.arn == role.arn {
            return None;
        }
        let cross = !matches!(p, PrincipalRef::Role { account, .. } | PrincipalRef::User { account, .. } if account == ai);
        if (needs_identity || cross) && !caller.identity_may_cover(&lower_case(action), &role.arn) {
            return None;
        }
        let (kind, cond) = caller.decide(
            action,
            &role.arn,
            Some(&acct.id),
            Some(&trust),
            rcps.as_deref(),
        );
        kind.is_possible().then(|| edge_decision(kind, cond))
    };
    let try_principal =
        |p: PrincipalRef, action: &'static str, needs_identity: bool, out: &mut Vec<Found>| {
            if let Some(decision) = decide_for(p, action, needs_identity) {
                out.push((Source::Principal(p), action, decision));
            }
        };
    // Expanding an account (or `*`) to its principals: principals of one group get the same
    // answer, unless the trust policy looks at who the caller is.
    let trust_is_per_principal =
        crate::permissions::depends_on_principal_for(&role.trust_policy, "sts:assumerole")
            || account_rcps.per_principal;
    // Groups already decided for this role (a role trusting both `*` and an account root
    // meets the same group twice).
    let mut groups_done: foldhash::HashSet<u32> = Default::default();
    let mut try_assumer = |(p, group): Assumer, needs_identity: bool, out: &mut Vec<Found>| {
        match group {
            Some(g) if !trust_is_per_principal => {
                // The role itself gets no edge; another member decides for the group.
                if prepared.get(p).is_none_or(|c| c.arn == role.arn) || !groups_done.insert(g) {
                    return;
                }
                if let Some(decision) = decide_for(p, "sts:AssumeRole", needs_identity) {
                    out.push((Source::Group(g), "sts:AssumeRole", decision));
                }
            }
            _ => {
                if let Some(decision) = decide_for(p, "sts:AssumeRole", needs_identity) {
                    out.push((Source::Principal(p), "sts:AssumeRole", decision));
                }
            }
        }
    };

    for st in &role.trust_policy.statements {
        if st.effect != Effect::Allow {
            continue;
        }
        let Some(clause) = &st.principal else {
            continue;
        };
        let allowed: Vec<&str> = ASSUME_ACTIONS
            .iter()
            .copied()
            .filter(|a| trustgate_policy::eval::statement_action_matches(st, &lower_case(a)))
            .collect();
        if allowed.is_empty() {
            continue;
        }
        let everyone;
        let principals: &[trustgate_policy::Principal] = if clause.negated {
            everyone = [trustgate_policy::Principal {
                kind: PrincipalKind::Everyone,
                value: "*".into(),
            }];
            &everyone
        } else {
            &clause.principals
        };
        for p in principals {
            if p.is_wildcard() {
                if allowed.contains(&"sts:AssumeRole") {
                    external_edge(
                        snap,
                        rcps,
                        ai,
                        ri,
                        "*",
                        NodeKind::Public,
                        None,
                        false,
                        "sts:AssumeRole",
                        &mut out,
                    );
                    // Anyone includes every principal of the snapshot whose own policies can
                    // grant sts:AssumeRole (wildcard trusts are rare; this stays linear in
                    // the number of such principals).
                    for candidates in assumers {
                        for &candidate in candidates {
                            try_assumer(candidate, false, &mut out);
                        }
                    }
                }
                continue;
            }
            match p.kind {
                PrincipalKind::Service if allowed.contains(&"sts:AssumeRole") => {
                    external_edge(
                        snap,
                        rcps,
                        ai,
                        ri,
                        &p.value,
                        NodeKind::Service,
                        None,
                        true,
                        "sts:AssumeRole",
                        &mut out,
                    );
                }
                PrincipalKind::Federated => {
                    let action = if p.value.contains(":saml-provider/") {
                        "sts:AssumeRoleWithSAML"
                    } else {
                        "sts:AssumeRoleWithWebIdentity"
                    };
                    if allowed.contains(&action) {
                        let account =
                            trustgate_policy::Arn::parse(&p.value).map(|a| a.account.to_string());
                        let internal = account.as_deref().is_some_and(|a| snap.is_internal(a));
                        external_edge(
                            snap,
                            rcps,
                            ai,
                            ri,
                            &p.value,
                            NodeKind::Provider,
                            account,
                            internal,
                            action,
                            &mut out,
                        );
                    }
                }
                PrincipalKind::Aws if allowed.contains(&"sts:AssumeRole") => {
                    if let Some(root_acct) = p.account_root() {
                        match snap.account_index(root_acct) {
                            Some(x) => {
                                for &candidate in &assumers[x] {
                                    try_assumer(candidate, true, &mut out);
                                }
                            }
                            None => external_edge(
                                snap,
                                rcps,
                                ai,
                                ri,
                                &format!("arn:aws:iam::{root_acct}:root"),
                                NodeKind::ExternalAccount,
                                Some(root_acct.to_string()),
                                snap.is_internal(root_acct),
                                "sts:AssumeRole",
                                &mut out,
                            ),
                        }
                    } else if let Some(found) = snap.principal(&p.value) {
                        try_principal(found, "sts:AssumeRole", false, &mut out);
                    } else if let Some(arn) = trustgate_policy::Arn::parse(&p.value) {
                        let account = arn.account.to_string();
                        let internal = snap.is_internal(&account);
                        external_edge(
                            snap,
                            rcps,
                            ai,
                            ri,
                            &p.value,
                            NodeKind::ExternalPrincipal,
                            Some(account),
                            internal,
                            "sts:AssumeRole",
                            &mut out,
                        );
                    }
                    // Unique IDs (deleted principals) name nobody: no edge.
                }
                _ => {}
            }
        }
    }
    out
}

/// An edge from a principal outside the snapshot, whose identity policies are unknown.
#[allow(clippy::too_many_arguments)]
fn external_edge(
    snap: &Snapshot,
    rcps: &Option<Vec<Vec<Labeled<'_>>>>,
    ai: usize,
    ri: usize,
    id: &str,
    kind: NodeKind,
    account: Option<String>,
    internal: bool,
    action: &'static str,
    out: &mut Vec<Found>,
) {
    let acct = &snap.accounts[ai];
    let role = &acct.roles[ri];
    // The caller as the engine sees it.
    let caller = match kind {
        NodeKind::Public => "arn:aws:iam::000000000000:role/any-principal-anywhere".to_string(),
        NodeKind::ExternalAccount => any_principal_of(account.as_deref().unwrap_or("000000000000")),
        _ => id.to_string(),
    };
    let mut ctx = Context::partial();
    if matches!(kind, NodeKind::Public)
        || (!internal
            && matches!(
                kind,
                NodeKind::ExternalAccount | NodeKind::ExternalPrincipal
            ))
    {
        // Outside the organization: organization keys cannot match ours.
        if let Some(org) = snap.org_id() {
            ctx.insert(
                "aws:PrincipalOrgID",
                ContextValue::Single(format!("not-{org}")),
            );
        }
    }
    let Ok(mut req) = Request::new(&caller, action, &role.arn, Some(&acct.id), ctx) else {
        return;
    };
    req.principal_text = match kind {
        NodeKind::Public => "any AWS principal".to_string(),
        NodeKind::ExternalAccount => format!(
            "a principal of account {}",
            account.as_deref().unwrap_or("?")
        ),
        _ => id.to_string(),
    };
    if matches!(kind, NodeKind::Public | NodeKind::ExternalAccount) {
        // The caller stands for any principal: what Request::new filled in from the stand-in
        // ARN is not actually known, so conditions on it stay residual.
        let unknown: &[&str] = if kind == NodeKind::Public {
            &[
                "aws:principalarn",
                "aws:principaltype",
                "aws:principalaccount",
            ]
        } else {
            &["aws:principalarn", "aws:principaltype"]
        };
        let mut c = Context::partial();
        for (k, v) in req.context.iter() {
            if !unknown.contains(&k.to_ascii_lowercase().as_str()) {
                c.insert(k, v.clone());
            }
        }
        req.context = c;
    }
    let set = PolicySet {
        identity_unknown: req.principal.has_identity_policies(),
        resource: Some(Labeled::new(
            format!("trust policy of {}", role.arn),
            &role.trust_policy,
        )),
        rcps: rcps.clone(),
        ..Default::default()
    };
    let (decision, cond) = decide(&req, &set);
    if decision.is_possible() {
        out.push((
            Source::External(Box::new(ExternalSource {
                id: id.to_string(),
                kind,
                account,
                internal,
            })),
            action,
            edge_decision(decision, cond),
        ));
    }
}
