//! The playground's own warnings after `kubectl apply` / `create` (real kubectl prints none of
//! these; each says so by starting with `playground:`). They catch the StatefulSet mistakes
//! that the API server accepts but that leave a learner puzzled later: a governing Service that
//! is missing or not headless, a headless Service selecting no StatefulSet's pods, a
//! volumeMount with nothing to mount, and OrderedReady without a readiness probe.

use crate::engine::api::{Kind, Object, Service, StatefulSet};
use crate::engine::sim::Cluster;

fn selector_text(sel: &crate::engine::api::StringMap) -> String {
    sel.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
}

fn is_headless(s: &Service) -> bool {
    s.spec.cluster_ip == "None"
}

fn stateful_sets<'a>(c: &'a Cluster, ns: &'a str) -> impl Iterator<Item = &'a StatefulSet> + 'a {
    c.store.list(Kind::StatefulSet, Some(ns)).filter_map(|o| o.as_stateful_set())
}

/// Warnings (without the `Warning: ` prefix) about the objects just applied, judged against
/// the cluster as it is now.
pub fn lint(c: &Cluster, applied: &[Object]) -> Vec<String> {
    let mut out = Vec::new();
    for obj in applied {
        match obj {
            Object::StatefulSet(s) => lint_stateful_set(c, s, &mut out),
            Object::Service(svc) => lint_service(c, svc, &mut out),
            _ => {}
        }
    }
    out
}

fn lint_stateful_set(c: &Cluster, s: &StatefulSet, out: &mut Vec<String>) {
    let (ns, name) = (&s.metadata.namespace, &s.metadata.name);
    let svc_name = &s.spec.service_name;
    if !svc_name.is_empty() {
        match c.store.get(Kind::Service, ns, svc_name).and_then(|o| o.as_service()) {
            None => out.push(format!(
                "playground: StatefulSet {name:?} names serviceName {svc_name:?}, but there is no Service {svc_name:?} in namespace {ns:?}: its pods get no DNS names (<pod>.{svc_name}) until a headless Service (clusterIP: None) with that name exists"
            )),
            // coredns kubernetes.go findServices serves endpoint names for any Service
            // ("Endpoint query or headless service"); kubernetes/website#16376.
            Some(svc) if !is_headless(svc) => out.push(format!(
                "playground: StatefulSet {name:?} names serviceName {svc_name:?}, but that Service is not headless (clusterIP is {:?}, not \"None\"): {svc_name} resolves to that one address, not to each pod, and the DNS spec promises the per-pod names <pod>.{svc_name} only for a headless Service (CoreDNS, as in kind and minikube, answers them anyway; kube-dns does not)",
                svc.spec.cluster_ip
            )),
            Some(_) => {}
        }
    }
    let spec = &s.spec.template.spec;
    let claims: Vec<&str> = s.spec.volume_claim_templates.iter().map(|p| p.metadata.name.as_str()).collect();
    for ct in spec.init_containers.iter().chain(&spec.containers) {
        for m in &ct.volume_mounts {
            let known = spec.volumes.iter().any(|v| v.name == m.name) || claims.contains(&m.name.as_str());
            if !known {
                out.push(format!(
                    "playground: StatefulSet {name:?}: container {:?} mounts {:?} at {}, but there is no volume or volumeClaimTemplate named {:?}: the API server rejects every pod the controller tries to create (FailedCreate events)",
                    ct.name, m.name, m.mount_path, m.name
                ));
            }
        }
    }
    let policy = if s.spec.pod_management_policy.is_empty() { "OrderedReady" } else { s.spec.pod_management_policy.as_str() };
    if policy == "OrderedReady" && !spec.containers.is_empty() && spec.containers.iter().all(|ct| ct.readiness_probe.is_none()) {
        out.push(format!(
            "playground: StatefulSet {name:?} uses podManagementPolicy OrderedReady but no container has a readinessProbe: \"Ready\" then just means \"containers started\", so each next pod is created as soon as the previous one starts, not when it can serve"
        ));
    }
}

fn lint_service(c: &Cluster, svc: &Service, out: &mut Vec<String>) {
    if !is_headless(svc) || svc.spec.selector.is_empty() {
        return;
    }
    let ns = &svc.metadata.namespace;
    let sets: Vec<&StatefulSet> = stateful_sets(c, ns).collect();
    if sets.is_empty() {
        return;
    }
    let matches = sets.iter().any(|s| {
        let labels = &s.spec.template.metadata.labels;
        svc.spec.selector.iter().all(|(k, v)| labels.get(k) == Some(v))
    });
    if !matches {
        out.push(format!(
            "playground: headless Service {:?} selects {}, which matches no StatefulSet's pod template labels in namespace {ns:?}: it will have no endpoints and its DNS names resolve to nothing",
            svc.metadata.name,
            selector_text(&svc.spec.selector)
        ));
    }
}
