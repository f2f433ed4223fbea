//! `core/v1` Pod and the pod template (k8s.io/api/core/v1/types.go). Fields the simulation acts
//! on are typed; real-world fields it does not simulate (affinity, resources, securityContext,
//! lifecycle, …) are kept verbatim as JSON values so manifests round-trip and raise no false
//! "unknown field" warning.

use super::meta::{Condition, ObjectMeta, Time};
use super::object::Object;
use super::shared::Shared;
use std::ops::Deref;
use std::rc::Rc;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// A JSON value the playground stores but does not interpret, shared between object versions
/// (copied only when written to, see [`Shared`]).
pub type Opaque = Option<Shared<Value>>;

/// `core/v1 Pod`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pod {
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Shared with the pod's other versions until changed: most writes change only status.
    #[serde(default)]
    pub spec: Shared<PodSpec>,
    #[serde(default)]
    pub status: PodStatus,
}

/// A pod read from the store without copying it (components that only read a pod hold this),
/// or, in the StatefulSet controller, a placeholder pod built in a sync and not created yet
/// (phase "").
#[derive(Clone, Debug)]
pub struct PodHandle(Rc<Object>);

impl PodHandle {
    /// Wraps a stored object; None unless it is a Pod.
    pub fn new(obj: Rc<Object>) -> Option<PodHandle> {
        obj.as_pod().is_some().then_some(PodHandle(obj))
    }

    /// Wraps a pod built in this sync.
    pub fn from_pod(pod: Pod) -> PodHandle {
        PodHandle(Rc::new(Object::Pod(pod)))
    }

    /// The shared object.
    pub fn object(&self) -> &Rc<Object> {
        &self.0
    }
}

impl Deref for PodHandle {
    type Target = Pod;
    fn deref(&self) -> &Pod {
        match &*self.0 {
            Object::Pod(p) => p,
            // `new` and `from_pod` only ever wrap pods.
            _ => unreachable!("PodHandle holds a Pod"),
        }
    }
}

/// `PodTemplateSpec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodTemplateSpec {
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Shared with the pods and revisions made from it until changed.
    #[serde(default)]
    pub spec: Shared<PodSpec>,
}

/// `PodSpec`, in the Go struct's field order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<Volume>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub init_containers: Vec<Container>,
    /// Shared between the pods made from one template until one of them changes its own: a
    /// pod's spec is copied when it is written (defaulting does, for every new pod), and its
    /// containers are most of it.
    #[serde(default)]
    pub containers: Shared<Vec<Container>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral_containers: Opaque,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub restart_policy: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_grace_period_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_deadline_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub dns_policy: String,
    #[serde(default, skip_serializing_if = "crate::engine::api::StringMap::is_empty")]
    pub node_selector: crate::engine::api::StringMap,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub service_account_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub service_account: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automount_service_account_token: Opaque,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub node_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_network: Opaque,
    #[serde(default, rename = "hostPID", skip_serializing_if = "Option::is_none")]
    pub host_pid: Opaque,
    #[serde(default, rename = "hostIPC", skip_serializing_if = "Option::is_none")]
    pub host_ipc: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_process_namespace: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_secrets: Opaque,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hostname: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subdomain: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Opaque,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scheduler_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerations: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_aliases: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_class_name: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_config: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness_gates: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_class_name: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_service_links: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preemption_policy: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overhead: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology_spread_constraints: Opaque,
    #[serde(default, rename = "setHostnameAsFQDN", skip_serializing_if = "Option::is_none")]
    pub set_hostname_as_fqdn: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_users: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduling_gates: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_claims: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname_override: Opaque,
}

/// `Container` (also used for init containers).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub image: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub working_dir: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ContainerPort>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_from: Opaque,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resize_policy: Opaque,
    /// `Always` on an init container makes it a sidecar (restartable init container).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub restart_policy: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_policy_rules: Opaque,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volume_mounts: Vec<VolumeMount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_devices: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness_probe: Option<Probe>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness_probe: Option<Probe>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup_probe: Option<Probe>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Opaque,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub termination_message_path: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub termination_message_policy: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub image_pull_policy: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdin: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdin_once: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tty: Opaque,
}

/// `ContainerPort`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerPort {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_port: Option<i32>,
    #[serde(default)]
    pub container_port: i32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub protocol: String,
    #[serde(default, rename = "hostIP", skip_serializing_if = "String::is_empty")]
    pub host_ip: String,
}

/// `EnvVar`. `valueFrom` is kept but not resolved.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvVar {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_from: Opaque,
}

/// `VolumeMount`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeMount {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recursive_read_only: Opaque,
    #[serde(default)]
    pub mount_path: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sub_path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount_propagation: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_path_expr: Opaque,
}

/// `Volume`: a name plus one volume source. `persistentVolumeClaim` is typed; every other
/// source (emptyDir, configMap, secret, hostPath, projected, …) is kept as-is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_volume_claim: Option<PersistentVolumeClaimVolumeSource>,
    #[serde(flatten)]
    pub other_sources: BTreeMap<String, Shared<Value>>,
}

/// `PersistentVolumeClaimVolumeSource`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersistentVolumeClaimVolumeSource {
    pub claim_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
}

/// `Probe`: the handler (exec/httpGet/tcpSocket/grpc) is kept as-is; the timing fields drive the
/// kubelet model.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Probe {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_get: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp_socket: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grpc: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_delay_seconds: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_seconds: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_threshold: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_threshold: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_grace_period_seconds: Option<i64>,
}

/// `PodStatus`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodStatus {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phase: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty", serialize_with = "serialize_pod_conditions")]
    pub conditions: Vec<Condition>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub nominated_node_name: String,
    #[serde(default, rename = "hostIP", skip_serializing_if = "String::is_empty")]
    pub host_ip: String,
    #[serde(default, rename = "hostIPs", skip_serializing_if = "Vec::is_empty")]
    pub host_ips: Vec<IpEntry>,
    #[serde(default, rename = "podIP", skip_serializing_if = "String::is_empty")]
    pub pod_ip: String,
    #[serde(default, rename = "podIPs", skip_serializing_if = "Vec::is_empty")]
    pub pod_ips: Vec<IpEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Time>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub init_container_statuses: Vec<ContainerStatus>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub container_statuses: Vec<ContainerStatus>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub qos_class: String,
    /// The pod `metadata.generation` the kubelet last reported on (PodObservedGenerationTracking,
    /// beta and on in v1.34, GA in v1.35).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Status fields of a real v1.35 pod the playground does not model: accepted (a status
    /// copied from a real cluster decodes) and kept as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral_container_statuses: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resize: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_claim_statuses: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_resource_claim_status: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Opaque,
}

/// `PodIP` / `HostIP`: `{ip: …}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IpEntry {
    pub ip: String,
}

/// `ContainerStatus`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStatus {
    pub name: String,
    #[serde(default)]
    pub state: ContainerState,
    /// A struct, not a pointer, upstream: serialized as `lastState: {}` when empty.
    #[serde(default)]
    pub last_state: ContainerState,
    #[serde(default)]
    pub ready: bool,
    #[serde(default)]
    pub restart_count: i32,
    #[serde(default)]
    pub image: String,
    #[serde(default, rename = "imageID")]
    pub image_id: String,
    #[serde(default, rename = "containerID", skip_serializing_if = "String::is_empty")]
    pub container_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<bool>,
    /// The resources the runtime reports for a created container (`resources: {}` without
    /// requests or limits; InPlacePodVerticalScaling, GA in v1.35).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Opaque,
    /// The requests the node allocated to the container (only when it has some).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocated_resources: Opaque,
    /// `VolumeMountStatus` per mount of the container spec (`recursiveReadOnly: Disabled` on
    /// read-only mounts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volume_mounts: Vec<VolumeMountStatus>,
    /// Fields a real v1.35 status may carry and the playground does not model (`user`,
    /// `allocatedResourcesStatus`, `stopSignal`): accepted, so a status copied from a real
    /// cluster decodes, and kept as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocated_resources_status: Opaque,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_signal: Opaque,
}

/// `VolumeMountStatus`: a mount as the kubelet reports it in a container's status.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeMountStatus {
    pub name: String,
    pub mount_path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recursive_read_only: Option<String>,
}

/// `ContainerState`: at most one of waiting/running/terminated.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting: Option<ContainerStateWaiting>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running: Option<ContainerStateRunning>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminated: Option<ContainerStateTerminated>,
}

impl ContainerState {
    /// True when no state is set (an empty `lastState`).
    pub fn is_empty(&self) -> bool {
        self.waiting.is_none() && self.running.is_none() && self.terminated.is_none()
    }
}

/// `ContainerStateWaiting`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStateWaiting {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// `ContainerStateRunning`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStateRunning {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Time>,
}

/// `ContainerStateTerminated`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStateTerminated {
    #[serde(default)]
    pub exit_code: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<i32>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<Time>,
    #[serde(default, rename = "containerID", skip_serializing_if = "String::is_empty")]
    pub container_id: String,
}

/// Pod phases.
pub mod phase {
    /// Accepted, not all containers running yet.
    pub const PENDING: &str = "Pending";
    /// Bound to a node, all containers created, at least one running.
    pub const RUNNING: &str = "Running";
    /// All containers terminated successfully.
    pub const SUCCEEDED: &str = "Succeeded";
    /// All containers terminated, at least one in failure.
    pub const FAILED: &str = "Failed";
    /// State could not be obtained (node lost).
    pub const UNKNOWN: &str = "Unknown";
}

impl Pod {
    /// The pod's condition of the given type.
    pub fn condition(&self, type_: &str) -> Option<&Condition> {
        self.status.conditions.iter().find(|c| c.type_ == type_)
    }

    /// `podutil.IsPodReady`: condition Ready is True.
    pub fn is_ready(&self) -> bool {
        self.condition("Ready").is_some_and(|c| c.status == "True")
    }

    /// `isRunningAndReady` (stateful_set_utils.go): phase Running and Ready.
    pub fn is_running_and_ready(&self) -> bool {
        self.status.phase == phase::RUNNING && self.is_ready()
    }

    /// `podutil.IsPodAvailable`: ready for at least `min_ready_seconds` at `now`.
    pub fn is_available(&self, min_ready_seconds: i32, now: Time) -> bool {
        let Some(c) = self.condition("Ready").filter(|c| c.status == "True") else {
            return false;
        };
        if min_ready_seconds <= 0 {
            return true;
        }
        match c.last_transition_time {
            Some(t) => t.plus_secs(min_ready_seconds as u64) < now,
            None => false,
        }
    }
}

/// A pod condition as the API serves it: `PodCondition.lastProbeTime` is a `metav1.Time` struct,
/// not a pointer, so `omitempty` keeps it and every pod condition reads `lastProbeTime: null`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PodConditionOut<'a> {
    #[serde(rename = "type")]
    type_: &'a str,
    status: &'a str,
    last_probe_time: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_transition_time: Option<Time>,
    #[serde(skip_serializing_if = "str::is_empty")]
    reason: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    observed_generation: Option<i64>,
}

fn serialize_pod_conditions<S: serde::Serializer>(v: &[Condition], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|c| PodConditionOut {
        type_: &c.type_,
        status: &c.status,
        last_probe_time: c.last_probe_time,
        last_transition_time: c.last_transition_time,
        reason: &c.reason,
        message: &c.message,
        observed_generation: c.observed_generation,
    }))
}

#[cfg(test)]
mod status_tests {
    use super::*;

    #[test]
    fn container_status_mounts_decode() {
        let v = serde_json::json!({"name": "c", "ready": true, "volumeMounts": [{"mountPath": "/x", "name": "y"}]});
        let s: ContainerStatus = crate::engine::api::object::from_value(v).unwrap();
        assert_eq!(s.volume_mounts[0].name, "y");
        let v = serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            "status": {"containerStatuses": [{"name": "c", "image": "nginx", "volumeMounts": [{"mountPath": "/x", "name": "y"}]}]}});
        let p: Pod = crate::engine::api::object::from_value(v).unwrap();
        assert_eq!(p.status.container_statuses[0].volume_mounts[0].mount_path, "/x");
        // A status copied from a real v1.35 cluster decodes without unknown fields.
        let v = serde_json::json!({"containerStatuses": [{"name": "c", "user": {"linux": {"uid": 0, "gid": 0}},
            "stopSignal": "SIGTERM", "allocatedResourcesStatus": []}], "resources": {}, "resize": "InProgress"});
        let mut unknown = Vec::new();
        let _: PodStatus = crate::engine::api::object::decode_value(v, &mut |p| unknown.push(format!("{p:?}"))).unwrap();
        assert!(unknown.is_empty(), "{unknown:?}");
    }
}
