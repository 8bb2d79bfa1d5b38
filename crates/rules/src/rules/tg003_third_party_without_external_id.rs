use crate::context::ScanContext;
use crate::finding::Finding;
use crate::registry::Scope;

crate::declare_rule!(ThirdPartyWithoutExternalId {
    id: "TG003",
    name: "third-party-without-external-id",
    title: "Account outside the organization trusted without sts:ExternalId",
    severity: High,
    what: "Finds trust of an account (or a principal in an account) outside the organization for `sts:AssumeRole` without a condition requiring `sts:ExternalId`.",
    why: "Vendors assume roles in many customers' accounts from one account. Without an External ID, anyone who can make the vendor assume a role ARN of their choosing (another customer of the vendor) can reach yours: the confused deputy problem.",
    example: "{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::464622532012:root\"}, \"Action\": \"sts:AssumeRole\"}",
    fix: "Add `\"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"<the unique ID the vendor gave you>\"}}`. The vendor must generate a unique, unguessable value per customer.",
});

impl ThirdPartyWithoutExternalId {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        for role in cx.roles {
            for (entry, scope, vendor) in &role.entries {
                if *scope != Scope::ThirdParty || !entry.external_ids.is_empty() {
                    continue;
                }
                if !entry.actions.iter().any(|a| a == "sts:AssumeRole") {
                    continue;
                }
                let mut severity = Self::DOC.severity;
                if role.permissions.admin_equivalent {
                    severity = severity.raised();
                }
                let who = match vendor {
                    Some(v) => format!("{} ({v})", entry.principal),
                    None => format!("{} (unknown third party)", entry.principal),
                };
                out.push(
                    Finding::new(
                        Self::DOC.id,
                        severity,
                        role.arn,
                        role.account,
                        &entry.principal,
                        format!(
                            "{} trusts {who} without requiring sts:ExternalId",
                            role.name
                        ),
                    )
                    .with("trusted", &entry.principal)
                    .with("vendor", vendor)
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
    fn fires_for_outside_accounts_only() {
        let f = run_on_trust("TG003", r#"{"AWS":"arn:aws:iam::464622532012:root"}"#, "");
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("Datadog"));
        let ext = r#","Condition":{"StringEquals":{"sts:ExternalId":"9f8e7d6c-5b4a-4321-9876-abcdef012345"}}"#;
        assert!(
            run_on_trust("TG003", r#"{"AWS":"arn:aws:iam::464622532012:root"}"#, ext).is_empty()
        );
        assert!(
            run_on_trust("TG003", r#"{"AWS":"arn:aws:iam::222222222222:root"}"#, "").is_empty(),
            "internal"
        );
        assert_eq!(
            run_on_trust("TG003", r#"{"AWS":"arn:aws:iam::999999999999:role/x"}"#, "").len(),
            1
        );
    }
}
