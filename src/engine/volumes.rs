//! The PV controller and the dynamic provisioner: binds claims to volumes.

use super::sim::Cluster;
use super::store::WatchEvent;

/// Provisioner and volume-content state.
#[derive(Clone, Debug, Default)]
pub struct State {}

/// Work for the volume controllers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Task {
    /// Reconcile the claim with this key.
    SyncClaim(String),
}

/// Watches claims and volumes.
pub fn on_change(_c: &mut Cluster, _ev: &WatchEvent) {}

/// Runs one unit of volume work.
pub fn handle(_c: &mut Cluster, _t: Task) {}
