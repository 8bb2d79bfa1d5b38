//! Errors the commands report, and how they map to exit codes.

use std::fmt;
use std::path::Path;

use trustgate_policy::JsonError;

/// Everything that ends a command with exit code 2.
#[derive(Debug)]
pub enum CliError {
    /// Bad input: a file that cannot be parsed, a bad argument value.
    Input(String),
    /// A file that cannot be read or written.
    Io(String),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Input(m) | CliError::Io(m) => f.write_str(m),
        }
    }
}

pub type CliResult<T> = Result<T, CliError>;

/// `FILE:LINE:COLUMN: at PATH: MESSAGE`, the shape every input error takes.
pub fn located(file: &Path, e: &JsonError) -> CliError {
    let mut s = file.display().to_string();
    if e.line > 0 {
        s.push_str(&format!(":{}:{}", e.line, e.column));
    }
    s.push_str(": ");
    if !e.path.is_empty() && e.path != "." {
        s.push_str(&format!("at {}: ", e.path));
    }
    s.push_str(&e.message);
    CliError::Input(s)
}

pub fn io_error(file: &Path, e: std::io::Error) -> CliError {
    CliError::Io(format!("{}: {e}", file.display()))
}
