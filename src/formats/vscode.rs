//! VS Code / GitHub Copilot `.vscode/mcp.json`: `servers` plus `inputs`, whose
//! `${input:id}` references are prompted for (and not stored) when
//! `password: true`. The legacy form nests the same under `mcp` in
//! `settings.json`, where `chat.tools.autoApprove` can also turn approvals off.

use super::{join, servers, Ctx};
use crate::graph::SetAttr;
use crate::source::Node as Doc;

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "vscode",
    client: "vscode",
    name: "VS Code / Copilot",
    syntax: Syntax::Json,
    paths: &["**/.vscode/mcp.json", "**/Code/User/mcp.json"],
    user: &[
        "Library/Application Support/Code/User/mcp.json",
        ".config/Code/User/mcp.json",
        "AppData/Roaming/Code/User/mcp.json",
        "Library/Application Support/Code/User/settings.json",
        ".config/Code/User/settings.json",
        "AppData/Roaming/Code/User/settings.json",
    ],
    markers: &[],
    reads: "`servers`, `inputs`, legacy `mcp`, `chat.tools.autoApprove` (JSONC)",
    adapt: Adapt::First(adapt),
};

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    let (root, prefix) = match doc.get("mcp") {
        Some(mcp) if doc.get("servers").is_none() => (mcp, "mcp"),
        _ => (doc, ""),
    };
    let mut password_inputs = Vec::new();
    if let Some(inputs) = root.get("inputs") {
        for input in inputs.items() {
            if input.get("password").and_then(Doc::as_bool) == Some(true) {
                if let Some(id) = input.get("id").and_then(Doc::as_str) {
                    password_inputs.push(id.to_string());
                }
            }
        }
    }
    if let Some(map) = root.get("servers") {
        let base = join(prefix, "servers");
        for entry in map.entries() {
            if entry.value.is_object() {
                servers::describe(ctx, &agent, &entry.key, entry.key_span, &entry.value, &join(&base, &entry.key));
            }
        }
    }
    for key in ["chat.tools.autoApprove", "chat.tools.global.autoApprove"] {
        if let Some(flag) = super::true_at(doc, &[key]) {
            ctx.note(&agent, "approval_bypass", format!("{key}: true"), flag.span, key);
        }
    }
    // Prompted inputs marked secret are kept out of the file: say so on them.
    for node in ctx.facts.nodes.iter_mut() {
        if node.str_attr("storage") == Some("prompt-input") {
            let masked = node.str_attr("variable").is_some_and(|v| password_inputs.iter().any(|p| p == v));
            node.set_bool("input_password", masked, None);
        }
    }
}
