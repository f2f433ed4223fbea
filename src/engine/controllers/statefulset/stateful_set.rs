//! The controller's informer and work-queue layer (`stateful_set.go`): which watch events queue a
//! sync of which StatefulSet, the `sync` prelude (adopt revisions, claim pods), and requeues —
//! rate-limited after errors, delayed for `minReadySeconds`, and the informer resync.

use super::cache;
use super::control::{update_stateful_set, Pods, SyncOutcome};
use super::ref_manager::adopt_orphan_revisions;
use super::utils::{get_parent_name_and_ordinal, selector_matches};
use super::COMPONENT;
use crate::engine::api::{Kind, Object, OwnerReference, Pod, StatefulSet, Time};
use crate::engine::sim::{Cluster, Task};
use crate::engine::store::{ObjectKey, Store, WatchEvent, WatchEventType};
use crate::engine::why::Verdict;
use std::rc::Rc;

/// The informer resync period for StatefulSets (`statefulSetResyncPeriod`).
pub const RESYNC_PERIOD_MS: u64 = 30_000;
/// Rate limiter base delay (`workqueue.DefaultControllerRateLimiter`: 5ms doubling).
pub const RETRY_BASE_MS: u64 = 5;
/// Rate limiter cap (1000s).
pub const RETRY_MAX_MS: u64 = 1_000_000;

/// A set's key, sharing the stored key's strings (every pod event enqueues its set).
fn set_key(store: &Store, namespace: &str, name: &str) -> ObjectKey {
    store.key(Kind::StatefulSet, namespace, name)
}

/// `enqueueStatefulSet`: queue a sync after the informer latency (deduplicated).
pub fn enqueue_stateful_set(c: &mut Cluster, key: ObjectKey) {
    c.enqueue_sync(key);
}

/// `queue.AddAfter` for a wait that ends on its own (a pod becoming available after
/// minReadySeconds): keeps the cluster from counting as settled until then.
pub fn enqueue_after(c: &mut Cluster, key: ObjectKey, ms: u64) {
    let at = c.now.plus_ms(ms);
    let pending = c.statefulset_controller.delayed.get(&key).copied();
    if pending.is_some_and(|p| p >= c.now && p <= at) {
        return;
    }
    c.statefulset_controller.delayed.insert(key.clone(), at);
    c.enqueue_at(at, Task::SyncStatefulSet(key));
}

/// A re-check that belongs to a failure loop or a poll (retry after an error, availability
/// re-check, informer resync): never keeps the cluster from settling.
pub fn enqueue_recurring_after(c: &mut Cluster, key: ObjectKey, ms: u64) {
    let at = c.now.plus_ms(ms);
    let pending = c.statefulset_controller.delayed_recurring.get(&key).copied();
    if pending.is_some_and(|p| p >= c.now && p <= at) {
        return;
    }
    c.statefulset_controller.delayed_recurring.insert(key.clone(), at);
    c.enqueue_recurring(ms, Task::SyncStatefulSet(key));
}

/// `resolveControllerRef`: the StatefulSet a controller ref points at, if it still exists with
/// that UID.
fn resolve_controller_ref<'a>(c: &'a Cluster, namespace: &str, r: &OwnerReference) -> Option<&'a StatefulSet> {
    if r.kind != "StatefulSet" {
        return None;
    }
    c.store.get(Kind::StatefulSet, namespace, &r.name).and_then(|o| o.as_stateful_set()).filter(|s| s.metadata.uid == r.uid)
}

/// `getStatefulSetsForPod` (`GetPodStatefulSets`): sets whose non-empty selector matches the
/// pod's labels.
fn get_stateful_sets_for_pod(c: &Cluster, pod: &Pod) -> Vec<ObjectKey> {
    if pod.metadata.labels.is_empty() {
        return Vec::new();
    }
    c.store
        .list(Kind::StatefulSet, Some(&pod.metadata.namespace))
        .filter_map(|o| o.as_stateful_set())
        .filter(|s| {
            s.spec.selector.as_ref().is_some_and(|sel| {
                let empty = sel.match_labels.is_empty() && sel.match_expressions.is_empty();
                !empty && selector_matches(sel, &pod.metadata.labels)
            })
        })
        .map(|s| set_key(&c.store, &s.metadata.namespace, &s.metadata.name))
        .collect()
}

/// The informer handlers.
pub fn on_change(c: &mut Cluster, ev: &WatchEvent) {
    match ev.object.kind() {
        Kind::StatefulSet => {
            enqueue_stateful_set(c, ev.key.clone());
        }
        Kind::Pod => {
            let Some(pod) = ev.object.as_pod() else { return };
            match ev.type_ {
                WatchEventType::Added => add_pod(c, pod),
                WatchEventType::Modified => match ev.old.as_ref().and_then(|o| o.as_pod()) {
                    Some(old) => update_pod(c, old, pod),
                    None => add_pod(c, pod),
                },
                WatchEventType::Deleted => delete_pod(c, pod),
            }
        }
        Kind::PersistentVolumeClaim if ev.type_ == WatchEventType::Deleted => claim_deleted(c, &ev.object),
        _ => {}
    }
}

/// `addPod`.
fn add_pod(c: &mut Cluster, pod: &Pod) {
    if pod.metadata.deletion_timestamp.is_some() {
        delete_pod(c, pod);
        return;
    }
    if let Some(r) = pod.metadata.controller_ref() {
        if let Some(set) = resolve_controller_ref(c, &pod.metadata.namespace, r) {
            let key = set_key(&c.store, &set.metadata.namespace, &set.metadata.name);
            enqueue_stateful_set(c, key);
        }
        return;
    }
    for key in get_stateful_sets_for_pod(c, pod) {
        enqueue_stateful_set(c, key);
    }
}

/// `updatePod`: the owner (old and new, if the controller ref changed); orphans whose labels
/// changed go to every matching set; a pod turning Ready under minReadySeconds gets a re-check
/// after minReadySeconds + 1s.
fn update_pod(c: &mut Cluster, old: &Pod, cur: &Pod) {
    if cur.metadata.resource_version == old.metadata.resource_version {
        return;
    }
    let label_changed = cur.metadata.labels != old.metadata.labels;
    let (cur_ref, old_ref) = (cur.metadata.controller_ref(), old.metadata.controller_ref());
    let ref_changed = cur_ref != old_ref;
    if ref_changed {
        if let Some(set) = old_ref.and_then(|r| resolve_controller_ref(c, &old.metadata.namespace, r)) {
            let key = set_key(&c.store, &set.metadata.namespace, &set.metadata.name);
            enqueue_stateful_set(c, key);
        }
    }
    if let Some(r) = cur_ref {
        let Some(set) = resolve_controller_ref(c, &cur.metadata.namespace, r) else { return };
        let key = set_key(&c.store, &set.metadata.namespace, &set.metadata.name);
        let min_ready = set.spec.min_ready_seconds();
        enqueue_stateful_set(c, key.clone());
        if !old.is_ready() && cur.is_ready() && min_ready > 0 {
            // A second more, against clock skew (upstream's comment on AddAfter).
            enqueue_after(c, key, min_ready as u64 * 1000 + 1000);
        }
        return;
    }
    if label_changed || ref_changed {
        for key in get_stateful_sets_for_pod(c, cur) {
            enqueue_stateful_set(c, key);
        }
    }
}

/// `deletePod`: only the owner cares.
fn delete_pod(c: &mut Cluster, pod: &Pod) {
    let Some(r) = pod.metadata.controller_ref() else { return };
    if let Some(set) = resolve_controller_ref(c, &pod.metadata.namespace, r) {
        let key = set_key(&c.store, &set.metadata.namespace, &set.metadata.name);
        enqueue_stateful_set(c, key);
    }
}

/// The controller does not watch claims; it notices a deleted claim on its next sync, at the
/// latest at the informer resync. Only that resync is modelled (once per deleted claim of a set),
/// rather than an endless 30s tick. When the claim belonged to a replica whose pod is missing
/// (a stale claim the set waits for), that resync will create the pod, so it is real work and
/// `sim wait` runs on to it; otherwise it is a background tick that never keeps a wait going.
fn claim_deleted(c: &mut Cluster, claim: &Rc<Object>) {
    let m = claim.meta();
    let (rest, ordinal) = get_parent_name_and_ordinal(&m.name);
    if ordinal < 0 {
        return;
    }
    let sets: Vec<(ObjectKey, bool)> = c
        .store
        .list(Kind::StatefulSet, Some(&m.namespace))
        .filter_map(|o| o.as_stateful_set())
        .filter(|s| {
            s.spec.volume_claim_templates.iter().any(|t| {
                rest.strip_prefix(t.metadata.name.as_str()).and_then(|r| r.strip_prefix('-')) == Some(s.metadata.name.as_str())
            })
        })
        .map(|s| {
            let start = s.spec.start_ordinal() as i64;
            let replica = (start..start + s.spec.replicas() as i64).contains(&ordinal);
            let pod_missing = c.store.get(Kind::Pod, &m.namespace, &format!("{}-{ordinal}", s.metadata.name)).is_none();
            (set_key(&c.store, &s.metadata.namespace, &s.metadata.name), replica && pod_missing)
        })
        .collect();
    for (key, unblocks) in sets {
        if unblocks {
            enqueue_after(c, key, RESYNC_PERIOD_MS);
        } else {
            enqueue_recurring_after(c, key, RESYNC_PERIOD_MS);
        }
    }
}

/// `sync` / `syncStatefulSet` for one key: then forget or rate-limit the key.
pub fn sync(c: &mut Cluster, key: &ObjectKey) {
    let now = c.now;
    forget_due(&mut c.statefulset_controller.delayed, key, now);
    forget_due(&mut c.statefulset_controller.delayed_recurring, key, now);
    let Some(obj) = c.store.get_key(key).cloned() else {
        // "StatefulSet has been deleted": drop its bookkeeping.
        let st = &mut c.statefulset_controller;
        cache::forget(st, key);
        st.failures.remove(key);
        st.delayed.remove(key);
        st.delayed_recurring.remove(key);
        return;
    };
    let Some(set) = obj.as_stateful_set() else { return };
    let decisions = c.why.total();
    match sync_stateful_set(c, &obj, set) {
        Ok(()) => {
            c.statefulset_controller.failures.remove(key);
            if c.why.total() == decisions {
                note_in_sync(c, key);
            }
        }
        Err(e) => {
            let failures = c.statefulset_controller.failures.get_or_insert_with(key.clone(), || 0);
            let delay = RETRY_BASE_MS.saturating_mul(1u64 << (*failures).min(40)).min(RETRY_MAX_MS);
            *failures += 1;
            c.decide(
                COMPONENT,
                format!("statefulset/{}", set.metadata.name),
                Verdict::Fail,
                "",
                format!("error syncing StatefulSet {}/{}, requeuing with back-off: {e}", key.namespace, key.name),
            );
            enqueue_recurring_after(c, key.clone(), delay);
        }
    }
}

/// A sync that decided nothing on a set whose replicas are all Running, Ready and updated says
/// so, once: otherwise the why panel would go on showing the last wait ("waiting for web-2 …")
/// as if the controller were still waiting.
fn note_in_sync(c: &mut Cluster, key: &ObjectKey) {
    let Some(set) = c.store.get_key(key).and_then(|o| o.as_stateful_set()) else { return };
    let (spec, status) = (set.spec.replicas(), &set.status);
    let settled = status.observed_generation == set.metadata.generation
        && status.replicas == spec
        && status.ready_replicas == spec
        && status.updated_replicas == spec
        && status.current_revision == status.update_revision;
    if !settled || set.metadata.deletion_timestamp.is_some() {
        return;
    }
    let subject = format!("statefulset/{}", set.metadata.name);
    let reason = match spec {
        0 => "0 replicas wanted and none left; nothing to do".to_string(),
        1 => format!("the 1 replica is Running and Ready at revision {}; nothing to do", status.update_revision),
        n => format!("all {n} replicas are Running and Ready at revision {}; nothing to do", status.update_revision),
    };
    if c.why.latest_for(&subject).is_some_and(|d| d.reason == reason) {
        return;
    }
    c.decide(COMPONENT, subject, Verdict::Skip, "", reason);
}

fn forget_due(map: &mut crate::util::vecset::VecMap<ObjectKey, Time>, key: &ObjectKey, now: Time) {
    if map.get(key).is_some_and(|t| *t <= now) {
        map.remove(key);
    }
}

/// The body of `sync` after the lister lookup: adopt revisions, claim pods, update.
fn sync_stateful_set(c: &mut Cluster, obj: &Rc<Object>, set: &StatefulSet) -> Result<(), super::pod_control::SyncError> {
    adopt_orphan_revisions(c, set)?;
    let key = set_key(&c.store, &set.metadata.namespace, &set.metadata.name);
    #[cfg(test)]
    if c.statefulset_controller.use_reference {
        let (pods, claimed) = super::ref_manager::get_pods_for_stateful_set(c, set);
        claimed?;
        let outcome = update_stateful_set(c, obj, set, Pods::Listed(&pods));
        return after_update(c, set, key, outcome);
    }
    let mut ix = cache::checkout(c, &key, set);
    let outcome = cache::claim_pods(c, set, &mut ix).map(|()| update_stateful_set(c, obj, set, Pods::Indexed(&ix)));
    cache::checkin(c, key.clone(), ix);
    after_update(c, set, key, outcome?)
}

/// Requeues after an update: the informer resync for a stale claim, and the availability
/// re-check under minReadySeconds.
fn after_update(c: &mut Cluster, set: &StatefulSet, key: ObjectKey, outcome: SyncOutcome) -> Result<(), super::pod_control::SyncError> {
    if outcome.waiting_on_stale_claim {
        enqueue_recurring_after(c, key.clone(), RESYNC_PERIOD_MS);
    }
    outcome.result?;
    // "One more sync to handle the clock skew": re-check availability after minReadySeconds.
    let min_ready = set.spec.min_ready_seconds();
    if min_ready > 0 && outcome.status.as_ref().is_some_and(|s| s.available_replicas != set.spec.replicas()) {
        enqueue_recurring_after(c, key, min_ready as u64 * 1000);
    }
    Ok(())
}
