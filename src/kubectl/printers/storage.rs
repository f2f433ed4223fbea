//! `kubectl get pvc|pv|sc` rows (printers.go `printPersistentVolumeClaim`,
//! `printPersistentVolume`, `printStorageClass`).

use super::quantity::canonical;
use super::table::{col, wide, Column};
use crate::engine::api::{PersistentVolume, PersistentVolumeClaim, StorageClass, Time};
use crate::kubectl::duration::translate_timestamp_since;

/// `persistentVolumeClaimColumnDefinitions`.
pub const PVC_COLUMNS: &[Column] = &[
    col("Name"),
    col("Status"),
    col("Volume"),
    col("Capacity"),
    col("Access Modes"),
    col("StorageClass"),
    col("VolumeAttributesClass"),
    col("Age"),
    wide("VolumeMode"),
];

/// `persistentVolumeColumnDefinitions`.
pub const PV_COLUMNS: &[Column] = &[
    col("Name"),
    col("Capacity"),
    col("Access Modes"),
    col("Reclaim Policy"),
    col("Status"),
    col("Claim"),
    col("StorageClass"),
    col("VolumeAttributesClass"),
    col("Reason"),
    col("Age"),
    wide("VolumeMode"),
];

/// `storageClassColumnDefinitions`.
pub const STORAGE_CLASS_COLUMNS: &[Column] = &[
    col("Name"),
    col("Provisioner"),
    col("ReclaimPolicy"),
    col("VolumeBindingMode"),
    col("AllowVolumeExpansion"),
    col("Age"),
];

/// `helper.GetAccessModesAsString`: abbreviations in a fixed order, duplicates dropped.
pub fn access_modes_as_string(modes: &[String]) -> String {
    let mut out = Vec::new();
    for (mode, short) in [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ] {
        if modes.iter().any(|m| m == mode) {
            out.push(short);
        }
    }
    out.join(",")
}

const BETA_STORAGE_CLASS_ANNOTATION: &str = "volume.beta.kubernetes.io/storage-class";

/// `helper.GetPersistentVolumeClaimClass`: the beta annotation wins over the field.
pub fn pvc_class(p: &PersistentVolumeClaim) -> String {
    if let Some(c) = p.metadata.annotations.get(BETA_STORAGE_CLASS_ANNOTATION) {
        return c.clone();
    }
    p.spec.storage_class_name.clone().unwrap_or_default()
}

/// `helper.GetPersistentVolumeClass`.
pub fn pv_class(p: &PersistentVolume) -> String {
    if let Some(c) = p.metadata.annotations.get(BETA_STORAGE_CLASS_ANNOTATION) {
        return c.clone();
    }
    p.spec.storage_class_name.clone()
}

fn or_unset(v: &Option<String>) -> String {
    match v {
        Some(s) if !s.is_empty() => s.clone(),
        _ => "<unset>".into(),
    }
}

/// `printPersistentVolumeClaim`: volume, capacity and access modes only once bound to a volume.
pub fn print_persistent_volume_claim(p: &PersistentVolumeClaim, now: Time) -> Vec<String> {
    let phase = if p.metadata.deletion_timestamp.is_some() { "Terminating".to_string() } else { p.status.phase.clone() };
    let (capacity, modes) = if p.spec.volume_name.is_empty() {
        (String::new(), String::new())
    } else {
        let cap = p.status.capacity.get("storage").map(canonical).unwrap_or_else(|| "0".into());
        (cap, access_modes_as_string(&p.status.access_modes))
    };
    vec![
        p.metadata.name.clone(),
        phase,
        p.spec.volume_name.clone(),
        capacity,
        modes,
        pvc_class(p),
        or_unset(&p.spec.volume_attributes_class_name),
        translate_timestamp_since(p.metadata.creation_timestamp, now),
        or_unset(&p.spec.volume_mode),
    ]
}

/// `printPersistentVolume`.
pub fn print_persistent_volume(p: &PersistentVolume, now: Time) -> Vec<String> {
    let claim = p.spec.claim_ref.as_ref().map(|r| format!("{}/{}", r.namespace, r.name)).unwrap_or_default();
    let phase = if p.metadata.deletion_timestamp.is_some() { "Terminating".to_string() } else { p.status.phase.clone() };
    vec![
        p.metadata.name.clone(),
        p.spec.capacity.get("storage").map(canonical).unwrap_or_else(|| "0".into()),
        access_modes_as_string(&p.spec.access_modes),
        p.spec.persistent_volume_reclaim_policy.clone(),
        phase,
        claim,
        pv_class(p),
        or_unset(&p.spec.volume_attributes_class_name),
        p.status.reason.clone(),
        translate_timestamp_since(p.metadata.creation_timestamp, now),
        or_unset(&p.spec.volume_mode),
    ]
}

/// `storageutil.IsDefaultAnnotation`: GA or beta default-class annotation set to "true".
pub fn is_default_class(s: &StorageClass) -> bool {
    s.is_default()
        || s.metadata.annotations.get("storageclass.beta.kubernetes.io/is-default-class").is_some_and(|v| v == "true")
}

/// `printStorageClass`: the default class is marked `(default)`.
pub fn print_storage_class(s: &StorageClass, now: Time) -> Vec<String> {
    let mut name = s.metadata.name.clone();
    if is_default_class(s) {
        name.push_str(" (default)");
    }
    vec![
        name,
        s.provisioner.clone(),
        s.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
        s.volume_binding_mode.clone().unwrap_or_else(|| "Immediate".into()),
        s.allow_volume_expansion.unwrap_or(false).to_string(),
        translate_timestamp_since(s.metadata.creation_timestamp, now),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::*;

    fn t0() -> Time {
        Time::from_utc(2025, 1, 6, 9, 0, 0)
    }

    #[test]
    fn pvc_rows_pending_and_bound() {
        let mut p = PersistentVolumeClaim::default();
        p.metadata.name = "www-web-1".into();
        p.metadata.creation_timestamp = Some(t0());
        p.spec.storage_class_name = Some("standard".into());
        p.status.phase = "Pending".into();
        // printPersistentVolumeClaim: nothing about the volume until spec.volumeName is set.
        assert_eq!(print_persistent_volume_claim(&p, t0().plus_secs(3)), ["www-web-1", "Pending", "", "", "", "standard", "<unset>", "3s", "<unset>"]);
        p.spec.volume_name = "pvc-123".into();
        p.status.phase = "Bound".into();
        p.status.capacity.insert("storage".into(), serde_json::json!("1024Mi"));
        p.status.access_modes = vec!["ReadWriteOnce".into()];
        p.spec.volume_mode = Some("Filesystem".into());
        assert_eq!(print_persistent_volume_claim(&p, t0().plus_secs(48)), ["www-web-1", "Bound", "pvc-123", "1Gi", "RWO", "standard", "<unset>", "48s", "Filesystem"]);
        p.metadata.deletion_timestamp = Some(t0());
        assert_eq!(print_persistent_volume_claim(&p, t0())[1], "Terminating");
    }

    #[test]
    fn pv_and_storage_class_rows() {
        let mut pv = PersistentVolume::default();
        pv.metadata.name = "pvc-123".into();
        pv.metadata.creation_timestamp = Some(t0());
        pv.spec.capacity.insert("storage".into(), serde_json::json!("1Gi"));
        pv.spec.access_modes = vec!["ReadWriteOnce".into(), "ReadWriteOnce".into()];
        pv.spec.persistent_volume_reclaim_policy = "Delete".into();
        pv.spec.claim_ref = Some(ObjectReference { namespace: "default".into(), name: "www-web-0".into(), ..Default::default() });
        pv.spec.storage_class_name = "standard".into();
        pv.status.phase = "Bound".into();
        // printPersistentVolume.
        assert_eq!(
            print_persistent_volume(&pv, t0().plus_secs(60)),
            ["pvc-123", "1Gi", "RWO", "Delete", "Bound", "default/www-web-0", "standard", "<unset>", "", "60s", "<unset>"]
        );
        let mut sc = StorageClass::default();
        sc.metadata.name = "standard".into();
        sc.metadata.creation_timestamp = Some(t0());
        sc.metadata.annotations.insert(IS_DEFAULT_CLASS_ANNOTATION.into(), "true".into());
        sc.provisioner = "rancher.io/local-path".into();
        sc.volume_binding_mode = Some("WaitForFirstConsumer".into());
        // printStorageClass.
        assert_eq!(
            print_storage_class(&sc, t0().plus_secs(600)),
            ["standard (default)", "rancher.io/local-path", "Delete", "WaitForFirstConsumer", "false", "10m"]
        );
    }
}
