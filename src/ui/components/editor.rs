//! The YAML editor: tabs, a textarea over a highlighted copy of its text (built as Yew nodes,
//! never as HTML), line numbers with markers, underlined diagnostics and a problems list.
//!
//! The textarea grows to fit its text and the whole code area scrolls as one, so the highlight
//! layers never need scroll syncing.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use crate::engine::manifest::{Diagnostic, Severity};
use crate::session::highlight::Token;
use crate::session::File;

/// Props of [`Editor`].
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// Tabs.
    pub files: Rc<Vec<File>>,
    /// Selected tab.
    pub active: usize,
    /// Text changed.
    pub onedit: Callback<(usize, String)>,
    /// Tab chosen.
    pub onselect: Callback<usize>,
    /// New tab.
    pub onadd: Callback<()>,
    /// Tab closed.
    pub onclose: Callback<usize>,
    /// Apply pressed.
    pub onapply: Callback<()>,
    /// Highlights a text: one token list per line (the session's highlighter).
    pub highlight: Callback<String, Vec<Vec<Token>>>,
    /// A file's problems: (name, text) → the manifest decoder's diagnostics.
    pub diagnose: Callback<(String, String), Vec<Diagnostic>>,
    /// The simulator is loading: Apply waits for it (the text can be edited meanwhile).
    #[prop_or_default]
    pub busy: bool,
}

fn char_col_to_byte(line: &str, col: u32) -> usize {
    line.char_indices().nth(col.saturating_sub(1) as usize).map(|(i, _)| i).unwrap_or(line.len())
}

/// The diagnostics layer of one line: transparent text with the marked word underlined.
fn diag_line(text: &str, diags: &[&Diagnostic]) -> Html {
    let Some(d) = diags.first() else { return html! { <div class="ln">{ "\u{200b}" }</div> } };
    let start = char_col_to_byte(text, d.col).min(text.len());
    let rest = &text[start..];
    let mut len = rest.find(char::is_whitespace).unwrap_or(rest.len());
    if len == 0 {
        len = rest.len();
    }
    let (mark, after) = rest.split_at(len);
    let mark = if mark.is_empty() { " " } else { mark };
    let class = if d.severity == Severity::Error { "squiggle error" } else { "squiggle warning" };
    html! {
        <div class="ln">{ &text[..start] }<span class={class}>{ mark }</span>{ after }</div>
    }
}

/// The YAML editor.
#[function_component]
pub fn Editor(props: &EditorProps) -> Html {
    let textarea = use_node_ref();
    let caret_line = use_state(|| 1usize);
    let file = props.files.get(props.active).cloned().unwrap_or(File { name: "untitled.yaml".into(), text: String::new(), edit: None });
    // A `kubectl edit` tab: its button saves the edit instead of applying a file.
    let editing = file.edit.is_some();
    let diagnostics = {
        let (name, text) = (file.name.clone(), file.text.clone());
        let diagnose = props.diagnose.clone();
        // Also on the callback: the simulator's arrival replaces the stand-in's (which finds
        // nothing), and the text typed meanwhile is checked then.
        use_memo((name, text, props.diagnose.clone()), move |(name, text, _)| diagnose.emit((name.clone(), text.clone())))
    };
    let highlighted = {
        let text = file.text.clone();
        let highlight = props.highlight.clone();
        use_memo(text, move |text| {
            highlight
                .emit(text.clone())
                .into_iter()
                .map(|toks| {
                    if toks.is_empty() {
                        return html! { <div class="ln">{ "\u{200b}" }</div> };
                    }
                    html! {
                        <div class="ln">{ for toks.into_iter().map(|t| html! { <span class={t.class.css()}>{ t.text }</span> }) }</div>
                    }
                })
                .collect::<Vec<Html>>()
        })
    };
    let lines: Vec<&str> = file.text.split('\n').collect();
    let by_line = |n: usize| -> Vec<&Diagnostic> { diagnostics.iter().filter(|d| d.line as usize == n).collect() };

    let index = props.active;
    let oninput = {
        let onedit = props.onedit.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()) {
                onedit.emit((index, t.value()));
            }
        })
    };
    let update_caret = {
        let caret_line = caret_line.clone();
        move |t: &HtmlTextAreaElement| {
            let pos = t.selection_start().ok().flatten().unwrap_or(0) as usize;
            let v = t.value();
            let n = v.chars().take(pos).filter(|c| *c == '\n').count() + 1;
            caret_line.set(n);
        }
    };
    // Escape, then Tab, leaves the editor (as in CodeMirror): Tab alone indents, so without
    // this a keyboard user could not get past the editor to the console and the time controls.
    let tab_leaves = use_mut_ref(|| false);
    let onkeydown = {
        let onapply = props.onapply.clone();
        let onedit = props.onedit.clone();
        let update_caret = update_caret.clone();
        let tab_leaves = tab_leaves.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()) else { return };
            let leave = std::mem::replace(&mut *tab_leaves.borrow_mut(), e.key() == "Escape");
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                onapply.emit(());
            } else if e.key() == "Tab" && leave {
                // The browser moves the focus on.
            } else if e.key() == "Tab" && !e.shift_key() && !e.ctrl_key() && !e.alt_key() {
                // Two spaces (YAML has no tabs). Shift+Tab still leaves the editor.
                e.prevent_default();
                let start = t.selection_start().ok().flatten().unwrap_or(0);
                let end = t.selection_end().ok().flatten().unwrap_or(start);
                let _ = t.set_range_text_with_start_and_end(
                    "  ",
                    start,
                    end,
                );
                let _ = t.set_selection_range(start + 2, start + 2);
                onedit.emit((index, t.value()));
            }
            update_caret(&t);
        })
    };
    let onkeyup = {
        let update_caret = update_caret.clone();
        Callback::from(move |e: KeyboardEvent| {
            if let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()) {
                update_caret(&t);
            }
        })
    };
    let onclick = {
        let update_caret = update_caret.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()) {
                update_caret(&t);
            }
        })
    };
    let goto = {
        let textarea = textarea.clone();
        let caret_line = caret_line.clone();
        let text = file.text.clone();
        move |line: u32, col: u32| {
            let Some(t) = textarea.cast::<HtmlTextAreaElement>() else { return };
            let mut offset = 0usize;
            for (i, l) in text.split('\n').enumerate() {
                if i + 1 == line as usize {
                    offset += l.chars().take(col.saturating_sub(1) as usize).count();
                    break;
                }
                offset += l.chars().count() + 1;
            }
            let _ = t.focus();
            let _ = t.set_selection_range(offset as u32, offset as u32);
            caret_line.set(line as usize);
        }
    };
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = diagnostics.len() - errors;
    let caret_diag = by_line(*caret_line).first().map(|d| d.to_string());

    html! {
        <section class="panel editor" aria-label="Editor">
            <div class="tabs">
                <div role="tablist" aria-label="Files" class="tablist">
                    { for props.files.iter().enumerate().map(|(i, f)| {
                        let onselect = props.onselect.clone();
                        let onclose = props.onclose.clone();
                        let selected = i == props.active;
                        html! {
                            <span class={classes!("tab", selected.then_some("active"), f.edit.is_some().then_some("tab-edit"))} key={format!("{i}-{}", f.name)}>
                                <button role="tab" aria-selected={selected.to_string()} class="tab-name"
                                    onclick={Callback::from(move |_| onselect.emit(i))}>{ &f.name }</button>
                                if props.files.len() > 1 || f.edit.is_some() {
                                    <button class="tab-close" aria-label={format!("Close {}", f.name)} title="Close"
                                        onclick={Callback::from(move |_| onclose.emit(i))}>{ "×" }</button>
                                }
                            </span>
                        }
                    }) }
                    <button class="tab-add" aria-label="New file" title="New file"
                        onclick={let a = props.onadd.clone(); Callback::from(move |_| a.emit(()))}>{ "+" }</button>
                </div>
                if editing {
                    <button class="primary apply save" title="Save: kubectl edit sends your change to the cluster (Ctrl+Enter)"
                        onclick={let a = props.onapply.clone(); Callback::from(move |_| a.emit(()))}>
                        { "Save" }
                    </button>
                } else {
                    <button class="primary apply" title="kubectl apply -f this file (Ctrl+Enter)" disabled={props.busy}
                        onclick={let a = props.onapply.clone(); Callback::from(move |_| a.emit(()))}>
                        { "Apply" }
                    </button>
                }
            </div>
            <div class="code" role="group" aria-label={format!("{} editor", file.name)}>
                <div class="gutter" aria-hidden="true">
                    { for (1..=lines.len()).map(|n| {
                        let ds = by_line(n);
                        match ds.first() {
                            Some(d) => {
                                let class = if d.severity == Severity::Error { "lnum marker error" } else { "lnum marker warning" };
                                let title = ds.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("\n");
                                html! { <div class={class} title={title}>{ n }</div> }
                            }
                            None => html! { <div class="lnum">{ n }</div> },
                        }
                    }) }
                </div>
                <div class="code-area">
                    <pre class="layer highlight" aria-hidden="true">{ for highlighted.iter().cloned() }<div class="ln">{ "\u{200b}" }</div></pre>
                    <pre class="layer diags" aria-hidden="true">
                        { for lines.iter().enumerate().map(|(i, l)| diag_line(l, &by_line(i + 1))) }
                    </pre>
                    <textarea ref={textarea} class="source" spellcheck="false" autocomplete="off"
                        autocapitalize="off" wrap="off" rows={(lines.len() + 1).to_string()}
                        aria-label={if editing { format!("Buffer of {}", file.name) } else { format!("YAML of {}", file.name) }}
                        aria-invalid={(errors > 0).to_string()}
                        aria-keyshortcuts="Control+Enter Escape"
                        value={file.text.clone()} {oninput} {onkeydown} {onkeyup} {onclick} />
                </div>
            </div>
            <div class="caret-status" aria-live="polite">
                { caret_diag.unwrap_or_else(|| format!("Line {}", *caret_line)) }
            </div>
            <details class="problems" open={!diagnostics.is_empty()}>
                <summary>
                    { if props.busy { "Problems: checked once the simulator has loaded".to_string() } else if diagnostics.is_empty() { "No problems".to_string() } else { format!("Problems: {errors} error(s), {warnings} warning(s)") } }
                </summary>
                <ul aria-label="Problems">
                    { for diagnostics.iter().map(|d| {
                        let goto = goto.clone();
                        let (line, col) = (d.line, d.col);
                        let sev = if d.severity == Severity::Error { "error" } else { "warning" };
                        html! {
                            <li class={sev}>
                                <button class="link" onclick={Callback::from(move |_| goto(line, col))}>
                                    <span class="sev">{ sev }</span>
                                    { format!(" {}:{}: {}", d.line, d.col, d.message) }
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            </details>
        </section>
    }
}
