//! The page before the simulator's module has arrived (`ui::pending`, `State::engine`), and
//! when it cannot: the reducer's side of it (the e2e tests load the split build).

use std::rc::Rc;

use stsplay::session::api::Start;
use stsplay::ui::pending::Pending;
use stsplay::ui::state::{Action, EngineStatus, Handoff, Opening, State};
use wasm_bindgen_test::wasm_bindgen_test;
use yew::Reducible;

#[wasm_bindgen_test]
fn while_the_simulator_loads_the_tabs_can_be_edited_and_what_needs_it_waits() {
    let s = Rc::new(State::loading(Pending::example()));
    assert_eq!(s.engine, EngineStatus::Loading);
    let s = s.reduce(Action::Edit(0, "# mine\n".into()));
    let s = s.reduce(Action::AddFile);
    let s = s.reduce(Action::SelectFile(0));
    let rev = s.rev;
    for a in [Action::ApplyActive, Action::Step, Action::Forward, Action::Command("kubectl get pods".into())] {
        assert!(a.needs_engine());
        let before = s.clone();
        let after = s.clone().reduce(a);
        assert!(Rc::ptr_eq(&before, &after), "refused while loading: nothing changes");
    }
    assert_eq!(s.rev, rev);
    // The fresh session arrives: the tabs as edited carry over.
    let real = stsplay::ui::engine::open_now(Start::Fresh).expect("a fresh session opens");
    let s = s.reduce(Action::Opened(Handoff::new(real, Opening::Page { fresh: true }, None)));
    assert_eq!(s.engine, EngineStatus::Ready);
    let files = s.session.borrow().files().to_vec();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].text, "# mine\n");
    assert_eq!(s.session.borrow().active(), 0);
    let s = s.reduce(Action::Command("kubectl get pods".into()));
    assert!(s.console.iter().any(|l| l.text.contains("No resources found in default namespace.")));
}

#[wasm_bindgen_test]
fn a_restored_session_keeps_its_own_tabs_and_a_module_that_cannot_load_is_said() {
    // The work to restore: a session with its own tab.
    let work = State::default();
    work.session.borrow_mut().files_mut()[0].text = "# saved\n".into();
    let json = work.session.borrow().autosave_json();
    let restored = stsplay::ui::engine::open_now(Start::Saved { json, safe: false }).expect("restores");
    let s = Rc::new(State::loading(Pending::restoring()));
    assert!(s.session.borrow().files().is_empty(), "no tabs to show until the work is back");
    assert!(s.restoring());
    let same = s.clone().reduce(Action::OpenFile("lesson.yaml".into(), "x".into()));
    assert!(Rc::ptr_eq(&s, &same), "a lesson's file waits for the restored tabs");
    let s = s.reduce(Action::Opened(Handoff::new(restored, Opening::Page { fresh: false }, Some("note".into()))));
    assert_eq!(s.session.borrow().files()[0].text, "# saved\n");
    assert_eq!(s.notice.as_deref(), Some("note"));

    let s = Rc::new(State::loading(Pending::example())).reduce(Action::Unavailable);
    assert_eq!(s.engine, EngineStatus::Unavailable);
    assert_eq!(s.notice.as_deref(), Some(stsplay::ui::state::UNAVAILABLE));
    let s = s.reduce(Action::Step);
    assert_eq!(s.session.borrow().position(), 0, "still nothing to step");
    // "Try again": loading once more, the notice gone; only after a failure.
    let s = s.reduce(Action::Retry);
    assert_eq!(s.engine, EngineStatus::Loading);
    assert_eq!(s.notice, None);
    let again = s.clone().reduce(Action::Retry);
    assert!(Rc::ptr_eq(&s, &again), "no retry while loading");
}
