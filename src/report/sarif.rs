//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other
//! consumers. One run; every rule that ran in `tool.driver.rules` with its
//! standards as tags and a numeric `security-severity`; results located with
//! 1-based lines and columns (counted in code points, as the run declares),
//! fingerprinted, and, for chaining findings, every step of the chain as a
//! related location and a code flow.

use serde::Serialize;
use serde_json::{json, Value};

use crate::engine::{Rule, Severity};
use crate::findings::{Finding, Location};
use crate::scan::ScanOutput;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub ranks by this: ≥9 critical, ≥7 high, ≥4 medium, else low.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// A relative path as a URI reference: `/`-separated, percent-encoded.
pub fn uri(path: &str) -> String {
    let mut out = String::new();
    for byte in path.replace('\\', "/").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(byte as char),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

fn region(location: &Location) -> Value {
    json!({
        "startLine": location.line,
        "startColumn": location.column,
        "endLine": location.end_line,
        "endColumn": location.end_column,
    })
}

fn physical(location: &Location) -> Value {
    json!({
        "artifactLocation": { "uri": uri(&location.path), "uriBaseId": "SRCROOT" },
        "region": region(location),
    })
}

fn driver_rule(rule: &Rule) -> Value {
    let s = &rule.standards;
    let mut tags: Vec<String> = vec!["security".into(), rule.category.as_str().to_string()];
    for ids in [&s.owasp_agentic, &s.owasp_nhi, &s.owasp_llm] {
        tags.extend(ids.iter().cloned());
    }
    // Code scanning links CWEs written this way.
    tags.extend(s.cwe.iter().map(|c| format!("external/cwe/{}", c.to_ascii_lowercase())));
    tags.extend(s.maestro.iter().map(|l| format!("MAESTRO-{l}")));
    let markdown = format!(
        "**{}** ({}, {})\n\n{}\n\n**How to fix**\n\n{}\n\nStandards: {}",
        rule.title,
        rule.severity.as_str(),
        rule.category.as_str(),
        rule.rationale.trim(),
        rule.remediation.trim(),
        tags[2..].join(", ")
    );
    json!({
        "id": rule.id,
        "name": rule.name,
        "shortDescription": { "text": rule.title },
        "fullDescription": { "text": rule.rationale.split_whitespace().collect::<Vec<_>>().join(" ") },
        "help": {
            "text": format!("{}\n\nHow to fix: {}", rule.rationale.trim(), rule.remediation.trim()),
            "markdown": markdown,
        },
        "helpUri": super::rules::doc_url(&rule.id),
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "tags": tags,
            "security-severity": security_severity(rule.severity),
            "precision": rule.confidence.as_str(),
            "control": rule.control.as_str(),
        },
    })
}

fn result(finding: &Finding, index: usize) -> Value {
    let mut result = json!({
        "ruleId": finding.rule_id,
        "ruleIndex": index,
        "level": level(finding.severity),
        "message": { "text": finding.message },
        "locations": [ { "physicalLocation": physical(&finding.location) } ],
        "partialFingerprints": { "blastradius/v1": finding.fingerprint },
        "properties": {
            "severity": finding.severity.as_str(),
            "confidence": finding.confidence.as_str(),
            "category": finding.category.as_str(),
        },
    });
    let steps: Vec<(String, &Location)> = finding
        .chain
        .iter()
        .filter_map(|step| {
            let what = step.text();
            step.location.as_ref().map(|l| (what, l))
        })
        .collect();
    if !steps.is_empty() {
        let related: Vec<Value> = steps
            .iter()
            .enumerate()
            .map(|(i, (what, location))| {
                json!({
                    "id": i + 1,
                    "physicalLocation": physical(location),
                    "message": { "text": format!("step {}: {what}", i + 1) },
                })
            })
            .collect();
        let flow: Vec<Value> = steps
            .iter()
            .map(|(what, location)| json!({ "location": { "physicalLocation": physical(location), "message": { "text": what } } }))
            .collect();
        result["relatedLocations"] = Value::Array(related);
        result["codeFlows"] = json!([{ "threadFlows": [{ "locations": flow }] }]);
    }
    result
}

/// The log's results, each built as it is written: a large scan's results
/// are never all held as JSON values at once.
struct Results<'a> {
    findings: &'a [Finding],
    suppressed: &'a [crate::findings::Suppressed],
    rules: &'a [Rule],
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let index = |f: &Finding| self.rules.iter().position(|r| r.id == f.rule_id).unwrap_or(0);
        let reported = self.findings.iter().map(|f| result(f, index(f)));
        // Hidden findings stay in the log as dismissed, with who hid them and why.
        let dismissed = self.suppressed.iter().map(|hidden| {
            let mut dismissed = result(&hidden.finding, index(&hidden.finding));
            let kind = match hidden.kind {
                crate::findings::SuppressionKind::InSource => "inSource",
                crate::findings::SuppressionKind::External => "external",
            };
            dismissed["suppressions"] = json!([{ "kind": kind, "justification": hidden.reason }]);
            dismissed
        });
        serializer.collect_seq(reported.chain(dismissed))
    }
}

/// The SARIF log, in the order its fields are written.
#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Value,
    original_uri_base_ids: Value,
    column_kind: &'static str,
    invocations: [Value; 1],
    results: Results<'a>,
}

pub fn render(output: &ScanOutput, findings: &[Finding], rules: &[Rule]) -> String {
    let mut text = Vec::new();
    // Writing plain data to a vector cannot fail.
    let _ = render_to(output, findings, rules, &mut text);
    String::from_utf8(text).unwrap_or_default()
}

/// Writes the log as it is serialised.
pub fn render_to(
    output: &ScanOutput,
    findings: &[Finding],
    rules: &[Rule],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let driver_rules: Vec<Value> = rules.iter().map(driver_rule).collect();
    let notifications: Vec<Value> = output
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": { "text": e.message },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": uri(&e.path), "uriBaseId": "SRCROOT" },
                    "region": { "startLine": e.line, "startColumn": e.column },
                } }],
            })
        })
        .collect();
    let mut root = output.root.to_string_lossy().replace('\\', "/");
    if !root.ends_with('/') {
        root.push('/');
    }
    if !root.starts_with('/') {
        root.insert(0, '/'); // Windows drive paths: file:///C:/…
    }
    let mut invocation = json!({ "executionSuccessful": true, "toolExecutionNotifications": notifications });
    // The config that shaped the scan, and each thing it turned off: code
    // scanning shows these beside the results.
    if let Some(config) = &output.config {
        let mut notes = vec![json!({
            "descriptor": { "id": "config" },
            "level": "note",
            "message": { "text": format!("read config file {}", config.path) },
        })];
        notes.extend(config.effects.iter().map(|effect| {
            json!({ "descriptor": { "id": "config" }, "level": "note", "message": { "text": format!("{}: {effect}", config.path) } })
        }));
        if config.hidden_findings > 0 {
            notes.push(json!({
                "descriptor": { "id": "config" },
                "level": "warning",
                "message": { "text": format!("{} finding(s) hidden by the ignore entries of {}", config.hidden_findings, config.path) },
            }));
        }
        invocation["toolConfigurationNotifications"] = json!(notes);
    }
    let sarif = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: json!({ "driver": {
                "name": "blastradius",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": driver_rules,
            } }),
            original_uri_base_ids: json!({ "SRCROOT": { "uri": format!("file://{}", uri(&root)) } }),
            column_kind: "unicodeCodePoints",
            invocations: [invocation],
            results: Results { findings, suppressed: &output.suppressed, rules },
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &sarif)?;
    out.write_all(b"\n")
}
