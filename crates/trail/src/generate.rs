//! Deterministic CloudTrail files with known answers, for tests, the example trail and the
//! benchmark: a list of [`Call`]s (role assumptions) written as CloudTrail records, one copy
//! per account the call is delivered to, mixed with records of other services, gzip-compressed
//! in CloudTrail's S3 layout (`AWSLogs/[o-org/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/…json.gz`).
//!
//! Records are written as CloudTrail writes them (field names, `userIdentity` forms,
//! `sharedEventID` on both copies of a cross-account call, console switches as an STS
//! `AssumeRole` from `AWS Internal` plus a `SwitchRole` record in the role's account), with
//! made-up credentials in the responses so that a reader that printed them would be caught
//! by the tests. Two forms are kept that AWS does not document, for the reader's tolerance
//! and so that the benchmark's input stays as it was: the role's account's copy of a
//! cross-account call naming the caller by ARN ([`Copies::Target`], [`Copies::Both`]; AWS
//! documents only the `AWSAccount` form, [`Copies::BothOpaque`]), and console switches as
//! one `SwitchTo` record ([`Call::switch_to_form`], no longer used by the example trail,
//! whose console switches are written as published records show them). See the crate's
//! README, "What the records look like".

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde_json::{json, Value};

use crate::event::{arn_account, format_time, EventName};

/// Who makes a call.
#[derive(Debug, Clone, PartialEq)]
pub enum Identity {
    /// A role session. `unique_id` is the role's `RoleId` (`AROA…`).
    Role {
        arn: String,
        unique_id: String,
        session: String,
    },
    User {
        arn: String,
        unique_id: String,
    },
    Root {
        account: String,
    },
    Service(String),
    Saml {
        provider: String,
        user: String,
    },
    WebIdentity {
        provider: String,
        subject: String,
    },
}

impl Identity {
    pub fn account(&self) -> Option<String> {
        match self {
            Identity::Role { arn, .. } | Identity::User { arn, .. } => {
                arn_account(arn).map(str::to_string)
            }
            Identity::Root { account } => Some(account.clone()),
            Identity::Service(_) => None,
            Identity::Saml { provider, .. } | Identity::WebIdentity { provider, .. } => {
                arn_account(provider).map(str::to_string)
            }
        }
    }

    /// The caller as trustgate normalizes it.
    pub fn caller(&self) -> String {
        match self {
            Identity::Role { arn, .. } | Identity::User { arn, .. } => arn.clone(),
            Identity::Root { account } => format!("arn:aws:iam::{account}:root"),
            Identity::Service(s) => s.clone(),
            Identity::Saml { provider, .. } | Identity::WebIdentity { provider, .. } => {
                provider.clone()
            }
        }
    }
}

/// Which accounts a call's record is delivered to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Copies {
    /// Only the role's account (same-account calls, callers outside the logged accounts).
    Target,
    /// Only the caller's account (the role's account is not in the logs).
    Caller,
    /// Both (an organization trail): the role's account copy names the caller by ARN.
    Both,
    /// Both, the role's account copy showing only `AWSAccount` + unique ID.
    BothOpaque,
}

/// One call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub time: i64,
    pub name: EventName,
    pub target: String,
    pub identity: Identity,
    pub source_ip: String,
    pub error: Option<String>,
    pub session_name: String,
    pub external_id: Option<String>,
    pub region: String,
    pub copies: Copies,
    pub vpc_endpoint: Option<String>,
    /// For a console switch ([`EventName::SwitchRole`]): write it in the form no published
    /// record shows — one `SwitchRole` record with `SwitchTo` per delivery — instead of as
    /// CloudTrail records it (see [`write_trail`]). The example trail uses it.
    pub switch_to_form: bool,
}

impl Call {
    pub fn new(time: i64, target: &str, identity: Identity, source_ip: &str) -> Call {
        let name = match &identity {
            Identity::Saml { .. } => EventName::AssumeRoleWithSaml,
            Identity::WebIdentity { .. } => EventName::AssumeRoleWithWebIdentity,
            _ => EventName::AssumeRole,
        };
        Call {
            time,
            name,
            target: target.to_string(),
            identity,
            source_ip: source_ip.to_string(),
            error: None,
            session_name: format!("s-{time}"),
            external_id: None,
            region: "eu-west-1".into(),
            copies: Copies::Target,
            vpc_endpoint: None,
            switch_to_form: false,
        }
    }

    /// How a console switch's caller appears in `SwitchFrom`: a user or root by ARN, a role
    /// by its session's ARN. None for callers that do not switch roles in the console this
    /// way (services, federation).
    fn switch_from(&self) -> Option<String> {
        match &self.identity {
            Identity::User { arn, .. } => Some(arn.clone()),
            Identity::Root { account } => Some(format!("arn:aws:iam::{account}:root")),
            Identity::Role { arn, session, .. } => {
                let account = arn_account(arn)?;
                let name = arn.rsplit('/').next()?;
                Some(format!(
                    "arn:aws:sts::{account}:assumed-role/{name}/{session}"
                ))
            }
            _ => None,
        }
    }

    /// Whether this is a console switch written as CloudTrail records it.
    fn observed_switch(&self) -> bool {
        self.name == EventName::SwitchRole && !self.switch_to_form && self.switch_from().is_some()
    }

    /// The accounts the record is delivered to, with the `AWSAccount` form flag.
    fn deliveries(&self) -> Vec<(String, bool)> {
        let target = arn_account(&self.target).map(str::to_string);
        let caller = self.identity.account();
        let cross = target.is_some() && caller.is_some() && target != caller;
        match (self.copies, target, caller) {
            (Copies::Caller, _, Some(c)) if cross => vec![(c, false)],
            (Copies::Both, Some(t), Some(c)) if cross => vec![(t, false), (c, false)],
            (Copies::BothOpaque, Some(t), Some(c)) if cross => vec![(t, true), (c, false)],
            (_, Some(t), _) => vec![(t, false)],
            (_, None, Some(c)) => vec![(c, false)],
            (_, None, None) => Vec::new(),
        }
    }
}

fn hex(rng: &mut ChaCha8Rng, n: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdef";
    (0..n)
        .map(|_| DIGITS[rng.random_range(0..16)] as char)
        .collect()
}

fn upper(rng: &mut ChaCha8Rng, n: usize) -> String {
    const DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    (0..n)
        .map(|_| DIGITS[rng.random_range(0..32)] as char)
        .collect()
}

fn uuid(rng: &mut ChaCha8Rng) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        hex(rng, 8),
        hex(rng, 4),
        hex(rng, 4),
        hex(rng, 4),
        hex(rng, 12)
    )
}

fn user_identity(id: &Identity, opaque: bool, rng: &mut ChaCha8Rng) -> Value {
    match id {
        Identity::Role {
            arn,
            unique_id,
            session,
        } => {
            let account = arn_account(arn).unwrap_or_default();
            if opaque {
                return json!({"type": "AWSAccount", "principalId": format!("{unique_id}:{session}"), "accountId": account});
            }
            let name = arn.rsplit('/').next().unwrap_or_default();
            json!({"type": "AssumedRole", "principalId": format!("{unique_id}:{session}"),
                "arn": format!("arn:aws:sts::{account}:assumed-role/{name}/{session}"),
                "accountId": account, "accessKeyId": format!("ASIA{}", upper(rng, 16)),
                "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": unique_id, "arn": arn,
                    "accountId": account, "userName": name},
                    "attributes": {"creationDate": "2026-01-01T00:00:00Z", "mfaAuthenticated": "false"}}})
        }
        Identity::User { arn, unique_id } => {
            let account = arn_account(arn).unwrap_or_default();
            if opaque {
                return json!({"type": "AWSAccount", "principalId": unique_id, "accountId": account});
            }
            json!({"type": "IAMUser", "principalId": unique_id, "arn": arn, "accountId": account,
                "accessKeyId": format!("AKIA{}", upper(rng, 16)), "userName": arn.rsplit('/').next()})
        }
        Identity::Root { account } => {
            json!({"type": "Root", "principalId": account, "arn": format!("arn:aws:iam::{account}:root"), "accountId": account})
        }
        Identity::Service(s) => json!({"type": "AWSService", "invokedBy": s}),
        Identity::Saml { user, .. } => json!({"type": "SAMLUser",
            "principalId": format!("{}:{user}", upper(rng, 20)), "userName": user,
            "identityProvider": upper(rng, 24)}),
        Identity::WebIdentity { provider, subject } => json!({"type": "WebIdentityUser",
            "principalId": format!("{provider}:sts.amazonaws.com:{subject}"), "userName": subject,
            "identityProvider": provider}),
    }
}

/// The record of one copy of a call.
pub fn record(
    call: &Call,
    opaque: bool,
    recipient: &str,
    shared: Option<&str>,
    rng: &mut ChaCha8Rng,
) -> Value {
    if call.observed_switch() {
        // The console switches with an STS AssumeRole call made from inside AWS.
        let mut assume = call.clone();
        assume.name = EventName::AssumeRole;
        assume.source_ip = "AWS Internal".into();
        let mut r = record(&assume, opaque, recipient, shared, rng);
        r["userAgent"] = json!("AWS Internal");
        return r;
    }
    let time = format_time(call.time);
    let (source, name) = match call.name {
        EventName::SwitchRole => ("signin.amazonaws.com", "SwitchRole"),
        n => ("sts.amazonaws.com", n.as_str()),
    };
    let mut r = json!({
        "eventVersion": "1.08",
        "userIdentity": user_identity(&call.identity, opaque, rng),
        "eventTime": time,
        "eventSource": source,
        "eventName": name,
        "awsRegion": call.region,
        "sourceIPAddress": call.source_ip,
        "userAgent": match &call.identity { Identity::Service(s) => s.clone(), _ => "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64".into() },
        "requestID": uuid(rng),
        "eventID": uuid(rng),
        "readOnly": true,
        "eventType": if call.name == EventName::SwitchRole { "AwsConsoleSignIn" } else { "AwsApiCall" },
        "managementEvent": true,
        "recipientAccountId": recipient,
        "eventCategory": "Management",
    });
    let obj = r.as_object_mut().expect("object");
    if let Some(s) = shared {
        obj.insert("sharedEventID".into(), json!(s));
    }
    if let Some(v) = &call.vpc_endpoint {
        obj.insert("vpcEndpointId".into(), json!(v));
    }
    let ok = call.error.is_none();
    if let Some(e) = &call.error {
        if call.name != EventName::SwitchRole {
            obj.insert("errorCode".into(), json!(e));
            obj.insert(
                "errorMessage".into(),
                json!(format!(
                    "User is not authorized to perform: sts:AssumeRole on resource: {}",
                    call.target
                )),
            );
        }
    }
    match call.name {
        EventName::SwitchRole => {
            obj.insert("requestParameters".into(), Value::Null);
            obj.insert(
                "responseElements".into(),
                json!({"SwitchRole": if ok { "Success" } else { "Failure" }}),
            );
            obj.insert(
                "additionalEventData".into(),
                json!({"SwitchTo": call.target,
                "RedirectTo": "https://console.aws.amazon.com/console/home"}),
            );
        }
        EventName::GetFederationToken => {
            let user = call.target.rsplit('/').next().unwrap_or_default();
            obj.insert(
                "requestParameters".into(),
                json!({"name": user, "durationSeconds": 43200}),
            );
            obj.insert("responseElements".into(), Value::Null);
        }
        _ => {
            let mut params = json!({"roleArn": call.target, "roleSessionName": call.session_name, "durationSeconds": 3600});
            let p = params.as_object_mut().expect("object");
            if let Some(x) = &call.external_id {
                p.insert("externalId".into(), json!(x));
            }
            if let Identity::Saml { provider, .. } = &call.identity {
                p.insert("principalArn".into(), json!(provider));
                p.insert(
                    "SAMLAssertionID".into(),
                    json!(format!("_{}", hex(rng, 32))),
                );
            }
            obj.insert("requestParameters".into(), params);
            let response = if ok {
                let acct = arn_account(&call.target).unwrap_or_default();
                let role = call.target.rsplit('/').next().unwrap_or_default();
                json!({"credentials": {"accessKeyId": format!("ASIA{}", upper(rng, 16)),
                        "sessionToken": format!("FAKE-TOKEN-{}", hex(rng, 96)), "expiration": "Jan 1, 2027, 12:00:00 AM"},
                    "assumedRoleUser": {"assumedRoleId": format!("AROA{}:{}", upper(rng, 16), call.session_name),
                        "arn": format!("arn:aws:sts::{acct}:assumed-role/{role}/{}", call.session_name)}})
            } else {
                Value::Null
            };
            obj.insert("responseElements".into(), response);
            obj.insert("resources".into(), json!([{"ARN": call.target, "accountId": arn_account(&call.target), "type": "AWS::IAM::Role"}]));
        }
    }
    r
}

/// The `SwitchRole` record of a successful console switch, as delivered to the role's
/// account: the identity is the new role session (no `sessionContext`), `SwitchFrom` names
/// who switched, the address and user agent are the browser's.
pub fn switch_role_record(call: &Call, rng: &mut ChaCha8Rng) -> Option<Value> {
    let from = call.switch_from()?;
    let account = arn_account(&call.target)?;
    let role = call.target.rsplit('/').next()?;
    let session = &call.session_name;
    Some(json!({
        "eventVersion": "1.08",
        "userIdentity": {"type": "AssumedRole", "principalId": format!("AROA{}:{session}", upper(rng, 17)),
            "arn": format!("arn:aws:sts::{account}:assumed-role/{role}/{session}"), "accountId": account},
        "eventTime": format_time(call.time),
        "eventSource": "signin.amazonaws.com",
        "eventName": "SwitchRole",
        "awsRegion": "us-east-1",
        "sourceIPAddress": call.source_ip,
        "userAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        "requestParameters": null,
        "responseElements": {"SwitchRole": "Success"},
        "additionalEventData": {"SwitchFrom": from, "RedirectTo": "https://console.aws.amazon.com/console/home"},
        "eventID": uuid(rng),
        "readOnly": false,
        "eventType": "AwsConsoleSignIn",
        "managementEvent": true,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }))
}

const NOISE: [(&str, &str); 8] = [
    ("s3.amazonaws.com", "GetObject"),
    ("ec2.amazonaws.com", "DescribeInstances"),
    ("kms.amazonaws.com", "Decrypt"),
    ("sts.amazonaws.com", "GetCallerIdentity"),
    ("lambda.amazonaws.com", "Invoke"),
    ("logs.amazonaws.com", "PutLogEvents"),
    ("dynamodb.amazonaws.com", "GetItem"),
    ("iam.amazonaws.com", "ListRoles"),
];

/// A record of another service (what a trail mostly holds).
pub fn noise_record(account: &str, time: i64, rng: &mut ChaCha8Rng) -> Value {
    let (source, name) = NOISE[rng.random_range(0..NOISE.len())];
    let role = format!("app-{}", rng.random_range(0..20));
    let session = hex(rng, 12);
    json!({
        "eventVersion": "1.09",
        "userIdentity": {"type": "AssumedRole", "principalId": format!("AROA{}:{session}", upper(rng, 16)),
            "arn": format!("arn:aws:sts::{account}:assumed-role/{role}/{session}"), "accountId": account,
            "accessKeyId": format!("ASIA{}", upper(rng, 16)),
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": format!("AROA{}", upper(rng, 16)),
                "arn": format!("arn:aws:iam::{account}:role/{role}"), "accountId": account, "userName": role},
                "attributes": {"creationDate": format_time(time - 600), "mfaAuthenticated": "false"}}},
        "eventTime": format_time(time),
        "eventSource": source,
        "eventName": name,
        "awsRegion": "eu-west-1",
        "sourceIPAddress": format!("10.{}.{}.{}", rng.random_range(0..256), rng.random_range(0..256), rng.random_range(1..255)),
        "userAgent": "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64",
        "requestParameters": {"bucketName": format!("bucket-{}", hex(rng, 6)), "key": format!("data/{}/{}.parquet", hex(rng, 8), hex(rng, 16)),
            "tags": {"unexpected": "shape"}, "x-amz-id": hex(rng, 24)},
        "responseElements": null,
        "additionalEventData": {"bytesTransferredIn": 0, "bytesTransferredOut": rng.random_range(0..100000), "x-amz-id-2": hex(rng, 60)},
        "requestID": uuid(rng),
        "eventID": uuid(rng),
        "readOnly": true,
        "resources": [{"type": "AWS::S3::Object", "ARN": format!("arn:aws:s3:::bucket/{}", hex(rng, 20))}],
        "eventType": "AwsApiCall",
        "managementEvent": false,
        "recipientAccountId": account,
        "eventCategory": "Data",
        "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": "s3.eu-west-1.amazonaws.com"},
    })
}

/// How to write the files.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    pub seed: u64,
    /// Records of other services written per call record.
    pub noise_per_call: usize,
    /// Extra files of other services only, per (account, day) that has calls.
    pub noise_files_per_day: usize,
    pub noise_records_per_file: usize,
    /// `o-…`: write an organization trail layout (`AWSLogs/o-…/ACCOUNT/…`).
    pub org_id: Option<String>,
    /// One file per (account, region) per this many days.
    pub days_per_file: i64,
    pub gzip_level: u32,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            seed: 1,
            noise_per_call: 2,
            noise_files_per_day: 0,
            noise_records_per_file: 0,
            org_id: None,
            days_per_file: 1,
            gzip_level: 6,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WriteStats {
    pub files: usize,
    pub records: usize,
    pub call_records: usize,
    pub bytes: u64,
    pub json_bytes: u64,
}

/// Writes the calls (each copy to its account) with noise, gzip-compressed, one file per
/// (account, region, period). Deterministic for a seed.
pub fn write_trail(out: &Path, calls: &[Call], opts: &WriteOptions) -> io::Result<WriteStats> {
    let period = 86_400 * opts.days_per_file.max(1);
    // (account, region, period start) → calls with their delivery form.
    let mut groups: BTreeMap<(String, String, i64), Vec<(usize, bool)>> = BTreeMap::new();
    for (i, c) in calls.iter().enumerate() {
        for (account, opaque) in c.deliveries() {
            let start = c.time.div_euclid(period) * period;
            groups
                .entry((account, c.region.clone(), start))
                .or_default()
                .push((i, opaque));
        }
    }
    let shared: Vec<Option<String>> = {
        let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
        calls
            .iter()
            .map(|c| (c.deliveries().len() > 1).then(|| uuid(&mut rng)))
            .collect()
    };
    let groups: Vec<_> = groups.into_iter().collect();
    let results: Vec<io::Result<WriteStats>> = groups
        .par_iter()
        .enumerate()
        .map(|(gi, ((account, region, start), members))| {
            let mut rng = ChaCha8Rng::seed_from_u64(
                opts.seed ^ (gi as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            );
            let mut records: Vec<(i64, String)> = Vec::new();
            let mut stats = WriteStats::default();
            for &(i, opaque) in members {
                let c = &calls[i];
                let r = record(c, opaque, account, shared[i].as_deref(), &mut rng);
                records.push((c.time, r.to_string()));
                stats.call_records += 1;
                // A successful console switch: its SwitchRole record in the role's account.
                if c.observed_switch()
                    && c.error.is_none()
                    && arn_account(&c.target) == Some(account.as_str())
                {
                    if let Some(r) = switch_role_record(c, &mut rng) {
                        records.push((c.time, r.to_string()));
                        stats.call_records += 1;
                    }
                }
                for _ in 0..opts.noise_per_call {
                    let t = c.time + rng.random_range(-300..300);
                    records.push((t, noise_record(account, t, &mut rng).to_string()));
                }
            }
            records.sort_by_key(|(t, _)| *t);
            let mut files = vec![records];
            for _ in 0..opts.noise_files_per_day * opts.days_per_file.max(1) as usize {
                let recs = (0..opts.noise_records_per_file)
                    .map(|_| {
                        let t = start + rng.random_range(0..period);
                        (t, noise_record(account, t, &mut rng).to_string())
                    })
                    .collect();
                files.push(recs);
            }
            let date = jiff::Timestamp::from_second(*start).map_err(io::Error::other)?;
            let day = date.strftime("%Y/%m/%d").to_string();
            let stamp = date.strftime("%Y%m%dT%H%MZ").to_string();
            let mut dir = out.join("AWSLogs");
            if let Some(org) = &opts.org_id {
                dir = dir.join(org);
            }
            let dir: PathBuf = dir.join(account).join("CloudTrail").join(region).join(day);
            fs::create_dir_all(&dir)?;
            for (fi, recs) in files.into_iter().enumerate() {
                let mut json = String::with_capacity(
                    recs.iter().map(|(_, r)| r.len() + 1).sum::<usize>() + 16,
                );
                json.push_str("{\"Records\":[");
                for (k, (_, r)) in recs.iter().enumerate() {
                    if k > 0 {
                        json.push(',');
                    }
                    json.push_str(r);
                }
                json.push_str("]}");
                let name = format!(
                    "{account}_CloudTrail_{region}_{stamp}_{}{fi:02}.json.gz",
                    hex(&mut rng, 14)
                );
                let mut enc = flate2::write::GzEncoder::new(
                    Vec::new(),
                    flate2::Compression::new(opts.gzip_level),
                );
                enc.write_all(json.as_bytes())?;
                let gz = enc.finish()?;
                fs::write(dir.join(name), &gz)?;
                stats.files += 1;
                stats.records += recs.len();
                stats.bytes += gz.len() as u64;
                stats.json_bytes += json.len() as u64;
            }
            Ok(stats)
        })
        .collect();
    let mut total = WriteStats::default();
    for r in results {
        let s = r?;
        total.files += s.files;
        total.records += s.records;
        total.call_records += s.call_records;
        total.bytes += s.bytes;
        total.json_bytes += s.json_bytes;
    }
    Ok(total)
}

/// A random but deterministic set of calls over `days` days from `start`: `accounts`
/// accounts (IDs 2000000000NN), `roles` roles each, callers from other accounts, services,
/// a share of failures and of cross-account calls delivered to both accounts.
pub fn random_calls(
    seed: u64,
    accounts: usize,
    roles: usize,
    days: i64,
    calls: usize,
    start: i64,
) -> Vec<Call> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let account = |i: usize| format!("2000000000{:02}", i % 100);
    let accounts = accounts.max(1);
    let roles = roles.max(1);
    (0..calls)
        .map(|_| {
            let ta = rng.random_range(0..accounts);
            let ca = rng.random_range(0..accounts);
            let target = format!(
                "arn:aws:iam::{}:role/role-{}",
                account(ta),
                rng.random_range(0..roles)
            );
            let kind = rng.random_range(0..10);
            let identity = match kind {
                0 => Identity::Service("lambda.amazonaws.com".into()),
                1 => Identity::User {
                    arn: format!(
                        "arn:aws:iam::{}:user/user-{}",
                        account(ca),
                        rng.random_range(0..5)
                    ),
                    unique_id: format!("AIDA{}", upper(&mut rng, 16)),
                },
                _ => {
                    let r = rng.random_range(0..roles);
                    Identity::Role {
                        arn: format!("arn:aws:iam::{}:role/role-{r}", account(ca)),
                        unique_id: format!("AROA{:016}", ca * 10_000 + r),
                        session: hex(&mut rng, 8),
                    }
                }
            };
            let time = start + rng.random_range(0..days.max(1) * 86_400);
            let mut c = Call::new(
                time,
                &target,
                identity,
                &format!(
                    "198.51.{}.{}",
                    rng.random_range(0..8),
                    rng.random_range(1..255)
                ),
            );
            if rng.random_range(0..20) == 0 {
                c.error = Some("AccessDenied".into());
            }
            c.copies = if rng.random_range(0..2) == 0 {
                Copies::Both
            } else {
                Copies::Target
            };
            c
        })
        .collect()
}

/// The answer a correct reader gives for a set of calls: per (role, caller), successes,
/// failures, first and last call — computed straight from the calls.
pub fn expected_counts(calls: &[Call]) -> BTreeMap<(String, String), (u64, u64, i64, i64)> {
    let mut out: BTreeMap<(String, String), (u64, u64, i64, i64)> = BTreeMap::new();
    for c in calls {
        if c.deliveries().is_empty() {
            continue;
        }
        let e = out
            .entry((c.target.clone(), c.identity.caller()))
            .or_insert((0, 0, i64::MAX, i64::MIN));
        if c.error.is_none() {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
        e.2 = e.2.min(c.time);
        e.3 = e.3.max(c.time);
    }
    out
}

/// The trail of the example organization (`examples/org`, README's `examples/trail`): 61 days
/// from 2026-09-01, planted so that every anomaly rule has something to find. `unique_id`
/// gives a role's or user's unique ID from the snapshot (role-account copies of some
/// cross-account calls show only that, as CloudTrail's `AWSAccount` form does).
pub fn example_org_calls(unique_id: &dyn Fn(&str) -> String) -> Vec<Call> {
    const PROD: &str = "100000000004";
    const STAGING: &str = "100000000005";
    const TOOLING: &str = "100000000003";
    const IDENTITY: &str = "100000000002";
    const SECURITY: &str = "100000000006";
    const SANDBOX: &str = "100000000007";
    const MGMT: &str = "100000000001";
    let start = crate::event::parse_time("2026-09-01T00:00:00Z").expect("time");
    let at = |day: i64, h: i64, m: i64, s: i64| start + day * 86_400 + h * 3600 + m * 60 + s;
    let role_arn = |acct: &str, name: &str| format!("arn:aws:iam::{acct}:role/{name}");
    let role = |acct: &str, name: &str, session: &str| {
        let arn = role_arn(acct, name);
        Identity::Role {
            unique_id: unique_id(&arn),
            arn,
            session: session.to_string(),
        }
    };
    let user = |acct: &str, name: &str| {
        let arn = format!("arn:aws:iam::{acct}:user/{name}");
        Identity::User {
            unique_id: unique_id(&arn),
            arn,
        }
    };
    let gha = Identity::WebIdentity {
        provider: format!(
            "arn:aws:iam::{TOOLING}:oidc-provider/token.actions.githubusercontent.com"
        ),
        subject: "repo:example-org/platform:ref:refs/heads/main".into(),
    };
    let runner_ip = "192.0.2.10";
    let office_ip = "198.51.100.20";
    let mut calls = Vec::new();
    let mut push = |mut c: Call, copies: Copies, session: &str| {
        c.copies = copies;
        c.session_name = session.to_string();
        calls.push(c);
    };
    // 2026-09-01 is a Tuesday: day d is a Monday when d % 7 == 6.
    for d in 0..61 {
        // CI: GitHub OIDC → github-actions → ci-deployer → deploy roles (and prod-admin weekly).
        push(
            Call::new(
                at(d, 17, 0, 0),
                &role_arn(TOOLING, "github-actions"),
                gha.clone(),
                runner_ip,
            ),
            Copies::Target,
            "gha",
        );
        push(
            Call::new(
                at(d, 17, 0, 30),
                &role_arn(TOOLING, "ci-deployer"),
                role(TOOLING, "github-actions", "gha"),
                runner_ip,
            ),
            Copies::Target,
            "deployer",
        );
        for k in 0..2 {
            push(
                Call::new(
                    at(d, 17, 1, 10 * k),
                    &role_arn(PROD, "deploy"),
                    role(TOOLING, "ci-deployer", "deployer"),
                    runner_ip,
                ),
                Copies::BothOpaque,
                "deploy-prod",
            );
        }
        push(
            Call::new(
                at(d, 17, 1, 30),
                &role_arn(STAGING, "deploy"),
                role(TOOLING, "ci-deployer", "deployer"),
                runner_ip,
            ),
            Copies::Both,
            "deploy-staging",
        );
        if d % 7 == 6 {
            push(
                Call::new(
                    at(d, 17, 5, 0),
                    &role_arn(PROD, "prod-admin"),
                    role(TOOLING, "ci-deployer", "deployer"),
                    runner_ip,
                ),
                Copies::Both,
                "migrations",
            );
        }
        // People: SAML sign-in on weekdays; alice's console switch into prod on Tuesdays.
        let weekday = (d + 2) % 7; // 0 = Sunday
        if (1..=5).contains(&weekday) {
            for (i, who) in ["alice", "bob"].iter().enumerate() {
                let saml = Identity::Saml {
                    provider: format!("arn:aws:iam::{IDENTITY}:saml-provider/ExampleIdP"),
                    user: who.to_string(),
                };
                push(
                    Call::new(
                        at(d, 8, 15, i as i64),
                        &role_arn(IDENTITY, "sso-engineer"),
                        saml,
                        office_ip,
                    ),
                    Copies::Target,
                    who,
                );
            }
        }
        if d % 7 == 0 {
            let mut c = Call::new(
                at(d, 9, 0, 0),
                &role_arn(PROD, "engineer-readonly"),
                user(IDENTITY, "alice"),
                office_ip,
            );
            // As published console logs show it: an STS AssumeRole from "AWS Internal" in
            // both accounts, and a SwitchRole record (with SwitchFrom) in the role's account.
            c.name = EventName::SwitchRole;
            push(c, Copies::Both, "alice");
        }
        // Security audit hub, daily.
        push(
            Call::new(
                at(d, 5, 55, 0),
                &role_arn(SECURITY, "security-audit"),
                user(IDENTITY, "alice"),
                office_ip,
            ),
            Copies::Both,
            "alice",
        );
        for acct in [MGMT, PROD] {
            push(
                Call::new(
                    at(d, 6, 0, 0),
                    &role_arn(acct, "security-audit"),
                    role(SECURITY, "security-audit", "alice"),
                    "10.60.0.5",
                ),
                Copies::Both,
                "audit",
            );
        }
        // Datadog polls every six hours with its External ID.
        for h in [0, 6, 12, 18] {
            let mut c = Call::new(
                at(d, h, 3, 0),
                &role_arn(PROD, "datadog-integration"),
                Identity::Role {
                    arn: "arn:aws:iam::464622532012:role/DatadogAWSIntegrationRole".into(),
                    unique_id: "AROAW7DATADOGEXAMPLE".into(),
                    session: "dd".into(),
                },
                "203.0.113.50",
            );
            c.external_id = Some("7f3a9c2e-b41d-4e6a-9c55-0d3e8a1f2b6c".into());
            push(c, Copies::Target, "DatadogAWSIntegration");
        }
        // Services.
        push(
            Call::new(
                at(d, 3, 0, 0),
                &role_arn(PROD, "app-api"),
                Identity::Service("lambda.amazonaws.com".into()),
                "lambda.amazonaws.com",
            ),
            Copies::Target,
            "app-api",
        );
        // The MSP's operator, on Wednesdays, from its usual network.
        if d % 7 == 1 {
            push(
                Call::new(
                    at(d, 10, 0, 0),
                    &role_arn(PROD, "msp-support"),
                    Identity::Role {
                        arn: "arn:aws:iam::999988887777:role/msp-operator".into(),
                        unique_id: "AROAMSPOPERATOREXAMPL".into(),
                        session: "op".into(),
                    },
                    "198.18.0.5",
                ),
                Copies::Target,
                "msp-operator",
            );
        }
        // Someone outside the organization reads through staging's open-sesame on Saturdays.
        if d % 7 == 4 {
            push(
                Call::new(
                    at(d, 22, 0, 0),
                    &role_arn(STAGING, "open-sesame"),
                    Identity::Role {
                        arn: "arn:aws:iam::210987654321:role/reader".into(),
                        unique_id: "AROAOUTSIDEREADEREXA".into(),
                        session: "r".into(),
                    },
                    "203.0.113.200",
                ),
                Copies::Target,
                "reader",
            );
        }
    }
    // In the last 30 days: a new MSP principal from a new network (days 49 and 51).
    for d in [49, 51] {
        push(
            Call::new(
                at(d, 2, 30, 0),
                &role_arn(PROD, "msp-support"),
                Identity::Role {
                    arn: "arn:aws:iam::999988887777:role/msp-contractor".into(),
                    unique_id: "AROAMSPCONTRACTOREXA".into(),
                    session: "c".into(),
                },
                "198.18.7.9",
            ),
            Copies::Target,
            "contractor",
        );
    }
    // Probing on 2026-10-20 (day 49), 03:00–03:04: 24 denied calls against 8 roles.
    let probed = [
        "prod-admin",
        "OrganizationAccountAccessRole",
        "deploy",
        "break-glass",
        "msp-support",
        "developer",
        "engineer-readonly",
        "datadog-integration",
    ];
    for i in 0..24i64 {
        let mut c = Call::new(
            at(49, 3, i / 6, (i % 6) * 10),
            &role_arn(PROD, probed[i as usize % probed.len()]),
            user("123456789012", "scanner"),
            "203.0.113.99",
        );
        c.error = Some("AccessDenied".into());
        push(c, Copies::Target, "probe");
    }
    // Two denied calls by bob: not a burst.
    for i in 0..2 {
        let mut c = Call::new(
            at(30, 9, 0, i),
            &role_arn(PROD, "engineer-readonly"),
            user(IDENTITY, "bob"),
            office_ip,
        );
        c.error = Some("AccessDenied".into());
        push(c, Copies::Both, "bob");
    }
    // The break-glass role is for oncall-breakglass; CloudTrail shows bob using it (day 57).
    push(
        Call::new(
            at(9, 23, 0, 0),
            &role_arn(PROD, "break-glass"),
            user(IDENTITY, "oncall-breakglass"),
            office_ip,
        ),
        Copies::Both,
        "oncall",
    );
    push(
        Call::new(
            at(57, 23, 30, 0),
            &role_arn(PROD, "break-glass"),
            user(IDENTITY, "bob"),
            office_ip,
        ),
        Copies::Both,
        "bob",
    );
    // ci-deployer tried the sandbox experiment role once (IAM never saw it used).
    push(
        Call::new(
            at(44, 12, 0, 0),
            &role_arn(SANDBOX, "never-used-experiment"),
            role(TOOLING, "ci-deployer", "deployer"),
            runner_ip,
        ),
        Copies::Both,
        "experiment",
    );
    calls.sort_by_key(|c| c.time);
    calls
}
