//! The strategic-merge metadata of the API types: the `patchStrategy` and `patchMergeKey` struct
//! tags in `k8s.io/api` (`core/v1/types.go`, `apps/v1/types.go`, `meta/v1/types.go`), looked up
//! by field path. A list without tags is atomic: a patch replaces it whole.

use crate::engine::api::Kind;

/// How a list field merges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListStrategy {
    /// No tags: the patch's list replaces the old one.
    Atomic,
    /// `patchStrategy:"merge" patchMergeKey:"<key>"`: elements are matched by that field.
    MergeKey(&'static str),
    /// `patchStrategy:"merge"` on a list of scalars: a set union (`finalizers`).
    MergeSet,
}

const CONTAINER_LISTS: &[&str] = &["containers", "initContainers", "ephemeralContainers"];

/// The strategy for the list at `path` (field names from the object root, list indices
/// omitted: `["spec", "template", "spec", "containers"]`).
pub fn list_strategy(kind: Kind, path: &[String]) -> ListStrategy {
    let Some(last) = path.last().map(String::as_str) else { return ListStrategy::Atomic };
    let parent = if path.len() >= 2 { path[path.len() - 2].as_str() } else { "" };
    let in_container = CONTAINER_LISTS.contains(&parent);
    match last {
        // PodSpec
        "containers" | "initContainers" | "ephemeralContainers" => ListStrategy::MergeKey("name"),
        "volumes" => ListStrategy::MergeKey("name"),
        "imagePullSecrets" => ListStrategy::MergeKey("name"),
        "hostAliases" => ListStrategy::MergeKey("ip"),
        "topologySpreadConstraints" => ListStrategy::MergeKey("topologyKey"),
        "resourceClaims" if parent == "spec" => ListStrategy::MergeKey("name"),
        // Container
        "env" if in_container => ListStrategy::MergeKey("name"),
        "volumeMounts" if in_container => ListStrategy::MergeKey("mountPath"),
        "volumeDevices" if in_container => ListStrategy::MergeKey("devicePath"),
        "ports" if in_container => ListStrategy::MergeKey("containerPort"),
        // ServiceSpec.Ports
        "ports" if kind == Kind::Service && path.len() == 2 && parent == "spec" => ListStrategy::MergeKey("port"),
        // ObjectMeta
        "finalizers" if parent == "metadata" && path.len() == 2 => ListStrategy::MergeSet,
        "ownerReferences" if parent == "metadata" && path.len() == 2 => ListStrategy::MergeKey("uid"),
        // Status conditions (PodStatus, NodeStatus, StatefulSetStatus, PVC status, …)
        "conditions" if parent == "status" => ListStrategy::MergeKey("type"),
        "addresses" if kind == Kind::Node && parent == "status" => ListStrategy::MergeKey("type"),
        _ => ListStrategy::Atomic,
    }
}

/// Whether the map at `path` (a list's elements: the list's path) carries
/// `patchStrategy:"retainKeys"`: `PodSpec.Volumes` (`merge,retainKeys`: a volume's source is a
/// one-of, so changing it drops the old one) and `DeploymentSpec.Strategy` (apps/v1 types.go).
/// `StatefulSetSpec.UpdateStrategy` has no such tag.
pub fn retains_keys(kind: Kind, path: &[String]) -> bool {
    let Some(last) = path.last() else { return false };
    let parent = if path.len() >= 2 { path[path.len() - 2].as_str() } else { "" };
    (last == "volumes" && parent == "spec") || (kind == Kind::Deployment && last == "strategy" && path.len() == 2 && parent == "spec")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<String> {
        s.split('.').map(String::from).collect()
    }

    #[test]
    fn struct_tags_by_path() {
        assert_eq!(list_strategy(Kind::StatefulSet, &p("spec.template.spec.containers")), ListStrategy::MergeKey("name"));
        assert_eq!(
            list_strategy(Kind::StatefulSet, &p("spec.template.spec.containers.ports")),
            ListStrategy::MergeKey("containerPort")
        );
        assert_eq!(list_strategy(Kind::Service, &p("spec.ports")), ListStrategy::MergeKey("port"));
        assert_eq!(list_strategy(Kind::StatefulSet, &p("spec.volumeClaimTemplates")), ListStrategy::Atomic);
        assert_eq!(list_strategy(Kind::Pod, &p("spec.tolerations")), ListStrategy::Atomic);
        assert_eq!(list_strategy(Kind::Pod, &p("metadata.finalizers")), ListStrategy::MergeSet);
        assert_eq!(list_strategy(Kind::Pod, &p("spec.containers.args")), ListStrategy::Atomic);
    }
}
