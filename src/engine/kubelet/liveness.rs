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

