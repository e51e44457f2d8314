//! `--format concise`: one line per finding, `path:line:col: SEVERITY RULE
//! message`, for editors' quickfix lists, grep and scripts; then errors in
//! the same shape, then the summary line. Every string is already `Shown`
//! (masked, controls made visible), so a line is one finding.

use crate::findings::Finding;
use crate::scan::ScanOutput;

pub fn render(output: &ScanOutput, findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&format!(
            "{}: {} {} {}\n",
            f.location,
            f.severity.as_str().to_ascii_uppercase(),
            f.rule_id,
            f.message
        ));
    }
    for e in &output.errors {
        out.push_str(&format!("{}:{}:{}: ERROR {}: {}\n", e.path, e.line, e.column, e.status(), e.message));
    }
    out.push_str(&super::terminal::summary(output, findings));
    out.push('\n');
    out
}
