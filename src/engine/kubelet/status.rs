//! The pod status the kubelet writes (`kubelet_pods.go` `generateAPIPodStatus`, `getPhase`,
//! `status/generate.go` condition generators): phase, the PodReadyToStartContainers /
//! Initialized / Ready / ContainersReady conditions, IPs and container statuses.

use super::runtime::parse_image;
use super::{CState, Ctr, PodRt};
use crate::engine::api::{
    Condition, ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStateWaiting, ContainerStatus, IpEntry,
    Kind, Object, Pod, PodStatus,
};
use crate::engine::apiserver;
use crate::engine::sim::Cluster;

fn api_state(s: &CState) -> ContainerState {
    match s {
        CState::Waiting { reason, message } => ContainerState {
            waiting: Some(ContainerStateWaiting { reason: reason.clone(), message: message.clone() }),
            ..Default::default()
        },
        CState::Running { started_at } => {
            ContainerState { running: Some(ContainerStateRunning { started_at: Some(*started_at) }), ..Default::default() }
        }
        CState::Terminated(t) => ContainerState { terminated: Some(terminated(t)), ..Default::default() },
    }
}

fn terminated(t: &super::Terminated) -> ContainerStateTerminated {
    ContainerStateTerminated {
        exit_code: t.exit_code,
        signal: None,
        reason: t.reason.clone(),
        message: String::new(),
        started_at: t.started_at,
        finished_at: Some(t.finished_at),
        container_id: t.container_id.clone(),
    }
}

/// `convertToAPIContainerStatuses`: the runtime's view of a container, plus what the kubelet
/// adds from the spec (its mounts; a created container's resources).
fn container_status(x: &Ctr, spec: Option<&crate::engine::api::Container>) -> ContainerStatus {
    let image = if x.container_id.is_empty() {
        x.image.clone()
    } else {
        parse_image(&x.image).map(|r| r.full()).unwrap_or_else(|_| x.image.clone())
    };
    ContainerStatus {
        name: x.name.clone(),
        state: api_state(&x.state),
        last_state: x.last.as_ref().map(|t| ContainerState { terminated: Some(terminated(t)), ..Default::default() }).unwrap_or_default(),
        ready: x.ready,
        restart_count: x.restarts,
        image,
        image_id: x.image_id.clone(),
        container_id: x.container_id.clone(),
        started: Some(x.started && matches!(x.state, CState::Running { .. })),
        resources: spec.filter(|_| !x.container_id.is_empty()).map(|c| {
            let mut r = serde_json::Map::new();
            for k in ["limits", "requests"] {
                if let Some(v) = c.resources.as_deref().and_then(|v| v.get(k)).filter(|v| v.as_object().is_some_and(|m| !m.is_empty())) {
                    r.insert(k.into(), v.clone());
                }
            }
            crate::engine::api::Shared::new(serde_json::Value::Object(r))
        }),
        allocated_resources: spec
            .filter(|_| !x.container_id.is_empty())
            .and_then(|c| c.resources.as_deref()?.get("requests").filter(|v| v.as_object().is_some_and(|m| !m.is_empty())).cloned())
            .map(crate::engine::api::Shared::new),
        volume_mounts: spec
            .map(|c| {
                c.volume_mounts
                    .iter()
                    .map(|m| {
                        let ro = m.read_only == Some(true);
                        crate::engine::api::pod::VolumeMountStatus {
                            name: m.name.clone(),
                            mount_path: m.mount_path.clone(),
                            read_only: ro.then_some(true),
                            // RecursiveReadOnlyMounts: a read-only mount not asking for more is reported
                            // `Disabled`.
                            recursive_read_only: ro.then(|| "Disabled".to_string()),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default(),
        ..Default::default()
    }
}

/// `getPhase` for a pod that is not being finished; `terminal` forces Succeeded/Failed.
pub fn phase(rt: &PodRt, restart_policy: &str, terminal: bool) -> &'static str {
    let mut pending_init = 0;
    for x in rt.ctrs.iter().filter(|x| x.init) {
        if x.sidecar {
            if !x.started {
                pending_init += 1;
            }
        } else if !matches!(&x.state, CState::Terminated(t) if t.exit_code == 0) {
            if restart_policy == "Never" && matches!(&x.state, CState::Terminated(t) if t.exit_code != 0) {
                return "Failed";
            }
            pending_init += 1;
        }
    }
    let (mut running, mut waiting, mut stopped, mut succeeded) = (0, 0, 0, 0);
    for x in rt.ctrs.iter().filter(|x| !x.init) {
        match &x.state {
            CState::Running { .. } => running += 1,
            CState::Terminated(t) => {
                stopped += 1;
                if t.exit_code == 0 {
                    succeeded += 1;
                }
            }
            CState::Waiting { .. } => {
                if x.last.is_some() {
                    stopped += 1;
                } else {
                    waiting += 1;
                }
            }
        }
    }
    if terminal {
        return if stopped == succeeded && waiting == 0 { "Succeeded" } else { "Failed" };
    }
    if pending_init > 0 || waiting > 0 {
        return "Pending";
    }
    if running > 0 {
        return "Running";
    }
    if stopped > 0 {
        return match restart_policy {
            "Never" if stopped != succeeded => "Failed",
            "Never" | "OnFailure" if stopped == succeeded => "Succeeded",
            _ => "Running",
        };
    }
    "Pending"
}

/// A condition; `message` is only built for a False one (the True ones carry none).
fn cond(type_: &str, ok: bool, reason: &str, message: impl FnOnce() -> String) -> Condition {
    Condition {
        type_: type_.into(),
        status: if ok { "True" } else { "False" }.into(),
        reason: if ok { String::new() } else { reason.into() },
        message: if ok { String::new() } else { message() },
        ..Default::default()
    }
}

/// `CalculatePodStatusObservedGeneration` / `CalculatePodConditionObservedGeneration`
/// (`pkg/api/v1/pod/util.go`): the pod's generation, reported in `status.observedGeneration` and
/// on every condition the kubelet sets since PodObservedGenerationTracking went beta (on) in
/// v1.34 (kubernetes#132912; GA in v1.35, kubernetes#134948).
pub fn observed_generation(p: &Pod) -> Option<i64> {
    (p.metadata.generation > 0).then_some(p.metadata.generation)
}

/// The status the kubelet would report now.
pub fn build(c: &Cluster, rt: &PodRt, p: &Pod, terminal: bool) -> PodStatus {
    let policy = if p.spec.restart_policy.is_empty() { "Always" } else { p.spec.restart_policy.as_str() };
    let host_ip = c
        .store
        .get(Kind::Node, "", &rt.node)
        .and_then(|o| o.as_node())
        .and_then(|n| n.status.addresses.iter().find(|a| a.type_ == "InternalIP").map(|a| a.address.clone()))
        .unwrap_or_default();
    let (pod_ip, pod_ips) = match &rt.ip {
        Some(ip) => (ip.clone(), vec![IpEntry { ip: ip.clone() }]),
        None => (p.status.pod_ip.clone(), p.status.pod_ips.clone()),
    };
    // Field by field (every field listed): copying the old status only to overwrite most of it
    // was a visible cost of every kubelet status write.
    let mut s = PodStatus {
        phase: phase(rt, policy, terminal).to_string(),
        conditions: Vec::new(),
        message: p.status.message.clone(),
        reason: p.status.reason.clone(),
        nominated_node_name: p.status.nominated_node_name.clone(),
        host_ips: if host_ip.is_empty() { Vec::new() } else { vec![IpEntry { ip: host_ip.clone() }] },
        host_ip,
        pod_ip,
        pod_ips,
        start_time: Some(rt.start_time),
        init_container_statuses: rt.ctrs.iter().filter(|x| x.init).map(|x| container_status(x, p.spec.init_containers.iter().find(|c| c.name == x.name))).collect(),
        container_statuses: rt.ctrs.iter().filter(|x| !x.init).map(|x| container_status(x, p.spec.containers.iter().find(|c| c.name == x.name))).collect(),
        qos_class: qos_class(p).into(),
        observed_generation: observed_generation(p),
        // What the kubelet does not model: it writes none of it.
        ..Default::default()
    };

    let incomplete: Vec<&str> = rt
        .ctrs
        .iter()
        .filter(|x| x.init)
        .filter(|x| if x.sidecar { !x.started } else { !matches!(&x.state, CState::Terminated(t) if t.exit_code == 0) })
        .map(|x| x.name.as_str())
        .collect();
    let unready: Vec<&str> = rt.ctrs.iter().filter(|x| (!x.init || x.sidecar) && !x.ready).map(|x| x.name.as_str()).collect();
    let done = terminal || matches!(s.phase.as_str(), "Succeeded" | "Failed");
    let ready_cond = |t: &str| {
        if done {
            Condition { type_: t.into(), status: "False".into(), reason: "PodCompleted".into(), ..Default::default() }
        } else {
            cond(t, unready.is_empty(), "ContainersNotReady", || format!("containers with unready status: [{}]", unready.join(" ")))
        }
    };
    let containers_ready = ready_cond("ContainersReady");
    let ready = if containers_ready.status == "True" { gated_ready(p).unwrap_or_else(|| ready_cond("Ready")) } else { ready_cond("Ready") };
    let wanted = vec![
        cond("PodReadyToStartContainers", rt.sandbox_ready && !done, "", String::new),
        cond("Initialized", incomplete.is_empty(), "ContainersNotInitialized", || {
            format!("containers with incomplete status: [{}]", incomplete.join(" "))
        }),
        ready,
        containers_ready,
    ];
    let mut out = Vec::new();
    for mut w in wanted {
        w.observed_generation = s.observed_generation;
        if let Some(old) = p.status.conditions.iter().find(|x| x.type_ == w.type_) {
            w.last_transition_time = if old.status == w.status { old.last_transition_time } else { Some(c.now) };
        } else {
            w.last_transition_time = Some(c.now);
        }
        out.push(w);
    }
    for old in &p.status.conditions {
        if !out.iter().any(|x| x.type_ == old.type_) {
            out.push(old.clone());
        }
    }
    s.conditions = out;
    s
}

/// `GeneratePodReadyCondition` (kubelet `status/generate.go`) once the containers are ready: Ready
/// stays False while a `readinessGates` condition is missing or not True (something outside the
/// kubelet must set it). None when every gate is satisfied.
fn gated_ready(p: &Pod) -> Option<Condition> {
    let gates = p.spec.readiness_gates.as_ref()?.as_array()?;
    let unready: Vec<String> = gates
        .iter()
        .filter_map(|g| g.get("conditionType").and_then(|t| t.as_str()))
        .filter_map(|t| match p.status.conditions.iter().find(|c| c.type_ == t) {
            None => Some(format!("corresponding condition of pod readiness gate {t:?} does not exist.")),
            Some(c) if c.status != "True" => Some(format!("the status of pod readiness gate {t:?} is not \"True\", but {}", c.status)),
            Some(_) => None,
        })
        .collect();
    (!unready.is_empty()).then(|| Condition {
        type_: "Ready".into(),
        status: "False".into(),
        reason: "ReadinessGatesNotReady".into(),
        message: unready.join(", "),
        ..Default::default()
    })
}

/// Whether a pod with readiness gates shows a Ready condition its gates no longer agree with:
/// containers ready, but Ready's gate verdict is out of date.
pub fn readiness_gates_changed(p: &Pod) -> bool {
    if p.spec.readiness_gates.as_ref().and_then(|g| g.as_array()).is_none_or(|g| g.is_empty()) {
        return false;
    }
    if p.condition("ContainersReady").is_none_or(|c| c.status != "True") {
        return false;
    }
    let ready = p.condition("Ready");
    match gated_ready(p) {
        None => ready.is_none_or(|c| c.status != "True"),
        Some(want) => ready.is_none_or(|c| c.status != want.status || c.message != want.message),
    }
}

/// `v1qos.GetPodQOS`: BestEffort without any requests/limits, Guaranteed when every container
/// sets equal CPU and memory requests and limits, otherwise Burstable.
pub fn qos_class(p: &Pod) -> &'static str {
    let ctrs: Vec<&crate::engine::api::Container> = p.spec.containers.iter().chain(p.spec.init_containers.iter()).collect();
    let any = ctrs.iter().any(|x| {
        x.resources.as_ref().is_some_and(|r| {
            ["requests", "limits"].iter().any(|k| r.get(k).and_then(|m| m.as_object()).is_some_and(|m| !m.is_empty()))
        })
    });
    if !any {
        return "BestEffort";
    }
    let guaranteed = ctrs.iter().all(|x| {
        let Some(r) = &x.resources else { return false };
        ["cpu", "memory"].iter().all(|res| {
            let lim = r.get("limits").and_then(|m| m.get(*res));
            let req = r.get("requests").and_then(|m| m.get(*res)).or(lim);
            lim.is_some() && req == lim
        })
    });
    if guaranteed { "Guaranteed" } else { "Burstable" }
}

fn write_with(c: &mut Cluster, uid: &str, terminal: bool) {
    let Some(rt) = c.runtime.pods.get(uid) else { return };
    if c.runtime.node_down(&rt.node) {
        return;
    }
    let Some(p) = c.store.get_key(&rt.key).and_then(|o| o.as_pod()) else { return };
    if p.metadata.uid != uid {
        return;
    }
    let status = build(c, rt, p, terminal);
    if status == p.status {
        return;
    }
    // A new version with the new status; the spec stays shared with the stored one.
    let np = Pod { metadata: p.metadata.clone(), spec: p.spec.clone(), status };
    apiserver::write_internal(c, Object::Pod(np));
}

/// Writes the pod's current status (when it changed).
pub fn write(c: &mut Cluster, uid: &str) {
    write_with(c, uid, false);
}

/// Writes the final status of a pod whose containers all stopped for deletion.
pub fn write_terminal(c: &mut Cluster, uid: &str) {
    write_with(c, uid, true);
}
