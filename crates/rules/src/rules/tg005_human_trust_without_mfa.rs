use crate::context::ScanContext;
use crate::finding::Finding;
use crate::trust::TrustedKind;

crate::declare_rule!(HumanTrustWithoutMfa {
    id: "TG005",
    name: "human-trust-without-mfa",
    title: "Role assumable by people without MFA",
    severity: Medium,
    what: "Finds trust of IAM users, or of an account root where that account has IAM users, without a condition requiring MFA (`Bool aws:MultiFactorAuthPresent true`, or a bound on `aws:MultiFactorAuthAge`). `BoolIfExists` does not count: requests signed with long-term access keys carry no MFA key and pass it. SAML trust is not reported: MFA is enforced at the identity provider, which IAM cannot see (the registry says so).",
    why: "Role assumption by people is where stolen passwords and leaked access keys turn into access to other accounts. Requiring MFA on the trust policy makes a leaked key alone useless.",
    example: "{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:root\"}, \"Action\": \"sts:AssumeRole\"}",
    fix: "Add `\"Condition\": {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}}` (and optionally `\"NumericLessThan\": {\"aws:MultiFactorAuthAge\": \"3600\"}`) to the trust statement; prefer IAM Identity Center (SAML) for people.",
});

impl HumanTrustWithoutMfa {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        for role in cx.roles {
            for (entry, scope, _) in &role.entries {
                if entry.mfa || !entry.actions.iter().any(|a| a == "sts:AssumeRole") {
                    continue;
                }
                let human = match entry.kind {
                    TrustedKind::User => true,
                    TrustedKind::Account => entry
                        .account
                        .as_deref()
                        .is_some_and(|a| (cx.account_has_users)(a)),
                    _ => false,
                };
                if !human {
                    continue;
                }
                let mut severity = Self::DOC.severity;
                if role.permissions.admin_equivalent {
                    severity = severity.raised();
                }
                out.push(
                    Finding::new(
                        Self::DOC.id,
                        severity,
                        role.arn,
                        role.account,
                        &entry.principal,
                        format!(
                            "{} can be assumed by IAM users ({}) without MFA",
                            role.name, entry.principal
                        ),
                    )
                    .with("trusted", &entry.principal)
                    .with("scope", scope.as_str())
                    .with("statement", &entry.statement),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    #[test]
    fn fires_for_users_and_accounts_with_users() {
        assert_eq!(
            run_on_trust(
                "TG005",
                r#"{"AWS":"arn:aws:iam::111111111111:user/alice"}"#,
                ""
            )
            .len(),
            1
        );
        assert_eq!(
            run_on_trust("TG005", r#"{"AWS":"arn:aws:iam::222222222222:root"}"#, "").len(),
            1
        );
        let mfa = r#","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#;
        assert!(
            run_on_trust("TG005", r#"{"AWS":"arn:aws:iam::222222222222:root"}"#, mfa).is_empty()
        );
        let if_exists = r#","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}"#;
        assert_eq!(
            run_on_trust(
                "TG005",
                r#"{"AWS":"arn:aws:iam::222222222222:root"}"#,
                if_exists
            )
            .len(),
            1
        );
        assert!(
            run_on_trust(
                "TG005",
                r#"{"AWS":"arn:aws:iam::222222222222:role/ci"}"#,
                ""
            )
            .is_empty(),
            "roles are machines"
        );
        let saml = trust_doc(
            r#"{"Federated":"arn:aws:iam::111111111111:saml-provider/Okta"}"#,
            "",
        );
        assert!(Fixture::new(saml).run("TG005").is_empty());
    }
}
