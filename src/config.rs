//! `.blastradius.yaml`: found by walking up from the scan root, or named
//! with `--config`. Read through the located tree, so every problem (an
//! unknown key, a bad value, a rule that does not exist) has a line and a
//! column.
//!
//! ```yaml
//! fail_on: medium
//! rules:
//!   disable: [BR305]
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

use crate::engine::{Rule, Severity};
use crate::source::{self, Node, Span, Syntax};

pub const FILE_NAMES: &[&str] = &[".blastradius.yaml", ".blastradius.yml"];

/// A problem in the config file, located.
#[derive(Debug, Clone)]
pub struct ConfigError {
    pub path: PathBuf,
    pub text: String,
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub fail_on: Option<String>,
    pub disable: Vec<String>,
    pub enable: Vec<String>,
    pub severity: Vec<(String, Severity)>,
    pub exclude: Option<GlobSet>,
    pub rule_dirs: Vec<PathBuf>,
    pub ignores: Vec<Ignore>,
}

#[derive(Debug)]
pub struct Ignore {
    pub glob: GlobSet,
    /// Empty: every rule.
    pub rules: Vec<String>,
}

/// The nearest config file at or above `start`.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if start.is_dir() { Some(start.as_path()) } else { start.parent() };
    while let Some(here) = dir {
        for name in FILE_NAMES {
            let candidate = here.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        dir = here.parent();
    }
    None
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
        for (id, span) in self.strings(node, what) {
            if rules.iter().any(|r| r.id == id || r.name == id) {
                ids.push(rules.iter().find(|r| r.id == id || r.name == id).map(|r| r.id.clone()).unwrap_or(id));
            } else {
                self.error(span, format!("no rule `{id}`; `blastradius rules` lists them"));
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
pub fn read(path: &Path, rules: &[Rule]) -> Result<Config, Vec<ConfigError>> {
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
            Some(v) if Severity::parse(&v).is_some() || v == "never" => config.fail_on = Some(v),
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
        }
    }
    let base = path.parent().unwrap_or(Path::new("."));
    if let Some(node) = doc.get("rule_dirs") {
        for (dir, span) in r.strings(node, "rule_dirs") {
            let full = base.join(&dir);
            if full.is_dir() {
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
                config.ignores.push(Ignore { glob, rules: ids });
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
pub fn rule_dirs_of(path: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(path) else { return Vec::new() };
    let Ok(doc) = source::parse(&text, Syntax::Yaml) else { return Vec::new() };
    let base = path.parent().unwrap_or(Path::new("."));
    doc.get("rule_dirs")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .map(|d| base.join(d))
        .collect()
}

impl Config {
    /// The rules to run: minus `disable`, plus `enable`, with severities overridden.
    pub fn apply_to_rules(&self, rules: Vec<Rule>) -> Vec<Rule> {
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

    pub fn excluded(&self, display: &str) -> bool {
        self.exclude.as_ref().is_some_and(|g| g.is_match(display))
    }

    pub fn ignored(&self, rule_id: &str, path: &str) -> bool {
        self.ignores
            .iter()
            .any(|i| i.glob.is_match(path) && (i.rules.is_empty() || i.rules.iter().any(|r| r == rule_id)))
    }
}
