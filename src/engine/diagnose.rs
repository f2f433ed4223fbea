//! Plain-words diagnosis of what keeps a cluster from settling (for `sim wait` and the UI).

use super::api::Kind;
use super::sim::Cluster;

/// What is still in progress or stuck, one line each.
pub fn blocked(c: &Cluster) -> Vec<String> {
    let mut out = Vec::new();
    for obj in c.store.list(Kind::StatefulSet, None) {
        let Some(sts) = obj.as_stateful_set() else { continue };
        let want = sts.spec.replicas();
        let st = &sts.status;
        let done = st.ready_replicas == want
            && st.replicas == want
            && st.updated_replicas.max(st.current_replicas) == want
            && st.observed_generation >= sts.metadata.generation;
        if done {
            continue;
        }
        let subject = format!("statefulset/{}", sts.metadata.name);
        let why = c
            .why
            .latest_for(&subject)
            .map(|d| d.reason.clone())
            .unwrap_or_else(|| "waiting for the controller".into());
        out.push(format!("{subject}: {}/{} ready — {why}", st.ready_replicas, want));
    }
    for obj in c.store.list(Kind::Pod, None) {
        let Some(p) = obj.as_pod() else { continue };
        // A pod whose containers all finished is done, not stuck.
        let finished = p.status.phase == "Succeeded";
        if (p.is_running_and_ready() || finished) && p.metadata.deletion_timestamp.is_none() {
            continue;
        }
        // A container waiting (or just exited, about to restart) says so, as kubectl's STATUS does.
        let waiting = p
            .status
            .container_statuses
            .iter()
            .find_map(|s| s.state.waiting.as_ref().map(|w| w.reason.clone()).or_else(|| s.state.terminated.as_ref().map(|t| t.reason.clone())))
            .filter(|r| !r.is_empty());
        let state = if p.metadata.deletion_timestamp.is_some() {
            "Terminating".to_string()
        } else {
            waiting.unwrap_or_else(|| if p.status.phase.is_empty() { "Pending".into() } else { p.status.phase.clone() })
        };
        // A pod held by its volumes says which one and why (the kubelet's last SetUp error).
        let mount = c.runtime.pod(&p.metadata.uid).and_then(|rt| rt.volume_wait.as_ref()).and_then(|w| w.unmounted.first());
        // A running container whose web server fails its readiness probe says what it answers.
        let probe = || {
            p.spec.containers.iter().filter(|x| p.status.container_statuses.iter().any(|s| s.name == x.name && s.state.running.is_some() && !s.ready)).find_map(|x| {
                x.readiness_probe.as_ref().and_then(|r| super::kubelet::prober::answer(c, p, x, r)).and_then(|a| a.err())
            })
        };
        match mount {
            Some((vol, err)) => out.push(format!("pod/{}: {state}, not ready — volume {vol} cannot be mounted: {err}", p.metadata.name)),
            None => match probe().filter(|_| p.metadata.deletion_timestamp.is_none()) {
                Some(f) => out.push(format!("pod/{}: {state}, not ready — its readiness probe fails: {}", p.metadata.name, f.why)),
                None => out.push(format!("pod/{}: {state}, not ready", p.metadata.name)),
            },
        }
    }
    out
}
