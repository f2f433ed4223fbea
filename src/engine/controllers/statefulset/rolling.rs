//! Update strategies (`stateful_set_control.go`, the end of `updateStatefulSet` and
//! `updateStatefulSetAfterInvariantEstablished`): OnDelete does nothing; RollingUpdate deletes
//! the highest-ordinal outdated pod at or above the partition and waits for its replacement to be
//! available before the next one. With the `MaxUnavailableStatefulSet` gate, up to
//! `maxUnavailable` pods may be down at once.
//!
//! Upstream walks `replicas` from the top down to the partition and stops at the first pod that
//! is outdated or unavailable; here [`View::last_to_roll`] finds that pod with one ordered lookup
//! per revision, so a rollout costs O(log pods) per step instead of O(updated pods).
//! [`super::reference::rolling`] is the walk itself.

use super::control::{pod_state_words, SyncCtx};
use super::pod_control::{delete_stateful_pod, SyncError};
use super::utils::{get_pod_revision, get_stateful_set_max_unavailable, is_terminating, PodHandle};
use super::view::View;
use super::COMPONENT;
use crate::engine::api::{StatefulSetStatus, ON_DELETE};
use crate::engine::sim::Cluster;
use crate::engine::why::Verdict;

/// Runs the set's update strategy over the in-range pods (index order).
pub fn update_strategy(c: &mut Cluster, ctx: &SyncCtx, view: &View, status: &mut StatefulSetStatus) -> Result<(), SyncError> {
    let set = ctx.set;
    let update = ctx.revisions.update.meta().name.clone();
    let (start, end) = (view.start, view.end);
    if set.spec.update_strategy.type_ == ON_DELETE {
        if view.any_outdated(start, end, &update) {
            let outdated = view.outdated_names(start, end, &update);
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
        return update_stateful_set_after_invariant_established(c, ctx, view, status, &update);
    }
    let update_min = partition(ctx);
    let min_ready = set.spec.min_ready_seconds();
    // The first replica, from the top down to the partition, that is outdated and not
    // terminating, or unavailable: the walk upstream does, in one lookup.
    let lo = start.saturating_add(update_min as i64);
    let target = view.last_to_roll(lo, end, &update).and_then(|o| view.replica(o).map(|p| (o, p)));
    let Some((target, pod)) = target else {
        explain_partition(c, ctx, view, update_min, &update);
        return Ok(());
    };
    if get_pod_revision(&pod) != update && !is_terminating(&pod) {
        let old = get_pod_revision(&pod).to_string();
        if let Err(e) = delete_stateful_pod(c, ctx.owner, set, &pod) {
            if !e.not_found {
                fail(c, ctx, &pod, &e);
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
    // Unavailable: wait for it.
    let next = view
        .last_outdated(lo, target - 1, &update)
        .and_then(|o| view.replica(o))
        .map(|p| format!(" before updating {}", p.metadata.name))
        .unwrap_or_default();
    let need = if min_ready > 0 { format!("Running, Ready and available for {min_ready}s") } else { "Running and Ready".into() };
    c.decide(
        COMPONENT,
        ctx.subject.clone(),
        Verdict::Wait,
        format!("pod/{}", pod.metadata.name),
        format!("waiting for {} ({}) to be {need}{next} (RollingUpdate)", pod.metadata.name, pod_state_words(&pod)),
    );
    Ok(())
}

/// `updateMin`: the partition (0 without a `rollingUpdate` block), as an index from ordinals.start.
fn partition(ctx: &SyncCtx) -> usize {
    ctx.set.spec.update_strategy.rolling_update.as_ref().and_then(|r| r.partition).unwrap_or(0).max(0) as usize
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
fn explain_partition(c: &mut Cluster, ctx: &SyncCtx, view: &View, update_min: usize, update: &str) {
    let hi = view.start.saturating_add(update_min as i64).min(view.end.saturating_add(1)) - 1;
    if !view.any_outdated(view.start, hi, update) {
        return;
    }
    let held = view.outdated_names(view.start, hi, update);
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
    view: &View,
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
    let (start, end) = (view.start, view.end);
    let lo = start.saturating_add(update_min as i64);
    let unavailable = view.count_unavailable(start, end) as i64;
    if unavailable >= max_unavailable {
        if view.any_outdated(lo, end, update) {
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
    let to_delete = (max_unavailable - unavailable) as usize;
    let mut deleted = 0;
    for target in view.outdated_to_delete(lo, end, update, to_delete) {
        let Some(pod) = view.replica(target) else { continue };
        let old = get_pod_revision(&pod).to_string();
        if let Err(e) = delete_stateful_pod(c, ctx.owner, set, &pod) {
            if !e.not_found {
                fail(c, ctx, &pod, &e);
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
    if deleted == 0 {
        explain_partition(c, ctx, view, update_min, update);
    }
    Ok(())
}
