//! kube-apiserver's endpoint reconciler for the `kubernetes` Service
//! (`pkg/controlplane/reconcilers`, `EndpointsAdapter.Sync`): the Service has no selector, so no
//! controller fills it; each API server writes its own address into the Endpoints `kubernetes`
//! (label `endpointslice.kubernetes.io/skip-mirror: "true"`) and the EndpointSlice `kubernetes`
//! (label `kubernetes.io/service-name: kubernetes`, no managed-by), port `https` 6443/TCP.
//!
//! The address is the API server's: on a kind cluster, the control-plane container's IP on the
//! `kind` network, 172.18.0.2. The playground's first node has that InternalIP and stands in for
//! the control plane. The lease reconciler re-checks every 10 s (`EndpointReconcilerInterval`),
//! so an edited or deleted object is restored after at most that long.

use super::api::{EndpointAddress, EndpointPort, EndpointSubset, Endpoints, GenericObject, Kind, Object, ObjectMeta, Shared};
use super::controllers::endpointslice::utils::{LABEL_SERVICE_NAME, LABEL_SKIP_MIRROR};
use super::sim::{Cluster, Task};
use super::store::{WatchEvent, WatchEventType};
use super::why::Verdict;
use serde_json::{json, Map, Value};

const COMPONENT: &str = "kube-apiserver";
/// The Service (and object) name.
pub const NAME: &str = "kubernetes";
/// kube-apiserver's secure port on kind.
pub const PORT: i32 = 6443;
/// `EndpointReconcilerInterval`.
pub const RECONCILE_INTERVAL_MS: u64 = 10_000;

/// The API server's advertise address: the first node's InternalIP (172.18.0.2 on kind).
pub fn advertise_address(c: &Cluster) -> String {
    c.store
        .list(Kind::Node, None)
        .filter_map(|o| o.as_node())
        .next()
        .and_then(|n| n.status.addresses.iter().find(|a| a.type_ == "InternalIP").map(|a| a.address.clone()))
        .unwrap_or_else(|| "172.18.0.2".into())
}

fn endpoints(ip: &str) -> Endpoints {
    let mut metadata = ObjectMeta { name: NAME.into(), namespace: "default".into(), ..Default::default() };
    metadata.labels.insert(LABEL_SKIP_MIRROR.into(), "true".into());
    let subset = EndpointSubset {
        addresses: vec![Shared::new(EndpointAddress { ip: ip.into(), ..Default::default() })],
        not_ready_addresses: Vec::new(),
        ports: vec![EndpointPort { name: "https".into(), port: PORT, protocol: "TCP".into(), app_protocol: None }],
    };
    Endpoints { metadata, subsets: vec![subset] }
}

fn endpoint_slice(ip: &str) -> GenericObject {
    let mut metadata = ObjectMeta { name: NAME.into(), namespace: "default".into(), ..Default::default() };
    metadata.labels.insert(LABEL_SERVICE_NAME.into(), NAME.into());
    let mut rest = Map::new();
    rest.insert("addressType".into(), Value::from("IPv4"));
    rest.insert("endpoints".into(), json!([{"addresses": [ip], "conditions": {"ready": true}}]));
    rest.insert("ports".into(), json!([{"name": "https", "port": PORT, "protocol": "TCP"}]));
    GenericObject { api_version: "discovery.k8s.io/v1".into(), kind: "EndpointSlice".into(), metadata, rest }
}

/// `Sync`: creates or restores both objects (labels, addresses and ports).
pub fn sync(c: &mut Cluster) {
    let ip = advertise_address(c);
    let now = c.now;
    let want = endpoints(&ip);
    match c.store.get(Kind::Endpoints, "default", NAME).map(|o| (**o).clone()) {
        None => {
            c.store.create(Object::Endpoints(want), now);
            c.decide(COMPONENT, "service/kubernetes", Verdict::Create, format!("endpoints/{NAME}"), format!("the API server publishes its own address ({ip}:{PORT}) for the kubernetes Service"));
        }
        Some(Object::Endpoints(mut e)) if e.subsets != want.subsets || e.metadata.labels != want.metadata.labels => {
            e.subsets = want.subsets;
            e.metadata.labels = want.metadata.labels;
            c.store.update(Object::Endpoints(e), now);
            c.decide(COMPONENT, "service/kubernetes", Verdict::Update, format!("endpoints/{NAME}"), "reset to the API server's address and port: only kube-apiserver manages the kubernetes Service's endpoints");
        }
        _ => {}
    }
    for (kind, want) in [(Kind::EndpointSlice, endpoint_slice(&ip))] {
        let current = c.store.get(kind, "default", NAME).cloned();
        match current.as_deref() {
            None => {
                c.store.create(Object::Generic(kind, want), now);
                c.decide(COMPONENT, "service/kubernetes", Verdict::Create, format!("{}/{NAME}", kind.info().singular), format!("the API server publishes its own address ({ip}:{PORT}) for the kubernetes Service"));
            }
            Some(Object::Generic(_, g)) => {
                let same = *g.metadata.labels == *want.metadata.labels
                    && ["endpoints", "ports"].iter().all(|f| g.rest.get(*f) == want.rest.get(*f));
                if !same {
                    let mut fixed = g.clone();
                    fixed.metadata.labels = want.metadata.labels.clone();
                    for f in ["endpoints", "ports", "addressType"] {
                        match want.rest.get(f) {
                            Some(v) => fixed.rest.insert(f.into(), v.clone()),
                            None => fixed.rest.remove(f),
                        };
                    }
                    c.store.update(Object::Generic(kind, fixed), now);
                    c.decide(COMPONENT, "service/kubernetes", Verdict::Update, format!("{}/{NAME}", kind.info().singular), "reset to the API server's address and port: only kube-apiserver manages the kubernetes Service's endpoints");
                }
            }
            Some(_) => {}
        }
    }
}

/// Someone changed or deleted one of the objects: the next reconcile puts it back.
pub fn on_change(c: &mut Cluster, ev: &WatchEvent) {
    let m = ev.object.meta();
    if !matches!(ev.object.kind(), Kind::Endpoints | Kind::EndpointSlice) || m.name != NAME || m.namespace != "default" {
        return;
    }
    if ev.type_ == WatchEventType::Deleted || ev.old.is_some() {
        c.enqueue_unique(RECONCILE_INTERVAL_MS, Task::ApiserverEndpoints);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::ClusterConfig;
    use crate::engine::store::ObjectKey;

    #[test]
    fn the_kubernetes_service_has_the_api_servers_endpoints() {
        let mut c = Cluster::new(ClusterConfig::default());
        let ep = c.store.get(Kind::Endpoints, "default", NAME).expect("endpoints").to_value();
        assert_eq!(ep["metadata"]["labels"][LABEL_SKIP_MIRROR], "true");
        assert_eq!(ep["subsets"][0]["addresses"][0]["ip"], "172.18.0.2");
        assert_eq!(ep["subsets"][0]["ports"][0]["port"], 6443);
        let s = c.store.get(Kind::EndpointSlice, "default", NAME).expect("slice").to_value();
        assert_eq!(s["metadata"]["labels"][LABEL_SERVICE_NAME], NAME);
        assert_eq!(s["endpoints"][0]["conditions"]["ready"], true);
        // Deleted by hand, it comes back with the next reconcile.
        let key = ObjectKey::new(Kind::EndpointSlice, "default", NAME);
        crate::engine::apiserver::delete(&mut c, &key, Default::default()).expect("delete");
        c.settle_default();
        assert!(c.store.get_key(&key).is_some());
    }
}
