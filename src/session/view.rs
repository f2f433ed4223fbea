//! The diagram's view model: what the playground draws, derived from the cluster in one pass —
//! each StatefulSet with its ordinal slots (pod + claims + volumes, kept after the pod is gone),
//! the headless Service with the DNS names it answers, and the nodes.
//!
//! Everything here is plain data with `PartialEq`, so the UI re-renders only what changed.

use crate::engine::api::{Kind, PersistentVolumeClaim, Pod, StatefulSet};
use crate::engine::controllers::statefulset::utils::{get_parent_name_and_ordinal, is_running_and_ready, REVISION_LABEL};
use crate::engine::sim::Cluster;
use crate::kubectl::printers::pod::summarize;
use std::collections::BTreeMap;

/// A pod as drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodView {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// `kubectl get pods` STATUS cell (Running, Pending, ContainerCreating, CrashLoopBackOff, …).
    pub status: String,
    /// READY cell (`1/1`).
    pub ready_text: String,
    /// Running and Ready (the condition the controller waits for).
    pub ready: bool,
    /// RESTARTS cell.
    pub restarts: String,
    /// Its `controller-revision-hash` label.
    pub revision: String,
    /// Node it is bound to ("" while unscheduled).
    pub node: String,
    /// Being deleted.
    pub terminating: bool,
    /// In a failed or erroring state (shown in red): an error or back-off, or a container
    /// that ended (Completed, Error) in a pod that restarts it.
    pub failed: bool,
    /// Finished: phase Succeeded (every container exited 0 and none is restarted).
    pub done: bool,
    /// A running container has not started yet (`started: false`: its startup probe has not
    /// succeeded), so it is not Ready whatever its readiness probe says.
    pub not_started: bool,
    /// While the pod is not Ready: the newest decision about it since it was created (the
    /// kubelet's or the scheduler's reason, e.g. a volume that cannot be mounted); else "".
    pub reason: String,
    /// Pod IP ("" until assigned).
    pub ip: String,
}

/// How a drawn status should look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    /// Running and Ready.
    Ready,
    /// On its way (Pending, ContainerCreating, Running but not Ready yet).
    Progressing,
    /// Failing (errors, back-off, Failed phase, lost node, a container that ended).
    Failed,
    /// Finished (phase Succeeded): its work is done, nothing will restart it.
    Done,
    /// Being deleted.
    Terminating,
}

impl PodView {
    /// The pod's overall health, for colour.
    pub fn health(&self) -> Health {
        if self.terminating {
            Health::Terminating
        } else if self.failed {
            Health::Failed
        } else if self.done {
            Health::Done
        } else if self.ready {
            Health::Ready
        } else {
            Health::Progressing
        }
    }
}

/// A PersistentVolumeClaim as drawn, with its volume.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimView {
    /// Claim name (`data-web-0`).
    pub name: String,
    /// Claim phase (Pending, Bound, Lost); "Terminating" while being deleted.
    pub phase: String,
    /// Requested size (`1Gi`).
    pub size: String,
    /// Bound volume name, "" while unbound.
    pub volume: String,
    /// Volume phase ("" when there is no volume).
    pub volume_phase: String,
}

/// One ordinal of a StatefulSet: the pod (if any) and the claims that belong to this ordinal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotView {
    /// Ordinal.
    pub ordinal: i64,
    /// The pod, if it exists.
    pub pod: Option<PodView>,
    /// The claims named after this ordinal (they outlive the pod: retained, detached).
    pub claims: Vec<ClaimView>,
    /// Ordinal outside `[start, start+replicas)`: a pod being scaled away, or only retained claims.
    pub condemned: bool,
}

/// A StatefulSet as drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetView {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// spec.replicas.
    pub desired: i32,
    /// status.replicas (pods created).
    pub replicas: i32,
    /// status.readyReplicas.
    pub ready: i32,
    /// status.currentReplicas.
    pub current: i32,
    /// status.updatedReplicas.
    pub updated: i32,
    /// status.availableReplicas.
    pub available: i32,
    /// status.currentRevision.
    pub current_revision: String,
    /// status.updateRevision.
    pub update_revision: String,
    /// RollingUpdate partition (ordinals at or above it get the update revision).
    pub partition: Option<i32>,
    /// `RollingUpdate` or `OnDelete`.
    pub strategy: String,
    /// `OrderedReady` or `Parallel`.
    pub pod_management: String,
    /// spec.serviceName.
    pub service_name: String,
    /// First ordinal (spec.ordinals.start).
    pub start_ordinal: i64,
    /// Being deleted.
    pub terminating: bool,
    /// Ordinal slots, ascending.
    pub slots: Vec<SlotView>,
}

/// A Service as drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceView {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// `clusterIP: None`.
    pub headless: bool,
    /// DNS names it answers and whether each currently resolves (ready endpoint).
    pub dns: Vec<(String, bool)>,
}

/// A node as drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeView {
    /// Name.
    pub name: String,
    /// Ready condition is True.
    pub ready: bool,
}

/// Everything the diagram draws.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterView {
    /// StatefulSets (with their slots), in name order.
    pub sets: Vec<SetView>,
    /// Services in the namespace.
    pub services: Vec<ServiceView>,
    /// Pods no StatefulSet owns.
    pub loose_pods: Vec<PodView>,
    /// Nodes.
    pub nodes: Vec<NodeView>,
}

/// The newest decision about each pod (`pod/NAME`), from one walk back over the why log: what
/// the diagram shows for a pod that is not Ready ([`PodView::reason`]).
type PodReasons<'a> = crate::util::hash::FastMap<&'a str, &'a crate::engine::why::Decision>;

fn pod_reasons(c: &Cluster) -> PodReasons<'_> {
    let mut out = PodReasons::default();
    for d in c.why.iter().rev() {
        if let Some(name) = d.subject.strip_prefix("pod/") {
            out.entry(name).or_insert(d);
        }
    }
    out
}

/// [`PodView::reason`] from the newest decision about a pod of this name (`latest`).
fn reason_of(p: &Pod, latest: Option<&crate::engine::why::Decision>) -> String {
    if p.is_running_and_ready() || p.status.phase == "Succeeded" || p.metadata.deletion_timestamp.is_some() {
        return String::new();
    }
    // Decisions about an earlier pod of the same name (a StatefulSet's recreated pod) are not its.
    let created = p.metadata.creation_timestamp.unwrap_or_default();
    latest.filter(|d| d.at >= created).map(|d| d.reason.clone()).unwrap_or_default()
}

/// The faults in effect on a pod (its containers, its images, its node), each with the words
/// of `sim fault clear …` that undo it.
pub fn pod_faults(c: &Cluster, p: &Pod) -> Vec<(String, Vec<String>)> {
    use crate::engine::faults::Fault;
    let name = &p.metadata.name;
    let mine = |ns: &str, pod: &str| ns == p.metadata.namespace && pod == name;
    let clear = |w: &[&str]| std::iter::once("clear").chain(w.iter().copied()).map(String::from).collect::<Vec<_>>();
    let mut out = Vec::new();
    for f in crate::engine::faults::active_faults(c) {
        let words = match &f {
            Fault::CrashContainer { namespace, pod, container } if mine(namespace, pod) => clear(&["crash", pod, container]),
            Fault::FailReadiness { namespace, pod, container } if mine(namespace, pod) => clear(&["readiness", pod, container]),
            Fault::FailLiveness { namespace, pod, container } if mine(namespace, pod) => clear(&["liveness", pod, container]),
            // Broken images are kept as full references (`docker.io/library/nginx:1.27`).
            Fault::MissingImage { image } if p.spec.containers.iter().chain(&p.spec.init_containers).any(|x| {
                crate::engine::kubelet::runtime::parse_image(&x.image).is_ok_and(|r| &r.full() == image)
            }) => clear(&["image", image]),
            Fault::NodeLost { node } if node == &p.spec.node_name => clear(&["node", node]),
            _ => continue,
        };
        out.push((f.to_string(), words));
    }
    out
}

/// Why a pod is not Ready, in the words of the newest decision about it (the kubelet's or the
/// scheduler's); "" when it is Ready, finished or being deleted. What its box's tooltip says.
pub fn pod_reason(c: &Cluster, p: &Pod) -> String {
    reason_of(p, c.why.latest_for(&format!("pod/{}", p.metadata.name)))
}

fn pod_view(p: &Pod, now: crate::engine::api::Time, reasons: &PodReasons) -> PodView {
    let s = summarize(p, now);
    const FAILED: &[&str] = &[
        "Error",
        "CrashLoopBackOff",
        "ErrImagePull",
        "ImagePullBackOff",
        "InvalidImageName",
        "Failed",
        "Unknown",
        "NodeLost",
        "CreateContainerError",
        "RunContainerError",
        "OOMKilled",
        "Evicted",
    ];
    let done = p.status.phase == "Succeeded";
    // A container that exited 0 in a pod that is not finished is restarted (restartPolicy
    // Always, or an init container's exit): kubectl shows Completed, and the app is down.
    let ended = s.status == "Completed" && !done;
    let failed = p.status.phase == "Failed"
        || ended
        || FAILED.iter().any(|f| s.status == *f || s.status.starts_with("Init:") && s.status.ends_with(f));
    let ready = is_running_and_ready(p);
    let not_started = p.status.container_statuses.iter().any(|c| c.state.running.is_some() && c.started == Some(false));
    let reason = reason_of(p, reasons.get(p.metadata.name.as_str()).copied());
    PodView {
        namespace: p.metadata.namespace.clone(),
        name: p.metadata.name.clone(),
        ready,
        status: s.status,
        ready_text: s.ready,
        restarts: s.restarts,
        revision: p.metadata.labels.get(REVISION_LABEL).cloned().unwrap_or_default(),
        node: p.spec.node_name.clone(),
        terminating: p.metadata.deletion_timestamp.is_some(),
        failed,
        done,
        not_started,
        reason,
        ip: p.status.pod_ip.clone(),
    }
}

fn quantity(v: Option<&serde_json::Value>) -> String {
    match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

fn claim_view(c: &Cluster, pvc: &PersistentVolumeClaim) -> ClaimView {
    let pv = (!pvc.spec.volume_name.is_empty())
        .then(|| c.store.get(Kind::PersistentVolume, "", &pvc.spec.volume_name).and_then(|o| o.as_pv()))
        .flatten();
    let phase = if pvc.metadata.deletion_timestamp.is_some() {
        "Terminating".to_string()
    } else if pvc.status.phase.is_empty() {
        "Pending".to_string()
    } else {
        pvc.status.phase.clone()
    };
    ClaimView {
        name: pvc.metadata.name.clone(),
        phase,
        size: quantity(pvc.spec.resources.requests.get("storage")),
        volume: pvc.spec.volume_name.clone(),
        volume_phase: pv.map(|p| p.status.phase.clone()).unwrap_or_default(),
    }
}

fn set_view(c: &Cluster, set: &StatefulSet, pods: &[&Pod], reasons: &PodReasons) -> SetView {
    let ns = set.metadata.namespace.as_str();
    let start = set.spec.start_ordinal() as i64;
    let end = start + set.spec.replicas() as i64;
    let mut slots: BTreeMap<i64, SlotView> = BTreeMap::new();
    let new_slot = |ordinal| SlotView { ordinal, pod: None, claims: Vec::new(), condemned: ordinal < start || ordinal >= end };
    for p in pods {
        let (parent, ordinal) = get_parent_name_and_ordinal(&p.metadata.name);
        if parent != set.metadata.name || ordinal < 0 {
            continue;
        }
        slots.entry(ordinal).or_insert_with(|| new_slot(ordinal)).pod = Some(pod_view(p, c.now, reasons));
    }
    for o in start..end {
        slots.entry(o).or_insert_with(|| new_slot(o));
    }
    // Claims named `<template>-<set>-<ordinal>`: found by name, so retained claims whose pod is
    // gone (scaled down, set deleted) still show under their ordinal.
    let prefixes: Vec<String> =
        set.spec.volume_claim_templates.iter().map(|t| format!("{}-{}-", t.metadata.name, set.metadata.name)).collect();
    if !prefixes.is_empty() {
        // The listed claim itself is viewed (not looked up again by name).
        for pvc in c.store.list(Kind::PersistentVolumeClaim, Some(ns)).filter_map(|o| o.as_pvc()) {
            let name = &pvc.metadata.name;
            for prefix in &prefixes {
                if let Some(rest) = name.strip_prefix(prefix.as_str()) {
                    if let Ok(ordinal) = rest.parse::<i64>() {
                        if ordinal >= 0 && !rest.starts_with('+') && (rest == "0" || !rest.starts_with('0')) {
                            slots.entry(ordinal).or_insert_with(|| new_slot(ordinal)).claims.push(claim_view(c, pvc));
                        }
                    }
                }
            }
        }
    }
    let partition = (set.spec.update_strategy.type_ != "OnDelete")
        .then(|| set.spec.update_strategy.rolling_update.as_ref().and_then(|r| r.partition))
        .flatten();
    SetView {
        namespace: ns.to_string(),
        name: set.metadata.name.clone(),
        desired: set.spec.replicas(),
        replicas: set.status.replicas,
        ready: set.status.ready_replicas,
        current: set.status.current_replicas,
        updated: set.status.updated_replicas,
        available: set.status.available_replicas,
        current_revision: set.status.current_revision.clone(),
        update_revision: set.status.update_revision.clone(),
        partition,
        strategy: if set.spec.update_strategy.type_.is_empty() { "RollingUpdate".into() } else { set.spec.update_strategy.type_.clone() },
        pod_management: if set.spec.pod_management_policy.is_empty() {
            "OrderedReady".into()
        } else {
            set.spec.pod_management_policy.clone()
        },
        service_name: set.spec.service_name.clone(),
        start_ordinal: start,
        terminating: set.metadata.deletion_timestamp.is_some(),
        slots: slots.into_values().collect(),
    }
}

fn selects(selector: &crate::engine::api::StringMap, labels: &crate::engine::api::StringMap) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// Builds the view of one namespace.
pub fn build(c: &Cluster, namespace: &str) -> ClusterView {
    let pods: Vec<&Pod> = c.store.pods(namespace).collect();
    let sets: Vec<&StatefulSet> =
        c.store.list(Kind::StatefulSet, Some(namespace)).filter_map(|o| o.as_stateful_set()).collect();
    let owned = |p: &Pod| {
        p.metadata.controller_ref().is_some_and(|r| r.kind == "StatefulSet")
            || sets.iter().any(|s| get_parent_name_and_ordinal(&p.metadata.name).0 == s.metadata.name)
    };
    let domain = &c.config.cluster_domain;
    let services = c
        .store
        .list(Kind::Service, Some(namespace))
        .filter_map(|o| o.as_service())
        .filter(|s| s.metadata.name != "kubernetes")
        .map(|s| {
            let headless = s.spec.cluster_ip == "None";
            let svc_fqdn = format!("{}.{}.svc.{}", s.metadata.name, namespace, domain);
            let publish_not_ready = s.spec.publish_not_ready_addresses.unwrap_or(false);
            let mut dns = Vec::new();
            let mut any_ready = false;
            let mut per_pod = Vec::new();
            for p in &pods {
                if !selects(&s.spec.selector, &p.metadata.labels) || p.status.pod_ip.is_empty() {
                    continue;
                }
                let ready = publish_not_ready || is_running_and_ready(p);
                any_ready |= ready;
                // Per-pod records exist for pods whose subdomain names this service.
                if headless && p.spec.subdomain == s.metadata.name {
                    let host = if p.spec.hostname.is_empty() { &p.metadata.name } else { &p.spec.hostname };
                    per_pod.push((format!("{host}.{svc_fqdn}"), ready));
                }
            }
            dns.push((svc_fqdn, any_ready || !headless));
            dns.extend(per_pod);
            ServiceView { namespace: namespace.to_string(), name: s.metadata.name.clone(), headless, dns }
        })
        .collect();
    let nodes = c
        .store
        .list(Kind::Node, None)
        .filter_map(|o| o.as_node())
        .map(|n| NodeView {
            name: n.metadata.name.clone(),
            ready: n.status.conditions.iter().any(|c| c.type_ == "Ready" && c.status == "True"),
        })
        .collect();
    let reasons = pod_reasons(c);
    ClusterView {
        sets: sets.iter().map(|s| set_view(c, s, &pods, &reasons)).collect(),
        services,
        loose_pods: pods.iter().filter(|p| !owned(p)).map(|p| pod_view(p, c.now, &reasons)).collect(),
        nodes,
    }
}

/// Slots of all sets plus loose pods: the number of pods the diagram draws.
pub fn drawn_pods(v: &ClusterView) -> usize {
    v.sets.iter().map(|s| s.slots.len()).sum::<usize>() + v.loose_pods.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::input::Input;
    use crate::session::{Session, NAMESPACE};

    #[test]
    fn a_pods_faults_in_effect_come_with_the_words_that_undo_them() {
        let mut s = Session::new();
        s.act(Input::Apply { file: crate::session::seed::SEED_FILE.into(), text: crate::session::seed::SEED_YAML.into() });
        s.act(Input::Wait);
        let w = |x: &str| x.split(' ').map(String::from).collect::<Vec<_>>();
        let p = |s: &Session| s.cluster().store.get(Kind::Pod, NAMESPACE, "myapp-1").and_then(|o| o.as_pod()).cloned().unwrap();
        assert!(pod_faults(s.cluster(), &p(&s)).is_empty());
        let image = p(&s).spec.containers[0].image.clone();
        for f in ["crash myapp-1", "liveness myapp-1", &format!("image {image}"), "readiness myapp-0"] {
            assert_eq!(s.act(Input::Fault { words: w(f) }).exit_code, 0, "{f}");
        }
        let faults = pod_faults(s.cluster(), &p(&s));
        // myapp-0's readiness fault is not myapp-1's.
        assert_eq!(faults.len(), 3, "{faults:?}");
        for (_, words) in &faults {
            assert_eq!(s.act(Input::Fault { words: words.clone() }).exit_code, 0, "{words:?}");
        }
        assert!(pod_faults(s.cluster(), &p(&s)).is_empty());
    }

    fn pod(s: &Session, name: &str) -> PodView {
        let v = build(s.cluster(), NAMESPACE);
        let all = v.sets.iter().flat_map(|x| x.slots.iter().filter_map(|sl| sl.pod.clone())).chain(v.loose_pods.iter().cloned());
        all.into_iter().find(|p| p.name == name).unwrap_or_else(|| panic!("no pod {name} in {v:?}"))
    }

    fn apply(s: &mut Session, yaml: &str) {
        let out = s.act(Input::Apply { file: "t.yaml".into(), text: yaml.into() }).clone();
        assert_eq!(out.exit_code, 0, "{out:?}");
    }

    /// Steps until `name` shows `status` (bounded), returning its view.
    fn until(s: &mut Session, name: &str, status: &str) -> PodView {
        for _ in 0..400 {
            if let Some(p) = build(s.cluster(), NAMESPACE).loose_pods.into_iter().find(|p| p.name == name && p.status == status) {
                return p;
            }
            s.act(Input::STEP);
        }
        panic!("{name} never showed {status}: {:?}", pod(s, name));
    }

    #[test]
    fn a_container_that_ends_in_a_restarting_pod_is_failed_and_a_finished_pod_is_done() {
        let mut s = Session::new();
        s.act(Input::kubectl("kubectl run b --image=busybox:1.36"));
        let b = until(&mut s, "b", "Completed");
        assert_eq!(b.health(), Health::Failed, "busybox's shell exited 0 and will be restarted: {b:?}");
        assert!(b.reason.contains("exited 0"), "{b:?}");
        assert_eq!(until(&mut s, "b", "CrashLoopBackOff").health(), Health::Failed);
        apply(
            &mut s,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello\nspec:\n  restartPolicy: OnFailure\n  containers:\n  - name: hello\n    image: busybox:1.36\n    command: [\"sh\", \"-c\", \"echo hi\"]\n",
        );
        let hello = until(&mut s, "hello", "Completed");
        assert_eq!(hello.health(), Health::Done, "{hello:?}");
        assert_eq!(hello.reason, "", "a finished pod needs no reason");
    }

    #[test]
    fn a_pod_held_by_a_missing_config_map_carries_the_kubelets_reason() {
        let mut s = Session::new();
        apply(
            &mut s,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\nspec:\n  containers:\n  - name: w\n    image: nginx:1.27\n    volumeMounts:\n    - name: cfg\n      mountPath: /etc/x\n  volumes:\n  - name: cfg\n    configMap:\n      name: nope\n",
        );
        s.act(Input::Wait);
        let w = pod(&s, "w");
        assert_eq!((w.status.as_str(), w.health()), ("ContainerCreating", Health::Progressing), "{w:?}");
        assert!(w.reason.starts_with("cannot mount volume cfg: configmap \"nope\" not found"), "{w:?}");
        let p = s.cluster().store.get(crate::engine::api::Kind::Pod, NAMESPACE, "w").and_then(|o| o.as_pod()).cloned().expect("pod w");
        assert_eq!(pod_reason(s.cluster(), &p), w.reason, "the inspector says what the tooltip says");
    }

    #[test]
    fn a_running_container_whose_startup_probe_has_not_succeeded_is_not_started() {
        let mut s = Session::new();
        apply(
            &mut s,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: pg\nspec:\n  containers:\n  - name: pg\n    image: postgres:16\n    env:\n    - name: POSTGRES_PASSWORD\n      value: x\n    startupProbe:\n      tcpSocket:\n        port: 5432\n      initialDelaySeconds: 10\n",
        );
        let pg = until(&mut s, "pg", "Running");
        assert!(pg.not_started && !pg.ready, "{pg:?}");
        assert!(pg.reason.contains("startup probe has not succeeded yet"), "{pg:?}");
        s.act(Input::Wait);
        let pg = pod(&s, "pg");
        assert!(!pg.not_started && pg.ready && pg.reason.is_empty(), "{pg:?}");
    }
}
