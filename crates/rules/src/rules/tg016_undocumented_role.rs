use crate::context::ScanContext;
use crate::finding::Finding;

crate::declare_rule!(UndocumentedRole {
    id: "TG016",
    name: "undocumented-role",
    title: "Cross-account role without owner and purpose tags",
    severity: Low,
    what: "Finds roles assumable from another account (or by anyone) that lack an owner tag (`owner`, `team`, `contact`, `owner-email`) or a purpose tag (`purpose`, `description`, `application`, `service`, `app`). Tag keys are compared case-insensitively.",
    why: "Every trust relationship should be documented: who asked for it, who owns it, why it exists. Quarterly reviews and incident response both stall on roles nobody can attribute.",
    example: "A role trusted by a vendor account with Tags: []",
    fix: "Tag the role: `aws iam tag-role --role-name R --tags Key=owner,Value=platform-team Key=purpose,Value=\"CI deploys to prod\"`.",
});

const OWNER: [&str; 5] = ["owner", "team", "contact", "owner-email", "owner_email"];
const PURPOSE: [&str; 5] = ["purpose", "description", "application", "service", "app"];

impl UndocumentedRole {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        for role in cx.roles {
            if !role.is_cross_account() {
                continue;
            }
            let has = |names: &[&str]| {
                role.tags.iter().any(|(k, v)| {
                    !v.trim().is_empty() && names.iter().any(|n| k.eq_ignore_ascii_case(n))
                })
            };
            let mut missing = Vec::new();
            if !has(&OWNER) {
                missing.push("owner");
            }
            if !has(&PURPOSE) {
                missing.push("purpose");
            }
            if missing.is_empty() {
                continue;
            }
            out.push(
                Finding::new(
                    Self::DOC.id,
                    Self::DOC.severity,
                    role.arn,
                    role.account,
                    "",
                    format!(
                        "{} is assumable from another account but has no {} tag",
                        role.name,
                        missing.join(" or ")
                    ),
                )
                .with("missing", &missing),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    #[test]
    fn fires_without_tags() {
        let mut f = Fixture::new(trust_doc(
            r#"{"AWS":"arn:aws:iam::222222222222:role/ci"}"#,
            "",
        ));
        assert_eq!(f.run("TG016").len(), 1);
        f.tags.insert("Owner".into(), "platform".into());
        f.tags.insert("purpose".into(), "deploys".into());
        assert!(f.run("TG016").is_empty());
    }
}
