//! Mutating admission plugins and registry strategies that change an object before it is stored:
//! DefaultStorageClass, StorageObjectInUseProtection, ServiceAccount, DefaultTolerationSeconds,
//! Priority (plugin/pkg/admission/…), the Service registry's cluster IP allocator
//! (pkg/registry/core/service/ipallocator) and the strategies' `PrepareForCreate` (status reset).

use crate::engine::api::*;
use crate::engine::sim::Cluster;
use serde_json::json;

/// Finalizer added to every PVC (StorageObjectInUseProtection).
pub const PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";
/// Finalizer added to every PV (StorageObjectInUseProtection).
pub const PV_PROTECTION: &str = "kubernetes.io/pv-protection";
/// The name prefix of the ServiceAccount plugin's token volume (`kube-api-access-xxxxx`).
const KUBE_API_ACCESS_PREFIX: &str = "kube-api-access-";
/// The service CIDR the simulated API server allocates cluster IPs from (kind's default).
pub const SERVICE_CIDR: &str = "10.96.0.0/12";
const SERVICE_BASE: u32 = (10 << 24) | (96 << 16);
const SERVICE_SIZE: u32 = 1 << 20;
/// The allocator's static band (`min(max(16, size/16), 256)` addresses at the bottom of the
/// range) is only used for explicitly requested IPs; dynamic allocation starts above it.
const STATIC_BAND: u32 = 256;

fn add_finalizer(m: &mut ObjectMeta, f: &str) {
    if !m.finalizers.iter().any(|x| x == f) {
        m.finalizers.push(f.to_string());
    }
}

/// DefaultStorageClass: a PVC without `storageClassName` gets the default class (newest one if
/// several are marked default); StorageObjectInUseProtection adds the protection finalizer.
pub fn admit_pvc(c: &Cluster, pvc: &mut PersistentVolumeClaim) {
    if pvc.spec.storage_class_name.is_none() {
        let default = c
            .store
            .list(Kind::StorageClass, None)
            .filter_map(|o| o.as_storage_class())
            .filter(|sc| sc.is_default())
            // Newest default wins; ties go to the name that sorts first.
            .max_by(|a, b| {
                a.metadata.creation_timestamp.cmp(&b.metadata.creation_timestamp).then(b.metadata.name.cmp(&a.metadata.name))
            });
        if let Some(sc) = default {
            pvc.spec.storage_class_name = Some(sc.metadata.name.clone());
        }
    }
    add_finalizer(&mut pvc.metadata, PVC_PROTECTION);
}

/// StorageObjectInUseProtection for PVs.
pub fn admit_pv(pv: &mut PersistentVolume) {
    add_finalizer(&mut pv.metadata, PV_PROTECTION);
}

thread_local! {
    /// The projected source of the service-account token volume (`kube-api-access-*`): the same
    /// for every pod, so all pods share one copy.
    static KUBE_API_ACCESS: Shared<serde_json::Value> = Shared::new(json!({
        "defaultMode": 420,
        "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
            {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}}
        ]
    }));
    /// Priority's `priority: 0` and the default `preemptionPolicy` (shared, as above).
    static ZERO_PRIORITY: Shared<serde_json::Value> = Shared::new(json!(0));
    static PREEMPT_LOWER_PRIORITY: Shared<serde_json::Value> = Shared::new(json!("PreemptLowerPriority"));
    /// DefaultTolerationSeconds' tolerations for a pod that has none (shared, as above).
    static DEFAULT_TOLERATIONS: Shared<serde_json::Value> = Shared::new(json!([
        {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
        {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300}
    ]));
}

/// The pod plugins: ServiceAccount (default account and its token volume),
/// DefaultTolerationSeconds, Priority; then the strategy's status reset.
pub fn admit_pod(c: &mut Cluster, pod: &mut Pod) {
    let s = &mut *pod.spec;
    if s.service_account_name.is_empty() {
        s.service_account_name = if s.service_account.is_empty() { "default".into() } else { s.service_account.clone() };
    }
    // The deprecated alias mirrors the name (v1 conversion).
    s.service_account = s.service_account_name.clone();
    let automount = s.automount_service_account_token.as_ref().and_then(|v| v.as_bool()).unwrap_or(true);
    let has_token_volume = s.volumes.iter().any(|v| v.name.starts_with(KUBE_API_ACCESS_PREFIX));
    if automount && !has_token_volume {
        // Built in place: every pod gets one.
        let mut name = String::with_capacity(KUBE_API_ACCESS_PREFIX.len() + 5);
        name.push_str(KUBE_API_ACCESS_PREFIX);
        c.rng.push_k8s_string(&mut name, 5);
        for ctr in s.containers.iter_mut().chain(s.init_containers.iter_mut()) {
            ctr.volume_mounts.push(VolumeMount {
                name: name.clone(),
                read_only: Some(true),
                mount_path: "/var/run/secrets/kubernetes.io/serviceaccount".into(),
                ..Default::default()
            });
        }
        // The volume takes the name itself (the mounts above took copies).
        let mut v = Volume { name, ..Default::default() };
        v.other_sources.insert("projected".into(), KUBE_API_ACCESS.with(Shared::clone));
        s.volumes.push(v);
    }
    default_toleration_seconds(s);
    if s.priority.is_none() {
        s.priority = Some(ZERO_PRIORITY.with(Shared::clone));
    }
    if s.preemption_policy.is_none() {
        s.preemption_policy = Some(PREEMPT_LOWER_PRIORITY.with(Shared::clone));
    }
    // podStrategy.PrepareForCreate: status is the server's.
    pod.status = PodStatus { phase: phase::PENDING.into(), qos_class: qos_class(&pod.spec).into(), ..Default::default() };
}

/// DefaultTolerationSeconds (plugin/pkg/admission/defaulttolerationseconds, `Admit`, which
/// handles both Create and Update): the not-ready and unreachable NoExecute tolerations, 300 s,
/// unless the pod already tolerates those taints.
fn default_toleration_seconds(s: &mut PodSpec) {
    if s.tolerations.is_none() {
        // Nothing given: the result is always the two defaults, one value shared by every pod.
        s.tolerations = Some(DEFAULT_TOLERATIONS.with(Shared::clone));
    } else {
        let mut tolerations = match s.tolerations.take().map(Shared::unwrap_or_clone) {
            Some(serde_json::Value::Array(t)) => t,
            _ => Vec::new(),
        };
        for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
            let covered = tolerations.iter().any(|t| {
                let k = t.get("key").and_then(|k| k.as_str()).unwrap_or("");
                let effect = t.get("effect").and_then(|e| e.as_str()).unwrap_or("");
                (k == key || k.is_empty()) && (effect == "NoExecute" || effect.is_empty())
            });
            if !covered {
                tolerations.push(json!({"effect": "NoExecute", "key": key, "operator": "Exists", "tolerationSeconds": 300}));
            }
        }
        s.tolerations = Some(serde_json::Value::Array(tolerations).into());
    }
}

/// The pod plugins on an update: DefaultTolerationSeconds again, and Priority's `admitPod`,
/// which keeps the stored `priority` and `preemptionPolicy` when the request leaves them unset
/// (plugin/pkg/admission/priority/admission.go). ServiceAccount mutates on create only.
pub fn admit_pod_update(old: &Pod, pod: &mut Pod) {
    let s = &mut *pod.spec;
    default_toleration_seconds(s);
    if s.priority.is_none() {
        s.priority = old.spec.priority.clone();
    }
    if s.preemption_policy.is_none() {
        s.preemption_policy = old.spec.preemption_policy.clone();
    }
}

/// `qos.GetPodQOS`: Guaranteed when every container has equal cpu and memory requests and
/// limits, BestEffort when none sets any, else Burstable.
pub fn qos_class(spec: &PodSpec) -> &'static str {
    let mut any = false;
    let mut guaranteed = true;
    for c in spec.containers.iter().chain(spec.init_containers.iter()) {
        let res = c.resources.as_ref();
        let get = |part: &str, r: &str| res.and_then(|v| v.get(part)).and_then(|m| m.get(r)).cloned();
        for r in ["cpu", "memory"] {
            let (req, lim) = (get("requests", r), get("limits", r));
            if req.is_some() || lim.is_some() {
                any = true;
            }
            if lim.is_none() || (req.is_some() && req != lim) {
                guaranteed = false;
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

fn ip_string(ip: u32) -> String {
    format!("{}.{}.{}.{}", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255)
}

fn parse_ip(s: &str) -> Option<u32> {
    let parts: Vec<u32> = s.split('.').map(|p| p.parse::<u32>().ok().filter(|n| *n < 256)).collect::<Option<_>>()?;
    (parts.len() == 4).then(|| (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3])
}

/// The Service registry's allocation on create: IP families for a single-stack IPv4 cluster and
/// a cluster IP from [`SERVICE_CIDR`] (random but seeded, above the static band), unless
/// headless or ExternalName. Returns an error message for a requested IP that cannot be had.
pub fn allocate_service_ips(c: &mut Cluster, svc: &mut Service) -> Result<(), String> {
    let s = &mut svc.spec;
    // normalizeClusterIPs (the registry's beginCreate) runs for every type, before allocation.
    if s.cluster_ip.is_empty() {
        if let Some(first) = s.cluster_ips.first() {
            s.cluster_ip = first.clone();
        }
    } else if s.cluster_ips.is_empty() {
        s.cluster_ips = vec![s.cluster_ip.clone()];
    }
    if s.type_ == "ExternalName" {
        // initIPFamilyFields and the IP allocation skip ExternalName; validation then refuses
        // any clusterIPs.
        return Ok(());
    }
    let headless = s.cluster_ip == "None";
    if s.ip_family_policy.is_none() {
        // Headless services without a selector may span both families.
        let policy = if headless && s.selector.is_empty() { "RequireDualStack" } else { "SingleStack" };
        s.ip_family_policy = Some(policy.into());
    }
    if s.ip_families.is_empty() {
        s.ip_families = vec!["IPv4".into()];
    }
    if headless {
        s.cluster_ips = vec!["None".into()];
        return Ok(());
    }
    let used: std::collections::BTreeSet<String> = crate::util::sort::btree_set(
        c.store.list(Kind::Service, None).filter_map(|o| o.as_service()).map(|x| x.spec.cluster_ip.clone()),
    );
    if !s.cluster_ip.is_empty() {
        let in_range = parse_ip(&s.cluster_ip).is_some_and(|ip| ip > SERVICE_BASE && ip < SERVICE_BASE + SERVICE_SIZE - 1);
        if !in_range {
            return Err(format!(
                "failed to allocate IP {ip}: the provided IP ({ip}) is not in the valid range. The range of valid IPs is {SERVICE_CIDR}",
                ip = s.cluster_ip
            ));
        }
        if used.contains(&s.cluster_ip) {
            return Err(format!("failed to allocate IP {}: provided IP is already allocated", s.cluster_ip));
        }
    } else {
        let ip = loop {
            let off = c.rng.range(STATIC_BAND as u64, (SERVICE_SIZE - 2) as u64) as u32;
            let ip = ip_string(SERVICE_BASE + off);
            if !used.contains(&ip) {
                break ip;
            }
        };
        s.cluster_ip = ip;
    }
    s.cluster_ips = vec![s.cluster_ip.clone()];
    Ok(())
}

/// Service update: values the user left out are kept from the stored object
/// (`PatchAllocatedValues`).
pub fn keep_allocated_service_values(old: &Service, new: &mut Service) {
    let (o, n) = (&old.spec, &mut new.spec);
    if n.cluster_ip.is_empty() && n.cluster_ips.is_empty() {
        n.cluster_ip = o.cluster_ip.clone();
        n.cluster_ips = o.cluster_ips.clone();
    } else if n.cluster_ips.is_empty() {
        // normalizeClusterIPs: a lone clusterIP is the first of clusterIPs.
        n.cluster_ips = vec![n.cluster_ip.clone()];
    }
    if n.ip_families.is_empty() {
        n.ip_families = o.ip_families.clone();
    }
    if n.ip_family_policy.is_none() {
        n.ip_family_policy = o.ip_family_policy.clone();
    }
    // Node ports only when both the stored and the new type use them.
    if needs_node_port(o) && needs_node_port(n) {
        for p in &mut n.ports {
            if p.node_port.is_none() {
                p.node_port = o.ports.iter().find(|q| q.port == p.port && q.protocol == p.protocol).and_then(|q| q.node_port);
            }
        }
    }
}

/// `needsNodePort` / `needsExternalTrafficPolicy` (pkg/registry/core/service/strategy.go).
fn needs_node_port(s: &ServiceSpec) -> bool {
    matches!(s.type_.as_str(), "NodePort" | "LoadBalancer")
}

/// The Service strategy's `dropTypeDependentFields` (the fields validated here): on a change to
/// a type without node ports, node ports the user left as they were are wiped, and so is an
/// unchanged externalTrafficPolicy; changed ones stay, for validation to refuse.
pub fn drop_type_dependent_fields(old: &Service, new: &mut Service) {
    let (o, n) = (&old.spec, &mut new.spec);
    if !needs_node_port(o) || needs_node_port(n) {
        return;
    }
    // sameNodePorts: no node port that the stored object did not have.
    let same = n.ports.iter().filter_map(|p| p.node_port.filter(|&v| v != 0)).all(|v| o.ports.iter().any(|q| q.node_port == Some(v)));
    if same {
        for p in &mut n.ports {
            p.node_port = None;
        }
    }
    if n.external_traffic_policy == o.external_traffic_policy {
        n.external_traffic_policy = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qos_classes() {
        let mut spec = PodSpec { containers: vec![Container::default()].into(), ..Default::default() };
        assert_eq!(qos_class(&spec), "BestEffort");
        spec.containers[0].resources = Some(json!({"requests": {"cpu": "1"}}).into());
        assert_eq!(qos_class(&spec), "Burstable");
        spec.containers[0].resources = Some(json!({"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}}).into());
        assert_eq!(qos_class(&spec), "Guaranteed");
    }

    #[test]
    fn ips_parse_and_print() {
        assert_eq!(parse_ip("10.96.0.10").map(ip_string).as_deref(), Some("10.96.0.10"));
        assert_eq!(parse_ip("10.96.0"), None);
        assert_eq!(parse_ip("300.1.1.1"), None);
    }
}
