//! Claude Code skills (`.claude/skills/<name>/SKILL.md`) and slash commands
//! (`.claude/commands/*.md`): their front matter's `allowed-tools` are
//! approved without a prompt while the skill or command runs, so each is a
//! grant of the project's Claude Code agent, read like a `permissions.allow`
//! rule (shell grants through the command classifier).

use super::registry::{Adapt, FormatSpec};
use super::{claude_settings, Ctx};
use crate::source::{Node as Doc, Syntax};

pub(super) const SKILL: FormatSpec = FormatSpec {
    id: "claude-skill",
    client: "claude-code",
    name: "Claude Code skills",
    syntax: Syntax::FrontMatter,
    // A plugin's skills sit in its own `skills/` folder.
    paths: &["**/.claude/skills/*/SKILL.md", "**/skills/*/SKILL.md"],
    user: &[".claude/skills/*/SKILL.md"],
    markers: &[],
    reads: "front matter `allowed-tools`, approved while the skill runs",
    adapt: Adapt::First(adapt),
};

pub(super) const COMMAND: FormatSpec = FormatSpec {
    id: "claude-command",
    client: "claude-code",
    name: "Claude Code slash commands",
    syntax: Syntax::FrontMatter,
    paths: &["**/.claude/commands/*.md", "**/.claude/commands/*/*.md"],
    user: &[".claude/commands/*.md", ".claude/commands/*/*.md"],
    markers: &[],
    reads: "front matter `allowed-tools`, approved while the command runs",
    adapt: Adapt::First(adapt),
};

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    // The body is instructions the project's agent follows when it runs the skill.
    let agent = ctx.host_agent(doc);
    super::instructions::in_body(ctx, &agent);
    // Hooks in front matter stay registered for the rest of the session.
    claude_settings::hooks(ctx, &agent, doc);
    let Some(tools) = doc.get("allowed-tools").or_else(|| doc.get("allowed_tools")) else { return };
    let pointer = "allowed-tools";
    // A list, or one string of rules separated by commas or spaces (those inside
    // parentheses belong to the rule: `Bash(git add:*, git commit:*)` is rare but legal).
    match tools.as_str() {
        Some(text) => {
            for (range, rule) in split_rules(text) {
                let span = ctx.sub_span(tools, text, range);
                claude_settings::permission(ctx, &agent, rule, span, pointer);
            }
        }
        None => {
            for (i, item) in tools.items().iter().enumerate() {
                if let Some(rule) = item.as_str() {
                    claude_settings::permission(ctx, &agent, rule.trim(), item.span, &format!("{pointer}[{i}]"));
                }
            }
        }
    }
}

/// Rules separated by commas or spaces, with their byte ranges; separators
/// inside `(…)` belong to the rule.
pub(super) fn split_rules(text: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let mut rules = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            // Commas or spaces between rules: both forms are in use.
            c if depth == 0 && (c == ',' || c.is_whitespace()) => {
                rules.push(start..i);
                start = i + 1;
            }
            _ => {}
        }
    }
    rules.push(start..text.len());
    rules
        .into_iter()
        .filter_map(|r| {
            let piece = &text[r.clone()];
            let lead = piece.len() - piece.trim_start().len();
            let rule = piece.trim();
            (!rule.is_empty()).then(|| (r.start + lead..r.start + lead + rule.len(), rule))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::split_rules;

    #[test]
    fn rules_split_on_top_level_commas() {
        let rules: Vec<&str> = split_rules("Bash(ssh:*), Bash(a, b),Read").into_iter().map(|(_, r)| r).collect();
        assert_eq!(rules, ["Bash(ssh:*)", "Bash(a, b)", "Read"]);
        let rules: Vec<&str> = split_rules("Bash(curl:*) Bash(git add:*)  Read").into_iter().map(|(_, r)| r).collect();
        assert_eq!(rules, ["Bash(curl:*)", "Bash(git add:*)", "Read"]);
    }
}
