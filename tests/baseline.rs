//! Baselines: record today's findings, then report only what is new; moved
//! findings stay known, changed ones are new.

use assert_cmd::Command;

fn blastradius(dir: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("blastradius").unwrap();
    cmd.current_dir(dir);
    cmd
}

const SERVER: &str = r#""github": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"], "env": { "GITHUB_TOKEN": "ghp_Zx9QZx9QZx9QZx9QZx9QZx9QZx9QZx9QZx9Q" } }"#;

#[test]
fn baseline_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join(".mcp.json");
    std::fs::write(&config, format!("{{\n  \"mcpServers\": {{\n    {SERVER}\n  }}\n}}\n")).unwrap();

    let out = blastradius(dir.path()).args(["baseline", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(".blastradius-baseline.json")).unwrap()).unwrap();
    assert!(baseline["findings"].as_array().unwrap().len() >= 2);

    // Everything known: a clean run.
    let out = blastradius(dir.path()).args(["scan", ".", "--baseline", ".blastradius-baseline.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));

    // Lines added above and keys reformatted: still known.
    std::fs::write(&config, format!("{{\n\n\n  \"mcpServers\": {{\n\n    {SERVER}\n  }}\n}}\n")).unwrap();
    let out = blastradius(dir.path()).args(["scan", ".", "--baseline", ".blastradius-baseline.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));

    // Another token: a new finding, and only that one.
    let other = SERVER.replace("Zx9Q", "Qw8E");
    std::fs::write(&config, format!("{{\n  \"mcpServers\": {{\n    {other}\n  }}\n}}\n")).unwrap();
    let out = blastradius(dir.path())
        .args(["scan", ".", "--baseline", ".blastradius-baseline.json", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> =
        report["findings"].as_array().unwrap().iter().map(|f| f["rule_id"].as_str().unwrap()).collect();
    assert!(rules.contains(&"BR101"), "{rules:?}");
    assert!(!rules.contains(&"BR501"), "the unchanged trifecta finding stays known: {rules:?}");
}

#[test]
fn a_broken_baseline_is_a_usage_error_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.json"), "{\n  \"schema_version\": 1,\n  \"findings\": [ oops ]\n}\n").unwrap();
    let out = blastradius(dir.path()).args(["scan", ".", "--baseline", "base.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("base.json:3:"), "{stderr}");
}

/// Runs git in `root`; the test fails if git does.
fn git(root: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("git").current_dir(root).args(args).output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn changed_since_reports_only_findings_in_changed_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = |args: &[&str]| git(root, args);
    git(&["init", "-q"]);
    git(&["config", "user.email", "ci@example.com"]);
    git(&["config", "user.name", "CI"]);
    std::fs::create_dir_all(root.join(".claude")).unwrap();
    std::fs::write(root.join(".claude/settings.json"), r#"{ "permissions": { "defaultMode": "bypassPermissions" } }"#)
        .unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "old finding"]);
    std::fs::write(root.join(".mcp.json"), r#"{ "mcpServers": { "x": { "url": "http://x.example/mcp" } } }"#).unwrap();

    let all = blastradius(root).args(["scan", ".", "--format", "json"]).output().unwrap();
    let all: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    assert!(all["findings"].as_array().unwrap().iter().any(|f| f["rule_id"] == "BR301"));

    let out = blastradius(root).args(["scan", ".", "--format", "json", "--changed-since", "HEAD"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> =
        report["findings"].as_array().unwrap().iter().map(|f| f["location"]["path"].as_str().unwrap()).collect();
    assert!(!paths.is_empty() && paths.iter().all(|p| *p == ".mcp.json"), "{paths:?}");

    let out = blastradius(root).args(["scan", ".", "--changed-since", "no-such-rev"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn staged_and_only_report_findings_in_the_files_of_a_commit() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = |args: &[&str]| git(root, args);
    git(&["init", "-q"]);
    std::fs::create_dir_all(root.join(".claude")).unwrap();
    std::fs::write(root.join(".claude/settings.json"), r#"{ "permissions": { "defaultMode": "bypassPermissions" } }"#)
        .unwrap();
    // Not valid JSON, and not part of the commit: not this commit's problem.
    std::fs::write(root.join(".cursor.json"), "{ \"mcpServers\": ").unwrap();
    std::fs::write(root.join(".mcp.json"), r#"{ "mcpServers": { "x": { "url": "http://x.example/mcp" } } }"#).unwrap();
    git(&["add", ".mcp.json"]);
    let judged = |args: &[&str]| {
        let out = blastradius(root).args(["scan", "--format", "concise"]).args(args).output().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let files: std::collections::BTreeSet<String> =
            stdout.lines().filter(|l| l.contains(": ")).map(|l| l.split(':').next().unwrap().to_string()).collect();
        (out.status.code(), files, stdout)
    };
    let (code, files, stdout) = judged(&["--staged"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert_eq!(files.into_iter().collect::<Vec<_>>(), [".mcp.json"], "{stdout}");
    // What pre-commit runs: the files it passes, the graph from `.`.
    let (code, files, stdout) = judged(&["--only", "./.claude/settings.json"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert_eq!(files.into_iter().collect::<Vec<_>>(), [".claude/settings.json"], "{stdout}");
    // The unparseable file fails the run only when it is among the files.
    let (_, files, stdout) = judged(&["--only", ".cursor.json"]);
    assert!(stdout.contains("ERROR not analysed"), "{stdout}");
    assert_eq!(files.into_iter().collect::<Vec<_>>(), [".cursor.json"]);
    let outside = tempfile::tempdir().unwrap();
    let out = blastradius(outside.path()).args(["scan", "--staged"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: --staged: ") && stderr.contains("is not inside a git repository"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
