//! The lessons panel: one lesson of [`crate::session::lessons::LESSONS`] at a time, its text
//! and its steps, each with a button that types the step's command into the console (or opens
//! the lesson's file in the editor).

use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::session::lessons::{Step, LESSONS};

/// Props of [`Lessons`].
#[derive(Properties, PartialEq)]
pub struct LessonsProps {
    /// The lesson shown (an index into `LESSONS`).
    pub index: usize,
    /// Another lesson chosen.
    pub onselect: Callback<usize>,
    /// The panel closed (back to the editor).
    pub onclose: Callback<()>,
    /// A step's console line.
    pub oncommand: Callback<String>,
    /// A step's file: (tab name, text).
    pub onopen: Callback<(String, String)>,
    /// The simulator is loading: the Run buttons wait for it (Open does not).
    #[prop_or_default]
    pub busy: bool,
    /// Work is being restored: Open waits too (the restored tabs replace the editor's).
    #[prop_or_default]
    pub restoring: bool,
}

/// A paragraph with its backticked spans as `<code>`.
fn paragraph(text: &str) -> Html {
    html! {
        <p>{ for text.split('`').enumerate().map(|(i, part)| if i % 2 == 1 { html! { <code>{ part }</code> } } else { html! { { part } } }) }</p>
    }
}

/// The lessons panel.
#[function_component]
pub fn Lessons(props: &LessonsProps) -> Html {
    let index = props.index.min(LESSONS.len() - 1);
    let lesson = &LESSONS[index];
    let go = |to: usize| {
        let onselect = props.onselect.clone();
        Callback::from(move |_: MouseEvent| onselect.emit(to))
    };
    let onchange = {
        let onselect = props.onselect.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()) {
                if let Ok(i) = s.value().parse::<usize>() {
                    onselect.emit(i);
                }
            }
        })
    };
    let steps = lesson.steps.iter().enumerate().map(|(n, step)| match *step {
        Step::Run { line, look } => {
            let oncommand = props.oncommand.clone();
            html! {
                <li key={n}>
                    <div class="lesson-cmd">
                        <button class="run" aria-label={format!("Run {line}")} title="Run it in the console" disabled={props.busy}
                            onclick={Callback::from(move |_| oncommand.emit(line.to_string()))}>{ "Run" }</button>
                        <code>{ line }</code>
                    </div>
                    <p class="look">{ look }</p>
                </li>
            }
        }
        Step::Open { name, text, look } => {
            let onopen = props.onopen.clone();
            html! {
                <li key={n}>
                    <div class="lesson-cmd">
                        <button class="run" aria-label={format!("Open {name} in the editor")} disabled={props.restoring}
                            onclick={Callback::from(move |_| onopen.emit((name.to_string(), text.to_string())))}>{ "Open" }</button>
                        <code>{ name }</code>
                    </div>
                    <p class="look">{ look }</p>
                </li>
            }
        }
    });
    html! {
        <section class="panel lessons" aria-label="Lessons">
            <div class="lesson-nav">
                <button aria-label="Previous lesson" disabled={index == 0} onclick={go(index.saturating_sub(1))}>{ "‹" }</button>
                <select aria-label="Lesson" {onchange}>
                    { for LESSONS.iter().enumerate().map(|(i, l)| html! {
                        <option value={i.to_string()} selected={i == index}>{ format!("{}. {}", i + 1, l.title) }</option>
                    }) }
                </select>
                <button aria-label="Next lesson" disabled={index + 1 == LESSONS.len()} onclick={go(index + 1)}>{ "›" }</button>
                <button class="lesson-close" title="Back to the editor"
                    onclick={let c = props.onclose.clone(); Callback::from(move |_| c.emit(()))}>{ "Files" }</button>
            </div>
            <div class="lesson-body">
                <h2>{ format!("{}. {}", index + 1, lesson.title) }</h2>
                { for lesson.text.iter().map(|t| paragraph(t)) }
                <ol class="lesson-steps">{ for steps }</ol>
                <p class="lesson-covers">{ format!("From the explainer: {}", lesson.covers.join(" · ")) }</p>
                if index + 1 < LESSONS.len() {
                    <button class="primary lesson-next" onclick={go(index + 1)}>{ format!("Next: {}", LESSONS[index + 1].title) }</button>
                }
            </div>
        </section>
    }
}
