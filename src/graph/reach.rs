//! Bounded path search over the graph. Breadth-first, so every node reached
//! comes with one shortest witness path; a hop limit bounds the work. Never
//! enumerates all simple paths.

use std::collections::{HashMap, VecDeque};

use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use super::{EdgeKind, Graph};

/// The hop limit for blast radius and path rules: deeper delegation chains
/// are rare, and the bound keeps every search linear in the graph.
pub const MAX_HOPS: usize = 8;

/// Everything reached from one origin, with how.
pub struct Reach {
    pub origin: NodeIndex,
    /// node → (previous node, edge taken, depth)
    parent: HashMap<NodeIndex, (NodeIndex, EdgeIndex, usize)>,
}

impl Reach {
    /// Nodes reached at a depth within `min..=max`, in breadth-first order.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeIndex, usize)> + '_ {
        std::iter::once((self.origin, 0)).chain(self.order())
    }

    fn order(&self) -> Vec<(NodeIndex, usize)> {
        let mut found: Vec<(NodeIndex, usize)> = self.parent.iter().map(|(n, (_, _, d))| (*n, *d)).collect();
        found.sort_by_key(|(n, d)| (*d, n.index()));
        found
    }

    pub fn depth(&self, node: NodeIndex) -> Option<usize> {
        if node == self.origin {
            return Some(0);
        }
        self.parent.get(&node).map(|(_, _, d)| *d)
    }

    /// The edges from the origin to `node`, in order.
    pub fn path(&self, node: NodeIndex) -> Vec<EdgeIndex> {
        let mut edges = Vec::new();
        let mut at = node;
        while let Some((prev, edge, _)) = self.parent.get(&at) {
            edges.push(*edge);
            at = *prev;
        }
        edges.reverse();
        edges
    }
}

/// Breadth-first from `origin` over edges of the given kinds, at most `max` hops.
pub fn bfs(graph: &Graph, origin: NodeIndex, kinds: &[EdgeKind], max: usize) -> Reach {
    let mut parent = HashMap::new();
    let mut queue = VecDeque::from([(origin, 0usize)]);
    while let Some((node, depth)) = queue.pop_front() {
        if depth == max {
            continue;
        }
        // Sorted for determinism: petgraph's edge order follows insertion.
        let mut edges: Vec<_> = graph
            .graph
            .edges_directed(node, Direction::Outgoing)
            .filter(|e| kinds.contains(&e.weight().kind))
            .map(|e| (graph.node(e.target()).key.as_str(), e.id(), e.target()))
            .collect();
        edges.sort();
        for (_, edge, next) in edges {
            if next == origin || parent.contains_key(&next) {
                continue;
            }
            parent.insert(next, (node, edge, depth + 1));
            queue.push_back((next, depth + 1));
        }
    }
    Reach { origin, parent }
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
    pub agent: String,
    pub name: String,
    /// How reports name the agent.
    pub label: String,
    /// Everything reached: tools, credentials, resources and other agents.
    pub size: usize,
    pub agents: usize,
    pub tools: usize,
    pub credentials: usize,
    pub resources: usize,
    pub capabilities: Vec<String>,
    pub flows: Vec<String>,
}

/// Every agent's blast radius, largest first: breadth-first over `uses`,
/// `delegates_to`, `authenticates_with` and `can`, at most `max` hops.
pub fn blast_radii(graph: &Graph, max: usize) -> Vec<BlastRadius> {
    use super::NodeKind;
    const KINDS: [EdgeKind; 4] = [EdgeKind::Uses, EdgeKind::DelegatesTo, EdgeKind::AuthenticatesWith, EdgeKind::Can];
    let mut radii = Vec::new();
    for origin in graph.sorted_nodes() {
        let node = graph.node(origin);
        if node.kind != NodeKind::Agent {
            continue;
        }
        let reach = bfs(graph, origin, &KINDS, max);
        let mut counts = [0usize; 4];
        let mut capabilities = std::collections::BTreeSet::new();
        let mut flows = std::collections::BTreeSet::new();
        for (index, _) in reach.nodes() {
            let reached = graph.node(index);
            if reached.is_disabled() {
                continue;
            }
            if index != origin {
                let slot = match reached.kind {
                    NodeKind::Agent => 0,
                    NodeKind::Tool => 1,
                    NodeKind::Credential => 2,
                    NodeKind::Resource => 3,
                };
                counts[slot] += 1;
            }
            // An agent's own lists already account for narrowed grants.
            if reached.kind == NodeKind::Agent {
                capabilities.extend(reached.list_attr("capabilities").iter().map(|i| i.value.clone()));
                flows.extend(reached.list_attr("flows").iter().map(|i| i.value.clone()));
            }
        }
        let [agents, tools, credentials, resources] = counts;
        radii.push(BlastRadius {
            agent: node.key.clone(),
            name: node.name.clone(),
            label: node.label(),
            size: agents + tools + credentials + resources,
            agents,
            tools,
            credentials,
            resources,
            capabilities: capabilities.into_iter().collect(),
            flows: flows.into_iter().collect(),
        });
    }
    radii.sort_by(|a, b| {
        b.size.cmp(&a.size).then(b.capabilities.len().cmp(&a.capabilities.len())).then(a.agent.cmp(&b.agent))
    });
    radii
}
