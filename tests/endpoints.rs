//! Service endpoints end to end: the EndpointSlice and Endpoints controllers follow pod
//! readiness, scaling and Service deletion, as on a real cluster (pkg/controller/endpointslice,
//! pkg/controller/endpoint).

mod common;

use common::*;
use serde_json::Value;
use stsplay::engine::api::Kind;
use stsplay::engine::faults;
use stsplay::engine::sim::Cluster;

/// The seed with a readiness probe, so a readiness fault makes a pod not Ready. It checks that
/// nginx accepts connections: an `httpGet /` would get its 403 for the empty claim at the web root.
fn seed_with_probe() -> String {
    seed_with(|s| s.replace("            - containerPort: 80\n", "            - containerPort: 80\n          readinessProbe:\n            tcpSocket:\n              port: 80\n"))
}

/// The Service's slice endpoints: (pod, ready, terminating).
fn slice_endpoints(c: &Cluster) -> Vec<(String, bool, bool)> {
    let mut out = Vec::new();
    for o in c.store.list(Kind::EndpointSlice, Some("default")) {
        let v = o.to_value();
        if v["metadata"]["labels"]["kubernetes.io/service-name"] != "myapp" {
            continue;
        }
        for e in v["endpoints"].as_array().cloned().unwrap_or_default() {
            let b = |k: &str| e["conditions"][k].as_bool().unwrap_or(false);
            out.push((e["targetRef"]["name"].as_str().unwrap_or("").to_string(), b("ready"), b("terminating")));
        }
    }
    out.sort();
    out
}

/// The Endpoints object's (ready, not ready) pod names.
fn endpoints(c: &Cluster) -> (Vec<String>, Vec<String>) {
    let Some(o) = c.store.get(Kind::Endpoints, "default", "myapp") else { return (vec![], vec![]) };
    let v = o.to_value();
    let names = |key: &str| -> Vec<String> {
        let mut n: Vec<String> = v["subsets"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|s| s[key].as_array().cloned().unwrap_or_default())
            .map(|a: Value| a["targetRef"]["name"].as_str().unwrap_or("").to_string())
            .collect();
        n.sort();
        n
    };
    (names("addresses"), names("notReadyAddresses"))
}

fn all(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn endpoints_follow_readiness_scaling_and_service_deletion() {
    let mut c = cluster();
    create(&mut c, &seed_with_probe());
    settle(&mut c);
    let ready = |n: &str| (n.to_string(), true, false);
    assert_eq!(slice_endpoints(&c), vec![ready("myapp-0"), ready("myapp-1"), ready("myapp-2")]);
    assert_eq!(endpoints(&c), (all(&["myapp-0", "myapp-1", "myapp-2"]), vec![]));

    // A pod that fails readiness stays in the slice with ready=false and moves to
    // notReadyAddresses; DNS stops answering for it.
    let fault = faults::fail_readiness(&mut c, "default", "myapp-1", None).expect("fault");
    step_until(&mut c, "myapp-1 not ready in the slice", |c| slice_endpoints(c).contains(&("myapp-1".into(), false, false)));
    step_until(&mut c, "myapp-1 not ready in Endpoints", |c| endpoints(c).1 == all(&["myapp-1"]));
    assert_eq!(endpoints(&c).0, all(&["myapp-0", "myapp-2"]));
    let ep = kubectl(&mut c, "get ep myapp");
    assert!(ep.contains("myapp ") && ep.matches(":80").count() == 2, "{ep}");
    let dns = stsplay::engine::dns::lookup(&c, "default", "myapp-1.myapp", stsplay::engine::dns::QType::A);
    assert_eq!(dns.answer(), &stsplay::engine::dns::Answer::NxDomain);

    // Ready again: back in addresses (OrderedReady scale-down would wait for it anyway).
    faults::clear_fault(&mut c, &fault).expect("clear");
    step_until(&mut c, "myapp-1 ready again", |c| endpoints(c).1.is_empty());
    assert_eq!(slice_endpoints(&c), vec![ready("myapp-0"), ready("myapp-1"), ready("myapp-2")]);

    // Scale down: the removed pod is terminating (ready=false, terminating=true) in the slice,
    // gone from Endpoints at once, and gone from both once deleted.
    kubectl(&mut c, "scale sts myapp --replicas=2");
    step_until(&mut c, "myapp-2 terminating in the slice", |c| slice_endpoints(c).contains(&("myapp-2".into(), false, true)));
    step_until(&mut c, "myapp-2 out of Endpoints", |c| !endpoints(c).0.contains(&"myapp-2".to_string()));
    settle(&mut c);
    assert!(slice_endpoints(&c).iter().all(|e| e.0 != "myapp-2"));

    // Deleting the Service: the garbage collector deletes its slices (owned by the Service), the
    // Endpoints controller its Endpoints.
    kubectl(&mut c, "delete svc myapp");
    settle(&mut c);
    let left: Vec<String> = c.store.list(Kind::EndpointSlice, Some("default")).map(|o| o.meta().name.clone()).collect();
    assert_eq!(left, vec!["kubernetes".to_string()]);
    assert!(c.store.get(Kind::Endpoints, "default", "myapp").is_none());
}

#[test]
fn a_hundred_and_one_pods_fill_two_slices() {
    let mut c = cluster();
    create(&mut c, &seed_with(|s| s.replace("replicas: 3", "replicas: 101")));
    settle(&mut c);
    let mut sizes: Vec<usize> = c
        .store
        .list(Kind::EndpointSlice, Some("default"))
        .map(|o| o.to_value())
        .filter(|v| v["metadata"]["labels"]["kubernetes.io/service-name"] == "myapp")
        .map(|v| v["endpoints"].as_array().map_or(0, Vec::len))
        .collect();
    sizes.sort();
    assert_eq!(sizes, vec![1, 100], "at most 100 endpoints per slice");
    let out = kubectl(&mut c, "describe svc myapp");
    assert!(out.contains(":80 + 98 more..."), "{out}");
}
