//! `kubectl edit`: the buffer, the save decisions and the PATCH.

use super::*;
use crate::engine::api::*;
use crate::kubectl::testutil::*;
use crate::kubectl::{with_env, Context};

fn open_line(c: &mut crate::engine::sim::Cluster, args: &[&str]) -> (crate::kubectl::Output, Option<Opened>) {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (out, _, opened) = with_env(c, &Context::default(), false, |env| open(env, &args));
    (out, opened)
}

fn web() -> crate::engine::sim::Cluster {
    let mut c = cluster();
    put(&mut c, Object::StatefulSet(sts("web", 3)));
    c
}

#[test]
fn scripts_are_refused_with_a_pointer_to_patch_and_apply() {
    let mut c = web();
    let o = kubectl(&mut c, "kubectl edit sts web");
    assert_eq!(
        (o.stderr.as_str(), o.exit_code),
        ("error: \"kubectl edit\" needs an editor, which scripts do not have; use kubectl patch or kubectl apply -f instead\n", 1)
    );
}

#[test]
fn the_buffer_is_the_header_and_the_object_as_get_prints_it() {
    let mut c = web();
    let (_, opened) = open_line(&mut c, &["statefulset/web"]);
    let opened = opened.expect("opens");
    let get = kubectl(&mut c, "get sts web -o yaml").stdout;
    assert_eq!(opened.text, format!("{HEADER}{get}"));
    assert!(opened.text.starts_with("# Please edit the object below. Lines beginning with a '#' will be ignored,\n"));
    let (_, json) = open_line(&mut c, &["sts", "web", "-o", "json"]);
    let json = json.expect("opens");
    assert!(json.json && json.text.starts_with('{'), "no header on JSON: {}", json.text);
}

#[test]
fn unknown_objects_and_formats_are_errors() {
    let mut c = web();
    let (o, opened) = open_line(&mut c, &["sts", "nope"]);
    assert!(opened.is_none());
    assert_eq!(o.stderr, "Error from server (NotFound): statefulsets.apps \"nope\" not found\n");
    let (o, _) = open_line(&mut c, &["sts", "web", "-o", "name"]);
    assert_eq!(
        o.stderr,
        "error: unable to match a printer suitable for the output format \"name\", allowed formats are: json,yaml\n"
    );
    let (o, _) = open_line(&mut c, &["pods"]);
    assert_eq!(o.stderr, "error: edit cancelled, no objects found\n");
}

fn opened(c: &mut crate::engine::sim::Cluster) -> Opened {
    open_line(c, &["sts", "web"]).1.expect("opens")
}

#[test]
fn save_decisions_follow_edit_fn() {
    let mut c = web();
    let o = opened(&mut c);
    let t = &o.target;
    // Comments and formatting are not changes.
    let reformatted = o.text.replace("replicas: 3", "replicas:   3   # three");
    assert_eq!(prepare_save(t, false, &o.text, &reformatted, None), Prepared::Cancelled("Edit cancelled, no changes made.".into()));
    assert_eq!(prepare_save(t, false, &o.text, HEADER, None), Prepared::Cancelled("Edit cancelled, saved file was empty.".into()));
    let Prepared::Patch(p) = prepare_save(t, false, &o.text, &o.text.replace("replicas: 3", "replicas: 5"), None) else { panic!() };
    assert_eq!(p, serde_json::json!({"spec": {"replicas": 5}}));
    let renamed = o.text.replace("name: web\n", "name: web2\n");
    assert_eq!(prepare_save(t, false, &o.text, &renamed, None), Prepared::Failed("At least one of apiVersion, kind and name was changed".into()));
    let Prepared::Reopen(text) = prepare_save(t, false, &o.text, &format!("{}\n  bad: [", o.text), None) else { panic!() };
    assert!(text.starts_with(&format!("{HEADER}# The edited file had a syntax error: error converting YAML to JSON: yaml: line")), "{text}");
    assert!(!text[HEADER.len()..].contains("# Please edit"), "the old header is stripped: {text}");
}

#[test]
fn an_invalid_patch_reopens_with_the_causes() {
    let mut c = web();
    let o = opened(&mut c);
    let Prepared::Patch(p) = prepare_save(&o.target, false, &o.text, &o.text.replace("replicas: 3", "replicas: -1"), None) else { panic!() };
    let before = c.store.resource_version();
    let (out, _, r) = with_env(&mut c, &Context::default(), false, |env| Ok(save(env, &o.target, &p)));
    let f = r.expect("ran").expect_err("invalid");
    assert_eq!(out.stdout, "");
    assert_eq!(f.message, "error: statefulsets.apps \"web\" is invalid");
    let text = reopen_text(false, &[f.reopen.expect("reopens")], "replicas: -1\n");
    assert_eq!(
        text,
        format!("{HEADER}# statefulsets.apps \"web\" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n#\nreplicas: -1\n")
    );
    assert_eq!(c.store.resource_version(), before);
    // The same text saved again ends the edit.
    assert_eq!(
        prepare_save(&o.target, false, &o.text, &text, Some("replicas: -1\n")),
        Prepared::Failed("Edit cancelled, no valid changes were saved.".into())
    );
}

#[test]
fn a_valid_patch_is_edited() {
    let mut c = web();
    let o = opened(&mut c);
    let Prepared::Patch(p) = prepare_save(&o.target, false, &o.text, &o.text.replace("replicas: 3", "replicas: 5"), None) else { panic!() };
    let (out, _, r) = with_env(&mut c, &Context::default(), false, |env| Ok(save(env, &o.target, &p)));
    assert_eq!(r, Some(Ok(())));
    assert_eq!(out.stdout, "statefulset.apps/web edited\n");
    let s = c.store.get(Kind::StatefulSet, "default", "web").and_then(|o| o.as_stateful_set()).map(|s| s.spec.replicas());
    assert_eq!(s, Some(5));
    // Unknown fields: the server's strict validation refuses the PATCH.
    let Prepared::Patch(p) = prepare_save(&o.target, false, &o.text, &o.text.replace("replicas: 3", "replicas: 3\n  replica: 4"), None) else { panic!() };
    let (_, _, r) = with_env(&mut c, &Context::default(), false, |env| Ok(save(env, &o.target, &p)));
    assert_eq!(
        r.expect("ran").expect_err("strict").message,
        "error: statefulsets.apps \"web\" could not be patched: strict decoding error: unknown field \"spec.replica\""
    );
}
