//! A rule, as written in `rules/<category>/<ID>-<name>.yaml`.

use serde::{Deserialize, Serialize};

use crate::graph::{EdgeKind, NodeKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] =
        [Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Credential,
    ToolAccess,
    Approval,
    Delegation,
    ToxicFlow,
    SupplyChain,
    Transport,
    Exposure,
    /// Findings about inline suppressions themselves.
    Suppression,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Credential => "credential",
            Category::ToolAccess => "tool-access",
            Category::Approval => "approval",
            Category::Delegation => "delegation",
            Category::ToxicFlow => "toxic-flow",
            Category::SupplyChain => "supply-chain",
            Category::Transport => "transport",
            Category::Exposure => "exposure",
            Category::Suppression => "suppression",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    High,
    Medium,
    Low,
}

/// The five controls of a secure agent that a rule can enforce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Control {
    WorkloadIdentity,
    JitCredentials,
    RuntimeAuthorization,
    ToolAllowlist,
    AuditLogging,
}

impl Control {
    pub fn as_str(self) -> &'static str {
        match self {
            Control::WorkloadIdentity => "workload-identity",
            Control::JitCredentials => "jit-credentials",
            Control::RuntimeAuthorization => "runtime-authorization",
            Control::ToolAllowlist => "tool-allowlist",
            Control::AuditLogging => "audit-logging",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Standards {
    #[serde(default)]
    pub owasp_agentic: Vec<String>,
    #[serde(default)]
    pub owasp_nhi: Vec<String>,
    #[serde(default)]
    pub owasp_llm: Vec<String>,
    #[serde(default)]
    pub maestro: Vec<String>,
    #[serde(default)]
    pub cwe: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleTests {
    pub positive: Vec<String>,
    pub negative: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub title: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub category: Category,
    pub control: Control,
    pub standards: Standards,
    pub message: String,
    pub rationale: String,
    pub remediation: String,
    #[serde(rename = "match")]
    pub matcher: Match,
    pub tests: RuleTests,
}

/// One pattern, or several alternatives (each yields its own findings).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Match {
    One(Box<Pattern>),
    Any(Vec<Pattern>),
}

impl Match {
    pub fn patterns(&self) -> &[Pattern] {
        match self {
            Match::One(p) => std::slice::from_ref(p),
            Match::Any(ps) => ps,
        }
    }
}

/// A node pattern (`node: credential`) or an edge pattern (`edge: uses`, with
/// conditions on either end). `for_each` yields one finding per item of a
/// list attribute; `at` names the attribute whose location is reported.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pattern {
    #[serde(default)]
    pub path: Option<PathPattern>,
    #[serde(default)]
    pub reach: Option<ReachPattern>,
    #[serde(default)]
    pub cycle: Option<CyclePattern>,
    #[serde(default)]
    pub shared: Option<SharedPattern>,
    /// `no_reason` or `unused`: findings about inline suppressions, made by
    /// the findings stage (crate::suppress), not by matching the graph.
    #[serde(default)]
    pub suppression: Option<String>,
    /// `duplicate_key`: findings about the file's text itself, made by the
    /// scan stage while parsing, not by matching the graph.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub node: Option<NodeKind>,
    #[serde(default)]
    pub edge: Option<EdgeKind>,
    #[serde(default, rename = "where")]
    pub condition: Option<Condition>,
    #[serde(default)]
    pub from: Option<Condition>,
    #[serde(default)]
    pub to: Option<Condition>,
    #[serde(default)]
    pub for_each: Option<String>,
    #[serde(default)]
    pub at: Option<String>,
}

/// Conditions over attributes, composed with `all`, `any` and `not`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Condition {
    All { all: Vec<Condition> },
    Any { any: Vec<Condition> },
    Not { not: Box<Condition> },
    Attr(AttrTest),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttrTest {
    pub attr: String,
    pub op: Op,
    #[serde(default)]
    pub value: Option<TestValue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Equals,
    NotEquals,
    Within,
    ContainsAny,
    Exists,
    IsTrue,
    IsFalse,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum TestValue {
    Bool(bool),
    Text(String),
    List(Vec<String>),
}

impl TestValue {
    /// Is `value` the value, or one of the listed values?
    pub fn contains(&self, value: &str) -> bool {
        match self {
            TestValue::Bool(b) => value == if *b { "true" } else { "false" },
            TestValue::Text(s) => s == value,
            TestValue::List(list) => list.iter().any(|s| s == value),
        }
    }
}

/// A kind of node and a condition on it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    pub kind: NodeKind,
    #[serde(default, rename = "where")]
    pub condition: Option<Condition>,
}

fn one() -> usize {
    1
}

fn eight() -> usize {
    8
}

/// From an origin, through `min..=max` edges of the `through` kinds, then one
/// `last` edge to a target. One finding per origin and target, with the
/// shortest path as its chain.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathPattern {
    pub origin: NodeSpec,
    pub through: Vec<EdgeKind>,
    #[serde(default = "one")]
    pub min: usize,
    #[serde(default = "eight")]
    pub max: usize,
    pub last: EdgeKind,
    pub target: NodeSpec,
    /// Only targets the origin does not reach by a `last` edge of its own.
    #[serde(default)]
    pub not_held: bool,
}

/// What an origin reaches, itself or through up to `max` edges of the
/// `through` kinds, by a `last` edge: the finding fires when the reached
/// targets' `flows` cover every one of `flows_all`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReachPattern {
    pub origin: NodeSpec,
    pub through: Vec<EdgeKind>,
    #[serde(default = "eight")]
    pub max: usize,
    pub last: EdgeKind,
    pub flows_all: Vec<String>,
    /// Only legs the holder uses without a person approving each call
    /// ([`crate::graph::Edge::unprompted`]): a prompt on every call is a
    /// control, and combinations behind one are everywhere.
    #[serde(default)]
    pub unprompted: bool,
}

/// A cycle of `through` edges among nodes of `kind`: one finding per cycle.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CyclePattern {
    pub kind: NodeKind,
    pub through: Vec<EdgeKind>,
}

fn two() -> usize {
    2
}

/// Nodes of `kind` that agree on attribute `by` (a credential's hash): one
/// finding per group that has at least `min` distinct owners, the nodes
/// that point at them by an edge of kind `owner`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedPattern {
    pub kind: NodeKind,
    pub by: String,
    pub owner: EdgeKind,
    #[serde(default = "two")]
    pub min: usize,
    #[serde(default, rename = "where")]
    pub condition: Option<Condition>,
}
