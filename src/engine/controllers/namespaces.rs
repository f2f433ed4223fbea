//! What the per-namespace controllers (ServiceAccounts, root CA publisher) share: which
//! namespace a watch event concerns, and whether a namespace still takes new objects.

use crate::engine::api::Kind;
use crate::engine::sim::Cluster;
use crate::engine::store::{WatchEvent, WatchEventType};

/// The namespace to look at for `ev`: a Namespace that was added or changed, or the deletion
/// of the object named `name` of `kind` that the controller keeps in every namespace.
pub fn namespace_of_event(ev: &WatchEvent, kind: Kind, name: &str) -> Option<String> {
    let m = ev.object.meta();
    match (ev.object.kind(), ev.type_) {
        (Kind::Namespace, WatchEventType::Added | WatchEventType::Modified) => Some(m.name.clone()),
        (k, WatchEventType::Deleted) if k == kind && m.name == name => Some(m.namespace.clone()),
        _ => None,
    }
}

/// An existing namespace that is not being deleted (objects can no longer be created in a
/// terminating one).
pub fn is_active(c: &Cluster, namespace: &str) -> bool {
    c.store.get(Kind::Namespace, "", namespace).is_some_and(|o| o.meta().deletion_timestamp.is_none())
}
