use crate::context::ScanContext;
use crate::finding::Finding;
use crate::trust::TrustedKind;

crate::declare_rule!(ServiceTrustWithoutSource {
    id: "TG006",
    name: "service-trust-without-source",
    title: "Service principal trusted without aws:SourceAccount or aws:SourceArn",
    severity: Medium,
    what: "Finds trust of an AWS service principal that acts on behalf of many customers (Config, EventBridge, CloudTrail, SNS, S3, Backup…) without an `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID` or `aws:SourceOrgPaths` condition. Compute services that receive the role through `iam:PassRole` by your own principals (EC2, Lambda, ECS tasks, EKS, Batch…) are not reported.",
    why: "Cross-service confused deputy: another customer can configure the same service to use your role ARN, and the service will assume it for them. AWS recommends the source conditions on every such trust.",
    example: "{\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"config.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\"}",
    fix: "Add `\"Condition\": {\"StringEquals\": {\"aws:SourceAccount\": \"111122223333\"}}` or `\"ArnLike\": {\"aws:SourceArn\": \"arn:aws:config:*:111122223333:*\"}`.",
});

/// Services whose roles are bound by your own principals with iam:PassRole (no other
/// customer can make the service use your role), so the source conditions are moot.
const PASS_ROLE_BOUND: [&str; 14] = [
    "ec2.amazonaws.com",
    "lambda.amazonaws.com",
    "edgelambda.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "ecs.amazonaws.com",
    "eks.amazonaws.com",
    "eks-fargate-pods.amazonaws.com",
    "batch.amazonaws.com",
    "elasticmapreduce.amazonaws.com",
    "glue.amazonaws.com",
    "states.amazonaws.com",
    "codebuild.amazonaws.com",
    "sagemaker.amazonaws.com",
    "ssm.amazonaws.com",
];

const SOURCE_KEYS: [&str; 4] = [
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
];

impl ServiceTrustWithoutSource {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        for role in cx.roles {
            for (entry, _, _) in &role.entries {
                if entry.kind != TrustedKind::Service {
                    continue;
                }
                let svc = entry.principal.to_ascii_lowercase();
                if PASS_ROLE_BOUND.contains(&svc.as_str()) {
                    continue;
                }
                let has_source = entry
                    .restricted_by
                    .iter()
                    .any(|k| SOURCE_KEYS.contains(&k.to_ascii_lowercase().as_str()));
                if has_source {
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
                            "{} trusts {} without aws:SourceAccount/aws:SourceArn (confused deputy)",
                            role.name, entry.principal
                        ),
                    )
                    .with("service", &entry.principal)
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
    fn fires_for_deputy_prone_services() {
        assert_eq!(
            run_on_trust("TG006", r#"{"Service":"config.amazonaws.com"}"#, "").len(),
            1
        );
        let src = r#","Condition":{"StringEquals":{"aws:SourceAccount":"111111111111"}}"#;
        assert!(run_on_trust("TG006", r#"{"Service":"config.amazonaws.com"}"#, src).is_empty());
        assert!(run_on_trust("TG006", r#"{"Service":"ec2.amazonaws.com"}"#, "").is_empty());
    }
}
