//! `apps/v1` kinds the playground simulates: StatefulSet and ControllerRevision
//! (k8s.io/api/apps/v1/types.go).

use super::pod::PodTemplateSpec;
use super::storage::PersistentVolumeClaim;
use super::meta::{Condition, LabelSelector, ObjectMeta};
use serde::{Deserialize, Serialize};

/// `apps/v1 StatefulSet`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatefulSet {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: StatefulSetSpec,
    #[serde(default)]
    pub status: StatefulSetStatus,
}

/// `StatefulSetSpec`. Optional pointers stay `Option` so defaulting can tell "unset" apart.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatefulSetSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    #[serde(default)]
    pub template: PodTemplateSpec,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volume_claim_templates: Vec<PersistentVolumeClaim>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub service_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pod_management_policy: String,
    #[serde(default)]
    pub update_strategy: StatefulSetUpdateStrategy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ready_seconds: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_volume_claim_retention_policy: Option<PersistentVolumeClaimRetentionPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordinals: Option<StatefulSetOrdinals>,
}

impl StatefulSetSpec {
    /// `spec.replicas` after defaulting (nil means 1).
    pub fn replicas(&self) -> i32 {
        self.replicas.unwrap_or(1)
    }

    /// `spec.ordinals.start`, 0 when unset (`getStartOrdinal`).
    pub fn start_ordinal(&self) -> i32 {
        self.ordinals.as_ref().and_then(|o| o.start).unwrap_or(0)
    }

    /// `spec.minReadySeconds`, 0 when unset.
    pub fn min_ready_seconds(&self) -> i32 {
        self.min_ready_seconds.unwrap_or(0)
    }

    /// Whether pods are managed in parallel (burst) rather than OrderedReady (monotonic).
    pub fn is_parallel(&self) -> bool {
        self.pod_management_policy == POD_MANAGEMENT_PARALLEL
    }

    /// `spec.revisionHistoryLimit`, 10 when unset.
    pub fn revision_history_limit(&self) -> i32 {
        self.revision_history_limit.unwrap_or(10)
    }
}

/// `OrderedReady` pod management (the default).
pub const POD_MANAGEMENT_ORDERED_READY: &str = "OrderedReady";
/// `Parallel` pod management.
pub const POD_MANAGEMENT_PARALLEL: &str = "Parallel";
/// `RollingUpdate` update strategy (the default).
pub const ROLLING_UPDATE: &str = "RollingUpdate";
/// `OnDelete` update strategy.
pub const ON_DELETE: &str = "OnDelete";
/// Retention policy value `Retain` (the default).
pub const RETAIN: &str = "Retain";
/// Retention policy value `Delete`.
pub const DELETE: &str = "Delete";

/// `StatefulSetUpdateStrategy`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatefulSetUpdateStrategy {
    #[serde(rename = "type", default, skip_serializing_if = "String::is_empty")]
    pub type_: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolling_update: Option<RollingUpdateStatefulSetStrategy>,
}

/// `RollingUpdateStatefulSetStrategy`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RollingUpdateStatefulSetStrategy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<i32>,
    /// IntOrString: an integer or a percentage such as `"25%"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrString>,
}

/// `intstr.IntOrString`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IntOrString {
    /// An integer value.
    Int(i64),
    /// A string value, usually a percentage like `"50%"` or a port name.
    String(String),
}

impl std::fmt::Display for IntOrString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntOrString::Int(i) => write!(f, "{i}"),
            IntOrString::String(s) => f.write_str(s),
        }
    }
}

/// `StatefulSetPersistentVolumeClaimRetentionPolicy`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersistentVolumeClaimRetentionPolicy {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub when_deleted: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub when_scaled: String,
}

/// `StatefulSetOrdinals`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatefulSetOrdinals {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i32>,
}

/// `StatefulSetStatus`, computed by the controller.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatefulSetStatus {
    #[serde(default, skip_serializing_if = "is_zero_i64_ref")]
    pub observed_generation: i64,
    #[serde(default)]
    pub replicas: i32,
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub ready_replicas: i32,
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub current_replicas: i32,
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub updated_replicas: i32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub current_revision: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub update_revision: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collision_count: Option<i32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub available_replicas: i32,
}

fn is_zero_i32(v: &i32) -> bool {
    *v == 0
}
fn is_zero_i64_ref(v: &i64) -> bool {
    *v == 0
}

/// `apps/v1 ControllerRevision`: an immutable snapshot of a StatefulSet's pod template.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ControllerRevision {
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The strategic-merge patch `{"spec":{"template":{…,"$patch":"replace"}}}`.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub data: serde_json::Value,
    #[serde(default)]
    pub revision: i64,
}
