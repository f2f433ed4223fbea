//! Session flows: apply the example, step, scale, step back and branch, save and restore.

use super::input::Input;
use super::*;
use crate::engine::api::Kind;

fn apply_seed(s: &mut Session) {
    let out = s.act(Input::Apply { file: seed::SEED_FILE.into(), text: seed::SEED_YAML.into() }).clone();
    assert_eq!(out.stdout, "statefulset.apps/myapp created\nservice/myapp created\n", "{out:?}");
    assert_eq!(out.exit_code, 0);
}

fn pods(s: &Session) -> Vec<String> {
    s.cluster().store.list(Kind::Pod, Some(NAMESPACE)).map(|o| o.meta().name.clone()).collect()
}

#[test]
fn apply_step_back_and_branch() {
    let mut s = Session::new();
    apply_seed(&mut s);
    for _ in 0..5 {
        s.act(Input::STEP);
    }
    assert_eq!(pods(&s), vec!["myapp-0"], "the controller creates myapp-0 first");
    let v = view::build(s.cluster(), NAMESPACE);
    assert_eq!(v.sets.len(), 1);
    assert_eq!(v.sets[0].slots.len(), 3);
    assert!(v.sets[0].slots[0].pod.is_some());
    assert_eq!(v.sets[0].slots[0].claims.len(), 1, "{:?}", v.sets[0].slots[0]);
    assert_eq!(v.services[0].name, "myapp");
    assert!(v.services[0].headless);
    // Back to just after the apply: no pods; acting there branches.
    s.seek(1);
    assert!(pods(&s).is_empty());
    s.act(Input::Kubectl { line: "kubectl scale sts myapp --replicas=1".into(), stdin: None });
    assert_eq!(s.timeline.len(), 2, "the steps after position 1 were dropped");
    assert_eq!(s.cluster().store.get(Kind::StatefulSet, NAMESPACE, "myapp").and_then(|o| o.as_stateful_set()).map(|x| x.spec.replicas()), Some(1));
}

#[test]
fn saved_session_restores_the_same_state() {
    let mut s = Session::new();
    apply_seed(&mut s);
    for _ in 0..7 {
        s.act(Input::STEP);
    }
    s.seek(5);
    s.files.push(File { name: "extra.yaml".into(), text: "# hi\n".into() });
    let saved = s.saved();
    let link = saved.to_share();
    let back = Session::restore(&persist::Saved::from_share(&link).expect("decodes")).expect("restores");
    assert_eq!(back.timeline.position(), 5);
    assert_eq!(back.timeline.len(), 8);
    assert_eq!(back.files.len(), 2);
    assert_eq!(back.cluster().now, s.cluster().now);
    assert_eq!(pods(&back), pods(&s));
    assert_eq!(view::build(back.cluster(), NAMESPACE), view::build(s.cluster(), NAMESPACE));
}

#[test]
fn script_export_replays() {
    let mut s = Session::new();
    apply_seed(&mut s);
    s.act(Input::STEP);
    s.act(Input::STEP);
    let text = s.script();
    let inputs = script::import(&text).expect("parses");
    let mut t = Session::new();
    for i in inputs {
        t.act(i);
    }
    assert_eq!(t.cluster().now, s.cluster().now);
    assert_eq!(pods(&t), pods(&s));
}

#[test]
fn bad_files_report_errors_and_change_nothing() {
    let mut s = Session::new();
    let out = s.act(Input::Apply { file: "bad.yaml".into(), text: "kind: [\n".into() }).clone();
    assert_eq!(out.exit_code, 1);
    assert!(out.stderr.starts_with("error:"), "{out:?}");
    assert!(s.cluster().store.list(Kind::StatefulSet, Some(NAMESPACE)).next().is_none());
}
