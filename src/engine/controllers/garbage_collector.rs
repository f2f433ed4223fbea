//! The garbage collector (`pkg/controller/garbagecollector`): deletes dependents whose owners
//! are gone, honours foreground and orphan propagation.

use crate::engine::sim::Cluster;
use crate::engine::store::WatchEvent;

/// Work for the garbage collector.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Task {
    /// Process the object with this uid (check owners / finalizers).
    Process(String),
}

/// Watches every object's ownerReferences and deletions.
pub fn on_change(_c: &mut Cluster, _ev: &WatchEvent) {}

/// Runs one unit of GC work.
pub fn handle(_c: &mut Cluster, _t: Task) {}
