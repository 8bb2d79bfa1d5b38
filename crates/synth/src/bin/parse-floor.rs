//! The parse floor for benchmarks: read every `.json` file under a directory and parse it into
//! generic `serde_json::Value`s, in parallel like trustgate loads a snapshot. `trustgate scan`
//! is measured against this: the time merely to read and parse the same bytes.
//!
//! Usage: parse-floor DIR

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

fn files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let p = entry?.path();
        if p.is_dir() {
            files(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
    Ok(())
}

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: parse-floor DIR");
        std::process::exit(2);
    };
    let mut list = Vec::new();
    if let Err(e) = files(Path::new(&dir), &mut list) {
        eprintln!("parse-floor: {dir}: {e}");
        std::process::exit(2);
    }
    let start = Instant::now();
    let (bytes, values): (usize, usize) = list
        .par_iter()
        .map(|p| {
            let data = std::fs::read(p).expect("readable");
            let v: serde_json::Value = serde_json::from_slice(&data).expect("valid JSON");
            (data.len(), usize::from(!v.is_null()))
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{{\"files\": {}, \"bytes\": {bytes}, \"seconds\": {secs:.3}, \"mb_per_s\": {:.1}}}",
        values,
        bytes as f64 / 1e6 / secs
    );
}
