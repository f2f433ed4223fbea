//! The straightforward StatefulSet sync: the bucketing and phase loops of
//! `stateful_set_control.go` `updateStatefulSet`, `runForAll` and `slowStartBatch`, line by line —
//! every replica and every condemned pod visited on every sync, O(pods).
//!
//! Two roles: the oracle the indexed loop ([`super::control`]) is checked against, step by step,
//! in the differential test; and the fallback for sets whose pods the index cannot stand for
//! (two claimed pods at one ordinal, such as `web-7` and `web-07`; see [`super::index`]).
//! Both loops call the same per-pod steps ([`super::process`]).

pub mod rolling;

use super::control::{SyncCtx, MAX_BATCH_SIZE};
use super::pod_control::{aggregate, SyncError};
use super::process::{fix_pod_claim, process_condemned, process_replica};
use super::retention::is_retain_retain;
use super::revisions::{apply_revision, SetRevisions};
use super::status::update_status;
use super::utils::*;
use super::COMPONENT;
use crate::engine::api::{Kind, Object, StatefulSet, StatefulSetStatus};
use crate::engine::sim::Cluster;
use crate::engine::why::Verdict;
use rolling::update_strategy;
use std::rc::Rc;

/// One in-range slot: a pod the API server has, or an ordinal still to create. Placeholders are
/// built only when reached: a monotonic sync never looks past the first missing ordinal.
#[derive(Clone, Debug)]
pub enum Slot {
    /// A stored pod.
    Pod(PodHandle),
    /// A missing ordinal (`newVersionedStatefulSetPod`'s pod, not built yet).
    Missing(i64),
}

/// Builds the placeholder for a missing ordinal.
fn materialize(ctx: &SyncCtx, slot: &mut Slot) -> PodHandle {
    match slot {
        Slot::Pod(p) => p.clone(),
        Slot::Missing(ordinal) => {
            let pod = new_versioned_stateful_set_pod(
                ctx.current_set,
                ctx.update_set,
                ctx.current_name(),
                ctx.update_name(),
                *ordinal,
            );
            let h = PodHandle::from_pod(pod);
            *slot = Slot::Pod(h.clone());
            h
        }
    }
}

/// `slowStartBatch`: runs `f` over `0..n` in batches of 1, 2, 4, … (at most [`MAX_BATCH_SIZE`]),
/// stopping after a batch with errors. The simulation runs a batch's calls one after another at
/// the same instant, which is what the API server sees of concurrent requests.
fn slow_start_batch<F>(c: &mut Cluster, n: usize, mut f: F) -> Result<(), SyncError>
where
    F: FnMut(&mut Cluster, usize) -> (bool, Result<(), SyncError>),
{
    let mut next = 0;
    let mut batch = n.min(1);
    while batch > 0 {
        let mut errs = Vec::new();
        for i in next..next + batch {
            if let (_, Err(e)) = f(c, i) {
                errs.push(e);
            }
        }
        next += batch;
        aggregate(errs)?;
        batch = (2 * batch).min(n - next).min(MAX_BATCH_SIZE);
    }
    Ok(())
}

/// `runForAll`: sequentially with early exit (monotonic), or in slow-start batches (burst).
fn run_for_all<F>(c: &mut Cluster, n: usize, monotonic: bool, mut f: F) -> (bool, Result<(), SyncError>)
where
    F: FnMut(&mut Cluster, usize) -> (bool, Result<(), SyncError>),
{
    if monotonic {
        for i in 0..n {
            let (exit, res) = f(c, i);
            if exit || res.is_err() {
                return (true, res);
            }
        }
        (false, Ok(()))
    } else {
        match slow_start_batch(c, n, f) {
            Ok(()) => (false, Ok(())),
            Err(e) => (true, Err(e)),
        }
    }
}

/// The lowercase `updateStatefulSet`: bucket pods, process replicas (create, recreate failed,
/// repair), fix condemned claims, scale down, then apply the update strategy.
pub fn update_stateful_set_pods(
    c: &mut Cluster,
    owner: &Rc<Object>,
    set: &StatefulSet,
    revs: &SetRevisions,
    pods: &[PodHandle],
    stale: &mut bool,
) -> (Option<StatefulSetStatus>, Result<(), SyncError>) {
    let current_set = match apply_revision(c, set, &revs.current) {
        Ok(s) => s,
        Err(e) => return (None, Err(SyncError::msg(e))),
    };
    let update_set = match apply_revision(c, set, &revs.update) {
        Ok(s) => s,
        Err(e) => return (None, Err(SyncError::msg(e))),
    };
    let now = c.now;
    let mut status = StatefulSetStatus {
        observed_generation: set.metadata.generation,
        current_revision: revs.current.meta().name.clone(),
        update_revision: revs.update.meta().name.clone(),
        collision_count: Some(revs.collision_count),
        ..Default::default()
    };
    let min_ready = set.spec.min_ready_seconds();

    // Bucket: in-range pods by index, condemned (valid ordinal outside the range) high→low.
    let start = get_start_ordinal(set);
    let count = set.spec.replicas().max(0) as usize;
    let mut slots: Vec<Slot> = (0..count).map(|i| Slot::Missing(start + i as i64)).collect();
    let mut condemned: Vec<PodHandle> = Vec::new();
    let end = get_end_ordinal(set);
    for pod in pods {
        let ordinal = get_ordinal(pod);
        if ordinal >= start && ordinal <= end {
            slots[(ordinal - start) as usize] = Slot::Pod(pod.clone());
        } else if ordinal >= 0 {
            condemned.push(pod.clone());
        }
    }
    crate::util::sort::sort_by_key(&mut condemned, |p| std::cmp::Reverse(get_ordinal(p)));

    // The first unavailable pod: lowest in-range index, else lowest condemned ordinal.
    let first_unavailable: Option<String> = slots
        .iter()
        .find_map(|s| match s {
            Slot::Missing(o) => Some(get_pod_name(set, *o)),
            Slot::Pod(p) => is_unavailable(p, min_ready, now).then(|| p.metadata.name.clone()),
        })
        .or_else(|| condemned.iter().rev().find(|p| is_unavailable(p, min_ready, now)).map(|p| p.metadata.name.clone()));

    let subject = format!("statefulset/{}", set.metadata.name);
    if set.metadata.deletion_timestamp.is_some() {
        // Upstream computes the status over all pods first; only this early return keeps it.
        let (cur, upd) = (status.current_revision.clone(), status.update_revision.clone());
        update_status(&mut status, min_ready, now, &cur, &upd, &[pods]);
        c.decide(COMPONENT, subject, Verdict::Skip, "", "the StatefulSet is being deleted: only its status is updated");
        return (Some(status), Ok(()));
    }

    let claims_trivially_match = is_retain_retain(set)
        && !c.store.dependents(&set.metadata.uid).any(|k| k.kind == Kind::PersistentVolumeClaim);
    let ctx = SyncCtx {
        owner,
        set,
        current_set: &current_set,
        update_set: &update_set,
        revisions: revs,
        monotonic: !allows_burst(set),
        subject,
        claims_trivially_match,
    };

    let finish = |c: &mut Cluster, status: &mut StatefulSetStatus, slots: &[Slot], condemned: &[PodHandle]| {
        let created: Vec<PodHandle> =
            slots.iter().filter_map(|s| if let Slot::Pod(p) = s { Some(p.clone()) } else { None }).collect();
        let (cur, upd) = (status.current_revision.clone(), status.update_revision.clone());
        update_status(status, min_ready, c.now, &cur, &upd, &[&created, condemned]);
    };

    // Phase A: every in-range replica.
    let n = slots.len();
    let (exit, res) = run_for_all(c, n, ctx.monotonic, |c, i| {
        let pod = materialize(&ctx, &mut slots[i]);
        process_replica(c, &ctx, &pod, i, || blocked_next(&ctx, &slots, &condemned, i), stale)
    });
    if exit || res.is_err() {
        finish(c, &mut status, &slots, &condemned);
        return (Some(status), res);
    }

    // Phase B: claim ownerRefs of condemned pods, before any of them is deleted.
    let (exit, res) = run_for_all(c, condemned.len(), ctx.monotonic, |c, i| fix_pod_claim(c, &ctx, &condemned[i]));
    if exit || res.is_err() {
        finish(c, &mut status, &slots, &condemned);
        return (Some(status), res);
    }

    // Phase C: scale down, highest ordinal first.
    let (exit, res) = run_for_all(c, condemned.len(), ctx.monotonic, |c, i| {
        process_condemned(c, &ctx, first_unavailable.as_deref(), &condemned[i])
    });
    if exit || res.is_err() {
        finish(c, &mut status, &slots, &condemned);
        return (Some(status), res);
    }

    finish(c, &mut status, &slots, &condemned);
    // Phase D: the update strategy works on built pods (placeholders only remain in burst mode).
    let replicas: Vec<PodHandle> = slots.iter_mut().map(|s| materialize(&ctx, s)).collect();
    let res = update_strategy(c, &ctx, &replicas, &mut status);
    (Some(status), res)
}

/// What a wait at replica `i` holds up, for the why log.
fn blocked_next(ctx: &SyncCtx, slots: &[Slot], condemned: &[PodHandle], i: usize) -> String {
    if let Some(o) = slots[i + 1..].iter().find_map(|s| if let Slot::Missing(o) = s { Some(*o) } else { None }) {
        return format!(" before creating {}", get_pod_name(ctx.set, o));
    }
    if let Some(p) = condemned.first() {
        return format!(" before scaling down (deleting {})", p.metadata.name);
    }
    let outdated = slots.iter().any(|s| matches!(s, Slot::Pod(p) if get_pod_revision(p) != ctx.update_name()));
    if outdated && ctx.set.spec.update_strategy.type_ != crate::engine::api::ON_DELETE {
        return " before going on with the rolling update".into();
    }
    String::new()
}

