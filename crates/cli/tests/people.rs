//! IAM users and their credentials: rules TG019–TG022 from the credential report, the
//! registry's entry points, and `trustgate profiles` (parsed back with an INI parser).

mod common;

use common::{ok_json, root, run};

const FIXTURE: &str = "crates/cli/tests/fixtures/people";
const DEV: &str = "arn:aws:iam::111111111111:user/dev";
const OPS: &str = "arn:aws:iam::111111111111:user/ops";

fn findings(extra: &[&str]) -> Vec<(String, String, String, String)> {
    let mut args = vec!["scan", FIXTURE, "--format", "json", "--now", "2026-11-01"];
    for r in ["TG019", "TG020", "TG021", "TG022"] {
        args.extend(["--rule", r]);
    }
    args.extend_from_slice(extra);
    ok_json(&args)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn credential_report_rules() {
    let f = findings(&[]);
    let of = |rule: &str| -> Vec<&(String, String, String, String)> {
        f.iter().filter(|x| x.0 == rule).collect()
    };
    // TG019: both users hold keys and reach other accounts; ops (no MFA) only without MFA.
    let tg019 = of("TG019");
    assert_eq!(tg019.len(), 2, "{tg019:?}");
    let ops019 = tg019.iter().find(|x| x.2 == OPS).unwrap();
    assert!(
        ops019.3.contains("2 roles in other accounts"),
        "{}",
        ops019.3
    );
    assert!(
        !ops019.3.contains("hop1"),
        "MFA-gated hop1 is out of reach without MFA"
    );
    let dev019 = tg019.iter().find(|x| x.2 == DEV).unwrap();
    assert!(
        dev019.3.contains("10 days old") && dev019.3.contains("hop1"),
        "{}",
        dev019.3
    );
    // TG020: the root's key (high), ops's old and idle key; not dev's fresh one, not ops's key 2.
    let tg020 = of("TG020");
    assert_eq!(tg020.len(), 2, "{tg020:?}");
    let root = tg020
        .iter()
        .find(|x| x.2 == "arn:aws:iam::111111111111:root")
        .unwrap();
    assert_eq!(root.1, "high");
    let ops020 = tg020.iter().find(|x| x.2 == OPS).unwrap();
    assert!(
        ops020
            .3
            .contains("key 1: not rotated for 400 days, unused for 300 days"),
        "{}",
        ops020.3
    );
    // A lower --key-max-age catches ops's 31-day-old, never-used key 2 too.
    let stricter = findings(&["--key-max-age", "30"]);
    assert!(stricter
        .iter()
        .any(|x| x.0 == "TG020" && x.3.contains("key 2: not rotated for 31 days, never used")));
    assert!(!stricter.iter().any(|x| x.0 == "TG020" && x.2 == DEV));
    // TG021: `ops` in two accounts.
    let tg021 = of("TG021");
    assert_eq!(tg021.len(), 1);
    assert!(tg021[0].3.contains("111111111111, 333333333333"));
    // TG022: ops has no MFA: which roles it can assume anyway, which need MFA it cannot give.
    let tg022 = of("TG022");
    assert_eq!(tg022.len(), 1, "dev has MFA");
    let (before, after) = tg022[0]
        .3
        .split_once("requires MFA it cannot give")
        .unwrap();
    assert!(before.contains("pattern-ext") && !before.contains("hop1"));
    assert!(after.contains("hop1") && after.contains("hop3"));
}

#[test]
fn example_org_people_findings() {
    let v = ok_json(&[
        "scan",
        "examples/org",
        "--format",
        "json",
        "--now",
        "2026-11-01",
    ]);
    let fired = |rule: &str| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == rule)
            .map(|f| f["resource"].as_str().unwrap().to_string())
            .collect()
    };
    let bob = "arn:aws:iam::100000000002:user/bob".to_string();
    assert!(fired("TG019").contains(&bob));
    assert_eq!(
        fired("TG020").len(),
        2,
        "bob's 2024 key, sandbox alice's unused key"
    );
    assert_eq!(fired("TG021"), vec!["arn:aws:iam::100000000002:user/alice"]);
    let tg022 = fired("TG022");
    assert!(tg022.contains(&bob));
    assert!(tg022.contains(&"arn:aws:iam::100000000002:user/oncall-breakglass".to_string()));
    assert!(!tg022.contains(&"arn:aws:iam::100000000002:user/alice".to_string()));
}

#[test]
fn registry_lists_entry_points() {
    let v = ok_json(&["registry", FIXTURE, "--format", "json"]);
    let eps = v["entryPoints"].as_array().unwrap();
    assert_eq!(eps.len(), 3, "dev, ops, and ops in 333333333333");
    let dev = eps.iter().find(|e| e["user"] == DEV).unwrap();
    assert_eq!(dev["credentials"]["mfaActive"], true);
    assert_eq!(dev["credentials"]["activeKeys"][0]["slot"], 1);
    let hop3 = dev["reachable"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role"] == "arn:aws:iam::333333333333:role/hop3")
        .unwrap();
    assert_eq!(hop3["hops"], 3);
    assert_eq!(hop3["mfaRequired"], true);
    assert_eq!(hop3["crossAccount"], true);
    let chained = dev["reachable"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role"] == "arn:aws:iam::333333333333:role/chained-mfa")
        .unwrap();
    assert_eq!(chained["mfaOnChainedHop"], true);
    // No credential report for the second account: said, not guessed.
    let ops_c = eps
        .iter()
        .find(|e| e["user"] == "arn:aws:iam::333333333333:user/ops")
        .unwrap();
    assert!(ops_c["credentials"].is_null());
}

fn parse_ini(text: &str) -> ini::Ini {
    ini::Ini::load_from_str(text).expect("a valid INI file")
}

#[test]
fn profiles_for_one_to_three_hops_parse_back() {
    let o = run(&["profiles", DEV, "--snapshot", FIXTURE]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8(o.stdout).unwrap();
    let conf = parse_ini(&text);
    let get = |section: &str, key: &str| -> Option<String> {
        conf.section(Some(section))
            .unwrap_or_else(|| panic!("no section {section} in\n{text}"))
            .get(key)
            .map(str::to_string)
    };
    let hop1 = "profile 222222222222-hop1";
    assert_eq!(
        get(hop1, "role_arn").unwrap(),
        "arn:aws:iam::222222222222:role/hop1"
    );
    assert_eq!(get(hop1, "source_profile").unwrap(), "default");
    assert_eq!(
        get(hop1, "mfa_serial").unwrap(),
        "arn:aws:iam::111111111111:mfa/dev"
    );
    assert_eq!(
        get(hop1, "duration_seconds").unwrap(),
        "14400",
        "first hop: the role's maximum"
    );
    assert_eq!(get(hop1, "role_session_name").unwrap(), "dev");
    let hop2 = "profile 333333333333-hop2";
    assert_eq!(get(hop2, "source_profile").unwrap(), "222222222222-hop1");
    assert_eq!(
        get(hop2, "duration_seconds").unwrap(),
        "3600",
        "chained: one hour at most"
    );
    assert_eq!(get(hop2, "mfa_serial"), None);
    let hop3 = "profile 333333333333-hop3";
    assert_eq!(get(hop3, "source_profile").unwrap(), "333333333333-hop2");
    assert_eq!(
        get(hop3, "role_arn").unwrap(),
        "arn:aws:iam::333333333333:role/hop3"
    );
    assert_eq!(
        get("profile 222222222222-vendor-like", "external_id").unwrap(),
        "ext-123"
    );
    assert_eq!(
        get("profile 222222222222-pattern-ext", "external_id").unwrap(),
        "REPLACE-WITH-EXTERNAL-ID"
    );
    assert!(text.contains("# NOTE: external_id is required but not known"));
    // Left out, with the reason.
    assert!(conf
        .section(Some("profile 222222222222-ip-locked"))
        .is_none());
    assert!(text.contains(
        "#   arn:aws:iam::222222222222:role/ip-locked: depends on IpAddress aws:SourceIp"
    ));
    assert!(text.contains("#   arn:aws:iam::333333333333:role/chained-mfa: needs MFA"));
    // Every source_profile is `default` or a profile of the file.
    for (name, props) in conf.iter() {
        if let (Some(_), Some(src)) = (name, props.get("source_profile")) {
            assert!(
                src == "default" || conf.section(Some(format!("profile {src}"))).is_some(),
                "{src}"
            );
        }
    }
}

#[test]
fn profiles_without_mfa_and_for_a_role() {
    let o = run(&[
        "profiles",
        OPS,
        "--snapshot",
        FIXTURE,
        "--source-profile",
        "ops-keys",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    let conf = parse_ini(&text);
    assert!(conf.section(Some("profile 222222222222-hop1")).is_none());
    assert!(text.contains("hop1: needs MFA, and the credential report shows no MFA device"));
    assert!(text.contains(
        "hop3: reached through arn:aws:iam::333333333333:role/hop2, which has no profile"
    ));
    assert_eq!(
        conf.section(Some("profile 222222222222-pattern-ext"))
            .unwrap()
            .get("source_profile"),
        Some("ops-keys")
    );
    // From a role's credentials every hop is chained: one hour at most.
    let o = run(&[
        "profiles",
        "arn:aws:iam::111111111111:role/ci",
        "--snapshot",
        FIXTURE,
    ]);
    assert_eq!(o.status.code(), Some(0));
    let conf = parse_ini(&String::from_utf8(o.stdout).unwrap());
    for (name, props) in conf.iter() {
        if name.is_some() {
            assert!(
                props
                    .get("duration_seconds")
                    .unwrap()
                    .parse::<u32>()
                    .unwrap()
                    <= 3600
            );
            assert!(props.get("mfa_serial").is_none());
        }
    }
    // Not a principal of the snapshot: exit 2, saying so.
    let o = run(&[
        "profiles",
        "arn:aws:iam::111111111111:user/nobody",
        "--snapshot",
        FIXTURE,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("user/nobody"));
}

#[test]
fn profiles_write_merges_and_keeps_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    // The user's own file, with a profile whose name trustgate would also choose.
    let original = "# my settings\n[default]\nregion = eu-west-1\n\n[profile 222222222222-hop1]\nrole_arn = arn:aws:iam::222222222222:role/hop1\nsource_profile = default\nregion = us-east-1\n\n[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\n";
    std::fs::write(&config, original).unwrap();
    let write = || {
        let o = run(&[
            "profiles",
            DEV,
            "--snapshot",
            FIXTURE,
            "--write",
            config.to_str().unwrap(),
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(o.stdout.is_empty(), "nothing on stdout with --write");
        std::fs::read_to_string(&config).unwrap()
    };
    let merged = write();
    assert!(
        merged.starts_with(original),
        "the user's text is kept as it was"
    );
    let conf = parse_ini(&merged);
    // The user's hop1 profile is untouched; ours took another name, and hop2 follows it.
    let users = conf.section(Some("profile 222222222222-hop1")).unwrap();
    assert_eq!(users.get("region"), Some("us-east-1"));
    let ours = conf
        .section(Some("profile 222222222222-hop1-trustgate"))
        .unwrap();
    assert_eq!(
        ours.get("mfa_serial"),
        Some("arn:aws:iam::111111111111:mfa/dev")
    );
    assert_eq!(
        conf.section(Some("profile 333333333333-hop2"))
            .unwrap()
            .get("source_profile"),
        Some("222222222222-hop1-trustgate")
    );
    // A backup of the original beside it.
    let backups: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("config.bak-"))
        .collect();
    assert_eq!(backups.len(), 1);
    assert_eq!(
        std::fs::read_to_string(backups[0].path()).unwrap(),
        original
    );
    // Writing again replaces trustgate's sections only: the same file.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(write(), merged);
}

#[test]
fn broken_credential_report_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(root().join(FIXTURE)).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), dir.path().join(f.file_name())).unwrap();
    }
    let report = dir.path().join("credential-report-111111111111.csv");
    let text = std::fs::read_to_string(&report)
        .unwrap()
        .replace("2025-09-27T00:00:00+00:00", "last tuesday");
    std::fs::write(&report, text).unwrap();
    let o = run(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "credential-report-111111111111.csv: line 4: column access_key_1_last_rotated"
        ),
        "{err}"
    );
    // --keep-going: skipped, and said so.
    let o = run(&[
        "scan",
        dir.path().to_str().unwrap(),
        "--keep-going",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().starts_with("skipped credential report")));
}
