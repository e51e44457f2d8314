//! `.blastradius.yaml`: found above the scan root, or named; each setting
//! changes what the scan reports; any problem in it is located and exits 2.

use assert_cmd::Command;

fn blastradius(dir: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("blastradius").unwrap();
    cmd.current_dir(dir);
    cmd
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".claude")).unwrap();
    std::fs::create_dir_all(root.join("examples/.cursor")).unwrap();
    std::fs::create_dir_all(root.join("fixtures")).unwrap();
    std::fs::write(root.join(".claude/settings.json"), r#"{ "permissions": { "defaultMode": "acceptEdits" } }"#)
        .unwrap();
    std::fs::write(
        root.join(".mcp.json"),
        r#"{ "mcpServers": { "fetch": { "command": "uvx", "args": ["mcp-server-fetch"] } } }"#,
    )
    .unwrap();
    std::fs::write(
        root.join("examples/.cursor/mcp.json"),
        r#"{ "mcpServers": { "x": { "url": "http://x.example/mcp" } } }"#,
    )
    .unwrap();
    let token = "ghp_Zx9QZx9QZx9QZx9QZx9QZx9QZx9QZx9QZx9Q";
    std::fs::write(root.join("fixtures/.env"), format!("GITHUB_TOKEN={token}\n")).unwrap();
    dir
}

fn rules_found(dir: &std::path::Path, extra: &[&str]) -> (i32, Vec<(String, String, String)>) {
    let out = blastradius(dir).args(["scan", ".", "--format", "json"]).args(extra).output().unwrap();
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    let found = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["location"]["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (out.status.code().unwrap_or(-1), found)
}

#[test]
fn every_setting_changes_the_scan() {
    let dir = project();
    let (_, before) = rules_found(dir.path(), &[]);
    let ids: Vec<&str> = before.iter().map(|f| f.0.as_str()).collect();
    assert!(
        ids.contains(&"BR305") && ids.contains(&"BR601") && ids.contains(&"BR701") && ids.contains(&"BR107"),
        "{before:?}"
    );

    std::fs::write(
        dir.path().join(".blastradius.yaml"),
        "fail_on: high\nrules:\n  disable: [BR305]\nseverity:\n  BR601: low\npaths:\n  exclude: [\"examples/**\"]\nignore:\n  - path: \"fixtures/**\"\n    rules: [BR107]\n    reason: fixtures hold fake tokens\n",
    )
    .unwrap();
    let (code, after) = rules_found(dir.path(), &[]);
    let ids: Vec<&str> = after.iter().map(|f| f.0.as_str()).collect();
    assert!(!ids.contains(&"BR305"), "disabled: {after:?}");
    assert!(!ids.contains(&"BR701"), "examples/ excluded: {after:?}");
    assert!(!ids.contains(&"BR107"), "ignored under fixtures/: {after:?}");
    assert!(after.iter().any(|f| f.0 == "BR601" && f.1 == "low"), "severity overridden: {after:?}");
    assert_eq!(code, 0, "fail_on: high, and only a low finding is left");
    // The command line still wins.
    assert_eq!(rules_found(dir.path(), &["--fail-on", "low"]).0, 1);
}

#[test]
fn config_is_found_above_the_scanned_path_or_named() {
    let dir = project();
    std::fs::write(dir.path().join(".blastradius.yaml"), "rules:\n  disable: [BR601]\n").unwrap();
    let out = blastradius(&dir.path().join("examples"))
        .args(["scan", "..", "--format", "json", "--fail-on", "never"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("BR601"));
    std::fs::write(dir.path().join("other.yaml"), "rules:\n  disable: [BR305]\n").unwrap();
    let (_, found) = rules_found(dir.path(), &["--config", "other.yaml"]);
    assert!(found.iter().any(|f| f.0 == "BR601") && !found.iter().any(|f| f.0 == "BR305"), "{found:?}");
}

#[test]
fn a_bad_config_is_located_and_exits_2() {
    let dir = project();
    std::fs::write(
        dir.path().join(".blastradius.yaml"),
        "fail_on: sometimes\nrules:\n  disable: [BR999]\nseverity:\n  BR601: urgent\nignored: []\nignore:\n  - path: \"x/**\"\n",
    )
    .unwrap();
    let out = blastradius(dir.path()).args(["scan", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let located: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    insta::assert_snapshot!(located.join("\n").replace(&dir.path().display().to_string(), "[dir]"));
}

#[test]
fn init_writes_a_valid_starter_config_and_never_overwrites_unasked() {
    let dir = tempfile::tempdir().unwrap();
    let out = blastradius(dir.path()).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("id: blastradius"), "prints the pre-commit snippet");
    let written = std::fs::read_to_string(dir.path().join(".blastradius.yaml")).unwrap();
    // The starter config is valid: a scan with it runs.
    assert_eq!(blastradius(dir.path()).args(["scan", "."]).output().unwrap().status.code(), Some(0));
    std::fs::write(dir.path().join(".blastradius.yaml"), "fail_on: high\n").unwrap();
    assert_eq!(blastradius(dir.path()).arg("init").output().unwrap().status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(dir.path().join(".blastradius.yaml")).unwrap(), "fail_on: high\n");
    assert_eq!(blastradius(dir.path()).args(["init", "--force"]).output().unwrap().status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(dir.path().join(".blastradius.yaml")).unwrap(), written);
}
