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
use crate::engine::api::{EndpointAddress, EndpointPort, EndpointSubset, Endpoints, Kind, Object, ObjectMeta, ObjectReference, Pod, Service, ServiceSpec, Shared, StringMap, Time};
use crate::engine::apiserver::{self, DeleteOptions};
use crate::engine::sim::{Cluster, Task};
use crate::engine::store::{ObjectKey, WatchEvent, WatchEventType};
use crate::engine::why::Verdict;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use crate::util::vecset::VecMap;

const COMPONENT: &str = "endpoint-controller";
/// `LabelManagedBy` (added in v1.33, KEP-4974).
pub const LABEL_ENDPOINTS_MANAGED_BY: &str = "endpoints.kubernetes.io/managed-by";
/// `ControllerName`.
pub const CONTROLLER_NAME: &str = "endpoint-controller";
/// `v1.EndpointsOverCapacity`.
pub const ANNOTATION_OVER_CAPACITY: &str = "endpoints.kubernetes.io/over-capacity";
/// `maxCapacity`: addresses an Endpoints object keeps.
pub const MAX_CAPACITY: usize = 1000;


/// One selected pod's address, built once per change so versions share it.
#[derive(Clone, Debug, PartialEq)]
struct Member {
    addr: Shared<EndpointAddress>,
    ready: bool,
    /// Resolved ports; empty for a headless Service without ports.
    ports: Vec<EndpointPort>,
}

#[derive(Clone, Debug)]
struct Tracked {
    uid: String,
    labels: StringMap,
    spec: ServiceSpec,
    members: BTreeMap<String, Member>,
    /// Members' addresses and readiness by (IP, uid): `RepackSubsets`' address order, kept as
    /// members change.
    sorted: BTreeMap<(String, String), (Shared<EndpointAddress>, bool)>,
    /// How many members offer each port list; with one list there is one subset.
    port_sets: VecMap<Vec<EndpointPort>, usize>,
    triggers: TriggerTimes,
}

impl Tracked {
    /// Sets (or, with `None`, removes) a pod's member and the indexes over members.
    fn set_member(&mut self, pod: &str, m: Option<Member>) {
        if let Some(old) = self.members.remove(pod) {
            self.sorted.remove(&(old.addr.ip.clone(), uid_of(&old.addr).to_string()));
            if let Some(n) = self.port_sets.get_mut(&old.ports) {
                *n -= 1;
                if *n == 0 {
                    self.port_sets.remove(&old.ports);
                }
            }
        }
        if let Some(m) = m {
            self.sorted.insert((m.addr.ip.clone(), uid_of(&m.addr).to_string()), (m.addr.clone(), m.ready));
            *self.port_sets.get_or_insert_with(m.ports.clone(), usize::default) += 1;
            self.members.insert(pod.to_string(), m);
        }
    }

    /// The subsets: one walk over the sorted members when they all offer the same ports (the
    /// usual case), else the general repack.
    fn subsets(&self) -> Vec<EndpointSubset> {
        if self.port_sets.len() > 1 {
            return repack(&self.members);
        }
        let Some(ports) = self.port_sets.keys().next() else { return Vec::new() };
        let mut ports = ports.clone();
        crate::util::sort::sort(&mut ports);
        ports.dedup();
        let mut s = EndpointSubset { ports, ..Default::default() };
        for (addr, ready) in self.sorted.values() {
            if *ready {
                s.addresses.push(addr.clone());
            } else {
                s.not_ready_addresses.push(addr.clone());
            }
        }
        vec![s]
    }
}

/// The controller's state (as the EndpointSlice controller's).
#[derive(Clone, Debug, Default)]
pub struct State {
    services: ServiceIndex,
    dirty: BTreeMap<ObjectKey, BTreeSet<String>>,
    resync: BTreeSet<ObjectKey>,
    tracked: VecMap<ObjectKey, Rc<Tracked>>,
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
            let key = ev.key.clone();
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
                let key = c.store.key(Kind::Service, &p.metadata.namespace, n);
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
    let ports: Vec<EndpointPort> = if svc.spec.ports.is_empty() {
        // Only a headless Service may have no ports; its addresses carry none.
        if svc.spec.cluster_ip != "None" {
            return None;
        }
        Vec::new()
    } else {
        let p: Vec<EndpointPort> = endpoint_ports(svc, pod)
            .into_iter()
            .map(|p| EndpointPort { name: p.name, port: p.port, protocol: p.protocol, app_protocol: p.app_protocol })
            .collect();
        if p.is_empty() {
            return None;
        }
        p
    };
    let addr = EndpointAddress {
        ip,
        hostname: if should_set_hostname(pod, svc) { pod.spec.hostname.clone() } else { String::new() },
        node_name: (!pod.spec.node_name.is_empty()).then(|| pod.spec.node_name.clone()),
        target_ref: Some(ObjectReference {
            kind: "Pod".into(),
            namespace: pod.metadata.namespace.clone(),
            name: pod.metadata.name.clone(),
            uid: pod.metadata.uid.clone(),
            ..Default::default()
        }),
    };
    Some(Member { addr: Shared::new(addr), ready: publish || pod.is_ready(), ports })
}

fn uid_of(a: &EndpointAddress) -> &str {
    a.target_ref.as_ref().map_or("", |r| r.uid.as_str())
}

/// Addresses by (IP, uid), with their member and readiness.
type AddressSet<'a> = BTreeMap<(&'a str, &'a str), (&'a Member, bool)>;
/// One subset in the making: its members (in address order) and ports.
type Group<'a> = (Vec<&'a Member>, Vec<EndpointPort>);
/// A subset's addresses and their readiness: subsets are keyed by it.
type GroupKey<'a> = Vec<((&'a str, &'a str), bool)>;

/// `RepackSubsets`: ports that share the same set of addresses form one subset; addresses are
/// sorted by IP (bytes) then uid; an address is not ready for a port if any pod says so.
/// Upstream orders ports and subsets by an md5 of their contents; here ports go by name and
/// port, subsets by their addresses.
fn repack(members: &BTreeMap<String, Member>) -> Vec<EndpointSubset> {
    let mut by_port: BTreeMap<Option<&EndpointPort>, AddressSet> = BTreeMap::new();
    for m in members.values() {
        let key = (m.addr.ip.as_str(), uid_of(&m.addr));
        let ports: Vec<Option<&EndpointPort>> = if m.ports.is_empty() { vec![None] } else { m.ports.iter().map(Some).collect() };
        for p in ports {
            let e = by_port.entry(p).or_default().entry(key).or_insert((m, m.ready));
            e.1 &= m.ready;
        }
    }
    let mut groups: BTreeMap<GroupKey, Group> = BTreeMap::new();
    for (port, addrs) in by_port {
        let key: GroupKey = addrs.iter().map(|(k, (_, r))| (*k, *r)).collect();
        let g = groups.entry(key).or_insert_with(|| (addrs.values().map(|(m, _)| *m).collect(), Vec::new()));
        g.1.extend(port.cloned());
    }
    groups
        .into_iter()
        .map(|(key, (ms, ports))| {
            let mut s = EndpointSubset { ports, ..Default::default() };
            for ((_, ready), m) in key.iter().zip(ms) {
                if *ready {
                    s.addresses.push(m.addr.clone());
                } else {
                    s.not_ready_addresses.push(m.addr.clone());
                }
            }
            s
        })
        .collect()
}

/// `truncateEndpoints`: keeps at most [`MAX_CAPACITY`] addresses, ready ones first, each subset
/// its proportional share (rounded up). Returns whether it truncated.
fn truncate(subsets: &mut [EndpointSubset]) -> bool {
    let ready: usize = subsets.iter().map(|s| s.addresses.len()).sum();
    let not_ready: usize = subsets.iter().map(|s| s.not_ready_addresses.len()).sum();
    if ready + not_ready <= MAX_CAPACITY {
        return false;
    }
    let truncate_ready = ready > MAX_CAPACITY;
    let (max, total) = if truncate_ready { (MAX_CAPACITY, ready) } else { (MAX_CAPACITY - ready, not_ready) };
    let mut can_be_added = max;
    for s in subsets.iter_mut() {
        let in_subset = if truncate_ready { s.addresses.len() } else { s.not_ready_addresses.len() };
        let to_add = (((in_subset as f64 / total as f64) * max as f64).ceil() as usize).min(can_be_added);
        if truncate_ready {
            s.addresses.truncate(to_add);
            s.not_ready_addresses.clear();
            can_be_added -= s.addresses.len();
        } else {
            s.not_ready_addresses.truncate(to_add);
            can_be_added -= s.not_ready_addresses.len();
        }
    }
    true
}

fn count_addresses(subsets: &[EndpointSubset]) -> usize {
    subsets.iter().map(|s| s.addresses.len() + s.not_ready_addresses.len()).sum()
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
            let mut triggers = prev.filter(|_| was_known).map(|t| t.triggers.clone()).unwrap_or_default();
            let selected: BTreeSet<String> = crate::util::sort::btree_set(
                c.store.pods(&ns).filter(|p| selects(&svc.spec.selector, &p.metadata.labels)).map(|p| p.metadata.name.clone()),
            );
            triggers.pods.retain(|k, _| selected.contains(k));
            dirty.extend(selected);
            Tracked {
                uid: svc.metadata.uid.clone(),
                labels: StringMap::new(),
                spec: svc.spec.clone(),
                members: BTreeMap::new(),
                sorted: BTreeMap::new(),
                port_sets: VecMap::new(),
                triggers,
            }
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
            // An unchanged address keeps its shared copy.
            Some(m) if t.members.get(&pod_name) == Some(&m) => {}
            Some(m) => t.set_member(&pod_name, Some(m)),
            None => t.set_member(&pod_name, None),
        }
    }
    let trigger = if was_known { min_changed } else { svc.metadata.creation_timestamp };

    let mut subsets = t.subsets();
    let truncated = truncate(&mut subsets);
    let mut labels = t.labels.clone();
    if is_service_ip_set(svc) {
        labels.remove(LABEL_HEADLESS);
    } else {
        labels.insert(LABEL_HEADLESS.into(), String::new());
    }
    labels.insert(LABEL_ENDPOINTS_MANAGED_BY.into(), CONTROLLER_NAME.into());
    let selector = super::endpointslice::format_selector(&svc.spec.selector);
    c.endpoint_controller.tracked.insert(key.clone(), Rc::new(t));

    let current = c.store.get(Kind::Endpoints, &ns, &name).and_then(|o| o.as_endpoints()).cloned();
    if let Some(cur) = &current {
        let capacity_ok = count_addresses(&cur.subsets) <= MAX_CAPACITY && !cur.metadata.annotations.contains_key(ANNOTATION_OVER_CAPACITY);
        if cur.subsets == subsets && *cur.metadata.labels == labels && capacity_ok {
            return;
        }
    }
    let create = current.is_none();
    let mut e = current.unwrap_or_else(|| Endpoints {
        metadata: ObjectMeta { name: name.clone(), namespace: ns.clone(), ..Default::default() },
        subsets: Vec::new(),
    });
    *e.metadata.labels = labels;
    let annotations = &mut *e.metadata.annotations;
    match trigger {
        Some(tt) => annotations.insert(ANNOTATION_TRIGGER_TIME.into(), tt.rfc3339()),
        None => annotations.remove(ANNOTATION_TRIGGER_TIME),
    };
    if truncated {
        annotations.insert(ANNOTATION_OVER_CAPACITY.into(), "truncated".into());
    } else {
        annotations.remove(ANNOTATION_OVER_CAPACITY);
    }
    let ready: usize = subsets.iter().map(|s| s.addresses.len()).sum();
    let not_ready: usize = subsets.iter().map(|s| s.not_ready_addresses.len()).sum();
    e.subsets = subsets;
    let result = if create { apiserver::create(c, Object::Endpoints(e)) } else { apiserver::update(c, Object::Endpoints(e)) };
    let subject = format!("service/{name}");
    let target = format!("endpoints/{name}");
    match result {
        Ok(_) => {
            let verdict = if create { Verdict::Create } else { Verdict::Update };
            let mut reason = format!("Endpoints {name} now lists {ready} ready and {not_ready} not-ready address(es) of the pods selected by {selector}");
            if truncated {
                reason.push_str(&format!(" (truncated to {MAX_CAPACITY}: annotated {ANNOTATION_OVER_CAPACITY}=truncated)"));
            }
            c.decide(COMPONENT, subject, verdict, target, reason);
        }
        Err(err) => {
            let (reason, msg) = if create {
                ("FailedToCreateEndpoint", format!("Failed to create endpoint for service {ns}/{name}: {err}"))
            } else {
                ("FailedToUpdateEndpoint", format!("Failed to update endpoint {ns}/{name}: {err}"))
            };
            let about = Object::Endpoints(Endpoints { metadata: ObjectMeta { name: name.clone(), namespace: ns.clone(), ..Default::default() }, subsets: Vec::new() });
            c.record_event(&about, "Warning", reason, &msg, COMPONENT);
            c.decide(COMPONENT, subject, Verdict::Fail, target, msg);
            c.endpoint_controller.resync.insert(key.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(ip: &str, uid: &str, pod: &str, ready: bool, port: i32) -> Member {
        let addr = EndpointAddress {
            ip: ip.into(),
            node_name: Some("node-1".into()),
            target_ref: Some(ObjectReference { kind: "Pod".into(), name: pod.into(), uid: uid.into(), ..Default::default() }),
            ..Default::default()
        };
        Member { addr: Shared::new(addr), ready, ports: vec![EndpointPort { name: "web".into(), port, protocol: "TCP".into(), app_protocol: None }] }
    }

    #[test]
    fn repack_puts_ready_and_not_ready_addresses_of_one_port_set_in_one_subset() {
        let members: BTreeMap<String, Member> = [
            ("web-0".to_string(), m("10.244.1.10", "a", "web-0", true, 80)),
            ("web-1".to_string(), m("10.244.1.9", "b", "web-1", false, 80)),
            ("web-2".to_string(), m("10.244.2.3", "c", "web-2", true, 80)),
        ]
        .into_iter()
        .collect();
        let subsets = repack(&members);
        assert_eq!(subsets.len(), 1);
        let ips: Vec<&str> = subsets[0].addresses.iter().map(|a| a.ip.as_str()).collect();
        assert_eq!(ips, ["10.244.1.10", "10.244.2.3"], "byte order of the IP strings");
        assert_eq!(subsets[0].not_ready_addresses[0].target_ref.as_ref().map(|r| r.name.as_str()), Some("web-1"));
        assert_eq!(subsets[0].ports.len(), 1);
        let v = serde_json::to_value(&subsets[0].ports[0]).unwrap_or_default();
        assert_eq!(v, serde_json::json!({"name": "web", "port": 80, "protocol": "TCP"}));
    }

    #[test]
    fn the_incremental_subsets_match_repack() {
        let mut t = Tracked {
            uid: String::new(),
            labels: StringMap::new(),
            spec: ServiceSpec::default(),
            members: BTreeMap::new(),
            sorted: BTreeMap::new(),
            port_sets: VecMap::new(),
            triggers: TriggerTimes::default(),
        };
        for (i, ip) in ["10.244.1.10", "10.244.1.9", "10.244.2.3", "10.244.1.2"].iter().enumerate() {
            t.set_member(&format!("web-{i}"), Some(m(ip, &format!("u{i}"), &format!("web-{i}"), i % 2 == 0, 80)));
        }
        t.set_member("web-3", None);
        assert_eq!(t.subsets(), repack(&t.members));
        t.set_member("odd", Some(m("10.0.0.1", "x", "odd", true, 8080)));
        assert_eq!(t.subsets(), repack(&t.members));
        assert_eq!(t.subsets().len(), 2);
    }

    #[test]
    fn pods_with_other_ports_get_their_own_subset() {
        let members: BTreeMap<String, Member> =
            [("a".to_string(), m("10.0.0.1", "a", "a", true, 80)), ("b".to_string(), m("10.0.0.2", "b", "b", true, 8080))].into_iter().collect();
        assert_eq!(repack(&members).len(), 2);
    }

    #[test]
    fn truncation_keeps_ready_addresses_first() {
        let members: BTreeMap<String, Member> =
            (0..1200).map(|i| (format!("p{i}"), m(&format!("10.0.{}.{}", i / 250, i % 250), &format!("u{i}"), &format!("p{i}"), i < 900, 80))).collect();
        let mut subsets = repack(&members);
        assert!(truncate(&mut subsets));
        assert_eq!((subsets[0].addresses.len(), count_addresses(&subsets)), (900, MAX_CAPACITY));
    }
}
