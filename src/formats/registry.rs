//! The format registry: every format blastradius reads, declared once.
//!
//! Each adapter file declares the spec of the format(s) it reads (id, client,
//! syntax, the paths it is found at, its user-level locations, the content
//! markers of free-named files, the adapter); the `registry!` list below
//! names each spec once, and that one line makes the `Format` variant and
//! the table entry. Path classification, `scan --user` locations, content
//! markers, the README's format table and the pre-commit hook's `files:`
//! pattern all derive from this table (tests keep the last two current).

use std::sync::OnceLock;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use super::Ctx;
use crate::source::{Node as Doc, Syntax};

/// How an adapter takes the file: its first document, or all of them.
#[derive(Clone, Copy)]
pub enum Adapt {
    First(fn(&mut Ctx<'_>, &Doc)),
    All(fn(&mut Ctx<'_>, &[Doc])),
}

/// What one format is and where it is found.
pub struct FormatSpec {
    /// The name in reports and in the corpus's PROVENANCE.tsv.
    pub id: &'static str,
    /// The agent host the file configures, as named in node keys.
    pub client: &'static str,
    /// How people name the format (the README's table, `scan --user`).
    pub name: &'static str,
    pub syntax: Syntax,
    /// Where it is found: globs over `/`-separated paths, case-insensitive
    /// (`**/` matches any directory, the scan root too).
    pub paths: &'static [&'static str],
    /// Where its user-level file lives, relative to the home directory.
    pub user: &'static [&'static str],
    /// Strings a free-named file of this format always holds: the raw text
    /// is searched for them before any JSON or YAML file is parsed.
    pub markers: &'static [&'static str],
    /// What is read, in a few words, for the README's table.
    pub reads: &'static str,
    pub adapt: Adapt,
}

macro_rules! registry {
    ($($variant:ident => $spec:path),* $(,)?) => {
        /// Every format blastradius reads, in the registry's order (the
        /// order paths are matched in).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Format { $($variant),* }

        /// The specs, in `Format`'s order.
        pub static REGISTRY: &[&FormatSpec] = &[$(&$spec),*];

        impl Format {
            pub const ALL: &[Format] = &[$(Format::$variant),*];
        }
    };
}

// One line per format. No two formats' globs may match one path (a test checks).
registry! {
    ClaudeDesktop => super::mcp_servers::CLAUDE_DESKTOP,
    ClaudeCodeMcp => super::mcp_servers::CLAUDE_CODE_MCP,
    ClaudeCodeSettings => super::claude_settings::SPEC,
    Cursor => super::mcp_servers::CURSOR,
    VsCode => super::vscode::SPEC,
    Windsurf => super::mcp_servers::WINDSURF,
    Cline => super::mcp_servers::CLINE,
    Roo => super::mcp_servers::ROO,
    Kiro => super::mcp_servers::KIRO,
    AmazonQ => super::mcp_servers::AMAZON_Q,
    Gemini => super::gemini::SPEC,
    Codex => super::codex::SPEC,
    Zed => super::zed::SPEC,
    Continue => super::continue_dev::SPEC,
    CrewAi => super::crewai::SPEC,
    Goose => super::goose::SPEC,
    LibreChat => super::mcp_servers::LIBRECHAT,
    GenericMcp => super::mcp_servers::GENERIC,
    Dotenv => super::dotenv::SPEC,
    ClaudeSubagent => super::claude_agents::SPEC,
    A2aCard => super::a2a::SPEC,
    McpRegistry => super::mcp_registry::SPEC,
    LangGraph => super::langgraph::SPEC,
    Kagent => super::kagent::SPEC,
    Adk => super::adk::SPEC,
    AutoGen => super::autogen::SPEC,
    N8n => super::n8n::SPEC,
    Dify => super::dify::SPEC,
    ToolDefinitions => super::tool_defs::SPEC,
    Manifest => super::manifest::SPEC,
    ClaudeCodeUser => super::claude_user::SPEC,
    KiloCode => super::mcp_servers::KILO_CODE,
    Crush => super::crush::SPEC,
    Amp => super::amp::SPEC,
    ClaudeSkill => super::claude_skills::SKILL,
    ClaudeCommand => super::claude_skills::COMMAND,
    CopilotAgent => super::copilot_agents::SPEC,
    Opencode => super::opencode::SPEC,
    ClaudePlugin => super::claude_plugins::PLUGIN,
    ClaudePluginHooks => super::claude_plugins::HOOKS,
    GithubWorkflow => super::github_workflows::SPEC,
    GithubAction => super::github_workflows::COMPOSITE,
    CursorCli => super::cursor_cli::SPEC,
    RooModes => super::roo_modes::SPEC,
    GeminiExtension => super::gemini::EXTENSION,
    GeminiCommand => super::gemini::COMMAND,
    OpencodeAgent => super::opencode::AGENT,
    CopilotMcp => super::mcp_servers::COPILOT,
    Kilo => super::opencode::KILO,
}

impl Format {
    pub fn spec(self) -> &'static FormatSpec {
        REGISTRY[self as usize]
    }

    pub fn id(self) -> &'static str {
        self.spec().id
    }

    pub fn client(self) -> &'static str {
        self.spec().client
    }

    pub fn syntax(self) -> Syntax {
        self.spec().syntax
    }
}

/// The format with this id (`gemini`, `claude-code-settings`).
pub fn by_id(id: &str) -> Option<&'static FormatSpec> {
    REGISTRY.iter().copied().find(|spec| spec.id == id)
}

/// Compiles the path globs now (see `catalog::warm_up`).
pub(crate) fn warm_up() {
    globs();
}

/// Every path glob, compiled once, with the format each belongs to.
fn globs() -> &'static (GlobSet, Vec<Format>) {
    static GLOBS: OnceLock<(GlobSet, Vec<Format>)> = OnceLock::new();
    GLOBS.get_or_init(|| {
        let mut builder = GlobSetBuilder::new();
        let mut owners = Vec::new();
        for &format in Format::ALL {
            for pattern in format.spec().paths {
                // Our own literal patterns, checked by a test: a bad one is a build defect.
                let glob = GlobBuilder::new(pattern)
                    .case_insensitive(true)
                    .literal_separator(true)
                    .build()
                    .unwrap_or_else(|e| panic!("format {}: glob {pattern}: {e}", format.id()));
                builder.add(glob);
                owners.push(format);
            }
        }
        let set = builder.build().unwrap_or_else(|e| panic!("format globs: {e}"));
        (set, owners)
    })
}

/// The format a path names, by the first spec whose globs match it.
pub fn format_of_path(path: &str) -> Option<Format> {
    let (set, owners) = globs();
    set.matches(path).into_iter().filter_map(|i| owners.get(i).copied()).min()
}

/// Does the raw text hold a marker of a free-named format of this syntax?
pub fn has_marker(text: &str, syntax: Syntax) -> bool {
    let syntax = if syntax == Syntax::Json { Syntax::Json } else { Syntax::Yaml };
    REGISTRY.iter().filter(|s| s.syntax == syntax).flat_map(|s| s.markers).any(|m| text.contains(m))
}

/// Every user-level location: (format name, path relative to home).
pub fn user_locations() -> Vec<(&'static str, &'static str)> {
    REGISTRY.iter().flat_map(|s| s.user.iter().map(move |u| (s.name, *u))).collect()
}

/// The README's format table.
pub fn format_table_markdown() -> String {
    let mut text = String::from("| Format | Id | Found at | What is read |\n|---|---|---|---|\n");
    for spec in REGISTRY {
        let found = found_at(spec, "`");
        text.push_str(&format!("| {} | `{}` | {} | {} |\n", spec.name, spec.id, found, spec.reads));
    }
    text
}

/// `blastradius formats`: one line per format.
pub fn format_table_text() -> String {
    let mut text = String::new();
    for spec in REGISTRY {
        text.push_str(&format!("{:<22} {:<24} {}\n", spec.id, spec.name, found_at(spec, "")));
    }
    text
}

/// Where a format is found, each path between `quote`s.
fn found_at(spec: &FormatSpec, quote: &str) -> String {
    if spec.paths.is_empty() {
        return format!("any {} file, by content", syntax_name(spec.syntax));
    }
    spec.paths.iter().map(|p| format!("{quote}{}{quote}", p.trim_start_matches("**/"))).collect::<Vec<_>>().join(", ")
}

fn syntax_name(syntax: Syntax) -> &'static str {
    match syntax {
        Syntax::Json => "JSON",
        Syntax::Yaml => "YAML",
        Syntax::Toml => "TOML",
        Syntax::Dotenv => "dotenv",
        Syntax::FrontMatter => "Markdown",
    }
}

/// The pre-commit hook's `files:` pattern: every JSON and YAML file (free-named
/// formats are found by content), and the other paths of the registry.
pub fn hook_files_pattern() -> String {
    // Generic names read by content, then each registry path not already covered.
    let mut alternatives: Vec<String> = vec![r"[^/]*\.jsonc?".into(), r"[^/]*\.ya?ml".into(), r"config\.toml".into()];
    let pattern = |alternatives: &[String]| format!("(^|/)({})$", alternatives.join("|"));
    for spec in REGISTRY {
        for glob in spec.paths {
            // Our own patterns: the alternatives so far always compile.
            let covered = regex::Regex::new(&pattern(&alternatives)).is_ok_and(|r| r.is_match(&example_path(glob)));
            if !covered {
                alternatives.push(glob_to_regex(glob.trim_start_matches("**/")));
            }
        }
    }
    pattern(&alternatives)
}

/// A path a registry glob matches: `**/` a directory, `*` a name, `{a,b}`
/// its first choice.
pub fn example_path(glob: &str) -> String {
    let mut out = String::new();
    let expanded = glob.replace("**/", "some/dir/");
    let mut chars = expanded.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' => out.push('x'),
            '{' => {
                let mut first = true;
                for c in chars.by_ref() {
                    match c {
                        '}' => break,
                        ',' => first = false,
                        c if first => out.push(c),
                        _ => {}
                    }
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// A glob of the registry (`*`, `**/`, `{a,b}`, literal text) as a regex.
fn glob_to_regex(glob: &str) -> String {
    let mut out = String::new();
    let mut chars = glob.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // `**/` inside a path: any number of directories, none included.
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                if chars.peek() == Some(&'/') {
                    chars.next();
                    out.push_str("(.*/)?");
                } else {
                    out.push_str(".*");
                }
            }
            '*' => out.push_str("[^/]*"),
            '{' => out.push('('),
            '}' => out.push(')'),
            ',' => out.push('|'),
            '.' | '+' | '(' | ')' | '[' | ']' | '^' | '$' | '|' | '?' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}
