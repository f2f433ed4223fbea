//! Defaulting, as the API server's decoder runs the generated `SetObjectDefaults_*` functions
//! (pkg/apis/apps/v1/defaults.go `SetDefaults_StatefulSet`, pkg/apis/core/v1/defaults.go
//! `SetDefaults_Pod`, `SetDefaults_PodSpec`, `SetDefaults_Container`, `SetDefaults_Probe`,
//! `SetDefaults_PersistentVolumeClaim`, `SetDefaults_Service`, …,
//! pkg/apis/storage/v1/defaults.go `SetDefaults_StorageClass`).

use crate::engine::api::*;
use crate::engine::config::FeatureGates;
use serde_json::{json, Value};

/// `SetDefaults_StatefulSet` plus the defaulters for its template and claim templates.
pub fn set_defaults_stateful_set(sts: &mut StatefulSet, gates: &FeatureGates) {
    let s = &mut sts.spec;
    if s.pod_management_policy.is_empty() {
        s.pod_management_policy = POD_MANAGEMENT_ORDERED_READY.into();
    }
    if s.update_strategy.type_.is_empty() {
        s.update_strategy.type_ = ROLLING_UPDATE.into();
        // Only an empty type gets a rollingUpdate block; `type: RollingUpdate` alone keeps nil.
        s.update_strategy.rolling_update.get_or_insert_with(Default::default);
    }
    if s.update_strategy.type_ == ROLLING_UPDATE {
        if let Some(ru) = &mut s.update_strategy.rolling_update {
            ru.partition.get_or_insert(0);
            if gates.max_unavailable_stateful_set && ru.max_unavailable.is_none() {
                ru.max_unavailable = Some(IntOrString::Int(1));
            }
        }
    }
    let p = s.persistent_volume_claim_retention_policy.get_or_insert_with(Default::default);
    if p.when_deleted.is_empty() {
        p.when_deleted = RETAIN.into();
    }
    if p.when_scaled.is_empty() {
        p.when_scaled = RETAIN.into();
    }
    s.replicas.get_or_insert(1);
    s.revision_history_limit.get_or_insert(10);
    set_defaults_pod_spec(&mut s.template.spec);
    for claim in &mut s.volume_claim_templates {
        // apps/v1 conversion writes the claim templates' type meta.
        claim.api_version = Some("v1".into());
        claim.kind = Some("PersistentVolumeClaim".into());
        set_defaults_pvc(claim);
    }
}

thread_local! {
    /// `enableServiceLinks: true`, set on every pod: one value shared by all of them.
    static ENABLE_SERVICE_LINKS: Shared<Value> = Shared::new(Value::Bool(true));
}

/// `SetDefaults_Pod` (only for Pod objects, not templates) plus the pod spec defaults.
pub fn set_defaults_pod(pod: &mut Pod) {
    let spec = &mut *pod.spec;
    for c in spec.containers.iter_mut().chain(spec.init_containers.iter_mut()) {
        // Requests default to limits when only limits are given.
        if let Some(Value::Object(res)) = c.resources.as_deref_mut() {
            if let Some(Value::Object(limits)) = res.get("limits").cloned() {
                let requests = res.entry("requests").or_insert_with(|| json!({}));
                if let Value::Object(req) = requests {
                    for (k, v) in limits {
                        req.entry(k).or_insert(v);
                    }
                }
            }
        }
    }
    if pod.spec.enable_service_links.is_none() {
        pod.spec.enable_service_links = Some(ENABLE_SERVICE_LINKS.with(Shared::clone));
    }
    set_defaults_pod_spec(&mut pod.spec);
}

/// `SetDefaults_PodSpec` and the per-container, port, probe and volume defaulters.
pub fn set_defaults_pod_spec(s: &mut PodSpec) {
    if s.dns_policy.is_empty() {
        s.dns_policy = "ClusterFirst".into();
    }
    if s.restart_policy.is_empty() {
        s.restart_policy = "Always".into();
    }
    if s.security_context.is_none() {
        s.security_context = Some(json!({}).into());
    }
    s.termination_grace_period_seconds.get_or_insert(30);
    if s.scheduler_name.is_empty() {
        s.scheduler_name = "default-scheduler".into();
    }
    let host_network = s.host_network.as_deref().and_then(Value::as_bool).unwrap_or(false);
    for c in s.containers.iter_mut().chain(s.init_containers.iter_mut()) {
        set_defaults_container(c, host_network);
    }
    for v in &mut s.volumes {
        set_defaults_volume(v);
    }
}

/// `SetDefaults_Container`, `SetDefaults_ContainerPort`, probe and env defaults.
fn set_defaults_container(c: &mut Container, host_network: bool) {
    if c.image_pull_policy.is_empty() {
        c.image_pull_policy = if image_tag_is_latest(&c.image) { "Always" } else { "IfNotPresent" }.into();
    }
    if c.termination_message_path.is_empty() {
        c.termination_message_path = "/dev/termination-log".into();
    }
    if c.termination_message_policy.is_empty() {
        c.termination_message_policy = "File".into();
    }
    // ResourceRequirements is a non-pointer struct: it always serializes (`resources: {}`).
    if c.resources.is_none() {
        c.resources = Some(json!({}).into());
    }
    for p in &mut c.ports {
        if p.protocol.is_empty() {
            p.protocol = "TCP".into();
        }
        if host_network && p.host_port.is_none() {
            p.host_port = Some(p.container_port);
        }
    }
    for probe in [&mut c.liveness_probe, &mut c.readiness_probe, &mut c.startup_probe].into_iter().flatten() {
        set_defaults_probe(probe);
    }
    for e in &mut c.env {
        if let Some(Value::Object(from)) = e.value_from.as_deref_mut() {
            if let Some(Value::Object(fr)) = from.get_mut("fieldRef") {
                fr.entry("apiVersion").or_insert_with(|| json!("v1"));
            }
        }
    }
}

/// Image pull policy default: `Always` for `:latest` or untagged images (digests excepted).
pub fn image_tag_is_latest(image: &str) -> bool {
    if image.contains('@') {
        return false;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        Some((_, tag)) => tag == "latest",
        None => true,
    }
}

/// `SetDefaults_Probe` and `SetDefaults_HTTPGetAction`.
fn set_defaults_probe(p: &mut Probe) {
    p.timeout_seconds.get_or_insert(1);
    p.period_seconds.get_or_insert(10);
    p.success_threshold.get_or_insert(1);
    p.failure_threshold.get_or_insert(3);
    if let Some(Value::Object(h)) = p.http_get.as_deref_mut() {
        h.entry("path").or_insert_with(|| json!("/"));
        h.entry("scheme").or_insert_with(|| json!("HTTP"));
    }
}

/// `SetDefaults_Volume` (no source ⇒ emptyDir) and the sources' `defaultMode: 420`.
fn set_defaults_volume(v: &mut Volume) {
    if v.persistent_volume_claim.is_none() && v.other_sources.is_empty() {
        v.other_sources.insert("emptyDir".into(), json!({}).into());
    }
    for (src, body) in v.other_sources.iter_mut() {
        let (field, default) = match src.as_str() {
            "configMap" | "secret" | "projected" | "downwardAPI" => ("defaultMode", json!(420)),
            "hostPath" => ("type", json!("")),
            _ => continue,
        };
        // Only a body that lacks the field is written to: writing copies a body shared with
        // other versions (a pod's volumes start as its template's).
        if body.as_object().is_some_and(|b| !b.contains_key(field)) {
            if let Value::Object(b) = &mut **body {
                b.insert(field.into(), default);
            }
        }
    }
}

/// `SetDefaults_PersistentVolumeClaim` + `SetDefaults_PersistentVolumeClaimSpec`.
pub fn set_defaults_pvc(pvc: &mut PersistentVolumeClaim) {
    if pvc.status.phase.is_empty() {
        pvc.status.phase = "Pending".into();
    }
    pvc.spec.volume_mode.get_or_insert_with(|| "Filesystem".into());
}

/// `SetDefaults_PersistentVolume`.
pub fn set_defaults_pv(pv: &mut PersistentVolume) {
    if pv.status.phase.is_empty() {
        pv.status.phase = "Pending".into();
    }
    if pv.spec.persistent_volume_reclaim_policy.is_empty() {
        pv.spec.persistent_volume_reclaim_policy = "Retain".into();
    }
    pv.spec.volume_mode.get_or_insert_with(|| "Filesystem".into());
}

/// `SetDefaults_StorageClass`.
pub fn set_defaults_storage_class(sc: &mut StorageClass) {
    sc.reclaim_policy.get_or_insert_with(|| "Delete".into());
    sc.volume_binding_mode.get_or_insert_with(|| "Immediate".into());
}

/// `SetDefaults_Service` (the IP families and cluster IP come from the allocator, see
/// `plugins::allocate_service_ips`).
/// `SetDefaults_Secret` (pkg/apis/core/v1/defaults.go): a Secret without a `type` is `Opaque`.
pub fn set_defaults_secret(secret: &mut crate::engine::api::GenericObject) {
    let untyped = match secret.rest.get("type") {
        None | Some(serde_json::Value::Null) => true,
        Some(serde_json::Value::String(t)) => t.is_empty(),
        Some(_) => false,
    };
    if untyped {
        secret.rest.insert("type".into(), serde_json::Value::String("Opaque".into()));
    }
}

pub fn set_defaults_service(svc: &mut Service) {
    let s = &mut svc.spec;
    if s.session_affinity.is_empty() {
        s.session_affinity = "None".into();
    }
    if s.session_affinity == "ClientIP" && s.session_affinity_config.is_none() {
        s.session_affinity_config = Some(json!({"clientIP": {"timeoutSeconds": 10800}}).into());
    }
    if s.type_.is_empty() {
        s.type_ = "ClusterIP".into();
    }
    for p in &mut s.ports {
        if p.protocol.is_empty() {
            p.protocol = "TCP".into();
        }
        let unset = match &p.target_port {
            None => true,
            Some(IntOrString::Int(0)) => true,
            Some(IntOrString::String(t)) => t.is_empty(),
            _ => false,
        };
        if unset {
            p.target_port = Some(IntOrString::Int(p.port as i64));
        }
    }
    if matches!(s.type_.as_str(), "NodePort" | "LoadBalancer") && s.external_traffic_policy.is_none() {
        s.external_traffic_policy = Some(json!("Cluster").into());
    }
    if s.type_ == "LoadBalancer" && s.allocate_load_balancer_node_ports.is_none() {
        s.allocate_load_balancer_node_ports = Some(json!(true).into());
    }
    if s.type_ != "ExternalName" && s.internal_traffic_policy.is_none() {
        s.internal_traffic_policy = Some("Cluster".into());
    }
}

/// The decoder's `resource.Quantity` round trip: every quantity the server decodes is stored
/// in its canonical form (`Quantity.String()`, quantity.go `CanonicalizeBytes`), so
/// `cpu: 1000m` reads back as `cpu: "1"`. Covers the quantities the playground's kinds carry.
pub fn canonicalize_quantities(obj: &mut Object) {
    use super::super::api::quantity::{canonicalize, canonicalize_resource_list};
    fn requirements(r: &mut Value) {
        for part in ["limits", "requests"] {
            if let Some(l) = r.get_mut(part) {
                canonicalize_resource_list(l);
            }
        }
    }
    fn claim_spec(spec: &mut PersistentVolumeClaimSpec) {
        for l in [&mut spec.resources.limits, &mut spec.resources.requests] {
            l.values_mut().for_each(canonicalize);
        }
    }
    fn pod_spec(s: &mut PodSpec) {
        for c in s.containers.iter_mut().chain(s.init_containers.iter_mut()) {
            if let Some(r) = c.resources.as_deref_mut() {
                requirements(r);
            }
        }
        if let Some(r) = s.resources.as_deref_mut() {
            requirements(r);
        }
        if let Some(o) = s.overhead.as_deref_mut() {
            canonicalize_resource_list(o);
        }
        for v in &mut s.volumes {
            if let Some(q) = v.other_sources.get_mut("emptyDir").and_then(|e| e.get_mut("sizeLimit")) {
                canonicalize(q);
            }
            let eph = v.other_sources.get_mut("ephemeral");
            if let Some(r) = eph.and_then(|e| e.pointer_mut("/volumeClaimTemplate/spec/resources")) {
                requirements(r);
            }
        }
    }
    match obj {
        Object::Pod(p) => pod_spec(&mut p.spec),
        Object::StatefulSet(sts) => {
            pod_spec(&mut sts.spec.template.spec);
            for claim in &mut sts.spec.volume_claim_templates {
                claim_spec(&mut claim.spec);
            }
        }
        Object::PersistentVolumeClaim(pvc) => claim_spec(&mut pvc.spec),
        Object::PersistentVolume(pv) => {
            pv.spec.capacity.values_mut().for_each(canonicalize);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_and_untagged_images_pull_always() {
        assert!(image_tag_is_latest("nginx"));
        assert!(image_tag_is_latest("nginx:latest"));
        assert!(image_tag_is_latest("localhost:5000/nginx"));
        assert!(!image_tag_is_latest("nginx:1.27"));
        assert!(!image_tag_is_latest("nginx@sha256:abc"));
    }

    #[test]
    fn explicit_rolling_update_type_keeps_nil_rolling_update() {
        let mut sts = StatefulSet::default();
        sts.spec.update_strategy.type_ = ROLLING_UPDATE.into();
        set_defaults_stateful_set(&mut sts, &FeatureGates::default());
        assert!(sts.spec.update_strategy.rolling_update.is_none());
        let mut sts = StatefulSet::default();
        set_defaults_stateful_set(&mut sts, &FeatureGates::default());
        assert_eq!(sts.spec.update_strategy.rolling_update.unwrap().partition, Some(0));
        let mut sts = StatefulSet::default();
        set_defaults_stateful_set(&mut sts, &FeatureGates { max_unavailable_stateful_set: true });
        assert_eq!(sts.spec.update_strategy.rolling_update.unwrap().max_unavailable, Some(IntOrString::Int(1)));
    }

    #[test]
    fn a_secret_without_a_type_is_opaque() {
        let mut g = crate::engine::api::GenericObject::default();
        set_defaults_secret(&mut g);
        assert_eq!(g.rest.get("type"), Some(&serde_json::json!("Opaque")));
        g.rest.insert("type".into(), serde_json::json!("kubernetes.io/tls"));
        set_defaults_secret(&mut g);
        assert_eq!(g.rest.get("type"), Some(&serde_json::json!("kubernetes.io/tls")));
    }

    #[test]
    fn probe_and_service_defaults() {
        let mut p = Probe { http_get: Some(json!({"port": 80}).into()), ..Default::default() };
        set_defaults_probe(&mut p);
        assert_eq!((p.timeout_seconds, p.period_seconds, p.success_threshold, p.failure_threshold), (Some(1), Some(10), Some(1), Some(3)));
        assert_eq!(p.http_get.unwrap()["scheme"], "HTTP");
        let mut svc = Service::default();
        svc.spec.ports.push(ServicePort { port: 8080, ..Default::default() });
        set_defaults_service(&mut svc);
        assert_eq!(svc.spec.ports[0].target_port, Some(IntOrString::Int(8080)));
        assert_eq!(svc.spec.ports[0].protocol, "TCP");
        assert_eq!(svc.spec.type_, "ClusterIP");
    }
}
