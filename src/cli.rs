//! The command line (clap), and what each command does with the library.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::Config;
use crate::engine::{self, Confidence, FailOn, Rule, Severity};
use crate::error::Error;
use crate::redact::Shown;
use crate::report;
use crate::scan;

#[derive(Debug, Parser)]
#[command(name = "blastradius", version, about = "Static analysis and threat modelling of AI-agent configurations", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// The config file; by default the nearest .blastradius.yaml at or above
    /// the scanned path, up to the repository root.
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Read no config file: for CI that must not let the scanned repository
    /// turn its own checks off.
    #[arg(long, global = true, conflicts_with = "config")]
    pub no_config: bool,
    /// How many threads read, parse and judge files; 0 (the default) is one
    /// per core. The output is the same for any number.
    #[arg(short = 'j', long, global = true, value_name = "N", default_value_t = 0)]
    pub threads: usize,
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
        /// This machine's user-level configs instead of PATHs (as `scan --user`).
        #[arg(long, conflicts_with = "paths")]
        user: bool,
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
        /// This machine's user-level configs instead of PATHs (as `scan --user`).
        #[arg(long, conflicts_with = "paths")]
        user: bool,
        #[arg(long, value_enum, default_value = "mermaid")]
        format: GraphFormat,
        /// Write the graph to FILE instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Compare the agents' reach at two git revisions: what a change widens.
    ///
    /// Files at BASE (and at HEAD, when named) are read through git itself;
    /// nothing is checked out.
    Diff {
        /// The revision before the change: a branch, tag or commit.
        base: String,
        /// The revision after it [default: the working tree, uncommitted
        /// and untracked files included].
        head: Option<String>,
        /// The directory to compare, inside a git repository.
        #[arg(long, short = 'C', value_name = "DIR", default_value = ".")]
        directory: PathBuf,
        #[arg(long, value_enum, default_value = "terminal")]
        format: DiffFormat,
        /// Exit 1 when an agent gains reach at or above this level: `any`
        /// capability, tool, credential or path, or only `high` (a severe
        /// capability, or a path of high severity or more).
        #[arg(long, value_enum, default_value = "none", value_name = "LEVEL")]
        fail_on_widen: crate::diff::Widening,
        /// Write the diff to FILE instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "auto")]
        color: ColorChoice,
    },
    /// An agent bill of materials: agents, MCP servers and tools (with package
    /// URLs), remote services, credentials (masked) and models.
    Bom {
        /// Files or directories to read.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// This machine's user-level configs instead of PATHs (as `scan --user`).
        #[arg(long, conflicts_with = "paths")]
        user: bool,
        #[arg(long, value_enum, default_value = "cyclonedx")]
        format: BomFormat,
        /// Write the bill of materials to FILE instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Write a starter .blastradius.yaml and print the pre-commit snippet.
    Init {
        /// Overwrite an existing .blastradius.yaml.
        #[arg(long)]
        force: bool,
    },
    /// Print shell completions: `blastradius completions bash > /etc/bash_completion.d/blastradius`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff): `blastradius man > blastradius.1`, or one
    /// command's: `blastradius man scan > blastradius-scan.1`.
    Man {
        /// The command whose page to print (scan, report, graph, …).
        command: Option<String>,
    },
    /// List the rules.
    Rules {
        #[arg(long, value_enum, default_value = "table")]
        format: RulesFormat,
    },
    /// List the formats read: where each is found and what is read.
    Formats {
        #[arg(long, value_enum, default_value = "table")]
        format: FormatsFormat,
    },
    /// Explain one rule: why it matters and how to fix it; or, with
    /// --attributes, the graph attributes custom rules can use.
    Explain {
        /// A rule id (BR101) or name (literal-long-lived-secret).
        #[arg(required_unless_present = "attributes")]
        rule: Option<String>,
        /// Document the graph's attributes (rules/catalog/vocabulary.yaml).
        #[arg(long, conflicts_with = "rule")]
        attributes: bool,
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
    /// Exit 1 when a finding is at or above this severity [default: the
    /// config's `fail_on`, else low].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Report only findings not recorded in this baseline (`blastradius baseline`).
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Audit this machine: the user-level configs of every supported client
    /// (under HOME), scanned as one graph, instead of PATHs.
    #[arg(long, conflicts_with = "paths")]
    pub user: bool,
    /// Report only findings in files changed since this git revision
    /// (the graph is still built from the whole tree).
    #[arg(long, value_name = "REV", conflicts_with_all = ["staged", "only"])]
    pub changed_since: Option<String>,
    /// Report only findings in files staged for the next commit (`git diff
    /// --cached`); the graph is still built from the whole tree.
    #[arg(long, conflicts_with = "only")]
    pub staged: bool,
    /// PATHS are the files to judge (what pre-commit passes): the graph is
    /// built from the whole tree at the current directory, and only
    /// findings in PATHS are reported.
    #[arg(long, conflicts_with = "user")]
    pub only: bool,
    /// Report only these rules: ids (BR101), families (BR1), names or
    /// categories (credential), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Vec<String>,
    /// Leave these rules out; the same forms as --select (the config's
    /// `rules.disable` takes them too).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Report only findings at or above this severity.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub min_severity: Option<Severity>,
    /// Report only findings at or above this confidence; findings built on
    /// tools judged by their names alone are `low`.
    #[arg(long, value_enum, value_name = "CONFIDENCE")]
    pub min_confidence: Option<Confidence>,
    /// Print only the summary line (terminal format); the exit code is the same.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print how many findings each rule has, instead of each finding
    /// (terminal format).
    #[arg(long)]
    pub statistics: bool,
    /// The order findings are printed in: most severe first, or by file and line.
    #[arg(long, value_enum, default_value = "severity")]
    pub sort: SortOrder,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortOrder {
    /// Most severe first; then by file and line.
    Severity,
    /// By file and line.
    Path,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    Terminal,
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// A pull-request comment.
    Markdown,
    /// GitHub Actions workflow commands: annotations on the pull request's diff.
    Github,
    /// One line per finding: `path:line:col: SEVERITY RULE message`.
    Concise,
    /// A GitLab Code Quality report, for merge requests.
    Gitlab,
    /// JUnit XML: a test case per rule, for CI test reports.
    Junit,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Html,
    /// Open Threat Model 0.2.0 JSON (IriusRisk and others import it).
    Otm,
    /// An OWASP Threat Dragon v2 model with a STRIDE diagram.
    ThreatDragon,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    Terminal,
    /// The documented JSON contract (docs/diff.md).
    Json,
    /// A pull-request comment, at most 60,000 characters.
    Markdown,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BomFormat {
    /// CycloneDX 1.6 JSON, for osv-scanner, grype and Dependency-Track.
    Cyclonedx,
    /// One row per agent: its servers and versions, credentials (masked), blast radius.
    Table,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatsFormat {
    Table,
    /// The README's format table.
    Markdown,
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

impl ValueEnum for FailOn {
    fn value_variants<'a>() -> &'a [Self] {
        &FailOn::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let value = clap::builder::PossibleValue::new(self.as_str());
        Some(match self {
            FailOn::Never => value.help("Findings never fail the run (unreadable configs still do)"),
            FailOn::At(_) => value,
        })
    }
}

impl ValueEnum for Severity {
    fn value_variants<'a>() -> &'a [Self] {
        &Severity::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

impl ValueEnum for Confidence {
    fn value_variants<'a>() -> &'a [Self] {
        &Confidence::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The built-in rules, the config (found or named) and the rules it adds,
/// with its enable, disable and severity settings applied. Problems are
/// printed, located, and end the run with exit 2.
fn prepare(paths: &[PathBuf], choice: ConfigChoice<'_>) -> Result<(Vec<Rule>, Config), Error> {
    let mut rules = engine::builtin_rules()
        .map_err(|err| Error::Internal(format!("rule file {err}")))?
        .into_iter()
        .map(|(_, r)| r)
        .collect::<Vec<_>>();
    let path = match choice {
        ConfigChoice::Named(path) => Some(path.to_path_buf()),
        ConfigChoice::Nearest => crate::config::find(paths.first().map_or(std::path::Path::new("."), |p| p.as_path())),
        ConfigChoice::None => None,
    };
    let Some(path) = path else { return Ok((rules, Config::default())) };
    for dir in crate::config::rule_dirs_of(&path) {
        rules.extend(engine::load_rule_dir(&dir).map_err(Error::RuleFile)?);
    }
    let config = crate::config::read(&path, &rules).map_err(Error::Config)?;
    Ok((config.apply_to_rules(rules), config))
}

/// Prints an error of the run on stderr: `error: ` and the message (config
/// problems with their snippet first), then the way out, if there is one.
fn report_error(err: &Error) {
    if let Error::Config(errors) = err {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        for e in errors {
            let shown = e.path.display().to_string();
            eprint!("{}", report::terminal::render_error(&shown, &e.text, e.span, &e.message, color));
            eprintln!("error: {e}");
        }
    } else {
        eprintln!("error: {err}");
    }
    if let Some(help) = miette::Diagnostic::help(err) {
        eprintln!("  help: {help}");
    }
}

/// `scan --user`: says which locations it looked at and what it found there
/// (stderr), then scans those files as one graph.
fn user_scan(rules: &[Rule], config: &Config) -> Result<scan::ScanOutput, Error> {
    let home = crate::user::home().ok_or(Error::NoHome)?;
    let locations = crate::user::locations(&home);
    eprintln!("user-level agent configs ({} locations looked at):", locations.len());
    for (client, shown, _, found) in &locations {
        if *found {
            // A name matched by `*` comes from the home directory, not from us.
            eprintln!("  found      {client:<15} {}", crate::redact::shown(shown));
        }
    }
    let missing: Vec<&str> = locations.iter().filter(|l| !l.3).map(|l| l.1.as_str()).collect();
    eprintln!("  not found: {}", missing.join(", "));
    let files: Vec<(PathBuf, String)> = locations.into_iter().filter(|l| l.3).map(|l| (l.2, l.1)).collect();
    let mut output = scan::scan_discovered(crate::discover::explicit(&files), rules, &|d| !config.excluded(d));
    apply_ignores(&mut output, config);
    Ok(output)
}

/// Scans with the config: excluded paths unread, ignored findings dropped.
fn scan_configured(paths: &[PathBuf], rules: &[Rule], config: &Config) -> scan::ScanOutput {
    let mut output = scan::scan_filtered(paths, rules, &|display| !config.excluded(display));
    apply_ignores(&mut output, config);
    output
}

/// Drops the findings the config ignores, and records what the config did.
fn apply_ignores(output: &mut scan::ScanOutput, config: &Config) {
    let mut hidden = 0;
    let mut suppressed = Vec::new();
    output.findings.retain(|f| match config.ignore_reason(&f.rule_id, &f.location.path) {
        Some(reason) => {
            hidden += 1;
            suppressed.push(crate::findings::Suppressed {
                finding: f.clone(),
                kind: crate::findings::SuppressionKind::External,
                reason: format!("ignored by the config: {}", crate::redact::shown(reason)),
            });
            false
        }
        None => true,
    });
    output.suppressed.extend(suppressed);
    output.config = config.report(hidden);
}

/// Runs a parsed command line; returns the process exit code: 0, 1 when
/// findings or unreadable configs fail the run, 2 on an error of the run.
pub fn run(cli: Cli) -> ExitCode {
    crate::timing::mark("arguments");
    match execute(cli) {
        Ok(code) => code,
        Err(err) => {
            report_error(&err);
            ExitCode::from(err.exit_code())
        }
    }
}

fn execute(cli: Cli) -> Result<ExitCode, Error> {
    // Commands that read no config first: a broken config must not stop
    // `init --force` from repairing it.
    match &cli.command {
        Command::Init { force } => return init(*force),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut command, "blastradius", &mut out);
            print(&String::from_utf8_lossy(&out));
            return Ok(ExitCode::SUCCESS);
        }
        Command::Man { command } => return man(command.as_deref()),
        Command::Formats { format } => {
            print(&match format {
                FormatsFormat::Markdown => crate::formats::registry::format_table_markdown(),
                FormatsFormat::Table => crate::formats::registry::format_table_text(),
            });
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    let paths: Vec<PathBuf> = match &cli.command {
        // The tree is the current directory's; PATHS only narrow the report.
        Command::Scan(args) if args.only => vec![PathBuf::from(".")],
        Command::Scan(args) => args.paths.clone(),
        Command::Graph { paths, .. }
        | Command::Report { paths, .. }
        | Command::Baseline { paths, .. }
        | Command::Bom { paths, .. } => paths.clone(),
        Command::Diff { directory, .. } => vec![directory.clone()],
        _ => vec![PathBuf::from(".")],
    };
    let scans = !matches!(
        &cli.command,
        Command::Rules { .. }
            | Command::Explain { .. }
            | Command::Scan(ScanArgs { user: true, .. })
            | Command::Graph { user: true, .. }
            | Command::Report { user: true, .. }
            | Command::Bom { user: true, .. }
    );
    // Only the first call in a process sets the pool (tests call `run` again).
    let _ = rayon::ThreadPoolBuilder::new().num_threads(cli.threads).build_global();
    if !matches!(&cli.command, Command::Rules { .. } | Command::Explain { .. }) {
        crate::catalog::warm_up();
    }
    if scans {
        if let Some(missing) = paths.iter().find(|p| std::fs::symlink_metadata(p).is_err()) {
            return Err(Error::NoSuchPath(Shown::new(&missing.display().to_string())));
        }
    }
    let config_file = if cli.no_config { ConfigChoice::None } else { ConfigChoice::from(cli.config.as_deref()) };
    let (rules, config) = prepare(&paths, config_file)?;
    Ok(match cli.command {
        Command::Scan(args) => run_scan(&args, &rules, &config)?,
        Command::Graph { paths, user, format, output } => {
            let scanned = if user { user_scan(&rules, &config)? } else { scan_configured(&paths, &rules, &config) };
            run_graph(&scanned, format, output.as_deref())?
        }
        Command::Report { paths, user, format, output } => {
            let scanned = if user { user_scan(&rules, &config)? } else { scan_configured(&paths, &rules, &config) };
            run_report(&scanned, format, output.as_deref(), &rules)?
        }
        Command::Baseline { paths, output } => {
            let scanned = scan_configured(&paths, &rules, &config);
            let baseline = crate::baseline::from_findings(&scanned.findings);
            write_or_print(Some(&output), &crate::baseline::render(&baseline), &scanned)?;
            eprintln!("recorded {} finding(s) in {}", baseline.findings.len(), output.display());
            unreadable_configs(&scanned)
        }
        Command::Bom { paths, user, format, output } => {
            let scanned = if user { user_scan(&rules, &config)? } else { scan_configured(&paths, &rules, &config) };
            let text = match format {
                BomFormat::Cyclonedx => report::bom::cyclonedx(&scanned, &crate::model::now()),
                BomFormat::Table => report::bom::table(&scanned),
            };
            finish_document(&scanned, output.as_deref(), &text)?
        }
        Command::Diff { base, head, directory, format, fail_on_widen, output, color } => {
            let options = DiffOptions { format, fail_on_widen, output: output.as_deref(), color };
            run_diff(&directory, &base, head.as_deref(), &options, &rules, &config)?
        }
        Command::Init { .. } | Command::Completions { .. } | Command::Man { .. } | Command::Formats { .. } => {
            ExitCode::SUCCESS
        }
        Command::Rules { format } => {
            print(&report::rules::list(&rules, format));
            ExitCode::SUCCESS
        }
        Command::Explain { attributes: true, .. } => {
            print(&crate::graph::vocab::Vocabulary::get().document());
            ExitCode::SUCCESS
        }
        Command::Explain { rule, .. } => match rule
            .as_deref()
            .and_then(|rule| rules.iter().find(|r| r.id.eq_ignore_ascii_case(rule) || r.name == rule))
        {
            Some(rule) => {
                print(&report::rules::explain(rule));
                ExitCode::SUCCESS
            }
            None => return Err(Error::NoSuchRule(Shown::new(rule.as_deref().unwrap_or_default()))),
        },
    })
}

/// The EXIT STATUS section every page ends with (DESIGN.md, exit codes).
const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
nothing at or above the \fB\-\-fail\-on\fR severity, and every agent config parsed
.TP
\fB1\fR
a finding at or above it, or an agent config that could not be read or parsed
.TP
\fB2\fR
a usage error, a bad config file, or an internal failure
"#;

/// `diff` gates on widening, not on findings.
const DIFF_EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
no agent widened at or above \fB\-\-fail\-on\-widen\fR (default none: never), and every config at HEAD parsed
.TP
\fB1\fR
an agent widened at or above it, or a config at HEAD that could not be read or parsed
.TP
\fB2\fR
a usage error: not in a git repository, a revision that names no commit, a bad config file
"#;

/// Documents (report, graph, bom, baseline) are written whatever the findings.
const DOCUMENT_EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
every agent config parsed
.TP
\fB1\fR
an agent config that could not be read or parsed (the document is still written)
.TP
\fB2\fR
a usage error, a bad config file, or an internal failure
"#;

fn man(command: Option<&str>) -> Result<ExitCode, Error> {
    let mut cli = <Cli as clap::CommandFactory>::command();
    cli.build();
    let page = match command {
        None => cli,
        Some(name) => {
            let Some(sub) = cli.find_subcommand(name) else {
                return Err(Error::Usage(format!(
                    "no command `{}`; `blastradius --help` lists them",
                    Shown::new(name)
                )));
            };
            let full = format!("blastradius-{}", sub.get_name());
            sub.clone()
                .display_name(full)
                .bin_name(format!("blastradius {}", sub.get_name()))
                .version(env!("CARGO_PKG_VERSION"))
        }
    };
    let exit_status = match command {
        Some("diff") => DIFF_EXIT_STATUS,
        Some("report" | "graph" | "bom" | "baseline") => DOCUMENT_EXIT_STATUS,
        _ => EXIT_STATUS,
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page).render(&mut out).map_err(|err| Error::Internal(format!("man page: {err}")))?;
    print(&format!("{}{exit_status}", String::from_utf8_lossy(&out)));
    Ok(ExitCode::SUCCESS)
}

/// Which config file to read.
enum ConfigChoice<'a> {
    /// The nearest one at or above the scanned path, inside its repository.
    Nearest,
    Named(&'a std::path::Path),
    /// `--no-config`.
    None,
}

impl<'a> From<Option<&'a std::path::Path>> for ConfigChoice<'a> {
    fn from(named: Option<&'a std::path::Path>) -> Self {
        named.map_or(ConfigChoice::Nearest, ConfigChoice::Named)
    }
}

fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = out.write_all(text.as_bytes());
}

/// Prints the graph; unreadable configs are reported on stderr and exit 1,
/// as for `scan`, since a graph missing a file is not the whole system.
fn run_graph(
    scanned: &scan::ScanOutput,
    format: GraphFormat,
    output: Option<&std::path::Path>,
) -> Result<ExitCode, Error> {
    let text = match format {
        GraphFormat::Mermaid => report::graph::mermaid(&scanned.graph),
        GraphFormat::Dot => report::graph::dot(&scanned.graph),
        GraphFormat::Json => report::graph::json(&scanned.graph),
    };
    finish_document(scanned, output, &text)
}

/// Writes the threat model. Findings do not fail it (it is a document);
/// unreadable configs do, as for `graph`.
fn run_report(
    scanned: &scan::ScanOutput,
    format: ReportFormat,
    output: Option<&std::path::Path>,
    rules: &[Rule],
) -> Result<ExitCode, Error> {
    let date = crate::model::today();
    let text = match format {
        ReportFormat::Otm => report::otm::render(&crate::model::build(scanned, rules, &date), &date),
        ReportFormat::ThreatDragon => report::threat_dragon::render(&crate::model::build(scanned, rules, &date)),
        ReportFormat::Markdown | ReportFormat::Html => {
            let model = report::threat_model::build(scanned, &scanned.findings, rules);
            let rendered = match format {
                ReportFormat::Html => report::threat_model::html(&model),
                _ => report::threat_model::markdown(&model),
            };
            rendered.map_err(|err| Error::Internal(format!("report template: {err:?}")))?
        }
    };
    finish_document(scanned, output, &text)
}

struct DiffOptions<'a> {
    format: DiffFormat,
    fail_on_widen: crate::diff::Widening,
    output: Option<&'a std::path::Path>,
    color: ColorChoice,
}

/// `diff`: scans the tree at BASE (through git) and at HEAD (through git, or
/// the working tree), compares them, and exits 1 when the change widens an
/// agent's reach at or above `--fail-on-widen`, or a config at HEAD cannot
/// be read.
fn run_diff(
    directory: &std::path::Path,
    base: &str,
    head: Option<&str>,
    options: &DiffOptions<'_>,
    rules: &[Rule],
    config: &Config,
) -> Result<ExitCode, Error> {
    let git_error = |source| Error::Changes { flag: "diff", source };
    crate::git::require_repository(directory).map_err(git_error)?;
    let at_revision = |rev: &str| -> Result<scan::ScanOutput, Error> {
        let discovered = crate::discover::at_revision(directory, rev).map_err(git_error)?;
        let mut output = scan::scan_discovered(discovered, rules, &|display| !config.excluded(display));
        apply_ignores(&mut output, config);
        Ok(output)
    };
    let before = at_revision(base)?;
    let after = match head {
        Some(rev) => at_revision(rev)?,
        None => scan_configured(&[directory.to_path_buf()], rules, config),
    };
    let head_name = head.unwrap_or("working tree");
    let diff = crate::diff::compare(&before, &after, base, head_name);
    let color = match options.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            options.output.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let text = match options.format {
        DiffFormat::Terminal => report::diff::terminal(&diff, color),
        DiffFormat::Json => report::diff::json(&diff),
        DiffFormat::Markdown => report::diff::markdown(&diff),
    };
    write_or_print(options.output, &text, &after)?;
    if options.output.is_some() {
        eprintln!("{}", report::diff::summary_line(&diff));
    }
    // Unreadable at BASE: worth knowing, not this change's failure.
    for error in &before.errors {
        eprintln!("warning: at {}: {error}", Shown::new(base));
    }
    let widened = options.fail_on_widen > crate::diff::Widening::None && diff.summary.widening >= options.fail_on_widen;
    Ok(if widened { ExitCode::from(1) } else { unreadable_configs(&after) })
}

const STARTER_CONFIG: &str = "# blastradius configuration: https://github.com/blastradius/blastradius#configuration
# Exit 1 when a finding is at or above this severity (critical, high, medium, low, info, never).
fail_on: low
rules:
  # Rule ids or names to turn off, and ones to turn back on.
  disable: []
  enable: []
# Per-rule severity, for example: BR601: low
severity: {}
paths:
  # Globs, relative to the scanned directory, never read.
  exclude: []
# Directories of extra rule files, relative to this file.
rule_dirs: []
# Findings accepted on purpose, each with the reason.
ignore: []
#  - path: \"testdata/**\"
#    rules: [BR101]
#    reason: fixtures hold fake tokens
";

const PRE_COMMIT_SNIPPET: &str = "# .pre-commit-config.yaml
repos:
  - repo: https://github.com/blastradius/blastradius
    rev: v0.1.0
    hooks:
      - id: blastradius
";

/// `init`: a starter config (never over an existing one without `--force`)
/// and the pre-commit snippet on standard output.
fn init(force: bool) -> Result<ExitCode, Error> {
    let path = std::path::Path::new(crate::config::FILE_NAMES[0]);
    if path.exists() && !force {
        return Err(Error::Exists(path.to_path_buf()));
    }
    std::fs::write(path, STARTER_CONFIG)
        .map_err(|source| Error::Write { path: Shown::new(&path.display().to_string()), source })?;
    eprintln!("wrote {}", path.display());
    print(&format!("Add blastradius to pre-commit:\n\n{PRE_COMMIT_SNIPPET}"));
    Ok(ExitCode::SUCCESS)
}

/// A document (graph, report) is written whatever the findings; the exit
/// code says whether every config could be read (1 when one could not).
fn finish_document(
    scanned: &scan::ScanOutput,
    output: Option<&std::path::Path>,
    text: &str,
) -> Result<ExitCode, Error> {
    write_or_print(output, text, scanned)?;
    Ok(unreadable_configs(scanned))
}

/// Reports configs that could not be read on stderr: exit 1 if any.
fn unreadable_configs(scanned: &scan::ScanOutput) -> ExitCode {
    for error in &scanned.errors {
        eprintln!("error: {error}");
    }
    if scanned.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Writes to `path`, or prints (no path, or `-`); an error when the file
/// cannot be written, or is one the scan read: a report never replaces a
/// config it was reading.
fn write_or_print(path: Option<&std::path::Path>, text: &str, scanned: &scan::ScanOutput) -> Result<(), Error> {
    write_streamed(path, scanned, |out| out.write_all(text.as_bytes()))
}

/// Writes a document to `path` (standard output for none or `-`) as `write`
/// produces it, buffered. A closed pipe ends the output, not the run.
fn write_streamed(
    path: Option<&std::path::Path>,
    scanned: &scan::ScanOutput,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    match path.filter(|p| p.as_os_str() != "-") {
        Some(path) if scanned.read(path) => Err(Error::OutputIsInput(Shown::new(&path.display().to_string()))),
        Some(path) => {
            let failed = |source| Error::Write { path: Shown::new(&path.display().to_string()), source };
            let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(failed)?);
            write(&mut out).and_then(|()| out.flush()).map_err(failed)
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let _ = write(&mut out).and_then(|()| out.flush());
            Ok(())
        }
    }
}

/// What `--select`, `--ignore`, `--min-severity` and `--min-confidence`
/// leave in the report. Rules all run (an inline suppression of an ignored
/// rule is still used); the findings are filtered.
struct FindingFilter {
    /// Rule ids to keep; `None`: every rule.
    selected: Option<std::collections::BTreeSet<String>>,
    ignored: std::collections::BTreeSet<String>,
    min_severity: Severity,
    min_confidence: Confidence,
}

impl FindingFilter {
    fn of(args: &ScanArgs, rules: &[Rule]) -> Result<FindingFilter, Error> {
        let ids = |selectors: &[String]| -> Result<std::collections::BTreeSet<String>, Error> {
            let mut ids = std::collections::BTreeSet::new();
            for selector in selectors {
                let matched: Vec<String> =
                    rules.iter().filter(|r| r.selected_by(selector)).map(|r| r.id.clone()).collect();
                if matched.is_empty() {
                    return Err(Error::NoSuchRule(Shown::new(selector)));
                }
                ids.extend(matched);
            }
            Ok(ids)
        };
        Ok(FindingFilter {
            selected: if args.select.is_empty() { None } else { Some(ids(&args.select)?) },
            ignored: ids(&args.ignore)?,
            min_severity: args.min_severity.unwrap_or(Severity::Info),
            min_confidence: args.min_confidence.unwrap_or(Confidence::Low),
        })
    }

    /// Whether the rule's findings are reported at all.
    fn reports(&self, rule_id: &str) -> bool {
        self.selected.as_ref().is_none_or(|s| s.contains(rule_id)) && !self.ignored.contains(rule_id)
    }

    fn keeps(&self, finding: &crate::findings::Finding) -> bool {
        self.reports(&finding.rule_id)
            && finding.severity >= self.min_severity
            && finding.confidence >= self.min_confidence
    }
}

fn run_scan(args: &ScanArgs, rules: &[Rule], config: &Config) -> Result<ExitCode, Error> {
    let progress = crate::progress::start(args.quiet);
    let mut output = if args.user {
        user_scan(rules, config)?
    } else if args.only {
        scan_configured(&[PathBuf::from(".")], rules, config)
    } else {
        scan_configured(&args.paths, rules, config)
    };
    // Erased before the report starts.
    drop(progress);
    crate::timing::mark("scan");
    if let Some(path) = &args.baseline {
        let baseline = crate::baseline::read(path).map_err(Error::Baseline)?;
        let hidden = crate::baseline::apply(&baseline, &mut output.findings, &path.display().to_string());
        output.suppressed.extend(hidden);
    }
    let changed = if let Some(rev) = &args.changed_since {
        Some(
            crate::changes::changed_since(&output.root, rev)
                .map_err(|source| Error::Changes { flag: "--changed-since", source })?,
        )
    } else if args.staged {
        Some(crate::changes::staged(&output.root).map_err(|source| Error::Changes { flag: "--staged", source })?)
    } else {
        args.only.then(|| {
            let shown = |p: &PathBuf| p.display().to_string().replace('\\', "/");
            args.paths.iter().map(|p| shown(p).trim_start_matches("./").to_string()).collect()
        })
    };
    if let Some(changed) = changed {
        // Compared as displayed: finding paths are shown (controls made visible).
        let changed: std::collections::BTreeSet<String> = changed.iter().map(|p| crate::redact::shown(p)).collect();
        output.findings.retain(|f| {
            changed.contains(f.location.path.as_str())
                || f.chain.iter().filter_map(|s| s.location.as_ref()).any(|l| changed.contains(l.path.as_str()))
        });
        // Unreadable files outside the change are not this commit's problem.
        output.errors.retain(|e| changed.contains(e.path.as_str()));
    }
    let filter = FindingFilter::of(args, rules)?;
    output.findings.retain(|f| filter.keeps(f));
    if args.sort == SortOrder::Severity {
        // Stable: within a severity, the path and line order stays.
        output.findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    }
    let findings = &output.findings;
    let to_file = args.output.is_some();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !to_file && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let options = report::terminal::Options { color, width: 100, quiet: args.quiet, statistics: args.statistics };
    let to_stdout = args.output.as_deref().is_none_or(|p| p.as_os_str() == "-");
    let text = match args.format {
        // Printed as each finding is drawn.
        OutputFormat::Terminal if to_stdout => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) ends the output, not the run.
            let _ = report::terminal::render_to(&output, findings, &options, &mut stdout);
            String::new()
        }
        // Written as they are serialised: never held whole.
        OutputFormat::Json => {
            write_streamed(args.output.as_deref(), &output, |out| report::json::render_to(&output, findings, out))?;
            String::new()
        }
        OutputFormat::Sarif => {
            write_streamed(args.output.as_deref(), &output, |out| {
                report::sarif::render_to(&output, findings, rules, out)
            })?;
            String::new()
        }
        OutputFormat::Terminal => report::terminal::render(&output, findings, &options),
        OutputFormat::Github => report::github::render(&output, findings),
        OutputFormat::Concise => report::concise::render(&output, findings),
        OutputFormat::Gitlab => report::gitlab::render(&output, findings),
        OutputFormat::Junit => {
            let reported: Vec<&Rule> = rules.iter().filter(|r| filter.reports(&r.id)).collect();
            report::junit::render(&output, findings, &reported)
        }
        OutputFormat::Markdown => report::markdown::render(&output, findings, rules)
            .map_err(|err| Error::Internal(format!("markdown template: {err}")))?,
    };
    crate::timing::mark("render");
    let streamed = matches!(args.format, OutputFormat::Json | OutputFormat::Sarif)
        || matches!(args.format, OutputFormat::Terminal) && to_stdout;
    if !streamed {
        write_or_print(args.output.as_deref(), &text, &output)?;
    }
    crate::timing::mark("write");
    if args.output.is_some() {
        eprintln!("{}", report::terminal::summary(&output, findings));
    }
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or(FailOn::At(Severity::Low));
    let failing = fail_on.threshold().is_some_and(|t| findings.iter().any(|f| f.severity >= t));
    let code = if failing || !output.errors.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS };
    // The process ends next: freeing every file, node and finding one by
    // one would take a tenth of a large scan's time, for nothing.
    std::mem::forget(output);
    Ok(code)
}
