//! The informer cache around the per-set [`SetIndex`]es: the watch handler that marks what
//! changed, and the sync prelude that brings a set's index up to date and claims pods
//! (`stateful_set.go` `getPodsForStatefulSet` → `ClaimPods`) without listing the namespace.

use super::index::SetIndex;
use super::pod_control::{aggregate, SyncError};
use super::ref_manager::claim_pod;
use super::utils::{get_parent_name_and_ordinal, PodHandle};
use super::ControllerState;
use crate::engine::api::{Kind, StatefulSet};
use crate::engine::sim::Cluster;
use crate::engine::store::{KeyParts, KeyRef, ObjectKey, WatchEvent};
use std::rc::Rc;

/// Watch handler: marks, in the indexes that care, the pods and claims an event touched. O(log n)
/// per event; the work of re-reading them waits for the set's next sync.
pub fn on_change(st: &mut ControllerState, ev: &WatchEvent) {
    if st.indexes.is_empty() {
        return;
    }
    let versions = [Some(&ev.object), ev.old.as_ref()];
    match ev.object.kind() {
        Kind::Pod => {
            // Both versions have the event's key: its name is marked (shared, not copied).
            let name = &ev.key.name;
            for obj in versions {
                let Some(obj) = obj else { continue };
                let m = obj.meta();
                let parent = get_parent_name_and_ordinal(name).0;
                if !parent.is_empty() {
                    mark_pod(st, KeyRef::new(Kind::StatefulSet, &m.namespace, parent).as_key(), &m.namespace, name);
                }
                if let Some(key) = m.controller_ref().and_then(|r| st.index_uids.get(&r.uid)).cloned() {
                    mark_pod(st, &key as &dyn KeyParts, &m.namespace, name);
                }
            }
        }
        Kind::PersistentVolumeClaim => {
            let claim = &ev.key;
            // Sets in the claim's namespace (its name may be one of theirs), marked as the range
            // is walked (every claim write comes here: no list of keys is built), then the sets
            // it refers to. Marking twice is a no-op.
            let lo = KeyRef::new(Kind::StatefulSet, &claim.namespace, "");
            for (k, ix) in st.indexes.range_from_mut::<dyn KeyParts>(lo.as_key()) {
                if k.kind != Kind::StatefulSet || k.namespace != claim.namespace {
                    break;
                }
                mark_claim(ix, claim);
            }
            for obj in versions {
                let Some(obj) = obj else { continue };
                for r in &obj.meta().owner_references {
                    if let Some(ix) = st.index_uids.get(&r.uid).and_then(|key| st.indexes.get_mut(key)) {
                        mark_claim(ix, claim);
                    }
                }
            }
        }
        _ => {}
    }
}

fn mark_claim(ix: &mut Rc<SetIndex>, claim: &ObjectKey) {
    if !ix.is_claim_marked(claim) {
        Rc::make_mut(ix).mark_claim(claim.clone());
    }
}

fn mark_pod(st: &mut ControllerState, key: &dyn KeyParts, namespace: &str, name: &Rc<str>) {
    if let Some(ix) = st.indexes.get_mut(key) {
        // Pods of other namespaces are never the set's, whatever their ownerRefs say.
        if ix.namespace() == namespace && !ix.is_pod_marked(name) {
            Rc::make_mut(ix).mark_pod(name.clone());
        }
    }
}

/// Takes a set's index out of the controller state for a sync: built on first use (or when the
/// set's uid, selector, claim templates or retention policy changed), then refreshed. Give it back
/// with [`checkin`].
pub fn checkout(c: &mut Cluster, key: &ObjectKey, set: &StatefulSet) -> Rc<SetIndex> {
    let st = &mut c.statefulset_controller;
    let mut ix = match st.indexes.remove(key) {
        Some(ix) if ix.fits(set) => ix,
        stale => {
            if let Some(old) = stale {
                st.index_uids.remove(old.uid());
            }
            Rc::new(SetIndex::build(c, set))
        }
    };
    if ix.has_marks() {
        Rc::make_mut(&mut ix).refresh(c, set);
    }
    ix
}

/// Puts a set's index back after its sync.
pub fn checkin(c: &mut Cluster, key: ObjectKey, ix: Rc<SetIndex>) {
    let st = &mut c.statefulset_controller;
    st.index_uids.insert(ix.uid().to_string(), key.clone());
    st.indexes.insert(key, ix);
}

/// Forgets a deleted set's index.
pub fn forget(st: &mut ControllerState, key: &ObjectKey) {
    st.applied.remove(key);
    if let Some(ix) = st.indexes.remove(key) {
        st.index_uids.remove(ix.uid());
    }
}

/// `ClaimPods` on the candidates that need it (adopt matching orphans, release owned pods that no
/// longer match), in name order as upstream's listing gives them; the others are claimed already.
/// A set being deleted claims nothing new and releases nothing.
pub fn claim_pods(c: &mut Cluster, set: &StatefulSet, ix: &mut Rc<SetIndex>) -> Result<(), SyncError> {
    if ix.needs_claim.is_empty() || set.metadata.deletion_timestamp.is_some() {
        return Ok(());
    }
    let names: Vec<String> = ix.needs_claim.iter().cloned().collect();
    let mut errs = Vec::new();
    for name in &names {
        let Some(pod) = c.store.get(Kind::Pod, &set.metadata.namespace, name).cloned().and_then(PodHandle::new) else {
            continue;
        };
        if let Err(e) = claim_pod(c, set, &pod) {
            errs.push(e);
        }
    }
    // The claimed list upstream passes on has the adopted pods as written: re-read them.
    let ix = Rc::make_mut(ix);
    for name in &names {
        ix.mark_pod(name.as_str().into());
    }
    ix.refresh(c, set);
    aggregate(errs)
}
