//! JSON and JSONC (comments, trailing commas), through `jsonc-parser`, which
//! keeps the byte range of every value and property name.

use jsonc_parser::ast;
use jsonc_parser::{CollectOptions, ParseOptions};

use super::{Duplicate, Entry, Node, Span, SyntaxError, Value};

/// What editors accept in JSONC files: comments and trailing commas, nothing
/// looser, so a file we accept is one the agent host can load too.
fn options() -> ParseOptions {
    ParseOptions {
        allow_comments: true,
        allow_trailing_commas: true,
        allow_loose_object_property_names: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// The document, and every property written twice in one object. Agent
/// hosts read JSON with `JSON.parse` or serde, which keep the last value of
/// a duplicated property, and so do we.
pub(super) fn parse(text: &str) -> Result<(Node, Vec<Duplicate>), SyntaxError> {
    let result = jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &options()).map_err(|err| {
        let range = err.range();
        // `#` comments are common in hand-edited configs, and fatal.
        let hint = if text[range.start..].starts_with('#') {
            " (JSON has no `#` comments; the agent host cannot load this file either)"
        } else {
            ""
        };
        SyntaxError {
            message: format!("invalid JSON: {}{hint}", err.kind()),
            span: Span::new(range.start, range.end.max(range.start)),
        }
    })?;
    let mut duplicates = Vec::new();
    match result.value {
        Some(value) => Ok((lower(value, &mut duplicates), duplicates)),
        None => Err(SyntaxError { message: "invalid JSON: the file holds no value".into(), span: Span::new(0, 0) }),
    }
}

fn span(range: jsonc_parser::common::Range) -> Span {
    Span::new(range.start, range.end)
}

fn lower(value: ast::Value<'_>, duplicates: &mut Vec<Duplicate>) -> Node {
    match value {
        ast::Value::StringLit(s) => Node::new(Value::String(s.value.into_owned()), span(s.range)),
        ast::Value::NumberLit(n) => Node::new(Value::Number(n.value.to_string()), span(n.range)),
        ast::Value::BooleanLit(b) => Node::new(Value::Bool(b.value), span(b.range)),
        ast::Value::NullKeyword(n) => Node::new(Value::Null, span(n.range)),
        ast::Value::Array(a) => {
            let range = span(a.range);
            Node::new(Value::Array(a.elements.into_iter().map(|v| lower(v, duplicates)).collect()), range)
        }
        ast::Value::Object(o) => {
            let range = span(o.range);
            let mut entries: Vec<Entry> = Vec::with_capacity(o.properties.len());
            // Key → position, so a large object costs one lookup per key.
            let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
            for prop in o.properties {
                let (key, key_span) = match prop.name {
                    ast::ObjectPropName::String(s) => (s.value.into_owned(), span(s.range)),
                    ast::ObjectPropName::Word(w) => (w.value.to_string(), span(w.range)),
                };
                let value = lower(prop.value, duplicates);
                // The last copy wins, where the first one stood.
                match seen.get(&key).and_then(|&at| entries.get_mut(at)) {
                    Some(earlier) => {
                        duplicates.push(Duplicate { key: key.clone(), first: earlier.key_span, second: key_span });
                        *earlier = Entry { key, key_span, value };
                    }
                    None => {
                        seen.insert(key.clone(), entries.len());
                        entries.push(Entry { key, key_span, value });
                    }
                }
            }
            Node::new(Value::Object(entries), range)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_comments_and_trailing_commas_with_spans() {
        let text = "{\n  // a comment\n  \"a\": \"xyz\",\n}";
        let (node, _) = parse(text).unwrap();
        let a = node.get("a").unwrap();
        assert_eq!(&text[a.span.start..a.span.end], "\"xyz\"");
    }

    #[test]
    fn duplicate_properties_keep_the_last_value_and_are_reported() {
        let text =
            r#"{"permissions": {"defaultMode": "default"}, "permissions": {"defaultMode": "bypassPermissions"}}"#;
        let (node, duplicates) = parse(text).unwrap();
        assert_eq!(node.at(&["permissions", "defaultMode"]).and_then(Node::as_str), Some("bypassPermissions"));
        assert_eq!(node.entries().len(), 1);
        assert_eq!(duplicates.len(), 1);
        assert_eq!((duplicates[0].first.start, duplicates[0].second.start), (1, 44));
    }

    #[test]
    fn reports_a_located_error() {
        let err = parse("{\n  \"a\": ,\n}").unwrap_err();
        assert!(err.message.starts_with("invalid JSON"), "{}", err.message);
        assert_eq!(err.span.start, 9);
    }
}
