//! The graph's declared vocabulary (`rules/catalog/vocabulary.yaml`): every
//! attribute of every node and edge kind, its type, its allowed values where
//! the set is closed, and a line of doc. Rules are checked against it as
//! they load, so a misspelt attribute or variable is a located error rather
//! than a rule that silently never fires.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::{EdgeKind, NodeKind};
use crate::engine::rule::{Condition, Pattern, Rule, TestValue};

const VOCABULARY_JSON: &str = crate::yaml::catalog_json!("vocabulary");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttrType {
    Str,
    Bool,
    List,
}

/// A closed set of values: a named set (`capabilities`, `flows`) or a list.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Values {
    Named(String),
    List(Vec<String>),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttrSpec {
    #[serde(rename = "type")]
    pub ty: AttrType,
    #[serde(default)]
    pub values: Option<Values>,
    pub doc: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    pub capabilities: Vec<String>,
    pub flows: Vec<String>,
    pub node: BTreeMap<String, BTreeMap<String, AttrSpec>>,
    pub edge: BTreeMap<String, BTreeMap<String, AttrSpec>>,
    /// Message variables, by the pattern selector that computes them, each
    /// with its doc.
    pub variables: BTreeMap<String, BTreeMap<String, String>>,
}

/// Which attributes a name in a rule may refer to.
#[derive(Clone, Copy)]
enum Scope {
    Node(Option<NodeKind>),
    Edge(Option<EdgeKind>),
    /// An edge pattern's `at`: the edge's attributes or either end's.
    EdgeOrNode(Option<EdgeKind>),
}

impl Vocabulary {
    /// The embedded vocabulary, parsed once.
    pub fn get() -> &'static Vocabulary {
        static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
        VOCABULARY.get_or_init(|| {
            // The embedded file is ours and tested; failing here is a build defect.
            crate::yaml::embedded(VOCABULARY_JSON, "rules/catalog/vocabulary.yaml")
        })
    }

    pub fn node_attr(&self, kind: NodeKind, name: &str) -> Option<&AttrSpec> {
        self.node.get(kind.as_str()).and_then(|attrs| attrs.get(name))
    }

    pub fn edge_attr(&self, kind: EdgeKind, name: &str) -> Option<&AttrSpec> {
        self.edge.get(kind.as_str()).and_then(|attrs| attrs.get(name))
    }

    /// The values an attribute may take, when the set is closed.
    pub fn allowed<'a>(&'a self, spec: &'a AttrSpec) -> Option<&'a [String]> {
        match spec.values.as_ref()? {
            Values::List(list) => Some(list),
            Values::Named(name) if name == "capabilities" => Some(&self.capabilities),
            Values::Named(name) if name == "flows" => Some(&self.flows),
            Values::Named(_) => None,
        }
    }

    fn lookup(&self, scope: Scope, name: &str) -> Option<&AttrSpec> {
        let any_node = || self.node.values().find_map(|attrs| attrs.get(name));
        let any_edge = || self.edge.values().find_map(|attrs| attrs.get(name));
        match scope {
            Scope::Node(Some(kind)) => self.node_attr(kind, name),
            Scope::Node(None) => any_node(),
            Scope::Edge(Some(kind)) => self.edge_attr(kind, name),
            Scope::Edge(None) => any_edge(),
            Scope::EdgeOrNode(kind) => self.lookup(Scope::Edge(kind), name).or_else(any_node),
        }
    }

    /// Every name the scope knows, for suggestions.
    fn names(&self, scope: Scope) -> Vec<&str> {
        let mut names: Vec<&str> = match scope {
            Scope::Node(Some(kind)) => self.node.get(kind.as_str()).map(|a| a.keys().map(String::as_str).collect()),
            Scope::Edge(Some(kind)) => self.edge.get(kind.as_str()).map(|a| a.keys().map(String::as_str).collect()),
            _ => None,
        }
        .unwrap_or_else(|| {
            self.node.values().chain(self.edge.values()).flat_map(|a| a.keys()).map(String::as_str).collect()
        });
        names.sort_unstable();
        names.dedup();
        names
    }

    /// Problems in a rule: attributes, values and message variables the
    /// vocabulary does not have. Each names the offending text and the
    /// section it is written in (`match` or `message`).
    pub fn check(&self, rule: &Rule) -> Vec<(String, String, &'static str)> {
        let mut problems = Vec::new();
        for pattern in rule.matcher.patterns() {
            self.check_pattern(pattern, &mut problems);
        }
        let mut problems: Vec<(String, String, &'static str)> =
            problems.into_iter().map(|(needle, message)| (needle, message, "match")).collect();
        let mut in_message = Vec::new();
        let patterns = rule.matcher.patterns();
        let node_scope = patterns.iter().find_map(|p| match p {
            Pattern::Node(p) => Some(p.kind),
            _ => None,
        });
        let edge_scope = patterns.iter().find_map(|p| match p {
            Pattern::Edge(p) => Some(p.kind),
            _ => None,
        });
        let variables: Vec<&str> = patterns
            .iter()
            .filter_map(|p| self.variables.get(p.selector()))
            .flat_map(|vars| vars.keys().map(String::as_str))
            .collect();
        for expr in template_variables(&rule.message) {
            let (scope, name) = match expr.split_once('.') {
                Some(("node", name)) => (Scope::Node(node_scope), name),
                Some(("from" | "to", name)) => (Scope::Node(None), name),
                Some(("edge", name)) => (Scope::Edge(edge_scope), name),
                Some(_) => {
                    in_message.push((expr.to_string(), format!("`{{{{ {expr} }}}}`: a variable is item, a variable of the rule's pattern, or node., from., to. or edge. and an attribute")));
                    continue;
                }
                None if expr == "item" || variables.contains(&expr) => continue,
                None if self.variables.values().any(|vars| vars.contains_key(expr)) => {
                    let selectors = patterns.iter().map(|p| p.selector()).collect::<Vec<_>>().join(", ");
                    let offered = if variables.is_empty() {
                        "it has none; `node.`, `edge.`, `from.` and `to.` name attributes".to_string()
                    } else {
                        format!("it has {}", variables.join(", "))
                    };
                    in_message.push((
                        expr.to_string(),
                        format!("`{{{{ {expr} }}}}` is not a variable of a {selectors} pattern ({offered})"),
                    ));
                    continue;
                }
                None => (Scope::Node(node_scope), expr),
            };
            if !matches!(name, "kind" | "name") && self.lookup(scope, name).is_none() {
                in_message.push((name.to_string(), self.unknown(scope, name, &format!("`{{{{ {expr} }}}}`"))));
            }
        }
        problems.extend(in_message.into_iter().map(|(needle, message)| (needle, message, "message")));
        problems
    }

    fn check_pattern(&self, pattern: &Pattern, problems: &mut Vec<(String, String)>) {
        match pattern {
            Pattern::Node(p) => {
                let scope = Scope::Node(Some(p.kind));
                p.for_each.iter().for_each(|a| self.check_attr(scope, a, "for_each", problems));
                p.at.iter().for_each(|a| self.check_attr(scope, a, "at", problems));
                if let Some(c) = &p.condition {
                    self.check_condition(c, scope, problems);
                }
            }
            Pattern::Edge(p) => {
                p.for_each.iter().for_each(|a| self.check_attr(Scope::Edge(Some(p.kind)), a, "for_each", problems));
                p.at.iter().for_each(|a| self.check_attr(Scope::EdgeOrNode(Some(p.kind)), a, "at", problems));
                if let Some(c) = &p.condition {
                    self.check_condition(c, Scope::Edge(Some(p.kind)), problems);
                }
                for c in p.from.iter().chain(&p.to) {
                    self.check_condition(c, Scope::Node(None), problems);
                }
            }
            Pattern::Path(path) => {
                for spec in [&path.origin, &path.target] {
                    if let Some(c) = &spec.condition {
                        self.check_condition(c, Scope::Node(Some(spec.kind)), problems);
                    }
                }
            }
            Pattern::Reach(reach) => {
                if let Some(c) = &reach.origin.condition {
                    self.check_condition(c, Scope::Node(Some(reach.origin.kind)), problems);
                }
                for flow in &reach.flows_all {
                    if !self.flows.contains(flow) {
                        problems.push((
                            flow.clone(),
                            format!("flows_all: `{flow}` is not a flow ({})", self.flows.join(", ")),
                        ));
                    }
                }
            }
            Pattern::Shared(shared) => {
                let scope = Scope::Node(Some(shared.kind));
                self.check_attr(scope, &shared.by, "by", problems);
                if let Some(c) = &shared.condition {
                    self.check_condition(c, scope, problems);
                }
            }
            Pattern::Cycle(_) | Pattern::Suppression(_) | Pattern::Source(_) => {}
        }
    }

    fn check_attr(&self, scope: Scope, name: &str, what: &str, problems: &mut Vec<(String, String)>) {
        if !matches!((scope, name), (Scope::Node(_), "kind" | "name")) && self.lookup(scope, name).is_none() {
            problems.push((name.to_string(), self.unknown(scope, name, what)));
        }
    }

    fn check_condition(&self, condition: &Condition, scope: Scope, problems: &mut Vec<(String, String)>) {
        match condition {
            Condition::All { all } => all.iter().for_each(|c| self.check_condition(c, scope, problems)),
            Condition::Any { any } => any.iter().for_each(|c| self.check_condition(c, scope, problems)),
            Condition::Not { not } => self.check_condition(not, scope, problems),
            Condition::Attr(test) => {
                if matches!((scope, test.attr.as_str()), (Scope::Node(_), "kind" | "name")) {
                    return;
                }
                let Some(spec) = self.lookup(scope, &test.attr) else {
                    problems.push((test.attr.clone(), self.unknown(scope, &test.attr, "attr")));
                    return;
                };
                let (Some(allowed), Some(value)) = (self.allowed(spec), &test.value) else { return };
                let values: Vec<&str> = match value {
                    TestValue::Text(s) => vec![s.as_str()],
                    TestValue::List(list) => list.iter().map(String::as_str).collect(),
                    TestValue::Bool(_) => Vec::new(),
                };
                for v in values.into_iter().filter(|v| !allowed.iter().any(|a| a == v)) {
                    problems.push((
                        v.to_string(),
                        format!("`{v}` is not a value of `{}` ({})", test.attr, allowed.join(", ")),
                    ));
                }
            }
        }
    }

    fn unknown(&self, scope: Scope, name: &str, what: &str) -> String {
        let whose = match scope {
            Scope::Node(Some(kind)) => format!("of a {} node", kind.as_str()),
            Scope::Edge(Some(kind)) => format!("of a {} edge", kind.as_str()),
            _ => "of any node or edge".to_string(),
        };
        let names = self.names(scope);
        let suggestion = names
            .iter()
            .map(|n| (edit_distance(n, name), *n))
            .filter(|(d, _)| *d <= 2)
            .min()
            .map(|(_, n)| format!("; did you mean `{n}`?"))
            .unwrap_or_default();
        format!("{what}: no attribute `{name}` {whose}{suggestion} (`blastradius explain --attributes` lists them)")
    }

    /// The vocabulary as people read it: `explain --attributes`.
    pub fn document(&self) -> String {
        let mut text = String::from("Attributes of the privilege graph, for writing rules (rules/catalog/vocabulary.yaml).\nEvery node also has `kind` and `name`.\n");
        let values = |spec: &AttrSpec| self.allowed(spec).map(|v| format!(" [{}]", v.join(", "))).unwrap_or_default();
        for (title, kinds) in [("node", &self.node), ("edge", &self.edge)] {
            for (kind, attrs) in kinds {
                text.push_str(&format!("\n{kind} {title}:\n"));
                for (name, spec) in attrs {
                    let ty = match spec.ty {
                        AttrType::Str => "str",
                        AttrType::Bool => "bool",
                        AttrType::List => "list",
                    };
                    text.push_str(&format!("  {name:<26} {ty:<5} {}{}\n", spec.doc, values(spec)));
                }
            }
        }
        text.push_str("\nMessage variables, by the pattern that computes them:\n");
        for (selector, vars) in &self.variables {
            text.push_str(&format!("\n{selector} patterns:\n"));
            for (name, doc) in vars {
                text.push_str(&format!("  {name:<26} {doc}\n"));
            }
        }
        text
    }
}

/// The `{{ … }}` expressions of a message template.
fn template_variables(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open..].find("}}") else { break };
        let expr = &rest[open + 2..open + close];
        // `{{ node.x | or: words }}`: the variable is before the default.
        out.push(expr.split_once("| or:").map_or(expr, |(variable, _)| variable).trim());
        rest = &rest[open + close + 2..];
    }
    out
}

/// Levenshtein distance, for "did you mean" (names are short).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb)).min(row[j] + 1).min(row[j + 1] + 1);
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("lifetme", "lifetime"), 1);
        assert_eq!(edit_distance("provder", "provider"), 1);
        assert_eq!(edit_distance("abc", "abc"), 0);
    }
}
