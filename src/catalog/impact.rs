//! How much harm each capability allows (`rules/catalog/impact.yaml`): the
//! threat model's impact scale.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

const IMPACT_JSON: &str = crate::yaml::catalog_json!("impact");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImpactCatalog {
    #[allow(dead_code)]
    sources: Vec<String>,
    capabilities: BTreeMap<String, CapabilityImpact>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapabilityImpact {
    /// 1 limited, 2 moderate, 3 severe.
    pub level: u8,
    /// What the capability lets an agent do, in a few words.
    pub why: String,
}

impl ImpactCatalog {
    /// The embedded catalog, parsed once.
    pub fn get() -> &'static ImpactCatalog {
        static CATALOG: OnceLock<ImpactCatalog> = OnceLock::new();
        // The embedded file is ours and tested; failing here is a build defect.
        CATALOG.get_or_init(|| crate::yaml::embedded(IMPACT_JSON, "rules/catalog/impact.yaml"))
    }

    /// The capability's impact; one outside the taxonomy counts as limited.
    pub fn of(&self, capability: &str) -> Option<&CapabilityImpact> {
        self.capabilities.get(capability)
    }
}

#[cfg(test)]
mod tests {
    use super::ImpactCatalog;

    #[test]
    fn every_capability_has_an_impact_on_the_scale() {
        let catalog = ImpactCatalog::get();
        for capability in crate::graph::CAPABILITIES {
            let impact = catalog.of(capability).unwrap_or_else(|| panic!("{capability} has no impact"));
            assert!((1..=3).contains(&impact.level), "{capability}: level {}", impact.level);
        }
        assert_eq!(catalog.capabilities.len(), crate::graph::CAPABILITIES.len(), "only the taxonomy's capabilities");
    }
}
