//! Google A2A agent cards (`.well-known/agent-card.json`, legacy
//! `agent.json`): a remote agent, its URL, skills and how callers must
//! authenticate (`securitySchemes` + `security`, v1 `securityRequirements`,
//! or the pre-0.2 `authentication.schemes`).

use super::{servers, Ctx};
use crate::graph::{Item, Node, NodeKind, SetAttr};
use crate::source::Node as Doc;

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "a2a",
    client: "a2a",
    name: "A2A agent cards",
    syntax: Syntax::Json,
    paths: &["**/agent-card.json", "**/agent_card.json", "**/.well-known/agent.json"],
    user: &[],
    markers: &["\"skills\""],
    reads: "`url`, `securitySchemes`, `skills`",
    adapt: Adapt::First(adapt),
};

pub(super) fn sniff(doc: &Doc) -> bool {
    doc.get("skills").is_some()
        && (doc.get("url").is_some() || doc.get("supportedInterfaces").is_some())
        && doc.get("name").is_some()
}

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let name = doc.get("name").and_then(Doc::as_str).unwrap_or("agent").to_string();
    let url_node =
        doc.get("url").or_else(|| doc.get("supportedInterfaces").and_then(|i| i.items().first()?.get("url")));
    let identity = url_node.and_then(Doc::as_str).unwrap_or(&name).to_string();
    let key = format!("agent:a2a:{identity}");
    let name_span = doc.get("name").map_or(doc.span, |n| n.span);
    let mut agent = Node::new(NodeKind::Agent, key, name.as_str(), Some(ctx.loc(name_span, "name")));
    agent.set_str("framework", "a2a", None);
    agent.set_bool("remote", true, None);
    if let Some(url) = url_node {
        servers::set_url(ctx, &mut agent, url, "url");
    }
    let mut schemes = Vec::new();
    if let Some(map) = doc.get("securitySchemes") {
        for entry in map.entries() {
            let kind = entry.value.get("type").and_then(Doc::as_str).unwrap_or("unknown");
            schemes.push(Item::new(format!("{}: {kind}", entry.key), Some(ctx.loc(entry.key_span, "securitySchemes"))));
        }
    }
    if let Some(legacy) = doc.at(&["authentication", "schemes"]) {
        for scheme in legacy.items() {
            if let Some(text) = scheme.scalar_text() {
                schemes.push(Item::new(text, Some(ctx.loc(scheme.span, "authentication.schemes"))));
            }
        }
    }
    let required =
        ["security", "securityRequirements"].iter().any(|k| doc.get(k).is_some_and(|r| !r.items().is_empty()));
    agent.set_bool("declares_authentication", !schemes.is_empty() || required, None);
    agent.set_list("security_schemes", schemes, None);
    let skills: Vec<Item> = doc
        .get("skills")
        .map(Doc::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|s| s.get("id").or_else(|| s.get("name")).and_then(Doc::scalar_text))
        .map(|value| Item::new(value, None))
        .collect();
    agent.set_list("skills", skills, None);
    let descriptions: Vec<(String, &Doc)> = doc
        .get("skills")
        .map(Doc::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((format!("skills[{i}].description"), s.get("description")?)))
        .collect();
    let extended =
        doc.get("supportsAuthenticatedExtendedCard").or_else(|| doc.at(&["capabilities", "extendedAgentCard"]));
    agent.set_bool("extended_card", extended.and_then(Doc::as_bool) == Some(true), None);
    agent.set_bool("signed", doc.get("signatures").is_some_and(|s| !s.items().is_empty()), None);
    let key = agent.key.clone();
    ctx.add_node(agent);
    // A client agent reads the skill descriptions to choose what to hand over.
    for (pointer, description) in descriptions {
        super::instructions::in_description(ctx, &key, description, &pointer);
    }
}
