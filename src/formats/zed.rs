//! Zed `settings.json` (JSONC): `context_servers`, extension `settings` that
//! often hold literal tokens, and the agent's tool-approval switch.

use super::{join, servers, Ctx};
use crate::source::Node as Doc;

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "zed",
    client: "zed",
    name: "Zed",
    syntax: Syntax::Json,
    paths: &["**/.zed/settings.json", "**/zed/settings.json"],
    user: &[".config/zed/settings.json"],
    markers: &["\"context_servers\""],
    reads: "`context_servers`",
    adapt: Adapt::First(adapt),
};

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    if let Some(map) = doc.get("context_servers") {
        for entry in map.entries() {
            if !entry.value.is_object() {
                continue;
            }
            let pointer = join("context_servers", &entry.key);
            let tool = servers::describe(ctx, &agent, &entry.key, entry.key_span, &entry.value, &pointer);
            if let Some(settings) = entry.value.get("settings") {
                for setting in settings.entries() {
                    let p = join(&join(&pointer, "settings"), &setting.key);
                    ctx.credentials_in(&tool, Some(&setting.key), &setting.value, &p, "setting");
                }
            }
        }
    }
    if let Some(flag) = doc.at(&["agent", "always_allow_tool_actions"]) {
        ctx.approval_setting(&agent, flag, "agent.always_allow_tool_actions", &["true"], &[]);
    }
}
