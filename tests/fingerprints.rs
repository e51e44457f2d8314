//! Fingerprints identify a finding across edits: they survive lines added
//! above, reformatting and key reordering, and change when the substance of
//! the finding changes (another token, another path).

use std::path::Path;

use blastradius::engine::builtin_rules;

const TOKEN_A: &str = "ghp_Zx9QZx9QZx9QZx9QZx9QZx9QZx9QZx9QZx9Q";
const TOKEN_B: &str = "ghp_Qw8EQw8EQw8EQw8EQw8EQw8EQw8EQw8EQw8E";

/// (rule, line, fingerprint) of each finding for one `.mcp.json` text.
fn fingerprints(dir: &Path, mcp: &str) -> Vec<(String, usize, String)> {
    std::fs::write(dir.join(".mcp.json"), mcp).unwrap();
    let rules: Vec<_> = builtin_rules().unwrap().into_iter().map(|(_, r)| r).collect();
    let output = blastradius::scan::scan(&[dir.to_path_buf()], &rules);
    assert!(output.errors.is_empty(), "{:?}", output.errors);
    // The two findings this test follows: the token (BR101) and the root path (BR201).
    let mut found: Vec<_> = output
        .findings
        .iter()
        .filter(|f| f.rule_id == "BR101" || f.rule_id == "BR201")
        .map(|f| (f.rule_id.clone(), f.location.line, f.fingerprint.clone()))
        .collect();
    found.sort();
    found
}

fn config(token: &str, root: &str) -> String {
    format!(
        r#"{{"mcpServers": {{
  "search": {{"command": "npx", "args": ["-y", "@modelcontextprotocol/server-brave-search@0.6.2"], "env": {{"GITHUB_TOKEN": "{token}"}}}},
  "fs": {{"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.8.21", "{root}"]}}
}}}}"#
    )
}

fn only_fingerprints(found: &[(String, usize, String)]) -> Vec<(String, String)> {
    found.iter().map(|(r, _, f)| (r.clone(), f.clone())).collect()
}

#[test]
fn fingerprints_survive_moves_and_change_with_substance() {
    let dir = tempfile::tempdir().unwrap();
    let base = fingerprints(dir.path(), &config(TOKEN_A, "/"));
    let rules: Vec<&str> = base.iter().map(|(r, _, _)| r.as_str()).collect();
    assert_eq!(rules, ["BR101", "BR201"]);

    // Lines added above, and the servers reordered and reformatted.
    let moved = format!(
        "{{\n\n\n  \"mcpServers\": {{\n    \"fs\": {{\n      \"args\": [\"-y\", \"@modelcontextprotocol/server-filesystem@2025.8.21\", \"/\"],\n      \"command\": \"npx\"\n    }},\n    \"search\": {{\n      \"env\": {{ \"GITHUB_TOKEN\": \"{TOKEN_A}\" }},\n      \"command\": \"npx\",\n      \"args\": [\"-y\", \"@modelcontextprotocol/server-brave-search@0.6.2\"]\n    }}\n  }}\n}}\n"
    );
    let after = fingerprints(dir.path(), &moved);
    assert_ne!(
        base.iter().map(|f| f.1).collect::<Vec<_>>(),
        after.iter().map(|f| f.1).collect::<Vec<_>>(),
        "lines moved"
    );
    assert_eq!(only_fingerprints(&base), only_fingerprints(&after));

    // Another token: the credential finding is a new one; the path one is not.
    let other_token = fingerprints(dir.path(), &config(TOKEN_B, "/"));
    assert_ne!(base[0].2, other_token[0].2);
    assert_eq!(base[1].2, other_token[1].2);

    // Another path: the filesystem finding is a new one.
    let other_path = fingerprints(dir.path(), &config(TOKEN_A, "~"));
    assert_eq!(base[0].2, other_path[0].2);
    assert_ne!(base[1].2, other_path[1].2);
}
