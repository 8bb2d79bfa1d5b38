//! `trustgate collect --out DIR`: the snapshot of an organization (or one account), taken live
//! with the AWS SDK for Rust. Built only with the `collect` cargo feature; without it the
//! command exists and says how to get it (exit 2).
//!
//! Exit codes: 0 complete, 3 partial (some account, region or Organizations call failed: the
//! files that could be collected are written and collect-manifest.json says what is missing),
//! 2 nothing collected (no credentials, organization not readable, bad arguments, output
//! directory not empty).

use std::path::PathBuf;
use std::process::ExitCode;

use crate::error::{CliError, CliResult};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Output directory (created; must be empty)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The read-only audit role to assume in each account (deploy/audit-role/)
    #[arg(long, default_value = "TrustgateAudit", value_name = "NAME")]
    pub role_name: String,
    /// External ID the audit role's trust policy requires (or env TRUSTGATE_EXTERNAL_ID,
    /// which keeps it out of the process list)
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
    /// Role session name, visible in the accounts' CloudTrail
    #[arg(long, default_value = "trustgate-collect", value_name = "NAME")]
    pub session_name: String,
    /// Role session duration in seconds (900–43200; the role's MaxSessionDuration caps it)
    #[arg(long, default_value_t = 3600, value_name = "SECONDS")]
    pub duration: i32,
    /// Only these accounts (comma-separated IDs); default: every active account
    #[arg(long, value_delimiter = ',', value_name = "ID,…")]
    pub accounts: Option<Vec<String>>,
    /// Regions for KMS, SQS, SNS, Lambda, Secrets Manager and ECR (comma-separated); default:
    /// the configured region. IAM and S3 are global and always collected
    #[arg(long, value_delimiter = ',', value_name = "REGION,…")]
    pub regions: Vec<String>,
    /// Send every request to this endpoint (tests, private endpoints); also AWS_ENDPOINT_URL
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Named profile of ~/.aws/config (SSO, credential_process, source_profile…)
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Accounts and regions collected at the same time
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,
    /// Attempts per API call, with exponential backoff on throttling and transient errors
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub max_attempts: u32,
    /// Single account: no Organizations calls; the caller's account, or the --accounts given
    /// (through the audit role)
    #[arg(long)]
    pub no_org: bool,
}

/// Role and session names: IAM's `[\w+=,.@-]` characters.
fn valid_iam_name(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_region(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Checks the arguments (before any network call) and reads the External ID's environment
/// variable.
fn validate(args: &mut Args) -> CliResult<()> {
    if !valid_iam_name(&args.role_name, 1, 64) {
        return Err(CliError::Input(format!(
            "--role-name {:?}: a role name is 1–64 characters of letters, digits and _+=,.@-",
            args.role_name
        )));
    }
    if !valid_iam_name(&args.session_name, 2, 64) {
        return Err(CliError::Input(format!(
            "--session-name {:?}: a session name is 2–64 characters of letters, digits and _+=,.@-",
            args.session_name
        )));
    }
    if !(900..=43_200).contains(&args.duration) {
        return Err(CliError::Input(format!(
            "--duration {}: a role session lasts 900 to 43200 seconds",
            args.duration
        )));
    }
    if args.external_id.is_none() {
        args.external_id = std::env::var("TRUSTGATE_EXTERNAL_ID")
            .ok()
            .filter(|s| !s.is_empty());
    }
    if let Some(id) = &args.external_id {
        // IAM's limits for ExternalId; the value itself is never printed.
        let ok = (2..=1224).contains(&id.len())
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c));
        if !ok {
            return Err(CliError::Input(
                "--external-id: 2–1224 characters of letters, digits and _+=,.@:/- expected (value not shown)".into(),
            ));
        }
    }
    if let Some(ids) = &args.accounts {
        if let Some(bad) = ids.iter().find(|id| !is_account_id(id)) {
            return Err(CliError::Input(format!(
                "--accounts: {bad:?} is not a 12-digit account ID"
            )));
        }
    }
    if let Some(bad) = args.regions.iter().find(|r| !is_region(r)) {
        return Err(CliError::Input(format!(
            "--regions: {bad:?} is not a region name (like eu-west-1)"
        )));
    }
    if args.concurrency == 0 {
        return Err(CliError::Input("--concurrency: at least 1".into()));
    }
    if args.max_attempts == 0 {
        return Err(CliError::Input("--max-attempts: at least 1".into()));
    }
    Ok(())
}

#[cfg(not(feature = "collect"))]
pub fn run(mut args: Args) -> CliResult<ExitCode> {
    validate(&mut args)?;
    Err(CliError::Input(
        "this trustgate was built without the `collect` feature (the AWS SDK is left out of the default build); \
         build it with `cargo build --release -p trustgate --features collect` \
         or install it with `cargo install --path crates/cli --features collect`"
            .into(),
    ))
}

#[cfg(feature = "collect")]
pub fn run(mut args: Args) -> CliResult<ExitCode> {
    use std::io::{self, IsTerminal};
    use std::sync::Arc;

    use trustgate_collect::sdk::{collect, CollectError, Options, Progress};

    /// The exit code of a partial collection: distinct from 1 (findings) and 2 (errors).
    const EXIT_PARTIAL: u8 = 3;

    validate(&mut args)?;

    /// A bar on standard error, only on a terminal.
    struct Bar(Option<indicatif::ProgressBar>);
    impl Progress for Bar {
        fn add_work(&self, units: u64) {
            if let Some(b) = &self.0 {
                b.inc_length(units);
            }
        }
        fn done(&self, label: &str) {
            if let Some(b) = &self.0 {
                b.set_message(label.to_string());
                b.inc(1);
            }
        }
    }
    let bar = io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "collecting {bar:20} {pos}/{len} account and region tasks  {wide_msg}",
        ) {
            b.set_style(style);
        }
        b.enable_steady_tick(std::time::Duration::from_millis(200));
        b
    });
    let progress = Arc::new(Bar(bar.clone()));

    let opts = Options {
        out: args.out.clone(),
        role_name: args.role_name,
        external_id: args.external_id,
        session_name: args.session_name,
        duration_seconds: args.duration,
        accounts: args.accounts,
        regions: args.regions,
        endpoint_url: args.endpoint_url,
        profile: args.profile,
        concurrency: args.concurrency,
        organization: !args.no_org,
        max_attempts: args.max_attempts,
    };
    let result = collect(opts, progress);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let manifest = result.map_err(|e| match e {
        CollectError::Setup(m) => CliError::Input(m),
        CollectError::Write(w) => CliError::Io(w.to_string()),
    })?;
    for line in manifest.summary() {
        println!("{line}");
    }
    println!("wrote {}", args.out.display());
    Ok(if manifest.complete {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_PARTIAL)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> Args {
        Args {
            out: PathBuf::from("out"),
            role_name: "TrustgateAudit".into(),
            external_id: Some("a-long-external-id-value".into()),
            session_name: "trustgate-collect".into(),
            duration: 3600,
            accounts: None,
            regions: vec![],
            endpoint_url: None,
            profile: None,
            concurrency: 8,
            max_attempts: 10,
            no_org: false,
        }
    }

    #[test]
    fn accepts_the_defaults() {
        validate(&mut args()).unwrap();
    }

    #[test]
    fn rejects_bad_values_without_echoing_the_external_id() {
        let mut a = args();
        a.duration = 60;
        assert!(validate(&mut a).is_err());
        let mut a = args();
        a.accounts = Some(vec!["12345".into()]);
        assert!(validate(&mut a).unwrap_err().to_string().contains("12345"));
        let mut a = args();
        a.role_name = "bad name".into();
        assert!(validate(&mut a).is_err());
        let mut a = args();
        a.regions = vec!["EU West".into()];
        assert!(validate(&mut a).is_err());
        let mut a = args();
        a.external_id = Some("secret value with spaces".into());
        let msg = validate(&mut a).unwrap_err().to_string();
        assert!(!msg.contains("secret"), "{msg}");
    }
}
