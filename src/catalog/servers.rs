//! Well-known MCP servers: package, image or URL host → capabilities.

use std::sync::OnceLock;

use serde::Deserialize;

const SERVERS_YAML: &str = include_str!("../../rules/catalog/servers.yaml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerEntry {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub packages: Vec<String>,
    #[serde(default)]
    pub images: Vec<String>,
    #[serde(default)]
    pub urls: Vec<String>,
    /// Names hosts give the server when only its name is in sight
    /// (`mcp__serena` in Claude Code permissions, defined elsewhere).
    #[serde(default)]
    pub names: Vec<String>,
    pub capabilities: Vec<String>,
    #[serde(default)]
    pub flows: Vec<String>,
    #[serde(default)]
    pub credentials: Vec<String>,
    #[serde(default)]
    pub path_args: bool,
    /// Where the server and what it does are documented (data for people
    /// reviewing the catalog; no finding reads it).
    #[serde(default)]
    #[allow(dead_code)]
    pub source: Option<String>,
}

pub struct ServerCatalog {
    pub entries: Vec<ServerEntry>,
}

impl ServerCatalog {
    pub fn get() -> &'static ServerCatalog {
        static CATALOG: OnceLock<ServerCatalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            let entries =
                crate::yaml::from_str(SERVERS_YAML).unwrap_or_else(|err| panic!("rules/catalog/servers.yaml: {err}"));
            ServerCatalog { entries }
        })
    }

    pub fn by_package(&self, package: &str) -> Option<&ServerEntry> {
        self.entries.iter().find(|e| e.packages.iter().any(|p| p == package))
    }

    /// Images match with or without a registry prefix (`docker.io/mcp/fetch`).
    pub fn by_image(&self, image: &str) -> Option<&ServerEntry> {
        let image = image.strip_prefix("docker.io/").unwrap_or(image);
        self.entries.iter().find(|e| e.images.iter().any(|i| i == image))
    }

    pub fn by_host(&self, host: &str) -> Option<&ServerEntry> {
        self.entries.iter().find(|e| e.urls.iter().any(|u| u == host))
    }

    pub fn by_name(&self, name: &str) -> Option<&ServerEntry> {
        self.entries.iter().find(|e| e.names.iter().any(|n| n == name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_web_pages() {
        for entry in &ServerCatalog::get().entries {
            if let Some(source) = &entry.source {
                assert!(source.starts_with("https://") && !source.contains(' '), "{}: source {source}", entry.id);
            }
        }
        assert!(ServerCatalog::get().entries.iter().filter(|e| e.source.is_some()).count() >= 6);
    }

    #[test]
    fn catalog_knows_sixty_servers_each_once() {
        let catalog = ServerCatalog::get();
        assert!(catalog.entries.len() >= 60, "{} servers", catalog.entries.len());
        let mut ids: Vec<&str> = catalog.entries.iter().map(|e| e.id.as_str()).collect();
        ids.sort();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "duplicate ids");
        let mut packages: Vec<&str> =
            catalog.entries.iter().flat_map(|e| e.packages.iter().map(String::as_str)).collect();
        packages.sort();
        let count = packages.len();
        packages.dedup();
        assert_eq!(count, packages.len(), "a package named by two entries");
    }

    #[test]
    fn capabilities_are_in_the_closed_taxonomy() {
        for entry in &ServerCatalog::get().entries {
            for cap in &entry.capabilities {
                assert!(crate::graph::CAPABILITIES.contains(&cap.as_str()), "{}: {cap}", entry.id);
            }
            for flow in &entry.flows {
                assert!(crate::graph::FLOWS.contains(&flow.as_str()), "{}: {flow}", entry.id);
            }
        }
    }
}
