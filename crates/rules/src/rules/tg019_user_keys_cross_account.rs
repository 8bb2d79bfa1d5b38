use crate::context::ScanContext;
use crate::finding::Finding;

crate::declare_rule!(UserKeysCrossAccount {
    id: "TG019",
    name: "user-keys-cross-account",
    title: "IAM user with active access keys can assume roles in other accounts",
    severity: High,
    what: "Joins the credential report with the assume-role graph: an IAM user that has an active access key and can reach, directly or by chaining, at least one role in another account. Paths that need MFA are counted only when the user has an MFA device (and the MFA hop is the first). Raised to critical when a reachable role is admin-equivalent.",
    why: "Access keys do not expire. A key leaked from a laptop, a CI log or a repository opens every account the user can assume into, long after the person left. Cross-account work belongs to federated identities or roles with short sessions, not to a long-lived key.",
    example: "tooling/ci-bot (access key 1, 412 days old) → prod/deploy, staging/deploy",
    fix: "Replace the user by federation (IAM Identity Center, SAML/OIDC) or by a role the workload assumes (OIDC from CI, instance profiles). If a key must remain, scope the user's sts:AssumeRole to the roles it needs, require MFA in the trust policies, and rotate it.",
});

impl UserKeysCrossAccount {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        for ep in cx.entry_points {
            let Some(creds) = &ep.credentials else {
                continue;
            };
            if creds.active_keys.is_empty() {
                continue;
            }
            let cross: Vec<_> = ep.usable().filter(|r| r.cross_account).collect();
            if cross.is_empty() {
                continue;
            }
            let admin = cross.iter().any(|r| r.admin);
            let severity = if admin {
                Self::DOC.severity.raised()
            } else {
                Self::DOC.severity
            };
            let keys: Vec<String> = creds
                .active_keys
                .iter()
                .map(|k| match k.age_days {
                    Some(d) => format!("access key {}, {d} days old", k.slot),
                    None => format!("access key {}", k.slot),
                })
                .collect();
            let names: Vec<&str> = cross.iter().take(5).map(|r| r.role.as_str()).collect();
            let more = cross.len().saturating_sub(names.len());
            out.push(
                Finding::new(
                    Self::DOC.id,
                    severity,
                    &ep.user,
                    &ep.account,
                    "",
                    format!(
                        "{} has {} and can assume {} role{} in other accounts{}: {}{}",
                        ep.name,
                        keys.join(", "),
                        cross.len(),
                        if cross.len() == 1 { "" } else { "s" },
                        if admin {
                            " (admin-equivalent among them)"
                        } else {
                            ""
                        },
                        names.join(", "),
                        if more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        }
                    ),
                )
                .with("activeKeys", &creds.active_keys)
                .with("roles", cross.iter().map(|r| &r.role).collect::<Vec<_>>()),
            );
        }
    }
}
