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
    /// The distinct messages seen (`localKeys`), oldest first.
    local_keys: Vec<String>,
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

/// What [`Correlator::correlate`] decided about an event.
#[derive(Debug)]
pub struct Correlated {
    /// The message to store: the event's own, or the combined one.
    pub message: String,
    /// Whether this is a combined event (it then has no reporting component or instance).
    pub combined: bool,
    /// The eventLogger's observation after this sighting; `count > 1` means a patch.
    pub observation: Observation,
    /// Whether the spam filter let it through (if not, nothing reaches the API server).
    pub accepted: bool,
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
}

impl Correlator {
    /// `EventCorrelate`: aggregates, observes and filters one event seen at `now`. `new_name`
    /// names the Event if this is its first sighting.
    pub fn correlate(&mut self, e: &EventFields<'_>, message: String, now: Time, new_name: impl FnOnce() -> String) -> Correlated {
        // EventAggregator.EventAggregate.
        let aggregate_key = join(&[e.uid, e.name, e.reason, e.component, e.host, e.kind, e.namespace, e.api_version, e.type_]);
        let record = self.aggregator.entry(aggregate_key.clone()).or_default();
        if record.last.is_none_or(|last| now.0.saturating_sub(last.0) > AGGREGATE_INTERVAL_MS) {
            *record = AggregateRecord::default();
        }
        if !record.local_keys.contains(&message) {
            record.local_keys.push(message.clone());
        }
        record.last = Some(now);
        let (message, combined, key) = if record.local_keys.len() < AGGREGATE_MAX_EVENTS {
            let key = event_key(e, &message);
            (message, false, key)
        } else {
            // `PopAny`: keep the set below the threshold (see the module's note on the choice).
            record.local_keys.remove(0);
            (format!("{COMBINED_PREFIX}{message}"), true, aggregate_key)
        };

        let observation = self.log(key, now, new_name);

        // EventSourceObjectSpamFilter.Filter.
        let spam_key = join(&[e.uid, e.name, e.component, e.host, e.kind, e.namespace, e.api_version]);
        let accepted = self.spam.entry(spam_key).or_insert(TokenBucket { level: SPAM_BURST * SPAM_REFILL_MS, last: now }).try_accept(now);
        Correlated { message, combined, observation, accepted }
    }

    /// The `events.k8s.io` recorder's handling (`tools/events`): no aggregation and no spam
    /// filter; an event seen before only counts up (its series).
    pub fn observe(&mut self, e: &EventFields<'_>, message: String, now: Time, new_name: impl FnOnce() -> String) -> Correlated {
        let key = event_key(e, &message);
        let observation = self.log(key, now, new_name);
        Correlated { message, combined: false, observation, accepted: true }
    }

    /// `eventLogger.eventObserve`: the sighting's count, first time and name.
    fn log(&mut self, key: String, now: Time, new_name: impl FnOnce() -> String) -> Observation {
        let observation = match self.logger.get(&key) {
            Some(seen) => Observation { count: seen.count + 1, first_timestamp: seen.first_timestamp, name: seen.name.clone() },
            None => Observation { count: 1, first_timestamp: now, name: new_name() },
        };
        self.logger.insert(key, observation.clone());
        observation
    }
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

/// `getEventKey`: every field of the event, message included.
fn event_key(e: &EventFields<'_>, message: &str) -> String {
    join(&[e.uid, e.name, e.reason, e.component, e.host, e.kind, e.namespace, e.api_version, e.type_, e.field_path, message])
}

/// The fields of a key, NUL-separated. The object's uid and name come first: keys then differ
/// within a few bytes, where the component, host and kind are shared by thousands of them.
fn join(parts: &[&str]) -> String {
    let mut key = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            key.push('\0');
        }
        key.push_str(p);
    }
    key
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

    fn see(c: &mut Correlator, reason: &str, msg: &str, at: u64) -> Correlated {
        c.correlate(&fields("web", reason), msg.to_string(), Time(at), || format!("web.{at:x}"))
    }

    #[test]
    fn identical_events_count_up_on_the_first_name() {
        let mut c = Correlator::default();
        let a = see(&mut c, "SuccessfulCreate", "create Pod web-0", 1);
        let b = see(&mut c, "SuccessfulCreate", "create Pod web-0", 2);
        assert_eq!((a.observation.count, b.observation.count), (1, 2));
        assert_eq!(b.observation.name, a.observation.name);
        assert_eq!(b.observation.first_timestamp, Time(1));
        assert!(!b.combined && a.accepted && b.accepted);
    }

    #[test]
    fn the_tenth_distinct_message_is_combined_and_later_ones_count_into_it() {
        let mut c = Correlator::default();
        for i in 0..9 {
            let r = see(&mut c, "SuccessfulCreate", &format!("create Pod web-{i}"), i);
            assert!(!r.combined, "event {i}");
        }
        let tenth = see(&mut c, "SuccessfulCreate", "create Pod web-9", 9);
        assert!(tenth.combined);
        assert_eq!(tenth.message, "(combined from similar events): create Pod web-9");
        assert_eq!(tenth.observation.count, 1);
        let eleventh = see(&mut c, "SuccessfulCreate", "create Pod web-10", 10);
        assert!(eleventh.combined);
        assert_eq!(eleventh.observation.count, 2);
        assert_eq!(eleventh.observation.name, tenth.observation.name);
        // Another reason is another group.
        assert!(!see(&mut c, "SuccessfulDelete", "delete Pod web-3", 11).combined);
    }

    #[test]
    fn similar_events_start_afresh_after_ten_quiet_minutes() {
        let mut c = Correlator::default();
        for i in 0..9 {
            see(&mut c, "SuccessfulCreate", &format!("m{i}"), 0);
        }
        assert!(!see(&mut c, "SuccessfulCreate", "m9", AGGREGATE_INTERVAL_MS + 1).combined);
    }

    #[test]
    fn a_source_gets_25_events_about_an_object_then_one_per_five_minutes() {
        let mut c = Correlator::default();
        let accepted = (0..40).filter(|i| see(&mut c, "Unhealthy", "probe failed", *i).accepted).count();
        assert_eq!(accepted, 25);
        // Dropped sightings were still counted: the next accepted one carries the total.
        assert!(!see(&mut c, "Unhealthy", "probe failed", SPAM_REFILL_MS - 1).accepted);
        let next = see(&mut c, "Unhealthy", "probe failed", SPAM_REFILL_MS + 39);
        assert!(next.accepted);
        assert_eq!(next.observation.count, 42);
        assert!(!see(&mut c, "Unhealthy", "probe failed", SPAM_REFILL_MS + 40).accepted);
        // Another object has its own bucket.
        let other = c.correlate(&fields("db", "Unhealthy"), "probe failed".into(), Time(0), || "db.0".into());
        assert!(other.accepted);
    }
}
