//! generation (wip)
use std::path::Path;
pub enum OutputFormat {
    Terraform,
    CloudFormation,
    Json,
}
pub struct Generated {
    pub text: String,
    pub notes: Vec<String>,
}
pub fn generate_file(_p: &Path, _f: OutputFormat) -> Result<Generated, crate::ReadError> {
    todo!()
}
