//! Rule documentation: each rule carries its own (what, why, example, fix), which renders
//! both as rustdoc and as `trustgate rules ID`.

use serde::Serialize;

use crate::finding::Severity;

/// The documentation of one rule.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RuleDoc {
    /// Stable ID such as `TG001`.
    pub id: &'static str,
    /// Short kebab-case name (`root-trust`).
    pub name: &'static str,
    /// One line.
    pub title: &'static str,
    /// Default severity (some rules raise it, e.g. for admin-equivalent roles).
    pub severity: Severity,
    pub what: &'static str,
    pub why: &'static str,
    pub example: &'static str,
    pub fix: &'static str,
}

impl RuleDoc {
    /// The rule's documentation as Markdown.
    pub fn markdown(&self) -> String {
        format!(
            "# {} {} ({})\n\n{}\n\nDefault severity: {}\n\n## What it does\n{}\n\n## Why is this bad?\n{}\n\n## Example\n```json\n{}\n```\n\n## Fix\n{}\n",
            self.id, self.name, self.severity, self.title, self.severity, self.what, self.why, self.example, self.fix
        )
    }
}

/// Declares a rule type with its documentation, ruff-style: the same text is the type's
/// rustdoc and the `RuleDoc` that `trustgate rules` prints.
#[macro_export]
macro_rules! declare_rule {
    (
        $name:ident {
            id: $id:literal,
            name: $slug:literal,
            title: $title:literal,
            severity: $sev:ident,
            what: $what:literal,
            why: $why:literal,
            example: $example:literal,
            fix: $fix:literal $(,)?
        }
    ) => {
        #[doc = concat!("**", $id, " ", $slug, "**: ", $title, "\n\n## What it does\n", $what,
                    "\n\n## Why is this bad?\n", $why, "\n\n## Example\n```json\n", $example,
                    "\n```\n\n## Fix\n", $fix)]
        pub struct $name;

        impl $name {
            pub const DOC: $crate::doc::RuleDoc = $crate::doc::RuleDoc {
                id: $id,
                name: $slug,
                title: $title,
                severity: $crate::finding::Severity::$sev,
                what: $what,
                why: $why,
                example: $example,
                fix: $fix,
            };
        }
    };
}
