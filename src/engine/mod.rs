//! Engine stage: rules as data, evaluated over the privilege graph.

mod paths;
pub mod rule;

use std::borrow::Cow;
use std::sync::OnceLock;

use petgraph::stable_graph::{EdgeIndex, EdgeReference, NodeIndex};
use petgraph::visit::{EdgeRef, IntoEdgeReferences, NodeIndexable};
use rayon::prelude::*;

use crate::findings::{ChainStep, Finding, Location, MessagePart};
use crate::graph::reach::Adjacency;
use crate::graph::{AttrValue, Attrs, Edge, EdgeKind, Graph, Item, Loc, Node};
use crate::redact::Shown;
pub use rule::{
    Category, Condition, Confidence, Control, EdgePattern, FailOn, Match, NodePattern, Op, Pattern, Rule, Severity,
    SourceCheck, SuppressionCheck, TestValue, WhenDisabled,
};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/rule_files.rs"));
}

/// A rule file that failed to load: which, where (in the message, as
/// `line:column:`), why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct RuleError {
    pub path: String,
    pub message: String,
}

/// A rule's embedded examples: (path, text) that triggers it, and one that does not.
pub struct Examples {
    pub positive: (&'static str, &'static str),
    pub negative: (&'static str, &'static str),
}

pub fn examples(rule_id: &str) -> Option<Examples> {
    embedded::RULE_EXAMPLES
        .iter()
        .find(|(id, ..)| *id == rule_id)
        .map(|(_, pp, pt, np, nt)| Examples { positive: (pp, pt), negative: (np, nt) })
}

/// Rules from a directory at run time (`rule_dirs` in the config): every
/// `.yaml` file below it, each one rule.
pub fn load_rule_dir(dir: &std::path::Path) -> Result<Vec<Rule>, RuleError> {
    let mut rules = Vec::new();
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    for file in files {
        let path = file.display().to_string();
        let text =
            std::fs::read_to_string(&file).map_err(|e| RuleError { path: path.clone(), message: e.to_string() })?;
        let rule: Rule =
            crate::yaml::from_str(&text).map_err(|e| RuleError { path: path.clone(), message: e.to_string() })?;
        rules.push(checked(&path, &text, rule)?);
    }
    Ok(rules)
}

/// The rules built into the binary, with the file each came from.
pub fn builtin_rules() -> Result<Vec<(String, Rule)>, RuleError> {
    let mut rules = Vec::new();
    for (path, text, json) in embedded::RULE_FILES {
        // Read as YAML at build time; the YAML text locates any problem.
        let rule: Rule =
            serde_json::from_str(json).map_err(|e| RuleError { path: path.to_string(), message: e.to_string() })?;
        rules.push((path.to_string(), checked(path, text, rule)?));
    }
    rules.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    Ok(rules)
}

/// The rule, if every attribute, value and message variable it names is in
/// the graph's vocabulary; otherwise each problem, located in the file.
fn checked(path: &str, text: &str, rule: Rule) -> Result<Rule, RuleError> {
    let mut problems = crate::graph::vocab::Vocabulary::get().check(&rule);
    // Ids and names are printed bare (terminal headers, CI commands, links)
    // and come from a repository's own rule files: plain words only.
    for (key, value) in [("id", &rule.id), ("name", &rule.name)] {
        let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if value.is_empty() || !value.chars().all(plain) {
            let message = format!("{key} `{}` may hold only letters, digits, `-` and `_`", crate::redact::shown(value));
            problems.push((value.clone(), message, key));
        }
    }
    if problems.is_empty() {
        return Ok(rule);
    }
    let lines = crate::source::LineIndex::new(text);
    let located: Vec<String> = problems
        .iter()
        .map(|(needle, message, section)| {
            // The first place the name is written as a whole word in its section.
            let from = text.find(&format!("\n{section}:")).unwrap_or(0);
            let at = whole_word(text, needle, from).or_else(|| whole_word(text, needle, 0)).unwrap_or(0);
            let (line, column) = lines.line_col(text, at);
            format!("{line}:{column}: {message}")
        })
        .collect();
    Err(RuleError { path: path.to_string(), message: located.join(&format!("\n{path}: ")) })
}

fn whole_word(text: &str, word: &str, from: usize) -> Option<usize> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-';
    let mut start = from;
    while let Some(found) = text.get(start..)?.find(word) {
        let at = start + found;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        if !before.is_some_and(is_word) && !after.is_some_and(is_word) {
            return Some(at);
        }
        start = at + word.len();
    }
    None
}

/// One place a rule matched, before it becomes a finding.
#[derive(Default)]
struct Hit<'g> {
    node: Option<&'g Node>,
    edge_attrs: Option<&'g Attrs>,
    from: Option<&'g Node>,
    to: Option<&'g Node>,
    item: Option<&'g Item>,
    loc: Option<Loc>,
    /// The edges of a path finding, from its origin.
    chain: Vec<EdgeIndex>,
    /// Values computed by path patterns: `hops`, `path`, `flows`, `members`.
    vars: Vec<(&'static str, String)>,
    /// What the fingerprint hashes of the computed values, when it is not
    /// all of `vars` (see `paths::path_hits`).
    identity: Option<String>,
}

impl<'g> Hit<'g> {
    /// A hit about `node` that follows `chain`, with its computed values.
    fn along(node: &'g Node, loc: Option<Loc>, chain: Vec<EdgeIndex>, vars: Vec<(&'static str, String)>) -> Self {
        Hit { node: Some(node), loc, chain, vars, ..Hit::default() }
    }
}

/// Evaluates every rule over the graph. Pure; output in a stable order.
pub fn evaluate(rules: &[Rule], graph: &Graph) -> Vec<Finding> {
    let order = Order::new(graph);
    // Rules are independent: each core takes some; the sort below makes the
    // order the same as on one core.
    let per_rule: Vec<Vec<Finding>> = rules
        .par_iter()
        .map(|rule| {
            let order = &order;
            rule.matcher
                .patterns()
                .iter()
                .flat_map(move |pattern| {
                    matches(pattern, graph, order)
                        .into_iter()
                        .filter_map(move |hit| finding(rule, pattern, &hit, graph, order))
                })
                .collect()
        })
        .collect();
    // The evaluation's tables go before the findings are gathered in one
    // vector: the two together were a large scan's peak of memory.
    drop(order);
    let mut findings = Vec::with_capacity(per_rule.iter().map(Vec::len).sum());
    for rule_findings in per_rule {
        findings.extend(rule_findings);
    }
    crate::findings::sort_and_dedup(&mut findings);
    findings
}

/// The rules that ask for `wanted`: how the stages that judge what the graph
/// does not hold (inline suppressions, duplicate keys) find the rules to
/// report under, by what the rules match rather than by their ids.
pub fn rules_asking(rules: &[Rule], wanted: Pattern) -> impl Iterator<Item = &Rule> {
    rules.iter().filter(move |rule| {
        rule.matcher.patterns().iter().any(|p| match (p, &wanted) {
            (Pattern::Suppression(a), Pattern::Suppression(b)) => a == b,
            (Pattern::Source(a), Pattern::Source(b)) => a == b,
            _ => false,
        })
    })
}

/// A finding of a rule that the engine does not match (see [`rules_asking`]),
/// its message rendered from the rule's template with `vars`, as the
/// engine renders its own.
pub fn finding_of(
    rule: &Rule,
    vars: Vec<(&'static str, String)>,
    file: &crate::source::SourceFile,
    loc: Loc,
    subject: &str,
) -> Finding {
    let hit = Hit { vars, ..Hit::default() };
    let parts = render(&rule.shared().message, &hit);
    let message: String = parts.iter().map(|p| p.text.as_str()).collect();
    let mut finding = Finding::of_rule(rule, message, file, loc, subject);
    finding.parts = parts;
    finding
}

/// Nodes and edges in a stable order, and sorted adjacency for path
/// searches, computed once per evaluation.
struct Order<'g> {
    nodes: Vec<NodeIndex>,
    edges: Vec<EdgeReference<'g, Edge>>,
    adjacency: Adjacency,
    chains: ChainText,
}

impl<'g> Order<'g> {
    fn new(graph: &'g Graph) -> Self {
        let mut edges: Vec<_> = (&graph.graph).edge_references().collect();
        edges.sort_by_cached_key(|e| {
            (graph.node(e.source()).key.as_str(), graph.node(e.target()).key.as_str(), e.weight().loc.as_ref())
        });
        Order { nodes: graph.sorted_nodes(), edges, adjacency: Adjacency::new(graph), chains: ChainText::new(graph) }
    }
}

fn matches<'g>(pattern: &Pattern, graph: &'g Graph, order: &Order<'g>) -> Vec<Hit<'g>> {
    let mut hits = Vec::new();
    match pattern {
        Pattern::Path(path) => hits.extend(paths::path_hits(graph, order, path)),
        Pattern::Reach(reach) => hits.extend(paths::reach_hits(graph, order, reach)),
        Pattern::Cycle(cycle) => hits.extend(paths::cycle_hits(graph, order, cycle)),
        Pattern::Shared(shared) => hits.extend(paths::shared_hits(graph, order, shared)),
        Pattern::Node(p) => node_hits(graph, order, p, &mut hits),
        Pattern::Edge(p) => edge_hits(graph, order, p, &mut hits),
        // Made by the stages that see what they judge (crate::suppress, crate::scan).
        Pattern::Suppression(_) | Pattern::Source(_) => {}
    }
    hits
}

fn node_hits<'g>(graph: &'g Graph, order: &Order<'g>, p: &NodePattern, hits: &mut Vec<Hit<'g>>) {
    for &index in &order.nodes {
        let node = graph.node(index);
        if node.kind != p.kind || !p.condition.as_ref().is_none_or(|c| test(c, &node.attrs, Some(node))) {
            continue;
        }
        let at = p.at.as_deref().and_then(|a| node.attrs.get(a)).and_then(|a| a.loc.as_deref().cloned());
        let base = at.or_else(|| node.locs.first().cloned());
        let make = |item, loc| Hit { node: Some(node), item, loc, ..Hit::default() };
        expand(p.for_each.as_deref(), &node.attrs, base, make, hits);
    }
}

fn edge_hits<'g>(graph: &'g Graph, order: &Order<'g>, p: &EdgePattern, hits: &mut Vec<Hit<'g>>) {
    // A grant an agent inherits (an opencode agent's from the global
    // `permission`) is reported once, on the agent that holds it first; a
    // client's default assumed without its config file is reported where
    // the config is. Reach and path rules still walk both.
    let inherited = |e: &&EdgeReference<'g, Edge>| {
        e.weight().attrs.contains_key("inherited") || e.weight().attrs.contains_key("client_default")
    };
    for edge in order.edges.iter().filter(|e| e.weight().kind == p.kind && !inherited(e)) {
        let from = graph.node(edge.source());
        let to = graph.node(edge.target());
        let weight = edge.weight();
        let ok = p.condition.as_ref().is_none_or(|c| test(c, &weight.attrs, None))
            && p.from.as_ref().is_none_or(|c| test(c, &from.attrs, Some(from)))
            && p.to.as_ref().is_none_or(|c| test(c, &to.attrs, Some(to)));
        if !ok {
            continue;
        }
        let at = p.at.as_deref().and_then(|a| {
            weight
                .attrs
                .get(a)
                .or_else(|| to.attrs.get(a))
                .or_else(|| from.attrs.get(a))
                .and_then(|a| a.loc.as_deref().cloned())
        });
        let base = at.or_else(|| weight.loc.clone());
        let make = |item, loc| Hit {
            edge_attrs: Some(&weight.attrs),
            from: Some(from),
            to: Some(to),
            item,
            loc,
            ..Hit::default()
        };
        expand(p.for_each.as_deref(), &weight.attrs, base, make, hits);
    }
}

/// One hit, or one per item of the `for_each` list.
fn expand<'g>(
    for_each: Option<&str>,
    attrs: &'g Attrs,
    base: Option<Loc>,
    make: impl Fn(Option<&'g Item>, Option<Loc>) -> Hit<'g>,
    hits: &mut Vec<Hit<'g>>,
) {
    match for_each {
        None => hits.push(make(None, base)),
        Some(list) => {
            if let Some(AttrValue::List(items)) = attrs.get(list).map(|a| &a.value) {
                for item in items {
                    hits.push(make(Some(item), item.loc().cloned().or_else(|| base.clone())));
                }
            }
        }
    }
}

/// Attribute value, with `kind` and `name` as pseudo-attributes of nodes.
fn lookup<'a>(attrs: &'a Attrs, node: Option<&'a Node>, name: &str) -> Option<Cow<'a, AttrValue>> {
    if let Some(attr) = attrs.get(name) {
        return Some(Cow::Borrowed(&attr.value));
    }
    let node = node?;
    match name {
        "kind" => Some(Cow::Owned(AttrValue::Str(node.kind.as_str().into()))),
        "name" => Some(Cow::Owned(AttrValue::Str(node.name.as_str().into()))),
        _ => None,
    }
}

/// The value as the strings a test compares: a list's items, or the value.
/// An iterator: a test runs for every node of every rule, and needs no list.
fn strings(value: &AttrValue) -> impl Iterator<Item = &str> {
    let (items, one): (&[Item], Option<&str>) = match value {
        AttrValue::List(items) => (items, None),
        AttrValue::Str(s) => (&[], Some(s.as_str())),
        AttrValue::Bool(b) => (&[], Some(if *b { "true" } else { "false" })),
    };
    items.iter().map(|i| i.value.as_str()).chain(one)
}

pub fn test(condition: &Condition, attrs: &Attrs, node: Option<&Node>) -> bool {
    match condition {
        Condition::All { all } => all.iter().all(|c| test(c, attrs, node)),
        Condition::Any { any } => any.iter().any(|c| test(c, attrs, node)),
        Condition::Not { not } => !test(not, attrs, node),
        Condition::Attr(t) => {
            let value = lookup(attrs, node, &t.attr);
            let wanted = |v: &str| t.value.as_ref().is_some_and(|w| w.contains(v));
            let single = || match value.as_deref() {
                Some(AttrValue::List(_)) | None => None,
                Some(v) => strings(v).next(),
            };
            match t.op {
                Op::Exists => match value.as_deref() {
                    Some(AttrValue::List(items)) => !items.is_empty(),
                    Some(AttrValue::Str(s)) => !s.is_empty(),
                    Some(AttrValue::Bool(_)) => true,
                    None => false,
                },
                Op::IsTrue => matches!(value.as_deref(), Some(AttrValue::Bool(true))),
                Op::IsFalse => matches!(value.as_deref(), Some(AttrValue::Bool(false))),
                Op::Equals => single().is_some_and(wanted),
                Op::NotEquals => !single().is_some_and(wanted),
                Op::Within => value.as_deref().is_some_and(|v| {
                    let mut all = strings(v).peekable();
                    all.peek().is_some() && all.all(wanted)
                }),
                Op::ContainsAny => value.as_deref().is_some_and(|v| strings(v).any(wanted)),
            }
        }
    }
}

/// Renders `{{ node.x }}`, `{{ from.x }}`, `{{ to.x }}`, `{{ edge.x }}` and
/// `{{ item }}` from attributes (`{{ node.x | or: words }}` when x may be
/// absent); attributes never hold secret values.
/// The message, as pieces: the rule's words and the values put in them.
/// A piece of a rule's message template, parsed once per rule: the rule's
/// own words, masked once and shared by its findings, or a value each
/// finding fills in (`{{ node.x | or: words }}`: the words when x is empty).
#[derive(Debug, Clone)]
pub(crate) enum Piece {
    Words(Shown),
    Value { expr: String, default: Option<Shown> },
}

pub(crate) fn pieces(template: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        pieces.push(Piece::Words(Shown::new(&rest[..open])));
        let Some(close) = rest[open..].find("}}") else {
            rest = &rest[open..];
            break;
        };
        let (expr, default) = match rest[open + 2..open + close].split_once("| or:") {
            Some((expr, words)) => (expr.trim(), Some(Shown::new(words.trim()))),
            None => (rest[open + 2..open + close].trim(), None),
        };
        pieces.push(Piece::Value { expr: expr.to_string(), default });
        rest = &rest[open + close + 2..];
    }
    // The words after the last value, or an unclosed `{{` as written.
    pieces.push(Piece::Words(Shown::new(rest)));
    pieces.retain(|p| !matches!(p, Piece::Words(words) if words.is_empty()));
    pieces
}

fn render(pieces: &[Piece], hit: &Hit<'_>) -> Vec<MessagePart> {
    let ours = |text: &Shown| MessagePart { text: text.clone(), from_file: false };
    let mut parts = Vec::with_capacity(pieces.len());
    for piece in pieces {
        match piece {
            Piece::Words(words) => parts.push(ours(words)),
            Piece::Value { expr, default } => match (resolve(expr, hit), default) {
                (value, Some(words)) if value.is_empty() => parts.push(ours(words)),
                (value, _) => parts.push(MessagePart { text: Shown::new(&value), from_file: true }),
            },
        }
    }
    parts.retain(|p| !p.text.is_empty());
    parts
}

/// Characters of one value quoted in a message: a name of megabytes (a
/// minified or hostile file) must not make the message as long.
const MAX_QUOTED: usize = 120;

fn clip(value: &str, max: usize) -> String {
    match value.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &value[..at]),
        None => value.to_string(),
    }
}

fn resolve(expr: &str, hit: &Hit<'_>) -> String {
    if expr == "item" {
        return hit.item.map(|i| clip(&i.value, MAX_QUOTED)).unwrap_or_default();
    }
    // Composed by the path rules from names: longer, but still bounded.
    if let Some((_, value)) = hit.vars.iter().find(|(name, _)| *name == expr) {
        return clip(value, 8 * MAX_QUOTED);
    }
    let (scope, name) = expr.split_once('.').unwrap_or(("node", expr));
    let value = match scope {
        "node" => hit.node.and_then(|n| lookup(&n.attrs, Some(n), name)),
        "from" => hit.from.and_then(|n| lookup(&n.attrs, Some(n), name)),
        "to" => hit.to.and_then(|n| lookup(&n.attrs, Some(n), name)),
        "edge" => hit.edge_attrs.and_then(|a| lookup(a, None, name)),
        _ => None,
    };
    // A name from a scanned file may carry terminal escape codes (show, never
    // obey) or a token (attributes are masked where they are made; this is
    // the second line of defence).
    value.map(|v| clip(&crate::redact::shown(&v.to_string()), MAX_QUOTED)).unwrap_or_default()
}

fn finding(rule: &Rule, pattern: &Pattern, hit: &Hit<'_>, graph: &Graph, order: &Order<'_>) -> Option<Finding> {
    let loc = hit.loc.clone()?;
    let file = graph.file(loc.file)?;
    // What the finding is about, beyond where: the item, the digest of an
    // issued token (another token is another finding), the endpoints.
    // Changes in it change the fingerprint. Passwords and other guessable
    // secrets carry a per-scan keyed hash, left out: a fingerprint must not
    // confirm a guess.
    let token_digest = hit
        .node
        .filter(|n| !matches!(n.str_attr("format"), None | Some("generic" | "url-password" | "reference")))
        .and_then(|n| n.str_attr("hash"));
    let subject = [
        hit.item.map(|i| i.value.to_string()).unwrap_or_default(),
        token_digest.unwrap_or_default().to_string(),
        hit.node.map(|n| n.key.clone()).unwrap_or_default(),
        hit.from.map(|n| n.key.clone()).unwrap_or_default(),
        hit.to.map(|n| n.key.clone()).unwrap_or_default(),
        pattern.at().unwrap_or_default().to_string(),
        // `origin` and `target` are nodes already in the subject.
        hit.identity.clone().unwrap_or_else(|| {
            let values = hit.vars.iter().filter(|(name, _)| !matches!(*name, "origin" | "target"));
            values.map(|(_, v)| v.as_str()).collect::<Vec<_>>().join(",")
        }),
    ]
    .join("\u{1f}");
    let chain = order.chains.steps(graph, &hit.chain);
    let parts = render(&rule.shared().message, hit);
    let message: String = parts.iter().map(|p| p.text.as_str()).collect();
    let mut finding = Finding::of_rule(rule, message, file, loc, &subject);
    finding.parts = parts;
    finding.chain = chain;
    finding.subjects = [hit.node, hit.from, hit.to].into_iter().flatten().map(|n| n.key.clone()).collect();
    if rule.when_disabled == WhenDisabled::Info && hit.node.or(hit.to).is_some_and(Node::is_disabled) {
        finding.severity = Severity::Info;
        finding.add_note("; the server is disabled, but one setting turns it back on");
    } else if rests_on_names(graph, &hit.chain) {
        finding.severity = finding.severity.lowered();
        finding.confidence = Confidence::Low;
        finding.add_note(" (every tool in it is judged by its name only)");
    }
    Some(finding)
}

/// Whether every tool a chain ends in was judged by its name alone: the
/// catalog does not know it, it declares nothing, and the grant does not
/// narrow it. A finding built only on such guesses says so, one step less
/// severe (the accuracy issue: a name like "search" is not proof of web input).
fn rests_on_names(graph: &Graph, chain: &[EdgeIndex]) -> bool {
    let mut legs = chain.iter().filter(|e| graph.graph[**e].kind == EdgeKind::Uses).peekable();
    legs.peek().is_some()
        && legs.all(|e| {
            let edge = &graph.graph[*e];
            let narrowed = edge.attrs.contains_key("capabilities") || edge.attrs.contains_key("flows");
            let tool = graph.graph.edge_endpoints(*e).map(|(_, t)| graph.node(t));
            !narrowed && tool.is_some_and(|t| t.str_attr("capability_source") == Some("inferred"))
        })
}

/// How chain steps show nodes and edges, each worked out once per
/// evaluation: thousands of chains pass the same nodes, and each name is
/// masked before it is shown.
struct ChainText {
    /// Per node: `kind:name`, its id, where it is defined. Boxed: most
    /// nodes are on no chain, and an empty slot is then 16 bytes, not 120.
    #[allow(clippy::type_complexity)]
    nodes: Vec<OnceLock<Box<(Shown, Shown, Option<Location>)>>>,
    edges: [Shown; 6],
}

impl ChainText {
    fn new(graph: &Graph) -> Self {
        ChainText {
            nodes: (0..graph.graph.node_bound()).map(|_| OnceLock::new()).collect(),
            edges: EdgeKind::ALL.map(|k| Shown::new(k.as_str())),
        }
    }

    fn locate(&self, graph: &Graph, loc: Option<&Loc>) -> Option<Location> {
        let loc = loc?;
        let file = graph.file(loc.file)?;
        Some(Location::of(file, loc.span))
    }

    fn node(&self, graph: &Graph, index: NodeIndex) -> &(Shown, Shown, Option<Location>) {
        self.nodes[index.index()].get_or_init(|| {
            // Names come from scanned files: masked, with control characters
            // made visible (by `Shown`, once).
            let node = graph.node(index);
            let label = Shown::new(&format!("{}:{}", node.kind.as_str(), node.name));
            Box::new((label, Shown::new(&node.key), self.locate(graph, node.locs.first())))
        })
    }

    /// The chain as users read it: each node with the edge that leaves it
    /// and where that edge is written, then the final node and where it is
    /// defined.
    fn steps(&self, graph: &Graph, chain: &[EdgeIndex]) -> Vec<ChainStep> {
        let mut steps = Vec::new();
        for (i, edge) in chain.iter().enumerate() {
            let Some((source, target)) = graph.graph.edge_endpoints(*edge) else { continue };
            let weight = &graph.graph[*edge];
            let (node, id, _) = self.node(graph, source);
            steps.push(ChainStep {
                node: node.clone(),
                id: id.clone(),
                edge: Some(self.edges[weight.kind.index()].clone()),
                location: self.locate(graph, weight.loc.as_ref()),
            });
            // A chain may join several paths (a reach finding): close each one.
            let next_starts_here =
                chain.get(i + 1).and_then(|e| graph.graph.edge_endpoints(*e)).is_some_and(|(s, _)| s == target);
            if !next_starts_here {
                let (node, id, location) = self.node(graph, target);
                steps.push(ChainStep { node: node.clone(), id: id.clone(), edge: None, location: location.clone() });
            }
        }
        steps
    }
}

#[cfg(test)]
mod tests {
    use super::{pieces, render, Hit};

    fn message(template: &str) -> Vec<(String, bool)> {
        let hit = Hit { vars: vec![("hops", "2".into()), ("path", String::new())], ..Hit::default() };
        render(&pieces(template), &hit).into_iter().map(|p| (p.text.to_string(), p.from_file)).collect()
    }

    #[test]
    fn a_template_renders_our_words_and_the_values_each_finding_fills_in() {
        let ours = |s: &str| (s.to_string(), false);
        assert_eq!(message("in {{hops}} hops"), [ours("in "), ("2".into(), true), ours(" hops")]);
        // An empty value gives way to the rule's words; an empty piece is dropped.
        assert_eq!(message("{{ path | or: no path }}."), [ours("no path"), ours(".")]);
        // An unclosed `{{` is the rule's words, as written, once.
        assert_eq!(message("a {{hops}} b {{ c"), [ours("a "), ("2".into(), true), ours(" b "), ours("{{ c")]);
    }
}
