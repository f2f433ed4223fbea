//! The update strategies over upstream's `replicas` slice, walked index by index
//! (`stateful_set_control.go`, the end of `updateStatefulSet` and
//! `updateStatefulSetAfterInvariantEstablished`): the straightforward counterpart of
//! [`super::super::rolling`], with the same decisions.

use super::super::control::{pod_state_words, SyncCtx};
use super::super::pod_control::{delete_stateful_pod, SyncError};
use super::super::utils::{get_pod_revision, get_stateful_set_max_unavailable, is_terminating, is_unavailable, PodHandle};
use super::super::COMPONENT;
use crate::engine::api::{StatefulSetStatus, ON_DELETE};
use crate::engine::sim::Cluster;
use crate::engine::why::Verdict;

/// Runs the set's update strategy over the in-range pods (index order).
pub fn update_strategy(
    c: &mut Cluster,
    ctx: &SyncCtx,
    replicas: &[PodHandle],
    status: &mut StatefulSetStatus,
) -> Result<(), SyncError> {
    let set = ctx.set;
    let update = ctx.revisions.update.meta().name.clone();
    if set.spec.update_strategy.type_ == ON_DELETE {
        let outdated = names(replicas.iter().filter(|p| get_pod_revision(p) != update));
        if !outdated.is_empty() {
            c.decide(
                COMPONENT,
                ctx.subject.clone(),
                Verdict::Skip,
                "",
                format!(
                    "OnDelete: {outdated} still run an older revision; the controller never replaces them itself — delete a pod to recreate it at revision {update}"
                ),
            );
        }
        return Ok(());
    }
    if c.config.feature_gates.max_unavailable_stateful_set {
        return update_stateful_set_after_invariant_established(c, ctx, replicas, status, &update);
    }
    let update_min = partition(ctx);
    let now = c.now;
    let min_ready = set.spec.min_ready_seconds();
    for target in (update_min..replicas.len()).rev() {
        let pod = &replicas[target];
        if get_pod_revision(pod) != update && !is_terminating(pod) {
            let old = get_pod_revision(pod).to_string();
            if let Err(e) = delete_stateful_pod(c, ctx.owner, set, pod) {
                if !e.not_found {
                    fail(c, ctx, pod, &e);
                    return Err(e);
                }
            }
            status.current_replicas -= 1;
            c.decide(
                COMPONENT,
                ctx.subject.clone(),
                Verdict::Delete,
                format!("pod/{}", pod.metadata.name),
                format!(
                    "deleting {} to update it from revision {old} to {update} (RollingUpdate replaces the highest ordinal first, one pod at a time; it comes back with the same name and claims)",
                    pod.metadata.name
                ),
            );
            return Ok(());
        }
        if is_unavailable(pod, min_ready, now) {
            let next = replicas[update_min..target]
                .iter()
                .rev()
                .find(|p| get_pod_revision(p) != update)
                .map(|p| format!(" before updating {}", p.metadata.name))
                .unwrap_or_default();
            let need = if min_ready > 0 { format!("Running, Ready and available for {min_ready}s") } else { "Running and Ready".into() };
            c.decide(
                COMPONENT,
                ctx.subject.clone(),
                Verdict::Wait,
                format!("pod/{}", pod.metadata.name),
                format!("waiting for {} ({}) to be {need}{next} (RollingUpdate)", pod.metadata.name, pod_state_words(pod)),
            );
            return Ok(());
        }
    }
    explain_partition(c, ctx, replicas, update_min, &update);
    Ok(())
}

/// `updateMin`: the partition (0 without a `rollingUpdate` block), as an index from ordinals.start.
fn partition(ctx: &SyncCtx) -> usize {
    ctx.set.spec.update_strategy.rolling_update.as_ref().and_then(|r| r.partition).unwrap_or(0).max(0) as usize
}

fn names<'a>(pods: impl Iterator<Item = &'a PodHandle>) -> String {
    pods.map(|p| p.metadata.name.as_str()).collect::<Vec<_>>().join(", ")
}

fn fail(c: &mut Cluster, ctx: &SyncCtx, pod: &PodHandle, e: &SyncError) {
    c.decide(
        COMPONENT,
        ctx.subject.clone(),
        Verdict::Fail,
        format!("pod/{}", pod.metadata.name),
        format!("could not delete {}: {e}", pod.metadata.name),
    );
}

/// Says which pods the partition holds back, once everything above it is updated.
fn explain_partition(c: &mut Cluster, ctx: &SyncCtx, replicas: &[PodHandle], update_min: usize, update: &str) {
    let held = names(replicas[..update_min.min(replicas.len())].iter().filter(|p| get_pod_revision(p) != update));
    if held.is_empty() {
        return;
    }
    c.decide(
        COMPONENT,
        ctx.subject.clone(),
        Verdict::Skip,
        "",
        format!(
            "partition is {update_min}: {held} keep their revision; only pods at index {update_min} or above are updated — lower the partition to go on"
        ),
    );
}

/// `updateStatefulSetAfterInvariantEstablished` (gate `MaxUnavailableStatefulSet`, 1.35 logic):
/// counts unavailable pods over the whole range; when fewer than `maxUnavailable`, deletes that
/// many more outdated pods from the top down to the partition, in one sync.
fn update_stateful_set_after_invariant_established(
    c: &mut Cluster,
    ctx: &SyncCtx,
    replicas: &[PodHandle],
    status: &mut StatefulSetStatus,
    update: &str,
) -> Result<(), SyncError> {
    let set = ctx.set;
    let update_min = partition(ctx);
    let max_unavailable = if set.spec.update_strategy.rolling_update.is_some() {
        get_stateful_set_max_unavailable(set).map_err(SyncError::msg)?
    } else {
        1
    };
    let now = c.now;
    let min_ready = set.spec.min_ready_seconds();
    let unavailable = replicas.iter().filter(|p| is_unavailable(p, min_ready, now)).count() as i64;
    if unavailable >= max_unavailable {
        if replicas[update_min.min(replicas.len())..].iter().any(|p| get_pod_revision(p) != update) {
            c.decide(
                COMPONENT,
                ctx.subject.clone(),
                Verdict::Wait,
                "",
                format!(
                    "waiting: {unavailable} pod(s) are unavailable and maxUnavailable is {max_unavailable}, so no more pods are taken down for the update (RollingUpdate)"
                ),
            );
        }
        return Ok(());
    }
    let to_delete = max_unavailable - unavailable;
    let mut deleted = 0;
    for target in (update_min..replicas.len()).rev() {
        if deleted >= to_delete {
            break;
        }
        let pod = &replicas[target];
        if get_pod_revision(pod) != update && !is_terminating(pod) {
            let old = get_pod_revision(pod).to_string();
            if let Err(e) = delete_stateful_pod(c, ctx.owner, set, pod) {
                if !e.not_found {
                    fail(c, ctx, pod, &e);
                    return Err(e);
                }
            }
            deleted += 1;
            status.current_replicas -= 1;
            c.decide(
                COMPONENT,
                ctx.subject.clone(),
                Verdict::Delete,
                format!("pod/{}", pod.metadata.name),
                format!(
                    "deleting {} to update it from revision {old} to {update} (maxUnavailable {max_unavailable}: up to that many pods may be down at once)",
                    pod.metadata.name
                ),
            );
        }
    }
    if deleted == 0 {
        explain_partition(c, ctx, replicas, update_min, update);
    }
    Ok(())
}
