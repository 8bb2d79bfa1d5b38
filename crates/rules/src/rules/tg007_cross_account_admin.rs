use crate::context::ScanContext;
use crate::finding::{Finding, Severity};
use crate::registry::Scope;

crate::declare_rule!(CrossAccountAdmin {
    id: "TG007",
    name: "cross-account-admin",
    title: "Role assumable from another account is admin-equivalent",
    severity: High,
    what: "Finds roles that principals of another account (or anyone) may assume and whose permissions are admin-equivalent: they allow every action probed on every resource, or let the role rewrite its own permissions (`iam:PutRolePolicy`/`iam:AttachRolePolicy` on itself, `iam:CreatePolicyVersion` on any policy). Reported as critical when the trusted party is outside the organization or anyone.",
    why: "Whoever controls the trusted account controls this one. Cross-account access should grant the least privilege the task needs; full administrator access turns one compromised CI job or vendor into a compromise of the target account.",
    example: "Trust: {\"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:role/ci\"}} with AdministratorAccess attached",
    fix: "Replace the admin policy with a policy scoped to what the trusted party does (for CI: the deploy actions on the stacks it owns), and cap it with a permissions boundary.",
});

impl CrossAccountAdmin {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        for role in cx.roles {
            if !role.permissions.admin_equivalent {
                continue;
            }
            let cross: Vec<_> = role
                .entries
                .iter()
                .filter(|(_, scope, _)| scope.is_cross_account())
                .collect();
            if cross.is_empty() {
                continue;
            }
            let outside = cross
                .iter()
                .any(|(_, s, _)| matches!(s, Scope::ThirdParty | Scope::Public));
            let severity = if outside {
                Severity::Critical
            } else {
                Self::DOC.severity
            };
            let trusted: Vec<&str> = cross.iter().map(|(e, _, _)| e.principal.as_str()).collect();
            out.push(
                Finding::new(
                    Self::DOC.id,
                    severity,
                    role.arn,
                    role.account,
                    "",
                    format!(
                        "{} is admin-equivalent ({}) and assumable from {}",
                        role.name,
                        role.permissions.admin_reason.as_deref().unwrap_or("admin"),
                        trusted.join(", ")
                    ),
                )
                .with("trusted", &trusted)
                .with("adminReason", &role.permissions.admin_reason),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    #[test]
    fn fires_only_for_admin_cross_account() {
        let mut f = Fixture::new(trust_doc(
            r#"{"AWS":"arn:aws:iam::222222222222:role/ci"}"#,
            "",
        ));
        assert!(f.run("TG007").is_empty());
        f.permissions.admin_equivalent = true;
        f.permissions.admin_reason = Some("allows *:*".into());
        let r = f.run("TG007");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].severity, crate::Severity::High);
        let mut vendor = Fixture::new(trust_doc(r#"{"AWS":"arn:aws:iam::464622532012:root"}"#, ""));
        vendor.permissions.admin_equivalent = true;
        assert_eq!(vendor.run("TG007")[0].severity, crate::Severity::Critical);
        let mut local = Fixture::new(trust_doc(
            r#"{"AWS":"arn:aws:iam::111111111111:role/x"}"#,
            "",
        ));
        local.permissions.admin_equivalent = true;
        assert!(local.run("TG007").is_empty());
    }
}
