//! Ownership reconciliation for the StatefulSet controller (`pkg/controller/controller_ref_manager.go`
//! `ClaimPods` / `ClaimObject`, and `stateful_set.go` `getPodsForStatefulSet`,
//! `adoptOrphanRevisions`): adopt matching orphans, release owned pods that no longer match.

use super::history::{adopt_controller_revision, list_controller_revisions};
use super::pod_control::SyncError;
use super::utils::{is_member_of, new_controller_ref, selector_matches, PodHandle};
use super::COMPONENT;
use crate::engine::api::{Kind, Object, Pod, StatefulSet};
use crate::engine::apiserver;
use crate::engine::sim::Cluster;
use crate::engine::why::Verdict;
use std::rc::Rc;

/// `RecheckDeletionTimestamp`: a set being deleted adopts nothing.
fn can_adopt(set: &StatefulSet) -> Result<(), SyncError> {
    match set.metadata.deletion_timestamp {
        Some(t) => Err(SyncError::msg(format!(
            "{}/{} has just been deleted at {}",
            set.metadata.namespace, set.metadata.name, t
        ))),
        None => Ok(()),
    }
}

/// `adoptOrphanRevisions`: sets the controller ref on ControllerRevisions that match the selector
/// and have no controller (e.g. left by `kubectl delete sts --cascade=orphan`).
pub fn adopt_orphan_revisions(c: &mut Cluster, set: &StatefulSet) -> Result<(), SyncError> {
    let orphans: Vec<Rc<Object>> =
        list_controller_revisions(c, set).into_iter().filter(|r| r.meta().controller_ref().is_none()).collect();
    if orphans.is_empty() {
        return Ok(());
    }
    can_adopt(set).map_err(|e| SyncError::msg(format!("can't adopt ControllerRevisions: {e}")))?;
    for r in orphans {
        adopt_controller_revision(c, set, &r)?;
        c.decide(
            COMPONENT,
            format!("statefulset/{}", set.metadata.name),
            Verdict::Adopt,
            format!("controllerrevision/{}", r.meta().name),
            format!("adopting orphan revision {}: its labels match the selector", r.meta().name),
        );
    }
    Ok(())
}

/// `getPodsForStatefulSet` → `ClaimPods`: every pod in the namespace named like a member of the
/// set; owned+matching pods are kept, matching orphans adopted, owned pods whose labels no longer
/// match released. Returns the claimed pods and the aggregated errors.
pub fn get_pods_for_stateful_set(c: &mut Cluster, set: &StatefulSet) -> (Vec<PodHandle>, Result<(), SyncError>) {
    let candidates: Vec<Rc<Object>> = c
        .store
        .list(Kind::Pod, Some(&set.metadata.namespace))
        .filter(|o| o.as_pod().is_some_and(|p| is_member_of(set, p) || p.metadata.controller_ref().is_some_and(|r| r.uid == set.metadata.uid)))
        .cloned()
        .collect();
    let mut claimed = Vec::with_capacity(candidates.len());
    let mut errs = Vec::new();
    for obj in candidates {
        let Some(handle) = PodHandle::new(obj) else { continue };
        match claim_pod(c, set, &handle) {
            Ok(Some(p)) => claimed.push(p),
            Ok(None) => {}
            Err(e) => errs.push(e),
        }
    }
    (claimed, super::pod_control::aggregate(errs))
}

/// The `match` of `ClaimPods`: selector, then the name filter (`isMemberOf`).
fn matches(set: &StatefulSet, pod: &Pod) -> bool {
    // LabelSelectorAsSelector(nil) selects nothing.
    set.spec.selector.as_ref().is_some_and(|s| selector_matches(s, &pod.metadata.labels)) && is_member_of(set, pod)
}

/// `ClaimObject` for one pod: adopts or releases it as needed; returns it when the set claims it.
pub fn claim_pod(c: &mut Cluster, set: &StatefulSet, pod: &PodHandle) -> Result<Option<PodHandle>, SyncError> {
    let subject = format!("statefulset/{}", set.metadata.name);
    let target = format!("pod/{}", pod.metadata.name);
    if let Some(r) = pod.metadata.controller_ref() {
        if r.uid != set.metadata.uid {
            return Ok(None);
        }
        if matches(set, pod) {
            return Ok(Some(pod.clone()));
        }
        if set.metadata.deletion_timestamp.is_some() {
            return Ok(None);
        }
        let mut released = (**pod).clone();
        released.metadata.owner_references.retain(|r| r.uid != set.metadata.uid);
        return match apiserver::update(c, Object::Pod(released)) {
            Ok(_) => {
                c.decide(
                    COMPONENT,
                    subject,
                    Verdict::Release,
                    target,
                    format!(
                        "releasing {}: its labels no longer match the selector; it keeps running unmanaged and its name stays taken",
                        pod.metadata.name
                    ),
                );
                Ok(None)
            }
            Err(crate::engine::error::ApiError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        };
    }
    if set.metadata.deletion_timestamp.is_some() || !matches(set, pod) || pod.metadata.deletion_timestamp.is_some() {
        return Ok(None);
    }
    if pod.metadata.namespace != set.metadata.namespace {
        return Ok(None);
    }
    can_adopt(set)?;
    let mut adopted = (**pod).clone();
    adopted.metadata.owner_references.push(new_controller_ref(set));
    match apiserver::update(c, Object::Pod(adopted)) {
        Ok(w) => {
            c.decide(
                COMPONENT,
                subject,
                Verdict::Adopt,
                target,
                format!("adopting orphan pod {}: its name and labels match this StatefulSet", pod.metadata.name),
            );
            Ok(PodHandle::new(w.object))
        }
        Err(crate::engine::error::ApiError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
