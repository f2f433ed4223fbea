//! `kubectl describe` output (`kubectl/pkg/describe/describe.go`): the PrefixWriter over a
//! tabwriter (padding 2), multi-line labels/annotations, events, and the shared pod-template,
//! container and volume sections.

pub mod config;
pub mod container;
pub mod endpoints;
pub mod fields;
pub mod generic;
pub mod namespace;
pub mod pod;
pub mod statefulset;
pub mod storage;
pub mod workloads;
pub mod service;

use crate::engine::api::{Event, Time};
use crate::kubectl::duration::translate_timestamp_since;
use crate::kubectl::printers::tabwriter::{new_describe_writer, TabWriter};
use std::collections::BTreeMap;

/// `PrefixWriter`: each level indents two spaces; text goes through the describe tabwriter.
pub struct PrefixWriter {
    w: TabWriter,
    out: String,
    raw: bool,
}

/// Indent levels (`LEVEL_0` … `LEVEL_4`).
pub const LEVEL_0: usize = 0;
/// Second level.
pub const LEVEL_1: usize = 1;
/// Third level.
pub const LEVEL_2: usize = 2;
/// Fourth level.
pub const LEVEL_3: usize = 3;

impl PrefixWriter {
    /// A writer with describe's tabwriter settings.
    pub fn new() -> PrefixWriter {
        PrefixWriter { w: new_describe_writer(), out: String::new(), raw: false }
    }

    /// A writer without alignment (`NewPrefixWriter(buf)` on a plain buffer): tabs stay.
    pub fn raw() -> PrefixWriter {
        PrefixWriter { w: new_describe_writer(), out: String::new(), raw: true }
    }

    /// `Write(level, …)`.
    pub fn write(&mut self, level: usize, s: &str) {
        self.w.write(&"  ".repeat(level));
        self.w.write(s);
    }

    /// `WriteLine(…)`.
    pub fn write_line(&mut self, s: &str) {
        self.w.write(s);
        self.w.write("\n");
    }

    /// `Flush()`: aligns what was written so far on its own.
    pub fn flush(&mut self) {
        if self.raw {
            let s = self.w.take_raw();
            self.out.push_str(&s);
            return;
        }
        let s = self.w.flush();
        self.out.push_str(&s);
    }

    /// Everything written, aligned.
    pub fn finish(mut self) -> String {
        self.flush();
        self.out
    }
}

impl Default for PrefixWriter {
    fn default() -> Self {
        Self::new()
    }
}

/// `printLabelsMultilineWithIndent`: `key=value` lines, sorted, `<none>` when empty.
pub fn print_labels_multiline_with_indent(
    w: &mut PrefixWriter,
    initial_indent: &str,
    title: &str,
    inner_indent: &str,
    labels: &crate::engine::api::StringMap,
) {
    w.write(LEVEL_0, &format!("{initial_indent}{title}:{inner_indent}"));
    if labels.is_empty() {
        w.write_line("<none>");
        return;
    }
    for (i, (k, v)) in labels.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, initial_indent);
            w.write(LEVEL_0, inner_indent);
        }
        w.write(LEVEL_0, &format!("{k}={v}\n"));
    }
}

/// `printLabelsMultiline`.
pub fn print_labels_multiline(w: &mut PrefixWriter, title: &str, labels: &crate::engine::api::StringMap) {
    print_labels_multiline_with_indent(w, "", title, "\t", labels);
}

/// `maxAnnotationLen`: longest annotation or attribute line describe prints whole.
pub const MAX_ANNOTATION_LEN: usize = 140;
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

fn shorten(s: &str, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &s[..end])
    } else {
        s.to_string()
    }
}

/// `printAnnotationsMultiline`: `key: value`, long or multi-line values on their own lines,
/// the last-applied-configuration annotation skipped.
pub fn print_annotations_multiline(w: &mut PrefixWriter, title: &str, annotations: &crate::engine::api::StringMap) {
    w.write(LEVEL_0, &format!("{title}:\t"));
    let keys: Vec<&String> = annotations.keys().filter(|k| *k != LAST_APPLIED).collect();
    if keys.is_empty() {
        w.write_line("<none>");
        return;
    }
    let indent = "\t";
    for (i, k) in keys.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, indent);
        }
        let value = annotations[*k].strip_suffix('\n').unwrap_or(&annotations[*k]);
        if value.len() + k.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.write(LEVEL_0, &format!("{k}:\n"));
            for s in value.split('\n') {
                w.write(LEVEL_0, &format!("{indent}  {}\n", shorten(s, MAX_ANNOTATION_LEN - 2)));
            }
        } else {
            w.write(LEVEL_0, &format!("{k}: {value}\n"));
        }
    }
}

/// `DescribeEvents`: `Events:  <none>`, or a table sorted by last timestamp with aggregated
/// ages like `5s (x3 over 15s)`. `events` come in the API server's list order (by name).
pub fn describe_events(w: &mut PrefixWriter, events: &[&Event], now: Time) {
    if events.is_empty() {
        w.write(LEVEL_0, "Events:\t<none>\n");
        return;
    }
    w.flush();
    // `sort.Sort(event.SortableEvents(...))` (kubectl/pkg/util/event/sorted_event_list.go): by
    // `lastTimestamp` alone, which the API serves in whole seconds, with Go's unstable sort over
    // the list in the API server's (name) order, so ties come out as kubectl leaves them.
    let keys: Vec<i64> = events.iter().map(|e| e.last_timestamp.map_or(i64::MIN, |t| t.secs() as i64)).collect();
    let sorted: Vec<&Event> = crate::util::gosort::sort_indices_by_key(&keys).into_iter().map(|i| events[i]).collect();
    w.write(LEVEL_0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.write(LEVEL_1, "----\t------\t----\t----\t-------\n");
    for e in sorted {
        let first = translate_timestamp_since(e.first_timestamp, now);
        let interval = if e.count > 1 {
            format!("{} (x{} over {first})", translate_timestamp_since(e.last_timestamp, now), e.count)
        } else {
            first
        };
        let source = if e.source.component.is_empty() { e.reporting_component.clone() } else { e.source.component.clone() };
        // Since v1.35 (kubernetes#133627) the message is prefixed with the involved object's
        // `fieldPath` when it has one: `spec.containers{nginx}: Container started`.
        let path = &e.involved_object.field_path;
        let sep = if path.is_empty() { "" } else { ": " };
        w.write(LEVEL_1, &format!("{}\t{}\t{interval}\t{source}\t{path}{sep}{}\n", e.type_, e.reason, e.message.trim()));
    }
}

/// Go's `%v` of a `[]string`: `[a b]`.
pub fn go_slice(v: &[String]) -> String {
    format!("[{}]", v.join(" "))
}

/// Describes one object; `None` when describe has no describer for the kind.
pub fn describe(c: &crate::engine::sim::Cluster, obj: &crate::engine::api::Object) -> Option<String> {
    use crate::engine::api::Object;
    Some(match obj {
        Object::StatefulSet(s) => statefulset::describe_stateful_set(c, s),
        Object::Pod(p) => pod::describe_pod(c, p),
        Object::PersistentVolumeClaim(p) => storage::describe_persistent_volume_claim(c, p),
        Object::PersistentVolume(p) => storage::describe_persistent_volume(c, p),
        Object::StorageClass(sc) => storage::describe_storage_class(c, sc),
        Object::Service(s) => service::describe_service(c, s),
        Object::Node(n) => service::describe_node(c, n),
        Object::Endpoints(e) => endpoints::describe_endpoints(c, &e.metadata, &obj.to_value()),
        // No describer upstream for these kinds: describe.go's genericDescriber.
        Object::ControllerRevision(_) | Object::Event(_) => generic::describe_generic(c, obj),
        Object::Generic(kind, g) => {
            use crate::engine::api::Kind;
            match kind {
                Kind::ConfigMap => config::describe_config_map(c, g),
                Kind::Secret => config::describe_secret(g),
                Kind::ServiceAccount => config::describe_service_account(c, g),
                Kind::EndpointSlice => endpoints::describe_endpoint_slice(c, g),
                Kind::Namespace => namespace::describe_namespace(c, g),
                Kind::ResourceQuota => namespace::describe_quota(g),
                Kind::LimitRange => namespace::describe_limit_range(g),
                Kind::PodDisruptionBudget => workloads::describe_pod_disruption_budget(c, g),
                Kind::Deployment => workloads::describe_deployment(c, g),
                Kind::ReplicaSet => workloads::describe_replica_set(c, g),
                Kind::DaemonSet => workloads::describe_daemon_set(c, g),
                Kind::Job => workloads::describe_job(c, g),
                Kind::CronJob => workloads::describe_cron_job(c, g),
                // Kinds with a describer upstream that the playground does not have yet.
                _ => return None,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::*;

    #[test]
    fn events_table_and_none() {
        let t = Time::from_utc(2025, 1, 6, 9, 0, 0);
        let mut w = PrefixWriter::new();
        w.write(LEVEL_0, "Name:\tweb\n");
        describe_events(&mut w, &[], t);
        assert_eq!(w.finish(), "Name:    web\nEvents:  <none>\n");
        let e = Event {
            reason: "SuccessfulCreate".into(),
            message: "create Pod web-0 in StatefulSet web successful".into(),
            source: EventSource { component: "statefulset-controller".into(), host: String::new() },
            first_timestamp: Some(t),
            last_timestamp: Some(t.plus_secs(10)),
            count: 3,
            type_: "Normal".into(),
            ..Default::default()
        };
        let mut w = PrefixWriter::new();
        describe_events(&mut w, &[&e], t.plus_secs(15));
        // DescribeEvents.
        assert_eq!(
            w.finish(),
            "Events:\n  Type    Reason            Age               From                    Message\n  ----    ------            ----              ----                    -------\n  Normal  SuccessfulCreate  5s (x3 over 15s)  statefulset-controller  create Pod web-0 in StatefulSet web successful\n"
        );
    }

    #[test]
    fn container_events_name_their_field_path() {
        // kubernetes#133627 (v1.35): `spec.containers{nginx}: ` before a container event's message.
        let t = Time::from_utc(2025, 1, 6, 9, 0, 0);
        let mut e = Event {
            reason: "Started".into(),
            message: "Container started".into(),
            source: EventSource { component: "kubelet".into(), host: String::new() },
            first_timestamp: Some(t),
            last_timestamp: Some(t),
            count: 1,
            type_: "Normal".into(),
            ..Default::default()
        };
        e.involved_object.field_path = "spec.containers{nginx}".into();
        let mut w = PrefixWriter::new();
        describe_events(&mut w, &[&e], t.plus_secs(5));
        assert!(w.finish().ends_with("  Normal  Started  5s    kubelet  spec.containers{nginx}: Container started\n"));
    }

    #[test]
    fn events_in_the_same_second_keep_the_list_order() {
        // The API serves lastTimestamp in whole seconds, so an aggregated event last seen at
        // 10.9 s ties with one first seen at 10.1 s: kubectl keeps them in list (name) order.
        let t = Time::from_utc(2025, 1, 6, 9, 0, 0);
        let ev = |name: &str, reason: &str, first: Time, last: Time, count| Event {
            metadata: ObjectMeta { name: name.into(), ..Default::default() },
            reason: reason.into(),
            source: EventSource { component: "kubelet".into(), host: String::new() },
            first_timestamp: Some(first),
            last_timestamp: Some(last),
            count,
            type_: "Normal".into(),
            ..Default::default()
        };
        let a = ev("web-0.1", "Pulled", t, t.plus_ms(10_900), 2);
        let b = ev("web-0.2", "Started", t.plus_ms(10_100), t.plus_ms(10_100), 1);
        let c = ev("web-0.3", "Created", t.plus_secs(9), t.plus_secs(9), 1);
        let mut w = PrefixWriter::new();
        describe_events(&mut w, &[&a, &b, &c], t.plus_secs(20));
        let out = w.finish();
        let pos = |r: &str| out.find(r).unwrap_or(usize::MAX);
        assert!(pos("Created") < pos("Pulled") && pos("Pulled") < pos("Started"), "{out}");
    }
}
