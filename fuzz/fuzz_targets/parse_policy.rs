#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = trustgate_policy::parse_policy(&text);
    let _ = trustgate_policy::from_slice_with_path::<trustgate_policy::Policy>(data);
});
