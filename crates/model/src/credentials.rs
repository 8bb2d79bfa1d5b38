//! IAM credential reports: `credential-report-<account-id>.csv` in the snapshot, exactly what
//! `aws iam get-credential-report` returns in `Content`, base64-decoded.
//!
//! One row per IAM user (and `<root_account>`): password, MFA, two access keys and two signing
//! certificates with their dates. AWS writes `N/A` (not applicable), `no_information` and
//! `not_supported` where there is no value; those become `None`. Dates are ISO 8601.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::Deserialize;

use crate::LoadError;

/// The user name AWS gives the account root's row.
pub const ROOT_ACCOUNT_ROW: &str = "<root_account>";

/// One account's credential report.
#[derive(Debug, Clone)]
pub struct CredentialReport {
    /// The account the report is for (from the file name).
    pub account_id: String,
    /// The file it was read from.
    pub source: PathBuf,
    /// One per user, and one for the root (`<root_account>`).
    pub rows: Vec<UserCredentials>,
}

/// One row: a user's (or the root's) credentials.
#[derive(Debug, Clone, PartialEq)]
pub struct UserCredentials {
    /// The user name (`<root_account>` for the root).
    pub user: String,
    /// The user's ARN (the root's for the root row).
    pub arn: String,
    /// `user_creation_time`.
    pub created: Option<Timestamp>,
    /// A console password is set.
    pub password_enabled: bool,
    /// `password_last_used` (None: never, or no information).
    pub password_last_used: Option<Timestamp>,
    /// An MFA device is assigned.
    pub mfa_active: bool,
    /// The access keys AWS reports (slots 1 and 2), active or not.
    pub access_keys: Vec<AccessKey>,
}

impl UserCredentials {
    /// The account root's row.
    pub fn is_root(&self) -> bool {
        self.user == ROOT_ACCOUNT_ROW
    }
    /// The keys whose status is Active.
    pub fn active_keys(&self) -> impl Iterator<Item = &AccessKey> {
        self.access_keys.iter().filter(|k| k.active)
    }
}

/// One access key of a row.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessKey {
    /// 1 or 2, as in the report's column names.
    pub slot: u8,
    /// Status Active.
    pub active: bool,
    /// Created or last rotated.
    pub last_rotated: Option<Timestamp>,
    /// Last used to sign a request (None: never).
    pub last_used: Option<Timestamp>,
    /// The service of that request (`sts`, `s3`…).
    pub last_used_service: Option<String>,
}

/// The columns trustgate reads (the report has more: certificates, password rotation).
#[derive(Deserialize)]
struct Row {
    user: String,
    arn: String,
    #[serde(default)]
    user_creation_time: String,
    #[serde(default)]
    password_enabled: String,
    #[serde(default)]
    password_last_used: String,
    mfa_active: String,
    access_key_1_active: String,
    access_key_1_last_rotated: String,
    access_key_1_last_used_date: String,
    #[serde(default)]
    access_key_1_last_used_service: String,
    access_key_2_active: String,
    access_key_2_last_rotated: String,
    access_key_2_last_used_date: String,
    #[serde(default)]
    access_key_2_last_used_service: String,
}

/// `credential-report-<12 digits>.csv` → the account ID.
pub fn account_of_file_name(path: &Path) -> Option<&str> {
    let name = path.file_name()?.to_str()?;
    let id = name
        .strip_prefix("credential-report-")?
        .strip_suffix(".csv")?;
    trustgate_policy::is_account_id(id).then_some(id)
}

/// Reads one report. Errors name the file, the line and the column.
pub fn read_report(path: &Path) -> Result<CredentialReport, LoadError> {
    let account_id = account_of_file_name(path)
        .ok_or_else(|| LoadError::Invalid {
            file: path.to_path_buf(),
            message: "expected a file named credential-report-<12-digit-account-id>.csv".into(),
        })?
        .to_string();
    let bytes = std::fs::read(path).map_err(|e| LoadError::io(path, e))?;
    parse_report(&bytes, path, &account_id)
}

/// Parses report text (the CSV AWS returns).
pub fn parse_report(
    bytes: &[u8],
    path: &Path,
    account_id: &str,
) -> Result<CredentialReport, LoadError> {
    let invalid = |line: u64, message: String| LoadError::Invalid {
        file: path.to_path_buf(),
        message: format!("line {line}: {message}"),
    };
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| invalid(1, format!("not a credential report: {e}")))?
        .clone();
    for required in [
        "user",
        "arn",
        "mfa_active",
        "access_key_1_active",
        "access_key_1_last_rotated",
        "access_key_1_last_used_date",
        "access_key_2_active",
        "access_key_2_last_rotated",
        "access_key_2_last_used_date",
    ] {
        if !headers.iter().any(|h| h == required) {
            return Err(invalid(
                1,
                format!(
                    "not a credential report: no `{required}` column (expected the CSV of `aws iam get-credential-report`, base64-decoded)"
                ),
            ));
        }
    }
    let mut rows = Vec::new();
    for record in reader.deserialize::<Row>() {
        let row = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            invalid(line, e.to_string())
        })?;
        let line = rows.len() as u64 + 2;
        let field = |column: &str, value: &str| -> Result<Option<Timestamp>, LoadError> {
            timestamp(value).map_err(|m| invalid(line, format!("column {column}: {m}")))
        };
        let flag = |column: &str, value: &str| -> Result<bool, LoadError> {
            match value.trim().to_ascii_lowercase().as_str() {
                "true" => Ok(true),
                "false" | "" | "n/a" | "not_supported" | "no_information" => Ok(false),
                other => Err(invalid(
                    line,
                    format!("column {column}: expected true or false, found `{other}`"),
                )),
            }
        };
        if row.user != ROOT_ACCOUNT_ROW {
            match trustgate_policy::Arn::parse(&row.arn) {
                Some(arn) if arn.account == account_id => {}
                _ => {
                    return Err(invalid(
                        line,
                        format!(
                            "column arn: `{}` is not a user ARN of account {account_id} (the file name's account)",
                            row.arn
                        ),
                    ))
                }
            }
        }
        let key = |slot: u8,
                   active: &str,
                   rotated: &str,
                   used: &str,
                   service: &str|
         -> Result<AccessKey, LoadError> {
            Ok(AccessKey {
                slot,
                active: flag(&format!("access_key_{slot}_active"), active)?,
                last_rotated: field(&format!("access_key_{slot}_last_rotated"), rotated)?,
                last_used: field(&format!("access_key_{slot}_last_used_date"), used)?,
                last_used_service: none_if_absent(service).map(str::to_string),
            })
        };
        let access_keys = vec![
            key(
                1,
                &row.access_key_1_active,
                &row.access_key_1_last_rotated,
                &row.access_key_1_last_used_date,
                &row.access_key_1_last_used_service,
            )?,
            key(
                2,
                &row.access_key_2_active,
                &row.access_key_2_last_rotated,
                &row.access_key_2_last_used_date,
                &row.access_key_2_last_used_service,
            )?,
        ];
        rows.push(UserCredentials {
            created: field("user_creation_time", &row.user_creation_time)?,
            password_enabled: flag("password_enabled", &row.password_enabled)?,
            password_last_used: field("password_last_used", &row.password_last_used)?,
            mfa_active: flag("mfa_active", &row.mfa_active)?,
            access_keys,
            user: row.user,
            arn: row.arn,
        });
    }
    Ok(CredentialReport {
        account_id: account_id.to_string(),
        source: path.to_path_buf(),
        rows,
    })
}

fn none_if_absent(v: &str) -> Option<&str> {
    let t = v.trim();
    match t.to_ascii_lowercase().as_str() {
        "" | "n/a" | "no_information" | "not_supported" => None,
        _ => Some(t),
    }
}

fn timestamp(v: &str) -> Result<Option<Timestamp>, String> {
    match none_if_absent(v) {
        None => Ok(None),
        Some(t) => t
            .parse::<Timestamp>()
            .map(Some)
            .map_err(|e| format!("`{t}` is not an ISO 8601 date-time ({e})")),
    }
}

/// Credential rows by user ARN, over every report of a snapshot.
#[derive(Debug, Default)]
pub struct CredentialIndex {
    by_arn: HashMap<String, (usize, usize)>,
}

impl CredentialIndex {
    /// Indexes every user row of `reports`.
    pub fn build(reports: &[CredentialReport]) -> Self {
        let mut by_arn = HashMap::new();
        for (ri, r) in reports.iter().enumerate() {
            for (ui, u) in r.rows.iter().enumerate() {
                if !u.is_root() {
                    by_arn.insert(u.arn.clone(), (ri, ui));
                }
            }
        }
        CredentialIndex { by_arn }
    }
    /// The row of a user ARN.
    pub fn get<'r>(
        &self,
        reports: &'r [CredentialReport],
        arn: &str,
    ) -> Option<&'r UserCredentials> {
        let &(ri, ui) = self.by_arn.get(arn)?;
        Some(&reports[ri].rows[ui])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

    fn report(rows: &[&str]) -> Result<CredentialReport, LoadError> {
        let text = format!("{HEADER}\n{}\n", rows.join("\n"));
        parse_report(
            text.as_bytes(),
            Path::new("credential-report-111122223333.csv"),
            "111122223333",
        )
    }

    #[test]
    fn reads_rows_as_aws_writes_them() {
        let r = report(&[
            "<root_account>,arn:aws:iam::111122223333:root,2020-01-01T00:00:00+00:00,not_supported,2026-01-02T03:04:05+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
            "alice,arn:aws:iam::111122223333:user/alice,2021-05-01T10:00:00+00:00,true,no_information,2021-05-01T10:00:00+00:00,N/A,false,true,2021-05-01T10:05:00+00:00,2026-10-30T08:00:00+00:00,eu-west-1,sts,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
        ])
        .unwrap();
        assert_eq!(r.rows.len(), 2);
        assert!(r.rows[0].is_root() && r.rows[0].mfa_active);
        let alice = &r.rows[1];
        assert!(alice.password_enabled && !alice.mfa_active);
        assert_eq!(alice.password_last_used, None);
        let keys: Vec<_> = alice.active_keys().collect();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].slot, 1);
        assert_eq!(
            keys[0].last_rotated.unwrap().to_string(),
            "2021-05-01T10:05:00Z"
        );
        assert_eq!(keys[0].last_used_service.as_deref(), Some("sts"));
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = report(&[
            "alice,arn:aws:iam::111122223333:user/alice,2021-05-01T10:00:00+00:00,true,N/A,N/A,N/A,false,true,yesterday,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
        ])
        .unwrap_err()
        .to_string();
        assert!(
            e.contains(
                "credential-report-111122223333.csv: line 2: column access_key_1_last_rotated"
            ),
            "{e}"
        );
        let e = report(&[
            "bob,arn:aws:iam::999999999999:user/bob,N/A,false,N/A,N/A,N/A,maybe,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
        ])
        .unwrap_err()
        .to_string();
        assert!(e.contains("line 2: column arn"), "{e}");
        let e = parse_report(
            b"a,b\n1,2\n",
            Path::new("credential-report-111122223333.csv"),
            "111122223333",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("line 1: not a credential report: no `user` column"),
            "{e}"
        );
        let e = report(&["short,row"]).unwrap_err().to_string();
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn file_names() {
        assert_eq!(
            account_of_file_name(Path::new("x/credential-report-111122223333.csv")),
            Some("111122223333")
        );
        assert_eq!(
            account_of_file_name(Path::new("credential-report-1.csv")),
            None
        );
    }
}
