//! The system manifest: its JSON Schema (docs/agent-system.schema.json) and
//! the adapter agree on what is valid, and the adapter locates every problem.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// YAML → JSON through the project's own tree, for the schema validator.
fn as_json(path: &str) -> serde_json::Value {
    fn lower(node: &blastradius::source::Node) -> serde_json::Value {
        use blastradius::source::Value;
        match &node.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::from_str(n).unwrap_or(serde_json::Value::String(n.clone())),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Array(items) => serde_json::Value::Array(items.iter().map(lower).collect()),
            Value::Object(entries) => entries.iter().map(|e| (e.key.clone(), lower(&e.value))).collect(),
        }
    }
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    lower(&blastradius::source::parse(&text, blastradius::source::Syntax::Yaml).unwrap())
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("docs/agent-system.schema.json")).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

#[test]
fn the_documented_example_is_valid_and_the_bad_one_is_not() {
    let validator = validator();
    let example = as_json("testdata/examples/agent-system/system.yaml");
    let errors: Vec<String> = validator.iter_errors(&example).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(!validator.is_valid(&as_json("testdata/bad-manifest/system.yaml")));
}

#[test]
fn the_adapter_locates_every_problem() {
    let rules: Vec<_> = blastradius::engine::builtin_rules().unwrap().into_iter().map(|(_, r)| r).collect();
    let output = blastradius::scan::scan(&[root().join("testdata/bad-manifest")], &rules);
    let errors: Vec<String> =
        output.errors.iter().map(|e| format!("{}:{}:{} {}", e.path, e.line, e.column, e.message)).collect();
    insta::assert_snapshot!(errors.join("\n"));
}
