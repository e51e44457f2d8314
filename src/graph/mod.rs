//! The privilege graph: agents, tools, credentials and resources, and the
//! edges between them. Every later stage reads only this.

mod autonomy;
mod build;
pub mod dump;
mod enrich;
mod memory;
pub mod reach;
mod text;
pub mod vocab;

use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasher;
use std::sync::Arc;

use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use serde::{Deserialize, Serialize};

use crate::source::{SourceFile, Span};

pub use build::build;
pub use enrich::path_scope;
pub use text::{Interner, Text};

/// The closed capability taxonomy (DESIGN.md).
pub const CAPABILITIES: &[&str] = &[
    "fs.read",
    "fs.write",
    "shell.exec",
    "code.exec",
    "net.fetch",
    "net.send",
    "db.read",
    "db.write",
    "secrets.read",
    "cloud.admin",
    "repo.write",
    "email.send",
    "payments",
    "browser",
];

/// Flow labels for toxic-flow analysis.
pub const FLOWS: &[&str] = &["untrusted_input", "private_data", "exfiltration"];

pub type FileId = usize;

/// Where a fact came from: a file, a byte span, and the key path of the value
/// in its document (`mcpServers.github.env.TOKEN`), which survives edits
/// elsewhere in the file and so goes into fingerprints.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    pub file: FileId,
    pub span: Span,
    pub pointer: Arc<str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Agent,
    Tool,
    Credential,
    Resource,
    /// What starts a CI agent: a workflow event, and who can cause it.
    Trigger,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Agent => "agent",
            NodeKind::Tool => "tool",
            NodeKind::Credential => "credential",
            NodeKind::Resource => "resource",
            NodeKind::Trigger => "trigger",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    Uses,
    DelegatesTo,
    AuthenticatesWith,
    Can,
    Grants,
    /// A trigger starts an agent and writes (part of) its input.
    Feeds,
}

impl EdgeKind {
    /// Every kind, in the order of [`EdgeKind::index`].
    pub const ALL: [EdgeKind; 6] = [
        EdgeKind::Uses,
        EdgeKind::DelegatesTo,
        EdgeKind::AuthenticatesWith,
        EdgeKind::Can,
        EdgeKind::Grants,
        EdgeKind::Feeds,
    ];

    /// The kind's place in [`EdgeKind::ALL`], for tables indexed by kind.
    pub fn index(self) -> usize {
        match self {
            EdgeKind::Uses => 0,
            EdgeKind::DelegatesTo => 1,
            EdgeKind::AuthenticatesWith => 2,
            EdgeKind::Can => 3,
            EdgeKind::Grants => 4,
            EdgeKind::Feeds => 5,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Uses => "uses",
            EdgeKind::DelegatesTo => "delegates_to",
            EdgeKind::AuthenticatesWith => "authenticates_with",
            EdgeKind::Can => "can",
            EdgeKind::Grants => "grants",
            EdgeKind::Feeds => "feeds",
        }
    }
}

/// One element of a list attribute; it may carry its own location. Most
/// items are worked out (a tool's capabilities) rather than written, so
/// the place is boxed, as an attribute's is.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub value: Text,
    pub loc: Option<Box<Loc>>,
}

impl Item {
    pub fn new(value: impl Into<Text>, loc: Option<Loc>) -> Item {
        Item { value: value.into(), loc: loc.map(Box::new) }
    }

    /// Where the item is written, when it is.
    pub fn loc(&self) -> Option<&Loc> {
        self.loc.as_deref()
    }

    /// Items without locations, from plain values (a catalog's capabilities).
    pub fn plain<S: AsRef<str>>(values: &[S]) -> Vec<Item> {
        values.iter().map(|v| Item { value: Text::known(v.as_ref()), loc: None }).collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    Bool(bool),
    Str(Text),
    List(Vec<Item>),
}

impl fmt::Display for AttrValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttrValue::Bool(b) => write!(f, "{b}"),
            AttrValue::Str(s) => f.write_str(s),
            AttrValue::List(items) => {
                let values: Vec<&str> = items.iter().map(|i| i.value.as_str()).collect();
                f.write_str(&values.join(", "))
            }
        }
    }
}

/// An attribute's value and, when a setting says it, where. Most attributes
/// are worked out rather than written, so the place is boxed: a node holds
/// a pointer for each instead of a whole location.
#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    pub value: AttrValue,
    pub loc: Option<Box<Loc>>,
}

/// A node's or an edge's attributes, by name, in name order. A sorted vector
/// rather than a `BTreeMap`: most hold a handful, and a B-tree leaf reserves
/// room for eleven, which made attributes most of a large scan's memory.
/// A name is held as its number in [`Names`]: two bytes rather than a
/// reference's sixteen, for each of the 700,000 attributes a scan of
/// 20,000 configs sets.
#[derive(Clone, Default, PartialEq)]
pub struct Attrs(Vec<(Name, Attr)>);

/// An attribute name's number in [`Names`], and its length: most names
/// differ in length, so a search compares it before looking the name up.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Name {
    number: u16,
    len: u16,
}

/// The one copy of each attribute name, numbered. Names come from the
/// vocabulary (and from code and catalogs, which the vocabulary test holds
/// to it), never from a scanned file, so the set is small and fixed.
struct Names {
    /// The vocabulary's names: numbered once, and read without a lock.
    known: Vec<&'static str>,
    number: HashMap<&'static str, u16>,
    /// A name the vocabulary lacks (a test's), numbered after the known.
    others: std::sync::Mutex<Vec<&'static str>>,
}

impl Names {
    fn get() -> &'static Names {
        static NAMES: std::sync::OnceLock<Names> = std::sync::OnceLock::new();
        NAMES.get_or_init(|| {
            let vocabulary = vocab::Vocabulary::get();
            let mut known: Vec<&'static str> = vocabulary
                .node
                .values()
                .chain(vocabulary.edge.values())
                .flat_map(|attrs| attrs.keys())
                .map(String::as_str)
                .collect();
            known.sort_unstable();
            known.dedup();
            let number = known.iter().enumerate().map(|(at, &name)| (name, Names::small(at))).collect();
            Names { known, number, others: std::sync::Mutex::new(Vec::new()) }
        })
    }

    /// A name's number or length: names are the vocabulary's and code's,
    /// few and short, never a scanned file's.
    fn small(n: usize) -> u16 {
        u16::try_from(n).expect("attribute names are few and short")
    }

    fn intern(&self, name: &str) -> Name {
        let len = Names::small(name.len());
        if let Some(&number) = self.number.get(name) {
            return Name { number, len };
        }
        let mut others = self.others.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let at = match others.iter().position(|other| *other == name) {
            Some(at) => at,
            None => {
                others.push(Box::leak(name.into()));
                others.len() - 1
            }
        };
        Name { number: Names::small(self.known.len() + at), len }
    }

    fn name(&self, Name { number, .. }: Name) -> &'static str {
        match self.known.get(usize::from(number)) {
            Some(name) => name,
            None => {
                let others = self.others.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                others[usize::from(number) - self.known.len()]
            }
        }
    }
}

impl Attrs {
    pub fn new() -> Self {
        Attrs(Vec::new())
    }

    fn position(&self, name: &str) -> Result<usize, usize> {
        let names = Names::get();
        self.0.binary_search_by(|(key, _)| names.name(*key).cmp(name))
    }

    /// Where `name` is, found by a walk rather than a binary search: a
    /// node holds a handful of names, and most differ in length, which is
    /// compared before any byte.
    fn find(&self, name: &str) -> Option<usize> {
        let names = Names::get();
        self.0.iter().position(|(key, _)| usize::from(key.len) == name.len() && names.name(*key) == name)
    }

    pub fn get(&self, name: &str) -> Option<&Attr> {
        self.find(name).map(|at| &self.0[at].1)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Sets `name`, replacing what it held.
    pub fn insert(&mut self, name: &str, attr: Attr) {
        match self.position(name) {
            Ok(at) => self.0[at].1 = attr,
            Err(at) => self.0.insert(at, (Names::get().intern(name), attr)),
        }
    }

    /// The attribute `name`, set to what `make` gives when it is missing.
    pub fn get_or_insert_with(&mut self, name: &str, make: impl FnOnce() -> Attr) -> &mut Attr {
        let at = match self.position(name) {
            Ok(at) => at,
            Err(at) => {
                self.0.insert(at, (Names::get().intern(name), make()));
                at
            }
        };
        &mut self.0[at].1
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Attr)> {
        let names = Names::get();
        self.0.iter().map(move |(key, attr)| (names.name(*key), attr))
    }

    /// Gives back the room kept for attributes not set: the graph holds
    /// every node to the end of the scan.
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }
}

impl fmt::Debug for Attrs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Attrs").field(&self.iter().collect::<Vec<_>>()).finish()
    }
}

impl IntoIterator for Attrs {
    type Item = (&'static str, Attr);
    type IntoIter = std::iter::Map<std::vec::IntoIter<(Name, Attr)>, fn((Name, Attr)) -> (&'static str, Attr)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter().map(|(key, attr)| (Names::get().name(key), attr))
    }
}

impl<'a> IntoIterator for &'a Attrs {
    type Item = (&'static str, &'a Attr);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (Name, Attr)>, fn(&'a (Name, Attr)) -> (&'static str, &'a Attr)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(key, attr)| (Names::get().name(*key), attr))
    }
}

/// A node of the graph. `key` identifies it across files: two facts with the
/// same key are the same thing, and merge.
#[derive(Debug, Clone)]
pub struct Node {
    pub kind: NodeKind,
    pub key: String,
    pub name: String,
    pub attrs: Attrs,
    pub locs: Vec<Loc>,
}

impl Node {
    pub fn new(kind: NodeKind, key: impl Into<String>, name: impl Into<String>, loc: Option<Loc>) -> Self {
        Node { kind, key: key.into(), name: name.into(), attrs: Attrs::new(), locs: loc.into_iter().collect() }
    }

    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.get(name)
    }

    pub fn str_attr(&self, name: &str) -> Option<&str> {
        match self.attrs.get(name).map(|a| &a.value) {
            Some(AttrValue::Str(s)) => Some(s),
            _ => None,
        }
    }

    pub fn list_attr(&self, name: &str) -> &[Item] {
        match self.attrs.get(name).map(|a| &a.value) {
            Some(AttrValue::List(items)) => items,
            _ => &[],
        }
    }

    /// Whether a bool attribute is set and true.
    pub fn is_true(&self, name: &str) -> bool {
        matches!(self.attrs.get(name).map(|a| &a.value), Some(AttrValue::Bool(true)))
    }
}

#[derive(Debug, Clone)]
pub struct Edge {
    pub kind: EdgeKind,
    pub attrs: Attrs,
    pub loc: Option<Loc>,
}

impl Edge {
    /// An edge of `kind`, located where the setting that makes it is written.
    pub fn new(kind: EdgeKind, loc: Option<Loc>) -> Self {
        Edge { kind, attrs: Attrs::new(), loc }
    }

    /// What this grant of `tool` allows: the edge's own `capabilities` or
    /// `flows` when the grant narrows them (`Bash(npm test:*)` is not a whole
    /// shell), the tool's otherwise.
    pub fn granted<'a>(&'a self, tool: &'a Node, list: &str) -> &'a [Item] {
        match self.attrs.get(list).map(|a| &a.value) {
            Some(AttrValue::List(items)) => items,
            _ => tool.list_attr(list),
        }
    }

    /// Whether `holder` uses this grant with nobody approving each call: the
    /// grant approves it (`auto_approve` all or some), the holder's
    /// approvals are off, or no person is there to ask (a framework agent or
    /// a CI job, whose grants carry no `auto_approve` of `none`).
    pub fn unprompted(&self, holder: &Node) -> bool {
        let prompted =
            matches!(self.attrs.get("auto_approve").map(|a| &a.value), Some(AttrValue::Str(s)) if s == "none");
        !prompted || !holder.list_attr("approval_bypass").is_empty()
    }
}

impl Node {
    /// How reports name the node: `claude-code`, `claude-code in web/`,
    /// `researcher (crewai, config)`. Names and scopes come from scanned
    /// files and paths: the label is masked, with controls made visible.
    pub fn label(&self) -> crate::redact::Shown {
        let scope = self.str_attr("scope").filter(|s| *s != ".");
        let label = match (self.kind, self.str_attr("framework"), scope) {
            (NodeKind::Agent, Some(framework), Some(scope)) => format!("{} ({framework}, {scope})", self.name),
            (NodeKind::Agent, Some(framework), None) => format!("{} ({framework})", self.name),
            (NodeKind::Agent, None, Some(scope)) => format!("{} in {scope}", self.name),
            _ => self.name.clone(),
        };
        crate::redact::Shown::new(&label)
    }

    /// Turned off in its config (`disabled: true`, `enabled: false`).
    pub fn is_disabled(&self) -> bool {
        matches!(self.attr("enabled").map(|a| &a.value), Some(AttrValue::Bool(false)))
    }
}

/// An edge as an adapter states it, between node keys.
#[derive(Debug, Clone)]
pub struct EdgeFact {
    pub from: String,
    pub to: String,
    pub edge: Edge,
}

/// What one file says: nodes and edges keyed by name. Adapters produce one per
/// file, with no shared state, so files can be read in parallel.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub nodes: Vec<Node>,
    pub edges: Vec<EdgeFact>,
    /// What the adapter could not accept in a strict format (our manifest),
    /// located: reported like syntax errors.
    pub problems: Vec<(crate::source::Span, String)>,
    /// Position in `nodes` by key: adapters look nodes up by key for every
    /// attribute they set, and a file may describe thousands.
    by_key: std::collections::HashMap<String, usize>,
    /// What a system manifest declares about the system as a whole.
    pub declared: Option<Declared>,
}

/// What an architect declares in a system manifest and no config can say:
/// the system's name and owner, its trust boundaries, and the risks accepted
/// or mitigated outside the configs. The threat model reads it.
#[derive(Debug, Clone, Default)]
pub struct Declared {
    pub name: Option<String>,
    pub description: Option<String>,
    pub owner: Option<String>,
    pub boundaries: Vec<DeclaredBoundary>,
    pub risks: Vec<DeclaredRisk>,
}

#[derive(Debug, Clone)]
pub struct DeclaredBoundary {
    pub name: String,
    pub description: Option<String>,
    pub loc: Loc,
}

/// A risk the architect has dealt with: `rule` (and, optionally, the one
/// `component` it is about) is `accepted` or `mitigated`, for `reason`,
/// until `expires` (`YYYY-MM-DD`) when given.
#[derive(Debug, Clone)]
pub struct DeclaredRisk {
    pub rule: String,
    pub component: Option<String>,
    pub status: String,
    pub reason: String,
    pub expires: Option<String>,
    pub loc: Loc,
}

impl Facts {
    /// Adds a node; the first node of a key is the one kept.
    pub fn add_node(&mut self, node: Node) {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.by_key.entry(node.key.clone()) {
            slot.insert(self.nodes.len());
        }
        self.nodes.push(node);
    }

    pub fn has_node(&self, key: &str) -> bool {
        self.by_key.contains_key(key)
    }

    pub fn node_mut(&mut self, key: &str) -> Option<&mut Node> {
        let at = *self.by_key.get(key)?;
        self.nodes.get_mut(at)
    }

    /// Shares this file's strings with those `interner` holds: the values
    /// and locations of every attribute, and the nodes' and edges' places.
    pub fn share_text(&mut self, interner: &mut Interner) {
        self.walk(&mut |part| match part {
            Part::Loc(loc) => interner.share(&mut loc.pointer),
            Part::Value(text) => interner.share_text(text),
        });
    }

    /// Says that these facts come from file `file`: the file's number is
    /// known only once every file has been read, after it was adapted.
    pub fn set_file(&mut self, file: FileId) {
        self.walk(&mut |part| {
            if let Part::Loc(loc) = part {
                loc.file = file;
            }
        });
    }

    /// Gives back the room kept for attributes, places and list items not
    /// set, and the index by key, which only adapting uses (`node_mut`
    /// finds nothing afterwards): a file's facts are held until every file
    /// has been read. Lists are trimmed here, in the worker, and not again
    /// once the graph is built: reallocating them then, at the scan's
    /// peak, raised peak memory by 5 MiB on a 20,000-config tree.
    pub fn shrink_to_fit(&mut self) {
        fn attrs(attrs: &mut Attrs) {
            attrs.shrink_to_fit();
            for (_, attr) in attrs.0.iter_mut() {
                if let AttrValue::List(items) = &mut attr.value {
                    items.shrink_to_fit();
                }
            }
        }
        for node in &mut self.nodes {
            attrs(&mut node.attrs);
            node.locs.shrink_to_fit();
        }
        self.edges.iter_mut().for_each(|fact| attrs(&mut fact.edge.attrs));
        self.nodes.shrink_to_fit();
        self.edges.shrink_to_fit();
        self.by_key = Default::default();
    }

    /// Every place and every string value these facts hold.
    fn walk(&mut self, visit: &mut dyn FnMut(Part<'_>)) {
        fn attrs(attrs: &mut Attrs, visit: &mut dyn FnMut(Part<'_>)) {
            for (_, attr) in attrs.0.iter_mut() {
                if let Some(loc) = attr.loc.as_deref_mut() {
                    visit(Part::Loc(loc));
                }
                match &mut attr.value {
                    AttrValue::Str(text) => visit(Part::Value(text)),
                    AttrValue::List(items) => {
                        for item in items {
                            visit(Part::Value(&mut item.value));
                            if let Some(loc) = item.loc.as_deref_mut() {
                                visit(Part::Loc(loc));
                            }
                        }
                    }
                    AttrValue::Bool(_) => {}
                }
            }
        }
        for node in &mut self.nodes {
            attrs(&mut node.attrs, visit);
            node.locs.iter_mut().for_each(|loc| visit(Part::Loc(loc)));
        }
        for fact in &mut self.edges {
            attrs(&mut fact.edge.attrs, visit);
            if let Some(loc) = fact.edge.loc.as_mut() {
                visit(Part::Loc(loc));
            }
        }
        if let Some(declared) = &mut self.declared {
            declared.boundaries.iter_mut().for_each(|b| visit(Part::Loc(&mut b.loc)));
            declared.risks.iter_mut().for_each(|r| visit(Part::Loc(&mut r.loc)));
        }
    }
}

/// What [`Facts::walk`] hands over: a place, or a string value.
enum Part<'a> {
    Loc(&'a mut Loc),
    Value(&'a mut Text),
}

/// Setting attributes on nodes and edges, with or without a location.
pub trait SetAttr {
    fn attrs_mut(&mut self) -> &mut Attrs;

    fn set(&mut self, name: &str, value: AttrValue, loc: Option<Loc>) {
        self.attrs_mut().insert(name, Attr { value, loc: loc.map(Box::new) });
    }
    fn set_str(&mut self, name: &str, value: impl Into<Text>, loc: Option<Loc>) {
        self.set(name, AttrValue::Str(value.into()), loc);
    }
    fn set_bool(&mut self, name: &str, value: bool, loc: Option<Loc>) {
        self.set(name, AttrValue::Bool(value), loc);
    }
    fn set_list(&mut self, name: &str, items: Vec<Item>, loc: Option<Loc>) {
        self.set(name, AttrValue::List(items), loc);
    }
    /// Appends to a list attribute, creating it if needed.
    fn push_item(&mut self, name: &str, item: Item) {
        let attr = self.attrs_mut().get_or_insert_with(name, || Attr { value: AttrValue::List(Vec::new()), loc: None });
        match &mut attr.value {
            AttrValue::List(items) => items.push(item),
            other => *other = AttrValue::List(vec![item]),
        }
    }
}

impl SetAttr for Node {
    fn attrs_mut(&mut self) -> &mut Attrs {
        &mut self.attrs
    }
}

impl SetAttr for Edge {
    fn attrs_mut(&mut self) -> &mut Attrs {
        &mut self.attrs
    }
}

/// Nodes by key: a table of node numbers, each found by hashing the key its
/// node holds, rather than a map holding a second copy of every key (with
/// its table, 7 MB of a 20,000-config scan).
struct KeyIndex {
    table: hashbrown::HashTable<NodeIndex>,
    hasher: std::hash::RandomState,
}

impl KeyIndex {
    fn with_capacity(nodes: usize) -> Self {
        KeyIndex { table: hashbrown::HashTable::with_capacity(nodes), hasher: Default::default() }
    }

    fn get(&self, graph: &StableDiGraph<Node, Edge>, key: &str) -> Option<NodeIndex> {
        let hash = self.hasher.hash_one(key);
        self.table.find(hash, |&index| graph[index].key == key).copied()
    }

    /// Files `index` under its node's key, which no other node has.
    fn insert(&mut self, graph: &StableDiGraph<Node, Edge>, index: NodeIndex) {
        let hasher = &self.hasher;
        let hash = hasher.hash_one(graph[index].key.as_str());
        self.table.insert_unique(hash, index, |&other| hasher.hash_one(graph[other].key.as_str()));
    }
}

/// The privilege graph and the files its facts came from.
pub struct Graph {
    pub graph: StableDiGraph<Node, Edge>,
    by_key: KeyIndex,
    pub files: Vec<Arc<SourceFile>>,
    /// Each system manifest's declarations, in file order.
    pub declared: Vec<Declared>,
    /// The nodes in key order, worked out once the graph is built: every
    /// stage after it walks them in this order.
    sorted: Vec<NodeIndex>,
}

impl Graph {
    pub fn node(&self, index: NodeIndex) -> &Node {
        &self.graph[index]
    }

    /// The node whose key is `key`.
    pub fn index_of(&self, key: &str) -> Option<NodeIndex> {
        self.by_key.get(&self.graph, key)
    }

    /// Adds `node`, whose key no node has yet.
    fn add_node(&mut self, node: Node) -> NodeIndex {
        let index = self.graph.add_node(node);
        self.by_key.insert(&self.graph, index);
        index
    }

    /// Node indices in a stable order (by key), so evaluation is deterministic.
    /// The nodes in key order: a copy of the order kept when the graph was
    /// built, sorted again only while it is being built (nodes are added
    /// then, never removed).
    pub fn sorted_nodes(&self) -> Vec<NodeIndex> {
        if self.sorted.len() == self.graph.node_count() {
            return self.sorted.clone();
        }
        self.sorted_among(self.graph.node_indices())
    }

    /// `nodes` in key order: sorted beside their keys (no trip into the
    /// node array per comparison), on every core. Keys are unique, so the
    /// order is the same however the sort splits the work.
    fn sorted_among(&self, nodes: impl Iterator<Item = NodeIndex>) -> Vec<NodeIndex> {
        use rayon::slice::ParallelSliceMut;
        let mut nodes: Vec<(&str, NodeIndex)> = nodes.map(|n| (self.graph[n].key.as_str(), n)).collect();
        nodes.par_sort_unstable();
        nodes.into_iter().map(|(_, n)| n).collect()
    }

    /// Keeps the key order from here on: called once no more nodes are
    /// added. `before` is the order taken before the last nodes were
    /// added; only those are sorted, then merged in.
    pub(super) fn keep_order(&mut self, before: Vec<NodeIndex>) {
        let mut known = vec![false; petgraph::visit::NodeIndexable::node_bound(&self.graph)];
        before.iter().for_each(|n| known[n.index()] = true);
        let added = self.sorted_among(self.graph.node_indices().filter(|n| !known[n.index()]));
        let key = |n: &NodeIndex| self.graph[*n].key.as_str();
        let mut sorted = Vec::with_capacity(before.len() + added.len());
        let (mut old, mut new) = (before.into_iter().peekable(), added.into_iter().peekable());
        loop {
            let next = match (old.peek(), new.peek()) {
                (Some(a), Some(b)) if key(a) <= key(b) => old.next(),
                (_, Some(_)) => new.next(),
                (Some(_), None) => old.next(),
                (None, None) => break,
            };
            sorted.extend(next);
        }
        self.sorted = sorted;
    }

    pub fn file(&self, id: FileId) -> Option<&Arc<SourceFile>> {
        self.files.get(id)
    }
}

#[cfg(test)]
mod tests {
    use super::EdgeKind;

    #[test]
    fn every_edge_kind_sits_at_its_index() {
        for (at, kind) in EdgeKind::ALL.iter().enumerate() {
            assert_eq!(kind.index(), at, "{}", kind.as_str());
        }
    }
}
