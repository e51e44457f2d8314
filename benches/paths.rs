//! Path evaluation at scale: a generated graph of 10,000 agents and about
//! 50,000 edges (crews of five with a delegating manager, cross-crew
//! delegation, three tools per agent), then every built-in rule, the
//! blast radius of every agent, and the same work on a graph ten times
//! smaller as the baseline. `cargo bench --bench paths`.

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
    values.iter().map(|v| Item { value: v.to_string(), loc: None }).collect()
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

fn run(agents: usize) -> (usize, usize, [f64; 3], usize) {
    let rules: Vec<_> = builtin_rules().expect("rules load").into_iter().map(|(_, r)| r).collect();
    let (files, facts) = generate(agents, 7);
    let edges = facts[0].edges.len();
    let start = Instant::now();
    let graph = graph::build(files, facts);
    let built = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let findings = blastradius::engine::evaluate(&rules, &graph);
    let evaluated = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let radii = graph::reach::blast_radii(&graph, graph::reach::MAX_HOPS);
    let radius = start.elapsed().as_secs_f64();
    assert_eq!(radii.len(), agents);
    (agents, edges, [built, evaluated, radius], findings.len())
}

fn main() {
    println!(
        "{:>8} {:>8} {:>10} {:>12} {:>13} {:>10}",
        "agents", "edges", "build s", "evaluate s", "blast radius s", "findings"
    );
    let mut rows = Vec::new();
    for agents in [1_000, 10_000] {
        let (agents, edges, [b, e, r], findings) = run(agents);
        println!("{agents:>8} {edges:>8} {b:>10.3} {e:>12.3} {r:>13.3} {findings:>10}");
        rows.push(b + e + r);
    }
    println!("10k-agent graph / 1k-agent graph, total time: {:.1}x for 10x the graph", rows[1] / rows[0]);
}
