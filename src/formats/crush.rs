//! Crush (`crush.json`, `.crush.json`; Charm): `mcp` servers, the tools
//! `permissions.allowed_tools` runs without asking (built-ins and
//! `mcp_<server>_<tool>`), and `providers` keys. Crush treats the file as
//! trusted and asks before any tool it does not list.

use super::registry::{Adapt, FormatSpec};
use super::{builtin, mcp_servers, servers, Ctx};
use crate::source::{Node as Doc, Syntax};

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "crush",
    client: "crush",
    name: "Crush",
    syntax: Syntax::Json,
    paths: &["**/crush.json", "**/.crush.json"],
    user: &[".config/crush/crush.json", "AppData/Local/crush/crush.json"],
    markers: &[],
    reads: "`mcp` servers, `permissions.allowed_tools`, `providers` keys and base URLs",
    adapt: Adapt::First(adapt),
};

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    mcp_servers::describe_map(ctx, &agent, doc, "mcp");
    let servers: Vec<String> =
        doc.get("mcp").map(Doc::entries).unwrap_or_default().iter().map(|e| e.key.clone()).collect();
    if let Some(allowed) = doc.at(&["permissions", "allowed_tools"]) {
        for (i, item) in allowed.items().iter().enumerate() {
            let Some(text) = item.as_str() else { continue };
            let loc = ctx.loc(item.span, &format!("permissions.allowed_tools[{i}]"));
            // `tool` or `tool:action`; MCP tools are `mcp_<server>_<tool>`.
            let tool = text.split(':').next().unwrap_or(text);
            if let Some(rest) = tool.strip_prefix("mcp_") {
                // Server names may hold `_`: the longest declared name that prefixes it.
                let server = servers
                    .iter()
                    .filter(|s| rest == s.as_str() || rest.starts_with(&format!("{s}_")))
                    .max_by_key(|s| s.len())
                    .cloned()
                    .unwrap_or_else(|| rest.split('_').next().unwrap_or(rest).to_string());
                let name =
                    rest.strip_prefix(server.as_str()).map(|t| t.trim_start_matches('_')).filter(|t| !t.is_empty());
                servers::tool_grant(ctx, &agent, &server, name, text, loc);
                continue;
            }
            let canonical = match tool {
                "bash" => "shell",
                "edit" | "multiedit" | "write" => "edit",
                "fetch" | "download" => "web-fetch",
                "view" | "ls" | "grep" | "glob" => "read",
                _ => continue,
            };
            builtin::grant(ctx, &agent, canonical, text, None, loc);
        }
    }
    if let Some(providers) = doc.get("providers") {
        for provider in providers.entries() {
            if let Some(url) = provider.value.get("base_url") {
                super::models::endpoint(ctx, &agent, url, &format!("providers.{}.base_url", provider.key));
            }
            for key in ["api_key", "oauth_client_secret"] {
                if let Some(value) = provider.value.get(key) {
                    let pointer = format!("providers.{}.{key}", provider.key);
                    ctx.credentials_in(&agent, Some(key), value, &pointer, "config");
                }
            }
        }
    }
}
