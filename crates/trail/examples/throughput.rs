//! Where the time of reading CloudTrail goes, on one thread: gzip decompression alone, then
//! decompression + parsing + aggregation (what `trustgate trail` does per file).
//!
//! `cargo run --release -p trustgate-trail --example throughput -- DIR`

use std::io::Read;
use std::path::Path;
use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: throughput DIR");
    let mut stats = trustgate_trail::ReadStats::default();
    let files = trustgate_trail::read::list_files(Path::new(&dir), &mut stats).expect("dir");
    let data: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("read"))
        .collect();
    let gz: usize = data.iter().map(Vec::len).sum();

    let clock = Instant::now();
    let mut json = 0usize;
    let mut buf = Vec::new();
    for d in &data {
        buf.clear();
        flate2::read::MultiGzDecoder::new(&d[..])
            .read_to_end(&mut buf)
            .expect("gzip");
        json += buf.len();
    }
    let t_gz = clock.elapsed().as_secs_f64();

    let clock = Instant::now();
    let mut events = 0;
    for (f, d) in files.iter().zip(&data) {
        let (_, s) = trustgate_trail::read::read_bytes(f, d, &Default::default());
        events += s.events;
    }
    let t_all = clock.elapsed().as_secs_f64();

    let plain: Vec<Vec<u8>> = data
        .iter()
        .map(|d| {
            let mut b = Vec::new();
            flate2::read::MultiGzDecoder::new(&d[..])
                .read_to_end(&mut b)
                .expect("gzip");
            b
        })
        .collect();
    let clock = Instant::now();
    let mut spans = 0;
    for p in &plain {
        spans += trustgate_trail::scan::record_spans(p).map_or(0, |s| s.len());
    }
    let t_validate = clock.elapsed().as_secs_f64();
    let clock = Instant::now();
    let filter = trustgate_trail::scan::SourceFilter::default();
    let mut sts = 0;
    for p in &plain {
        for (a, b) in trustgate_trail::scan::record_spans(p).unwrap_or_default() {
            sts += usize::from(filter.needs_parse(&p[a..b]));
        }
    }
    let t_filter = clock.elapsed().as_secs_f64() - t_validate;

    let mb = |b: usize| b as f64 / 1e6;
    println!(
        "validate (fast path):     {t_validate:.2}s  {:.0} MB/s JSON  {spans} records",
        mb(json) / t_validate
    );
    println!("source filter:            {t_filter:.2}s  {sts} records to parse");
    println!(
        "{} files, {:.1} MB gzip, {:.1} MB JSON, {events} events",
        files.len(),
        mb(gz),
        mb(json)
    );
    println!(
        "decompress only:          {t_gz:.2}s  {:.0} MB/s gzip  {:.0} MB/s JSON",
        mb(gz) / t_gz,
        mb(json) / t_gz
    );
    println!(
        "decompress+parse+tally:   {t_all:.2}s  {:.0} MB/s gzip  {:.0} MB/s JSON",
        mb(gz) / t_all,
        mb(json) / t_all
    );
    println!(
        "parse+tally alone (diff): {:.2}s  {:.0} MB/s JSON",
        t_all - t_gz,
        mb(json) / (t_all - t_gz)
    );
}
