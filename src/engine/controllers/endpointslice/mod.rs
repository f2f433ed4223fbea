//! The EndpointSlice controller (`pkg/controller/endpointslice`, reconciler in
//! `k8s.io/endpointslice`): for every Service with a selector, `discovery.k8s.io/v1`
//! EndpointSlices listing the selected pods that have an IP — ready or not, terminating or not,
//! with `conditions` saying which — grouped by resolved ports, at most 100 per slice, owned by
//! the Service (so the garbage collector deletes them with it). kube-proxy and CoreDNS read
//! these; `kubectl describe svc` prints its Endpoints line from them.
//!
//! The informer handlers only note which pods changed for which Service ([`on_change`]); a sync
//! ([`sync`]) re-reads just those pods and rewrites just the slices holding them (see
//! [`reconciler`]). A Service change, or a slice changed by someone else, makes the next sync a
//! full one over every selected pod, as upstream does on every sync.

pub mod reconciler;
pub mod utils;

use self::reconciler::{Change, Draft, Existing, Note, SliceMeta, MAX_ENDPOINTS_PER_SLICE};
use self::utils::*;
use crate::engine::api::{GenericObject, Kind, Object, ObjectMeta, Pod, Service, ServiceSpec, StringMap, Time};
use crate::engine::apiserver::{self, DeleteOptions};
use crate::engine::sim::{Cluster, Task};
use crate::engine::store::{ObjectKey, WatchEvent, WatchEventType};
use crate::engine::why::Verdict;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use crate::util::hash::FastMap;
use crate::util::vecset::VecMap;

const COMPONENT: &str = "endpointslice-controller";
/// `endpointSliceChangeMinSyncDelay`: a sync after someone else changed a slice waits this long.
const SLICE_CHANGE_MIN_SYNC_DELAY_MS: u64 = 1_000;

/// What a Service's slices depend on: when any of it changes, the next sync is a full one.
#[derive(Clone, Debug, PartialEq)]
struct Params {
    uid: String,
    labels: StringMap,
    spec: ServiceSpec,
}

impl Params {
    fn of(svc: &Service) -> Params {
        Params { uid: svc.metadata.uid.clone(), labels: (*svc.metadata.labels).clone(), spec: svc.spec.clone() }
    }
}

/// The controller's cache for one Service: its slices and where each pod's endpoint is.
#[derive(Clone, Debug)]
struct Tracked {
    params: Params,
    slices: VecMap<Rc<str>, SliceMeta>,
    /// Looked up by pod, never walked in order (its keys only feed a set): a hash map.
    pod_slice: FastMap<String, Rc<str>>,
    triggers: TriggerTimes,
}

/// The controller's state: the Service index, the pods changed since each Service's last sync,
/// and the per-Service caches (shared with checkpoints until written).
#[derive(Clone, Debug, Default)]
pub struct State {
    services: ServiceIndex,
    dirty: BTreeMap<ObjectKey, BTreeSet<String>>,
    resync: BTreeSet<ObjectKey>,
    tracked: VecMap<ObjectKey, Rc<Tracked>>,
}

impl State {
    /// Names of the slices this controller last wrote for a Service (tests and the DNS view).
    pub fn slice_names(&self, service: &ObjectKey) -> Vec<String> {
        self.tracked.get(service).map(|t| t.slices.keys().map(|k| k.to_string()).collect()).unwrap_or_default()
    }
}

fn enqueue(c: &mut Cluster, key: ObjectKey, delay_ms: u64) {
    c.enqueue_unique(delay_ms, Task::EndpointSlice(key));
}

/// Informer handlers: Services (add/update/delete), pods (`addPod`, `updatePod`, `deletePod`)
/// and EndpointSlices changed by someone else.
pub fn on_change(c: &mut Cluster, ev: &WatchEvent) {
    let latency = c.config.timings.controller_latency_ms;
    match ev.object.kind() {
        Kind::Service => {
            let Some(svc) = ev.object.as_service() else { return };
            let key = ev.key.clone();
            let st = &mut c.endpointslice_controller;
            if ev.type_ == WatchEventType::Deleted {
                // The slices go with the Service (garbage collector); forget the cache.
                st.services.remove(&svc.metadata.namespace, &svc.metadata.name);
                st.tracked.remove(&key);
                st.dirty.remove(&key);
                st.resync.remove(&key);
                return;
            }
            st.services.set(svc);
            st.resync.insert(key.clone());
            enqueue(c, key, latency);
        }
        Kind::Pod => {
            let new = (ev.type_ != WatchEventType::Deleted).then(|| ev.object.as_pod()).flatten();
            let old = match ev.type_ {
                WatchEventType::Added => None,
                WatchEventType::Modified => ev.old.as_ref().and_then(|o| o.as_pod()),
                WatchEventType::Deleted => ev.object.as_pod(),
            };
            let Some(p) = new.or(old) else { return };
            let st = &mut c.endpointslice_controller;
            let names = services_for_pod_event(&st.services, old, new);
            let mut keys = Vec::with_capacity(names.len());
            for n in names {
                let key = c.store.key(Kind::Service, &p.metadata.namespace, n);
                st.dirty.entry(key.clone()).or_default().insert(p.metadata.name.clone());
                keys.push(key);
            }
            for key in keys {
                enqueue(c, key, latency);
            }
        }
        Kind::EndpointSlice => {
            let m = ev.object.meta();
            if m.labels.get(LABEL_MANAGED_BY).map(String::as_str) != Some(ENDPOINTSLICE_CONTROLLER) {
                return;
            }
            let Some(svc) = m.labels.get(LABEL_SERVICE_NAME) else { return };
            let key = ObjectKey::new(Kind::Service, &m.namespace, svc);
            let st = &mut c.endpointslice_controller;
            let Some(t) = st.tracked.get(&key) else { return };
            // endpointSliceTracker: our own writes are expected; anything else means a resync.
            let ours = match ev.type_ {
                WatchEventType::Deleted => !t.slices.contains_key(m.name.as_str()),
                _ => t.slices.get(m.name.as_str()).is_some_and(|s| s.rv == m.resource_version),
            };
            if !ours {
                st.resync.insert(key.clone());
                enqueue(c, key, SLICE_CHANGE_MIN_SYNC_DELAY_MS.max(latency));
            }
        }
        _ => {}
    }
}

/// Reads an owned slice of the Service into the cache; `None` for one to delete (someone
/// else's, or of another address type).
fn read_slice(g: &GenericObject, svc: &Service, want_labels: &StringMap) -> Option<(SliceMeta, Vec<PodEndpoint>)> {
    let owned = owned_by(&g.metadata.owner_references, svc) && g.rest.get("addressType").and_then(Value::as_str) == Some("IPv4");
    if !owned {
        return None;
    }
    let ports: Vec<Port> = list(g, "ports").iter().filter_map(Port::from_json).collect();
    let all = list(g, "endpoints");
    let eps: Vec<PodEndpoint> = all.iter().filter_map(PodEndpoint::from_json).collect();
    let labels_ok = *g.metadata.labels == *want_labels && eps.len() == all.len();
    let meta = SliceMeta { ports, len: eps.len(), rv: g.metadata.resource_version.clone(), labels_ok, endpoints: Rc::new(eps.clone()) };
    Some((meta, eps))
}

fn list<'a>(g: &'a GenericObject, field: &str) -> &'a [Value] {
    g.rest.get(field).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

fn load_endpoints(store: &crate::engine::store::Store, ns: &str, name: &str) -> Vec<PodEndpoint> {
    match store.get(Kind::EndpointSlice, ns, name).map(|o| &**o) {
        Some(Object::Generic(_, g)) => list(g, "endpoints").iter().filter_map(PodEndpoint::from_json).collect(),
        _ => Vec::new(),
    }
}

/// Rebuilds a Service's cache from the store (`endpointSliceLister` with the service-name and
/// managed-by labels, slices being deleted dropped). Returns it and the slices to delete.
fn rebuild(c: &Cluster, svc: &Service, params: Params, triggers: TriggerTimes) -> (Tracked, Vec<String>) {
    let want = endpoint_slice_labels(svc);
    let mut t = Tracked { params, slices: VecMap::new(), pod_slice: FastMap::default(), triggers };
    let mut foreign = Vec::new();
    for o in c.store.list(Kind::EndpointSlice, Some(&svc.metadata.namespace)) {
        let Object::Generic(_, g) = &**o else { continue };
        let m = &g.metadata;
        let ours = m.labels.get(LABEL_SERVICE_NAME) == Some(&svc.metadata.name)
            && m.labels.get(LABEL_MANAGED_BY).map(String::as_str) == Some(ENDPOINTSLICE_CONTROLLER);
        if !ours || m.deletion_timestamp.is_some() {
            continue;
        }
        match read_slice(g, svc, &want) {
            Some((meta, eps)) => {
                let name: Rc<str> = m.name.as_str().into();
                for e in eps {
                    t.pod_slice.entry(e.pod).or_insert_with(|| name.clone());
                }
                t.slices.insert(name, meta);
            }
            None => foreign.push(m.name.clone()),
        }
    }
    (t, foreign)
}

/// What a pod should be in the Service's slices, or why it is in none.
fn desired(c: &Cluster, svc: &Service, pod: Option<&Pod>) -> Result<(PodEndpoint, Vec<Port>), &'static str> {
    let Some(pod) = pod else { return Err("the pod was deleted") };
    if !selects(&svc.spec.selector, &pod.metadata.labels) {
        return Err("the pod no longer matches the Service's selector");
    }
    if is_pod_terminal(pod) {
        return Err("the pod has finished (phase Succeeded or Failed)");
    }
    if !should_pod_be_in_endpoints(pod, true) {
        return Err("the pod has no IP");
    }
    let publish = svc.spec.publish_not_ready_addresses == Some(true);
    if !publish && c.store.get(Kind::Node, "", &pod.spec.node_name).is_none() {
        return Err("the pod's node does not exist");
    }
    let ep = pod_to_endpoint(pod, svc).ok_or("the pod has no IPv4 address")?;
    Ok((ep, endpoint_ports(svc, pod)))
}

/// `syncService`: reconciles one Service's EndpointSlices with its pods.
pub fn sync(c: &mut Cluster, key: &ObjectKey) {
    let Some(obj) = c.store.get_key(key).cloned() else {
        c.endpointslice_controller.tracked.remove(key);
        return;
    };
    let Some(svc) = obj.as_service() else { return };
    let st = &mut c.endpointslice_controller;
    if svc.spec.type_ == "ExternalName" || svc.spec.selector.is_empty() {
        // No endpoints from this controller: they come from whoever manages them by hand.
        st.tracked.remove(key);
        st.dirty.remove(key);
        st.resync.remove(key);
        return;
    }
    let params = Params::of(svc);
    let mut dirty = st.dirty.remove(key).unwrap_or_default();
    let prev = st.tracked.remove(key);
    let was_known = prev.as_ref().is_some_and(|t| t.params.uid == params.uid);
    let full = st.resync.remove(key) || prev.as_ref().is_none_or(|t| t.params != params);
    let ns = svc.metadata.namespace.clone();
    let (mut tracked, foreign) = match prev {
        Some(t) if !full => (Rc::unwrap_or_clone(t), Vec::new()),
        prev => {
            let triggers = prev.filter(|_| was_known).map(|t| t.triggers.clone()).unwrap_or_default();
            let (t, foreign) = rebuild(c, svc, params, triggers);
            // Every selected pod, and every pod the slices still list.
            let selected: BTreeSet<String> = crate::util::sort::btree_set(
                c.store.pods(&ns).filter(|p| selects(&svc.spec.selector, &p.metadata.labels)).map(|p| p.metadata.name.clone()),
            );
            let mut triggers = t.triggers.clone();
            triggers.pods.retain(|k, _| selected.contains(k));
            dirty.extend(selected);
            dirty.extend(t.pod_slice.keys().cloned());
            (Tracked { triggers, ..t }, foreign)
        }
    };

    // ComputeEndpointLastChangeTriggerTime: the Service's creation on its first sync, else the
    // earliest Ready transition among the pods that changed since the last one.
    let mut min_changed: Option<Time> = None;
    let mut changes = Vec::with_capacity(dirty.len());
    for name in dirty {
        let pod = c.store.get(Kind::Pod, &ns, &name).and_then(|o| o.as_pod());
        let selected = pod.filter(|p| selects(&svc.spec.selector, &p.metadata.labels));
        if let Some(t) = tracked.triggers.observe(&name, selected.and_then(pod_trigger_time)) {
            min_changed = Some(min_changed.map_or(t, |m| m.min(t)));
        }
        changes.push(Change { desired: desired(c, svc, pod), pod: name });
    }
    let trigger = if was_known { min_changed } else { svc.metadata.creation_timestamp };

    let plan = {
        let store = &c.store;
        let cached = &tracked.slices;
        let mut load = |name: &str| match cached.get(name) {
            Some(m) => (*m.endpoints).clone(),
            None => load_endpoints(store, &ns, name),
        };
        let existing = Existing { slices: &tracked.slices, pod_slice: &tracked.pod_slice, foreign: foreign.len(), load: &mut load };
        reconciler::reconcile(existing, changes, MAX_ENDPOINTS_PER_SLICE)
    };

    for (pod, slice) in &plan.moved {
        match slice {
            Some(s) => {
                tracked.pod_slice.insert(pod.clone(), s.clone());
            }
            None => {
                tracked.pod_slice.remove(pod);
            }
        }
    }
    let labels = endpoint_slice_labels(svc);
    let mut failed = None;
    // Don't create slices for a Service being deleted (the garbage collector would race them).
    if svc.metadata.deletion_timestamp.is_none() {
        for d in plan.creates {
            let obj = slice_object(svc, None, &labels, &StringMap::new(), trigger, &d);
            match apiserver::create(c, Object::Generic(Kind::EndpointSlice, obj)) {
                Ok(w) => {
                    let name: Rc<str> = w.object.meta().name.as_str().into();
                    explain(c, svc, Verdict::Create, &name, &d);
                    remember(&mut tracked, &name, d, &w.object);
                }
                Err(e) => failed = Some(format!("failed to create EndpointSlice for Service {ns}/{}: {e}", svc.metadata.name)),
            }
        }
    }
    for d in plan.updates {
        let Some(name) = d.name.clone() else { continue };
        // The stored version (shared, not copied): an update keeps what the controller does not set.
        let current = c.store.get(Kind::EndpointSlice, &ns, &name).cloned();
        let current = current.as_deref();
        let annotations = match (current, d.replaces) {
            (Some(Object::Generic(_, g)), false) => (*g.metadata.annotations).clone(),
            _ => StringMap::new(),
        };
        let mut obj = slice_object(svc, Some(&name), &labels, &annotations, trigger, &d);
        if let (Some(Object::Generic(_, g)), false) = (current, d.replaces) {
            // An update of the existing object: everything but what the controller sets stays.
            // Extend rather than collect: `collect` into the map compiles a sort of its own.
            let mut rest = serde_json::Map::new();
            rest.extend(g.rest.iter().filter(|(k, _)| *k != "endpoints" && *k != "ports").map(|(k, v)| (k.clone(), v.clone())));
            let mut kept = GenericObject { api_version: g.api_version.clone(), kind: g.kind.clone(), metadata: g.metadata.clone(), rest };
            kept.metadata.labels = obj.metadata.labels.clone();
            kept.metadata.annotations = obj.metadata.annotations.clone();
            for f in ["endpoints", "ports"] {
                kept.rest.insert(f.into(), obj.rest.remove(f).unwrap_or(Value::Null));
            }
            obj = kept;
        }
        match apiserver::update(c, Object::Generic(Kind::EndpointSlice, obj)) {
            Ok(w) => {
                explain(c, svc, Verdict::Update, &name, &d);
                remember(&mut tracked, &name, d, &w.object);
            }
            Err(e) => failed = Some(format!("failed to update {name} EndpointSlice for Service {ns}/{}: {e}", svc.metadata.name)),
        }
    }
    let deletes = plan.deletes.iter().map(|(n, notes)| (n.clone(), notes.clone())).chain(foreign.into_iter().map(|n| (Rc::from(n.as_str()), Vec::new())));
    for (name, notes) in deletes.collect::<Vec<_>>() {
        tracked.slices.remove(&name);
        let k = ObjectKey::new(Kind::EndpointSlice, &ns, &name);
        match apiserver::delete(c, &k, DeleteOptions::default()) {
            Ok(_) | Err(crate::engine::error::ApiError::NotFound { .. }) => {
                let d = Draft { notes, ..Draft::default() };
                explain(c, svc, Verdict::Delete, &name, &d);
            }
            Err(e) => failed = Some(format!("failed to delete {name} EndpointSlice for Service {ns}/{}: {e}", svc.metadata.name)),
        }
    }
    if let Some(err) = failed {
        let msg = format!("Error updating Endpoint Slices for Service {ns}/{}: {err}", svc.metadata.name);
        c.record_event(&obj, "Warning", "FailedToUpdateEndpointSlices", &msg, COMPONENT);
        c.decide(COMPONENT, format!("service/{}", svc.metadata.name), Verdict::Fail, "", msg);
        // A failed write leaves the cache unsure: the next sync starts from the store.
        c.endpointslice_controller.resync.insert(key.clone());
    }
    c.endpointslice_controller.tracked.insert(key.clone(), Rc::new(tracked));
}

/// Notes a written slice in the cache.
fn remember(t: &mut Tracked, name: &Rc<str>, d: Draft, stored: &Object) {
    let meta = SliceMeta {
        ports: d.ports.clone(),
        len: d.endpoints.len(),
        rv: stored.meta().resource_version.clone(),
        labels_ok: true,
        endpoints: Rc::default(),
    };
    for e in &d.endpoints {
        t.pod_slice.insert(e.pod.clone(), name.clone());
    }
    t.slices.insert(name.clone(), SliceMeta { endpoints: Rc::new(d.endpoints), ..meta });
}

/// An EndpointSlice as `newEndpointSlice` builds it (generateName `<service>-`, controller
/// ownerReference, addressType IPv4) with the draft's endpoints and ports and the trigger time.
fn slice_object(svc: &Service, name: Option<&str>, labels: &StringMap, annotations: &StringMap, trigger: Option<Time>, d: &Draft) -> GenericObject {
    let mut metadata = ObjectMeta {
        namespace: svc.metadata.namespace.clone(),
        name: name.unwrap_or_default().to_string(),
        generate_name: format!("{}-", svc.metadata.name),
        ..Default::default()
    };
    *metadata.labels = labels.clone();
    let mut annotations = annotations.clone();
    match trigger {
        Some(t) => annotations.insert(ANNOTATION_TRIGGER_TIME.into(), t.rfc3339()),
        None => annotations.remove(ANNOTATION_TRIGGER_TIME),
    };
    *metadata.annotations = annotations;
    *metadata.owner_references = vec![service_controller_ref(svc)];
    let mut rest = serde_json::Map::new();
    rest.insert("addressType".into(), Value::from("IPv4"));
    // Empty lists are stored as null (protobuf keeps no empty lists), as `-o yaml` shows them.
    let endpoints: Vec<Value> = d.endpoints.iter().map(PodEndpoint::to_json).collect();
    rest.insert("endpoints".into(), if endpoints.is_empty() { Value::Null } else { Value::Array(endpoints) });
    let ports: Vec<Value> = d.ports.iter().map(Port::to_json).collect();
    rest.insert("ports".into(), if ports.is_empty() { Value::Null } else { Value::Array(ports) });
    GenericObject { api_version: "discovery.k8s.io/v1".into(), kind: "EndpointSlice".into(), metadata, rest }
}

/// The endpoint's conditions in words.
fn conditions(e: &PodEndpoint) -> String {
    match (e.ready, e.serving, e.terminating) {
        (_, serving, true) => format!("terminating (ready=false, serving={serving}: the pod is being deleted)"),
        (true, true, false) => "Ready".into(),
        (true, false, false) => "ready=true although the pod is not Ready (publishNotReadyAddresses)".into(),
        (false, _, false) => "not ready (ready=false: the pod's Ready condition is not True)".into(),
    }
}

/// Records the why-panel decisions for one written (or deleted) slice.
fn explain(c: &mut Cluster, svc: &Service, verdict: Verdict, name: &str, d: &Draft) {
    let subject = format!("service/{}", svc.metadata.name);
    let target = format!("endpointslice/{name}");
    if d.notes.is_empty() {
        let reason = match verdict {
            Verdict::Create | Verdict::Update if d.endpoints.is_empty() => format!(
                "EndpointSlice {name} has no endpoints: no pod selected by {} has an IP yet (an empty slice still tells consumers the Service exists)",
                crate::engine::controllers::endpointslice::format_selector(&svc.spec.selector)
            ),
            Verdict::Delete => format!("deleted EndpointSlice {name}: it is not the Service's (another owner or address type)"),
            _ => format!("updated EndpointSlice {name}: its labels follow the Service's labels"),
        };
        c.decide(COMPONENT, subject, verdict, target, reason);
        return;
    }
    for n in &d.notes {
        let reason = match n {
            Note::Added(e) => format!("added {} ({}) to EndpointSlice {name}: {}", e.pod, e.address, conditions(e)),
            Note::Updated(old, e) if old.node_name != e.node_name => {
                format!("{} ({}) in EndpointSlice {name} moved to node {}", e.pod, e.address, e.node_name.as_deref().unwrap_or("<none>"))
            }
            Note::Updated(_, e) => format!("{} ({}) in EndpointSlice {name} is now {}", e.pod, e.address, conditions(e)),
            Note::Removed(e, why) => format!("removed {} ({}) from EndpointSlice {name}: {why}", e.pod, e.address),
        };
        c.decide(COMPONENT, subject.clone(), verdict, target.clone(), reason);
    }
}

/// `labels.FormatLabels` of a Service selector (`app=nginx`).
pub fn format_selector(sel: &StringMap) -> String {
    sel.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
