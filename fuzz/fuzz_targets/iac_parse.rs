//! The IaC readers on arbitrary text: Terraform HCL, YAML/JSON templates and plans, specs.
//! Errors are fine; panics and hangs are bugs.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use trustgate_iac::{cfn, hcl, node, plan, spec};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(file) = hcl::parse(Path::new("main.tf"), text.to_string()) {
        let _ = hcl::read_module(Path::new("."), &[file], "000000000000");
    }
    if let Ok(docs) = node::parse_documents(text) {
        for doc in &docs {
            if plan::is_plan(doc) {
                let _ = plan::read(Path::new("plan.json"), doc, "000000000000");
            } else if cfn::is_template(doc) {
                let _ = cfn::read(Path::new("template.yaml"), doc, "000000000000");
            }
        }
    }
    let _ = spec::parse(Path::new("spec.yaml"), text);
});
