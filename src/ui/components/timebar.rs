//! Time controls: reset, step back, play/pause, step, speed, the virtual clock and a scrubber
//! over the history with a marker for every command.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::ui::state::SPEEDS;

/// Props of [`TimeBar`].
#[derive(Properties, PartialEq)]
pub struct TimeBarProps {
    /// Inputs applied.
    pub position: usize,
    /// Inputs recorded.
    pub len: usize,
    /// Positions (1-based: after the input) of commands and typed clock moves, for markers.
    pub markers: Rc<Vec<usize>>,
    /// Playing.
    pub playing: bool,
    /// Speed index.
    pub speed: usize,
    /// Virtual time since the session started, as text.
    pub clock: String,
    /// Back to the start.
    pub onreset: Callback<()>,
    /// One back.
    pub onback: Callback<()>,
    /// Play/pause.
    pub ontoggle: Callback<()>,
    /// One step forward.
    pub onstep: Callback<()>,
    /// Jump.
    pub onseek: Callback<usize>,
    /// Speed chosen.
    pub onspeed: Callback<usize>,
    /// The simulator is loading: nothing to step through yet.
    #[prop_or_default]
    pub busy: bool,
}

/// The time bar.
#[function_component]
pub fn TimeBar(p: &TimeBarProps) -> Html {
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let onseek = {
        let cb = p.onseek.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                if let Ok(v) = i.value().parse::<usize>() {
                    cb.emit(v);
                }
            }
        })
    };
    let onspeed = {
        let cb = p.onspeed.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()) {
                if let Ok(v) = s.value().parse::<usize>() {
                    cb.emit(v);
                }
            }
        })
    };
    let max = p.len.max(1);
    html! {
        <section class="panel timebar" aria-label="Time">
            <div class="controls" role="toolbar" aria-label="Time controls">
                <button onclick={click(&p.onreset)} aria-label="Reset to the start" title="Reset to the start" disabled={p.busy || p.position == 0}>{ "Reset" }</button>
                <button onclick={click(&p.onback)} aria-label="Step back" title="Step back (←)" disabled={p.busy || p.position == 0}>{ "◀ Back" }</button>
                <button class="primary play" onclick={click(&p.ontoggle)} aria-pressed={p.playing.to_string()}
                    aria-label={if p.playing { "Pause" } else { "Play" }} title="Play / pause (space)" disabled={p.busy}>
                    { if p.playing { "Pause" } else { "▶ Play" } }
                </button>
                <button onclick={click(&p.onstep)} aria-label="Step forward" title="Step (→)" disabled={p.busy}>{ "Step ▶" }</button>
                <label class="speed">
                    <span>{ "Speed" }</span>
                    <select aria-label="Play speed" onchange={onspeed}>
                        { for SPEEDS.iter().enumerate().map(|(i, s)| html! {
                            <option value={i.to_string()} selected={i == p.speed}>{ format!("{s}×") }</option>
                        }) }
                    </select>
                </label>
                <span class="clock" aria-live="off" title="Virtual time since the session started">{ &p.clock }</span>
            </div>
            <div class="scrubber">
                <input type="range" min="0" max={max.to_string()} value={p.position.to_string()} step="1"
                    aria-label="History position" aria-valuetext={format!("input {} of {}", p.position, p.len)}
                    oninput={onseek} disabled={p.len == 0} />
                <svg class="markers" viewBox="0 0 1000 10" preserveAspectRatio="none" aria-hidden="true">
                    { for p.markers.iter().map(|m| {
                        let x = (*m as f64 / max as f64 * 1000.0).round();
                        html! { <line class={classes!("marker", (*m <= p.position).then_some("past"))} x1={x.to_string()} x2={x.to_string()} y1="0" y2="10" /> }
                    }) }
                </svg>
                <span class="position">{ format!("{} / {}", p.position, p.len) }</span>
            </div>
        </section>
    }
}
