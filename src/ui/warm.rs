//! Warming up the diagram: the first time a browser runs a WebAssembly function it compiles it,
//! and the first time it lays out a kind of text it looks up fonts. A trace of the first step
//! that creates 100 pods put ~8 ms of its ~40 ms in compiling and ~2 ms in font look-ups (the
//! same step warm: ~15 ms). So, once the page is up, [`warm_up`] draws the settled example, and
//! a large set's grid first empty and then full of pods, into a hidden box off screen, lets the
//! browser lay it out, and removes it. Nothing of it is visible or reaches the learner's state.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::session::view::{ClusterView, SetView};
use crate::ui::components::diagram::{Diagram, COMPACT_OVER};
use crate::ui::state::SessionRef;

/// Props of [`WarmUp`].
#[derive(Properties, PartialEq)]
struct WarmUpProps {
    /// The view with the large set's slots empty.
    empty: Rc<ClusterView>,
    /// The same with pods in them.
    full: Rc<ClusterView>,
}

/// Draws `empty`, then `full` (so the grid's update path runs too, as in a step that creates pods).
#[function_component]
fn WarmUp(p: &WarmUpProps) -> Html {
    let filled = use_state(|| false);
    {
        let filled = filled.clone();
        use_effect_with((), move |_| filled.set(true));
    }
    let view = if *filled { p.full.clone() } else { p.empty.clone() };
    html! { <Diagram {view} selected={None} recent={Rc::new(Vec::new())} onselect={Callback::noop()} /> }
}

/// The example's view plus a large set made of copies of its first slot (`COMPACT_OVER + 6`
/// of them, so it is drawn as a grid); with the large set's pods left out when `empty`.
fn with_grid(base: &ClusterView, empty: bool) -> ClusterView {
    let mut v = base.clone();
    if let Some(first) = base.sets.first().and_then(|s| s.slots.first().map(|slot| (s, slot))) {
        let (set, slot) = first;
        let mut big: SetView = set.clone();
        // `_` is in no object name: its grid's pattern id cannot be a real set's.
        big.name = format!("{}_warm", set.name);
        big.slots = (0..COMPACT_OVER as i64 + 6)
            .map(|i| {
                let mut s = slot.clone();
                s.ordinal = i;
                if let Some(p) = s.pod.as_mut() {
                    p.name = format!("{}-{i}", big.name);
                }
                if empty {
                    s.pod = None;
                }
                s
            })
            .collect();
        v.sets.push(big);
    }
    v
}

/// Runs the engine's warm-up ([`crate::session::api::SessionApi::warm_up_view`], on scratch
/// sessions: `session` is not changed) and draws its result off screen (see the module docs);
/// the box is removed two timer ticks later.
pub fn warm_up(session: &SessionRef) {
    let Ok(s) = session.try_borrow() else { return };
    let base = s.warm_up_view();
    drop(s);
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let (Some(body), Ok(host)) = (doc.body(), doc.create_element("div")) else { return };
    host.set_class_name("warm-up");
    let _ = host.set_attribute("aria-hidden", "true");
    // Nor can a Tab press land in it while it is up.
    let _ = host.set_attribute("inert", "");
    if body.append_child(&host).is_err() {
        return;
    }
    let props = WarmUpProps { empty: Rc::new(with_grid(&base, true)), full: Rc::new(with_grid(&base, false)) };
    let handle = yew::Renderer::<WarmUp>::with_root_and_props(host.clone(), props).render();
    // Yew renders in microtasks: by the first tick both renders have run; reading the height
    // makes the browser lay them out; the second tick removes it all.
    gloo::timers::callback::Timeout::new(0, move || {
        if let Some(h) = host.dyn_ref::<web_sys::HtmlElement>() {
            let _ = h.offset_height();
        }
        gloo::timers::callback::Timeout::new(0, move || {
            handle.destroy();
            host.remove();
        })
        .forget();
    })
    .forget();
}
