//! The root CA certificate publisher (`pkg/controller/certificates/rootcacertpublisher`): a
//! ConfigMap `kube-root-ca.crt` in every namespace with the bundle (`ca.crt`) pods use to verify
//! the API server — which is why `kubectl get configmaps` is never empty on a real cluster.

use super::namespaces::{is_active, namespace_of_event};
use crate::engine::api::{GenericObject, Kind, Object, ObjectMeta};
use crate::engine::apiserver;
use crate::engine::sim::{Cluster, Task};
use crate::engine::store::WatchEvent;
use crate::engine::why::Verdict;

const COMPONENT: &str = "root-ca-cert-publisher";

/// `RootCACertConfigMapName`.
pub const ROOT_CA_CONFIG_MAP: &str = "kube-root-ca.crt";
/// `DescriptionAnnotation`.
pub const DESCRIPTION_ANNOTATION: &str = "kubernetes.io/description";
/// `Description`, verbatim.
pub const DESCRIPTION: &str = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

/// The simulated cluster's CA bundle: PEM-armoured like kubeadm's, but its base64 says in words
/// that it is not a certificate (nothing in the playground verifies TLS).
pub const CA_CRT: &str = "-----BEGIN CERTIFICATE-----
U3RhdGVmdWxTZXQgUGxheWdyb3VuZDogdGhlIHNpbXVsYXRlZCBjbHVzdGVyJ3Mg
Q0EgKENOPWt1YmVybmV0ZXMpLiBUaGlzIGlzIG5vdCBhIHJlYWwgY2VydGlmaWNh
dGUgYW5kIG5vIHByaXZhdGUga2V5IGV4aXN0cyBmb3IgaXQ6IHRoZSBwbGF5Z3Jv
dW5kIHNpbXVsYXRlcyB0aGUgb2JqZWN0cyBhIFN0YXRlZnVsU2V0IHRvdWNoZXMs
IG5vdCBUTFMu
-----END CERTIFICATE-----
";

/// Namespace added or changed, or the ConfigMap deleted: look at that namespace.
pub fn on_change(c: &mut Cluster, ev: &WatchEvent) {
    if let Some(ns) = namespace_of_event(ev, Kind::ConfigMap, ROOT_CA_CONFIG_MAP) {
        let ms = c.config.timings.controller_latency_ms;
        c.enqueue_unique(ms, Task::PublishRootCa(ns));
    }
}

/// `syncNamespace`: creates the missing ConfigMap.
pub fn sync(c: &mut Cluster, namespace: &str) {
    if !is_active(c, namespace) || c.store.get(Kind::ConfigMap, namespace, ROOT_CA_CONFIG_MAP).is_some() {
        return;
    }
    let mut metadata = ObjectMeta { name: ROOT_CA_CONFIG_MAP.into(), namespace: namespace.into(), ..Default::default() };
    metadata.annotations.insert(DESCRIPTION_ANNOTATION.into(), DESCRIPTION.into());
    let mut rest = serde_json::Map::new();
    rest.insert("data".into(), serde_json::json!({ "ca.crt": CA_CRT }));
    let cm = GenericObject { api_version: "v1".into(), kind: "ConfigMap".into(), metadata, rest };
    let subject = format!("namespace/{namespace}");
    match apiserver::create(c, Object::Generic(Kind::ConfigMap, cm)) {
        Ok(_) => c.decide(
            COMPONENT,
            subject,
            Verdict::Create,
            format!("configmap/{ROOT_CA_CONFIG_MAP}"),
            "every namespace gets the cluster's CA bundle, so pods can verify the API server",
        ),
        Err(e) => c.decide(COMPONENT, subject, Verdict::Fail, "", format!("publishing {ROOT_CA_CONFIG_MAP}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::ClusterConfig;

    #[test]
    fn every_namespace_has_the_root_ca_config_map() {
        let c = Cluster::new(ClusterConfig::default());
        let cm = c.store.get(Kind::ConfigMap, "default", ROOT_CA_CONFIG_MAP).expect("published at start");
        assert_eq!(cm.meta().annotations[DESCRIPTION_ANNOTATION], DESCRIPTION);
        let v = cm.to_value();
        assert_eq!(v["data"]["ca.crt"], CA_CRT);
        assert!(c.store.get(Kind::ConfigMap, "kube-system", ROOT_CA_CONFIG_MAP).is_some());
    }
}
