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

use super::{container_event, enqueue_step, pod_of, CState, Step};
use crate::engine::api::{Container, Pod, Probe};
use crate::engine::sim::Cluster;

/// `periodSeconds` default.
pub const DEFAULT_PERIOD_S: i32 = 10;
/// `failureThreshold` default.
pub const DEFAULT_FAILURE_THRESHOLD: i32 = 3;

fn period_ms(p: &Probe) -> u64 {
    p.period_seconds.filter(|s| *s > 0).unwrap_or(DEFAULT_PERIOD_S) as u64 * 1000
}

fn threshold(p: &Probe) -> i32 {
    p.failure_threshold.filter(|s| *s > 0).unwrap_or(DEFAULT_FAILURE_THRESHOLD)
}

fn success_threshold(p: &Probe) -> i32 {
    p.success_threshold.filter(|s| *s > 0).unwrap_or(1)
}

fn spec<'a>(p: &'a Pod, name: &str) -> Option<&'a Container> {
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

fn key(uid: &str, name: &str) -> (String, String) {
    (uid.to_string(), name.to_string())
}

/// A container just started: schedule its first readiness success, or a probe loop under a
/// fault.
pub fn on_start(c: &mut Cluster, uid: &str, name: &str, spec: &Container) {
    let Some(seq) = c.runtime.pods.get(uid).and_then(|r| r.ctr(name)).map(|x| x.seq) else { return };
    let readiness_fault = c.runtime.faults.readiness.contains(&key(uid, name));
    let liveness_fault = c.runtime.faults.liveness.contains(&key(uid, name));
    if let Some(r) = &spec.readiness_probe {
        let first = first_readiness_ms(c, r);
        if readiness_fault {
            arm(c, uid, name, first);
        } else {
            let more = (success_threshold(r) - 1).max(0) as u64 * period_ms(r);
            enqueue_step(c, uid, name, seq, Step::Ready, first + more, false);
        }
    }
    if liveness_fault && spec.liveness_probe.is_some() {
        let l = spec.liveness_probe.as_ref().map(|l| l.initial_delay_seconds.unwrap_or(0).max(0) as u64 * 1000).unwrap_or(0);
        arm_liveness(c, uid, name, l);
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
    if !matches!(x.state, CState::Running { .. }) {
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
    if !matches!(x.state, CState::Running { .. }) {
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
    if !matches!(x.state, CState::Running { .. }) {
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
    container_event(c, uid, name, "Normal", "Killing", &format!("Container {name} failed liveness probe, will be restarted"));
    let grace = l
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
