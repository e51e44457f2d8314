//! CrewAI `agents.yaml` and `tasks.yaml` (found together, usually under
//! `config/`). Agents name their tools; `allow_delegation: true` lets an agent
//! hand work to every other agent of the crew; `allow_code_execution` with
//! `code_execution_mode: unsafe` runs code on the host. Tasks tie agents to
//! more tools and to human review.

use super::{join, Ctx};
use crate::graph::{AttrValue, Edge, EdgeKind, Item, Node, NodeKind, SetAttr};
use crate::source::{Node as Doc, Span};

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "crewai",
    client: "crewai",
    name: "CrewAI",
    syntax: Syntax::Yaml,
    paths: &[],
    user: &[],
    markers: &["goal:"],
    reads: "`agents.yaml` + `tasks.yaml`: agents with `role`/`goal`, tools, `allow_delegation`, `memory` (the crew's shared memory)",
    adapt: Adapt::First(adapt),
};

/// Is this YAML a CrewAI agents file (`role` + `goal`) or tasks file
/// (`description` + `expected_output`)?
pub(super) fn sniff(doc: &Doc) -> bool {
    let entries = doc.entries();
    !entries.is_empty()
        && entries.iter().any(|e| {
            let v = &e.value;
            (v.get("role").is_some() && v.get("goal").is_some())
                || (v.get("description").is_some() && v.get("expected_output").is_some())
        })
}

pub(super) fn agent_key(ctx: &Ctx<'_>, name: &str) -> String {
    format!("agent:crewai:{}:{name}", ctx.scope)
}

fn tool_key(ctx: &Ctx<'_>, name: &str) -> String {
    format!("tool:crewai:{}:{name}", ctx.scope)
}

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let is_agents = doc.entries().iter().any(|e| e.value.get("role").is_some());
    if is_agents {
        agents(ctx, doc);
    } else {
        tasks(ctx, doc);
    }
}

fn agents(ctx: &mut Ctx<'_>, doc: &Doc) {
    let mut delegating: Vec<(String, Span)> = Vec::new();
    let mut all: Vec<String> = Vec::new();
    for entry in doc.entries().iter().filter(|e| e.value.get("role").is_some()) {
        let spec = &entry.value;
        let key = agent_key(ctx, &entry.key);
        let loc = ctx.loc(entry.key_span, &entry.key);
        let mut node = Node::new(NodeKind::Agent, key.clone(), entry.key.as_str(), Some(loc));
        node.set_str("framework", "crewai", None);
        node.set_str("scope", ctx.scope.clone(), None);
        if let Some(role) = spec.get("role").and_then(Doc::scalar_text) {
            node.set_str("role", role.trim(), None);
        }
        if let Some(llm) = spec.get("llm").and_then(Doc::scalar_text) {
            node.set_str("model", llm, None);
        }
        ctx.add_node(node);
        all.push(entry.key.clone());
        if let Some(flag) = spec.get("allow_delegation") {
            let value = flag.as_bool() == Some(true);
            let pointer = join(&entry.key, "allow_delegation");
            ctx.set_on(&key, "allow_delegation", AttrValue::Bool(value), flag.span, &pointer);
            if value {
                delegating.push((key.clone(), flag.span));
            }
        }
        if let Some(tools) = spec.get("tools") {
            for (i, tool) in tools.items().iter().enumerate() {
                if let Some(name) = tool.scalar_text() {
                    let pointer = format!("{}.tools[{i}]", entry.key);
                    use_tool(ctx, &key, &name, tool.span, &pointer, None);
                }
            }
        }
        code_execution(ctx, &key, spec, &entry.key);
        if let Some(flag) = spec.get("memory").filter(|f| f.as_bool() == Some(true)) {
            crew_memory(ctx, &key, flag.span, &join(&entry.key, "memory"));
        }
    }
    // `allow_delegation: true` reaches every other agent of the crew.
    for (from, span) in delegating {
        let pointer = from.rsplit(':').next().map(|n| join(n, "allow_delegation")).unwrap_or_default();
        for other in &all {
            let to = agent_key(ctx, other);
            if to == from {
                continue;
            }
            let loc = ctx.loc(span, &pointer);
            let mut edge = Edge::new(EdgeKind::DelegatesTo, Some(loc.clone()));
            edge.set_str("via", "allow_delegation", Some(loc));
            ctx.add_edge(&from, &to, edge);
        }
        if let Some(node) = ctx.node_mut(&from) {
            node.set_str("delegation_scope", "crew", None);
        }
    }
}

/// `allow_code_execution: true` gives the agent a code interpreter; the mode
/// says where it runs (`safe`: in Docker, the default; `unsafe`: on the host).
fn code_execution(ctx: &mut Ctx<'_>, agent: &str, spec: &Doc, name: &str) {
    let Some(flag) = spec.get("allow_code_execution").filter(|f| f.as_bool() == Some(true)) else { return };
    let mode_node = spec.get("code_execution_mode");
    let mode = mode_node.and_then(Doc::as_str).unwrap_or("safe").to_string();
    let span = mode_node.map_or(flag.span, |m| m.span);
    let pointer = join(name, if mode_node.is_some() { "code_execution_mode" } else { "allow_code_execution" });
    let key = tool_key(ctx, "code_interpreter");
    if ctx.node_mut(&key).is_none() {
        let loc = ctx.loc(flag.span, &join(name, "allow_code_execution"));
        let mut tool = Node::new(NodeKind::Tool, key.clone(), "code_interpreter", Some(loc));
        tool.set_str("tool_type", "builtin", None);
        let caps = ["code.exec", "fs.read", "fs.write", "net.fetch"];
        tool.set_list("capabilities", Item::plain(&caps), None);
        tool.set_list("flows", Item::plain(&["exfiltration"]), None);
        tool.set_str("capability_source", "builtin", None);
        ctx.add_node(tool);
    }
    ctx.set_on(agent, "code_execution_mode", AttrValue::Str(mode.as_str().into()), span, &pointer);
    let loc = ctx.loc(span, &pointer);
    let mut edge = Edge::new(EdgeKind::Uses, Some(loc.clone()));
    edge.set_str("code_execution_mode", mode, Some(loc));
    ctx.add_edge(agent, &key, edge);
}

/// `memory: true`: the agent reads and writes the crew's memory (its
/// short-term, long-term and entity memory, kept for the whole crew):
/// what one agent stores there, another recalls into its prompt.
fn crew_memory(ctx: &mut Ctx<'_>, agent: &str, span: Span, pointer: &str) {
    let key = tool_key(ctx, "crew memory");
    let loc = ctx.loc(span, pointer);
    if ctx.node_mut(&key).is_none() {
        let mut tool = Node::new(NodeKind::Tool, key.clone(), "crew memory", Some(loc.clone()));
        tool.set_str("tool_type", "builtin", None);
        tool.set_str("capability_source", "builtin", None);
        tool.set_bool("memory", true, None);
        ctx.add_node(tool);
    }
    ctx.add_edge(agent, &key, Edge::new(EdgeKind::Uses, Some(loc)));
}

fn use_tool(ctx: &mut Ctx<'_>, agent: &str, name: &str, span: Span, pointer: &str, task: Option<&str>) {
    let key = tool_key(ctx, name);
    let loc = ctx.loc(span, pointer);
    if ctx.node_mut(&key).is_none() {
        let mut tool = Node::new(NodeKind::Tool, key.clone(), name, Some(loc.clone()));
        tool.set_str("tool_type", "function", None);
        ctx.add_node(tool);
    }
    let mut edge = Edge::new(EdgeKind::Uses, Some(loc));
    if let Some(task) = task {
        edge.set_str("task", task, None);
    }
    ctx.add_edge(agent, &key, edge);
}

fn tasks(ctx: &mut Ctx<'_>, doc: &Doc) {
    for entry in doc.entries() {
        let task = &entry.value;
        let Some(agent_name) = task.get("agent").and_then(Doc::as_str) else { continue };
        let agent = agent_key(ctx, agent_name.trim());
        if let Some(tools) = task.get("tools") {
            for (i, tool) in tools.items().iter().enumerate() {
                if let Some(name) = tool.scalar_text() {
                    let pointer = format!("{}.tools[{i}]", entry.key);
                    use_tool(ctx, &agent, &name, tool.span, &pointer, Some(&entry.key));
                }
            }
        }
        if let Some(flag) = task.get("human_input").filter(|f| f.as_bool() == Some(true)) {
            ctx.add_node(Node::new(NodeKind::Agent, agent.clone(), agent_name.trim(), None));
            ctx.note(&agent, "human_review_tasks", entry.key.clone(), flag.span, &join(&entry.key, "human_input"));
        }
    }
}
