//! Modal dialogs: the share link, script export/import, and help.

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

/// Props of [`ShareDialog`].
#[derive(Properties, PartialEq)]
pub struct ShareProps {
    /// The link.
    pub link: String,
    /// Close.
    pub onclose: Callback<()>,
}

fn frame(title: &str, onclose: &Callback<()>, body: Html) -> Html {
    let close = {
        let c = onclose.clone();
        Callback::from(move |_: MouseEvent| c.emit(()))
    };
    let onkeydown = {
        let c = onclose.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                c.emit(());
            }
        })
    };
    html! {
        <div class="backdrop" {onkeydown}>
            <div class="dialog" role="dialog" aria-modal="true" aria-label={title.to_string()}>
                <div class="dialog-head">
                    <h2>{ title }</h2>
                    <button class="close" aria-label="Close dialog" onclick={close}>{ "×" }</button>
                </div>
                { body }
            </div>
        </div>
    }
}

/// The share link dialog.
#[function_component]
pub fn ShareDialog(p: &ShareProps) -> Html {
    let copied = use_state(|| false);
    let input = use_node_ref();
    {
        let input = input.clone();
        use_effect_with((), move |_| {
            if let Some(i) = input.cast::<HtmlInputElement>() {
                let _ = i.focus();
                i.select();
            }
        });
    }
    let copy = {
        let link = p.link.clone();
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&link);
                copied.set(true);
            }
        })
    };
    frame(
        "Share this session",
        &p.onclose,
        html! {
            <>
                <p>{ "This link holds your files and every command and step, compressed into the part after #, which browsers never send to a server. Opening it replays the session exactly." }</p>
                <input ref={input} class="share-link" type="text" readonly=true value={p.link.clone()} aria-label="Share link" />
                <p class="dialog-actions">
                    <button class="primary" onclick={copy}>{ if *copied { "Copied" } else { "Copy link" } }</button>
                    <span class="muted">{ format!("{} characters", p.link.len()) }</span>
                </p>
            </>
        },
    )
}

/// Props of [`ScriptDialog`].
#[derive(Properties, PartialEq)]
pub struct ScriptProps {
    /// The session as a script.
    pub script: String,
    /// Import this script.
    pub onimport: Callback<String>,
    /// Close.
    pub onclose: Callback<()>,
}

fn download(name: &str, text: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("text/plain");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Ok(a) = doc.create_element("a") {
        let _ = a.set_attribute("href", &url);
        let _ = a.set_attribute("download", name);
        if let Ok(a) = a.dyn_into::<web_sys::HtmlElement>() {
            a.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Script export and import.
#[function_component]
pub fn ScriptDialog(p: &ScriptProps) -> Html {
    let pasted = use_state(String::new);
    let ondownload = {
        let s = p.script.clone();
        Callback::from(move |_: MouseEvent| download("playground.stsplay", &s))
    };
    let oninput = {
        let pasted = pasted.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()) {
                pasted.set(t.value());
            }
        })
    };
    let onfile = {
        let pasted = pasted.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            let pasted = pasted.clone();
            yew::platform::spawn_local(async move {
                if let Ok(v) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    pasted.set(v.as_string().unwrap_or_default());
                }
            });
        })
    };
    let onrun = {
        let cb = p.onimport.clone();
        let pasted = pasted.clone();
        Callback::from(move |_: MouseEvent| cb.emit((*pasted).clone()))
    };
    frame(
        "Playground script",
        &p.onclose,
        html! {
            <div class="script-dialog">
                <section>
                    <h3>{ "Export" }</h3>
                    <p class="muted">{ "Everything you did, as kubectl lines, heredocs and sim directives. `stsplay run FILE` plays it too." }</p>
                    <textarea class="script-text" readonly=true value={p.script.clone()} aria-label="Exported script" rows="10" />
                    <p class="dialog-actions"><button class="primary" onclick={ondownload}>{ "Download" }</button></p>
                </section>
                <section>
                    <h3>{ "Import" }</h3>
                    <p class="muted">{ "Paste a script or open a file; it plays from the current point in time." }</p>
                    <input type="file" accept=".stsplay,.txt,.sh,text/plain" onchange={onfile} aria-label="Open a script file" />
                    <textarea class="script-text" value={(*pasted).clone()} {oninput} aria-label="Script to import" rows="8"
                        placeholder="kubectl apply -f - <<EOF ..." />
                    <p class="dialog-actions"><button class="primary" onclick={onrun} disabled={pasted.trim().is_empty()}>{ "Run script" }</button></p>
                </section>
            </div>
        },
    )
}

/// Props of [`HelpDialog`].
#[derive(Properties, PartialEq)]
pub struct HelpProps {
    /// Close.
    pub onclose: Callback<()>,
}

/// Keys and commands.
#[function_component]
pub fn HelpDialog(p: &HelpProps) -> Html {
    frame(
        "Keys and commands",
        &p.onclose,
        html! {
            <dl class="help">
                <dt>{ "→ / ← / space" }</dt><dd>{ "step forward, step back, play or pause (outside text fields)" }</dd>
                <dt>{ "Ctrl+Enter" }</dt><dd>{ "apply the file in the editor" }</dd>
                <dt>{ "Tab · Escape, then Tab" }</dt><dd>{ "indent in the editor · leave the editor for the next control" }</dd>
                <dt>{ "kubectl …" }</dt><dd>{ "get, describe, apply, create, replace, scale, set image, patch, rollout, delete, label, annotate, exec, logs, run, edit; wait runs the simulation until its condition holds (or its --timeout passes); -w streams rows while playing; -f NAME reads the editor tab NAME" }</dd>
                <dt>{ "Lessons" }</dt><dd>{ "guided lessons in place of the editor: each step's Run button types its command" }</dd>
                <dt>{ "sim step [N] · sim advance 30s · sim wait" }</dt><dd>{ "move the virtual clock" }</dd>
                <dt>{ "sim fault crash POD · image IMAGE · readiness POD · liveness POD · node NODE" }</dt><dd>{ "inject a fault; `sim fault clear …` undoes it" }</dd>
                <dt>{ "sim why · sim time · clear" }</dt><dd>{ "latest decisions, the clock, clear the console" }</dd>
                <dt>{ "Stepping back, then acting" }</dt><dd>{ "branches the history from that point" }</dd>
            </dl>
        },
    )
}
