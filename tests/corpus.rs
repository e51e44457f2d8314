//! The real-world corpus (`../shared/corpus`, 146 configs from public
//! repositories): everything valid parses, every file is recognised as the
//! format PROVENANCE.tsv names, and the findings are a reviewed snapshot.
//! A clone without `../shared` skips this test and says so.

use std::collections::BTreeMap;

use blastradius::engine::builtin_rules;

mod common;

/// Formats in the corpus that blastradius does not read yet, with the issue
/// that adds each. Some are read meanwhile by a generic adapter (a plugin's
/// `mcpServers`); when a format's own adapter lands, this test fails until it
/// leaves the list, so the list only shrinks.
const PENDING: &[(&str, u32)] = &[];

fn pending_issue(format: &str) -> Option<u32> {
    PENDING
        .iter()
        .find(|(name, _)| if name.ends_with('-') { format.starts_with(name) } else { format == *name })
        .map(|(_, issue)| *issue)
}

/// Files that no JSON reader accepts (`#` comments); the hosts cannot load
/// them either, so they must be reported as errors, not parsed.
const INVALID: &[&str] =
    &["5throck__safety_os/.gemini/settings.json", "AllenOnAzure__MCP-Server/claude_desktop_config.json"];

#[test]
fn corpus_scan() {
    let Some(corpus) = common::shared("corpus/PROVENANCE.tsv").and_then(|p| p.parent().map(|p| p.to_path_buf())) else {
        return;
    };
    let rules: Vec<_> = builtin_rules().unwrap().into_iter().map(|(_, r)| r).collect();
    let output = blastradius::scan::scan(std::slice::from_ref(&corpus), &rules);
    let recognised: BTreeMap<&str, Option<&str>> =
        output.scanned.iter().map(|f| (f.display.as_str(), f.format.map(|f| f.id()))).collect();

    let provenance = std::fs::read_to_string(corpus.join("PROVENANCE.tsv")).unwrap();
    let mut checked = 0;
    let mut pending = Vec::new();
    let mut unrecognised = Vec::new();
    for line in provenance.lines().skip(1) {
        let mut cols = line.split('\t');
        let (Some(file), Some(format)) = (cols.next(), cols.next()) else {
            continue;
        };
        if INVALID.contains(&file) {
            assert!(output.errors.iter().any(|e| e.path == file), "{file} should be a located parse error");
            continue;
        }
        let got = recognised.get(file).copied().flatten();
        if let Some(issue) = pending_issue(format) {
            assert_ne!(got, Some(format), "{file}: `{format}` is read now: take it off PENDING");
            let meanwhile = got.map_or(String::new(), |g| format!(", read meanwhile as {g}"));
            pending.push(format!("{format} (issue {issue}): {file}{meanwhile}"));
            continue;
        }
        // Every `gha-*` flavour (the action or CLI it runs) is one format here.
        let expected: &[&str] = match format {
            "other" => &["roo", "kiro", "amazonq"],
            f if f.starts_with("gha-") => &["github-workflow"],
            _ => std::slice::from_ref(&format),
        };
        if !got.is_some_and(|g| expected.contains(&g)) {
            unrecognised.push(format!("{file}: expected {expected:?}, got {got:?}"));
        }
        checked += 1;
    }
    assert!(unrecognised.is_empty(), "not recognised as PROVENANCE says:\n{}", unrecognised.join("\n"));
    assert!(checked >= 99, "only {checked} corpus files checked");
    eprintln!("{checked} corpus files recognised; {} pending a format adapter:", pending.len());
    for line in &pending {
        eprintln!("  pending {line}");
    }
    let error_paths: Vec<&str> = output.errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(error_paths, INVALID, "only the known-invalid files fail to parse");

    let lines: Vec<String> = output
        .findings
        .iter()
        .map(|f| format!("{}:{}:{} {} {}", f.location.path, f.location.line, f.location.column, f.rule_id, f.message))
        .collect();
    insta::assert_snapshot!("corpus_findings", lines.join("\n"));
}
