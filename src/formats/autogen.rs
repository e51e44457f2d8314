//! AutoGen / AutoGen Studio component JSON: teams with `participants`,
//! agents with a `model_client` (keys often literal), `tools` (function
//! tools with their own source code), MCP `workbench` servers, code
//! executors (the local one runs on the host), and Swarm `handoffs`.

use super::{join, servers, Ctx};
use crate::graph::{AttrValue, Edge, EdgeKind, Item, Node, NodeKind, SetAttr};
use crate::source::Node as Doc;

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "autogen",
    client: "autogen",
    name: "AutoGen",
    syntax: Syntax::Json,
    paths: &[],
    user: &[],
    markers: &["autogen"],
    reads: "JSON components with `provider: autogen_…`",
    adapt: Adapt::First(adapt),
};

pub(super) fn sniff(doc: &Doc) -> bool {
    doc.get("provider").and_then(Doc::as_str).is_some_and(|p| p.starts_with("autogen"))
        && doc.get("component_type").is_some()
}

fn component(doc: &Doc) -> (&str, &str) {
    let provider = doc.get("provider").and_then(Doc::as_str).unwrap_or("");
    let kind = doc.get("component_type").and_then(Doc::as_str).unwrap_or("");
    (provider, kind)
}

fn agent_key(ctx: &Ctx<'_>, name: &str) -> String {
    format!("agent:autogen:{}:{name}", ctx.scope)
}

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    walk(ctx, doc, "");
}

/// Visits a component; returns the agent key it defines, if it is an agent or team.
fn walk(ctx: &mut Ctx<'_>, doc: &Doc, pointer: &str) -> Option<String> {
    let (provider, kind) = component(doc);
    let config = doc.get("config");
    let label = doc.get("label").and_then(Doc::scalar_text);
    let name =
        config.and_then(|c| c.get("name")).and_then(Doc::scalar_text).or(label).unwrap_or_else(|| "agent".into());
    let key = agent_key(ctx, &name);
    let span = doc.get("label").or_else(|| config.and_then(|c| c.get("name"))).map_or(doc.span, |n| n.span);
    match kind {
        "team" => {
            let mut team = Node::new(NodeKind::Agent, key.clone(), name.as_str(), Some(ctx.loc(span, pointer)));
            team.set_str("framework", "autogen", None);
            team.set_str("team_type", provider.rsplit('.').next().unwrap_or(provider), None);
            ctx.add_node(team);
            let participants = config.and_then(|c| c.get("participants")).map(Doc::items).unwrap_or_default();
            for (i, member) in participants.iter().enumerate() {
                let member_pointer = format!("{}[{i}]", join(pointer, "config.participants"));
                if let Some(member_key) = walk(ctx, member, &member_pointer) {
                    let loc = ctx.loc(member.span, &member_pointer);
                    let mut edge = Edge::new(EdgeKind::DelegatesTo, Some(loc));
                    edge.set_str("via", "team", None);
                    ctx.add_edge(&key, &member_key, edge);
                }
            }
            Some(key)
        }
        "agent" => {
            let mut agent = Node::new(NodeKind::Agent, key.clone(), name.as_str(), Some(ctx.loc(span, pointer)));
            agent.set_str("framework", "autogen", None);
            agent.set_str("agent_type", provider.rsplit('.').next().unwrap_or(provider), None);
            ctx.add_node(agent);
            if let Some(config) = config {
                agent_parts(ctx, &key, config, &join(pointer, "config"));
            }
            Some(key)
        }
        _ => None,
    }
}

fn agent_parts(ctx: &mut Ctx<'_>, agent: &str, config: &Doc, pointer: &str) {
    // Model clients: `api_key` is often a literal.
    if let Some(model) = config.get("model_client").and_then(|m| m.get("config")) {
        for entry in model.entries() {
            let p = join(&join(pointer, "model_client.config"), &entry.key);
            ctx.credentials_in(agent, Some(&entry.key), &entry.value, &p, "setting");
        }
    }
    for (i, tool) in config.get("tools").map(Doc::items).unwrap_or_default().iter().enumerate() {
        let tool_pointer = format!("{}[{i}]", join(pointer, "tools"));
        let tool_config = tool.get("config");
        let Some(name) = tool_config.and_then(|c| c.get("name")).and_then(Doc::scalar_text) else { continue };
        let key = format!("tool:autogen:{}:{name}", ctx.scope);
        let loc = ctx.loc(tool.span, &tool_pointer);
        let mut node = Node::new(NodeKind::Tool, key.clone(), name.as_str(), Some(loc.clone()));
        node.set_str("tool_type", "function", None);
        if tool_config.and_then(|c| c.get("source_code")).is_some() {
            node.set_bool("inline_source_code", true, None);
        }
        ctx.add_node(node);
        ctx.add_edge(agent, &key, Edge::new(EdgeKind::Uses, Some(loc)));
    }
    // MCP workbenches: `server_params` has the shape of an MCP server entry.
    let workbenches =
        config.get("workbench").map(|w| if w.items().is_empty() { vec![w] } else { w.items().iter().collect() });
    for (i, workbench) in workbenches.unwrap_or_default().into_iter().enumerate() {
        if let Some(params) = workbench.at(&["config", "server_params"]) {
            let name = workbench.get("label").and_then(Doc::scalar_text).unwrap_or_else(|| format!("workbench-{i}"));
            let p = join(pointer, "workbench.config.server_params");
            servers::describe(ctx, agent, &name, workbench.span, params, &p);
        }
    }
    if let Some(executor) = config.get("code_executor") {
        let provider = executor.get("provider").and_then(Doc::as_str).unwrap_or("");
        let mode = if provider.contains("Local") { "local" } else { "sandboxed" };
        let span = executor.get("provider").map_or(executor.span, |p| p.span);
        ctx.set_on(
            agent,
            "code_execution_mode",
            AttrValue::Str(mode.into()),
            span,
            &join(pointer, "code_executor.provider"),
        );
    }
    for (i, handoff) in config.get("handoffs").map(Doc::items).unwrap_or_default().iter().enumerate() {
        let target = handoff.scalar_text().or_else(|| handoff.get("target").and_then(Doc::scalar_text));
        let Some(target) = target else { continue };
        let loc = ctx.loc(handoff.span, &format!("{}[{i}]", join(pointer, "handoffs")));
        let mut edge = Edge::new(EdgeKind::DelegatesTo, Some(loc));
        edge.set_str("via", "handoff", None);
        ctx.add_edge(agent, &agent_key(ctx, &target), edge);
        ctx.extend_on(agent, "handoffs", vec![Item::new(target, None)]);
    }
}
