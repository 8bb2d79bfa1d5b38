//! Writes deterministic CloudTrail files (see `trustgate_trail::generate`).
//!
//! ```text
//! trustgate-trail-gen example --snapshot examples/org --out examples/trail
//! trustgate-trail-gen random --out DIR [--seed S] [--accounts N] [--roles M] [--days D]
//!                     [--calls C] [--noise-per-call K] [--noise-files-per-day F]
//!                     [--noise-records-per-file R] [--console-every N]
//!
//! `--console-every N`: every Nth call by a user or role is a console role switch (an STS
//! AssumeRole from "AWS Internal" and a SwitchRole record in the role's account).
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Deserialize;
use trustgate_trail::event::parse_time;
use trustgate_trail::generate::{example_org_calls, random_calls, write_trail, WriteOptions};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AuthDetails {
    #[serde(default)]
    role_detail_list: Vec<Principal>,
    #[serde(default)]
    user_detail_list: Vec<Principal>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Principal {
    arn: String,
    #[serde(alias = "UserId")]
    role_id: String,
}

/// ARN → unique ID of every role and user of the snapshot's account files.
fn unique_ids(snapshot: &Path) -> Result<HashMap<String, String>, String> {
    let mut out = HashMap::new();
    let entries =
        std::fs::read_dir(snapshot).map_err(|e| format!("{}: {e}", snapshot.display()))?;
    for e in entries.flatten() {
        let p = e.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if !(name.len() == 17
            && name.ends_with(".json")
            && name[..12].bytes().all(|b| b.is_ascii_digit()))
        {
            continue;
        }
        let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        let d: AuthDetails =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))?;
        for pr in d.role_detail_list.into_iter().chain(d.user_detail_list) {
            out.insert(pr.arn, pr.role_id);
        }
    }
    Ok(out)
}

fn arg<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> Result<T, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(default),
        Some(i) => args
            .get(i + 1)
            .ok_or(format!("{name}: missing value"))?
            .parse()
            .map_err(|_| format!("{name}: bad value")),
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out: PathBuf = arg(&args, "--out", PathBuf::new())?;
    if out.as_os_str().is_empty() {
        return Err("usage: trustgate-trail-gen example|random --out DIR [options]".into());
    }
    let seed: u64 = arg(&args, "--seed", 1)?;
    let (calls, opts) = match args.first().map(String::as_str) {
        Some("example") => {
            let snapshot: PathBuf = arg(&args, "--snapshot", PathBuf::from("examples/org"))?;
            let ids = unique_ids(&snapshot)?;
            let calls = example_org_calls(&|arn| {
                ids.get(arn)
                    .cloned()
                    .unwrap_or_else(|| "AROAUNKNOWNEXAMPLE00".into())
            });
            let opts = WriteOptions {
                seed,
                // Role assumptions only: keeps the example small in the repository.
                noise_per_call: 0,
                org_id: Some("o-example1234".into()),
                days_per_file: 7,
                gzip_level: 9,
                ..Default::default()
            };
            (calls, opts)
        }
        Some("random") => {
            let start = parse_time("2026-01-01T00:00:00Z").ok_or("time")?;
            let mut calls = random_calls(
                seed,
                arg(&args, "--accounts", 20)?,
                arg(&args, "--roles", 20)?,
                arg(&args, "--days", 30)?,
                arg(&args, "--calls", 10_000)?,
                start,
            );
            let console: usize = arg(&args, "--console-every", 0)?;
            if console > 0 {
                for (i, c) in calls.iter_mut().enumerate() {
                    let person = matches!(
                        c.identity,
                        trustgate_trail::generate::Identity::User { .. }
                            | trustgate_trail::generate::Identity::Role { .. }
                    );
                    if i % console == 0 && person {
                        c.name = trustgate_trail::EventName::SwitchRole;
                    }
                }
            }
            let opts = WriteOptions {
                seed,
                noise_per_call: arg(&args, "--noise-per-call", 10)?,
                noise_files_per_day: arg(&args, "--noise-files-per-day", 0)?,
                noise_records_per_file: arg(&args, "--noise-records-per-file", 0)?,
                gzip_level: arg(&args, "--gzip-level", 6)?,
                ..Default::default()
            };
            (calls, opts)
        }
        _ => return Err("usage: trustgate-trail-gen example|random --out DIR [options]".into()),
    };
    let stats = write_trail(&out, &calls, &opts).map_err(|e| format!("{}: {e}", out.display()))?;
    println!(
        "{} calls, {} files, {} records ({} role-assumption records), {:.1} MB gzip, {:.1} MB JSON",
        calls.len(),
        stats.files,
        stats.records,
        stats.call_records,
        stats.bytes as f64 / 1e6,
        stats.json_bytes as f64 / 1e6
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("trustgate-trail-gen: {e}");
            ExitCode::from(2)
        }
    }
}
