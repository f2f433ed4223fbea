//! Service validation (pkg/apis/core/validation/validation.go: `ValidateServiceCreate`,
//! `validateService`, `validateServicePort`, `ValidateServiceUpdate`) with the API server's
//! texts: ports, the per-type cluster IP rules, the selector, session affinity, type, node
//! ports, duplicate ports and the traffic policies.

use super::core::{is_valid_port_name, port_range};
use super::format::{go_quote, go_string_slice};
use super::meta::{is_dns1123_label, validate_object_meta, NameRule};
use crate::engine::api::{IntOrString, Service, ServiceSpec};
use crate::engine::error::FieldError;
use std::collections::BTreeSet;

/// `ValidateServiceCreate`: the name (DNS-1035; RelaxedServiceNameValidation is off by
/// default) and metadata, then `validateService`.
pub fn validate_service(svc: &Service) -> Vec<FieldError> {
    let mut errs = validate_object_meta(&svc.metadata, NameRule::Dns1035);
    errs.extend(validate_service_spec(svc));
    errs
}

/// `validateService`, in its order: ports required, the per-type clusterIPs checks,
/// `validateServicePort` for each port, the selector as labels, sessionAffinity, type, then
/// duplicate (protocol, port) pairs.
fn validate_service_spec(svc: &Service) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let s = &svc.spec;
    // isHeadlessService: clusterIPs (normalized from clusterIP by the registry) is exactly [None].
    let headless = s.cluster_ips.len() == 1 && s.cluster_ips[0] == "None";
    if s.ports.is_empty() && !headless && s.type_ != "ExternalName" {
        errs.push(FieldError::required("spec.ports", ""));
    }
    match s.type_.as_str() {
        "LoadBalancer" | "NodePort" if headless => errs.push(FieldError::invalid(
            "spec.clusterIPs[0]",
            go_quote("None"),
            format!("may not be set to 'None' for {} services", s.type_),
        )),
        "ExternalName" => {
            const MSG: &str = "may not be set for ExternalName services";
            if !s.cluster_ips.is_empty() {
                errs.push(FieldError::forbidden("spec.clusterIPs", MSG));
            }
            if !s.ip_families.is_empty() {
                errs.push(FieldError::forbidden("spec.ipFamilies", MSG));
            }
            if s.ip_family_policy.is_some() {
                errs.push(FieldError::forbidden("spec.ipFamilyPolicy", MSG));
            }
            // The value (a CNAME) may have a trailing dot to denote it as fully qualified.
            let name = s.external_name.as_deref().and_then(|v| v.as_str()).unwrap_or("");
            let cname = name.strip_suffix('.').unwrap_or(name);
            if cname.is_empty() {
                errs.push(FieldError::required("spec.externalName", ""));
            } else {
                errs.extend(super::meta::is_dns1123_subdomain(cname).into_iter().map(|m| FieldError::invalid("spec.externalName", go_quote(cname), m)));
            }
        }
        _ => {}
    }
    let mut names = BTreeSet::new();
    for (i, p) in s.ports.iter().enumerate() {
        // validateServicePort: a missing name (several ports), or the name's format then its
        // uniqueness; then port, protocol and targetPort.
        let pp = format!("spec.ports[{i}]");
        if s.ports.len() > 1 && p.name.is_empty() {
            errs.push(FieldError::required(format!("{pp}.name"), ""));
        } else if !p.name.is_empty() {
            errs.extend(is_dns1123_label(&p.name).into_iter().map(|m| FieldError::invalid(format!("{pp}.name"), go_quote(&p.name), m)));
            if !names.insert(p.name.clone()) {
                errs.push(FieldError::duplicate(format!("{pp}.name"), go_quote(&p.name)));
            }
        }
        errs.extend(port_range(p.port as i64, format!("{pp}.port")));
        if p.protocol.is_empty() {
            errs.push(FieldError::required(format!("{pp}.protocol"), ""));
        } else if !matches!(p.protocol.as_str(), "TCP" | "UDP" | "SCTP") {
            errs.push(FieldError::not_supported(format!("{pp}.protocol"), &p.protocol, &["SCTP", "TCP", "UDP"]));
        }
        match &p.target_port {
            Some(IntOrString::Int(t)) => errs.extend(port_range(*t, format!("{pp}.targetPort"))),
            Some(IntOrString::String(t)) => errs.extend(
                is_valid_port_name(t).into_iter().map(|m| FieldError::invalid(format!("{pp}.targetPort"), go_quote(t), m)),
            ),
            None => {}
        }
    }
    errs.extend(super::meta::validate_labels(&s.selector, "spec.selector"));
    if s.session_affinity.is_empty() {
        errs.push(FieldError::required("spec.sessionAffinity", ""));
    } else if !matches!(s.session_affinity.as_str(), "None" | "ClientIP") {
        errs.push(FieldError::not_supported("spec.sessionAffinity", &s.session_affinity, &["ClientIP", "None"]));
    }
    if s.session_affinity == "None" && s.session_affinity_config.is_some() {
        errs.push(FieldError::forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"));
    }
    let types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    if s.type_.is_empty() {
        errs.push(FieldError::required("spec.type", ""));
    } else if !types.contains(&s.type_.as_str()) {
        errs.push(FieldError::not_supported("spec.type", &s.type_, &types));
    }
    if s.type_ == "ClusterIP" {
        for (i, p) in s.ports.iter().enumerate() {
            if p.node_port.is_some_and(|n| n != 0) {
                errs.push(FieldError::forbidden(format!("spec.ports[{i}].nodePort"), "may not be used when `type` is 'ClusterIP'"));
            }
        }
    }
    // Duplicate (protocol, port) pairs: the value is the key `core.ServicePort` printed with %#v.
    for (i, p) in s.ports.iter().enumerate() {
        if s.ports[..i].iter().any(|o| o.protocol == p.protocol && o.port == p.port) {
            errs.push(FieldError::duplicate(
                format!("spec.ports[{i}]"),
                format!(
                    "core.ServicePort{{Name:\"\", Protocol:{}, AppProtocol:(*string)(nil), Port:{}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}",
                    go_quote(&p.protocol),
                    p.port
                ),
            ));
        }
    }
    errs.extend(validate_traffic_policies(s));
    errs
}

/// `validateServiceExternalTrafficPolicy` (healthCheckNodePort aside) and
/// `validateServiceInternalTrafficFieldsValue`, the last checks of `validateService`.
fn validate_traffic_policies(s: &ServiceSpec) -> Vec<FieldError> {
    let mut errs = Vec::new();
    // apiservice.ExternallyAccessible.
    let has_external_ips = s.external_ips.as_deref().and_then(|v| v.as_array()).is_some_and(|a| !a.is_empty());
    let external = matches!(s.type_.as_str(), "LoadBalancer" | "NodePort") || (s.type_ == "ClusterIP" && has_external_ips);
    let etp = s.external_traffic_policy.as_deref().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).unwrap_or_default();
    const POLICIES: [&str; 2] = ["Cluster", "Local"];
    if !external {
        if !etp.is_empty() {
            errs.push(FieldError::invalid("spec.externalTrafficPolicy", go_quote(&etp), "may only be set for externally-accessible services"));
        }
    } else if etp.is_empty() {
        errs.push(FieldError::required("spec.externalTrafficPolicy", ""));
    } else if !POLICIES.contains(&etp.as_str()) {
        errs.push(FieldError::not_supported("spec.externalTrafficPolicy", &etp, &POLICIES));
    }
    match &s.internal_traffic_policy {
        None if matches!(s.type_.as_str(), "ClusterIP" | "NodePort" | "LoadBalancer") => {
            errs.push(FieldError::required("spec.internalTrafficPolicy", ""));
        }
        Some(p) if !POLICIES.contains(&p.as_str()) => errs.push(FieldError::not_supported("spec.internalTrafficPolicy", p, &POLICIES)),
        _ => {}
    }
    errs
}

/// `ValidateServiceUpdate`, in its order: metadata (the name is not checked again), the
/// cluster IP unchanged (`validateUpgradeDowngradeClusterIPs`), then `validateService`.
pub fn validate_service_update(new: &Service, old: &Service) -> Vec<FieldError> {
    let mut errs = super::meta::validate_object_meta_update(&new.metadata);
    if !old.spec.cluster_ips.is_empty() && new.spec.cluster_ips != old.spec.cluster_ips {
        errs.push(FieldError::invalid("spec.clusterIPs[0]", go_string_slice(&new.spec.cluster_ips), "may not change once set"));
    }
    errs.extend(validate_service_spec(new));
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_name_is_dns_1035() {
        let mut svc = Service::default();
        svc.metadata.name = "1web".into();
        svc.spec.type_ = "ClusterIP".into();
        svc.spec.session_affinity = "None".into();
        svc.spec.cluster_ip = "None".into();
        svc.spec.cluster_ips = vec!["None".into()];
        svc.spec.internal_traffic_policy = Some("Cluster".into());
        let e = validate_service(&svc);
        assert_eq!(e.len(), 1);
        assert!(e[0].to_string().starts_with("metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist"));
    }

    #[test]
    fn traffic_policies_and_node_ports_follow_the_type() {
        let mut svc = Service::default();
        svc.metadata.name = "web".into();
        svc.spec.type_ = "ClusterIP".into();
        svc.spec.session_affinity = "None".into();
        svc.spec.internal_traffic_policy = Some("Nearest".into());
        svc.spec.external_traffic_policy = Some(serde_json::json!("Local").into());
        svc.spec.ports.push(crate::engine::api::ServicePort { port: 80, protocol: "TCP".into(), node_port: Some(30080), ..Default::default() });
        let e: Vec<String> = validate_service(&svc).iter().map(ToString::to_string).collect();
        assert_eq!(
            e,
            vec![
                "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
                "spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services",
                "spec.internalTrafficPolicy: Unsupported value: \"Nearest\": supported values: \"Cluster\", \"Local\"",
            ]
        );
    }
}
