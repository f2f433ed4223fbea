//! Test helpers: a fresh simulated cluster and hand-built objects stored directly (the other
//! components are not needed to test printing).

use crate::engine::api::*;
use crate::engine::sim::Cluster;
use crate::engine::ClusterConfig;
use crate::kubectl::{run, Context, Output};

/// A fresh default cluster (3 nodes, `standard` StorageClass, `kubernetes` Service).
pub fn cluster() -> Cluster {
    Cluster::new(ClusterConfig::default())
}

/// Stores an object as is, at the current virtual time.
pub fn put(c: &mut Cluster, obj: Object) {
    let now = c.now;
    c.store.create(obj, now);
    c.store.take_changes();
}

/// Runs a command line with the default context.
pub fn kubectl(c: &mut Cluster, line: &str) -> Output {
    run(c, line, &Context::default())
}

/// `kubectl apply -f -` of `yaml`, which must succeed without a word on stderr.
pub fn apply(c: &mut Cluster, yaml: &str) {
    let o = run(c, "kubectl apply -f -", &Context { stdin: Some(yaml.into()), ..Context::default() });
    assert_eq!(o.stderr, "", "apply failed");
}

/// A StatefulSet `name` with `replicas`, selector/template label app=`name`, one nginx container.
pub fn sts(name: &str, replicas: i32) -> StatefulSet {
    let mut s = StatefulSet::default();
    s.metadata.name = name.into();
    s.metadata.namespace = "default".into();
    s.metadata.generation = 1;
    s.metadata.labels.insert("app".into(), name.into());
    s.spec.replicas = Some(replicas);
    let mut sel = LabelSelector::default();
    sel.match_labels.insert("app".into(), name.into());
    s.spec.selector = Some(sel);
    s.spec.service_name = "nginx".into();
    s.spec.template.metadata.labels.insert("app".into(), name.into());
    s.spec.template.spec.containers = vec![Container {
        name: "nginx".into(),
        image: "registry.k8s.io/nginx-slim:0.24".into(),
        ports: vec![ContainerPort { name: "web".into(), container_port: 80, protocol: "TCP".into(), ..Default::default() }],
        ..Default::default()
    }].into();
    s.spec.update_strategy = StatefulSetUpdateStrategy {
        type_: "RollingUpdate".into(),
        rolling_update: Some(RollingUpdateStatefulSetStrategy { partition: Some(0), max_unavailable: None }),
    };
    s.spec.pod_management_policy = "OrderedReady".into();
    s
}

/// A Running, Ready pod `name` owned by nothing, on node-1.
pub fn running_pod(name: &str, app: &str, now: Time) -> Pod {
    let mut p = Pod::default();
    p.metadata.name = name.into();
    p.metadata.namespace = "default".into();
    p.metadata.labels.insert("app".into(), app.into());
    p.spec.containers = vec![Container { name: "nginx".into(), image: "registry.k8s.io/nginx-slim:0.24".into(), ..Default::default() }].into();
    p.spec.node_name = "node-1".into();
    p.status.phase = "Running".into();
    p.status.pod_ip = "10.244.1.5".into();
    p.status.pod_ips = vec![IpEntry { ip: "10.244.1.5".into() }];
    p.status.conditions = vec![Condition { type_: "Ready".into(), status: "True".into(), last_transition_time: Some(now), ..Default::default() }];
    p.status.container_statuses = vec![ContainerStatus {
        name: "nginx".into(),
        state: ContainerState { running: Some(ContainerStateRunning { started_at: Some(now) }), ..Default::default() },
        ready: true,
        started: Some(true),
        ..Default::default()
    }];
    p
}
