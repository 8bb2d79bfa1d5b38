//! The collection itself, with the AWS SDK for Rust.
//!
//! One task per account (assume the audit role, then IAM and S3, which are global), then one
//! task per account and region (KMS, SQS, SNS, Lambda, Secrets Manager, ECR), all drawing from
//! one semaphore of `concurrency` permits. Throttling and transient errors are retried by the
//! SDK's standard retry strategy (exponential backoff with jitter) with `max_attempts`
//! attempts; what still fails is recorded in the manifest, and the rest is written.

mod account;
mod org;
mod regional;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::manifest::{AccountOutcome, Failure, Manifest, Mode, RegionOutcome, Status};
use crate::redact::redact;
use crate::snapshot::{ResourcePolicy, SnapshotDir, WriteError};

/// What `trustgate collect` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub out: PathBuf,
    /// The audit role's name in every account (`TrustgateAudit`).
    pub role_name: String,
    pub external_id: Option<String>,
    pub session_name: String,
    /// Role session duration in seconds (900–43200; the role's MaxSessionDuration caps it).
    pub duration_seconds: i32,
    /// Only these accounts (all active accounts of the organization when `None`).
    pub accounts: Option<Vec<String>>,
    /// Regions for the regional resource policies; empty: the configured region.
    pub regions: Vec<String>,
    pub endpoint_url: Option<String>,
    pub profile: Option<String>,
    pub concurrency: usize,
    /// False with `--no-org`: no Organizations call; the caller's account (or `accounts`).
    pub organization: bool,
    /// Attempts per call, including the first (the SDK's standard retry strategy).
    pub max_attempts: u32,
}

/// Progress reports, for a bar; called from the collecting tasks.
pub trait Progress: Send + Sync {
    /// The number of units of work grew (accounts, then account × region).
    fn add_work(&self, units: u64);
    /// One unit is done.
    fn done(&self, label: &str);
}

/// A collection that could not start or could not write: nothing usable was collected.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("{0}")]
    Setup(String),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Collects into `opts.out` and returns the manifest (also written as collect-manifest.json).
pub fn collect(opts: Options, progress: Arc<dyn Progress>) -> Result<Manifest, CollectError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CollectError::Setup(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(run(Arc::new(opts), progress))
}

/// Account data every task needs.
#[derive(Clone)]
struct Ctx {
    opts: Arc<Options>,
    out: SnapshotDir,
    partition: String,
    caller_account: String,
    base: SdkConfig,
    semaphore: Arc<Semaphore>,
}

async fn run(opts: Arc<Options>, progress: Arc<dyn Progress>) -> Result<Manifest, CollectError> {
    let out = SnapshotDir::create(&opts.out)?;
    let started_at = now();
    let base = load_config(&opts).await?;
    let regions: Vec<String> = if opts.regions.is_empty() {
        vec![base.region().map(|r| r.to_string()).ok_or_else(|| {
            CollectError::Setup(
                "no region: set AWS_REGION or a region in the profile, or pass --regions".into(),
            )
        })?]
    } else {
        opts.regions.clone()
    };

    let sts = aws_sdk_sts::Client::new(&base);
    let identity = sts.get_caller_identity().send().await.map_err(|e| {
        CollectError::Setup(format!(
            "sts:GetCallerIdentity failed (are credentials configured? the default chain reads AWS_PROFILE, environment variables, SSO and instance roles): {}",
            error_text(&e)
        ))
    })?;
    let caller_arn = identity.arn().unwrap_or_default().to_string();
    let caller_account = identity.account().unwrap_or_default().to_string();
    let partition = caller_arn
        .split(':')
        .nth(1)
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
        .to_string();

    let mut manifest = Manifest {
        tool: format!("trustgate collect {}", env!("CARGO_PKG_VERSION")),
        started_at,
        finished_at: None,
        caller_arn,
        caller_account_id: caller_account.clone(),
        mode: if opts.organization {
            Mode::Organization
        } else {
            Mode::SingleAccount
        },
        organization_id: None,
        role_name: opts.role_name.clone(),
        session_name: opts.session_name.clone(),
        external_id_sent: opts.external_id.is_some(),
        regions: regions.clone(),
        complete: false,
        failures: vec![],
        accounts: vec![],
    };
    // Written first, so that an interrupted run leaves a manifest saying it did not finish.
    manifest.write(&out)?;

    // The accounts to collect: (id, name), and the ones left out on purpose.
    let mut targets: Vec<(String, Option<String>)> = Vec::new();
    let mut skipped: Vec<AccountOutcome> = Vec::new();
    if opts.organization {
        let org = org::collect_organization(&base, &opts).await;
        manifest.failures.extend(org.failures);
        let Some(listing) = org.listing else {
            manifest.settle();
            manifest.finished_at = Some(now());
            manifest.write(&out)?;
            let why = manifest
                .failures
                .iter()
                .map(|f| f.to_string())
                .collect::<Vec<_>>()
                .join("; ");
            return Err(CollectError::Setup(format!(
                "cannot list the organization's accounts ({why}); run from the management or a delegated administrator account, or use --no-org"
            )));
        };
        manifest.organization_id = Some(listing.organization.organization_id.clone());
        out.write_organization(&listing.organization)?;
        let wanted: Option<BTreeSet<&str>> = opts
            .accounts
            .as_ref()
            .map(|ids| ids.iter().map(String::as_str).collect());
        for a in &listing.accounts {
            if wanted.as_ref().is_some_and(|w| !w.contains(a.id.as_str())) {
                continue;
            }
            if a.active {
                targets.push((a.id.clone(), a.name.clone()));
            } else {
                skipped.push(skipped_outcome(
                    &a.id,
                    a.name.clone(),
                    format!("account state {}", a.state),
                ));
            }
        }
        if let Some(w) = &wanted {
            let known: BTreeSet<&str> = listing.accounts.iter().map(|a| a.id.as_str()).collect();
            for id in w.iter().filter(|id| !known.contains(*id)) {
                let mut outcome = skipped_outcome(id, None, String::new());
                outcome.skipped = None;
                outcome.status = Status::Failed;
                outcome.failures.push(Failure {
                    action: "organizations:ListAccounts".into(),
                    region: None,
                    resource: None,
                    message: "not an account of the organization".into(),
                });
                skipped.push(outcome);
            }
        }
    } else {
        let ids = opts
            .accounts
            .clone()
            .unwrap_or_else(|| vec![caller_account.clone()]);
        targets.extend(ids.into_iter().map(|id| (id, None)));
    }

    let ctx = Ctx {
        opts: opts.clone(),
        out: out.clone(),
        partition,
        caller_account,
        base,
        semaphore: Arc::new(Semaphore::new(opts.concurrency.max(1))),
    };
    let names: BTreeMap<String, Option<String>> = targets.iter().cloned().collect();
    let mut accounts = collect_accounts(&ctx, &targets, &regions, progress).await;
    for outcome in accounts.values_mut() {
        outcome.name = names.get(&outcome.id).cloned().flatten();
    }
    manifest.accounts = accounts.into_values().chain(skipped).collect();
    manifest.accounts.sort_by(|a, b| a.id.cmp(&b.id));
    manifest.settle();
    manifest.finished_at = Some(now());
    manifest.write(&out)?;
    Ok(manifest)
}

fn skipped_outcome(id: &str, name: Option<String>, why: String) -> AccountOutcome {
    AccountOutcome {
        id: id.to_string(),
        name,
        status: Status::Skipped,
        access: None,
        files: vec![],
        regions: vec![],
        failures: vec![],
        skipped: Some(why),
    }
}

async fn load_config(opts: &Options) -> Result<SdkConfig, CollectError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(opts.max_attempts.max(1)));
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(u) = &opts.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    let base = loader.load().await;
    if base.region().is_none() {
        if let Some(first) = opts.regions.first() {
            return Ok(base.to_builder().region(Region::new(first.clone())).build());
        }
    }
    Ok(base)
}

enum Done {
    Account(Box<account::AccountResult>),
    Region(regional::RegionResult),
}

/// Runs the account tasks, and the region tasks of each account as soon as its credentials
/// are known; returns one outcome per account and writes each account's resources file.
async fn collect_accounts(
    ctx: &Ctx,
    targets: &[(String, Option<String>)],
    regions: &[String],
    progress: Arc<dyn Progress>,
) -> BTreeMap<String, AccountOutcome> {
    let mut tasks: JoinSet<Done> = JoinSet::new();
    progress.add_work((targets.len() * (1 + regions.len())) as u64);
    for (id, _) in targets {
        let ctx = ctx.clone();
        let id = id.clone();
        tasks.spawn(async move {
            let _permit = ctx.semaphore.clone().acquire_owned().await;
            Done::Account(Box::new(account::collect_account(&ctx, &id).await))
        });
    }
    let mut outcomes: BTreeMap<String, AccountOutcome> = BTreeMap::new();
    let mut resources: BTreeMap<String, Vec<ResourcePolicy>> = BTreeMap::new();
    while let Some(joined) = tasks.join_next().await {
        let done = match joined {
            Ok(d) => d,
            // A panicking task is a bug; its account stays without an outcome and is reported
            // as failed below.
            Err(_) => continue,
        };
        match done {
            Done::Account(result) => {
                progress.done(&result.account_id);
                let id = result.account_id.clone();
                let status = if result.details_written {
                    if result.failures.is_empty() {
                        Status::Complete
                    } else {
                        Status::Partial
                    }
                } else {
                    Status::Failed
                };
                resources.insert(id.clone(), result.resources);
                match result.config {
                    Some(config) => {
                        for region in regions {
                            let ctx = ctx.clone();
                            let config = config.clone();
                            let (id, region) = (id.clone(), region.clone());
                            tasks.spawn(async move {
                                let _permit = ctx.semaphore.clone().acquire_owned().await;
                                Done::Region(regional::collect_region(&config, &id, &region).await)
                            });
                        }
                    }
                    None => {
                        // No credentials: the regions cannot be collected either.
                        for _ in regions {
                            progress.done(&id);
                        }
                    }
                }
                let config_failed = result.access.is_none();
                outcomes.insert(
                    id.clone(),
                    AccountOutcome {
                        id: id.clone(),
                        name: None,
                        status,
                        access: result.access,
                        files: result.files,
                        regions: regions
                            .iter()
                            .map(|r| RegionOutcome {
                                region: r.clone(),
                                status: if config_failed {
                                    Status::Failed
                                } else {
                                    Status::Complete
                                },
                            })
                            .collect(),
                        failures: result.failures,
                        skipped: None,
                    },
                );
            }
            Done::Region(result) => {
                progress.done(&format!("{} {}", result.account_id, result.region));
                let outcome = outcomes
                    .get_mut(&result.account_id)
                    .expect("region tasks start after their account's outcome");
                if !result.failures.is_empty() {
                    let status = if result.services_ok == 0 {
                        Status::Failed
                    } else {
                        Status::Partial
                    };
                    if let Some(r) = outcome
                        .regions
                        .iter_mut()
                        .find(|r| r.region == result.region)
                    {
                        r.status = status;
                    }
                    if outcome.status == Status::Complete {
                        outcome.status = Status::Partial;
                    }
                    outcome.failures.extend(result.failures);
                }
                resources
                    .entry(result.account_id)
                    .or_default()
                    .extend(result.resources);
            }
        }
    }
    for (id, _) in targets {
        outcomes
            .entry(id.clone())
            .or_insert_with(|| AccountOutcome {
                id: id.clone(),
                name: None,
                status: Status::Failed,
                access: None,
                files: vec![],
                regions: vec![],
                failures: vec![Failure {
                    action: "collect".into(),
                    region: None,
                    resource: None,
                    message: "the collecting task stopped unexpectedly (a bug: please report it)"
                        .into(),
                }],
                skipped: None,
            });
    }
    // Only for accounts whose IAM data was collected: a resources file of an account without
    // an account file would name an account the analysis does not have.
    for (id, mut list) in resources {
        let Some(outcome) = outcomes.get_mut(&id) else {
            continue;
        };
        if outcome.access.is_none() {
            continue;
        }
        list.sort_by(|a, b| a.arn.cmp(&b.arn));
        match ctx.out.write_resources(&id, &list) {
            Ok(_) => outcome.files.push(format!("resources/{id}.json")),
            Err(e) => {
                outcome.failures.push(Failure {
                    action: "write".into(),
                    region: None,
                    resource: None,
                    message: e.to_string(),
                });
                outcome.status = Status::Partial;
            }
        }
    }
    outcomes
}

/// The error and its causes (`service error: AccessDenied: User … is not authorized …`),
/// redacted. The SDK's Debug form (raw responses) is left out: it is long and says no more.
fn error_text<E>(e: &E) -> String
where
    E: std::error::Error,
{
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = current {
        let text = err.to_string();
        if !text.is_empty() && parts.last() != Some(&text) {
            parts.push(text);
        }
        current = err.source();
    }
    redact(&parts.join(": "))
}

/// A call that failed for good, with the HTTP status when the service answered.
fn failure<E: std::error::Error + 'static>(
    action: &str,
    region: Option<&str>,
    resource: Option<&str>,
    e: &aws_sdk_sts::error::SdkError<E>,
) -> Failure {
    let mut message = error_text(e);
    if let Some(raw) = e.raw_response() {
        message.push_str(&format!(" (HTTP {})", raw.status().as_u16()));
    }
    Failure {
        action: action.to_string(),
        region: region.map(str::to_string),
        resource: resource.map(str::to_string),
        message,
    }
}

/// The error code of an SDK error (`NoSuchBucketPolicy`…), for the "no policy" answers.
fn error_code<E, R>(e: &aws_sdk_sts::error::SdkError<E, R>) -> Option<&str>
where
    E: aws_sdk_sts::error::ProvideErrorMetadata,
{
    e.as_service_error().and_then(|s| s.code())
}

fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map_or_else(|_| jiff::Timestamp::now().to_string(), |t| t.to_string())
}

/// How long to wait before polling IAM's credential report again.
fn report_backoff(attempt: u32) -> Duration {
    Duration::from_millis((500u64 << attempt.min(4)).min(5_000))
}
