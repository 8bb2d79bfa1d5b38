//! The generated Terraform and the example module are exactly as `terraform fmt` leaves them:
//! checked with HashiCorp's hclwrite formatter (the one `terraform fmt` calls), built from
//! Debian's `golang-go` and `golang-github-hashicorp-hcl-v2-dev` packages.
//!
//! Skips, saying why, when Go or the hcl package is not installed
//! (`apt-get install golang-go golang-github-hashicorp-hcl-v2-dev`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use trustgate_iac::generate::{generate_file, OutputFormat};

const GOPATH: &str = "/usr/share/gocode";

fn formatter(dir: &Path) -> Option<PathBuf> {
    if !Path::new(GOPATH)
        .join("src/github.com/hashicorp/hcl/v2/hclwrite")
        .is_dir()
    {
        eprintln!("SKIP: terraform fmt check: {GOPATH} has no hashicorp/hcl/v2 (golang-github-hashicorp-hcl-v2-dev)");
        return None;
    }
    let bin = dir.join("hclfmt");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hclfmt/main.go");
    let built = Command::new("go")
        .args(["build", "-o"])
        .arg(&bin)
        .arg(&src)
        .env("GOPATH", GOPATH)
        .env("GO111MODULE", "off")
        .env("GOCACHE", dir.join("cache"))
        .output();
    match built {
        Ok(o) if o.status.success() => Some(bin),
        Ok(o) => panic!(
            "building the formatter failed: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => {
            eprintln!("SKIP: terraform fmt check: cannot run go: {e}");
            None
        }
    }
}

fn check(fmt: &Path, name: &str, text: &str) {
    let mut child = Command::new(fmt)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{name} is not as terraform fmt writes it; formatted:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn generated_terraform_is_fmt_clean() {
    let dir = tempfile::tempdir().unwrap();
    let Some(fmt) = formatter(dir.path()) else {
        return;
    };
    // The formatter must notice a misaligned file, or this test could pass vacuously.
    let mut bad = Command::new(&fmt)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    bad.stdin
        .take()
        .unwrap()
        .write_all(b"resource \"a\" \"b\" {\n  x = 1\n  long_name = 2\n}\n")
        .unwrap();
    assert!(!bad.wait().unwrap().success());

    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/iac/spec.yaml");
    let text = generate_file(&spec, OutputFormat::Terraform).unwrap().text;
    check(&fmt, "generated Terraform", &text);
    let example =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/iac/terraform/main.tf");
    check(
        &fmt,
        "examples/iac/terraform/main.tf",
        &std::fs::read_to_string(example).unwrap(),
    );
}
