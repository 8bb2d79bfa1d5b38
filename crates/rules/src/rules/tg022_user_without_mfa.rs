use crate::context::ScanContext;
use crate::finding::Finding;

crate::declare_rule!(UserWithoutMfa {
    id: "TG022",
    name: "user-without-mfa",
    title: "IAM user without MFA who can assume roles",
    severity: Medium,
    what: "Reads the credential report: an IAM user with a console password or an active access key and no MFA device, that can assume at least one role (directly or by chaining). The finding lists the roles it can assume without MFA, and the roles whose trust policy requires MFA it cannot give. Raised to high when a role it can assume without MFA is admin-equivalent.",
    why: "A password or key alone then opens those roles: one phished password or leaked key is enough. Roles that require MFA are safe from this user, but the user cannot do the work the trust was written for — a sign the access was never used as designed.",
    example: "bob (password, no MFA) can assume prod/engineer-readonly without MFA; prod/break-glass requires MFA he cannot give",
    fix: "Register an MFA device for the user (or move the person to federation with MFA at the IdP), and require `aws:MultiFactorAuthPresent` in the trust policies of the roles people assume.",
});

impl UserWithoutMfa {
    pub(crate) fn run(cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        for ep in cx.entry_points {
            let Some(creds) = &ep.credentials else {
                continue;
            };
            if creds.mfa_active || (!creds.password_enabled && creds.active_keys.is_empty()) {
                continue;
            }
            let open: Vec<_> = ep.reachable.iter().filter(|r| !r.mfa_required).collect();
            let closed: Vec<_> = ep.reachable.iter().filter(|r| r.mfa_required).collect();
            if open.is_empty() && closed.is_empty() {
                continue;
            }
            let severity = if open.iter().any(|r| r.admin) {
                Self::DOC.severity.raised()
            } else {
                Self::DOC.severity
            };
            let list = |v: &[&crate::people::Reach]| {
                let mut s: Vec<&str> = v.iter().take(5).map(|r| r.role.as_str()).collect();
                let more = v.len().saturating_sub(s.len());
                let more_text = format!("{more} more");
                if more > 0 {
                    s.push(&more_text);
                }
                s.join(", ")
            };
            let creds_text = match (creds.password_enabled, creds.active_keys.len()) {
                (true, 0) => "a password".to_string(),
                (false, n) => format!("{n} active access key{}", if n == 1 { "" } else { "s" }),
                (true, n) => format!(
                    "a password and {n} active access key{}",
                    if n == 1 { "" } else { "s" }
                ),
            };
            let mut message = format!("{} has {creds_text} and no MFA device", ep.name);
            if !open.is_empty() {
                message.push_str(&format!("; can assume without MFA: {}", list(&open)));
            }
            if !closed.is_empty() {
                message.push_str(&format!("; requires MFA it cannot give: {}", list(&closed)));
            }
            out.push(
                Finding::new(Self::DOC.id, severity, &ep.user, &ep.account, "", message)
                    .with(
                        "assumableWithoutMfa",
                        open.iter().map(|r| &r.role).collect::<Vec<_>>(),
                    )
                    .with(
                        "requiresMfa",
                        closed.iter().map(|r| &r.role).collect::<Vec<_>>(),
                    ),
            );
        }
    }
}
