//! kube-scheduler: places pending pods on ready nodes, honouring volume binding.

use super::sim::Cluster;
use super::store::{ObjectKey, WatchEvent};

/// Queues unscheduled pods.
pub fn on_change(_c: &mut Cluster, _ev: &WatchEvent) {}

/// Tries to bind one pod to a node.
pub fn schedule(_c: &mut Cluster, _key: &ObjectKey) {}
