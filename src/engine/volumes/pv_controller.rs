//! The PV controller's claim and volume sync (`pv_controller.go`: `syncClaim`,
//! `syncUnboundClaim`, `syncBoundClaim`, `syncVolume`, `bind`, `provisionClaim`,
//! `emitEventForUnboundDelayBindingClaim`).

use super::{
    class, default_class, is_wait_for_first_consumer, parse_quantity, protection, provisioner, schedule_resync,
    ANN_BETA_STORAGE_PROVISIONER, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_PROVISIONED_BY,
    ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, PV_CONTROLLER,
};
use crate::engine::api::{Kind, Object, ObjectReference, PersistentVolume, PersistentVolumeClaim};
use crate::engine::apiserver;
use crate::engine::sim::Cluster;
use crate::engine::store::ObjectKey;
use crate::engine::why::Verdict;

/// The message the PV controller gives a claim it hands to an external provisioner.
pub fn external_provisioning_message(provisioner: &str) -> String {
    format!(
        "Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."
    )
}

fn subject(pvc: &PersistentVolumeClaim) -> String {
    format!("persistentvolumeclaim/{}", pvc.metadata.name)
}

fn claim_event(c: &mut Cluster, pvc: &PersistentVolumeClaim, type_: &str, reason: &str, msg: &str) {
    let obj = Object::PersistentVolumeClaim(pvc.clone());
    c.record_event(&obj, type_, reason, msg, PV_CONTROLLER);
}

fn set_claim_phase(c: &mut Cluster, pvc: &mut PersistentVolumeClaim, phase: &str) {
    if pvc.status.phase != phase {
        pvc.status.phase = phase.to_string();
        *pvc = write_claim(c, pvc.clone());
    }
}

fn write_claim(c: &mut Cluster, pvc: PersistentVolumeClaim) -> PersistentVolumeClaim {
    let stored = apiserver::write_internal(c, Object::PersistentVolumeClaim(pvc.clone()));
    stored.as_pvc().cloned().unwrap_or(pvc)
}

fn write_volume(c: &mut Cluster, pv: PersistentVolume) -> PersistentVolume {
    let stored = apiserver::write_internal(c, Object::PersistentVolume(pv.clone()));
    stored.as_pv().cloned().unwrap_or(pv)
}

/// Reconciles one claim. `periodic` is the controller's 15-second resync (which re-emits the
/// waiting event and, unlike the first sync, sees the claim's pods in its informer).
pub fn sync_claim(c: &mut Cluster, key: &ObjectKey, periodic: bool) {
    let Some(mut pvc) = c.store.get_key(key).and_then(|o| o.as_pvc()).cloned() else { return };
    if pvc.metadata.deletion_timestamp.is_none() && !protection::has_claim_finalizer(&pvc) {
        // The StorageObjectInUseProtection admission plugin adds it on create; add it if the
        // object got here without.
        pvc.metadata.finalizers.push(super::PVC_PROTECTION_FINALIZER.into());
        pvc = write_claim(c, pvc);
    }
    if pvc.spec.volume_name.is_empty() {
        sync_unbound_claim(c, pvc, periodic);
    } else {
        sync_bound_claim(c, pvc);
    }
}

fn sync_unbound_claim(c: &mut Cluster, mut pvc: PersistentVolumeClaim, periodic: bool) {
    let key = ObjectKey::new(Kind::PersistentVolumeClaim, &pvc.metadata.namespace, &pvc.metadata.name);
    if pvc.spec.storage_class_name.is_none() {
        if let Some(def) = default_class(c) {
            // Retroactive default class assignment: the write re-triggers a sync.
            let name = def.metadata.name.clone();
            c.decide(PV_CONTROLLER, subject(&pvc), Verdict::Update, "", format!("claim has no storageClassName: assigning the default class {name}"));
            pvc.spec.storage_class_name = Some(name);
            write_claim(c, pvc);
            return;
        }
    }
    let class_name = pvc.spec.storage_class_name.clone().unwrap_or_default();
    let sc = if class_name.is_empty() { None } else { class(c, &class_name) };
    let delay = sc.as_ref().is_some_and(is_wait_for_first_consumer);

    // A volume pre-bound to this claim (a provisioned one, or one an admin pointed at it).
    if let Some(pv) = super::provisioner::volume_for_claim(c, &pvc.metadata.uid) {
        bind(c, pvc, pv);
        return;
    }
    if !delay {
        if let Some(pv) = find_best_match(c, &pvc, None) {
            bind(c, pvc, pv);
            return;
        }
    }
    let selected = pvc.metadata.annotations.get(ANN_SELECTED_NODE).cloned();
    if delay && selected.is_none() {
        emit_unbound_delay_binding(c, &pvc, periodic);
    } else if !class_name.is_empty() {
        provision_claim(c, &mut pvc, &class_name, sc.as_ref(), selected);
    } else {
        claim_event(c, &pvc, "Normal", "FailedBinding", "no persistent volumes available for this claim and no storage class is set");
        c.decide(PV_CONTROLLER, subject(&pvc), Verdict::Wait, "", "no storage class is set and no PersistentVolume matches: an administrator must create a matching volume");
    }
    set_claim_phase(c, &mut pvc, "Pending");
    schedule_resync(c, &key);
}

fn emit_unbound_delay_binding(c: &mut Cluster, pvc: &PersistentVolumeClaim, periodic: bool) {
    // The first sync runs before the pod informer has seen the consumer pod (the StatefulSet
    // controller creates the claim first), so only resyncs name the waiting pods.
    let waiting: Vec<String> = if periodic { super::provisioner::unscheduled_consumers(c, pvc) } else { Vec::new() };
    let (reason, msg) = match waiting.len() {
        0 => ("WaitForFirstConsumer", "waiting for first consumer to be created before binding".to_string()),
        1 => ("WaitForPodScheduled", format!("waiting for pod {} to be scheduled", waiting[0])),
        _ => ("WaitForPodScheduled", format!("waiting for pods {} to be scheduled", waiting.join(","))),
    };
    claim_event(c, pvc, "Normal", reason, &msg);
    c.decide(PV_CONTROLLER, subject(pvc), Verdict::Wait, "", format!("volumeBindingMode is WaitForFirstConsumer: {msg}"));
}

fn provision_claim(
    c: &mut Cluster,
    pvc: &mut PersistentVolumeClaim,
    class_name: &str,
    sc: Option<&crate::engine::api::StorageClass>,
    selected: Option<String>,
) {
    let Some(sc) = sc else {
        let msg = format!("storageclass.storage.k8s.io \"{class_name}\" not found");
        claim_event(c, pvc, "Warning", "ProvisioningFailed", &msg);
        c.decide(PV_CONTROLLER, subject(pvc), Verdict::Fail, format!("storageclass/{class_name}"), format!("cannot provision: {msg}"));
        return;
    };
    let prov = sc.provisioner.clone();
    let ann = &pvc.metadata.annotations;
    if ann.get(ANN_STORAGE_PROVISIONER) != Some(&prov) || ann.get(ANN_BETA_STORAGE_PROVISIONER) != Some(&prov) {
        pvc.metadata.annotations.insert(ANN_STORAGE_PROVISIONER.into(), prov.clone());
        pvc.metadata.annotations.insert(ANN_BETA_STORAGE_PROVISIONER.into(), prov.clone());
        *pvc = write_claim(c, pvc.clone());
    }
    claim_event(c, pvc, "Normal", "ExternalProvisioning", &external_provisioning_message(&prov));
    if pvc.metadata.deletion_timestamp.is_some() {
        return;
    }
    if provisioner::serves(&prov) {
        provisioner::start(c, pvc, sc, selected);
    } else {
        c.decide(
            PV_CONTROLLER,
            subject(pvc),
            Verdict::Wait,
            format!("storageclass/{class_name}"),
            format!("waiting for provisioner {prov}, which does not run in this cluster (only {} does)", crate::engine::bootstrap::DEFAULT_PROVISIONER),
        );
    }
}

/// `findBestMatchForClaim`: the smallest Available volume of the claim's class that is big
/// enough, offers every requested access mode and (when `node` is given) may be used there.
pub fn find_best_match(c: &Cluster, pvc: &PersistentVolumeClaim, node: Option<&str>) -> Option<PersistentVolume> {
    let want = pvc.spec.resources.requests.get("storage").and_then(parse_quantity).unwrap_or(0.0);
    let class_name = pvc.spec.storage_class_name.clone().unwrap_or_default();
    let mut best: Option<(f64, PersistentVolume)> = None;
    for name in c.volumes.available.iter() {
        let Some(pv) = c.store.get(Kind::PersistentVolume, "", name).and_then(|o| o.as_pv()) else { continue };
        if pv.spec.claim_ref.is_some() || pv.metadata.deletion_timestamp.is_some() || pv.spec.storage_class_name != class_name {
            continue;
        }
        let size = pv.spec.capacity.get("storage").and_then(parse_quantity).unwrap_or(0.0);
        if size < want || !pvc.spec.access_modes.iter().all(|m| pv.spec.access_modes.contains(m)) {
            continue;
        }
        if pvc.spec.volume_mode.as_deref().unwrap_or("Filesystem") != pv.spec.volume_mode.as_deref().unwrap_or("Filesystem") {
            continue;
        }
        if let Some(n) = node {
            if !volume_fits_node(c, pv, n) {
                continue;
            }
        }
        if best.as_ref().is_none_or(|(s, _)| size < *s) {
            best = Some((size, pv.clone()));
        }
    }
    best.map(|(_, pv)| pv)
}

/// Whether a volume's `nodeAffinity` admits a node (hostname terms, as local volumes use).
pub fn volume_fits_node(c: &Cluster, pv: &PersistentVolume, node: &str) -> bool {
    let Some(aff) = &pv.spec.node_affinity else { return true };
    let Some(terms) = aff.pointer("/required/nodeSelectorTerms").and_then(|t| t.as_array()) else { return true };
    let labels = c.store.get(Kind::Node, "", node).map(|o| o.meta().labels.clone()).unwrap_or_default();
    terms.iter().any(|term| {
        term.get("matchExpressions").and_then(|e| e.as_array()).is_none_or(|exprs| {
            exprs.iter().all(|e| {
                let key = e.get("key").and_then(|k| k.as_str()).unwrap_or("");
                let op = e.get("operator").and_then(|k| k.as_str()).unwrap_or("");
                let values: Vec<&str> =
                    e.get("values").and_then(|v| v.as_array()).map(|v| v.iter().filter_map(|x| x.as_str()).collect()).unwrap_or_default();
                let have = labels.get(key).map(|s| s.as_str());
                match op {
                    "In" => have.is_some_and(|h| values.contains(&h)),
                    "NotIn" => have.is_none_or(|h| !values.contains(&h)),
                    "Exists" => have.is_some(),
                    "DoesNotExist" => have.is_none(),
                    _ => false,
                }
            })
        })
    })
}

/// `bind`: points the volume at the claim and the claim at the volume, then marks both Bound.
pub fn bind(c: &mut Cluster, mut pvc: PersistentVolumeClaim, mut pv: PersistentVolume) {
    let reference = ObjectReference {
        kind: "PersistentVolumeClaim".into(),
        namespace: pvc.metadata.namespace.clone(),
        name: pvc.metadata.name.clone(),
        uid: pvc.metadata.uid.clone(),
        api_version: "v1".into(),
        resource_version: pvc.metadata.resource_version.clone(),
        field_path: String::new(),
    };
    let pv_bound_here = pv.spec.claim_ref.as_ref().is_none_or(|r| r.uid.is_empty());
    if pv_bound_here {
        pv.spec.claim_ref = Some(reference);
        pv.metadata.annotations.insert(ANN_BOUND_BY_CONTROLLER.into(), "yes".into());
    }
    set_volume_phase(c, &mut pv, "Bound");
    let pv = write_volume(c, pv);

    let claim_bound_here = pvc.spec.volume_name.is_empty();
    if claim_bound_here {
        pvc.spec.volume_name = pv.metadata.name.clone();
        pvc.metadata.annotations.insert(ANN_BOUND_BY_CONTROLLER.into(), "yes".into());
    }
    pvc.metadata.annotations.insert(ANN_BIND_COMPLETED.into(), "yes".into());
    pvc.status.phase = "Bound".into();
    pvc.status.access_modes = pv.spec.access_modes.clone();
    pvc.status.capacity = pv.spec.capacity.clone();
    let name = pv.metadata.name.clone();
    let pvc = write_claim(c, pvc);
    c.decide(PV_CONTROLLER, subject(&pvc), Verdict::Update, format!("persistentvolume/{name}"), format!("bound claim {} to volume {name}", pvc.metadata.name));
}

fn set_volume_phase(c: &Cluster, pv: &mut PersistentVolume, phase: &str) {
    if pv.status.phase != phase {
        pv.status.phase = phase.into();
        pv.status.last_phase_transition_time = Some(c.now);
    }
}

fn sync_bound_claim(c: &mut Cluster, mut pvc: PersistentVolumeClaim) {
    let name = pvc.spec.volume_name.clone();
    let Some(pv) = c.store.get(Kind::PersistentVolume, "", &name).and_then(|o| o.as_pv()).cloned() else {
        if pvc.status.phase != "Lost" {
            claim_event(c, &pvc, "Warning", "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!");
            set_claim_phase(c, &mut pvc, "Lost");
        }
        return;
    };
    match &pv.spec.claim_ref {
        None => bind(c, pvc, pv),
        Some(r) if r.uid.is_empty() && r.name == pvc.metadata.name && r.namespace == pvc.metadata.namespace => bind(c, pvc, pv),
        Some(r) if r.uid == pvc.metadata.uid => {
            let complete = pvc.status.phase == "Bound"
                && pv.status.phase == "Bound"
                && pvc.metadata.annotations.get(ANN_BIND_COMPLETED).is_some_and(|v| v == "yes");
            if !complete {
                bind(c, pvc, pv);
            }
        }
        Some(_) => {
            if pvc.status.phase != "Lost" {
                claim_event(c, &pvc, "Warning", "ClaimMisbound", "Two claims are bound to the same volume, this one is bound incorrectly");
                set_claim_phase(c, &mut pvc, "Lost");
            }
        }
    }
}

/// Reconciles one volume: Available, Bound, or Released and reclaimed.
pub fn sync_volume(c: &mut Cluster, name: &str) {
    let Some(mut pv) = c.store.get(Kind::PersistentVolume, "", name).and_then(|o| o.as_pv()).cloned() else { return };
    if pv.metadata.deletion_timestamp.is_none() && !protection::has_volume_finalizer(&pv) {
        pv.metadata.finalizers.push(super::PV_PROTECTION_FINALIZER.into());
        pv = write_volume(c, pv);
    }
    let Some(r) = pv.spec.claim_ref.clone() else {
        if pv.status.phase != "Available" {
            set_volume_phase(c, &mut pv, "Available");
            write_volume(c, pv);
        }
        return;
    };
    if r.uid.is_empty() {
        // Pre-bound by an admin to a claim that does not exist yet.
        if pv.status.phase != "Available" {
            set_volume_phase(c, &mut pv, "Available");
            write_volume(c, pv);
        }
        return;
    }
    let claim = c.store.get(Kind::PersistentVolumeClaim, &r.namespace, &r.name).and_then(|o| o.as_pvc()).cloned();
    match claim {
        Some(pvc) if pvc.metadata.uid == r.uid => {
            if pvc.spec.volume_name.is_empty() {
                let key = ObjectKey::new(Kind::PersistentVolumeClaim, &r.namespace, &r.name);
                c.enqueue_unique(c.config.timings.controller_latency_ms, crate::engine::sim::Task::Volume(super::Task::SyncClaim(key)));
            } else if pvc.spec.volume_name == pv.metadata.name && pv.status.phase != "Bound" {
                set_volume_phase(c, &mut pv, "Bound");
                write_volume(c, pv);
            }
        }
        _ => release(c, pv),
    }
}

/// The claim is gone: the volume is Released and reclaimed per its policy.
fn release(c: &mut Cluster, mut pv: PersistentVolume) {
    let name = pv.metadata.name.clone();
    let claim = pv.spec.claim_ref.as_ref().map(|r| format!("{}/{}", r.namespace, r.name)).unwrap_or_default();
    if pv.status.phase != "Released" && pv.status.phase != "Failed" {
        set_volume_phase(c, &mut pv, "Released");
        pv = write_volume(c, pv);
        let policy = pv.spec.persistent_volume_reclaim_policy.clone();
        let why = match policy.as_str() {
            "Retain" => "reclaim policy Retain: the volume and its data stay until an administrator deletes the volume".to_string(),
            _ => format!("reclaim policy {policy}: the volume will be deleted"),
        };
        c.decide(PV_CONTROLLER, format!("persistentvolume/{name}"), Verdict::Release, format!("persistentvolumeclaim/{claim}"), format!("claim {claim} was deleted; {why}"));
    }
    if pv.status.phase == "Released" && pv.spec.persistent_volume_reclaim_policy == "Delete" && pv.metadata.deletion_timestamp.is_none() {
        let ours = pv.metadata.annotations.get(ANN_PROVISIONED_BY).is_some_and(|p| provisioner::serves(p));
        if ours {
            provisioner::schedule_delete(c, &name);
        } else {
            let msg = format!("error getting deleter volume plugin for volume \"{name}\": no deletable volume plugin matched");
            let obj = Object::PersistentVolume(pv.clone());
            c.record_event(&obj, "Warning", "VolumeFailedDelete", &msg, PV_CONTROLLER);
            set_volume_phase(c, &mut pv, "Failed");
            pv.status.message = msg;
            write_volume(c, pv);
        }
    }
}
