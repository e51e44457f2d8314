//! `--format github`: GitHub Actions workflow commands, so findings show as
//! annotations on the pull request's diff without code scanning:
//! `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=BR101 …::message`.
//! Every value is escaped as the runner decodes it (`%`, CR and LF in the
//! message; also `:` and `,` in properties), and each finding is one line,
//! so no scanned string can end a command or start another.

use crate::engine::Severity;
use crate::findings::Finding;
use crate::scan::ScanOutput;

/// The message part of a workflow command.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A property value of a workflow command.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

pub fn render(output: &ScanOutput, findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let l = &f.location;
        out.push_str(&format!(
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            level(f.severity),
            property(&l.path),
            l.line,
            l.column,
            l.end_line,
            l.end_column,
            property(&format!("{} {} ({})", f.rule_id, f.title, f.severity.as_str())),
            data(&f.message),
        ));
    }
    for e in &output.errors {
        out.push_str(&format!(
            "::error file={},line={},col={},title={}::{}\n",
            property(&e.path),
            e.line,
            e.column,
            property(&format!("blastradius: {}", e.status())),
            data(&e.message),
        ));
    }
    out.push_str(&super::terminal::summary(output, findings));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::{data, property};

    #[test]
    fn values_cannot_end_or_start_a_command() {
        assert_eq!(data("100% done\r\n::error::forged"), "100%25 done%0D%0A::error::forged");
        assert_eq!(property("a,b:c"), "a%2Cb%3Ac");
    }
}
