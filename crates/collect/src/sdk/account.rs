//! One account: the audit role's session, then IAM (authorization details, list-roles, the
//! credential report) and S3 bucket policies, which are global.

use std::collections::BTreeMap;
use std::time::SystemTime;

use aws_config::{Region, SdkConfig};
use aws_sdk_iam::types::ReportStateType;
use aws_sdk_sts::config::{Credentials, SharedCredentialsProvider};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;

use super::{error_code, failure, report_backoff, Ctx};
use crate::manifest::Failure;
use crate::snapshot::{
    AttachedPolicy, AuthorizationDetails, GroupDetail, InlinePolicy, InstanceProfile, ListRoles,
    ListedRole, ManagedPolicyDetail, PermissionsBoundary, PolicyVersion, ResourcePolicy,
    RoleDetail, RoleLastUsed, Tag, UserDetail,
};

pub struct AccountResult {
    pub account_id: String,
    /// `assumed-role` or `caller`; `None` when no credentials for the account could be had.
    pub access: Option<String>,
    /// The account's configuration (its credentials), for its region tasks.
    pub config: Option<SdkConfig>,
    pub files: Vec<String>,
    pub failures: Vec<Failure>,
    /// The authorization details file exists: the account can be analysed.
    pub details_written: bool,
    /// S3 bucket policies (the regional resources come from the region tasks).
    pub resources: Vec<ResourcePolicy>,
}

/// How many times the credential report is polled before giving up on it.
const REPORT_POLLS: u32 = 20;

pub async fn collect_account(ctx: &Ctx, account_id: &str) -> AccountResult {
    let mut result = AccountResult {
        account_id: account_id.to_string(),
        access: None,
        config: None,
        files: vec![],
        failures: vec![],
        details_written: false,
        resources: vec![],
    };
    let config = if account_id == ctx.caller_account {
        result.access = Some("caller".into());
        ctx.base.clone()
    } else {
        match assume_audit_role(ctx, account_id).await {
            Ok(config) => {
                result.access = Some("assumed-role".into());
                config
            }
            Err(f) => {
                result.failures.push(f);
                return result;
            }
        }
    };

    let iam = aws_sdk_iam::Client::new(&config);
    let record = |r: Result<String, Failure>, result: &mut AccountResult| match r {
        Ok(file) => {
            result.files.push(file);
            true
        }
        Err(f) => {
            result.failures.push(f);
            false
        }
    };
    let details = authorization_details(ctx, &iam, account_id).await;
    result.details_written = record(details, &mut result);
    let roles = list_roles(ctx, &iam, account_id).await;
    record(roles, &mut result);
    if let Some(report) = credential_report(ctx, &iam, account_id).await {
        record(report, &mut result);
    }
    let (resources, failures) = bucket_policies(ctx, &config, account_id).await;
    result.resources = resources;
    result.failures.extend(failures);
    result.config = Some(config);
    result
}

/// `sts:AssumeRole` into the audit role; the session's credentials stay in memory only.
async fn assume_audit_role(ctx: &Ctx, account_id: &str) -> Result<SdkConfig, Failure> {
    let role_arn = format!(
        "arn:{}:iam::{account_id}:role/{}",
        ctx.partition, ctx.opts.role_name
    );
    let sts = aws_sdk_sts::Client::new(&ctx.base);
    let out = sts
        .assume_role()
        .role_arn(&role_arn)
        .role_session_name(&ctx.opts.session_name)
        .duration_seconds(ctx.opts.duration_seconds)
        .set_external_id(ctx.opts.external_id.clone())
        .send()
        .await
        .map_err(|e| failure("sts:AssumeRole", None, Some(&role_arn), &e))?;
    let Some(c) = out.credentials() else {
        return Err(Failure {
            action: "sts:AssumeRole".into(),
            region: None,
            resource: Some(role_arn),
            message: "the response has no credentials".into(),
        });
    };
    let credentials = Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        SystemTime::try_from(*c.expiration()).ok(),
        "trustgate-audit-role",
    );
    Ok(ctx
        .base
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .build())
}

fn date(d: &DateTime) -> Option<String> {
    d.fmt(Format::DateTime).ok()
}

fn owned(s: Option<&str>) -> String {
    s.unwrap_or_default().to_string()
}

fn inline(list: &[aws_sdk_iam::types::PolicyDetail]) -> Vec<InlinePolicy> {
    list.iter()
        .map(|p| InlinePolicy {
            policy_name: owned(p.policy_name()),
            policy_document: owned(p.policy_document()),
        })
        .collect()
}

fn attached(list: &[aws_sdk_iam::types::AttachedPolicy]) -> Vec<AttachedPolicy> {
    list.iter()
        .map(|p| AttachedPolicy {
            policy_name: p.policy_name().map(str::to_string),
            policy_arn: owned(p.policy_arn()),
        })
        .collect()
}

fn boundary(
    b: Option<&aws_sdk_iam::types::AttachedPermissionsBoundary>,
) -> Option<PermissionsBoundary> {
    b.and_then(|b| {
        Some(PermissionsBoundary {
            permissions_boundary_type: b
                .permissions_boundary_type()
                .map(|t| t.as_str().to_string()),
            permissions_boundary_arn: b.permissions_boundary_arn()?.to_string(),
        })
    })
}

fn tags(list: &[aws_sdk_iam::types::Tag]) -> Vec<Tag> {
    list.iter()
        .map(|t| Tag {
            key: t.key().to_string(),
            value: t.value().to_string(),
        })
        .collect()
}

/// `get-account-authorization-details`, every page, written as `<account-id>.json`.
async fn authorization_details(
    ctx: &Ctx,
    iam: &aws_sdk_iam::Client,
    account_id: &str,
) -> Result<String, Failure> {
    let mut details = AuthorizationDetails::default();
    let mut marker: Option<String> = None;
    loop {
        let page = iam
            .get_account_authorization_details()
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| failure("iam:GetAccountAuthorizationDetails", None, None, &e))?;
        details
            .user_detail_list
            .extend(page.user_detail_list().iter().map(|u| UserDetail {
                path: owned(u.path()),
                user_name: owned(u.user_name()),
                user_id: owned(u.user_id()),
                arn: owned(u.arn()),
                create_date: u.create_date().and_then(date),
                user_policy_list: inline(u.user_policy_list()),
                group_list: u.group_list().to_vec(),
                attached_managed_policies: attached(u.attached_managed_policies()),
                permissions_boundary: boundary(u.permissions_boundary()),
                tags: tags(u.tags()),
            }));
        details
            .group_detail_list
            .extend(page.group_detail_list().iter().map(|g| GroupDetail {
                path: owned(g.path()),
                group_name: owned(g.group_name()),
                group_id: owned(g.group_id()),
                arn: owned(g.arn()),
                create_date: g.create_date().and_then(date),
                group_policy_list: inline(g.group_policy_list()),
                attached_managed_policies: attached(g.attached_managed_policies()),
            }));
        details
            .role_detail_list
            .extend(page.role_detail_list().iter().map(|r| {
                RoleDetail {
                    path: owned(r.path()),
                    role_name: owned(r.role_name()),
                    role_id: owned(r.role_id()),
                    arn: owned(r.arn()),
                    create_date: r.create_date().and_then(date),
                    assume_role_policy_document: owned(r.assume_role_policy_document()),
                    instance_profile_list: r
                        .instance_profile_list()
                        .iter()
                        .map(|p| InstanceProfile {
                            path: p.path().to_string(),
                            instance_profile_name: p.instance_profile_name().to_string(),
                            instance_profile_id: p.instance_profile_id().to_string(),
                            arn: p.arn().to_string(),
                            create_date: date(p.create_date()),
                        })
                        .collect(),
                    role_policy_list: inline(r.role_policy_list()),
                    attached_managed_policies: attached(r.attached_managed_policies()),
                    permissions_boundary: boundary(r.permissions_boundary()),
                    tags: tags(r.tags()),
                    role_last_used: r.role_last_used().map(|l| RoleLastUsed {
                        last_used_date: l.last_used_date().and_then(date),
                        region: l.region().map(str::to_string),
                    }),
                }
            }));
        details.policies.extend(
            page.policies()
                .iter()
                .filter(|p| in_use_or_own(p))
                .map(|p| ManagedPolicyDetail {
                    policy_name: owned(p.policy_name()),
                    policy_id: owned(p.policy_id()),
                    arn: owned(p.arn()),
                    path: owned(p.path()),
                    default_version_id: p.default_version_id().map(str::to_string),
                    attachment_count: p.attachment_count(),
                    permissions_boundary_usage_count: p.permissions_boundary_usage_count(),
                    is_attachable: p.is_attachable(),
                    description: p.description().map(str::to_string),
                    create_date: p.create_date().and_then(date),
                    update_date: p.update_date().and_then(date),
                    policy_version_list: p
                        .policy_version_list()
                        .iter()
                        .map(|v| PolicyVersion {
                            document: v.document().map(str::to_string),
                            version_id: owned(v.version_id()),
                            is_default_version: v.is_default_version(),
                            create_date: v.create_date().and_then(date),
                        })
                        .collect(),
                }),
        );
        marker = page.marker().map(str::to_string);
        if !page.is_truncated() || marker.is_none() {
            break;
        }
    }
    ctx.out
        .write_authorization_details(account_id, &details)
        .map_err(write_failure)?;
    Ok(format!("{account_id}.json"))
}

/// AWS lists the AWS-managed policies an account uses; some servers (moto) list all of them
/// (over a thousand). Those attached nowhere and used as no boundary are dropped: they grant
/// nothing in the account. Customer-managed policies are all kept.
fn in_use_or_own(p: &aws_sdk_iam::types::ManagedPolicyDetail) -> bool {
    let aws_managed = p
        .arn()
        .and_then(|a| a.split(':').nth(4))
        .is_some_and(|account| account == "aws");
    !aws_managed
        || p.attachment_count().unwrap_or(1) > 0
        || p.permissions_boundary_usage_count().unwrap_or(0) > 0
}

fn write_failure(e: crate::snapshot::WriteError) -> Failure {
    Failure {
        action: "write".into(),
        region: None,
        resource: None,
        message: e.to_string(),
    }
}

/// `list-roles`, every page, written as `roles/<account-id>.json` (for MaxSessionDuration).
async fn list_roles(
    ctx: &Ctx,
    iam: &aws_sdk_iam::Client,
    account_id: &str,
) -> Result<String, Failure> {
    let mut roles = ListRoles::default();
    let mut marker: Option<String> = None;
    loop {
        let page = iam
            .list_roles()
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| failure("iam:ListRoles", None, None, &e))?;
        roles.roles.extend(page.roles().iter().map(|r| ListedRole {
            path: r.path().to_string(),
            role_name: r.role_name().to_string(),
            role_id: r.role_id().to_string(),
            arn: r.arn().to_string(),
            create_date: date(r.create_date()),
            description: r.description().map(str::to_string),
            max_session_duration: r.max_session_duration(),
        }));
        marker = page.marker().map(str::to_string);
        if !page.is_truncated() || marker.is_none() {
            break;
        }
    }
    ctx.out
        .write_roles(account_id, &roles)
        .map_err(write_failure)?;
    Ok(format!("roles/{account_id}.json"))
}

/// The credential report: generated (IAM needs that before the first read), polled until
/// complete, then written decoded as `credential-report-<account-id>.csv`.
async fn credential_report(
    ctx: &Ctx,
    iam: &aws_sdk_iam::Client,
    account_id: &str,
) -> Option<Result<String, Failure>> {
    let mut ready = false;
    for attempt in 0..REPORT_POLLS {
        match iam.generate_credential_report().send().await {
            Ok(out) if out.state() == Some(&ReportStateType::Complete) => {
                ready = true;
                break;
            }
            Ok(_) => tokio::time::sleep(report_backoff(attempt)).await,
            Err(e) => {
                return Some(Err(failure("iam:GenerateCredentialReport", None, None, &e)));
            }
        }
    }
    if !ready {
        return Some(Err(Failure {
            action: "iam:GenerateCredentialReport".into(),
            region: None,
            resource: None,
            message: format!("the report was still being generated after {REPORT_POLLS} polls"),
        }));
    }
    let out = match iam.get_credential_report().send().await {
        Ok(out) => out,
        Err(e) => return Some(Err(failure("iam:GetCredentialReport", None, None, &e))),
    };
    // The SDK has already decoded the base64 of the wire format.
    let content = out.content().map(|b| b.as_ref()).unwrap_or_default();
    Some(
        ctx.out
            .write_credential_report(account_id, content)
            .map(|_| format!("credential-report-{account_id}.csv"))
            .map_err(write_failure),
    )
}

/// Every bucket's policy (all regions: bucket policies are read from the bucket's own region).
async fn bucket_policies(
    ctx: &Ctx,
    config: &SdkConfig,
    account_id: &str,
) -> (Vec<ResourcePolicy>, Vec<Failure>) {
    let mut resources = Vec::new();
    let mut failures = Vec::new();
    // A custom endpoint (--endpoint-url or AWS_ENDPOINT_URL) serves buckets by path, not by
    // host name.
    let path_style = config.endpoint_url().is_some();
    let client_for = |region: Option<&str>| {
        let mut b = aws_sdk_s3::config::Builder::from(config).force_path_style(path_style);
        if let Some(r) = region {
            b = b.region(Region::new(r.to_string()));
        }
        aws_sdk_s3::Client::from_conf(b.build())
    };
    let s3 = client_for(None);
    let mut buckets: Vec<String> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        match s3
            .list_buckets()
            .set_continuation_token(token.take())
            .send()
            .await
        {
            Ok(page) => {
                buckets.extend(
                    page.buckets()
                        .iter()
                        .filter_map(|b| b.name().map(str::to_string)),
                );
                token = page.continuation_token().map(str::to_string);
                if token.is_none() {
                    break;
                }
            }
            Err(e) => {
                failures.push(failure("s3:ListAllMyBuckets", None, None, &e));
                return (resources, failures);
            }
        }
    }
    let mut clients: BTreeMap<String, aws_sdk_s3::Client> = BTreeMap::new();
    for bucket in buckets {
        let region = match s3.get_bucket_location().bucket(&bucket).send().await {
            Ok(out) => match out.location_constraint().map(|c| c.as_str()) {
                None | Some("") => "us-east-1".to_string(),
                Some("EU") => "eu-west-1".to_string(),
                Some(r) => r.to_string(),
            },
            Err(e) => {
                failures.push(failure("s3:GetBucketLocation", None, Some(&bucket), &e));
                continue;
            }
        };
        let client = clients
            .entry(region.clone())
            .or_insert_with(|| client_for(Some(&region)));
        let s3 = &*client;
        match s3.get_bucket_policy().bucket(&bucket).send().await {
            Ok(out) => {
                let Some(text) = out.policy() else { continue };
                let arn = format!("arn:{}:s3:::{bucket}", ctx.partition);
                match ResourcePolicy::from_text(arn, account_id.to_string(), text) {
                    Ok(r) => resources.push(r),
                    Err(message) => failures.push(Failure {
                        action: "s3:GetBucketPolicy".into(),
                        region: Some(region),
                        resource: Some(bucket),
                        message,
                    }),
                }
            }
            Err(e) if error_code(&e) == Some("NoSuchBucketPolicy") => {}
            Err(e) => failures.push(failure(
                "s3:GetBucketPolicy",
                Some(&region),
                Some(&bucket),
                &e,
            )),
        }
    }
    (resources, failures)
}
