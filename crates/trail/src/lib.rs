//! # trustgate-trail
//!
//! CloudTrail ingestion: who actually assumes each role, from where and when.
//!
//! * [`read::read_logs`] streams CloudTrail files (plain or gzip, S3 delivery layout, JSON
//!   Lines exports) in parallel into a [`RawAggregate`]: one tally per (role, caller) pair and
//!   one per (caller, window) of failed calls — memory grows with relationships, not events.
//! * [`sql::aggregation_sql`] is the same aggregation as Athena/Trino SQL over the standard
//!   CloudTrail table, and [`results::read_results`] reads its result (CSV or JSON Lines)
//!   back into a [`RawAggregate`].
//! * [`RawAggregate::finalize`] resolves callers known only by unique ID and counts each
//!   call once (cross-account calls are delivered to both accounts): the [`Usage`].
//! * [`generate`] writes deterministic CloudTrail files with known answers (tests, benchmarks).
//!
//! Joining the usage to the snapshot's trust relationships, and the anomaly findings, are in
//! `trustgate-rules`.

pub mod aggregate;
pub mod event;
pub mod generate;
pub mod inflate;
pub mod read;
pub mod results;
pub mod scan;
pub mod sql;

pub use aggregate::{
    Burst, Capped, CappedTimes, Counters, PairStats, PairUsage, RawAggregate, Side, Usage,
};
pub use event::{format_time, parse_time, CallerType, EventName, StsEvent};
pub use read::{read_logs, ReadOptions, ReadStats};
