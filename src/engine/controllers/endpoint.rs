//! The Endpoints controller (`pkg/controller/endpoint/endpoints_controller.go`): one v1
//! Endpoints object per Service with a selector, named like the Service, with the selected pods'
//! addresses in `subsets` (Ready ones in `addresses`, the others in `notReadyAddresses`, unless
//! `publishNotReadyAddresses`), repacked as `RepackSubsets` does, capped at 1000 addresses.
//! Deprecated since v1.33 in favour of EndpointSlices, but still run by kube-controller-manager.
//!
//! As the EndpointSlice controller, the handlers only note changed pods; a sync updates the
//! cached members for those and rebuilds the object from the cache (the object itself holds
//! every address, so writing it is proportional to the Service's size, as upstream).

use super::endpointslice::utils::*;
use crate::engine::api::{GenericObject, Kind, Object, ObjectMeta, Pod, Service, ServiceSpec, StringMap, Time};
use crate::engine::apiserver::{self, DeleteOptions};
use crate::engine::sim::{Cluster, Task};
use crate::engine::store::{ObjectKey, WatchEvent, WatchEventType};
use crate::engine::why::Verdict;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

const COMPONENT: &str = "endpoint-controller";
/// `LabelManagedBy` (added in v1.33, KEP-4974).
pub const LABEL_ENDPOINTS_MANAGED_BY: &str = "endpoints.kubernetes.io/managed-by";
/// `ControllerName`.
pub const CONTROLLER_NAME: &str = "endpoint-controller";
/// `v1.EndpointsOverCapacity`.
pub const ANNOTATION_OVER_CAPACITY: &str = "endpoints.kubernetes.io/over-capacity";
/// `maxCapacity`: addresses an Endpoints object keeps.
pub const MAX_CAPACITY: usize = 1000;

/// One selected pod's address.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Member {
    ip: String,
    hostname: Option<String>,
    node_name: String,
    uid: String,
    ready: bool,
    /// Resolved ports; empty for a headless Service without ports.
    ports: Vec<Port>,
}

#[derive(Clone, Debug)]
struct Tracked {
    uid: String,
    labels: StringMap,
    spec: ServiceSpec,
    members: BTreeMap<String, Member>,
    triggers: TriggerTimes,
}

/// The controller's state (as the EndpointSlice controller's).
#[derive(Clone, Debug, Default)]
pub struct State {
    services: ServiceIndex,
    dirty: BTreeMap<ObjectKey, BTreeSet<String>>,
    resync: BTreeSet<ObjectKey>,
    tracked: BTreeMap<ObjectKey, Rc<Tracked>>,
}

fn enqueue(c: &mut Cluster, key: ObjectKey) {
    let ms = c.config.timings.controller_latency_ms;
    c.enqueue_unique(ms, Task::Endpoints(key));
}

/// Informer handlers: Services, pods, and Endpoints deletions (`onEndpointsDelete`).
pub fn on_change(c: &mut Cluster, ev: &WatchEvent) {
    match ev.object.kind() {
        Kind::Service => {
            let Some(svc) = ev.object.as_service() else { return };
            let key = ObjectKey::of(&ev.object);
            let st = &mut c.endpoint_controller;
            if ev.type_ == WatchEventType::Deleted {
                st.services.remove(&svc.metadata.namespace, &svc.metadata.name);
                st.tracked.remove(&key);
                st.dirty.remove(&key);
            } else {
                st.services.set(svc);
            }
            st.resync.insert(key.clone());
            enqueue(c, key);
        }
        Kind::Pod => {
            let new = (ev.type_ != WatchEventType::Deleted).then(|| ev.object.as_pod()).flatten();
            let old = match ev.type_ {
                WatchEventType::Added => None,
                WatchEventType::Modified => ev.old.as_ref().and_then(|o| o.as_pod()),
                WatchEventType::Deleted => ev.object.as_pod(),
            };
            let Some(p) = new.or(old) else { return };
            let st = &mut c.endpoint_controller;
            let mut keys = Vec::new();
            for n in services_for_pod_event(&st.services, old, new) {
                let key = ObjectKey::new(Kind::Service, &p.metadata.namespace, &n);
                st.dirty.entry(key.clone()).or_default().insert(p.metadata.name.clone());
                keys.push(key);
            }
            for key in keys {
                enqueue(c, key);
            }
        }
        Kind::Endpoints if ev.type_ == WatchEventType::Deleted => {
            let m = ev.object.meta();
            let key = ObjectKey::new(Kind::Service, &m.namespace, &m.name);
            if c.endpoint_controller.tracked.contains_key(&key) {
                c.endpoint_controller.resync.insert(key.clone());
                enqueue(c, key);
            }
        }
        _ => {}
    }
}

/// The pod's address for this Service, if it belongs in the Endpoints.
fn member(svc: &Service, pod: &Pod) -> Option<Member> {
    let publish = svc.spec.publish_not_ready_addresses == Some(true);
    if !selects(&svc.spec.selector, &pod.metadata.labels) || !should_pod_be_in_endpoints(pod, publish) {
        return None;
    }
    let ip = pod_ipv4(pod)?;
    let ports = if svc.spec.ports.is_empty() {
        // Only a headless Service may have no ports; its addresses carry none.
        if svc.spec.cluster_ip != "None" {
            return None;
        }
        Vec::new()
    } else {
        let p = endpoint_ports(svc, pod);
        if p.is_empty() {
            return None;
        }
        p
    };
    Some(Member {
        ip,
        hostname: should_set_hostname(pod, svc).then(|| pod.spec.hostname.clone()),
        node_name: pod.spec.node_name.clone(),
        uid: pod.metadata.uid.clone(),
        ready: publish || pod.is_ready(),
        ports,
    })
}

fn address_json(ns: &str, pod: &str, m: &Member) -> Value {
    let mut a = Map::new();
    if let Some(h) = &m.hostname {
        a.insert("hostname".into(), Value::from(h.clone()));
    }
    a.insert("ip".into(), Value::from(m.ip.clone()));
    if !m.node_name.is_empty() {
        a.insert("nodeName".into(), Value::from(m.node_name.clone()));
    }
    a.insert("targetRef".into(), target_ref(ns, pod, &m.uid));
    Value::Object(a)
}

fn core_port_json(p: &Port) -> Value {
    let mut m = Map::new();
    if !p.name.is_empty() {
        m.insert("name".into(), Value::from(p.name.clone()));
    }
    m.insert("port".into(), Value::from(p.port));
    m.insert("protocol".into(), Value::from(p.protocol.clone()));
    if let Some(a) = &p.app_protocol {
        m.insert("appProtocol".into(), Value::from(a.clone()));
    }
    Value::Object(m)
}

/// One subset before serializing: (ip, uid, pod, ready) addresses and its ports.
type Subset = (Vec<(String, String, String, bool)>, Vec<Port>);

/// `RepackSubsets`: ports that share the same set of addresses form one subset; addresses are
/// sorted by IP (bytes) then uid. Upstream orders ports and subsets by an md5 of their contents;
/// here ports go by name and port, subsets by their first address.
fn repack(members: &BTreeMap<String, Member>) -> Vec<Subset> {
    let mut by_port: BTreeMap<Option<Port>, BTreeMap<(String, String), (String, bool)>> = BTreeMap::new();
    for (pod, m) in members {
        let ports: Vec<Option<Port>> = if m.ports.is_empty() { vec![None] } else { m.ports.iter().cloned().map(Some).collect() };
        for p in ports {
            let set = by_port.entry(p).or_default();
            let e = set.entry((m.ip.clone(), m.uid.clone())).or_insert_with(|| (pod.clone(), m.ready));
            e.1 &= m.ready; // not ready trumps ready
        }
    }
    let mut groups: BTreeMap<Vec<(String, String, String, bool)>, Vec<Port>> = BTreeMap::new();
    for (port, addrs) in by_port {
        let key: Vec<_> = addrs.into_iter().map(|((ip, uid), (pod, ready))| (ip, uid, pod, ready)).collect();
        let ports = groups.entry(key).or_default();
        ports.extend(port);
    }
    groups.into_iter().collect()
}

/// `truncateEndpoints`: keeps at most [`MAX_CAPACITY`] addresses, ready ones first, each subset
/// its proportional share. Returns whether it truncated.
fn truncate(subsets: &mut [Subset]) -> bool {
    let ready: usize = subsets.iter().map(|s| s.0.iter().filter(|a| a.3).count()).sum();
    let not_ready: usize = subsets.iter().map(|s| s.0.iter().filter(|a| !a.3).count()).sum();
    if ready + not_ready <= MAX_CAPACITY {
        return false;
    }
    let truncate_ready = ready > MAX_CAPACITY;
    let (max, total) = if truncate_ready { (MAX_CAPACITY, ready) } else { (MAX_CAPACITY - ready, not_ready) };
    let mut can_be_added = max;
    for s in subsets.iter_mut() {
        let in_subset = s.0.iter().filter(|a| a.3 == truncate_ready).count();
        let to_add = ((in_subset as f64 / total as f64) * max as f64).ceil() as usize;
        let to_add = to_add.min(can_be_added);
        let mut kept = 0;
        s.0.retain(|a| {
            if a.3 != truncate_ready {
                // Truncating ready addresses drops every not-ready one.
                return !truncate_ready;
            }
            kept += 1;
            kept <= to_add
        });
        can_be_added -= kept.min(to_add);
    }
    true
}

fn subsets_json(ns: &str, members: &BTreeMap<String, Member>, subsets: &[Subset]) -> Value {
    let mut out = Vec::new();
    for (addrs, ports) in subsets {
        let mut s = Map::new();
        let (ready, not_ready): (Vec<_>, Vec<_>) = addrs.iter().partition(|a| a.3);
        let sorted = |v: Vec<&(String, String, String, bool)>| -> Vec<Value> {
            let mut v = v;
            v.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()).then_with(|| a.1.cmp(&b.1)));
            v.iter().filter_map(|a| members.get(&a.2).map(|m| address_json(ns, &a.2, m))).collect()
        };
        let ready = sorted(ready);
        let not_ready = sorted(not_ready);
        if !ready.is_empty() {
            s.insert("addresses".into(), Value::Array(ready));
        }
        if !not_ready.is_empty() {
            s.insert("notReadyAddresses".into(), Value::Array(not_ready));
        }
        if !ports.is_empty() {
            s.insert("ports".into(), Value::Array(ports.iter().map(core_port_json).collect()));
        }
        out.push(Value::Object(s));
    }
    Value::Array(out)
}

fn count_addresses(subsets: &Value) -> usize {
    subsets.as_array().map_or(0, |a| {
        a.iter()
            .map(|s| ["addresses", "notReadyAddresses"].iter().map(|k| s.get(*k).and_then(Value::as_array).map_or(0, Vec::len)).sum::<usize>())
            .sum()
    })
}

/// `syncService`.
pub fn sync(c: &mut Cluster, key: &ObjectKey) {
    let (ns, name) = (key.namespace.to_string(), key.name.to_string());
    let Some(obj) = c.store.get_key(key).cloned() else {
        // The Service is gone: delete its Endpoints.
        c.endpoint_controller.tracked.remove(key);
        c.endpoint_controller.resync.remove(key);
        let ek = ObjectKey::new(Kind::Endpoints, &ns, &name);
        if c.store.get_key(&ek).is_some() && apiserver::delete(c, &ek, DeleteOptions::default()).is_ok() {
            c.decide(COMPONENT, format!("service/{name}"), Verdict::Delete, format!("endpoints/{name}"), "the Service was deleted, so its Endpoints go too");
        }
        return;
    };
    let Some(svc) = obj.as_service() else { return };
    let st = &mut c.endpoint_controller;
    if svc.spec.type_ == "ExternalName" || svc.spec.selector.is_empty() {
        st.tracked.remove(key);
        st.dirty.remove(key);
        st.resync.remove(key);
        return;
    }
    let mut dirty = st.dirty.remove(key).unwrap_or_default();
    let prev = st.tracked.remove(key);
    let was_known = prev.as_ref().is_some_and(|t| t.uid == svc.metadata.uid);
    let full = st.resync.remove(key)
        || prev.as_ref().is_none_or(|t| !was_known || t.spec != svc.spec || t.labels != *svc.metadata.labels);
    let mut t = match prev {
        Some(t) if !full => Rc::unwrap_or_clone(t),
        prev => {
            let triggers = prev.filter(|_| was_known).map(|t| t.triggers.clone()).unwrap_or_default();
            let selected: BTreeSet<String> =
                c.store.pods(&ns).filter(|p| selects(&svc.spec.selector, &p.metadata.labels)).map(|p| p.metadata.name.clone()).collect();
            let mut triggers = triggers;
            triggers.pods.retain(|k, _| selected.contains(k));
            dirty.extend(selected);
            Tracked { uid: svc.metadata.uid.clone(), labels: StringMap::new(), spec: svc.spec.clone(), members: BTreeMap::new(), triggers }
        }
    };
    t.labels = (*svc.metadata.labels).clone();
    t.spec = svc.spec.clone();
    let mut min_changed: Option<Time> = None;
    for pod_name in dirty {
        let pod = c.store.get(Kind::Pod, &ns, &pod_name).and_then(|o| o.as_pod());
        let selected = pod.filter(|p| selects(&svc.spec.selector, &p.metadata.labels));
        if let Some(tt) = t.triggers.observe(&pod_name, selected.and_then(pod_trigger_time)) {
            min_changed = Some(min_changed.map_or(tt, |m| m.min(tt)));
        }
        match pod.and_then(|p| member(svc, p)) {
            Some(m) => t.members.insert(pod_name, m),
            None => t.members.remove(&pod_name),
        };
    }
    let trigger = if was_known { min_changed } else { svc.metadata.creation_timestamp };

    let mut subsets = repack(&t.members);
    let truncated = truncate(&mut subsets);
    let subsets_v = subsets_json(&ns, &t.members, &subsets);
    let mut labels = t.labels.clone();
    if is_service_ip_set(svc) {
        labels.remove(LABEL_HEADLESS);
    } else {
        labels.insert(LABEL_HEADLESS.into(), String::new());
    }
    labels.insert(LABEL_ENDPOINTS_MANAGED_BY.into(), CONTROLLER_NAME.into());

    let current = c.store.get(Kind::Endpoints, &ns, &name).cloned();
    let ready = subsets.iter().map(|s| s.0.iter().filter(|a| a.3).count()).sum::<usize>();
    let not_ready = subsets.iter().map(|s| s.0.iter().filter(|a| !a.3).count()).sum::<usize>();
    c.endpoint_controller.tracked.insert(key.clone(), Rc::new(t));
    let (write, mut g) = match current.as_deref() {
        Some(Object::Generic(_, g)) => {
            let cur_subsets = g.rest.get("subsets").cloned().unwrap_or(Value::Array(Vec::new()));
            let capacity_ok = count_addresses(&cur_subsets) <= MAX_CAPACITY && !g.metadata.annotations.contains_key(ANNOTATION_OVER_CAPACITY);
            let same = cur_subsets == subsets_v && *g.metadata.labels == labels && capacity_ok;
            (!same, g.clone())
        }
        _ => {
            let metadata = ObjectMeta { name: name.clone(), namespace: ns.clone(), ..Default::default() };
            (true, GenericObject { api_version: "v1".into(), kind: "Endpoints".into(), metadata, rest: Map::new() })
        }
    };
    if !write {
        return;
    }
    let create = current.is_none();
    *g.metadata.labels = labels;
    let mut annotations = (*g.metadata.annotations).clone();
    match trigger {
        Some(tt) => annotations.insert(ANNOTATION_TRIGGER_TIME.into(), tt.rfc3339()),
        None => annotations.remove(ANNOTATION_TRIGGER_TIME),
    };
    if truncated {
        annotations.insert(ANNOTATION_OVER_CAPACITY.into(), "truncated".into());
    } else {
        annotations.remove(ANNOTATION_OVER_CAPACITY);
    }
    *g.metadata.annotations = annotations;
    if subsets.is_empty() {
        g.rest.remove("subsets");
    } else {
        g.rest.insert("subsets".into(), subsets_v);
    }
    let obj = Object::Generic(Kind::Endpoints, g);
    let result = if create { apiserver::create(c, obj) } else { apiserver::update(c, obj) };
    let subject = format!("service/{name}");
    let target = format!("endpoints/{name}");
    match result {
        Ok(_) => {
            let verdict = if create { Verdict::Create } else { Verdict::Update };
            let mut reason = format!("Endpoints {name} now lists {ready} ready and {not_ready} not-ready address(es) of the pods selected by {}", super::endpointslice::format_selector(&svc.spec.selector));
            if truncated {
                reason.push_str(&format!(" (truncated to {MAX_CAPACITY}: annotated {ANNOTATION_OVER_CAPACITY}=truncated)"));
            }
            c.decide(COMPONENT, subject, verdict, target, reason);
        }
        Err(e) => {
            let (reason, msg) = if create {
                ("FailedToCreateEndpoint", format!("Failed to create endpoint for service {ns}/{name}: {e}"))
            } else {
                ("FailedToUpdateEndpoint", format!("Failed to update endpoint {ns}/{name}: {e}"))
            };
            c.record_event(&obj_for_event(&ns, &name), "Warning", reason, &msg, COMPONENT);
            c.decide(COMPONENT, subject, Verdict::Fail, target, msg);
            c.endpoint_controller.resync.insert(key.clone());
        }
    }
}

/// The Endpoints an event about a failed write refers to.
fn obj_for_event(ns: &str, name: &str) -> Object {
    let metadata = ObjectMeta { name: name.into(), namespace: ns.into(), ..Default::default() };
    Object::Generic(Kind::Endpoints, GenericObject { api_version: "v1".into(), kind: "Endpoints".into(), metadata, rest: Map::new() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(ip: &str, uid: &str, ready: bool, port: i32) -> Member {
        Member {
            ip: ip.into(),
            hostname: None,
            node_name: "node-1".into(),
            uid: uid.into(),
            ready,
            ports: vec![Port { name: "web".into(), port, protocol: "TCP".into(), app_protocol: None }],
        }
    }

    #[test]
    fn repack_puts_ready_and_not_ready_addresses_of_one_port_set_in_one_subset() {
        let members: BTreeMap<String, Member> = [
            ("web-0".to_string(), m("10.244.1.10", "a", true, 80)),
            ("web-1".to_string(), m("10.244.1.9", "b", false, 80)),
            ("web-2".to_string(), m("10.244.2.3", "c", true, 80)),
        ]
        .into_iter()
        .collect();
        let subsets = repack(&members);
        assert_eq!(subsets.len(), 1);
        let v = subsets_json("default", &members, &subsets);
        let ips: Vec<&str> = v[0]["addresses"].as_array().expect("addresses").iter().filter_map(|a| a["ip"].as_str()).collect();
        assert_eq!(ips, ["10.244.1.10", "10.244.2.3"], "byte order of the IP strings");
        assert_eq!(v[0]["notReadyAddresses"][0]["targetRef"]["name"], "web-1");
        assert_eq!(v[0]["ports"][0], json!({"name": "web", "port": 80, "protocol": "TCP"}));
    }

    #[test]
    fn pods_with_other_ports_get_their_own_subset() {
        let members: BTreeMap<String, Member> =
            [("a".to_string(), m("10.0.0.1", "a", true, 80)), ("b".to_string(), m("10.0.0.2", "b", true, 8080))].into_iter().collect();
        assert_eq!(repack(&members).len(), 2);
    }

    #[test]
    fn truncation_keeps_ready_addresses_first() {
        let addrs: Vec<(String, String, String, bool)> =
            (0..1200).map(|i| (format!("10.0.{}.{}", i / 250, i % 250), format!("u{i}"), format!("p{i}"), i < 900)).collect();
        let mut subsets: Vec<Subset> = vec![(addrs, vec![])];
        assert!(truncate(&mut subsets));
        let ready = subsets[0].0.iter().filter(|a| a.3).count();
        assert_eq!((ready, subsets[0].0.len()), (900, MAX_CAPACITY));
    }
}
