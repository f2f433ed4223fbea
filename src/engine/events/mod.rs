//! Event recording (`k8s.io/client-go/tools/record`): components emit core/v1 Events about
//! objects, through the EventCorrelator ([`correlator`]) that aggregates similar events, counts
//! repeated ones and drops a source's flood about one object, as every EventRecorder does.
//!
//! The scheduler records through the newer `events.k8s.io` library instead
//! (`k8s.io/client-go/tools/events`), which has no aggregator or spam filter, so its events
//! bypass the correlator. Simplified here: upstream folds a repeated event into an EventSeries
//! that it writes at the second sighting, then every 30 minutes and when the series ends (its
//! count on the server lags); here every repeat is written at once as `count + 1`, and the
//! Event has the core/v1 shape (source and first/last timestamps, not `eventTime`/`series`).

pub mod correlator;

use super::api::{Event, EventSource, Kind, Object, ObjectMeta, ObjectReference};
use super::sim::Cluster;
use correlator::{Correlated, Correlator, EventFields, Observation, COMBINED_PREFIX};

/// The component whose events go through `events.k8s.io` (see the module note).
const EVENTS_API_COMPONENT: &str = crate::engine::scheduler::COMPONENT;

/// Every recorder's correlator state, and the sequence that keeps event names apart.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    /// The legacy recorders' correlators. Upstream each process has its own; every key starts
    /// with the source component and host, so one map holds them all without mixing them.
    correlator: Correlator,
    /// The events.k8s.io recorder's series: identical events only count up.
    series: Correlator,
    seq: u64,
}

/// Records an event: a new Event object, a `count + 1` patch of an earlier one, or nothing when
/// the spam filter drops it. `host` is the source host (a node name for kubelet events). The
/// message is taken owned: callers format it, and a new Event keeps it as it is.
pub fn record(
    c: &mut Cluster,
    involved: ObjectReference,
    type_: &str,
    reason: &str,
    message: String,
    component: &str,
    host: &str,
) {
    let fields = EventFields {
        component,
        host,
        kind: &involved.kind,
        namespace: &involved.namespace,
        name: &involved.name,
        uid: &involved.uid,
        api_version: &involved.api_version,
        field_path: &involved.field_path,
        type_,
        reason,
    };
    if let Some(correlated) = correlate(c, &fields, &message) {
        let namespace = event_namespace(&involved.namespace).to_string();
        write(c, correlated, &namespace, || involved, type_, reason, message, component, host);
    }
}

/// [`record`] about an object the caller holds: the involved-object reference is built only if
/// the event gets through (a flood of events about one object is mostly dropped).
pub fn record_about(c: &mut Cluster, involved: &Object, type_: &str, reason: &str, message: String, component: &str) {
    let m = involved.meta();
    let kind = involved.kind();
    let fields = EventFields {
        component,
        host: "",
        kind: kind.info().kind_name,
        namespace: &m.namespace,
        name: &m.name,
        uid: &m.uid,
        api_version: kind.api_version(),
        field_path: "",
        type_,
        reason,
    };
    let Some(correlated) = correlate(c, &fields, &message) else { return };
    let reference = || ObjectReference {
        kind: kind.info().kind_name.to_string(),
        namespace: m.namespace.clone(),
        name: m.name.clone(),
        uid: m.uid.clone(),
        api_version: kind.api_version().to_string(),
        resource_version: m.resource_version.clone(),
        field_path: String::new(),
    };
    write(c, correlated, event_namespace(&m.namespace), reference, type_, reason, message, component, "");
}

/// The recorder's correlator (or the events.k8s.io series) for one event.
fn correlate(c: &mut Cluster, fields: &EventFields<'_>, message: &str) -> Option<Correlated> {
    let now = c.now;
    let Recorder { correlator, series, seq } = &mut c.events;
    let new_name = || {
        *seq += 1;
        // client-go names events `<object>.<unix nanos in hex>`; the sequence keeps two events
        // at the same virtual millisecond apart.
        event_name(fields.name, now.0 * 1_000_000 + *seq % 1_000_000)
    };
    if fields.component == EVENTS_API_COMPONENT {
        Some(series.observe(fields, message, now, new_name))
    } else {
        correlator.correlate(fields, message, now, new_name)
    }
}

/// The namespace an Event about an object lives in: the object's, or `default` for a
/// cluster-scoped one (client-go's `makeEvent`).
fn event_namespace(object_namespace: &str) -> &str {
    if object_namespace.is_empty() {
        "default"
    } else {
        object_namespace
    }
}

/// Sends a correlated event to the API server: the recorder's patch (count, lastTimestamp,
/// message) of the Event it names, or a new Event — also when the one to patch is gone or was
/// never created (its first sighting dropped), as upstream's `recordEvent` does on NotFound.
#[allow(clippy::too_many_arguments)] // the Event's fields, as upstream's makeEvent takes them
fn write(
    c: &mut Cluster,
    correlated: Correlated,
    namespace: &str,
    involved: impl FnOnce() -> ObjectReference,
    type_: &str,
    reason: &str,
    message: String,
    component: &str,
    host: &str,
) {
    let now = c.now;
    let Correlated { combined, observation: Observation { count, first_timestamp, name } } = correlated;
    let message = if combined { format!("{COMBINED_PREFIX}{message}") } else { message };
    if count > 1 {
        if let Some(Object::Event(existing)) = c.store.get(Kind::Event, namespace, &name).map(|o| (**o).clone()) {
            let mut e = existing;
            e.count = count;
            e.last_timestamp = Some(now);
            e.message = message;
            c.store.update(Object::Event(e), now);
            return;
        }
    }
    // A new Event: only now is the involved-object reference needed.
    let involved = involved();
    // Upstream's combined event is a fresh copy that leaves the reporting fields empty.
    let (reporting_component, reporting_instance) = if combined { (String::new(), String::new()) } else { (component.into(), host.into()) };
    let event = Event {
        metadata: ObjectMeta { name, namespace: namespace.to_string(), ..Default::default() },
        involved_object: involved,
        reason: reason.into(),
        message,
        source: EventSource { component: component.into(), host: host.into() },
        first_timestamp: Some(first_timestamp),
        last_timestamp: Some(now),
        count,
        type_: type_.into(),
        event_time: None,
        reporting_component,
        reporting_instance,
    };
    c.store.create(Object::Event(event), now);
}

/// `<object>.<nanos in hex>` (`{object}.{nanos:x}`), appended rather than formatted: every
/// recorded event is named.
fn event_name(object: &str, nanos: u64) -> String {
    let mut name = String::with_capacity(object.len() + 17);
    name.push_str(object);
    name.push('.');
    let digits = (u64::BITS - nanos.leading_zeros()).div_ceil(4).max(1);
    super::store::push_hex(&mut name, nanos, digits);
    name
}

/// Events about one object (by uid), in the API's list order (by name). `describe` then sorts
/// them by when each was last seen, as kubectl's `SortableEvents` does.
pub fn events_for<'a>(c: &'a Cluster, namespace: &'a str, uid: &'a str) -> Vec<&'a Event> {
    let mut v: Vec<&Event> = c
        .store
        .list(Kind::Event, Some(namespace))
        .filter_map(|o| o.as_event())
        .filter(|e| e.involved_object.uid == uid)
        .collect();
    crate::util::sort::sort_by_key(&mut v, |e| e.metadata.name.clone());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names_are_object_dot_hex_nanos() {
        for n in [0, 1, 15, 16, 0xabc, 1_700_000_000_000_000_123, u64::MAX] {
            assert_eq!(event_name("web-0", n), format!("web-0.{n:x}"));
        }
    }
}
