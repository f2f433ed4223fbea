//! A live pod's container image changed: the kubelet restarts the container with it.

use crate::engine::api::*;
use crate::engine::apiserver;
use crate::engine::sim::Cluster;
use crate::engine::testutil::*;

fn set_image(c: &mut Cluster, pod: &str, image: &str) {
    let mut p = get_pod(c, pod).expect("pod");
    p.spec.containers[0].image = image.into();
    apiserver::update(c, Object::Pod(p)).expect("update");
}

fn status(c: &Cluster, pod: &str) -> ContainerStatus {
    get_pod(c, pod).expect("pod").status.container_statuses[0].clone()
}

#[test]
fn a_new_image_restarts_the_running_container_with_it() {
    let mut c = cluster();
    create(&mut c, Object::Pod(pod("web-0", "nginx:1.27")));
    assert!(c.settle_default().settled);
    let before = status(&c, "web-0");
    set_image(&mut c, "web-0", "nginx:1.28");
    assert!(c.settle_default().settled);
    let s = status(&c, "web-0");
    assert_eq!(s.restart_count, 1);
    assert_eq!(s.image, "docker.io/library/nginx:1.28");
    assert!(s.state.running.is_some() && s.ready);
    assert_ne!(s.container_id, before.container_id);
    // nginx takes the stop signal and exits 0.
    let last = s.last_state.terminated.expect("last state");
    assert_eq!((last.exit_code, last.reason.as_str(), last.container_id.as_str()), (0, "Completed", before.container_id.as_str()));
    let ev = events_of(&c, "default", "web-0");
    let at = ev.iter().position(|e| e.0 == "Killing").expect("Killing");
    assert_eq!(ev[at].1, "Container nginx definition changed, will be restarted");
    // The new image is pulled after the kill; Created and Started are the same events again
    // (describe's "x2 over …").
    let after: Vec<&str> = ev[at + 1..].iter().map(|e| e.0.as_str()).collect();
    assert_eq!(after, ["Pulling", "Pulled"], "{ev:?}");
    assert_eq!(ev[at + 1].1, "Pulling image \"nginx:1.28\"");
    assert!(ev.iter().any(|e| e.0 == "Created" && e.2 == 2) && ev.iter().any(|e| e.0 == "Started" && e.2 == 2), "{ev:?}");
    assert!(c.why.iter().any(|d| d.reason.starts_with("the image of container nginx changed from nginx:1.27 to nginx:1.28")), "no why");
    assert!(get_pod(&c, "web-0").unwrap().is_ready());
}

#[test]
fn a_sleep_container_runs_out_its_grace_period_before_the_restart() {
    let mut c = cluster();
    let mut p = pod("sleeper", "busybox:1.36");
    p.spec.containers[0].command = vec!["sleep".into(), "3600".into()];
    p.spec.termination_grace_period_seconds = Some(10);
    p.spec.restart_policy = "Never".into();
    create(&mut c, Object::Pod(p));
    c.settle_default();
    set_image(&mut c, "sleeper", "busybox:1.37");
    c.advance(9_000);
    // Still the old container: `sleep` as PID 1 ignores SIGTERM.
    let s = status(&c, "sleeper");
    assert_eq!((s.restart_count, s.image.as_str()), (0, "docker.io/library/busybox:1.36"));
    c.advance(10_000);
    let s = status(&c, "sleeper");
    // Restarted even with restartPolicy Never: the spec changed.
    assert_eq!((s.restart_count, s.image.as_str()), (1, "docker.io/library/busybox:1.37"));
    let last = s.last_state.terminated.expect("last state");
    assert_eq!((last.exit_code, last.reason.as_str()), (137, "Error"));
    assert_eq!(get_pod(&c, "sleeper").unwrap().status.phase, "Running");
}

#[test]
fn an_image_pull_back_off_ends_at_once_with_a_fixed_image() {
    let mut c = cluster();
    create(&mut c, Object::Pod(pod("web-0", "nginx:nope")));
    // `nope`: a tag no registry has.
    c.advance(30_000);
    assert_eq!(status(&c, "web-0").state.waiting.map(|w| w.reason), Some("ImagePullBackOff".to_string()));
    set_image(&mut c, "web-0", "nginx:1.27");
    // The new image is pulled at once, without waiting out the old image's back-off.
    c.advance(500);
    assert!(events_of(&c, "default", "web-0").iter().any(|e| e.1 == "Pulling image \"nginx:1.27\""));
    assert!(c.settle_default().settled);
    let s = status(&c, "web-0");
    assert!(s.state.running.is_some(), "{s:?}");
    assert_eq!((s.restart_count, s.image.as_str()), (0, "docker.io/library/nginx:1.27"));
}

#[test]
fn a_completed_init_container_is_left_alone_and_a_sidecar_is_restarted() {
    let mut c = cluster();
    let mut p = pod("web-0", "nginx:1.27");
    p.spec.init_containers.push(Container { name: "setup".into(), image: "busybox:1.36".into(), command: vec!["true".into()], ..Default::default() });
    p.spec.init_containers.push(Container { name: "proxy".into(), image: "nginx:1.27".into(), restart_policy: "Always".into(), ..Default::default() });
    create(&mut c, Object::Pod(p));
    assert!(c.settle_default().settled);
    let mut p = get_pod(&c, "web-0").unwrap();
    p.spec.init_containers[0].image = "busybox:1.37".into();
    p.spec.init_containers[1].image = "nginx:1.28".into();
    apiserver::update(&mut c, Object::Pod(p)).expect("update");
    assert!(c.settle_default().settled);
    let p = get_pod(&c, "web-0").unwrap();
    let init = &p.status.init_container_statuses;
    assert_eq!((init[0].restart_count, init[0].image.as_str()), (0, "docker.io/library/busybox:1.36"));
    assert_eq!((init[1].restart_count, init[1].image.as_str()), (1, "docker.io/library/nginx:1.28"));
    assert_eq!(p.status.container_statuses[0].restart_count, 0);
    let ev = events_of(&c, "default", "web-0");
    assert!(ev.iter().any(|e| e.0 == "Killing" && e.1 == "Init container proxy definition changed"), "{ev:?}");
}
