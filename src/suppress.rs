//! Inline suppressions: `blastradius: ignore[RULE_ID] reason` in a comment
//! (`#` in YAML, TOML and dotenv; `//` in JSONC), on the finding's line or
//! alone on the line above. A suppression without a reason, or one that no
//! longer matches a finding, is itself reported (BR901, BR902), as ruff does
//! for unused `noqa`.

use std::sync::{Arc, OnceLock};

use regex::Regex;

use crate::engine::{self, Pattern, Rule, SuppressionCheck};
use crate::findings::{Finding, Suppressed, SuppressionKind};
use crate::graph::Loc;
use crate::source::{SourceFile, Span};

struct Suppression {
    file: usize,
    /// The 1-based line whose findings it covers.
    target: usize,
    /// The comment, for locating problems and fingerprinting them.
    span: Span,
    comment: String,
    reason: String,
    /// Each rule named, its span, and whether it suppressed anything.
    rules: Vec<(String, Span, bool)>,
}

fn marker() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?:#|//|/\*)\s*blastradius:\s*ignore\[([^\]]*)\]([^\n]*)")
            .unwrap_or_else(|e| panic!("marker regex: {e}"))
    })
}

/// Whether `text` may hold a marker at all: the literals of a file that
/// cannot are not kept (see [`find`]).
pub(crate) fn may_hold_marker(text: &str) -> bool {
    text.contains("blastradius")
}

/// Markers in comments only: `literals[file]` lists the file's keys and
/// strings, and a marker that starts inside one is data (a tool description
/// that says `// blastradius: ignore[BR503]` suppresses nothing).
fn find(files: &[Arc<SourceFile>], literals: &[Vec<Span>]) -> Vec<Suppression> {
    let mut found = Vec::new();
    for (file, source) in files.iter().enumerate() {
        let text = &source.text;
        if !may_hold_marker(text) {
            continue;
        }
        let lines: Vec<&str> = text.split('\n').collect();
        let mut offset = 0;
        for (index, line) in lines.iter().enumerate() {
            let start = offset;
            offset += line.len() + 1;
            // The first marker that is not inside a key or a string.
            let mut from = 0;
            let caps = loop {
                let Some(caps) = marker().captures_at(line, from) else { break None };
                let at = caps.get(0).map_or(line.len(), |m| m.start());
                if literals.get(file).is_some_and(|spans| crate::source::inside(spans, start + at)) {
                    from = at + 1;
                    continue;
                }
                break Some(caps);
            };
            let Some(caps) = caps else { continue };
            let (Some(whole), Some(list)) = (caps.get(0), caps.get(1)) else { continue };
            let own_line = line[..whole.start()].trim().is_empty();
            // Alone on its line: it covers the next line that is not blank.
            let target = if own_line {
                (index + 1..lines.len()).find(|i| !lines[*i].trim().is_empty()).map_or(index + 1, |i| i + 1)
            } else {
                index + 1
            };
            let mut rules = Vec::new();
            let mut at = list.start();
            for piece in list.as_str().split(',') {
                let lead = piece.len() - piece.trim_start().len();
                let id = piece.trim();
                if !id.is_empty() {
                    rules.push((id.to_string(), Span::new(start + at + lead, start + at + lead + id.len()), false));
                }
                at += piece.len() + 1;
            }
            let reason = caps.get(2).map_or("", |m| m.as_str()).trim().trim_end_matches("*/").trim().to_string();
            let span = Span::new(start + whole.start(), start + whole.end());
            found.push(Suppression { file, target, span, comment: whole.as_str().to_string(), reason, rules });
        }
    }
    found
}

fn rule_matches(entry: &str, finding: &Finding, rules: &[Rule]) -> bool {
    entry == finding.rule_id || rules.iter().any(|r| r.id == finding.rule_id && r.name == entry)
}

/// Drops suppressed findings (returned, with their reasons) and adds the
/// findings about suppressions.
pub(crate) fn apply(
    files: &[Arc<SourceFile>],
    literals: &[Vec<Span>],
    findings: &mut Vec<Finding>,
    rules: &[Rule],
) -> Vec<Suppressed> {
    let mut suppressions = find(files, literals);
    if suppressions.is_empty() {
        return Vec::new();
    }
    let mut hidden = Vec::new();
    findings.retain(|finding| {
        let mut reason = None;
        for s in suppressions.iter_mut().filter(|s| s.target == finding.location.line) {
            if s.file != finding.loc.file {
                continue;
            }
            for (entry, _, used) in s.rules.iter_mut() {
                if rule_matches(entry, finding, rules) {
                    *used = true;
                    reason = Some(s.reason.clone());
                }
            }
        }
        if let Some(reason) = &reason {
            hidden.push(Suppressed {
                finding: finding.clone(),
                kind: SuppressionKind::InSource,
                reason: crate::redact::shown(reason),
            });
        }
        reason.is_none()
    });
    let no_reason: Vec<&Rule> = engine::rules_asking(rules, Pattern::Suppression(SuppressionCheck::NoReason)).collect();
    let unused: Vec<&Rule> = engine::rules_asking(rules, Pattern::Suppression(SuppressionCheck::Unused)).collect();
    for s in &suppressions {
        let Some(file) = files.get(s.file) else { continue };
        let loc = |span: Span| Loc { file: s.file, span, pointer: format!("suppression:{}", s.comment).into() };
        if s.reason.is_empty() {
            let ids: Vec<&str> = s.rules.iter().map(|r| r.0.as_str()).collect();
            for rule in &no_reason {
                let vars = vec![("rules", ids.join(", "))];
                findings.push(engine::finding_of(rule, vars, file, loc(s.span), "no-reason"));
            }
        }
        for (entry, span, _) in s.rules.iter().filter(|(_, _, used)| !used) {
            let known = rules.iter().any(|r| &r.id == entry || &r.name == entry);
            let why = if known {
                format!("no {entry} finding on line {}", s.target)
            } else {
                "it names no rule; `blastradius rules` lists them".to_string()
            };
            for rule in &unused {
                let vars = vec![("entry", entry.clone()), ("why", why.clone())];
                findings.push(engine::finding_of(rule, vars, file, loc(*span), entry));
            }
        }
    }
    crate::findings::sort_and_dedup(findings);
    hidden
}
