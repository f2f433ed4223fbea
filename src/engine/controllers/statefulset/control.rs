//! The StatefulSet reconcile loop (`stateful_set_control.go`: `UpdateStatefulSet`,
//! `performUpdate`, `updateStatefulSet`, `runForAll`, `slowStartBatch`).
//!
//! Monotonic (OrderedReady) syncs stop at the first step that has to wait, so pod k+1 is created
//! only once pods 0..k are Running, Ready and available, and scale-down removes one pod at a time
//! from the top. Burst (Parallel) syncs act on every pod at once, in slow-start batches.
//!
//! Same phases, same calls, same order as upstream — but over a [`View`] of the set's
//! [`SetIndex`]: where upstream runs `processReplica` on every replica and most calls return
//! "carry on" without doing anything, this loop calls it only on the replicas where it does
//! something (see [`View::next_monotonic_visit`], [`View::burst_visits`]). A call skipped is one
//! that would have returned `(false, nil)` with no write, event or why-log entry; the
//! differential test (`diff_tests`) holds this against [`super::reference`], the line-by-line
//! port, after every step of random scenarios.

use super::history::{list_controller_revisions, sort_controller_revisions};
use super::index::SetIndex;
use super::pod_control::{aggregate, SyncError};
use super::process::{fix_pod_claim, process_condemned, process_replica};
use super::retention::is_retain_retain;
use super::revisions::{apply_revision_of, get_stateful_set_revisions, truncate_history, SetRevisions};
use super::rolling::update_strategy;
use super::status::update_stateful_set_status;
use super::utils::*;
use super::view::{batch_of, View};
use super::{reference, COMPONENT};
use crate::engine::api::{Object, Pod, StatefulSet, StatefulSetStatus};
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
    /// `status.currentRevision` of this sync.
    pub fn current_name(&self) -> &str {
        &self.revisions.current.meta().name
    }
    /// `status.updateRevision` of this sync.
    pub fn update_name(&self) -> &str {
        &self.revisions.update.meta().name
    }
    /// `spec.minReadySeconds`.
    pub fn min_ready(&self) -> i32 {
        self.set.spec.min_ready_seconds()
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

/// The pods a sync works on.
pub enum Pods<'a> {
    /// Claimed pods as a list, in name order (what `getPodsForStatefulSet` returns): the
    /// straightforward [`reference`](mod@reference) loop walks them.
    Listed(&'a [PodHandle]),
    /// The set's index: the loop below asks it.
    Indexed(&'a SetIndex),
}

/// `UpdateStatefulSet`: revisions, then the sync proper, then history truncation (which runs even
/// after errors).
pub fn update_stateful_set(c: &mut Cluster, owner: &Rc<Object>, set: &StatefulSet, pods: Pods) -> SyncOutcome {
    // An index with pods it cannot stand for hands its pods to the reference loop.
    let listed;
    let pods = match pods {
        Pods::Indexed(ix) if ix.is_exotic() => {
            listed = ix.claimed_pods();
            Pods::Listed(&listed)
        }
        p => p,
    };
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
        let stale = &mut outcome.waiting_on_stale_claim;
        let (status, result) = match &pods {
            Pods::Listed(list) => reference::update_stateful_set_pods(c, owner, set, revs, list, stale),
            Pods::Indexed(ix) => update_stateful_set_pods(c, owner, set, revs, ix, stale),
        };
        // performUpdate: the status is written also after errors, when there is one.
        outcome.status = status.map(|s| update_stateful_set_status(c, set, s));
        outcome.result = result;
    }
    let live: Vec<&str> = match &pods {
        Pods::Listed(list) => list.iter().map(|p| get_pod_revision(p)).collect(),
        Pods::Indexed(ix) => ix.revisions.keys().map(String::as_str).collect(),
    };
    let truncated = truncate_history(
        c,
        set,
        live,
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

/// `replicas[o - start]`, building the placeholder of a missing ordinal (kept for the rest of the
/// sync, as upstream keeps it in its slice).
fn materialize(ctx: &SyncCtx, view: &mut View, o: i64) -> PodHandle {
    if let Some(p) = view.replica(o) {
        return p;
    }
    let pod = new_versioned_stateful_set_pod(ctx.current_set, ctx.update_set, ctx.current_name(), ctx.update_name(), o);
    let h = PodHandle::from_pod(pod);
    view.placeholders.insert(o, h.clone());
    h
}

/// What a wait at replica `o` holds up, for the why log: the next missing replica, else the
/// first condemned pod, else the rolling update.
fn blocked_next(ctx: &SyncCtx, view: &View, o: i64) -> String {
    if let Some(m) = view.first_missing(o + 1) {
        return format!(" before creating {}", get_pod_name(ctx.set, m));
    }
    if let Some(p) = view.condemned(None).next().and_then(|h| view.stored(h)) {
        return format!(" before scaling down (deleting {})", p.pod.metadata.name);
    }
    let outdated = view.any_outdated(view.start, view.end, ctx.update_name());
    if outdated && ctx.set.spec.update_strategy.type_ != crate::engine::api::ON_DELETE {
        return " before going on with the rolling update".into();
    }
    String::new()
}

/// `runForAll` over the ordinals that need a call, in upstream's order. Monotonic: one after the
/// other, stopping at the first exit or error. Burst (`slowStartBatch`): errors stop the run after
/// the batch they happened in; `position` gives a call's index in upstream's full slice (only
/// asked once an error happened).
fn run_for_all<F, P>(
    c: &mut Cluster,
    monotonic: bool,
    ordinals: impl IntoIterator<Item = i64>,
    position: P,
    mut f: F,
) -> (bool, Result<(), SyncError>)
where
    F: FnMut(&mut Cluster, i64) -> (bool, Result<(), SyncError>),
    P: Fn(i64) -> usize,
{
    let mut errs = Vec::new();
    let mut failed_batch = None;
    for o in ordinals {
        if let Some(b) = failed_batch {
            if batch_of(position(o)) != b {
                break;
            }
        }
        let (exit, res) = f(c, o);
        if monotonic {
            if exit || res.is_err() {
                return (true, res);
            }
            continue;
        }
        if let Err(e) = res {
            failed_batch.get_or_insert_with(|| batch_of(position(o)));
            errs.push(e);
        }
    }
    match aggregate(errs) {
        Ok(()) => (false, Ok(())),
        Err(e) => (true, Err(e)),
    }
}

/// The lowercase `updateStatefulSet`: process replicas (create, recreate failed, repair), fix
/// condemned claims, scale down, then apply the update strategy.
fn update_stateful_set_pods(
    c: &mut Cluster,
    owner: &Rc<Object>,
    set: &StatefulSet,
    revs: &SetRevisions,
    ix: &SetIndex,
    stale: &mut bool,
) -> (Option<StatefulSetStatus>, Result<(), SyncError>) {
    let current_set = match apply_revision_of(c, owner, set, &revs.current) {
        Ok(s) => s,
        Err(e) => return (None, Err(SyncError::msg(e))),
    };
    // Usually both revisions are the same object: apply it once.
    let update_owned;
    let update_set = if Rc::ptr_eq(&revs.current, &revs.update) {
        &current_set
    } else {
        update_owned = match apply_revision_of(c, owner, set, &revs.update) {
            Ok(s) => s,
            Err(e) => return (None, Err(SyncError::msg(e))),
        };
        &update_owned
    };
    let mut status = StatefulSetStatus {
        observed_generation: set.metadata.generation,
        current_revision: revs.current.meta().name.clone(),
        update_revision: revs.update.meta().name.clone(),
        collision_count: Some(revs.collision_count),
        ..Default::default()
    };
    // Bucketing is the index itself: in-range ordinals are replicas, the others condemned.
    let mut view = View::new(ix, set, c.now);
    let start = view.start;

    let subject = format!("statefulset/{}", set.metadata.name);
    if set.metadata.deletion_timestamp.is_some() {
        view.count_status(&mut status);
        c.decide(COMPONENT, subject, Verdict::Skip, "", "the StatefulSet is being deleted: only its status is updated");
        return (Some(status), Ok(()));
    }

    let ctx = SyncCtx {
        owner,
        set,
        current_set: &current_set,
        update_set,
        revisions: revs,
        monotonic: !allows_burst(set),
        subject,
        claims_trivially_match: is_retain_retain(set) && ix.set_claims.is_empty(),
    };

    // Phase A: in-range replicas that need a call (monotonic: from the first one that is not
    // healthy; burst: missing and unhealthy ones).
    let (exit, res) = if ctx.monotonic {
        let mut out = (false, Ok(()));
        let mut from = start;
        while let Some(o) = view.next_monotonic_visit(from) {
            let pod = materialize(&ctx, &mut view, o);
            let view = &view;
            let (exit, res) = process_replica(c, &ctx, &pod, (o - start) as usize, || blocked_next(&ctx, view, o), stale);
            if exit || res.is_err() {
                out = (true, res);
                break;
            }
            from = o + 1;
        }
        out
    } else {
        let visits = view.burst_visits();
        let mut errs = Vec::new();
        let mut failed_batch = None;
        for o in visits {
            let i = (o - start) as usize;
            if failed_batch.is_some_and(|f| f != batch_of(i)) {
                break;
            }
            let pod = materialize(&ctx, &mut view, o);
            if let (_, Err(e)) = process_replica(c, &ctx, &pod, i, String::new, stale) {
                failed_batch.get_or_insert(batch_of(i));
                errs.push(e);
            }
        }
        match aggregate(errs) {
            Ok(()) => (false, Ok(())),
            Err(e) => (true, Err(e)),
        }
    };
    if exit || res.is_err() {
        view.count_status(&mut status);
        return (Some(status), res);
    }

    // Phase B: claim ownerRefs of condemned pods, before any of them is deleted.
    let to_fix: Vec<i64> = view.condemned(Some(&ix.claims_to_fix_condemned)).collect();
    let (exit, res) = run_for_all(c, ctx.monotonic, to_fix, |o| view.condemned_rank(o), |c, o| match view.stored(o) {
        Some(m) => fix_pod_claim(c, &ctx, &m.pod),
        None => (false, Ok(())),
    });
    if exit || res.is_err() {
        view.count_status(&mut status);
        return (Some(status), res);
    }

    // Phase C: scale down, highest ordinal first. Monotonic: every call exits, so only the first
    // condemned pod is reached; burst: terminating ones are skipped, so only the others are
    // visited. (`firstUnhealthyPod` only matters to the monotonic check.)
    let first_unavailable = if ctx.monotonic && view.condemned(None).next().is_some() { view.first_unavailable(set) } else { None };
    let condemned = view.condemned(if ctx.monotonic { None } else { Some(&ix.not_terminating) });
    let (exit, res) = run_for_all(c, ctx.monotonic, condemned, |o| view.condemned_rank(o), |c, o| match view.stored(o) {
        Some(m) => process_condemned(c, &ctx, first_unavailable.as_deref(), &m.pod),
        None => (false, Ok(())),
    });
    if exit || res.is_err() {
        view.count_status(&mut status);
        return (Some(status), res);
    }

    view.count_status(&mut status);
    // Phase D: the update strategy works on built pods (placeholders only remain in burst mode).
    let res = update_strategy(c, &ctx, &view, &mut status);
    (Some(status), res)
}
