//! Baselines: today's findings recorded by fingerprint, so that a scan
//! reports only what is new. Fingerprints hold no line numbers, so moving a
//! finding does not make it new; changing its substance does.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::findings::Finding;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
pub struct Baseline {
    pub schema_version: u32,
    pub findings: Vec<Entry>,
}

/// Rule and path are kept for people reading the file; matching uses the fingerprint.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub fingerprint: String,
    pub rule_id: String,
    pub path: String,
}

pub fn from_findings(findings: &[Finding]) -> Baseline {
    let mut entries: Vec<Entry> = findings
        .iter()
        .map(|f| Entry {
            fingerprint: f.fingerprint.clone(),
            rule_id: f.rule_id.clone(),
            path: f.location.path.to_string(),
        })
        .collect();
    entries.sort();
    entries.dedup();
    Baseline { schema_version: SCHEMA_VERSION, findings: entries }
}

pub fn render(baseline: &Baseline) -> String {
    let mut text = serde_json::to_string_pretty(baseline).unwrap_or_default();
    text.push('\n');
    text
}

/// Why a baseline could not be used: what is wrong and where.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path}:{line}:{column}: not a blastradius baseline: {message}")]
    Invalid { path: String, line: usize, column: usize, message: String },
    #[error("{path}: baseline schema_version {found} is not {SCHEMA_VERSION}")]
    Version { path: String, found: u32 },
}

/// Reads a baseline; the error says what is wrong and where.
pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
    let shown = crate::redact::shown(&path.display().to_string());
    let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read { path: shown.clone(), source })?;
    let baseline: Baseline = serde_json::from_str(&text).map_err(|e| BaselineError::Invalid {
        path: shown.clone(),
        line: e.line(),
        column: e.column(),
        message: unquoted(&e.to_string()),
    })?;
    if baseline.schema_version != SCHEMA_VERSION {
        return Err(BaselineError::Version { path: shown, found: baseline.schema_version });
    }
    Ok(baseline)
}

/// serde quotes the offending value (`invalid type: string "…"`): the
/// baseline may hold anything, so its values are never echoed.
fn unquoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    let mut escaped = false;
    for c in message.chars() {
        match (quoted, escaped, c) {
            (true, false, '\\') => escaped = true,
            (true, true, _) => escaped = false,
            (true, false, '"') => {
                quoted = false;
                out.push_str("…\"");
            }
            (true, false, _) => {}
            (false, _, '"') => {
                quoted = true;
                out.push('"');
            }
            (false, _, c) => out.push(c),
        }
    }
    crate::redact::shown(&out)
}

/// Drops the findings the baseline knows; returns them, as hidden by it.
pub fn apply(baseline: &Baseline, findings: &mut Vec<Finding>, name: &str) -> Vec<crate::findings::Suppressed> {
    let known: BTreeSet<&str> = baseline.findings.iter().map(|e| e.fingerprint.as_str()).collect();
    let (hidden, kept): (Vec<Finding>, Vec<Finding>) =
        std::mem::take(findings).into_iter().partition(|f| known.contains(f.fingerprint.as_str()));
    *findings = kept;
    let reason = format!("recorded in the baseline {}", crate::redact::shown(name));
    hidden
        .into_iter()
        .map(|finding| crate::findings::Suppressed {
            finding,
            kind: crate::findings::SuppressionKind::External,
            reason: reason.clone(),
        })
        .collect()
}
