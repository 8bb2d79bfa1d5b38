//! Text helpers shared by the human-facing renderers: display width, terminal-safe text,
//! wrapping, shortening, ANSI styling and Markdown escaping.

/// Display width of one character in a terminal cell grid: 0 for combining marks and
/// zero-width characters, 2 for East Asian wide/fullwidth characters and emoji, else 1.
///
/// A compact approximation of Unicode's East Asian Width and general categories: good enough
/// to keep columns aligned for the scripts and emoji that show up in IAM names and tags.
pub(crate) fn char_width(c: char) -> usize {
    let cp = c as u32;
    if is_zero_width(cp) {
        return 0;
    }
    if is_wide(cp) {
        return 2;
    }
    1
}

fn is_zero_width(cp: u32) -> bool {
    matches!(cp,
        0x0300..=0x036F   // combining diacritical marks
        | 0x0483..=0x0489
        | 0x0591..=0x05BD
        | 0x0610..=0x061A
        | 0x064B..=0x065F
        | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E
        | 0x1AB0..=0x1AFF
        | 0x1DC0..=0x1DFF
        | 0x200B..=0x200D // zero-width space / non-joiner / joiner
        | 0x20D0..=0x20FF
        | 0xFE00..=0xFE0F // variation selectors
        | 0xFE20..=0xFE2F
        | 0xE0100..=0xE01EF)
}

fn is_wide(cp: u32) -> bool {
    matches!(cp,
        0x1100..=0x115F
        | 0x231A..=0x231B
        | 0x2329..=0x232A
        | 0x23E9..=0x23EC
        | 0x23F0 | 0x23F3
        | 0x25FD..=0x25FE
        | 0x2614..=0x2615
        | 0x2648..=0x2653
        | 0x267F | 0x2693 | 0x26A1 | 0x26AA..=0x26AB | 0x26BD..=0x26BE | 0x26C4..=0x26C5
        | 0x26CE | 0x26D4 | 0x26EA | 0x26F2..=0x26F3 | 0x26F5 | 0x26FA | 0x26FD
        | 0x2705 | 0x270A..=0x270B | 0x2728 | 0x274C | 0x274E | 0x2753..=0x2755 | 0x2757
        | 0x2795..=0x2797 | 0x27B0 | 0x27BF
        | 0x2B1B..=0x2B1C | 0x2B50 | 0x2B55
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xA960..=0xA97F
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE10..=0xFE19
        | 0xFE30..=0xFE6F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F004 | 0x1F0CF | 0x1F18E | 0x1F191..=0x1F19A
        | 0x1F200..=0x1F251
        | 0x1F300..=0x1F64F
        | 0x1F680..=0x1F6FF
        | 0x1F7E0..=0x1F7EB
        | 0x1F90C..=0x1F9FF
        | 0x1FA70..=0x1FAFF
        | 0x20000..=0x2FFFD
        | 0x30000..=0x3FFFD)
}

/// Display width of a string (see [`char_width`]).
pub(crate) fn str_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Characters that must never reach a terminal or a rendered document as themselves: C0/C1
/// controls (ESC starts ANSI sequences) and the Unicode bidirectional overrides that can make
/// text display differently from what it is ("Trojan Source").
pub(crate) fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c as u32, 0x061C | 0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069)
}

/// Pushes `c` visibly escaped, Rust style (`\u{1b}`).
fn push_escaped(out: &mut String, c: char) {
    out.push_str(&format!("\\u{{{:x}}}", c as u32));
}

/// Terminal-safe single line: tabs become a space, other unsafe characters (including any
/// newline left in `s`) are shown escaped.
pub(crate) fn sanitize_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '\t' {
            out.push(' ');
        } else if is_unsafe_char(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits on line breaks (`\n`, `\r\n`, lone `\r`) and sanitizes each line.
pub(crate) fn safe_lines(s: &str) -> Vec<String> {
    let normalized = s.replace("\r\n", "\n").replace('\r', "\n");
    normalized.split('\n').map(sanitize_line).collect()
}

/// Word-wraps one (already sanitized) line to `width` display columns. Words longer than
/// `width` are broken. Always returns at least one line.
pub(crate) fn wrap_line(line: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_w = 0;
    for word in line.split(' ') {
        let w = str_width(word);
        let sep = usize::from(!cur.is_empty());
        if cur_w + sep + w <= width {
            if sep == 1 {
                cur.push(' ');
            }
            cur.push_str(word);
            cur_w += sep + w;
            continue;
        }
        if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if w <= width {
            cur.push_str(word);
            cur_w = w;
            continue;
        }
        // Break a word wider than the column, preferably after a separator (`/`, `:`…) in
        // the second half of the piece, so ARNs break between their parts.
        let mut rest = word;
        loop {
            let rest_w = str_width(rest);
            if rest_w <= width {
                cur.push_str(rest);
                cur_w = rest_w;
                break;
            }
            let mut end = 0;
            let mut w = 0;
            for (i, c) in rest.char_indices() {
                let cw = char_width(c);
                if w + cw > width && end > 0 {
                    break;
                }
                w += cw;
                end = i + c.len_utf8();
            }
            if let Some(i) = rest[..end].rfind(['/', ':', ',', ';', '|', '-', '.']) {
                if i + 1 >= end / 2 && i + 1 < end {
                    end = i + 1;
                }
            }
            out.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    if !cur.is_empty() || out.is_empty() {
        out.push(cur);
    }
    out
}

/// Wraps text that may contain line breaks: each line is sanitized, then wrapped to `width`
/// when given.
pub(crate) fn wrap_text(s: &str, width: Option<usize>) -> Vec<String> {
    let mut out = Vec::new();
    for line in safe_lines(s) {
        match width {
            Some(w) => out.extend(wrap_line(&line, w)),
            None => out.push(line),
        }
    }
    out
}

/// Shortens a (sanitized, single-line) string to at most `max` columns with a `…` in the
/// middle, keeping the beginning up to the first `/` (the resource type, as in `role/`) when
/// that is short, and as much of the end (the name) as fits.
pub(crate) fn shorten_middle(s: &str, max: usize) -> String {
    if str_width(s) <= max || max < 5 {
        return s.to_string();
    }
    let budget = max - 1; // room for the ellipsis
    let mut head = String::new();
    let mut head_w = 0;
    let slash_head = s
        .find('/')
        .map(|i| &s[..=i])
        .filter(|h| str_width(h) <= budget / 3);
    match slash_head {
        Some(h) => {
            head.push_str(h);
            head_w = str_width(h);
        }
        None => {
            for c in s.chars() {
                let cw = char_width(c);
                if head_w + cw > budget / 3 {
                    break;
                }
                head.push(c);
                head_w += cw;
            }
        }
    }
    let mut tail: Vec<char> = Vec::new();
    let mut tail_w = 0;
    for c in s.chars().rev() {
        let cw = char_width(c);
        if head_w + tail_w + cw > budget {
            break;
        }
        tail.push(c);
        tail_w += cw;
    }
    tail.reverse();
    // Cut at a path boundary when the tail starts mid-segment: `role/…/Name`, not `role/…me`.
    let cut_mid_segment = tail.first().is_some_and(|&c| c != '/')
        && s.chars().rev().nth(tail.len()).is_some_and(|c| c != '/');
    if cut_mid_segment {
        if let Some(i) = tail.iter().position(|&c| c == '/') {
            if i + 1 < tail.len() {
                tail.drain(..i);
            }
        }
    }
    let mut out = head;
    out.push('…');
    out.extend(tail);
    out
}

/// Pads `s` with spaces to `width` display columns.
pub(crate) fn pad(s: &str, width: usize) -> String {
    let w = str_width(s);
    let mut out = s.to_string();
    if w < width {
        out.push_str(&" ".repeat(width - w));
    }
    out
}

/// ANSI styling, a no-op unless enabled.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paint {
    pub on: bool,
}

impl Paint {
    pub const BOLD: &'static str = "1";
    pub const DIM: &'static str = "2";
    pub const RED: &'static str = "31";
    pub const BOLD_RED: &'static str = "1;31";
    pub const YELLOW: &'static str = "33";
    pub const CYAN: &'static str = "36";
    pub const MAGENTA: &'static str = "35";
    pub const GREEN: &'static str = "32";

    /// `s` wrapped in the SGR sequence `code` (when enabled and `s` is not blank).
    pub fn paint(self, code: &str, s: &str) -> String {
        if !self.on || code.is_empty() || s.trim().is_empty() {
            return s.to_string();
        }
        format!("\x1b[{code}m{s}\x1b[0m")
    }
}

/// Escapes text for a Markdown table cell or inline text (GitHub-flavoured Markdown):
/// `\ | ` * _ [ ] ~` are backslash-escaped (no broken tables, no emphasis, links or code from
/// data), `& < >` become entities (no HTML), line breaks become `<br>`, and control or
/// bidirectional-override characters are shown escaped.
pub(crate) fn md_escape(s: &str) -> String {
    let normalized = s.replace("\r\n", "\n");
    let mut out = String::with_capacity(normalized.len());
    for c in normalized.chars() {
        match c {
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("<br>"),
            '\t' => out.push(' '),
            c if is_unsafe_char(c) => {
                // `\u{1b}` shown literally: its backslash is escaped too.
                out.push('\\');
                push_escaped(&mut out, c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Neutralizes spreadsheet formula injection (CSV opened in Excel, LibreOffice, Sheets): a
/// cell starting with `= + - @`, tab or carriage return is prefixed with `'`.
pub(crate) fn csv_safe(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// Compact JSON of a value (never fails for `serde_json::Value` and friends).
pub(crate) fn compact_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The parts of an ARN: (service, account, resource). `None` when `s` is not an ARN.
pub(crate) fn arn_parts(s: &str) -> Option<(&str, &str, &str)> {
    let mut it = s.splitn(6, ':');
    if it.next()? != "arn" {
        return None;
    }
    let _partition = it.next()?;
    let service = it.next()?;
    let _region = it.next()?;
    let account = it.next()?;
    let resource = it.next()?;
    Some((service, account, resource))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths() {
        assert_eq!(str_width("abc"), 3);
        assert_eq!(str_width("日本"), 4);
        assert_eq!(str_width("e\u{301}"), 1);
        assert_eq!(str_width("🔥x"), 3);
    }

    #[test]
    fn sanitizes_terminal_escapes() {
        assert_eq!(sanitize_line("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(sanitize_line("x\u{202e}y\tz"), "x\\u{202e}y z");
        assert_eq!(safe_lines("a\r\nb\rc\nd"), vec!["a", "b", "c", "d"]);
    }

    #[test]
    fn wraps_words_and_breaks_long_ones() {
        assert_eq!(wrap_line("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(wrap_line("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert_eq!(wrap_line("", 3), vec![""]);
        assert_eq!(
            wrap_line("by arn:aws:iam::111111111111:role/ci/GitHubActions now", 40),
            vec![
                "by",
                "arn:aws:iam::111111111111:role/ci/",
                "GitHubActions now"
            ]
        );
        assert_eq!(wrap_line("日本語です", 4), vec!["日本", "語で", "す"]);
        assert_eq!(wrap_text("a b\nc", Some(10)), vec!["a b", "c"]);
    }

    #[test]
    fn shortens_keeping_type_and_name() {
        let s = "role/a/very/long/path/that/goes/on/and/on/DeployRole";
        let short = shorten_middle(s, 30);
        assert_eq!(short, "role/…/on/and/on/DeployRole");
        let short = shorten_middle("role/abcdefghijklmnopqrstuvwxyz0123456789", 20);
        assert_eq!(str_width(&short), 20);
        assert!(short.starts_with("role/…"), "{short}");
        assert_eq!(shorten_middle("short", 30), "short");
    }

    #[test]
    fn markdown_escaping() {
        assert_eq!(
            md_escape("a|b<script>`x`\n*y*_z_ [l](u) \\| & ~"),
            "a\\|b&lt;script&gt;\\`x\\`<br>\\*y\\*\\_z\\_ \\[l\\](u) \\\\\\| &amp; \\~"
        );
        assert_eq!(md_escape("\x1b"), "\\\\u{1b}");
    }

    #[test]
    fn csv_formula_neutralized() {
        assert_eq!(csv_safe("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_safe("arn:aws:iam::1:root"), "arn:aws:iam::1:root");
    }

    #[test]
    fn arn_split() {
        assert_eq!(
            arn_parts("arn:aws:iam::111111111111:role/a/b"),
            Some(("iam", "111111111111", "role/a/b"))
        );
        assert_eq!(
            arn_parts("arn:aws:s3:::bucket/key:x"),
            Some(("s3", "", "bucket/key:x"))
        );
        assert_eq!(arn_parts("ec2.amazonaws.com"), None);
    }
}
