//! Pod and claim writes of the StatefulSet controller (`stateful_pod_control.go`): create a pod
//! after its claims, repair identity/storage, delete, keep claim ownerRefs in line with the
//! retention policy — each with the upstream event (`SuccessfulCreate`,
//! `create Pod web-0 in StatefulSet web successful`, …).

use super::retention::{
    get_persistent_volume_claim_retention_policy, has_stale_owner_ref_to_pod, has_unexpected_controller,
    is_claim_owner_up_to_date, is_claim_owner_up_to_date_as, update_claim_owner_ref_for_set_and_pod,
};
use super::utils::{
    get_ordinal, get_persistent_volume_claim_name, identity_matches, new_claim_request, pod_in_ordinal_range,
    storage_matches, update_identity, update_storage,
};
use super::COMPONENT;
use crate::engine::api::{Kind, Object, PersistentVolumeClaim, Pod, PodStatus, StatefulSet, RETAIN};
use crate::engine::apiserver::{self, DeleteOptions};
use crate::engine::error::ApiError;
use crate::engine::sim::Cluster;
use crate::engine::store::ObjectKey;
use crate::engine::why::Verdict;
use std::borrow::Cow;
use std::fmt;
use std::rc::Rc;

/// An error a sync step returns (Go's `error`), keeping the API reason where it matters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncError {
    /// `err.Error()`.
    pub message: String,
    /// `apierrors.IsNotFound(err)`.
    pub not_found: bool,
    /// `apierrors.IsAlreadyExists(err)`.
    pub already_exists: bool,
}

impl SyncError {
    /// A plain error (`fmt.Errorf`).
    pub fn msg(message: impl Into<String>) -> SyncError {
        SyncError { message: message.into(), not_found: false, already_exists: false }
    }
}

impl From<ApiError> for SyncError {
    fn from(e: ApiError) -> SyncError {
        SyncError {
            not_found: matches!(e, ApiError::NotFound { .. }),
            already_exists: matches!(e, ApiError::AlreadyExists { .. }),
            message: e.to_string(),
        }
    }
}

impl fmt::Display for SyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// `utilerrors.NewAggregate`: None when empty, the error itself when there is one distinct
/// message, else `[a, b]`.
pub fn aggregate(errs: Vec<SyncError>) -> Result<(), SyncError> {
    let mut msgs: Vec<&str> = Vec::new();
    for e in &errs {
        if !msgs.contains(&e.message.as_str()) {
            msgs.push(&e.message);
        }
    }
    match msgs.len() {
        0 => Ok(()),
        1 => Err(errs[0].clone()),
        _ => Err(SyncError::msg(format!("[{}]", msgs.join(", ")))),
    }
}

/// `Successful<Verb>` / `Failed<Verb>`: `outcome` then the verb with its first letter upper-cased.
/// Every created pod and claim records `SuccessfulCreate`: that one is a constant, not built.
fn event_reason(outcome: &str, verb: &str) -> Cow<'static, str> {
    if (outcome, verb) == ("Successful", "create") {
        return Cow::Borrowed("SuccessfulCreate");
    }
    let mut reason = String::with_capacity(outcome.len() + verb.len());
    reason.push_str(outcome);
    let mut cs = verb.chars();
    if let Some(first) = cs.next() {
        reason.extend(first.to_uppercase());
        reason.push_str(cs.as_str());
    }
    Cow::Owned(reason)
}

/// `recordPodEvent`: `Successful<Verb>` / `Failed<Verb>` on the set.
pub fn record_pod_event(c: &mut Cluster, owner: &Rc<Object>, verb: &str, set: &StatefulSet, pod: &str, err: Option<&SyncError>) {
    let (type_, reason, message) = match err {
        None => ("Normal", event_reason("Successful", verb), format!("{verb} Pod {pod} in StatefulSet {} successful", set.metadata.name)),
        Some(e) => (
            "Warning",
            event_reason("Failed", verb),
            format!("{verb} Pod {pod} in StatefulSet {} failed error: {e}", set.metadata.name),
        ),
    };
    c.record_event(owner, type_, &reason, message, COMPONENT);
}

/// `recordClaimEvent` (note upstream's "Claim … Pod … success" and "Claim … for Pod … failed").
fn record_claim_event(c: &mut Cluster, owner: &Rc<Object>, verb: &str, set: &StatefulSet, pod: &str, claim: &str, err: Option<&SyncError>) {
    let (type_, reason, message) = match err {
        None => (
            "Normal",
            event_reason("Successful", verb),
            format!("{verb} Claim {claim} Pod {pod} in StatefulSet {} success", set.metadata.name),
        ),
        Some(e) => (
            "Warning",
            event_reason("Failed", verb),
            format!("{verb} Claim {claim} for Pod {pod} in StatefulSet {} failed error: {e}", set.metadata.name),
        ),
    };
    c.record_event(owner, type_, &reason, message, COMPONENT);
}

fn get_claim<'a>(c: &'a Cluster, namespace: &str, name: &str) -> Option<&'a PersistentVolumeClaim> {
    c.store.get(Kind::PersistentVolumeClaim, namespace, name).and_then(|o| o.as_pvc())
}

/// `CreateStatefulPod`: claims first, then the pod, then claim ownerRefs for the retention
/// policy. AlreadyExists is returned without an event (the sync is retried).
pub fn create_stateful_pod(c: &mut Cluster, owner: &Rc<Object>, set: &StatefulSet, pod: &Pod) -> Result<(), SyncError> {
    if let Err(e) = create_persistent_volume_claims(c, owner, set, pod) {
        record_pod_event(c, owner, "create", set, &pod.metadata.name, Some(&e));
        return Err(e);
    }
    // The API server's pod strategy (PrepareForCreate) resets status to phase Pending; set it on
    // the request too so a created pod never looks like a placeholder (phase "").
    let status = PodStatus { phase: crate::engine::api::phase::PENDING.into(), ..Default::default() };
    let request = Pod { metadata: pod.metadata.clone(), spec: pod.spec.clone(), status };
    let result: Result<(), SyncError> = apiserver::create(c, Object::Pod(request)).map(|_| ()).map_err(Into::into);
    if let Err(e) = &result {
        if e.already_exists {
            return result;
        }
    }
    // Upstream passes the pod it sent (no UID yet): claims get set refs, never pod refs, here.
    if let Err(e) = update_pod_claim_for_retention_policy(c, owner, set, pod) {
        record_pod_event(c, owner, "update", set, &pod.metadata.name, Some(&e));
        return Err(e);
    }
    record_pod_event(c, owner, "create", set, &pod.metadata.name, result.as_ref().err());
    result
}

/// `UpdateStatefulPod`: repairs identity and storage (creating missing claims) and claim refs;
/// writes the pod only when something was off, retrying on conflicts with a fresh copy.
pub fn update_stateful_pod(c: &mut Cluster, owner: &Rc<Object>, set: &StatefulSet, mut pod: Pod) -> Result<(), SyncError> {
    let mut attempted = false;
    let mut result = Ok(());
    for _ in 0..5 {
        let mut consistent = true;
        if !identity_matches(set, &pod) {
            update_identity(set, &mut pod);
            consistent = false;
        }
        if !storage_matches(set, &pod) {
            update_storage(set, &mut pod);
            consistent = false;
            if let Err(e) = create_persistent_volume_claims(c, owner, set, &pod) {
                record_pod_event(c, owner, "update", set, &pod.metadata.name, Some(&e));
                return Err(e);
            }
        }
        match claims_match_retention_policy(c, set, &pod) {
            Err(e) => {
                record_pod_event(c, owner, "update", set, &pod.metadata.name, Some(&e));
                return Err(e);
            }
            Ok(false) => {
                if let Err(e) = update_pod_claim_for_retention_policy(c, owner, set, &pod) {
                    record_pod_event(c, owner, "update", set, &pod.metadata.name, Some(&e));
                    return Err(e);
                }
                consistent = false;
            }
            Ok(true) => {}
        }
        if consistent {
            return Ok(());
        }
        attempted = true;
        let name = pod.metadata.name.clone();
        result = apiserver::update(c, Object::Pod(pod.clone())).map(|_| ()).map_err(SyncError::from);
        match &result {
            Err(e) if e.message.contains("the object has been modified") => {
                match c.store.get(Kind::Pod, &set.metadata.namespace, &name).and_then(|o| o.as_pod()) {
                    Some(fresh) => pod = fresh.clone(),
                    None => break,
                }
            }
            _ => break,
        }
    }
    if attempted {
        record_pod_event(c, owner, "update", set, &pod.metadata.name, result.as_ref().err());
    }
    result
}

/// `DeleteStatefulPod`: a graceful delete, with its event.
pub fn delete_stateful_pod(c: &mut Cluster, owner: &Rc<Object>, set: &StatefulSet, pod: &Pod) -> Result<(), SyncError> {
    let key = ObjectKey::new(Kind::Pod, &pod.metadata.namespace, &pod.metadata.name);
    let result = apiserver::delete(c, &key, DeleteOptions::default()).map(|_| ()).map_err(SyncError::from);
    record_pod_event(c, owner, "delete", set, &pod.metadata.name, result.as_ref().err());
    result
}

/// `ClaimsMatchRetentionPolicy`: whether every existing claim of the pod has the ownerRefs the
/// policy wants (missing claims are picked up later).
pub fn claims_match_retention_policy(c: &Cluster, set: &StatefulSet, pod: &Pod) -> Result<bool, SyncError> {
    Ok(claims_match_retention_policy_as(c, set, pod, !pod_in_ordinal_range(pod, set)))
}

/// [`claims_match_retention_policy`] for the pod in a given place (`scaled_down`: condemned).
pub fn claims_match_retention_policy_as(c: &Cluster, set: &StatefulSet, pod: &Pod, scaled_down: bool) -> bool {
    let ordinal = get_ordinal(pod);
    set.spec.volume_claim_templates.iter().all(|template| {
        let name = get_persistent_volume_claim_name(set, template, ordinal);
        get_claim(c, &set.metadata.namespace, &name).is_none_or(|claim| is_claim_owner_up_to_date_as(claim, set, pod, scaled_down))
    })
}

/// Whether `createMissingPersistentVolumeClaims` would do nothing observable for this in-range
/// pod: every claim exists, none is being deleted, none has a conflicting controller (which
/// warns on every call) and all carry the ownerRefs the policy wants.
pub fn claims_are_quiet(c: &Cluster, set: &StatefulSet, pod: &Pod) -> bool {
    let ordinal = get_ordinal(pod);
    set.spec.volume_claim_templates.iter().all(|template| {
        let name = get_persistent_volume_claim_name(set, template, ordinal);
        get_claim(c, &set.metadata.namespace, &name).is_some_and(|claim| {
            claim.metadata.deletion_timestamp.is_none()
                && !has_unexpected_controller(claim, set, pod)
                && is_claim_owner_up_to_date_as(claim, set, pod, false)
        })
    })
}

/// `UpdatePodClaimForRetentionPolicy`: fixes each claim's ownerRefs; warns
/// `ConflictingController` when another controller manages a claim.
pub fn update_pod_claim_for_retention_policy(c: &mut Cluster, owner: &Rc<Object>, set: &StatefulSet, pod: &Pod) -> Result<(), SyncError> {
    let ordinal = get_ordinal(pod);
    for template in &set.spec.volume_claim_templates {
        let name = get_persistent_volume_claim_name(set, template, ordinal);
        let Some(claim) = get_claim(c, &set.metadata.namespace, &name) else { continue };
        let conflicting = has_unexpected_controller(claim, set, pod);
        // Copied only to be changed: most claims are already up to date.
        let outdated = (!is_claim_owner_up_to_date(claim, set, pod)).then(|| claim.clone());
        if conflicting {
            let msg = format!(
                "PersistentVolumeClaim {name} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim"
            );
            c.record_event(owner, "Warning", "ConflictingController", &msg, COMPONENT);
        }
        let Some(mut claim) = outdated else { continue };
        update_claim_owner_ref_for_set_and_pod(&mut claim, set, pod);
        let owners: Vec<String> =
            claim.metadata.owner_references.iter().map(|r| format!("{}/{}", r.kind, r.name)).collect();
        apiserver::update(c, Object::PersistentVolumeClaim(claim))
            .map_err(|e| SyncError::msg(format!("could not update claim {name} for delete policy ownerRefs: {e}")))?;
        let (when_deleted, when_scaled) = get_persistent_volume_claim_retention_policy(set);
        let owners = if owners.is_empty() { "no owners".to_string() } else { format!("owner {}", owners.join(", ")) };
        c.decide(
            COMPONENT,
            format!("statefulset/{}", set.metadata.name),
            Verdict::Update,
            format!("persistentvolumeclaim/{name}"),
            format!(
                "claim {name} now has {owners}, as persistentVolumeClaimRetentionPolicy (whenDeleted: {when_deleted}, whenScaled: {when_scaled}) asks for pod {}",
                pod.metadata.name
            ),
        );
    }
    Ok(())
}

/// `PodClaimIsStale`: under `whenScaled: Delete`, a claim still owned by an older pod of the same
/// name blocks re-creating the pod until the garbage collector removes it. Returns the claim.
pub fn pod_claim_is_stale(c: &Cluster, set: &StatefulSet, pod: &Pod) -> Option<String> {
    let (_, when_scaled) = get_persistent_volume_claim_retention_policy(set);
    if when_scaled == RETAIN {
        return None;
    }
    let ordinal = get_ordinal(pod);
    set.spec.volume_claim_templates.iter().find_map(|template| {
        let name = get_persistent_volume_claim_name(set, template, ordinal);
        get_claim(c, &set.metadata.namespace, &name).filter(|pvc| has_stale_owner_ref_to_pod(pvc, pod)).map(|_| name)
    })
}

/// `createMissingPersistentVolumeClaims`: for a Pending pod whose claim was deleted.
pub fn create_missing_persistent_volume_claims(c: &mut Cluster, owner: &Rc<Object>, set: &StatefulSet, pod: &Pod) -> Result<(), SyncError> {
    create_persistent_volume_claims(c, owner, set, pod)?;
    if let Err(e) = update_pod_claim_for_retention_policy(c, owner, set, pod) {
        record_pod_event(c, owner, "update", set, &pod.metadata.name, Some(&e));
        return Err(e);
    }
    Ok(())
}

/// `createPersistentVolumeClaims`: creates each missing claim; an existing claim is reused as
/// it is (no comparison with the template), one being deleted is an error.
pub fn create_persistent_volume_claims(c: &mut Cluster, owner: &Rc<Object>, set: &StatefulSet, pod: &Pod) -> Result<(), SyncError> {
    let mut errs = Vec::new();
    let ordinal = get_ordinal(pod);
    // Template by template as `getPersistentVolumeClaims` lists them; a claim is built only when
    // it is missing.
    for template in &set.spec.volume_claim_templates {
        let name = get_persistent_volume_claim_name(set, template, ordinal);
        match get_claim(c, &set.metadata.namespace, &name) {
            None => {
                // The API server ignores a submitted status: none is sent.
                let claim = new_claim_request(set, template, name.clone());
                let err = apiserver::create(c, Object::PersistentVolumeClaim(claim)).err().map(SyncError::from);
                if let Some(e) = &err {
                    errs.push(SyncError { message: format!("failed to create PVC {name}: {e}"), ..e.clone() });
                }
                // The claim event carries the API error itself; only the returned error (and so
                // the pod's FailedCreate event) gets the "failed to create PVC" prefix
                // (stateful_pod_control.go `createPersistentVolumeClaims`).
                if err.as_ref().is_none_or(|e| !e.already_exists) {
                    record_claim_event(c, owner, "create", set, &pod.metadata.name, &name, err.as_ref());
                }
                if err.is_none() {
                    c.decide(
                        COMPONENT,
                        ["statefulset/", &set.metadata.name].concat(),
                        Verdict::Create,
                        ["persistentvolumeclaim/", &name].concat(),
                        format!(
                            "creating claim {name} for {} from volumeClaimTemplate {} (claims are created before their pod and kept afterwards)",
                            pod.metadata.name, template.metadata.name
                        ),
                    );
                }
            }
            Some(pvc) if pvc.metadata.deletion_timestamp.is_some() => {
                errs.push(SyncError::msg(format!("pvc {name} is being deleted")));
            }
            Some(_) => {}
        }
    }
    aggregate(errs)
}
