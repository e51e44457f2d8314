//! Gemini CLI `.gemini/settings.json`, in both key layouts (v1 flat, v2
//! nested): `mcpServers` (with `trust`, `includeTools`, `httpUrl`), approval
//! (`autoAccept`, `general.defaultApprovalMode`), built-in tool allowlists and
//! the sandbox, hooks and tool discovery commands. Also its extensions (`gemini-extension.json`: the servers
//! they add, the tools they exclude) and custom commands
//! (`.gemini/commands/**/*.toml`: a prompt the model follows).

use super::{builtin, instructions, mcp_servers, true_at, Ctx};
use crate::catalog::Reader;
use crate::graph::{AttrValue, Item};
use crate::source::Node as Doc;

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "gemini",
    client: "gemini-cli",
    name: "Gemini CLI",
    syntax: Syntax::Json,
    paths: &["**/.gemini/settings.json", "**/gemini-cli/settings.json"],
    user: &[".gemini/settings.json"],
    markers: &[],
    reads:
        "`mcpServers`, tool and approval settings (both key layouts), hooks, `tools.discoveryCommand` and `callCommand`",
    adapt: Adapt::First(adapt),
};

pub(super) const EXTENSION: FormatSpec = FormatSpec {
    id: "gemini-extension",
    client: "gemini-cli",
    name: "Gemini CLI extensions",
    syntax: Syntax::Json,
    paths: &["**/gemini-extension.json"],
    user: &[".gemini/extensions/*/gemini-extension.json"],
    markers: &[],
    reads: "`mcpServers` the extension adds to the CLI, `excludeTools`",
    adapt: Adapt::First(adapt_extension),
};

pub(super) const COMMAND: FormatSpec = FormatSpec {
    id: "gemini-command",
    client: "gemini-cli",
    name: "Gemini CLI custom commands",
    syntax: Syntax::Toml,
    paths: &["**/.gemini/commands/**/*.toml"],
    user: &[".gemini/commands/*.toml", ".gemini/commands/*/*.toml"],
    markers: &[],
    reads: "`prompt` and `description`, instructions the model follows",
    adapt: Adapt::First(adapt_command),
};

/// An extension's servers start with the CLI in every workspace it is
/// enabled for; `excludeTools` hides built-in tools (`run_shell_command(rm -rf)`).
fn adapt_extension(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    mcp_servers::describe_map(ctx, &agent, doc, "mcpServers");
    if let Some(list) = doc.get("excludeTools") {
        let items: Vec<Item> = list
            .items()
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                Some(Item::new(t.scalar_text()?, Some(ctx.loc(t.span, &format!("excludeTools[{i}]")))))
            })
            .collect();
        ctx.extend_on(&agent, "excluded_tools", items);
    }
}

/// A custom command's prompt is instructions the model follows when a user runs it.
fn adapt_command(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    for field in ["prompt", "description"] {
        if let Some(text) = doc.get(field) {
            instructions::in_text(ctx, &agent, text, field, Reader::Instructions);
        }
    }
}

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    mcp_servers::describe_map(ctx, &agent, doc, "mcpServers");
    for path in [&["autoAccept"][..], &["tools", "autoAccept"][..]] {
        if let Some(flag) = true_at(doc, path) {
            let pointer = path.join(".");
            ctx.note(&agent, "approval_auto_edit", format!("{pointer}: true"), flag.span, &pointer);
        }
    }
    // Telemetry logs each tool call and its result (OpenTelemetry).
    if let Some(flag) = true_at(doc, &["telemetry", "enabled"]) {
        ctx.note(&agent, "telemetry", "telemetry.enabled: true", flag.span, "telemetry.enabled");
    }
    if let Some(mode) = doc.at(&["general", "defaultApprovalMode"]) {
        ctx.approval_setting(&agent, mode, "general.defaultApprovalMode", &["yolo"], &["auto_edit", "autoEdit"]);
    }
    // Built-in tools that run without confirmation.
    for (path, pointer) in [(&["tools", "allowed"][..], "tools.allowed"), (&["allowedTools"][..], "allowedTools")] {
        let Some(list) = doc.at(path) else { continue };
        for (i, entry) in list.items().iter().enumerate() {
            let Some(text) = entry.as_str() else { continue };
            let (tool, specifier) = match text.split_once('(') {
                Some((t, rest)) => (t.trim(), Some(rest.trim_end_matches(')'))),
                None => (text.trim(), None),
            };
            let canonical = match tool {
                "run_shell_command" | "ShellTool" => "shell",
                "write_file" | "WriteFileTool" | "replace" | "EditTool" => "edit",
                "web_fetch" | "WebFetchTool" => "web-fetch",
                _ => continue,
            };
            let loc = ctx.loc(entry.span, &format!("{pointer}[{i}]"));
            builtin::grant(ctx, &agent, canonical, text, specifier, loc);
        }
    }
    // Hooks, and the commands that discover and call extra tools: run by
    // the CLI itself, from the project's file.
    super::claude_settings::hooks(ctx, &agent, doc);
    let mut found = Vec::new();
    for path in
        [&["tools", "discoveryCommand"][..], &["tools", "callCommand"], &["toolDiscoveryCommand"], &["toolCallCommand"]]
    {
        if let Some(command) = doc.at(path).filter(|c| c.as_str().is_some()) {
            found.push((command, path.join(".")));
        }
    }
    super::claude_settings::commands_run(ctx, &agent, found);
    for path in [&["sandbox"][..], &["tools", "sandbox"][..]] {
        if let Some((sandbox, value)) = doc.at(path).and_then(|s| s.scalar_text().map(|v| (s, v))) {
            ctx.set_on(&agent, "sandbox_mode", AttrValue::Str(value.into()), sandbox.span, &path.join("."));
        }
    }
}
