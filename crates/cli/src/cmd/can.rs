//! `trustgate can PRINCIPAL ACTION RESOURCE --snapshot SNAPSHOT`: the decision for a
//! principal of the snapshot, with every policy the snapshot provides, and why.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;
use trustgate_access::{can, CanQuery};
use trustgate_policy::request::EvalAnswer;
use trustgate_policy::{ContextValue, DecisionKind};

use super::snapshot_args::{finish, LoadArgs, OutputArgs};
use crate::error::{CliError, CliResult};

#[derive(clap::Args)]
pub struct Args {
    /// The caller: an IAM user or role ARN (or an assumed-role session ARN)
    pub principal: String,
    /// The action, e.g. s3:GetObject or sts:AssumeRole
    pub action: String,
    /// The resource ARN
    pub resource: String,
    /// Snapshot directory
    #[arg(long)]
    pub snapshot: PathBuf,
    /// Request context values (repeat a key for a multi-valued key). Keys not given are
    /// unknown, except what the snapshot knows about the caller
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// Reach the final request through these roles, in order (role chaining): each hop is
    /// checked, and the first that fails is named
    #[arg(long = "via", value_name = "ROLE_ARN")]
    pub via: Vec<String>,
    /// List every policy statement that took part, layer by layer
    #[arg(long)]
    pub explain: bool,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub load: LoadArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HopAnswer {
    principal: String,
    action: String,
    resource: String,
    #[serde(flatten)]
    answer: EvalAnswer,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CanAnswer {
    decision: &'static str,
    summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    conditions: Option<Vec<Vec<trustgate_policy::Literal>>>,
    reasons: Vec<trustgate_policy::Reason>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
    /// With --via: every hop, and the index of the first that is denied.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hops: Vec<HopAnswer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failed_hop: Option<usize>,
}

fn parse_context(items: &[String]) -> CliResult<Vec<(String, ContextValue)>> {
    let mut out: Vec<(String, ContextValue)> = Vec::new();
    for item in items {
        let (k, v) = item
            .split_once('=')
            .ok_or_else(|| CliError::Input(format!("--context `{item}`: expected KEY=VALUE")))?;
        if k.is_empty() {
            return Err(CliError::Input(format!(
                "--context `{item}`: the key is empty"
            )));
        }
        match out.iter_mut().find(|(ek, _)| ek.eq_ignore_ascii_case(k)) {
            Some((_, existing)) => {
                let mut values = existing.as_slice().to_vec();
                values.push(v.to_string());
                *existing = ContextValue::Multi(values);
            }
            None => out.push((k.to_string(), ContextValue::Single(v.to_string()))),
        }
    }
    Ok(out)
}

pub fn run(args: Args) -> CliResult<ExitCode> {
    let context = parse_context(&args.context)?;
    let snap = args.load.load(&args.snapshot)?;

    // The chain of requests: principal → via[0] → … → final action.
    let mut steps: Vec<(String, String, String)> = Vec::new();
    let mut caller = args.principal.clone();
    for role in &args.via {
        steps.push((caller.clone(), "sts:AssumeRole".into(), role.clone()));
        caller = role.clone();
    }
    steps.push((caller, args.action.clone(), args.resource.clone()));

    let mut hops = Vec::new();
    let mut failed = None;
    let mut overall = DecisionKind::Allow;
    for (i, (principal, action, resource)) in steps.iter().enumerate() {
        let q = CanQuery {
            principal: principal.clone(),
            action: action.clone(),
            resource: resource.clone(),
            context: context.clone(),
        };
        let (decision, notes) =
            can(&snap, &q, true).map_err(|e| CliError::Input(format!("{principal}: {e}")))?;
        if failed.is_none() && !decision.kind.is_possible() {
            failed = Some(i);
            overall = decision.kind;
        } else if failed.is_none() && decision.kind == DecisionKind::Conditional {
            overall = DecisionKind::Conditional;
        }
        hops.push(HopAnswer {
            principal: principal.clone(),
            action: action.clone(),
            resource: resource.clone(),
            answer: EvalAnswer::from_decision(decision),
            notes,
        });
    }

    let answer = if hops.len() == 1 {
        let h = hops.pop().expect("one hop");
        CanAnswer {
            decision: h.answer.decision,
            summary: h.answer.summary,
            conditions: h.answer.conditions,
            reasons: h.answer.reasons,
            notes: h.notes,
            hops: Vec::new(),
            failed_hop: None,
        }
    } else {
        let summary = match failed {
            Some(i) => format!(
                "{}: hop {} of {} fails: {}",
                overall.as_str(),
                i + 1,
                hops.len(),
                hops[i].answer.summary
            ),
            None => format!("{}: every hop of the chain is possible", overall.as_str()),
        };
        CanAnswer {
            decision: overall.as_str(),
            summary,
            conditions: None,
            reasons: Vec::new(),
            notes: Vec::new(),
            hops,
            failed_hop: failed,
        }
    };

    let mut w = args.output.writer()?;
    let res = if args.format == Format::Json {
        serde_json::to_writer_pretty(&mut w, &answer)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(w))
    } else {
        write_text(&mut w, &answer, args.explain)
    };
    finish(w, res)?;
    Ok(ExitCode::SUCCESS)
}

fn write_text(w: &mut dyn Write, a: &CanAnswer, explain: bool) -> std::io::Result<()> {
    writeln!(w, "{}", a.summary)?;
    let one = |w: &mut dyn Write,
               conditions: &Option<Vec<Vec<trustgate_policy::Literal>>>,
               reasons: &[trustgate_policy::Reason],
               notes: &[String],
               indent: &str|
     -> std::io::Result<()> {
        for n in notes {
            writeln!(w, "{indent}note: {n}")?;
        }
        super::text::write_decision_details(w, conditions.as_deref(), reasons, explain, indent)
    };
    if a.hops.is_empty() {
        one(w, &a.conditions, &a.reasons, &a.notes, "    ")?;
    } else {
        for (i, h) in a.hops.iter().enumerate() {
            writeln!(w, "  hop {}: {}", i + 1, h.answer.summary)?;
            one(
                w,
                &h.answer.conditions,
                &h.answer.reasons,
                &h.notes,
                "      ",
            )?;
        }
    }
    Ok(())
}
