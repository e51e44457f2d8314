//! `report --format threat-dragon`: the threat model as an OWASP Threat
//! Dragon v2 model, one STRIDE diagram. Each trust boundary is a box, its
//! components stacked inside it; agents and tools are processes,
//! credentials and resources stores, outsiders and the model provider
//! actors; flows join them. Each component cell carries its threats.

use serde_json::{json, Value};

use crate::model::{ComponentKind, RiskLevel, Status, SystemModel};

const VERSION: &str = "2.2.0";
const COLUMN: i64 = 300;
const ROW: i64 = 90;
const BOX_WIDTH: i64 = 260;
const NODE_WIDTH: i64 = 200;
const NODE_HEIGHT: i64 = 60;

fn severity(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::Critical | RiskLevel::High => "High",
        RiskLevel::Medium => "Medium",
        RiskLevel::Low => "Low",
    }
}

fn status(status: Status) -> &'static str {
    match status {
        Status::Open => "Open",
        Status::Accepted => "Accepted",
        Status::Mitigated => "Mitigated",
    }
}

pub fn render(model: &SystemModel) -> String {
    let mut cells: Vec<Value> = Vec::new();
    let mut number = 0u32;
    for (column, boundary) in model.boundaries.iter().enumerate() {
        let x = column as i64 * COLUMN + 20;
        let inside: Vec<_> = model.components.iter().filter(|c| c.boundary == boundary.id).collect();
        cells.push(json!({
            "id": format!("boundary:{}", boundary.id),
            "shape": "trust-boundary-box",
            "zIndex": -1,
            "position": { "x": x, "y": 20 },
            "size": { "width": BOX_WIDTH, "height": 60 + inside.len().max(1) as i64 * ROW },
            "attrs": { "label": { "text": boundary.name } },
            "data": {
                "type": "tm.BoundaryBox",
                "name": boundary.name,
                "description": boundary.description,
                "isTrustBoundary": true,
                "hasOpenThreats": false,
            },
        }));
        for (row, component) in inside.iter().enumerate() {
            let (shape, kind) = match component.kind {
                ComponentKind::Agent | ComponentKind::Tool => ("process", "tm.Process"),
                ComponentKind::Credential | ComponentKind::DataStore => ("store", "tm.Store"),
                ComponentKind::ExternalEntity => ("actor", "tm.Actor"),
            };
            let threats: Vec<Value> = model
                .threats
                .iter()
                .filter(|t| t.components.contains(&component.id))
                .map(|t| {
                    number += 1;
                    json!({
                        "threatId": format!("{}/{number}", t.id),
                        "number": number,
                        "title": format!("{}: {}", t.id, t.title),
                        "type": t.stride.first().map_or("Elevation of privilege", |s| s.as_str()),
                        "modelType": "STRIDE",
                        "severity": severity(t.risk_level),
                        "score": format!("{}/9", t.risk),
                        "status": status(t.status),
                        "description": t.reasoning,
                        "mitigation": t.mitigation,
                    })
                })
                .collect();
            let open = model.threats.iter().any(|t| t.components.contains(&component.id) && t.status == Status::Open);
            cells.push(json!({
                "id": component.id,
                "shape": shape,
                "zIndex": 1,
                "position": { "x": x + (BOX_WIDTH - NODE_WIDTH) / 2, "y": 60 + row as i64 * ROW },
                "size": { "width": NODE_WIDTH, "height": NODE_HEIGHT },
                "attrs": { "text": { "text": component.name } },
                "data": {
                    "type": kind,
                    "name": component.name,
                    "description": component.detail,
                    "hasOpenThreats": open,
                    "isTrustBoundary": false,
                    "outOfScope": false,
                    "storesCredentials": component.kind == ComponentKind::Credential,
                    "threats": threats,
                },
            }));
        }
    }
    for flow in &model.flows {
        cells.push(json!({
            "id": flow.id,
            "shape": "flow",
            "zIndex": 0,
            "source": { "cell": flow.from },
            "target": { "cell": flow.to },
            "attrs": { "line": { "targetMarker": { "name": "block" } } },
            "labels": [flow.label],
            "data": {
                "type": "tm.Flow",
                "name": flow.label,
                "description": flow.evidence.clone().unwrap_or_default(),
                "hasOpenThreats": false,
                "isBidirectional": matches!(flow.kind, crate::model::FlowKind::ToolCall),
                "isPublicNetwork": flow.crosses,
                "isTrustBoundary": false,
                "outOfScope": false,
            },
        }));
    }
    let document = json!({
        "version": VERSION,
        "summary": {
            "title": model.name,
            "owner": model.owner.as_ref().map_or("", |o| o.as_str()),
            "description": model.description.as_ref().map_or("", |d| d.as_str()),
            "id": 0,
        },
        "detail": {
            "contributors": [],
            "diagrams": [{
                "id": 0,
                "title": format!("{}: agents, tools and credentials", model.name),
                "diagramType": "STRIDE",
                "placeholder": "Drawn by blastradius from the agent configurations",
                "thumbnail": "./public/content/images/thumbnail.stride.jpg",
                "version": VERSION,
                "description": "Trust boundaries, components and data flows inferred from the agent configurations.",
                "cells": cells,
            }],
            "diagramTop": 1,
            "reviewer": "",
            "threatTop": number,
        },
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
