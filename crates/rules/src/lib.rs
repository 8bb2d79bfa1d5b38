//! # trustgate-rules
//!
//! The findings trustgate reports (one rule per file under `rules/`, each documenting itself)
//! and the registry of trust relationships.

pub mod baseline;
pub mod context;
pub mod details;
pub mod doc;
pub mod finding;
pub mod people;
pub mod registry;
pub mod rules;
pub mod scan;
#[cfg(test)]
mod testing;
pub mod trust;
pub mod usage;

pub use baseline::Baseline;
pub use context::{PrincipalView, ResourceView, RoleView, ScanContext, ScanOptions};
pub use details::Details;
pub use doc::RuleDoc;
pub use finding::{Finding, ScanOutput, Severity, Summary};
pub use people::EntryPoint;
pub use registry::{PermissionSummary, Registry, Relationship, Scope};
pub use rules::{catalogue, Rule};
pub use scan::{analyze, Analysis};
pub use usage::{RelationshipUsage, TrailInput, TrailOptions, TrailView};
