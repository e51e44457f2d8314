//! Google ADK agent config YAML (`root_agent.yaml` and the files it points
//! to): `sub_agents` by `config_path` (a delegation to the agent defined in
//! that file), `tools` by name, `AgentTool` (an agent used as a tool). The
//! orchestrator variant lists specialist `agents:` inline.

use super::{join, Ctx};
use crate::graph::{Edge, EdgeKind, Node, NodeKind, SetAttr};
use crate::source::{Node as Doc, Span};

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "adk",
    client: "adk",
    name: "Google ADK",
    syntax: Syntax::Yaml,
    paths: &["**/root_agent.{yaml,yml}"],
    user: &[],
    markers: &["agent_class", "sub_agents", "instruction:"],
    reads: "`root_agent.yaml` and the files its `sub_agents` name",
    adapt: Adapt::First(adapt),
};

pub(super) fn sniff(doc: &Doc) -> bool {
    doc.get("agent_class").is_some()
        || doc.get("sub_agents").is_some()
        || (doc.get("name").is_some() && doc.get("instruction").is_some() && doc.get("model").is_some())
}

/// ADK agents are identified by the file that defines them.
fn file_key(path: &str) -> String {
    format!("agent:adk:{path}")
}

/// `dir/x/../y.yaml` → `dir/y.yaml`, relative to the referring file.
fn resolve(from: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for piece in relative.split('/') {
        match piece {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let display = ctx.source.display.clone();
    let key = file_key(&display);
    let name = doc.get("name").and_then(Doc::scalar_text).unwrap_or_else(|| display.clone());
    define(ctx, &key, &name, doc, doc.get("name").map_or(doc.span, |n| n.span), "");
    for (i, sub) in doc.get("sub_agents").map(Doc::items).unwrap_or_default().iter().enumerate() {
        let pointer = format!("sub_agents[{i}]");
        if let Some(path) = sub.get("config_path").and_then(Doc::as_str) {
            delegate(ctx, &key, &file_key(&resolve(&display, path)), sub.span, &pointer, "sub_agent");
        } else if let Some(code) = sub.get("code").and_then(Doc::as_str) {
            delegate(ctx, &key, &format!("agent:adk:code:{code}"), sub.span, &pointer, "sub_agent");
        }
    }
    // The orchestrator variant: specialists defined inline.
    for (i, spec) in doc.get("agents").map(Doc::items).unwrap_or_default().iter().enumerate() {
        let Some(sub_name) = spec.get("name").and_then(Doc::scalar_text) else { continue };
        let sub_key = format!("{key}#{sub_name}");
        let pointer = format!("agents[{i}]");
        let span = spec.get("name").map_or(spec.span, |n| n.span);
        define(ctx, &sub_key, &sub_name, spec, span, &pointer);
        delegate(ctx, &key, &sub_key, span, &pointer, "specialist");
    }
}

fn define(ctx: &mut Ctx<'_>, key: &str, name: &str, spec: &Doc, span: Span, pointer: &str) {
    let mut agent = Node::new(NodeKind::Agent, key, name, Some(ctx.loc(span, &join(pointer, "name"))));
    agent.set_str("framework", "adk", None);
    if let Some(class) = spec.get("agent_class").and_then(Doc::scalar_text) {
        agent.set_str("agent_class", class, None);
    }
    if let Some(model) = spec.get("model").and_then(Doc::scalar_text) {
        agent.set_str("model", model, None);
    }
    ctx.add_node(agent);
    let display = ctx.source.display.clone();
    for (i, tool) in spec.get("tools").map(Doc::items).unwrap_or_default().iter().enumerate() {
        let tool_pointer = format!("{}[{i}]", join(pointer, "tools"));
        let tool_name = tool.scalar_text().or_else(|| tool.get("name").and_then(Doc::scalar_text));
        let Some(tool_name) = tool_name else { continue };
        if tool_name == "AgentTool" {
            if let Some(path) = tool.at(&["args", "agent", "config_path"]).and_then(Doc::as_str) {
                delegate(ctx, key, &file_key(&resolve(&display, path)), tool.span, &tool_pointer, "agent_tool");
            }
            continue;
        }
        let tool_key = format!("tool:adk:{}:{tool_name}", ctx.scope);
        let loc = ctx.loc(tool.span, &tool_pointer);
        if ctx.node_mut(&tool_key).is_none() {
            let mut node = Node::new(NodeKind::Tool, tool_key.clone(), tool_name.as_str(), Some(loc.clone()));
            node.set_str("tool_type", "function", None);
            ctx.add_node(node);
        }
        ctx.add_edge(key, &tool_key, Edge::new(EdgeKind::Uses, Some(loc)));
    }
}

fn delegate(ctx: &mut Ctx<'_>, from: &str, to: &str, span: Span, pointer: &str, via: &str) {
    let loc = ctx.loc(span, pointer);
    let mut edge = Edge::new(EdgeKind::DelegatesTo, Some(loc));
    edge.set_str("via", via, None);
    ctx.add_edge(from, to, edge);
}
