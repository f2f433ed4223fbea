//! Helpers of the StatefulSet controller (`pkg/controller/statefulset/stateful_set_utils.go`):
//! pod and claim names, ordinals, identity and storage checks, pod construction.
//!
//! The hot checks (`identity_matches`, `storage_matches`) compare names piecewise instead of
//! formatting them, because a sync visits every pod of the set.

use crate::engine::api::{
    phase, LabelSelector, OwnerReference, PersistentVolumeClaim, PersistentVolumeClaimVolumeSource, Pod,
    StatefulSet, StringMap, Time, Volume, ROLLING_UPDATE,
};

/// Pod label naming the pod (`apps.StatefulSetPodNameLabel`).
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
/// Pod label holding the ordinal (`apps.PodIndexLabel`, GA in 1.32).
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";
/// Pod label naming the ControllerRevision the pod was made from (`apps.StatefulSetRevisionLabel`).
pub const REVISION_LABEL: &str = "controller-revision-hash";

pub use crate::engine::api::PodHandle;

/// `getParentNameAndOrdinal`: splits `web-12` into (`web`, 12) as the regex `(.*)-([0-9]+)$`
/// does; ordinal is -1 when the name does not end in `-<digits>` or the digits overflow int32.
pub fn get_parent_name_and_ordinal(name: &str) -> (&str, i64) {
    let digits = name.bytes().rev().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits == name.len() || name.as_bytes()[name.len() - digits - 1] != b'-' {
        return ("", -1);
    }
    let parent = &name[..name.len() - digits - 1];
    // strconv.ParseInt(s, 10, 32): a parse failure keeps the parent but gives ordinal -1.
    let ordinal = name[name.len() - digits..].parse::<i32>().map(i64::from).unwrap_or(-1);
    (parent, ordinal)
}

/// `getOrdinal`.
pub fn get_ordinal(pod: &Pod) -> i64 {
    get_parent_name_and_ordinal(&pod.metadata.name).1
}

/// `getStartOrdinal`: `spec.ordinals.start`, 0 when unset.
pub fn get_start_ordinal(set: &StatefulSet) -> i64 {
    i64::from(set.spec.start_ordinal())
}

/// `getEndOrdinal`: the last ordinal in range (inclusive).
pub fn get_end_ordinal(set: &StatefulSet) -> i64 {
    get_start_ordinal(set) + i64::from(set.spec.replicas()) - 1
}

/// `podInOrdinalRange`.
pub fn pod_in_ordinal_range(pod: &Pod, set: &StatefulSet) -> bool {
    let o = get_ordinal(pod);
    o >= get_start_ordinal(set) && o <= get_end_ordinal(set)
}

/// `getPodName`: `<set>-<ordinal>`.
pub fn get_pod_name(set: &StatefulSet, ordinal: i64) -> String {
    name_with_ordinal(&[&set.metadata.name], ordinal)
}

/// `<part>-…-<ordinal>` in a String sized up front: pod and claim names are built several
/// times for every replica, and `format!` grows its String from empty.
fn name_with_ordinal(parts: &[&str], ordinal: i64) -> String {
    let mut name = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum::<usize>() + 20);
    for p in parts {
        name.push_str(p);
        name.push('-');
    }
    // The digits as `{ordinal}` prints them, without the formatter (a visible share of a burst).
    if ordinal < 0 {
        name.push('-');
    }
    crate::engine::store::push_decimal(&mut name, ordinal.unsigned_abs());
    name
}

/// `getPersistentVolumeClaimName`: `<template>-<set>-<ordinal>`.
pub fn get_persistent_volume_claim_name(set: &StatefulSet, claim: &PersistentVolumeClaim, ordinal: i64) -> String {
    name_with_ordinal(&[&claim.metadata.name, &set.metadata.name], ordinal)
}

/// Whether `name` equals `<a>-<b>-<ordinal>` (or `<a>-<ordinal>` when `b` is None), without
/// allocating.
fn name_is(name: &str, a: &str, b: Option<&str>, ordinal: i64) -> bool {
    let Some(rest) = name.strip_prefix(a).and_then(|r| r.strip_prefix('-')) else { return false };
    let rest = match b {
        Some(b) => match rest.strip_prefix(b).and_then(|r| r.strip_prefix('-')) {
            Some(r) => r,
            None => return false,
        },
        None => rest,
    };
    // The decimal form of `ordinal`, as fmt prints it (no sign for ordinals ≥ 0, no leading 0s).
    ordinal >= 0 && (rest == "0" && ordinal == 0 || !rest.starts_with('0') && rest.parse::<i64>() == Ok(ordinal))
}

/// `isMemberOf`: the pod's name parses to this set's name.
pub fn is_member_of(set: &StatefulSet, pod: &Pod) -> bool {
    get_parent_name_and_ordinal(&pod.metadata.name).0 == set.metadata.name
}

/// `identityMatches`: name, namespace and the pod-name label fit the set.
pub fn identity_matches(set: &StatefulSet, pod: &Pod) -> bool {
    let (parent, ordinal) = get_parent_name_and_ordinal(&pod.metadata.name);
    ordinal >= 0
        && set.metadata.name == parent
        && name_is(&pod.metadata.name, &set.metadata.name, None, ordinal)
        && pod.metadata.namespace == set.metadata.namespace
        && pod.metadata.labels.get(POD_NAME_LABEL).is_some_and(|v| *v == pod.metadata.name)
}

/// `storageMatches`: every claim template has a volume pointing at this pod's claim.
pub fn storage_matches(set: &StatefulSet, pod: &Pod) -> bool {
    let ordinal = get_ordinal(pod);
    if ordinal < 0 {
        return false;
    }
    set.spec.volume_claim_templates.iter().all(|claim| {
        pod.spec.volumes.iter().find(|v| v.name == claim.metadata.name).is_some_and(|v| {
            v.persistent_volume_claim.as_ref().is_some_and(|src| {
                name_is(&src.claim_name, &claim.metadata.name, Some(&set.metadata.name), ordinal)
            })
        })
    })
}

/// `getPersistentVolumeClaims`: the claims this pod should have, in template order (upstream
/// returns a Go map, whose order is random; template order is the deterministic choice). Labels
/// are the template's labels overlaid with `spec.selector.matchLabels`.
pub fn get_persistent_volume_claims(set: &StatefulSet, pod: &Pod) -> Vec<(String, PersistentVolumeClaim)> {
    let ordinal = get_ordinal(pod);
    set.spec
        .volume_claim_templates
        .iter()
        .map(|template| (template.metadata.name.clone(), new_persistent_volume_claim(set, template, ordinal)))
        .collect()
}

/// One claim of [`get_persistent_volume_claims`]: the template named for the pod's ordinal, in
/// the set's namespace, with `spec.selector.matchLabels` over the template's labels.
pub fn new_persistent_volume_claim(set: &StatefulSet, template: &PersistentVolumeClaim, ordinal: i64) -> PersistentVolumeClaim {
    let mut claim = new_claim_request(set, template, get_persistent_volume_claim_name(set, template, ordinal));
    claim.status = template.status.clone();
    claim
}

/// [`new_persistent_volume_claim`] as the controller sends it to the API server: named `name`
/// (the caller has built it to look the claim up) and without the template's status, which the
/// server ignores — neither is copied only to be replaced.
pub fn new_claim_request(set: &StatefulSet, template: &PersistentVolumeClaim, name: String) -> PersistentVolumeClaim {
    let mut claim = PersistentVolumeClaim {
        api_version: template.api_version.clone(),
        kind: template.kind.clone(),
        metadata: template.metadata.clone(),
        spec: template.spec.clone(),
        status: Default::default(),
    };
    claim.metadata.name = name;
    if claim.metadata.namespace != set.metadata.namespace {
        claim.metadata.namespace = set.metadata.namespace.clone();
    }
    if let Some(s) = &set.spec.selector {
        for (k, v) in &s.match_labels {
            claim.metadata.labels.insert(k.clone(), v.clone());
        }
    }
    claim
}

/// `updateStorage`: a volume per claim template (replacing template volumes of the same name),
/// then the pod's other volumes. Only the claims' names are needed, so no claim is built.
pub fn update_storage(set: &StatefulSet, pod: &mut Pod) {
    let ordinal = get_ordinal(pod);
    let templates = &set.spec.volume_claim_templates;
    let mut volumes: Vec<Volume> = templates
        .iter()
        .map(|template| Volume {
            name: template.metadata.name.clone(),
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                claim_name: get_persistent_volume_claim_name(set, template, ordinal),
                // `ReadOnly: false` in `updateStorage`; the field is `omitempty`, so a stored pod has none.
                read_only: None,
            }),
            ..Default::default()
        })
        .collect();
    for v in std::mem::take(&mut pod.spec.volumes) {
        if !templates.iter().any(|t| t.metadata.name == v.name) {
            volumes.push(v);
        }
    }
    pod.spec.volumes = volumes;
}

/// `initIdentity`: identity plus `hostname`/`subdomain`, which are set only at creation.
pub fn init_identity(set: &StatefulSet, pod: &mut Pod) {
    update_identity(set, pod);
    pod.spec.hostname = pod.metadata.name.clone();
    pod.spec.subdomain = set.spec.service_name.clone();
}

/// `updateIdentity`: name, namespace, pod-name and pod-index labels.
pub fn update_identity(set: &StatefulSet, pod: &mut Pod) {
    let ordinal = get_ordinal(pod);
    // Kept when already right (a new pod is named before its identity is set): no String built.
    if !name_is(&pod.metadata.name, &set.metadata.name, None, ordinal) {
        pod.metadata.name = get_pod_name(set, ordinal);
    }
    if pod.metadata.namespace != set.metadata.namespace {
        pod.metadata.namespace = set.metadata.namespace.clone();
    }
    pod.metadata.labels.insert(POD_NAME_LABEL.into(), pod.metadata.name.clone());
    pod.metadata.labels.insert(POD_INDEX_LABEL.into(), ordinal.to_string());
}

/// `isRunningAndReady`.
pub fn is_running_and_ready(pod: &Pod) -> bool {
    pod.is_running_and_ready()
}

/// `isRunningAndAvailable` (`podutil.IsPodAvailable`: Ready for more than minReadySeconds).
pub fn is_running_and_available(pod: &Pod, min_ready_seconds: i32, now: Time) -> bool {
    pod.is_available(min_ready_seconds, now)
}

/// `isUnavailable`: not available, or terminating.
pub fn is_unavailable(pod: &Pod, min_ready_seconds: i32, now: Time) -> bool {
    !is_running_and_available(pod, min_ready_seconds, now) || is_terminating(pod)
}

/// `isCreated`: the API server has it (placeholders have no phase).
pub fn is_created(pod: &Pod) -> bool {
    !pod.status.phase.is_empty()
}

/// `isPending`.
pub fn is_pending(pod: &Pod) -> bool {
    pod.status.phase == phase::PENDING
}

/// `isFailed`.
pub fn is_failed(pod: &Pod) -> bool {
    pod.status.phase == phase::FAILED
}

/// `isSucceeded`.
pub fn is_succeeded(pod: &Pod) -> bool {
    pod.status.phase == phase::SUCCEEDED
}

/// `isTerminating`: has a deletionTimestamp.
pub fn is_terminating(pod: &Pod) -> bool {
    pod.metadata.deletion_timestamp.is_some()
}

/// `allowsBurst`: `podManagementPolicy: Parallel`.
pub fn allows_burst(set: &StatefulSet) -> bool {
    set.spec.is_parallel()
}

/// `getPodRevision`: the `controller-revision-hash` label, "" when absent.
pub fn get_pod_revision(pod: &Pod) -> &str {
    pod.metadata.labels.get(REVISION_LABEL).map(String::as_str).unwrap_or("")
}

/// `setPodRevision`.
pub fn set_pod_revision(pod: &mut Pod, revision: &str) {
    pod.metadata.labels.insert(REVISION_LABEL.into(), revision.into());
}

/// `metav1.NewControllerRef(set, controllerKind)`.
pub fn new_controller_ref(set: &StatefulSet) -> OwnerReference {
    OwnerReference {
        api_version: "apps/v1".into(),
        kind: "StatefulSet".into(),
        name: set.metadata.name.clone(),
        uid: set.metadata.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// `newStatefulSetPod` (via `controller.GetPodFromTemplate`): template labels, annotations,
/// finalizers and spec, `generateName: <set>-`, the controller ref, then identity and storage.
pub fn new_stateful_set_pod(set: &StatefulSet, ordinal: i64) -> Pod {
    let t = &set.spec.template;
    let mut pod = Pod::default();
    pod.metadata.labels = t.metadata.labels.clone();
    pod.metadata.annotations = t.metadata.annotations.clone();
    pod.metadata.finalizers = t.metadata.finalizers.clone();
    pod.metadata.generate_name = [&set.metadata.name, "-"].concat();
    pod.metadata.owner_references.push(new_controller_ref(set));
    pod.spec = t.spec.clone();
    pod.metadata.name = get_pod_name(set, ordinal);
    init_identity(set, &mut pod);
    update_storage(set, &mut pod);
    pod
}

/// `newVersionedStatefulSetPod`: a pod at the current revision when it is below the partition
/// (or, without a `rollingUpdate` block, below `status.currentReplicas`), else at the update
/// revision. Go's `a && b || c` grouping is kept on purpose.
pub fn new_versioned_stateful_set_pod(
    current_set: &StatefulSet,
    update_set: &StatefulSet,
    current_revision: &str,
    update_revision: &str,
    ordinal: i64,
) -> Pod {
    let strategy = &current_set.spec.update_strategy;
    let start = get_start_ordinal(current_set);
    let at_current = (strategy.type_ == ROLLING_UPDATE
        && strategy.rolling_update.is_none()
        && ordinal < start + i64::from(current_set.status.current_replicas))
        || strategy.rolling_update.as_ref().is_some_and(|ru| ordinal < start + i64::from(ru.partition.unwrap_or(0)));
    let (set, revision) = if at_current { (current_set, current_revision) } else { (update_set, update_revision) };
    let mut pod = new_stateful_set_pod(set, ordinal);
    set_pod_revision(&mut pod, revision);
    pod
}

/// `getStatefulSetMaxUnavailable`: `maxUnavailable` scaled against replicas, percentages rounded
/// down, at least 1 (default 1).
pub fn get_stateful_set_max_unavailable(set: &StatefulSet) -> Result<i64, String> {
    let replicas = i64::from(set.spec.replicas());
    let value = set.spec.update_strategy.rolling_update.as_ref().and_then(|ru| ru.max_unavailable.as_ref());
    let n = match value {
        None => 1,
        Some(crate::engine::api::IntOrString::Int(i)) => *i,
        Some(crate::engine::api::IntOrString::String(s)) => {
            let pct = s
                .strip_suffix('%')
                .and_then(|p| p.parse::<i64>().ok())
                .ok_or_else(|| "invalid value for IntOrString: invalid type: string is not a percentage".to_string())?;
            pct * replicas / 100
        }
    };
    Ok(n.max(1))
}

/// `labels.SelectorFromSet(matchLabels)` + matchExpressions (`metav1.LabelSelectorAsSelector`):
/// whether `labels` satisfy `selector`. An empty selector matches everything; an operator the
/// API would have rejected matches nothing.
pub fn selector_matches(selector: &LabelSelector, labels: &StringMap) -> bool {
    selector.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v))
        && selector.match_expressions.iter().all(|r| {
            let value = labels.get(&r.key);
            match r.operator.as_str() {
                "In" => value.is_some_and(|v| r.values.contains(v)),
                "NotIn" => value.is_none_or(|v| !r.values.contains(v)),
                "Exists" => value.is_some(),
                "DoesNotExist" => value.is_none(),
                _ => false,
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::{
        LabelSelectorRequirement, PodTemplateSpec, RollingUpdateStatefulSetStrategy, StatefulSetOrdinals,
    };

    #[test]
    fn names_print_the_ordinal_as_format_does() {
        for o in [0, 7, 10, 1234, -1, i64::MIN, i64::MAX] {
            assert_eq!(name_with_ordinal(&["data", "web"], o), format!("data-web-{o}"));
        }
    }

    pub(crate) fn set(name: &str, replicas: i32) -> StatefulSet {
        let mut s = StatefulSet::default();
        s.metadata.name = name.into();
        s.metadata.namespace = "default".into();
        s.metadata.uid = "set-uid".into();
        s.spec.replicas = Some(replicas);
        s.spec.service_name = "nginx".into();
        s.spec.selector = Some(LabelSelector {
            match_labels: [("app".to_string(), "nginx".to_string())].into(),
            ..Default::default()
        });
        s.spec.template = PodTemplateSpec::default();
        *s.spec.template.metadata.labels = [("app".to_string(), "nginx".to_string())].into();
        s.spec.update_strategy.type_ = ROLLING_UPDATE.into();
        s.spec.update_strategy.rolling_update = Some(RollingUpdateStatefulSetStrategy { partition: Some(0), max_unavailable: None });
        let mut claim = PersistentVolumeClaim::default();
        claim.metadata.name = "www".into();
        s.spec.volume_claim_templates.push(claim);
        s
    }

    #[test]
    fn parent_and_ordinal_follow_the_regex() {
        assert_eq!(get_parent_name_and_ordinal("web-0"), ("web", 0));
        assert_eq!(get_parent_name_and_ordinal("my-web-12"), ("my-web", 12));
        assert_eq!(get_parent_name_and_ordinal("web"), ("", -1));
        assert_eq!(get_parent_name_and_ordinal("web-"), ("", -1));
        assert_eq!(get_parent_name_and_ordinal("-3"), ("", 3));
        assert_eq!(get_parent_name_and_ordinal("web-1-2"), ("web-1", 2));
        assert_eq!(get_parent_name_and_ordinal("web-a3"), ("", -1));
        assert_eq!(get_parent_name_and_ordinal("web-99999999999"), ("web", -1));
        assert_eq!(get_parent_name_and_ordinal("web-007"), ("web", 7));
    }

    #[test]
    fn new_pod_has_identity_storage_and_owner() {
        let s = set("web", 3);
        let pod = new_versioned_stateful_set_pod(&s, &s, "web-a", "web-b", 1);
        assert_eq!(pod.metadata.name, "web-1");
        assert_eq!(pod.metadata.generate_name, "web-");
        assert_eq!(pod.spec.hostname, "web-1");
        assert_eq!(pod.spec.subdomain, "nginx");
        assert_eq!(pod.metadata.labels[POD_NAME_LABEL], "web-1");
        assert_eq!(pod.metadata.labels[POD_INDEX_LABEL], "1");
        assert_eq!(pod.metadata.labels[REVISION_LABEL], "web-b");
        assert_eq!(pod.spec.volumes[0].persistent_volume_claim.as_ref().unwrap().claim_name, "www-web-1");
        // `readOnly: false` is omitted from the stored pod (`omitempty`).
        assert_eq!(pod.spec.volumes[0].persistent_volume_claim.as_ref().unwrap().read_only, None);
        assert_eq!(pod.metadata.owner_references[0].uid, "set-uid");
        assert!(identity_matches(&s, &pod));
        assert!(storage_matches(&s, &pod));
    }

    #[test]
    fn identity_and_storage_mismatches_are_detected() {
        let s = set("web", 3);
        let mut pod = new_stateful_set_pod(&s, 2);
        pod.metadata.labels.remove(POD_NAME_LABEL);
        assert!(!identity_matches(&s, &pod));
        let mut pod = new_stateful_set_pod(&s, 2);
        pod.metadata.name = "web-02".into();
        assert!(!identity_matches(&s, &pod));
        let mut pod = new_stateful_set_pod(&s, 2);
        pod.spec.volumes[0].persistent_volume_claim.as_mut().unwrap().claim_name = "www-web-3".into();
        assert!(!storage_matches(&s, &pod));
        pod.spec.volumes.clear();
        assert!(!storage_matches(&s, &pod));
    }

    #[test]
    fn partition_picks_the_current_revision_below_it() {
        let mut s = set("web", 5);
        s.spec.update_strategy.rolling_update.as_mut().unwrap().partition = Some(3);
        s.spec.ordinals = Some(StatefulSetOrdinals { start: Some(2) });
        // partition is an offset from ordinals.start: ordinals 2,3,4 stay current.
        assert_eq!(get_pod_revision(&new_versioned_stateful_set_pod(&s, &s, "old", "new", 4)), "old");
        assert_eq!(get_pod_revision(&new_versioned_stateful_set_pod(&s, &s, "old", "new", 5)), "new");
        s.spec.update_strategy.rolling_update = None;
        s.status.current_replicas = 1;
        assert_eq!(get_pod_revision(&new_versioned_stateful_set_pod(&s, &s, "old", "new", 2)), "old");
        assert_eq!(get_pod_revision(&new_versioned_stateful_set_pod(&s, &s, "old", "new", 3)), "new");
        s.spec.update_strategy.type_ = "OnDelete".into();
        assert_eq!(get_pod_revision(&new_versioned_stateful_set_pod(&s, &s, "old", "new", 2)), "new");
    }

    #[test]
    fn claims_carry_selector_labels_and_replace_template_volumes() {
        let mut s = set("web", 1);
        s.spec.volume_claim_templates[0].metadata.labels.insert("tier".into(), "db".into());
        s.spec.template.spec.volumes.push(Volume { name: "www".into(), ..Default::default() });
        s.spec.template.spec.volumes.push(Volume { name: "cache".into(), ..Default::default() });
        let pod = new_stateful_set_pod(&s, 0);
        let claims = get_persistent_volume_claims(&s, &pod);
        assert_eq!(claims[0].1.metadata.name, "www-web-0");
        assert_eq!(claims[0].1.metadata.labels.len(), 2);
        let names: Vec<_> = pod.spec.volumes.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["www", "cache"]);
        assert!(pod.spec.volumes[0].persistent_volume_claim.is_some());
    }

    #[test]
    fn max_unavailable_rounds_percentages_down_to_at_least_one() {
        let mut s = set("web", 10);
        assert_eq!(get_stateful_set_max_unavailable(&s), Ok(1));
        let ru = s.spec.update_strategy.rolling_update.as_mut().unwrap();
        ru.max_unavailable = Some(crate::engine::api::IntOrString::String("25%".into()));
        assert_eq!(get_stateful_set_max_unavailable(&s), Ok(2));
        s.spec.replicas = Some(3);
        assert_eq!(get_stateful_set_max_unavailable(&s), Ok(1));
    }

    #[test]
    fn selectors_match_labels_and_expressions() {
        let labels: StringMap = [("app".to_string(), "nginx".to_string())].into();
        let mut sel = LabelSelector::default();
        assert!(selector_matches(&sel, &labels));
        sel.match_expressions.push(LabelSelectorRequirement {
            key: "tier".into(),
            operator: "NotIn".into(),
            values: vec!["db".into()],
        });
        assert!(selector_matches(&sel, &labels));
        sel.match_expressions[0].operator = "Exists".into();
        assert!(!selector_matches(&sel, &labels));
    }
}
