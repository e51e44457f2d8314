//! Gemini CLI `.gemini/settings.json`, in both key layouts (v1 flat, v2
//! nested): `mcpServers` (with `trust`, `includeTools`, `httpUrl`), approval
//! (`autoAccept`, `general.defaultApprovalMode`), built-in tool allowlists and
//! the sandbox.

use super::{builtin, mcp_servers, true_at, Ctx};
use crate::graph::AttrValue;
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
    reads: "`mcpServers`, tool and approval settings (both key layouts)",
    adapt: Adapt::First(adapt),
};

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    mcp_servers::describe_map(ctx, &agent, doc, "mcpServers");
    for path in [&["autoAccept"][..], &["tools", "autoAccept"][..]] {
        if let Some(flag) = true_at(doc, path) {
            let pointer = path.join(".");
            ctx.note(&agent, "approval_auto_edit", format!("{pointer}: true"), flag.span, &pointer);
        }
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
    for path in [&["sandbox"][..], &["tools", "sandbox"][..]] {
        if let Some((sandbox, value)) = doc.at(path).and_then(|s| s.scalar_text().map(|v| (s, v))) {
            ctx.set_on(&agent, "sandbox_mode", AttrValue::Str(value), sandbox.span, &path.join("."));
        }
    }
}
