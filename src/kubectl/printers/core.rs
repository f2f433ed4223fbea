//! `kubectl get svc|nodes|events` rows (printers.go `printService`, `printNode`,
//! `printEvent`).

use super::table::{col, format_labels, wide, Column};
use crate::engine::api::{Event, Node, Service, ServicePort, Time};
use crate::kubectl::duration::translate_timestamp_since;

/// `serviceColumnDefinitions`.
pub const SERVICE_COLUMNS: &[Column] = &[
    col("Name"),
    col("Type"),
    col("Cluster-IP"),
    col("External-IP"),
    col("Port(s)"),
    col("Age"),
    wide("Selector"),
];

/// `nodeColumnDefinitions`.
pub const NODE_COLUMNS: &[Column] = &[
    col("Name"),
    col("Status"),
    col("Roles"),
    col("Age"),
    col("Version"),
    wide("Internal-IP"),
    wide("External-IP"),
    wide("OS-Image"),
    wide("Kernel-Version"),
    wide("Container-Runtime"),
];

/// `eventColumnDefinitions`.
pub const EVENT_COLUMNS: &[Column] = &[
    col("Last Seen"),
    col("Type"),
    col("Reason"),
    col("Object"),
    wide("Subobject"),
    wide("Source"),
    col("Message"),
    wide("First Seen"),
    wide("Count"),
    wide("Name"),
];

/// `makePortString`: `port/PROTO` or `port:nodePort/PROTO`, comma-joined.
pub fn make_port_string(ports: &[ServicePort]) -> String {
    ports
        .iter()
        .map(|p| match p.node_port {
            Some(n) if n > 0 => format!("{}:{}/{}", p.port, n, p.protocol),
            _ => format!("{}/{}", p.port, p.protocol),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// `loadBalancerStatusStringer`: the ingress IPs (or hostnames) sorted and de-duplicated,
/// comma-joined, and clipped to 16 bytes (`13 + "..."`) unless the output is wide.
pub fn load_balancer_status_stringer(status: &serde_json::Value, wide: bool) -> String {
    const LOAD_BALANCER_WIDTH: usize = 16;
    // sets.List: sorted and de-duplicated (through the one compiled sort, not a BTreeSet).
    let mut ips: Vec<String> = status
        .pointer("/loadBalancer/ingress")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|i| {
                    let field = |k: &str| i.get(k).and_then(|v| v.as_str()).filter(|s| !s.is_empty()).map(String::from);
                    field("ip").or_else(|| field("hostname"))
                })
                .collect()
        })
        .unwrap_or_default();
    crate::util::sort::sort(&mut ips);
    ips.dedup();
    let mut r = ips.join(",");
    if !wide && r.len() > LOAD_BALANCER_WIDTH {
        let mut end = LOAD_BALANCER_WIDTH - 3;
        while !r.is_char_boundary(end) {
            end -= 1;
        }
        r = format!("{}...", &r[..end]);
    }
    r
}

/// `getServiceExternalIP`.
fn service_external_ip(s: &Service, wide: bool) -> String {
    let external: Vec<String> = s
        .spec
        .external_ips
        .as_ref()
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect())
        .unwrap_or_default();
    let type_ = if s.spec.type_.is_empty() { "ClusterIP" } else { s.spec.type_.as_str() };
    match type_ {
        "ClusterIP" | "NodePort" => {
            if external.is_empty() {
                "<none>".into()
            } else {
                external.join(",")
            }
        }
        "LoadBalancer" => {
            let lb = load_balancer_status_stringer(&s.status, wide);
            if !external.is_empty() {
                let mut results: Vec<String> = if lb.is_empty() { Vec::new() } else { lb.split(',').map(String::from).collect() };
                results.extend(external);
                return results.join(",");
            }
            if lb.is_empty() {
                "<pending>".into()
            } else {
                lb
            }
        }
        "ExternalName" => s.spec.external_name.as_ref().and_then(|v| v.as_str()).unwrap_or("").to_string(),
        _ => "<unknown>".into(),
    }
}

/// `printService`: CLUSTER-IP is `spec.clusterIPs[0]` (`None` for headless services); `wide`
/// keeps a long load-balancer EXTERNAL-IP unclipped.
pub fn print_service(s: &Service, now: Time, wide: bool) -> Vec<String> {
    let internal = s
        .spec
        .cluster_ips
        .first()
        .cloned()
        .or_else(|| (!s.spec.cluster_ip.is_empty()).then(|| s.spec.cluster_ip.clone()))
        .unwrap_or_else(|| "<none>".into());
    let mut ports = make_port_string(&s.spec.ports);
    if ports.is_empty() {
        ports = "<none>".into();
    }
    vec![
        s.metadata.name.clone(),
        s.spec.type_.clone(),
        internal,
        service_external_ip(s, wide),
        ports,
        translate_timestamp_since(s.metadata.creation_timestamp, now),
        format_labels(&s.spec.selector),
    ]
}

/// `findNodeRoles`: `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role`.
pub fn find_node_roles(n: &Node) -> Vec<String> {
    let mut roles = std::collections::BTreeSet::new();
    for (k, v) in &n.metadata.labels {
        if let Some(r) = k.strip_prefix("node-role.kubernetes.io/") {
            if !r.is_empty() {
                roles.insert(r.to_string());
            }
        } else if k == "kubernetes.io/role" && !v.is_empty() {
            roles.insert(v.clone());
        }
    }
    roles.into_iter().collect()
}

fn node_address(n: &Node, type_: &str) -> String {
    n.status.addresses.iter().find(|a| a.type_ == type_).map(|a| a.address.clone()).unwrap_or_else(|| "<none>".into())
}

/// `printNode`: STATUS from the Ready condition, plus `SchedulingDisabled` when cordoned.
pub fn print_node(n: &Node, now: Time) -> Vec<String> {
    let mut status: Vec<String> = Vec::new();
    if let Some(c) = n.status.conditions.iter().find(|c| c.type_ == "Ready") {
        status.push(if c.status == "True" { "Ready".into() } else { "NotReady".into() });
    }
    if status.is_empty() {
        status.push("Unknown".into());
    }
    if n.spec.unschedulable == Some(true) {
        status.push("SchedulingDisabled".into());
    }
    let roles = find_node_roles(n);
    let roles = if roles.is_empty() { "<none>".to_string() } else { roles.join(",") };
    let info = n.status.node_info.clone().unwrap_or_default();
    let unknown = |s: &str| if s.is_empty() { "<unknown>".to_string() } else { s.to_string() };
    vec![
        n.metadata.name.clone(),
        status.join(","),
        roles,
        translate_timestamp_since(n.metadata.creation_timestamp, now),
        info.kubelet_version.clone(),
        node_address(n, "InternalIP"),
        node_address(n, "ExternalIP"),
        unknown(&info.os_image),
        unknown(&info.kernel_version),
        unknown(&info.container_runtime_version),
    ]
}

/// `formatEventSource`: `component, host` or just the component.
pub fn format_event_source(e: &Event) -> String {
    let component = if e.source.component.is_empty() { e.reporting_component.clone() } else { e.source.component.clone() };
    let host = if e.source.host.is_empty() { e.reporting_instance.clone() } else { e.source.host.clone() };
    if host.is_empty() {
        component
    } else {
        format!("{component}, {host}")
    }
}

/// `printEvent`: LAST SEEN, TYPE, REASON, OBJECT (`kind/name`, kind lower-cased), MESSAGE.
pub fn print_event(e: &Event, now: Time) -> Vec<String> {
    let first = translate_timestamp_since(e.first_timestamp, now);
    let last = if e.last_timestamp.is_none() { first.clone() } else { translate_timestamp_since(e.last_timestamp, now) };
    let count = if e.count == 0 { 1 } else { e.count };
    let kind = e.involved_object.kind.to_lowercase();
    let target = if e.involved_object.name.is_empty() { kind } else { format!("{kind}/{}", e.involved_object.name) };
    vec![
        last,
        e.type_.clone(),
        e.reason.clone(),
        target,
        e.involved_object.field_path.clone(),
        format_event_source(e),
        e.message.trim().to_string(),
        first,
        count.to_string(),
        e.metadata.name.clone(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::*;

    fn t0() -> Time {
        Time::from_utc(2025, 1, 6, 9, 0, 0)
    }

    #[test]
    fn headless_service_row() {
        let mut s = Service::default();
        s.metadata.name = "nginx".into();
        s.metadata.creation_timestamp = Some(t0());
        s.spec.type_ = "ClusterIP".into();
        s.spec.cluster_ip = "None".into();
        s.spec.cluster_ips = vec!["None".into()];
        s.spec.ports = vec![ServicePort { port: 80, protocol: "TCP".into(), ..Default::default() }];
        s.spec.selector.insert("app".into(), "nginx".into());
        // printService (spec §5.4).
        assert_eq!(print_service(&s, t0().plus_secs(300), false), ["nginx", "ClusterIP", "None", "<none>", "80/TCP", "5m", "app=nginx"]);
        s.spec.type_ = "NodePort".into();
        s.spec.ports[0].node_port = Some(30080);
        assert_eq!(print_service(&s, t0(), false)[4], "80:30080/TCP");
        s.spec.type_ = "LoadBalancer".into();
        assert_eq!(print_service(&s, t0(), false)[3], "<pending>");
        // loadBalancerStatusStringer: sorted, de-duplicated, clipped to 16 bytes unless wide;
        // getServiceExternalIP appends spec.externalIPs to the (clipped) list.
        s.status = serde_json::json!({"loadBalancer": {"ingress": [
            {"ip": "203.0.113.20"}, {"hostname": "lb.example.com"}, {"ip": "203.0.113.20"}, {"ip": "198.51.100.7"}
        ]}});
        assert_eq!(print_service(&s, t0(), false)[3], "198.51.100.7,...");
        assert_eq!(print_service(&s, t0(), true)[3], "198.51.100.7,203.0.113.20,lb.example.com");
        s.status = serde_json::json!({"loadBalancer": {"ingress": [{"ip": "10.0.0.9"}]}});
        s.spec.external_ips = Some(serde_json::json!(["192.0.2.1"]).into());
        assert_eq!(print_service(&s, t0(), false)[3], "10.0.0.9,192.0.2.1");
    }

    #[test]
    fn node_row() {
        let mut n = Node::default();
        n.metadata.name = "node-1".into();
        n.metadata.creation_timestamp = Some(t0());
        n.metadata.labels.insert("node-role.kubernetes.io/control-plane".into(), "".into());
        n.status.conditions = vec![Condition { type_: "Ready".into(), status: "False".into(), ..Default::default() }];
        n.spec.unschedulable = Some(true);
        n.status.node_info = Some(NodeSystemInfo { kubelet_version: "v1.35.0".into(), ..Default::default() });
        // printNode.
        assert_eq!(print_node(&n, t0().plus_secs(3600 * 30))[..5], ["node-1", "NotReady,SchedulingDisabled", "control-plane", "30h", "v1.35.0"]);
    }

    #[test]
    fn event_row() {
        let e = Event {
            metadata: ObjectMeta { name: "web.1".into(), ..Default::default() },
            involved_object: ObjectReference { kind: "StatefulSet".into(), name: "web".into(), ..Default::default() },
            reason: "SuccessfulCreate".into(),
            message: "create Pod web-0 in StatefulSet web successful".into(),
            source: EventSource { component: "statefulset-controller".into(), host: String::new() },
            first_timestamp: Some(t0()),
            last_timestamp: Some(t0().plus_secs(10)),
            count: 2,
            type_: "Normal".into(),
            ..Default::default()
        };
        // printEvent.
        let cells = print_event(&e, t0().plus_secs(30));
        assert_eq!(cells[..4], ["20s", "Normal", "SuccessfulCreate", "statefulset/web"]);
        assert_eq!(cells[5..9], ["statefulset-controller", "create Pod web-0 in StatefulSet web successful", "30s", "2"]);
    }
}
