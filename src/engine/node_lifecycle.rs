//! The node lifecycle controller and taint-based eviction (`pkg/controller/nodelifecycle`,
//! `pkg/controller/tainteviction`), for the "node lost" fault.
//!
//! When a kubelet stops posting status, after `timings.node_monitor_grace_ms` (the
//! `--node-monitor-grace-period`, 50 s since 1.32) the controller sets the node's conditions to
//! Unknown, taints it `node.kubernetes.io/unreachable` (NoSchedule and NoExecute) and marks its
//! pods not Ready. Each pod is then evicted — deleted — once its toleration for the NoExecute
//! taint runs out (300 s by default). Nobody finishes those deletions: the kubelet is gone, so
//! the pods stay Terminating until force-deleted, and a StatefulSet does not replace them.
//! When the kubelet returns, its condition setters flip the node back (MemoryPressure, DiskPressure,
//! PIDPressure False; Ready True; a kubelet event each), the taints go (pending evictions are
//! cancelled with an event), and the kubelet finishes or
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

/// The node controller's `RecordNodeStatusChange` (`pkg/controller/util/node`): the reference
/// carries the node's real uid, so `kubectl describe node` (which searches for uid = node name,
/// the kubelet's convention) does not list it; `kubectl get events` does.
fn node_event(c: &mut Cluster, node: &str, reason: &str, msg: &str) {
    let Some(uid) = c.store.get(Kind::Node, "", node).map(|o| o.meta().uid.clone()) else { return };
    let r = ObjectReference { kind: "Node".into(), name: node.into(), uid, api_version: "v1".into(), ..Default::default() };
    super::events::record(c, r, "Normal", reason, msg.to_string(), COMPONENT, "");
}

/// The kubelet's `recordNodeStatusEvent` (`kubelet_node_status.go`): its node reference uses the
/// node name as uid, source `kubelet` on that host.
fn kubelet_node_event(c: &mut Cluster, node: &str, reason: &str) {
    let r = ObjectReference { kind: "Node".into(), name: node.into(), uid: node.into(), ..Default::default() };
    let msg = format!("Node {node} status is now: {reason}");
    super::events::record(c, r, "Normal", reason, msg, super::kubelet::COMPONENT, node);
}

/// The taint eviction controller's pod events (`tainteviction` `emitPodDeletionEvent`,
/// `emitCancelPodDeletionEvent`) name the pod without its uid: `kubectl get events` lists them,
/// `kubectl describe pod` (which searches by uid) does not.
fn eviction_event(c: &mut Cluster, namespace: &str, name: &str, msg: String) {
    let r = ObjectReference { kind: "Pod".into(), namespace: namespace.into(), name: name.into(), api_version: "v1".into(), ..Default::default() };
    super::events::record(c, r, "Normal", "TaintManagerEviction", msg, EVICTION_COMPONENT, "");
}

/// Whether the pod's tolerations let the taint eviction controller schedule its deletion (it
/// does not tolerate the unreachable NoExecute taint forever).
fn eviction_scheduled(p: &super::api::Pod) -> bool {
    let taint = Taint { key: TAINT_UNREACHABLE.into(), effect: "NoExecute".into(), ..Default::default() };
    let matching: Vec<_> = tolerations(p).into_iter().filter(|t| t.tolerates(&taint)).collect();
    matching.is_empty() || matching.iter().any(|t| t.toleration_seconds.is_some())
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
        // MarkPodsNotReady (`pkg/controller/util/node`): the event only goes with an actual
        // change of the Ready condition.
        if let Some(ready) = p.status.conditions.iter_mut().find(|x| x.type_ == "Ready") {
            if ready.status != "False" {
                ready.status = "False".into();
                ready.last_transition_time = Some(now);
                apiserver::write_internal(c, Object::Pod(p.clone()));
                c.record_event(&Object::Pod(p.clone()), "Warning", "NodeNotReady", "Node is not ready", COMPONENT);
            }
        }
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
    eviction_event(c, &p.metadata.namespace, &p.metadata.name, msg);
    c.decide(
        EVICTION_COMPONENT,
        format!("pod/{}", p.metadata.name),
        Verdict::Delete,
        format!("pod/{}", p.metadata.name),
        format!("node {} is unreachable and the pod's toleration ran out: deleting it (it stays Terminating until the node returns or it is force-deleted)", p.spec.node_name),
    );
    let _ = apiserver::delete(c, &key, DeleteOptions::default());
}

/// The kubelet's condition setters (`pkg/kubelet/nodestatus/setters.go`
/// `MemoryPressureCondition`, `DiskPressureCondition`, `PIDPressureCondition`, `ReadyCondition`):
/// each condition the controller left Unknown is set again, with an event per transition.
pub fn kubelet_condition(type_: &str) -> (&'static str, &'static str, &'static str, &'static str) {
    match type_ {
        "MemoryPressure" => ("False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", "NodeHasSufficientMemory"),
        "DiskPressure" => ("False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", "NodeHasNoDiskPressure"),
        "PIDPressure" => ("False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", "NodeHasSufficientPID"),
        _ => ("True", "KubeletReady", "kubelet is posting ready status", "NodeReady"),
    }
}

fn kubelet_up(c: &mut Cluster, node: &str) {
    if c.runtime.node_down(node) {
        return;
    }
    let Some(mut n) = c.store.get(Kind::Node, "", node).and_then(|o| o.as_node()).cloned() else { return };
    let now = c.now;
    let mut events = Vec::new();
    for cond in n.status.conditions.iter_mut() {
        let (want, reason, message, event) = kubelet_condition(&cond.type_);
        if cond.status != want {
            cond.status = want.into();
            cond.reason = reason.into();
            cond.message = message.into();
            cond.last_transition_time = Some(now);
            events.push(event);
        }
        cond.last_heartbeat_time = Some(now);
    }
    apiserver::write_internal(c, Object::Node(n));
    for e in events {
        kubelet_node_event(c, node, e);
    }
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
    let had_no_execute = n.spec.taints.iter().any(|t| t.key == TAINT_UNREACHABLE && t.effect == "NoExecute");
    n.spec.taints.retain(|t| t.key != TAINT_UNREACHABLE && t.key != super::scheduler::framework::TAINT_NOT_READY);
    if n.spec.taints.len() != before {
        apiserver::write_internal(c, Object::Node(n));
        if had_no_execute {
            // `processPodOnNode` with no taints left: `cancelWorkWithEvent` for every pod whose
            // deletion was still waiting for its toleration to run out.
            for uid in c.scheduler.pod_uids_on(node) {
                let Some(p) = c.store.get_by_uid(&uid).and_then(|o| o.as_pod()).cloned() else { continue };
                if p.metadata.deletion_timestamp.is_none() && eviction_scheduled(&p) {
                    let msg = format!("Cancelling deletion of Pod {}/{}", p.metadata.namespace, p.metadata.name);
                    eviction_event(c, &p.metadata.namespace, &p.metadata.name, msg);
                }
            }
        }
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

    fn events_about(c: &Cluster, name: &str) -> Vec<crate::engine::api::Event> {
        c.store.list(Kind::Event, Some("default")).filter_map(|o| o.as_event()).filter(|e| e.involved_object.name == name).cloned().collect()
    }

    /// Upstream's event references: the node controller names the node by its uid
    /// (`RecordNodeStatusChange`), the kubelet by its name (`recordNodeStatusEvent`, one event per
    /// condition its setters flip back); the taint eviction controller names pods without a uid
    /// and cancels a pending eviction with an event when the taint goes (`cancelWorkWithEvent`).
    #[test]
    fn node_back_before_eviction_cancels_it_and_the_kubelet_reports_its_conditions() {
        let mut c = cluster();
        create(&mut c, Object::Pod(pod("web-0", "nginx:1.27")));
        c.settle_default();
        let node_uid = c.store.get(Kind::Node, "", "node-1").unwrap().meta().uid.clone();
        let types: Vec<String> = c.store.get(Kind::Node, "", "node-1").and_then(|o| o.as_node()).unwrap().status.conditions.iter().map(|x| x.type_.clone()).collect();
        assert_eq!(types, ["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"]);
        let f = faults::fail_node(&mut c, "node-1").unwrap();
        c.advance(60_000);
        let not_ready: Vec<_> = events_about(&c, "node-1").into_iter().filter(|e| e.reason == "NodeNotReady").collect();
        assert_eq!(not_ready.len(), 1);
        assert_eq!((not_ready[0].involved_object.uid.as_str(), not_ready[0].source.component.as_str()), (node_uid.as_str(), COMPONENT));
        faults::clear_fault(&mut c, &f).unwrap();
        c.settle_default();
        let n = c.store.get(Kind::Node, "", "node-1").and_then(|o| o.as_node()).cloned().unwrap();
        let conds: Vec<(&str, &str, &str)> = n.status.conditions.iter().map(|x| (x.type_.as_str(), x.status.as_str(), x.reason.as_str())).collect();
        assert_eq!(
            conds,
            [
                ("MemoryPressure", "False", "KubeletHasSufficientMemory"),
                ("DiskPressure", "False", "KubeletHasNoDiskPressure"),
                ("PIDPressure", "False", "KubeletHasSufficientPID"),
                ("Ready", "True", "KubeletReady")
            ]
        );
        let ready: Vec<_> = events_about(&c, "node-1").into_iter().filter(|e| e.reason == "NodeReady").collect();
        assert_eq!(ready.len(), 1);
        assert_eq!(ready[0].message, "Node node-1 status is now: NodeReady");
        assert_eq!((ready[0].involved_object.uid.as_str(), ready[0].source.component.as_str(), ready[0].source.host.as_str()), ("node-1", "kubelet", "node-1"));
        assert!(events_about(&c, "node-1").iter().any(|e| e.reason == "NodeHasSufficientMemory"));
        let cancel: Vec<_> = events_about(&c, "web-0").into_iter().filter(|e| e.reason == "TaintManagerEviction").collect();
        assert_eq!(cancel.len(), 1);
        assert_eq!(cancel[0].message, "Cancelling deletion of Pod default/web-0");
        assert_eq!((cancel[0].involved_object.uid.as_str(), cancel[0].source.component.as_str()), ("", EVICTION_COMPONENT));
        // Back Ready: no second NodeNotReady on the pod, nothing evicted.
        c.advance(400_000);
        let p = get_pod(&c, "web-0").unwrap();
        assert!(p.metadata.deletion_timestamp.is_none() && p.is_ready());
        assert_eq!(reasons(&c, "web-0").iter().filter(|r| *r == "NodeNotReady").count(), 1);
    }
}
