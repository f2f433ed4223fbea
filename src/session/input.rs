//! What a learner does, as timeline inputs, and how each one is applied to the cluster.
//!
//! Every input is replayable: the timeline restores a checkpoint and re-applies inputs to step
//! back, so [`apply`] must be a pure function of the cluster and the input.

use crate::engine::api::Kind;
use crate::engine::sim::Cluster;
use crate::engine::store::WatchEventType;
use crate::cli::session as sim;
use crate::kubectl;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::rc::Rc;

/// One thing the learner did.
///
/// Saved as `{"t": "<variant>", …fields}`. It is decoded through [`SavedInput`], a flat record,
/// rather than serde's internally tagged enum decoder, which buffers every value before it
/// looks at the tag (17 KB of wasm for this enum alone).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "lowercase", try_from = "SavedInput")]
pub enum Input {
    /// A kubectl command line, with stdin (a script's heredoc) if any.
    Kubectl {
        /// The line as typed.
        line: String,
        /// Standard input.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stdin: Option<String>,
        /// Editor tabs the line names with `-f` (name → text as it was when typed), so
        /// `kubectl delete -f myapp.yaml` reads the tab as a real kubectl reads the file.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        files: BTreeMap<String, String>,
    },
    /// `kubectl apply -f <file>` of an editor tab (the text as it was when applied).
    Apply {
        /// Tab name.
        file: String,
        /// The file's text.
        text: String,
    },
    /// Simulation steps (each: up to the next change).
    Step {
        /// How many.
        n: u32,
    },
    /// Move the clock forward.
    Advance {
        /// Virtual milliseconds.
        ms: u64,
    },
    /// Run until settled (bounded).
    Wait,
    /// A fault or its undo: the words after `sim fault`.
    Fault {
        /// e.g. `["crash", "myapp-1"]`, `["clear", "image", "nginx:1.28"]`.
        words: Vec<String>,
    },
    /// A `kubectl edit` saved from its editor tab: the PATCH kubectl sent
    /// ([`super::edit`]). Opening the tab is not an input; only the save reaches the server.
    Edit {
        /// The command line that opened the edit.
        line: String,
        /// The resource as kubectl names it (`statefulset.apps`).
        kind: String,
        /// Namespace (empty for cluster-scoped kinds).
        #[serde(default)]
        namespace: String,
        /// Name.
        name: String,
        /// The strategic merge patch, as compact JSON.
        patch: String,
    },
}

impl Input {
    /// One step (the step button, the → key, play).
    pub const STEP: Input = Input::Step { n: 1 };

    /// A kubectl line with no stdin and no files.
    pub fn kubectl(line: impl Into<String>) -> Input {
        Input::Kubectl { line: line.into(), stdin: None, files: BTreeMap::new() }
    }

    /// Whether this is a learner's command (a marker on the scrubber) rather than clock movement.
    pub fn is_command(&self) -> bool {
        !matches!(self, Input::Step { .. } | Input::Advance { .. } | Input::Wait)
    }

    /// Whether the console shows this input and its output when it rebuilds the transcript
    /// from the history (after a reload or a share link): commands, and the clock moves that
    /// only typing makes (`sim wait`, `sim advance …`, `sim step N`), which were echoed when
    /// typed. A single step is left out: the Step button, the → key and play record it too, and
    /// print nothing.
    pub fn is_echoed(&self) -> bool {
        match self {
            Input::Step { n } => *n > 1,
            Input::Advance { .. } | Input::Wait => true,
            _ => self.is_command(),
        }
    }

    /// The command line to echo in the console (`kubectl apply -f myapp.yaml`, `sim step`), with
    /// its heredoc when it had one (as `stsplay run` echoes it).
    pub fn echo(&self) -> String {
        match self {
            Input::Kubectl { line, stdin: Some(body), .. } => crate::session::script::heredoc_block(line, body, false),
            Input::Kubectl { line, .. } => line.clone(),
            Input::Apply { file, .. } => format!("kubectl apply -f {file}"),
            Input::Step { n: 1 } => "sim step".into(),
            Input::Step { n } => format!("sim step {n}"),
            Input::Advance { ms } => format!("sim advance {}", crate::session::script::format_duration(*ms)),
            Input::Wait => "sim wait".into(),
            Input::Fault { words } => format!("sim fault {}", words.join(" ")),
            // The command was echoed when the tab opened; this marks the save that ended it.
            Input::Edit { line, .. } => format!("{line}   # saved in the editor"),
        }
    }
}

/// The saved form of an [`Input`] as one flat record: the tag `t` and every variant's fields,
/// each optional here and required by [`Input::try_from`] where its variant needs it.
#[derive(Deserialize)]
pub struct SavedInput {
    t: String,
    line: Option<String>,
    stdin: Option<String>,
    #[serde(default)]
    files: BTreeMap<String, String>,
    file: Option<String>,
    text: Option<String>,
    n: Option<u32>,
    ms: Option<u64>,
    words: Option<Vec<String>>,
    kind: Option<String>,
    #[serde(default)]
    namespace: String,
    name: Option<String>,
    patch: Option<String>,
}

/// A required field of a saved input, or serde's message for its absence.
fn required<T>(v: Option<T>, field: &str) -> Result<T, String> {
    v.ok_or_else(|| format!("missing field `{field}`"))
}

impl TryFrom<SavedInput> for Input {
    type Error = String;

    fn try_from(r: SavedInput) -> Result<Input, String> {
        Ok(match r.t.as_str() {
            "kubectl" => Input::Kubectl { line: required(r.line, "line")?, stdin: r.stdin, files: r.files },
            "apply" => Input::Apply { file: required(r.file, "file")?, text: required(r.text, "text")? },
            "step" => Input::Step { n: required(r.n, "n")? },
            "advance" => Input::Advance { ms: required(r.ms, "ms")? },
            "wait" => Input::Wait,
            "fault" => Input::Fault { words: required(r.words, "words")? },
            "edit" => Input::Edit {
                line: required(r.line, "line")?,
                kind: required(r.kind, "kind")?,
                namespace: r.namespace,
                name: required(r.name, "name")?,
                patch: required(r.patch, "patch")?,
            },
            other => return Err(format!("unknown variant `{other}`, expected one of `kubectl`, `apply`, `step`, `advance`, `wait`, `fault`, `edit`")),
        })
    }
}

/// One object a step or command changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Added, Modified or Deleted.
    pub type_: WatchEventType,
    /// Kind.
    pub kind: Kind,
    /// Namespace (shared with the store's key, as the name is: a step may change 1,000s).
    pub namespace: Rc<str>,
    /// Name.
    pub name: Rc<str>,
}

/// What an input printed and changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// 0 on success.
    pub exit_code: i32,
    /// Objects changed (Events included: a step may change only an Event), in order.
    pub changes: Vec<Change>,
    /// Both streams in the order they were written, as a terminal shows them (kubectl's
    /// [`kubectl::Output::combined`]); empty when the outcome was not printed by kubectl, and
    /// then [`Outcome::pieces`] gives stdout before stderr.
    pub combined: String,
    /// The byte ranges of [`Outcome::combined`] written to stderr.
    pub stderr_spans: Vec<std::ops::Range<usize>>,
}

impl Outcome {
    /// What a kubectl command printed, with its exit code and no changes.
    pub fn from_kubectl(o: kubectl::Output) -> Outcome {
        Outcome {
            stdout: o.stdout,
            stderr: o.stderr,
            exit_code: o.exit_code,
            changes: Vec::new(),
            combined: o.combined,
            stderr_spans: o.stderr_spans,
        }
    }

    /// The output in write order, as `(is_stderr, text)` pieces with no empty piece: kubectl's
    /// `Found 3 pods, using pod/web-0` comes before the logs, a warning before the table, as in
    /// a terminal. An outcome without [`Outcome::combined`] gives stdout, then stderr.
    pub fn pieces(&self) -> Vec<(bool, &str)> {
        let ordered = !self.combined.is_empty()
            && self.combined.len() == self.stdout.len() + self.stderr.len()
            && self.stderr_spans.iter().all(|r| r.start <= r.end && self.combined.get(r.clone()).is_some());
        if !ordered {
            return [(false, self.stdout.as_str()), (true, self.stderr.as_str())].into_iter().filter(|(_, t)| !t.is_empty()).collect();
        }
        let mut out = Vec::new();
        let mut at = 0;
        for r in &self.stderr_spans {
            if r.start > at {
                out.push((false, &self.combined[at..r.start]));
            }
            if r.end > r.start {
                out.push((true, &self.combined[r.clone()]));
            }
            at = at.max(r.end);
        }
        if at < self.combined.len() {
            out.push((false, &self.combined[at..]));
        }
        out
    }
}

fn changes_of(events: &[crate::engine::store::WatchEvent]) -> Vec<Change> {
    events
        .iter()
        .map(|e| Change { type_: e.type_, kind: e.key.kind, namespace: e.key.namespace.clone(), name: e.key.name.clone() })
        .collect()
}

/// Applies one input to the cluster.
pub fn apply(c: &mut Cluster, input: &Input) -> Outcome {
    match input {
        Input::Kubectl { line, stdin, files } => run_kubectl(c, line, stdin.clone(), files),
        Input::Apply { file, text } => apply_file(c, file, text),
        // The CLI's `sim` directives, so the console prints what `stsplay run` prints.
        Input::Step { n } => {
            let (stdout, changes) = sim::sim_step(c, *n);
            Outcome { stdout, changes: changes_of(&changes), ..Default::default() }
        }
        Input::Advance { ms } => {
            let (stdout, changes) = sim::sim_advance(c, *ms);
            Outcome { stdout, changes: changes_of(&changes), ..Default::default() }
        }
        Input::Wait => Outcome { stdout: sim::sim_wait(c), ..Default::default() },
        Input::Fault { words } => match super::faults::run(c, words) {
            Ok(note) => Outcome { stdout: format!("{note}\n"), ..Default::default() },
            Err(e) => Outcome { stderr: format!("error: {e}\n"), exit_code: 1, ..Default::default() },
        },
        Input::Edit { kind, namespace, name, patch, .. } => super::edit::apply_input(c, kind, namespace, name, patch),
    }
}

/// Runs a kubectl line (the leading `kubectl` is optional); `-f NAME` reads `files`. A
/// pipeline (`kubectl exec web-0 -- env | grep HOST`) is recorded whole, so replaying it
/// (step back, reload, a share link) prints the same filtered output.
pub fn run_kubectl(c: &mut Cluster, line: &str, stdin: Option<String>, files: &BTreeMap<String, String>) -> Outcome {
    let ctx = context(stdin, files);
    Outcome::from_kubectl(sim::run_pipeline(c, line, &ctx))
}

/// `kubectl apply -f FILE` of an editor tab: kubectl's own apply (client-side three-way merge,
/// strict validation, playground lints), reading the tab as the file.
pub fn apply_file(c: &mut Cluster, file: &str, text: &str) -> Outcome {
    let ctx = context(None, &crate::util::sort::btree_map([(file.to_string(), text.to_string())]));
    let line = format!("apply -f {}", shell_words::quote(file));
    Outcome::from_kubectl(kubectl::run(c, &line, &ctx))
}

/// The kubectl context a console line runs with: `-f NAME` resolves to the given editor tabs.
pub fn context(stdin: Option<String>, files: &BTreeMap<String, String>) -> kubectl::Context {
    let files = (!files.is_empty()).then(|| kubectl::FileResolver::from_map(files.clone()));
    kubectl::Context { stdin, files, ..Default::default() }
}

/// The file names a kubectl command line gives with `-f`/`--filename` (without a leading `./`;
/// `-` for stdin is left out).
pub fn named_files(words: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut it = words.iter();
    while let Some(w) = it.next() {
        let name = match w.as_str() {
            "-f" | "--filename" => it.next().map(String::as_str),
            _ => w.strip_prefix("--filename=").or_else(|| w.strip_prefix("-f=")).or_else(|| w.strip_prefix("-f").filter(|n| !n.is_empty())),
        };
        match name.map(|n| n.strip_prefix("./").unwrap_or(n)) {
            Some(n) if n != "-" => out.push(n.to_string()),
            _ => {}
        }
    }
    out
}

/// The editor tabs a kubectl command line names with `-f`, by name. A real kubectl reads those
/// files from the working directory; the playground's directory is its editor. (Edit tabs are
/// not files.)
pub fn named_tabs(words: &[String], tabs: &[super::File]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for name in named_files(words) {
        if let Some(t) = tabs.iter().find(|t| t.name == name && t.edit.is_none()) {
            out.insert(t.name.clone(), t.text.clone());
        }
    }
    out
}

/// The input for a console kubectl line: `kubectl apply -f TAB` alone is the Apply button's
/// input (one history entry kind for both); other lines carry the tabs they name.
pub fn console_kubectl(line: String, words: &[String], tabs: &[super::File]) -> Input {
    let files = named_tabs(words, tabs);
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let w = if w.first() == Some(&"kubectl") { &w[1..] } else { &w[..] };
    if let (["apply", "-f", name], 1) = (w, files.len()) {
        let bare = name.strip_prefix("./").unwrap_or(name);
        if let Some(text) = files.get(bare) {
            return Input::Apply { file: bare.to_string(), text: text.clone() };
        }
    }
    Input::Kubectl { line, stdin: None, files }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_variant() -> Vec<Input> {
        let mut files = BTreeMap::new();
        files.insert("myapp.yaml".to_string(), "kind: Service\n".to_string());
        vec![
            Input::kubectl("kubectl get pods"),
            Input::Kubectl { line: "kubectl apply -f -".into(), stdin: Some("a: 1\n".into()), files },
            Input::Apply { file: "myapp.yaml".into(), text: "x".into() },
            Input::Step { n: 3 },
            Input::Advance { ms: 30_000 },
            Input::Wait,
            Input::Fault { words: vec!["crash".into(), "myapp-1".into()] },
            Input::Edit { line: "kubectl edit sts myapp".into(), kind: "statefulset.apps".into(), namespace: "default".into(), name: "myapp".into(), patch: "{}".into() },
        ]
    }

    #[test]
    fn saved_form_round_trips_every_variant() {
        for i in every_variant() {
            let json = serde_json::to_string(&i).unwrap();
            assert_eq!(serde_json::from_str::<Input>(&json).unwrap(), i, "{json}");
        }
    }

    #[test]
    fn saved_form_is_the_tagged_format_links_already_use() {
        let i: Input = serde_json::from_str(r#"{"t":"kubectl","line":"kubectl get sts"}"#).unwrap();
        assert_eq!(i, Input::kubectl("kubectl get sts"));
        assert_eq!(serde_json::to_string(&Input::Step { n: 2 }).unwrap(), r#"{"t":"step","n":2}"#);
        assert_eq!(serde_json::to_string(&Input::Wait).unwrap(), r#"{"t":"wait"}"#);
        let e: Input = serde_json::from_str(r#"{"t":"edit","line":"l","kind":"pod","name":"p","patch":"{}"}"#).unwrap();
        assert!(matches!(e, Input::Edit { ref namespace, .. } if namespace.is_empty()));
    }

    #[test]
    fn saved_form_refuses_missing_fields_and_unknown_tags() {
        let e = serde_json::from_str::<Input>(r#"{"t":"apply","file":"a.yaml"}"#).unwrap_err().to_string();
        assert!(e.contains("missing field `text`"), "{e}");
        let e = serde_json::from_str::<Input>(r#"{"t":"reboot"}"#).unwrap_err().to_string();
        assert!(e.contains("unknown variant `reboot`"), "{e}");
        assert!(serde_json::from_str::<Input>(r#"{"line":"kubectl get pods"}"#).is_err());
        assert!(serde_json::from_str::<Input>(r#"{"t":"step","n":-1}"#).is_err());
    }
}
