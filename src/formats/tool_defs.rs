//! Tool definitions: MCP `tools/list` results (`inputSchema`, `annotations`)
//! and OpenAI / Anthropic function-tool JSON. Each tool is a node with its
//! annotations; a description that speaks to the model ("ignore previous
//! instructions", `<IMPORTANT>`) is noted with the phrase and its place.

use super::Ctx;
use crate::graph::{AttrValue, Node, NodeKind, SetAttr};
use crate::source::{Node as Doc, Value};

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "tool-definitions",
    client: "tool-definitions",
    name: "Tool definitions",
    syntax: Syntax::Json,
    paths: &[],
    user: &[],
    markers: &["\"inputSchema\"", "\"input_schema\"", "\"type\": \"function\"", "\"type\":\"function\""],
    reads: "MCP `tools/list` results and OpenAI/Anthropic function tools",
    adapt: Adapt::First(adapt),
};

fn tool_list(doc: &Doc) -> Option<&[Doc]> {
    match &doc.value {
        Value::Array(items) => Some(items),
        Value::Object(_) => doc.get("tools").map(Doc::items),
        _ => None,
    }
}

fn is_tool(item: &Doc) -> bool {
    let function = item.get("type").and_then(Doc::as_str) == Some("function")
        && (item.get("function").is_some() || item.get("parameters").is_some());
    let named = item.get("name").is_some();
    function || named && (item.get("inputSchema").is_some() || item.get("input_schema").is_some())
}

pub(super) fn sniff(doc: &Doc) -> bool {
    tool_list(doc).is_some_and(|tools| !tools.is_empty() && tools.iter().all(is_tool))
}

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let base = if doc.is_object() { "tools" } else { "" };
    for (i, item) in tool_list(doc).unwrap_or_default().iter().enumerate() {
        let pointer = format!("{base}[{i}]");
        // Chat Completions nests the tool under `function`.
        let spec = item.get("function").unwrap_or(item);
        let Some(name_node) = spec.get("name") else { continue };
        let name = name_node.scalar_text().unwrap_or_default();
        let key = format!("tool:definitions:{}:{name}", ctx.source.display);
        let mut tool = Node::new(NodeKind::Tool, key.clone(), name.as_str(), Some(ctx.loc(name_node.span, &pointer)));
        tool.set_str("tool_type", "function", None);
        for (hint, attr) in [
            ("readOnlyHint", "read_only_hint"),
            ("destructiveHint", "destructive_hint"),
            ("openWorldHint", "open_world_hint"),
            ("idempotentHint", "idempotent_hint"),
        ] {
            if let Some(value) = spec.get("annotations").and_then(|a| a.get(hint)).and_then(Doc::as_bool) {
                tool.set(attr, AttrValue::Bool(value), None);
            }
        }
        ctx.add_node(tool);
        if let Some(description) = spec.get("description") {
            super::instructions::in_description(ctx, &key, description, &format!("{pointer}.description"));
        }
    }
}
