//! The assume-role graph on small fixture organizations: chains, root-trust expansion,
//! residual conditions, SCP and boundary blocking, org-restricted wildcards, cycles and
//! principals outside the snapshot.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{json, Value};
use trustgate_access::{AccessGraph, NodeKind, Summarizer};
use trustgate_model::{LoadOptions, Snapshot};

/// Builds a snapshot directory from (account → roles/users) specs.
#[derive(Default)]
struct Org {
    accounts: BTreeMap<String, (Vec<Value>, Vec<Value>)>,
    org: Option<Value>,
}

fn assume_policy(resource: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": resource}]})
}

impl Org {
    fn role(
        mut self,
        account: &str,
        name: &str,
        trust: Value,
        inline: Option<Value>,
        boundary: Option<Value>,
    ) -> Self {
        let arn = format!("arn:aws:iam::{account}:role/{name}");
        let mut role = json!({
            "RoleName": name, "Arn": arn, "Path": "/", "RoleId": format!("AROA{name}"),
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": trust},
            "RolePolicyList": inline.map(|d| vec![json!({"PolicyName": "p", "PolicyDocument": d})]).unwrap_or_default(),
            "AttachedManagedPolicies": []
        });
        if let Some(b) = boundary {
            let barn = format!("arn:aws:iam::{account}:policy/{name}-boundary");
            role["PermissionsBoundary"] = json!({"PermissionsBoundaryArn": barn});
            self.accounts.entry(account.into()).or_default().1.push(json!({
                "PolicyName": format!("{name}-boundary"), "Arn": barn, "DefaultVersionId": "v1",
                "PolicyVersionList": [{"Document": b, "VersionId": "v1", "IsDefaultVersion": true}]
            }));
        }
        self.accounts
            .entry(account.into())
            .or_default()
            .0
            .push(role);
        self
    }

    fn write(&self, dir: &Path) {
        for (id, (roles, policies)) in &self.accounts {
            let doc = json!({"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": roles, "Policies": policies});
            std::fs::write(dir.join(format!("{id}.json")), doc.to_string()).unwrap();
        }
        if let Some(o) = &self.org {
            std::fs::write(dir.join("organization.json"), o.to_string()).unwrap();
        }
    }

    fn graph(&self) -> (tempfile::TempDir, Snapshot) {
        let dir = tempfile::tempdir().unwrap();
        self.write(dir.path());
        let snap = Snapshot::load(dir.path(), &LoadOptions::default()).unwrap();
        (dir, snap)
    }
}

fn build(snap: &Snapshot) -> AccessGraph {
    let s = Summarizer::new(snap);
    AccessGraph::build_prepared(snap, s.prepared(), &|p| s.summarize(p).admin_equivalent)
}

fn edge(g: &AccessGraph, from: &str, to: &str) -> Option<trustgate_access::Edge> {
    let (f, t) = (g.node(from)?, g.node(to)?);
    g.edges().map(|(_, e)| e).find(|e| e.from == f && e.to == t)
}

fn allow_principal(arn: &str) -> Value {
    json!({"Effect": "Allow", "Principal": {"AWS": arn}, "Action": "sts:AssumeRole"})
}

const A: &str = "111111111111";
const B: &str = "222222222222";
const C: &str = "333333333333";

fn arn(account: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:role/{name}")
}

#[test]
fn chains_of_one_to_four_hops() {
    // r0 → r1 → r2 → r3 → r4 across three accounts, each hop a specific principal.
    let mut org = Org::default();
    let names = ["r0", "r1", "r2", "r3", "r4"];
    let accts = [A, B, C, A, B];
    for i in 0..5 {
        let trust = if i == 0 {
            json!([{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}])
        } else {
            json!([allow_principal(&arn(accts[i - 1], names[i - 1]))])
        };
        let inline = (i < 4).then(|| assume_policy(&arn(accts[i + 1], names[i + 1])));
        org = org.role(accts[i], names[i], trust, inline, None);
    }
    let (_d, snap) = org.graph();
    let g = build(&snap);
    let src = g.node("ec2.amazonaws.com").unwrap();
    let paths = g.shortest_paths(&[src], &|i| g.nodes[i].kind == NodeKind::Role, 10);
    let lens: Vec<usize> = paths.iter().map(|p| p.hops.len()).collect();
    assert_eq!(lens, vec![1, 2, 3, 4, 5]);
    let last = paths.last().unwrap();
    assert_eq!(last.chained_assumptions, 4);
    assert_eq!(last.session_cap_seconds, 3600);
    // max_hops bounds the search.
    assert_eq!(g.shortest_paths(&[src], &|_| true, 2).len(), 2);
}

#[test]
fn root_trust_expands_to_principals_allowed_by_their_policies() {
    let org = Org::default()
        .role(
            B,
            "target",
            json!([allow_principal(&format!("arn:aws:iam::{A}:root"))]),
            None,
            None,
        )
        .role(
            A,
            "can",
            json!([allow_principal(&format!("arn:aws:iam::{A}:root"))]),
            Some(assume_policy(&arn(B, "target"))),
            None,
        )
        .role(
            A,
            "cannot",
            json!([allow_principal(&format!("arn:aws:iam::{A}:root"))]),
            Some(assume_policy(&arn(C, "elsewhere"))),
            None,
        )
        .role(
            A,
            "nothing",
            json!([allow_principal(&format!("arn:aws:iam::{A}:root"))]),
            None,
            None,
        );
    let (_d, snap) = org.graph();
    let g = build(&snap);
    assert!(edge(&g, &arn(A, "can"), &arn(B, "target")).is_some());
    assert!(edge(&g, &arn(A, "cannot"), &arn(B, "target")).is_none());
    assert!(edge(&g, &arn(A, "nothing"), &arn(B, "target")).is_none());
    // No ExternalAccount node for an account that is in the snapshot.
    assert!(g.node(&format!("arn:aws:iam::{A}:root")).is_none());
}

#[test]
fn edges_carry_external_id_and_mfa_residuals() {
    let trust = json!([{"Effect": "Allow", "Principal": {"AWS": arn(A, "ci")}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": "secret-value-123"}, "Bool": {"aws:MultiFactorAuthPresent": "true"}}}]);
    let org = Org::default().role(B, "target", trust, None, None).role(
        A,
        "ci",
        json!([]),
        Some(assume_policy("*")),
        None,
    );
    let (_d, snap) = org.graph();
    let g = build(&snap);
    let e = edge(&g, &arn(A, "ci"), &arn(B, "target")).unwrap();
    assert_eq!(e.decision, "Conditional");
    assert_eq!(e.conditions().len(), 1);
    let text = serde_json::to_string(&e.conditions()).unwrap();
    assert!(
        text.contains("sts:ExternalId") && text.contains("aws:MultiFactorAuthPresent"),
        "{text}"
    );
    assert!(
        !text.contains("secret-value-123"),
        "External ID values are redacted"
    );
}

#[test]
fn scps_and_boundaries_block_edges() {
    let deny_sts = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": format!("arn:aws:iam::{B}:*")}]});
    let full = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let mut org = Org::default()
        .role(B, "target", json!([allow_principal(&arn(A, "blocked-by-scp")), allow_principal(&arn(C, "blocked-by-boundary")), allow_principal(&arn(C, "free"))]), None, None)
        .role(A, "blocked-by-scp", json!([]), Some(assume_policy("*")), None)
        .role(C, "blocked-by-boundary", json!([]), Some(assume_policy("*")),
              Some(json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})))
        .role(C, "free", json!([]), Some(assume_policy("*")), None);
    org.org = Some(json!({
        "organizationId": "o-test", "managementAccountId": "999999999999", "rootId": "r-1",
        "organizationalUnits": [{"id": "ou-a", "name": "A", "parentId": "r-1"}],
        "accounts": [{"id": A, "parentId": "ou-a"}, {"id": B, "parentId": "r-1"}, {"id": C, "parentId": "r-1"}],
        "policies": [
            {"id": "p-full", "name": "Full", "type": "SERVICE_CONTROL_POLICY", "document": full, "targets": ["r-1", "ou-a", A, B, C]},
            {"id": "p-deny", "name": "NoB", "type": "SERVICE_CONTROL_POLICY", "document": deny_sts, "targets": ["ou-a"]}]
    }));
    let (_d, snap) = org.graph();
    let g = build(&snap);
    assert!(edge(&g, &arn(A, "blocked-by-scp"), &arn(B, "target")).is_none());
    assert!(edge(&g, &arn(C, "blocked-by-boundary"), &arn(B, "target")).is_none());
    assert!(edge(&g, &arn(C, "free"), &arn(B, "target")).is_some());
}

#[test]
fn wildcard_principals_with_org_condition_are_internal_only() {
    let mut org = Org::default()
        .role(
            B,
            "org-only",
            json!([{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-test"}}}]),
            None,
            None,
        )
        .role(
            B,
            "open",
            json!([{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}]),
            None,
            None,
        )
        .role(A, "member", json!([]), Some(assume_policy("*")), None);
    org.org = Some(json!({"organizationId": "o-test", "rootId": "r-1",
        "accounts": [{"id": A, "parentId": "r-1"}, {"id": B, "parentId": "r-1"}]}));
    let (_d, snap) = org.graph();
    let g = build(&snap);
    assert!(edge(&g, "*", &arn(B, "open")).is_some());
    assert!(
        edge(&g, "*", &arn(B, "org-only")).is_none(),
        "anyone outside the org cannot"
    );
    let member = edge(&g, &arn(A, "member"), &arn(B, "org-only")).expect("a member can");
    assert_eq!(
        member.decision, "Allow",
        "the snapshot knows the member's org ID"
    );
}

#[test]
fn cycles_are_not_looped() {
    let org = Org::default()
        .role(
            A,
            "x",
            json!([allow_principal(&arn(B, "y"))]),
            Some(assume_policy(&arn(B, "y"))),
            None,
        )
        .role(
            B,
            "y",
            json!([allow_principal(&arn(A, "x"))]),
            Some(assume_policy(&arn(A, "x"))),
            None,
        );
    let (_d, snap) = org.graph();
    let g = build(&snap);
    let x = g.node(&arn(A, "x")).unwrap();
    let paths = g.shortest_paths(&[x], &|_| true, 50);
    assert_eq!(
        paths.len(),
        1,
        "x reaches y once; the cycle back to x is not a path"
    );
}

#[test]
fn principals_outside_the_snapshot_are_possibly_allowed() {
    let org = Org::default()
        .role(A, "vendor", json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::464622532012:root"}, "Action": "sts:AssumeRole"}]), None, None)
        .role(A, "partner", json!([allow_principal("arn:aws:iam::555555555555:role/partner-ci")]), None, None)
        .role(A, "deleted", json!([allow_principal("AROAEXAMPLEDELETED01")]), None, None);
    let (_d, snap) = org.graph();
    let g = build(&snap);
    let v = edge(&g, "arn:aws:iam::464622532012:root", &arn(A, "vendor")).expect("vendor edge");
    assert_eq!(
        v.decision, "Conditional",
        "its identity policies are unknown: possible, not certain"
    );
    assert!(v.condition.to_string().contains("account 464622532012"));
    let ext = g.node("arn:aws:iam::555555555555:role/partner-ci").unwrap();
    assert_eq!(g.nodes[ext].kind, NodeKind::ExternalPrincipal);
    assert!(!g.nodes[ext].internal);
    assert!(edge(
        &g,
        "arn:aws:iam::555555555555:role/partner-ci",
        &arn(A, "partner")
    )
    .is_some());
    let deleted = g.node(&arn(A, "deleted")).unwrap();
    assert!(
        g.incoming(deleted).next().is_none(),
        "a unique ID names nobody"
    );
}

#[test]
fn grouped_principals_still_answer_per_principal_when_the_trust_asks_who() {
    // Two roles with identical policies (one decision group), a trust of their account root
    // narrowed to one of them by aws:PrincipalArn.
    let policy = assume_policy("*");
    let org = Org::default()
        .role(
            B,
            "target",
            json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{A}:root")}, "Action": "sts:AssumeRole",
                    "Condition": {"ArnEquals": {"aws:PrincipalArn": arn(A, "chosen")}}}]),
            None,
            None,
        )
        .role(B, "open", json!([allow_principal(&format!("arn:aws:iam::{A}:root"))]), None, None)
        .role(A, "chosen", json!([]), Some(policy.clone()), None)
        .role(A, "other", json!([]), Some(policy), None);
    let (_d, snap) = org.graph();
    let g = build(&snap);
    assert!(edge(&g, &arn(A, "chosen"), &arn(B, "target")).is_some());
    assert!(edge(&g, &arn(A, "other"), &arn(B, "target")).is_none());
    assert!(edge(&g, &arn(A, "chosen"), &arn(B, "open")).is_some());
    assert!(edge(&g, &arn(A, "other"), &arn(B, "open")).is_some());
}

#[test]
fn principals_share_a_decision_when_only_other_actions_depend_on_who_they_are() {
    // Both roles may assume anything; their inline policies differ, and one has an S3
    // statement keyed on the principal's tag. Neither matters to sts:AssumeRole: both get the
    // edge, unconditionally.
    let with_tag_statement = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
         "Condition": {"StringLike": {"s3:prefix": "${aws:PrincipalTag/team}/*"}}}]});
    let with_logs = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
        {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]});
    let org = Org::default()
        .role(
            B,
            "target",
            json!([allow_principal(&format!("arn:aws:iam::{A}:root"))]),
            None,
            None,
        )
        .role(A, "tagged", json!([]), Some(with_tag_statement), None)
        .role(A, "logger", json!([]), Some(with_logs), None);
    let (_d, snap) = org.graph();
    let g = build(&snap);
    for from in ["tagged", "logger"] {
        let e = edge(&g, &arn(A, from), &arn(B, "target")).expect(from);
        assert!(e.condition.is_true(), "{from}: {}", e.condition);
    }
}

#[test]
fn an_assume_statement_that_depends_on_the_principal_is_decided_per_principal() {
    // The same policy document, but its sts:AssumeRole resource names the caller's own
    // role name: each principal reaches a different target.
    let own_name = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole",
         "Resource": format!("arn:aws:iam::{B}:role/${{aws:PrincipalTag/team}}-*")}]});
    let trust = json!([allow_principal(&format!("arn:aws:iam::{A}:root"))]);
    let mut org = Org::default()
        .role(B, "red-deploy", trust.clone(), None, None)
        .role(B, "blue-deploy", trust, None, None)
        .role(A, "red", json!([]), Some(own_name.clone()), None)
        .role(A, "blue", json!([]), Some(own_name), None);
    for (account, roles) in org.accounts.iter_mut() {
        if account == A {
            for r in roles.0.iter_mut() {
                let team = r["RoleName"].as_str().unwrap().to_string();
                r["Tags"] = json!([{"Key": "team", "Value": team}]);
            }
        }
    }
    let (_d, snap) = org.graph();
    let g = build(&snap);
    assert!(edge(&g, &arn(A, "red"), &arn(B, "red-deploy")).is_some());
    assert!(edge(&g, &arn(A, "blue"), &arn(B, "blue-deploy")).is_some());
    assert!(edge(&g, &arn(A, "red"), &arn(B, "blue-deploy")).is_none());
    assert!(edge(&g, &arn(A, "blue"), &arn(B, "red-deploy")).is_none());
}

#[test]
fn a_boundary_without_assume_role_splits_principals_with_the_same_policies() {
    // Same identity policy; one role's boundary allows only S3, which leaves it no
    // sts:AssumeRole (the two must not share one decision).
    let policy = assume_policy("*");
    let s3_only = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]});
    let org = Org::default()
        .role(
            B,
            "target",
            json!([allow_principal(&format!("arn:aws:iam::{A}:root"))]),
            None,
            None,
        )
        .role(A, "free", json!([]), Some(policy.clone()), None)
        .role(A, "bounded", json!([]), Some(policy.clone()), Some(s3_only))
        .role(A, "free2", json!([]), Some(policy), None);
    let (_d, snap) = org.graph();
    let g = build(&snap);
    assert!(edge(&g, &arn(A, "free"), &arn(B, "target")).is_some());
    assert!(edge(&g, &arn(A, "free2"), &arn(B, "target")).is_some());
    assert!(edge(&g, &arn(A, "bounded"), &arn(B, "target")).is_none());
}

#[test]
fn admin_equivalence_is_per_principal_when_a_statement_names_a_role() {
    // Two roles with the same policy: it lets `writer` rewrite its own inline policies, which
    // makes `writer` admin-equivalent, but not `reader` (same statements, other ARN).
    let policy = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": arn(A, "writer")}]});
    // Two more with a policy on "*": one decision for both.
    let wide = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": "*"}]});
    let org = Org::default()
        .role(A, "writer", json!([]), Some(policy.clone()), None)
        .role(A, "reader", json!([]), Some(policy), None)
        .role(A, "wide1", json!([]), Some(wide.clone()), None)
        .role(A, "wide2", json!([]), Some(wide), None);
    let (_d, snap) = org.graph();
    let s = Summarizer::new(&snap);
    let admin = |name: &str| {
        let p = snap.principal(&arn(A, name)).unwrap();
        s.summarize(p).admin_equivalent
    };
    // Asked in both orders: a shared answer would make the second one wrong.
    assert!(!admin("reader"));
    assert!(admin("writer"));
    assert!(admin("wide1") && admin("wide2"));
}
