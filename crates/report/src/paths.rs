//! Rendering access paths and the assume-role graph: table, JSON, DOT (Graphviz), Mermaid.

use std::io::{self, Write};

use serde::Serialize;
use trustgate_access::{AccessGraph, NodeKind, Path};

use crate::text::sanitize_line;

/// Output formats of `trustgate paths` and `trustgate graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    Table,
    Json,
    Dot,
    Mermaid,
}

#[derive(Serialize)]
struct PathsDoc<'a> {
    paths: &'a [Path],
}

fn short(id: &str) -> String {
    // arn:aws:iam::ACCOUNT:role/name → ACCOUNT:role/name, keeping what tells principals apart.
    match trustgate_policy::Arn::parse(id) {
        Some(a) if !a.account.is_empty() => format!("{}:{}", a.account, a.resource),
        _ => id.to_string(),
    }
}

fn conditions_text(conds: &[Vec<trustgate_policy::Literal>]) -> String {
    conds
        .iter()
        .map(|c| {
            c.iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join(" AND ")
        })
        .collect::<Vec<_>>()
        .join(" | OR | ")
}

/// Renders paths (`trustgate paths`).
pub fn render_paths(paths: &[Path], format: GraphFormat, w: &mut dyn Write) -> io::Result<()> {
    match format {
        GraphFormat::Json => {
            serde_json::to_writer_pretty(&mut *w, &PathsDoc { paths })?;
            writeln!(w)
        }
        GraphFormat::Table => {
            if paths.is_empty() {
                return writeln!(w, "no paths");
            }
            for (i, p) in paths.iter().enumerate() {
                let mut flags = Vec::new();
                if p.ends_admin {
                    flags.push("ADMIN".to_string());
                }
                flags.push(format!("session ≤ {}s", p.session_cap_seconds));
                if p.session_capped_by_chaining {
                    flags.push("capped by role chaining".into());
                }
                writeln!(
                    w,
                    "{}. {} → {}  ({} hop{}; {})",
                    i + 1,
                    sanitize_line(&short(&p.from)),
                    sanitize_line(&short(&p.to)),
                    p.hops.len(),
                    if p.hops.len() == 1 { "" } else { "s" },
                    flags.join(", ")
                )?;
                for h in &p.hops {
                    write!(
                        w,
                        "     {} ─{}→ {}",
                        sanitize_line(&short(&h.from)),
                        h.action,
                        sanitize_line(&short(&h.to))
                    )?;
                    if !h.conditions.is_empty() {
                        write!(
                            w,
                            "   if {}",
                            sanitize_line(&conditions_text(&h.conditions))
                        )?;
                    }
                    writeln!(w)?;
                }
            }
            writeln!(w, "\n{} path(s)", paths.len())
        }
        GraphFormat::Dot | GraphFormat::Mermaid => {
            // The subgraph made of the paths' edges.
            let mut edges: Vec<(String, String, String)> = Vec::new();
            for p in paths {
                for h in &p.hops {
                    let label = if h.conditions.is_empty() {
                        h.action.clone()
                    } else {
                        format!("{} if {}", h.action, conditions_text(&h.conditions))
                    };
                    let e = (h.from.clone(), h.to.clone(), label);
                    if !edges.contains(&e) {
                        edges.push(e);
                    }
                }
            }
            if format == GraphFormat::Dot {
                write_dot(w, &edges, &[])
            } else {
                write_mermaid(w, &edges)
            }
        }
    }
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn write_dot(
    w: &mut dyn Write,
    edges: &[(String, String, String)],
    styled: &[(String, &str)],
) -> io::Result<()> {
    writeln!(w, "digraph trustgate {{")?;
    writeln!(
        w,
        "  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];"
    )?;
    for (id, style) in styled {
        writeln!(w, "  \"{}\" [{}];", dot_escape(id), style)?;
    }
    for (a, b, label) in edges {
        writeln!(
            w,
            "  \"{}\" -> \"{}\" [label=\"{}\"];",
            dot_escape(a),
            dot_escape(b),
            dot_escape(label)
        )?;
    }
    writeln!(w, "}}")
}

/// Mermaid node IDs must be simple; labels carry the text (quotes escaped as entities).
fn write_mermaid(w: &mut dyn Write, edges: &[(String, String, String)]) -> io::Result<()> {
    let mut ids: Vec<String> = Vec::new();
    let id_of = |s: &str, ids: &mut Vec<String>| -> usize {
        match ids.iter().position(|x| x == s) {
            Some(i) => i,
            None => {
                ids.push(s.to_string());
                ids.len() - 1
            }
        }
    };
    let mut lines = Vec::new();
    for (a, b, label) in edges {
        let ia = id_of(a, &mut ids);
        let ib = id_of(b, &mut ids);
        lines.push(format!("  n{ia} -->|\"{}\"| n{ib}", mermaid_escape(label)));
    }
    writeln!(w, "flowchart LR")?;
    for (i, id) in ids.iter().enumerate() {
        writeln!(w, "  n{i}[\"{}\"]", mermaid_escape(&short(id)))?;
    }
    for l in lines {
        writeln!(w, "{l}")?;
    }
    Ok(())
}

fn mermaid_escape(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace('\n', " ")
}

/// Which view of the graph to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphView {
    /// Every principal node and edge.
    Principals,
    /// Accounts as nodes; an edge when some principal of one can assume a role in the other.
    Accounts,
}

#[derive(Serialize)]
struct GraphDoc<'a> {
    nodes: &'a [trustgate_access::Node],
    edges: AllEdges<'a>,
}

/// Every edge of a graph, serialized one by one (never collected: millions on large orgs).
struct AllEdges<'a>(&'a AccessGraph);

impl Serialize for AllEdges<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.edges().map(|(_, e)| e))
    }
}

/// Renders the whole graph (`trustgate graph`): JSON, DOT, Mermaid or GraphML.
pub fn render_graph(
    g: &AccessGraph,
    view: GraphView,
    format: &str,
    w: &mut dyn Write,
) -> io::Result<()> {
    let node_key = |i: usize| -> String {
        let n = &g.nodes[i];
        match view {
            GraphView::Principals => n.id.clone(),
            GraphView::Accounts => match (&n.account, &n.kind) {
                (Some(a), _) => a.clone(),
                (None, NodeKind::Public) => "*".into(),
                (None, _) => n.id.clone(),
            },
        }
    };
    // Labeled, de-duplicated edges, for the formats that draw them (JSON of the principal
    // view streams the edges as they are instead).
    let labeled = || -> Vec<(String, String, String)> {
        let mut edges: Vec<(String, String, String)> = Vec::new();
        let mut seen: std::collections::HashSet<(String, String, String)> =
            std::collections::HashSet::new();
        for (_, e) in g.edges() {
            let (a, b) = (node_key(e.from), node_key(e.to));
            if view == GraphView::Accounts && a == b {
                continue;
            }
            let label = match view {
                GraphView::Principals if !e.condition.is_true() => {
                    format!("{} if {}", e.action, conditions_text(&e.conditions()))
                }
                GraphView::Principals => e.action.to_string(),
                GraphView::Accounts => String::new(),
            };
            let t = (a, b, label);
            if seen.insert(t.clone()) {
                edges.push(t);
            }
        }
        edges
    };
    match format {
        "json" => {
            if view == GraphView::Principals {
                serde_json::to_writer_pretty(
                    &mut *w,
                    &GraphDoc {
                        nodes: &g.nodes,
                        edges: AllEdges(g),
                    },
                )?;
            } else {
                let list: Vec<_> = labeled()
                    .iter()
                    .map(|(a, b, _)| serde_json::json!({"from": a, "to": b}))
                    .collect();
                serde_json::to_writer_pretty(&mut *w, &serde_json::json!({ "edges": list }))?;
            }
            writeln!(w)
        }
        "dot" => {
            let styled: Vec<(String, &str)> = g
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| view == GraphView::Principals && (n.admin || !n.internal))
                .map(|(i, n)| {
                    (
                        node_key(i),
                        if n.admin { "color=red" } else { "style=dashed" },
                    )
                })
                .collect();
            write_dot(w, &labeled(), &styled)
        }
        "mermaid" => write_mermaid(w, &labeled()),
        "graphml" => {
            writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
            writeln!(
                w,
                r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns">"#
            )?;
            writeln!(
                w,
                r#"  <key id="label" for="edge" attr.name="label" attr.type="string"/>"#
            )?;
            writeln!(w, r#"  <graph id="trustgate" edgedefault="directed">"#)?;
            let edges = labeled();
            let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
            for (a, b, _) in &edges {
                for n in [a.as_str(), b.as_str()] {
                    if seen.insert(n) {
                        writeln!(w, r#"    <node id="{}"/>"#, xml_escape(n))?;
                    }
                }
            }
            for (a, b, label) in &edges {
                writeln!(
                    w,
                    r#"    <edge source="{}" target="{}"><data key="label">{}</data></edge>"#,
                    xml_escape(a),
                    xml_escape(b),
                    xml_escape(label)
                )?;
            }
            writeln!(w, "  </graph>\n</graphml>")
        }
        other => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("unknown graph format {other}"),
        )),
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
