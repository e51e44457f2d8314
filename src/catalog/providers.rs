//! Model providers' own API hosts (`rules/catalog/providers.yaml`): a base
//! URL elsewhere is a relay that sees every prompt and key.

use std::sync::OnceLock;

use serde::Deserialize;

const PROVIDERS_JSON: &str = crate::yaml::catalog_json!("providers");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderCatalog {
    providers: Vec<Provider>,
    client_defaults: std::collections::BTreeMap<String, String>,
    model_prefixes: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Provider {
    id: String,
    name: String,
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
        CATALOG.get_or_init(|| crate::yaml::embedded(PROVIDERS_JSON, "rules/catalog/providers.yaml"))
    }

    /// Whether `host` (lowercase) is a model provider's own API.
    pub fn knows(&self, host: &str) -> bool {
        self.by_host(host).is_some()
    }

    /// The provider whose own API `host` is: (id, name).
    pub fn by_host(&self, host: &str) -> Option<(&str, &str)> {
        let host = host.to_ascii_lowercase();
        self.providers
            .iter()
            .find(|p| p.hosts.iter().any(|pattern| host_matches(pattern, &host)))
            .map(|p| (p.id.as_str(), p.name.as_str()))
    }

    /// The provider a client uses when its config names none, or that
    /// serves a model by its name (`anthropic/claude-sonnet-4`, `gpt-4o`).
    pub fn by_client_or_model(&self, client: Option<&str>, model: Option<&str>) -> Option<(&str, &str)> {
        let model = model.map(|m| m.trim().to_ascii_lowercase()).unwrap_or_default();
        let by_model = self
            .model_prefixes
            .iter()
            .filter(|(prefix, _)| !model.is_empty() && model.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, id)| id);
        let id = by_model.or_else(|| client.and_then(|c| self.client_defaults.get(c)))?;
        self.providers.iter().find(|p| &p.id == id).map(|p| (p.id.as_str(), p.name.as_str()))
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
        let known = |id: &String| catalog.providers.iter().any(|p| &p.id == id);
        for id in catalog.client_defaults.values().chain(catalog.model_prefixes.values()) {
            assert!(known(id), "{id}: no such provider");
        }
        let id = |client, model| catalog.by_client_or_model(client, model).map(|(id, _)| id);
        assert_eq!(id(Some("claude-code"), None), Some("anthropic"));
        assert_eq!(id(Some("opencode"), Some("openai/gpt-4.1")), Some("openai"));
        assert_eq!(id(Some("claude-code"), Some("bedrock/anthropic.claude-v2")), Some("aws-bedrock"));
        assert_eq!(id(None, Some("gemini-2.5-pro")), Some("google-gemini"));
        assert_eq!(id(Some("cursor"), None), None);
        assert_eq!(catalog.by_host("API.anthropic.com").map(|(_, name)| name), Some("Anthropic"));
    }
}
