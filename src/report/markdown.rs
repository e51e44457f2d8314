//! `--format markdown`: a compact pull-request comment, rendered with tera
//! from `templates/scan.md.tera` (embedded in the binary).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::engine::{Rule, Severity};
use crate::findings::Finding;
use crate::scan::ScanOutput;

const TEMPLATE: &str = include_str!("../../templates/scan.md.tera");

/// Escapes text from scanned files for Markdown in a table cell: no table
/// break, no HTML, no links or images, no emphasis run-away. Inside code
/// spans (between backticks) Markdown is inert, and only `|` is escaped, as
/// tables require.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, segment) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        let in_code = i % 2 == 1;
        for c in segment.chars() {
            match c {
                '|' => out.push_str("\\|"),
                '\n' | '\r' => out.push(' '),
                _ if in_code => out.push(c),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '[' | ']' | '(' | ')' | '*' | '_' | '\\' | '!' | '#' => {
                    out.push('\\');
                    out.push(c);
                }
                other => out.push(other),
            }
        }
    }
    out
}

#[derive(Serialize)]
struct Row<'a> {
    icon: &'static str,
    rule_id: &'a str,
    help_uri: String,
    line: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct Group<'a> {
    path: &'a str,
    findings: Vec<Row<'a>>,
}

fn icon(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "🔴",
        Severity::High => "🟠",
        Severity::Medium => "🟡",
        Severity::Low => "🔵",
        Severity::Info => "⚪",
    }
}

pub fn render(output: &ScanOutput, findings: &[Finding], rules: &[Rule]) -> Result<String, tera::Error> {
    let mut tera = Tera::default();
    tera.add_raw_template("scan.md", TEMPLATE)?;
    tera.register_filter("md", |value: &Value, _: &HashMap<String, Value>| {
        Ok(Value::String(escape_markdown(value.as_str().unwrap_or(&value.to_string()))))
    });
    let uris: HashMap<&str, String> = rules.iter().map(|r| (r.id.as_str(), super::sarif::help_uri(r))).collect();
    let mut groups: BTreeMap<&str, Vec<Row<'_>>> = BTreeMap::new();
    for f in findings {
        groups.entry(f.location.path.as_str()).or_default().push(Row {
            icon: icon(f.severity),
            rule_id: &f.rule_id,
            help_uri: uris.get(f.rule_id.as_str()).cloned().unwrap_or_default(),
            line: f.location.line,
            message: &f.message,
        });
    }
    let groups: Vec<Group<'_>> = groups.into_iter().map(|(path, findings)| Group { path, findings }).collect();
    let by_severity: Vec<serde_json::Value> = Severity::ALL
        .iter()
        .filter_map(|s| {
            let count = findings.iter().filter(|f| f.severity == *s).count();
            (count > 0)
                .then(|| serde_json::json!({ "severity": format!("{} {}", icon(*s), s.as_str()), "count": count }))
        })
        .collect();
    let errors: Vec<serde_json::Value> = output
        .errors
        .iter()
        .map(|e| serde_json::json!({ "path": e.path, "line": e.line, "column": e.column, "message": e.message }))
        .collect();
    let mut context = Context::new();
    context.insert("findings", findings);
    context.insert("groups", &groups);
    context.insert("by_severity", &by_severity);
    context.insert("errors", &errors);
    context.insert("files_scanned", &output.files_scanned);
    context.insert("configs_parsed", &output.configs_parsed);
    context.insert("config", &output.config);
    tera.render("scan.md", &context)
}

#[cfg(test)]
mod tests {
    use super::escape_markdown;

    #[test]
    fn scanned_text_cannot_inject_markdown() {
        assert_eq!(escape_markdown("a|b <script> [x](http://e)"), "a\\|b &lt;script&gt; \\[x\\]\\(http://e\\)");
        assert_eq!(escape_markdown("use `run_sql` and `a|b`"), "use `run_sql` and `a\\|b`");
    }
}
