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

/// One thing the learner did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "lowercase")]
pub enum Input {
    /// A kubectl command line, with stdin (a script's heredoc) if any.
    Kubectl {
        /// The line as typed.
        line: String,
        /// Standard input.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stdin: Option<String>,
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

    /// Whether this is a learner's command (a marker on the scrubber) rather than clock movement.
    pub fn is_command(&self) -> bool {
        !matches!(self, Input::Step { .. } | Input::Advance { .. } | Input::Wait)
    }

    /// The command line to echo in the console (`kubectl apply -f myapp.yaml`, `sim step`).
    pub fn echo(&self) -> String {
        match self {
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

/// One object a step or command changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Added, Modified or Deleted.
    pub type_: WatchEventType,
    /// Kind.
    pub kind: Kind,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
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
}

fn changes_of(events: &[crate::engine::store::WatchEvent]) -> Vec<Change> {
    events
        .iter()
        .map(|e| {
            let m = e.object.meta();
            Change { type_: e.type_, kind: e.object.kind(), namespace: m.namespace.clone(), name: m.name.clone() }
        })
        .collect()
}

/// Applies one input to the cluster.
pub fn apply(c: &mut Cluster, input: &Input) -> Outcome {
    match input {
        Input::Kubectl { line, stdin } => run_kubectl(c, line, stdin.clone()),
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

/// Runs a kubectl line (the leading `kubectl` is optional).
pub fn run_kubectl(c: &mut Cluster, line: &str, stdin: Option<String>) -> Outcome {
    let ctx = kubectl::Context { stdin, ..Default::default() };
    let o = kubectl::run(c, line, &ctx);
    Outcome { stdout: o.stdout, stderr: o.stderr, exit_code: o.exit_code, changes: Vec::new() }
}

/// `kubectl apply -f FILE` of an editor tab: kubectl's own apply (client-side three-way merge,
/// strict validation, playground lints), reading the tab as the file.
pub fn apply_file(c: &mut Cluster, file: &str, text: &str) -> Outcome {
    let files = std::collections::BTreeMap::from([(file.to_string(), text.to_string())]);
    let ctx = kubectl::Context { files: Some(kubectl::FileResolver::from_map(files)), ..Default::default() };
    let line = format!("apply -f {}", shell_words::quote(file));
    let o = kubectl::run(c, &line, &ctx);
    Outcome { stdout: o.stdout, stderr: o.stderr, exit_code: o.exit_code, changes: Vec::new() }
}
