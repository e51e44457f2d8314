//! `blastradius graph`: the privilege graph as DOT, Mermaid or JSON. Labels
//! and attributes never hold a secret (credentials show a masked prefix).

use petgraph::stable_graph::NodeIndex;
use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::findings::Location;
use crate::graph::{AttrValue, Attrs, Graph, Loc, NodeKind};
use crate::redact::shown;

pub const SCHEMA_VERSION: u32 = 1;

fn label(graph: &Graph, index: NodeIndex) -> String {
    shown(&graph.node(index).label())
}

/// A node's id as printed: its key, masked and with control characters
/// made visible (a server may be named with a token or an escape code).
fn id(graph: &Graph, index: NodeIndex) -> String {
    shown(&graph.node(index).key)
}

/// Edges in a stable order: by source key, target key, kind.
fn edges(graph: &Graph) -> Vec<(NodeIndex, NodeIndex, &crate::graph::Edge)> {
    let mut edges: Vec<_> = (&graph.graph).edge_references().map(|e| (e.source(), e.target(), e.weight())).collect();
    edges.sort_by(|a, b| {
        (&graph.node(a.0).key, &graph.node(a.1).key, a.2.kind, &a.2.loc).cmp(&(
            &graph.node(b.0).key,
            &graph.node(b.1).key,
            b.2.kind,
            &b.2.loc,
        ))
    });
    edges
}

/// Text for a quoted Mermaid label: quotes, angle brackets and backticks
/// as entities (Mermaid reads them as markup, and a backtick run could close
/// the Markdown fence around the diagram).
pub(crate) fn mermaid_text(text: &str) -> String {
    text.replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;").replace('`', "#96;")
}

pub fn mermaid(graph: &Graph) -> String {
    let nodes = graph.sorted_nodes();
    let id = |index: NodeIndex| format!("n{}", nodes.iter().position(|n| *n == index).unwrap_or(0));
    let escape = mermaid_text;
    let mut out = String::from("flowchart LR\n");
    for &index in &nodes {
        let node = graph.node(index);
        let text = escape(&format!("{}: {}", node.kind.as_str(), label(graph, index)));
        let shape = match node.kind {
            NodeKind::Agent => format!("([\"{text}\"])"),
            NodeKind::Tool => format!("[\"{text}\"]"),
            NodeKind::Credential => format!("{{{{\"{text}\"}}}}"),
            NodeKind::Resource => format!("[(\"{text}\")]"),
            NodeKind::Trigger => format!(">\"{text}\"]"),
        };
        out.push_str(&format!("  {}{shape}\n", id(index)));
    }
    let mut seen = std::collections::HashSet::new();
    for (from, to, edge) in edges(graph) {
        // One arrow per pair and kind; delegation drawn thick.
        if !seen.insert((from, to, edge.kind)) {
            continue;
        }
        let arrow = if edge.kind == crate::graph::EdgeKind::DelegatesTo { "==" } else { "--" };
        out.push_str(&format!("  {} {arrow} {} {arrow}> {}\n", id(from), edge.kind.as_str(), id(to)));
    }
    for (class, kind, style) in [
        ("agent", NodeKind::Agent, "fill:#e8f0fe,stroke:#3367d6"),
        ("tool", NodeKind::Tool, "fill:#fef7e0,stroke:#f29900"),
        ("credential", NodeKind::Credential, "fill:#fce8e6,stroke:#c5221f"),
        ("resource", NodeKind::Resource, "fill:#e6f4ea,stroke:#137333"),
        ("trigger", NodeKind::Trigger, "fill:#f3e8fd,stroke:#8430ce"),
    ] {
        let members: Vec<String> = nodes.iter().filter(|n| graph.node(**n).kind == kind).map(|n| id(*n)).collect();
        if !members.is_empty() {
            out.push_str(&format!("  classDef {class} {style}\n  class {} {class}\n", members.join(",")));
        }
    }
    out
}

pub fn dot(graph: &Graph) -> String {
    let escape = |text: &str| text.replace('\\', "\\\\").replace('"', "\\\"");
    let mut out = String::from("digraph blastradius {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
    for index in graph.sorted_nodes() {
        let node = graph.node(index);
        let shape = match node.kind {
            NodeKind::Agent => "ellipse",
            NodeKind::Tool => "box",
            NodeKind::Credential => "hexagon",
            NodeKind::Resource => "cylinder",
            NodeKind::Trigger => "cds",
        };
        out.push_str(&format!(
            "  \"{}\" [label=\"{}\", shape={shape}];\n",
            escape(&id(graph, index)),
            escape(&format!("{}: {}", node.kind.as_str(), label(graph, index)))
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for (from, to, edge) in edges(graph) {
        if !seen.insert((from, to, edge.kind)) {
            continue;
        }
        let style = if edge.kind == crate::graph::EdgeKind::DelegatesTo { ", style=bold" } else { "" };
        out.push_str(&format!(
            "  \"{}\" -> \"{}\" [label=\"{}\"{style}];\n",
            escape(&id(graph, from)),
            escape(&id(graph, to)),
            edge.kind.as_str()
        ));
    }
    out.push_str("}\n");
    out
}

#[derive(Serialize)]
struct JsonGraph {
    schema_version: u32,
    nodes: Vec<JsonNode>,
    edges: Vec<JsonEdge>,
}

#[derive(Serialize)]
struct JsonNode {
    id: String,
    kind: &'static str,
    name: String,
    attributes: Map<String, Value>,
    locations: Vec<Location>,
}

#[derive(Serialize)]
struct JsonEdge {
    from: String,
    to: String,
    kind: &'static str,
    attributes: Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Location>,
}

fn locate(graph: &Graph, loc: &Loc) -> Option<Location> {
    graph.file(loc.file).map(|f| Location::of(f, loc.span))
}

/// Attribute values as JSON: strings, booleans and lists of strings. The
/// credential hash stays out: equal hashes would confirm a guessed secret.
fn attributes(attrs: &Attrs) -> Map<String, Value> {
    attrs
        .iter()
        .filter(|(name, _)| *name != "hash")
        .map(|(name, attr)| {
            let value = match &attr.value {
                AttrValue::Bool(b) => Value::Bool(*b),
                AttrValue::Str(s) => Value::String(shown(s)),
                AttrValue::List(items) => Value::Array(items.iter().map(|i| Value::String(shown(&i.value))).collect()),
            };
            (name.to_string(), value)
        })
        .collect()
}

pub fn json(graph: &Graph) -> String {
    let nodes = graph
        .sorted_nodes()
        .into_iter()
        .map(|index| {
            let node = graph.node(index);
            JsonNode {
                id: id(graph, index),
                kind: node.kind.as_str(),
                name: shown(&node.name),
                attributes: attributes(&node.attrs),
                locations: node.locs.iter().filter_map(|l| locate(graph, l)).collect(),
            }
        })
        .collect();
    let edges = edges(graph)
        .into_iter()
        .map(|(from, to, edge)| JsonEdge {
            from: id(graph, from),
            to: id(graph, to),
            kind: edge.kind.as_str(),
            attributes: attributes(&edge.attrs),
            location: edge.loc.as_ref().and_then(|l| locate(graph, l)),
        })
        .collect();
    let mut text =
        serde_json::to_string_pretty(&JsonGraph { schema_version: SCHEMA_VERSION, nodes, edges }).unwrap_or_default();
    text.push('\n');
    text
}
