//! The API server's request handling (`k8s.io/apiserver` generic registry + per-kind
//! strategies): admission (defaulting, validation), AlreadyExists / NotFound / Conflict,
//! generation bumps, the status subresource, graceful deletion and finalizers.

use super::admission;
use super::api::{Kind, Object, Time};
use super::error::ApiError;
use super::sim::Cluster;
use super::store::ObjectKey;
use std::rc::Rc;

/// `metav1.DeletionPropagation`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Propagation {
    /// Delete the owner now; the garbage collector deletes dependents afterwards (kubectl's
    /// default, `--cascade=background`).
    #[default]
    Background,
    /// Keep the owner (with `foregroundDeletion`) until blocking dependents are gone.
    Foreground,
    /// Remove ownerReferences from dependents and keep them (`--cascade=orphan`).
    Orphan,
}

/// `metav1.DeleteOptions` (the parts kubectl sends).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeleteOptions {
    /// Cascade policy.
    pub propagation: Propagation,
    /// Overrides the pod's terminationGracePeriodSeconds (`--grace-period`; 0 with `--force`).
    pub grace_period_seconds: Option<i64>,
}

/// Finalizer the garbage collector honours for foreground deletion.
pub const FOREGROUND_FINALIZER: &str = "foregroundDeletion";
/// Finalizer the garbage collector honours for orphaning.
pub const ORPHAN_FINALIZER: &str = "orphan";

/// A successful write and the warnings the server returned with it.
#[derive(Clone, Debug)]
pub struct Written {
    /// The stored object.
    pub object: Rc<Object>,
    /// `Warning:` headers (e.g. a negative revisionHistoryLimit).
    pub warnings: Vec<String>,
}

/// Whether a kind tracks `metadata.generation` (bumped on every spec change).
fn tracks_generation(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::StatefulSet | Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet | Kind::Job | Kind::CronJob
    ) || kind == Kind::PodDisruptionBudget
        // Pods too since v1.33 (KEP-5067, `pkg/registry/core/pod/strategy.go`: Generation = 1
        // on create, +1 on a spec change); binding and status writes leave it alone.
        || kind == Kind::Pod
}

fn spec_of(obj: &Object) -> serde_json::Value {
    let mut v = obj.to_value();
    match &mut v {
        serde_json::Value::Object(m) => {
            m.remove("metadata");
            m.remove("status");
            m.remove("apiVersion");
            m.remove("kind");
            v
        }
        _ => v,
    }
}

/// POST: defaults, validates and stores a new object.
pub fn create(c: &mut Cluster, mut obj: Object) -> Result<Written, ApiError> {
    let kind = obj.kind();
    if kind.info().namespaced && obj.meta().namespace.is_empty() {
        obj.meta_mut().namespace = "default".into();
    }
    if !kind.info().namespaced {
        obj.meta_mut().namespace.clear();
    }
    if obj.meta().name.is_empty() && !obj.meta().generate_name.is_empty() {
        let name = format!("{}{}", obj.meta().generate_name, c.rng.k8s_string(5));
        obj.meta_mut().name = name;
    }
    admission::admit_create(c, &mut obj)?;
    let causes = admission::validate_create(c, &obj);
    if !causes.is_empty() {
        return Err(ApiError::Invalid { kind, name: obj.meta().name.clone(), causes });
    }
    // Admission keeps the name and namespace: the object is looked up by them, no key built.
    let m = obj.meta();
    if c.store.get(kind, &m.namespace, &m.name).is_some() {
        return Err(ApiError::AlreadyExists { kind, name: m.name.clone() });
    }
    let warnings = admission::warnings(&obj);
    {
        let m = obj.meta_mut();
        m.uid.clear();
        m.resource_version.clear();
        m.creation_timestamp = None;
        m.deletion_timestamp = None;
        m.deletion_grace_period_seconds = None;
        m.generation = if tracks_generation(kind) { 1 } else { 0 };
    }
    let now = c.now;
    Ok(Written { object: c.store.create(obj, now), warnings })
}

/// PUT on the main resource: replaces metadata and spec, keeps status (status subresource kinds)
/// and system metadata, bumps generation on spec change, validates the update.
pub fn update(c: &mut Cluster, mut obj: Object) -> Result<Written, ApiError> {
    let kind = obj.kind();
    if kind.info().namespaced && obj.meta().namespace.is_empty() {
        obj.meta_mut().namespace = "default".into();
    }
    let key = ObjectKey::of(&obj);
    let Some(old) = c.store.get_key(&key).cloned() else {
        return Err(ApiError::not_found(kind, &key.name));
    };
    let rv = &obj.meta().resource_version;
    if !rv.is_empty() && *rv != old.meta().resource_version {
        return Err(ApiError::Conflict {
            kind,
            name: key.name.to_string(),
            message: "the object has been modified; please apply your changes to the latest version and try again"
                .into(),
        });
    }
    preserve_system_metadata(&old, &mut obj);
    keep_status(&old, &mut obj);
    admission::admit_update(c, &old, &mut obj)?;
    let causes = admission::validate_update(c, &old, &obj);
    if !causes.is_empty() {
        return Err(ApiError::Invalid { kind, name: key.name.to_string(), causes });
    }
    admission::validate_admission_update(c, &old, &obj)?;
    if tracks_generation(kind) && spec_of(&old) != spec_of(&obj) {
        obj.meta_mut().generation = old.meta().generation + 1;
    }
    let warnings = admission::warnings(&obj);
    write_or_finalize(c, &old, obj, warnings)
}

/// PUT on the status subresource: only status changes (controllers and kubelets use this).
pub fn update_status(c: &mut Cluster, obj: Object) -> Result<Rc<Object>, ApiError> {
    let key = ObjectKey::of(&obj);
    let Some(old) = c.store.get_key(&key).cloned() else {
        return Err(ApiError::not_found(obj.kind(), &key.name));
    };
    let mut merged = (*old).clone();
    let status = obj.to_value().get("status").cloned().unwrap_or(serde_json::Value::Null);
    let mut v = merged.to_value();
    if let serde_json::Value::Object(m) = &mut v {
        m.insert("status".into(), status);
    }
    merged = Object::from_value(merged.kind(), v).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    if merged == *old {
        return Ok(old);
    }
    let now = c.now;
    Ok(c.store.update(merged, now))
}

/// A controller's or kubelet's write of its own object version (metadata, spec and status as
/// given), without admission: the in-cluster components only write what the API allows them.
pub fn write_internal(c: &mut Cluster, obj: Object) -> Rc<Object> {
    let m = obj.meta();
    if let Some(old) = c.store.get(obj.kind(), &m.namespace, &m.name) {
        if **old == obj {
            return old.clone();
        }
    }
    let now = c.now;
    let finalizable = m.deletion_timestamp.is_some() && m.finalizers.is_empty();
    let stored = c.store.update(obj, now);
    if finalizable && stored.kind() != Kind::Pod {
        // The last finalizer is gone from an object being deleted: storage removes it.
        c.store.remove(&ObjectKey::of(&stored), now);
    }
    stored
}

fn preserve_system_metadata(old: &Object, new: &mut Object) {
    let o = old.meta();
    let n = new.meta_mut();
    n.uid = o.uid.clone();
    n.creation_timestamp = o.creation_timestamp;
    n.deletion_timestamp = o.deletion_timestamp;
    n.deletion_grace_period_seconds = o.deletion_grace_period_seconds;
    n.generation = o.generation;
    n.resource_version = o.resource_version.clone();
}

/// Kinds whose status is a subresource: a main-resource PUT cannot change it.
fn keep_status(old: &Object, new: &mut Object) {
    match (old, new) {
        (Object::StatefulSet(o), Object::StatefulSet(n)) => n.status = o.status.clone(),
        (Object::Pod(o), Object::Pod(n)) => n.status = o.status.clone(),
        (Object::PersistentVolumeClaim(o), Object::PersistentVolumeClaim(n)) => n.status = o.status.clone(),
        (Object::PersistentVolume(o), Object::PersistentVolume(n)) => n.status = o.status.clone(),
        (Object::Node(o), Object::Node(n)) => n.status = o.status.clone(),
        (Object::Service(o), Object::Service(n)) => n.status = o.status.clone(),
        _ => {}
    }
}

fn write_or_finalize(c: &mut Cluster, old: &Object, obj: Object, warnings: Vec<String>) -> Result<Written, ApiError> {
    if *old == obj {
        return Ok(Written { object: Rc::new(obj), warnings });
    }
    let object = write_internal(c, obj);
    Ok(Written { object, warnings })
}

/// DELETE: graceful for scheduled pods, deferred by finalizers, with cascade propagation.
pub fn delete(c: &mut Cluster, key: &ObjectKey, opts: DeleteOptions) -> Result<Rc<Object>, ApiError> {
    let Some(old) = c.store.get_key(key).cloned() else {
        return Err(ApiError::not_found(key.kind, &key.name));
    };
    let now = c.now;
    let mut obj = (*old).clone();

    let grace = grace_period(&obj, opts.grace_period_seconds);
    let meta = obj.meta_mut();
    match opts.propagation {
        Propagation::Foreground => add_finalizer(&mut meta.finalizers, FOREGROUND_FINALIZER),
        Propagation::Orphan => add_finalizer(&mut meta.finalizers, ORPHAN_FINALIZER),
        Propagation::Background => {}
    }

    if let Some(existing) = meta.deletion_timestamp {
        // Already terminating: a shorter grace period (e.g. --force) may cut it short.
        let shorter = grace.is_some_and(|g| g < meta.deletion_grace_period_seconds.unwrap_or(i64::MAX));
        if !shorter {
            if *meta != *old.meta() {
                return Ok(write_internal(c, obj));
            }
            return Ok(old);
        }
        let _ = existing;
    }

    match grace {
        Some(g) if g > 0 => {
            meta.deletion_timestamp = Some(now.plus_secs(g as u64));
            meta.deletion_grace_period_seconds = Some(g);
            meta.generation += i64::from(tracks_generation(key.kind));
            Ok(c.store.update(obj, now))
        }
        _ if !meta.finalizers.is_empty() => {
            meta.deletion_timestamp.get_or_insert(now);
            meta.deletion_grace_period_seconds = Some(0);
            Ok(c.store.update(obj, now))
        }
        _ => {
            c.store.remove(key, now);
            Ok(old)
        }
    }
}

/// The grace period a delete gets: pods that are scheduled and not finished honour
/// terminationGracePeriodSeconds (or the request's value); everything else goes at once
/// (pod strategy `CheckGracefulDeleteWithOptions`).
fn grace_period(obj: &Object, requested: Option<i64>) -> Option<i64> {
    let Object::Pod(p) = obj else { return None };
    let finished = matches!(p.status.phase.as_str(), "Failed" | "Succeeded");
    if p.spec.node_name.is_empty() || finished {
        return Some(0);
    }
    Some(requested.unwrap_or_else(|| p.spec.termination_grace_period_seconds.unwrap_or(30)).max(0))
}

fn add_finalizer(list: &mut Vec<String>, f: &str) {
    if !list.iter().any(|x| x == f) {
        list.push(f.to_string());
    }
}

/// Removes a pod from storage once the kubelet has stopped it (the kubelet's final
/// `grace-period=0` delete).
pub fn finish_pod_deletion(c: &mut Cluster, key: &ObjectKey) {
    let Some(pod) = c.store.get_key(key).cloned() else { return };
    if pod.meta().finalizers.is_empty() {
        let now = c.now;
        c.store.remove(key, now);
    }
}

/// Current virtual time (for callers that only hold the cluster immutably).
pub fn now(c: &Cluster) -> Time {
    c.now
}
