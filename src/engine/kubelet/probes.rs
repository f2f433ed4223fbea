//! The kubelet's prober (`pkg/kubelet/prober`): readiness gates the container's `ready` flag;
//! a liveness failure restarts the container. The playground's containers answer their probes
//! unless a fault says otherwise, so a probe loop only runs while it can change something:
//! before the first readiness success, and while a readiness/liveness fault is active.
//!
//! First readiness success: with no `initialDelaySeconds`, within a second of the start (the
//! next status sync after the PLEG relist triggers the worker at once, `UpdatePodStatus`);
//! otherwise the first worker tick after the delay, so the delay plus up to one `periodSeconds`.
//! A `successThreshold` above 1 adds a period for each further success. Under a fault, every period fails; after `failureThreshold` consecutive failures
//! the container turns unready (readiness) or is killed and restarted (liveness).
//!
//! A container with a startup probe is probed by [`super::startup`] first: readiness and
//! liveness wait until it has succeeded ([`after_startup`]).

use super::{container_event, enqueue_step, pod_of, CState, Step};
use crate::engine::api::{Container, Pod, Probe};
use crate::engine::sim::Cluster;

/// `periodSeconds` default.
pub const DEFAULT_PERIOD_S: i32 = 10;
/// `failureThreshold` default.
pub const DEFAULT_FAILURE_THRESHOLD: i32 = 3;

pub(super) fn period_ms(p: &Probe) -> u64 {
    p.period_seconds.filter(|s| *s > 0).unwrap_or(DEFAULT_PERIOD_S) as u64 * 1000
}

pub(super) fn threshold(p: &Probe) -> i32 {
    p.failure_threshold.filter(|s| *s > 0).unwrap_or(DEFAULT_FAILURE_THRESHOLD)
}

fn success_threshold(p: &Probe) -> i32 {
    p.success_threshold.filter(|s| *s > 0).unwrap_or(1)
}

pub(super) fn spec<'a>(p: &'a Pod, name: &str) -> Option<&'a Container> {
    p.spec.init_containers.iter().chain(p.spec.containers.iter()).find(|x| x.name == name)
}

/// What a failing probe reports, by handler (`prober.go` result messages).
pub fn failure_message(probe: &Probe, pod_ip: &str) -> String {
    let port = |v: &crate::engine::api::Opaque| {
        v.as_ref().and_then(|h| h.get("port")).map(|p| match p {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    };
    if probe.http_get.is_some() {
        "HTTP probe failed with statuscode: 503".to_string()
    } else if probe.tcp_socket.is_some() {
        format!("dial tcp {pod_ip}:{}: connect: connection refused", port(&probe.tcp_socket).unwrap_or_default())
    } else if probe.grpc.is_some() {
        format!("timeout: failed to connect service \":{}\" within 1s", port(&probe.grpc).unwrap_or_default())
    } else {
        // An exec probe whose command exits non-zero without output.
        String::new()
    }
}

pub(super) fn key(uid: &str, name: &str) -> (String, String) {
    (uid.to_string(), name.to_string())
}

/// A container just started: schedule its first readiness success, or a probe loop under a
/// fault; with a startup probe, that probe runs first.
pub fn on_start(c: &mut Cluster, uid: &str, name: &str, spec: &Container) {
    if spec.startup_probe.is_some() {
        super::startup::on_start(c, uid, name, spec);
        return;
    }
    let first = spec.readiness_probe.as_ref().map(|r| first_readiness_ms(c, r));
    let l = spec.liveness_probe.as_ref().map(|l| l.initial_delay_seconds.unwrap_or(0).max(0) as u64 * 1000).unwrap_or(0);
    arm_workers(c, uid, name, spec, first.unwrap_or(0), l);
}

/// The startup probe succeeded `elapsed_ms` after the container started: readiness and liveness
/// probing begin (`worker.go doProbe` skipped them until `Started`). The readiness worker, which
/// has been ticking all along, probes at its next tick (never inside its `initialDelaySeconds`).
pub fn after_startup(c: &mut Cluster, uid: &str, name: &str, spec: &Container, elapsed_ms: u64) {
    let delay = |p: &Probe| (p.initial_delay_seconds.unwrap_or(0).max(0) as u64 * 1000).saturating_sub(elapsed_ms);
    let first = spec.readiness_probe.as_ref().map(|r| delay(r) + c.rng.range(0, period_ms(r)));
    let l = spec.liveness_probe.as_ref().map(delay).unwrap_or(0);
    arm_workers(c, uid, name, spec, first.unwrap_or(0), l);
}

/// Schedules the readiness probe's first success `first_ms` from now (or its failure loop under a
/// fault), and the liveness loop under a fault after `liveness_delay_ms`.
fn arm_workers(c: &mut Cluster, uid: &str, name: &str, spec: &Container, first: u64, liveness_delay_ms: u64) {
    let Some(seq) = c.runtime.pods.get(uid).and_then(|r| r.ctr(name)).map(|x| x.seq) else { return };
    let readiness_fault = c.runtime.faults.readiness.contains(&key(uid, name));
    let liveness_fault = c.runtime.faults.liveness.contains(&key(uid, name));
    if let Some(r) = &spec.readiness_probe {
        if readiness_fault {
            arm(c, uid, name, first);
        } else {
            let more = (success_threshold(r) - 1).max(0) as u64 * period_ms(r);
            enqueue_step(c, uid, name, seq, Step::Ready, first + more, false);
        }
    }
    if liveness_fault && spec.liveness_probe.is_some() {
        arm_liveness(c, uid, name, liveness_delay_ms);
    }
}

/// When the readiness worker first probes a container that just started (`prober_manager.go`
/// `UpdatePodStatus` triggers it on the first status sync after the start, about a PLEG relist
/// period, 1s; `worker.go doProbe` skips probes inside `initialDelaySeconds`, and then the
/// worker's own ticker, whose phase is random, takes over).
fn first_readiness_ms(c: &mut Cluster, r: &Probe) -> u64 {
    const PLEG_RELIST_MS: u64 = 1000;
    let delay = r.initial_delay_seconds.unwrap_or(0).max(0) as u64 * 1000;
    if delay == 0 {
        c.rng.range(0, PLEG_RELIST_MS)
    } else {
        delay + c.rng.range(0, period_ms(r))
    }
}

fn arm(c: &mut Cluster, uid: &str, name: &str, after_ms: u64) {
    let Some(x) = c.runtime.pods.get_mut(uid).and_then(|r| r.ctr_mut(name)) else { return };
    if x.probing {
        return;
    }
    x.probing = true;
    let seq = x.seq;
    let first = after_ms.max(1);
    enqueue_step(c, uid, name, seq, Step::Probe, first, true);
}

/// Arms the liveness worker: it ticks at the liveness probe's own `periodSeconds`, apart from
/// the readiness worker (`prober_manager.go` `AddPod` starts one worker per probe type).
fn arm_liveness(c: &mut Cluster, uid: &str, name: &str, after_ms: u64) {
    let Some(x) = c.runtime.pods.get_mut(uid).and_then(|r| r.ctr_mut(name)) else { return };
    if x.liveness_probing {
        return;
    }
    x.liveness_probing = true;
    let seq = x.seq;
    enqueue_step(c, uid, name, seq, Step::Liveness, after_ms.max(1), true);
}

/// The readiness probe's first success (no fault).
pub fn first_success(c: &mut Cluster, uid: &str, name: &str) {
    if c.runtime.faults.readiness.contains(&key(uid, name)) {
        arm(c, uid, name, 0);
        return;
    }
    let Some(x) = c.runtime.pods.get_mut(uid).and_then(|r| r.ctr_mut(name)) else { return };
    if matches!(x.state, CState::Running { .. }) && !x.ready {
        x.ready = true;
        x.probe_failures = 0;
        super::status::write(c, uid);
    }
}

/// A fault changed for a running container: start probing if that can change its state.
pub fn kick(c: &mut Cluster, uid: &str, name: &str) {
    let Some(p) = pod_of(c, uid) else { return };
    let Some(s) = spec(&p, name) else { return };
    let Some(x) = c.runtime.pods.get(uid).and_then(|r| r.ctr(name)) else { return };
    // Until the startup probe succeeds, the other workers do not probe (`worker.go doProbe`);
    // its own loop reads the faults at every period.
    if !matches!(x.state, CState::Running { .. }) || !x.started {
        return;
    }
    if let Some(r) = &s.readiness_probe {
        let phase = c.rng.range(1, period_ms(r));
        arm(c, uid, name, phase);
    }
    if let Some(l) = s.liveness_probe.as_ref().filter(|_| c.runtime.faults.liveness.contains(&key(uid, name))) {
        let phase = c.rng.range(1, period_ms(l));
        arm_liveness(c, uid, name, phase);
    }
}

/// One readiness probe period (`worker.doProbe`): `failureThreshold` consecutive failures make
/// the container unready, `successThreshold` consecutive successes ready again.
pub fn probe(c: &mut Cluster, uid: &str, name: &str) {
    let Some(p) = pod_of(c, uid) else { return };
    let Some(s) = spec(&p, name) else { return };
    let ip = p.status.pod_ip.clone();
    let readiness_fault = c.runtime.faults.readiness.contains(&key(uid, name));
    let Some(x) = c.runtime.pods.get_mut(uid).and_then(|r| r.ctr_mut(name)) else { return };
    x.probing = false;
    let Some(r) = &s.readiness_probe else { return };
    if !matches!(x.state, CState::Running { .. }) || !x.started {
        return;
    }
    let mut changed = false;
    let mut event = None;
    if readiness_fault {
        x.probe_failures += 1;
        x.probe_successes = 0;
        event = Some(format!("Readiness probe failed: {}", failure_message(r, &ip)));
        if x.probe_failures >= threshold(r) && x.ready {
            x.ready = false;
            changed = true;
        }
    } else {
        x.probe_failures = 0;
        x.probe_successes += 1;
        if !x.ready && x.probe_successes >= success_threshold(r) {
            x.ready = true;
            changed = true;
        }
    }
    let keep = readiness_fault || !x.ready;
    if let Some(m) = event {
        container_event(c, uid, name, "Warning", "Unhealthy", &m);
    }
    if changed {
        super::status::write(c, uid);
    }
    if keep {
        arm(c, uid, name, period_ms(r));
    }
}

/// One liveness probe period: after `failureThreshold` consecutive failures the container is
/// killed and restarted (`kuberuntime_manager.go` `computePodActions`, "failed liveness probe").
pub fn liveness(c: &mut Cluster, uid: &str, name: &str) {
    let Some(p) = pod_of(c, uid) else { return };
    let Some(s) = spec(&p, name) else { return };
    let ip = p.status.pod_ip.clone();
    let liveness_fault = c.runtime.faults.liveness.contains(&key(uid, name));
    let Some(x) = c.runtime.pods.get_mut(uid).and_then(|r| r.ctr_mut(name)) else { return };
    x.liveness_probing = false;
    let Some(l) = &s.liveness_probe else { return };
    if !matches!(x.state, CState::Running { .. }) || !x.started {
        return;
    }
    if !liveness_fault {
        // Healthy again: the worker keeps running upstream, but nothing can change any more.
        x.liveness_failures = 0;
        return;
    }
    x.liveness_failures += 1;
    let kill = x.liveness_failures >= threshold(l);
    if kill {
        x.liveness_failures = 0;
    }
    let seq = x.seq;
    container_event(c, uid, name, "Warning", "Unhealthy", &format!("Liveness probe failed: {}", failure_message(l, &ip)));
    if !kill {
        arm_liveness(c, uid, name, period_ms(l));
        return;
    }
    kill_for_probe(c, uid, name, seq, &p, l, "liveness");
}

/// Kills a container whose liveness or startup probe (`kind`) failed `failureThreshold` times
/// (`kuberuntime_manager.go` `computePodActions` picks it, `killContainer` stops it): the
/// `Killing` event, then the stop within the probe's own `terminationGracePeriodSeconds` (else
/// the pod's). The restart follows the exit, as after a crash.
pub(super) fn kill_for_probe(c: &mut Cluster, uid: &str, name: &str, seq: u64, p: &Pod, probe: &Probe, kind: &str) {
    let sidecar = c.runtime.pods.get(uid).and_then(|r| r.ctr(name)).is_some_and(|x| x.sidecar);
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
    enqueue_step(c, uid, name, seq, Step::Killed, ms, true);
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
