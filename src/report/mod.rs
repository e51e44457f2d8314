//! Report stage: pure renderers over findings and the graph.

pub mod bom;
pub mod concise;
pub mod dfd;
pub mod diff;
pub mod github;
pub mod gitlab;
pub mod graph;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod otm;
pub mod rules;
pub mod sarif;
pub mod svg;
pub mod terminal;
pub mod threat_dragon;
pub mod threat_model;

use std::collections::HashMap;

use crate::graph::{Graph, NodeKind};
use crate::source::Span;

/// Each file's text with every secret starred out and control bytes
/// neutralised, same length, so snippets can be drawn around a finding
/// without showing any secret or obeying any escape code. A file is starred
/// the first time it is asked for (or by [`RedactedTexts::prefetch`], on
/// every core): a report draws the files its findings are in, not all.
pub struct RedactedTexts<'g> {
    graph: &'g Graph,
    /// Literal credentials the adapters found, per file.
    spans: HashMap<usize, Vec<Span>>,
    texts: Vec<std::sync::OnceLock<String>>,
}

impl<'g> RedactedTexts<'g> {
    pub fn new(graph: &'g Graph) -> Self {
        let mut spans: HashMap<usize, Vec<Span>> = HashMap::new();
        for index in graph.graph.node_indices() {
            let node = &graph.graph[index];
            if node.kind == NodeKind::Credential && node.str_attr("storage") == Some("literal") {
                for loc in &node.locs {
                    spans.entry(loc.file).or_default().push(loc.span);
                }
            }
        }
        let texts = graph.files.iter().map(|_| std::sync::OnceLock::new()).collect();
        RedactedTexts { graph, spans, texts }
    }

    /// The starred text of file `id`.
    pub fn get(&self, id: usize) -> Option<&str> {
        let file = self.graph.files.get(id)?;
        let text = self.texts.get(id)?.get_or_init(|| {
            // The adapters' literal credentials, plus whatever the redaction
            // module finds in the raw text (files that did not parse,
            // comments, PEM bodies, high-entropy words).
            let extra: Vec<std::ops::Range<usize>> =
                self.spans.get(&id).map(Vec::as_slice).unwrap_or_default().iter().map(|s| s.start..s.end).collect();
            crate::redact::star(&file.text, &extra)
        });
        Some(text)
    }

    /// Line `line` (1-based) of file `id`, starred, without its line break.
    pub fn line(&self, id: usize, line: usize) -> Option<&str> {
        let text = self.get(id)?;
        let lines = &self.graph.files.get(id)?.lines;
        let start = lines.line_start(line.checked_sub(1)?)?;
        let end = lines.line_start(line).map_or(text.len(), |next| next.saturating_sub(1));
        text.get(start..end.max(start)).map(|l| l.trim_end_matches('\r'))
    }

    /// Stars the files `ids` now, in parallel.
    pub fn prefetch(&self, ids: impl IntoIterator<Item = usize>) {
        use rayon::prelude::*;
        let mut ids: Vec<usize> = ids.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        ids.par_iter().for_each(|&id| {
            self.get(id);
        });
    }
}

/// At most `chars` characters, the last an ellipsis when cut: diagram labels.
pub(crate) fn shorten(text: &str, chars: usize) -> String {
    if text.chars().count() > chars {
        format!("{}…", text.chars().take(chars - 1).collect::<String>())
    } else {
        text.to_string()
    }
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
