//! What the inspector shows for a selected object: `kubectl describe` and `-o yaml` of it, and
//! for a pod its image, node, why it is not Ready and the faults in effect on it.

use super::view;
use crate::engine::api::Kind;
use crate::engine::sim::Cluster;

/// The inspector's text for one object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inspection {
    /// Describe output ("" when the object is gone).
    pub describe: String,
    /// `-o yaml`.
    pub yaml: String,
    /// For pods: the first container's image.
    pub image: String,
    /// For pods: the node.
    pub node: String,
    /// For pods that are not Ready: why not ([`view::pod_reason`]), else "".
    pub reason: String,
    /// The object exists.
    pub exists: bool,
    /// For pods: the faults in effect on it, its image or its node, each with the words that
    /// undo it (after `sim fault`).
    pub faults: Vec<(String, Vec<String>)>,
}

/// The inspector's text for the object `kind`/`name` (in `namespace` when the kind is
/// namespaced).
pub fn inspect(c: &Cluster, namespace: &str, kind: Kind, name: &str) -> Inspection {
    let ns = if kind.info().namespaced { namespace } else { "" };
    let Some(o) = c.store.get(kind, ns, name).cloned() else { return Inspection::default() };
    let mut i = Inspection { exists: true, ..Default::default() };
    i.describe = crate::kubectl::describe::describe(c, &o).unwrap_or_else(|| "(no describer for this kind)".into());
    i.yaml = crate::kubectl::printers::yaml::to_yaml(&o.to_value());
    if let Some(p) = o.as_pod() {
        i.image = p.spec.containers.first().map(|c| c.image.clone()).unwrap_or_default();
        i.node = p.spec.node_name.clone();
        i.reason = view::pod_reason(c, p);
        i.faults = view::pod_faults(c, p);
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::input::Input;
    use crate::session::{seed, Session, NAMESPACE};

    #[test]
    fn a_set_is_described_and_printed_and_a_missing_object_is_not() {
        let mut s = Session::new();
        s.act(Input::Apply { file: seed::SEED_FILE.into(), text: seed::SEED_YAML.into() });
        let i = inspect(s.cluster(), NAMESPACE, Kind::StatefulSet, "myapp");
        assert!(i.exists);
        assert!(i.describe.starts_with("Name:"), "{}", i.describe);
        assert!(i.yaml.starts_with("apiVersion: apps/v1\n"), "{}", i.yaml);
        assert_eq!(inspect(s.cluster(), NAMESPACE, Kind::Pod, "nope"), Inspection::default());
    }

    #[test]
    fn a_pod_comes_with_its_image_node_and_why_it_is_not_ready() {
        let mut s = Session::new();
        s.act(Input::Apply { file: seed::SEED_FILE.into(), text: seed::SEED_YAML.into() });
        for _ in 0..5 {
            s.act(Input::STEP);
        }
        let i = inspect(s.cluster(), NAMESPACE, Kind::Pod, "myapp-0");
        assert!(i.exists);
        assert!(i.image.starts_with("nginx"), "{}", i.image);
        // Nodes are cluster-scoped: found without the namespace.
        let node = inspect(s.cluster(), NAMESPACE, Kind::Node, &s.cluster().store.list(Kind::Node, None).next().map(|o| o.meta().name.clone()).unwrap_or_default());
        assert!(node.exists);
    }
}
