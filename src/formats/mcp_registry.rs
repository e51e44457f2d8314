//! The official MCP Registry's `server.json`: packages to run (npm, PyPI, OCI
//! …) with their environment variables, and remote endpoints with headers.
//! An input marked `isSecret` is a credential; one whose name says secret but
//! is not marked is displayed, logged and stored in the clear by clients.

use super::{join, servers, Ctx};
use crate::graph::{Item, Node, NodeKind, SetAttr};
use crate::source::Node as Doc;

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "mcp-registry",
    client: "mcp-registry",
    name: "MCP registry",
    syntax: Syntax::Json,
    paths: &[],
    user: &[],
    markers: &["modelcontextprotocol"],
    reads: "`server.json` with the registry `$schema`: packages, remotes, secrets",
    adapt: Adapt::First(adapt),
};

pub(super) fn sniff(doc: &Doc) -> bool {
    let schema = doc.get("$schema").and_then(Doc::as_str).unwrap_or("");
    let named = doc.get("name").and_then(Doc::as_str).is_some_and(|n| n.contains('/'));
    schema.contains("modelcontextprotocol") && schema.contains("server.schema")
        || named && (doc.get("packages").is_some() || doc.get("remotes").is_some())
}

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let name = doc.get("name").and_then(Doc::as_str).unwrap_or("server").to_string();
    let key = format!("tool:mcp-registry:{name}");
    let name_span = doc.get("name").map_or(doc.span, |n| n.span);
    let mut tool = Node::new(NodeKind::Tool, key.clone(), name.as_str(), Some(ctx.loc(name_span, "name")));
    tool.set_str("tool_type", "mcp-server", None);
    tool.set_str("registry_name", name.as_str(), None);
    if let Some(package) = doc.get("packages").and_then(|p| p.items().first()) {
        let identifier = package.get("identifier").and_then(Doc::as_str).unwrap_or("");
        let registry = package.get("registryType").and_then(Doc::as_str).unwrap_or("");
        let version = package.get("version").and_then(Doc::as_str).unwrap_or("");
        let loc = package.get("identifier").map(|n| ctx.loc(n.span, "packages[0].identifier"));
        if registry == "oci" {
            // OCI identifiers carry the tag; the catalog matches images without it.
            let image = identifier.rsplit_once(':').filter(|(_, t)| !t.contains('/')).map_or(identifier, |(i, _)| i);
            tool.set_str("docker_image", image, loc.clone());
        } else {
            tool.set_str("package", identifier, loc.clone());
            tool.set_str("package_registry", registry, None);
            tool.set_str("package_version", version, loc.clone());
            tool.set_bool("package_pinned", !version.is_empty() && version != "latest", loc);
        }
    }
    if let Some(remote) = doc.get("remotes").and_then(|r| r.items().first()) {
        if let Some(url) = remote.get("url") {
            servers::set_url(ctx, &mut tool, url, "remotes[0].url");
        }
    }
    ctx.add_node(tool);
    for (list_key, list) in [("packages", doc.get("packages")), ("remotes", doc.get("remotes"))] {
        for (i, entry) in list.map(Doc::items).unwrap_or_default().iter().enumerate() {
            let base = format!("{list_key}[{i}]");
            for inputs in ["environmentVariables", "headers"] {
                for (j, input) in entry.get(inputs).map(Doc::items).unwrap_or_default().iter().enumerate() {
                    input_var(ctx, &key, input, &format!("{base}.{inputs}[{j}]"));
                }
            }
        }
    }
}

/// One `KeyValueInput`: a literal value is described like any other; a
/// secret-named input not marked `isSecret` is noted with its location.
fn input_var(ctx: &mut Ctx<'_>, tool: &str, input: &Doc, pointer: &str) {
    let Some((name_node, name)) = input.get("name").and_then(|n| n.as_str().map(|s| (n, s.to_string()))) else {
        return;
    };
    if let Some(value) = input.get("value") {
        ctx.credentials_in(tool, Some(&name), value, &join(pointer, "value"), "env");
    }
    let marked = input.get("isSecret").and_then(Doc::as_bool) == Some(true);
    if !marked && crate::redact::is_secret_key(&name) {
        let item = Item::new(name, Some(ctx.loc(name_node.span, &join(pointer, "name"))));
        ctx.extend_on(tool, "unmarked_secret_inputs", vec![item]);
    }
}
