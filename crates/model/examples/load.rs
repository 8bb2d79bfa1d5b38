//! Loads a snapshot and prints what it holds and how long loading took.
//!
//! `cargo run --release -p trustgate-model --example load -- DIR [--keep-going]`

use std::path::PathBuf;
use std::time::Instant;

use trustgate_model::{LoadOptions, Snapshot};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: load SNAPSHOT [--keep-going]");
        std::process::exit(2);
    };
    let opts = LoadOptions {
        keep_going: args.any(|a| a == "--keep-going"),
        ..Default::default()
    };
    let start = Instant::now();
    let snap = match Snapshot::load(&dir, &opts) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let elapsed = start.elapsed();
    let roles = snap.roles().count();
    let users: usize = snap.accounts.iter().map(|a| a.users.len()).sum();
    println!(
        "{} accounts, {roles} roles, {users} users, {} resource policies, {} warnings in {:.2?}",
        snap.accounts.len(),
        snap.resources.len(),
        snap.warnings.len(),
        elapsed
    );
    for w in snap.warnings.iter().take(10) {
        println!("warning: {w}");
    }
}
