//! Test helpers for the StatefulSet controller: a fake kubelet that drives a cluster from its
//! watch events (pods become Running and Ready as soon as they exist, deletions finish at once),
//! and a few object builders. Event-driven on purpose: it costs O(changes), so timings taken
//! with it measure the controller, not the helper.

use crate::engine::api::*;
use crate::engine::apiserver;
use crate::engine::sim::Cluster;
use crate::engine::store::{ObjectKey, WatchEvent};

/// A StatefulSet as the API server stores it after defaulting (OrderedReady, RollingUpdate with
/// partition 0, one claim template).
pub fn web(replicas: i32) -> StatefulSet {
    let mut s = StatefulSet::default();
    s.metadata.name = "web".into();
    s.metadata.namespace = "default".into();
    s.spec.replicas = Some(replicas);
    s.spec.service_name = "nginx".into();
    let labels: StringMap = [("app".to_string(), "nginx".to_string())].into();
    s.spec.selector = Some(LabelSelector { match_labels: labels.clone(), ..Default::default() });
    s.spec.template.metadata.labels = labels.into();
    s.spec.template.spec.containers.push(Container {
        name: "nginx".into(),
        image: "nginx:1.27".into(),
        image_pull_policy: "IfNotPresent".into(),
        termination_message_path: "/dev/termination-log".into(),
        termination_message_policy: "File".into(),
        ..Default::default()
    });
    s.spec.template.spec.restart_policy = "Always".into();
    s.spec.template.spec.termination_grace_period_seconds = Some(30);
    s.spec.pod_management_policy = POD_MANAGEMENT_ORDERED_READY.into();
    s.spec.update_strategy = StatefulSetUpdateStrategy {
        type_: ROLLING_UPDATE.into(),
        rolling_update: Some(RollingUpdateStatefulSetStrategy { partition: Some(0), max_unavailable: None }),
    };
    s.spec.revision_history_limit = Some(10);
    let mut claim = PersistentVolumeClaim::default();
    claim.metadata.name = "www".into();
    claim.spec.access_modes = vec!["ReadWriteOnce".into()];
    claim.spec.resources.requests.insert("storage".into(), "1Gi".into());
    s.spec.volume_claim_templates.push(claim);
    s
}

/// The fake kubelet's "start": binds the pod and makes it Running and Ready now.
pub fn make_ready(c: &mut Cluster, namespace: &str, name: &str) {
    let Some(mut p) = c.store.get(Kind::Pod, namespace, name).and_then(|o| o.as_pod()).cloned() else { return };
    p.spec.node_name = "node-1".into();
    p.status.phase = "Running".into();
    p.status.conditions = vec![Condition {
        type_: "Ready".into(),
        status: "True".into(),
        last_transition_time: Some(c.now),
        ..Default::default()
    }];
    apiserver::write_internal(c, Object::Pod(p));
}

/// What the fake kubelet does about one change: start new pods, finish deletions.
fn react(c: &mut Cluster, ev: &WatchEvent) {
    let Some(p) = ev.object.as_pod() else { return };
    let (ns, name) = (p.metadata.namespace.clone(), p.metadata.name.clone());
    let Some(cur) = c.store.get(Kind::Pod, &ns, &name).and_then(|o| o.as_pod()) else { return };
    if cur.metadata.deletion_timestamp.is_some() {
        apiserver::finish_pod_deletion(c, &ObjectKey::new(Kind::Pod, &ns, &name));
    } else if cur.status.phase == "Pending" {
        make_ready(c, &ns, &name);
    }
}

/// Runs the cluster with the fake kubelet until nothing is left to do; returns steps taken.
pub fn drive(c: &mut Cluster) -> usize {
    let mut steps = 0;
    loop {
        let r = c.step();
        steps += 1;
        if r.changes.is_empty() {
            return steps;
        }
        for ev in &r.changes {
            react(c, ev);
        }
        // Only failure loops left (e.g. claims that can never bind without nodes re-emitting
        // their events): the controller has nothing more to do.
        if c.is_settled() && !c.store.has_changes() {
            return steps;
        }
    }
}
