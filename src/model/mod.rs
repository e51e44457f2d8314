//! The threat model: the system as an architect draws it, built from the
//! privilege graph and the findings. Components sit in trust boundaries,
//! data flows cross them, and threats carry a likelihood, an impact, a risk,
//! a status and an owner. Reports (`report --format markdown|html|otm|
//! threat-dragon`) only render this.

mod controls;
mod owners;
mod system;
mod threats;

use serde::Serialize;

use crate::engine::Rule;
use crate::graph::{Graph, Node};
use crate::redact::Shown;
use crate::scan::ScanOutput;

pub use controls::{AgentScore, ControlScore, ControlStatus};
pub use owners::{Owner, OwnerSource};
pub use system::{Boundary, BoundaryKind, Component, ComponentKind, Flow, FlowKind};
pub use threats::{Level, RiskLevel, Status, Threat};

/// The system, its threats and its controls.
#[derive(Debug, Serialize)]
pub struct SystemModel {
    /// The manifest's `metadata.name`, else the scanned directory's name.
    pub name: Shown,
    pub description: Option<Shown>,
    pub owner: Option<Shown>,
    pub boundaries: Vec<Boundary>,
    pub components: Vec<Component>,
    pub flows: Vec<Flow>,
    /// Most risky first.
    pub threats: Vec<Threat>,
    pub scorecard: Vec<AgentScore>,
    /// Every agent's blast radius, largest first.
    pub radii: Vec<crate::graph::reach::BlastRadius>,
}

/// Builds the model of a scan. `today` (`YYYY-MM-DD`) decides whether a
/// declared acceptance has expired.
pub fn build(output: &ScanOutput, rules: &[Rule], today: &str) -> SystemModel {
    let graph = &output.graph;
    let declared = graph.declared.iter().find(|d| d.name.is_some()).or(graph.declared.first());
    let fallback = output.root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| ".".into());
    let owners = owners::Owners::read(&output.root);
    let (boundaries, components, flows) = system::build(graph, &owners);
    let radii = crate::graph::reach::blast_radii(graph, crate::graph::reach::MAX_HOPS);
    let threats = threats::build(output, rules, &components, &owners, &radii, today);
    SystemModel {
        name: Shown::new(declared.and_then(|d| d.name.as_deref()).unwrap_or(&fallback)),
        description: declared.and_then(|d| d.description.as_deref()).map(Shown::new),
        owner: declared.and_then(|d| d.owner.as_deref()).map(Shown::new),
        boundaries,
        components,
        flows,
        threats,
        scorecard: controls::scorecard(graph, &output.findings),
        radii,
    }
}

/// Where a node is first written, as `path:line`.
pub(crate) fn source_of(graph: &Graph, node: &Node) -> Option<String> {
    let loc = node.locs.first()?;
    located(graph, loc)
}

/// A location as `path:line`, the path neutralised.
pub(crate) fn located(graph: &Graph, loc: &crate::graph::Loc) -> Option<String> {
    let file = graph.file(loc.file)?;
    let (line, _) = file.line_col(loc.span.start);
    Some(format!("{}:{line}", crate::redact::shown(&file.display)))
}

/// `YYYY-MM-DD` from days since 1970-01-01 (Howard Hinnant's civil_from_days).
pub fn civil(days: i64) -> String {
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
pub fn today() -> String {
    civil(epoch_seconds().div_euclid(86_400))
}

/// Now, as RFC 3339 in UTC (`2026-11-30T13:05:00Z`); SOURCE_DATE_EPOCH
/// fixes it, as for [`today`].
pub fn now() -> String {
    let seconds = epoch_seconds();
    let of_day = seconds.rem_euclid(86_400);
    format!("{}T{:02}:{:02}:{:02}Z", civil(seconds.div_euclid(86_400)), of_day / 3600, of_day % 3600 / 60, of_day % 60)
}

fn epoch_seconds() -> i64 {
    std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.parse::<i64>().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
    })
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
