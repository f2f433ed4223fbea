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
    s.act(Input::kubectl("kubectl scale sts myapp --replicas=1"));
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
    s.files.push(File { name: "extra.yaml".into(), text: "# hi\n".into(), edit: None });
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
    let out = s.act(Input::kubectl("kubectl scale sts myapp --replicas=5")).clone();
    assert_eq!(out.stdout, "statefulset.apps/myapp scaled\n", "{out:?}");
    let at_scale = s.timeline.position();
    s.act(Input::Wait);
    assert_eq!(ready(&s), 5);
    s.seek(at_scale - 1);
    assert_eq!(ready(&s), 3, "stepping back undoes the scale");
    // A rollout to an image no registry has stops at the first pod it replaces.
    s.seek(at_scale + 1);
    s.act(Input::Fault { words: vec!["image".into(), "nginx:1.28".into()] });
    let out = s.act(Input::kubectl("kubectl set image sts/myapp myapp=nginx:1.28")).clone();
    assert_eq!(out.exit_code, 0, "{out:?}");
    s.act(Input::Wait);
    let v = view::build(s.cluster(), NAMESPACE);
    let failed: Vec<_> = v.sets[0].slots.iter().filter_map(|x| x.pod.as_ref()).filter(|p| p.failed).map(|p| p.name.clone()).collect();
    assert_eq!(failed, vec!["myapp-4"], "{:?}", v.sets[0].slots);
    assert!(v.sets[0].updated <= 1);
}

fn replicas(s: &Session) -> Option<i32> {
    s.cluster().store.get(Kind::StatefulSet, NAMESPACE, "myapp").and_then(|o| o.as_stateful_set()).map(|x| x.spec.replicas())
}

fn edited_session() -> (Session, usize) {
    let mut s = Session::new();
    apply_seed(&mut s);
    let i = s.open_edit("kubectl edit sts myapp").expect("opens");
    (s, i)
}

#[test]
fn edit_opens_a_tab_with_kubectls_header() {
    let (s, i) = edited_session();
    assert_eq!(s.active, i);
    let f = &s.files[i];
    assert_eq!(f.name, "edit: statefulset.apps/myapp");
    assert!(f.text.starts_with(crate::kubectl::commands::edit::HEADER), "{}", f.text);
    assert!(f.text.contains("\nkind: StatefulSet\n"));
    assert_eq!(s.timeline.len(), 1, "opening is not recorded");
    let mut s = s;
    let err = s.open_edit("kubectl edit sts nope").expect_err("not found");
    assert_eq!(err.stderr, "Error from server (NotFound): statefulsets.apps \"nope\" not found\n");
    assert_eq!(s.files.len(), 2, "no tab for an unknown object");
    // Editing the same object again reuses its tab.
    assert_eq!(s.open_edit("kubectl edit statefulset/myapp"), Ok(i));
    assert_eq!(s.files.len(), 2);
}

#[test]
fn edit_save_with_a_change_is_recorded_and_undoable() {
    let (mut s, i) = edited_session();
    s.files[i].text = s.files[i].text.replace("replicas: 3", "replicas: 5");
    let r = s.save_edit(i);
    assert_eq!(r.outcome.stdout, "statefulset.apps/myapp edited\n", "{r:?}");
    assert!(r.recorded && r.closed);
    assert_eq!(replicas(&s), Some(5));
    assert_eq!(s.files.len(), 1, "the editor closed");
    assert_eq!(s.timeline.len(), 2);
    assert_eq!(s.timeline.entries()[1].input.echo(), "kubectl edit sts myapp   # saved in the editor");
    // Step back undoes it; forward redoes it.
    s.seek(1);
    assert_eq!(replicas(&s), Some(3));
    s.seek(2);
    assert_eq!(replicas(&s), Some(5));
    // Saved, shared and restored: the same state.
    let back = Session::restore(&persist::Saved::from_share(&s.saved().to_share()).expect("decodes")).expect("restores");
    assert_eq!(replicas(&back), Some(5));
    // The exported script replays it as the patch kubectl sent.
    let text = s.script();
    assert!(text.contains("kubectl patch statefulset.apps/myapp -p '{\"spec\":{\"replicas\":5}}'\n"), "{text}");
    let mut t = Session::new();
    for input in script::import(&text).expect("parses") {
        t.act(input);
    }
    assert_eq!(replicas(&t), Some(5));
}

#[test]
fn edit_save_without_a_change_is_cancelled() {
    let (mut s, i) = edited_session();
    let r = s.save_edit(i);
    assert_eq!((r.outcome.stderr.as_str(), r.outcome.exit_code), ("Edit cancelled, no changes made.\n", 0));
    assert!(!r.recorded && r.closed);
    assert_eq!(s.timeline.len(), 1);
    let (mut s, i) = edited_session();
    s.files[i].text = String::new();
    assert_eq!(s.save_edit(i).outcome.stderr, "Edit cancelled, saved file was empty.\n");
}

#[test]
fn edit_save_of_an_invalid_object_reopens_with_the_errors() {
    let (mut s, i) = edited_session();
    let before = s.cluster().store.resource_version();
    s.files[i].text = s.files[i].text.replace("replicas: 3", "replicas: -1");
    let r = s.save_edit(i);
    assert_eq!(r.outcome.stderr, "error: statefulsets.apps \"myapp\" is invalid\n");
    assert!(!r.closed);
    let text = &s.files[i].text;
    assert!(
        text.contains("#\n# statefulsets.apps \"myapp\" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n#\n"),
        "{text}"
    );
    assert_eq!(s.cluster().store.resource_version(), before, "nothing changed");
    assert_eq!(replicas(&s), Some(3));
    // Fixing it and saving again works from the reopened buffer.
    s.files[i].text = s.files[i].text.replace("replicas: -1", "replicas: 2");
    let r = s.save_edit(i);
    assert_eq!(r.outcome.stdout, "statefulset.apps/myapp edited\n", "{r:?}");
    assert_eq!(replicas(&s), Some(2));
}

#[test]
fn edit_tabs_survive_a_reload_and_crafted_ones_are_refused() {
    let (s, i) = edited_session();
    let saved = s.saved();
    let back = Session::restore(&persist::Saved::from_json(&saved.to_json()).expect("reads")).expect("restores");
    assert_eq!(back.files[i], s.files[i]);
    let mut bad = saved.clone();
    bad.files[i].edit.as_mut().expect("edit tab").kind = "widgets".into();
    assert!(bad.validate().unwrap_err().contains("unknown kind"));
    let mut bad = saved;
    bad.history.push(persist::Run { i: Input::Edit { line: "x".into(), kind: "pod".into(), namespace: String::new(), name: "p".into(), patch: "x".repeat(persist::MAX_FILE_BYTES + 1) }, x: 1 });
    assert!(bad.validate().unwrap_err().contains("too large"));
}

#[test]
fn typed_clock_moves_print_what_stsplay_run_prints() {
    // The same inputs in the browser session and in a script give the same bytes.
    let mut s = Session::new();
    apply_seed(&mut s);
    let mut browser = String::new();
    for input in [Input::Step { n: 3 }, Input::Advance { ms: 1500 }, Input::Wait] {
        browser.push_str(&s.act(input).stdout);
    }
    let mut cli = crate::cli::session::Session::new(crate::engine::ClusterConfig::default().seed, None);
    let files = format!("kubectl apply -f - <<EOF\n{}EOF\n", seed::SEED_YAML);
    cli.run_script(&files).map(drop).unwrap_or_else(|e| panic!("{e}"));
    let script = cli.run_script("sim step 3\nsim advance 1.5s\nsim wait\n").unwrap_or_else(|e| panic!("{e}"));
    let printed: String = script.lines().filter(|l| !l.starts_with("$ ")).map(|l| format!("{l}\n")).collect();
    assert_eq!(browser, printed);
    assert!(browser.contains("settled after"), "{browser}");
}

#[test]
fn warm_up_runs_the_example_to_three_pods_on_a_scratch_session() {
    assert_eq!(warm_up(), 3);
}

#[test]
fn warm_up_burst_creates_every_pod_and_claim_in_one_step() {
    // One step creates the 300 claims and pods (each a change), as a large scale-up would.
    assert!(warm_up_burst() >= WARM_UP_BURST * 2, "{}", warm_up_burst());
}

#[test]
fn console_lines_read_editor_tabs_as_files() {
    let mut s = Session::new();
    let words = |l: &str| shell_words::split(l).unwrap_or_default();
    // `kubectl apply -f TAB` is the Apply button's input.
    let line = "kubectl apply -f myapp.yaml";
    let i = input::console_kubectl(line.into(), &words(line), &s.files);
    assert_eq!(i, Input::Apply { file: seed::SEED_FILE.into(), text: seed::SEED_YAML.into() });
    s.act(i);
    s.act(Input::Wait);
    // Other verbs carry the tab: delete reads it as kubectl reads the file.
    let line = "kubectl delete -f ./myapp.yaml";
    let i = input::console_kubectl(line.into(), &words(line), &s.files);
    assert!(matches!(&i, Input::Kubectl { files, .. } if files.len() == 1), "{i:?}");
    let out = s.act(i).clone();
    assert_eq!(out.stdout, "statefulset.apps \"myapp\" deleted from default namespace\nservice \"myapp\" deleted from default namespace\n", "{out:?}");
    // A name that is no tab is a missing file, as on a real machine.
    let line = "kubectl apply -f other.yaml";
    let out = s.act(input::console_kubectl(line.into(), &words(line), &s.files)).clone();
    assert_eq!(out.stderr, "error: the path \"other.yaml\" does not exist\n");
    assert_eq!(out.exit_code, 1);
}

#[test]
fn pods_to_create_counts_desired_replicas_the_status_does_not_have_yet() {
    let mut s = Session::new();
    assert_eq!(s.pods_to_create(), 0);
    apply_seed(&mut s);
    assert_eq!(s.pods_to_create(), 3);
    s.act(Input::Wait);
    assert_eq!(s.pods_to_create(), 0);
    s.act(Input::kubectl("kubectl scale sts myapp --replicas=10"));
    assert_eq!(s.pods_to_create(), 7);
    // Scaling down leaves nothing to create.
    s.act(Input::kubectl("kubectl scale sts myapp --replicas=1"));
    assert_eq!(s.pods_to_create(), 0);
}

#[test]
fn outcome_pieces_keep_the_order_kubectl_wrote_them_in() {
    let mut s = Session::new();
    apply_seed(&mut s);
    s.act(Input::Wait);
    // `logs sts/NAME` says which pod it picked (stderr) before the logs (stdout).
    let out = s.act(Input::kubectl("kubectl logs sts/myapp --tail=1")).clone();
    let pieces = out.pieces();
    assert_eq!(pieces.len(), 2, "{pieces:?}");
    assert_eq!(pieces[0], (true, "Found 3 pods, using pod/myapp-0\n"));
    assert!(!pieces[1].0 && pieces[1].1.contains("start worker process"), "{pieces:?}");
    // A warning before the table, as kubectl prints it.
    let out = s.act(Input::kubectl("kubectl get endpoints myapp")).clone();
    let kinds: Vec<bool> = out.pieces().iter().map(|p| p.0).collect();
    assert_eq!(kinds, vec![true, false], "{:?}", out.pieces());
    // An outcome not printed by kubectl: stdout, then stderr.
    let o = input::Outcome { stdout: "a\n".into(), stderr: "b\n".into(), ..Default::default() };
    assert_eq!(o.pieces(), vec![(false, "a\n"), (true, "b\n")]);
}
