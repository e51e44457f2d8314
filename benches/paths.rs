//! Path evaluation at scale: a generated graph of 10,000 agents and about
//! 50,000 edges (crews of five with a delegating manager, cross-crew
//! delegation, three tools per agent), then every built-in rule, the path
//! rules alone, the blast radius of every agent; the same work on a graph
//! ten times smaller as the baseline, and on one ten times larger (100,000
//! agents). `cargo bench --bench paths`.

use std::sync::Arc;
use std::time::Instant;

use blastradius::engine::builtin_rules;
use blastradius::graph::{self, Edge, EdgeFact, EdgeKind, Facts, Item, Loc, Node, NodeKind, SetAttr};
use blastradius::source::{SourceFile, Span};

/// A small deterministic generator (no dependency for a benchmark).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

fn items(values: &[&str]) -> Vec<Item> {
    values.iter().map(|v| Item { value: (*v).into(), loc: None }).collect()
}

fn generate(agents: usize, seed: u64) -> (Vec<Arc<SourceFile>>, Vec<Facts>) {
    let file = SourceFile::new("bench.yaml".into(), "bench.yaml".into(), "x\n".repeat(8));
    let loc = Loc { file: 0, span: Span::new(0, 1), pointer: "x".into() };
    let mut rng = Lcg(seed);
    let mut facts = Facts::default();
    const TOOLS: &[(&[&str], &[&str])] = &[
        (&["net.fetch"], &["untrusted_input"]),
        (&["fs.read"], &["private_data"]),
        (&["db.read", "db.write"], &["private_data"]),
        (&["email.send"], &["exfiltration"]),
        (&["shell.exec"], &["private_data", "exfiltration"]),
        (&[], &[]),
    ];
    let tools = agents / 2;
    for t in 0..tools {
        let (caps, flows) = TOOLS[t % TOOLS.len()];
        let mut node = Node::new(NodeKind::Tool, format!("tool:bench:{t}"), format!("tool{t}"), Some(loc.clone()));
        node.set_list("capabilities", items(caps), None);
        node.set_list("flows", items(flows), None);
        node.set_str("capability_source", "catalog", None);
        facts.nodes.push(node);
    }
    let edge = |kind| Edge { kind, attrs: Default::default(), loc: Some(loc.clone()) };
    for a in 0..agents {
        facts.nodes.push(Node::new(
            NodeKind::Agent,
            format!("agent:bench:{a}"),
            format!("agent{a}"),
            Some(loc.clone()),
        ));
        for _ in 0..3 {
            let t = rng.next(tools);
            facts.edges.push(EdgeFact {
                from: format!("agent:bench:{a}"),
                to: format!("tool:bench:{t}"),
                edge: edge(EdgeKind::Uses),
            });
        }
        // Crews of five: the first delegates to the other four.
        if a % 5 == 0 {
            for w in 1..5 {
                let to = format!("agent:bench:{}", (a + w).min(agents - 1));
                facts.edges.push(EdgeFact { from: format!("agent:bench:{a}"), to, edge: edge(EdgeKind::DelegatesTo) });
            }
        }
    }
    // Cross-crew delegation up to about five edges per agent in all.
    while facts.edges.len() < agents * 5 {
        let (from, to) = (rng.next(agents), rng.next(agents));
        if from != to {
            let fact = EdgeFact {
                from: format!("agent:bench:{from}"),
                to: format!("agent:bench:{to}"),
                edge: edge(EdgeKind::DelegatesTo),
            };
            facts.edges.push(fact);
        }
    }
    (vec![file], vec![facts])
}

/// Whether a rule walks paths (reach, delegation paths, cycles, shared
/// values) rather than testing one node or edge.
fn walks_paths(rule: &blastradius::engine::Rule) -> bool {
    use blastradius::engine::Pattern;
    rule.matcher
        .patterns()
        .iter()
        .any(|p| matches!(p, Pattern::Path(_) | Pattern::Reach(_) | Pattern::Cycle(_) | Pattern::Shared(_)))
}

/// Seconds to build, evaluate every rule, evaluate the path rules alone,
/// and compute every blast radius; and the findings of every rule.
fn run(agents: usize) -> (usize, usize, [f64; 4], usize) {
    let rules: Vec<_> = builtin_rules().expect("rules load").into_iter().map(|(_, r)| r).collect();
    let path_rules: Vec<_> = rules.iter().filter(|r| walks_paths(r)).cloned().collect();
    let (files, facts) = generate(agents, 7);
    let edges = facts[0].edges.len();
    let start = Instant::now();
    let graph = graph::build(files, facts);
    let built = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let findings = blastradius::engine::evaluate(&rules, &graph);
    let evaluated = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let path_findings = blastradius::engine::evaluate(&path_rules, &graph);
    let paths = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let radii = graph::reach::blast_radii(&graph, graph::reach::MAX_HOPS);
    let radius = start.elapsed().as_secs_f64();
    assert_eq!(radii.len(), agents);
    assert!(path_findings.len() <= findings.len());
    (agents, edges, [built, evaluated, paths, radius], findings.len())
}

fn main() {
    println!(
        "{:>8} {:>8} {:>9} {:>11} {:>13} {:>15} {:>9}",
        "agents", "edges", "build s", "all rules s", "path rules s", "blast radius s", "findings"
    );
    let mut totals = Vec::new();
    // The last: a crew-structured graph of 100,000 agents.
    for agents in [1_000, 10_000, 100_000] {
        let (agents, edges, [b, e, p, r], findings) = run(agents);
        println!("{agents:>8} {edges:>8} {b:>9.3} {e:>11.3} {p:>13.3} {r:>15.3} {findings:>9}");
        totals.push(b + e + r);
    }
    for (i, label) in [(1, "10k / 1k"), (2, "100k / 10k")] {
        let ratio = totals[i] / totals[i - 1];
        println!("{label} agents, build + all rules + blast radius: {ratio:.1}x for 10x the graph");
    }
}
