//! dotenv files: `KEY=value` lines, optional `export `, quotes and `#` comments.
//! Written by hand: the format is a few lines of grammar and no crate keeps spans.

use super::{Entry, Node, Span, Value};

/// Lines that are not assignments are skipped, as shells and loaders do.
pub(super) fn parse(text: &str) -> Node {
    let mut entries = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let lead = content.len() - trimmed.len();
        let (body, body_at) = match trimmed.strip_prefix("export ") {
            Some(rest) => {
                let rest_trim = rest.trim_start();
                (rest_trim, lead + 7 + (rest.len() - rest_trim.len()))
            }
            None => (trimmed, lead),
        };
        let Some(eq) = body.find('=') else { continue };
        let key = body[..eq].trim_end();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-') {
            continue;
        }
        let key_start = line_start + body_at;
        let raw_value = &body[eq + 1..];
        let value_lead = raw_value.len() - raw_value.trim_start().len();
        let value_text = raw_value.trim_start();
        let value_start = key_start + eq + 1 + value_lead;
        let (value, span) = unquote(value_text, value_start);
        entries.push(Entry {
            key: key.to_string(),
            key_span: Span::new(key_start, key_start + key.len()),
            value: Node::new(Value::String(value), span),
        });
    }
    Node::new(Value::Object(entries), Span::new(0, text.len()))
}

/// Returns the value and the span of its text (inside the quotes, if any).
fn unquote(text: &str, start: usize) -> (String, Span) {
    for quote in ['"', '\''] {
        if let Some(rest) = text.strip_prefix(quote) {
            if let Some(close) = rest.find(quote) {
                let inner = &rest[..close];
                return (inner.to_string(), Span::new(start + 1, start + 1 + inner.len()));
            }
        }
    }
    // Unquoted: an inline comment starts at " #".
    let end = text.find(" #").unwrap_or(text.len());
    let value = text[..end].trim_end();
    (value.to_string(), Span::new(start, start + value.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_assignments_with_spans() {
        let text = "# c\nexport A=1\nB = \"two\" \nC=three # note\nnot a line\n";
        let node = parse(text);
        let keys: Vec<_> = node.entries().iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["A", "B", "C"]);
        let b = node.get("B").unwrap();
        assert_eq!(&text[b.span.start..b.span.end], "two");
        let c = node.get("C").unwrap();
        assert_eq!(c.as_str(), Some("three"));
        assert_eq!(&text[c.span.start..c.span.end], "three");
        let a = node.entry("A").unwrap();
        assert_eq!(&text[a.key_span.start..a.key_span.end], "A");
    }
}
