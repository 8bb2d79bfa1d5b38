//! The reader on broken input: random bytes, and valid files (plain and gzip) cut, flipped
//! and spliced. It must never panic, and every record it could not use must be reported.

use std::io::Write;
use std::path::Path;

use proptest::prelude::*;
use trustgate_trail::read::read_bytes;
use trustgate_trail::{ReadOptions, ReadStats};

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

/// What a read gives, in full.
fn outcome(data: &[u8], opts: &ReadOptions) -> (trustgate_trail::Usage, ReadStats) {
    let (agg, stats) = read_bytes(Path::new("x.json"), data, opts);
    (agg.finalize(&|_| None), stats)
}

fn check(data: &[u8]) {
    check_damaged(data, None)
}

/// `check` for a damaged copy of a gzip of `original`.
fn check_damaged(data: &[u8], original: Option<&[u8]>) {
    let (agg, stats) = read_bytes(Path::new("x.json"), data, &ReadOptions::default());
    // The fast path, and libdeflate, give the same answer — counts, tallies and every
    // warning — as parsing every record with serde after streaming the gzip with flate2.
    let fast = outcome(data, &ReadOptions::default());
    let slow = outcome(
        data,
        &ReadOptions {
            fast_path: false,
            libdeflate: false,
            ..ReadOptions::default()
        },
    );
    let lenient = |(usage, stats): &(trustgate_trail::Usage, ReadStats)| {
        (
            usage.clone(),
            stats.records,
            stats.events,
            stats.warnings.is_empty(),
        )
    };
    match original {
        // One exception: libdeflate accepts a Huffman table that does not use every code
        // (which zlib and flate2 refuse). When it then inflates the whole member and the
        // gzip CRC-32 and length match, the text is the original's, byte for byte.
        Some(original) if fast.1.warnings.is_empty() && !slow.1.warnings.is_empty() => {
            assert_eq!(
                lenient(&fast),
                lenient(&outcome(original, &ReadOptions::default()))
            );
        }
        _ => assert_eq!(fast, slow),
    }
    let flate2_fast = outcome(
        data,
        &ReadOptions {
            libdeflate: false,
            ..ReadOptions::default()
        },
    );
    assert_eq!(flate2_fast, slow);
    assert!(stats.records_skipped == 0 || !stats.warnings.is_empty());
    assert!(stats.events <= stats.records);
    // Every event read is tallied (before the copies of one call are combined), as a call
    // or not (a console switch recorded in the role's account).
    let seen: u64 = agg
        .pairs
        .values()
        .map(|s| s.counters.by_event.iter().sum::<u64>())
        .sum();
    assert_eq!(seen, stats.events);
    let tallied: u64 = agg.pairs.values().map(|s| s.counters.total()).sum();
    assert!(tallied <= stats.events);
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
        check_damaged(&data, Some(file(n).as_bytes()));
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

/// Several gzip members in one file (what `cat a.gz b.gz` makes): every member is read,
/// whole with libdeflate as streamed with flate2.
#[test]
fn multi_member_gzip_reads_every_member() {
    // One document split across three members, one of them empty.
    let text = file(40);
    let (a, b) = text.as_bytes().split_at(text.len() / 3);
    let mut data = gz(a);
    data.extend(gz(b""));
    let last = data.len();
    data.extend(gz(b));
    let (_, stats) = read_bytes(Path::new("x.json.gz"), &data, &ReadOptions::default());
    assert_eq!((stats.records, stats.events), (40, 27));
    assert!(stats.warnings.is_empty(), "{:?}", stats.warnings);
    check(&data);
    // JSON Lines across members.
    let mut lines = gz(format!("{REC}\n{OTHER}\n").as_bytes());
    lines.extend(gz(format!("{REC}\n").as_bytes()));
    let (_, stats) = read_bytes(Path::new("x.jsonl.gz"), &lines, &ReadOptions::default());
    assert_eq!((stats.records, stats.events), (3, 2));
    check(&lines);
    // A damaged last member: the first ones are read, the damage reported.
    let mut damaged = data.clone();
    damaged[last + 12] ^= 0x55;
    let (_, stats) = read_bytes(Path::new("x.json.gz"), &damaged, &ReadOptions::default());
    assert_eq!(stats.files_partial + stats.files_unreadable, 1, "{stats:?}");
    assert!(
        stats.warnings[0].contains("truncated or corrupt gzip"),
        "{stats:?}"
    );
    check(&damaged);
}

/// Records that are not role assumptions but mention STS, sign-in or the field names
/// elsewhere are counted and skipped; records serde would reject stop the file at the same
/// place on both paths, with the same message.
#[test]
fn records_the_filter_must_not_misjudge() {
    let decoys = [
        // STS text in other fields, and an AssumeRole event name from another service.
        r#"{"eventSource":"s3.amazonaws.com","eventName":"AssumeRole","userAgent":"sts.amazonaws.com","requestParameters":{"eventSource":"sts.amazonaws.com","eventName":"AssumeRole","roleArn":"arn:aws:iam::1:role/x"}}"#,
        r#"{"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","additionalEventData":{"x":"\"eventSource\":\"signin.amazonaws.com\""}}"#,
        // Not a role assumption, though from STS.
        r#"{"eventSource":"sts.amazonaws.com","eventName":"GetCallerIdentity","requestParameters":null}"#,
    ];
    let doc = format!("{{\"Records\":[{REC},{},{REC}]}}", decoys.join(","));
    let (_, stats) = read_bytes(Path::new("x.json"), doc.as_bytes(), &ReadOptions::default());
    assert_eq!((stats.records, stats.events), (5, 2));
    assert!(stats.warnings.is_empty(), "{:?}", stats.warnings);
    check(doc.as_bytes());
    check(&gz(doc.as_bytes()));

    for (bad, says) in [
        (
            r#"{"eventSource":"s3.amazonaws.com","eventsource":"s3","eventName":"x"}"#,
            "duplicate field `eventSource`",
        ),
        (
            r#"{"eventSource":"s3.amazonaws.com","eventName":"x","\ud800x":1}"#,
            "escape",
        ),
        (
            r#"{"eventSource":"s3.amazonaws.com","eventName":"x","eventTime":1e999}"#,
            "number out of range",
        ),
        (
            r#"{"eventSource":"s3.amazonaws.com","eventName":"x","userAgent":"\udc00"}"#,
            "surrogate",
        ),
    ] {
        let doc = format!("{{\"Records\":[{REC},{OTHER},\n  {bad},{REC}]}}");
        let (_, stats) = read_bytes(Path::new("x.json"), doc.as_bytes(), &ReadOptions::default());
        assert_eq!(
            (stats.records, stats.events, stats.files_partial),
            (2, 1, 1)
        );
        assert!(
            stats.warnings[0].starts_with("x.json:2:")
                && stats.warnings[0].contains(says)
                && stats.warnings[0].contains("(in Records[2])"),
            "{:?}",
            stats.warnings
        );
        check(doc.as_bytes());
    }
}
