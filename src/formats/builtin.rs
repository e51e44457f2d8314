//! Built-in tools of agent hosts (a shell, file edits, web fetch), as tool
//! nodes shared by every grant that names them.

use super::Ctx;
use crate::catalog::CommandCatalog;
use crate::graph::{Edge, EdgeKind, Item, Loc, Node, NodeKind, SetAttr};

/// Claude Code's tool names → our built-in tool names.
pub(super) fn claude_tool(name: &str) -> Option<&'static str> {
    Some(match name {
        "Bash" => "shell",
        "Read" | "Glob" | "Grep" | "LS" => "read",
        "Edit" | "Write" | "MultiEdit" | "NotebookEdit" => "edit",
        "WebFetch" => "web-fetch",
        "WebSearch" => "web-search",
        _ => return None,
    })
}

/// The node key of a host's built-in tool, creating the node on first use.
pub(super) fn tool(ctx: &mut Ctx<'_>, canonical: &str, loc: &Loc) -> String {
    let key = format!("tool:{}:{}:builtin:{canonical}", ctx.format.client(), ctx.scope);
    if ctx.node_mut(&key).is_none() {
        let mut node = Node::new(NodeKind::Tool, key.clone(), canonical, Some(loc.clone()));
        node.set_str("tool_type", "builtin", None);
        node.set_str("client", ctx.format.client(), None);
        let (caps, flows) = CommandCatalog::get().builtin_tool(canonical);
        node.set_list("capabilities", Item::plain(caps), None);
        node.set_list("flows", Item::plain(flows), None);
        node.set_str("capability_source", "builtin", None);
        ctx.add_node(node);
    }
    key
}

/// An agent's grant of a built-in tool, as written (`Bash(npm run:*)`).
pub(super) fn grant<'c>(
    ctx: &'c mut Ctx<'_>,
    agent: &str,
    canonical: &str,
    rule: &str,
    specifier: Option<&str>,
    loc: Loc,
) -> &'c mut Edge {
    let key = tool(ctx, canonical, &loc);
    let mut edge = Edge::new(EdgeKind::Uses, Some(loc.clone()));
    edge.set_str("grant", crate::redact::mask(rule), Some(loc.clone()));
    let unrestricted = specifier.is_none_or(|s| matches!(s.trim(), "" | "*" | ":*" | "**"));
    edge.set_str("scope", if unrestricted { "unrestricted" } else { "restricted" }, Some(loc.clone()));
    edge.set_str("auto_approve", if unrestricted { "all" } else { "some" }, Some(loc.clone()));
    if let (true, Some(specifier)) = (canonical == "read", specifier) {
        if CommandCatalog::get().names_secret_files(specifier) {
            edge.set_str("secret_files", crate::redact::mask(specifier), Some(loc.clone()));
        }
    }
    if let (true, false, Some(specifier)) = (canonical == "shell", unrestricted, specifier) {
        // What the command grant allows (rules/catalog/commands.yaml): the
        // program past any wrapper, whether it runs anything, and, when it
        // does not, what that one program can do.
        let command = CommandCatalog::get().classify(specifier);
        let open = specifier.trim().ends_with('*');
        edge.set_bool("open_arguments", open, Some(loc.clone()));
        edge.set_str("program", command.program, Some(loc.clone()));
        edge.set_str("command_class", command.class, Some(loc.clone()));
        if let Some(call) = command.any_call {
            edge.set_str("any_call", call, Some(loc.clone()));
        }
        match command.opened_by {
            Some(by) => edge.set_str("open_program", by, Some(loc)),
            None => {
                edge.set_list("capabilities", Item::plain(&command.capabilities), None);
                edge.set_list("flows", Item::plain(&command.flows), None);
            }
        }
    }
    ctx.add_edge(agent, &key, edge)
}
