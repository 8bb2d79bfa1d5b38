//! `trustgate eval FILE [--format text|json] [--explain]`: the policy engine on its own.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use trustgate_policy::request::{for_each_case, EvalAnswer};
use trustgate_policy::{Decision, DecisionKind};

use crate::error::{io_error, located, CliResult};

#[derive(clap::Args)]
pub struct Args {
    /// A JSON file with one request object or an array of them (`-` for standard input)
    pub file: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// List every statement that took part, layer by layer
    #[arg(long)]
    pub explain: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn run(args: Args) -> CliResult<ExitCode> {
    let reader: Box<dyn Read> = if args.file.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(File::open(&args.file).map_err(|e| io_error(&args.file, e))?)
    };
    let reader = BufReader::with_capacity(1 << 20, reader);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut first = true;
    let mut is_array = false;
    let json = args.format == Format::Json;

    let result = for_each_case(reader, |index, case| {
        let decision = case.evaluate(true)?;
        let w = &mut out;
        let res = if json {
            write_json(w, index, &mut first, &mut is_array, decision)
        } else {
            write_text(w, index, decision, args.explain)
        };
        res.map_err(|e| format!("writing output: {e}"))
    });
    if let Err(e) = result {
        let _ = out.flush();
        return Err(located(&args.file, &e));
    }
    if json && is_array {
        writeln!(out, "\n]").map_err(|e| io_error(&PathBuf::from("<stdout>"), e))?;
    } else if json && first {
        // An empty array: still valid JSON out.
        writeln!(out, "[]").map_err(|e| io_error(&PathBuf::from("<stdout>"), e))?;
    }
    out.flush()
        .map_err(|e| io_error(&PathBuf::from("<stdout>"), e))?;
    Ok(ExitCode::SUCCESS)
}

fn write_json(
    w: &mut impl Write,
    index: Option<usize>,
    first: &mut bool,
    is_array: &mut bool,
    d: Decision,
) -> io::Result<()> {
    let answer = EvalAnswer::from_decision(d);
    match index {
        None => {
            serde_json::to_writer_pretty(&mut *w, &answer)?;
            writeln!(w)?;
        }
        Some(_) => {
            if *first {
                w.write_all(b"[\n")?;
                *is_array = true;
            } else {
                w.write_all(b",\n")?;
            }
            serde_json::to_writer(&mut *w, &answer)?;
        }
    }
    *first = false;
    Ok(())
}

fn write_text(
    w: &mut impl Write,
    index: Option<usize>,
    d: Decision,
    explain: bool,
) -> io::Result<()> {
    if let Some(i) = index {
        write!(w, "[{i}] ")?;
    }
    writeln!(w, "{}", d.summary)?;
    let conditions = if d.kind == DecisionKind::Conditional {
        d.conditions()
    } else {
        None
    };
    super::text::write_decision_details(w, conditions.as_deref(), &d.reasons, explain, "    ")?;
    Ok(())
}
