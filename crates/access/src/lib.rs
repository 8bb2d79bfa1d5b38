//! # trustgate-access
//!
//! Questions over a snapshot, answered with the policy engine: can a principal do an action on
//! a resource (and why not), what can a role do once assumed, who can reach which role.

pub mod can;
pub mod graph;
pub mod groups;
pub mod permissions;
pub mod prepared;
pub mod sources;

pub use can::{can, CanQuery};
pub use graph::{AccessGraph, Edge, EdgeCondition, EdgeId, Hop, Node, NodeKind, Path};
pub use permissions::{admin_equivalence, PermissionSummary, Summarizer};
pub use prepared::{Prepared, PreparedPrincipals};
pub use sources::{caller_context, caller_set, principal_policies, PrincipalPolicies};
