//! The real-world corpus (`../shared/corpus`, 101 configs from public
//! repositories): everything valid parses, every file is recognised as the
//! format PROVENANCE.tsv names, and the findings are a reviewed snapshot.
//! A clone without `../shared` skips this test and says so.

use std::collections::BTreeMap;
use std::path::PathBuf;

use blastradius::engine::builtin_rules;

/// Files that no JSON reader accepts (`#` comments); the hosts cannot load
/// them either, so they must be reported as errors, not parsed.
const INVALID: &[&str] =
    &["5throck__safety_os/.gemini/settings.json", "AllenOnAzure__MCP-Server/claude_desktop_config.json"];

#[test]
fn corpus_scan() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.join("PROVENANCE.tsv").is_file() {
        eprintln!("skipped: {} is absent (the corpus lives beside the project)", corpus.display());
        return;
    }
    let rules: Vec<_> = builtin_rules().unwrap().into_iter().map(|(_, r)| r).collect();
    let output = blastradius::scan::scan(std::slice::from_ref(&corpus), &rules);
    let recognised: BTreeMap<&str, Option<&str>> =
        output.scanned.iter().map(|f| (f.display.as_str(), f.format.map(|f| f.id()))).collect();

    let provenance = std::fs::read_to_string(corpus.join("PROVENANCE.tsv")).unwrap();
    let mut checked = 0;
    for line in provenance.lines().skip(1) {
        let mut cols = line.split('\t');
        let (Some(file), Some(format)) = (cols.next(), cols.next()) else {
            continue;
        };
        if INVALID.contains(&file) {
            assert!(output.errors.iter().any(|e| e.path == file), "{file} should be a located parse error");
            continue;
        }
        let expected: &[&str] =
            if format == "other" { &["roo", "kiro", "amazonq"] } else { std::slice::from_ref(&format) };
        let got = recognised.get(file).copied().flatten();
        assert!(got.is_some_and(|g| expected.contains(&g)), "{file}: expected {expected:?}, got {got:?}");
        checked += 1;
    }
    assert!(checked >= 99, "only {checked} corpus files checked");
    let error_paths: Vec<&str> = output.errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(error_paths, INVALID, "only the known-invalid files fail to parse");

    let lines: Vec<String> = output
        .findings
        .iter()
        .map(|f| format!("{}:{}:{} {} {}", f.location.path, f.location.line, f.location.column, f.rule_id, f.message))
        .collect();
    insta::assert_snapshot!("corpus_findings", lines.join("\n"));
}
