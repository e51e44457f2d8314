//! Documents about the rules themselves: `blastradius rules` (table,
//! markdown, JSON, the docs page) and `blastradius explain`. Generated docs
//! (README table, docs/rules.md) come from here; a test keeps them current.

use crate::cli::RulesFormat;
use crate::engine::{self, Rule};

/// `blastradius rules`, in the chosen format.
pub fn list(rules: &[Rule], format: RulesFormat) -> String {
    match format {
        RulesFormat::Markdown => rule_table_markdown(rules),
        RulesFormat::Docs => rules_document(rules),
        RulesFormat::Json => {
            let list: Vec<_> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id, "name": r.name, "title": r.title, "severity": r.severity,
                        "category": r.category.as_str(), "control": r.control.as_str(), "standards": r.standards,
                    })
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&list).unwrap_or_default();
            text.push('\n');
            text
        }
        RulesFormat::Table => {
            // Columns as wide as their longest entry: custom rules bring
            // longer ids and names.
            let width = |f: &dyn Fn(&Rule) -> usize| rules.iter().map(f).max().unwrap_or(0);
            let id = width(&|r| r.id.chars().count());
            let category = width(&|r| r.category.as_str().len());
            let name = width(&|r| r.name.chars().count());
            let mut text = String::new();
            for r in rules {
                let row = format!(
                    "{:<id$}  {:<8}  {:<category$}  {:<name$}  {}",
                    r.id,
                    r.severity.as_str(),
                    r.category.as_str(),
                    // A repository's own rules may hold anything.
                    crate::redact::shown(&r.name),
                    crate::redact::shown(&r.title)
                );
                text.push_str(row.trim_end());
                text.push('\n');
            }
            text
        }
    }
}

/// The README's rule table, generated from the rules (a test keeps it fresh).
pub fn rule_table_markdown(rules: &[Rule]) -> String {
    let mut text = String::from("| ID | Name | Severity | Category | Title | OWASP Agentic | MAESTRO | CWE |\n|---|---|---|---|---|---|---|---|\n");
    for r in rules {
        text.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} | {} | {} |\n",
            r.id,
            r.name,
            r.severity.as_str(),
            r.category.as_str(),
            r.title,
            r.standards.owasp_agentic.join(", "),
            r.standards.maestro.join(", "),
            r.standards.cwe.join(", ")
        ));
    }
    text
}

/// `docs/rules.md`: every rule with its standards, rationale, remediation
/// and examples, generated (a test checks it is current).
pub fn rules_document(rules: &[Rule]) -> String {
    let mut text = String::from(
        "# Rules\n\nGenerated from `rules/` by `blastradius rules --format docs`; do not edit by hand.\n\n",
    );
    text.push_str(&rule_table_markdown(rules));
    for rule in rules {
        text.push_str(&format!(
            "\n<a id=\"{anchor}\"></a>\n## {id} `{name}`: {title}\n\n| Severity | Confidence | Category | Control |\n|---|---|---|---|\n| {sev} | {conf} | {cat} | {ctl} |\n\n\
             Standards: {standards}.\n\n\
             ### Why it matters\n\n{why}\n\n### How to fix\n\n{fix}\n",
            anchor = rule.id.to_ascii_lowercase(),
            id = rule.id,
            name = rule.name,
            title = rule.title,
            sev = rule.severity.as_str(),
            conf = rule.confidence.as_str(),
            cat = rule.category.as_str(),
            ctl = rule.control.as_str(),
            standards = standards_text(rule, "none"),
            why = rule.rationale.trim(),
            fix = rule.remediation.trim(),
        ));
        if let Some(examples) = engine::examples(&rule.id) {
            for (label, (path, body)) in [("Triggers it", examples.positive), ("Does not", examples.negative)] {
                let body = crate::redact::mask(body);
                text.push_str(&format!(
                    "\n{label}: `{path}`\n\n```{}\n{}\n```\n",
                    fence_language(path),
                    body.trim_end()
                ));
            }
        }
    }
    text
}

/// `OWASP Agentic ASI03; OWASP NHI NHI2:2025; …; CWE CWE-798`.
fn standards_text(rule: &Rule, empty: &str) -> String {
    let s = &rule.standards;
    let list = |v: &[String]| if v.is_empty() { empty.to_string() } else { v.join(", ") };
    format!(
        "OWASP Agentic {}; OWASP NHI {}; OWASP LLM {}; MAESTRO {}; CWE {}",
        list(&s.owasp_agentic),
        list(&s.owasp_nhi),
        list(&s.owasp_llm),
        list(&s.maestro),
        list(&s.cwe)
    )
}

fn fence_language(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "json" => "jsonc",
        "yaml" | "yml" => "yaml",
        "toml" => "toml",
        "md" => "markdown",
        _ => "sh",
    }
}

/// `blastradius explain RULE`: the rule, why, how to fix, and its examples.
pub fn explain(rule: &Rule) -> String {
    let mut text = format!(
        "{id} {name}: {title}\n\nseverity: {sev}   category: {cat}   control: {ctl}\nstandards: {standards}\n\nWhy it matters\n{why}\nHow to fix\n{fix}",
        id = rule.id,
        name = rule.name,
        title = rule.title,
        sev = rule.severity.as_str(),
        cat = rule.category.as_str(),
        ctl = rule.control.as_str(),
        standards = standards_text(rule, "-"),
        why = rule.rationale,
        fix = rule.remediation,
    );
    if let Some(examples) = engine::examples(&rule.id) {
        for (label, (path, body)) in [("Triggers it", examples.positive), ("Does not trigger it", examples.negative)] {
            text.push_str(&format!("\n{label} ({path}):\n"));
            for line in crate::redact::mask(body).lines() {
                text.push_str(&format!("    {line}\n"));
            }
        }
    }
    text.push_str(&format!("\nMore: {}\n", doc_url(&rule.id)));
    text
}

/// Where a built-in rule is documented: its section of docs/rules.md.
pub(crate) fn doc_url(rule_id: &str) -> String {
    format!("{}/blob/main/docs/rules.md#{}", env!("CARGO_PKG_REPOSITORY"), rule_id.to_ascii_lowercase())
}
