//! Reading trust policies: who a role trusts, for which actions, under which conditions.
//! Pure functions over the policy AST, shared by the registry and the rules.

use serde::{Deserialize, Serialize};
use trustgate_policy::{
    is_account_id, Arn, Condition, Effect, OperatorKind, Policy, Principal, PrincipalKind,
    SetQualifier, Statement,
};

/// STS actions a trust policy can grant.
pub const TRUST_ACTIONS: [&str; 6] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
];

/// A condition as shown to people: operator, key, values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionView {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

impl ConditionView {
    pub fn of(c: &Condition) -> Self {
        ConditionView {
            operator: c.operator.to_string(),
            key: c.key.clone(),
            values: c.values.clone(),
        }
    }
}

impl std::fmt::Display for ConditionView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.operator,
            self.key,
            self.values.join("|")
        )
    }
}

/// What kind of principal a trust entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrustedKind {
    /// `*` or `{"AWS": "*"}` (or an Allow with NotPrincipal): anyone.
    Anyone,
    /// An account root (`arn:aws:iam::ID:root` or a bare ID).
    Account,
    Role,
    User,
    /// A specific role session (`arn:aws:sts::ID:assumed-role/R/S`) or federated user.
    Session,
    Service,
    Federated,
    CanonicalUser,
    /// A unique ID (`AROA…`, `AIDA…`): what IAM shows when the named principal was deleted.
    DeletedPrincipal,
    Other,
}

/// One (statement, principal) pair of a trust policy that allows assuming the role.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustEntry {
    pub statement: String,
    pub statement_index: usize,
    /// The principal as written.
    pub principal_raw: String,
    /// The principal normalized (bare account IDs as root ARNs).
    pub principal: String,
    pub kind: TrustedKind,
    /// The account the principal belongs to, when it has one.
    pub account: Option<String>,
    /// Granted through `NotPrincipal` (everyone except those listed).
    pub via_not_principal: bool,
    /// STS actions the statement allows.
    pub actions: Vec<String>,
    pub conditions: Vec<ConditionView>,
    /// Values required for `sts:ExternalId`.
    pub external_ids: Vec<String>,
    /// Whether the conditions require MFA (`Bool aws:MultiFactorAuthPresent true`, a bound on
    /// `aws:MultiFactorAuthAge`, or `Null aws:MultiFactorAuthAge false`). `…IfExists` forms do
    /// not count: callers without the key (access keys) pass them.
    pub mfa: bool,
    /// Condition keys that narrow *who* may assume (PrincipalArn, PrincipalOrgID, …).
    pub restricted_by: Vec<String>,
}

/// Condition keys that restrict which principals a statement applies to.
/// (`kms:CallerAccount` is KMS's own form of `aws:PrincipalAccount`: AWS-managed key policies
/// grant `*` narrowed by it.)
pub const PRINCIPAL_RESTRICTING_KEYS: [&str; 11] = [
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:userid",
    "aws:sourceowner",
    "kms:calleraccount",
];

/// Whether a statement applies to an STS trust action.
pub fn trust_actions_of(st: &Statement) -> Vec<String> {
    TRUST_ACTIONS
        .iter()
        .filter(|a| trustgate_policy::eval::statement_action_matches(st, &a.to_ascii_lowercase()))
        .map(|a| a.to_string())
        .collect()
}

/// Whether a condition positively narrows the key to specific values (not negated, not
/// IfExists, not just wildcards).
pub fn narrows(c: &Condition) -> bool {
    let op = c.operator;
    if op.if_exists || op.kind.is_negated() || op.kind == OperatorKind::Null {
        return false;
    }
    if op.set == Some(SetQualifier::ForAllValues) {
        // ForAllValues is vacuously true when the key is absent.
        return false;
    }
    !c.values.is_empty()
        && c.values
            .iter()
            .all(|v| !v.chars().all(|ch| ch == '*' || ch == '?'))
}

/// The keys among a statement's conditions that narrow who may use it.
pub fn restricting_keys(st: &Statement) -> Vec<String> {
    let mut out: Vec<String> = st
        .conditions
        .iter()
        .filter(|c| PRINCIPAL_RESTRICTING_KEYS.contains(&c.key_lower.as_str()) && narrows(c))
        .map(|c| c.key.clone())
        .collect();
    out.dedup();
    out
}

fn requires_mfa(st: &Statement) -> bool {
    st.conditions.iter().any(|c| {
        let op = c.operator;
        if op.if_exists {
            return false;
        }
        match (c.key_lower.as_str(), op.kind) {
            ("aws:multifactorauthpresent", OperatorKind::Bool) => {
                c.values.iter().all(|v| v.eq_ignore_ascii_case("true"))
            }
            (
                "aws:multifactorauthage",
                OperatorKind::NumericLessThan | OperatorKind::NumericLessThanEquals,
            ) => true,
            ("aws:multifactorauthage", OperatorKind::Null) => {
                c.values.iter().all(|v| v.eq_ignore_ascii_case("false"))
            }
            _ => false,
        }
    })
}

fn external_ids(st: &Statement) -> Vec<String> {
    st.conditions
        .iter()
        .filter(|c| {
            c.key_lower == "sts:externalid"
                && !c.operator.if_exists
                && matches!(
                    c.operator.kind,
                    OperatorKind::StringEquals
                        | OperatorKind::StringLike
                        | OperatorKind::StringEqualsIgnoreCase
                )
        })
        .flat_map(|c| c.values.iter().cloned())
        .collect()
}

/// Classifies a principal as written in a trust policy.
pub fn classify(p: &Principal) -> (TrustedKind, Option<String>) {
    if p.is_wildcard() {
        return (TrustedKind::Anyone, None);
    }
    match p.kind {
        PrincipalKind::Everyone => (TrustedKind::Anyone, None),
        PrincipalKind::Service => (TrustedKind::Service, None),
        PrincipalKind::Federated => {
            let acct = Arn::parse(&p.value).map(|a| a.account.to_string());
            (TrustedKind::Federated, acct.filter(|a| !a.is_empty()))
        }
        PrincipalKind::CanonicalUser => (TrustedKind::CanonicalUser, None),
        PrincipalKind::Aws => {
            if is_account_id(&p.value) {
                return (TrustedKind::Account, Some(p.value.clone()));
            }
            if is_unique_id(&p.value) {
                return (TrustedKind::DeletedPrincipal, None);
            }
            match Arn::parse(&p.value) {
                Some(a) => {
                    let acct = Some(a.account.to_string());
                    let kind = match (a.service, a.resource) {
                        ("iam", "root") => TrustedKind::Account,
                        ("iam", r) if r.starts_with("role/") => TrustedKind::Role,
                        ("iam", r) if r.starts_with("user/") => TrustedKind::User,
                        ("sts", _) => TrustedKind::Session,
                        _ => TrustedKind::Other,
                    };
                    (kind, acct)
                }
                None => (TrustedKind::Other, None),
            }
        }
    }
}

/// IAM unique IDs (`AROA…` roles, `AIDA…` users, `AGPA…` groups…): 4-letter prefix then
/// upper-case letters and digits.
pub fn is_unique_id(s: &str) -> bool {
    const PREFIXES: [&str; 6] = ["AROA", "AIDA", "AGPA", "ANPA", "ANVA", "ASIA"];
    s.len() >= 16
        && PREFIXES.iter().any(|p| s.starts_with(p))
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Every (statement, principal) that allows an STS action in a trust policy.
pub fn trust_entries(policy: &Policy) -> Vec<TrustEntry> {
    let mut out = Vec::new();
    for (index, st) in policy.statements.iter().enumerate() {
        if st.effect != Effect::Allow {
            continue;
        }
        let actions = trust_actions_of(st);
        if actions.is_empty() {
            continue;
        }
        let Some(clause) = &st.principal else {
            continue;
        };
        let conditions: Vec<ConditionView> = st.conditions.iter().map(ConditionView::of).collect();
        let external_ids = external_ids(st);
        let mfa = requires_mfa(st);
        let restricted_by = restricting_keys(st);
        let label = st.label(index);
        if clause.negated {
            out.push(TrustEntry {
                statement: label.clone(),
                statement_index: index,
                principal_raw: "*".into(),
                principal: "*".into(),
                kind: TrustedKind::Anyone,
                account: None,
                via_not_principal: true,
                actions: actions.clone(),
                conditions: conditions.clone(),
                external_ids: external_ids.clone(),
                mfa,
                restricted_by: restricted_by.clone(),
            });
            continue;
        }
        for p in &clause.principals {
            let (kind, account) = classify(p);
            out.push(TrustEntry {
                statement: label.clone(),
                statement_index: index,
                principal_raw: p.value.clone(),
                principal: p.normalized().into_owned(),
                kind,
                account,
                via_not_principal: false,
                actions: actions.clone(),
                conditions: conditions.clone(),
                external_ids: external_ids.clone(),
                mfa,
                restricted_by: restricted_by.clone(),
            });
        }
    }
    out
}

/// Places a trust entry relative to the role's account and the organization.
pub fn scope_of(
    entry: &TrustEntry,
    role_account: &str,
    org_id: Option<&str>,
    is_internal: &dyn Fn(&str) -> bool,
) -> crate::registry::Scope {
    use crate::registry::Scope;
    match entry.kind {
        TrustedKind::Service => Scope::Service,
        TrustedKind::Federated => Scope::Federated,
        TrustedKind::DeletedPrincipal | TrustedKind::CanonicalUser | TrustedKind::Other => {
            Scope::Unknown
        }
        TrustedKind::Account | TrustedKind::Role | TrustedKind::User | TrustedKind::Session => {
            match entry.account.as_deref() {
                Some(a) if a == role_account => Scope::SameAccount,
                Some(a) if is_internal(a) => Scope::Internal,
                _ => Scope::ThirdParty,
            }
        }
        TrustedKind::Anyone => {
            if entry.restricted_by.is_empty() {
                return Scope::Public;
            }
            // Narrowed by a condition: internal when every narrowing value points inside.
            let inside = entry.conditions.iter().any(|c| {
                let key = c.key.to_ascii_lowercase();
                match key.as_str() {
                    "aws:principalorgid" | "aws:sourceorgid" => {
                        org_id.is_some_and(|o| c.values.iter().all(|v| v == o))
                    }
                    "aws:principalaccount" | "aws:sourceaccount" => {
                        c.values.iter().all(|v| v == role_account || is_internal(v))
                    }
                    "aws:principalarn" | "aws:sourcearn" => c.values.iter().all(|v| {
                        Arn::parse(v)
                            .map(|a| a.account == role_account || is_internal(a.account))
                            .unwrap_or(false)
                    }),
                    _ => false,
                }
            });
            if inside {
                Scope::Internal
            } else {
                Scope::ThirdParty
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use trustgate_policy::parse_policy;

    #[test]
    fn reads_trust_entries() {
        let p = parse_policy(
            r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"Vendor","Effect":"Allow","Principal":{"AWS":["464622532012","arn:aws:iam::111111111111:role/ci"]},
             "Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x-1"},"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
            {"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]},
            {"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}},
            {"Effect":"Allow","Principal":{"AWS":"AROAABCDEFGHIJKLMNOP"},"Action":"sts:AssumeRole","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}},
            {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject"}]}"#,
        )
        .unwrap();
        let e = trust_entries(&p);
        assert_eq!(e.len(), 5);
        assert_eq!(e[0].kind, TrustedKind::Account);
        assert_eq!(e[0].principal, "arn:aws:iam::464622532012:root");
        assert_eq!(e[0].external_ids, vec!["x-1"]);
        assert!(e[0].mfa);
        assert_eq!(e[1].kind, TrustedKind::Role);
        assert_eq!(e[2].kind, TrustedKind::Service);
        assert_eq!(e[2].actions, vec!["sts:AssumeRole", "sts:TagSession"]);
        assert_eq!(e[3].kind, TrustedKind::Anyone);
        assert_eq!(e[3].restricted_by, vec!["aws:PrincipalOrgID"]);
        assert_eq!(e[4].kind, TrustedKind::DeletedPrincipal);
        assert!(!e[4].mfa, "BoolIfExists does not enforce MFA");
    }
}
