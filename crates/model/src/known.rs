//! Known third-party AWS accounts (vendor account IDs → names), so third-party trust is
//! named, not just "external". Ships the known_aws_accounts list (Apache-2.0, see
//! `data/known-accounts.LICENSE`; regenerate with `scripts/update-known-accounts.py`); users
//! add their own with `--known-accounts FILE`.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::LoadError;

#[derive(Debug, Clone, Default)]
pub struct KnownAccounts {
    names: HashMap<String, String>,
}

#[derive(Deserialize)]
struct Shipped {
    accounts: HashMap<String, String>,
}

impl KnownAccounts {
    /// The list shipped with trustgate.
    pub fn shipped() -> KnownAccounts {
        let data = include_str!("../data/known-accounts.json");
        let parsed: Shipped =
            serde_json::from_str(data).expect("shipped known-accounts.json is valid");
        KnownAccounts {
            names: parsed.accounts,
        }
    }

    /// Adds (and overrides with) the accounts of a user file.
    pub fn extend_from_file(&mut self, path: &Path) -> Result<(), LoadError> {
        let bytes = std::fs::read(path).map_err(|e| LoadError::io(path, e))?;
        #[derive(Deserialize)]
        struct Wrapped {
            accounts: HashMap<String, String>,
        }
        let map: HashMap<String, String> = match trustgate_policy::from_slice_with_path::<Wrapped>(&bytes) {
            Ok(w) => w.accounts,
            Err(_) => trustgate_policy::from_slice_with_path(&bytes).map_err(|e| {
                LoadError::parse(
                    path,
                    trustgate_policy::JsonError {
                        message: format!(
                            "{} (expected an object of account IDs to vendor names: {{\"123456789012\": \"Vendor name\"}})",
                            e.message
                        ),
                        ..e
                    },
                )
            })?,
        };
        for (id, name) in map {
            if !trustgate_policy::is_account_id(&id) {
                return Err(LoadError::Invalid {
                    file: path.to_path_buf(),
                    message: format!("`{id}` is not a 12-digit account ID"),
                });
            }
            self.names.insert(id, name);
        }
        Ok(())
    }

    pub fn lookup(&self, account_id: &str) -> Option<&str> {
        self.names.get(account_id).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}
