//! The pipeline: discover → source → formats → graph → engine → findings.

use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::discover::{self, FileEntry};
use crate::engine::{self, Pattern, Rule, SourceCheck};
use crate::findings::Finding;
use crate::formats::{self, Candidate, Format};
use crate::graph::{self, Facts, Graph};
use crate::source::{self, SourceFile, Span, Syntax};

/// A file that could not be read or parsed, located.
#[derive(Debug, Clone, PartialEq)]
pub struct FileError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// Index into the scan's files when the text is known (for a snippet).
    pub file: Option<usize>,
    pub span: Span,
    /// The rest of the file was read (a wrong value, an inline config that
    /// does not parse), rather than the whole file skipped.
    pub rest_read: bool,
}

/// `path:line:column: message`.
impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {}", self.path, self.line, self.column, self.message)
    }
}

impl FileError {
    /// What became of the file, for reports: `not analysed`, or `rest
    /// analysed` when only this value was skipped.
    pub fn status(&self) -> &'static str {
        if self.rest_read {
            "rest analysed"
        } else {
            "not analysed"
        }
    }

    /// Path and message as any output may show them (masked, one line):
    /// both may quote the file.
    pub fn new(path: &str, (line, column): (usize, usize), message: &str, file: Option<usize>, span: Span) -> Self {
        let (path, message) = (crate::redact::shown(path), crate::redact::shown(message));
        FileError { path, line, column, message, file, span, rest_read: false }
    }
}

/// A file we read and what we took it for.
#[derive(Debug, Clone, PartialEq)]
pub struct ScannedFile {
    pub display: String,
    pub format: Option<Format>,
}

pub struct ScanOutput {
    /// The directory the displayed paths are relative to.
    pub root: PathBuf,
    pub graph: Graph,
    pub findings: Vec<Finding>,
    pub errors: Vec<FileError>,
    pub scanned: Vec<ScannedFile>,
    /// Files read whose content turned out not to be an agent config.
    pub files_scanned: usize,
    pub configs_parsed: usize,
    /// Every file opened, as found on disk: an output must not replace one.
    pub read_paths: Vec<PathBuf>,
    /// The same files as the disk knows them, where the platform tells
    /// (device and inode): found without a system call per file read.
    pub read_files: std::collections::HashSet<FileIdentity>,
    /// The config file that shaped this scan, and what it did.
    pub config: Option<crate::config::ConfigReport>,
    /// Findings hidden by an inline comment, the config's `ignore` or a baseline.
    pub suppressed: Vec<crate::findings::Suppressed>,
}

impl ScanOutput {
    /// Whether `path` names a file this scan read (the same file, by any
    /// name: a symbolic or a hard link).
    pub fn read(&self, path: &std::path::Path) -> bool {
        let Ok(meta) = std::fs::metadata(path) else { return false };
        if let Some(identity) = FileIdentity::of(&meta) {
            return self.read_files.contains(&identity);
        }
        let Ok(target) = std::fs::canonicalize(path) else { return false };
        self.read_paths.iter().any(|p| std::fs::canonicalize(p).is_ok_and(|p| p == target))
    }
}

/// A file as the disk knows it, whatever path names it: its device and
/// inode, on platforms that have them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileIdentity {
    device: u64,
    inode: u64,
}

impl FileIdentity {
    #[cfg(unix)]
    fn of(meta: &std::fs::Metadata) -> Option<FileIdentity> {
        use std::os::unix::fs::MetadataExt;
        Some(FileIdentity { device: meta.dev(), inode: meta.ino() })
    }

    #[cfg(not(unix))]
    fn of(_: &std::fs::Metadata) -> Option<FileIdentity> {
        None
    }
}

/// One file through source and formats. Pure: no shared state, so files can
/// be processed in parallel.
enum FileResult {
    /// Adapted as soon as parsed, so that no more than one document per
    /// worker is held at a time. The facts' places name no file yet.
    Parsed {
        source: Arc<SourceFile>,
        format: Format,
        facts: Box<Facts>,
        duplicates: Vec<source::Duplicate>,
        literals: Vec<Span>,
        hidden: Vec<source::hidden::Hidden>,
    },
    NotAConfig,
    /// A JSON or YAML file of no format we read: not counted as scanned.
    Passed,
    Failed {
        source: Option<Arc<SourceFile>>,
        message: String,
        span: Span,
    },
}

/// Reads a regular file, at most one byte past the size limit whatever its
/// size said when it was found (it may have grown, or be a device); says
/// in `identity` which file the path named.
fn read_capped(path: &std::path::Path, identity: &mut Option<FileIdentity>) -> Result<Vec<u8>, String> {
    use std::io::Read;
    // Checked before opening: opening a FIFO blocks until a writer comes.
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    *identity = FileIdentity::of(&meta);
    if !meta.is_file() {
        return Err("not a regular file (a FIFO, a device or a directory): not read".into());
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    // Room for the size found and the read that finds the end.
    let mut bytes = Vec::with_capacity(meta.len().min(discover::MAX_FILE_SIZE) as usize + 1);
    file.take(discover::MAX_FILE_SIZE + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > discover::MAX_FILE_SIZE {
        return Err(format!("skipped: over the {}-byte limit for a config file", discover::MAX_FILE_SIZE));
    }
    Ok(bytes)
}

/// The file number facts carry until the file's place among the files
/// read is known ([`Facts::set_file`]): no file has it.
const NO_FILE_YET: graph::FileId = graph::FileId::MAX;

/// Reads, parses and adapts one file; `interner` shares the strings of the
/// files one worker adapts.
fn read_and_adapt(
    entry: &FileEntry,
    interner: &mut graph::Interner,
    identity: &mut Option<FileIdentity>,
) -> FileResult {
    let read = match &entry.contents {
        Some(contents) => Ok(contents.to_vec()),
        None => read_capped(&entry.path, identity),
    };
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(message) => return FileResult::Failed { source: None, message, span: Span::default() },
    };
    if bytes.contains(&0) {
        return FileResult::Failed {
            source: None,
            message: "binary file (holds NUL bytes) where a config was expected".into(),
            span: Span::default(),
        };
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            let source = SourceFile::new(entry.path.clone(), entry.display.clone(), text);
            return FileResult::Failed {
                source: Some(source),
                message: format!("not valid UTF-8 (invalid byte at offset {at})"),
                span: Span::new(at, at),
            };
        }
    };
    // A byte-order mark is not part of the document.
    let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
    let syntax = match entry.candidate {
        Some(Candidate::Known(format)) => format.syntax(),
        Some(Candidate::Sniff(syntax)) | Some(Candidate::Content(syntax)) => syntax,
        None => guess_syntax(&entry.display),
    };
    if matches!(entry.candidate, Some(Candidate::Content(_))) && !formats::has_marker(&text, syntax) {
        return FileResult::Passed;
    }
    let source = SourceFile::new(entry.path.clone(), entry.display.clone(), text);
    let source::Parsed { docs, duplicates, literals, hidden } = match source::parse_file(&source.text, syntax) {
        Ok(parsed) => parsed,
        Err(err) => {
            // A generic name that does not parse is not known to be ours,
            // unless its text says it is an agent config: then the parse
            // problem is news, never a silent skip.
            let looks_like_config = formats::has_marker(&source.text, syntax);
            match entry.candidate {
                Some(Candidate::Sniff(_)) if !looks_like_config => return FileResult::NotAConfig,
                Some(Candidate::Content(_)) if !looks_like_config => return FileResult::Passed,
                _ => {}
            }
            return FileResult::Failed { source: Some(source), message: err.message, span: err.span };
        }
    };
    let format = match entry.candidate {
        Some(Candidate::Known(format)) => Some(format),
        _ => formats::sniff(&docs, syntax),
    };
    match (format, entry.candidate) {
        (Some(format), _) => {
            let mut facts = formats::adapt(NO_FILE_YET, &source, format, &docs);
            drop(docs);
            facts.share_text(interner);
            facts.shrink_to_fit();
            FileResult::Parsed { source, format, facts: Box::new(facts), duplicates, literals, hidden }
        }
        (None, Some(Candidate::Content(_))) => FileResult::Passed,
        (None, _) => FileResult::NotAConfig,
    }
}

fn guess_syntax(display: &str) -> Syntax {
    let lower = display.to_ascii_lowercase();
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        Syntax::Yaml
    } else if lower.ends_with(".toml") {
        Syntax::Toml
    } else {
        Syntax::Json
    }
}

/// Scans `paths` with `rules`.
pub fn scan(paths: &[PathBuf], rules: &[Rule]) -> ScanOutput {
    scan_filtered(paths, rules, &|_| true)
}

/// Scans the files of `paths` whose displayed path `keep` accepts
/// (`paths.exclude` of the config leaves the others unread).
pub fn scan_filtered(paths: &[PathBuf], rules: &[Rule], keep: &dyn Fn(&str) -> bool) -> ScanOutput {
    crate::timing::mark("rules+config");
    let discovered = discover::discover(paths);
    crate::timing::mark("discover");
    scan_discovered(discovered, rules, keep)
}

/// Scans files already chosen (the machine audit names them itself).
pub fn scan_discovered(
    mut discovered: discover::Discovered,
    rules: &[Rule],
    keep: &dyn Fn(&str) -> bool,
) -> ScanOutput {
    discovered.files.retain(|f| keep(&f.display));
    discovered.skipped.retain(|f| keep(&f.display));
    // Reports must not depend on the order paths were named or found in.
    discovered.files.sort_by(|a, b| a.display.cmp(&b.display));
    discovered.skipped.sort_by(|a, b| a.display.cmp(&b.display));
    let read_paths = discovered.files.iter().filter(|f| f.contents.is_none()).map(|f| f.path.clone()).collect();
    let mut files = Vec::new();
    let mut facts: Vec<Facts> = Vec::new();
    let mut errors = Vec::new();
    let mut scanned = Vec::new();
    let mut configs_parsed = 0;
    let mut duplicates = Vec::new();
    let mut hidden = Vec::new();
    // Per file, aligned with `files`: where a suppression marker is data.
    let mut literals: Vec<Vec<Span>> = Vec::new();
    for skipped in &discovered.skipped {
        errors.push(FileError::new(&skipped.display, (1, 1), &skipped.reason, None, Span::default()));
    }
    // Read, parse and adapt on every core; the results keep the sorted
    // order, and each file's id is its place among the files kept. Each
    // worker shares the strings of the files it adapts: the graph holds one
    // copy of each name, value and key path it repeats.
    crate::progress::found(discovered.files.len());
    let results: Vec<(&FileEntry, FileResult, Option<FileIdentity>)> = discovered
        .files
        .par_iter()
        .map_init(graph::Interner::default, |interner, e| {
            let mut identity = None;
            let result = read_and_adapt(e, interner, &mut identity);
            crate::progress::read_one();
            (e, result, identity)
        })
        .collect();
    crate::progress::stage("building the graph");
    crate::timing::mark("read+adapt");
    let mut read_files = std::collections::HashSet::new();
    for (entry, result, identity) in results {
        read_files.extend(identity);
        match result {
            FileResult::Parsed {
                source,
                format,
                facts: mut file_facts,
                duplicates: dups,
                literals: spans,
                hidden: hid,
            } => {
                let id = files.len();
                file_facts.set_file(id);
                for (span, message) in std::mem::take(&mut file_facts.problems) {
                    let error = FileError::new(&entry.display, source.line_col(span.start), &message, Some(id), span);
                    errors.push(FileError { rest_read: true, ..error });
                }
                // Only a file that may hold a suppression marker is asked
                // where its strings are.
                literals.push(if crate::suppress::may_hold_marker(&source.text) { spans } else { Vec::new() });
                duplicates.extend(dups.into_iter().map(|d| (id, d)));
                hidden.extend(hid.into_iter().map(|h| (id, h)));
                files.push(source);
                facts.push(*file_facts);
                configs_parsed += 1;
                scanned.push(ScannedFile { display: entry.display.clone(), format: Some(format) });
            }
            FileResult::NotAConfig => scanned.push(ScannedFile { display: entry.display.clone(), format: None }),
            FileResult::Passed => {}
            FileResult::Failed { source, message, span } => {
                let (line, column, file) = match source {
                    Some(source) => {
                        let (line, column) = source.line_col(span.start);
                        files.push(source);
                        facts.push(Facts::default());
                        literals.push(Vec::new());
                        (line, column, Some(files.len() - 1))
                    }
                    None => (1, 1, None),
                };
                errors.push(FileError::new(&entry.display, (line, column), &message, file, span));
                scanned.push(ScannedFile { display: entry.display.clone(), format: None });
            }
        }
    }
    // The list of files found is not read again: its paths go before the
    // graph is built, rather than being held through the judging.
    let root = discovered.root;
    drop(discovered.files);
    let files_scanned = scanned.len();
    let graph = graph::build(files, facts);
    crate::timing::mark("graph");
    crate::progress::stage("judging");
    let mut findings = engine::evaluate(rules, &graph);
    findings.extend(duplicate_findings(rules, &graph, &duplicates));
    findings.extend(hidden_findings(rules, &graph, &hidden));
    let suppressed = crate::suppress::apply(&graph.files, &literals, &mut findings, rules);
    crate::timing::mark("rules");
    errors.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    ScanOutput {
        root,
        graph,
        findings,
        errors,
        scanned,
        files_scanned,
        configs_parsed,
        read_paths,
        read_files,
        config: None,
        suppressed,
    }
}

/// Text a reviewer cannot see and the model reads (invisible characters,
/// instructions in a Markdown comment), reported under every rule whose
/// matcher is `source: hidden_text`.
fn hidden_findings(rules: &[Rule], graph: &Graph, hidden: &[(usize, source::hidden::Hidden)]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in engine::rules_asking(rules, Pattern::Source(SourceCheck::HiddenText)) {
        for (file, found) in hidden {
            let Some(source) = graph.file(*file) else { continue };
            let loc = graph::Loc { file: *file, span: found.span, pointer: "hidden-text".into() };
            let vars = vec![("hidden", found.shown.clone())];
            findings.push(engine::finding_of(rule, vars, source, loc, "hidden-text"));
        }
    }
    findings
}

/// A key written twice in one mapping of an agent config: the host uses the
/// last copy (and so does the analysis), while a reviewer may read the first.
/// Reported under every rule whose matcher is `source: duplicate_key`.
fn duplicate_findings(rules: &[Rule], graph: &Graph, duplicates: &[(usize, source::Duplicate)]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in engine::rules_asking(rules, Pattern::Source(SourceCheck::DuplicateKey)) {
        for (file, dup) in duplicates {
            let Some(source) = graph.file(*file) else { continue };
            let (line, column) = source.line_col(dup.first.start);
            let loc = graph::Loc { file: *file, span: dup.second, pointer: format!("duplicate:{}", dup.key).into() };
            let vars = vec![("key", dup.key.clone()), ("first", format!("{line}:{column}"))];
            findings.push(engine::finding_of(rule, vars, source, loc, &dup.key));
        }
    }
    findings
}
