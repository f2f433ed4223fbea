use crate::engine::api::*;
use crate::engine::testutil::*;

fn failed_scheduling(c: &crate::engine::sim::Cluster, pod: &str) -> Vec<(String, i32)> {
    events_of(c, "default", pod).into_iter().filter(|e| e.0 == "FailedScheduling").map(|e| (e.1, e.2)).collect()
}

#[test]
fn missing_claim_is_unschedulable_until_it_appears() {
    let mut c = cluster();
    create(&mut c, Object::Pod(with_claim(pod("web-0", "nginx:1.27"), "www-web-0", "/data")));
    c.settle_default();
    let p = get_pod(&c, "web-0").unwrap();
    assert!(p.spec.node_name.is_empty());
    let want = "0/3 nodes are available: persistentvolumeclaim \"www-web-0\" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    assert_eq!(failed_scheduling(&c, "web-0")[0].0, want);
    let cond = p.condition("PodScheduled").unwrap();
    assert_eq!((cond.status.as_str(), cond.reason.as_str(), cond.message.as_str()), ("False", "Unschedulable", want));
    create(&mut c, Object::PersistentVolumeClaim(pvc("www-web-0", Some("standard"))));
    c.settle_default();
    assert!(get_pod(&c, "web-0").unwrap().is_ready());
}

#[test]
fn unbound_immediate_claim_blocks_scheduling() {
    let mut c = cluster();
    let mut sc = StorageClass::default();
    sc.metadata.name = "ext".into();
    sc.provisioner = "ebs.csi.aws.com".into();
    sc.volume_binding_mode = Some("Immediate".into());
    create(&mut c, Object::StorageClass(sc));
    create(&mut c, Object::PersistentVolumeClaim(pvc("data", Some("ext"))));
    create(&mut c, Object::Pod(with_claim(pod("db-0", "postgres:16"), "data", "/var/lib/postgresql/data")));
    c.settle_default();
    assert_eq!(
        failed_scheduling(&c, "db-0")[0].0,
        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
    let ev = events_of(&c, "default", "data");
    assert!(ev.iter().any(|e| e.0 == "ExternalProvisioning" && e.1.contains("'ebs.csi.aws.com'")));
    // Retried at least every five minutes: the event count grows.
    c.advance(11 * 60_000);
    assert!(failed_scheduling(&c, "db-0")[0].1 >= 3);
}

#[test]
fn cordoned_and_selected_away_nodes_are_reported_per_reason() {
    let mut c = cluster();
    for n in ["node-1", "node-2"] {
        let mut node = c.store.get(Kind::Node, "", n).and_then(|o| o.as_node()).cloned().unwrap();
        node.spec.unschedulable = Some(true);
        crate::engine::apiserver::write_internal(&mut c, Object::Node(node));
    }
    let mut p = pod("web-0", "nginx:1.27");
    p.spec.node_selector.insert("kubernetes.io/hostname".into(), "node-1".into());
    create(&mut c, Object::Pod(p));
    c.settle_default();
    assert_eq!(
        failed_scheduling(&c, "web-0")[0].0,
        "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 node(s) were unschedulable. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
    let mut node = c.store.get(Kind::Node, "", "node-1").and_then(|o| o.as_node()).cloned().unwrap();
    node.spec.unschedulable = None;
    crate::engine::apiserver::write_internal(&mut c, Object::Node(node));
    c.settle_default();
    assert_eq!(get_pod(&c, "web-0").unwrap().spec.node_name, "node-1");
}

#[test]
fn full_nodes_report_too_many_pods_and_cpu() {
    let mut c = cluster();
    let mut p = pod("big", "nginx:1.27");
    p.spec.containers[0].resources = Some(serde_json::json!({"requests": {"cpu": "8"}}).into());
    create(&mut c, Object::Pod(p));
    c.settle_default();
    assert_eq!(
        failed_scheduling(&c, "big")[0].0,
        "0/3 nodes are available: 3 Insufficient cpu. no new claims to deallocate, preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
    );
    assert!(c.scheduler.node_cache_is_fresh(&c.store));
}

#[test]
fn pods_spread_over_nodes_and_pod_limit_is_enforced() {
    let cfg = crate::engine::ClusterConfig { nodes: vec!["node-1".into()], ..Default::default() };
    let mut c = crate::engine::Cluster::new(cfg);
    for i in 0..111 {
        let obj = Object::Pod(pod(&format!("p-{i}"), "nginx:1.27"));
        crate::engine::apiserver::create(&mut c, obj).unwrap();
    }
    c.settle_default();
    let unscheduled: Vec<String> =
        c.store.pods("default").filter(|p| p.spec.node_name.is_empty()).map(|p| p.metadata.name.clone()).collect();
    assert_eq!(unscheduled.len(), 1);
    assert!(failed_scheduling(&c, &unscheduled[0])[0].0.starts_with("0/1 nodes are available: 1 Too many pods."));
    // A pod leaving frees a slot; the waiting pod is retried.
    delete(&mut c, Kind::Pod, "p-0", None);
    c.settle_default();
    assert!(!get_pod(&c, &unscheduled[0]).unwrap().spec.node_name.is_empty());
    assert!(c.scheduler.node_cache_is_fresh(&c.store));
}

#[test]
fn node_cache_follows_requests_assumed_pods_and_node_changes() {
    let mut c = cluster();
    for i in 0..6 {
        let mut p = pod(&format!("p-{i}"), "nginx:1.27");
        p.spec.containers[0].resources = Some(serde_json::json!({"requests": {"cpu": "300m", "memory": "64Mi"}}).into());
        create(&mut c, Object::Pod(p));
    }
    // An assumed pod (waiting for its claim) counts too.
    create(&mut c, Object::PersistentVolumeClaim(pvc("www-web-0", Some("standard"))));
    create(&mut c, Object::Pod(with_claim(pod("web-0", "nginx:1.27"), "www-web-0", "/data")));
    c.step();
    assert!(c.scheduler.node_cache_is_fresh(&c.store));
    c.settle_default();
    assert!(c.scheduler.node_cache_is_fresh(&c.store));
    let mut node = c.store.get(Kind::Node, "", "node-2").and_then(|o| o.as_node()).cloned().unwrap();
    node.status.allocatable.insert("cpu".into(), "1".into());
    crate::engine::apiserver::write_internal(&mut c, Object::Node(node));
    delete(&mut c, Kind::Pod, "p-1", Some(0));
    c.settle_default();
    assert!(c.scheduler.node_cache_is_fresh(&c.store));
    crate::engine::faults::fail_node(&mut c, "node-1").unwrap();
    c.advance(10 * 60_000);
    assert!(c.scheduler.node_cache_is_fresh(&c.store));
}

#[test]
fn pods_waiting_for_volume_binding_still_count_on_their_node() {
    let mut c = cluster();
    for i in 0..3 {
        let claim = format!("www-web-{i}");
        crate::engine::apiserver::create(&mut c, Object::PersistentVolumeClaim(pvc(&claim, Some("standard")))).unwrap();
        crate::engine::apiserver::create(&mut c, Object::Pod(with_claim(pod(&format!("web-{i}"), "nginx:1.27"), &claim, "/data"))).unwrap();
    }
    c.settle_default();
    let nodes: Vec<String> = (0..3).map(|i| get_pod(&c, &format!("web-{i}")).unwrap().spec.node_name.clone()).collect();
    assert_eq!(nodes, vec!["node-1", "node-2", "node-3"]);
    let pvc0 = get_pvc(&c, "www-web-0").unwrap();
    assert_eq!(pvc0.metadata.annotations.get("volume.kubernetes.io/selected-node").map(String::as_str), Some("node-1"));
}

#[test]
fn a_pod_whose_volume_lives_on_a_lost_node_cannot_move() {
    let mut c = cluster();
    create(&mut c, Object::PersistentVolumeClaim(pvc("www-web-0", Some("standard"))));
    let p = with_claim(pod("web-0", "nginx:1.27"), "www-web-0", "/data");
    create(&mut c, Object::Pod(p.clone()));
    c.settle_default();
    crate::engine::faults::fail_node(&mut c, "node-1").unwrap();
    c.advance(60_000);
    delete(&mut c, Kind::Pod, "web-0", Some(0));
    create(&mut c, Object::Pod(p));
    c.settle_default();
    assert_eq!(
        failed_scheduling(&c, "web-0")[0].0,
        "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) didn't match PersistentVolume's node affinity. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
}
