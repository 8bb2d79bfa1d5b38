use crate::context::ScanContext;
use crate::finding::Finding;
use crate::registry::Scope;
use crate::trust::TrustedKind;

crate::declare_rule!(PublicTrust {
    id: "TG002",
    name: "public-trust",
    title: "Role can be assumed by any AWS principal",
    severity: Critical,
    what: "Finds trust policies that allow `*` (or `{\"AWS\": \"*\"}`, or an Allow with `NotPrincipal`) to assume the role without a condition that restricts who: `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID`.",
    why: "Any AWS account in the world can call `sts:AssumeRole` on the role. An `sts:ExternalId` or other shared-secret condition is not a restriction on who: it leaks, and AWS does not treat it as one.",
    example: "{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"*\"}, \"Action\": \"sts:AssumeRole\"}",
    fix: "Name the principals that need access, or add `\"Condition\": {\"StringEquals\": {\"aws:PrincipalOrgID\": \"o-xxxxxxxxxx\"}}` to keep it inside the organization.",
});

impl PublicTrust {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        for role in cx.roles {
            for (entry, scope, _) in &role.entries {
                if entry.kind != TrustedKind::Anyone || *scope != Scope::Public {
                    continue;
                }
                let how = if entry.via_not_principal {
                    "an Allow with NotPrincipal"
                } else {
                    "Principal \"*\""
                };
                out.push(
                    Finding::new(
                        Self::DOC.id,
                        Self::DOC.severity,
                        role.arn,
                        role.account,
                        &entry.statement,
                        format!(
                            "{} can be assumed by any AWS principal ({how}, no condition restricting who)",
                            role.name
                        ),
                    )
                    .with("statement", &entry.statement)
                    .with("conditions", &entry.conditions)
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
    fn fires_without_restricting_condition() {
        assert_eq!(run_on_trust("TG002", r#""*""#, "").len(), 1);
        assert_eq!(run_on_trust("TG002", r#"{"AWS":"*"}"#, "").len(), 1);
        let ext = r#","Condition":{"StringEquals":{"sts:ExternalId":"abc123456789"}}"#;
        assert_eq!(
            run_on_trust("TG002", r#"{"AWS":"*"}"#, ext).len(),
            1,
            "ExternalId does not restrict who"
        );
        let org = r#","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-test"}}"#;
        assert!(run_on_trust("TG002", r#"{"AWS":"*"}"#, org).is_empty());
        let iff = r#","Condition":{"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-test"}}"#;
        assert_eq!(
            run_on_trust("TG002", r#"{"AWS":"*"}"#, iff).len(),
            1,
            "IfExists passes when absent"
        );
        assert!(
            run_on_trust("TG002", r#"{"AWS":"arn:aws:iam::222222222222:root"}"#, "").is_empty()
        );
    }
}
