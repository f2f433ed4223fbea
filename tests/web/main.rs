//! Browser tests (wasm-bindgen-test in headless Chromium): the playground mounts, applies the
//! example, steps, scales from the console, steps back, highlights user text as text, and keeps
//! the panic banner safe; a large set's grid draws the rows in view and keeps focus while
//! scrolling; the page waits for the simulator's module (`loading.rs`).
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --offline --locked --target
//! wasm32-unknown-unknown --test web` (scripts/test.sh does this). On the host this file is empty.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use stsplay::session::api::Start;
use stsplay::session::input::Input;
use stsplay::ui::state::{Action, State};
use stsplay::ui::{self, App};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit};
use yew::Reducible;

mod loading;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("the browser test runs with a document")
}

/// A fresh `<div>` appended to `<body>`, and no autosave left by another test.
fn fresh_root() -> Element {
    if let Ok(Some(s)) = web_sys::window().expect("window").local_storage() {
        let _ = s.clear();
    }
    let root = document().create_element("div").expect("create a div");
    document().body().expect("body").append_child(&root).expect("append");
    root
}

/// The state a reload shows: the session reopened from its autosave.
fn reload(s: &State) -> State {
    let json = s.session.borrow().autosave_json();
    State::open(Start::Saved { json, safe: false }).expect("restores")
}

async fn flush() {
    yew::scheduler::flush().await;
}

/// Waits until the app has its session (opened asynchronously when the page mounts, as the
/// split build loads the simulator's module then).
async fn until_ready(root: &Element) {
    for _ in 0..100 {
        flush().await;
        if count(root, ".workspace[data-engine=ready]") == 1 {
            return;
        }
        sleep(5).await;
    }
    panic!("the session was never opened");
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).expect("query").length()
}

fn button_by_label(root: &Element, label: &str) -> HtmlElement {
    let all = root.query_selector_all("button").expect("query");
    for i in 0..all.length() {
        let b = all.item(i).expect("item").dyn_into::<HtmlElement>().expect("button");
        if b.get_attribute("aria-label").as_deref() == Some(label) || b.text_content().as_deref() == Some(label) {
            return b;
        }
    }
    panic!("no button {label:?}");
}

async fn type_command(root: &Element, line: &str) {
    let input: HtmlInputElement =
        root.query_selector(".prompt-input").expect("query").expect("prompt").dyn_into().expect("input");
    input.set_value(line);
    let ev = web_sys::InputEvent::new("input").expect("event");
    input.dispatch_event(&ev).expect("dispatch");
    flush().await;
    let init = KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    let ev = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    input.dispatch_event(&ev).expect("dispatch");
    flush().await;
}

#[wasm_bindgen_test]
async fn app_mounts_applies_steps_and_steps_back() {
    let root = fresh_root();
    root.set_text_content(Some("Loading…"));
    let app = yew::Renderer::<App>::with_root(root.clone()).render();
    until_ready(&root).await;

    let text = root.text_content().unwrap_or_default();
    assert!(text.contains(ui::PRODUCT_NAME), "no product name in {text:?}");
    assert!(text.contains("Press Apply"), "no hint");
    assert!(!text.contains("Loading"), "placeholder not replaced");
    // The editor highlights the example.
    assert!(count(&root, ".highlight .tok-key") > 10);

    button_by_label(&root, "Apply").click();
    flush().await;
    assert!(root.text_content().unwrap_or_default().contains("statefulset.apps/myapp created"));
    assert_eq!(count(&root, "svg.diagram g.sts"), 1);
    for _ in 0..4 {
        button_by_label(&root, "Step forward").click();
        flush().await;
    }
    assert_eq!(count(&root, "svg.diagram g.pod"), 1, "myapp-0 is created first");

    type_command(&root, "sim wait").await;
    assert_eq!(count(&root, "svg.diagram g.pod.health-ready"), 3);
    type_command(&root, "kubectl scale sts myapp --replicas=1").await;
    assert!(root.text_content().unwrap_or_default().contains("statefulset.apps/myapp scaled"));
    type_command(&root, "sim wait").await;
    assert_eq!(count(&root, "svg.diagram g.pod:not(.ghost)"), 1);
    assert_eq!(count(&root, "svg.diagram g.claim.detached"), 2, "claims stay, detached, after scale-down");

    // Step back twice: before the wait and the scale.
    button_by_label(&root, "Step back").click();
    flush().await;
    button_by_label(&root, "Step back").click();
    flush().await;
    assert_eq!(count(&root, "svg.diagram g.pod.health-ready"), 3);
    app.destroy();
}

#[wasm_bindgen_test]
async fn kubectl_edit_opens_a_tab_and_save_patches() {
    let root = fresh_root();
    let app = yew::Renderer::<App>::with_root(root.clone()).render();
    until_ready(&root).await;
    button_by_label(&root, "Apply").click();
    flush().await;
    type_command(&root, "kubectl edit sts nope").await;
    assert!(root.text_content().unwrap_or_default().contains("statefulsets.apps \"nope\" not found"));
    assert_eq!(count(&root, ".tab-edit"), 0, "no tab for an unknown object");
    type_command(&root, "kubectl edit sts myapp").await;
    assert_eq!(count(&root, ".tab-edit.active"), 1);
    let tab = root.query_selector(".tab-edit .tab-name").expect("query").expect("tab").text_content().unwrap_or_default();
    assert_eq!(tab, "edit: statefulset.apps/myapp");
    let ta: web_sys::HtmlTextAreaElement =
        root.query_selector("textarea.source").expect("query").expect("editor").dyn_into().expect("textarea");
    assert!(ta.value().starts_with("# Please edit the object below."), "{}", ta.value());
    ta.set_value(&ta.value().replace("replicas: 3", "replicas: 4"));
    ta.dispatch_event(&web_sys::InputEvent::new("input").expect("event")).expect("dispatch");
    flush().await;
    button_by_label(&root, "Save").click();
    flush().await;
    assert!(root.text_content().unwrap_or_default().contains("statefulset.apps/myapp edited"));
    assert_eq!(count(&root, ".tab-edit"), 0, "the editor closed");
    app.destroy();
}

#[wasm_bindgen_test]
async fn user_text_is_text_not_html() {
    let root = fresh_root();
    let app = yew::Renderer::<App>::with_root(root.clone()).render();
    until_ready(&root).await;
    let ta: web_sys::HtmlTextAreaElement =
        root.query_selector("textarea.source").expect("query").expect("editor").dyn_into().expect("textarea");
    ta.set_value("name: <img src=x onerror=alert(1)>\nkind: <b>x</b>\n");
    ta.dispatch_event(&web_sys::InputEvent::new("input").expect("event")).expect("dispatch");
    flush().await;
    assert_eq!(count(&root, ".code img"), 0);
    assert_eq!(count(&root, ".code b"), 0);
    let overlay = root.query_selector(".highlight").expect("query").expect("overlay").text_content().unwrap_or_default();
    assert!(overlay.contains("<img src=x onerror=alert(1)>"), "{overlay:?}");
    type_command(&root, "kubectl get pods <script>").await;
    assert_eq!(count(&root, ".console-out script"), 0);
    app.destroy();
}

#[wasm_bindgen_test]
fn reducer_records_inputs_and_branches() {
    let s = Rc::new(State::default());
    let s = s.reduce(Action::ApplyActive);
    let s = s.reduce(Action::Step).reduce(Action::Step);
    assert_eq!(s.session.borrow().position(), 3);
    let s = s.reduce(Action::Back);
    assert_eq!(s.session.borrow().position(), 2);
    let s = s.reduce(Action::Command("kubectl get pods".into()));
    assert_eq!(s.session.borrow().len(), 3, "reading does not branch");
    let s = s.reduce(Action::Command("kubectl scale sts myapp --replicas=2".into()));
    assert_eq!(s.session.borrow().len(), 3, "acting in the past branches");
    assert!(matches!(s.session.borrow().history()[2], Input::Kubectl { .. }));
    let back = reload(&s);
    assert_eq!(back.session.borrow().position(), 3);
}

#[wasm_bindgen_test]
fn console_follows_the_timeline() {
    fn future(s: &State) -> usize {
        let pos = s.session.borrow().position();
        s.console.iter().filter(|l| l.at > pos).count()
    }
    let s = Rc::new(State::default()).reduce(Action::ApplyActive);
    let s = s.reduce(Action::Command("kubectl scale sts myapp --replicas=2".into()));
    assert_eq!(future(&s), 0);
    let s = s.reduce(Action::Back);
    assert_eq!(future(&s), 2, "the command and its output are later on the timeline");
    let s = s.reduce(Action::Forward);
    assert_eq!(future(&s), 0, "stepping forward reaches them again");
    let s = s.reduce(Action::Back).reduce(Action::Command("kubectl get sts".into()));
    assert_eq!(future(&s), 2, "reading does not branch");
    let s = s.reduce(Action::Command("kubectl scale sts myapp --replicas=4".into()));
    assert_eq!(future(&s), 0);
    assert!(!s.console.iter().any(|l| l.text.contains("--replicas=2")), "branching discards the old future");
    // A restored session shows its redo-able entries as in the future too.
    let s = s.reduce(Action::Back);
    let back = reload(&s);
    assert_eq!(future(&back), 2);
}

#[wasm_bindgen_test]
fn console_prints_both_streams_in_the_order_kubectl_wrote_them() {
    use stsplay::ui::state::LineKind;
    let s = Rc::new(State::default()).reduce(Action::ApplyActive).reduce(Action::Command("sim wait".into()));
    // `logs` is read-only (run on a copy of the cluster), `get` too.
    let s = s.reduce(Action::Command("kubectl logs sts/myapp --tail=1".into()));
    let n = s.console.len();
    let last: Vec<(LineKind, &str)> = s.console[n - 2..].iter().map(|l| (l.kind, l.text.as_str())).collect();
    assert_eq!(last[0], (LineKind::Err, "Found 3 pods, using pod/myapp-0"), "{last:?}");
    assert_eq!(last[1].0, LineKind::Out, "{last:?}");
    let s = s.reduce(Action::Command("kubectl get endpoints myapp".into()));
    let n = s.console.len();
    assert_eq!(s.console[n - 2].kind, LineKind::Err, "the deprecation warning comes first");
    assert!(s.console[n - 1].text.starts_with("NAME"), "{:?}", s.console[n - 1]);
}

#[wasm_bindgen_test]
fn a_restored_console_keeps_the_typed_clock_moves() {
    let s = Rc::new(State::default())
        .reduce(Action::ApplyActive)
        .reduce(Action::Command("sim step 3".into()))
        .reduce(Action::Command("sim advance 5s".into()))
        .reduce(Action::Step)
        .reduce(Action::Command("sim wait".into()));
    let texts = |s: &State| s.console.iter().map(|l| l.text.clone()).collect::<Vec<_>>();
    let live = texts(&s);
    for typed in ["sim step 3", "sim advance 5s", "sim wait"] {
        assert!(live.iter().any(|t| t == typed), "{typed} echoed live: {live:?}");
    }
    // A reload (or a share link) replays the history: the transcript is the same.
    let back = reload(&s);
    assert_eq!(texts(&back), live);
}

#[wasm_bindgen_test]
async fn the_scrubber_marks_typed_clock_moves_like_commands() {
    let root = fresh_root();
    let app = yew::Renderer::<App>::with_root(root.clone()).render();
    until_ready(&root).await;
    button_by_label(&root, "Apply").click();
    flush().await;
    button_by_label(&root, "Step forward").click();
    flush().await;
    type_command(&root, "sim wait").await;
    type_command(&root, "kubectl wait --for=condition=Ready pod/myapp-2").await;
    // The apply, `sim wait` and `kubectl wait`; not the Step button's step.
    assert_eq!(count(&root, ".timebar .markers line.marker"), 3);
    app.destroy();
}

#[wasm_bindgen_test]
fn fatal_error_banner_shows_text_not_html() {
    ui::show_fatal_error("boom <img src=x onerror=alert(1)>");
    ui::show_fatal_error("second <b>error</b>");

    let banners = document().query_selector_all(&format!("#{}", ui::FATAL_ERROR_ID)).expect("query");
    assert_eq!(banners.length(), 1, "repeated errors reuse one banner");
    let banner = document().get_element_by_id(ui::FATAL_ERROR_ID).expect("banner is shown");
    let text = banner.text_content().unwrap_or_default();
    assert!(text.contains("second <b>error</b>"), "got {text:?}");
    assert!(text.contains("Reload the playground"), "got {text:?}");
    assert!(text.contains("Reload with my files only"), "got {text:?}");
    assert!(banner.query_selector("b").expect("query").is_none(), "message parsed as HTML");
    assert!(banner.query_selector("img").expect("query").is_none(), "message parsed as HTML");
    banner.remove();
}

/// Resolves after `ms` milliseconds (scroll events and the grid's measurements come in frames).
async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

#[wasm_bindgen_test]
async fn a_large_grid_draws_the_rows_in_view_and_keeps_focus_while_scrolling() {
    use stsplay::session::{seed, view, Session, NAMESPACE};
    use stsplay::ui::components::diagram::{Diagram, DiagramProps};

    let mut session = Session::new();
    let yaml = seed::parallel(1000);
    session.act(Input::Apply { file: seed::SEED_FILE.into(), text: yaml });
    for _ in 0..3 {
        session.act(Input::STEP);
    }
    let v = Rc::new(view::build(session.cluster(), NAMESPACE));
    assert_eq!(view::drawn_pods(&v), 1000);

    // The page's stage, as the stylesheet (not loaded here) would make it: a scrolling box.
    let style = document().create_element("style").expect("style");
    style.set_text_content(Some(".grid-test{width:780px;height:300px;overflow:auto} .grid-test svg{display:block;width:100%;height:auto}"));
    document().head().expect("head").append_child(&style).expect("append");
    let stage = fresh_root();
    stage.set_class_name("grid-test");
    let picked = Rc::new(std::cell::RefCell::new(Vec::new()));
    let onselect = {
        let picked = picked.clone();
        yew::Callback::from(move |s: stsplay::ui::state::Selection| picked.borrow_mut().push(s.name))
    };
    let props = DiagramProps { view: v, selected: None, recent: Rc::new(Vec::new()), onselect, presenter: false };
    let _diagram = yew::Renderer::<Diagram>::with_root_and_props(stage.clone(), props).render();
    flush().await;
    sleep(50).await;
    flush().await;

    let drawn = count(&stage, "rect.pod.mini");
    assert!(drawn > 0 && drawn < 1000, "only the rows in view are drawn, got {drawn}");
    // Every drawn slot's claim is a bar: one rectangle (`M…z`) in its phase's path.
    let bars: usize = ["bound", "pending"]
        .iter()
        .map(|phase| {
            let path = stage.query_selector(&format!("path.claim-bar.phase-{phase}")).expect("query").expect("a path per phase");
            path.get_attribute("d").unwrap_or_default().matches('M').count()
        })
        .sum();
    assert_eq!(bars, drawn as usize, "one bar per drawn slot");
    let below = stage.query_selector("rect.offscreen").expect("query").expect("a placeholder for the rows below");
    let label = below.get_attribute("aria-label").unwrap_or_default();
    assert!(label.contains("to myapp-999") && label.contains("out of view"), "{label}");

    // Focus the last square drawn, scroll a little further: rows come and go around the focused
    // one, which stays (a square scrolled out of the drawn rows is removed, focus and all).
    let last = stage.query_selector_all("rect.pod.mini").expect("query").item(drawn - 1).expect("item").dyn_into::<web_sys::SvgElement>().expect("a square");
    last.focus().expect("focus");
    sleep(100).await; // focusing scrolled it into view: the rows below it are drawn now
    flush().await;
    let more = count(&stage, "rect.pod.mini");
    assert!(more > drawn, "scrolling to the focused square drew the rows below it ({drawn} → {more})");
    stage.set_scroll_top(stage.scroll_top() + 60);
    sleep(100).await;
    flush().await;
    assert!(last.is_connected(), "the focused square was not replaced");
    assert_eq!(document().active_element().map(|e| e.is_same_node(Some(&last))), Some(true));

    // At the bottom, the last pod is there and clicking works on it.
    stage.set_scroll_top(stage.scroll_height());
    sleep(100).await;
    flush().await;
    let end = stage.query_selector("rect.pod.mini[aria-label^='Pod myapp-999:']").expect("query");
    assert!(end.is_some(), "scrolling to the end draws myapp-999");
    assert!(count(&stage, "rect.pod.mini") < 1000);
    // The grid handles clicks and keys for all its squares: a click on a square's box, or Enter
    // on a focused square, selects that square's pod.
    // A square is one element: its box is the square.
    let rect = end.expect("myapp-999");
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    rect.dispatch_event(&web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).expect("event")).expect("dispatch");
    flush().await;
    let init = KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    let first = stage.query_selector("rect.pod.mini").expect("query").expect("a square");
    first.dispatch_event(&KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event")).expect("dispatch");
    flush().await;
    let first_name = first.get_attribute("data-pod").expect("data-pod");
    assert_eq!(*picked.borrow(), vec!["myapp-999".to_string(), first_name]);
    // The pointer over a square shows the diagram's one tooltip with the square's name and
    // status; leaving the diagram hides it.
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    rect.dispatch_event(&web_sys::MouseEvent::new_with_mouse_event_init_dict("mouseover", &init).expect("event")).expect("dispatch");
    let tip = stage.query_selector("g.grid-tip.shown text").expect("query").expect("the tooltip is shown");
    let text = tip.text_content().unwrap_or_default();
    assert!(text.starts_with("myapp-999: "), "{text}");
    let svg = stage.query_selector("svg.diagram").expect("query").expect("svg");
    svg.dispatch_event(&web_sys::MouseEvent::new_with_mouse_event_init_dict("mouseleave", &web_sys::MouseEventInit::new()).expect("event")).expect("dispatch");
    assert_eq!(count(&stage, "g.grid-tip.shown"), 0);
    style.remove();
}

#[wasm_bindgen_test]
async fn a_large_sets_empty_slots_are_one_pattern_not_an_element_each() {
    use stsplay::session::{seed, view, Session, NAMESPACE};
    use stsplay::ui::components::diagram::{Diagram, DiagramProps};

    // 1,000 replicas, none created yet: every slot is empty.
    let mut session = Session::new();
    let yaml = seed::parallel(1000);
    session.act(Input::Apply { file: seed::SEED_FILE.into(), text: yaml });
    let v = Rc::new(view::build(session.cluster(), NAMESPACE));
    assert_eq!(v.sets[0].slots.len(), 1000);
    assert!(v.sets[0].slots.iter().all(|slot| slot.pod.is_none()));
    let root = fresh_root();
    let props = DiagramProps { view: v, selected: None, recent: Rc::new(Vec::new()), onselect: yew::Callback::noop(), presenter: false };
    let _diagram = yew::Renderer::<Diagram>::with_root_and_props(root.clone(), props).render();
    flush().await;
    assert_eq!(count(&root, ".pod"), 0);
    assert_eq!(count(&root, "pattern"), 1, "one cell pattern");
    // 1,000 slots, 40 a row: 25 full rows, all in one rectangle (nothing scrolls here).
    assert_eq!(count(&root, "rect.slot-empty-fill"), 1);
    assert!(count(&root, "svg.diagram *") < 100, "a handful of elements, not one per slot");
    // A long diagram left in the page would push the other grid test's box out of the window.
    root.remove();
}

#[wasm_bindgen_test]
fn the_heap_grows_by_a_quarter_and_at_least_a_mebibyte() {
    use std::alloc::Layout;
    use stsplay::ui::heap::growth_pages;
    let small = Layout::from_size_align(24, 8).expect("layout");
    assert_eq!(growth_pages(small, 20), 16);
    assert_eq!(growth_pages(small, 400), 100);
    // A large allocation gets all it needs.
    let big = Layout::from_size_align(10 * 1024 * 1024, 8).expect("layout");
    assert_eq!(growth_pages(big, 20), 161);
}

#[wasm_bindgen_test]
fn warming_the_heap_is_sized_by_pending_pods_and_leaves_the_memory_for_the_next_step() {
    use core::arch::wasm32::memory_size;
    use stsplay::ui::heap;
    assert_eq!(heap::bytes_for_pods(0), 1 << 20, "an ordinary step: 1 MiB");
    assert_eq!(heap::bytes_for_pods(900), 900 * heap::BYTES_PER_NEW_POD);
    assert_eq!(heap::bytes_for_pods(usize::MAX), 32 << 20, "capped");
    let before = memory_size::<0>();
    heap::warm(4 << 20);
    let warmed = memory_size::<0>();
    assert!(warmed >= before);
    // The warmed block was freed: allocations of its size now fit without growing the memory.
    let block: Vec<u8> = Vec::with_capacity(4 << 20);
    assert_eq!(memory_size::<0>(), warmed);
    drop(block);
}

#[wasm_bindgen_test]
fn a_heredoc_block_is_the_commands_stdin_and_an_unclosed_one_runs_nothing() {
    use stsplay::ui::state::LineKind;
    let s = Rc::new(State::default());
    let before = s.session.borrow().len();
    let s = s.reduce(Action::Command("kubectl apply -f - <<EOF".into()));
    let last = s.console.last().expect("a line");
    assert_eq!(last.kind, LineKind::Err, "{last:?}");
    assert!(last.text.contains("heredoc not closed: no line `EOF`"), "{last:?}");
    assert_eq!(s.session.borrow().len(), before, "nothing was run");

    let block = "kubectl apply -f - <<'EOF'\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nEOF";
    let s = s.reduce(Action::Command(block.into()));
    assert_eq!(s.session.borrow().len(), before + 1);
    let input = s.session.borrow().history()[before].clone();
    assert!(matches!(&input, Input::Kubectl { line, stdin: Some(b), .. } if line == "kubectl apply -f -" && b.ends_with("name: c\n")), "{input:?}");
    let texts: Vec<&str> = s.console.iter().map(|l| l.text.as_str()).collect();
    assert!(texts.contains(&"kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nEOF"), "{texts:?}");
    assert_eq!(texts.last(), Some(&"configmap/c created"));
    // ↑ recalls the command line, which opens the heredoc again.
    assert_eq!(s.session.borrow().typed().last().map(String::as_str), Some("kubectl apply -f - <<'EOF'"));
}

#[wasm_bindgen_test]
async fn the_prompt_reads_a_heredoc_line_by_line() {
    let root = fresh_root();
    yew::Renderer::<App>::with_root(root.clone()).render();
    until_ready(&root).await;
    type_command(&root, "kubectl create -f - <<EOF").await;
    let ps1 = || root.query_selector(".ps1").expect("query").expect("ps1").text_content().unwrap_or_default();
    assert_eq!(ps1(), ">", "a shell's PS2 while the heredoc is open");
    for l in ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: typed"] {
        type_command(&root, l).await;
    }
    let out = root.query_selector(".console-out").expect("query").expect("out").text_content().unwrap_or_default();
    assert!(out.contains("$ kubectl create -f - <<EOF") && out.contains(">   name: typed"), "{out}");
    assert!(!out.contains("configmap/typed created"), "nothing runs before the marker");
    type_command(&root, "EOF").await;
    assert_eq!(ps1(), "$");
    let out = root.query_selector(".console-out").expect("query").expect("out").text_content().unwrap_or_default();
    assert!(out.contains("configmap/typed created"), "{out}");
    root.remove();
}

#[wasm_bindgen_test]
fn a_console_for_loop_runs_each_expanded_command_as_its_own_input() {
    use stsplay::ui::state::LineKind;
    let s = Rc::new(State::default()).reduce(Action::ApplyActive).reduce(Action::Command("sim wait".into()));
    let before = s.session.borrow().len();
    let shown = s.console.len();
    let typed = "for i in 0 1; do kubectl exec \"myapp-$i\" -- sh -c 'echo \"$(hostname)\" > /tmp/name'; kubectl exec myapp-$i -- cat /tmp/name; echo; done";
    let s = s.reduce(Action::Command(typed.into()));
    // Each kubectl command is an input of its own, `$i` expanded, the single-quoted script not.
    let inputs: Vec<String> = s.session.borrow().history()[before..].iter().map(|i| i.echo()).collect();
    assert_eq!(
        inputs,
        [
            "kubectl exec \"myapp-0\" -- sh -c 'echo \"$(hostname)\" > /tmp/name'",
            "kubectl exec myapp-0 -- cat /tmp/name",
            "kubectl exec \"myapp-1\" -- sh -c 'echo \"$(hostname)\" > /tmp/name'",
            "kubectl exec myapp-1 -- cat /tmp/name",
        ]
    );
    // The line is echoed once, then the one stream its commands wrote (`echo`: an empty line).
    let new: Vec<(LineKind, &str)> = s.console[shown..].iter().map(|l| (l.kind, l.text.as_str())).collect();
    assert_eq!(
        new,
        [(LineKind::Command, typed), (LineKind::Out, "myapp-0"), (LineKind::Out, ""), (LineKind::Out, "myapp-1"), (LineKind::Out, "")]
    );
    // A reload replays the expanded inputs one by one.
    let back = reload(&s);
    assert!(back.console.iter().any(|l| l.kind == LineKind::Command && l.text == "kubectl exec myapp-1 -- cat /tmp/name"));

    // What the playground does not read as bash would is refused by name, and nothing runs.
    let len = s.session.borrow().len();
    for (line, says) in [
        ("kubectl get pods | sort", "pipes into `sort`"),
        ("kubectl get pods | grep '\\<myapp'", "not supported by the playground's grep"),
        ("for i in 0 1; do kubectl get pod myapp-$i -w | grep Running; done", "a watch (-w) never ends"),
        ("for i in 0 1; do kubectl scale sts myapp --replicas=$i && kubectl get sts; done", "&& and || lists"),
        ("for i in 0 1; do kubectl get pod myapp-$i -w; done", "a watch (-w) never ends"),
        ("kubectl exec myapp-0 -- echo $HOSTNAME", "$HOSTNAME (only a for loop's variable is expanded"),
    ] {
        let s = s.clone().reduce(Action::Command(line.into()));
        let last = s.console.last().expect("a line");
        assert_eq!(last.kind, LineKind::Err, "{line}: {last:?}");
        assert!(last.text.contains(says), "{line}: {last:?}");
        assert_eq!(s.session.borrow().len(), len, "{line}: nothing ran");
    }
}

#[wasm_bindgen_test]
fn a_piped_console_command_prints_the_filtered_output_and_a_reload_shows_it_again() {
    use stsplay::ui::state::LineKind;
    let s = Rc::new(State::default()).reduce(Action::ApplyActive).reduce(Action::Command("sim wait".into()));
    let before = s.session.borrow().len();
    // Read-only: run on a copy, filtered, not recorded.
    let s = s.reduce(Action::Command("kubectl get pods | grep myapp-1".into()));
    let n = s.console.len();
    assert_eq!((s.console[n - 2].kind, s.console[n - 2].text.as_str()), (LineKind::Command, "kubectl get pods | grep myapp-1"));
    assert!(s.console[n - 1].kind == LineKind::Out && s.console[n - 1].text.starts_with("myapp-1 "), "{:?}", s.console[n - 1]);
    assert_eq!(s.session.borrow().len(), before, "reading is not recorded");
    // Recorded: the whole pipeline is the input, and replaying it filters again.
    let s = s.reduce(Action::Command("kubectl exec myapp-0 -- hostname | wc -c".into()));
    let s = s.reduce(Action::Command("for i in 1 2; do kubectl label pod myapp-$i tier=web | grep -c labeled; done".into()));
    let texts = |s: &State| s.console.iter().map(|l| (l.kind, l.text.clone())).collect::<Vec<_>>();
    let live = texts(&s);
    let n = live.len();
    assert_eq!(live[n - 5..n - 3], [(LineKind::Command, "kubectl exec myapp-0 -- hostname | wc -c".to_string()), (LineKind::Out, "8".to_string())]);
    assert_eq!(live[n - 2..], [(LineKind::Out, "1".to_string()), (LineKind::Out, "1".to_string())]);
    let inputs: Vec<String> = s.session.borrow().history()[before..].iter().map(|i| i.echo()).collect();
    assert_eq!(inputs, ["kubectl exec myapp-0 -- hostname | wc -c", "kubectl label pod myapp-1 tier=web | grep -c labeled", "kubectl label pod myapp-2 tier=web | grep -c labeled"]);
    // A reload (or a share link) replays the pipelines: the same filtered lines.
    let back = reload(&s);
    let again = texts(&back);
    assert!(again.windows(2).any(|w| w == &live[n - 5..n - 3]), "{again:?}");
    assert!(again.contains(&(LineKind::Command, "kubectl label pod myapp-2 tier=web | grep -c labeled".to_string())), "{again:?}");
    assert_eq!(again.last(), Some(&(LineKind::Out, "1".to_string())));
    assert!(!again.iter().any(|(_, t)| t.contains("labeled")  && !t.contains('|')), "only the count is shown: {again:?}");
}

#[wasm_bindgen_test]
async fn the_prompt_reads_a_loop_over_several_lines() {
    let root = fresh_root();
    yew::Renderer::<App>::with_root(root.clone()).render();
    until_ready(&root).await;
    type_command(&root, "for w in one two").await;
    let ps1 = || root.query_selector(".ps1").expect("query").expect("ps1").text_content().unwrap_or_default();
    assert_eq!(ps1(), ">", "PS2 until `done`");
    type_command(&root, "do").await;
    type_command(&root, "  echo \"word $w\"").await;
    type_command(&root, "done").await;
    assert_eq!(ps1(), "$");
    let out = root.query_selector(".console-out").expect("query").expect("out").text_content().unwrap_or_default();
    assert!(out.contains("$ for w in one two\n> do\n>   echo \"word $w\"\n> done") && out.contains("word one") && out.contains("word two"), "{out}");
    root.remove();
}
