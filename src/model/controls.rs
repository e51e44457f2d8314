//! The control scorecard: for each agent, the five controls of a secure
//! agent, each *met* only with evidence of the control, *not met* with
//! evidence against it, and *unknown* when the configuration says neither.
//! Finding nothing is not evidence of a control.

use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;
use serde::Serialize;

use crate::engine::Control;
use crate::findings::Finding;
use crate::graph::{EdgeKind, Graph, Node, NodeKind};
use crate::redact::Shown;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlStatus {
    Met,
    NotMet,
    Unknown,
}

#[derive(Debug, Clone, Serialize)]
pub struct ControlScore {
    pub control: &'static str,
    pub status: ControlStatus,
    pub evidence: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgentScore {
    pub agent: Shown,
    pub id: Shown,
    pub controls: Vec<ControlScore>,
}

/// The credentials an agent holds, itself or through its tools.
fn credentials(graph: &Graph, agent: NodeIndex) -> Vec<&Node> {
    let mut out: Vec<&Node> = super::system::reached(graph, agent)
        .into_iter()
        .map(|i| graph.node(i))
        .filter(|n| n.kind == NodeKind::Credential)
        .collect();
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

fn at(graph: &Graph, node: &Node) -> String {
    super::source_of(graph, node).map(|s| format!(" at {s}")).unwrap_or_default()
}

fn attr_at(graph: &Graph, node: &Node, attr: &str) -> String {
    node.attr(attr)
        .and_then(|a| a.loc.as_deref().or_else(|| node.list_attr(attr).first().and_then(crate::graph::Item::loc)))
        .and_then(|l| super::located(graph, l))
        .map(|s| format!(" at {s}"))
        .unwrap_or_default()
}

fn score(status: ControlStatus, control: &'static str, evidence: String) -> ControlScore {
    ControlScore { control, status, evidence: crate::redact::shown(&evidence) }
}

/// Findings of `control` about the agent or what it holds, as `BR101 at path:line`.
fn against(findings: &[&Finding], control: Control) -> Option<String> {
    let hits: Vec<String> =
        findings.iter().filter(|f| f.control == control).map(|f| format!("{} at {}", f.rule_id, f.location)).collect();
    (!hits.is_empty()).then(|| match hits.len() {
        1..=3 => hits.join(", "),
        n => format!("{} and {} more", hits[..3].join(", "), n - 3),
    })
}

/// Workload identity and just-in-time credentials, judged on what the
/// agent holds: a person's credential or a static key is evidence against,
/// credentials issued per run or per session are evidence for.
fn credential_controls(graph: &Graph, creds: &[&Node], findings: &[&Finding]) -> [ControlScore; 2] {
    const IDENTITY: &str = "Workload identity";
    const JIT: &str = "Just-in-time credentials";
    if creds.is_empty() {
        let none = "the configuration names no credential this agent holds";
        return [score(ControlStatus::Unknown, IDENTITY, none.into()), score(ControlStatus::Unknown, JIT, none.into())];
    }
    let name = |n: &Node| format!("{}{}", n.label(), at(graph, n));
    let human: Vec<String> = creds
        .iter()
        .filter(|c| c.attr("human").is_some_and(|h| h.value.to_string() == "true"))
        .map(|c| name(c))
        .collect();
    let long: Vec<String> =
        creds.iter().filter(|c| c.str_attr("lifetime") == Some("long-lived")).map(|c| name(c)).collect();
    let short: Vec<String> =
        creds.iter().filter(|c| c.str_attr("lifetime") == Some("short-lived")).map(|c| name(c)).collect();
    let identity = if !human.is_empty() {
        score(ControlStatus::NotMet, IDENTITY, format!("a person's credential: {}", human.join(", ")))
    } else if !long.is_empty() {
        score(
            ControlStatus::NotMet,
            IDENTITY,
            format!("a shared static key, not an identity of the workload: {}", long.join(", ")),
        )
    } else if short.len() == creds.len() {
        score(ControlStatus::Met, IDENTITY, format!("credentials issued to the run: {}", short.join(", ")))
    } else {
        let why = against(findings, Control::WorkloadIdentity)
            .unwrap_or_else(|| "whose credentials these are is not in the configuration".into());
        score(ControlStatus::Unknown, IDENTITY, why)
    };
    let jit = if !long.is_empty() {
        score(ControlStatus::NotMet, JIT, format!("long-lived: {}", long.join(", ")))
    } else if short.len() == creds.len() {
        score(ControlStatus::Met, JIT, format!("short-lived: {}", short.join(", ")))
    } else {
        let why = against(findings, Control::JitCredentials)
            .unwrap_or_else(|| "the configuration does not say how long its credentials live".into());
        score(if why.starts_with("BR") { ControlStatus::NotMet } else { ControlStatus::Unknown }, JIT, why)
    };
    [identity, jit]
}

pub(super) fn scorecard(graph: &Graph, findings: &[Finding]) -> Vec<AgentScore> {
    let mut cards = Vec::new();
    for index in graph.sorted_nodes() {
        let agent = graph.node(index);
        if agent.kind != NodeKind::Agent {
            continue;
        }
        let creds = credentials(graph, index);
        let mut keys = vec![agent.key.as_str()];
        keys.extend(graph.graph.edges(index).map(|e| graph.node(e.target()).key.as_str()));
        keys.extend(creds.iter().map(|c| c.key.as_str()));
        let mine: Vec<&Finding> =
            findings.iter().filter(|f| f.subjects.iter().any(|s| keys.contains(&s.as_str()))).collect();
        let [identity, jit] = credential_controls(graph, &creds, &mine);

        const RUNTIME: &str = "Runtime authorization";
        let runtime = if !agent.list_attr("approval_bypass").is_empty() {
            let setting = agent.list_attr("approval_bypass")[0].value.clone();
            score(
                ControlStatus::NotMet,
                RUNTIME,
                format!("approvals are off: {setting}{}", attr_at(graph, agent, "approval_bypass")),
            )
        } else if let Some(hits) = against(&mine, Control::RuntimeAuthorization) {
            score(ControlStatus::NotMet, RUNTIME, hits)
        } else if let Some(mode) = agent.str_attr("approval_mode") {
            score(
                ControlStatus::Met,
                RUNTIME,
                format!("a person approves tool calls (`{mode}`){}", attr_at(graph, agent, "approval_mode")),
            )
        } else {
            score(ControlStatus::Unknown, RUNTIME, "no approval setting was found; the client's default applies".into())
        };

        const ALLOWLIST: &str = "Tool allowlist";
        let grants: Vec<String> = graph
            .graph
            .edges(index)
            .filter(|e| e.weight().kind == EdgeKind::Uses)
            // Only a grant that names what it allows (`Bash(npm test:*)`, a
            // server's listed tools, one framework tool) is an allowlist; a
            // whole MCP server is not.
            .filter(|e| {
                ["grant", "tool_names"].iter().any(|a| e.weight().attrs.contains_key(a))
                    || graph.node(e.target()).str_attr("tool_type").is_some_and(|t| t != "mcp-server")
            })
            .filter_map(|e| e.weight().loc.as_ref())
            .filter_map(|l| super::located(graph, l))
            .collect();
        let allowlist = if let Some(hits) = against(&mine, Control::ToolAllowlist) {
            score(ControlStatus::NotMet, ALLOWLIST, hits)
        } else if !grants.is_empty() {
            let more = if grants.len() > 1 { format!(" and {} more", grants.len() - 1) } else { String::new() };
            score(ControlStatus::Met, ALLOWLIST, format!("tools granted by name, at {}{more}", grants[0]))
        } else {
            score(
                ControlStatus::Unknown,
                ALLOWLIST,
                "no grant names the tools it allows; servers are granted whole".into(),
            )
        };

        const AUDIT: &str = "Audit logging";
        let hooks = agent.list_attr("hook_commands");
        // Hooks on tool events (PreToolUse, PostToolUse, BeforeTool, AfterTool)
        // see every call; others (a status line, session start) do not.
        let on_tools: Vec<&crate::graph::Item> =
            hooks.iter().filter(|h| h.loc.as_ref().is_some_and(|l| l.pointer.contains("Tool"))).collect();
        let audit = if let Some(hits) = against(&mine, Control::AuditLogging) {
            score(ControlStatus::NotMet, AUDIT, hits)
        } else if let Some(export) = agent.list_attr("telemetry").first() {
            let where_ = export.loc.as_ref().and_then(|l| super::located(graph, l)).unwrap_or_default();
            score(ControlStatus::Met, AUDIT, format!("{} records each tool call, at {where_}", export.value))
        } else if let Some(first) = on_tools.first() {
            let where_ = first.loc.as_ref().and_then(|l| super::located(graph, l)).unwrap_or_default();
            score(
                ControlStatus::Met,
                AUDIT,
                format!("{} hook command(s) see each tool call, first at {where_}", on_tools.len()),
            )
        } else if !hooks.is_empty() {
            score(ControlStatus::Unknown, AUDIT, format!("{} hook command(s) run, none on tool events", hooks.len()))
        } else {
            score(ControlStatus::Unknown, AUDIT, "no hook, log or telemetry setting records its tool calls".into())
        };
        cards.push(AgentScore {
            agent: agent.label(),
            id: Shown::new(&agent.key),
            controls: vec![identity, jit, runtime, allowlist, audit],
        });
    }
    cards
}
