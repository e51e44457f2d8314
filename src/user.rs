//! `scan --user`: the user-level configs of every supported client on this
//! machine, scanned as one graph (one developer's machine is one agent
//! system). Locations for Linux, macOS and Windows, relative to `HOME` (and
//! `APPDATA` on Windows); paths are shown with `~`.

use std::path::{Path, PathBuf};

/// Where each client keeps its user-level config, relative to the home
/// directory (`/`-separated; `AppData/Roaming` covers Windows' `%APPDATA%`).
pub const LOCATIONS: &[(&str, &str)] = &[
    ("Claude Code", ".claude.json"),
    ("Claude Code", ".claude/settings.json"),
    ("Claude Code", ".claude/settings.local.json"),
    ("Claude Desktop", "Library/Application Support/Claude/claude_desktop_config.json"),
    ("Claude Desktop", ".config/Claude/claude_desktop_config.json"),
    ("Claude Desktop", "AppData/Roaming/Claude/claude_desktop_config.json"),
    ("Cursor", ".cursor/mcp.json"),
    ("Codex CLI", ".codex/config.toml"),
    ("Gemini CLI", ".gemini/settings.json"),
    ("VS Code", "Library/Application Support/Code/User/mcp.json"),
    ("VS Code", ".config/Code/User/mcp.json"),
    ("VS Code", "AppData/Roaming/Code/User/mcp.json"),
    ("VS Code", "Library/Application Support/Code/User/settings.json"),
    ("VS Code", ".config/Code/User/settings.json"),
    ("VS Code", "AppData/Roaming/Code/User/settings.json"),
    ("Windsurf", ".codeium/windsurf/mcp_config.json"),
    (
        "Cline",
        "Library/Application Support/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json",
    ),
    ("Cline", ".config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json"),
    ("Cline", "AppData/Roaming/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json"),
    ("Cline", ".cline/data/settings/cline_mcp_settings.json"),
    (
        "Roo Code",
        "Library/Application Support/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json",
    ),
    ("Roo Code", ".config/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json"),
    ("Roo Code", "AppData/Roaming/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json"),
    ("Kiro", ".kiro/settings/mcp.json"),
    ("Amazon Q", ".aws/amazonq/mcp.json"),
    ("Goose", ".config/goose/config.yaml"),
    ("Goose", "AppData/Roaming/Block/goose/config/config.yaml"),
    ("Zed", ".config/zed/settings.json"),
    ("Continue", ".continue/config.yaml"),
];

/// The home directory: `HOME`, else `USERPROFILE` (Windows).
pub fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE")).map(PathBuf::from)
}

/// Every location, with whether a file is there: (client, shown path, full path, found).
pub fn locations(home: &Path) -> Vec<(&'static str, String, PathBuf, bool)> {
    LOCATIONS
        .iter()
        .map(|(client, relative)| {
            let full = home.join(relative);
            let found = full.is_file();
            (*client, format!("~/{relative}"), full, found)
        })
        .collect()
}
