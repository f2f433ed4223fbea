//! Pod update validation (pkg/apis/core/validation/validation.go: `ValidatePodUpdate`,
//! `ValidateContainerUpdates`, `validateOnlyAddedTolerations`): the new pod is validated in
//! full, then only images, a lower activeDeadlineSeconds, added tolerations and a negative
//! grace period set to 1 may differ from the stored spec.

use super::format::go_quote;
use super::meta::validate_object_meta_update;
use crate::engine::api::{Container, Pod, PodSpec};
use crate::engine::error::FieldError;

/// `updatablePodSpecFields` joined with ",": the Forbidden error's text. A real server follows
/// it with a newline and `cmp.Diff` of the two specs; that dump (Go's internal types, go-cmp's
/// elisions and its deliberately unstable spacing) is not reproduced.
const FORBIDDEN: &str = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// `ValidateContainerUpdates`: `None` (stop) when a container was added or removed, else the
/// image checks of every container (the whitespace check runs on updates only here).
fn validate_container_updates(new: &[Container], old: &[Container], path: &str) -> Option<Vec<FieldError>> {
    if new.len() != old.len() {
        return None;
    }
    let mut errs = Vec::new();
    for (i, c) in new.iter().enumerate() {
        if c.image.is_empty() {
            errs.push(FieldError::required(format!("{path}[{i}].image"), ""));
        }
        if c.image.trim() != c.image {
            errs.push(FieldError::invalid(format!("{path}[{i}].image"), go_quote(&c.image), "must not have leading or trailing whitespace"));
        }
    }
    Some(errs)
}

/// A toleration as `validateOnlyAddedTolerations` compares it: every field but
/// tolerationSeconds, an absent string being Go's "".
fn toleration_key(t: &serde_json::Value) -> [&str; 4] {
    ["key", "operator", "value", "effect"].map(|f| t.get(f).and_then(|v| v.as_str()).unwrap_or(""))
}

fn tolerations(s: &PodSpec) -> &[serde_json::Value] {
    s.tolerations.as_deref().and_then(|v| v.as_array()).map_or(&[], Vec::as_slice)
}

/// `validateOnlyAddedTolerations`: each stored toleration must still be there, give or take its
/// tolerationSeconds; one Forbidden error at the first that is not.
fn validate_only_added_tolerations(new: &PodSpec, old: &PodSpec) -> Option<FieldError> {
    let now: Vec<[&str; 4]> = tolerations(new).iter().map(toleration_key).collect();
    tolerations(old).iter().any(|t| !now.contains(&toleration_key(t))).then(|| {
        FieldError::forbidden("spec.tolerations", "existing toleration can not be modified except its tolerationSeconds")
    })
}

/// `ValidatePodUpdate`, in its order: metadata, the new pod as on create
/// (`validatePodMetadataAndSpec`), `ValidateContainerUpdates` (ending the checks when a
/// container was added or removed), activeDeadlineSeconds (its errors end the checks too, but
/// for the removal), tolerations, and last one Forbidden error for any other change.
pub fn validate_pod_update(new: &Pod, old: &Pod) -> Vec<FieldError> {
    let mut errs = validate_object_meta_update(&new.metadata);
    errs.extend(super::core::validate_pod(new));
    for (field, n, o) in [
        ("containers", &new.spec.containers[..], &old.spec.containers[..]),
        ("initContainers", &new.spec.init_containers[..], &old.spec.init_containers[..]),
    ] {
        match validate_container_updates(n, o, &format!("spec.{field}")) {
            Some(e) => errs.extend(e),
            None => {
                errs.push(FieldError::forbidden(format!("spec.{field}"), "pod updates may not add or remove containers"));
                return errs;
            }
        }
    }
    const DEADLINE: &str = "spec.activeDeadlineSeconds";
    match (new.spec.active_deadline_seconds, old.spec.active_deadline_seconds) {
        (Some(n), _) if !(0..=i64::from(i32::MAX)).contains(&n) => {
            errs.push(FieldError::invalid(DEADLINE, n.to_string(), "must be between 0 and 2147483647, inclusive"));
            return errs;
        }
        (Some(n), Some(o)) if o < n => {
            errs.push(FieldError::invalid(DEADLINE, n.to_string(), "must be less than or equal to previous value"));
            return errs;
        }
        // A nil pointer prints as the string "null", quoted (field.Error's ErrorBody).
        (None, Some(_)) => errs.push(FieldError::invalid(DEADLINE, go_quote("null"), "must not update from a positive integer to nil value")),
        _ => {}
    }
    errs.extend(validate_only_added_tolerations(&new.spec, &old.spec));
    if new.spec == old.spec {
        return errs;
    }
    let mut munged: PodSpec = (*new.spec).clone();
    for (c, o) in munged.containers.iter_mut().zip(&old.spec.containers) {
        c.image.clone_from(&o.image);
    }
    for (c, o) in munged.init_containers.iter_mut().zip(&old.spec.init_containers) {
        c.image.clone_from(&o.image);
    }
    munged.active_deadline_seconds = old.spec.active_deadline_seconds;
    munged.tolerations.clone_from(&old.spec.tolerations);
    if old.spec.termination_grace_period_seconds.is_some_and(|g| g < 0) && munged.termination_grace_period_seconds == Some(1) {
        munged.termination_grace_period_seconds = old.spec.termination_grace_period_seconds;
    }
    if munged != *old.spec {
        errs.push(FieldError::forbidden("spec", FORBIDDEN));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::ObjectMeta;
    use serde_json::json;
    use crate::engine::api::{Kind, Object};
    use crate::engine::apiserver;
    use crate::engine::error::ApiError;
    use crate::engine::manifest::parse_manifests;
    use crate::engine::sim::Cluster;
    use crate::engine::ClusterConfig;

    fn sts_from(text: &str) -> Object {
        parse_manifests("x.yaml", text).objects.remove(0).object
    }

    fn pod(image: &str) -> Pod {
        let mut p = Pod { metadata: ObjectMeta { name: "p".into(), ..Default::default() }, ..Default::default() };
        p.spec.restart_policy = "Always".into();
        p.spec.dns_policy = "ClusterFirst".into();
        p.spec.containers.push(Container { name: "a".into(), image: image.into(), ..Default::default() });
        p
    }

    fn texts(e: Vec<FieldError>) -> Vec<String> {
        e.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn images_are_checked_by_create_and_by_container_updates() {
        // Both validatePodMetadataAndSpec and ValidateContainerUpdates report the image: the
        // status keeps both causes, its message one (ToAggregate).
        let e = texts(validate_pod_update(&pod(""), &pod("nginx")));
        assert_eq!(e, vec!["spec.containers[0].image: Required value", "spec.containers[0].image: Required value"]);
        let e = texts(validate_pod_update(&pod(" nginx"), &pod("nginx")));
        let padded = "spec.containers[0].image: Invalid value: \" nginx\": must not have leading or trailing whitespace";
        assert_eq!(e, vec![padded, padded]);
        assert!(validate_pod_update(&pod("nginx:1.27"), &pod("nginx")).is_empty());
    }

    #[test]
    fn active_deadline_may_only_be_set_or_lowered() {
        let with = |d: Option<i64>| {
            let mut p = pod("nginx");
            p.spec.active_deadline_seconds = d;
            p
        };
        assert!(validate_pod_update(&with(Some(30)), &with(None)).is_empty());
        assert!(validate_pod_update(&with(Some(10)), &with(Some(30))).is_empty());
        assert_eq!(
            texts(validate_pod_update(&with(Some(60)), &with(Some(30)))),
            vec!["spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous value"]
        );
        assert_eq!(
            texts(validate_pod_update(&with(None), &with(Some(30)))),
            vec!["spec.activeDeadlineSeconds: Invalid value: \"null\": must not update from a positive integer to nil value"]
        );
        // ValidatePodSpec's own range (1..) comes first, then the update's (0..), which stops.
        assert_eq!(
            texts(validate_pod_update(&with(Some(-1)), &with(None))),
            vec![
                "spec.activeDeadlineSeconds: Invalid value: -1: must be between 1 and 2147483647, inclusive",
                "spec.activeDeadlineSeconds: Invalid value: -1: must be between 0 and 2147483647, inclusive"
            ]
        );
    }

    #[test]
    fn tolerations_may_be_added_or_retimed_not_removed() {
        let with = |t: serde_json::Value| {
            let mut p = pod("nginx");
            p.spec.tolerations = Some(t.into());
            p
        };
        let old = with(json!([{"key": "k", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]));
        let more = with(json!([{"key": "k", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 60}, {"key": "x", "operator": "Exists"}]));
        assert!(validate_pod_update(&more, &old).is_empty());
        assert_eq!(
            texts(validate_pod_update(&with(json!([])), &old)),
            vec!["spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"]
        );
    }

    #[test]
    fn other_changes_are_one_forbidden_error() {
        let mut moved = pod("nginx");
        moved.spec.node_name = "node-2".into();
        let e = texts(validate_pod_update(&moved, &pod("nginx")));
        assert_eq!(e, vec![format!("spec: Forbidden: {FORBIDDEN}")]);
    }

    #[test]
    fn pod_updates_keep_the_grace_period_and_the_container_count() {
        // ValidatePodUpdate: terminationGracePeriodSeconds may only go from negative to 1;
        // ValidateContainerUpdates: adding a container is its own Forbidden error.
        let mut c = Cluster::new(ClusterConfig::default());
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  terminationGracePeriodSeconds: 30\n  containers: [{name: a, image: b}]\n";
        apiserver::create(&mut c, sts_from(pod)).unwrap();
        let grace = pod.replace("Seconds: 30", "Seconds: 5");
        let e = apiserver::update(&mut c, sts_from(&grace)).map(|_| ()).unwrap_err().to_string();
        assert!(e.starts_with("Pod \"p\" is invalid: spec: Forbidden: pod updates may not change fields other than"), "{e}");
        let more = pod.replace("[{name: a, image: b}]", "[{name: a, image: b}, {name: c, image: d}]");
        assert_eq!(
            apiserver::update(&mut c, sts_from(&more)).map(|_| ()).unwrap_err().to_string(),
            "Pod \"p\" is invalid: spec.containers: Forbidden: pod updates may not add or remove containers"
        );
    }

    #[test]
    fn pod_updates_validate_the_new_pod_and_keep_admitted_defaults() {
        // ValidatePodUpdate runs validatePodMetadataAndSpec on the new pod and
        // ValidateContainerUpdates; the message names each cause once (ToAggregate).
        let mut c = Cluster::new(ClusterConfig::default());
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: nginx}]\n";
        let stored = apiserver::create(&mut c, sts_from(pod)).unwrap().object;
        // Resend the stored pod with a new image: the tolerations DefaultTolerationSeconds added are
        // in it, so only the image changes.
        let with_image = |image: &str| {
            let mut v = stored.to_value();
            v["spec"]["containers"][0]["image"] = json!(image);
            v["metadata"]["resourceVersion"] = json!("");
            Object::from_value(Kind::Pod, v).unwrap()
        };
        assert_eq!(
            apiserver::update(&mut c, with_image(" nginx")).map(|_| ()).unwrap_err().to_string(),
            "Pod \"p\" is invalid: spec.containers[0].image: Invalid value: \" nginx\": must not have leading or trailing whitespace"
        );
        match apiserver::update(&mut c, with_image("")).map(|_| ()).unwrap_err() {
            ApiError::Invalid { causes, .. } => assert_eq!(causes.len(), 2),
            e => panic!("{e}"),
        }
        // DefaultTolerationSeconds also admits updates: a pod resent without its tolerations gets
        // them back, so only the image changed.
        let mut v = with_image("nginx:1.27").to_value();
        v["spec"].as_object_mut().unwrap().remove("tolerations");
        let w = apiserver::update(&mut c, Object::from_value(Kind::Pod, v).unwrap()).unwrap();
        assert_eq!(w.object.to_value()["spec"]["tolerations"].as_array().map(Vec::len), Some(2));
    }
}
