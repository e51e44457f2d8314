//! `blastradius bom`: an agent bill of materials. As CycloneDX 1.6 JSON for
//! the supply-chain tools a platform team already runs (agents, MCP servers
//! and tools as components with package URLs, remote servers and A2A agents
//! as services, credentials as cryptographic assets, the graph's edges as
//! dependencies), and as a table for people.
//!
//! A credential appears by its provider, kind, lifetime and masked form,
//! never its value, hash or a longer prefix. Every text from a scanned file
//! goes through [`Shown`] (masked, controls made visible).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;
use serde_json::{json, Map, Value};

use crate::graph::{Graph, Node, NodeKind};
use crate::redact::Shown;
use crate::scan::ScanOutput;

/// Properties are named in our own namespace (CycloneDX property taxonomy
/// convention: `<tool>:<name>`).
const NS: &str = "blastradius";

/// A package URL (purl-spec) for a tool whose launch line names a package:
/// npm and PyPI packages, container images and GitHub sources. Unpinned
/// packages carry no version.
pub fn purl(tool: &Node) -> Option<String> {
    let version = tool.str_attr("package_version").filter(|v| !v.is_empty());
    let at = |v: Option<&str>| v.map(|v| format!("@{}", encode(v))).unwrap_or_default();
    if let Some(image) = tool.str_attr("docker_image") {
        return Some(docker_purl(image, tool.str_attr("docker_image_ref").unwrap_or(image)));
    }
    let package = tool.str_attr("package")?;
    match tool.str_attr("package_registry")? {
        "npm" => {
            // `@scope/name`: the scope is the namespace, its `@` encoded.
            let name = match package.split_once('/') {
                Some((scope, name)) if scope.starts_with('@') => format!("{}/{}", encode(scope), encode(name)),
                _ => encode(package),
            };
            Some(format!("pkg:npm/{name}{}", at(version)))
        }
        // PyPI names are normalised: lowercase, `_` and `.` as `-`.
        "pypi" => {
            let name = package.to_ascii_lowercase().replace(['_', '.'], "-");
            Some(format!("pkg:pypi/{}{}", encode(&name), at(version)))
        }
        "git" | "github" => {
            let path = package.split("github.com/").nth(1)?;
            let path = path.trim_end_matches(".git").trim_end_matches('/');
            let (owner, repo) = path.split_once('/')?;
            let repo = repo.split(['/', '@', '#']).next()?;
            Some(format!(
                "pkg:github/{}/{}{}",
                encode(&owner.to_ascii_lowercase()),
                encode(&repo.to_ascii_lowercase()),
                at(version)
            ))
        }
        _ => None,
    }
}

/// `pkg:docker/namespace/name@version?repository_url=registry`: the
/// registry host goes in the qualifier, the tag or digest is the version.
fn docker_purl(image: &str, reference: &str) -> String {
    let (path, registry) = match image.split_once('/') {
        Some((host, rest)) if host.contains(['.', ':']) || host == "localhost" => (rest, Some(host)),
        _ => (image, None),
    };
    let version = match reference.split_once('@') {
        Some((_, digest)) => Some(digest.to_string()),
        None => reference.rsplit_once(':').filter(|(_, tag)| !tag.contains('/')).map(|(_, tag)| tag.to_string()),
    };
    let name: Vec<String> = path.split('/').map(|p| encode(&p.to_ascii_lowercase())).collect();
    let mut purl = format!("pkg:docker/{}", name.join("/"));
    if let Some(version) = version {
        let _ = write!(purl, "@{}", encode(&version));
    }
    if let Some(registry) = registry {
        let _ = write!(purl, "?repository_url={}", encode(registry));
    }
    purl
}

/// Percent-encodes what a purl segment may not hold as is.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => out.push(byte as char),
            other => {
                let _ = write!(out, "%{other:02X}");
            }
        }
    }
    out
}

fn property(name: &str, value: &str) -> Value {
    json!({ "name": format!("{NS}:{name}"), "value": Shown::new(value).as_str() })
}

/// The node's string attributes worth carrying, as properties.
fn properties(node: &Node, names: &[&str]) -> Vec<Value> {
    let mut list = vec![property("node", node.kind.as_str())];
    for name in names {
        if let Some(value) = node.str_attr(name).filter(|v| !v.is_empty()) {
            list.push(property(name, value));
        }
        let items = node.list_attr(name);
        if !items.is_empty() {
            let joined: Vec<&str> = items.iter().map(|i| i.value.as_str()).collect();
            list.push(property(name, &joined.join(",")));
        }
        if let Some(crate::graph::AttrValue::Bool(b)) = node.attr(name).map(|a| &a.value) {
            list.push(property(name, if *b { "true" } else { "false" }));
        }
    }
    list
}

/// Where a node is written, as `path:line`.
fn located(graph: &Graph, node: &Node) -> Option<String> {
    crate::model::located(graph, node.locs.first()?)
}

/// Whether a tool is reached over the network (a remote MCP server).
fn remote_url(node: &Node) -> Option<&str> {
    node.str_attr("url").filter(|_| node.str_attr("docker_image").is_none() && node.str_attr("package").is_none())
}

/// The credential's CycloneDX type, from its kind.
fn crypto_type(credential: &Node) -> &'static str {
    let kind = credential.str_attr("kind").unwrap_or_default().to_ascii_lowercase();
    if kind.contains("password") {
        "password"
    } else if kind.contains("private key") {
        "private-key"
    } else if kind.contains("token") {
        "token"
    } else if kind.contains("key") || kind.contains("secret") {
        "secret-key"
    } else if kind == "reference" {
        "unknown"
    } else {
        "credential"
    }
}

const AGENT_PROPERTIES: &[&str] = &["client", "framework", "scope", "model", "capabilities", "approval_mode", "owner"];
const TOOL_PROPERTIES: &[&str] = &[
    "tool_type",
    "client",
    "launcher",
    "transport",
    "package_spec",
    "package_pinned",
    "docker_image_ref",
    "docker_image_pin",
    "capabilities",
    "capability_source",
    "owner",
];
const CREDENTIAL_PROPERTIES: &[&str] =
    &["provider", "kind", "lifetime", "storage", "channel", "variable", "human", "owner"];
const RESOURCE_PROPERTIES: &[&str] = &["type", "scope", "path"];

/// The CycloneDX 1.6 document. `timestamp` is RFC 3339; the serial number
/// is derived from the content, so one tree gives one number.
pub fn cyclonedx(output: &ScanOutput, timestamp: &str) -> String {
    let graph = &output.graph;
    let mut components = Vec::new();
    let mut services = Vec::new();
    let mut refs: BTreeMap<NodeIndex, String> = BTreeMap::new();
    let mut used_refs = BTreeSet::new();
    let mut models: BTreeMap<String, String> = BTreeMap::new();
    for index in graph.sorted_nodes() {
        let node = graph.node(index);
        // What starts an agent is no part of what the system is built from.
        if node.kind == NodeKind::Trigger {
            continue;
        }
        // Masked like every text from a file; kept unique if masking folds two.
        let mut bom_ref = Shown::new(&node.key).as_str().to_string();
        while !used_refs.insert(bom_ref.clone()) {
            bom_ref.push('~');
        }
        refs.insert(index, bom_ref.clone());
        let location = located(graph, node);
        let with_location = |mut props: Vec<Value>| {
            if let Some(at) = &location {
                props.push(property("location", at));
            }
            Value::Array(props)
        };
        let name = node.label();
        match node.kind {
            NodeKind::Agent if node.str_attr("url").is_some() => {
                let props = with_location(properties(node, AGENT_PROPERTIES));
                services.push(service(graph, index, &bom_ref, props));
            }
            NodeKind::Tool if remote_url(node).is_some() => {
                let props = with_location(properties(node, TOOL_PROPERTIES));
                services.push(service(graph, index, &bom_ref, props));
            }
            NodeKind::Agent => {
                if let Some(model) = node.str_attr("model").filter(|m| !m.is_empty()) {
                    models.entry(model.to_string()).or_insert_with(|| format!("model:{}", Shown::new(model)));
                }
                components.push(json!({
                    "type": "application",
                    "bom-ref": bom_ref,
                    "name": name.as_str(),
                    "description": "an AI agent",
                    "properties": with_location(properties(node, AGENT_PROPERTIES)),
                }));
            }
            NodeKind::Tool => {
                let mut component = Map::new();
                let purl = purl(node);
                component.insert("type".into(), json!(if purl.is_some() { "library" } else { "application" }));
                component.insert("bom-ref".into(), json!(bom_ref));
                component.insert("name".into(), json!(name.as_str()));
                if let Some(version) = node.str_attr("package_version").filter(|v| !v.is_empty()) {
                    component.insert("version".into(), json!(Shown::new(version).as_str()));
                }
                if let Some(purl) = purl {
                    component.insert("purl".into(), json!(Shown::new(&purl).as_str()));
                }
                let mut props = properties(node, TOOL_PROPERTIES);
                if node.str_attr("package").is_some() && node.str_attr("package_version").is_none_or(str::is_empty) {
                    props.push(property("unpinned", "true: the version run is whatever is newest when it starts"));
                }
                component.insert("properties".into(), with_location(props));
                components.push(Value::Object(component));
            }
            NodeKind::Credential => {
                components.push(json!({
                    "type": "cryptographic-asset",
                    "bom-ref": bom_ref,
                    "name": name.as_str(),
                    "cryptoProperties": {
                        "assetType": "related-crypto-material",
                        "relatedCryptoMaterialProperties": { "type": crypto_type(node) },
                    },
                    "properties": with_location(properties(node, CREDENTIAL_PROPERTIES)),
                }));
            }
            NodeKind::Trigger => {}
            NodeKind::Resource => {
                components.push(json!({
                    "type": "data",
                    "bom-ref": bom_ref,
                    "name": name.as_str(),
                    "properties": with_location(properties(node, RESOURCE_PROPERTIES)),
                }));
            }
        }
    }
    for (model, bom_ref) in &models {
        components.push(json!({
            "type": "machine-learning-model",
            "bom-ref": bom_ref,
            "name": Shown::new(model).as_str(),
            "properties": [property("node", "model")],
        }));
    }
    let mut dependencies = Vec::new();
    for (&index, bom_ref) in &refs {
        let mut depends: BTreeSet<&str> = graph
            .graph
            .edges_directed(index, petgraph::Direction::Outgoing)
            .filter_map(|e| refs.get(&e.target()).map(String::as_str))
            .collect();
        if let Some(model) = graph.node(index).str_attr("model").and_then(|m| models.get(m)) {
            depends.insert(model);
        }
        if !depends.is_empty() {
            dependencies.push((bom_ref.as_str(), json!({ "ref": bom_ref, "dependsOn": depends })));
        }
    }
    dependencies.sort_by(|a, b| a.0.cmp(b.0));
    let dependencies: Vec<Value> = dependencies.into_iter().map(|(_, d)| d).collect();
    let name = output.root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "agents".into());
    let name = graph.declared.iter().find_map(|d| d.name.clone()).unwrap_or(name);
    let mut document = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {
            "timestamp": timestamp,
            "tools": { "components": [{
                "type": "application",
                "name": "blastradius",
                "version": env!("CARGO_PKG_VERSION"),
            }]},
            "component": {
                "type": "application",
                "bom-ref": "system",
                "name": Shown::new(&name).as_str(),
                "description": "the AI-agent system blastradius read",
            },
        },
        "components": components,
        "services": services,
        "dependencies": dependencies,
    });
    // The same tree gives the same serial number (reproducible output).
    let hex: String = {
        use sha2::{Digest, Sha256};
        // Of the content only: a new blastradius version reading the same tree gives the same number.
        let content = json!([document["components"], document["services"], document["dependencies"]]);
        Sha256::digest(content.to_string().as_bytes()).iter().take(16).map(|b| format!("{b:02x}")).collect()
    };
    let serial =
        format!("urn:uuid:{}-{}-5{}-8{}-{}", &hex[0..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..32]);
    document["serialNumber"] = json!(serial);
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

/// A remote MCP server or A2A agent as a CycloneDX service: its endpoint,
/// whether it authenticates, and whether calling it crosses a trust boundary.
fn service(graph: &Graph, index: NodeIndex, bom_ref: &str, properties: Value) -> Value {
    let node = graph.node(index);
    let url = node.str_attr("url").unwrap_or_default();
    let flag = |name: &str| matches!(node.attr(name).map(|a| &a.value), Some(crate::graph::AttrValue::Bool(true)));
    let authenticated = flag("declares_authentication")
        || !crate::graph::reach::out_edges(graph, index, crate::graph::EdgeKind::AuthenticatesWith).is_empty();
    json!({
        "bom-ref": bom_ref,
        "name": node.label().as_str(),
        "endpoints": [iri(Shown::new(url).as_str())],
        "authenticated": authenticated,
        "x-trust-boundary": !flag("url_loopback"),
        "properties": properties,
    })
}

/// A URL as written (`https://${input:host}/mcp`) as an IRI reference:
/// characters an IRI may not hold percent-encoded, and the `:` of a
/// placeholder too (in a host it would read as a port).
fn iri(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut depth = 0usize;
    for c in url.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if c.is_ascii_control() || c == ' ' || "\"<>\\^`{|}".contains(c) || (c == ':' && depth > 0) {
            let mut bytes = [0u8; 4];
            for byte in c.encode_utf8(&mut bytes).bytes() {
                let _ = write!(out, "%{byte:02X}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `bom --format table`: one row per agent with its servers and tools and
/// their versions, its credentials (masked) and its blast radius; a cell
/// with several entries takes one line for each.
pub fn table(output: &ScanOutput) -> String {
    let graph = &output.graph;
    let radii: BTreeMap<String, usize> = crate::graph::reach::blast_radii(graph, crate::graph::reach::MAX_HOPS)
        .into_iter()
        .map(|r| (r.agent.as_str().to_string(), r.size))
        .collect();
    let header = |t: &str| vec![t.to_string()];
    let mut rows = vec![[header("AGENT"), header("SERVERS AND TOOLS"), header("CREDENTIALS"), header("BLAST RADIUS")]];
    for index in graph.sorted_nodes() {
        let agent = graph.node(index);
        if agent.kind != NodeKind::Agent {
            continue;
        }
        let mut tools = BTreeSet::new();
        let mut credentials = BTreeSet::new();
        for edge in graph.graph.edges_directed(index, petgraph::Direction::Outgoing) {
            let target = graph.node(edge.target());
            let mut credential_of = |node: &Node| {
                if node.kind == NodeKind::Credential {
                    credentials.insert(node.label().as_str().to_string());
                }
            };
            credential_of(target);
            if target.kind != NodeKind::Tool {
                continue;
            }
            let version = match (target.str_attr("package_version"), remote_url(target)) {
                (Some(""), _) => " (unpinned)".to_string(),
                (Some(v), _) => format!(" {}", Shown::new(v)),
                (None, Some(_)) => " (remote)".to_string(),
                (None, None) => String::new(),
            };
            tools.insert(format!("{}{version}", target.label()));
            for held in graph.graph.edges_directed(edge.target(), petgraph::Direction::Outgoing) {
                credential_of(graph.node(held.target()));
            }
        }
        let size = radii.get(Shown::new(&agent.key).as_str()).copied().unwrap_or(0);
        let cell =
            |set: BTreeSet<String>| if set.is_empty() { vec!["-".to_string()] } else { set.into_iter().collect() };
        rows.push([vec![agent.label().as_str().to_string()], cell(tools), cell(credentials), vec![size.to_string()]]);
    }
    const WIDEST: usize = 60;
    let widths: Vec<usize> = (0..3)
        .map(|c| rows.iter().flat_map(|r| r[c].iter()).map(|t| t.chars().count()).max().unwrap_or(0).min(WIDEST))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let height = row.iter().map(Vec::len).max().unwrap_or(1);
        for line_no in 0..height {
            let mut line = String::new();
            for (c, width) in widths.iter().enumerate() {
                let text = super::shorten(row[c].get(line_no).map_or("", String::as_str), WIDEST);
                let pad = width.saturating_sub(text.chars().count());
                let _ = write!(line, "{text}{}  ", " ".repeat(pad));
            }
            line.push_str(row[3].get(line_no).map_or("", String::as_str));
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::SetAttr;

    fn tool(attrs: &[(&str, &str)]) -> Node {
        let mut node = Node::new(NodeKind::Tool, "tool:x", "x", None);
        for (name, value) in attrs {
            node.set_str(name, *value, None);
        }
        node
    }

    #[test]
    fn package_urls_follow_the_purl_spec() {
        let npm = tool(&[("package", "@scope/server"), ("package_registry", "npm"), ("package_version", "1.2.3")]);
        assert_eq!(purl(&npm).unwrap(), "pkg:npm/%40scope/server@1.2.3");
        let unpinned = tool(&[("package", "plain-server"), ("package_registry", "npm"), ("package_version", "")]);
        assert_eq!(purl(&unpinned).unwrap(), "pkg:npm/plain-server");
        let pypi =
            tool(&[("package", "MCP_Server.Fetch"), ("package_registry", "pypi"), ("package_version", "2025.4.7")]);
        assert_eq!(purl(&pypi).unwrap(), "pkg:pypi/mcp-server-fetch@2025.4.7");
        let image = tool(&[
            ("docker_image", "ghcr.io/github/github-mcp-server"),
            ("docker_image_ref", "ghcr.io/github/github-mcp-server:v0.9.0"),
        ]);
        assert_eq!(purl(&image).unwrap(), "pkg:docker/github/github-mcp-server@v0.9.0?repository_url=ghcr.io");
        let digest = tool(&[("docker_image", "mcp/fetch"), ("docker_image_ref", "mcp/fetch@sha256:abc")]);
        assert_eq!(purl(&digest).unwrap(), "pkg:docker/mcp/fetch@sha256%3Aabc");
        let port =
            tool(&[("docker_image", "localhost:5000/tools/mcp"), ("docker_image_ref", "localhost:5000/tools/mcp")]);
        assert_eq!(purl(&port).unwrap(), "pkg:docker/tools/mcp?repository_url=localhost%3A5000");
        let git = tool(&[
            ("package", "git+https://github.com/Owner/Repo.git"),
            ("package_registry", "git"),
            ("package_version", "v1"),
        ]);
        assert_eq!(purl(&git).unwrap(), "pkg:github/owner/repo@v1");
        assert_eq!(purl(&tool(&[("command", "node")])), None);
    }

    #[test]
    fn placeholders_in_endpoints_stay_iri_references() {
        assert_eq!(iri("https://${input:host}/mcp"), "https://$%7Binput%3Ahost%7D/mcp");
        assert_eq!(iri("http://localhost:8080/a b"), "http://localhost:8080/a%20b");
    }
}
