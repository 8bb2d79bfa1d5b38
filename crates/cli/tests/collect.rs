//! `trustgate collect` from the outside: argument errors (exit 2, before any network call) and,
//! in the default build, the message saying how to get the command. The collection itself is
//! tested against moto server by tests/collect/run.sh (a build with `--features collect`).

use std::process::Command;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_trustgate"));
    // Never reach out to anything, whatever this machine has configured.
    c.env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env_remove("TRUSTGATE_EXTERNAL_ID");
    c
}

#[test]
fn bad_arguments_exit_2_and_name_the_argument() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    for (args, expected) in [
        (vec!["--duration", "60"], "--duration 60"),
        (vec!["--accounts", "123,456"], "--accounts"),
        (vec!["--regions", "Mars One"], "--regions"),
        (vec!["--role-name", "no spaces"], "--role-name"),
        (vec!["--concurrency", "0"], "--concurrency"),
    ] {
        let o = bin()
            .arg("collect")
            .arg("--out")
            .arg(&out)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(
            !out.exists(),
            "{args:?}: nothing is written on a usage error"
        );
    }
}

#[test]
fn the_external_id_is_never_echoed() {
    let o = bin()
        .args([
            "collect",
            "--out",
            "unused",
            "--external-id",
            "has spaces secret",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(text.contains("--external-id"), "{text}");
    assert!(!text.contains("secret"), "{text}");
}

#[cfg(not(feature = "collect"))]
#[test]
fn without_the_feature_it_says_how_to_build_it() {
    let o = bin().args(["collect", "--out", "unused"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--features collect"), "{err}");
}
