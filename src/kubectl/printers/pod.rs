//! `kubectl get pods` rows (printers.go `printPod`): READY, the STATUS reason logic, RESTARTS
//! with the time since the last restart, and the wide columns.

use super::table::{col, wide, Column};
use crate::kubectl::duration::translate_timestamp_since;
use crate::engine::api::{Container, Pod, Time};

/// `podColumnDefinitions`.
pub const COLUMNS: &[Column] = &[
    col("Name"),
    col("Ready"),
    col("Status"),
    col("Restarts"),
    col("Age"),
    wide("IP"),
    wide("Node"),
    wide("Nominated Node"),
    wide("Readiness Gates"),
];

/// Reason the node lifecycle controller puts on pods of an unreachable node
/// (`node.NodeUnreachablePodReason`).
pub const NODE_UNREACHABLE_POD_REASON: &str = "NodeLost";

/// `isRestartableInitContainer`: an init container with `restartPolicy: Always` (a sidecar).
pub fn is_restartable_init_container(c: Option<&Container>) -> bool {
    c.is_some_and(|c| c.restart_policy == "Always")
}

fn has_pod_ready_condition(p: &Pod) -> bool {
    p.status.conditions.iter().any(|c| c.type_ == "Ready" && c.status == "True")
}

fn is_pod_initialized_condition_true(p: &Pod) -> bool {
    p.status.conditions.iter().any(|c| c.type_ == "Initialized" && c.status == "True")
}

/// The STATUS, READY and RESTARTS cells as `printPod` computes them.
pub struct PodSummary {
    /// `ready/total` containers.
    pub ready: String,
    /// The STATUS reason.
    pub status: String,
    /// Total restarts, with `(Xs ago)` when a last termination is known.
    pub restarts: String,
}

/// `printPod`'s status computation.
pub fn summarize(pod: &Pod, now: Time) -> PodSummary {
    let mut restarts: i64 = 0;
    let mut restartable_init_restarts: i64 = 0;
    let mut total = pod.spec.containers.len();
    let mut ready = 0;
    let mut last_restart: Option<Time> = None;
    let mut last_restartable_init_restart: Option<Time> = None;

    let phase = pod.status.phase.as_str();
    let mut reason = if pod.status.reason.is_empty() { phase.to_string() } else { pod.status.reason.clone() };
    if pod.status.conditions.iter().any(|c| c.type_ == "PodScheduled" && c.reason == "SchedulingGated") {
        reason = "SchedulingGated".into();
    }
    let init_spec = |name: &str| pod.spec.init_containers.iter().find(|c| c.name == name);
    total += pod.spec.init_containers.iter().filter(|c| is_restartable_init_container(Some(c))).count();

    let later = |cur: Option<Time>, t: Option<Time>| match (cur, t) {
        (Some(a), Some(b)) if b > a => Some(b),
        (None, Some(b)) => Some(b),
        (a, _) => a,
    };

    let mut initializing = false;
    let n_init = pod.spec.init_containers.len();
    for (i, cs) in pod.status.init_container_statuses.iter().enumerate() {
        restarts += i64::from(cs.restart_count);
        let finished = cs.last_state.terminated.as_ref().and_then(|t| t.finished_at);
        if cs.last_state.terminated.is_some() {
            last_restart = later(last_restart, finished);
        }
        let restartable = is_restartable_init_container(init_spec(&cs.name));
        if restartable {
            restartable_init_restarts += i64::from(cs.restart_count);
            if cs.last_state.terminated.is_some() {
                last_restartable_init_restart = later(last_restartable_init_restart, finished);
            }
        }
        let term = cs.state.terminated.as_ref();
        if term.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if restartable && cs.started == Some(true) {
            if cs.ready {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = term {
            reason = if !t.reason.is_empty() {
                format!("Init:{}", t.reason)
            } else if t.signal.unwrap_or(0) != 0 {
                format!("Init:Signal:{}", t.signal.unwrap_or(0))
            } else {
                format!("Init:ExitCode:{}", t.exit_code)
            };
        } else if let Some(w) = cs.state.waiting.as_ref().filter(|w| !w.reason.is_empty() && w.reason != "PodInitializing") {
            reason = format!("Init:{}", w.reason);
        } else {
            reason = format!("Init:{i}/{n_init}");
        }
        initializing = true;
        break;
    }

    if !initializing || is_pod_initialized_condition_true(pod) {
        restarts = restartable_init_restarts;
        last_restart = last_restartable_init_restart;
        let mut has_running = false;
        for cs in pod.status.container_statuses.iter().rev() {
            restarts += i64::from(cs.restart_count);
            if let Some(t) = &cs.last_state.terminated {
                last_restart = later(last_restart, t.finished_at);
            }
            if let Some(w) = cs.state.waiting.as_ref().filter(|w| !w.reason.is_empty()) {
                reason = w.reason.clone();
            } else if let Some(t) = cs.state.terminated.as_ref() {
                reason = if !t.reason.is_empty() {
                    t.reason.clone()
                } else if t.signal.unwrap_or(0) != 0 {
                    format!("Signal:{}", t.signal.unwrap_or(0))
                } else {
                    format!("ExitCode:{}", t.exit_code)
                };
            } else if cs.ready && cs.state.running.is_some() {
                has_running = true;
                ready += 1;
            }
        }
        // A completed container next to a running one: the pod still runs.
        if reason == "Completed" && has_running {
            reason = if has_pod_ready_condition(pod) { "Running".into() } else { "NotReady".into() };
        }
    }

    if pod.metadata.deletion_timestamp.is_some() && pod.status.reason == NODE_UNREACHABLE_POD_REASON {
        reason = "Unknown".into();
    } else if pod.metadata.deletion_timestamp.is_some() && phase != "Succeeded" && phase != "Failed" {
        reason = "Terminating".into();
    }

    let restarts_str = match last_restart {
        Some(t) if restarts != 0 => format!("{restarts} ({} ago)", translate_timestamp_since(Some(t), now)),
        _ => restarts.to_string(),
    };
    PodSummary { ready: format!("{ready}/{total}"), status: reason, restarts: restarts_str }
}

/// `printPod`.
pub fn print_pod(pod: &Pod, now: Time) -> Vec<String> {
    let s = summarize(pod, now);
    let ip = pod.status.pod_ips.first().map(|p| p.ip.clone()).unwrap_or_default();
    let or_none = |v: &str| if v.is_empty() { "<none>".to_string() } else { v.to_string() };
    let gates = match pod.spec.readiness_gates.as_ref().and_then(|g| g.as_array()) {
        Some(g) if !g.is_empty() => {
            let t = g
                .iter()
                .filter_map(|x| x.get("conditionType").and_then(|v| v.as_str()))
                .filter(|ct| pod.status.conditions.iter().find(|c| c.type_ == *ct).is_some_and(|c| c.status == "True"))
                .count();
            format!("{t}/{}", g.len())
        }
        _ => "<none>".into(),
    };
    vec![
        pod.metadata.name.clone(),
        s.ready,
        s.status,
        s.restarts,
        translate_timestamp_since(pod.metadata.creation_timestamp, now),
        or_none(&ip),
        or_none(&pod.spec.node_name),
        or_none(&pod.status.nominated_node_name),
        gates,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::*;

    fn t0() -> Time {
        Time::from_utc(2025, 1, 6, 9, 0, 0)
    }

    fn pod(name: &str) -> Pod {
        let mut p = Pod::default();
        p.metadata.name = name.into();
        p.metadata.namespace = "default".into();
        p.metadata.creation_timestamp = Some(t0());
        p.spec.containers = vec![Container { name: "nginx".into(), image: "nginx".into(), ..Default::default() }].into();
        p
    }

    fn cstatus(state: ContainerState, ready: bool, restarts: i32) -> ContainerStatus {
        ContainerStatus { name: "nginx".into(), state, ready, restart_count: restarts, ..Default::default() }
    }

    fn waiting(reason: &str) -> ContainerState {
        ContainerState { waiting: Some(ContainerStateWaiting { reason: reason.into(), message: String::new() }), ..Default::default() }
    }

    fn running() -> ContainerState {
        ContainerState { running: Some(ContainerStateRunning { started_at: Some(t0()) }), ..Default::default() }
    }

    #[test]
    fn running_ready_pod() {
        // printPod: READY counts ready running containers; STATUS is the phase.
        let mut p = pod("web-0");
        p.status.phase = "Running".into();
        p.status.container_statuses = vec![cstatus(running(), true, 0)];
        let cells = print_pod(&p, t0().plus_secs(120));
        assert_eq!(cells[..5], ["web-0", "1/1", "Running", "0", "2m"]);
        assert_eq!(cells[5..], ["<none>", "<none>", "<none>", "<none>"]);
    }

    #[test]
    fn waiting_reasons_win() {
        let mut p = pod("web-1");
        p.status.phase = "Pending".into();
        p.status.container_statuses = vec![cstatus(waiting("ContainerCreating"), false, 0)];
        assert_eq!(summarize(&p, t0()).status, "ContainerCreating");
        p.status.container_statuses = vec![cstatus(waiting("ImagePullBackOff"), false, 0)];
        assert_eq!(summarize(&p, t0()).status, "ImagePullBackOff");
    }

    #[test]
    fn crash_loop_restarts_show_last_termination() {
        // printPod: RESTARTS "3 (25s ago)" from lastState.terminated.finishedAt.
        let mut p = pod("web-1");
        p.status.phase = "Running".into();
        let mut cs = cstatus(waiting("CrashLoopBackOff"), false, 3);
        cs.last_state.terminated = Some(ContainerStateTerminated {
            exit_code: 1,
            reason: "Error".into(),
            finished_at: Some(t0().plus_secs(35)),
            ..Default::default()
        });
        p.status.container_statuses = vec![cs];
        let s = summarize(&p, t0().plus_secs(60));
        assert_eq!((s.ready.as_str(), s.status.as_str(), s.restarts.as_str()), ("0/1", "CrashLoopBackOff", "3 (25s ago)"));
    }

    #[test]
    fn init_containers_and_terminal_states() {
        let mut p = pod("web-0");
        p.spec.init_containers = vec![Container { name: "init".into(), ..Default::default() }];
        p.status.phase = "Pending".into();
        p.status.init_container_statuses = vec![ContainerStatus { name: "init".into(), ..Default::default() }];
        assert_eq!(summarize(&p, t0()).status, "Init:0/1");
        p.status.init_container_statuses[0].state = waiting("CrashLoopBackOff");
        assert_eq!(summarize(&p, t0()).status, "Init:CrashLoopBackOff");
        p.status.init_container_statuses[0].state =
            ContainerState { terminated: Some(ContainerStateTerminated { exit_code: 2, ..Default::default() }), ..Default::default() };
        assert_eq!(summarize(&p, t0()).status, "Init:ExitCode:2");
        p.status.init_container_statuses[0].state = waiting("PodInitializing");
        assert_eq!(summarize(&p, t0()).status, "Init:0/1");

        let mut q = pod("web-0");
        q.status.phase = "Failed".into();
        q.status.container_statuses = vec![cstatus(
            ContainerState { terminated: Some(ContainerStateTerminated { exit_code: 1, reason: "Error".into(), ..Default::default() }), ..Default::default() },
            false,
            0,
        )];
        assert_eq!(summarize(&q, t0()).status, "Error");
        q.status.container_statuses[0].state.terminated.as_mut().unwrap().reason = "Completed".into();
        assert_eq!(summarize(&q, t0()).status, "Completed");
    }

    #[test]
    fn terminating_and_unknown() {
        let mut p = pod("web-2");
        p.status.phase = "Running".into();
        p.status.container_statuses = vec![cstatus(running(), true, 0)];
        p.metadata.deletion_timestamp = Some(t0().plus_secs(30));
        assert_eq!(summarize(&p, t0()).status, "Terminating");
        p.status.reason = NODE_UNREACHABLE_POD_REASON.into();
        assert_eq!(summarize(&p, t0()).status, "Unknown");
        let mut done = pod("x");
        done.status.phase = "Succeeded".into();
        done.metadata.deletion_timestamp = Some(t0());
        assert_eq!(summarize(&done, t0()).status, "Succeeded");
    }

    #[test]
    fn sidecars_count_in_ready() {
        let mut p = pod("web-0");
        p.spec.init_containers = vec![Container { name: "proxy".into(), restart_policy: "Always".into(), ..Default::default() }];
        p.status.phase = "Running".into();
        p.status.conditions = vec![Condition { type_: "Initialized".into(), status: "True".into(), ..Default::default() }];
        p.status.init_container_statuses =
            vec![ContainerStatus { name: "proxy".into(), state: running(), ready: true, started: Some(true), ..Default::default() }];
        p.status.container_statuses = vec![cstatus(running(), true, 0)];
        let s = summarize(&p, t0());
        assert_eq!((s.ready.as_str(), s.status.as_str()), ("2/2", "Running"));
    }
}
