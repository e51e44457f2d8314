//! `report --format otm`: the threat model as an Open Threat Model 0.2.0
//! document (IriusRisk's open format, imported by IriusRisk, StartLeft and
//! others). Boundaries are trust zones, components sit in them, flows are
//! dataflows, and each threat is listed once and referenced from the
//! components it affects, with its rule's remediation as the mitigation.

use serde_json::{json, Value};

use crate::model::{Status, SystemModel};

pub const OTM_VERSION: &str = "0.2.0";

/// OTM rates likelihood and impact from 0 to 100; our 3×3 scale maps onto it.
fn percent(level: crate::model::Level) -> u8 {
    match level.value() {
        1 => 33,
        2 => 66,
        _ => 100,
    }
}

fn threat_state(status: Status) -> &'static str {
    match status {
        Status::Open => "EXPOSED",
        Status::Accepted => "ACCEPTED",
        Status::Mitigated => "MITIGATED",
    }
}

/// A file and line (`path:line`) as an OTM representation element.
fn represented(id: &str, evidence: Option<&String>) -> Value {
    match evidence.and_then(|e| e.rsplit_once(':')) {
        Some((file, line)) => json!([{
            "representation": "configuration",
            "id": format!("{id}@config"),
            "file": file,
            "line": line.parse::<u32>().ok(),
        }]),
        None => json!([]),
    }
}

pub fn render(model: &SystemModel, date: &str) -> String {
    let trust_zones: Vec<Value> = model
        .boundaries
        .iter()
        .map(|b| {
            json!({
                "id": b.id,
                "name": b.name,
                "type": b.kind.as_str(),
                "description": b.description,
                "risk": { "trustRating": b.trust },
                "attributes": { "evidence": b.evidence },
            })
        })
        .collect();
    let components: Vec<Value> = model
        .components
        .iter()
        .map(|c| {
            let threats: Vec<Value> = model
                .threats
                .iter()
                .filter(|t| t.components.contains(&c.id))
                .map(|t| {
                    json!({
                        "threat": t.id,
                        "state": threat_state(t.status),
                        "mitigations": [{
                            "mitigation": format!("M-{}", t.rule_id),
                            "state": if t.status == Status::Mitigated { "IMPLEMENTED" } else { "RECOMMENDED" },
                        }],
                    })
                })
                .collect();
            json!({
                "id": c.id,
                "name": c.name,
                "type": c.kind.as_str(),
                "description": c.detail,
                "parent": { "trustZone": c.boundary },
                "tags": [c.layer],
                "representations": represented(c.id.as_str(), c.evidence.as_ref()),
                "threats": threats,
                "attributes": {
                    "owner": c.owner.as_ref().map(|o| o.name.as_str()),
                    "maestro_layer": c.layer,
                },
            })
        })
        .collect();
    let dataflows: Vec<Value> = model
        .flows
        .iter()
        .map(|f| {
            json!({
                "id": f.id,
                "name": f.label,
                "source": f.from,
                "destination": f.to,
                "bidirectional": matches!(f.kind, crate::model::FlowKind::ToolCall),
                "tags": [f.label],
                "attributes": { "crosses_boundary": f.crosses, "evidence": f.evidence },
            })
        })
        .collect();
    let threats: Vec<Value> = model
        .threats
        .iter()
        .map(|t| {
            let evidence: Vec<String> = t.evidence.iter().map(|e| format!("{}: {}", e.location, e.message)).collect();
            json!({
                "id": t.id,
                "name": t.title,
                "description": format!("{}\n\nEvidence:\n- {}", t.reasoning, evidence.join("\n- ")),
                "categories": t.stride.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                "cwes": t.cwe,
                "risk": {
                    "likelihood": percent(t.likelihood),
                    "likelihoodComment": t.likelihood_why,
                    "impact": percent(t.impact),
                    "impactComment": t.impact_why,
                },
                "tags": t.layers.iter().chain(&t.owasp_agentic).collect::<Vec<_>>(),
                "attributes": {
                    "rule": t.rule_id,
                    "severity": t.severity.as_str(),
                    "risk": t.risk_level.as_str(),
                    "status": t.status.as_str(),
                    "status_reason": t.status_reason,
                    "owner": t.owner.as_ref().map(|o| o.name.as_str()),
                },
            })
        })
        .collect();
    let mitigations: Vec<Value> = model
        .threats
        .iter()
        .map(|t| {
            json!({
                "id": format!("M-{}", t.rule_id),
                "name": format!("Mitigate {}", t.rule_id),
                "description": t.mitigation,
                // The rule's remediation removes what the rule found.
                "riskReduction": 100,
            })
        })
        .collect();
    let document = json!({
        "otmVersion": OTM_VERSION,
        "project": {
            "name": model.name,
            "id": slug(model.name.as_str()),
            "description": model.description,
            "owner": model.owner,
            "tags": ["blastradius", "ai-agents"],
            "attributes": { "generator": format!("blastradius {}", env!("CARGO_PKG_VERSION")), "date": date },
        },
        "representations": [{ "name": "Agent configuration files", "id": "configuration", "type": "code" }],
        "trustZones": trust_zones,
        "components": components,
        "dataflows": dataflows,
        "threats": threats,
        "mitigations": mitigations,
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

/// A project id: lowercase letters, digits and dashes.
pub(crate) fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "agent-system".into()
    } else {
        out
    }
}
