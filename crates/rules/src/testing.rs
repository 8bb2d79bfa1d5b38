//! Helpers for rule unit tests: a role in account 111111111111 of organization `o-test`
//! (accounts 111111111111 and 222222222222), vendor 464622532012 known as Datadog.

use trustgate_policy::{parse_policy, Policy};

use crate::context::{PrincipalView, ResourceView, RoleView, ScanContext, ScanOptions};
use crate::finding::Finding;
use crate::registry::PermissionSummary;
use crate::rules::catalogue;
use crate::trust::{scope_of, trust_entries};

pub const ROLE_ACCOUNT: &str = "111111111111";

pub fn is_internal(a: &str) -> bool {
    a == "111111111111" || a == "222222222222"
}

pub fn vendor_of(a: &str) -> Option<String> {
    (a == "464622532012").then(|| "Datadog".to_string())
}

/// A fixture role; tweak its fields before calling [`run_rule`].
pub struct Fixture {
    pub trust: Policy,
    pub identity: Vec<Policy>,
    pub resources: Vec<(String, Policy)>,
    pub principals: Vec<(String, Policy)>,
    pub tags: trustgate_model::Tags,
    pub permissions: PermissionSummary,
    pub boundary: Option<String>,
    pub last_used: Option<String>,
    pub create_date: Option<String>,
    pub now: &'static str,
}

pub fn trust_doc(principal_json: &str, condition_suffix: &str) -> Policy {
    parse_policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal_json},"Action":"sts:AssumeRole"{condition_suffix}}}]}}"#
    ))
    .unwrap()
}

impl Fixture {
    pub fn new(trust: Policy) -> Fixture {
        Fixture {
            trust,
            identity: Vec::new(),
            resources: Vec::new(),
            principals: Vec::new(),
            tags: Default::default(),
            permissions: PermissionSummary::default(),
            boundary: None,
            last_used: Some("2026-10-30T00:00:00Z".into()),
            create_date: Some("2024-01-01T00:00:00Z".into()),
            now: "2026-11-01T00:00:00Z",
        }
    }

    pub fn run(&self, rule_id: &str) -> Vec<Finding> {
        let options = ScanOptions {
            stale_days: 90,
            now: self.now.parse().unwrap(),
            only_rules: Vec::new(),
            key_max_age_days: 90,
            progress: None,
            trail: None,
            registry: true,
            keep_caches: false,
        };
        let arn = "arn:aws:iam::111111111111:role/target";
        let entries = trust_entries(&self.trust)
            .into_iter()
            .map(|e| {
                let scope = scope_of(&e, ROLE_ACCOUNT, Some("o-test"), &is_internal);
                let vendor = e.account.as_deref().and_then(vendor_of);
                (std::sync::Arc::new(e), scope, vendor)
            })
            .collect();
        let role = RoleView {
            arn,
            name: "target",
            account: ROLE_ACCOUNT,
            trust_policy: &self.trust,
            entries,
            permissions: std::sync::Arc::new(self.permissions.clone()),
            identity_policies: self
                .identity
                .iter()
                .enumerate()
                .map(|(i, p)| (format!("inline:p{i}").into(), p))
                .collect(),
            permission_boundary: self.boundary.as_deref(),
            tags: &self.tags,
            create_date: self.create_date.as_deref(),
            last_used: self.last_used.as_deref(),
            max_session_seconds: None,
        };
        let roles = [role];
        let principals: Vec<PrincipalView> = self
            .principals
            .iter()
            .map(|(arn, p)| PrincipalView {
                arn,
                account: ROLE_ACCOUNT,
                kind: "user",
                policies: vec![("inline:policy".into(), p)],
            })
            .collect();
        let cx = ScanContext {
            options: &options,
            roles: &roles,
            principals: &principals,
            resources: self
                .resources
                .iter()
                .map(|(arn, p)| ResourceView {
                    arn,
                    account: ROLE_ACCOUNT,
                    policy: p,
                })
                .collect(),
            registry: &[],
            org_id: Some("o-test"),
            is_internal: &is_internal,
            vendor_of: &vendor_of,
            account_has_users: &|a: &str| a == "222222222222",
            graph: None,
            snapshot: None,
            prepared: None,
            entry_points: &[],
            trail: None,
        };
        let rule = catalogue()
            .into_iter()
            .find(|r| r.doc().id == rule_id)
            .expect("rule exists");
        let mut out = Vec::new();
        rule.check(&cx, &mut out);
        out
    }
}

/// Runs one rule on a role whose trust policy has one statement.
pub fn run_on_trust(rule_id: &str, principal_json: &str, condition_suffix: &str) -> Vec<Finding> {
    Fixture::new(trust_doc(principal_json, condition_suffix)).run(rule_id)
}
