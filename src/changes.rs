//! `scan --changed-since REV`: which files changed since a git revision,
//! committed or not, relative to the scanned directory. The graph is still
//! built from the whole tree (chains cross files); only the findings shown
//! are narrowed.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git").current_dir(root).args(args).output().map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!("git {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Files changed since `rev` (and files git does not track yet), as paths
/// relative to `root`, `/`-separated like displayed paths.
pub fn changed_since(root: &Path, rev: &str) -> Result<BTreeSet<String>, String> {
    let mut changed = BTreeSet::new();
    let diff = git(root, &["diff", "--name-only", "--relative", rev, "--"])?;
    let untracked = git(root, &["ls-files", "--others", "--exclude-standard"])?;
    for line in diff.lines().chain(untracked.lines()) {
        if !line.is_empty() {
            changed.insert(line.replace('\\', "/"));
        }
    }
    Ok(changed)
}
