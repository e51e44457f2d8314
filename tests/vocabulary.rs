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
        AttrValue::Str(s) => vec![s.to_string()],
        AttrValue::Bool(_) => Vec::new(),
        AttrValue::List(items) => items.iter().map(|i| i.value.to_string()).collect(),
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

/// A repository whose config adds `.blastradius/rules/<file>` holding `rule`.
fn repository_with_rule(file: &str, rule: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join(".blastradius/rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(rules.join(file), rule).unwrap();
    std::fs::write(dir.path().join(".blastradius.yaml"), "rule_dirs: [\".blastradius/rules\"]\n").unwrap();
    dir
}

#[test]
fn a_misspelt_attribute_or_variable_in_a_custom_rule_is_a_located_error() {
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
    let dir = repository_with_rule("X101.yaml", &custom.replace("{{ node.provider }}", "{{ node.provder }}"));
    let rules = dir.path().join(".blastradius/rules");
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

/// BR101 with its `match:` (and optionally more) rewritten, loaded as a custom rule.
fn load_variant(edit: impl Fn(&str) -> String) -> Result<Vec<blastradius::engine::Rule>, String> {
    let dir = tempfile::tempdir().unwrap();
    let builtin =
        std::fs::read_to_string(root().join("rules/credential/BR101-literal-long-lived-secret.yaml")).unwrap();
    let custom = edit(&builtin.replace("id: BR101", "id: X101"));
    assert_ne!(custom, builtin.replace("id: BR101", "id: X101"), "the edit changes the rule");
    std::fs::write(dir.path().join("X101.yaml"), custom).unwrap();
    blastradius::engine::load_rule_dir(dir.path()).map_err(|e| e.to_string())
}

fn with_match(rule: &str, matcher: &str) -> String {
    let start = rule.find("\nmatch:").unwrap();
    let end = rule.find("\ntests:").unwrap();
    format!("{}\nmatch:\n{matcher}{}", &rule[..start], &rule[end..])
}

#[test]
fn a_pattern_names_exactly_one_matcher_and_only_keys_that_qualify_it() {
    let err = load_variant(|r| with_match(r, "  node: credential\n  edge: uses\n")).unwrap_err();
    assert!(
        err.ends_with(": match: a pattern has exactly one of node, edge, path, reach, cycle, shared, suppression or source; this one has node and edge"),
        "{err}"
    );
    let err = load_variant(|r| with_match(r, "  where: { attr: lifetime, op: exists }\n")).unwrap_err();
    assert!(err.ends_with("this one has none"), "{err}");
    let err =
        load_variant(|r| with_match(r, "  node: credential\n  from: { attr: lifetime, op: exists }\n")).unwrap_err();
    assert!(err.ends_with(": match: `from` does not qualify a node pattern"), "{err}");
    let err = load_variant(|r| with_match(r, "  suppression: no_reason\n  at: lifetime\n")).unwrap_err();
    assert!(err.ends_with(": match: `at` does not qualify a suppression pattern"), "{err}");
    let err = load_variant(|r| with_match(r, "  suppression: no_reasons\n")).unwrap_err();
    assert!(err.contains("unknown variant `no_reasons`, expected `no_reason` or `unused`"), "{err}");
}

#[test]
fn a_misspelt_key_inside_a_condition_is_reported_where_it_is_written() {
    let err = load_variant(|r| r.replace("{ attr: lifetime,", "{ atr: lifetime,")).unwrap_err();
    // Line 32, column 11 of the rule file is where `atr` is written.
    assert!(
        err.ends_with(
            "X101.yaml: 32:11: match.where.all[1]: unknown field `atr`, expected one of `all`, `any`, `not`, `attr`, `op`, `value`"
        ),
        "{err}"
    );
    let err = load_variant(|r| r.replace("{ attr: lifetime, op: equals,", "{ attr: lifetime,")).unwrap_err();
    assert!(err.contains("missing field `op`"), "{err}");
    let err = load_variant(|r| {
        with_match(
            r,
            "  node: credential\n  where: { not: { attr: lifetime, op: exists }, attr: lifetime, op: exists }\n",
        )
    })
    .unwrap_err();
    assert!(err.contains("a condition is one of `all`, `any`, `not`, or an `attr` test"), "{err}");
}

#[test]
fn a_message_variable_belongs_to_the_kind_of_pattern_that_computes_it() {
    let err = load_variant(|r| r.replace("message: \"", "message: \"{{ flows }} ")).unwrap_err();
    assert!(
        err.ends_with("`{{ flows }}` is not a variable of a node pattern (it has none; `node.`, `edge.`, `from.` and `to.` name attributes)"),
        "{err}"
    );
    let reach = "  reach:\n    origin: { kind: agent }\n    through: [delegates_to]\n    last: uses\n    flows_all: [exfiltration]\n";
    let rules =
        load_variant(|r| with_match(&r.replace("message: \"", "message: \"{{ origin }} {{ flows }} "), reach)).unwrap();
    assert_eq!(rules[0].matcher.patterns()[0].selector(), "reach");
    let err = load_variant(|r| with_match(&r.replace("message: \"", "message: \"{{ members }} "), reach)).unwrap_err();
    assert!(err.ends_with("`{{ members }}` is not a variable of a reach pattern (it has flows, origin)"), "{err}");
}

#[test]
fn a_custom_rule_reports_what_a_builtin_check_finds_under_its_own_id() {
    // BR901, BR902 and BR903 are found by the stages that see suppressions
    // and duplicate keys; a custom rule that asks for the same check is
    // reported too, by what it matches rather than by its id.
    let builtin = std::fs::read_to_string(root().join("rules/suppression/BR903-duplicate-key.yaml")).unwrap();
    let custom = builtin.replace("id: BR903", "id: X903").replace("name: duplicate-key", "name: twice-written");
    let dir = repository_with_rule("X903.yaml", &custom);
    std::fs::create_dir_all(dir.path().join(".cursor")).unwrap();
    std::fs::write(dir.path().join(".cursor/mcp.json"), "{\"mcpServers\": {}, \"mcpServers\": {}}\n").unwrap();
    let out = Command::cargo_bin("blastradius")
        .unwrap()
        .current_dir(dir.path())
        .args(["scan", "--format", "github", "."])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    for id in ["BR903", "X903"] {
        assert!(
            stdout.contains(&format!("file=.cursor/mcp.json,line=1,col=20,endLine=1,endColumn=32,title={id}")),
            "{stdout}"
        );
    }
}

#[test]
fn a_custom_rule_id_or_name_is_plain_words_or_a_located_error() {
    let builtin =
        std::fs::read_to_string(root().join("rules/credential/BR101-literal-long-lived-secret.yaml")).unwrap();
    // An id that would carry an escape sequence into terminal headers and CI commands.
    let custom = builtin
        .replace("id: BR101", "id: \"BR1\\e]8;;x\\e\\\\\"")
        .replace("name: literal-long-lived-secret", "name: custom secret");
    let dir = repository_with_rule("X101.yaml", &custom);
    let out = Command::cargo_bin("blastradius").unwrap().current_dir(dir.path()).args(["scan", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    assert!(
        stderr.contains("X101.yaml: 1:") && stderr.contains("may hold only letters, digits, `-` and `_`"),
        "{stderr}"
    );
    assert!(stderr.contains("name `custom secret` may hold only letters, digits, `-` and `_`"), "{stderr}");
}
