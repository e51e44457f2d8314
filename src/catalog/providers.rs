//! Model providers' own API hosts (`rules/catalog/providers.yaml`): a base
//! URL elsewhere is a relay that sees every prompt and key.

use std::sync::OnceLock;

use serde::Deserialize;

const PROVIDERS_YAML: &str = include_str!("../../rules/catalog/providers.yaml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderCatalog {
    providers: Vec<Provider>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Provider {
    #[allow(dead_code)]
    id: String,
    hosts: Vec<String>,
    /// Where the host is documented (for people reviewing the catalog).
    #[allow(dead_code)]
    source: String,
}

/// Whether `host` matches `pattern`, where `*` stands for one DNS label or
/// a part of one (`*-aiplatform.googleapis.com`).
fn host_matches(pattern: &str, host: &str) -> bool {
    let pattern_labels: Vec<&str> = pattern.split('.').collect();
    let host_labels: Vec<&str> = host.split('.').collect();
    pattern_labels.len() == host_labels.len()
        && pattern_labels.iter().zip(&host_labels).all(|(p, h)| match p.split_once('*') {
            None => p == h,
            Some((before, after)) => {
                h.len() > before.len() + after.len() && h.starts_with(before) && h.ends_with(after)
            }
        })
}

impl ProviderCatalog {
    /// The embedded catalog, parsed once.
    pub fn get() -> &'static ProviderCatalog {
        static CATALOG: OnceLock<ProviderCatalog> = OnceLock::new();
        // The embedded file is ours and tested; failing here is a build defect.
        CATALOG.get_or_init(|| {
            crate::yaml::from_str(PROVIDERS_YAML).unwrap_or_else(|e| panic!("rules/catalog/providers.yaml: {e}"))
        })
    }

    /// Whether `host` (lowercase) is a model provider's own API.
    pub fn knows(&self, host: &str) -> bool {
        self.providers.iter().flat_map(|p| &p.hosts).any(|pattern| host_matches(pattern, host))
    }
}

#[cfg(test)]
mod tests {
    use super::ProviderCatalog;

    #[test]
    fn provider_hosts() {
        let catalog = ProviderCatalog::get();
        for host in [
            "api.anthropic.com",
            "my-team.openai.azure.com",
            "bedrock-runtime.us-east-1.amazonaws.com",
            "us-central1-aiplatform.googleapis.com",
        ] {
            assert!(catalog.knows(host), "{host}");
        }
        for host in ["api.anthropic.com.evil.example", "relay.example.com", "openai.azure.com", "anthropic.com"] {
            assert!(!catalog.knows(host), "{host}");
        }
        for entry in &catalog.providers {
            assert!(entry.source.starts_with("https://"), "{}: a source page", entry.id);
        }
    }
}
