//! `scan --changed-since REV` and `scan --staged`: which files changed since
//! a git revision, committed or not, or are staged for the next commit,
//! relative to the scanned directory. The graph is still
//! built from the whole tree (chains cross files); only the findings shown
//! are narrowed.
//!
//! git runs through `crate::git`, with the repository's own programs off.

use std::collections::BTreeSet;
use std::path::Path;

use crate::git::{self, GitError};

/// Files changed since `rev` (and files git does not track yet), as paths
/// relative to `root`, `/`-separated like displayed paths.
pub(crate) fn changed_since(root: &Path, rev: &str) -> Result<BTreeSet<String>, GitError> {
    if rev.is_empty() || rev.starts_with('-') {
        return Err(GitError::NotARevision(crate::redact::shown(rev)));
    }
    git::require_repository(root)?;
    let mut changed = BTreeSet::new();
    let diff = git::run(
        root,
        &["diff", "--name-only", "-z", "--no-ext-diff", "--no-textconv", "--relative", "--end-of-options", rev, "--"],
    )?;
    let untracked = git::run(root, &["ls-files", "-z", "--others", "--exclude-standard"])?;
    for name in diff.split('\0').chain(untracked.split('\0')) {
        if !name.is_empty() {
            changed.insert(name.replace('\\', "/"));
        }
    }
    Ok(changed)
}

/// Files staged for the next commit (added, copied, modified or renamed;
/// a deleted file has no findings left), relative to `root`.
pub(crate) fn staged(root: &Path) -> Result<BTreeSet<String>, GitError> {
    git::require_repository(root)?;
    let diff = git::run(
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
