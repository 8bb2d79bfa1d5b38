//! Policy engine throughput: `cargo bench -p trustgate-policy --bench evaluate`.
//!
//! * a typical cross-account request (identity policy of 10 statements with wildcards and a
//!   condition, a trust policy, two SCP levels) with `decide` (no explanation) and with
//!   `authorize(.., explain = true)`;
//! * the same with unknown context keys (partial evaluation, residual conditions);
//! * parsing a policy document;
//! * the batch `eval` path over 10,000 cases in memory.
//!
//! The same inputs are in `common/mod.rs`; `instructions.rs` counts instructions for them
//! under callgrind (repeatable on a shared machine, unlike wall time).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use trustgate_policy::request::for_each_case;
use trustgate_policy::{authorize, decide, parse_policy, DecisionKind};

mod common;
use common::{batch, request, Policies, IDENTITY};

fn bench(c: &mut Criterion) {
    let policies = Policies::parse();
    let set = policies.set();
    let concrete = request(false);
    let partial = request(true);
    assert_eq!(decide(&concrete, &set).0, DecisionKind::Allow);
    assert_eq!(decide(&partial, &set).0, DecisionKind::Conditional);

    let mut g = c.benchmark_group("evaluate");
    g.throughput(Throughput::Elements(1));
    g.bench_function("cross-account decide", |b| {
        b.iter(|| decide(black_box(&concrete), black_box(&set)))
    });
    g.bench_function("cross-account authorize+explain", |b| {
        b.iter(|| authorize(black_box(&concrete), black_box(&set), true))
    });
    g.bench_function("partial (unknown ExternalId) decide", |b| {
        b.iter(|| decide(black_box(&partial), black_box(&set)))
    });
    g.finish();

    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(IDENTITY.len() as u64));
    g.bench_function("identity policy", |b| {
        b.iter(|| parse_policy(black_box(IDENTITY)).unwrap())
    });
    g.finish();

    // Batch eval: 10,000 cases in one JSON array, streamed through `for_each_case`.
    let batch = batch(10_000);
    let mut g = c.benchmark_group("batch eval");
    g.sample_size(10);
    g.throughput(Throughput::Elements(10_000));
    g.bench_function("10k cases", |b| {
        b.iter(|| {
            let mut n = 0;
            for_each_case(batch.as_bytes(), |_, c| {
                black_box(c.evaluate(false)?);
                n += 1;
                Ok(())
            })
            .unwrap();
            n
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
