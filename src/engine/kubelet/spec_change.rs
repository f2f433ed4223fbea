//! The kubelet's reaction to an update of a live pod's container images
//! (`kuberuntime_manager.go` `computePodActions` and `computeInitContainerActions`, with
//! `containerChanged` comparing `kubecontainer.HashContainer`, which hashes only a container's
//! name and image: `container_hash.go` `pickFieldsToHash`).
//!
//! Of what a pod update may change (`ValidatePodUpdate`: images, `activeDeadlineSeconds`,
//! tolerations additions, a negative `terminationGracePeriodSeconds`), only an image changes a
//! container's hash. A running container whose hash changed is killed ("Container web definition
//! changed, will be restarted"; a sidecar's "Init container proxy definition changed") and started
//! again with the new image whatever the restartPolicy: Pulling/Pulled, Created, Started,
//! restartCount + 1. A container waiting to be started again (CrashLoopBackOff,
//! ImagePullBackOff, a bad image name) starts at once with the new image: its back-off is kept
//! per spec hash (`getStableKey`) and per image, and both are new. A regular init container that
//! has run is left alone (after initialization only sidecars are kept running); one still
//! running finishes with the image it has.

use super::lifecycle::{begin, container_waits, spec_container};
use super::{container_event, enqueue_step, pod_of, CState, PodRt, Step, Terminated};
use crate::engine::api::Pod;
use crate::engine::sim::Cluster;
use crate::engine::why::Verdict;

/// Whether a container the kubelet has launched now has another image in the pod's spec.
pub fn differs(rt: &PodRt, p: &Pod) -> bool {
    !rt.terminating && rt.ctrs.iter().any(|x| x.launched && !x.replacing && spec_container(p, &x.name).is_some_and(|s| s.image != x.image))
}

/// What the pod's sync does about each container whose image changed.
pub fn sync(c: &mut Cluster, uid: &str) {
    let Some(p) = pod_of(c, uid) else { return };
    let Some(rt) = c.runtime.pods.get(uid) else { return };
    if rt.terminating || p.metadata.deletion_timestamp.is_some() || c.runtime.node_down(&rt.node) {
        return;
    }
    let changed: Vec<(String, String, String)> = rt
        .ctrs
        .iter()
        .filter(|x| x.launched && !x.replacing)
        .filter_map(|x| spec_container(&p, &x.name).filter(|s| s.image != x.image).map(|s| (x.name.clone(), x.image.clone(), s.image.clone())))
        .collect();
    for (name, old, new) in changed {
        let Some(x) = c.runtime.pods.get(uid).and_then(|rt| rt.ctr(&name)) else { continue };
        let (init, sidecar) = (x.init, x.sidecar);
        let what = format!("the image of container {name} changed from {old} to {new}");
        match &x.state {
            CState::Running { .. } if init && !sidecar => {
                container_waits(c, uid, &name, format!("{what}, but it is an init container still running: it finishes with the image it has"));
            }
            CState::Running { .. } => kill(c, uid, &name, &p, &what, sidecar),
            // The launch under way (pull, create) goes on with the image it began with; the
            // container it starts is replaced then.
            CState::Waiting { reason, .. } if reason == "ContainerCreating" || reason == "PodInitializing" => {}
            CState::Waiting { reason, .. } => {
                let reason = reason.clone();
                if let Some(x) = c.runtime.pods.get_mut(uid).and_then(|rt| rt.ctr_mut(&name)) {
                    x.backoff_ms = 0;
                    x.pull_backoff_ms = 0;
                }
                decide(c, &p, &name, format!("{what} while it waited ({reason}): it is started at once with the new image, whose back-off starts afresh"));
                begin(c, uid, &name);
            }
            CState::Terminated(t) => {
                let done = init && !sidecar && t.exit_code == 0;
                if !done {
                    // A restart still to come (per restartPolicy) uses the new image, without
                    // the old hash's back-off.
                    if let Some(x) = c.runtime.pods.get_mut(uid).and_then(|rt| rt.ctr_mut(&name)) {
                        x.backoff_ms = 0;
                    }
                }
            }
        }
    }
    // The update also bumped the pod's generation (status.observedGeneration).
    super::status::write(c, uid);
}

fn decide(c: &mut Cluster, p: &Pod, name: &str, reason: String) {
    c.decide(super::COMPONENT, format!("pod/{}", p.metadata.name), Verdict::Update, format!("container/{name}"), reason);
}

/// `killContainer` for a definition change: the grace period is the pod's
/// (`setTerminationGracePeriod`), and the container starts again once it has stopped.
fn kill(c: &mut Cluster, uid: &str, name: &str, p: &Pod, what: &str, sidecar: bool) {
    let msg = if sidecar { format!("Init container {name} definition changed") } else { format!("Container {name} definition changed, will be restarted") };
    container_event(c, uid, name, "Normal", "Killing", &msg);
    let grace_s = p.metadata.deletion_grace_period_seconds.or(p.spec.termination_grace_period_seconds).unwrap_or(30).max(0) as u64;
    let stop = super::stop_signal::of_container(c, uid, name);
    let ms = super::termination::stop_ms(c, uid, name, grace_s * 1000);
    let Some(x) = c.runtime.pods.get_mut(uid).and_then(|rt| rt.ctr_mut(name)) else { return };
    // Its probe loops and any foreseen exit belong to the instance being stopped.
    x.seq += 1;
    x.probing = false;
    x.liveness_probing = false;
    // A new definition: a liveness failure of the new container is a failure of its own.
    x.liveness_killed_at = None;
    x.replacing = true;
    let seq = x.seq;
    let then = if stop.handled { "it stops at once".to_string() } else { format!("it stops only when killed at the end of the grace period ({grace_s}s)") };
    decide(
        c,
        p,
        name,
        format!("{what}, so its spec hash no longer matches the running container: the kubelet stops it and starts it again with the new image, whatever the restartPolicy ({}; {then})", stop.why),
    );
    enqueue_step(c, uid, name, seq, Step::Replaced, ms, false);
}

/// The container stopped for its definition change has stopped: it starts again at once (same
/// `SyncPod`), with a fresh back-off.
pub fn replaced(c: &mut Cluster, uid: &str, name: &str) {
    let handled = super::stop_signal::of_container(c, uid, name).handled;
    let (code, reason) = super::stop_signal::exit_of(handled);
    let now = c.now;
    let Some(x) = c.runtime.pods.get_mut(uid).and_then(|rt| rt.ctr_mut(name)) else { return };
    let CState::Running { started_at } = x.state else { return };
    let t = Terminated { exit_code: code, reason: reason.into(), started_at: Some(started_at), finished_at: now, container_id: x.container_id.clone() };
    // No status is written in between: the kill and the new start are one sync.
    x.state = CState::Terminated(t.clone());
    x.last = Some(t);
    x.last_main = x.main.take();
    x.ready = false;
    x.started = false;
    x.replacing = false;
    x.backoff_ms = 0;
    x.pull_backoff_ms = 0;
    begin(c, uid, name);
}

#[cfg(test)]
mod tests;
