//! The browser playground (Yew, wasm32 only).
//!
//! For now this is only the shell: it mounts [`App`] into `<main id="app">` (see `index.html`),
//! proves the engine is compiled in, and turns panics into a visible, recoverable message.
//! The full UI is a later issue.
//!
//! Styling note: the page's Content-Security-Policy has `style-src 'self'`, so inline `style=""`
//! attributes are blocked. Style with classes in `static/style.css`.

use std::panic::PanicHookInfo;

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement};
use yew::prelude::*;

use crate::engine::api::Kind;

/// The product name, as shown in the page heading.
pub const PRODUCT_NAME: &str = "StatefulSet Playground";

/// The `id` of the element the app mounts into (`<main id="app">` in `index.html`).
pub const MOUNT_ID: &str = "app";

/// The `id` of the error banner that [`show_fatal_error`] puts at the top of `<body>`.
pub const FATAL_ERROR_ID: &str = "fatal-error";

/// A line that can only be produced by calling into the engine, so seeing it on the page
/// proves the engine is compiled into the wasm and runs there.
pub fn engine_line() -> String {
    format!("Engine loaded: {}", Kind::StatefulSet.group_resource())
}

/// The root component of the playground.
#[function_component]
pub fn App() -> Html {
    html! {
        <>
            <h1>{ PRODUCT_NAME }</h1>
            <p class="tagline">
                { "Simulate the Kubernetes StatefulSet controller in your browser." }
            </p>
            <p class="engine-status">{ engine_line() }</p>
        </>
    }
}

/// Mounts the playground into the page: installs the panic hook, then renders [`App`] into
/// the element with id [`MOUNT_ID`], replacing its loading placeholder.
pub fn start() {
    install_panic_hook();
    let Some(document) = document() else {
        // No DOM at all (e.g. loaded in a worker): there is nothing to render into or report on.
        return;
    };
    match document.get_element_by_id(MOUNT_ID) {
        Some(root) => {
            // Yew empties the root (the "Loading…" placeholder) before it renders.
            yew::Renderer::<App>::with_root(root).render();
        }
        None => show_fatal_error(&format!(
            "The page has no element with id \"{MOUNT_ID}\" to show the playground in."
        )),
    }
}

/// Installs the panic hook: the panic goes to the browser console (with a stack trace, via
/// `console_error_panic_hook`) and a visible message is put on the page by [`show_fatal_error`].
///
/// It is installed with [`yew::set_custom_panic_hook`], because [`yew::Renderer::render`]
/// replaces any hook set with `std::panic::set_hook` by its own console-only one.
pub fn install_panic_hook() {
    yew::set_custom_panic_hook(Box::new(|info: &PanicHookInfo<'_>| {
        console_error_panic_hook::hook(info);
        show_fatal_error(&info.to_string());
    }));
}

/// Shows a visible error banner at the top of the page, with a link that reloads the page.
///
/// `message` is set as text (`textContent`), never parsed as HTML. The banner is reused if it
/// is already there, so repeated errors replace the message instead of stacking up. It needs no
/// wasm to work once shown: the reload link is a plain link, so it still works after a panic has
/// aborted the wasm instance.
pub fn show_fatal_error(message: &str) {
    let Some(document) = document() else { return };
    let Some(body) = document.body() else { return };
    let banner = match document.get_element_by_id(FATAL_ERROR_ID) {
        Some(existing) => existing,
        None => match build_banner(&document) {
            Some(banner) => {
                // Best effort: if even this fails there is nowhere left to report to.
                let _ = body.prepend_with_node_1(&banner);
                banner
            }
            None => return,
        },
    };
    if let Some(text) = banner.query_selector("p").ok().flatten() {
        text.set_text_content(Some(&format!(
            "{PRODUCT_NAME} hit an internal error and stopped.\n{message}"
        )));
    }
    if let Ok(banner) = banner.dyn_into::<HtmlElement>() {
        let _ = banner.focus();
    }
}

/// Builds `<div id="fatal-error" class="fatal-error" role="alert"><p></p><a href="">…</a></div>`.
fn build_banner(document: &Document) -> Option<Element> {
    let banner = document.create_element("div").ok()?;
    banner.set_id(FATAL_ERROR_ID);
    banner.set_class_name("fatal-error");
    banner.set_attribute("role", "alert").ok()?;
    banner.set_attribute("tabindex", "-1").ok()?;
    let text = document.create_element("p").ok()?;
    let reload = document.create_element("a").ok()?;
    // An empty href is the current page: following it reloads the playground from scratch.
    reload.set_attribute("href", "").ok()?;
    reload.set_text_content(Some("Reload the playground"));
    banner.append_child(&text).ok()?;
    banner.append_child(&reload).ok()?;
    Some(banner)
}

fn document() -> Option<Document> {
    web_sys::window()?.document()
}
