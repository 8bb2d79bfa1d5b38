use trustgate_policy::Effect;

use crate::context::ScanContext;
use crate::finding::Finding;

crate::declare_rule!(WildcardPermissions {
    id: "TG008",
    name: "wildcard-permissions",
    title: "Cross-account role's own policies use wildcard actions or resources",
    severity: Medium,
    what: "Inspects the customer-managed and inline policies of roles assumable from another account for Allow statements with a wildcard action (`*`, `s3:*`), an Allow with `NotAction` (everything except…), or `Resource: \"*\"` for actions that change things (anything but List/Get/Describe/Head/Search/Query/Scan/Lookup). AWS-managed policies are not inspected here: admin ones are reported by TG007.",
    why: "Wildcards grant today's and tomorrow's actions on every resource of the account: the trusted account ends up with far more than the cross-account task needs, and new services are granted as AWS releases them.",
    example: "{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}",
    fix: "List the actions the task needs and the ARNs it works on (`arn:aws:s3:::deploy-artifacts/*`). IAM Access Analyzer policy generation can draft this from CloudTrail.",
});

/// Whether an action pattern only reads (by IAM naming convention).
pub fn is_read_only(pattern: &str) -> bool {
    let Some((_, name)) = pattern.split_once(':') else {
        return false;
    };
    const READ: [&str; 9] = [
        "List", "Get", "Describe", "Head", "Search", "Query", "Scan", "Lookup", "BatchGet",
    ];
    READ.iter()
        .any(|p| name.len() > p.len() && name.starts_with(p) || name.strip_suffix('*') == Some(*p))
}

impl WildcardPermissions {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        super::for_each_parallel(cx.roles, out, |_, role, out| {
            if !role.is_cross_account() {
                return;
            }
            let mut problems = Vec::new();
            for (label, policy) in &role.identity_policies {
                if label.starts_with("arn:aws:iam::aws:policy/") {
                    continue;
                }
                for (i, st) in policy.statements.iter().enumerate() {
                    if st.effect != Effect::Allow {
                        continue;
                    }
                    let where_ = || format!("{label} {}", st.label(i));
                    if st.action.negated {
                        problems.push(format!("{}: Allow with NotAction", where_()));
                        continue;
                    }
                    let wild: Vec<&str> = st
                        .action
                        .actions
                        .iter()
                        .filter(|a| a.raw == "*" || a.raw.ends_with(":*"))
                        .map(|a| a.raw.as_str())
                        .collect();
                    if !wild.is_empty() {
                        problems.push(format!("{}: wildcard action {}", where_(), wild.join(", ")));
                        continue;
                    }
                    let any_resource = st
                        .resource
                        .as_ref()
                        .is_some_and(|r| !r.negated && r.resources.iter().any(|x| x == "*"));
                    let writes: Vec<&str> = st
                        .action
                        .actions
                        .iter()
                        .filter(|a| !is_read_only(&a.raw))
                        .map(|a| a.raw.as_str())
                        .collect();
                    if any_resource && !writes.is_empty() {
                        problems.push(format!(
                            "{}: Resource \"*\" for {}",
                            where_(),
                            writes.join(", ")
                        ));
                    }
                }
            }
            if problems.is_empty() {
                return;
            }
            let mut severity = Self::DOC.severity;
            if role.permissions.admin_equivalent {
                severity = severity.raised();
            }
            out.push(
                Finding::new(
                    Self::DOC.id,
                    severity,
                    role.arn,
                    role.account,
                    "",
                    format!(
                        "{} (assumable cross-account) has wildcard permissions: {}",
                        role.name,
                        problems.first().cloned().unwrap_or_default()
                            + &if problems.len() > 1 {
                                format!(" (+{} more)", problems.len() - 1)
                            } else {
                                String::new()
                            }
                    ),
                )
                .with("statements", &problems),
            );
        });
    }
}

#[cfg(test)]
mod tests {
    use super::is_read_only;
    use crate::testing::*;
    use trustgate_policy::parse_policy;

    #[test]
    fn read_only_names() {
        assert!(is_read_only("s3:GetObject"));
        assert!(is_read_only("ec2:Describe*"));
        assert!(!is_read_only("s3:PutObject"));
        assert!(!is_read_only("s3:Get"), "a bare verb is not an action");
    }

    #[test]
    fn fires_on_wildcards_in_cross_account_roles() {
        let mut f = Fixture::new(trust_doc(
            r#"{"AWS":"arn:aws:iam::222222222222:role/ci"}"#,
            "",
        ));
        f.identity.push(
            parse_policy(r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#)
                .unwrap(),
        );
        assert_eq!(f.run("TG008").len(), 1);
        f.identity[0] = parse_policy(
            r#"{"Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}"#,
        )
        .unwrap();
        assert!(f.run("TG008").is_empty(), "read-only on * is fine");
        f.identity[0] = parse_policy(
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}"#,
        )
        .unwrap();
        assert_eq!(f.run("TG008").len(), 1);
        let mut local = Fixture::new(trust_doc(r#"{"Service":"ec2.amazonaws.com"}"#, ""));
        local.identity.push(
            parse_policy(r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
                .unwrap(),
        );
        assert!(local.run("TG008").is_empty(), "not cross-account");
    }
}
