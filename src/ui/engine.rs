//! Loading the simulator: the page's module enters the engine through [`open_session`] only.
//!
//! Built with the `split` feature (as `index.html` builds the app), [`open_session`]'s work is a
//! `#[wasm_split(engine)]` function: the engine, kubectl and the session layer, everything only
//! it and the [`SessionApi`] vtable it creates reach, go to a second wasm module that the page
//! fetches the first time it is called (scripts/split_wasm.py cuts the build). The page is
//! drawn and its editor usable before that module arrives; [`super::pending::Pending`] stands
//! in for the session meanwhile. Without the feature (the wasm tests) it is a plain call.

use crate::session::api::{OpenError, SessionApi, Start};

/// What opening a session gave: the session, or why its start could not be used.
pub type Opened = Result<Box<dyn SessionApi>, OpenError>;

/// The simulator's module could not be fetched or started (offline, a host that lost a file).
/// The browser console has the details.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unavailable;

#[cfg(feature = "split")]
impl From<wasm_split_helpers::SplitLoaderError> for Unavailable {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Unavailable {
        Unavailable
    }
}

/// The split point. `fallible`: a module that cannot be loaded is an error value, not an abort,
/// and the next call tries again.
#[cfg(feature = "split")]
#[wasm_split_helpers::wasm_split(engine, fallible)]
fn open_in_engine(start: Start) -> Result<Opened, Unavailable> {
    Ok(crate::session::api::open(start))
}

/// Opens a session ([`crate::session::api::open`]), loading the simulator's module first if it
/// is not loaded yet.
pub async fn open_session(start: Start) -> Result<Opened, Unavailable> {
    #[cfg(feature = "split")]
    {
        open_in_engine(start).await
    }
    #[cfg(not(feature = "split"))]
    {
        Ok(crate::session::api::open(start))
    }
}

/// Opens a session at once, in the page's own module (the wasm tests, built without the
/// `split` feature; the split build has no such door).
#[cfg(not(feature = "split"))]
pub fn open_now(start: Start) -> Opened {
    crate::session::api::open(start)
}

/// How the page starts: what the address and the autosave hold, read when it mounts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageStart {
    /// A share link's payload (after `#s=`).
    pub share: Option<String>,
    /// The autosave's JSON.
    pub saved: Option<String>,
    /// `?safe`: the files only, without replaying the history.
    pub safe: bool,
}

impl PageStart {
    /// Whether the page starts fresh (nothing to restore): the example is shown, and edited,
    /// while the simulator loads.
    pub fn is_fresh(&self) -> bool {
        self.share.is_none() && self.saved.is_none()
    }
}

/// The session the page starts with: a share link, else the autosave, else a fresh one; with a
/// notice when a link or the autosave could not be used, and whether it is fresh.
pub struct Started {
    /// The session.
    pub session: Box<dyn SessionApi>,
    /// What the learner is told.
    pub notice: Option<String>,
    /// Nothing was restored (the editor's tabs from before the load carry over).
    pub fresh: bool,
}

/// The notice of a "files only" reload.
pub const SAFE_MODE: &str = "Safe mode: your files are back; the history was not replayed.";

/// Opens the page's session (see [`Started`]).
pub async fn start(page: PageStart) -> Result<Started, Unavailable> {
    let mut notice = None;
    if let Some(payload) = page.share {
        match open_session(Start::Shared { payload }).await? {
            Ok(session) => return Ok(Started { session, notice, fresh: false }),
            Err(e) => {
                notice = Some(format!(
                    "This share link could not be opened: {}. Your own saved work is shown instead.",
                    e.message()
                ))
            }
        }
    }
    if let Some(json) = page.saved {
        let safe = page.safe;
        match open_session(Start::Saved { json, safe }).await? {
            Ok(session) => {
                let notice = if safe { Some(SAFE_MODE.to_string()) } else { notice };
                return Ok(Started { session, notice, fresh: false });
            }
            Err(OpenError::Unreadable(e)) => notice = Some(format!("Your saved session could not be read: {e}")),
            Err(OpenError::Unrestorable(_)) if safe => notice = Some(SAFE_MODE.into()),
            Err(OpenError::Unrestorable(e)) => notice = Some(format!("Your saved session could not be restored: {e}")),
        }
    }
    match open_session(Start::Fresh).await? {
        Ok(session) => Ok(Started { session, notice, fresh: true }),
        // A fresh session reads nothing that could be refused.
        Err(_) => Err(Unavailable),
    }
}
