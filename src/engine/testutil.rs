//! Test helpers: a fresh cluster and hand-made objects (admission is bypassed in unit tests, so
//! defaults are filled in here).

use super::api::*;
use super::apiserver;
use super::sim::Cluster;
use super::ClusterConfig;
use std::rc::Rc;

/// A default three-node cluster.
pub fn cluster() -> Cluster {
    Cluster::new(ClusterConfig::default())
}

/// A pod `name` with one container `nginx` running `image`, labelled `app=web`.
pub fn pod(name: &str, image: &str) -> Pod {
    let mut p = Pod::default();
    p.metadata.name = name.into();
    p.metadata.namespace = "default".into();
    p.metadata.labels.insert("app".into(), "web".into());
    p.spec.containers.push(Container {
        name: "nginx".into(),
        image: image.into(),
        ports: vec![ContainerPort { name: "web".into(), container_port: 80, protocol: "TCP".into(), ..Default::default() }],
        ..Default::default()
    });
    p.spec.restart_policy = "Always".into();
    p.spec.termination_grace_period_seconds = Some(30);
    p
}

/// A StatefulSet-style pod: hostname and subdomain set.
pub fn sts_pod(name: &str, subdomain: &str, image: &str) -> Pod {
    let mut p = pod(name, image);
    p.spec.hostname = name.into();
    p.spec.subdomain = subdomain.into();
    p
}

/// Mounts claim `claim` at `mount_path` in the pod's first container.
pub fn with_claim(mut p: Pod, claim: &str, mount_path: &str) -> Pod {
    p.spec.volumes.push(Volume {
        name: "www".into(),
        persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource { claim_name: claim.into(), read_only: None }),
        ..Default::default()
    });
    p.spec.containers[0].volume_mounts.push(VolumeMount { name: "www".into(), mount_path: mount_path.into(), ..Default::default() });
    p
}

/// A 1Gi ReadWriteOnce claim; `class: None` leaves storageClassName unset.
pub fn pvc(name: &str, class: Option<&str>) -> PersistentVolumeClaim {
    let mut c = PersistentVolumeClaim::default();
    c.metadata.name = name.into();
    c.metadata.namespace = "default".into();
    c.spec.access_modes = vec!["ReadWriteOnce".into()];
    c.spec.resources.requests.insert("storage".into(), serde_json::json!("1Gi"));
    c.spec.storage_class_name = class.map(String::from);
    c.spec.volume_mode = Some("Filesystem".into());
    c
}

/// A headless Service selecting `app=web`.
pub fn headless(name: &str) -> Service {
    let mut s = Service::default();
    s.metadata.name = name.into();
    s.metadata.namespace = "default".into();
    s.spec.cluster_ip = "None".into();
    s.spec.cluster_ips = vec!["None".into()];
    s.spec.type_ = "ClusterIP".into();
    s.spec.selector.insert("app".into(), "web".into());
    s.spec.ports.push(ServicePort { name: "web".into(), protocol: "TCP".into(), port: 80, ..Default::default() });
    s
}

/// Creates an object through the API server and delivers the change to the components.
pub fn create(c: &mut Cluster, obj: Object) -> Rc<Object> {
    let w = apiserver::create(c, obj).expect("create");
    c.flush();
    w.object
}

/// The stored pod.
pub fn get_pod(c: &Cluster, name: &str) -> Option<Pod> {
    c.store.get(Kind::Pod, "default", name).and_then(|o| o.as_pod()).cloned()
}

/// The stored claim.
pub fn get_pvc(c: &Cluster, name: &str) -> Option<PersistentVolumeClaim> {
    c.store.get(Kind::PersistentVolumeClaim, "default", name).and_then(|o| o.as_pvc()).cloned()
}

/// `(reason, message)` of every event about an object, oldest first, with counts.
pub fn events_of(c: &Cluster, namespace: &str, name: &str) -> Vec<(String, String, i32)> {
    let mut v: Vec<&Event> = c
        .store
        .list(Kind::Event, Some(namespace))
        .filter_map(|o| o.as_event())
        .filter(|e| e.involved_object.name == name)
        .collect();
    v.sort_by_key(|e| (e.first_timestamp, e.metadata.name.clone()));
    v.into_iter().map(|e| (e.reason.clone(), e.message.clone(), e.count)).collect()
}

/// Reasons of the events about an object, in order.
pub fn reasons(c: &Cluster, name: &str) -> Vec<String> {
    events_of(c, "default", name).into_iter().map(|e| e.0).collect()
}

/// Deletes an object with default options and delivers the change.
pub fn delete(c: &mut Cluster, kind: Kind, name: &str, grace: Option<i64>) {
    let key = super::store::ObjectKey::new(kind, "default", name);
    apiserver::delete(c, &key, apiserver::DeleteOptions { grace_period_seconds: grace, ..Default::default() }).expect("delete");
    c.flush();
}

/// A settled cluster with headless Service `nginx` and its pods `web-0` and `web-1` (nginx:1.27).
pub fn nginx_pair() -> Cluster {
    let mut c = cluster();
    create(&mut c, Object::Service(headless("nginx")));
    for i in 0..2 {
        create(&mut c, Object::Pod(sts_pod(&format!("web-{i}"), "nginx", "nginx:1.27")));
    }
    c.settle_default();
    c
}
