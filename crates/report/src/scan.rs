//! Findings as a table, CSV and Markdown (JSON is the serde form; SARIF has its own module).

use std::collections::BTreeMap;
use std::io::{self, Write};

use trustgate_rules::{Finding, RuleDoc, ScanOutput, Severity};

use crate::text::{
    arn_parts, compact_json, csv_safe, md_escape, pad, sanitize_line, shorten_middle, str_width,
    wrap_text, Paint,
};
use crate::{csv_err, RenderOptions};

/// Widest the RESOURCE column gets; longer values are shortened in the middle.
const RESOURCE_MAX: usize = 48;
/// Narrowest the RESOURCE column gets to make room for messages on a narrow terminal.
const RESOURCE_MIN: usize = 24;
/// Narrowest the MESSAGE column gets when wrapping to a terminal width.
const MESSAGE_MIN: usize = 40;
const GAP: &str = "  ";

/// Findings in the order people read them: most severe first, then rule, account, resource.
pub(crate) fn sorted(out: &ScanOutput) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = out.findings.iter().collect();
    v.sort_by(|a, b| trustgate_rules::finding::report_order(a, b));
    v
}

pub(crate) fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => Paint::BOLD_RED,
        Severity::High => Paint::RED,
        Severity::Medium => Paint::YELLOW,
        Severity::Low => Paint::CYAN,
        Severity::Info => Paint::DIM,
    }
}

/// Counts per severity, most severe first, computed from the findings themselves.
fn severity_counts(out: &ScanOutput) -> Vec<(Severity, usize)> {
    Severity::ALL
        .iter()
        .rev()
        .map(|&s| (s, out.findings.iter().filter(|f| f.severity == s).count()))
        .collect()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The RESOURCE cell before shortening: the ARN without what other columns already say.
/// IAM/STS ARNs show their resource part (`role/path/Name`), prefixed by the account when it
/// differs from the finding's; other ARNs show `service:resource` (`s3:bucket`).
fn resource_short(resource: &str, account: &str) -> String {
    let short = match arn_parts(resource) {
        Some(("iam" | "sts", acct, res)) if !res.is_empty() => {
            if acct.is_empty() || acct == account {
                res.to_string()
            } else {
                format!("{acct}:{res}")
            }
        }
        Some((service, _, res)) if !res.is_empty() && !service.is_empty() => {
            format!("{service}:{res}")
        }
        _ => resource.to_string(),
    };
    sanitize_line(&short)
}

struct Row {
    severity: Severity,
    rule: String,
    account: String,
    resource: String,
    message: String,
}

/// A padded cell: painted text followed by plain spaces (so colors never count as width).
fn cell(paint: Paint, code: &str, text: &str, width: usize) -> String {
    let mut s = paint.paint(code, text);
    let w = str_width(text);
    if w < width {
        s.push_str(&" ".repeat(width - w));
    }
    s
}

pub(crate) fn table(out: &ScanOutput, opts: &RenderOptions, w: &mut dyn Write) -> io::Result<()> {
    let paint = Paint { on: opts.color };
    let findings = sorted(out);
    let mut rows: Vec<Row> = findings
        .iter()
        .map(|f| Row {
            severity: f.severity,
            rule: sanitize_line(&f.rule),
            account: sanitize_line(&f.account),
            resource: resource_short(&f.resource, &f.account),
            message: f.message.clone(),
        })
        .collect();
    let any_shortened = findings
        .iter()
        .zip(&rows)
        .any(|(f, r)| f.resource != r.resource);

    if rows.is_empty() {
        writeln!(w, "{}", paint.paint(Paint::GREEN, "No findings."))?;
    } else {
        let headers = ["SEVERITY", "RULE", "ACCOUNT", "RESOURCE", "MESSAGE"];
        let col = |rows: &[Row], i: usize, get: &dyn Fn(&Row) -> usize| {
            rows.iter()
                .map(get)
                .max()
                .unwrap_or(0)
                .max(headers[i].len())
        };
        let sev_w = col(&rows, 0, &|r| r.severity.as_str().len());
        let rule_w = col(&rows, 1, &|r| str_width(&r.rule));
        let acct_w = col(&rows, 2, &|r| str_width(&r.account));
        // RESOURCE gives up room (down to RESOURCE_MIN) before MESSAGE goes below MESSAGE_MIN.
        let res_cap = match opts.width {
            Some(tw) => tw
                .saturating_sub(sev_w + rule_w + acct_w + 4 * GAP.len() + MESSAGE_MIN)
                .clamp(RESOURCE_MIN, RESOURCE_MAX),
            None => RESOURCE_MAX,
        };
        for r in &mut rows {
            r.resource = shorten_middle(&r.resource, res_cap);
        }
        let res_w = col(&rows, 3, &|r| str_width(&r.resource));
        let fixed = sev_w + rule_w + acct_w + res_w + 4 * GAP.len();
        let msg_w = opts
            .width
            .map(|tw| tw.saturating_sub(fixed).max(MESSAGE_MIN));

        let header = [
            pad(headers[0], sev_w),
            pad(headers[1], rule_w),
            pad(headers[2], acct_w),
            pad(headers[3], res_w),
            headers[4].to_string(),
        ]
        .join(GAP);
        writeln!(w, "{}", paint.paint(Paint::BOLD, &header))?;

        let indent = " ".repeat(fixed);
        for r in &rows {
            let lines = wrap_text(&r.message, msg_w);
            let first = [
                cell(
                    paint,
                    severity_color(r.severity),
                    r.severity.as_str(),
                    sev_w,
                ),
                cell(paint, Paint::BOLD, &r.rule, rule_w),
                cell(paint, "", &r.account, acct_w),
                cell(paint, Paint::MAGENTA, &r.resource, res_w),
                lines[0].clone(),
            ]
            .join(GAP);
            writeln!(w, "{}", first.trim_end())?;
            for line in &lines[1..] {
                writeln!(w, "{}", format!("{indent}{line}").trim_end())?;
            }
        }
        writeln!(w)?;
    }

    // Footer: counts, scope of the scan, baseline, warnings.
    let counts = severity_counts(out);
    let total = out.findings.len();
    let parts: Vec<String> = counts
        .iter()
        .map(|&(s, n)| {
            let text = format!("{n} {s}");
            if n > 0 {
                paint.paint(severity_color(s), &text)
            } else {
                text
            }
        })
        .collect();
    if total > 0 {
        writeln!(
            w,
            "{}: {}",
            paint.paint(Paint::BOLD, &plural(total, "finding", "findings")),
            parts.join(", ")
        )?;
    }
    let s = &out.summary;
    let mut scanned = format!(
        "scanned {}, {}, {}",
        plural(s.accounts, "account", "accounts"),
        plural(s.roles, "role", "roles"),
        plural(s.relationships, "trust relationship", "trust relationships"),
    );
    if s.suppressed_by_baseline > 0 {
        scanned.push_str(&format!(
            "; {} suppressed by the baseline",
            plural(s.suppressed_by_baseline, "finding", "findings")
        ));
    }
    writeln!(w, "{scanned}")?;
    if !out.warnings.is_empty() {
        writeln!(
            w,
            "{}",
            paint.paint(
                Paint::YELLOW,
                &plural(out.warnings.len(), "warning:", "warnings:")
            )
        )?;
        for warning in &out.warnings {
            let mut lines = wrap_text(warning, opts.width.map(|tw| tw.saturating_sub(4).max(20)));
            let first = lines.remove(0);
            writeln!(w, "  - {first}")?;
            for l in lines {
                writeln!(w, "    {l}")?;
            }
        }
    }
    if any_shortened {
        writeln!(
            w,
            "{}",
            paint.paint(
                Paint::DIM,
                "RESOURCE omits the ARN prefix (and shortens long paths): JSON, CSV and SARIF carry full ARNs"
            )
        )?;
    }
    Ok(())
}

pub(crate) fn csv(out: &ScanOutput, w: &mut dyn Write) -> io::Result<()> {
    let mut wtr = ::csv::Writer::from_writer(w);
    wtr.write_record([
        "rule",
        "severity",
        "account",
        "resource",
        "message",
        "details",
        "fingerprint",
    ])
    .map_err(csv_err)?;
    for f in &out.findings {
        let details = compact_json(&f.details);
        wtr.write_record([
            csv_safe(&f.rule).as_ref(),
            f.severity.as_str(),
            csv_safe(&f.account).as_ref(),
            csv_safe(&f.resource).as_ref(),
            csv_safe(&f.message).as_ref(),
            details.as_str(),
            csv_safe(&f.fingerprint).as_ref(),
        ])
        .map_err(csv_err)?;
    }
    wtr.flush()
}

/// Details as `key: value` lines (strings bare, anything else as compact JSON), escaped.
fn md_details(f: &Finding) -> String {
    f.details
        .iter()
        .map(|(k, text)| {
            // The stored text is compact JSON already; only strings are shown unquoted.
            let v = match serde_json::from_str::<String>(text) {
                Ok(s) => s,
                Err(_) => text.to_string(),
            };
            format!("{}: {}", md_escape(k), md_escape(&v))
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

pub(crate) fn markdown(out: &ScanOutput, rules: &[RuleDoc], w: &mut dyn Write) -> io::Result<()> {
    let s = &out.summary;
    let total = out.findings.len();
    writeln!(w, "# trustgate scan\n")?;
    let counts = severity_counts(out);
    let nonzero: Vec<String> = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    if nonzero.is_empty() {
        writeln!(w, "**No findings.**\n")?;
    } else {
        writeln!(
            w,
            "**{}**: {}\n",
            plural(total, "finding", "findings"),
            nonzero.join(", ")
        )?;
    }
    writeln!(w, "| Summary | Count |")?;
    writeln!(w, "|---|---:|")?;
    writeln!(w, "| Accounts scanned | {} |", s.accounts)?;
    writeln!(w, "| Roles | {} |", s.roles)?;
    writeln!(w, "| Trust relationships | {} |", s.relationships)?;
    writeln!(w, "| Findings | {total} |")?;
    for (sev, n) in &counts {
        writeln!(w, "| {sev} | {n} |")?;
    }
    writeln!(
        w,
        "| Suppressed by the baseline | {} |",
        s.suppressed_by_baseline
    )?;

    if !out.warnings.is_empty() {
        writeln!(w, "\n## Warnings\n")?;
        for warning in &out.warnings {
            writeln!(w, "- {}", md_escape(warning))?;
        }
    }

    if total == 0 {
        return Ok(());
    }
    writeln!(w, "\n## Findings")?;

    // Groups by rule: most severe group first, then by rule ID.
    let mut groups: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in sorted(out) {
        groups.entry(f.rule.as_str()).or_default().push(f);
    }
    let mut groups: Vec<(&str, Vec<&Finding>)> = groups.into_iter().collect();
    groups.sort_by(|(ra, a), (rb, b)| {
        let max = |v: &Vec<&Finding>| v.iter().map(|f| f.severity).max();
        max(b).cmp(&max(a)).then_with(|| ra.cmp(rb))
    });

    for (rule, findings) in groups {
        let doc = rules.iter().find(|d| d.id == rule);
        match doc {
            Some(d) => writeln!(w, "\n### {} {}: {}\n", d.id, d.name, d.title)?,
            None => writeln!(w, "\n### {}\n", md_escape(rule))?,
        }
        let mut line = plural(findings.len(), "finding", "findings");
        if let Some(d) = doc {
            line.push_str(&format!(" · default severity {}", d.severity));
        }
        writeln!(w, "{line}\n")?;
        if let Some(d) = doc {
            writeln!(w, "**Fix:** {}\n", d.fix.trim())?;
        }
        writeln!(w, "| Severity | Account | Resource | Message | Details |")?;
        writeln!(w, "|---|---|---|---|---|")?;
        for f in findings {
            writeln!(
                w,
                "| {} | {} | {} | {} | {} |",
                f.severity,
                md_escape(&f.account),
                md_escape(&f.resource),
                md_escape(&f.message),
                md_details(f),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_cells() {
        let acct = "111111111111";
        assert_eq!(
            resource_short("arn:aws:iam::111111111111:role/ci/Deploy", acct),
            "role/ci/Deploy"
        );
        assert_eq!(
            resource_short("arn:aws:iam::222222222222:role/X", acct),
            "222222222222:role/X"
        );
        assert_eq!(
            resource_short("arn:aws:s3:::logs-bucket", acct),
            "s3:logs-bucket"
        );
        assert_eq!(resource_short("plain", acct), "plain");
    }
}
