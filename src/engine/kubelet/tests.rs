use crate::engine::api::*;
use crate::engine::testutil::*;

#[test]
fn pod_goes_from_scheduled_to_running_and_ready_with_upstream_events() {
    let mut c = cluster();
    create(&mut c, Object::Pod(pod("web-0", "nginx:1.27")));
    let r = c.settle_default();
    assert!(r.settled, "{:?}", r.blocked);
    let p = get_pod(&c, "web-0").unwrap();
    assert_eq!(p.status.phase, "Running");
    assert!(p.is_ready());
    assert_eq!(p.spec.node_name, "node-1");
    assert_eq!(p.status.pod_ip, "10.244.1.2");
    assert_eq!(p.status.host_ip, "172.18.0.2");
    assert!(p.status.start_time.is_some());
    let types: Vec<&str> = p.status.conditions.iter().map(|x| x.type_.as_str()).collect();
    assert_eq!(types, vec!["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"]);
    assert!(p.status.conditions.iter().all(|x| x.status == "True" && x.last_transition_time.is_some()));
    let cs = &p.status.container_statuses[0];
    assert!(cs.ready && cs.started == Some(true) && cs.state.running.is_some());
    assert_eq!(cs.image, "docker.io/library/nginx:1.27");
    assert!(cs.container_id.starts_with("containerd://"));
    assert!(cs.image_id.starts_with("docker.io/library/nginx@sha256:"));
    assert_eq!(p.status.qos_class, "BestEffort");
    let ev = events_of(&c, "default", "web-0");
    let reasons: Vec<&str> = ev.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(reasons, vec!["Scheduled", "Pulling", "Pulled", "Created", "Started"]);
    assert_eq!(ev[0].1, "Successfully assigned default/web-0 to node-1");
    assert_eq!(ev[1].1, "Pulling image \"nginx:1.27\"");
    assert!(ev[2].1.starts_with("Successfully pulled image \"nginx:1.27\" in "), "{}", ev[2].1);
    assert!(ev[2].1.contains(" including waiting). Image size: ") && ev[2].1.ends_with(" bytes."));
    assert_eq!(ev[3].1, "Container created");
    assert_eq!(ev[4].1, "Container started");
    let e = c.store.list(Kind::Event, Some("default")).filter_map(|o| o.as_event()).find(|e| e.reason == "Started").unwrap();
    assert_eq!(e.involved_object.field_path, "spec.containers{nginx}");
    assert_eq!(e.source.component, "kubelet");
    assert_eq!(e.source.host, "node-1");
}

#[test]
fn second_pod_on_a_node_finds_the_image_present() {
    let mut c = cluster();
    for i in 0..4 {
        create(&mut c, Object::Pod(pod(&format!("web-{i}"), "nginx:1.27")));
        c.settle_default();
    }
    let p3 = get_pod(&c, "web-3").unwrap();
    assert_eq!(p3.spec.node_name, "node-1", "spread: fewest pods, ties by name");
    let ev = events_of(&c, "default", "web-3");
    assert!(ev.iter().any(|e| e.0 == "Pulled" && e.1 == "Container image \"nginx:1.27\" already present on machine and can be accessed by the pod"));
    assert!(!ev.iter().any(|e| e.0 == "Pulling"));
    assert_eq!(get_pod(&c, "web-1").unwrap().spec.node_name, "node-2");
    assert_eq!(get_pod(&c, "web-3").unwrap().status.pod_ip, "10.244.1.3");
}

#[test]
fn init_containers_run_first_and_sidecars_count_for_readiness() {
    let mut c = cluster();
    let mut p = pod("web-0", "nginx:1.27");
    p.spec.init_containers.push(Container { name: "init".into(), image: "busybox:1.36".into(), ..Default::default() });
    // A sidecar's command must keep running (busybox's own `sh` would end at once).
    let tail = vec!["sh".to_string(), "-c".to_string(), "tail -F /var/log/nginx/access.log".to_string()];
    p.spec.init_containers.push(Container { name: "log".into(), image: "busybox:1.36".into(), command: tail, restart_policy: "Always".into(), ..Default::default() });
    create(&mut c, Object::Pod(p));
    c.advance(400);
    let early = get_pod(&c, "web-0").unwrap();
    assert_eq!(early.status.phase, "Pending");
    assert_eq!(early.status.container_statuses[0].state.waiting.as_ref().unwrap().reason, "PodInitializing");
    let init = early.condition("Initialized").unwrap();
    assert_eq!((init.status.as_str(), init.reason.as_str()), ("False", "ContainersNotInitialized"));
    assert_eq!(init.message, "containers with incomplete status: [init log]");
    c.settle_default();
    let p = get_pod(&c, "web-0").unwrap();
    assert_eq!(p.status.phase, "Running");
    assert!(p.is_ready());
    let init = &p.status.init_container_statuses[0];
    assert_eq!(init.state.terminated.as_ref().unwrap().reason, "Completed");
    assert!(p.status.init_container_statuses[1].state.running.is_some());
    let order: Vec<String> = events_of(&c, "default", "web-0").into_iter().filter(|e| e.0 == "Started").map(|e| e.1).collect();
    assert_eq!(order.len(), 3);
    let started: Vec<String> = c
        .store
        .list(Kind::Event, Some("default"))
        .filter_map(|o| o.as_event())
        .filter(|e| e.reason == "Started")
        .map(|e| e.involved_object.field_path.clone())
        .collect();
    assert!(started.contains(&"spec.initContainers{init}".to_string()) && started.contains(&"spec.containers{nginx}".to_string()));
}

#[test]
fn readiness_probe_delays_ready_by_its_initial_delay() {
    let mut c = cluster();
    let mut p = pod("web-0", "nginx:1.27");
    p.spec.containers[0].readiness_probe = Some(Probe {
        http_get: Some(serde_json::json!({"path": "/", "port": 80}).into()),
        initial_delay_seconds: Some(20),
        period_seconds: Some(5),
        ..Default::default()
    });
    create(&mut c, Object::Pod(p));
    c.advance(15_000);
    let p = get_pod(&c, "web-0").unwrap();
    assert_eq!(p.status.phase, "Running");
    assert!(!p.is_ready());
    assert_eq!(p.condition("Ready").unwrap().message, "containers with unready status: [nginx]");
    c.settle_default();
    let p = get_pod(&c, "web-0").unwrap();
    assert!(p.is_ready());
    let started = p.status.container_statuses[0].state.running.as_ref().unwrap().started_at.unwrap();
    let ready_at = p.condition("Ready").unwrap().last_transition_time.unwrap();
    let delay = ready_at.since(started);
    assert!((20_000..=25_000).contains(&delay), "ready {delay} ms after start");
}

#[test]
fn readiness_without_initial_delay_succeeds_within_a_second_of_the_start() {
    // prober_manager.go UpdatePodStatus: the first status sync after the start triggers the
    // readiness worker at once, so a healthy pod does not wait for its worker's first tick.
    for seed_pod in ["web-0", "web-1", "web-2"] {
        let mut c = cluster();
        let mut p = pod(seed_pod, "nginx:1.27");
        p.spec.containers[0].readiness_probe =
            Some(Probe { http_get: Some(serde_json::json!({"path": "/", "port": 80}).into()), period_seconds: Some(30), ..Default::default() });
        create(&mut c, Object::Pod(p));
        c.settle_default();
        let p = get_pod(&c, seed_pod).unwrap();
        let started = p.status.container_statuses[0].state.running.as_ref().unwrap().started_at.unwrap();
        let delay = p.condition("Ready").unwrap().last_transition_time.unwrap().since(started);
        assert!((0..1_000).contains(&delay), "ready {delay} ms after start");
    }
}

#[test]
fn graceful_termination_kills_then_removes_the_pod() {
    let mut c = cluster();
    create(&mut c, Object::Pod(pod("web-0", "nginx:1.27")));
    c.settle_default();
    delete(&mut c, Kind::Pod, "web-0", None);
    let p = get_pod(&c, "web-0").unwrap();
    assert!(p.metadata.deletion_timestamp.is_some());
    assert!(p.is_ready(), "a terminating pod stays Ready until its containers stop");
    let t0 = c.now;
    c.settle_default();
    assert!(get_pod(&c, "web-0").is_none());
    assert!(c.now.since(t0) < 2_000, "nginx stops on SIGTERM within a second");
    assert!(reasons(&c, "web-0").contains(&"Killing".to_string()));
    let killing = events_of(&c, "default", "web-0").into_iter().find(|e| e.0 == "Killing").unwrap();
    assert_eq!(killing.1, "Stopping container nginx");
    assert!(c.runtime.pod(&p.metadata.uid).is_none());
}

#[test]
fn busybox_sleep_ignores_sigterm_and_runs_out_the_grace_period() {
    let mut c = cluster();
    let mut p = pod("sleeper", "busybox:1.36");
    p.spec.containers[0].command = vec!["sleep".into(), "3600".into()];
    p.spec.termination_grace_period_seconds = Some(10);
    create(&mut c, Object::Pod(p));
    c.settle_default();
    delete(&mut c, Kind::Pod, "sleeper", None);
    let t0 = c.now;
    c.advance(9_000);
    assert!(get_pod(&c, "sleeper").is_some());
    c.settle_default();
    assert!(get_pod(&c, "sleeper").is_none());
    assert!(c.now.since(t0) >= 10_000 && c.now.since(t0) < 11_000);
}

#[test]
fn crash_fault_gives_crash_loop_back_off_with_doubling_delays() {
    let mut c = cluster();
    create(&mut c, Object::Pod(pod("web-1", "nginx:1.27")));
    c.settle_default();
    crate::engine::faults::crash_container(&mut c, "default", "web-1", None).unwrap();
    let uid = get_pod(&c, "web-1").unwrap().metadata.uid;
    let mut seen = Vec::new();
    let mut restarts = Vec::new();
    for _ in 0..20_000 {
        c.step();
        let p = get_pod(&c, "web-1").unwrap();
        let cs = &p.status.container_statuses[0];
        if let Some(w) = &cs.state.waiting {
            if w.reason == "CrashLoopBackOff" && seen.last() != Some(&w.message) {
                seen.push(w.message.clone());
            }
        }
        if restarts.last() != Some(&cs.restart_count) {
            restarts.push(cs.restart_count);
        }
        if seen.len() >= 6 {
            break;
        }
    }
    let want: Vec<String> = ["10s", "20s", "40s", "1m20s", "2m40s", "5m0s"]
        .iter()
        .map(|d| format!("back-off {d} restarting failed container=nginx pod=web-1_default({uid})"))
        .collect();
    assert_eq!(seen, want);
    let p = get_pod(&c, "web-1").unwrap();
    assert_eq!(p.status.phase, "Running");
    assert!(!p.is_ready());
    let cs = &p.status.container_statuses[0];
    let last = cs.last_state.terminated.as_ref().unwrap();
    assert_eq!((last.exit_code, last.reason.as_str()), (1, "Error"));
    assert!(restarts.windows(2).all(|w| w[1] == w[0] + 1), "{restarts:?}");
    let backoff = events_of(&c, "default", "web-1").into_iter().find(|e| e.0 == "BackOff").unwrap();
    assert_eq!(backoff.1, format!("Back-off restarting failed container nginx in pod web-1_default({uid})"));
    assert!(backoff.2 >= 5, "aggregated count {}", backoff.2);
    assert!(c.is_settled(), "a crash loop alone does not keep the cluster busy");

    crate::engine::faults::clear_fault(&mut c, &crate::engine::faults::Fault::CrashContainer {
        namespace: "default".into(),
        pod: "web-1".into(),
        container: "nginx".into(),
    })
    .unwrap();
    c.advance(400_000);
    let p = get_pod(&c, "web-1").unwrap();
    assert!(p.is_ready());
    assert!(p.status.container_statuses[0].state.running.is_some());
}

#[test]
fn missing_image_alternates_err_image_pull_and_image_pull_back_off() {
    let mut c = cluster();
    create(&mut c, Object::Pod(pod("web-0", "nginx:nope")));
    c.advance(2_000);
    let p = get_pod(&c, "web-0").unwrap();
    let w = p.status.container_statuses[0].state.waiting.clone().unwrap();
    assert_eq!(w.reason, "ErrImagePull");
    assert_eq!(
        w.message,
        "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:nope\": failed to resolve reference \"docker.io/library/nginx:nope\": docker.io/library/nginx:nope: not found"
    );
    assert_eq!(p.status.phase, "Pending");
    c.advance(3_000);
    let p = get_pod(&c, "web-0").unwrap();
    let w = p.status.container_statuses[0].state.waiting.clone().unwrap();
    assert_eq!(w.reason, "ImagePullBackOff");
    assert!(w.message.starts_with("Back-off pulling image \"nginx:nope\": ErrImagePull: rpc error"));
    c.advance(120_000);
    let ev = events_of(&c, "default", "web-0");
    let has = |r: &str, m: &str| ev.iter().any(|e| e.0 == r && e.1.starts_with(m));
    assert!(has("Failed", "Failed to pull image \"nginx:nope\": rpc error: code = NotFound"));
    assert!(has("Failed", "Error: ErrImagePull"));
    assert!(has("BackOff", "Back-off pulling image \"nginx:nope\""));
    assert!(has("Failed", "Error: ImagePullBackOff"));
    assert!(ev.iter().find(|e| e.0 == "Pulling").unwrap().2 >= 3);
    assert!(c.settle_default().settled);
}

#[test]
fn broken_image_fault_only_hits_nodes_that_must_pull() {
    let mut c = cluster();
    create(&mut c, Object::Pod(pod("a", "nginx:1.27")));
    c.settle_default();
    crate::engine::faults::break_image(&mut c, "nginx:1.27").unwrap();
    // node-1 has the image already; the next pod goes to node-2, which must pull it.
    create(&mut c, Object::Pod(pod("b", "nginx:1.27")));
    c.advance(10_000);
    let b = get_pod(&c, "b").unwrap();
    assert_eq!(b.spec.node_name, "node-2");
    assert!(b.status.container_statuses[0].state.waiting.is_some());
    crate::engine::faults::clear_fault(&mut c, &crate::engine::faults::Fault::MissingImage { image: "nginx:1.27".into() }).unwrap();
    // The pull is retried when its back-off ends (a failure loop: settle alone would not wait).
    c.advance(30_000);
    assert!(get_pod(&c, "b").unwrap().is_ready());
    assert!(get_pod(&c, "a").unwrap().is_ready());
}

#[test]
fn readiness_fault_turns_pod_unready_after_failure_threshold() {
    let mut c = cluster();
    let mut p = pod("web-0", "nginx:1.27");
    p.spec.containers[0].readiness_probe = Some(Probe {
        http_get: Some(serde_json::json!({"path": "/", "port": 80}).into()),
        period_seconds: Some(10),
        failure_threshold: Some(3),
        ..Default::default()
    });
    create(&mut c, Object::Pod(p));
    c.settle_default();
    assert!(get_pod(&c, "web-0").unwrap().is_ready());
    crate::engine::faults::fail_readiness(&mut c, "default", "web-0", None).unwrap();
    c.advance(15_000);
    assert!(get_pod(&c, "web-0").unwrap().is_ready(), "one failure is not enough");
    c.advance(30_000);
    let p = get_pod(&c, "web-0").unwrap();
    assert!(!p.is_ready());
    assert_eq!(p.status.phase, "Running");
    let un = events_of(&c, "default", "web-0").into_iter().find(|e| e.0 == "Unhealthy").unwrap();
    assert_eq!(un.1, "Readiness probe failed: HTTP probe failed with statuscode: 503");
    assert!(un.2 >= 3);
    crate::engine::faults::clear_fault(&mut c, &crate::engine::faults::Fault::FailReadiness {
        namespace: "default".into(),
        pod: "web-0".into(),
        container: "nginx".into(),
    })
    .unwrap();
    c.advance(15_000);
    assert!(get_pod(&c, "web-0").unwrap().is_ready());
    assert!(c.settle_default().settled);
}

#[test]
fn readiness_fault_without_a_probe_changes_nothing() {
    let mut c = cluster();
    create(&mut c, Object::Pod(pod("web-0", "nginx:1.27")));
    c.settle_default();
    let f = crate::engine::faults::Fault::FailReadiness { namespace: "default".into(), pod: "web-0".into(), container: "nginx".into() };
    let note = crate::engine::faults::apply_fault(&mut c, &f).unwrap();
    assert!(note.contains("no readiness probe"), "{note}");
    c.advance(60_000);
    assert!(get_pod(&c, "web-0").unwrap().is_ready());
    assert_eq!(crate::engine::faults::active_faults(&c), vec![f]);
}

#[test]
fn liveness_fault_restarts_the_container() {
    let mut c = cluster();
    let mut p = pod("web-0", "nginx:1.27");
    p.spec.containers[0].liveness_probe = Some(Probe { http_get: Some(serde_json::json!({"path": "/", "port": 80}).into()), ..Default::default() });
    create(&mut c, Object::Pod(p));
    c.settle_default();
    crate::engine::faults::fail_liveness(&mut c, "default", "web-0", None).unwrap();
    c.advance(45_000);
    let ev = events_of(&c, "default", "web-0");
    assert!(ev.iter().any(|e| e.0 == "Unhealthy" && e.1 == "Liveness probe failed: HTTP probe failed with statuscode: 503"));
    assert!(ev.iter().any(|e| e.0 == "Killing" && e.1 == "Container nginx failed liveness probe, will be restarted"));
    let p = get_pod(&c, "web-0").unwrap();
    assert!(p.status.container_statuses[0].restart_count >= 1);
}

#[test]
fn container_files_vanish_with_restart_but_volume_files_do_not() {
    let mut c = cluster();
    create(&mut c, Object::PersistentVolumeClaim(pvc("www-web-0", Some("standard"))));
    create(&mut c, Object::Pod(with_claim(pod("web-0", "nginx:1.27"), "www-web-0", "/usr/share/nginx/html")));
    c.settle_default();
    let fs = crate::engine::fs::write;
    fs(&mut c, "default", "web-0", "nginx", "/tmp/local.txt", b"scratch", false).unwrap();
    fs(&mut c, "default", "web-0", "nginx", "/usr/share/nginx/html/index.html", b"web-0\n", false).unwrap();
    crate::engine::faults::crash_container(&mut c, "default", "web-0", None).unwrap();
    c.advance(3_000);
    crate::engine::faults::clear_fault(&mut c, &crate::engine::faults::Fault::CrashContainer {
        namespace: "default".into(),
        pod: "web-0".into(),
        container: "nginx".into(),
    })
    .unwrap();
    c.settle_default();
    assert!(get_pod(&c, "web-0").unwrap().status.container_statuses[0].restart_count >= 1);
    let read = |c: &crate::engine::sim::Cluster, path: &str| crate::engine::fs::read(c, "default", "web-0", "nginx", path);
    assert_eq!(read(&c, "/tmp/local.txt").unwrap_err(), "/tmp/local.txt: No such file or directory");
    assert_eq!(read(&c, "/usr/share/nginx/html/index.html").unwrap(), b"web-0\n");
}

fn scenario() -> String {
    let mut c = cluster();
    create(&mut c, Object::Service(headless("nginx")));
    create(&mut c, Object::PersistentVolumeClaim(pvc("www-web-0", Some("standard"))));
    create(&mut c, Object::Pod(with_claim(sts_pod("web-0", "nginx", "nginx:1.27"), "www-web-0", "/usr/share/nginx/html")));
    create(&mut c, Object::Pod(sts_pod("web-1", "nginx", "nginx:1.27")));
    c.settle_default();
    crate::engine::faults::crash_container(&mut c, "default", "web-1", None).unwrap();
    c.advance(60_000);
    crate::engine::faults::fail_node(&mut c, "node-1").unwrap();
    c.advance(400_000);
    delete(&mut c, Kind::Pod, "web-1", None);
    c.settle_default();
    let mut out = String::new();
    for (k, v) in c.store.iter() {
        out.push_str(&format!("{k:?} {}\n", v.to_value()));
    }
    out
}

#[test]
fn same_operations_give_identical_store_dumps() {
    let a = scenario();
    let b = scenario();
    assert!(a.len() > 1000);
    assert_eq!(a, b);
}

#[test]
fn stateful_set_end_to_end_with_real_node_components() {
    let mut c = cluster();
    create(&mut c, Object::Service(headless("nginx")));
    let labels: StringMap = [("app".to_string(), "web".to_string())].into();
    let mut s = StatefulSet::default();
    s.metadata.name = "web".into();
    s.spec.replicas = Some(3);
    s.spec.service_name = "nginx".into();
    s.spec.selector = Some(LabelSelector { match_labels: labels.clone(), ..Default::default() });
    s.spec.template.metadata.labels = labels.into();
    s.spec.template.spec.containers.push(Container {
        name: "nginx".into(),
        image: "nginx:1.27".into(),
        ports: vec![ContainerPort { name: "web".into(), container_port: 80, ..Default::default() }],
        volume_mounts: vec![VolumeMount { name: "www".into(), mount_path: "/usr/share/nginx/html".into(), ..Default::default() }],
        ..Default::default()
    });
    let mut claim = PersistentVolumeClaim::default();
    claim.metadata.name = "www".into();
    claim.spec.access_modes = vec!["ReadWriteOnce".into()];
    claim.spec.resources.requests.insert("storage".into(), serde_json::json!("1Gi"));
    s.spec.volume_claim_templates.push(claim);
    create(&mut c, Object::StatefulSet(s));
    let r = c.settle_default();
    assert!(r.settled, "{:?}", r.blocked);
    let set = c.store.get(Kind::StatefulSet, "default", "web").and_then(|o| o.as_stateful_set()).cloned().unwrap();
    assert_eq!(set.status.ready_replicas, 3);
    let nodes: Vec<String> = (0..3).map(|i| get_pod(&c, &format!("web-{i}")).unwrap().spec.node_name.clone()).collect();
    assert_eq!(nodes, vec!["node-1", "node-2", "node-3"]);
    for i in 0..3 {
        assert_eq!(get_pvc(&c, &format!("www-web-{i}")).unwrap().status.phase, "Bound");
    }
    crate::engine::fs::write(&mut c, "default", "web-1", "nginx", "/usr/share/nginx/html/index.html", b"web-1\n", false).unwrap();
    assert_eq!(crate::engine::webserver::curl(&c, &get_pod(&c, "web-0").unwrap(), "http://web-1.nginx").unwrap().body, "web-1\n");
    // Delete the pod: the controller recreates it with the same claim, on the same node (the
    // local volume pins it there), with the same file.
    delete(&mut c, Kind::Pod, "web-1", None);
    c.settle_default();
    let p = get_pod(&c, "web-1").unwrap();
    assert!(p.is_ready());
    assert_eq!(p.spec.node_name, "node-2");
    assert_eq!(crate::engine::webserver::curl(&c, &get_pod(&c, "web-0").unwrap(), "http://web-1.nginx").unwrap().body, "web-1\n");
}

/// Each probe type has its own worker ticking at its own `periodSeconds`
/// (`pkg/kubelet/prober/prober_manager.go` `AddPod`, `worker.go` `run`): a liveness probe with
/// period 10 s and failureThreshold 3 needs three failures 10 s apart before the kill, however
/// often the readiness probe runs.
#[test]
fn liveness_probe_fails_at_its_own_period_not_the_readiness_period() {
    let mut c = cluster();
    let mut p = pod("web-0", "nginx:1.27");
    let http = || Some(serde_json::json!({"path": "/", "port": 80}).into());
    p.spec.containers[0].readiness_probe = Some(Probe { http_get: http(), period_seconds: Some(2), ..Default::default() });
    p.spec.containers[0].liveness_probe = Some(Probe { http_get: http(), period_seconds: Some(10), failure_threshold: Some(3), ..Default::default() });
    create(&mut c, Object::Pod(p));
    c.settle_default();
    crate::engine::faults::fail_liveness(&mut c, "default", "web-0", None).unwrap();
    c.advance(20_500);
    let ev = events_of(&c, "default", "web-0");
    assert!(!ev.iter().any(|e| e.0 == "Killing"), "{ev:?}");
    let failures: i32 = ev.iter().filter(|e| e.1.starts_with("Liveness probe failed")).map(|e| e.2).sum();
    assert_eq!(failures, 2, "liveness failures in 20.5 s");
    c.advance(10_000);
    let ev = events_of(&c, "default", "web-0");
    assert!(ev.iter().any(|e| e.0 == "Killing" && e.1 == "Container nginx failed liveness probe, will be restarted"), "{ev:?}");
}

/// `successThreshold`: an unready container turns Ready only after that many consecutive
/// successes (`pkg/kubelet/prober/worker.go` `doProbe`, `resultRun < SuccessThreshold`).
#[test]
fn readiness_needs_success_threshold_successes_to_recover() {
    let mut c = cluster();
    let mut p = pod("web-0", "nginx:1.27");
    p.spec.containers[0].readiness_probe = Some(Probe {
        http_get: Some(serde_json::json!({"path": "/", "port": 80}).into()),
        period_seconds: Some(5),
        failure_threshold: Some(1),
        success_threshold: Some(3),
        ..Default::default()
    });
    create(&mut c, Object::Pod(p));
    c.settle_default();
    let f = crate::engine::faults::fail_readiness(&mut c, "default", "web-0", None).unwrap();
    c.advance(6_000);
    assert!(!get_pod(&c, "web-0").unwrap().is_ready());
    crate::engine::faults::clear_fault(&mut c, &f).unwrap();
    c.advance(9_000);
    assert!(!get_pod(&c, "web-0").unwrap().is_ready(), "two successes at most so far");
    c.advance(6_000);
    assert!(get_pod(&c, "web-0").unwrap().is_ready());
}

#[test]
fn readiness_gates_hold_ready_false_until_their_condition_is_true() {
    // kubelet status/generate.go GeneratePodReadyCondition: containers ready is not enough.
    let mut c = cluster();
    let mut p = pod("web-0", "nginx:1.27");
    p.spec.readiness_gates = Some(serde_json::json!([{"conditionType": "example.com/lb"}]).into());
    create(&mut c, Object::Pod(p));
    c.settle_default();
    let p = get_pod(&c, "web-0").unwrap();
    assert!(p.condition("ContainersReady").is_some_and(|x| x.status == "True"));
    let ready = p.condition("Ready").unwrap();
    assert_eq!((ready.status.as_str(), ready.reason.as_str()), ("False", "ReadinessGatesNotReady"));
    assert_eq!(ready.message, "corresponding condition of pod readiness gate \"example.com/lb\" does not exist.");
    // Another writer sets the gate's condition: the kubelet's next sync turns the pod Ready.
    let mut with_gate = p.clone();
    with_gate.status.conditions.push(Condition { type_: "example.com/lb".into(), status: "False".into(), ..Default::default() });
    crate::engine::apiserver::update_status(&mut c, Object::Pod(with_gate.clone())).expect("status");
    c.settle_default();
    let ready = get_pod(&c, "web-0").unwrap().condition("Ready").unwrap().clone();
    assert_eq!(ready.message, "the status of pod readiness gate \"example.com/lb\" is not \"True\", but False");
    let mut p = get_pod(&c, "web-0").unwrap();
    p.status.conditions.iter_mut().filter(|x| x.type_ == "example.com/lb").for_each(|x| x.status = "True".into());
    crate::engine::apiserver::update_status(&mut c, Object::Pod(p)).expect("status");
    c.settle_default();
    assert!(get_pod(&c, "web-0").unwrap().is_ready());
}

#[test]
fn a_kubelet_back_from_an_outage_carries_on_with_pulls_and_probes_due_meanwhile() {
    // Down while the image pulls (first case) and while the first readiness success is due
    // (second): neither step may be lost, or the pod sits ContainerCreating / 0/1 for good.
    for down_after_ms in [1_500, 8_000] {
        let mut c = cluster();
        let mut p = pod("web-0", "nginx:1.27");
        p.spec.containers[0].readiness_probe = Some(Probe {
            http_get: Some(serde_json::json!({"path": "/", "port": 80}).into()),
            initial_delay_seconds: Some(5),
            period_seconds: Some(10),
            ..Default::default()
        });
        create(&mut c, Object::Pod(p));
        c.advance(down_after_ms);
        assert!(!get_pod(&c, "web-0").unwrap().is_ready());
        let f = crate::engine::faults::fail_node(&mut c, "node-1").unwrap();
        // Back before the node is marked unreachable.
        c.advance(20_000);
        crate::engine::faults::clear_fault(&mut c, &f).unwrap();
        let r = c.settle_default();
        assert!(r.settled, "{:?}", r.blocked);
        let p = get_pod(&c, "web-0").unwrap();
        assert_eq!(p.status.phase, "Running", "down after {down_after_ms} ms");
        assert!(p.is_ready(), "down after {down_after_ms} ms");
    }
}

#[test]
fn pod_generation_is_reported_as_observed_generation() {
    // KEP-5067 / PodObservedGenerationTracking (on since v1.34, GA in v1.35): the API server
    // gives pods generation 1 and bumps it on a spec change; binding and status writes do not.
    // The kubelet reports it in status.observedGeneration and on its conditions, the scheduler
    // on PodScheduled.
    let mut c = cluster();
    create(&mut c, Object::Pod(pod("web-0", "nginx:1.27")));
    assert!(c.settle_default().settled);
    let p = get_pod(&c, "web-0").unwrap();
    assert_eq!(p.metadata.generation, 1);
    assert_eq!(p.status.observed_generation, Some(1));
    assert!(p.status.conditions.iter().all(|x| x.observed_generation == Some(1)), "{:?}", p.status.conditions);
    // ContainerStatus.LastState is a struct, not a pointer: `lastState: {}` before any restart.
    let yaml = crate::kubectl::printers::yaml::to_yaml(&Object::Pod(p.clone()).to_value());
    assert!(yaml.contains("\n    lastState: {}\n"), "{yaml}");
    let mut q = p.clone();
    q.spec.containers[0].image = "nginx:1.28".into();
    crate::engine::apiserver::update(&mut c, Object::Pod(q)).expect("update");
    assert!(c.settle_default().settled);
    let p = get_pod(&c, "web-0").unwrap();
    assert_eq!(p.metadata.generation, 2);
    assert_eq!(p.status.observed_generation, Some(2));
    let ready = p.condition("Ready").unwrap();
    assert_eq!(ready.observed_generation, Some(2));
}
