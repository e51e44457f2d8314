//! Recall and precision on the hand-labelled part of the corpus
//! (`tests/corpus_labels.tsv`, labels written by reading the files). A
//! labelled file is judged whole: a wanted finding that is missing costs
//! recall, and any finding that no `yes` label explains costs precision.
//! The targets are recall 90% and precision 95% over the whole corpus; the
//! floors below are today's figures, and only move up. (The floors were set
//! on 22 labelled files; since every file is labelled, they are the whole
//! corpus's figures.)

use std::collections::BTreeMap;

use blastradius::engine::builtin_rules;

mod common;

const RECALL_FLOOR: f64 = 0.91;
const PRECISION_FLOOR: f64 = 0.95;

struct Label {
    lines: Option<(usize, usize)>,
    category: String,
    expect: String,
    note: String,
}

fn covers(label: &Label, line: usize) -> bool {
    label.lines.is_none_or(|(a, b)| (a..=b).contains(&line))
}

#[test]
fn recall_and_precision_on_the_labelled_corpus() {
    let Some(corpus) = common::shared("corpus") else { return };
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus_labels.tsv")).unwrap();
    let mut labels: BTreeMap<String, Vec<Label>> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 5, "corpus_labels.tsv: {line}");
        let lines = match cols[1] {
            "-" => None,
            range => {
                let (a, b) = range.split_once('-').unwrap_or((range, range));
                Some((a.parse().unwrap(), b.parse().unwrap()))
            }
        };
        labels.entry(cols[0].to_string()).or_default().push(Label {
            lines,
            category: cols[2].to_string(),
            expect: cols[3].to_string(),
            note: cols[4].to_string(),
        });
    }
    let rules: Vec<_> = builtin_rules().unwrap().into_iter().map(|(_, r)| r).collect();
    let output = blastradius::scan::scan(std::slice::from_ref(&corpus), &rules);
    let (mut found, mut missed, mut right, mut wrong) = (0, 0, 0, 0);
    let mut report = Vec::new();
    for (file, file_labels) in &labels {
        let findings: Vec<_> = output.findings.iter().filter(|f| f.location.path.as_str() == file.as_str()).collect();
        for label in file_labels.iter().filter(|l| l.expect == "yes") {
            if findings.iter().any(|f| f.category.as_str() == label.category && covers(label, f.location.line)) {
                found += 1;
            } else {
                missed += 1;
                report.push(format!("missed {file}:{:?} {} ({})", label.lines, label.category, label.note));
            }
        }
        for f in findings {
            let explained = file_labels
                .iter()
                .any(|l| l.expect == "yes" && l.category == f.category.as_str() && covers(l, f.location.line));
            if explained {
                right += 1;
            } else {
                wrong += 1;
                report.push(format!("wrong  {}:{} {} {}", file, f.location.line, f.rule_id, f.message));
            }
        }
    }
    let recall = found as f64 / (found + missed).max(1) as f64;
    let precision = right as f64 / (right + wrong).max(1) as f64;
    eprintln!(
        "labelled corpus: {} files; recall {:.0}% ({found} of {}), precision {:.0}% ({right} of {})",
        labels.len(),
        recall * 100.0,
        found + missed,
        precision * 100.0,
        right + wrong
    );
    for line in &report {
        eprintln!("  {line}");
    }
    assert!(recall >= RECALL_FLOOR && precision >= PRECISION_FLOOR, "below the floors:\n{}", report.join("\n"));
}
