//! The "why" panel: the controller's current decision in plain words, the decisions before it,
//! and the cluster's events.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::api::{Kind, Time};
use crate::engine::sim::Cluster;

/// How many events the panel lists (newest first).
const EVENT_ROWS: usize = 30;

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

/// Props of [`WhyPanel`].
#[derive(Properties, PartialEq)]
pub struct WhyPanelProps {
    /// Newest first.
    pub decisions: Rc<Vec<DecisionRow>>,
    /// Newest first.
    pub events: Rc<Vec<EventRow>>,
    /// Which decisions lead the panel (see [`lead`]).
    #[prop_or_default]
    pub lead: Lead,
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

fn verdict_icon(v: &str) -> &'static str {
    match v {
        "create" => "+",
        "delete" => "−",
        "wait" => "…",
        "update" => "↻",
        "skip" => "·",
        "fail" => "!",
        _ => "•",
    }
}

/// The why panel.
#[function_component]
pub fn WhyPanel(p: &WhyPanelProps) -> Html {
    let headline = p.lead.headline.and_then(|i| p.decisions.get(i));
    let detail = p.lead.detail.and_then(|i| p.decisions.get(i));
    html! {
        <section class="panel why" aria-label="Why">
            <h2>{ "Why" }</h2>
            <div class="why-now" aria-live="polite">
                { match headline {
                    Some(d) => html! {
                        <p class={classes!("decision", format!("verdict-{}", d.verdict))}>
                            <span class="icon" aria-hidden="true">{ verdict_icon(&d.verdict) }</span>{ " " }
                            <strong>{ format!("{} {}", d.component, d.verdict) }</strong>
                            { if d.target.is_empty() { String::new() } else { format!(" {}", d.target) } }
                            { ": " }{ &d.reason }
                        </p>
                    },
                    None => html! { <p class="decision">{ "No decisions yet. Apply the example, then step or play." }</p> },
                } }
                if let Some(d) = detail {
                    <p class={classes!("decision-detail", format!("verdict-{}", d.verdict))}>
                        <span class="icon" aria-hidden="true">{ "↳" }</span>{ " " }
                        <strong>{ format!("{}, {}", d.component, d.subject) }</strong>{ ": " }{ &d.reason }
                    </p>
                }
            </div>
            <details class="why-history" open=true>
                <summary>{ "Recent decisions" }</summary>
                <ol>
                    { for p.decisions.iter().take(12).map(|d| html! {
                        <li class={format!("verdict-{}", d.verdict)}>
                            <span class="at">{ &d.at }</span>{ " " }
                            <span class="who">{ format!("{} {} {}", d.component, d.verdict, d.target) }</span>
                            <span class="reason">{ format!(" — {}", d.reason) }</span>
                        </li>
                    }) }
                </ol>
            </details>
            <details class="events" open=true>
                <summary>{
                    // The table shows the newest EVENT_ROWS; say so when there are more.
                    if p.events.len() > EVENT_ROWS {
                        format!("Events (newest {EVENT_ROWS} of {}; kubectl get events lists all)", p.events.len())
                    } else {
                        format!("Events ({})", p.events.len())
                    }
                }</summary>
                <table>
                    // The table's name for screen readers. Being laid out with the page, it also
                    // brings in the rows' font (normal weight at the table's size; the headers are
                    // bold) at load, not on the first step that shows an event: that first use of
                    // a font cost 2–5 ms of that step in the browser benchmark.
                    <caption class="visually-hidden">{ "Events, newest first" }</caption>
                    <thead><tr><th>{ "When" }</th><th>{ "Type" }</th><th>{ "Reason" }</th><th>{ "Object" }</th><th>{ "Message" }</th></tr></thead>
                    <tbody>
                        { for p.events.iter().take(EVENT_ROWS).map(|e| html! {
                            <tr class={if e.type_ == "Warning" { "warning" } else { "normal" }}>
                                <td>{ &e.at }</td><td>{ &e.type_ }</td><td>{ &e.reason }</td><td>{ &e.object }</td>
                                <td>{ &e.message }{ if e.count > 1 { format!(" (×{})", e.count) } else { String::new() } }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </details>
        </section>
    }
}
