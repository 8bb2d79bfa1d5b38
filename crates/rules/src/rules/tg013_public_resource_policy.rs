use trustgate_policy::{Effect, PrincipalKind};

use crate::context::ScanContext;
use crate::finding::{Finding, Severity};
use crate::trust::restricting_keys;

crate::declare_rule!(PublicResourcePolicy {
    id: "TG013",
    name: "public-resource-policy",
    title: "Resource policy grants anyone, or an account outside the organization",
    severity: High,
    what: "Inspects resource-based policies (S3 bucket, KMS key, SQS queue, SNS topic, Lambda, Secrets Manager, ECR…) for Allow statements to `*` without a condition restricting who (critical), or to the root of an account outside the organization without `aws:PrincipalOrgID` (high).",
    why: "A resource policy is a door into the account that bypasses the account's identity policies for the principals it names. `*` opens it to the internet; an external account root opens it to everyone in that account.",
    example: "{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::bucket/*\"}",
    fix: "Name specific principals, and add `\"Condition\": {\"StringEquals\": {\"aws:PrincipalOrgID\": \"o-xxxxxxxxxx\"}}` when access is meant for the organization; use S3 Block Public Access for buckets that must never be public.",
});

impl PublicResourcePolicy {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        for res in &cx.resources {
            for (i, st) in res.policy.statements.iter().enumerate() {
                if st.effect != Effect::Allow {
                    continue;
                }
                let Some(clause) = &st.principal else {
                    continue;
                };
                if clause.negated {
                    continue; // TG014
                }
                let restricted = !restricting_keys(st).is_empty();
                for p in &clause.principals {
                    let (severity, what) = if p.is_wildcard() {
                        if restricted {
                            continue;
                        }
                        (Severity::Critical, "anyone (Principal \"*\")".to_string())
                    } else if p.kind == PrincipalKind::Aws {
                        let Some(acct) = p.account_root().map(str::to_string).or_else(|| {
                            trustgate_policy::Arn::parse(&p.value).map(|a| a.account.to_string())
                        }) else {
                            continue;
                        };
                        if acct == res.account || (cx.is_internal)(&acct) || restricted {
                            continue;
                        }
                        let vendor = (cx.vendor_of)(&acct)
                            .map(|v| format!(" ({v})"))
                            .unwrap_or_default();
                        (
                            Self::DOC.severity,
                            format!("{}{vendor}, outside the organization", p.normalized()),
                        )
                    } else {
                        continue;
                    };
                    let actions: Vec<&str> =
                        st.action.actions.iter().map(|a| a.raw.as_str()).collect();
                    out.push(
                        Finding::new(
                            Self::DOC.id,
                            severity,
                            res.arn,
                            res.account,
                            &format!("{}|{}", st.label(i), p.value),
                            format!("{} grants {} to {what}", res.arn, actions.join(", ")),
                        )
                        .with("principal", &p.value)
                        .with("statement", st.label(i))
                        .with("actions", &actions),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;
    use trustgate_policy::parse_policy;

    fn with_resource(doc: &str) -> Vec<crate::Finding> {
        let mut f = Fixture::new(trust_doc(r#"{"Service":"ec2.amazonaws.com"}"#, ""));
        f.resources
            .push(("arn:aws:s3:::b".into(), parse_policy(doc).unwrap()));
        f.run("TG013")
    }

    #[test]
    fn fires_on_public_and_external() {
        assert_eq!(with_resource(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#).len(), 1);
        assert!(with_resource(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-test"}}}]}"#).is_empty());
        assert_eq!(with_resource(r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"s3:GetObject","Resource":"*"}]}"#).len(), 1);
        assert!(with_resource(r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"s3:GetObject","Resource":"*"}]}"#).is_empty());
        assert!(with_resource(
            r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}"#
        )
        .is_empty());
        assert!(with_resource(r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"*"}]}"#).is_empty());
        // An AWS-managed KMS key's policy: anyone, but only callers of the key's own account.
        assert!(with_resource(r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111111111111","kms:ViaService":"s3.eu-west-1.amazonaws.com"}}}]}"#).is_empty());
    }
}
