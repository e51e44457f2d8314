//! `--format markdown`: a compact pull-request comment, rendered with tera
//! from `templates/scan.md.tera` (embedded in the binary).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::engine::{Rule, Severity};
use crate::findings::Finding;
use crate::scan::ScanOutput;

const TEMPLATE: &str = include_str!("../../templates/scan.md.tera");

/// Escapes text from scanned files for Markdown outside code: every
/// character that could open markup (emphasis, code spans, links, images,
/// HTML, table cells, autolinks) is escaped, so a scanned string shows as
/// written and can neither close nor open anything. Control characters are
/// made visible first.
pub fn escape_markdown(text: &str) -> String {
    let shown = crate::redact::shown(text);
    let mut out = String::with_capacity(shown.len() + 8);
    let mut chars = shown.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' | '`' | '[' | ']' | '(' | ')' | '*' | '_' | '\\' | '!' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            // `https://…` and `www.…` would become live links (GFM autolinks).
            ':' if chars.peek() == Some(&'/') => out.push_str("\\:"),
            '.' if out.ends_with("www") => out.push_str("\\."),
            other => out.push(other),
        }
    }
    out
}

/// Our own text (a rule's remediation) for Markdown: its code spans stay
/// code, the rest is escaped as text. Never for text from a scanned file,
/// whose backticks could pair with ours.
pub fn escape_own_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, segment) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(&segment.replace('|', "\\|").replace(['\n', '\r'], " "));
        } else {
            out.push_str(&escape_markdown(segment));
        }
    }
    out
}

/// A finding's message for Markdown: the rule's backticks open and close
/// code spans; values from files inside them become part of a span fenced
/// longer than any backtick run they hold, and values outside are escaped.
pub fn message_markdown(parts: &[crate::findings::MessagePart]) -> String {
    let mut out = String::new();
    let mut code: Option<String> = None;
    for part in parts {
        if part.from_file {
            match code.as_mut() {
                Some(span) => span.push_str(&part.text),
                None => out.push_str(&escape_markdown(&part.text)),
            }
            continue;
        }
        for (i, piece) in part.text.split('`').enumerate() {
            if i > 0 {
                match code.take() {
                    Some(span) => out.push_str(&code_span(&span)),
                    None => code = Some(String::new()),
                }
            }
            match code.as_mut() {
                Some(span) => span.push_str(piece),
                None => out.push_str(&escape_markdown(piece)),
            }
        }
    }
    if let Some(span) = code {
        // An unclosed span in a rule's words: show the rest as text.
        out.push_str(&escape_markdown(&span));
    }
    out
}

/// Text from scanned files as one inline code span: fenced by a run of
/// backticks longer than any inside it (CommonMark closes a span only on a
/// run of equal length), `|` escaped for table cells, controls made visible.
pub fn code_span(text: &str) -> String {
    let shown = crate::redact::shown(text).replace('|', "\\|");
    let longest = shown.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if shown.starts_with('`') || shown.ends_with('`') || shown.trim().is_empty() { " " } else { "" };
    format!("{fence}{pad}{shown}{pad}{fence}")
}

/// Text for an HTML element inside Markdown (a `<summary>`): every
/// character HTML or Markdown could read as markup becomes a numeric
/// entity, which both show as the character itself.
pub fn html_text(text: &str) -> String {
    let shown = crate::redact::shown(text);
    let mut out = String::with_capacity(shown.len());
    for c in shown.chars() {
        match c {
            '&' | '<' | '>' | '"' | '\'' | '`' | '*' | '_' | '[' | ']' | '|' | '\\' | '~' | '#' | '!' => {
                out.push_str(&format!("&#{};", u32::from(c)))
            }
            c => out.push(c),
        }
    }
    out
}

/// The filters the Markdown templates use: `md` for text from scanned
/// files, `md_code` for such text as a code span, `md_ours` for our own
/// text (rule remediations) whose code spans stay code, `md_html` for text
/// inside an HTML element.
pub fn register_filters(tera: &mut Tera) {
    let text = |value: &Value| value.as_str().map_or_else(|| value.to_string(), str::to_string);
    tera.register_filter("md", move |value: &Value, _: &HashMap<String, Value>| {
        Ok(Value::String(escape_markdown(&text(value))))
    });
    tera.register_filter("md_code", move |value: &Value, _: &HashMap<String, Value>| {
        Ok(Value::String(code_span(&text(value))))
    });
    tera.register_filter("md_ours", move |value: &Value, _: &HashMap<String, Value>| {
        Ok(Value::String(escape_own_markdown(&text(value))))
    });
    tera.register_filter("md_html", move |value: &Value, _: &HashMap<String, Value>| {
        Ok(Value::String(html_text(&text(value))))
    });
}

#[derive(Serialize)]
struct Row<'a> {
    icon: &'static str,
    rule_id: &'a str,
    help_uri: String,
    line: usize,
    /// Already Markdown.
    message: String,
}

#[derive(Serialize)]
struct Group<'a> {
    path: &'a str,
    findings: Vec<Row<'a>>,
}

/// One rule's findings, when the comment groups them by rule.
#[derive(Serialize)]
struct RuleGroup<'a> {
    icon: &'static str,
    rule_id: &'a str,
    help_uri: String,
    /// Ours, or a custom rule's, neutralised; escaped by the template.
    title: &'a str,
    findings: Vec<RuleRow<'a>>,
}

#[derive(Serialize)]
struct RuleRow<'a> {
    path: &'a str,
    line: usize,
    /// Already Markdown.
    message: String,
}

/// Above this many findings the comment groups them by rule, one folded
/// section each, most severe first: a reviewer reads what kinds of problem
/// the change has before where each one is.
pub const GROUP_BY_RULE_ABOVE: usize = 20;

fn icon(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "🔴",
        Severity::High => "🟠",
        Severity::Medium => "🟡",
        Severity::Low => "🔵",
        Severity::Info => "⚪",
    }
}

/// GitHub refuses a comment over 65,536 characters; this leaves room for
/// what a workflow adds around the report.
pub const MAX_COMMENT_CHARS: usize = 60_000;

/// The comment, at most [`MAX_COMMENT_CHARS`]: when every finding does not
/// fit, the most severe that do, and a closing line saying how many more
/// there are and where to see them.
pub fn render(output: &ScanOutput, findings: &[Finding], rules: &[Rule]) -> Result<String, tera::Error> {
    let mut tera = Tera::default();
    tera.add_raw_template("scan.md", TEMPLATE)?;
    register_filters(&mut tera);
    let whole = render_some(&tera, output, findings, findings, rules)?;
    if whole.chars().count() <= MAX_COMMENT_CHARS {
        return Ok(whole);
    }
    let mut by_severity: Vec<&Finding> = findings.iter().collect();
    by_severity.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let kept = |n: usize| -> Vec<Finding> { by_severity[..n].iter().map(|f| (*f).clone()).collect() };
    // The largest number of findings that fits, by bisection: the size grows
    // with each finding kept.
    let (mut fits, mut too_many) = (0, findings.len());
    while too_many - fits > 1 {
        let middle = (fits + too_many) / 2;
        let text = render_some(&tera, output, findings, &kept(middle), rules)?;
        if text.chars().count() <= MAX_COMMENT_CHARS {
            fits = middle;
        } else {
            too_many = middle;
        }
    }
    render_some(&tera, output, findings, &kept(fits), rules)
}

/// The comment counting `all` findings and showing `findings` of them.
fn render_some(
    tera: &Tera,
    output: &ScanOutput,
    all: &[Finding],
    findings: &[Finding],
    rules: &[Rule],
) -> Result<String, tera::Error> {
    let uris: HashMap<&str, String> = rules.iter().map(|r| (r.id.as_str(), super::rules::doc_url(&r.id))).collect();
    let mut groups: BTreeMap<&str, Vec<Row<'_>>> = BTreeMap::new();
    for f in findings {
        groups.entry(f.location.path.as_str()).or_default().push(Row {
            icon: icon(f.severity),
            rule_id: &f.rule_id,
            help_uri: uris.get(f.rule_id.as_str()).cloned().unwrap_or_default(),
            line: f.location.line,
            message: message_markdown(&f.parts),
        });
    }
    let groups: Vec<Group<'_>> = groups.into_iter().map(|(path, findings)| Group { path, findings }).collect();
    let by_rule = all.len() > GROUP_BY_RULE_ABOVE;
    let mut rule_groups: Vec<RuleGroup<'_>> = Vec::new();
    if by_rule {
        let titles: HashMap<&str, &str> = rules.iter().map(|r| (r.id.as_str(), r.shown_title_and_help().0)).collect();
        let mut order: Vec<&Finding> = findings.iter().collect();
        order.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.rule_id.cmp(&b.rule_id)));
        for f in order {
            let row = RuleRow { path: &f.location.path, line: f.location.line, message: message_markdown(&f.parts) };
            match rule_groups.last_mut() {
                Some(group) if group.rule_id == f.rule_id => group.findings.push(row),
                _ => rule_groups.push(RuleGroup {
                    icon: icon(f.severity),
                    rule_id: &f.rule_id,
                    help_uri: uris.get(f.rule_id.as_str()).cloned().unwrap_or_default(),
                    title: titles.get(f.rule_id.as_str()).copied().unwrap_or(""),
                    findings: vec![row],
                }),
            }
        }
    }
    let by_severity: Vec<serde_json::Value> = crate::findings::severity_counts(all)
        .into_iter()
        .map(|(s, count)| serde_json::json!({ "severity": format!("{} {}", icon(s), s.as_str()), "count": count }))
        .collect();
    let errors: Vec<serde_json::Value> = output
        .errors
        .iter()
        .map(|e| serde_json::json!({ "path": e.path, "line": e.line, "column": e.column, "message": e.message }))
        .collect();
    let mut context = Context::new();
    context.insert("total", &all.len());
    context.insert("omitted", &(all.len() - findings.len()));
    context.insert("groups", &groups);
    context.insert("by_rule", &by_rule);
    context.insert("rule_groups", &rule_groups);
    context.insert("by_severity", &by_severity);
    context.insert("errors", &errors);
    context.insert("files_scanned", &output.files_scanned);
    context.insert("configs_parsed", &output.configs_parsed);
    context.insert("config", &output.config);
    tera.render("scan.md", &context)
}

#[cfg(test)]
mod tests {
    use super::{code_span, escape_markdown, html_text, message_markdown};

    #[test]
    fn scanned_text_cannot_inject_markdown() {
        assert_eq!(escape_markdown("a|b <script> [x](http://e)"), "a\\|b &lt;script&gt; \\[x\\]\\(http\\://e\\)");
        assert_eq!(escape_markdown("`a`<img src=x>`"), "\\`a\\`&lt;img src=x&gt;\\`");
        assert_eq!(escape_markdown("see www.evil.example"), "see www\\.evil.example");
    }

    #[test]
    fn messages_keep_the_rules_code_spans_and_fence_the_values() {
        use crate::findings::MessagePart;
        let part = |text: &str, from_file| MessagePart { text: crate::redact::Shown::new(text), from_file };
        let parts = [
            part("`", false),
            part("x` <img src=y> `z", true),
            part("` is reached at ", false),
            part("http://h", true),
        ];
        assert_eq!(message_markdown(&parts), "``x` <img src=y> `z`` is reached at http\\://h");
        assert_eq!(message_markdown(&[part("a `b_c` d", false)]), "a `b_c` d");
    }

    #[test]
    fn html_text_opens_nothing() {
        assert_eq!(html_text("a <b>*x*</b> & `y`"), "a &#60;b&#62;&#42;x&#42;&#60;/b&#62; &#38; &#96;y&#96;");
    }

    #[test]
    fn code_spans_hold_any_backticks() {
        assert_eq!(code_span("dir/my_server"), "`dir/my_server`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x``"), "``` `x`` ```");
        assert_eq!(code_span("a|b\nc"), "`a\\|b\\nc`");
    }
}
