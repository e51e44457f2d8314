//! `blastradius diff`: repositories built with git here (commit, change a
//! grant, commit), and the exact change in each agent's reach.

use assert_cmd::Command;

fn blastradius(dir: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("blastradius").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn git(root: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("git").current_dir(root).args(args).output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

const NARROW: &str = r#"{
  "permissions": {
    "allow": ["Read", "Bash(npm test:*)"]
  }
}
"#;

const WIDE: &str = r#"{
  "permissions": {
    "allow": ["Read", "Bash(npm:*)", "WebFetch"],
    "defaultMode": "bypassPermissions"
  }
}
"#;

const TOKEN: &str = "ghp_Zx9QZx9QZx9QZx9QZx9QZx9QZx9QZx9QZx9Q";

fn mcp_json() -> String {
    format!(
        r#"{{
  "mcpServers": {{
    "github": {{
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"],
      "env": {{ "GITHUB_PERSONAL_ACCESS_TOKEN": "{TOKEN}" }}
    }}
  }}
}}
"#
    )
}

/// A repository with two commits: a narrow Claude Code grant, then a wide
/// one with a GitHub server holding a token.
fn widening_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    git(root, &["config", "user.email", "ci@example.com"]);
    git(root, &["config", "user.name", "CI"]);
    std::fs::create_dir_all(root.join(".claude")).unwrap();
    std::fs::write(root.join(".claude/settings.json"), NARROW).unwrap();
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "narrow"]);
    std::fs::write(root.join(".claude/settings.json"), WIDE).unwrap();
    std::fs::write(root.join(".mcp.json"), mcp_json()).unwrap();
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "wide"]);
    dir
}

fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = blastradius(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_widening_change_is_shown_grant_by_grant() {
    let repo = widening_repo();
    let (code, stdout, stderr) = run(repo.path(), &["diff", "HEAD~1", "HEAD"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.contains(TOKEN) && !stdout.contains("Zx9Q"), "{stdout}");
    insta::assert_snapshot!("diff_widening_terminal", stdout);
    let (_, markdown, _) = run(repo.path(), &["diff", "HEAD~1", "HEAD", "--format", "markdown"]);
    insta::assert_snapshot!("diff_widening_markdown", markdown);
}

#[test]
fn the_json_diff_names_each_gain_with_its_grant_and_place() {
    let repo = widening_repo();
    let (code, stdout, _) = run(repo.path(), &["diff", "HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(code, 0);
    let diff: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(diff["schema_version"], 1);
    assert_eq!(diff["summary"]["widening"], "high");
    assert_eq!(diff["summary"]["agents_widened"], 1);
    let agent = &diff["agents"][0];
    assert_eq!(agent["id"], "agent:claude-code:.");
    assert_eq!(agent["change"], "widened");
    let gained: Vec<(&str, &str, u64, u64)> = agent["capabilities_gained"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["capability"].as_str().unwrap(),
                c["via"].as_str().unwrap(),
                c["location"]["line"].as_u64().unwrap(),
                c["location"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        gained,
        [
            ("repo.write", "github", 3, 5),
            // Bypass mode grants Claude Code's own tools, where the mode is set.
            ("fs.write", "Edit (bypassPermissions)", 4, 20),
            ("net.send", "Bash(npm:*)", 3, 23),
            ("net.fetch", "Bash(npm:*)", 3, 23)
        ]
    );
    assert_eq!(agent["capabilities_gained"][0]["location"]["path"], ".mcp.json");
    let reached: Vec<(&str, &str)> = agent["reach_added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["kind"].as_str().unwrap(), r["name"].as_str().unwrap()))
        .collect();
    assert_eq!(
        reached,
        [
            ("tool", "edit"),
            ("tool", "github"),
            ("tool", "web-fetch"),
            ("tool", "web-search"),
            ("credential", "ghp_**** (GITHUB_PERSONAL_ACCESS_TOKEN)")
        ]
    );
    assert_eq!(agent["blast_radius_before"]["size"], 2);
    assert_eq!(agent["blast_radius_after"]["size"], 7);
    let rules = |list: &str| -> Vec<String> {
        agent[list].as_array().unwrap().iter().map(|f| f["rule_id"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(rules("new_paths"), ["BR501"]);
    assert_eq!(rules("new_findings"), ["BR301", "BR202"]);
    assert!(rules("removed_paths").is_empty() && rules("fixed_findings").is_empty());
    let elsewhere: Vec<&str> =
        diff["new_findings"].as_array().unwrap().iter().map(|f| f["rule_id"].as_str().unwrap()).collect();
    assert_eq!(elsewhere, ["BR101", "BR110"]);
}

#[test]
fn fail_on_widen_gates_on_the_level_reached() {
    let repo = widening_repo();
    let code = |args: &[&str]| run(repo.path(), args).0;
    assert_eq!(code(&["diff", "HEAD~1", "HEAD", "--fail-on-widen", "high"]), 1);
    assert_eq!(code(&["diff", "HEAD~1", "HEAD", "--fail-on-widen", "any"]), 1);
    assert_eq!(code(&["diff", "HEAD~1", "HEAD", "--fail-on-widen", "none"]), 0);
    // The same change backwards narrows: nothing to fail on.
    let (code, stdout, _) = run(repo.path(), &["diff", "HEAD", "HEAD~1", "--fail-on-widen", "any"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("narrowed claude-code"), "{stdout}");
    assert!(stdout.contains("- repo.write (severe) via github at .mcp.json:3:5"), "{stdout}");
}

#[test]
fn a_narrow_widening_is_any_not_high() {
    let repo = widening_repo();
    // Only a server more, of no known capability: new reach, no path.
    let servers = mcp_json().replace(
        r#""mcpServers": {"#,
        r#""mcpServers": { "time": { "command": "uvx", "args": ["mcp-server-time==2025.8.4"] },"#,
    );
    std::fs::write(repo.path().join(".mcp.json"), servers).unwrap();
    let (code, stdout, _) = run(repo.path(), &["diff", "HEAD", "--fail-on-widen", "high", "--format", "json"]);
    let diff: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(diff["summary"]["widening"], "any", "{stdout}");
    assert_eq!(code, 0);
    assert_eq!(run(repo.path(), &["diff", "HEAD", "--fail-on-widen", "any"]).0, 1);
}

#[test]
fn the_working_tree_is_the_default_head_and_identity_is_by_key_not_position() {
    let repo = widening_repo();
    // The same settings, reordered and reformatted, plus a server added
    // before the existing one: only the new server is news.
    let reordered = r#"{"permissions": {"defaultMode": "bypassPermissions",
      "allow": ["WebFetch", "Bash(npm:*)", "Read"]}}"#;
    std::fs::write(repo.path().join(".claude/settings.json"), reordered).unwrap();
    let servers = mcp_json().replace(
        r#""mcpServers": {"#,
        r#""mcpServers": { "time": { "command": "uvx", "args": ["mcp-server-time==2025.8.4"] },"#,
    );
    std::fs::write(repo.path().join(".mcp.json"), servers).unwrap();
    let (_, stdout, _) = run(repo.path(), &["diff", "HEAD", "--format", "json"]);
    let diff: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(diff["head"], "working tree");
    let agent = &diff["agents"][0];
    let names: Vec<&str> =
        agent["reach_added"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["time"], "{stdout}");
    assert!(agent["capabilities_gained"].as_array().unwrap().is_empty(), "{stdout}");
    assert!(agent["new_findings"].as_array().unwrap().is_empty(), "moved findings keep their fingerprint: {stdout}");
    // Nothing changed at all: nothing to say.
    let (code, stdout, _) = run(repo.path(), &["diff", "HEAD", "HEAD"]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "blastradius diff HEAD → HEAD\n\n0 agents widened, 0 narrowed, 0 added, 0 removed; 0 new findings, 0 fixed\n"
    );
}

#[test]
fn revisions_are_never_options_and_the_repository_runs_nothing() {
    let repo = widening_repo();
    let root = repo.path();
    // A hostile repository config: an fsmonitor that would leave a mark.
    let mark = root.join("fsmonitor-ran");
    let script = root.join("monitor.sh");
    std::fs::write(&script, format!("#!/bin/sh\ntouch '{}'\n", mark.display())).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    git(root, &["config", "core.fsmonitor", &script.display().to_string()]);
    let (code, _, stderr) = run(root, &["diff", "HEAD~1"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!mark.exists(), "the repository's fsmonitor ran");
    let (code, _, stderr) = run(root, &["diff", "--", "--output=x"]);
    assert_eq!(code, 2);
    assert_eq!(stderr.lines().next().unwrap(), "error: diff: `--output=x` is not a revision", "{stderr}");
    let (code, _, stderr) = run(root, &["diff", "no-such-branch"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("`no-such-branch` is not a revision"), "{stderr}");
}

#[test]
fn outside_a_repository_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["diff", "HEAD"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: diff: ") && stderr.contains("is not inside a git repository"), "{stderr}");
}

#[test]
fn delegation_widens_the_delegator_by_the_delegates_tools() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    git(root, &["config", "user.email", "ci@example.com"]);
    git(root, &["config", "user.name", "CI"]);
    std::fs::create_dir_all(root.join("config")).unwrap();
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/examples/crew/config");
    std::fs::copy(example.join("tasks.yaml"), root.join("config/tasks.yaml")).unwrap();
    let agents = std::fs::read_to_string(example.join("agents.yaml")).unwrap();
    std::fs::write(
        root.join("config/agents.yaml"),
        agents.replace("allow_delegation: true", "allow_delegation: false"),
    )
    .unwrap();
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "no delegation"]);
    std::fs::write(root.join("config/agents.yaml"), agents).unwrap();
    let (_, stdout, _) = run(root, &["diff", "HEAD"]);
    let researcher: Vec<&str> =
        stdout.split("\n\n").find(|block| block.contains("researcher (crewai, config)  ")).unwrap().lines().collect();
    assert_eq!(
        researcher[..9],
        [
            "widened (severe) researcher (crewai, config)  config/agents.yaml:1:1",
            "  + db.read (moderate) via analyst → run_sql at config/agents.yaml:14:7",
            "  + db.write (moderate) via analyst → run_sql at config/agents.yaml:14:7",
            "  + email.send (moderate) via analyst → send_email at config/agents.yaml:15:7",
            "  + net.send (moderate) via analyst → send_email at config/agents.yaml:15:7",
            "  + tool run_sql  config/agents.yaml:14:7",
            "  + tool send_email  config/agents.yaml:15:7",
            "  + agent analyst (crewai, config)  config/agents.yaml:9:1",
            "  blast radius 1 → 4 (agents 0 → 1, tools 1 → 3)",
        ]
    );
    assert!(
        researcher[9].starts_with("  + path HIGH BR402 config/agents.yaml:7:21 `researcher` reads content"),
        "{stdout}"
    );
}

#[test]
fn a_broken_config_fails_at_head_and_warns_at_base() {
    let repo = widening_repo();
    let root = repo.path();
    std::fs::write(root.join(".mcp.json"), "{ \"mcpServers\": { oops } }\n").unwrap();
    let (code, _, stderr) = run(root, &["diff", "HEAD"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("error: .mcp.json:1:"), "{stderr}");
    git(root, &["commit", "-q", "-am", "broken"]);
    std::fs::write(root.join(".mcp.json"), mcp_json()).unwrap();
    let (code, _, stderr) = run(root, &["diff", "HEAD"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.starts_with("warning: at HEAD: .mcp.json:1:"), "{stderr}");
}
