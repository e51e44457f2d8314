//! `--format gitlab`: a GitLab Code Quality report, the JSON array GitLab
//! reads from a job's `artifacts:reports:codequality` and shows in merge
//! requests: `description`, `check_name`, `fingerprint`, `severity` (GitLab's
//! five levels) and `location.path` with `location.lines.begin`. Files that
//! could not be parsed are entries too (`check_name` `parse-error`): a
//! config that cannot be read is not a clean one.

use serde_json::{json, Value};

use crate::engine::Severity;
use crate::findings::Finding;
use crate::scan::ScanOutput;

/// GitLab's levels: info, minor, major, critical, blocker.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "blocker",
        Severity::High => "critical",
        Severity::Medium => "major",
        Severity::Low => "minor",
        Severity::Info => "info",
    }
}

pub fn render(output: &ScanOutput, findings: &[Finding]) -> String {
    let mut entries: Vec<Value> = findings
        .iter()
        .map(|f| {
            json!({
                "type": "issue",
                "description": format!("{} {}: {}", f.rule_id, f.title, f.message),
                "check_name": f.rule_id,
                "fingerprint": f.fingerprint,
                "severity": level(f.severity),
                "categories": ["Security"],
                "location": { "path": f.location.path, "lines": { "begin": f.location.line, "end": f.location.end_line } },
            })
        })
        .collect();
    for e in &output.errors {
        // A stable identity for the error: the same unreadable file is the
        // same entry from run to run.
        let fingerprint = crate::findings::fingerprint("parse-error", &e.path, "", &e.message);
        entries.push(json!({
            "type": "issue",
            "description": format!("{}: {}", e.status(), e.message),
            "check_name": "parse-error",
            "fingerprint": fingerprint,
            "severity": "critical",
            "categories": ["Security"],
            "location": { "path": e.path, "lines": { "begin": e.line } },
        }));
    }
    let mut text = serde_json::to_string_pretty(&Value::Array(entries)).unwrap_or_else(|_| "[]".into());
    text.push('\n');
    text
}
