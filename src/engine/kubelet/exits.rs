//! A container's end and what follows: its exit as `Completed` or `Error`, and the restart
//! decision and back-off (`kuberuntime_manager.go` `computePodActions` with
//! `ShouldContainerBeRestarted`, `doBackOff`: CrashLoopBackOff). Split from [`super::lifecycle`],
//! which starts containers.

use super::lifecycle::{advance, begin, container_waits, jitter, spec_container, BACKOFF_RESET_MS, INITIAL_BACKOFF_MS, MAX_BACKOFF_MS};
use super::runtime::go_duration;
use super::{container_event, enqueue_step, format_pod, pod_of, CState, Step, Terminated};
use crate::engine::sim::Cluster;
use crate::engine::why::Verdict;

/// A container's main process ended by itself with `code` (the command a `kubectl run -i` pod
/// was started with, once it returns): the container terminates as `Completed` or `Error`.
/// A run whose end the kubelet already foresees (see [`super::entrypoint`]) ends on its own.
pub fn main_process_exited(c: &mut Cluster, uid: &str, name: &str, code: i32) {
    let Some(x) = c.runtime.pods.get(uid).and_then(|rt| rt.ctr(name)) else { return };
    let ends_itself = x.main.as_ref().is_some_and(|m| m.exit().is_some());
    if matches!(x.state, CState::Running { .. }) && !ends_itself {
        finish(c, uid, name, code);
    }
}

/// The run's main process ended as [`super::entrypoint`] foresaw.
pub(super) fn main_exit(c: &mut Cluster, uid: &str, name: &str) {
    let Some(x) = c.runtime.pods.get(uid).and_then(|rt| rt.ctr(name)) else { return };
    let Some((_, code)) = x.main.as_ref().and_then(|m| m.exit()) else { return };
    let why = x.main.as_ref().map(|m| m.why.clone()).unwrap_or_default();
    let (init, sidecar) = (x.init, x.sidecar);
    if let Some(p) = pod_of(c, uid) {
        let reason = super::entrypoint::exit_reason(name, code, &why, &p.spec.restart_policy, init, sidecar);
        c.decide(super::COMPONENT, format!("pod/{}", p.metadata.name), Verdict::Update, format!("container/{name}"), reason);
    }
    finish(c, uid, name, code);
}

/// The main process ended with `code`: an init container that succeeded completes; otherwise
/// the container terminates (`Completed` or `Error`) and restarts as the pod's policy says.
fn finish(c: &mut Cluster, uid: &str, name: &str, code: i32) {
    let Some(x) = c.runtime.pods.get(uid).and_then(|rt| rt.ctr(name)) else { return };
    if x.init && !x.sidecar && code == 0 {
        complete(c, uid, name);
        return;
    }
    let stays = !x.sidecar && code == 0 && pod_of(c, uid).is_some_and(|p| p.spec.restart_policy == "OnFailure");
    terminate(c, uid, name, code, if code == 0 { "Completed" } else { "Error" }, !stays);
}

/// The container's process exited (crash fault, or killed after a failed liveness probe).
pub(super) fn exit(c: &mut Cluster, uid: &str, name: &str, code: i32, reason: &str) {
    terminate(c, uid, name, code, reason, true);
}

/// The container is terminated with `code`; unless `may_restart` is false it restarts as the
/// pod's restartPolicy says.
fn terminate(c: &mut Cluster, uid: &str, name: &str, code: i32, reason: &str, may_restart: bool) {
    let now = c.now;
    let Some(x) = c.runtime.pods.get_mut(uid).and_then(|rt| rt.ctr_mut(name)) else { return };
    let started_at = match &x.state {
        CState::Running { started_at } => Some(*started_at),
        _ => None,
    };
    x.state = CState::Terminated(Terminated {
        exit_code: code,
        reason: reason.into(),
        started_at,
        finished_at: now,
        container_id: x.container_id.clone(),
    });
    x.ready = false;
    x.started = false;
    x.seq += 1;
    let seq = x.seq;
    if started_at.is_some_and(|s| now.since(s) >= BACKOFF_RESET_MS as i64) {
        x.backoff_ms = 0;
    }
    super::status::write(c, uid);
    let policy = pod_of(c, uid).map(|p| p.spec.restart_policy.clone()).unwrap_or_default();
    let sidecar = c.runtime.pods.get(uid).and_then(|rt| rt.ctr(name)).is_some_and(|x| x.sidecar);
    if (policy == "Never" && !sidecar) || !may_restart {
        return;
    }
    // The next pod sync (PLEG relist) notices the exit.
    let ms = jitter(c, 500, 1500);
    let looping = in_failure_loop(c, uid, name);
    enqueue_step(c, uid, name, seq, Step::Restart, ms, looping);
}

pub(super) fn complete(c: &mut Cluster, uid: &str, name: &str) {
    let now = c.now;
    let Some(x) = c.runtime.pods.get_mut(uid).and_then(|rt| rt.ctr_mut(name)) else { return };
    let started_at = match &x.state {
        CState::Running { started_at } => Some(*started_at),
        _ => None,
    };
    x.state = CState::Terminated(Terminated {
        exit_code: 0,
        reason: "Completed".into(),
        started_at,
        finished_at: now,
        container_id: x.container_id.clone(),
    });
    x.ready = true;
    x.started = false;
    x.seq += 1;
    super::status::write(c, uid);
    advance(c, uid);
}

/// Whether the container's restarts are a failure loop (a crash or liveness fault still makes it
/// exit, or its main process would end again as it is now configured). Once the fault is cleared
/// (or, say, the Secret with the database password exists), the pending restart is progress
/// that `settle` waits for. So is the restart after a liveness failure's first kill: what follows
/// under a failure that lasts, the next kill and restart, is the loop ([`super::liveness`]).
fn in_failure_loop(c: &Cluster, uid: &str, name: &str) -> bool {
    let key = (uid.to_string(), name.to_string());
    let f = &c.runtime.faults;
    let Some(x) = c.runtime.pods.get(uid).and_then(|rt| rt.ctr(name)) else { return false };
    if f.crash.contains(&key) || (f.liveness.contains(&key) && !super::liveness::first_kill_pending(x)) {
        return true;
    }
    let Some(p) = pod_of(c, uid) else { return false };
    let Some(s) = spec_container(&p, name) else { return false };
    // A web server's answer that failed the liveness probe and killed an earlier instance.
    let web_kills = || s.liveness_probe.as_ref().and_then(|l| super::prober::answer(c, &p, s, l)).is_some_and(|r| r.is_err());
    if super::liveness::looping(x) && web_kills() {
        return true;
    }
    super::entrypoint::for_container(c, &p, s, c.now).exit().is_some()
}

/// After an exit: restart at once the first time, then wait out a doubling back-off
/// (CrashLoopBackOff); when the back-off has passed, start again.
pub(super) fn restart(c: &mut Cluster, uid: &str, name: &str) {
    let Some(p) = pod_of(c, uid) else { return };
    let Some(x) = c.runtime.pods.get_mut(uid).and_then(|rt| rt.ctr_mut(name)) else { return };
    match &x.state {
        CState::Terminated(t) => {
            let last_exit = format!("exit code {}, {}", t.exit_code, t.reason);
            x.last = Some(t.clone());
            x.last_main = x.main.take();
            if x.backoff_ms == 0 {
                x.backoff_ms = INITIAL_BACKOFF_MS;
                begin(c, uid, name);
                return;
            }
            let wait = x.backoff_ms;
            x.backoff_ms = (x.backoff_ms * 2).min(MAX_BACKOFF_MS);
            x.seq += 1;
            let seq = x.seq;
            let msg = format!("back-off {} restarting failed container={name} pod={}", go_duration(wait), format_pod(&p));
            x.state = CState::Waiting { reason: "CrashLoopBackOff".into(), message: msg };
            let event = format!("Back-off restarting failed container {name} in pod {}", format_pod(&p));
            container_event(c, uid, name, "Warning", "BackOff", &event);
            super::status::write(c, uid);
            // Say why as well as when: the last run's exit, and where its output is.
            container_waits(
                c,
                uid,
                name,
                format!(
                    "container {name} keeps exiting (last run: {last_exit}; `kubectl logs {} -c {name} --previous` shows its output); restarting it in {} (CrashLoopBackOff)",
                    p.metadata.name,
                    go_duration(wait)
                ),
            );
            let looping = in_failure_loop(c, uid, name);
            enqueue_step(c, uid, name, seq, Step::Restart, wait, looping);
        }
        CState::Waiting { .. } => begin(c, uid, name),
        CState::Running { .. } => {}
    }
}

/// A container killed after failing its liveness or startup probe has stopped; it restarts like a crash.
pub(super) fn killed(c: &mut Cluster, uid: &str, name: &str) {
    let (code, reason) = super::stop_signal::exit_of(super::stop_signal::of_container(c, uid, name).handled);
    exit(c, uid, name, code, reason);
}

/// Applies a crash fault to a running container now (its process exits shortly).
pub(crate) fn crash_now(c: &mut Cluster, uid: &str, name: &str) {
    let Some(x) = c.runtime.pods.get(uid).and_then(|rt| rt.ctr(name)) else { return };
    if matches!(x.state, CState::Running { .. }) {
        let seq = x.seq;
        let ms = jitter(c, 100, 600);
        enqueue_step(c, uid, name, seq, Step::Exit, ms, false);
    }
}
