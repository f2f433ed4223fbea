//! client-go's EventCorrelator (`k8s.io/client-go/tools/record/events_cache.go`): what an
//! EventRecorder does to each event before it reaches the API server.
//!
//! Three stages, in upstream's order (`EventCorrelator.EventCorrelate`):
//! 1. **EventAggregator** — events that differ only in their message are "similar"; from the
//!    10th distinct message within 10 minutes, an event is replaced by one combined event,
//!    `(combined from similar events): <message>`, that later similar events count into.
//! 2. **eventLogger** — an event seen before (same key, message included) becomes a patch of the
//!    earlier Event: `count + 1`, a new `lastTimestamp`.
//! 3. **EventSourceObjectSpamFilter** — a token bucket per source and object: 25 events at once,
//!    then one every 5 minutes; the rest are dropped without a trace. The eventLogger has already
//!    counted a dropped event, so the next one that gets through carries the full count.
//!
//! Upstream's caches are LRUs of 4,096 entries; a playground cluster stays far below that, so
//! these are plain maps. Where upstream picks an arbitrary set member (`PopAny`), this takes the
//! oldest, so runs stay identical.

use crate::engine::api::{Shared, Time};
use crate::util::hash::FastMap;

/// `defaultAggregateMaxEvents`: distinct messages of similar events before they aggregate.
pub const AGGREGATE_MAX_EVENTS: usize = 10;
/// `defaultAggregateIntervalInSeconds`, in ms: a similar event older than this starts afresh.
pub const AGGREGATE_INTERVAL_MS: u64 = 600_000;
/// `defaultSpamBurst`: events a source may send about one object at once.
pub const SPAM_BURST: u64 = 25;
/// `defaultSpamQPS` is 1/300: one token every 300 s, i.e. one token is this many ms of refill.
pub const SPAM_REFILL_MS: u64 = 300_000;
/// `EventAggregatorByReasonMessageFunc`'s prefix.
pub const COMBINED_PREFIX: &str = "(combined from similar events): ";

/// The aggregator's record of one group of similar events (`aggregateRecord`).
#[derive(Clone, Debug, Default)]
struct AggregateRecord {
    /// The distinct messages seen (`localKeys`), oldest first, by 64-bit FNV-1a hash: only
    /// their number and membership matter, and a flood of distinct messages then stores none.
    local_keys: Vec<u64>,
    /// When the group last saw an event.
    last: Option<Time>,
}

/// The eventLogger's observation of one event (`eventLog`).
#[derive(Clone, Debug)]
pub struct Observation {
    /// Times seen, this one included.
    pub count: i32,
    /// When it was first seen.
    pub first_timestamp: Time,
    /// The Event's name (`<object>.<nanos in hex>`), given at the first sighting.
    pub name: String,
}

/// One source-and-object token bucket (`golang.org/x/time/rate`, as `flowcontrol` sets it up):
/// starts full; a refused event leaves it untouched.
#[derive(Clone, Copy, Debug)]
struct TokenBucket {
    /// Tokens, in ms of refill (one token is [`SPAM_REFILL_MS`]): exact in integers.
    level: u64,
    /// When `level` was last computed.
    last: Time,
}

/// An event the correlator let through: what to write to the API server.
#[derive(Debug)]
pub struct Correlated {
    /// Whether this is a combined event: its message is [`COMBINED_PREFIX`] and the event's own,
    /// and it has no reporting component or instance.
    pub combined: bool,
    /// The eventLogger's observation after this sighting; `count > 1` means a patch.
    pub observation: Observation,
}

/// The identifying fields of an event, as the correlator's key functions read them.
#[derive(Debug)]
pub struct EventFields<'a> {
    /// `source.component`.
    pub component: &'a str,
    /// `source.host`.
    pub host: &'a str,
    /// `involvedObject.kind`.
    pub kind: &'a str,
    /// `involvedObject.namespace`.
    pub namespace: &'a str,
    /// `involvedObject.name`.
    pub name: &'a str,
    /// `involvedObject.uid`.
    pub uid: &'a str,
    /// `involvedObject.apiVersion`.
    pub api_version: &'a str,
    /// `involvedObject.fieldPath`.
    pub field_path: &'a str,
    /// `type`.
    pub type_: &'a str,
    /// `reason`.
    pub reason: &'a str,
}

/// One recorder's correlator state. Each map is shared with the timeline's checkpoints until
/// written (most steps record no event).
#[derive(Clone, Debug, Default)]
pub struct Correlator {
    /// EventAggregator: aggregate key → record.
    aggregator: Shared<FastMap<String, AggregateRecord>>,
    /// eventLogger: event key (or aggregate key) → observation.
    logger: Shared<FastMap<String, Observation>>,
    /// EventSourceObjectSpamFilter: spam key → bucket.
    spam: Shared<FastMap<String, TokenBucket>>,
    /// Where keys are built for lookups (the aggregator's or logger's, and the spam filter's): a
    /// key is allocated only when first stored, so a flood of events about one object allocates
    /// nothing here.
    scratch: String,
    spam_scratch: String,
}

impl Correlator {
    /// `EventCorrelate`: aggregates, observes and filters one event seen at `now`; `None` if the
    /// spam filter drops it. `new_name` names the Event if this is its first sighting.
    pub fn correlate(&mut self, e: &EventFields<'_>, message: &str, now: Time, new_name: impl FnOnce() -> String) -> Option<Correlated> {
        // EventAggregator.EventAggregate.
        join_into(&mut self.scratch, &[e.uid, e.name, e.reason, e.component, e.host, e.kind, e.namespace, e.api_version, e.type_]);
        let local_key = crate::util::hash::hash_str(message);
        let combined = with_entry(&mut self.aggregator, &self.scratch, AggregateRecord::default, |record| {
            if record.last.is_none_or(|last| now.0.saturating_sub(last.0) > AGGREGATE_INTERVAL_MS) {
                *record = AggregateRecord::default();
            }
            if !record.local_keys.contains(&local_key) {
                record.local_keys.push(local_key);
            }
            record.last = Some(now);
            let combined = record.local_keys.len() >= AGGREGATE_MAX_EVENTS;
            if combined {
                // `PopAny`: keep the set below the threshold (see the module's note on the choice).
                record.local_keys.remove(0);
            }
            combined
        });
        if !combined {
            // Not combined: the event's own key (the scratch keeps the aggregate key otherwise).
            event_key_into(&mut self.scratch, e, message);
        }

        // eventLogger.eventObserve (the key is in the scratch).
        let seen = self.logger.get_mut(self.scratch.as_str()).map(|seen| {
            seen.count += 1;
            seen.count
        });
        if seen.is_none() {
            let first = Observation { count: 1, first_timestamp: now, name: new_name() };
            self.logger.insert(self.scratch.clone(), first);
        }

        // EventSourceObjectSpamFilter.Filter.
        join_into(&mut self.spam_scratch, &[e.uid, e.name, e.component, e.host, e.kind, e.namespace, e.api_version]);
        let full = TokenBucket { level: SPAM_BURST * SPAM_REFILL_MS, last: now };
        let accepted = with_entry(&mut self.spam, &self.spam_scratch, || full, |bucket| bucket.try_accept(now));
        if !accepted {
            return None;
        }
        let observation = self.logger.get(self.scratch.as_str()).cloned()?;
        Some(Correlated { combined, observation })
    }

    /// The `events.k8s.io` recorder's handling (`tools/events`): no aggregation and no spam
    /// filter; an event seen before only counts up (its series).
    pub fn observe(&mut self, e: &EventFields<'_>, message: &str, now: Time, new_name: impl FnOnce() -> String) -> Correlated {
        event_key_into(&mut self.scratch, e, message);
        let observation = match self.logger.get_mut(self.scratch.as_str()) {
            Some(seen) => {
                seen.count += 1;
                seen.clone()
            }
            None => {
                let first = Observation { count: 1, first_timestamp: now, name: new_name() };
                self.logger.insert(self.scratch.clone(), first.clone());
                first
            }
        };
        Correlated { combined: false, observation }
    }
}

/// Runs `f` on the value at `key`, inserting `new()` first (the key copied) if there is none.
fn with_entry<V: Clone, R>(map: &mut Shared<FastMap<String, V>>, key: &str, new: impl FnOnce() -> V, f: impl FnOnce(&mut V) -> R) -> R {
    if let Some(v) = map.get_mut(key) {
        return f(v);
    }
    let mut v = new();
    let r = f(&mut v);
    map.insert(key.to_string(), v);
    r
}

impl TokenBucket {
    /// `rate.Limiter.AllowN(now, 1)`.
    fn try_accept(&mut self, now: Time) -> bool {
        let level = (self.level + now.0.saturating_sub(self.last.0)).min(SPAM_BURST * SPAM_REFILL_MS);
        if level < SPAM_REFILL_MS {
            return false;
        }
        self.level = level - SPAM_REFILL_MS;
        self.last = now;
        true
    }
}

/// `getEventKey`: every field of the event, message included, into `key`.
fn event_key_into(key: &mut String, e: &EventFields<'_>, message: &str) {
    join_into(key, &[e.uid, e.name, e.reason, e.component, e.host, e.kind, e.namespace, e.api_version, e.type_, e.field_path, message]);
}

/// The fields of a key, NUL-separated, replacing `key`'s contents. The object's uid and name
/// come first: keys then differ within a few bytes, where the component, host and kind are
/// shared by thousands of them.
fn join_into(key: &mut String, parts: &[&str]) {
    key.clear();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            key.push('\0');
        }
        key.push_str(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(name: &'a str, reason: &'a str) -> EventFields<'a> {
        EventFields {
            component: "statefulset-controller",
            host: "",
            kind: "StatefulSet",
            namespace: "default",
            name,
            uid: "u1",
            api_version: "apps/v1",
            field_path: "",
            type_: "Normal",
            reason,
        }
    }

    fn see(c: &mut Correlator, reason: &str, msg: &str, at: u64) -> Option<Correlated> {
        c.correlate(&fields("web", reason), msg, Time(at), || format!("web.{at:x}"))
    }

    #[test]
    fn identical_events_count_up_on_the_first_name() {
        let mut c = Correlator::default();
        let a = see(&mut c, "SuccessfulCreate", "create Pod web-0", 1).expect("accepted");
        let b = see(&mut c, "SuccessfulCreate", "create Pod web-0", 2).expect("accepted");
        assert_eq!((a.observation.count, b.observation.count), (1, 2));
        assert_eq!(b.observation.name, a.observation.name);
        assert_eq!(b.observation.first_timestamp, Time(1));
        assert!(!b.combined);
    }

    #[test]
    fn the_tenth_distinct_message_is_combined_and_later_ones_count_into_it() {
        let mut c = Correlator::default();
        for i in 0..9 {
            let r = see(&mut c, "SuccessfulCreate", &format!("create Pod web-{i}"), i).expect("accepted");
            assert!(!r.combined, "event {i}");
        }
        let tenth = see(&mut c, "SuccessfulCreate", "create Pod web-9", 9).expect("accepted");
        assert!(tenth.combined);
        assert_eq!(tenth.observation.count, 1);
        let eleventh = see(&mut c, "SuccessfulCreate", "create Pod web-10", 10).expect("accepted");
        assert!(eleventh.combined);
        assert_eq!(eleventh.observation.count, 2);
        assert_eq!(eleventh.observation.name, tenth.observation.name);
        // Another reason is another group.
        assert!(!see(&mut c, "SuccessfulDelete", "delete Pod web-3", 11).expect("accepted").combined);
        // A message still remembered is not combined: it counts up its own Event — web-8's
        // from before, and for web-10 (seen only as part of the combined event) a new one.
        let again = see(&mut c, "SuccessfulCreate", "create Pod web-10", 12).expect("accepted");
        assert!(!again.combined);
        assert_eq!(again.observation.count, 1);
        let remembered = see(&mut c, "SuccessfulCreate", "create Pod web-8", 13).expect("accepted");
        assert!(!remembered.combined);
        assert_eq!(remembered.observation.count, 2);
    }

    #[test]
    fn similar_events_start_afresh_after_ten_quiet_minutes() {
        let mut c = Correlator::default();
        for i in 0..9 {
            see(&mut c, "SuccessfulCreate", &format!("m{i}"), 0);
        }
        assert!(!see(&mut c, "SuccessfulCreate", "m9", AGGREGATE_INTERVAL_MS + 1).expect("accepted").combined);
    }

    #[test]
    fn a_source_gets_25_events_about_an_object_then_one_per_five_minutes() {
        let mut c = Correlator::default();
        let accepted = (0..40).filter(|i| see(&mut c, "Unhealthy", "probe failed", *i).is_some()).count();
        assert_eq!(accepted, 25);
        // Dropped sightings were still counted: the next accepted one carries the total.
        assert!(see(&mut c, "Unhealthy", "probe failed", SPAM_REFILL_MS - 1).is_none());
        let next = see(&mut c, "Unhealthy", "probe failed", SPAM_REFILL_MS + 39).expect("a token again");
        assert_eq!(next.observation.count, 42);
        assert!(see(&mut c, "Unhealthy", "probe failed", SPAM_REFILL_MS + 40).is_none());
        // Another object has its own bucket.
        assert!(c.correlate(&fields("db", "Unhealthy"), "probe failed", Time(0), || "db.0".into()).is_some());
    }

    #[test]
    fn the_events_api_series_only_counts_up() {
        let mut c = Correlator::default();
        for i in 0..40 {
            let r = c.observe(&fields("web", "FailedScheduling"), &format!("0/3 nodes ({})", i % 12), Time(i), || format!("web.{i:x}"));
            assert!(!r.combined);
            assert_eq!(r.observation.count, (i / 12 + 1) as i32);
        }
    }
}
