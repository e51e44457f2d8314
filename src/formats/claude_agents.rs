//! Claude Code sub-agents, `.claude/agents/*.md`: YAML front matter with
//! `name`, `description`, `tools` (a comma list; none means every tool of the
//! host) and `model`. The host agent delegates to each.

use super::{builtin, servers, Ctx};
use crate::graph::{AttrValue, Edge, EdgeKind, SetAttr};
use crate::source::{Node as Doc, Value};

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "claude-code-subagent",
    client: "claude-code",
    name: "Claude Code sub-agents",
    syntax: Syntax::FrontMatter,
    paths: &["**/.claude/agents/*.md"],
    user: &[".claude/agents/*.md"],
    markers: &[],
    reads: "front matter `name`, `tools`; the main agent delegates to each",
    adapt: Adapt::First(adapt),
};

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    if !doc.is_object() {
        return; // Markdown without front matter: not a sub-agent.
    }
    let host = ctx.host_agent(doc);
    let file_stem = ctx.source.display.rsplit('/').next().unwrap_or("").trim_end_matches(".md").to_string();
    let name_node = doc.get("name");
    let name = name_node.and_then(Doc::as_str).map_or(file_stem, str::to_string);
    let key = format!("agent:claude-code:{}:subagent:{name}", ctx.scope);
    let span = name_node.map_or(doc.span, |n| n.span);
    let loc = ctx.loc(span, "name");
    ctx.add_sub_agent(&key, &name, "claude-code-subagent", &loc, doc);
    super::instructions::in_body(ctx, &key);
    super::claude_settings::hooks(ctx, &key, doc);
    let mut edge = Edge::new(EdgeKind::DelegatesTo, Some(loc));
    edge.set_str("via", "subagent", None);
    ctx.add_edge(&host, &key, edge);

    let Some(tools) = doc.get("tools") else {
        // No list: the sub-agent inherits every tool of the main agent.
        ctx.set_on(&key, "inherits_all_tools", AttrValue::Bool(true), span, "name");
        return;
    };
    let entries: Vec<(String, crate::source::Span)> = match &tools.value {
        // `Read, Grep, Bash`: each name located at its own place in the string.
        Value::String(text) => {
            let mut at = 0;
            let mut names = Vec::new();
            for piece in text.split(',') {
                let lead = piece.len() - piece.trim_start().len();
                let name = piece.trim();
                names.push((name.to_string(), ctx.sub_span(tools, text, at + lead..at + lead + name.len())));
                at += piece.len() + 1;
            }
            names
        }
        Value::Array(items) => items.iter().filter_map(|i| i.scalar_text().map(|t| (t, i.span))).collect(),
        _ => Vec::new(),
    };
    for (tool, span) in entries.into_iter().filter(|(t, _)| !t.is_empty()) {
        let loc = ctx.loc(span, "tools");
        let mut named = None;
        let target = if let Some(rest) = tool.strip_prefix("mcp__") {
            let mut parts = rest.splitn(2, "__");
            let server = parts.next().unwrap_or(rest);
            named = parts.next().filter(|t| *t != "*").map(str::to_string);
            servers::tool_key(ctx, server)
        } else {
            let Some(canonical) = builtin::claude_tool(tool.split('(').next().unwrap_or("")) else { continue };
            builtin::tool(ctx, canonical, &loc)
        };
        // Listed tools are available to the sub-agent; prompts still apply.
        let mut edge = Edge::new(EdgeKind::Uses, Some(loc.clone()));
        edge.set_str("grant", format!("tools: {tool}"), Some(loc.clone()));
        edge.set_str("auto_approve", "none", None);
        if let Some(name) = named {
            edge.set_list("tool_names", vec![crate::graph::Item::new(name, Some(loc))], None);
        }
        ctx.add_edge(&key, &target, edge);
    }
}
