//! The binary as users run it: exit codes, output formats, errors, and that
//! no secret value ever reaches any output.

use std::path::PathBuf;

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn blastradius() -> Command {
    let mut cmd = Command::cargo_bin("blastradius").unwrap();
    cmd.current_dir(root()).env_remove("NO_COLOR");
    cmd
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = blastradius().args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn terminal_report_of_the_example() {
    let (code, stdout, _) = run(&["scan", "testdata/examples/agent-repo", "--color", "never"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("terminal_example", stdout);
}

#[test]
fn json_report_of_the_example() {
    let (code, stdout, _) = run(&["scan", "testdata/examples/agent-repo", "--format", "json"]);
    assert_eq!(code, 1);
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["schema_version"], 1);
    assert_eq!(value["summary"]["files_scanned"], 4);
    insta::assert_snapshot!("json_example", stdout.replace(env!("CARGO_PKG_VERSION"), "[version]"));
}

#[test]
fn exit_codes_follow_fail_on() {
    let example = "testdata/examples/agent-repo";
    assert_eq!(run(&["scan", example, "--fail-on", "never"]).0, 0);
    assert_eq!(run(&["scan", example, "--fail-on", "critical"]).0, 1);
    // Only low findings: fail at low, pass at medium.
    let low = "testdata/rules/BR305/positive";
    assert_eq!(run(&["scan", low]).0, 1);
    assert_eq!(run(&["scan", low, "--fail-on", "medium"]).0, 0);
    // A clean config passes.
    assert_eq!(run(&["scan", "testdata/clean"]).0, 0);
    // Usage errors are 2.
    assert_eq!(run(&["scan", "--fail-on", "sometimes"]).0, 2);
    assert_eq!(run(&["explain", "BR999"]).0, 2);
}

#[test]
fn unparseable_configs_are_located_errors_and_fail_the_run() {
    let (code, stdout, _) = run(&["scan", "testdata/bad", "--format", "json", "--fail-on", "never"]);
    assert_eq!(code, 1, "a config that cannot be read cannot be trusted");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let errors = value["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0]["path"], ".codex/config.toml");
    assert_eq!((errors[0]["line"].as_u64(), errors[0]["column"].as_u64()), (Some(1), Some(19)));
    assert_eq!(errors[1]["path"], ".mcp.json");
    assert_eq!((errors[1]["line"].as_u64(), errors[1]["column"].as_u64()), (Some(3), Some(31)));
    assert_eq!(errors[1]["message"], "invalid JSON: Expected comma");
    let (_, terminal, _) = run(&["scan", "testdata/bad", "--color", "never"]);
    insta::assert_snapshot!("terminal_errors", terminal);
}

#[test]
fn binary_and_non_utf8_configs_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".cursor")).unwrap();
    std::fs::write(dir.path().join(".cursor/mcp.json"), b"{\"a\": \"\xff\xfe\"}").unwrap();
    std::fs::write(dir.path().join(".mcp.json"), b"\x00\x01\x02binary").unwrap();
    let out = blastradius().args(["scan", "--format", "json"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages: Vec<&str> =
        value["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("not valid UTF-8")));
    assert!(messages.iter().any(|m| m.contains("binary file")));
}

/// Fake tokens of many providers, in every place a config can hold one.
fn fake_tokens() -> Vec<String> {
    let f = |prefix: &str, body: &str, n: usize| format!("{prefix}{}", body.repeat(n));
    vec![
        f("ghp_", "Zx9Q", 9),
        f("github_pat_", "Zx9Q_", 16) + "Zx",
        f("gho_", "Zx9Q", 9),
        f("glpat-", "Zx9Qw", 4),
        format!("xoxb-123456789012-{}", "Zx9Q".repeat(6)),
        f("sk-proj-", "Zx9Q_w-", 10),
        f("sk-ant-api03-", "Zx9Qw", 18),
        format!("AKIA{}", "ZQWX".repeat(4)),
        f("AIza", "Zx9Q_", 7),
        f("sk_live_", "Zx9Q", 6),
        f("hf_", "ZxQwab", 5) + "abcd",
        f("npm_", "Zx9Q", 9),
        f("lin_api_", "Zx9Q", 10),
        f("sbp_", "a1b2", 10),
        f("pplx-", "Zx9Q", 12),
        f("gsk_", "Zx9Q", 13),
        "EHOtZJHMFPo3cdj8uaODsLhmF5Yt5RBQ8B0YSZnX".to_string(),
        "Tr0ub4dor-3x".to_string(),
    ]
}

#[test]
fn no_output_format_shows_a_secret() {
    let tokens = fake_tokens();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".cursor")).unwrap();
    let env: Vec<String> =
        tokens[..16].iter().enumerate().map(|(i, t)| format!("\"SERVICE_{i}_TOKEN\": \"{t}\"")).collect();
    let mcp = format!(
        "{{\n  // old key: {t0}\n  \"mcpServers\": {{\n    \"a\": {{ \"command\": \"node\", \"args\": [\"./s.js\", \"--token\", \"{t1}\", \"API_SECRET={t16}\"],\n      \"env\": {{ {env} }} }},\n    \"b\": {{ \"url\": \"https://x.example/mcp\", \"headers\": {{ \"Authorization\": \"Bearer {t2}\" }} }},\n    \"c\": {{ \"command\": \"uvx\", \"args\": [\"pg-mcp==1.0.0\"], \"env\": {{ \"DATABASE_URL\": \"postgresql://u:{t17}@db:5432/x\" }} }}\n  }}\n}}\n",
        t0 = tokens[0],
        t1 = tokens[1],
        t2 = tokens[2],
        t16 = tokens[16],
        t17 = tokens[17],
        env = env.join(", ")
    );
    std::fs::write(root.join(".cursor/mcp.json"), mcp).unwrap();
    let dotenv: String = tokens.iter().enumerate().map(|(i, t)| format!("SECRET_{i}={t}\n")).collect();
    std::fs::write(root.join(".env"), dotenv).unwrap();
    for format in ["terminal", "json", "sarif", "markdown", "github", "concise", "gitlab", "junit"] {
        let out = blastradius().args(["scan", "--format", format, "--color", "never"]).arg(root).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
        for token in &tokens {
            assert!(!text.contains(token.as_str()), "{format} output shows {token}");
        }
        if format == "json" {
            let value: serde_json::Value = serde_json::from_str(&String::from_utf8_lossy(&out.stdout)).unwrap();
            let findings = value["findings"].as_array().unwrap();
            // Every fake in the .env file is found, and each one in the config.
            let dotenv_hits = findings.iter().filter(|f| f["rule_id"] == "BR107").count();
            assert_eq!(dotenv_hits, tokens.len(), "every .env secret is found");
            assert!(findings
                .iter()
                .any(|f| f["rule_id"] == "BR101" && f["message"].as_str().unwrap().contains("ghp_****")));
        }
    }
    // Nor does the bill of materials, which lists every credential.
    for format in ["cyclonedx", "table"] {
        let out = blastradius().args(["bom", "--format", format]).arg(root).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        for token in &tokens {
            assert!(!text.contains(token.as_str()), "bom {format} shows {token}");
        }
        assert!(text.contains("ghp_****"), "bom {format} names the token masked:\n{text}");
    }
}

#[test]
fn rules_and_explain() {
    let (code, stdout, _) = run(&["rules"]);
    assert_eq!(code, 0);
    assert!(stdout.lines().any(|l| l.starts_with("BR101  critical  credential    literal-long-lived-secret ")));
    // Every title starts in one column, however long the names.
    let columns: std::collections::BTreeSet<usize> = stdout
        .lines()
        .map(|l| {
            let title = l.split("  ").map(str::trim).filter(|c| !c.is_empty()).last().unwrap();
            l.find(title).unwrap()
        })
        .collect();
    assert_eq!(columns.len(), 1, "{stdout}");
    let (code, stdout, _) = run(&["explain", "BR301"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("BR301 approvals-disabled: Tool-call approvals are turned off"));
    assert!(stdout.contains("How to fix"));
}

#[test]
fn output_file_gets_the_report_and_stderr_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("report.json");
    let out = blastradius()
        .args(["scan", "testdata/rules/BR701/positive", "--format", "json", "--output"])
        .arg(&out_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "2 findings (2 medium) in 2 files, 2 agent configs parsed\n");
    let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out_path).unwrap()).unwrap();
    assert_eq!(value["findings"][0]["rule_id"], "BR701");
    assert_eq!(value["findings"][0]["location"]["line"], 3);
}

#[test]
fn graph_of_a_crew_in_every_format() {
    let crew = "testdata/examples/crew";
    let (code, mermaid, _) = run(&["graph", crew]);
    assert_eq!(code, 0);
    assert!(mermaid.contains("== delegates_to ==>"), "the delegation path is drawn");
    insta::assert_snapshot!("graph_crew_mermaid", mermaid);
    let (_, dot, _) = run(&["graph", crew, "--format", "dot"]);
    insta::assert_snapshot!("graph_crew_dot", dot);
    let (_, json, _) = run(&["graph", crew, "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["schema_version"], 1);
    insta::assert_snapshot!("graph_crew_json", json);
}

#[test]
fn ci_graph_draws_trigger_agent_and_token() {
    let (code, dot, _) = run(&["graph", "testdata/examples/ci-agents", "--format", "dot"]);
    assert_eq!(code, 0);
    let edge = |from: &str, kind: &str, to: &str| {
        dot.lines().any(|l| l.contains(&format!("\"{from}\" -> \"{to}\"")) && l.contains(&format!("label=\"{kind}\"")))
    };
    let agent = "agent:github-actions:.github/workflows/vulnerable.yml:assist:1";
    assert!(edge("trigger:github-actions:.github/workflows/vulnerable.yml:issue_comment", "feeds", agent), "{dot}");
    assert!(edge(
        agent,
        "authenticates_with",
        "cred:github-actions:.github/workflows/vulnerable.yml:jobs.assist:GITHUB_TOKEN"
    ));
    assert!(dot.contains("trigger: issue_comment in vulnerable.yml"), "the trigger is named by its event and file");
    let (_, json, _) = run(&["graph", "testdata/examples/ci-agents", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let feeds: Vec<&serde_json::Value> =
        value["edges"].as_array().unwrap().iter().filter(|e| e["kind"] == "feeds" && e["to"] == agent).collect();
    assert_eq!(feeds.len(), 1);
    assert_eq!(feeds[0]["attributes"]["flows"], serde_json::json!(["untrusted_input"]), "an ungated outsiders' event");
    let fields = feeds[0]["attributes"]["prompt_fields"].as_array().unwrap();
    assert_eq!(fields.len(), 3, "title, comment and the issue body through env: {fields:?}");
}

#[test]
fn chaining_findings_explain_their_path() {
    let (code, terminal, _) = run(&["scan", "testdata/examples/crew", "--color", "never"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("terminal_crew", terminal);
    let (_, json, _) = run(&["scan", "testdata/examples/crew", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let chained: Vec<&serde_json::Value> =
        value["findings"].as_array().unwrap().iter().filter(|f| f["rule_id"] == "BR402").collect();
    assert_eq!(chained.len(), 1, "one finding for the researcher, naming both tools");
    let message = chained[0]["message"].as_str().unwrap();
    assert!(message.contains("`run_sql`") && message.contains("`send_email`"), "{message}");
    let steps: Vec<String> = chained[0]["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {} {}", s["node"], s["edge"], s["location"]["line"]))
        .collect();
    assert_eq!(
        steps,
        [
            r#""agent:researcher" "delegates_to" 7"#,
            r#""agent:analyst" "uses" 14"#,
            r#""tool:run_sql" null 14"#,
            r#""agent:researcher" "delegates_to" 7"#,
            r#""agent:analyst" "uses" 15"#,
            r#""tool:send_email" null 15"#,
        ]
    );
    assert_eq!(value["graph_summary"]["blast_radius"][0]["name"], "researcher");
}

#[test]
fn markdown_comment_of_the_examples() {
    for (name, path) in [("agent_repo", "testdata/examples/agent-repo"), ("bad", "testdata/bad")] {
        let (code, text, _) = run(&["scan", path, "--format", "markdown"]);
        assert_eq!(code, 1);
        insta::assert_snapshot!(format!("markdown_{name}"), text);
    }
}

#[test]
fn scanned_names_cannot_inject_into_a_comment() {
    let (_, text, _) = run(&["scan", "testdata/hostile", "--format", "markdown"]);
    let rows: Vec<&str> = text.lines().filter(|l| l.contains("BR701")).collect();
    assert_eq!(rows.len(), 3, "{text}");
    for row in rows {
        // Outside code spans (even segments between backticks) nothing is live.
        for (i, segment) in row.split('`').enumerate() {
            if i % 2 == 0 {
                assert!(!segment.contains('<'), "live HTML in {row}");
                assert!(!segment.contains("](http://evil"), "live link in {row}");
            }
        }
    }
}

#[test]
fn scanned_escape_codes_never_reach_the_terminal() {
    let (_, text, _) = run(&["scan", "testdata/hostile", "--color", "never"]);
    assert!(text.contains("evil"), "{text}");
    assert!(!text.contains('\u{1b}'), "an escape code from a scanned file reached the output");
}

#[test]
fn completions_and_man_page_come_from_the_command_line_definition() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, text, _) = run(&["completions", shell]);
        assert_eq!(code, 0);
        for command in ["baseline", "report", "diff", "bom"] {
            assert!(text.contains(command), "{shell} completions name {command}");
        }
        assert!(text.contains("fail-on-widen"), "{shell} completions know diff's flags");
    }
    let (code, man, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(man.contains(".TH blastradius 1") && man.contains("scan"), "{man}");
    assert!(man.contains(".SH \"EXIT STATUS\""), "{man}");
    // A page per command, with its own options and the exit status.
    let (code, page, _) = run(&["man", "scan"]);
    assert_eq!(code, 0);
    assert!(page.contains(".TH blastradius-scan 1"), "{page}");
    assert!(page.contains("\\-\\-min\\-severity") && page.contains(".SH \"EXIT STATUS\""), "{page}");
    let (code, page, _) = run(&["man", "diff"]);
    assert_eq!(code, 0);
    assert!(page.contains(".TH blastradius-diff 1") && page.contains("\\-\\-fail\\-on\\-widen"), "{page}");
    assert!(page.contains("no agent widened at or above"), "diff's own exit status: {page}");
    let (code, page, _) = run(&["man", "bom"]);
    assert_eq!(code, 0);
    assert!(page.contains(".TH blastradius-bom 1") && page.contains("cyclonedx"), "{page}");
    let (code, _, stderr) = run(&["man", "nope"]);
    assert_eq!(code, 2);
    assert_eq!(stderr, "error: no command `nope`; `blastradius --help` lists them\n");
}

#[test]
fn suppressions_work_in_jsonc_yaml_and_dotenv_comments() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".vscode")).unwrap();
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    std::fs::write(
        dir.path().join(".vscode/mcp.json"),
        "{\n  \"servers\": {\n    \"lab\": {\n      // blastradius: ignore[BR701] lab network, no credentials\n      \"url\": \"http://lab.internal.example/mcp\"\n    }\n  }\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("config/agents.yaml"),
        "coder:\n  role: Developer\n  goal: Write code\n  backstory: x\n  allow_code_execution: true\n  code_execution_mode: unsafe # blastradius: ignore[unsafe-code-execution] runs in a throwaway VM\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".env"),
        "# blastradius: ignore[BR107] a revoked token kept for the parser tests\nGITHUB_TOKEN=ghp_Zx9QZx9QZx9QZx9QZx9QZx9QZx9QZx9QZx9Q\n",
    )
    .unwrap();
    let out = blastradius().args(["scan", "--format", "json"]).arg(dir.path()).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> =
        report["findings"].as_array().unwrap().iter().map(|f| f["rule_id"].as_str().unwrap()).collect();
    assert!(!ids.contains(&"BR701") && !ids.contains(&"BR204") && !ids.contains(&"BR107"), "{ids:?}");
    assert!(!ids.iter().any(|id| id.starts_with("BR90")), "the suppressions are used and give reasons: {ids:?}");
}

#[test]
fn user_audit_scans_this_machines_configs_as_one_graph() {
    let home = root().join("testdata/home");
    let out = blastradius().env("HOME", &home).args(["scan", "--user", "--format", "json"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    for found in [
        "~/.claude.json",
        "~/.cursor/mcp.json",
        "~/.config/goose/config.yaml",
        "~/Library/Application Support/Claude/claude_desktop_config.json",
    ] {
        assert!(
            stderr.lines().any(|l| l.starts_with("  found") && l.ends_with(found)),
            "{found} not listed as found:\n{stderr}"
        );
    }
    assert!(stderr.contains("not found: ") && stderr.contains("~/.codex/config.toml"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let home_text = home.display().to_string();
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&home_text), "paths show ~, not the home directory");
    let seen: Vec<String> = findings
        .iter()
        .map(|f| format!("{} {}", f["rule_id"].as_str().unwrap(), f["location"]["path"].as_str().unwrap()))
        .collect();
    for expected in [
        "BR101 ~/.cursor/mcp.json",
        "BR104 ~/.claude.json",
        "BR301 ~/.config/goose/config.yaml",
        "BR201 ~/Library/Application Support/Claude/claude_desktop_config.json",
    ] {
        assert!(seen.iter().any(|s| s == expected), "missing {expected}: {seen:#?}");
    }
    // Per-project servers of ~/.claude.json belong to that project's agent.
    let radii = report["graph_summary"]["blast_radius"].as_array().unwrap();
    assert!(radii.iter().any(|r| r["agent"] == "agent:claude-code:/Users/dev/work/api"), "{radii:#?}");
    // The graph and the threat model of the same machine.
    let out = blastradius().env("HOME", &home).args(["graph", "--user", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let graph: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let nodes = graph["nodes"].as_array().unwrap();
    assert!(nodes.iter().any(|n| n["id"] == "agent:claude-code:/Users/dev/work/api"), "{nodes:#?}");
    let out = blastradius().env("HOME", &home).args(["report", "--user"]).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("~/.cursor/mcp.json") && !report.contains(&home_text), "{report}");
}

#[test]
fn no_output_format_shows_a_secret_kept_in_a_url_a_command_or_a_grant() {
    let token = "ghp_Zx9QZx9QZx9QZx9QZx9QZx9QZx9QZx9QZx9Q";
    let query_key = "Zq8vL2mxR4Tp7Wn3Ks9Yb6Hd";
    let password = "hunter2-Qw8E";
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".claude")).unwrap();
    std::fs::write(
        dir.path().join(".mcp.json"),
        format!(
            r#"{{ "mcpServers": {{
  "q": {{ "type": "http", "url": "http://x.example/mcp?api_key={query_key}&v=2" }},
  "u": {{ "type": "http", "url": "http://bot:{password}@y.example/mcp" }},
  "bridge": {{ "command": "npx", "args": ["-y", "mcp-remote@0.1.2", "https://z.example/mcp?token={token}"] }}
}} }}"#
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".claude/settings.json"),
        format!(
            r#"{{ "permissions": {{ "allow": ["Bash(curl -H 'Authorization: Bearer {token}':*)"] }},
  "hooks": {{ "Stop": [{{ "hooks": [{{ "type": "command", "command": "curl -H 'Authorization: Bearer {token}' https://hook.example" }}] }}] }} }}"#
        ),
    )
    .unwrap();
    let runs: &[&[&str]] = &[
        &["scan", "--color", "never"],
        &["scan", "--format", "json"],
        &["scan", "--format", "sarif"],
        &["scan", "--format", "markdown"],
        &["scan", "--format", "github"],
        &["scan", "--format", "concise"],
        &["scan", "--format", "gitlab"],
        &["scan", "--format", "junit"],
        &["scan", "--statistics"],
        &["graph", "--format", "mermaid"],
        &["graph", "--format", "dot"],
        &["graph", "--format", "json"],
        &["report", "--format", "markdown"],
        &["report", "--format", "html"],
    ];
    for args in runs {
        let out = blastradius().args(*args).arg(dir.path()).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
        assert!(!text.is_empty(), "{args:?} printed nothing");
        for secret in [token, query_key, password] {
            assert!(!text.contains(secret), "{args:?} shows {secret}");
        }
    }
}

#[test]
fn github_annotations_of_the_example() {
    let (code, stdout, _) = run(&["scan", "testdata/examples/agent-repo", "--format", "github"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("github_example", stdout);
}

#[test]
fn concise_gitlab_and_junit_reports_of_the_example() {
    let (code, concise, _) = run(&["scan", "testdata/examples/agent-repo", "--format", "concise"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("concise_example", concise);
    let (code, junit, _) = run(&["scan", "testdata/examples/agent-repo", "--format", "junit", "--select", "BR1"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("junit_example", junit);
    let (code, gitlab, _) = run(&["scan", "testdata/examples/agent-repo", "--format", "gitlab"]);
    assert_eq!(code, 1);
    // The shape GitLab documents for a Code Quality report.
    let entries: serde_json::Value = serde_json::from_str(&gitlab).unwrap();
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 12);
    let mut fingerprints = std::collections::HashSet::new();
    for entry in entries {
        assert!(entry["description"].as_str().is_some_and(|d| !d.is_empty()));
        assert!(entry["check_name"].as_str().is_some_and(|c| c.starts_with("BR")));
        assert!(["info", "minor", "major", "critical", "blocker"].contains(&entry["severity"].as_str().unwrap()));
        assert!(entry["location"]["path"].as_str().is_some_and(|p| !p.starts_with('/')));
        assert!(entry["location"]["lines"]["begin"].as_u64().is_some_and(|l| l >= 1));
        assert!(fingerprints.insert(entry["fingerprint"].as_str().unwrap().to_string()), "fingerprints are unique");
    }
    assert_eq!(entries[0]["check_name"], "BR101");
    assert_eq!(entries[0]["severity"], "blocker");
    assert_eq!(entries[0]["location"]["path"], ".mcp.json");
    assert_eq!(entries[0]["location"]["lines"]["begin"], 6);
}

#[test]
fn select_ignore_and_minimums_filter_findings_and_the_exit_code() {
    let concise = |args: &[&str]| {
        let mut all = vec!["scan", "testdata/examples/agent-repo", "--format", "concise"];
        all.extend_from_slice(args);
        let (code, stdout, stderr) = run(&all);
        let rules: Vec<String> = stdout
            .lines()
            .filter_map(|l| l.split(' ').nth(2))
            .filter(|r| r.starts_with("BR"))
            .map(String::from)
            .collect();
        (code, rules, stderr)
    };
    // A family, a name and a category, comma-separated.
    let (code, rules, _) = concise(&["--select", "BR1,unpinned-package,transport"]);
    assert_eq!(code, 1);
    assert_eq!(rules, ["BR101", "BR104", "BR106", "BR601", "BR110", "BR701"]);
    let (_, rules, _) = concise(&["--select", "credential", "--ignore", "br104,BR11"]);
    assert_eq!(rules, ["BR101", "BR106"]);
    let (_, rules, _) = concise(&["--min-severity", "high", "--ignore", "toxic-flow"]);
    assert_eq!(rules, ["BR101", "BR203", "BR602", "BR104", "BR201", "BR106"]);
    // Nothing left: the run passes.
    let (code, rules, _) = concise(&["--select", "BR305", "--min-severity", "medium"]);
    assert_eq!((code, rules.len()), (0, 0));
    // A selector that names no rule is a usage error, not an empty report.
    let (code, _, stderr) = concise(&["--select", "BR99"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("error: no rule `BR99`"), "{stderr}");
    let (code, _, stderr) = concise(&["--min-severity", "severe"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("possible values: critical, high, medium, low, info"), "{stderr}");
}

#[test]
fn min_confidence_leaves_out_findings_built_on_tool_names() {
    let args = ["scan", "testdata/examples/crew", "--format", "concise"];
    let (code, all, _) = run(&args);
    assert_eq!(code, 1);
    assert!(all.contains("MEDIUM BR501"), "{all}");
    let (code, sure, _) = run(&[&args[..], &["--min-confidence", "medium"]].concat());
    assert_eq!(code, 0);
    assert!(!sure.contains("BR501") && !sure.contains("BR402"), "{sure}");
    let (_, json, _) = run(&["scan", "testdata/examples/crew", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let confidences: Vec<&str> =
        value["findings"].as_array().unwrap().iter().map(|f| f["confidence"].as_str().unwrap()).collect();
    assert_eq!(confidences, ["low", "low"]);
}

#[test]
fn quiet_and_statistics_print_what_they_say() {
    let (code, quiet, _) = run(&["scan", "testdata/examples/agent-repo", "--quiet"]);
    assert_eq!(code, 1);
    assert_eq!(quiet, "12 findings (1 critical, 6 high, 4 medium, 1 low) in 4 files, 4 agent configs parsed\n");
    let (code, statistics, _) = run(&["scan", "testdata/examples/agent-repo", "--statistics", "--color", "never"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("statistics_example", statistics);
}

#[test]
fn terminal_sorts_by_severity_or_path_and_collapses_repeats() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".claude")).unwrap();
    // Two identical grants in one file: one block, two places.
    std::fs::write(
        dir.path().join(".claude/settings.json"),
        r#"{ "permissions": { "allow": ["Bash(*)", "Read"], "defaultMode": "acceptEdits" },
  "env": { "X": "1" }, "permissions2": null }
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".mcp.json"),
        r#"{ "mcpServers": {
  "a": { "command": "npx", "args": ["-y", "same-pkg"] },
  "b": { "command": "npx", "args": ["-y", "same-pkg"] },
  "gh": { "command": "node", "args": ["s.js"], "env": { "GITHUB_TOKEN": "ghp_Zx9QZx9QZx9QZx9QZx9QZx9QZx9QZx9QZx9Q" } }
} }
"#,
    )
    .unwrap();
    let headers = |args: &[&str]| {
        let out = blastradius().args(["scan", "--color", "never"]).args(args).arg(dir.path()).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let heads: Vec<String> = text
            .lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()) && l.contains(" BR"))
            .map(String::from)
            .collect();
        (heads, text)
    };
    let (by_severity, text) = headers(&[]);
    assert_eq!(by_severity, ["critical BR101", "high BR202", "medium BR601", "medium BR110", "low BR305"]);
    assert!(text.contains("  and 1 more: .mcp.json:3:43\n"), "{text}");
    assert!(text.contains("  docs: https://github.com/"), "{text}");
    assert!(text.contains("/docs/rules.md#br101\n"), "{text}");
    let (by_path, _) = headers(&["--sort", "path"]);
    assert_eq!(by_path, ["high BR202", "low BR305", "medium BR601", "critical BR101", "medium BR110"]);
}

#[test]
fn pull_request_comment_fits_githubs_limit_keeping_the_most_severe() {
    let dir = tempfile::tempdir().unwrap();
    let mut servers: Vec<String> = (0..1500)
        .map(|i| format!("\"server-{i}\": {{\"command\": \"npx\", \"args\": [\"-y\", \"pkg-{i}\"]}}"))
        .collect();
    servers.push(r#""gh": {"command": "node", "args": ["s.js"], "env": {"GITHUB_TOKEN": "ghp_Zx9QZx9QZx9QZx9QZx9QZx9QZx9QZx9QZx9Q"}}"#.into());
    std::fs::write(dir.path().join(".mcp.json"), format!("{{\"mcpServers\": {{{}}}}}", servers.join(",\n"))).unwrap();
    let out = blastradius().args(["scan", "--format", "markdown", "--sort", "path"]).arg(dir.path()).output().unwrap();
    let comment = String::from_utf8(out.stdout).unwrap();
    assert!(comment.chars().count() <= 60_000, "{} characters", comment.chars().count());
    assert!(comment.contains("## blastradius: 1502 findings"), "{}", &comment[..300]);
    // Many findings are grouped by rule, most severe first: the critical
    // token is kept though it comes last by path.
    let summaries: Vec<&str> = comment.lines().filter(|l| l.starts_with("<details><summary>")).collect();
    assert_eq!(
        summaries,
        ["<details><summary>🔴 <b>BR101</b> Long-lived secret written in an agent config (1)</summary>", summaries[1],]
    );
    assert!(summaries[1].starts_with("<details><summary>🟡 <b>BR601</b> "), "{}", summaries[1]);
    let more = comment.lines().rev().find(|l| !l.is_empty()).unwrap();
    assert!(
        more.starts_with("**")
            && more.ends_with("more findings**, less severe than those above: see the SARIF report or the job log."),
        "{more}"
    );
    let shown = comment.lines().filter(|l| l.starts_with("| `")).count();
    let omitted: usize = more.trim_start_matches("**").split(' ').next().unwrap().parse().unwrap();
    assert_eq!(shown + omitted, 1502);
}

#[test]
fn chain_steps_name_nodes_as_the_graph_does() {
    for example in ["testdata/examples/crew", "testdata/examples/agent-repo"] {
        let (_, scan, _) = run(&["scan", example, "--format", "json"]);
        let (_, graph, _) = run(&["graph", example, "--format", "json"]);
        let scan: serde_json::Value = serde_json::from_str(&scan).unwrap();
        let graph: serde_json::Value = serde_json::from_str(&graph).unwrap();
        let ids: std::collections::HashSet<&str> =
            graph["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
        let steps: Vec<&serde_json::Value> = scan["findings"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| f["chain"].as_array().into_iter().flatten())
            .collect();
        assert!(!steps.is_empty(), "{example} has chains");
        for step in steps {
            assert!(ids.contains(step["id"].as_str().unwrap()), "{example}: {step} is not a graph node");
        }
    }
}

#[test]
fn one_thread_and_many_give_the_same_bytes() {
    // Every adapter fixture and rule example at once: many files, many
    // findings, chains, errors (the hostile fixtures), in every ordered format.
    for format in ["json", "sarif", "terminal", "github"] {
        let one = run(&["-j", "1", "scan", "testdata", "--no-config", "--format", format, "--color", "never"]);
        let many = run(&["scan", "testdata", "--no-config", "--format", format, "--color", "never", "--threads", "4"]);
        assert_eq!(one.0, 1, "{format}: exit code");
        assert!(one.1.len() > 10_000, "{format}: a real report, {} bytes", one.1.len());
        assert_eq!(one, many, "{format}: one thread and four differ");
        // Standard error is a pipe here: no progress line, whatever the format.
        assert!(!one.2.contains("files read"), "{format}: {}", one.2);
    }
}

#[test]
fn bypass_mode_grants_claude_codes_own_tools_except_the_denied() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".claude")).unwrap();
    let settings = r#"{ "permissions": { "defaultMode": "bypassPermissions", "deny": ["Bash", "WebFetch"] } }"#;
    std::fs::write(dir.path().join(".claude/settings.json"), settings).unwrap();
    let out = blastradius().args(["graph", "--format", "json"]).arg(dir.path()).output().unwrap();
    let graph: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut granted: Vec<(String, String)> = graph["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| {
            let grant = e["attributes"]["grant"].as_str()?;
            grant.ends_with("(bypassPermissions)").then(|| (grant.to_string(), e["attributes"]["scope"].to_string()))
        })
        .collect();
    granted.sort();
    let mode = "\"approval-mode\"".to_string();
    assert_eq!(
        granted,
        [("Edit (bypassPermissions)".to_string(), mode.clone()), ("WebSearch (bypassPermissions)".to_string(), mode)]
    );
    // The mode is reported once (BR301), not again as an unrestricted shell.
    let out = blastradius().args(["scan", "--format", "concise"]).arg(dir.path()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("BR301") && !text.contains("BR202"), "{text}");
}

/// A CI step's inline config (`mcp_config`, `settings`, `--mcp-config
/// '{…}'`) is read as a config of its agent: findings point into the
/// workflow, at the setting's own line and column; one that does not parse
/// is an error there, and the rest of the workflow is still read.
#[test]
fn inline_configs_in_ci_steps_are_read_where_they_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    let workflow = r#"on:
  issues:
    types: [opened]
permissions:
  contents: read
jobs:
  gemini:
    runs-on: ubuntu-latest
    steps:
      - uses: google-github-actions/run-gemini-cli@9a7c3b2e1d0f8e7d6c5b4a3928171605f4e3d2c1
        with:
          settings: |-
            {
              "debug": ${{ fromJSON(env.DEBUG || false) }},
              "tools": { "allowed": ["run_shell_command"] }
            }
  claude:
    runs-on: ubuntu-latest
    steps:
      - uses: anthropics/claude-code-action@0d4b1f1bb4c4e2d1c8e0a9b7a6f5e4d3c2b1a090
        with:
          mcp_config: '{"mcpServers": {"db": {"command": "npx", "args": ["-y", "pg-mcp@1.0.0", "postgresql://app:Zx9Qw7Lm@db:5432/app"]}}}'
          settings: '{"permissions": {"allow": ["Bash"]'
      - run: claude -p --mcp-config '{"mcpServers":{"fs":{"command":"npx","args":["@modelcontextprotocol/server-filesystem@2025.8.21","/"]}}}' "hi"
"#;
    std::fs::write(workflows.join("agents.yml"), workflow).unwrap();
    let out = blastradius().args(["scan", "--format", "json"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let at = |rule: &str| -> Vec<(u64, u64)> {
        value["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule_id"] == rule)
            .map(|f| (f["location"]["line"].as_u64().unwrap(), f["location"]["column"].as_u64().unwrap()))
            .collect()
    };
    assert_eq!(at("BR202"), vec![(15, 38)], "`run_shell_command` in the block scalar");
    assert_eq!(at("BR104"), vec![(22, 114)], "the password in the quoted mcp_config");
    assert_eq!(at("BR201"), vec![(24, 135)], "`/` in the --mcp-config argument");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("Zx9Qw7Lm"), "the password is not shown");
    let errors = value["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        (errors[0]["line"].as_u64(), errors[0]["column"].as_u64()),
        (Some(23), Some(38)),
        "the object left open"
    );
    assert_eq!(
        errors[0]["message"],
        "`jobs.claude.steps[0].with.settings` holds a Claude Code config that does not parse: invalid JSON: Unterminated object"
    );
    let (_, concise, _) = run(&["scan", dir.path().to_str().unwrap(), "--format", "concise"]);
    assert!(
        concise.contains("agents.yml:23:38: ERROR rest analysed: `jobs.claude.steps[0].with.settings`"),
        "{concise}"
    );
}

/// A folder named as the scan root still counts in a file's name: the
/// workflows under `.github` were not read when `.github` was the root.
#[test]
fn a_config_folder_named_as_the_root_is_still_recognised() {
    let example = root().join("testdata/examples/ci-agents");
    let findings = |path: &str| {
        let out = blastradius().current_dir(&example).args(["scan", path, "--format", "json", "--no-config"]).output();
        let value: serde_json::Value = serde_json::from_slice(&out.unwrap().stdout).unwrap();
        let mut seen: Vec<String> = value["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {}", f["rule_id"].as_str().unwrap(), f["location"]["path"].as_str().unwrap()))
            .collect();
        seen.sort();
        seen.dedup();
        assert!(!seen.is_empty(), "nothing found scanning {path}");
        seen
    };
    let (whole, github, workflows) = (findings("."), findings(".github"), findings(".github/workflows"));
    // The same findings, shown relative to the folder scanned.
    let relative: Vec<String> = whole.iter().map(|f| f.replacen(".github/", "", 1)).collect();
    assert_eq!(github, relative);
    let relative: Vec<String> = whole.iter().map(|f| f.replacen(".github/workflows/", "", 1)).collect();
    assert_eq!(workflows, relative);
}
