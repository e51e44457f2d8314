//! YAML through `saphyr`, whose marked tree carries a span for every node.
//!
//! saphyr counts positions in characters; we convert them to byte offsets so
//! that every syntax shares one kind of span.

use std::collections::HashMap;

use saphyr::{MarkedYaml, Marker, Scalar, YamlData, YamlLoader};
use saphyr_parser::{Event, Parser, SpannedEventReceiver};

use super::{Duplicate, Entry, Node, Span, SyntaxError, Value};

#[cfg(test)]
/// Parses the first document of a YAML stream (an empty stream is `null`).
pub(super) fn parse(text: &str) -> Result<Node, SyntaxError> {
    let (docs, _) = parse_all(text)?;
    Ok(docs.into_iter().next().unwrap_or(Node::new(Value::Null, Span::new(0, 0))))
}

/// Every document of a YAML stream, and every key written twice in one
/// mapping. The hosts that read these files (PyYAML, js-yaml in its default
/// mode, Go's yaml) keep the last value of a duplicated key, and so do we;
/// merge keys (`<<: *base`) are applied as YAML 1.1 hosts apply them.
pub(super) fn parse_all(text: &str) -> Result<(Vec<Node>, Vec<Duplicate>), SyntaxError> {
    let offsets = CharOffsets::new(text);
    let located = |marker: &Marker, message: String| {
        let at = offsets.byte(marker);
        SyntaxError { message: format!("invalid YAML: {message}"), span: Span::new(at, at) }
    };
    let mut receiver = KeyWatch::default();
    receiver.loader.allow_duplicate_keys(true);
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut receiver, true).map_err(|err| located(err.marker(), err.info().to_string()))?;
    if let Some(err) = receiver.loader.error() {
        return Err(located(err.marker(), err.info().to_string()));
    }
    let duplicates = receiver
        .duplicates
        .iter()
        .map(|(key, first, second)| Duplicate {
            key: key.clone(),
            first: Span::new(offsets.byte(&first.start), offsets.byte(&first.end)),
            second: Span::new(offsets.byte(&second.start), offsets.byte(&second.end)),
        })
        .collect();
    let docs = receiver.loader.into_documents().into_iter().map(|doc| lower(doc, &offsets)).collect();
    Ok((docs, duplicates))
}

/// Where a mapping is in its key/value alternation, with the keys seen so far.
enum Frame {
    Mapping { expect_key: bool, keys: HashMap<String, saphyr_parser::Span> },
    Sequence,
}

/// Passes every event to saphyr's loader and notes plain keys written twice
/// in one mapping, with both places.
#[derive(Default)]
struct KeyWatch<'input> {
    loader: YamlLoader<'input, MarkedYaml<'input>>,
    frames: Vec<Frame>,
    duplicates: Vec<(String, saphyr_parser::Span, saphyr_parser::Span)>,
}

impl KeyWatch<'_> {
    /// A node (scalar, alias, or the start of a collection) is about to be
    /// read: a key when the enclosing mapping expects one.
    fn node(&mut self, key: Option<&str>, span: saphyr_parser::Span) {
        if let Some(Frame::Mapping { expect_key, keys }) = self.frames.last_mut() {
            if *expect_key {
                if let Some(key) = key.filter(|k| *k != "<<") {
                    if let Some(first) = keys.insert(key.to_string(), span) {
                        self.duplicates.push((key.to_string(), first, span));
                    }
                }
            }
            *expect_key = !*expect_key;
        }
    }
}

impl<'input> SpannedEventReceiver<'input> for KeyWatch<'input> {
    fn on_event(&mut self, ev: Event<'input>, span: saphyr_parser::Span) {
        match &ev {
            Event::Scalar(text, ..) => self.node(Some(text), span),
            Event::Alias(_) => self.node(None, span),
            Event::MappingStart(..) => {
                self.node(None, span);
                self.frames.push(Frame::Mapping { expect_key: true, keys: HashMap::new() });
            }
            Event::SequenceStart(..) => {
                self.node(None, span);
                self.frames.push(Frame::Sequence);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.frames.pop();
            }
            _ => {}
        }
        self.loader.on_event(ev, span);
    }
}

/// Character index → byte offset; the identity for ASCII text.
struct CharOffsets {
    table: Option<Vec<usize>>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        let table = (!text.is_ascii()).then(|| text.char_indices().map(|(i, _)| i).collect());
        CharOffsets { table, len: text.len() }
    }

    fn byte(&self, marker: &Marker) -> usize {
        let index = marker.index();
        match &self.table {
            None => index.min(self.len),
            Some(table) => table.get(index).copied().unwrap_or(self.len),
        }
    }
}

fn lower(node: MarkedYaml<'_>, offsets: &CharOffsets) -> Node {
    let start = offsets.byte(&node.span.start);
    let end = offsets.byte(&node.span.end).max(start);
    let span = Span::new(start, end);
    let value = match node.data {
        YamlData::Value(scalar) => scalar_value(scalar),
        YamlData::Representation(text, _, _) => Value::String(text.into_owned()),
        YamlData::Sequence(items) => Value::Array(items.into_iter().map(|item| lower(item, offsets)).collect()),
        YamlData::Mapping(map) => {
            let mut entries: Vec<Entry> = Vec::with_capacity(map.len());
            let mut merged: Vec<Entry> = Vec::new();
            for (key, value) in map {
                let key = lower(key, offsets);
                let value = lower(value, offsets);
                let name = key.scalar_text().unwrap_or_default();
                if name == "<<" {
                    // `<<: *base` or `<<: [*a, *b]`: earlier mappings win over later ones.
                    let sources = match value.value {
                        Value::Array(items) => items,
                        _ => vec![value],
                    };
                    for source in sources {
                        for entry in source.entries() {
                            if !merged.iter().any(|m| m.key == entry.key) {
                                merged.push(entry.clone());
                            }
                        }
                    }
                    continue;
                }
                entries.push(Entry { key: name, key_span: key.span, value });
            }
            // Keys written in the mapping itself win over merged ones.
            for entry in merged {
                if !entries.iter().any(|e| e.key == entry.key) {
                    entries.push(entry);
                }
            }
            Value::Object(entries)
        }
        YamlData::Tagged(_, inner) => return lower(*inner, offsets),
        // Aliases and bad values carry nothing an adapter could use.
        YamlData::Alias(_) | YamlData::BadValue => Value::Null,
    };
    Node::new(value, span)
}

fn scalar_value(scalar: Scalar<'_>) -> Value {
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(b),
        Scalar::Integer(i) => Value::Number(i.to_string()),
        Scalar::FloatingPoint(f) => Value::Number(f.to_string()),
        Scalar::String(s) => Value::String(s.into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_in_bytes_for_non_ascii_text() {
        let text = "name: \u{e9}t\u{e9}\ntoken: abc\n";
        let node = parse(text).unwrap();
        let token = node.get("token").unwrap();
        assert_eq!(&text[token.span.start..token.span.start + 3], "abc");
    }

    #[test]
    fn quoted_scalars_span_their_quotes_or_text() {
        let text = "a: \"xyz\"\nb: 'q'\n";
        let node = parse(text).unwrap();
        let a = node.get("a").unwrap();
        assert_eq!(&text[a.span.start..a.span.end], "\"xyz\"");
        let b = node.get("b").unwrap();
        assert_eq!(&text[b.span.start..b.span.end], "'q'");
    }

    #[test]
    fn duplicate_keys_keep_the_last_value_and_are_reported() {
        let text = "agent:\n  backstory: calm\n  backstory: evil\n  tools: [a]\n";
        let (docs, duplicates) = parse_all(text).unwrap();
        assert_eq!(docs[0].at(&["agent", "backstory"]).and_then(Node::as_str), Some("evil"));
        assert_eq!(duplicates.len(), 1);
        let d = &duplicates[0];
        assert_eq!((d.key.as_str(), &text[d.first.start..d.first.end]), ("backstory", "backstory"));
        assert!(d.second.start > d.first.start);
    }

    #[test]
    fn merge_keys_apply_as_yaml_1_1_hosts_apply_them() {
        let text = "base: &base\n  tools: [shell]\n  allow_delegation: true\n  role: base\nagent:\n  <<: *base\n  role: writer\n";
        let doc = parse(text).unwrap();
        let agent = doc.get("agent").unwrap();
        assert_eq!(agent.get("role").and_then(Node::as_str), Some("writer"));
        assert_eq!(agent.get("allow_delegation").and_then(Node::as_bool), Some(true));
        assert_eq!(agent.get("tools").map(|t| t.items().len()), Some(1));
        assert!(agent.get("<<").is_none());
    }

    #[test]
    fn reports_a_located_error() {
        let err = parse("a: [1, 2\nb: c\n").unwrap_err();
        assert!(err.message.starts_with("invalid YAML"));
    }
}
