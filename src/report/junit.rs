//! `--format junit`: JUnit XML for CI systems that show test reports. One
//! test case per rule reported (after `--select` and `--ignore`), failing
//! when the rule has findings (one `<failure>` listing each, so every JUnit
//! reader accepts it); one test case per file that could not be parsed, as
//! an error. Text is escaped for XML, and characters XML 1.0 cannot hold
//! are replaced.

use super::escape_xml;
use crate::engine::Rule;
use crate::findings::Finding;
use crate::scan::ScanOutput;

pub fn render(output: &ScanOutput, findings: &[Finding], rules: &[&Rule]) -> String {
    let mut cases = String::new();
    let mut failures = 0;
    for rule in rules {
        let own: Vec<&Finding> = findings.iter().filter(|f| f.rule_id == rule.id).collect();
        let name = escape_xml(&format!("{} {}", rule.id, rule.title));
        let class = format!("blastradius.{}", rule.category.as_str());
        if own.is_empty() {
            cases.push_str(&format!("    <testcase classname=\"{class}\" name=\"{name}\"/>\n"));
            continue;
        }
        failures += 1;
        let worst = own.iter().map(|f| f.severity).max().unwrap_or(rule.severity);
        let body: Vec<String> =
            own.iter().map(|f| escape_xml(&format!("{}: {} {}", f.location, f.severity.as_str(), f.message))).collect();
        let count = if own.len() == 1 { "1 finding".to_string() } else { format!("{} findings", own.len()) };
        cases.push_str(&format!(
            "    <testcase classname=\"{class}\" name=\"{name}\">\n      <failure type=\"{}\" message=\"{count}\">{}</failure>\n    </testcase>\n",
            worst.as_str(),
            body.join("\n"),
        ));
    }
    for e in &output.errors {
        cases.push_str(&format!(
            "    <testcase classname=\"blastradius.parse\" name=\"{}\">\n      <error type=\"parse-error\" message=\"{}\">{}</error>\n    </testcase>\n",
            escape_xml(&e.path),
            e.status(),
            escape_xml(&e.to_string()),
        ));
    }
    let tests = rules.len() + output.errors.len();
    let errors = output.errors.len();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"blastradius\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n  <testsuite name=\"blastradius\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n{cases}  </testsuite>\n</testsuites>\n"
    )
}

#[cfg(test)]
mod tests {
    use crate::report::escape_xml;

    #[test]
    fn text_cannot_open_markup() {
        assert_eq!(escape_xml("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
        assert_eq!(escape_xml("bell\u{7}"), "bell\u{fffd}");
    }
}
