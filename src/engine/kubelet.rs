//! The kubelet and container runtime: pod lifecycle on a node.

use super::sim::Cluster;
use super::store::WatchEvent;

/// Kubelet-side state that is not in the API.
#[derive(Clone, Debug, Default)]
pub struct Runtime {}

/// Work for a kubelet.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Task {
    /// Advance the pod with this uid.
    Sync(String),
}

/// Watches pods bound to nodes.
pub fn on_change(_c: &mut Cluster, _ev: &WatchEvent) {}

/// Runs one kubelet transition.
pub fn handle(_c: &mut Cluster, _t: Task) {}
