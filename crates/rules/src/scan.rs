//! A whole scan: build the views once (in parallel), the registry from them, then run every
//! rule over them.

use std::borrow::Cow;

use rayon::prelude::*;
use trustgate_access::{AccessGraph, Summarizer};
use trustgate_model::{document_address, PolicyRef, PrincipalRef, Snapshot};
use trustgate_policy::Policy;

use crate::context::{PrincipalView, ResourceView, RoleView, ScanContext, ScanOptions};
use crate::finding::{Finding, ScanOutput};
use crate::registry::{Registry, Relationship, Scope};
use crate::rules::{catalogue, Rule};
use crate::trust::{scope_of, trust_entries, ConditionView, TrustedKind};

/// The registry and the findings of one snapshot (the registry empty when
/// [`ScanOptions::registry`] is off and no CloudTrail usage was given).
pub struct Analysis {
    pub registry: Registry,
    pub output: ScanOutput,
    /// The assume-role graph the path rules used (for reports that draw or walk it).
    pub graph: AccessGraph,
}

/// A principal's known policies, labelled `inline:NAME` or by ARN (borrowed).
fn known_policies<'s>(
    inline: &'s [trustgate_model::NamedPolicy],
    attached: &'s [PolicyRef],
) -> Vec<(Cow<'s, str>, &'s Policy)> {
    let mut out = Vec::with_capacity(inline.len() + attached.len());
    out.extend(
        inline
            .iter()
            .map(|p| (Cow::Owned(format!("inline:{}", p.name)), &p.document)),
    );
    out.extend(
        attached
            .iter()
            .filter_map(|r| r.document().map(|d| (Cow::Borrowed(r.arn()), d))),
    );
    out
}

/// Builds the per-role views every rule reads.
pub fn role_views<'s>(snap: &'s Snapshot) -> Vec<RoleView<'s>> {
    role_views_with(snap, &Summarizer::new(snap))
}

/// [`role_views`] with a summarizer (and its prepared principals) the caller keeps.
pub fn role_views_with<'s>(snap: &'s Snapshot, summarizer: &Summarizer<'s>) -> Vec<RoleView<'s>> {
    views_of(snap, summarizer, true)
}

/// The role views, with whole permission summaries or (`full_permissions` off) only
/// admin-equivalence, which is all the rules read.
fn views_of<'s>(
    snap: &'s Snapshot,
    summarizer: &Summarizer<'s>,
    full_permissions: bool,
) -> Vec<RoleView<'s>> {
    let is_internal = |a: &str| snap.is_internal(a);
    let org_id = snap.org_id();
    let refs: Vec<(usize, usize)> = snap
        .accounts
        .iter()
        .enumerate()
        .flat_map(|(ai, a)| (0..a.roles.len()).map(move |ri| (ai, ri)))
        .collect();
    // Trust policies are shared documents (one per distinct text): their entries are read
    // once each, in parallel, and shared by the roles that have them.
    let policies = trustgate_model::distinct_documents(
        snap.accounts
            .iter()
            .flat_map(|a| a.roles.iter().map(|r| &*r.trust_policy)),
    );
    let entries_of: foldhash::HashMap<usize, Vec<std::sync::Arc<crate::trust::TrustEntry>>> =
        policies
            .par_iter()
            .map(|p| {
                let entries = trust_entries(p)
                    .into_iter()
                    .map(std::sync::Arc::new)
                    .collect();
                (document_address(p), entries)
            })
            .collect();
    let not_admin = std::sync::Arc::new(trustgate_access::PermissionSummary::default());
    refs.par_iter()
        .map(|&(ai, ri)| {
            let acct = &snap.accounts[ai];
            let role = &acct.roles[ri];
            let shared = &entries_of[&document_address(&role.trust_policy)];
            let entries = shared
                .iter()
                .map(|e| {
                    let scope = scope_of(e, &acct.id, org_id, &is_internal);
                    let vendor = e
                        .account
                        .as_deref()
                        .filter(|_| scope == Scope::ThirdParty)
                        .and_then(|a| snap.known_accounts.lookup(a))
                        .map(str::to_string);
                    (e.clone(), scope, vendor)
                })
                .collect();
            RoleView {
                arn: &role.arn,
                name: &role.name,
                account: &acct.id,
                trust_policy: &role.trust_policy,
                entries,
                permissions: {
                    let p = PrincipalRef::Role {
                        account: ai,
                        index: ri,
                    };
                    if full_permissions {
                        std::sync::Arc::new(summarizer.summarize(p))
                    } else {
                        let summary = summarizer.summarize_admin(p);
                        if summary.admin_equivalent {
                            std::sync::Arc::new(summary)
                        } else {
                            // Most roles: one shared summary instead of one each.
                            not_admin.clone()
                        }
                    }
                },
                identity_policies: known_policies(&role.inline_policies, &role.attached_policies),
                permission_boundary: role.permission_boundary.as_ref().map(|b| b.arn()),
                tags: &role.tags,
                create_date: role.create_date.as_deref(),
                last_used: role.last_used.as_deref(),
                max_session_seconds: role.max_session_duration,
            }
        })
        .collect()
}

/// One registry row per (role, trusted principal).
pub fn registry_of(snap: &Snapshot, views: &[RoleView<'_>]) -> Registry {
    // Roles in parallel; rayon's collect keeps their order.
    let relationships = views
        .par_iter()
        .flat_map_iter(|v| relationships_of(snap, v))
        .collect();
    Registry {
        relationships,
        entry_points: Vec::new(),
    }
}

/// The registry rows of one role: one per trusted principal.
fn relationships_of(snap: &Snapshot, v: &RoleView<'_>) -> Vec<Relationship> {
    let account_name = snap.account(v.account).and_then(|a| a.name.clone());
    let last_used_region = snap
        .principal(v.arn)
        .and_then(|p| snap.role(p))
        .and_then(|(_, r)| r.last_used_region.clone());
    let mut relationships = Vec::with_capacity(v.entries.len());
    for (e, scope, vendor) in &v.entries {
        let mfa_note = (e.kind == TrustedKind::Federated
            && e.actions.iter().any(|a| a == "sts:AssumeRoleWithSAML"))
        .then(|| {
            "SAML: MFA is enforced by the identity provider, which IAM cannot see".to_string()
        });
        relationships.push(Relationship {
            role: v.arn.to_string(),
            role_name: v.name.to_string(),
            account: v.account.to_string(),
            account_name: account_name.clone(),
            trusted: e.principal.clone(),
            trusted_type: e.kind,
            trusted_account: e.account.clone(),
            scope: *scope,
            vendor: vendor.clone(),
            actions: e.actions.clone(),
            external_id: !e.external_ids.is_empty(),
            mfa: e.mfa,
            mfa_note,
            conditions: e.conditions.iter().map(redact).collect(),
            restricted_by: e.restricted_by.clone(),
            permissions: v.permissions.clone(),
            max_session_seconds: v.max_session_seconds.unwrap_or(3600),
            max_session_assumed: v.max_session_seconds.is_none(),
            permission_boundary: v.permission_boundary.map(str::to_string),
            last_used: v.last_used.map(str::to_string),
            last_used_region: last_used_region.clone(),
            tags: v.tags.clone(),
            statement: e.statement.clone(),
            external_ids: e.external_ids.clone(),
            usage: None,
        });
    }
    relationships
}

/// External ID values stay out of reports (the registry says whether one is required).
fn redact(c: &ConditionView) -> ConditionView {
    if c.key.eq_ignore_ascii_case("sts:ExternalId") {
        ConditionView {
            operator: c.operator.clone(),
            key: c.key.clone(),
            values: c.values.iter().map(|_| "(redacted)".to_string()).collect(),
        }
    } else {
        c.clone()
    }
}

/// For `TRUSTGATE_TIMINGS`: the resident and peak memory of the process, where the OS says.
pub fn memory_note() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
    };
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(rss), Some(peak)) => format!(" (RSS {} MB, peak {} MB)", rss / 1024, peak / 1024),
        _ => String::new(),
    }
}

/// Runs the whole scan.
pub fn analyze(snap: &Snapshot, options: &ScanOptions) -> Analysis {
    let timings = std::env::var_os("TRUSTGATE_TIMINGS").is_some();
    let clock = std::time::Instant::now();
    let phase = |name: &str| {
        if timings {
            eprintln!(
                "trustgate: {name}: {:.3}s{}",
                clock.elapsed().as_secs_f64(),
                memory_note()
            );
        }
        if let Some(p) = &options.progress {
            p(name);
        }
    };
    let summarizer = Summarizer::new(snap);
    phase("principals prepared");
    // The registry shows the permission summaries; the rules read only admin-equivalence.
    let registry_needed = options.registry || options.trail.is_some();
    let views = views_of(snap, &summarizer, registry_needed);
    phase("roles analyzed (trust entries, permission summaries)");
    let relationships: usize = views.iter().map(|v| v.entries.len()).sum();
    let mut registry = if registry_needed {
        let registry = registry_of(snap, &views);
        phase("registry built");
        registry
    } else {
        Registry::default()
    };
    let trail_view = options.trail.as_deref().map(|t| {
        let admin_roles: std::collections::HashSet<&str> = views
            .iter()
            .filter(|v| v.permissions.admin_equivalent)
            .map(|v| v.arn)
            .collect();
        let view = crate::usage::join(snap, &registry.relationships, t, &|arn| {
            admin_roles.contains(arn)
        });
        crate::usage::attach_usage(&mut registry.relationships, &view);
        view
    });
    // The views are in account order, so a role's view is found by arithmetic.
    let view_base = snap.role_offsets();
    let graph = AccessGraph::build_prepared(snap, summarizer.prepared(), &|p| match p {
        PrincipalRef::Role { account, index } => {
            let v = &views[view_base[account] + index];
            debug_assert!(std::ptr::eq(
                v.arn,
                snap.accounts[account].roles[index].arn.as_str()
            ));
            v.permissions.admin_equivalent
        }
        _ => false,
    });
    phase("access graph built");
    if timings {
        eprintln!(
            "trustgate: graph: {} nodes, {} edges ({})",
            graph.nodes.len(),
            graph.edge_count(),
            graph.storage_note()
        );
    }

    // Every user, group and role with its policies, accounts in parallel (in order).
    let principals: Vec<PrincipalView<'_>> = snap
        .accounts
        .par_iter()
        .flat_map_iter(|acct| {
            let users = acct.users.iter().map(|u| PrincipalView {
                arn: &u.arn,
                account: &acct.id,
                kind: "user",
                policies: known_policies(&u.inline_policies, &u.attached_policies),
            });
            let groups = acct.groups.iter().map(|g| PrincipalView {
                arn: &g.arn,
                account: &acct.id,
                kind: "group",
                policies: known_policies(&g.inline_policies, &g.attached_policies),
            });
            let roles = acct.roles.iter().map(|r| PrincipalView {
                arn: &r.arn,
                account: &acct.id,
                kind: "role",
                policies: known_policies(&r.inline_policies, &r.attached_policies),
            });
            users.chain(groups).chain(roles)
        })
        .collect();
    let resources = snap
        .resources
        .iter()
        .map(|r| ResourceView {
            arn: &r.arn,
            account: &r.account_id,
            policy: &r.policy,
        })
        .collect();
    let account_has_users = |a: &str| snap.account(a).is_some_and(|acct| !acct.users.is_empty());
    let is_internal = |a: &str| snap.is_internal(a);
    let vendor_of = |a: &str| snap.known_accounts.lookup(a).map(str::to_string);
    let entry_points = crate::people::entry_points(snap, &graph, options.now);
    phase("entry points traced");
    let cx = ScanContext {
        options,
        roles: &views,
        principals: &principals,
        resources,
        registry: &registry.relationships,
        org_id: snap.org_id(),
        is_internal: &is_internal,
        vendor_of: &vendor_of,
        account_has_users: &account_has_users,
        graph: Some(&graph),
        snapshot: Some(snap),
        prepared: Some(summarizer.prepared()),
        entry_points: &entry_points,
        trail: trail_view.as_ref(),
    };
    let rules: Vec<&dyn Rule> = catalogue()
        .into_iter()
        .filter(|r| {
            options.only_rules.is_empty()
                || options.only_rules.iter().any(|id| {
                    id.eq_ignore_ascii_case(r.doc().id) || id.eq_ignore_ascii_case(r.doc().name)
                })
        })
        .collect();
    // Each rule's findings sorted as soon as it is done (see ScanOutput::finish_rules).
    let per_rule: Vec<Vec<Finding>> = rules
        .par_iter()
        .map(|r| {
            let mut out = Vec::new();
            let started = std::time::Instant::now();
            r.check(&cx, &mut out);
            crate::finding::sort_rule_findings(&mut out);
            if timings {
                eprintln!(
                    "trustgate:   rule {}: {:.3}s, {} findings",
                    r.doc().id,
                    started.elapsed().as_secs_f64(),
                    out.len()
                );
            }
            out
        })
        .collect();
    phase("rules run");
    let mut warnings = snap.warnings.clone();
    if snap.credential_reports.is_empty() && snap.accounts.iter().any(|a| !a.users.is_empty()) {
        warnings.push(
            "no credential-report-<account-id>.csv in the snapshot: access-key and MFA rules (TG019, TG020, TG022) did not check the IAM users".to_string(),
        );
    }
    let mut output = ScanOutput {
        warnings,
        ..Default::default()
    };
    output.summary.accounts = snap.accounts.len();
    output.summary.roles = views.len();
    output.summary.relationships = relationships;
    drop(cx);
    if options.keep_caches {
        // A command that exits next: the OS takes the memory back at once, where freeing
        // millions of small allocations one by one takes a while.
        std::mem::forget((views, principals, summarizer));
        output.finish_rules(per_rule);
    } else {
        // Free the per-scan caches on one core while the findings are sorted on the other.
        rayon::join(
            move || {
                drop(views);
                drop(principals);
                drop(summarizer);
            },
            || output.finish_rules(per_rule),
        );
    }
    phase("findings sorted");
    registry.entry_points = entry_points;
    Analysis {
        registry,
        output,
        graph,
    }
}
