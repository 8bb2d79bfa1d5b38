use trustgate_policy::{evaluate_policy, Context, Effect, Policy, PolicyRole, Request};

use crate::context::ScanContext;
use crate::finding::Finding;

crate::declare_rule!(AssumeAnyRole {
    id: "TG012",
    name: "assume-any-role",
    title: "Identity policy allows sts:AssumeRole on any role in any account",
    severity: Medium,
    what: "Evaluates every user, role and group policy that grants an `sts:` action with trustgate's policy engine for `sts:AssumeRole` on a role in an unrelated account: a policy that allows it (possibly under conditions, which are listed) lets its holder assume any role anywhere that trusts its account. Grants through `\"Action\": \"*\"` or `NotAction` are admin-level and reported by TG007 instead.",
    why: "Trust of an account root (TG001) is only safe if the trusted account restricts who may assume out. `sts:AssumeRole` on `*` removes that restriction on the caller's side: every role that trusts the account is open to this principal.",
    example: "{\"Effect\": \"Allow\", \"Action\": \"sts:AssumeRole\", \"Resource\": \"*\"}",
    fix: "List the role ARNs the principal needs (`arn:aws:iam::222233334444:role/deploy`), or at least a path or name prefix (`arn:aws:iam::*:role/ci/*`).",
});

fn names_sts_assume(p: &Policy) -> bool {
    p.statements.iter().any(|st| {
        st.effect == Effect::Allow
            && !st.action.negated
            && st.action.actions.iter().any(|a| {
                a.service() == Some("sts")
                    && trustgate_policy::pattern::action_matches(&a.lower, "sts:assumerole")
            })
    })
}

const PROBE_ROLE: &str = "arn:aws:iam::999999999999:role/trustgate-probe-any-role";

impl AssumeAnyRole {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        super::for_each_parallel(cx.principals, out, |_, p, out| {
            // Most principals have no statement naming STS: nothing to ask them.
            if !p
                .policies
                .iter()
                .any(|(_, policy)| names_sts_assume(policy))
            {
                return;
            }
            // Groups are not callers: probe with a member of the group.
            let caller = if p.kind == "group" {
                format!("arn:aws:iam::{}:user/member-of-group", p.account)
            } else {
                p.arn.to_string()
            };
            let Ok(req) = Request::new(
                &caller,
                "sts:AssumeRole",
                PROBE_ROLE,
                None,
                Context::partial(),
            ) else {
                return;
            };
            for (label, policy) in &p.policies {
                // Only statements that name STS: `*` and NotAction grants are admin-level and
                // reported as such (TG007); this rule is about deliberate AssumeRole grants.
                if !names_sts_assume(policy) {
                    continue;
                }
                let r = evaluate_policy(policy, &req, PolicyRole::IdentityLike, false);
                let allowed = r.allow.clone().and(r.deny.clone().not());
                if allowed.is_false() {
                    continue;
                }
                let conditional = !allowed.is_true();
                out.push(
                    Finding::new(
                        Self::DOC.id,
                        Self::DOC.severity,
                        p.arn,
                        p.account,
                        label,
                        format!(
                            "{} {} ({label}) allows sts:AssumeRole on any role in any account{}",
                            p.kind,
                            p.arn,
                            if conditional {
                                format!(" when {allowed}")
                            } else {
                                String::new()
                            }
                        ),
                    )
                    .with("policy", label)
                    .with("conditional", conditional),
                );
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;
    use trustgate_policy::parse_policy;

    #[test]
    fn fires_on_any_role() {
        let mut f = Fixture::new(trust_doc(r#"{"Service":"ec2.amazonaws.com"}"#, ""));
        f.principals.push((
            "arn:aws:iam::111111111111:user/bob".into(),
            parse_policy(
                r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#,
            )
            .unwrap(),
        ));
        f.principals.push((
            "arn:aws:iam::111111111111:user/carol".into(),
            parse_policy(r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::222222222222:role/deploy"}]}"#).unwrap(),
        ));
        f.principals.push((
            "arn:aws:iam::111111111111:user/admin".into(),
            parse_policy(r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
                .unwrap(),
        ));
        f.principals.push((
            "arn:aws:iam::111111111111:user/dave".into(),
            parse_policy(r#"{"Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"arn:aws:iam::*:role/*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#).unwrap(),
        ));
        let r = f.run("TG012");
        assert_eq!(r.len(), 2, "{r:#?}");
        assert!(r.iter().any(|x| x.resource.ends_with("bob")));
        assert!(r
            .iter()
            .any(|x| x.resource.ends_with("dave") && x.message.contains("MultiFactor")));
    }
}
