//! Text rendering shared by the commands that print a decision (`eval`, `can`).

use std::io::{self, Write};

use trustgate_policy::{Literal, Reason};

/// "allowed if … / or …" lines for a Conditional decision, then (with `explain`) every
/// statement that took part.
pub fn write_decision_details(
    w: &mut dyn Write,
    conditions: Option<&[Vec<Literal>]>,
    reasons: &[Reason],
    explain: bool,
    indent: &str,
) -> io::Result<()> {
    for (n, clause) in conditions.unwrap_or_default().iter().enumerate() {
        let parts: Vec<String> = clause.iter().map(|l| l.to_string()).collect();
        let lead = if n == 0 { "allowed if" } else { "        or" };
        writeln!(w, "{indent}{lead} {}", parts.join(" AND "))?;
    }
    if explain {
        for r in reasons {
            let st = r
                .statement
                .as_deref()
                .map(|s| format!(" {s}"))
                .unwrap_or_default();
            writeln!(
                w,
                "{indent}- {} {}{}: {}",
                r.layer.describe(),
                r.policy,
                st,
                r.outcome
            )?;
        }
    }
    Ok(())
}
