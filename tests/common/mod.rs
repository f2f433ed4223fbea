//! Helpers shared by the scenario and property tests: a cluster, manifests, kubectl, and
//! readers for pods, claims and the StatefulSet.
#![allow(dead_code)]

use stsplay::engine::api::*;
use stsplay::engine::{apiserver, manifest, Cluster, ClusterConfig};
use stsplay::kubectl::{self, Context};

/// The seed explainer's StatefulSet + headless Service, with a real image (`myapp:latest` does
/// not exist in any registry, so its pods would sit in ErrImagePull).
pub const SEED: &str = r#"apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: myapp
spec:
  serviceName: "myapp"
  replicas: 3
  selector:
    matchLabels:
      app: myapp
  template:
    metadata:
      labels:
        app: myapp
    spec:
      containers:
        - name: myapp
          image: nginx:1.27
          ports:
            - containerPort: 80
          volumeMounts:
            - name: myapp-storage
              mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
    - metadata:
        name: myapp-storage
      spec:
        accessModes: ["ReadWriteOnce"]
        resources:
          requests:
            storage: 1Gi
---
apiVersion: v1
kind: Service
metadata:
  name: myapp
spec:
  clusterIP: None
  selector:
    app: myapp
  ports:
    - port: 80
      name: web
"#;

/// A fresh default cluster (3 nodes, default StorageClass `standard`).
pub fn cluster() -> Cluster {
    Cluster::new(ClusterConfig::default())
}

/// Creates every object in a manifest (what `kubectl create -f` does), panicking on errors.
pub fn create(c: &mut Cluster, yaml: &str) {
    let set = manifest::parse_manifests("test.yaml", yaml);
    assert!(set.diagnostics.is_empty(), "manifest problems: {:?}", set.diagnostics);
    for d in set.objects {
        if let Err(e) = apiserver::create(c, d.object) {
            panic!("create failed: {e}");
        }
    }
}

/// The seed manifest with a transformation applied to its text.
pub fn seed_with(f: impl Fn(&str) -> String) -> String {
    f(SEED)
}

/// Runs a kubectl command line, asserting success; returns stdout.
pub fn kubectl(c: &mut Cluster, line: &str) -> String {
    let out = kubectl::run(c, line, &Context::default());
    assert_eq!(out.exit_code, 0, "`kubectl {line}` failed: {}{}", out.stdout, out.stderr);
    out.stdout
}

/// Runs to settlement and returns the report.
pub fn settle(c: &mut Cluster) -> stsplay::engine::sim::SettleReport {
    c.settle_default()
}

/// The StatefulSet `name` in `default`.
pub fn sts(c: &Cluster, name: &str) -> StatefulSet {
    c.store
        .get(Kind::StatefulSet, "default", name)
        .and_then(|o| o.as_stateful_set().cloned())
        .unwrap_or_else(|| panic!("no statefulset {name}"))
}

/// Replaces the StatefulSet after `f` edits it (like `kubectl edit`).
pub fn update_sts(c: &mut Cluster, name: &str, f: impl FnOnce(&mut StatefulSet)) {
    let mut s = sts(c, name);
    f(&mut s);
    s.metadata.resource_version.clear();
    if let Err(e) = apiserver::update(c, Object::StatefulSet(s)) {
        panic!("update failed: {e}");
    }
}

/// A pod in `default`, if it exists.
pub fn pod(c: &Cluster, name: &str) -> Option<Pod> {
    c.store.get(Kind::Pod, "default", name).and_then(|o| o.as_pod().cloned())
}

/// Names of pods in `default`, by name.
pub fn pod_names(c: &Cluster) -> Vec<String> {
    c.store.pods("default").map(|p| p.metadata.name.clone()).collect()
}

/// Names of pods that are Running, Ready and not terminating.
pub fn ready_pods(c: &Cluster) -> Vec<String> {
    c.store
        .pods("default")
        .filter(|p| p.is_running_and_ready() && p.metadata.deletion_timestamp.is_none())
        .map(|p| p.metadata.name.clone())
        .collect()
}

/// Names of terminating pods.
pub fn terminating_pods(c: &Cluster) -> Vec<String> {
    c.store
        .pods("default")
        .filter(|p| p.metadata.deletion_timestamp.is_some())
        .map(|p| p.metadata.name.clone())
        .collect()
}

/// Names of claims in `default`.
pub fn claim_names(c: &Cluster) -> Vec<String> {
    c.store.list(Kind::PersistentVolumeClaim, Some("default")).map(|o| o.meta().name.clone()).collect()
}

/// The image of a pod's first container.
pub fn image(c: &Cluster, pod_name: &str) -> String {
    pod(c, pod_name).map(|p| p.spec.containers[0].image.clone()).unwrap_or_default()
}

/// The `controller-revision-hash` label of a pod.
pub fn revision(c: &Cluster, pod_name: &str) -> String {
    pod(c, pod_name)
        .and_then(|p| p.metadata.labels.get("controller-revision-hash").cloned())
        .unwrap_or_default()
}

/// Steps until `cond` holds (bounded), returning how many steps it took.
pub fn step_until(c: &mut Cluster, what: &str, cond: impl Fn(&Cluster) -> bool) -> usize {
    for i in 0..100_000 {
        if cond(c) {
            return i;
        }
        let r = c.step();
        if r.changes.is_empty() && r.tasks_run == 0 {
            break;
        }
    }
    assert!(cond(c), "never reached: {what}");
    0
}

/// Every object in the store, serialized, for determinism comparisons.
pub fn dump(c: &Cluster) -> String {
    let mut out = String::new();
    for (k, o) in c.store.iter() {
        out.push_str(&format!("{k:?} {}\n", o.to_value()));
    }
    for d in c.why.iter() {
        out.push_str(&format!("{:?} {} {} {}\n", d.verdict, d.subject, d.target, d.reason));
    }
    out
}
