//! Claude Code plugins: `.claude-plugin/plugin.json` (its `mcpServers` and
//! inline `hooks`), a plugin's `hooks/hooks.json`, and marketplaces
//! (`.claude-plugin/marketplace.json`), whose plugins are fetched from git
//! or a URL: without a pinned `ref`/`sha` every install may run other code.

use super::registry::{Adapt, FormatSpec};
use super::{claude_settings, mcp_servers, Ctx};
use crate::graph::{Node, NodeKind, SetAttr};
use crate::source::{Node as Doc, Syntax};

pub(super) const PLUGIN: FormatSpec = FormatSpec {
    id: "claude-plugin",
    client: "claude-code",
    name: "Claude Code plugins",
    syntax: Syntax::Json,
    paths: &["**/.claude-plugin/plugin.json", "**/.claude-plugin/marketplace.json"],
    user: &[],
    markers: &[],
    reads: "`mcpServers`, inline `hooks`; marketplace `plugins[].source` (pinned or not)",
    adapt: Adapt::First(adapt_plugin),
};

pub(super) const HOOKS: FormatSpec = FormatSpec {
    id: "claude-plugin-hooks",
    client: "claude-code",
    name: "Claude Code plugin hooks",
    syntax: Syntax::Json,
    paths: &["**/hooks/hooks.json"],
    user: &[],
    markers: &[],
    reads: "hook commands per event: what sends data off the machine, what runs fetched code",
    adapt: Adapt::First(adapt_hooks),
};

pub(super) fn adapt_hooks(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    claude_settings::hooks(ctx, &agent, doc);
}

pub(super) fn adapt_plugin(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    if doc.get("mcpServers").is_some_and(Doc::is_object) {
        mcp_servers::describe_map(ctx, &agent, doc, "mcpServers");
    }
    if doc.get("hooks").is_some_and(Doc::is_object) {
        claude_settings::hooks(ctx, &agent, doc);
    }
    for (i, plugin) in doc.get("plugins").map(Doc::items).unwrap_or_default().iter().enumerate() {
        let Some(source) = plugin.get("source") else { continue };
        let name = plugin.get("name").and_then(Doc::as_str).unwrap_or("plugin");
        let pointer = format!("plugins[{i}].source");
        // `"./plugins/x"` lives in the marketplace's own repository.
        let (from, pinned, spec) = match source.as_str() {
            Some(path) if path.starts_with("./") || path.starts_with("../") => continue,
            Some(url) => ("git", false, url.to_string()),
            None => {
                let repo = source.get("repo").or_else(|| source.get("url")).and_then(Doc::as_str).unwrap_or(name);
                let pinned = ["sha", "commit"].iter().any(|k| source.get(k).is_some())
                    || source.get("ref").and_then(Doc::as_str).is_some_and(is_commit);
                let kind = source.get("source").and_then(Doc::as_str).unwrap_or("git");
                (if kind == "github" { "github" } else { "git" }, pinned, repo.to_string())
            }
        };
        let key = format!("tool:claude-code:{}:plugin:{name}", ctx.scope);
        let loc = ctx.loc(source.span, &pointer);
        let mut tool = Node::new(NodeKind::Tool, key.clone(), name, Some(loc.clone()));
        tool.set_str("tool_type", "plugin", None);
        tool.set_str("client", "claude-code", None);
        tool.set_str("launcher", "a plugin install", None);
        tool.set_str("package", crate::redact::mask(&spec), Some(loc.clone()));
        tool.set_str("package_spec", crate::redact::mask(&spec), None);
        tool.set_str("package_registry", from, None);
        tool.set_bool("package_pinned", pinned, Some(loc));
        ctx.add_node(tool);
    }
}

/// A full commit hash pins; a branch or tag name moves.
fn is_commit(reference: &str) -> bool {
    reference.len() == 40 && reference.chars().all(|c| c.is_ascii_hexdigit())
}
