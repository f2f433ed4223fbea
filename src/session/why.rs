//! The "why" panel's rows: the controllers' recent decisions (the cluster's why log) and the
//! namespace's events, newest first, with times relative to the learner's clock start, and the
//! decisions the panel leads with ([`Lead`]).

use crate::engine::api::{Event, Kind, Time};
use crate::engine::sim::Cluster;

/// How many decisions and events the panel gets (newest first).
pub const ROWS: usize = 40;

/// A decision as shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionRow {
    /// Relative time (`t+12.3s`).
    pub at: String,
    /// Component.
    pub component: String,
    /// Verdict word.
    pub verdict: String,
    /// Subject (`statefulset/myapp`).
    pub subject: String,
    /// Target (`pod/myapp-1`).
    pub target: String,
    /// Reason.
    pub reason: String,
    /// When (virtual clock), to tell a decision about an earlier pod of the same name.
    pub time: Time,
}

/// An event as shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    /// Age-like relative time.
    pub at: String,
    /// Normal / Warning.
    pub type_: String,
    /// Reason.
    pub reason: String,
    /// `pod/myapp-0`.
    pub object: String,
    /// Message.
    pub message: String,
    /// Count (aggregated).
    pub count: i32,
}

/// The decisions the panel leads with, as indices into its rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lead {
    /// The headline: the StatefulSet controller's newest decision about a set that still
    /// exists, else the newest decision of all.
    pub headline: Option<usize>,
    /// When the headline waits for a pod that is not Ready: the newest decision about that pod
    /// (the kubelet's or the scheduler's reason: a volume it cannot mount, a startup probe that
    /// has not succeeded, a container that keeps exiting).
    pub detail: Option<usize>,
}

/// Everything the why panel shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WhyView {
    /// Decisions, newest first (at most [`ROWS`]).
    pub decisions: Vec<DecisionRow>,
    /// Events, newest first (at most [`ROWS`]).
    pub events: Vec<EventRow>,
    /// Which decisions lead.
    pub lead: Lead,
}

/// A virtual time relative to the learner's clock start: `t+12.3s`, `t+2m05.0s`, `t-0.5s`.
pub fn relative(c: &Cluster, t: Time) -> String {
    let ms = t.since(c.config.session_start);
    let sign = if ms < 0 { "-" } else { "+" };
    let ms = ms.unsigned_abs();
    if ms >= 60_000 {
        format!("t{sign}{}m{:02}.{}s", ms / 60_000, ms / 1000 % 60, ms % 1000 / 100)
    } else {
        format!("t{sign}{}.{}s", ms / 1000, ms % 1000 / 100)
    }
}

/// Chooses the panel's [`Lead`] from `rows` (newest first) and the cluster as it is now. A
/// deleted set's last decision no longer leads (it waited for pods that are gone), and the
/// controller's "waiting for web-0 (Pending: ContainerCreating)" comes with the kubelet's why.
pub fn lead(c: &Cluster, namespace: &str, rows: &[DecisionRow]) -> Lead {
    let live_set = |d: &DecisionRow| {
        d.component == "statefulset-controller"
            && d.subject.strip_prefix("statefulset/").is_some_and(|n| c.store.get(Kind::StatefulSet, namespace, n).is_some())
    };
    let headline = rows.iter().position(live_set).or((!rows.is_empty()).then_some(0));
    let detail = headline.and_then(|h| {
        let target = rows[h].target.as_str();
        let pod = c.store.get(Kind::Pod, namespace, target.strip_prefix("pod/")?)?.as_pod()?;
        if pod.is_running_and_ready() || pod.metadata.deletion_timestamp.is_some() || pod.status.phase == "Succeeded" {
            return None;
        }
        let born = pod.metadata.creation_timestamp.unwrap_or_default();
        rows.iter().position(|d| d.subject == target && d.time >= born)
    });
    Lead { headline, detail }
}

/// The why panel's rows for `namespace`.
pub fn build(c: &Cluster, namespace: &str) -> WhyView {
    let decisions: Vec<DecisionRow> = c
        .why
        .iter()
        .rev()
        // The cluster's own set-up (before the learner's clock starts: the kube-dns
        // endpoints, default ServiceAccounts…) is not what the panel should lead with.
        .take_while(|d| d.at >= c.config.session_start)
        .take(ROWS)
        .map(|d| DecisionRow {
            at: relative(c, d.at),
            component: d.component.to_string(),
            verdict: d.verdict.as_str().to_string(),
            subject: d.subject.clone(),
            target: d.target.clone(),
            reason: d.reason.clone(),
            time: d.at,
        })
        .collect();
    let lead = lead(c, namespace, &decisions);
    let mut evs: Vec<&Event> = c.store.list(Kind::Event, Some(namespace)).filter_map(|o| o.as_event()).collect();
    // Newest first, and only the ROWS shown: selecting them before sorting keeps a step
    // cheap when a large set has thousands of events.
    let newest_first = |a: &&Event, b: &&Event| (b.last_timestamp, &b.metadata.name).cmp(&(a.last_timestamp, &a.metadata.name));
    if evs.len() > ROWS {
        evs.select_nth_unstable_by(ROWS - 1, newest_first);
        evs.truncate(ROWS);
    }
    crate::util::sort::sort_by(&mut evs, newest_first);
    let events: Vec<EventRow> = evs
        .into_iter()
        .take(ROWS)
        .map(|e| EventRow {
            at: e.last_timestamp.map(|t| relative(c, t)).unwrap_or_default(),
            type_: e.type_.clone(),
            reason: e.reason.clone(),
            object: format!("{}/{}", e.involved_object.kind.to_ascii_lowercase(), e.involved_object.name),
            message: e.message.clone(),
            count: e.count,
        })
        .collect();
    WhyView { decisions, events, lead }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::ClusterConfig;

    #[test]
    fn relative_times_count_from_the_learners_clock_start() {
        let c = Cluster::new(ClusterConfig::default());
        let start = c.config.session_start;
        assert_eq!(relative(&c, start), "t+0.0s");
        assert_eq!(relative(&c, Time(start.0 + 12_345)), "t+12.3s");
        assert_eq!(relative(&c, Time(start.0 + 125_000)), "t+2m05.0s");
        assert_eq!(relative(&c, Time(start.0 - 500)), "t-0.5s");
    }

    #[test]
    fn an_empty_log_leads_with_nothing() {
        assert_eq!(lead(&Cluster::new(ClusterConfig::default()), "default", &[]), Lead::default());
    }
}
