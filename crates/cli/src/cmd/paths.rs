//! `trustgate paths SNAPSHOT`: who can reach which role, in how many hops, under which
//! conditions. And `trustgate graph SNAPSHOT`: the whole assume-role graph.

use std::path::PathBuf;
use std::process::ExitCode;

use trustgate_access::{AccessGraph, NodeKind, Summarizer};
use trustgate_model::Snapshot;
use trustgate_report::{render_graph, render_paths, GraphFormat, GraphView};

use super::snapshot_args::{finish, LoadArgs, OutputArgs};
use crate::error::{CliError, CliResult};

#[derive(clap::Args)]
pub struct Args {
    /// Snapshot directory (or one authorization-details file)
    pub snapshot: PathBuf,
    /// Where paths start: an ARN, an account ID, `external` (outside the organization) or
    /// `public` (anyone). Default: every entry point (users, identity providers, principals
    /// outside the snapshot, anyone)
    #[arg(long)]
    pub from: Option<String>,
    /// Where paths end: a role ARN, an account ID, or `admin` (admin-equivalent roles).
    /// Default: every role
    #[arg(long)]
    pub to: Option<String>,
    /// Longest path reported
    #[arg(long, default_value_t = 6)]
    pub max_hops: usize,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub load: LoadArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Dot,
    Mermaid,
}

/// Builds the graph with admin-equivalence decided once per role.
pub fn build_graph(snap: &Snapshot) -> AccessGraph {
    let summarizer = Summarizer::new(snap);
    AccessGraph::build_prepared(snap, summarizer.prepared(), &|p| {
        summarizer.admin_reason(p).is_some()
    })
}

fn select(g: &AccessGraph, spec: &str, what: &str) -> CliResult<Vec<usize>> {
    let nodes: Vec<usize> = match spec {
        "public" => g.node("*").into_iter().collect(),
        "external" => (0..g.nodes.len()).filter(|&i| !g.nodes[i].internal).collect(),
        "admin" => (0..g.nodes.len()).filter(|&i| g.nodes[i].admin).collect(),
        s if trustgate_policy::is_account_id(s) => (0..g.nodes.len())
            .filter(|&i| g.nodes[i].account.as_deref() == Some(s))
            .collect(),
        s => match g.node(s) {
            Some(i) => vec![i],
            None => {
                return Err(CliError::Input(format!(
                    "{what} `{s}`: not a principal of the graph (expected an ARN from the snapshot or its trust policies, an account ID, `external`, `public` or `admin`)"
                )))
            }
        },
    };
    Ok(nodes)
}

pub fn run(args: Args) -> CliResult<ExitCode> {
    let snap = args.load.load(&args.snapshot)?;
    let g = build_graph(&snap);
    let sources = match &args.from {
        Some(s) => select(&g, s, "--from")?,
        None => (0..g.nodes.len())
            .filter(|&i| {
                let n = &g.nodes[i];
                matches!(
                    n.kind,
                    NodeKind::User | NodeKind::Provider | NodeKind::Public
                ) || !n.internal
            })
            .collect(),
    };
    let targets: Vec<bool> = match &args.to {
        Some(s) => {
            let mut t = vec![false; g.nodes.len()];
            for i in select(&g, s, "--to")? {
                t[i] = true;
            }
            t
        }
        None => g.nodes.iter().map(|n| n.kind == NodeKind::Role).collect(),
    };
    let paths = g.shortest_paths(&sources, &|i| targets[i], args.max_hops);
    let format = match args.format {
        Format::Table => GraphFormat::Table,
        Format::Json => GraphFormat::Json,
        Format::Dot => GraphFormat::Dot,
        Format::Mermaid => GraphFormat::Mermaid,
    };
    let mut w = args.output.writer()?;
    let res = render_paths(&paths, format, &mut w);
    finish(w, res)?;
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct GraphArgs {
    /// Snapshot directory (or one authorization-details file)
    pub snapshot: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value = "dot")]
    pub format: GraphFormatArg,
    /// Principal-level (every role and user) or account-level view
    #[arg(long, value_enum, default_value = "principals")]
    pub view: ViewArg,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub load: LoadArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormatArg {
    Dot,
    Mermaid,
    Json,
    Graphml,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ViewArg {
    Principals,
    Accounts,
}

pub fn run_graph(args: GraphArgs) -> CliResult<ExitCode> {
    let snap = args.load.load(&args.snapshot)?;
    let g = build_graph(&snap);
    let format = match args.format {
        GraphFormatArg::Dot => "dot",
        GraphFormatArg::Mermaid => "mermaid",
        GraphFormatArg::Json => "json",
        GraphFormatArg::Graphml => "graphml",
    };
    let view = match args.view {
        ViewArg::Principals => GraphView::Principals,
        ViewArg::Accounts => GraphView::Accounts,
    };
    let mut w = args.output.writer()?;
    let res = render_graph(&g, view, format, &mut w);
    finish(w, res)?;
    Ok(ExitCode::SUCCESS)
}
