//! The grid of a large StatefulSet in the diagram: one small square per slot (the pod's
//! status and revision as its colour, its claim as a bar beneath), drawn only for the rows on
//! screen.
//!
//! At 1,000 pods the diagram's box shows about a third of the grid, and creating the squares
//! that nobody can see was most of the cost of a step that adds them all. [`use_visible`] keeps
//! track of which part of the diagram is on screen; [`grid`] draws the rows in it (plus a margin,
//! so a scroll seldom shows an empty row) and stands one labelled placeholder in for the rows
//! above and below it, so the scroll size and what a screen reader hears still cover every pod.

use yew::prelude::*;

use crate::engine::api::Kind;
use crate::session::view::{PodView, SetView};
use crate::ui::state::Selection;

use super::diagram::{health_class, is_selected, revision_class, select_handlers};

/// Rows this far (in diagram units) above and below the box are drawn too.
const OVERSCAN: i32 = 50;
/// [`Visible`] moves in steps of this many units, so scrolling by a few pixels renders nothing.
const STEP: i32 = 50;

/// The part of the diagram on screen, in diagram units from its top, widened by [`OVERSCAN`]
/// and rounded out to [`STEP`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Visible {
    /// Top edge.
    pub top: i32,
    /// Bottom edge.
    pub bottom: i32,
}

impl Visible {
    /// Everything: before the first measurement, or where there is no layout to measure.
    pub const ALL: Visible = Visible { top: i32::MIN, bottom: i32::MAX };
}

/// What part of the svg is on screen: the svg's box intersected with its parent's (the
/// scrolling stage) and the window's. `None` when the svg has no layout (not in the page).
fn measure(svg: &web_sys::Element, width_units: i32) -> Option<Visible> {
    let r = svg.get_bounding_client_rect();
    if r.width() <= 0.0 || width_units <= 0 {
        return None;
    }
    let scale = r.width() / f64::from(width_units);
    let mut top = 0.0_f64;
    let mut bottom = web_sys::window()?.inner_height().ok()?.as_f64()?;
    if let Some(stage) = svg.parent_element() {
        let s = stage.get_bounding_client_rect();
        top = top.max(s.top());
        bottom = bottom.min(s.bottom());
    }
    let top = ((top - r.top()) / scale).floor() as i32 - OVERSCAN;
    let bottom = ((bottom - r.top()) / scale).ceil() as i32 + OVERSCAN;
    Some(Visible { top: top.div_euclid(STEP) * STEP, bottom: (bottom + STEP - 1).div_euclid(STEP) * STEP })
}

/// The part of the diagram on screen (see [`Visible`]): measured on mount, when the width in
/// units changes, on every scroll (of the stage or the page) and on resize; [`use_remeasure`]
/// adds the renders that change the diagram's size. Re-renders only when the rounded window
/// moves.
#[hook]
pub fn use_visible(svg: NodeRef, width: i32) -> (Visible, UseStateSetter<Visible>) {
    let visible = use_state_eq(|| Visible::ALL);
    let set = visible.setter();
    use_effect_with(width, move |&width| {
        let update = move || remeasure(&svg, width, &set);
        update();
        let listeners = web_sys::window().map(|w| {
            let (u1, u2) = (update.clone(), update);
            // Capture: scroll events do not bubble, but every one passes the window first.
            let capture = gloo::events::EventListenerOptions { phase: gloo::events::EventListenerPhase::Capture, passive: true };
            (
                gloo::events::EventListener::new_with_options(&w, "scroll", capture, move |_| u1()),
                gloo::events::EventListener::new(&w, "resize", move |_| u2()),
            )
        });
        move || drop(listeners)
    });
    (*visible, visible.setter())
}

/// Measures again after a render that changed the diagram's size (`size`: width and height in
/// units): a growing diagram grows its box too, with no scroll or resize event to say so.
#[hook]
pub fn use_remeasure(svg: NodeRef, size: (i32, i32), set: UseStateSetter<Visible>) {
    use_effect_with(size, move |&(width, _)| remeasure(&svg, width, &set));
}

fn remeasure(svg: &NodeRef, width: i32, set: &UseStateSetter<Visible>) {
    if let Some(v) = svg.cast::<web_sys::Element>().and_then(|e| measure(&e, width)) {
        set.set(v);
    }
}

/// Props of [`MiniPod`].
#[derive(Properties, PartialEq)]
pub struct MiniPodProps {
    /// The pod, or `None` for an empty slot.
    pub pod: Option<PodView>,
    /// Its revision's class.
    pub rev_class: &'static str,
    /// Position.
    pub x: i32,
    /// Position.
    pub y: i32,
    /// Square size.
    pub size: i32,
    /// Selected.
    pub selected: bool,
    /// The claim's phase class, if the slot has a claim.
    pub claim: Option<&'static str>,
    /// Click.
    pub onselect: Callback<Selection>,
}

/// One slot of a large set, drawn as a small square (with its claim as a bar beneath).
///
/// Corner radius and bar height are in the stylesheet: fewer attributes per square.
#[function_component]
pub fn MiniPod(p: &MiniPodProps) -> Html {
    let (x, y, size) = (p.x.to_string(), p.y, p.size.to_string());
    let claim_bar = p.claim.map(|phase| {
        html! { <rect class={phase} x={x.clone()} y={(y + p.size + 1).to_string()} width={size.clone()} /> }
    });
    let y = y.to_string();
    match &p.pod {
        Some(pod) => {
            let (onclick, onkeydown) = select_handlers(&p.onselect, Kind::Pod, &pod.name);
            html! {
                <g class={classes!("pod", "mini", health_class(pod.health()), p.rev_class, p.selected.then_some("selected"))}
                    role="button" tabindex="0" aria-label={format!("Pod {}: {}", pod.name, pod.status)} {onclick} {onkeydown}>
                    <title>{ format!("{} — {} ({})", pod.name, pod.status, pod.node) }</title>
                    <rect class="pod-box" {x} {y} width={size.clone()} height={size} />
                    { for claim_bar }
                </g>
            }
        }
        None => html! {
            <g class="slot-empty mini">
                <rect {x} {y} width={size.clone()} height={size} />
                { for claim_bar }
            </g>
        },
    }
}

/// The grid of a large set: `cols` squares a row from `top`, the rows outside `visible` left
/// out (a labelled placeholder each side). Returns the grid and its height.
pub fn grid(set: &SetView, top: i32, width: i32, visible: Visible, selected: &Option<Selection>, onselect: &Callback<Selection>) -> (Html, i32) {
    let n = set.slots.len();
    let cols = 40.min(n.max(1)) as i32;
    let cell = (width - 20) / cols;
    let size = cell - 4;
    let row_h = cell + 6;
    let rows = (n as i32 + cols - 1) / cols;
    // Rows whose square or bar reaches into the window.
    let first = ((visible.top.max(top) - top) / row_h).min(rows);
    let last = ((visible.bottom.min(i32::MAX - row_h) - top + row_h - 1) / row_h).clamp(first, rows);
    let slots = set.slots.iter().enumerate().skip((first * cols) as usize).take(((last - first) * cols) as usize).map(|(i, slot)| {
        let (x, y) = (10 + (i as i32 % cols) * cell, top + (i as i32 / cols) * row_h);
        let claim = slot.claims.first().map(|c| if c.phase == "Bound" { "claim-bar phase-bound" } else { "claim-bar phase-pending" });
        // A component per cell: an unchanged pod (equal props) is not rendered again. Keyed by
        // ordinal, an empty slot's key apart (-1 - ordinal): a new pod gets new elements, as
        // reusing the slot's would start the square's colour transitions (slower, and visible).
        let (key, rev_class, selected) = match &slot.pod {
            Some(pod) => (slot.ordinal, revision_class(set, &pod.revision), is_selected(selected, Kind::Pod, &pod.name)),
            None => (-1 - slot.ordinal, "rev-none", false),
        };
        html! {
            <MiniPod {key} pod={slot.pod.clone()} {rev_class} {x} {y} {size} {selected} {claim} onselect={onselect.clone()} />
        }
    });
    // Keyed like the squares: `for` children are flattened into one list with them, and a list
    // Yew diffs by key keeps a focused square in place while rows come and go around it.
    let placeholder = |from: i32, to: i32, key: &'static str| {
        let (a, b) = ((from * cols) as usize, ((to * cols) as usize).min(n));
        (a < b).then(|| {
            let name = |i: usize| format!("{}-{}", set.name, set.slots[i].ordinal);
            html! {
                <rect {key} class="offscreen" x="10" y={(top + from * row_h).to_string()} width={(width - 20).to_string()}
                    height={((to - from) * row_h).to_string()} role="img"
                    aria-label={format!("{} to {}: {} pods out of view, scroll the diagram to show them", name(a), name(b - 1), b - a)} />
            }
        })
    };
    let html = html! {
        <>
            { for placeholder(0, first, "rows-above") }
            { for slots }
            { for placeholder(last, rows, "rows-below") }
        </>
    };
    (html, rows * row_h)
}
