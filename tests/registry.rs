//! The format registry is the one place formats are declared: every path
//! glob recognises its own format and no other, every format has a fixture,
//! and the README's table and the pre-commit hook's `files:` pattern are
//! the ones the registry generates.

use std::path::PathBuf;

use blastradius::formats::registry::{self, REGISTRY};
use blastradius::formats::{classify_path, Candidate, Format};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn example(glob: &str) -> String {
    registry::example_path(glob)
}

#[test]
fn every_path_glob_recognises_its_own_format_and_no_other() {
    for &format in Format::ALL {
        for glob in format.spec().paths {
            let path = example(glob);
            assert_eq!(classify_path(&path), Some(Candidate::Known(format)), "{glob} → {path}");
            let owners: Vec<&str> =
                REGISTRY.iter().filter(|s| s.paths.iter().any(|g| example(g) == path)).map(|s| s.id).collect();
            assert_eq!(owners, [format.id()], "{path} is claimed twice");
        }
    }
    assert_eq!(classify_path("README.md"), None);
    assert_eq!(classify_path("x/mcp.json"), Some(Candidate::Sniff(blastradius::source::Syntax::Json)));
}

#[test]
fn ids_are_unique_and_every_format_has_a_fixture() {
    let mut ids: Vec<&str> = REGISTRY.iter().map(|s| s.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), REGISTRY.len(), "duplicate format ids");
    let fixtures = std::fs::read_to_string(root().join("tests/formats.rs")).unwrap();
    for spec in REGISTRY {
        assert!(
            fixtures.contains(&format!("\"{}\"", spec.id))
                || fixtures.contains(&format!("|{}\"", spec.id))
                || fixtures.contains(&format!("\"{}|", spec.id)),
            "format {} has no fixture in tests/formats.rs",
            spec.id
        );
    }
}

#[test]
fn readme_format_table_is_current() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("<!-- formats:start -->").expect("README has a formats table marker");
    let end = readme.find("<!-- formats:end -->").expect("README has a formats table end marker");
    let table = registry::format_table_markdown();
    if readme[start + "<!-- formats:start -->".len()..end].trim() != table.trim() {
        panic!("README format table is stale: run .ci/readme-rules");
    }
}

#[test]
fn the_pre_commit_hook_runs_exactly_for_the_files_blastradius_reads() {
    let hooks = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let pattern = registry::hook_files_pattern();
    let line = format!("  files: '{pattern}'");
    assert!(hooks.lines().any(|l| l == line), ".pre-commit-hooks.yaml must hold:\n{line}");
    let files = regex::Regex::new(&pattern).unwrap();
    for spec in REGISTRY {
        for glob in spec.paths {
            assert!(files.is_match(&example(glob)), "{} ({glob}) does not run the hook", spec.id);
        }
    }
    for read in ["k8s/agent.yaml", "wf.json", "crew/agents.yml", "x/config.toml", ".blastradius.yaml"] {
        assert!(files.is_match(read), "{read} does not run the hook");
    }
    for unrelated in ["README.md", "docs/guide.md", "src/main.rs", "Cargo.toml", ".github/CODEOWNERS"] {
        assert!(!files.is_match(unrelated), "{unrelated} runs the hook");
    }
}
