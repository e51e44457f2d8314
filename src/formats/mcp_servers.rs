//! The `mcpServers` family: Claude Desktop, Claude Code `.mcp.json`, Cursor,
//! Windsurf, Cline, Roo Code, Kiro, Amazon Q, LibreChat and generic files.
//! One shape, `mcpServers: { <name>: { command, args, env | url, headers } }`,
//! with the dialect keys handled by `servers::describe`.

use super::{join, servers, Ctx};
use crate::source::Node as Doc;

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const CLAUDE_DESKTOP: FormatSpec = FormatSpec {
    id: "claude-desktop",
    client: "claude-desktop",
    name: "Claude Desktop",
    syntax: Syntax::Json,
    paths: &["**/claude_desktop_config*.json"],
    user: &[
        "Library/Application Support/Claude/claude_desktop_config.json",
        ".config/Claude/claude_desktop_config.json",
        "AppData/Roaming/Claude/claude_desktop_config.json",
    ],
    markers: &[],
    reads: "`mcpServers`",
    adapt: Adapt::First(adapt),
};

pub(super) const CLAUDE_CODE_MCP: FormatSpec = FormatSpec {
    id: "claude-code-mcp",
    client: "claude-code",
    name: "Claude Code",
    syntax: Syntax::Json,
    paths: &["**/.mcp.json"],
    user: &[],
    markers: &[],
    reads: "project `mcpServers`",
    adapt: Adapt::First(adapt),
};

pub(super) const CURSOR: FormatSpec = FormatSpec {
    id: "cursor",
    client: "cursor",
    name: "Cursor",
    syntax: Syntax::Json,
    paths: &["**/.cursor/mcp.json"],
    user: &[".cursor/mcp.json"],
    markers: &[],
    reads: "`mcpServers`",
    adapt: Adapt::First(adapt),
};

pub(super) const WINDSURF: FormatSpec = FormatSpec {
    id: "windsurf",
    client: "windsurf",
    name: "Windsurf",
    syntax: Syntax::Json,
    paths: &["**/mcp_config.json", "**/windsurf_mcp.json"],
    user: &[".codeium/windsurf/mcp_config.json"],
    markers: &[],
    reads: "`mcpServers`",
    adapt: Adapt::First(adapt),
};

pub(super) const CLINE: FormatSpec = FormatSpec {
    id: "cline",
    client: "cline",
    name: "Cline",
    syntax: Syntax::Json,
    paths: &["**/cline_mcp_settings.json"],
    user: &[
        "Library/Application Support/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json",
        ".config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json",
        "AppData/Roaming/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json",
        ".cline/data/settings/cline_mcp_settings.json",
    ],
    markers: &[],
    reads: "`mcpServers`, `autoApprove`, `alwaysAllow`",
    adapt: Adapt::First(adapt),
};

pub(super) const ROO: FormatSpec = FormatSpec {
    id: "roo",
    client: "roo-code",
    name: "Roo Code",
    syntax: Syntax::Json,
    paths: &["**/.roo/mcp.json"],
    user: &[
        "Library/Application Support/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json",
        ".config/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json",
        "AppData/Roaming/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json",
    ],
    markers: &[],
    reads: "`mcpServers`, `alwaysAllow`",
    adapt: Adapt::First(adapt),
};

pub(super) const KIRO: FormatSpec = FormatSpec {
    id: "kiro",
    client: "kiro",
    name: "Kiro",
    syntax: Syntax::Json,
    paths: &["**/.kiro/settings/mcp.json"],
    user: &[".kiro/settings/mcp.json"],
    markers: &[],
    reads: "`mcpServers`, `autoApprove`",
    adapt: Adapt::First(adapt),
};

pub(super) const AMAZON_Q: FormatSpec = FormatSpec {
    id: "amazonq",
    client: "amazon-q",
    name: "Amazon Q",
    syntax: Syntax::Json,
    paths: &["**/.amazonq/mcp.json", "**/amazonq/mcp.json"],
    user: &[".aws/amazonq/mcp.json"],
    markers: &[],
    reads: "`mcpServers`",
    adapt: Adapt::First(adapt),
};

pub(super) const KILO_CODE: FormatSpec = FormatSpec {
    id: "kilocode",
    client: "kilo-code",
    name: "Kilo Code",
    syntax: Syntax::Json,
    paths: &["**/.kilocode/mcp.json"],
    user: &[
        "Library/Application Support/Code/User/globalStorage/kilocode.kilo-code/settings/mcp_settings.json",
        ".config/Code/User/globalStorage/kilocode.kilo-code/settings/mcp_settings.json",
        "AppData/Roaming/Code/User/globalStorage/kilocode.kilo-code/settings/mcp_settings.json",
        ".kilocode/cli/global/settings/mcp_settings.json",
    ],
    markers: &[],
    reads: "`mcpServers`, `alwaysAllow`",
    adapt: Adapt::First(adapt),
};

/// GitHub Copilot CLI's servers; the cloud coding agent takes the same JSON
/// in the repository's settings (not a file), with `tools` required.
pub(super) const COPILOT: FormatSpec = FormatSpec {
    id: "copilot-mcp",
    client: "copilot",
    name: "GitHub Copilot CLI",
    syntax: Syntax::Json,
    paths: &["**/.copilot/mcp-config.json"],
    user: &[".copilot/mcp-config.json"],
    markers: &[],
    reads: "`mcpServers`",
    adapt: Adapt::First(adapt),
};

pub(super) const LIBRECHAT: FormatSpec = FormatSpec {
    id: "librechat",
    client: "librechat",
    name: "LibreChat",
    syntax: Syntax::Yaml,
    paths: &["**/librechat.{yaml,yml}"],
    user: &[],
    markers: &[],
    reads: "`mcpServers`",
    adapt: Adapt::First(adapt),
};

pub(super) const GENERIC: FormatSpec = FormatSpec {
    id: "mcp-json",
    client: "mcp-client",
    name: "generic MCP client",
    syntax: Syntax::Json,
    paths: &[],
    user: &[],
    markers: &["\"mcpServers\""],
    reads: "a top-level `mcpServers` map in `mcp.json`, `mcp_settings.json` or any other JSON",
    adapt: Adapt::First(adapt),
};

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    describe_map(ctx, &agent, doc, "mcpServers");
}

/// Describes every server of the map under `key` (if the document has one).
pub(super) fn describe_map(ctx: &mut Ctx<'_>, agent: &str, doc: &Doc, key: &str) {
    let Some(map) = doc.get(key) else { return };
    for entry in map.entries() {
        if entry.value.is_object() {
            servers::describe(ctx, agent, &entry.key, entry.key_span, &entry.value, &join(key, &entry.key));
        }
    }
}
