//! LangGraph `langgraph.json`: the graphs a deployment serves (agents), its
//! environment (a path, or an inline object where literal secrets appear),
//! custom `auth`, and `http.cors`.

use super::{join, Ctx};
use crate::graph::{AttrValue, Edge, EdgeKind, Item, Node, NodeKind, SetAttr};
use crate::source::Node as Doc;

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "langgraph",
    client: "langgraph",
    name: "LangGraph",
    syntax: Syntax::Json,
    paths: &["**/langgraph.json"],
    user: &[],
    markers: &["\"graphs\""],
    reads: "`graphs`, `auth`, `http.cors`",
    adapt: Adapt::First(adapt),
};

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let key = format!("agent:langgraph:{}", ctx.scope);
    let mut deployment = Node::new(NodeKind::Agent, key.clone(), "langgraph deployment", Some(ctx.loc(doc.span, "")));
    deployment.set_str("framework", "langgraph", None);
    deployment.set_str("scope", ctx.scope.clone(), None);
    deployment.set_bool("deployment", true, None);
    deployment.set_bool("auth_configured", doc.at(&["auth", "path"]).is_some(), None);
    ctx.add_node(deployment);
    if let Some(origins) = doc.at(&["http", "cors", "allow_origins"]) {
        let wildcard: Vec<Item> = origins
            .items()
            .iter()
            .filter(|o| o.as_str() == Some("*"))
            .map(|o| Item::new("*", Some(ctx.loc(o.span, "http.cors.allow_origins"))))
            .collect();
        ctx.extend_on(&key, "cors_wildcard", wildcard);
    }
    if let Some(env) = doc.get("env").filter(|e| e.is_object()) {
        for entry in env.entries() {
            ctx.credentials_in(&key, Some(&entry.key), &entry.value, &join("env", &entry.key), "env");
        }
    }
    for entry in doc.get("graphs").map(Doc::entries).unwrap_or_default() {
        let graph_key = format!("agent:langgraph:{}:{}", ctx.scope, entry.key);
        let loc = ctx.loc(entry.key_span, &join("graphs", &entry.key));
        let mut agent = Node::new(NodeKind::Agent, graph_key.clone(), entry.key.as_str(), Some(loc.clone()));
        agent.set_str("framework", "langgraph", None);
        agent.set_str("scope", ctx.scope.clone(), None);
        if let Some(path) = entry.value.scalar_text() {
            agent.set("entrypoint", AttrValue::Str(path.into()), None);
        }
        ctx.add_node(agent);
        let mut edge = Edge::new(EdgeKind::DelegatesTo, Some(loc));
        edge.set_str("via", "serves", None);
        ctx.add_edge(&key, &graph_key, edge);
    }
}
