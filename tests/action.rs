//! The GitHub Action (action.yml) and the pre-commit hook definition
//! (.pre-commit-hooks.yaml) are well formed, and no workflow input is
//! spliced into a shell script (it would be a command injection).

use std::path::PathBuf;

use blastradius::source::{self, Node, Syntax};

fn load(name: &str) -> Node {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(name);
    source::parse(&std::fs::read_to_string(path).unwrap(), Syntax::Yaml).unwrap()
}

#[test]
fn action_is_composite_and_never_splices_inputs_into_scripts() {
    let action = load("action.yml");
    assert_eq!(action.at(&["runs", "using"]).and_then(Node::as_str), Some("composite"));
    for input in [
        "paths",
        "fail-on",
        "config",
        "format",
        "upload-sarif",
        "annotations",
        "comment",
        "diff-base",
        "fail-on-widen",
        "github-token",
    ] {
        assert!(action.at(&["inputs", input]).is_some(), "input {input}");
    }
    // The binary is cached on the action's own sources, and built only on a miss.
    let steps = action.at(&["runs", "steps"]).unwrap().items();
    let uses: Vec<&str> = steps.iter().filter_map(|s| s.get("uses").and_then(Node::as_str)).collect();
    assert!(uses.iter().any(|u| u.starts_with("actions/cache@")), "{uses:?}");
    // A tag can be moved to other code; a commit SHA cannot.
    for reference in &uses {
        let sha = reference.split_once('@').map_or("", |(_, r)| r);
        assert!(sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit()), "{reference} is not pinned by SHA");
    }
    let install = steps.iter().find(|s| s.get("name").and_then(Node::as_str) == Some("Install blastradius")).unwrap();
    assert_eq!(install.get("if").and_then(Node::as_str), Some("${{ steps.cache.outputs.cache-hit != 'true' }}"));
    for step in action.at(&["runs", "steps"]).unwrap().items() {
        if let Some(script) = step.get("run").and_then(Node::as_str) {
            assert!(!script.contains("${{"), "a step interpolates an expression into its script: {script}");
            // And each script is valid bash.
            let check = std::process::Command::new("bash").args(["-n", "-c", script]).output().unwrap();
            assert!(check.status.success(), "{script}: {}", String::from_utf8_lossy(&check.stderr));
        }
    }
}

#[test]
fn pre_commit_hook_judges_the_files_it_is_given() {
    let hooks = load(".pre-commit-hooks.yaml");
    let hook = &hooks.items()[0];
    assert_eq!(hook.get("id").and_then(Node::as_str), Some("blastradius"));
    assert_eq!(hook.get("language").and_then(Node::as_str), Some("rust"));
    assert_eq!(hook.get("pass_filenames").and_then(Node::as_bool), Some(true));
    assert_eq!(hook.get("entry").and_then(Node::as_str), Some("blastradius scan --only"));
    let files = regex::Regex::new(hook.get("files").and_then(Node::as_str).unwrap()).unwrap();
    for path in
        [".cursor/mcp.json", ".mcp.json", ".claude/settings.json", ".env", "config/agents.yaml", ".codex/config.toml"]
    {
        assert!(files.is_match(path), "a change to {path} runs the hook");
    }
    assert!(!files.is_match("src/main.rs"));
    // The second hook compares with a base before a push.
    let diff = &hooks.items()[1];
    assert_eq!(diff.get("id").and_then(Node::as_str), Some("blastradius-diff"));
    assert_eq!(diff.get("entry").and_then(Node::as_str), Some("blastradius diff --fail-on-widen high"));
    assert_eq!(diff.get("pass_filenames").and_then(Node::as_bool), Some(false));
}
