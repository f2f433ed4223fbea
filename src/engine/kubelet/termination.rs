//! Pod termination on the kubelet (`kubelet.go` `SyncTerminatingPod`, `killPodWithSyncResult`,
//! the status manager's final delete) and the kubelet's return after a node outage.
//!
//! A main process that handles the stop signal stops within a second; one whose PID 1 ignores
//! it (a shell, `sleep`) runs out the grace period and is killed (exit 137): see
//! [`super::stop_signal`]. The pod object is
//! removed right after its final status.

use super::lifecycle::{admit, advance};
use super::{container_event, pod_of, CState, Task, Terminated};
use crate::engine::api::{Object, Pod};
use crate::engine::apiserver;
use crate::engine::sim::{Cluster, Task as SimTask};
use crate::engine::store::ObjectKey;
use crate::engine::why::Verdict;

/// How long a container takes to stop: a moment when its main process handles the stop signal,
/// the whole grace period when it does not ([`super::stop_signal`]).
pub(crate) fn stop_ms(c: &mut Cluster, uid: &str, name: &str, grace_ms: u64) -> u64 {
    if super::stop_signal::of_container(c, uid, name).handled {
        c.rng.range(200, 1000).min(grace_ms)
    } else {
        grace_ms
    }
}

/// The pod got a deletionTimestamp: `Killing` each running container; they stop within the
/// grace period.
pub fn terminate(c: &mut Cluster, uid: &str) {
    let Some(p) = pod_of(c, uid) else { return };
    let runtime = &mut *c.runtime;
    let Some(rt) = runtime.pods.get_mut(uid) else { return };
    if runtime.down.contains(&rt.node) {
        return;
    }
    rt.terminating = true;
    let running: Vec<String> = rt.ctrs.iter().filter(|x| matches!(x.state, CState::Running { .. })).map(|x| x.name.clone()).collect();
    for x in rt.ctrs.iter_mut() {
        x.seq += 1;
        x.probing = false;
        x.liveness_probing = false;
    }
    let grace_s = p.metadata.deletion_grace_period_seconds.or(p.spec.termination_grace_period_seconds).unwrap_or(30).max(0) as u64;
    let mut wait = c.rng.range(50, 200).min(grace_s * 1000);
    let mut how = String::new();
    for name in &running {
        container_event(c, uid, name, "Normal", "Killing", &format!("Stopping container {name}"));
        wait = wait.max(stop_ms(c, uid, name, grace_s * 1000));
        let stop = super::stop_signal::of_container(c, uid, name);
        if !stop.why.is_empty() {
            how.push_str(&format!("; container {name}: {}", stop.why));
        }
    }
    c.decide(
        super::COMPONENT,
        format!("pod/{}", p.metadata.name),
        Verdict::Delete,
        format!("pod/{}", p.metadata.name),
        format!("pod is being deleted: stopping its containers (grace period {grace_s}s), then removing it{how}"),
    );
    c.enqueue_after(wait, SimTask::Kubelet(Task::Stopped(uid.to_string())));
}

/// Containers of a terminating pod have exited: final status, then the pod object goes.
pub fn stopped(c: &mut Cluster, uid: &str) {
    let Some(p) = pod_of(c, uid) else { return };
    let Some(rt) = c.runtime.pods.get(uid) else { return };
    if c.runtime.node_down(&rt.node) || p.metadata.deletion_timestamp.is_none() {
        return;
    }
    let now = c.now;
    let names: Vec<(String, bool)> = rt.ctrs.iter().map(|x| (x.name.clone(), matches!(x.state, CState::Running { .. }))).collect();
    for (name, running) in names {
        let handles = super::stop_signal::of_container(c, uid, &name).handled;
        let Some(x) = c.runtime.pods.get_mut(uid).and_then(|rt| rt.ctr_mut(&name)) else { continue };
        x.ready = false;
        x.started = false;
        if running {
            let started_at = match &x.state {
                CState::Running { started_at } => Some(*started_at),
                _ => None,
            };
            let (code, reason) = super::stop_signal::exit_of(handles);
            x.state = CState::Terminated(Terminated { exit_code: code, reason: reason.into(), started_at, finished_at: now, container_id: x.container_id.clone() });
        }
    }
    super::status::write_terminal(c, uid);
    apiserver::finish_pod_deletion(c, &ObjectKey::of(p.object()));
}

/// The pod object is gone: the runtime forgets it, its IP and its containers' files.
pub fn forget(c: &mut Cluster, uid: &str) {
    let Some(rt) = c.runtime.pods.remove(uid) else { return };
    if let Some(ip) = &rt.ip {
        if let Some(n) = c.runtime.nodes.get_mut(&rt.node) {
            n.release_ip(ip);
        }
    }
    let lo = (uid.to_string(), String::new());
    let doomed: Vec<(String, String)> = c.runtime.fs.range(lo..).take_while(|(k, _)| k.0 == uid).map(|(k, _)| k.clone()).collect();
    for k in doomed {
        c.runtime.fs.remove(&k);
    }
    let f = &mut c.runtime.faults;
    f.crash.retain(|(u, _)| u != uid);
    f.readiness.retain(|(u, _)| u != uid);
    f.liveness.retain(|(u, _)| u != uid);
}

/// A node's kubelet came back: it reports its pods again, finishes the ones deleted meanwhile
/// and starts the ones bound to it while it was away.
pub fn resync_node(c: &mut Cluster, node: &str) {
    if c.runtime.node_down(node) {
        return;
    }
    for uid in c.runtime.pods_on(node) {
        let Some(rt) = c.runtime.pods.get(&uid) else { continue };
        match c.store.get_key(&rt.key).and_then(|o| o.as_pod()).cloned() {
            None => forget(c, &uid),
            Some(p) if p.metadata.uid != uid => forget(c, &uid),
            Some(p) if p.metadata.deletion_timestamp.is_some() => {
                if let Some(rt) = c.runtime.pods.get_mut(&uid) {
                    rt.terminating = false;
                }
                terminate(c, &uid);
            }
            Some(_) => {
                super::status::write(c, &uid);
                advance(c, &uid);
            }
        }
    }
    // What fell due while it was down (a pull finishing, a start, a probe tick) happens now.
    for t in c.runtime.take_deferred(node) {
        let ms = c.rng.range(100, 1000);
        c.enqueue_after(ms, SimTask::Kubelet(t));
    }
    let bound: Vec<Pod> = c
        .scheduler
        .pod_uids_on(node)
        .into_iter()
        .filter(|u| !c.runtime.pods.contains_key(u))
        .filter_map(|u| c.store.get_by_uid(&u).and_then(|o| o.as_pod()).cloned())
        .collect();
    for p in bound {
        if p.metadata.deletion_timestamp.is_some() {
            // Never started here: nothing to stop.
            apiserver::finish_pod_deletion(c, &ObjectKey::of(&Object::Pod(p)));
        } else {
            admit(c, &p);
        }
    }
}

