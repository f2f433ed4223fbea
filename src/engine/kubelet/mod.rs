//! The kubelet and its container runtime (`pkg/kubelet`, containerd behind the CRI): runs the
//! pods bound to each node and reports their status.
//!
//! - [`lifecycle`]: admission, sandbox, init containers and sidecars, image pulls, create/start;
//!   [`exits`]: a container's exit and its restart with back-off (CrashLoopBackOff);
//!   [`termination`]: graceful termination.
//! - [`probes`]: readiness and liveness probing; [`prober`]: what a probe answers (the
//!   nginx/httpd web server answers an `httpGet` of port 80 as it serves it, 403 included; every
//!   other probe fails only under a fault); [`startup`]: the startup probe that holds them.
//! - [`entrypoint`]: what each container's main process does (its image's ENTRYPOINT/CMD as the
//!   spec overrides them; [`sh`] for shell scripts, [`db_entrypoints`] for databases that need a
//!   password): it runs on, or exits after a while with a code and some output;
//!   [`stop_signal`]: whether that process stops on the stop signal or runs out the grace period.
//! - [`spec_change`]: a container whose image is changed on the live pod is restarted with it.
//! - [`status`]: the pod status the kubelet writes (phase, conditions, container statuses).
//! - [`runtime`]: images, pod IPs, container IDs.
//! - [`etc`]: the `/etc/hosts`, `/etc/hostname` and `/etc/resolv.conf` every container sees.
//! - [`volume_manager`]: mounting configMap/secret/projected volumes before the sandbox.
//!
//! A node whose kubelet is down ([`Runtime::node_down`]) does nothing: its pods keep whatever
//! status they had until the node lifecycle controller steps in.

pub mod etc;
pub mod config_refs;
pub mod db_entrypoints;
pub mod entrypoint;
pub mod exits;
pub mod lifecycle;
pub mod liveness;
pub mod prober;
pub mod probes;
pub mod runtime;
pub mod sh;
pub mod spec_change;
pub mod startup;
pub mod stop_signal;
pub mod status;
pub mod termination;
pub mod volume_manager;

use super::api::{Object, ObjectReference, Pod, PodHandle, Shared, Time};
use super::fs::Tree;
use super::sim::{Cluster, Task as SimTask};
use super::store::{ObjectKey, WatchEvent, WatchEventType};
use runtime::NodeRuntime;
use std::collections::{BTreeMap, BTreeSet};
use crate::util::hash::FastMap;
use crate::util::vecset::{VecMap, VecSet};

/// Component name on kubelet events.
pub const COMPONENT: &str = "kubelet";

/// A container's state as the runtime knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CState {
    /// Not running: ContainerCreating, PodInitializing, ErrImagePull, CrashLoopBackOff, …
    Waiting {
        /// Waiting reason.
        reason: String,
        /// Waiting message.
        message: String,
    },
    /// Running since.
    Running {
        /// Start time.
        started_at: Time,
    },
    /// Exited.
    Terminated(Terminated),
}

/// A finished container instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Terminated {
    /// Exit code.
    pub exit_code: i32,
    /// `Completed`, `Error`, …
    pub reason: String,
    /// When it started.
    pub started_at: Option<Time>,
    /// When it exited.
    pub finished_at: Time,
    /// Its container ID.
    pub container_id: String,
}

/// One container (or init container) of a pod on its node.
#[derive(Clone, Debug)]
pub struct Ctr {
    /// Container name.
    pub name: String,
    /// Image as written in the spec.
    pub image: String,
    /// An init container.
    pub init: bool,
    /// A restartable init container (sidecar).
    pub sidecar: bool,
    /// Current state.
    pub state: CState,
    /// Previous instance's termination.
    pub last: Option<Terminated>,
    /// Restarts so far.
    pub restarts: i32,
    /// Ready (readiness probe or simply running).
    pub ready: bool,
    /// Started (startup probe passed or none).
    pub started: bool,
    /// Current instance's container ID (`containerd://…`), empty before the first create.
    pub container_id: String,
    /// Image ID once the image is present.
    pub image_id: String,
    /// Crash-loop back-off for the next restart (0 = restart at once).
    pub backoff_ms: u64,
    /// Image pull back-off.
    pub pull_backoff_ms: u64,
    /// Incremented on every transition: tasks carrying an older value are stale.
    pub seq: u64,
    /// The kubelet has started working on it (first launch done).
    pub launched: bool,
    /// The current image pull: when it was requested and how long the pull itself takes.
    pub pull: Option<(Time, u64)>,
    /// The last pull error (for the ImagePullBackOff message).
    pub pull_error: String,
    /// Consecutive readiness probe failures.
    pub probe_failures: i32,
    /// Consecutive readiness probe successes (counted against `successThreshold`).
    pub probe_successes: i32,
    /// Consecutive liveness probe failures.
    pub liveness_failures: i32,
    /// Consecutive startup probe failures.
    pub startup_failures: i32,
    /// A readiness probe loop is armed for this container.
    pub probing: bool,
    /// A liveness probe loop is armed for this container (its own worker and period).
    pub liveness_probing: bool,
    /// The restart count of the instance a failing liveness probe first killed, until the probe
    /// passes again: that kill and the restart after it are awaited by `sim wait`; the kills of
    /// later instances (`restarts` above it) are a failure loop ([`liveness::looping`]).
    pub liveness_killed_at: Option<i32>,
    /// When the readiness worker last probed: its ticker keeps that phase.
    pub readiness_tick: Option<Time>,
    /// The current run's main process (what it prints, whether it ends), once started.
    pub main: Option<Shared<entrypoint::MainProcess>>,
    /// The previous run's main process (`kubectl logs --previous`).
    pub last_main: Option<Shared<entrypoint::MainProcess>>,
    /// Being stopped because its definition changed; it starts again once stopped.
    pub replacing: bool,
}

/// A pod on a node.
#[derive(Clone, Debug)]
pub struct PodRt {
    /// Store key.
    pub key: ObjectKey,
    /// Pod uid.
    pub uid: String,
    /// Node.
    pub node: String,
    /// Pod IP once the sandbox exists.
    pub ip: Option<String>,
    /// Sandbox created (PodReadyToStartContainers).
    pub sandbox_ready: bool,
    /// When the kubelet admitted the pod (status.startTime).
    pub start_time: Time,
    /// Init containers then containers, in spec order.
    pub ctrs: Vec<Ctr>,
    /// Termination started.
    pub terminating: bool,
    /// Volumes not mounted yet (the pod worker waits in `WaitForAttachAndMount`).
    pub volume_wait: Option<volume_manager::VolumeWait>,
}

impl PodRt {
    /// A container by name.
    pub fn ctr(&self, name: &str) -> Option<&Ctr> {
        self.ctrs.iter().find(|c| c.name == name)
    }

    /// A container by name, mutably.
    pub fn ctr_mut(&mut self, name: &str) -> Option<&mut Ctr> {
        self.ctrs.iter_mut().find(|c| c.name == name)
    }
}

/// Fault switches the runtime honours (set through [`super::faults`]).
#[derive(Clone, Debug, Default)]
pub struct FaultState {
    /// Image references (full form) that do not exist in their registry.
    pub broken_images: BTreeSet<String>,
    /// (pod uid, container) whose process exits with status 1 shortly after starting.
    pub crash: VecSet<(String, String)>,
    /// (pod uid, container) whose readiness endpoint fails.
    pub readiness: VecSet<(String, String)>,
    /// (pod uid, container) whose liveness endpoint fails.
    pub liveness: VecSet<(String, String)>,
}

/// Kubelet-side state that is not in the API: pods per node, images, IPs, container
/// filesystems, faults.
#[derive(Clone, Debug, Default)]
pub struct Runtime {
    /// By pod uid. A hash map: every kubelet step looks its pod up here, and with thousands of
    /// pods an ordered map's string comparisons grew the cost per pod; the one walk over it
    /// ([`Runtime::pods_on`]) sorts its result, so no hash order leaks out.
    pods: FastMap<String, PodRt>,
    nodes: VecMap<String, NodeRuntime>,
    /// Each container's writable layer; a fresh one shares the image's files until written.
    fs: BTreeMap<(String, String), Shared<Tree>>,
    /// The files each image starts a container with, by full reference (built once).
    image_trees: BTreeMap<String, Shared<Tree>>,
    /// Active faults.
    pub faults: FaultState,
    down: BTreeSet<String>,
    /// Work that fell due on a node whose kubelet was down, by node, in the order it fell due:
    /// done when the kubelet is back ([`termination::resync_node`]).
    deferred: Vec<(String, Task)>,
}

impl Runtime {
    /// A pod's runtime state by uid.
    pub fn pod(&self, uid: &str) -> Option<&PodRt> {
        self.pods.get(uid)
    }

    /// A container's own filesystem (its writable layer), while the pod exists.
    pub fn container_fs(&self, pod_uid: &str, container: &str) -> Option<&Tree> {
        self.fs.get(&(pod_uid.to_string(), container.to_string())).map(|t| &**t)
    }

    /// A container's own filesystem, mutably.
    pub fn container_fs_mut(&mut self, pod_uid: &str, container: &str) -> Option<&mut Tree> {
        self.fs.get_mut(&(pod_uid.to_string(), container.to_string())).map(|t| &mut **t)
    }

    /// A fresh writable layer for a container of `image`.
    pub(crate) fn fresh_layer(&mut self, image: &runtime::ImageRef) -> Shared<Tree> {
        self.image_trees.entry(image.full()).or_insert_with(|| Shared::new(super::webserver::image_tree(image))).clone()
    }

    /// Whether a node's kubelet is down (the "node lost" fault).
    pub fn node_down(&self, node: &str) -> bool {
        self.down.contains(node)
    }

    /// Nodes whose kubelet is down.
    pub fn down_nodes(&self) -> impl Iterator<Item = &String> {
        self.down.iter()
    }

    /// Images present on a node.
    pub fn images_on(&self, node: &str) -> impl Iterator<Item = &String> {
        self.nodes.get(node).into_iter().flat_map(|n| n.images.iter())
    }

    pub(crate) fn set_node_down(&mut self, node: &str, down: bool) {
        if down {
            self.down.insert(node.to_string());
        } else {
            self.down.remove(node);
        }
    }

    /// Takes the work deferred while `node`'s kubelet was down, in the order it fell due.
    pub(crate) fn take_deferred(&mut self, node: &str) -> Vec<Task> {
        let mut out = Vec::new();
        self.deferred.retain(|(n, t)| {
            let mine = n == node;
            if mine {
                out.push(t.clone());
            }
            !mine
        });
        out
    }

    pub(crate) fn pods_on(&self, node: &str) -> Vec<String> {
        let mut uids: Vec<String> = self.pods.values().filter(|p| p.node == node).map(|p| p.uid.clone()).collect();
        crate::util::sort::sort(&mut uids);
        uids
    }
}

/// One step of a container's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    /// Image pull finished.
    PullDone,
    /// Image pull failed.
    PullFailed,
    /// Next sync after a failed pull: report the back-off.
    PullBackOff,
    /// Retry the pull after the back-off.
    PullRetry,
    /// Create the container.
    Create,
    /// Start it.
    Start,
    /// The process exited with an error (crash fault).
    Exit,
    /// The main process ended by itself (its command finished, or its entrypoint gave up).
    MainExit,
    /// An init container finished successfully.
    Complete,
    /// The readiness probe's first success.
    Ready,
    /// Restart after the crash back-off.
    Restart,
    /// Periodic readiness probe run (under a fault, or until the first success).
    Probe,
    /// Periodic liveness probe run (under a fault).
    Liveness,
    /// A container killed by a failed liveness or startup probe has stopped.
    Killed,
    /// Periodic startup probe run, until its first success.
    Startup,
    /// A container stopped for a definition change has stopped: start it with the new spec.
    Replaced,
}

/// Work for a kubelet.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Task {
    /// Admit a pod bound to the node: first status.
    Admit(String),
    /// Create the pod sandbox (network, IP).
    Sandbox(String),
    /// A container step; `seq` must still match.
    Container {
        /// Pod uid.
        uid: String,
        /// Container name.
        name: String,
        /// Expected sequence number.
        seq: u64,
        /// The step.
        step: Step,
    },
    /// Containers of a terminating pod have stopped: final status and deletion.
    Stopped(String),
    /// A node's kubelet is back: resync its pods.
    Resync(String),
    /// Regenerate a pod's status (someone else changed a readiness gate's condition).
    SyncStatus(String),
    /// Retry a pod's failed volume mounts (pod uid, attempt sequence).
    MountVolumes(String, u64),
    /// The pod's spec changed a container's image: sync its containers with it.
    SpecChanged(String),
}

/// Watches pods bound to nodes.
pub fn on_change(c: &mut Cluster, ev: &WatchEvent) {
    if let Object::Generic(kind @ (super::api::Kind::ConfigMap | super::api::Kind::Secret), g) = &*ev.object {
        if ev.type_ != WatchEventType::Deleted {
            lifecycle::config_object_changed(c, *kind, &g.metadata.namespace, &g.metadata.name);
            volume_manager::config_object_changed(c, *kind, &g.metadata.namespace, &g.metadata.name);
        }
        return;
    }
    let Object::Pod(p) = &*ev.object else { return };
    let uid = p.metadata.uid.clone();
    if ev.type_ == WatchEventType::Deleted {
        termination::forget(c, &uid);
        return;
    }
    // Only a node that exists runs a kubelet: a pod bound to an unknown node just sits there.
    if p.spec.node_name.is_empty() || c.runtime.node_down(&p.spec.node_name) || c.store.get(super::api::Kind::Node, "", &p.spec.node_name).is_none() {
        return;
    }
    match c.runtime.pods.get(&uid) {
        None => {
            if p.metadata.deletion_timestamp.is_none() && !matches!(p.status.phase.as_str(), "Succeeded" | "Failed") {
                lifecycle::admit(c, p);
            }
        }
        Some(rt) if p.metadata.deletion_timestamp.is_some() && !rt.terminating => termination::terminate(c, &uid),
        // A readiness gate's condition is written by someone else (a controller, or
        // `kubectl patch --subresource=status`): the pod's next sync regenerates Ready.
        Some(_) if status::readiness_gates_changed(p) => {
            c.enqueue_after(0, crate::engine::sim::Task::Kubelet(Task::SyncStatus(uid)));
        }
        // A container's image changed (its spec hash with it): the pod's sync restarts it.
        Some(rt) if spec_change::differs(rt, p) => {
            c.enqueue_after(0, crate::engine::sim::Task::Kubelet(Task::SpecChanged(uid)));
        }
        // A spec change bumped the pod's generation: the sync it triggers reports the new
        // generation in status.observedGeneration (once the kubelet has reported one at all).
        Some(_) if p.status.observed_generation.is_some_and(|g| Some(g) != status::observed_generation(p)) => {
            c.enqueue_after(0, crate::engine::sim::Task::Kubelet(Task::SyncStatus(uid)));
        }
        Some(_) => {}
    }
}

/// Runs one kubelet transition.
pub fn handle(c: &mut Cluster, t: Task) {
    // A kubelet that is down does nothing, but its pods' work is not lost: back up, it syncs
    // every pod again (`syncLoop` → `SyncPod`) and carries on with the pull, start or probe that
    // fell due meanwhile.
    if let Task::Admit(uid) | Task::Sandbox(uid) | Task::Container { uid, .. } | Task::SpecChanged(uid) = &t {
        let node = c.runtime.pods.get(uid).map(|rt| rt.node.clone());
        if let Some(node) = node.filter(|n| c.runtime.node_down(n)) {
            c.runtime.deferred.push((node, t));
            return;
        }
    }
    match t {
        Task::Admit(uid) => lifecycle::write_first_status(c, &uid),
        Task::SyncStatus(uid) => status::write(c, &uid),
        Task::Sandbox(uid) => lifecycle::sandbox(c, &uid),
        Task::Container { uid, name, seq, step } => lifecycle::container_step(c, &uid, &name, seq, step),
        Task::Stopped(uid) => termination::stopped(c, &uid),
        Task::Resync(node) => termination::resync_node(c, &node),
        Task::MountVolumes(uid, seq) => volume_manager::retry(c, &uid, seq),
        Task::SpecChanged(uid) => spec_change::sync(c, &uid),
    }
}

/// The event reference for a container of a pod (`spec.containers{nginx}`).
pub(crate) fn container_ref(p: &Pod, name: &str, init: bool) -> ObjectReference {
    ObjectReference {
        kind: "Pod".into(),
        namespace: p.metadata.namespace.clone(),
        name: p.metadata.name.clone(),
        uid: p.metadata.uid.clone(),
        api_version: "v1".into(),
        resource_version: String::new(),
        field_path: if init { format!("spec.initContainers{{{name}}}") } else { format!("spec.containers{{{name}}}") },
    }
}

/// Emits a kubelet event about a container.
pub(crate) fn container_event(c: &mut Cluster, uid: &str, name: &str, type_: &str, reason: &str, message: &str) {
    let Some(rt) = c.runtime.pods.get(uid) else { return };
    let init = rt.ctr(name).is_some_and(|x| x.init);
    let node = rt.node.clone();
    // Only the reference is needed: no copy of the pod.
    let Some(p) = c.store.get_key(&rt.key).and_then(|o| o.as_pod()) else { return };
    let r = container_ref(p, name, init);
    super::events::record(c, r, type_, reason, message.to_string(), COMPONENT, &node);
}

/// Emits a kubelet event about a pod (no container field path).
pub(crate) fn pod_event(c: &mut Cluster, uid: &str, type_: &str, reason: &str, message: &str) {
    let Some(rt) = c.runtime.pods.get(uid) else { return };
    let node = rt.node.clone();
    let Some(p) = c.store.get_key(&rt.key).and_then(|o| o.as_pod()) else { return };
    let mut r = container_ref(p, "", false);
    r.field_path.clear();
    super::events::record(c, r, type_, reason, message.to_string(), COMPONENT, &node);
}

/// `format.Pod`: `web-1_default(<uid>)`.
pub fn format_pod(p: &Pod) -> String {
    format!("{}_{}({})", p.metadata.name, p.metadata.namespace, p.metadata.uid)
}

/// Whether `t` is one of `steps` for container `name` of pod `uid`.
pub(crate) fn is_container_step(t: &SimTask, uid: &str, name: &str, steps: &[Step]) -> bool {
    matches!(t, SimTask::Kubelet(Task::Container { uid: u, name: n, step, .. }) if u == uid && n == name && steps.contains(step))
}

/// (pod uid, container) of every container whose image reference is `full_ref` (unordered: the
/// caller only tests membership).
pub(crate) fn containers_pulling(c: &Cluster, full_ref: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for rt in c.runtime.pods.values() {
        for x in &rt.ctrs {
            if runtime::parse_image(&x.image).is_ok_and(|r| r.full() == full_ref) {
                out.push((rt.uid.clone(), x.name.clone()));
            }
        }
    }
    out
}

/// Queues a container step.
pub(crate) fn enqueue_step(c: &mut Cluster, uid: &str, name: &str, seq: u64, step: Step, ms: u64, recurring: bool) {
    let t = SimTask::Kubelet(Task::Container { uid: uid.to_string(), name: name.to_string(), seq, step });
    if recurring {
        c.enqueue_recurring(ms, t);
    } else {
        c.enqueue_after(ms, t);
    }
}

/// The pod object for a runtime entry (shared with the store, not copied).
pub(crate) fn pod_of(c: &Cluster, uid: &str) -> Option<PodHandle> {
    let rt = c.runtime.pods.get(uid)?;
    c.store.get_key(&rt.key).cloned().and_then(PodHandle::new)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod main_process_tests;
