//! Dify app DSL (YAML export, `kind: app`): the app is an agent; its agent
//! mode tools, workflow tool, code and HTTP nodes are tools it uses;
//! environment variables of type `secret` with a value are literal secrets.

use super::{join, Ctx};
use crate::graph::{Edge, EdgeKind, Node, NodeKind, SetAttr};
use crate::source::Node as Doc;

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "dify",
    client: "dify",
    name: "Dify",
    syntax: Syntax::Yaml,
    paths: &[],
    user: &[],
    markers: &["kind: app"],
    reads: "app exports (`kind: app`)",
    adapt: Adapt::First(adapt),
};

pub(super) fn sniff(doc: &Doc) -> bool {
    doc.get("kind").and_then(Doc::as_str) == Some("app") && doc.get("app").is_some()
}

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let name = doc.at(&["app", "name"]).and_then(Doc::scalar_text).unwrap_or_else(|| ctx.source.display.clone());
    let key = format!("agent:dify:{}", ctx.source.display);
    let span = doc.at(&["app", "name"]).map_or(doc.span, |n| n.span);
    let mut agent = Node::new(NodeKind::Agent, key.clone(), name.as_str(), Some(ctx.loc(span, "app.name")));
    agent.set_str("framework", "dify", None);
    if let Some(mode) = doc.at(&["app", "mode"]).and_then(Doc::scalar_text) {
        agent.set_str("app_mode", mode, None);
    }
    ctx.add_node(agent);
    let tools = doc.at(&["model_config", "agent_mode", "tools"]).map(Doc::items).unwrap_or_default();
    for (i, tool) in tools.iter().enumerate() {
        let name = tool.get("tool_name").or_else(|| tool.get("provider_id")).and_then(Doc::scalar_text);
        if let Some(name) = name {
            use_tool(ctx, &key, &name, "tool", tool, &format!("model_config.agent_mode.tools[{i}]"));
        }
    }
    let nodes = doc.at(&["workflow", "graph", "nodes"]).map(Doc::items).unwrap_or_default();
    for (i, node) in nodes.iter().enumerate() {
        let Some(data) = node.get("data") else { continue };
        let node_type = data.get("type").and_then(Doc::as_str).unwrap_or("");
        let title = data.get("title").and_then(Doc::scalar_text).unwrap_or_else(|| node_type.to_string());
        let pointer = format!("workflow.graph.nodes[{i}]");
        match node_type {
            "tool" => {
                let name = data
                    .get("tool_name")
                    .or_else(|| data.get("provider_id"))
                    .and_then(Doc::scalar_text)
                    .unwrap_or(title);
                use_tool(ctx, &key, &name, "tool", node, &pointer);
            }
            "code" => {
                use_tool(ctx, &key, &format!("code: {title}"), "code", node, &pointer);
            }
            "http-request" => {
                let tool = use_tool(ctx, &key, &format!("http: {title}"), "http-request", node, &pointer);
                if let Some(api_key) = data.at(&["authorization", "config", "api_key"]) {
                    ctx.credentials_in(
                        &tool,
                        Some("api_key"),
                        api_key,
                        &join(&pointer, "data.authorization.config.api_key"),
                        "header",
                    );
                }
            }
            _ => {}
        }
    }
    let variables = doc.at(&["workflow", "environment_variables"]).map(Doc::items).unwrap_or_default();
    for (i, var) in variables.iter().enumerate() {
        if var.get("value_type").and_then(Doc::as_str) != Some("secret") {
            continue;
        }
        let (Some(name), Some(value)) = (var.get("name").and_then(Doc::as_str), var.get("value")) else { continue };
        let pointer = format!("workflow.environment_variables[{i}].value");
        // Marked secret by its type, whatever its name says.
        let key_name = format!("{name}_secret");
        ctx.credentials_in(&key, Some(&key_name), value, &pointer, "env");
    }
}

fn use_tool(ctx: &mut Ctx<'_>, agent: &str, name: &str, tool_type: &str, node: &Doc, pointer: &str) -> String {
    let key = format!("tool:dify:{}:{name}", ctx.source.display);
    let loc = ctx.loc(node.span, pointer);
    if ctx.node_mut(&key).is_none() {
        let mut tool = Node::new(NodeKind::Tool, key.clone(), name, Some(loc.clone()));
        tool.set_str("tool_type", tool_type, None);
        if tool_type == "code" {
            tool.set_list("capabilities", crate::graph::Item::plain(&["code.exec"]), None);
            tool.set_str("capability_source", "builtin", None);
        }
        ctx.add_node(tool);
    }
    ctx.add_edge(agent, &key, Edge::new(EdgeKind::Uses, Some(loc)));
    key
}
