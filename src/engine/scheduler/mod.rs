//! kube-scheduler (`pkg/scheduler`): places pending pods on nodes with the default plugins that
//! matter here — NodeUnschedulable, TaintToleration, NodeAffinity, NodeResourcesFit,
//! VolumeBinding — spreading pods over the feasible nodes (fewest pods first, ties by name).
//!
//! An unschedulable pod gets `FailedScheduling` and `PodScheduled=False`, waits in the
//! unschedulable queue and is retried when the cluster changes in a way that may help (a node,
//! claim or class changes, a pod leaves a node) and at least every five minutes
//! (`podMaxInUnschedulablePodsDuration`). Volume binding for WaitForFirstConsumer claims:
//! the chosen node is written on the claim (`volume.kubernetes.io/selected-node`) and the pod is
//! bound once every claim is bound (PreBind waits, up to ten minutes).

mod cache;
pub mod framework;
mod volume_binding;

use super::api::{Condition, Kind, Object, Pod, Shared};
use super::apiserver;
use super::sim::{Cluster, Task as SimTask};
use super::store::{KeyRef, ObjectKey, WatchEvent, WatchEventType};
use super::why::Verdict;
use cache::{NodeCache, NodeInfo};
use framework::{fit_error, Rejection};
use std::collections::{BTreeMap, BTreeSet};
use crate::util::hash::FastMap;
use crate::util::vecset::VecMap;

/// Component name on scheduler events.
pub const COMPONENT: &str = "default-scheduler";
/// How often unschedulable pods are retried even when nothing changes.
pub const UNSCHEDULABLE_FLUSH_MS: u64 = 5 * 60 * 1000;
/// Back-off before retrying a pod after a cluster change (the scheduler's initial pod back-off).
pub const RETRY_BACKOFF_MS: u64 = 1000;
/// How long PreBind waits for a pod's claims to be bound.
pub const BIND_TIMEOUT_MS: u64 = 10 * 60 * 1000;

/// Node → (pod uid → (millicpu, memory bytes)): the requests counted on each node.
type NodePods = BTreeMap<String, BTreeMap<String, (u64, u64)>>;

/// The scheduler's cache and queues.
#[derive(Clone, Debug, Default)]
pub struct State {
    /// Node → (uid → (millicpu, memory bytes)) of its assigned, non-terminal pods.
    /// (This and `pod_node` are [`Shared`]: the retry loops of unschedulable pods read them
    /// only, so a checkpoint does not copy them.)
    node_pods: Shared<NodePods>,
    /// Pod uid → the node it is counted on.
    pod_node: Shared<BTreeMap<String, String>>,
    /// Every node's allocatable figures and pod counts, kept beside `node_pods` (what each
    /// scheduling cycle checks on every node).
    nodes: Shared<NodeCache>,
    /// Pods that failed to schedule and wait for a cluster change.
    unschedulable: BTreeSet<ObjectKey>,
    /// Unschedulable pods with a five-minute flush retry armed, and when it fires. Looked up by
    /// key only, never walked, so a hash map (a B-tree of this key/value pair was ~4.8 KB of wasm).
    flush_armed: FastMap<ObjectKey, super::api::Time>,
    /// Pods assumed on a node whose claims are being bound (PreBind), with when that started.
    /// Looked up by key only, never walked: a hash map.
    waiting: FastMap<ObjectKey, (String, super::api::Time)>,
    /// Claim → pods waiting in PreBind for it.
    claim_waiters: BTreeMap<ObjectKey, BTreeSet<ObjectKey>>,
}

impl State {
    /// Number of assigned, non-terminal pods on a node.
    pub fn pods_on(&self, node: &str) -> usize {
        self.node_pods.get(node).map_or(0, |m| m.len())
    }

    /// Uids of the assigned, non-terminal pods on a node.
    pub fn pod_uids_on(&self, node: &str) -> Vec<String> {
        self.node_pods.get(node).map(|m| m.keys().cloned().collect()).unwrap_or_default()
    }

    /// Pods currently in the unschedulable queue.
    pub fn unschedulable(&self) -> impl Iterator<Item = &ObjectKey> {
        self.unschedulable.iter()
    }

    /// Whether the node cache, brought up to date as a cycle would, equals one built from
    /// scratch (tests: the incremental counts must never drift).
    #[cfg(test)]
    fn node_cache_is_fresh(&self, store: &super::store::Store) -> bool {
        let mut nodes = (*self.nodes).clone();
        nodes.sync(store, &self.node_pods);
        nodes.same_as(&NodeCache::build(store, &self.node_pods))
    }
}

fn wants_scheduling(p: &Pod) -> bool {
    p.spec.node_name.is_empty()
        && p.metadata.deletion_timestamp.is_none()
        && !matches!(p.status.phase.as_str(), "Succeeded" | "Failed")
        && (p.spec.scheduler_name.is_empty() || p.spec.scheduler_name == COMPONENT)
}

/// Informer handlers: queue new pods, keep the node cache, retry unschedulable pods on change.
pub fn on_change(c: &mut Cluster, ev: &WatchEvent) {
    match &*ev.object {
        Object::Pod(p) => {
            let key = ev.key.clone();
            let deleted = ev.type_ == WatchEventType::Deleted;
            let freed = account(c, p, deleted);
            if deleted {
                c.scheduler.unschedulable.remove(&key);
                c.scheduler.flush_armed.remove(&key);
                forget_waiting(c, &key);
            } else if ev.type_ == WatchEventType::Added && wants_scheduling(p) {
                c.enqueue_unique(c.config.timings.schedule_ms, SimTask::Schedule(key));
            }
            if freed {
                requeue_unschedulable(c);
            }
        }
        Object::Node(n) => {
            let relevant = match ev.old.as_ref().and_then(|o| o.as_node()) {
                None => true,
                Some(o) => o.spec.taints != n.spec.taints || o.spec.unschedulable != n.spec.unschedulable || o.metadata.labels != n.metadata.labels || o.is_ready() != n.is_ready(),
            };
            if relevant {
                requeue_unschedulable(c);
            }
        }
        Object::PersistentVolumeClaim(pvc) => {
            let key = ev.key.clone();
            let bound_now = !pvc.spec.volume_name.is_empty() && pvc.status.phase == "Bound";
            let was_bound = ev.old.as_ref().and_then(|o| o.as_pvc()).is_some_and(|o| !o.spec.volume_name.is_empty() && o.status.phase == "Bound");
            if bound_now && !was_bound {
                let waiters: Vec<ObjectKey> = c.scheduler.claim_waiters.get(&key).map(|s| s.iter().cloned().collect()).unwrap_or_default();
                for w in waiters {
                    c.enqueue_unique(c.config.timings.controller_latency_ms, SimTask::Schedule(w));
                }
            }
            if ev.type_ == WatchEventType::Added || (bound_now && !was_bound) {
                requeue_unschedulable(c);
            }
        }
        Object::PersistentVolume(_) | Object::StorageClass(_) if ev.type_ == WatchEventType::Added => requeue_unschedulable(c),
        _ => {}
    }
}

/// Keeps the per-node pod cache; returns true when a pod left a node (capacity freed).
fn account(c: &mut Cluster, p: &Pod, deleted: bool) -> bool {
    let uid = &p.metadata.uid;
    if !deleted && p.spec.node_name.is_empty() && c.scheduler.waiting.contains_key(KeyRef::new(Kind::Pod, &p.metadata.namespace, &p.metadata.name).as_key()) {
        // Assumed on a node while its volumes bind: keep counting it there.
        return false;
    }
    let counts = !deleted && !p.spec.node_name.is_empty() && !matches!(p.status.phase.as_str(), "Succeeded" | "Failed");
    let current = c.scheduler.pod_node.get(uid).cloned();
    match (current, counts) {
        (None, true) => {
            count_on(c, uid, &p.spec.node_name, framework::pod_requests(p));
            false
        }
        (Some(node), false) => {
            uncount(c, uid, &node);
            true
        }
        _ => false,
    }
}

/// Counts a pod (not counted anywhere yet) on `node`: the pod map, its node and the node's totals.
fn count_on(c: &mut Cluster, uid: &str, node: &str, req: (u64, u64)) {
    c.scheduler.node_pods.entry(node.to_string()).or_default().insert(uid.to_string(), req);
    c.scheduler.pod_node.insert(uid.to_string(), node.to_string());
    c.scheduler.nodes.add_pod(node, req);
}

/// Undoes [`count_on`].
fn uncount(c: &mut Cluster, uid: &str, node: &str) {
    if let Some(req) = c.scheduler.node_pods.get_mut(node).and_then(|m| m.remove(uid)) {
        c.scheduler.nodes.remove_pod(node, req);
    }
    c.scheduler.pod_node.remove(uid);
}

fn assume_on(c: &mut Cluster, p: &Pod, node: &str) {
    if c.scheduler.pod_node.contains_key(&p.metadata.uid) {
        return;
    }
    count_on(c, &p.metadata.uid, node, framework::pod_requests(p));
}

/// Undoes [`assume_on`] for a pod that did not get bound.
fn forget_assumed(c: &mut Cluster, p: &Pod) {
    if !p.spec.node_name.is_empty() {
        return;
    }
    if let Some(node) = c.scheduler.pod_node.get(&p.metadata.uid).cloned() {
        uncount(c, &p.metadata.uid, &node);
    }
}

fn forget_waiting(c: &mut Cluster, key: &ObjectKey) {
    if c.scheduler.waiting.remove(key).is_some() {
        c.scheduler.claim_waiters.retain(|_, pods| {
            pods.remove(key);
            !pods.is_empty()
        });
    }
}

/// Moves every unschedulable pod back to the active queue (after the retry back-off).
fn requeue_unschedulable(c: &mut Cluster) {
    if c.scheduler.unschedulable.is_empty() {
        return;
    }
    let keys: Vec<ObjectKey> = std::mem::take(&mut c.scheduler.unschedulable).into_iter().collect();
    for k in keys {
        c.enqueue_unique(RETRY_BACKOFF_MS, SimTask::Schedule(k));
    }
}

/// One scheduling cycle for one pod.
pub fn schedule(c: &mut Cluster, key: &ObjectKey) {
    if c.scheduler.flush_armed.get(key).is_some_and(|t| *t <= c.now) {
        c.scheduler.flush_armed.remove(key);
    }
    let Some(pod) = c.store.get_key(key).and_then(|o| o.as_pod()).cloned() else { return };
    if !wants_scheduling(&pod) {
        return;
    }
    if let Some((node, since)) = c.scheduler.waiting.get(key).cloned() {
        prebind_wait(c, key, pod, node, since);
        return;
    }
    c.scheduler.unschedulable.remove(key);
    // Every cycle filters every node: their allocatable figures and pod counts come from the
    // cache, re-read only for nodes that changed since the last cycle.
    if !c.scheduler.nodes.is_current(&c.store) {
        let State { nodes, node_pods, .. } = &mut c.scheduler;
        nodes.sync(&c.store, node_pods);
    }
    let num_nodes = c.scheduler.nodes.nodes().len();
    if num_nodes == 0 {
        // `ErrNoNodesAvailable`: no FitError, just this.
        let msg = "no nodes available to schedule pods".to_string();
        unschedulable(c, key, &pod, msg.clone(), msg);
        return;
    }
    let claims = match volume_binding::pre_filter(c, &pod) {
        Ok(claims) => claims,
        Err(msg) => {
            let text = fit_error(num_nodes, Some(&msg), &[]);
            unschedulable(c, key, &pod, text, msg);
            return;
        }
    };
    // What the pod brings to every node's filters, worked out once per cycle.
    let tols = framework::tolerations(&pod);
    let cordon = super::api::Taint { key: framework::TAINT_UNSCHEDULABLE.into(), effect: "NoSchedule".into(), ..Default::default() };
    let tolerates_cordon = tols.iter().any(|t| t.tolerates(&cordon));
    let affinity = framework::NodeAffinity::of(&pod);
    let any_labels = affinity.matches_any_labels();
    let requests = framework::pod_requests(&pod);
    let has_claims = !claims.bound.is_empty() || !claims.unbound_delayed.is_empty();
    let mut rejections = Vec::new();
    // The feasible node running the fewest pods, ties to the first name: nodes come in that
    // order, so the first feasible one is it. Only a pod that fits nowhere visits every node
    // (the fit error counts the rejections per reason, so their order does not show).
    let mut best: Option<&NodeInfo> = None;
    for info in c.scheduler.nodes.by_load() {
        let Some(n) = info.node() else { continue };
        let rejection = if n.spec.unschedulable == Some(true) && !tolerates_cordon {
            Some(Rejection::unresolvable("node(s) were unschedulable"))
        } else if !n.spec.taints.is_empty() && framework::untolerated_taint(n, &tols).is_some() {
            Some(Rejection::unresolvable("node(s) had untolerated taint(s)"))
        } else if !any_labels && !affinity.matches(&n.metadata.labels) {
            Some(Rejection::unresolvable("node(s) didn't match Pod's node affinity/selector"))
        } else if let Some(r) = resources_fit(info, requests) {
            Some(r)
        } else if has_claims {
            volume_binding::filter(c, &claims, &n.metadata.name).err()
        } else {
            None
        };
        match rejection {
            Some(r) => rejections.push(r),
            None => {
                best = Some(info);
                break;
            }
        }
    }
    let Some(node) = best.and_then(|info| info.node()).map(|n| n.metadata.name.clone()) else {
        let text = fit_error(num_nodes, None, &rejections);
        let summary = summarize(&rejections);
        unschedulable(c, key, &pod, text, summary);
        return;
    };
    if volume_binding::assume(c, &pod, &claims, &node) {
        bind(c, key, pod, &node);
    } else {
        c.scheduler.waiting.insert(key.clone(), (node.clone(), c.now));
        // Reserve: the pod counts on its node while its volumes are bound (the scheduler
        // cache's assumed pod), so the next pods spread elsewhere.
        assume_on(c, &pod, &node);
        for claim in &claims.unbound_delayed {
            c.scheduler.claim_waiters.entry(claim.clone()).or_default().insert(key.clone());
        }
        c.decide(
            COMPONENT,
            format!("pod/{}", pod.metadata.name),
            Verdict::Wait,
            format!("node/{node}"),
            format!("chose {node}; waiting for the pod's claims to be bound before binding the pod (WaitForFirstConsumer)"),
        );
    }
}

fn summarize(rejections: &[Rejection]) -> String {
    let mut hist: VecMap<&str, usize> = VecMap::new();
    for r in rejections {
        *hist.get_or_insert_with(r.reason.as_str(), usize::default) += 1;
    }
    hist.iter().map(|(r, n)| format!("{n} {r}")).collect::<Vec<_>>().join(", ")
}

/// NodeResourcesFit: pod count, CPU and memory against allocatable.
fn resources_fit(info: &NodeInfo, (cpu, mem): (u64, u64)) -> Option<Rejection> {
    if info.pods as u64 + 1 > info.allocatable_pods {
        return Some(Rejection::unschedulable("Too many pods"));
    }
    if cpu > 0 && info.requested_cpu.wrapping_add(cpu) > info.allocatable_cpu {
        return Some(Rejection::unschedulable("Insufficient cpu"));
    }
    if mem > 0 && info.requested_mem.wrapping_add(mem) > info.allocatable_mem {
        return Some(Rejection::unschedulable("Insufficient memory"));
    }
    None
}

fn unschedulable(c: &mut Cluster, key: &ObjectKey, pod: &Pod, message: String, why: String) {
    let mut p = pod.clone();
    set_condition(c, &mut p, Condition {
        type_: "PodScheduled".into(),
        status: "False".into(),
        reason: "Unschedulable".into(),
        message: message.clone(),
        ..Default::default()
    });
    apiserver::write_internal(c, Object::Pod(p.clone()));
    c.record_event(&Object::Pod(p), "Warning", "FailedScheduling", &message, COMPONENT);
    c.decide(COMPONENT, format!("pod/{}", pod.metadata.name), Verdict::Wait, "", format!("no node fits: {why}"));
    c.scheduler.unschedulable.insert(key.clone());
    if !c.scheduler.flush_armed.contains_key(key) {
        let at = c.now.plus_ms(UNSCHEDULABLE_FLUSH_MS);
        c.scheduler.flush_armed.insert(key.clone(), at);
        c.enqueue_recurring(UNSCHEDULABLE_FLUSH_MS, SimTask::Schedule(key.clone()));
    }
}

/// Sets a pod condition, moving lastTransitionTime only when the status changes.
pub fn set_condition(c: &Cluster, p: &mut Pod, mut cond: Condition) {
    // The scheduler (PodScheduled) and the taint eviction controller (DisruptionTarget) stamp the pod's
    // generation on the condition too (PodObservedGenerationTracking, v1.34+).
    cond.observed_generation = crate::engine::kubelet::status::observed_generation(p);
    match p.status.conditions.iter_mut().find(|x| x.type_ == cond.type_) {
        Some(old) => {
            cond.last_transition_time = if old.status == cond.status { old.last_transition_time } else { Some(c.now) };
            cond.last_probe_time = None;
            *old = cond;
        }
        None => {
            cond.last_transition_time = Some(c.now);
            p.status.conditions.push(cond);
        }
    }
}

fn prebind_wait(c: &mut Cluster, key: &ObjectKey, pod: Pod, node: String, since: super::api::Time) {
    if volume_binding::all_bound(c, &pod) {
        forget_waiting(c, key);
        bind(c, key, pod, &node);
        return;
    }
    if c.now.since(since) >= BIND_TIMEOUT_MS as i64 {
        forget_waiting(c, key);
        forget_assumed(c, &pod);
        let msg = "running PreBind plugin \"VolumeBinding\": binding volumes: context deadline exceeded".to_string();
        unschedulable(c, key, &pod, msg.clone(), msg);
        return;
    }
    // Check again when the deadline passes (claims becoming bound wake us earlier).
    let left = BIND_TIMEOUT_MS - c.now.since(since).max(0) as u64;
    c.enqueue_recurring(left, SimTask::Schedule(key.clone()));
}

/// Binds the pod (the `pods/binding` subresource): nodeName, `PodScheduled=True`, `Scheduled`.
fn bind(c: &mut Cluster, key: &ObjectKey, mut pod: Pod, node: &str) {
    pod.spec.node_name = node.to_string();
    set_condition(c, &mut pod, Condition { type_: "PodScheduled".into(), status: "True".into(), ..Default::default() });
    c.scheduler.unschedulable.remove(key);
    c.scheduler.flush_armed.remove(key);
    let name = pod.metadata.name.clone();
    let ns = pod.metadata.namespace.clone();
    let stored = apiserver::write_internal(c, Object::Pod(pod));
    c.record_event(&stored, "Normal", "Scheduled", format!("Successfully assigned {ns}/{name} to {node}"), COMPONENT);
    c.decide(COMPONENT, format!("pod/{name}"), Verdict::Update, format!("node/{node}"), format!("bound to {node}: feasible and running the fewest pods"));
}

#[cfg(test)]
mod tests;
