//! Agents that run with no person watching (OWASP ASI10, rogue agents): a
//! CI agent started on a schedule, or a client whose approvals are off and
//! whose `Stop` hook can keep it from stopping. Rules judge them only when
//! they hold write tools.

use super::{Graph, Item, NodeKind, SetAttr};

pub(super) fn unattended(graph: &mut Graph) {
    for index in graph.sorted_nodes() {
        let agent = graph.node(index);
        if agent.kind != NodeKind::Agent {
            continue;
        }
        let mut found: Vec<Item> = Vec::new();
        for trigger in agent.list_attr("triggers").iter().filter(|t| t.value == "schedule") {
            found.push(Item::new("a scheduled CI trigger (`on: schedule`)", trigger.loc().cloned()));
        }
        // A Stop hook decides whether the agent may stop; with approvals off
        // nothing else stands between it and the next tool call.
        if !agent.list_attr("approval_bypass").is_empty() {
            for hook in agent.list_attr("hook_commands") {
                let on_stop = hook.loc.as_ref().is_some_and(|l| l.pointer.contains("Stop["));
                if on_stop {
                    let value =
                        format!("a Stop hook that decides whether it may stop (`{}`), with approvals off", hook.value);
                    found.push(Item::new(value, hook.loc().cloned()));
                }
            }
        }
        if !found.is_empty() {
            graph.graph[index].set_list("unattended", found, None);
        }
    }
}
