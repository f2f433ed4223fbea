//! PVC retention policy ownerReferences (`stateful_set_utils.go`: `isClaimOwnerUpToDate`,
//! `updateClaimOwnerRefForSetAndPod`, `hasStaleOwnerRef`, …): which of a claim's ownerRefs the
//! StatefulSet controller manages so the garbage collector deletes claims on scale-down
//! (`whenScaled: Delete`) or with the set (`whenDeleted: Delete`).

use super::utils::{new_controller_ref, pod_in_ordinal_range};
use crate::engine::api::{ObjectMeta, OwnerReference, PersistentVolumeClaim, Pod, StatefulSet, DELETE, RETAIN};

/// The effective policy (`getPersistentVolumeClaimRetentionPolicy`): Retain/Retain when unset.
/// Returns (whenDeleted, whenScaled).
pub fn get_persistent_volume_claim_retention_policy(set: &StatefulSet) -> (&str, &str) {
    match &set.spec.persistent_volume_claim_retention_policy {
        Some(p) => (p.when_deleted.as_str(), p.when_scaled.as_str()),
        None => (RETAIN, RETAIN),
    }
}

/// Whether both policies are Retain, or unset/unknown (which upstream treats as Retain).
pub fn is_retain_retain(set: &StatefulSet) -> bool {
    matches!(policy_case(set), PolicyCase::RetainRetain)
}

enum PolicyCase {
    RetainRetain,
    RetainDelete,
    DeleteRetain,
    DeleteDelete,
}

/// The `switch` of `isClaimOwnerUpToDate`: (whenScaled, whenDeleted); unknown values fall to
/// Retain/Retain as the `default: … fallthrough` does.
fn policy_case(set: &StatefulSet) -> PolicyCase {
    let (when_deleted, when_scaled) = get_persistent_volume_claim_retention_policy(set);
    match (when_scaled, when_deleted) {
        (RETAIN, DELETE) => PolicyCase::RetainDelete,
        (DELETE, RETAIN) => PolicyCase::DeleteRetain,
        (DELETE, DELETE) => PolicyCase::DeleteDelete,
        _ => PolicyCase::RetainRetain,
    }
}

/// An object an ownerRef may point at: the set or the pod.
struct Owner<'a> {
    api_version: &'static str,
    kind: &'static str,
    meta: &'a ObjectMeta,
}

fn set_owner(set: &StatefulSet) -> Owner<'_> {
    Owner { api_version: "apps/v1", kind: "StatefulSet", meta: &set.metadata }
}

fn pod_owner(pod: &Pod) -> Owner<'_> {
    Owner { api_version: "v1", kind: "Pod", meta: &pod.metadata }
}

/// `matchesRef`: same group/version, kind and name (UID not compared).
fn matches_ref(r: &OwnerReference, owner: &Owner) -> bool {
    r.api_version == owner.api_version && r.kind == owner.kind && r.name == owner.meta.name
}

/// `hasOwnerRef`: a ref with the owner's UID.
fn has_owner_ref(claim: &PersistentVolumeClaim, owner: &Owner) -> bool {
    claim.metadata.owner_references.iter().any(|r| r.uid == owner.meta.uid)
}

/// `hasStaleOwnerRef`: the first ref that matches the owner by name has another UID (an older
/// incarnation of the set or pod).
pub fn has_stale_owner_ref_to_pod(claim: &PersistentVolumeClaim, pod: &Pod) -> bool {
    has_stale_owner_ref(claim, &pod_owner(pod))
}

fn has_stale_owner_ref(claim: &PersistentVolumeClaim, owner: &Owner) -> bool {
    claim.metadata.owner_references.iter().find(|r| matches_ref(r, owner)).is_some_and(|r| r.uid != owner.meta.uid)
}

/// `hasUnexpectedController`: under a non-Retain policy, another controller (or a stale ref to
/// the set or pod) manages the claim.
pub fn has_unexpected_controller(claim: &PersistentVolumeClaim, set: &StatefulSet, pod: &Pod) -> bool {
    if is_retain_retain(set) {
        return false;
    }
    let (s, p) = (set_owner(set), pod_owner(pod));
    for r in &claim.metadata.owner_references {
        if matches_ref(r, &s) {
            if r.uid != s.meta.uid {
                return true;
            }
            continue;
        }
        if matches_ref(r, &p) {
            if r.uid != p.meta.uid {
                return true;
            }
            continue;
        }
        if r.controller == Some(true) {
            return true;
        }
    }
    false
}

/// `hasNonControllerOwner`: the set or pod owns the claim without being its controller.
fn has_non_controller_owner(claim: &PersistentVolumeClaim, set: &StatefulSet, pod: &Pod) -> bool {
    claim.metadata.owner_references.iter().any(|r| {
        (r.uid == set.metadata.uid || r.uid == pod.metadata.uid) && r.controller != Some(true)
    })
}

/// `isClaimOwnerUpToDate`: whether the claim's refs already match the policy table (spec §3.12).
/// Claims with stale refs or foreign controllers count as up to date: the controller leaves them
/// alone.
pub fn is_claim_owner_up_to_date(claim: &PersistentVolumeClaim, set: &StatefulSet, pod: &Pod) -> bool {
    is_claim_owner_up_to_date_as(claim, set, pod, !pod_in_ordinal_range(pod, set))
}

/// [`is_claim_owner_up_to_date`] with the pod's place given (`scaled_down`: outside the range),
/// so the controller's pod index can cache the answer for both places and keep it across scaling.
pub fn is_claim_owner_up_to_date_as(claim: &PersistentVolumeClaim, set: &StatefulSet, pod: &Pod, scaled_down: bool) -> bool {
    let (s, p) = (set_owner(set), pod_owner(pod));
    if has_stale_owner_ref(claim, &s) || has_stale_owner_ref(claim, &p) {
        return true;
    }
    if has_unexpected_controller(claim, set, pod) {
        // Conflicting controllers are cleaned up only if our refs are there too.
        return !(has_owner_ref(claim, &s) || has_owner_ref(claim, &p));
    }
    if has_non_controller_owner(claim, set, pod) {
        return false;
    }
    let (set_ref, pod_ref) = (has_owner_ref(claim, &s), has_owner_ref(claim, &p));
    match policy_case(set) {
        PolicyCase::RetainRetain => !set_ref && !pod_ref,
        PolicyCase::RetainDelete => set_ref && !pod_ref,
        PolicyCase::DeleteRetain => !set_ref && scaled_down == pod_ref,
        PolicyCase::DeleteDelete => scaled_down != set_ref && scaled_down == pod_ref,
    }
}

/// `updateClaimOwnerRefForSetAndPod`: scrubs refs to the set and pod, then adds the controller
/// refs the policy wants (none when another controller manages the claim).
pub fn update_claim_owner_ref_for_set_and_pod(claim: &mut PersistentVolumeClaim, set: &StatefulSet, pod: &Pod) {
    let unexpected = has_unexpected_controller(claim, set, pod);
    let (s, p) = (set_owner(set), pod_owner(pod));
    claim.metadata.owner_references.retain(|r| !matches_ref(r, &s) && !matches_ref(r, &p));
    if unexpected {
        return;
    }
    let scaled_down = !pod_in_ordinal_range(pod, set);
    let refs = &mut claim.metadata.owner_references;
    match policy_case(set) {
        PolicyCase::RetainRetain => {}
        PolicyCase::RetainDelete => add_controller_ref(refs, new_controller_ref(set)),
        PolicyCase::DeleteRetain => {
            if scaled_down {
                add_controller_ref(refs, pod_controller_ref(pod));
            }
        }
        PolicyCase::DeleteDelete => {
            if scaled_down {
                add_controller_ref(refs, pod_controller_ref(pod));
            } else {
                add_controller_ref(refs, new_controller_ref(set));
            }
        }
    }
}

/// `metav1.NewControllerRef(pod, podKind)`.
fn pod_controller_ref(pod: &Pod) -> OwnerReference {
    OwnerReference {
        api_version: "v1".into(),
        kind: "Pod".into(),
        name: pod.metadata.name.clone(),
        uid: pod.metadata.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// `addControllerRef`: appends unless a ref with that UID is already there.
fn add_controller_ref(refs: &mut Vec<OwnerReference>, r: OwnerReference) {
    if !refs.iter().any(|x| x.uid == r.uid) {
        refs.push(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::PersistentVolumeClaimRetentionPolicy;
    use crate::engine::controllers::statefulset::utils::new_stateful_set_pod;

    fn fixture(when_deleted: &str, when_scaled: &str, replicas: i32, ordinal: i64) -> (StatefulSet, Pod, PersistentVolumeClaim) {
        let mut set = StatefulSet::default();
        set.metadata.name = "web".into();
        set.metadata.namespace = "default".into();
        set.metadata.uid = "set-uid".into();
        set.spec.replicas = Some(replicas);
        set.spec.persistent_volume_claim_retention_policy = Some(PersistentVolumeClaimRetentionPolicy {
            when_deleted: when_deleted.into(),
            when_scaled: when_scaled.into(),
        });
        let mut pod = new_stateful_set_pod(&set, ordinal);
        pod.metadata.uid = format!("pod-uid-{ordinal}");
        let mut claim = PersistentVolumeClaim::default();
        claim.metadata.name = format!("www-web-{ordinal}");
        (set, pod, claim)
    }

    fn fix(claim: &mut PersistentVolumeClaim, set: &StatefulSet, pod: &Pod) -> Vec<String> {
        if !is_claim_owner_up_to_date(claim, set, pod) {
            update_claim_owner_ref_for_set_and_pod(claim, set, pod);
        }
        assert!(is_claim_owner_up_to_date(claim, set, pod));
        claim.metadata.owner_references.iter().map(|r| format!("{}/{}", r.kind, r.name)).collect()
    }

    #[test]
    fn refs_follow_the_policy_table() {
        // (whenDeleted, whenScaled, in-range refs, condemned refs)
        let table: [(&str, &str, &[&str], &[&str]); 4] = [
            (RETAIN, RETAIN, &[], &[]),
            (DELETE, RETAIN, &["StatefulSet/web"], &["StatefulSet/web"]),
            (RETAIN, DELETE, &[], &["Pod/web-2"]),
            (DELETE, DELETE, &["StatefulSet/web"], &["Pod/web-2"]),
        ];
        for (wd, ws, live, condemned) in table {
            let (set, pod, mut claim) = fixture(wd, ws, 3, 2);
            assert_eq!(fix(&mut claim, &set, &pod), live, "{wd}/{ws} live");
            let (mut set, pod, _) = fixture(wd, ws, 3, 2);
            set.spec.replicas = Some(2);
            assert_eq!(fix(&mut claim, &set, &pod), condemned, "{wd}/{ws} condemned");
        }
    }

    #[test]
    fn stale_and_foreign_refs_are_left_alone() {
        let (set, pod, mut claim) = fixture(DELETE, DELETE, 3, 1);
        claim.metadata.owner_references.push(OwnerReference {
            api_version: "v1".into(),
            kind: "Pod".into(),
            name: "web-1".into(),
            uid: "old-pod".into(),
            controller: Some(true),
            ..Default::default()
        });
        assert!(has_stale_owner_ref_to_pod(&claim, &pod));
        assert!(is_claim_owner_up_to_date(&claim, &set, &pod));

        let (set, pod, mut claim) = fixture(DELETE, RETAIN, 3, 1);
        claim.metadata.owner_references.push(OwnerReference {
            api_version: "example.com/v1".into(),
            kind: "Backup".into(),
            name: "b".into(),
            uid: "other".into(),
            controller: Some(true),
            ..Default::default()
        });
        assert!(has_unexpected_controller(&claim, &set, &pod));
        assert!(is_claim_owner_up_to_date(&claim, &set, &pod));
    }

    #[test]
    fn unset_policy_means_retain() {
        let (mut set, pod, mut claim) = fixture(DELETE, DELETE, 3, 0);
        set.spec.persistent_volume_claim_retention_policy = None;
        claim.metadata.owner_references.push(new_controller_ref(&set));
        assert!(!is_claim_owner_up_to_date(&claim, &set, &pod));
        assert!(fix(&mut claim, &set, &pod).is_empty());
    }
}
