//! Shared pieces of the fuzz targets: the whole pipeline over one file.

use std::path::Path;

use blastradius::engine::Rule;
use blastradius::report;

/// Paths the pipeline target writes its input to, chosen by the first byte:
/// one per kind of reader, so every adapter is reached.
pub const PATHS: &[&str] = &[
    ".mcp.json",
    ".claude/settings.json",
    ".cursor/mcp.json",
    ".vscode/mcp.json",
    ".codex/config.toml",
    "crew/agents.yaml",
    ".env",
    ".claude/agents/a.md",
    "tools.json",
    "k8s.yaml",
    "goose/config.yaml",
    ".continue/config.yaml",
    "wf.json",
    "app.yml",
    ".well-known/agent-card.json",
    "root_agent.yaml",
];

pub fn rules() -> Vec<Rule> {
    blastradius::engine::builtin_rules().map(|r| r.into_iter().map(|(_, r)| r).collect()).unwrap_or_default()
}

/// Writes `data` (after its first byte) under `dir` at a path chosen by the
/// first byte, scans `dir`, and renders every output format.
pub fn pipeline(dir: &Path, data: &[u8], rules: &[Rule]) {
    let Some((&pick, body)) = data.split_first() else { return };
    let path = dir.join(PATHS[pick as usize % PATHS.len()]);
    let _ = std::fs::remove_dir_all(dir);
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    if std::fs::write(&path, body).is_err() {
        return;
    }
    let output = blastradius::scan::scan(&[dir.to_path_buf()], rules);
    let findings = &output.findings;
    for color in [false, true] {
        let _ = report::terminal::render(&output, findings, &report::terminal::Options { color, width: 100 });
    }
    let _ = report::json::render(&output, findings);
    let _ = report::sarif::render(&output, findings, rules);
    let _ = report::markdown::render(&output, findings, rules);
    let model = report::threat_model::build(&output, findings, rules);
    let _ = report::threat_model::markdown(&model);
    let _ = report::threat_model::html(&model);
    let _ = report::graph::mermaid(&output.graph);
    let _ = report::graph::dot(&output.graph);
    let _ = report::graph::json(&output.graph);
    let _ = blastradius::baseline::render(&blastradius::baseline::from_findings(findings));
}
