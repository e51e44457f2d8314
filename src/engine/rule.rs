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

    /// One step less severe (`info` stays `info`).
    pub fn lowered(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            Severity::Medium => Severity::Low,
            Severity::Low | Severity::Info => Severity::Info,
        }
    }
}

/// When findings fail the run (`--fail-on`, the config's `fail_on`): at a
/// severity and above, or never (unreadable configs still do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    At(Severity),
    Never,
}

impl FailOn {
    pub const ALL: [FailOn; 6] = [
        FailOn::At(Severity::Critical),
        FailOn::At(Severity::High),
        FailOn::At(Severity::Medium),
        FailOn::At(Severity::Low),
        FailOn::At(Severity::Info),
        FailOn::Never,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::At(severity) => severity.as_str(),
            FailOn::Never => "never",
        }
    }

    pub fn parse(text: &str) -> Option<FailOn> {
        FailOn::ALL.into_iter().find(|f| f.as_str() == text)
    }

    /// The lowest severity that fails the run.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::At(severity) => Some(severity),
            FailOn::Never => None,
        }
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

/// How sure a finding is. Ordered from least to most sure, so a minimum
/// (`--min-confidence`) compares with `>=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub const ALL: [Confidence; 3] = [Confidence::High, Confidence::Medium, Confidence::Low];

    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
        }
    }
}

/// What becomes of a finding about a server its config turns off
/// (`disabled: true`, `enabled: false`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WhenDisabled {
    /// Reported as if it were on: a literal secret leaks either way.
    #[default]
    Report,
    /// Reported at `info`, saying the server is disabled: one toggle turns it on.
    Info,
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

/// Microsoft's STRIDE threat categories: what the threat model files a
/// rule's threats under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stride {
    Spoofing,
    Tampering,
    Repudiation,
    InformationDisclosure,
    DenialOfService,
    ElevationOfPrivilege,
}

impl Stride {
    pub fn as_str(self) -> &'static str {
        match self {
            Stride::Spoofing => "Spoofing",
            Stride::Tampering => "Tampering",
            Stride::Repudiation => "Repudiation",
            Stride::InformationDisclosure => "Information disclosure",
            Stride::DenialOfService => "Denial of service",
            Stride::ElevationOfPrivilege => "Elevation of privilege",
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
    /// STRIDE categories of the threat; optional for a repository's own
    /// rules (their threats are then filed as unclassified).
    #[serde(default)]
    pub stride: Vec<Stride>,
    pub standards: Standards,
    pub message: String,
    pub rationale: String,
    pub remediation: String,
    #[serde(rename = "match")]
    pub matcher: Match,
    #[serde(default)]
    pub when_disabled: WhenDisabled,
    pub tests: RuleTests,
    /// What every finding of the rule shows and carries (title, help line,
    /// standards), made once: a scan may make thousands of findings.
    #[serde(skip)]
    shared: std::sync::OnceLock<Shared>,
}

/// A rule's title and help line as findings show them, and its standards.
#[derive(Debug, Clone)]
pub(crate) struct Shared {
    pub title: String,
    pub help: std::sync::Arc<str>,
    pub standards: std::sync::Arc<crate::findings::Standards>,
    /// The message template, in pieces.
    pub message: Vec<super::Piece>,
}

impl Rule {
    /// The title and the help line (the remediation's first paragraph, on
    /// one line), masked and with control characters escaped: a
    /// repository's own rules may say anything.
    pub fn shown_title_and_help(&self) -> (&str, &str) {
        let shared = self.shared();
        (&shared.title, &shared.help)
    }

    /// What every finding of this rule carries, made once and shared by
    /// them: a large scan has thousands of findings of one rule.
    pub(crate) fn shared(&self) -> &Shared {
        self.shared.get_or_init(|| {
            let help = self.remediation.trim().split("\n\n").next().unwrap_or("");
            let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
            Shared {
                title: crate::redact::shown(&self.title),
                help: crate::redact::shown(&help).into(),
                standards: std::sync::Arc::new((&self.standards).into()),
                message: super::pieces(&self.message),
            }
        })
    }

    /// Whether `selector` names this rule, as `--select`, `--ignore` and the
    /// config's `rules.disable` take it (ruff-style): its id (`BR101`) or an
    /// id prefix naming a family (`BR1`, `BR60`), its name
    /// (`literal-long-lived-secret`) or its category (`credential`). Case
    /// does not matter.
    pub fn selected_by(&self, selector: &str) -> bool {
        let wanted = selector.trim();
        !wanted.is_empty()
            && (self.id.get(..wanted.len()).is_some_and(|p| p.eq_ignore_ascii_case(wanted))
                || self.name.eq_ignore_ascii_case(wanted)
                || self.category.as_str().eq_ignore_ascii_case(wanted))
    }
}

/// One pattern, or several alternatives (each yields its own findings).
#[derive(Debug, Clone)]
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

// By hand rather than `untagged`: an untagged enum reports "did not match
// any variant" and drops the error inside, with its line.
impl<'de> Deserialize<'de> for Match {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Match;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a pattern, or a list of patterns")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Match, A::Error> {
                Pattern::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(|p| Match::One(Box::new(p)))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Match, A::Error> {
                Vec::deserialize(serde::de::value::SeqAccessDeserializer::new(seq)).map(Match::Any)
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

/// What a rule matches: exactly one kind of pattern. Graph patterns (node,
/// edge, path, reach, cycle, shared) are evaluated by the engine; the
/// `suppression` and `source` checks are made by the stages that see what
/// they judge (inline comments, the file's text), and report under every
/// rule that asks for them.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "RawPattern")]
pub enum Pattern {
    Node(NodePattern),
    Edge(EdgePattern),
    Path(PathPattern),
    Reach(ReachPattern),
    Cycle(CyclePattern),
    Shared(SharedPattern),
    Suppression(SuppressionCheck),
    Source(SourceCheck),
}

impl Pattern {
    /// The key that selects this kind of pattern in a rule file.
    pub fn selector(&self) -> &'static str {
        match self {
            Pattern::Node(_) => "node",
            Pattern::Edge(_) => "edge",
            Pattern::Path(_) => "path",
            Pattern::Reach(_) => "reach",
            Pattern::Cycle(_) => "cycle",
            Pattern::Shared(_) => "shared",
            Pattern::Suppression(_) => "suppression",
            Pattern::Source(_) => "source",
        }
    }

    /// The attribute whose location a node or edge finding reports.
    pub fn at(&self) -> Option<&str> {
        match self {
            Pattern::Node(p) => p.at.as_deref(),
            Pattern::Edge(p) => p.at.as_deref(),
            _ => None,
        }
    }
}

/// A node of `kind` that meets the condition (`where`).
#[derive(Debug, Clone)]
pub struct NodePattern {
    pub kind: NodeKind,
    pub condition: Option<Condition>,
    /// A list attribute: one finding per item.
    pub for_each: Option<String>,
    /// The attribute whose location is reported.
    pub at: Option<String>,
}

/// An edge of `kind` that meets `where`, from a node that meets `from`, to
/// a node that meets `to`.
#[derive(Debug, Clone)]
pub struct EdgePattern {
    pub kind: EdgeKind,
    pub condition: Option<Condition>,
    pub from: Option<Condition>,
    pub to: Option<Condition>,
    pub for_each: Option<String>,
    pub at: Option<String>,
}

/// Findings about inline suppressions, made by the findings stage
/// (`crate::suppress`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionCheck {
    /// A suppression that gives no reason.
    NoReason,
    /// A suppression that suppresses no finding.
    Unused,
}

/// Findings about a file's text itself, made by the scan stage as it parses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceCheck {
    /// A key written twice in one mapping.
    DuplicateKey,
    /// Invisible characters, or instructions in a Markdown comment.
    HiddenText,
}

/// A pattern as written: its selector key beside the keys that qualify it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPattern {
    node: Option<NodeKind>,
    edge: Option<EdgeKind>,
    path: Option<PathPattern>,
    reach: Option<ReachPattern>,
    cycle: Option<CyclePattern>,
    shared: Option<SharedPattern>,
    suppression: Option<SuppressionCheck>,
    source: Option<SourceCheck>,
    #[serde(rename = "where")]
    condition: Option<Condition>,
    from: Option<Condition>,
    to: Option<Condition>,
    for_each: Option<String>,
    at: Option<String>,
}

impl TryFrom<RawPattern> for Pattern {
    type Error = String;

    fn try_from(raw: RawPattern) -> Result<Self, String> {
        let selectors = [
            ("node", raw.node.is_some()),
            ("edge", raw.edge.is_some()),
            ("path", raw.path.is_some()),
            ("reach", raw.reach.is_some()),
            ("cycle", raw.cycle.is_some()),
            ("shared", raw.shared.is_some()),
            ("suppression", raw.suppression.is_some()),
            ("source", raw.source.is_some()),
        ];
        let chosen: Vec<&str> = selectors.iter().filter(|(_, set)| *set).map(|(name, _)| *name).collect();
        let [selector] = chosen[..] else {
            let found = if chosen.is_empty() { "none".to_string() } else { chosen.join(" and ") };
            return Err(format!(
                "a pattern has exactly one of node, edge, path, reach, cycle, shared, suppression or source; this one has {found}"
            ));
        };
        let graph_item = matches!(selector, "node" | "edge");
        let stray: Vec<&str> = [
            ("where", raw.condition.is_some() && !graph_item),
            ("for_each", raw.for_each.is_some() && !graph_item),
            ("at", raw.at.is_some() && !graph_item),
            ("from", raw.from.is_some() && selector != "edge"),
            ("to", raw.to.is_some() && selector != "edge"),
        ]
        .iter()
        .filter(|(_, stray)| *stray)
        .map(|(name, _)| *name)
        .collect();
        if !stray.is_empty() {
            return Err(format!("`{}` does not qualify a {selector} pattern", stray.join("`, `")));
        }
        let RawPattern {
            node,
            edge,
            path,
            reach,
            cycle,
            shared,
            suppression,
            source,
            condition,
            from,
            to,
            for_each,
            at,
        } = raw;
        let pattern = if let Some(kind) = node {
            Pattern::Node(NodePattern { kind, condition, for_each, at })
        } else if let Some(kind) = edge {
            Pattern::Edge(EdgePattern { kind, condition, from, to, for_each, at })
        } else if let Some(p) = path {
            Pattern::Path(p)
        } else if let Some(p) = reach {
            Pattern::Reach(p)
        } else if let Some(p) = cycle {
            Pattern::Cycle(p)
        } else if let Some(p) = shared {
            Pattern::Shared(p)
        } else if let Some(check) = suppression {
            Pattern::Suppression(check)
        } else if let Some(check) = source {
            Pattern::Source(check)
        } else {
            unreachable!("exactly one selector is set, checked above")
        };
        Ok(pattern)
    }
}

/// Conditions over attributes, composed with `all`, `any` and `not`.
#[derive(Debug, Clone)]
pub enum Condition {
    All { all: Vec<Condition> },
    Any { any: Vec<Condition> },
    Not { not: Box<Condition> },
    Attr(AttrTest),
}

// By hand for the same reason as `Match`: a misspelt key inside a condition
// must be reported as itself, where it is written.
impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            all: Option<Vec<Condition>>,
            any: Option<Vec<Condition>>,
            not: Option<Box<Condition>>,
            attr: Option<String>,
            op: Option<Op>,
            value: Option<TestValue>,
        }
        use serde::de::Error;
        let raw = Raw::deserialize(deserializer)?;
        let composed = [raw.all.is_some(), raw.any.is_some(), raw.not.is_some()].iter().filter(|x| **x).count();
        let test = raw.attr.is_some() || raw.op.is_some() || raw.value.is_some();
        match (composed, test, raw) {
            (0, true, Raw { attr, op, value, .. }) => {
                let attr = attr.ok_or_else(|| D::Error::missing_field("attr"))?;
                let op = op.ok_or_else(|| D::Error::missing_field("op"))?;
                Ok(Condition::Attr(AttrTest { attr, op, value }))
            }
            (1, false, Raw { all: Some(all), .. }) => Ok(Condition::All { all }),
            (1, false, Raw { any: Some(any), .. }) => Ok(Condition::Any { any }),
            (1, false, Raw { not: Some(not), .. }) => Ok(Condition::Not { not }),
            _ => Err(D::Error::custom(
                "a condition is one of `all`, `any`, `not`, or an `attr` test with `op` (and `value`)",
            )),
        }
    }
}

#[derive(Debug, Clone)]
pub struct AttrTest {
    pub attr: String,
    pub op: Op,
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
    /// Edges into a reached agent whose own `flows` are legs too: a
    /// trigger that `feeds` a CI agent outsiders' text is its untrusted input.
    #[serde(default)]
    pub fed_by: Vec<EdgeKind>,
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
