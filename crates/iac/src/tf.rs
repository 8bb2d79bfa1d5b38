//! Terraform resources (from HCL or from a plan) as template items. Both sources give the
//! same attribute names (`assume_role_policy`, `inline_policy`, `policy_arn`…), so one
//! function reads either once the attributes are JSON.

use std::collections::BTreeMap;

use serde_json::Value as J;

use crate::template::{Doc, ItemKind, Loc, PrincipalSpec, PrincipalType, Unresolved};

/// Terraform resource types read by trustgate.
pub const TYPES: [&str; 27] = [
    "aws_iam_role",
    "aws_iam_user",
    "aws_iam_group",
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_group_membership",
    "aws_iam_user_group_membership",
    "aws_s3_bucket_policy",
    "aws_s3_bucket",
    "aws_kms_key",
    "aws_sqs_queue_policy",
    "aws_sqs_queue",
    "aws_sns_topic_policy",
    "aws_sns_topic",
    "aws_ecr_repository_policy",
    "aws_secretsmanager_secret_policy",
    "aws_glacier_vault",
    "aws_iam_role_policies_exclusive",
    "aws_iam_role_policy_attachments_exclusive",
    "aws_lambda_permission",
    "aws_cloudwatch_log_resource_policy",
];

fn s(attrs: &J, key: &str) -> Option<String> {
    match attrs.get(key)? {
        J::String(v) if !v.is_empty() => Some(v.clone()),
        J::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn list(attrs: &J, key: &str) -> Vec<String> {
    match attrs.get(key) {
        Some(J::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(J::String(v)) if !v.is_empty() => vec![v.clone()],
        _ => Vec::new(),
    }
}

fn tags(attrs: &J) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for key in ["tags", "tags_all"] {
        if let Some(J::Object(m)) = attrs.get(key) {
            for (k, v) in m {
                if let Some(v) = v.as_str() {
                    out.insert(k.clone(), v.to_string());
                }
            }
        }
    }
    out
}

/// The last segment of a name or ARN-ish reference (`arn:…:role/path/name` → `name`).
fn name_of(reference: &str) -> String {
    if reference.starts_with("arn:") {
        if let Some(r) = reference.rsplit(['/', ':']).next() {
            return r.to_string();
        }
    }
    reference.to_string()
}

/// Reads one Terraform resource. `label` names it in the module (`aws_iam_role.LABEL`);
/// `doc_loc` gives the place of an attribute's value (policy documents point there).
pub fn item(
    ty: &str,
    label: &str,
    attrs: &J,
    account: &str,
    doc_loc: &dyn Fn(&str) -> Loc,
    u: &mut Unresolved,
) -> Option<ItemKind> {
    let doc = |key: &str| -> Option<Doc> {
        match attrs.get(key)? {
            J::Null => None,
            J::String(t) if t.trim().is_empty() => None,
            j => Some(Doc {
                json: j.clone(),
                loc: doc_loc(key),
            }),
        }
    };
    let name = || s(attrs, "name").unwrap_or_else(|| label.to_string());
    let path = || s(attrs, "path").unwrap_or_else(|| "/".to_string());
    let principal = |ptype: PrincipalType| -> ItemKind {
        let mut spec = PrincipalSpec {
            name: name(),
            path: path(),
            boundary: s(attrs, "permissions_boundary"),
            tags: tags(attrs),
            ..Default::default()
        };
        if ptype == PrincipalType::Role {
            spec.trust = doc("assume_role_policy");
            spec.max_session = attrs
                .get("max_session_duration")
                .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
                .and_then(|v| u32::try_from(v).ok());
            spec.managed = list(attrs, "managed_policy_arns");
            for (i, p) in attrs
                .get("inline_policy")
                .and_then(J::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                if let Some(policy) = p.get("policy").filter(|v| !v.is_null()) {
                    spec.inline.push((
                        p.get("name")
                            .and_then(J::as_str)
                            .map(str::to_string)
                            .unwrap_or_else(|| format!("inline_policy[{i}]")),
                        Doc {
                            json: policy.clone(),
                            loc: doc_loc("inline_policy"),
                        },
                    ));
                }
            }
        }
        ItemKind::Principal { ptype, spec }
    };
    let one = |key: &str, ptype: PrincipalType| -> Vec<(PrincipalType, String)> {
        s(attrs, key)
            .map(|n| vec![(ptype, name_of(&n))])
            .unwrap_or_default()
    };
    let policy_named = |key: &str, ptype: PrincipalType| -> Option<ItemKind> {
        Some(ItemKind::InlinePolicy {
            name: s(attrs, "name").unwrap_or_else(|| label.to_string()),
            targets: one(key, ptype),
            document: doc("policy")?,
        })
    };
    let attachment = |targets: Vec<(PrincipalType, String)>| -> Option<ItemKind> {
        Some(ItemKind::Attachment {
            targets,
            policy_arn: s(attrs, "policy_arn")?,
        })
    };
    // A resource named by an unresolved reference is named by its own address instead, so
    // that two policies on different unresolved resources stay two resources.
    let resource = |arn: String, key: &str| -> Option<ItemKind> {
        let arn = if arn.contains("${") {
            let service = arn.split(':').nth(2).unwrap_or("unknown");
            format!("arn:aws:{service}::{account}:{ty}.{label}")
        } else {
            arn
        };
        Some(ItemKind::ResourcePolicy {
            arn,
            document: doc(key)?,
        })
    };
    match ty {
        "aws_iam_role" => Some(principal(PrincipalType::Role)),
        "aws_iam_user" => Some(principal(PrincipalType::User)),
        "aws_iam_group" => Some(principal(PrincipalType::Group)),
        "aws_iam_policy" => Some(ItemKind::ManagedPolicy {
            name: name(),
            path: path(),
            document: doc("policy")?,
            attach: Vec::new(),
        }),
        "aws_iam_role_policy" => policy_named("role", PrincipalType::Role),
        "aws_iam_user_policy" => policy_named("user", PrincipalType::User),
        "aws_iam_group_policy" => policy_named("group", PrincipalType::Group),
        "aws_iam_role_policy_attachment" => attachment(one("role", PrincipalType::Role)),
        "aws_iam_user_policy_attachment" => attachment(one("user", PrincipalType::User)),
        "aws_iam_group_policy_attachment" => attachment(one("group", PrincipalType::Group)),
        "aws_iam_policy_attachment" => {
            let mut t = Vec::new();
            for (key, ptype) in [
                ("roles", PrincipalType::Role),
                ("users", PrincipalType::User),
                ("groups", PrincipalType::Group),
            ] {
                t.extend(list(attrs, key).into_iter().map(|n| (ptype, name_of(&n))));
            }
            attachment(t)
        }
        "aws_iam_group_membership" => Some(ItemKind::Membership {
            users: list(attrs, "users"),
            groups: vec![s(attrs, "group")?],
        }),
        "aws_iam_user_group_membership" => Some(ItemKind::Membership {
            users: vec![s(attrs, "user")?],
            groups: list(attrs, "groups"),
        }),
        "aws_s3_bucket_policy" => {
            let bucket =
                s(attrs, "bucket").unwrap_or_else(|| u.opaque(&format!("{ty}.{label}.bucket")));
            resource(format!("arn:aws:s3:::{bucket}"), "policy")
        }
        "aws_s3_bucket" => {
            let bucket = s(attrs, "bucket").unwrap_or_else(|| label.to_string());
            resource(format!("arn:aws:s3:::{bucket}"), "policy")
        }
        "aws_kms_key" => resource(format!("arn:aws:kms::{account}:key/{label}"), "policy"),
        "aws_sqs_queue_policy" => {
            let queue = s(attrs, "queue_url")
                .map(|q| name_of(q.rsplit('/').next().unwrap_or(&q)))
                .unwrap_or_else(|| label.to_string());
            resource(format!("arn:aws:sqs::{account}:{queue}"), "policy")
        }
        "aws_sqs_queue" => resource(format!("arn:aws:sqs::{account}:{}", name()), "policy"),
        "aws_sns_topic_policy" => resource(
            s(attrs, "arn")
                .filter(|a| a.starts_with("arn:"))
                .unwrap_or_else(|| format!("arn:aws:sns::{account}:{label}")),
            "policy",
        ),
        "aws_sns_topic" => resource(format!("arn:aws:sns::{account}:{}", name()), "policy"),
        "aws_ecr_repository_policy" => resource(
            format!(
                "arn:aws:ecr::{account}:repository/{}",
                s(attrs, "repository").unwrap_or_else(|| label.to_string())
            ),
            "policy",
        ),
        "aws_secretsmanager_secret_policy" => resource(
            s(attrs, "secret_arn")
                .filter(|a| a.starts_with("arn:"))
                .unwrap_or_else(|| format!("arn:aws:secretsmanager::{account}:secret:{label}")),
            "policy",
        ),
        "aws_glacier_vault" => resource(
            format!("arn:aws:glacier::{account}:vaults/{}", name()),
            "access_policy",
        ),
        _ => None,
    }
}
