//! The threat-model report: Markdown and HTML snapshots, and the HTML loaded
//! in a real headless browser (Debian's chromium, which .ci/run installs):
//! seven layer sections, the diagram drawn, and no script from scanned
//! content run. Without chromium the browser test says it skipped, except
//! in CI (CI=true), where a missing browser is a failure.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;

mod common;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn report(path: &str, format: &str) -> (i32, String) {
    document("report", path, format)
}

/// `blastradius bom PATH --format FORMAT`.
fn bom(path: &str, format: &str) -> (i32, String) {
    document("bom", path, format)
}

/// A document command's exit code and text, its date fixed, the version masked.
fn document(command: &str, path: &str, format: &str) -> (i32, String) {
    let out = Command::cargo_bin("blastradius")
        .unwrap()
        .current_dir(root())
        .env("SOURCE_DATE_EPOCH", "0")
        .args([command, path, "--format", format])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap().replace(env!("CARGO_PKG_VERSION"), "[version]");
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn markdown_and_html_reports_of_the_examples() {
    for (name, path) in [("agent_repo", "testdata/examples/agent-repo"), ("crew", "testdata/examples/crew")] {
        let (code, markdown) = report(path, "markdown");
        assert_eq!(code, 0, "findings do not fail a report");
        insta::assert_snapshot!(format!("report_md_{name}"), markdown);
        let (_, html) = report(path, "html");
        insta::assert_snapshot!(format!("report_html_{name}"), html);
    }
}

#[test]
fn every_layer_has_its_section() {
    let mut targets = vec!["testdata/examples/crew".to_string()];
    targets.extend(common::shared("corpus").map(|c| c.to_string_lossy().to_string()));
    for target in targets {
        layer_sections(&report(&target, "markdown").1, &target);
    }
}

fn layer_sections(markdown: &str, target: &str) {
    for heading in [
        "## Summary",
        "## Trust boundaries",
        "## Data flows across boundaries",
        "## Threats",
        "## MAESTRO layers",
        "### L1 Foundation Models",
        "### L2 Data Operations",
        "### L3 Agent Frameworks",
        "### L4 Deployment and Infrastructure",
        "### L5 Evaluation and Observability",
        "### L6 Security and Compliance",
        "### L7 Agent Ecosystem",
        "## Cross-layer chains",
        "## Control scorecard",
        "## Standards matrix",
        "## Remediation plan",
    ] {
        assert!(markdown.contains(heading), "{target}: missing {heading}");
    }
}

/// One threat per rule, each written once: the layers list it by id.
#[test]
fn each_threat_appears_once_and_layers_refer_to_it() {
    let (_, markdown) = report("testdata/examples/agent-repo", "markdown");
    let headings: Vec<&str> = markdown.lines().filter(|l| l.starts_with("### TM-")).collect();
    assert!(headings.len() >= 5, "{markdown}");
    for heading in &headings {
        assert_eq!(markdown.matches(heading).count(), 1, "{heading} repeated");
        let id = heading.trim_start_matches("### ").split(':').next().unwrap();
        assert!(markdown.contains(&format!("- {id} ")), "{id} is listed under no layer");
    }
    // A layer with nothing in scope says what was looked for.
    assert!(markdown.contains("### L2 Data Operations\n\nNothing in scope. Looked for databases"), "{markdown}");
}

/// An agent that holds a long-lived key never scores "met" on just-in-time
/// credentials; one that holds none is "unknown", not "met".
#[test]
fn the_scorecard_is_honest() {
    let (_, markdown) = report("testdata/examples/agent-repo", "markdown");
    let scorecard = &markdown[markdown.find("## Control scorecard").unwrap()..markdown.find("## Inventory").unwrap()];
    let row = |agent: &str| -> Vec<String> {
        let line =
            scorecard.lines().find(|l| l.starts_with(&format!("| {agent} |"))).unwrap_or_else(|| panic!("{scorecard}"));
        line.split(" | ").map(|cell| cell.trim_matches(|c| c == '|' || c == ' ').to_string()).collect()
    };
    // Agent, workload identity, just-in-time credentials, runtime authorization, allowlist, audit.
    let claude = row("claude-code");
    assert!(claude[2].starts_with("**not met**: long-lived: ghp\\_\\*\\*\\*\\*"), "{claude:?}");
    assert!(claude[3].starts_with("**not met**: BR203 at .claude/settings.json:3:39"), "{claude:?}");
    let codex = row("codex");
    assert_eq!(codex[2], "**unknown**", "no credential is no evidence: {codex:?}");
    assert!(codex[3].starts_with("**met**: a person approves tool calls"), "{codex:?}");
}

/// Telemetry that records each tool call is evidence of audit logging.
#[test]
fn telemetry_meets_audit_logging() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".claude")).unwrap();
    std::fs::write(
        dir.path().join(".claude/settings.json"),
        r#"{ "env": { "CLAUDE_CODE_ENABLE_TELEMETRY": "1" }, "permissions": { "allow": ["Edit"] } }"#,
    )
    .unwrap();
    let (_, markdown) = report(&dir.path().to_string_lossy(), "markdown");
    let scorecard = &markdown[markdown.find("## Control scorecard").unwrap()..];
    let row = scorecard.lines().find(|l| l.starts_with("| claude-code |")).unwrap_or_else(|| panic!("{markdown}"));
    assert!(
        row.ends_with("| **met**: env.CLAUDE\\_CODE\\_ENABLE\\_TELEMETRY: OpenTelemetry events records each tool call, at .claude/settings.json:1 |"),
        "{row}"
    );
}

/// The manifest's name, owners, boundaries and accepted risks reach the report.
#[test]
fn the_manifest_shapes_the_model() {
    let (_, markdown) = report("testdata/examples/agent-system", "markdown");
    assert!(markdown.starts_with("\n# Threat model: support-desk"), "{markdown}");
    assert!(markdown.contains("**Owner:** @support/platform"), "{markdown}");
    assert!(
        markdown.contains(
            "### internet-facing\n\nReads content written by anyone on the internet. Trust 50/100; `system.yaml:"
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains("**Risk:** critical (9/9) · **Status:** open · **Owner:** @support/triage"),
        "{markdown}"
    );
    assert!(markdown.contains("**Status:** accepted (triage is a batch job"), "{markdown}");
    assert!(
        markdown
            .contains("| refund | L7 | declared:internal | db.write, payments \\(declared\\); data: financial, pii |"),
        "{markdown}"
    );
}

/// The schemas beside a schema, by the file name its `$ref`s use (the
/// CycloneDX schema refers to `spdx.schema.json` and `jsf-0.82.schema.json`).
struct SchemasBeside(PathBuf);

impl jsonschema::Retrieve for SchemasBeside {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.as_str().rsplit('/').next().unwrap_or_default().split('#').next().unwrap_or_default();
        Ok(serde_json::from_str(&std::fs::read_to_string(self.0.join(name))?)?)
    }
}

fn validate(schema: &str, document: &str, what: &str) {
    let Some(path) = common::shared(&format!("schemas/{schema}")) else { return };
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let beside = SchemasBeside(path.parent().unwrap().to_path_buf());
    let validator = jsonschema::options().with_retriever(beside).build(&schema).unwrap();
    let instance: serde_json::Value = serde_json::from_str(document).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(&instance).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

/// The trees every machine-read export is validated on.
const EXPORTED: [&str; 5] = [
    "testdata/examples/agent-repo",
    "testdata/examples/crew",
    "testdata/examples/agent-system",
    "testdata/examples/ci-agents",
    "testdata/hostile-report",
];

#[test]
fn otm_and_threat_dragon_exports_validate() {
    for path in EXPORTED {
        let (code, otm) = report(path, "otm");
        assert_eq!(code, 0);
        validate("open-threat-model.schema.json", &otm, path);
        let document: serde_json::Value = serde_json::from_str(&otm).unwrap();
        assert_eq!(document["otmVersion"], "0.2.0");
        // Every component sits in a trust zone that exists; every flow joins components.
        let zones: Vec<&str> =
            document["trustZones"].as_array().unwrap().iter().map(|z| z["id"].as_str().unwrap()).collect();
        let ids: Vec<&str> =
            document["components"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
        for component in document["components"].as_array().unwrap() {
            assert!(zones.contains(&component["parent"]["trustZone"].as_str().unwrap()), "{path}: {component}");
        }
        for flow in document["dataflows"].as_array().unwrap() {
            assert!(
                ids.contains(&flow["source"].as_str().unwrap()) && ids.contains(&flow["destination"].as_str().unwrap())
            );
        }
        let (code, dragon) = report(path, "threat-dragon");
        assert_eq!(code, 0);
        validate("threat-dragon-v2.schema.json", &dragon, path);
    }
    // At corpus scale: both validate, and no threat is written twice.
    if let Some(corpus) = common::shared("corpus") {
        let corpus = corpus.to_string_lossy();
        validate("open-threat-model.schema.json", &report(&corpus, "otm").1, "corpus");
        validate("threat-dragon-v2.schema.json", &report(&corpus, "threat-dragon").1, "corpus");
        let (_, markdown) = report(&corpus, "markdown");
        let headings: Vec<&str> = markdown.lines().filter(|l| l.starts_with("### TM-")).collect();
        let unique: std::collections::BTreeSet<&&str> = headings.iter().collect();
        assert!(headings.len() > 20 && unique.len() == headings.len(), "{headings:#?}");
        // The plan removes the most risk per change first.
        let plan = markdown.split("## Remediation plan").nth(1).unwrap();
        let per_change: Vec<f64> = plan
            .split(" risk each)")
            .filter_map(|before| before.rsplit('(').next().and_then(|n| n.parse().ok()))
            .collect();
        assert!(per_change.len() > 20 && per_change.windows(2).all(|w| w[0] >= w[1]), "{per_change:?}");
        assert!(per_change.first() > per_change.last(), "some threats take several changes: {per_change:?}");
    }
    let (_, otm) = report("testdata/examples/agent-system", "otm");
    insta::assert_snapshot!("report_otm_agent_system", otm);
    let (_, dragon) = report("testdata/examples/agent-system", "threat-dragon");
    insta::assert_snapshot!("report_threat_dragon_agent_system", dragon);
}

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// The DOM after the page loaded (and after any script would have run).
fn dump_dom(browser: &Path, html: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = Process::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn html_report_renders_in_a_browser_and_runs_no_scanned_script() {
    let Some(browser) = chromium() else {
        assert!(std::env::var_os("CI").is_none(), "CI must run the browser test: .ci/run installs chromium");
        eprintln!("skipped: no chromium on this machine (apt-get install chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (path, hostile) in [("testdata/examples/agent-repo", false), ("testdata/hostile-report", true)] {
        let (_, html) = report(path, "html");
        let file = dir.path().join("report.html");
        std::fs::write(&file, &html).unwrap();
        let dom = dump_dom(&browser, &file);
        assert!(dom.contains("<body"), "the browser rendered nothing: {dom}");
        for layer in ["L1", "L2", "L3", "L4", "L5", "L6", "L7"] {
            assert!(dom.contains(&format!("data-layer=\"{layer}\"")), "section {layer} missing");
        }
        assert!(dom.contains("<svg") && dom.contains("class=\"node agent\""), "the diagram did not render");
        assert!(dom.contains("class=\"dfd\"") && dom.contains("class=\"boundary machine\""), "no data-flow diagram");
        // The marker may appear as escaped text; as an attribute it would mean a script ran.
        assert!(!dom.contains("data-pwned=\""), "a script from scanned content ran");
        if hostile {
            assert!(dom.contains("&lt;script&gt;document.body"), "the hostile name shows as text");
        }
    }
}

/// Pages a PDF holds (each page object is `/Type /Page`).
fn pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
}

/// The HTML prints to a PDF whose length follows the threats, not the
/// components: the inventory folds at scale, evidence and examples are capped.
#[test]
fn html_report_prints_to_a_proportionate_pdf() {
    let Some(browser) = chromium() else {
        assert!(std::env::var_os("CI").is_none(), "CI must run the browser test: .ci/run installs chromium");
        eprintln!("skipped: no chromium on this machine (apt-get install chromium)");
        return;
    };
    let mut targets = vec![root().join("testdata/examples/agent-repo")];
    targets.extend(common::shared("corpus"));
    for target in targets {
        let target = target.to_string_lossy().to_string();
        let (_, html) = report(&target, "html");
        let threats = html.matches("<div class=\"threat\" id=\"TM-").count();
        // The data-flow diagram folds at scale: a handful of boxes, never a grey band.
        let boxes = html.matches("<g class=\"boundary ").count();
        assert!((2..=12).contains(&boxes), "{target}: {boxes} boundary boxes drawn");
        let dir = tempfile::tempdir().unwrap();
        let (file, pdf) = (dir.path().join("report.html"), dir.path().join("report.pdf"));
        std::fs::write(&file, &html).unwrap();
        let status = Process::new(&browser)
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-pdf-header-footer"])
            .arg(format!("--user-data-dir={}", dir.path().join("profile").display()))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", file.display()))
            .output()
            .unwrap();
        assert!(pdf.exists(), "no PDF: {}", String::from_utf8_lossy(&status.stderr));
        let count = pages(&std::fs::read(&pdf).unwrap());
        assert!(threats > 0 && count >= 2, "{target}: {count} pages, {threats} threats");
        assert!(count <= 2 * threats + 10, "{target}: {count} pages for {threats} threats");
    }
}

#[test]
fn the_bill_of_materials_validates_and_names_packages_by_purl() {
    for path in EXPORTED {
        let (code, document) = bom(path, "cyclonedx");
        assert_eq!(code, 0, "{path}");
        validate("cyclonedx/bom-1.6.schema.json", &document, path);
        // Every dependency joins parts of the document.
        let parsed: serde_json::Value = serde_json::from_str(&document).unwrap();
        let refs: std::collections::BTreeSet<&str> = ["components", "services"]
            .iter()
            .flat_map(|k| parsed[k].as_array().unwrap())
            .map(|c| c["bom-ref"].as_str().unwrap())
            .collect();
        for dependency in parsed["dependencies"].as_array().unwrap() {
            assert!(refs.contains(dependency["ref"].as_str().unwrap()), "{path}: {dependency}");
            for target in dependency["dependsOn"].as_array().unwrap() {
                assert!(refs.contains(target.as_str().unwrap()), "{path}: {dependency}");
            }
        }
    }
    let (_, document) = bom("testdata/examples/agent-repo", "cyclonedx");
    let parsed: serde_json::Value = serde_json::from_str(&document).unwrap();
    let purls: Vec<&str> = parsed["components"].as_array().unwrap().iter().filter_map(|c| c["purl"].as_str()).collect();
    assert_eq!(
        purls,
        [
            "pkg:npm/%40modelcontextprotocol/server-filesystem@2025.8.21",
            "pkg:npm/%40modelcontextprotocol/server-github",
            "pkg:pypi/docs-mcp@0.4.2",
            "pkg:docker/crystaldba/postgres-mcp@0.3.0",
        ]
    );
    let service = &parsed["services"][0];
    assert_eq!(service["name"], "tickets");
    assert_eq!(service["endpoints"][0], "http://tickets.example.com/mcp");
    assert_eq!(service["authenticated"], true);
    assert_eq!(service["x-trust-boundary"], true);
    insta::assert_snapshot!("bom_agent_repo", document);
    let (code, table) = bom("testdata/examples/agent-repo", "table");
    assert_eq!(code, 0);
    insta::assert_snapshot!("bom_table_agent_repo", table);
    if let Some(corpus) = common::shared("corpus") {
        let (_, document) = bom(&corpus.to_string_lossy(), "cyclonedx");
        validate("cyclonedx/bom-1.6.schema.json", &document, "corpus");
    }
}

#[test]
fn mermaid_diagrams_hold_no_markup_from_scanned_names() {
    let (_, markdown) = report("testdata/hostile-report", "markdown");
    let blocks: Vec<&str> =
        markdown.split("```mermaid\n").skip(1).map(|rest| rest.split("```").next().unwrap()).collect();
    assert_eq!(blocks.len(), 2, "the data-flow diagram and the privilege graph");
    assert!(blocks[0].contains("subgraph b1[\"Remote service at evil.example\"]"), "{}", blocks[0]);
    for block in blocks {
        assert!(!block.contains('<') && !block.contains('`'), "{block}");
        assert!(block.contains("#lt;script#gt;"), "the name is shown, escaped: {block}");
    }
}

/// The inventory says of each CI agent what starts it, what its job token
/// may do and which secrets it is handed (by name, never by value).
#[test]
fn inventory_lists_ci_agents_with_triggers_token_and_secrets() {
    let (code, markdown) = report("testdata/examples/ci-agents", "markdown");
    assert_eq!(code, 0);
    let row =
        |file: &str| markdown.lines().find(|l| l.contains(file) && l.contains("ci-runner")).unwrap_or("").to_string();
    assert!(
        row("vulnerable.yml:18").contains(
            "github-actions; on issue\\_comment; GITHUB\\_TOKEN: repository default \\(possibly write-all\\); holds ANTHROPIC\\_API\\_KEY"
        ),
        "{markdown}"
    );
    assert!(row("hardened.yml:17").contains("GITHUB\\_TOKEN: read; holds ANTHROPIC\\_API\\_KEY"), "{markdown}");
}
