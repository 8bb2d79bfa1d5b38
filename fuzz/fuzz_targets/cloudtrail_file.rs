#![no_main]
//! Any bytes as a CloudTrail log file (plain or gzip): reading must never panic or hang, and
//! whatever cannot be read must be reported.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (_, stats) = trustgate_trail::read::read_bytes(
        std::path::Path::new("fuzz.json"),
        data,
        &trustgate_trail::ReadOptions::default(),
    );
    // Every skipped record is reported (at most ten per file, then a count).
    assert!(stats.records_skipped == 0 || !stats.warnings.is_empty());
});
