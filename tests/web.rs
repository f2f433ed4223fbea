//! Browser tests (wasm-bindgen-test in headless Chromium): the Yew app mounts and runs the engine.
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --offline --locked --target
//! wasm32-unknown-unknown --test web` (scripts/test.sh does this). On the host this file is empty.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use stsplay::ui::{self, App};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh `<div>` appended to `<body>`, so each test renders in isolation.
fn fresh_root() -> Element {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("the browser test runs with a document");
    let root = document.create_element("div").expect("create a div");
    document
        .body()
        .expect("the document has a body")
        .append_child(&root)
        .expect("append the div to body");
    root
}

/// Yields to the browser so Yew's scheduler runs the pending render.
async fn settle() {
    yew::platform::time::sleep(Duration::ZERO).await;
}

#[wasm_bindgen_test]
async fn app_mounts_and_shows_the_engine_line() {
    let root = fresh_root();
    root.set_text_content(Some("Loading…"));
    let app = yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;

    let text = root.text_content().unwrap_or_default();
    assert!(
        text.contains(ui::PRODUCT_NAME),
        "no product name in {text:?}"
    );
    assert!(
        text.contains("Engine loaded: statefulsets.apps"),
        "no engine line in {text:?}"
    );
    assert_eq!(ui::engine_line(), "Engine loaded: statefulsets.apps");
    assert!(
        !text.contains("Loading"),
        "placeholder not replaced: {text:?}"
    );
    app.destroy();
}

#[wasm_bindgen_test]
fn fatal_error_banner_shows_text_not_html() {
    ui::show_fatal_error("boom <img src=x onerror=alert(1)>");
    ui::show_fatal_error("second <b>error</b>");

    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("document");
    let banners = document
        .query_selector_all(&format!("#{}", ui::FATAL_ERROR_ID))
        .expect("query");
    assert_eq!(banners.length(), 1, "repeated errors reuse one banner");
    let banner = document
        .get_element_by_id(ui::FATAL_ERROR_ID)
        .expect("banner is shown");
    let text = banner.text_content().unwrap_or_default();
    assert!(text.contains("second <b>error</b>"), "got {text:?}");
    assert!(text.contains("Reload the playground"), "got {text:?}");
    assert!(
        banner.query_selector("b").expect("query").is_none(),
        "message parsed as HTML"
    );
    assert!(
        banner.query_selector("img").expect("query").is_none(),
        "message parsed as HTML"
    );
    banner.remove();
}
