//! Event recording (`k8s.io/client-go/tools/record`): components emit core/v1 Events about
//! objects; identical events are aggregated into one with a growing `count`, as the
//! EventCorrelator does.

use super::api::{Event, EventSource, Kind, Object, ObjectMeta, ObjectReference, Shared};
use super::sim::Cluster;
use super::store::ObjectKey;
use crate::util::hash::FastMap;

/// Aggregation index: identical events → the stored Event's key.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    /// Shared with checkpoints: a repeated event only reads it (and bumps the stored count).
    /// A hash map: it holds every distinct event (several per pod) and is only ever looked up,
    /// never iterated, so its order cannot leak; the fixed-key hasher keeps runs identical.
    index: Shared<FastMap<String, ObjectKey>>,
    seq: u64,
}

/// Records an event: a new Event object, or `count + 1` on an identical earlier one.
/// `host` is the source host (a node name for kubelet events). The message is taken owned:
/// callers format it, and a new Event keeps it as it is rather than a copy.
pub fn record(
    c: &mut Cluster,
    involved: ObjectReference,
    type_: &str,
    reason: &str,
    message: String,
    component: &str,
    host: &str,
) {
    let now = c.now;
    let agg = aggregation_key(&involved, component, host, type_, reason, &message);
    if let Some(key) = c.events.index.get(&agg).cloned() {
        if let Some(Object::Event(existing)) = c.store.get_key(&key).map(|o| (**o).clone()) {
            let mut e = existing;
            e.count += 1;
            e.last_timestamp = Some(now);
            c.store.update(Object::Event(e), now);
            return;
        }
    }
    c.events.seq += 1;
    // client-go names events `<object>.<unix nanos in hex>`; the sequence keeps two events at
    // the same virtual millisecond apart.
    let nanos = now.0 * 1_000_000 + c.events.seq % 1_000_000;
    let namespace = if involved.namespace.is_empty() { "default".to_string() } else { involved.namespace.clone() };
    let name = event_name(&involved.name, nanos);
    let event = Event {
        metadata: ObjectMeta { name, namespace, ..Default::default() },
        involved_object: involved,
        reason: reason.into(),
        message,
        source: EventSource { component: component.into(), host: host.into() },
        first_timestamp: Some(now),
        last_timestamp: Some(now),
        count: 1,
        type_: type_.into(),
        reporting_component: component.into(),
        reporting_instance: host.into(),
    };
    let stored = c.store.create(Object::Event(event), now);
    // The key the store just made (its strings shared, not built again).
    let m = stored.meta();
    if let Some(key) = c.store.stored_key(Kind::Event, &m.namespace, &m.name) {
        c.events.index.insert(agg, key);
    }
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

/// The EventCorrelator's identity of an event: every field that must match for two events to
/// be aggregated, NUL-separated. Built by appending (every recorded event needs one). The
/// involved object's uid and name come first: keys then differ within a few bytes, where the
/// component, host and kind are shared by thousands of them and made every comparison long.
fn aggregation_key(involved: &ObjectReference, component: &str, host: &str, type_: &str, reason: &str, message: &str) -> String {
    let parts = [
        &involved.uid,
        &involved.name,
        reason,
        component,
        host,
        &involved.kind,
        &involved.namespace,
        &involved.field_path,
        type_,
        message,
    ];
    let mut key = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            key.push('\0');
        }
        key.push_str(p);
    }
    key
}

/// Events about one object (by uid), oldest first by firstTimestamp — what `describe` lists.
pub fn events_for<'a>(c: &'a Cluster, namespace: &'a str, uid: &'a str) -> Vec<&'a Event> {
    let mut v: Vec<&Event> = c
        .store
        .list(Kind::Event, Some(namespace))
        .filter_map(|o| o.as_event())
        .filter(|e| e.involved_object.uid == uid)
        .collect();
    crate::util::sort::sort_by_key(&mut v, |e| (e.first_timestamp, e.metadata.name.clone()));
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
