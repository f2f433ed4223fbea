//! Time travel: the history of a session as inputs plus checkpoints, so the UI can step back,
//! jump anywhere and branch, at a memory cost far below one snapshot per step.
//!
//! The simulation is deterministic, so a state is fully described by "the state at a
//! checkpoint + the inputs applied since". Going back restores the nearest earlier checkpoint
//! and replays. A checkpoint is taken once the simulation work since the last one is a few times
//! the size of the state (so the memory checkpoints take stays a fraction of the work done), or
//! after [`CHECKPOINT_INPUTS`] inputs; a jump replays at most that much.

use super::sim::Cluster;

/// Minimum simulation tasks between checkpoints.
pub const CHECKPOINT_WORK: u64 = 4_000;
/// Tasks between checkpoints per stored object: a checkpoint copies the object index, so it is
/// worth taking only after work proportional to it.
pub const CHECKPOINT_WORK_PER_OBJECT: u64 = 8;
/// Inputs between checkpoints at most (bounds replay cost for cheap inputs).
pub const CHECKPOINT_INPUTS: usize = 512;

fn work_between_checkpoints(c: &Cluster) -> u64 {
    CHECKPOINT_WORK.max(c.store.len() as u64 * CHECKPOINT_WORK_PER_OBJECT)
}

/// One applied input and what it printed.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry<I, O> {
    /// The input (a command line, a step, …).
    pub input: I,
    /// Its output when it was first applied (replays reproduce it exactly).
    pub output: O,
}

/// A session's history.
#[derive(Clone, Debug)]
pub struct Timeline<I, O> {
    entries: Vec<Entry<I, O>>,
    /// `(n, state after the first n entries)`, ascending; always starts with `(0, initial)`.
    checkpoints: Vec<(usize, Cluster)>,
    position: usize,
    current: Cluster,
}

impl<I: Clone, O: Clone> Timeline<I, O> {
    /// A history that starts at `initial`.
    pub fn new(initial: Cluster) -> Self {
        Timeline { entries: Vec::new(), checkpoints: vec![(0, initial.clone())], position: 0, current: initial }
    }

    /// The state at the current position.
    pub fn current(&self) -> &Cluster {
        &self.current
    }

    /// Inputs applied up to the current position (what a share link or script records).
    pub fn inputs(&self) -> impl Iterator<Item = &I> {
        self.entries[..self.position].iter().map(|e| &e.input)
    }

    /// Every entry, including those after the position (redo-able).
    pub fn entries(&self) -> &[Entry<I, O>] {
        &self.entries
    }

    /// Current position: number of inputs applied.
    pub fn position(&self) -> usize {
        self.position
    }

    /// Number of recorded inputs (the position can move up to this).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of checkpoints kept.
    pub fn checkpoints(&self) -> usize {
        self.checkpoints.len()
    }

    /// Applies a new input at the current position. Anything after the position is dropped:
    /// acting in the past branches from there.
    pub fn push(&mut self, input: I, apply: impl Fn(&mut Cluster, &I) -> O) -> &O {
        self.entries.truncate(self.position);
        self.checkpoints.retain(|(n, _)| *n <= self.position);
        let output = apply(&mut self.current, &input);
        self.entries.push(Entry { input, output });
        self.position += 1;
        self.maybe_checkpoint();
        &self.entries[self.position - 1].output
    }

    fn maybe_checkpoint(&mut self) {
        let (n, last) = self.checkpoints.last().map(|(n, c)| (*n, c.work())).unwrap_or((0, 0));
        let due = work_between_checkpoints(&self.current);
        if self.current.work().saturating_sub(last) >= due || self.position - n >= CHECKPOINT_INPUTS {
            self.checkpoints.push((self.position, self.current.clone()));
        }
    }

    /// Moves to the state after the first `n` inputs (clamped to the recorded range),
    /// replaying from the nearest checkpoint.
    pub fn seek(&mut self, n: usize, apply: impl Fn(&mut Cluster, &I) -> O) {
        let n = n.min(self.entries.len());
        if n == self.position {
            return;
        }
        // Going forward from here is cheaper than from a checkpoint when no checkpoint lies
        // between.
        let idx = self.checkpoints.partition_point(|(k, _)| *k <= n) - 1;
        let (k, ref state) = self.checkpoints[idx];
        let start = if n > self.position && k <= self.position { self.position } else { k };
        if start != self.position {
            self.current = state.clone();
        }
        for i in start..n {
            apply(&mut self.current, &self.entries[i].input);
            self.position = i + 1;
            if !self.checkpoints.iter().any(|(k, _)| *k == self.position) {
                self.maybe_checkpoint_sorted();
            }
        }
        self.position = n;
    }

    fn maybe_checkpoint_sorted(&mut self) {
        let pos = self.position;
        let idx = self.checkpoints.partition_point(|(k, _)| *k < pos);
        let prev_work = self.checkpoints[idx - 1].1.work();
        let prev_n = self.checkpoints[idx - 1].0;
        let due = work_between_checkpoints(&self.current);
        if self.current.work().saturating_sub(prev_work) >= due || pos - prev_n >= CHECKPOINT_INPUTS {
            self.checkpoints.insert(idx, (pos, self.current.clone()));
        }
    }

    /// One input back (undo).
    pub fn back(&mut self, apply: impl Fn(&mut Cluster, &I) -> O) {
        if self.position > 0 {
            self.seek(self.position - 1, apply);
        }
    }

    /// One input forward (redo), if any was recorded.
    pub fn forward(&mut self, apply: impl Fn(&mut Cluster, &I) -> O) {
        self.seek(self.position + 1, apply);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::{GenericObject, Kind, Object, ObjectMeta};
    use crate::engine::apiserver;
    use crate::engine::config::ClusterConfig;

    /// Test input: create a ConfigMap with this name, or advance the clock by this many ms.
    #[derive(Clone, Debug)]
    enum Op {
        Create(String),
        Advance(u64),
    }

    fn apply(c: &mut Cluster, op: &Op) -> String {
        match op {
            Op::Create(name) => {
                let obj = Object::Generic(
                    Kind::ConfigMap,
                    GenericObject {
                        api_version: "v1".into(),
                        kind: "ConfigMap".into(),
                        metadata: ObjectMeta { name: name.clone(), ..Default::default() },
                        rest: Default::default(),
                    },
                );
                match apiserver::create(c, obj) {
                    Ok(_) => format!("configmap/{name} created"),
                    Err(e) => e.to_string(),
                }
            }
            Op::Advance(ms) => {
                c.advance(*ms);
                format!("now {}", c.now)
            }
        }
    }

    /// The test's ConfigMaps (every namespace also has the root CA one).
    fn names(c: &Cluster) -> Vec<String> {
        c.store
            .list(Kind::ConfigMap, Some("default"))
            .map(|o| o.meta().name.clone())
            .filter(|n| n != "kube-root-ca.crt")
            .collect()
    }

    #[test]
    fn back_forward_and_branch() {
        let mut t = Timeline::new(Cluster::new(ClusterConfig::default()));
        for i in 0..600 {
            t.push(Op::Create(format!("cm-{i:03}")), apply);
            t.push(Op::Advance(1000), apply);
        }
        assert_eq!(t.position(), 1200);
        assert!(t.checkpoints() > 2, "long histories keep intermediate checkpoints");
        let end_time = t.current().now;
        t.seek(3, apply);
        assert_eq!(names(t.current()), vec!["cm-000", "cm-001"]);
        t.back(apply);
        assert_eq!(names(t.current()), vec!["cm-000"]);
        t.back(apply);
        t.back(apply);
        assert!(names(t.current()).is_empty());
        t.forward(apply);
        assert_eq!(names(t.current()), vec!["cm-000"]);
        t.seek(1200, apply);
        assert_eq!(t.current().now, end_time, "replay reproduces the same clock");
        assert_eq!(names(t.current()).len(), 600);
        // Branch from the past: later entries are dropped.
        t.seek(2, apply);
        t.push(Op::Create("other".into()), apply);
        assert_eq!(t.len(), 3);
        assert_eq!(names(t.current()), vec!["cm-000", "other"]);
        assert_eq!(t.inputs().count(), 3);
    }

    #[test]
    fn outputs_are_recorded() {
        let mut t = Timeline::new(Cluster::new(ClusterConfig::default()));
        assert_eq!(t.push(Op::Create("a".into()), apply), "configmap/a created");
        assert!(t.push(Op::Create("a".into()), apply).contains("already exists"));
        assert_eq!(t.entries().len(), 2);
    }
}
