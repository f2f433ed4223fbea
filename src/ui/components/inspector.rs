//! The inspector: `kubectl describe` and the YAML of the selected object, and a pod's menu of
//! faults (crash it, break its image, fail its readiness or liveness, fail its node), the faults
//! in effect on it with a button to undo each, and actions.

use yew::prelude::*;

use crate::engine::api::Kind;
use crate::session::inspect::Inspection;
use crate::ui::state::Selection;

/// What the inspector shows: the selection and the session's text for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspected {
    /// The selection.
    pub selection: Selection,
    /// Describe, YAML, and for a pod its image, node, why it is not Ready and its faults.
    pub object: Inspection,
}

/// Props of [`Inspector`].
#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    /// The selected object, if any.
    pub inspected: Option<Inspected>,
    /// A fault (words after `sim fault`).
    pub onfault: Callback<Vec<String>>,
    /// A kubectl command.
    pub oncommand: Callback<String>,
    /// Close.
    pub onclose: Callback<()>,
}

/// The inspector.
#[function_component]
pub fn Inspector(p: &InspectorProps) -> Html {
    let tab = use_state(|| 0u8);
    let section = use_node_ref();
    {
        // A newly selected object: bring the inspector into view if it is below the fold (on
        // a phone it is stacked far under the diagram, so a tapped pod seemed to do nothing).
        let section = section.clone();
        let selected = p.inspected.as_ref().map(|i| i.selection.clone());
        use_effect_with(selected, move |selected| {
            if selected.is_some() {
                reveal(&section);
            }
        });
    }
    let Some(i) = &p.inspected else {
        return html! {
            <section class="panel inspector" aria-label="Inspector" ref={section}>
                <h2>{ "Inspector" }</h2>
                <p class="muted">{ "Click a pod, claim, volume, the StatefulSet or the Service in the diagram to see its describe output and YAML. A pod's menu injects faults." }</p>
            </section>
        };
    };
    let kind_word = i.selection.kind.info().kind_name;
    let name = i.selection.name.clone();
    let fault = |words: Vec<String>| {
        let cb = p.onfault.clone();
        Callback::from(move |_: MouseEvent| cb.emit(words.clone()))
    };
    let command = |line: String| {
        let cb = p.oncommand.clone();
        Callback::from(move |_: MouseEvent| cb.emit(line.clone()))
    };
    let menu = match i.selection.kind {
        Kind::Pod if i.object.exists => html! {
            <div class="menu" role="toolbar" aria-label={format!("Pod {name} menu")}>
                <button onclick={fault(vec!["crash".into(), name.clone()])} title="Its container exits with status 1 after every start">{ "Crash it" }</button>
                <button onclick={fault(vec!["image".into(), i.object.image.clone()])}
                    title="Its image disappears from the registry: nodes that must pull it fail">{ format!("Break its image ({})", i.object.image) }</button>
                <button onclick={fault(vec!["readiness".into(), name.clone()])} title="Its readiness probe fails (only if it has one)">{ "Fail its readiness" }</button>
                <button onclick={fault(vec!["liveness".into(), name.clone()])} title="Its liveness and startup probes fail (only if it has one): the kubelet restarts it">{ "Fail its liveness" }</button>
                if !i.object.node.is_empty() {
                    <button onclick={fault(vec!["node".into(), i.object.node.clone()])} title="The kubelet on its node stops">{ format!("Fail its node ({})", i.object.node) }</button>
                }
                <button onclick={command(format!("kubectl delete pod {name}"))}>{ "Delete pod" }</button>
            </div>
        },
        Kind::PersistentVolumeClaim if i.object.exists => html! {
            <div class="menu" role="toolbar" aria-label={format!("Claim {name} menu")}>
                <button onclick={command(format!("kubectl delete pvc {name}"))}>{ "Delete claim" }</button>
            </div>
        },
        Kind::Node if i.object.exists => html! {
            <div class="menu" role="toolbar" aria-label={format!("Node {name} menu")}>
                <button onclick={fault(vec!["node".into(), name.clone()])}>{ "Fail this node" }</button>
                <button onclick={fault(vec!["clear".into(), "node".into(), name.clone()])}>{ "Bring it back" }</button>
            </div>
        },
        _ => html! {},
    };
    let set_tab = |t: u8| {
        let tab = tab.clone();
        Callback::from(move |_: MouseEvent| tab.set(t))
    };
    html! {
        <section class="panel inspector" aria-label="Inspector" ref={section}>
            <div class="inspector-head">
                <h2>{ format!("{kind_word} {name}") }</h2>
                <button class="close" aria-label="Close inspector" onclick={let c = p.onclose.clone(); Callback::from(move |_| c.emit(()))}>{ "×" }</button>
            </div>
            if !i.object.reason.is_empty() {
                // Above the menu: on a phone the why panel is a screen away from here.
                <p class="not-ready-reason"><strong>{ "Not Ready: " }</strong>{ &i.object.reason }</p>
            }
            { menu }
            if i.object.exists && !i.object.faults.is_empty() {
                <div class="menu faults-on" role="toolbar" aria-label={format!("Faults in effect on {name}")}>
                    <span class="muted">{ "In effect: " }</span>
                    { for i.object.faults.iter().map(|(label, words)| html! {
                        <button onclick={fault(words.clone())} title={format!("Undo: {label}")}>{ format!("Undo: {label}") }</button>
                    }) }
                </div>
            }
            if !i.object.exists {
                <p class="muted">{ format!("{kind_word} {name} does not exist at this point in time.") }</p>
            } else {
                <div role="tablist" class="subtabs" aria-label="View">
                    <button role="tab" aria-selected={(*tab == 0).to_string()} onclick={set_tab(0)}>{ "describe" }</button>
                    <button role="tab" aria-selected={(*tab == 1).to_string()} onclick={set_tab(1)}>{ "YAML" }</button>
                </div>
                <pre class="inspect-text" tabindex="0" aria-label={if *tab == 0 { "describe output" } else { "YAML" }}>
                    { if *tab == 0 { i.object.describe.clone() } else { i.object.yaml.clone() } }
                </pre>
            }
        </section>
    }
}

/// Scrolls the inspector's top into view when it is below the bottom of the window (and
/// leaves the page alone when any of it is already on screen).
fn reveal(section: &NodeRef) {
    let Some(el) = section.cast::<web_sys::Element>() else { return };
    let height = web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).unwrap_or(f64::INFINITY);
    if el.get_bounding_client_rect().top() >= height {
        el.scroll_into_view_with_bool(true);
    }
}
