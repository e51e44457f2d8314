//! Cursor CLI (`cursor-agent`) permissions: `~/.cursor/cli-config.json` and
//! a project's `.cursor/cli.json` (research/formats-2.md §6.4). Each
//! `permissions.allow` token runs without a prompt, unless a `deny` token
//! takes it back (deny beats allow):
//! - `Shell(git)` names a command by its first word only, so it is every
//!   `git` command; `Shell(curl:*)` is the newer `base:args` form;
//! - `Read(glob)`, `Write(glob)`: relative globs are the workspace,
//!   absolute ones may point anywhere;
//! - `WebFetch(domain)`; `Mcp(server:tool)` (also written `Mcp(server, tool)`).
//!
//! The CLI reads MCP servers from `.cursor/mcp.json`, so its grants belong to
//! the same host agent as the Cursor editor's servers.

use super::registry::{Adapt, FormatSpec};
use super::{builtin, servers, Ctx};
use crate::graph::Item;
use crate::source::{Node as Doc, Span, Syntax};

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "cursor-cli",
    client: "cursor",
    name: "Cursor CLI",
    syntax: Syntax::Json,
    paths: &["**/.cursor/cli.json", "**/.cursor/cli-config.json"],
    user: &[".cursor/cli-config.json"],
    markers: &[],
    reads: "`permissions.allow` and `deny`: `Shell(…)` by first word, `Read`/`Write` globs, `WebFetch`, `Mcp`",
    adapt: Adapt::First(adapt),
};

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    let agent = ctx.host_agent(doc);
    let denied: Vec<Token<'_>> = doc
        .at(&["permissions", "deny"])
        .map(Doc::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|d| d.as_str().and_then(Token::parse))
        .collect();
    let Some(allow) = doc.at(&["permissions", "allow"]) else { return };
    for (i, item) in allow.items().iter().enumerate() {
        let Some(token) = item.as_str().and_then(Token::parse) else { continue };
        if denied.iter().any(|d| d.takes_back(&token)) {
            continue;
        }
        grant(ctx, &agent, &token, item.span, &format!("permissions.allow[{i}]"));
    }
}

/// One permission token: `Kind(argument)`.
struct Token<'t> {
    written: &'t str,
    kind: &'t str,
    argument: &'t str,
}

impl<'t> Token<'t> {
    fn parse(written: &'t str) -> Option<Self> {
        let (kind, rest) = written.trim().split_once('(')?;
        let argument = rest.strip_suffix(')')?.trim();
        Some(Token { written: written.trim(), kind: kind.trim(), argument })
    }

    fn is_any(&self) -> bool {
        matches!(self.argument, "" | "*" | "**" | "**/*" | "*:*")
    }

    /// Whether this deny token takes back `allow`: the same token, or
    /// every argument of the same kind.
    fn takes_back(&self, allow: &Token<'_>) -> bool {
        self.kind == allow.kind && (self.is_any() || self.argument == allow.argument)
    }
}

fn grant(ctx: &mut Ctx<'_>, agent: &str, token: &Token<'_>, span: Span, pointer: &str) {
    let loc = ctx.loc(span, pointer);
    let any = token.is_any().then_some("*");
    match token.kind {
        "Shell" => {
            // `Shell(git)` is `git` with any arguments; `git:*` and `git *` say so.
            let command = match token.argument {
                _ if token.is_any() => "*".to_string(),
                arg if arg.contains([':', ' ', '*']) => arg.replacen(':', " ", 1),
                arg => format!("{arg} *"),
            };
            builtin::grant(ctx, agent, "shell", token.written, Some(&command), loc);
        }
        "Read" | "Write" => {
            let canonical = if token.kind == "Read" { "read" } else { "edit" };
            builtin::grant(ctx, agent, canonical, token.written, any.or(Some(token.argument)), loc.clone());
            if let Some(path) = outside_workspace(token.argument) {
                let key = builtin::tool(ctx, canonical, &loc);
                ctx.extend_on(&key, "fs_paths", vec![Item::new(path, Some(loc))]);
            }
        }
        "WebFetch" => {
            builtin::grant(ctx, agent, "web-fetch", token.written, any.or(Some(token.argument)), loc);
        }
        "Mcp" => {
            let (server, tool) = token
                .argument
                .split_once([':', ','])
                .map_or((token.argument, None), |(s, t)| (s.trim(), Some(t.trim())));
            let tool = tool.filter(|t| *t != "*");
            let server = if server.is_empty() { "*" } else { server };
            servers::tool_grant(ctx, agent, server, tool, token.written, loc);
        }
        _ => {}
    }
}

/// An absolute or home-relative glob, as the directory it opens
/// (`/etc/**` → `/etc`); relative globs stay in the workspace.
fn outside_workspace(glob: &str) -> Option<String> {
    if !(glob.starts_with('/') || glob.starts_with('~')) {
        return None;
    }
    let fixed: Vec<&str> = glob.split('/').take_while(|part| !part.contains(['*', '?', '['])).collect();
    let dir = fixed.join("/");
    Some(if dir.is_empty() { "/".to_string() } else { dir })
}

#[cfg(test)]
mod tests {
    use super::{outside_workspace, Token};

    #[test]
    fn tokens_and_denials() {
        let allow = Token::parse("Shell(git)").unwrap();
        assert_eq!((allow.kind, allow.argument), ("Shell", "git"));
        assert!(Token::parse("Shell(*)").unwrap().takes_back(&allow));
        assert!(!Token::parse("Shell(rm)").unwrap().takes_back(&allow));
        assert!(Token::parse("Shell").is_none());
    }

    #[test]
    fn globs_outside_the_workspace() {
        assert_eq!(outside_workspace("/etc/**").as_deref(), Some("/etc"));
        assert_eq!(outside_workspace("/**").as_deref(), Some("/"));
        assert_eq!(outside_workspace("~/.ssh/*").as_deref(), Some("~/.ssh"));
        assert_eq!(outside_workspace("src/**"), None);
    }
}
