//! A playground session, independent of the browser: the editor's files, the timeline of
//! inputs (kubectl lines, applies, steps, faults) over the simulated cluster, and what the UI
//! derives from it (the diagram's view, completion, highlighting, saved and shared forms,
//! scripts). The Yew UI (`crate::ui`, wasm32) is a thin layer over this module, which is pure
//! Rust and tested natively; it reaches it only through [`api::SessionApi`] (see there why).

pub mod api;
pub mod command;
pub mod complete;
pub mod console;
pub mod edit;
pub mod faults;
pub mod highlight;
pub mod input;
pub mod inspect;
pub mod lessons;
pub mod persist;
pub mod script;
pub mod seed;
pub mod view;
pub mod why;

use crate::engine::api::Kind;
use crate::engine::config::ClusterConfig;
use crate::engine::sim::Cluster;
use crate::engine::timeline::Timeline;
use input::{Input, Outcome};
use persist::{Saved, SavedFile, FORMAT_VERSION};

/// The namespace the playground works in.
pub const NAMESPACE: &str = "default";

/// One editor tab.
pub type File = SavedFile;

/// A session: files plus history.
#[derive(Clone)]
pub struct Session {
    /// The history (and the cluster at the current position).
    pub timeline: Timeline<Input, Outcome>,
    /// Editor tabs.
    pub files: Vec<File>,
    /// Selected tab.
    pub active: usize,
    /// Console lines typed, newest last (for ↑ ↓).
    pub typed: Vec<String>,
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    /// A fresh session with the example file and an empty cluster.
    pub fn new() -> Session {
        Session {
            timeline: Timeline::new(Cluster::new(ClusterConfig::default())),
            files: vec![File { name: seed::SEED_FILE.into(), text: seed::SEED_YAML.into(), edit: None }],
            active: 0,
            typed: Vec::new(),
        }
    }

    /// The cluster at the current position.
    pub fn cluster(&self) -> &Cluster {
        self.timeline.current()
    }

    /// Pods the StatefulSets have yet to create: for each set, its desired replicas less the
    /// pods its status counts. What the coming steps will allocate memory for (the browser gets
    /// that memory ready while idle, see `ui::heap::warm`).
    pub fn pods_to_create(&self) -> usize {
        self.cluster()
            .store
            .list(Kind::StatefulSet, None)
            .filter_map(|o| o.as_stateful_set())
            .map(|s| (s.spec.replicas.unwrap_or(1) - s.status.replicas).max(0) as usize)
            .sum()
    }

    /// Applies an input at the current position (branching if the position is in the past).
    pub fn act(&mut self, input: Input) -> &Outcome {
        self.timeline.push(input, input::apply)
    }

    /// Moves to the state after the first `n` inputs.
    pub fn seek(&mut self, n: usize) {
        self.timeline.seek(n, input::apply);
    }

    /// The saved form (for localStorage and share links).
    pub fn saved(&self) -> Saved {
        Saved {
            v: FORMAT_VERSION,
            files: self.files.clone(),
            active: self.active,
            history: Saved::runs(self.timeline.entries().iter().map(|e| &e.input)),
            position: self.timeline.position(),
            typed: self.typed.iter().rev().take(200).rev().cloned().collect(),
        }
    }

    /// Rebuilds a session from its saved form by replaying its history (deterministic, so the
    /// result is the state that was saved).
    pub fn restore(saved: &Saved) -> Result<Session, String> {
        saved.validate()?;
        let mut s = Session::new();
        if !saved.files.is_empty() {
            s.files = saved.files.clone();
        }
        s.active = saved.active.min(s.files.len().saturating_sub(1));
        s.typed = saved.typed.clone();
        for i in saved.inputs() {
            s.act(i);
        }
        s.seek(saved.position);
        Ok(s)
    }

    /// Inputs applied up to the position, as a playground script.
    pub fn script(&self) -> String {
        script::export(self.timeline.inputs())
    }
}

/// Runs the example once on a scratch session nobody sees — apply, settle, the diagram's view —
/// and returns how many pods it drew. The browser calls it just after the page appears: a
/// browser compiles WebAssembly functions on their first call, so without it the learner's first
/// steps pay for compiling the controllers, kubelet and view code (a trace put the engine's part
/// of the first 100-pod step at ~9 ms cold against ~4 ms warm). The learner's own session is
/// not touched.
pub fn warm_up() -> usize {
    view::drawn_pods(&warm_up_view())
}

/// [`warm_up`]'s work, returning the diagram's view of the settled example (the browser then
/// draws it off screen, to warm up the diagram's code too).
pub fn warm_up_view() -> view::ClusterView {
    let mut scratch = Session::new();
    scratch.act(Input::Apply { file: seed::SEED_FILE.into(), text: seed::SEED_YAML.into() });
    scratch.act(Input::Wait);
    let view = view::build(scratch.cluster(), NAMESPACE);
    warm_up_burst();
    view
}

/// Replicas of [`warm_up_burst`]'s set.
const WARM_UP_BURST: usize = 300;

/// A Parallel set whose pods and claims are all created in one step, on a scratch session.
/// A browser first runs a function in quickly compiled baseline code and optimizes it only once
/// it has run for a while; the settled example is too small for that, so without this the
/// learner's first large scale-up ran the controller's create path (and the allocator under it)
/// unoptimized. Returns the size of its largest step (the burst).
fn warm_up_burst() -> usize {
    let yaml = seed::parallel(WARM_UP_BURST);
    let mut scratch = Session::new();
    scratch.act(Input::Apply { file: seed::SEED_FILE.into(), text: yaml });
    // The burst comes within a few steps of the apply (the claims' and pods' creates).
    let mut largest = 0;
    for _ in 0..8 {
        largest = largest.max(scratch.act(Input::STEP).changes.len());
        if largest >= WARM_UP_BURST {
            break;
        }
    }
    largest
}

#[cfg(test)]
mod tests;
