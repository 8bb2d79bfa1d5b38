use crate::context::ScanContext;
use crate::finding::Finding;
use crate::registry::Scope;
use crate::trust::TrustedKind;

crate::declare_rule!(RootTrust {
    id: "TG001",
    name: "root-trust",
    title: "Role trusts another account's root instead of a specific principal",
    severity: Medium,
    what: "Finds trust policies that name another account as a whole (`arn:aws:iam::ID:root` or a bare account ID) without an `aws:PrincipalArn` condition narrowing it to specific roles or users. Third-party vendor trust that requires an `sts:ExternalId` is the pattern AWS documents for vendors (who publish an account, not a role) and is left to TG003/TG004.",
    why: "Trusting an account root delegates the decision to every identity policy in that account: any user or role there that is (or later becomes) allowed `sts:AssumeRole` on `*` can assume this role. The role's owner no longer controls who gets in.",
    example: "{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:root\"}, \"Action\": \"sts:AssumeRole\"}",
    fix: "Name the specific role that needs access (`arn:aws:iam::111122223333:role/ci-deployer`), or keep the root principal and add `\"Condition\": {\"ArnEquals\": {\"aws:PrincipalArn\": \"arn:aws:iam::111122223333:role/ci-deployer\"}}`.",
});

impl RootTrust {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        for role in cx.roles {
            for (entry, scope, vendor) in &role.entries {
                if entry.kind != TrustedKind::Account || !scope.is_cross_account() {
                    continue;
                }
                if entry
                    .restricted_by
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case("aws:PrincipalArn"))
                {
                    continue;
                }
                // Vendors publish an account, not a role: account trust with an External ID is
                // the pattern AWS documents for third parties (TG003/TG004 judge the ID).
                if *scope == Scope::ThirdParty && !entry.external_ids.is_empty() {
                    continue;
                }
                let mut severity = Self::DOC.severity;
                if role.permissions.admin_equivalent {
                    severity = severity.raised();
                }
                let who = match vendor {
                    Some(v) => format!("{} ({v})", entry.principal),
                    None => entry.principal.clone(),
                };
                out.push(
                    Finding::new(
                        Self::DOC.id,
                        severity,
                        role.arn,
                        role.account,
                        &entry.principal,
                        format!(
                            "{} trusts the whole account {who}: every principal there allowed sts:AssumeRole can assume it",
                            role.name
                        ),
                    )
                    .with("trusted", &entry.principal)
                    .with("scope", scope.as_str())
                    .with("statement", &entry.statement)
                    .with("adminEquivalent", role.permissions.admin_equivalent),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    #[test]
    fn fires_on_cross_account_root_only() {
        let f = run_on_trust("TG001", r#"{"AWS":"arn:aws:iam::222222222222:root"}"#, "");
        assert_eq!(f.len(), 1);
        let f = run_on_trust("TG001", r#"{"AWS":"222222222222"}"#, "");
        assert_eq!(f.len(), 1, "bare account IDs are the root");
        let f = run_on_trust(
            "TG001",
            r#"{"AWS":"arn:aws:iam::222222222222:root"}"#,
            r#","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::222222222222:role/ci"}}"#,
        );
        assert!(f.is_empty(), "narrowed by aws:PrincipalArn");
        let f = run_on_trust(
            "TG001",
            r#"{"AWS":"arn:aws:iam::222222222222:role/ci"}"#,
            "",
        );
        assert!(f.is_empty());
        let f = run_on_trust("TG001", r#"{"AWS":"arn:aws:iam::111111111111:root"}"#, "");
        assert!(f.is_empty(), "same-account root trust is not cross-account");
        let ext = r#","Condition":{"StringEquals":{"sts:ExternalId":"9f8e7d6c-5b4a-4321-9876-abcdef012345"}}"#;
        assert!(
            run_on_trust("TG001", r#"{"AWS":"arn:aws:iam::464622532012:root"}"#, ext).is_empty(),
            "vendor + External ID"
        );
        assert_eq!(
            run_on_trust("TG001", r#"{"AWS":"arn:aws:iam::222222222222:root"}"#, ext).len(),
            1,
            "internal: External ID is no substitute"
        );
    }
}
