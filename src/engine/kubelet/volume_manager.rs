//! The kubelet's volume manager (`pkg/kubelet/volumemanager`) for the volumes the kubelet fills
//! itself: `configMap`, `secret` and the `projected` sources of them (`pkg/volume/configmap`,
//! `pkg/volume/secret`, `pkg/volume/projected` `SetUpAt`/`MakePayload`).
//!
//! Upstream, the reconciler mounts every volume some container uses (`GetPodVolumeNames`;
//! unused ones are skipped) and the pod worker's `SyncPod` blocks in `WaitForAttachAndMount`
//! before the sandbox is created. A SetUp that fails (a missing ConfigMap or Secret that is not
//! `optional`, or a missing `items` key) emits a `FailedMount` event and is retried after the
//! operation's exponential back-off (`exponentialbackoff`: 500ms, doubling, at most 2m2s). The
//! wait itself gives up after 2m3s (`podAttachAndMountTimeout`); its error wraps
//! `context deadline exceeded`, which `SyncPod` treats as `wait.Interrupted` and records no
//! event for, so the pod worker simply syncs again after its back-off (10s, up to 50% jitter).
//! Meanwhile the pod stays Pending with its containers `ContainerCreating`.
//!
//! Other volume types (PVCs bound before scheduling, emptyDir, hostPath, downwardAPI, service
//! account tokens) mount at once here.

use super::{pod_event, pod_of, Task};
use crate::engine::api::{Kind, Object, Pod, Time, Volume};
use crate::engine::sim::{Cluster, Task as SimTask};
use crate::engine::why::Verdict;
use serde_json::Value;

/// `initialDurationBeforeRetry` (`pkg/util/goroutinemap/exponentialbackoff`).
pub const INITIAL_RETRY_MS: u64 = 500;
/// `maxDurationBeforeRetry`: 2m2s.
pub const MAX_RETRY_MS: u64 = 122_000;
/// `podAttachAndMountTimeout` (`volume_manager.go`): 2m3s.
pub const WAIT_TIMEOUT_MS: u64 = 123_000;
/// `reconcilerLoopSleepPeriod`: a retry starts at the reconciler's next pass after the back-off.
const RECONCILER_PERIOD_MS: u64 = 100;
/// `podAttachAndMountRetryInterval`: how often the waiting pod worker looks again.
const WAIT_POLL_MS: u64 = 300;

/// A pod whose volumes are not all mounted yet: the state of its failing mount operations.
#[derive(Clone, Debug, Default)]
pub struct VolumeWait {
    /// `durationBeforeRetry` of the failing SetUp operations (they fail and retry together).
    pub backoff_ms: u64,
    /// Incremented on each attempt: a queued retry carrying an older value is stale.
    pub seq: u64,
    /// When the pod worker's current `WaitForAttachAndMount` began.
    pub wait_started: Time,
    /// The volumes not mounted yet (spec order), with their last SetUp error.
    pub unmounted: Vec<(String, String)>,
}

/// One file a volume projects (`volumeutil.FileProjection`): the value as stored, which for a
/// Secret or a ConfigMap's `binaryData` is base64.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Projection {
    /// The stored value.
    pub data: String,
    /// `data` is base64 (Secret `data`, ConfigMap `binaryData`).
    pub base64: bool,
}

/// The files of a volume, by path relative to its root, in the order they were written: a later
/// entry for a path replaces an earlier one (a `Vec`, not a map: it is only looked up, and a new
/// B-tree layout costs the page ~2 KB).
pub type Payload = Vec<(String, Projection)>;

/// The file at `path` in a payload: its last entry.
fn payload_file<'a>(p: &'a Payload, path: &str) -> Option<&'a Projection> {
    p.iter().rev().find(|(k, _)| k == path).map(|(_, v)| v)
}

fn str_field<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

fn optional(v: &Value) -> bool {
    v.get("optional").and_then(Value::as_bool).unwrap_or(false)
}

/// `configmap.MakePayload` / `secret.MakePayload` for one ConfigMap or Secret source: the object
/// (`None` when missing), its `items` and `optional`. Errors as the plugins word them: the watch
/// managers' NotFound (`configmap "x" not found`, singular resource) or a missing key.
fn make_payload(c: &Cluster, ns: &str, kind: Kind, name: &str, src: &Value, mut out: Option<&mut Payload>) -> Result<(), String> {
    let opt = optional(src);
    // ConfigMaps and Secrets are stored as generic objects: read their fields in place.
    let obj = match c.store.get(kind, ns, name).map(|o| &**o) {
        Some(Object::Generic(_, g)) => Some(&g.rest),
        _ => None,
    };
    let (resource, fields): (&str, &[(&str, bool)]) = if kind == Kind::ConfigMap {
        ("configmap", &[("data", false), ("binaryData", true)])
    } else {
        // `stringData` is write-only upstream (merged into `data`); the store may still hold it.
        ("secret", &[("data", true), ("stringData", false)])
    };
    let Some(obj) = obj else {
        return if opt { Ok(()) } else { Err(format!("{resource} {name:?} not found")) };
    };
    let lookup = |key: &str| fields.iter().find_map(|(f, b64)| obj.get(*f).and_then(|d| d.get(key)).and_then(Value::as_str).map(|s| (s, *b64)));
    let items = src.get("items").and_then(Value::as_array).filter(|a| !a.is_empty());
    match items {
        // Without `items` every key is a file: nothing can be missing.
        None => {
            let Some(out) = out else { return Ok(()) };
            for (f, b64) in fields {
                let Some(m) = obj.get(*f).and_then(Value::as_object) else { continue };
                for (k, v) in m {
                    out.push((k.clone(), Projection { data: v.as_str().unwrap_or("").to_string(), base64: *b64 }));
                }
            }
        }
        Some(items) => {
            for it in items {
                let key = str_field(it, "key");
                match lookup(key) {
                    Some((data, base64)) => {
                        if let Some(out) = out.as_deref_mut() {
                            out.push((str_field(it, "path").to_string(), Projection { data: data.to_string(), base64 }));
                        }
                    }
                    None if opt => {}
                    // configmap.go / secret.go MakePayload.
                    None if kind == Kind::ConfigMap => return Err(format!("configmap references non-existent config key: {key}")),
                    None => return Err(format!("references non-existent secret key: {key}")),
                }
            }
        }
    }
    Ok(())
}

/// The kubelet-filled source of a volume, if it is one: its payload (`SetUpAt`), or the SetUp
/// error. `None` for every other volume type.
pub fn volume_payload(c: &Cluster, pod: &Pod, v: &Volume) -> Option<Result<Payload, String>> {
    let mut out = Payload::new();
    set_up(c, pod, v, Some(&mut out)).map(|r| r.map(|()| out))
}

/// Whether the kubelet fills the volume itself (configMap, secret, projected).
fn kubelet_filled(v: &Volume) -> bool {
    ["configMap", "secret", "projected"].iter().any(|k| v.other_sources.contains_key(*k))
}

/// `SetUpAt` of a kubelet-filled volume (`None` for any other): the files go to `out` when it is
/// given; a mount check passes none, so no file is copied (every pod's token volume holds the
/// cluster's root CA).
fn set_up(c: &Cluster, pod: &Pod, v: &Volume, mut out: Option<&mut Payload>) -> Option<Result<(), String>> {
    let ns = &pod.metadata.namespace;
    if let Some(src) = v.other_sources.get("configMap") {
        return Some(make_payload(c, ns, Kind::ConfigMap, str_field(src, "name"), src, out));
    }
    if let Some(src) = v.other_sources.get("secret") {
        return Some(make_payload(c, ns, Kind::Secret, str_field(src, "secretName"), src, out));
    }
    let src = v.other_sources.get("projected")?;
    // projected.go collectData: every source is tried; later files win; the errors aggregate.
    let mut errs: Vec<String> = Vec::new();
    for s in src.get("sources").and_then(Value::as_array).map_or(&[][..], Vec::as_slice) {
        let one = if let Some(cm) = s.get("configMap") {
            make_payload(c, ns, Kind::ConfigMap, str_field(cm, "name"), cm, out.as_deref_mut())
        } else if let Some(sec) = s.get("secret") {
            make_payload(c, ns, Kind::Secret, str_field(sec, "name"), sec, out.as_deref_mut())
        } else {
            continue;
        };
        match one {
            Ok(()) => {}
            Err(e) if !errs.contains(&e) => errs.push(e),
            Err(_) => {}
        }
    }
    Some(match errs.len() {
        0 => Ok(()),
        // utilerrors.Aggregate: one error prints as itself, several as "[a, b]".
        1 => Err(errs.remove(0)),
        _ => Err(format!("[{}]", errs.join(", "))),
    })
}

/// Whether a volume's source names this ConfigMap or Secret.
fn names(v: &Volume, kind: Kind, name: &str) -> bool {
    let (field, key) = if kind == Kind::ConfigMap { ("configMap", "name") } else { ("secret", "secretName") };
    if v.other_sources.get(field).is_some_and(|s| str_field(s, key) == name) {
        return true;
    }
    let Some(sources) = v.other_sources.get("projected").and_then(|p| p.get("sources")).and_then(Value::as_array) else { return false };
    sources.iter().any(|s| s.get(field).is_some_and(|x| str_field(x, "name") == name))
}

/// The volumes some container mounts (`GetPodVolumeNames`), in spec order.
fn used_volumes(pod: &Pod) -> impl Iterator<Item = &Volume> {
    pod.spec.volumes.iter().filter(move |v| {
        pod.spec.init_containers.iter().chain(pod.spec.containers.iter()).any(|x| x.volume_mounts.iter().any(|m| m.name == v.name))
    })
}

/// The SetUp errors of the pod's used volumes now, in spec order.
pub fn setup_errors(c: &Cluster, pod: &Pod) -> Vec<(String, String)> {
    used_volumes(pod).filter_map(|v| match set_up(c, pod, v, None)? {
        Ok(()) => None,
        Err(e) => Some((v.name.clone(), e)),
    })
    .collect()
}

/// The pod worker reaches `WaitForAttachAndMount` (first sync): true when every volume mounts
/// now, so the sandbox can follow; otherwise the failed mounts are reported and retried, and
/// the sandbox waits for them.
pub fn wait_for_attach_and_mount(c: &mut Cluster, uid: &str) -> bool {
    let Some(p) = pod_of(c, uid) else { return true };
    if !used_volumes(&p).any(kubelet_filled) {
        return true;
    }
    let now = c.now;
    if let Some(rt) = c.runtime.pods.get_mut(uid) {
        rt.volume_wait = Some(VolumeWait { wait_started: now, ..Default::default() });
    }
    attempt(c, uid, &p)
}

/// One reconciler pass over the pod's unmounted volumes: mount them, or report each failure
/// (`MountVolume.SetUp failed for volume "v" : err`, `operation_generator.go`) and retry after
/// the back-off. True when all are mounted.
fn attempt(c: &mut Cluster, uid: &str, p: &Pod) -> bool {
    let errors = setup_errors(c, p);
    if errors.is_empty() {
        if let Some(rt) = c.runtime.pods.get_mut(uid) {
            rt.volume_wait = None;
        }
        return true;
    }
    for (vol, err) in &errors {
        pod_event(c, uid, "Warning", "FailedMount", &format!("MountVolume.SetUp failed for volume {vol:?} : {err}"));
    }
    let Some(w) = c.runtime.pods.get_mut(uid).and_then(|rt| rt.volume_wait.as_mut()) else { return false };
    w.backoff_ms = if w.backoff_ms == 0 { INITIAL_RETRY_MS } else { (w.backoff_ms * 2).min(MAX_RETRY_MS) };
    w.seq += 1;
    w.unmounted = errors.clone();
    let (seq, backoff) = (w.seq, w.backoff_ms);
    let names: Vec<&str> = errors.iter().map(|(v, _)| v.as_str()).collect();
    let reason = format!(
        "cannot mount volume{} {}: {}; containers wait (ContainerCreating) and the mount is retried in {}",
        if names.len() == 1 { "" } else { "s" },
        names.join(", "),
        errors[0].1,
        super::runtime::go_duration(backoff)
    );
    c.decide(super::COMPONENT, format!("pod/{}", p.metadata.name), Verdict::Wait, format!("volume/{}", names.join(",")), reason);
    let tick = c.rng.range(0, RECONCILER_PERIOD_MS);
    c.enqueue_recurring(backoff + tick, SimTask::Kubelet(Task::MountVolumes(uid.to_string(), seq)));
    false
}

/// A queued mount retry: try again, and once everything is mounted let the pod worker go on to
/// the sandbox when its wait notices (within a poll interval, or at its next sync when the wait
/// had timed out).
pub fn retry(c: &mut Cluster, uid: &str, seq: u64) {
    let Some(rt) = c.runtime.pods.get(uid) else { return };
    if rt.terminating || rt.volume_wait.as_ref().is_none_or(|w| w.seq != seq) {
        return;
    }
    if c.runtime.node_down(&rt.node) {
        // The kubelet is not running: look again later, without a mount attempt.
        let backoff = rt.volume_wait.as_ref().map_or(INITIAL_RETRY_MS, |w| w.backoff_ms);
        c.enqueue_recurring(backoff, SimTask::Kubelet(Task::MountVolumes(uid.to_string(), seq)));
        return;
    }
    let wait_started = rt.volume_wait.as_ref().map_or(c.now, |w| w.wait_started);
    let Some(p) = pod_of(c, uid) else { return };
    if !attempt(c, uid, &p) {
        return;
    }
    let delay = pod_worker_delay(c, wait_started);
    let sandbox = c.rng.range(300, 900);
    c.enqueue_after(delay + sandbox, SimTask::Kubelet(Task::Sandbox(uid.to_string())));
}

/// How long until the pod worker notices the mounts: its `WaitForAttachAndMount` polls every
/// 300ms for up to 2m3s; after a timeout the worker syncs again 10–15s later and waits anew.
fn pod_worker_delay(c: &mut Cluster, wait_started: Time) -> u64 {
    let mut start = wait_started;
    loop {
        let end = start.plus_ms(WAIT_TIMEOUT_MS);
        if c.now <= end {
            return c.rng.range(0, WAIT_POLL_MS);
        }
        let next = end.plus_ms(c.rng.range(10_000, 15_000));
        if c.now < next {
            return next.since(c.now).max(0) as u64;
        }
        start = next;
    }
}

/// A ConfigMap or Secret appeared or changed: the next mount retry of a pod waiting on it may
/// now succeed, so it is progress that `sim wait` runs on to (its time stays the back-off's).
pub fn config_object_changed(c: &mut Cluster, kind: Kind, namespace: &str, name: &str) {
    let mut waiting: Vec<String> = c.runtime.pods.iter().filter(|(_, rt)| rt.volume_wait.is_some()).map(|(u, _)| u.clone()).collect();
    crate::util::sort::sort(&mut waiting);
    for uid in waiting {
        let Some(p) = pod_of(c, &uid) else { continue };
        if p.metadata.namespace != namespace || !used_volumes(&p).any(|v| names(v, kind, name)) {
            continue;
        }
        c.mark_progress(|t| matches!(t, SimTask::Kubelet(Task::MountVolumes(u, _)) if *u == uid));
    }
}

/// The content of a file a container sees in a mounted configMap/secret/projected volume, if
/// `path` lies in one: `Some(Ok(projection))`, or `Some(Err(()))` when the volume holds no such
/// file. Read from the current object, as the kubelet's periodic remount keeps the files in step.
pub fn volume_file(c: &Cluster, pod: &Pod, container: &str, path: &str) -> Option<Result<Projection, ()>> {
    let ctr = pod.spec.containers.iter().chain(pod.spec.init_containers.iter()).find(|x| x.name == container)?;
    let mut best: Option<(&crate::engine::api::VolumeMount, &str)> = None;
    for m in &ctr.volume_mounts {
        let mp = m.mount_path.trim_end_matches('/');
        let rel = if path == mp { Some("") } else { path.strip_prefix(mp).and_then(|r| r.strip_prefix('/')) };
        if let Some(rel) = rel {
            if best.is_none_or(|(b, _)| m.mount_path.len() > b.mount_path.len()) {
                best = Some((m, rel));
            }
        }
    }
    let (m, rel) = best?;
    let v = pod.spec.volumes.iter().find(|v| v.name == m.name)?;
    let payload = volume_payload(c, pod, v)?.unwrap_or_default();
    let file = match (m.sub_path.trim_matches('/'), rel) {
        ("", r) => r.to_string(),
        (s, "") => s.to_string(),
        (s, r) => format!("{s}/{r}"),
    };
    Some(payload_file(&payload, &file).cloned().ok_or(()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::*;
    use crate::engine::testutil::*;
    use serde_json::json;

    /// A pod whose container mounts one volume with source `src` (e.g. `{"configMap": {...}}`).
    fn mounting(src: Value) -> Pod {
        let mut p = pod("web-0", "nginx:1.27");
        let mut src = src;
        src["name"] = json!("config");
        let v: Volume = serde_json::from_value(src).expect("volume");
        p.spec.volumes.push(v);
        p.spec.containers[0].volume_mounts.push(VolumeMount { name: "config".into(), mount_path: "/etc/app".into(), ..Default::default() });
        p
    }

    fn object(kind: Kind, name: &str, body: Value) -> Object {
        let mut v = json!({"apiVersion": "v1", "kind": if kind == Kind::ConfigMap { "ConfigMap" } else { "Secret" },
            "metadata": {"name": name, "namespace": "default"}});
        if let (Some(o), Some(b)) = (v.as_object_mut(), body.as_object()) {
            o.extend(b.clone());
        }
        Object::from_value(kind, v).expect("object")
    }

    fn waiting_reason(c: &Cluster) -> String {
        let p = get_pod(c, "web-0").expect("pod");
        p.status.container_statuses[0].state.waiting.as_ref().map(|w| w.reason.clone()).unwrap_or_default()
    }

    fn failed_mounts(c: &Cluster) -> Vec<(String, i32)> {
        events_of(c, "default", "web-0").into_iter().filter(|e| e.0 == "FailedMount").map(|e| (e.1, e.2)).collect()
    }

    #[test]
    fn a_missing_config_map_keeps_the_pod_container_creating_until_it_exists() {
        let mut c = cluster();
        create(&mut c, Object::Pod(mounting(json!({"configMap": {"name": "app-config"}}))));
        c.settle_default();
        let p = get_pod(&c, "web-0").expect("pod");
        assert_eq!(p.status.phase, "Pending");
        assert_eq!(waiting_reason(&c), "ContainerCreating");
        // No sandbox before the volumes: no IP, PodReadyToStartContainers False.
        assert!(p.status.pod_ip.is_empty());
        assert_eq!(p.condition("PodReadyToStartContainers").map(|x| x.status.as_str()), Some("False"));
        let msg = "MountVolume.SetUp failed for volume \"config\" : configmap \"app-config\" not found".to_string();
        let first = failed_mounts(&c);
        assert_eq!(first.len(), 1, "{first:?}");
        assert_eq!(first[0].0, msg);
        // Retries after 0.5s, 1s, 2s, … aggregate into the one event; no other event appears
        // (the pod worker's 2m3s wait timing out is `wait.Interrupted`: no event).
        c.advance(5 * 60_000);
        let later = failed_mounts(&c);
        assert_eq!(later.len(), 1, "{later:?}");
        assert!(later[0].1 > first[0].1 + 5, "{later:?}");
        assert_eq!(reasons(&c, "web-0").iter().filter(|r| *r != "Scheduled" && *r != "FailedMount").count(), 0, "{:?}", reasons(&c, "web-0"));
        assert_eq!(waiting_reason(&c), "ContainerCreating");
        let why = c.why.iter().rev().find(|d| d.subject == "pod/web-0" && d.component == "kubelet").expect("a kubelet decision");
        assert_eq!(why.target, "volume/config");
        assert!(why.reason.contains("configmap \"app-config\" not found"), "{}", why.reason);
        // The ConfigMap appears: the next retry (at most 2m2s away) mounts it and the pod starts.
        create(&mut c, object(Kind::ConfigMap, "app-config", json!({"data": {"mode": "primary"}})));
        let before = c.now;
        c.settle_default();
        assert!(get_pod(&c, "web-0").expect("pod").is_ready());
        assert!(c.now.since(before) <= (MAX_RETRY_MS + 20_000) as i64);
    }

    #[test]
    fn backoff_doubles_from_half_a_second_to_two_minutes_two_seconds() {
        let mut c = cluster();
        create(&mut c, Object::Pod(mounting(json!({"secret": {"secretName": "creds"}}))));
        c.settle_default();
        let uid = get_pod(&c, "web-0").expect("pod").metadata.uid;
        let backoff = |c: &Cluster| c.runtime.pod(&uid).and_then(|rt| rt.volume_wait.as_ref()).map(|w| w.backoff_ms);
        assert_eq!(backoff(&c), Some(INITIAL_RETRY_MS));
        c.advance(10 * 60_000);
        assert_eq!(backoff(&c), Some(MAX_RETRY_MS));
        assert_eq!(failed_mounts(&c)[0].0, "MountVolume.SetUp failed for volume \"config\" : secret \"creds\" not found");
    }

    #[test]
    fn missing_keys_fail_unless_optional_and_optional_objects_mount_empty() {
        let mut c = cluster();
        create(&mut c, object(Kind::ConfigMap, "cm", json!({"data": {"a": "1"}})));
        create(&mut c, object(Kind::Secret, "s", json!({"data": {"a": "MQ=="}})));
        let p = mounting(json!({"configMap": {"name": "cm", "items": [{"key": "x", "path": "x"}]}}));
        let v = &p.spec.volumes[0];
        assert_eq!(volume_payload(&c, &p, v), Some(Err("configmap references non-existent config key: x".into())));
        let p = mounting(json!({"secret": {"secretName": "s", "items": [{"key": "x", "path": "x"}]}}));
        assert_eq!(volume_payload(&c, &p, &p.spec.volumes[0]), Some(Err("references non-existent secret key: x".into())));
        let p = mounting(json!({"secret": {"secretName": "s", "optional": true, "items": [{"key": "x", "path": "x"}, {"key": "a", "path": "d/a"}]}}));
        let got = volume_payload(&c, &p, &p.spec.volumes[0]).expect("kubelet-filled").expect("mounts");
        assert_eq!(got.iter().map(|(k, _)| k).collect::<Vec<_>>(), vec!["d/a"]);
        assert!(payload_file(&got, "d/a").is_some_and(|f| f.base64));
        let p = mounting(json!({"configMap": {"name": "gone", "optional": true}}));
        assert_eq!(volume_payload(&c, &p, &p.spec.volumes[0]), Some(Ok(Payload::new())));
        // emptyDir is not the volume manager's to fill here.
        let p = mounting(json!({"emptyDir": {}}));
        assert_eq!(volume_payload(&c, &p, &p.spec.volumes[0]), None);
        create(&mut c, Object::Pod(mounting(json!({"configMap": {"name": "gone", "optional": true}}))));
        c.settle_default();
        assert!(get_pod(&c, "web-0").expect("pod").is_ready());
    }

    #[test]
    fn projected_sources_aggregate_their_errors() {
        let mut c = cluster();
        let src = json!({"projected": {"sources": [
            {"configMap": {"name": "a"}}, {"secret": {"name": "b"}}, {"downwardAPI": {"items": []}}, {"configMap": {"name": "c", "optional": true}}
        ]}});
        let p = mounting(src);
        let v = &p.spec.volumes[0];
        assert_eq!(volume_payload(&c, &p, v), Some(Err("[configmap \"a\" not found, secret \"b\" not found]".into())));
        create(&mut c, object(Kind::Secret, "b", json!({"data": {"k": "dg=="}})));
        assert_eq!(volume_payload(&c, &p, v), Some(Err("configmap \"a\" not found".into())));
        create(&mut c, object(Kind::ConfigMap, "a", json!({"data": {"k": "v"}})));
        let got = volume_payload(&c, &p, v).expect("projected").expect("mounts");
        // Later sources win a shared path.
        assert_eq!(payload_file(&got, "k"), Some(&Projection { data: "dg==".into(), base64: true }));
    }

    #[test]
    fn a_pod_held_by_its_volumes_can_be_deleted_and_its_retries_stop() {
        let mut c = cluster();
        create(&mut c, Object::Pod(mounting(json!({"configMap": {"name": "missing"}}))));
        c.settle_default();
        assert!(crate::engine::diagnose::blocked(&c)
            .contains(&"pod/web-0: ContainerCreating, not ready — volume config cannot be mounted: configmap \"missing\" not found".to_string()));
        let uid = get_pod(&c, "web-0").expect("pod").metadata.uid;
        delete(&mut c, Kind::Pod, "web-0", None);
        c.settle_default();
        assert!(get_pod(&c, "web-0").is_none());
        assert!(c.runtime.pod(&uid).is_none(), "the runtime forgot the pod");
        let count = failed_mounts(&c)[0].1;
        c.advance(10 * 60_000);
        assert_eq!(failed_mounts(&c)[0].1, count, "no mount retry after the pod is gone");
    }

    #[test]
    fn volumes_no_container_mounts_are_ignored() {
        let mut c = cluster();
        let mut p = mounting(json!({"configMap": {"name": "missing"}}));
        p.spec.containers[0].volume_mounts.clear();
        create(&mut c, Object::Pod(p));
        c.settle_default();
        assert!(get_pod(&c, "web-0").expect("pod").is_ready());
        assert!(failed_mounts(&c).is_empty());
    }

    #[test]
    fn mounted_files_are_read_from_the_object() {
        let mut c = cluster();
        create(&mut c, object(Kind::ConfigMap, "cm", json!({"data": {"mode": "primary"}})));
        let mut p = mounting(json!({"configMap": {"name": "cm"}}));
        p.spec.containers[0].volume_mounts.push(VolumeMount {
            name: "config".into(),
            mount_path: "/mode.txt".into(),
            sub_path: "mode".into(),
            ..Default::default()
        });
        create(&mut c, Object::Pod(p));
        c.settle_default();
        let p = get_pod(&c, "web-0").expect("pod");
        assert_eq!(volume_file(&c, &p, "nginx", "/etc/app/mode").map(|r| r.map(|f| f.data)), Some(Ok("primary".into())));
        assert_eq!(volume_file(&c, &p, "nginx", "/mode.txt").map(|r| r.map(|f| f.data)), Some(Ok("primary".into())));
        assert_eq!(volume_file(&c, &p, "nginx", "/etc/app/nope"), Some(Err(())));
        assert_eq!(volume_file(&c, &p, "nginx", "/etc/hosts"), None);
    }
}
