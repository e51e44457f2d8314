//! The `mcpServers` family: Claude Desktop, Claude Code `.mcp.json`, Cursor,
//! Windsurf, Cline, Roo Code, Kiro, Amazon Q, LibreChat and generic files.
//! One shape, `mcpServers: { <name>: { command, args, env | url, headers } }`,
//! with the dialect keys handled by `servers::describe`.

use super::{join, servers, Ctx};
use crate::source::Node as Doc;

pub fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    describe_map(ctx, &agent, doc, "mcpServers");
}

/// Describes every server of the map under `key` (if the document has one).
pub fn describe_map(ctx: &mut Ctx<'_>, agent: &str, doc: &Doc, key: &str) {
    let Some(map) = doc.get(key) else { return };
    for entry in map.entries() {
        if entry.value.is_object() {
            servers::describe(ctx, agent, &entry.key, entry.key_span, &entry.value, &join(key, &entry.key));
        }
    }
}
