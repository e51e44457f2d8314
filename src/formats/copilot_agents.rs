//! GitHub Copilot custom agents (`.github/agents/*.agent.md`), chat modes
//! (`.github/chatmodes/*.chatmode.md`) and prompt files
//! (`.github/prompts/*.prompt.md`): Markdown with front matter `tools`,
//! `mcp-servers`, `handoffs` and `target`. Each is an agent. The cloud
//! coding agent (`target` unset or `github-copilot`) uses its tools without
//! asking; VS Code asks before terminal commands and edits.

use super::registry::{Adapt, FormatSpec};
use super::{builtin, servers, Ctx};
use crate::graph::{AttrValue, Edge, EdgeKind, Item, SetAttr};
use crate::source::{Node as Doc, Span, Syntax, Value};

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "copilot-agent",
    client: "copilot",
    name: "GitHub Copilot agents",
    syntax: Syntax::FrontMatter,
    paths: &["**/.github/agents/*.md", "**/.github/chatmodes/*.chatmode.md", "**/.github/prompts/*.prompt.md"],
    user: &[],
    markers: &[],
    reads: "front matter `tools`, `mcp-servers`, `handoffs` (delegation), `target`",
    adapt: Adapt::First(adapt),
};

/// Copilot's tool names and aliases → built-in tools.
fn builtin_tool(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().as_str() {
        "execute" | "shell" | "bash" | "powershell" | "runcommands" | "runinterminal" | "terminal" | "runtasks" => {
            "shell"
        }
        "read" | "readfile" | "search" | "codebase" | "usages" | "problems" | "changes" => "read",
        "edit" | "write" | "multiedit" | "editfiles" | "new" => "edit",
        "web" | "fetch" | "webfetch" => "web-fetch",
        _ => return None,
    })
}

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    if !doc.is_object() {
        return; // Markdown without front matter: not an agent definition.
    }
    let display = ctx.source.display.clone();
    let file = display.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or(file).to_string();
    let name_node = doc.get("name");
    let name = name_node.and_then(Doc::as_str).map_or(stem, str::to_string);
    let key = agent_key(ctx, &name);
    let span = name_node.map_or(doc.span, |n| n.span);
    let loc = ctx.loc(span, "name");
    ctx.add_sub_agent(&key, &name, "copilot", &loc, doc);
    super::instructions::in_body(ctx, &key);
    // The cloud coding agent runs its tools without a prompt; VS Code asks.
    let target = doc.get("target").and_then(Doc::as_str);
    let autonomous = file.ends_with(".agent.md") && target != Some("vscode");

    if let Some(servers_map) = doc.get("mcp-servers") {
        for entry in servers_map.entries().iter().filter(|e| e.value.is_object()) {
            servers::describe(
                ctx,
                &key,
                &entry.key,
                entry.key_span,
                &entry.value,
                &format!("mcp-servers.{}", entry.key),
            );
        }
    }
    match doc.get("tools") {
        None => ctx.set_on(&key, "inherits_all_tools", AttrValue::Bool(true), span, "name"),
        Some(tools) => {
            for (tool, span) in tool_names(ctx, tools) {
                grant(ctx, &key, &tool, span, autonomous);
            }
        }
    }
    for (i, handoff) in doc.get("handoffs").map(Doc::items).unwrap_or_default().iter().enumerate() {
        let Some(target) = handoff.get("agent").and_then(Doc::as_str) else { continue };
        let to = agent_key(ctx, target);
        let mut edge = Edge {
            kind: EdgeKind::DelegatesTo,
            attrs: Default::default(),
            loc: Some(ctx.loc(handoff.span, &format!("handoffs[{i}]"))),
        };
        edge.set_str("via", "handoff", None);
        ctx.add_edge(&key, &to, edge);
    }
}

fn agent_key(ctx: &Ctx<'_>, name: &str) -> String {
    format!("agent:copilot:{}:{}", ctx.scope, name.to_ascii_lowercase())
}

/// The `tools` list, or a comma-separated string, each name located.
fn tool_names(ctx: &Ctx<'_>, tools: &Doc) -> Vec<(String, Span)> {
    match &tools.value {
        Value::String(text) => {
            let mut at = 0;
            let mut names = Vec::new();
            for piece in text.split(',') {
                let lead = piece.len() - piece.trim_start().len();
                let name = piece.trim().trim_matches(|c| c == '\'' || c == '"');
                if !name.is_empty() {
                    names
                        .push((name.to_string(), ctx.sub_span(tools, text, at + lead..at + lead + piece.trim().len())));
                }
                at += piece.len() + 1;
            }
            names
        }
        Value::Array(items) => items.iter().filter_map(|i| i.scalar_text().map(|t| (t, i.span))).collect(),
        _ => Vec::new(),
    }
}

fn grant(ctx: &mut Ctx<'_>, agent: &str, tool: &str, span: Span, autonomous: bool) {
    let loc = ctx.loc(span, "tools");
    if tool == "*" {
        ctx.set_on(agent, "inherits_all_tools", AttrValue::Bool(true), span, "tools");
        return;
    }
    // `server/tool` or `server/*`; `publisher.extension/tool` is a VS Code
    // extension's tool, which the cloud agent does not have and VS Code asks for.
    if let Some((server, name)) = tool.rsplit_once('/') {
        let extension = !server.contains('/') && server.contains('.');
        if autonomous && !extension {
            let name = (name != "*").then_some(name);
            servers::tool_grant(ctx, agent, server, name, tool, loc);
        } else {
            let key = servers::tool_key(ctx, server);
            let mut edge = Edge::new(EdgeKind::Uses, Some(loc.clone()));
            edge.set_str("grant", format!("tools: {tool}"), Some(loc.clone()));
            edge.set_str("auto_approve", "none", None);
            if name != "*" {
                edge.set_list("tool_names", vec![Item::new(name, Some(loc))], None);
            }
            ctx.add_edge(agent, &key, edge);
        }
        return;
    }
    let Some(canonical) = builtin_tool(tool) else { return };
    if autonomous {
        builtin::grant(ctx, agent, canonical, tool, None, loc);
    } else {
        let key = builtin::tool(ctx, canonical, &loc);
        let mut edge = Edge::new(EdgeKind::Uses, Some(loc.clone()));
        edge.set_str("grant", format!("tools: {tool}"), Some(loc));
        edge.set_str("auto_approve", "none", None);
        ctx.add_edge(agent, &key, edge);
    }
}
