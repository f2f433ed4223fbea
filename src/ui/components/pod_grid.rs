//! The grid of a large StatefulSet in the diagram: one small square per slot (the pod's
//! status and revision as its colour, its claim as a bar beneath), drawn only for the rows on
//! screen.
//!
//! At 1,000 pods the diagram's box shows about a third of the grid, and creating the squares
//! that nobody can see was most of the cost of a step that adds them all. [`use_visible`] keeps
//! track of which part of the diagram is on screen; [`grid`] draws the rows in it (plus a margin,
//! so a scroll seldom shows an empty row) and stands one labelled placeholder in for the rows
//! above and below it, so the scroll size and what a screen reader hears still cover every pod.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::engine::api::Kind;
use crate::session::view::{PodView, SetView};
use crate::ui::state::Selection;

use super::diagram::{health_class, is_selected, revision_class};

/// Rows this far (in diagram units) above and below the box are drawn too; with [`STEP`]'s
/// rounding that is one to three rows each side, enough for a scroll's next frame.
const OVERSCAN: i32 = 20;
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

/// One pod of a large set, drawn as one small square keyed by its ordinal (its claim's bar is
/// drawn apart: see [`claim_bars`]).
///
/// One plain element, not a component nor a group: a step that creates hundreds of pods then
/// creates one element per pod and no component state, and an unchanged square diffs as a few
/// equal attributes. Its colours, corner radius and the bar's height are in the stylesheet
/// (`rect.mini`), and clicks and keys are handled once for the whole grid ([`grid_handlers`]):
/// fewer attributes and listeners per square.
fn mini_pod(key: i64, pod: &PodView, rev_class: &'static str, x: i32, y: i32, size: i32, selected: bool) -> Html {
    let class = square_class(health_class(pod.health()), rev_class, selected);
    let size = number(size);
    html! {
        <rect {key} {class} role="button" tabindex="0" data-pod={pod.name.clone()} aria-label={mini_label(pod)}
            x={number(x)} y={number(y)} width={size.clone()} height={size} />
    }
}

/// Attribute values every grid repeats on square after square (coordinates, the size, the
/// class lists) are made once, kept for the page's life and interned with wasm-bindgen: a step
/// that creates hundreds of squares then allocates no string for them and hands the browser
/// cached strings, where a trace put ~3 ms of a 900-pod step in decoding fresh ones. Both
/// tables are small and bounded (numbers below [`NUMBERS`]; 5 × 4 × 2 class lists).
const NUMBERS: i32 = 8192;

thread_local! {
    static NUMBER_TEXT: std::cell::RefCell<Vec<Option<&'static str>>> = const { std::cell::RefCell::new(Vec::new()) };
    static CLASS_TEXT: std::cell::RefCell<Vec<(&'static str, &'static str, bool, &'static str)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `n` as an attribute value (see [`NUMBERS`]); numbers outside the table are formatted as usual.
fn number(n: i32) -> AttrValue {
    if !(0..NUMBERS).contains(&n) {
        return AttrValue::from(n.to_string());
    }
    NUMBER_TEXT.with_borrow_mut(|table| {
        if table.is_empty() {
            table.resize(NUMBERS as usize, None);
        }
        AttrValue::Static(table[n as usize].get_or_insert_with(|| wasm_bindgen::intern(Box::leak(n.to_string().into_boxed_str()))))
    })
}

/// A square's class list (see [`NUMBERS`]).
fn square_class(health: &'static str, rev: &'static str, selected: bool) -> AttrValue {
    CLASS_TEXT.with_borrow_mut(|table| {
        if let Some(&(.., text)) = table.iter().find(|&&(h, r, s, _)| h == health && r == rev && s == selected) {
            return AttrValue::Static(text);
        }
        let text = format!("pod mini {health} {rev}{}", if selected { " selected" } else { "" });
        let text: &'static str = wasm_bindgen::intern(Box::leak(text.into_boxed_str()));
        table.push((health, rev, selected, text));
        AttrValue::Static(text)
    })
}

/// A square's accessible name, which its tooltip shows too ([`tip`]): `Pod web-3: Running, on
/// node-2`.
fn mini_label(pod: &PodView) -> String {
    if pod.node.is_empty() {
        format!("Pod {}: {}", pod.name, pod.status)
    } else {
        format!("Pod {}: {}, on {}", pod.name, pod.status, pod.node)
    }
}

/// The one tooltip of a diagram's grids, drawn last (over everything). A square has no
/// `<title>` of its own (two nodes per square that a step creating hundreds of pods paid for):
/// [`tip_handlers`] fill this one in from the square under the pointer or the focus.
pub fn tip(tip: &NodeRef) -> Html {
    html! { <g ref={tip.clone()} class="grid-tip" aria-hidden="true"><text /></g> }
}

/// Handlers for the diagram's svg: over (or focused on) a grid's square, its tooltip shows the
/// square's accessible name above it; anywhere else, or leaving the diagram, it hides. They
/// write the tooltip's element directly: a render of the whole diagram per pointer move would
/// cost more than the tooltip is worth.
pub fn tip_handlers(tip: &NodeRef, width: i32) -> (Callback<MouseEvent>, Callback<MouseEvent>, Callback<FocusEvent>, Callback<FocusEvent>) {
    fn square(e: &Event) -> Option<web_sys::Element> {
        let el = e.target()?.dyn_into::<web_sys::Element>().ok()?;
        el.closest(".mini[data-pod]").ok()?
    }
    let update = move |tip: &NodeRef, e: &Event| {
        let Some(g) = tip.cast::<web_sys::Element>() else { return };
        if square(e).and_then(|sq| show(&g, &sq, width)).is_none() {
            hide(tip);
        }
    };
    let (t1, t2, t3, t4) = (tip.clone(), tip.clone(), tip.clone(), tip.clone());
    (
        Callback::from(move |e: MouseEvent| update(&t1, &e)),
        Callback::from(move |_: MouseEvent| hide(&t2)),
        Callback::from(move |e: FocusEvent| update(&t3, &e)),
        Callback::from(move |_: FocusEvent| hide(&t4)),
    )
}

/// Puts `square`'s name (its `aria-label` without "Pod ") above it, kept inside the diagram.
fn show(g: &web_sys::Element, square: &web_sys::Element, width: i32) -> Option<()> {
    let label = square.get_attribute("aria-label")?;
    let text = g.first_element_child()?;
    let num = |a: &str| square.get_attribute(a).and_then(|v| v.parse::<i32>().ok());
    let (x, y, w) = (num("x")?, num("y")?, num("width")?);
    let mid = x + w / 2;
    let anchor = if mid < width / 4 { "start" } else if mid > width * 3 / 4 { "end" } else { "middle" };
    let ax = match anchor { "start" => x, "end" => x + w, _ => mid };
    text.set_text_content(Some(label.strip_prefix("Pod ").unwrap_or(&label)));
    text.set_attribute("x", &ax.to_string()).ok()?;
    text.set_attribute("y", &(y - 6).to_string()).ok()?;
    text.set_attribute("text-anchor", anchor).ok()?;
    g.set_attribute("class", "grid-tip shown").ok()
}

fn hide(tip: &NodeRef) {
    if let Some(g) = tip.cast::<web_sys::Element>() {
        let _ = g.set_attribute("class", "grid-tip");
    }
}

/// Height of a claim's bar, in units.
const BAR_H: i32 = 3;

/// The claims' bars beneath their slots: one `<path>` per phase for the whole grid, a
/// rectangle per claim in it. A bar is not a control (its pod's square is), so hundreds of bars
/// are two elements, and a step that creates hundreds of claims changes two attributes.
fn claim_bars(bars: &[(i32, i32, bool)], width: i32) -> Html {
    let path = |bound: bool| {
        let mut d = String::new();
        for &(x, y, _) in bars.iter().filter(|b| b.2 == bound) {
            use std::fmt::Write;
            let _ = write!(d, "M{x} {y}h{width}v{BAR_H}h-{width}z");
        }
        d
    };
    html! {
        // Keyed: it shares the grid's keyed list with the squares.
        <g key="claim-bars">
            <path class="claim-bar phase-bound" d={path(true)} />
            <path class="claim-bar phase-pending" d={path(false)} />
        </g>
    }
}

/// One click and one key handler for every square of a grid: each square names its pod in
/// `data-pod`, and the handlers select the pod whose square the event came from. A thousand
/// squares then cost no listeners at all.
fn grid_handlers(onselect: &Callback<Selection>) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
    fn pod_of(e: &Event) -> Option<Selection> {
        let el = e.target()?.dyn_into::<web_sys::Element>().ok()?;
        let name = el.closest("[data-pod]").ok()??.get_attribute("data-pod")?;
        Some(Selection { kind: Kind::Pod, name })
    }
    let (a, b) = (onselect.clone(), onselect.clone());
    (
        Callback::from(move |e: MouseEvent| {
            if let Some(sel) = pod_of(&e) {
                a.emit(sel);
            }
        }),
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                if let Some(sel) = pod_of(&e) {
                    e.prevent_default();
                    b.emit(sel);
                }
            }
        }),
    )
}

/// The grid of a large set: `cols` squares a row from `top`, the rows outside `visible` left
/// out (a labelled placeholder each side). Returns the grid and its height.
///
/// Empty slots are not elements: one rectangle filled with a pattern of dashed squares lies
/// under the grid, and a pod's square covers its cell. So a step that creates hundreds of pods
/// only adds their squares (no empty slot is removed), and a set scaled to 1,000 adds no
/// elements until its pods exist. A slot with a claim but no pod keeps its claim's bar.
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
    let mut bars = Vec::new();
    let slots = set.slots.iter().enumerate().skip((first * cols) as usize).take(((last - first) * cols) as usize).filter_map(|(i, slot)| {
        let (x, y) = (10 + (i as i32 % cols) * cell, top + (i as i32 / cols) * row_h);
        if let Some(c) = slot.claims.first() {
            bars.push((x, y + size + 1, c.phase == "Bound"));
        }
        // Keyed by ordinal: a new pod gets a new square, as reusing another's would start the
        // square's colour transitions (slower, and visible).
        slot.pod.as_ref().map(|pod| {
            let (rev_class, selected) = (revision_class(set, &pod.revision), is_selected(selected, Kind::Pod, &pod.name));
            mini_pod(slot.ordinal, pod, rev_class, x, y, size, selected)
        })
    });
    let slots: Vec<Html> = slots.collect();
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
    let (onclick, onkeydown) = grid_handlers(onselect);
    let html = html! {
        <g class="grid" {onclick} {onkeydown}>
            { empty_cells(&set.name, n, cols, cell, size, row_h, top, first, last) }
            { for placeholder(0, first, "rows-above") }
            { for slots }
            { for placeholder(last, rows, "rows-below") }
            { claim_bars(&bars, size) }
        </g>
    };
    (html, rows * row_h)
}

/// The dashed squares of every slot in rows `first..last`: a pattern of one cell, filling the
/// full rows and the filled part of a last, partial row.
#[allow(clippy::too_many_arguments)]
fn empty_cells(set: &str, n: usize, cols: i32, cell: i32, size: i32, row_h: i32, top: i32, first: i32, last: i32) -> Html {
    let id = format!("empty-slots-{set}");
    let full_rows = n as i32 / cols;
    let rect = |row: i32, rows: i32, w: i32| {
        (rows > 0 && w > 0).then(|| html! {
            <rect class="slot-empty-fill" x="10" y={(top + row * row_h).to_string()} width={(w * cell).to_string()}
                height={(rows * row_h).to_string()} fill={format!("url(#{id})")} />
        })
    };
    let full = rect(first, last.min(full_rows) - first, cols);
    let partial = (full_rows >= first && full_rows < last).then(|| rect(full_rows, 1, n as i32 % cols)).flatten();
    // Keyed: it shares a keyed list with the squares (an unkeyed child would make Yew diff the
    // whole list by position and re-create every square whenever a placeholder comes or goes).
    html! {
        <g key="empty-slots">
            <defs>
                <pattern id={id.clone()} x="10" y={top.to_string()} width={cell.to_string()} height={row_h.to_string()} patternUnits="userSpaceOnUse">
                    <rect class="slot-empty-cell" x="1" y="1" width={(size - 2).to_string()} height={(size - 2).to_string()} />
                </pattern>
            </defs>
            { for full }
            { for partial }
        </g>
    }
}
