//! What a fresh cluster already has before the learner types anything: namespaces, nodes, the
//! default StorageClass and the `kubernetes` / `kube-dns` Services — as on a new kind cluster.

use super::api::*;
use super::sim::Cluster;

/// Kubernetes version the simulated cluster reports (nodes' kubelet version).
pub const KUBERNETES_VERSION: &str = "v1.35.0";
/// Name of the default StorageClass.
pub const DEFAULT_STORAGE_CLASS: &str = "standard";
/// Its provisioner (kind's local-path provisioner).
pub const DEFAULT_PROVISIONER: &str = "rancher.io/local-path";

fn meta(name: &str, namespace: &str) -> ObjectMeta {
    ObjectMeta { name: name.into(), namespace: namespace.into(), ..Default::default() }
}

/// Creates the system objects at the cluster's creation time.
pub fn bootstrap(c: &mut Cluster) {
    let now = c.now;
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        let mut m = meta(ns, "");
        m.labels.insert("kubernetes.io/metadata.name".into(), ns.into());
        let mut rest = serde_json::Map::new();
        rest.insert("spec".into(), serde_json::json!({"finalizers": ["kubernetes"]}));
        rest.insert("status".into(), serde_json::json!({"phase": "Active"}));
        let g = GenericObject { api_version: "v1".into(), kind: "Namespace".into(), metadata: m, rest };
        c.store.create(Object::Generic(Kind::Namespace, g), now);
    }
    let nodes = c.config.nodes.clone();
    for (i, name) in nodes.iter().enumerate() {
        let mut m = meta(name, "");
        for (k, v) in [
            ("beta.kubernetes.io/arch", "amd64"),
            ("beta.kubernetes.io/os", "linux"),
            ("kubernetes.io/arch", "amd64"),
            ("kubernetes.io/hostname", name.as_str()),
            ("kubernetes.io/os", "linux"),
        ] {
            m.labels.insert(k.into(), v.into());
        }
        let cidr = format!("10.244.{}.0/24", i + 1);
        let capacity: crate::engine::api::StringMap = crate::engine::api::StringMap::from_iter(
            [("cpu", "4"), ("ephemeral-storage", "102626232Ki"), ("memory", "8129000Ki"), ("pods", "110")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        let node = Node {
            metadata: m,
            spec: NodeSpec {
                pod_cidr: cidr.clone(),
                pod_cidrs: vec![cidr],
                provider_id: format!("kind://docker/playground/{name}"),
                ..Default::default()
            },
            status: NodeStatus {
                allocatable: capacity.clone(),
                capacity,
                // The kubelet's condition setters, in its order (`kubelet_node_status.go`
                // `defaultNodeStatusFuncs`: memory, disk, PID pressure, then Ready).
                conditions: ["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"]
                    .into_iter()
                    .map(|t| {
                        let (status, reason, message, _) = crate::engine::node_lifecycle::kubelet_condition(t);
                        Condition {
                            type_: t.into(),
                            status: status.into(),
                            last_heartbeat_time: Some(now),
                            last_transition_time: Some(now),
                            reason: reason.into(),
                            message: message.into(),
                            ..Default::default()
                        }
                    })
                    .collect(),
                addresses: vec![
                    NodeAddress { type_: "InternalIP".into(), address: format!("172.18.0.{}", i + 2) },
                    NodeAddress { type_: "Hostname".into(), address: name.clone() },
                ],
                node_info: Some(NodeSystemInfo {
                    kernel_version: "6.8.0-generic".into(),
                    os_image: "Debian GNU/Linux 12 (bookworm)".into(),
                    container_runtime_version: "containerd://2.1.4".into(),
                    kubelet_version: KUBERNETES_VERSION.into(),
                    operating_system: "linux".into(),
                    architecture: "amd64".into(),
                }),
            },
        };
        c.store.create(Object::Node(node), now);
    }

    let mut sc_meta = meta(DEFAULT_STORAGE_CLASS, "");
    sc_meta.annotations.insert(IS_DEFAULT_CLASS_ANNOTATION.into(), "true".into());
    let sc = StorageClass {
        metadata: sc_meta,
        provisioner: DEFAULT_PROVISIONER.into(),
        reclaim_policy: Some("Delete".into()),
        volume_binding_mode: Some("WaitForFirstConsumer".into()),
        ..Default::default()
    };
    c.store.create(Object::StorageClass(sc), now);

    let mut k8s = meta("kubernetes", "default");
    k8s.labels.insert("component".into(), "apiserver".into());
    k8s.labels.insert("provider".into(), "kubernetes".into());
    let svc = Service {
        metadata: k8s,
        spec: ServiceSpec {
            ports: vec![ServicePort {
                name: "https".into(),
                protocol: "TCP".into(),
                port: 443,
                target_port: Some(IntOrString::Int(6443)),
                ..Default::default()
            }],
            cluster_ip: "10.96.0.1".into(),
            cluster_ips: vec!["10.96.0.1".into()],
            type_: "ClusterIP".into(),
            session_affinity: "None".into(),
            ip_families: vec!["IPv4".into()],
            ip_family_policy: Some("SingleStack".into()),
            internal_traffic_policy: Some("Cluster".into()),
            ..Default::default()
        },
        status: serde_json::json!({"loadBalancer": {}}),
    };
    c.store.create(Object::Service(svc), now);

    let mut dns = meta("kube-dns", "kube-system");
    dns.labels.insert("k8s-app".into(), "kube-dns".into());
    dns.labels.insert("kubernetes.io/cluster-service".into(), "true".into());
    dns.labels.insert("kubernetes.io/name".into(), "CoreDNS".into());
    let port = |name: &str, proto: &str, p: i32| ServicePort {
        name: name.into(),
        protocol: proto.into(),
        port: p,
        target_port: Some(IntOrString::Int(p as i64)),
        ..Default::default()
    };
    let svc = Service {
        metadata: dns,
        spec: ServiceSpec {
            ports: vec![port("dns", "UDP", 53), port("dns-tcp", "TCP", 53), port("metrics", "TCP", 9153)],
            selector: crate::engine::api::StringMap::from_iter([("k8s-app".to_string(), "kube-dns".to_string())]),
            cluster_ip: "10.96.0.10".into(),
            cluster_ips: vec!["10.96.0.10".into()],
            type_: "ClusterIP".into(),
            session_affinity: "None".into(),
            ip_families: vec!["IPv4".into()],
            ip_family_policy: Some("SingleStack".into()),
            internal_traffic_policy: Some("Cluster".into()),
            ..Default::default()
        },
        status: serde_json::json!({"loadBalancer": {}}),
    };
    c.store.create(Object::Service(svc), now);
    // kube-apiserver publishes its own address for the `kubernetes` Service.
    super::controlplane::sync(c);
}
