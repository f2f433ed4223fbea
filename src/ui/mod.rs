//! The browser playground (Yew).
use wasm_bindgen::prelude::*;

/// Mounts the playground into the page.
pub fn start() {
    console_error_panic_hook::set_once();
    let _ = JsValue::NULL;
}
