//! Report stage: pure renderers over findings and the graph.

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod graph;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod rules;
pub mod sarif;
pub mod svg;
pub mod terminal;
pub mod threat_model;

use std::collections::HashMap;

use crate::graph::{Graph, NodeKind};
use crate::source::Span;

/// A file's text with every secret starred out and control bytes
/// neutralised, same length, so snippets can be drawn around a finding
/// without showing any secret or obeying any escape code.
pub fn redacted_texts(graph: &Graph) -> HashMap<usize, String> {
    let mut spans: HashMap<usize, Vec<Span>> = HashMap::new();
    for index in graph.graph.node_indices() {
        let node = &graph.graph[index];
        if node.kind == NodeKind::Credential && node.str_attr("storage") == Some("literal") {
            for loc in &node.locs {
                spans.entry(loc.file).or_default().push(loc.span);
            }
        }
    }
    let mut texts = HashMap::new();
    for (id, file) in graph.files.iter().enumerate() {
        // Literal credentials the adapters found, plus whatever the redaction
        // module finds in the raw text (files that did not parse, comments,
        // PEM bodies, high-entropy words), same length so spans stay valid.
        let extra: Vec<std::ops::Range<usize>> =
            spans.get(&id).map(Vec::as_slice).unwrap_or_default().iter().map(|s| s.start..s.end).collect();
        texts.insert(id, crate::redact::star(&file.text, &extra));
    }
    texts
}

/// Text as XML character data or an attribute value (SVG, JUnit): markup
/// characters escaped, and control characters, which XML 1.0 cannot hold
/// even escaped, replaced.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}
