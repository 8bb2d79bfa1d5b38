#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = trustgate_policy::request::for_each_case(data, |_, case| {
        let _ = case.evaluate(true);
        Ok(())
    });
});
