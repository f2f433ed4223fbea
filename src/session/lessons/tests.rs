//! Every lesson, run in order on one fresh session as a learner would click through it.

use super::*;
use crate::engine::api::Kind;
use crate::session::input;
use crate::session::{File, Session, NAMESPACE};

/// The explainer's sections (`../shared/seed/statefulset-explainer.md`, headings without emoji).
const EXPLAINER_SECTIONS: &[&str] = &[
    "What Is a StatefulSet?",
    "Why Use StatefulSets?",
    "StatefulSet vs Deployment",
    "Core Components",
    "YAML Example — StatefulSet in Action",
    "Lifecycle of a StatefulSet",
    "Persistent Storage — How It Works",
    "Stable DNS — Pod-Level Networking",
    "Scaling StatefulSets",
    "Updating a StatefulSet",
    "Rolling Back a StatefulSet",
    "Monitoring a StatefulSet",
    "Deleting a StatefulSet",
    "Common Use Cases",
    "Limitations & Considerations",
    "Best Practices",
    "Example: MongoDB StatefulSet Architecture",
    "Final Summary",
    "TL;DR",
];

/// Runs one step as the console would; returns (line, stdout, stderr, exit code).
fn perform(s: &mut Session, step: &Step) -> (String, String, String, i32) {
    match *step {
        Step::Open { name, text, .. } => {
            s.files.retain(|f| f.name != name);
            s.files.push(File { name: name.into(), text: text.into(), edit: None });
            (format!("(open {name})"), String::new(), String::new(), 0)
        }
        Step::Run { line, .. } => {
            let inputs = if line.starts_with("sim ") {
                crate::session::script::import(line).expect("a sim directive")
            } else {
                let words = shell_words::split(line).expect("a shell line");
                vec![input::console_kubectl(line.into(), &words, &s.files)]
            };
            assert!(!inputs.is_empty(), "{line}");
            let (mut out, mut err, mut code) = (String::new(), String::new(), 0);
            for i in inputs {
                let o = s.act(i).clone();
                out.push_str(&o.stdout);
                err.push_str(&o.stderr);
                code = code.max(o.exit_code);
            }
            (line.to_string(), out, err, code)
        }
    }
}

fn pod_names(s: &Session, app: &str) -> Vec<String> {
    s.cluster()
        .store
        .list(Kind::Pod, Some(NAMESPACE))
        .filter(|o| o.meta().labels.get("app").map(String::as_str) == Some(app))
        .map(|o| o.meta().name.clone())
        .collect()
}

/// Runs one console line (kubectl or `sim …`) as a lesson step; returns (stdout, stderr, exit code).
fn console(s: &mut Session, line: &str) -> (String, String, i32) {
    let line: &'static str = Box::leak(line.to_owned().into_boxed_str());
    let (_, out, err, code) = perform(s, &Step::Run { line, look: "" });
    (out, err, code)
}

fn pod(s: &Session, name: &str) -> Option<crate::engine::api::pod::Pod> {
    s.cluster().store.get(Kind::Pod, NAMESPACE, name).and_then(|o| o.as_pod()).cloned()
}

/// "StatefulSet or Deployment?": a failed node's pod is not replaced until its object is gone
/// (here: force-deleted), unlike a deleted pod, which comes back at once.
#[test]
fn a_pod_on_a_failed_node_is_not_replaced_until_force_deleted() {
    let mut s = Session::new();
    console(&mut s, "kubectl apply -f myapp.yaml");
    console(&mut s, "sim wait");
    let before = pod(&s, "myapp-1").expect("myapp-1");
    console(&mut s, &format!("sim fault node {}", before.spec.node_name));
    console(&mut s, "sim advance 10m");
    let stuck = pod(&s, "myapp-1").expect("the old myapp-1 is still there");
    assert_eq!(stuck.metadata.uid, before.metadata.uid, "no replacement while the old pod object exists");
    assert!(stuck.metadata.is_terminating(), "evicted from the unreachable node, so Terminating");
    let (_, err, code) = console(&mut s, "kubectl delete pod myapp-1 --grace-period=0 --force");
    assert_eq!(code, 0, "{err}");
    console(&mut s, "sim wait");
    // The replacement is created at once. (It then stays Pending: its claim's local-path volume
    // lives on the lost node, as it would on kind.)
    let after = pod(&s, "myapp-1").expect("a new myapp-1");
    assert_ne!(after.metadata.uid, before.metadata.uid);
}

/// "Order: one at a time": the StatefulSet creates no Service, and without one its pods' names
/// do not resolve.
#[test]
fn pod_names_resolve_only_once_the_headless_service_exists() {
    let mut s = Session::new();
    let yaml = crate::session::seed::SEED_YAML;
    let (set, service) = yaml.split_once("\n---\n").expect("the seed is a StatefulSet, then its Service");
    assert!(service.contains("kind: Service") && !set.contains("kind: Service"));
    perform(&mut s, &Step::Open { name: "set.yaml", text: Box::leak(set.to_owned().into_boxed_str()), look: "" });
    console(&mut s, "kubectl apply -f set.yaml");
    console(&mut s, "sim wait");
    assert_eq!(pod_names(&s, "myapp"), ["myapp-0", "myapp-1", "myapp-2"]);
    let (out, _, _) = console(&mut s, "kubectl get svc");
    assert!(!out.contains("myapp"), "the StatefulSet created no Service: {out}");
    let (_, _, code) = console(&mut s, "kubectl exec myapp-1 -- nslookup myapp-0.myapp");
    assert_ne!(code, 0, "no Service, no record");
    perform(&mut s, &Step::Open { name: "svc.yaml", text: Box::leak(service.to_owned().into_boxed_str()), look: "" });
    console(&mut s, "kubectl apply -f svc.yaml");
    console(&mut s, "sim wait");
    let (out, err, code) = console(&mut s, "kubectl exec myapp-1 -- nslookup myapp-0.myapp");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("myapp-0.myapp.default.svc.cluster.local"), "{out}");
}

#[test]
fn every_explainer_section_has_a_lesson() {
    for section in EXPLAINER_SECTIONS {
        assert!(LESSONS.iter().any(|l| l.covers.contains(section)), "no lesson covers {section:?}");
    }
    for l in LESSONS {
        for c in l.covers {
            assert!(EXPLAINER_SECTIONS.contains(c), "{:?} covers an unknown section {c:?}", l.title);
        }
        assert!(!l.text.is_empty() && !l.steps.is_empty(), "{:?}", l.title);
    }
}

#[test]
fn every_lesson_runs_in_order_and_shows_what_it_says() {
    let mut s = Session::new();
    let mut transcript = String::new();
    for (n, lesson) in LESSONS.iter().enumerate() {
        transcript.push_str(&format!("\n## {} {}\n", n + 1, lesson.title));
        for step in lesson.steps {
            let (line, out, err, code) = perform(&mut s, step);
            transcript.push_str(&format!("$ {line}\n{out}{err}"));
            // The one step meant to fail: a file outside the volume did not survive.
            let expected_failure = line.contains("/tmp/scratch.txt") && line.contains(" cat ");
            if expected_failure {
                assert_eq!(code, 1, "{line}: {err}");
                assert!(err.contains("No such file or directory"), "{err}");
            } else {
                assert_eq!(code, 0, "lesson {:?}: {line}\n{out}{err}", lesson.title);
                assert!(!err.contains("rror"), "lesson {:?}: {line}\n{err}", lesson.title);
            }
        }
        // What each lesson's text promises, checked on the cluster it leaves.
        let c = s.cluster();
        match lesson.title {
            "What a StatefulSet is" | "StatefulSet or Deployment?" | "Order: one at a time" => {
                assert_eq!(pod_names(&s, "myapp"), ["myapp-0", "myapp-1", "myapp-2"], "{}", lesson.title)
            }
            "Storage that stays" => {
                assert!(transcript.contains("$ kubectl exec myapp-0 -- cat /data/note.txt\nhello from the first myapp-0\n"), "{transcript}")
            }
            "Stable DNS names" => {
                assert!(transcript.contains("myapp-0.myapp.default.svc.cluster.local"), "{transcript}");
                // The Service's own name answers with one address per ready pod.
                // BusyBox 1.28 prints each address with its reverse name (CoreDNS PTR).
                let answer = transcript.split("Name:      myapp\n").nth(1).unwrap_or("");
                let pods: Vec<&str> = answer.lines().take_while(|l| l.starts_with("Address ")).collect();
                assert_eq!(pods.len(), 3, "{transcript}");
                assert!(pods[0].ends_with(" myapp-0.myapp.default.svc.cluster.local"), "{transcript}");
            }
            "Scaling up and down" => {
                assert_eq!(pod_names(&s, "myapp").len(), 3);
                assert_eq!(c.store.list(Kind::PersistentVolumeClaim, Some(NAMESPACE)).count(), 5, "claims of removed pods stay");
            }
            "Canary with a partition" | "Rolling back" => {
                for p in pod_names(&s, "myapp") {
                    let pod = c.store.get(Kind::Pod, NAMESPACE, &p).and_then(|o| o.as_pod()).expect("pod");
                    assert!(pod.is_ready(), "{p} is Ready after {:?}", lesson.title);
                    // The canary's nginx:1.28, and after the failed update, undo brings it back.
                    assert_eq!(pod.spec.containers[0].image, "nginx:1.28", "{p} after {:?}", lesson.title);
                }
            }
            "Deleting, and what stays" => {
                assert!(pod_names(&s, "myapp").is_empty());
                assert_eq!(c.store.list(Kind::PersistentVolumeClaim, Some(NAMESPACE)).count(), 0);
                assert_eq!(c.store.list(Kind::PersistentVolume, None).count(), 0);
            }
            "Good habits" => assert_eq!(pod_names(&s, "cache").len(), 3),
            "A MongoDB-style replica set" => assert_eq!(pod_names(&s, "mongo"), ["mongo-0", "mongo-1", "mongo-2"]),
            _ => {}
        }
    }
    if std::env::var_os("LESSON_TRANSCRIPT").is_some() {
        println!("{transcript}");
    }
}
