//! ARNs: splitting into their six segments, and what kind of IAM principal an ARN names.

/// A borrowed view of `arn:partition:service:region:account:resource`.
/// The resource part keeps any further colons (`arn:aws:sqs:eu-west-1:1:q` → `q`,
/// `arn:aws:lambda:…:function:f:1` → `function:f:1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Splits an ARN; None when it does not start with `arn:` or has fewer than six segments.
    #[inline]
    pub fn parse(s: &'a str) -> Option<Arn<'a>> {
        let rest = s.strip_prefix("arn:")?;
        // The first four colons end the first four segments (a plain scan: the segments
        // before the resource are short).
        let b = rest.as_bytes();
        let mut cut = [0usize; 4];
        let mut n = 0;
        for (i, &c) in b.iter().enumerate() {
            if c == b':' {
                cut[n] = i;
                n += 1;
                if n == 4 {
                    break;
                }
            }
        }
        if n < 4 {
            return None;
        }
        Some(Arn {
            partition: &rest[..cut[0]],
            service: &rest[cut[0] + 1..cut[1]],
            region: &rest[cut[1] + 1..cut[2]],
            account: &rest[cut[2] + 1..cut[3]],
            resource: &rest[cut[3] + 1..],
        })
    }

    /// The segments in order, for segment-wise matching.
    pub fn segments(&self) -> [&'a str; 5] {
        [
            self.partition,
            self.service,
            self.region,
            self.account,
            self.resource,
        ]
    }
}

/// What an IAM principal ARN (or name) denotes, for matching against `Principal` elements and
/// for filling in the context keys AWS sets for every IAM caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalId {
    /// An IAM user: `arn:aws:iam::ID:user/path/name`.
    User {
        arn: String,
        account: String,
        name: String,
    },
    /// An IAM role acting through one of its sessions. `session` is the session name when the
    /// caller was given as `arn:aws:sts::ID:assumed-role/R/S`; the role ARN may then lack the
    /// role's path (the session ARN does not carry it).
    RoleSession {
        role_arn: String,
        account: String,
        role_name: String,
        session: Option<String>,
    },
    /// The account root user `arn:aws:iam::ID:root`.
    Root { account: String },
    /// A federated user from `GetFederationToken`: `arn:aws:sts::ID:federated-user/name`.
    FederatedUser {
        arn: String,
        account: String,
        name: String,
    },
    /// An AWS service (`lambda.amazonaws.com`): no identity policies of its own.
    Service { name: String },
    /// A SAML or OIDC identity provider, for `AssumeRoleWithSAML` / `WithWebIdentity`.
    Federated { provider: String },
    /// An unauthenticated caller.
    Anonymous,
}

impl PrincipalId {
    /// `*self = other.clone()`, reusing this one's text buffers when both are the same kind
    /// of principal (see [`crate::Request::reuse_for_principal`]).
    pub fn assign_from(&mut self, other: &PrincipalId) {
        use PrincipalId as P;
        fn set(buffer: &mut String, text: &str) {
            buffer.clear();
            buffer.push_str(text);
        }
        match (&mut *self, other) {
            (
                P::User { arn, account, name },
                P::User {
                    arn: a,
                    account: b,
                    name: c,
                },
            )
            | (
                P::FederatedUser { arn, account, name },
                P::FederatedUser {
                    arn: a,
                    account: b,
                    name: c,
                },
            ) => {
                set(arn, a);
                set(account, b);
                set(name, c);
            }
            (
                P::RoleSession {
                    role_arn,
                    account,
                    role_name,
                    session,
                },
                P::RoleSession {
                    role_arn: a,
                    account: b,
                    role_name: c,
                    session: d,
                },
            ) => {
                set(role_arn, a);
                set(account, b);
                set(role_name, c);
                session.clone_from(d);
            }
            (P::Root { account }, P::Root { account: a }) => set(account, a),
            (P::Service { name }, P::Service { name: a }) => set(name, a),
            (P::Federated { provider }, P::Federated { provider: a }) => set(provider, a),
            (this, other) => *this = other.clone(),
        }
    }

    /// Reads a principal as a caller is named in a request: an IAM/STS ARN, a service
    /// principal (`*.amazonaws.com`), a federated provider, or `anonymous`.
    pub fn parse(s: &str) -> Result<PrincipalId, String> {
        if s.eq_ignore_ascii_case("anonymous") || s == "*" {
            return Ok(PrincipalId::Anonymous);
        }
        if let Some(arn) = Arn::parse(s) {
            let account = arn.account.to_string();
            match arn.service {
                "iam" => {
                    if arn.resource == "root" {
                        return Ok(PrincipalId::Root { account });
                    }
                    if let Some(rest) = arn.resource.strip_prefix("user/") {
                        let name = rest.rsplit('/').next().unwrap_or(rest).to_string();
                        return Ok(PrincipalId::User {
                            arn: s.to_string(),
                            account,
                            name,
                        });
                    }
                    if let Some(rest) = arn.resource.strip_prefix("role/") {
                        let role_name = rest.rsplit('/').next().unwrap_or(rest).to_string();
                        return Ok(PrincipalId::RoleSession {
                            role_arn: s.to_string(),
                            account,
                            role_name,
                            session: None,
                        });
                    }
                    if arn.resource.starts_with("saml-provider/")
                        || arn.resource.starts_with("oidc-provider/")
                    {
                        return Ok(PrincipalId::Federated {
                            provider: s.to_string(),
                        });
                    }
                    Err(format!(
                        "`{s}` is not a principal: expected an IAM user, role, root or identity provider ARN"
                    ))
                }
                "sts" => {
                    if let Some(rest) = arn.resource.strip_prefix("assumed-role/") {
                        let (role_name, session) = rest.split_once('/').ok_or_else(|| {
                            format!("`{s}`: an assumed-role ARN is assumed-role/ROLE/SESSION")
                        })?;
                        return Ok(PrincipalId::RoleSession {
                            role_arn: format!(
                                "arn:{}:iam::{}:role/{}",
                                arn.partition, arn.account, role_name
                            ),
                            account,
                            role_name: role_name.to_string(),
                            session: Some(session.to_string()),
                        });
                    }
                    if let Some(name) = arn.resource.strip_prefix("federated-user/") {
                        return Ok(PrincipalId::FederatedUser {
                            arn: s.to_string(),
                            account,
                            name: name.to_string(),
                        });
                    }
                    Err(format!("`{s}` is not an STS principal ARN"))
                }
                _ => Err(format!(
                    "`{s}` is not a principal ARN (service `{}`)",
                    arn.service
                )),
            }
        } else if s.ends_with(".amazonaws.com")
            || s.ends_with(".amazonaws.com.cn")
            || s.ends_with(".amazon.com")
        {
            if s == "cognito-identity.amazonaws.com" {
                Ok(PrincipalId::Federated {
                    provider: s.to_string(),
                })
            } else {
                Ok(PrincipalId::Service {
                    name: s.to_string(),
                })
            }
        } else if matches!(
            s,
            "accounts.google.com" | "graph.facebook.com" | "www.amazon.com"
        ) {
            Ok(PrincipalId::Federated {
                provider: s.to_string(),
            })
        } else if crate::ast::is_account_id(s) {
            Ok(PrincipalId::Root {
                account: s.to_string(),
            })
        } else {
            Err(format!(
                "`{s}` is not a principal: expected an ARN, a service principal such as lambda.amazonaws.com, or \"anonymous\""
            ))
        }
    }

    /// The account the principal belongs to (None for services, providers and anonymous).
    pub fn account(&self) -> Option<&str> {
        match self {
            PrincipalId::User { account, .. }
            | PrincipalId::RoleSession { account, .. }
            | PrincipalId::Root { account }
            | PrincipalId::FederatedUser { account, .. } => Some(account),
            PrincipalId::Federated { provider } => Arn::parse(provider).map(|a| a.account),
            PrincipalId::Service { .. } | PrincipalId::Anonymous => None,
        }
    }

    /// The value of `aws:PrincipalArn`: the user, role (not session) or root ARN.
    pub fn principal_arn(&self) -> Option<String> {
        match self {
            PrincipalId::User { arn, .. } | PrincipalId::FederatedUser { arn, .. } => {
                Some(arn.clone())
            }
            PrincipalId::RoleSession { role_arn, .. } => Some(role_arn.clone()),
            PrincipalId::Root { account } => Some(format!("arn:aws:iam::{account}:root")),
            _ => None,
        }
    }

    /// The value of `aws:PrincipalType`.
    pub fn principal_type(&self) -> &'static str {
        match self {
            PrincipalId::User { .. } => "User",
            PrincipalId::RoleSession { .. } => "AssumedRole",
            PrincipalId::Root { .. } => "Account",
            PrincipalId::FederatedUser { .. } => "FederatedUser",
            PrincipalId::Service { .. } => "AWSService",
            PrincipalId::Federated { .. } => "WebIdentityUser",
            PrincipalId::Anonymous => "Anonymous",
        }
    }

    /// Whether this caller carries IAM identity policies that AWS evaluates (users, role
    /// sessions, federated users). Services, providers and anonymous callers have none; the
    /// root user is not limited by identity policies.
    pub fn has_identity_policies(&self) -> bool {
        matches!(
            self,
            PrincipalId::User { .. }
                | PrincipalId::RoleSession { .. }
                | PrincipalId::FederatedUser { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_arns_with_colons_in_resource() {
        let a = Arn::parse("arn:aws:lambda:eu-west-1:123456789012:function:f:1").unwrap();
        assert_eq!(a.service, "lambda");
        assert_eq!(a.resource, "function:f:1");
        assert!(Arn::parse("arn:aws:s3").is_none());
        assert!(Arn::parse("arn:aws:s3::").is_none());
        let a = Arn::parse("arn:aws:s3:::").unwrap();
        assert_eq!(a.segments(), ["aws", "s3", "", "", ""]);
        assert!(Arn::parse("s3:::bucket").is_none());
    }

    #[test]
    fn principal_kinds() {
        let p = PrincipalId::parse("arn:aws:sts::111122223333:assumed-role/Dev/alice").unwrap();
        assert_eq!(
            p.principal_arn().unwrap(),
            "arn:aws:iam::111122223333:role/Dev"
        );
        assert_eq!(p.principal_type(), "AssumedRole");
        let p = PrincipalId::parse("arn:aws:iam::111122223333:role/team/Dev").unwrap();
        match p {
            PrincipalId::RoleSession { role_name, .. } => assert_eq!(role_name, "Dev"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            PrincipalId::parse("lambda.amazonaws.com").unwrap(),
            PrincipalId::Service { .. }
        ));
        assert!(matches!(
            PrincipalId::parse("anonymous").unwrap(),
            PrincipalId::Anonymous
        ));
        assert!(PrincipalId::parse("arn:aws:s3:::bucket").is_err());
        assert!(PrincipalId::parse("bob").is_err());
    }
}
