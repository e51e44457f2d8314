//! Report stage: pure renderers over findings and the graph.

pub mod graph;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod svg;
pub mod terminal;
pub mod threat_model;

use std::collections::HashMap;

use crate::graph::{Graph, NodeKind};
use crate::source::Span;

/// A file's text with every literal secret starred out and control bytes
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
        let mut bytes = file.text.clone().into_bytes();
        // Control bytes (an ANSI escape in a scanned file) would drive the
        // terminal; same-length replacement keeps every span valid.
        for b in bytes.iter_mut() {
            if (*b < 0x20 && !matches!(*b, b'\n' | b'\r' | b'\t')) || *b == 0x7f {
                *b = b'?';
            }
        }
        for span in spans.get(&id).map(Vec::as_slice).unwrap_or_default() {
            for b in bytes.iter_mut().take(span.end.min(file.text.len())).skip(span.start) {
                // Keep UTF-8 continuation bytes valid by starring only ASCII.
                if b.is_ascii() && !b.is_ascii_whitespace() {
                    *b = b'*';
                }
            }
        }
        texts.insert(id, String::from_utf8_lossy(&bytes).into_owned());
    }
    texts
}
