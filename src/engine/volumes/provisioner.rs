//! The dynamic provisioner kind ships, `rancher.io/local-path` (local-path-provisioner): an
//! external provisioner that, for a claim handed to it, creates a `hostPath` volume named
//! `pvc-<claim uid>` on the selected node (so the volume carries node affinity to it), and
//! deletes the volume once it is Released under reclaim policy Delete. A claim with no selected
//! node (an `Immediate` class) cannot be served: it fails and is retried with back-off.

use super::{ANN_PROVISIONED_BY, PV_PROTECTION_FINALIZER};
use crate::engine::api::{Kind, Object, ObjectMeta, ObjectReference, PersistentVolume, PersistentVolumeClaim, StorageClass};
use crate::engine::apiserver::{self, DeleteOptions};
use crate::engine::bootstrap::DEFAULT_PROVISIONER;
use crate::engine::sim::{Cluster, Task as SimTask};
use crate::engine::store::{splitmix64, ObjectKey};
use crate::engine::why::Verdict;
use std::collections::BTreeMap;

/// Annotation local-path puts on its volumes: the node the directory lives on.
pub const ANN_LOCAL_PATH_NODE: &str = "local.path.provisioner/selected-node";
/// Where local-path creates volume directories on the node.
pub const LOCAL_PATH_ROOT: &str = "/var/local-path-provisioner";

/// Whether this cluster runs a provisioner with this name.
pub fn serves(provisioner: &str) -> bool {
    provisioner == DEFAULT_PROVISIONER
}

/// The provisioner's event source: `<provisioner>_<pod name>_<uuid>`, as external provisioners
/// identify themselves.
pub fn identity(c: &Cluster) -> String {
    let a = splitmix64(c.config.seed ^ 0x10ca_19a7);
    let b = splitmix64(a);
    const ALPHA: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let suffix: String = (0..5).map(|i| ALPHA[((a >> (i * 8)) % 27) as usize] as char).collect();
    format!(
        "{DEFAULT_PROVISIONER}_local-path-provisioner-{:010x}-{suffix}_{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        b & 0xff_ffff_ffff,
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

/// First retry delay after a failed attempt, and the longest (the provisioner library's claim
/// queue: `workqueue.NewItemExponentialFailureRateLimiter(15*time.Second, 1000*time.Second)`).
pub const RETRY_BASE_MS: u64 = 15_000;
/// See [`RETRY_BASE_MS`].
pub const RETRY_MAX_MS: u64 = 1_000_000;

/// Starts provisioning a claim (once): event `Provisioning`, the volume appears after
/// `timings.provision_ms` (jittered). A claim without a selected node (class with
/// `volumeBindingMode: Immediate`) fails: local-path creates a directory on one node and must be
/// told which.
pub fn start(c: &mut Cluster, pvc: &PersistentVolumeClaim, sc: &StorageClass, selected: Option<String>) {
    if !c.volumes.provisioning.insert(pvc.metadata.uid.clone()) {
        return;
    }
    let msg = format!("External provisioner is provisioning volume for claim \"{}/{}\"", pvc.metadata.namespace, pvc.metadata.name);
    let id = identity(c);
    c.record_event(&Object::PersistentVolumeClaim(pvc.clone()), "Normal", "Provisioning", &msg, &id);
    if selected.is_none() {
        fail_without_node(c, pvc, sc);
        return;
    }
    c.volumes.provision_failures.remove(&pvc.metadata.uid);
    let base = c.config.timings.provision_ms;
    let ms = c.rng.range(base * 3 / 4, base * 5 / 4);
    let key = ObjectKey::new(Kind::PersistentVolumeClaim, &pvc.metadata.namespace, &pvc.metadata.name);
    let where_ = selected.map(|n| format!(" on {n}")).unwrap_or_default();
    c.decide(
        "local-path-provisioner",
        format!("persistentvolumeclaim/{}", pvc.metadata.name),
        Verdict::Create,
        format!("persistentvolume/pvc-{}", pvc.metadata.uid),
        format!("provisioning a {} volume of class {}{where_}", request(pvc), sc.metadata.name),
    );
    c.enqueue_after(ms, SimTask::Volume(super::Task::Provision(key, pvc.metadata.uid.clone())));
}

/// local-path-provisioner's `provisionFor` refuses a claim without a selected node ("configuration
/// error, no node was specified"); the provisioner library (`provisionClaimOperation`) reports
/// it as `ProvisioningFailed` "failed to provision volume with StorageClass ..." and requeues the
/// claim with exponential back-off. The claim stays Pending.
fn fail_without_node(c: &mut Cluster, pvc: &PersistentVolumeClaim, sc: &StorageClass) {
    let uid = pvc.metadata.uid.clone();
    let msg = format!("failed to provision volume with StorageClass \"{}\": configuration error, no node was specified", sc.metadata.name);
    let id = identity(c);
    c.record_event(&Object::PersistentVolumeClaim(pvc.clone()), "Warning", "ProvisioningFailed", &msg, &id);
    let n = c.volumes.provision_failures.entry(uid.clone()).or_insert(0);
    *n += 1;
    let backoff = RETRY_BASE_MS.saturating_mul(1u64 << (*n - 1).min(20)).min(RETRY_MAX_MS);
    c.decide(
        "local-path-provisioner",
        format!("persistentvolumeclaim/{}", pvc.metadata.name),
        Verdict::Fail,
        format!("storageclass/{}", sc.metadata.name),
        format!(
            "class {} binds Immediately, but local-path needs the node the volume will live on (use volumeBindingMode: WaitForFirstConsumer); retrying in {}s",
            sc.metadata.name,
            backoff / 1000
        ),
    );
    let key = ObjectKey::new(Kind::PersistentVolumeClaim, &pvc.metadata.namespace, &pvc.metadata.name);
    c.enqueue_recurring(backoff, SimTask::Volume(super::Task::RetryProvision(key, uid)));
}

/// A failed claim's requeue came due: try again if it still needs a volume.
pub fn retry(c: &mut Cluster, key: &ObjectKey, uid: &str) {
    c.volumes.provisioning.remove(uid);
    let Some(pvc) = c.store.get_key(key).and_then(|o| o.as_pvc()).cloned() else {
        c.volumes.provision_failures.remove(uid);
        return;
    };
    if pvc.metadata.uid != uid || !pvc.spec.volume_name.is_empty() || pvc.metadata.deletion_timestamp.is_some() {
        c.volumes.provision_failures.remove(uid);
        return;
    }
    let class_name = pvc.spec.storage_class_name.clone().unwrap_or_default();
    let Some(sc) = super::class(c, &class_name).filter(|sc| serves(&sc.provisioner)) else { return };
    let selected = pvc.metadata.annotations.get(super::ANN_SELECTED_NODE).cloned();
    start(c, &pvc, &sc, selected);
}

fn request(pvc: &PersistentVolumeClaim) -> String {
    pvc.spec.resources.requests.get("storage").and_then(|v| v.as_str().map(String::from)).unwrap_or_else(|| "0".into())
}

/// Finishes provisioning: creates the volume pre-bound to the claim, then `ProvisioningSucceeded`.
pub fn provision(c: &mut Cluster, key: &ObjectKey, uid: &str) {
    c.volumes.provisioning.remove(uid);
    let Some(pvc) = c.store.get_key(key).and_then(|o| o.as_pvc()).cloned() else { return };
    if pvc.metadata.uid != uid || !pvc.spec.volume_name.is_empty() || pvc.metadata.deletion_timestamp.is_some() {
        return;
    }
    let class_name = pvc.spec.storage_class_name.clone().unwrap_or_default();
    let Some(sc) = super::class(c, &class_name) else { return };
    let name = format!("pvc-{uid}");
    if c.store.get(Kind::PersistentVolume, "", &name).is_some() {
        return;
    }
    let node = pvc.metadata.annotations.get(super::ANN_SELECTED_NODE).cloned();
    let mut annotations = crate::engine::api::StringMap::new();
    annotations.insert(ANN_PROVISIONED_BY.to_string(), sc.provisioner.clone());
    if let Some(n) = &node {
        annotations.insert(ANN_LOCAL_PATH_NODE.to_string(), n.clone());
    }
    let mut capacity = BTreeMap::new();
    capacity.insert("storage".to_string(), pvc.spec.resources.requests.get("storage").cloned().unwrap_or(serde_json::json!("0")));
    let mut source = BTreeMap::new();
    source.insert(
        "hostPath".to_string(),
        serde_json::json!({
            "path": format!("{LOCAL_PATH_ROOT}/{name}_{}_{}", pvc.metadata.namespace, pvc.metadata.name),
            "type": "DirectoryOrCreate"
        }),
    );
    let node_affinity = node.as_ref().map(|n| {
        serde_json::json!({"required": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "kubernetes.io/hostname", "operator": "In", "values": [n]}
        ]}]}})
    });
    let pv = PersistentVolume {
        metadata: ObjectMeta {
            name: name.clone(),
            annotations: annotations.into(),
            finalizers: vec![PV_PROTECTION_FINALIZER.to_string()],
            ..Default::default()
        },
        spec: crate::engine::api::PersistentVolumeSpec {
            capacity,
            access_modes: pvc.spec.access_modes.clone(),
            claim_ref: Some(ObjectReference {
                kind: "PersistentVolumeClaim".into(),
                namespace: pvc.metadata.namespace.clone(),
                name: pvc.metadata.name.clone(),
                uid: uid.to_string(),
                api_version: "v1".into(),
                resource_version: pvc.metadata.resource_version.clone(),
                field_path: String::new(),
            }),
            persistent_volume_reclaim_policy: sc.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
            storage_class_name: class_name,
            volume_mode: Some(pvc.spec.volume_mode.clone().unwrap_or_else(|| "Filesystem".into())),
            node_affinity: node_affinity.map(Into::into),
            source,
            ..Default::default()
        },
        status: crate::engine::api::PersistentVolumeStatus { phase: "Pending".into(), ..Default::default() },
    };
    if apiserver::create(c, Object::PersistentVolume(pv)).is_err() {
        return;
    }
    let id = identity(c);
    let obj = Object::PersistentVolumeClaim(pvc.clone());
    c.record_event(&obj, "Normal", "ProvisioningSucceeded", format!("Successfully provisioned volume {name}"), &id);
}

/// The volume whose claimRef points at this claim uid, if any.
pub fn volume_for_claim(c: &Cluster, claim_uid: &str) -> Option<PersistentVolume> {
    let name = c.volumes.by_claim_uid.get(claim_uid)?;
    c.store.get(Kind::PersistentVolume, "", name).and_then(|o| o.as_pv()).cloned()
}

/// Names of not-yet-scheduled pods that reference the claim (for `WaitForPodScheduled`).
pub fn unscheduled_consumers(c: &Cluster, pvc: &PersistentVolumeClaim) -> Vec<String> {
    let key = ObjectKey::new(Kind::PersistentVolumeClaim, &pvc.metadata.namespace, &pvc.metadata.name);
    let mut names: Vec<String> = c
        .volumes
        .claim_refs(&key)
        .filter(|(uid, _)| c.store.get_by_uid(uid).and_then(|o| o.as_pod()).is_some_and(|p| p.spec.node_name.is_empty()))
        .map(|(_, n)| n.clone())
        .collect();
    crate::util::sort::sort(&mut names);
    names
}

/// Queues the deletion of a released volume (the provisioner's cleanup takes a moment: it runs a
/// helper pod that removes the directory).
pub fn schedule_delete(c: &mut Cluster, name: &str) {
    let ms = c.rng.range(800, 2000);
    c.enqueue_unique(ms, SimTask::Volume(super::Task::DeleteVolume(name.to_string())));
}

/// Deletes a released volume whose policy is Delete.
pub fn delete_volume(c: &mut Cluster, name: &str) {
    let Some(pv) = c.store.get(Kind::PersistentVolume, "", name).and_then(|o| o.as_pv()).cloned() else { return };
    if pv.status.phase != "Released" || pv.spec.persistent_volume_reclaim_policy != "Delete" {
        return;
    }
    let key = ObjectKey::new(Kind::PersistentVolume, "", name);
    let claim = pv.spec.claim_ref.as_ref().map(|r| format!("{}/{}", r.namespace, r.name)).unwrap_or_default();
    c.decide(
        "local-path-provisioner",
        format!("persistentvolume/{name}"),
        Verdict::Delete,
        format!("persistentvolume/{name}"),
        format!("claim {claim} is gone and the reclaim policy is Delete: deleting the volume and its data"),
    );
    let _ = apiserver::delete(c, &key, DeleteOptions::default());
}
