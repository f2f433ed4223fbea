//! Browser storage and the address bar: autosave to localStorage, share links in the URL
//! fragment (never sent to a server), and the "safe mode" a panic's reload link offers.
//!
//! Every function here is best-effort: storage can be full, disabled or blocked (private mode),
//! and the playground must still work without it.

use wasm_bindgen::JsValue;

/// localStorage key of the autosaved session.
pub const SESSION_KEY: &str = "stsplay.session.v1";
/// localStorage key of UI preferences (`theme|presenter|speed|lessons open|lesson`).
pub const PREFS_KEY: &str = "stsplay.prefs.v1";
/// Fragment prefix of a share link.
pub const SHARE_PREFIX: &str = "#s=";
/// Query that reloads with the saved files but without replaying the history (offered by
/// the panic banner, in case replaying the history is what fails).
pub const SAFE_QUERY: &str = "?safe";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Reads a key.
pub fn get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Writes a key; false when storage refused (full, disabled).
pub fn set(key: &str, value: &str) -> bool {
    storage().is_some_and(|s| s.set_item(key, value).is_ok())
}

/// The autosaved session's JSON, if any (the session decodes it:
/// [`crate::session::api::Start::Saved`]).
pub fn load_session() -> Option<String> {
    get(SESSION_KEY)
}

/// Autosaves a session's JSON ([`crate::session::api::SessionApi::autosave_json`]).
pub fn save_session(json: &str) -> bool {
    set(SESSION_KEY, json)
}

/// The current URL fragment (with `#`), "" when none.
pub fn fragment() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Removes the fragment from the address bar without reloading (after reading a share link,
/// so a reload restores the autosave, which by then holds the shared session).
pub fn clear_fragment() {
    let Some(w) = web_sys::window() else { return };
    let (Ok(path), Ok(search)) = (w.location().pathname(), w.location().search()) else { return };
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}{search}")));
    }
}

/// The page's address without fragment: the base of share links (works under any sub-path).
pub fn page_url() -> String {
    let Some(w) = web_sys::window() else { return String::new() };
    let href = w.location().href().unwrap_or_default();
    match href.find('#') {
        Some(i) => href[..i].to_string(),
        None => href,
    }
}

/// A share link for a session's payload ([`crate::session::api::SessionApi::share_payload`]).
pub fn share_link(payload: &str) -> String {
    format!("{}{SHARE_PREFIX}{payload}", page_url())
}

/// Removes the fragment and the query from the address bar without reloading.
pub fn clear_fragment_and_query() {
    let Some(w) = web_sys::window() else { return };
    let Ok(path) = w.location().pathname() else { return };
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&path));
    }
}
