//! Bounded path search over the graph. Breadth-first, so every node reached
//! comes with one shortest witness path; a hop limit bounds the work. Never
//! enumerates all simple paths.

use std::collections::{BTreeSet, VecDeque};

use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::visit::{EdgeRef, NodeIndexable};
use petgraph::Direction;

use super::{EdgeKind, Graph};

/// The hop limit for blast radius and path rules: deeper delegation chains
/// are rare, and the bound keeps every search linear in the graph.
pub const MAX_HOPS: usize = 8;

/// Every node's outgoing edges, sorted by target key once, so searches are
/// deterministic without sorting at every step.
pub struct Adjacency {
    /// Node `n`'s edges are `out[starts[n]..starts[n + 1]]`: one vector
    /// for the whole graph rather than one per node.
    starts: Vec<u32>,
    out: Vec<(EdgeKind, EdgeIndex, NodeIndex)>,
    /// What each node adds to a blast radius that reaches it, worked out
    /// once rather than from its attributes at every search that reaches it.
    counted: Vec<Counted>,
    capability_names: Vec<&'static str>,
    flow_names: Vec<&'static str>,
}

/// A node as a blast radius counts it: one per node of the graph, so kept
/// small (32 bytes).
#[derive(Clone, Default)]
struct Counted {
    /// Agent, tool, credential or resource (0 to 3); `None` for a disabled
    /// node or a trigger.
    slot: Option<u8>,
    /// An agent's capabilities and flows: bit `i` is name `i` of the sorted
    /// `CAPABILITIES` or `FLOWS`.
    capabilities: u64,
    flows: u64,
    /// Names outside the closed taxonomy (a custom catalog), kept as text:
    /// capabilities, then flows. Rare, so boxed.
    others: Option<Box<(Vec<String>, Vec<String>)>>,
}

/// The closed capability and flow names, in the order reports list them.
fn sorted_names(names: &[&'static str]) -> Vec<&'static str> {
    let mut names = names.to_vec();
    names.sort_unstable();
    names
}

fn bits(items: &[super::Item], names: &[&'static str], other: &mut Vec<String>) -> u64 {
    let mut bits = 0u64;
    for item in items {
        match names.binary_search(&item.value.as_str()) {
            Ok(at) if at < 64 => bits |= 1 << at,
            _ => other.push(item.value.to_string()),
        }
    }
    bits
}

impl Counted {
    fn of(node: &super::Node, capability_names: &[&'static str], flow_names: &[&'static str]) -> Counted {
        use super::NodeKind;
        let slot = match node.kind {
            _ if node.is_disabled() => None,
            NodeKind::Agent => Some(0),
            NodeKind::Tool => Some(1),
            NodeKind::Credential => Some(2),
            NodeKind::Resource => Some(3),
            // A trigger starts an agent; it is never reached from one.
            NodeKind::Trigger => None,
        };
        let mut counted = Counted { slot, ..Counted::default() };
        // An agent's own lists already account for narrowed grants.
        if slot == Some(0) {
            let (mut other_capabilities, mut other_flows) = (Vec::new(), Vec::new());
            counted.capabilities = bits(node.list_attr("capabilities"), capability_names, &mut other_capabilities);
            counted.flows = bits(node.list_attr("flows"), flow_names, &mut other_flows);
            if !other_capabilities.is_empty() || !other_flows.is_empty() {
                counted.others = Some(Box::new((other_capabilities, other_flows)));
            }
        }
        counted
    }
}

impl Adjacency {
    pub fn new(graph: &Graph) -> Self {
        let order = graph.sorted_nodes();
        let mut rank = vec![0usize; graph.graph.node_bound()];
        for (i, node) in order.iter().enumerate() {
            rank[node.index()] = i;
        }
        let (capability_names, flow_names) = (sorted_names(super::CAPABILITIES), sorted_names(super::FLOWS));
        let mut counted = vec![Counted::default(); graph.graph.node_bound()];
        let mut out = Vec::with_capacity(graph.graph.edge_count());
        let mut starts = vec![0u32; graph.graph.node_bound() + 1];
        let mut edges = Vec::new();
        // By index, so each node's edges follow the one before's.
        for node in (0..graph.graph.node_bound()).map(NodeIndex::new) {
            if let Some(weight) = graph.graph.node_weight(node) {
                counted[node.index()] = Counted::of(weight, &capability_names, &flow_names);
                edges.clear();
                edges.extend(
                    graph
                        .graph
                        .edges_directed(node, Direction::Outgoing)
                        .map(|e| (rank[e.target().index()], e.weight().kind, e.id(), e.target())),
                );
                edges.sort_by_key(|(rank, kind, edge, _)| (*rank, *kind, edge.index()));
                out.extend(edges.iter().map(|&(_, kind, edge, target)| (kind, edge, target)));
            }
            // The graph numbers its edges in `u32`, so their count fits.
            starts[node.index() + 1] = u32::try_from(out.len()).unwrap_or(u32::MAX);
        }
        Adjacency { starts, out, counted, capability_names, flow_names }
    }

    /// Every outgoing edge of `node`, in target-key order.
    fn all_out(&self, node: NodeIndex) -> &[(EdgeKind, EdgeIndex, NodeIndex)] {
        let at = node.index();
        match (self.starts.get(at), self.starts.get(at + 1)) {
            (Some(&start), Some(&end)) => self.out.get(start as usize..end as usize).unwrap_or_default(),
            _ => &[],
        }
    }

    /// Outgoing edges of `kind`, in target-key order.
    pub fn out(&self, node: NodeIndex, kind: EdgeKind) -> impl Iterator<Item = (EdgeIndex, NodeIndex)> + '_ {
        self.all_out(node).iter().filter(move |(k, _, _)| *k == kind).map(|(_, e, n)| (*e, *n))
    }
}

/// A breadth-first search whose buffers are reused from one origin to the
/// next: searching from every agent of a large graph allocates once.
pub struct Searcher {
    stamp: Vec<u32>,
    /// Nodes a caller has marked during the current run (see [`Searcher::mark`]).
    marked: Vec<u32>,
    generation: u32,
    parent: Vec<(NodeIndex, EdgeIndex)>,
    reached: Vec<(NodeIndex, usize)>,
    queue: VecDeque<(NodeIndex, usize)>,
}

impl Searcher {
    pub fn new(graph: &Graph) -> Self {
        let bound = graph.graph.node_bound();
        Searcher {
            stamp: vec![0; bound],
            marked: vec![0; bound],
            generation: 0,
            parent: vec![(NodeIndex::end(), EdgeIndex::end()); bound],
            reached: Vec::new(),
            queue: VecDeque::new(),
        }
    }

    /// Breadth-first from `origin` over edges of the given kinds, at most `max` hops.
    pub fn run(&mut self, adjacency: &Adjacency, origin: NodeIndex, kinds: &[EdgeKind], max: usize) {
        self.generation += 1;
        self.reached.clear();
        self.queue.clear();
        self.stamp[origin.index()] = self.generation;
        self.parent[origin.index()] = (NodeIndex::end(), EdgeIndex::end());
        self.queue.push_back((origin, 0));
        while let Some((node, depth)) = self.queue.pop_front() {
            self.reached.push((node, depth));
            if depth == max {
                continue;
            }
            for &(kind, edge, next) in adjacency.all_out(node) {
                if !kinds.contains(&kind) || self.stamp[next.index()] == self.generation {
                    continue;
                }
                self.stamp[next.index()] = self.generation;
                self.parent[next.index()] = (node, edge);
                self.queue.push_back((next, depth + 1));
            }
        }
    }

    /// Marks `node` for the current run; whether it was not marked before.
    /// A set of nodes per search that costs nothing to clear.
    pub fn mark(&mut self, node: NodeIndex) -> bool {
        let first = self.marked[node.index()] != self.generation;
        self.marked[node.index()] = self.generation;
        first
    }

    /// Nodes reached by the last run, origin first, in breadth-first order.
    pub fn reached(&self) -> &[(NodeIndex, usize)] {
        &self.reached
    }

    /// The edges from the origin to `node`, in order (shortest path).
    pub fn path(&self, node: NodeIndex) -> Vec<EdgeIndex> {
        let mut edges = Vec::new();
        let mut at = node;
        while let Some(&(prev, edge)) = self.parent.get(at.index()) {
            if edge == EdgeIndex::end() {
                break;
            }
            edges.push(edge);
            at = prev;
        }
        edges.reverse();
        edges
    }
}

/// Runs `search` from each of `origins` on every core, each split of the
/// work with its own searcher (its buffers are as large as the graph);
/// results in the order of `origins`.
pub fn from_each<T: Send>(
    graph: &Graph,
    origins: &[NodeIndex],
    search: impl Fn(&mut Searcher, NodeIndex) -> T + Sync,
) -> Vec<T> {
    use rayon::prelude::*;
    // Not fewer origins than this per split: each split allocates a searcher.
    const PER_SPLIT: usize = 64;
    origins.par_iter().with_min_len(PER_SPLIT).map_init(|| Searcher::new(graph), |s, &n| search(s, n)).collect()
}

/// Outgoing edges of `kind` from `node`, sorted by target key.
pub fn out_edges(graph: &Graph, node: NodeIndex, kind: EdgeKind) -> Vec<(EdgeIndex, NodeIndex)> {
    let mut edges: Vec<_> = graph
        .graph
        .edges_directed(node, Direction::Outgoing)
        .filter(|e| e.weight().kind == kind)
        .map(|e| (graph.node(e.target()).key.as_str(), e.id(), e.target()))
        .collect();
    edges.sort();
    edges.into_iter().map(|(_, e, n)| (e, n)).collect()
}

/// What one agent can reach, itself and through the agents it delegates to.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BlastRadius {
    pub agent: crate::redact::Shown,
    pub name: crate::redact::Shown,
    /// How reports name the agent.
    pub label: crate::redact::Shown,
    /// Everything reached: tools, credentials, resources and other agents.
    pub size: usize,
    pub agents: usize,
    pub tools: usize,
    pub credentials: usize,
    pub resources: usize,
    pub capabilities: Vec<String>,
    pub flows: Vec<String>,
}

/// The edges a blast radius follows: what an agent uses, delegates to,
/// authenticates with, and what those can do.
pub const BLAST_KINDS: [EdgeKind; 4] =
    [EdgeKind::Uses, EdgeKind::DelegatesTo, EdgeKind::AuthenticatesWith, EdgeKind::Can];

/// One agent's blast radius; `searcher.reached()` holds what it reached
/// afterwards (disabled nodes included, and not counted).
pub fn blast_radius(
    graph: &Graph,
    adjacency: &Adjacency,
    searcher: &mut Searcher,
    origin: NodeIndex,
    max: usize,
) -> BlastRadius {
    let node = graph.node(origin);
    searcher.run(adjacency, origin, &BLAST_KINDS, max);
    let mut counts = [0usize; 4];
    let (mut capability_bits, mut flow_bits) = (0u64, 0u64);
    let mut others: Option<(BTreeSet<&str>, BTreeSet<&str>)> = None;
    for &(index, _) in searcher.reached() {
        let counted = &adjacency.counted[index.index()];
        let Some(slot) = counted.slot else { continue };
        if index != origin {
            counts[usize::from(slot)] += 1;
        }
        capability_bits |= counted.capabilities;
        flow_bits |= counted.flows;
        if let Some(other) = &counted.others {
            let (capabilities, flows) = others.get_or_insert_with(Default::default);
            capabilities.extend(other.0.iter().map(String::as_str));
            flows.extend(other.1.iter().map(String::as_str));
        }
    }
    let names = |bits: u64, names: &[&'static str], other: Option<&BTreeSet<&str>>| -> Vec<String> {
        let known = names.iter().enumerate().filter(|(at, _)| bits & (1 << at) != 0).map(|(_, name)| *name);
        match other {
            // Text order over both, as a set of strings would give.
            Some(other) => {
                known.chain(other.iter().copied()).collect::<BTreeSet<_>>().into_iter().map(String::from).collect()
            }
            None => known.map(String::from).collect(),
        }
    };
    let capabilities = names(capability_bits, &adjacency.capability_names, others.as_ref().map(|o| &o.0));
    let flows = names(flow_bits, &adjacency.flow_names, others.as_ref().map(|o| &o.1));
    let [agents, tools, credentials, resources] = counts;
    BlastRadius {
        agent: crate::redact::Shown::new(&node.key),
        name: crate::redact::Shown::new(&node.name),
        label: node.label(),
        size: agents + tools + credentials + resources,
        agents,
        tools,
        credentials,
        resources,
        capabilities,
        flows,
    }
}

/// Every agent's blast radius, largest first: breadth-first over
/// [`BLAST_KINDS`], at most `max` hops.
pub fn blast_radii(graph: &Graph, max: usize) -> Vec<BlastRadius> {
    use super::NodeKind;
    let adjacency = Adjacency::new(graph);
    let agents: Vec<NodeIndex> =
        graph.sorted_nodes().into_iter().filter(|&n| graph.node(n).kind == NodeKind::Agent).collect();
    let radius = |searcher: &mut Searcher, origin: NodeIndex| blast_radius(graph, &adjacency, searcher, origin, max);
    let mut radii = from_each(graph, &agents, radius);
    radii.sort_by(|a, b| {
        b.size.cmp(&a.size).then(b.capabilities.len().cmp(&a.capabilities.len())).then(a.agent.cmp(&b.agent))
    });
    radii
}

#[cfg(test)]
mod tests {
    use super::{blast_radii, MAX_HOPS};
    use crate::graph::{self, Edge, EdgeFact, EdgeKind, Facts, Item, Node, NodeKind, SetAttr};

    #[test]
    fn a_blast_radius_lists_names_outside_the_taxonomy_among_the_known_in_text_order() {
        let mut facts = Facts::default();
        let mut tool = Node::new(NodeKind::Tool, "tool:custom", "custom", None);
        tool.set_list("capabilities", Item::plain(&["shell.exec", "quantum.teleport", "fs.read"]), None);
        tool.set_list("flows", Item::plain(&["exfiltration", "carrier_pigeon"]), None);
        facts.add_node(tool);
        facts.add_node(Node::new(NodeKind::Agent, "agent:x:.", "x", None));
        let edge = Edge::new(EdgeKind::Uses, None);
        facts.edges.push(EdgeFact { from: "agent:x:.".into(), to: "tool:custom".into(), edge });
        let graph = graph::build(Vec::new(), vec![facts]);
        let radii = blast_radii(&graph, MAX_HOPS);
        assert_eq!(radii.len(), 1);
        assert_eq!((radii[0].agent.as_str(), radii[0].tools), ("agent:x:.", 1));
        assert_eq!(radii[0].capabilities, ["fs.read", "quantum.teleport", "shell.exec"]);
        assert_eq!(radii[0].flows, ["carrier_pigeon", "exfiltration"]);
    }
}
