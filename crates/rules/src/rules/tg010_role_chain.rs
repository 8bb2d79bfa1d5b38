use trustgate_access::NodeKind;

use crate::context::ScanContext;
use crate::finding::{Finding, Severity};

crate::declare_rule!(RoleChain {
    id: "TG010",
    name: "role-chain",
    title: "Role reachable only by chaining through another role",
    severity: Low,
    what: "Finds roles that a role session can assume while that first role is itself assumed by someone (role chaining: A → B → C). Raised to medium when the target allows sessions longer than one hour (STS silently caps chained sessions at one hour), and to high when the target is admin-equivalent.",
    why: "Chains are the trust relationships nobody remembers: each hop is reviewed alone, but together they let the first principal act as the last role. A chained session cannot exceed one hour, so a long MaxSessionDuration on the target is a sign the chain was not designed. A direct trust is simpler to review and to monitor.",
    example: "CI OIDC → tooling/github-actions → tooling/ci-deployer → prod/prod-admin (MaxSessionDuration 43200)",
    fix: "Trust the principal that really needs the role directly (and remove the intermediate hop), or document the chain and set the target's MaxSessionDuration to 3600 so the configuration says what STS does.",
});

impl RoleChain {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        let Some(g) = cx.graph else { return };
        super::for_each_parallel(&g.nodes, out, |target, node, out| {
            if node.kind != NodeKind::Role {
                return;
            }
            // An edge from a role that is itself assumable: a chain into `target`.
            let chain = g.incoming(target).find_map(|e| {
                let mid = g.ends(e).0;
                if g.nodes[mid].kind != NodeKind::Role {
                    return None;
                }
                g.incoming(mid).next().map(|e0| (e0, e))
            });
            let Some((e0, e1)) = chain else { return };
            let path = g.path(vec![e0, e1]);
            let max = node.max_session_seconds.unwrap_or(3600);
            let severity = if node.admin {
                Severity::High
            } else if max > 3600 {
                Severity::Medium
            } else {
                Self::DOC.severity
            };
            let via: Vec<&str> = path.hops.iter().map(|h| h.from.as_str()).collect();
            let mut message = format!(
                "{} is reached by role chaining: {} → {}",
                node.id,
                via.join(" → "),
                node.id
            );
            if max > 3600 {
                message.push_str(&format!(
                    " (MaxSessionDuration {max}s, but chained sessions are capped at 3600s)"
                ));
            }
            out.push(
                Finding::new(
                    Self::DOC.id,
                    severity,
                    &node.id,
                    node.account.clone().unwrap_or_default(),
                    "",
                    message,
                )
                .with("path", crate::details::PathFact(&path))
                .with("maxSessionSeconds", max)
                .with("adminEquivalent", node.admin),
            );
        });
    }
}
