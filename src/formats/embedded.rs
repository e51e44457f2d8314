//! Configs written inside a string of another file: a workflow step's
//! `settings:` or `mcp_config:` input holding JSON, a `--mcp-config '{…}'`
//! argument. They are parsed on their own and their spans moved back to
//! where their text sits in the outer file, so findings point at it.

use crate::source::{Node as Doc, Span, Value};

/// The text with each `${{ … }}` expression outside a JSON string replaced
/// by `null` padded to the same length: the runner substitutes them before
/// the agent reads the JSON (`"debug": ${{ fromJSON(env.DEBUG) }}`), and
/// offsets must not move. Expressions inside strings are text already.
pub(super) fn without_expressions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if !in_string && rest.starts_with("${{") {
            if let Some(end) = rest.find("}}") {
                let len = end + 2;
                out.push_str("null");
                out.extend(std::iter::repeat_n(' ', len - 4));
                rest = &rest[len..];
                continue;
            }
        }
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            _ => {}
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Where each line of a string value sits in the file's text: a block
/// scalar's lines follow its indentation, a plain or quoted one-line
/// value sits as written. A line not found as written (escapes, folding)
/// maps to the start of the whole value.
pub(super) struct Offsets {
    /// (start of the line in the value, start in the file if found)
    lines: Vec<(usize, Option<usize>)>,
    fallback: usize,
    /// Where the parsed piece starts in the value.
    shift: usize,
}

impl Offsets {
    pub(super) fn new(file: &str, value_span: Span, value: &str, shift: usize) -> Self {
        let raw = file.get(value_span.start..value_span.end).unwrap_or("");
        let mut cursor = 0;
        let mut at = 0;
        let mut lines = Vec::new();
        for line in value.split('\n') {
            let found = raw.get(cursor..).and_then(|r| r.find(line)).map(|i| cursor + i);
            if let Some(i) = found {
                cursor = i + line.len();
            }
            lines.push((at, found.map(|i| value_span.start + i)));
            at += line.len() + 1;
        }
        Offsets { lines, fallback: value_span.start, shift }
    }

    /// The file offset of byte `offset` of the parsed piece.
    pub(super) fn map(&self, offset: usize) -> usize {
        let offset = offset + self.shift;
        let i = self.lines.partition_point(|(start, _)| *start <= offset).saturating_sub(1);
        match self.lines.get(i) {
            Some((start, Some(file))) => file + (offset - start),
            _ => self.fallback,
        }
    }

    fn span(&self, span: Span) -> Span {
        let start = self.map(span.start);
        // A span that crosses lines ends where its last byte sits.
        let end = if span.end > span.start { self.map(span.end - 1) + 1 } else { start };
        Span::new(start, end.max(start))
    }
}

/// Moves every span of `doc` from the value's text into the file's.
pub(super) fn relocate(doc: &mut Doc, offsets: &Offsets) {
    doc.span = offsets.span(doc.span);
    match &mut doc.value {
        Value::Array(items) => items.iter_mut().for_each(|item| relocate(item, offsets)),
        Value::Object(entries) => {
            for entry in entries {
                entry.key_span = offsets.span(entry.key_span);
                relocate(&mut entry.value, offsets);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{parse, Syntax};

    #[test]
    fn expressions_outside_strings_become_null() {
        let text = r#"{"debug": ${{ fromJSON(env.DEBUG) }}, "k": "${{ secrets.X }}"}"#;
        let neutral = without_expressions(text);
        assert_eq!(neutral.len(), text.len());
        assert!(neutral.starts_with(r#"{"debug": null "#), "{neutral}");
        assert!(neutral.ends_with(r#""k": "${{ secrets.X }}"}"#), "{neutral}");
        assert!(parse(&neutral, Syntax::Json).is_ok());
    }

    #[test]
    fn block_scalar_lines_map_to_their_indented_place() {
        let file = "with:\n  settings: |-\n    {\n      \"mcpServers\": {}\n    }\n";
        let start = file.find("|-").unwrap();
        let value = "{\n  \"mcpServers\": {}\n}";
        let offsets = Offsets::new(file, Span::new(start, file.len()), value, 0);
        let key = value.find("\"mcpServers\"").unwrap();
        assert_eq!(&file[offsets.map(key)..offsets.map(key) + 12], "\"mcpServers\"");
        let mut doc = parse(value, Syntax::Json).unwrap();
        relocate(&mut doc, &offsets);
        let entry = &doc.entries()[0];
        assert_eq!(&file[entry.key_span.start..entry.key_span.end], "\"mcpServers\"");
        assert_eq!(&file[entry.value.span.start..entry.value.span.end], "{}");
    }
}
