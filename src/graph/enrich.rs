//! Enrichment: what the catalog and documented heuristics say a tool can do,
//! and which resources path arguments open. Adapters describe; this stage adds
//! knowledge; rules judge.

use petgraph::stable_graph::NodeIndex;

use super::{AttrValue, Edge, EdgeKind, Graph, Item, Node, NodeKind, SetAttr};
use crate::catalog::{ServerCatalog, ServerEntry};

pub(super) fn enrich(graph: &mut Graph) {
    let catalog = ServerCatalog::get();
    let nodes = graph.sorted_nodes();
    for &index in &nodes {
        let node = &mut graph.graph[index];
        if node.kind == NodeKind::Tool && !node.attrs.contains_key("capabilities") {
            describe_capabilities(node, catalog);
        }
    }
    for &index in &nodes {
        open_filesystem_resources(graph, index);
    }
    // The last nodes are added above: edges only from here on.
    graph.keep_order(nodes);
    expand_wildcard_grants(graph);
    let edges: Vec<_> = graph.graph.edge_indices().collect();
    for index in edges {
        let Some((_, target)) = graph.graph.edge_endpoints(index) else { continue };
        if graph.graph[index].kind != EdgeKind::Uses {
            continue;
        }
        // The tool is read while its edge is changed: one graph, two borrows
        // (a node and an edge are never the same item).
        let (edge, tool) = graph.graph.index_twice_mut(index, target);
        mark_risky_auto_approvals(edge);
        narrow_grant(edge);
        narrow_tool_names(edge, tool);
    }
    for index in graph.sorted_nodes() {
        if graph.graph[index].kind == NodeKind::Agent {
            direct_reach(graph, index);
        }
    }
    super::memory::shared_memory(graph);
    super::autonomy::unattended(graph);
}

fn describe_capabilities(node: &mut Node, catalog: &ServerCatalog) {
    // An agent CLI installed in a CI job is judged for its supply chain; what
    // the agent may do comes from its grants, not from the catalog entry that
    // describes the same CLI run as an MCP server (`codex mcp-server`).
    let entry = if node.str_attr("tool_type") == Some("agent-cli") {
        None
    } else {
        node.str_attr("package")
            .and_then(|p| catalog.by_package(p))
            .or_else(|| node.str_attr("docker_image").and_then(|i| catalog.by_image(i)))
            .or_else(|| node.str_attr("url_host").and_then(|h| catalog.by_host(h)))
            .or_else(|| node.str_attr("command").and_then(|c| catalog.by_command(c)))
            // Described nowhere we looked (`mcp__serena` with the server defined
            // in a user file): its conventional name is all there is.
            .or_else(|| if node.attrs.is_empty() { catalog.by_name(&node.name) } else { None })
    };
    if let Some(entry) = entry {
        apply_entry(node, entry);
        return;
    }
    let text = format!(
        "{} {} {}",
        node.name,
        node.str_attr("package").unwrap_or(""),
        node.str_attr("docker_image").unwrap_or("")
    )
    .to_ascii_lowercase();
    let (capabilities, flows) = infer_from_name(&text);
    node.set_list("capabilities", Item::plain(&capabilities), None);
    node.set_list("flows", Item::plain(&flows), None);
    let source = if capabilities.is_empty() { "unknown" } else { "inferred" };
    node.set_str("capability_source", source, None);
}

fn apply_entry(node: &mut Node, entry: &ServerEntry) {
    node.set_list("capabilities", Item::plain(&entry.capabilities), None);
    node.set_list("flows", Item::plain(&entry.flows), None);
    node.set_str("capability_source", "catalog", None);
    node.set_str("catalog_id", entry.id.clone(), None);
    if entry.memory {
        node.set_bool("memory", true, None);
    }
    if entry.path_args {
        if let Some(AttrValue::List(items)) = node.attr("path_args").map(|a| a.value.clone()) {
            for item in items {
                node.push_item("fs_paths", item);
            }
        }
    }
}

/// Name tokens → capabilities, for servers the catalog does not know. The
/// finding says "inferred" for these (attribute `capability_source`).
fn infer_from_name(text: &str) -> (Vec<&'static str>, Vec<&'static str>) {
    const TABLE: &[(&[&str], &[&str], &[&str])] = &[
        (&["filesystem", "file-system", "files"], &["fs.read", "fs.write"], &["private_data"]),
        (
            &["fileread", "file_read", "read_file", "directoryread", "directory_read", "pdfsearch", "csvsearch"],
            &["fs.read"],
            &["private_data"],
        ),
        (&["filewrite", "file_write", "write_file", "filewriter"], &["fs.write"], &[]),
        (
            &["codeinterpreter", "code_interpreter", "python_repl", "pythonrepl", "run_code", "execute_code"],
            &["code.exec"],
            &["exfiltration"],
        ),
        (
            &["serper", "tavily", "websearch", "web_search", "wikipedia", "arxiv", "youtube"],
            &["net.fetch"],
            &["untrusted_input"],
        ),
        (&["http_request", "httprequest", "api_call", "webhook", "post_"], &["net.send"], &["exfiltration"]),
        (&["send_", "notify", "sms", "twilio"], &["net.send"], &["exfiltration"]),
        (&["shell", "terminal", "command", "bash", "exec", "ssh"], &["shell.exec"], &["private_data", "exfiltration"]),
        (
            &["postgres", "mysql", "sqlite", "database", "mongo", "redis", "supabase", "sql"],
            &["db.read", "db.write"],
            &["private_data"],
        ),
        (
            &["fetch", "browser", "puppeteer", "playwright", "scrape", "crawl", "firecrawl", "search"],
            &["net.fetch"],
            &["untrusted_input"],
        ),
        (&["github", "gitlab", "bitbucket"], &["repo.write"], &["untrusted_input", "private_data"]),
        (&["slack", "discord", "telegram", "teams"], &["net.send"], &["untrusted_input", "exfiltration"]),
        (&["email", "mail", "smtp"], &["email.send"], &["exfiltration"]),
        (
            &["gmail", "outlook", "inbox", "imap"],
            &["email.send", "net.fetch"],
            &["untrusted_input", "private_data", "exfiltration"],
        ),
        (
            &["aws", "gcp", "azure", "kubernetes", "k8s", "kubectl", "terraform", "cloudflare"],
            &["cloud.admin"],
            &["private_data"],
        ),
        (&["stripe", "payment", "binance", "paypal"], &["payments"], &["private_data"]),
    ];
    let mut capabilities = Vec::new();
    let mut flows = Vec::new();
    for (tokens, caps, labels) in TABLE {
        if tokens.iter().any(|t| text.contains(t)) {
            for c in *caps {
                if !capabilities.contains(c) {
                    capabilities.push(*c);
                }
            }
            for f in *labels {
                if !flows.contains(f) {
                    flows.push(*f);
                }
            }
        }
    }
    // A documentation or knowledge server named after a cloud reads about it;
    // it does not administer it.
    const READ_ONLY: &[&str] = &["docs", "documentation", "knowledge", "readonly", "read-only", "reader", "viewer"];
    if !capabilities.is_empty() && READ_ONLY.iter().any(|t| text.contains(t)) {
        capabilities.retain(|c| matches!(*c, "fs.read" | "db.read" | "net.fetch"));
        if capabilities.is_empty() {
            capabilities.push("net.fetch");
        }
        flows.retain(|f| *f == "untrusted_input" || *f == "private_data");
    }
    (capabilities, flows)
}

/// An agent's own capabilities and flows: the union over the enabled tools it
/// uses directly. Path rules start from these ("an agent that reads untrusted
/// input…").
fn direct_reach(graph: &mut Graph, agent: NodeIndex) {
    let mut capabilities: Vec<String> = Vec::new();
    let mut flows: Vec<String> = Vec::new();
    for (edge, tool) in super::reach::out_edges(graph, agent, EdgeKind::Uses) {
        let (edge, tool) = (&graph.graph[edge], &graph.graph[tool]);
        if tool.is_disabled() {
            continue;
        }
        for (list, into) in [("capabilities", &mut capabilities), ("flows", &mut flows)] {
            for item in edge.granted(tool, list) {
                if !into.iter().any(|v| item.value == *v) {
                    into.push(item.value.to_string());
                }
            }
        }
    }
    capabilities.sort();
    flows.sort();
    let node = &mut graph.graph[agent];
    node.set_list("capabilities", Item::plain(&capabilities), None);
    node.set_list("flows", Item::plain(&flows), None);
}

/// `mcp__*` approves every tool of every MCP server the agent runs: the
/// grant of the wildcard node is copied to each of the agent's servers.
fn expand_wildcard_grants(graph: &mut Graph) {
    for agent in graph.sorted_nodes() {
        let out = super::reach::out_edges(graph, agent, EdgeKind::Uses);
        let Some(grant) = out
            .iter()
            .find(|(_, tool)| graph.graph[*tool].str_attr("tool_type") == Some("mcp_wildcard"))
            .map(|(edge, _)| graph.graph[*edge].clone())
        else {
            continue;
        };
        let servers: Vec<NodeIndex> = out
            .iter()
            .map(|(_, tool)| *tool)
            .filter(|tool| {
                let t = &graph.graph[*tool];
                !matches!(t.str_attr("tool_type"), Some("builtin" | "mcp_wildcard" | "plugin"))
            })
            .collect();
        for server in servers {
            graph.graph.add_edge(agent, server, grant.clone());
        }
    }
}

/// Classifies a filesystem path by how much it opens.
pub fn path_scope(path: &str) -> &'static str {
    let p = path.trim().trim_end_matches("/**").trim_end_matches("/*");
    let p = if p.len() > 1 { p.trim_end_matches(['/', '\\']) } else { p };
    let lower = p.to_ascii_lowercase();
    let is_drive_root = lower.len() <= 3
        && lower.chars().nth(1) == Some(':')
        && lower.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if p.is_empty() || p == "/" || p == "//" || is_drive_root {
        return "root";
    }
    if matches!(p, "~" | "$HOME" | "${HOME}" | "%USERPROFILE%" | "/root" | "${env:HOME}" | "${userHome}") {
        return "home";
    }
    let segments: Vec<&str> = lower.split(['/', '\\']).filter(|s| !s.is_empty()).collect();
    let home_parent = |s: &&str| matches!(*s, "users" | "home");
    match segments.as_slice() {
        [first, _user] if home_parent(first) => return "home",
        [drive, users, _user] if drive.ends_with(':') && home_parent(users) => return "home",
        [first] if home_parent(first) => return "system",
        [first, ..]
            if matches!(
                *first,
                "etc"
                    | "var"
                    | "usr"
                    | "bin"
                    | "sbin"
                    | "boot"
                    | "system"
                    | "library"
                    | "private"
                    | "proc"
                    | "sys"
                    | "dev"
                    | "opt"
                    | "windows"
            ) =>
        {
            return "system"
        }
        _ => {}
    }
    if matches!(p, "." | "./" | "${workspaceFolder}" | "${PWD}" | "$PWD" | "${workspaceRoot}")
        || p.starts_with("./")
        || p.starts_with("${workspaceFolder}")
    {
        return "project";
    }
    "path"
}

/// Nodes whose `fs_paths` list names directories get `can` edges to
/// filesystem resources, one per path, located at the path itself.
fn open_filesystem_resources(graph: &mut Graph, index: NodeIndex) {
    let node = &graph.graph[index];
    let paths: Vec<Item> = node.list_attr("fs_paths").to_vec();
    if paths.is_empty() {
        return;
    }
    let caps: Vec<Item> = match node.kind {
        NodeKind::Tool => {
            node.list_attr("capabilities").iter().filter(|c| c.value.starts_with("fs.")).cloned().collect()
        }
        _ => Item::plain(&["fs.read", "fs.write"]),
    };
    let caps = if caps.is_empty() { Item::plain(&["fs.read"]) } else { caps };
    for path in paths {
        let scope = path_scope(&path.value);
        let key = format!("resource:fs:{}", path.value);
        let resource = match graph.index_of(&key) {
            Some(r) => r,
            None => {
                let mut node = Node::new(NodeKind::Resource, key, path.value.as_str(), path.loc().cloned());
                node.set_str("type", "filesystem", None);
                node.set_str("scope", scope, None);
                node.set_str("path", path.value.clone(), None);
                graph.add_node(node)
            }
        };
        let mut edge = Edge::new(EdgeKind::Can, path.loc().cloned());
        edge.set_list("capabilities", caps.clone(), None);
        edge.set_str("path", path.value.clone(), path.loc().cloned());
        graph.graph.add_edge(index, resource, edge);
    }
}

/// Tool names that write, execute or send, by their words
/// (`rules/catalog/commands.yaml`, `tool_name_words`).
pub(super) fn is_risky_tool_name(name: &str) -> bool {
    crate::catalog::CommandCatalog::get().is_risky_tool_name(name)
}

/// A grant narrower than its tool: a shell grant for one program, a web
/// fetch limited to a domain. What such a grant allows is written on the
/// edge, so reach and flow rules do not count a whole shell for `Bash(npm test:*)`.
fn narrow_grant(edge: &mut Edge) {
    if edge.attrs.get("scope").map(|a| &a.value) != Some(&AttrValue::Str("restricted".into())) {
        return;
    }
    narrow_by_program(edge);
}

/// A grant of named tools of a server (`toolNames`, `mcp__server__tool`):
/// when no named tool writes, executes or sends, the grant reads only.
fn narrow_tool_names(edge: &mut Edge, tool: &Node) {
    let names = match edge.attrs.get("tool_names").map(|a| &a.value) {
        Some(AttrValue::List(items)) if !items.is_empty() => items.clone(),
        _ => return,
    };
    if names.iter().any(|n| is_risky_tool_name(&n.value)) {
        return;
    }
    let read_only: Vec<Item> = tool
        .list_attr("capabilities")
        .iter()
        .filter(|c| matches!(c.value.as_str(), "fs.read" | "db.read" | "net.fetch"))
        .cloned()
        .collect();
    let flows: Vec<Item> = tool.list_attr("flows").iter().filter(|f| f.value != "exfiltration").cloned().collect();
    edge.set_list("capabilities", read_only, None);
    edge.set_list("flows", flows, None);
}

fn narrow_by_program(edge: &mut Edge) {
    let grant = edge.attrs.get("grant").map(|a| a.value.to_string()).unwrap_or_default();
    // Shell grants were classified where they were read (formats::builtin,
    // with rules/catalog/commands.yaml); one that runs anything keeps the
    // whole shell.
    if edge.attrs.contains_key("command_class") || edge.attrs.contains_key("open_program") {
        return;
    }
    if grant.starts_with("WebFetch") || grant.starts_with("web_fetch") {
        // A fetch pinned to a domain reads that site; it cannot send data to another.
        edge.set_list("capabilities", Item::plain(&["net.fetch"]), None);
        edge.set_list("flows", Item::plain(&["untrusted_input"]), None);
    }
}

fn mark_risky_auto_approvals(edge: &mut Edge) {
    let risky: Vec<Item> = match edge.attrs.get("auto_approved_tools").map(|a| &a.value) {
        Some(AttrValue::List(items)) => items.iter().filter(|i| is_risky_tool_name(&i.value)).cloned().collect(),
        _ => return,
    };
    // A tool named like a shell (`execute_command`) approved without a prompt
    // approves every command.
    let shells: Vec<Item> =
        risky.iter().filter(|i| crate::catalog::CommandCatalog::get().is_shell_tool(&i.value)).cloned().collect();
    if !shells.is_empty() {
        edge.set_list("auto_approved_shell_tools", shells, None);
    }
    if !risky.is_empty() {
        edge.set_list("auto_approved_risky_tools", risky, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_scopes() {
        for (path, scope) in [
            ("/", "root"),
            ("C:\\", "root"),
            ("/**", "root"),
            ("~", "home"),
            ("~/", "home"),
            ("/Users/alice", "home"),
            ("/home/bob/", "home"),
            ("C:\\Users\\mac", "home"),
            ("/Users/alice/projects/app", "path"),
            ("/etc", "system"),
            (".", "project"),
            ("${workspaceFolder}", "project"),
            ("/tmp/work", "path"),
        ] {
            assert_eq!(path_scope(path), scope, "{path}");
        }
    }

    #[test]
    fn risky_tool_names() {
        assert!(is_risky_tool_name("write_file"));
        assert!(is_risky_tool_name("executeCommand"));
        assert!(is_risky_tool_name("*"));
        assert!(!is_risky_tool_name("read_file"));
        assert!(!is_risky_tool_name("list_directory"));
        assert!(!is_risky_tool_name("get_issue"));
        assert!(is_risky_tool_name("execute_sql"));
        assert!(!is_risky_tool_name("execute_sparql"));
        assert!(is_risky_tool_name("migrate-reset"));
    }
}
