//! `.blastradius.yaml`: found by walking up from the scan root, or named
//! with `--config`. Read through the located tree, so every problem (an
//! unknown key, a bad value, a rule that does not exist) has a line and a
//! column.
//!
//! ```yaml
//! fail_on: medium
//! rules:
//!   disable: [BR305, transport]   # ids, families (BR6), names or categories
//!   enable: []
//! severity:
//!   BR601: low
//! paths:
//!   exclude: ["vendor/**", "examples/**"]
//! rule_dirs: [".blastradius/rules"]
//! ignore:
//!   - path: "testdata/**"
//!     rules: [BR101]
//!     reason: fixtures hold fake tokens
//! ```

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Serialize;

use crate::engine::{FailOn, Rule, Severity};
use crate::source::{self, Node, Span, Syntax};

pub(crate) const FILE_NAMES: &[&str] = &[".blastradius.yaml", ".blastradius.yml"];

/// A problem in the config file, located.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}:{}: {message}", path.display(), self.line_col_text())]
pub(crate) struct ConfigError {
    pub path: PathBuf,
    pub text: String,
    pub span: Span,
    pub message: String,
}

impl ConfigError {
    fn line_col_text(&self) -> String {
        let (line, column) = source::LineIndex::new(&self.text).line_col(&self.text, self.span.start);
        format!("{line}:{column}")
    }
}

#[derive(Debug, Default)]
pub(crate) struct Config {
    pub path: Option<PathBuf>,
    pub fail_on: Option<FailOn>,
    pub disable: Vec<String>,
    pub enable: Vec<String>,
    pub severity: Vec<(String, Severity)>,
    pub exclude: Option<GlobSet>,
    /// The `paths.exclude` patterns as written, to say what was not read.
    pub exclude_patterns: Vec<String>,
    pub rule_dirs: Vec<PathBuf>,
    pub ignores: Vec<Ignore>,
}

#[derive(Debug)]
pub(crate) struct Ignore {
    pub glob: GlobSet,
    /// Empty: every rule.
    pub rules: Vec<String>,
    pub pattern: String,
    pub reason: String,
}

/// What a config file did to a scan, as every output format states it: a
/// repository's own config can turn checks off, and a reader of the report
/// must see that it did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigReport {
    pub path: String,
    /// One sentence per effect: `disables BR305`, `excludes paths vendor/**`.
    pub effects: Vec<String>,
    /// Findings that the config's `ignore` entries dropped.
    pub hidden_findings: usize,
}

/// The nearest config file at or above `start`, no higher than the
/// repository that holds it (the directory with `.git`); outside a
/// repository, only `start`'s own directory. A config in a parent directory
/// belongs to someone else and must not turn this scan's checks off.
pub(crate) fn find(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    let dir = if start.is_dir() { start.as_path() } else { start.parent()? };
    let top = dir.ancestors().find(|d| d.join(".git").exists()).unwrap_or(dir);
    for here in dir.ancestors() {
        for name in FILE_NAMES {
            let candidate = here.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if here == top {
            break;
        }
    }
    None
}

/// Why a `rule_dirs` entry is refused: rules come from inside the
/// repository, never from `/` or through `..`.
fn outside_repository(dir: &str) -> Option<String> {
    let path = Path::new(dir);
    let escapes = path.is_absolute()
        || dir.starts_with(['/', '\\'])
        || dir.get(1..3).is_some_and(|s| s.starts_with(':'))
        || path.components().any(|c| matches!(c, std::path::Component::ParentDir));
    escapes.then(|| format!("rule_dirs entry `{dir}` leaves the repository: name a directory below the config file"))
}

struct Reader<'a> {
    path: &'a Path,
    text: &'a str,
    errors: Vec<ConfigError>,
}

impl Reader<'_> {
    fn error(&mut self, span: Span, message: String) {
        self.errors.push(ConfigError { path: self.path.to_path_buf(), text: self.text.to_string(), span, message });
    }

    fn keys(&mut self, node: &Node, known: &[&str], what: &str) {
        if !node.is_object() && !matches!(node.value, source::Value::Null) {
            self.error(node.span, format!("{what} must be a mapping"));
            return;
        }
        for entry in node.entries() {
            if !known.contains(&entry.key.as_str()) {
                self.error(
                    entry.key_span,
                    format!("unknown key `{}` in {what}; expected one of: {}", entry.key, known.join(", ")),
                );
            }
        }
    }

    fn strings(&mut self, node: &Node, what: &str) -> Vec<(String, Span)> {
        match &node.value {
            source::Value::Array(items) => items
                .iter()
                .filter_map(|i| match i.as_str() {
                    Some(s) => Some((s.to_string(), i.span)),
                    None => {
                        self.error(i.span, format!("{what} must be a list of strings"));
                        None
                    }
                })
                .collect(),
            source::Value::Null => Vec::new(),
            _ => {
                self.error(node.span, format!("{what} must be a list"));
                Vec::new()
            }
        }
    }

    fn rule_ids(&mut self, node: &Node, what: &str, rules: &[Rule]) -> Vec<String> {
        let mut ids = Vec::new();
        for (selector, span) in self.strings(node, what) {
            let selected: Vec<String> =
                rules.iter().filter(|r| r.selected_by(&selector)).map(|r| r.id.clone()).collect();
            if selected.is_empty() {
                self.error(span, format!("no rule `{selector}`; `blastradius rules` lists them"));
            }
            for id in selected {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        ids
    }

    fn globs(&mut self, node: &Node, what: &str) -> Option<GlobSet> {
        let mut builder = GlobSetBuilder::new();
        for (pattern, span) in self.strings(node, what) {
            match Glob::new(&pattern) {
                Ok(glob) => {
                    builder.add(glob);
                }
                Err(err) => self.error(span, format!("bad glob `{pattern}`: {}", err.kind())),
            }
        }
        builder.build().ok()
    }
}

/// Reads the config at `path`, checking rule ids against `rules` (the
/// built-in ones and those of `rule_dirs`, which the caller loads first).
pub(crate) fn read(path: &Path, rules: &[Rule]) -> Result<Config, Vec<ConfigError>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![ConfigError {
            path: path.to_path_buf(),
            text: String::new(),
            span: Span::default(),
            message: format!("cannot read: {e}"),
        }]
    })?;
    let doc = source::parse(&text, Syntax::Yaml).map_err(|e| {
        vec![ConfigError { path: path.to_path_buf(), text: text.clone(), span: e.span, message: e.message }]
    })?;
    let mut r = Reader { path, text: &text, errors: Vec::new() };
    let mut config = Config { path: Some(path.to_path_buf()), ..Config::default() };
    r.keys(&doc, &["fail_on", "rules", "severity", "paths", "rule_dirs", "ignore"], "the config");
    if let Some(node) = doc.get("fail_on") {
        match node.scalar_text() {
            Some(v) if FailOn::parse(&v).is_some() => config.fail_on = FailOn::parse(&v),
            _ => r.error(node.span, "fail_on must be one of: critical, high, medium, low, info, never".into()),
        }
    }
    if let Some(node) = doc.get("rules") {
        r.keys(node, &["disable", "enable"], "`rules`");
        if let Some(list) = node.get("disable") {
            config.disable = r.rule_ids(list, "rules.disable", rules);
        }
        if let Some(list) = node.get("enable") {
            config.enable = r.rule_ids(list, "rules.enable", rules);
        }
    }
    if let Some(node) = doc.get("severity") {
        r.keys(node, &rules.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), "`severity` (rule ids)");
        for entry in node.entries() {
            match entry.value.scalar_text().as_deref().and_then(Severity::parse) {
                Some(severity) => config.severity.push((entry.key.clone(), severity)),
                None => r.error(entry.value.span, "a severity is one of: critical, high, medium, low, info".into()),
            }
        }
    }
    if let Some(node) = doc.get("paths") {
        r.keys(node, &["exclude"], "`paths`");
        if let Some(list) = node.get("exclude") {
            config.exclude = r.globs(list, "paths.exclude");
            config.exclude_patterns = list.items().iter().filter_map(Node::scalar_text).collect();
        }
    }
    let base = path.parent().unwrap_or(Path::new("."));
    if let Some(node) = doc.get("rule_dirs") {
        for (dir, span) in r.strings(node, "rule_dirs") {
            let full = base.join(&dir);
            if let Some(problem) = outside_repository(&dir) {
                r.error(span, problem);
            } else if full.is_dir() {
                config.rule_dirs.push(full);
            } else {
                r.error(span, format!("no directory `{dir}` (relative to the config file)"));
            }
        }
    }
    if let Some(node) = doc.get("ignore") {
        for item in node.items() {
            r.keys(item, &["path", "rules", "reason"], "an `ignore` entry");
            let glob = match item.get("path") {
                Some(p) => {
                    let list = Node::new(source::Value::Array(vec![p.clone()]), p.span);
                    r.globs(&list, "ignore.path")
                }
                None => {
                    r.error(item.span, "an `ignore` entry needs a `path` glob".into());
                    None
                }
            };
            if item.get("reason").and_then(Node::as_str).is_none_or(|s| s.trim().is_empty()) {
                r.error(item.span, "an `ignore` entry needs a `reason`: say why it is accepted".into());
            }
            let ids = item.get("rules").map(|l| r.rule_ids(l, "ignore.rules", rules)).unwrap_or_default();
            if let Some(glob) = glob {
                let pattern = item.get("path").and_then(Node::scalar_text).unwrap_or_default();
                let reason = item.get("reason").and_then(Node::scalar_text).unwrap_or_default();
                config.ignores.push(Ignore { glob, rules: ids, pattern, reason });
            }
        }
    }
    if r.errors.is_empty() {
        Ok(config)
    } else {
        Err(r.errors)
    }
}

/// The rule ids `rule_dirs` would add, for checking the config's references.
pub(crate) fn rule_dirs_of(path: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(path) else { return Vec::new() };
    let Ok(doc) = source::parse(&text, Syntax::Yaml) else { return Vec::new() };
    let base = path.parent().unwrap_or(Path::new("."));
    doc.get("rule_dirs")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .filter(|d| outside_repository(d).is_none())
        .map(|d| base.join(d))
        .collect()
}

impl Config {
    /// The rules to run: minus `disable`, plus `enable`, with severities overridden.
    pub(crate) fn apply_to_rules(&self, rules: Vec<Rule>) -> Vec<Rule> {
        rules
            .into_iter()
            .filter(|r| !self.disable.contains(&r.id) || self.enable.contains(&r.id))
            .map(|mut r| {
                if let Some((_, severity)) = self.severity.iter().find(|(id, _)| *id == r.id) {
                    r.severity = *severity;
                }
                r
            })
            .collect()
    }

    /// What this config does, one sentence per effect; `hidden` findings
    /// were dropped by its `ignore` entries. None when no file was read.
    pub(crate) fn report(&self, hidden: usize) -> Option<ConfigReport> {
        let path = self.path.as_ref()?;
        let shown = |text: &str| crate::redact::shown(text);
        let mut effects = Vec::new();
        if let Some(fail_on) = &self.fail_on {
            effects.push(match fail_on {
                FailOn::At(severity) => format!("fails the run at {} and above", severity.as_str()),
                FailOn::Never => "findings never fail the run".to_string(),
            });
        }
        if !self.disable.is_empty() {
            effects.push(format!("disables {}", self.disable.join(", ")));
        }
        for (id, severity) in &self.severity {
            effects.push(format!("sets {id} to {}", severity.as_str()));
        }
        if !self.exclude_patterns.is_empty() {
            let patterns: Vec<String> = self.exclude_patterns.iter().map(|p| shown(p)).collect();
            effects.push(format!("excludes paths {}", patterns.join(", ")));
        }
        for ignore in &self.ignores {
            let rules = if ignore.rules.is_empty() { "every rule".to_string() } else { ignore.rules.join(", ") };
            effects.push(format!("ignores {rules} in {} ({})", shown(&ignore.pattern), shown(&ignore.reason)));
        }
        for dir in &self.rule_dirs {
            effects.push(format!("adds rules from {}", shown(&dir.display().to_string())));
        }
        Some(ConfigReport { path: shown(&path.display().to_string()), effects, hidden_findings: hidden })
    }

    pub(crate) fn excluded(&self, display: &str) -> bool {
        self.exclude.as_ref().is_some_and(|g| g.is_match(display))
    }

    /// The reason of the first `ignore` entry that covers this finding.
    pub(crate) fn ignore_reason(&self, rule_id: &str, path: &str) -> Option<&str> {
        self.ignores
            .iter()
            .find(|i| i.glob.is_match(path) && (i.rules.is_empty() || i.rules.iter().any(|r| r == rule_id)))
            .map(|i| i.reason.as_str())
    }
}
