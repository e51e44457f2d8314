//! Threats: one per rule that found something, with every finding of the
//! rule as evidence, so a threat appears once however many MAESTRO layers it
//! touches. Each is rated on a stated 3×3 scale:
//!
//! - likelihood from exposure: who can write what the agent reads (the
//!   internet, a contributor, the user only) and whether a person approves
//!   its tool calls;
//! - impact from reach: the worst capability its agents hold
//!   (`rules/catalog/impact.yaml`), or what a credential is;
//! - risk = likelihood × impact: 1–2 low, 3–4 medium, 6 high, 9 critical.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use serde::Serialize;

use super::owners::{Owner, Owners};
use super::system::Component;
use crate::catalog::ImpactCatalog;
use crate::engine::rule::Stride;
use crate::engine::{Rule, Severity};
use crate::findings::{Finding, SuppressionKind};
use crate::graph::{Graph, NodeKind};
use crate::redact::Shown;
use crate::scan::ScanOutput;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Low = 1,
    Medium = 2,
    High = 3,
}

impl Level {
    pub fn value(self) -> u8 {
        self as u8
    }

    pub fn likelihood(self) -> &'static str {
        match self {
            Level::Low => "unlikely",
            Level::Medium => "possible",
            Level::High => "likely",
        }
    }

    pub fn impact(self) -> &'static str {
        match self {
            Level::Low => "limited",
            Level::Medium => "moderate",
            Level::High => "severe",
        }
    }

    fn from_value(value: u8) -> Level {
        match value {
            3.. => Level::High,
            2 => Level::Medium,
            _ => Level::Low,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
    Critical,
}

impl RiskLevel {
    pub fn of(score: u8) -> RiskLevel {
        match score {
            9.. => RiskLevel::Critical,
            6..=8 => RiskLevel::High,
            3..=5 => RiskLevel::Medium,
            _ => RiskLevel::Low,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::Critical => "critical",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    /// Every finding is suppressed with a reason, or the manifest accepts it.
    Accepted,
    /// The manifest says a control outside the configs mitigates it.
    Mitigated,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Accepted => "accepted",
            Status::Mitigated => "mitigated",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub location: String,
    pub message: String,
    /// The message as Markdown (code spans kept, values fenced).
    pub message_md: String,
    /// Why it is hidden, when a suppression or the baseline hides it.
    pub accepted: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Threat {
    /// `TM-` and the rule id: stable across runs and edits.
    pub id: String,
    pub rule_id: String,
    pub title: String,
    /// The worst of its findings'.
    pub severity: Severity,
    pub layers: Vec<String>,
    pub stride: Vec<Stride>,
    pub owasp_agentic: Vec<String>,
    pub cwe: Vec<String>,
    /// Ids of the components it is about.
    pub components: Vec<Shown>,
    pub component_names: Vec<Shown>,
    pub evidence: Vec<Evidence>,
    pub likelihood: Level,
    pub likelihood_why: String,
    pub impact: Level,
    pub impact_why: String,
    /// likelihood × impact, 1 to 9.
    pub risk: u8,
    pub risk_level: RiskLevel,
    /// The rating in one line.
    pub reasoning: String,
    pub mitigation: String,
    pub status: Status,
    pub status_reason: Option<String>,
    pub owner: Option<Owner>,
}

/// A finding's likelihood and impact, each with its reason.
struct Rating {
    likelihood: Level,
    likelihood_why: String,
    impact: Level,
    impact_why: String,
}

/// The agents that hold a node: itself if it is one, the agents that use a
/// tool or hold a credential, and the agents of a tool that holds one.
fn holders(graph: &Graph, index: NodeIndex) -> Vec<NodeIndex> {
    if graph.node(index).kind == NodeKind::Agent {
        return vec![index];
    }
    let mut out = Vec::new();
    for edge in graph.graph.edges_directed(index, Direction::Incoming) {
        let source = edge.source();
        match graph.node(source).kind {
            NodeKind::Agent => out.push(source),
            NodeKind::Tool => out.extend(
                graph
                    .graph
                    .edges_directed(source, Direction::Incoming)
                    .map(|e| e.source())
                    .filter(|s| graph.node(*s).kind == NodeKind::Agent),
            ),
            _ => {}
        }
    }
    out.sort_by(|a, b| graph.node(*a).key.cmp(&graph.node(*b).key));
    out.dedup();
    out
}

/// Why outsiders can steer an agent, if they can.
fn outsider_reach(graph: &Graph, agent: NodeIndex) -> Option<String> {
    let node = graph.node(agent);
    let name = node.label();
    if let Some(events) = Some(node.list_attr("outsider_triggers")).filter(|l| !l.is_empty()) {
        let events: Vec<&str> = events.iter().map(|i| i.value.as_str()).collect();
        return Some(format!("{name} starts on events outsiders cause ({})", events.join(", ")));
    }
    if ["untrusted_prompt_inputs", "relayed_prompt_inputs"].iter().any(|a| !node.list_attr(a).is_empty()) {
        return Some(format!("{name}'s prompt holds text outsiders write"));
    }
    if node.list_attr("flows").iter().any(|f| f.value == "untrusted_input") {
        return Some(format!("{name} reads content others write through its tools"));
    }
    None
}

/// Whether a person approves the agent's tool calls: an interactive client
/// whose approvals are not turned off.
fn approved(graph: &Graph, agent: NodeIndex) -> bool {
    let node = graph.node(agent);
    node.list_attr("approval_bypass").is_empty() && node.attr("triggers").is_none() && node.attr("client").is_some()
}

/// What each agent can do, itself and through the agents it delegates to.
type Reach = HashMap<String, Vec<String>>;

fn rate(graph: &Graph, reach: &Reach, finding: &Finding) -> Rating {
    let subjects: Vec<NodeIndex> = finding.subjects.iter().filter_map(|k| graph.index_of(k)).collect();
    let agents: BTreeSet<NodeIndex> = subjects.iter().flat_map(|s| holders(graph, *s)).collect();
    let in_home = finding.location.path.starts_with('~');

    // Likelihood: the most exposed agent, or what the finding itself is.
    let mut likelihood = (Level::Low, String::new());
    let mut raise = |level: Level, why: String| {
        if level > likelihood.0 || likelihood.1.is_empty() {
            likelihood = (level.max(likelihood.0), why);
        }
    };
    let literal = subjects.iter().any(|s| graph.node(*s).str_attr("storage") == Some("literal"));
    if literal && !in_home {
        raise(
            Level::High,
            "the secret is written in a repository file: everyone who reads the repository has it".into(),
        );
    } else if literal {
        raise(Level::Low, "the secret is in the user's home directory: only what runs as the user reads it".into());
    }
    if finding.category == crate::engine::rule::Category::SupplyChain {
        raise(Level::Medium, "whoever publishes the package, image or action can change what runs".into());
    }
    for &agent in &agents {
        if let Some(why) = outsider_reach(graph, agent) {
            if approved(graph, agent) {
                raise(Level::Medium, format!("{why}, but a person approves its tool calls"));
            } else {
                raise(Level::High, format!("{why}, and no person approves its tool calls"));
            }
        }
    }
    if in_home {
        raise(Level::Low, "only the user writes this configuration and what its agents read".into());
    } else {
        raise(Level::Low, "no outsider's text reaches it: exploiting it takes a change to the repository".into());
    }

    // Impact: the worst capability within reach.
    let catalog = ImpactCatalog::get();
    let mut worst: BTreeMap<u8, BTreeSet<&str>> = BTreeMap::new();
    for index in subjects.iter().chain(&agents) {
        let node = graph.node(*index);
        let held: Vec<&str> = match reach.get(&node.key) {
            Some(capabilities) => capabilities.iter().map(String::as_str).collect(),
            None => node.list_attr("capabilities").iter().map(|i| i.value.as_str()).collect(),
        };
        for capability in held {
            let level = catalog.of(capability).map_or(1, |c| c.level);
            worst.entry(level).or_default().insert(capability);
        }
    }
    let (impact, impact_why) = match worst.iter().next_back() {
        Some((level, capabilities)) => {
            let names: Vec<&str> = capabilities.iter().copied().collect();
            let why = catalog.of(names[0]).map_or("", |c| c.why.as_str());
            (Level::from_value(*level), format!("reaches {} ({why})", names.join(", ")))
        }
        None => match subjects.iter().map(|s| graph.node(*s)).find(|n| n.kind == NodeKind::Credential) {
            Some(cred) if cred.attr("human").is_some_and(|h| h.value.to_string() == "true") => {
                (Level::High, "a person's own credential: it can do whatever that person can".into())
            }
            Some(_) => (Level::Medium, "a credential whose grants the configuration does not say".into()),
            None => (Level::Low, "reaches no capability the configuration names".into()),
        },
    };
    Rating { likelihood: likelihood.0, likelihood_why: likelihood.1, impact, impact_why }
}

/// A declared acceptance or mitigation that covers every finding of `rule`
/// about the named components, and has not expired.
fn declared_status(graph: &Graph, rule: &str, names: &BTreeSet<&str>, today: &str) -> Option<(Status, String)> {
    for risk in graph.declared.iter().flat_map(|d| &d.risks) {
        if !risk.rule.eq_ignore_ascii_case(rule) {
            continue;
        }
        if let Some(component) = &risk.component {
            if names.len() != 1 || !names.contains(component.as_str()) {
                continue;
            }
        }
        if let Some(expires) = &risk.expires {
            if expires.as_str() < today {
                continue;
            }
        }
        let status = if risk.status == "mitigated" { Status::Mitigated } else { Status::Accepted };
        let until = risk.expires.as_deref().map(|d| format!(" (until {d})")).unwrap_or_default();
        let at = super::located(graph, &risk.loc).unwrap_or_default();
        return Some((status, format!("{}{until}, declared at {at}", risk.reason)));
    }
    None
}

pub(super) fn build(
    output: &ScanOutput,
    rules: &[Rule],
    components: &[Component],
    owners: &Owners,
    radii: &[crate::graph::reach::BlastRadius],
    today: &str,
) -> Vec<Threat> {
    let graph = &output.graph;
    let by_id: HashMap<&str, &Rule> = rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let reach: Reach = radii.iter().map(|radius| (radius.agent.to_string(), radius.capabilities.clone())).collect();
    let owner_of: HashMap<&str, &Owner> =
        components.iter().filter_map(|c| c.owner.as_ref().map(|o| (c.id.as_str(), o))).collect();
    // Open findings first; hidden ones still count as accepted evidence.
    let mut grouped: BTreeMap<&str, Vec<(&Finding, Option<String>)>> = BTreeMap::new();
    for finding in &output.findings {
        grouped.entry(finding.rule_id.as_str()).or_default().push((finding, None));
    }
    for hidden in &output.suppressed {
        let by = match hidden.kind {
            SuppressionKind::InSource => "suppressed in the file",
            SuppressionKind::External => "accepted in the config or baseline",
        };
        let reason = if hidden.reason.is_empty() { by.to_string() } else { format!("{by}: {}", hidden.reason) };
        grouped.entry(hidden.finding.rule_id.as_str()).or_default().push((&hidden.finding, Some(reason)));
    }
    let mut threats: Vec<Threat> = grouped
        .into_iter()
        .filter_map(|(rule_id, list)| {
            let rule = by_id.get(rule_id)?;
            let open: Vec<&Finding> = list.iter().filter(|(_, hidden)| hidden.is_none()).map(|(f, _)| *f).collect();
            let rated: Vec<&Finding> =
                if open.is_empty() { list.iter().map(|(f, _)| *f).collect() } else { open.clone() };
            let ratings: Vec<Rating> = rated.iter().map(|f| rate(graph, &reach, f)).collect();
            let likely = ratings.iter().max_by_key(|r| r.likelihood)?;
            let severe = ratings.iter().max_by_key(|r| r.impact)?;
            let risk = likely.likelihood.value() * severe.impact.value();
            let keys: BTreeSet<&String> = list.iter().flat_map(|(f, _)| &f.subjects).collect();
            let names: BTreeSet<&str> =
                keys.iter().filter_map(|k| graph.index_of(k)).map(|i| graph.node(i).name.as_str()).collect();
            let (status, status_reason) = match declared_status(graph, rule_id, &names, today) {
                Some((status, reason)) => (status, Some(crate::redact::shown(&reason))),
                None if open.is_empty() => (
                    Status::Accepted,
                    list.iter().find_map(|(_, hidden)| hidden.clone()).map(|r| crate::redact::shown(&r)),
                ),
                None => (Status::Open, None),
            };
            let owner = keys
                .iter()
                .find_map(|k| owner_of.get(Shown::new(k).as_str()).map(|o| (*o).clone()))
                .or_else(|| list.iter().find_map(|(f, _)| owners.of_file(&graph.file(f.loc.file)?.display)));
            let severity = list.iter().map(|(f, _)| f.severity).max().unwrap_or(rule.severity);
            let level = RiskLevel::of(risk);
            Some(Threat {
                id: format!("TM-{rule_id}"),
                rule_id: rule_id.to_string(),
                title: rule.title.clone(),
                severity,
                layers: rule.standards.maestro.clone(),
                stride: rule.stride.clone(),
                owasp_agentic: rule.standards.owasp_agentic.clone(),
                cwe: rule.standards.cwe.clone(),
                components: keys.iter().map(|k| Shown::new(k)).collect(),
                component_names: keys
                    .iter()
                    .map(|k| graph.index_of(k).map(|i| graph.node(i).label()).unwrap_or_else(|| Shown::new(k)))
                    .collect(),
                evidence: list
                    .iter()
                    .map(|(f, hidden)| Evidence {
                        location: f.location.to_string(),
                        message: f.message.to_string(),
                        message_md: crate::report::markdown::message_markdown(&f.parts),
                        accepted: hidden.as_deref().map(crate::redact::shown),
                    })
                    .collect(),
                reasoning: format!(
                    "{} ({}) × {} ({}) = {}",
                    likely.likelihood.likelihood(),
                    likely.likelihood_why,
                    severe.impact.impact(),
                    severe.impact_why,
                    level.as_str()
                ),
                likelihood: likely.likelihood,
                likelihood_why: crate::redact::shown(&likely.likelihood_why),
                impact: severe.impact,
                impact_why: crate::redact::shown(&severe.impact_why),
                risk,
                risk_level: level,
                mitigation: first_paragraph(&rule.remediation),
                status,
                status_reason,
                owner,
            })
        })
        .collect();
    threats.sort_by(|a, b| {
        (b.status == Status::Open, b.risk, b.severity)
            .cmp(&(a.status == Status::Open, a.risk, a.severity))
            .then(a.id.cmp(&b.id))
    });
    threats
}

pub(crate) fn first_paragraph(text: &str) -> String {
    text.trim().split("\n\n").next().unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
}
