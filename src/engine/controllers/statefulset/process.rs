//! The per-pod steps of `updateStatefulSet` (`stateful_set_control.go`): `processReplica`,
//! `fixPodClaim`, `processCondemned`. Shared by the indexed loop ([`super::control`]) and the
//! straightforward one ([`super::reference`]): the two differ only in which pods they call these
//! on, never in what a call does.

use super::control::{pod_state_words, SyncCtx};
use super::pod_control::{
    claims_match_retention_policy, create_missing_persistent_volume_claims, create_stateful_pod, delete_stateful_pod,
    pod_claim_is_stale, update_stateful_pod, SyncError,
};
use super::utils::*;
use super::COMPONENT;
use crate::engine::api::{Kind, Pod};
use crate::engine::sim::Cluster;
use crate::engine::why::Verdict;

/// `processReplica` for replica `i` (the pod, or its placeholder): returns (exit, error).
/// `blocked_next` says what a wait holds up, for the why log.
pub fn process_replica(
    c: &mut Cluster,
    ctx: &SyncCtx,
    pod: &PodHandle,
    i: usize,
    blocked_next: impl Fn() -> String,
    stale: &mut bool,
) -> (bool, Result<(), SyncError>) {
    let set = ctx.set;
    let pod = pod.clone();
    let name = pod.metadata.name.as_str();
    let target = ["pod/", name].concat();

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
            Some(format!("waiting for {name} to finish terminating{} (OrderedReady)", blocked_next()))
        } else if !is_running_and_ready(&pod) {
            Some(format!(
                "waiting for {name} ({}) to be Running and Ready{} (OrderedReady)",
                pod_state_words(&pod),
                blocked_next()
            ))
        } else if !is_running_and_available(&pod, min_ready, c.now) {
            Some(format!(
                "waiting for {name} to be Ready for minReadySeconds ({min_ready}s){} (OrderedReady)",
                blocked_next()
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
pub fn fix_pod_claim(c: &mut Cluster, ctx: &SyncCtx, pod: &PodHandle) -> (bool, Result<(), SyncError>) {
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
pub fn process_condemned(
    c: &mut Cluster,
    ctx: &SyncCtx,
    first_unavailable: Option<&str>,
    pod: &PodHandle,
) -> (bool, Result<(), SyncError>) {
    let name = &pod.metadata.name;
    let target = ["pod/", name].concat();
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
