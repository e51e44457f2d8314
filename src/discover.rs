//! Discover stage: walk the given paths and pick the files we read, by name.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::formats::{classify_path, Candidate};

/// Files larger than this are reported and skipped: no agent config is.
pub(crate) const MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;

/// Directories never worth walking into.
const SKIP_DIRS: &[&str] =
    &[".git", "node_modules", "target", ".venv", "venv", "vendor", "__pycache__", ".tox", ".hg", ".svn"];

#[derive(Debug, Clone, PartialEq)]
pub struct FileEntry {
    pub path: PathBuf,
    /// The path shown to users.
    pub display: String,
    /// None for a file named on the command line that no name rule knows:
    /// we still read it and sniff its content.
    pub candidate: Option<Candidate>,
    /// The contents, when they come from a git revision rather than the disk.
    pub contents: Option<std::sync::Arc<[u8]>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub display: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<FileEntry>,
    pub skipped: Vec<Skipped>,
    /// The directory displayed paths are relative to: the one directory
    /// scanned, or the current directory.
    pub root: PathBuf,
}

/// Walks `paths` (files or directories). Symlinks are never followed, so a
/// walk cannot leave the scan root; files named directly are always taken.
pub(crate) fn discover(paths: &[PathBuf]) -> Discovered {
    let mut found = Discovered::default();
    let single_root = match paths {
        [one] if one.is_dir() => Some(one.as_path()),
        _ => None,
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    found.root = match single_root {
        Some(root) => std::fs::canonicalize(root).unwrap_or_else(|_| cwd.join(root)),
        None => cwd,
    };
    for root in paths {
        if !root.is_dir() {
            let display = root.to_string_lossy().replace('\\', "/");
            if !root.exists() {
                found.skipped.push(Skipped { display, reason: "no such file or directory".into() });
                continue;
            }
            if let Some(reason) = not_readable(root) {
                found.skipped.push(Skipped { display, reason });
                continue;
            }
            let candidate = classify_path(&display);
            found.files.push(FileEntry { path: root.clone(), display, candidate, contents: None });
            continue;
        }
        let (entries, errors) = walk(root);
        for err in errors {
            let display = err.path().map(|p| display_path(p, single_root)).unwrap_or_default();
            found.skipped.push(Skipped { display, reason: format!("cannot read: {err}") });
        }
        // Files are chosen by the path as walked, which starts with the
        // root as named: `scan .github` shows `workflows/ci.yml` but must
        // still know it for a workflow (`.github/workflows/ci.yml`).
        let walked: Vec<String> = entries.par_iter().map(|path| display_path(path, None)).collect();
        let roots = PluginRoots::of(walked.iter().map(String::as_str));
        let chosen: Vec<_> = entries
            .into_par_iter()
            .zip(walked)
            .filter_map(|(path, walked)| {
                let candidate = roots.choose(&walked)?;
                let display = display_path(&path, single_root);
                // A large JSON or YAML file of unknown kind (a lock file, a
                // data set) is not a config; only a known config name is news.
                match too_large(&path) {
                    Some(_) if matches!(candidate, Candidate::Content(_)) => None,
                    Some(reason) => Some(Err(Skipped { display, reason })),
                    None => Some(Ok(FileEntry { path, display, candidate: Some(candidate), contents: None })),
                }
            })
            .collect();
        for entry in chosen {
            match entry {
                Ok(file) => found.files.push(file),
                Err(skipped) => found.skipped.push(skipped),
            }
        }
    }
    found
}

/// A Claude Code plugin's sub-agent or command: `agents/*.md` or
/// `commands/*.md` beside the plugin's `.claude-plugin/plugin.json`. Those
/// folder names alone are too common to read everywhere.
/// `roots` are sorted shortest first: the nearest root is tried first.
fn plugin_component(roots: &[String], path: &str) -> Option<Candidate> {
    use crate::formats::registry::Format;
    let rest = roots.iter().rev().find_map(|root| path.strip_prefix(root.as_str()))?;
    let (folder, file) = rest.split_once('/')?;
    if file.contains('/') || !file.ends_with(".md") {
        return None;
    }
    match folder {
        "agents" => Some(Candidate::Known(Format::ClaudeSubagent)),
        "commands" => Some(Candidate::Known(Format::ClaudeCommand)),
        _ => None,
    }
}

/// Files chosen by the caller, each with the path to show (`~/.cursor/mcp.json`).
pub(crate) fn explicit(files: &[(PathBuf, String)]) -> Discovered {
    let mut found = Discovered { root: std::env::current_dir().unwrap_or_default(), ..Discovered::default() };
    for (path, display) in files {
        if let Some(reason) = not_readable(path) {
            found.skipped.push(Skipped { display: display.clone(), reason });
            continue;
        }
        found.files.push(FileEntry {
            path: path.clone(),
            display: display.clone(),
            candidate: classify_path(display),
            contents: None,
        });
    }
    found
}

/// The files of `root`'s tree at git revision `rev`, chosen by the same name
/// rules as a walk of the disk, with their contents read through git.
pub(crate) fn at_revision(root: &Path, rev: &str) -> Result<Discovered, crate::git::GitError> {
    let mut found = Discovered {
        root: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
        ..Discovered::default()
    };
    let tree = crate::git::tree(root, rev)?;
    let roots = PluginRoots::of(tree.iter().map(|f| f.path.as_str()));
    let mut chosen = Vec::new();
    for file in &tree {
        let display = file.path.as_str();
        if display.split('/').rev().skip(1).any(|dir| SKIP_DIRS.contains(&dir)) {
            continue;
        }
        let Some(candidate) = roots.choose(display) else { continue };
        if let Some(reason) = over_limit(file.size) {
            if !matches!(candidate, Candidate::Content(_)) {
                found.skipped.push(Skipped { display: display.to_string(), reason });
            }
            continue;
        }
        chosen.push((file, candidate));
    }
    let files: Vec<&crate::git::TreeFile> = chosen.iter().map(|(f, _)| *f).collect();
    let contents = crate::git::contents(root, &files)?;
    for ((file, candidate), bytes) in chosen.into_iter().zip(contents) {
        found.files.push(FileEntry {
            path: found.root.join(&file.path),
            display: file.path.clone(),
            candidate: Some(candidate),
            contents: Some(bytes.into()),
        });
    }
    Ok(found)
}

/// Why a file named directly is not read: not a regular file (a FIFO would
/// block, a link to `/dev/zero` never ends), or over the size limit.
fn not_readable(path: &Path) -> Option<String> {
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => Some("not a regular file (a FIFO, a device or a directory): not read".into()),
        Ok(_) => too_large(path),
        Err(err) => Some(format!("cannot read: {err}")),
    }
}

fn too_large(path: &Path) -> Option<String> {
    over_limit(path.metadata().ok()?.len())
}

fn over_limit(size: u64) -> Option<String> {
    (size > MAX_FILE_SIZE)
        .then(|| format!("skipped: {size} bytes is over the {MAX_FILE_SIZE}-byte limit for a config file"))
}

/// The directories that hold a Claude Code plugin's manifest
/// (`<root>/.claude-plugin/plugin.json`), gathered from every path before
/// any is chosen: whether `agents/x.md` is read depends on them, not on the
/// order files were found in. The same choice for a walk of the disk and
/// for a tree at a git revision.
struct PluginRoots(Vec<String>);

impl PluginRoots {
    fn of<'a>(paths: impl Iterator<Item = &'a str>) -> Self {
        let mut roots: Vec<String> =
            paths.filter_map(|p| p.strip_suffix(".claude-plugin/plugin.json")).map(str::to_string).collect();
        // Longest last: a plugin nested in another is its files' nearest root.
        roots.sort_by_key(String::len);
        PluginRoots(roots)
    }

    /// What `path` is taken for, by its name (as walked, or in the tree).
    fn choose(&self, path: &str) -> Option<Candidate> {
        classify_path(path).or_else(|| plugin_component(&self.0, path))
    }
}

/// Every regular file under the directory `root`, and what could not be
/// read. The folders right under `root` are walked on every core, each by
/// its own walker; symlinks are never followed, so a walk cannot leave the
/// root, and [`SKIP_DIRS`] are never entered.
fn walk(root: &Path) -> (Vec<PathBuf>, Vec<walkdir::Error>) {
    let skipped = |e: &walkdir::DirEntry| {
        e.file_type().is_dir() && e.depth() > 0 && e.file_name().to_str().is_some_and(|n| SKIP_DIRS.contains(&n))
    };
    let (mut files, mut errors, mut folders) = (Vec::new(), Vec::new(), Vec::new());
    for entry in
        WalkDir::new(root).follow_links(false).min_depth(1).max_depth(1).into_iter().filter_entry(|e| !skipped(e))
    {
        match entry {
            // A link's type is the link's: only real folders are walked.
            Ok(entry) if entry.file_type().is_dir() => folders.push(entry.into_path()),
            Ok(entry) if entry.file_type().is_file() => files.push(entry.into_path()),
            Ok(_) => {}
            Err(err) => errors.push(err),
        }
    }
    let walked: Vec<(Vec<PathBuf>, Vec<walkdir::Error>)> = folders
        .into_par_iter()
        .map(|folder| {
            let (mut files, mut errors) = (Vec::new(), Vec::new());
            for entry in WalkDir::new(folder).follow_links(false).into_iter().filter_entry(|e| !skipped(e)) {
                match entry {
                    Ok(entry) if entry.file_type().is_file() => files.push(entry.into_path()),
                    Ok(_) => {}
                    Err(err) => errors.push(err),
                }
            }
            (files, errors)
        })
        .collect();
    for (more_files, more_errors) in walked {
        files.extend(more_files);
        errors.extend(more_errors);
    }
    (files, errors)
}

/// Relative to the scan root when one directory is scanned; as given otherwise.
fn display_path(path: &Path, root: Option<&Path>) -> String {
    let shown = match root {
        Some(root) => path.strip_prefix(root).unwrap_or(path),
        None => path,
    };
    let text = shown.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_skips_and_recognises() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".cursor")).unwrap();
        std::fs::create_dir_all(root.join("node_modules/x/.cursor")).unwrap();
        std::fs::write(root.join(".cursor/mcp.json"), "{}").unwrap();
        std::fs::write(root.join("node_modules/x/.cursor/mcp.json"), "{}").unwrap();
        std::fs::write(root.join("README.md"), "hi").unwrap();
        let found = discover(&[root.to_path_buf()]);
        let shown: Vec<_> = found.files.iter().map(|f| f.display.as_str()).collect();
        assert_eq!(shown, [".cursor/mcp.json"]);
    }

    #[test]
    fn a_plugin_at_the_root_is_read_and_linked_folders_are_not_walked() {
        use crate::formats::registry::Format;
        let dir = tempfile::tempdir().unwrap();
        let (root, outside) = (dir.path().join("repo"), dir.path().join("outside"));
        for folder in [".claude-plugin", "agents", "docs/agents", "deep/a/b"] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        std::fs::create_dir_all(outside.join(".cursor")).unwrap();
        std::fs::write(root.join(".claude-plugin/plugin.json"), "{}").unwrap();
        std::fs::write(root.join("agents/reviewer.md"), "x").unwrap();
        // Beside no plugin manifest: a folder of notes, not sub-agents.
        std::fs::write(root.join("docs/agents/notes.md"), "x").unwrap();
        std::fs::write(root.join("deep/a/b/.mcp.json"), "{}").unwrap();
        std::fs::write(outside.join(".cursor/mcp.json"), "{}").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("linked")).unwrap();
        let found = discover(std::slice::from_ref(&root));
        let mut shown: Vec<_> = found.files.iter().map(|f| (f.display.as_str(), f.candidate)).collect();
        shown.sort_by_key(|(display, _)| *display);
        assert_eq!(
            shown,
            [
                (".claude-plugin/plugin.json", Some(Candidate::Known(Format::ClaudePlugin))),
                ("agents/reviewer.md", Some(Candidate::Known(Format::ClaudeSubagent))),
                ("deep/a/b/.mcp.json", Some(Candidate::Known(Format::ClaudeCodeMcp))),
            ]
        );
        assert!(found.skipped.is_empty());
    }

    #[test]
    fn reports_missing_and_oversized_files() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join(".mcp.json");
        std::fs::write(&big, vec![b' '; (MAX_FILE_SIZE + 1) as usize]).unwrap();
        let found = discover(&[big, dir.path().join("missing.json")]);
        assert!(found.files.is_empty());
        assert_eq!(found.skipped.len(), 2);
        assert!(found.skipped[0].reason.contains("limit"));
        assert_eq!(found.skipped[1].reason, "no such file or directory");
    }
}
