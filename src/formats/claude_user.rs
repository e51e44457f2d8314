//! Claude Code's user file `~/.claude.json`: user-scope `mcpServers` at the
//! top level, and per-project servers under `projects.<path>.mcpServers`,
//! each project its own Claude Code agent.

use super::{join, mcp_servers, servers, Ctx};
use crate::graph::{Node, NodeKind, SetAttr};
use crate::source::Node as Doc;

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "claude-code-user",
    client: "claude-code",
    name: "Claude Code",
    syntax: Syntax::Json,
    paths: &["**/.claude.json"],
    user: &[".claude.json"],
    markers: &[],
    reads: "user and per-project `mcpServers`",
    adapt: Adapt::First(adapt),
};

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    mcp_servers::describe_map(ctx, &agent, doc, "mcpServers");
    let user_scope = ctx.scope.clone();
    for project in doc.get("projects").map(Doc::entries).unwrap_or_default() {
        let Some(map) = project.value.get("mcpServers").filter(|m| !m.entries().is_empty()) else { continue };
        // Servers of a project belong to the Claude Code agent of that project.
        ctx.scope = project.key.clone();
        let key = format!("agent:claude-code:{}", project.key);
        if ctx.node_mut(&key).is_none() {
            let mut node =
                Node::new(NodeKind::Agent, key.clone(), "claude-code", Some(ctx.loc(project.key_span, "projects")));
            node.set_str("client", "claude-code", None);
            node.set_str("scope", project.key.clone(), None);
            ctx.add_node(node);
        }
        let base = join(&join("projects", &project.key), "mcpServers");
        for entry in map.entries().iter().filter(|e| e.value.is_object()) {
            servers::describe(ctx, &key, &entry.key, entry.key_span, &entry.value, &join(&base, &entry.key));
        }
    }
    ctx.scope = user_scope;
}
