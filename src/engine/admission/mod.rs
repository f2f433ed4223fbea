//! Admission: what the API server does to a request before storing it — defaulting
//! (`SetDefaults_*`), admission plugins (DefaultStorageClass, StorageObjectInUseProtection,
//! ServiceAccount, DefaultTolerationSeconds, Priority; validating: PersistentVolumeClaimResize),
//! the registry strategies'
//! `PrepareForCreate`/`PrepareForUpdate`, and validation (`pkg/apis/*/validation`) with the API
//! server's exact error texts.

pub mod apps;
pub mod core;
pub mod defaults;
pub mod format;
pub mod meta;
pub mod path;
pub mod plugins;
pub mod pod_update;
pub mod resize;
pub mod service;

use super::api::{Kind, Object, StatefulSet};
use super::error::{ApiError, FieldError};
use super::limits;
use super::sim::Cluster;
use meta::NameRule;

/// The playground's replica limit, checked on create and update.
fn check_replicas(sts: &StatefulSet) -> Result<(), ApiError> {
    let n = sts.spec.replicas();
    if n > limits::MAX_REPLICAS {
        return Err(ApiError::TooLarge(limits::exceeded(
            &format!("statefulsets.apps {:?}: spec.replicas {n}", sts.metadata.name),
            "MAX_REPLICAS",
            limits::MAX_REPLICAS,
        )));
    }
    Ok(())
}

/// `dropStatefulSetDisabledFields`: with `MaxUnavailableStatefulSet` off, maxUnavailable is
/// silently dropped unless the stored object already uses it.
fn drop_disabled_fields(c: &Cluster, sts: &mut StatefulSet, old: Option<&StatefulSet>) {
    if c.config.feature_gates.max_unavailable_stateful_set {
        return;
    }
    let in_use = old
        .and_then(|o| o.spec.update_strategy.rolling_update.as_ref())
        .is_some_and(|ru| ru.max_unavailable.is_some());
    if !in_use {
        if let Some(ru) = &mut sts.spec.update_strategy.rolling_update {
            ru.max_unavailable = None;
        }
    }
}

/// Mutating admission for a create: defaults, admission plugins, `PrepareForCreate`, and the
/// playground's limits.
pub fn admit_create(c: &mut Cluster, obj: &mut Object) -> Result<(), ApiError> {
    if c.store.len() >= limits::MAX_OBJECTS {
        return Err(ApiError::TooLarge(limits::exceeded(
            &format!("cannot create {} {:?}: the cluster holds {} objects", obj.kind().group_resource(), obj.meta().name, c.store.len()),
            "MAX_OBJECTS",
            limits::MAX_OBJECTS,
        )));
    }
    let gates = c.config.feature_gates.clone();
    defaults::canonicalize_quantities(obj);
    match obj {
        Object::StatefulSet(sts) => {
            defaults::set_defaults_stateful_set(sts, &gates);
            sts.status = Default::default();
            drop_disabled_fields(c, sts, None);
            check_replicas(sts)?;
        }
        Object::Pod(pod) => {
            defaults::set_defaults_pod(pod);
            plugins::admit_pod(c, pod);
        }
        Object::PersistentVolumeClaim(pvc) => {
            pvc.status = Default::default();
            defaults::set_defaults_pvc(pvc);
            plugins::admit_pvc(c, pvc);
        }
        Object::PersistentVolume(pv) => {
            pv.status = Default::default();
            defaults::set_defaults_pv(pv);
            plugins::admit_pv(pv);
        }
        Object::StorageClass(sc) => defaults::set_defaults_storage_class(sc),
        Object::Service(svc) => {
            defaults::set_defaults_service(svc);
            if let Err(msg) = plugins::allocate_service_ips(c, svc) {
                let ip = svc.spec.cluster_ip.clone();
                return Err(ApiError::Invalid {
                    kind: Kind::Service,
                    name: svc.metadata.name.clone(),
                    causes: vec![FieldError::invalid("spec.clusterIPs[0]", format::go_quote(&ip), msg)],
                });
            }
            svc.status = serde_json::json!({"loadBalancer": {}});
        }
        Object::Generic(Kind::Namespace, ns) => prepare_namespace_for_create(ns),
        Object::Generic(Kind::Secret, secret) => defaults::set_defaults_secret(secret),
        _ => {}
    }
    Ok(())
}

/// Mutating admission for an update: defaults (the decoder applies them to every request),
/// values the server keeps (a Service's allocated IPs), `PrepareForUpdate`, limits.
pub fn admit_update(c: &mut Cluster, old: &Object, obj: &mut Object) -> Result<(), ApiError> {
    let gates = c.config.feature_gates.clone();
    defaults::canonicalize_quantities(obj);
    match (old, obj) {
        (Object::StatefulSet(o), Object::StatefulSet(sts)) => {
            defaults::set_defaults_stateful_set(sts, &gates);
            drop_disabled_fields(c, sts, Some(o));
            check_replicas(sts)?;
        }
        (Object::Pod(o), Object::Pod(pod)) => {
            defaults::set_defaults_pod(pod);
            plugins::admit_pod_update(o, pod);
        }
        (_, Object::PersistentVolumeClaim(pvc)) => defaults::set_defaults_pvc(pvc),
        (_, Object::PersistentVolume(pv)) => defaults::set_defaults_pv(pv),
        (_, Object::StorageClass(sc)) => defaults::set_defaults_storage_class(sc),
        (Object::Service(o), Object::Service(svc)) => {
            plugins::keep_allocated_service_values(o, svc);
            plugins::drop_type_dependent_fields(o, svc);
            defaults::set_defaults_service(svc);
        }
        (_, Object::Generic(Kind::Secret, secret)) => defaults::set_defaults_secret(secret),
        _ => {}
    }
    Ok(())
}

/// The name rule of a kind without a typed validator.
fn name_rule(kind: Kind) -> NameRule {
    match kind {
        Kind::Namespace | Kind::StatefulSet => NameRule::Label,
        Kind::Service => NameRule::Dns1035,
        Kind::Role | Kind::RoleBinding | Kind::ClusterRole | Kind::ClusterRoleBinding => NameRule::PathSegment,
        _ => NameRule::Subdomain,
    }
}

/// Validation of a new object; empty when valid.
pub fn validate_create(_c: &Cluster, obj: &Object) -> Vec<FieldError> {
    match obj {
        Object::StatefulSet(s) => apps::validate_stateful_set(s),
        Object::Pod(p) => core::validate_pod(p),
        Object::Service(s) => service::validate_service(s),
        Object::PersistentVolumeClaim(p) => core::validate_pvc(p),
        Object::ControllerRevision(r) => {
            let mut e = meta::validate_object_meta(&r.metadata, NameRule::Subdomain);
            if r.data.is_null() {
                e.push(FieldError::required("data", "data is mandatory"));
            }
            e.extend(apps::validate_nonnegative(r.revision, "revision"));
            e
        }
        other => meta::validate_object_meta(other.meta(), name_rule(other.kind())),
    }
}

/// Validation of an update; empty when valid.
pub fn validate_update(_c: &Cluster, old: &Object, new: &Object) -> Vec<FieldError> {
    match (old, new) {
        (Object::StatefulSet(o), Object::StatefulSet(n)) => apps::validate_stateful_set_update(n, o),
        (Object::Pod(o), Object::Pod(n)) => pod_update::validate_pod_update(n, o),
        (Object::Service(o), Object::Service(n)) => service::validate_service_update(n, o),
        (Object::PersistentVolumeClaim(o), Object::PersistentVolumeClaim(n)) => core::validate_pvc_update(n, o),
        (Object::ControllerRevision(o), Object::ControllerRevision(n)) => {
            let mut e = meta::validate_object_meta_update(&n.metadata);
            if o.data != n.data {
                e.push(FieldError::invalid("data", "runtime.RawExtension{…}", "field is immutable"));
            }
            e
        }
        (_, n) => meta::validate_object_meta_update(n.meta()),
    }
}

/// Validating admission of an update, after validation passed (the generic registry's
/// `updateValidation`): PersistentVolumeClaimResize.
pub fn validate_admission_update(c: &Cluster, old: &Object, new: &Object) -> Result<(), ApiError> {
    match (old, new) {
        (Object::PersistentVolumeClaim(o), Object::PersistentVolumeClaim(n)) => resize::validate(c, n, o),
        _ => Ok(()),
    }
}

/// Warnings the server returns with a successful write.
pub fn warnings(obj: &Object) -> Vec<String> {
    match obj {
        Object::StatefulSet(s) => apps::stateful_set_warnings(s),
        Object::Endpoints(_) => {
            vec!["v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice".into()]
        }
        _ => Vec::new(),
    }
}

/// `SetDefaults_Namespace` (the `kubernetes.io/metadata.name` label) and the namespace
/// strategy's `PrepareForCreate`: phase Active and the `kubernetes` finalizer.
fn prepare_namespace_for_create(ns: &mut crate::engine::api::GenericObject) {
    ns.metadata.labels.insert("kubernetes.io/metadata.name".into(), ns.metadata.name.clone());
    let spec = ns.rest.entry("spec").or_insert_with(|| serde_json::json!({}));
    if let Some(spec) = spec.as_object_mut() {
        let finalizers = spec.entry("finalizers").or_insert_with(|| serde_json::json!([]));
        if let Some(list) = finalizers.as_array_mut() {
            if !list.iter().any(|f| f == "kubernetes") {
                list.push("kubernetes".into());
            }
        }
    }
    ns.rest.insert("status".into(), serde_json::json!({"phase": "Active"}));
}

#[cfg(test)]
#[path = "admission_tests.rs"]
mod tests;
