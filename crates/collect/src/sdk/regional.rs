//! One account in one region: the resource policies of KMS keys, SQS queues, SNS topics,
//! Lambda functions, Secrets Manager secrets and ECR repositories.

use aws_config::{Region, SdkConfig};
use aws_sdk_sqs::types::QueueAttributeName;

use super::{error_code, failure};
use crate::manifest::Failure;
use crate::snapshot::ResourcePolicy;

pub struct RegionResult {
    pub account_id: String,
    pub region: String,
    pub resources: Vec<ResourcePolicy>,
    pub failures: Vec<Failure>,
    /// Services whose listing succeeded (0 with failures: the region failed as a whole).
    pub services_ok: usize,
}

/// What one service's collection adds.
struct Acc<'a> {
    account_id: &'a str,
    region: &'a str,
    resources: Vec<ResourcePolicy>,
    failures: Vec<Failure>,
}

impl Acc<'_> {
    fn fail<E: std::error::Error + 'static>(
        &mut self,
        action: &str,
        resource: Option<&str>,
        e: &aws_sdk_sts::error::SdkError<E>,
    ) {
        self.failures
            .push(failure(action, Some(self.region), resource, e));
    }

    /// A policy document as the service returned it.
    fn policy(&mut self, action: &str, arn: &str, text: Option<&str>) {
        let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
            return;
        };
        match ResourcePolicy::from_text(arn.to_string(), self.account_id.to_string(), text) {
            Ok(r) => self.resources.push(r),
            Err(message) => self.failures.push(Failure {
                action: action.into(),
                region: Some(self.region.to_string()),
                resource: Some(arn.to_string()),
                message,
            }),
        }
    }
}

pub async fn collect_region(
    account_config: &SdkConfig,
    account_id: &str,
    region: &str,
) -> RegionResult {
    let config = account_config
        .to_builder()
        .region(Region::new(region.to_string()))
        .build();
    let mut acc = Acc {
        account_id,
        region,
        resources: vec![],
        failures: vec![],
    };
    let mut services_ok = 0;
    services_ok += usize::from(kms_keys(&config, &mut acc).await);
    services_ok += usize::from(sqs_queues(&config, &mut acc).await);
    services_ok += usize::from(sns_topics(&config, &mut acc).await);
    services_ok += usize::from(lambda_functions(&config, &mut acc).await);
    services_ok += usize::from(secrets(&config, &mut acc).await);
    services_ok += usize::from(ecr_repositories(&config, &mut acc).await);
    RegionResult {
        account_id: account_id.to_string(),
        region: region.to_string(),
        resources: acc.resources,
        failures: acc.failures,
        services_ok,
    }
}

/// Key policies (the only policy name KMS has is `default`).
async fn kms_keys(config: &SdkConfig, acc: &mut Acc<'_>) -> bool {
    let kms = aws_sdk_kms::Client::new(config);
    let mut keys: Vec<(String, String)> = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        match kms.list_keys().set_marker(marker.take()).send().await {
            Ok(page) => {
                keys.extend(
                    page.keys()
                        .iter()
                        .filter_map(|k| Some((k.key_id()?.to_string(), k.key_arn()?.to_string()))),
                );
                marker = page.next_marker().map(str::to_string);
                if !page.truncated() || marker.is_none() {
                    break;
                }
            }
            Err(e) => {
                acc.fail("kms:ListKeys", None, &e);
                return false;
            }
        }
    }
    for (id, arn) in keys {
        match kms
            .get_key_policy()
            .key_id(&id)
            .policy_name("default")
            .send()
            .await
        {
            Ok(out) => acc.policy("kms:GetKeyPolicy", &arn, out.policy()),
            Err(e) => acc.fail("kms:GetKeyPolicy", Some(&arn), &e),
        }
    }
    true
}

async fn sqs_queues(config: &SdkConfig, acc: &mut Acc<'_>) -> bool {
    let sqs = aws_sdk_sqs::Client::new(config);
    let mut urls: Vec<String> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        match sqs.list_queues().set_next_token(token.take()).send().await {
            Ok(page) => {
                urls.extend(page.queue_urls().iter().cloned());
                token = page.next_token().map(str::to_string);
                if token.is_none() {
                    break;
                }
            }
            Err(e) => {
                acc.fail("sqs:ListQueues", None, &e);
                return false;
            }
        }
    }
    for url in urls {
        match sqs
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names(QueueAttributeName::Policy)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await
        {
            Ok(out) => {
                let attrs = out.attributes();
                let arn = attrs.and_then(|a| a.get(&QueueAttributeName::QueueArn));
                let policy = attrs.and_then(|a| a.get(&QueueAttributeName::Policy));
                match (arn, policy) {
                    (Some(arn), policy) => {
                        acc.policy("sqs:GetQueueAttributes", arn, policy.map(String::as_str))
                    }
                    (None, None) => {}
                    (None, Some(_)) => acc.failures.push(Failure {
                        action: "sqs:GetQueueAttributes".into(),
                        region: Some(acc.region.to_string()),
                        resource: Some(url.clone()),
                        message: "the queue has a policy but no QueueArn attribute".into(),
                    }),
                }
            }
            // Deleted between the listing and now: nothing to record.
            Err(e) if error_code(&e) == Some("AWS.SimpleQueueService.NonExistentQueue") => {}
            Err(e) => acc.fail("sqs:GetQueueAttributes", Some(&url), &e),
        }
    }
    true
}

async fn sns_topics(config: &SdkConfig, acc: &mut Acc<'_>) -> bool {
    let sns = aws_sdk_sns::Client::new(config);
    let mut arns: Vec<String> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        match sns.list_topics().set_next_token(token.take()).send().await {
            Ok(page) => {
                arns.extend(
                    page.topics()
                        .iter()
                        .filter_map(|t| t.topic_arn().map(str::to_string)),
                );
                token = page.next_token().map(str::to_string);
                if token.is_none() {
                    break;
                }
            }
            Err(e) => {
                acc.fail("sns:ListTopics", None, &e);
                return false;
            }
        }
    }
    for arn in arns {
        match sns.get_topic_attributes().topic_arn(&arn).send().await {
            Ok(out) => {
                let policy = out.attributes().and_then(|a| a.get("Policy"));
                acc.policy("sns:GetTopicAttributes", &arn, policy.map(String::as_str));
            }
            Err(e) if error_code(&e) == Some("NotFound") => {}
            Err(e) => acc.fail("sns:GetTopicAttributes", Some(&arn), &e),
        }
    }
    true
}

async fn lambda_functions(config: &SdkConfig, acc: &mut Acc<'_>) -> bool {
    let lambda = aws_sdk_lambda::Client::new(config);
    let mut arns: Vec<String> = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        match lambda
            .list_functions()
            .set_marker(marker.take())
            .send()
            .await
        {
            Ok(page) => {
                arns.extend(
                    page.functions()
                        .iter()
                        .filter_map(|f| f.function_arn().map(str::to_string)),
                );
                marker = page.next_marker().map(str::to_string);
                if marker.is_none() {
                    break;
                }
            }
            Err(e) => {
                acc.fail("lambda:ListFunctions", None, &e);
                return false;
            }
        }
    }
    for arn in arns {
        match lambda.get_policy().function_name(&arn).send().await {
            Ok(out) => acc.policy("lambda:GetPolicy", &arn, out.policy()),
            // A function without a resource policy.
            Err(e) if error_code(&e) == Some("ResourceNotFoundException") => {}
            Err(e) => acc.fail("lambda:GetPolicy", Some(&arn), &e),
        }
    }
    true
}

async fn secrets(config: &SdkConfig, acc: &mut Acc<'_>) -> bool {
    let secrets = aws_sdk_secretsmanager::Client::new(config);
    let mut arns: Vec<String> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        match secrets
            .list_secrets()
            .set_next_token(token.take())
            .send()
            .await
        {
            Ok(page) => {
                arns.extend(
                    page.secret_list()
                        .iter()
                        .filter_map(|s| s.arn().map(str::to_string)),
                );
                token = page.next_token().map(str::to_string);
                if token.is_none() {
                    break;
                }
            }
            Err(e) => {
                acc.fail("secretsmanager:ListSecrets", None, &e);
                return false;
            }
        }
    }
    for arn in arns {
        match secrets.get_resource_policy().secret_id(&arn).send().await {
            Ok(out) => acc.policy(
                "secretsmanager:GetResourcePolicy",
                &arn,
                out.resource_policy(),
            ),
            Err(e) if error_code(&e) == Some("ResourceNotFoundException") => {}
            Err(e) => acc.fail("secretsmanager:GetResourcePolicy", Some(&arn), &e),
        }
    }
    true
}

async fn ecr_repositories(config: &SdkConfig, acc: &mut Acc<'_>) -> bool {
    let ecr = aws_sdk_ecr::Client::new(config);
    let mut repos: Vec<(String, String)> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        match ecr
            .describe_repositories()
            .set_next_token(token.take())
            .send()
            .await
        {
            Ok(page) => {
                repos.extend(page.repositories().iter().filter_map(|r| {
                    Some((
                        r.repository_name()?.to_string(),
                        r.repository_arn()?.to_string(),
                    ))
                }));
                token = page.next_token().map(str::to_string);
                if token.is_none() {
                    break;
                }
            }
            Err(e) => {
                acc.fail("ecr:DescribeRepositories", None, &e);
                return false;
            }
        }
    }
    for (name, arn) in repos {
        match ecr
            .get_repository_policy()
            .repository_name(&name)
            .send()
            .await
        {
            Ok(out) => acc.policy("ecr:GetRepositoryPolicy", &arn, out.policy_text()),
            Err(e) if error_code(&e) == Some("RepositoryPolicyNotFoundException") => {}
            Err(e) => acc.fail("ecr:GetRepositoryPolicy", Some(&arn), &e),
        }
    }
    true
}
