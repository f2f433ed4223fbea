//! Scale checks with the fake kubelet of [`super::testkit`]: apply-and-settle an OrderedReady set
//! and roll it, asserting the outcome (never timings). The size is `STSPLAY_CONTROLLER_N`
//! (default 60) and elapsed times are printed, so the same test gives benchmark figures:
//! `STSPLAY_CONTROLLER_N=1000 cargo test --profile bench --lib statefulset::perf_tests -- --nocapture`.

use super::testkit::{drive, web};
use crate::engine::api::*;
use crate::engine::apiserver;
use crate::engine::config::ClusterConfig;
use crate::engine::sim::Cluster;
use std::time::Instant;

fn size() -> i32 {
    std::env::var("STSPLAY_CONTROLLER_N").ok().and_then(|v| v.parse().ok()).unwrap_or(60)
}

fn status(c: &Cluster) -> StatefulSetStatus {
    c.store.get(Kind::StatefulSet, "default", "web").and_then(|o| o.as_stateful_set()).map(|s| s.status.clone()).unwrap_or_default()
}

#[test]
fn ordered_ready_settles_then_rolls_at_scale() {
    let n = size();
    let mut c = Cluster::new(ClusterConfig::default());
    let t = Instant::now();
    apiserver::create(&mut c, Object::StatefulSet(web(n))).expect("create");
    let steps = drive(&mut c);
    let settle_ms = t.elapsed().as_secs_f64() * 1000.0;
    let s = status(&c);
    assert_eq!((s.replicas, s.ready_replicas, s.available_replicas), (n, n, n));

    let t = Instant::now();
    let mut set = c.store.get(Kind::StatefulSet, "default", "web").and_then(|o| o.as_stateful_set()).cloned().expect("set");
    set.spec.template.spec.containers[0].image = "nginx:1.28".into();
    apiserver::update(&mut c, Object::StatefulSet(set)).expect("update");
    let roll_steps = drive(&mut c);
    let roll_ms = t.elapsed().as_secs_f64() * 1000.0;
    let s = status(&c);
    assert_eq!((s.updated_replicas, s.ready_replicas), (n, n));
    assert_eq!(s.current_revision, s.update_revision);
    println!("controller figures: n={n} settle {settle_ms:.1} ms ({steps} steps), rolling update {roll_ms:.1} ms ({roll_steps} steps)");
}
