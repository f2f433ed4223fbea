//! The kubelet's pod workers (`pod_workers.go`, `kubelet.go` `SyncPod`,
//! `kuberuntime_manager.go` `computePodActions`/`SyncPod`, `kuberuntime_container.go`
//! `startContainer`/`killContainer`, `images/image_manager.go` `EnsureImageExists`).
//!
//! Timing model (virtual, jittered with `cluster.rng`): status within ~0.1 s of binding; sandbox
//! 0.3–0.9 s; a first pull of an image on a node takes `timings.image_pull_ms` (scaled by image
//! size, serialized per node); create+start `timings.container_start_ms`. A crashing process
//! exits 0.6–2.5 s after starting. Exits and restarts live in [`super::exits`], termination in
//! [`super::termination`].

use super::runtime::{effective_pull_policy, go_duration, not_found_error, parse_image};
use super::{container_event, enqueue_step, pod_event, pod_of, CState, Ctr, PodRt, Step, Task};
use crate::engine::api::{Container, Pod};
use crate::engine::sim::{Cluster, Task as SimTask};
use crate::engine::store::ObjectKey;
use crate::engine::why::Verdict;
use super::runtime::NodeRuntime;
use super::sh::Outcome;
pub use super::exits::main_process_exited;
pub(crate) use super::exits::crash_now;
use super::exits::{complete, exit, killed, main_exit, restart};

/// A first run that ends within this long is awaited by `settle` (`sim wait`); a longer one
/// (`sleep 3600`) is left running.
const AWAITED_EXIT_MS: u64 = 30_000;

/// Longest crash-loop back-off (`MaxContainerBackOff`).
pub const MAX_BACKOFF_MS: u64 = 300_000;
/// First crash-loop / image-pull back-off.
pub const INITIAL_BACKOFF_MS: u64 = 10_000;
/// A container that ran this long before exiting restarts without back-off.
pub const BACKOFF_RESET_MS: u64 = 600_000;

pub(super) fn jitter(c: &mut Cluster, lo: u64, hi: u64) -> u64 {
    c.rng.range(lo, hi)
}

pub(super) fn spec_container<'a>(p: &'a Pod, name: &str) -> Option<&'a Container> {
    p.spec.init_containers.iter().chain(p.spec.containers.iter()).find(|x| x.name == name)
}

/// A pod was bound to a live node: the kubelet admits it and reports a first status shortly.
pub fn admit(c: &mut Cluster, p: &Pod) {
    let has_init = !p.spec.init_containers.is_empty();
    let waiting = if has_init { "PodInitializing" } else { "ContainerCreating" };
    let mk = |x: &Container, init: bool| Ctr {
        name: x.name.clone(),
        image: x.image.clone(),
        init,
        sidecar: init && x.restart_policy == "Always",
        state: CState::Waiting { reason: waiting.into(), message: String::new() },
        last: None,
        restarts: 0,
        ready: false,
        started: false,
        container_id: String::new(),
        image_id: String::new(),
        backoff_ms: 0,
        pull_backoff_ms: 0,
        seq: 0,
        launched: false,
        pull: None,
        pull_error: String::new(),
        probe_failures: 0,
        probe_successes: 0,
        liveness_failures: 0,
        startup_failures: 0,
        probing: false,
        liveness_probing: false,
        liveness_killed_at: None,
        readiness_tick: None,
        main: None,
        last_main: None,
        replacing: false,
    };
    let mut ctrs: Vec<Ctr> = p.spec.init_containers.iter().map(|x| mk(x, true)).collect();
    ctrs.extend(p.spec.containers.iter().map(|x| mk(x, false)));
    let uid = p.metadata.uid.clone();
    let rt = PodRt {
        key: ObjectKey::new(crate::engine::api::Kind::Pod, &p.metadata.namespace, &p.metadata.name),
        uid: uid.clone(),
        node: p.spec.node_name.clone(),
        ip: None,
        sandbox_ready: false,
        start_time: c.now,
        ctrs,
        terminating: false,
        volume_wait: None,
    };
    c.runtime.pods.insert(uid.clone(), rt);
    let ms = jitter(c, 20, 100);
    c.enqueue_after(ms, SimTask::Kubelet(Task::Admit(uid)));
}

/// First status write (Pending, conditions, waiting containers), then the sandbox.
pub fn write_first_status(c: &mut Cluster, uid: &str) {
    let Some(rt) = c.runtime.pods.get(uid) else { return };
    if c.runtime.node_down(&rt.node) {
        return;
    }
    super::status::write(c, uid);
    let ms = jitter(c, 300, 900);
    // SyncPod waits for the pod's volumes before it creates the sandbox.
    if super::volume_manager::wait_for_attach_and_mount(c, uid) {
        c.enqueue_after(ms, SimTask::Kubelet(Task::Sandbox(uid.to_string())));
    }
}

/// Creates the pod sandbox: the pod gets its IP; containers can start.
pub fn sandbox(c: &mut Cluster, uid: &str) {
    let Some(rt) = c.runtime.pods.get(uid) else { return };
    let node = rt.node.clone();
    if c.runtime.node_down(&node) || rt.terminating || rt.sandbox_ready {
        return;
    }
    let cidr = c
        .store
        .get(crate::engine::api::Kind::Node, "", &node)
        .and_then(|o| o.as_node())
        .map(|n| n.spec.pod_cidr.clone())
        .unwrap_or_default();
    let ip = c.runtime.nodes.get_or_insert_with(node.clone(), NodeRuntime::default).allocate_ip(&cidr);
    let Some(ip) = ip else {
        pod_event(c, uid, "Warning", "FailedCreatePodSandBox", "Failed to create pod sandbox: plugin type=\"host-local\" failed (add): failed to allocate for range 0: no IP addresses available in range set");
        return;
    };
    if let Some(rt) = c.runtime.pods.get_mut(uid) {
        rt.ip = Some(ip);
        rt.sandbox_ready = true;
    }
    super::status::write(c, uid);
    advance(c, uid);
}

/// `computePodActions`: which containers to launch next — init containers one at a time (a
/// sidecar only needs to have started), then every regular container.
pub fn advance(c: &mut Cluster, uid: &str) {
    let Some(rt) = c.runtime.pods.get(uid) else { return };
    if rt.terminating || !rt.sandbox_ready || c.runtime.node_down(&rt.node) {
        return;
    }
    let mut launch = Vec::new();
    let mut init_done = true;
    for x in rt.ctrs.iter().filter(|x| x.init) {
        if x.sidecar {
            if !x.launched {
                launch.push(x.name.clone());
            }
            if !x.started {
                init_done = false;
                break;
            }
            continue;
        }
        let completed = matches!(&x.state, CState::Terminated(t) if t.exit_code == 0);
        if completed {
            continue;
        }
        if !x.launched {
            launch.push(x.name.clone());
        }
        init_done = false;
        break;
    }
    if init_done {
        launch.extend(rt.ctrs.iter().filter(|x| !x.init && !x.launched).map(|x| x.name.clone()));
    }
    for name in launch {
        if let Some(x) = c.runtime.pods.get_mut(uid).and_then(|r| r.ctr_mut(&name)) {
            x.launched = true;
        }
        begin(c, uid, &name);
    }
}

fn bump(c: &mut Cluster, uid: &str, name: &str) -> u64 {
    match c.runtime.pods.get_mut(uid).and_then(|r| r.ctr_mut(name)) {
        Some(x) => {
            x.seq += 1;
            x.seq
        }
        None => 0,
    }
}

fn set_waiting(c: &mut Cluster, uid: &str, name: &str, reason: &str, message: &str) {
    if let Some(x) = c.runtime.pods.get_mut(uid).and_then(|r| r.ctr_mut(name)) {
        x.state = CState::Waiting { reason: reason.into(), message: message.into() };
        x.ready = false;
        x.started = false;
    }
}

/// `EnsureImageExists`: use the image on the node, pull it, or fail.
pub(super) fn begin(c: &mut Cluster, uid: &str, name: &str) {
    let Some(p) = pod_of(c, uid) else { return };
    let Some(spec) = spec_container(&p, name) else { return };
    let node = p.spec.node_name.clone();
    let seq = bump(c, uid, name);
    let image = spec.image.clone();
    // This launch runs the image the spec names now: a later change to it is a definition
    // change of the container it creates ([`super::spec_change`]).
    if let Some(x) = c.runtime.pods.get_mut(uid).and_then(|r| r.ctr_mut(name)) {
        x.image = image.clone();
    }
    let r = match parse_image(&image) {
        Ok(r) => r,
        Err(e) => {
            let msg = format!("Failed to apply default image tag \"{image}\": couldn't parse image reference \"{image}\": {e}");
            container_event(c, uid, name, "Warning", "InspectFailed", &msg);
            container_event(c, uid, name, "Warning", "Failed", "Error: InvalidImageName");
            set_waiting(c, uid, name, "InvalidImageName", &msg);
            super::status::write(c, uid);
            return;
        }
    };
    let full = r.full();
    let policy = effective_pull_policy(&spec.image_pull_policy, &image);
    let nrt = c.runtime.nodes.get_or_insert_with(node.clone(), NodeRuntime::default);
    let present = nrt.images.contains(&full);
    if policy == "Never" && !present {
        let msg = format!("Container image \"{image}\" is not present with pull policy of Never");
        container_event(c, uid, name, "Warning", "ErrImageNeverPull", &msg);
        container_event(c, uid, name, "Warning", "Failed", "Error: ErrImageNeverPull");
        set_waiting(c, uid, name, "ErrImageNeverPull", &msg);
        super::status::write(c, uid);
        return;
    }
    if present && policy != "Always" {
        let msg = format!("Container image \"{image}\" already present on machine and can be accessed by the pod");
        container_event(c, uid, name, "Normal", "Pulled", &msg);
        let base = c.config.timings.container_start_ms;
        let ms = jitter(c, base / 2, base * 3 / 2);
        enqueue_step(c, uid, name, seq, Step::Create, ms, false);
        return;
    }
    container_event(c, uid, name, "Normal", "Pulling", &format!("Pulling image \"{image}\""));
    let broken = crate::engine::faults::image_missing(c, &full, &r.tag);
    let size = r.size_bytes();
    let base = c.config.timings.image_pull_ms;
    let dur = if broken {
        jitter(c, 400, 1500)
    } else if present {
        // Pull policy Always with the layers cached: only the manifest is fetched.
        jitter(c, 300, 900)
    } else {
        let scaled = (base as f64 * (0.3 + size as f64 / 100_000_000.0)).max(200.0) as u64;
        jitter(c, scaled * 3 / 4, scaled * 5 / 4)
    };
    let now = c.now;
    let nrt = c.runtime.nodes.get_or_insert_with(node, NodeRuntime::default);
    let start = nrt.puller_free_at.max(now);
    let done = start.plus_ms(dur);
    nrt.puller_free_at = done;
    if let Some(x) = c.runtime.pods.get_mut(uid).and_then(|rt| rt.ctr_mut(name)) {
        x.pull = Some((now, dur));
    }
    let step = if broken { Step::PullFailed } else { Step::PullDone };
    // The first failing pull is an outcome to wait for; only the retries after it form the
    // failure loop that must not keep `settle` busy.
    let retrying = c.runtime.pods.get(uid).and_then(|rt| rt.ctr(name)).is_some_and(|x| x.pull_backoff_ms > 0);
    enqueue_step(c, uid, name, seq, step, done.since(now).max(0) as u64, broken && retrying);
}

/// Runs one container step if it is still current.
pub fn container_step(c: &mut Cluster, uid: &str, name: &str, seq: u64, step: Step) {
    let Some(rt) = c.runtime.pods.get(uid) else { return };
    if c.runtime.node_down(&rt.node) {
        return;
    }
    let Some(x) = rt.ctr(name) else { return };
    if x.seq != seq || (rt.terminating && step != Step::Killed) {
        return;
    }
    match step {
        Step::PullDone => pull_done(c, uid, name, seq),
        Step::PullFailed => pull_failed(c, uid, name, seq),
        Step::PullBackOff => pull_backoff(c, uid, name, seq),
        Step::PullRetry => begin(c, uid, name),
        Step::Create => create(c, uid, name, seq),
        Step::Start => start(c, uid, name, seq),
        Step::Exit => {
            // The fault may have been cleared since the exit was scheduled.
            if c.runtime.faults.crash.contains(&(uid.to_string(), name.to_string())) {
                exit(c, uid, name, 1, "Error")
            }
        }
        Step::MainExit => main_exit(c, uid, name),
        Step::Complete => complete(c, uid, name),
        Step::Ready => super::probes::first_success(c, uid, name),
        Step::Restart => restart(c, uid, name),
        Step::Probe => super::probes::probe(c, uid, name),
        Step::Liveness => super::liveness::probe(c, uid, name),
        Step::Killed => killed(c, uid, name),
        Step::Startup => super::startup::probe(c, uid, name),
        Step::Replaced => super::spec_change::replaced(c, uid, name),
    }
}

/// The image of the container's current launch (the spec's image when it began).
fn image_of(c: &Cluster, uid: &str, name: &str) -> Option<super::runtime::ImageRef> {
    parse_image(&c.runtime.pods.get(uid)?.ctr(name)?.image).ok()
}

fn pull_done(c: &mut Cluster, uid: &str, name: &str, seq: u64) {
    let Some(r) = image_of(c, uid, name) else { return };
    let Some(rt) = c.runtime.pods.get_mut(uid) else { return };
    let node = rt.node.clone();
    let Some(x) = rt.ctr_mut(name) else { return };
    let (requested, dur) = x.pull.take().unwrap_or((c.now, 0));
    x.pull_backoff_ms = 0;
    let image = x.image.clone();
    c.runtime.nodes.get_or_insert_with(node, NodeRuntime::default).images.insert(r.full());
    let total = c.now.since(requested).max(0) as u64;
    let msg = format!(
        "Successfully pulled image \"{image}\" in {} ({} including waiting). Image size: {} bytes.",
        go_duration(dur),
        go_duration(total),
        r.size_bytes()
    );
    container_event(c, uid, name, "Normal", "Pulled", &msg);
    let base = c.config.timings.container_start_ms;
    let ms = jitter(c, base / 2, base * 3 / 2);
    enqueue_step(c, uid, name, seq, Step::Create, ms, false);
}

fn pull_failed(c: &mut Cluster, uid: &str, name: &str, seq: u64) {
    let Some(r) = image_of(c, uid, name) else { return };
    let image = c.runtime.pods.get(uid).and_then(|rt| rt.ctr(name)).map(|x| x.image.clone()).unwrap_or_default();
    let err = not_found_error(&r);
    container_event(c, uid, name, "Warning", "Failed", &format!("Failed to pull image \"{image}\": {err}"));
    container_event(c, uid, name, "Warning", "Failed", "Error: ErrImagePull");
    set_waiting(c, uid, name, "ErrImagePull", &err);
    if let Some(x) = c.runtime.pods.get_mut(uid).and_then(|rt| rt.ctr_mut(name)) {
        x.pull = None;
        x.pull_error = err;
        x.pull_backoff_ms = if x.pull_backoff_ms == 0 { INITIAL_BACKOFF_MS } else { (x.pull_backoff_ms * 2).min(MAX_BACKOFF_MS) };
    }
    super::status::write(c, uid);
    let ms = jitter(c, 1000, 2500);
    enqueue_step(c, uid, name, seq, Step::PullBackOff, ms, true);
}

fn pull_backoff(c: &mut Cluster, uid: &str, name: &str, seq: u64) {
    let Some(x) = c.runtime.pods.get(uid).and_then(|rt| rt.ctr(name)).cloned() else { return };
    container_event(c, uid, name, "Normal", "BackOff", &format!("Back-off pulling image \"{}\"", x.image));
    container_event(c, uid, name, "Warning", "Failed", "Error: ImagePullBackOff");
    let msg = format!("Back-off pulling image \"{}\": ErrImagePull: {}", x.image, x.pull_error);
    set_waiting(c, uid, name, "ImagePullBackOff", &msg);
    super::status::write(c, uid);
    container_waits(c, uid, name, format!("image {} cannot be pulled; retrying in {}", x.image, go_duration(x.pull_backoff_ms)));
    // The retry is part of the loop while the image is still missing; once the fault is cleared
    // it is the pull that will succeed.
    let looping = image_of(c, uid, name).is_none_or(|r| crate::engine::faults::image_missing(c, &r.full(), &r.tag));
    enqueue_step(c, uid, name, seq, Step::PullRetry, x.pull_backoff_ms, looping);
}

fn create(c: &mut Cluster, uid: &str, name: &str, seq: u64) {
    let Some(r) = image_of(c, uid, name) else { return };
    let config_error = pod_of(c, uid).and_then(|p| spec_container(&p, name).and_then(|s| super::config_refs::env_error(c, &p, s)));
    if let Some(err) = config_error {
        create_config_error(c, uid, name, seq, &err);
        return;
    }
    let cid = format!("containerd://{}", c.rng.hex(64));
    let Some(x) = c.runtime.pods.get_mut(uid).and_then(|rt| rt.ctr_mut(name)) else { return };
    if !x.container_id.is_empty() {
        x.restarts += 1;
    }
    x.container_id = cid;
    x.image_id = r.image_id();
    // A new container instance gets a fresh writable layer: files written outside volumes are
    // gone after a restart.
    let tree = c.runtime.fresh_layer(&r);
    c.runtime.fs.insert((uid.to_string(), name.to_string()), tree);
    container_event(c, uid, name, "Normal", "Created", "Container created");
    let ms = jitter(c, 30, 150);
    enqueue_step(c, uid, name, seq, Step::Start, ms, false);
}

/// Records the kubelet's decision to wait on a container, with the reason in plain words.
pub(super) fn container_waits(c: &mut Cluster, uid: &str, name: &str, reason: String) {
    let Some(p) = pod_of(c, uid) else { return };
    c.decide(super::COMPONENT, format!("pod/{}", p.metadata.name), Verdict::Wait, format!("container/{name}"), reason);
}

/// `generateContainerConfig` failed (a missing ConfigMap, Secret or key): the container waits
/// in `CreateContainerConfigError`, and the pod worker retries after its back-off period
/// (`pod_workers.go` backOffPeriod, 10s plus up to 50% jitter), pulling step included.
fn create_config_error(c: &mut Cluster, uid: &str, name: &str, seq: u64, err: &str) {
    container_event(c, uid, name, "Warning", "Failed", &format!("Error: {err}"));
    set_waiting(c, uid, name, "CreateContainerConfigError", err);
    super::status::write(c, uid);
    container_waits(c, uid, name, format!("cannot create container {name}: {err}; retrying at the pod's next sync"));
    let ms = jitter(c, 10_000, 15_000);
    enqueue_step(c, uid, name, seq, Step::PullRetry, ms, true);
}

/// A ConfigMap or Secret appeared or changed: containers waiting for it are tried again soon
/// (as real work, so `sim wait` runs on to them).
pub fn config_object_changed(c: &mut Cluster, kind: crate::engine::api::Kind, namespace: &str, name: &str) {
    let mut waiting: Vec<(String, String, u64)> = Vec::new();
    for (uid, rt) in c.runtime.pods.iter() {
        for x in rt.ctrs.iter().filter(|x| matches!(&x.state, CState::Waiting { reason, .. } if reason == "CreateContainerConfigError")) {
            waiting.push((uid.clone(), x.name.clone(), x.seq));
        }
    }
    // The runtime's pod map is a hash map: sort so that no hash order reaches the queue.
    crate::util::sort::sort(&mut waiting);
    for (uid, ctr, seq) in waiting {
        let Some(p) = pod_of(c, &uid) else { continue };
        if p.metadata.namespace != namespace || !spec_container(&p, &ctr).is_some_and(|s| super::config_refs::names(s, kind, name)) {
            continue;
        }
        let ms = jitter(c, 1_000, 10_000);
        enqueue_step(c, &uid, &ctr, seq, Step::PullRetry, ms, false);
    }
}

fn start(c: &mut Cluster, uid: &str, name: &str, seq: u64) {
    let Some(p) = pod_of(c, uid) else { return };
    let Some(spec) = spec_container(&p, name) else { return };
    let now = c.now;
    let key = (uid.to_string(), name.to_string());
    let crash = c.runtime.faults.crash.contains(&key);
    let Some(x) = c.runtime.pods.get_mut(uid).and_then(|rt| rt.ctr_mut(name)) else { return };
    let (init, sidecar) = (x.init, x.sidecar);
    // A startup probe holds `started` (and so `ready`) until it succeeds (`prober_manager.go`
    // `UpdatePodStatus`); only containers that are probed at all have one that counts.
    let startup = (!init || sidecar) && spec.startup_probe.is_some();
    x.state = CState::Running { started_at: now };
    x.started = !startup;
    x.probe_failures = 0;
    x.probe_successes = 0;
    x.liveness_failures = 0;
    x.startup_failures = 0;
    // A new container instance: its probe workers start over (`worker.doProbe` resets on a new
    // container ID); loops armed for the previous instance died with its sequence number.
    x.probing = false;
    x.liveness_probing = false;
    // No readiness probe: ready as soon as it runs (init containers only once they succeed).
    x.ready = (!init || sidecar) && spec.readiness_probe.is_none() && !startup;
    let restarts = x.restarts;
    // The spec may have changed since this launch began: the container runs the launch's image
    // (the change restarts it once it runs, below).
    let changed = x.image != spec.image;
    let launched;
    let spec = if changed {
        let mut s = spec.clone();
        s.image = x.image.clone();
        launched = s;
        &launched
    } else {
        spec
    };
    let main = super::entrypoint::for_container(c, &p, spec, now);
    let end = main.end.clone();
    if let Some(x) = c.runtime.pods.get_mut(uid).and_then(|rt| rt.ctr_mut(name)) {
        x.main = Some(crate::engine::api::Shared::new(main));
    }
    container_event(c, uid, name, "Normal", "Started", "Container started");
    if crash {
        let ms = jitter(c, 600, 2500);
        // As with pulls: the first crash is awaited, the restarts after it are the loop.
        enqueue_step(c, uid, name, seq, Step::Exit, ms, restarts > 0);
    } else if let Outcome::Exits { after_ms, .. } = end {
        // The process needs a moment to start even when its command ends at once. A first run
        // that ends soon is awaited; a long one, or the restarts after it, are the loop.
        let ms = after_ms + jitter(c, 50, 300);
        enqueue_step(c, uid, name, seq, Step::MainExit, ms, restarts > 0 || after_ms > AWAITED_EXIT_MS);
    } else if init && !sidecar && end == Outcome::Unknown {
        // An init container's command the playground does not interpret: it does its work
        // and succeeds.
        let ms = jitter(c, 300, 1500);
        enqueue_step(c, uid, name, seq, Step::Complete, ms, false);
    }
    if !init || sidecar {
        super::probes::on_start(c, uid, name, spec);
    }
    super::status::write(c, uid);
    advance(c, uid);
    if changed {
        c.enqueue_after(0, SimTask::Kubelet(Task::SpecChanged(uid.to_string())));
    }
}
