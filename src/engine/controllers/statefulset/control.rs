//! The StatefulSet reconcile loop (`stateful_set_control.go`: `UpdateStatefulSet`,
//! `performUpdate`, `updateStatefulSet`, `processReplica`, `processCondemned`, `runForAll`,
//! `slowStartBatch`).
//!
//! Monotonic (OrderedReady) syncs stop at the first step that has to wait, so pod k+1 is created
//! only once pods 0..k are Running, Ready and available, and scale-down removes one pod at a time
//! from the top. Burst (Parallel) syncs act on every pod at once, in slow-start batches.

use super::history::{list_controller_revisions, sort_controller_revisions};
use super::pod_control::{
    aggregate, claims_match_retention_policy, create_missing_persistent_volume_claims, create_stateful_pod,
    delete_stateful_pod, pod_claim_is_stale, update_stateful_pod, SyncError,
};
use super::retention::is_retain_retain;
use super::revisions::{apply_revision, get_stateful_set_revisions, truncate_history, SetRevisions};
use super::rolling::update_strategy;
use super::status::{update_stateful_set_status, update_status};
use super::utils::*;
use super::COMPONENT;
use crate::engine::api::{Kind, Object, Pod, StatefulSet, StatefulSetStatus};
use crate::engine::sim::Cluster;
use crate::engine::why::Verdict;
use std::rc::Rc;

/// `MaxBatchSize`: most concurrent creations or deletions in one burst batch.
pub const MAX_BATCH_SIZE: usize = 500;

/// What one `UpdateStatefulSet` call produced.
#[derive(Debug)]
pub struct SyncOutcome {
    /// The status it computed (and wrote when it changed), if it got that far.
    pub status: Option<StatefulSetStatus>,
    /// Errors to retry on (aggregated).
    pub result: Result<(), SyncError>,
    /// A pod's creation waits for a stale claim to be garbage collected (not watched: the
    /// informer resync picks it up).
    pub waiting_on_stale_claim: bool,
}

/// One in-range slot: a pod the API server has, or an ordinal still to create. Placeholders are
/// built only when reached: a monotonic sync never looks past the first missing ordinal.
#[derive(Clone, Debug)]
pub enum Slot {
    /// A stored pod.
    Pod(PodHandle),
    /// A missing ordinal (`newVersionedStatefulSetPod`'s pod, not built yet).
    Missing(i64),
}

/// Per-sync inputs shared by the phases.
pub struct SyncCtx<'a> {
    /// The stored StatefulSet object (events are recorded on it).
    pub owner: &'a Rc<Object>,
    /// The set as stored.
    pub set: &'a StatefulSet,
    /// The set at the current revision.
    pub current_set: &'a StatefulSet,
    /// The set at the update revision.
    pub update_set: &'a StatefulSet,
    /// Revisions in use.
    pub revisions: &'a SetRevisions,
    /// `!allowsBurst(set)`.
    pub monotonic: bool,
    /// `statefulset/<name>` for the why log.
    pub subject: String,
    /// Under Retain/Retain with no claim owned by the set, claim refs only need fixing for pods
    /// that own claims (found through the store's owner index, without per-pod lookups).
    pub claims_trivially_match: bool,
}

impl SyncCtx<'_> {
    fn current_name(&self) -> &str {
        &self.revisions.current.meta().name
    }
    fn update_name(&self) -> &str {
        &self.revisions.update.meta().name
    }
    fn min_ready(&self) -> i32 {
        self.set.spec.min_ready_seconds()
    }
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

/// A pod's state in a few words, for wait reasons ("Pending: ContainerCreating").
pub fn pod_state_words(pod: &Pod) -> String {
    if is_terminating(pod) {
        return "Terminating".into();
    }
    let waiting = pod
        .status
        .container_statuses
        .iter()
        .chain(pod.status.init_container_statuses.iter())
        .find_map(|s| s.state.waiting.as_ref().map(|w| w.reason.as_str()))
        .filter(|r| !r.is_empty());
    let phase = if pod.status.phase.is_empty() { "not created" } else { pod.status.phase.as_str() };
    let base = if pod.status.phase == "Running" && !pod.is_ready() { "Running, not Ready" } else { phase };
    match waiting {
        Some(w) => format!("{base}: {w}"),
        None => base.to_string(),
    }
}

/// `UpdateStatefulSet`: revisions, then the sync proper, then history truncation (which runs even
/// after errors).
pub fn update_stateful_set(c: &mut Cluster, owner: &Rc<Object>, set: &StatefulSet, pods: &[PodHandle]) -> SyncOutcome {
    let mut revisions = list_controller_revisions(c, set);
    sort_controller_revisions(&mut revisions);
    let mut outcome = SyncOutcome { status: None, result: Ok(()), waiting_on_stale_claim: false };
    let revs = match get_stateful_set_revisions(c, set, &revisions) {
        Ok(r) => Some(r),
        Err((e, _)) => {
            outcome.result = Err(e.into());
            None
        }
    };
    if let Some(revs) = &revs {
        let (status, result) = perform_update(c, owner, set, revs, pods, &mut outcome.waiting_on_stale_claim);
        outcome.status = status;
        outcome.result = result;
    }
    let truncated = truncate_history(
        c,
        set,
        pods,
        &revisions,
        revs.as_ref().map(|r| &r.current),
        revs.as_ref().map(|r| &r.update),
    );
    if let Err(e) = truncated {
        let mut errs = Vec::new();
        if let Err(e) = std::mem::replace(&mut outcome.result, Ok(())) {
            errs.push(e);
        }
        errs.push(e.into());
        outcome.result = aggregate(errs);
    }
    outcome
}

/// `performUpdate`: the sync, then the status write (also after errors, when a status exists).
fn perform_update(
    c: &mut Cluster,
    owner: &Rc<Object>,
    set: &StatefulSet,
    revs: &SetRevisions,
    pods: &[PodHandle],
    stale: &mut bool,
) -> (Option<StatefulSetStatus>, Result<(), SyncError>) {
    let (status, result) = update_stateful_set_pods(c, owner, set, revs, pods, stale);
    let status = status.map(|s| update_stateful_set_status(c, set, s));
    (status, result)
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
fn update_stateful_set_pods(
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
    condemned.sort_by_key(|p| std::cmp::Reverse(get_ordinal(p)));

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
        process_replica(c, &ctx, &mut slots, &condemned, i, stale)
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
        process_condemned(c, &ctx, first_unavailable.as_deref(), &condemned, i)
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

/// `processReplica`: returns (exit, error).
fn process_replica(
    c: &mut Cluster,
    ctx: &SyncCtx,
    slots: &mut [Slot],
    condemned: &[PodHandle],
    i: usize,
    stale: &mut bool,
) -> (bool, Result<(), SyncError>) {
    let set = ctx.set;
    let pod = materialize(ctx, &mut slots[i]);
    let name = pod.metadata.name.clone();
    let target = format!("pod/{name}");

    // Evicted or otherwise finished pods are deleted; the replacement comes on a later sync, once
    // the old object is gone (same name, same claims).
    if is_failed(&pod) || is_succeeded(&pod) {
        if !is_terminating(&pod) {
            if let Err(e) = delete_stateful_pod(c, ctx.owner, set, &pod) {
                c.decide(COMPONENT, ctx.subject.clone(), Verdict::Fail, target, format!("could not delete {name}: {e}"));
                return (true, Err(e));
            }
            c.decide(
                COMPONENT,
                ctx.subject.clone(),
                Verdict::Delete,
                target,
                format!(
                    "deleting {name}: its phase is {}; a new {name} (same name, same claims) is created once it is gone",
                    pod.status.phase
                ),
            );
        } else {
            c.decide(
                COMPONENT,
                ctx.subject.clone(),
                Verdict::Wait,
                target,
                format!("waiting for {name} ({}) to be gone before recreating it", pod.status.phase),
            );
        }
        return (true, Ok(()));
    }

    if !is_created(&pod) {
        if let Some(claim) = pod_claim_is_stale(c, set, &pod) {
            *stale = true;
            c.decide(
                COMPONENT,
                ctx.subject.clone(),
                Verdict::Wait,
                target,
                format!(
                    "waiting for the garbage collector to delete claim {claim}, still owned by an earlier {name}, before creating {name} (whenScaled: Delete gives it a fresh volume)"
                ),
            );
            return (true, Ok(()));
        }
        if let Err(e) = create_stateful_pod(c, ctx.owner, set, &pod) {
            let reason = if e.already_exists {
                format!("could not create {name}: a pod with that name exists but is not managed by this StatefulSet; retrying")
            } else {
                format!("could not create {name}: {e}")
            };
            c.decide(COMPONENT, ctx.subject.clone(), Verdict::Fail, target, reason);
            return (true, Err(e));
        }
        let ordinal = get_ordinal(&pod);
        let at = if ctx.current_name() != ctx.update_name() {
            format!(" at revision {}", get_pod_revision(&pod))
        } else {
            String::new()
        };
        let why = if !ctx.monotonic {
            " (Parallel: pods are created without waiting for each other)".to_string()
        } else if i == 0 {
            String::new()
        } else {
            let below = if i == 1 {
                format!("{} is", get_pod_name(set, ordinal - 1))
            } else {
                format!("{}..{} are", get_pod_name(set, ordinal - i as i64), get_pod_name(set, ordinal - 1))
            };
            format!("; {below} Running and Ready (OrderedReady creates one pod at a time, in order)")
        };
        c.decide(
            COMPONENT,
            ctx.subject.clone(),
            Verdict::Create,
            target.clone(),
            format!("creating {name}{at}: ordinal {ordinal} is missing{why}"),
        );
        if ctx.monotonic {
            return (true, Ok(()));
        }
    }

    if is_pending(&pod) {
        if let Err(e) = create_missing_persistent_volume_claims(c, ctx.owner, set, &pod) {
            c.decide(COMPONENT, ctx.subject.clone(), Verdict::Fail, target, format!("could not recreate the claims of {name}: {e}"));
            return (true, Err(e));
        }
    }

    let min_ready = ctx.min_ready();
    if ctx.monotonic {
        let wait = if is_terminating(&pod) {
            Some(format!("waiting for {name} to finish terminating{} (OrderedReady)", blocked_next(ctx, slots, condemned, i)))
        } else if !is_running_and_ready(&pod) {
            Some(format!(
                "waiting for {name} ({}) to be Running and Ready{} (OrderedReady)",
                pod_state_words(&pod),
                blocked_next(ctx, slots, condemned, i)
            ))
        } else if !is_running_and_available(&pod, min_ready, c.now) {
            Some(format!(
                "waiting for {name} to be Ready for minReadySeconds ({min_ready}s){} (OrderedReady)",
                blocked_next(ctx, slots, condemned, i)
            ))
        } else {
            None
        };
        if let Some(reason) = wait {
            c.decide(COMPONENT, ctx.subject.clone(), Verdict::Wait, target, reason);
            return (true, Ok(()));
        }
    }

    // Enforce the invariants: identity, storage, claim ownerRefs.
    let retention_match = if ctx.claims_trivially_match && pod_owns_no_claims(c, &pod) {
        true
    } else {
        claims_match_retention_policy(c, ctx.update_set, &pod).unwrap_or(true)
    };
    if identity_matches(set, &pod) && storage_matches(set, &pod) && retention_match {
        return (false, Ok(()));
    }
    match update_stateful_pod(c, ctx.owner, ctx.update_set, (*pod).clone()) {
        Ok(()) => {
            c.decide(
                COMPONENT,
                ctx.subject.clone(),
                Verdict::Update,
                target,
                format!("repairing {name}: its name label, volumes or claim owners no longer matched the StatefulSet"),
            );
            (false, Ok(()))
        }
        Err(e) => {
            c.decide(COMPONENT, ctx.subject.clone(), Verdict::Fail, target, format!("could not repair {name}: {e}"));
            (true, Err(e))
        }
    }
}

/// Whether no PVC has an ownerRef to this pod (the store's owner index; cheap).
fn pod_owns_no_claims(c: &Cluster, pod: &Pod) -> bool {
    pod.metadata.uid.is_empty() || !c.store.dependents(&pod.metadata.uid).any(|k| k.kind == Kind::PersistentVolumeClaim)
}

/// Phase B (`fixPodClaim`): claim refs of a condemned pod, per the retention policy.
fn fix_pod_claim(c: &mut Cluster, ctx: &SyncCtx, pod: &PodHandle) -> (bool, Result<(), SyncError>) {
    match claims_match_retention_policy(c, ctx.update_set, pod) {
        Err(e) => (true, Err(e)),
        Ok(true) => (false, Ok(())),
        Ok(false) => match super::pod_control::update_pod_claim_for_retention_policy(c, ctx.owner, ctx.update_set, pod) {
            Ok(()) => (false, Ok(())),
            Err(e) => (true, Err(e)),
        },
    }
}

/// `processCondemned`: delete one condemned pod (monotonic: only when everything below is
/// healthy, or it is itself the first unhealthy pod).
fn process_condemned(
    c: &mut Cluster,
    ctx: &SyncCtx,
    first_unavailable: Option<&str>,
    condemned: &[PodHandle],
    i: usize,
) -> (bool, Result<(), SyncError>) {
    let pod = &condemned[i];
    let name = &pod.metadata.name;
    let target = format!("pod/{name}");
    if is_terminating(pod) {
        if ctx.monotonic {
            c.decide(
                COMPONENT,
                ctx.subject.clone(),
                Verdict::Wait,
                target,
                format!("waiting for {name} to finish terminating before deleting the next pod (OrderedReady scale down)"),
            );
            return (true, Ok(()));
        }
        return (false, Ok(()));
    }
    let is_first = first_unavailable == Some(name.as_str());
    let now = c.now;
    if ctx.monotonic && !is_first && (!is_running_and_ready(pod) || !is_running_and_available(pod, ctx.min_ready(), now)) {
        let first = first_unavailable.unwrap_or(name);
        c.decide(
            COMPONENT,
            ctx.subject.clone(),
            Verdict::Wait,
            format!("pod/{first}"),
            format!("waiting for {first} to be Running and Ready before deleting {name} (OrderedReady scale down)"),
        );
        return (true, Ok(()));
    }
    let set = ctx.set;
    let range = if set.spec.replicas() == 0 {
        "the StatefulSet wants 0 replicas".to_string()
    } else {
        format!(
            "ordinal {} is outside the desired range {}..{}",
            get_ordinal(pod),
            get_start_ordinal(set),
            get_end_ordinal(set)
        )
    };
    let how = if ctx.monotonic {
        "scale down removes the highest ordinal first, one pod at a time"
    } else {
        "Parallel: all extra pods are deleted at once"
    };
    match delete_stateful_pod(c, ctx.owner, set, pod) {
        Ok(()) => {
            c.decide(COMPONENT, ctx.subject.clone(), Verdict::Delete, target, format!("deleting {name}: {range} ({how})"));
            (true, Ok(()))
        }
        Err(e) => {
            c.decide(COMPONENT, ctx.subject.clone(), Verdict::Fail, target, format!("could not delete {name}: {e}"));
            (true, Err(e))
        }
    }
}
