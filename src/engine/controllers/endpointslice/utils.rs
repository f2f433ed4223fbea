//! What the EndpointSlice and Endpoints controllers share (`k8s.io/endpointslice/utils.go` and
//! `k8s.io/endpointslice/util/controller_utils.go`): which pods become endpoints, how a pod maps
//! to an endpoint and its ports, the slice labels, the trigger-time annotation, and the index of
//! Services by namespace that the pod handlers look pods up in.

use crate::engine::api::{IntOrString, Pod, Service, StringMap, Time};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// `discovery.LabelServiceName`.
pub const LABEL_SERVICE_NAME: &str = "kubernetes.io/service-name";
/// `discovery.LabelManagedBy`.
pub const LABEL_MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";
/// `discovery.LabelSkipMirror`.
pub const LABEL_SKIP_MIRROR: &str = "endpointslice.kubernetes.io/skip-mirror";
/// `v1.IsHeadlessService`.
pub const LABEL_HEADLESS: &str = "service.kubernetes.io/headless";
/// `v1.EndpointsLastChangeTriggerTime`.
pub const ANNOTATION_TRIGGER_TIME: &str = "endpoints.kubernetes.io/last-change-trigger-time";
/// The EndpointSlice controller's name (`ControllerName`), its managed-by label value.
pub const ENDPOINTSLICE_CONTROLLER: &str = "endpointslice-controller.k8s.io";

/// An endpoint port (`discovery.EndpointPort`; `v1.EndpointPort` has the same fields).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Port {
    /// The Service port's name ("" when unnamed).
    pub name: String,
    /// The resolved container port.
    pub port: i32,
    /// TCP, UDP or SCTP.
    pub protocol: String,
    /// The Service port's appProtocol.
    pub app_protocol: Option<String>,
}

impl Port {
    /// The port as JSON (`name` is always written, as the controllers set a pointer to it).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("name".into(), Value::from(self.name.clone()));
        m.insert("port".into(), Value::from(self.port));
        m.insert("protocol".into(), Value::from(self.protocol.clone()));
        if let Some(a) = &self.app_protocol {
            m.insert("appProtocol".into(), Value::from(a.clone()));
        }
        Value::Object(m)
    }

    /// Reads a port back; `None` for an entry without a port number.
    pub fn from_json(v: &Value) -> Option<Port> {
        Some(Port {
            name: v.get("name").and_then(Value::as_str).unwrap_or("").to_string(),
            port: i32::try_from(v.get("port")?.as_i64()?).ok()?,
            protocol: v.get("protocol").and_then(Value::as_str).unwrap_or("TCP").to_string(),
            app_protocol: v.get("appProtocol").and_then(Value::as_str).map(String::from),
        })
    }
}

/// One pod as a discovery endpoint (`podToEndpoint`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodEndpoint {
    /// The pod's IPv4 address (the Service's one address family).
    pub address: String,
    /// `conditions.ready`.
    pub ready: bool,
    /// `conditions.serving`: the pod is Ready, terminating or not.
    pub serving: bool,
    /// `conditions.terminating`: the pod has a deletionTimestamp.
    pub terminating: bool,
    /// Set when the pod's hostname/subdomain put it in this Service's DNS.
    pub hostname: Option<String>,
    /// The pod's node.
    pub node_name: Option<String>,
    /// targetRef name.
    pub pod: String,
    /// targetRef namespace.
    pub namespace: String,
    /// targetRef uid.
    pub uid: String,
}

impl PodEndpoint {
    /// The parts `hashEndpoint` identifies an endpoint by: a change here is a different endpoint.
    pub fn same_identity(&self, other: &PodEndpoint) -> bool {
        self.address == other.address && self.hostname == other.hostname && self.pod == other.pod && self.namespace == other.namespace
    }

    /// The endpoint as JSON (`discovery.Endpoint`).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("addresses".into(), json!([self.address]));
        m.insert("conditions".into(), json!({"ready": self.ready, "serving": self.serving, "terminating": self.terminating}));
        if let Some(h) = &self.hostname {
            m.insert("hostname".into(), Value::from(h.clone()));
        }
        if let Some(n) = &self.node_name {
            m.insert("nodeName".into(), Value::from(n.clone()));
        }
        m.insert("targetRef".into(), target_ref(&self.namespace, &self.pod, &self.uid));
        Value::Object(m)
    }

    /// Reads an endpoint back; `None` for one this controller would not have written (no address
    /// or no Pod targetRef), which a reconcile then drops.
    pub fn from_json(v: &Value) -> Option<PodEndpoint> {
        let address = v.get("addresses")?.as_array()?.first()?.as_str()?.to_string();
        let cond = |k: &str| v.pointer(&format!("/conditions/{k}")).and_then(Value::as_bool);
        let t = v.get("targetRef")?;
        Some(PodEndpoint {
            address,
            ready: cond("ready").unwrap_or(true),
            serving: cond("serving").unwrap_or(true),
            terminating: cond("terminating").unwrap_or(false),
            hostname: v.get("hostname").and_then(Value::as_str).map(String::from),
            node_name: v.get("nodeName").and_then(Value::as_str).map(String::from),
            pod: t.get("name")?.as_str()?.to_string(),
            namespace: t.get("namespace").and_then(Value::as_str).unwrap_or("").to_string(),
            uid: t.get("uid").and_then(Value::as_str).unwrap_or("").to_string(),
        })
    }
}

/// A Pod `targetRef` (`v1.ObjectReference` without resourceVersion, as both controllers write it).
pub fn target_ref(namespace: &str, name: &str, uid: &str) -> Value {
    json!({"kind": "Pod", "namespace": namespace, "name": name, "uid": uid})
}

/// `isPodTerminal`: Succeeded or Failed.
pub fn is_pod_terminal(pod: &Pod) -> bool {
    matches!(pod.status.phase.as_str(), "Succeeded" | "Failed")
}

/// `ShouldPodBeInEndpoints`: not terminal, has an IP, and (unless `include_terminating`) not
/// being deleted.
pub fn should_pod_be_in_endpoints(pod: &Pod, include_terminating: bool) -> bool {
    if is_pod_terminal(pod) || (pod.status.pod_ip.is_empty() && pod.status.pod_ips.is_empty()) {
        return false;
    }
    include_terminating || pod.metadata.deletion_timestamp.is_none()
}

/// `ShouldSetHostname`: the pod has a hostname and its subdomain is this Service.
pub fn should_set_hostname(pod: &Pod, svc: &Service) -> bool {
    !pod.spec.hostname.is_empty() && pod.spec.subdomain == svc.metadata.name && svc.metadata.namespace == pod.metadata.namespace
}

/// The pod's IPv4 address (`getEndpointAddresses` for addressType IPv4), if any.
pub fn pod_ipv4(pod: &Pod) -> Option<String> {
    let is_v4 = |ip: &str| !ip.is_empty() && !ip.contains(':');
    pod.status.pod_ips.iter().map(|e| e.ip.as_str()).find(|ip| is_v4(ip)).or(Some(pod.status.pod_ip.as_str()).filter(|ip| is_v4(ip))).map(String::from)
}

/// `isServiceIPSet`: a ClusterIP that is neither empty nor `None` (otherwise headless).
pub fn is_service_ip_set(svc: &Service) -> bool {
    !svc.spec.cluster_ip.is_empty() && svc.spec.cluster_ip != "None"
}

fn protocol_or_tcp(p: &str) -> &str {
    if p.is_empty() {
        "TCP"
    } else {
        p
    }
}

/// `FindPort`: a numeric targetPort as is; a named one looked up in the pod's containers (and
/// restartable init containers) with the same protocol. `None` when the pod has no such port.
pub fn find_port(pod: &Pod, target: &Option<IntOrString>, port: i32, protocol: &str) -> Option<i32> {
    match target {
        None => Some(port),
        Some(IntOrString::Int(i)) => i32::try_from(*i).ok(),
        Some(IntOrString::String(name)) => {
            let sidecars = pod.spec.init_containers.iter().filter(|c| c.restart_policy == "Always");
            // (Loops, not flat_map(…).find: one generic iterator fewer on the page.)
            for c in pod.spec.containers.iter().chain(sidecars) {
                for p in &c.ports {
                    if p.name == *name && protocol_or_tcp(&p.protocol) == protocol_or_tcp(protocol) {
                        return Some(p.container_port);
                    }
                }
            }
            None
        }
    }
}

/// `getEndpointPorts`: the Service's ports resolved against the pod (ports the pod lacks are
/// left out; a headless Service without ports has none).
pub fn endpoint_ports(svc: &Service, pod: &Pod) -> Vec<Port> {
    let mut ports = Vec::new();
    for sp in &svc.spec.ports {
        let protocol = protocol_or_tcp(&sp.protocol).to_string();
        if let Some(port) = find_port(pod, &sp.target_port, sp.port, &protocol) {
            ports.push(Port { name: sp.name.clone(), port, protocol, app_protocol: sp.app_protocol.clone() });
        }
    }
    ports
}

/// `podToEndpoint` for addressType IPv4; `None` when the pod has no IPv4 address.
pub fn pod_to_endpoint(pod: &Pod, svc: &Service) -> Option<PodEndpoint> {
    let address = pod_ipv4(pod)?;
    let serving = pod.is_ready();
    let terminating = pod.metadata.deletion_timestamp.is_some();
    Some(PodEndpoint {
        address,
        // "ready" is never true for a terminating pod, unless publishNotReadyAddresses.
        ready: svc.spec.publish_not_ready_addresses == Some(true) || (serving && !terminating),
        serving,
        terminating,
        hostname: should_set_hostname(pod, svc).then(|| pod.spec.hostname.clone()),
        node_name: (!pod.spec.node_name.is_empty()).then(|| pod.spec.node_name.clone()),
        pod: pod.metadata.name.clone(),
        namespace: pod.metadata.namespace.clone(),
        uid: pod.metadata.uid.clone(),
    })
}

/// `setEndpointSliceLabels`: the Service's labels (reserved keys skipped), the headless label for
/// a Service without a ClusterIP, the service-name and managed-by labels.
pub fn endpoint_slice_labels(svc: &Service) -> StringMap {
    let reserved = |k: &str| k == LABEL_SERVICE_NAME || k == LABEL_MANAGED_BY || k == LABEL_HEADLESS;
    let mut labels: StringMap =
        StringMap::from_iter(svc.metadata.labels.iter().filter(|(k, _)| !reserved(k)).map(|(k, v)| (k.clone(), v.clone())));
    if !is_service_ip_set(svc) {
        labels.insert(LABEL_HEADLESS.into(), String::new());
    }
    labels.insert(LABEL_SERVICE_NAME.into(), svc.metadata.name.clone());
    labels.insert(LABEL_MANAGED_BY.into(), ENDPOINTSLICE_CONTROLLER.into());
    labels
}

/// Whether a Service's selector selects these labels (a Service without a selector selects
/// nothing).
pub fn selects(selector: &StringMap, labels: &StringMap) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// `getPodTriggerTime`: the lastTransitionTime of the pod's Ready condition.
pub fn pod_trigger_time(pod: &Pod) -> Option<Time> {
    pod.condition("Ready").and_then(|c| c.last_transition_time)
}

/// `podEndpointsChanged`: (the pod changed in a way that changes its endpoint, its labels or
/// hostname/subdomain changed).
pub fn pod_endpoints_changed(old: &Pod, new: &Pod) -> (bool, bool) {
    let labels_changed =
        *old.metadata.labels != *new.metadata.labels || old.spec.hostname != new.spec.hostname || old.spec.subdomain != new.spec.subdomain;
    let same_ips = old.status.pod_ips.iter().map(|e| &e.ip).eq(new.status.pod_ips.iter().map(|e| &e.ip));
    let changed = old.metadata.deletion_timestamp != new.metadata.deletion_timestamp
        || old.is_ready() != new.is_ready()
        || !same_ips
        || old.status.pod_ip != new.status.pod_ip;
    (changed, labels_changed)
}

/// Services with a selector, by namespace and name: what `GetPodServiceMemberships` scans when a
/// pod changes. Services without a selector (and ExternalName ones) are left out: they get no
/// endpoints from these controllers.
#[derive(Clone, Debug, Default)]
pub struct ServiceIndex {
    by_namespace: BTreeMap<String, BTreeMap<String, StringMap>>,
}

impl ServiceIndex {
    /// Records a Service as it now is.
    pub fn set(&mut self, svc: &Service) {
        let ns = &svc.metadata.namespace;
        if svc.spec.selector.is_empty() || svc.spec.type_ == "ExternalName" {
            self.remove(ns, &svc.metadata.name);
            return;
        }
        self.by_namespace.entry(ns.clone()).or_default().insert(svc.metadata.name.clone(), svc.spec.selector.clone());
    }

    /// Forgets a Service.
    pub fn remove(&mut self, namespace: &str, name: &str) {
        if let Some(m) = self.by_namespace.get_mut(namespace) {
            m.remove(name);
            if m.is_empty() {
                self.by_namespace.remove(namespace);
            }
        }
    }

    /// Names of the Services in `namespace` whose selector selects `labels`.
    pub fn selecting<'a>(&'a self, namespace: &str, labels: &'a StringMap) -> impl Iterator<Item = &'a String> + 'a {
        self.by_namespace.get(namespace).into_iter().flatten().filter(move |(_, sel)| selects(sel, labels)).map(|(n, _)| n)
    }
}

/// `GetServicesToUpdateOnPodChange` (via `GetPodUpdateProjectionKey` / `GetServicesToUpdate`):
/// the Services a pod event concerns. An update that changes neither the endpoint nor the
/// labels concerns none.
pub fn services_for_pod_event<'a>(index: &'a ServiceIndex, old: Option<&'a Pod>, new: Option<&'a Pod>) -> Vec<&'a String> {
    // The index's names, borrowed: handlers key their work by the stored Services.
    let mut out: Vec<&String> = Vec::new();
    let mut add = |names: &mut dyn Iterator<Item = &'a String>| {
        for n in names {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    };
    match (old, new) {
        (Some(o), Some(n)) => {
            let (changed, labels_changed) = pod_endpoints_changed(o, n);
            if !changed && !labels_changed {
                return out;
            }
            let ns = &n.metadata.namespace;
            let now: Vec<&String> = index.selecting(ns, &n.metadata.labels).collect();
            let before: Vec<&String> = index.selecting(ns, &o.metadata.labels).collect();
            if !labels_changed || changed {
                add(&mut now.iter().copied().chain(before.iter().copied()));
            } else {
                // Only the labels changed: the Services it joined or left.
                let joined = now.iter().copied().filter(|s| !before.contains(s));
                let left = before.iter().copied().filter(|s| !now.contains(s));
                add(&mut joined.chain(left));
            }
        }
        (None, Some(p)) | (Some(p), None) => add(&mut index.selecting(&p.metadata.namespace, &p.metadata.labels)),
        (None, None) => {}
    }
    out
}

/// `hostNameAndDomainAreEqual` is part of [`pod_endpoints_changed`]; this is the
/// `TriggerTimeTracker` state of one Service: the pod trigger times seen at the last sync.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TriggerTimes {
    /// Pod name → Ready transition time at the last sync. Looked up and pruned by name, never
    /// walked in order: a hash map.
    pub pods: crate::util::hash::FastMap<String, Time>,
}

impl TriggerTimes {
    /// Updates one pod's entry (`None`: not selected any more, or no Ready condition) and returns
    /// its trigger time when it changed since the last sync.
    pub fn observe(&mut self, pod: &str, time: Option<Time>) -> Option<Time> {
        match time {
            Some(t) => {
                let changed = self.pods.get(pod).is_none_or(|last| t > *last);
                self.pods.insert(pod.to_string(), t);
                changed.then_some(t)
            }
            None => {
                self.pods.remove(pod);
                None
            }
        }
    }
}

/// `ownedBy`: an ownerReference to this Service (kind Service, apiVersion v1, same uid).
pub fn owned_by(owners: &[crate::engine::api::OwnerReference], svc: &Service) -> bool {
    owners.iter().any(|o| o.uid == svc.metadata.uid && o.kind == "Service" && o.api_version == "v1")
}

/// `metav1.NewControllerRef(service)`.
pub fn service_controller_ref(svc: &Service) -> crate::engine::api::OwnerReference {
    crate::engine::api::OwnerReference {
        api_version: "v1".into(),
        kind: "Service".into(),
        name: svc.metadata.name.clone(),
        uid: svc.metadata.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::{Condition, Container, ContainerPort, IpEntry, ServicePort};

    fn pod(name: &str, ip: &str, ready: bool) -> Pod {
        let mut p = Pod::default();
        p.metadata.name = name.into();
        p.metadata.namespace = "default".into();
        p.metadata.uid = format!("uid-{name}");
        p.metadata.labels.insert("app".into(), "nginx".into());
        p.spec.hostname = name.into();
        p.spec.subdomain = "nginx".into();
        p.spec.node_name = "node-1".into();
        p.spec.containers = vec![Container {
            name: "nginx".into(),
            ports: vec![ContainerPort { name: "web".into(), container_port: 8080, protocol: "TCP".into(), ..Default::default() }],
            ..Default::default()
        }].into();
        p.status.phase = "Running".into();
        p.status.pod_ip = ip.into();
        p.status.pod_ips = vec![IpEntry { ip: ip.into() }];
        p.status.conditions =
            vec![Condition { type_: "Ready".into(), status: if ready { "True" } else { "False" }.into(), ..Default::default() }];
        p
    }

    fn headless() -> Service {
        let mut s = Service::default();
        s.metadata.name = "nginx".into();
        s.metadata.namespace = "default".into();
        s.metadata.labels.insert("app".into(), "nginx".into());
        s.spec.cluster_ip = "None".into();
        s.spec.selector.insert("app".into(), "nginx".into());
        s.spec.ports = vec![ServicePort {
            name: "web".into(),
            protocol: "TCP".into(),
            port: 80,
            target_port: Some(IntOrString::String("web".into())),
            ..Default::default()
        }];
        s
    }

    #[test]
    fn pod_to_endpoint_follows_readiness_and_termination() {
        let svc = headless();
        let e = pod_to_endpoint(&pod("web-0", "10.244.1.2", true), &svc).expect("endpoint");
        assert!(e.ready && e.serving && !e.terminating);
        assert_eq!(e.hostname.as_deref(), Some("web-0"));
        let mut p = pod("web-1", "10.244.1.3", true);
        p.metadata.deletion_timestamp = Some(Time(1));
        let e = pod_to_endpoint(&p, &svc).expect("endpoint");
        assert!(!e.ready && e.serving && e.terminating, "terminating pods are never ready");
        assert!(!should_pod_be_in_endpoints(&p, false) && should_pod_be_in_endpoints(&p, true));
        let e = pod_to_endpoint(&pod("web-2", "10.244.1.4", false), &svc).expect("endpoint");
        assert!(!e.ready && !e.serving);
        let back = PodEndpoint::from_json(&e.to_json()).expect("round trip");
        assert_eq!(back, e);
    }

    #[test]
    fn named_target_ports_resolve_per_pod() {
        let svc = headless();
        let ports = endpoint_ports(&svc, &pod("web-0", "10.244.1.2", true));
        assert_eq!(ports, vec![Port { name: "web".into(), port: 8080, protocol: "TCP".into(), app_protocol: None }]);
        let mut other = pod("web-1", "10.244.1.3", true);
        other.spec.containers[0].ports.clear();
        assert!(endpoint_ports(&svc, &other).is_empty(), "a pod without the named port offers none");
    }

    #[test]
    fn slice_labels_mark_headless_services() {
        let l = endpoint_slice_labels(&headless());
        assert_eq!(l[LABEL_HEADLESS], "");
        assert_eq!(l[LABEL_SERVICE_NAME], "nginx");
        assert_eq!(l[LABEL_MANAGED_BY], ENDPOINTSLICE_CONTROLLER);
        assert_eq!(l["app"], "nginx");
    }

    #[test]
    fn pod_events_concern_the_services_selecting_the_pod() {
        let mut idx = ServiceIndex::default();
        idx.set(&headless());
        let a = pod("web-0", "10.244.1.2", false);
        let b = pod("web-0", "10.244.1.2", true);
        assert_eq!(services_for_pod_event(&idx, Some(&a), Some(&b)), vec!["nginx"]);
        assert!(services_for_pod_event(&idx, Some(&b), Some(&b)).is_empty(), "nothing relevant changed");
        let mut relabelled = b.clone();
        relabelled.metadata.labels.insert("app".into(), "other".into());
        assert_eq!(services_for_pod_event(&idx, Some(&b), Some(&relabelled)), vec!["nginx"]);
    }
}
