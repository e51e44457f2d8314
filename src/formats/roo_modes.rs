//! Roo Code custom modes: a project's `.roomodes` (YAML or JSON) and the
//! global `custom_modes.yaml` (research/formats-2.md §6.2). Each mode in
//! `customModes` is an agent the Orchestrator hands work to (`new_task`),
//! with the tool groups it may use: `read`, `edit` (limited by `fileRegex`
//! when written as `["edit", {fileRegex}]`), `command`, `browser`, `mcp`.
//! Roo still asks before each use unless the editor's auto-approve settings
//! say otherwise, so a group is what a mode can reach, not an approval. A
//! regex limits only `edit`: a mode with `command` writes any file through
//! the shell. `roleDefinition`, `whenToUse` and `customInstructions` are
//! instructions the mode's model follows.

use super::registry::{Adapt, FormatSpec};
use super::{builtin, instructions, servers, Ctx};
use crate::catalog::Reader;
use crate::graph::{AttrValue, Edge, EdgeKind, Loc, SetAttr};
use crate::source::{Node as Doc, Syntax};

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "roo-modes",
    client: "roo-code",
    name: "Roo Code custom modes",
    // YAML reads the JSON form of `.roomodes` too.
    syntax: Syntax::Yaml,
    paths: &["**/.roomodes", "**/rooveterinaryinc.roo-cline/settings/custom_modes.{yaml,json}"],
    user: &[
        "Library/Application Support/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/custom_modes.yaml",
        ".config/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/custom_modes.yaml",
        "AppData/Roaming/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/custom_modes.yaml",
    ],
    markers: &[],
    reads: "`customModes[]`: tool `groups` (`edit` limited by `fileRegex`), instructions; the Orchestrator delegates to each",
    adapt: Adapt::First(adapt),
};

/// Roo's built-in modes: a custom mode with one of these slugs replaces it.
const BUILT_IN: &[&str] = &["code", "debug", "ask", "architect", "orchestrator"];

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let host = ctx.host_agent(doc);
    let Some(modes) = doc.get("customModes") else { return };
    // The host stands for the built-in modes, Code among them: every group.
    let loc = ctx.loc(modes.span, "customModes");
    for name in ["read", "edit", "command", "browser", "mcp"] {
        available(ctx, &host, name, None, &format!("built-in modes: {name}"), loc.clone());
    }
    for (i, mode) in modes.items().iter().enumerate() {
        let Some(slug_node) = mode.get("slug") else { continue };
        let slug = slug_node.scalar_text().unwrap_or_default();
        let pointer = format!("customModes[{i}]");
        let loc = ctx.loc(slug_node.span, &format!("{pointer}.slug"));
        let key = format!("agent:roo-code:{}:mode:{slug}", ctx.scope);
        let name = mode.get("name").and_then(Doc::as_str).unwrap_or(&slug).to_string();
        ctx.add_sub_agent(&key, &name, "roo-mode", &loc, mode);
        if BUILT_IN.contains(&slug.as_str()) {
            ctx.set_on(&key, "replaces_builtin", AttrValue::Bool(true), slug_node.span, &format!("{pointer}.slug"));
        }
        let mut edge = Edge::new(EdgeKind::DelegatesTo, Some(loc));
        edge.set_str("via", "new_task", None);
        ctx.add_edge(&host, &key, edge);
        for field in ["roleDefinition", "whenToUse", "customInstructions"] {
            if let Some(text) = mode.get(field) {
                instructions::in_text(ctx, &key, text, &format!("{pointer}.{field}"), Reader::Instructions);
            }
        }
        for (j, group) in mode.get("groups").map(Doc::items).unwrap_or_default().iter().enumerate() {
            self::group(ctx, &key, group, &format!("{pointer}.groups[{j}]"));
        }
    }
}

/// One entry of `groups`: a name, or `[name, {fileRegex, description}]`.
fn group(ctx: &mut Ctx<'_>, agent: &str, group: &Doc, pointer: &str) {
    let (name_node, options) = match group.items() {
        [name, options, ..] => (name, Some(options)),
        [name] => (name, None),
        [] => (group, None),
    };
    let Some(name) = name_node.as_str() else { return };
    let regex = options.and_then(|o| o.get("fileRegex")).and_then(Doc::as_str);
    let loc = ctx.loc(group.span, pointer);
    let written = match regex {
        Some(regex) => format!("groups: {name} (fileRegex {regex})"),
        None => format!("groups: {name}"),
    };
    available(ctx, agent, name, regex, &written, loc);
}

/// A tool group the agent can use. Roo asks before each use unless the
/// editor's auto-approve settings say otherwise: no approval is granted here.
fn available(ctx: &mut Ctx<'_>, agent: &str, group: &str, regex: Option<&str>, written: &str, loc: Loc) {
    let target = match group {
        "read" => builtin::tool(ctx, "read", &loc),
        "edit" => builtin::tool(ctx, "edit", &loc),
        "command" => builtin::tool(ctx, "shell", &loc),
        "browser" => builtin::tool(ctx, "web-fetch", &loc),
        "mcp" => servers::wildcard(ctx, &loc),
        _ => return,
    };
    let mut edge = Edge::new(EdgeKind::Uses, Some(loc.clone()));
    edge.set_str("grant", crate::redact::mask(written), Some(loc.clone()));
    edge.set_str("auto_approve", "none", None);
    if regex.is_some() {
        edge.set_str("scope", "restricted", Some(loc));
    }
    ctx.add_edge(agent, &target, edge);
}
