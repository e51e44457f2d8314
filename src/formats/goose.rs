//! Goose `config.yaml`: `GOOSE_MODE` (approval) and `extensions`, each a
//! server with `cmd`, `args`, `envs`, `env_keys`, `uri`; `builtin` extensions
//! such as `developer` give a shell and file editing.

use super::{join, servers, Ctx};
use crate::graph::{Edge, EdgeKind, Item, Node, NodeKind, SetAttr};
use crate::source::Node as Doc;

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "goose",
    client: "goose",
    name: "Goose",
    syntax: Syntax::Yaml,
    paths: &["**/goose/config.yaml"],
    user: &[".config/goose/config.yaml", "AppData/Roaming/Block/goose/config/config.yaml"],
    markers: &[],
    reads: "`extensions`, `GOOSE_MODE`",
    adapt: Adapt::First(adapt),
};

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    if let Some(mode) = doc.get("GOOSE_MODE") {
        ctx.approval_setting(&agent, mode, "GOOSE_MODE", &["auto"], &[]);
    }
    let Some(extensions) = doc.get("extensions") else {
        return;
    };
    for entry in extensions.entries() {
        let ext = &entry.value;
        let pointer = join("extensions", &entry.key);
        if ext.get("type").and_then(Doc::as_str) == Some("builtin") {
            builtin(ctx, &agent, &entry.key, ext, entry.key_span, &pointer);
        } else if ext.is_object() {
            servers::describe(ctx, &agent, &entry.key, entry.key_span, ext, &pointer);
        }
    }
}

/// Built-in extensions: `developer` is a shell plus file edits.
fn builtin(ctx: &mut Ctx<'_>, agent: &str, name: &str, ext: &Doc, span: crate::source::Span, pointer: &str) {
    let key = servers::tool_key(ctx, name);
    let loc = ctx.loc(span, pointer);
    let mut tool = Node::new(NodeKind::Tool, key.clone(), name, Some(loc.clone()));
    tool.set_str("tool_type", "builtin", None);
    tool.set_str("client", "goose", None);
    let caps: &[&str] = match ext.get("name").and_then(Doc::as_str).unwrap_or(name) {
        "developer" => &["shell.exec", "fs.read", "fs.write"],
        "computercontroller" | "computer_controller" => &["shell.exec", "browser", "fs.write"],
        "memory" => &["fs.write"],
        _ => &[],
    };
    if !caps.is_empty() {
        tool.set_list("capabilities", Item::plain(caps), None);
        tool.set_str("capability_source", "builtin", None);
    }
    if let Some(enabled) = ext.get("enabled") {
        if let Some(value) = enabled.as_bool() {
            tool.set_bool("enabled", value, Some(ctx.loc(enabled.span, &join(pointer, "enabled"))));
        }
    }
    ctx.add_node(tool);
    let mut edge = Edge::new(EdgeKind::Uses, Some(loc));
    edge.set_str("auto_approve", "none", None);
    ctx.add_edge(agent, &key, edge);
}
