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
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!report["findings"].as_array().unwrap().iter().any(|f| f["rule_id"] == "BR601"));
    assert_eq!(report["config"]["effects"][0], "disables BR601");
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

/// A hostile repository's config: every way it can turn checks off is said
/// in every format; a parent directory's config is not the repository's;
/// `--no-config` reads none; rules come only from inside the repository.
#[test]
fn a_config_that_turns_checks_off_says_so_everywhere() {
    let dir = project();
    std::fs::write(
        dir.path().join(".blastradius.yaml"),
        "paths:\n  exclude: [\"examples/**\"]\nignore:\n  - path: \"**\"\n    reason: trust me\nrules:\n  disable: [BR305]\n",
    )
    .unwrap();
    let out = blastradius(dir.path()).args(["scan", ".", "--color", "never"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let terminal = String::from_utf8_lossy(&out.stdout);
    for said in
        ["config: ", "disables BR305", "excludes paths examples/**", "ignores every rule in ** (trust me)", "hid "]
    {
        assert!(terminal.contains(said), "{said} missing from:\n{terminal}");
    }
    let (_, json, _) = run_out(dir.path(), &["scan", ".", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(report["config"]["hidden_findings"].as_u64().unwrap() >= 2, "{json}");
    let (_, sarif, _) = run_out(dir.path(), &["scan", ".", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let notes = sarif["runs"][0]["invocations"][0]["toolConfigurationNotifications"].as_array().unwrap();
    assert!(notes.iter().any(|n| n["message"]["text"].as_str().unwrap().contains("hidden by the ignore entries")));
    let (_, markdown, _) = run_out(dir.path(), &["scan", ".", "--format", "markdown"]);
    assert!(markdown.contains("hidden by it"), "{markdown}");
    // --no-config: everything comes back.
    let (code, found) = rules_found(dir.path(), &["--no-config"]);
    assert_eq!(code, 1);
    assert!(found.iter().any(|f| f.0 == "BR305") && found.iter().any(|f| f.0 == "BR701"), "{found:?}");
}

#[test]
fn a_config_above_the_repository_root_is_not_read() {
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(outer.path().join(".blastradius.yaml"), "rules:\n  disable: [BR305]\n").unwrap();
    let repo = outer.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join(".claude")).unwrap();
    std::fs::write(repo.join(".claude/settings.json"), r#"{ "permissions": { "defaultMode": "acceptEdits" } }"#)
        .unwrap();
    let (_, found) = rules_found(&repo, &[]);
    assert!(found.iter().any(|f| f.0 == "BR305"), "the parent's config was used: {found:?}");
    // Outside any repository, only the scanned directory's own config counts.
    std::fs::remove_dir_all(repo.join(".git")).unwrap();
    let (_, found) = rules_found(&repo, &[]);
    assert!(found.iter().any(|f| f.0 == "BR305"), "{found:?}");
}

#[test]
fn rule_dirs_must_stay_inside_the_repository() {
    for dir_entry in ["/", "../elsewhere", "rules/../../x"] {
        let dir = project();
        std::fs::write(dir.path().join(".blastradius.yaml"), format!("rule_dirs: [\"{dir_entry}\"]\n")).unwrap();
        let (code, _, stderr) = run_out(dir.path(), &["scan", "."]);
        assert_eq!(code, 2, "{dir_entry}: {stderr}");
        assert!(stderr.contains("leaves the repository") && stderr.contains(".blastradius.yaml:1:"), "{stderr}");
    }
}

#[test]
fn init_repairs_a_broken_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".blastradius.yaml"), "fail_on: [\n").unwrap();
    assert_eq!(run_out(dir.path(), &["scan", "."]).0, 2);
    assert_eq!(run_out(dir.path(), &["init", "--force"]).0, 0);
    assert_eq!(run_out(dir.path(), &["completions", "bash"]).0, 0);
    assert_eq!(run_out(dir.path(), &["scan", "."]).0, 0);
}

fn run_out(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = blastradius(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn fail_on_never_in_the_config_keeps_findings_from_failing_the_run_and_says_so() {
    let dir = project();
    std::fs::write(dir.path().join(".blastradius.yaml"), "fail_on: never\n").unwrap();
    let (code, found) = rules_found(dir.path(), &[]);
    assert!(!found.is_empty());
    assert_eq!(code, 0);
    let out = blastradius(dir.path()).args(["scan", ".", "--color", "never"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("findings never fail the run"), "{stdout}");
    // The command line wins over the config.
    let (code, _) = rules_found(dir.path(), &["--fail-on", "low"]);
    assert_eq!(code, 1);
}

#[test]
fn an_error_of_the_run_says_how_to_get_out_of_it() {
    let dir = project();
    std::fs::write(dir.path().join(".blastradius.yaml"), "fail_on: sometimes\n").unwrap();
    let out = blastradius(dir.path()).args(["scan", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(".blastradius.yaml:1:10: fail_on must be one of: critical, high, medium, low, info, never\n  help: `blastradius init --force` writes a fresh starter config"),
        "{stderr}"
    );
    let out = blastradius(dir.path()).args(["--no-config", "explain", "BR000"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "error: no rule `BR000`; `blastradius rules` lists them\n");
}
