//! The data-flow diagram of the reports (SVG in HTML, Mermaid in Markdown):
//! trust boundaries as boxes in one row, the agents and servers inside each, and the flows that
//! cross boundaries as labelled arcs drawn above the boxes, so no edge ever
//! runs behind a node. At scale it folds: containers and remote hosts of
//! one kind become one box when there are more than three, a box draws at
//! most ten components, and what was folded is said in the box.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::escape_xml;
use crate::model::{BoundaryKind, ComponentKind, SystemModel};

const BOX_W: f64 = 230.0;
const GAP: f64 = 40.0;
const ITEM_H: f64 = 26.0;
const MAX_ITEMS: usize = 10;
/// Boundaries of one of these kinds are drawn as one box beyond this many.
const MAX_OF_KIND: usize = 3;

/// Left to right: who writes the input, where agents run, what they reach.
fn rank(kind: BoundaryKind) -> u8 {
    match kind {
        BoundaryKind::Internet => 0,
        BoundaryKind::Declared => 1,
        BoundaryKind::Machine => 2,
        BoundaryKind::CiRunner => 3,
        BoundaryKind::Cluster => 4,
        BoundaryKind::Container => 5,
        BoundaryKind::RemoteService => 6,
        BoundaryKind::RemoteAgent => 7,
        BoundaryKind::ModelProvider => 8,
    }
}

struct DrawnBox {
    title: String,
    kind: BoundaryKind,
    items: Vec<(ComponentKind, String)>,
    /// What the box does not draw: folded boundaries, components past the cap.
    folded: Vec<String>,
}

/// Boxes, each with what it draws, and the crossing flows between boxes
/// counted by kind.
type Arcs<'m> = BTreeMap<(usize, usize), BTreeMap<&'m str, usize>>;

fn layout(model: &SystemModel) -> (Vec<DrawnBox>, Arcs<'_>) {
    // Boundary id → box index, folding crowded kinds.
    let mut per_kind: BTreeMap<u8, Vec<&crate::model::Boundary>> = BTreeMap::new();
    for boundary in &model.boundaries {
        per_kind.entry(rank(boundary.kind)).or_default().push(boundary);
    }
    let mut boxes: Vec<DrawnBox> = Vec::new();
    let mut box_of: BTreeMap<&str, usize> = BTreeMap::new();
    for boundaries in per_kind.values() {
        let foldable = matches!(
            boundaries[0].kind,
            BoundaryKind::Container | BoundaryKind::RemoteService | BoundaryKind::RemoteAgent
        );
        if foldable && boundaries.len() > MAX_OF_KIND {
            let title = match boundaries[0].kind {
                BoundaryKind::Container => format!("{} containers", boundaries.len()),
                BoundaryKind::RemoteAgent => format!("{} remote agent hosts", boundaries.len()),
                _ => format!("{} remote services", boundaries.len()),
            };
            for b in boundaries {
                box_of.insert(b.id.as_str(), boxes.len());
            }
            boxes.push(DrawnBox { title, kind: boundaries[0].kind, items: Vec::new(), folded: Vec::new() });
        } else {
            for b in boundaries {
                box_of.insert(b.id.as_str(), boxes.len());
                boxes.push(DrawnBox { title: b.name.to_string(), kind: b.kind, items: Vec::new(), folded: Vec::new() });
            }
        }
    }
    // Components: agents, servers and external entities drawn; built-in
    // tools, credentials and resources counted.
    let mut counted: BTreeMap<(usize, &str), usize> = BTreeMap::new();
    let mut drawn_box: BTreeMap<&str, usize> = BTreeMap::new();
    for component in &model.components {
        let Some(&at) = box_of.get(component.boundary.as_str()) else { continue };
        drawn_box.insert(component.id.as_str(), at);
        let what = match component.kind {
            ComponentKind::Credential => Some("credentials"),
            ComponentKind::DataStore => Some("resources"),
            ComponentKind::Tool if component.layer == "L3" => Some("built-in tools"),
            _ => None,
        };
        match what {
            Some(what) => *counted.entry((at, what)).or_default() += 1,
            None if boxes[at].items.len() < MAX_ITEMS => {
                boxes[at].items.push((component.kind, component.name.to_string()))
            }
            None => *counted.entry((at, "more agents and servers")).or_default() += 1,
        }
    }
    for ((at, what), n) in counted {
        boxes[at].folded.push(format!("{n} {what}"));
    }
    // Crossing flows, box to box, by kind.
    let mut arcs: BTreeMap<(usize, usize), BTreeMap<&str, usize>> = BTreeMap::new();
    for flow in model.flows.iter().filter(|f| f.crosses) {
        let (Some(&from), Some(&to)) = (drawn_box.get(flow.from.as_str()), drawn_box.get(flow.to.as_str())) else {
            continue;
        };
        if from != to {
            *arcs.entry((from, to)).or_default().entry(flow.label).or_default() += 1;
        }
    }
    (boxes, arcs)
}

/// The diagram as Mermaid for the Markdown report: a subgraph per boundary,
/// the crossing flows between subgraphs, labelled with their counts.
pub fn mermaid(model: &SystemModel) -> String {
    let (boxes, arcs) = layout(model);
    let text = |t: &str| super::graph::mermaid_text(&crate::redact::shown(t));
    let mut out = String::from("flowchart LR\n");
    for (i, drawn) in boxes.iter().enumerate() {
        let _ = writeln!(out, "  subgraph b{i}[\"{}\"]", text(&drawn.title));
        for (row, (kind, name)) in drawn.items.iter().enumerate() {
            let shape = match kind {
                ComponentKind::Agent => format!("([\"{}\"])", text(name)),
                ComponentKind::ExternalEntity => format!("[/\"{}\"/]", text(name)),
                _ => format!("[\"{}\"]", text(name)),
            };
            let _ = writeln!(out, "    b{i}n{row}{shape}");
        }
        if !drawn.folded.is_empty() {
            let _ = writeln!(out, "    b{i}more[\"+ {}\"]", text(&drawn.folded.join(", ")));
        }
        let _ = writeln!(out, "  end");
    }
    for ((from, to), kinds) in &arcs {
        let label: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let _ = writeln!(out, "  b{from} -->|\"{}\"| b{to}", text(&label.join(", ")));
    }
    out
}

/// The diagram as SVG for the HTML report.
pub fn render(model: &SystemModel) -> String {
    let (boxes, arcs) = layout(model);

    let lift = |i: usize, span: usize| 40.0 + 22.0 * span as f64 + 18.0 * i as f64;
    let top = arcs.keys().enumerate().map(|(i, (a, b))| lift(i, a.abs_diff(*b))).fold(0.0, f64::max) + 30.0;
    let tallest = boxes.iter().map(|b| b.items.len() + b.folded.len()).max().unwrap_or(0);
    let box_h = 44.0 + tallest.max(1) as f64 * ITEM_H;
    let width = GAP + boxes.len() as f64 * (BOX_W + GAP);
    let height = top + box_h + 20.0;
    let x_of = |i: usize| GAP + i as f64 * (BOX_W + GAP);

    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dfd\" role=\"img\" aria-label=\"Data-flow diagram\" viewBox=\"0 0 {width} {height}\" width=\"100%\" style=\"max-width:{width}px\">"
    );
    svg.push_str("<defs><marker id=\"flow-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#5f6368\"/></marker></defs>");
    for (i, ((from, to), kinds)) in arcs.iter().enumerate() {
        // Out of the top of one box and into the top of the other, above
        // every box between them.
        let (x1, x2) = (x_of(*from) + BOX_W * 0.6, x_of(*to) + BOX_W * 0.4);
        let apex = top - lift(i, from.abs_diff(*to));
        let label: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let class = if kinds.contains_key("untrusted input") { "flow untrusted" } else { "flow" };
        let _ = write!(
            svg,
            "<path class=\"{class}\" d=\"M {x1} {top} C {x1} {apex}, {x2} {apex}, {x2} {top}\" marker-end=\"url(#flow-arrow)\"/><text class=\"flow-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            (x1 + x2) / 2.0,
            top - (top - apex) * 0.75 - 4.0,
            escape_xml(&label.join(", "))
        );
    }
    for (i, drawn) in boxes.iter().enumerate() {
        let x = x_of(i);
        let _ = write!(
            svg,
            "<g class=\"boundary {}\"><rect x=\"{x}\" y=\"{top}\" width=\"{BOX_W}\" height=\"{box_h}\" rx=\"10\"/><text class=\"boundary-title\" x=\"{}\" y=\"{}\">{}</text><title>{}</title></g>",
            drawn.kind.as_str(),
            x + 10.0,
            top + 22.0,
            escape_xml(&super::shorten(&drawn.title, 30)),
            escape_xml(&drawn.title)
        );
        for (row, (kind, name)) in drawn.items.iter().enumerate() {
            let y = top + 34.0 + row as f64 * ITEM_H;
            let _ = write!(
                svg,
                "<g class=\"node {}\"><rect x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{}\" rx=\"5\"/><text x=\"{}\" y=\"{}\">{}</text><title>{}</title></g>",
                kind.as_str(),
                x + 10.0,
                BOX_W - 20.0,
                ITEM_H - 6.0,
                x + 18.0,
                y + 14.0,
                escape_xml(&super::shorten(name, 28)),
                escape_xml(name)
            );
        }
        for (row, text) in drawn.folded.iter().enumerate() {
            let y = top + 48.0 + (drawn.items.len() + row) as f64 * ITEM_H;
            let _ = write!(svg, "<text class=\"folded\" x=\"{}\" y=\"{y}\">+ {}</text>", x + 14.0, escape_xml(text));
        }
    }
    svg.push_str("</svg>");
    svg
}
