//! The kubelet running each container's main process as [`super::entrypoint`] decides: commands
//! that end, shells without stdin, databases without a password.

use crate::engine::api::*;
use crate::engine::testutil::*;

fn status(c: &crate::engine::sim::Cluster, name: &str) -> ContainerStatus {
    get_pod(c, name).expect("pod").status.container_statuses[0].clone()
}

fn with_command(mut p: Pod, argv: &[&str]) -> Pod {
    p.spec.containers[0].command = argv.iter().map(|s| s.to_string()).collect();
    p
}

#[test]
fn busybox_without_a_command_completes_then_crash_loops() {
    let mut c = cluster();
    create(&mut c, Object::Pod(pod("b", "busybox")));
    c.settle_default();
    // `sh` reads end-of-file at once: exit 0, Completed, and restartPolicy Always restarts it.
    let s = status(&c, "b");
    let t = s.state.terminated.clone().expect("terminated");
    assert_eq!((t.exit_code, t.reason.as_str()), (0, "Completed"));
    assert_eq!(get_pod(&c, "b").unwrap().status.phase, "Running");
    let why = c.why.iter().find(|d| d.target == "container/nginx").map(|d| d.reason.clone()).unwrap_or_default();
    assert!(
        why.starts_with("container nginx exited 0: busybox's default command `sh` is a shell with no stdin") && why.ends_with("restartPolicy Always restarts it, with a doubling back-off while it keeps exiting (CrashLoopBackOff)"),
        "{why}"
    );
    // The first restart is immediate; after the next exit the kubelet backs off 10s, then 20s.
    let mut backoffs = Vec::new();
    for _ in 0..120 {
        c.advance(1_000);
        let s = status(&c, "b");
        if let Some(w) = s.state.waiting.as_ref().filter(|w| w.reason == "CrashLoopBackOff") {
            if backoffs.last() != Some(&w.message) {
                backoffs.push(w.message.clone());
            }
        }
    }
    let uid = get_pod(&c, "b").unwrap().metadata.uid;
    assert_eq!(backoffs[0], format!("back-off 10s restarting failed container=nginx pod=b_default({uid})"));
    assert_eq!(backoffs[1], format!("back-off 20s restarting failed container=nginx pod=b_default({uid})"));
    assert!(status(&c, "b").restart_count >= 3);
    assert_eq!(status(&c, "b").last_state.terminated.map(|t| t.reason), Some("Completed".to_string()));
}

#[test]
fn an_open_stdin_keeps_the_shell_waiting() {
    let mut c = cluster();
    let mut p = pod("b", "busybox");
    p.spec.containers[0].stdin = Some(serde_json::json!(true).into());
    create(&mut c, Object::Pod(p));
    c.settle_default();
    c.advance(60_000);
    let s = status(&c, "b");
    assert!(s.state.running.is_some() && s.restart_count == 0, "{s:?}");
}

#[test]
fn a_command_runs_for_as_long_as_it_says() {
    let mut c = cluster();
    create(&mut c, Object::Pod(with_command(pod("s", "busybox"), &["sleep", "5"])));
    create(&mut c, Object::Pod(with_command(pod("h", "busybox"), &["sleep", "3600"])));
    let mut n = pod("n", "busybox");
    n.spec.restart_policy = "Never".into();
    create(&mut c, Object::Pod(with_command(n, &["sh", "-c", "echo hello; exit 3"])));
    c.settle_default();
    let t = status(&c, "s").state.terminated.expect("sleep 5 ended");
    let ran = t.finished_at.unwrap().since(t.started_at.unwrap());
    assert!((5_000..6_000).contains(&ran), "{ran}");
    // An hour's sleep is not awaited: the pod runs.
    assert!(status(&c, "h").state.running.is_some());
    // restartPolicy Never: a non-zero exit is an Error and the pod Failed.
    let t = status(&c, "n").state.terminated.expect("ended");
    assert_eq!((t.exit_code, t.reason.as_str()), (3, "Error"));
    assert_eq!(get_pod(&c, "n").unwrap().status.phase, "Failed");
    let out = c.runtime.pod(&get_pod(&c, "n").unwrap().metadata.uid).and_then(|rt| rt.ctr("nginx")).and_then(|x| x.main.clone());
    assert_eq!(out.map(|m| m.output.clone()), Some(vec!["hello".to_string()]));
}

#[test]
fn on_failure_leaves_a_successful_container_completed() {
    let mut c = cluster();
    let mut p = with_command(pod("j", "busybox"), &["sh", "-c", "echo done"]);
    p.spec.restart_policy = "OnFailure".into();
    create(&mut c, Object::Pod(p));
    c.settle_default();
    c.advance(60_000);
    let p = get_pod(&c, "j").unwrap();
    assert_eq!((p.status.phase.as_str(), p.status.container_statuses[0].restart_count), ("Succeeded", 0));
}

#[test]
fn postgres_needs_its_password() {
    let mut c = cluster();
    create(&mut c, Object::Pod(pod("pg", "postgres:16")));
    c.settle_default();
    let t = status(&c, "pg").state.terminated.expect("exited");
    assert_eq!((t.exit_code, t.reason.as_str()), (1, "Error"));
    c.advance(20_000);
    assert_eq!(status(&c, "pg").state.waiting.map(|w| w.reason), Some("CrashLoopBackOff".to_string()));
    // The password from a Secret: the next restart runs, and the pod settles Running.
    let secret = serde_json::json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "pg", "namespace": "default"}, "data": {"password": "czNjcmV0"}});
    create(&mut c, Object::from_value(Kind::Secret, secret).expect("secret"));
    let mut p = get_pod(&c, "pg").unwrap();
    crate::engine::apiserver::delete(&mut c, &crate::engine::store::ObjectKey::new(Kind::Pod, "default", "pg"), Default::default()).expect("deleted");
    c.settle_default();
    p.metadata = ObjectMeta { name: "pg".into(), namespace: "default".into(), ..Default::default() };
    p.spec.node_name.clear();
    p.status = PodStatus::default();
    p.spec.containers[0].env = vec![EnvVar {
        name: "POSTGRES_PASSWORD".into(),
        value: None,
        value_from: Some(serde_json::json!({"secretKeyRef": {"name": "pg", "key": "password"}}).into()),
    }];
    create(&mut c, Object::Pod(p));
    c.settle_default();
    c.advance(30_000);
    let s = status(&c, "pg");
    assert!(s.state.running.is_some() && s.restart_count == 0, "{s:?}");
}

#[test]
fn init_containers_follow_their_command() {
    let mut c = cluster();
    // A failing init container holds the pod back and restarts (restartPolicy Always).
    let mut p = pod("web-0", "nginx:1.27");
    p.spec.init_containers.push(Container {
        name: "wait".into(),
        image: "busybox:1.36".into(),
        command: vec!["sh".into(), "-c".into(), "exit 1".into()],
        ..Default::default()
    });
    create(&mut c, Object::Pod(p));
    c.settle_default();
    c.advance(30_000);
    let p = get_pod(&c, "web-0").unwrap();
    assert_eq!(p.status.phase, "Pending");
    assert!(p.status.init_container_statuses[0].restart_count >= 1);
    assert!(p.status.container_statuses[0].state.waiting.is_some());
}

/// The stop signal reaches the container's actual PID 1: the nginx image with its command
/// overridden to `sleep infinity` runs out its grace period (exit 137), while `sh -c "…; exec
/// nginx …"` on busybox's family of shells hands PID 1 to nginx, which stops at once.
#[test]
fn deletion_waits_for_a_pid1_that_ignores_the_stop_signal() {
    let mut c = cluster();
    let mut p = with_command(pod("sleeper", "nginx:1.27"), &["sleep", "infinity"]);
    p.spec.termination_grace_period_seconds = Some(20);
    create(&mut c, Object::Pod(p));
    create(&mut c, Object::Pod(with_command(pod("web", "nginx:1.27"), &["sh", "-c", "echo starting; exec nginx -g 'daemon off;'"])));
    c.settle_default();
    delete(&mut c, Kind::Pod, "sleeper", None);
    delete(&mut c, Kind::Pod, "web", None);
    c.advance(2_000);
    assert!(get_pod(&c, "web").is_none(), "nginx as PID 1 stops on SIGQUIT");
    c.advance(17_000);
    assert!(get_pod(&c, "sleeper").is_some(), "sleep as PID 1 ignores the stop signal");
    c.advance(2_000);
    assert!(get_pod(&c, "sleeper").is_none());
    let why = c.why.iter().find(|d| d.component == "kubelet" && d.target == "pod/sleeper" && d.reason.starts_with("pod is being deleted")).map(|d| d.reason.clone()).unwrap_or_default();
    assert!(why.contains("container nginx: PID 1 is `sleep infinity`, which sets no handler for SIGQUIT"), "{why}");
}
