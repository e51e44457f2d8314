//! A plain-text listing of the graph, one node or edge a line, with where
//! each fact came from. Used by the adapter snapshot tests; it holds no
//! secret (attributes never do) and leaves out credential hashes.

use std::fmt::Write;

use petgraph::visit::{EdgeRef, IntoEdgeReferences};

use super::{AttrValue, Attrs, Graph, Loc};

pub fn dump(graph: &Graph) -> String {
    let mut out = String::new();
    let at = |loc: Option<&Loc>| match loc {
        Some(loc) => match graph.file(loc.file) {
            Some(file) => {
                let (line, column) = file.line_col(loc.span.start);
                format!(" @{}:{line}:{column}", file.display)
            }
            None => String::new(),
        },
        None => String::new(),
    };
    let attrs = |attrs: &Attrs| {
        let mut text = String::new();
        for (name, attr) in attrs {
            if name == "hash" {
                continue;
            }
            let value = match &attr.value {
                AttrValue::List(items) => {
                    let shown: Vec<String> = items.iter().map(|i| format!("{}{}", i.value, at(i.loc()))).collect();
                    format!("[{}]", shown.join(", "))
                }
                other => other.to_string(),
            };
            let _ = write!(text, "\n    {name} = {value}{}", at(attr.loc.as_deref()));
        }
        text
    };
    for index in graph.sorted_nodes() {
        let node = graph.node(index);
        let first = node.locs.first();
        let _ = writeln!(out, "{} {}{}{}", node.kind.as_str(), node.key, at(first), attrs(&node.attrs));
    }
    let mut edges: Vec<String> = (&graph.graph)
        .edge_references()
        .map(|e| {
            let w = e.weight();
            format!(
                "{} -{}-> {}{}{}",
                graph.node(e.source()).key,
                w.kind.as_str(),
                graph.node(e.target()).key,
                at(w.loc.as_ref()),
                attrs(&w.attrs)
            )
        })
        .collect();
    edges.sort();
    for edge in edges {
        let _ = writeln!(out, "{edge}");
    }
    out
}
