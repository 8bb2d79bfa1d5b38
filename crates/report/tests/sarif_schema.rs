//! Validates the SARIF output against the official SARIF 2.1.0 JSON schema, through
//! `tests/sarif_schema.sh` (which fetches the schema and a validator from PyPI at test time).
//!
//! Skips, saying why, when python3 or the registry is unavailable, or when
//! `TRUSTGATE_SKIP_NETWORK_TESTS` is set. Fails when the output does not validate — and also
//! when a deliberately broken log *does* validate, so the check cannot pass vacuously.

mod common;

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use trustgate_report::{render_scan, RenderOptions, ScanFormat};

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn render(opts: &RenderOptions) -> Vec<u8> {
    let mut buf = Vec::new();
    render_scan(
        &common::scan_output(),
        &common::rules(),
        ScanFormat::Sarif,
        opts,
        &mut buf,
    )
    .unwrap();
    buf
}

#[test]
fn sarif_output_validates_against_the_official_schema() {
    if std::env::var_os("TRUSTGATE_SKIP_NETWORK_TESTS").is_some() {
        eprintln!("SKIP: SARIF schema validation (TRUSTGATE_SKIP_NETWORK_TESTS is set)");
        return;
    }
    let dir = TempDir(
        std::env::temp_dir().join(format!("trustgate-report-sarif-{}", std::process::id())),
    );
    std::fs::create_dir_all(&dir.0).unwrap();

    // Outputs to check: default options, a URI base, and an empty scan.
    let relative = dir.0.join("relative.sarif");
    std::fs::write(&relative, render(&RenderOptions::default())).unwrap();
    let based = dir.0.join("based.sarif");
    let opts = RenderOptions {
        sarif_uri_base: Some("file:///srv/snapshots/org/".into()),
        ..RenderOptions::default()
    };
    std::fs::write(&based, render(&opts)).unwrap();
    let empty = dir.0.join("empty.sarif");
    let mut buf = Vec::new();
    render_scan(
        &Default::default(),
        &common::rules(),
        ScanFormat::Sarif,
        &RenderOptions::default(),
        &mut buf,
    )
    .unwrap();
    std::fs::write(&empty, buf).unwrap();

    // A broken log the validator must reject: an unknown level and a driver without a name.
    let mut broken: Value = serde_json::from_slice(&render(&RenderOptions::default())).unwrap();
    broken["runs"][0]["results"][0]["level"] = Value::from("critical");
    broken["runs"][0]["tool"]["driver"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    let invalid = dir.0.join("invalid.sarif");
    std::fs::write(&invalid, serde_json::to_vec_pretty(&broken).unwrap()).unwrap();

    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/sarif_schema.sh");
    let output = match Command::new("bash")
        .arg(&script)
        .arg("--expect-invalid")
        .arg(&invalid)
        .args([&relative, &based, &empty])
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            eprintln!("SKIP: SARIF schema validation: cannot run bash: {e}");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(0) => {
            assert_eq!(
                stdout.lines().filter(|l| l.starts_with("VALID ")).count(),
                3,
                "{stdout}"
            );
            eprintln!("{stdout}");
        }
        Some(77) => eprintln!("{stdout}{stderr}"),
        other => panic!("SARIF schema validation failed ({other:?}):\n{stdout}\n{stderr}"),
    }
}
