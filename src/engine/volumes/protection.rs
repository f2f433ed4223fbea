//! The PVC and PV protection controllers (`pkg/controller/volume/pvcprotection`,
//! `pvprotection`): a claim being deleted keeps its `kubernetes.io/pvc-protection` finalizer
//! (and so stays `Terminating`) while a scheduled, non-terminal pod uses it; a volume keeps
//! `kubernetes.io/pv-protection` while it is Bound.

use super::{PVC_PROTECTION_FINALIZER, PV_PROTECTION_FINALIZER};
use crate::engine::api::{Kind, Object, PersistentVolume, PersistentVolumeClaim};
use crate::engine::apiserver;
use crate::engine::sim::Cluster;
use crate::engine::store::ObjectKey;
use crate::engine::why::Verdict;

/// Whether the claim carries the protection finalizer.
pub fn has_claim_finalizer(pvc: &PersistentVolumeClaim) -> bool {
    pvc.metadata.finalizers.iter().any(|f| f == PVC_PROTECTION_FINALIZER)
}

/// Whether the volume carries the protection finalizer.
pub fn has_volume_finalizer(pv: &PersistentVolume) -> bool {
    pv.metadata.finalizers.iter().any(|f| f == PV_PROTECTION_FINALIZER)
}

/// Removes a terminating claim's finalizer once no pod uses it (storage then drops the claim).
pub fn claim(c: &mut Cluster, key: &ObjectKey) {
    let Some(mut pvc) = c.store.get_key(key).and_then(|o| o.as_pvc()).cloned() else { return };
    if pvc.metadata.deletion_timestamp.is_none() || !has_claim_finalizer(&pvc) {
        return;
    }
    let subject = format!("persistentvolumeclaim/{}", pvc.metadata.name);
    let users: Vec<String> = c
        .volumes
        .claim_users(key)
        .filter_map(|uid| c.store.get_by_uid(uid).map(|o| o.meta().name.clone()))
        .collect();
    if let Some(first) = users.first() {
        c.decide(
            "pvc-protection-controller",
            subject,
            Verdict::Wait,
            format!("pod/{first}"),
            format!("claim is in use by pod {first}: it stays Terminating until that pod is gone"),
        );
        return;
    }
    pvc.metadata.finalizers.retain(|f| f != PVC_PROTECTION_FINALIZER);
    c.decide("pvc-protection-controller", subject, Verdict::Update, "", "no pod uses the claim any more: removing kubernetes.io/pvc-protection");
    apiserver::write_internal(c, Object::PersistentVolumeClaim(pvc));
}

/// Removes a terminating volume's finalizer once it is no longer Bound.
pub fn volume(c: &mut Cluster, name: &str) {
    let key = ObjectKey::new(Kind::PersistentVolume, "", name);
    let Some(mut pv) = c.store.get_key(&key).and_then(|o| o.as_pv()).cloned() else { return };
    if pv.metadata.deletion_timestamp.is_none() || !has_volume_finalizer(&pv) {
        return;
    }
    let subject = format!("persistentvolume/{name}");
    if pv.status.phase == "Bound" {
        c.decide("pv-protection-controller", subject, Verdict::Wait, "", "volume is Bound to a claim: it stays Terminating until the claim releases it");
        return;
    }
    pv.metadata.finalizers.retain(|f| f != PV_PROTECTION_FINALIZER);
    apiserver::write_internal(c, Object::PersistentVolume(pv));
}
