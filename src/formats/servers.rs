//! One MCP server entry, in any client's dialect, described as a tool node,
//! its credentials and the host's `uses` edge. Dialects differ in a few key
//! names (research/formats.md §0), so one reader takes them all.

use super::{join, launch, secrets, Ctx};
use crate::graph::{Edge, EdgeKind, Item, Loc, Node, NodeKind, SetAttr};
use crate::source::{Node as Doc, Span, Value};

/// Keys naming the remote URL, by dialect: `url` (most), `serverUrl`
/// (Windsurf), `httpUrl` (Gemini), `uri` (Goose).
const URL_KEYS: &[&str] = &["url", "serverUrl", "httpUrl", "uri"];
const ENV_KEYS: &[&str] = &["env", "envs"];
const HEADER_KEYS: &[&str] = &["headers", "http_headers"];
const AUTO_APPROVE_KEYS: &[&str] = &["autoApprove", "alwaysAllow"];
const INCLUDE_KEYS: &[&str] = &["includeTools", "enabled_tools"];
const EXCLUDE_KEYS: &[&str] = &["excludeTools", "disabledTools", "disabled_tools"];

/// Describes the server `name` defined by `node`, used by `agent`.
/// `entry_span` is where the server is named (its key), `pointer` its path.
pub(super) fn describe(
    ctx: &mut Ctx<'_>,
    agent: &str,
    name: &str,
    entry_span: Span,
    node: &Doc,
    pointer: &str,
) -> String {
    let client = ctx.format.client();
    let key = tool_key(ctx, name);
    let entry_loc = ctx.loc(entry_span, pointer);
    let mut tool = Node::new(NodeKind::Tool, key.clone(), name, Some(entry_loc.clone()));
    tool.set_str("client", client, None);
    tool.set_str("tool_type", "mcp-server", None);

    // Zed's older form nests `{path, args, env}` under `command`.
    let nested = node.get("command").filter(|c| c.is_object());
    let command_node = nested.and_then(|c| c.get("path")).or_else(|| node.get("command")).or_else(|| node.get("cmd"));
    let args_node = nested.and_then(|c| c.get("args")).or_else(|| node.get("args"));
    let args_pointer = if nested.is_some() { join(pointer, "command.args") } else { join(pointer, "args") };
    let command = command_node.and_then(Doc::as_str).unwrap_or("").to_string();
    let args: Vec<(&Doc, String)> = args_node
        .map(|a| a.items().iter().filter_map(|n| n.scalar_text().map(|s| (n, s))).collect())
        .unwrap_or_default();

    if let Some(cmd) = command_node.filter(|c| c.as_str().is_some()) {
        tool.set_str("command", crate::redact::mask(&command), Some(ctx.loc(cmd.span, &join(pointer, "command"))));
    }
    let url = URL_KEYS.iter().find_map(|k| node.get(k).map(|n| (*k, n)));
    let transport = node
        .get("type")
        .or_else(|| node.get("transport"))
        .and_then(Doc::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| if url.is_some() && command.is_empty() { "http".into() } else { "stdio".into() });
    tool.set_str("transport", transport, None);
    if let Some((url_key, url_node)) = url {
        set_url(ctx, &mut tool, url_node, &join(pointer, url_key));
    }
    if let Some(cwd) = node.get("cwd").and_then(Doc::as_str) {
        tool.set_str("cwd", cwd, None);
    }
    if let Some(enabled) = enabled(node) {
        let (flag, value) = enabled;
        tool.set_bool("enabled", value, Some(ctx.loc(flag.span, pointer)));
    }
    for (attr, keys) in [("included_tools", INCLUDE_KEYS), ("excluded_tools", EXCLUDE_KEYS)] {
        if let Some((k, list)) = keys.iter().find_map(|k| node.get(k).map(|n| (*k, n))) {
            tool.set_list(attr, items(ctx, list, &join(pointer, k)), Some(ctx.loc(list.span, &join(pointer, k))));
        }
    }

    // Launch: launcher, package, image.
    if !command.is_empty() {
        let arg_text: Vec<String> = args.iter().map(|(_, s)| s.clone()).collect();
        let launched = launch::parse(&command, &arg_text);
        describe_launch(ctx, &mut tool, &launched, &args, &args_pointer);
        path_args(ctx, &mut tool, &args, launched.rest, &args_pointer);
        if let Some(i) = launched.remote_url {
            if let Some((arg_node, _)) = args.get(i) {
                set_url(ctx, &mut tool, arg_node, &format!("{args_pointer}[{i}]"));
                tool.set_str("transport", "stdio-bridge", None);
            }
        }
    }
    ctx.add_node(tool);

    // Credentials: in the URL, env, headers, args, and the env-var names some clients keep.
    if let Some((url_key, url_node)) = url {
        ctx.credentials_in(&key, None, url_node, &join(pointer, url_key), "url");
    }
    for env_key in ENV_KEYS {
        let Some(env) = node.get(env_key).or_else(|| nested.and_then(|c| c.get(env_key))) else {
            continue;
        };
        for entry in env.entries() {
            let p = join(&join(pointer, env_key), &entry.key);
            ctx.credentials_in(&key, Some(&entry.key), &entry.value, &p, "env");
            let upper = entry.key.to_ascii_uppercase();
            if upper.contains("ALLOW") && upper.contains("COMMAND") {
                let loc = Some(ctx.loc(entry.value.span, &p));
                if let (Some(value), Some(tool)) = (entry.value.scalar_text(), ctx.node_mut(&key)) {
                    tool.set_str("allowed_commands", crate::redact::mask(&value), loc);
                }
            }
        }
    }
    for header_key in HEADER_KEYS {
        let Some(headers) = node.get(header_key) else {
            continue;
        };
        for entry in headers.entries() {
            let p = join(&join(pointer, header_key), &entry.key);
            ctx.credentials_in(&key, Some(&entry.key), &entry.value, &p, "header");
        }
    }
    for names_key in ["env_keys", "env_vars"] {
        if let Some(list) = node.get(names_key) {
            for (i, item) in list.items().iter().enumerate() {
                if let Some(name) = item.as_str().filter(|n| crate::redact::is_secret_key(n)) {
                    reference(ctx, &key, name, item.span, &format!("{}[{i}]", join(pointer, names_key)), "env");
                }
            }
        }
    }
    if let Some(var) = node.get("bearer_token_env_var") {
        if let Some(name) = var.as_str() {
            reference(ctx, &key, name, var.span, &join(pointer, "bearer_token_env_var"), "header");
        }
    }
    if let Some(map) = node.get("env_http_headers") {
        for entry in map.entries() {
            if let Some(name) = entry.value.as_str() {
                reference(
                    ctx,
                    &key,
                    name,
                    entry.value.span,
                    &join(&join(pointer, "env_http_headers"), &entry.key),
                    "header",
                );
            }
        }
    }
    if let Some(oauth) = node.get("oauth") {
        for entry in oauth.entries() {
            let p = join(&join(pointer, "oauth"), &entry.key);
            ctx.credentials_in(&key, Some(&entry.key), &entry.value, &p, "setting");
        }
    }
    arg_credentials(ctx, &key, &args, &args_pointer);

    // The host's use of the server, and what it approves without asking.
    let mut edge = Edge::new(EdgeKind::Uses, Some(entry_loc));
    let mut approve = "none";
    if let Some((k, list)) = AUTO_APPROVE_KEYS.iter().find_map(|k| node.get(k).map(|n| (*k, n))) {
        let names = items(ctx, list, &join(pointer, k));
        if !names.is_empty() {
            approve = if names.iter().any(|i| i.value == "*") { "all" } else { "some" };
            let loc = ctx.loc(list.span, &join(pointer, k));
            edge.set_list("auto_approved_tools", names, Some(loc.clone()));
            edge.set_str("auto_approve_source", k, Some(loc));
        }
    }
    if let Some(trust) = node.get("trust").filter(|t| t.as_bool() == Some(true)) {
        approve = "all";
        edge.set_str("auto_approve_source", "trust", Some(ctx.loc(trust.span, &join(pointer, "trust"))));
    }
    edge.set_str(
        "auto_approve",
        approve,
        edge.attrs.get("auto_approve_source").and_then(|a| a.loc.as_deref().cloned()),
    );
    ctx.add_edge(agent, &key, edge);
    key
}

/// A grant of a server's tools without a prompt: every tool (`tool` None or
/// `*`), or the one named. `grant` is the rule as written. A server of `*`
/// (`mcp__*`) is every server the agent runs, now and later.
pub(super) fn tool_grant<'c>(
    ctx: &'c mut Ctx<'_>,
    agent: &str,
    server: &str,
    tool: Option<&str>,
    grant: &str,
    loc: Loc,
) -> &'c mut Edge {
    let key = if server == "*" { wildcard(ctx, &loc) } else { tool_key(ctx, server) };
    let mut edge = Edge::new(EdgeKind::Uses, Some(loc.clone()));
    match tool {
        None | Some("*") => edge.set_str("auto_approve", "all", Some(loc.clone())),
        Some(name) => {
            edge.set_str("auto_approve", "some", Some(loc.clone()));
            let approved = vec![Item::new(name, Some(loc.clone()))];
            // The grant is of this one tool: what it allows narrows to it.
            edge.set_list("tool_names", approved.clone(), None);
            edge.set_list("auto_approved_tools", approved, Some(loc.clone()));
        }
    }
    edge.set_str("grant", crate::redact::mask(grant), Some(loc));
    ctx.add_edge(agent, &key, edge)
}

/// The node standing for every MCP server of the host (`mcp__*`); the
/// enrich stage copies a grant of it to each server the agent runs.
pub(super) fn wildcard(ctx: &mut Ctx<'_>, loc: &Loc) -> String {
    let key = tool_key(ctx, "*");
    if ctx.node_mut(&key).is_none() {
        let mut node = Node::new(NodeKind::Tool, key.clone(), "every MCP server", Some(loc.clone()));
        node.set_str("tool_type", "mcp_wildcard", None);
        node.set_str("capability_source", "unknown", None);
        ctx.add_node(node);
    }
    key
}

pub(super) fn tool_key(ctx: &Ctx<'_>, name: &str) -> String {
    format!("tool:{}:{}:{name}", ctx.format.client(), ctx.scope)
}

/// `disabled: true` or `enabled: false`, with the node that says it.
fn enabled(node: &Doc) -> Option<(&Doc, bool)> {
    if let Some(d) = node.get("disabled") {
        return d.as_bool().map(|b| (d, !b));
    }
    node.get("enabled").and_then(|e| e.as_bool().map(|b| (e, b)))
}

pub(super) fn items(ctx: &Ctx<'_>, list: &Doc, pointer: &str) -> Vec<Item> {
    match &list.value {
        Value::Array(values) => values
            .iter()
            .enumerate()
            .filter_map(|(i, n)| {
                n.scalar_text().map(|value| Item::new(value, Some(ctx.loc(n.span, &format!("{pointer}[{i}]")))))
            })
            .collect(),
        Value::String(s) => s
            .split(',')
            .map(|v| Item::new(v.trim(), Some(ctx.loc(list.span, pointer))))
            .filter(|i| !i.value.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

/// A URL's scheme and host, and where that host is.
pub(super) struct UrlParts {
    pub(super) scheme: String,
    pub(super) host: String,
    pub(super) loopback: bool,
    /// `${input:domain}` and friends: the host is not known until run time.
    pub(super) templated: bool,
    /// A Kubernetes service name resolves only inside its cluster, where
    /// traffic rarely leaves the node network (and a mesh often encrypts it).
    pub(super) cluster: bool,
}

pub(super) fn url_parts(url: &str) -> UrlParts {
    let lower = url.to_ascii_lowercase();
    let (scheme, rest) = lower.split_once("://").unwrap_or(("", &lower));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = if host_port.starts_with('[') {
        host_port.split(']').next().unwrap_or("").trim_start_matches('[').to_string()
    } else {
        host_port.split(':').next().unwrap_or("").to_string()
    };
    let loopback = host == "localhost"
        || host.starts_with("127.")
        || host == "::1"
        || host == "0.0.0.0"
        || host.ends_with(".localhost")
        || host == "host.docker.internal";
    let templated = host.contains("${") || host.contains("{{") || host.contains("{env:") || host.is_empty();
    let cluster = [".svc", ".svc.cluster.local", ".cluster.local"].iter().any(|s| host.ends_with(s));
    UrlParts { scheme: scheme.to_string(), host, loopback, templated, cluster }
}

pub(super) fn set_url(ctx: &mut Ctx<'_>, tool: &mut Node, url_node: &Doc, pointer: &str) {
    let Some(url) = url_node.as_str() else { return };
    let loc = Some(ctx.loc(url_node.span, pointer));
    // Shown in messages and graphs: a password or key in it stays masked.
    tool.set_str("url", crate::redact::mask(url), loc.clone());
    let parts = url_parts(url);
    tool.set_str("url_scheme", parts.scheme, loc.clone());
    tool.set_str("url_host", parts.host, loc.clone());
    tool.set_bool("url_loopback", parts.loopback, loc.clone());
    tool.set_bool("url_cluster_internal", parts.cluster, loc.clone());
    tool.set_bool("url_host_templated", parts.templated, loc);
}

/// A container image the tool runs: its name, the reference as written and
/// how it is pinned (BR603).
pub(super) fn set_image(tool: &mut Node, image: &launch::Image, loc: Option<Loc>) {
    tool.set_str("docker_image", image.name.clone(), loc.clone());
    tool.set_str("docker_image_ref", crate::redact::mask(&image.reference), loc.clone());
    tool.set_str("docker_image_pin", image.pin, loc);
}

fn describe_launch(
    ctx: &Ctx<'_>,
    tool: &mut Node,
    launched: &launch::Launch,
    args: &[(&Doc, String)],
    args_pointer: &str,
) {
    let arg_loc = |i: usize| args.get(i).map(|(n, _)| ctx.loc(n.span, &format!("{args_pointer}[{i}]")));
    tool.set_str("launcher", launched.launcher.clone(), None);
    if let Some(package) = &launched.package {
        let loc = arg_loc(package.arg);
        tool.set_str("package", package.name.clone(), loc.clone());
        tool.set_str("package_registry", package.registry, None);
        if let Some((_, spec)) = args.get(package.arg) {
            tool.set_str("package_spec", crate::redact::mask(spec), None);
        }
        tool.set_str("package_version", package.version.clone().unwrap_or_default(), loc.clone());
        tool.set_bool("package_pinned", package.pinned, loc);
    }
    if let Some(image) = &launched.image {
        set_image(tool, image, arg_loc(image.arg));
    }
    let risks: Vec<Item> = launched.container_risks.iter().map(|(risk, i)| Item::new(*risk, arg_loc(*i))).collect();
    if !risks.is_empty() {
        tool.set_list("container_risks", risks, None);
    }
}

/// Arguments after the program that name directories (for servers that take
/// their allowed roots as arguments).
fn path_args(ctx: &Ctx<'_>, tool: &mut Node, args: &[(&Doc, String)], rest: usize, args_pointer: &str) {
    for (i, (node, arg)) in args.iter().enumerate().skip(rest) {
        let looks_like_path = arg.starts_with('/')
            || arg.starts_with('~')
            || arg.starts_with("$HOME")
            || arg.starts_with("${HOME}")
            || arg.starts_with("%USERPROFILE%")
            || arg.starts_with("${workspaceFolder}")
            || arg == "."
            || arg.starts_with("./")
            || (arg.len() >= 3
                && arg.as_bytes()[1] == b':'
                && (arg.as_bytes()[2] == b'\\' || arg.as_bytes()[2] == b'/'));
        if looks_like_path && !arg.starts_with("--") {
            tool.push_item("path_args", Item::new(arg, Some(ctx.loc(node.span, &format!("{args_pointer}[{i}]")))));
        }
    }
}

fn reference(ctx: &mut Ctx<'_>, owner: &str, name: &str, span: Span, pointer: &str, channel: &str) {
    let fact = secrets::SecretFact {
        storage: secrets::Storage::EnvReference,
        range: 0..0,
        name: Some(name.to_string()),
        provider: "unknown".into(),
        kind: "reference".into(),
        format: "reference".into(),
        lifetime: crate::catalog::Lifetime::Unknown,
        human: false,
        display: format!("${name}"),
        hash: None,
    };
    ctx.add_credential(owner, fact, span, pointer, channel);
}

/// Secrets on the command line: `KEY=value`, `--token value`,
/// `--token=value`, `--header "Authorization: Bearer …"`, and any token.
fn arg_credentials(ctx: &mut Ctx<'_>, owner: &str, args: &[(&Doc, String)], args_pointer: &str) {
    let mut previous: Option<&str> = None;
    for (i, (node, arg)) in args.iter().enumerate() {
        let pointer = format!("{args_pointer}[{i}]");
        let flag = previous.filter(|p| p.starts_with('-'));
        let header = flag.is_some_and(|p| matches!(p, "--header" | "-H" | "--headers"));
        let (key, value_start): (Option<String>, usize) = if header {
            match arg.split_once(':') {
                Some((name, _)) => (Some(name.trim().to_string()), name.len() + 1),
                None => (None, 0),
            }
        } else if let Some(flag) = flag.filter(|f| crate::redact::is_secret_key(f.trim_start_matches('-'))) {
            (Some(flag.trim_start_matches('-').to_string()), 0)
        } else if let Some((name, _)) = arg.split_once('=').filter(|(n, _)| is_assignment_name(n)) {
            (Some(name.trim_start_matches('-').to_string()), name.len() + 1)
        } else {
            (None, 0)
        };
        let value = &arg[value_start.min(arg.len())..];
        let ctx_value = secrets::ValueContext { template: ctx.template, header };
        for mut fact in secrets::describe(key.as_deref(), value, ctx_value) {
            if fact.storage == secrets::Storage::Literal || key.is_some() {
                fact.range = fact.range.start + value_start..fact.range.end + value_start;
                let span = ctx.sub_span(node, arg, fact.range.clone());
                ctx.add_credential(owner, fact, span, &pointer, "argv");
            }
        }
        previous = Some(arg.as_str());
    }
}

fn is_assignment_name(name: &str) -> bool {
    let bare = name.trim_start_matches('-');
    !bare.is_empty() && bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
