//! The reader on broken input: random bytes, and valid files (plain and gzip) cut, flipped
//! and spliced. It must never panic, and every record it could not use must be reported.

use std::io::Write;
use std::path::Path;

use proptest::prelude::*;
use trustgate_trail::read::read_bytes;
use trustgate_trail::ReadOptions;

const OTHER: &str = r#"{"eventTime":"2026-10-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","requestParameters":{"bucketName":"b","eventSource":"sts.amazonaws.com"}}"#;
const REC: &str = r#"{"eventTime":"2026-10-01T12:00:00Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111111111111:user/a","accountId":"111111111111"},"requestParameters":{"roleArn":"arn:aws:iam::222222222222:role/r","roleSessionName":"s"},"recipientAccountId":"222222222222"}"#;

fn file(n: usize) -> String {
    let recs: Vec<&str> = (0..n)
        .map(|i| if i % 3 == 1 { OTHER } else { REC })
        .collect();
    format!("{{\"Records\":[{}]}}", recs.join(","))
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn check(data: &[u8]) {
    let (agg, stats) = read_bytes(Path::new("x.json"), data, &ReadOptions::default());
    // The fast path gives the same answer as parsing every record.
    let slow_opts = ReadOptions {
        fast_path: false,
        ..ReadOptions::default()
    };
    let (slow_agg, slow) = read_bytes(Path::new("x.json"), data, &slow_opts);
    assert_eq!(
        (
            stats.records,
            stats.events,
            stats.records_skipped,
            stats.files_partial,
            stats.files_unreadable
        ),
        (
            slow.records,
            slow.events,
            slow.records_skipped,
            slow.files_partial,
            slow.files_unreadable
        )
    );
    assert_eq!(agg.finalize(&|_| None), slow_agg.finalize(&|_| None));
    assert!(stats.records_skipped == 0 || !stats.warnings.is_empty());
    assert!(stats.events <= stats.records);
    // Every event read is tallied (before the copies of one call are combined).
    let tallied: u64 = agg.pairs.values().map(|s| s.counters.total()).sum();
    assert_eq!(tallied, stats.events);
    let usage = agg.finalize(&|_| None);
    let counted: u64 = usage.pairs.iter().map(|p| p.stats.counters.total()).sum();
    assert!(counted <= tallied);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        check(&data);
    }

    #[test]
    fn mutated_json(n in 1usize..20, cut in 0usize..4000, flip in 0usize..4000, byte in any::<u8>(), lines in any::<bool>()) {
        let mut data = if lines { vec![REC; n].join("\n").into_bytes() } else { file(n).into_bytes() };
        if !data.is_empty() {
            let i = flip % data.len();
            data[i] = byte;
        }
        data.truncate(cut.max(1).min(data.len()));
        check(&data);
    }

    #[test]
    fn mutated_gzip(n in 1usize..50, cut in 0usize..2000, flip in 0usize..2000, byte in any::<u8>()) {
        let mut data = gz(file(n).as_bytes());
        if data.len() > 20 {
            let i = 10 + flip % (data.len() - 10);
            data[i] = byte;
        }
        data.truncate(cut.max(2).min(data.len()));
        check(&data);
    }
}

#[test]
fn a_complete_file_reads_fully() {
    let (_, stats) = read_bytes(
        Path::new("x.json.gz"),
        &gz(file(30).as_bytes()),
        &ReadOptions::default(),
    );
    assert_eq!((stats.records, stats.events), (30, 20));
    assert!(stats.warnings.is_empty());
}
