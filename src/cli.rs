//! The command line (clap), and what each command does with the library.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::engine::{self, Rule, Severity};
use crate::report;
use crate::scan;

#[derive(Debug, Parser)]
#[command(name = "blastradius", version, about = "Static analysis and threat modelling of AI-agent configurations", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan agent configurations and report findings.
    Scan(ScanArgs),
    /// Record today's findings, so that `scan --baseline` reports only new ones.
    Baseline {
        /// Files or directories to scan.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// Where to write the baseline.
        #[arg(long, short, default_value = ".blastradius-baseline.json")]
        output: PathBuf,
    },
    /// Write a MAESTRO threat-model report of the agent system.
    Report {
        /// Files or directories to read.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "markdown")]
        format: ReportFormat,
        /// Write the report to FILE instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Print the privilege graph: agents, tools, credentials, resources.
    Graph {
        /// Files or directories to read.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "mermaid")]
        format: GraphFormat,
        /// Write the graph to FILE instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// List the rules.
    Rules {
        #[arg(long, value_enum, default_value = "table")]
        format: RulesFormat,
    },
    /// Explain one rule: why it matters and how to fix it.
    Explain {
        /// A rule id (BR101) or name (literal-long-lived-secret).
        rule: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Files or directories to scan.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "terminal")]
    pub format: OutputFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value = "low")]
    pub fail_on: FailOn,
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Report only findings not recorded in this baseline (`blastradius baseline`).
    #[arg(long)]
    pub baseline: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    Terminal,
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// A pull-request comment.
    Markdown,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Html,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
    /// The README's rule table.
    Markdown,
    /// The rule catalogue, docs/rules.md.
    Docs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    /// Findings never fail the run (unreadable configs still do).
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Runs a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let rules = match engine::builtin_rules() {
        Ok(rules) => rules.into_iter().map(|(_, r)| r).collect::<Vec<_>>(),
        Err(err) => {
            eprintln!("error: internal: rule file {err}");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Command::Scan(args) => run_scan(&args, &rules),
        Command::Graph { paths, format, output } => run_graph(&paths, format, output.as_deref(), &rules),
        Command::Report { paths, format, output } => run_report(&paths, format, output.as_deref(), &rules),
        Command::Baseline { paths, output } => {
            let scanned = scan::scan(&paths, &rules);
            let baseline = crate::baseline::from_findings(&scanned.findings);
            if let Err(err) = std::fs::write(&output, crate::baseline::render(&baseline)) {
                eprintln!("error: cannot write {}: {err}", output.display());
                return ExitCode::from(2);
            }
            eprintln!("recorded {} finding(s) in {}", baseline.findings.len(), output.display());
            unreadable_configs(&scanned)
        }
        Command::Rules { format } => {
            print(&report_rules(&rules, format));
            ExitCode::SUCCESS
        }
        Command::Explain { rule } => match rules.iter().find(|r| r.id.eq_ignore_ascii_case(&rule) || r.name == rule) {
            Some(rule) => {
                print(&explain(rule));
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("error: no rule `{rule}`; `blastradius rules` lists them");
                ExitCode::from(2)
            }
        },
    }
}

fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = out.write_all(text.as_bytes());
}

/// Prints the graph; unreadable configs are reported on stderr and exit 1,
/// as for `scan`, since a graph missing a file is not the whole system.
fn run_graph(paths: &[PathBuf], format: GraphFormat, output: Option<&std::path::Path>, rules: &[Rule]) -> ExitCode {
    let scanned = scan::scan(paths, rules);
    let text = match format {
        GraphFormat::Mermaid => report::graph::mermaid(&scanned.graph),
        GraphFormat::Dot => report::graph::dot(&scanned.graph),
        GraphFormat::Json => report::graph::json(&scanned.graph),
    };
    finish_document(&scanned, output, &text)
}

/// Writes the threat model. Findings do not fail it (it is a document);
/// unreadable configs do, as for `graph`.
fn run_report(paths: &[PathBuf], format: ReportFormat, output: Option<&std::path::Path>, rules: &[Rule]) -> ExitCode {
    let scanned = scan::scan(paths, rules);
    let model = report::threat_model::build(&scanned, &scanned.findings, rules);
    let rendered = match format {
        ReportFormat::Markdown => report::threat_model::markdown(&model),
        ReportFormat::Html => report::threat_model::html(&model),
    };
    let text = match rendered {
        Ok(text) => text,
        Err(err) => {
            eprintln!("error: internal: report template: {err:?}");
            return ExitCode::from(2);
        }
    };
    finish_document(&scanned, output, &text)
}

/// A document (graph, report) is written whatever the findings; the exit
/// code says whether every config could be read (1 when one could not).
fn finish_document(scanned: &scan::ScanOutput, output: Option<&std::path::Path>, text: &str) -> ExitCode {
    if !write_or_print(output, text) {
        return ExitCode::from(2);
    }
    unreadable_configs(scanned)
}

/// Reports configs that could not be read on stderr: exit 1 if any.
fn unreadable_configs(scanned: &scan::ScanOutput) -> ExitCode {
    for error in &scanned.errors {
        eprintln!("error: {}:{}:{}: {}", error.path, error.line, error.column, error.message);
    }
    if scanned.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Writes to `path`, or prints; false (and a message) when the file cannot be written.
fn write_or_print(path: Option<&std::path::Path>, text: &str) -> bool {
    match path {
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => true,
            Err(err) => {
                eprintln!("error: cannot write {}: {err}", path.display());
                false
            }
        },
        None => {
            print(text);
            true
        }
    }
}

fn run_scan(args: &ScanArgs, rules: &[Rule]) -> ExitCode {
    let mut output = scan::scan(&args.paths, rules);
    if let Some(path) = &args.baseline {
        match crate::baseline::read(path) {
            Ok(baseline) => {
                crate::baseline::apply(&baseline, &mut output.findings);
            }
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::from(2);
            }
        }
    }
    let findings = &output.findings;
    let to_file = args.output.is_some();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !to_file && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let text = match args.format {
        OutputFormat::Terminal => {
            report::terminal::render(&output, findings, &report::terminal::Options { color, width: 100 })
        }
        OutputFormat::Json => report::json::render(&output, findings),
        OutputFormat::Sarif => report::sarif::render(&output, findings, rules),
        OutputFormat::Markdown => match report::markdown::render(&output, findings, rules) {
            Ok(text) => text,
            Err(err) => {
                eprintln!("error: internal: markdown template: {err}");
                return ExitCode::from(2);
            }
        },
    };
    if !write_or_print(args.output.as_deref(), &text) {
        return ExitCode::from(2);
    }
    if args.output.is_some() {
        eprintln!("{}", report::terminal::summary(&output, findings));
    }
    let failing = args.fail_on.threshold().is_some_and(|t| findings.iter().any(|f| f.severity >= t));
    if failing || !output.errors.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn report_rules(rules: &[Rule], format: RulesFormat) -> String {
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
            let mut text = String::new();
            for r in rules {
                text.push_str(&format!(
                    "{:<7} {:<9} {:<13} {:<34} {}\n",
                    r.id,
                    r.severity.as_str(),
                    r.category.as_str(),
                    r.name,
                    r.title
                ));
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
            conf = format!("{:?}", rule.confidence).to_ascii_lowercase(),
            cat = rule.category.as_str(),
            ctl = rule.control.as_str(),
            standards = standards_text(rule, "none"),
            why = rule.rationale.trim(),
            fix = rule.remediation.trim(),
        ));
        if let Some(examples) = engine::examples(&rule.id) {
            for (label, (path, body)) in [("Triggers it", examples.positive), ("Does not", examples.negative)] {
                let body = masked(body);
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

/// An example as shown: anything token-shaped masked like a finding would.
fn masked(text: &str) -> String {
    let catalog = crate::catalog::TokenCatalog::get();
    let mut out = String::new();
    let mut at = 0;
    for m in catalog.find_all(text) {
        out.push_str(&text[at..m.start]);
        out.push_str(&catalog.masked(&m));
        at = m.end;
    }
    out.push_str(&text[at..]);
    out
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

fn explain(rule: &Rule) -> String {
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
            for line in masked(body).lines() {
                text.push_str(&format!("    {line}\n"));
            }
        }
    }
    text.push_str(&format!("\nMore: {}\n", crate::report::sarif::help_uri(rule)));
    text
}
