//! opencode (`opencode.json`, `opencode.jsonc`): `mcp` servers (local
//! command arrays, remote URLs) and `permission`. opencode allows almost
//! everything unless told otherwise, so a missing `permission`, a missing
//! key or a `bash` map without a `*` pattern leaves that tool running
//! without a prompt; every MCP tool is allowed the same way.

use super::registry::{Adapt, FormatSpec};
use super::{builtin, servers, Ctx};
use crate::source::{Entry, Node as Doc, Span, Syntax, Value};

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "opencode",
    client: "opencode",
    name: "opencode",
    syntax: Syntax::Json,
    paths: &["**/opencode.json", "**/opencode.jsonc", "**/.opencode/opencode.json", "**/.opencode/opencode.jsonc"],
    user: &[".config/opencode/opencode.json", ".config/opencode/opencode.jsonc"],
    markers: &[],
    reads: "`mcp` servers, `permission` (bash patterns through the command classifier; allow by default), MCP tools",
    adapt: Adapt::First(adapt),
};

/// Built-in permission keys → our built-in tools.
const KEYS: &[(&str, &str)] = &[("bash", "shell"), ("edit", "edit"), ("webfetch", "web-fetch"), ("read", "read")];

pub fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    let permission = doc.get("permission");
    let global = match permission.map(|p| &p.value) {
        Some(Value::String(s)) => s.as_str(),
        _ => permission.and_then(|p| p.get("*")).and_then(Doc::as_str).unwrap_or("allow"),
    };
    for &(key, canonical) in KEYS {
        let setting = permission.filter(|p| p.is_object()).and_then(|p| p.entry(key));
        match setting {
            None if global == "allow" => {
                let span = permission.map_or(Span::new(doc.span.start, doc.span.start), |p| p.span);
                let loc = ctx.loc(span, "permission");
                builtin::grant(ctx, &agent, canonical, &format!("{key}: allow (opencode's default)"), None, loc);
            }
            None => {}
            Some(entry) => match &entry.value.value {
                Value::String(action) if action == "allow" => {
                    let loc = ctx.loc(entry.value.span, &format!("permission.{key}"));
                    builtin::grant(ctx, &agent, canonical, &format!("{key}: allow"), None, loc);
                }
                Value::Object(patterns) => patterned(ctx, &agent, key, canonical, entry, patterns, global),
                _ => {}
            },
        }
    }
    let Some(mcp) = doc.get("mcp") else { return };
    for entry in mcp.entries().iter().filter(|e| e.value.is_object()) {
        let server = as_server(&entry.value);
        let pointer = format!("mcp.{}", entry.key);
        servers::describe(ctx, &agent, &entry.key, entry.key_span, &server, &pointer);
        // MCP tools are permission keys `<server>_<tool>`; allowed unless denied.
        let prefix = format!("{}_", entry.key);
        let denied =
            permission.map(Doc::entries).unwrap_or_default().iter().any(|p| {
                (p.key == format!("{prefix}*") || p.key == "*") && p.value.as_str().is_some_and(|a| a != "allow")
            }) || doc
                .get("tools")
                .map(Doc::entries)
                .unwrap_or_default()
                .iter()
                .any(|t| t.key == format!("{prefix}*") && t.value.as_bool() == Some(false))
                || (global != "allow" && permission.and_then(|p| p.get(&format!("{prefix}*"))).is_none());
        if !denied {
            let loc = ctx.loc(entry.key_span, &pointer);
            servers::tool_grant(ctx, &agent, &entry.key, None, &format!("{prefix}* (allowed by default)"), loc);
        }
    }
}

/// `"bash": { "*": "ask", "git status *": "allow", … }`: each allowed pattern
/// is a grant; no `*` pattern leaves every other command at the global default.
fn patterned(
    ctx: &mut Ctx<'_>,
    agent: &str,
    key: &str,
    canonical: &str,
    entry: &Entry,
    patterns: &[Entry],
    global: &str,
) {
    let fallback = patterns.iter().find(|p| p.key == "*").and_then(|p| p.value.as_str()).unwrap_or(global);
    if fallback == "allow" {
        let span = patterns.iter().find(|p| p.key == "*").map_or(entry.key_span, |p| p.value.span);
        let loc = ctx.loc(span, &format!("permission.{key}"));
        let text = if patterns.iter().any(|p| p.key == "*") {
            format!("{key}: * allow")
        } else {
            format!("{key}: any other command, allowed by default")
        };
        builtin::grant(ctx, agent, canonical, &text, None, loc);
    }
    for pattern in patterns.iter().filter(|p| p.key != "*" && p.value.as_str() == Some("allow")) {
        let loc = ctx.loc(pattern.key_span, &format!("permission.{key}.{}", pattern.key));
        let rule = format!("{key}: {}", pattern.key);
        builtin::grant(ctx, agent, canonical, &rule, Some(pattern.key.as_str()), loc);
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
