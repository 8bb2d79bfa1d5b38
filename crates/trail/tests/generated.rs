//! Generated CloudTrail files with known answers: what the reader finds must be exactly what
//! was generated.

use std::collections::{BTreeMap, HashMap};

use trustgate_trail::generate::{
    example_org_calls, expected_counts, random_calls, write_trail, Call, Copies, Identity,
    WriteOptions,
};
use trustgate_trail::results::{read_results, rows_of, write_csv};
use trustgate_trail::{format_time, parse_time, read_logs, CallerType, ReadOptions, Usage};

/// Unique ID → (ARN, type) for every role and user among the calls' callers.
fn resolver(calls: &[Call]) -> HashMap<String, (String, CallerType)> {
    let mut m = HashMap::new();
    for c in calls {
        match &c.identity {
            Identity::Role { arn, unique_id, .. } => {
                m.insert(unique_id.clone(), (arn.clone(), CallerType::Role));
            }
            Identity::User { arn, unique_id } => {
                m.insert(unique_id.clone(), (arn.clone(), CallerType::User));
            }
            _ => {}
        }
    }
    m
}

fn counts(u: &Usage) -> BTreeMap<(String, String), (u64, u64, i64, i64)> {
    u.pairs
        .iter()
        .map(|p| {
            (
                (p.target.clone(), p.caller.clone()),
                (
                    p.stats.counters.successes,
                    p.stats.counters.failures,
                    p.stats.first_seen.unwrap(),
                    p.stats.last_seen.unwrap(),
                ),
            )
        })
        .collect()
}

#[test]
fn random_trail_reads_back_exactly() {
    let start = parse_time("2026-01-01T00:00:00Z").unwrap();
    let mut calls = random_calls(7, 6, 5, 20, 1500, start);
    // Some role-account copies show only the caller's unique ID.
    for (i, c) in calls.iter_mut().enumerate() {
        if i % 5 == 0 && c.copies == Copies::Both {
            c.copies = Copies::BothOpaque;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let stats = write_trail(
        dir.path(),
        &calls,
        &WriteOptions {
            seed: 7,
            noise_per_call: 2,
            org_id: Some("o-test".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(
        stats.call_records > calls.len(),
        "cross-account calls have two copies"
    );
    let (raw, read) = read_logs(dir.path(), &ReadOptions::default()).unwrap();
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    assert_eq!(read.records as usize, stats.records);
    assert_eq!(read.events as usize, stats.call_records);
    let ids = resolver(&calls);
    let usage = raw.finalize(&|id| ids.get(id).cloned());
    let expected = expected_counts(&calls);
    assert_eq!(counts(&usage), expected);
    let failures: u64 = expected.values().map(|v| v.1).sum();
    let burst_failures: u64 = usage.bursts.iter().map(|b| b.stats.failures).sum();
    assert_eq!(
        burst_failures, failures,
        "every failure is in exactly one window"
    );

    // The SQL's result rows, written and read back, give the same usage.
    let rows = rows_of(&raw);
    let csv_path = dir.path().join("result.csv");
    let mut f = std::fs::File::create(&csv_path).unwrap();
    write_csv(&rows, &mut f).unwrap();
    drop(f);
    let back = read_results(&csv_path, 600).unwrap();
    assert_eq!(back.finalize(&|id| ids.get(id).cloned()), usage);
    let jsonl_path = dir.path().join("result.jsonl");
    let text: String = rows
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect();
    std::fs::write(&jsonl_path, text).unwrap();
    let back = read_results(&jsonl_path, 600).unwrap();
    assert_eq!(back.finalize(&|id| ids.get(id).cloned()), usage);
}

#[test]
fn example_trail_known_answers() {
    let calls =
        example_org_calls(&|arn| format!("AROA{:016X}", arn.bytes().map(u64::from).sum::<u64>()));
    let dir = tempfile::tempdir().unwrap();
    write_trail(
        dir.path(),
        &calls,
        &WriteOptions {
            days_per_file: 7,
            org_id: Some("o-example1234".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let (raw, read) = read_logs(dir.path(), &ReadOptions::default()).unwrap();
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    let ids = resolver(&calls);
    let usage = raw.finalize(&|id| ids.get(id).cloned());
    let pair = |target: &str, caller: &str| {
        usage
            .pairs
            .iter()
            .find(|p| p.target == target && p.caller == caller)
            .unwrap_or_else(|| panic!("{target} ← {caller}"))
    };
    let deploy = pair(
        "arn:aws:iam::100000000004:role/deploy",
        "arn:aws:iam::100000000003:role/ci-deployer",
    );
    assert_eq!(
        deploy.stats.counters.successes, 122,
        "2 a day for 61 days, counted once"
    );
    assert_eq!(
        format_time(deploy.stats.first_seen.unwrap()),
        "2026-09-01T17:01:00Z"
    );
    assert_eq!(
        format_time(deploy.stats.last_seen.unwrap()),
        "2026-10-31T17:01:10Z"
    );
    assert_eq!(
        deploy.stats.networks.values.keys().collect::<Vec<_>>(),
        ["192.0.2.0/24"]
    );
    let datadog = pair(
        "arn:aws:iam::100000000004:role/datadog-integration",
        "arn:aws:iam::464622532012:role/DatadogAWSIntegrationRole",
    );
    assert_eq!(datadog.stats.counters.successes, 244);
    assert_eq!(datadog.stats.counters.external_id_successes, 244);
    let sso = pair(
        "arn:aws:iam::100000000002:role/sso-engineer",
        "arn:aws:iam::100000000002:saml-provider/ExampleIdP",
    );
    assert_eq!(sso.stats.session_names.values.len(), 2, "alice and bob");
    let switch = pair(
        "arn:aws:iam::100000000004:role/engineer-readonly",
        "arn:aws:iam::100000000002:user/alice",
    );
    assert_eq!(
        switch.stats.counters.by_event[4], 9,
        "console switches on Tuesdays"
    );
    let bob = pair(
        "arn:aws:iam::100000000004:role/engineer-readonly",
        "arn:aws:iam::100000000002:user/bob",
    );
    assert_eq!(
        (bob.stats.counters.successes, bob.stats.counters.failures),
        (0, 2)
    );
    let probes: Vec<_> = usage
        .bursts
        .iter()
        .filter(|b| b.caller == "arn:aws:iam::123456789012:user/scanner")
        .collect();
    assert_eq!(probes.len(), 1);
    assert_eq!(probes[0].stats.failures, 24);
    assert_eq!(probes[0].stats.targets.values.len(), 8);
    assert_eq!(format_time(probes[0].window_start), "2026-10-20T03:00:00Z");
    let (first, last) = usage.span_text().unwrap();
    assert_eq!(first, "2026-09-01T00:03:00Z");
    assert_eq!(
        last, "2026-10-31T22:00:00Z",
        "the Saturday reader of open-sesame"
    );
    assert_eq!(counts(&usage), expected_counts(&calls));
}

/// Console switches as CloudTrail records them: an STS `AssumeRole` from `AWS Internal`,
/// delivered like any call, and a `SwitchRole` record in the role's account. Each switch is
/// counted once, its `SwitchRole` record adding the browser's address.
#[test]
fn console_switches_count_once() {
    let start = parse_time("2026-03-01T00:00:00Z").unwrap();
    let mut calls = random_calls(11, 4, 3, 5, 300, start);
    // (Not `Copies::Caller` mixed with the others: a pair whose calls are delivered to
    // different sides is counted from the role's side, see `Counters::prefer`.)
    let copies = [Copies::Target, Copies::Both, Copies::BothOpaque];
    let mut switches = 0;
    for (i, c) in calls.iter_mut().enumerate() {
        if i % 3 == 0 && !matches!(c.identity, Identity::Service(_)) {
            c.name = trustgate_trail::EventName::SwitchRole;
            c.copies = copies[i % 3];
            c.source_ip = format!("203.0.113.{}", i % 200);
            switches += 1;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    write_trail(dir.path(), &calls, &WriteOptions::default()).unwrap();
    let (raw, read) = read_logs(dir.path(), &ReadOptions::default()).unwrap();
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    let ids = resolver(&calls);
    let usage = raw.finalize(&|id| ids.get(id).cloned());
    // SwitchRole records name the role without its path: none here have one, so they
    // meet their AssumeRole under the same pair.
    let (got, want) = (counts(&usage), expected_counts(&calls));
    let diff: Vec<_> = want
        .iter()
        .filter(|(k, v)| got.get(*k) != Some(v))
        .collect();
    assert!(diff.is_empty() && got.len() == want.len(), "{diff:?}");
    let console: u64 = usage
        .pairs
        .iter()
        .map(|p| p.stats.counters.by_event[4])
        .sum();
    let expected_console = calls
        .iter()
        .filter(|c| c.name == trustgate_trail::EventName::SwitchRole && c.error.is_none())
        .count() as u64;
    assert!(switches > 50 && expected_console > 20);
    assert_eq!(console, expected_console);
    // The browser's address is known from the SwitchRole record (the AssumeRole says
    // "AWS Internal").
    let c = calls
        .iter()
        .find(|c| {
            c.name == trustgate_trail::EventName::SwitchRole
                && c.error.is_none()
                && c.copies == Copies::Target
        })
        .unwrap();
    let p = usage
        .pairs
        .iter()
        .find(|p| p.target == c.target && p.caller == c.identity.caller())
        .unwrap();
    assert!(p.stats.source_ips.values.contains(&c.source_ip));
}

/// The committed example trail is exactly what the generator writes.
#[test]
fn examples_trail_is_the_generators_output() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("trail");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_trustgate-trail-gen"))
        .args(["example", "--snapshot"])
        .arg(root.join("examples/org"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let files = |base: &std::path::Path| {
        let mut v = Vec::new();
        let mut stack = vec![base.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let rel = p.strip_prefix(base).unwrap().to_path_buf();
                    v.push((rel, std::fs::read(&p).unwrap()));
                }
            }
        }
        v.sort();
        v
    };
    let generated = files(&out);
    let committed = files(&root.join("examples/trail"));
    assert_eq!(generated.len(), committed.len());
    for ((a, da), (b, db)) in generated.iter().zip(&committed) {
        assert_eq!(a, b);
        assert!(
            da == db,
            "{} differs: regenerate examples/trail (see examples/README.md)",
            a.display()
        );
    }
}
