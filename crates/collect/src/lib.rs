//! `trustgate collect`: the snapshot of a whole organization, taken live.
//!
//! Without the `sdk` feature this crate is what the rest of the workspace can build cheaply:
//! the file shapes of the snapshot as `collect` writes them ([`snapshot`]), the
//! `collect-manifest.json` that says what was collected and what failed ([`manifest`]), the
//! exact list of API actions the audit role must allow ([`actions`]) and the redaction applied
//! to every error message ([`redact`]). With `sdk`, [`sdk::collect`] does the collection with the
//! AWS SDK for Rust.

pub mod actions;
pub mod manifest;
pub mod redact;
pub mod snapshot;

#[cfg(feature = "sdk")]
pub mod sdk;

pub use manifest::{Manifest, MANIFEST_FILE};
pub use snapshot::{SnapshotDir, WriteError};
