//! `--format terminal`: each finding as a miette diagnostic with the source
//! snippet (secrets starred out), then errors, then one summary line.

use std::collections::HashMap;
use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    Severity as MietteSeverity, SourceCode, SourceSpan, SpanContents,
};
use rayon::prelude::*;

use crate::engine::Severity;
use crate::findings::Finding;
use crate::scan::ScanOutput;
use crate::source::LineIndex;

#[derive(Debug)]
struct Shown {
    message: String,
    code: String,
    severity: MietteSeverity,
    help: Option<String>,
    source: Snippet,
    labels: Vec<LabeledSpan>,
}

/// Columns of a source line drawn around a span: a minified file has one
/// line of megabytes, and drawing it whole made output quadratic in size.
const WINDOW: usize = 120;
/// Columns kept left of the span's start.
const LEAD: usize = 40;
/// Lines of a long span drawn before the rest is left out.
const MAX_SPAN_LINES: usize = 8;

/// The lines around a span, each clipped to a window of [`WINDOW`]
/// characters, with the span moved into the snippet. Line numbers stay the
/// file's own: `read_span` shifts them.
#[derive(Debug)]
struct Snippet {
    name: String,
    text: String,
    /// 0-based line number of the snippet's first line in the file.
    first_line: usize,
    /// The span, in snippet offsets.
    span: (usize, usize),
    /// What to add to miette's column (bytes into the snippet's line) to
    /// report the file's (characters into the file's line): the characters
    /// the window left out, less the bytes of `…` and of wide characters.
    column_shift: isize,
}

impl Snippet {
    /// `lines` indexes `text` (or a text of the same byte offsets) and
    /// `column` is the span's 1-based column: the snippet costs a binary
    /// search and a window of characters, never a scan of a long line.
    fn new(name: &str, text: &str, lines: &LineIndex, span: crate::source::Span, column: usize) -> Snippet {
        let start = floor_boundary(text, span.start.min(text.len()));
        let end = floor_boundary(text, span.end.clamp(start, text.len()));
        let span_first = lines.line_of(start);
        let span_last = lines.line_of(end).min(span_first + MAX_SPAN_LINES);
        let first_line = span_first.saturating_sub(1);
        let line_start = lines.line_start(span_first).unwrap_or(0).min(start);
        // Lines are drawn from their start unless the span begins too far right;
        // then every line is drawn from the same byte distance into it.
        let skip = if start - line_start + 20 <= WINDOW { 0 } else { start - line_start - LEAD };
        let mut out = String::new();
        let (mut span_start, mut span_end) = (None, None);
        let mut column_shift = 0;
        for index in first_line..=span_last + 1 {
            let Some(offset) = lines.line_start(index).filter(|o| *o <= text.len()) else { break };
            let line_end =
                lines.line_start(index + 1).map_or(text.len(), |next| next.saturating_sub(1)).min(text.len());
            let from = floor_boundary(text, (offset + skip).min(line_end));
            if index > first_line {
                out.push('\n');
            }
            if from > offset {
                out.push('…');
            }
            if index == span_first {
                // The header's column is the file's: what the window left out.
                let ellipsis = if from > offset { '…'.len_utf8() } else { 0 };
                let shown_before = text.get(from..start).map_or(0, str::len) + ellipsis;
                column_shift = column.saturating_sub(1) as isize - shown_before as isize;
            }
            if span_start.is_none() && start < from && index == span_first {
                span_start = Some(out.len());
            }
            // Map each kept character; the span's ends land on the nearest kept one.
            for (col, (byte, c)) in text.get(from..line_end).unwrap_or("").char_indices().enumerate() {
                let at = from + byte;
                if col >= WINDOW {
                    out.push('…');
                    break;
                }
                if span_start.is_none() && at >= start {
                    span_start = Some(out.len());
                }
                if span_end.is_none() && at >= end {
                    span_end = Some(out.len());
                }
                out.push(c);
            }
            if span_start.is_none() && start <= line_end && index == span_first {
                span_start = Some(out.len());
            }
            if span_end.is_none() && end <= line_end && span_start.is_some() {
                span_end = Some(out.len());
            }
        }
        let span_start = span_start.unwrap_or(0);
        let span_end = span_end.unwrap_or(out.len()).max(span_start);
        Snippet { name: name.to_string(), text: out, first_line, span: (span_start, span_end), column_shift }
    }

    fn label(&self, text: Option<String>) -> LabeledSpan {
        LabeledSpan::new_primary_with_span(text, (self.span.0, self.span.1 - self.span.0))
    }
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        // miette reads the primary span alone (no context) for the header's
        // `path:line:column`: that column is the file's, not the snippet's.
        let column = match before == 0 && after == 0 {
            true => inner.column().saturating_add_signed(self.column_shift),
            false => inner.column(),
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Shown {}

impl Diagnostic for Shown {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<MietteSeverity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub color: bool,
    pub width: usize,
    /// Only the summary line.
    pub quiet: bool,
    /// The count of findings per rule instead of each finding.
    pub statistics: bool,
}

/// The whole report as one string (for `--output` and tests).
pub fn render(output: &ScanOutput, findings: &[Finding], options: &Options) -> String {
    let mut buffer = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = render_to(output, findings, options, &mut buffer);
    String::from_utf8_lossy(&buffer).into_owned()
}

/// Writes the report to `sink` one finding at a time, as each is drawn: a
/// scan with many findings starts printing at once and holds one finding's
/// text, not the whole report.
pub fn render_to(
    output: &ScanOutput,
    findings: &[Finding],
    options: &Options,
    sink: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let handlers = Severity::ALL.map(|severity| handler(severity, options));
    let texts = super::RedactedTexts::new(&output.graph);
    let mut out = String::new();
    // Built once: a chain step names its file by path.
    let files: HashMap<&str, usize> =
        output.graph.files.iter().enumerate().map(|(i, f)| (f.display.as_str(), i)).collect();
    if options.quiet || options.statistics {
        if options.statistics && !options.quiet {
            out.push_str(&rule_table(findings));
        }
        out.push_str(&summary(output, findings));
        out.push('\n');
        return sink.write_all(out.as_bytes());
    }
    let chained = findings.iter().flat_map(|f| &f.chain).filter_map(|s| s.location.as_ref());
    let chained = chained.filter_map(|l| files.get(l.path.as_str()).copied());
    let drawn = findings.iter().map(|f| f.loc.file).chain(output.errors.iter().filter_map(|e| e.file));
    texts.prefetch(drawn.chain(chained));
    // The same rule saying the same thing in one file is one block, listing
    // every place: a config with thirty unpinned servers reads as one problem.
    let mut repeats: HashMap<(&str, &str, &str), Vec<&Finding>> = HashMap::new();
    for finding in findings {
        let key = (finding.rule_id.as_str(), finding.message.as_str(), finding.location.path.as_str());
        repeats.entry(key).or_default().push(finding);
    }
    let mut blocks: Vec<(&Finding, Vec<&Finding>)> = Vec::new();
    for finding in findings {
        let key = (finding.rule_id.as_str(), finding.message.as_str(), finding.location.path.as_str());
        if let Some(same) = repeats.remove(&key) {
            blocks.push((finding, same));
        }
    }
    let draw = |(finding, same): &(&Finding, Vec<&Finding>)| -> String {
        let mut out = String::new();
        let text = texts.get(finding.loc.file).unwrap_or("");
        let Some(file) = output.graph.file(finding.loc.file) else { return out };
        let source = Snippet::new(&finding.location.path, text, &file.lines, finding.loc.span, finding.location.column);
        let shown = Shown {
            message: finding.message.to_string(),
            code: format!("{} {}", finding.severity.as_str(), finding.rule_id),
            severity: miette_severity(finding.severity),
            help: (!finding.help.is_empty()).then(|| finding.help.to_string()),
            labels: vec![source.label(Some(finding.title.clone()))],
            source,
        };
        let handler = &handlers[Severity::ALL.iter().position(|s| *s == finding.severity).unwrap_or(0)];
        let _ = handler.render_report(&mut out, &shown);
        out.push_str(&chain_text(&files, finding, &texts));
        if same.len() > 1 {
            let places: Vec<String> = same[1..].iter().map(|f| f.location.to_string()).collect();
            out.push_str(&format!("  and {} more: {}\n", places.len(), places.join(", ")));
        }
        out.push_str(&doc_link(&finding.rule_id, options.color));
        out.push('\n');
        out
    };
    // Drawn on every core a chunk at a time (wrapping and framing a block
    // is most of a terminal report's time), and written in order as each
    // chunk is done: the output is the same as drawn one by one.
    const BLOCKS_PER_CHUNK: usize = 256;
    for chunk in blocks.chunks(BLOCKS_PER_CHUNK) {
        let drawn: Vec<String> = chunk.par_iter().map(draw).collect();
        for block in drawn {
            sink.write_all(block.as_bytes())?;
        }
    }
    for error in &output.errors {
        let text = error.file.and_then(|f| texts.get(f));
        let lines = error.file.and_then(|f| output.graph.file(f)).map(|f| f.lines.clone());
        let lines = lines.unwrap_or_else(|| LineIndex::new(""));
        let source = Snippet::new(&error.path, text.unwrap_or(""), &lines, error.span, error.column);
        let shown = Shown {
            // Without a snippet (an unreadable file) the path leads the message;
            // with one, miette names it above the snippet.
            message: match text {
                Some(_) => error.message.clone(),
                None => error.to_string(),
            },
            code: "error".into(),
            severity: MietteSeverity::Error,
            help: Some(match error.rest_read {
                true => "the rest of the file was analysed; fix this, or exclude the file from the scan".into(),
                false => "the file was not analysed; fix it, or exclude it from the scan".into(),
            }),
            labels: match text {
                Some(_) => vec![source.label(Some("here".into()))],
                None => Vec::new(),
            },
            source,
        };
        // Drawn as high: an unreadable config fails the run.
        let _ = handlers[1].render_report(&mut out, &shown);
        out.push('\n');
    }
    out.push_str(&rule_table(findings));
    out.push_str(&largest_blast_radii(output));
    out.push_str(&config_text(output));
    out.push_str(&summary(output, findings));
    out.push('\n');
    sink.write_all(out.as_bytes())
}

/// `  docs: …/docs/rules.md#br101` after a built-in rule's finding; in a
/// colour terminal an OSC 8 hyperlink showing the short path.
fn doc_link(rule_id: &str, color: bool) -> String {
    // Custom rules have no page of ours; built-in ids start with BR.
    if !rule_id.starts_with("BR") {
        return String::new();
    }
    let url = super::rules::doc_url(rule_id);
    if color {
        let short = format!("docs/rules.md#{}", rule_id.to_ascii_lowercase());
        format!("  docs: \x1b]8;;{url}\x1b\\{short}\x1b]8;;\x1b\\\n")
    } else {
        format!("  docs: {url}\n")
    }
}

/// miette's three levels: the mark drawn before a finding (×, ⚠, ☞).
fn miette_severity(severity: Severity) -> MietteSeverity {
    match severity {
        Severity::Critical | Severity::High => MietteSeverity::Error,
        Severity::Medium | Severity::Low => MietteSeverity::Warning,
        Severity::Info => MietteSeverity::Advice,
    }
}

/// A report handler drawing in `severity`'s own colour, so that critical and
/// high (both errors to miette) and medium and low look different.
fn handler(severity: Severity, options: &Options) -> GraphicalReportHandler {
    let mut theme = if options.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    if options.color {
        let style = match severity {
            Severity::Critical => owo_colors::Style::new().bright_magenta().bold(),
            Severity::High => owo_colors::Style::new().bright_red(),
            Severity::Medium => owo_colors::Style::new().yellow(),
            Severity::Low => owo_colors::Style::new().cyan(),
            Severity::Info => owo_colors::Style::new().bright_black(),
        };
        theme.styles.error = style;
        theme.styles.warning = style;
        theme.styles.advice = style;
    }
    GraphicalReportHandler::new_themed(theme).with_width(options.width).with_context_lines(1)
}

/// How many findings each rule has, most severe rules first, then the most
/// frequent (`ruff --statistics`): what to fix first in a large report.
fn rule_table(findings: &[Finding]) -> String {
    let mut rows: Vec<(&str, Severity, usize, &str)> = Vec::new();
    for finding in findings {
        match rows.iter_mut().find(|r| r.0 == finding.rule_id) {
            Some(row) => {
                row.1 = row.1.max(finding.severity);
                row.2 += 1;
            }
            None => rows.push((&finding.rule_id, finding.severity, 1, &finding.title)),
        }
    }
    if rows.is_empty() {
        return String::new();
    }
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(b.0)));
    let count_width = rows.iter().map(|r| r.2.to_string().len()).max().unwrap_or(1);
    let id_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(5);
    let mut text = String::from("findings by rule:\n");
    for (id, severity, count, title) in rows {
        text.push_str(&format!(
            "  {count:>count_width$}  {id:<id_width$}  {:<8}  {}\n",
            severity.as_str(),
            crate::redact::shown(title)
        ));
    }
    text.push('\n');
    text
}

/// The config file that shaped the scan, and what it turned off: a
/// repository's own config can silence checks, and must say so.
fn config_text(output: &ScanOutput) -> String {
    let Some(config) = &output.config else { return String::new() };
    let mut text = format!("config: {}\n", config.path);
    for effect in &config.effects {
        text.push_str(&format!("  {effect}\n"));
    }
    if config.hidden_findings > 0 {
        let n = config.hidden_findings;
        text.push_str(&format!("  hid {n} finding{} through its ignore entries\n", if n == 1 { "" } else { "s" }));
    }
    text.push('\n');
    text
}

/// The three agents that reach the most, with what they reach.
fn largest_blast_radii(output: &ScanOutput) -> String {
    let radii = crate::graph::reach::blast_radii(&output.graph, crate::graph::reach::MAX_HOPS);
    let shown: Vec<String> = radii
        .iter()
        .filter(|r| r.size > 0)
        .take(3)
        .map(|r| {
            let plural = |n: usize, word: &str| if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") };
            let mut parts = vec![plural(r.tools, "tool")];
            for (n, word) in [(r.agents, "agent"), (r.credentials, "credential"), (r.resources, "resource")] {
                if n > 0 {
                    parts.push(plural(n, word));
                }
            }
            let caps =
                if r.capabilities.is_empty() { String::new() } else { format!("; can {}", r.capabilities.join(", ")) };
            format!("  {} reaches {}{caps}\n", crate::redact::shown(&r.label), parts.join(", "))
        })
        .collect();
    if shown.is_empty() {
        return String::new();
    }
    format!("largest blast radius:\n{}\n", shown.join(""))
}

/// A chain, step by step, each with where it is written and that line of
/// source (secrets starred out): the path a chaining finding follows.
fn chain_text(files: &HashMap<&str, usize>, finding: &Finding, texts: &super::RedactedTexts<'_>) -> String {
    if finding.chain.is_empty() {
        return String::new();
    }
    let mut rows: Vec<(String, String, String)> = Vec::new();
    for step in &finding.chain {
        let what = match &step.edge {
            Some(edge) => format!("{} ─{}→", step.node, edge.replace('_', " ")),
            None => step.node.to_string(),
        };
        let (at, line) = match &step.location {
            Some(l) => {
                let source = files
                    .get(l.path.as_str())
                    .and_then(|&id| texts.line(id, l.line))
                    .map(|t| t.trim().chars().take(60).collect::<String>())
                    .unwrap_or_default();
                (l.to_string(), source)
            }
            None => (String::new(), String::new()),
        };
        rows.push((what, at, line));
    }
    let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let at_width = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    let mut text = String::from("  path:\n");
    for (n, (what, at, line)) in rows.iter().enumerate() {
        let row = format!("    {:>2}. {what:<width$}  {at:<at_width$}  {line}", n + 1);
        text.push_str(row.trim_end());
        text.push('\n');
    }
    text
}

/// `3 findings (1 critical, 2 high) in 12 files, 10 agent configs; 1 file could not be parsed`
pub fn summary(output: &ScanOutput, findings: &[Finding]) -> String {
    let counts: Vec<String> =
        crate::findings::severity_counts(findings).into_iter().map(|(s, n)| format!("{n} {}", s.as_str())).collect();
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let mut line = match findings.len() {
        0 => "no findings".to_string(),
        n => format!("{} ({})", plural(n, "finding"), counts.join(", ")),
    };
    line.push_str(&format!(
        " in {}, {} parsed",
        plural(output.files_scanned, "file"),
        plural(output.configs_parsed, "agent config")
    ));
    if !output.errors.is_empty() {
        let n = output.errors.len();
        line.push_str(&format!("; {} could not be read or parsed", plural(n, "file")));
    }
    if !output.suppressed.is_empty() {
        let n = output.suppressed.len();
        let verb = if n == 1 { "was" } else { "were" };
        line.push_str(&format!("; {} {verb} hidden by suppressions, the config or a baseline", plural(n, "finding")));
    }
    line
}

/// A located error in a file of ours (the config), drawn like a finding.
pub fn render_error(path: &str, text: &str, span: crate::source::Span, message: &str, color: bool) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_context_lines(1);
    let starred = crate::redact::star(text, &[]);
    let lines = LineIndex::new(text);
    let (_, column) = lines.line_col(text, span.start);
    let source = Snippet::new(path, &starred, &lines, span, column);
    let shown = Shown {
        message: crate::redact::shown(message),
        code: "error".into(),
        severity: MietteSeverity::Error,
        help: None,
        labels: if text.is_empty() { Vec::new() } else { vec![source.label(Some("here".into()))] },
        source,
    };
    let mut out = String::new();
    let _ = handler.render_report(&mut out, &shown);
    out
}
