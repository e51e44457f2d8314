//! opencode (`opencode.json`, `opencode.jsonc`): `permission`, `mcp`
//! servers (local command arrays, remote URLs), `plugin` packages and the
//! `agent` map (research/formats-2.md §3).
//!
//! opencode allows almost everything unless told otherwise: a key nobody
//! set is `allow`, except `external_directory` and `doom_loop` (`ask`) and
//! reading `.env` files (denied). Permission keys are globs (`external_*`,
//! `context7_*` for an MCP server's tools) and the last matching rule wins,
//! first in the global `permission`, then in an agent's own, which is
//! merged over it. The legacy `tools` map (`"slack_*": false`) hides tools.
//! The host agent stands for every agent that keeps the global permission;
//! each agent that sets its own `permission` or `tools` is an agent of its
//! own, which the host hands work to unless it is a primary agent. So is
//! each Markdown agent (`.opencode/agent/*.md`).

use super::registry::{Adapt, FormatSpec};
use super::{builtin, launch, servers, Ctx};
use crate::catalog::commands::wildcard;
use crate::graph::{AttrValue, Edge, EdgeKind, Item, Loc, Node, NodeKind, SetAttr};
use crate::source::{Entry, Node as Doc, Span, Syntax, Value};

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "opencode",
    client: "opencode",
    name: "opencode",
    syntax: Syntax::Json,
    paths: &["**/opencode.json", "**/opencode.jsonc", "**/.opencode/opencode.json", "**/.opencode/opencode.jsonc"],
    user: &[".config/opencode/opencode.json", ".config/opencode/opencode.jsonc"],
    markers: &[],
    reads:
        "`permission` (glob keys, last match wins; bash patterns through the command classifier; allow by default), \
            `agent.<name>` permissions and tools, `mcp` servers and their tools, `plugin` packages, `provider` base URLs",
    adapt: Adapt::First(adapt),
};

/// Kilo Code's current config is opencode's, under its own name
/// (research/formats-2.md §6.1).
pub(super) const KILO: FormatSpec = FormatSpec {
    id: "kilo",
    client: "kilo-code",
    name: "Kilo Code (kilo.json)",
    syntax: Syntax::Json,
    paths: &["**/kilo.json", "**/kilo.jsonc", "**/.kilo/kilo.json", "**/.kilo/kilo.jsonc"],
    user: &[".config/kilo/kilo.json", ".config/kilo/kilo.jsonc"],
    markers: &[],
    reads: "as opencode: `permission`, `agent`, `mcp`, `plugin`",
    adapt: Adapt::First(adapt),
};

pub(super) const AGENT: FormatSpec = FormatSpec {
    id: "opencode-agent",
    client: "opencode",
    name: "opencode Markdown agents",
    syntax: Syntax::FrontMatter,
    paths: &[
        "**/.opencode/agent/*.md",
        "**/.opencode/agents/*.md",
        "**/.config/opencode/agent/*.md",
        "**/.config/opencode/agents/*.md",
    ],
    user: &[".config/opencode/agent/*.md", ".config/opencode/agents/*.md"],
    markers: &[],
    reads: "front matter `mode`, `permission` and `tools` (what they decide; defaults stay the host's); the body",
    adapt: Adapt::First(adapt_markdown_agent),
};

/// Built-in permission keys → our built-in tools. `write` is the key of
/// older releases, covered by `edit` since.
const KEYS: &[(&str, &str)] =
    &[("bash", "shell"), ("edit", "edit"), ("write", "edit"), ("webfetch", "web-fetch"), ("read", "read")];

/// A subject no written pattern but `*` matches: what a rule says of
/// everything else.
const ANY: &str = "\u{0}any";

/// One permission rule as it applies to a tool: the pattern of what the
/// tool is given (a command, a path; `*` for all), and the action.
struct Rule<'d> {
    pattern: &'d str,
    action: &'d str,
    /// Where the rule is written: the pattern's key, or the action.
    span: Span,
    pointer: String,
    /// Written in the agent's own block (for the host: anywhere).
    own: bool,
}

/// An agent's view of the file: the permission and `tools` maps that apply
/// to it, in order (global first), and where its own are.
struct Scope<'d> {
    key: String,
    permissions: Vec<(&'d Doc, String)>,
    /// Index in `permissions` where the agent's own begins.
    own_from: usize,
    tools: Vec<&'d Doc>,
    /// Index in `tools` where the agent's own begins.
    own_tools_from: usize,
    /// Only what its rules decide: a Markdown agent's file does not hold the
    /// global permission, so opencode's defaults are left to the host's.
    decided_only: bool,
}

impl Scope<'_> {
    /// Whether the agent holds what `rule` decides only because the host
    /// does: the rule (or the default) is global, and the agent's own
    /// `tools` map does not turn the tool back on.
    fn inherits(&self, rule: Option<&Rule<'_>>, key: &str) -> bool {
        let reenabled = self.tools[self.own_tools_from..]
            .iter()
            .flat_map(|t| t.entries())
            .any(|e| wildcard(&e.key, key) && e.value.as_bool() == Some(true));
        self.own_from > 0 && rule.is_none_or(|r| !r.own) && !reenabled
    }
}

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let host = ctx.host_agent(doc);
    ctx.set_on(&host, "configured", AttrValue::Bool(true), Span::new(doc.span.start, doc.span.start), "");
    let global = Scope {
        key: host.clone(),
        permissions: doc.get("permission").map(|p| (p, "permission".to_string())).into_iter().collect(),
        own_from: 0,
        tools: doc.get("tools").into_iter().collect(),
        own_tools_from: 0,
        decided_only: false,
    };
    plugins(ctx, &host, doc);
    for provider in doc.get("provider").map(|p| p.entries()).unwrap_or_default() {
        if let Some(url) = provider.value.at(&["options", "baseURL"]) {
            super::models::endpoint(ctx, &host, url, &format!("provider.{}.options.baseURL", provider.key));
        }
    }
    if let Some(mcp) = doc.get("mcp") {
        for entry in mcp.entries().iter().filter(|e| e.value.is_object()) {
            let pointer = format!("mcp.{}", entry.key);
            servers::describe(ctx, &host, &entry.key, entry.key_span, &as_server(&entry.value), &pointer);
        }
    }
    let fallback = doc.get("permission").map_or(Span::new(doc.span.start, doc.span.start), |p| p.span);
    grants(ctx, doc, &global, fallback);

    let Some(agents) = doc.get("agent") else { return };
    for entry in agents.entries().iter().filter(|e| e.value.is_object()) {
        let node = &entry.value;
        let own_permission = node.get("permission");
        let own_tools = node.get("tools");
        if node.get("disable").and_then(Doc::as_bool) == Some(true) || (own_permission.is_none() && own_tools.is_none())
        {
            continue; // Disabled, or the same powers as the host.
        }
        let key = format!("agent:{}:{}:agent:{}", ctx.format.client(), ctx.scope, entry.key);
        let loc = ctx.loc(entry.key_span, &format!("agent.{}", entry.key));
        ctx.add_sub_agent(&key, &entry.key, "opencode-agent", &loc, node);
        let mode = node.get("mode").and_then(Doc::as_str).unwrap_or("all");
        let task = decide(&rules(&global, "task"), &entry.key).map_or("allow", |r| r.action);
        if mode != "primary" && task != "deny" {
            let mut edge = Edge::new(EdgeKind::DelegatesTo, Some(loc));
            edge.set_str("via", "task", None);
            ctx.add_edge(&host, &key, edge);
        }
        let own_from = global.permissions.len();
        let mut scope = Scope {
            key,
            permissions: global.permissions.clone(),
            own_from,
            tools: global.tools.clone(),
            own_tools_from: global.tools.len(),
            decided_only: false,
        };
        if let Some(p) = own_permission {
            scope.permissions.push((p, format!("agent.{}.permission", entry.key)));
        }
        scope.tools.extend(own_tools);
        grants(ctx, doc, &scope, own_permission.map_or(entry.key_span, |p| p.span));
    }
}

/// `.opencode/agent/<name>.md`: the same fields as `agent.<name>`, in front
/// matter; the body is the agent's prompt.
fn adapt_markdown_agent(ctx: &mut Ctx<'_>, doc: &Doc) {
    if !doc.is_object() {
        return; // No front matter: not an agent definition.
    }
    let host = ctx.host_agent(doc);
    let file = ctx.source.display.rsplit('/').next().unwrap_or("");
    let name = file.strip_suffix(".md").unwrap_or(file).to_string();
    if doc.get("disable").and_then(Doc::as_bool) == Some(true) {
        return;
    }
    let key = format!("agent:{}:{}:agent:{name}", ctx.format.client(), ctx.scope);
    let span = doc.get("description").map_or(doc.span, |d| d.span);
    let loc = ctx.loc(span, "description");
    ctx.add_sub_agent(&key, &name, "opencode-agent", &loc, doc);
    super::instructions::in_body(ctx, &key);
    if doc.get("mode").and_then(Doc::as_str).unwrap_or("all") != "primary" {
        let mut edge = Edge::new(EdgeKind::DelegatesTo, Some(loc));
        edge.set_str("via", "task", None);
        ctx.add_edge(&host, &key, edge);
    }
    let scope = Scope {
        key,
        permissions: doc.get("permission").map(|p| (p, "permission".to_string())).into_iter().collect(),
        own_from: 0,
        tools: doc.get("tools").into_iter().collect(),
        own_tools_from: 0,
        decided_only: true,
    };
    let before = ctx.facts.edges.len();
    grants(ctx, doc, &scope, span);
    // Without opencode.json the host holds opencode's defaults: each
    // built-in tool, allowed. Assumed for the tools this agent is given (so
    // the grant is no escalation), and dropped if the config is read.
    // Each is located at this agent's grant of the tool.
    let given: Vec<(String, Option<Loc>)> =
        ctx.facts.edges[before..].iter().map(|e| (e.to.clone(), e.edge.loc.clone())).collect();
    for &(key, canonical) in KEYS.iter().filter(|(k, _)| *k != "write") {
        let tool = format!("tool:{}:{}:builtin:{canonical}", ctx.format.client(), ctx.scope);
        if let Some((_, Some(loc))) = given.iter().find(|(to, _)| *to == tool) {
            let text = format!("{key}: allow (opencode's default; no opencode.json read)");
            builtin::grant(ctx, &host, canonical, &text, None, loc.clone()).set_bool("client_default", true, None);
        }
    }
}

/// The grants of built-in and MCP tools to one agent, from its rules.
/// `fallback` locates what nobody wrote (opencode's defaults).
fn grants(ctx: &mut Ctx<'_>, doc: &Doc, scope: &Scope<'_>, fallback: Span) {
    let agent = scope.key.as_str();
    for &(key, canonical) in KEYS {
        let rules = rules(scope, key);
        // `write` is only read where written; by default `edit` stands for it.
        if hidden(scope, key) || (key == "write" && rules.is_empty()) {
            continue;
        }
        // Every built-in key is `allow` when no rule decides it.
        let decided = decide(&rules, ANY);
        let inherited = scope.inherits(decided, key);
        match decided {
            Some(rule) if rule.action == "allow" => {
                let loc = ctx.loc(rule.span, &rule.pointer);
                let text = format!("{}: allow", rule.pointer.trim_start_matches("permission."));
                mark(builtin::grant(ctx, agent, canonical, &text, None, loc), inherited);
                // `write` and `edit` are one tool: one note, where `edit` is written.
                let edit_key = key == "edit" || (key == "write" && self::rules(scope, "edit").is_empty());
                if edit_key && !inherited {
                    ctx.note(agent, "approval_auto_edit", text, rule.span, &rule.pointer);
                }
            }
            Some(_) => {}
            None if scope.decided_only => {}
            None => {
                let (text, loc) = match rules.first() {
                    _ if key == "read" => (
                        "read: allow (opencode's default; .env files denied)".to_string(),
                        ctx.loc(fallback, "permission"),
                    ),
                    None => (format!("{key}: allow (opencode's default)"), ctx.loc(fallback, "permission")),
                    Some(first) => {
                        (format!("{key}: any other command, allowed by default"), ctx.loc(first.span, &first.pointer))
                    }
                };
                mark(builtin::grant(ctx, agent, canonical, &text, None, loc), inherited);
            }
        }
        // Patterns allowed on their own, and not undone by a later rule.
        for (i, rule) in rules.iter().enumerate() {
            let undone =
                rules[i + 1..].iter().any(|later| later.action != "allow" && wildcard(later.pattern, rule.pattern));
            if rule.pattern == "*" || rule.action != "allow" || undone {
                continue;
            }
            let loc = ctx.loc(rule.span, &rule.pointer);
            let text = format!("{key}: {}", rule.pattern);
            mark(
                builtin::grant(ctx, agent, canonical, &text, Some(rule.pattern), loc),
                scope.inherits(Some(rule), key),
            );
        }
    }
    external_directory(ctx, scope);
    let Some(mcp) = doc.get("mcp") else { return };
    for entry in mcp.entries().iter().filter(|e| e.value.is_object()) {
        // An MCP tool is the permission key `<server>_<tool>`.
        let tool_key = format!("{}_{ANY}", entry.key);
        if hidden(scope, &tool_key) {
            continue;
        }
        let rules = rules(scope, &tool_key);
        let decided = decide(&rules, ANY);
        let (text, span, pointer) = match decided {
            Some(rule) if rule.action != "allow" => continue,
            Some(rule) => (format!("{}: allow", written_key(scope, &tool_key)), rule.span, rule.pointer.clone()),
            None => (format!("{}_* (allowed by default)", entry.key), entry.key_span, format!("mcp.{}", entry.key)),
        };
        let loc = ctx.loc(span, &pointer);
        let inherited = scope.inherits(decided, &tool_key);
        mark(servers::tool_grant(ctx, agent, &entry.key, None, &text, loc), inherited);
    }
}

/// Marks a grant the agent holds only because the host does (the
/// vocabulary's `inherited`).
fn mark(edge: &mut Edge, inherited: bool) {
    if inherited {
        edge.set_bool("inherited", true, None);
    }
}

/// `external_directory: allow` (or a glob such as `external_*`): paths
/// outside the project, the home directory and `/` among them, open
/// without a prompt. Its default is `ask`.
fn external_directory(ctx: &mut Ctx<'_>, scope: &Scope<'_>) {
    let rules = rules(scope, "external_directory");
    let Some(rule) = decide(&rules, ANY).filter(|r| r.action == "allow") else { return };
    let loc = ctx.loc(rule.span, &rule.pointer);
    let key = "resource:fs:/";
    if ctx.node_mut(key).is_none() {
        let mut node = Node::new(NodeKind::Resource, key, "/", Some(loc.clone()));
        node.set_str("type", "filesystem", None);
        node.set_str("scope", "root", None);
        node.set_str("path", "/", None);
        ctx.add_node(node);
    }
    let mut edge = Edge::new(EdgeKind::Can, Some(loc.clone()));
    edge.set_list("capabilities", Item::plain(&["fs.read", "fs.write"]), None);
    let written = written_key(scope, "external_directory");
    edge.set_str("path", format!("{written}: allow, any directory outside the project"), Some(loc));
    mark(&mut edge, scope.inherits(Some(rule), "external_directory"));
    ctx.add_edge(&scope.key, key, edge);
}

/// The key as the user wrote it that decides `key` (`external_*`).
fn written_key(scope: &Scope<'_>, key: &str) -> String {
    let mut found = key.replace(ANY, "*");
    for (permission, _) in &scope.permissions {
        for entry in permission.entries() {
            if wildcard(&entry.key, key) {
                found = entry.key.clone();
            }
        }
    }
    found
}

/// Every rule that applies to `key`, in order: a string action is a rule
/// for `*`; an object holds a rule per pattern.
fn rules<'d>(scope: &Scope<'d>, key: &str) -> Vec<Rule<'d>> {
    let mut out = Vec::new();
    for (i, (permission, pointer)) in scope.permissions.iter().enumerate() {
        let own = i >= scope.own_from;
        match &permission.value {
            Value::String(action) => {
                out.push(Rule { pattern: "*", action, span: permission.span, pointer: pointer.clone(), own })
            }
            Value::Object(entries) => {
                for entry in entries.iter().filter(|e| wildcard(&e.key, key)) {
                    let pointer = format!("{pointer}.{}", entry.key);
                    push_rules(&mut out, entry, pointer, own);
                }
            }
            _ => {}
        }
    }
    out
}

fn push_rules<'d>(out: &mut Vec<Rule<'d>>, entry: &'d Entry, pointer: String, own: bool) {
    match &entry.value.value {
        Value::String(action) => out.push(Rule { pattern: "*", action, span: entry.value.span, pointer, own }),
        Value::Object(patterns) => {
            for p in patterns {
                if let Some(action) = p.value.as_str() {
                    let pointer = format!("{pointer}.{}", p.key);
                    out.push(Rule { pattern: &p.key, action, span: p.key_span, pointer, own });
                }
            }
        }
        _ => {}
    }
}

/// The rule that decides `subject`: the last whose pattern matches it.
fn decide<'r, 'd>(rules: &'r [Rule<'d>], subject: &str) -> Option<&'r Rule<'d>> {
    rules.iter().rev().find(|r| wildcard(r.pattern, subject))
}

/// The legacy `tools` map: the last matching key set to `false` hides it.
fn hidden(scope: &Scope<'_>, key: &str) -> bool {
    let mut shown = true;
    for tools in &scope.tools {
        for entry in tools.entries().iter().filter(|e| wildcard(&e.key, key)) {
            if let Some(on) = entry.value.as_bool() {
                shown = on;
            }
        }
    }
    !shown
}

/// `plugin: ["name@version", …]`: npm packages opencode installs and runs
/// in its own process at start.
fn plugins(ctx: &mut Ctx<'_>, host: &str, doc: &Doc) {
    for (i, item) in doc.get("plugin").map(Doc::items).unwrap_or_default().iter().enumerate() {
        let Some(spec) = item.as_str() else { continue };
        if spec.starts_with('.') || spec.starts_with('/') || spec.starts_with("file:") {
            continue; // A local file in the repository.
        }
        let package = launch::npm_package(spec);
        let pointer = format!("plugin[{i}]");
        let loc = ctx.loc(item.span, &pointer);
        let client = ctx.format.client();
        let key = format!("tool:{client}:{}:plugin:{}", ctx.scope, package.name);
        let mut tool = Node::new(NodeKind::Tool, key.clone(), package.name.as_str(), Some(loc.clone()));
        tool.set_str("tool_type", "plugin", None);
        tool.set_str("client", client, None);
        tool.set_str("launcher", format!("{client} at start"), None);
        tool.set_str("package", crate::redact::mask(spec), Some(loc.clone()));
        tool.set_str("package_spec", crate::redact::mask(spec), None);
        tool.set_str("package_registry", "npm", None);
        tool.set_bool("package_pinned", package.pinned, Some(loc.clone()));
        ctx.add_node(tool);
        let mut edge = Edge::new(EdgeKind::Uses, Some(loc.clone()));
        edge.set_str("grant", format!("plugin: {}", crate::redact::mask(spec)), Some(loc));
        ctx.add_edge(host, &key, edge);
    }
}

/// opencode's server shape in the common one: `command` is an array (the
/// program, then its arguments), `environment` the env; `type` local|remote.
fn as_server(node: &Doc) -> Doc {
    let mut entries: Vec<Entry> = Vec::new();
    for entry in node.entries() {
        match (entry.key.as_str(), &entry.value.value) {
            ("command", Value::Array(items)) => {
                if let Some((program, args)) = items.split_first() {
                    entries.push(Entry { key: "command".into(), key_span: entry.key_span, value: program.clone() });
                    let args = Doc::new(Value::Array(args.to_vec()), entry.value.span);
                    entries.push(Entry { key: "args".into(), key_span: entry.key_span, value: args });
                }
            }
            ("environment", _) => entries.push(Entry { key: "env".into(), ..entry.clone() }),
            ("type", Value::String(kind)) => {
                let transport = if kind == "local" { "stdio" } else { "http" };
                let value = Doc::new(Value::String(transport.into()), entry.value.span);
                entries.push(Entry { key: "type".into(), key_span: entry.key_span, value });
            }
            _ => entries.push(entry.clone()),
        }
    }
    Doc::new(Value::Object(entries), node.span)
}

#[cfg(test)]
mod tests {
    use crate::catalog::commands::wildcard;

    #[test]
    fn wildcard_matches_like_opencode() {
        assert!(wildcard("*", "anything"));
        assert!(wildcard("external_*", "external_directory"));
        assert!(wildcard("context7_*", "context7_\u{0}any"));
        assert!(!wildcard("context7_*", "exa_\u{0}any"));
        assert!(wildcard("git push *", "git push *"));
        assert!(wildcard("gh pr view*", "gh pr view 12"));
        assert!(!wildcard("gh pr view*", "gh pr merge 12"));
        assert!(wildcard("?", "a") && !wildcard("?", "ab"));
    }
}
