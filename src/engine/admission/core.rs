//! Core kind validation (pkg/apis/core/validation/validation.go): `ValidatePodCreate` (the parts
//! a StatefulSet's pods hit: container names, images, ports, volume mounts, probes, hostname;
//! updates are in `pod_update`),
//! `ValidatePersistentVolumeClaim` /
//! `ValidatePersistentVolumeClaimUpdate`.

use super::format::go_quote;
use super::meta::{is_dns1123_label, validate_object_meta, NameRule};
use super::path::Path;
use crate::engine::api::quantity::{canonical_quantity, cmp_quantities};
use crate::engine::api::*;
use crate::engine::error::FieldError;
use crate::engine::manifest::gotypes::quantity_error;
use crate::engine::volumes::parse_quantity;

pub(super) fn port_range(port: i64, path: impl std::fmt::Display) -> Option<FieldError> {
    (!(1..=65535).contains(&port)).then(|| FieldError::invalid(path.to_string(), port.to_string(), "must be between 1 and 65535, inclusive"))
}

/// `IsValidPortName`.
pub(super) fn is_valid_port_name(name: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if name.len() > 15 {
        errs.push("must be no more than 15 characters".to_string());
    }
    if !name.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-') {
        errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".into());
    }
    if name.contains("--") {
        errs.push("must not contain consecutive hyphens".into());
    }
    if !name.bytes().any(|c| c.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)".into());
    }
    if name.starts_with('-') || name.ends_with('-') {
        errs.push("must not begin or end with a hyphen".into());
    }
    errs
}

fn validate_probe(p: &Probe, path: &Path, liveness_or_startup: bool) -> Vec<FieldError> {
    let mut errs = Vec::new();
    // validateHandler: every handler after the first is Forbidden at its own path.
    let set = [("exec", p.exec.is_some()), ("httpGet", p.http_get.is_some()), ("tcpSocket", p.tcp_socket.is_some()), ("grpc", p.grpc.is_some())];
    let mut handlers = 0;
    for (name, present) in set {
        if present {
            if handlers > 0 {
                errs.push(FieldError::forbidden(path.child(name), "may not specify more than 1 handler type"));
            }
            handlers += 1;
        }
    }
    if handlers == 0 {
        errs.push(FieldError::required(*path, "must specify a handler type"));
    }
    for (f, v) in [
        ("initialDelaySeconds", p.initial_delay_seconds),
        ("timeoutSeconds", p.timeout_seconds),
        ("periodSeconds", p.period_seconds),
        ("successThreshold", p.success_threshold),
        ("failureThreshold", p.failure_threshold),
    ] {
        if let Some(e) = super::apps::validate_nonnegative(v.unwrap_or(0) as i64, path.child(f)) {
            errs.push(e);
        }
    }
    if liveness_or_startup && p.success_threshold.is_some_and(|s| s != 1) {
        errs.push(FieldError::invalid(
            path.child("successThreshold"),
            p.success_threshold.unwrap_or(0).to_string(),
            "must be 1",
        ));
    }
    errs
}

/// Containers of one list (`validateContainers`, or `validateInitContainers` when `init`);
/// `others` are the containers validated before it (an init container's name must differ from
/// the containers' too). Uniqueness is checked against the earlier items rather than through a
/// set: lists are a handful long, and every pod comes through here. `claims` are further volume
/// names a mount may use (a StatefulSet's claim templates).
fn validate_containers(
    list: &[Container],
    path: &Path,
    volumes: &[Volume],
    claims: &[&str],
    others: &[Container],
    init: bool,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let p = path.index(i);
        if c.name.is_empty() {
            errs.push(FieldError::required(p.child("name"), ""));
        } else {
            errs.extend(is_dns1123_label(&c.name).into_iter().map(|m| FieldError::invalid(p.child("name"), go_quote(&c.name), m)));
        }
        // validateContainerCommon: only an empty image is Required; a padded one is refused on
        // pods alone (validateContainersOnlyForPod), as templates may carry " " as a token.
        if c.image.is_empty() {
            errs.push(FieldError::required(p.child("image"), ""));
        }
        let ports = p.child("ports");
        for (j, port) in c.ports.iter().enumerate() {
            let pp = ports.index(j);
            if !port.name.is_empty() {
                errs.extend(is_valid_port_name(&port.name).into_iter().map(|m| FieldError::invalid(pp.child("name"), go_quote(&port.name), m)));
                if c.ports[..j].iter().any(|o| o.name == port.name) {
                    errs.push(FieldError::duplicate(pp.child("name"), go_quote(&port.name)));
                }
            }
            if port.container_port == 0 {
                errs.push(FieldError::required(pp.child("containerPort"), ""));
            } else {
                errs.extend(port_range(port.container_port as i64, pp.child("containerPort")));
            }
            if let Some(h) = port.host_port {
                if h != 0 {
                    errs.extend(port_range(h as i64, pp.child("hostPort")));
                }
            }
            if !matches!(port.protocol.as_str(), "TCP" | "UDP" | "SCTP") {
                errs.push(FieldError::not_supported(pp.child("protocol"), &port.protocol, &["SCTP", "TCP", "UDP"]));
            }
        }
        // ValidateEnv (RelaxedEnvironmentVariableValidation, GA in 1.34: IsRelaxedEnvVarName).
        let env = p.child("env");
        for (j, e) in c.env.iter().enumerate() {
            if e.name.is_empty() {
                errs.push(FieldError::required(env.index(j).child("name"), ""));
            } else if e.name.chars().any(|ch| !(' '..='~').contains(&ch) || ch == '=') {
                errs.push(FieldError::invalid(
                    env.index(j).child("name"),
                    go_quote(&e.name),
                    "a valid environment variable name must consist only of printable ASCII characters other than '='",
                ));
            }
        }
        let mounts = p.child("volumeMounts");
        for (j, m) in c.volume_mounts.iter().enumerate() {
            let mp = mounts.index(j);
            if m.name.is_empty() {
                errs.push(FieldError::required(mp.child("name"), ""));
            } else if !volumes.iter().any(|v| v.name == m.name) && !claims.contains(&m.name.as_str()) {
                errs.push(FieldError::not_found(mp.child("name"), go_quote(&m.name)));
            }
            if m.mount_path.is_empty() {
                errs.push(FieldError::required(mp.child("mountPath"), ""));
            } else if c.volume_mounts[..j].iter().any(|o| o.mount_path == m.mount_path) {
                errs.push(FieldError::invalid(mp.child("mountPath"), go_quote(&m.mount_path), "must be unique"));
            }
        }
        // validateContainerCommon: the pull policy after the mounts, before the resources.
        if !c.image_pull_policy.is_empty() && !matches!(c.image_pull_policy.as_str(), "Always" | "IfNotPresent" | "Never") {
            errs.push(FieldError::not_supported(p.child("imagePullPolicy"), &c.image_pull_policy, &["Always", "IfNotPresent", "Never"]));
        }
        if let Some(res) = &c.resources {
            for part in ["limits", "requests"] {
                if let Some(serde_json::Value::Object(m)) = res.get(part) {
                    for (k, v) in m {
                        // Both messages print the value with `Quantity.String()`: canonical.
                        let shown = canonical_quantity(v).unwrap_or_else(|| v.as_str().map_or_else(|| v.to_string(), str::to_string));
                        if quantity_error(v).is_none() && v.as_str().is_some_and(|s| s.starts_with('-')) {
                            errs.push(FieldError::invalid(
                                format!("{p}.resources.{part}[{k}]"),
                                go_quote(&shown),
                                "must be greater than or equal to 0",
                            ));
                        }
                        // ValidateResourceRequirements: a request above its limit.
                        let limit = res.get("limits").and_then(|l| l.get(k)).and_then(parse_quantity);
                        if part == "requests" && parse_quantity(v).zip(limit).is_some_and(|(r, l)| r > l) {
                            errs.push(FieldError::invalid(
                                format!("{p}.resources.requests"),
                                go_quote(&shown),
                                format!("must be less than or equal to {k} limit"),
                            ));
                        }
                    }
                }
            }
        }
        // validateInitContainerRestartPolicy: only Always (a sidecar) is accepted.
        if init && !c.restart_policy.is_empty() && c.restart_policy != "Always" {
            errs.push(FieldError::not_supported(p.child("restartPolicy"), &c.restart_policy, &["Always"]));
        }
        // validateContainers / validateInitContainers: the Duplicate name after
        // validateContainerCommon, before the probes.
        if !c.name.is_empty() && others.iter().chain(&list[..i]).any(|o| o.name == c.name) {
            errs.push(FieldError::duplicate(p.child("name"), go_quote(&c.name)));
        }
        if init && c.restart_policy != "Always" {
            // validateInitContainers: a regular init container may have no lifecycle or probes.
            const MSG: &str = "may not be set for init containers without restartPolicy=Always";
            let set = [
                ("lifecycle", c.lifecycle.is_some()),
                ("livenessProbe", c.liveness_probe.is_some()),
                ("readinessProbe", c.readiness_probe.is_some()),
                ("startupProbe", c.startup_probe.is_some()),
            ];
            errs.extend(set.into_iter().filter(|(_, on)| *on).map(|(f, _)| FieldError::forbidden(p.child(f), MSG)));
            continue;
        }
        if let Some(pr) = &c.liveness_probe {
            errs.extend(validate_probe(pr, &p.child("livenessProbe"), true));
        }
        if let Some(pr) = &c.readiness_probe {
            errs.extend(validate_probe(pr, &p.child("readinessProbe"), false));
        }
        if let Some(pr) = &c.startup_probe {
            errs.extend(validate_probe(pr, &p.child("startupProbe"), true));
        }
        // validateContainers: restartPolicy is for init containers only.
        if !init && !c.restart_policy.is_empty() {
            errs.push(FieldError::forbidden(p.child("restartPolicy"), "may not be set for non-init containers"));
        }
    }
    errs
}

/// `ValidatePodSpec` (the simulated parts).
pub fn validate_pod_spec(s: &PodSpec, path: &str) -> Vec<FieldError> {
    validate_pod_spec_inner(s, path, &[], true)
}

/// `ValidatePodSpec` of a StatefulSet's template as `ValidateStatefulSetSpec` (1.34+,
/// pkg/apis/apps/validation/validation.go) prepares it: one PVC volume per volumeClaimTemplate
/// (`volumesToAddForTemplates`) placed before the template's own volumes, which it replaces on
/// a name clash; `hostname` and `subdomain` blanked (the controller's `initIdentity` overwrites
/// them), so they are not checked.
pub fn validate_pod_spec_with_claims(s: &PodSpec, path: &str, claims: &[&str]) -> Vec<FieldError> {
    validate_pod_spec_inner(s, path, claims, false)
}

fn validate_pod_spec_inner(s: &PodSpec, path: &str, claims: &[&str], identity: bool) -> Vec<FieldError> {
    let path = Path::new(path);
    let mut errs = Vec::new();
    let volumes = path.child("volumes");
    // The claim volumes come from a Go map, so with several claim templates their order varies
    // between requests; sorted here to stay deterministic.
    let mut claim_names: Vec<&str> = claims.to_vec();
    claim_names.sort_unstable();
    claim_names.dedup();
    for (i, name) in claim_names.iter().enumerate() {
        let p = volumes.index(i);
        let p = p.child("name");
        if name.is_empty() {
            errs.push(FieldError::required(p, ""));
        } else {
            errs.extend(is_dns1123_label(name).into_iter().map(|m| FieldError::invalid(p, go_quote(name), m)));
        }
    }
    let own: Vec<&Volume> = s.volumes.iter().filter(|v| !claim_names.contains(&v.name.as_str())).collect();
    for (j, v) in own.iter().enumerate() {
        let item = volumes.index(claim_names.len() + j);
        let p = item.child("name");
        if v.name.is_empty() {
            errs.push(FieldError::required(p, ""));
            continue;
        }
        errs.extend(is_dns1123_label(&v.name).into_iter().map(|m| FieldError::invalid(p, go_quote(&v.name), m)));
        if own[..j].iter().any(|o| o.name == v.name) {
            errs.push(FieldError::duplicate(p, go_quote(&v.name)));
        }
    }
    let containers = path.child("containers");
    if s.containers.is_empty() {
        errs.push(FieldError::required(containers, ""));
    }
    errs.extend(validate_containers(&s.containers, &containers, &s.volumes, claims, &[], false));
    errs.extend(validate_containers(&s.init_containers, &path.child("initContainers"), &s.volumes, claims, &s.containers, true));
    if !matches!(s.restart_policy.as_str(), "Always" | "OnFailure" | "Never") {
        errs.push(FieldError::not_supported(path.child("restartPolicy"), &s.restart_policy, &["Always", "OnFailure", "Never"]));
    }
    if !matches!(s.dns_policy.as_str(), "ClusterFirst" | "ClusterFirstWithHostNet" | "Default" | "None") {
        errs.push(FieldError::not_supported(
            path.child("dnsPolicy"),
            &s.dns_policy,
            &["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
        ));
    }
    for (field, v) in [("hostname", &s.hostname), ("subdomain", &s.subdomain)] {
        if identity && !v.is_empty() {
            errs.extend(is_dns1123_label(v).into_iter().map(|m| FieldError::invalid(path.child(field), go_quote(v), m)));
        }
    }
    if let Some(g) = s.termination_grace_period_seconds {
        errs.extend(super::apps::validate_nonnegative(g, path.child("terminationGracePeriodSeconds")));
    }
    if let Some(a) = s.active_deadline_seconds {
        if a <= 0 {
            errs.push(FieldError::invalid(path.child("activeDeadlineSeconds"), a.to_string(), "must be between 1 and 2147483647, inclusive"));
        }
    }
    errs
}

/// `validateContainersOnlyForPod`: a pod's (not a template's) images may not be padded.
fn validate_containers_only_for_pod<'a>(list: &'a [Container], path: &'a str) -> impl Iterator<Item = FieldError> + 'a {
    list.iter().enumerate().filter(|(_, c)| c.image.trim() != c.image).map(move |(i, c)| {
        FieldError::invalid(format!("{path}[{i}].image"), go_quote(&c.image), "must not have leading or trailing whitespace")
    })
}

/// `validatePodMetadataAndSpec`, all of `ValidatePodCreate` the playground meets (and the
/// first part of `ValidatePodUpdate`): metadata, `ValidatePodSpec`, then the pod-only checks.
pub fn validate_pod(pod: &Pod) -> Vec<FieldError> {
    let mut errs = validate_object_meta(&pod.metadata, NameRule::Subdomain);
    errs.extend(validate_pod_spec(&pod.spec, "spec"));
    errs.extend(validate_containers_only_for_pod(&pod.spec.containers, "spec.containers"));
    errs.extend(validate_containers_only_for_pod(&pod.spec.init_containers, "spec.initContainers"));
    errs
}

/// `ValidatePersistentVolumeClaimSpec` under `path`, in its order (dataSource and
/// volumeAttributesClassName unchecked).
pub fn validate_pvc_spec(s: &PersistentVolumeClaimSpec, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let modes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];
    if s.access_modes.is_empty() {
        errs.push(FieldError::required(format!("{path}.accessModes"), "at least 1 access mode is required"));
    }
    if let Some(sel) = &s.selector {
        errs.extend(super::meta::validate_label_selector(sel, &format!("{path}.selector")));
    }
    for m in &s.access_modes {
        if !modes.contains(&m.as_str()) {
            errs.push(FieldError::not_supported(format!("{path}.accessModes"), m, &modes));
        }
    }
    // ReadWriteOncePod excludes every other (supported) mode.
    let rwop = s.access_modes.iter().any(|m| m == "ReadWriteOncePod");
    if rwop && s.access_modes.iter().any(|m| m != "ReadWriteOncePod" && modes.contains(&m.as_str())) {
        errs.push(FieldError::forbidden(format!("{path}.accessModes"), "may not use ReadWriteOncePod with other access modes"));
    }
    match s.resources.requests.get("storage") {
        None => errs.push(FieldError::required(format!("{path}.resources[storage]"), "")),
        Some(q) => {
            let zero = match q {
                serde_json::Value::Number(n) => n.as_f64().is_some_and(|f| f <= 0.0),
                serde_json::Value::String(t) => t.starts_with('-') || t.trim_start_matches(['0', '.']).chars().next().is_none_or(|c| !c.is_ascii_digit()),
                _ => false,
            };
            if zero {
                // ValidatePositiveQuantityValue at `fldPath.Child("resources").Key("storage")`
                // (no `requests` in the path), the value as `Quantity.String()`.
                let shown = canonical_quantity(q).unwrap_or_else(|| q.as_str().map_or_else(|| q.to_string(), str::to_string));
                errs.push(FieldError::invalid(format!("{path}.resources[storage]"), go_quote(&shown), "must be greater than zero"));
            }
        }
    }
    // ValidateClassName is NameIsDNSSubdomain.
    if let Some(class) = s.storage_class_name.as_deref().filter(|c| !c.is_empty()) {
        errs.extend(
            super::meta::is_dns1123_subdomain(class).into_iter().map(|m| FieldError::invalid(format!("{path}.storageClassName"), go_quote(class), m)),
        );
    }
    if let Some(m) = &s.volume_mode {
        if m != "Block" && m != "Filesystem" {
            errs.push(FieldError::not_supported(format!("{path}.volumeMode"), m, &["Block", "Filesystem"]));
        }
    }
    errs
}

/// `ValidatePersistentVolumeClaim`.
pub fn validate_pvc(pvc: &PersistentVolumeClaim) -> Vec<FieldError> {
    let mut errs = validate_object_meta(&pvc.metadata, NameRule::Subdomain);
    errs.extend(validate_pvc_spec(&pvc.spec, "spec"));
    errs
}

/// `ValidatePersistentVolumeClaimUpdate` (pkg/apis/core/validation/validation.go): spec
/// immutable except, for a bound claim, the storage request and volumeAttributesClassName; a
/// class may be set once when it was unset; then the size rule.
pub fn validate_pvc_update(new: &PersistentVolumeClaim, old: &PersistentVolumeClaim) -> Vec<FieldError> {
    let mut errs = validate_pvc(new);
    let mut clone = new.spec.clone();
    // Upstream checks the new object's phase; PrepareForUpdate copied it from the stored one.
    // So resizing an unbound claim is a spec change like any other.
    if new.status.phase == "Bound" {
        if !clone.resources.requests.is_empty() {
            match old.spec.resources.requests.get("storage") {
                Some(q) => clone.resources.requests.insert("storage".into(), q.clone()),
                None => clone.resources.requests.remove("storage"),
            };
        }
        if clone.volume_attributes_class_name.is_some() {
            clone.volume_attributes_class_name = old.spec.volume_attributes_class_name.clone();
        }
    }
    if old.spec.storage_class_name.is_none() {
        clone.storage_class_name = None;
    }
    if old.spec.volume_name.is_empty() {
        // The PV controller binds by writing volumeName.
        clone.volume_name = String::new();
    }
    if clone != old.spec {
        errs.push(FieldError::forbidden(
            "spec",
            "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
        ));
    }
    let storage = |m: &std::collections::BTreeMap<String, serde_json::Value>| m.get("storage").cloned();
    let (new_size, old_size) = (storage(&new.spec.resources.requests), storage(&old.spec.resources.requests));
    if cmp_quantities(new_size.as_ref(), old_size.as_ref()).is_lt() {
        // RecoverVolumeExpansionFailure (GA and locked on since 1.34, so the older "field can
        // not be less than previous value" branch is gone from a current cluster): a request
        // may come down, to recover from a failed expansion, but must stay above what the
        // volume already has.
        let capacity = storage(&old.status.capacity);
        if cmp_quantities(new_size.as_ref(), capacity.as_ref()).is_le() {
            errs.push(FieldError::forbidden("spec.resources.requests.storage", "field can not be less than status.capacity"));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_errors_controllers_surface() {
        let mut pod = Pod::default();
        pod.metadata.name = "web-0".into();
        pod.spec.restart_policy = "Always".into();
        pod.spec.dns_policy = "ClusterFirst".into();
        pod.spec.containers.push(Container {
            name: "web".into(),
            volume_mounts: vec![VolumeMount { name: "www".into(), mount_path: "/usr/share".into(), ..Default::default() }],
            ..Default::default()
        });
        let e: Vec<String> = validate_pod(&pod).iter().map(|e| e.to_string()).collect();
        assert_eq!(e, vec!["spec.containers[0].image: Required value", "spec.containers[0].volumeMounts[0].name: Not found: \"www\""]);
    }

    fn claim(size: &str, phase: &str, capacity: Option<&str>) -> PersistentVolumeClaim {
        let mut p = PersistentVolumeClaim { metadata: ObjectMeta { name: "www-web-0".into(), ..Default::default() }, ..Default::default() };
        p.spec.access_modes = vec!["ReadWriteOnce".into()];
        p.spec.resources.requests.insert("storage".into(), serde_json::json!(size));
        p.status.phase = phase.into();
        if let Some(cap) = capacity {
            p.status.capacity.insert("storage".into(), serde_json::json!(cap));
        }
        p
    }

    fn update_errs(new: &PersistentVolumeClaim, old: &PersistentVolumeClaim) -> Vec<String> {
        validate_pvc_update(new, old).iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn a_bound_claim_may_shrink_only_above_its_capacity() {
        const BELOW: &str = "spec.resources.requests.storage: Forbidden: field can not be less than status.capacity";
        let old = claim("1Gi", "Bound", Some("1Gi"));
        let now = |size: &str| claim(size, "Bound", Some("1Gi"));
        assert_eq!(update_errs(&now("100Mi"), &old), vec![BELOW]);
        // Growing is the resize admission plugin's call; validation lets it through.
        assert!(update_errs(&now("2Gi"), &old).is_empty());
        // After a grow that never finished (capacity still 1Gi), the request may come back
        // down, but not to the capacity itself (`newSize.Cmp(statusSize) <= 0`).
        let grown = claim("2Gi", "Bound", Some("1Gi"));
        assert!(update_errs(&now("1536Mi"), &grown).is_empty());
        assert_eq!(update_errs(&now("1Gi"), &grown), vec![BELOW]);
        assert_eq!(update_errs(&now("1024Mi"), &grown), vec![BELOW]);
    }

    #[test]
    fn immutable_spec_comes_before_the_size_rule() {
        let old = claim("1Gi", "Bound", Some("1Gi"));
        let mut new = claim("100Mi", "Bound", Some("1Gi"));
        new.spec.access_modes = vec!["ReadWriteMany".into()];
        assert_eq!(
            update_errs(&new, &old),
            vec![
                "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
                "spec.resources.requests.storage: Forbidden: field can not be less than status.capacity"
            ]
        );
    }

    #[test]
    fn an_unbound_claim_cannot_change_its_request() {
        // Only a bound claim's storage request is exempt from the immutable-spec check.
        let old = claim("1Gi", "Pending", None);
        let e = update_errs(&claim("2Gi", "Pending", None), &old);
        assert_eq!(e, vec!["spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"]);
    }

    #[test]
    fn pvc_requirements() {
        let pvc = PersistentVolumeClaim { metadata: ObjectMeta { name: "data-web-0".into(), ..Default::default() }, ..Default::default() };
        let e: Vec<String> = validate_pvc(&pvc).iter().map(|e| e.to_string()).collect();
        assert_eq!(
            e,
            vec!["spec.accessModes: Required value: at least 1 access mode is required", "spec.resources[storage]: Required value"]
        );
    }
}
