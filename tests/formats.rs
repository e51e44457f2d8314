//! Each adapter on its fixture under `testdata/formats/<name>/`: the file is
//! recognised as the right format, parses, and builds the graph in the
//! snapshot (every node, edge and attribute with its line and column).

use std::path::PathBuf;

use blastradius::engine::builtin_rules;

/// Fixture folder → the format id of every config file in it.
const FIXTURES: &[(&str, &str)] = &[
    ("a2a", "a2a"),
    ("amp", "amp"),
    ("crush", "crush"),
    ("kilocode", "kilocode"),
    ("adk", "adk"),
    ("amazonq", "amazonq"),
    ("autogen", "autogen"),
    ("claude-subagent", "claude-code-subagent"),
    ("crewai", "crewai"),
    ("dify", "dify"),
    ("kagent", "kagent"),
    ("langgraph", "langgraph"),
    ("mcp-registry", "mcp-registry"),
    ("n8n", "n8n"),
    ("claude-code", "claude-code-mcp|claude-code-settings"),
    ("claude-code-user", "claude-code-user"),
    ("claude-skill", "claude-skill"),
    ("claude-command", "claude-command"),
    ("copilot-agent", "copilot-agent"),
    ("opencode", "opencode"),
    ("claude-plugin", "claude-plugin"),
    ("claude-plugin-hooks", "claude-plugin-hooks"),
    ("github-workflow", "github-workflow"),
    ("claude-desktop", "claude-desktop"),
    ("cline", "cline"),
    ("codex", "codex"),
    ("continue", "continue"),
    ("cursor", "cursor"),
    ("dotenv", "dotenv"),
    ("gemini-v1", "gemini"),
    ("gemini-v2", "gemini"),
    ("goose", "goose"),
    ("kiro", "kiro"),
    ("librechat", "librechat"),
    ("manifest", "blastradius-manifest"),
    ("mcp-json", "mcp-json"),
    ("roo", "roo"),
    ("tool-definitions", "tool-definitions"),
    ("vscode", "vscode"),
    ("vscode-settings", "vscode"),
    ("windsurf", "windsurf"),
    ("zed", "zed"),
];

#[test]
fn every_adapter_builds_its_graph() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/formats");
    let listed: Vec<String> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    for dir in &listed {
        assert!(FIXTURES.iter().any(|(d, _)| d == dir), "testdata/formats/{dir} is not in FIXTURES");
    }
    let rules: Vec<_> = builtin_rules().unwrap().into_iter().map(|(_, r)| r).collect();
    for (dir, formats) in FIXTURES {
        let output = blastradius::scan::scan(&[root.join(dir)], &rules);
        assert!(output.errors.is_empty(), "{dir}: {:?}", output.errors);
        assert!(!output.scanned.is_empty(), "{dir}: nothing scanned");
        for file in &output.scanned {
            let id = file.format.map(|f| f.id()).unwrap_or("none");
            assert!(
                formats.split('|').any(|f| f == id),
                "{dir}/{}: recognised as {id}, expected {formats}",
                file.display
            );
        }
        insta::assert_snapshot!(format!("graph_{dir}"), blastradius::graph::dump::dump(&output.graph));
    }
}
