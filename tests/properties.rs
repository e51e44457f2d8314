//! Properties over generated input (proptest): the readers never panic and
//! keep every span inside the text; no output of any format shows a secret
//! of any catalogued format, wherever it is put; fingerprints survive
//! reformatting; output does not depend on the order files are found in.

use std::path::{Path, PathBuf};

use blastradius::engine::Rule;
use blastradius::report;
use blastradius::source::{self, Syntax};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

fn rules() -> Vec<Rule> {
    blastradius::engine::builtin_rules().unwrap().into_iter().map(|(_, r)| r).collect()
}

/// Every output a user can ask for, concatenated.
fn every_output(paths: &[PathBuf], rules: &[Rule]) -> Vec<(String, String)> {
    let output = blastradius::scan::scan(paths, rules);
    let findings = &output.findings;
    let model = report::threat_model::build(&output, findings, rules);
    vec![
        (
            "terminal".into(),
            report::terminal::render(
                &output,
                findings,
                &report::terminal::Options { color: false, width: 100, ..Default::default() },
            ),
        ),
        (
            "terminal colour".into(),
            report::terminal::render(
                &output,
                findings,
                &report::terminal::Options { color: true, width: 100, ..Default::default() },
            ),
        ),
        ("json".into(), report::json::render(&output, findings)),
        ("github".into(), report::github::render(&output, findings)),
        ("concise".into(), report::concise::render(&output, findings)),
        ("gitlab".into(), report::gitlab::render(&output, findings)),
        ("junit".into(), report::junit::render(&output, findings, &rules.iter().collect::<Vec<_>>())),
        ("sarif".into(), report::sarif::render(&output, findings, rules)),
        ("markdown".into(), report::markdown::render(&output, findings, rules).unwrap()),
        ("report md".into(), report::threat_model::markdown(&model).unwrap()),
        ("report html".into(), report::threat_model::html(&model).unwrap()),
        ("mermaid".into(), report::graph::mermaid(&output.graph)),
        ("dot".into(), report::graph::dot(&output.graph)),
        ("graph json".into(), report::graph::json(&output.graph)),
        ("baseline".into(), blastradius::baseline::render(&blastradius::baseline::from_findings(findings))),
    ]
}

/// No control character but newline and tab; SGR colour codes only where
/// colour was asked for.
fn assert_no_controls(name: &str, text: &str) {
    let stripped = if name.contains("colour") {
        // SGR colours, and the OSC 8 links to our own rule docs (a fixed URL,
        // never text from a scanned file).
        let sgr = regex::Regex::new(
            "\u{1b}\\[[0-9;]*m|\u{1b}\\]8;;(https://github\\.com/[a-z/]+/docs/rules\\.md#br[0-9]+)?\u{1b}\\\\",
        )
        .unwrap();
        sgr.replace_all(text, "").into_owned()
    } else {
        text.to_string()
    };
    if let Some(c) = stripped.chars().find(|c| c.is_control() && *c != '\n' && *c != '\t') {
        panic!("{name} wrote control character {:?}", c);
    }
}

proptest! {
    #![proptest_config(Config { cases: 256, ..Config::default() })]

    #[test]
    fn readers_never_panic_and_spans_stay_inside(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        for syntax in [Syntax::Json, Syntax::Yaml, Syntax::Toml, Syntax::Dotenv, Syntax::FrontMatter] {
            if let Ok(parsed) = source::parse_file(&text, syntax) {
                for span in &parsed.literals {
                    prop_assert!(span.start <= span.end && span.end <= text.len());
                    prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
                }
            }
        }
    }

    #[test]
    fn structured_text_never_panics(doc in r#"\{("[a-z$`<>\\]{0,6}": ("[ -~]{0,12}"|\[\]|\{\}|true|1), ){0,5}"x": 1\}"#) {
        let _ = source::parse_file(&doc, Syntax::Json);
        let yaml = doc.replace(['{', '}'], " ");
        let _ = source::parse_file(&yaml, Syntax::Yaml);
    }
}

/// One generated token for every catalogued format (a fixed seed: the same
/// tokens every run), placed as a value, a server name, a comment and a
/// directory name: no output shows its body, and none writes a control
/// character.
#[test]
fn no_output_shows_a_generated_token_of_any_catalogued_format() {
    let catalog = blastradius::catalog::TokenCatalog::get();
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]));
    let rules = rules();
    let mut checked = 0;
    for format in &catalog.formats {
        let Ok(strategy) = proptest::string::string_regex(&format.pattern) else { continue };
        let token = strategy.new_tree(&mut runner).unwrap().current();
        // Only tokens the catalog itself recognises, whose body is random enough
        // not to occur in output by chance.
        let found = catalog.find_all(&token);
        let Some(m) = found.first().filter(|m| m.start == 0 && m.end == token.len()) else { continue };
        let body = &token[format.prefix.len().min(token.len())..];
        if body.len() < 12 || blastradius::redact::shannon_entropy(body) < 3.0 || m.public {
            continue;
        }
        let needle = &body[body.len() / 2 - 6..body.len() / 2 + 6];
        let json = |s: &str| serde_json::to_string(s).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let sub =
            if token.contains(['/', '\\', '\0']) || token.len() > 200 { "plain".to_string() } else { token.clone() };
        let root = dir.path().join(&sub);
        std::fs::create_dir_all(root.join(".vscode")).unwrap();
        std::fs::write(
            root.join(".mcp.json"),
            format!(
                "{{\"mcpServers\": {{{}: {{\"command\": \"npx\", \"args\": [\"-y\", \"srv@1.0.0\", \"--token\", {}], \"env\": {{\"API_KEY\": {}}}}}}}}}",
                json(&token), json(&token), json(&token)
            ),
        )
        .unwrap();
        std::fs::write(
            root.join(".vscode/mcp.json"),
            format!("{{\n  // {token}\n  \"servers\": {{\"s\": {{\"url\": \"https://x.example/mcp?token={token}\"}}}}\n}}\n"),
        )
        .unwrap();
        std::fs::write(root.join(".env"), format!("# {token}\nTOKEN={token}\n")).unwrap();
        for (name, text) in every_output(&[dir.path().to_path_buf()], &rules) {
            if let Some(at) = text.find(needle) {
                let context = &text[text[..at].char_indices().rev().nth(80).map_or(0, |(i, _)| i)..];
                panic!(
                    "{}: {name} shows the token body: …{}",
                    format.id,
                    context.chars().take(160).collect::<String>()
                );
            }
            assert_no_controls(&name, &text);
        }
        checked += 1;
    }
    assert!(checked >= 60, "only {checked} of {} token formats generated", catalog.formats.len());
}

fn servers_json(servers: &[(String, String)], pretty: bool) -> String {
    let mut map = serde_json::Map::new();
    for (name, package) in servers {
        map.insert(name.clone(), serde_json::json!({"command": "npx", "args": ["-y", package]}));
    }
    let doc = serde_json::json!({ "mcpServers": map });
    if pretty {
        serde_json::to_string_pretty(&doc).unwrap()
    } else {
        serde_json::to_string(&doc).unwrap()
    }
}

fn fingerprints(dir: &Path, rules: &[Rule]) -> Vec<String> {
    let mut prints: Vec<String> = blastradius::scan::scan(&[dir.to_path_buf()], rules)
        .findings
        .iter()
        .map(|f| format!("{} {}", f.rule_id, f.fingerprint))
        .collect();
    prints.sort();
    prints
}

proptest! {
    #![proptest_config(Config { cases: 24, ..Config::default() })]

    #[test]
    fn fingerprints_survive_whitespace_key_order_and_line_moves(
        servers in proptest::collection::btree_map("[a-z]{3,8}", "[a-z]{3,10}", 1..6),
        blank_lines in 0usize..5,
    ) {
        let rules = rules();
        let servers: Vec<(String, String)> = servers.into_iter().collect();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".mcp.json"), servers_json(&servers, false)).unwrap();
        let before = fingerprints(dir.path(), &rules);
        let mut reordered = servers.clone();
        reordered.reverse();
        let moved = format!("{}{}", "\n".repeat(blank_lines), servers_json(&reordered, true));
        std::fs::write(dir.path().join(".mcp.json"), moved).unwrap();
        prop_assert_eq!(before, fingerprints(dir.path(), &rules));
    }

    #[test]
    fn output_does_not_depend_on_the_order_files_are_found_in(
        names in proptest::collection::btree_set("[a-z]{1,6}", 2..5),
    ) {
        let rules = rules();
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let path = dir.path().join(name).join(".mcp.json");
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let servers = vec![(format!("s{i}"), format!("pkg{i}")), ("shared".to_string(), "common".to_string())];
            std::fs::write(&path, servers_json(&servers, true)).unwrap();
            paths.push(path);
        }
        let forward = every_output(&paths, &rules);
        paths.reverse();
        let backward = every_output(&paths, &rules);
        for ((name, a), (_, b)) in forward.iter().zip(&backward) {
            prop_assert!(a == b, "{} differs with the order of the files", name);
        }
    }
}
