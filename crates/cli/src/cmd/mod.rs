//! One module per subcommand.

pub mod eval;
pub mod rules;
