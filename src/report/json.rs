//! `--format json`: the stable contract documented in the README.

use serde::Serialize;

use crate::findings::{ChainStep, Finding};
use crate::graph::reach::{blast_radii, BlastRadius};
use crate::graph::NodeKind;
use crate::scan::ScanOutput;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    schema_version: u32,
    tool: Tool,
    summary: Summary,
    findings: Vec<JsonFinding<'a>>,
    errors: Vec<ErrorEntry<'a>>,
    graph_summary: GraphSummary,
    /// The config file read, and what it turned off; absent without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    config: Option<&'a crate::config::ConfigReport>,
}

/// A finding as the JSON report writes it: its fields, then `paths`, the
/// chain split into its paths (a reach finding joins several; each ends on
/// a step without an `edge`), so a reader need not split it.
#[derive(Serialize)]
struct JsonFinding<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    paths: Vec<&'a [ChainStep]>,
}

impl<'a> JsonFinding<'a> {
    fn of(finding: &'a Finding) -> Self {
        let mut paths = Vec::new();
        let mut start = 0;
        for (i, step) in finding.chain.iter().enumerate() {
            if step.edge.is_none() {
                paths.push(&finding.chain[start..=i]);
                start = i + 1;
            }
        }
        JsonFinding { finding, paths }
    }
}

#[derive(Serialize)]
struct GraphSummary {
    agents: usize,
    tools: usize,
    credentials: usize,
    resources: usize,
    triggers: usize,
    edges: usize,
    /// Per agent, largest first.
    blast_radius: Vec<BlastRadius>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files_scanned: usize,
    configs_parsed: usize,
    parse_errors: usize,
    findings: usize,
    /// In severity order, most severe first; only severities that occur.
    by_severity: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct ErrorEntry<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

fn graph_summary(output: &ScanOutput) -> GraphSummary {
    let graph = &output.graph;
    let count = |kind| graph.graph.node_weights().filter(|n| n.kind == kind).count();
    GraphSummary {
        agents: count(NodeKind::Agent),
        tools: count(NodeKind::Tool),
        credentials: count(NodeKind::Credential),
        resources: count(NodeKind::Resource),
        triggers: count(NodeKind::Trigger),
        edges: graph.graph.edge_count(),
        blast_radius: blast_radii(graph, crate::graph::reach::MAX_HOPS),
    }
}

pub fn render(output: &ScanOutput, findings: &[Finding]) -> String {
    let mut text = Vec::new();
    // Writing plain data to a vector cannot fail.
    let _ = render_to(output, findings, &mut text);
    String::from_utf8(text).unwrap_or_default()
}

/// Writes the report as it is serialised: a large scan's document is never
/// held whole in memory.
pub fn render_to(output: &ScanOutput, findings: &[Finding], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut by_severity = serde_json::Map::new();
    for (severity, count) in crate::findings::severity_counts(findings) {
        by_severity.insert(severity.as_str().to_string(), count.into());
    }
    let report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool { name: "blastradius", version: env!("CARGO_PKG_VERSION") },
        summary: Summary {
            files_scanned: output.files_scanned,
            configs_parsed: output.configs_parsed,
            parse_errors: output.errors.len(),
            findings: findings.len(),
            by_severity,
        },
        findings: findings.iter().map(JsonFinding::of).collect(),
        errors: output
            .errors
            .iter()
            .map(|e| ErrorEntry { path: &e.path, line: e.line, column: e.column, message: &e.message })
            .collect(),
        graph_summary: graph_summary(output),
        config: output.config.as_ref(),
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    out.write_all(b"\n")
}
