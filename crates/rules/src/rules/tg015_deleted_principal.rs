use crate::context::ScanContext;
use crate::finding::Finding;
use crate::trust::TrustedKind;

crate::declare_rule!(DeletedPrincipal {
    id: "TG015",
    name: "deleted-principal",
    title: "Trust policy names a deleted principal (unique ID instead of an ARN)",
    severity: Medium,
    what: "Finds trust policy principals shown as IAM unique IDs (`AROA…`, `AIDA…`). IAM stores a trusted role or user by its unique ID and shows the ID instead of the ARN once that principal is deleted.",
    why: "The relationship is dead but still documented as trust: nobody can use it, yet it hides which principal it was for, and a principal re-created with the same name does not regain access — which breaks things in confusing ways. It is also a sign the trust policy is not maintained.",
    example: "{\"Principal\": {\"AWS\": \"AROAEXAMPLEID1234567\"}}",
    fix: "Remove the unique ID from the trust policy; if the access is still needed, add the new principal's ARN.",
});

impl DeletedPrincipal {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        for role in cx.roles {
            for (entry, _, _) in &role.entries {
                if entry.kind != TrustedKind::DeletedPrincipal {
                    continue;
                }
                out.push(
                    Finding::new(
                        Self::DOC.id,
                        Self::DOC.severity,
                        role.arn,
                        role.account,
                        &entry.principal,
                        format!(
                            "{} trusts {}, the unique ID of a deleted principal",
                            role.name, entry.principal
                        ),
                    )
                    .with("principal", &entry.principal)
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
    fn fires_on_unique_ids() {
        assert_eq!(
            run_on_trust("TG015", r#"{"AWS":"AROAABCDEFGHIJKLMNOPQ"}"#, "").len(),
            1
        );
        assert!(
            run_on_trust("TG015", r#"{"AWS":"arn:aws:iam::222222222222:role/x"}"#, "").is_empty()
        );
    }
}
