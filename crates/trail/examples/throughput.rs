//! Where the time of reading CloudTrail goes, on one thread: gzip decompression alone (flate2
//! with zlib-rs, streaming; libdeflate, whole buffer), the fast path's validation and
//! record filter alone, then the whole read of each file from memory (decompress, validate,
//! parse the STS records and tally: what `trustgate trail` does per file) with and without
//! libdeflate and the fast path.
//!
//! Each step is timed in CPU seconds of this thread (`CLOCK_THREAD_CPUTIME_ID`: the machine
//! may be shared, and time spent waiting for a core is not counted), the best of `ROUNDS`
//! runs (default 3). MB/s of gzip are the gzip bytes on disk over those seconds.
//!
//! `cargo run --release -p trustgate-trail --example throughput -- DIR`

use std::io::Read;
use std::path::Path;

use trustgate_trail::read::read_bytes;
use trustgate_trail::ReadOptions;

/// CPU seconds of the calling thread.
fn thread_cpu() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid timespec to fill; CLOCK_THREAD_CPUTIME_ID exists on Linux and macOS.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

fn best<T>(rounds: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut out = None;
    for _ in 0..rounds {
        let t = thread_cpu();
        let r = f();
        best = best.min(thread_cpu() - t);
        out = Some(r);
    }
    (best, out.expect("at least one round"))
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: throughput DIR");
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3)
        .max(1);
    let mut listing = trustgate_trail::ReadStats::default();
    let files = trustgate_trail::read::list_files(Path::new(&dir), &mut listing).expect("dir");
    let data: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("read"))
        .collect();
    let gz: usize = data.iter().map(Vec::len).sum();
    let mb = |b: usize| b as f64 / 1e6;

    let (t_flate2, json) = best(rounds, || {
        let mut buf = Vec::new();
        let mut json = 0;
        for d in &data {
            buf.clear();
            flate2::read::MultiGzDecoder::new(&d[..])
                .read_to_end(&mut buf)
                .expect("gzip");
            json += buf.len();
        }
        json
    });
    let (t_libdeflate, json2) = best(rounds, || {
        let mut inflater = trustgate_trail::inflate::Inflater::new();
        let mut out = Vec::new();
        data.iter()
            .map(|d| inflater.gunzip(d, &mut out).expect("whole gzip"))
            .sum::<usize>()
    });
    assert_eq!(json, json2, "both decompress the same");

    let plain: Vec<Vec<u8>> = data
        .iter()
        .map(|d| {
            let mut buf = Vec::new();
            flate2::read::MultiGzDecoder::new(&d[..])
                .read_to_end(&mut buf)
                .expect("gzip");
            buf
        })
        .collect();
    let (t_scan, (records, parsed)) = best(rounds, || {
        let mut spans = Vec::new();
        let (mut records, mut parsed) = (0, 0);
        for p in &plain {
            if trustgate_trail::scan::scan_records(p, &mut spans) {
                records += spans.len();
                parsed += spans.iter().filter(|s| s.parse).count();
            }
        }
        (records, parsed)
    });

    let time_read = |opts: &ReadOptions| {
        best(rounds, || {
            files
                .iter()
                .zip(&data)
                .map(|(f, d)| read_bytes(f, d, opts).1.events)
                .sum::<u64>()
        })
    };
    let (t_fast, events) = time_read(&ReadOptions::default());
    let (t_fast_flate2, e2) = time_read(&ReadOptions {
        libdeflate: false,
        ..Default::default()
    });
    let (t_serde, e3) = time_read(&ReadOptions {
        fast_path: false,
        ..Default::default()
    });
    let (t_old, e4) = time_read(&ReadOptions {
        fast_path: false,
        libdeflate: false,
        ..Default::default()
    });
    assert!(
        [e2, e3, e4].iter().all(|&e| e == events),
        "every way reads the same events"
    );

    println!(
        "{} files, {:.1} MB gzip, {:.1} MB JSON ({:.1} : 1), {records} records ({parsed} parsed by serde), {events} role-assumption events; CPU seconds of one thread, best of {rounds}",
        files.len(),
        mb(gz),
        mb(json),
        json as f64 / gz as f64
    );
    let line = |what: &str, t: f64| {
        println!(
            "{what:<52} {t:6.2}s  {:5.0} MB/s gzip  {:5.0} MB/s JSON",
            mb(gz) / t,
            mb(json) / t
        )
    };
    line("decompress only, flate2 + zlib-rs (streaming)", t_flate2);
    line("decompress only, libdeflate (whole buffer)", t_libdeflate);
    line("validate + find the records to parse (scan.rs)", t_scan);
    line("whole read: libdeflate, fast path (the default)", t_fast);
    line("whole read: flate2, fast path", t_fast_flate2);
    line("whole read: libdeflate, serde for every record", t_serde);
    line("whole read: flate2, serde for every record", t_old);
}
