//! The privilege graph as a self-contained inline SVG for the HTML report:
//! one column per node kind, delegation drawn thick. No script, no fetch;
//! every label escaped here, since the SVG is inserted as markup.

use std::collections::HashMap;
use std::fmt::Write;

use petgraph::stable_graph::NodeIndex;
use petgraph::visit::{EdgeRef, IntoEdgeReferences};

use super::escape_xml;
use crate::graph::{EdgeKind, Graph, NodeKind};

const COLUMN: f64 = 260.0;
const ROW: f64 = 44.0;
const BOX_W: f64 = 210.0;
const BOX_H: f64 = 30.0;
const TOP: f64 = 40.0;
const LEFT: f64 = 40.0;

pub fn render(graph: &Graph) -> String {
    const KINDS: [(NodeKind, &str, &str, &str); 4] = [
        (NodeKind::Agent, "Agents", "#e8f0fe", "#3367d6"),
        (NodeKind::Tool, "Tools", "#fef7e0", "#b06000"),
        (NodeKind::Credential, "Credentials", "#fce8e6", "#c5221f"),
        (NodeKind::Resource, "Resources", "#e6f4ea", "#137333"),
    ];
    let mut place: HashMap<NodeIndex, (f64, f64)> = HashMap::new();
    let mut rows = [0usize; 4];
    for index in graph.sorted_nodes() {
        let column = KINDS.iter().position(|k| k.0 == graph.node(index).kind).unwrap_or(0);
        place.insert(index, (LEFT + column as f64 * COLUMN, TOP + rows[column] as f64 * ROW));
        rows[column] += 1;
    }
    let height = TOP + (*rows.iter().max().unwrap_or(&1)).max(1) as f64 * ROW + 20.0;
    let width = LEFT * 2.0 + 3.0 * COLUMN + BOX_W;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" role=\"img\" aria-label=\"Privilege graph\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\">"
    );
    svg.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#5f6368\"/></marker></defs>");
    for (i, (_, title, _, _)) in KINDS.iter().enumerate() {
        let _ = write!(svg, "<text x=\"{}\" y=\"20\" class=\"column\">{title}</text>", LEFT + i as f64 * COLUMN);
    }
    let mut drawn = std::collections::HashSet::new();
    for edge in (&graph.graph).edge_references() {
        let (from, to) = (edge.source(), edge.target());
        if !drawn.insert((from, to, edge.weight().kind)) {
            continue;
        }
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (place.get(&from), place.get(&to)) else { continue };
        let delegation = edge.weight().kind == EdgeKind::DelegatesTo;
        let class = if delegation { "edge delegation" } else { "edge" };
        let path = if (x1 - x2).abs() < 1.0 {
            // Same column: an arc out to the left.
            let (ya, yb) = (y1 + BOX_H / 2.0, y2 + BOX_H / 2.0);
            format!("M {x1} {ya} C {} {ya}, {} {yb}, {x1} {yb}", x1 - 36.0, x1 - 36.0)
        } else {
            let (sx, sy, tx, ty) = (x1 + BOX_W, y1 + BOX_H / 2.0, x2, y2 + BOX_H / 2.0);
            let mid = (sx + tx) / 2.0;
            format!("M {sx} {sy} C {mid} {sy}, {mid} {ty}, {tx} {ty}")
        };
        let _ = write!(
            svg,
            "<path class=\"{class}\" d=\"{path}\" marker-end=\"url(#arrow)\"><title>{}</title></path>",
            edge.weight().kind.as_str()
        );
    }
    for index in graph.sorted_nodes() {
        let node = graph.node(index);
        let Some(&(x, y)) = place.get(&index) else { continue };
        let (_, _, fill, stroke) = KINDS.iter().find(|k| k.0 == node.kind).copied().unwrap_or(KINDS[0]);
        let label = node.label();
        let _ = write!(
            svg,
            "<g class=\"node {}\"><rect x=\"{x}\" y=\"{y}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"6\" fill=\"{fill}\" stroke=\"{stroke}\"/><text x=\"{}\" y=\"{}\">{}</text><title>{}</title></g>",
            node.kind.as_str(),
            x + 8.0,
            y + 19.0,
            escape_xml(&super::shorten(&label, 30)),
            escape_xml(&label)
        );
    }
    svg.push_str("</svg>");
    svg
}
