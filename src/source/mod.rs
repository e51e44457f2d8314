//! Source stage: bytes → a located document tree.
//!
//! Every format we read (JSON/JSONC, YAML, TOML, dotenv) is lowered into one
//! tree type, [`Node`], in which every value and every key keeps its byte span.
//! Adapters walk this tree; findings point back into the file through spans.

mod dotenv;
pub mod hidden;
mod json;
mod toml;
mod yaml;

use std::path::PathBuf;
use std::sync::Arc;

/// A half-open byte range into a file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The syntax a file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// JSON, accepting comments and trailing commas (JSONC), as editors do.
    Json,
    Yaml,
    Toml,
    Dotenv,
    /// Markdown with a YAML front matter block (`---` … `---`), as in
    /// Claude Code's `.claude/agents/*.md`; only the front matter is read.
    FrontMatter,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// Numbers keep their source text: we never compute with them.
    Number(String),
    String(String),
    Array(Vec<Node>),
    Object(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    pub fn new(value: Value, span: Span) -> Self {
        Node { value, span }
    }

    /// The value of `key` if this is an object holding it (first occurrence).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Object(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// Follows a dotted path of object keys.
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            // YAML and dotenv writers quote booleans often enough to accept it.
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Object(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Array(items) => items,
            _ => &[],
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self.value, Value::Object(_))
    }

    /// A scalar rendered as text (strings, numbers, booleans).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::String(s) | Value::Number(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// The byte ranges of every key and string in `docs`, sorted: text there is
/// data, never a comment, whatever it looks like.
pub fn literal_spans(docs: &[Node]) -> Vec<Span> {
    fn walk(node: &Node, out: &mut Vec<Span>) {
        match &node.value {
            Value::String(_) => out.push(node.span),
            Value::Array(items) => items.iter().for_each(|item| walk(item, out)),
            Value::Object(entries) => {
                for entry in entries {
                    out.push(entry.key_span);
                    walk(&entry.value, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    docs.iter().for_each(|doc| walk(doc, &mut out));
    out.sort();
    out
}

/// Whether `offset` lies inside one of the sorted `spans`.
pub fn inside(spans: &[Span], offset: usize) -> bool {
    let after = spans.partition_point(|s| s.start <= offset);
    // Spans nest (a key inside its object's span is not listed, but values
    // may overlap after merges): look back over the few that start before.
    spans[..after].iter().rev().take(64).any(|s| offset < s.end)
}

/// Maps byte offsets to 1-based lines and character columns.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// An ASCII text's columns are byte distances: no counting.
    ascii: bool,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { line_starts, ascii: text.is_ascii() }
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// The byte offset where 0-based line `line` starts, if there is one.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line).copied()
    }

    /// 1-based line and 1-based column counted in characters.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let column = if self.ascii {
            offset - start
        } else {
            text.get(start..offset).map(|s| s.chars().count()).unwrap_or(offset - start)
        };
        (line + 1, column + 1)
    }
}

/// A file read from disk, with its text and line index.
#[derive(Debug)]
pub struct SourceFile {
    /// The path on disk.
    pub path: PathBuf,
    /// The path as shown to users: relative to the scan root.
    pub display: String,
    pub text: String,
    pub lines: LineIndex,
    /// `display` as outputs show it, masked once for every finding in it.
    shown: std::sync::OnceLock<crate::redact::Shown>,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, text: String) -> Arc<Self> {
        let lines = LineIndex::new(&text);
        Arc::new(SourceFile { path, display, text, lines, shown: std::sync::OnceLock::new() })
    }

    /// The displayed path as any output may show it: a directory may be
    /// named with a token or an escape code.
    pub fn shown_display(&self) -> crate::redact::Shown {
        self.shown.get_or_init(|| crate::redact::Shown::new(&self.display)).clone()
    }

    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_col(&self.text, offset)
    }
}

/// A syntax error, located.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
}

/// A key written twice in one mapping: the host uses the second (last)
/// copy, and a reader of the file may see only the first.
#[derive(Debug, Clone, PartialEq)]
pub struct Duplicate {
    pub key: String,
    /// The key of the copy the host ignores.
    pub first: Span,
    /// The key of the copy the host uses.
    pub second: Span,
}

/// A parsed file: its documents, and what the parse noticed on the way.
#[derive(Debug, Default)]
pub struct Parsed {
    pub docs: Vec<Node>,
    pub duplicates: Vec<Duplicate>,
    /// Where text is data, not a comment (keys, strings, a Markdown body),
    /// sorted: an inline suppression there is no suppression.
    pub literals: Vec<Span>,
    /// Text a reviewer cannot see and the model reads, made visible.
    pub hidden: Vec<hidden::Hidden>,
}

/// A comment and where it sits; inline suppressions and raw token scans read these.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

/// Parses `text` written in `syntax` into a located tree (the first
/// document of a YAML stream).
pub fn parse(text: &str, syntax: Syntax) -> Result<Node, SyntaxError> {
    parse_documents(text, syntax).map(|docs| docs.into_iter().next().unwrap_or(Node::new(Value::Null, Span::default())))
}

/// Every document of the file: several for a YAML stream (`---`), one otherwise.
pub fn parse_documents(text: &str, syntax: Syntax) -> Result<Vec<Node>, SyntaxError> {
    parse_file(text, syntax).map(|parsed| parsed.docs)
}

/// Every document of the file, with the keys written twice in it.
pub fn parse_file(text: &str, syntax: Syntax) -> Result<Parsed, SyntaxError> {
    let (docs, duplicates) = match syntax {
        Syntax::Json => json::parse(text).map(|(d, dups)| (vec![d], dups))?,
        Syntax::Yaml => yaml::parse_all(text)?,
        // TOML forbids duplicate keys: the parser rejects them, as Codex does.
        Syntax::Toml => (vec![toml::parse(text)?], Vec::new()),
        Syntax::Dotenv => (vec![dotenv::parse(text)], Vec::new()),
        Syntax::FrontMatter => front_matter(text)?,
    };
    let mut literals = literal_spans(&docs);
    let body = (syntax == Syntax::FrontMatter).then(|| front_matter_end(text));
    if let Some(body) = body {
        // Only the front matter is YAML; the body is text the model reads.
        literals.push(Span::new(body, text.len()));
        literals.sort();
    }
    let hidden = hidden::find(text, body);
    Ok(Parsed { docs, duplicates, literals, hidden })
}

/// Where the front matter block ends (its closing `---` line starts), or
/// 0 when the file has none.
pub fn front_matter_end(text: &str) -> usize {
    match text.strip_prefix("---").filter(|rest| rest.starts_with('\n') || rest.starts_with("\r\n")) {
        Some(first) => {
            let start = text.len() - first.len();
            first.find("\n---").map_or(text.len(), |i| start + i + 1)
        }
        None => 0,
    }
}

/// The YAML between a leading `---` line and the next one. Everything else
/// becomes spaces of the same byte length (newlines kept) before parsing, so
/// spans stay those of the file.
fn front_matter(text: &str) -> Result<(Vec<Node>, Vec<Duplicate>), SyntaxError> {
    let Some(first) = text.strip_prefix("---").filter(|rest| rest.starts_with('\n') || rest.starts_with("\r\n")) else {
        return Ok((vec![Node::new(Value::Null, Span::default())], Vec::new()));
    };
    let start = text.len() - first.len();
    let end = front_matter_end(text);
    let mut masked = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if (start..end).contains(&i) || c == '\n' {
            masked.push(c);
        } else {
            masked.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
    }
    let (docs, duplicates) = yaml::parse_all(&masked)?;
    let doc = docs.into_iter().next().unwrap_or(Node::new(Value::Null, Span::default()));
    Ok((vec![doc], duplicates))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\n\u{e9}\u{e9}x\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 3), (2, 1));
        // 'x' sits after two two-byte characters.
        assert_eq!(idx.line_col(text, 7), (2, 3));
        assert_eq!(idx.line_col(text, text.len()), (3, 1));
    }

    #[test]
    fn front_matter_keeps_file_offsets() {
        let text = "---\nname: reviewer\ntools: Read, Grep\n---\n# Body \u{e9}\n";
        let doc = parse(text, Syntax::FrontMatter).unwrap();
        let tools = doc.get("tools").unwrap();
        assert_eq!(&text[tools.span.start..tools.span.end], "Read, Grep");
        assert_eq!(parse("# no front matter\n", Syntax::FrontMatter).unwrap().value, Value::Null);
    }

    #[test]
    fn yaml_streams_keep_every_document() {
        let docs = parse_documents("# c\n---\na: 1\n---\nb: 2\n", Syntax::Yaml).unwrap();
        assert_eq!(docs.len(), 2);
        assert!(docs[1].get("b").is_some());
    }

    #[test]
    fn all_syntaxes_lower_to_the_same_tree() {
        let json = parse(r#"{"a": {"b": "x"}}"#, Syntax::Json).unwrap();
        let yaml = parse("a:\n  b: x\n", Syntax::Yaml).unwrap();
        let toml = parse("[a]\nb = \"x\"\n", Syntax::Toml).unwrap();
        for doc in [&json, &yaml, &toml] {
            assert_eq!(doc.at(&["a", "b"]).and_then(Node::as_str), Some("x"));
        }
    }
}
