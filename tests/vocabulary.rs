//! The declared graph vocabulary (rules/catalog/vocabulary.yaml) is the
//! graph's: every attribute adapters set on the fixtures, the examples and
//! the corpus is declared for its node or edge kind, with a value from its
//! closed set where it has one. A rule that names anything else is a
//! located error when it loads.

use std::path::PathBuf;

use assert_cmd::Command;
use blastradius::graph::vocab::Vocabulary;
use blastradius::graph::AttrValue;

mod common;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn values(value: &AttrValue) -> Vec<String> {
    match value {
        AttrValue::Str(s) => vec![s.clone()],
        AttrValue::Bool(_) => Vec::new(),
        AttrValue::List(items) => items.iter().map(|i| i.value.clone()).collect(),
    }
}

#[test]
fn adapters_set_only_declared_attributes() {
    let vocabulary = Vocabulary::get();
    let rules: Vec<_> = blastradius::engine::builtin_rules().unwrap().into_iter().map(|(_, r)| r).collect();
    let mut roots = vec![root().join("testdata")];
    roots.extend(common::shared("corpus"));
    let mut problems = std::collections::BTreeSet::new();
    for dir in roots {
        let graph = blastradius::scan::scan(&[dir], &rules).graph;
        for index in graph.graph.node_indices() {
            let node = &graph.graph[index];
            for (name, attr) in &node.attrs {
                match vocabulary.node_attr(node.kind, name) {
                    None => {
                        problems.insert(format!("{} node attribute `{name}` is not declared", node.kind.as_str()));
                    }
                    Some(spec) => {
                        if let Some(allowed) = vocabulary.allowed(spec) {
                            for v in values(&attr.value).into_iter().filter(|v| !allowed.contains(v)) {
                                problems.insert(format!(
                                    "{} node `{name}` = `{v}` is not a declared value",
                                    node.kind.as_str()
                                ));
                            }
                        }
                    }
                }
            }
        }
        for edge in graph.graph.edge_weights() {
            for (name, attr) in &edge.attrs {
                match vocabulary.edge_attr(edge.kind, name) {
                    None => {
                        problems.insert(format!("{} edge attribute `{name}` is not declared", edge.kind.as_str()));
                    }
                    Some(spec) => {
                        if let Some(allowed) = vocabulary.allowed(spec) {
                            for v in values(&attr.value).into_iter().filter(|v| !allowed.contains(v)) {
                                problems.insert(format!(
                                    "{} edge `{name}` = `{v}` is not a declared value",
                                    edge.kind.as_str()
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "rules/catalog/vocabulary.yaml is missing:\n{}",
        problems.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn a_misspelt_attribute_or_variable_in_a_custom_rule_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join(".blastradius/rules");
    std::fs::create_dir_all(&rules).unwrap();
    let builtin =
        std::fs::read_to_string(root().join("rules/credential/BR101-literal-long-lived-secret.yaml")).unwrap();
    let custom = builtin
        .replace("id: BR101", "id: X101")
        .replace("name: literal-long-lived-secret", "name: custom-secret")
        .replace("attr: lifetime", "attr: lifetme");
    assert_ne!(
        custom,
        builtin.replace("id: BR101", "id: X101").replace("name: literal-long-lived-secret", "name: custom-secret")
    );
    std::fs::write(rules.join("X101.yaml"), custom.replace("{{ node.provider }}", "{{ node.provder }}")).unwrap();
    std::fs::write(dir.path().join(".blastradius.yaml"), "rule_dirs: [\".blastradius/rules\"]\n").unwrap();
    let out = Command::cargo_bin("blastradius").unwrap().current_dir(dir.path()).args(["scan", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("X101.yaml:")
            && stderr.contains(": attr: no attribute `lifetme` of a credential node; did you mean `lifetime`?"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`{{ node.provder }}`: no attribute `provder` of a credential node; did you mean `provider`?"),
        "{stderr}"
    );
    let line = stderr.lines().find(|l| l.contains("lifetme")).unwrap();
    let at: Vec<&str> = line.split("X101.yaml: ").nth(1).unwrap().splitn(3, ':').collect();
    let written = std::fs::read_to_string(rules.join("X101.yaml")).unwrap();
    let row: usize = at[0].parse().unwrap();
    assert!(written.lines().nth(row - 1).unwrap().contains("lifetme"), "line {row} of:\n{written}");
}

#[test]
fn explain_attributes_documents_the_vocabulary() {
    let out = Command::cargo_bin("blastradius").unwrap().args(["explain", "--attributes"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("credential node:")
            && text.contains("lifetime")
            && text.contains("[long-lived, short-lived, unknown]"),
        "{text}"
    );
}
