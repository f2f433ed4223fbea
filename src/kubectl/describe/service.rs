//! `kubectl describe service|node` (`describeService`, `describeNode`). A Service's Endpoints
//! lines come from its EndpointSlices (`formatEndpointSlices`), as kubectl has done since 1.33.

use super::*;
use crate::engine::api::{IntOrString, Node, Service};
use crate::engine::sim::Cluster;
use crate::kubectl::printers::format_labels;
use crate::kubectl::printers::quantity::canonical_str;

/// `describeService`.
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
