//! `--format terminal`: each finding as a miette diagnostic with the source
//! snippet (secrets starred out), then errors, then one summary line.

use std::collections::HashMap;
use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity as MietteSeverity,
};

use crate::engine::Severity;
use crate::findings::Finding;
use crate::scan::ScanOutput;

#[derive(Debug)]
struct Shown {
    message: String,
    code: String,
    severity: MietteSeverity,
    help: Option<String>,
    source: NamedSource<String>,
    labels: Vec<LabeledSpan>,
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

pub struct Options {
    pub color: bool,
    pub width: usize,
}

pub fn render(output: &ScanOutput, findings: &[Finding], options: &Options) -> String {
    let theme = if options.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(options.width).with_context_lines(1);
    let texts = super::redacted_texts(&output.graph);
    let mut out = String::new();
    let empty = String::new();
    for finding in findings {
        let text = texts.get(&finding.loc.file).unwrap_or(&empty);
        let span = finding.loc.span;
        let shown = Shown {
            message: finding.message.clone(),
            code: format!("{} {}", finding.severity.as_str(), finding.rule_id),
            severity: match finding.severity {
                Severity::Critical | Severity::High => MietteSeverity::Error,
                Severity::Medium | Severity::Low => MietteSeverity::Warning,
                Severity::Info => MietteSeverity::Advice,
            },
            help: (!finding.help.is_empty()).then(|| finding.help.clone()),
            source: NamedSource::new(finding.location.path.clone(), text.clone()),
            labels: vec![LabeledSpan::new_primary_with_span(Some(finding.title.clone()), (span.start, span.len()))],
        };
        let _ = handler.render_report(&mut out, &shown);
        out.push_str(&chain_text(output, finding, &texts));
        out.push('\n');
    }
    let sources: HashMap<usize, &String> = texts.iter().map(|(k, v)| (*k, v)).collect();
    for error in &output.errors {
        let source = error.file.and_then(|f| sources.get(&f)).map(|t| (*t).clone());
        let shown = Shown {
            message: error.message.clone(),
            code: "error".into(),
            severity: MietteSeverity::Error,
            help: Some("the file was not analysed; fix it, or exclude it from the scan".into()),
            labels: match &source {
                Some(_) => {
                    vec![LabeledSpan::new_primary_with_span(Some("here".into()), (error.span.start, error.span.len()))]
                }
                None => Vec::new(),
            },
            source: NamedSource::new(error.path.clone(), source.unwrap_or_default()),
        };
        let _ = handler.render_report(&mut out, &shown);
        out.push('\n');
    }
    out.push_str(&largest_blast_radii(output));
    out.push_str(&summary(output, findings));
    out.push('\n');
    out
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
            format!("  {} reaches {}{caps}\n", r.label, parts.join(", "))
        })
        .collect();
    if shown.is_empty() {
        return String::new();
    }
    format!("largest blast radius:\n{}\n", shown.join(""))
}

/// A chain, step by step, each with where it is written and that line of
/// source (secrets starred out): the path a chaining finding follows.
fn chain_text(output: &ScanOutput, finding: &Finding, texts: &HashMap<usize, String>) -> String {
    if finding.chain.is_empty() {
        return String::new();
    }
    let files: HashMap<&str, usize> =
        output.graph.files.iter().enumerate().map(|(i, f)| (f.display.as_str(), i)).collect();
    let mut rows: Vec<(String, String, String)> = Vec::new();
    for step in &finding.chain {
        let what = match &step.edge {
            Some(edge) => format!("{} ─{}→", step.node, edge.replace('_', " ")),
            None => step.node.clone(),
        };
        let (at, line) = match &step.location {
            Some(l) => {
                let source = files
                    .get(l.path.as_str())
                    .and_then(|id| texts.get(id))
                    .and_then(|t| t.lines().nth(l.line.saturating_sub(1)))
                    .map(|t| t.trim().chars().take(60).collect::<String>())
                    .unwrap_or_default();
                (format!("{}:{}:{}", l.path, l.line, l.column), source)
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
    let counts: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|s| {
            let n = findings.iter().filter(|f| f.severity == *s).count();
            (n > 0).then(|| format!("{n} {}", s.as_str()))
        })
        .collect();
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
    line
}

/// A located error in a file of ours (the config), drawn like a finding.
pub fn render_error(path: &str, text: &str, span: crate::source::Span, message: &str, color: bool) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_context_lines(1);
    let shown = Shown {
        message: message.to_string(),
        code: "error".into(),
        severity: MietteSeverity::Error,
        help: None,
        source: NamedSource::new(path, text.to_string()),
        labels: if text.is_empty() {
            Vec::new()
        } else {
            vec![LabeledSpan::new_primary_with_span(Some("here".into()), (span.start, span.len()))]
        },
    };
    let mut out = String::new();
    let _ = handler.render_report(&mut out, &shown);
    out
}
