//! CI workflows that run agents: agent actions and CLIs, prompt inputs, the
//! events outsiders start, and what a pull request's head checkout and the
//! commands that run it look like (`rules/catalog/ci.yaml`).

use std::sync::OnceLock;

use serde::Deserialize;

const CI_JSON: &str = crate::yaml::catalog_json!("ci");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CiCatalog {
    pub agent_actions: Vec<String>,
    pub agent_clis: Vec<AgentCli>,
    pub agent_cli_not_runs: Vec<String>,
    pub package_runners: Vec<String>,
    pub reusable_agent_inputs: Vec<String>,
    pub agent_packages: AgentPackages,
    pub npm_installs: Vec<String>,
    pub pypi_installs: Vec<String>,
    pub config_inputs: Vec<ConfigInput>,
    pub config_flags: Vec<ConfigFlag>,
    pub answer_outputs: std::collections::BTreeMap<String, Vec<String>>,
    pub open_inputs: OpenInputs,
    pub prompt_inputs: Vec<String>,
    pub outsider_events: Vec<String>,
    pub trigger_writers: std::collections::BTreeMap<String, String>,
    pub gates: Vec<String>,
    pub fetches: Fetches,
    pub privileged_events: Vec<String>,
    pub bypass: Vec<String>,
    pub bypass_inputs: std::collections::BTreeMap<String, Vec<String>>,
    pub head_refs: Vec<String>,
    pub head_checkout_commands: Vec<String>,
    pub code_runners: Vec<String>,
}

/// An agent CLI: the commands or packages that start it, and the arguments
/// of which one must be given for it to run a prompt (none: any call does).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentCli {
    pub cli: String,
    pub names: Vec<String>,
    #[serde(default)]
    pub runs_only: Vec<String>,
    #[serde(default)]
    pub actions: Vec<String>,
    #[serde(default)]
    pub skips_permissions: Vec<String>,
    #[serde(default)]
    pub action_flags: Vec<String>,
    #[serde(default)]
    pub own_tools: Vec<String>,
}

/// Inputs that let users, or bots, past an agent action's write-access check.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenInputs {
    pub users: Vec<String>,
    pub bots: Vec<String>,
}

/// An action input that holds a config of the agent (inline JSON), read as
/// the format with id `format`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigInput {
    pub cli: String,
    pub input: String,
    pub format: String,
}

/// A CLI flag whose value may be a config of the agent (inline JSON).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFlag {
    pub cli: String,
    pub flag: String,
    pub format: String,
}

/// How a step, or an agent told to in its prompt, reads an issue's or pull
/// request's text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fetches {
    pub commands: Vec<String>,
    pub api_paths: Vec<String>,
    pub script_calls: Vec<String>,
    pub actions: Vec<String>,
    pub logs: Vec<(String, String)>,
}

impl Fetches {
    /// Where a line prints CI logs, and the command that does (`gh run view`).
    pub fn logs_at(&self, line: &str) -> Option<(usize, &str)> {
        self.logs
            .iter()
            .find(|(command, marker)| line.contains(command.as_str()) && line.contains(marker.as_str()))
            .and_then(|(command, _)| line.find(command.as_str()).map(|at| (at, command.as_str())))
    }
}

/// Agent CLI packages, by registry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentPackages {
    pub npm: Vec<String>,
    pub pypi: Vec<String>,
}

impl CiCatalog {
    /// The embedded catalog, parsed once.
    pub fn get() -> &'static CiCatalog {
        static CATALOG: OnceLock<CiCatalog> = OnceLock::new();
        // The embedded file is ours and tested; failing here is a build defect.
        CATALOG.get_or_init(|| crate::yaml::embedded(CI_JSON, "rules/catalog/ci.yaml"))
    }

    /// Whether a job that calls a reusable workflow (`jobs.<id>.uses`) hands
    /// it what only an agent takes: a prompt, a tool list, an actor gate,
    /// an agent's API key (the input names in `with:`).
    pub fn calls_agent_workflow<'a>(&self, mut inputs: impl Iterator<Item = &'a str>) -> bool {
        inputs.any(|k| self.reusable_agent_inputs.iter().chain(&self.prompt_inputs).any(|i| i == k))
    }

    /// The agent CLI a step runs: by name in `run:`, or the one the
    /// agent action (`anthropics/claude-code-action`) runs.
    pub fn cli(&self, name_or_action: &str) -> Option<&AgentCli> {
        self.agent_clis
            .iter()
            .find(|c| c.cli == name_or_action || c.actions.iter().any(|a| a.eq_ignore_ascii_case(name_or_action)))
    }

    /// Who can cause a workflow event, in words.
    pub fn writers_of(&self, event: &str) -> &str {
        self.trigger_writers.get(event).map_or("people with write access", String::as_str)
    }

    /// Whether a checkout's `ref:` or `repository:` names a pull request's head.
    pub fn names_head(&self, text: &str) -> bool {
        self.head_refs.iter().any(|r| text.contains(r.as_str()))
    }

    /// The first command of a `run:` script that runs the project's code,
    /// as the catalog names it (`npm ci`). Only words that start a command
    /// count: `echo make it` runs no Makefile.
    pub fn runs_code(&self, script: &str) -> Option<&str> {
        let wrappers = super::CommandCatalog::get();
        super::commands::shell_commands(script).into_iter().find_map(|words| {
            let joined = format!("{} ", wrappers.past_wrappers(&words).join(" "));
            self.code_runners.iter().find(|r| joined.starts_with(&format!("{r} "))).map(String::as_str)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::CiCatalog;

    #[test]
    fn head_refs_and_code_runners() {
        let ci = CiCatalog::get();
        assert!(ci.names_head("${{ github.event.pull_request.head.sha }}"));
        assert!(ci.names_head("${{ steps.branch.outputs.head_ref }}"));
        assert!(!ci.names_head("${{ github.sha }}"));
        assert_eq!(ci.runs_code("echo hi\nuv sync\n"), Some("uv sync"));
        assert_eq!(ci.runs_code("if [ -f package-lock.json ]; then npm ci; else npm i; fi"), Some("npm ci"));
        assert_eq!(ci.runs_code("echo make it so"), None);
        assert_eq!(ci.runs_code("npm --version"), None);
        assert_eq!(ci.fetches.logs_at(r#"gh run view "$ID" --log-failed > f"#), Some((0, "gh run view")));
        assert_eq!(ci.fetches.logs_at(r#"gh run view "$ID" --json jobs"#), None);
    }
}
