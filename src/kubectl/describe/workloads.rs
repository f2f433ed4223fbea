//! `kubectl describe` for the stored, unsimulated workload and policy kinds
//! (`describePodDisruptionBudgetV1`, `describeDeployment`, `describeReplicaSet`,
//! `describeDaemonSet`, `describeJob`, `describeCronJob` in `kubectl/pkg/describe/describe.go`).
//!
//! No controller runs for these kinds, so their status stays as stored (usually empty). The
//! API server's defaults for the fields describe reads (replicas, strategy, the pod template's
//! container defaults, …) are applied here when the stored object lacks them, so the text is
//! what kubectl shows right after the object is created on a real cluster.

use super::fields::*;
use super::pod::describe_pod_template;
use super::statefulset::pod_status_for_controller;
use super::*;
use crate::engine::admission::defaults::set_defaults_pod_spec;
use crate::engine::api::{GenericObject, Kind, PodTemplateSpec};
use crate::engine::sim::Cluster;
use crate::kubectl::duration::human_duration;
use crate::kubectl::printers::format_labels;
use serde_json::Value;

fn events(c: &Cluster, w: &mut PrefixWriter, g: &GenericObject) {
    let events = crate::engine::events::events_for(c, &g.metadata.namespace, &g.metadata.uid);
    describe_events(w, &events, c.now);
}

fn controlled_by(w: &mut PrefixWriter, g: &GenericObject) {
    if let Some(r) = g.metadata.controller_ref() {
        w.write(LEVEL_0, &format!("Controlled By:\t{}/{}\n", r.kind, r.name));
    }
}

/// The pod template at `ptr` with the API server's pod spec defaults.
fn template(v: &Value, ptr: &str) -> PodTemplateSpec {
    let mut t = pod_template_at(v, ptr);
    set_defaults_pod_spec(&mut t.spec);
    t
}

/// `describePodDisruptionBudgetV1`.
pub fn describe_pod_disruption_budget(c: &Cluster, g: &GenericObject) -> String {
    let v = rest(g);
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", g.metadata.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", g.metadata.namespace));
    if let Some(m) = int_or_string_at(&v, "/spec/minAvailable") {
        w.write(LEVEL_0, &format!("Min available:\t{m}\n"));
    } else if let Some(m) = int_or_string_at(&v, "/spec/maxUnavailable") {
        w.write(LEVEL_0, &format!("Max unavailable:\t{m}\n"));
    }
    match selector_at(&v, "/spec/selector") {
        Some(s) => w.write(LEVEL_0, &format!("Selector:\t{}\n", crate::kubectl::selector::format_label_selector(&s))),
        None => w.write(LEVEL_0, "Selector:\t<unset>\n"),
    }
    w.write(LEVEL_0, "Status:\n");
    w.write(LEVEL_2, &format!("Allowed disruptions:\t{}\n", int_at(&v, "/status/disruptionsAllowed")));
    w.write(LEVEL_2, &format!("Current:\t{}\n", int_at(&v, "/status/currentHealthy")));
    w.write(LEVEL_2, &format!("Desired:\t{}\n", int_at(&v, "/status/desiredHealthy")));
    w.write(LEVEL_2, &format!("Total:\t{}\n", int_at(&v, "/status/expectedPods")));
    events(c, &mut w, g);
    w.finish()
}

/// The ReplicaSets a Deployment controls, split into old ones and the one whose template matches
/// (`deploymentutil.GetAllReplicaSets`, comparing templates without `pod-template-hash`).
fn replica_sets_of(c: &Cluster, g: &GenericObject, t: &Value) -> (Vec<GenericObject>, Vec<GenericObject>) {
    let strip = |mut tv: Value| {
        if let Some(l) = tv.pointer_mut("/metadata/labels").and_then(Value::as_object_mut) {
            l.remove("pod-template-hash");
        }
        tv
    };
    let want = strip(t.clone());
    let (mut old, mut new) = (Vec::new(), Vec::new());
    for o in c.store.list(Kind::ReplicaSet, Some(&g.metadata.namespace)) {
        let crate::engine::api::Object::Generic(_, rs) = o.as_ref() else { continue };
        if rs.metadata.controller_ref().is_none_or(|r| r.uid != g.metadata.uid) {
            continue;
        }
        let rt = rest(rs).pointer("/spec/template").cloned().unwrap_or(Value::Null);
        if new.is_empty() && strip(rt) == want {
            new.push(rs.clone());
        } else {
            old.push(rs.clone());
        }
    }
    (old, new)
}

/// `printReplicaSetsByLabels`.
fn print_replica_sets(list: &[GenericObject]) -> String {
    let s: Vec<String> = list
        .iter()
        .map(|rs| {
            let v = rest(rs);
            format!(
                "{} ({}/{} replicas created)",
                rs.metadata.name,
                int_at(&v, "/status/replicas"),
                opt_int_at(&v, "/spec/replicas").unwrap_or(1)
            )
        })
        .collect();
    if s.is_empty() {
        "<none>".into()
    } else {
        s.join(", ")
    }
}

fn conditions_type_status_reason(w: &mut PrefixWriter, v: &Value) {
    let conditions = list_at(v, "/status/conditions");
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tReason\n");
        w.write(LEVEL_1, "----\t------\t------\n");
        for cond in conditions {
            w.write(
                LEVEL_1,
                &format!("{} \t{}\t{}\n", str_at(cond, "/type"), str_at(cond, "/status"), str_at(cond, "/reason")),
            );
        }
    }
}

/// `describeDeployment`.
pub fn describe_deployment(c: &Cluster, g: &GenericObject) -> String {
    let v = rest(g);
    let mut w = PrefixWriter::new();
    let sel = selector_at(&v, "/spec/selector");
    w.write(LEVEL_0, &format!("Name:\t{}\n", g.metadata.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", g.metadata.namespace));
    w.write(LEVEL_0, &format!("CreationTimestamp:\t{}\n", g.metadata.creation_timestamp.unwrap_or_default().rfc1123z()));
    print_labels_multiline(&mut w, "Labels", &g.metadata.labels);
    print_annotations_multiline(&mut w, "Annotations", &g.metadata.annotations);
    w.write(LEVEL_0, &format!("Selector:\t{}\n", selector_string(sel.as_ref())));
    w.write(
        LEVEL_0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
            opt_int_at(&v, "/spec/replicas").unwrap_or(1),
            int_at(&v, "/status/updatedReplicas"),
            int_at(&v, "/status/replicas"),
            int_at(&v, "/status/availableReplicas"),
            int_at(&v, "/status/unavailableReplicas")
        ),
    );
    // SetDefaults_Deployment: RollingUpdate with 25% / 25% unless Recreate.
    let strategy = opt_str_at(&v, "/spec/strategy/type").filter(|s| !s.is_empty()).unwrap_or("RollingUpdate");
    w.write(LEVEL_0, &format!("StrategyType:\t{strategy}\n"));
    w.write(LEVEL_0, &format!("MinReadySeconds:\t{}\n", int_at(&v, "/spec/minReadySeconds")));
    if strategy == "RollingUpdate" {
        let mu = int_or_string_at(&v, "/spec/strategy/rollingUpdate/maxUnavailable").unwrap_or_else(|| "25%".into());
        let ms = int_or_string_at(&v, "/spec/strategy/rollingUpdate/maxSurge").unwrap_or_else(|| "25%".into());
        w.write(LEVEL_0, &format!("RollingUpdateStrategy:\t{mu} max unavailable, {ms} max surge\n"));
    }
    describe_pod_template(&mut w, &template(&v, "/spec/template"));
    conditions_type_status_reason(&mut w, &v);
    let (old, new) = replica_sets_of(c, g, v.pointer("/spec/template").unwrap_or(&Value::Null));
    if !old.is_empty() || !new.is_empty() {
        w.write(LEVEL_0, &format!("OldReplicaSets:\t{}\n", print_replica_sets(&old)));
        w.write(LEVEL_0, &format!("NewReplicaSet:\t{}\n", print_replica_sets(&new)));
    }
    events(c, &mut w, g);
    w.finish()
}

/// `describeReplicaSet`.
pub fn describe_replica_set(c: &Cluster, g: &GenericObject) -> String {
    let v = rest(g);
    let sel = selector_at(&v, "/spec/selector").unwrap_or_default();
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", g.metadata.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", g.metadata.namespace));
    w.write(LEVEL_0, &format!("Selector:\t{}\n", crate::kubectl::selector::format_label_selector(&sel)));
    print_labels_multiline(&mut w, "Labels", &g.metadata.labels);
    print_annotations_multiline(&mut w, "Annotations", &g.metadata.annotations);
    controlled_by(&mut w, g);
    w.write(
        LEVEL_0,
        &format!("Replicas:\t{} current / {} desired\n", int_at(&v, "/status/replicas"), opt_int_at(&v, "/spec/replicas").unwrap_or(1)),
    );
    let (r, wt, su, f) = pod_status_for_controller(c, &g.metadata.namespace, &sel, &g.metadata.uid);
    w.write(LEVEL_0, "Pods Status:\t");
    w.write(LEVEL_0, &format!("{r} Running / {wt} Waiting / {su} Succeeded / {f} Failed\n"));
    describe_pod_template(&mut w, &template(&v, "/spec/template"));
    conditions_type_status_reason(&mut w, &v);
    events(c, &mut w, g);
    w.finish()
}

/// `describeDaemonSet`.
pub fn describe_daemon_set(c: &Cluster, g: &GenericObject) -> String {
    let v = rest(g);
    let sel = selector_at(&v, "/spec/selector").unwrap_or_default();
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", g.metadata.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", g.metadata.namespace));
    w.write(LEVEL_0, &format!("Selector:\t{}\n", selector_string(Some(&sel))));
    w.write(LEVEL_0, &format!("Node-Selector:\t{}\n", format_labels(&string_map_at(&v, "/spec/template/spec/nodeSelector"))));
    print_labels_multiline(&mut w, "Labels", &g.metadata.labels);
    print_annotations_multiline(&mut w, "Annotations", &g.metadata.annotations);
    w.write(LEVEL_0, &format!("Desired Number of Nodes Scheduled: {}\n", int_at(&v, "/status/desiredNumberScheduled")));
    w.write(LEVEL_0, &format!("Current Number of Nodes Scheduled: {}\n", int_at(&v, "/status/currentNumberScheduled")));
    w.write(LEVEL_0, &format!("Number of Nodes Scheduled with Up-to-date Pods: {}\n", int_at(&v, "/status/updatedNumberScheduled")));
    w.write(LEVEL_0, &format!("Number of Nodes Scheduled with Available Pods: {}\n", int_at(&v, "/status/numberAvailable")));
    w.write(LEVEL_0, &format!("Number of Nodes Misscheduled: {}\n", int_at(&v, "/status/numberMisscheduled")));
    let (r, wt, su, f) = pod_status_for_controller(c, &g.metadata.namespace, &sel, &g.metadata.uid);
    w.write(LEVEL_0, &format!("Pods Status:\t{r} Running / {wt} Waiting / {su} Succeeded / {f} Failed\n"));
    describe_pod_template(&mut w, &template(&v, "/spec/template"));
    events(c, &mut w, g);
    w.finish()
}

/// `describeJob`.
pub fn describe_job(c: &Cluster, g: &GenericObject) -> String {
    let v = rest(g);
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", g.metadata.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", g.metadata.namespace));
    // The Job strategy generates the selector (and the template labels it matches) unless
    // `manualSelector` is set.
    let job_generates_selector = opt_bool_at(&v, "/spec/manualSelector") != Some(true);
    let selector = if job_generates_selector {
        format!("batch.kubernetes.io/controller-uid={}", g.metadata.uid)
    } else {
        selector_string(selector_at(&v, "/spec/selector").as_ref())
    };
    w.write(LEVEL_0, &format!("Selector:\t{selector}\n"));
    print_labels_multiline(&mut w, "Labels", &g.metadata.labels);
    print_annotations_multiline(&mut w, "Annotations", &g.metadata.annotations);
    controlled_by(&mut w, g);
    // SetDefaults_Job: parallelism and completions 1, NonIndexed, not suspended, backoffLimit 6.
    w.write(LEVEL_0, &format!("Parallelism:\t{}\n", opt_int_at(&v, "/spec/parallelism").unwrap_or(1)));
    w.write(LEVEL_0, &format!("Completions:\t{}\n", opt_int_at(&v, "/spec/completions").unwrap_or(1)));
    let mode = opt_str_at(&v, "/spec/completionMode").unwrap_or("NonIndexed");
    w.write(LEVEL_0, &format!("Completion Mode:\t{mode}\n"));
    w.write(LEVEL_0, &format!("Suspend:\t{}\n", opt_bool_at(&v, "/spec/suspend").unwrap_or(false)));
    w.write(LEVEL_0, &format!("Backoff Limit:\t{}\n", opt_int_at(&v, "/spec/backoffLimit").unwrap_or(6)));
    if let Some(ttl) = opt_int_at(&v, "/spec/ttlSecondsAfterFinished") {
        w.write(LEVEL_0, &format!("TTL Seconds After Finished:\t{ttl}\n"));
    }
    let start = time_at(&v, "/status/startTime");
    let done = time_at(&v, "/status/completionTime");
    if let Some(s) = start {
        w.write(LEVEL_0, &format!("Start Time:\t{}\n", s.rfc1123z()));
    }
    if let Some(d) = done {
        w.write(LEVEL_0, &format!("Completed At:\t{}\n", d.rfc1123z()));
    }
    if let (Some(s), Some(d)) = (start, done) {
        w.write(LEVEL_0, &format!("Duration:\t{}\n", human_duration(d.0 as i64 - s.0 as i64)));
    }
    if let Some(a) = opt_int_at(&v, "/spec/activeDeadlineSeconds") {
        w.write(LEVEL_0, &format!("Active Deadline Seconds:\t{a}s\n"));
    }
    let (active, succeeded, failed) = (int_at(&v, "/status/active"), int_at(&v, "/status/succeeded"), int_at(&v, "/status/failed"));
    match opt_int_at(&v, "/status/ready") {
        None => w.write(LEVEL_0, &format!("Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n")),
        Some(r) => w.write(LEVEL_0, &format!("Pods Statuses:\t{active} Active ({r} Ready) / {succeeded} Succeeded / {failed} Failed\n")),
    }
    if mode == "Indexed" {
        w.write(LEVEL_0, &format!("Completed Indexes:\t{}\n", cap_indexes(str_at(&v, "/status/completedIndexes"), 50)));
    }
    let mut t = template(&v, "/spec/template");
    if job_generates_selector {
        for (k, val) in job_labels(g) {
            t.metadata.labels.get_or_insert_with(k, || val);
        }
    }
    describe_pod_template(&mut w, &t);
    events(c, &mut w, g);
    w.finish()
}

/// The labels the Job strategy's `generateSelector` puts on the pod template.
fn job_labels(g: &GenericObject) -> crate::engine::api::StringMap {
    let (uid, name) = (g.metadata.uid.clone(), g.metadata.name.clone());
    crate::engine::api::StringMap::from_iter([
        ("batch.kubernetes.io/controller-uid".to_string(), uid.clone()),
        ("batch.kubernetes.io/job-name".to_string(), name.clone()),
        ("controller-uid".to_string(), uid),
        ("job-name".to_string(), name),
    ])
}

/// `capIndexesListOrNone`.
fn cap_indexes(indexes: &str, soft_limit: usize) -> String {
    if indexes.is_empty() {
        return "<none>".into();
    }
    let b = indexes.as_bytes();
    let mut ix = soft_limit;
    while ix < b.len() && b[ix] != b',' {
        ix += 1;
    }
    if ix >= b.len() {
        indexes.to_string()
    } else {
        format!("{}...", &indexes[..=ix])
    }
}

/// `describeCronJob` with `describeJobTemplate` and `printActiveJobs`.
pub fn describe_cron_job(c: &Cluster, g: &GenericObject) -> String {
    let v = rest(g);
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", g.metadata.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", g.metadata.namespace));
    print_labels_multiline(&mut w, "Labels", &g.metadata.labels);
    print_annotations_multiline(&mut w, "Annotations", &g.metadata.annotations);
    w.write(LEVEL_0, &format!("Schedule:\t{}\n", str_at(&v, "/spec/schedule")));
    // SetDefaults_CronJob: Allow, not suspended, history limits 3 and 1.
    w.write(LEVEL_0, &format!("Concurrency Policy:\t{}\n", opt_str_at(&v, "/spec/concurrencyPolicy").unwrap_or("Allow")));
    w.write(LEVEL_0, &format!("Suspend:\t{}\n", print_bool_ptr(Some(opt_bool_at(&v, "/spec/suspend").unwrap_or(false)))));
    let unset = |o: Option<String>| o.unwrap_or_else(|| "<unset>".into());
    w.write(LEVEL_0, &format!("Time Zone:\t{}\n", unset(opt_str_at(&v, "/spec/timeZone").map(String::from))));
    let ok = opt_int_at(&v, "/spec/successfulJobsHistoryLimit").unwrap_or(3);
    w.write(LEVEL_0, &format!("Successful Job History Limit:\t{ok}\n"));
    let failed = opt_int_at(&v, "/spec/failedJobsHistoryLimit").unwrap_or(1);
    w.write(LEVEL_0, &format!("Failed Job History Limit:\t{failed}\n"));
    let deadline = opt_int_at(&v, "/spec/startingDeadlineSeconds").map(|s| format!("{s}s"));
    w.write(LEVEL_0, &format!("Starting Deadline Seconds:\t{}\n", unset(deadline)));
    // describeJobTemplate.
    let js = "/spec/jobTemplate/spec";
    match selector_at(&v, &format!("{js}/selector")) {
        Some(s) => w.write(LEVEL_0, &format!("Selector:\t{}\n", selector_string(Some(&s)))),
        None => w.write(LEVEL_0, "Selector:\t<unset>\n"),
    }
    // The job template's parallelism and completions are defaulted only when the Job is created.
    let p = opt_int_at(&v, &format!("{js}/parallelism")).map(|n| n.to_string());
    w.write(LEVEL_0, &format!("Parallelism:\t{}\n", unset(p)));
    let comp = opt_int_at(&v, &format!("{js}/completions")).map(|n| n.to_string());
    w.write(LEVEL_0, &format!("Completions:\t{}\n", unset(comp)));
    if let Some(a) = opt_int_at(&v, &format!("{js}/activeDeadlineSeconds")) {
        w.write(LEVEL_0, &format!("Active Deadline Seconds:\t{a}s\n"));
    }
    describe_pod_template(&mut w, &template(&v, &format!("{js}/template")));
    let last = time_at(&v, "/status/lastScheduleTime").map(|t| t.rfc1123z());
    w.write(LEVEL_0, &format!("Last Schedule Time:\t{}\n", unset(last)));
    w.write(LEVEL_0, "Active Jobs:\t");
    let active: Vec<&str> = list_at(&v, "/status/active").iter().map(|j| str_at(j, "/name")).collect();
    if active.is_empty() {
        w.write_line("<none>");
    } else {
        w.write(LEVEL_0, &active.join(", "));
        w.write_line("");
    }
    events(c, &mut w, g);
    w.finish()
}

#[cfg(test)]
#[path = "workloads_tests.rs"]
mod tests;
