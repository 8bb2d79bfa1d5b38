//! One module per subcommand.

pub mod eval;
pub mod registry;
pub mod rules;
pub mod scan;
pub mod snapshot_args;
