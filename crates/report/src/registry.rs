//! The registry of trust relationships as a table, CSV and Markdown (JSON is the serde form).

use std::collections::BTreeSet;
use std::io::{self, Write};

use trustgate_rules::trust::{ConditionView, TrustedKind};
use trustgate_rules::{Registry, Relationship, Scope};

use crate::text::{
    arn_parts, csv_safe, md_escape, sanitize_line, shorten_middle, str_width, Paint,
};
use crate::{csv_err, RenderOptions};

const ROLE_MAX: usize = 40;
const TRUSTED_MAX: usize = 48;
const VENDOR_MAX: usize = 24;
const GAP: &str = "  ";

/// The kebab-case name of a trusted kind, as in the JSON (`account`, `deleted-principal`…).
fn kind_str(k: TrustedKind) -> String {
    match serde_json::to_value(k) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{k:?}"),
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// `operator key=v1|v2`.
fn condition_str(c: &ConditionView) -> String {
    format!("{} {}={}", c.operator, c.key, c.values.join("|"))
}

fn tags_str(tags: &trustgate_model::Tags, sep: &str) -> String {
    tags.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(sep)
}

/// ADMIN column: yes, no, or `?` when attached policies are missing from the snapshot.
fn admin_cell(r: &Relationship) -> &'static str {
    if r.permissions.admin_equivalent {
        "yes"
    } else if !r.permissions.unknown_policies.is_empty() {
        "?"
    } else {
        "no"
    }
}

/// MFA column: yes, no, or `IdP` when MFA is not visible here but may be enforced elsewhere.
fn mfa_cell(r: &Relationship) -> &'static str {
    if r.mfa {
        "yes"
    } else if r.mfa_note.is_some() {
        "IdP"
    } else {
        "no"
    }
}

/// TRUSTED column: an IAM/STS ARN as `account:resource` (or just `resource` in the role's
/// own account); anything else (service, `*`, other ARNs) as written.
fn trusted_cell(r: &Relationship) -> String {
    let short = match arn_parts(&r.trusted) {
        Some(("iam" | "sts", acct, res)) if !res.is_empty() => {
            if acct == r.account || acct.is_empty() {
                res.to_string()
            } else {
                format!("{acct}:{res}")
            }
        }
        _ => r.trusted.clone(),
    };
    shorten_middle(&sanitize_line(&short), TRUSTED_MAX)
}

fn scope_cell(r: &Relationship) -> String {
    match &r.vendor {
        Some(v) => {
            let v = shorten_middle(&sanitize_line(v), VENDOR_MAX);
            format!("{} ({v})", r.scope.as_str())
        }
        None => r.scope.as_str().to_string(),
    }
}

fn account_cell(r: &Relationship) -> String {
    match &r.account_name {
        Some(n) => format!(
            "{} ({})",
            sanitize_line(&r.account),
            shorten_middle(&sanitize_line(n), VENDOR_MAX)
        ),
        None => sanitize_line(&r.account),
    }
}

fn last_used_cell(r: &Relationship) -> String {
    match &r.last_used {
        // The date part of an ISO 8601 timestamp.
        Some(t) => sanitize_line(t.get(..10).unwrap_or(t)),
        None => "never".to_string(),
    }
}

fn scope_color(s: Scope) -> &'static str {
    match s {
        Scope::Public => Paint::BOLD_RED,
        Scope::ThirdParty => Paint::YELLOW,
        Scope::Unknown => Paint::MAGENTA,
        _ => "",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub(crate) fn table(reg: &Registry, opts: &RenderOptions, w: &mut dyn Write) -> io::Result<()> {
    let paint = Paint { on: opts.color };
    let rels = &reg.relationships;
    if rels.is_empty() {
        writeln!(w, "No trust relationships.")?;
        return Ok(());
    }
    let headers = [
        "ROLE",
        "ACCOUNT",
        "TRUSTED",
        "SCOPE/VENDOR",
        "EXTID",
        "MFA",
        "ADMIN",
        "LAST-USED",
    ];
    // (text, color) per cell.
    let rows: Vec<[(String, &'static str); 8]> = rels
        .iter()
        .map(|r| {
            let admin = admin_cell(r);
            let third_party = r.scope == Scope::ThirdParty;
            [
                (
                    shorten_middle(&sanitize_line(&r.role_name), ROLE_MAX),
                    Paint::BOLD,
                ),
                (account_cell(r), ""),
                (trusted_cell(r), Paint::MAGENTA),
                (scope_cell(r), scope_color(r.scope)),
                (
                    yes_no(r.external_id).to_string(),
                    if third_party && !r.external_id {
                        Paint::YELLOW
                    } else {
                        ""
                    },
                ),
                (mfa_cell(r).to_string(), ""),
                (
                    admin.to_string(),
                    match admin {
                        "yes" => Paint::RED,
                        "?" => Paint::YELLOW,
                        _ => "",
                    },
                ),
                (
                    last_used_cell(r),
                    if r.last_used.is_none() {
                        Paint::DIM
                    } else {
                        ""
                    },
                ),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| {
            rows.iter()
                .map(|row| str_width(&row[i].0))
                .max()
                .unwrap_or(0)
                .max(headers[i].len())
        })
        .collect();

    let header: Vec<String> = headers
        .iter()
        .zip(&widths)
        .map(|(h, &wd)| format!("{h:<wd$}"))
        .collect();
    writeln!(
        w,
        "{}",
        paint.paint(Paint::BOLD, header.join(GAP).trim_end())
    )?;
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|((text, code), &wd)| {
                let mut s = paint.paint(code, text);
                s.push_str(&" ".repeat(wd.saturating_sub(str_width(text))));
                s
            })
            .collect();
        writeln!(w, "{}", cells.join(GAP).trim_end())?;
    }
    writeln!(w)?;

    // Footer.
    let roles: BTreeSet<&str> = rels.iter().map(|r| r.role.as_str()).collect();
    let accounts: BTreeSet<&str> = rels.iter().map(|r| r.account.as_str()).collect();
    writeln!(
        w,
        "{} on {} in {}",
        paint.paint(
            Paint::BOLD,
            &plural(rels.len(), "trust relationship", "trust relationships")
        ),
        plural(roles.len(), "role", "roles"),
        plural(accounts.len(), "account", "accounts"),
    )?;
    // Most exposed first.
    const SCOPE_ORDER: [Scope; 7] = [
        Scope::Public,
        Scope::ThirdParty,
        Scope::Internal,
        Scope::SameAccount,
        Scope::Federated,
        Scope::Service,
        Scope::Unknown,
    ];
    let scopes: Vec<String> = SCOPE_ORDER
        .iter()
        .map(|&s| (s, rels.iter().filter(|r| r.scope == s).count()))
        .filter(|&(_, n)| n > 0)
        .map(|(s, n)| paint.paint(scope_color(s), &format!("{n} {}", s.as_str())))
        .collect();
    writeln!(w, "by scope: {}", scopes.join(", "))?;
    let admin = rels
        .iter()
        .filter(|r| r.permissions.admin_equivalent)
        .count();
    if admin > 0 {
        let text = if admin == 1 {
            "1 leads to an admin-equivalent role".to_string()
        } else {
            format!("{admin} lead to admin-equivalent roles")
        };
        writeln!(w, "{}", paint.paint(Paint::RED, &text))?;
    }
    let notes: BTreeSet<&str> = rels
        .iter()
        .filter(|r| !r.mfa)
        .filter_map(|r| r.mfa_note.as_deref())
        .collect();
    for note in notes {
        writeln!(w, "MFA IdP: {}", sanitize_line(note))?;
    }
    if rows.iter().any(|row| row[6].0 == "?") {
        writeln!(
            w,
            "ADMIN ?: attached policies are missing from the snapshot, their grants are unknown"
        )?;
    }
    writeln!(
        w,
        "{}",
        paint.paint(
            Paint::DIM,
            "JSON and CSV carry full ARNs, actions, conditions, permissions, session length and tags"
        )
    )?;
    entry_points_table(reg, w)
}

/// One line per IAM user: credentials and what they open (the people and machines that sign
/// in with IAM credentials).
fn entry_points_rows(reg: &Registry) -> Vec<[String; 7]> {
    reg.entry_points
        .iter()
        .map(|ep| {
            let (mfa, password, keys) = match &ep.credentials {
                None => (
                    "?".to_string(),
                    "?".to_string(),
                    "? (no credential report)".to_string(),
                ),
                Some(c) => (
                    yes_no(c.mfa_active).to_string(),
                    yes_no(c.password_enabled).to_string(),
                    if c.active_keys.is_empty() {
                        "none".to_string()
                    } else {
                        c.active_keys
                            .iter()
                            .map(|k| match k.age_days {
                                Some(d) => format!("#{} {d}d", k.slot),
                                None => format!("#{}", k.slot),
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    },
                ),
            };
            let usable: Vec<_> = ep.usable().collect();
            let cross = usable.iter().filter(|r| r.cross_account).count();
            let admin = usable.iter().filter(|r| r.admin).count();
            [
                ep.user.clone(),
                mfa,
                password,
                keys,
                format!(
                    "{}{}",
                    usable.len(),
                    if ep.reachable_truncated { "+" } else { "" }
                ),
                cross.to_string(),
                admin.to_string(),
            ]
        })
        .collect()
}

const ENTRY_HEADER: [&str; 7] = [
    "USER",
    "MFA",
    "PASSWORD",
    "ACTIVE KEYS (AGE)",
    "ROLES REACHABLE",
    "IN OTHER ACCOUNTS",
    "ADMIN",
];

fn entry_points_table(reg: &Registry, w: &mut dyn Write) -> io::Result<()> {
    if reg.entry_points.is_empty() {
        return Ok(());
    }
    let rows: Vec<[String; 7]> = entry_points_rows(reg)
        .into_iter()
        .map(|r| r.map(|c| sanitize_line(&c)))
        .collect();
    let mut widths = ENTRY_HEADER.map(str_width);
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(str_width(c));
        }
    }
    writeln!(w)?;
    writeln!(w, "Entry points: IAM users, their credentials and the roles they can reach (with the credentials they have)")?;
    let line = |cells: &[String]| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c}{}", " ".repeat(widths[i] - str_width(c))))
            .collect::<Vec<_>>()
            .join(GAP)
            .trim_end()
            .to_string()
    };
    writeln!(w, "{}", line(&ENTRY_HEADER.map(str::to_string)))?;
    for r in &rows {
        writeln!(w, "{}", line(r))?;
    }
    Ok(())
}

pub(crate) const CSV_HEADER: [&str; 28] = [
    "role",
    "roleName",
    "account",
    "accountName",
    "trusted",
    "trustedType",
    "trustedAccount",
    "scope",
    "vendor",
    "actions",
    "externalId",
    "mfa",
    "mfaNote",
    "conditions",
    "restrictedBy",
    "adminEquivalent",
    "adminReason",
    "services",
    "accessLevels",
    "policies",
    "unknownPolicies",
    "maxSessionSeconds",
    "maxSessionAssumed",
    "permissionBoundary",
    "lastUsed",
    "lastUsedRegion",
    "tags",
    "statement",
];

pub(crate) fn csv(reg: &Registry, w: &mut dyn Write) -> io::Result<()> {
    let mut wtr = ::csv::Writer::from_writer(w);
    wtr.write_record(CSV_HEADER).map_err(csv_err)?;
    for r in &reg.relationships {
        let p = &r.permissions;
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        let record: [String; 28] = [
            r.role.clone(),
            r.role_name.clone(),
            r.account.clone(),
            opt(&r.account_name),
            r.trusted.clone(),
            kind_str(r.trusted_type),
            opt(&r.trusted_account),
            r.scope.as_str().to_string(),
            opt(&r.vendor),
            r.actions.join("; "),
            r.external_id.to_string(),
            r.mfa.to_string(),
            opt(&r.mfa_note),
            r.conditions
                .iter()
                .map(condition_str)
                .collect::<Vec<_>>()
                .join("; "),
            r.restricted_by.join("; "),
            p.admin_equivalent.to_string(),
            opt(&p.admin_reason),
            p.services.join("; "),
            p.access_levels.join("; "),
            p.policies.join("; "),
            p.unknown_policies.join("; "),
            r.max_session_seconds.to_string(),
            r.max_session_assumed.to_string(),
            opt(&r.permission_boundary),
            opt(&r.last_used),
            opt(&r.last_used_region),
            tags_str(&r.tags, "; "),
            r.statement.clone(),
        ];
        wtr.write_record(record.iter().map(|s| csv_safe(s).into_owned()))
            .map_err(csv_err)?;
    }
    wtr.flush()
}

pub(crate) fn markdown(reg: &Registry, w: &mut dyn Write) -> io::Result<()> {
    let rels = &reg.relationships;
    writeln!(w, "# trustgate registry\n")?;
    if rels.is_empty() {
        writeln!(w, "No trust relationships.")?;
        return Ok(());
    }
    let roles: BTreeSet<&str> = rels.iter().map(|r| r.role.as_str()).collect();
    let accounts: BTreeSet<&str> = rels.iter().map(|r| r.account.as_str()).collect();
    writeln!(
        w,
        "{} on {} in {}.\n",
        plural(rels.len(), "trust relationship", "trust relationships"),
        plural(roles.len(), "role", "roles"),
        plural(accounts.len(), "account", "accounts"),
    )?;
    writeln!(
        w,
        "| Role | Account | Trusted | Scope | Actions | External ID | MFA | Admin | Conditions | Max session | Boundary | Last used | Tags |"
    )?;
    writeln!(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|")?;
    for r in rels {
        let account = match &r.account_name {
            Some(n) => format!("{} ({})", md_escape(&r.account), md_escape(n)),
            None => md_escape(&r.account),
        };
        let scope = match &r.vendor {
            Some(v) => format!("{} ({})", r.scope.as_str(), md_escape(v)),
            None => r.scope.as_str().to_string(),
        };
        let mfa = match (&r.mfa_note, r.mfa) {
            (Some(note), false) => format!("no ({})", md_escape(note)),
            _ => yes_no(r.mfa).to_string(),
        };
        let admin = match (&r.permissions.admin_reason, admin_cell(r)) {
            (Some(reason), "yes") => format!("yes ({})", md_escape(reason)),
            (_, "?") => format!(
                "unknown (missing: {})",
                md_escape(&r.permissions.unknown_policies.join(", "))
            ),
            (_, cell) => cell.to_string(),
        };
        let conditions = r
            .conditions
            .iter()
            .map(|c| md_escape(&condition_str(c)))
            .collect::<Vec<_>>()
            .join("<br>");
        let session = format!(
            "{} s{}",
            r.max_session_seconds,
            if r.max_session_assumed {
                " (assumed)"
            } else {
                ""
            }
        );
        let last_used = match (&r.last_used, &r.last_used_region) {
            (Some(t), Some(region)) => format!("{} ({})", md_escape(t), md_escape(region)),
            (Some(t), None) => md_escape(t),
            (None, _) => "never".to_string(),
        };
        let tags = r
            .tags
            .iter()
            .map(|(k, v)| md_escape(&format!("{k}={v}")))
            .collect::<Vec<_>>()
            .join("<br>");
        let cells = [
            md_escape(&r.role),
            account,
            md_escape(&r.trusted),
            scope,
            md_escape(&r.actions.join(", ")),
            yes_no(r.external_id).to_string(),
            mfa,
            admin,
            conditions,
            session,
            r.permission_boundary
                .as_deref()
                .map(md_escape)
                .unwrap_or_default(),
            last_used,
            tags,
        ];
        writeln!(w, "| {} |", cells.join(" | "))?;
    }
    if !reg.entry_points.is_empty() {
        writeln!(w, "\n### Entry points (IAM users)\n")?;
        writeln!(w, "| {} |", ENTRY_HEADER.join(" | "))?;
        writeln!(w, "|{}", "---|".repeat(ENTRY_HEADER.len()))?;
        for r in entry_points_rows(reg) {
            let cells: Vec<String> = r.iter().map(|c| md_escape(c)).collect();
            writeln!(w, "| {} |", cells.join(" | "))?;
        }
    }
    Ok(())
}
