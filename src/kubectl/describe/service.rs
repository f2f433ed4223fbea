//! `kubectl describe service|node` (`describeService`, `describeNode`). A Service's Endpoints
//! lines come from its EndpointSlices (`formatEndpointSlices`), as kubectl has done since 1.33.

use super::*;
use crate::engine::api::{IntOrString, Node, Service};
use crate::engine::sim::Cluster;
use crate::kubectl::printers::format_labels;
use crate::kubectl::printers::quantity::canonical_str;

/// `describeService`: identity, IPs, the optional external/load-balancer lines, one block per
/// port, then the traffic policies.
pub fn describe_service(c: &Cluster, s: &Service) -> String {
    let slices = super::endpoints::service_slices(c, &s.metadata.namespace, &s.metadata.name);
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", s.metadata.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", s.metadata.namespace));
    print_labels_multiline(&mut w, "Labels", &s.metadata.labels);
    print_annotations_multiline(&mut w, "Annotations", &s.metadata.annotations);
    w.write(LEVEL_0, &format!("Selector:\t{}\n", format_labels(&s.spec.selector)));
    w.write(LEVEL_0, &format!("Type:\t{}\n", s.spec.type_));
    if let Some(p) = &s.spec.ip_family_policy {
        w.write(LEVEL_0, &format!("IP Family Policy:\t{p}\n"));
    }
    let fam = if s.spec.ip_families.is_empty() { "<none>".to_string() } else { s.spec.ip_families.join(",") };
    w.write(LEVEL_0, &format!("IP Families:\t{fam}\n"));
    w.write(LEVEL_0, &format!("IP:\t{}\n", s.spec.cluster_ip));
    let ips = if s.spec.cluster_ips.is_empty() { "<none>".to_string() } else { s.spec.cluster_ips.join(",") };
    w.write(LEVEL_0, &format!("IPs:\t{ips}\n"));
    let strings = |v: &Option<crate::engine::api::Shared<serde_json::Value>>| -> Vec<String> {
        v.as_deref().and_then(|v| v.as_array()).map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default()
    };
    let string = |v: &Option<crate::engine::api::Shared<serde_json::Value>>| -> String {
        v.as_deref().and_then(|v| v.as_str()).unwrap_or("").to_string()
    };
    let external_ips = strings(&s.spec.external_ips);
    if !external_ips.is_empty() {
        w.write(LEVEL_0, &format!("External IPs:\t{}\n", external_ips.join(",")));
    }
    let lb_ip = string(&s.spec.load_balancer_ip);
    if !lb_ip.is_empty() {
        w.write(LEVEL_0, &format!("Desired LoadBalancer IP:\t{lb_ip}\n"));
    }
    let external_name = string(&s.spec.external_name);
    if !external_name.is_empty() {
        w.write(LEVEL_0, &format!("External Name:\t{external_name}\n"));
    }
    if let Some(ingress) = s.status.pointer("/loadBalancer/ingress").and_then(|v| v.as_array()).filter(|a| !a.is_empty()) {
        // buildIngressString: "ip (ipMode)" or the hostname, comma-space joined.
        let list: Vec<String> = ingress
            .iter()
            .map(|i| {
                let field = |k: &str| i.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
                let ip = field("ip");
                if ip.is_empty() {
                    field("hostname")
                } else if let Some(mode) = i.get("ipMode").and_then(|v| v.as_str()) {
                    format!("{ip} ({mode})")
                } else {
                    ip
                }
            })
            .collect();
        w.write(LEVEL_0, &format!("LoadBalancer Ingress:\t{}\n", list.join(", ")));
    }
    for sp in &s.spec.ports {
        let name = if sp.name.is_empty() { "<unset>".to_string() } else { sp.name.clone() };
        w.write(LEVEL_0, &format!("Port:\t{name}\t{}/{}\n", sp.port, sp.protocol));
        let target = sp.target_port.clone().or(Some(IntOrString::Int(i64::from(sp.port))));
        w.write(LEVEL_0, &format!("TargetPort:\t{}/{}\n", target.as_ref().map(|t| t.to_string()).unwrap_or_default(), sp.protocol));
        if let Some(a) = &sp.app_protocol {
            w.write(LEVEL_0, &format!("AppProtocol:\t{a}\n"));
        }
        if let Some(np) = sp.node_port.filter(|n| *n != 0) {
            w.write(LEVEL_0, &format!("NodePort:\t{name}\t{np}/{}\n", sp.protocol));
        }
        w.write(LEVEL_0, &format!("Endpoints:\t{}\n", super::endpoints::format_endpoint_slices(&slices, Some(&sp.name))));
    }
    w.write(LEVEL_0, &format!("Session Affinity:\t{}\n", s.spec.session_affinity));
    if let Some(p) = s.spec.external_traffic_policy.as_ref().and_then(|v| v.as_str()) {
        w.write(LEVEL_0, &format!("External Traffic Policy:\t{p}\n"));
    }
    if let Some(p) = &s.spec.internal_traffic_policy {
        w.write(LEVEL_0, &format!("Internal Traffic Policy:\t{p}\n"));
    }
    if let Some(port) = s.spec.health_check_node_port.as_deref().and_then(|v| v.as_i64()).filter(|p| *p != 0) {
        w.write(LEVEL_0, &format!("HealthCheck NodePort:\t{port}\n"));
    }
    let ranges = strings(&s.spec.load_balancer_source_ranges);
    if !ranges.is_empty() {
        w.write(LEVEL_0, &format!("LoadBalancer Source Ranges:\t{}\n", ranges.join(",")));
    }
    if let Some(t) = s.spec.traffic_distribution.as_deref().and_then(|v| v.as_str()) {
        w.write(LEVEL_0, &format!("Traffic Distribution:\t{t}\n"));
    }
    let events = crate::engine::events::events_for(c, &s.metadata.namespace, &s.metadata.uid);
    describe_events(&mut w, &events, c.now);
    w.finish()
}

/// `describeNode`: identity, conditions, addresses, capacity, system info and the pods on it.
pub fn describe_node(c: &Cluster, n: &Node) -> String {
    let now = c.now;
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", n.metadata.name));
    let roles = crate::kubectl::printers::core::find_node_roles(n);
    w.write(LEVEL_0, &format!("Roles:\t{}\n", if roles.is_empty() { "<none>".to_string() } else { roles.join(",") }));
    print_labels_multiline(&mut w, "Labels", &n.metadata.labels);
    print_annotations_multiline(&mut w, "Annotations", &n.metadata.annotations);
    w.write(LEVEL_0, &format!("CreationTimestamp:\t{}\n", n.metadata.creation_timestamp.unwrap_or_default().rfc1123z()));
    if n.spec.taints.is_empty() {
        w.write(LEVEL_0, "Taints:\t<none>\n");
    } else {
        for (i, t) in n.spec.taints.iter().enumerate() {
            let text = if t.value.is_empty() { format!("{}:{}", t.key, t.effect) } else { format!("{}={}:{}", t.key, t.value, t.effect) };
            if i == 0 {
                w.write(LEVEL_0, &format!("Taints:\t{text}\n"));
            } else {
                w.write(LEVEL_0, &format!("\t{text}\n"));
            }
        }
    }
    w.write(LEVEL_0, &format!("Unschedulable:\t{}\n", n.spec.unschedulable.unwrap_or(false)));
    if !n.status.conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n");
        w.write(LEVEL_1, "----\t------\t-----------------\t------------------\t------\t-------\n");
        for cond in &n.status.conditions {
            w.write(
                LEVEL_1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    cond.type_,
                    cond.status,
                    cond.last_heartbeat_time.unwrap_or_default().rfc1123z(),
                    cond.last_transition_time.unwrap_or_default().rfc1123z(),
                    cond.reason,
                    cond.message
                ),
            );
        }
    }
    w.write(LEVEL_0, "Addresses:\n");
    for a in &n.status.addresses {
        w.write(LEVEL_1, &format!("{}:\t{}\n", a.type_, a.address));
    }
    for (title, m) in [("Capacity", &n.status.capacity), ("Allocatable", &n.status.allocatable)] {
        if !m.is_empty() {
            w.write(LEVEL_0, &format!("{title}:\n"));
            for (k, v) in m {
                w.write(LEVEL_1, &format!("{k}:\t{}\n", canonical_str(v).unwrap_or_else(|| v.clone())));
            }
        }
    }
    if let Some(i) = &n.status.node_info {
        w.write(LEVEL_0, "System Info:\n");
        w.write(LEVEL_1, "Machine ID:\t\n");
        w.write(LEVEL_1, "System UUID:\t\n");
        w.write(LEVEL_1, "Boot ID:\t\n");
        w.write(LEVEL_1, &format!("Kernel Version:\t{}\n", i.kernel_version));
        w.write(LEVEL_1, &format!("OS Image:\t{}\n", i.os_image));
        w.write(LEVEL_1, &format!("Operating System:\t{}\n", i.operating_system));
        w.write(LEVEL_1, &format!("Architecture:\t{}\n", i.architecture));
        w.write(LEVEL_1, &format!("Container Runtime Version:\t{}\n", i.container_runtime_version));
        w.write(LEVEL_1, &format!("Kubelet Version:\t{}\n", i.kubelet_version));
    }
    if !n.spec.pod_cidr.is_empty() {
        w.write(LEVEL_0, &format!("PodCIDR:\t{}\n", n.spec.pod_cidr));
        w.write(LEVEL_0, &format!("PodCIDRs:\t{}\n", n.spec.pod_cidrs.join(",")));
    }
    if !n.spec.provider_id.is_empty() {
        w.write(LEVEL_0, &format!("ProviderID:\t{}\n", n.spec.provider_id));
    }
    let pods: Vec<&crate::engine::api::Pod> = c
        .store
        .list(crate::engine::api::Kind::Pod, None)
        .filter_map(|o| o.as_pod())
        .filter(|p| p.spec.node_name == n.metadata.name && !matches!(p.status.phase.as_str(), "Succeeded" | "Failed"))
        .collect();
    w.write(LEVEL_0, &format!("Non-terminated Pods:\t({} in total)\n", pods.len()));
    w.write(LEVEL_1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n");
    w.write(LEVEL_1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n");
    for p in &pods {
        w.write(
            LEVEL_1,
            &format!(
                "{}\t{}\t\t0 (0%)\t0 (0%)\t0 (0%)\t0 (0%)\t{}\n",
                p.metadata.namespace,
                p.metadata.name,
                translate_timestamp_since(p.metadata.creation_timestamp, now)
            ),
        );
    }
    w.write(LEVEL_0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n");
    w.write(LEVEL_1, "Resource\tRequests\tLimits\n");
    w.write(LEVEL_1, "--------\t--------\t------\n");
    w.write(LEVEL_1, "cpu\t0 (0%)\t0 (0%)\n");
    w.write(LEVEL_1, "memory\t0 (0%)\t0 (0%)\n");
    w.write(LEVEL_1, "ephemeral-storage\t0 (0%)\t0 (0%)\n");
    // `NodeDescriber.Describe` searches for uid = node name (the kubelet's node reference), so
    // the node controller's events, which carry the real uid, are not listed.
    let events = crate::engine::events::events_for(c, "default", &n.metadata.name);
    describe_events(&mut w, &events, now);
    w.finish()
}

#[cfg(test)]
mod tests {
    use crate::engine::api::*;
    use crate::kubectl::testutil::*;

    #[test]
    fn load_balancer_and_external_name_lines() {
        // describeService: External IPs, Desired LoadBalancer IP, LoadBalancer Ingress
        // (buildIngressString: "ip (ipMode)" or hostname, ", "-joined) before the ports;
        // HealthCheck NodePort, LoadBalancer Source Ranges and Traffic Distribution after
        // the traffic policies.
        let mut c = cluster();
        let mut s = Service::default();
        s.metadata.name = "lb".into();
        s.metadata.namespace = "default".into();
        s.spec.type_ = "LoadBalancer".into();
        s.spec.cluster_ip = "10.96.0.20".into();
        s.spec.cluster_ips = vec!["10.96.0.20".into()];
        s.spec.session_affinity = "None".into();
        s.spec.ip_families = vec!["IPv4".into()];
        s.spec.external_ips = Some(serde_json::json!(["192.0.2.1"]).into());
        s.spec.load_balancer_ip = Some(serde_json::json!("203.0.113.9").into());
        s.spec.external_traffic_policy = Some(serde_json::json!("Local").into());
        s.spec.health_check_node_port = Some(serde_json::json!(32000).into());
        s.spec.load_balancer_source_ranges = Some(serde_json::json!(["10.0.0.0/8", "192.168.0.0/16"]).into());
        s.spec.traffic_distribution = Some(serde_json::json!("PreferClose").into());
        s.spec.ports = vec![ServicePort { port: 80, protocol: "TCP".into(), node_port: Some(30080), target_port: Some(IntOrString::Int(8080)), ..Default::default() }];
        s.status = serde_json::json!({"loadBalancer": {"ingress": [{"ip": "203.0.113.9", "ipMode": "VIP"}, {"hostname": "lb.example.com"}]}});
        put(&mut c, Object::Service(s));
        let o = kubectl(&mut c, "describe svc lb");
        let want = "Name:                        lb
Namespace:                   default
Labels:                      <none>
Annotations:                 <none>
Selector:                    <none>
Type:                        LoadBalancer
IP Families:                 IPv4
IP:                          10.96.0.20
IPs:                         10.96.0.20
External IPs:                192.0.2.1
Desired LoadBalancer IP:     203.0.113.9
LoadBalancer Ingress:        203.0.113.9 (VIP), lb.example.com
Port:                        <unset>  80/TCP
TargetPort:                  8080/TCP
NodePort:                    <unset>  30080/TCP
Endpoints:                   <none>
Session Affinity:            None
External Traffic Policy:     Local
HealthCheck NodePort:        32000
LoadBalancer Source Ranges:  10.0.0.0/8,192.168.0.0/16
Traffic Distribution:        PreferClose
Events:                      <none>
";
        assert_eq!(o.stdout, want);

        let mut e = Service::default();
        e.metadata.name = "ext".into();
        e.metadata.namespace = "default".into();
        e.spec.type_ = "ExternalName".into();
        e.spec.session_affinity = "None".into();
        e.spec.external_name = Some(serde_json::json!("db.example.com").into());
        put(&mut c, Object::Service(e));
        let o = kubectl(&mut c, "describe svc ext");
        assert!(o.stdout.contains("IPs:               <none>\nExternal Name:     db.example.com\nSession Affinity:  None\n"), "{}", o.stdout);
    }
}
