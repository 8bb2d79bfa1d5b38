use crate::context::ScanContext;
use crate::finding::Finding;

crate::declare_rule!(NoPermissionBoundary {
    id: "TG009",
    name: "no-permission-boundary",
    title: "Cross-account role without a permissions boundary",
    severity: Low,
    what: "Finds roles assumable from another account (or by anyone) that have no permissions boundary attached.",
    why: "A boundary caps what the role can ever be granted: if someone later attaches a broader policy (or the role can edit its own policies), the boundary still holds. For access delegated to other accounts it is the guard rail that survives mistakes.",
    example: "A role trusted by arn:aws:iam::111122223333:role/ci with no PermissionsBoundary",
    fix: "Attach a boundary policy that allows only the services the cross-account task needs and denies IAM and Organizations changes: `aws iam put-role-permissions-boundary --role-name R --permissions-boundary arn:aws:iam::ACCOUNT:policy/cross-account-boundary`.",
});

impl NoPermissionBoundary {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        for role in cx.roles {
            if role.permission_boundary.is_some() || !role.is_cross_account() {
                continue;
            }
            let mut severity = Self::DOC.severity;
            if role.permissions.admin_equivalent {
                severity = severity.raised();
            }
            out.push(Finding::new(
                Self::DOC.id,
                severity,
                role.arn,
                role.account,
                "",
                format!(
                    "{} is assumable from another account and has no permissions boundary",
                    role.name
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    #[test]
    fn fires_without_boundary() {
        let mut f = Fixture::new(trust_doc(
            r#"{"AWS":"arn:aws:iam::222222222222:role/ci"}"#,
            "",
        ));
        assert_eq!(f.run("TG009").len(), 1);
        f.boundary = Some("arn:aws:iam::111111111111:policy/b".into());
        assert!(f.run("TG009").is_empty());
        assert!(run_on_trust("TG009", r#"{"Service":"ec2.amazonaws.com"}"#, "").is_empty());
    }
}
