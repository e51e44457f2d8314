//! Components, the trust boundaries they sit in, and the data flows between
//! them, each with the file and line it comes from.
//!
//! A boundary is declared in the manifest, or inferred from where a thing
//! runs: a remote server or agent sits at its host, a server launched with
//! docker in its container, a CI agent on the runner, a kagent agent in the
//! cluster. Whatever an agent alone reaches (a local server, a credential, a
//! path) sits in that agent's boundary; everything else on this machine.

use std::collections::{BTreeMap, HashMap};

use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use serde::Serialize;

use super::owners::{Owner, Owners};
use super::source_of;
use crate::graph::{AttrValue, EdgeKind, Graph, Node, NodeKind};
use crate::redact::Shown;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BoundaryKind {
    /// Named in the system manifest's `trust_boundaries`.
    Declared,
    /// Whoever can write an issue, a comment, a web page or a mail.
    Internet,
    /// The developer's machine, or the host an application's agents run on.
    Machine,
    CiRunner,
    Container,
    Cluster,
    /// A remote MCP server or SaaS API, at its host.
    RemoteService,
    /// A remote A2A agent, at its host.
    RemoteAgent,
    ModelProvider,
}

impl BoundaryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BoundaryKind::Declared => "declared",
            BoundaryKind::Internet => "internet",
            BoundaryKind::Machine => "machine",
            BoundaryKind::CiRunner => "ci-runner",
            BoundaryKind::Container => "container",
            BoundaryKind::Cluster => "cluster",
            BoundaryKind::RemoteService => "remote-service",
            BoundaryKind::RemoteAgent => "remote-agent",
            BoundaryKind::ModelProvider => "model-provider",
        }
    }

    /// How far what runs there is trusted, 0 (not at all) to 100 (Open
    /// Threat Model's `trustRating`). Our scale, stated in docs/threat-model.md.
    pub fn trust(self) -> u8 {
        match self {
            BoundaryKind::Internet => 0,
            BoundaryKind::RemoteAgent => 20,
            BoundaryKind::RemoteService => 30,
            BoundaryKind::ModelProvider => 40,
            BoundaryKind::CiRunner | BoundaryKind::Declared => 50,
            BoundaryKind::Container | BoundaryKind::Cluster => 60,
            BoundaryKind::Machine => 80,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Boundary {
    pub id: Shown,
    pub name: Shown,
    pub kind: BoundaryKind,
    pub description: Shown,
    pub trust: u8,
    /// Where it is declared, or what placed the first component in it.
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentKind {
    Agent,
    Tool,
    Credential,
    DataStore,
    ExternalEntity,
}

impl ComponentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentKind::Agent => "agent",
            ComponentKind::Tool => "tool",
            ComponentKind::Credential => "credential",
            ComponentKind::DataStore => "data-store",
            ComponentKind::ExternalEntity => "external-entity",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Component {
    /// The node's id, as `graph --format json` names it.
    pub id: Shown,
    pub name: Shown,
    pub kind: ComponentKind,
    /// The id of the boundary it sits in.
    pub boundary: Shown,
    /// The MAESTRO layer it belongs to.
    pub layer: &'static str,
    pub detail: String,
    pub owner: Option<Owner>,
    /// `path:line` where it is first written.
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlowKind {
    /// Text others write reaching an agent or a tool.
    UntrustedInput,
    /// Prompts, files and tool output sent to the model.
    ModelCall,
    /// Tool calls and their results.
    ToolCall,
    Delegation,
    CredentialUse,
    DataAccess,
    /// An event that starts a CI job, from people with write access or a schedule.
    Trigger,
}

impl FlowKind {
    pub fn label(self) -> &'static str {
        match self {
            FlowKind::UntrustedInput => "untrusted input",
            FlowKind::ModelCall => "prompts and context",
            FlowKind::ToolCall => "tool calls and results",
            FlowKind::Delegation => "delegated tasks",
            FlowKind::CredentialUse => "credential use",
            FlowKind::DataAccess => "data access",
            FlowKind::Trigger => "starts the job",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Flow {
    pub id: String,
    pub from: Shown,
    pub to: Shown,
    pub kind: FlowKind,
    pub label: &'static str,
    /// Whether it leaves one boundary for another.
    pub crosses: bool,
    pub evidence: Option<String>,
}

const INTERNET: &str = "external:internet";
const PROVIDER: &str = "external:model-provider";

/// The model provider an agent's prompts go to, as a component: (id, name,
/// detail). Its endpoint's host names it (a provider's own API, else the
/// host itself, a relay or a local model); else its model's name or its
/// client (`rules/catalog/providers.yaml`); else it is not named.
fn model_provider(node: &Node) -> (String, String, String) {
    let catalog = crate::catalog::ProviderCatalog::get();
    if let Some(endpoint) = node.list_attr("model_endpoints").first() {
        let host = host_of(&endpoint.value);
        return match catalog.by_host(&host) {
            Some((id, name)) => (format!("{PROVIDER}:{id}"), name.to_string(), format!("{name}'s own API ({host})")),
            None => (
                format!("{PROVIDER}:host:{host}"),
                format!("Model API at {host}"),
                "a model endpoint that is no provider's own API: a relay, a gateway or a local model".to_string(),
            ),
        };
    }
    let client = node.str_attr("client").or(node.str_attr("framework"));
    match catalog.by_client_or_model(client, node.str_attr("model")) {
        Some((id, name)) => {
            let why = match node.str_attr("model") {
                Some(model) if !model.is_empty() => format!("serves the model `{model}`"),
                _ => format!("{} sends its prompts there by default", client.unwrap_or("the client")),
            };
            (format!("{PROVIDER}:{id}"), name.to_string(), why)
        }
        None => (
            PROVIDER.to_string(),
            "Model provider (not named)".to_string(),
            "the configs name no model endpoint, model or client tied to one provider".to_string(),
        ),
    }
}
const OUTSIDERS: &str = "Outsiders and web content";

/// Where a node runs, when the node itself says: (kind, id, name).
fn placed(node: &Node) -> Option<(BoundaryKind, String, String)> {
    if let Some(name) = node.str_attr("boundary") {
        return Some((BoundaryKind::Declared, format!("declared:{name}"), name.to_string()));
    }
    match node.kind {
        NodeKind::Agent => {
            if node.attr("triggers").is_some() {
                Some((BoundaryKind::CiRunner, "ci-runner".into(), "CI runner".into()))
            } else if node.str_attr("framework") == Some("kagent") {
                Some((BoundaryKind::Cluster, "cluster".into(), "Kubernetes cluster".into()))
            } else if let (Some("a2a"), Some(url)) = (node.str_attr("framework"), node.str_attr("url")) {
                let host = host_of(url);
                Some((BoundaryKind::RemoteAgent, format!("remote-agent:{host}"), format!("Remote agent at {host}")))
            } else {
                None
            }
        }
        NodeKind::Tool => {
            let flag = |name: &str| matches!(node.attr(name).map(|a| &a.value), Some(AttrValue::Bool(true)));
            if node.attr("url").is_some() && !flag("url_loopback") {
                if flag("url_cluster_internal") {
                    return Some((BoundaryKind::Cluster, "cluster".into(), "Kubernetes cluster".into()));
                }
                let host = match node.str_attr("url_host") {
                    Some(host) if !flag("url_host_templated") => host.to_string(),
                    _ => "a host set at run time".to_string(),
                };
                Some((BoundaryKind::RemoteService, format!("remote:{host}"), format!("Remote service at {host}")))
            } else {
                let image = node.str_attr("docker_image")?;
                Some((BoundaryKind::Container, format!("container:{image}"), format!("Container {image}")))
            }
        }
        // Outsiders' events come from the internet; the others from people
        // with write access, or a schedule, on the runner's side.
        NodeKind::Trigger if node.is_true("outsider") => {
            Some((BoundaryKind::Internet, BoundaryKind::Internet.as_str().into(), OUTSIDERS.into()))
        }
        NodeKind::Trigger => Some((BoundaryKind::CiRunner, "ci-runner".into(), "CI runner".into())),
        NodeKind::Credential | NodeKind::Resource => None,
    }
}

/// The host of a URL, without scheme, credentials, port or path.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = if host.starts_with('[') { host.split_inclusive(']').next() } else { host.split(':').next() };
    host.unwrap_or_default().to_string()
}

fn machine() -> (BoundaryKind, String, String) {
    (BoundaryKind::Machine, "machine".into(), "Local machine".into())
}

fn description(kind: BoundaryKind) -> &'static str {
    match kind {
        BoundaryKind::Declared => "Declared in the system manifest.",
        BoundaryKind::Internet => "Anyone who can open an issue, comment, send mail or publish a page an agent reads.",
        BoundaryKind::Machine => {
            "The developer's machine or the host that runs the agents, with the user's files and sessions."
        }
        BoundaryKind::CiRunner => "A CI job's runner: the repository checkout, its token and its secrets.",
        BoundaryKind::Container => "A container started for an MCP server.",
        BoundaryKind::Cluster => "A Kubernetes cluster the agents or servers run in.",
        BoundaryKind::RemoteService => "A remote MCP server or SaaS API, run by someone else.",
        BoundaryKind::RemoteAgent => "A remote agent reached over A2A, run by someone else.",
        BoundaryKind::ModelProvider => {
            "The model provider that receives every prompt, file and tool result an agent reads."
        }
    }
}

/// What a CI agent runs on and holds: its triggers, its job token's
/// permissions and the secrets handed to it (by name).
fn ci_detail(graph: &Graph, agent: NodeIndex) -> String {
    let node = graph.node(agent);
    let triggers: Vec<&str> = node.list_attr("triggers").iter().map(|i| i.value.as_str()).collect();
    let mut secrets: Vec<String> = graph
        .graph
        .edges_directed(agent, Direction::Outgoing)
        .filter(|e| e.weight().kind == EdgeKind::AuthenticatesWith)
        .map(|e| graph.node(e.target()))
        .filter(|c| c.name != "GITHUB_TOKEN")
        .map(|c| c.str_attr("variable").unwrap_or(&c.name).to_string())
        .collect();
    secrets.sort();
    secrets.dedup();
    // Worded so that no name reads as `secret: value` to the redactor.
    let on =
        if triggers.is_empty() { "on its caller's events".to_string() } else { format!("on {}", triggers.join(", ")) };
    let held = if secrets.is_empty() { String::new() } else { format!("; holds {}", secrets.join(", ")) };
    format!("; {on}; GITHUB_TOKEN: {}{held}", node.str_attr("github_token").unwrap_or("not in reach"))
}

/// MAESTRO layer and a one-line description of a node.
fn layer_and_detail(node: &Node) -> (&'static str, String) {
    let list = |name: &str| node.list_attr(name).iter().map(|i| i.value.as_str()).collect::<Vec<_>>().join(", ");
    match node.kind {
        NodeKind::Agent => {
            let kind = node.str_attr("framework").or(node.str_attr("client")).unwrap_or("agent");
            let detail = match node.str_attr("url") {
                Some(url) => format!("{kind}, {url}"),
                None => kind.to_string(),
            };
            (if node.str_attr("framework") == Some("a2a") { "L7" } else { "L3" }, detail)
        }
        NodeKind::Tool => {
            let caps = list("capabilities");
            let source = node.str_attr("capability_source").unwrap_or("unknown");
            let mut detail =
                if caps.is_empty() { format!("no known capability ({source})") } else { format!("{caps} ({source})") };
            let data = list("data");
            if !data.is_empty() {
                detail.push_str(&format!("; data: {data}"));
            }
            (if node.str_attr("tool_type") == Some("builtin") { "L3" } else { "L7" }, detail)
        }
        NodeKind::Credential => {
            let parts: Vec<&str> = ["provider", "kind", "storage", "lifetime"]
                .iter()
                .filter_map(|a| node.str_attr(a))
                .filter(|v| !v.is_empty())
                .collect();
            ("L6", parts.join(", "))
        }
        NodeKind::Resource => {
            let kind = node.str_attr("type").unwrap_or("resource");
            let layer = if matches!(kind, "database") { "L2" } else { "L4" };
            (layer, format!("{kind} ({})", node.str_attr("scope").unwrap_or("")))
        }
        NodeKind::Trigger => ("L4", format!("CI event, written by {}", node.str_attr("writers").unwrap_or("unknown"))),
    }
}

struct Placement {
    /// Boundary id by node.
    of: HashMap<NodeIndex, String>,
    /// Boundaries by id, in the order first met.
    boundaries: BTreeMap<String, Boundary>,
}

impl Placement {
    fn put(&mut self, graph: &Graph, index: NodeIndex, (kind, id, name): (BoundaryKind, String, String)) {
        self.boundaries.entry(id.clone()).or_insert_with(|| Boundary {
            id: Shown::new(&id),
            name: Shown::new(&name),
            kind,
            description: Shown::new(description(kind)),
            trust: kind.trust(),
            evidence: source_of(graph, graph.node(index)),
        });
        self.of.insert(index, id);
    }
}

/// What an agent reaches on its own side: its tools, their credentials and
/// resources, its own credentials.
pub(super) fn reached(graph: &Graph, agent: NodeIndex) -> Vec<NodeIndex> {
    let mut out = Vec::new();
    let mut stack = vec![agent];
    while let Some(at) = stack.pop() {
        for edge in graph.graph.edges(at) {
            if edge.weight().kind == EdgeKind::DelegatesTo || out.contains(&edge.target()) {
                continue;
            }
            out.push(edge.target());
            stack.push(edge.target());
        }
    }
    out
}

pub(super) fn build(graph: &Graph, owners: &Owners) -> (Vec<Boundary>, Vec<Component>, Vec<Flow>) {
    let nodes = graph.sorted_nodes();
    let mut placement = Placement { of: HashMap::new(), boundaries: BTreeMap::new() };
    for declared in &graph.declared {
        for b in &declared.boundaries {
            let id = format!("declared:{}", b.name);
            placement.boundaries.entry(id.clone()).or_insert_with(|| Boundary {
                id: Shown::new(&id),
                name: Shown::new(&b.name),
                kind: BoundaryKind::Declared,
                description: Shown::new(b.description.as_deref().unwrap_or(description(BoundaryKind::Declared))),
                trust: BoundaryKind::Declared.trust(),
                evidence: super::located(graph, &b.loc),
            });
        }
    }
    for &index in &nodes {
        if let Some(place) = placed(graph.node(index)) {
            placement.put(graph, index, place);
        }
    }
    // Agents first (sorted), then what each reaches, in their boundary.
    for &index in nodes.iter().filter(|i| graph.node(**i).kind == NodeKind::Agent) {
        if !placement.of.contains_key(&index) {
            placement.put(graph, index, machine());
        }
        let home = placement.of[&index].clone();
        for reached in reached(graph, index) {
            placement.of.entry(reached).or_insert_with(|| home.clone());
        }
    }
    for &index in &nodes {
        if !placement.of.contains_key(&index) {
            placement.put(graph, index, machine());
        }
    }

    let mut components: Vec<Component> = nodes
        .iter()
        .map(|&index| {
            let node = graph.node(index);
            let (layer, mut detail) = layer_and_detail(node);
            if node.str_attr("framework") == Some("github-actions") {
                detail.push_str(&ci_detail(graph, index));
            }
            let evidence = source_of(graph, node);
            let owner = node.str_attr("owner").map(Owner::manifest).or_else(|| {
                node.locs.first().and_then(|l| graph.file(l.file)).and_then(|f| owners.of_file(&f.display))
            });
            Component {
                id: Shown::new(&node.key),
                name: node.label(),
                kind: match node.kind {
                    NodeKind::Agent => ComponentKind::Agent,
                    NodeKind::Tool => ComponentKind::Tool,
                    NodeKind::Credential => ComponentKind::Credential,
                    NodeKind::Resource => ComponentKind::DataStore,
                    NodeKind::Trigger => ComponentKind::ExternalEntity,
                },
                boundary: Shown::new(&placement.of[&index]),
                layer,
                detail: crate::redact::shown(&detail),
                owner,
                evidence,
            }
        })
        .collect();

    let mut flows: Vec<(String, String, FlowKind, Option<String>)> = Vec::new();
    let mut outsiders = false;
    // Model providers by component id: (name, detail).
    let mut providers: BTreeMap<String, (String, String)> = BTreeMap::new();
    for &index in &nodes {
        let node = graph.node(index);
        if node.kind == NodeKind::Agent && node.str_attr("framework") != Some("a2a") {
            let (provider, name, detail) = model_provider(node);
            providers.entry(provider.clone()).or_insert((name, detail));
            // Where the model is named: its endpoint, else its model setting.
            let at = node
                .list_attr("model_endpoints")
                .first()
                .and_then(crate::graph::Item::loc)
                .or_else(|| node.attr("model").and_then(|a| a.loc.as_deref()))
                .and_then(|l| super::located(graph, l));
            flows.push((node.key.clone(), provider, FlowKind::ModelCall, at));
        }
        // A CI agent's triggers are components of their own, feeding it.
        let fed = graph.graph.edges_directed(index, Direction::Incoming).any(|e| e.weight().kind == EdgeKind::Feeds);
        let outsider_text = ["outsider_triggers", "untrusted_prompt_inputs", "relayed_prompt_inputs"]
            .iter()
            .filter(|_| !fed)
            .find_map(|a| node.attr(a).filter(|_| !node.list_attr(a).is_empty() || node.str_attr(a).is_some()));
        let reads_others =
            node.kind == NodeKind::Tool && node.list_attr("flows").iter().any(|f| f.value == "untrusted_input");
        if outsider_text.is_some() || reads_others {
            outsiders = true;
            let at = outsider_text
                .and_then(|a| a.loc.as_deref())
                .and_then(|l| super::located(graph, l))
                .or_else(|| source_of(graph, node));
            flows.push((INTERNET.into(), node.key.clone(), FlowKind::UntrustedInput, at));
        }
        for edge in graph.graph.edges_directed(index, Direction::Outgoing) {
            let kind = match edge.weight().kind {
                EdgeKind::Uses => FlowKind::ToolCall,
                EdgeKind::DelegatesTo => FlowKind::Delegation,
                EdgeKind::AuthenticatesWith => FlowKind::CredentialUse,
                EdgeKind::Can | EdgeKind::Grants => FlowKind::DataAccess,
                EdgeKind::Feeds if node.is_true("outsider") => FlowKind::UntrustedInput,
                EdgeKind::Feeds => FlowKind::Trigger,
            };
            let at = edge.weight().loc.as_ref().and_then(|l| super::located(graph, l));
            flows.push((node.key.clone(), graph.node(edge.target()).key.clone(), kind, at));
        }
    }
    let mut external: Vec<(String, String, BoundaryKind, String)> = Vec::new();
    if outsiders {
        external.push((
            INTERNET.into(),
            OUTSIDERS.into(),
            BoundaryKind::Internet,
            description(BoundaryKind::Internet).into(),
        ));
    }
    for (key, (name, detail)) in providers {
        external.push((key, name, BoundaryKind::ModelProvider, detail));
    }
    for (key, name, kind, detail) in external {
        let boundary_name = if kind == BoundaryKind::ModelProvider { "Model providers" } else { OUTSIDERS };
        let id = kind.as_str().to_string();
        placement.boundaries.entry(id.clone()).or_insert_with(|| Boundary {
            id: Shown::new(&id),
            name: Shown::new(boundary_name),
            kind,
            description: Shown::new(description(kind)),
            trust: kind.trust(),
            evidence: None,
        });
        components.push(Component {
            id: Shown::new(&key),
            name: Shown::new(&name),
            kind: ComponentKind::ExternalEntity,
            boundary: Shown::new(&id),
            layer: if kind == BoundaryKind::ModelProvider { "L1" } else { "L7" },
            detail: crate::redact::shown(&detail),
            owner: None,
            evidence: None,
        });
    }
    let boundary_of: HashMap<&str, &str> = components.iter().map(|c| (c.id.as_str(), c.boundary.as_str())).collect();
    let mut flows: Vec<Flow> = flows
        .into_iter()
        .map(|(from, to, kind, evidence)| {
            let (from, to) = (Shown::new(&from), Shown::new(&to));
            let crosses = boundary_of.get(from.as_str()) != boundary_of.get(to.as_str());
            Flow { id: String::new(), from, to, kind, label: kind.label(), crosses, evidence }
        })
        .collect();
    flows.sort_by(|a, b| (a.from.as_str(), a.to.as_str(), a.kind).cmp(&(b.from.as_str(), b.to.as_str(), b.kind)));
    flows.dedup_by(|a, b| a.from == b.from && a.to == b.to && a.kind == b.kind);
    for (i, flow) in flows.iter_mut().enumerate() {
        flow.id = format!("flow-{}", i + 1);
    }
    (placement.boundaries.into_values().collect(), components, flows)
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn hosts() {
        assert_eq!(host_of("https://user:pw@api.example.com:8443/mcp?x=1"), "api.example.com");
        assert_eq!(host_of("http://[::1]:3000/sse"), "[::1]");
        assert_eq!(host_of("agent.example.org"), "agent.example.org");
    }
}
