//! Scheduling framework pieces (`pkg/scheduler/framework`): filter statuses, the `FitError`
//! message the `FailedScheduling` event carries, tolerations/taints
//! (`v1helper.FindMatchingUntoleratedTaint`) and pod resource requests (`NodeResourcesFit`).

use crate::engine::api::{Node, Pod, Taint};
use crate::engine::volumes::{parse_quantity, parse_quantity_str};
use serde_json::Value;
use crate::util::vecset::VecMap;

/// Why a plugin rejected a node, and whether preemption could help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// The reason as the plugin words it ("node(s) had untolerated taint(s)").
    pub reason: String,
    /// `UnschedulableAndUnresolvable` (true) or plain `Unschedulable` (false).
    pub unresolvable: bool,
}

impl Rejection {
    /// An `UnschedulableAndUnresolvable` status.
    pub fn unresolvable(reason: impl Into<String>) -> Rejection {
        Rejection { reason: reason.into(), unresolvable: true }
    }

    /// An `Unschedulable` status (preemption might help).
    pub fn unschedulable(reason: impl Into<String>) -> Rejection {
        Rejection { reason: reason.into(), unresolvable: false }
    }
}

/// What the DynamicResources plugin's PostFilter says for a pod without resource claims. The
/// plugin is on by default since DRA went GA (1.34) and runs before DefaultPreemption, so its
/// note precedes the preemption message whenever its PreFilter ran (i.e. when the pod failed in
/// Filter, not in an earlier PreFilter).
pub const DRA_POST_FILTER_MSG: &str = "no new claims to deallocate";

/// `FitError.Error()`: `0/N nodes are available: <prefilter or histogram>. <postfilter>.`
///
/// `prefilter` is the PreFilter plugin's message when scheduling stopped there; otherwise
/// `per_node` holds each node's rejection (the histogram is `count reason`, sorted as strings).
/// The post-filter part is the DRA note (when its PreFilter ran) and DefaultPreemption's verdict:
/// nodes rejected as unresolvable are "Preemption is not helpful for scheduling", the others
/// "No preemption victims found for incoming pod" (every pod has the same priority here).
pub fn fit_error(num_nodes: usize, prefilter: Option<&str>, per_node: &[Rejection]) -> String {
    let mut msg = format!("0/{num_nodes} nodes are available:");
    let mut preempt: VecMap<&str, usize> = VecMap::new();
    match prefilter {
        Some(p) => {
            msg.push_str(&format!(" {p}."));
            *preempt.get_or_insert_with("Preemption is not helpful for scheduling", usize::default) += num_nodes;
        }
        None => {
            let mut hist: VecMap<&str, usize> = VecMap::new();
            for r in per_node {
                *hist.get_or_insert_with(r.reason.as_str(), usize::default) += 1;
                let p = if r.unresolvable {
                    "Preemption is not helpful for scheduling"
                } else {
                    "No preemption victims found for incoming pod"
                };
                *preempt.get_or_insert_with(p, usize::default) += 1;
            }
            let mut parts: Vec<String> = hist.iter().map(|(r, n)| format!("{n} {r}")).collect();
            crate::util::sort::sort(&mut parts);
            if !parts.is_empty() {
                msg.push_str(&format!(" {}.", parts.join(", ")));
            }
        }
    }
    let mut pre: Vec<String> = preempt.iter().map(|(r, n)| format!("{n} {r}")).collect();
    crate::util::sort::sort(&mut pre);
    let preemption = format!("preemption: 0/{num_nodes} nodes are available: {}", pre.join(", "));
    if prefilter.is_none() {
        msg.push_str(&format!(" {DRA_POST_FILTER_MSG}, {preemption}."));
    } else {
        msg.push_str(&format!(" {preemption}."));
    }
    msg
}

/// A pod toleration (`core/v1 Toleration`), parsed from the stored JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Toleration {
    /// Taint key; empty with `Exists` tolerates everything.
    pub key: String,
    /// `Equal` (default) or `Exists`.
    pub operator: String,
    /// Value for `Equal`.
    pub value: String,
    /// Effect; empty matches every effect.
    pub effect: String,
    /// For NoExecute: how long the pod stays bound after the taint appears.
    pub toleration_seconds: Option<i64>,
}

impl Toleration {
    /// `Toleration.ToleratesTaint`.
    pub fn tolerates(&self, t: &Taint) -> bool {
        if !self.effect.is_empty() && self.effect != t.effect {
            return false;
        }
        if !self.key.is_empty() && self.key != t.key {
            return false;
        }
        match self.operator.as_str() {
            "Exists" => true,
            "" | "Equal" => self.value == t.value,
            _ => false,
        }
    }
}

/// Seconds a pod tolerates the not-ready / unreachable NoExecute taints when it says nothing
/// (the DefaultTolerationSeconds admission plugin's `--default-unreachable-toleration-seconds`).
pub const DEFAULT_TOLERATION_SECONDS: i64 = 300;
/// Taint the node lifecycle controller puts on a node whose kubelet stopped reporting.
pub const TAINT_UNREACHABLE: &str = "node.kubernetes.io/unreachable";
/// Taint for a node whose kubelet reports NotReady.
pub const TAINT_NOT_READY: &str = "node.kubernetes.io/not-ready";
/// Taint `kubectl cordon` implies (the NodeUnschedulable plugin checks `spec.unschedulable`).
pub const TAINT_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

/// The pod's tolerations, plus the DefaultTolerationSeconds admission defaults for the
/// not-ready/unreachable NoExecute taints when the pod has none for them.
pub fn tolerations(p: &Pod) -> Vec<Toleration> {
    let mut out: Vec<Toleration> = match p.spec.tolerations.as_deref() {
        Some(Value::Array(a)) => a
            .iter()
            .map(|t| {
                let s = |k: &str| t.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
                Toleration {
                    key: s("key"),
                    operator: s("operator"),
                    value: s("value"),
                    effect: s("effect"),
                    toleration_seconds: t.get("tolerationSeconds").and_then(|v| v.as_i64()),
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    for key in [TAINT_NOT_READY, TAINT_UNREACHABLE] {
        let probe = Taint { key: key.into(), effect: "NoExecute".into(), ..Default::default() };
        if !out.iter().any(|t| t.tolerates(&probe)) {
            out.push(Toleration {
                key: key.into(),
                operator: "Exists".into(),
                effect: "NoExecute".into(),
                toleration_seconds: Some(DEFAULT_TOLERATION_SECONDS),
                ..Default::default()
            });
        }
    }
    out
}

/// The first NoSchedule/NoExecute taint the pod does not tolerate (TaintToleration filter).
pub fn untolerated_taint<'a>(node: &'a Node, tols: &[Toleration]) -> Option<&'a Taint> {
    node.spec
        .taints
        .iter()
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
        .find(|t| !tols.iter().any(|tol| tol.tolerates(t)))
}

/// A pod's resource requests as NodeResourcesFit counts them: CPU in millicores, memory in
/// bytes. `max(sum(containers) + sum(sidecars), max(init containers))`; a container with only
/// limits requests its limits (API defaulting).
pub fn pod_requests(p: &Pod) -> (u64, u64) {
    fn one(res: Option<&Value>) -> (u64, u64) {
        let Some(r) = res else { return (0, 0) };
        let get = |name: &str| {
            r.get("requests")
                .and_then(|m| m.get(name))
                .or_else(|| r.get("limits").and_then(|m| m.get(name)))
                .and_then(parse_quantity)
                .unwrap_or(0.0)
        };
        ((get("cpu") * 1000.0).round() as u64, get("memory").round() as u64)
    }
    let mut cpu = 0;
    let mut mem = 0;
    for ctr in &p.spec.containers {
        let (c, m) = one(ctr.resources.as_deref());
        cpu += c;
        mem += m;
    }
    let (mut init_cpu, mut init_mem) = (0, 0);
    for ctr in &p.spec.init_containers {
        let (c, m) = one(ctr.resources.as_deref());
        if ctr.restart_policy == "Always" {
            cpu += c;
            mem += m;
        } else {
            init_cpu = init_cpu.max(c);
            init_mem = init_mem.max(m);
        }
    }
    (cpu.max(init_cpu), mem.max(init_mem))
}

/// A node's allocatable CPU (millicores), memory (bytes) and pod count.
pub fn allocatable(node: &Node) -> (u64, u64, u64) {
    let q = |k: &str| node.status.allocatable.get(k).and_then(|v| parse_quantity_str(v));
    (
        q("cpu").map(|v| (v * 1000.0).round() as u64).unwrap_or(u64::MAX),
        q("memory").map(|v| v.round() as u64).unwrap_or(u64::MAX),
        allocatable_pods(node),
    )
}

/// A node's allocatable pod count (what every scheduling cycle checks on every node, so the
/// CPU and memory quantities are only parsed when a pod requests them).
pub fn allocatable_pods(node: &Node) -> u64 {
    let Some(v) = node.status.allocatable.get("pods") else { return 110 };
    // A plain integer (as every node reports it) parses exactly without the quantity parser.
    if !v.is_empty() && v.len() <= 15 && v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse().unwrap_or(110);
    }
    parse_quantity_str(v).map(|v| v as u64).unwrap_or(110)
}

/// Whether node labels satisfy `nodeSelectorTerms` (any term; all expressions of a term).
pub fn node_selector_terms_match(terms: &Value, labels: &crate::engine::api::StringMap) -> bool {
    let Some(terms) = terms.as_array() else { return true };
    if terms.is_empty() {
        return false;
    }
    terms.iter().any(|term| {
        let exprs = term.get("matchExpressions").and_then(|e| e.as_array()).cloned().unwrap_or_default();
        exprs.iter().all(|e| {
            let key = e.get("key").and_then(|k| k.as_str()).unwrap_or("");
            let op = e.get("operator").and_then(|k| k.as_str()).unwrap_or("");
            let values: Vec<&str> =
                e.get("values").and_then(|v| v.as_array()).map(|v| v.iter().filter_map(|x| x.as_str()).collect()).unwrap_or_default();
            let have = labels.get(key).map(|s| s.as_str());
            match op {
                "In" => have.is_some_and(|h| values.contains(&h)),
                "NotIn" => have.is_none_or(|h| !values.contains(&h)),
                "Exists" => have.is_some(),
                "DoesNotExist" => have.is_none(),
                "Gt" | "Lt" => {
                    let (Some(h), Some(v)) = (have.and_then(|h| h.parse::<i64>().ok()), values.first().and_then(|v| v.parse::<i64>().ok())) else {
                        return false;
                    };
                    if op == "Gt" { h > v } else { h < v }
                }
                _ => false,
            }
        })
    })
}

/// NodeAffinity filter: `nodeSelector` labels and required node affinity.
pub fn node_affinity_matches(p: &Pod, labels: &crate::engine::api::StringMap) -> bool {
    NodeAffinity::of(p).matches(labels)
}

/// A pod's NodeAffinity filter, read once per scheduling cycle (its PreFilter) and then checked
/// against every node.
#[derive(Clone, Copy, Debug)]
pub struct NodeAffinity<'a> {
    /// `spec.nodeSelector`.
    selector: &'a crate::engine::api::StringMap,
    /// Required node affinity's `nodeSelectorTerms`, when the pod has them.
    terms: Option<&'a Value>,
}

impl<'a> NodeAffinity<'a> {
    /// The pod's node selector and required node affinity.
    pub fn of(p: &'a Pod) -> NodeAffinity<'a> {
        let terms = p.spec.affinity.as_ref().and_then(|a| a.pointer("/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms"));
        NodeAffinity { selector: &p.spec.node_selector, terms }
    }

    /// Whether every node passes (no selector, no required affinity): the common case, which
    /// then skips the per-node check.
    pub fn matches_any_labels(&self) -> bool {
        self.selector.is_empty() && self.terms.is_none()
    }

    /// Whether a node with these labels passes.
    pub fn matches(&self, labels: &crate::engine::api::StringMap) -> bool {
        if !self.selector.iter().all(|(k, v)| labels.get(k) == Some(v)) {
            return false;
        }
        self.terms.is_none_or(|terms| node_selector_terms_match(terms, labels))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_error_matches_upstream_shapes() {
        assert_eq!(
            fit_error(3, Some("pod has unbound immediate PersistentVolumeClaims"), &[]),
            "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
        );
        let r = vec![
            Rejection::unresolvable("node(s) had untolerated taint(s)"),
            Rejection::unschedulable("Too many pods"),
            Rejection::unschedulable("Too many pods"),
        ];
        assert_eq!(
            fit_error(3, None, &r),
            "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Too many pods. no new claims to deallocate, preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
        );
    }

    #[test]
    fn default_tolerations_cover_unreachable_for_300s() {
        let p = Pod::default();
        let t = tolerations(&p);
        let taint = Taint { key: TAINT_UNREACHABLE.into(), effect: "NoExecute".into(), ..Default::default() };
        assert!(t.iter().any(|x| x.tolerates(&taint) && x.toleration_seconds == Some(300)));
        let ns = Taint { key: TAINT_UNREACHABLE.into(), effect: "NoSchedule".into(), ..Default::default() };
        assert!(!t.iter().any(|x| x.tolerates(&ns)));
    }

    #[test]
    fn requests_use_limits_when_only_limits_are_set() {
        let mut p = Pod::default();
        p.spec.containers.push(crate::engine::api::Container {
            name: "a".into(),
            resources: Some(serde_json::json!({"limits": {"cpu": "500m", "memory": "1Gi"}}).into()),
            ..Default::default()
        });
        assert_eq!(pod_requests(&p), (500, 1 << 30));
    }
}
