//! Every rule file is well formed, and every rule's own positive and
//! negative examples behave: positives fire (exact places are snapshotted),
//! negatives stay silent.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use blastradius::engine::{builtin_rules, Rule};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rules() -> Vec<(String, Rule)> {
    builtin_rules().expect("rule files load")
}

/// `path:line:col rule message` for the findings of one rule.
fn findings_of(rule: &Rule, all: &[Rule], dir: &Path) -> Vec<String> {
    let output = blastradius::scan::scan(&[dir.to_path_buf()], all);
    assert!(output.errors.is_empty(), "{}: fixture errors {:?}", dir.display(), output.errors);
    output
        .findings
        .iter()
        .filter(|f| f.rule_id == rule.id)
        .map(|f| {
            format!(
                "{}:{}:{}-{}:{} {}",
                f.location.path,
                f.location.line,
                f.location.column,
                f.location.end_line,
                f.location.end_column,
                f.message
            )
        })
        .collect()
}

#[test]
fn every_rule_fires_on_its_positive_examples_and_not_on_its_negatives() {
    let loaded = rules();
    let all: Vec<Rule> = loaded.iter().map(|(_, r)| r.clone()).collect();
    for rule in &all {
        let mut lines = Vec::new();
        for dir in &rule.tests.positive {
            let found = findings_of(rule, &all, &root().join(dir));
            assert!(!found.is_empty(), "{}: no finding in positive example {dir}", rule.id);
            lines.extend(found);
        }
        for dir in &rule.tests.negative {
            let found = findings_of(rule, &all, &root().join(dir));
            assert!(found.is_empty(), "{}: findings in negative example {dir}: {found:#?}", rule.id);
        }
        insta::assert_snapshot!(format!("positive_{}", rule.id), lines.join("\n"));
    }
}

#[derive(serde::Deserialize)]
struct Taxonomy {
    owasp_agentic: Vec<String>,
    owasp_nhi: Vec<String>,
    owasp_llm: Vec<String>,
    maestro: Vec<String>,
    cwe: Vec<String>,
}

#[test]
fn rule_files_are_well_formed() {
    let text = std::fs::read_to_string(root().join("rules/catalog/standards.yaml")).unwrap();
    let taxonomy: Taxonomy = blastradius::yaml::from_str(&text).unwrap();
    let mut ids = HashSet::new();
    let mut names = HashSet::new();
    for (path, rule) in rules() {
        let file = Path::new(&path).file_name().unwrap().to_string_lossy().to_string();
        assert_eq!(file, format!("{}-{}.yaml", rule.id, rule.name), "{path}: file name must be <id>-<name>.yaml");
        let category_dir = Path::new(&path).parent().unwrap().file_name().unwrap().to_string_lossy().to_string();
        assert_eq!(category_dir, rule.category.as_str(), "{path}: lives under its category");
        assert!(ids.insert(rule.id.clone()), "{path}: duplicate id");
        assert!(names.insert(rule.name.clone()), "{path}: duplicate name");
        assert!(rule.id.starts_with("BR") && rule.id.len() == 5, "{path}: id BRnnn");
        let s = &rule.standards;
        let checks: [(&Vec<String>, &Vec<String>, &str); 5] = [
            (&s.owasp_agentic, &taxonomy.owasp_agentic, "owasp_agentic"),
            (&s.owasp_nhi, &taxonomy.owasp_nhi, "owasp_nhi"),
            (&s.owasp_llm, &taxonomy.owasp_llm, "owasp_llm"),
            (&s.maestro, &taxonomy.maestro, "maestro"),
            (&s.cwe, &taxonomy.cwe, "cwe"),
        ];
        for (used, known, list) in checks {
            for id in used {
                assert!(known.contains(id), "{path}: unknown {list} id {id}");
            }
        }
        // Rules about suppressions map to governance (MAESTRO L6) only.
        let meta = rule.category.as_str() == "suppression";
        assert!(
            (meta || !s.owasp_agentic.is_empty()) && !s.maestro.is_empty(),
            "{path}: maps to OWASP Agentic and MAESTRO"
        );
        assert!(!rule.tests.positive.is_empty() && !rule.tests.negative.is_empty(), "{path}: needs examples");
        for dir in rule.tests.positive.iter().chain(&rule.tests.negative) {
            assert!(root().join(dir).is_dir(), "{path}: example {dir} missing");
        }
        assert!(!rule.rationale.trim().is_empty() && !rule.remediation.trim().is_empty(), "{path}: explains itself");
    }
}

/// The README's rule table is generated from `rules/`; it must not drift.
#[test]
fn readme_rule_table_is_current() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let table = blastradius::cli::rule_table_markdown(&rules().into_iter().map(|(_, r)| r).collect::<Vec<_>>());
    let start = readme.find("<!-- rules:start -->").expect("README has a rules table marker");
    let end = readme.find("<!-- rules:end -->").expect("README has a rules table end marker");
    let current = readme[start + "<!-- rules:start -->".len()..end].trim();
    if current != table.trim() {
        panic!("README rule table is stale; replace it with:\n{table}");
    }
}

/// docs/rules.md is generated from `rules/` (`.ci/readme-rules`).
#[test]
fn rules_document_is_current() {
    let rules: Vec<_> = builtin_rules().unwrap().into_iter().map(|(_, r)| r).collect();
    let current = std::fs::read_to_string(root().join("docs/rules.md")).unwrap_or_default();
    assert!(current == blastradius::cli::rules_document(&rules), "docs/rules.md is stale: run .ci/readme-rules");
}
