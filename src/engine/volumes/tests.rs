use super::*;
use crate::engine::api::*;
use crate::engine::testutil::*;

fn get_pv(c: &Cluster, name: &str) -> Option<PersistentVolume> {
    c.store.get(Kind::PersistentVolume, "", name).and_then(|o| o.as_pv()).cloned()
}

#[test]
fn wait_for_first_consumer_then_provision_and_bind() {
    let mut c = cluster();
    create(&mut c, Object::PersistentVolumeClaim(pvc("www-web-0", Some("standard"))));
    c.settle_default();
    let claim = get_pvc(&c, "www-web-0").unwrap();
    assert_eq!(claim.status.phase, "Pending");
    assert!(claim.metadata.finalizers.contains(&PVC_PROTECTION_FINALIZER.to_string()));
    let ev = events_of(&c, "default", "www-web-0");
    assert_eq!(ev[0].0, "WaitForFirstConsumer");
    assert_eq!(ev[0].1, "waiting for first consumer to be created before binding");

    create(&mut c, Object::Pod(with_claim(pod("web-0", "nginx:1.27"), "www-web-0", "/usr/share/nginx/html")));
    let r = c.settle_default();
    assert!(r.settled, "{:?}", r.blocked);
    let claim = get_pvc(&c, "www-web-0").unwrap();
    let uid = claim.metadata.uid.clone();
    let pv_name = format!("pvc-{uid}");
    assert_eq!(claim.status.phase, "Bound");
    assert_eq!(claim.spec.volume_name, pv_name);
    assert_eq!(claim.status.capacity.get("storage"), Some(&serde_json::json!("1Gi")));
    assert_eq!(claim.status.access_modes, vec!["ReadWriteOnce".to_string()]);
    let ann = &claim.metadata.annotations;
    assert_eq!(ann.get(ANN_SELECTED_NODE).map(String::as_str), Some("node-1"));
    assert_eq!(ann.get(ANN_BIND_COMPLETED).map(String::as_str), Some("yes"));
    assert_eq!(ann.get(ANN_BOUND_BY_CONTROLLER).map(String::as_str), Some("yes"));
    assert_eq!(ann.get(ANN_STORAGE_PROVISIONER).map(String::as_str), Some("rancher.io/local-path"));

    let pv = get_pv(&c, &pv_name).unwrap();
    assert_eq!(pv.status.phase, "Bound");
    assert_eq!(pv.spec.claim_ref.as_ref().unwrap().uid, uid);
    assert_eq!(pv.spec.persistent_volume_reclaim_policy, "Delete");
    assert_eq!(pv.spec.storage_class_name, "standard");
    assert_eq!(pv.metadata.finalizers, vec![PV_PROTECTION_FINALIZER.to_string()]);
    assert!(pv_controller::volume_fits_node(&c, &pv, "node-1") && !pv_controller::volume_fits_node(&c, &pv, "node-2"));

    let reasons: Vec<String> = events_of(&c, "default", "www-web-0").into_iter().map(|e| e.0).collect();
    assert_eq!(reasons, vec!["WaitForFirstConsumer", "ExternalProvisioning", "Provisioning", "ProvisioningSucceeded"]);
    let ev = events_of(&c, "default", "www-web-0");
    assert_eq!(ev[1].1, pv_controller::external_provisioning_message("rancher.io/local-path"));
    assert_eq!(ev[2].1, "External provisioner is provisioning volume for claim \"default/www-web-0\"");
    assert_eq!(ev[3].1, format!("Successfully provisioned volume {pv_name}"));
    let pod = get_pod(&c, "web-0").unwrap();
    assert!(pod.is_ready());
    assert_eq!(pod.spec.node_name, "node-1");
}

#[test]
fn pending_claim_names_its_unscheduled_pod_on_resync() {
    let mut c = cluster();
    create(&mut c, Object::PersistentVolumeClaim(pvc("data", Some("standard"))));
    let mut p = with_claim(pod("db-0", "postgres:16"), "data", "/var/lib/postgresql/data");
    p.spec.node_selector.insert("disk".into(), "ssd".into());
    create(&mut c, Object::Pod(p));
    c.advance(40_000);
    let ev = events_of(&c, "default", "data");
    assert!(ev.iter().any(|e| e.0 == "WaitForPodScheduled" && e.1 == "waiting for pod db-0 to be scheduled"), "{ev:?}");
}

/// local-path (kind's provisioner) cannot serve a class that binds Immediately: with no selected
/// node its `provisionFor` fails with "configuration error, no node was specified", reported by
/// the provisioner library as `ProvisioningFailed` and retried with exponential back-off
/// (15 s doubling); the claim stays Pending.
#[test]
fn immediate_local_path_class_fails_without_a_node_and_default_class_is_assigned() {
    let mut c = cluster();
    let mut sc = StorageClass::default();
    sc.metadata.name = "fast".into();
    sc.provisioner = "rancher.io/local-path".into();
    sc.reclaim_policy = Some("Retain".into());
    sc.volume_binding_mode = Some("Immediate".into());
    create(&mut c, Object::StorageClass(sc));
    create(&mut c, Object::PersistentVolumeClaim(pvc("now", Some("fast"))));
    create(&mut c, Object::PersistentVolumeClaim(pvc("defaulted", None)));
    assert!(c.settle_default().settled);
    let now = get_pvc(&c, "now").unwrap();
    assert_eq!(now.status.phase, "Pending");
    assert!(now.spec.volume_name.is_empty());
    let ev = events_of(&c, "default", "now");
    let failed: Vec<&(String, String, i32)> = ev.iter().filter(|e| e.0 == "ProvisioningFailed").collect();
    assert_eq!(failed.len(), 1, "{ev:?}");
    assert_eq!(failed[0].1, "failed to provision volume with StorageClass \"fast\": configuration error, no node was specified");
    assert!(ev.iter().any(|e| e.0 == "Provisioning"));
    // Retries after 15 s, 30 s, 60 s: four attempts within 106 s, not a fifth before 225 s.
    c.advance(106_000);
    let count = |c: &crate::engine::sim::Cluster| events_of(c, "default", "now").into_iter().find(|e| e.0 == "ProvisioningFailed").map(|e| e.2);
    assert_eq!(count(&c), Some(4));
    c.advance(100_000);
    assert_eq!(count(&c), Some(4));
    assert_eq!(get_pvc(&c, "now").unwrap().status.phase, "Pending");
    let d = get_pvc(&c, "defaulted").unwrap();
    assert_eq!(d.spec.storage_class_name.as_deref(), Some("standard"));
    assert_eq!(d.status.phase, "Pending");
}

#[test]
fn unknown_class_and_no_class_fail_with_upstream_events() {
    let mut c = cluster();
    create(&mut c, Object::PersistentVolumeClaim(pvc("typo", Some("fsat"))));
    create(&mut c, Object::PersistentVolumeClaim(pvc("none", Some(""))));
    c.settle_default();
    let e = events_of(&c, "default", "typo");
    assert_eq!((e[0].0.as_str(), e[0].1.as_str()), ("ProvisioningFailed", "storageclass.storage.k8s.io \"fsat\" not found"));
    let e = events_of(&c, "default", "none");
    assert_eq!((e[0].0.as_str(), e[0].1.as_str()), ("FailedBinding", "no persistent volumes available for this claim and no storage class is set"));
    c.advance(31_000);
    assert!(events_of(&c, "default", "typo")[0].2 >= 3, "resynced every 15 s");
    assert_eq!(get_pvc(&c, "typo").unwrap().status.phase, "Pending");
}

#[test]
fn static_volume_binds_by_class_size_and_access_mode() {
    let mut c = cluster();
    let mk = |name: &str, size: &str, modes: &[&str]| {
        let mut pv = PersistentVolume::default();
        pv.metadata.name = name.into();
        pv.spec.capacity.insert("storage".into(), serde_json::json!(size));
        pv.spec.access_modes = modes.iter().map(|s| s.to_string()).collect();
        pv.spec.persistent_volume_reclaim_policy = "Retain".into();
        pv.spec.source.insert("hostPath".into(), serde_json::json!({"path": "/data"}));
        Object::PersistentVolume(pv)
    };
    create(&mut c, mk("small", "500Mi", &["ReadWriteOnce"]));
    create(&mut c, mk("rwx", "2Gi", &["ReadWriteMany"]));
    create(&mut c, mk("big", "5Gi", &["ReadWriteOnce"]));
    create(&mut c, mk("right", "2Gi", &["ReadWriteOnce", "ReadOnlyMany"]));
    c.settle_default();
    assert_eq!(get_pv(&c, "small").unwrap().status.phase, "Available");
    create(&mut c, Object::PersistentVolumeClaim(pvc("claim", Some(""))));
    c.settle_default();
    let claim = get_pvc(&c, "claim").unwrap();
    assert_eq!(claim.spec.volume_name, "right");
    assert_eq!(claim.status.capacity.get("storage"), Some(&serde_json::json!("2Gi")));
    assert_eq!(get_pv(&c, "right").unwrap().metadata.annotations.get(ANN_BOUND_BY_CONTROLLER).map(String::as_str), Some("yes"));
}

#[test]
fn deleted_claim_in_use_stays_terminating_until_its_pod_is_gone_then_volume_is_reclaimed() {
    let mut c = cluster();
    create(&mut c, Object::PersistentVolumeClaim(pvc("www-web-0", Some("standard"))));
    create(&mut c, Object::Pod(with_claim(pod("web-0", "nginx:1.27"), "www-web-0", "/usr/share/nginx/html")));
    c.settle_default();
    let pv_name = get_pvc(&c, "www-web-0").unwrap().spec.volume_name;
    crate::engine::fs::write(&mut c, "default", "web-0", "nginx", "/usr/share/nginx/html/index.html", b"hi", false).unwrap();
    assert!(c.volumes.tree(&pv_name).is_some());
    delete(&mut c, Kind::PersistentVolumeClaim, "www-web-0", None);
    c.settle_default();
    let claim = get_pvc(&c, "www-web-0").expect("still there: in use");
    assert!(claim.metadata.deletion_timestamp.is_some());
    assert!(get_pod(&c, "web-0").unwrap().is_ready());
    delete(&mut c, Kind::Pod, "web-0", None);
    c.settle_default();
    assert!(get_pvc(&c, "www-web-0").is_none());
    assert!(get_pv(&c, &pv_name).is_none(), "reclaim policy Delete");
    assert!(c.volumes.tree(&pv_name).is_none());
}

#[test]
fn retained_volume_is_released_and_keeps_its_data() {
    let mut c = cluster();
    let mut sc = StorageClass::default();
    sc.metadata.name = "keep".into();
    sc.provisioner = "rancher.io/local-path".into();
    sc.reclaim_policy = Some("Retain".into());
    sc.volume_binding_mode = Some("WaitForFirstConsumer".into());
    create(&mut c, Object::StorageClass(sc));
    create(&mut c, Object::PersistentVolumeClaim(pvc("data", Some("keep"))));
    create(&mut c, Object::Pod(with_claim(pod("web-0", "nginx:1.27"), "data", "/data")));
    c.settle_default();
    let pv_name = get_pvc(&c, "data").unwrap().spec.volume_name;
    crate::engine::fs::write(&mut c, "default", "web-0", "nginx", "/data/x", b"kept", false).unwrap();
    delete(&mut c, Kind::Pod, "web-0", None);
    delete(&mut c, Kind::PersistentVolumeClaim, "data", None);
    c.settle_default();
    let pv = get_pv(&c, &pv_name).unwrap();
    assert_eq!(pv.status.phase, "Released");
    assert_eq!(c.volumes.tree(&pv_name).unwrap().read("/x").unwrap(), b"kept");
}

#[test]
fn quantities_parse() {
    assert_eq!(parse_quantity(&serde_json::json!("1Gi")), Some(1073741824.0));
    assert_eq!(parse_quantity(&serde_json::json!("500Mi")), Some(524288000.0));
    assert_eq!(parse_quantity(&serde_json::json!("2G")), Some(2e9));
    assert_eq!(parse_quantity(&serde_json::json!("100m")), Some(0.1));
    assert_eq!(parse_quantity(&serde_json::json!("x")), None);
}
