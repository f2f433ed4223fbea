//! The in-tree expand controller (pkg/controller/volume/expand/expand_controller.go, event
//! source `volume_expand`): when a bound claim's storage request grows past its capacity, it
//! looks for an in-tree plugin that can expand the volume. Since 1.31 the only ones compiled in
//! are `fc` and FlexVolume (cmd/kube-controller-manager: `ProbeExpandableVolumePlugins`); every
//! other volume — kind's `hostPath` volumes from rancher.io/local-path, and CSI volumes — is
//! left to an external resizer with a Warning `ExternalExpanding` event on the claim.
//!
//! rancher.io/local-path ships no resizer (it is a provisioner only), so on kind nothing else
//! ever happens: the claim keeps its old `status.capacity` and its volume its old size. The
//! playground models exactly that and invents no capacity change.

use crate::engine::api::quantity::cmp_quantities;
use crate::engine::api::{Kind, Object, PersistentVolume, PersistentVolumeClaim};
use crate::engine::sim::{Cluster, Task as SimTask};
use crate::engine::store::{ObjectKey, WatchEvent};
use crate::engine::why::Verdict;

/// The expand controller's event source (`v1.EventSource{Component: "volume_expand"}`).
pub const EXPAND_CONTROLLER: &str = "volume_expand";
/// `events.ExternalExpanding`.
pub const EXTERNAL_EXPANDING: &str = "ExternalExpanding";
/// The message `syncHandler` records when no in-tree plugin can expand the volume.
pub const WAITING_FOR_EXTERNAL: &str = "waiting for an external controller to expand this PVC";

/// Volume sources the expand controller handles itself or hands to CSI migration
/// (`FindExpandablePluginBySpec` finds `fc`; FlexVolume is "kubelet expandable"; the migratable
/// in-tree cloud sources get a different event). The playground models none of them.
const NOT_MODELLED_SOURCES: &[&str] = &[
    "fc",
    "flexVolume",
    "awsElasticBlockStore",
    "azureDisk",
    "azureFile",
    "cinder",
    "gcePersistentDisk",
    "portworxVolume",
    "vsphereVolume",
];

fn storage(m: &std::collections::BTreeMap<String, serde_json::Value>) -> Option<&serde_json::Value> {
    m.get("storage")
}

/// The informer's update handler: a bound claim whose storage request grew is queued. (Upstream
/// also queues a claim whose capacity grew, to clear an in-tree plugin's pre-resize annotation
/// from the volume; no modelled volume carries it.)
pub fn on_claim_update(c: &mut Cluster, ev: &WatchEvent) {
    let (Some(new), Some(old)) = (ev.object.as_pvc(), ev.old.as_ref().and_then(|o| o.as_pvc())) else { return };
    let grew = cmp_quantities(storage(&new.spec.resources.requests), storage(&old.spec.resources.requests)).is_gt();
    if grew && new.status.phase == "Bound" {
        let latency = c.config.timings.controller_latency_ms;
        c.enqueue_unique(latency, SimTask::Volume(super::Task::Expand(ev.key.clone())));
    }
}

/// `syncHandler`: a claim asking for more than it has, bound to its volume, gets the
/// `ExternalExpanding` event once (upstream does not requeue it: it waits for the external
/// resizer).
pub fn sync(c: &mut Cluster, key: &ObjectKey) {
    let Some(pvc) = c.store.get_key(key).and_then(|o| o.as_pvc()).cloned() else { return };
    // A missing or mis-bound volume is an error upstream (retried with back-off until the PV
    // controller marks the claim Lost or rebinds it); the PV controller reports those cases.
    let Some(pv) = c.store.get(Kind::PersistentVolume, "", &pvc.spec.volume_name).and_then(|o| o.as_pv()).cloned() else { return };
    if !bound_to(&pv, &pvc) {
        return;
    }
    let (request, capacity) = (storage(&pvc.spec.resources.requests), storage(&pvc.status.capacity));
    if cmp_quantities(request, capacity).is_le() {
        return;
    }
    let show = |q: Option<&serde_json::Value>| q.and_then(|v| v.as_str()).unwrap_or("0").to_string();
    let (want, have) = (show(request), show(capacity));
    let subject = format!("persistentvolumeclaim/{}", pvc.metadata.name);
    let target = format!("persistentvolume/{}", pv.metadata.name);
    if let Some(source) = pv.spec.source.keys().find(|k| NOT_MODELLED_SOURCES.contains(&k.as_str())) {
        let reason = format!("claim asks for {want} but has {have}: expanding a {source} volume is not modelled by the playground");
        c.decide(EXPAND_CONTROLLER, subject, Verdict::Skip, target, reason);
        return;
    }
    // No in-tree plugin matches the volume (`FindExpandablePluginBySpec` returns an error, so
    // the event is a Warning).
    c.record_event(&Object::PersistentVolumeClaim(pvc.clone()), "Warning", EXTERNAL_EXPANDING, WAITING_FOR_EXTERNAL, EXPAND_CONTROLLER);
    let provisioner = pv.metadata.annotations.get(super::ANN_PROVISIONED_BY).cloned().unwrap_or_default();
    let reason = if super::provisioner::serves(&provisioner) {
        format!(
            "claim asks for {want} but its volume has {have}: no in-tree plugin expands it and {provisioner} has no resizer, so the volume keeps {have}"
        )
    } else {
        format!("claim asks for {want} but its volume has {have}: no in-tree plugin expands it and no external resizer runs in this cluster")
    };
    c.decide(EXPAND_CONTROLLER, subject, Verdict::Wait, target, reason);
}

/// The volume's claimRef names this claim (namespace and uid).
fn bound_to(pv: &PersistentVolume, pvc: &PersistentVolumeClaim) -> bool {
    pv.spec.claim_ref.as_ref().is_some_and(|r| r.namespace == pvc.metadata.namespace && r.uid == pvc.metadata.uid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::StorageClass;
    use crate::engine::apiserver;
    use crate::engine::testutil::*;
    use serde_json::json;

    /// A bound 1Gi claim `data` of a local-path class that allows expansion.
    fn bound_expandable_claim() -> Cluster {
        let mut c = cluster();
        let mut sc = StorageClass { provisioner: "rancher.io/local-path".into(), ..Default::default() };
        sc.metadata.name = "expandable".into();
        sc.allow_volume_expansion = Some(true);
        sc.volume_binding_mode = Some("WaitForFirstConsumer".into());
        create(&mut c, Object::StorageClass(sc));
        create(&mut c, Object::PersistentVolumeClaim(pvc("data", Some("expandable"))));
        create(&mut c, Object::Pod(with_claim(pod("db-0", "postgres:16"), "data", "/var/lib/postgresql/data")));
        c.settle_default();
        assert_eq!(get_pvc(&c, "data").map(|p| p.status.phase), Some("Bound".into()));
        c
    }

    fn request(c: &mut Cluster, size: &str) {
        let mut p = get_pvc(c, "data").unwrap();
        p.metadata.resource_version.clear();
        p.spec.resources.requests.insert("storage".into(), json!(size));
        apiserver::update(c, Object::PersistentVolumeClaim(p)).unwrap();
        c.settle_default();
    }

    fn expanding(c: &Cluster) -> Vec<(String, String, i32)> {
        events_of(c, "default", "data").into_iter().filter(|e| e.0 == EXTERNAL_EXPANDING).collect()
    }

    #[test]
    fn growth_waits_for_a_resizer_local_path_does_not_have() {
        let mut c = bound_expandable_claim();
        request(&mut c, "2Gi");
        let claim = get_pvc(&c, "data").unwrap();
        assert_eq!(claim.spec.resources.requests.get("storage"), Some(&json!("2Gi")));
        // Nothing expands the volume: the claim and its volume keep 1Gi.
        assert_eq!(claim.status.capacity.get("storage"), Some(&json!("1Gi")));
        let pv = c.store.get(Kind::PersistentVolume, "", &claim.spec.volume_name).and_then(|o| o.as_pv()).cloned().unwrap();
        assert_eq!(pv.spec.capacity.get("storage"), Some(&json!("1Gi")));
        assert_eq!(expanding(&c), vec![(EXTERNAL_EXPANDING.to_string(), WAITING_FOR_EXTERNAL.to_string(), 1)]);
        let why = c.why.latest_for("persistentvolumeclaim/data").map(|d| d.reason.clone()).unwrap_or_default();
        assert!(why.contains("rancher.io/local-path has no resizer"), "{why}");
    }

    #[test]
    fn one_event_per_growth_and_none_for_the_way_back() {
        let mut c = bound_expandable_claim();
        // Binding raised the capacity, not the request: no event.
        assert!(expanding(&c).is_empty());
        request(&mut c, "2Gi");
        c.advance(60_000);
        assert_eq!(expanding(&c).len(), 1, "not requeued");
        request(&mut c, "1536Mi");
        assert_eq!(expanding(&c)[0].2, 1, "shrinking is not a resize");
        request(&mut c, "3Gi");
        assert_eq!(expanding(&c)[0].2, 2);
    }
}
