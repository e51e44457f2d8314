//! Path patterns: privilege reached through other agents, flows reached
//! together, delegation cycles and values shared by several owners. Each hit
//! carries its witness chain.

use std::collections::BTreeSet;

use petgraph::algo::kosaraju_scc;
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::visit::{EdgeRef, NodeIndexable};
use petgraph::Direction;

use super::rule::{CyclePattern, NodeSpec, PathPattern, ReachPattern, SharedPattern};
use super::{test, Hit, Order};
use crate::graph::reach::{from_each, Searcher};
use crate::graph::Graph;

/// At most this many targets are named in a message.
const NAMED: usize = 5;

/// At most this many paths go into a chain; the message counts the rest. In
/// a dense delegation web one agent reaches thousands of tools, and a chain
/// of thousands of steps helps nobody.
const CHAIN_PATHS: usize = 10;

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

/// `x, y, z and 4 more`.
fn named<S: AsRef<str>>(list: &[S]) -> String {
    named_of(list, list.len())
}

/// The first few of `list`, and how many of `total` are left unnamed.
fn named_of<S: AsRef<str>>(list: &[S], total: usize) -> String {
    let shown: Vec<&str> = list[..list.len().min(NAMED)].iter().map(AsRef::as_ref).collect();
    match total.saturating_sub(shown.len()) {
        0 => shown.join(", "),
        rest => format!("{} and {rest} more", shown.join(", ")),
    }
}

/// One finding per origin that reaches targets through `through` edges; the
/// chain holds a shortest path to each target, in breadth-first order.
pub(super) fn path_hits<'g>(graph: &'g Graph, order: &Order<'g>, p: &PathPattern) -> Vec<Hit<'g>> {
    // Which nodes may end a path, tested once: every search reaches the
    // same tools again.
    let mut targets = vec![false; graph.graph.node_bound()];
    for &index in &order.nodes {
        targets[index.index()] = !graph.node(index).is_disabled() && matches_spec(graph, index, &p.target);
    }
    per_origin(graph, order, &p.origin, |searcher, origin| path_hit(graph, order, p, &targets, searcher, origin))
}

/// Runs `hit` from every node that matches `origin`, on every core; hits in
/// node order.
fn per_origin<'g>(
    graph: &'g Graph,
    order: &Order<'g>,
    origin: &NodeSpec,
    hit: impl Fn(&mut Searcher, NodeIndex) -> Option<Hit<'g>> + Sync,
) -> Vec<Hit<'g>> {
    let origins: Vec<NodeIndex> = order.nodes.iter().copied().filter(|&n| matches_spec(graph, n, origin)).collect();
    from_each(graph, &origins, hit).into_iter().flatten().collect()
}

fn path_hit<'g>(
    graph: &'g Graph,
    order: &Order<'g>,
    p: &PathPattern,
    targets: &[bool],
    searcher: &mut Searcher,
    origin: NodeIndex,
) -> Option<Hit<'g>> {
    searcher.run(&order.adjacency, origin, &p.through, p.max);
    // What the origin holds itself is marked as seen when only what it
    // does not hold counts.
    if p.not_held {
        for (_, held) in order.adjacency.out(origin, p.last) {
            searcher.mark(held);
        }
    }
    let mut found: Vec<(NodeIndex, NodeIndex, usize, Vec<EdgeIndex>)> = Vec::new();
    let mut total = 0usize;
    for at in 0..searcher.reached().len() {
        let (holder, depth) = searcher.reached()[at];
        if depth < p.min {
            continue;
        }
        for (last, target) in order.adjacency.out(holder, p.last) {
            if !targets[target.index()] || !searcher.mark(target) {
                continue;
            }
            total += 1;
            if found.len() < CHAIN_PATHS {
                let mut chain = searcher.path(holder);
                chain.push(last);
                found.push((holder, target, depth, chain));
            }
        }
    }
    let (holder, target, depth, _) = found.first().cloned()?;
    let targets: Vec<String> = found
        .iter()
        .map(|(_, t, _, _)| {
            let tool = graph.node(*t);
            let caps: Vec<&str> = tool.list_attr("capabilities").iter().map(|i| i.value.as_str()).collect();
            let source = tool.str_attr("capability_source").unwrap_or("unknown");
            format!("`{}` ({}; {source})", tool.name, caps.join(", "))
        })
        .collect();
    let paths: Vec<String> = found.iter().map(|(_, _, _, chain)| path_text(graph, origin, chain)).collect();
    let chain: Vec<EdgeIndex> = found.iter().flat_map(|(_, _, _, c)| c.iter().copied()).collect();
    let loc = chain.first().and_then(|e| graph.graph[*e].loc.clone());
    let (hops, count, targets, path) = (depth.to_string(), total.to_string(), named_of(&targets, total), named(&paths));
    // The values fingerprints have hashed since the first release (with
    // the delegation count in words), so that baselines stay valid.
    let delegations = if depth == 1 { "1 delegation".to_string() } else { format!("{depth} delegations") };
    let identity = [&hops, &delegations, &count, &targets, &path].map(String::as_str).join(",");
    let vars = vec![
        ("origin", graph.node(origin).name.clone()),
        ("target", graph.node(target).name.clone()),
        ("hops", hops),
        ("count", count),
        ("targets", targets),
        ("path", path),
    ];
    Some(Hit {
        identity: Some(identity),
        from: Some(graph.node(holder)),
        to: Some(graph.node(target)),
        ..Hit::along(graph.node(origin), loc, chain, vars)
    })
}

pub(super) fn reach_hits<'g>(graph: &'g Graph, order: &Order<'g>, p: &ReachPattern) -> Vec<Hit<'g>> {
    per_origin(graph, order, &p.origin, |searcher, origin| reach_hit(graph, order, p, searcher, origin))
}

fn reach_hit<'g>(
    graph: &'g Graph,
    order: &Order<'g>,
    p: &ReachPattern,
    searcher: &mut Searcher,
    origin: NodeIndex,
) -> Option<Hit<'g>> {
    searcher.run(&order.adjacency, origin, &p.through, p.max);
    // For each flow, the first (shortest) path to a target carrying it,
    // with how it reads.
    let mut witness: Vec<(String, Vec<EdgeIndex>, String)> = Vec::new();
    for &(holder, _) in searcher.reached() {
        for (last, target) in order.adjacency.out(holder, p.last) {
            let tool = graph.node(target);
            if tool.is_disabled() || (p.unprompted && !graph.graph[last].unprompted(graph.node(holder))) {
                continue;
            }
            let flows = graph.graph[last].granted(tool, "flows");
            for flow in &p.flows_all {
                if witness.iter().any(|(f, _, _)| f == flow) || !flows.iter().any(|i| &i.value == flow) {
                    continue;
                }
                let mut chain = searcher.path(holder);
                chain.push(last);
                let text = path_text(graph, origin, &chain);
                witness.push((flow.clone(), chain, text));
            }
        }
        // What feeds the holder (a trigger): its edge's flows, read as
        // `issue_comment in x.yml feeding agent`. Only rules that ask walk
        // the incoming edges.
        let mut feeding: Vec<_> = if p.fed_by.is_empty() {
            Vec::new()
        } else {
            graph
                .graph
                .edges_directed(holder, petgraph::Direction::Incoming)
                .filter(|e| p.fed_by.contains(&e.weight().kind))
                .collect()
        };
        feeding.sort_by(|a, b| graph.node(a.source()).key.cmp(&graph.node(b.source()).key));
        for edge in feeding {
            for flow in &p.flows_all {
                let carries =
                    edge.weight().granted(graph.node(edge.source()), "flows").iter().any(|i| &i.value == flow);
                if !carries || witness.iter().any(|(f, _, _)| f == flow) {
                    continue;
                }
                let mut chain = searcher.path(holder);
                let text = format!("{} feeding {}", graph.node(edge.source()).name, path_text(graph, origin, &chain));
                chain.push(edge.id());
                witness.push((flow.clone(), chain, text));
            }
        }
        if witness.len() == p.flows_all.len() {
            break;
        }
    }
    if witness.len() < p.flows_all.len() {
        return None;
    }
    witness.sort_by_key(|(f, _, _)| p.flows_all.iter().position(|x| x == f));
    let described: Vec<String> = witness.iter().map(|(flow, _, text)| format!("{flow} via {text}")).collect();
    let chain: Vec<EdgeIndex> = witness.iter().flat_map(|(_, c, _)| c.iter().copied()).collect();
    // The finding points at the grant of the last flow (for the lethal
    // trifecta, the way out: the leg to cut); each leg is in the chain.
    let node = graph.node(origin);
    let loc = witness
        .last()
        .and_then(|(_, c, _)| c.last())
        .and_then(|e| graph.graph[*e].loc.clone())
        .or_else(|| node.locs.first().cloned());
    let vars = vec![("origin", node.name.clone()), ("flows", described.join("; "))];
    Some(Hit::along(node, loc, chain, vars))
}

pub(super) fn cycle_hits<'g>(graph: &'g Graph, order: &Order<'g>, p: &CyclePattern) -> Vec<Hit<'g>> {
    // The subgraph of `kind` nodes joined by `through` edges. Kosaraju's
    // search keeps its own stack: Tarjan's recursion overflowed the thread's
    // on a delegation chain of 100,000 agents.
    let filtered = petgraph::visit::EdgeFiltered::from_fn(&graph.graph, |e| {
        p.through.contains(&e.weight().kind)
            && graph.node(e.source()).kind == p.kind
            && graph.node(e.target()).kind == p.kind
    });
    let mut components: Vec<Vec<NodeIndex>> = kosaraju_scc(&filtered)
        .into_iter()
        .filter(|c| c.len() > 1 && c.iter().all(|n| graph.node(*n).kind == p.kind))
        .collect();
    for component in &mut components {
        component.sort_by(|a, b| graph.node(*a).key.cmp(&graph.node(*b).key));
    }
    components.sort_by(|a, b| graph.node(a[0]).key.cmp(&graph.node(b[0]).key));
    let mut hits = Vec::new();
    let mut searcher = Searcher::new(graph);
    for component in components {
        let start = component[0];
        // A witness cycle: the shortest way from the first member back to it.
        searcher.run(&order.adjacency, start, &p.through, component.len());
        let back = component.iter().copied().filter(|n| *n != start).find_map(|n| {
            p.through
                .iter()
                .find_map(|kind| order.adjacency.out(n, *kind).find(|(_, t)| *t == start))
                .map(|(e, _)| (n, e))
        });
        let Some((last_node, last_edge)) = back else { continue };
        let mut chain = searcher.path(last_node);
        chain.push(last_edge);
        let names: Vec<String> = component.iter().map(|n| graph.node(*n).name.clone()).collect();
        let loc = chain.first().and_then(|e| graph.graph[*e].loc.clone());
        let vars = vec![
            ("members", named(&names)),
            ("count", names.len().to_string()),
            ("path", path_text(graph, start, &chain)),
        ];
        hits.push(Hit::along(graph.node(start), loc, chain, vars));
    }
    hits
}

pub(super) fn shared_hits<'g>(graph: &'g Graph, order: &Order<'g>, p: &SharedPattern) -> Vec<Hit<'g>> {
    let mut groups: std::collections::BTreeMap<&str, Vec<NodeIndex>> = std::collections::BTreeMap::new();
    for &index in &order.nodes {
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
            let mut incoming: Vec<_> = graph
                .graph
                .edges_directed(member, Direction::Incoming)
                .filter(|e| e.weight().kind == p.owner)
                .collect();
            incoming.sort_by(|a, b| graph.node(a.source()).key.cmp(&graph.node(b.source()).key));
            for edge in incoming {
                if owners.insert(graph.node(edge.source()).key.clone()) {
                    uses.push(edge.id());
                }
            }
        }
        if owners.len() < p.min {
            continue;
        }
        let names: Vec<crate::redact::Shown> = uses
            .iter()
            .filter_map(|e| graph.graph.edge_endpoints(*e))
            .map(|(owner, _)| graph.node(owner).label())
            .collect();
        let first = graph.node(members[0]);
        let loc = first.locs.first().cloned();
        let vars = vec![("count", owners.len().to_string()), ("members", named(&names))];
        hits.push(Hit::along(first, loc, uses, vars));
    }
    hits
}
