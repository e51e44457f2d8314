//! SARIF: snapshots of what code scanning receives, each validated against
//! the official SARIF 2.1.0 schema (read from ../shared/schemas; the test
//! says it skipped the validation when that file is absent).

use std::path::PathBuf;

use assert_cmd::Command;

mod common;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sarif(path: &str, extra: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("blastradius")
        .unwrap()
        .current_dir(root())
        .args(["scan", path, "--format", "sarif"])
        .args(extra)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // The scan root is an absolute path of this checkout.
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let base = value["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"].as_str().unwrap().to_string();
    (
        out.status.code().unwrap_or(-1),
        text.replace(&base, "file:///SCAN-ROOT/").replace(env!("CARGO_PKG_VERSION"), "[version]"),
    )
}

fn validate(text: &str) {
    let Some(schema_path) = common::shared("schemas/sarif-2.1.0.json") else { return };
    let schema = std::fs::read_to_string(&schema_path).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&schema).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(&value).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF does not validate:\n{}", errors.join("\n"));
}

#[test]
fn sarif_of_the_examples_validates() {
    for (name, path) in
        [("agent_repo", "testdata/examples/agent-repo"), ("crew", "testdata/examples/crew"), ("bad", "testdata/bad")]
    {
        let (code, text) = sarif(path, &[]);
        assert_eq!(code, 1, "{name}: SARIF output never silences a failing gate");
        validate(&text);
        // The snapshot holds what differs between runs: the results, the
        // notifications, and which rules the driver lists (their full text
        // is the rule catalogue, snapshotted once below).
        let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let driver = &mut value["runs"][0]["tool"]["driver"];
        let ids: Vec<serde_json::Value> = driver["rules"].as_array().unwrap().iter().map(|r| r["id"].clone()).collect();
        driver["rules"] = serde_json::Value::Array(ids);
        insta::assert_snapshot!(format!("sarif_{name}"), serde_json::to_string_pretty(&value).unwrap());
    }
}

#[test]
fn sarif_driver_rules_carry_the_catalogue() {
    let (_, text) = sarif("testdata/examples/crew", &["--fail-on", "never"]);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let rules = value["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let br101 = rules.iter().find(|r| r["id"] == "BR101").unwrap();
    insta::assert_snapshot!("sarif_driver_rule_br101", serde_json::to_string_pretty(br101).unwrap());
}

#[test]
fn sarif_results_are_located_and_fingerprinted() {
    let (_, text) = sarif("testdata/examples/crew", &["--fail-on", "never"]);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let run = &value["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(result["partialFingerprints"]["blastradius/v1"].is_string());
        assert_eq!(result["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"], "SRCROOT");
    }
    let chained = run["results"].as_array().unwrap().iter().find(|r| r["ruleId"] == "BR402").unwrap();
    assert_eq!(chained["relatedLocations"].as_array().unwrap().len(), 6);
    assert_eq!(chained["codeFlows"][0]["threadFlows"][0]["locations"].as_array().unwrap().len(), 6);
    let severity =
        rules.iter().find(|r| r["id"] == "BR402").unwrap()["properties"]["security-severity"].as_str().unwrap();
    assert_eq!(severity, "9.5");
}

#[test]
fn uris_are_percent_encoded() {
    assert_eq!(
        blastradius::report::sarif::uri("Library/Application Support/x.json"),
        "Library/Application%20Support/x.json"
    );
}

/// Hidden findings stay in the log as dismissed: an inline comment's as
/// `inSource`, the config's `ignore` and the baseline's as `external`, each
/// with its reason; config effects are tool-configuration notifications.
#[test]
fn hidden_findings_are_dismissed_results_with_their_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("fixtures")).unwrap();
    std::fs::create_dir_all(root.join(".claude")).unwrap();
    std::fs::create_dir_all(root.join(".vscode")).unwrap();
    std::fs::write(
        root.join(".vscode/mcp.json"),
        "{\n  \"servers\": {\n    // blastradius: ignore[BR601] pinned by the lock file\n    \"f\": {\"command\": \"uvx\", \"args\": [\"mcp-server-fetch\"]}\n  }\n}\n",
    )
    .unwrap();
    std::fs::write(root.join("fixtures/.env"), "GITHUB_TOKEN=ghp_Zx9QZx9QZx9QZx9QZx9QZx9QZx9QZx9QZx9Q\n").unwrap();
    std::fs::write(root.join(".claude/settings.json"), r#"{"permissions": {"defaultMode": "acceptEdits"}}"#).unwrap();
    std::fs::write(
        root.join(".blastradius.yaml"),
        "ignore:\n  - path: \"fixtures/**\"\n    reason: fixtures hold fake tokens\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = Command::cargo_bin("blastradius").unwrap().current_dir(root).args(args).output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    run(&["baseline", ".", "-o", "base.json"]);
    let text = run(&["scan", ".", "--format", "sarif", "--baseline", "base.json"]);
    validate(&text);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut dismissed: Vec<String> = value["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| {
            let s = &r["suppressions"][0];
            s.is_object().then(|| format!("{} {} {}", r["ruleId"], s["kind"], s["justification"]))
        })
        .collect();
    dismissed.sort();
    assert!(
        dismissed.iter().any(|d| d.contains("\"BR601\" \"inSource\" \"pinned by the lock file\"")),
        "{dismissed:#?}"
    );
    assert!(
        dismissed
            .iter()
            .any(|d| d.contains("\"BR107\" \"external\" \"ignored by the config: fixtures hold fake tokens\"")),
        "{dismissed:#?}"
    );
    assert!(
        dismissed.iter().any(|d| d.contains("\"BR305\" \"external\" \"recorded in the baseline base.json\"")),
        "{dismissed:#?}"
    );
}
