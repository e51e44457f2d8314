//! `blastradius diff BASE [HEAD]`: what a change does to each agent's reach.
//!
//! Two scans (one per revision) are compared by the graph's stable node keys,
//! never by position: per agent, the capabilities gained and lost (with the
//! grant that gives each), the tools, credentials, resources and agents that
//! came into or left its blast radius, its size before and after, and the
//! new and fixed findings (by fingerprint), paths apart.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::engine::Severity;
use crate::findings::{Finding, Location};
use crate::graph::reach::{self, Adjacency, BlastRadius, Searcher};
use crate::graph::{Graph, Loc, NodeKind};
use crate::redact::Shown;
use crate::scan::ScanOutput;

/// The JSON document's version; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// How far a change widens what agents can do: `none`, `any` (some agent
/// reaches something new), `high` (a severe capability, or a privilege path
/// of high severity or more).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Widening {
    /// Nothing widens (as a gate: never fail).
    #[default]
    None,
    /// Some agent gains a capability, a tool, a credential, a resource or a path.
    Any,
    /// Some agent gains a severe capability, or a path of high severity or more.
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Removed,
    Widened,
    Narrowed,
    /// Same reach; only its findings changed.
    Changed,
}

#[derive(Debug, Serialize)]
pub struct Diff {
    pub schema_version: u32,
    pub base: Shown,
    pub head: Shown,
    pub summary: Summary,
    /// Agents whose reach or findings changed, widened first.
    pub agents: Vec<AgentChange>,
    /// New findings about no agent (a literal secret in a `.env` file).
    pub new_findings: Vec<FindingRef>,
    pub fixed_findings: Vec<FindingRef>,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub widening: Widening,
    pub agents_widened: usize,
    pub agents_narrowed: usize,
    pub agents_added: usize,
    pub agents_removed: usize,
    /// Every new finding, whoever it is about (paths included).
    pub new_findings: usize,
    pub fixed_findings: usize,
}

#[derive(Debug, Serialize)]
pub struct AgentChange {
    pub id: Shown,
    pub label: Shown,
    pub change: Change,
    pub widening: Widening,
    /// Where the agent is configured (at HEAD; at BASE when removed).
    pub location: Option<Location>,
    pub capabilities_gained: Vec<CapabilityChange>,
    pub capabilities_lost: Vec<CapabilityChange>,
    /// Tools, credentials, resources and agents newly in its blast radius.
    pub reach_added: Vec<Reached>,
    pub reach_removed: Vec<Reached>,
    pub blast_radius_before: Option<BlastRadius>,
    pub blast_radius_after: Option<BlastRadius>,
    /// New and removed privilege paths: findings that follow a chain of
    /// edges (untrusted input to a write, delegation, the lethal trifecta).
    pub new_paths: Vec<FindingRef>,
    pub removed_paths: Vec<FindingRef>,
    pub new_findings: Vec<FindingRef>,
    pub fixed_findings: Vec<FindingRef>,
}

/// A capability gained or lost, and the grant that gives it.
#[derive(Debug, Serialize)]
pub struct CapabilityChange {
    pub capability: String,
    /// 1 limited, 2 moderate, 3 severe (`rules/catalog/impact.yaml`).
    pub impact: u8,
    /// The grant as written (`Bash(npm:*)`), or the tool, and the agents
    /// delegated through when it is not the agent's own.
    pub via: Option<Shown>,
    pub location: Option<Location>,
}

#[derive(Debug, Serialize)]
pub struct Reached {
    pub kind: &'static str,
    pub id: Shown,
    pub name: Shown,
    pub location: Option<Location>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingRef {
    pub rule_id: String,
    pub severity: Severity,
    pub title: String,
    pub message: Shown,
    pub location: Location,
    pub fingerprint: String,
    /// The message in pieces, for Markdown's code spans.
    #[serde(skip)]
    pub parts: Vec<crate::findings::MessagePart>,
}

impl FindingRef {
    fn of(finding: &Finding) -> FindingRef {
        FindingRef {
            rule_id: finding.rule_id.clone(),
            severity: finding.severity,
            title: finding.title.clone(),
            message: finding.message.clone(),
            location: finding.location.clone(),
            fingerprint: finding.fingerprint.clone(),
            parts: finding.parts.clone(),
        }
    }
}

/// One agent as one revision sees it.
struct AgentView {
    index: petgraph::stable_graph::NodeIndex,
    radius: BlastRadius,
    /// Key → node, for everything in the blast radius but the agent itself.
    reached: BTreeMap<String, petgraph::stable_graph::NodeIndex>,
}

fn agent_views(graph: &Graph) -> BTreeMap<String, AgentView> {
    let adjacency = Adjacency::new(graph);
    let agents: Vec<_> = graph.sorted_nodes().into_iter().filter(|&n| graph.node(n).kind == NodeKind::Agent).collect();
    let views = reach::from_each(graph, &agents, |searcher, origin| {
        let radius = reach::blast_radius(graph, &adjacency, searcher, origin, reach::MAX_HOPS);
        let reached = searcher
            .reached()
            .iter()
            .filter(|&&(index, _)| index != origin && !graph.node(index).is_disabled())
            .map(|&(index, _)| (graph.node(index).key.clone(), index))
            .collect();
        (graph.node(origin).key.clone(), AgentView { index: origin, radius, reached })
    });
    views.into_iter().collect()
}

fn location(graph: &Graph, loc: &Loc) -> Option<Location> {
    graph.file(loc.file).map(|file| Location::of(file, loc.span))
}

fn node_location(graph: &Graph, index: petgraph::stable_graph::NodeIndex) -> Option<Location> {
    graph.node(index).locs.first().and_then(|loc| location(graph, loc))
}

/// The nearest enabled tool in the searcher's last reach whose grant gives
/// `capability`: the grant as written and where; through delegation, the
/// agents on the way are named too.
fn grant_of(graph: &Graph, searcher: &Searcher, capability: &str) -> Option<(Shown, Option<Location>)> {
    for &(index, _) in searcher.reached() {
        let tool = graph.node(index);
        if tool.kind != NodeKind::Tool || tool.is_disabled() {
            continue;
        }
        let path = searcher.path(index);
        let Some(&last) = path.last() else { continue };
        let edge = &graph.graph[last];
        if !edge.granted(tool, "capabilities").iter().any(|c| c.value == capability) {
            continue;
        }
        let grant = edge.attrs.get("grant").and_then(|a| match &a.value {
            crate::graph::AttrValue::Str(s) => Some(s.to_string()),
            _ => None,
        });
        let mut via: Vec<String> = path[..path.len() - 1]
            .iter()
            .filter_map(|&e| graph.graph.edge_endpoints(e))
            .map(|(_, to)| graph.node(to).name.clone())
            .collect();
        via.push(grant.unwrap_or_else(|| tool.name.clone()));
        let at = edge.loc.as_ref().and_then(|loc| location(graph, loc)).or_else(|| node_location(graph, index));
        return Some((Shown::new(&via.join(" → ")), at));
    }
    None
}

fn impact(capability: &str) -> u8 {
    crate::catalog::impact::ImpactCatalog::get().of(capability).map_or(1, |i| i.level)
}

/// One revision's graph with its search buffers, built once for the diff.
struct Side<'g> {
    output: &'g ScanOutput,
    adjacency: Adjacency,
    searcher: Searcher,
}

impl<'g> Side<'g> {
    fn new(output: &'g ScanOutput) -> Self {
        Side { output, adjacency: Adjacency::new(&output.graph), searcher: Searcher::new(&output.graph) }
    }
}

fn capability_changes(side: &mut Side<'_>, agent: &AgentView, capabilities: &[&String]) -> Vec<CapabilityChange> {
    if capabilities.is_empty() {
        return Vec::new();
    }
    let graph = &side.output.graph;
    // One search from the agent serves every capability it changed.
    side.searcher.run(&side.adjacency, agent.index, &reach::BLAST_KINDS, reach::MAX_HOPS);
    let searcher = &side.searcher;
    let mut changes: Vec<CapabilityChange> = capabilities
        .iter()
        .map(|capability| {
            let (via, location) = match grant_of(graph, searcher, capability) {
                Some((via, at)) => (Some(via), at),
                None => (None, node_location(graph, agent.index)),
            };
            CapabilityChange { capability: capability.to_string(), impact: impact(capability), via, location }
        })
        .collect();
    changes.sort_by(|a, b| b.impact.cmp(&a.impact).then(a.capability.cmp(&b.capability)));
    changes
}

fn reached_list<'a>(graph: &Graph, keys: impl Iterator<Item = &'a petgraph::stable_graph::NodeIndex>) -> Vec<Reached> {
    let mut list: Vec<Reached> = keys
        .map(|&index| {
            let node = graph.node(index);
            Reached {
                kind: node.kind.as_str(),
                id: Shown::new(&node.key),
                name: node.label(),
                location: node_location(graph, index),
            }
        })
        .collect();
    let order = |kind: &str| ["tool", "credential", "resource", "agent"].iter().position(|k| *k == kind);
    list.sort_by_key(|r| (order(r.kind), r.name.as_str().to_string(), r.id.as_str().to_string()));
    list
}

/// Findings by fingerprint, and the agents each is about.
struct FindingIndex<'a> {
    by_fingerprint: BTreeMap<&'a str, &'a Finding>,
}

impl<'a> FindingIndex<'a> {
    fn new(findings: &'a [Finding]) -> Self {
        FindingIndex { by_fingerprint: findings.iter().map(|f| (f.fingerprint.as_str(), f)).collect() }
    }

    /// Those of `self` not in `other`.
    fn missing_from(&self, other: &FindingIndex<'_>) -> Vec<&'a Finding> {
        self.by_fingerprint.iter().filter(|(fp, _)| !other.by_fingerprint.contains_key(*fp)).map(|(_, f)| *f).collect()
    }
}

/// The agents a finding is about, by key.
fn agents_of<'f>(graph: &Graph, finding: &'f Finding) -> Vec<&'f str> {
    finding
        .subjects
        .iter()
        .filter(|key| graph.index_of(key).is_some_and(|n| graph.node(n).kind == NodeKind::Agent))
        .map(String::as_str)
        .collect()
}

/// Compares two scans of the same tree: `base` before the change, `head` after.
pub fn compare(base: &ScanOutput, head: &ScanOutput, base_name: &str, head_name: &str) -> Diff {
    let before = agent_views(&base.graph);
    let after = agent_views(&head.graph);
    let old = FindingIndex::new(&base.findings);
    let new = FindingIndex::new(&head.findings);
    let added_findings = new.missing_from(&old);
    let fixed_findings = old.missing_from(&new);
    // Per agent key: (new, fixed).
    let mut by_agent: BTreeMap<&str, (Vec<&Finding>, Vec<&Finding>)> = BTreeMap::new();
    let mut diff = Diff {
        schema_version: SCHEMA_VERSION,
        base: Shown::new(base_name),
        head: Shown::new(head_name),
        summary: Summary {
            new_findings: added_findings.len(),
            fixed_findings: fixed_findings.len(),
            ..Summary::default()
        },
        agents: Vec::new(),
        new_findings: Vec::new(),
        fixed_findings: Vec::new(),
    };
    for finding in &added_findings {
        let agents = agents_of(&head.graph, finding);
        if agents.is_empty() {
            diff.new_findings.push(FindingRef::of(finding));
        }
        for agent in agents {
            by_agent.entry(agent).or_default().0.push(finding);
        }
    }
    for finding in &fixed_findings {
        let agents = agents_of(&base.graph, finding);
        if agents.is_empty() {
            diff.fixed_findings.push(FindingRef::of(finding));
        }
        for agent in agents {
            by_agent.entry(agent).or_default().1.push(finding);
        }
    }
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let (mut old_side, mut new_side) = (Side::new(base), Side::new(head));
    for key in keys {
        let (new_findings, fixed) = by_agent.remove(key.as_str()).unwrap_or_default();
        let views = (before.get(key), after.get(key));
        if let Some(change) = agent_change(&mut old_side, &mut new_side, views, &new_findings, &fixed) {
            diff.agents.push(change);
        }
    }
    diff.agents.sort_by(|a, b| b.widening.cmp(&a.widening).then(a.id.as_str().cmp(b.id.as_str())));
    for agent in &diff.agents {
        diff.summary.widening = diff.summary.widening.max(agent.widening);
        match agent.change {
            Change::Added => diff.summary.agents_added += 1,
            Change::Removed => diff.summary.agents_removed += 1,
            Change::Widened => diff.summary.agents_widened += 1,
            Change::Narrowed => diff.summary.agents_narrowed += 1,
            Change::Changed => {}
        }
    }
    diff
}

fn agent_change(
    base: &mut Side<'_>,
    head: &mut Side<'_>,
    (before, after): (Option<&AgentView>, Option<&AgentView>),
    new_findings: &[&Finding],
    fixed: &[&Finding],
) -> Option<AgentChange> {
    let (base_graph, head_graph) = (&base.output.graph, &head.output.graph);
    let (node_graph, view) = match (after, before) {
        (Some(view), _) => (head_graph, view),
        (None, Some(view)) => (base_graph, view),
        (None, None) => return None,
    };
    let node = node_graph.node(view.index);
    let empty = BTreeMap::new();
    let reached_before = before.map_or(&empty, |v| &v.reached);
    let reached_after = after.map_or(&empty, |v| &v.reached);
    let caps_before: BTreeSet<&String> = before.map(|v| v.radius.capabilities.iter().collect()).unwrap_or_default();
    let caps_after: BTreeSet<&String> = after.map(|v| v.radius.capabilities.iter().collect()).unwrap_or_default();
    let gained: Vec<&String> = caps_after.difference(&caps_before).copied().collect();
    let lost: Vec<&String> = caps_before.difference(&caps_after).copied().collect();
    let split = |findings: &[&Finding]| -> (Vec<FindingRef>, Vec<FindingRef>) {
        let (paths, others): (Vec<&&Finding>, Vec<&&Finding>) = findings.iter().partition(|f| !f.chain.is_empty());
        (
            paths.into_iter().map(|f| FindingRef::of(f)).collect(),
            others.into_iter().map(|f| FindingRef::of(f)).collect(),
        )
    };
    let (new_paths, new_findings) = split(new_findings);
    let (removed_paths, fixed_findings) = split(fixed);
    let change = AgentChange {
        id: Shown::new(&node.key),
        label: node.label(),
        change: Change::Changed,
        widening: Widening::None,
        location: node_location(node_graph, view.index),
        capabilities_gained: after.map(|v| capability_changes(head, v, &gained)).unwrap_or_default(),
        capabilities_lost: before.map(|v| capability_changes(base, v, &lost)).unwrap_or_default(),
        reach_added: reached_list(
            head_graph,
            reached_after.iter().filter(|(k, _)| !reached_before.contains_key(*k)).map(|(_, i)| i),
        ),
        reach_removed: reached_list(
            base_graph,
            reached_before.iter().filter(|(k, _)| !reached_after.contains_key(*k)).map(|(_, i)| i),
        ),
        blast_radius_before: before.map(|v| v.radius.clone()),
        blast_radius_after: after.map(|v| v.radius.clone()),
        new_paths,
        removed_paths,
        new_findings,
        fixed_findings,
    };
    classify(change)
}

/// Names the change and how far it widens; `None` when nothing changed.
fn classify(mut change: AgentChange) -> Option<AgentChange> {
    let widens =
        !change.capabilities_gained.is_empty() || !change.reach_added.is_empty() || !change.new_paths.is_empty();
    let narrows =
        !change.capabilities_lost.is_empty() || !change.reach_removed.is_empty() || !change.removed_paths.is_empty();
    let severe = change.capabilities_gained.iter().any(|c| c.impact >= 3)
        || change.new_paths.iter().any(|p| p.severity >= Severity::High);
    change.change = match (change.blast_radius_before.is_some(), change.blast_radius_after.is_some()) {
        (false, true) => Change::Added,
        (true, false) => Change::Removed,
        _ if widens => Change::Widened,
        _ if narrows => Change::Narrowed,
        _ if !change.new_findings.is_empty() || !change.fixed_findings.is_empty() => Change::Changed,
        _ => return None,
    };
    change.widening = match change.change {
        Change::Removed | Change::Narrowed | Change::Changed => Widening::None,
        _ if severe => Widening::High,
        _ => Widening::Any,
    };
    Some(change)
}
