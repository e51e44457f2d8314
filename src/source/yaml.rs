//! YAML through `saphyr`, whose marked tree carries a span for every node.
//!
//! saphyr counts positions in characters; we convert them to byte offsets so
//! that every syntax shares one kind of span.

use saphyr::{LoadableYamlNode, MarkedYaml, Marker, Scalar, YamlData};

use super::{Entry, Node, Span, SyntaxError, Value};

/// Parses the first document of a YAML stream (an empty stream is `null`).
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let docs = parse_all(text)?;
    Ok(docs.into_iter().next().unwrap_or(Node::new(Value::Null, Span::new(0, 0))))
}

/// Every document of a YAML stream.
pub fn parse_all(text: &str) -> Result<Vec<Node>, SyntaxError> {
    let offsets = CharOffsets::new(text);
    let docs = MarkedYaml::load_from_str(text).map_err(|err| {
        let at = offsets.byte(err.marker());
        SyntaxError { message: format!("invalid YAML: {}", err.info()), span: Span::new(at, at) }
    })?;
    Ok(docs.into_iter().map(|doc| lower(doc, &offsets)).collect())
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
        YamlData::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let key = lower(key, offsets);
                    Entry {
                        key: key.scalar_text().unwrap_or_default(),
                        key_span: key.span,
                        value: lower(value, offsets),
                    }
                })
                .collect(),
        ),
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
    fn reports_a_located_error() {
        let err = parse("a: [1, 2\nb: c\n").unwrap_err();
        assert!(err.message.starts_with("invalid YAML"));
    }
}
