//! The blastradius system manifest (`apiVersion: blastradius/v1`, `kind:
//! AgentSystem`): an architect's declaration of agents, tools, credentials,
//! delegation and trust boundaries for systems whose agents live in code.
//! Our own format, so it is strict: an unknown key or value is a located
//! problem, not something silently ignored. Schema: docs/agent-system.schema.json.

use super::{join, Ctx};
use crate::graph::{
    AttrValue, Declared, DeclaredBoundary, DeclaredRisk, Edge, EdgeKind, Item, Node, NodeKind, SetAttr, CAPABILITIES,
    FLOWS,
};
use crate::source::{Node as Doc, Span};

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "blastradius-manifest",
    client: "manifest",
    name: "System manifest",
    syntax: Syntax::Yaml,
    paths: &[],
    user: &[],
    markers: &["blastradius/"],
    reads: "`apiVersion: blastradius/v1`, `kind: AgentSystem` (docs/agent-system.md)",
    adapt: Adapt::First(adapt),
};

pub(super) fn sniff(doc: &Doc) -> bool {
    doc.get("apiVersion").and_then(Doc::as_str).is_some_and(|v| v.starts_with("blastradius/"))
        && doc.get("kind").and_then(Doc::as_str) == Some("AgentSystem")
}

const TOP: &[&str] = &["apiVersion", "kind", "metadata", "agents", "tools", "credentials", "trust_boundaries", "risks"];
const METADATA: &[&str] = &["name", "description", "owner"];
const AGENT: &[&str] =
    &["name", "description", "framework", "approval", "tools", "delegates_to", "credentials", "boundary", "owner"];
const TOOL: &[&str] =
    &["name", "description", "capabilities", "flows", "credentials", "url", "boundary", "owner", "data"];
const CREDENTIAL: &[&str] = &["name", "provider", "kind", "storage", "lifetime", "scopes", "human", "owner"];
const BOUNDARY: &[&str] = &["name", "description"];
const RISK: &[&str] = &["rule", "component", "status", "reason", "expires"];

fn key(ctx: &Ctx<'_>, kind: &str, name: &str) -> String {
    format!("{kind}:manifest:{}:{name}", ctx.source.display)
}

/// Reports keys outside `known`, at the key.
fn check_keys(ctx: &mut Ctx<'_>, node: &Doc, known: &[&str], what: &str) {
    for entry in node.entries() {
        if !known.contains(&entry.key.as_str()) {
            ctx.problem(
                entry.key_span,
                format!("unknown key `{}` in {what}; expected one of: {}", entry.key, known.join(", ")),
            );
        }
    }
}

/// A list of names (`tools: [a, b]`), each with its span.
fn names(node: Option<&Doc>) -> Vec<(String, Span)> {
    node.map(Doc::items).unwrap_or_default().iter().filter_map(|n| n.scalar_text().map(|t| (t, n.span))).collect()
}

fn one_of(ctx: &mut Ctx<'_>, node: &Doc, allowed: &[&str], what: &str) -> Option<String> {
    let value = node.scalar_text()?;
    if allowed.contains(&value.as_str()) {
        Some(value)
    } else {
        ctx.problem(node.span, format!("`{value}` is not a valid {what}; expected one of: {}", allowed.join(", ")));
        None
    }
}

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    check_keys(ctx, doc, TOP, "the manifest");
    if doc.get("apiVersion").and_then(Doc::as_str) != Some("blastradius/v1") {
        let span = doc.get("apiVersion").map_or(doc.span, |n| n.span);
        ctx.problem(span, "unsupported apiVersion; this version reads `blastradius/v1`".into());
    }
    for (i, spec) in doc.get("credentials").map(Doc::items).unwrap_or_default().iter().enumerate() {
        credential(ctx, spec, &format!("credentials[{i}]"));
    }
    for (i, spec) in doc.get("tools").map(Doc::items).unwrap_or_default().iter().enumerate() {
        tool(ctx, spec, &format!("tools[{i}]"));
    }
    let agents = doc.get("agents").map(Doc::items).unwrap_or_default();
    // Agents may delegate to agents declared further down.
    let declared: Vec<String> = agents.iter().filter_map(|a| a.get("name").and_then(Doc::scalar_text)).collect();
    for (i, spec) in agents.iter().enumerate() {
        agent(ctx, spec, &format!("agents[{i}]"), &declared);
    }
    let mut declared = Declared::default();
    if let Some(metadata) = doc.get("metadata") {
        check_keys(ctx, metadata, METADATA, "metadata");
        declared.name = metadata.get("name").and_then(Doc::scalar_text);
        declared.description = metadata.get("description").and_then(Doc::scalar_text);
        declared.owner = metadata.get("owner").and_then(Doc::scalar_text);
    }
    for (i, boundary) in doc.get("trust_boundaries").map(Doc::items).unwrap_or_default().iter().enumerate() {
        check_keys(ctx, boundary, BOUNDARY, "a trust boundary");
        if let Some((name, span)) = named(ctx, boundary, "a trust boundary") {
            let description = boundary.get("description").and_then(Doc::scalar_text);
            let loc = ctx.loc(span, &format!("trust_boundaries[{i}]"));
            declared.boundaries.push(DeclaredBoundary { name, description, loc });
        }
    }
    let boundaries: Vec<String> = declared.boundaries.iter().map(|b| b.name.clone()).collect();
    for spec in agents.iter().chain(doc.get("tools").map(Doc::items).unwrap_or_default()) {
        if let Some(boundary) = spec.get("boundary") {
            let name = boundary.scalar_text().unwrap_or_default();
            if !boundaries.contains(&name) {
                ctx.problem(boundary.span, format!("`{name}` is not a boundary declared under `trust_boundaries`"));
            }
        }
    }
    let components: Vec<String> = ["agents", "tools", "credentials"]
        .iter()
        .flat_map(|list| doc.get(list).map(Doc::items).unwrap_or_default())
        .filter_map(|spec| spec.get("name").and_then(Doc::scalar_text))
        .collect();
    for (i, spec) in doc.get("risks").map(Doc::items).unwrap_or_default().iter().enumerate() {
        if let Some(risk) = risk(ctx, spec, &format!("risks[{i}]"), &components) {
            declared.risks.push(risk);
        }
    }
    ctx.facts.declared = Some(declared);
}

/// An accepted or mitigated risk: which rule, on what, why, until when.
fn risk(ctx: &mut Ctx<'_>, spec: &Doc, pointer: &str, components: &[String]) -> Option<DeclaredRisk> {
    check_keys(ctx, spec, RISK, "a risk");
    let Some(rule) = spec.get("rule").and_then(|r| r.scalar_text().map(|t| (t, r.span))) else {
        ctx.problem(spec.span, "a risk without a `rule` (a rule id such as BR402)".into());
        return None;
    };
    let status = match spec.get("status") {
        Some(status) => one_of(ctx, status, &["accepted", "mitigated"], "risk status")?,
        None => "accepted".to_string(),
    };
    let Some(reason) = spec.get("reason").and_then(Doc::scalar_text).filter(|r| !r.trim().is_empty()) else {
        ctx.problem(rule.1, "a risk without a `reason`: say why it is accepted or how it is mitigated".into());
        return None;
    };
    let component = spec.get("component").and_then(|c| c.scalar_text().map(|t| (t, c.span)));
    if let Some((name, span)) = &component {
        if !components.contains(name) {
            ctx.problem(*span, format!("`{name}` is not an agent, tool or credential declared in this manifest"));
        }
    }
    let expires = spec.get("expires").and_then(|e| e.scalar_text().map(|t| (t, e.span)));
    if let Some((date, span)) = &expires {
        if !is_date(date) {
            ctx.problem(*span, format!("`{date}` is not a date; write it as YYYY-MM-DD"));
        }
    }
    Some(DeclaredRisk {
        rule: rule.0,
        component: component.map(|(name, _)| name),
        status,
        reason,
        expires: expires.map(|(date, _)| date).filter(|d| is_date(d)),
        loc: ctx.loc(rule.1, &join(pointer, "rule")),
    })
}

/// `YYYY-MM-DD`, with a month and day in range.
fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok()).flatten()
    };
    matches!(
        (parts.as_slice(), parts.first().and_then(|y| number(y, 4))),
        ([_, m, d], Some(_)) if number(m, 2).is_some_and(|m| (1..=12).contains(&m)) && number(d, 2).is_some_and(|d| (1..=31).contains(&d))
    )
}

/// The component's owner, as the manifest names it.
fn set_owner(node: &mut Node, spec: &Doc) {
    if let Some(owner) = spec.get("owner").and_then(Doc::scalar_text) {
        node.set_str("owner", owner, None);
    }
}

fn named(ctx: &mut Ctx<'_>, spec: &Doc, what: &str) -> Option<(String, Span)> {
    match spec.get("name").and_then(|n| n.scalar_text().map(|t| (t, n.span))) {
        Some(found) => Some(found),
        None => {
            ctx.problem(spec.span, format!("{what} without a `name`"));
            None
        }
    }
}

fn credential(ctx: &mut Ctx<'_>, spec: &Doc, pointer: &str) {
    check_keys(ctx, spec, CREDENTIAL, "a credential");
    let Some((name, span)) = named(ctx, spec, "a credential") else { return };
    let mut node =
        Node::new(NodeKind::Credential, key(ctx, "cred", &name), name.as_str(), Some(ctx.loc(span, pointer)));
    node.set_str("display", name.as_str(), None);
    node.set_str("file_format", "blastradius-manifest", None);
    node.set_str("format", "declared", None);
    for (field, default) in [("provider", "unknown"), ("kind", "credential")] {
        let value = spec.get(field).and_then(Doc::scalar_text).unwrap_or_else(|| default.into());
        node.set_str(field, value, None);
    }
    let storages = ["secret-store", "env-reference", "literal", "helper", "prompt-input"];
    let storage = spec.get("storage").and_then(|s| one_of(ctx, s, &storages, "storage"));
    node.set_str("storage", storage.unwrap_or_else(|| "secret-store".into()), None);
    let lifetimes = ["long-lived", "short-lived", "unknown"];
    let lifetime = spec.get("lifetime").and_then(|l| one_of(ctx, l, &lifetimes, "lifetime"));
    node.set_str("lifetime", lifetime.unwrap_or_else(|| "unknown".into()), None);
    node.set_bool("human", spec.get("human").and_then(Doc::as_bool) == Some(true), None);
    let scopes = names(spec.get("scopes")).into_iter().map(|(value, _)| Item::new(value, None)).collect();
    node.set_list("scopes", scopes, None);
    set_owner(&mut node, spec);
    ctx.add_node(node);
}

/// Checked list of closed-taxonomy values (`capabilities`, `flows`).
fn taxonomy(ctx: &mut Ctx<'_>, spec: &Doc, field: &str, allowed: &[&str]) -> Vec<Item> {
    let mut items = Vec::new();
    for (value, span) in names(spec.get(field)) {
        if allowed.contains(&value.as_str()) {
            items.push(Item::new(value, None));
        } else {
            ctx.problem(span, format!("`{value}` is not one of the {field}: {}", allowed.join(", ")));
        }
    }
    items
}

fn tool(ctx: &mut Ctx<'_>, spec: &Doc, pointer: &str) {
    check_keys(ctx, spec, TOOL, "a tool");
    let Some((name, span)) = named(ctx, spec, "a tool") else { return };
    let tool_key = key(ctx, "tool", &name);
    let mut node = Node::new(NodeKind::Tool, tool_key.clone(), name.as_str(), Some(ctx.loc(span, pointer)));
    node.set_str("tool_type", "declared", None);
    let capabilities = taxonomy(ctx, spec, "capabilities", CAPABILITIES);
    let flows = taxonomy(ctx, spec, "flows", FLOWS);
    node.set_list("capabilities", capabilities, None);
    node.set_list("flows", flows, None);
    node.set_str("capability_source", "declared", None);
    if let Some(url) = spec.get("url") {
        super::servers::set_url(ctx, &mut node, url, &join(pointer, "url"));
    }
    if let Some(boundary) = spec.get("boundary").and_then(Doc::scalar_text) {
        node.set_str("boundary", boundary, None);
    }
    let data: Vec<Item> = names(spec.get("data")).into_iter().map(|(value, _)| Item::new(value, None)).collect();
    if !data.is_empty() {
        node.set_list("data", data, None);
    }
    set_owner(&mut node, spec);
    ctx.add_node(node);
    for (cred, span) in names(spec.get("credentials")) {
        link(
            ctx,
            &tool_key,
            &key(ctx, "cred", &cred),
            EdgeKind::AuthenticatesWith,
            span,
            &join(pointer, "credentials"),
        );
    }
}

fn agent(ctx: &mut Ctx<'_>, spec: &Doc, pointer: &str, declared: &[String]) {
    check_keys(ctx, spec, AGENT, "an agent");
    let Some((name, span)) = named(ctx, spec, "an agent") else { return };
    let agent_key = key(ctx, "agent", &name);
    let mut node = Node::new(NodeKind::Agent, agent_key.clone(), name.as_str(), Some(ctx.loc(span, pointer)));
    node.set_str(
        "framework",
        spec.get("framework").and_then(Doc::scalar_text).unwrap_or_else(|| "declared".into()),
        None,
    );
    if let Some(boundary) = spec.get("boundary").and_then(Doc::scalar_text) {
        node.set_str("boundary", boundary, None);
    }
    set_owner(&mut node, spec);
    ctx.add_node(node);
    if let Some(approval) = spec.get("approval") {
        if let Some(value) = one_of(ctx, approval, &["always", "on-write", "never"], "approval") {
            let p = join(pointer, "approval");
            ctx.set_on(&agent_key, "approval_mode", AttrValue::Str(value.as_str().into()), approval.span, &p);
            if value == "never" {
                ctx.note(&agent_key, "approval_bypass", format!("{p}: never"), approval.span, &p);
            }
        }
    }
    for (tool, span) in names(spec.get("tools")) {
        link(ctx, &agent_key, &key(ctx, "tool", &tool), EdgeKind::Uses, span, &join(pointer, "tools"));
    }
    for (other, span) in names(spec.get("delegates_to")) {
        if !declared.contains(&other) {
            ctx.problem(span, format!("`{other}` is not an agent declared in this manifest"));
            continue;
        }
        link(ctx, &agent_key, &key(ctx, "agent", &other), EdgeKind::DelegatesTo, span, &join(pointer, "delegates_to"));
    }
    for (cred, span) in names(spec.get("credentials")) {
        link(
            ctx,
            &agent_key,
            &key(ctx, "cred", &cred),
            EdgeKind::AuthenticatesWith,
            span,
            &join(pointer, "credentials"),
        );
    }
}

fn link(ctx: &mut Ctx<'_>, from: &str, to: &str, kind: EdgeKind, span: Span, pointer: &str) {
    let declared = ctx.facts.has_node(to);
    if !declared && kind != EdgeKind::DelegatesTo {
        // Tools and credentials are declared before the agents that name them.
        let what = if kind == EdgeKind::Uses { "tool" } else { "credential" };
        let name = to.rsplit(':').next().unwrap_or(to);
        ctx.problem(span, format!("`{name}` is not a {what} declared in this manifest"));
        return;
    }
    ctx.add_edge(from, to, Edge::new(kind, Some(ctx.loc(span, pointer))));
}
