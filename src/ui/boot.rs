//! How the page starts: its first state (drawn before the simulator has loaded), and the
//! sessions it opens through [`super::engine`] — the page's own (share link, autosave or
//! fresh), again after a failed load ("Try again"), and "New session".

use std::rc::Rc;

use yew::prelude::*;

use super::engine;
use super::pending::Pending;
use super::state::{self, Action, Handoff, Opening, State, Theme, SPEEDS};
use super::storage;
use crate::session::api::Start;

/// What the page starts from: a share link in the address, the autosave, `?safe`.
pub(super) fn page_start() -> engine::PageStart {
    let fragment = storage::fragment();
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    engine::PageStart {
        share: fragment.strip_prefix(storage::SHARE_PREFIX).map(str::to_string),
        saved: storage::load_session(),
        safe: search.starts_with(storage::SAFE_QUERY),
    }
}

/// The page's first state, drawn before the simulator has loaded: the example to edit (or,
/// when work is being restored, no tabs yet) and the learner's display preferences. The
/// session itself arrives as [`Action::Opened`] (see [`use_engine`]).
pub(super) fn initial_state() -> State {
    let pending = if page_start().is_fresh() { Pending::example() } else { Pending::restoring() };
    let mut state = State::loading(pending);
    if let Some(prefs) = storage::get(storage::PREFS_KEY) {
        let mut it = prefs.split('|');
        state.theme = Theme::from_name(it.next().unwrap_or(""));
        state.presenter = it.next() == Some("1");
        if let Some(sp) = it.next().and_then(|s| s.parse::<usize>().ok()) {
            state.speed = sp.min(SPEEDS.len() - 1);
        }
        // The lessons panel and the lesson in it: a reload goes on where the learner was.
        state.lessons_open = it.next() == Some("1");
        if let Some(l) = it.next().and_then(|s| s.parse::<usize>().ok()) {
            state.lesson = l.min(crate::session::lessons::LESSONS.len() - 1);
        }
    }
    state
}

/// Loads the simulator and opens the page's session in it ([`engine::start`]), then hands it
/// to the reducer; or says that it could not be loaded.
pub(super) fn load_page_session(page: engine::PageStart, d: yew::functional::UseReducerDispatcher<State>) {
    wasm_bindgen_futures::spawn_local(async move {
        match engine::start(page).await {
            Ok(started) => {
                let opening = Opening::Page { fresh: started.fresh };
                d.dispatch(Action::Opened(Handoff::new(started.session, opening, started.notice)));
            }
            Err(engine::Unavailable) => d.dispatch(Action::Unavailable),
        }
    });
}

/// [`load_page_session`] when the page mounts.
#[hook]
pub(super) fn use_engine(page: Rc<engine::PageStart>, d: yew::functional::UseReducerDispatcher<State>) {
    use_effect_with((), move |_| load_page_session((*page).clone(), d));
}

/// "New session": a fresh cluster and history in a new session that keeps the tabs and the
/// typed lines (opened through [`engine::open_session`], like the page's).
pub(super) fn new_session(session: &state::SessionRef, d: yew::functional::UseReducerDispatcher<State>) {
    let start = {
        let s = session.borrow();
        Start::Keep { files: s.files().to_vec(), active: s.active(), typed: s.typed().to_vec() }
    };
    wasm_bindgen_futures::spawn_local(async move {
        match engine::open_session(start).await {
            Ok(Ok(session)) => d.dispatch(Action::Opened(Handoff::new(session, Opening::New, None))),
            // Keeping the tabs reads nothing that could be refused.
            Ok(Err(_)) => {}
            Err(engine::Unavailable) => d.dispatch(Action::Unavailable),
        }
    });
}
