//! `blastradius diff`: the change in each agent's reach, for a terminal, as
//! JSON, and as a pull-request comment. Every text from a scanned file is
//! already masked ([`Shown`]); Markdown escapes it once more for markup.

use std::fmt::Write as _;

use owo_colors::{OwoColorize, Style};

use super::markdown::code_span;
use crate::diff::{AgentChange, CapabilityChange, Change, Diff, FindingRef, Widening};
use crate::findings::Location;
use crate::graph::reach::BlastRadius as Radius;

/// GitHub refuses comments over 65,536 characters; this leaves room.
pub const MARKDOWN_LIMIT: usize = 60_000;

fn at(location: &Option<Location>) -> String {
    location.as_ref().map(|l| format!("{}:{}:{}", l.path, l.line, l.column)).unwrap_or_default()
}

fn at_ref(location: &Location) -> String {
    format!("{}:{}:{}", location.path, location.line, location.column)
}

fn change_word(change: Change) -> &'static str {
    match change {
        Change::Added => "added",
        Change::Removed => "removed",
        Change::Widened => "widened",
        Change::Narrowed => "narrowed",
        Change::Changed => "findings changed",
    }
}

fn impact_word(impact: u8) -> &'static str {
    match impact {
        3 => "severe",
        2 => "moderate",
        _ => "limited",
    }
}

/// `3 → 5 (tools 2 → 3, credentials 0 → 1)`: the counts that moved.
fn radius_text(before: &Option<Radius>, after: &Option<Radius>) -> String {
    let counts =
        |r: &Option<Radius>| r.as_ref().map_or([0; 5], |r| [r.size, r.agents, r.tools, r.credentials, r.resources]);
    let (a, b) = (counts(before), counts(after));
    let moved: Vec<String> = ["agents", "tools", "credentials", "resources"]
        .iter()
        .enumerate()
        .filter(|&(i, _)| a[i + 1] != b[i + 1])
        .map(|(i, name)| format!("{name} {} → {}", a[i + 1], b[i + 1]))
        .collect();
    if moved.is_empty() {
        format!("{} → {}", a[0], b[0])
    } else {
        format!("{} → {} ({})", a[0], b[0], moved.join(", "))
    }
}

struct Paint {
    color: bool,
}

impl Paint {
    fn style(&self, text: &str, style: Style) -> String {
        if self.color {
            text.style(style).to_string()
        } else {
            text.to_string()
        }
    }
    /// Widening is the news a reviewer must not miss: red; narrowing green.
    fn plus(&self, text: &str) -> String {
        self.style(text, Style::new().red())
    }
    fn minus(&self, text: &str) -> String {
        self.style(text, Style::new().green())
    }
    fn bold(&self, text: &str) -> String {
        self.style(text, Style::new().bold())
    }
    fn dim(&self, text: &str) -> String {
        self.style(text, Style::new().bright_black())
    }
}

fn capability_line(sign: &str, c: &CapabilityChange) -> String {
    let mut line = format!("{sign} {} ({})", c.capability, impact_word(c.impact));
    if let Some(via) = &c.via {
        let _ = write!(line, " via {via}");
    }
    if c.location.is_some() {
        let _ = write!(line, " at {}", at(&c.location));
    }
    line
}

fn finding_line(sign: &str, what: &str, f: &FindingRef) -> String {
    format!("{sign} {what} {} {} {} {}", f.severity.as_str().to_uppercase(), f.rule_id, at_ref(&f.location), f.message)
}

/// The terminal text: one block per changed agent, widened first, then the
/// findings about no agent, then one summary line.
pub fn terminal(diff: &Diff, color: bool) -> String {
    let paint = Paint { color };
    let mut out = String::new();
    let _ = writeln!(out, "{}", paint.bold(&format!("blastradius diff {} → {}", diff.base, diff.head)));
    for agent in &diff.agents {
        out.push('\n');
        let word = change_word(agent.change);
        let word = match agent.change {
            Change::Added | Change::Widened => paint.plus(word),
            Change::Removed | Change::Narrowed => paint.minus(word),
            Change::Changed => word.to_string(),
        };
        let severe = if agent.widening == Widening::High { " (severe)" } else { "" };
        let _ =
            writeln!(out, "{word}{severe} {}  {}", paint.bold(agent.label.as_str()), paint.dim(&at(&agent.location)));
        for line in agent_lines(agent) {
            let painted = match line.chars().next() {
                Some('+') => paint.plus(&line),
                Some('-') => paint.minus(&line),
                _ => line,
            };
            let _ = writeln!(out, "  {painted}");
        }
    }
    if !diff.new_findings.is_empty() || !diff.fixed_findings.is_empty() {
        let _ = writeln!(out, "\n{}", paint.bold("findings about no agent"));
        for f in &diff.new_findings {
            let _ = writeln!(out, "  {}", paint.plus(&finding_line("+", "finding", f)));
        }
        for f in &diff.fixed_findings {
            let _ = writeln!(out, "  {}", paint.minus(&finding_line("-", "fixed", f)));
        }
    }
    let _ = writeln!(out, "\n{}", summary_line(diff));
    out
}

/// What changed for one agent, one line each, `+` for more reach and `-`
/// for less.
fn agent_lines(agent: &AgentChange) -> Vec<String> {
    let mut lines = Vec::new();
    for c in &agent.capabilities_gained {
        lines.push(capability_line("+", c));
    }
    for c in &agent.capabilities_lost {
        lines.push(capability_line("-", c));
    }
    for r in &agent.reach_added {
        lines.push(format!("+ {} {}  {}", r.kind, r.name, at(&r.location)).trim_end().to_string());
    }
    for r in &agent.reach_removed {
        lines.push(format!("- {} {}", r.kind, r.name));
    }
    if agent.blast_radius_before != agent.blast_radius_after {
        lines.push(format!("blast radius {}", radius_text(&agent.blast_radius_before, &agent.blast_radius_after)));
    }
    for f in &agent.new_paths {
        lines.push(finding_line("+", "path", f));
    }
    for f in &agent.removed_paths {
        lines.push(finding_line("-", "path", f));
    }
    for f in &agent.new_findings {
        lines.push(finding_line("+", "finding", f));
    }
    for f in &agent.fixed_findings {
        lines.push(finding_line("-", "fixed", f));
    }
    lines
}

/// `1 agent widened (severe), 1 narrowed, 0 added, 0 removed; 2 new findings, 1 fixed`.
pub fn summary_line(diff: &Diff) -> String {
    let s = &diff.summary;
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let widening = match s.widening {
        Widening::High => " (severe)",
        _ => "",
    };
    format!(
        "{} widened{widening}, {} narrowed, {} added, {} removed; {}, {} fixed",
        plural(s.agents_widened, "agent", "agents"),
        s.agents_narrowed,
        s.agents_added,
        s.agents_removed,
        plural(s.new_findings, "new finding", "new findings"),
        s.fixed_findings,
    )
}

/// The JSON document (docs/diff.md describes it).
pub fn json(diff: &Diff) -> String {
    // Our own types, all serialisable: failing here is a defect.
    let mut text = serde_json::to_string_pretty(diff).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

fn md_capability(c: &CapabilityChange) -> String {
    let mut text = format!("**{}** ({})", c.capability, impact_word(c.impact));
    if let Some(via) = &c.via {
        let _ = write!(text, " via {}", code_span(via.as_str()));
    }
    if c.location.is_some() {
        let _ = write!(text, " at {}", code_span(&at(&c.location)));
    }
    text
}

fn md_finding(f: &FindingRef) -> String {
    format!(
        "**{}** {} {} at {}",
        f.severity.as_str().to_uppercase(),
        f.rule_id,
        super::markdown::message_markdown(&f.parts),
        code_span(&at_ref(&f.location))
    )
}

/// The opening sentence for one agent: "This change widens `x`: it gains …".
fn md_sentence(agent: &AgentChange) -> String {
    let name = code_span(agent.label.as_str());
    let gains: Vec<String> = agent.capabilities_gained.iter().map(md_capability).collect();
    let verb = match agent.change {
        Change::Added => "adds",
        Change::Removed => "removes",
        Change::Widened => "widens",
        Change::Narrowed => "narrows",
        Change::Changed => "changes the findings of",
    };
    let mut text = format!("This change {verb} {name}");
    if !gains.is_empty() {
        let _ = write!(text, ": it gains {}", gains.join(", "));
    } else if !agent.reach_added.is_empty() {
        let reached: Vec<String> =
            agent.reach_added.iter().map(|r| format!("{} {}", r.kind, code_span(r.name.as_str()))).collect();
        let _ = write!(text, ": it now reaches {}", reached.join(", "));
    }
    text.push('.');
    text
}

/// The pull-request comment: a verdict, one sentence per agent, a table,
/// then each agent's details; never longer than [`MARKDOWN_LIMIT`].
pub fn markdown(diff: &Diff) -> String {
    let mut out = String::new();
    let s = &diff.summary;
    let verdict = match s.widening {
        Widening::High => "widens agent reach, with severe capabilities or paths",
        Widening::Any => "widens agent reach",
        Widening::None if diff.agents.is_empty() && s.new_findings == 0 && s.fixed_findings == 0 => {
            "does not change any agent's reach"
        }
        Widening::None => "does not widen any agent's reach",
    };
    let _ = writeln!(out, "## blastradius: this change {verdict}\n");
    let _ = writeln!(
        out,
        "Compared {} with {}: {}.\n",
        code_span(diff.base.as_str()),
        code_span(diff.head.as_str()),
        summary_line(diff)
    );
    if !diff.agents.is_empty() {
        let widened: Vec<&AgentChange> = diff.agents.iter().filter(|a| a.widening > Widening::None).collect();
        for (i, agent) in widened.iter().enumerate() {
            if out.len() > MARKDOWN_LIMIT / 4 {
                let _ = writeln!(out, "- … and {} more widened agent(s).", widened.len() - i);
                break;
            }
            let _ = writeln!(out, "- {}", md_sentence(agent));
        }
        let _ = writeln!(out, "\n| Agent | Change | Blast radius | Gained | Lost |\n|---|---|---|---|---|");
        for (i, agent) in diff.agents.iter().enumerate() {
            if out.len() > MARKDOWN_LIMIT / 2 {
                let _ = writeln!(out, "| … {} more agent(s) | | | | |", diff.agents.len() - i);
                break;
            }
            let caps =
                |list: &[CapabilityChange]| list.iter().map(|c| c.capability.clone()).collect::<Vec<_>>().join(", ");
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                code_span(agent.label.as_str()),
                change_word(agent.change),
                radius_text(&agent.blast_radius_before, &agent.blast_radius_after),
                caps(&agent.capabilities_gained),
                caps(&agent.capabilities_lost),
            );
        }
        out.push('\n');
    }
    let mut details = Vec::new();
    for agent in &diff.agents {
        let mut block = format!("<details><summary>{}</summary>\n\n", super::markdown::html_text(agent.label.as_str()));
        for c in &agent.capabilities_gained {
            let _ = writeln!(block, "- ➕ {}", md_capability(c));
        }
        for c in &agent.capabilities_lost {
            let _ = writeln!(block, "- ➖ {}", md_capability(c));
        }
        for r in &agent.reach_added {
            let _ =
                writeln!(block, "- ➕ {} {} at {}", r.kind, code_span(r.name.as_str()), code_span(&at(&r.location)));
        }
        for r in &agent.reach_removed {
            let _ = writeln!(block, "- ➖ {} {}", r.kind, code_span(r.name.as_str()));
        }
        for (sign, what, list) in [
            ("➕", "path", &agent.new_paths),
            ("➖", "path", &agent.removed_paths),
            ("➕", "finding", &agent.new_findings),
            ("➖", "fixed", &agent.fixed_findings),
        ] {
            for f in list {
                let _ = writeln!(block, "- {sign} {what}: {}", md_finding(f));
            }
        }
        block.push_str("\n</details>\n");
        details.push(block);
    }
    if !diff.new_findings.is_empty() || !diff.fixed_findings.is_empty() {
        let mut block = String::from("<details><summary>Findings about no agent</summary>\n\n");
        for f in &diff.new_findings {
            let _ = writeln!(block, "- ➕ finding: {}", md_finding(f));
        }
        for f in &diff.fixed_findings {
            let _ = writeln!(block, "- ➖ fixed: {}", md_finding(f));
        }
        block.push_str("\n</details>\n");
        details.push(block);
    }
    const FOOTER: &str = "\n<sub>blastradius diff: run it locally for the full change.</sub>\n";
    let total = details.len();
    for (shown, block) in details.into_iter().enumerate() {
        // The note about what was left out needs room too.
        if out.len() + block.len() + FOOTER.len() + 200 > MARKDOWN_LIMIT {
            let _ =
                writeln!(out, "\n*{} more section(s) left out to stay within GitHub's comment size.*", total - shown);
            break;
        }
        out.push_str(&block);
    }
    out.push_str(FOOTER);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Reached, Summary};
    use crate::redact::Shown;

    fn agent(i: usize, label: &str) -> AgentChange {
        let location =
            Some(Location { path: Shown::new(".mcp.json"), line: i + 1, column: 5, end_line: i + 1, end_column: 9 });
        let radius = |size| {
            Some(Radius {
                agent: Shown::new("agent"),
                name: Shown::new("agent"),
                label: Shown::new("agent"),
                size,
                agents: 0,
                tools: size,
                credentials: 0,
                resources: 0,
                capabilities: vec![],
                flows: vec![],
            })
        };
        AgentChange {
            id: Shown::new(&format!("agent:{i}")),
            label: Shown::new(label),
            change: Change::Widened,
            widening: Widening::Any,
            location: location.clone(),
            capabilities_gained: vec![CapabilityChange {
                capability: "fs.write".into(),
                impact: 2,
                via: Some(Shown::new("Edit")),
                location: location.clone(),
            }],
            capabilities_lost: vec![],
            reach_added: vec![Reached { kind: "tool", id: Shown::new("t"), name: Shown::new("edit"), location }],
            reach_removed: vec![],
            blast_radius_before: radius(1),
            blast_radius_after: radius(2),
            new_paths: vec![],
            removed_paths: vec![],
            new_findings: vec![],
            fixed_findings: vec![],
        }
    }

    fn diff(agents: Vec<AgentChange>) -> Diff {
        let summary = Summary { widening: Widening::Any, agents_widened: agents.len(), ..Summary::default() };
        Diff {
            schema_version: 1,
            base: Shown::new("main"),
            head: Shown::new("working tree"),
            summary,
            agents,
            new_findings: vec![],
            fixed_findings: vec![],
        }
    }

    #[test]
    fn the_comment_stays_within_githubs_limit() {
        let many = diff((0..5_000).map(|i| agent(i, &format!("agent-{i}"))).collect());
        let text = markdown(&many);
        assert!(text.chars().count() <= MARKDOWN_LIMIT, "{} characters", text.chars().count());
        assert!(text.contains("more widened agent(s)"));
        assert!(text.contains("more agent(s) |"));
        assert!(text.contains("section(s) left out"));
        assert!(text.ends_with("run it locally for the full change.</sub>\n"));
    }

    #[test]
    fn names_from_files_cannot_open_markup() {
        let hostile = "x</summary><img src=x onerror=alert(1)>`|[link](https://evil.example)";
        let text = markdown(&diff(vec![agent(0, hostile)]));
        // Code spans fenced longer than the backtick inside, an entity-escaped summary.
        assert_eq!(
            text.matches("``x</summary><img src=x onerror=alert(1)>`\\|[link](https://evil.example)``").count(),
            2
        );
        assert!(text.contains("<summary>x&#60;/summary&#62;&#60;img"), "{text}");
        assert_eq!(text.matches("<img").count(), 2, "only inside the two code spans: {text}");
        let shown = terminal(&diff(vec![agent(0, "a\u{1b}[2Jb")]), false);
        assert!(!shown.contains('\u{1b}'), "{shown}");
    }
}
