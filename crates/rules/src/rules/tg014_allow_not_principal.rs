use trustgate_policy::{Effect, Policy};

use crate::context::ScanContext;
use crate::finding::Finding;

crate::declare_rule!(AllowNotPrincipal {
    id: "TG014",
    name: "allow-not-principal",
    title: "Allow statement with NotPrincipal",
    severity: High,
    what: "Finds trust policies and resource policies with `\"Effect\": \"Allow\"` and `NotPrincipal`.",
    why: "Allow with NotPrincipal grants access to every principal in every AWS account except the few listed — including anonymous callers. AWS recommends never combining them.",
    example: "{\"Effect\": \"Allow\", \"NotPrincipal\": {\"AWS\": \"arn:aws:iam::111122223333:user/Bob\"}, \"Action\": \"s3:*\", \"Resource\": \"*\"}",
    fix: "Use `Principal` with the principals who need access; to exclude principals, use a Deny with a condition on `aws:PrincipalArn` instead.",
});

impl AllowNotPrincipal {
    fn check_policy(arn: &str, account: &str, kind: &str, policy: &Policy, out: &mut Vec<Finding>) {
        for (i, st) in policy.statements.iter().enumerate() {
            if st.effect == Effect::Allow && st.principal.as_ref().is_some_and(|p| p.negated) {
                out.push(
                    Finding::new(
                        Self::DOC.id,
                        Self::DOC.severity,
                        arn,
                        account,
                        &st.label(i),
                        format!(
                            "{kind} of {arn}: {} allows everyone except the NotPrincipal list",
                            st.label(i)
                        ),
                    )
                    .with("statement", st.label(i)),
                );
            }
        }
    }

    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        for role in cx.roles {
            Self::check_policy(
                role.arn,
                role.account,
                "trust policy",
                role.trust_policy,
                out,
            );
        }
        for res in &cx.resources {
            Self::check_policy(res.arn, res.account, "resource policy", res.policy, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;
    use trustgate_policy::parse_policy;

    #[test]
    fn fires_on_allow_not_principal() {
        let t = parse_policy(r#"{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:user/x"},"Action":"sts:AssumeRole"}]}"#).unwrap();
        assert_eq!(Fixture::new(t).run("TG014").len(), 1);
        let d = parse_policy(r#"{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:user/x"},"Action":"sts:AssumeRole"}]}"#).unwrap();
        assert!(Fixture::new(d).run("TG014").is_empty());
    }
}
