//! The kubectl console: transcript, a prompt with history (↑ ↓), Tab completion, Ctrl-C, and
//! heredocs and `for` loops typed or pasted line by line as a shell reads them (a
//! [`LineReader`], fed through the `read` callback: the session reads the lines).

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{ClipboardEvent, HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use crate::script::LineReader;
use crate::session::complete::Completion;
use crate::ui::state::{ConsoleLine, LineKind};

/// Props of [`Console`].
#[derive(Properties, PartialEq)]
pub struct ConsoleProps {
    /// Transcript.
    pub lines: Rc<Vec<ConsoleLine>>,
    /// Lines typed before, newest last.
    pub typed: Rc<Vec<String>>,
    /// A line was entered.
    pub onsubmit: Callback<String>,
    /// Completes a line.
    pub complete: Callback<String, Completion>,
    /// Feeds one typed line to the prompt's reader: the reader after it, and the command the
    /// line completes (a heredoc or a loop takes several lines).
    pub read: Callback<(LineReader, String), (LineReader, Option<String>)>,
    /// Ctrl-C.
    pub oninterrupt: Callback<()>,
    /// A watch is running.
    pub watching: bool,
    /// The timeline position: lines printed later are shown as in the future.
    #[prop_or_default]
    pub position: usize,
    /// Why the prompt waits (the simulator is loading, or could not be loaded); None when it
    /// is there.
    #[prop_or_default]
    pub busy: Option<AttrValue>,
}

/// A command as a terminal shows it: `$ ` before its first line, `> ` (PS2) before the lines of
/// its heredoc.
fn prompted<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, l) in lines.enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(if i == 0 { "$ " } else { "> " });
        out.push_str(l);
    }
    out
}

/// The byte offset in `s` of a selection offset (which counts UTF-16 units); the end when unset.
fn utf16_to_byte(s: &str, units: Option<u32>) -> usize {
    let Some(units) = units else { return s.len() };
    let mut seen = 0;
    for (b, c) in s.char_indices() {
        if seen >= units as usize {
            return b;
        }
        seen += c.len_utf16();
    }
    s.len()
}

/// The console.
#[function_component]
pub fn Console(p: &ConsoleProps) -> Html {
    let input = use_node_ref();
    let scroller = use_node_ref();
    let value = use_state(String::new);
    // Position in the typed history while browsing with ↑ ↓ (None: editing a new line).
    let browse = use_state(|| None::<usize>);
    let hint = use_state(String::new);
    // An open heredoc's (or loop's) lines, until its marker line (or `done`).
    let reader = use_state(LineReader::default);

    {
        let scroller = scroller.clone();
        use_effect_with((p.lines.len(), reader.pending().len()), move |_| {
            if let Some(el) = scroller.cast::<HtmlElement>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }

    let oninput = {
        let value = value.clone();
        let browse = browse.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                value.set(i.value());
                browse.set(None);
            }
        })
    };
    let onkeydown = {
        let value = value.clone();
        let browse = browse.clone();
        let hint = hint.clone();
        let reader = reader.clone();
        let typed = p.typed.clone();
        let onsubmit = p.onsubmit.clone();
        let complete = p.complete.clone();
        let read = p.read.clone();
        let oninterrupt = p.oninterrupt.clone();
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            match key.as_str() {
                "Enter" => {
                    e.prevent_default();
                    let line = (*value).clone();
                    value.set(String::new());
                    browse.set(None);
                    hint.set(String::new());
                    let (r, command) = read.emit(((*reader).clone(), line));
                    reader.set(r);
                    if let Some(c) = command {
                        onsubmit.emit(c);
                    }
                }
                "ArrowUp" | "ArrowDown" => {
                    if typed.is_empty() {
                        return;
                    }
                    e.prevent_default();
                    let next = match (key.as_str(), *browse) {
                        ("ArrowUp", None) => Some(typed.len() - 1),
                        ("ArrowUp", Some(i)) => Some(i.saturating_sub(1)),
                        ("ArrowDown", Some(i)) if i + 1 < typed.len() => Some(i + 1),
                        _ => None,
                    };
                    browse.set(next);
                    value.set(next.map(|i| typed[i].clone()).unwrap_or_default());
                }
                "Tab" => {
                    e.prevent_default();
                    let c = complete.emit((*value).clone());
                    value.set(c.line);
                    hint.set(if c.candidates.len() > 1 { c.candidates.join("  ") } else { String::new() });
                }
                "c" if e.ctrl_key() => {
                    e.prevent_default();
                    value.set(String::new());
                    reader.set(LineReader::default());
                    oninterrupt.emit(());
                }
                "Escape" => {
                    oninterrupt.emit(());
                }
                _ => {}
            }
        })
    };
    // A pasted block runs line by line, as in a terminal: each complete line is entered, a
    // heredoc takes the lines up to its marker, a loop those up to `done`, and an unfinished last
    // line stays at the prompt.
    let onpaste = {
        let value = value.clone();
        let reader = reader.clone();
        let onsubmit = p.onsubmit.clone();
        let read = p.read.clone();
        Callback::from(move |e: Event| {
            let Some(e) = e.dyn_ref::<ClipboardEvent>() else { return };
            let text = e.clipboard_data().and_then(|d| d.get_data("text/plain").ok()).unwrap_or_default();
            if !text.contains('\n') {
                return; // one line: the browser inserts it
            }
            e.prevent_default();
            let Some(i) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
            let current = i.value();
            let at = |n: Result<Option<u32>, _>| utf16_to_byte(&current, n.ok().flatten());
            let (start, end) = (at(i.selection_start()), at(i.selection_end()));
            let joined = format!("{}{}{}", &current[..start.min(end)], text.replace("\r\n", "\n"), &current[end.max(start)..]);
            let mut lines: Vec<&str> = joined.split('\n').collect();
            let rest = lines.pop().unwrap_or_default().to_string();
            let mut r = (*reader).clone();
            for l in lines {
                let (next, command) = read.emit((r, l.to_string()));
                r = next;
                if let Some(c) = command {
                    onsubmit.emit(c);
                }
            }
            reader.set(r);
            value.set(rest);
        })
    };
    let focus = {
        let input = input.clone();
        Callback::from(move |_: MouseEvent| {
            // Clicking the transcript focuses the prompt, unless text is being selected.
            let selected = web_sys::window()
                .and_then(|w| w.get_selection().ok().flatten())
                .map(|s| !s.is_collapsed())
                .unwrap_or(false);
            if !selected {
                if let Some(i) = input.cast::<HtmlInputElement>() {
                    let _ = i.focus();
                }
            }
        })
    };
    let first_future = p.lines.iter().position(|l| l.at > p.position);
    html! {
        <section class="panel console" aria-label="Console">
            <div class="console-out" ref={scroller} role="log" aria-live="polite" aria-label="Console output" onclick={focus}>
                { for p.lines.iter().enumerate().map(|(i, l)| {
                    let class = match l.kind {
                        LineKind::Command => "cmd",
                        LineKind::Out => "out",
                        LineKind::Err => "err",
                        LineKind::Note => "note",
                    };
                    let future = l.at > p.position;
                    // One divider where the future starts (the first such line).
                    let divider = Some(i) == first_future;
                    html! {
                        <>
                            if divider {
                                <div class="future-divider" role="separator">
                                    { "Later on the timeline (step forward to get here again; acting now discards it):" }
                                </div>
                            }
                            <pre class={classes!(class, future.then_some("future"))}>
                                { if l.kind == LineKind::Command { prompted(l.text.lines()) } else { l.text.clone() } }
                            </pre>
                        </>
                    }
                }) }
                // The open heredoc or loop, as a shell shows it: the first line, then `> ` lines.
                if reader.is_continuing() {
                    <pre class="cmd">
                        { prompted(reader.pending().iter().map(String::as_str)) }
                    </pre>
                }
            </div>
            if !hint.is_empty() {
                <div class="completions" aria-live="polite">{ (*hint).clone() }</div>
            }
            <div class="prompt">
                <span class="ps1" aria-hidden="true">{ if reader.is_continuing() { ">" } else if p.watching { "(watching) $" } else { "$" } }</span>
                <input ref={input} type="text" class="prompt-input" value={(*value).clone()} {oninput} {onkeydown} {onpaste} disabled={p.busy.is_some()}
                    aria-label={ match (reader.marker(), reader.is_continuing()) {
                        (Some(_), _) => "heredoc line",
                        (None, true) => "continued command line",
                        (None, false) => "kubectl command",
                    } }
                    placeholder={ if let Some(why) = &p.busy { why.to_string() } else { match (reader.marker(), reader.is_continuing()) {
                        (Some(m), _) => format!("next line of the heredoc, or {m} to end it (Ctrl-C cancels)"),
                        (None, true) => "next line: the loop runs at `done` (or the quote closes); Ctrl-C cancels".to_string(),
                        (None, false) => "kubectl get pods   (Tab completes, ↑ ↓ history)".to_string(),
                    } } }
                    spellcheck="false" autocomplete="off" autocapitalize="off" />
            </div>
        </section>
    }
}
