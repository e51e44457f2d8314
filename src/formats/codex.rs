//! OpenAI Codex CLI `config.toml`: approval policy, sandbox mode (also per
//! profile), workspace-write options, the shell environment policy,
//! `[mcp_servers.*]` and model providers' keys.

use super::{join, mcp_servers, servers, true_at, Ctx};
use crate::graph::path_scope;
use crate::graph::AttrValue;
use crate::source::Node as Doc;

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "codex",
    client: "codex",
    name: "Codex CLI",
    syntax: Syntax::Toml,
    paths: &["**/.codex/config.toml", "**/codex/config.toml"],
    user: &[".codex/config.toml"],
    markers: &[],
    reads: "`mcp_servers`, `approval_policy`, `sandbox_mode`, profiles, `model_providers` base URLs; also any `config.toml` holding them",
    adapt: Adapt::First(adapt),
};

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    policies(ctx, &agent, doc, "");
    if let Some(profiles) = doc.get("profiles") {
        for profile in profiles.entries() {
            policies(ctx, &agent, &profile.value, &join("profiles", &profile.key));
        }
    }
    if let Some(net) = true_at(doc, &["sandbox_workspace_write", "network_access"]) {
        let pointer = "sandbox_workspace_write.network_access";
        ctx.set_on(&agent, "sandbox_network_access", AttrValue::Bool(true), net.span, pointer);
        // The network proxy limits sandboxed commands to its allowed domains.
        if true_at(doc, &["features", "network_proxy", "enabled"]).is_none() {
            ctx.note(&agent, "sandbox_network_open", format!("{pointer} = true"), net.span, pointer);
        }
    }
    trusted_projects(ctx, &agent, doc);
    approved_app_tools(ctx, &agent, doc);
    // `[otel]` with an exporter logs each tool decision and result.
    if let Some(exporter) = doc.at(&["otel", "exporter"]) {
        if exporter.as_str() != Some("none") {
            ctx.note(&agent, "telemetry", "otel.exporter: OpenTelemetry events", exporter.span, "otel.exporter");
        }
    }
    if let Some(roots) = doc.at(&["sandbox_workspace_write", "writable_roots"]) {
        let items = servers::items(ctx, roots, "sandbox_workspace_write.writable_roots");
        ctx.extend_on(&agent, "fs_paths", items);
    }
    if let Some(flag) = true_at(doc, &["shell_environment_policy", "ignore_default_excludes"]) {
        let pointer = "shell_environment_policy.ignore_default_excludes";
        ctx.set_on(&agent, "shell_env_secrets_passed", AttrValue::Bool(true), flag.span, pointer);
    }
    if let Some(set) = doc.at(&["shell_environment_policy", "set"]) {
        for entry in set.entries() {
            let pointer = join("shell_environment_policy.set", &entry.key);
            ctx.credentials_in(&agent, Some(&entry.key), &entry.value, &pointer, "env");
        }
    }
    mcp_servers::describe_map(ctx, &agent, doc, "mcp_servers");
    if let Some(providers) = doc.get("model_providers") {
        for provider in providers.entries() {
            if let Some(url) = provider.value.get("base_url") {
                let pointer = join(&join("model_providers", &provider.key), "base_url");
                super::models::endpoint(ctx, &agent, url, &pointer);
            }
            let base = join(&join("model_providers", &provider.key), "http_headers");
            for entry in provider.value.get("http_headers").map(Doc::entries).unwrap_or_default() {
                ctx.credentials_in(&agent, Some(&entry.key), &entry.value, &join(&base, &entry.key), "header");
            }
        }
    }
}

/// `[projects."<path>"] trust_level = "trusted"` for the home directory or
/// the filesystem root: every repository below it is trusted, so its own
/// `.codex/config.toml` (servers, approval policy) loads without a prompt.
fn trusted_projects(ctx: &mut Ctx<'_>, agent: &str, doc: &Doc) {
    for project in doc.get("projects").map(Doc::entries).unwrap_or_default() {
        let Some(level) = project.value.get("trust_level") else { continue };
        if level.as_str() != Some("trusted") || !matches!(path_scope(&project.key), "home" | "root") {
            continue;
        }
        let pointer = join(&join("projects", &project.key), "trust_level");
        ctx.note(agent, "trusted_broad_roots", format!("projects.\"{}\"", project.key), level.span, &pointer);
    }
}

/// `[apps.<connector>.tools.<tool>] approval_mode = "approve"`: a connector's
/// tool that runs without asking.
fn approved_app_tools(ctx: &mut Ctx<'_>, agent: &str, doc: &Doc) {
    for app in doc.get("apps").map(Doc::entries).unwrap_or_default() {
        for tool in app.value.get("tools").map(Doc::entries).unwrap_or_default() {
            let Some(mode) = tool.value.get("approval_mode") else { continue };
            if mode.as_str() != Some("approve") {
                continue;
            }
            let pointer = join(&join(&join(&join("apps", &app.key), "tools"), &tool.key), "approval_mode");
            let loc = ctx.loc(mode.span, &pointer);
            let grant = format!("apps.{}.tools.{}", app.key, tool.key);
            servers::tool_grant(ctx, agent, &app.key, Some(&tool.key), &grant, loc);
        }
    }
}

/// `approval_policy` and `sandbox_mode`, at the top level or in a profile.
fn policies(ctx: &mut Ctx<'_>, agent: &str, table: &Doc, prefix: &str) {
    for (key, mode_attr, unsafe_value, list) in [
        ("approval_policy", "approval_mode", "never", "approval_bypass"),
        ("sandbox_mode", "sandbox_mode", "danger-full-access", "sandbox_disabled"),
    ] {
        let Some(node) = table.get(key) else { continue };
        let Some(value) = node.as_str() else { continue };
        let pointer = join(prefix, key);
        if prefix.is_empty() {
            ctx.set_on(agent, mode_attr, AttrValue::Str(value.into()), node.span, &pointer);
        }
        if value == unsafe_value {
            ctx.note(agent, list, format!("{pointer} = \"{value}\""), node.span, &pointer);
        }
    }
}
