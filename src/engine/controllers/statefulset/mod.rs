//! The StatefulSet controller (`pkg/controller/statefulset`), file for file:
//!
//! | ours | upstream |
//! |---|---|
//! | [`stateful_set`] | `stateful_set.go`: informer handlers, work queue, `sync` prelude (adopt, claim) |
//! | [`control`] | `stateful_set_control.go`: `UpdateStatefulSet`, `processReplica`, `processCondemned` |
//! | [`rolling`] | `stateful_set_control.go`: the update strategies (legacy and `maxUnavailable`) |
//! | [`status`] | `stateful_set_control.go` / `stateful_set_status_updater.go`: status |
//! | [`revisions`] | `stateful_set_control.go` / `stateful_set_utils.go`: revisions and history |
//! | [`history`] | `pkg/controller/history/controller_history.go` |
//! | [`pod_control`] | `stateful_pod_control.go`: pod and claim writes, events |
//! | [`ref_manager`] | `pkg/controller/controller_ref_manager.go`: `ClaimPods` |
//! | [`utils`], [`retention`] | `stateful_set_utils.go` |
//!
//! Other components call [`on_change`] (informer) and [`sync`] (a queued `Task::SyncStatefulSet`).

pub mod cache;
pub mod control;
pub mod history;
pub mod index;
pub mod pod_control;
pub mod process;
pub mod ref_manager;
pub mod reference;
pub mod retention;
pub mod revisions;
pub mod rolling;
pub mod runs;
pub mod stateful_set;
pub mod status;
pub mod utils;
pub mod view;

#[cfg(test)]
mod diff_tests;
#[cfg(test)]
mod perf_tests;
#[cfg(test)]
mod testkit;
#[cfg(test)]
mod tests;

use crate::engine::api::{PodTemplateSpec, Time};
use crate::engine::sim::Cluster;
use crate::engine::store::{ObjectKey, WatchEvent};
use std::collections::BTreeMap;
use std::rc::Rc;
use crate::util::vecset::VecMap;

/// The component name on events and why-log entries.
pub const COMPONENT: &str = "statefulset-controller";

/// Controller-side state that is not in the API: the work queue's rate limiter and delaying
/// queue, and caches of derived data. Cloned with the cluster (a checkpoint), never observable.
#[derive(Clone, Debug, Default)]
pub struct ControllerState {
    /// Consecutive failed syncs per key (`ItemExponentialFailureRateLimiter`).
    pub(crate) failures: VecMap<ObjectKey, u32>,
    /// Earliest pending `AddAfter` per key, for delays that end a real wait (minReadySeconds).
    pub(crate) delayed: VecMap<ObjectKey, Time>,
    /// Earliest pending retry or re-check per key (failure back-off, availability polling,
    /// informer resync): part of failure loops, so they never keep the cluster from settling.
    pub(crate) delayed_recurring: VecMap<ObjectKey, Time>,
    /// The revision patch of each set's current template, by set uid.
    pub(crate) patches: VecMap<String, revisions::CachedPatch>,
    /// Pod templates decoded from revisions, by revision uid (revision data is immutable).
    pub(crate) templates: VecMap<String, Rc<PodTemplateSpec>>,
    /// The last syncs' [`revisions::apply_revision`] results per set: (stored set version,
    /// revision, result). Valid while both objects are the same (they are immutable).
    pub(crate) applied: BTreeMap<ObjectKey, Vec<AppliedRevision>>,
    /// Each synced set's pod index (shared with checkpoints until either side changes it).
    pub(crate) indexes: VecMap<ObjectKey, Rc<index::SetIndex>>,
    /// Set uid → key, for pods and claims that point at a set by ownerRef.
    pub(crate) index_uids: crate::util::hash::FastMap<String, ObjectKey>,
    /// Test switch: sync with the straightforward [`reference`] loop over a full listing, as the
    /// oracle of the differential test.
    #[cfg(test)]
    pub(crate) use_reference: bool,
}

/// A memoized [`revisions::apply_revision`]: the stored set version, the revision, the result.
pub(crate) type AppliedRevision = (Rc<crate::engine::api::Object>, Rc<crate::engine::api::Object>, Rc<crate::engine::api::StatefulSet>);

/// Most decoded templates kept; the cache is cleared past this (a set rarely has more live
/// revisions than its history limit).
pub(crate) const TEMPLATE_CACHE_LIMIT: usize = 64;

/// Informer handlers (`stateful_set.go` addPod/updatePod/deletePod and the set handlers): queue
/// syncs. Cheap: never lists all pods.
pub fn on_change(c: &mut Cluster, ev: &WatchEvent) {
    cache::on_change(&mut c.statefulset_controller, ev);
    stateful_set::on_change(c, ev);
}

/// One sync of one StatefulSet (`sync` → `syncStatefulSet` → `UpdateStatefulSet`).
pub fn sync(c: &mut Cluster, key: &ObjectKey) {
    stateful_set::sync(c, key);
}
