//! GitHub Actions workflows (`.github/workflows/*.yml`) that run an AI
//! agent: an agent action (`anthropics/claude-code-action`, …) or an agent
//! CLI in a `run:` block (`claude -p`, `codex exec`, …). Each such step is an
//! agent: its triggers (who can write its input), the event text that
//! reaches its prompt (directly or through `env:`), the secrets and
//! `GITHUB_TOKEN` permissions in reach, its approval flags and allowed
//! tools, and how its action is pinned. A workflow with no agent yields
//! nothing.

use std::sync::OnceLock;

use regex::Regex;

use super::registry::{self, Adapt, FormatSpec};
use super::{builtin, claude_settings, claude_skills, Ctx};
use crate::catalog::ci::AgentCli;
use crate::catalog::commands::shell_commands;
use crate::catalog::{CiCatalog, CommandCatalog};
use crate::graph::{AttrValue, Edge, EdgeKind, Item, Loc, Node, NodeKind, SetAttr};
use crate::source::{Node as Doc, Span, Syntax, Value};

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "github-workflow",
    client: "github-actions",
    name: "GitHub Actions agents",
    syntax: Syntax::Yaml,
    paths: &["**/.github/workflows/*.{yml,yaml}"],
    user: &[],
    markers: &[],
    reads: "steps that run an agent action or CLI, and jobs that hand a reusable workflow an agent's inputs: triggers, event text and CI logs in prompts, secrets, token permissions, approval flags, allowed tools, inline `settings`/`mcp_config`/`--mcp-config` JSON, action pins, agent CLI installs",
    adapt: Adapt::First(adapt),
};

pub(super) const COMPOSITE: FormatSpec = FormatSpec {
    id: "github-action",
    client: "github-actions",
    name: "GitHub composite actions",
    syntax: Syntax::Yaml,
    paths: &["**/action.{yml,yaml}"],
    user: &[],
    markers: &[],
    reads: "composite actions (`runs.using: composite`) whose steps run an agent action or CLI, read as a job's steps; the caller's triggers and token are not in the file",
    adapt: Adapt::First(adapt_composite),
};

fn regex(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    // Our own literal patterns, tested: failing here is a build defect.
    cell.get_or_init(|| Regex::new(pattern).unwrap_or_else(|e| panic!("workflow pattern: {e}")))
}

/// An agent CLI that a `run:` script starts, and the OS sandbox (`srt`)
/// it runs in, if any.
struct CliRun {
    cli: &'static str,
    sandbox: Option<String>,
}

/// The agent CLI a `run:` script starts, if any: the first simple command
/// that, past wrappers and a package runner, calls one of the catalog's
/// agent CLIs to run a prompt (an install or `--version` is no run).
fn cli_agent(script: &str) -> Option<CliRun> {
    let ci = CiCatalog::get();
    let commands = CommandCatalog::get();
    shell_commands(script).iter().find_map(|all| {
        let mut words = commands.past_wrappers(all);
        let sandbox = commands.sandbox_among(&all[..all.len() - words.len()]).map(str::to_string);
        let joined = words.join(" ");
        if let Some(runner) = ci.package_runners.iter().find(|r| joined.starts_with(&format!("{r} "))) {
            let rest = &words[runner.split(' ').count()..];
            words = &rest[rest.iter().take_while(|w| w.starts_with('-')).count()..];
        }
        let (first, args) = words.split_first()?;
        let first = first.trim_matches(|c| c == '"' || c == '\'');
        let package = super::launch::npm_package(first).name;
        let program = first.rsplit('/').next().unwrap_or(first);
        let cli = ci.agent_clis.iter().find(|c| c.names.iter().any(|n| *n == package || n == program))?;
        let not_run =
            |a: &&str, anywhere: bool| ci.agent_cli_not_runs.iter().any(|n| n == a && (anywhere == n.starts_with('-')));
        if args.first().is_some_and(|a| not_run(a, false)) || args.iter().any(|a| not_run(a, true)) {
            return None;
        }
        let runs = cli.runs_only.is_empty() || args.iter().any(|a| cli.runs_only.contains(&a.to_string()));
        runs.then_some(CliRun { cli: cli.cli.as_str(), sandbox })
    })
}

/// `${{ github.event.….title|body|message|head_ref… }}`: text an outsider writes.
fn untrusted_expressions(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(
        &RE,
        r"\$\{\{\s*(github\.(?:event\.[A-Za-z0-9_.\[\]']*(?:title|body|message|head_ref|label|name|page_name|ref)|head_ref))\s*\}\}",
    );
    re.captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?.range();
            let field = c.get(1)?.as_str();
            // The repository's or a workflow's own names are not outsiders' text.
            let own = ["repository.name", "workflow_run.name", "workflow.name", "sender.name", "event_name"]
                .iter()
                .any(|o| field.ends_with(o));
            (!own).then(|| (whole, field.to_string()))
        })
        .collect()
}

/// One substring check for workflows and actions without an agent.
fn may_run_agent(text: &str) -> bool {
    let ci = CiCatalog::get();
    ci.agent_actions
        .iter()
        .chain(ci.agent_clis.iter().flat_map(|c| &c.names))
        .chain(&ci.reusable_agent_inputs)
        .any(|a| text.contains(a.as_str()))
}

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    if !may_run_agent(&ctx.source.text) {
        return;
    }
    let all_triggers = triggers(ctx, doc);
    let workflow_env = env_of(doc);
    let Some(jobs) = doc.get("jobs") else { return };
    for job in jobs.entries() {
        let job = Job {
            key: &job.key,
            name: job.key.clone(),
            pointer: format!("jobs.{}", job.key),
            node: &job.value,
            composite: false,
        };
        adapt_job(ctx, doc, &job, &all_triggers, &workflow_env);
    }
}

/// A composite action (`action.yml` with `runs.using: composite`): its
/// steps run in the job of each workflow that uses it, which decides the
/// triggers and the token; what the steps themselves do is read here.
fn adapt_composite(ctx: &mut Ctx<'_>, doc: &Doc) {
    let Some(runs) = doc.get("runs") else { return };
    if runs.get("using").and_then(Doc::as_str) != Some("composite") || !may_run_agent(&ctx.source.text) {
        return;
    }
    let name = doc.get("name").and_then(Doc::scalar_text).unwrap_or_else(|| "composite action".to_string());
    let job = Job { key: "runs", name, pointer: "runs".to_string(), node: runs, composite: true };
    adapt_job(ctx, doc, &job, &[], &[]);
}

/// A job of a workflow, or a composite action's `runs:`: its name in node
/// keys, its pointer, its node.
struct Job<'d> {
    key: &'d str,
    /// How reports name it: the job's id, or the action's `name`.
    name: String,
    pointer: String,
    node: &'d Doc,
    /// A composite action's steps: its caller's job decides the triggers
    /// and the token's permissions, which are not in this file.
    composite: bool,
}

/// The agents of one job (each step that runs one, or the call of a
/// reusable workflow that does), with what reaches them.
fn adapt_job(
    ctx: &mut Ctx<'_>,
    doc: &Doc,
    job: &Job<'_>,
    all_triggers: &[Item],
    workflow_env: &[(String, &Doc, String)],
) {
    let ci = CiCatalog::get();
    // A job that runs only on some events (`if: github.event_name ==
    // 'issues'`) is started by those alone.
    let condition = job.node.get("if").and_then(Doc::scalar_text).unwrap_or_default();
    let named = events_named(&condition);
    let triggers: Vec<Item> =
        all_triggers.iter().filter(|t| named.is_empty() || named.iter().any(|n| t.value == *n)).cloned().collect();
    let outsider: Vec<Item> =
        triggers.iter().filter(|t| ci.outsider_events.iter().any(|e| t.value == *e)).cloned().collect();
    let privileged: Vec<Item> =
        triggers.iter().filter(|t| ci.privileged_events.iter().any(|e| t.value == *e)).cloned().collect();
    let permissions = job.node.get("permissions").or_else(|| doc.get("permissions"));
    let job_env = env_of(job.node);
    let fetchers = fetching_steps(job.node);
    let env_lookup: Vec<(String, &Doc, String)> = workflow_env.iter().chain(&job_env).cloned().collect();
    let head_run = head_code_run(ctx, &job.pointer, job.node, &env_lookup);
    let exports = exports(&job.pointer, job.node);
    // CI logs are outsiders' text when an outsider's event starts the
    // job (the run of a fork's code); a fork's own `pull_request` run
    // holds no secrets, and other runs ran code insiders wrote.
    let logs_untrusted = !outsider.is_empty();
    let files = written_files(ctx, &job.pointer, job.node, &fetchers, logs_untrusted);
    // Each step, and the job itself when it calls a reusable workflow
    // that runs an agent: its `with:` is the agent's inputs, its
    // permissions the token's ceiling, and the caller's triggers start it.
    let steps = job.node.get("steps").map(Doc::items).unwrap_or_default();
    let inputs = job.node.get("with").map(|w| w.entries()).unwrap_or_default();
    let calls_agent = job.node.get("uses").is_some() && ci.calls_agent_workflow(inputs.iter().map(|e| e.key.as_str()));
    let call = calls_agent.then(|| (job.node, job.pointer.clone(), "call".to_string()));
    let invocations = steps
        .iter()
        .enumerate()
        .map(|(i, step)| (step, format!("{}.steps[{i}]", job.pointer), i.to_string()))
        .chain(call);
    let mut job_agents = Vec::new();
    for (step, pointer, i) in invocations {
        let uses = step.get("uses").and_then(Doc::as_str).unwrap_or("");
        let action = uses.split('@').next().unwrap_or("");
        let run = step.get("run").and_then(Doc::as_str).unwrap_or("");
        let reusable = i == "call";
        let mut sandbox = None;
        let mut cli = None;
        let agent_kind = if reusable {
            "reusable-workflow".to_string()
        } else if ci.agent_actions.iter().any(|a| action.eq_ignore_ascii_case(a)) {
            cli = ci.cli(action);
            action.rsplit('/').next().unwrap_or(action).to_string()
        } else if let Some(run) = cli_agent(run) {
            sandbox = run.sandbox;
            cli = ci.cli(run.cli);
            run.cli.to_string()
        } else {
            continue;
        };
        let label = match step.get("name").and_then(Doc::as_str) {
            Some(name) => name.to_string(),
            None if reusable => format!("calls {}", action.rsplit('/').next().unwrap_or(action)),
            None => agent_kind.clone(),
        };
        let key = format!("agent:github-actions:{}:{}:{i}", ctx.source.display, job.key);
        let loc = ctx.loc(step.get("uses").or_else(|| step.get("run")).map_or(step.span, |n| n.span), &pointer);
        let mut agent = Node::new(NodeKind::Agent, key.clone(), format!("{} / {label}", job.name), Some(loc.clone()));
        agent.set_str("framework", "github-actions", None);
        agent.set_str("client", agent_kind.as_str(), None);
        agent.set_str("scope", ctx.scope.clone(), None);
        agent.set_list("triggers", triggers.clone(), None);
        if !outsider.is_empty() {
            agent.set_list("outsider_triggers", outsider.clone(), None);
        }
        // A workflow in the same repository runs at the caller's commit.
        if !uses.is_empty() && !uses.starts_with("./") {
            let uses_node = step.get("uses").unwrap_or(step);
            let uses_loc = ctx.loc(uses_node.span, &format!("{pointer}.uses"));
            let reference = uses.split_once('@').map_or("", |(_, r)| r);
            let pinned = reference.len() == 40 && reference.chars().all(|c| c.is_ascii_hexdigit());
            agent.set_str("action_ref", uses, Some(uses_loc.clone()));
            agent.set_bool("action_pinned", pinned, Some(uses_loc));
        }
        let step_env = env_of(step);
        // How the job's token reaches the agent, if it does.
        let token_via = if reusable || !uses.is_empty() {
            Some("action-input")
        } else {
            let handed = step_env.iter().chain(&job_env).chain(workflow_env).any(|(_, v, _)| is_job_token(v));
            let steps_before = &steps[..i.parse::<usize>().unwrap_or(0).min(steps.len())];
            if handed {
                Some("env")
            } else if steps_before.iter().any(persists_token) {
                Some("checkout")
            } else {
                None
            }
        };
        match (token_via, job.composite) {
            // A composite action's token is its caller's, with permissions set there.
            (Some(_), true) => agent.set_str("github_token", "the calling job's", None),
            (Some(_), false) => token_permissions(ctx, &mut agent, permissions),
            (None, _) => {}
        }
        // `*` in an input that lets users or bots past the action's own check.
        if let Some((input, value)) = ci.open_inputs.users.iter().chain(&ci.open_inputs.bots).find_map(|k| {
            let value = step.get("with")?.get(k)?;
            let text = value.scalar_text()?;
            text.split([',', ' ', '\n']).any(|name| name.trim_matches(['"', '\'']) == "*").then_some((k, value))
        }) {
            let at = ctx.loc(value.span, &format!("{pointer}.with.{input}"));
            agent.set_str("opened_to_everyone", format!("{input}: \"*\""), Some(at));
        }
        // Claude's and Codex's actions run only for users with write access
        // unless told otherwise (`allowed_non_write_users`, `allow-users`).
        let opened = ci
            .open_inputs
            .users
            .iter()
            .find_map(|k| step.get("with").and_then(|w| w.get(k)).and_then(Doc::scalar_text));
        let checks_actor =
            action.starts_with("anthropics/claude-code") || action.eq_ignore_ascii_case("openai/codex-action");
        if checks_actor && opened.as_deref().is_none_or(str::is_empty) {
            agent.set_str("trigger_gate", "the action's own check: users with write access only", None);
        }
        // A called workflow may check the actor itself; unless the call
        // opens the agent to others, that is not ours to deny.
        if reusable && opened.as_deref().is_none_or(str::is_empty) {
            agent.set_str("trigger_gate", "the called workflow's own checks, not scanned here", None);
        }
        // The job's condition, located: where a gate belongs, and a gate
        // itself when it checks who triggered the job (comment text is not).
        if let Some(condition) = job.node.get("if") {
            let raw = condition.scalar_text().unwrap_or_default();
            let text: String = crate::redact::shown(raw.trim()).chars().take(160).collect();
            let at = ctx.loc(condition.span, &format!("{}.if", job.pointer));
            if gates(&raw, ci) {
                agent.set_str("trigger_gate", text.clone(), Some(at.clone()));
                agent.set_str("job_gate", text.clone(), Some(at.clone()));
            }
            agent.set_str("job_condition", text, Some(at));
        }
        // An OS sandbox around the CLI (`srt claude …`) confines what
        // skipped approvals let it do.
        if let (Some(wrapper), Some(run_node)) = (&sandbox, step.get("run")) {
            let at = run.find(&format!("{wrapper} ")).unwrap_or(0);
            let span = ctx.sub_span(run_node, run, at..at + wrapper.len());
            agent.set_str("os_sandbox", wrapper.as_str(), Some(ctx.loc(span, &format!("{pointer}.run"))));
        }
        if !privileged.is_empty() {
            agent.set_list("privileged_triggers", privileged.clone(), None);
        }
        if let Some((text, loc)) = &head_run {
            agent.set_str("head_code_run", text.clone(), Some(loc.clone()));
        }
        let gated = agent.attr("trigger_gate").is_some();
        ctx.add_node(agent);
        job_agents.push(key.clone());
        if let Some(id) = step.get("id").and_then(Doc::as_str) {
            let later = steps.iter().enumerate().skip(i.parse::<usize>().map_or(usize::MAX, |i| i + 1));
            let outputs = ci.answer_outputs.get(&action.to_ascii_lowercase()).map(Vec::as_slice).unwrap_or_default();
            let used = answer_in_scripts(ctx, &job.pointer, later, id, outputs);
            ctx.extend_on(&key, "answer_in_script", used);
        }
        if let Some(via) = token_via.filter(|_| !job.composite) {
            job_token(ctx, &job.pointer, job.node, permissions, &key, via);
        }

        let denied = disallowed_tools(step, &pointer);
        // Flags the action always passes its CLI (run-gemini-cli: `--yolo`).
        if let (Some(cli), Some(uses_node), false) = (cli, step.get("uses"), reusable) {
            for flag in cli.action_flags.iter().filter(|f| ci.bypass.contains(f)) {
                let said = format!("{flag} (the action always passes it)");
                ctx.note(&key, "approval_bypass", said, uses_node.span, &format!("{pointer}.uses"));
                if cli.skips_permissions.contains(flag) {
                    own_tools(ctx, &key, cli, uses_node.span, &format!("{pointer}.uses"), flag, &denied);
                }
            }
        }
        // The prompt: the action's prompt inputs, or the run script.
        let mut prompt_parts: Vec<(&Doc, String)> = Vec::new();
        if let Some(with) = step.get("with") {
            for input in with.entries() {
                let input_pointer = format!("{pointer}.with.{}", input.key);
                if ci.prompt_inputs.contains(&input.key) {
                    prompt_parts.push((&input.value, input_pointer.clone()));
                }
                // A config read inline says itself whom its secrets go to.
                let config_read = cli.is_some_and(|cli| {
                    agent_configs(ctx, &key, cli, &input.key, &input.value, &input_pointer, &denied)
                });
                if !is_job_token(&input.value) && !config_read {
                    ctx.credentials_in(&key, Some(&input.key), &input.value, &input_pointer, "action-input");
                }
                flags(ctx, &key, &input.value, &input_pointer);
                // Codex's action: `sandbox: read-only` writes nothing and reaches no network.
                if input.key == "sandbox" && input.value.as_str() == Some("read-only") {
                    ctx.set_on(&key, "sandbox_read_only", AttrValue::Bool(true), input.value.span, &input_pointer);
                }
                if matches!(input.key.as_str(), "allowed_tools" | "claude_args") {
                    allowed_tools(ctx, &key, &input.value, &input_pointer, &denied);
                }
            }
        }
        if let Some(run_node) = step.get("run") {
            let run_pointer = format!("{pointer}.run");
            prompt_parts.push((run_node, run_pointer.clone()));
            flags(ctx, &key, run_node, &run_pointer);
            allowed_tools(ctx, &key, run_node, &run_pointer, &denied);
            if let Some(cli) = cli {
                agent_configs(ctx, &key, cli, "run", run_node, &run_pointer, &denied);
            }
        }
        for (name, value, env_pointer) in step_env.iter().filter(|(_, v, _)| !is_job_token(v)) {
            ctx.credentials_in(&key, Some(name), value, env_pointer, "env");
        }
        // Event text in the prompt, directly or through an env variable.
        let envs: Vec<&(String, &Doc, String)> = workflow_env.iter().chain(&job_env).chain(&step_env).collect();
        // Event text written into the prompt itself, and text relayed to it
        // (through env, a step's output, a file, an export, a fetch).
        let mut reached = Vec::new();
        let mut relayed = Vec::new();
        let mut fetched_by_agent = Vec::new();
        for (node, part_pointer) in &prompt_parts {
            let Some(text) = node.as_str() else { continue };
            for (range, field) in untrusted_expressions(text) {
                let span = ctx.sub_span(node, text, range);
                reached.push(Item::new(format!("{field} → the prompt"), Some(ctx.loc(span, part_pointer))));
            }
            // A prompt that has the agent fetch the issue or pull request
            // itself: outsiders' text, read as the agent runs (modelled on
            // the trigger's edge; the fetch is what BR504 recommends).
            if let Some((at, command)) =
                ci.fetches.commands.iter().find_map(|c| text.find(c.as_str()).map(|at| (at, c)))
            {
                let span = ctx.sub_span(node, text, at..at + command.len());
                let via = format!("the issue or pull request, fetched by the agent (`{command}`) → the prompt");
                fetched_by_agent.push(Item::new(via, Some(ctx.loc(span, part_pointer))));
            }
            // Or the logs of a run, which the code it ran wrote.
            if let Some((at, command)) =
                lines_at(text).filter_map(|(at, line)| ci.fetches.logs_at(line).map(|(i, c)| (at + i, c))).next()
            {
                let span = ctx.sub_span(node, text, at..at + command.len());
                let via = format!("CI logs, fetched by the agent ({command}) → the prompt");
                fetched_by_agent.push(Item::new(via, Some(ctx.loc(span, part_pointer))));
            }
            // Text a step fetched (an issue's body, a pull request's
            // comments), handed over as that step's output.
            for id in &fetchers {
                if let Some(at) = fetched_text_at(text, id) {
                    let span = ctx.sub_span(node, text, at..at + format!("steps.{id}.outputs.").len());
                    let via = format!("issue or pull request text fetched by step {id} → the prompt");
                    relayed.push(Item::new(via, Some(ctx.loc(span, part_pointer))));
                }
            }
            // Outsider text an earlier step wrote to a file the prompt names.
            for (file, via, loc) in &files {
                if mentions_file(text, file) {
                    relayed.push(Item::new(format!("{via} → {file} → the prompt"), Some(loc.clone())));
                }
            }
            // Outsider text an earlier step exported through $GITHUB_ENV or $GITHUB_OUTPUT.
            let here = i.parse::<usize>().unwrap_or(usize::MAX);
            for export in exports.iter().filter(|e| e.step < here) {
                if export.names.iter().any(|n| text.contains(n.as_str())) {
                    let Some(written) = export.node.as_str() else { continue };
                    let span = ctx.sub_span(export.node, written, export.range.clone());
                    let via = format!("{} → {} → the prompt", export.field, export.label);
                    relayed.push(Item::new(via, Some(ctx.loc(span, &export.pointer))));
                }
            }
            for (name, value, env_pointer) in &envs {
                let Some(value_text) = value.as_str() else { continue };
                let fields = untrusted_expressions(value_text);
                let Some((range, field)) = fields.first() else { continue };
                let named = [format!("env.{name}"), format!("${name}"), format!("${{{name}}}")];
                if named.iter().any(|n| text.contains(n.as_str())) {
                    let span = ctx.sub_span(value, value_text, range.clone());
                    let via = format!("{field} → env {name} → the prompt");
                    relayed.push(Item::new(via, Some(ctx.loc(span, env_pointer))));
                }
            }
        }
        let prompt_fields: Vec<Item> = reached.iter().chain(&relayed).chain(&fetched_by_agent).cloned().collect();
        feed(ctx, &triggers, &key, gated, &prompt_fields);
        ctx.extend_on(&key, "untrusted_prompt_inputs", reached);
        ctx.extend_on(&key, "relayed_prompt_inputs", relayed);
    }
    if !job_agents.is_empty() {
        unpinned_installs(ctx, ci, &job.pointer, job.node, &job_agents);
    }
}

/// Where later steps splice an agent step's answer (`${{
/// steps.<id>.outputs.response }}`, one of `outputs`) into a `run:`
/// script: before the shell parses it, so the answer is code. An output
/// passed through `env:` stays data.
fn answer_in_scripts<'d>(
    ctx: &Ctx<'_>,
    job_pointer: &str,
    later: impl Iterator<Item = (usize, &'d Doc)>,
    id: &str,
    outputs: &[String],
) -> Vec<Item> {
    let mut used = Vec::new();
    for (j, step) in later {
        let Some(run) = step.get("run") else { continue };
        let Some(script) = run.as_str() else { continue };
        let name = step.get("name").and_then(Doc::scalar_text).unwrap_or_else(|| format!("#{j}"));
        for output in outputs {
            let needle = format!("steps.{id}.outputs.{output}");
            for (at, _) in script.match_indices(&needle) {
                // `response-file` is another output, a path.
                if script[at + needle.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '-' || c == '_') {
                    continue;
                }
                let span = ctx.sub_span(run, script, at..at + needle.len());
                let loc = ctx.loc(span, &format!("{job_pointer}.steps[{j}].run"));
                used.push(Item::new(format!("{needle} in the script of step {name}"), Some(loc)));
            }
        }
    }
    used
}

/// One agent CLI a `run:` line installs: the registry, the package as
/// written, its name, whether its version is exact, and where it is written
/// (byte offset in the line).
struct AgentInstall {
    registry: &'static str,
    spec: String,
    name: String,
    pinned: bool,
    at: usize,
}

/// The agent CLIs one shell line installs (`npm install -g
/// @anthropic-ai/claude-code`, `pip install -U aider-chat==0.86.1`).
fn agent_installs(ci: &CiCatalog, line: &str) -> Vec<AgentInstall> {
    let mut found = Vec::new();
    for (registry, commands, packages) in
        [("npm", &ci.npm_installs, &ci.agent_packages.npm), ("pypi", &ci.pypi_installs, &ci.agent_packages.pypi)]
    {
        let Some(start) = commands.iter().find_map(|c| line.find(c.as_str()).map(|at| at + c.len())) else {
            continue;
        };
        let mut offset = start;
        for word in line[start..].split(' ') {
            let at = offset;
            offset += word.len() + 1;
            if matches!(word, "&&" | "||" | ";" | "|") {
                break;
            }
            let spec = word.trim_matches(|c| c == '"' || c == '\'');
            if spec.is_empty() || spec.starts_with('-') {
                continue;
            }
            let (name, pinned) = if registry == "npm" {
                let package = super::launch::npm_package(spec);
                (package.name, package.pinned)
            } else {
                let name = spec.split(['=', '<', '>', '~', '!', '[']).next().unwrap_or(spec);
                (name.to_string(), spec.contains("==") && !spec.contains('*'))
            };
            if packages.iter().any(|p| p.eq_ignore_ascii_case(&name)) {
                found.push(AgentInstall {
                    registry,
                    spec: spec.to_string(),
                    name,
                    pinned,
                    at: at + word.find(spec).unwrap_or(0),
                });
            }
        }
    }
    found
}

/// The agent CLIs a job's `run:` lines install without an exact version: a
/// tool each agent of the job uses, judged by the unpinned-package rule.
fn unpinned_installs(ctx: &mut Ctx<'_>, ci: &CiCatalog, job_pointer: &str, job: &Doc, agents: &[String]) {
    for (i, step) in job.get("steps").map(Doc::items).unwrap_or_default().iter().enumerate() {
        let Some(run) = step.get("run") else { continue };
        let Some(script) = run.as_str() else { continue };
        for (line_start, line) in lines_at(script) {
            for install in agent_installs(ci, line.strip_suffix('\n').unwrap_or(line)) {
                let pointer = format!("{job_pointer}.steps[{i}].run");
                let start = line_start + install.at;
                let span = ctx.sub_span(run, script, start..start + install.spec.len());
                let loc = ctx.loc(span, &pointer);
                let name = job_pointer.strip_prefix("jobs.").unwrap_or(job_pointer);
                let key = format!("tool:github-actions:{}:{name}:install:{}", ctx.source.display, install.name);
                let spec = crate::redact::mask(&install.spec);
                let mut tool = Node::new(NodeKind::Tool, key.clone(), install.name.as_str(), Some(loc.clone()));
                tool.set_str("tool_type", "agent-cli", None);
                tool.set_str("client", "github-actions", None);
                tool.set_str("launcher", "the job's install step", None);
                tool.set_str("package", spec.clone(), Some(loc.clone()));
                tool.set_str("package_spec", spec.clone(), None);
                tool.set_str("package_registry", install.registry, None);
                tool.set_bool("package_pinned", install.pinned, Some(loc.clone()));
                ctx.add_node(tool);
                for agent in agents {
                    let mut edge = Edge::new(EdgeKind::Uses, Some(loc.clone()));
                    edge.set_str("grant", format!("installs {spec}"), Some(loc.clone()));
                    ctx.add_edge(agent, &key, edge);
                }
            }
        }
    }
}

/// A step that checks out a pull request's head (`ref:` naming the head,
/// directly or through `env.X`, or `gh pr checkout`), then a later `run:`
/// that runs the project's code: install scripts, builds, tests. Returns
/// what runs, located at the checkout.
fn head_code_run(ctx: &Ctx<'_>, job_pointer: &str, job: &Doc, env: &[(String, &Doc, String)]) -> Option<(String, Loc)> {
    let ci = CiCatalog::get();
    let resolve = |text: &str| -> String {
        let mut out = text.to_string();
        for (name, value, _) in env {
            if text.contains(&format!("env.{name}")) {
                out.push(' ');
                out.push_str(value.as_str().unwrap_or(""));
            }
        }
        out
    };
    let mut checkout: Option<(String, Loc)> = None;
    for (i, step) in job.get("steps").map(Doc::items).unwrap_or_default().iter().enumerate() {
        let pointer = format!("{job_pointer}.steps[{i}]");
        let uses = step.get("uses").and_then(Doc::as_str).unwrap_or("");
        let run = step.get("run").and_then(Doc::as_str).unwrap_or("");
        if checkout.is_none() {
            if uses.starts_with("actions/checkout") {
                let with = step.get("with");
                let head = ["ref", "repository"].iter().find_map(|k| {
                    let node = with.and_then(|w| w.get(k))?;
                    let text = node.scalar_text()?;
                    ci.names_head(&resolve(&text)).then(|| (format!("{k}: {text}"), node.span, k.to_string()))
                });
                if let Some((written, span, key)) = head {
                    checkout = Some((written, ctx.loc(span, &format!("{pointer}.with.{key}"))));
                }
            } else if let Some(command) = ci.head_checkout_commands.iter().find(|c| run.contains(c.as_str())) {
                let node = step.get("run").unwrap_or(step);
                checkout = Some((command.clone(), ctx.loc(node.span, &format!("{pointer}.run"))));
            }
            continue;
        }
        if let (Some((written, loc)), Some(command)) = (&checkout, ci.runs_code(run)) {
            let written: String = crate::redact::shown(written).chars().take(60).collect();
            return Some((
                format!("`{command}` runs the pull request's code, checked out by `{written}`"),
                loc.clone(),
            ));
        }
    }
    None
}

/// Where `text` uses a text output of the fetching step `id`
/// (`steps.get-issue.outputs.issue-body`); outputs named like a number or
/// an address (`issue_number`, `url`) carry no outsider's text.
fn fetched_text_at(text: &str, id: &str) -> Option<usize> {
    let reference = format!("steps.{id}.outputs.");
    text.match_indices(&reference).map(|(at, _)| at).find(|at| {
        let name: String = text[at + reference.len()..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        let last = name.rsplit(['_', '-']).next().unwrap_or("");
        !matches!(last, "number" | "num" | "id" | "url" | "sha" | "ref" | "issue" | "pr")
    })
}

/// Whether a script or prompt names `file` as a word of its own.
fn mentions_file(text: &str, file: &str) -> bool {
    text.match_indices(file).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + file.len()..].chars().next();
        let edge = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')));
        edge(before) && edge(after)
    })
}

/// Files a job's `run:` lines write outsider text to (`printf '%s'
/// "${{ steps.issue.outputs.body }}" > issue.md`), and files built from
/// those (`cat a.md issue.md > prompt.md`): (file, how the text got there,
/// where it entered).
fn written_files(
    ctx: &Ctx<'_>,
    job_pointer: &str,
    job: &Doc,
    fetchers: &[String],
    logs_untrusted: bool,
) -> Vec<(String, String, Loc)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let redirect = regex(&RE, r"(?:>>?|\btee(?:\s+-a)?)\s*([A-Za-z0-9_./-]+)");
    let mut files: Vec<(String, String, Loc)> = Vec::new();
    for (i, step) in job.get("steps").map(Doc::items).unwrap_or_default().iter().enumerate() {
        let Some(run) = step.get("run") else { continue };
        let Some(script) = run.as_str() else { continue };
        let pointer = format!("{job_pointer}.steps[{i}].run");
        let lines: Vec<(usize, &str)> = lines_at(script).collect();
        let mut next = 0;
        while let Some(&(start, first)) = lines.get(next) {
            next += 1;
            // A heredoc's body is what the command writes: read with it,
            // and not as commands of its own.
            let mut line = first;
            if let Some(end) = heredoc_end(first) {
                let body = lines[next..].iter().take_while(|(_, l)| l.trim() != end).count();
                let until = lines.get(next + body).map_or(script.len(), |(at, _)| *at);
                line = &script[start..until];
                next += body + 1;
            }
            let Some(target) = redirect.captures(first).and_then(|c| c.get(1)).map(|m| m.as_str().to_string()) else {
                continue;
            };
            let source = untrusted_expressions(line)
                .first()
                .map(|(range, field)| (range.clone(), field.clone()))
                .or_else(|| {
                    fetchers.iter().find_map(|id| {
                        let at = fetched_text_at(line, id)?;
                        let range = at..at + format!("steps.{id}.outputs.").len();
                        Some((range, format!("issue or pull request text fetched by step {id}")))
                    })
                })
                .or_else(|| {
                    let (at, command) = CiCatalog::get().fetches.logs_at(line).filter(|_| logs_untrusted)?;
                    Some((at..at + command.len(), format!("CI logs printed by {command}")))
                })
                .map(|(range, via)| {
                    let span = ctx.sub_span(run, script, start + range.start..start + range.end);
                    (via, ctx.loc(span, &pointer))
                })
                .or_else(|| {
                    let (file, via, loc) = files.iter().find(|(f, _, _)| *f != target && mentions_file(line, f))?;
                    Some((format!("{via} → {file}"), loc.clone()))
                });
            if let Some((via, loc)) = source {
                files.push((target, via, loc));
            }
        }
    }
    files
}

/// Each line of a script with its byte offset (the line keeps its `\n`).
fn lines_at(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive('\n').scan(0, |offset, line| {
        let start = *offset;
        *offset += line.len();
        Some((start, line))
    })
}

/// The word that ends a heredoc a line starts (`<< 'EOF'`, `<<-EOF`).
fn heredoc_end(line: &str) -> Option<&str> {
    let after = line.split_once("<<")?.1.trim_start_matches('-').trim_start();
    let word = after.split_whitespace().next()?.trim_matches(|c| c == '\'' || c == '"');
    (!word.is_empty() && !word.starts_with('<')).then_some(word)
}

/// The ids of a job's steps that fetch text outsiders write: an issue's or
/// pull request's body or comments, read with `gh`, the REST API in
/// `actions/github-script`, or an issue helper action.
fn fetching_steps(job: &Doc) -> Vec<String> {
    let mut ids = Vec::new();
    for step in job.get("steps").map(Doc::items).unwrap_or_default() {
        let Some(id) = step.get("id").and_then(Doc::scalar_text) else { continue };
        let uses = step.get("uses").and_then(Doc::as_str).unwrap_or("");
        let run = step.get("run").and_then(Doc::as_str).unwrap_or("");
        let script = step.get("with").and_then(|w| w.get("script")).and_then(Doc::as_str).unwrap_or("");
        let fetch = &CiCatalog::get().fetches;
        let gh = fetch.commands.iter().any(|c| run.contains(c.as_str()))
            || (run.contains("gh api") && fetch.api_paths.iter().any(|p| run.contains(p.as_str())));
        let rest = script.contains(".body") && fetch.script_calls.iter().any(|c| script.contains(c.as_str()));
        let helper = fetch.actions.iter().any(|a| uses.starts_with(a.as_str()));
        // A step handed fetched text (in its env or script) passes it on.
        let text = format!(
            "{run}\n{script}\n{}",
            env_of(step).iter().filter_map(|(_, v, _)| v.as_str()).collect::<Vec<_>>().join("\n")
        );
        let relays = ids.iter().any(|f: &String| text.contains(&format!("steps.{f}.outputs.")));
        if gh || rest || helper || relays {
            ids.push(id);
        }
    }
    ids
}

/// The workflow's triggers (`on:` as a name, a list or a map).
fn triggers(ctx: &Ctx<'_>, doc: &Doc) -> Vec<Item> {
    let Some(on) = doc.get("on") else { return Vec::new() };
    let at = |span, event: &str| Some(ctx.loc(span, &format!("on.{event}")));
    match &on.value {
        Value::String(s) => vec![Item::new(s, at(on.span, s))],
        Value::Array(items) => items.iter().filter_map(|i| i.as_str().map(|s| Item::new(s, at(i.span, s)))).collect(),
        Value::Object(entries) => entries.iter().map(|e| Item::new(e.key.as_str(), at(e.key_span, &e.key))).collect(),
        _ => Vec::new(),
    }
}

/// Whether a job condition lets the job run only when a gate expression
/// holds: every alternative (`||`) has one, and a conjunction (`&&`) needs
/// one of its parts to. `x || (labeled && label == 'bug')` gates nothing;
/// an alternative for an event only maintainers cause
/// (`github.event_name == 'workflow_dispatch'`) is gated by that.
fn gates(condition: &str, ci: &CiCatalog) -> bool {
    let text = condition.trim();
    let text = text.strip_prefix("${{").and_then(|t| t.strip_suffix("}}")).unwrap_or(text).trim();
    let alternatives = split_top(text, "||");
    if alternatives.len() > 1 {
        return alternatives.iter().all(|a| gates(a, ci));
    }
    let parts = split_top(text, "&&");
    if parts.len() > 1 {
        return parts.iter().any(|p| gates(p, ci));
    }
    match text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        Some(inner) if balanced(inner) => gates(inner, ci),
        _ if text.starts_with('!') => false,
        _ => {
            let events = events_named(text);
            ci.gates.iter().any(|g| text.contains(g.as_str()))
                || (!events.is_empty() && events.iter().all(|e| !ci.outsider_events.contains(e)))
        }
    }
}

/// `text` split at `op` outside parentheses and quotes.
fn split_top<'t>(text: &'t str, op: &str) -> Vec<&'t str> {
    let (mut depth, mut quote, mut start, mut parts) = (0i32, None, 0, Vec::new());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"') => quote = Some(b),
            (None, b'(') => depth += 1,
            (None, b')') => depth -= 1,
            (None, _) if depth == 0 && text[i..].starts_with(op) => {
                parts.push(text[start..i].trim());
                i += op.len();
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(text[start..].trim());
    parts
}

/// Whether parentheses outside quotes balance and never close below zero.
fn balanced(text: &str) -> bool {
    let mut depth = 0i32;
    for c in text.chars().filter(|c| matches!(c, '(' | ')')) {
        depth += if c == '(' { 1 } else { -1 };
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

/// The events a job condition requires one of: `github.event_name == 'x'`
/// (or `"x"`), empty when it names none. Other tests of the name (`!=`)
/// restrict nothing here.
fn events_named(condition: &str) -> Vec<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(&RE, r#"github\.event_name\s*==\s*['"]([A-Za-z_]+)['"]"#);
    re.captures_iter(condition).map(|c| c[1].to_string()).collect()
}

/// The workflow's events as trigger nodes, each feeding `agent`: who can
/// cause it, and, for an event outsiders cause, untrusted input unless a
/// gate on who triggered the job stands; for any event outsiders cause,
/// the event text that reaches the prompt, gate or not.
fn feed(ctx: &mut Ctx<'_>, triggers: &[Item], agent: &str, gated: bool, prompt_fields: &[Item]) {
    let ci = CiCatalog::get();
    for trigger in triggers {
        let key = format!("trigger:github-actions:{}:{}", ctx.source.display, trigger.value);
        let outsider = ci.outsider_events.iter().any(|e| trigger.value == *e);
        let file = ctx.source.display.rsplit('/').next().unwrap_or_default();
        let name = format!("{} in {file}", trigger.value);
        let mut node = Node::new(NodeKind::Trigger, key.clone(), name, trigger.loc().cloned());
        node.set_str("event", trigger.value.as_str(), None);
        node.set_str("writers", ci.writers_of(&trigger.value), None);
        node.set_bool("outsider", outsider, None);
        ctx.add_node(node);
        let mut edge = Edge::new(EdgeKind::Feeds, trigger.loc().cloned());
        if outsider && !gated {
            edge.set_list("flows", Item::plain(&["untrusted_input"]), None);
        }
        if outsider && !prompt_fields.is_empty() {
            edge.set_list("prompt_fields", prompt_fields.to_vec(), None);
        }
        ctx.add_edge(&key, agent, edge);
    }
}

/// The job's `GITHUB_TOKEN` as a credential an agent of the job holds
/// (`via`: an action takes it by default, a step's env hands it over, an
/// earlier checkout leaves it in `.git/config`): minted for the job, valid
/// until it ends, with the job's permissions.
fn job_token(ctx: &mut Ctx<'_>, job_pointer: &str, job: &Doc, permissions: Option<&Doc>, agent: &str, via: &str) {
    let key = format!("cred:github-actions:{}:{job_pointer}:GITHUB_TOKEN", ctx.source.display);
    let loc = match permissions {
        Some(p) => ctx.loc(p.span, "permissions"),
        None => ctx.loc(job.span, job_pointer),
    };
    let mut node = Node::new(NodeKind::Credential, key.clone(), "GITHUB_TOKEN", Some(loc.clone()));
    for (name, value) in [
        ("storage", "secret-store"),
        ("provider", "GitHub"),
        ("kind", "GitHub Actions job token"),
        ("format", "github-actions-token"),
        ("lifetime", "short-lived"),
        ("display", "GITHUB_TOKEN"),
        ("channel", "job-token"),
        ("variable", "GITHUB_TOKEN"),
    ] {
        node.set_str(name, value, None);
    }
    node.set_str("file_format", ctx.format.id(), None);
    node.set_bool("human", false, None);
    node.set_bool("template", false, None);
    let scopes: Vec<Item> = match permissions.map(|p| &p.value) {
        None => Item::plain(&["repository default (possibly write-all)"]),
        Some(Value::String(s)) => Item::plain(&[s.as_str()]),
        Some(Value::Object(entries)) => entries
            .iter()
            .filter_map(|e| e.value.scalar_text().map(|v| format!("{}: {v}", e.key)))
            .map(|value| Item::new(value, Some(loc.clone())))
            .collect(),
        Some(_) => Vec::new(),
    };
    node.set_list("scopes", scopes, None);
    ctx.add_node(node);
    let mut edge = Edge::new(EdgeKind::AuthenticatesWith, Some(loc));
    edge.set_str("via", via, None);
    ctx.add_edge(agent, &key, edge);
}

/// Whether a step checks the repository out and leaves the job's token in
/// `.git/config` for later steps (`persist-credentials` defaults to true).
fn persists_token(step: &Doc) -> bool {
    let uses = step.get("uses").and_then(Doc::as_str).unwrap_or("");
    let persist = step.get("with").and_then(|w| w.get("persist-credentials")).and_then(Doc::scalar_text);
    uses.split('@').next().is_some_and(|a| a.eq_ignore_ascii_case("actions/checkout"))
        && persist.is_none_or(|p| p.trim() != "false")
}

/// A value that hands the job's own token over (`${{ secrets.GITHUB_TOKEN }}`,
/// `${{ github.token }}`): the job token, not a secret of its own.
fn is_job_token(value: &Doc) -> bool {
    value.scalar_text().is_some_and(|t| {
        let t = t.replace(' ', "");
        t == "${{secrets.GITHUB_TOKEN}}" || t == "${{github.token}}"
    })
}

/// A value a `run:` line hands to later steps, with outsiders' text in it:
/// `NAME=… >> $GITHUB_ENV` (an env variable of every later step) or
/// `name=… >> $GITHUB_OUTPUT` (`steps.<id>.outputs.name`).
struct Export<'d> {
    /// How a later step names it.
    names: Vec<String>,
    label: String,
    step: usize,
    node: &'d Doc,
    /// The outsiders' expression, in the `run:` text.
    range: std::ops::Range<usize>,
    field: String,
    pointer: String,
}

fn exports<'d>(job_pointer: &str, job: &'d Doc) -> Vec<Export<'d>> {
    let mut found = Vec::new();
    for (i, step) in job.get("steps").map(Doc::items).unwrap_or_default().iter().enumerate() {
        let Some(run) = step.get("run") else { continue };
        let Some(text) = run.as_str() else { continue };
        for (start, line) in lines_at(text) {
            let Some((assignment, target)) = line.split_once(">>") else { continue };
            let to_env = target.contains("GITHUB_ENV");
            if !to_env && !target.contains("GITHUB_OUTPUT") {
                continue;
            }
            let Some((left, _)) = assignment.split_once('=') else { continue };
            // `echo "NAME`: the identifier just before `=`.
            let name = left.rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).next().unwrap_or("");
            let Some((range, field)) = untrusted_expressions(assignment).into_iter().next() else { continue };
            if name.is_empty() {
                continue;
            }
            let (names, label) = if to_env {
                (
                    vec![format!("env.{name}"), format!("${name}"), format!("${{{name}}}")],
                    format!("env {name} ($GITHUB_ENV)"),
                )
            } else {
                let Some(id) = step.get("id").and_then(Doc::scalar_text) else { continue };
                (vec![format!("steps.{id}.outputs.{name}")], format!("step {id}'s output {name}"))
            };
            let range = start + range.start..start + range.end;
            let pointer = format!("{job_pointer}.steps[{i}].run");
            found.push(Export { names, label, step: i, node: run, range, field, pointer });
        }
    }
    found
}

/// `env:` entries: (name, value, pointer).
fn env_of(node: &Doc) -> Vec<(String, &Doc, String)> {
    node.get("env")
        .map(Doc::entries)
        .unwrap_or_default()
        .iter()
        .map(|e| (e.key.clone(), &e.value, format!("env.{}", e.key)))
        .collect()
}

/// The `GITHUB_TOKEN`'s permissions: job over workflow; none written means
/// the repository default, which may be write-all.
fn token_permissions(ctx: &Ctx<'_>, agent: &mut Node, permissions: Option<&Doc>) {
    let Some(permissions) = permissions else {
        agent.set_str("github_token", "repository default (possibly write-all)", None);
        agent.set_bool("github_token_write", true, None);
        return;
    };
    let loc = ctx.loc(permissions.span, "permissions");
    let writes: Vec<String> = match &permissions.value {
        Value::String(s) if s == "write-all" => vec!["all".into()],
        Value::Object(entries) => entries
            .iter()
            .filter(|e| e.value.as_str() == Some("write") && e.key != "id-token")
            .map(|e| e.key.clone())
            .collect(),
        _ => Vec::new(),
    };
    let summary = if writes.is_empty() { "read".to_string() } else { format!("write: {}", writes.join(", ")) };
    agent.set_str("github_token", summary, Some(loc.clone()));
    agent.set_bool("github_token_write", !writes.is_empty(), Some(loc));
}

/// Approval or sandbox bypass flags in an input or a run script.
fn flags(ctx: &mut Ctx<'_>, agent: &str, node: &Doc, pointer: &str) {
    let Some(text) = node.as_str() else { return };
    for flag in &CiCatalog::get().bypass {
        if let Some(at) = text.find(flag) {
            let span = ctx.sub_span(node, text, at..at + flag.len());
            ctx.note(agent, "approval_bypass", (*flag).to_string(), span, pointer);
        }
    }
}

/// The rules of Claude Code's permission syntax that a step lists, allowed
/// or disallowed: in the input itself (`allowed_tools: "…"`,
/// `disallowed_tools: …`) or after the flag in a command line or
/// `claude_args` (`--allowedTools "Bash(git:*),Read"`,
/// `--disallowedTools Bash`), each with its range in the text.
fn tool_rules<'t>(text: &'t str, pointer: &str, allowed: bool) -> Vec<(std::ops::Range<usize>, &'t str)> {
    static ALLOWED: OnceLock<Regex> = OnceLock::new();
    static DISALLOWED: OnceLock<Regex> = OnceLock::new();
    let (input, re) = if allowed {
        ("allowed_tools", regex(&ALLOWED, r"--allowed-?[Tt]ools(?:=|\s+)"))
    } else {
        ("disallowed_tools", regex(&DISALLOWED, r"--disallowed-?[Tt]ools(?:=|\s+)"))
    };
    let lists: Vec<(usize, &str)> = if pointer.ends_with(&format!(".{input}")) {
        vec![(0, text)]
    } else {
        re.find_iter(text).flat_map(|m| flag_values(text, m.end())).collect()
    };
    lists
        .into_iter()
        .flat_map(|(offset, list)| {
            claude_skills::split_rules(list).into_iter().map(move |(r, rule)| (offset + r.start..offset + r.end, rule))
        })
        .collect()
}

/// The rules a step disallows (`disallowed_tools`, `--disallowedTools`), in
/// any of its inputs or its script: a grant they name is no grant.
fn disallowed_tools(step: &Doc, pointer: &str) -> Vec<String> {
    let with = step.get("with").map(Doc::entries).unwrap_or_default();
    let texts = with
        .iter()
        .map(|e| (&e.value, format!("{pointer}.with.{}", e.key)))
        .chain(step.get("run").map(|r| (r, format!("{pointer}.run"))));
    texts
        .flat_map(|(node, at)| {
            let text = node.as_str().unwrap_or_default();
            tool_rules(text, &at, false).into_iter().map(|(_, rule)| rule.to_string()).collect::<Vec<_>>()
        })
        .collect()
}

/// Each allowed rule of a step (`--allowedTools`, `allowed_tools`), a grant
/// unless a disallowed rule takes it away.
fn allowed_tools(ctx: &mut Ctx<'_>, agent: &str, node: &Doc, pointer: &str, denied: &[String]) {
    let Some(text) = node.as_str() else { return };
    let denied: Vec<&str> = denied.iter().map(String::as_str).collect();
    for (range, rule) in tool_rules(text, pointer, true) {
        if claude_settings::is_denied(rule, &denied) {
            continue;
        }
        let span = ctx.sub_span(node, text, range);
        claude_settings::permission(ctx, agent, rule, span, pointer);
    }
}

/// What an input of an agent action, or the script that runs the CLI
/// (`input` is `run`), configures beyond its tool list: a config written
/// inline (`settings: '{…}'`, `--mcp-config '{…}'`), read as a config of
/// the agent, and a flag that skips every permission prompt, which grants
/// the CLI's own tools. Whether the whole value was a config, read.
fn agent_configs(
    ctx: &mut Ctx<'_>,
    agent: &str,
    cli: &AgentCli,
    input: &str,
    node: &Doc,
    pointer: &str,
    denied: &[String],
) -> bool {
    let ci = CiCatalog::get();
    let Some(text) = node.as_str() else { return false };
    let mut read = false;
    for config in ci.config_inputs.iter().filter(|c| c.cli == cli.cli && c.input == input) {
        read |= inline_config(ctx, agent, node, 0..text.len(), pointer, &config.format);
    }
    // Flags: in `claude_args`, or in the script.
    if input == "claude_args" || input == "run" {
        for config in ci.config_flags.iter().filter(|c| c.cli == cli.cli) {
            for (at, _) in text.match_indices(config.flag.as_str()) {
                let end = at + config.flag.len();
                if !text[end..].starts_with(['=', ' ', '\t']) {
                    continue;
                }
                for (start, value) in flag_values(text, end + 1) {
                    inline_config(ctx, agent, node, start..start + value.len(), pointer, &config.format);
                }
            }
        }
        if let Some((at, flag)) = cli.skips_permissions.iter().find_map(|f| text.find(f.as_str()).map(|at| (at, f))) {
            let span = ctx.sub_span(node, text, at..at + flag.len());
            own_tools(ctx, agent, cli, span, pointer, flag, denied);
        }
    }
    // A value that turns the sandbox off (`safety-strategy: unsafe`).
    if ci.bypass_inputs.get(input).is_some_and(|values| values.iter().any(|v| v == text.trim())) {
        ctx.note(agent, "approval_bypass", format!("{input}: {}", text.trim()), node.span, pointer);
    }
    read
}

/// The CLI's own tools, granted by a flag that skips every permission
/// prompt (`flag`, located at `span`): Claude's as its settings adapter
/// grants them for `bypassPermissions`, less what `denied` takes away;
/// another CLI's as ci.yaml lists them.
fn own_tools(ctx: &mut Ctx<'_>, agent: &str, cli: &AgentCli, span: Span, pointer: &str, flag: &str, denied: &[String]) {
    if cli.own_tools.is_empty() {
        let denied: Vec<&str> = denied.iter().map(String::as_str).collect();
        claude_settings::bypass_grants(ctx, agent, span, pointer, flag, &denied);
        return;
    }
    for tool in &cli.own_tools {
        let loc = ctx.loc(span, pointer);
        let edge = builtin::grant(ctx, agent, tool, &format!("{tool} ({flag})"), None, loc.clone());
        // A grant of the mode, which BR301 reports, not of a rule to review.
        edge.set_str("scope", "approval-mode", Some(loc));
    }
}

/// A config written as JSON in `range` of a value, read with the adapter
/// of `format` (whether it parsed); a path instead names a file the scan
/// reads where it is.
fn inline_config(
    ctx: &mut Ctx<'_>,
    agent: &str,
    node: &Doc,
    range: std::ops::Range<usize>,
    pointer: &str,
    format: &str,
) -> bool {
    let json = node.as_str().and_then(|t| t.get(range.clone())).is_some_and(|t| t.trim_start().starts_with('{'));
    match (json, registry::by_id(format)) {
        (true, Some(spec)) => ctx.read_embedded(agent, node, range, pointer, spec),
        _ => false,
    }
}

/// The values of a command-line flag from `at`: quoted or bare words, up to
/// the next `--flag`, the end of the line or a shell operator.
fn flag_values(text: &str, mut at: usize) -> Vec<(usize, &str)> {
    let mut values = Vec::new();
    let bytes = text.as_bytes();
    loop {
        while at < bytes.len() && matches!(bytes[at], b' ' | b'\t') {
            at += 1;
        }
        let Some(&first) = bytes.get(at) else { break };
        let (start, end, next) = match first {
            b'"' | b'\'' => match text[at + 1..].find(first as char) {
                Some(len) => (at + 1, at + 1 + len, at + len + 2),
                None => break,
            },
            b'\n' | b'\\' | b'|' | b'&' | b';' | b'>' | b'<' => break,
            _ if text[at..].starts_with("--") => break,
            _ => {
                let len = text[at..].find(|c: char| c.is_whitespace()).unwrap_or(text.len() - at);
                (at, at + len, at + len)
            }
        };
        values.push((start, &text[start..end]));
        at = next;
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_config_formats_are_registered() {
        let ci = CiCatalog::get();
        let formats = ci
            .config_inputs
            .iter()
            .map(|c| (&c.cli, &c.format))
            .chain(ci.config_flags.iter().map(|c| (&c.cli, &c.format)));
        for (cli, format) in formats {
            assert!(registry::by_id(format).is_some(), "rules/catalog/ci.yaml: no format `{format}`");
            assert!(ci.cli(cli).is_some(), "rules/catalog/ci.yaml: no agent CLI `{cli}`");
        }
    }

    #[test]
    fn heredocs_and_their_end() {
        assert_eq!(heredoc_end("cat > p.txt << 'EOF'\n"), Some("EOF"));
        assert_eq!(heredoc_end("cat <<-\"END\" > p.txt"), Some("END"));
        assert_eq!(heredoc_end("cat <<< \"$X\" > p.txt"), None);
        assert_eq!(heredoc_end("echo hi > p.txt"), None);
    }

    #[test]
    fn agent_clis_in_run_lines() {
        let cli = |script: &str| cli_agent(script).map(|run| run.cli);
        assert_eq!(cli("claude -p \"$PROMPT\" --allowedTools Bash"), Some("claude"));
        assert_eq!(cli("npx -y @anthropic-ai/claude-code --print hi"), Some("claude"));
        assert_eq!(cli("codex exec --full-auto fix"), Some("codex"));
        assert_eq!(cli("npm install -g @anthropic-ai/claude-code"), None);
        assert_eq!(cli("claude --version"), None);
        assert_eq!(cli("echo claude is great"), None);
        // Through a sandbox, the prompt on stdin, over continued lines.
        assert_eq!(cli("srt claude \\\n  --dangerously-skip-permissions \\\n  < /tmp/p.txt | tee out"), Some("claude"));
        assert_eq!(cli("timeout 30m bunx @google/gemini-cli@0.9 --yolo < p"), Some("gemini"));
        assert_eq!(cli("if ! OPENAI_API_KEY=x codex exec --full-auto \"fix\"; then exit 1; fi"), Some("codex"));
        assert_eq!(cli("codex login --api-key x"), None);
        assert_eq!(cli("claude mcp add github -- npx x"), None);
        assert_eq!(cli("npm i -g @openai/codex && codex --version"), None);
        assert_eq!(cli("opencode auth login"), None);
        assert_eq!(cli("echo 'run claude -p now'"), None);
        assert_eq!(cli_agent("srt claude -p x").and_then(|r| r.sandbox).as_deref(), Some("srt"));
        assert_eq!(cli_agent("timeout 5 claude -p x").and_then(|r| r.sandbox), None);
        assert_eq!(cli("cat <<EOF\nIt's claude\nEOF\naider --message x"), Some("aider"));
    }

    #[test]
    fn allowed_tools_values() {
        let text = r#"--max-turns 5 --allowedTools "Edit" "Bash(gh:*)" Read --model x"#;
        let at = text.find("Tools ").unwrap() + 6;
        let values: Vec<&str> = flag_values(text, at).into_iter().map(|(_, v)| v).collect();
        assert_eq!(values, ["Edit", "Bash(gh:*)", "Read"]);
        let text = "--allowedTools Edit,Read,Bash\n--model x";
        let values: Vec<&str> = flag_values(text, 15).into_iter().map(|(_, v)| v).collect();
        assert_eq!(values, ["Edit,Read,Bash"]);
    }

    #[test]
    fn gates_that_every_alternative_needs() {
        let gate = |c: &str| gates(c, CiCatalog::get());
        assert!(gate("github.event.label.name == 'auto-fix'"));
        assert!(gate("${{ github.repository == 'a/b' && contains(fromJSON('[\"OWNER\"]'), github.event.comment.author_association) }}"));
        assert!(gate("(github.event_name == 'issues' && github.event.issue.author_association == 'OWNER') || (github.event.comment.author_association == 'MEMBER')"));
        // One alternative needs no gate: nothing is gated.
        assert!(!gate("github.event.action == 'opened' && (github.event.action == 'reopened' || (github.event.action == 'labeled' && github.event.label.name == 'bug'))"));
        assert!(!gate("contains(github.event.comment.body, '@claude')"));
        assert!(!gate("!contains(github.event.comment.author_association, 'OWNER')"));
        assert!(gate("github.event_name == 'workflow_dispatch' || (github.event_name == 'issues' && github.event.issue.author_association == 'OWNER')"));
        assert!(!gate("github.event_name == 'issues'"));
    }

    #[test]
    fn events_a_job_condition_names() {
        let condition = "(github.event_name == 'issues' && x) || (github.event_name ==\"issue_comment\")";
        assert_eq!(events_named(condition), ["issues", "issue_comment"]);
        assert!(events_named("github.event_name != 'push'").is_empty());
    }

    #[test]
    fn outsiders_text() {
        let fields: Vec<String> = untrusted_expressions(
            "Fix ${{ github.event.issue.title }}: ${{ github.event.comment.body }} in ${{ github.event.repository.name }}",
        )
        .into_iter()
        .map(|(_, f)| f)
        .collect();
        assert_eq!(fields, ["github.event.issue.title", "github.event.comment.body"]);
    }
}
