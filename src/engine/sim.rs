//! The simulated cluster and its virtual clock: one event queue, one clock, every component
//! reacting to watch events — what a real cluster's control plane and kubelets do concurrently,
//! serialized deterministically.
//!
//! A [`Cluster::step`] pops timed tasks (controller syncs, kubelet transitions, provisioning,
//! garbage collection) until one of them changes the store, and returns those changes. Ties at
//! the same instant run in enqueue order, so the same inputs always give the same history.

use super::api::{Kind, Object, Shared, Time};
use super::config::ClusterConfig;
use super::controllers::{endpoint, endpointslice, garbage_collector, root_ca_publisher, serviceaccounts, statefulset};
use super::rng::Rng;
use super::store::{ObjectKey, Store, WatchEvent};
use super::why::{Decision, Verdict, WhyLog};
use super::{bootstrap, controlplane, events, kubelet, node_lifecycle, scheduler, volumes};
use std::cmp::Reverse;
use crate::util::hash::FastSet;
use std::collections::BinaryHeap;

/// A unit of timed work for one component.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Task {
    /// StatefulSet controller: sync one StatefulSet (work-queue key).
    SyncStatefulSet(ObjectKey),
    /// Scheduler: try to place one pod.
    Schedule(ObjectKey),
    /// Kubelet work for one pod or node.
    Kubelet(kubelet::Task),
    /// PV controller / provisioner work.
    Volume(volumes::Task),
    /// Garbage collector work.
    GarbageCollect(garbage_collector::Task),
    /// Node lifecycle controller / taint eviction work.
    NodeLifecycle(node_lifecycle::Task),
    /// ServiceAccounts controller: ensure one namespace's `default` ServiceAccount.
    ServiceAccounts(String),
    /// Root CA publisher: ensure one namespace's `kube-root-ca.crt` ConfigMap.
    PublishRootCa(String),
    /// EndpointSlice controller: sync one Service's EndpointSlices.
    EndpointSlice(ObjectKey),
    /// Endpoints controller: sync one Service's Endpoints.
    Endpoints(ObjectKey),
    /// kube-apiserver's endpoint reconciler for the `kubernetes` Service.
    ApiserverEndpoints,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Scheduled {
    at: Time,
    seq: u64,
    /// Part of a failure loop (crash back-off, image pull retry): it alone keeps nothing from
    /// being settled.
    recurring: bool,
    task: Task,
}

/// Result of one [`Cluster::step`].
#[derive(Clone, Debug, Default)]
pub struct StepReport {
    /// Virtual time after the step.
    pub at: Time,
    /// Store changes made in this step, in order.
    pub changes: Vec<WatchEvent>,
    /// Tasks run (including no-op ones).
    pub tasks_run: usize,
}

/// Result of [`Cluster::settle`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SettleReport {
    /// True when nothing but failure loops is left to happen.
    pub settled: bool,
    /// Steps taken.
    pub steps: usize,
    /// Virtual milliseconds that passed.
    pub elapsed_ms: u64,
    /// What is still in progress or stuck, in plain words (empty when settled cleanly).
    pub blocked: Vec<String>,
}

/// How far [`Cluster::step`] looks ahead when only failure loops remain (crash back-off is
/// capped at 5 minutes, so a restart always falls within it).
pub const STEP_HORIZON_MS: u64 = 10 * 60 * 1000;
/// Virtual-time bound for [`Cluster::settle`].
pub const DEFAULT_SETTLE_LIMIT_MS: u64 = 30 * 60 * 1000;
/// Step bound for [`Cluster::settle`]: protects a browser tab from an endless loop.
pub const DEFAULT_SETTLE_STEP_LIMIT: usize = 2_000_000;

/// The whole simulated cluster. `Clone` is a checkpoint: objects are shared `Rc`s.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// The API store.
    pub store: Store,
    /// Virtual now.
    pub now: Time,
    /// Settings.
    pub config: ClusterConfig,
    /// Seeded randomness.
    pub rng: Rng,
    /// Controller decisions with reasons.
    pub why: WhyLog,
    /// Kubelet-side state that is not in the API (container filesystems, restarts, faults).
    /// Shared with checkpoints until written (as `volumes`): a failure loop rarely touches
    /// either, so [`Cluster::step`]'s checkpoint before its look-ahead does not copy them.
    pub runtime: Shared<kubelet::Runtime>,
    /// Volume contents and provisioner state.
    pub volumes: Shared<volumes::State>,
    /// The scheduler's cache and queues.
    pub scheduler: scheduler::State,
    /// Event aggregation index.
    pub events: events::Recorder,
    /// StatefulSet controller work-queue state and caches.
    pub statefulset_controller: statefulset::ControllerState,
    /// EndpointSlice controller caches.
    pub endpointslice_controller: endpointslice::State,
    /// Endpoints controller caches.
    pub endpoint_controller: endpoint::State,
    queue: BinaryHeap<Reverse<Scheduled>>,
    /// The queued tasks, for [`Cluster::enqueue_unique`]: only asked for membership (never
    /// iterated), so a hash set, cheaper than ordered compares of object keys.
    unique: FastSet<Task>,
    seq: u64,
    steps: u64,
    work: u64,
    /// Set when a look-ahead found nothing to happen: `(resourceVersion, seq)` of that state.
    /// While both are unchanged, the answer is the same, so [`Cluster::step`] returns at once.
    quiet: Option<(u64, u64)>,
}

impl Cluster {
    /// A new cluster with nodes, the default StorageClass and system objects, its clock at
    /// `config.session_start`.
    pub fn new(config: ClusterConfig) -> Cluster {
        let mut c = Cluster {
            store: Store::new(config.seed),
            now: config.created_at,
            rng: Rng::new(config.seed ^ 0x5157_A7EF_0001),
            why: WhyLog::default(),
            runtime: Shared::default(),
            volumes: Shared::default(),
            scheduler: scheduler::State::default(),
            events: events::Recorder::default(),
            statefulset_controller: statefulset::ControllerState::default(),
            endpointslice_controller: endpointslice::State::default(),
            endpoint_controller: endpoint::State::default(),
            queue: BinaryHeap::new(),
            unique: FastSet::default(),
            seq: 0,
            steps: 0,
            work: 0,
            quiet: None,
            config,
        };
        bootstrap::bootstrap(&mut c);
        // Let the system settle (nodes ready, …), then start the learner's clock.
        c.settle(DEFAULT_SETTLE_LIMIT_MS, DEFAULT_SETTLE_STEP_LIMIT);
        c.now = c.now.max(c.config.session_start);
        c.store.take_changes();
        c
    }

    /// Steps taken since creation.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Tasks run since creation: a measure of simulation work (timeline checkpoints use it).
    pub fn work(&self) -> u64 {
        self.work
    }

    /// Queues a task at an absolute time (never in the past).
    pub fn enqueue_at(&mut self, at: Time, task: Task) {
        self.push(at, task, false);
    }

    /// Queues a task `ms` from now.
    pub fn enqueue_after(&mut self, ms: u64, task: Task) {
        self.push(self.now.plus_ms(ms), task, false);
    }

    /// Queues a task that belongs to a failure loop (see [`SettleReport::settled`]).
    pub fn enqueue_recurring(&mut self, ms: u64, task: Task) {
        self.push(self.now.plus_ms(ms), task, true);
    }

    /// Queues a task unless an identical one is already waiting (a work queue's dedup).
    pub fn enqueue_unique(&mut self, ms: u64, task: Task) {
        if self.unique.insert(task.clone()) {
            self.push(self.now.plus_ms(ms), task, false);
        }
    }

    /// Queues a StatefulSet sync after the informer latency (deduplicated like the controller's
    /// work queue).
    pub fn enqueue_sync(&mut self, key: ObjectKey) {
        let ms = self.config.timings.controller_latency_ms;
        self.enqueue_unique(ms, Task::SyncStatefulSet(key));
    }

    fn push(&mut self, at: Time, task: Task, recurring: bool) {
        self.seq += 1;
        let at = at.max(self.now);
        self.queue.push(Reverse(Scheduled { at, seq: self.seq, recurring, task }));
    }

    /// Re-marks queued failure-loop tasks matching `f` as ordinary work: a fault was cleared, so
    /// what they do next (a restart that stays up, a pull that succeeds) is progress that
    /// [`Cluster::settle`] must wait for. The run order is unchanged (it is `at`, then `seq`).
    pub(crate) fn mark_progress(&mut self, f: impl Fn(&Task) -> bool) {
        if !self.queue.iter().any(|Reverse(s)| s.recurring && f(&s.task)) {
            return;
        }
        let mut all = std::mem::take(&mut self.queue).into_vec();
        for Reverse(s) in &mut all {
            if s.recurring && f(&s.task) {
                s.recurring = false;
            }
        }
        self.queue = all.into();
    }

    /// When the next task is due, if any.
    pub fn next_due(&self) -> Option<Time> {
        self.queue.peek().map(|Reverse(s)| s.at)
    }

    /// Number of queued tasks.
    pub fn pending_tasks(&self) -> usize {
        self.queue.len()
    }

    /// Whether only failure loops (or nothing) remain queued.
    pub fn is_settled(&self) -> bool {
        self.queue.iter().all(|Reverse(s)| s.recurring)
    }

    /// Records a controller decision for the why panel.
    pub fn decide(
        &mut self,
        component: &'static str,
        subject: impl Into<String>,
        verdict: Verdict,
        target: impl Into<String>,
        reason: impl Into<String>,
    ) {
        self.why.push(Decision {
            at: self.now,
            component,
            subject: subject.into(),
            verdict,
            target: target.into(),
            reason: reason.into(),
        });
    }

    /// Emits (or aggregates) a core/v1 Event about `involved`, as a component's EventRecorder.
    /// The message may be given owned (a formatted one is then stored without a copy).
    pub fn record_event(&mut self, involved: &Object, type_: &str, reason: &str, message: impl Into<String>, component: &str) {
        events::record_about(self, involved, type_, reason, message.into(), component);
    }

    /// Runs one task and reacts to what it changed; returns whether the store changed.
    fn run_one(&mut self, report: &mut StepReport) -> bool {
        let Some(Reverse(next)) = self.queue.pop() else { return false };
        self.unique.remove(&next.task);
        self.now = self.now.max(next.at);
        report.tasks_run += 1;
        self.work += 1;
        self.dispatch(next.task);
        let changes = self.store.take_changes();
        let changed = !changes.is_empty();
        self.react(&changes);
        report.changes.extend(changes);
        changed
    }

    fn dispatch(&mut self, task: Task) {
        match task {
            Task::SyncStatefulSet(key) => statefulset::sync(self, &key),
            Task::Schedule(key) => scheduler::schedule(self, &key),
            Task::Kubelet(t) => kubelet::handle(self, t),
            Task::Volume(t) => volumes::handle(self, t),
            Task::GarbageCollect(t) => garbage_collector::handle(self, t),
            Task::NodeLifecycle(t) => node_lifecycle::handle(self, t),
            Task::ServiceAccounts(ns) => serviceaccounts::sync(self, &ns),
            Task::PublishRootCa(ns) => root_ca_publisher::sync(self, &ns),
            Task::EndpointSlice(key) => endpointslice::sync(self, &key),
            Task::Endpoints(key) => endpoint::sync(self, &key),
            Task::ApiserverEndpoints => controlplane::sync(self),
        }
    }

    /// Informers: every component sees every change and queues its follow-up work. Changes a
    /// reaction makes are delivered too, until nothing new happens at this instant.
    pub(crate) fn react(&mut self, changes: &[WatchEvent]) {
        for ev in changes {
            statefulset::on_change(self, ev);
            scheduler::on_change(self, ev);
            kubelet::on_change(self, ev);
            volumes::on_change(self, ev);
            garbage_collector::on_change(self, ev);
            serviceaccounts::on_change(self, ev);
            root_ca_publisher::on_change(self, ev);
            endpointslice::on_change(self, ev);
            endpoint::on_change(self, ev);
            controlplane::on_change(self, ev);
        }
    }

    /// Delivers changes made outside the queue (a kubectl command) to the components.
    pub fn flush(&mut self) -> Vec<WatchEvent> {
        let mut all = Vec::new();
        loop {
            let changes = self.store.take_changes();
            if changes.is_empty() {
                return all;
            }
            self.react(&changes);
            all.extend(changes);
        }
    }

    /// Advances to the next task that changes something, and runs it. Returns an empty report
    /// when nothing is queued.
    pub fn step(&mut self) -> StepReport {
        let mut report = StepReport { at: self.now, ..Default::default() };
        report.changes.extend(self.flush());
        let fingerprint = (self.store.resource_version(), self.seq);
        if report.changes.is_empty() && self.quiet != Some(fingerprint) {
            // Only failure loops left: look ahead at most STEP_HORIZON_MS for their next
            // change; if none comes, nothing happened and the clock does not move.
            let before = self.is_settled().then(|| self.clone());
            let horizon = self.now.plus_ms(STEP_HORIZON_MS);
            while self.next_due().is_some_and(|t| before.is_none() || t <= horizon) {
                if self.run_one(&mut report) {
                    break;
                }
            }
            if report.changes.is_empty() {
                if let Some(before) = before {
                    *self = before;
                    self.quiet = Some(fingerprint);
                    report.tasks_run = 0;
                }
            }
        }
        self.steps += 1;
        report.at = self.now;
        report
    }

    /// Runs every task due within the next `ms`, then moves the clock to exactly `now + ms`.
    pub fn advance(&mut self, ms: u64) -> StepReport {
        let until = self.now.plus_ms(ms);
        let mut report = StepReport { at: self.now, ..Default::default() };
        report.changes.extend(self.flush());
        while self.next_due().is_some_and(|t| t <= until) {
            self.run_one(&mut report);
        }
        self.steps += 1;
        self.now = until;
        report.at = until;
        report
    }

    /// Runs until only failure loops remain, or a bound is hit (virtual `limit_ms`, or
    /// `step_limit` tasks). Reports what is still blocked and why.
    pub fn settle(&mut self, limit_ms: u64, step_limit: usize) -> SettleReport {
        let start = self.now;
        let until = start.plus_ms(limit_ms);
        let mut steps = 0;
        let mut report = StepReport::default();
        report.changes.extend(self.flush());
        while !self.is_settled() && steps < step_limit && self.next_due().is_some_and(|t| t <= until) {
            self.run_one(&mut report);
            report.changes.clear();
            steps += 1;
        }
        self.steps += 1;
        let settled = self.is_settled();
        SettleReport {
            settled,
            steps,
            elapsed_ms: self.now.since(start).max(0) as u64,
            blocked: super::diagnose::blocked(self),
        }
    }

    /// Runs until settled with the default bounds.
    pub fn settle_default(&mut self) -> SettleReport {
        self.settle(DEFAULT_SETTLE_LIMIT_MS, DEFAULT_SETTLE_STEP_LIMIT)
    }

    /// The namespace-qualified key of a stored object of `kind`.
    pub fn key(kind: Kind, namespace: &str, name: &str) -> ObjectKey {
        ObjectKey::new(kind, namespace, name)
    }
}
