//! The PersistentVolume controller (`pkg/controller/volume/persistentvolume`), the dynamic
//! provisioner kind ships (rancher.io/local-path, behaving as an external provisioner) and the
//! PVC/PV protection controllers (`pkg/controller/volume/pvcprotection`, `pvprotection`).
//!
//! - [`pv_controller`]: default-class assignment, static binding, WaitForFirstConsumer, binding,
//!   release and reclaim.
//! - [`provisioner`]: creates `pvc-<claim uid>` volumes and deletes released ones.
//! - [`protection`]: the `kubernetes.io/pvc-protection` / `kubernetes.io/pv-protection`
//!   finalizers.
//! - [`expand`]: the in-tree expand controller, which leaves a grown claim to an external
//!   resizer (local-path has none).
//!
//! The contents of each volume (a [`Tree`] per PV name) live here too: they outlive pods, and
//! StatefulSet deletion, because the claim and its volume do.

pub mod expand;
pub mod protection;
pub mod provisioner;
pub mod pv_controller;

use super::api::{Kind, Object, Pod, StorageClass};
use super::fs::Tree;
use super::sim::{Cluster, Task as SimTask};
use super::store::{ObjectKey, Store, WatchEvent, WatchEventType};
use std::collections::{BTreeMap, BTreeSet};

/// Component name on PV controller events.
pub const PV_CONTROLLER: &str = "persistentvolume-controller";
/// The PVC finalizer the protection controller manages.
pub const PVC_PROTECTION_FINALIZER: &str = "kubernetes.io/pvc-protection";
/// The PV finalizer the protection controller manages.
pub const PV_PROTECTION_FINALIZER: &str = "kubernetes.io/pv-protection";
/// Annotation the scheduler writes on a WaitForFirstConsumer claim.
pub const ANN_SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";
/// Annotation the PV controller writes when it hands a claim to a provisioner.
pub const ANN_STORAGE_PROVISIONER: &str = "volume.kubernetes.io/storage-provisioner";
/// The deprecated twin of [`ANN_STORAGE_PROVISIONER`], still written.
pub const ANN_BETA_STORAGE_PROVISIONER: &str = "volume.beta.kubernetes.io/storage-provisioner";
/// Set on a claim once binding finished.
pub const ANN_BIND_COMPLETED: &str = "pv.kubernetes.io/bind-completed";
/// Set on whichever side the controller (not the user) bound.
pub const ANN_BOUND_BY_CONTROLLER: &str = "pv.kubernetes.io/bound-by-controller";
/// Set on a dynamically provisioned volume.
pub const ANN_PROVISIONED_BY: &str = "pv.kubernetes.io/provisioned-by";
/// How often the PV controller resyncs claims and volumes (`--pvclaimbinder-sync-period`).
pub const RESYNC_MS: u64 = 15_000;

/// Volume contents and the controllers' in-memory indexes.
#[derive(Clone, Debug, Default)]
pub struct State {
    /// PV name → its contents.
    trees: BTreeMap<String, Tree>,
    /// Claim key → uids of scheduled, non-terminal pods that use it (the protection controller's
    /// "is this claim in use" answer, without listing pods).
    users: BTreeMap<ObjectKey, BTreeSet<String>>,
    /// Claim key → uid → name of every non-terminal pod that references it, scheduled or not.
    refs: BTreeMap<ObjectKey, BTreeMap<String, String>>,
    /// Pod uid → the claims it references and whether it is counted as a user.
    pod_claims: BTreeMap<String, (Vec<ObjectKey>, bool)>,
    /// Volumes with no claimRef (candidates for static binding).
    pub(crate) available: BTreeSet<String>,
    /// Claim uid → name of the volume whose claimRef points at it.
    pub(crate) by_claim_uid: BTreeMap<String, String>,
    /// Claim uids the provisioner is working on.
    provisioning: BTreeSet<String>,
    /// Claim uid → consecutive failed provisioning attempts (the provisioner's retry back-off).
    /// Only looked up, never walked, so a hash map: no B-tree compiled for this layout.
    provision_failures: crate::util::hash::FastMap<String, u32>,
    /// Claims with a periodic resync queued (so at most one loop per claim).
    resyncing: BTreeSet<ObjectKey>,
}

impl State {
    /// The contents of a volume, if it has any yet.
    pub fn tree(&self, pv: &str) -> Option<&Tree> {
        self.trees.get(pv)
    }

    /// The contents of a volume, created empty on first write.
    pub fn tree_mut(&mut self, pv: &str) -> &mut Tree {
        self.trees.entry(pv.to_string()).or_default()
    }

    /// Names of volumes that hold contents.
    pub fn volumes_with_data(&self) -> impl Iterator<Item = &String> {
        self.trees.iter().filter(|(_, t)| !t.is_empty()).map(|(k, _)| k)
    }

    /// Whether any scheduled, non-terminal pod uses the claim.
    pub fn claim_in_use(&self, claim: &ObjectKey) -> bool {
        self.users.get(claim).is_some_and(|s| !s.is_empty())
    }

    /// Uids of the scheduled, non-terminal pods using a claim.
    pub fn claim_users(&self, claim: &ObjectKey) -> impl Iterator<Item = &String> {
        self.users.get(claim).into_iter().flatten()
    }

    /// Names of the non-terminal pods referencing a claim (scheduled or not), by uid.
    pub fn claim_refs(&self, claim: &ObjectKey) -> impl Iterator<Item = (&String, &String)> {
        self.refs.get(claim).into_iter().flatten()
    }
}

/// Work for the volume controllers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Task {
    /// PV controller: reconcile one claim (`syncClaim`).
    SyncClaim(ObjectKey),
    /// PV controller: periodic resync of a pending claim (re-emits its waiting event).
    ResyncClaim(ObjectKey),
    /// PV controller: reconcile one volume (`syncVolume`).
    SyncVolume(String),
    /// Provisioner: finish provisioning the claim with this key and uid.
    Provision(ObjectKey, String),
    /// Provisioner: try a claim again after a failed attempt (rate-limited requeue).
    RetryProvision(ObjectKey, String),
    /// Provisioner: delete a released volume whose reclaim policy is Delete.
    DeleteVolume(String),
    /// PVC protection controller: maybe remove the finalizer of a terminating claim.
    ClaimProtection(ObjectKey),
    /// PV protection controller: maybe remove the finalizer of a terminating volume.
    VolumeProtection(String),
    /// Expand controller: a bound claim's storage request grew.
    Expand(ObjectKey),
}

/// The keys of a pod's claims, sharing the stored claims' strings.
fn claims_of(store: &Store, p: &Pod) -> Vec<ObjectKey> {
    p.spec
        .volumes
        .iter()
        .filter_map(|v| v.persistent_volume_claim.as_ref())
        .map(|s| store.key(Kind::PersistentVolumeClaim, &p.metadata.namespace, &s.claim_name))
        .collect()
}

/// Whether a pod counts as using its claims for protection: scheduled and not terminal
/// (`podUsesPVC`: the kubelet only sees scheduled pods).
fn pod_uses_claims(p: &Pod) -> bool {
    !p.spec.node_name.is_empty() && !matches!(p.status.phase.as_str(), "Succeeded" | "Failed")
}

/// Informer handlers: claims, volumes, classes and (for protection) pods.
pub fn on_change(c: &mut Cluster, ev: &WatchEvent) {
    let latency = c.config.timings.controller_latency_ms;
    match &*ev.object {
        Object::PersistentVolumeClaim(pvc) => {
            let key = ev.key.clone();
            if ev.type_ == WatchEventType::Deleted {
                c.volumes.resyncing.remove(&key);
                if !pvc.spec.volume_name.is_empty() {
                    c.enqueue_unique(latency, SimTask::Volume(Task::SyncVolume(pvc.spec.volume_name.clone())));
                }
                return;
            }
            c.enqueue_unique(latency, SimTask::Volume(Task::SyncClaim(key.clone())));
            if ev.type_ == WatchEventType::Modified {
                expand::on_claim_update(c, ev);
            }
            if pvc.metadata.deletion_timestamp.is_some() {
                c.enqueue_unique(latency, SimTask::Volume(Task::ClaimProtection(key)));
            }
        }
        Object::PersistentVolume(pv) => {
            let name = pv.metadata.name.clone();
            index_volume(c, ev);
            if ev.type_ == WatchEventType::Deleted {
                // The volume is gone: so is what was written on it.
                c.volumes.trees.remove(&name);
                if let Some(r) = &pv.spec.claim_ref {
                    let key = ObjectKey::new(Kind::PersistentVolumeClaim, &r.namespace, &r.name);
                    c.enqueue_unique(latency, SimTask::Volume(Task::SyncClaim(key)));
                }
                return;
            }
            // A volume starts out as an empty directory.
            c.volumes.trees.entry(name.clone()).or_default();
            c.enqueue_unique(latency, SimTask::Volume(Task::SyncVolume(name.clone())));
            if pv.metadata.deletion_timestamp.is_some() {
                c.enqueue_unique(latency, SimTask::Volume(Task::VolumeProtection(name)));
            }
        }
        Object::StorageClass(sc) if ev.type_ != WatchEventType::Deleted && sc.is_default() => {
            // Retroactive default StorageClass assignment (GA in 1.28): claims created while no
            // default existed get it now. Rare event, so a scan is fine.
            let pending: Vec<ObjectKey> = c
                .store
                .list(Kind::PersistentVolumeClaim, None)
                .filter_map(|o| o.as_pvc())
                .filter(|p| p.spec.storage_class_name.is_none() && p.spec.volume_name.is_empty())
                .map(|p| ObjectKey::new(Kind::PersistentVolumeClaim, &p.metadata.namespace, &p.metadata.name))
                .collect();
            for k in pending {
                c.enqueue_unique(latency, SimTask::Volume(Task::SyncClaim(k)));
            }
        }
        Object::Pod(p) => track_pod(c, p, ev.type_ == WatchEventType::Deleted),
        _ => {}
    }
}

/// Keeps the volume indexes (unclaimed volumes, claim uid → volume) current.
fn index_volume(c: &mut Cluster, ev: &WatchEvent) {
    if let Some(old) = ev.old.as_ref().and_then(|o| o.as_pv()) {
        c.volumes.available.remove(&old.metadata.name);
        if let Some(r) = &old.spec.claim_ref {
            if c.volumes.by_claim_uid.get(&r.uid) == Some(&old.metadata.name) {
                c.volumes.by_claim_uid.remove(&r.uid);
            }
        }
    }
    if ev.type_ == WatchEventType::Deleted {
        return;
    }
    let Some(pv) = ev.object.as_pv() else { return };
    match &pv.spec.claim_ref {
        None => {
            c.volumes.available.insert(pv.metadata.name.clone());
        }
        Some(r) if !r.uid.is_empty() => {
            c.volumes.by_claim_uid.insert(r.uid.clone(), pv.metadata.name.clone());
        }
        Some(_) => {}
    }
}

/// Keeps the claim → pods indexes current; a claim that loses its last user while being deleted
/// gets its protection re-checked.
fn track_pod(c: &mut Cluster, p: &Pod, deleted: bool) {
    let uid = p.metadata.uid.clone();
    let terminal = matches!(p.status.phase.as_str(), "Succeeded" | "Failed");
    let referencing = !deleted && !terminal;
    let using = referencing && pod_uses_claims(p);
    let before = c.volumes.pod_claims.get(&uid).map(|(_, u)| *u);
    match (before, referencing) {
        (None, false) => {}
        (None, true) => {
            let claims = claims_of(&c.store, p);
            if claims.is_empty() {
                return;
            }
            for k in &claims {
                c.volumes.refs.entry(k.clone()).or_default().insert(uid.clone(), p.metadata.name.clone());
                if using {
                    c.volumes.users.entry(k.clone()).or_default().insert(uid.clone());
                }
            }
            c.volumes.pod_claims.insert(uid, (claims, using));
        }
        (Some(was_using), true) => {
            if was_using != using {
                if let Some(entry) = c.volumes.pod_claims.get_mut(&uid) {
                    entry.1 = using;
                    for k in entry.0.clone() {
                        if using {
                            c.volumes.users.entry(k).or_default().insert(uid.clone());
                        } else {
                            drop_user(c, &k, &uid);
                        }
                    }
                }
            }
        }
        (Some(_), false) => {
            let (claims, _) = c.volumes.pod_claims.remove(&uid).unwrap_or_default();
            for k in claims {
                if let Some(m) = c.volumes.refs.get_mut(&k) {
                    m.remove(&uid);
                    if m.is_empty() {
                        c.volumes.refs.remove(&k);
                    }
                }
                drop_user(c, &k, &uid);
            }
        }
    }
}

fn drop_user(c: &mut Cluster, k: &ObjectKey, uid: &str) {
    if let Some(s) = c.volumes.users.get_mut(k) {
        s.remove(uid);
        if s.is_empty() {
            c.volumes.users.remove(k);
        }
    }
    let terminating = c.store.get_key(k).is_some_and(|o| o.meta().deletion_timestamp.is_some());
    if terminating {
        let latency = c.config.timings.controller_latency_ms;
        c.enqueue_unique(latency, SimTask::Volume(Task::ClaimProtection(k.clone())));
    }
}

/// Runs one unit of volume work.
pub fn handle(c: &mut Cluster, t: Task) {
    match t {
        Task::SyncClaim(key) => pv_controller::sync_claim(c, &key, false),
        Task::ResyncClaim(key) => {
            c.volumes.resyncing.remove(&key);
            pv_controller::sync_claim(c, &key, true)
        }
        Task::SyncVolume(name) => pv_controller::sync_volume(c, &name),
        Task::Provision(key, uid) => provisioner::provision(c, &key, &uid),
        Task::RetryProvision(key, uid) => provisioner::retry(c, &key, &uid),
        Task::DeleteVolume(name) => provisioner::delete_volume(c, &name),
        Task::ClaimProtection(key) => protection::claim(c, &key),
        Task::VolumeProtection(name) => protection::volume(c, &name),
        Task::Expand(key) => expand::sync(c, &key),
    }
}

/// Queues the PV controller's periodic resync of a claim (a failure-loop task: a claim waiting
/// forever does not keep the cluster from settling).
pub(crate) fn schedule_resync(c: &mut Cluster, key: &ObjectKey) {
    if c.volumes.resyncing.insert(key.clone()) {
        c.enqueue_recurring(RESYNC_MS, SimTask::Volume(Task::ResyncClaim(key.clone())));
    }
}

/// The cluster's default StorageClass (the newest one when several are marked, as the
/// DefaultStorageClass admission plugin picks).
pub fn default_class(c: &Cluster) -> Option<StorageClass> {
    c.store
        .list(Kind::StorageClass, None)
        .filter_map(|o| o.as_storage_class())
        .filter(|s| s.is_default())
        .max_by_key(|s| (s.metadata.creation_timestamp, s.metadata.name.clone()))
        .cloned()
}

/// Looks a StorageClass up by name.
pub fn class(c: &Cluster, name: &str) -> Option<StorageClass> {
    c.store.get(Kind::StorageClass, "", name).and_then(|o| o.as_storage_class()).cloned()
}

/// Whether a class delays binding until a pod is scheduled.
pub fn is_wait_for_first_consumer(sc: &StorageClass) -> bool {
    sc.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer")
}

/// Parses a Kubernetes quantity (`1Gi`, `500Mi`, `2G`, `1.5Gi`, `1000`, `1e3`) to bytes.
pub fn parse_quantity(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::String(s) => parse_quantity_str(s),
        serde_json::Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

/// [`parse_quantity`] of a quantity string (`"10Gi"`, `"500m"`).
pub fn parse_quantity_str(s: &str) -> Option<f64> {
    let s = s.trim();
    const SUFFIXES: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1048576.0),
        ("Gi", 1073741824.0),
        ("Ti", 1099511627776.0),
        ("Pi", 1125899906842624.0),
        ("Ei", 1152921504606846976.0),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
        ("m", 1e-3),
    ];
    for (suf, mul) in SUFFIXES {
        if let Some(num) = s.strip_suffix(suf) {
            return num.parse::<f64>().ok().filter(|n| n.is_finite() && *n >= 0.0).map(|n| n * mul);
        }
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite() && *n >= 0.0)
}

#[cfg(test)]
mod tests;
