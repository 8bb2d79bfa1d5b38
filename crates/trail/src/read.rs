//! Reading CloudTrail log files from a directory: in parallel across files (rayon), each file
//! read whole (gzip decompressed whole with libdeflate, [`crate::inflate`]; streamed with
//! flate2 when that cannot be done) and its records fed one by one into the aggregation.
//!
//! Accepted, plain or gzip-compressed (recognized by content, not by name):
//! * CloudTrail's delivery format `{"Records": [...]}` (any directory layout, e.g.
//!   `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz`, organization trails
//!   `AWSLogs/<org-id>/<account>/CloudTrail/…`);
//! * a JSON array of records;
//! * JSON Lines, one record per line (CloudTrail Lake exports, Athena/Trino `UNLOAD … JSON`
//!   with lower-case column names and `requestparameters` as a JSON string);
//! * a stream of pretty-printed records or `{"Records": …}` objects.
//!
//! A file that cannot be read, or only in part, is reported in [`ReadStats::warnings`] with
//! its path and the place (line:column and record index, or line number), and the other
//! files are still read. Records read before a fault are kept and the warning says how many.

use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use rayon::prelude::*;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::aggregate::RawAggregate;
use crate::event::{extract_call, RawRecord};

/// Problems listed per file before they are only counted.
const PROBLEMS_PER_FILE: usize = 10;

/// What reading the logs did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadStats {
    /// Log files read (fully or in part).
    pub files: u64,
    /// Files of which nothing could be read (cannot open, not gzip/JSON…).
    pub files_unreadable: u64,
    /// Files read only in part (truncated gzip, malformed JSON after some records…).
    pub files_partial: u64,
    /// Files with problems in single records (the rest of the file was read).
    pub files_with_bad_records: u64,
    /// Empty files.
    pub files_empty: u64,
    /// Files not read because of their names (not .json, .jsonl, .ndjson or .gz).
    pub files_ignored: u64,
    /// CloudTrail digest and Insights files, which hold no API events.
    pub digest_files: u64,
    /// Bytes on disk of the files read.
    pub bytes: u64,
    /// Bytes of JSON after decompression.
    pub json_bytes: u64,
    /// Records read (all services).
    pub records: u64,
    /// Role-assumption events aggregated.
    pub events: u64,
    /// Records that could not be used (an STS record without a role ARN, a JSON object that
    /// is not a CloudTrail record…), each reported.
    pub records_skipped: u64,
    /// Every problem, each naming the file and the place.
    pub warnings: Vec<String>,
}

impl ReadStats {
    fn merge(mut self, o: ReadStats) -> ReadStats {
        self.files += o.files;
        self.files_unreadable += o.files_unreadable;
        self.files_partial += o.files_partial;
        self.files_with_bad_records += o.files_with_bad_records;
        self.files_empty += o.files_empty;
        self.files_ignored += o.files_ignored;
        self.digest_files += o.digest_files;
        self.bytes += o.bytes;
        self.json_bytes += o.json_bytes;
        self.records += o.records;
        self.events += o.events;
        self.records_skipped += o.records_skipped;
        self.warnings.extend(o.warnings);
        self
    }

    /// Whether anything could not be read (files or records).
    pub fn incomplete(&self) -> bool {
        self.files_unreadable + self.files_partial + self.records_skipped > 0
    }
}

/// How to aggregate.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Length of the windows failed calls are counted in (probing bursts), seconds.
    pub window_seconds: i64,
    /// Validate `{"Records": …}` files with [`crate::scan`] and parse only their STS and
    /// sign-in records (the answers are the same; off: every record through serde).
    pub fast_path: bool,
    /// Decompress gzip files whole with libdeflate (off: stream them with flate2, as files
    /// libdeflate cannot take whole always are; the answers are the same).
    pub libdeflate: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            window_seconds: 600,
            fast_path: true,
            libdeflate: true,
        }
    }
}

/// Reads every log file under `path` (a directory, searched recursively, or one file).
/// Errors only when `path` itself cannot be read; problems with files are warnings.
pub fn read_logs(path: &Path, opts: &ReadOptions) -> Result<(RawAggregate, ReadStats), String> {
    let mut listing = ReadStats::default();
    let files = list_files(path, &mut listing)?;
    // Each thread tallies into the aggregate of the scratch it holds (one per thread at
    // most), merged once at the end: merging tallies costs more than keeping them apart.
    let pool = ScratchPool::default();
    let stats = files
        .par_iter()
        .fold(ReadStats::default, |mut stats, f| {
            pool.with(|scratch| {
                let mut agg = scratch
                    .agg
                    .take()
                    .unwrap_or_else(|| RawAggregate::new(opts.window_seconds));
                read_file(f, &mut agg, &mut stats, opts, scratch);
                scratch.agg = Some(agg);
            });
            stats
        })
        .reduce(ReadStats::default, ReadStats::merge);
    let agg = pool
        .0
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .into_iter()
        .filter_map(|s| s.agg)
        .fold(RawAggregate::new(opts.window_seconds), RawAggregate::merge);
    let mut stats = listing.merge(stats);
    stats.warnings.sort();
    Ok((agg, stats))
}

fn is_log_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let n = n.strip_suffix(".gz").unwrap_or(&n);
    n.ends_with(".json") || n.ends_with(".jsonl") || n.ends_with(".ndjson") || name.ends_with(".gz")
}

/// The log files under `path`, sorted. Hidden entries are skipped; digest and Insights
/// folders are counted, not read.
pub fn list_files(path: &Path, stats: &mut ReadStats) -> Result<Vec<PathBuf>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut ignored = Vec::new();
    let mut stack = vec![(path.to_path_buf(), 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if dir == path => return Err(format!("{}: {e}", dir.display())),
            Err(e) => {
                stats.files_unreadable += 1;
                stats
                    .warnings
                    .push(format!("{}: cannot list the directory: {e}", dir.display()));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    stats
                        .warnings
                        .push(format!("{}: cannot list the directory: {e}", dir.display()));
                    continue;
                }
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let p = entry.path();
            let Ok(meta) = std::fs::metadata(&p) else {
                stats.files_unreadable += 1;
                stats
                    .warnings
                    .push(format!("{}: cannot read (broken link?)", p.display()));
                continue;
            };
            if meta.is_dir() {
                if name == "CloudTrail-Digest" || name == "CloudTrail-Insight" {
                    stats.digest_files += count_files(&p);
                } else if depth < 32 {
                    stack.push((p, depth + 1));
                }
            } else if is_log_name(&name) {
                out.push(p);
            } else {
                ignored.push(p);
            }
        }
    }
    if !ignored.is_empty() {
        ignored.sort();
        stats.files_ignored += ignored.len() as u64;
        let shown: Vec<String> = ignored
            .iter()
            .take(5)
            .map(|p| p.display().to_string())
            .collect();
        stats.warnings.push(format!(
            "{}: {} file(s) not read, their names are not .json, .jsonl, .ndjson or .gz: {}{}",
            path.display(),
            ignored.len(),
            shown.join(", "),
            if ignored.len() > 5 { ", …" } else { "" }
        ));
    }
    out.sort();
    Ok(out)
}

fn count_files(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() {
                        count_files(&p)
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

/// Receives the records of one file.
struct Sink<'x> {
    agg: &'x mut RawAggregate,
    path: &'x Path,
    records: u64,
    events: u64,
    skipped: u64,
    problems: Vec<String>,
    more_problems: u64,
    /// Where the current record is, for messages (`Records[12]`, `line 5`).
    place: Place,
    fast: bool,
}

#[derive(Clone, Copy)]
enum Place {
    Records,
    Array,
    Line(u64),
    Value(u64),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Records => f.write_str("Records"),
            Place::Array => f.write_str(""),
            Place::Line(n) => write!(f, "line {n}"),
            Place::Value(n) => write!(f, "value {n}"),
        }
    }
}

impl Sink<'_> {
    fn problem(&mut self, msg: String) {
        if self.problems.len() < PROBLEMS_PER_FILE {
            self.problems.push(at_path(self.path, &msg));
        } else {
            self.more_problems += 1;
        }
    }

    fn place_of(&self, index: u64) -> String {
        match self.place {
            Place::Records => format!("at Records[{index}]"),
            Place::Array => format!("at [{index}]"),
            Place::Line(n) => format!("line {n}"),
            Place::Value(n) => format!("value {n}"),
        }
    }

    fn record(&mut self, raw: &RawRecord<'_>, index: u64) {
        if let Some(inner) = raw.records {
            // A whole CloudTrail file on one line of a JSON Lines file.
            let saved = self.place;
            let mut de = serde_json::Deserializer::from_str(inner.get());
            if let Err(e) = (RecordsSeq { sink: self }).deserialize(&mut de) {
                let msg = format!("{saved}: in Records: {e}");
                self.skipped += 1;
                self.problem(msg);
            }
            self.place = saved;
            return;
        }
        self.records += 1;
        if !raw.is_cloudtrail() {
            self.skipped += 1;
            let place = self.place_of(index);
            self.problem(format!(
                "{place}: not a CloudTrail record (no eventSource or eventName)"
            ));
            return;
        }
        match extract_call(raw) {
            Ok(Some((e, counted))) => {
                self.events += 1;
                self.agg.add_event(&e, counted);
            }
            Ok(None) => {}
            Err(msg) => {
                self.skipped += 1;
                let place = self.place_of(index);
                self.problem(format!("{place}: {msg}"));
            }
        }
    }
}

/// `[record, …]`, fed to the sink one record at a time.
struct RecordsSeq<'s, 'x> {
    sink: &'s mut Sink<'x>,
}

impl<'de> DeserializeSeed<'de> for RecordsSeq<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RecordsSeq<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of CloudTrail records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0u64;
        while let Some(raw) = seq.next_element::<RawRecord<'de>>()? {
            self.sink.record(&raw, index);
            index += 1;
        }
        Ok(())
    }
}

/// `{"Records": [...]}`: other keys are ignored.
struct RecordsFile<'s, 'x> {
    sink: &'s mut Sink<'x>,
    found: &'s mut bool,
}

impl<'de> DeserializeSeed<'de> for RecordsFile<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordsFile<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a CloudTrail log file {\"Records\": [...]}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == "Records" {
                *self.found = true;
                map.next_value_seed(RecordsSeq {
                    sink: &mut *self.sink,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// How a file's content is laid out (from its first bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    RecordsObject,
    Array,
    Lines,
    Empty,
}

fn layout_of(prefix: &[u8]) -> Layout {
    let p = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    let trimmed = p.trim_ascii_start();
    match trimmed.first() {
        None => Layout::Empty,
        Some(b'[') => Layout::Array,
        Some(b'{') => {
            if trimmed[1..].trim_ascii_start().starts_with(b"\"Records\"") {
                Layout::RecordsObject
            } else {
                Layout::Lines
            }
        }
        Some(_) => Layout::Lines,
    }
}

/// Reads up to `want` bytes (fewer only at the end of the stream or on an error).
fn read_prefix(r: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> io::Result<()> {
    let mut chunk = [0u8; 8192];
    while buf.len() < want {
        match r.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Files up to this size are read whole into memory (then, if gzip, decompressed whole);
/// larger ones are streamed.
const WHOLE_FILE_MAX: u64 = 256 << 20;

/// Buffers one thread reuses from file to file, so that reading allocates nothing per file
/// once they have grown to the largest file.
#[derive(Default)]
struct Scratch {
    file: Vec<u8>,
    json: Vec<u8>,
    spans: Vec<crate::scan::RecordSpan>,
    inflater: Option<crate::inflate::Inflater>,
    /// The tallies of the files this scratch was used for.
    agg: Option<RawAggregate>,
}

/// Scratch buffers shared by the threads of one [`read_logs`]: taken for a file, given back
/// after it (so at most one per thread, and all freed when the read ends).
#[derive(Default)]
struct ScratchPool(std::sync::Mutex<Vec<Scratch>>);

impl ScratchPool {
    fn with<T>(&self, f: impl FnOnce(&mut Scratch) -> T) -> T {
        // (The lock is held only to pop and push: it cannot be poisoned by a panic while
        // reading; were it, its content is still whole.)
        let lock = || {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        let mut scratch = lock().pop().unwrap_or_default();
        let out = f(&mut scratch);
        lock().push(scratch);
        out
    }
}

fn read_file(
    path: &Path,
    agg: &mut RawAggregate,
    stats: &mut ReadStats,
    opts: &ReadOptions,
    scratch: &mut Scratch,
) {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            stats.files_unreadable += 1;
            stats
                .warnings
                .push(format!("{}: cannot open: {e}", path.display()));
            return;
        }
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    stats.bytes += size;
    if size > WHOLE_FILE_MAX {
        read_stream(
            path,
            BufReader::with_capacity(1 << 18, file),
            agg,
            stats,
            opts.fast_path,
        );
        return;
    }
    scratch.file.clear();
    if let Err(e) = file.read_to_end(&mut scratch.file) {
        // What was read is kept; the streaming path reports the error after it.
        let data = std::mem::take(&mut scratch.file);
        read_stream(
            path,
            BufReader::new(io::Cursor::new(&data[..]).chain(FailingReader(Some(e)))),
            agg,
            stats,
            opts.fast_path,
        );
        scratch.file = data;
        return;
    }
    let data = std::mem::take(&mut scratch.file);
    read_in_memory(path, &data, agg, stats, opts, scratch);
    scratch.file = data;
}

/// A reader that fails once with the error it holds (a file that could not be read to the
/// end).
struct FailingReader(Option<io::Error>);

impl Read for FailingReader {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

/// A whole file in memory: gzip decompressed whole with libdeflate, then parsed from
/// memory. Gzip that libdeflate does not take whole (corrupt, truncated, trailing bytes
/// after the last member, too large) is streamed with flate2 instead, which reads what can
/// be read and says where it stopped.
fn read_in_memory(
    path: &Path,
    data: &[u8],
    agg: &mut RawAggregate,
    stats: &mut ReadStats,
    opts: &ReadOptions,
    scratch: &mut Scratch,
) {
    if !data.starts_with(&[0x1f, 0x8b]) {
        read_json(
            path,
            data,
            "file",
            agg,
            stats,
            opts.fast_path,
            &mut scratch.spans,
        );
        return;
    }
    if opts.libdeflate {
        let inflater = scratch
            .inflater
            .get_or_insert_with(crate::inflate::Inflater::new);
        if let Some(n) = inflater.gunzip(data, &mut scratch.json) {
            let json = std::mem::take(&mut scratch.json);
            read_json(
                path,
                &json[..n],
                "gzip",
                agg,
                stats,
                opts.fast_path,
                &mut scratch.spans,
            );
            scratch.json = json;
            return;
        }
    }
    read_stream(path, data, agg, stats, opts.fast_path);
}

/// Reads one file's content (`path` names it in messages): what the fuzz target and tests
/// call with bytes in memory.
pub fn read_bytes(path: &Path, data: &[u8], opts: &ReadOptions) -> (RawAggregate, ReadStats) {
    let mut agg = RawAggregate::new(opts.window_seconds);
    let mut stats = ReadStats {
        bytes: data.len() as u64,
        ..Default::default()
    };
    read_in_memory(
        path,
        data,
        &mut agg,
        &mut stats,
        opts,
        &mut Scratch::default(),
    );
    (agg, stats)
}

fn new_sink<'x>(agg: &'x mut RawAggregate, path: &'x Path, fast: bool) -> Sink<'x> {
    Sink {
        agg,
        path,
        records: 0,
        events: 0,
        skipped: 0,
        problems: Vec::new(),
        more_problems: 0,
        place: Place::Records,
        fast,
    }
}

/// Decompressed (or plain) JSON in memory.
#[allow(clippy::too_many_arguments)]
fn read_json(
    path: &Path,
    data: &[u8],
    compression: &str,
    agg: &mut RawAggregate,
    stats: &mut ReadStats,
    fast: bool,
    spans: &mut Vec<crate::scan::RecordSpan>,
) {
    let mut sink = new_sink(agg, path, fast);
    let layout = layout_of(&data[..data.len().min(4096)]);
    let mut fatal = None;
    let mut read_error = None;
    match layout {
        Layout::Empty => {
            stats.files_empty += 1;
            stats
                .warnings
                .push(format!("{}: empty file, no records", path.display()));
        }
        Layout::RecordsObject | Layout::Array => {
            stats.json_bytes += data.len() as u64;
            fatal = parse_document(data, layout, &mut sink, false, spans);
        }
        Layout::Lines => {
            let (json_bytes, f, err) = parse_lines(Vec::new(), Box::new(data), None, &mut sink);
            stats.json_bytes += json_bytes;
            fatal = f;
            read_error = err;
        }
    }
    finish(path, sink, stats, layout, read_error, fatal, compression);
}

fn read_stream<'r, R: BufRead + 'r>(
    path: &Path,
    mut buffered: R,
    agg: &mut RawAggregate,
    stats: &mut ReadStats,
    fast: bool,
) {
    let gz = matches!(buffered.fill_buf(), Ok(b) if b.starts_with(&[0x1f, 0x8b]));
    let mut input: Box<dyn Read + 'r> = if gz {
        Box::new(MultiGzDecoder::new(buffered))
    } else {
        Box::new(buffered)
    };
    let compression = if gz { "gzip" } else { "file" };
    let mut sink = new_sink(agg, path, fast);
    let mut buf = Vec::new();
    let mut read_error = read_prefix(&mut input, &mut buf, 4096).err();
    let layout = layout_of(&buf);
    let mut fatal: Option<String> = None;
    match layout {
        Layout::Empty if read_error.is_none() => {
            stats.files_empty += 1;
            stats
                .warnings
                .push(format!("{}: empty file, no records", path.display()));
        }
        Layout::Empty => {}
        Layout::RecordsObject | Layout::Array => {
            if read_error.is_none() {
                read_error = input.read_to_end(&mut buf).err();
            }
            stats.json_bytes += buf.len() as u64;
            fatal = parse_document(
                &buf,
                layout,
                &mut sink,
                read_error.is_some(),
                &mut Vec::new(),
            );
        }
        Layout::Lines => {
            let (json_bytes, f, err) = parse_lines(buf, input, read_error.take(), &mut sink);
            stats.json_bytes += json_bytes;
            fatal = f;
            read_error = err;
        }
    }
    finish(path, sink, stats, layout, read_error, fatal, compression);
}

/// Counts what a file gave and words its problems.
fn finish(
    path: &Path,
    mut sink: Sink<'_>,
    stats: &mut ReadStats,
    layout: Layout,
    read_error: Option<io::Error>,
    fatal: Option<String>,
    compression: &str,
) {
    stats.records += sink.records;
    stats.events += sink.events;
    stats.records_skipped += sink.skipped;
    let read_anything = sink.records > 0;
    let mut lines = Vec::new();
    if let Some(e) = &read_error {
        lines.push(format!(
            "{}: truncated or corrupt {compression} ({e}); {} record(s) read before it, the rest of the file is missing",
            path.display(),
            sink.records
        ));
    }
    if let Some(f) = fatal {
        lines.push(at_path(
            path,
            &format!(
                "{f}; {} record(s) read before it, the rest of the file is skipped",
                sink.records
            ),
        ));
    }
    if !lines.is_empty() {
        if read_anything {
            stats.files_partial += 1;
        } else {
            stats.files_unreadable += 1;
        }
        stats.files += u64::from(read_anything);
    } else if layout != Layout::Empty {
        stats.files += 1;
    }
    if !sink.problems.is_empty() {
        stats.files_with_bad_records += 1;
    }
    stats.warnings.extend(lines);
    stats.warnings.append(&mut sink.problems);
    if sink.more_problems > 0 {
        stats.warnings.push(format!(
            "{}: … and {} more record problem(s) in this file",
            path.display(),
            sink.more_problems
        ));
    }
}

/// `FILE:LINE:COL: message` when the message starts with a position, else `FILE: message`.
fn at_path(path: &Path, msg: &str) -> String {
    if msg.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{}:{msg}", path.display())
    } else {
        format!("{}: {msg}", path.display())
    }
}

fn located(e: &serde_json::Error, line_offset: u64) -> String {
    if e.line() == 0 {
        return e.to_string();
    }
    // serde_json's Display appends " at line L column C"; say it in our FILE:LINE:COL style.
    let text = e.to_string();
    let msg = match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => text.as_str(),
    };
    format!("{}:{}: {msg}", e.line() as u64 + line_offset, e.column())
}

/// A whole document (`{"Records": …}` or `[…]`, or a stream of values). Returns the fatal
/// problem, if any. `truncated`: the bytes end early (a read error is reported apart; a
/// JSON end-of-input error is then expected and not repeated).
fn parse_document(
    buf: &[u8],
    layout: Layout,
    sink: &mut Sink<'_>,
    truncated: bool,
    spans: &mut Vec<crate::scan::RecordSpan>,
) -> Option<String> {
    if layout == Layout::RecordsObject
        && !truncated
        && sink.fast
        && crate::scan::scan_records(buf, spans)
    {
        sink.place = Place::Records;
        for (index, span) in spans.iter().enumerate() {
            if !span.parse {
                // Another service's record: what the serde path does with it is count it.
                sink.records += 1;
                continue;
            }
            let record = &buf[span.start..span.end];
            match serde_json::from_slice::<RawRecord>(record) {
                Ok(raw) => sink.record(&raw, index as u64),
                // Valid JSON that serde rejects (a duplicate field, an escape that does not
                // decode, a number out of range in a text field): the serde path stops the
                // file there, and so does this one, with the same message and place.
                Err(e) => {
                    let (line, col) = line_col(buf, span.start);
                    let (l, c) = (e.line() as u64, e.column() as u64);
                    let (l, c) = if l <= 1 {
                        (line, col + c)
                    } else {
                        (line + l - 1, c)
                    };
                    let text = e.to_string();
                    let msg = match text.rfind(" at line ") {
                        Some(i) => &text[..i],
                        None => text.as_str(),
                    };
                    return Some(format!("{l}:{c}: {msg} (in Records[{}])", sink.records));
                }
            }
        }
        return None;
    }
    parse_document_serde(buf, layout, sink, truncated)
}

/// The line (1-based) and column (0-based, as serde_json counts before the first byte of a
/// line) of a byte offset.
fn line_col(buf: &[u8], offset: usize) -> (u64, u64) {
    let before = &buf[..offset];
    let line = memchr::memchr_iter(b'\n', before).count() as u64 + 1;
    let col = match memchr::memrchr(b'\n', before) {
        Some(nl) => offset - nl - 1,
        None => offset,
    };
    (line, col as u64)
}

fn parse_document_serde(
    buf: &[u8],
    layout: Layout,
    sink: &mut Sink<'_>,
    truncated: bool,
) -> Option<String> {
    let mut de = serde_json::Deserializer::from_slice(buf);
    let result = match layout {
        Layout::Array => {
            sink.place = Place::Array;
            (RecordsSeq { sink: &mut *sink })
                .deserialize(&mut de)
                .and_then(|()| de.end())
        }
        _ => {
            sink.place = Place::Records;
            let mut found = false;
            let r = (RecordsFile {
                sink: &mut *sink,
                found: &mut found,
            })
            .deserialize(&mut de)
            .and_then(|()| de.end());
            if r.is_ok() && !found {
                return Some("not a CloudTrail log file: no \"Records\" array".into());
            }
            r
        }
    };
    match result {
        Ok(()) => None,
        Err(e) if truncated && e.is_eof() => None,
        Err(e) => {
            let index = sink.records;
            let at = match layout {
                Layout::Array => format!(" (in record [{index}])"),
                _ => format!(" (in Records[{index}])"),
            };
            Some(format!("{}{at}", located(&e, 0)))
        }
    }
}

/// JSON Lines: one record per line; a bad line is reported and the next one read. When the
/// first line is not a complete JSON value, the file is read as a stream of (pretty-printed)
/// values instead. Returns (JSON bytes, fatal problem, read error).
fn parse_lines<'r>(
    prefix: Vec<u8>,
    rest: Box<dyn Read + 'r>,
    prefix_error: Option<io::Error>,
    sink: &mut Sink<'_>,
) -> (u64, Option<String>, Option<io::Error>) {
    let had_prefix_error = prefix_error.is_some();
    let mut reader: Box<dyn BufRead + 'r> = if had_prefix_error {
        Box::new(io::Cursor::new(prefix))
    } else {
        Box::new(BufReader::with_capacity(
            1 << 16,
            io::Cursor::new(prefix).chain(rest),
        ))
    };
    let mut read_error = prefix_error;
    let mut line = Vec::new();
    let mut line_no = 0u64;
    let mut bytes = 0u64;
    let mut first_value = true;
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(n) => bytes += n as u64,
            Err(e) => {
                if read_error.is_none() {
                    read_error = Some(e);
                }
                break;
            }
        }
        line_no += 1;
        let text = line.trim_ascii();
        let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
        if text.is_empty() {
            continue;
        }
        let mut de = serde_json::Deserializer::from_slice(text);
        let parsed = RawRecord::deserialize(&mut de).and_then(|r| de.end().map(|()| r));
        match parsed {
            Ok(raw) => {
                sink.place = Place::Line(line_no);
                sink.record(&raw, 0);
                first_value = false;
            }
            Err(e) if first_value && e.is_eof() => {
                // Not JSON Lines: a multi-line document. Read the rest and parse it whole.
                let mut whole = line.clone();
                if read_error.is_none() {
                    if let Err(err) = reader.read_to_end(&mut whole) {
                        read_error = Some(err);
                    }
                }
                bytes += (whole.len() - line.len()) as u64;
                let fatal = parse_values(&whole, line_no - 1, sink, read_error.is_some());
                return (bytes, fatal, read_error);
            }
            Err(e) => {
                first_value = false;
                sink.skipped += 1;
                let msg = located(&e, line_no - 1);
                sink.problem(msg);
            }
        }
    }
    (bytes, None, read_error)
}

/// A stream of JSON values (records or `{"Records": …}` objects), possibly pretty-printed.
fn parse_values(
    buf: &[u8],
    line_offset: u64,
    sink: &mut Sink<'_>,
    truncated: bool,
) -> Option<String> {
    let mut stream = serde_json::Deserializer::from_slice(buf).into_iter::<RawRecord>();
    let mut n = 0u64;
    loop {
        match stream.next() {
            None => return None,
            Some(Ok(raw)) => {
                n += 1;
                sink.place = Place::Value(n);
                sink.record(&raw, 0);
            }
            Some(Err(e)) if truncated && e.is_eof() => return None,
            Some(Err(e)) => {
                return Some(format!("{} (in value {})", located(&e, line_offset), n + 1))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const REC: &str = r#"{"eventTime":"2026-10-01T12:00:00Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111111111111:user/a","accountId":"111111111111"},"requestParameters":{"roleArn":"arn:aws:iam::222222222222:role/r","roleSessionName":"s"},"recipientAccountId":"222222222222"}"#;
    const OTHER: &str = r#"{"eventTime":"2026-10-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","requestParameters":{"bucketName":"b"}}"#;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn read(files: &[(&str, Vec<u8>)]) -> (RawAggregate, ReadStats) {
        let dir = tempfile::tempdir().unwrap();
        for (name, data) in files {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, data).unwrap();
        }
        read_logs(dir.path(), &ReadOptions::default()).unwrap()
    }

    fn records_file(n: usize) -> String {
        let recs: Vec<&str> = (0..n)
            .map(|i| if i % 2 == 0 { REC } else { OTHER })
            .collect();
        format!("{{\"Records\":[{}]}}", recs.join(","))
    }

    #[test]
    fn every_layout_reads_the_same_events() {
        let lines = format!("{REC}\n{OTHER}\n\n{REC}\n");
        let pretty = format!(
            "{}\n{}",
            serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(REC).unwrap())
                .unwrap(),
            serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(REC).unwrap())
                .unwrap()
        );
        let (agg, st) = read(&[
            ("a/1.json.gz", gz(records_file(4).as_bytes())),
            ("a/2.json", records_file(4).into_bytes()),
            ("b/3.jsonl", lines.into_bytes()),
            ("c/4.json", format!("[{REC},{OTHER}]").into_bytes()),
            ("c/5.json", pretty.into_bytes()),
            ("CloudTrail-Digest/x.json.gz", b"{}".to_vec()),
            ("notes.txt", b"hello".to_vec()),
        ]);
        assert_eq!(st.warnings.len(), 1, "{:?}", st.warnings);
        assert!(st.warnings[0].contains("notes.txt"));
        assert_eq!((st.files, st.digest_files, st.files_ignored), (5, 1, 1));
        assert_eq!(st.events, 2 + 2 + 2 + 1 + 2);
        assert_eq!(st.records, 4 + 4 + 3 + 2 + 2);
        let u = agg.finalize(&|_| None);
        assert_eq!(u.pairs.len(), 1);
        assert_eq!(u.pairs[0].stats.counters.successes, 9);
    }

    #[test]
    fn truncated_gzip_keeps_what_was_read_and_says_so() {
        let full = gz(records_file(2000).as_bytes());
        let cut = full[..full.len() / 2].to_vec();
        let (_, st) = read(&[
            ("t.json.gz", cut),
            ("ok.json.gz", gz(records_file(2).as_bytes())),
        ]);
        assert_eq!(st.files_partial, 1, "{:?}", st.warnings);
        assert_eq!(st.files, 2);
        let w = st
            .warnings
            .iter()
            .find(|w| w.contains("t.json.gz"))
            .unwrap();
        assert!(w.contains("truncated or corrupt gzip"), "{w}");
        assert!(st.events > 1 && st.events < 1001, "{}", st.events);
    }

    #[test]
    fn malformed_json_names_the_place() {
        let bad = format!("{{\"Records\":[{REC},{REC},{{\"eventName\": tru}}]}}");
        let (_, st) = read(&[("bad.json", bad.into_bytes())]);
        assert_eq!(st.files_partial, 1);
        assert_eq!(st.events, 2);
        assert!(st.warnings[0].contains("bad.json:1:"), "{:?}", st.warnings);
        assert!(st.warnings[0].contains("Records[2]"), "{:?}", st.warnings);
    }

    #[test]
    fn bad_lines_are_skipped_and_reported() {
        let data = format!("{REC}\n{{not json\n{{\"foo\":1}}\n{REC}\n");
        let (_, st) = read(&[("x.jsonl", data.into_bytes())]);
        assert_eq!(st.events, 2);
        assert_eq!(st.records_skipped, 2);
        assert!(
            st.warnings.iter().any(|w| w.contains("x.jsonl:2:")),
            "{:?}",
            st.warnings
        );
        assert!(
            st.warnings
                .iter()
                .any(|w| w.contains("line 3: not a CloudTrail record")),
            "{:?}",
            st.warnings
        );
    }

    #[test]
    fn empty_garbage_and_non_cloudtrail_files() {
        let (_, st) = read(&[
            ("empty.json", Vec::new()),
            ("garbage.json.gz", vec![0x1f, 0x8b, 1, 2, 3, 4, 5]),
            ("other.json", br#"{"Items": [1, 2]}"#.to_vec()),
            ("records-missing.json", br#"{"Records": 5}"#.to_vec()),
        ]);
        assert_eq!(st.files_empty, 1);
        assert_eq!(st.files_unreadable, 2, "{:?}", st.warnings);
        assert_eq!(st.records_skipped, 1);
        for name in [
            "empty.json",
            "garbage.json.gz",
            "other.json",
            "records-missing.json",
        ] {
            assert!(
                st.warnings.iter().any(|w| w.contains(name)),
                "{name}: {:?}",
                st.warnings
            );
        }
    }

    #[test]
    fn a_missing_directory_is_an_error() {
        assert!(
            read_logs(Path::new("/nonexistent/logs"), &ReadOptions::default())
                .unwrap_err()
                .contains("/nonexistent/logs")
        );
    }
}
