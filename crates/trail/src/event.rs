//! CloudTrail records: the narrow typed view of a record (borrowed from the file's bytes), and
//! the role-assumption event extracted from the few records that are one.
//!
//! Every record of a file is deserialized into [`RawRecord`], whose nested objects are kept as
//! raw JSON (`&RawValue`, no allocation) and whose string fields accept any JSON value: a
//! record of another service with an unusual shape never stops the file. Only STS and console
//! sign-in records are looked at further ([`extract`]).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

/// A string field that tolerates any JSON value (anything but a string reads as `None`).
#[derive(Debug, Default, Clone)]
pub struct Text<'a>(pub Option<Cow<'a, str>>);

impl<'a> Text<'a> {
    pub fn as_str(&self) -> Option<&str> {
        self.0.as_deref().filter(|s| !s.is_empty())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Some(Cow::Owned(v))))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// The fields of a CloudTrail record trustgate reads. Field names are CloudTrail's
/// (`eventTime`…), with the lower-case aliases of Athena/Trino exports (`eventtime`…).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawRecord<'a> {
    #[serde(borrow, default, alias = "eventtime")]
    pub event_time: Text<'a>,
    #[serde(borrow, default, alias = "eventsource")]
    pub event_source: Text<'a>,
    #[serde(borrow, default, alias = "eventname")]
    pub event_name: Text<'a>,
    #[serde(borrow, default, alias = "awsregion")]
    pub aws_region: Text<'a>,
    #[serde(borrow, default, rename = "sourceIPAddress", alias = "sourceipaddress")]
    pub source_ip_address: Text<'a>,
    #[serde(borrow, default, alias = "useragent")]
    pub user_agent: Text<'a>,
    #[serde(borrow, default, alias = "errorcode")]
    pub error_code: Text<'a>,
    #[serde(borrow, default, alias = "recipientaccountid")]
    pub recipient_account_id: Text<'a>,
    #[serde(borrow, default, alias = "vpcendpointid")]
    pub vpc_endpoint_id: Text<'a>,
    #[serde(borrow, default, alias = "useridentity")]
    pub user_identity: Option<&'a RawValue>,
    #[serde(borrow, default, alias = "requestparameters")]
    pub request_parameters: Option<&'a RawValue>,
    #[serde(borrow, default, alias = "responseelements")]
    pub response_elements: Option<&'a RawValue>,
    #[serde(borrow, default, alias = "additionaleventdata")]
    pub additional_event_data: Option<&'a RawValue>,
    /// A `{"Records": [...]}` wrapper met where a record was expected (JSON Lines files
    /// that hold whole CloudTrail files, one per line).
    #[serde(borrow, default, rename = "Records")]
    pub records: Option<&'a RawValue>,
}

impl RawRecord<'_> {
    /// Whether this looks like a CloudTrail record at all.
    pub fn is_cloudtrail(&self) -> bool {
        self.event_name.as_str().is_some() || self.event_source.as_str().is_some()
    }
}

/// The role-assumption calls trustgate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventName {
    AssumeRole,
    AssumeRoleWithSaml,
    AssumeRoleWithWebIdentity,
    GetFederationToken,
    SwitchRole,
}

impl EventName {
    pub const ALL: [EventName; 5] = [
        EventName::AssumeRole,
        EventName::AssumeRoleWithSaml,
        EventName::AssumeRoleWithWebIdentity,
        EventName::GetFederationToken,
        EventName::SwitchRole,
    ];

    /// The name CloudTrail records.
    pub fn as_str(self) -> &'static str {
        match self {
            EventName::AssumeRole => "AssumeRole",
            EventName::AssumeRoleWithSaml => "AssumeRoleWithSAML",
            EventName::AssumeRoleWithWebIdentity => "AssumeRoleWithWebIdentity",
            EventName::GetFederationToken => "GetFederationToken",
            EventName::SwitchRole => "SwitchRole",
        }
    }

    /// The IAM action the call is authorized as (a console role switch is an AssumeRole).
    pub fn action(self) -> &'static str {
        match self {
            EventName::AssumeRole | EventName::SwitchRole => "sts:AssumeRole",
            EventName::AssumeRoleWithSaml => "sts:AssumeRoleWithSAML",
            EventName::AssumeRoleWithWebIdentity => "sts:AssumeRoleWithWebIdentity",
            EventName::GetFederationToken => "sts:GetFederationToken",
        }
    }

    fn of(source: &str, name: &str) -> Option<EventName> {
        match (source, name) {
            ("sts.amazonaws.com", "AssumeRole") => Some(EventName::AssumeRole),
            ("sts.amazonaws.com", "AssumeRoleWithSAML") => Some(EventName::AssumeRoleWithSaml),
            ("sts.amazonaws.com", "AssumeRoleWithWebIdentity") => {
                Some(EventName::AssumeRoleWithWebIdentity)
            }
            ("sts.amazonaws.com", "GetFederationToken") => Some(EventName::GetFederationToken),
            ("signin.amazonaws.com", "SwitchRole") => Some(EventName::SwitchRole),
            _ => None,
        }
    }
}

/// What kind of principal made the call, as CloudTrail's `userIdentity` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CallerType {
    /// A role session; the caller is the role's ARN (`sessionContext.sessionIssuer.arn`).
    Role,
    User,
    Root,
    /// An AWS service (`invokedBy`), e.g. `lambda.amazonaws.com`.
    Service,
    /// A SAML identity provider (`requestParameters.principalArn`).
    Saml,
    /// An OIDC / web identity provider (its ARN, or its host for Google, Cognito…).
    WebIdentity,
    /// A federated user session (`GetFederationToken` credentials).
    FederatedUser,
    /// Only the caller's unique ID is known (`AROA…`, `AIDA…`; userIdentity type
    /// `AWSAccount`): resolved to an ARN against the snapshot when it knows the ID.
    UniqueId,
    /// Only the caller's account is known.
    Account,
    Unknown,
}

impl CallerType {
    pub const ALL: [CallerType; 10] = [
        CallerType::Role,
        CallerType::User,
        CallerType::Root,
        CallerType::Service,
        CallerType::Saml,
        CallerType::WebIdentity,
        CallerType::FederatedUser,
        CallerType::UniqueId,
        CallerType::Account,
        CallerType::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallerType::Role => "role",
            CallerType::User => "user",
            CallerType::Root => "root",
            CallerType::Service => "service",
            CallerType::Saml => "saml",
            CallerType::WebIdentity => "web-identity",
            CallerType::FederatedUser => "federated-user",
            CallerType::UniqueId => "unique-id",
            CallerType::Account => "account",
            CallerType::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<CallerType> {
        CallerType::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// One role assumption (or federation token, or console role switch), successful or not.
/// Credentials in the response are never read.
#[derive(Debug, Clone, PartialEq)]
pub struct StsEvent {
    /// Seconds since the Unix epoch.
    pub time: i64,
    pub name: EventName,
    /// The role ARN (`requestParameters.roleArn`, `additionalEventData.SwitchTo`), or the
    /// federated user `arn:aws:sts::ACCOUNT:federated-user/NAME` for GetFederationToken.
    pub target: String,
    /// The calling principal, normalized (role sessions as their role's ARN).
    pub caller: String,
    pub caller_type: CallerType,
    pub caller_account: Option<String>,
    /// The requested session name (`roleSessionName`).
    pub session_name: Option<String>,
    /// `errorCode`, or `SwitchRoleFailure` for a failed console switch. None: success.
    pub error_code: Option<String>,
    pub source_ip: Option<String>,
    pub vpc_endpoint: Option<String>,
    pub user_agent: Option<String>,
    pub region: Option<String>,
    /// Whether an External ID was passed (its value is never kept).
    pub external_id: bool,
    pub source_identity: Option<String>,
    /// Session tag keys (values are not kept).
    pub tag_keys: Vec<String>,
    pub duration_seconds: Option<u64>,
    pub recipient_account: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserIdentity {
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default, alias = "principalid")]
    principal_id: Option<String>,
    #[serde(default)]
    arn: Option<String>,
    #[serde(default, alias = "accountid")]
    account_id: Option<String>,
    #[serde(default, alias = "invokedby")]
    invoked_by: Option<String>,
    #[serde(default, alias = "identityprovider")]
    identity_provider: Option<String>,
    #[serde(default, alias = "sessioncontext")]
    session_context: Option<SessionContext>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionContext {
    #[serde(default, alias = "sessionissuer")]
    session_issuer: Option<SessionIssuer>,
}

#[derive(Debug, Default, Deserialize)]
struct SessionIssuer {
    #[serde(default)]
    arn: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RequestParameters {
    #[serde(default)]
    role_arn: Option<String>,
    #[serde(default)]
    role_session_name: Option<String>,
    /// Presence only: the value is a shared secret of a kind and is never kept.
    #[serde(default)]
    external_id: Option<IgnoredAny>,
    #[serde(default)]
    source_identity: Option<String>,
    #[serde(default)]
    tags: Option<Vec<SessionTag>>,
    #[serde(default, deserialize_with = "number_or_string")]
    duration_seconds: Option<u64>,
    /// The SAML provider of an AssumeRoleWithSAML call.
    #[serde(default)]
    principal_arn: Option<String>,
    /// The federated user name of a GetFederationToken call.
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SessionTag {
    #[serde(alias = "Key")]
    key: String,
}

#[derive(Debug, Default, Deserialize)]
struct SwitchRoleData {
    /// The role switched to (a form no published record shows; read for compatibility).
    #[serde(default, rename = "SwitchTo")]
    switch_to: Option<String>,
    /// The principal that switched: the form of the record delivered to the role's account,
    /// whose `userIdentity` is the new role session.
    #[serde(default, rename = "SwitchFrom")]
    switch_from: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct SwitchRoleResponse {
    #[serde(default, rename = "SwitchRole")]
    switch_role: Option<String>,
}

fn number_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum N {
        Num(u64),
        Str(String),
        Float(f64),
    }
    Ok(match Option::<N>::deserialize(d)? {
        None => None,
        Some(N::Num(n)) => Some(n),
        Some(N::Float(f)) if f >= 0.0 => Some(f as u64),
        Some(N::Float(_)) => None,
        Some(N::Str(s)) => s.trim().parse().ok(),
    })
}

/// A nested object of a record: a JSON object, or (Athena/Trino exports) a string holding
/// one. `null` and absent read as the default.
fn nested<T: for<'x> Deserialize<'x> + Default>(
    raw: Option<&RawValue>,
    field: &str,
) -> Result<T, String> {
    let Some(raw) = raw else {
        return Ok(T::default());
    };
    let text = raw.get().trim_start();
    let result = if text.starts_with('"') {
        let inner: String = serde_json::from_str(text).map_err(|e| format!("{field}: {e}"))?;
        if inner.trim().is_empty() || inner.trim() == "null" {
            return Ok(T::default());
        }
        serde_json::from_str::<Option<T>>(&inner)
    } else {
        serde_json::from_str::<Option<T>>(text)
    };
    result
        .map(Option::unwrap_or_default)
        .map_err(|e| format!("{field}: {e}"))
}

/// The account of an ARN (its fifth field), when it has a 12-digit one.
pub fn arn_account(arn: &str) -> Option<&str> {
    let acct = arn.split(':').nth(4)?;
    (acct.len() == 12 && acct.bytes().all(|b| b.is_ascii_digit())).then_some(acct)
}

/// `arn:aws:sts::A:assumed-role/R/S` → `arn:aws:iam::A:role/R` (the path is not in a
/// session ARN; [`StsEvent`] prefers `sessionIssuer.arn`, which has it).
pub fn role_of_session(arn: &str) -> Option<String> {
    let mut parts = arn.splitn(6, ':');
    let (prefix, partition, service, _region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if prefix != "arn" || service != "sts" {
        return None;
    }
    let role = resource.strip_prefix("assumed-role/")?.split('/').next()?;
    Some(format!("arn:{partition}:iam::{account}:role/{role}"))
}

/// The web identity provider from a `principalId`: the provider ARN up to the first `:`
/// after it (`arn:aws:iam::A:oidc-provider/HOST:…`), else the text before the first `:`
/// (`accounts.google.com:…`, `cognito-identity.amazonaws.com:…`). The SQL of
/// [`crate::sql`] derives it with the same pattern.
pub fn web_identity_provider(principal_id: &str) -> &str {
    if let Some(rest) = principal_id.strip_prefix("arn:") {
        // arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST[:…] — five ':' before the resource.
        let mut colons = 0;
        for (i, b) in rest.bytes().enumerate() {
            if b == b':' {
                colons += 1;
                if colons == 5 {
                    return &principal_id[..4 + i];
                }
            }
        }
    }
    principal_id.split(':').next().unwrap_or(principal_id)
}

/// Whether a string looks like an IAM unique ID (`AROA…`, `AIDA…`).
fn is_unique_id(s: &str) -> bool {
    s.len() >= 16
        && s.starts_with('A')
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// The caller of a record: (principal, type, account).
fn caller_of(
    id: &UserIdentity,
    params: &RequestParameters,
) -> (String, CallerType, Option<String>) {
    let account = id.account_id.clone().filter(|a| !a.is_empty());
    let kind = id.kind.as_deref().unwrap_or("");
    let arn = id.arn.as_deref().filter(|a| !a.is_empty());
    match kind {
        "AssumedRole" => {
            let issuer = id
                .session_context
                .as_ref()
                .and_then(|c| c.session_issuer.as_ref())
                .and_then(|i| i.arn.clone())
                .filter(|a| !a.is_empty());
            let role = issuer.or_else(|| arn.and_then(role_of_session));
            match role {
                Some(r) => {
                    let acct = account.or_else(|| arn_account(&r).map(str::to_string));
                    (r, CallerType::Role, acct)
                }
                None => (
                    arn.unwrap_or("unknown").to_string(),
                    CallerType::Unknown,
                    account,
                ),
            }
        }
        "IAMUser" => match arn {
            Some(a) => (a.to_string(), CallerType::User, account),
            None => unique_or_account(id, account),
        },
        "Root" => {
            let a = match (arn, &account) {
                (Some(a), _) => a.to_string(),
                (None, Some(acct)) => format!("arn:aws:iam::{acct}:root"),
                (None, None) => "unknown".to_string(),
            };
            (a, CallerType::Root, account)
        }
        "AWSService" => (
            id.invoked_by
                .clone()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "unknown".into()),
            CallerType::Service,
            None,
        ),
        "SAMLUser" => {
            let provider = params
                .principal_arn
                .clone()
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| "unknown".into());
            let acct = arn_account(&provider).map(str::to_string);
            (provider, CallerType::Saml, acct)
        }
        "WebIdentityUser" => {
            let provider = id
                .identity_provider
                .clone()
                .filter(|p| !p.is_empty())
                .or_else(|| {
                    id.principal_id
                        .as_deref()
                        .map(|p| web_identity_provider(p).to_string())
                })
                .unwrap_or_else(|| "unknown".into());
            let acct = arn_account(&provider).map(str::to_string);
            (provider, CallerType::WebIdentity, acct)
        }
        "FederatedUser" => (
            arn.unwrap_or("unknown").to_string(),
            CallerType::FederatedUser,
            account,
        ),
        "AWSAccount" => unique_or_account(id, account),
        _ => match arn {
            Some(a) => (a.to_string(), CallerType::Unknown, account),
            None => unique_or_account(id, account),
        },
    }
}

fn unique_or_account(
    id: &UserIdentity,
    account: Option<String>,
) -> (String, CallerType, Option<String>) {
    let unique = id
        .principal_id
        .as_deref()
        .map(|p| p.split(':').next().unwrap_or(p))
        .filter(|u| is_unique_id(u));
    match (unique, &account) {
        (Some(u), _) => (format!("unique-id:{u}"), CallerType::UniqueId, account),
        (None, Some(a)) => (format!("account:{a}"), CallerType::Account, account),
        (None, None) => ("unknown".into(), CallerType::Unknown, None),
    }
}

/// A principal named by its ARN alone (a console switch's `SwitchFrom`): (principal, type,
/// account), a role session as its role's ARN.
fn principal_of_arn(arn: &str) -> (String, CallerType, Option<String>) {
    let account = arn_account(arn).map(str::to_string);
    if let Some(role) = role_of_session(arn) {
        return (role, CallerType::Role, account);
    }
    let resource = arn.splitn(6, ':').nth(5).unwrap_or("");
    let ty = if resource == "root" {
        CallerType::Root
    } else if resource.starts_with("user/") {
        CallerType::User
    } else if resource.starts_with("federated-user/") {
        CallerType::FederatedUser
    } else {
        CallerType::Unknown
    };
    (arn.to_string(), ty, account)
}

/// The event in a record, if it is one trustgate reads. `Ok(None)`: another kind of record.
/// `Err`: an STS or sign-in record that lacks what identifies the call (the message names
/// the field).
pub fn extract(raw: &RawRecord<'_>) -> Result<Option<StsEvent>, String> {
    Ok(extract_call(raw)?.map(|(event, _)| event))
}

/// [`extract`], and whether the event counts as a call. A successful console switch
/// recorded in the role's account (`SwitchFrom`) does not: the console makes the switch with
/// an STS `AssumeRole` call, recorded too and counted; the `SwitchRole` record adds the
/// browser's address and user agent (the `AssumeRole` shows `AWS Internal`) and marks the
/// pair as used from the console.
pub fn extract_call(raw: &RawRecord<'_>) -> Result<Option<(StsEvent, bool)>, String> {
    let (Some(source), Some(name)) = (raw.event_source.as_str(), raw.event_name.as_str()) else {
        return Ok(None);
    };
    let Some(name) = EventName::of(source, name) else {
        return Ok(None);
    };
    let time_text = raw
        .event_time
        .as_str()
        .ok_or_else(|| format!("{}: no eventTime", name.as_str()))?;
    let time = parse_time(time_text)
        .ok_or_else(|| format!("{}: eventTime `{time_text}` is not a time", name.as_str()))?;
    let identity: UserIdentity = nested(raw.user_identity, "userIdentity")?;
    let params: RequestParameters = nested(raw.request_parameters, "requestParameters")?;
    let mut error_code = raw.error_code.as_str().map(str::to_string);
    let (mut caller, mut caller_type, mut caller_account) = caller_of(&identity, &params);
    let mut counted = true;
    let target = match name {
        EventName::SwitchRole => {
            let data: SwitchRoleData = nested(raw.additional_event_data, "additionalEventData")?;
            let response: SwitchRoleResponse = nested(raw.response_elements, "responseElements")?;
            if error_code.is_none() && response.switch_role.as_deref() != Some("Success") {
                error_code = Some("SwitchRoleFailure".into());
            }
            let switch_to = data.switch_to.filter(|s| !s.is_empty());
            let switch_from = data.switch_from.filter(|s| !s.is_empty());
            match (switch_to, switch_from) {
                (Some(to), _) => to,
                (None, Some(from)) => {
                    // The role's account's record: the identity is the new session.
                    let role = (caller_type == CallerType::Role)
                        .then(|| caller.clone())
                        .ok_or_else(|| {
                            "SwitchRole: additionalEventData.SwitchFrom without a role session in userIdentity (the role switched to)".to_string()
                        })?;
                    (caller, caller_type, caller_account) = principal_of_arn(&from);
                    counted = error_code.is_some();
                    role
                }
                (None, None) => {
                    return Err("SwitchRole: no additionalEventData.SwitchFrom or SwitchTo (who switched to which role)".to_string())
                }
            }
        }
        EventName::GetFederationToken => {
            let user = params
                .name
                .clone()
                .filter(|s| !s.is_empty())
                .ok_or_else(|| {
                    "GetFederationToken: no requestParameters.name (the federated user)".to_string()
                })?;
            let acct = caller_account
                .clone()
                .or_else(|| raw.recipient_account_id.as_str().map(str::to_string))
                .unwrap_or_default();
            format!("arn:aws:sts::{acct}:federated-user/{user}")
        }
        _ => params
            .role_arn
            .clone()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| format!("{}: no requestParameters.roleArn", name.as_str()))?,
    };
    let event = StsEvent {
        time,
        name,
        target,
        caller,
        caller_type,
        caller_account,
        session_name: params.role_session_name.filter(|s| !s.is_empty()),
        error_code,
        source_ip: raw.source_ip_address.as_str().map(str::to_string),
        vpc_endpoint: raw.vpc_endpoint_id.as_str().map(str::to_string),
        user_agent: raw.user_agent.as_str().map(str::to_string),
        region: raw.aws_region.as_str().map(str::to_string),
        external_id: params.external_id.is_some(),
        source_identity: params.source_identity.filter(|s| !s.is_empty()),
        tag_keys: params
            .tags
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.key)
            .collect(),
        duration_seconds: params.duration_seconds,
        recipient_account: raw.recipient_account_id.as_str().map(str::to_string),
    };
    Ok(Some((event, counted)))
}

/// Days from 1970-01-01 to a civil date (proleptic Gregorian), Howard Hinnant's algorithm.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An event time: CloudTrail's `2026-10-01T12:00:00Z` (fast path), any RFC 3339 time, or a
/// zone-less `2026-10-01 12:00:00.000` (CloudTrail Lake, Athena), taken as UTC.
pub fn parse_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() == 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'Z'
    {
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let mut n = 0i64;
            for &c in &b[r] {
                if !c.is_ascii_digit() {
                    return None;
                }
                n = n * 10 + i64::from(c - b'0');
            }
            Some(n)
        };
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if (1..=12).contains(&mo) && (1..=31).contains(&d) && h < 24 && mi < 60 && se < 61 {
            return Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se);
        }
        return None;
    }
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Some(t.as_second());
    }
    s.parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|dt| dt.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp().as_second())
}

/// Seconds since the epoch as CloudTrail writes times (`2026-10-01T12:00:00Z`).
pub fn format_time(t: i64) -> String {
    match jiff::Timestamp::from_second(t) {
        Ok(ts) => ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Err(_) => t.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(json: &str) -> Result<Option<StsEvent>, String> {
        let raw: RawRecord = serde_json::from_str(json).unwrap();
        extract(&raw)
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_time("2026-10-01T12:30:05Z"), Some(1_790_857_805));
        assert_eq!(parse_time("2026-10-01T12:30:05.123Z"), Some(1_790_857_805));
        assert_eq!(parse_time("2026-10-01 12:30:05.000"), Some(1_790_857_805));
        assert_eq!(parse_time("2026-10-01T14:30:05+02:00"), Some(1_790_857_805));
        assert_eq!(parse_time("2026-13-01T12:30:05Z"), None);
        assert_eq!(parse_time("yesterday"), None);
        assert_eq!(format_time(1_790_857_805), "2026-10-01T12:30:05Z");
    }

    #[test]
    fn assume_role_by_a_role_session() {
        let e = record(
            r#"{"eventVersion":"1.08","eventTime":"2026-10-01T12:00:00Z","eventSource":"sts.amazonaws.com",
            "eventName":"AssumeRole","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2",
            "userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE111111111:ci","arn":"arn:aws:sts::100000000003:assumed-role/ci-deployer/run-1",
              "accountId":"100000000003","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::100000000003:role/ci/ci-deployer"}}},
            "requestParameters":{"roleArn":"arn:aws:iam::100000000004:role/deploy","roleSessionName":"deploy-1","externalId":"s3cret",
              "durationSeconds":900,"tags":[{"key":"team","value":"x"}],"sourceIdentity":"alice"},
            "responseElements":{"credentials":{"accessKeyId":"ASIA...","sessionToken":"x"}},
            "recipientAccountId":"100000000004","sharedEventID":"abc"}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(e.caller, "arn:aws:iam::100000000003:role/ci/ci-deployer");
        assert_eq!(e.caller_type, CallerType::Role);
        assert_eq!(e.target, "arn:aws:iam::100000000004:role/deploy");
        assert!(e.external_id);
        assert_eq!(e.tag_keys, vec!["team"]);
        assert_eq!(e.duration_seconds, Some(900));
        assert_eq!(e.source_identity.as_deref(), Some("alice"));
        assert_eq!(e.error_code, None);
        assert!(
            !format!("{e:?}").contains("s3cret"),
            "External ID values are not kept"
        );
    }

    #[test]
    fn athena_lower_case_with_string_parameters() {
        let e = record(
            r#"{"eventtime":"2026-10-01 12:00:00.000","eventsource":"sts.amazonaws.com","eventname":"AssumeRole",
            "useridentity":{"type":"IAMUser","arn":"arn:aws:iam::100000000002:user/alice","accountid":"100000000002"},
            "requestparameters":"{\"roleArn\":\"arn:aws:iam::100000000004:role/dev\",\"roleSessionName\":\"alice\",\"durationSeconds\":\"3600\"}",
            "errorcode":"AccessDenied"}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(e.caller, "arn:aws:iam::100000000002:user/alice");
        assert_eq!(e.target, "arn:aws:iam::100000000004:role/dev");
        assert_eq!(e.duration_seconds, Some(3600));
        assert_eq!(e.error_code.as_deref(), Some("AccessDenied"));
    }

    #[test]
    fn federated_service_console_and_unknown_callers() {
        let saml = record(r#"{"eventTime":"2026-10-01T12:00:00Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRoleWithSAML",
            "userIdentity":{"type":"SAMLUser","principalId":"x:y","identityProvider":"opaque"},
            "requestParameters":{"roleArn":"arn:aws:iam::100000000002:role/sso","principalArn":"arn:aws:iam::100000000002:saml-provider/IdP"}}"#).unwrap().unwrap();
        assert_eq!(saml.caller, "arn:aws:iam::100000000002:saml-provider/IdP");
        assert_eq!(saml.caller_account.as_deref(), Some("100000000002"));
        let oidc = record(r#"{"eventTime":"2026-10-01T12:00:00Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRoleWithWebIdentity",
            "userIdentity":{"type":"WebIdentityUser","principalId":"arn:aws:iam::100000000003:oidc-provider/token.actions.githubusercontent.com:sts.amazonaws.com:repo:o/r:ref:refs/heads/main"},
            "requestParameters":{"roleArn":"arn:aws:iam::100000000003:role/gha"}}"#).unwrap().unwrap();
        assert_eq!(
            oidc.caller,
            "arn:aws:iam::100000000003:oidc-provider/token.actions.githubusercontent.com"
        );
        assert_eq!(
            web_identity_provider("accounts.google.com:app:user"),
            "accounts.google.com"
        );
        let svc = record(r#"{"eventTime":"2026-10-01T12:00:00Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole",
            "userIdentity":{"type":"AWSService","invokedBy":"lambda.amazonaws.com"},"sourceIPAddress":"lambda.amazonaws.com",
            "requestParameters":{"roleArn":"arn:aws:iam::100000000004:role/app-api","roleSessionName":"fn"}}"#).unwrap().unwrap();
        assert_eq!(
            (svc.caller.as_str(), svc.caller_type),
            ("lambda.amazonaws.com", CallerType::Service)
        );
        let switch = record(r#"{"eventTime":"2026-10-01T12:00:00Z","eventSource":"signin.amazonaws.com","eventName":"SwitchRole",
            "userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::100000000002:user/bob","accountId":"100000000002"},
            "requestParameters":null,"responseElements":{"SwitchRole":"Failure"},
            "additionalEventData":{"SwitchTo":"arn:aws:iam::100000000004:role/dev"}}"#).unwrap().unwrap();
        assert_eq!(switch.error_code.as_deref(), Some("SwitchRoleFailure"));
        assert_eq!(switch.target, "arn:aws:iam::100000000004:role/dev");
        let other = record(r#"{"eventTime":"2026-10-01T12:00:00Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole",
            "userIdentity":{"type":"AWSAccount","principalId":"AROAEXAMPLE111111111:s","accountId":"999988887777"},
            "requestParameters":{"roleArn":"arn:aws:iam::100000000004:role/x"}}"#).unwrap().unwrap();
        assert_eq!(other.caller, "unique-id:AROAEXAMPLE111111111");
        let fed = record(r#"{"eventTime":"2026-10-01T12:00:00Z","eventSource":"sts.amazonaws.com","eventName":"GetFederationToken",
            "userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::100000000002:user/bob","accountId":"100000000002"},
            "requestParameters":{"name":"bob-fed"}}"#).unwrap().unwrap();
        assert_eq!(
            fed.target,
            "arn:aws:sts::100000000002:federated-user/bob-fed"
        );
    }

    /// A console switch as published copies of real logs show it (names changed): in the
    /// role's account, the new session as the identity and `SwitchFrom`; the call itself is
    /// the `AssumeRole` recorded with it, so this record is not counted as a call.
    #[test]
    fn console_switch_recorded_in_the_roles_account() {
        let raw: RawRecord = serde_json::from_str(
            r#"{"eventVersion":"1.05","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLEROLE00001:bob@example.com",
            "arn":"arn:aws:sts::222222222222:assumed-role/admin-role/bob@example.com","accountId":"222222222222"},
            "eventTime":"2020-09-17T19:04:10Z","eventSource":"signin.amazonaws.com","eventName":"SwitchRole","awsRegion":"us-east-1",
            "sourceIPAddress":"198.51.100.15","userAgent":"Mozilla/5.0","requestParameters":null,"responseElements":{"SwitchRole":"Success"},
            "additionalEventData":{"SwitchFrom":"arn:aws:iam::111111111111:user/bob@example.com","RedirectTo":"https://console.aws.amazon.com/console/home"},
            "eventID":"70627092-0c9c-4163-9975-42ffcc50a37a","eventType":"AwsConsoleSignIn","recipientAccountId":"222222222222"}"#,
        )
        .unwrap();
        let (e, counted) = extract_call(&raw).unwrap().unwrap();
        assert!(!counted);
        assert_eq!(e.target, "arn:aws:iam::222222222222:role/admin-role");
        assert_eq!(
            (
                e.caller.as_str(),
                e.caller_type,
                e.caller_account.as_deref()
            ),
            (
                "arn:aws:iam::111111111111:user/bob@example.com",
                CallerType::User,
                Some("111111111111")
            )
        );
        assert_eq!(e.source_ip.as_deref(), Some("198.51.100.15"));
        assert_eq!(e.error_code, None);
        // From a role session: the caller is the role.
        let from_role = r#"{"eventTime":"2020-04-30T11:08:31Z","eventSource":"signin.amazonaws.com","eventName":"SwitchRole",
            "userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLEROLE00002:me","arn":"arn:aws:sts::222222222222:assumed-role/AdminRole/me","accountId":"222222222222"},
            "responseElements":{"SwitchRole":"Failure"},
            "additionalEventData":{"SwitchFrom":"arn:aws:sts::111111111111:assumed-role/Admin/me"}}"#;
        let raw: RawRecord = serde_json::from_str(from_role).unwrap();
        let (e, counted) = extract_call(&raw).unwrap().unwrap();
        assert_eq!(e.caller, "arn:aws:iam::111111111111:role/Admin");
        assert_eq!(e.caller_type, CallerType::Role);
        assert_eq!(e.error_code.as_deref(), Some("SwitchRoleFailure"));
        assert!(
            counted,
            "a failed switch is counted: whether STS records it is not known"
        );
        // Neither SwitchFrom nor SwitchTo: reported.
        let e = record(
            r#"{"eventTime":"2020-04-30T11:08:31Z","eventSource":"signin.amazonaws.com","eventName":"SwitchRole",
            "userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/x"},"additionalEventData":{"RedirectTo":"x"}}"#,
        );
        assert!(e.unwrap_err().contains("SwitchFrom"));
    }

    #[test]
    fn other_records_and_malformed_sts_records() {
        assert_eq!(
            record(
                r#"{"eventSource":"s3.amazonaws.com","eventName":"GetObject","requestParameters":{"tags":5}}"#
            ),
            Ok(None)
        );
        assert_eq!(record(r#"{"eventSource":7,"eventName":["x"]}"#), Ok(None));
        let e = record(
            r#"{"eventTime":"2026-10-01T12:00:00Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","requestParameters":{}}"#,
        );
        assert!(e.unwrap_err().contains("roleArn"));
        let e = record(
            r#"{"eventTime":"noon","eventSource":"sts.amazonaws.com","eventName":"AssumeRole"}"#,
        );
        assert!(e.unwrap_err().contains("eventTime"));
        let e = record(
            r#"{"eventTime":"2026-10-01T12:00:00Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","requestParameters":{"roleArn":5}}"#,
        );
        assert!(e.unwrap_err().contains("requestParameters"));
        assert_eq!(
            role_of_session("arn:aws:sts::1:assumed-role/R/s").as_deref(),
            Some("arn:aws:iam::1:role/R")
        );
    }
}
