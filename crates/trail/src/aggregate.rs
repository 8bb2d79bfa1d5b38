//! The aggregation: one tally per (target role, caller, side), and one per (caller, time
//! window, side) for failed calls. Memory grows with the number of relationships seen (and
//! of callers × windows with failures), never with the number of events: every set kept per
//! tally is capped to its smallest values (so that merging is exact and the SQL of
//! [`crate::sql`] computes the same thing).
//!
//! **Sides.** CloudTrail delivers a cross-account call to both accounts (same
//! `sharedEventID`): the copy delivered to the role's account is on the *target* side, the
//! other on the *caller* side. Counters are taken from the target side when it has any, else
//! from the caller side, so a call is counted once whether the logs hold one account's copy
//! or both; sets and dates are merged (a second copy adds nothing).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::event::{arn_account, format_time, CallerType, EventName, StsEvent};

/// How many distinct values each set keeps (the smallest ones; `truncated` says more exist).
pub const CAP_SESSION_NAMES: usize = 64;
pub const CAP_SOURCE_IPS: usize = 64;
pub const CAP_NETWORKS: usize = 256;
pub const CAP_SMALL: usize = 16;
pub const CAP_TAG_KEYS: usize = 32;

/// The distinct values of a field: the smallest `cap` of them, and whether there were more.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Capped {
    pub values: BTreeSet<String>,
    pub truncated: bool,
}

impl Capped {
    pub fn insert(&mut self, v: &str, cap: usize) {
        if self.values.contains(v) {
            return;
        }
        if self.values.len() >= cap {
            match self.values.last() {
                Some(last) if v.as_bytes() < last.as_bytes() => {
                    self.values.pop_last();
                }
                _ => {
                    self.truncated = true;
                    return;
                }
            }
            self.truncated = true;
        }
        self.values.insert(v.to_string());
    }

    pub fn merge(&mut self, other: &Capped, cap: usize) {
        for v in &other.values {
            self.insert(v, cap);
        }
        self.truncated |= other.truncated;
    }

    /// Builds from a list as the SQL returns it (`cap + 1` values mean "more").
    pub fn from_list(list: Vec<String>, cap: usize) -> Capped {
        let mut c = Capped::default();
        for v in &list {
            c.insert(v, cap);
        }
        c
    }
}

/// Network → first time seen, for the smallest `cap` networks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CappedTimes {
    pub values: BTreeMap<String, i64>,
    pub truncated: bool,
}

impl CappedTimes {
    pub fn insert(&mut self, key: &str, time: i64, cap: usize) {
        if let Some(t) = self.values.get_mut(key) {
            *t = (*t).min(time);
            return;
        }
        if self.values.len() >= cap {
            match self.values.last_key_value() {
                Some((last, _)) if key.as_bytes() < last.as_bytes() => {
                    self.values.pop_last();
                }
                _ => {
                    self.truncated = true;
                    return;
                }
            }
            self.truncated = true;
        }
        self.values.insert(key.to_string(), time);
    }

    pub fn merge(&mut self, other: &CappedTimes, cap: usize) {
        for (k, &t) in &other.values {
            self.insert(k, t, cap);
        }
        self.truncated |= other.truncated;
    }
}

/// The network of a call: its VPC endpoint when it came through one, else the /24 (IPv4) or
/// /48 (IPv6) of its source address. None for service names (`lambda.amazonaws.com`,
/// `AWS Internal`).
pub fn network_of(source_ip: Option<&str>, vpc_endpoint: Option<&str>) -> Option<String> {
    if let Some(v) = vpc_endpoint.filter(|v| !v.is_empty()) {
        return Some(v.to_string());
    }
    let ip: std::net::IpAddr = source_ip?.parse().ok()?;
    let net = match ip {
        std::net::IpAddr::V4(a) => ipnet::IpNet::V4(ipnet::Ipv4Net::new(a, 24).ok()?.trunc()),
        std::net::IpAddr::V6(a) => ipnet::IpNet::V6(ipnet::Ipv6Net::new(a, 48).ok()?.trunc()),
    };
    Some(net.to_string())
}

/// Counters of one tally. Kept apart from the sets because sides are combined differently.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counters {
    pub successes: u64,
    pub failures: u64,
    /// Failures with `AccessDenied` (the rest: other error codes).
    pub access_denied: u64,
    /// Calls per event name, in [`EventName::ALL`] order.
    pub by_event: [u64; 5],
    /// Calls that passed an External ID.
    pub with_external_id: u64,
    /// Successful calls that passed an External ID.
    pub external_id_successes: u64,
}

impl Counters {
    fn add(&mut self, o: &Counters) {
        self.successes += o.successes;
        self.failures += o.failures;
        self.access_denied += o.access_denied;
        for (a, b) in self.by_event.iter_mut().zip(o.by_event) {
            *a += b;
        }
        self.with_external_id += o.with_external_id;
        self.external_id_successes += o.external_id_successes;
    }

    /// Each counter from `target` when it counted anything, else from `caller`.
    fn prefer(target: &Counters, caller: &Counters) -> Counters {
        let pick = |t: u64, c: u64| if t > 0 { t } else { c };
        let mut by_event = [0; 5];
        for (i, slot) in by_event.iter_mut().enumerate() {
            *slot = pick(target.by_event[i], caller.by_event[i]);
        }
        let failures_from_target = target.failures > 0;
        Counters {
            successes: pick(target.successes, caller.successes),
            failures: pick(target.failures, caller.failures),
            access_denied: if failures_from_target {
                target.access_denied
            } else {
                caller.access_denied
            },
            by_event,
            with_external_id: pick(target.with_external_id, caller.with_external_id),
            external_id_successes: pick(target.external_id_successes, caller.external_id_successes),
        }
    }

    pub fn total(&self) -> u64 {
        self.successes + self.failures
    }
}

/// Everything known about one (target role, caller) pair.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PairStats {
    pub caller_type: Option<&'static str>,
    pub caller_account: Option<String>,
    pub counters: Counters,
    pub first_seen: Option<i64>,
    pub last_seen: Option<i64>,
    pub first_success: Option<i64>,
    pub last_success: Option<i64>,
    pub session_names: Capped,
    pub source_ips: Capped,
    /// Network → first successful call from it.
    pub networks: CappedTimes,
    pub user_agents: Capped,
    pub source_identities: Capped,
    pub tag_keys: Capped,
    pub vpc_endpoints: Capped,
    pub regions: Capped,
    pub max_duration_seconds: Option<u64>,
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

fn max_opt<T: Ord>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

impl PairStats {
    /// Adds an event; `counted`: whether it counts as a call (see
    /// [`crate::event::extract_call`]); either way its time and details are kept.
    fn add_event(&mut self, e: &StsEvent, counted: bool) {
        let ok = e.error_code.is_none();
        self.caller_type = Some(e.caller_type.as_str());
        if self.caller_account.is_none() {
            self.caller_account = e.caller_account.clone();
        }
        let c = &mut self.counters;
        if ok {
            c.successes += u64::from(counted);
            self.first_success = min_opt(self.first_success, Some(e.time));
            self.last_success = max_opt(self.last_success, Some(e.time));
            if e.external_id && counted {
                c.external_id_successes += 1;
            }
            if let Some(net) = network_of(e.source_ip.as_deref(), e.vpc_endpoint.as_deref()) {
                self.networks.insert(&net, e.time, CAP_NETWORKS);
            }
        } else if counted {
            c.failures += 1;
            if e.error_code.as_deref() == Some("AccessDenied") {
                c.access_denied += 1;
            }
        }
        if e.external_id && counted {
            c.with_external_id += 1;
        }
        if let Some(i) = EventName::ALL.iter().position(|n| *n == e.name) {
            c.by_event[i] += 1;
        }
        self.first_seen = min_opt(self.first_seen, Some(e.time));
        self.last_seen = max_opt(self.last_seen, Some(e.time));
        if let Some(s) = &e.session_name {
            self.session_names.insert(s, CAP_SESSION_NAMES);
        }
        if let Some(s) = &e.source_ip {
            self.source_ips.insert(s, CAP_SOURCE_IPS);
        }
        if let Some(s) = &e.user_agent {
            self.user_agents.insert(s, CAP_SMALL);
        }
        if let Some(s) = &e.source_identity {
            self.source_identities.insert(s, CAP_SMALL);
        }
        for k in &e.tag_keys {
            self.tag_keys.insert(k, CAP_TAG_KEYS);
        }
        if let Some(s) = &e.vpc_endpoint {
            self.vpc_endpoints.insert(s, CAP_SMALL);
        }
        if let Some(s) = &e.region {
            self.regions.insert(s, CAP_SMALL);
        }
        self.max_duration_seconds = max_opt(self.max_duration_seconds, e.duration_seconds);
    }

    /// Merges everything but the counters (sets, dates), which the caller combines.
    fn merge_sets(&mut self, o: &PairStats) {
        if self.caller_type.is_none() {
            self.caller_type = o.caller_type;
        }
        if self.caller_account.is_none() {
            self.caller_account = o.caller_account.clone();
        }
        self.first_seen = min_opt(self.first_seen, o.first_seen);
        self.last_seen = max_opt(self.last_seen, o.last_seen);
        self.first_success = min_opt(self.first_success, o.first_success);
        self.last_success = max_opt(self.last_success, o.last_success);
        self.session_names
            .merge(&o.session_names, CAP_SESSION_NAMES);
        self.source_ips.merge(&o.source_ips, CAP_SOURCE_IPS);
        self.networks.merge(&o.networks, CAP_NETWORKS);
        self.user_agents.merge(&o.user_agents, CAP_SMALL);
        self.source_identities
            .merge(&o.source_identities, CAP_SMALL);
        self.tag_keys.merge(&o.tag_keys, CAP_TAG_KEYS);
        self.vpc_endpoints.merge(&o.vpc_endpoints, CAP_SMALL);
        self.regions.merge(&o.regions, CAP_SMALL);
        self.max_duration_seconds = max_opt(self.max_duration_seconds, o.max_duration_seconds);
    }

    /// Merges two tallies of the same side (e.g. from two threads).
    pub fn merge(&mut self, o: &PairStats) {
        self.merge_sets(o);
        self.counters.add(&o.counters);
    }
}

/// Which account's copy of a call a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// Delivered to the role's account (or no `recipientAccountId`).
    Target,
    /// Delivered to another account (the caller's).
    Caller,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Target => "target",
            Side::Caller => "caller",
        }
    }

    pub fn of(target: &str, recipient: Option<&str>) -> Side {
        match (recipient, arn_account(target)) {
            (Some(r), Some(t)) if r != t => Side::Caller,
            _ => Side::Target,
        }
    }
}

/// Failed calls of one caller in one time window.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BurstStats {
    pub caller_type: Option<&'static str>,
    pub caller_account: Option<String>,
    pub failures: u64,
    pub access_denied: u64,
    /// Roles the failed calls were for.
    pub targets: Capped,
    pub source_ips: Capped,
}

impl BurstStats {
    fn merge(&mut self, o: &BurstStats) {
        if self.caller_type.is_none() {
            self.caller_type = o.caller_type;
        }
        if self.caller_account.is_none() {
            self.caller_account = o.caller_account.clone();
        }
        self.failures += o.failures;
        self.access_denied += o.access_denied;
        self.targets.merge(&o.targets, CAP_SMALL);
        self.source_ips.merge(&o.source_ips, CAP_SMALL);
    }
}

pub type PairKey = (String, String, Side);
pub type BurstKey = (String, i64, Side);

/// The raw aggregation, sides apart (from log files, or read back from the SQL's results).
#[derive(Debug, Clone, Default)]
pub struct RawAggregate {
    pub pairs: HashMap<PairKey, PairStats>,
    pub bursts: HashMap<BurstKey, BurstStats>,
    /// Length of a failure window, seconds.
    pub window_seconds: i64,
}

impl RawAggregate {
    pub fn new(window_seconds: i64) -> RawAggregate {
        RawAggregate {
            window_seconds: window_seconds.max(1),
            ..Default::default()
        }
    }

    /// Adds an event that counts as a call.
    pub fn add(&mut self, e: &StsEvent) {
        self.add_event(e, true);
    }

    /// Adds an event; `counted`: whether it counts as a call (a successful console switch
    /// recorded in the role's account does not: its `AssumeRole` does).
    pub fn add_event(&mut self, e: &StsEvent, counted: bool) {
        let side = Side::of(&e.target, e.recipient_account.as_deref());
        let key = (e.target.clone(), e.caller.clone(), side);
        self.pairs.entry(key).or_default().add_event(e, counted);
        if e.error_code.is_some() && counted {
            let window = e.time.div_euclid(self.window_seconds) * self.window_seconds;
            let b = self
                .bursts
                .entry((e.caller.clone(), window, side))
                .or_default();
            b.caller_type = Some(e.caller_type.as_str());
            if b.caller_account.is_none() {
                b.caller_account = e.caller_account.clone();
            }
            b.failures += 1;
            if e.error_code.as_deref() == Some("AccessDenied") {
                b.access_denied += 1;
            }
            b.targets.insert(&e.target, CAP_SMALL);
            if let Some(ip) = &e.source_ip {
                b.source_ips.insert(ip, CAP_SMALL);
            }
        }
    }

    pub fn merge(mut self, other: RawAggregate) -> RawAggregate {
        let (mut big, small) = if self.pairs.len() >= other.pairs.len() {
            (std::mem::take(&mut self), other)
        } else {
            (other, self)
        };
        big.pairs.reserve(small.pairs.len());
        big.bursts.reserve(small.bursts.len());
        for (k, v) in small.pairs {
            match big.pairs.get_mut(&k) {
                Some(s) => s.merge(&v),
                None => {
                    big.pairs.insert(k, v);
                }
            }
        }
        for (k, v) in small.bursts {
            match big.bursts.get_mut(&k) {
                Some(s) => s.merge(&v),
                None => {
                    big.bursts.insert(k, v);
                }
            }
        }
        big
    }

    /// Resolves callers known only by unique ID (`resolve("AROA…")` → the ARN and its type,
    /// from the snapshot), then combines the sides. The result is sorted.
    pub fn finalize(&self, resolve: &dyn Fn(&str) -> Option<(String, CallerType)>) -> Usage {
        let resolved = |caller: &str, ty: Option<&'static str>| -> (String, Option<&'static str>) {
            if let Some(id) = caller.strip_prefix("unique-id:") {
                if let Some((arn, t)) = resolve(id) {
                    return (arn, Some(t.as_str()));
                }
            }
            (caller.to_string(), ty)
        };
        let mut sides: BTreeMap<(String, String), (PairStats, PairStats)> = BTreeMap::new();
        for ((target, caller, side), stats) in &self.pairs {
            let (caller, ty) = resolved(caller, stats.caller_type);
            let entry = sides.entry((target.clone(), caller)).or_default();
            let slot = match side {
                Side::Target => &mut entry.0,
                Side::Caller => &mut entry.1,
            };
            let mut s = stats.clone();
            s.caller_type = ty;
            slot.merge(&s);
        }
        let pairs = sides
            .into_iter()
            .map(|((target, caller), (t, c))| {
                let mut stats = t.clone();
                stats.merge_sets(&c);
                stats.counters = Counters::prefer(&t.counters, &c.counters);
                PairUsage {
                    target,
                    caller,
                    stats,
                }
            })
            .collect();
        let mut burst_sides: BTreeMap<(String, i64), (BurstStats, BurstStats)> = BTreeMap::new();
        for ((caller, window, side), stats) in &self.bursts {
            let (caller, ty) = resolved(caller, stats.caller_type);
            let entry = burst_sides.entry((caller, *window)).or_default();
            let slot = match side {
                Side::Target => &mut entry.0,
                Side::Caller => &mut entry.1,
            };
            let mut s = stats.clone();
            s.caller_type = ty;
            slot.merge(&s);
        }
        let bursts = burst_sides
            .into_iter()
            .map(|((caller, window_start), (t, c))| {
                let from_target = t.failures > 0;
                let mut stats = if from_target { t.clone() } else { c.clone() };
                let other = if from_target { &c } else { &t };
                stats.targets.merge(&other.targets, CAP_SMALL);
                stats.source_ips.merge(&other.source_ips, CAP_SMALL);
                if stats.caller_account.is_none() {
                    stats.caller_account = other.caller_account.clone();
                }
                Burst {
                    caller,
                    window_start,
                    window_seconds: self.window_seconds,
                    stats,
                }
            })
            .collect();
        Usage {
            pairs,
            bursts,
            window_seconds: self.window_seconds,
        }
    }
}

/// One (role, caller) pair as used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairUsage {
    pub target: String,
    pub caller: String,
    pub stats: PairStats,
}

impl PairUsage {
    pub fn caller_type(&self) -> CallerType {
        self.stats
            .caller_type
            .and_then(CallerType::parse)
            .unwrap_or(CallerType::Unknown)
    }
}

/// Failed calls of one caller in one window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Burst {
    pub caller: String,
    pub window_start: i64,
    pub window_seconds: i64,
    pub stats: BurstStats,
}

/// The final aggregation: every (role, caller) pair and every window with failed calls.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    pub pairs: Vec<PairUsage>,
    pub bursts: Vec<Burst>,
    pub window_seconds: i64,
}

impl Usage {
    /// The first and last event time of the whole trail (any outcome).
    pub fn span(&self) -> Option<(i64, i64)> {
        let first = self.pairs.iter().filter_map(|p| p.stats.first_seen).min()?;
        let last = self.pairs.iter().filter_map(|p| p.stats.last_seen).max()?;
        Some((first, last))
    }

    /// `span` as text.
    pub fn span_text(&self) -> Option<(String, String)> {
        self.span().map(|(a, b)| (format_time(a), format_time(b)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(t: i64, caller: &str, recipient: &str, err: Option<&str>, ip: &str) -> StsEvent {
        StsEvent {
            time: t,
            name: EventName::AssumeRole,
            target: "arn:aws:iam::222222222222:role/r".into(),
            caller: caller.into(),
            caller_type: CallerType::Role,
            caller_account: Some("111111111111".into()),
            session_name: Some(format!("s{t}")),
            error_code: err.map(str::to_string),
            source_ip: Some(ip.into()),
            vpc_endpoint: None,
            user_agent: None,
            region: None,
            external_id: false,
            source_identity: None,
            tag_keys: vec![],
            duration_seconds: None,
            recipient_account: Some(recipient.into()),
        }
    }

    #[test]
    fn capped_keeps_the_smallest_values() {
        let mut c = Capped::default();
        for v in ["d", "a", "c", "b", "e", "a"] {
            c.insert(v, 3);
        }
        assert_eq!(
            c.values.iter().cloned().collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        assert!(c.truncated);
        let mut t = CappedTimes::default();
        t.insert("z", 5, 2);
        t.insert("y", 9, 2);
        t.insert("y", 3, 2);
        t.insert("x", 7, 2);
        t.insert("z", 1, 2);
        assert_eq!(t.values, BTreeMap::from([("x".into(), 7), ("y".into(), 3)]));
    }

    #[test]
    fn networks() {
        assert_eq!(
            network_of(Some("203.0.113.77"), None).as_deref(),
            Some("203.0.113.0/24")
        );
        assert_eq!(
            network_of(Some("2001:db8:1:2::7"), None).as_deref(),
            Some("2001:db8:1::/48")
        );
        assert_eq!(
            network_of(Some("10.1.2.3"), Some("vpce-1")).as_deref(),
            Some("vpce-1")
        );
        assert_eq!(network_of(Some("lambda.amazonaws.com"), None), None);
    }

    #[test]
    fn both_copies_of_a_call_count_once_and_caller_side_failures_are_kept() {
        let caller = "arn:aws:iam::111111111111:role/c";
        let mut a = RawAggregate::new(600);
        // Two successes delivered to both accounts; one failure only to the caller's.
        for t in [100, 200] {
            a.add(&ev(t, caller, "222222222222", None, "198.51.100.1"));
            a.add(&ev(t, caller, "111111111111", None, "198.51.100.1"));
        }
        a.add(&ev(
            300,
            caller,
            "111111111111",
            Some("AccessDenied"),
            "198.51.100.2",
        ));
        let u = a.finalize(&|_| None);
        assert_eq!(u.pairs.len(), 1);
        let s = &u.pairs[0].stats;
        assert_eq!((s.counters.successes, s.counters.failures), (2, 1));
        assert_eq!(s.counters.access_denied, 1);
        assert_eq!(
            (s.first_seen, s.last_seen, s.last_success),
            (Some(100), Some(300), Some(200))
        );
        assert_eq!(s.source_ips.values.len(), 2);
        assert_eq!(u.bursts.len(), 1);
        assert_eq!(u.bursts[0].stats.failures, 1);
    }

    #[test]
    fn unique_ids_resolve_and_merge_with_arn_callers() {
        let mut a = RawAggregate::new(600);
        a.add(&ev(
            100,
            "arn:aws:iam::111111111111:role/c",
            "111111111111",
            None,
            "1.2.3.4",
        ));
        a.add(&ev(
            100,
            "unique-id:AROAEXAMPLE000000001",
            "222222222222",
            None,
            "1.2.3.4",
        ));
        let u = a.finalize(&|id| {
            (id == "AROAEXAMPLE000000001").then(|| {
                (
                    "arn:aws:iam::111111111111:role/c".to_string(),
                    CallerType::Role,
                )
            })
        });
        assert_eq!(u.pairs.len(), 1);
        assert_eq!(u.pairs[0].stats.counters.successes, 1);
    }
}
