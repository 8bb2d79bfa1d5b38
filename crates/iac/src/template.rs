//! What the readers extract from a template: the IAM resources with their place in the file,
//! independent of the source format. [`crate::build`] turns them into a snapshot.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// Where something is in a source file (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Loc {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// What a Terraform plan does to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    Create,
    Update,
    Delete,
    Replace,
    NoOp,
}

/// The kind of an IAM principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PrincipalType {
    Role,
    User,
    Group,
}

impl PrincipalType {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::Role => "role",
            PrincipalType::User => "user",
            PrincipalType::Group => "group",
        }
    }
}

/// A policy document as the template gives it: a JSON object, or JSON text (Terraform's
/// `assume_role_policy`, plan values), with the place it starts.
#[derive(Debug, Clone)]
pub struct Doc {
    pub json: serde_json::Value,
    pub loc: Loc,
}

/// A role, user or group.
#[derive(Debug, Clone, Default)]
pub struct PrincipalSpec {
    pub name: String,
    pub path: String,
    /// Roles only.
    pub trust: Option<Doc>,
    /// Inline policies (name, document).
    pub inline: Vec<(String, Doc)>,
    /// Attached managed policy ARNs.
    pub managed: Vec<String>,
    pub boundary: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub max_session: Option<u32>,
    /// Users only: group names.
    pub groups: Vec<String>,
}

/// One IAM-relevant resource of a template.
#[derive(Debug, Clone)]
pub enum ItemKind {
    Principal {
        ptype: PrincipalType,
        spec: PrincipalSpec,
    },
    ManagedPolicy {
        name: String,
        path: String,
        document: Doc,
        /// Principals it is attached to by the resource itself (CloudFormation `Roles:`…).
        attach: Vec<(PrincipalType, String)>,
    },
    /// An inline policy defined as its own resource (`aws_iam_role_policy`,
    /// `AWS::IAM::Policy`), for one or more principals named by name.
    InlinePolicy {
        name: String,
        targets: Vec<(PrincipalType, String)>,
        document: Doc,
    },
    /// A managed policy attached by its own resource.
    Attachment {
        targets: Vec<(PrincipalType, String)>,
        policy_arn: String,
    },
    /// Users added to groups.
    Membership {
        users: Vec<String>,
        groups: Vec<String>,
    },
    /// A resource-based policy (S3 bucket, KMS key, SQS queue, SNS topic, ECR, secret…).
    ResourcePolicy { arn: String, document: Doc },
}

/// A resource and where it is.
#[derive(Debug, Clone)]
pub struct Item {
    /// `aws_iam_role.ci` (Terraform) or `Resources.CiRole` (CloudFormation).
    pub address: String,
    pub loc: Loc,
    /// The account it is deployed into, when the template says (provider alias, plan, rule).
    pub account: Option<String>,
    pub kind: ItemKind,
    /// Expressions that could not be resolved, as written.
    pub unresolved: Vec<String>,
    /// Plans only.
    pub change: Option<Change>,
}

/// One template: a CloudFormation file (or one document of a multi-document YAML file), a
/// Terraform plan, or a Terraform module directory.
#[derive(Debug, Clone)]
pub struct Template {
    /// The file (or module directory).
    pub path: PathBuf,
    /// `cloudformation`, `terraform` or `terraform-plan`.
    pub format: &'static str,
    /// The account the template deploys into: what it says, else the placeholder (or
    /// `--account`) it was read with.
    pub account: String,
    /// Whether the template itself says which account (plan data, a provider's
    /// `allowed_account_ids`, a CloudFormation rule on `AWS::AccountId`).
    pub account_known: bool,
    pub items: Vec<Item>,
    /// What was assumed or could not be read (each names the file and line).
    pub notes: Vec<String>,
}

/// Collects unresolved expressions while resolving one resource.
#[derive(Debug, Default)]
pub struct Unresolved(pub Vec<String>);

impl Unresolved {
    /// Records an expression and returns the opaque placeholder standing for it: `${expr}`.
    /// In `Resource` and condition values the policy engine reads it as a policy variable it
    /// does not know, so matches against it stay *possible* rather than false.
    pub fn opaque(&mut self, expr: &str) -> String {
        let expr = expr.trim();
        if !self.0.iter().any(|e| e == expr) {
            self.0.push(expr.to_string());
        }
        format!("${{{expr}}}")
    }
}
