//! `blastradius report`: a threat model of the scanned agent system, organised
//! by CSA MAESTRO's seven layers plus a cross-layer section, rendered with
//! tera from `templates/report.md.tera` and `templates/report.html.tera`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use tera::{Context, Tera};

use crate::engine::{Rule, Severity};
use crate::findings::Finding;
use crate::model::{ComponentKind, Level, Status};
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

#[derive(Serialize)]
pub struct Model {
    title: String,
    date: String,
    version: &'static str,
    root: String,
    files: Vec<FileRow>,
    formats: Vec<String>,
    errors: Vec<String>,
    system: SystemRow,
    inventory: Vec<InventoryGroup>,
    boundaries: Vec<BoundaryRow>,
    crossing: Vec<FlowRow>,
    flows_inside: usize,
    mermaid: String,
    svg: String,
    /// The data-flow diagram (inline SVG, escaped when built).
    dfd: String,
    /// The same diagram in Mermaid, for the Markdown report.
    dfd_mermaid: String,
    /// How many nodes the privilege graph has; past `GRAPH_DRAWN` it is
    /// not drawn (the data-flow diagram stands for it).
    graph_nodes: usize,
    /// The agents that reach the most, largest first.
    radii: Vec<crate::graph::reach::BlastRadius>,
    threats: Vec<crate::model::Threat>,
    matrix: Vec<MatrixRow>,
    layers: Vec<Layer>,
    chains: Vec<ChainRow>,
    scorecard: Vec<crate::model::AgentScore>,
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
struct SystemRow {
    name: Shown,
    description: Option<Shown>,
    owner: Option<Shown>,
}

#[derive(Serialize)]
struct InventoryGroup {
    title: &'static str,
    components: Vec<crate::model::Component>,
}

#[derive(Serialize)]
struct BoundaryRow {
    boundary: crate::model::Boundary,
    components: Vec<Shown>,
}

/// The flows of one kind from one boundary to another: at corpus scale
/// there are hundreds, so a few examples stand for the rest.
#[derive(Serialize)]
struct FlowRow {
    from: Shown,
    to: Shown,
    label: &'static str,
    count: usize,
    examples: Vec<String>,
    more: usize,
}

/// The privilege graph is drawn node by node up to this size; beyond, it
/// is a grey band, and the data-flow diagram stands for it.
const GRAPH_DRAWN: usize = 60;

/// How many examples a grouped row, a boundary or a threat shows.
const EXAMPLES: usize = 3;

/// One row of the 3×3 risk matrix: a likelihood, and the threats at each impact.
#[derive(Serialize)]
struct MatrixRow {
    likelihood: &'static str,
    cells: Vec<Vec<String>>,
}

#[derive(Serialize)]
struct Layer {
    id: &'static str,
    name: &'static str,
    scope: &'static str,
    /// Threats touching the layer, by id, most risky first.
    threats: Vec<ThreatRef>,
    components: usize,
}

#[derive(Serialize)]
struct ThreatRef {
    id: String,
    title: String,
    risk: &'static str,
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
    /// The settings to change: one per distinct place its open findings are written.
    changes: usize,
    /// The first few of those places.
    places: Vec<String>,
    more_places: usize,
    /// Risk (1 to 9) removed per change, one decimal.
    per_change: String,
    action: String,
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

/// What a layer with nothing in scope was searched for.
const LOOKED_FOR: &[(&str, &str)] = &[
    ("L1", "model providers, their endpoints and keys"),
    ("L2", "databases, vector stores and memory servers agents reach"),
    ("L3", "agent hosts, approvals, tool grants and delegation"),
    ("L4", "containers, sandboxes, file-system reach and CI runners"),
    ("L5", "hooks, logs and telemetry that record agents' actions"),
    ("L6", "credentials, identities and policies"),
    ("L7", "MCP servers, remote agents and third-party services"),
];

pub fn build(output: &ScanOutput, findings: &[Finding], rules: &[Rule]) -> Model {
    let by_id: HashMap<&str, &Rule> = rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let graph = &output.graph;
    let date = crate::model::today();
    let model = crate::model::build(output, rules, &date);
    let layers = LAYERS
        .iter()
        .map(|(id, name, scope)| {
            let threats = model
                .threats
                .iter()
                .filter(|t| t.layers.iter().any(|l| l == id))
                .map(|t| ThreatRef { id: t.id.clone(), title: t.title.clone(), risk: t.risk_level.as_str() })
                .collect();
            let components = model.components.iter().filter(|c| c.layer == *id).count();
            let looked = LOOKED_FOR.iter().find(|(l, _)| l == id).map_or("", |(_, what)| what);
            Layer { id, name, scope: if components == 0 { looked } else { scope }, threats, components }
        })
        .collect();
    let levels = [Level::High, Level::Medium, Level::Low];
    let matrix = levels
        .iter()
        .map(|likelihood| MatrixRow {
            likelihood: likelihood.likelihood(),
            cells: levels
                .iter()
                .rev()
                .map(|impact| {
                    model
                        .threats
                        .iter()
                        .filter(|t| t.likelihood == *likelihood && t.impact == *impact && t.status == Status::Open)
                        .map(|t| t.id.clone())
                        .collect()
                })
                .collect(),
        })
        .collect();
    let name_of: HashMap<&str, &Shown> = model.components.iter().map(|c| (c.id.as_str(), &c.name)).collect();
    let boundaries = model
        .boundaries
        .iter()
        .map(|b| BoundaryRow {
            boundary: b.clone(),
            components: model.components.iter().filter(|c| c.boundary == b.id).map(|c| c.name.clone()).collect(),
        })
        .collect();
    let boundary_name: HashMap<&str, &Shown> = model.boundaries.iter().map(|b| (b.id.as_str(), &b.name)).collect();
    let boundary_of: HashMap<&str, &str> =
        model.components.iter().map(|c| (c.id.as_str(), c.boundary.as_str())).collect();
    let mut grouped: BTreeMap<(&str, &str, &'static str), Vec<String>> = BTreeMap::new();
    for flow in model.flows.iter().filter(|f| f.crosses) {
        let (Some(from), Some(to)) = (boundary_of.get(flow.from.as_str()), boundary_of.get(flow.to.as_str())) else {
            continue;
        };
        let name = |id: &Shown| name_of.get(id.as_str()).map_or_else(|| id.to_string(), |n| n.to_string());
        let at = flow.evidence.as_deref().map(|e| format!(" ({e})")).unwrap_or_default();
        grouped.entry((from, to, flow.label)).or_default().push(format!(
            "{} → {}{at}",
            name(&flow.from),
            name(&flow.to)
        ));
    }
    let crossing = grouped
        .into_iter()
        .map(|((from, to, label), examples)| FlowRow {
            from: boundary_name.get(from).map_or_else(|| Shown::new(from), |n| (*n).clone()),
            to: boundary_name.get(to).map_or_else(|| Shown::new(to), |n| (*n).clone()),
            label,
            count: examples.len(),
            more: examples.len().saturating_sub(EXAMPLES),
            examples: examples.into_iter().take(EXAMPLES).collect(),
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
    // The plan: open threats, most risk removed per change first (a threat
    // closed by one edit before an equal one that takes ten), then by risk.
    const PLACES_SHOWN: usize = 3;
    let open: Vec<(&crate::model::Threat, Vec<String>)> = model
        .threats
        .iter()
        .filter(|t| t.status == Status::Open)
        .map(|t| {
            let places: BTreeSet<String> =
                t.evidence.iter().filter(|e| e.accepted.is_none()).map(|e| e.location.clone()).collect();
            (t, places.into_iter().collect())
        })
        .collect();
    // Threats written at exactly the same places close with the same edits
    // (BR101 and BR110 on one token): one step, the risk of each removed.
    let mut steps: Vec<(Vec<&crate::model::Threat>, Vec<String>)> = Vec::new();
    for (threat, places) in open {
        match steps.iter_mut().find(|(_, p)| !places.is_empty() && *p == places) {
            Some((threats, _)) => threats.push(threat),
            None => steps.push((vec![threat], places)),
        }
    }
    let risk = |threats: &[&crate::model::Threat]| threats.iter().map(|t| u32::from(t.risk)).sum::<u32>();
    let per_change =
        |threats: &[&crate::model::Threat], places: &[String]| risk(threats) * 60 / places.len().max(1) as u32;
    steps.sort_by(|(a, pa), (b, pb)| {
        per_change(b, pb).cmp(&per_change(a, pa)).then(risk(b).cmp(&risk(a))).then(a[0].id.cmp(&b[0].id))
    });
    let plan = steps
        .into_iter()
        .enumerate()
        .map(|(i, (threats, places))| {
            let join = |part: fn(&crate::model::Threat) -> &str, by: &str| {
                let mut parts: Vec<&str> = Vec::new();
                for t in &threats {
                    if !parts.contains(&part(t)) {
                        parts.push(part(t));
                    }
                }
                parts.join(by)
            };
            PlanRow {
                rank: i + 1,
                severity: threats.iter().map(|t| t.risk_level).max().unwrap_or(threats[0].risk_level).as_str(),
                rule_id: join(|t| &t.rule_id, " + "),
                title: join(|t| &t.title, "; "),
                changes: places.len().max(1),
                per_change: format!("{:.1}", f64::from(risk(&threats)) / places.len().max(1) as f64),
                more_places: places.len().saturating_sub(PLACES_SHOWN),
                places: places.into_iter().take(PLACES_SHOWN).collect(),
                action: join(|t| &t.mitigation, " "),
            }
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
    let group = |kind: ComponentKind| model.components.iter().filter(|c| c.kind == kind).cloned().collect();
    Model {
        title: format!("Threat model: {}", model.name),
        date,
        version: env!("CARGO_PKG_VERSION"),
        root,
        files,
        formats: formats.into_iter().collect(),
        errors: output.errors.iter().map(ToString::to_string).collect(),
        system: SystemRow {
            name: model.name.clone(),
            description: model.description.clone(),
            owner: model.owner.clone(),
        },
        inventory: vec![
            InventoryGroup { title: "Agents", components: group(ComponentKind::Agent) },
            InventoryGroup { title: "Tools", components: group(ComponentKind::Tool) },
            InventoryGroup { title: "Credentials (never their values)", components: group(ComponentKind::Credential) },
            InventoryGroup { title: "Resources", components: group(ComponentKind::DataStore) },
            InventoryGroup { title: "External entities", components: group(ComponentKind::ExternalEntity) },
        ],
        flows_inside: model.flows.iter().filter(|f| !f.crosses).count(),
        boundaries,
        crossing,
        mermaid: super::graph::mermaid(graph),
        dfd: super::dfd::render(&model),
        dfd_mermaid: super::dfd::mermaid(&model),
        svg: if graph.graph.node_count() <= GRAPH_DRAWN { super::svg::render(graph) } else { String::new() },
        graph_nodes: graph.graph.node_count(),
        radii: model.radii.iter().take(5).cloned().collect(),
        matrix,
        layers,
        chains,
        asi: standard_rows(ASI, findings, |r| &r.standards.owasp_agentic, &by_id),
        nhi: standard_rows(NHI, findings, |r| &r.standards.owasp_nhi, &by_id),
        plan,
        counts,
        total: findings.len(),
        scorecard: model.scorecard,
        threats: model.threats,
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
