//! Snapshots of every format of both renderers on the fixture in `common/`, plus the
//! properties the snapshots are meant to show (escaping, round trips, alignment).

mod common;

use trustgate_report::{render_registry, render_scan, RegistryFormat, RenderOptions, ScanFormat};
use trustgate_rules::{Registry, ScanOutput};

fn opts() -> RenderOptions {
    RenderOptions {
        tool_version: "0.0.0-test".into(),
        information_uri: "https://example.invalid/trustgate".into(),
        ..RenderOptions::default()
    }
}

fn scan(format: ScanFormat, opts: &RenderOptions) -> String {
    let mut buf = Vec::new();
    render_scan(
        &common::scan_output(),
        &common::rules(),
        format,
        opts,
        &mut buf,
    )
    .unwrap();
    String::from_utf8(buf).unwrap()
}

fn registry(format: RegistryFormat, opts: &RenderOptions) -> String {
    let mut buf = Vec::new();
    render_registry(&common::registry(), format, opts, &mut buf).unwrap();
    String::from_utf8(buf).unwrap()
}

// ---- findings ----------------------------------------------------------------------------

#[test]
fn scan_table() {
    insta::assert_snapshot!("scan_table", scan(ScanFormat::Table, &opts()));
}

#[test]
fn scan_table_wrapped_to_width() {
    let o = RenderOptions {
        width: Some(100),
        ..opts()
    };
    let out = scan(ScanFormat::Table, &o);
    for line in out.lines() {
        // Every line fits except where a single column's content cannot (none in the fixture).
        assert!(
            line.chars().map(display_width).sum::<usize>() <= 100,
            "too wide: {line:?}"
        );
    }
    insta::assert_snapshot!("scan_table_width_100", out);
}

#[test]
fn scan_table_color() {
    let o = RenderOptions {
        color: true,
        ..opts()
    };
    insta::assert_snapshot!("scan_table_color", scan(ScanFormat::Table, &o));
}

#[test]
fn scan_table_empty() {
    let mut out = ScanOutput::default();
    out.finish();
    out.summary.accounts = 1;
    let mut buf = Vec::new();
    render_scan(&out, &common::rules(), ScanFormat::Table, &opts(), &mut buf).unwrap();
    insta::assert_snapshot!("scan_table_empty", String::from_utf8(buf).unwrap());
}

#[test]
fn scan_table_has_no_raw_escapes_without_color() {
    let out = scan(ScanFormat::Table, &opts());
    assert!(!out.contains('\u{1b}'), "raw ESC reached the terminal");
    assert!(
        !out.contains('\u{202e}'),
        "raw bidi override reached the terminal"
    );
    assert!(out.contains("\\u{1b}[31mred"), "ESC shown escaped");
}

/// Display width for the fixture's characters: CJK and kana are two columns wide.
fn display_width(c: char) -> usize {
    if ('\u{3000}'..='\u{9fff}').contains(&c) {
        2
    } else {
        1
    }
}

#[test]
fn scan_table_columns_align() {
    let out = scan(ScanFormat::Table, &opts());
    let header = out.lines().next().unwrap();
    let msg_col = header.find("MESSAGE").unwrap();
    // Every finding line and continuation line starts its message at the same display column.
    for line in out.lines().skip(1).take_while(|l| !l.is_empty()) {
        let mut w = 0;
        let mut idx = None;
        for (i, c) in line.char_indices() {
            if w == msg_col {
                idx = Some(i);
                break;
            }
            w += display_width(c);
        }
        let idx = idx.unwrap_or_else(|| panic!("line shorter than the message column: {line:?}"));
        assert!(
            !line[idx..].starts_with(' '),
            "message not at column {msg_col}: {line:?}"
        );
        assert!(
            line[..idx].ends_with("  "),
            "no gap before the message: {line:?}"
        );
    }
}

#[test]
fn scan_json() {
    let out = scan(ScanFormat::Json, &opts());
    // Exactly the serde form, plus a newline: the stable contract.
    let expected = serde_json::to_string_pretty(&common::scan_output()).unwrap() + "\n";
    assert_eq!(out, expected);
    let back: ScanOutput = serde_json::from_str(&out).unwrap();
    assert_eq!(back, common::scan_output());
    insta::assert_snapshot!("scan_json", out);
}

#[test]
fn scan_csv() {
    let out = scan(ScanFormat::Csv, &opts());
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        headers,
        [
            "rule",
            "severity",
            "account",
            "resource",
            "message",
            "details",
            "fingerprint"
        ]
    );
    let input = common::scan_output();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), input.findings.len());
    for (row, f) in rows.iter().zip(&input.findings) {
        assert_eq!(&row[0], f.rule);
        assert_eq!(&row[1], f.severity.as_str());
        assert_eq!(&row[3], f.resource);
        let details: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&row[5]).unwrap();
        assert_eq!(details, f.details.to_map());
        assert_eq!(&row[6], f.fingerprint);
        if f.message.starts_with('=') {
            assert_eq!(row[4], format!("'{}", f.message), "formula neutralized");
        } else {
            assert_eq!(&row[4], f.message, "multi-line and quoted fields survive");
        }
    }
    insta::assert_snapshot!("scan_csv", out);
}

/// Cells of a Markdown table row: splits on `|` not escaped by a backslash.
fn md_cells(line: &str) -> usize {
    let mut n = 0;
    let mut backslashes = 0;
    for c in line.chars() {
        if c == '|' && backslashes % 2 == 0 {
            n += 1;
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
    }
    n
}

/// Every table keeps the column count of its header, and no HTML from the data survives.
fn assert_markdown_safe(md: &str) {
    let mut expected: Option<usize> = None;
    for line in md.lines() {
        if line.starts_with('|') {
            let n = md_cells(line);
            match expected {
                None => expected = Some(n),
                Some(e) => assert_eq!(n, e, "broken table row: {line}"),
            }
        } else {
            expected = None;
        }
    }
    assert!(!md.contains("<script"), "HTML from the data");
    assert!(!md.contains("<b>"), "HTML from the data");
    assert!(!md.contains('\u{1b}'));
}

#[test]
fn scan_markdown() {
    let out = scan(ScanFormat::Markdown, &opts());
    assert_markdown_safe(&out);
    assert!(out.contains("**Fix:** Name the trusted principals"));
    insta::assert_snapshot!("scan_markdown", out);
}

#[test]
fn scan_markdown_empty() {
    let mut out = ScanOutput::default();
    out.finish();
    let mut buf = Vec::new();
    render_scan(
        &out,
        &common::rules(),
        ScanFormat::Markdown,
        &opts(),
        &mut buf,
    )
    .unwrap();
    insta::assert_snapshot!("scan_markdown_empty", String::from_utf8(buf).unwrap());
}

#[test]
fn scan_sarif() {
    let o = RenderOptions {
        sarif_uri_base: Some("snapshots/org".into()),
        ..opts()
    };
    insta::assert_snapshot!("scan_sarif", scan(ScanFormat::Sarif, &o));
}

// ---- registry ----------------------------------------------------------------------------

#[test]
fn registry_table() {
    let out = registry(RegistryFormat::Table, &opts());
    assert!(!out.contains('\u{1b}'));
    insta::assert_snapshot!("registry_table", out);
}

#[test]
fn registry_table_color() {
    let o = RenderOptions {
        color: true,
        ..opts()
    };
    insta::assert_snapshot!("registry_table_color", registry(RegistryFormat::Table, &o));
}

#[test]
fn registry_table_empty() {
    let mut buf = Vec::new();
    render_registry(
        &Registry::default(),
        RegistryFormat::Table,
        &opts(),
        &mut buf,
    )
    .unwrap();
    assert_eq!(String::from_utf8(buf).unwrap(), "No trust relationships.\n");
}

#[test]
fn registry_json() {
    let out = registry(RegistryFormat::Json, &opts());
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["relationships"].as_array().unwrap().len(), 6);
    assert_eq!(
        out,
        serde_json::to_string_pretty(&common::registry()).unwrap() + "\n"
    );
    insta::assert_snapshot!("registry_json", out);
}

#[test]
fn registry_csv() {
    let out = registry(RegistryFormat::Csv, &opts());
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    assert_eq!(headers.len(), 28);
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 6);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let ci = &rows[2];
    assert_eq!(
        &ci[col("conditions")],
        "StringEquals aws:PrincipalOrgID=o-abc123; StringLike aws:PrincipalArn=arn:aws:iam::111111111111:role/ci/*|arn:aws:iam::111111111111:role/deploy|*"
    );
    assert_eq!(&ci[col("adminEquivalent")], "true");
    assert_eq!(&ci[col("services")], "*");
    assert_eq!(
        &ci[col("accessLevels")],
        "List; Read; Write; Permissions management; Tagging"
    );
    assert_eq!(&ci[col("trustedType")], "role");
    assert!(ci[col("tags")].contains("owner=<script>alert(1)</script>"));
    assert!(
        ci[col("tags")].starts_with("cost-center==1+2; "),
        "{}",
        &ci[col("tags")]
    );
    assert_eq!(&rows[5][col("trustedType")], "deleted-principal");
    insta::assert_snapshot!("registry_csv", out);
}

#[test]
fn registry_markdown() {
    let out = registry(RegistryFormat::Markdown, &opts());
    assert_markdown_safe(&out);
    assert!(out.contains("owner=&lt;script&gt;alert(1)&lt;/script&gt;"));
    insta::assert_snapshot!("registry_markdown", out);
}
