//! `scan --user`: the user-level configs of every supported client on this
//! machine, scanned as one graph (one developer's machine is one agent
//! system). Locations for Linux, macOS and Windows, relative to `HOME` (and
//! `APPDATA` on Windows); paths are shown with `~`.

use std::path::{Path, PathBuf};

/// The home directory: `HOME`, else `USERPROFILE` (Windows).
pub(crate) fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE")).map(PathBuf::from)
}

/// Every location, with whether a file is there: (client, shown path, full path, found).
/// A location with `*` in a name (`.claude/skills/*/SKILL.md`) is every
/// file it matches, or itself, not found, when none does.
pub(crate) fn locations(home: &Path) -> Vec<(&'static str, String, PathBuf, bool)> {
    // Each format declares its own user-level locations (formats::registry).
    let mut out = Vec::new();
    for (client, relative) in crate::formats::registry::user_locations() {
        let matches = expand(home, relative);
        if matches.is_empty() {
            out.push((client, format!("~/{relative}"), home.join(relative), false));
        }
        for found in matches {
            out.push((client, format!("~/{found}"), home.join(&found), true));
        }
    }
    out
}

/// The files under `home` that `pattern` names, relative and sorted; each
/// `*` matches within one name. Listing stops at `LIMIT` entries a level.
fn expand(home: &Path, pattern: &str) -> Vec<String> {
    const LIMIT: usize = 1000;
    let mut current = vec![String::new()];
    for part in pattern.split('/') {
        let mut next = Vec::new();
        for prefix in &current {
            let join = |name: &str| if prefix.is_empty() { name.to_string() } else { format!("{prefix}/{name}") };
            if !part.contains('*') {
                next.push(join(part));
                continue;
            }
            let Ok(entries) = std::fs::read_dir(home.join(prefix)) else { continue };
            let mut names: Vec<String> = entries
                .take(LIMIT)
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|name| crate::catalog::commands::wildcard(part, name))
                .collect();
            names.sort();
            next.extend(names.iter().map(|n| join(n)));
        }
        current = next;
    }
    current.retain(|relative| home.join(relative).is_file());
    current
}

#[cfg(test)]
mod tests {
    use super::expand;

    #[test]
    fn a_pattern_names_each_file_it_matches() {
        let home = tempfile::tempdir().unwrap();
        for file in [".claude/skills/b/SKILL.md", ".claude/skills/a/SKILL.md", ".claude/skills/c/README.md"] {
            let path = home.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "---\n---\n").unwrap();
        }
        assert_eq!(
            expand(home.path(), ".claude/skills/*/SKILL.md"),
            [".claude/skills/a/SKILL.md", ".claude/skills/b/SKILL.md"]
        );
        assert_eq!(expand(home.path(), ".claude/agents/*.md"), Vec::<String>::new());
        assert_eq!(expand(home.path(), ".claude/skills/a/SKILL.md"), [".claude/skills/a/SKILL.md"]);
    }
}
