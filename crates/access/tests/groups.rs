//! Caller groups are only a way of storing edges: on a synthetic organization (root trusts,
//! hub accounts, SCPs and RCPs, conditions), the grouped graph has exactly the edges of the
//! graph built caller by caller, and the same shortest-path lengths.

use std::collections::BTreeSet;

use trustgate_access::{AccessGraph, Summarizer};
use trustgate_model::{LoadOptions, Snapshot};
use trustgate_synth::{generate, SynthOptions};

fn edge_set(g: &AccessGraph) -> BTreeSet<(String, String, &'static str, &'static str, String)> {
    g.edges()
        .map(|(_, e)| {
            (
                g.nodes[e.from].id.clone(),
                g.nodes[e.to].id.clone(),
                e.action,
                e.decision,
                e.condition.to_string(),
            )
        })
        .collect()
}

#[test]
fn grouped_graph_has_the_edges_of_the_caller_by_caller_graph() {
    let dir = tempfile::tempdir().unwrap();
    for seed in [1, 7] {
        let out = dir.path().join(format!("org-{seed}"));
        generate(
            &SynthOptions {
                accounts: 12,
                roles_per_account: 60,
                seed,
            },
            &out,
        )
        .unwrap();
        let snap = Snapshot::load(&out, &LoadOptions::default()).unwrap();
        let s = Summarizer::new(&snap);
        let admin = |p| s.summarize(p).admin_equivalent;
        let grouped = AccessGraph::build_with(&snap, s.prepared(), &admin, true);
        let single = AccessGraph::build_with(&snap, s.prepared(), &admin, false);
        assert!(
            grouped.storage_note().contains(" groups ")
                && !grouped.storage_note().contains(" 0 groups"),
            "the fixture must exercise groups: {}",
            grouped.storage_note()
        );
        let (a, b) = (edge_set(&grouped), edge_set(&single));
        assert_eq!(grouped.edge_count(), grouped.edges().count());
        // (A principal named by a trust policy and also reached through its account root has
        // two edges to the role: compare sets.)
        assert!(
            a == b,
            "first difference: {:?}",
            a.symmetric_difference(&b).next()
        );

        // Same reach, same distances, from every principal outside the org and every user.
        let sources: Vec<usize> = (0..grouped.nodes.len())
            .filter(|&i| !grouped.nodes[i].internal || grouped.nodes[i].id.contains(":user/"))
            .collect();
        let lengths = |g: &AccessGraph| -> BTreeSet<(String, usize)> {
            g.shortest_paths(&sources, &|_| true, 6)
                .into_iter()
                .map(|p| (p.to, p.hops.len()))
                .collect()
        };
        assert_eq!(lengths(&grouped), lengths(&single));
        // Each node's outgoing and incoming edges agree with the edge list.
        for n in 0..grouped.nodes.len() {
            for e in grouped.outgoing(n) {
                assert_eq!(grouped.ends(e).0, n);
            }
            for e in grouped.incoming(n) {
                assert_eq!(grouped.ends(e).1, n);
            }
        }
        let out_total: usize = (0..grouped.nodes.len())
            .map(|n| grouped.outgoing(n).count())
            .sum();
        let in_total: usize = (0..grouped.nodes.len())
            .map(|n| grouped.incoming(n).count())
            .sum();
        assert_eq!(out_total, grouped.edge_count());
        assert_eq!(in_total, grouped.edge_count());
    }
}
