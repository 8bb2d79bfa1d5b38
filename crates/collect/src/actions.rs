//! Every AWS API call `collect` makes, with the IAM action it needs.
//!
//! The audit role in deploy/audit-role/ allows exactly [`AUDIT_ROLE_ACTIONS`] (its policy is
//! also its permissions boundary), and the README documents [`COLLECTOR_ACTIONS`] for the
//! identity that runs `collect`. Tests below hold the SDK code and the deployment files to
//! these lists, so none can drift: a new call without its action, or an action granted that
//! no call needs, fails the build's tests.

/// A call: the SDK client variable it is made on in src/sdk/, the operation method, and the
/// IAM action it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call {
    pub client: &'static str,
    pub operation: &'static str,
    pub action: &'static str,
}

const fn call(client: &'static str, operation: &'static str, action: &'static str) -> Call {
    Call {
        client,
        operation,
        action,
    }
}

/// Made in every collected account with the audit role's session (and, in the caller's own
/// account, with the caller's credentials).
pub const AUDIT_ROLE_CALLS: &[Call] = &[
    call(
        "iam",
        "get_account_authorization_details",
        "iam:GetAccountAuthorizationDetails",
    ),
    call("iam", "list_roles", "iam:ListRoles"),
    call(
        "iam",
        "generate_credential_report",
        "iam:GenerateCredentialReport",
    ),
    call("iam", "get_credential_report", "iam:GetCredentialReport"),
    call("s3", "list_buckets", "s3:ListAllMyBuckets"),
    call("s3", "get_bucket_location", "s3:GetBucketLocation"),
    call("s3", "get_bucket_policy", "s3:GetBucketPolicy"),
    call("kms", "list_keys", "kms:ListKeys"),
    call("kms", "get_key_policy", "kms:GetKeyPolicy"),
    call("sqs", "list_queues", "sqs:ListQueues"),
    call("sqs", "get_queue_attributes", "sqs:GetQueueAttributes"),
    call("sns", "list_topics", "sns:ListTopics"),
    call("sns", "get_topic_attributes", "sns:GetTopicAttributes"),
    call("lambda", "list_functions", "lambda:ListFunctions"),
    call("lambda", "get_policy", "lambda:GetPolicy"),
    call("secrets", "list_secrets", "secretsmanager:ListSecrets"),
    call(
        "secrets",
        "get_resource_policy",
        "secretsmanager:GetResourcePolicy",
    ),
    call("ecr", "describe_repositories", "ecr:DescribeRepositories"),
    call("ecr", "get_repository_policy", "ecr:GetRepositoryPolicy"),
];

/// Made with the caller's credentials in the management (or delegated administrator) account.
/// `sts:GetCallerIdentity` needs no permission and is listed for completeness of the calls;
/// it is left out of [`COLLECTOR_ACTIONS`].
pub const COLLECTOR_CALLS: &[Call] = &[
    call("sts", "get_caller_identity", "sts:GetCallerIdentity"),
    call("sts", "assume_role", "sts:AssumeRole"),
    call(
        "org",
        "describe_organization",
        "organizations:DescribeOrganization",
    ),
    call("org", "list_roots", "organizations:ListRoots"),
    call("org", "list_accounts", "organizations:ListAccounts"),
    call(
        "org",
        "list_organizational_units_for_parent",
        "organizations:ListOrganizationalUnitsForParent",
    ),
    call(
        "org",
        "list_accounts_for_parent",
        "organizations:ListAccountsForParent",
    ),
    call(
        "org",
        "list_tags_for_resource",
        "organizations:ListTagsForResource",
    ),
    call("org", "list_policies", "organizations:ListPolicies"),
    call("org", "describe_policy", "organizations:DescribePolicy"),
    call(
        "org",
        "list_targets_for_policy",
        "organizations:ListTargetsForPolicy",
    ),
];

/// The audit role's permissions, action by action, sorted.
pub fn audit_role_actions() -> Vec<&'static str> {
    sorted_actions(AUDIT_ROLE_CALLS)
}

/// What the collecting identity needs besides the audit role (sorted; without
/// `sts:GetCallerIdentity`, which is always allowed).
pub fn collector_actions() -> Vec<&'static str> {
    sorted_actions(COLLECTOR_CALLS)
        .into_iter()
        .filter(|a| *a != "sts:GetCallerIdentity")
        .collect()
}

fn sorted_actions(calls: &[Call]) -> Vec<&'static str> {
    let mut v: Vec<&str> = calls.iter().map(|c| c.action).collect();
    v.sort_unstable();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The SDK sources, read as text so the check runs in the default (SDK-less) build too.
    const SDK_SOURCES: &[(&str, &str)] = &[
        ("sdk/mod.rs", include_str!("sdk/mod.rs")),
        ("sdk/org.rs", include_str!("sdk/org.rs")),
        ("sdk/account.rs", include_str!("sdk/account.rs")),
        ("sdk/regional.rs", include_str!("sdk/regional.rs")),
    ];

    /// `client.operation()` occurrences in the SDK code (rustfmt may break the line before the
    /// dot), for the client variable names the table uses. The code names its clients exactly
    /// so; `clone()` of a client is not a call.
    fn calls_in_sources() -> BTreeSet<(String, String)> {
        let clients: BTreeSet<&str> = AUDIT_ROLE_CALLS
            .iter()
            .chain(COLLECTOR_CALLS)
            .map(|c| c.client)
            .collect();
        let mut found = BTreeSet::new();
        for (_, src) in SDK_SOURCES {
            let bytes = src.as_bytes();
            for client in &clients {
                let mut from = 0;
                while let Some(pos) = src[from..].find(client) {
                    let start = from + pos;
                    from = start + client.len();
                    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
                    if (start > 0 && (is_word(bytes[start - 1]) || bytes[start - 1] == b'.'))
                        || bytes.get(from).is_some_and(|b| is_word(*b))
                    {
                        continue;
                    }
                    let rest = src[from..].trim_start();
                    let Some(rest) = rest.strip_prefix('.') else {
                        continue;
                    };
                    let ident: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    if !ident.is_empty()
                        && ident != "clone"
                        && rest[ident.len()..].starts_with("()")
                    {
                        found.insert((client.to_string(), ident));
                    }
                }
            }
        }
        found
    }

    #[test]
    fn every_call_in_the_code_is_in_the_table_and_back() {
        let table: BTreeSet<(String, String)> = AUDIT_ROLE_CALLS
            .iter()
            .chain(COLLECTOR_CALLS)
            .map(|c| (c.client.to_string(), c.operation.to_string()))
            .collect();
        let code = calls_in_sources();
        let missing_from_table: Vec<_> = code.difference(&table).collect();
        let never_called: Vec<_> = table.difference(&code).collect();
        assert!(
            missing_from_table.is_empty(),
            "calls without an action in actions.rs: {missing_from_table:?}"
        );
        assert!(
            never_called.is_empty(),
            "actions.rs lists calls the code does not make: {never_called:?}"
        );
    }

    /// Every `service:Action` string in a deployment file (quoted, as both formats write them).
    fn actions_in(text: &str) -> BTreeSet<String> {
        let services = [
            "iam",
            "s3",
            "kms",
            "sqs",
            "sns",
            "lambda",
            "secretsmanager",
            "ecr",
            "organizations",
            "sts",
        ];
        let mut found = BTreeSet::new();
        for piece in text.split('"') {
            if let Some((service, action)) = piece.split_once(':') {
                if services.contains(&service)
                    && !action.is_empty()
                    && action.chars().all(|c| c.is_ascii_alphanumeric())
                    && action.starts_with(|c: char| c.is_ascii_uppercase())
                {
                    found.insert(piece.to_string());
                }
            }
        }
        found
    }

    fn deploy_file(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../deploy/audit-role")
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn the_audit_role_templates_grant_exactly_the_calls() {
        let want: BTreeSet<String> = audit_role_actions().into_iter().map(String::from).collect();
        // The templates also hold the trust policy: sts:AssumeRole, conditioned on
        // sts:ExternalId. Both must be there; everything else is the permissions.
        let trust: BTreeSet<String> = ["sts:AssumeRole", "sts:ExternalId"]
            .map(String::from)
            .into();
        for file in ["audit-role.tf", "audit-role.yaml"] {
            let got = actions_in(&deploy_file(file));
            assert!(
                got.is_superset(&trust),
                "{file}: the trust policy must require sts:ExternalId"
            );
            let permissions: BTreeSet<String> = got.difference(&trust).cloned().collect();
            assert_eq!(
                permissions, want,
                "{file}: actions differ from actions::AUDIT_ROLE_CALLS"
            );
        }
        assert_eq!(actions_in(&deploy_file("audit-role-policy.json")), want);
    }

    #[test]
    fn the_collector_policy_grants_exactly_the_calls() {
        let want: BTreeSet<String> = collector_actions().into_iter().map(String::from).collect();
        let got = actions_in(&deploy_file("collector-policy.json"));
        assert_eq!(got, want);
    }

    #[test]
    fn the_readme_documents_the_audit_policy() {
        let readme = deploy_file("README.md");
        for a in audit_role_actions().into_iter().chain(collector_actions()) {
            assert!(
                readme.contains(a),
                "deploy/audit-role/README.md does not name {a}"
            );
        }
    }

    #[test]
    fn actions_are_read_only() {
        // Nothing that writes, except the credential report generation IAM requires before a read.
        for a in audit_role_actions() {
            let name = a.split_once(':').unwrap().1;
            assert!(
                ["Get", "List", "Describe", "GenerateCredentialReport"]
                    .iter()
                    .any(|p| name.starts_with(p)),
                "{a} is not a read"
            );
        }
    }
}
