//! `kubectl describe pvc|pv` (`describePersistentVolumeClaim`, `describePersistentVolume`).

use super::*;
use crate::engine::api::{PersistentVolume, PersistentVolumeClaim};
use crate::engine::sim::Cluster;
use crate::kubectl::printers::quantity::canonical;
use crate::kubectl::printers::storage::{access_modes_as_string, pv_class, pvc_class};

/// `describePersistentVolumeClaim`: "Used By" lists pods mounting the claim.
pub fn describe_persistent_volume_claim(c: &Cluster, p: &PersistentVolumeClaim) -> String {
    let now = c.now;
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", p.metadata.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", p.metadata.namespace));
    w.write(LEVEL_0, &format!("StorageClass:\t{}\n", pvc_class(p)));
    match p.metadata.deletion_timestamp {
        Some(dt) => w.write(LEVEL_0, &format!("Status:\tTerminating (lasts {})\n", translate_timestamp_since(Some(dt), now))),
        None => w.write(LEVEL_0, &format!("Status:\t{}\n", p.status.phase)),
    }
    w.write(LEVEL_0, &format!("Volume:\t{}\n", p.spec.volume_name));
    print_labels_multiline(&mut w, "Labels", &p.metadata.labels);
    print_annotations_multiline(&mut w, "Annotations", &p.metadata.annotations);
    w.write(LEVEL_0, &format!("Finalizers:\t{}\n", go_slice(&p.metadata.finalizers)));
    let (cap, modes) = if p.spec.volume_name.is_empty() {
        (String::new(), String::new())
    } else {
        (
            p.status.capacity.get("storage").map(canonical).unwrap_or_else(|| "0".into()),
            access_modes_as_string(&p.status.access_modes),
        )
    };
    w.write(LEVEL_0, &format!("Capacity:\t{cap}\n"));
    w.write(LEVEL_0, &format!("Access Modes:\t{modes}\n"));
    if let Some(m) = &p.spec.volume_mode {
        w.write(LEVEL_0, &format!("VolumeMode:\t{m}\n"));
    }
    let users: Vec<String> = c
        .store
        .pods(&p.metadata.namespace)
        .filter(|pod| {
            pod.spec.volumes.iter().any(|v| v.persistent_volume_claim.as_ref().is_some_and(|s| s.claim_name == p.metadata.name))
        })
        .map(|pod| pod.metadata.name.clone())
        .collect();
    w.write(LEVEL_0, "Used By:\t");
    if users.is_empty() {
        w.write_line("<none>");
    } else {
        for (i, u) in users.iter().enumerate() {
            if i > 0 {
                w.write(LEVEL_0, "\t");
            }
            w.write(LEVEL_0, &format!("{u}\n"));
        }
    }
    let events = crate::engine::events::events_for(c, &p.metadata.namespace, &p.metadata.uid);
    describe_events(&mut w, &events, now);
    w.finish()
}

/// `describePersistentVolume`.
pub fn describe_persistent_volume(c: &Cluster, p: &PersistentVolume) -> String {
    let now = c.now;
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", p.metadata.name));
    print_labels_multiline(&mut w, "Labels", &p.metadata.labels);
    print_annotations_multiline(&mut w, "Annotations", &p.metadata.annotations);
    w.write(LEVEL_0, &format!("Finalizers:\t{}\n", go_slice(&p.metadata.finalizers)));
    w.write(LEVEL_0, &format!("StorageClass:\t{}\n", pv_class(p)));
    match p.metadata.deletion_timestamp {
        Some(dt) => w.write(LEVEL_0, &format!("Status:\tTerminating (lasts {})\n", translate_timestamp_since(Some(dt), now))),
        None => w.write(LEVEL_0, &format!("Status:\t{}\n", p.status.phase)),
    }
    let claim = p.spec.claim_ref.as_ref().map(|r| format!("{}/{}", r.namespace, r.name)).unwrap_or_default();
    w.write(LEVEL_0, &format!("Claim:\t{claim}\n"));
    w.write(LEVEL_0, &format!("Reclaim Policy:\t{}\n", p.spec.persistent_volume_reclaim_policy));
    w.write(LEVEL_0, &format!("Access Modes:\t{}\n", access_modes_as_string(&p.spec.access_modes)));
    if let Some(m) = &p.spec.volume_mode {
        w.write(LEVEL_0, &format!("VolumeMode:\t{m}\n"));
    }
    w.write(LEVEL_0, &format!("Capacity:\t{}\n", p.spec.capacity.get("storage").map(canonical).unwrap_or_else(|| "0".into())));
    let terms = p
        .spec
        .node_affinity
        .as_ref()
        .and_then(|a| a.pointer("/required/nodeSelectorTerms"))
        .and_then(|t| t.as_array())
        .cloned()
        .unwrap_or_default();
    if terms.is_empty() {
        w.write(LEVEL_0, "Node Affinity:\t<none>\n");
    } else {
        w.write(LEVEL_0, "Node Affinity:\t\n");
        w.write(LEVEL_1, "Required Terms:\t\n");
        for (i, t) in terms.iter().enumerate() {
            let exprs: Vec<String> = t
                .get("matchExpressions")
                .and_then(|e| e.as_array())
                .map(|a| {
                    a.iter()
                        .map(|e| {
                            let vals: Vec<String> = e
                                .get("values")
                                .and_then(|v| v.as_array())
                                .map(|v| v.iter().filter_map(|x| x.as_str().map(String::from)).collect())
                                .unwrap_or_default();
                            format!(
                                "{} {} {}",
                                e.get("key").and_then(|k| k.as_str()).unwrap_or(""),
                                e.get("operator").and_then(|k| k.as_str()).unwrap_or("").to_lowercase(),
                                go_slice(&vals)
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            w.write(LEVEL_2, &format!("Term {i}:\t{}\n", exprs.join(", ")));
        }
    }
    w.write(LEVEL_0, &format!("Message:\t{}\n", p.status.message));
    w.write(LEVEL_0, "Source:\n");
    if let Some(h) = p.spec.source.get("hostPath") {
        w.write(
            LEVEL_2,
            &format!(
                "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n",
                h.get("path").and_then(|v| v.as_str()).unwrap_or(""),
                h.get("type").and_then(|v| v.as_str()).unwrap_or("")
            ),
        );
    } else if let Some(l) = p.spec.source.get("local") {
        w.write(
            LEVEL_2,
            &format!(
                "Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t{}\n",
                l.get("path").and_then(|v| v.as_str()).unwrap_or("")
            ),
        );
    } else if let Some(csi) = p.spec.source.get("csi") {
        w.write(
            LEVEL_2,
            &format!(
                "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    VolumeHandle:\t{}\n    ReadOnly:\t{}\n",
                csi.get("driver").and_then(|v| v.as_str()).unwrap_or(""),
                csi.get("volumeHandle").and_then(|v| v.as_str()).unwrap_or(""),
                csi.get("readOnly").and_then(|v| v.as_bool()).unwrap_or(false)
            ),
        );
    }
    let events = crate::engine::events::events_for(c, "default", &p.metadata.uid);
    describe_events(&mut w, &events, now);
    w.finish()
}
