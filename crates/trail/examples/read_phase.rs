//! The read phase of `trustgate trail` alone: [`read_logs`] on a directory with rayon's
//! threads (all cores, or `RAYON_NUM_THREADS`), `RUNS` times (default 3). Prints, per run,
//! the wall time and the CPU seconds of the process (user + sys, from `getrusage`), and MB/s
//! of gzip on disk over each — on a shared machine the CPU figure is the steadier one, and
//! `cores × MB per CPU-second` is what the wall rate would be with the cores to itself.
//!
//! `cargo run --release -p trustgate-trail --example read_phase -- DIR`

use std::path::Path;
use std::time::Instant;

use trustgate_trail::{read_logs, ReadOptions};

/// User + system CPU seconds of this process so far.
fn process_cpu() -> (f64, f64) {
    // SAFETY: getrusage fills the struct it is given.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    (secs(ru.ru_utime), secs(ru.ru_stime))
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: read_phase DIR");
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let threads = rayon::current_num_threads();
    for run in 1..=runs {
        let (u0, s0) = process_cpu();
        let clock = Instant::now();
        let (raw, stats) = read_logs(Path::new(&dir), &ReadOptions::default()).expect("read");
        let wall = clock.elapsed().as_secs_f64();
        let (u1, s1) = process_cpu();
        let (user, sys) = (u1 - u0, s1 - s0);
        let gz = stats.bytes as f64 / 1e6;
        println!(
            "run {run}: {threads} threads, {} files, {gz:.1} MB gzip, {:.1} MB JSON, {} events, {} pairs (sides apart): \
             {wall:.2} s wall = {:.0} MB/s gzip; {user:.2} user + {sys:.2} sys = {:.2} CPU-s = {:.0} MB gzip per CPU-s",
            stats.files,
            stats.json_bytes as f64 / 1e6,
            stats.events,
            raw.pairs.len(),
            gz / wall,
            user + sys,
            gz / (user + sys)
        );
    }
}
