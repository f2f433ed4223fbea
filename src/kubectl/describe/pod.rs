//! `kubectl describe pod` (`describePod`) and the volume and scheduling sections shared with pod
//! templates (`describeVolumes`, `printPodTolerationsMultiline`); the containers are in
//! [`super::container`].

pub use super::container::{describe_containers, describe_probe};
use super::*;
use crate::engine::api::{Pod, PodTemplateSpec, Volume};
use crate::engine::sim::Cluster;
use serde_json::Value;

/// `describeVolumes`.
pub fn describe_volumes(w: &mut PrefixWriter, volumes: &[Volume], space: &str) {
    if volumes.is_empty() {
        w.write(LEVEL_0, &format!("{space}Volumes:\t<none>\n"));
        return;
    }
    w.write(LEVEL_0, &format!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in volumes {
        w.write(LEVEL_1, &format!("{name_indent}{}:\n", v.name));
        let src = |k: &str| v.other_sources.get(k);
        if let Some(c) = &v.persistent_volume_claim {
            w.write(
                LEVEL_2,
                &format!(
                    "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n",
                    c.claim_name,
                    c.read_only.unwrap_or(false)
                ),
            );
        } else if let Some(e) = src("emptyDir") {
            let medium = e.get("medium").and_then(|v| v.as_str()).unwrap_or("");
            let limit = e.get("sizeLimit").map(crate::kubectl::printers::quantity::canonical).unwrap_or_else(|| "<unset>".into());
            w.write(
                LEVEL_2,
                &format!("Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{medium}\n    SizeLimit:\t{limit}\n"),
            );
        } else if let Some(cm) = src("configMap") {
            w.write(
                LEVEL_2,
                &format!(
                    "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n",
                    cm.get("name").and_then(|v| v.as_str()).unwrap_or(""),
                    cm.get("optional").and_then(|v| v.as_bool()).unwrap_or(false)
                ),
            );
        } else if let Some(s) = src("secret") {
            w.write(
                LEVEL_2,
                &format!(
                    "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n",
                    s.get("secretName").and_then(|v| v.as_str()).unwrap_or(""),
                    s.get("optional").and_then(|v| v.as_bool()).unwrap_or(false)
                ),
            );
        } else if let Some(h) = src("hostPath") {
            w.write(
                LEVEL_2,
                &format!(
                    "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n",
                    h.get("path").and_then(|v| v.as_str()).unwrap_or(""),
                    // printHostPathVolumeSource: "<none>" when the type is unset.
                    h.get("type").and_then(|v| v.as_str()).unwrap_or("<none>")
                ),
            );
        } else if let Some(p) = src("projected") {
            print_projected_volume_source(w, p);
        } else if let Some(d) = src("downwardAPI") {
            // printDownwardAPIVolumeSource.
            w.write(LEVEL_2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n");
            for item in d.get("items").and_then(|v| v.as_array()).map_or(&[][..], Vec::as_slice) {
                let path = item.get("path").and_then(|v| v.as_str()).unwrap_or("");
                if let Some(f) = item.get("fieldRef").and_then(|f| f.get("fieldPath")).and_then(|v| v.as_str()) {
                    w.write(LEVEL_3, &format!("{f} -> {path}\n"));
                }
                if let Some(r) = item.get("resourceFieldRef").and_then(|f| f.get("resource")).and_then(|v| v.as_str()) {
                    w.write(LEVEL_3, &format!("{r} -> {path}\n"));
                }
            }
        } else {
            // describeVolumes' default case writes at LEVEL_1.
            w.write(LEVEL_1, "<unknown>\n");
        }
    }
}

/// `printProjectedVolumeSource` (kubectl/pkg/describe/describe.go): one line or two per
/// source; a configMap's or secret's `optional` prints as a plain bool (false when unset).
fn print_projected_volume_source(w: &mut PrefixWriter, projected: &Value) {
    w.write(LEVEL_2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n");
    let optional = |v: &Value| v.get("optional").and_then(|o| o.as_bool()).unwrap_or(false);
    let name = |v: &Value| v.get("name").and_then(|n| n.as_str()).unwrap_or("").to_string();
    for source in projected.get("sources").and_then(|s| s.as_array()).map_or(&[][..], Vec::as_slice) {
        if let Some(s) = source.get("secret") {
            w.write(LEVEL_2, &format!("SecretName:\t{}\n    Optional:\t{}\n", name(s), optional(s)));
        } else if source.get("downwardAPI").is_some() {
            w.write(LEVEL_2, "DownwardAPI:\ttrue\n");
        } else if let Some(c) = source.get("configMap") {
            w.write(LEVEL_2, &format!("ConfigMapName:\t{}\n    Optional:\t{}\n", name(c), optional(c)));
        } else if let Some(t) = source.get("serviceAccountToken") {
            // ExpirationSeconds is defaulted to 3600 by the API server.
            let secs = t.get("expirationSeconds").and_then(|e| e.as_i64()).unwrap_or(3600);
            w.write(LEVEL_2, &format!("TokenExpirationSeconds:\t{secs}\n"));
        }
    }
}

/// `printPodTolerationsMultiline`.
pub fn print_tolerations(w: &mut PrefixWriter, title: &str, tolerations: Option<&Value>) {
    w.write(LEVEL_0, &format!("{title}:\t"));
    let list = tolerations.and_then(|t| t.as_array()).cloned().unwrap_or_default();
    if list.is_empty() {
        w.write_line("<none>");
        return;
    }
    let s = |t: &Value, k: &str| t.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
    for (i, t) in list.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, "\t");
        }
        let (key, value, effect, op) = (s(t, "key"), s(t, "value"), s(t, "effect"), s(t, "operator"));
        let mut line = key.clone();
        if !value.is_empty() {
            line.push_str(&format!("={value}"));
        }
        if !effect.is_empty() {
            line.push_str(&format!(":{effect}"));
        }
        if op == "Exists" && value.is_empty() {
            line.push_str(if !key.is_empty() || !effect.is_empty() { " op=Exists" } else { "op=Exists" });
        }
        if let Some(secs) = t.get("tolerationSeconds").and_then(|v| v.as_i64()) {
            line.push_str(&format!(" for {secs}s"));
        }
        w.write(LEVEL_0, &format!("{line}\n"));
    }
}

/// `describeTopologySpreadConstraints`: sorted by topology key, one line each; nothing when
/// the pod has none.
fn describe_topology_spread_constraints(w: &mut PrefixWriter, tscs: Option<&Value>, space: &str) {
    let mut list = tscs.and_then(|t| t.as_array()).cloned().unwrap_or_default();
    if list.is_empty() {
        return;
    }
    let key = |t: &Value| t.get("topologyKey").and_then(|v| v.as_str()).unwrap_or("").to_string();
    crate::util::sort::sort_by(&mut list, |a, b| key(a).cmp(&key(b)));
    w.write(LEVEL_0, &format!("{space}Topology Spread Constraints:\t"));
    for (i, t) in list.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, &format!("{space}\t"));
        }
        let when = t.get("whenUnsatisfiable").and_then(|v| v.as_str()).unwrap_or("");
        let skew = t.get("maxSkew").and_then(|v| v.as_i64()).unwrap_or(0);
        let mut line = format!("{}:{when} when max skew {skew} is exceeded", key(t));
        if let Some(sel) = t.get("labelSelector").filter(|s| !s.is_null()) {
            let sel: crate::engine::api::LabelSelector = crate::engine::api::from_value(sel.clone()).unwrap_or_default();
            line.push_str(&format!(" for selector {}", crate::kubectl::selector::format_label_selector(&sel)));
        }
        w.write(LEVEL_0, &format!("{line}\n"));
    }
}

/// The `SeccompProfile:` line (and `LocalhostProfile:` under it) of a pod's or a container's
/// security context, as `describePod` and `describeContainerBasicInfo` print them.
pub(super) fn describe_seccomp_profile(w: &mut PrefixWriter, security_context: Option<&Value>, level: usize) {
    let Some(profile) = security_context.and_then(|s| s.get("seccompProfile")).filter(|p| !p.is_null()) else { return };
    let type_ = profile.get("type").and_then(|v| v.as_str()).unwrap_or("");
    w.write(level, &format!("SeccompProfile:\t{type_}\n"));
    if type_ == "Localhost" {
        let local = profile.get("localhostProfile").and_then(|v| v.as_str()).unwrap_or("");
        w.write(level + 1, &format!("LocalhostProfile:\t{local}\n"));
    }
}

/// `DescribePodTemplate`.
pub fn describe_pod_template(w: &mut PrefixWriter, t: &PodTemplateSpec) {
    w.write(LEVEL_0, "Pod Template:\n");
    print_labels_multiline(w, "  Labels", &t.metadata.labels);
    if !t.metadata.annotations.is_empty() {
        print_annotations_multiline(w, "  Annotations", &t.metadata.annotations);
    }
    if !t.spec.service_account_name.is_empty() {
        w.write(LEVEL_1, &format!("Service Account:\t{}\n", t.spec.service_account_name));
    }
    if !t.spec.init_containers.is_empty() {
        describe_containers(w, "Init Containers", &t.spec.init_containers, &[], "  ", None);
    }
    describe_containers(w, "Containers", &t.spec.containers, &[], "  ", None);
    describe_volumes(w, &t.spec.volumes, "  ");
    describe_topology_spread_constraints(w, t.spec.topology_spread_constraints.as_deref(), "  ");
    if let Some(pc) = t.spec.priority_class_name.as_ref().and_then(|v| v.as_str()).filter(|s| !s.is_empty()) {
        w.write(LEVEL_1, &format!("Priority Class Name:\t{pc}\n"));
    }
    print_labels_multiline(w, "  Node-Selectors", &t.spec.node_selector);
    print_tolerations(w, "  Tolerations", t.spec.tolerations.as_deref());
}

fn qos_class(p: &Pod) -> String {
    if !p.status.qos_class.is_empty() {
        return p.status.qos_class.clone();
    }
    let has = |key: &str| {
        p.spec.containers.iter().any(|c| {
            c.resources.as_ref().and_then(|r| r.get(key)).and_then(|m| m.as_object()).is_some_and(|m| !m.is_empty())
        })
    };
    if !has("requests") && !has("limits") {
        "BestEffort".into()
    } else {
        "Burstable".into()
    }
}

/// `describePod`.
pub fn describe_pod(c: &Cluster, p: &Pod) -> String {
    let now = c.now;
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", p.metadata.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", p.metadata.namespace));
    if let Some(pr) = p.spec.priority.as_ref().and_then(|v| v.as_i64()) {
        w.write(LEVEL_0, &format!("Priority:\t{pr}\n"));
    }
    if let Some(pc) = p.spec.priority_class_name.as_ref().and_then(|v| v.as_str()).filter(|s| !s.is_empty()) {
        w.write(LEVEL_0, &format!("Priority Class Name:\t{pc}\n"));
    }
    if let Some(rc) = p.spec.runtime_class_name.as_ref().and_then(|v| v.as_str()).filter(|s| !s.is_empty()) {
        w.write(LEVEL_0, &format!("Runtime Class Name:\t{rc}\n"));
    }
    if !p.spec.service_account_name.is_empty() {
        w.write(LEVEL_0, &format!("Service Account:\t{}\n", p.spec.service_account_name));
    }
    if p.spec.node_name.is_empty() {
        w.write(LEVEL_0, "Node:\t<none>\n");
    } else {
        w.write(LEVEL_0, &format!("Node:\t{}/{}\n", p.spec.node_name, p.status.host_ip));
    }
    if let Some(t) = p.status.start_time {
        w.write(LEVEL_0, &format!("Start Time:\t{}\n", t.rfc1123z()));
    }
    print_labels_multiline(&mut w, "Labels", &p.metadata.labels);
    print_annotations_multiline(&mut w, "Annotations", &p.metadata.annotations);
    let terminal = matches!(p.status.phase.as_str(), "Failed" | "Succeeded");
    if let (Some(dt), false) = (p.metadata.deletion_timestamp, terminal) {
        w.write(LEVEL_0, &format!("Status:\tTerminating (lasts {})\n", translate_timestamp_since(Some(dt), now)));
        w.write(LEVEL_0, &format!("Termination Grace Period:\t{}s\n", p.metadata.deletion_grace_period_seconds.unwrap_or(0)));
    } else {
        w.write(LEVEL_0, &format!("Status:\t{}\n", p.status.phase));
    }
    if !p.status.reason.is_empty() {
        w.write(LEVEL_0, &format!("Reason:\t{}\n", p.status.reason));
    }
    if !p.status.message.is_empty() {
        w.write(LEVEL_0, &format!("Message:\t{}\n", p.status.message));
    }
    describe_seccomp_profile(&mut w, p.spec.security_context.as_deref(), LEVEL_0);
    w.write(LEVEL_0, &format!("IP:\t{}\n", p.status.pod_ip));
    if p.status.pod_ips.is_empty() {
        w.write(LEVEL_0, "IPs:\t<none>\n");
    } else {
        w.write(LEVEL_0, "IPs:\n");
        for ip in &p.status.pod_ips {
            w.write(LEVEL_1, &format!("IP:\t{}\n", ip.ip));
        }
    }
    if let Some(r) = p.metadata.controller_ref() {
        w.write(LEVEL_0, &format!("Controlled By:\t{}/{}\n", r.kind, r.name));
    }
    if !p.status.nominated_node_name.is_empty() {
        w.write(LEVEL_0, &format!("NominatedNodeName:\t{}\n", p.status.nominated_node_name));
    }
    if !p.spec.init_containers.is_empty() {
        describe_containers(&mut w, "Init Containers", &p.spec.init_containers, &p.status.init_container_statuses, "", Some(p));
    }
    describe_containers(&mut w, "Containers", &p.spec.containers, &p.status.container_statuses, "", Some(p));
    let gates = p.spec.readiness_gates.as_deref().and_then(|g| g.as_array()).cloned().unwrap_or_default();
    if !gates.is_empty() {
        w.write(LEVEL_0, "Readiness Gates:\n  Type\tStatus\n");
        for g in &gates {
            let t = g.get("conditionType").and_then(|v| v.as_str()).unwrap_or("");
            let status = p.status.conditions.iter().find(|c| c.type_ == t).map(|c| c.status.clone()).unwrap_or_else(|| "<none>".into());
            w.write(LEVEL_1, &format!("{t} \t{status} \n"));
        }
    }
    if !p.status.conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\n");
        for cond in &p.status.conditions {
            w.write(LEVEL_1, &format!("{} \t{} \n", cond.type_, cond.status));
        }
    }
    describe_volumes(&mut w, &p.spec.volumes, "");
    w.write(LEVEL_0, &format!("QoS Class:\t{}\n", qos_class(p)));
    print_labels_multiline(&mut w, "Node-Selectors", &p.spec.node_selector);
    print_tolerations(&mut w, "Tolerations", p.spec.tolerations.as_deref());
    describe_topology_spread_constraints(&mut w, p.spec.topology_spread_constraints.as_deref(), "");
    let events = crate::engine::events::events_for(c, &p.metadata.namespace, &p.metadata.uid);
    describe_events(&mut w, &events, now);
    w.finish()
}

#[cfg(test)]
mod tests {
    use crate::engine::api::*;
    use crate::kubectl::testutil::*;

    #[test]
    fn container_block_like_describe_go() {
        // describe.go describeContainers: named ports print as "port/PROTO (name)"
        // (describeContainerPorts, kubernetes#133018, kubectl 1.34+); command elements split at
        // line breaks (describeContainerCommand); describeContainerEnvFrom; describeContainerEnvVars
        // prints a fieldRef as "value (apiVersion:path)" — only metadata.name/namespace resolve —
        // a resourceFieldRef via ExtractContainerResourceValue ("node allocatable" for a 0 limit),
        // and key references with "Optional: b". No restart-policy line, even for a sidecar.
        let mut c = cluster();
        let now = c.now;
        let mut p = running_pod("web-0", "web", now);
        let container: Container = from_value(serde_json::json!({
            "name": "nginx", "image": "nginx",
            "command": ["sh", "-c", "echo hi\nsleep 1"],
            "ports": [{"containerPort": 80, "name": "web", "protocol": "TCP"}, {"containerPort": 9113, "protocol": "TCP"}],
            "envFrom": [{"configMapRef": {"name": "cfg"}}, {"secretRef": {"name": "sec", "optional": true}, "prefix": "S_"}],
            "env": [
                {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
                {"name": "POD_IP", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.podIP"}}},
                {"name": "MEM", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory"}}},
                {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "requests.cpu", "divisor": "1m"}}},
                {"name": "PW", "valueFrom": {"secretKeyRef": {"name": "s", "key": "pw"}}},
                {"name": "LVL", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "level", "optional": true}}}
            ],
            "resources": {"requests": {"cpu": "250m"}}
        }))
        .unwrap();
        p.spec.containers = vec![container].into();
        p.spec.init_containers =
            vec![Container { name: "proxy".into(), image: "envoy".into(), restart_policy: "Always".into(), ..Default::default() }];
        put(&mut c, Object::Pod(p));
        let o = kubectl(&mut c, "describe pod web-0");
        let want = "    Image:         nginx
    Image ID:      
    Ports:         80/TCP (web), 9113/TCP
    Host Ports:    0/TCP (web), 0/TCP
    Command:
      sh
      -c
      echo hi
      sleep 1
    State:          Running
      Started:      Mon, 06 Jan 2025 09:10:00 +0000
    Ready:          True
    Restart Count:  0
    Requests:
      cpu:  250m
    Environment Variables from:
      cfg  ConfigMap                Optional: false
      sec  Secret with prefix 'S_'  Optional: true
    Environment:
      POD_NAME:  web-0 (v1:metadata.name)
      POD_IP:     (v1:status.podIP)
      MEM:       node allocatable (limits.memory)
      CPU:       250 (requests.cpu)
      PW:        <set to the key 'pw' in secret 's'>           Optional: false
      LVL:       <set to the key 'level' of config map 'cfg'>  Optional: true
    Mounts:      <none>
";
        assert!(o.stdout.contains(want), "{}", o.stdout);
        assert!(o.stdout.contains("Init Containers:\n  proxy:\n    Image:        envoy\n    Port:         <none>\n    Host Port:    <none>\n"), "{}", o.stdout);
        assert!(!o.stdout.contains("Restart Policy"), "{}", o.stdout);
    }

    #[test]
    fn readiness_gates_and_topology_spread_like_describe_go() {
        // describePod: a Readiness Gates table ("<none>" for a condition not yet reported) before
        // Conditions; describeTopologySpreadConstraints, sorted by key, after Tolerations — and
        // DescribePodTemplate prints the constraints after Volumes.
        let mut c = cluster();
        let now = c.now;
        let mut p = running_pod("web-0", "web", now);
        p.spec.readiness_gates = Some(serde_json::json!([{"conditionType": "example.com/lb"}, {"conditionType": "Ready"}]).into());
        let tscs = serde_json::json!([
            {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": {"app": "web"}}},
            {"maxSkew": 2, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "DoNotSchedule"}
        ]);
        p.spec.topology_spread_constraints = Some(tscs.clone().into());
        put(&mut c, Object::Pod(p));
        let o = kubectl(&mut c, "describe pod web-0");
        // The Conditions table, `Volumes:  <none>` and what follows are one tabwriter block.
        let gates = "Readiness Gates:
  Type             Status
  example.com/lb   <none> 
  Ready            True 
Conditions:
  Type                        Status
  Ready                       True 
Volumes:                      <none>
";
        assert!(o.stdout.contains(gates), "{}", o.stdout);
        let spread = "Tolerations:                  <none>
Topology Spread Constraints:  kubernetes.io/hostname:DoNotSchedule when max skew 2 is exceeded
                              zone:ScheduleAnyway when max skew 1 is exceeded for selector app=web
Events:                       <none>
";
        assert!(o.stdout.contains(spread), "{}", o.stdout);

        let mut s = sts("db", 1);
        s.spec.template.spec.topology_spread_constraints = Some(tscs.into());
        put(&mut c, Object::StatefulSet(s));
        let o = kubectl(&mut c, "describe sts db");
        let want = "  Volumes:                      <none>
  Topology Spread Constraints:  kubernetes.io/hostname:DoNotSchedule when max skew 2 is exceeded
                                zone:ScheduleAnyway when max skew 1 is exceeded for selector app=web
  Node-Selectors:               <none>
";
        assert!(o.stdout.contains(want), "{}", o.stdout);
    }

    #[test]
    fn runtime_class_and_seccomp_profiles() {
        // describePod: "Runtime Class Name" after the priority lines, the pod's SeccompProfile
        // (LocalhostProfile for Localhost) before IP; describeContainerBasicInfo: the
        // container's after its host ports.
        let mut c = cluster();
        let now = c.now;
        let mut p = running_pod("web-0", "web", now);
        p.spec.runtime_class_name = Some(serde_json::json!("gvisor").into());
        p.spec.security_context = Some(serde_json::json!({"seccompProfile": {"type": "RuntimeDefault"}}).into());
        let mut containers = p.spec.containers.to_vec();
        containers[0].security_context =
            Some(serde_json::json!({"seccompProfile": {"type": "Localhost", "localhostProfile": "profiles/nginx.json"}}).into());
        p.spec.containers = containers.into();
        put(&mut c, Object::Pod(p));
        let o = kubectl(&mut c, "describe pod web-0");
        assert!(o.stdout.starts_with("Name:                web-0\nNamespace:           default\nRuntime Class Name:  gvisor\n"), "{}", o.stdout);
        assert!(o.stdout.contains("Status:              Running\nSeccompProfile:      RuntimeDefault\nIP:                  10.244.1.5\n"), "{}", o.stdout);
        let want = "    Host Port:           <none>
    SeccompProfile:      Localhost
      LocalhostProfile:  profiles/nginx.json
    State:               Running
";
        assert!(o.stdout.contains(want), "{}", o.stdout);
    }

    #[test]
    fn projected_and_downward_api_volumes_like_upstream() {
        // describe.go printProjectedVolumeSource: one line per source (the service-account token
        // volume every pod gets), `Optional:` as a plain bool; printDownwardAPIVolumeSource. The
        // tab-less `Items:` line ends the tabwriter block, so QoS Class aligns on its own.
        let mut c = cluster();
        let now = c.now;
        let mut p = running_pod("web-0", "web", now);
        let projected = serde_json::json!({"defaultMode": 420, "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}}
        ]});
        let mut v1 = Volume { name: "kube-api-access-abcde".into(), ..Default::default() };
        v1.other_sources.insert("projected".into(), projected.into());
        let mut v2 = Volume { name: "podinfo".into(), ..Default::default() };
        v2.other_sources.insert(
            "downwardAPI".into(),
            serde_json::json!({"items": [{"fieldRef": {"fieldPath": "metadata.labels"}, "path": "labels"}]}).into(),
        );
        p.spec.volumes = vec![v1, v2];
        put(&mut c, Object::Pod(p));
        let o = kubectl(&mut c, "describe pod web-0");
        let want = "Volumes:
  kube-api-access-abcde:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    Optional:                false
    DownwardAPI:             true
  podinfo:
    Type:  DownwardAPI (a volume populated by information about the pod)
    Items:
      metadata.labels -> labels
QoS Class:       BestEffort
";
        assert!(o.stdout.contains(want), "{}", o.stdout);
    }
}
