//! `scan --changed-since REV` and `scan --staged`: which files changed since
//! a git revision, committed or not, or are staged for the next commit,
//! relative to the scanned directory. The graph is still
//! built from the whole tree (chains cross files); only the findings shown
//! are narrowed.
//!
//! The scanned repository is untrusted: its `.git/config` may name an
//! fsmonitor program, an external diff driver or a pager. git is run with
//! those switched off, the revision after `--end-of-options` (so `--output=…`
//! is a revision, not an option), and file names NUL-separated and unquoted.
//! git is the only process blastradius ever starts.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

/// Why the changed files could not be listed. Texts from git and the
/// command line are shown masked, controls made visible.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ChangesError {
    #[error("`{0}` is not a revision")]
    NotARevision(String),
    #[error("{0} is not inside a git repository")]
    NotARepository(String),
    #[error("cannot run git: {0}")]
    NoGit(std::io::Error),
    /// git's first line of complaint.
    #[error("{0}")]
    Git(String),
}

/// Runs git in `root` with the repository's own programs disabled.
fn git(root: &Path, args: &[&str]) -> Result<String, ChangesError> {
    let out = Command::new("git")
        .current_dir(root)
        .args(["-c", "core.fsmonitor=", "-c", "core.quotePath=false", "-c", "core.pager=cat", "-c", "diff.external="])
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env_remove("GIT_EXTERNAL_DIFF")
        .stdin(Stdio::null())
        .output()
        .map_err(ChangesError::NoGit)?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("git failed").trim();
        return Err(ChangesError::Git(crate::redact::shown(first)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Files changed since `rev` (and files git does not track yet), as paths
/// relative to `root`, `/`-separated like displayed paths.
pub(crate) fn changed_since(root: &Path, rev: &str) -> Result<BTreeSet<String>, ChangesError> {
    if rev.is_empty() || rev.starts_with('-') {
        return Err(ChangesError::NotARevision(crate::redact::shown(rev)));
    }
    if git(root, &["rev-parse", "--is-inside-work-tree"]).is_err() {
        return Err(ChangesError::NotARepository(crate::redact::shown(&root.display().to_string())));
    }
    let mut changed = BTreeSet::new();
    let diff = git(
        root,
        &["diff", "--name-only", "-z", "--no-ext-diff", "--no-textconv", "--relative", "--end-of-options", rev, "--"],
    )?;
    let untracked = git(root, &["ls-files", "-z", "--others", "--exclude-standard"])?;
    for name in diff.split('\0').chain(untracked.split('\0')) {
        if !name.is_empty() {
            changed.insert(name.replace('\\', "/"));
        }
    }
    Ok(changed)
}

/// Files staged for the next commit (added, copied, modified or renamed;
/// a deleted file has no findings left), relative to `root`.
pub(crate) fn staged(root: &Path) -> Result<BTreeSet<String>, ChangesError> {
    if git(root, &["rev-parse", "--is-inside-work-tree"]).is_err() {
        return Err(ChangesError::NotARepository(crate::redact::shown(&root.display().to_string())));
    }
    let diff = git(
        root,
        &[
            "diff",
            "--cached",
            "--name-only",
            "-z",
            "--diff-filter=ACMR",
            "--no-ext-diff",
            "--no-textconv",
            "--relative",
            "--",
        ],
    )?;
    Ok(diff.split('\0').filter(|n| !n.is_empty()).map(|n| n.replace('\\', "/")).collect())
}
