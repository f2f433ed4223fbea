//! `sim fault …`: the words of a fault directive (script, console, a pod's menu) turned into an
//! engine fault, applied or cleared.
//!
//! ```text
//! sim fault crash POD [CONTAINER]        sim fault clear crash POD [CONTAINER]
//! sim fault image IMAGE                  sim fault clear image IMAGE
//! sim fault readiness POD [CONTAINER]    sim fault clear readiness POD [CONTAINER]
//! sim fault liveness POD [CONTAINER]     sim fault clear liveness POD [CONTAINER]
//! sim fault node NODE                    sim fault clear node NODE
//! ```

use crate::engine::api::Kind;
use crate::engine::faults::{self, Fault};
use crate::engine::sim::Cluster;
use crate::session::NAMESPACE;

/// Usage text for a malformed fault directive.
pub const USAGE: &str = "usage: sim fault [clear] crash POD [CONTAINER] | image IMAGE | readiness POD [CONTAINER] | liveness POD [CONTAINER] | node NODE";

/// Applies (or with a leading `clear`, undoes) the fault the words describe; returns a note on
/// what will happen.
pub fn run(c: &mut Cluster, words: &[String]) -> Result<String, String> {
    let (clear, words) = match words.first().map(String::as_str) {
        Some("clear") => (true, &words[1..]),
        _ => (false, words),
    };
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    match w.as_slice() {
        ["crash" | "image" | "readiness" | "liveness" | "node", _] | ["crash" | "readiness" | "liveness", _, _] => engine_fault(c, clear, &w),
        _ => Err(USAGE.to_string()),
    }
}

fn first_container(c: &Cluster, pod: &str) -> Result<String, String> {
    c.store
        .get(Kind::Pod, NAMESPACE, pod)
        .and_then(|o| o.as_pod())
        .ok_or_else(|| format!("pods \"{pod}\" not found"))?
        .spec
        .containers
        .first()
        .map(|x| x.name.clone())
        .ok_or_else(|| format!("pod {pod} has no containers"))
}

fn engine_fault(c: &mut Cluster, clear: bool, w: &[&str]) -> Result<String, String> {
    let pod_fault = |c: &Cluster, pod: &str, container: Option<&&str>| -> Result<(String, String, String), String> {
        let container = match container {
            Some(n) => n.to_string(),
            None => first_container(c, pod)?,
        };
        Ok((NAMESPACE.to_string(), pod.to_string(), container))
    };
    let fault = match w {
        ["crash", pod, rest @ ..] => {
            let (namespace, pod, container) = pod_fault(c, pod, rest.first())?;
            Fault::CrashContainer { namespace, pod, container }
        }
        ["readiness", pod, rest @ ..] => {
            let (namespace, pod, container) = pod_fault(c, pod, rest.first())?;
            Fault::FailReadiness { namespace, pod, container }
        }
        ["liveness", pod, rest @ ..] => {
            let (namespace, pod, container) = pod_fault(c, pod, rest.first())?;
            Fault::FailLiveness { namespace, pod, container }
        }
        ["image", image] => Fault::MissingImage { image: image.to_string() },
        ["node", node] => Fault::NodeLost { node: node.to_string() },
        _ => return Err(USAGE.to_string()),
    };
    if clear {
        faults::clear_fault(c, &fault)
    } else {
        faults::apply_fault(c, &fault)
    }
}

#[cfg(test)]
mod tests {
    use crate::session::input::Input;
    use crate::session::{seed, Session};

    #[test]
    fn words_become_faults() {
        let mut s = Session::new();
        s.act(Input::Apply { file: seed::SEED_FILE.into(), text: seed::SEED_YAML.into() });
        s.act(Input::Wait);
        let w = |x: &str| x.split(' ').map(String::from).collect::<Vec<_>>();
        let out = s.act(Input::Fault { words: w("crash myapp-1") }).clone();
        assert_eq!(out.exit_code, 0, "{out:?}");
        assert!(out.stdout.contains("myapp-1/myapp"), "{out:?}");
        let out = s.act(Input::Fault { words: w("clear crash myapp-1") }).clone();
        assert_eq!(out.exit_code, 0, "{out:?}");
        // The liveness fault (which also fails a startup probe) is reachable from the page too.
        let out = s.act(Input::Fault { words: w("liveness myapp-0") }).clone();
        assert_eq!(out.exit_code, 0, "{out:?}");
        assert_eq!(s.act(Input::Fault { words: w("clear liveness myapp-0") }).exit_code, 0);
        let out = s.act(Input::Fault { words: w("image nginx:1.28") }).clone();
        assert!(out.stdout.contains("nginx:1.28"), "{out:?}");
        let out = s.act(Input::Fault { words: w("crash nope-0") }).clone();
        assert_eq!(out.exit_code, 1);
        assert!(out.stderr.contains("not found"));
        assert_eq!(s.act(Input::Fault { words: w("explode") }).exit_code, 1);
    }
}
