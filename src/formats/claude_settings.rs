//! Claude Code `.claude/settings.json` and `settings.local.json`: permission
//! rules, the default permission mode, extra directories, project-server
//! auto-enable, env, the API key and credential helpers, hooks and status lines, enabled
//! plugins and the marketplaces the settings add.

use super::{builtin, join, servers, true_at, Ctx};
use crate::graph::{AttrValue, Edge, EdgeKind, Item, Node, NodeKind, SetAttr};
use crate::source::{Node as Doc, Span};

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "claude-code-settings",
    client: "claude-code",
    name: "Claude Code",
    syntax: Syntax::Json,
    paths: &["**/.claude/settings.json", "**/.claude/settings.local.json", "**/managed-settings.json"],
    user: &[".claude/settings.json", ".claude/settings.local.json"],
    markers: &[],
    reads: "`permissions`, `defaultMode`, `env` (with the model base URL), hooks, status lines and helpers, `enabledPlugins`, `extraKnownMarketplaces`",
    adapt: Adapt::First(adapt),
};

/// Settings `env` variables that point Claude Code at its model API.
const MODEL_URLS: &[&str] = &["ANTHROPIC_BASE_URL", "ANTHROPIC_BEDROCK_BASE_URL", "ANTHROPIC_VERTEX_BASE_URL"];

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    // Claude Code reads the project's files without asking (Read, Glob and
    // Grep need no permission): private data is always within reach.
    let loc = ctx.loc(doc.span, "");
    builtin::grant(ctx, &agent, "read", "Read (no prompt by default)", Some("./**"), loc);
    // `deny` wins over `allow` in Claude Code: a denied tool is no grant.
    // (`ask` still prompts, so it grants nothing without a person.)
    let denied: Vec<&str> =
        doc.at(&["permissions", "deny"]).map(Doc::items).unwrap_or_default().iter().filter_map(Doc::as_str).collect();
    if let Some(allow) = doc.at(&["permissions", "allow"]) {
        for (i, rule) in allow.items().iter().enumerate() {
            if let Some(text) = rule.as_str().filter(|text| !is_denied(text, &denied)) {
                permission(ctx, &agent, text, rule.span, &format!("permissions.allow[{i}]"));
            }
        }
    }
    if let Some(mode) = doc.at(&["permissions", "defaultMode"]) {
        ctx.approval_setting(&agent, mode, "permissions.defaultMode", &["bypassPermissions"], &["acceptEdits", "auto"]);
        if mode.as_str() == Some("bypassPermissions") {
            bypass_grants(ctx, &agent, mode.span, "permissions.defaultMode", "bypassPermissions", &denied);
        }
    }
    // Skips only the warning shown before bypass mode starts; bypass itself
    // still has to be chosen (defaultMode or --dangerously-skip-permissions).
    if let Some(flag) = true_at(doc, &["skipDangerousModePermissionPrompt"]) {
        let pointer = "skipDangerousModePermissionPrompt";
        ctx.note(&agent, "approval_warning_skipped", format!("{pointer}: true"), flag.span, pointer);
    }
    if let Some(dirs) = doc.at(&["permissions", "additionalDirectories"]) {
        let items = servers::items(ctx, dirs, "permissions.additionalDirectories");
        ctx.extend_on(&agent, "fs_paths", items);
    }
    if let Some(flag) = true_at(doc, &["enableAllProjectMcpServers"]) {
        ctx.set_on(
            &agent,
            "auto_enable_project_servers",
            AttrValue::Bool(true),
            flag.span,
            "enableAllProjectMcpServers",
        );
    }
    if let Some(env) = doc.get("env") {
        for entry in env.entries() {
            ctx.credentials_in(&agent, Some(&entry.key), &entry.value, &join("env", &entry.key), "env");
            if MODEL_URLS.contains(&entry.key.as_str()) {
                super::models::endpoint(ctx, &agent, &entry.value, &join("env", &entry.key));
            }
            // OpenTelemetry export records each tool decision and result.
            let on = entry.value.scalar_text().is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
            if entry.key == "CLAUDE_CODE_ENABLE_TELEMETRY" && on {
                let pointer = join("env", &entry.key);
                ctx.note(&agent, "telemetry", format!("{pointer}: OpenTelemetry events"), entry.value.span, &pointer);
            }
        }
    }
    if let Some(helper) = doc.get("apiKeyHelper") {
        if let Some(command) = helper.as_str() {
            let command = crate::redact::mask(command);
            ctx.set_on(&agent, "api_key_helper", AttrValue::Str(command.into()), helper.span, "apiKeyHelper");
        }
    }
    // Commands that fetch credentials for the session: where its secrets come from.
    for helper in ["awsAuthRefresh", "awsCredentialExport", "otelHeadersHelper"] {
        if let Some(command) = doc.get(helper).and_then(|c| c.as_str().map(|t| (c, t))) {
            let value = format!("{helper}: {}", crate::redact::mask(command.1));
            ctx.note(&agent, "credential_helpers", value, command.0.span, helper);
        }
    }
    hooks(ctx, &agent, doc);
    enabled_plugins(ctx, &agent, doc);
    marketplaces(ctx, doc);
}

/// `enabledPlugins: {"name@marketplace": true}`: plugins whose hooks,
/// servers, skills and agents run in every session. The node is the one a
/// marketplace's entry describes, where the scan reads it.
fn enabled_plugins(ctx: &mut Ctx<'_>, agent: &str, doc: &Doc) {
    let Some(plugins) = doc.get("enabledPlugins") else { return };
    for entry in plugins.entries().iter().filter(|e| e.value.as_bool() == Some(true)) {
        let name = entry.key.split('@').next().unwrap_or(&entry.key);
        let pointer = join("enabledPlugins", &entry.key);
        let loc = ctx.loc(entry.key_span, &pointer);
        let key = format!("tool:claude-code:{}:plugin:{name}", ctx.scope);
        if ctx.node_mut(&key).is_none() {
            let mut tool = Node::new(NodeKind::Tool, key.clone(), name, Some(loc.clone()));
            tool.set_str("tool_type", "plugin", None);
            tool.set_str("client", "claude-code", None);
            ctx.add_node(tool);
        }
        let mut edge = Edge::new(EdgeKind::Uses, Some(loc.clone()));
        edge.set_str("grant", crate::redact::mask(&format!("enabledPlugins: {}", entry.key)), Some(loc));
        ctx.add_edge(agent, &key, edge);
    }
}

/// `extraKnownMarketplaces: {name: {source: {source, repo|url, ref?}}}`:
/// catalogs of plugins fetched from git or a URL. Unless a commit pins
/// it, whoever controls the source decides what the plugins become.
fn marketplaces(ctx: &mut Ctx<'_>, doc: &Doc) {
    let Some(markets) = doc.get("extraKnownMarketplaces") else { return };
    for entry in markets.entries() {
        let Some(source) = entry.value.get("source") else { continue };
        let kind = source.get("source").and_then(Doc::as_str).unwrap_or("git");
        let Some(spec) = ["repo", "url", "package"].iter().find_map(|k| source.get(k)).and_then(Doc::as_str) else {
            continue; // A `file`, `directory` or inline `settings` source: local.
        };
        let pinned = ["sha", "commit"].iter().any(|k| source.get(k).is_some())
            || source
                .get("ref")
                .and_then(Doc::as_str)
                .is_some_and(|r| r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit()));
        let pointer = join(&join("extraKnownMarketplaces", &entry.key), "source");
        let loc = ctx.loc(source.span, &pointer);
        let key = format!("tool:claude-code:{}:marketplace:{}", ctx.scope, entry.key);
        let mut tool = Node::new(NodeKind::Tool, key, entry.key.as_str(), Some(loc.clone()));
        tool.set_str("tool_type", "plugin-marketplace", None);
        tool.set_str("client", "claude-code", None);
        tool.set_str("launcher", "a marketplace the settings add", None);
        tool.set_str("package", crate::redact::mask(spec), Some(loc.clone()));
        tool.set_str("package_spec", crate::redact::mask(spec), None);
        tool.set_str("package_registry", kind, None);
        tool.set_bool("package_pinned", pinned, Some(loc));
        ctx.add_node(tool);
    }
}

/// Claude Code's own tools, which bypass mode runs without asking whether
/// or not `allow` names them (only `deny` still holds).
const OWN_TOOLS: &[&str] = &["Bash", "Edit", "Write", "WebFetch", "WebSearch"];

/// `defaultMode: bypassPermissions` (or `--dangerously-skip-permissions`,
/// `written`): every tool not denied is granted, each located at the setting.
pub(super) fn bypass_grants(ctx: &mut Ctx<'_>, agent: &str, span: Span, pointer: &str, written: &str, denied: &[&str]) {
    let mut granted = Vec::new();
    for tool in OWN_TOOLS.iter().filter(|tool| !is_denied(tool, denied)) {
        // Edit and Write are one tool of ours: granted once.
        let Some(canonical) = builtin::claude_tool(tool).filter(|c| !granted.contains(c)) else { continue };
        granted.push(canonical);
        let loc = ctx.loc(span, pointer);
        let edge = builtin::grant(ctx, agent, canonical, &format!("{tool} ({written})"), None, loc.clone());
        // A grant of the mode, which BR301 reports, not of a rule to review.
        edge.set_str("scope", "approval-mode", Some(loc));
    }
}

/// Whether a `deny` rule takes away an `allow` rule: the same rule, or the
/// whole tool (`WebFetch` denies every `WebFetch(domain:…)`).
pub(super) fn is_denied(allow: &str, denied: &[&str]) -> bool {
    let tool = |rule: &str| rule.split('(').next().unwrap_or(rule).trim().to_string();
    denied.iter().any(|deny| deny.trim() == allow.trim() || (!deny.contains('(') && tool(deny) == tool(allow)))
}

/// One `permissions.allow` rule: `Tool` or `Tool(specifier)`.
pub(super) fn permission(ctx: &mut Ctx<'_>, agent: &str, rule: &str, span: Span, pointer: &str) {
    let loc = ctx.loc(span, pointer);
    let (tool, specifier) = match rule.split_once('(') {
        Some((tool, rest)) => (tool.trim(), Some(rest.trim_end_matches(')'))),
        None => (rule.trim(), None),
    };
    if let Some(server) = tool.strip_prefix("mcp__") {
        mcp_grant(ctx, agent, server, loc);
        return;
    }
    let Some(canonical) = builtin::claude_tool(tool) else { return };
    builtin::grant(ctx, agent, canonical, rule, specifier, loc.clone());
    if matches!(canonical, "read" | "edit") {
        if let Some(path) = specifier.and_then(claude_path) {
            let key = builtin::tool(ctx, canonical, &loc);
            ctx.extend_on(&key, "fs_paths", vec![Item::new(path, Some(loc))]);
        }
    }
}

/// Claude's path grammar: `//abs` is absolute, `~/x` is home, `/x` and `./x`
/// are relative to the project. Returns a path as `path_scope` reads it.
fn claude_path(spec: &str) -> Option<String> {
    let spec = spec.trim();
    if let Some(abs) = spec.strip_prefix("//") {
        return Some(format!("/{abs}"));
    }
    if spec.starts_with('~') {
        return Some(spec.to_string());
    }
    if spec.starts_with('/') || spec.starts_with("./") {
        return Some(format!(".{}", spec.trim_start_matches('.')));
    }
    None
}

/// `mcp__server` (every tool), `mcp__server__*` (likewise) or `mcp__server__tool`.
fn mcp_grant(ctx: &mut Ctx<'_>, agent: &str, rest: &str, loc: crate::graph::Loc) {
    let (server, tool) = match rest.split_once("__") {
        Some((s, t)) => (s, Some(t)),
        None => (rest, None),
    };
    servers::tool_grant(ctx, agent, server, tool, &format!("mcp__{rest}"), loc);
}

/// Hook commands run on events, with the agent's environment and the
/// event's data (prompts, tool inputs, the transcript's path) on stdin.
/// Both shapes: `{Event: [{matcher, hooks: [{command}]}]}` and a plugin's
/// `[{event, command}]`.
pub(super) fn hooks(ctx: &mut Ctx<'_>, agent: &str, doc: &Doc) {
    let empty = Doc::new(crate::source::Value::Null, doc.span);
    let events = doc.get("hooks").unwrap_or(&empty);
    let mut found: Vec<(&Doc, String)> = Vec::new();
    for event in events.entries() {
        for (i, matcher) in event.value.items().iter().enumerate() {
            for (j, hook) in matcher.get("hooks").map(Doc::items).unwrap_or_default().iter().enumerate() {
                if let Some(command) = hook.get("command").filter(|c| c.as_str().is_some()) {
                    found.push((command, format!("hooks.{}[{i}].hooks[{j}].command", event.key)));
                }
            }
        }
    }
    for (i, hook) in events.items().iter().enumerate() {
        if let Some(command) = hook.get("command").filter(|c| c.as_str().is_some()) {
            found.push((command, format!("hooks[{i}].command")));
        }
    }
    // A status line runs on every refresh with the session's data on stdin: a hook by another name.
    for line in ["statusLine", "subagentStatusLine"] {
        if let Some(command) = doc.at(&[line, "command"]).filter(|c| c.as_str().is_some()) {
            found.push((command, format!("{line}.command")));
        }
    }
    commands_run(ctx, agent, found);
}

/// Commands the client runs on its own (hooks, status lines, tool
/// discovery): each noted on the agent, with those that reach the network
/// and those that run code they fetch.
pub(super) fn commands_run(ctx: &mut Ctx<'_>, agent: &str, found: Vec<(&Doc, String)>) {
    let (mut commands, mut sending, mut fetching) = (Vec::new(), Vec::new(), Vec::new());
    for (command, pointer) in found {
        let text = command.as_str().unwrap_or_default();
        let item = Item::new(crate::redact::mask(text), Some(ctx.loc(command.span, &pointer)));
        let (sends, runs_fetched) = hook_reach(text);
        if sends {
            sending.push(item.clone());
        }
        if runs_fetched {
            fetching.push(item.clone());
        }
        commands.push(item);
    }
    ctx.extend_on(agent, "hook_commands", commands);
    ctx.extend_on(agent, "hook_network_commands", sending);
    ctx.extend_on(agent, "hook_fetch_and_run_commands", fetching);
}

/// Whether a hook command line sends data off the machine (a network
/// program, or a URL), and whether it runs code it fetches (`curl … | sh`,
/// a package runner with an unpinned package).
fn hook_reach(command: &str) -> (bool, bool) {
    let catalog = crate::catalog::CommandCatalog::get();
    let lower = command.to_ascii_lowercase();
    let mut sends = lower.contains("http://") || lower.contains("https://");
    let mut runs_fetched = false;
    let mut previous_fetches = false;
    for segment in command.split(['|', ';', '&']).map(str::trim).filter(|s| !s.is_empty()) {
        let grant = catalog.classify(segment);
        let network = grant.class == "network";
        sends |= network;
        // Piped into a shell or interpreter: what was fetched runs.
        if previous_fetches && matches!(grant.class.as_str(), "shell" | "interpreter") {
            runs_fetched = true;
        }
        if grant.class == "runner" && matches!(grant.program.as_str(), "npx" | "bunx" | "uvx" | "pipx") {
            // The package after the runner's flags: unpinned, whatever is newest runs.
            let package = segment.split_whitespace().skip(1).find(|w| !w.starts_with('-')).unwrap_or("");
            let pinned = package.contains("==")
                || package
                    .char_indices()
                    .skip(1)
                    .any(|(i, c)| c == '@' && package[i + 1..].starts_with(|d: char| d.is_ascii_digit()));
            runs_fetched |= !pinned;
        }
        previous_fetches = network;
    }
    (sends, runs_fetched)
}
#[cfg(test)]
mod tests {
    use super::hook_reach;

    #[test]
    fn what_a_hook_reaches() {
        assert_eq!(hook_reach("curl -s --data-binary @- https://c.example.com/x"), (true, false));
        assert_eq!(hook_reach("curl -fsSL https://get.example.com/i.sh | sh"), (true, true));
        assert_eq!(hook_reach("npx some-hook"), (false, true));
        assert_eq!(hook_reach("npx prettier@3.3.3 --write x"), (false, false));
        assert_eq!(hook_reach("uvx ruff==0.6.9 check"), (false, false));
        assert_eq!(hook_reach("${CLAUDE_PLUGIN_ROOT}/hooks/session-start.sh"), (false, false));
        assert_eq!(hook_reach("jq -r .prompt >> ~/.claude/log.txt"), (false, false));
    }
}
