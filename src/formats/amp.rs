//! Amp (`.amp/settings.json`, `~/.config/amp/settings.json`): `amp.mcpServers`,
//! `amp.permissions` rules that allow tools without asking, the older
//! `amp.commands.allowlist`, and `amp.dangerouslyAllowAll`.

use super::registry::{Adapt, FormatSpec};
use super::{builtin, mcp_servers, servers, true_at, Ctx};
use crate::source::{Node as Doc, Syntax};

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "amp",
    client: "amp",
    name: "Amp",
    syntax: Syntax::Json,
    paths: &["**/.amp/settings.json", "**/amp/settings.json"],
    user: &[".config/amp/settings.json"],
    markers: &[],
    reads: "`amp.mcpServers`, `amp.permissions`, `amp.commands.allowlist`, `amp.dangerouslyAllowAll` (JSONC)",
    adapt: Adapt::First(adapt),
};

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    mcp_servers::describe_map(ctx, &agent, doc, "amp.mcpServers");
    if let Some(flag) = true_at(doc, &["amp.dangerouslyAllowAll"]) {
        let pointer = "amp.dangerouslyAllowAll";
        ctx.note(&agent, "approval_bypass", format!("{pointer}: true"), flag.span, pointer);
    }
    if let Some(list) = doc.get("amp.commands.allowlist") {
        for (i, item) in list.items().iter().enumerate() {
            let Some(command) = item.as_str() else { continue };
            let loc = ctx.loc(item.span, &format!("amp.commands.allowlist[{i}]"));
            builtin::grant(ctx, &agent, "shell", &format!("Bash({command})"), Some(command), loc);
        }
    }
    // Ordered rules, first match wins; only `allow` runs without a person.
    let Some(rules) = doc.get("amp.permissions") else { return };
    for (i, rule) in rules.items().iter().enumerate() {
        if rule.get("action").and_then(Doc::as_str) != Some("allow") {
            continue;
        }
        let Some(tool) = rule.get("tool").and_then(Doc::as_str) else { continue };
        let pointer = format!("amp.permissions[{i}]");
        let loc = ctx.loc(rule.span, &pointer);
        let command = rule.at(&["matches", "cmd"]).and_then(Doc::as_str);
        if tool == "*" {
            ctx.note(&agent, "approval_bypass", format!("{pointer}: allow every tool"), rule.span, &pointer);
        } else if let Some(rest) = tool.strip_prefix("mcp__") {
            let (server, name) = rest.split_once("__").map_or((rest, None), |(s, t)| (s, Some(t)));
            servers::tool_grant(ctx, &agent, server, name, tool, loc);
        } else if let Some(canonical) = builtin::claude_tool(tool) {
            let text = command.map_or(tool.to_string(), |c| format!("{tool}({c})"));
            builtin::grant(ctx, &agent, canonical, &text, command, loc);
        }
    }
}
