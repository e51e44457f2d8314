//! The one process blastradius ever starts: git, to list changed files
//! (`scan --changed-since`, `--staged`) and to read files at a revision
//! (`diff`), never checking anything out.
//!
//! The scanned repository is untrusted: its `.git/config` may name an
//! fsmonitor program, an external diff driver, a text converter or a pager.
//! git is run with those switched off, with revisions after
//! `--end-of-options` (so `--output=…` is a revision, not an option), and
//! with file names NUL-separated and unquoted.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// Why git could not answer. Texts from git and the command line are shown
/// masked, controls made visible.
#[derive(Debug, thiserror::Error)]
pub(crate) enum GitError {
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

/// git in `root`, with the repository's own programs disabled.
fn command(root: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(root)
        .args(["-c", "core.fsmonitor=", "-c", "core.quotePath=false", "-c", "core.pager=cat", "-c", "diff.external="])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env_remove("GIT_EXTERNAL_DIFF");
    command
}

/// git's first line of complaint, masked.
fn complaint(stderr: &[u8]) -> GitError {
    let stderr = String::from_utf8_lossy(stderr);
    let first = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("git failed").trim();
    GitError::Git(crate::redact::shown(first))
}

/// Runs git in `root`; its standard output, as text.
pub(crate) fn run(root: &Path, args: &[&str]) -> Result<String, GitError> {
    let out = command(root).args(args).stdin(Stdio::null()).output().map_err(GitError::NoGit)?;
    if !out.status.success() {
        return Err(complaint(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Fails unless `root` is inside a git work tree.
pub(crate) fn require_repository(root: &Path) -> Result<(), GitError> {
    run(root, &["rev-parse", "--is-inside-work-tree"])
        .map(drop)
        .map_err(|_| GitError::NotARepository(crate::redact::shown(&root.display().to_string())))
}

/// Fails unless `rev` names a commit (an option-like text never reaches git
/// as a revision).
pub(crate) fn require_revision(root: &Path, rev: &str) -> Result<(), GitError> {
    let not_a_revision = || GitError::NotARevision(crate::redact::shown(rev));
    if rev.is_empty() || rev.starts_with('-') {
        return Err(not_a_revision());
    }
    let commit = format!("{rev}^{{commit}}");
    run(root, &["rev-parse", "--verify", "--quiet", "--end-of-options", &commit])
        .map(drop)
        .map_err(|_| not_a_revision())
}

/// A file of the tree at a revision.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TreeFile {
    /// Relative to the directory git ran in, `/`-separated.
    pub path: String,
    pub size: u64,
    object: String,
}

/// The regular files of `rev`'s tree under `root` (symlinks and submodules
/// are not followed, as on disk), with their sizes.
pub(crate) fn tree(root: &Path, rev: &str) -> Result<Vec<TreeFile>, GitError> {
    require_revision(root, rev)?;
    let listing = run(root, &["ls-tree", "-r", "-z", "-l", "--end-of-options", rev])?;
    let mut files = Vec::new();
    for record in listing.split('\0').filter(|r| !r.is_empty()) {
        // `<mode> SP <type> SP <object> SP+ <size> TAB <path>`
        let Some((meta, path)) = record.split_once('\t') else { continue };
        let mut fields = meta.split_ascii_whitespace();
        let (Some(mode), Some("blob"), Some(object), Some(size)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if mode == "120000" {
            continue;
        }
        files.push(TreeFile { path: path.to_string(), size: size.parse().unwrap_or(u64::MAX), object: object.into() });
    }
    Ok(files)
}

/// The contents of `files`, in order, read through one `git cat-file
/// --batch` (objects are named by id: no path or revision is parsed).
pub(crate) fn contents(root: &Path, files: &[&TreeFile]) -> Result<Vec<Vec<u8>>, GitError> {
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = command(root)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(GitError::NoGit)?;
    let mut stdin = child.stdin.take().ok_or_else(|| GitError::Git("cat-file: no input".into()))?;
    let names: String = files.iter().map(|f| format!("{}\n", f.object)).collect();
    // Written from a thread: git answers while it reads, and a full pipe
    // either way would stall both.
    let writer = std::thread::spawn(move || stdin.write_all(names.as_bytes()));
    let mut out = Vec::new();
    child
        .stdout
        .take()
        .ok_or_else(|| GitError::Git("cat-file: no output".into()))?
        .read_to_end(&mut out)
        .map_err(GitError::NoGit)?;
    let _ = writer.join();
    let status = child.wait_with_output().map_err(GitError::NoGit)?;
    if !status.status.success() {
        return Err(complaint(&status.stderr));
    }
    // `<object> SP <type> SP <size> LF <contents> LF`, per file.
    let mut contents = Vec::with_capacity(files.len());
    let mut at = 0;
    for file in files {
        let header_end = out[at..].iter().position(|&b| b == b'\n').map(|p| at + p);
        let Some(header_end) = header_end else { return Err(GitError::Git("cat-file: output ends early".into())) };
        let header = String::from_utf8_lossy(&out[at..header_end]);
        let size: usize = match header.split(' ').collect::<Vec<_>>()[..] {
            [object, "blob", size] if object == file.object => size.parse().unwrap_or(usize::MAX),
            _ => {
                return Err(GitError::Git(format!(
                    "cat-file: unexpected answer for {}",
                    crate::redact::shown(&file.path)
                )))
            }
        };
        let start = header_end + 1;
        let Some(end) = start.checked_add(size).filter(|&end| end < out.len() + 1) else {
            return Err(GitError::Git("cat-file: output ends early".into()));
        };
        contents.push(out[start..end].to_vec());
        at = end + 1;
    }
    Ok(contents)
}
