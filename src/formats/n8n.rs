//! n8n workflow exports: the workflow acts on its own once triggered, so it
//! is an agent; each node that reaches outside (HTTP requests, code, shell,
//! SSH, the n8n API, mail and chat, AI agents and their tools) is a tool it
//! uses. Credentials are references; literal headers and URLs are read.

use super::{join, Ctx};
use crate::graph::{Edge, EdgeKind, Node, NodeKind, SetAttr};
use crate::source::Node as Doc;

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "n8n",
    client: "n8n",
    name: "n8n",
    syntax: Syntax::Json,
    paths: &[],
    user: &[],
    markers: &["n8n-nodes"],
    reads: "workflow JSON with `n8n-nodes-…` nodes",
    adapt: Adapt::First(adapt),
};

pub(super) fn sniff(doc: &Doc) -> bool {
    doc.get("nodes").is_some_and(|nodes| {
        nodes.items().iter().any(|n| {
            n.get("type")
                .and_then(Doc::as_str)
                .is_some_and(|t| t.starts_with("n8n-nodes-base.") || t.starts_with("@n8n/"))
        })
    })
}

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let workflow = doc.get("name").and_then(Doc::scalar_text).unwrap_or_else(|| ctx.source.display.clone());
    let key = format!("agent:n8n:{}", ctx.source.display);
    let span = doc.get("name").map_or(doc.span, |n| n.span);
    let mut agent = Node::new(NodeKind::Agent, key.clone(), workflow.as_str(), Some(ctx.loc(span, "name")));
    agent.set_str("framework", "n8n", None);
    ctx.add_node(agent);
    for (i, node) in doc.get("nodes").map(Doc::items).unwrap_or_default().iter().enumerate() {
        let pointer = format!("nodes[{i}]");
        let Some(node_type) = node.get("type").and_then(Doc::as_str) else { continue };
        let short = node_type.rsplit('.').next().unwrap_or(node_type);
        // Triggers and pure data shaping reach nothing.
        if short.ends_with("Trigger") && short != "mcpTrigger"
            || matches!(short, "set" | "if" | "merge" | "switch" | "noOp" | "stickyNote" | "splitInBatches")
        {
            continue;
        }
        let name = node.get("name").and_then(Doc::scalar_text).unwrap_or_else(|| short.to_string());
        let tool_key = format!("tool:n8n:{}:{name}", ctx.source.display);
        let loc = ctx.loc(node.get("name").map_or(node.span, |n| n.span), &join(&pointer, "name"));
        let mut tool = Node::new(NodeKind::Tool, tool_key.clone(), name.as_str(), Some(loc.clone()));
        tool.set_str("tool_type", "n8n-node", None);
        tool.set_str("node_type", node_type, None);
        if short == "mcpTrigger" {
            tool.set_bool("exposes_mcp_server", true, Some(loc.clone()));
        }
        if let Some(url) = node.at(&["parameters", "url"]) {
            super::servers::set_url(ctx, &mut tool, url, &join(&pointer, "parameters.url"));
        }
        ctx.add_node(tool);
        ctx.add_edge(&key, &tool_key, Edge::new(EdgeKind::Uses, Some(loc)));
        if let Some(url) = node.at(&["parameters", "url"]) {
            ctx.credentials_in(&tool_key, Some("url"), url, &join(&pointer, "parameters.url"), "url");
        }
        let headers = node.at(&["parameters", "headerParameters", "parameters"]).map(Doc::items).unwrap_or_default();
        for (j, header) in headers.iter().enumerate() {
            let (Some(header_name), Some(value)) = (header.get("name").and_then(Doc::as_str), header.get("value"))
            else {
                continue;
            };
            let p = format!("{pointer}.parameters.headerParameters.parameters[{j}].value");
            ctx.credentials_in(&tool_key, Some(header_name), value, &p, "header");
        }
        for entry in node.get("credentials").map(Doc::entries).unwrap_or_default() {
            let label = entry.value.get("name").and_then(Doc::scalar_text).unwrap_or_else(|| entry.key.clone());
            let fact = super::secrets::SecretFact {
                storage: super::secrets::Storage::SecretStore,
                range: 0..0,
                name: Some(label.clone()),
                provider: "n8n".into(),
                kind: format!("stored `{}` credential", entry.key),
                format: "reference".into(),
                lifetime: crate::catalog::Lifetime::Unknown,
                human: false,
                display: format!("n8n:{label}"),
                hash: None,
            };
            ctx.add_credential(
                &tool_key,
                fact,
                entry.key_span,
                &join(&join(&pointer, "credentials"), &entry.key),
                "setting",
            );
        }
    }
}
