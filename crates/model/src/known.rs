//! Known third-party AWS accounts (vendor account IDs → names), so third-party trust is
//! named, not just "external".
//!
//! Ships the [known_aws_accounts](https://github.com/fwdcloudsec/known_aws_accounts) list
//! (Apache-2.0, see `data/known-accounts.LICENSE`), converted to `data/known-accounts.json` by
//! `scripts/update-known-accounts.py`; users add their own with `--known-accounts FILE`
//! ([`KnownAccounts::extend_from_file`]).

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use trustgate_policy::JsonError;

use crate::LoadError;

/// Vendor names by account ID.
#[derive(Debug, Clone, Default)]
pub struct KnownAccounts {
    names: HashMap<String, String>,
}

#[derive(Deserialize)]
struct Wrapped {
    accounts: HashMap<String, String>,
}

/// One entry of the known_aws_accounts list (YAML, or the same as JSON).
#[derive(Debug, Deserialize)]
struct Entry {
    name: String,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    accounts: Vec<String>,
}

impl Entry {
    /// AWS's own accounts are named `AWS (service)`, as in the shipped list.
    fn display_name(&self) -> String {
        match self.kind.as_deref() {
            Some("aws") => format!("AWS ({})", self.name),
            _ => self.name.clone(),
        }
    }
}

impl KnownAccounts {
    /// The list shipped with trustgate.
    pub fn shipped() -> KnownAccounts {
        let data = include_str!("../data/known-accounts.json");
        let parsed: Wrapped =
            serde_json::from_str(data).expect("shipped known-accounts.json is valid");
        KnownAccounts {
            names: parsed.accounts,
        }
    }

    /// Adds (and overrides with) the accounts of a user file, in one of three forms:
    ///
    /// * JSON object: `{"123456789012": "Vendor name"}` (or `{"accounts": {…}}`);
    /// * the known_aws_accounts YAML list (comments, flow `[…]` and block `- …` lists):
    ///   ```yaml
    ///   - name: 'Example MSP'
    ///     source: ['https://example.com/onboarding']
    ///     accounts: ['999988887777']
    ///   ```
    ///   Entries with `type: 'aws'` are named `AWS (name)`;
    /// * the same list as JSON: `[{"name": "Example MSP", "accounts": ["999988887777"]}]`.
    pub fn extend_from_file(&mut self, path: &Path) -> Result<(), LoadError> {
        let bytes = std::fs::read(path).map_err(|e| LoadError::io(path, e))?;
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
        let pairs: Vec<(String, String)> = match first {
            Some(b'{') => parse_json_object(&bytes).map_err(|e| LoadError::parse(path, e))?,
            Some(b'[') => entries_to_pairs(
                trustgate_policy::from_slice_with_path::<Vec<Entry>>(&bytes)
                    .map_err(|e| LoadError::parse(path, e))?,
            ),
            _ => {
                let text = std::str::from_utf8(&bytes).map_err(|_| LoadError::Invalid {
                    file: path.to_path_buf(),
                    message: "not UTF-8 text".into(),
                })?;
                entries_to_pairs(parse_yaml_list(text).map_err(|e| LoadError::parse(path, e))?)
            }
        };
        for (id, _) in &pairs {
            if !trustgate_policy::is_account_id(id) {
                return Err(LoadError::Invalid {
                    file: path.to_path_buf(),
                    message: format!("`{id}` is not a 12-digit account ID"),
                });
            }
        }
        self.names.extend(pairs);
        Ok(())
    }

    /// The vendor name of an account, if known.
    pub fn lookup(&self, account_id: &str) -> Option<&str> {
        self.names.get(account_id).map(String::as_str)
    }

    /// How many accounts are named.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether no account is named.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

fn entries_to_pairs(entries: Vec<Entry>) -> Vec<(String, String)> {
    entries
        .into_iter()
        .flat_map(|e| {
            let name = e.display_name();
            e.accounts.into_iter().map(move |a| (a, name.clone()))
        })
        .collect()
}

fn parse_json_object(bytes: &[u8]) -> Result<Vec<(String, String)>, JsonError> {
    if let Ok(w) = trustgate_policy::from_slice_with_path::<Wrapped>(bytes) {
        return Ok(w.accounts.into_iter().collect());
    }
    trustgate_policy::from_slice_with_path::<HashMap<String, String>>(bytes)
        .map(|m| m.into_iter().collect())
        .map_err(|e| JsonError {
            message: format!(
                "{} (expected an object of account IDs to vendor names: {{\"123456789012\": \"Vendor name\"}})",
                e.message
            ),
            ..e
        })
}

/// A YAML error at a line (1-based) and column.
fn yaml_error(line: usize, column: usize, path: String, message: impl Into<String>) -> JsonError {
    JsonError {
        line,
        column,
        path,
        message: message.into(),
    }
}

/// The subset of YAML the known_aws_accounts list uses: a top-level list of mappings whose
/// values are scalars (plain, `'single'` or `"double"` quoted), flow lists (`[a, b]`, which
/// may span lines) or block lists (`- a` on the following, deeper-indented lines). Comments
/// (`# …`) and unknown keys are ignored.
fn parse_yaml_list(text: &str) -> Result<Vec<Entry>, JsonError> {
    #[derive(Default)]
    struct Building {
        line: usize,
        name: Option<String>,
        kind: Option<String>,
        accounts: Option<Vec<String>>,
    }
    let mut out: Vec<Entry> = Vec::new();
    let mut cur: Option<Building> = None;
    let finish = |b: Building, out: &mut Vec<Entry>| -> Result<(), JsonError> {
        let i = out.len();
        let missing = |what: &str| {
            yaml_error(
                b.line,
                1,
                format!("[{i}]"),
                format!("the entry has no `{what}`"),
            )
        };
        out.push(Entry {
            name: b.name.clone().ok_or_else(|| missing("name"))?,
            kind: b.kind,
            accounts: b.accounts.ok_or_else(|| missing("accounts"))?,
        });
        Ok(())
    };

    let lines: Vec<&str> = text.lines().collect();
    let mut n = 0;
    while n < lines.len() {
        let lineno = n + 1;
        let raw = strip_comment(lines[n]);
        n += 1;
        if raw.trim().is_empty() {
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        let mut body = raw.trim_start();
        if indent == 0 {
            let Some(rest) = body.strip_prefix('-') else {
                return Err(yaml_error(
                    lineno,
                    1,
                    ".".into(),
                    "expected a list entry (`- name: …`)",
                ));
            };
            if let Some(b) = cur.take() {
                finish(b, &mut out)?;
            }
            cur = Some(Building {
                line: lineno,
                ..Default::default()
            });
            body = rest.trim_start();
            if body.is_empty() {
                continue;
            }
        }
        let Some(entry) = cur.as_mut() else {
            return Err(yaml_error(
                lineno,
                indent + 1,
                ".".into(),
                "expected a list entry (`- name: …`) first",
            ));
        };
        let path = format!("[{}]", out.len());
        let column = raw.len() - body.len() + 1;
        let Some((key, value)) = body.split_once(':') else {
            return Err(yaml_error(lineno, column, path, "expected `key: value`"));
        };
        let key = key.trim();
        let path = format!("{path}.{key}");
        let value = value.trim();
        let value = if value.starts_with('[') {
            // A flow list, possibly over several lines.
            let mut flow = value.to_string();
            while !flow.trim_end().ends_with(']') {
                let Some(next) = lines.get(n) else {
                    return Err(yaml_error(lineno, column, path, "unterminated `[` list"));
                };
                flow.push(' ');
                flow.push_str(strip_comment(next).trim());
                n += 1;
            }
            let inner = &flow.trim()[1..flow.trim().len() - 1];
            Value::List(split_flow(inner).map_err(|m| yaml_error(lineno, column, path.clone(), m))?)
        } else if value.is_empty() {
            // A block list on the following, deeper lines (or nothing).
            let mut items = Vec::new();
            while let Some(next) = lines.get(n) {
                let next = strip_comment(next);
                if next.trim().is_empty() {
                    n += 1;
                    continue;
                }
                let next_indent = next.len() - next.trim_start().len();
                match next.trim_start().strip_prefix('-') {
                    Some(item) if next_indent > indent => {
                        items
                            .push(scalar(item.trim()).map_err(|m| {
                                yaml_error(n + 1, next_indent + 1, path.clone(), m)
                            })?);
                        n += 1;
                    }
                    _ => break,
                }
            }
            Value::List(items)
        } else {
            Value::Scalar(scalar(value).map_err(|m| yaml_error(lineno, column, path.clone(), m))?)
        };
        match (key, value) {
            ("name", Value::Scalar(s)) => entry.name = Some(s),
            ("type", Value::Scalar(s)) => entry.kind = Some(s),
            ("accounts", Value::List(l)) => entry.accounts = Some(l),
            ("accounts", Value::Scalar(s)) => entry.accounts = Some(vec![s]),
            ("name" | "type", Value::List(_)) => {
                return Err(yaml_error(lineno, column, path, "expected a string"))
            }
            _ => {} // source, enabled, deprecated_date…
        }
    }
    if let Some(b) = cur.take() {
        finish(b, &mut out)?;
    }
    Ok(out)
}

enum Value {
    Scalar(String),
    List(Vec<String>),
}

/// The line without a trailing `# comment` (a `#` outside quotes, at the start or after a space).
fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '#' && prev.is_whitespace() => return &line[..i],
            None => {}
        }
        prev = c;
    }
    line
}

/// The items of a flow list's inside: `'a', "b", c`.
fn split_flow(inner: &str) -> Result<Vec<String>, String> {
    let mut items = Vec::new();
    let mut rest = inner.trim();
    while !rest.is_empty() {
        let end = match rest.chars().next() {
            Some(q @ ('\'' | '"')) => quoted_end(rest, q)?,
            _ => rest.find(',').unwrap_or(rest.len()),
        };
        items.push(scalar(rest[..end].trim())?);
        rest = rest[end..].trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    Ok(items)
}

/// The byte length of the quoted scalar at the start of `s` (`'it''s'` escapes a quote).
fn quoted_end(s: &str, q: char) -> Result<usize, String> {
    let mut chars = s.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\\' && q == '"' {
            chars.next();
        } else if c == q {
            if q == '\'' && chars.peek().map(|&(_, c)| c) == Some('\'') {
                chars.next();
                continue;
            }
            return Ok(i + 1);
        }
    }
    Err(format!("unterminated {q}quoted{q} string"))
}

/// A plain or quoted scalar.
fn scalar(s: &str) -> Result<String, String> {
    match s.chars().next() {
        Some(q @ ('\'' | '"')) => {
            let end = quoted_end(s, q)?;
            if !s[end..].trim().is_empty() {
                return Err(format!(
                    "unexpected `{}` after a quoted string",
                    s[end..].trim()
                ));
            }
            let inner = &s[1..end - 1];
            Ok(if q == '\'' {
                inner.replace("''", "'")
            } else {
                inner.replace("\\\"", "\"").replace("\\\\", "\\")
            })
        }
        _ => Ok(s.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_forms() {
        let text = "# vendors\n- name: 'Cloud''s Health'\n  source: ['https://a', 'https://b#frag']\n  accounts: ['454464851268']\n\
                    - name:  \"Fortinet\" # trailing comment\n  source: [\n    'https://x',\n    'https://y'\n  ]\n  accounts:\n    - '123456789012'\n    - 210987654321\n  enabled: false\n\
                    - name: ELB logs\n  type: 'aws'\n  accounts: ['127311923021']\n";
        let entries = parse_yaml_list(text).unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].name, "Cloud's Health");
        assert_eq!(entries[0].accounts, vec!["454464851268"]);
        assert_eq!(entries[1].name, "Fortinet");
        assert_eq!(entries[1].accounts, vec!["123456789012", "210987654321"]);
        assert_eq!(entries[2].display_name(), "AWS (ELB logs)");
    }

    #[test]
    fn yaml_errors_have_a_place() {
        let e = parse_yaml_list("- name: 'x'\n  accounts: ['1', '2'\n").unwrap_err();
        assert_eq!((e.line, e.path.as_str()), (2, "[0].accounts"), "{e:?}");
        let e = parse_yaml_list("- name: 'x'\n- accounts: ['111111111111']\n").unwrap_err();
        assert_eq!(e.line, 1, "{e:?}");
        assert!(e.message.contains("no `accounts`"), "{e:?}");
        let e = parse_yaml_list("name: x\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = parse_yaml_list("- name: 'x\n  accounts: []\n").unwrap_err();
        assert!(e.message.contains("unterminated"), "{e:?}");
    }
}
