//! The kubelet's prober (`pkg/kubelet/prober`): readiness gates the container's `ready` flag;
//! a liveness failure restarts the container. What a probe answers comes from [`super::prober`]:
//! the nginx/httpd web server answers an `httpGet` of port 80 as it serves it (403 for a web root
//! with no `index.html`), a pod of stock web servers refuses other ports, and every other probe
//! succeeds unless a fault says otherwise. So a probe
//! loop only runs while it can change something: before the first readiness success, while a
//! probe fails (a fault, or the web server's answer), and from a change under a web root until
//! the probes answer as the container's state says ([`files_changed`]).
//!
//! First readiness success: with no `initialDelaySeconds`, within a second of the start (the
//! next status sync after the PLEG relist triggers the worker at once, `UpdatePodStatus`);
//! otherwise the first worker tick after the delay, so the delay plus up to one `periodSeconds`.
//! A `successThreshold` above 1 adds a period for each further success. While a probe fails,
//! every period fails; after `failureThreshold` consecutive failures the container turns unready
//! (readiness) or is killed and restarted (liveness).
//!
//! A container with a startup probe is probed by [`super::startup`] first: readiness and
//! liveness wait until it has succeeded ([`after_startup`]).

use super::prober::{self, Failure};
use super::{container_event, enqueue_step, is_container_step, pod_of, CState, Step};
use crate::engine::api::{Container, Pod, Probe};
use crate::engine::sim::Cluster;
use crate::engine::why::Verdict;

/// `periodSeconds` default.
pub const DEFAULT_PERIOD_S: i32 = 10;
/// `failureThreshold` default.
pub const DEFAULT_FAILURE_THRESHOLD: i32 = 3;

pub(super) fn period_ms(p: &Probe) -> u64 {
    p.period_seconds.filter(|s| *s > 0).unwrap_or(DEFAULT_PERIOD_S) as u64 * 1000
}

pub(super) fn threshold(p: &Probe) -> i32 {
    p.failure_threshold.filter(|s| *s > 0).unwrap_or(DEFAULT_FAILURE_THRESHOLD)
}

fn success_threshold(p: &Probe) -> i32 {
    p.success_threshold.filter(|s| *s > 0).unwrap_or(1)
}

pub(super) fn spec<'a>(p: &'a Pod, name: &str) -> Option<&'a Container> {
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

/// What a probe of container `s` answers now (`prober.go` `runProbe`): a fault fails it (with
/// no plain-words cause: the fault is its own), the web server answers what it serves, and any
/// other probe succeeds.
pub(super) fn outcome(c: &Cluster, p: &Pod, s: &Container, probe: &Probe, fault: bool) -> Result<(), Failure> {
    if fault {
        return Err(Failure { message: failure_message(probe, &p.status.pod_ip), why: String::new() });
    }
    prober::answer(c, p, s, probe).unwrap_or(Ok(()))
}

/// Records a kubelet decision about a container's probes.
pub(super) fn decide(c: &mut Cluster, p: &Pod, name: &str, verdict: Verdict, reason: String) {
    c.decide(super::COMPONENT, format!("pod/{}", p.metadata.name), verdict, format!("container/{name}"), reason);
}

pub(super) fn key(uid: &str, name: &str) -> (String, String) {
    (uid.to_string(), name.to_string())
}

/// A container just started: schedule its first readiness success, or a probe loop under a
/// fault; with a startup probe, that probe runs first.
pub fn on_start(c: &mut Cluster, uid: &str, name: &str, spec: &Container) {
    if spec.startup_probe.is_some() {
        super::startup::on_start(c, uid, name, spec);
        return;
    }
    let first = spec.readiness_probe.as_ref().map(|r| first_readiness_ms(c, r));
    let l = spec.liveness_probe.as_ref().map(|l| l.initial_delay_seconds.unwrap_or(0).max(0) as u64 * 1000).unwrap_or(0);
    arm_workers(c, uid, name, spec, first.unwrap_or(0), l);
}

/// The startup probe succeeded `elapsed_ms` after the container started: readiness and liveness
/// probing begin (`worker.go doProbe` skipped them until `Started`). The readiness worker, which
/// has been ticking all along, probes at its next tick (never inside its `initialDelaySeconds`).
pub fn after_startup(c: &mut Cluster, uid: &str, name: &str, spec: &Container, elapsed_ms: u64) {
    let delay = |p: &Probe| (p.initial_delay_seconds.unwrap_or(0).max(0) as u64 * 1000).saturating_sub(elapsed_ms);
    let first = spec.readiness_probe.as_ref().map(|r| delay(r) + c.rng.range(0, period_ms(r)));
    let l = spec.liveness_probe.as_ref().map(delay).unwrap_or(0);
    arm_workers(c, uid, name, spec, first.unwrap_or(0), l);
}

/// Schedules the readiness probe's first success `first_ms` from now (or its failure loop under a
/// fault), and the liveness loop under a fault after `liveness_delay_ms`.
fn arm_workers(c: &mut Cluster, uid: &str, name: &str, spec: &Container, first: u64, liveness_delay_ms: u64) {
    let Some(seq) = c.runtime.pods.get(uid).and_then(|r| r.ctr(name)).map(|x| x.seq) else { return };
    let readiness_fault = c.runtime.faults.readiness.contains(&key(uid, name));
    let liveness_fault = c.runtime.faults.liveness.contains(&key(uid, name));
    if let Some(r) = &spec.readiness_probe {
        if readiness_fault {
            arm(c, uid, name, first);
        } else {
            let more = (success_threshold(r) - 1).max(0) as u64 * period_ms(r);
            enqueue_step(c, uid, name, seq, Step::Ready, first + more, false);
        }
    }
    // The liveness worker only needs to run while its probe fails.
    let failing = |l: &Probe| liveness_fault || pod_of(c, uid).is_some_and(|p| prober::answer(c, &p, spec, l).is_some_and(|r| r.is_err()));
    if spec.liveness_probe.as_ref().is_some_and(failing) {
        super::liveness::arm(c, uid, name, liveness_delay_ms);
    } else if let Some(x) = c.runtime.pods.get_mut(uid).and_then(|r| r.ctr_mut(name)) {
        // This instance passes its liveness probe: a failure that killed an earlier one is over.
        x.liveness_killed_at = None;
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

/// The readiness probe's first success (no fault), unless the web server answers it with an
/// error: then this is its first failure, and the failure loop starts.
pub fn first_success(c: &mut Cluster, uid: &str, name: &str) {
    if c.runtime.faults.readiness.contains(&key(uid, name)) {
        arm(c, uid, name, 0);
        return;
    }
    let web_fails = pod_of(c, uid).is_some_and(|p| {
        spec(&p, name).and_then(|s| s.readiness_probe.as_ref().and_then(|r| prober::answer(c, &p, s, r))).is_some_and(|r| r.is_err())
    });
    if web_fails {
        probe(c, uid, name);
        return;
    }
    let now = c.now;
    let Some(x) = c.runtime.pods.get_mut(uid).and_then(|r| r.ctr_mut(name)) else { return };
    x.readiness_tick = Some(now);
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
    // Until the startup probe succeeds, the other workers do not probe (`worker.go doProbe`);
    // its own loop reads the faults at every period.
    if !matches!(x.state, CState::Running { .. }) || !x.started {
        return;
    }
    if let Some(r) = &s.readiness_probe {
        let phase = c.rng.range(1, period_ms(r));
        arm(c, uid, name, phase);
        let fails = outcome(c, &p, s, r, c.runtime.faults.readiness.contains(&key(uid, name))).is_err();
        progress_if_it_changes(c, uid, name, fails);
    }
    if let Some(l) = s.liveness_probe.as_ref().filter(|_| c.runtime.faults.liveness.contains(&key(uid, name))) {
        let phase = c.rng.range(1, period_ms(l));
        super::liveness::arm(c, uid, name, phase);
    }
}

/// The probe, if the web server answers it.
fn web<'a>(s: &Container, probe: &'a Option<Probe>) -> Option<&'a Probe> {
    probe.as_ref().filter(|x| prober::web_probe(s, x).is_some())
}

/// Files changed in some container or volume (`kubectl exec … > index.html`, `rm`): the web
/// servers may answer their probes differently now. The probe workers tick all along upstream;
/// here a container whose web-served probe now disagrees with its state gets probing again: a
/// readiness probe that now passes on a container that is not Ready, or one that now fails on
/// a Ready one; a liveness probe that now fails; a startup probe that now passes. What the next
/// tick makes Ready or started is progress for [`Cluster::settle`]; a new failure is a failure
/// loop, as under a fault.
pub fn files_changed(c: &mut Cluster) {
    let mut uids: Vec<String> = c.runtime.pods.keys().cloned().collect();
    crate::util::sort::sort(&mut uids);
    for uid in uids {
        let Some(p) = pod_of(c, &uid) else { continue };
        for s in p.spec.init_containers.iter().chain(p.spec.containers.iter()) {
            let (r, l, st) = (web(s, &s.readiness_probe), web(s, &s.liveness_probe), web(s, &s.startup_probe));
            if r.is_none() && l.is_none() && st.is_none() {
                continue;
            }
            let Some(x) = c.runtime.pods.get(&uid).and_then(|rt| rt.ctr(&s.name)) else { continue };
            let fails = |c: &Cluster, probe: &Probe| prober::answer(c, &p, s, probe).is_some_and(|a| a.is_err());
            let name = s.name.as_str();
            if !matches!(x.state, CState::Running { .. }) {
                // Killed by its liveness probe, which now passes: the next instance stays up, so
                // its pending restart is awaited.
                let fault = c.runtime.faults.liveness.contains(&key(&uid, name));
                if x.liveness_killed_at.is_some() && !fault && l.is_some_and(|l| !fails(c, l)) {
                    c.mark_progress(|t| is_container_step(t, &uid, name, &[Step::Restart]));
                }
                continue;
            }
            let (ready, started, probing, tick) = (x.ready, x.started, x.probing, x.readiness_tick);
            if !started {
                if st.is_some_and(|sp| !fails(c, sp)) {
                    c.mark_progress(|t| is_container_step(t, &uid, name, &[Step::Startup]));
                }
                continue;
            }
            if let Some(r) = r {
                let fault = c.runtime.faults.readiness.contains(&key(&uid, name));
                let now_fails = fault || fails(c, r);
                if now_fails && ready {
                    // The worker's next tick: its ticker kept the phase of its last probe.
                    let period = period_ms(r);
                    let phase = match tick {
                        Some(t) => period - c.now.since(t).max(0) as u64 % period,
                        None => c.rng.range(1, period),
                    };
                    arm(c, &uid, name, phase);
                    progress_if_it_changes(c, &uid, name, true);
                } else if !now_fails && !ready && probing {
                    // Its failure loop's next tick makes it Ready (before its first success,
                    // the pending first probe decides).
                    c.mark_progress(|t| is_container_step(t, &uid, name, &[Step::Probe]));
                }
            }
            if let Some(l) = l.filter(|l| fails(c, l)) {
                let phase = c.rng.range(1, period_ms(l));
                super::liveness::arm(c, &uid, name, phase);
            }
        }
    }
}

/// One readiness probe period (`worker.doProbe`): `failureThreshold` consecutive failures make
/// the container unready, `successThreshold` consecutive successes ready again.
pub fn probe(c: &mut Cluster, uid: &str, name: &str) {
    let Some(p) = pod_of(c, uid) else { return };
    let Some(s) = spec(&p, name) else { return };
    let readiness_fault = c.runtime.faults.readiness.contains(&key(uid, name));
    let Some(x) = c.runtime.pods.get_mut(uid).and_then(|r| r.ctr_mut(name)) else { return };
    x.probing = false;
    let Some(r) = &s.readiness_probe else { return };
    if !matches!(x.state, CState::Running { .. }) || !x.started {
        return;
    }
    let result = outcome(c, &p, s, r, readiness_fault);
    let now = c.now;
    let Some(x) = c.runtime.pods.get_mut(uid).and_then(|r| r.ctr_mut(name)) else { return };
    x.readiness_tick = Some(now);
    let mut changed = false;
    let mut event = None;
    let mut why = None;
    let failing = result.is_err();
    match result {
        Err(f) => {
            x.probe_failures += 1;
            x.probe_successes = 0;
            let limit = threshold(r);
            let turns = x.probe_failures >= limit && x.ready;
            // The why panel hears of a web server's failing answer when it starts and when it
            // turns the container unready, not at every period.
            if !f.why.is_empty() {
                why = if turns {
                    Some((Verdict::Update, format!("container {name} is not Ready: its readiness probe failed {limit} times in a row (failureThreshold {limit}): {}", f.why)))
                } else if x.probe_failures == 1 && x.ready {
                    Some((Verdict::Wait, format!("container {name}'s readiness probe failed ({} more in a row and it is not Ready): {}", limit - 1, f.why)))
                } else if x.probe_failures == 1 {
                    Some((Verdict::Wait, format!("container {name} is not Ready: its readiness probe fails, {}; the probe passes once the answer is 200–399", f.why)))
                } else {
                    None
                };
            }
            event = Some(format!("Readiness probe failed: {}", f.message));
            if turns {
                x.ready = false;
                changed = true;
            }
        }
        Ok(()) => {
            let recovered = x.probe_failures > 0 || !x.ready;
            x.probe_failures = 0;
            x.probe_successes += 1;
            if !x.ready && x.probe_successes >= success_threshold(r) {
                x.ready = true;
                changed = true;
                if recovered && prober::web_probe(s, r).is_some() {
                    why = Some((Verdict::Update, format!("container {name}'s readiness probe succeeds: the web server answers it with a 2xx/3xx status; the container is Ready")));
                }
            }
        }
    }
    let keep = failing || !x.ready;
    if let Some(m) = event {
        container_event(c, uid, name, "Warning", "Unhealthy", &m);
    }
    if let Some((verdict, reason)) = why {
        decide(c, &p, name, verdict, reason);
    }
    if changed {
        super::status::write(c, uid);
    }
    if keep {
        arm(c, uid, name, period_ms(r));
        progress_if_it_changes(c, uid, name, failing);
    }
}

/// The readiness worker's queued tick is progress for [`Cluster::settle`] (`sim wait`) when
/// probing as it does now will change the container's readiness: a Ready container whose probe
/// fails turns unready after `failureThreshold` failures, an unready one whose probe passes turns
/// Ready. Otherwise it is a failure loop (failing and already unready), which settling ignores.
fn progress_if_it_changes(c: &mut Cluster, uid: &str, name: &str, fails: bool) {
    let ready = c.runtime.pods.get(uid).and_then(|r| r.ctr(name)).is_some_and(|x| x.ready);
    if fails == ready {
        c.mark_progress(|t| is_container_step(t, uid, name, &[Step::Probe]));
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::api::{Object, Probe};
    use crate::engine::fs;
    use crate::engine::sim::Cluster;
    use crate::engine::testutil::*;

    const ROOT: &str = "/usr/share/nginx/html";

    fn http() -> Probe {
        Probe { http_get: Some(serde_json::json!({"path": "/", "port": "web"}).into()), period_seconds: Some(10), failure_threshold: Some(3), ..Default::default() }
    }

    /// The tutorial's web-0: nginx with an empty claim on its web root, port 80 named `web`.
    fn web0(c: &mut Cluster, set: impl Fn(&mut crate::engine::api::Container)) {
        create(c, Object::PersistentVolumeClaim(pvc("www-web-0", Some("standard"))));
        let mut p = with_claim(sts_pod("web-0", "nginx", "nginx:1.27"), "www-web-0", ROOT);
        p.spec.containers[0].ports = vec![crate::engine::api::ContainerPort { name: "web".into(), container_port: 80, ..Default::default() }];
        set(&mut p.spec.containers[0]);
        create(c, Object::Pod(p));
    }

    fn ready(c: &Cluster) -> bool {
        get_pod(c, "web-0").is_some_and(|p| p.is_ready())
    }

    fn unhealthy(c: &Cluster) -> Vec<(String, i32)> {
        events_of(c, "default", "web-0").into_iter().filter(|e| e.0 == "Unhealthy").map(|e| (e.1, e.2)).collect()
    }

    #[test]
    fn settling_waits_for_a_readiness_fault_to_take_effect_and_for_its_undo() {
        let mut c = cluster();
        web0(&mut c, |x| x.readiness_probe = Some(Probe { tcp_socket: Some(serde_json::json!({"port": 80}).into()), http_get: None, ..http() }));
        assert!(c.settle_default().settled);
        assert!(ready(&c));
        // `sim fault readiness web-0` then `sim wait`: the wait lasts until the 3rd failure.
        let f = crate::engine::faults::fail_readiness(&mut c, "default", "web-0", None).unwrap();
        let r = c.settle_default();
        assert!(r.settled && !ready(&c), "{:?}", r.blocked);
        assert!((20_000..=30_000).contains(&r.elapsed_ms), "three 10 s periods from a random phase: {}", r.elapsed_ms);
        // Undone: the next tick makes it Ready, and the wait lasts until then.
        crate::engine::faults::clear_fault(&mut c, &f).unwrap();
        let r = c.settle_default();
        assert!(r.settled && ready(&c), "{:?}", r.blocked);
        assert!(r.elapsed_ms <= 10_000, "{}", r.elapsed_ms);
    }

    #[test]
    fn nginx_answering_403_keeps_the_pod_unready_until_index_html_is_written() {
        let mut c = cluster();
        web0(&mut c, |x| x.readiness_probe = Some(http()));
        let r = c.settle_default();
        assert!(r.settled, "a failing probe is a failure loop: {:?}", r.blocked);
        assert!(!ready(&c));
        assert!(r.blocked.iter().any(|b| b.contains("its readiness probe fails: nginx answers 403 Forbidden for /: /usr/share/nginx/html (the volume www, claim www-web-0) has no index.html")), "{:?}", r.blocked);
        let p = get_pod(&c, "web-0").unwrap();
        assert!(crate::session::view::pod_reason(&c, &p).contains("nginx answers 403 Forbidden for /"), "{}", crate::session::view::pod_reason(&c, &p));
        c.advance(30_000);
        assert!(!ready(&c));
        let u = unhealthy(&c);
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].0, "Readiness probe failed: HTTP probe failed with statuscode: 403");
        assert!(u[0].1 >= 3, "{u:?}");
        // The tutorial's fix: write index.html; the next probe succeeds, and settling waits for it.
        fs::write(&mut c, "default", "web-0", "nginx", &format!("{ROOT}/index.html"), b"web-0\n", false).unwrap();
        let r = c.settle_default();
        assert!(r.settled && ready(&c), "{:?}", r.blocked);
        assert!(r.elapsed_ms <= 10_000, "within one period: {}", r.elapsed_ms);
        // Nothing left to probe: no loop keeps running.
        assert!(!c.runtime.pod(&p.metadata.uid).unwrap().ctr("nginx").unwrap().probing);
        // Deleted again: unready after failureThreshold (3) failures, not before.
        fs::rm(&mut c, "default", "web-0", "nginx", &format!("{ROOT}/index.html"), false).unwrap();
        c.advance(19_000);
        assert!(ready(&c), "at most two failures so far");
        c.advance(12_000);
        assert!(!ready(&c));
        assert!(c.why.latest_for("pod/web-0").unwrap().reason.contains("failed 3 times in a row (failureThreshold 3): nginx answers 403"));
    }

    #[test]
    fn a_tcp_probe_of_nginx_or_a_served_page_passes() {
        for set in [
            |x: &mut crate::engine::api::Container| x.readiness_probe = Some(Probe { tcp_socket: Some(serde_json::json!({"port": 80}).into()), ..Default::default() }),
            |x: &mut crate::engine::api::Container| x.volume_mounts.clear(),
        ] {
            let mut c = cluster();
            web0(&mut c, |x| {
                x.readiness_probe = Some(http());
                set(x);
            });
            c.settle_default();
            assert!(ready(&c));
            assert!(unhealthy(&c).is_empty());
            let uid = get_pod(&c, "web-0").unwrap().metadata.uid.clone();
            assert!(!c.runtime.pod(&uid).unwrap().ctr("nginx").unwrap().probing, "no per-period loop for a probe that passes");
        }
    }

    #[test]
    fn a_probe_of_a_port_nothing_listens_on_is_refused_and_the_pod_stays_unready() {
        for (probe, message) in [
            (Probe { http_get: Some(serde_json::json!({"path": "/", "port": 8080}).into()), ..Default::default() }, "Get \"http://IP:8080/\": dial tcp IP:8080: connect: connection refused"),
            (Probe { tcp_socket: Some(serde_json::json!({"port": 8080}).into()), ..Default::default() }, "dial tcp IP:8080: connect: connection refused"),
        ] {
            let mut c = cluster();
            web0(&mut c, |x| {
                x.readiness_probe = Some(probe.clone());
                x.volume_mounts.clear();
            });
            let r = c.settle_default();
            assert!(r.settled && !ready(&c), "{:?}", r.blocked);
            assert!(r.blocked.iter().any(|b| b.contains("nothing in the pod listens on port 8080: nginx (container nginx) listens on port 80 only")), "{:?}", r.blocked);
            let ip = get_pod(&c, "web-0").unwrap().status.pod_ip.clone();
            let u = unhealthy(&c);
            assert_eq!(u[0].0, format!("Readiness probe failed: {}", message.replace("IP", &ip)));
        }
    }

    #[test]
    fn a_liveness_probe_answered_403_restarts_the_container() {
        let mut c = cluster();
        web0(&mut c, |x| x.liveness_probe = Some(http()));
        c.settle_default();
        c.advance(35_000);
        let ev = events_of(&c, "default", "web-0");
        assert!(ev.iter().any(|e| e.0 == "Unhealthy" && e.1 == "Liveness probe failed: HTTP probe failed with statuscode: 403"), "{ev:?}");
        assert!(ev.iter().any(|e| e.0 == "Killing" && e.1 == "Container nginx failed liveness probe, will be restarted"), "{ev:?}");
        c.advance(5_000);
        assert!(get_pod(&c, "web-0").unwrap().status.container_statuses[0].restart_count >= 1);
        // With a page to serve, the restarted container stays up.
        fs::write(&mut c, "default", "web-0", "nginx", &format!("{ROOT}/index.html"), b"ok\n", false).unwrap();
        c.advance(10_000);
        let restarts = get_pod(&c, "web-0").unwrap().status.container_statuses[0].restart_count;
        c.advance(120_000);
        assert_eq!(get_pod(&c, "web-0").unwrap().status.container_statuses[0].restart_count, restarts);
    }

    #[test]
    fn a_startup_probe_answered_403_is_killed_and_passes_once_the_page_exists() {
        let mut c = cluster();
        web0(&mut c, |x| x.startup_probe = Some(http()));
        c.advance(45_000);
        let ev = events_of(&c, "default", "web-0");
        assert!(ev.iter().any(|e| e.0 == "Unhealthy" && e.1 == "Startup probe failed: HTTP probe failed with statuscode: 403"), "{ev:?}");
        assert!(ev.iter().any(|e| e.0 == "Killing" && e.1 == "Container nginx failed startup probe, will be restarted"), "{ev:?}");
        c.advance(5_000);
        fs::write(&mut c, "default", "web-0", "nginx", &format!("{ROOT}/index.html"), b"ok\n", false).unwrap();
        let r = c.settle_default();
        assert!(r.settled && ready(&c), "{:?}", r.blocked);
    }
}
