//! One module per subcommand.

pub mod can;
pub mod collect;
pub mod eval;
pub mod generate;
pub mod iac;
pub mod lint;
pub mod paths;
pub mod profiles;
pub mod registry;
pub mod rules;
pub mod scan;
pub mod snapshot_args;
pub mod synth;
pub mod text;
pub mod trail;
