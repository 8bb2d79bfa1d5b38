//! Instruction counts for the engine benchmarks, for a shared machine where wall time is
//! noisy: `bash crates/policy/benches/instructions.sh` runs this under callgrind.
//!
//! `instructions SCENARIO N` runs the scenario N times (after building its inputs) and exits;
//! the script runs it for two values of N and divides the difference, so the setup cancels
//! out. Under `cargo bench` (no scenario given) it does nothing.

use std::hint::black_box;

use trustgate_policy::request::for_each_case;
use trustgate_policy::{authorize, decide, parse_policy};

mod common;
use common::{batch, request, Policies, IDENTITY};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(scenario), Some(n)) = (args.first(), args.get(1)) else {
        eprintln!("usage: instructions SCENARIO N (scenarios: decide, explain, partial, request, parse, batch, batch-explain)");
        return;
    };
    let n: usize = n.parse().expect("N is a number");
    let policies = Policies::parse();
    let set = policies.set();
    let concrete = request(false);
    let partial = request(true);
    match scenario.as_str() {
        "decide" => {
            for _ in 0..n {
                black_box(decide(black_box(&concrete), black_box(&set)));
            }
        }
        "explain" => {
            for _ in 0..n {
                black_box(authorize(black_box(&concrete), black_box(&set), true));
            }
        }
        "partial" => {
            for _ in 0..n {
                black_box(decide(black_box(&partial), black_box(&set)));
            }
        }
        // A request of a caller whose context is prepared once (as the access crate does for
        // each principal), then decided: the graph builder's unit of work.
        "request" => {
            let caller =
                trustgate_policy::PrincipalId::parse("arn:aws:iam::111111111111:role/ci").unwrap();
            let ctx = concrete.context.clone();
            for _ in 0..n {
                let req = trustgate_policy::Request::for_principal(
                    caller.clone(),
                    "arn:aws:iam::111111111111:role/ci",
                    "sts:AssumeRole",
                    "arn:aws:iam::222222222222:role/deploy-prod",
                    None,
                    ctx.clone(),
                );
                black_box(decide(black_box(&req), black_box(&set)));
            }
        }
        "parse" => {
            for _ in 0..n {
                black_box(parse_policy(black_box(IDENTITY)).unwrap());
            }
        }
        // N cases in one array, each parsed and evaluated (as the criterion benchmark does;
        // `batch-explain` with explanations, as `trustgate eval` does).
        "batch" | "batch-explain" => {
            let input = batch(n);
            let explain = scenario == "batch-explain";
            for_each_case(input.as_bytes(), |_, c| {
                black_box(c.evaluate(explain)?);
                Ok(())
            })
            .unwrap();
        }
        other => panic!("unknown scenario {other}"),
    }
}
