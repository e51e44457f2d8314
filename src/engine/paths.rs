//! Path patterns: privilege reached through other agents, flows reached
//! together, and delegation cycles. Each hit carries its witness chain.

use std::collections::{BTreeSet, HashSet};

use petgraph::algo::tarjan_scc;
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use super::rule::{CyclePattern, NodeSpec, PathPattern, ReachPattern, SharedPattern};
use super::{test, Hit};
use crate::graph::reach::{bfs, out_edges};
use crate::graph::Graph;

fn matches_spec(graph: &Graph, index: NodeIndex, spec: &NodeSpec) -> bool {
    let node = graph.node(index);
    node.kind == spec.kind && spec.condition.as_ref().is_none_or(|c| test(c, &node.attrs, Some(node)))
}

/// `a → b → c`, by node names along the chain.
fn path_text(graph: &Graph, origin: NodeIndex, chain: &[EdgeIndex]) -> String {
    let mut names = vec![graph.node(origin).name.clone()];
    for edge in chain {
        if let Some((_, target)) = graph.graph.edge_endpoints(*edge) {
            names.push(graph.node(target).name.clone());
        }
    }
    names.join(" → ")
}

pub fn path_hits<'g>(graph: &'g Graph, order: &[NodeIndex], p: &PathPattern) -> Vec<Hit<'g>> {
    let mut hits = Vec::new();
    for &origin in order {
        if !matches_spec(graph, origin, &p.origin) {
            continue;
        }
        let held: HashSet<NodeIndex> = out_edges(graph, origin, p.last).into_iter().map(|(_, n)| n).collect();
        let reach = bfs(graph, origin, &p.through, p.max);
        let mut seen = HashSet::new();
        for (holder, depth) in reach.nodes() {
            if depth < p.min {
                continue;
            }
            for (last, target) in out_edges(graph, holder, p.last) {
                let skip = graph.node(target).is_disabled() || (p.not_held && held.contains(&target));
                if skip || !matches_spec(graph, target, &p.target) {
                    continue;
                }
                // Breadth-first order: the first path to a target is a shortest one.
                if !seen.insert(target) {
                    continue;
                }
                let mut chain = reach.path(holder);
                chain.push(last);
                let loc = chain.first().and_then(|e| graph.graph[*e].loc.clone());
                let delegations = if depth == 1 { "1 delegation".to_string() } else { format!("{depth} delegations") };
                let vars = vec![
                    ("hops", depth.to_string()),
                    ("delegations", delegations),
                    ("path", path_text(graph, origin, &chain)),
                ];
                hits.push(Hit {
                    edge_attrs: Some(&graph.graph[last].attrs),
                    from: Some(graph.node(holder)),
                    to: Some(graph.node(target)),
                    ..Hit::along(graph.node(origin), loc, chain, vars)
                });
            }
        }
    }
    hits
}

pub fn reach_hits<'g>(graph: &'g Graph, order: &[NodeIndex], p: &ReachPattern) -> Vec<Hit<'g>> {
    let mut hits = Vec::new();
    for &origin in order {
        if !matches_spec(graph, origin, &p.origin) {
            continue;
        }
        let reach = bfs(graph, origin, &p.through, p.max);
        // For each flow, the first (shortest) path to a target carrying it.
        let mut witness: Vec<(String, Vec<EdgeIndex>)> = Vec::new();
        for (holder, _) in reach.nodes() {
            for (last, target) in out_edges(graph, holder, p.last) {
                let tool = graph.node(target);
                if tool.is_disabled() {
                    continue;
                }
                let flows = graph.graph[last].granted(tool, "flows");
                for flow in &p.flows_all {
                    if witness.iter().any(|(f, _)| f == flow) || !flows.iter().any(|i| &i.value == flow) {
                        continue;
                    }
                    let mut chain = reach.path(holder);
                    chain.push(last);
                    witness.push((flow.clone(), chain));
                }
            }
        }
        if witness.len() < p.flows_all.len() {
            continue;
        }
        witness.sort_by_key(|(f, _)| p.flows_all.iter().position(|x| x == f));
        let described: Vec<String> =
            witness.iter().map(|(flow, chain)| format!("{flow} via {}", path_text(graph, origin, chain))).collect();
        let chain: Vec<EdgeIndex> = witness.iter().flat_map(|(_, c)| c.iter().copied()).collect();
        let node = graph.node(origin);
        let loc = node.locs.first().cloned();
        hits.push(Hit::along(node, loc, chain, vec![("flows", described.join("; "))]));
    }
    hits
}

pub fn cycle_hits<'g>(graph: &'g Graph, p: &CyclePattern) -> Vec<Hit<'g>> {
    // The subgraph of `kind` nodes joined by `through` edges.
    let filtered = petgraph::visit::EdgeFiltered::from_fn(&graph.graph, |e| {
        p.through.contains(&e.weight().kind)
            && graph.node(e.source()).kind == p.kind
            && graph.node(e.target()).kind == p.kind
    });
    let mut components: Vec<Vec<NodeIndex>> = tarjan_scc(&filtered)
        .into_iter()
        .filter(|c| c.len() > 1 && c.iter().all(|n| graph.node(*n).kind == p.kind))
        .collect();
    for component in &mut components {
        component.sort_by(|a, b| graph.node(*a).key.cmp(&graph.node(*b).key));
    }
    components.sort_by(|a, b| graph.node(a[0]).key.cmp(&graph.node(b[0]).key));
    let mut hits = Vec::new();
    for component in components {
        let members: BTreeSet<NodeIndex> = component.iter().copied().collect();
        let start = component[0];
        // A witness cycle: the shortest way from the first member back to it.
        let reach = bfs(graph, start, &p.through, component.len());
        let back = members.iter().copied().filter(|n| *n != start).find_map(|n| {
            out_edges(graph, n, p.through[0]).into_iter().find(|(_, t)| *t == start).map(|(e, _)| (n, e))
        });
        let Some((last_node, last_edge)) = back else { continue };
        let mut chain = reach.path(last_node);
        chain.push(last_edge);
        let names: Vec<String> = component.iter().map(|n| graph.node(*n).name.clone()).collect();
        let loc = chain.first().and_then(|e| graph.graph[*e].loc.clone());
        let vars = vec![
            ("members", names.join(", ")),
            ("count", names.len().to_string()),
            ("path", path_text(graph, start, &chain)),
        ];
        hits.push(Hit::along(graph.node(start), loc, chain, vars));
    }
    hits
}

pub fn shared_hits<'g>(graph: &'g Graph, order: &[NodeIndex], p: &SharedPattern) -> Vec<Hit<'g>> {
    let mut groups: std::collections::BTreeMap<&str, Vec<NodeIndex>> = std::collections::BTreeMap::new();
    for &index in order {
        let node = graph.node(index);
        if node.kind != p.kind || !p.condition.as_ref().is_none_or(|c| test(c, &node.attrs, Some(node))) {
            continue;
        }
        if let Some(value) = node.str_attr(&p.by) {
            groups.entry(value).or_default().push(index);
        }
    }
    let mut hits = Vec::new();
    for members in groups.into_values() {
        // Each use: the owner's edge to this copy of the value.
        let mut uses: Vec<EdgeIndex> = Vec::new();
        let mut owners = BTreeSet::new();
        for &member in &members {
            for edge in graph.graph.edges_directed(member, Direction::Incoming).filter(|e| e.weight().kind == p.owner) {
                if owners.insert(graph.node(edge.source()).key.clone()) {
                    uses.push(edge.id());
                }
            }
        }
        if owners.len() < p.min {
            continue;
        }
        let names: Vec<String> = uses
            .iter()
            .filter_map(|e| graph.graph.edge_endpoints(*e))
            .map(|(owner, _)| graph.node(owner).label())
            .collect();
        let first = graph.node(members[0]);
        let loc = first.locs.first().cloned();
        let vars = vec![("count", owners.len().to_string()), ("members", names.join(", "))];
        hits.push(Hit::along(first, loc, uses, vars));
    }
    hits
}
