//! The kubelet's liveness probe worker (`pkg/kubelet/prober/worker.go` for a liveness probe):
//! it only runs here while its probe fails (a fault, or the web server's answer, see
//! [`super::probes`]); after `failureThreshold` consecutive failures the container is killed and
//! restarted (`kuberuntime_manager.go` `computePodActions`).
//!
//! For [`Cluster::settle`] (`sim wait`), a failing liveness probe's first kill is an outcome to
//! wait for, as a readiness probe about to turn a Ready pod unready is: the failing periods up to
//! the kill, the kill and the restart after it are progress. Under a failure that lasts, the
//! restarted container is killed again and again with a growing back-off (CrashLoopBackOff):
//! that repetition is a failure loop, which settling ignores. [`Ctr::liveness_killed_at`] tells
//! the two apart: the restart count of the instance the failure killed first.

use super::probes::{decide, key, outcome, period_ms, spec, threshold};
use super::{container_event, enqueue_step, pod_of, CState, Ctr, Step};
use crate::engine::api::{Pod, Probe};
use crate::engine::sim::Cluster;
use crate::engine::why::Verdict;

/// Whether a liveness kill of this container would repeat one of the same failure: a failing
/// liveness probe already killed an earlier instance. Its probe periods, its kill and the restart
/// after it are then a failure loop for [`Cluster::settle`].
pub(super) fn looping(x: &Ctr) -> bool {
    x.liveness_killed_at.is_some_and(|r| x.restarts > r)
}

/// Whether the container is between the first kill of a liveness failure and the start of the
/// next instance: its restart (even after a back-off) is awaited.
pub(super) fn first_kill_pending(x: &Ctr) -> bool {
    x.liveness_killed_at == Some(x.restarts)
}

/// Arms the liveness worker: it ticks at the liveness probe's own `periodSeconds`, apart from
/// the readiness worker (`prober_manager.go` `AddPod` starts one worker per probe type).
pub(super) fn arm(c: &mut Cluster, uid: &str, name: &str, after_ms: u64) {
    let Some(x) = c.runtime.pods.get_mut(uid).and_then(|r| r.ctr_mut(name)) else { return };
    if x.liveness_probing {
        return;
    }
    x.liveness_probing = true;
    let (seq, looping) = (x.seq, looping(x));
    enqueue_step(c, uid, name, seq, Step::Liveness, after_ms.max(1), looping);
}

/// One liveness probe period: after `failureThreshold` consecutive failures the container is
/// killed and restarted (`kuberuntime_manager.go` `computePodActions`, "failed liveness probe").
pub fn probe(c: &mut Cluster, uid: &str, name: &str) {
    let Some(p) = pod_of(c, uid) else { return };
    let Some(s) = spec(&p, name) else { return };
    let liveness_fault = c.runtime.faults.liveness.contains(&key(uid, name));
    let Some(x) = c.runtime.pods.get_mut(uid).and_then(|r| r.ctr_mut(name)) else { return };
    x.liveness_probing = false;
    let Some(l) = &s.liveness_probe else { return };
    if !matches!(x.state, CState::Running { .. }) || !x.started {
        return;
    }
    let result = outcome(c, &p, s, l, liveness_fault);
    let Some(x) = c.runtime.pods.get_mut(uid).and_then(|r| r.ctr_mut(name)) else { return };
    let Err(f) = result else {
        // Healthy again: the worker keeps running upstream, but nothing can change any more.
        x.liveness_failures = 0;
        x.liveness_killed_at = None;
        return;
    };
    x.liveness_failures += 1;
    let limit = threshold(l);
    let first = x.liveness_failures == 1;
    let kill = x.liveness_failures >= limit;
    if kill {
        x.liveness_failures = 0;
    }
    let seq = x.seq;
    container_event(c, uid, name, "Warning", "Unhealthy", &format!("Liveness probe failed: {}", f.message));
    if !f.why.is_empty() && (first || kill) {
        let reason = if kill {
            format!("container {name} failed its liveness probe {limit} times in a row (failureThreshold {limit}): killing it to start it again; {}", f.why)
        } else {
            format!("container {name}'s liveness probe fails ({} more in a row and it is restarted): {}", limit - 1, f.why)
        };
        decide(c, &p, name, if kill { Verdict::Update } else { Verdict::Wait }, reason);
    }
    if !kill {
        arm(c, uid, name, period_ms(l));
        return;
    }
    kill_for_probe(c, uid, name, seq, &p, l, "liveness");
    if let Some(x) = c.runtime.pods.get_mut(uid).and_then(|r| r.ctr_mut(name)) {
        x.liveness_killed_at.get_or_insert(x.restarts);
    }
}

/// Kills a container whose liveness or startup probe (`kind`) failed `failureThreshold` times
/// (`kuberuntime_manager.go` `computePodActions` picks it, `killContainer` stops it): the
/// `Killing` event, then the stop within the probe's own `terminationGracePeriodSeconds` (else
/// the pod's). The restart follows the exit, as after a crash. A liveness failure's first kill
/// is awaited by [`Cluster::settle`]; its later kills (see [`looping`]) and startup probe kills
/// (the startup probe keeps failing, [`super::startup`]) are failure loops.
pub(super) fn kill_for_probe(c: &mut Cluster, uid: &str, name: &str, seq: u64, p: &Pod, probe: &Probe, kind: &str) {
    let x = c.runtime.pods.get(uid).and_then(|r| r.ctr(name));
    let sidecar = x.is_some_and(|x| x.sidecar);
    let repeat = kind != "liveness" || x.is_some_and(looping);
    let restart = p.spec.restart_policy != "Never";
    container_event(c, uid, name, "Normal", "Killing", &kill_message(name, kind, sidecar, restart));
    let grace = probe
        .termination_grace_period_seconds
        .or(p.spec.termination_grace_period_seconds)
        .unwrap_or(30)
        .max(0) as u64
        * 1000;
    let ms = super::termination::stop_ms(c, uid, name, grace);
    if let Some(x) = c.runtime.pods.get_mut(uid).and_then(|r| r.ctr_mut(name)) {
        x.ready = false;
    }
    super::status::write(c, uid);
    enqueue_step(c, uid, name, seq, Step::Killed, ms, repeat);
}

/// The `Killing` message: `computePodActions` says "Container web failed liveness probe" and adds
/// ", will be restarted" unless the restart policy is Never; for a sidecar,
/// `computeInitContainerActions` says "Init container proxy failed startup probe" (always
/// restarted, no suffix).
pub fn kill_message(name: &str, kind: &str, sidecar: bool, restart: bool) -> String {
    if sidecar {
        format!("Init container {name} failed {kind} probe")
    } else if restart {
        format!("Container {name} failed {kind} probe, will be restarted")
    } else {
        format!("Container {name} failed {kind} probe")
    }
}


#[cfg(test)]
mod tests {
    use crate::engine::api::{Object, Probe};
    use crate::engine::faults;
    use crate::engine::fs;
    use crate::engine::sim::Cluster;
    use crate::engine::testutil::*;

    /// nginx with a liveness probe (10 s period, failureThreshold 3), running and settled.
    fn web0(probe: Probe) -> Cluster {
        let mut c = cluster();
        let mut p = sts_pod("web-0", "nginx", "nginx:1.27");
        p.spec.containers[0].liveness_probe = Some(Probe { period_seconds: Some(10), failure_threshold: Some(3), ..probe });
        create(&mut c, Object::Pod(p));
        c
    }

    fn tcp() -> Probe {
        Probe { tcp_socket: Some(serde_json::json!({"port": 80}).into()), ..Default::default() }
    }

    fn restarts(c: &Cluster) -> i32 {
        get_pod(c, "web-0").map_or(-1, |p| p.status.container_statuses[0].restart_count)
    }

    fn count(c: &Cluster, reason: &str) -> i32 {
        events_of(c, "default", "web-0").iter().filter(|e| e.0 == reason).map(|e| e.2).sum()
    }

    #[test]
    fn settling_waits_for_a_liveness_faults_first_kill_and_restart_only() {
        let mut c = web0(tcp());
        assert!(c.settle_default().settled);
        assert_eq!(restarts(&c), 0);
        // `sim fault liveness web-0` then `sim wait`: three failing periods, the kill, the restart.
        faults::fail_liveness(&mut c, "default", "web-0", None).unwrap();
        let r = c.settle_default();
        assert!(r.settled, "{:?}", r.blocked);
        assert_eq!(restarts(&c), 1);
        let ev = events_of(&c, "default", "web-0");
        assert!(ev.iter().any(|e| e.0 == "Killing" && e.1 == "Container nginx failed liveness probe, will be restarted"), "{ev:?}");
        assert!(ev.iter().any(|e| e.0 == "Unhealthy" && e.1.starts_with("Liveness probe failed: dial tcp ")), "{ev:?}");
        assert!(count(&c, "Unhealthy") >= 3);
        assert!(get_pod(&c, "web-0").unwrap().status.container_statuses[0].state.running.is_some());
        // The fault lasts: the next kills and restarts are the failure loop, which a second
        // wait does not run through (else it would run to its time limit).
        let r = c.settle_default();
        assert!(r.settled && r.elapsed_ms == 0, "{r:?}");
        assert_eq!(restarts(&c), 1);
        // The loop does go on, with a back-off.
        c.advance(5 * 60_000);
        assert!(restarts(&c) > 2, "{}", restarts(&c));
        assert!(c.settle_default().settled);
        // Cleared: the pending restart is awaited and the container stays up.
        let f = faults::Fault::FailLiveness { namespace: "default".into(), pod: "web-0".into(), container: "nginx".into() };
        faults::clear_fault(&mut c, &f).unwrap();
        let r = c.settle_default();
        assert!(r.settled, "{:?}", r.blocked);
        let s = get_pod(&c, "web-0").unwrap().status.container_statuses[0].clone();
        assert!(s.state.running.is_some() && s.ready, "{s:?}");
        // A new fault is a new failure: its first kill is awaited again.
        let before = restarts(&c);
        faults::fail_liveness(&mut c, "default", "web-0", None).unwrap();
        assert!(c.settle_default().settled);
        assert_eq!(restarts(&c), before + 1);
    }

    #[test]
    fn a_liveness_fault_cleared_before_the_kill_leaves_nothing_to_wait_for() {
        let mut c = web0(tcp());
        c.settle_default();
        let f = faults::fail_liveness(&mut c, "default", "web-0", None).unwrap();
        // One or two failing periods, short of failureThreshold (3).
        c.advance(15_000);
        assert!(count(&c, "Unhealthy") >= 1);
        faults::clear_fault(&mut c, &f).unwrap();
        let r = c.settle_default();
        assert!(r.settled && r.elapsed_ms <= 10_000, "the next period passes: {r:?}");
        assert_eq!(restarts(&c), 0);
        assert_eq!(count(&c, "Killing"), 0);
        let uid = get_pod(&c, "web-0").unwrap().metadata.uid.clone();
        let x = c.runtime.pod(&uid).unwrap().ctr("nginx").unwrap().clone();
        assert!(!x.liveness_probing && x.liveness_killed_at.is_none());
        assert!(c.is_settled());
    }

    #[test]
    fn settling_waits_for_the_first_kill_by_a_liveness_probe_nginx_answers_403() {
        let mut c = cluster();
        create(&mut c, Object::PersistentVolumeClaim(pvc("www-web-0", Some("standard"))));
        let root = "/usr/share/nginx/html";
        let mut p = with_claim(sts_pod("web-0", "nginx", "nginx:1.27"), "www-web-0", root);
        p.spec.containers[0].liveness_probe =
            Some(Probe { http_get: Some(serde_json::json!({"path": "/", "port": 80}).into()), period_seconds: Some(10), failure_threshold: Some(3), ..Default::default() });
        create(&mut c, Object::Pod(p));
        // The empty web root answers 403 from the start: the wait lasts until the first restart.
        let r = c.settle_default();
        assert!(r.settled, "{:?}", r.blocked);
        assert_eq!(restarts(&c), 1);
        assert_eq!(count(&c, "Killing"), 1);
        assert!(c.settle_default().settled);
        assert_eq!(restarts(&c), 1);
        // index.html written: the next period passes, and the failure is over.
        fs::write(&mut c, "default", "web-0", "nginx", &format!("{root}/index.html"), b"ok\n", false).unwrap();
        assert!(c.settle_default().settled);
        c.advance(60_000);
        let uid = get_pod(&c, "web-0").unwrap().metadata.uid.clone();
        assert!(c.runtime.pod(&uid).unwrap().ctr("nginx").unwrap().liveness_killed_at.is_none());
        assert_eq!(restarts(&c), 1);
    }
}
