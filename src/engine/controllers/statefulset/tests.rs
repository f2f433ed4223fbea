//! Scenario tests of the StatefulSet controller in a whole (simulated) cluster. Other components
//! are faked here: a test "kubelet" marks pods Running and Ready and finishes deletions, so every
//! step the controller takes can be checked (the upstream unit tests' approach).

use super::testkit::web;
use super::history::CONTROLLER_REVISION_HASH_LABEL;
use super::utils::{REVISION_LABEL, POD_INDEX_LABEL, POD_NAME_LABEL};
use crate::engine::api::*;
use crate::engine::apiserver::{self, DeleteOptions};
use crate::engine::config::ClusterConfig;
use crate::engine::sim::Cluster;
use crate::engine::store::ObjectKey;
use crate::engine::why::Verdict;

fn cluster() -> Cluster {
    // No nodes: the real scheduler and kubelet stay idle and the fake kubelet below drives pods.
    Cluster::new(ClusterConfig { nodes: Vec::new(), ..ClusterConfig::default() })
}


fn create(c: &mut Cluster, s: StatefulSet) {
    apiserver::create(c, Object::StatefulSet(s)).expect("create");
    c.settle_default();
}

fn get_set(c: &Cluster) -> StatefulSet {
    c.store.get(Kind::StatefulSet, "default", "web").and_then(|o| o.as_stateful_set()).cloned().expect("set")
}

fn update_set(c: &mut Cluster, f: impl FnOnce(&mut StatefulSet)) {
    let mut s = get_set(c);
    f(&mut s);
    apiserver::update(c, Object::StatefulSet(s)).expect("update");
    c.settle_default();
}

fn pod(c: &Cluster, name: &str) -> Option<Pod> {
    c.store.get(Kind::Pod, "default", name).and_then(|o| o.as_pod()).cloned()
}

fn pod_names(c: &Cluster) -> Vec<String> {
    c.store.pods("default").map(|p| p.metadata.name.clone()).collect()
}

/// The fake kubelet: binds the pod and makes it Running and Ready now.
fn make_ready(c: &mut Cluster, name: &str) {
    let mut p = pod(c, name).expect("pod to make ready");
    p.spec.node_name = "node-1".into();
    p.status.phase = "Running".into();
    p.status.conditions = vec![Condition {
        type_: "Ready".into(),
        status: "True".into(),
        last_transition_time: Some(c.now),
        ..Default::default()
    }];
    apiserver::write_internal(c, Object::Pod(p));
    c.settle_default();
}

/// The fake kubelet: every terminating pod finishes.
fn finish_deletions(c: &mut Cluster) {
    let terminating: Vec<ObjectKey> = c
        .store
        .pods("default")
        .filter(|p| p.metadata.deletion_timestamp.is_some())
        .map(|p| ObjectKey::new(Kind::Pod, "default", &p.metadata.name))
        .collect();
    for k in terminating {
        apiserver::finish_pod_deletion(c, &k);
    }
    c.settle_default();
}

/// Makes every pod ready, finishing deletions, until nothing changes.
fn converge(c: &mut Cluster) {
    for _ in 0..100 {
        finish_deletions(c);
        let not_ready: Vec<String> =
            c.store.pods("default").filter(|p| !p.is_running_and_ready()).map(|p| p.metadata.name.clone()).collect();
        if not_ready.is_empty() && c.store.pods("default").all(|p| p.metadata.deletion_timestamp.is_none()) {
            return;
        }
        for n in not_ready {
            make_ready(c, &n);
        }
    }
    panic!("did not converge: {:?}", pod_names(c));
}

fn events(c: &Cluster) -> Vec<String> {
    // The controller's own events (the scheduler and PV controller record theirs too).
    let mut evs: Vec<&Event> = c
        .store
        .list(Kind::Event, Some("default"))
        .filter_map(|o| o.as_event())
        .filter(|e| e.source.component == "statefulset-controller")
        .collect();
    evs.sort_by_key(|e| (e.first_timestamp, e.metadata.name.clone()));
    evs.iter().map(|e| format!("{} {}", e.reason, e.message)).collect()
}

fn revisions(c: &Cluster) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = c
        .store
        .list(Kind::ControllerRevision, Some("default"))
        .filter_map(|o| o.as_controller_revision())
        .map(|r| (r.metadata.name.clone(), r.revision))
        .collect();
    v.sort_by_key(|(_, r)| *r);
    v
}

fn last_reason(c: &Cluster) -> String {
    c.why.latest_for("statefulset/web").map(|d| d.reason.clone()).unwrap_or_default()
}

#[test]
fn ordered_ready_creates_one_pod_at_a_time() {
    let mut c = cluster();
    create(&mut c, web(3));
    assert_eq!(pod_names(&c), ["web-0"]);
    let p = pod(&c, "web-0").unwrap();
    assert_eq!(p.metadata.labels[POD_NAME_LABEL], "web-0");
    assert_eq!(p.metadata.labels[POD_INDEX_LABEL], "0");
    assert_eq!(p.spec.hostname, "web-0");
    assert_eq!(p.spec.subdomain, "nginx");
    assert!(c.store.get(Kind::PersistentVolumeClaim, "default", "www-web-0").is_some());
    assert_eq!(
        events(&c),
        [
            "SuccessfulCreate create Claim www-web-0 Pod web-0 in StatefulSet web success",
            "SuccessfulCreate create Pod web-0 in StatefulSet web successful"
        ]
    );
    assert_eq!(last_reason(&c), "waiting for web-0 (Pending) to be Running and Ready before creating web-1 (OrderedReady)");
    make_ready(&mut c, "web-0");
    assert_eq!(pod_names(&c), ["web-0", "web-1"]);
    make_ready(&mut c, "web-1");
    make_ready(&mut c, "web-2");
    let s = get_set(&c);
    assert_eq!((s.status.replicas, s.status.ready_replicas, s.status.available_replicas), (3, 3, 3));
    assert_eq!((s.status.current_replicas, s.status.updated_replicas), (3, 3));
    assert_eq!(s.status.current_revision, s.status.update_revision);
    assert_eq!(s.status.observed_generation, 1);
    assert_eq!(s.status.collision_count, Some(0));
    assert_eq!(revisions(&c).len(), 1);
    assert_eq!(revisions(&c)[0].1, 1);
    assert_eq!(pod(&c, "web-2").unwrap().metadata.labels[REVISION_LABEL], s.status.update_revision);
    // The why panel does not go on showing the last wait once there is nothing left to do.
    assert_eq!(
        last_reason(&c),
        format!("all 3 replicas are Running and Ready at revision {}; nothing to do", s.status.update_revision)
    );
}

#[test]
fn parallel_creates_every_pod_at_once() {
    let mut c = cluster();
    let mut s = web(5);
    s.spec.pod_management_policy = POD_MANAGEMENT_PARALLEL.into();
    create(&mut c, s);
    assert_eq!(pod_names(&c).len(), 5);
    assert_eq!(c.store.list(Kind::PersistentVolumeClaim, Some("default")).count(), 5);
}

#[test]
fn scale_down_removes_the_highest_ordinal_first_one_at_a_time() {
    let mut c = cluster();
    create(&mut c, web(3));
    converge(&mut c);
    update_set(&mut c, |s| s.spec.replicas = Some(1));
    assert!(pod(&c, "web-2").unwrap().metadata.deletion_timestamp.is_some());
    assert!(pod(&c, "web-1").unwrap().metadata.deletion_timestamp.is_none());
    assert_eq!(last_reason(&c), "waiting for web-2 to finish terminating before deleting the next pod (OrderedReady scale down)");
    assert_eq!(get_set(&c).status.replicas, 3, "terminating pods still count");
    finish_deletions(&mut c);
    assert!(pod(&c, "web-1").unwrap().metadata.deletion_timestamp.is_some());
    finish_deletions(&mut c);
    assert_eq!(pod_names(&c), ["web-0"]);
    // Claims are kept (Retain).
    assert_eq!(c.store.list(Kind::PersistentVolumeClaim, Some("default")).count(), 3);
    assert!(events(&c).contains(&"SuccessfulDelete delete Pod web-2 in StatefulSet web successful".to_string()));
}

#[test]
fn rolling_update_replaces_pods_from_the_top_waiting_for_each() {
    let mut c = cluster();
    create(&mut c, web(3));
    converge(&mut c);
    let old_rev = get_set(&c).status.current_revision;
    update_set(&mut c, |s| s.spec.template.spec.containers[0].image = "nginx:1.28".into());
    let s = get_set(&c);
    assert_ne!(s.status.update_revision, old_rev);
    assert_eq!(revisions(&c).len(), 2);
    assert!(pod(&c, "web-2").unwrap().metadata.deletion_timestamp.is_some());
    assert!(pod(&c, "web-1").unwrap().metadata.deletion_timestamp.is_none());
    finish_deletions(&mut c);
    let p2 = pod(&c, "web-2").unwrap();
    assert_eq!(p2.metadata.labels[REVISION_LABEL], s.status.update_revision);
    assert_eq!(p2.spec.containers[0].image, "nginx:1.28");
    assert!(pod(&c, "web-1").unwrap().metadata.deletion_timestamp.is_none(), "waits for web-2");
    assert!(last_reason(&c).starts_with("waiting for web-2 (Pending) to be Running and Ready"), "{}", last_reason(&c));
    converge(&mut c);
    let s = get_set(&c);
    assert_eq!(s.status.current_revision, s.status.update_revision);
    assert_eq!((s.status.current_replicas, s.status.updated_replicas), (3, 3));
    for n in ["web-0", "web-1", "web-2"] {
        assert_eq!(pod(&c, n).unwrap().spec.containers[0].image, "nginx:1.28");
    }
}

#[test]
fn partition_holds_lower_ordinals_back() {
    let mut c = cluster();
    create(&mut c, web(3));
    converge(&mut c);
    let old_rev = get_set(&c).status.current_revision;
    update_set(&mut c, |s| {
        s.spec.update_strategy.rolling_update.as_mut().unwrap().partition = Some(2);
        s.spec.template.spec.containers[0].image = "nginx:1.28".into();
    });
    converge(&mut c);
    assert_eq!(pod(&c, "web-2").unwrap().spec.containers[0].image, "nginx:1.28");
    assert_eq!(pod(&c, "web-1").unwrap().spec.containers[0].image, "nginx:1.27");
    let s = get_set(&c);
    assert_eq!(s.status.current_revision, old_rev, "a partitioned rollout never completes");
    assert_eq!((s.status.current_replicas, s.status.updated_replicas), (2, 1));
    assert!(last_reason(&c).starts_with("partition is 2: web-0, web-1 keep their revision"), "{}", last_reason(&c));
}

#[test]
fn on_delete_waits_for_the_user() {
    let mut c = cluster();
    let mut s = web(2);
    s.spec.update_strategy = StatefulSetUpdateStrategy { type_: ON_DELETE.into(), rolling_update: None };
    create(&mut c, s);
    converge(&mut c);
    update_set(&mut c, |s| s.spec.template.spec.containers[0].image = "nginx:1.28".into());
    assert!(c.store.pods("default").all(|p| p.metadata.deletion_timestamp.is_none()));
    assert!(last_reason(&c).starts_with("OnDelete: web-0, web-1 still run an older revision"));
    apiserver::delete(&mut c, &ObjectKey::new(Kind::Pod, "default", "web-0"), DeleteOptions::default()).unwrap();
    finish_deletions(&mut c);
    assert_eq!(pod(&c, "web-0").unwrap().spec.containers[0].image, "nginx:1.28");
    assert_eq!(pod(&c, "web-1").unwrap().spec.containers[0].image, "nginx:1.27");
}

#[test]
fn failed_pod_is_deleted_then_recreated_on_a_later_sync() {
    let mut c = cluster();
    create(&mut c, web(2));
    converge(&mut c);
    let mut p = pod(&c, "web-1").unwrap();
    let old_uid = p.metadata.uid.clone();
    p.status.phase = "Failed".into();
    p.status.reason = "Evicted".into();
    apiserver::write_internal(&mut c, Object::Pod(p));
    c.settle_default();
    let p = pod(&c, "web-1").expect("recreated");
    assert_ne!(p.metadata.uid, old_uid);
    assert_eq!(p.status.phase, "Pending");
    assert!(c.why.iter().any(|d| d.verdict == Verdict::Delete && d.reason.contains("its phase is Failed")));
}

#[test]
fn revision_names_match_a_real_cluster() {
    // The template of upstream's testdata/compatibility_revision_1.34.0.json, hash 776999688b.
    let mut c = cluster();
    let mut s = web(1);
    s.metadata.name = "test".into();
    let labels: StringMap = [("app".to_string(), "foo".to_string())].into();
    s.spec.selector = Some(LabelSelector { match_labels: labels.clone(), ..Default::default() });
    s.spec.template = PodTemplateSpec::default();
    s.spec.template.metadata.labels = labels.into();
    s.spec.template.metadata.annotations.insert("test".into(), "value".into());
    s.spec.template.spec = PodSpec {
        containers: vec![Container {
            name: "test".into(),
            image: "test".into(),
            image_pull_policy: "Always".into(),
            termination_message_path: "/dev/termination-log".into(),
            termination_message_policy: "File".into(),
            ..Default::default()
        }].into(),
        dns_policy: "ClusterFirst".into(),
        restart_policy: "Always".into(),
        scheduler_name: "default-scheduler".into(),
        security_context: Some(serde_json::json!({}).into()),
        termination_grace_period_seconds: Some(30),
        ..Default::default()
    }
    .into();
    create(&mut c, s);
    let rev = c.store.list(Kind::ControllerRevision, Some("default")).find_map(|o| o.as_controller_revision()).cloned().unwrap();
    assert_eq!(rev.metadata.name, "test-776999688b");
    assert_eq!(rev.metadata.labels[CONTROLLER_REVISION_HASH_LABEL], "776999688b");
    assert_eq!(pod(&c, "test-0").unwrap().metadata.labels[REVISION_LABEL], "test-776999688b");
}

#[test]
fn rollback_reuses_the_old_revision_with_a_new_number() {
    let mut c = cluster();
    create(&mut c, web(1));
    converge(&mut c);
    let first = revisions(&c)[0].0.clone();
    update_set(&mut c, |s| s.spec.template.spec.containers[0].image = "nginx:1.28".into());
    converge(&mut c);
    update_set(&mut c, |s| s.spec.template.spec.containers[0].image = "nginx:1.27".into());
    converge(&mut c);
    let revs = revisions(&c);
    assert_eq!(revs.len(), 2);
    assert_eq!(revs[1], (first.clone(), 3));
    assert_eq!(get_set(&c).status.update_revision, first);
}

#[test]
fn history_is_truncated_to_the_limit() {
    let mut c = cluster();
    let mut s = web(1);
    s.spec.revision_history_limit = Some(1);
    create(&mut c, s);
    converge(&mut c);
    for image in ["a", "b", "c", "d"] {
        update_set(&mut c, |s| s.spec.template.spec.containers[0].image = image.into());
        converge(&mut c);
    }
    // Live: the current/update revision (d); plus at most `limit` old ones.
    assert!(revisions(&c).len() <= 2, "{:?}", revisions(&c));
    assert!(c.why.iter().any(|d| d.verdict == Verdict::Delete && d.reason.starts_with("revisionHistoryLimit is 1")));
}

#[test]
fn when_scaled_delete_hands_the_claim_to_the_condemned_pod() {
    let mut c = cluster();
    let mut s = web(3);
    s.spec.persistent_volume_claim_retention_policy =
        Some(PersistentVolumeClaimRetentionPolicy { when_deleted: RETAIN.into(), when_scaled: DELETE.into() });
    create(&mut c, s);
    converge(&mut c);
    let claim = |c: &Cluster, n: &str| c.store.get(Kind::PersistentVolumeClaim, "default", n).and_then(|o| o.as_pvc()).cloned().unwrap();
    assert!(claim(&c, "www-web-2").metadata.owner_references.is_empty());
    update_set(&mut c, |s| s.spec.replicas = Some(2));
    let refs = claim(&c, "www-web-2").metadata.owner_references;
    assert_eq!(refs.len(), 1);
    assert_eq!((refs[0].kind.as_str(), refs[0].name.as_str()), ("Pod", "web-2"));
    assert!(claim(&c, "www-web-1").metadata.owner_references.is_empty());
}

#[test]
fn matching_orphans_are_adopted() {
    let mut c = cluster();
    let mut orphan = Pod::default();
    orphan.metadata.name = "web-0".into();
    orphan.metadata.namespace = "default".into();
    orphan.metadata.labels.insert("app".into(), "nginx".into());
    orphan.spec.containers.push(Container { name: "nginx".into(), image: "nginx:1.27".into(), ..Default::default() });
    // Like a pod left behind by `kubectl delete sts --cascade=orphan`: it already mounts its
    // claim. (A pod without it cannot be repaired: pod volumes are immutable, so upstream's
    // UpdateStatefulPod fails the same way.)
    orphan.spec.volumes.push(Volume {
        name: "www".into(),
        persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource { claim_name: "www-web-0".into(), read_only: None }),
        ..Default::default()
    });
    orphan.status.phase = "Pending".into();
    apiserver::create(&mut c, Object::Pod(orphan)).unwrap();
    create(&mut c, web(2));
    let p = pod(&c, "web-0").unwrap();
    assert_eq!(p.metadata.controller_ref().map(|r| r.name.as_str()), Some("web"));
    // Once Ready, its identity is repaired (pod-name label); scaling up goes first, then, as it
    // carries no revision label, the rolling update replaces it.
    make_ready(&mut c, "web-0");
    assert!(c.why.iter().any(|d| d.verdict == Verdict::Update && d.target == "pod/web-0"));
    let p = pod(&c, "web-0").unwrap();
    assert_eq!(p.metadata.labels[POD_NAME_LABEL], "web-0");
    assert!(pod(&c, "web-1").is_some());
    make_ready(&mut c, "web-1");
    assert!(pod(&c, "web-0").unwrap().metadata.deletion_timestamp.is_some());
}

#[test]
fn released_pods_keep_their_ordinal_taken() {
    let mut c = cluster();
    create(&mut c, web(2));
    converge(&mut c);
    let mut p = pod(&c, "web-1").unwrap();
    p.metadata.labels.insert("app".into(), "debug".into());
    apiserver::update(&mut c, Object::Pod(p)).unwrap();
    c.settle_default();
    assert!(pod(&c, "web-1").unwrap().metadata.owner_references.is_empty(), "released");
    assert!(c.why.iter().any(|d| d.verdict == Verdict::Release));
    // Creating web-1 again fails with AlreadyExists (no event) and is retried with back-off.
    assert!(c.why.iter().any(|d| d.verdict == Verdict::Fail && d.reason.contains("not managed by this StatefulSet")));
    assert!(!events(&c).iter().any(|e| e.starts_with("FailedCreate")));
}

#[test]
fn a_claim_being_deleted_blocks_its_pod() {
    let mut c = cluster();
    let mut pvc = PersistentVolumeClaim::default();
    pvc.metadata.name = "www-web-0".into();
    pvc.metadata.namespace = "default".into();
    pvc.metadata.finalizers.push("kubernetes.io/pvc-protection".into());
    pvc.spec.access_modes = vec!["ReadWriteOnce".into()];
    pvc.spec.resources.requests.insert("storage".into(), "1Gi".into());
    apiserver::create(&mut c, Object::PersistentVolumeClaim(pvc)).unwrap();
    // A scheduled pod still uses the claim, so pvc-protection keeps it Terminating.
    let mut user = Pod::default();
    user.metadata.name = "user".into();
    user.metadata.namespace = "default".into();
    user.spec.node_name = "node-1".into();
    let sleep = vec!["sleep".to_string(), "3600".to_string()];
    user.spec.containers.push(Container { name: "app".into(), image: "busybox:1.36".into(), command: sleep, ..Default::default() });
    user.spec.volumes.push(Volume {
        name: "data".into(),
        persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource { claim_name: "www-web-0".into(), read_only: None }),
        ..Default::default()
    });
    apiserver::create(&mut c, Object::Pod(user)).unwrap();
    apiserver::delete(&mut c, &ObjectKey::new(Kind::PersistentVolumeClaim, "default", "www-web-0"), DeleteOptions::default())
        .unwrap();
    create(&mut c, web(1));
    assert!(pod(&c, "web-0").is_none());
    assert!(events(&c)
        .iter()
        .any(|e| e == "FailedCreate create Pod web-0 in StatefulSet web failed error: pvc www-web-0 is being deleted"));
    // The retry loop does not keep the cluster from settling, and events aggregate.
    c.advance(60_000);
    let ev = c.store.list(Kind::Event, Some("default")).filter_map(|o| o.as_event()).find(|e| e.reason == "FailedCreate").cloned().unwrap();
    assert!(ev.count > 5, "{}", ev.count);
}

/// `createPersistentVolumeClaims` records the claim's FailedCreate with the API error itself;
/// only the error it returns (and so the pod's FailedCreate) says "failed to create PVC …"
/// (stateful_pod_control.go: the event gets the inner `err`, `errs` the wrapped one).
#[test]
fn an_invalid_claim_fails_the_claim_and_the_pod_with_upstream_messages() {
    // Since 1.34 the API server refuses such a set on create; one stored before that still
    // reaches the controller, and an update that leaves the claims alone is allowed.
    let mut c = cluster();
    create(&mut c, web(0));
    let mut s = get_set(&c);
    s.spec.volume_claim_templates[0].spec.access_modes.clear();
    apiserver::write_internal(&mut c, Object::StatefulSet(s));
    update_set(&mut c, |s| s.spec.replicas = Some(1));
    assert!(pod(&c, "web-0").is_none());
    let invalid = "PersistentVolumeClaim \"www-web-0\" is invalid: spec.accessModes: Required value: at least 1 access mode is required";
    let evs = events(&c);
    let claim = format!("FailedCreate create Claim www-web-0 for Pod web-0 in StatefulSet web failed error: {invalid}");
    let pod_ev = format!("FailedCreate create Pod web-0 in StatefulSet web failed error: failed to create PVC www-web-0: {invalid}");
    assert!(evs.contains(&claim), "{evs:#?}");
    assert!(evs.contains(&pod_ev), "{evs:#?}");
}

#[test]
fn min_ready_seconds_delays_the_next_pod() {
    let mut c = cluster();
    let mut s = web(2);
    s.spec.min_ready_seconds = Some(10);
    create(&mut c, s);
    make_ready(&mut c, "web-0");
    // settle waits for the availability re-check at minReadySeconds + 1s.
    assert_eq!(pod_names(&c), ["web-0", "web-1"]);
    let created = pod(&c, "web-1").unwrap().metadata.creation_timestamp.unwrap();
    let ready_at = pod(&c, "web-0").unwrap().status.conditions[0].last_transition_time.unwrap();
    assert!(created.since(ready_at) >= 10_000, "{}", created.since(ready_at));
    make_ready(&mut c, "web-1");
    c.advance(12_000);
    assert_eq!(get_set(&c).status.available_replicas, 2);
}

#[test]
fn deleting_set_only_updates_status() {
    let mut c = cluster();
    create(&mut c, web(2));
    converge(&mut c);
    let mut s = get_set(&c);
    s.metadata.finalizers.push("foregroundDeletion".into());
    s.metadata.deletion_timestamp = Some(c.now);
    s.spec.replicas = Some(0);
    apiserver::write_internal(&mut c, Object::StatefulSet(s));
    c.settle_default();
    assert_eq!(pod_names(&c).len(), 2);
}

#[test]
fn runs_are_deterministic() {
    let run = || {
        let mut c = cluster();
        let mut s = web(4);
        s.spec.pod_management_policy = POD_MANAGEMENT_PARALLEL.into();
        create(&mut c, s);
        converge(&mut c);
        update_set(&mut c, |s| s.spec.template.spec.containers[0].image = "nginx:1.28".into());
        converge(&mut c);
        c.store.iter().map(|(_, o)| o.to_value().to_string()).collect::<Vec<_>>().join("\n")
    };
    assert_eq!(run(), run());
}
