//! Who answers for a component or a threat: the system manifest's `owner`,
//! else the CODEOWNERS entry of the file it is written in, else nobody yet.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};
use serde::Serialize;

use crate::redact::Shown;

/// Where GitHub looks for CODEOWNERS, in its order.
const CODEOWNERS: &[&str] = &[".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Owner {
    /// The owners as written (`@org/team`, a person, an address), joined.
    pub name: Shown,
    pub source: OwnerSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerSource {
    Manifest,
    Codeowners,
}

impl Owner {
    pub fn manifest(name: &str) -> Owner {
        Owner { name: Shown::new(name), source: OwnerSource::Manifest }
    }
}

/// The CODEOWNERS rules of the repository around the scanned directory.
pub(crate) struct Owners {
    /// The directory CODEOWNERS patterns are relative to (the repository's root).
    base: PathBuf,
    /// The directory scanned paths are relative to.
    root: PathBuf,
    rules: Vec<(GlobMatcher, Vec<String>)>,
}

impl Owners {
    /// Reads the first CODEOWNERS of the repository holding `root` (the
    /// nearest directory at or above it with `.git`, else `root`). An
    /// unreadable or oversized file is no owners; a pattern that does not
    /// compile is skipped, as GitHub skips it.
    pub(crate) fn read(root: &Path) -> Owners {
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let base = root.ancestors().find(|dir| dir.join(".git").exists()).unwrap_or(&root).to_path_buf();
        let text = CODEOWNERS.iter().find_map(|name| read_small(&base.join(name))).unwrap_or_default();
        Owners { rules: parse(&text), base, root }
    }

    /// The owners of a scanned file (`display` is relative to the scanned
    /// directory): the last matching line wins, as on GitHub.
    pub(crate) fn of_file(&self, display: &str) -> Option<Owner> {
        let path = self.root.join(display);
        let relative = path.strip_prefix(&self.base).ok()?;
        let relative = relative.to_string_lossy().replace('\\', "/");
        let owners = self.rules.iter().rev().find(|(glob, _)| glob.is_match(&relative))?.1.join(" ");
        // A matching line with no owners unassigns the file.
        (!owners.is_empty()).then(|| Owner { name: Shown::new(&owners), source: OwnerSource::Codeowners })
    }
}

fn read_small(path: &Path) -> Option<String> {
    use std::io::Read;
    let file = std::fs::File::open(path).ok()?;
    let mut text = String::new();
    file.take(crate::discover::MAX_FILE_SIZE).read_to_string(&mut text).ok()?;
    Some(text)
}

/// CODEOWNERS lines as globs: gitignore's rules, as GitHub reads them. A
/// pattern without a slash matches at any depth; a leading slash anchors it
/// at the root; a directory owns everything under it.
fn parse(text: &str) -> Vec<(GlobMatcher, Vec<String>)> {
    let mut rules = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let Some(pattern) = words.next() else { continue };
        let owners: Vec<String> = words.take_while(|w| !w.starts_with('#')).map(str::to_string).collect();
        let anchored = pattern.starts_with('/') || pattern.trim_end_matches('/').contains('/');
        let mut glob = pattern.trim_start_matches('/').to_string();
        if !anchored {
            glob = format!("**/{glob}");
        }
        if glob.ends_with('/') {
            glob.push_str("**");
        } else if !glob.ends_with("/**") {
            // `docs` owns the file `docs` and everything under a directory `docs`.
            glob = format!("{{{glob},{glob}/**}}");
        }
        // `*` stops at a slash, as in gitignore.
        let Ok(compiled) = GlobBuilder::new(&glob).literal_separator(true).build() else { continue };
        rules.push((compiled.compile_matcher(), owners));
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owners(text: &str) -> Owners {
        Owners { base: PathBuf::from("/repo"), root: PathBuf::from("/repo"), rules: parse(text) }
    }

    #[test]
    fn last_matching_line_wins() {
        let o = owners("* @org/all\n/.github/ @org/platform\n*.json @json-team # comment\n.claude/ \n");
        let name = |path: &str| o.of_file(path).map(|owner| owner.name.to_string());
        assert_eq!(name("README.md").as_deref(), Some("@org/all"));
        assert_eq!(name(".github/workflows/claude.yml").as_deref(), Some("@org/platform"));
        assert_eq!(name("web/.mcp.json").as_deref(), Some("@json-team"));
        // A line without owners unassigns what it matches.
        assert_eq!(name(".claude/settings.json"), None);
    }

    #[test]
    fn anchored_and_nested_patterns() {
        let o = owners("/docs @docs\napps/*/agents @agents\nsecrets @sec\n");
        let name = |path: &str| o.of_file(path).map(|owner| owner.name.to_string());
        assert_eq!(name("docs/a.md").as_deref(), Some("@docs"));
        assert_eq!(name("web/docs/a.md"), None);
        assert_eq!(name("apps/web/agents/crew.yaml").as_deref(), Some("@agents"));
        assert_eq!(name("deep/secrets/.env").as_deref(), Some("@sec"));
    }
}
