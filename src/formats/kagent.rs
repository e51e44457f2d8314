//! kagent (Kubernetes) manifests: `Agent` resources with their MCP tools
//! (`toolNames`, or every tool when absent) and agents used as tools (a
//! delegation), `ModelConfig` with its API-key secret, remote MCP servers.
//! A file may hold several documents; every one is read.

use super::{join, launch, servers, Ctx};
use crate::graph::{Edge, EdgeKind, Item, Node, NodeKind, SetAttr};
use crate::source::Node as Doc;

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "kagent",
    client: "kagent",
    name: "kagent",
    syntax: Syntax::Yaml,
    paths: &[],
    user: &[],
    markers: &["kagent.dev/"],
    reads: "`apiVersion: kagent.dev/…` Agents, ModelConfigs, tool servers (every document)",
    adapt: Adapt::All(adapt),
};

pub(super) fn sniff(doc: &Doc) -> bool {
    doc.get("apiVersion").and_then(Doc::as_str).is_some_and(|v| v.starts_with("kagent.dev/"))
}

fn namespace(doc: &Doc) -> String {
    doc.at(&["metadata", "namespace"]).and_then(Doc::as_str).unwrap_or("default").to_string()
}

pub(super) fn adapt(ctx: &mut Ctx<'_>, docs: &[Doc]) {
    for (i, doc) in docs.iter().enumerate().filter(|(_, d)| sniff(d)) {
        let kind = doc.get("kind").and_then(Doc::as_str).unwrap_or("");
        let Some(name_node) = doc.at(&["metadata", "name"]) else { continue };
        let name = name_node.scalar_text().unwrap_or_default();
        let ns = namespace(doc);
        let prefix = if docs.len() > 1 { format!("[{i}].") } else { String::new() };
        match kind {
            "Agent" => agent(ctx, doc, &ns, &name, name_node.span, &prefix),
            "RemoteMCPServer" | "MCPServer" | "ToolServer" => {
                let key = format!("tool:kagent:{ns}:{name}");
                let mut tool = Node::new(
                    NodeKind::Tool,
                    key,
                    name.as_str(),
                    Some(ctx.loc(name_node.span, &format!("{prefix}metadata.name"))),
                );
                tool.set_str("tool_type", "mcp-server", None);
                if let Some(url) = doc.at(&["spec", "url"]) {
                    servers::set_url(ctx, &mut tool, url, &format!("{prefix}spec.url"));
                }
                if let Some(image) = doc.at(&["spec", "deployment", "image"]) {
                    image_of(ctx, &mut tool, image, &format!("{prefix}spec.deployment.image"));
                }
                ctx.add_node(tool);
            }
            "ModelConfig" => {
                // The model's API key, as every agent naming this config uses it.
                if let Some(secret) = doc.at(&["spec", "apiKeySecret"]).or_else(|| doc.at(&["spec", "apiKeySecretRef"]))
                {
                    let pointer = format!("{prefix}spec.apiKeySecret");
                    let key = model_config_key(&ns, &name);
                    secret_ref(ctx, Some(&key), "", &name, secret, &pointer);
                }
            }
            _ => {}
        }
    }
}

fn agent(ctx: &mut Ctx<'_>, doc: &Doc, ns: &str, name: &str, span: crate::source::Span, prefix: &str) {
    let key = format!("agent:kagent:{ns}:{name}");
    let mut node =
        Node::new(NodeKind::Agent, key.clone(), name, Some(ctx.loc(span, &format!("{prefix}metadata.name"))));
    node.set_str("framework", "kagent", None);
    node.set_str("scope", ns, None);
    let spec = doc.get("spec");
    let declarative = spec.and_then(|s| s.get("declarative")).or(spec);
    let model = declarative.and_then(|d| d.get("modelConfig"));
    if let Some(name) = model.and_then(Doc::scalar_text) {
        node.set_str("model_config", name, None);
    }
    ctx.add_node(node);
    if let Some((model, name)) = model.and_then(|m| m.scalar_text().map(|n| (m, n))) {
        let loc = ctx.loc(model.span, &format!("{prefix}spec.modelConfig"));
        let mut edge = Edge::new(EdgeKind::AuthenticatesWith, Some(loc));
        edge.set_str("via", "model-config", None);
        ctx.add_edge(&key, &model_config_key(ns, &name), edge);
    }
    let base = if spec.and_then(|s| s.get("declarative")).is_some() { "spec.declarative" } else { "spec" };
    for (i, tool) in declarative.and_then(|d| d.get("tools")).map(Doc::items).unwrap_or_default().iter().enumerate() {
        let pointer = format!("{prefix}{base}.tools[{i}]");
        match tool.get("type").and_then(Doc::as_str) {
            Some("McpServer") => {
                let server = tool.get("mcpServer").or_else(|| tool.get("mcp_server"));
                let Some(server) = server else { continue };
                let server_name = server
                    .get("name")
                    .or_else(|| server.get("toolServer"))
                    .and_then(Doc::scalar_text)
                    .unwrap_or_default();
                let target = format!("tool:kagent:{ns}:{server_name}");
                let loc = ctx.loc(tool.span, &pointer);
                let mut edge = Edge::new(EdgeKind::Uses, Some(loc.clone()));
                // Nobody approves a kagent agent's calls, except those of the
                // tools listed in `requireApproval`.
                let gated: Vec<String> = server
                    .get("requireApproval")
                    .map(Doc::items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|n| n.scalar_text())
                    .collect();
                match server.get("toolNames") {
                    Some(names) => {
                        let items = servers::items(ctx, names, &join(&pointer, "mcpServer.toolNames"));
                        let unprompted: Vec<Item> =
                            items.iter().filter(|i| !gated.iter().any(|g| i.value == *g)).cloned().collect();
                        edge.set_str("auto_approve", if unprompted.is_empty() { "none" } else { "some" }, None);
                        edge.set_list("auto_approved_tools", unprompted, None);
                        edge.set_list("tool_names", items, Some(loc));
                    }
                    None => {
                        edge.set_str("auto_approve", if gated.is_empty() { "all" } else { "some" }, None);
                        edge.set_bool("all_tools", true, Some(loc));
                    }
                }
                ctx.add_edge(&key, &target, edge);
            }
            Some("Agent") => {
                let target_name =
                    tool.get("agent").and_then(|a| a.get("name").or_else(|| a.get("ref"))).and_then(Doc::scalar_text);
                let Some(target_name) = target_name else { continue };
                let target = format!("agent:kagent:{ns}:{target_name}");
                let loc = ctx.loc(tool.span, &pointer);
                let mut edge = Edge::new(EdgeKind::DelegatesTo, Some(loc.clone()));
                edge.set_str("via", "agent-as-tool", Some(loc));
                ctx.add_edge(&key, &target, edge);
            }
            _ => {}
        }
    }
    // Skills shipped as images, pulled into the agent's pod.
    for (i, skill) in declarative.and_then(|d| d.get("skills")).map(Doc::items).unwrap_or_default().iter().enumerate() {
        let Some(image) = skill.get("image") else { continue };
        let pointer = format!("{prefix}{base}.skills[{i}].image");
        let reference = image.scalar_text().unwrap_or_default();
        let skill_key = format!("tool:kagent:{ns}:skill:{reference}");
        let mut tool =
            Node::new(NodeKind::Tool, skill_key.clone(), reference.as_str(), Some(ctx.loc(image.span, &pointer)));
        tool.set_str("tool_type", "skill", None);
        image_of(ctx, &mut tool, image, &pointer);
        ctx.add_node(tool);
        let edge = Edge::new(EdgeKind::Uses, Some(ctx.loc(image.span, &pointer)));
        ctx.add_edge(&key, &skill_key, edge);
    }
    // Bring-your-own agents: the deployment's environment.
    for (i, env) in
        spec.and_then(|s| s.at(&["byo", "deployment", "env"])).map(Doc::items).unwrap_or_default().iter().enumerate()
    {
        let pointer = format!("{prefix}spec.byo.deployment.env[{i}]");
        let Some(var) = env.get("name").and_then(Doc::as_str) else { continue };
        if let Some(value) = env.get("value") {
            ctx.credentials_in(&key, Some(var), value, &join(&pointer, "value"), "env");
        } else if let Some(secret) = env.at(&["valueFrom", "secretKeyRef"]) {
            secret_ref(ctx, None, &key, var, secret, &join(&pointer, "valueFrom.secretKeyRef"));
        }
    }
}

/// A container image the cluster pulls for a server or a skill.
fn image_of(ctx: &Ctx<'_>, tool: &mut Node, image: &Doc, pointer: &str) {
    if let Some(reference) = image.as_str() {
        servers::set_image(tool, &launch::image(reference, 0), Some(ctx.loc(image.span, pointer)));
    }
}

fn model_config_key(ns: &str, name: &str) -> String {
    format!("cred:kagent:{ns}:modelconfig:{name}")
}

/// A Kubernetes Secret reference: a credential kept in a secret store,
/// under `key` when other documents must find it by name.
fn secret_ref(ctx: &mut Ctx<'_>, key: Option<&str>, owner: &str, name: &str, secret: &Doc, pointer: &str) {
    let secret_name =
        secret.scalar_text().or_else(|| secret.get("name").and_then(Doc::scalar_text)).unwrap_or_default();
    let fact = super::secrets::SecretFact {
        storage: super::secrets::Storage::SecretStore,
        range: 0..0,
        name: Some(name.to_string()),
        provider: "kubernetes".into(),
        kind: format!("secret `{secret_name}`"),
        format: "reference".into(),
        lifetime: crate::catalog::Lifetime::Unknown,
        human: false,
        display: format!("secret:{secret_name}"),
        hash: None,
    };
    match key {
        Some(key) => ctx.add_credential_as(key, owner, fact, secret.span, pointer, "env"),
        None => ctx.add_credential(owner, fact, secret.span, pointer, "env"),
    }
    if !owner.is_empty() {
        ctx.extend_on(owner, "secret_refs", vec![Item::new(secret_name, None)]);
    }
}
