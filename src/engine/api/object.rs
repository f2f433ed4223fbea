//! The API object union and the resource table (the discovery information kubectl's RESTMapper
//! reads: kind, group/version, plural resource, short names, scope).

use super::apps::{ControllerRevision, StatefulSet};
use super::core::{Endpoints, Event, Node, Service};
use super::meta::ObjectMeta;
use super::pod::Pod;
use super::storage::{PersistentVolume, PersistentVolumeClaim, StorageClass};
use super::value_de::Unknown;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Every kind the playground knows. The first group is simulated with typed objects; the rest are
/// real kinds that are accepted, stored and listed as-is (`Object::Generic`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)]
pub enum Kind {
    StatefulSet,
    ControllerRevision,
    Pod,
    PersistentVolumeClaim,
    PersistentVolume,
    StorageClass,
    Service,
    Node,
    Event,
    // Stored, not simulated.
    Namespace,
    ConfigMap,
    Secret,
    ServiceAccount,
    Endpoints,
    EndpointSlice,
    Deployment,
    ReplicaSet,
    DaemonSet,
    Job,
    CronJob,
    PodDisruptionBudget,
    HorizontalPodAutoscaler,
    Ingress,
    NetworkPolicy,
    ResourceQuota,
    LimitRange,
    PriorityClass,
    Role,
    RoleBinding,
    ClusterRole,
    ClusterRoleBinding,
}

/// Discovery facts about one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResourceInfo {
    /// The kind.
    pub kind: Kind,
    /// `Kind` as written in manifests.
    pub kind_name: &'static str,
    /// API group ("" for core).
    pub group: &'static str,
    /// Served (preferred) version.
    pub version: &'static str,
    /// `apiVersion`: `group/version`, or the version alone for the core group.
    pub api_version: &'static str,
    /// Plural lower-case resource name (`statefulsets`).
    pub plural: &'static str,
    /// Singular lower-case name (`statefulset`).
    pub singular: &'static str,
    /// kubectl short names (`sts`).
    pub short_names: &'static [&'static str],
    /// Namespaced or cluster-scoped.
    pub namespaced: bool,
}

macro_rules! resources {
    ($($kind:ident, $group:literal, $version:literal, $plural:literal, $singular:literal, [$($short:literal),*], $ns:literal;)*) => {
        /// The resource table, in the order `kubectl api-resources` would group them.
        pub const RESOURCES: &[ResourceInfo] = &[
            $(ResourceInfo {
                kind: Kind::$kind,
                kind_name: stringify!($kind),
                group: $group,
                version: $version,
                api_version: if $group.is_empty() { $version } else { concat!($group, "/", $version) },
                plural: $plural,
                singular: $singular,
                short_names: &[$($short),*],
                namespaced: $ns,
            },)*
        ];
    };
}

resources! {
    StatefulSet, "apps", "v1", "statefulsets", "statefulset", ["sts"], true;
    ControllerRevision, "apps", "v1", "controllerrevisions", "controllerrevision", [], true;
    Pod, "", "v1", "pods", "pod", ["po"], true;
    PersistentVolumeClaim, "", "v1", "persistentvolumeclaims", "persistentvolumeclaim", ["pvc"], true;
    PersistentVolume, "", "v1", "persistentvolumes", "persistentvolume", ["pv"], false;
    StorageClass, "storage.k8s.io", "v1", "storageclasses", "storageclass", ["sc"], false;
    Service, "", "v1", "services", "service", ["svc"], true;
    Node, "", "v1", "nodes", "node", ["no"], false;
    Event, "", "v1", "events", "event", ["ev"], true;
    Namespace, "", "v1", "namespaces", "namespace", ["ns"], false;
    ConfigMap, "", "v1", "configmaps", "configmap", ["cm"], true;
    Secret, "", "v1", "secrets", "secret", [], true;
    ServiceAccount, "", "v1", "serviceaccounts", "serviceaccount", ["sa"], true;
    Endpoints, "", "v1", "endpoints", "endpoints", ["ep"], true;
    EndpointSlice, "discovery.k8s.io", "v1", "endpointslices", "endpointslice", [], true;
    Deployment, "apps", "v1", "deployments", "deployment", ["deploy"], true;
    ReplicaSet, "apps", "v1", "replicasets", "replicaset", ["rs"], true;
    DaemonSet, "apps", "v1", "daemonsets", "daemonset", ["ds"], true;
    Job, "batch", "v1", "jobs", "job", [], true;
    CronJob, "batch", "v1", "cronjobs", "cronjob", ["cj"], true;
    PodDisruptionBudget, "policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", ["pdb"], true;
    HorizontalPodAutoscaler, "autoscaling", "v2", "horizontalpodautoscalers", "horizontalpodautoscaler", ["hpa"], true;
    Ingress, "networking.k8s.io", "v1", "ingresses", "ingress", ["ing"], true;
    NetworkPolicy, "networking.k8s.io", "v1", "networkpolicies", "networkpolicy", ["netpol"], true;
    ResourceQuota, "", "v1", "resourcequotas", "resourcequota", ["quota"], true;
    LimitRange, "", "v1", "limitranges", "limitrange", ["limits"], true;
    PriorityClass, "scheduling.k8s.io", "v1", "priorityclasses", "priorityclass", ["pc"], false;
    Role, "rbac.authorization.k8s.io", "v1", "roles", "role", [], true;
    RoleBinding, "rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", [], true;
    ClusterRole, "rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", [], false;
    ClusterRoleBinding, "rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", [], false;
}

impl Kind {
    /// This kind's discovery facts.
    pub fn info(self) -> &'static ResourceInfo {
        // RESOURCES lists kinds in declaration order, so the discriminant is the index.
        &RESOURCES[self as usize]
    }

    /// `apiVersion` string (`apps/v1`, `v1`).
    pub fn api_version(self) -> &'static str {
        self.info().api_version
    }

    /// `resource.group` as kubectl prints it in messages (`statefulsets.apps`, `pods`).
    pub fn group_resource(self) -> String {
        let i = self.info();
        if i.group.is_empty() {
            i.plural.to_string()
        } else {
            format!("{}.{}", i.plural, i.group)
        }
    }

    /// `singular.group` as NamePrinter prints it (`statefulset.apps/web`, `pod/web-0`).
    pub fn name_prefix(self) -> String {
        let mut s = String::new();
        self.push_name_prefix(&mut s);
        s
    }

    /// Appends [`Kind::name_prefix`] to `out`, for texts that name thousands of objects.
    pub fn push_name_prefix(self, out: &mut String) {
        let i = self.info();
        out.push_str(i.singular);
        if !i.group.is_empty() {
            out.push('.');
            out.push_str(i.group);
        }
    }

    /// Looks a kind up by its manifest `apiVersion` and `kind`.
    pub fn from_api_version_kind(api_version: &str, kind: &str) -> Option<Kind> {
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        RESOURCES
            .iter()
            .find(|r| r.kind_name == kind && r.group == group && accepts_version(r, version))
            .map(|r| r.kind)
    }

    /// Whether objects of this kind are simulated with a typed model.
    pub fn is_simulated(self) -> bool {
        self <= Kind::Event
    }
}

/// Versions the simulated API server serves for a resource (older served versions included).
fn accepts_version(r: &ResourceInfo, version: &str) -> bool {
    version == r.version
        || (r.kind == Kind::HorizontalPodAutoscaler && version == "v1")
        
}

/// An object of a kind the playground stores without simulating it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenericObject {
    /// `apiVersion` as submitted.
    pub api_version: String,
    /// `kind` as submitted.
    pub kind: String,
    /// Metadata, typed so the store can manage it.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Every other top-level field (`data`, `spec`, …).
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// One API object.
#[derive(Clone, Debug, PartialEq)]
#[allow(missing_docs)]
// Objects live behind `Rc` in the store and are decoded one at a time, so the size of the largest
// variant costs little; boxing each would add an allocation to every read-modify-write.
#[allow(clippy::large_enum_variant)]
pub enum Object {
    StatefulSet(StatefulSet),
    ControllerRevision(ControllerRevision),
    Pod(Pod),
    PersistentVolumeClaim(PersistentVolumeClaim),
    PersistentVolume(PersistentVolume),
    StorageClass(StorageClass),
    Service(Service),
    Node(Node),
    Event(Event),
    /// v1 Endpoints: stored like the kinds below, typed so its versions share addresses.
    Endpoints(Endpoints),
    /// Any other known kind (the `Kind` is kept alongside).
    Generic(Kind, GenericObject),
}

macro_rules! each_typed {
    ($obj:expr, $o:ident => $body:expr) => {
        match $obj {
            Object::StatefulSet($o) => $body,
            Object::ControllerRevision($o) => $body,
            Object::Pod($o) => $body,
            Object::PersistentVolumeClaim($o) => $body,
            Object::PersistentVolume($o) => $body,
            Object::StorageClass($o) => $body,
            Object::Service($o) => $body,
            Object::Node($o) => $body,
            Object::Event($o) => $body,
            Object::Endpoints($o) => $body,
            Object::Generic(_, $o) => $body,
        }
    };
}

/// Serializes a typed object with `apiVersion` and `kind` first, as the API server does.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WithTypeMeta<'a, T: Serialize> {
    api_version: String,
    kind: &'static str,
    #[serde(flatten)]
    inner: &'a T,
}

impl Object {
    /// The object's kind.
    pub fn kind(&self) -> Kind {
        match self {
            Object::StatefulSet(_) => Kind::StatefulSet,
            Object::ControllerRevision(_) => Kind::ControllerRevision,
            Object::Pod(_) => Kind::Pod,
            Object::PersistentVolumeClaim(_) => Kind::PersistentVolumeClaim,
            Object::PersistentVolume(_) => Kind::PersistentVolume,
            Object::StorageClass(_) => Kind::StorageClass,
            Object::Service(_) => Kind::Service,
            Object::Node(_) => Kind::Node,
            Object::Event(_) => Kind::Event,
            Object::Endpoints(_) => Kind::Endpoints,
            Object::Generic(k, _) => *k,
        }
    }

    /// The object's metadata.
    pub fn meta(&self) -> &ObjectMeta {
        each_typed!(self, o => &o.metadata)
    }

    /// The object's metadata, mutably.
    pub fn meta_mut(&mut self) -> &mut ObjectMeta {
        each_typed!(self, o => &mut o.metadata)
    }

    /// The object as JSON, `apiVersion` and `kind` first, fields in API (Go struct) order.
    pub fn to_value(&self) -> Value {
        let kind = self.kind();
        let api_version = match self {
            Object::Generic(_, g) if !g.api_version.is_empty() => g.api_version.clone(),
            _ => kind.api_version().to_string(),
        };
        let kind_name = kind.info().kind_name;
        let r = each_typed!(self, o => serde_json::to_value(WithTypeMeta { api_version, kind: kind_name, inner: o }));
        // Serializing our own types to a JSON value cannot fail (string keys, finite numbers).
        r.unwrap_or(Value::Null)
    }

    /// Builds an object of `kind` from JSON (no unknown-field reporting; see [`Object::decode`]).
    /// `apiVersion`/`kind` keys are ignored.
    pub fn from_value(kind: Kind, v: Value) -> Result<Object, serde_json::Error> {
        Object::decode(kind, v, &mut |_| {})
    }

    /// Builds an object of `kind` from JSON, calling `unknown` with the path of every member
    /// the typed object has no field for (the manifest decoder turns those into warnings).
    /// `apiVersion`/`kind` keys are ignored for simulated kinds.
    pub fn decode(kind: Kind, mut v: Value, unknown: &mut Unknown<'_>) -> Result<Object, serde_json::Error> {
        if let Value::Object(m) = &mut v {
            if kind.is_simulated() || kind == Kind::Endpoints {
                m.remove("apiVersion");
                m.remove("kind");
            }
        }
        Ok(match kind {
            Kind::StatefulSet => Object::StatefulSet(decode_value(v, unknown)?),
            Kind::ControllerRevision => Object::ControllerRevision(decode_value(v, unknown)?),
            Kind::Pod => Object::Pod(decode_value(v, unknown)?),
            Kind::PersistentVolumeClaim => Object::PersistentVolumeClaim(decode_value(v, unknown)?),
            Kind::PersistentVolume => Object::PersistentVolume(decode_value(v, unknown)?),
            Kind::StorageClass => Object::StorageClass(decode_value(v, unknown)?),
            Kind::Service => Object::Service(decode_value(v, unknown)?),
            Kind::Node => Object::Node(decode_value(v, unknown)?),
            Kind::Event => Object::Event(decode_value(v, unknown)?),
            Kind::Endpoints => Object::Endpoints(decode_value(v, unknown)?),
            // Stored as-is: whatever it holds is kept in `rest`, so nothing is unknown.
            k => Object::Generic(k, from_value(v)?),
        })
    }
}

/// Decodes a typed value from JSON, calling `unknown` for every ignored member.
///
/// Every typed decode in the playground goes through here, with this one callback type, so each
/// `Deserialize` impl is compiled once (for [`value_de`](super::value_de)'s deserializer over
/// `Value`) rather than once per decoder and per closure; that duplication was a large share of
/// the wasm bundle.
pub fn decode_value<T: serde::de::DeserializeOwned>(v: Value, unknown: &mut Unknown<'_>) -> Result<T, serde_json::Error> {
    super::value_de::deserialize(v, unknown)
}

/// [`decode_value`] without unknown-field reporting: the drop-in for `serde_json::from_value`.
pub fn from_value<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, serde_json::Error> {
    decode_value(v, &mut |_| {})
}

macro_rules! accessors {
    ($($fn:ident, $fn_mut:ident, $variant:ident, $ty:ty;)*) => {
        impl Object {
            $(
                #[doc = concat!("The object as a `", stringify!($variant), "`, if it is one.")]
                pub fn $fn(&self) -> Option<&$ty> {
                    match self { Object::$variant(o) => Some(o), _ => None }
                }
                #[doc = concat!("The object as a mutable `", stringify!($variant), "`, if it is one.")]
                pub fn $fn_mut(&mut self) -> Option<&mut $ty> {
                    match self { Object::$variant(o) => Some(o), _ => None }
                }
            )*
        }
    };
}

accessors! {
    as_stateful_set, as_stateful_set_mut, StatefulSet, StatefulSet;
    as_controller_revision, as_controller_revision_mut, ControllerRevision, ControllerRevision;
    as_pod, as_pod_mut, Pod, Pod;
    as_pvc, as_pvc_mut, PersistentVolumeClaim, PersistentVolumeClaim;
    as_pv, as_pv_mut, PersistentVolume, PersistentVolume;
    as_storage_class, as_storage_class_mut, StorageClass, StorageClass;
    as_service, as_service_mut, Service, Service;
    as_node, as_node_mut, Node, Node;
    as_event, as_event_mut, Event, Event;
    as_endpoints, as_endpoints_mut, Endpoints, Endpoints;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_table_is_indexed_by_kind() {
        for (i, r) in RESOURCES.iter().enumerate() {
            assert_eq!(r.kind as usize, i, "{} out of order", r.kind_name);
        }
    }

    #[test]
    fn names_match_kubectl() {
        assert_eq!(Kind::StatefulSet.group_resource(), "statefulsets.apps");
        assert_eq!(Kind::StatefulSet.name_prefix(), "statefulset.apps");
        assert_eq!(Kind::Pod.name_prefix(), "pod");
        assert_eq!(Kind::from_api_version_kind("apps/v1", "StatefulSet"), Some(Kind::StatefulSet));
        assert_eq!(Kind::from_api_version_kind("v1", "Service"), Some(Kind::Service));
        assert_eq!(Kind::from_api_version_kind("apps/v1beta1", "StatefulSet"), None);
    }

    #[test]
    fn to_value_puts_type_meta_first() {
        let mut sts = StatefulSet::default();
        sts.metadata.name = "web".into();
        let v = Object::StatefulSet(sts).to_value();
        assert_eq!(v["apiVersion"], "apps/v1");
        assert_eq!(v["kind"], "StatefulSet");
        assert_eq!(v["metadata"]["name"], "web");
    }
}
