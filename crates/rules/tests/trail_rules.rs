//! The CloudTrail rules (TG011 with a trail, TG030–TG035) at their boundaries, on a
//! one-account snapshot and hand-made events.

use serde_json::json;
use trustgate_model::{LoadOptions, Snapshot};
use trustgate_rules::{analyze, Finding, ScanOptions, TrailInput, TrailOptions};
use trustgate_trail::{parse_time, CallerType, EventName, RawAggregate, StsEvent};

const A: &str = "111111111111";
const DAY: i64 = 86_400;

fn role(name: &str, trusted: serde_json::Value, last_used: Option<&str>) -> serde_json::Value {
    let mut r = json!({"RoleName": name, "Arn": format!("arn:aws:iam::{A}:role/{name}"), "Path": "/",
        "RoleId": format!("AROA{:0>16}", name.len()), "CreateDate": "2020-01-01T00:00:00Z",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": trusted}, "Action": "sts:AssumeRole"}]},
        "RolePolicyList": [], "AttachedManagedPolicies": []});
    if let Some(d) = last_used {
        r["RoleLastUsed"] = json!({"LastUsedDate": d, "Region": "eu-west-1"});
    }
    r
}

fn snapshot() -> (tempfile::TempDir, Snapshot) {
    snapshot_with(Vec::new())
}

fn snapshot_with(extra_roles: Vec<serde_json::Value>) -> (tempfile::TempDir, Snapshot) {
    let mut account = json!({
        "UserDetailList": [{"UserName": "u", "Arn": format!("arn:aws:iam::{A}:user/u"), "Path": "/",
            "UserId": "AIDAUSERU00000000001", "UserPolicyList": [], "AttachedManagedPolicies": [], "GroupList": []}],
        "GroupDetailList": [],
        "RoleDetailList": [
            role("target", json!([format!("arn:aws:iam::{A}:role/ci"), "arn:aws:iam::222222222222:root"]), None),
            role("fresh", json!(format!("arn:aws:iam::{A}:role/ci")), None),
            role("ci", json!(format!("arn:aws:iam::{A}:root")), None),
            role("old", json!(format!("arn:aws:iam::{A}:role/ci")), Some("2020-01-01T00:00:00Z")),
        ],
        "Policies": []
    });
    account["RoleDetailList"]
        .as_array_mut()
        .unwrap()
        .extend(extra_roles);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(format!("{A}.json")), account.to_string()).unwrap();
    let snap = Snapshot::load(dir.path(), &LoadOptions::default()).unwrap();
    (dir, snap)
}

fn ev(t: i64, target: &str, caller: &str, ty: CallerType, ip: &str, error: bool) -> StsEvent {
    StsEvent {
        time: t,
        name: EventName::AssumeRole,
        target: format!("arn:aws:iam::{A}:role/{target}"),
        caller: caller.to_string(),
        caller_type: ty,
        caller_account: trustgate_trail::event::arn_account(caller).map(str::to_string),
        session_name: Some("s".into()),
        error_code: error.then(|| "AccessDenied".to_string()),
        source_ip: Some(ip.to_string()),
        vpc_endpoint: None,
        user_agent: None,
        region: None,
        external_id: false,
        source_identity: None,
        tag_keys: vec![],
        duration_seconds: None,
        recipient_account: Some(A.into()),
    }
}

fn run(events: &[StsEvent], threshold: u64) -> Vec<Finding> {
    let (_dir, snap) = snapshot();
    let mut raw = RawAggregate::new(600);
    for e in events {
        raw.add(e);
    }
    let usage = raw.finalize(&|_| None);
    let options = ScanOptions {
        now: "2026-11-01T00:00:00Z".parse().unwrap(),
        trail: Some(TrailInput::new(
            usage,
            TrailOptions {
                baseline_days: 30,
                burst_threshold: threshold,
            },
        )),
        ..ScanOptions::default()
    };
    analyze(&snap, &options).output.findings
}

fn of<'a>(f: &'a [Finding], rule: &str) -> Vec<&'a Finding> {
    f.iter().filter(|x| x.rule == rule).collect()
}

#[test]
fn window_boundaries_bursts_and_trust() {
    let end = parse_time("2026-10-31T00:00:00Z").unwrap();
    let window = end - 30 * DAY;
    let ci = format!("arn:aws:iam::{A}:role/ci");
    let role = CallerType::Role;
    let mut e = vec![
        // `target` in use before the window, from 10.0.0.0/24.
        ev(window - 1, "target", &ci, role, "10.0.0.1", false),
        ev(end, "target", &ci, role, "10.0.0.2", false),
        // New caller exactly at the window start (outside the organization): reported.
        ev(
            window,
            "target",
            "arn:aws:iam::222222222222:role/new",
            role,
            "10.0.0.3",
            false,
        ),
        // An old caller of the same account: not new.
        ev(
            window - DAY,
            "target",
            "arn:aws:iam::222222222222:role/known",
            role,
            "10.0.0.4",
            false,
        ),
        ev(
            window + DAY,
            "target",
            "arn:aws:iam::222222222222:role/known",
            role,
            "10.0.0.4",
            false,
        ),
        // A new network inside the window.
        ev(window + 10, "target", &ci, role, "10.0.1.5", false),
        // `fresh` starts inside the window: no history, nothing is new.
        ev(window + DAY, "fresh", &ci, role, "192.0.2.1", false),
        // The user is not trusted by `target`.
        ev(
            window + 2 * DAY,
            "target",
            &format!("arn:aws:iam::{A}:user/u"),
            CallerType::User,
            "10.0.0.9",
            false,
        ),
        // `old`: IAM says 2020, CloudTrail says now.
        ev(end - DAY, "old", &ci, role, "10.0.0.1", false),
    ];
    let w0 = (window / 600 + 5) * 600;
    // 10 failures in one window (reported), 9 in another (not), 10 split over two (not).
    for i in 0..10 {
        e.push(ev(
            w0 + i,
            "target",
            "arn:aws:iam::333333333333:user/p10",
            CallerType::User,
            "203.0.113.1",
            true,
        ));
    }
    for i in 0..9 {
        e.push(ev(
            w0 + i,
            "target",
            "arn:aws:iam::333333333333:user/p9",
            CallerType::User,
            "203.0.113.2",
            true,
        ));
    }
    for i in 0..10 {
        e.push(ev(
            w0 + 595 + i,
            "target",
            "arn:aws:iam::333333333333:user/split",
            CallerType::User,
            "203.0.113.3",
            true,
        ));
    }
    let f = run(&e, 10);
    let new: Vec<&str> = of(&f, "TG030")
        .iter()
        .map(|x| str_detail(x, "caller"))
        .collect();
    assert_eq!(
        new,
        [
            "arn:aws:iam::222222222222:role/new",
            format!("arn:aws:iam::{A}:user/u").as_str()
        ]
    );
    assert_eq!(of(&f, "TG030")[0].severity.as_str(), "high");
    let nets: Vec<&str> = of(&f, "TG032")
        .iter()
        .map(|x| str_detail(x, "network"))
        .collect();
    assert_eq!(nets, ["10.0.1.0/24"]);
    let bursts: Vec<&str> = of(&f, "TG033")
        .iter()
        .map(|x| x.resource.as_str())
        .collect();
    assert_eq!(bursts, ["arn:aws:iam::333333333333:user/p10"]);
    let denied: Vec<&str> = of(&f, "TG035")
        .iter()
        .map(|x| str_detail(x, "caller"))
        .collect();
    assert_eq!(denied, [format!("arn:aws:iam::{A}:user/u").as_str()]);
    let outside: Vec<(&str, &str)> = of(&f, "TG031")
        .iter()
        .map(|x| (str_detail(x, "caller"), x.severity.as_str()))
        .collect();
    assert_eq!(
        outside,
        [
            ("arn:aws:iam::222222222222:role/known", "low"),
            ("arn:aws:iam::222222222222:role/new", "low")
        ]
    );
    assert!(
        !of(&f, "TG011")
            .iter()
            .any(|x| x.resource.ends_with("role/old")),
        "used per CloudTrail"
    );
    // Every role caller with a success is a chain: five pairs into three roles, one
    // finding per role entered.
    let chains: Vec<(&str, u64)> = of(&f, "TG034")
        .iter()
        .map(|x| {
            (
                x.resource.as_str(),
                x.details.get("chainingRoles").unwrap().as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        chains,
        [
            (format!("arn:aws:iam::{A}:role/fresh").as_str(), 1),
            (format!("arn:aws:iam::{A}:role/old").as_str(), 1),
            (format!("arn:aws:iam::{A}:role/target").as_str(), 3),
        ]
    );

    // A threshold of 9 catches the second caller too.
    let f = run(&e, 9);
    assert_eq!(of(&f, "TG033").len(), 2);
}

/// TG034 at scale: routine chains grouped by the role they enter, whatever the number of
/// chaining roles; chains into an admin-equivalent role each reported (low); what is not
/// a chain (users, failures) not reported.
#[test]
fn role_chains_grouped_by_role_entered_admin_chains_apart() {
    let mut admin = role("admin", json!(format!("arn:aws:iam::{A}:root")), None);
    admin["RolePolicyList"] = json!([{"PolicyName": "all", "PolicyDocument": {"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]);
    let (_dir, snap) = snapshot_with(vec![admin]);

    let t = parse_time("2026-10-01T00:00:00Z").unwrap();
    let mut events = Vec::new();
    // 300 roles of another account chain into `target`, some with a source identity.
    for i in 0..300 {
        let mut e = ev(
            t + i,
            "target",
            &format!("arn:aws:iam::222222222222:role/r{i:03}"),
            CallerType::Role,
            "10.0.0.1",
            false,
        );
        if i % 3 == 0 {
            e.source_identity = Some(format!("person{i}"));
        }
        events.push(e);
    }
    // The busiest chain, and two chains into the admin role.
    for k in 0..5 {
        events.push(ev(
            t + 1000 + k,
            "target",
            &format!("arn:aws:iam::{A}:role/ci"),
            CallerType::Role,
            "10.0.0.2",
            false,
        ));
    }
    for who in ["ci", "old"] {
        events.push(ev(
            t + 2000,
            "admin",
            &format!("arn:aws:iam::{A}:role/{who}"),
            CallerType::Role,
            "10.0.0.2",
            false,
        ));
    }
    // Not chains: a user, and a failed role call.
    events.push(ev(
        t,
        "fresh",
        &format!("arn:aws:iam::{A}:user/u"),
        CallerType::User,
        "10.0.0.3",
        false,
    ));
    events.push(ev(
        t,
        "fresh",
        &format!("arn:aws:iam::{A}:role/ci"),
        CallerType::Role,
        "10.0.0.3",
        true,
    ));
    let mut raw = RawAggregate::new(600);
    for e in &events {
        raw.add(e);
    }
    let options = ScanOptions {
        now: "2026-11-01T00:00:00Z".parse().unwrap(),
        trail: Some(TrailInput::new(
            raw.finalize(&|_| None),
            TrailOptions {
                baseline_days: 30,
                burst_threshold: 10,
            },
        )),
        ..ScanOptions::default()
    };
    let f = analyze(&snap, &options).output.findings;
    let chains = of(&f, "TG034");
    assert_eq!(chains.len(), 3, "{chains:#?}");
    let admin: Vec<(&str, &str)> = chains
        .iter()
        .filter(|x| x.severity.as_str() == "low")
        .map(|x| (str_detail(x, "from"), str_detail(x, "to")))
        .collect();
    assert_eq!(
        admin,
        [
            (
                format!("arn:aws:iam::{A}:role/ci").as_str(),
                format!("arn:aws:iam::{A}:role/admin").as_str()
            ),
            (
                format!("arn:aws:iam::{A}:role/old").as_str(),
                format!("arn:aws:iam::{A}:role/admin").as_str()
            ),
        ]
    );
    let target = chains
        .iter()
        .find(|x| x.resource.ends_with("role/target"))
        .unwrap();
    assert_eq!(target.severity.as_str(), "info");
    assert_eq!(target.details.get("chainingRoles").unwrap(), 301);
    assert_eq!(
        target
            .details
            .get("chainingRolesWithSourceIdentity")
            .unwrap(),
        100
    );
    assert_eq!(target.details.get("successes").unwrap(), 305);
    let from = target.details.get("chainedFrom").unwrap();
    let from = from.as_array().unwrap();
    assert_eq!(from.len(), 50, "listed up to 50, counted in full");
    assert_eq!(
        from[0],
        format!("arn:aws:iam::{A}:role/ci").as_str(),
        "busiest first"
    );
    assert!(
        target.message.contains("201 without a source identity"),
        "{}",
        target.message
    );
    assert_eq!(
        target.fingerprint,
        format!("TG034|arn:aws:iam::{A}:role/target")
    );
}

#[test]
fn without_a_trail_no_trail_rules_and_iam_staleness() {
    let (_dir, snap) = snapshot();
    let options = ScanOptions {
        now: "2026-11-01T00:00:00Z".parse().unwrap(),
        ..ScanOptions::default()
    };
    let f = analyze(&snap, &options).output.findings;
    assert!(f.iter().all(|x| !x.rule.starts_with("TG03")));
    assert!(of(&f, "TG011")
        .iter()
        .any(|x| x.resource.ends_with("role/old")));
}

/// A string detail borrowed from the finding (ARNs and CIDRs: JSON text without escapes).
fn str_detail<'a>(f: &'a trustgate_rules::Finding, key: &str) -> &'a str {
    let text = f.details.raw(key).unwrap();
    assert!(!text.contains('\\'), "{key} has escapes: {text}");
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap()
}
