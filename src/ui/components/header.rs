//! The page header: title, the hint, and the toolbar (lessons, share, script, theme, presenter,
//! help).

use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::ui::state::Theme;

/// Props of [`Header`].
#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// Colour scheme.
    pub theme: Theme,
    /// Presenter mode on.
    pub presenter: bool,
    /// Share pressed.
    pub onshare: Callback<()>,
    /// Script pressed.
    pub onscript: Callback<()>,
    /// Help pressed.
    pub onhelp: Callback<()>,
    /// New session pressed.
    pub onnew: Callback<()>,
    /// Theme chosen.
    pub ontheme: Callback<Theme>,
    /// Presenter toggled.
    pub onpresenter: Callback<()>,
    /// The lessons panel is open.
    pub lessons: bool,
    /// Lessons toggled.
    pub onlessons: Callback<()>,
    /// The simulator is loading: Share, Script and New session wait for it.
    #[prop_or_default]
    pub busy: bool,
}

/// The header.
#[function_component]
pub fn Header(p: &HeaderProps) -> Html {
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let ontheme = {
        let cb = p.ontheme.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()) {
                cb.emit(Theme::from_name(&s.value()));
            }
        })
    };
    html! {
        <header class="top">
            <div class="brand">
                <h1>{ crate::ui::PRODUCT_NAME }</h1>
                <p class="tagline">{ "A faithful, step-by-step simulation of the Kubernetes StatefulSet controller, in your browser." }</p>
            </div>
            <nav class="toolbar" aria-label="Playground">
                <button onclick={click(&p.onlessons)} aria-pressed={p.lessons.to_string()}
                    title="Guided lessons: the StatefulSet explainer, step by step, with commands to run">{ "Lessons" }</button>
                <button onclick={click(&p.onshare)} disabled={p.busy} title="A link that reproduces this session (nothing is uploaded)">{ "Share" }</button>
                <button onclick={click(&p.onscript)} disabled={p.busy} title="Export or import a playground script">{ "Script" }</button>
                <button onclick={click(&p.onnew)} disabled={p.busy} title="Forget the history, keep the files">{ "New session" }</button>
                <label class="theme">
                    <span class="visually-hidden">{ "Theme" }</span>
                    <select aria-label="Theme" onchange={ontheme}>
                        { for [Theme::Auto, Theme::Light, Theme::Dark].into_iter().map(|t| html! {
                            <option value={t.name()} selected={t == p.theme}>{
                                match t { Theme::Auto => "Auto theme", Theme::Light => "Light", Theme::Dark => "Dark" }
                            }</option>
                        }) }
                    </select>
                </label>
                <button onclick={click(&p.onpresenter)} aria-pressed={p.presenter.to_string()} title="Large fonts for a projector">{ "Presenter" }</button>
                <button onclick={click(&p.onhelp)} aria-label="Help" title="Keys and commands">{ "?" }</button>
            </nav>
        </header>
    }
}
