use std::collections::BTreeMap;

use crate::context::ScanContext;
use crate::finding::Finding;

crate::declare_rule!(DuplicatedUser {
    id: "TG021",
    name: "duplicated-user",
    title: "The same person as IAM users in several accounts",
    severity: Medium,
    what: "Groups IAM users across accounts by user name (case-insensitively) and by the value of an e-mail tag (`email`, `e-mail`, `mail`, any case). A group spanning two or more accounts is reported once, listing every user.",
    why: "One identity per person in one place, roles everywhere else: that is what makes leaving the company, rotating credentials and auditing who did what possible. Copies of a user in several accounts multiply long-lived passwords and keys, and each copy is forgotten separately.",
    example: "alice in 111111111111 and in 222222222222 (email alice@example.com)",
    fix: "Keep one identity per person — ideally in IAM Identity Center or your IdP — and give access to other accounts through roles that identity assumes. Delete the copies.",
});

fn is_email_key(k: &str) -> bool {
    ["email", "e-mail", "mail"]
        .iter()
        .any(|e| k.eq_ignore_ascii_case(e))
}

impl DuplicatedUser {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        // key → (account, user ARN); BTreeMap for a stable order of findings.
        let mut groups: BTreeMap<String, Vec<(&str, &str)>> = BTreeMap::new();
        for ep in cx.entry_points {
            groups
                .entry(format!("name:{}", ep.name.to_lowercase()))
                .or_default()
                .push((&ep.account, &ep.user));
            for (k, v) in &ep.tags {
                if is_email_key(k) && !v.trim().is_empty() {
                    groups
                        .entry(format!("email:{}", v.trim().to_lowercase()))
                        .or_default()
                        .push((&ep.account, &ep.user));
                }
            }
        }
        let mut reported: std::collections::HashSet<Vec<&str>> = Default::default();
        for (key, members) in &groups {
            let mut accounts: Vec<&str> = members.iter().map(|m| m.0).collect();
            accounts.sort_unstable();
            accounts.dedup();
            if accounts.len() < 2 {
                continue;
            }
            let mut users: Vec<&str> = members.iter().map(|m| m.1).collect();
            users.sort_unstable();
            users.dedup();
            // The same users matched by name and by e-mail: one finding.
            if !reported.insert(users.clone()) {
                continue;
            }
            let (kind, value) = key.split_once(':').expect("keys are kind:value");
            let how = if kind == "name" {
                format!("user name `{value}`")
            } else {
                format!("e-mail tag `{value}`")
            };
            out.push(
                Finding::new(
                    Self::DOC.id,
                    Self::DOC.severity,
                    users[0],
                    members[0].0,
                    key,
                    format!(
                        "{how} is an IAM user in {} accounts ({}): {}",
                        accounts.len(),
                        accounts.join(", "),
                        users.join(", ")
                    ),
                )
                .with("users", &users)
                .with("accounts", &accounts),
            );
        }
    }
}
