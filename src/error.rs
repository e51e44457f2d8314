//! The errors that stop a run before or after the scan, each with a code
//! and, where there is one, the way out. The exit code is decided here, in
//! one place: every one of them is a usage or setup error (exit 2), never a
//! finding (exit 1). Problems in scanned files are not errors of the run:
//! they are reported beside the findings and the scan goes on.

use std::path::PathBuf;

use crate::baseline::BaselineError;
use crate::config::ConfigError;
use crate::engine::RuleError;
use crate::git::GitError;
use crate::redact::Shown;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub(crate) enum Error {
    #[error("{0}: no such file or directory")]
    #[diagnostic(code(blastradius::no_such_path))]
    NoSuchPath(Shown),

    #[error("rule file {0}")]
    #[diagnostic(
        code(blastradius::rule_file),
        help("docs/writing-rules.md describes rule files; `blastradius explain --attributes` lists the attributes and variables")
    )]
    RuleFile(RuleError),

    /// A problem in `.blastradius.yaml`; each is printed with its snippet.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    #[diagnostic(code(blastradius::config), help("`blastradius init --force` writes a fresh starter config"))]
    Config(Vec<ConfigError>),

    #[error("--user needs HOME (or USERPROFILE) to find the user's configs")]
    #[diagnostic(code(blastradius::no_home))]
    NoHome,

    #[error("{0} exists; use --force to overwrite it")]
    #[diagnostic(code(blastradius::exists))]
    Exists(PathBuf),

    #[error("refusing to write to {0}: this scan read it; name another --output")]
    #[diagnostic(code(blastradius::output_is_input))]
    OutputIsInput(Shown),

    #[error("cannot write {path}: {source}")]
    #[diagnostic(code(blastradius::write))]
    Write { path: Shown, source: std::io::Error },

    #[error(transparent)]
    #[diagnostic(code(blastradius::baseline), help("`blastradius baseline -o FILE` records a fresh one"))]
    Baseline(#[from] BaselineError),

    /// `--changed-since` or `--staged` could not ask git what changed.
    #[error("{flag}: {source}")]
    #[diagnostic(code(blastradius::changes))]
    Changes { flag: &'static str, source: GitError },

    #[error("no rule `{0}`; `blastradius rules` lists them")]
    #[diagnostic(code(blastradius::no_such_rule))]
    NoSuchRule(Shown),

    /// A command line clap cannot judge alone.
    #[error("{0}")]
    #[diagnostic(code(blastradius::usage))]
    Usage(String),

    /// A defect of blastradius itself (an embedded rule or template).
    #[error("internal: {0}")]
    #[diagnostic(code(blastradius::internal), help("this is a bug in blastradius; please report it"))]
    Internal(String),
}

impl Error {
    /// The exit code: 2 for every error of the run (DESIGN.md, exit codes).
    pub(crate) fn exit_code(&self) -> u8 {
        2
    }
}
