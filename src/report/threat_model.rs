//! `blastradius report`: a threat model of the scanned agent system, organised
//! by CSA MAESTRO's seven layers plus a cross-layer section, rendered with
//! tera from `templates/report.md.tera` and `templates/report.html.tera`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use tera::{Context, Tera};

use crate::engine::{Control, Rule, Severity};
use crate::findings::Finding;
use crate::graph::{EdgeKind, Graph, NodeKind};
use crate::redact::Shown;
use crate::scan::ScanOutput;

const MARKDOWN: &str = include_str!("../../templates/report.md.tera");
const HTML: &str = include_str!("../../templates/report.html.tera");

/// MAESTRO's layers (research/standards.md §4a), what each covers, and what
/// a configuration scan can see of it.
const LAYERS: &[(&str, &str, &str)] = &[
    ("L1", "Foundation Models", "The models agents call: providers, model choice and the keys that reach them."),
    ("L2", "Data Operations", "Data agents read and keep: databases, vector stores, memories, retrieval sources."),
    ("L3", "Agent Frameworks", "Orchestration: agent hosts and frameworks, tool routing, approvals, delegation."),
    (
        "L4",
        "Deployment and Infrastructure",
        "Where agents and servers run: containers, sandboxes, file systems, networks.",
    ),
    ("L5", "Evaluation and Observability", "What records agents' actions: logs, traces, hooks, evaluations."),
    ("L6", "Security and Compliance", "Cross-cutting: identities, credentials and policies across every layer."),
    ("L7", "Agent Ecosystem", "What agents reach outside themselves: MCP servers, tools, remote agents, people."),
];

const ASI: &[(&str, &str)] = &[
    ("ASI01", "Agent Goal Hijack"),
    ("ASI02", "Tool Misuse and Exploitation"),
    ("ASI03", "Identity and Privilege Abuse"),
    ("ASI04", "Agentic Supply Chain Vulnerabilities"),
    ("ASI05", "Unexpected Code Execution"),
    ("ASI06", "Memory and Context Poisoning"),
    ("ASI07", "Insecure Inter-Agent Communication"),
    ("ASI08", "Cascading Failures"),
    ("ASI09", "Human-Agent Trust Exploitation"),
    ("ASI10", "Rogue Agents"),
];

const NHI: &[(&str, &str)] = &[
    ("NHI1:2025", "Improper Offboarding"),
    ("NHI2:2025", "Secret Leakage"),
    ("NHI3:2025", "Vulnerable Third-Party NHI"),
    ("NHI4:2025", "Insecure Authentication"),
    ("NHI5:2025", "Overprivileged NHI"),
    ("NHI6:2025", "Insecure Cloud Deployment Configurations"),
    ("NHI7:2025", "Long-Lived Secrets"),
    ("NHI8:2025", "Environment Isolation"),
    ("NHI9:2025", "NHI Reuse"),
    ("NHI10:2025", "Human Use of NHI"),
];

const CONTROLS: &[(Control, &str)] = &[
    (Control::WorkloadIdentity, "Workload identity"),
    (Control::JitCredentials, "Just-in-time credentials"),
    (Control::RuntimeAuthorization, "Runtime authorization"),
    (Control::ToolAllowlist, "Tool allowlist"),
    (Control::AuditLogging, "Audit logging"),
];

#[derive(Serialize)]
pub struct Model {
    title: String,
    date: String,
    version: &'static str,
    root: String,
    files: Vec<FileRow>,
    formats: Vec<String>,
    errors: Vec<String>,
    inventory: Vec<InventoryGroup>,
    mermaid: String,
    svg: String,
    layers: Vec<Layer>,
    chains: Vec<ChainRow>,
    scorecard: Vec<AgentScore>,
    asi: Vec<StandardRow>,
    nhi: Vec<StandardRow>,
    plan: Vec<PlanRow>,
    counts: BTreeMap<&'static str, usize>,
    total: usize,
}

#[derive(Serialize)]
struct FileRow {
    path: String,
    format: String,
}

#[derive(Serialize)]
struct InventoryGroup {
    title: &'static str,
    components: Vec<Component>,
}

#[derive(Serialize, Default)]
struct Inventory {
    agents: Vec<Component>,
    tools: Vec<Component>,
    credentials: Vec<Component>,
    resources: Vec<Component>,
}

#[derive(Serialize)]
struct Component {
    name: Shown,
    layer: &'static str,
    detail: String,
    source: String,
}

#[derive(Serialize)]
struct Layer {
    id: &'static str,
    name: &'static str,
    scope: &'static str,
    threats: Vec<Threat>,
}

#[derive(Serialize)]
struct Threat {
    rule_id: String,
    title: String,
    severity: &'static str,
    likelihood: &'static str,
    impact: &'static str,
    components: Vec<Shown>,
    evidence: Vec<Evidence>,
    mitigation: String,
}

#[derive(Serialize, Clone)]
struct Evidence {
    location: String,
    message: String,
    /// The message as Markdown (code spans kept, values fenced).
    message_md: String,
}

#[derive(Serialize)]
struct ChainRow {
    rule_id: String,
    title: String,
    severity: &'static str,
    message: String,
    message_md: String,
    layers: String,
    steps: Vec<Evidence>,
}

#[derive(Serialize)]
struct AgentScore {
    agent: Shown,
    controls: Vec<ControlScore>,
}

#[derive(Serialize)]
struct ControlScore {
    control: &'static str,
    status: &'static str,
    evidence: String,
}

#[derive(Serialize)]
struct StandardRow {
    id: &'static str,
    title: &'static str,
    findings: usize,
    rules: String,
}

#[derive(Serialize)]
struct PlanRow {
    rank: usize,
    severity: &'static str,
    rule_id: String,
    title: String,
    count: usize,
    action: String,
}

fn first_paragraph(text: &str) -> String {
    text.trim().split("\n\n").next().unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn where_(finding: &Finding) -> String {
    finding.location.to_string()
}

/// `YYYY-MM-DD` from days since 1970-01-01 (Howard Hinnant's civil_from_days).
fn civil(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Today, or the day of `SOURCE_DATE_EPOCH` for reproducible reports.
fn today() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.parse::<i64>().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
    });
    civil(seconds.div_euclid(86_400))
}

fn source_of(graph: &Graph, node: &crate::graph::Node) -> String {
    node.locs
        .first()
        .and_then(|l| graph.file(l.file).map(|f| (f, l)))
        .map(|(f, l)| {
            let (line, _) = f.line_col(l.span.start);
            format!("{}:{line}", crate::redact::shown(&f.display))
        })
        .unwrap_or_else(|| "(named only)".into())
}

fn inventory(graph: &Graph) -> Inventory {
    let mut inv = Inventory::default();
    for index in graph.sorted_nodes() {
        let node = graph.node(index);
        let list = |name: &str| node.list_attr(name).iter().map(|i| i.value.clone()).collect::<Vec<_>>().join(", ");
        let (layer, detail, into) = match node.kind {
            NodeKind::Agent => {
                let remote = node.str_attr("framework") == Some("a2a");
                let kind = node.str_attr("framework").or(node.str_attr("client")).unwrap_or("agent");
                let detail = match node.str_attr("url") {
                    Some(url) => format!("{kind}, {url}"),
                    None => kind.to_string(),
                };
                (if remote { "L7" } else { "L3" }, detail, &mut inv.agents)
            }
            NodeKind::Tool => {
                let builtin = node.str_attr("tool_type") == Some("builtin");
                let caps = list("capabilities");
                let source = node.str_attr("capability_source").unwrap_or("unknown");
                let detail = if caps.is_empty() {
                    format!("no known capability ({source})")
                } else {
                    format!("{caps} ({source})")
                };
                (if builtin { "L3" } else { "L7" }, detail, &mut inv.tools)
            }
            NodeKind::Credential => {
                let detail = format!(
                    "{} {}, {}, {}",
                    node.str_attr("provider").unwrap_or("unknown"),
                    node.str_attr("kind").unwrap_or(""),
                    node.str_attr("storage").unwrap_or(""),
                    node.str_attr("lifetime").unwrap_or("")
                );
                ("L6", detail, &mut inv.credentials)
            }
            NodeKind::Resource => {
                let detail = format!(
                    "{} ({})",
                    node.str_attr("type").unwrap_or("resource"),
                    node.str_attr("scope").unwrap_or("")
                );
                ("L4", detail, &mut inv.resources)
            }
        };
        // A credential's name shows at most a masked prefix or a variable name.
        let name = node.label();
        into.push(Component { name, layer, detail, source: source_of(graph, node) });
    }
    inv
}

/// What each agent is responsible for: itself, its tools and their credentials.
fn owned(graph: &Graph) -> Vec<(String, Shown, BTreeSet<String>)> {
    let mut agents = Vec::new();
    for index in graph.sorted_nodes() {
        let node = graph.node(index);
        if node.kind != NodeKind::Agent {
            continue;
        }
        let mut keys = BTreeSet::from([node.key.clone()]);
        for edge in graph.graph.edges(index) {
            let target = graph.node(petgraph::visit::EdgeRef::target(&edge));
            if matches!(edge.weight().kind, EdgeKind::Uses | EdgeKind::AuthenticatesWith) {
                keys.insert(target.key.clone());
                if edge.weight().kind == EdgeKind::Uses {
                    let tool = petgraph::visit::EdgeRef::target(&edge);
                    for cred in graph.graph.edges(tool).filter(|e| e.weight().kind == EdgeKind::AuthenticatesWith) {
                        keys.insert(graph.node(petgraph::visit::EdgeRef::target(&cred)).key.clone());
                    }
                }
            }
        }
        agents.push((node.key.clone(), node.label(), keys));
    }
    agents
}

fn scorecard(graph: &Graph, findings: &[Finding]) -> Vec<AgentScore> {
    owned(graph)
        .into_iter()
        .map(|(key, label, keys)| {
            let mine: Vec<&Finding> = findings.iter().filter(|f| f.subjects.iter().any(|s| keys.contains(s))).collect();
            let node = graph.by_key.get(&key).map(|i| graph.node(*i));
            let controls = CONTROLS
                .iter()
                .map(|(control, name)| {
                    let hits: Vec<&&Finding> = mine.iter().filter(|f| f.control == *control).collect();
                    let evidence: Vec<String> =
                        hits.iter().take(4).map(|f| format!("{} {}", f.rule_id, where_(f))).collect();
                    let more = hits.len().saturating_sub(4);
                    let listed =
                        if more > 0 { format!("{} and {more} more", evidence.join(", ")) } else { evidence.join(", ") };
                    let (status, evidence) = if *control == Control::AuditLogging {
                        match node.map(|n| n.list_attr("hook_commands")).filter(|h| !h.is_empty()) {
                            Some(hooks) => (
                                "partly met",
                                format!(
                                    "{} hook command(s) run on tool events; no audit sink is declared",
                                    hooks.len()
                                ),
                            ),
                            None => (
                                "not met",
                                "no hook, log or telemetry setting records this agent's tool calls".to_string(),
                            ),
                        }
                    } else if hits.iter().any(|f| f.severity >= Severity::High) {
                        ("not met", listed)
                    } else if !hits.is_empty() {
                        ("partly met", listed)
                    } else {
                        ("met", "no finding against this control".to_string())
                    };
                    ControlScore { control: name, status, evidence }
                })
                .collect();
            AgentScore { agent: label, controls }
        })
        .collect()
}

fn standard_rows(
    table: &[(&'static str, &'static str)],
    findings: &[Finding],
    pick: fn(&Rule) -> &Vec<String>,
    rules: &HashMap<&str, &Rule>,
) -> Vec<StandardRow> {
    table
        .iter()
        .map(|(id, title)| {
            let matching: Vec<&Finding> = findings
                .iter()
                .filter(|f| rules.get(f.rule_id.as_str()).is_some_and(|r| pick(r).iter().any(|x| x == id)))
                .collect();
            let ids: BTreeSet<&str> = matching.iter().map(|f| f.rule_id.as_str()).collect();
            StandardRow { id, title, findings: matching.len(), rules: ids.into_iter().collect::<Vec<_>>().join(", ") }
        })
        .collect()
}

pub fn build(output: &ScanOutput, findings: &[Finding], rules: &[Rule]) -> Model {
    let by_id: HashMap<&str, &Rule> = rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let graph = &output.graph;
    let label_of =
        |key: &String| graph.by_key.get(key).map(|i| graph.node(*i).label()).unwrap_or_else(|| Shown::new(key));
    let layers = LAYERS
        .iter()
        .map(|(id, name, scope)| {
            let mut grouped: BTreeMap<(std::cmp::Reverse<Severity>, String), Vec<&Finding>> = BTreeMap::new();
            for f in findings {
                if by_id.get(f.rule_id.as_str()).is_some_and(|r| r.standards.maestro.iter().any(|l| l == id)) {
                    grouped.entry((std::cmp::Reverse(f.severity), f.rule_id.clone())).or_default().push(f);
                }
            }
            let threats = grouped
                .into_iter()
                .filter_map(|((severity, rule_id), list)| {
                    let rule = by_id.get(rule_id.as_str())?;
                    let components: BTreeSet<Shown> =
                        list.iter().flat_map(|f| f.subjects.iter().map(label_of)).collect();
                    Some(Threat {
                        rule_id,
                        title: rule.title.clone(),
                        // The group's own: a finding may sit below its rule
                        // (a disabled server, tools judged by name).
                        severity: severity.0.as_str(),
                        likelihood: match list.iter().map(|f| f.confidence).max().unwrap_or(rule.confidence) {
                            crate::engine::rule::Confidence::High => "likely",
                            crate::engine::rule::Confidence::Medium => "possible",
                            crate::engine::rule::Confidence::Low => "unlikely",
                        },
                        impact: severity.0.as_str(),
                        components: components.into_iter().take(8).collect(),
                        evidence: list
                            .iter()
                            .map(|f| Evidence {
                                location: where_(f),
                                message: f.message.to_string(),
                                message_md: super::markdown::message_markdown(&f.parts),
                            })
                            .collect(),
                        mitigation: first_paragraph(&rule.remediation),
                    })
                })
                .collect();
            Layer { id, name, scope, threats }
        })
        .collect();
    let chains = findings
        .iter()
        .filter(|f| !f.chain.is_empty())
        .map(|f| ChainRow {
            rule_id: f.rule_id.clone(),
            title: f.title.clone(),
            severity: f.severity.as_str(),
            message: f.message.to_string(),
            message_md: super::markdown::message_markdown(&f.parts),
            layers: by_id.get(f.rule_id.as_str()).map(|r| r.standards.maestro.join(" + ")).unwrap_or_default(),
            steps: f
                .chain
                .iter()
                .map(|s| {
                    let message = s.text();
                    Evidence {
                        location: s.location.as_ref().map(ToString::to_string).unwrap_or_default(),
                        message_md: super::markdown::escape_markdown(&message),
                        message,
                    }
                })
                .collect(),
        })
        .collect();
    let mut plan_rows: Vec<(Severity, usize, &Rule)> = Vec::new();
    for rule in rules {
        let own: Vec<Severity> = findings.iter().filter(|f| f.rule_id == rule.id).map(|f| f.severity).collect();
        if let Some(worst) = own.iter().max() {
            plan_rows.push((*worst, own.len(), rule));
        }
    }
    plan_rows.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.id.cmp(&b.2.id)));
    let plan = plan_rows
        .into_iter()
        .enumerate()
        .map(|(i, (severity, count, rule))| PlanRow {
            rank: i + 1,
            severity: severity.as_str(),
            rule_id: rule.id.clone(),
            title: rule.title.clone(),
            count,
            action: first_paragraph(&rule.remediation),
        })
        .collect();
    let mut counts: BTreeMap<&str, usize> = Severity::ALL.iter().map(|s| (s.as_str(), 0)).collect();
    for (severity, n) in crate::findings::severity_counts(findings) {
        counts.insert(severity.as_str(), n);
    }
    let files: Vec<FileRow> = output
        .scanned
        .iter()
        .map(|f| FileRow {
            path: crate::redact::shown(&f.display),
            format: f.format.map(|x| x.id().to_string()).unwrap_or_else(|| "not an agent config".into()),
        })
        .collect();
    let formats: BTreeSet<String> =
        output.scanned.iter().filter_map(|f| f.format.map(|x| x.id().to_string())).collect();
    let root =
        output.root.file_name().map(|n| crate::redact::shown(&n.to_string_lossy())).unwrap_or_else(|| ".".into());
    Model {
        title: format!("Threat model: {root}"),
        date: today(),
        version: env!("CARGO_PKG_VERSION"),
        root,
        files,
        formats: formats.into_iter().collect(),
        errors: output.errors.iter().map(ToString::to_string).collect(),
        inventory: {
            let inv = inventory(graph);
            vec![
                InventoryGroup { title: "Agents", components: inv.agents },
                InventoryGroup { title: "Tools", components: inv.tools },
                InventoryGroup { title: "Credentials (never their values)", components: inv.credentials },
                InventoryGroup { title: "Resources", components: inv.resources },
            ]
        },
        mermaid: super::graph::mermaid(graph),
        svg: super::svg::render(graph),
        layers,
        chains,
        scorecard: scorecard(graph, findings),
        asi: standard_rows(ASI, findings, |r| &r.standards.owasp_agentic, &by_id),
        nhi: standard_rows(NHI, findings, |r| &r.standards.owasp_nhi, &by_id),
        plan,
        counts,
        total: findings.len(),
    }
}

fn tera() -> Result<Tera, tera::Error> {
    let mut tera = Tera::default();
    // The `.html` name turns autoescaping on for the HTML report.
    tera.add_raw_templates(vec![("report.md", MARKDOWN), ("report.html", HTML)])?;
    super::markdown::register_filters(&mut tera);
    Ok(tera)
}

pub fn markdown(model: &Model) -> Result<String, tera::Error> {
    tera()?.render("report.md", &Context::from_serialize(model)?)
}

pub fn html(model: &Model) -> Result<String, tera::Error> {
    tera()?.render("report.html", &Context::from_serialize(model)?)
}

#[cfg(test)]
mod tests {
    use super::civil;

    #[test]
    fn civil_dates() {
        assert_eq!(civil(0), "1970-01-01");
        assert_eq!(civil(20_417), "2025-11-25");
        assert_eq!(civil(-1), "1969-12-31");
    }
}
