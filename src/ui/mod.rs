//! The browser playground (Yew, wasm32 only): [`App`] wires the session (a [`SessionApi`] trait
//! object, the UI's one door to the simulator: see [`crate::session::api`]) to the components
//! through one reducer ([`state`]), and runs the side effects — autosave, the play timer,
//! keyboard shortcuts, the theme — in `use_effect_with` hooks (those that wait for the step's
//! frame to be painted are in [`effects`]).
//!
//! A panic never leaves a blank page: the banner of [`show_fatal_error`] offers a reload, and the
//! session is autosaved after every learner action, so the reload restores the work (and
//! `?safe` reloads the files without replaying the history, in case the replay is what fails).
//!
//! Styling note: the page's Content-Security-Policy has `style-src 'self'`, so inline `style=""`
//! attributes are blocked. Style with classes in `static/style.css`.

use std::panic::PanicHookInfo;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement};
use yew::prelude::*;

use crate::engine::manifest::Diagnostic;
use crate::script::LineReader;
use crate::session::api::SessionApi;
use state::EngineStatus;
use crate::session::complete::Completion;
use crate::session::highlight::Token;
use state::{Action, Dialog, Selection, State, Theme, SPEEDS};

pub mod command;
pub mod components;
pub mod boot;
pub mod effects;
pub mod engine;
pub mod heap;
pub mod pending;
pub mod state;
pub mod storage;
pub mod warm;

use components::console::Console;
use components::diagram::Diagram;
use components::dialogs::{HelpDialog, ScriptDialog, ShareDialog};
use components::editor::Editor;
use components::header::Header;
use components::inspector::{Inspected, Inspector};
use components::lessons::Lessons;
use components::timebar::TimeBar;
use components::why_panel::WhyPanel;

/// The product name, as shown in the page heading.
pub const PRODUCT_NAME: &str = "StatefulSet Playground";

/// The `id` of the element the app mounts into (`<main id="app">` in `index.html`).
pub const MOUNT_ID: &str = "app";

/// The `id` of the error banner that [`show_fatal_error`] puts at the top of `<body>`.
pub const FATAL_ERROR_ID: &str = "fatal-error";

/// The inspector's content for a selection.
fn inspect(s: &dyn SessionApi, sel: &Selection) -> Inspected {
    Inspected { selection: sel.clone(), object: s.inspect(sel.kind, &sel.name) }
}

/// What the console and the editor ask of the session while they are typed into, as callbacks
/// (the components hold no session; each call borrows it for its answer).
struct Asks {
    /// Tab completion of a console line.
    complete: Callback<String, Completion>,
    /// The prompt's reader fed one line: the reader after it and the command it completes.
    read: Callback<(LineReader, String), (LineReader, Option<String>)>,
    /// An editor text's highlighting, one token list per line.
    highlight: Callback<String, Vec<Vec<Token>>>,
    /// An editor file's problems: (name, text) → diagnostics.
    diagnose: Callback<(String, String), Vec<Diagnostic>>,
}

impl Asks {
    fn new(s: &state::SessionRef) -> Asks {
        let (s1, s2, s3, s4) = (s.clone(), s.clone(), s.clone(), s.clone());
        Asks {
            complete: Callback::from(move |line: String| s1.borrow().complete(&line)),
            read: Callback::from(move |(mut r, line): (LineReader, String)| {
                let command = s2.borrow().read_line(&mut r, &line);
                (r, command)
            }),
            highlight: Callback::from(move |text: String| s3.borrow().highlight(&text)),
            diagnose: Callback::from(move |(name, text): (String, String)| s4.borrow().diagnostics(&name, &text)),
        }
    }
}

/// The app's callbacks, built once (their identity keeps child props equal between renders).
struct Handlers {
    onedit: Callback<(usize, String)>,
    onselectfile: Callback<usize>,
    onclosefile: Callback<usize>,
    onaddfile: Callback<()>,
    onapply: Callback<()>,
    oncommand: Callback<String>,
    oninterrupt: Callback<()>,
    onselect: Callback<Selection>,
    onunselect: Callback<()>,
    onseek: Callback<usize>,
    onspeed: Callback<usize>,
    onreset: Callback<()>,
    onback: Callback<()>,
    ontoggle: Callback<()>,
    onstep: Callback<()>,
    onfault: Callback<Vec<String>>,
    ontheme: Callback<Theme>,
    onimport: Callback<String>,
    onlesson: Callback<usize>,
    ontogglelessons: Callback<()>,
    onopenfile: Callback<(String, String)>,
}

impl Handlers {
    fn new(d: yew::functional::UseReducerDispatcher<State>) -> Handlers {
        fn with<T: 'static>(d: &yew::functional::UseReducerDispatcher<State>, f: fn(T) -> Action) -> Callback<T> {
            let d = d.clone();
            Callback::from(move |x: T| d.dispatch(f(x)))
        }
        Handlers {
            onedit: with(&d, |(i, t)| Action::Edit(i, t)),
            onselectfile: with(&d, Action::SelectFile),
            onclosefile: with(&d, Action::CloseFile),
            onaddfile: with(&d, |_: ()| Action::AddFile),
            onapply: with(&d, |_: ()| Action::ApplyActive),
            oncommand: with(&d, Action::Command),
            oninterrupt: with(&d, |_: ()| Action::Interrupt),
            onselect: with(&d, |s| Action::Select(Some(s))),
            onunselect: with(&d, |_: ()| Action::Select(None)),
            onseek: with(&d, Action::Seek),
            onspeed: with(&d, Action::SetSpeed),
            onreset: with(&d, |_: ()| Action::Reset),
            onback: with(&d, |_: ()| Action::Back),
            ontoggle: with(&d, |_: ()| Action::TogglePlay),
            onstep: with(&d, |_: ()| Action::Forward),
            onfault: with(&d, Action::Fault),
            ontheme: with(&d, Action::SetTheme),
            onimport: with(&d, Action::ImportScript),
            onlesson: with(&d, Action::Lesson),
            ontogglelessons: with(&d, |_: ()| Action::ToggleLessons),
            onopenfile: with(&d, |(name, text)| Action::OpenFile(name, text)),
        }
    }
}

/// The root component of the playground.
#[function_component]
pub fn App() -> Html {
    let state = use_reducer(boot::initial_state);
    let dispatcher = state.dispatcher();
    let rev = state.rev;
    let ready = state.engine == EngineStatus::Ready;

    // --- effects -------------------------------------------------------------------------
    // The simulator: its module is fetched as soon as the page runs, and the page's session
    // (share link, autosave or fresh) replaces the stand-in when it is there.
    // What the page starts from, read at its first render: the effect below takes a share link
    // out of the address bar, and "Try again" must still find it.
    let page = use_memo((), |_| boot::page_start());
    boot::use_engine(page.clone(), dispatcher.clone());
    // Autosave after each change, once its frame is painted (see `effects::use_autosave`);
    // never the stand-in's tabs over the work being restored.
    effects::use_autosave(state.session.clone(), rev, state.files_rev, state.playing, ready);
    // Memory for pending pods, made resident while idle (see `effects::use_warm_heap`).
    effects::use_warm_heap(state.session.clone(), rev);
    {
        let prefs = format!(
            "{}|{}|{}|{}|{}",
            state.theme.name(),
            if state.presenter { 1 } else { 0 },
            state.speed,
            if state.lessons_open { 1 } else { 0 },
            state.lesson
        );
        use_effect_with(prefs, |prefs| {
            storage::set(storage::PREFS_KEY, prefs);
        });
    }
    // Once the page is up, run the example on a scratch session so the browser compiles the
    // engine's and the diagram's code before the learner's first step needs it (see `warm`).
    {
        let session = state.session.clone();
        let warmed = use_mut_ref(|| false);
        use_effect_with(ready, move |&ready| {
            let timer = (ready && !warmed.replace(true)).then(|| {
                gloo::timers::callback::Timeout::new(WARM_UP_AFTER_MS, move || warm::warm_up(&session))
            });
            move || drop(timer)
        });
    }
    // The share link (or safe-mode query) has been read: take it out of the address bar.
    use_effect_with((), |_| {
        let f = storage::fragment();
        let q = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        if f.starts_with(storage::SHARE_PREFIX) || q.starts_with(storage::SAFE_QUERY) {
            storage::clear_fragment_and_query();
        }
    });
    // Play: one step per tick; the pause between steps follows the virtual time to the next
    // change, scaled by the speed (and bounded, so long waits do not stall the show).
    {
        let d = dispatcher.clone();
        let session = state.session.clone();
        use_effect_with((state.playing, rev, state.speed), move |(playing, _, speed)| {
            let timer = playing.then(|| {
                let gap = session.borrow().next_due_in().map(|ms| ms as f64).unwrap_or(400.0);
                let delay = (gap.clamp(150.0, 1500.0) / SPEEDS[*speed]).max(16.0) as u32;
                gloo::timers::callback::Timeout::new(delay, move || d.dispatch(Action::PlayTick))
            });
            move || drop(timer)
        });
    }
    // Keys: → step, ← back, space play/pause — unless typing in a field.
    {
        let d = dispatcher.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().and_then(|w| w.document()).map(|doc| {
                gloo::events::EventListener::new_with_options(
                    &doc,
                    "keydown",
                    gloo::events::EventListenerOptions::enable_prevent_default(),
                    move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
                    if e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() {
                        return;
                    }
                    let tag = e
                        .target()
                        .and_then(|t| t.dyn_into::<Element>().ok())
                        .map(|el| el.tag_name().to_ascii_lowercase())
                        .unwrap_or_default();
                    let typing = matches!(tag.as_str(), "input" | "textarea" | "select");
                    let action = match e.key().as_str() {
                        "ArrowRight" if !typing => Some(Action::Forward),
                        "ArrowLeft" if !typing => Some(Action::Back),
                        " " if !typing && tag != "button" && tag != "summary" && tag != "a" => Some(Action::TogglePlay),
                        "Escape" => Some(Action::Dialog(None)),
                        _ => None,
                    };
                    if let Some(a) = action {
                        e.prevent_default();
                        d.dispatch(a);
                    }
                    },
                )
            });
            move || drop(listener)
        });
    }
    // Theme on the root element too, so the page background follows.
    use_effect_with((state.theme, state.presenter), |(theme, presenter)| {
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            root.set_class_name(&format!("{}{}", theme.css(), if *presenter { " presenter" } else { "" }));
        }
    });

    // --- derived data (memoized on the revision) -------------------------------------------
    let view = {
        let s = state.session.clone();
        use_memo(rev, move |_| Rc::new(s.borrow().view()))
    };
    // The why panel follows a step one frame later: the step's own frame draws the diagram, and
    // the panel's new rows go to the next one (filling its events table was ~4 ms of layout in
    // the step that creates 100 pods).
    let why_rev = effects::use_painted_rev(rev);
    let (decisions, events, lead) = {
        let s = state.session.clone();
        (*use_memo(why_rev, move |_| {
            let why = s.borrow().why();
            (Rc::new(why.decisions), Rc::new(why.events), why.lead)
        }))
        .clone()
    };
    let inspected = {
        let s = state.session.clone();
        use_memo((rev, state.selected.clone()), move |(_, sel)| sel.as_ref().map(|sel| inspect(&**s.borrow(), sel)))
    };
    let (position, len, clock, active) = {
        let sess = state.session.borrow();
        (sess.position(), sess.len(), sess.clock(), sess.active())
    };
    let markers = {
        let s = state.session.clone();
        // What the console echoed: commands, and typed clock moves (`sim wait`…).
        use_memo(rev, move |_| Rc::new(s.borrow().markers()))
    };
    let (files, typed) = {
        let s = state.session.clone();
        (*use_memo(state.files_rev, move |_| {
            let sess = s.borrow();
            (Rc::new(sess.files().to_vec()), Rc::new(sess.typed().to_vec()))
        }))
        .clone()
    };

    // --- callbacks (stable across renders, so unchanged panels are not re-rendered) -------
    let h = {
        let d = dispatcher.clone();
        use_memo((), move |_| Handlers::new(d))
    };
    // What the console and the editor ask of the session as they are typed into (built once
    // per session, so their identity keeps the panels' props equal between renders).
    let asks = {
        let s = state.session.clone();
        use_memo(Rc::as_ptr(&state.session) as usize, move |_| Asks::new(&s))
    };
    let onshare = {
        let d = dispatcher.clone();
        let s = state.session.clone();
        Callback::from(move |_: ()| {
            let payload = s.borrow().share_payload();
            d.dispatch(Action::Dialog(Some(Dialog::Share(storage::share_link(&payload)))))
        })
    };
    let cb = |f: fn() -> Action| {
        let d = dispatcher.clone();
        Callback::from(move |_: ()| d.dispatch(f()))
    };
    let onnew = {
        let d = dispatcher.clone();
        let s = state.session.clone();
        Callback::from(move |_: ()| {
            if ready {
                boot::new_session(&s, d.clone())
            }
        })
    };
    // The controls that need the simulator are disabled until it is there.
    let busy = !ready;
    let onimport = h.onimport.clone();
    let close_dialog = cb(|| Action::Dialog(None));
    let dialog = match &state.dialog {
        Some(Dialog::Share(link)) => html! { <ShareDialog link={link.clone()} onclose={close_dialog.clone()} /> },
        Some(Dialog::Script) => {
            let script = state.session.borrow().script();
            html! { <ScriptDialog {script} {onimport} onclose={close_dialog.clone()} /> }
        }
        Some(Dialog::Help) => html! { <HelpDialog onclose={close_dialog.clone()} /> },
        None => html! {},
    };
    let notice = state.notice.clone().map(|n| {
        let d = dispatcher.clone();
        // After a failed load: fetch the simulator's module again (the loader does not keep a
        // failure), with the same start as the page's.
        let retry = (state.engine == EngineStatus::Unavailable).then(|| {
            let (d, page) = (dispatcher.clone(), page.clone());
            Callback::from(move |_: MouseEvent| {
                d.dispatch(Action::Retry);
                boot::load_page_session((*page).clone(), d.clone());
            })
        });
        html! {
            <div class="notice" role="status">
                <span>{ n }</span>
                if let Some(onclick) = retry {
                    <button {onclick}>{ "Try again" }</button>
                }
                <button onclick={Callback::from(move |_| d.dispatch(Action::Notice(None)))}>{ "Dismiss" }</button>
            </div>
        }
    });

    html! {
        <div class={classes!("app", state.theme.css(), state.presenter.then_some("presenter"))}>
            <Header theme={state.theme} presenter={state.presenter} {onshare}
                onscript={cb(|| Action::Dialog(Some(Dialog::Script)))}
                onhelp={cb(|| Action::Dialog(Some(Dialog::Help)))}
                {onnew} {busy} ontheme={h.ontheme.clone()}
                onpresenter={cb(|| Action::TogglePresenter)} lessons={state.lessons_open} onlessons={h.ontogglelessons.clone()} />
            { for notice }
            <p class="hint">{ crate::session::seed::HINT }</p>
            <div class="workspace" data-engine={match state.engine {
                EngineStatus::Loading => "loading",
                EngineStatus::Ready => "ready",
                EngineStatus::Unavailable => "unavailable",
            }}>
                <div class="col-left">
                    if state.lessons_open {
                        <Lessons index={state.lesson} onselect={h.onlesson.clone()} onclose={h.ontogglelessons.clone()}
                            oncommand={h.oncommand.clone()} onopen={h.onopenfile.clone()} {busy} restoring={state.restoring()} />
                    } else if files.is_empty() {
                        <section class="panel editor loading-panel" aria-label="Editor" aria-busy="true">
                            <p role="status">{ "Restoring your work…" }</p>
                        </section>
                    } else {
                        <Editor {files} {active} {busy} onedit={h.onedit.clone()} onselect={h.onselectfile.clone()} onadd={h.onaddfile.clone()}
                            onclose={h.onclosefile.clone()} onapply={h.onapply.clone()}
                            highlight={asks.highlight.clone()} diagnose={asks.diagnose.clone()} />
                    }
                    <Console lines={state.console.clone()} {typed} onsubmit={h.oncommand.clone()} complete={asks.complete.clone()}
                        read={asks.read.clone()} busy={match state.engine {
                            EngineStatus::Ready => None,
                            EngineStatus::Loading => Some(AttrValue::from("the simulator is loading…")),
                            EngineStatus::Unavailable => Some(AttrValue::from("the simulator could not be loaded (Try again, above)")),
                        }}
                        oninterrupt={h.oninterrupt.clone()} watching={state.watch.is_some()} {position} />
                </div>
                <div class="col-right">
                    <section class="panel stage" aria-label="Diagram" aria-busy={(state.engine == EngineStatus::Loading).to_string()}>
                        if ready {
                            <Diagram view={(*view).clone()} selected={state.selected.clone()} recent={state.recent.clone()} onselect={h.onselect.clone()}
                                presenter={state.presenter} />
                        } else {
                            <p class="stage-loading" role="status">{ match state.engine {
                                EngineStatus::Unavailable => "The simulator could not be loaded.",
                                _ => "Starting the simulated cluster…",
                            } }</p>
                        }
                    </section>
                    <TimeBar {position} {len} markers={(*markers).clone()} playing={state.playing} speed={state.speed} {clock}
                        onreset={h.onreset.clone()} onback={h.onback.clone()} ontoggle={h.ontoggle.clone()}
                        onstep={h.onstep.clone()} onseek={h.onseek.clone()} onspeed={h.onspeed.clone()} {busy} />
                    <div class="below">
                        <WhyPanel {decisions} {events} {lead} {busy} />
                        <Inspector inspected={(*inspected).clone()} onfault={h.onfault.clone()} oncommand={h.oncommand.clone()} onclose={h.onunselect.clone()} />
                    </div>
                </div>
            </div>
            { dialog }
        </div>
    }
}

/// Delay after mounting before [`warm::warm_up`] runs: long enough for the first
/// paint, short enough to be done before anyone clicks.
const WARM_UP_AFTER_MS: u32 = 50;

/// Strings sent to the DOM for nearly every element the diagram and the panels create: the SVG
/// namespace and tag names (Yew passes both to `createElementNS`) and frequent attribute values.
/// [`start`] interns them, so each use is a cached JS value, not a fresh UTF-8 decode.
pub const HOT_STRINGS: &[&str] = &[
    "http://www.w3.org/2000/svg",
    "g",
    "rect",
    "text",
    "title",
    "line",
    "circle",
    "button",
    "0",
    "2",
    "3",
    "pod-box",
];

/// Mounts the playground into the page: installs the panic hook, then renders [`App`] into
/// the element with id [`MOUNT_ID`], replacing its loading placeholder.
pub fn start() {
    install_panic_hook();
    for s in HOT_STRINGS {
        wasm_bindgen::intern(s);
    }
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
    // Your files and history are autosaved before every action; this reload brings them back.
    // If replaying the history is what fails, the safe reload brings back the files only.
    let safe = document.create_element("a").ok()?;
    safe.set_attribute("href", storage::SAFE_QUERY).ok()?;
    safe.set_attribute("class", "safe-reload").ok()?;
    safe.set_text_content(Some("Reload with my files only"));
    banner.append_child(&text).ok()?;
    banner.append_child(&reload).ok()?;
    banner.append_child(&safe).ok()?;
    Some(banner)
}

fn document() -> Option<Document> {
    web_sys::window()?.document()
}

