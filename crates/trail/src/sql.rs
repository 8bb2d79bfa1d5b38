//! The aggregation as SQL for Athena (engine v3) or Trino, over the standard CloudTrail table
//! (the one AWS documents for Athena: `useridentity` as a struct, `requestparameters`,
//! `responseelements` and `additionaleventdata` as JSON strings). Its result, saved as CSV
//! (Athena's format) or JSON Lines, is what [`crate::results::read_results`] reads back.
//!
//! The SQL derives every field the way [`crate::event::extract`] does (same caller
//! normalization, same networks, same caps on lists), so reading logs locally and reading
//! the SQL's result give the same usage. Where the table lacks a field the local reader
//! uses, the SQL says so in a comment.

use crate::aggregate::{CAP_NETWORKS, CAP_SESSION_NAMES, CAP_SMALL, CAP_SOURCE_IPS, CAP_TAG_KEYS};

/// Whether a table name is safe to splice into SQL: `name`, `db.name`, `catalog.db.name`,
/// each part letters, digits and `_` (or a double-quoted identifier without quotes in it).
pub fn valid_table_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|part| {
            let quoted = part.len() >= 2 && part.starts_with('"') && part.ends_with('"');
            if quoted {
                !part[1..part.len() - 1].contains('"') && part.len() > 2
            } else {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            }
        })
}

/// The SQL. `window_seconds`: the length of the windows failed calls are counted in.
pub fn aggregation_sql(table: &str, window_seconds: i64) -> String {
    let w = window_seconds.max(1);
    let cap = |n: usize| n + 1;
    format!(
        r#"-- trustgate trail: role assumptions per (role, caller) and failed calls per time window,
-- from the standard CloudTrail table. Run it in Athena (engine v3) or Trino, save the result
-- as CSV (Athena's download) or JSON Lines, and read it back with
--   trustgate trail SNAPSHOT --results RESULT.csv
-- Add a predicate on your table's partition columns (e.g. a date range) to limit the scan.
WITH raw AS (
  SELECT
    TRY(from_iso8601_timestamp(eventtime)) AS ts,
    eventname AS event_name,
    CASE
      -- A console switch: SwitchTo names the role; in the record delivered to the role's
      -- account, SwitchFrom names who switched and the identity is the new role session.
      WHEN eventname = 'SwitchRole' THEN COALESCE(
        NULLIF(json_extract_scalar(additionaleventdata, '$.SwitchTo'), ''),
        IF(NULLIF(json_extract_scalar(additionaleventdata, '$.SwitchFrom'), '') IS NOT NULL
           AND useridentity.type = 'AssumedRole',
          COALESCE(NULLIF(useridentity.sessioncontext.sessionissuer.arn, ''),
            IF(regexp_like(COALESCE(useridentity.arn, ''), '^arn:[^:]+:sts::[^:]*:assumed-role/[^/]+'),
               regexp_replace(useridentity.arn, '^arn:([^:]+):sts::([^:]*):assumed-role/([^/]+).*$', 'arn:$1:iam::$2:role/$3'))),
          CAST(NULL AS VARCHAR)))
      WHEN eventname = 'GetFederationToken' THEN concat('arn:aws:sts::',
        COALESCE(NULLIF(useridentity.accountid, ''), recipientaccountid, ''),
        ':federated-user/', NULLIF(json_extract_scalar(requestparameters, '$.name'), ''))
      ELSE json_extract_scalar(requestparameters, '$.roleArn')
    END AS target,
    CASE
      WHEN errorcode IS NOT NULL AND errorcode <> '' THEN errorcode
      WHEN eventname = 'SwitchRole'
        AND COALESCE(json_extract_scalar(responseelements, '$.SwitchRole'), '') <> 'Success'
        THEN 'SwitchRoleFailure'
    END AS error_code,
    IF(eventname = 'SwitchRole'
       AND NULLIF(json_extract_scalar(additionaleventdata, '$.SwitchTo'), '') IS NULL,
       NULLIF(json_extract_scalar(additionaleventdata, '$.SwitchFrom'), '')) AS switch_from,
    useridentity.type AS identity_type,
    NULLIF(useridentity.arn, '') AS identity_arn,
    NULLIF(useridentity.accountid, '') AS identity_account,
    NULLIF(useridentity.sessioncontext.sessionissuer.arn, '') AS issuer_arn,
    NULLIF(useridentity.invokedby, '') AS invoked_by,
    useridentity.principalid AS principal_id,
    split_part(COALESCE(useridentity.principalid, ''), ':', 1) AS unique_id,
    NULLIF(json_extract_scalar(requestparameters, '$.principalArn'), '') AS saml_provider,
    NULLIF(json_extract_scalar(requestparameters, '$.roleSessionName'), '') AS session_name,
    json_extract_scalar(requestparameters, '$.externalId') IS NOT NULL AS external_id,
    NULLIF(json_extract_scalar(requestparameters, '$.sourceIdentity'), '') AS source_identity,
    TRY(transform(CAST(json_extract(requestparameters, '$.tags') AS ARRAY(JSON)),
      t -> COALESCE(json_extract_scalar(t, '$.key'), json_extract_scalar(t, '$.Key')))) AS tag_keys,
    TRY_CAST(json_extract_scalar(requestparameters, '$.durationSeconds') AS BIGINT) AS duration_seconds,
    NULLIF(sourceipaddress, '') AS source_ip,
    NULLIF(vpcendpointid, '') AS vpc_endpoint,
    NULLIF(useragent, '') AS user_agent,
    NULLIF(awsregion, '') AS region,
    NULLIF(recipientaccountid, '') AS recipient
  FROM {table}
  WHERE (eventsource = 'sts.amazonaws.com'
         AND eventname IN ('AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'GetFederationToken'))
     OR (eventsource = 'signin.amazonaws.com' AND eventname = 'SwitchRole')
),
callers AS (
  SELECT raw.*,
    -- The caller, normalized as the local reader does: a role session as its role's ARN, a
    -- service by name, a SAML provider by ARN, a web identity provider by ARN or host (from
    -- principalId: the table has no identityProvider column), else the unique ID or account.
    CASE
      WHEN switch_from IS NOT NULL THEN
        IF(regexp_like(switch_from, '^arn:[^:]+:sts::[^:]*:assumed-role/[^/]+'),
           regexp_replace(switch_from, '^arn:([^:]+):sts::([^:]*):assumed-role/([^/]+).*$', 'arn:$1:iam::$2:role/$3'),
           switch_from)
      WHEN identity_type = 'AssumedRole' THEN
        COALESCE(issuer_arn,
          IF(regexp_like(COALESCE(identity_arn, ''), '^arn:[^:]+:sts::[^:]*:assumed-role/[^/]+'),
             regexp_replace(identity_arn, '^arn:([^:]+):sts::([^:]*):assumed-role/([^/]+).*$', 'arn:$1:iam::$2:role/$3'),
             COALESCE(identity_arn, 'unknown')))
      WHEN identity_type = 'IAMUser' AND identity_arn IS NOT NULL THEN identity_arn
      WHEN identity_type = 'Root' THEN
        COALESCE(identity_arn, concat('arn:aws:iam::', identity_account, ':root'), 'unknown')
      WHEN identity_type = 'AWSService' THEN COALESCE(invoked_by, 'unknown')
      WHEN identity_type = 'SAMLUser' THEN COALESCE(saml_provider, 'unknown')
      WHEN identity_type = 'WebIdentityUser' THEN COALESCE(
        NULLIF(regexp_extract(COALESCE(principal_id, ''), '^(arn:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*|[^:]*)', 1), ''),
        'unknown')
      WHEN identity_type = 'FederatedUser' THEN COALESCE(identity_arn, 'unknown')
      WHEN identity_type NOT IN ('IAMUser', 'AWSAccount') AND identity_arn IS NOT NULL THEN identity_arn
      WHEN regexp_like(unique_id, '^A[A-Z0-9]{{15,}}$') THEN concat('unique-id:', unique_id)
      WHEN identity_account IS NOT NULL THEN concat('account:', identity_account)
      ELSE 'unknown'
    END AS caller,
    CASE
      WHEN switch_from IS NOT NULL THEN CASE
        WHEN regexp_like(switch_from, '^arn:[^:]+:sts::[^:]*:assumed-role/[^/]+') THEN 'role'
        WHEN regexp_like(switch_from, '^[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:root$') THEN 'root'
        WHEN regexp_like(switch_from, '^[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:user/') THEN 'user'
        WHEN regexp_like(switch_from, '^[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:federated-user/') THEN 'federated-user'
        ELSE 'unknown'
      END
      WHEN identity_type = 'AssumedRole' THEN
        IF(issuer_arn IS NOT NULL
           OR regexp_like(COALESCE(identity_arn, ''), '^arn:[^:]+:sts::[^:]*:assumed-role/[^/]+'),
           'role', 'unknown')
      WHEN identity_type = 'IAMUser' AND identity_arn IS NOT NULL THEN 'user'
      WHEN identity_type = 'Root' THEN 'root'
      WHEN identity_type = 'AWSService' THEN 'service'
      WHEN identity_type = 'SAMLUser' THEN 'saml'
      WHEN identity_type = 'WebIdentityUser' THEN 'web-identity'
      WHEN identity_type = 'FederatedUser' THEN 'federated-user'
      WHEN identity_type NOT IN ('IAMUser', 'AWSAccount') AND identity_arn IS NOT NULL THEN 'unknown'
      WHEN regexp_like(unique_id, '^A[A-Z0-9]{{15,}}$') THEN 'unique-id'
      WHEN identity_account IS NOT NULL THEN 'account'
      ELSE 'unknown'
    END AS caller_type
  FROM raw
  WHERE ts IS NOT NULL AND target IS NOT NULL AND target <> ''
),
events AS (
  SELECT callers.*,
    CASE
      WHEN switch_from IS NOT NULL THEN
        regexp_extract(switch_from, '^[^:]*:[^:]*:[^:]*:[^:]*:([0-9]{{12}})(:.*)?$', 1)
      WHEN caller_type = 'service' THEN CAST(NULL AS VARCHAR)
      WHEN caller_type IN ('saml', 'web-identity') THEN
        regexp_extract(caller, '^[^:]*:[^:]*:[^:]*:[^:]*:([0-9]{{12}})(:.*)?$', 1)
      WHEN caller_type = 'role' THEN COALESCE(identity_account,
        regexp_extract(caller, '^[^:]*:[^:]*:[^:]*:[^:]*:([0-9]{{12}})(:.*)?$', 1))
      WHEN caller_type = 'unknown' AND identity_type = 'AssumedRole' THEN identity_account
      ELSE identity_account
    END AS caller_account,
    CASE
      WHEN recipient IS NOT NULL
        AND regexp_extract(target, '^[^:]*:[^:]*:[^:]*:[^:]*:([0-9]{{12}})(:.*)?$', 1) IS NOT NULL
        AND recipient <> regexp_extract(target, '^[^:]*:[^:]*:[^:]*:[^:]*:([0-9]{{12}})(:.*)?$', 1)
        THEN 'caller'
      ELSE 'target'
    END AS side,
    -- A successful switch recorded in the role's account is not counted as a call: the
    -- console made it with an AssumeRole call, recorded too.
    NOT (switch_from IS NOT NULL AND error_code IS NULL) AS counted,
    -- The network of a call: its VPC endpoint, else the /24 (IPv4) or /48 (IPv6) of its
    -- source address; NULL for service names such as lambda.amazonaws.com.
    COALESCE(vpc_endpoint, CAST(ip_prefix(TRY_CAST(source_ip AS IPADDRESS),
      IF(strpos(COALESCE(source_ip, ''), ':') > 0, 48, 24)) AS VARCHAR)) AS network
  FROM callers
),
networks AS (
  SELECT target, caller, side,
    slice(array_sort(array_agg(concat(network, ' ', to_iso8601(first_ok)))), 1, {cap_networks}) AS networks
  FROM (
    SELECT target, caller, side, network, min(ts) AS first_ok
    FROM events
    WHERE error_code IS NULL AND network IS NOT NULL
    GROUP BY target, caller, side, network
  ) AS per_network
  GROUP BY target, caller, side
),
pairs AS (
  SELECT target, caller, caller_type, caller_account, side,
    count_if(counted AND error_code IS NULL) AS successes,
    count_if(counted AND error_code IS NOT NULL) AS failures,
    count_if(counted AND error_code = 'AccessDenied') AS access_denied,
    count_if(event_name = 'AssumeRole') AS assume_role,
    count_if(event_name = 'AssumeRoleWithSAML') AS assume_role_with_saml,
    count_if(event_name = 'AssumeRoleWithWebIdentity') AS assume_role_with_web_identity,
    count_if(event_name = 'GetFederationToken') AS get_federation_token,
    count_if(event_name = 'SwitchRole') AS switch_role,
    count_if(counted AND external_id) AS with_external_id,
    count_if(counted AND external_id AND error_code IS NULL) AS external_id_successes,
    min(ts) AS first_seen,
    max(ts) AS last_seen,
    min(ts) FILTER (WHERE error_code IS NULL) AS first_success,
    max(ts) FILTER (WHERE error_code IS NULL) AS last_success,
    max(duration_seconds) AS max_duration_seconds,
    slice(array_sort(array_agg(DISTINCT session_name) FILTER (WHERE session_name IS NOT NULL)), 1, {cap_sessions}) AS session_names,
    slice(array_sort(array_agg(DISTINCT source_ip) FILTER (WHERE source_ip IS NOT NULL)), 1, {cap_ips}) AS source_ips,
    slice(array_sort(array_agg(DISTINCT user_agent) FILTER (WHERE user_agent IS NOT NULL)), 1, {cap_small}) AS user_agents,
    slice(array_sort(array_agg(DISTINCT source_identity) FILTER (WHERE source_identity IS NOT NULL)), 1, {cap_small}) AS source_identities,
    slice(array_sort(filter(array_distinct(flatten(array_agg(tag_keys) FILTER (WHERE tag_keys IS NOT NULL))), k -> k IS NOT NULL)), 1, {cap_tags}) AS tag_keys,
    slice(array_sort(array_agg(DISTINCT vpc_endpoint) FILTER (WHERE vpc_endpoint IS NOT NULL)), 1, {cap_small}) AS vpc_endpoints,
    slice(array_sort(array_agg(DISTINCT region) FILTER (WHERE region IS NOT NULL)), 1, {cap_small}) AS regions
  FROM events
  GROUP BY target, caller, caller_type, caller_account, side
),
bursts AS (
  SELECT caller, caller_type, caller_account, side,
    CAST(floor(to_unixtime(ts) / {w}) AS BIGINT) * {w} AS window_start,
    count(*) AS failures,
    count_if(error_code = 'AccessDenied') AS access_denied,
    slice(array_sort(array_agg(DISTINCT target)), 1, {cap_small}) AS targets,
    slice(array_sort(array_agg(DISTINCT source_ip) FILTER (WHERE source_ip IS NOT NULL)), 1, {cap_small}) AS source_ips
  FROM events
  WHERE error_code IS NOT NULL AND counted
  GROUP BY caller, caller_type, caller_account, side, CAST(floor(to_unixtime(ts) / {w}) AS BIGINT) * {w}
)
SELECT 'pair' AS row_kind, p.target AS target_role, p.caller, p.caller_type, p.caller_account, p.side,
  CAST(NULL AS VARCHAR) AS window_start, CAST(NULL AS BIGINT) AS window_seconds,
  p.successes, p.failures, p.access_denied, p.assume_role, p.assume_role_with_saml,
  p.assume_role_with_web_identity, p.get_federation_token, p.switch_role,
  p.with_external_id, p.external_id_successes,
  to_iso8601(p.first_seen) AS first_seen, to_iso8601(p.last_seen) AS last_seen,
  to_iso8601(p.first_success) AS first_success, to_iso8601(p.last_success) AS last_success,
  p.max_duration_seconds,
  json_format(CAST(p.session_names AS JSON)) AS session_names,
  json_format(CAST(p.source_ips AS JSON)) AS source_ips,
  json_format(CAST(n.networks AS JSON)) AS networks,
  json_format(CAST(p.user_agents AS JSON)) AS user_agents,
  json_format(CAST(p.source_identities AS JSON)) AS source_identities,
  json_format(CAST(p.tag_keys AS JSON)) AS tag_keys,
  json_format(CAST(p.vpc_endpoints AS JSON)) AS vpc_endpoints,
  json_format(CAST(p.regions AS JSON)) AS regions,
  CAST(NULL AS VARCHAR) AS targets
FROM pairs AS p
LEFT JOIN networks AS n ON n.target = p.target AND n.caller = p.caller AND n.side = p.side
UNION ALL
SELECT 'burst', CAST(NULL AS VARCHAR), b.caller, b.caller_type, b.caller_account, b.side,
  to_iso8601(from_unixtime(b.window_start)), CAST({w} AS BIGINT),
  CAST(NULL AS BIGINT), b.failures, b.access_denied, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
  CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
  CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
  CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR),
  CAST(NULL AS BIGINT),
  CAST(NULL AS VARCHAR), json_format(CAST(b.source_ips AS JSON)), CAST(NULL AS VARCHAR),
  CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR),
  CAST(NULL AS VARCHAR),
  json_format(CAST(b.targets AS JSON))
FROM bursts AS b
ORDER BY 1, 2, 3, 6, 7
"#,
        table = table,
        w = w,
        cap_networks = cap(CAP_NETWORKS),
        cap_sessions = cap(CAP_SESSION_NAMES),
        cap_ips = cap(CAP_SOURCE_IPS),
        cap_small = cap(CAP_SMALL),
        cap_tags = cap(CAP_TAG_KEYS),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::COLUMNS;

    #[test]
    fn table_names() {
        for ok in [
            "cloudtrail_logs",
            "db.cloudtrail_logs",
            "awsdatacatalog.db.t",
            "\"my table\"",
        ] {
            assert!(valid_table_name(ok), "{ok}");
        }
        for bad in ["", "t; DROP TABLE x", "a..b", "t)--", "\"a\"b\""] {
            assert!(!valid_table_name(bad), "{bad}");
        }
    }

    #[test]
    fn the_select_lists_every_result_column_in_order() {
        let sql = aggregation_sql("db.cloudtrail", 600);
        assert!(sql.contains("FROM db.cloudtrail\n"));
        let select =
            &sql[sql.rfind("SELECT 'pair'").unwrap()..sql.find("FROM pairs AS p").unwrap()];
        let mut pos = 0;
        for col in COLUMNS {
            let found = [format!("AS {col}"), format!("p.{col}"), format!("n.{col}")]
                .iter()
                .filter_map(|n| select[pos..].find(n.as_str()).map(|i| i + n.len()))
                .min()
                .unwrap_or_else(|| panic!("{col} missing or out of order"));
            pos += found;
        }
        // Both halves of the UNION have the same number of columns.
        let burst =
            &sql[sql.find("SELECT 'burst'").unwrap()..sql.find("FROM bursts AS b").unwrap()];
        let depth_commas = |s: &str| {
            let (mut depth, mut n) = (0i32, 0);
            for c in s.chars() {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    ',' if depth == 0 => n += 1,
                    _ => {}
                }
            }
            n
        };
        assert_eq!(depth_commas(select) + 1, COLUMNS.len());
        assert_eq!(depth_commas(burst) + 1, COLUMNS.len());
        assert!(sql.contains("/ 600"));
    }
}
