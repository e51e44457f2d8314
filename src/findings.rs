//! Findings: what a rule found, where, mapped to standards, with a stable
//! fingerprint. Suppressions and baselines will be applied here.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::engine::rule::{Category, Confidence, Control, Severity, Standards as RuleStandards};
use crate::graph::Loc;
use crate::redact::Shown;
use crate::source::{SourceFile, Span};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Location {
    pub path: Shown,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// `path:line:column`, as every output writes a place.
impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.column)
    }
}

impl Location {
    pub fn of(file: &SourceFile, span: Span) -> Location {
        let (line, column) = file.line_col(span.start);
        let (end_line, end_column) = file.line_col(span.end);
        Location { path: file.shown_display(), line, column, end_line, end_column }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Standards {
    pub owasp_agentic: Vec<String>,
    pub owasp_nhi: Vec<String>,
    pub owasp_llm: Vec<String>,
    pub maestro: Vec<String>,
    pub cwe: Vec<String>,
}

impl From<&RuleStandards> for Standards {
    fn from(s: &RuleStandards) -> Self {
        Standards {
            owasp_agentic: s.owasp_agentic.clone(),
            owasp_nhi: s.owasp_nhi.clone(),
            owasp_llm: s.owasp_llm.clone(),
            maestro: s.maestro.clone(),
            cwe: s.cwe.clone(),
        }
    }
}

/// One step of a path through the graph, for chaining findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChainStep {
    pub node: Shown,
    /// The node's id, as `graph --format json` names it.
    pub id: Shown,
    /// The edge leaving this node; absent on the last node of a path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edge: Option<Shown>,
    pub location: Option<Location>,
}

impl ChainStep {
    /// The node and the edge that leaves it, in words: `agent:x delegates to`.
    pub fn text(&self) -> String {
        match &self.edge {
            Some(edge) => format!("{} {}", self.node, edge.replace('_', " ")),
            None => self.node.to_string(),
        }
    }
}

/// How many findings of each severity there are, most severe first, the
/// severities with none left out: every output's summary counts.
pub fn severity_counts(findings: &[Finding]) -> Vec<(Severity, usize)> {
    Severity::ALL
        .into_iter()
        .map(|s| (s, findings.iter().filter(|f| f.severity == s).count()))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// A piece of a finding's message: the rule's own words, or a value drawn
/// from a scanned file. Renderers that give text meaning (Markdown) treat
/// the two differently: only our words may open a code span.
#[derive(Debug, Clone, PartialEq)]
pub struct MessagePart {
    pub text: Shown,
    pub from_file: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule_id: String,
    pub title: String,
    pub severity: Severity,
    /// The rule's confidence, or less when the finding rests on guesses
    /// (tools judged by their names only).
    pub confidence: Confidence,
    pub category: Category,
    pub message: Shown,
    /// Shared by every finding of the rule.
    #[serde(skip)]
    pub help: std::sync::Arc<str>,
    pub location: Location,
    pub standards: std::sync::Arc<Standards>,
    pub control: Control,
    pub fingerprint: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<ChainStep>,
    /// Where in which file, for drawing the snippet.
    #[serde(skip)]
    pub loc: Loc,
    /// Keys of the graph nodes the finding is about (for per-agent views).
    #[serde(skip)]
    pub subjects: Vec<String>,
    /// The message in pieces; by default one piece, treated as drawn from a file.
    #[serde(skip)]
    pub parts: Vec<MessagePart>,
}

impl Finding {
    /// A finding of `rule`: its metadata, its help line (the remediation's
    /// first paragraph), the message (masked, one line), and where.
    pub fn of_rule(rule: &crate::engine::Rule, message: String, file: &SourceFile, loc: Loc, subject: &str) -> Finding {
        let shared = rule.shared();
        let message = Shown::new(&message);
        Finding {
            rule_id: rule.id.clone(),
            title: shared.title.clone(),
            severity: rule.severity,
            confidence: rule.confidence,
            category: rule.category,
            parts: vec![MessagePart { text: message.clone(), from_file: true }],
            message,
            help: shared.help.clone(),
            location: Location::of(file, loc.span),
            standards: shared.standards.clone(),
            control: rule.control,
            fingerprint: fingerprint(&rule.id, &file.display, &loc.pointer, subject),
            chain: Vec::new(),
            loc,
            subjects: Vec::new(),
        }
    }
}

impl Finding {
    /// Adds our own words to the end of the message (the disabled or
    /// inferred caveats): never read as text from a scanned file.
    pub fn add_note(&mut self, note: &str) {
        let note = Shown::new(note);
        self.message = Shown::new(&format!("{}{}", self.message.as_str(), note.as_str()));
        self.parts.push(MessagePart { text: note, from_file: false });
    }
}

/// Who hid a finding: a comment in the file, or something outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionKind {
    /// A `blastradius: ignore[…]` comment.
    InSource,
    /// The config file's `ignore`, or a baseline.
    External,
}

/// A finding that was hidden, with who hid it and why: SARIF reports it as
/// dismissed rather than losing it, and summaries count it.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppressed {
    pub finding: Finding,
    pub kind: SuppressionKind,
    /// The reason given (the comment's text, the config entry's `reason`).
    pub reason: String,
}

/// Rule, file, key path and subject: no line numbers, so moving a value
/// leaves it alone; another token, path or key changes it.
pub fn fingerprint(rule_id: &str, path: &str, pointer: &str, subject: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [rule_id, path, pointer, subject] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    // Written into one string: a string per byte was eight allocations
    // for every finding.
    let mut hex = String::with_capacity(16);
    for byte in hasher.finalize().iter().take(8) {
        use std::fmt::Write;
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// Sorted by path, line, column, rule; exact repeats (one fact reached two
/// ways) are dropped.
pub fn sort_and_dedup(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        (&a.location.path, a.location.line, a.location.column, &a.rule_id, &a.fingerprint).cmp(&(
            &b.location.path,
            b.location.line,
            b.location.column,
            &b.rule_id,
            &b.fingerprint,
        ))
    });
    findings.dedup_by(|a, b| a.rule_id == b.rule_id && a.location == b.location && a.message == b.message);
}
