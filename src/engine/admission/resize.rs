//! The validating admission plugin PersistentVolumeClaimResize
//! (plugin/pkg/admission/storage/persistentvolume/resize/admission.go): a claim's storage
//! request may only grow when the claim is bound and its StorageClass sets
//! `allowVolumeExpansion: true`. It runs after validation (the registry's `BeforeUpdate`), so an
//! update that fails both shows the validation error.

use crate::engine::api::quantity::cmp_quantities;
use crate::engine::api::{Kind, PersistentVolumeClaim};
use crate::engine::error::ApiError;
use crate::engine::sim::Cluster;

/// The deprecated annotation `GetPersistentVolumeClaimClass` still reads first.
const BETA_STORAGE_CLASS_ANNOTATION: &str = "volume.beta.kubernetes.io/storage-class";

/// `apihelper.GetPersistentVolumeClaimClass`: the beta annotation, else `storageClassName`.
fn claim_class(pvc: &PersistentVolumeClaim) -> &str {
    match pvc.metadata.annotations.get(BETA_STORAGE_CLASS_ANNOTATION) {
        Some(class) => class,
        None => pvc.spec.storage_class_name.as_deref().unwrap_or(""),
    }
}

/// `admission.NewForbidden`: `persistentvolumeclaims "data" is forbidden: <err>`.
fn forbidden(pvc: &PersistentVolumeClaim, err: &str) -> ApiError {
    ApiError::Forbidden(format!(
        "{} {:?} is forbidden: {err}",
        Kind::PersistentVolumeClaim.group_resource(),
        pvc.metadata.name
    ))
}

/// `allowResize`: both versions name the same, non-empty class, and that class exists and sets
/// `allowVolumeExpansion: true` (a statically bound claim with no class never may).
fn allow_resize(c: &Cluster, new: &PersistentVolumeClaim, old: &PersistentVolumeClaim) -> bool {
    let (class, old_class) = (claim_class(new), claim_class(old));
    if class.is_empty() || old_class.is_empty() || class != old_class {
        return false;
    }
    crate::engine::volumes::class(c, class).and_then(|sc| sc.allow_volume_expansion).unwrap_or(false)
}

/// `Validate` on an update of the main resource (the status subresource is not checked).
pub fn validate(c: &Cluster, new: &PersistentVolumeClaim, old: &PersistentVolumeClaim) -> Result<(), ApiError> {
    let size = |p: &PersistentVolumeClaim| p.spec.resources.requests.get("storage").cloned();
    if cmp_quantities(size(new).as_ref(), size(old).as_ref()).is_le() {
        return Ok(());
    }
    if old.status.phase != "Bound" {
        return Err(forbidden(new, "Only bound persistent volume claims can be expanded"));
    }
    if !allow_resize(c, new, old) {
        return Err(forbidden(
            new,
            "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::{Object, StorageClass};
    use crate::engine::apiserver;
    use crate::engine::ClusterConfig;
    use serde_json::json;

    fn claim(size: &str, phase: &str, class: Option<&str>) -> PersistentVolumeClaim {
        let mut p = PersistentVolumeClaim::default();
        p.metadata.name = "www-web-0".into();
        p.spec.resources.requests.insert("storage".into(), json!(size));
        p.spec.storage_class_name = class.map(String::from);
        p.status.phase = phase.into();
        p
    }

    fn expandable(c: &mut Cluster, name: &str) {
        let mut sc = StorageClass { provisioner: "rancher.io/local-path".into(), ..Default::default() };
        sc.metadata.name = name.into();
        sc.allow_volume_expansion = Some(true);
        apiserver::create(c, Object::StorageClass(sc)).unwrap();
    }

    fn err(r: Result<(), ApiError>) -> String {
        r.map(|_| String::new()).unwrap_or_else(|e| format!("({}) {e}", e.reason()))
    }

    #[test]
    fn kinds_standard_class_refuses_growth() {
        let c = Cluster::new(ClusterConfig::default());
        let old = claim("1Gi", "Bound", Some("standard"));
        assert_eq!(
            err(validate(&c, &claim("2Gi", "Bound", Some("standard")), &old)),
            "(Forbidden) persistentvolumeclaims \"www-web-0\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize"
        );
        // Same size in other units, or smaller: not this plugin's business.
        assert_eq!(err(validate(&c, &claim("1024Mi", "Bound", Some("standard")), &old)), "");
        assert_eq!(err(validate(&c, &claim("500Mi", "Bound", Some("standard")), &old)), "");
    }

    #[test]
    fn only_bound_claims_grow() {
        let mut c = Cluster::new(ClusterConfig::default());
        expandable(&mut c, "expandable");
        let old = claim("1Gi", "Pending", Some("expandable"));
        assert_eq!(
            err(validate(&c, &claim("2Gi", "Pending", Some("expandable")), &old)),
            "(Forbidden) persistentvolumeclaims \"www-web-0\" is forbidden: Only bound persistent volume claims can be expanded"
        );
    }

    #[test]
    fn an_expandable_class_allows_growth() {
        let mut c = Cluster::new(ClusterConfig::default());
        expandable(&mut c, "expandable");
        let old = claim("1Gi", "Bound", Some("expandable"));
        assert_eq!(err(validate(&c, &claim("2Gi", "Bound", Some("expandable")), &old)), "");
        // No class (a statically bound claim), or a class that does not exist: refused.
        let forbidden = "only dynamically provisioned pvc";
        assert!(err(validate(&c, &claim("2Gi", "Bound", Some("")), &claim("1Gi", "Bound", Some("")))).contains(forbidden));
        let gone = claim("1Gi", "Bound", Some("gone"));
        assert!(err(validate(&c, &claim("2Gi", "Bound", Some("gone")), &gone)).contains(forbidden));
        // The beta annotation wins over storageClassName.
        let mut annotated = claim("2Gi", "Bound", Some("expandable"));
        annotated.metadata.annotations.insert(BETA_STORAGE_CLASS_ANNOTATION.into(), "standard".into());
        assert!(err(validate(&c, &annotated, &old)).contains(forbidden));
    }

    #[test]
    fn validation_runs_before_this_plugin() {
        // Through the API server: a bound claim of kind's `standard` class.
        let mut c = Cluster::new(ClusterConfig::default());
        let mut pvc = claim("1Gi", "", None);
        pvc.spec.access_modes = vec!["ReadWriteOnce".into()];
        let stored = apiserver::create(&mut c, Object::PersistentVolumeClaim(pvc)).unwrap().object;
        let mut bound = stored.as_pvc().cloned().unwrap();
        bound.status.phase = "Bound".into();
        bound.status.capacity.insert("storage".into(), json!("1Gi"));
        apiserver::update_status(&mut c, Object::PersistentVolumeClaim(bound.clone())).unwrap();
        let update = |c: &mut Cluster, size: &str, mode: &str| {
            let mut p = bound.clone();
            p.metadata.resource_version.clear();
            p.spec.resources.requests.insert("storage".into(), json!(size));
            p.spec.access_modes = vec![mode.into()];
            err(apiserver::update(c, Object::PersistentVolumeClaim(p)).map(|_| ()))
        };
        // Growing plus an immutable change: the validation error, not the plugin's.
        assert_eq!(
            update(&mut c, "2Gi", "ReadWriteMany"),
            "(Invalid) PersistentVolumeClaim \"www-web-0\" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
        );
        assert!(update(&mut c, "2Gi", "ReadWriteOnce").starts_with("(Forbidden) persistentvolumeclaims \"www-web-0\" is forbidden: only dynamically"));
        assert_eq!(
            update(&mut c, "100Mi", "ReadWriteOnce"),
            "(Invalid) PersistentVolumeClaim \"www-web-0\" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than status.capacity"
        );
        // Unchanged size passes both.
        assert_eq!(update(&mut c, "1Gi", "ReadWriteOnce"), "");
    }
}
