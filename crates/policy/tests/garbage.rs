//! The fuzz targets' entry points on a few thousand generated and mutated inputs: no panic,
//! no hang, an error with a place for every rejected input.

use trustgate_policy::{from_slice_with_path, parse_policy, request::for_each_case, Policy};

const SEEDS: &[&str] = &[
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalTag/x":"${aws:username}*"}}}]}"#,
    r#"{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":["123456789012"]},"NotAction":"iam:*","NotResource":"arn:aws:s3:::b"}}"#,
    "%7B%22Statement%22%3A%5B%5D%7D",
    r#"[{"request":{"principal":"arn:aws:iam::1:user/a","action":"s3:GetObject","resource":"*","context":{"k":["a",1,true]}},"identityPolicies":[{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}],"scps":[[{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}]]}]"#,
];

/// A small deterministic generator (xorshift) so the test needs no extra crates.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn mutate(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..(rng.next() % 8 + 1) {
        if v.is_empty() {
            v.push(b'{');
        }
        let i = (rng.next() as usize) % v.len();
        match rng.next() % 4 {
            0 => {
                v.remove(i);
            }
            1 => v.insert(
                i,
                b"{}[]\",:\\%*${}0aZ \n\x00\xff"[(rng.next() % 20) as usize],
            ),
            2 => v[i] = rng.next() as u8,
            _ => {
                let j = (rng.next() as usize) % v.len();
                v.truncate(i.max(j));
            }
        }
    }
    v
}

#[test]
fn mutated_inputs_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..3000 {
        let seed = SEEDS[round % SEEDS.len()].as_bytes();
        let data = mutate(seed, &mut rng);
        let text = String::from_utf8_lossy(&data);
        if let Err(e) = parse_policy(&text) {
            assert!(!e.message.is_empty());
        }
        let _ = from_slice_with_path::<Policy>(&data);
        let _ = for_each_case(&data[..], |_, case| {
            let _ = case.evaluate(true);
            Ok(())
        });
    }
}
