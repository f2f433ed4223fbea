//! The garbage collector (`pkg/controller/garbagecollector`): deletes dependents whose owners
//! are all gone, removes dangling ownerReferences, and carries out foreground and orphan
//! propagation for owners being deleted with the `foregroundDeletion` / `orphan` finalizers.
//!
//! Upstream keeps a graph of every object's owners; here the store's owner index
//! (`Store::dependents`) is that graph, and an owner "exists" only if an object with the
//! referenced **uid** exists (a new object with the old name is a different owner).

use crate::engine::api::{Object, OwnerReference};
use crate::engine::apiserver::{self, DeleteOptions, Propagation, FOREGROUND_FINALIZER, ORPHAN_FINALIZER};
use crate::engine::sim::{Cluster, Task as SimTask};
use crate::engine::store::{ObjectKey, WatchEvent, WatchEventType};
use crate::engine::why::Verdict;

const COMPONENT: &str = "garbage-collector";

/// Work for the garbage collector.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Task {
    /// Look at the object with this uid: as an owner being deleted (finalizers) and as a
    /// dependent (are its owners still there?).
    Process(String),
}

fn enqueue(c: &mut Cluster, uid: &str) {
    let ms = c.config.timings.gc_latency_ms;
    c.enqueue_unique(ms, SimTask::GarbageCollect(Task::Process(uid.to_string())));
}

/// Watches every object: deletions wake their dependents; owners being deleted with a
/// propagation finalizer, and objects whose owners are missing, are queued.
pub fn on_change(c: &mut Cluster, ev: &WatchEvent) {
    let meta = ev.object.meta();
    match ev.type_ {
        WatchEventType::Deleted => {
            let deps: Vec<ObjectKey> = c.store.dependents(&meta.uid).cloned().collect();
            for key in deps {
                if let Some(uid) = c.store.get_key(&key).map(|o| o.meta().uid.clone()) {
                    enqueue(c, &uid);
                }
            }
            // A dependent is gone: an owner waiting for it in foreground deletion may finish.
            for r in &meta.owner_references {
                let waiting = c
                    .store
                    .get_by_uid(&r.uid)
                    .is_some_and(|o| o.meta().finalizers.iter().any(|f| f == FOREGROUND_FINALIZER));
                if waiting {
                    enqueue(c, &r.uid);
                }
            }
        }
        WatchEventType::Added | WatchEventType::Modified => {
            let propagating = meta.deletion_timestamp.is_some()
                && meta.finalizers.iter().any(|f| f == FOREGROUND_FINALIZER || f == ORPHAN_FINALIZER);
            let dangling = meta.owner_references.iter().any(|r| c.store.get_by_uid(&r.uid).is_none());
            if propagating || dangling {
                enqueue(c, &meta.uid.clone());
            }
        }
    }
}

/// Runs one unit of GC work.
pub fn handle(c: &mut Cluster, t: Task) {
    let Task::Process(uid) = t;
    let Some(obj) = c.store.get_by_uid(&uid).cloned() else { return };
    if obj.meta().deletion_timestamp.is_some() {
        if obj.meta().finalizers.iter().any(|f| f == ORPHAN_FINALIZER) {
            orphan_dependents(c, &obj);
            return;
        }
        if obj.meta().finalizers.iter().any(|f| f == FOREGROUND_FINALIZER) {
            delete_dependents_in_foreground(c, &obj);
            return;
        }
    }
    attempt_to_delete_item(c, &obj);
}

fn subject(obj: &Object) -> String {
    format!("{}/{}", obj.kind().info().singular, obj.meta().name)
}

/// `attemptToDeleteItem`: an object whose owners are all absent is deleted; one with some
/// absent owners loses just those references.
fn attempt_to_delete_item(c: &mut Cluster, obj: &Object) {
    let refs = &obj.meta().owner_references;
    if refs.is_empty() {
        return;
    }
    let (solid, dangling): (Vec<&OwnerReference>, Vec<&OwnerReference>) =
        refs.iter().partition(|r| owner_exists(c, r));
    if dangling.is_empty() {
        return;
    }
    let key = ObjectKey::of(obj);
    if solid.is_empty() {
        if obj.meta().deletion_timestamp.is_some() {
            return;
        }
        let owner = dangling[0];
        let reason = format!(
            "deleting {}: its owner {} {} is gone (cascading delete)",
            subject(obj),
            owner.kind,
            owner.name
        );
        c.decide(COMPONENT, subject(obj), Verdict::Delete, subject(obj), reason);
        let _ = apiserver::delete(c, &key, DeleteOptions { propagation: Propagation::Background, grace_period_seconds: None });
    } else {
        let mut updated = obj.clone();
        let keep: Vec<OwnerReference> = solid.into_iter().cloned().collect();
        updated.meta_mut().owner_references = keep.into();
        c.decide(
            COMPONENT,
            subject(obj),
            Verdict::Update,
            subject(obj),
            format!("removing references to deleted owners from {}", subject(obj)),
        );
        apiserver::write_internal(c, updated);
    }
}

fn owner_exists(c: &Cluster, r: &OwnerReference) -> bool {
    c.store.get_by_uid(&r.uid).is_some_and(|o| o.meta().name == r.name)
}

/// `orphanDependents`: strips this owner from every dependent, then drops the `orphan`
/// finalizer so the owner itself goes.
fn orphan_dependents(c: &mut Cluster, owner: &Object) {
    let uid = owner.meta().uid.clone();
    let deps: Vec<ObjectKey> = c.store.dependents(&uid).cloned().collect();
    for key in deps {
        let Some(dep) = c.store.get_key(&key).cloned() else { continue };
        let mut d = (*dep).clone();
        d.meta_mut().owner_references.retain(|r| r.uid != uid);
        c.decide(
            COMPONENT,
            subject(owner),
            Verdict::Release,
            subject(&dep),
            format!("orphaning {}: {} was deleted with --cascade=orphan, so its dependents stay", subject(&dep), subject(owner)),
        );
        apiserver::write_internal(c, d);
    }
    remove_finalizer(c, owner, ORPHAN_FINALIZER);
}

/// Foreground deletion: delete every dependent; the owner stays (with `foregroundDeletion`)
/// until no dependent with `blockOwnerDeletion: true` remains.
///
/// A dependent is itself deleted in the foreground only when it has dependents of its own;
/// a leaf (a StatefulSet's pods and ControllerRevisions) goes with the default background
/// propagation, so it never carries a `foregroundDeletion` finalizer (`attemptToDeleteItem`,
/// garbagecollector.go: `len(waitingForDependentsDeletion) != 0 && item.dependentsLength() != 0`
/// → Foreground, else Background).
fn delete_dependents_in_foreground(c: &mut Cluster, owner: &Object) {
    let uid = owner.meta().uid.clone();
    let deps: Vec<ObjectKey> = c.store.dependents(&uid).cloned().collect();
    let mut blocking = 0;
    for key in deps {
        let Some(dep) = c.store.get_key(&key).cloned() else { continue };
        let blocks = dep
            .meta()
            .owner_references
            .iter()
            .any(|r| r.uid == uid && r.block_owner_deletion == Some(true));
        if blocks {
            blocking += 1;
        }
        if dep.meta().deletion_timestamp.is_none() {
            c.decide(
                COMPONENT,
                subject(owner),
                Verdict::Delete,
                subject(&dep),
                format!("deleting {} before its owner {} (cascade=foreground)", subject(&dep), subject(owner)),
            );
            let has_dependents = c.store.dependents(&dep.meta().uid).next().is_some();
            let propagation = if has_dependents { Propagation::Foreground } else { Propagation::Background };
            let _ = apiserver::delete(c, &key, DeleteOptions { propagation, grace_period_seconds: None });
        }
    }
    if blocking == 0 {
        remove_finalizer(c, owner, FOREGROUND_FINALIZER);
    } else {
        c.decide(
            COMPONENT,
            subject(owner),
            Verdict::Wait,
            "",
            format!("{} stays until its {blocking} blocking dependent(s) are gone (cascade=foreground)", subject(owner)),
        );
    }
}

fn remove_finalizer(c: &mut Cluster, obj: &Object, finalizer: &str) {
    let Some(current) = c.store.get_key(&ObjectKey::of(obj)).cloned() else { return };
    let mut o = (*current).clone();
    o.meta_mut().finalizers.retain(|f| f != finalizer);
    apiserver::write_internal(c, o);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::{GenericObject, Kind, ObjectMeta};
    use crate::engine::config::ClusterConfig;

    fn generic(kind: Kind, name: &str) -> Object {
        Object::Generic(
            kind,
            GenericObject {
                api_version: kind.api_version().into(),
                kind: kind.info().kind_name.into(),
                metadata: ObjectMeta { name: name.into(), namespace: "default".into(), ..Default::default() },
                rest: Default::default(),
            },
        )
    }

    fn owned_by(mut obj: Object, owner: &Object, block: bool) -> Object {
        obj.meta_mut().owner_references.push(OwnerReference {
            api_version: owner.kind().api_version().into(),
            kind: owner.kind().info().kind_name.into(),
            name: owner.meta().name.clone(),
            uid: owner.meta().uid.clone(),
            controller: Some(true),
            block_owner_deletion: Some(block),
        });
        obj
    }

    fn setup() -> (Cluster, Object) {
        let mut c = Cluster::new(ClusterConfig::default());
        let owner = apiserver::create(&mut c, generic(Kind::Deployment, "owner")).map(|w| (*w.object).clone());
        let owner = owner.expect("owner created");
        for name in ["dep-a", "dep-b"] {
            let dep = owned_by(generic(Kind::ConfigMap, name), &owner, true);
            apiserver::create(&mut c, dep).expect("dependent created");
        }
        c.settle_default();
        (c, owner)
    }

    fn exists(c: &Cluster, name: &str) -> bool {
        c.store.get(Kind::ConfigMap, "default", name).is_some()
    }

    #[test]
    fn background_deletes_dependents_after_owner() {
        let (mut c, owner) = setup();
        apiserver::delete(&mut c, &ObjectKey::of(&owner), DeleteOptions::default()).expect("delete");
        assert!(c.store.get(Kind::Deployment, "default", "owner").is_none());
        assert!(exists(&c, "dep-a"), "dependents go after the owner, not with it");
        c.settle_default();
        assert!(!exists(&c, "dep-a") && !exists(&c, "dep-b"));
    }

    #[test]
    fn orphan_keeps_dependents_without_owner_refs() {
        let (mut c, owner) = setup();
        let opts = DeleteOptions { propagation: Propagation::Orphan, grace_period_seconds: None };
        apiserver::delete(&mut c, &ObjectKey::of(&owner), opts).expect("delete");
        c.settle_default();
        assert!(c.store.get(Kind::Deployment, "default", "owner").is_none());
        let dep = c.store.get(Kind::ConfigMap, "default", "dep-a").expect("kept");
        assert!(dep.meta().owner_references.is_empty());
    }

    #[test]
    fn foreground_keeps_owner_until_dependents_are_gone() {
        let (mut c, owner) = setup();
        let opts = DeleteOptions { propagation: Propagation::Foreground, grace_period_seconds: None };
        apiserver::delete(&mut c, &ObjectKey::of(&owner), opts).expect("delete");
        let o = c.store.get(Kind::Deployment, "default", "owner").expect("owner stays while dependents exist");
        assert!(o.meta().deletion_timestamp.is_some());
        c.settle_default();
        assert!(!exists(&c, "dep-a"));
        assert!(c.store.get(Kind::Deployment, "default", "owner").is_none());
    }

    /// Upstream's GC deletes a dependent in the foreground only if it has dependents itself: a
    /// leaf (here a scheduled pod, still terminating) never gets `foregroundDeletion`, while a
    /// dependent with its own dependents does.
    #[test]
    fn foreground_deletes_leaf_dependents_in_the_background() {
        let mut c = Cluster::new(ClusterConfig { nodes: Vec::new(), ..ClusterConfig::default() });
        let owner = apiserver::create(&mut c, generic(Kind::Deployment, "owner")).map(|w| (*w.object).clone());
        let owner = owner.expect("owner created");
        let mut pod = crate::engine::api::Pod::default();
        pod.metadata.name = "leaf".into();
        pod.metadata.namespace = "default".into();
        pod.spec.node_name = "node-9".into();
        pod.spec.containers.push(crate::engine::api::Container { name: "app".into(), image: "busybox:1.36".into(), ..Default::default() });
        let pod = owned_by(Object::Pod(pod), &owner, true);
        apiserver::create(&mut c, pod).expect("pod created");
        let mid = apiserver::create(&mut c, owned_by(generic(Kind::ConfigMap, "mid"), &owner, true)).expect("mid");
        let mid = (*mid.object).clone();
        apiserver::create(&mut c, owned_by(generic(Kind::ConfigMap, "grandchild"), &mid, true)).expect("grandchild");
        c.settle_default();
        let opts = DeleteOptions { propagation: Propagation::Foreground, grace_period_seconds: None };
        apiserver::delete(&mut c, &ObjectKey::of(&owner), opts).expect("delete");
        c.advance(c.config.timings.gc_latency_ms);
        let leaf = c.store.get(Kind::Pod, "default", "leaf").expect("the pod terminates gracefully");
        assert!(leaf.meta().deletion_timestamp.is_some());
        assert!(leaf.meta().finalizers.is_empty(), "{:?}", leaf.meta().finalizers);
        let mid = c.store.get(Kind::ConfigMap, "default", "mid").expect("mid waits for its own dependent");
        assert_eq!(mid.meta().finalizers, vec![FOREGROUND_FINALIZER.to_string()]);
    }

    #[test]
    fn a_new_owner_with_the_same_name_is_not_the_old_owner() {
        let (mut c, owner) = setup();
        apiserver::delete(&mut c, &ObjectKey::of(&owner), DeleteOptions::default()).expect("delete");
        apiserver::create(&mut c, generic(Kind::Deployment, "owner")).expect("recreate");
        c.settle_default();
        assert!(!exists(&c, "dep-a"), "uid differs, so the dependents are orphans of a gone owner");
    }

}
