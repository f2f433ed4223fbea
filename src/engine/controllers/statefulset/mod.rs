//! The StatefulSet controller (`pkg/controller/statefulset`).

use crate::engine::sim::Cluster;
use crate::engine::store::{ObjectKey, WatchEvent};

/// Informer handlers (`stateful_set.go` addPod/updatePod/deletePod/…): queue syncs.
pub fn on_change(_c: &mut Cluster, _ev: &WatchEvent) {}

/// One sync of one StatefulSet (`syncStatefulSet` → `UpdateStatefulSet`).
pub fn sync(_c: &mut Cluster, _key: &ObjectKey) {}
