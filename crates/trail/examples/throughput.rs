//! Where the time of reading CloudTrail goes, on one thread: gzip decompression alone, the
//! fast path's validation, then the whole read (decompress, validate, parse the STS records
//! and tally: what `trustgate trail` does per file), and the same with every record parsed
//! by serde (no fast path). The whole reads are the best of five runs.
//!
//! `cargo run --release -p trustgate-trail --example throughput -- DIR`

use std::io::Read;
use std::path::Path;
use std::time::Instant;

use trustgate_trail::read::read_bytes;
use trustgate_trail::ReadOptions;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: throughput DIR");
    let mut listing = trustgate_trail::ReadStats::default();
    let files = trustgate_trail::read::list_files(Path::new(&dir), &mut listing).expect("dir");
    let data: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("read"))
        .collect();
    let gz: usize = data.iter().map(Vec::len).sum();
    let mb = |b: usize| b as f64 / 1e6;

    let clock = Instant::now();
    let mut plain = Vec::with_capacity(data.len());
    for d in &data {
        let mut buf = Vec::new();
        flate2::read::MultiGzDecoder::new(&d[..])
            .read_to_end(&mut buf)
            .expect("gzip");
        plain.push(buf);
    }
    let t_gz = clock.elapsed().as_secs_f64();
    let json: usize = plain.iter().map(Vec::len).sum();

    let clock = Instant::now();
    let mut records = 0;
    for p in &plain {
        records += trustgate_trail::scan::record_spans(p).map_or(0, |s| s.len());
    }
    let t_validate = clock.elapsed().as_secs_f64();

    // The best of five (the machine is shared: the minimum is the least disturbed run).
    let time_read = |opts: &ReadOptions| {
        let mut best = f64::MAX;
        let mut events = 0;
        for _ in 0..5 {
            let clock = Instant::now();
            events = 0;
            for (f, d) in files.iter().zip(&data) {
                events += read_bytes(f, d, opts).1.events;
            }
            best = best.min(clock.elapsed().as_secs_f64());
        }
        (best, events)
    };
    let (t_fast, events) = time_read(&ReadOptions::default());
    let (t_slow, events_slow) = time_read(&ReadOptions {
        fast_path: false,
        ..Default::default()
    });
    assert_eq!(events, events_slow, "both paths read the same events");

    println!(
        "{} files, {:.1} MB gzip, {:.1} MB JSON, {records} records, {events} role-assumption events",
        files.len(),
        mb(gz),
        mb(json)
    );
    println!(
        "decompress only:              {t_gz:.2}s  {:.0} MB/s gzip  {:.0} MB/s JSON",
        mb(gz) / t_gz,
        mb(json) / t_gz
    );
    println!(
        "fast-path validation only:    {t_validate:.2}s  {:.0} MB/s JSON",
        mb(json) / t_validate
    );
    println!(
        "whole read (fast path):       {t_fast:.2}s  {:.0} MB/s gzip  {:.0} MB/s JSON",
        mb(gz) / t_fast,
        mb(json) / t_fast
    );
    println!(
        "whole read, serde for all:    {t_slow:.2}s  {:.0} MB/s gzip  {:.0} MB/s JSON",
        mb(gz) / t_slow,
        mb(json) / t_slow
    );
}
