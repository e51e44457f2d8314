//! Merging per-file facts into one graph.

use std::collections::HashMap;
use std::sync::Arc;

use petgraph::stable_graph::StableDiGraph;

use super::{enrich, Facts, Graph, Node, NodeKind};
use crate::source::SourceFile;

/// Builds the graph from each file's facts (in file order, so the result is
/// deterministic), then enriches it with the catalog.
pub fn build(files: Vec<Arc<SourceFile>>, facts: Vec<Facts>) -> Graph {
    // Room for every node and edge stated, made once rather than by
    // doubling (a node stated in two files is counted twice).
    let (node_count, edge_count) = facts.iter().fold((0, 0), |(n, e), f| (n + f.nodes.len(), e + f.edges.len()));
    let mut graph = StableDiGraph::with_capacity(node_count, edge_count);
    let mut by_key = HashMap::new();
    let mut edges = Vec::with_capacity(edge_count);
    let mut declared = Vec::new();
    for file_facts in facts {
        declared.extend(file_facts.declared);
        for node in file_facts.nodes {
            match by_key.get(&node.key) {
                Some(&index) => merge(&mut graph[index], node),
                None => {
                    let key = node.key.clone();
                    by_key.insert(key, graph.add_node(node));
                }
            }
        }
        edges.extend(file_facts.edges);
    }
    for fact in edges {
        let from = endpoint(&mut graph, &mut by_key, &fact.from);
        // A client's default, assumed by a file that does not hold the
        // client's config (an opencode Markdown agent), gives way to the
        // config when one was read: it says what the host really holds.
        if fact.edge.attrs.contains_key("client_default") && graph[from].attrs.contains_key("configured") {
            continue;
        }
        let to = endpoint(&mut graph, &mut by_key, &fact.to);
        graph.add_edge(from, to, fact.edge);
    }
    let mut graph = Graph { graph, by_key, files, declared, sorted: Vec::new() };
    enrich::enrich(&mut graph);
    // Built: the graph is read from here on, and held to the end.
    for node in graph.graph.node_weights_mut() {
        node.attrs.shrink_to_fit();
        node.locs.shrink_to_fit();
    }
    for edge in graph.graph.edge_weights_mut() {
        edge.attrs.shrink_to_fit();
    }
    graph
}

/// A node named by an edge but described nowhere (a server allowed in
/// settings but defined in a file we did not see) still gets a node.
fn endpoint(
    graph: &mut StableDiGraph<Node, super::Edge>,
    by_key: &mut HashMap<String, petgraph::stable_graph::NodeIndex>,
    key: &str,
) -> petgraph::stable_graph::NodeIndex {
    if let Some(&index) = by_key.get(key) {
        return index;
    }
    let kind = match key.split(':').next() {
        Some("agent") => NodeKind::Agent,
        Some("cred") => NodeKind::Credential,
        Some("resource") => NodeKind::Resource,
        Some("trigger") => NodeKind::Trigger,
        _ => NodeKind::Tool,
    };
    let name = key.rsplit(':').next().unwrap_or(key).to_string();
    let index = graph.add_node(Node::new(kind, key, name, None));
    by_key.insert(key.to_string(), index);
    index
}

/// The first file to set an attribute keeps it; every location is kept.
fn merge(into: &mut Node, from: Node) {
    for (name, attr) in from.attrs {
        into.attrs.get_or_insert_with(name, || attr);
    }
    for loc in from.locs {
        if !into.locs.contains(&loc) {
            into.locs.push(loc);
        }
    }
}
