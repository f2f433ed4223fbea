//! Cluster settings: seed, start time, nodes, feature gates and the timings the simulated
//! components use. Every number here is a documented modelling choice, not a measurement of any
//! one cluster.

use super::api::Time;

/// Feature gates the StatefulSet behaviour depends on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeatureGates {
    /// `MaxUnavailableStatefulSet`: honour `rollingUpdate.maxUnavailable`. Off by default: beta and
    /// on in 1.35 but being turned back off after a regression (spec §1.1), so the strict
    /// one-at-a-time behaviour is the one learners should expect.
    pub max_unavailable_stateful_set: bool,
}

/// How long things take, in milliseconds of virtual time. Chosen to look like a small local
/// cluster (kind/minikube) with images already cached after the first pull.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timings {
    /// Informer latency: how long after a change a controller's sync runs.
    pub controller_latency_ms: u64,
    /// Scheduler: from an unscheduled pod to its binding.
    pub schedule_ms: u64,
    /// Dynamic provisioning of a volume (ExternalProvisioning → ProvisioningSucceeded).
    pub provision_ms: u64,
    /// First pull of an image on a node (jittered ±25%).
    pub image_pull_ms: u64,
    /// Creating and starting a container after its image is present.
    pub container_start_ms: u64,
    /// Garbage collector reaction time.
    pub gc_latency_ms: u64,
    /// How long a node's kubelet may stay silent before the node lifecycle controller marks it
    /// Unknown (`--node-monitor-grace-period`: 50 s since Kubernetes 1.32, 40 s before).
    pub node_monitor_grace_ms: u64,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            controller_latency_ms: 10,
            schedule_ms: 50,
            provision_ms: 1500,
            image_pull_ms: 3000,
            container_start_ms: 700,
            gc_latency_ms: 100,
            node_monitor_grace_ms: 50_000,
        }
    }
}

/// Settings a cluster is created with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterConfig {
    /// Seed for every random choice (uids, IPs, PV names, jitter).
    pub seed: u64,
    /// Virtual time at which the cluster was created (nodes, system objects).
    pub created_at: Time,
    /// Virtual time at which the learner's session starts (a little after creation, so system
    /// objects have an age).
    pub session_start: Time,
    /// Worker node names.
    pub nodes: Vec<String>,
    /// Cluster DNS domain.
    pub cluster_domain: String,
    /// Feature gates.
    pub feature_gates: FeatureGates,
    /// Timings.
    pub timings: Timings,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        let created_at = Time::from_utc(2025, 1, 6, 9, 0, 0);
        ClusterConfig {
            seed: 1,
            created_at,
            session_start: created_at.plus_secs(10 * 60),
            nodes: vec!["node-1".into(), "node-2".into(), "node-3".into()],
            cluster_domain: "cluster.local".into(),
            feature_gates: FeatureGates::default(),
            timings: Timings::default(),
        }
    }
}
