//! Merging per-file facts into one graph.

use std::sync::Arc;

use petgraph::stable_graph::StableDiGraph;

use super::{enrich, Facts, Graph, KeyIndex, Node, NodeKind};
use crate::source::SourceFile;

/// Builds the graph from each file's facts (in file order, so the result is
/// deterministic), then enriches it with the catalog.
pub fn build(files: Vec<Arc<SourceFile>>, facts: Vec<Facts>) -> Graph {
    // Room for every node and edge stated, made once rather than by
    // doubling (a node stated in two files is counted twice).
    // Enrichment adds an edge, and at most one node, per path a node opens
    // (`fs_paths`): counted too, or the edges would be moved to twice the room.
    let (node_count, edge_count) = facts.iter().fold((0, 0), |(n, e), f| {
        let opened: usize = f.nodes.iter().map(|node| node.list_attr("fs_paths").len()).sum();
        (n + f.nodes.len() + opened, e + f.edges.len() + opened)
    });
    let graph = StableDiGraph::with_capacity(node_count, edge_count);
    let by_key = KeyIndex::with_capacity(node_count);
    let mut graph = Graph { graph, by_key, files, declared: Vec::new(), sorted: Vec::new() };
    let mut edges = Vec::with_capacity(edge_count);
    for file_facts in facts {
        graph.declared.extend(file_facts.declared);
        for node in file_facts.nodes {
            match graph.index_of(&node.key) {
                Some(index) => merge(&mut graph.graph[index], node),
                None => {
                    graph.add_node(node);
                }
            }
        }
        edges.extend(file_facts.edges);
    }
    for fact in edges {
        let from = endpoint(&mut graph, &fact.from);
        // A client's default, assumed by a file that does not hold the
        // client's config (an opencode Markdown agent), gives way to the
        // config when one was read: it says what the host really holds.
        if fact.edge.attrs.contains_key("client_default") && graph.graph[from].attrs.contains_key("configured") {
            continue;
        }
        let to = endpoint(&mut graph, &fact.to);
        graph.graph.add_edge(from, to, fact.edge);
    }
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
fn endpoint(graph: &mut Graph, key: &str) -> petgraph::stable_graph::NodeIndex {
    if let Some(index) = graph.index_of(key) {
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
    graph.add_node(Node::new(kind, key, name, None))
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
