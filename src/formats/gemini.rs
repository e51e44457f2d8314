//! Gemini CLI `.gemini/settings.json`, in both key layouts (v1 flat, v2
//! nested): `mcpServers` (with `trust`, `includeTools`, `httpUrl`), approval
//! (`autoAccept`, `general.defaultApprovalMode`), built-in tool allowlists and
//! the sandbox.

use super::{builtin, mcp_servers, Ctx};
use crate::graph::{Item, SetAttr};
use crate::source::Node as Doc;

pub fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    mcp_servers::describe_map(ctx, &agent, doc, "mcpServers");
    for path in [&["autoAccept"][..], &["tools", "autoAccept"][..]] {
        if let Some(flag) = doc.at(path).filter(|f| f.as_bool() == Some(true)) {
            let pointer = path.join(".");
            let loc = ctx.loc(flag.span, &pointer);
            if let Some(node) = ctx.node_mut(&agent) {
                node.push_item(
                    "approval_auto_edit",
                    Item {
                        value: format!("{pointer}: true"),
                        loc: Some(loc),
                    },
                );
            }
        }
    }
    if let Some(mode) = doc.at(&["general", "defaultApprovalMode"]) {
        if let Some(value) = mode.as_str() {
            let loc = ctx.loc(mode.span, "general.defaultApprovalMode");
            let setting = format!("general.defaultApprovalMode: {value}");
            let list = match value {
                "yolo" => Some("approval_bypass"),
                "auto_edit" | "autoEdit" => Some("approval_auto_edit"),
                _ => None,
            };
            if let Some(node) = ctx.node_mut(&agent) {
                node.set_str("approval_mode", value, Some(loc.clone()));
                if let Some(list) = list {
                    node.push_item(
                        list,
                        Item {
                            value: setting,
                            loc: Some(loc),
                        },
                    );
                }
            }
        }
    }
    for (path, pointer) in [
        (&["tools", "allowed"][..], "tools.allowed"),
        (&["allowedTools"][..], "allowedTools"),
    ] {
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
        if let Some(sandbox) = doc.at(path) {
            if let Some(value) = sandbox.scalar_text() {
                let loc = ctx.loc(sandbox.span, &path.join("."));
                if let Some(node) = ctx.node_mut(&agent) {
                    node.set_str("sandbox_mode", value, Some(loc));
                }
            }
        }
    }
}
