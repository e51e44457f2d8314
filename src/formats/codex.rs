//! OpenAI Codex CLI `config.toml`: approval policy, sandbox mode (also per
//! profile), workspace-write options, the shell environment policy,
//! `[mcp_servers.*]` and model providers' keys.

use super::{join, mcp_servers, Ctx};
use crate::graph::{Item, SetAttr};
use crate::source::Node as Doc;

pub fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    policies(ctx, &agent, doc, "");
    if let Some(profiles) = doc.get("profiles") {
        for profile in profiles.entries() {
            policies(ctx, &agent, &profile.value, &join("profiles", &profile.key));
        }
    }
    if let Some(ws) = doc.get("sandbox_workspace_write") {
        if let Some(net) = ws.get("network_access").filter(|n| n.as_bool() == Some(true)) {
            let loc = ctx.loc(net.span, "sandbox_workspace_write.network_access");
            if let Some(node) = ctx.node_mut(&agent) {
                node.set_bool("sandbox_network_access", true, Some(loc));
            }
        }
        if let Some(roots) = ws.get("writable_roots") {
            let items = super::servers::items(ctx, roots, "sandbox_workspace_write.writable_roots");
            if let Some(node) = ctx.node_mut(&agent) {
                for item in items {
                    node.push_item("fs_paths", item);
                }
            }
        }
    }
    if let Some(policy) = doc.get("shell_environment_policy") {
        if let Some(flag) = policy
            .get("ignore_default_excludes")
            .filter(|f| f.as_bool() == Some(true))
        {
            let loc = ctx.loc(flag.span, "shell_environment_policy.ignore_default_excludes");
            if let Some(node) = ctx.node_mut(&agent) {
                node.set_bool("shell_env_secrets_passed", true, Some(loc));
            }
        }
        if let Some(set) = policy.get("set") {
            for entry in set.entries() {
                let p = join("shell_environment_policy.set", &entry.key);
                ctx.credentials_in(&agent, Some(&entry.key), &entry.value, &p, "env");
            }
        }
    }
    mcp_servers::describe_map(ctx, &agent, doc, "mcp_servers");
    if let Some(providers) = doc.get("model_providers") {
        for provider in providers.entries() {
            let base = join("model_providers", &provider.key);
            if let Some(headers) = provider.value.get("http_headers") {
                for entry in headers.entries() {
                    let p = join(&join(&base, "http_headers"), &entry.key);
                    ctx.credentials_in(&agent, Some(&entry.key), &entry.value, &p, "header");
                }
            }
        }
    }
}

/// `approval_policy` and `sandbox_mode`, at the top level or in a profile.
fn policies(ctx: &mut Ctx<'_>, agent: &str, table: &Doc, prefix: &str) {
    if let Some(policy) = table.get("approval_policy") {
        if let Some(value) = policy.as_str() {
            let pointer = join(prefix, "approval_policy");
            let loc = ctx.loc(policy.span, &pointer);
            let setting = format!("{pointer} = \"{value}\"");
            if let Some(node) = ctx.node_mut(agent) {
                if prefix.is_empty() {
                    node.set_str("approval_mode", value, Some(loc.clone()));
                }
                if value == "never" {
                    node.push_item(
                        "approval_bypass",
                        Item {
                            value: setting,
                            loc: Some(loc),
                        },
                    );
                }
            }
        }
    }
    if let Some(mode) = table.get("sandbox_mode") {
        if let Some(value) = mode.as_str() {
            let pointer = join(prefix, "sandbox_mode");
            let loc = ctx.loc(mode.span, &pointer);
            let setting = format!("{pointer} = \"{value}\"");
            if let Some(node) = ctx.node_mut(agent) {
                if prefix.is_empty() {
                    node.set_str("sandbox_mode", value, Some(loc.clone()));
                }
                if value == "danger-full-access" {
                    node.push_item(
                        "sandbox_disabled",
                        Item {
                            value: setting,
                            loc: Some(loc),
                        },
                    );
                }
            }
        }
    }
}
