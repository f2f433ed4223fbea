//! The kubelet's startup probe worker (`pkg/kubelet/prober/worker.go` for the `startup` probe
//! type, `prober_manager.go` `UpdatePodStatus`, `kuberuntime_manager.go` `computePodActions`).
//!
//! While a container's startup probe has not succeeded, the container is not `started`, so not
//! `ready`, and its readiness and liveness workers skip every tick (`doProbe`: "Disable other
//! probes until container has started"). The worker has ticked at `periodSeconds` since the pod
//! was added, so its first probe of a new container comes at the first tick past
//! `initialDelaySeconds`: the delay plus up to one period. Once it succeeds, the container is
//! started for the rest of its run and the probe is not run again; readiness and liveness take
//! over ([`super::probes::after_startup`]).
//!
//! What makes it fail: the playground's apps start at once and answer their probes unless a fault
//! says otherwise, and the fault for an unhealthy app is the liveness one ("its health endpoint
//! fails"). A startup probe is the liveness check of an app that is still starting (the
//! Kubernetes docs set it up on the liveness endpoint), so under that fault every period fails
//! with a `Startup probe failed: …` event, and after `failureThreshold` failures in a row the
//! container is killed and restarted like a liveness failure (then CrashLoopBackOff). An
//! `httpGet` of the nginx/httpd web server gets its real answer ([`super::prober`]): a 403 for a
//! web root with no `index.html` fails it the same way.

use super::prober::Failure;
use super::liveness::kill_for_probe;
use super::probes::{after_startup, key, outcome, period_ms, spec, threshold};
use super::{container_event, enqueue_step, pod_of, CState, Step};
use crate::engine::api::{Container, Pod, Probe};
use crate::engine::sim::Cluster;
use crate::engine::why::Verdict;

fn initial_delay_ms(p: &Probe) -> u64 {
    p.initial_delay_seconds.unwrap_or(0).max(0) as u64 * 1000
}

/// What the startup probe answers now: the liveness fault fails it (see the module doc), and the
/// web server answers what it serves.
fn answer(c: &Cluster, p: &Pod, s: &Container, sp: &Probe, uid: &str, name: &str) -> Result<(), Failure> {
    outcome(c, p, s, sp, c.runtime.faults.liveness.contains(&key(uid, name)))
}

/// Records a kubelet decision about a container's startup.
fn decide(c: &mut Cluster, uid: &str, name: &str, verdict: Verdict, reason: String) {
    let Some(p) = pod_of(c, uid) else { return };
    c.decide(super::COMPONENT, format!("pod/{}", p.metadata.name), verdict, format!("container/{name}"), reason);
}

/// A container with a startup probe just started: it stays not started and not ready until the
/// probe's first success; schedule the worker's first probe of it.
pub fn on_start(c: &mut Cluster, uid: &str, name: &str, spec: &Container) {
    let Some(s) = &spec.startup_probe else { return };
    let Some(seq) = c.runtime.pods.get(uid).and_then(|r| r.ctr(name)).map(|x| x.seq) else { return };
    let first = initial_delay_ms(s) + c.rng.range(0, period_ms(s));
    decide(
        c,
        uid,
        name,
        Verdict::Wait,
        format!("container {name} runs, but its startup probe has not succeeded yet: not started, not Ready; readiness and liveness probes wait for it"),
    );
    // While it fails, the probes ahead are a failure loop; otherwise the success is awaited.
    let looping = pod_of(c, uid).is_some_and(|p| answer(c, &p, spec, s, uid, name).is_err());
    enqueue_step(c, uid, name, seq, Step::Startup, first.max(1), looping);
}

/// One startup probe period (`worker.doProbe`): success marks the container started for good;
/// `failureThreshold` consecutive failures get it killed and restarted.
pub fn probe(c: &mut Cluster, uid: &str, name: &str) {
    let Some(p) = pod_of(c, uid) else { return };
    let Some(s) = spec(&p, name) else { return };
    let Some(sp) = &s.startup_probe else { return };
    let result = answer(c, &p, s, sp, uid, name);
    let Some(x) = c.runtime.pods.get_mut(uid).and_then(|r| r.ctr_mut(name)) else { return };
    let CState::Running { started_at } = x.state else { return };
    if x.started {
        return;
    }
    let seq = x.seq;
    let Err(f) = result else {
        x.started = true;
        x.startup_failures = 0;
        // No readiness probe: ready as soon as it has started (`UpdatePodStatus`).
        x.ready = s.readiness_probe.is_none();
        let elapsed = c.now.since(started_at).max(0) as u64;
        let then = if s.readiness_probe.is_some() { "; its readiness probe decides Ready from now on" } else { " and Ready (no readiness probe)" };
        decide(c, uid, name, Verdict::Update, format!("startup probe of container {name} succeeded: the container is started{then}"));
        super::status::write(c, uid);
        after_startup(c, uid, name, s, elapsed);
        // A sidecar that has started lets the next init container run.
        super::lifecycle::advance(c, uid);
        return;
    };
    x.startup_failures += 1;
    let failures = x.startup_failures;
    let limit = threshold(sp);
    container_event(c, uid, name, "Warning", "Unhealthy", &format!("Startup probe failed: {}", f.message));
    // The web server's answer says why (a fault is its own reason): once, at the first failure.
    if failures == 1 && failures < limit && !f.why.is_empty() {
        decide(c, uid, name, Verdict::Wait, format!("container {name}'s startup probe fails ({} more in a row and it is restarted): {}", limit - 1, f.why));
    }
    if failures < limit {
        enqueue_step(c, uid, name, seq, Step::Startup, period_ms(sp), true);
        return;
    }
    if let Some(x) = c.runtime.pods.get_mut(uid).and_then(|r| r.ctr_mut(name)) {
        x.startup_failures = 0;
    }
    decide(
        c,
        uid,
        name,
        Verdict::Update,
        format!("container {name} failed its startup probe {failures} times in a row (failureThreshold {limit}): killing it to start it again{}", if f.why.is_empty() { String::new() } else { format!("; {}", f.why) }),
    );
    kill_for_probe(c, uid, name, seq, &p, sp, "startup");
}

#[cfg(test)]
mod tests {
    use crate::engine::api::{Container, Object, Probe};
    use crate::engine::faults;
    use crate::engine::sim::Cluster;
    use crate::engine::testutil::*;

    fn http() -> crate::engine::api::Opaque {
        Some(serde_json::json!({"path": "/", "port": 80}).into())
    }

    /// A pod whose container has a startup probe (period 10 s, failureThreshold 3) and a
    /// readiness probe.
    fn probed(c: &mut Cluster, startup_delay: i32) {
        let mut p = pod("web-0", "nginx:1.27");
        let x: &mut Container = &mut p.spec.containers[0];
        x.startup_probe = Some(Probe {
            http_get: http(),
            initial_delay_seconds: Some(startup_delay),
            period_seconds: Some(10),
            failure_threshold: Some(3),
            ..Default::default()
        });
        x.readiness_probe = Some(Probe { http_get: http(), period_seconds: Some(5), ..Default::default() });
        create(c, Object::Pod(p));
    }

    fn started(c: &Cluster) -> Option<bool> {
        get_pod(c, "web-0").and_then(|p| p.status.container_statuses.first().and_then(|s| s.started))
    }

    #[test]
    fn not_started_nor_ready_until_the_startup_probe_succeeds() {
        let mut c = cluster();
        probed(&mut c, 20);
        // Running, but inside the startup probe's initialDelaySeconds.
        c.advance(15_000);
        let p = get_pod(&c, "web-0").unwrap();
        assert_eq!(p.status.phase, "Running");
        assert_eq!(started(&c), Some(false));
        assert!(!p.is_ready());
        let ready = p.condition("Ready").unwrap();
        assert_eq!(ready.message, "containers with unready status: [nginx]");
        assert!(c.why.iter().any(|d| d.reason.contains("startup probe has not succeeded yet")));
        let r = c.settle_default();
        assert!(r.settled, "{:?}", r.blocked);
        assert_eq!(started(&c), Some(true));
        assert!(get_pod(&c, "web-0").unwrap().is_ready());
        let ev = events_of(&c, "default", "web-0");
        assert!(!ev.iter().any(|e| e.0 == "Unhealthy"), "{ev:?}");
    }

    #[test]
    fn without_a_startup_probe_a_running_container_is_started_at_once() {
        let mut c = cluster();
        create(&mut c, Object::Pod(pod("web-0", "nginx:1.27")));
        c.settle_default();
        assert_eq!(started(&c), Some(true));
    }

    #[test]
    fn a_failing_startup_probe_kills_and_restarts_the_container() {
        let mut c = cluster();
        probed(&mut c, 0);
        c.advance(3_000);
        faults::fail_liveness(&mut c, "default", "web-0", None).unwrap();
        // Three failures 10 s apart, the first within 10 s of the start.
        c.advance(20_500);
        let ev = events_of(&c, "default", "web-0");
        assert!(!ev.iter().any(|e| e.0 == "Killing"), "{ev:?}");
        c.advance(20_000);
        let ev = events_of(&c, "default", "web-0");
        assert!(ev.iter().any(|e| e.0 == "Unhealthy" && e.1 == "Startup probe failed: HTTP probe failed with statuscode: 503"), "{ev:?}");
        assert!(ev.iter().any(|e| e.0 == "Killing" && e.1 == "Container nginx failed startup probe, will be restarted"), "{ev:?}");
        // Readiness never ran while the container had not started.
        assert!(!ev.iter().any(|e| e.1.starts_with("Readiness probe failed")), "{ev:?}");
        c.advance(5_000);
        let p = get_pod(&c, "web-0").unwrap();
        assert!(p.status.container_statuses[0].restart_count >= 1);
        assert!(!p.is_ready());
        assert!(c.why.iter().any(|d| d.reason.contains("failed its startup probe 3 times in a row")));
    }

    #[test]
    fn clearing_the_fault_lets_the_next_start_succeed() {
        let mut c = cluster();
        probed(&mut c, 0);
        c.advance(2_000);
        let f = faults::fail_liveness(&mut c, "default", "web-0", None).unwrap();
        c.advance(45_000);
        faults::clear_fault(&mut c, &f).unwrap();
        let r = c.settle_default();
        assert!(r.settled, "{:?}", r.blocked);
        let p = get_pod(&c, "web-0").unwrap();
        assert!(p.is_ready());
        assert_eq!(started(&c), Some(true));
    }

    #[test]
    fn a_liveness_fault_after_startup_fails_liveness_not_startup() {
        let mut c = cluster();
        let mut p = pod("web-0", "nginx:1.27");
        p.spec.containers[0].startup_probe = Some(Probe { http_get: http(), ..Default::default() });
        p.spec.containers[0].liveness_probe = Some(Probe { http_get: http(), ..Default::default() });
        create(&mut c, Object::Pod(p));
        c.settle_default();
        assert!(get_pod(&c, "web-0").unwrap().is_ready());
        faults::fail_liveness(&mut c, "default", "web-0", None).unwrap();
        c.advance(31_000);
        let ev = events_of(&c, "default", "web-0");
        assert!(ev.iter().any(|e| e.0 == "Killing" && e.1 == "Container nginx failed liveness probe, will be restarted"), "{ev:?}");
        assert!(!ev.iter().any(|e| e.1.starts_with("Startup probe failed")), "{ev:?}");
    }

    /// A sidecar with a startup probe holds the containers after it until it has started
    /// (`computeInitContainerActions`), and is killed as an init container when it fails.
    #[test]
    fn a_sidecar_startup_probe_holds_the_main_containers() {
        let mut c = cluster();
        let mut p = pod("web-0", "nginx:1.27");
        p.spec.init_containers.push(Container {
            name: "proxy".into(),
            image: "nginx:1.27".into(),
            restart_policy: "Always".into(),
            startup_probe: Some(Probe { http_get: http(), initial_delay_seconds: Some(20), ..Default::default() }),
            ..Default::default()
        });
        create(&mut c, Object::Pod(p));
        c.advance(15_000);
        let p = get_pod(&c, "web-0").unwrap();
        assert_eq!(p.status.phase, "Pending");
        assert_eq!(p.status.container_statuses[0].state.waiting.as_ref().unwrap().reason, "PodInitializing");
        assert_eq!(p.status.init_container_statuses[0].started, Some(false));
        c.settle_default();
        let p = get_pod(&c, "web-0").unwrap();
        assert!(p.is_ready());
        assert_eq!(p.status.init_container_statuses[0].started, Some(true));

        let mut c = cluster();
        let mut p = pod("web-0", "nginx:1.27");
        p.spec.init_containers.push(Container {
            name: "proxy".into(),
            image: "nginx:1.27".into(),
            restart_policy: "Always".into(),
            startup_probe: Some(Probe { http_get: http(), initial_delay_seconds: Some(20), ..Default::default() }),
            ..Default::default()
        });
        create(&mut c, Object::Pod(p));
        c.advance(5_000);
        faults::fail_liveness(&mut c, "default", "web-0", Some("proxy")).unwrap();
        c.advance(60_000);
        let ev = events_of(&c, "default", "web-0");
        assert!(ev.iter().any(|e| e.0 == "Killing" && e.1 == "Init container proxy failed startup probe"), "{ev:?}");
        assert!(!ev.iter().any(|e| e.1 == "Container nginx failed startup probe, will be restarted"), "{ev:?}");
    }

    #[test]
    fn a_node_back_from_an_outage_resumes_the_startup_probe() {
        let mut c = cluster();
        probed(&mut c, 20);
        c.advance(10_000);
        let f = faults::fail_node(&mut c, "node-1").unwrap();
        // Back before the node is marked unreachable and its pod evicted, but after the first
        // probe tick (at most 20 s + one period after the start) has passed.
        c.advance(35_000);
        assert_eq!(started(&c), Some(false));
        faults::clear_fault(&mut c, &f).unwrap();
        let r = c.settle_default();
        assert!(r.settled, "{:?}", r.blocked);
        assert_eq!(started(&c), Some(true));
        assert!(get_pod(&c, "web-0").unwrap().is_ready());
    }

    #[test]
    fn kill_messages_follow_compute_pod_actions() {
        use super::super::liveness::kill_message;
        assert_eq!(kill_message("db", "startup", false, true), "Container db failed startup probe, will be restarted");
        assert_eq!(kill_message("db", "startup", false, false), "Container db failed startup probe");
        assert_eq!(kill_message("proxy", "startup", true, true), "Init container proxy failed startup probe");
    }
}
