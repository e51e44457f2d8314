//! Continue `config.yaml` and `.continue/mcpServers/*.yaml` blocks:
//! `mcpServers` is a list of `{name, command, args, env}` here, and model
//! entries carry `apiKey`.

use super::{servers, Ctx};
use crate::source::Node as Doc;

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "continue",
    client: "continue",
    name: "Continue",
    syntax: Syntax::Yaml,
    paths: &["**/.continue/config.yaml", "**/.continue/{mcpServers,agents,assistants}/*.{yaml,yml}"],
    user: &[".continue/config.yaml", ".continue/assistants/*.yaml", ".continue/agents/*.yaml"],
    markers: &["mcpServers"],
    reads: "`mcpServers`, `models` (keys, `apiBase`)",
    adapt: Adapt::First(adapt),
};

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    if let Some(list) = doc.get("mcpServers") {
        for (i, server) in list.items().iter().enumerate() {
            let name = server.get("name").and_then(Doc::as_str).map_or_else(|| format!("server-{i}"), str::to_string);
            let span = server.get("name").map_or(server.span, |n| n.span);
            servers::describe(ctx, &agent, &name, span, server, &format!("mcpServers[{i}]"));
        }
    }
    if let Some(models) = doc.get("models") {
        for (i, model) in models.items().iter().enumerate() {
            for entry in model.entries() {
                let pointer = format!("models[{i}].{}", entry.key);
                ctx.credentials_in(&agent, Some(&entry.key), &entry.value, &pointer, "setting");
                if entry.key == "apiBase" {
                    super::models::endpoint(ctx, &agent, &entry.value, &pointer);
                }
            }
        }
    }
}
