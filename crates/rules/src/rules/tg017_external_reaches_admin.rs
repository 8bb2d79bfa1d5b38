use crate::context::ScanContext;
use crate::finding::Finding;

crate::declare_rule!(ExternalReachesAdmin {
    id: "TG017",
    name: "external-reaches-admin",
    title: "A principal outside the organization (or anyone) can reach an admin-equivalent role",
    severity: Critical,
    what: "Walks the assume-role graph from every principal outside the organization — third-party accounts and principals, and anyone (`*`) — and reports each admin-equivalent role they can reach, in any number of hops, with the shortest path and the conditions along it (External ID, MFA…).",
    why: "This is the lateral-movement path an attacker who compromises a vendor, an MSP or a leaked role in another account would take. Each hop may look acceptable on its own; the path ends with full control of an account.",
    example: "arn:aws:iam::999988887777:root → prod/msp-support (AdministratorAccess)",
    fix: "Cut the path at its weakest hop: scope the vendor role to the permissions it needs, require an External ID and specific principals, and put a permissions boundary on roles assumable from outside.",
});

impl ExternalReachesAdmin {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        let Some(g) = cx.graph else { return };
        let sources: Vec<usize> = (0..g.nodes.len())
            .filter(|&i| !g.nodes[i].internal)
            .collect();
        if sources.is_empty() {
            return;
        }
        for path in g.shortest_paths(&sources, &|i| g.nodes[i].admin, 8) {
            let node = &g.nodes[g.ends(*path.edge_ids.last().expect("non-empty")).1];
            out.push(
                Finding::new(
                    Self::DOC.id,
                    Self::DOC.severity,
                    &node.id,
                    node.account.clone().unwrap_or_default(),
                    &path.from,
                    format!(
                        "{} can reach the admin-equivalent role {} in {} hop{}",
                        path.from,
                        node.id,
                        path.hops.len(),
                        if path.hops.len() == 1 { "" } else { "s" }
                    ),
                )
                .with("from", &path.from)
                .with("path", crate::details::PathFact(&path)),
            );
        }
    }
}
