//! Pretty JSON written on every core: the findings of a large scan are serialized in chunks
//! in parallel, each chunk already indented for its place in the document, and written in
//! order. The bytes are exactly what `serde_json::to_writer_pretty` writes for the whole
//! document (tested below), only ~cores× sooner for hundreds of MB of findings.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::ser::Formatter;
use trustgate_rules::{Finding, ScanOutput};

/// Findings serialized per parallel task: big enough to amortize the task, small enough that
/// both cores get many.
const FINDINGS_PER_CHUNK: usize = 1024;
/// Chunks serialized before they are written: bounds the memory held by serialized text, and
/// keeps short the last batch, which this thread writes while the pool has nothing left to do.
const CHUNKS_PER_BATCH: usize = 8;

/// serde_json's pretty layout (two spaces per level, `": "` after keys) starting at a given
/// depth, so that a value serialized alone fits where it sits inside a larger document.
/// serde_json's own `PrettyFormatter` always starts at depth 0.
struct PrettyAt {
    depth: usize,
    has_value: bool,
}

impl PrettyAt {
    fn new(depth: usize) -> PrettyAt {
        PrettyAt {
            depth,
            has_value: false,
        }
    }
}

fn indent<W: ?Sized + Write>(w: &mut W, depth: usize) -> io::Result<()> {
    for _ in 0..depth {
        w.write_all(b"  ")?;
    }
    Ok(())
}

impl PrettyAt {
    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            indent(w, self.depth)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        indent(w, self.depth)
    }
}

impl Formatter for PrettyAt {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Serializes `value` pretty-printed as if it sat at `depth` inside a larger document.
fn pretty_at<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T, depth: usize) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, PrettyAt::new(depth));
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// A batch of findings as text, a buffer per chunk, each finding after its separator.
fn serialize_findings(all: &[Finding], batch: &[Finding]) -> Vec<io::Result<Vec<u8>>> {
    batch
        .par_chunks(FINDINGS_PER_CHUNK)
        .map(|chunk| {
            let mut text = Vec::with_capacity(chunk.len() * 512);
            for f in chunk {
                // Every finding but the document's first follows a comma.
                let first = std::ptr::eq(f, &all[0]);
                text.extend_from_slice(if first { b"\n" } else { b",\n" });
                text.extend_from_slice(b"    ");
                pretty_at(&mut text, f, 2)?;
            }
            Ok(text)
        })
        .collect()
}

fn write_texts(w: &mut impl Write, texts: Vec<io::Result<Vec<u8>>>) -> io::Result<()> {
    for text in texts {
        w.write_all(&text?)?;
    }
    Ok(())
}

/// `{"findings": [...], "summary": {...}, "warnings": [...]}` pretty-printed, findings
/// serialized in parallel.
pub fn write_scan(out: &ScanOutput, w: &mut dyn Write) -> io::Result<()> {
    let mut w = io::BufWriter::with_capacity(1 << 20, w);
    w.write_all(b"{\n  \"findings\": [")?;
    // While the pool serializes one batch, this thread writes the one before.
    let mut pending: Vec<io::Result<Vec<u8>>> = Vec::new();
    for batch in out.findings.chunks(FINDINGS_PER_CHUNK * CHUNKS_PER_BATCH) {
        let mut next = Vec::new();
        let mut written = Ok(());
        rayon::in_place_scope(|s| {
            s.spawn(|_| next = serialize_findings(&out.findings, batch));
            written = write_texts(&mut w, std::mem::take(&mut pending));
        });
        written?;
        pending = next;
    }
    write_texts(&mut w, pending)?;
    if !out.findings.is_empty() {
        w.write_all(b"\n  ")?;
    }
    w.write_all(b"],\n  \"summary\": ")?;
    let mut tail = Vec::new();
    pretty_at(&mut tail, &out.summary, 1)?;
    if !out.warnings.is_empty() {
        tail.extend_from_slice(b",\n  \"warnings\": ");
        pretty_at(&mut tail, &out.warnings, 1)?;
    }
    tail.extend_from_slice(b"\n}\n");
    w.write_all(&tail)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use trustgate_rules::Severity;

    fn expected(out: &ScanOutput) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(out).unwrap();
        v.push(b'\n');
        v
    }

    fn written(out: &ScanOutput) -> Vec<u8> {
        let mut v = Vec::new();
        write_scan(out, &mut v).unwrap();
        v
    }

    fn finding(i: usize) -> Finding {
        Finding::new(
            "TG001",
            Severity::High,
            format!("arn:aws:iam::111111111111:role/r{i}"),
            "111111111111",
            "arn:aws:iam::222222222222:root",
            format!("role r{i} trusts \"an account\"\n<root>"),
        )
        .with("trusted", "arn:aws:iam::222222222222:root")
        .with("empty", serde_json::json!({}))
        .with("emptyList", serde_json::json!([]))
        .with(
            "nested",
            serde_json::json!({"a": [1, {"b": [true, null]}], "c": "ü"}),
        )
    }

    #[test]
    fn same_bytes_as_serde_json_pretty() {
        let mut out = ScanOutput::default();
        assert_eq!(written(&out), expected(&out), "no findings");
        out.warnings.push("a warning".into());
        assert_eq!(written(&out), expected(&out), "a warning, no findings");
        // Enough findings for several chunks and batches, and a partial last chunk.
        for n in [
            1,
            2,
            FINDINGS_PER_CHUNK + 1,
            FINDINGS_PER_CHUNK * CHUNKS_PER_BATCH + 7,
        ] {
            out.findings = (0..n).map(finding).collect();
            out.finish();
            assert_eq!(written(&out), expected(&out), "{n} findings");
        }
        out.warnings.clear();
        assert_eq!(written(&out), expected(&out), "no warnings");
    }
}
