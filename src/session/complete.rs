//! Tab completion for the console: kubectl verbs, resource kinds, object names and `sim`
//! directives, from what is in the cluster now.

use crate::engine::api::Kind;
use crate::engine::sim::Cluster;
use crate::kubectl::resources::resolve_kind;

/// Verbs the playground's kubectl runs.
pub const VERBS: &[&str] =
    &["annotate", "apply", "create", "delete", "describe", "edit", "events", "exec", "get", "label", "logs", "patch", "replace", "rollout", "run", "scale", "set", "version", "wait"];
/// Resource words offered after a verb.
pub const KINDS: &[&str] = &[
    "controllerrevisions",
    "events",
    "nodes",
    "persistentvolumeclaims",
    "persistentvolumes",
    "pods",
    "pv",
    "pvc",
    "services",
    "statefulsets",
    "sts",
    "svc",
];
const ROLLOUT: &[&str] = &["history", "pause", "restart", "resume", "status", "undo"];
const SIM: &[&str] = &["advance", "fault", "step", "time", "wait", "why"];
const FAULTS: &[&str] = &["clear", "crash", "image", "liveness", "node", "readiness"];

/// Completion result: the candidates for the word being typed, and the line with the longest
/// common prefix filled in (unchanged when nothing matches).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// The line after completion.
    pub line: String,
    /// Every candidate (for listing when there are several).
    pub candidates: Vec<String>,
}

fn names(c: &Cluster, kind: Kind, namespace: &str) -> Vec<String> {
    let ns = kind.info().namespaced.then_some(namespace);
    c.store.list(kind, ns).map(|o| o.meta().name.clone()).collect()
}

fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else { return String::new() };
    let mut len = first.len();
    for w in &words[1..] {
        len = len.min(first.bytes().zip(w.bytes()).take_while(|(a, b)| a == b).count());
    }
    while !first.is_char_boundary(len) {
        len -= 1;
    }
    first[..len].to_string()
}

/// Completes the last word of `line` (no editor tabs to offer after `-f`).
pub fn complete(c: &Cluster, namespace: &str, line: &str) -> Completion {
    complete_line(c, namespace, &[], line)
}

/// Where the last simple command of a shell line starts: after its last `;` or `do` outside
/// quotes (0 for a plain command).
fn last_command_start(line: &str) -> usize {
    let (mut start, mut quote, mut word_start) = (0, None, 0);
    for (i, ch) in line.char_indices() {
        match (quote, ch) {
            (Some(q), _) if ch == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(ch),
            (None, ';') => start = i + 1,
            (None, c) if c.is_whitespace() => {
                if &line[word_start..i] == "do" {
                    start = i;
                }
                word_start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    start
}

/// Completes the last word of `line`; after `-f`/`--filename`, the editor's tab names (the
/// files the console's kubectl can read).
pub fn complete_line(c: &Cluster, namespace: &str, files: &[String], line: &str) -> Completion {
    // In a shell line (`for i in 0 1; do kubectl get po web-$i`), complete its last command.
    let start = last_command_start(line);
    if start > 0 {
        let rest = line[start..].trim_start();
        let head = &line[..line.len() - rest.len()];
        let c = complete_line(c, namespace, files, rest);
        return Completion { line: format!("{head}{}", c.line), candidates: c.candidates };
    }
    let ends_with_space = line.ends_with(' ') || line.is_empty();
    let mut words: Vec<&str> = line.split_whitespace().collect();
    let current = if ends_with_space { "" } else { words.pop().unwrap_or("") };
    let base = &line[..line.len() - current.len()];
    let args: Vec<&str> = match words.first() {
        Some(&"kubectl") => words[1..].to_vec(),
        _ => words.clone(),
    };
    let positional: Vec<&str> = args.iter().copied().filter(|w| !w.starts_with('-')).collect();
    let mut pool: Vec<String> = Vec::new();
    let mut prefix = String::new();
    let mut typed = current.to_string();
    if matches!(words.last(), Some(&"-f" | &"--filename")) {
        pool.extend(files.iter().cloned());
    } else if words.is_empty() {
        pool.extend(std::iter::once("kubectl").chain(VERBS.iter().copied()).chain(["sim"]).map(String::from));
    } else if words[0] == "sim" {
        match words.get(1) {
            None => pool.extend(SIM.iter().map(|s| s.to_string())),
            Some(&"fault") => {
                let w: Vec<&str> = words[2..].iter().copied().filter(|w| *w != "clear").collect();
                match w.first() {
                    None => pool.extend(FAULTS.iter().map(|s| s.to_string())),
                    Some(&"crash" | &"readiness" | &"liveness") if w.len() == 1 => pool.extend(names(c, Kind::Pod, namespace)),
                    Some(&"node") if w.len() == 1 => pool.extend(names(c, Kind::Node, "")),
                    _ => {}
                }
            }
            _ => {}
        }
    } else if positional.is_empty() {
        pool.extend(VERBS.iter().map(|s| s.to_string()));
    } else {
        let verb = positional[0];
        let after: Vec<&str> = positional[1..].to_vec();
        let after = match (verb, after.first()) {
            ("rollout", None) => {
                pool.extend(ROLLOUT.iter().map(|s| s.to_string()));
                Vec::new()
            }
            ("rollout", Some(_)) | ("set", Some(_)) => after[1..].to_vec(),
            ("set", None) => {
                pool.push("image".into());
                Vec::new()
            }
            _ => after,
        };
        let wants_kind = pool.is_empty() && after.is_empty();
        if let Some((kind_word, name_part)) = current.split_once('/') {
            if let Some(kind) = resolve_kind(kind_word) {
                prefix = format!("{kind_word}/");
                typed = name_part.to_string();
                pool.extend(names(c, kind, namespace));
            }
        } else if wants_kind && verb != "apply" {
            pool.extend(KINDS.iter().map(|s| s.to_string()));
        } else if pool.is_empty() && !after.is_empty() {
            if let Some(kind) = resolve_kind(after[0].split(',').next().unwrap_or("")) {
                if !after[0].contains('/') {
                    pool.extend(names(c, kind, namespace));
                }
            }
        }
    }
    let mut candidates: Vec<String> = pool.into_iter().filter(|p| p.starts_with(&typed)).collect();
    crate::util::sort::sort(&mut candidates);
    candidates.dedup();
    let line = match candidates.len() {
        0 => line.to_string(),
        1 => format!("{base}{prefix}{} ", candidates[0]),
        _ => format!("{base}{prefix}{}", common_prefix(&candidates).max(typed.clone())),
    };
    let candidates = candidates.into_iter().map(|s| format!("{prefix}{s}")).collect();
    Completion { line, candidates }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::ClusterConfig;

    #[test]
    fn a_shell_line_completes_its_last_command() {
        assert_eq!(last_command_start("kubectl get pods"), 0);
        assert_eq!(last_command_start("for i in 0 1; do kubectl get po"), 16);
        assert_eq!(last_command_start("kubectl get po; echo; kubectl ex"), 21);
        assert_eq!(last_command_start("kubectl exec web-0 -- sh -c 'a; do b'"), 0, "quoted");
        let c = Cluster::new(ClusterConfig::default());
        let r = complete_line(&c, "default", &[], "for i in 0 1; do kubectl descr");
        assert_eq!(r.line, "for i in 0 1; do kubectl describe ");
        let r = complete_line(&c, "default", &[], "kubectl get sts;kubectl sc");
        assert_eq!(r.line, "kubectl get sts;kubectl scale ");
    }

    #[test]
    fn verbs_kinds_and_names() {
        let c = Cluster::new(ClusterConfig::default());
        assert_eq!(complete(&c, "default", "kubectl sc").line, "kubectl scale ");
        assert_eq!(complete(&c, "default", "des").line, "describe ");
        let r = complete(&c, "default", "kubectl get p");
        assert_eq!(r.line, "kubectl get p");
        assert!(r.candidates.contains(&"pods".to_string()) && r.candidates.contains(&"pvc".to_string()));
        assert_eq!(complete(&c, "default", "kubectl get st").line, "kubectl get st");
        assert_eq!(complete(&c, "default", "kubectl get state").line, "kubectl get statefulsets ");
        assert_eq!(complete(&c, "default", "kubectl describe nodes node-").candidates.len(), 3);
        assert_eq!(complete(&c, "default", "kubectl describe node/node-1").line, "kubectl describe node/node-1 ");
        assert_eq!(complete(&c, "default", "sim fault n").line, "sim fault node ");
        assert_eq!(complete(&c, "default", "sim fault l").line, "sim fault liveness ");
        let tabs = ["myapp.yaml".to_string(), "mongo.yaml".to_string()];
        assert_eq!(complete_line(&c, "default", &tabs, "kubectl delete -f my").line, "kubectl delete -f myapp.yaml ");
        assert_eq!(complete_line(&c, "default", &tabs, "kubectl apply -f ").candidates, ["mongo.yaml", "myapp.yaml"]);
        assert_eq!(complete(&c, "default", "kubectl rollout st").line, "kubectl rollout status ");
    }
}
