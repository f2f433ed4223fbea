//! Full-stack scenarios: the StatefulSet controller, scheduler, kubelet, volume provisioner,
//! garbage collector and kubectl together, checked against what a real cluster does
//! (../shared/spec/statefulset-semantics.md).

mod common;

use common::*;
use stsplay::engine::api::Kind;
use stsplay::engine::{faults, fs};

#[test]
fn ordered_creation_waits_for_each_pod_to_be_ready() {
    let mut c = cluster();
    create(&mut c, SEED);
    // After every step: a pod exists only if every lower ordinal is Running and Ready
    // (OrderedReady), and claims are created before their pod.
    let mut seen = 0;
    for _ in 0..10_000 {
        let pods = pod_names(&c);
        for (i, name) in pods.iter().enumerate() {
            assert_eq!(name, &format!("myapp-{i}"), "pods appear in ordinal order, no gaps: {pods:?}");
            assert!(claim_names(&c).contains(&format!("myapp-storage-myapp-{i}")), "claim before pod");
            if i > 0 {
                let prev = pod(&c, &pods[i - 1]).expect("previous pod");
                assert!(prev.is_running_and_ready(), "{name} exists while {} is not Ready", pods[i - 1]);
            }
        }
        seen = seen.max(pods.len());
        if ready_pods(&c).len() == 3 {
            break;
        }
        c.step();
    }
    assert_eq!(seen, 3);
    // The status follows the pods one controller sync later.
    settle(&mut c);
    let s = sts(&c, "myapp");
    assert_eq!((s.status.replicas, s.status.ready_replicas, s.status.updated_replicas), (3, 3, 3));
    let out = kubectl(&mut c, "get sts myapp");
    assert!(out.starts_with("NAME    READY   AGE\nmyapp   3/3"), "{out}");
    // The claims are bound to dynamically provisioned volumes.
    let pvc = kubectl(&mut c, "get pvc");
    assert_eq!(pvc.lines().filter(|l| l.contains(" Bound ")).count(), 3, "{pvc}");
}

#[test]
fn scale_down_removes_the_highest_ordinal_first_one_at_a_time() {
    let mut c = cluster();
    create(&mut c, SEED);
    settle(&mut c);
    assert_eq!(kubectl(&mut c, "scale sts myapp --replicas=1"), "statefulset.apps/myapp scaled\n");
    step_until(&mut c, "myapp-2 terminating", |c| !terminating_pods(c).is_empty());
    assert_eq!(terminating_pods(&c), vec!["myapp-2"]);
    // myapp-1 is not touched while myapp-2 still exists.
    while pod(&c, "myapp-2").is_some() {
        assert!(pod(&c, "myapp-1").is_some_and(|p| p.metadata.deletion_timestamp.is_none()));
        c.step();
    }
    settle(&mut c);
    assert_eq!(pod_names(&c), vec!["myapp-0"]);
    // Default retention policy (Retain): every claim stays.
    assert_eq!(claim_names(&c).len(), 3);
}

#[test]
fn data_on_the_volume_survives_pod_deletion_but_container_files_do_not() {
    let mut c = cluster();
    create(&mut c, SEED);
    settle(&mut c);
    fs::write(&mut c, "default", "myapp-1", "myapp", "/usr/share/nginx/html/index.html", b"hello from 1\n", false)
        .expect("write to the volume");
    fs::write(&mut c, "default", "myapp-1", "myapp", "/tmp/scratch", b"gone soon\n", false).expect("write to container fs");
    let old_uid = pod(&c, "myapp-1").expect("pod").metadata.uid;
    kubectl(&mut c, "delete pod myapp-1");
    settle(&mut c);
    let new = pod(&c, "myapp-1").expect("recreated with the same name");
    assert_ne!(new.metadata.uid, old_uid);
    assert_eq!(
        fs::read(&c, "default", "myapp-1", "myapp", "/usr/share/nginx/html/index.html").expect("still there"),
        b"hello from 1\n"
    );
    assert!(fs::read(&c, "default", "myapp-1", "myapp", "/tmp/scratch").is_err());
}

#[test]
fn rolling_update_goes_from_the_highest_ordinal_down_and_honours_the_partition() {
    let mut c = cluster();
    create(&mut c, SEED);
    settle(&mut c);
    let old = revision(&c, "myapp-0");
    update_sts(&mut c, "myapp", |s| {
        s.spec.update_strategy.rolling_update.get_or_insert_with(Default::default).partition = Some(2);
    });
    kubectl(&mut c, "set image statefulset/myapp myapp=nginx:1.28");
    settle(&mut c);
    // Only ordinals ≥ partition move to the new revision (a canary).
    assert_eq!(image(&c, "myapp-2"), "nginx:1.28");
    assert_eq!(image(&c, "myapp-1"), "nginx:1.27");
    assert_eq!(image(&c, "myapp-0"), "nginx:1.27");
    let s = sts(&c, "myapp");
    assert_ne!(s.status.current_revision, s.status.update_revision, "partitioned: never completes");
    assert_eq!(s.status.updated_replicas, 1);
    let status = kubectl(&mut c, "rollout status sts/myapp --watch=false");
    assert_eq!(status, "partitioned roll out complete: 1 new pods have been updated...\n");

    // Lowering the partition rolls the rest, highest first, deleting before recreating.
    update_sts(&mut c, "myapp", |s| {
        s.spec.update_strategy.rolling_update.get_or_insert_with(Default::default).partition = Some(0);
    });
    step_until(&mut c, "myapp-1 deleted", |c| pod(c, "myapp-1").is_none_or(|p| p.metadata.deletion_timestamp.is_some()));
    assert_eq!(revision(&c, "myapp-0"), old, "myapp-0 waits until myapp-1 is updated and Ready");
    settle(&mut c);
    for p in ["myapp-0", "myapp-1", "myapp-2"] {
        assert_eq!(image(&c, p), "nginx:1.28", "{p}");
    }
    let s = sts(&c, "myapp");
    assert_eq!(s.status.current_revision, s.status.update_revision, "rollout completed");
}

#[test]
fn rollback_reuses_the_old_revision_with_a_new_number() {
    let mut c = cluster();
    create(&mut c, SEED);
    settle(&mut c);
    kubectl(&mut c, "set image statefulset/myapp myapp=nginx:1.28");
    settle(&mut c);
    let before: Vec<String> = c.store.list(Kind::ControllerRevision, Some("default")).map(|o| o.meta().name.clone()).collect();
    assert_eq!(kubectl(&mut c, "rollout undo statefulset/myapp"), "statefulset.apps/myapp rolled back\n");
    settle(&mut c);
    let after: Vec<String> = c.store.list(Kind::ControllerRevision, Some("default")).map(|o| o.meta().name.clone()).collect();
    assert_eq!(before, after, "no new ControllerRevision: the old one is reused");
    let history = kubectl(&mut c, "rollout history statefulset/myapp");
    assert_eq!(history, "statefulset.apps/myapp \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n");
    for p in ["myapp-0", "myapp-1", "myapp-2"] {
        assert_eq!(image(&c, p), "nginx:1.27");
    }
}

#[test]
fn retention_when_scaled_delete_removes_claims_of_removed_replicas() {
    let mut c = cluster();
    let yaml = seed_with(|s| {
        s.replace(
            "  replicas: 3\n",
            "  replicas: 3\n  persistentVolumeClaimRetentionPolicy:\n    whenScaled: Delete\n    whenDeleted: Retain\n",
        )
    });
    create(&mut c, &yaml);
    settle(&mut c);
    kubectl(&mut c, "scale sts myapp --replicas=1");
    settle(&mut c);
    assert_eq!(claim_names(&c), vec!["myapp-storage-myapp-0"]);
    // Deleting the set keeps the remaining claim (whenDeleted: Retain).
    kubectl(&mut c, "delete sts myapp");
    settle(&mut c);
    assert!(pod_names(&c).is_empty());
    assert_eq!(claim_names(&c), vec!["myapp-storage-myapp-0"]);
}

#[test]
fn scaling_back_up_waits_for_the_stale_claim_then_settles_with_a_fresh_one() {
    // whenScaled: Delete, scaled 3 → 1 and straight back to 3 while myapp-2's claim still exists:
    // the controller waits for the garbage collector, notices the deleted claim at its informer
    // resync (it does not watch claims) and creates myapp-2 with a new claim. One wait does all of it.
    let mut c = cluster();
    let yaml = seed_with(|s| s.replace("  replicas: 3\n", "  replicas: 3\n  persistentVolumeClaimRetentionPolicy:\n    whenScaled: Delete\n"));
    create(&mut c, &yaml);
    settle(&mut c);
    let old_uid = |c: &stsplay::engine::sim::Cluster| {
        c.store.get(Kind::PersistentVolumeClaim, "default", "myapp-storage-myapp-2").map(|o| o.meta().uid.clone())
    };
    let before = old_uid(&c).expect("claim of myapp-2");
    kubectl(&mut c, "scale sts myapp --replicas=1");
    step_until(&mut c, "myapp-2 is gone", |c| pod(c, "myapp-2").is_none());
    assert_eq!(old_uid(&c).as_ref(), Some(&before), "the claim outlives its pod for a moment");
    kubectl(&mut c, "scale sts myapp --replicas=3");
    let report = settle(&mut c);
    assert!(report.blocked.is_empty(), "{:?}", report.blocked);
    assert_eq!(ready_pods(&c), vec!["myapp-0", "myapp-1", "myapp-2"]);
    let after = old_uid(&c).expect("a fresh claim");
    assert_ne!(after, before);
}

#[test]
fn retention_when_deleted_delete_removes_claims_with_the_set() {
    let mut c = cluster();
    let yaml = seed_with(|s| {
        s.replace("  replicas: 3\n", "  replicas: 3\n  persistentVolumeClaimRetentionPolicy:\n    whenDeleted: Delete\n")
    });
    create(&mut c, &yaml);
    settle(&mut c);
    kubectl(&mut c, "scale sts myapp --replicas=2");
    settle(&mut c);
    assert_eq!(claim_names(&c).len(), 3, "whenScaled defaults to Retain");
    kubectl(&mut c, "delete sts myapp");
    settle(&mut c);
    assert!(claim_names(&c).is_empty(), "{:?}", claim_names(&c));
    assert!(c.store.list(Kind::PersistentVolume, None).next().is_none(), "reclaim policy Delete removes the PVs");
}

#[test]
fn cascade_delete_removes_pods_but_keeps_claims() {
    let mut c = cluster();
    create(&mut c, SEED);
    settle(&mut c);
    let out = kubectl(&mut c, "delete statefulset myapp");
    assert!(out.starts_with("statefulset.apps \"myapp\" deleted"), "{out}");
    // The garbage collector deletes all pods at once, in no order.
    step_until(&mut c, "all pods terminating", |c| terminating_pods(c).len() == 3);
    settle(&mut c);
    assert!(pod_names(&c).is_empty());
    assert_eq!(claim_names(&c).len(), 3, "PVCs are kept to protect data");
}

#[test]
fn orphan_delete_leaves_pods_running_and_a_new_set_adopts_them() {
    let mut c = cluster();
    create(&mut c, SEED);
    settle(&mut c);
    let uids: Vec<String> = c.store.pods("default").map(|p| p.metadata.uid.clone()).collect();
    kubectl(&mut c, "delete statefulset myapp --cascade=orphan");
    settle(&mut c);
    assert!(c.store.get(Kind::StatefulSet, "default", "myapp").is_none());
    assert_eq!(ready_pods(&c).len(), 3, "pods keep running");
    assert!(c.store.pods("default").all(|p| p.metadata.owner_references.is_empty()));
    // Re-create the set (the Service is still there): it adopts the same pods instead of
    // creating new ones.
    create(&mut c, SEED.split("---").next().unwrap_or_default());
    settle(&mut c);
    let after: Vec<String> = c.store.pods("default").map(|p| p.metadata.uid.clone()).collect();
    assert_eq!(after, uids);
    let owner_uid = sts(&c, "myapp").metadata.uid;
    assert!(c.store.pods("default").all(|p| p.metadata.controller_ref().is_some_and(|r| r.uid == owner_uid)));
}

#[test]
fn a_bad_image_stops_the_rollout_and_undo_alone_does_not_unstick_it() {
    let mut c = cluster();
    create(&mut c, SEED);
    settle(&mut c);
    kubectl(&mut c, "set image statefulset/myapp myapp=nginx:does-not-exist");
    let r = settle(&mut c);
    assert!(r.settled, "failure loops do not keep the cluster busy");
    let p2 = pod(&c, "myapp-2").expect("recreated with the bad image");
    assert_eq!(p2.spec.containers[0].image, "nginx:does-not-exist");
    assert!(!p2.is_ready());
    let pods = kubectl(&mut c, "get pods");
    assert!(pods.contains("ErrImagePull") || pods.contains("ImagePullBackOff"), "{pods}");
    // The rollout is stuck: myapp-1 keeps the old image.
    c.advance(10 * 60 * 1000);
    assert_eq!(image(&c, "myapp-1"), "nginx:1.27");
    // Forced rollback (spec §3.14): reverting the template is not enough under OrderedReady…
    kubectl(&mut c, "rollout undo statefulset/myapp");
    c.advance(5 * 60 * 1000);
    assert_eq!(image(&c, "myapp-2"), "nginx:does-not-exist", "the broken pod is not replaced by itself");
    // …the user must also delete the broken pod.
    kubectl(&mut c, "delete pod myapp-2");
    settle(&mut c);
    assert_eq!(image(&c, "myapp-2"), "nginx:1.27");
    assert_eq!(ready_pods(&c).len(), 3);
}

#[test]
fn a_crashing_pod_blocks_scale_up_under_ordered_ready() {
    // With a readiness probe, a container that crashes soon after starting is never Ready.
    // (Without one, each restart makes the pod Ready for a moment, and a real controller may
    // use that moment to create the next pod — as ours does.)
    let mut c = cluster();
    // A TCP check: an `httpGet /` would get nginx's 403 for the seed's empty claim at its web root.
    let probe = "          readinessProbe:\n            tcpSocket:\n              port: 80\n            initialDelaySeconds: 5\n            periodSeconds: 5\n";
    create(&mut c, &seed_with(|s| s.replace("          volumeMounts:\n", &format!("{probe}          volumeMounts:\n"))));
    settle(&mut c);
    faults::crash_container(&mut c, "default", "myapp-1", None).expect("fault");
    c.advance(60_000);
    kubectl(&mut c, "scale sts myapp --replicas=5");
    c.advance(10 * 60 * 1000);
    assert!(pod(&c, "myapp-3").is_none(), "OrderedReady waits for the unhealthy myapp-1");
    let p = kubectl(&mut c, "get pod myapp-1");
    assert!(p.contains("CrashLoopBackOff") || p.contains("Error"), "{p}");
    let why = c.why.latest_for("statefulset/myapp").expect("a decision").reason.clone();
    assert!(why.contains("myapp-1"), "the why log names the blocker: {why}");
}

#[test]
fn settling_after_a_crash_fault_is_cleared_waits_for_the_pod_to_recover() {
    let mut c = cluster();
    create(&mut c, SEED);
    settle(&mut c);
    let f = faults::crash_container(&mut c, "default", "myapp-1", None).expect("fault");
    c.advance(60_000);
    assert!(kubectl(&mut c, "get pod myapp-1").contains("CrashLoopBackOff"));
    assert!(settle(&mut c).settled, "a crash loop alone counts as settled");
    faults::clear_fault(&mut c, &f).expect("cleared");
    // The restart already queued in the back-off is progress now: settling waits for it.
    let r = settle(&mut c);
    assert!(r.settled);
    let p = pod(&c, "myapp-1").expect("pod");
    assert!(p.is_ready(), "{}", kubectl(&mut c, "get pod myapp-1"));
    assert!(kubectl(&mut c, "get pod myapp-1").contains("Running"));
}

#[test]
fn settling_after_an_image_fault_is_cleared_finishes_the_rollout() {
    let mut c = cluster();
    create(&mut c, SEED);
    settle(&mut c);
    let f = faults::break_image(&mut c, "nginx:1.28").expect("fault");
    kubectl(&mut c, "set image sts/myapp myapp=nginx:1.28");
    settle(&mut c);
    c.advance(30_000);
    assert!(!pod(&c, "myapp-2").expect("pod").is_ready(), "the pull keeps failing");
    faults::clear_fault(&mut c, &f).expect("cleared");
    // The retry queued in the pull back-off will now succeed: settling waits for it and for
    // the rest of the rollout.
    assert!(settle(&mut c).settled);
    assert_eq!(ready_pods(&c).len(), 3);
    for n in ["myapp-0", "myapp-1", "myapp-2"] {
        assert_eq!(image(&c, n), "nginx:1.28");
    }
}

#[test]
fn a_lost_node_is_never_replaced_until_its_pod_is_force_deleted() {
    let mut c = cluster();
    create(&mut c, SEED);
    settle(&mut c);
    let node = pod(&c, "myapp-1").expect("pod").spec.node_name.clone();
    faults::fail_node(&mut c, &node).expect("fault");
    // Node goes NotReady, then the pod is marked for deletion but nobody confirms it.
    c.advance(10 * 60 * 1000);
    let p = pod(&c, "myapp-1").expect("still there: at most one pod per identity");
    assert!(p.metadata.deletion_timestamp.is_some());
    assert!(!p.is_ready());
    c.advance(30 * 60 * 1000);
    assert_eq!(pod(&c, "myapp-1").map(|p| p.metadata.uid), Some(p.metadata.uid.clone()), "not replaced");
    let out = kubectl::run_force_delete(&mut c);
    assert!(out.contains("force deleted"), "{out}");
    settle(&mut c);
    let new = pod(&c, "myapp-1").expect("recreated after the force delete");
    assert_ne!(new.metadata.uid, p.metadata.uid);
}

mod kubectl {
    use stsplay::engine::Cluster;
    use stsplay::kubectl::{run, Context};

    /// `kubectl delete pod myapp-1 --force --grace-period=0` (prints a warning on stderr).
    pub fn run_force_delete(c: &mut Cluster) -> String {
        let out = run(c, "delete pod myapp-1 --force --grace-period=0", &Context::default());
        assert_eq!(out.exit_code, 0, "{}", out.stderr);
        format!("{}{}", out.stdout, out.stderr)
    }
}

#[test]
fn the_same_operations_give_the_same_cluster() {
    let run = || {
        let mut c = cluster();
        create(&mut c, SEED);
        settle(&mut c);
        kubectl(&mut c, "scale sts myapp --replicas=5");
        c.advance(7_000);
        kubectl(&mut c, "set image statefulset/myapp myapp=nginx:1.28");
        settle(&mut c);
        dump(&c)
    };
    assert_eq!(run(), run());
}

/// The StatefulSet's own events, oldest first: (reason, message, count).
fn set_events(c: &stsplay::engine::sim::Cluster) -> Vec<(String, String, i32)> {
    let s = sts(c, "myapp");
    stsplay::engine::events::events_for(c, "default", &s.metadata.uid)
        .into_iter()
        .map(|e| (e.reason.clone(), e.message.clone(), e.count))
        .collect()
}

#[test]
fn a_flood_of_controller_events_is_combined_and_rate_limited_as_client_go_does() {
    let mut c = cluster();
    create(&mut c, &seed_with(|s| s.replace("replicas: 3", "replicas: 30\n  podManagementPolicy: Parallel")));
    settle(&mut c);
    // 60 SuccessfulCreate events (a claim and a pod per replica) about one object. The first nine
    // distinct messages are Events of their own; the tenth starts one combined Event; the spam
    // filter lets 25 through in all (9 + 1 + 15 count patches) and drops the rest.
    let events = set_events(&c);
    assert_eq!(events.len(), 10, "{events:?}");
    assert!(events[..9].iter().all(|(r, m, n)| r == "SuccessfulCreate" && !m.starts_with('(') && *n == 1), "{events:?}");
    let (reason, message, count) = &events[9];
    assert_eq!((reason.as_str(), *count), ("SuccessfulCreate", 16));
    assert!(message.starts_with("(combined from similar events): create "), "{message}");
    let describe = kubectl(&mut c, "describe sts myapp");
    assert!(describe.contains("(combined from similar events)"), "{describe}");
    // The API's shape: `eventTime` is null on a core/v1 recorder's events, the reporting fields
    // have no omitempty, and the combined event (a fresh copy upstream) leaves them empty.
    let yaml = kubectl(&mut c, "get events --field-selector involvedObject.name=myapp -o yaml");
    assert_eq!(yaml.matches("eventTime: null").count(), 10, "{yaml}");
    assert_eq!(yaml.matches("reportingComponent: statefulset-controller").count(), 9, "{yaml}");
    assert_eq!(yaml.matches("reportingComponent: \"\"").count(), 1, "{yaml}");
    assert_eq!(yaml.matches("reportingInstance: \"\"").count(), 10, "{yaml}");

    // Five minutes on, the bucket holds one token again: the next event (the new claim's) gets
    // through, carrying the count of every similar event seen meanwhile (the 35 dropped ones
    // included); the new pod's event, just after it, is dropped.
    c.advance(300_000);
    kubectl(&mut c, "scale sts myapp --replicas=31");
    settle(&mut c);
    let events = set_events(&c);
    assert_eq!(events.len(), 10, "{events:?}");
    assert_eq!(events[9].2, 16 + 35 + 1, "{events:?}");
    assert!(events[9].1.ends_with("create Claim myapp-storage-myapp-30 Pod myapp-30 in StatefulSet myapp success"), "{events:?}");
}

/// A StatefulSet whose pods mount a ConfigMap as a volume (and `app-config` does not exist yet).
const CONFIG_VOLUME_SET: &str = r#"apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
          volumeMounts:
            - name: config
              mountPath: /etc/app
      volumes:
        - name: config
          configMap:
            name: app-config
"#;

#[test]
fn a_missing_config_map_volume_holds_the_first_pod_in_container_creating_and_ordered_ready_waits() {
    let mut c = cluster();
    create(&mut c, CONFIG_VOLUME_SET);
    let r = settle(&mut c);
    assert!(r.settled, "the mount retries are a failure loop");
    c.advance(5 * 60 * 1000);
    // web-0 never gets past its volumes; OrderedReady does not create web-1.
    assert_eq!(pod_names(&c), vec!["web-0"]);
    let pods = kubectl(&mut c, "get pods");
    let row = pods.lines().nth(1).unwrap_or_default();
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cols[..4], ["web-0", "0/1", "ContainerCreating", "0"], "{pods}");
    let describe = kubectl(&mut c, "describe pod web-0");
    assert!(describe.contains("Status:           Pending\n"), "{describe}");
    assert!(
        describe.contains("  config:\n    Type:      ConfigMap (a volume populated by a ConfigMap)\n    Name:      app-config\n    Optional:  false\n"),
        "{describe}"
    );
    // One aggregated event: `Warning  FailedMount  …  (xN over 5m)  kubelet  MountVolume.SetUp failed …`.
    let line = describe.lines().find(|l| l.contains("FailedMount")).unwrap_or_default().to_string();
    assert!(line.starts_with("  Warning  FailedMount"), "{describe}");
    assert!(line.contains(" over 5m") && line.contains("(x"), "{line}");
    let from_and_message: Vec<&str> = line.split_whitespace().skip(6).collect();
    assert_eq!(from_and_message.join(" "), "kubelet MountVolume.SetUp failed for volume \"config\" : configmap \"app-config\" not found", "{line}");
    assert_eq!(describe.matches("FailedMount").count(), 1, "{describe}");
    let why = c.why.latest_for("pod/web-0").expect("a kubelet decision").reason.clone();
    assert!(why.contains("configmap \"app-config\" not found"), "{why}");

    // The ConfigMap appears: web-0 mounts it at its next retry, starts, and the set rolls on.
    create(&mut c, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  mode: primary\n");
    assert!(settle(&mut c).settled);
    assert_eq!(ready_pods(&c), vec!["web-0", "web-1", "web-2"]);
    assert_eq!(kubectl(&mut c, "exec web-0 -- cat /etc/app/mode"), "primary");
    assert_eq!(kubectl(&mut c, "exec web-2 -- cat /etc/app/mode"), "primary");
}
