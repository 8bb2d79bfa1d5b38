//! # trustgate-policy
//!
//! The IAM policy language: parse (with precise errors), normalize, and evaluate a request
//! against a set of policies exactly as AWS does — SCPs, RCPs, resource-based and
//! identity-based policies, permissions boundaries, session policies, the cross-account rule
//! — with **partial evaluation** (unknown context keys become residual conditions) and
//! explanations (which policy and statement decided, at which layer).
//!
//! Pure: no I/O, no knowledge of accounts or snapshots.
//!
//! Policies are compiled as they are parsed ([`compiled`]): action patterns split by service,
//! ARN patterns split by segment, principals pre-parsed, so that a decision does no parsing,
//! lower-casing or allocation when everything is known (`decide` takes about a third of a
//! microsecond for a typical cross-account request: see BENCHMARKS.md).
//!
//! ```
//! use trustgate_policy::{parse_policy, authorize, Context, Labeled, PolicySet, Request, DecisionKind};
//! let trust = parse_policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
//!     "Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole",
//!     "Condition":{"StringEquals":{"sts:ExternalId":"s3cret-ext-id"}}}]}"#).unwrap();
//! let identity = parse_policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
//!     "Action":"sts:AssumeRole","Resource":"*"}]}"#).unwrap();
//! let req = Request::new("arn:aws:iam::111111111111:role/ci", "sts:AssumeRole",
//!     "arn:aws:iam::222222222222:role/deploy", None, Context::partial()).unwrap();
//! let set = PolicySet {
//!     identity: vec![Labeled::new("ci-policy", &identity)],
//!     resource: Some(Labeled::new("trust policy", &trust)),
//!     ..Default::default()
//! };
//! let d = authorize(&req, &set, false);
//! assert_eq!(d.kind, DecisionKind::Conditional); // allowed only with the right External ID
//! ```

pub mod arn;
pub mod ast;
pub mod authorize;
pub mod compiled;
pub mod condition;
pub mod context;
pub mod eval;
pub mod parse;
pub mod pattern;
pub mod render;
pub mod request;
pub mod residual;
pub mod variables;

pub use arn::{Arn, PrincipalId};
pub use ast::*;
pub use authorize::{
    authorize, decide, decide_split, resource_policy_required, resource_policy_required_for,
    Decision, DecisionKind, Labeled, Layer, PolicySet, PolicySource, Reason,
};
pub use context::{Absent, Context, ContextValue, Lookup, Request};
pub use eval::{evaluate_policy, Grant, PolicyResult, PolicyRole};
pub use parse::{from_slice_with_path, parse_policy, JsonError, ParseError};
pub use render::PolicyJson;
pub use residual::{Atom, Expr, Literal};
