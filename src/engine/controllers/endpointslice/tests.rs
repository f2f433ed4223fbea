//! The EndpointSlice controller against the whole engine: web.yaml's headless Service and
//! StatefulSet.

use super::utils::*;
use super::*;
use crate::engine::config::ClusterConfig;

const WEB: &str = include_str!("../../../../tests/transcripts/web.yaml");

fn apply(c: &mut Cluster, yaml: &str) {
    let ctx = crate::kubectl::Context::default();
    let mut files = std::collections::BTreeMap::new();
    files.insert("web.yaml".to_string(), yaml.to_string());
    let ctx = crate::kubectl::Context { files: Some(crate::kubectl::FileResolver::from_map(files)), ..ctx };
    let o = crate::kubectl::run(c, "kubectl apply -f web.yaml", &ctx);
    assert_eq!(o.exit_code, 0, "{}", o.stderr);
}

fn slices(c: &Cluster, svc: &str) -> Vec<Value> {
    c.store
        .list(Kind::EndpointSlice, Some("default"))
        .filter(|o| o.meta().labels.get(LABEL_SERVICE_NAME).map(String::as_str) == Some(svc))
        .map(|o| o.to_value())
        .collect()
}

#[test]
fn a_settled_statefulset_is_listed_with_hostnames_and_ports() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, WEB);
    c.settle_default();
    let s = slices(&c, "nginx");
    assert_eq!(s.len(), 1);
    let s = &s[0];
    let name = s["metadata"]["name"].as_str().expect("name");
    assert!(name.starts_with("nginx-") && name.len() == "nginx-".len() + 5, "{name}");
    assert_eq!(s["metadata"]["generateName"], "nginx-");
    assert_eq!(s["metadata"]["labels"][LABEL_HEADLESS], "");
    assert_eq!(s["metadata"]["labels"][LABEL_MANAGED_BY], ENDPOINTSLICE_CONTROLLER);
    assert_eq!(s["metadata"]["labels"]["app"], "nginx");
    assert_eq!(s["metadata"]["ownerReferences"][0]["kind"], "Service");
    assert_eq!(s["metadata"]["ownerReferences"][0]["controller"], true);
    assert_eq!(s["addressType"], "IPv4");
    assert_eq!(s["ports"], serde_json::json!([{"name": "web", "port": 80, "protocol": "TCP"}]));
    let eps = s["endpoints"].as_array().expect("endpoints");
    assert_eq!(eps.len(), 2);
    assert_eq!(eps[0]["hostname"], "web-0");
    assert_eq!(eps[0]["targetRef"]["name"], "web-0");
    assert_eq!(eps[0]["conditions"], serde_json::json!({"ready": true, "serving": true, "terminating": false}));
    assert!(s["metadata"]["annotations"][ANNOTATION_TRIGGER_TIME].is_string());
    let why: Vec<&str> = c.why.iter().filter(|d| d.component == COMPONENT).map(|d| d.reason.as_str()).collect();
    assert!(why.iter().any(|r| r.starts_with("added web-0 (") && r.contains(&format!("to EndpointSlice {name}"))), "{why:?}");
}

#[test]
fn deleting_the_service_garbage_collects_its_slices_and_endpoints() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, WEB);
    c.settle_default();
    assert!(c.store.get(Kind::Endpoints, "default", "nginx").is_some());
    let o = crate::kubectl::run(&mut c, "kubectl delete svc nginx", &crate::kubectl::Context::default());
    assert_eq!(o.exit_code, 0, "{}", o.stderr);
    c.settle_default();
    assert!(slices(&c, "nginx").is_empty());
    assert!(c.store.get(Kind::Endpoints, "default", "nginx").is_none());
}

#[test]
fn a_slice_deleted_by_hand_is_recreated() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, WEB);
    c.settle_default();
    let name = slices(&c, "nginx")[0]["metadata"]["name"].as_str().expect("name").to_string();
    let key = ObjectKey::new(Kind::EndpointSlice, "default", &name);
    apiserver::delete(&mut c, &key, DeleteOptions::default()).expect("delete");
    c.settle_default();
    let after = slices(&c, "nginx");
    assert_eq!(after.len(), 1);
    assert_eq!(after[0]["endpoints"].as_array().map(Vec::len), Some(2));
}
