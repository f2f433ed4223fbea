//! The "why" panel: the controller's current decision in plain words, the decisions before it,
//! and the cluster's events.

use std::rc::Rc;

use yew::prelude::*;

pub use crate::session::why::{DecisionRow, EventRow, Lead};

/// How many events the panel lists (newest first).
const EVENT_ROWS: usize = 30;

/// Props of [`WhyPanel`].
#[derive(Properties, PartialEq)]
pub struct WhyPanelProps {
    /// Newest first.
    pub decisions: Rc<Vec<DecisionRow>>,
    /// Newest first.
    pub events: Rc<Vec<EventRow>>,
    /// Which decisions lead the panel (chosen by the session: [`crate::session::why::lead`]).
    #[prop_or_default]
    pub lead: Lead,
    /// The simulator is not there yet: nothing has been decided, and nothing can be yet.
    #[prop_or_default]
    pub busy: bool,
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
                    None if p.busy => html! { <p class="decision">{ "No decisions yet: the simulator has not loaded." }</p> },
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
