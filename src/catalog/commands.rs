//! What a shell command grant allows (`Bash(timeout 30 npm run:*)`), from
//! `rules/catalog/commands.yaml`: wrappers are looked through, interpreters
//! with inline code and runners of any package or script run anything, and
//! every other program grants what its class can do.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

const COMMANDS_JSON: &str = crate::yaml::catalog_json!("commands");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassSpec {
    #[serde(default)]
    runs_anything_when_open: bool,
    #[serde(default)]
    capabilities: Vec<String>,
    #[serde(default)]
    flows: Vec<String>,
    #[allow(dead_code)] // documentation, kept in the catalog for readers
    doc: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProgramSpec {
    class: String,
    #[serde(default)]
    skip: usize,
    #[serde(default)]
    sandbox: bool,
    #[serde(default)]
    inline: Vec<String>,
    #[serde(default)]
    runs: Option<Vec<String>>,
    #[serde(default)]
    writes: Vec<String>,
    #[serde(default)]
    sends: Vec<String>,
    /// Subcommands that make any call of the service's API (`gh api`).
    #[serde(default)]
    calls: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandCatalog {
    shell_tools: Vec<String>,
    secret_files: Vec<String>,
    tool_name_words: ToolNameWords,
    builtin_tools: BTreeMap<String, ClassSpec>,
    classes: BTreeMap<String, ClassSpec>,
    programs: BTreeMap<String, ProgramSpec>,
}

/// Words in tool names: which say the tool writes, executes or sends.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ToolNameWords {
    /// Always a change: `delete_file`, `send_email`.
    changes: Vec<String>,
    /// A change unless a word of `reads` qualifies it: `execute_sql` runs
    /// anything, `execute_sparql` queries.
    acts: Vec<String>,
    reads: Vec<String>,
}

/// What one grant allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandGrant {
    /// The program that runs in the end, past any wrapper (`npm` in `timeout 30 npm run:*`).
    pub program: String,
    /// The program's class in the catalog, or `program` for one the catalog does not know.
    pub class: String,
    /// Set when the grant runs any command at all: the word that opens it
    /// (`timeout`, `python -c`, `npm run`).
    pub opened_by: Option<String>,
    /// Set when the grant makes any call of a service's API with the
    /// user's credentials: the words that do (`gh api`, `aws`).
    pub any_call: Option<String>,
    pub capabilities: Vec<String>,
    pub flows: Vec<String>,
}

impl CommandCatalog {
    /// The embedded catalog, parsed once.
    pub fn get() -> &'static CommandCatalog {
        static CATALOG: OnceLock<CommandCatalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            // The embedded file is ours and tested; failing here is a build defect.
            let catalog: CommandCatalog = crate::yaml::embedded(COMMANDS_JSON, "rules/catalog/commands.yaml");
            assert!(catalog.classes.contains_key("shell"), "commands.yaml: no `shell` class (what any command can do)");
            for (name, program) in &catalog.programs {
                assert!(
                    catalog.classes.contains_key(&program.class),
                    "commands.yaml: {name}: no class {}",
                    program.class
                );
            }
            catalog
        })
    }

    /// Whether a tool's name says it runs shell commands (`execute_command`,
    /// `run_terminal_cmd`): matched case-insensitively, `-` as `_`.
    pub fn is_shell_tool(&self, name: &str) -> bool {
        let name = name.rsplit("__").next().unwrap_or(name).to_ascii_lowercase().replace('-', "_");
        self.shell_tools.contains(&name)
    }

    /// Whether a tool's name says it writes, executes or sends, by its
    /// words (`write_file`, `executeCommand`, `send-email`; `*` is every tool).
    pub fn is_risky_tool_name(&self, name: &str) -> bool {
        if name == "*" {
            return true;
        }
        let words = name_words(name);
        let has = |list: &[String]| words.iter().any(|w| list.contains(w));
        let w = &self.tool_name_words;
        has(&w.changes) || (has(&w.acts) && !has(&w.reads))
    }

    /// Whether a read grant's path pattern (`.env`, `./.env.*`, `~/.ssh/**`)
    /// names a file that holds secrets. Patterns that name everything
    /// (`*`, `**`) are broad reads, judged elsewhere.
    pub fn names_secret_files(&self, pattern: &str) -> bool {
        let mut p = pattern.trim();
        for prefix in ["./", "~/", "$HOME/", "/", "**/", "*/"] {
            while let Some(rest) = p.strip_prefix(prefix) {
                p = rest;
            }
        }
        if p.chars().all(|c| matches!(c, '*' | '/')) {
            return false;
        }
        self.secret_files.iter().any(|file| {
            let name = file.rsplit('/').next().unwrap_or(file);
            wildcard(p, file) || wildcard(p, name) || p.trim_end_matches(['*', '/']).ends_with(file.as_str())
        })
    }

    /// Classifies the specifier of a shell grant: the text inside
    /// `Bash(…)`. A trailing `:*`, ` *` or `*` leaves the arguments open.
    pub fn classify(&self, specifier: &str) -> CommandGrant {
        let spec = specifier.trim();
        let open = spec.ends_with('*');
        let core = spec.trim_end_matches('*').trim_end_matches(':').trim();
        let words: Vec<String> = core
            .split_whitespace()
            .map(|w| w.trim_matches(|c| c == '"' || c == '\'').to_string())
            .filter(|w| !w.is_empty())
            .collect();
        self.walk(&words, open, None)
    }

    fn walk(&self, words: &[String], open: bool, wrapper: Option<&str>) -> CommandGrant {
        // `VAR=value cmd`: assignments come before the command.
        let words: Vec<&str> = words.iter().map(String::as_str).skip_while(|w| is_assignment(w)).collect();
        let Some((first, args)) = words.split_first() else {
            return match wrapper {
                Some(wrapper) if open => self.anything(wrapper, wrapper, "wrapper"),
                Some(wrapper) => self.known(wrapper, "wrapper"),
                None if open => self.anything("*", "*", "shell"),
                None => self.known("", "unknown"),
            };
        };
        let program = first.rsplit(['/', '\\']).next().unwrap_or(first).trim_end_matches(".exe");
        let Some(spec) = self.programs.get(program) else {
            return self.known(program, "unknown");
        };
        let class = spec.class.as_str();
        let positional: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
        let opens = |by: String| self.anything(program, &by, class);
        match class {
            "wrapper" => {
                // Its own flags and `skip` arguments, then the command it runs.
                let mut rest = args;
                let mut skipped = 0;
                while let Some((w, tail)) = rest.split_first() {
                    if w.starts_with('-') || skipped < spec.skip {
                        skipped += usize::from(!w.starts_with('-'));
                        rest = tail;
                        continue;
                    }
                    break;
                }
                let rest: Vec<String> = rest.iter().map(|w| w.to_string()).collect();
                let inner = self.walk(&rest, open, Some(program));
                match inner.opened_by {
                    Some(by) if rest.is_empty() => CommandGrant { opened_by: Some(by), ..inner },
                    _ => inner,
                }
            }
            "shell" if open => opens(program.to_string()),
            "interpreter" => {
                let inline = args.iter().find(|a| spec.inline.iter().any(|f| f == *a));
                // Inline code with the code left open, or the interpreter with
                // open arguments; `python -c "print(1)"` as written runs that only.
                match (inline, open) {
                    (Some(flag), true) => opens(format!("{program} {flag}")),
                    (None, true) if positional.is_empty() => opens(program.to_string()),
                    _ => self.known(program, class),
                }
            }
            "runner" | "remote" | "cloud" => {
                let first_arg = positional.first().copied();
                let opened = match (&spec.runs, first_arg) {
                    // A runner of packages (npx): open when the package is not fixed.
                    (None, None) if class == "runner" => open,
                    (None, _) if class == "remote" => {
                        // `ssh host` then the command: open when no command is fixed.
                        open && positional.len() <= spec.skip
                    }
                    (None, _) => false,
                    (Some(_), None) => open,
                    // A subcommand that runs code, with what it runs left open.
                    (Some(runs), Some(sub)) => runs.iter().any(|r| r == sub) && open && positional.len() == 1,
                };
                if opened {
                    return opens(first_arg.map_or(program.to_string(), |s| format!("{program} {s}")));
                }
                let mut grant = self.known(program, class);
                if class == "cloud" && open && positional.is_empty() {
                    grant.any_call = Some(program.to_string());
                }
                grant
            }
            // `find` with open arguments can be given `-exec`.
            "read" if open && !spec.inline.is_empty() => {
                match args.iter().find(|a| spec.inline.iter().any(|f| f == *a)) {
                    Some(flag) => opens(format!("{program} {flag}")),
                    None => opens(program.to_string()),
                }
            }
            "codehost" | "vcs" => {
                // A subcommand or flag that runs programs (`git config`,
                // `git clone -u`, `git -c core.sshCommand=…`), left open.
                let runs = spec.runs.as_deref().unwrap_or_default();
                let sub_runs = positional.first().is_some_and(|s| runs.iter().any(|r| r == s));
                let flag_runs = args.iter().any(|a| a.starts_with('-') && runs.iter().any(|r| r == a));
                if open && (sub_runs || flag_runs) {
                    let flag = args.iter().find(|a| a.starts_with('-') && runs.iter().any(|r| r == *a));
                    let by = if sub_runs { positional.first() } else { flag };
                    return opens(format!("{program} {}", by.copied().unwrap_or_default()));
                }
                let mut grant = self.known(program, class);
                let sub = positional.join(" ");
                let whole = positional.is_empty() && class == "codehost";
                if open && (whole || spec.calls.contains(&sub)) {
                    grant.any_call =
                        Some(if sub.is_empty() { program.to_string() } else { format!("{program} {sub}") });
                }
                let matches = |list: &[String]| {
                    (open && positional.is_empty())
                        || list.iter().any(|w| sub == *w || sub.starts_with(&format!("{w} ")))
                };
                if matches(&spec.writes) {
                    add(&mut grant.capabilities, if class == "codehost" { "repo.write" } else { "fs.write" });
                }
                if matches(&spec.sends) {
                    add(&mut grant.capabilities, "net.send");
                    add(&mut grant.capabilities, "repo.write");
                    add(&mut grant.flows, "exfiltration");
                }
                grant
            }
            // A fixed request (`curl -s http://localhost:3000/health`) sends
            // nothing of the agent's choosing; open arguments send anything.
            "network" if !open => {
                let mut grant = self.known(program, class);
                grant.capabilities.retain(|c| c != "net.send");
                grant.flows.retain(|f| f != "exfiltration");
                grant
            }
            _ => self.known(program, class),
        }
    }

    /// A program run as written: its class's capabilities.
    fn known(&self, program: &str, class: &str) -> CommandGrant {
        let (capabilities, flows) = match self.classes.get(class) {
            Some(spec) if !spec.runs_anything_when_open || class == "shell" || class == "remote" => {
                (spec.capabilities.clone(), spec.flows.clone())
            }
            _ => (vec!["shell.exec".to_string()], Vec::new()),
        };
        CommandGrant {
            program: program.to_string(),
            class: class.to_string(),
            opened_by: None,
            any_call: None,
            capabilities,
            flows,
        }
    }
}

impl CommandCatalog {
    /// The command a shell line runs in the end: past `VAR=value`
    /// assignments and wrappers (`sudo`, `timeout 30`, `srt`) with their own
    /// flags and arguments.
    pub fn past_wrappers<'a, 'w>(&self, mut words: &'a [&'w str]) -> &'a [&'w str] {
        loop {
            while let Some((_, rest)) = words.split_first().filter(|(w, _)| is_assignment(w)) {
                words = rest;
            }
            let Some((first, args)) = words.split_first() else { return words };
            let program = first.rsplit(['/', '\\']).next().unwrap_or(first);
            let Some(spec) = self.programs.get(program).filter(|s| s.class == "wrapper") else {
                return words;
            };
            let mut rest = args;
            let mut skipped = 0;
            while let Some((w, tail)) = rest.split_first() {
                if !w.starts_with('-') && skipped >= spec.skip {
                    break;
                }
                skipped += usize::from(!w.starts_with('-'));
                rest = tail;
            }
            words = rest;
        }
    }
}

impl CommandCatalog {
    /// The first wrapper among `words` that confines what it runs (`srt`,
    /// `firejail`): an OS sandbox around the command.
    pub fn sandbox_among<'w>(&self, words: &[&'w str]) -> Option<&'w str> {
        words.iter().copied().find(|w| {
            let program = w.rsplit(['/', '\\']).next().unwrap_or(w);
            self.programs.get(program).is_some_and(|s| s.sandbox)
        })
    }
}

/// The simple commands of a shell script, each as its words: split at line
/// ends (a trailing `\\` continues the line), `;`, `&`, `|`, parentheses and
/// backticks outside quotes, with a leading keyword (`then`, `do`, `if`, `!`)
/// dropped. Quotes stay on the words; no expansion is done.
pub(crate) fn shell_commands(script: &str) -> Vec<Vec<&str>> {
    let mut commands = Vec::new();
    let mut quote = None;
    let mut start = 0;
    let bytes = script.as_bytes();
    let mut push = |from: usize, to: usize| {
        let words: Vec<&str> = script[from..to]
            .split_whitespace()
            .filter(|w| *w != "\\")
            .skip_while(|w| matches!(*w, "then" | "else" | "elif" | "do" | "if" | "while" | "until" | "!" | "{"))
            .collect();
        if !words.is_empty() {
            commands.push(words);
        }
    };
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"') => quote = Some(b),
            (None, b'\n') if i > 0 && bytes[i - 1] == b'\\' => {}
            (None, b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'`') => {
                push(start, i);
                start = i + 1;
            }
            _ => {}
        }
        // A line ends a quote left open: an apostrophe in prose, a heredoc's text.
        if b == b'\n' && quote.is_some() {
            quote = None;
            push(start, i);
            start = i + 1;
        }
    }
    push(start, script.len());
    commands
}

impl CommandCatalog {
    /// What a host's built-in tool allows (capabilities, flows), by its
    /// canonical name; a `shell` is the whole shell class.
    pub fn builtin_tool(&self, canonical: &str) -> (&[String], &[String]) {
        let spec = match canonical {
            "shell" => self.classes.get("shell"),
            other => self.builtin_tools.get(other),
        };
        spec.map_or((&[], &[]), |s| (&s.capabilities, &s.flows))
    }

    /// A grant that runs anything: what the catalog's whole `shell` can do.
    fn anything(&self, program: &str, by: &str, class: &str) -> CommandGrant {
        let shell = self.classes.get("shell");
        CommandGrant {
            program: program.to_string(),
            class: class.to_string(),
            opened_by: Some(by.to_string()),
            any_call: None,
            capabilities: shell.map(|s| s.capabilities.clone()).unwrap_or_default(),
            flows: shell.map(|s| s.flows.clone()).unwrap_or_default(),
        }
    }
}

/// A permission pattern's match, as opencode and Claude Code read them:
/// `*` any run of characters (`/` included), `?` one character.
pub(crate) fn wildcard(pattern: &str, subject: &str) -> bool {
    let (p, s): (Vec<char>, Vec<char>) = (pattern.chars().collect(), subject.chars().collect());
    let (mut pi, mut si, mut star, mut mark) = (0, 0, None, 0);
    while si < s.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = si;
            pi += 1;
        } else if let Some(at) = star {
            pi = at + 1;
            mark += 1;
            si = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

fn add(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|i| i == item) {
        list.push(item.to_string());
    }
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !name.starts_with('-')
    })
}

/// The lower-case words of a tool name: split at `_ - . / space` and at
/// lower-to-upper case changes (`executeCommand` → execute, command).
fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if matches!(c, '_' | '-' | '.' | ' ' | '/') {
            words.push(std::mem::take(&mut current));
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_lowercase();
        current.push(c.to_ascii_lowercase());
    }
    words.push(current);
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_file_patterns() {
        let catalog = CommandCatalog::get();
        for yes in [".env", ".env*", ".env.*", "./.env", "**/.env.local", "~/.ssh/**", "~/.aws/credentials", ".env-*"] {
            assert!(catalog.names_secret_files(yes), "{yes}");
        }
        for no in ["*", "**", "./**", "src/**", "README.md", ".env.example", "docs/*.md"] {
            assert!(!catalog.names_secret_files(no), "{no}");
        }
    }

    #[test]
    fn any_api_call() {
        let call = |spec: &str| CommandCatalog::get().classify(spec).any_call;
        assert_eq!(call("gh api *").as_deref(), Some("gh api"));
        assert_eq!(call("gh:*").as_deref(), Some("gh"));
        assert_eq!(call("aws:*").as_deref(), Some("aws"));
        assert_eq!(call("gh pr view:*"), None);
        assert_eq!(call("gh api repos/o/r/pulls"), None);
        assert_eq!(call("aws s3 ls:*"), None);
    }

    fn opened(spec: &str) -> Option<String> {
        CommandCatalog::get().classify(spec).opened_by
    }

    #[test]
    fn wrappers_interpreters_and_runners_run_anything() {
        for (spec, by) in [
            ("timeout:*", "timeout"),
            ("timeout 30 npm run:*", "npm run"),
            ("env FOO=1 bash -c:*", "bash"),
            ("VAR=x python3 -c:*", "python3 -c"),
            ("xargs:*", "xargs"),
            ("sudo:*", "sudo"),
            ("nohup:*", "nohup"),
            ("bash -c:*", "bash"),
            ("python -c \":*", "python -c"),
            ("node -e:*", "node -e"),
            ("python3:*", "python3"),
            ("npx:*", "npx"),
            ("npm:*", "npm"),
            ("npm run:*", "npm run"),
            ("pnpm dlx:*", "pnpm dlx"),
            ("uv run:*", "uv run"),
            ("pip install:*", "pip install"),
            ("make:*", "make"),
            ("docker run:*", "docker run"),
            ("docker exec:*", "docker exec"),
            ("kubectl exec:*", "kubectl exec"),
            ("ssh prod:*", "ssh prod"),
            ("find . -exec:*", "find -exec"),
            ("find:*", "find"),
            ("eval:*", "eval"),
            ("osascript -e:*", "osascript -e"),
            ("aerospace *", "aerospace"),
            ("aws-vault exec:*", "aws-vault exec"),
            ("git config *", "git config"),
            ("git clone:*", "git clone"),
            ("git -c core.pager=x:*", "git -c"),
            ("claude:*", "claude"),
            ("sed:*", "sed"),
            ("./gradlew:*", "gradlew"),
        ] {
            assert_eq!(opened(spec).as_deref(), Some(by), "{spec}");
        }
    }

    #[test]
    fn narrow_grants_stay_narrow() {
        for spec in [
            "npm test:*",
            "npm run test:*",
            "npm run build",
            "git status",
            "ls:*",
            "cat:*",
            "dotnet build",
            "npx tsc*",
            "python -m pytest:*",
            "timeout 30 npm test:*",
            "xargs git branch -D",
            "gh pr view:*",
            "curl:*",
            "rm:*",
            "python -c \"print(1)\"",
            "find . -name x -exec rm {} ;",
            "git:*",
            "git log:*",
            "aerospace list-windows",
            "git config user.name",
        ] {
            assert_eq!(opened(spec), None, "{spec}");
        }
    }

    #[test]
    fn network_commands_send_only_with_open_arguments() {
        let catalog = CommandCatalog::get();
        let fixed = catalog.classify("curl -s http://localhost:3000/health");
        assert!(!fixed.flows.contains(&"exfiltration".to_string()), "{fixed:?}");
        let open = catalog.classify("curl:*");
        assert!(open.flows.contains(&"exfiltration".to_string()), "{open:?}");
    }

    #[test]
    fn shell_tools_by_name() {
        let catalog = CommandCatalog::get();
        for name in
            ["Bash", "execute_command", "run_terminal_cmd", "mcp__desktop__execute-command", "run_shell_command"]
        {
            assert!(catalog.is_shell_tool(name), "{name}");
        }
        for name in ["get_issue", "bash_history_search", "execute_sparql"] {
            assert!(!catalog.is_shell_tool(name), "{name}");
        }
    }

    #[test]
    fn classes_say_what_a_program_can_do() {
        let catalog = CommandCatalog::get();
        let curl = catalog.classify("curl:*");
        assert_eq!(curl.class, "network");
        assert!(
            curl.flows.contains(&"untrusted_input".to_string()) && curl.flows.contains(&"exfiltration".to_string())
        );
        assert!(catalog.classify("psql:*").capabilities.contains(&"db.write".to_string()));
        assert!(catalog.classify("aws s3 ls:*").capabilities.contains(&"cloud.admin".to_string()));
        assert!(catalog.classify("rm -rf:*").capabilities.contains(&"fs.write".to_string()));
        let push = catalog.classify("git push:*");
        assert!(
            push.flows.contains(&"exfiltration".to_string()) && push.capabilities.contains(&"repo.write".to_string())
        );
        let status = catalog.classify("git status");
        assert!(!status.flows.contains(&"exfiltration".to_string()));
        let view = catalog.classify("gh pr view:*");
        assert!(
            view.flows.contains(&"untrusted_input".to_string())
                && !view.capabilities.contains(&"repo.write".to_string())
        );
        assert!(catalog.classify("gh pr create:*").capabilities.contains(&"repo.write".to_string()));
        assert_eq!(catalog.classify("mytool --flag").capabilities, ["shell.exec"]);
        assert!(catalog.classify("cat:*").flows.contains(&"private_data".to_string()));
    }

    #[test]
    fn every_class_and_builtin_tool_speaks_the_vocabulary() {
        let catalog = CommandCatalog::get();
        let vocabulary = crate::graph::vocab::Vocabulary::get();
        for (name, spec) in catalog.classes.iter().chain(&catalog.builtin_tools) {
            for capability in &spec.capabilities {
                assert!(vocabulary.capabilities.contains(capability), "{name}: capability {capability}");
            }
            for flow in &spec.flows {
                assert!(vocabulary.flows.contains(flow), "{name}: flow {flow}");
            }
        }
        // A whole shell runs any code, and an open grant is a whole shell.
        assert_eq!(catalog.builtin_tool("shell").0, catalog.classify("npm:*").capabilities);
        assert!(catalog.builtin_tool("shell").0.contains(&"code.exec".to_string()));
        assert_eq!(catalog.builtin_tool("edit"), (&["fs.write".to_string()][..], &[][..]));
    }
}
