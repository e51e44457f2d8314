//! Formats stage: one adapter per ecosystem turns a located document into
//! graph facts. Adapters know each format's keys; they never judge.

mod a2a;
mod adk;
mod amp;
mod autogen;
mod builtin;
mod claude_agents;
mod claude_plugins;
mod claude_settings;
mod claude_skills;
mod claude_user;
mod codex;
mod continue_dev;
mod copilot_agents;
mod crewai;
mod crush;
mod cursor_cli;
mod dify;
mod dotenv;
mod embedded;
mod gemini;
mod github_workflows;
mod goose;
mod instructions;
mod kagent;
mod langgraph;
mod launch;
mod manifest;
mod mcp_registry;
mod mcp_servers;
mod models;
mod n8n;
mod opencode;
pub mod registry;
mod roo_modes;
pub(crate) mod secrets;
mod servers;
mod tool_defs;
mod vscode;
mod zed;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::catalog::TokenCatalog;
use crate::graph::{AttrValue, Edge, EdgeFact, EdgeKind, Facts, FileId, Item, Loc, Node, NodeKind, SetAttr, Text};
use crate::source::{Node as Doc, SourceFile, Span, Syntax};
pub use registry::Format;
use secrets::{SecretFact, Storage, ValueContext};

/// How a path is recognised: by its name alone, or by name and then content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidate {
    Known(Format),
    /// A generic name (`mcp.json`, `settings.json`, `config.yaml`): parse it
    /// and look at its top-level keys.
    Sniff(Syntax),
    /// Any other JSON or YAML file: formats with free file names (kagent
    /// manifests, AutoGen and n8n exports, Dify DSL) live there. Parsed only
    /// when its text holds a marker of one of those formats; otherwise, and
    /// when it does not parse, it is not ours and is passed over silently.
    Content(Syntax),
}

/// Strings one of the free-named formats always contains, checked on the raw
/// text before parsing so most JSON and YAML files cost one substring search.
pub fn has_marker(text: &str, syntax: Syntax) -> bool {
    registry::has_marker(text, syntax)
}

/// Recognises a file by its path (`/`-separated, relative or absolute).
pub fn classify_path(path: &str) -> Option<Candidate> {
    let path = path.replace('\\', "/");
    if let Some(format) = registry::format_of_path(&path) {
        return Some(Candidate::Known(format));
    }
    // Generic names: read, then recognised by their keys.
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    match name {
        "mcp.json" | "settings.json" | "mcp_settings.json" | "mcp-config.json" | "mcp_servers.json" => {
            Some(Candidate::Sniff(Syntax::Json))
        }
        "config.yaml" | "config.yml" | "agents.yaml" | "agents.yml" | "tasks.yaml" | "tasks.yml" => {
            Some(Candidate::Sniff(Syntax::Yaml))
        }
        "config.toml" => Some(Candidate::Sniff(Syntax::Toml)),
        "server.json" | "agent.json" | "tools.json" | "functions.json" => Some(Candidate::Sniff(Syntax::Json)),
        _ if name.ends_with(".json") => Some(Candidate::Content(Syntax::Json)),
        _ if name.ends_with(".yaml") || name.ends_with(".yml") => Some(Candidate::Content(Syntax::Yaml)),
        _ => None,
    }
}

/// Picks a format for a generic file from its top-level keys.
pub fn sniff(docs: &[Doc], syntax: Syntax) -> Option<Format> {
    if syntax == Syntax::Yaml && docs.iter().any(kagent::sniff) {
        return Some(Format::Kagent);
    }
    let doc = docs.first()?;
    if let Some(format) = match syntax {
        Syntax::Json if autogen::sniff(doc) => Some(Format::AutoGen),
        Syntax::Json if n8n::sniff(doc) => Some(Format::N8n),
        Syntax::Json if tool_defs::sniff(doc) => Some(Format::ToolDefinitions),
        Syntax::Json if mcp_registry::sniff(doc) => Some(Format::McpRegistry),
        Syntax::Json if a2a::sniff(doc) => Some(Format::A2aCard),
        Syntax::Json if doc.get("graphs").is_some_and(Doc::is_object) => Some(Format::LangGraph),
        Syntax::Yaml if manifest::sniff(doc) => Some(Format::Manifest),
        Syntax::Yaml if dify::sniff(doc) => Some(Format::Dify),
        Syntax::Yaml if adk::sniff(doc) => Some(Format::Adk),
        _ => None,
    } {
        return Some(format);
    }
    let has = |key: &str| doc.get(key).is_some();
    match syntax {
        Syntax::Json if has("mcpServers") => Some(Format::GenericMcp),
        Syntax::Json if has("servers") && doc.get("servers").is_some_and(Doc::is_object) => Some(Format::VsCode),
        Syntax::Json if has("context_servers") => Some(Format::Zed),
        // VS Code user or workspace settings: the legacy `mcp` block, or the
        // switch that approves every tool call.
        Syntax::Json
            if has("chat.tools.autoApprove")
                || has("chat.tools.global.autoApprove")
                || doc.at(&["mcp", "servers"]).is_some() =>
        {
            Some(Format::VsCode)
        }
        Syntax::Json if has("permissions") || has("enableAllProjectMcpServers") || has("apiKeyHelper") => {
            Some(Format::ClaudeCodeSettings)
        }
        Syntax::Yaml if has("extensions") && (has("GOOSE_MODE") || has("GOOSE_PROVIDER") || has("GOOSE_MODEL")) => {
            Some(Format::Goose)
        }
        Syntax::Yaml if has("mcpServers") && doc.get("mcpServers").is_some_and(|m| !m.items().is_empty()) => {
            Some(Format::Continue)
        }
        Syntax::Yaml if has("mcpServers") => Some(Format::LibreChat),
        Syntax::Yaml if crewai::sniff(doc) => Some(Format::CrewAi),
        Syntax::Toml if has("mcp_servers") || has("approval_policy") || has("sandbox_mode") => Some(Format::Codex),
        _ => None,
    }
}

/// Is this dotenv file a template of placeholders (`.env.example`)?
pub fn is_template_path(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path).to_ascii_lowercase();
    ["example", "sample", "template", "dist", "defaults", "tpl"].iter().any(|t| name.contains(t))
}

/// The adapters' shared state for one file: where facts point, and the facts.
pub struct Ctx<'a> {
    pub file: FileId,
    pub source: &'a SourceFile,
    pub format: Format,
    /// The project directory the file configures (`a/b` for `a/b/.cursor/mcp.json`).
    pub scope: String,
    pub facts: Facts,
    pub template: bool,
    /// Set while a config written inside this file is read (a workflow's
    /// `settings:` input): the agent it configures, and the pointer of
    /// the value that holds it, which prefixes the config's own pointers.
    embedded_in: Option<(String, String)>,
}

impl<'a> Ctx<'a> {
    pub fn new(file: FileId, source: &'a SourceFile, format: Format) -> Self {
        Ctx {
            file,
            source,
            format,
            scope: scope_of(&source.display),
            facts: Facts::default(),
            template: format == Format::Dotenv && is_template_path(&source.display),
            embedded_in: None,
        }
    }

    pub fn loc(&self, span: Span, pointer: &str) -> Loc {
        let pointer = match &self.embedded_in {
            Some((_, outer)) if pointer.is_empty() => outer.as_str().into(),
            Some((_, outer)) => format!("{outer}.{pointer}").into(),
            None => pointer.into(),
        };
        Loc { file: self.file, span, pointer }
    }

    /// Reads a config that part of a string value of this file holds
    /// (`range` of its text: inline JSON in a workflow's input or a flag's
    /// argument) with `adapt`, as a config of `agent`: its spans point into
    /// this file, its pointers extend `pointer`. Text that does not parse
    /// is a located problem. Whether it parsed.
    pub fn read_embedded(
        &mut self,
        agent: &str,
        node: &Doc,
        range: std::ops::Range<usize>,
        pointer: &str,
        spec: &registry::FormatSpec,
    ) -> bool {
        let Some(text) = node.as_str() else { return false };
        let Some(piece) = text.get(range.clone()) else { return false };
        let neutral = embedded::without_expressions(piece);
        let mut doc = match crate::source::parse(&neutral, spec.syntax) {
            Ok(doc) => doc,
            Err(e) => {
                let start = (range.start + e.span.start).min(text.len());
                let end = (range.start + e.span.end).clamp(start, text.len());
                let at = self.sub_span(node, text, start..end);
                self.problem(
                    at,
                    format!("`{pointer}` holds a {} config that does not parse: {}", spec.name, e.message),
                );
                return false;
            }
        };
        let offsets = embedded::Offsets::new(&self.source.text, node.span, text, range.start);
        embedded::relocate(&mut doc, &offsets);
        let outer = self.embedded_in.replace((agent.to_string(), pointer.to_string()));
        match spec.adapt {
            registry::Adapt::First(adapt) => adapt(self, &doc),
            registry::Adapt::All(adapt) => adapt(self, std::slice::from_ref(&doc)),
        }
        self.embedded_in = outer;
        true
    }

    /// The host agent this file configures; created once per file and merged
    /// with the same host's other files in the graph.
    pub fn host_agent(&mut self, doc: &Doc) -> String {
        if let Some((agent, _)) = &self.embedded_in {
            return agent.clone();
        }
        let client = self.format.client();
        let key = format!("agent:{client}:{}", self.scope);
        if !self.facts.has_node(&key) {
            let loc = self.loc(Span::new(doc.span.start, doc.span.start), "");
            let mut node = Node::new(NodeKind::Agent, key.clone(), client, Some(loc));
            node.set_str("client", client, None);
            node.set_str("scope", self.scope.clone(), None);
            self.facts.add_node(node);
        }
        key
    }

    /// An agent defined in this file that its host hands work to (a
    /// sub-agent, a custom mode): its node, with the framework, the
    /// project's scope and the model `spec` names, if any.
    pub fn add_sub_agent(&mut self, key: &str, name: &str, framework: &str, loc: &Loc, spec: &Doc) {
        let mut agent = Node::new(NodeKind::Agent, key, name, Some(loc.clone()));
        agent.set_str("framework", framework, None);
        agent.set_str("scope", self.scope.clone(), None);
        if let Some(model) = spec.get("model").and_then(Doc::scalar_text) {
            agent.set_str("model", model, None);
        }
        self.add_node(agent);
    }

    pub fn node_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.facts.node_mut(key)
    }

    /// A located problem in the file (strict formats only).
    pub fn problem(&mut self, span: Span, message: String) {
        self.facts.problems.push((span, message));
    }

    /// Sets attribute `attr` of node `key`, located at `span`.
    pub fn set_on(&mut self, key: &str, attr: &str, value: AttrValue, span: Span, pointer: &str) {
        let loc = self.loc(span, pointer);
        if let Some(node) = self.node_mut(key) {
            node.set(attr, value, Some(loc));
        }
    }

    /// Appends a setting, as written, to the list `attr` of node `key`.
    pub fn note(&mut self, key: &str, attr: &str, text: impl Into<Text>, span: Span, pointer: &str) {
        let item = Item::new(text, Some(self.loc(span, pointer)));
        if let Some(node) = self.node_mut(key) {
            node.push_item(attr, item);
        }
    }

    /// An approval setting as written (`defaultMode`, `GOOSE_MODE`, …): the
    /// agent's `approval_mode`, plus a located note when the value turns
    /// approvals off (`bypass`) or accepts edits unasked (`auto_edit`).
    pub fn approval_setting(&mut self, agent: &str, node: &Doc, pointer: &str, bypass: &[&str], auto_edit: &[&str]) {
        let Some(value) = node.scalar_text() else { return };
        self.set_on(agent, "approval_mode", AttrValue::Str(value.as_str().into()), node.span, pointer);
        let setting = format!("{pointer}: {value}");
        if bypass.contains(&value.as_str()) {
            self.note(agent, "approval_bypass", setting, node.span, pointer);
        } else if auto_edit.contains(&value.as_str()) {
            self.note(agent, "approval_auto_edit", setting, node.span, pointer);
        }
    }

    /// Appends located items to the list `attr` of node `key`.
    pub fn extend_on(&mut self, key: &str, attr: &str, items: Vec<Item>) {
        if let Some(node) = self.node_mut(key) {
            for item in items {
                node.push_item(attr, item);
            }
        }
    }

    pub fn add_node(&mut self, node: Node) {
        self.facts.add_node(node);
    }

    /// Adds an edge; returns it, for callers of a shared helper that add
    /// an attribute of their own (opencode's `inherited`).
    pub fn add_edge(&mut self, from: &str, to: &str, edge: Edge) -> &mut Edge {
        self.facts.edges.push(EdgeFact { from: from.to_string(), to: to.to_string(), edge });
        let last = self.facts.edges.len() - 1;
        &mut self.facts.edges[last].edge
    }

    /// The byte span, in the file, of `range` inside the value of `node`.
    pub fn sub_span(&self, node: &Doc, value: &str, range: std::ops::Range<usize>) -> Span {
        let raw = self.source.text.get(node.span.start..node.span.end).unwrap_or("");
        let inner_start = if raw.len() >= 2 && (raw.starts_with('"') || raw.starts_with('\'')) {
            node.span.start + 1
        } else {
            node.span.start
        };
        let inner = self.source.text.get(inner_start..).unwrap_or("");
        if inner.starts_with(value) {
            return Span::new(inner_start + range.start, inner_start + range.end);
        }
        // Escapes, folding or a block's indentation changed the text: find
        // the piece itself, the same occurrence of it as in the value.
        match same_occurrence(raw, value, range.clone()) {
            Some(at) => Span::new(node.span.start + at, node.span.start + at + range.len()),
            None => node.span,
        }
    }

    /// Describes the credentials in one value and links them to `owner`.
    /// `channel` says how the value reaches its consumer (env, header, argv…).
    pub fn credentials_in(&mut self, owner: &str, key: Option<&str>, node: &Doc, pointer: &str, channel: &str) {
        let Some(value) = node.scalar_text() else {
            return;
        };
        let ctx = ValueContext { template: self.template, header: channel == "header" };
        for fact in secrets::describe(key, &value, ctx) {
            let span = self.sub_span(node, &value, fact.range.clone());
            self.add_credential(owner, fact, span, pointer, channel);
        }
    }

    pub fn add_credential(&mut self, owner: &str, fact: SecretFact, span: Span, pointer: &str, channel: &str) {
        // Keyed by what it is, not where: a fingerprint must survive edits above
        // it. Never by the secret's hash: keys are printed as node ids.
        let identity = fact.name.clone().unwrap_or_else(|| fact.format.clone());
        let key = format!("cred:{}:{}:{}:{}", self.source.display, pointer, identity, fact.range.start);
        self.add_credential_as(&key, owner, fact, span, pointer, channel);
    }

    /// A credential under a key other files can name (a kagent ModelConfig's
    /// secret, which agents elsewhere refer to).
    pub fn add_credential_as(
        &mut self,
        cred_key: &str,
        owner: &str,
        fact: SecretFact,
        span: Span,
        pointer: &str,
        channel: &str,
    ) {
        let cred_key = cred_key.to_string();
        let loc = self.loc(span, pointer);
        let label = match (&fact.name, fact.storage) {
            (Some(name), Storage::Literal) => format!("{} ({name})", fact.display),
            (Some(name), _) => name.clone(),
            (None, _) => fact.display.clone(),
        };
        let mut node = Node::new(NodeKind::Credential, cred_key.clone(), label, Some(loc.clone()));
        node.set_str("storage", fact.storage.as_str(), Some(loc.clone()));
        node.set_str("provider", fact.provider, None);
        node.set_str("kind", fact.kind, None);
        node.set_str("format", fact.format, None);
        node.set_str("lifetime", fact.lifetime.as_str(), None);
        node.set_bool("human", fact.human, None);
        node.set_str("display", fact.display, None);
        node.set_str("channel", channel, None);
        node.set_str("file_format", self.format.id(), None);
        node.set_bool("template", self.template, None);
        if let Some(name) = fact.name {
            node.set_str("variable", name, None);
        }
        if let Some(hash) = fact.hash {
            node.set_str("hash", hash, None);
        }
        self.add_node(node);
        if owner.is_empty() {
            return;
        }
        let mut edge = Edge::new(EdgeKind::AuthenticatesWith, Some(loc));
        edge.set_str("via", channel, None);
        self.add_edge(owner, &cred_key, edge);
    }
}

/// The project directory a config file belongs to.
pub fn scope_of(display: &str) -> String {
    let path = display.replace('\\', "/");
    let dir = match path.rfind('/') {
        Some(i) => &path[..i],
        None => "",
    };
    const CONFIG_DIRS: &[&str] = &[
        ".claude/agents",
        ".kiro/settings",
        ".continue/mcpServers",
        ".config/goose",
        ".config/zed",
        ".cursor",
        ".vscode",
        ".claude",
        ".gemini",
        ".codex",
        ".zed",
        ".roo",
        ".amazonq",
        ".continue",
        ".amp",
        ".kilocode",
        ".github",
        ".opencode",
    ];
    for suffix in CONFIG_DIRS {
        if dir == *suffix || dir.starts_with(&format!("{suffix}/")) {
            return ".".into();
        }
        if let Some(rest) = dir.strip_suffix(&format!("/{suffix}")) {
            return rest.to_string();
        }
        // Deeper inside a config directory (`.claude/skills/x/SKILL.md`).
        if let Some(at) = dir.find(&format!("/{suffix}/")) {
            return dir[..at].to_string();
        }
    }
    if dir.is_empty() {
        ".".into()
    } else {
        dir.to_string()
    }
}

/// Runs the adapter for `format` over a parsed document, then finds tokens in
/// the raw text that no value accounted for (a token left in a comment).
pub fn adapt(file: FileId, source: &SourceFile, format: Format, docs: &[Doc]) -> Facts {
    let mut ctx = Ctx::new(file, source, format);
    let null = Doc::new(crate::source::Value::Null, Span::default());
    let doc = docs.first().unwrap_or(&null);
    match format.spec().adapt {
        registry::Adapt::First(adapt) => adapt(&mut ctx, doc),
        registry::Adapt::All(adapt) => adapt(&mut ctx, docs),
    }
    raw_tokens(&mut ctx);
    ctx.facts
}

/// Where in `raw` (a value as written) the piece `value[range]` stands: the
/// n-th occurrence of the piece there when it is the n-th in the value (the
/// second `npm i -g x` of a block is the second), else the last.
fn same_occurrence(raw: &str, value: &str, range: std::ops::Range<usize>) -> Option<usize> {
    let piece = value.get(range.clone()).filter(|p| !p.is_empty())?;
    let nth = value.get(..range.start)?.matches(piece).count();
    let mut found = raw.match_indices(piece).map(|(at, _)| at);
    let mut last = None;
    for (i, at) in found.by_ref().enumerate() {
        if i == nth {
            return Some(at);
        }
        last = Some(at);
    }
    last
}

fn raw_tokens(ctx: &mut Ctx<'_>) {
    let covered: HashSet<(usize, usize)> = ctx
        .facts
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Credential)
        .flat_map(|n| n.locs.iter().map(|l| (l.span.start, l.span.end)))
        .collect();
    let catalog = TokenCatalog::get();
    let text = &ctx.source.text;
    let found: Vec<_> = catalog
        .find_all(text)
        .into_iter()
        .filter(|m| !m.public && !covered.iter().any(|&(s, e)| m.start < e && s < m.end))
        .collect();
    if found.is_empty() {
        return;
    }
    let mut seen: HashMap<usize, usize> = HashMap::new();
    for m in found {
        let format = catalog.format(&m);
        // The n-th token of its format in the file: stable under edits above it.
        let nth = seen.entry(m.format).and_modify(|n| *n += 1).or_insert(0);
        let pointer = format!("text:{}:{nth}", format.id);
        let fact = SecretFact {
            storage: Storage::Literal,
            range: m.start..m.end,
            name: None,
            provider: format.provider.clone(),
            kind: format.kind.clone(),
            format: format.id.clone(),
            lifetime: m.lifetime,
            human: format.human,
            display: catalog.masked(&m),
            hash: Some(crate::redact::token_digest(&text[m.start..m.end])),
        };
        ctx.add_credential("", fact, Span::new(m.start, m.end), &pointer, "text");
    }
}

/// The node at `path` when it is `true` (or `"true"`).
pub fn true_at<'d>(doc: &'d Doc, path: &[&str]) -> Option<&'d Doc> {
    doc.at(path).filter(|n| n.as_bool() == Some(true))
}

/// `a.b.c` pointers for nested keys.
pub fn join(pointer: &str, key: &str) -> String {
    if pointer.is_empty() {
        key.to_string()
    } else {
        format!("{pointer}.{key}")
    }
}

/// True if `path` has a file name we would read.
pub fn is_candidate(path: &Path) -> bool {
    path.to_str().is_some_and(|p| classify_path(p).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_piece_is_found_where_it_stands_in_a_block() {
        let raw = "|\n  echo \"get x\"\n  npm i -g x\n";
        let value = "echo \"get x\"\nnpm i -g x\n";
        let second = value.rfind('x').unwrap();
        assert_eq!(same_occurrence(raw, value, second..second + 1), Some(raw.rfind('x').unwrap()));
        assert_eq!(same_occurrence(raw, value, 10..11), Some(raw.find('x').unwrap()));
        assert_eq!(same_occurrence(raw, "y", 0..1), None);
    }

    #[test]
    fn classifies_paths() {
        for (path, format) in [
            ("a/.cursor/mcp.json", Format::Cursor),
            (".vscode/mcp.json", Format::VsCode),
            (".mcp.json", Format::ClaudeCodeMcp),
            ("x/.claude/.mcp.json", Format::ClaudeCodeMcp),
            (".claude/settings.local.json", Format::ClaudeCodeSettings),
            ("claude_desktop_config.json", Format::ClaudeDesktop),
            (".gemini/settings.json", Format::Gemini),
            ("config/codex/config.toml", Format::Codex),
            (".codeium/windsurf/mcp_config.json", Format::Windsurf),
            (".kiro/settings/mcp.json", Format::Kiro),
            (".config/zed/settings.json", Format::Zed),
            (".continue/mcpServers/x.yaml", Format::Continue),
            ("a/.continue/agents/new-agent.yaml", Format::Continue),
            (".continue/assistants/x.yml", Format::Continue),
            (".config/goose/config.yaml", Format::Goose),
            (".env.local", Format::Dotenv),
        ] {
            assert_eq!(classify_path(path), Some(Candidate::Known(format)), "{path}");
        }
        assert_eq!(classify_path("README.md"), None);
        assert_eq!(classify_path("x/mcp.json"), Some(Candidate::Sniff(Syntax::Json)));
    }

    #[test]
    fn scopes() {
        assert_eq!(scope_of("a/b/.cursor/mcp.json"), "a/b");
        assert_eq!(scope_of(".claude/settings.json"), ".");
        assert_eq!(scope_of(".mcp.json"), ".");
        assert_eq!(scope_of("x/.kiro/settings/mcp.json"), "x");
    }
}
