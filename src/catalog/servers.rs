//! Well-known MCP servers: package, image or URL host → capabilities.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

const SERVERS_JSON: &str = crate::yaml::catalog_json!("servers");

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
    /// The server's own executable, matched by file name when it is run
    /// directly rather than through a package runner.
    #[serde(default)]
    pub commands: Vec<String>,
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
    /// The server keeps what agents write and returns it to whoever reads.
    #[serde(default)]
    pub memory: bool,
    /// Where the server and what it does are documented (data for people
    /// reviewing the catalog; no finding reads it).
    #[allow(dead_code)]
    pub source: String,
}

pub struct ServerCatalog {
    pub entries: Vec<ServerEntry>,
    /// Each key to the first entry that names it: a config with thousands
    /// of servers looks each one up, so no lookup walks the catalog.
    packages: HashMap<String, usize>,
    images: HashMap<String, usize>,
    hosts: HashMap<String, usize>,
    commands: HashMap<String, usize>,
    names: HashMap<String, usize>,
}

fn index(entries: &[ServerEntry], keys: impl Fn(&ServerEntry) -> &[String]) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        for key in keys(entry) {
            map.entry(key.clone()).or_insert(i);
        }
    }
    map
}

impl ServerCatalog {
    pub fn get() -> &'static ServerCatalog {
        static CATALOG: OnceLock<ServerCatalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            let entries: Vec<ServerEntry> = crate::yaml::embedded(SERVERS_JSON, "rules/catalog/servers.yaml");
            ServerCatalog {
                packages: index(&entries, |e| &e.packages),
                images: index(&entries, |e| &e.images),
                hosts: index(&entries, |e| &e.urls),
                commands: index(&entries, |e| &e.commands),
                names: index(&entries, |e| &e.names),
                entries,
            }
        })
    }

    fn at(&self, map: &HashMap<String, usize>, key: &str) -> Option<&ServerEntry> {
        map.get(key).map(|&i| &self.entries[i])
    }

    pub fn by_package(&self, package: &str) -> Option<&ServerEntry> {
        self.at(&self.packages, package)
    }

    /// Images match with or without a registry prefix (`docker.io/mcp/fetch`).
    pub fn by_image(&self, image: &str) -> Option<&ServerEntry> {
        self.at(&self.images, image.strip_prefix("docker.io/").unwrap_or(image))
    }

    pub fn by_host(&self, host: &str) -> Option<&ServerEntry> {
        self.at(&self.hosts, host)
    }

    /// A command matches by its file name, on any platform's separators and
    /// without a Windows `.exe` (`C:\\tools\\github-mcp-server.exe`).
    pub fn by_command(&self, command: &str) -> Option<&ServerEntry> {
        let file = command.rsplit(['/', '\\']).next().unwrap_or(command);
        let file = file.strip_suffix(".exe").unwrap_or(file);
        self.at(&self.commands, file)
    }

    pub fn by_name(&self, name: &str) -> Option<&ServerEntry> {
        self.at(&self.names, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_is_a_web_page() {
        for entry in &ServerCatalog::get().entries {
            let source = &entry.source;
            assert!(source.starts_with("https://") && !source.contains(' '), "{}: source {source}", entry.id);
        }
    }

    #[test]
    fn commands_name_servers_not_launchers() {
        const LAUNCHERS: &[&str] = &[
            "npx",
            "uvx",
            "uv",
            "node",
            "python",
            "python3",
            "docker",
            "podman",
            "bash",
            "sh",
            "bun",
            "bunx",
            "deno",
            "pipx",
            "java",
            "jbang",
            "cmd",
            "powershell",
            "pwsh",
        ];
        for entry in &ServerCatalog::get().entries {
            for command in &entry.commands {
                assert!(!LAUNCHERS.contains(&command.as_str()), "{}: {command} is a launcher", entry.id);
            }
        }
    }

    #[test]
    fn lookups_find_the_first_entry_that_names_the_key() {
        let catalog = ServerCatalog::get();
        assert_eq!(catalog.by_package("@modelcontextprotocol/server-github").map(|e| e.id.as_str()), Some("github"));
        assert_eq!(catalog.by_image("docker.io/mcp/fetch").map(|e| e.id.as_str()), Some("fetch"));
        assert_eq!(catalog.by_host("mcp.asana.com").map(|e| e.id.as_str()), Some("asana"));
        assert_eq!(catalog.by_command("/opt/homebrew/bin/github-mcp-server").map(|e| e.id.as_str()), Some("github"));
        assert_eq!(catalog.by_command("C:\\tools\\mcp-grafana.exe").map(|e| e.id.as_str()), Some("grafana"));
        assert!(catalog.by_command("npx").is_none());
        assert_eq!(catalog.by_name("serena").map(|e| e.id.as_str()), Some("serena"));
    }

    #[test]
    fn catalog_knows_a_hundred_and_fifty_servers_each_once() {
        let catalog = ServerCatalog::get();
        assert!(catalog.entries.len() >= 150, "{} servers", catalog.entries.len());
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
