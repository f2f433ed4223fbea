//! StatefulSet status (`stateful_set_control.go` `computeReplicaStatus`, `updateStatus`,
//! `updateStatefulSetStatus`; `stateful_set_utils.go` `completeRollingUpdate`,
//! `inconsistentStatus`; `stateful_set_status_updater.go`).

use super::utils::{get_pod_revision, is_created, is_running_and_available, is_running_and_ready, is_terminating, PodHandle};
use crate::engine::api::{Object, StatefulSet, StatefulSetStatus, Time, ROLLING_UPDATE};
use crate::engine::apiserver;
use crate::engine::sim::Cluster;
use crate::engine::store::ObjectKey;

/// `updateStatus`: recounts replicas, ready, available, current and updated over the lists.
/// Terminating pods count in `replicas` and `readyReplicas`, not in current/updated.
pub fn update_status(
    status: &mut StatefulSetStatus,
    min_ready_seconds: i32,
    now: Time,
    current_revision: &str,
    update_revision: &str,
    lists: &[&[PodHandle]],
) {
    status.replicas = 0;
    status.ready_replicas = 0;
    status.available_replicas = 0;
    status.current_replicas = 0;
    status.updated_replicas = 0;
    for pod in lists.iter().flat_map(|l| l.iter()) {
        // computeReplicaStatus
        if is_created(pod) {
            status.replicas += 1;
        }
        if is_running_and_ready(pod) {
            status.ready_replicas += 1;
            if is_running_and_available(pod, min_ready_seconds, now) {
                status.available_replicas += 1;
            }
        }
        if is_created(pod) && !is_terminating(pod) {
            let rev = get_pod_revision(pod);
            if rev == current_revision {
                status.current_replicas += 1;
            }
            if rev == update_revision {
                status.updated_replicas += 1;
            }
        }
    }
}

/// `completeRollingUpdate`: once every desired pod is updated and ready (RollingUpdate only), the
/// update revision becomes the current one.
pub fn complete_rolling_update(set: &StatefulSet, status: &mut StatefulSetStatus) {
    let want = set.spec.replicas();
    if set.spec.update_strategy.type_ == ROLLING_UPDATE
        && status.updated_replicas == want
        && status.ready_replicas == want
        && status.replicas == want
    {
        status.current_replicas = status.updated_replicas;
        status.current_revision = status.update_revision.clone();
    }
}

/// `inconsistentStatus`: whether the computed status differs from the stored one.
pub fn inconsistent_status(set: &StatefulSet, status: &StatefulSetStatus) -> bool {
    let s = &set.status;
    status.observed_generation > s.observed_generation
        || status.replicas != s.replicas
        || status.current_replicas != s.current_replicas
        || status.ready_replicas != s.ready_replicas
        || status.updated_replicas != s.updated_replicas
        || status.current_revision != s.current_revision
        || status.available_replicas != s.available_replicas
        || status.update_revision != s.update_revision
}

/// `updateStatefulSetStatus` + the status updater: completes a finished rolling update and writes
/// the status when it changed. The status is the controller's own subresource write, so it goes
/// through `write_internal` (the computed status is valid by construction).
pub fn update_stateful_set_status(c: &mut Cluster, set: &StatefulSet, mut status: StatefulSetStatus) -> StatefulSetStatus {
    complete_rolling_update(set, &mut status);
    if !inconsistent_status(set, &status) {
        return status;
    }
    let key = ObjectKey::new(crate::engine::api::Kind::StatefulSet, &set.metadata.namespace, &set.metadata.name);
    if let Some(Object::StatefulSet(latest)) = c.store.get_key(&key).map(|o| (**o).clone()) {
        if latest.metadata.uid == set.metadata.uid {
            let mut latest = latest;
            latest.status = status.clone();
            apiserver::write_internal(c, Object::StatefulSet(latest));
        }
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::{Condition, Pod};
    use crate::engine::controllers::statefulset::utils::REVISION_LABEL;

    fn pod(name: &str, rev: &str, phase: &str, ready: bool) -> PodHandle {
        let mut p = Pod::default();
        p.metadata.name = name.into();
        p.metadata.labels.insert(REVISION_LABEL.into(), rev.into());
        p.status.phase = phase.into();
        if ready {
            p.status.conditions.push(Condition {
                type_: "Ready".into(),
                status: "True".into(),
                last_transition_time: Some(Time(0)),
                ..Default::default()
            });
        }
        PodHandle::from_pod(p)
    }

    #[test]
    fn counts_follow_upstream() {
        let mut terminating = (*pod("web-2", "b", "Running", true)).clone();
        terminating.metadata.deletion_timestamp = Some(Time(5));
        let pods = vec![
            pod("web-0", "a", "Running", true),
            pod("web-1", "b", "Pending", false),
            PodHandle::from_pod(terminating),
            pod("web-3", "b", "", false),
        ];
        let mut st = StatefulSetStatus::default();
        update_status(&mut st, 10, Time(5_000), "a", "b", &[&pods]);
        assert_eq!((st.replicas, st.ready_replicas, st.available_replicas), (3, 2, 0));
        assert_eq!((st.current_replicas, st.updated_replicas), (1, 1));
        update_status(&mut st, 10, Time(20_000), "a", "b", &[&pods[..1], &pods[1..]]);
        assert_eq!(st.available_replicas, 2);
    }

    #[test]
    fn rolling_update_completes_only_when_all_updated_and_ready() {
        let mut set = StatefulSet::default();
        set.spec.replicas = Some(2);
        set.spec.update_strategy.type_ = ROLLING_UPDATE.into();
        let mut st = StatefulSetStatus {
            replicas: 2,
            ready_replicas: 2,
            updated_replicas: 2,
            current_replicas: 0,
            current_revision: "a".into(),
            update_revision: "b".into(),
            ..Default::default()
        };
        complete_rolling_update(&set, &mut st);
        assert_eq!((st.current_revision.as_str(), st.current_replicas), ("b", 2));
        st.current_revision = "a".into();
        st.ready_replicas = 1;
        complete_rolling_update(&set, &mut st);
        assert_eq!(st.current_revision, "a");
        assert!(inconsistent_status(&set, &st));
    }
}
