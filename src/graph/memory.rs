//! Memory shared between agents (OWASP ASI06, memory and context poisoning):
//! a memory or vector store that an agent reading untrusted content writes,
//! and another agent, holding what the first lacks, reads. Text planted in
//! the store by whoever wrote that content steers the second agent.

use std::collections::BTreeMap;

use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::{AttrValue, EdgeKind, Graph, Item, Loc, NodeKind, SetAttr};
use crate::catalog::ImpactCatalog;

/// One store, as the agents that use it name it: the same catalog server at
/// the same place is the same store, whichever client runs it.
fn store_id(graph: &Graph, tool: NodeIndex) -> String {
    let node = graph.node(tool);
    let at = node.str_attr("url").unwrap_or("local");
    match node.str_attr("catalog_id") {
        Some(id) => format!("{id}@{at}"),
        None => node.key.clone(),
    }
}

fn holds<'g>(graph: &'g Graph, agent: NodeIndex, list: &str) -> Vec<&'g str> {
    graph.node(agent).list_attr(list).iter().map(|i| i.value.as_str()).collect()
}

pub(super) fn shared_memory(graph: &mut Graph) {
    // Store → (agent, where its grant is written, the store's name), in key order.
    let mut stores: BTreeMap<String, Vec<(NodeIndex, Option<Loc>, String)>> = BTreeMap::new();
    for agent in graph.sorted_nodes() {
        if graph.node(agent).kind != NodeKind::Agent {
            continue;
        }
        for edge in graph.graph.edges(agent).filter(|e| e.weight().kind == EdgeKind::Uses) {
            let tool = graph.node(edge.target());
            let memory = matches!(tool.attr("memory").map(|a| &a.value), Some(AttrValue::Bool(true)));
            if memory && !tool.is_disabled() {
                let users = stores.entry(store_id(graph, edge.target())).or_default();
                if !users.iter().any(|(a, _, _)| *a == agent) {
                    users.push((agent, edge.weight().loc.clone(), tool.name.clone()));
                }
            }
        }
    }
    let impact = ImpactCatalog::get();
    let mut found: Vec<(NodeIndex, Item)> = Vec::new();
    for users in stores.values().filter(|u| u.len() > 1) {
        for (reader, loc, store) in users {
            let writer = users.iter().find_map(|(writer, _, _)| {
                if writer == reader || !holds(graph, *writer, "flows").contains(&"untrusted_input") {
                    return None;
                }
                let theirs = holds(graph, *writer, "capabilities");
                // What the reader can do that the writer cannot: writing,
                // running or sending, not reading alone.
                let more: Vec<&str> = holds(graph, *reader, "capabilities")
                    .into_iter()
                    .filter(|c| !theirs.contains(c) && impact.of(c).is_some_and(|i| i.level >= 2))
                    .collect();
                (!more.is_empty()).then(|| (graph.node(*writer).name.clone(), more.join(", ")))
            });
            if let Some((writer, more)) = writer {
                let value = format!("{store}, written too by {writer} (reads untrusted content; lacks {more})");
                found.push((*reader, Item::new(value, loc.clone())));
            }
        }
    }
    for (agent, item) in found {
        graph.graph[agent].push_item("poisoned_memory", item);
    }
}
