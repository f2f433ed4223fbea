//! The VolumeBinding plugin (`pkg/scheduler/framework/plugins/volumebinding`): claims must exist
//! and, unless their class waits for the first consumer, be bound before the pod can go
//! anywhere; bound volumes pin the pod to the nodes their node affinity allows; unbound
//! WaitForFirstConsumer claims get a static volume or the chosen node for provisioning.

use super::framework::Rejection;
use crate::engine::api::{Kind, Object, Pod};
use crate::engine::apiserver;
use crate::engine::sim::Cluster;
use crate::engine::store::ObjectKey;
use crate::engine::volumes::{self, pv_controller, ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE};

/// A pod's claims, sorted by state after PreFilter.
#[derive(Clone, Debug, Default)]
pub struct PodClaims {
    /// Bound claims and their volume names.
    pub bound: Vec<(ObjectKey, String)>,
    /// Unbound claims of a WaitForFirstConsumer class.
    pub unbound_delayed: Vec<ObjectKey>,
}

/// PreFilter: every claim exists and is not being deleted; claims of Immediate classes (or with
/// no class, or an unknown one) must already be bound.
pub fn pre_filter(c: &Cluster, p: &Pod) -> Result<PodClaims, String> {
    let mut out = PodClaims::default();
    let mut immediate_unbound = false;
    for v in &p.spec.volumes {
        let Some(src) = &v.persistent_volume_claim else { continue };
        let key = ObjectKey::new(Kind::PersistentVolumeClaim, &p.metadata.namespace, &src.claim_name);
        let Some(pvc) = c.store.get_key(&key).and_then(|o| o.as_pvc()) else {
            return Err(format!("persistentvolumeclaim \"{}\" not found", src.claim_name));
        };
        if pvc.metadata.deletion_timestamp.is_some() {
            return Err(format!("persistentvolumeclaim \"{}\" is being deleted", src.claim_name));
        }
        if !pvc.spec.volume_name.is_empty() {
            out.bound.push((key, pvc.spec.volume_name.clone()));
            continue;
        }
        let delayed = pvc
            .spec
            .storage_class_name
            .as_deref()
            .filter(|n| !n.is_empty())
            .and_then(|n| volumes::class(c, n))
            .is_some_and(|sc| volumes::is_wait_for_first_consumer(&sc));
        if delayed {
            out.unbound_delayed.push(key);
        } else {
            immediate_unbound = true;
        }
    }
    if immediate_unbound {
        return Err("pod has unbound immediate PersistentVolumeClaims".into());
    }
    Ok(out)
}

/// Filter for one node.
pub fn filter(c: &Cluster, claims: &PodClaims, node: &str) -> Result<(), Rejection> {
    for (_, pv_name) in &claims.bound {
        // `binder.go` `ErrReasonPVNotExist` / `ErrReasonNodeConflict` (the latter worded so since
        // v1.33, kubernetes#129887; before: "node(s) had volume node affinity conflict").
        let Some(pv) = c.store.get(Kind::PersistentVolume, "", pv_name).and_then(|o| o.as_pv()) else {
            return Err(Rejection::unresolvable("node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"));
        };
        if !pv_controller::volume_fits_node(c, pv, node) {
            return Err(Rejection::unresolvable("node(s) didn't match PersistentVolume's node affinity"));
        }
    }
    for key in &claims.unbound_delayed {
        let Some(pvc) = c.store.get_key(key).and_then(|o| o.as_pvc()) else { continue };
        if pv_controller::find_best_match(c, pvc, Some(node)).is_some() {
            continue;
        }
        let provisionable = pvc
            .spec
            .storage_class_name
            .as_deref()
            .and_then(|n| volumes::class(c, n))
            .is_some_and(|sc| sc.provisioner != "kubernetes.io/no-provisioner");
        if !provisionable {
            return Err(Rejection::unresolvable("node(s) didn't find available persistent volumes to bind"));
        }
    }
    Ok(())
}

/// Reserve + PreBind's first half: binds a matching static volume or records the chosen node on
/// each unbound delayed claim. Returns whether every claim is already bound.
pub fn assume(c: &mut Cluster, _p: &Pod, claims: &PodClaims, node: &str) -> bool {
    for key in &claims.unbound_delayed {
        let Some(pvc) = c.store.get_key(key).and_then(|o| o.as_pvc()).cloned() else { continue };
        if let Some(mut pv) = pv_controller::find_best_match(c, &pvc, Some(node)) {
            pv.spec.claim_ref = Some(crate::engine::api::ObjectReference {
                kind: "PersistentVolumeClaim".into(),
                namespace: pvc.metadata.namespace.clone(),
                name: pvc.metadata.name.clone(),
                uid: pvc.metadata.uid.clone(),
                api_version: "v1".into(),
                resource_version: pvc.metadata.resource_version.clone(),
                field_path: String::new(),
            });
            pv.metadata.annotations.insert(ANN_BOUND_BY_CONTROLLER.into(), "yes".into());
            apiserver::write_internal(c, Object::PersistentVolume(pv));
            continue;
        }
        if pvc.metadata.annotations.get(ANN_SELECTED_NODE).map(String::as_str) != Some(node) {
            let mut pvc = pvc;
            pvc.metadata.annotations.insert(ANN_SELECTED_NODE.into(), node.to_string());
            apiserver::write_internal(c, Object::PersistentVolumeClaim(pvc));
        }
    }
    claims.unbound_delayed.is_empty()
}

/// Whether every claim of the pod is bound (PreBind's wait condition).
pub fn all_bound(c: &Cluster, p: &Pod) -> bool {
    p.spec.volumes.iter().filter_map(|v| v.persistent_volume_claim.as_ref()).all(|src| {
        c.store
            .get(Kind::PersistentVolumeClaim, &p.metadata.namespace, &src.claim_name)
            .and_then(|o| o.as_pvc())
            .is_some_and(|pvc| !pvc.spec.volume_name.is_empty() && pvc.status.phase == "Bound")
    })
}
