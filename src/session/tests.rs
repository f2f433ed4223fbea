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

fn ready(s: &Session) -> usize {
    s.cluster().store.pods(NAMESPACE).filter(|p| crate::engine::controllers::statefulset::utils::is_running_and_ready(p)).count()
}

#[test]
fn the_e2e_story_natively() {
    let mut s = Session::new();
    apply_seed(&mut s);
    let mut steps = 0;
    while ready(&s) < 3 && steps < 500 {
        s.act(Input::STEP);
        steps += 1;
    }
    assert_eq!(ready(&s), 3, "three pods Ready after {steps} steps");
    let out = s.act(Input::Kubectl { line: "kubectl scale sts myapp --replicas=5".into(), stdin: None }).clone();
    assert_eq!(out.stdout, "statefulset.apps/myapp scaled\n", "{out:?}");
    let at_scale = s.timeline.position();
    s.act(Input::Wait);
    assert_eq!(ready(&s), 5);
    s.seek(at_scale - 1);
    assert_eq!(ready(&s), 3, "stepping back undoes the scale");
    // A rollout to an image no registry has stops at the first pod it replaces.
    s.seek(at_scale + 1);
    s.act(Input::Fault { words: vec!["image".into(), "nginx:1.28".into()] });
    let out = s.act(Input::Kubectl { line: "kubectl set image sts/myapp myapp=nginx:1.28".into(), stdin: None }).clone();
    assert_eq!(out.exit_code, 0, "{out:?}");
    s.act(Input::Wait);
    let v = view::build(s.cluster(), NAMESPACE);
    let failed: Vec<_> = v.sets[0].slots.iter().filter_map(|x| x.pod.as_ref()).filter(|p| p.failed).map(|p| p.name.clone()).collect();
    assert_eq!(failed, vec!["myapp-4"], "{:?}", v.sets[0].slots);
    assert!(v.sets[0].updated <= 1);
}
