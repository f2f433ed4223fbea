//! Side effects of [`super::App`] that wait for the step's frame to be painted: work the
//! learner does not need in that frame (the autosave, the why panel) goes to the time after it,
//! so a step that creates many pods still fits in one frame.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::state::SessionRef;
use super::storage;

/// A callback scheduled by [`after_paint`]: dropping it cancels the callback, unless
/// [`Pending::detach`] let it go.
pub struct Pending(Option<Rc<Cell<bool>>>);

impl Pending {
    /// Lets the callback run even though this handle is dropped.
    pub fn detach(mut self) {
        self.0 = None;
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(cancelled) = &self.0 {
            cancelled.set(true);
        }
    }
}

/// Runs `f` once the next frame has been painted: a timer task queued from that frame's
/// animation-frame callback runs after the frame. The closures free themselves once called.
pub fn after_paint(f: impl FnOnce() + 'static) -> Pending {
    let cancelled = Rc::new(Cell::new(false));
    let c = cancelled.clone();
    let task = Closure::once_into_js(move || {
        if !c.get() {
            f();
        }
    });
    let frame = Closure::once_into_js(move || {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(task.unchecked_ref(), 0);
        }
    });
    if let Some(w) = web_sys::window() {
        let _ = w.request_animation_frame(frame.unchecked_ref());
    }
    Pending(Some(cancelled))
}

/// `rev`, one painted frame late: what a panel that may follow a step a frame later (the why
/// panel) keys its data on. While revisions come faster than frames, the ones no frame showed
/// are skipped.
#[hook]
pub fn use_painted_rev(rev: u64) -> u64 {
    let painted = use_state_eq(|| rev);
    let set = painted.setter();
    use_effect_with(rev, move |&rev| {
        let frame = after_paint(move || set.set(rev));
        move || drop(frame)
    });
    *painted
}

/// Keeps heap warm for the work the cluster has pending ([`super::heap::warm`]): after each
/// change's frame is painted, so a learner who scales a set to 1,000 has the memory for its pods
/// ready by the time they step, and the step does not pay for the operating system's pages.
#[hook]
pub fn use_warm_heap(session: SessionRef, rev: u64) {
    use_effect_with(rev, move |_| {
        let frame = after_paint(move || {
            let pods = session.try_borrow().map(|s| s.pods_to_create()).unwrap_or(0);
            super::heap::warm(super::heap::bytes_for_pods(pods));
        });
        move || drop(frame)
    });
}

/// Autosave of the session to localStorage: after each change of the session (`rev`, `files_rev`),
/// once that change's frame has painted (writing it in the frame cost ~1 ms at 100 pods, more as
/// the history grows); at most once a second while playing; and when the page is hidden or left
/// (`pagehide`), so a reload or a closed tab loses nothing, not even the last second of play.
/// A crash in an action loses at most the action before it, if that came within the same frame.
#[hook]
pub fn use_autosave(session: SessionRef, rev: u64, files_rev: u64, playing: bool, ready: bool) {
    let save = {
        let session = session.clone();
        move || {
            // Only the real session: before it is there, the stand-in's tabs would overwrite
            // the very work being restored.
            if !ready {
                return;
            }
            // Not while an action is changing the session (cannot happen between tasks; cheap to check).
            if let Ok(s) = session.try_borrow() {
                storage::save_session(&s.autosave_json());
            }
        }
    };
    {
        let save = save.clone();
        use_effect_with((rev, files_rev, playing), move |&(_, _, playing)| {
            // Each change schedules its own save, not cancelled by the next change (cancelling
            // would leave a change unsaved if the next action crashed): every save writes the
            // session as it is then, so a late one is never stale.
            let throttle = if playing {
                Some(gloo::timers::callback::Timeout::new(1000, save))
            } else {
                after_paint(save).detach();
                None
            };
            move || drop(throttle)
        });
    }
    use_effect_with((Rc::as_ptr(&session) as usize, ready), move |_| {
        let listeners = web_sys::window().map(|w| {
            let s2 = save.clone();
            (
                gloo::events::EventListener::new(&w, "pagehide", move |_| save()),
                gloo::events::EventListener::new(&w, "visibilitychange", move |_| s2()),
            )
        });
        move || drop(listeners)
    });
}
