//! The node lifecycle controller and taint-based eviction (`pkg/controller/nodelifecycle`,
//! `pkg/controller/tainteviction`), for the "node lost" fault.
//!
//! When a kubelet stops posting status, after `timings.node_monitor_grace_ms` (the
//! `--node-monitor-grace-period`, 50 s since 1.32) the controller sets the node's conditions to
//! Unknown, taints it `node.kubernetes.io/unreachable` (NoSchedule and NoExecute) and marks its
//! pods not Ready. Each pod is then evicted — deleted — once its toleration for the NoExecute
//! taint runs out (300 s by default). Nobody finishes those deletions: the kubelet is gone, so
//! the pods stay Terminating until force-deleted, and a StatefulSet does not replace them.
//! When the kubelet returns, the node goes Ready, the taints go, and the kubelet finishes or
//! resumes its pods.

use super::api::{Condition, Kind, Object, ObjectReference, Taint};
use super::apiserver::{self, DeleteOptions};
use super::scheduler::framework::{tolerations, TAINT_UNREACHABLE};
use super::sim::{Cluster, Task as SimTask};
use super::store::ObjectKey;
use super::why::Verdict;

/// Component name on node controller events.
pub const COMPONENT: &str = "node-controller";
/// Component name on taint eviction events.
pub const EVICTION_COMPONENT: &str = "taint-eviction-controller";

/// Work for the node lifecycle controller.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Task {
    /// The grace period since the kubelet's last status passed: check the node.
    Monitor(String),
    /// A pod's toleration of the NoExecute taint ran out.
    Evict(String),
    /// The kubelet posts Ready again.
    KubeletUp(String),
    /// The controller sees the node Ready and lifts its taints.
    Untaint(String),
}

/// Stops a node's kubelet (the "node lost" fault).
pub fn fail_node(c: &mut Cluster, node: &str) -> Result<(), String> {
    if c.store.get(Kind::Node, "", node).is_none() {
        return Err(format!("nodes \"{node}\" not found"));
    }
    if c.runtime.node_down(node) {
        return Ok(());
    }
    c.runtime.set_node_down(node, true);
    let ms = c.config.timings.node_monitor_grace_ms;
    c.decide(COMPONENT, format!("node/{node}"), Verdict::Wait, "", format!("kubelet on {node} stopped posting status; the node is marked Unknown if it stays silent for {}s", ms / 1000));
    c.enqueue_after(ms, SimTask::NodeLifecycle(Task::Monitor(node.to_string())));
    Ok(())
}

/// Brings a node's kubelet back.
pub fn restore_node(c: &mut Cluster, node: &str) -> Result<(), String> {
    if c.store.get(Kind::Node, "", node).is_none() {
        return Err(format!("nodes \"{node}\" not found"));
    }
    if !c.runtime.node_down(node) {
        return Ok(());
    }
    c.runtime.set_node_down(node, false);
    let ms = c.rng.range(1000, 3000);
    c.enqueue_after(ms, SimTask::NodeLifecycle(Task::KubeletUp(node.to_string())));
    Ok(())
}

/// Runs one unit of node lifecycle work.
pub fn handle(c: &mut Cluster, t: Task) {
    match t {
        Task::Monitor(node) => monitor(c, &node),
        Task::Evict(uid) => evict(c, &uid),
        Task::KubeletUp(node) => kubelet_up(c, &node),
        Task::Untaint(node) => untaint(c, &node),
    }
}

fn node_event(c: &mut Cluster, node: &str, reason: &str, msg: &str) {
    if c.store.get(Kind::Node, "", node).is_none() {
        return;
    }
    // Node events name the node as its own uid, as the node controller's recorder does.
    let r = ObjectReference { kind: "Node".into(), name: node.into(), uid: node.into(), api_version: "v1".into(), ..Default::default() };
    super::events::record(c, r, "Normal", reason, msg.to_string(), COMPONENT, "");
}

fn monitor(c: &mut Cluster, node: &str) {
    if !c.runtime.node_down(node) {
        return;
    }
    let Some(mut n) = c.store.get(Kind::Node, "", node).and_then(|o| o.as_node()).cloned() else { return };
    let now = c.now;
    for cond in n.status.conditions.iter_mut() {
        if cond.status != "Unknown" {
            cond.status = "Unknown".into();
            cond.last_transition_time = Some(now);
        }
        cond.reason = "NodeStatusUnknown".into();
        cond.message = "Kubelet stopped posting node status.".into();
    }
    for effect in ["NoSchedule", "NoExecute"] {
        if !n.spec.taints.iter().any(|t| t.key == TAINT_UNREACHABLE && t.effect == effect) {
            n.spec.taints.push(Taint { key: TAINT_UNREACHABLE.into(), value: String::new(), effect: effect.into(), time_added: Some(now) });
        }
    }
    apiserver::write_internal(c, Object::Node(n));
    node_event(c, node, "NodeNotReady", &format!("Node {node} status is now: NodeNotReady"));
    c.decide(COMPONENT, format!("node/{node}"), Verdict::Update, format!("node/{node}"), format!("no status from {node}'s kubelet: Ready=Unknown, tainted {TAINT_UNREACHABLE}"));
    for uid in c.scheduler.pod_uids_on(node) {
        let Some(mut p) = c.store.get_by_uid(&uid).and_then(|o| o.as_pod()).cloned() else { continue };
        // MarkPodsNotReady.
        if let Some(ready) = p.status.conditions.iter_mut().find(|x| x.type_ == "Ready") {
            if ready.status != "False" {
                ready.status = "False".into();
                ready.last_transition_time = Some(now);
                apiserver::write_internal(c, Object::Pod(p.clone()));
            }
        }
        c.record_event(&Object::Pod(p.clone()), "Warning", "NodeNotReady", "Node is not ready", COMPONENT);
        let secs = tolerations(&p)
            .iter()
            .filter(|t| t.tolerates(&Taint { key: TAINT_UNREACHABLE.into(), effect: "NoExecute".into(), ..Default::default() }))
            .filter_map(|t| t.toleration_seconds)
            .min();
        let tolerated_forever = secs.is_none()
            && tolerations(&p).iter().any(|t| t.tolerates(&Taint { key: TAINT_UNREACHABLE.into(), effect: "NoExecute".into(), ..Default::default() }));
        if tolerated_forever {
            continue;
        }
        let ms = secs.unwrap_or(0).max(0) as u64 * 1000;
        c.enqueue_after(ms, SimTask::NodeLifecycle(Task::Evict(uid)));
    }
}

fn evict(c: &mut Cluster, uid: &str) {
    let Some(mut p) = c.store.get_by_uid(uid).and_then(|o| o.as_pod()).cloned() else { return };
    let tainted = c
        .store
        .get(Kind::Node, "", &p.spec.node_name)
        .and_then(|o| o.as_node())
        .is_some_and(|n| n.spec.taints.iter().any(|t| t.key == TAINT_UNREACHABLE && t.effect == "NoExecute"));
    if !tainted || p.metadata.deletion_timestamp.is_some() {
        return;
    }
    let key = ObjectKey::new(Kind::Pod, &p.metadata.namespace, &p.metadata.name);
    super::scheduler::set_condition(c, &mut p, Condition {
        type_: "DisruptionTarget".into(),
        status: "True".into(),
        reason: "DeletionByTaintManager".into(),
        message: "Taint manager: deleting due to NoExecute taint".into(),
        ..Default::default()
    });
    apiserver::write_internal(c, Object::Pod(p.clone()));
    let msg = format!("Marking for deletion Pod {}/{}", p.metadata.namespace, p.metadata.name);
    c.record_event(&Object::Pod(p.clone()), "Normal", "TaintManagerEviction", &msg, EVICTION_COMPONENT);
    c.decide(
        EVICTION_COMPONENT,
        format!("pod/{}", p.metadata.name),
        Verdict::Delete,
        format!("pod/{}", p.metadata.name),
        format!("node {} is unreachable and the pod's toleration ran out: deleting it (it stays Terminating until the node returns or it is force-deleted)", p.spec.node_name),
    );
    let _ = apiserver::delete(c, &key, DeleteOptions::default());
}

fn kubelet_up(c: &mut Cluster, node: &str) {
    if c.runtime.node_down(node) {
        return;
    }
    let Some(mut n) = c.store.get(Kind::Node, "", node).and_then(|o| o.as_node()).cloned() else { return };
    let now = c.now;
    for cond in n.status.conditions.iter_mut() {
        let want = if cond.type_ == "Ready" { "True" } else { "False" };
        if cond.status != want {
            cond.status = want.into();
            cond.last_transition_time = Some(now);
        }
        cond.last_heartbeat_time = Some(now);
        if cond.type_ == "Ready" {
            cond.reason = "KubeletReady".into();
            cond.message = "kubelet is posting ready status".into();
        }
    }
    apiserver::write_internal(c, Object::Node(n));
    node_event(c, node, "NodeReady", &format!("Node {node} status is now: NodeReady"));
    let untaint_ms = c.rng.range(200, 1000);
    c.enqueue_after(untaint_ms, SimTask::NodeLifecycle(Task::Untaint(node.to_string())));
    let resync_ms = c.rng.range(100, 500);
    c.enqueue_after(resync_ms, SimTask::Kubelet(super::kubelet::Task::Resync(node.to_string())));
}

fn untaint(c: &mut Cluster, node: &str) {
    let Some(mut n) = c.store.get(Kind::Node, "", node).and_then(|o| o.as_node()).cloned() else { return };
    if !n.is_ready() {
        return;
    }
    let before = n.spec.taints.len();
    n.spec.taints.retain(|t| t.key != TAINT_UNREACHABLE && t.key != super::scheduler::framework::TAINT_NOT_READY);
    if n.spec.taints.len() != before {
        apiserver::write_internal(c, Object::Node(n));
        c.decide(COMPONENT, format!("node/{node}"), Verdict::Update, format!("node/{node}"), format!("{node} is Ready again: removed the unreachable taints"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::faults;
    use crate::engine::testutil::*;

    #[test]
    fn lost_node_goes_unknown_its_pods_are_evicted_and_stay_terminating() {
        let mut c = cluster();
        create(&mut c, Object::Pod(pod("web-0", "nginx:1.27")));
        c.settle_default();
        let uid = get_pod(&c, "web-0").unwrap().metadata.uid;
        faults::fail_node(&mut c, "node-1").unwrap();
        c.advance(49_000);
        assert!(c.store.get(Kind::Node, "", "node-1").and_then(|o| o.as_node()).unwrap().is_ready());
        assert!(get_pod(&c, "web-0").unwrap().is_ready(), "nobody noticed yet");
        c.advance(2_000);
        let n = c.store.get(Kind::Node, "", "node-1").and_then(|o| o.as_node()).cloned().unwrap();
        let ready = n.status.conditions.iter().find(|x| x.type_ == "Ready").unwrap();
        assert_eq!((ready.status.as_str(), ready.reason.as_str()), ("Unknown", "NodeStatusUnknown"));
        assert_eq!(ready.message, "Kubelet stopped posting node status.");
        let taints: Vec<(&str, &str)> = n.spec.taints.iter().map(|t| (t.key.as_str(), t.effect.as_str())).collect();
        assert_eq!(taints, vec![(TAINT_UNREACHABLE, "NoSchedule"), (TAINT_UNREACHABLE, "NoExecute")]);
        let p = get_pod(&c, "web-0").unwrap();
        assert!(!p.is_ready());
        assert_eq!(p.status.phase, "Running");
        assert!(reasons(&c, "web-0").contains(&"NodeNotReady".to_string()));

        c.advance(301_000);
        let p = get_pod(&c, "web-0").unwrap();
        assert!(p.metadata.deletion_timestamp.is_some());
        let dt = p.condition("DisruptionTarget").unwrap();
        assert_eq!((dt.reason.as_str(), dt.message.as_str()), ("DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint"));
        // Nobody finishes the deletion: the kubelet is gone.
        let r = c.settle_default();
        assert!(r.settled);
        c.advance(3_600_000);
        assert!(get_pod(&c, "web-0").is_some());

        // New pods avoid the tainted node.
        create(&mut c, Object::Pod(pod("other", "nginx:1.27")));
        c.settle_default();
        assert_ne!(get_pod(&c, "other").unwrap().spec.node_name, "node-1");

        // Force deletion removes it at once.
        delete(&mut c, Kind::Pod, "web-0", Some(0));
        assert!(get_pod(&c, "web-0").is_none());
        assert!(c.runtime.pod(&uid).is_none());
    }

    #[test]
    fn restored_node_is_ready_again_and_finishes_pending_deletions() {
        let mut c = cluster();
        create(&mut c, Object::Pod(pod("web-0", "nginx:1.27")));
        create(&mut c, Object::Pod(pod("web-1", "nginx:1.27")));
        c.settle_default();
        assert_eq!(get_pod(&c, "web-1").unwrap().spec.node_name, "node-2");
        let f = faults::fail_node(&mut c, "node-1").unwrap();
        c.advance(60_000);
        assert!(!get_pod(&c, "web-0").unwrap().is_ready());
        faults::clear_fault(&mut c, &f).unwrap();
        c.settle_default();
        let n = c.store.get(Kind::Node, "", "node-1").and_then(|o| o.as_node()).cloned().unwrap();
        assert!(n.is_ready() && n.spec.taints.is_empty());
        assert!(get_pod(&c, "web-0").unwrap().is_ready());
        assert!(faults::active_faults(&c).is_empty());

        // Lost long enough to be evicted, then back: the kubelet finishes the deletion.
        let f = faults::fail_node(&mut c, "node-1").unwrap();
        c.advance(400_000);
        assert!(get_pod(&c, "web-0").unwrap().metadata.deletion_timestamp.is_some());
        faults::clear_fault(&mut c, &f).unwrap();
        c.settle_default();
        assert!(get_pod(&c, "web-0").is_none());
    }
}
