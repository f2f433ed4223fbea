//! The "why" log: every controller decision (create, delete, wait, skip, adopt, …) with a plain
//! reason, so the UI and `sim why` can explain what the cluster is doing.

use super::api::Time;
use std::collections::VecDeque;
use std::rc::Rc;

/// What a controller decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Created an object.
    Create,
    /// Deleted (or started deleting) an object.
    Delete,
    /// Updated an object (identity repair, ownerRefs, status, revision).
    Update,
    /// Waiting for something before it can act.
    Wait,
    /// Deliberately did nothing.
    Skip,
    /// Adopted an orphan.
    Adopt,
    /// Released an object it no longer selects.
    Release,
    /// Something failed (an API error).
    Fail,
}

impl Verdict {
    /// Lower-case word for display.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Create => "create",
            Verdict::Delete => "delete",
            Verdict::Update => "update",
            Verdict::Wait => "wait",
            Verdict::Skip => "skip",
            Verdict::Adopt => "adopt",
            Verdict::Release => "release",
            Verdict::Fail => "fail",
        }
    }
}

/// One decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// When.
    pub at: Time,
    /// Which component decided (`statefulset-controller`, `kubelet`, `garbage-collector`, …).
    pub component: &'static str,
    /// The object being reconciled, `statefulset/web`.
    pub subject: String,
    /// What it did.
    pub verdict: Verdict,
    /// The object acted on or waited for (`pod/web-1`), may be empty.
    pub target: String,
    /// Plain-words reason, e.g. "waiting for web-0 to be Running and Ready before creating web-1
    /// (OrderedReady)".
    pub reason: String,
}

/// Bounded log of decisions, newest last. Entries are shared, so a checkpoint copies pointers.
#[derive(Clone, Debug, Default)]
pub struct WhyLog {
    entries: VecDeque<Rc<Decision>>,
    total: u64,
}

/// How many decisions are kept (older ones are dropped; the UI shows recent ones).
pub const WHY_LOG_CAPACITY: usize = 2000;

impl WhyLog {
    /// Records a decision.
    pub fn push(&mut self, d: Decision) {
        // A controller re-deciding the same wait on every sync would flood the log: keep one.
        if let Some(last) = self.entries.back() {
            if last.component == d.component
                && last.subject == d.subject
                && last.verdict == d.verdict
                && last.target == d.target
                && last.reason == d.reason
            {
                return;
            }
        }
        if self.entries.len() == WHY_LOG_CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(Rc::new(d));
        self.total += 1;
    }

    /// Decisions, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Decision> {
        self.entries.iter().map(|d| &**d)
    }

    /// Number of decisions ever recorded (a cursor for "what is new since").
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Decisions recorded after the cursor `since` (a previous [`WhyLog::total`]).
    pub fn since(&self, since: u64) -> impl Iterator<Item = &Decision> {
        let new = self.total.saturating_sub(since) as usize;
        let skip = self.entries.len().saturating_sub(new);
        self.entries.iter().skip(skip).map(|d| &**d)
    }

    /// The latest decision about `subject` (e.g. `statefulset/web`).
    pub fn latest_for(&self, subject: &str) -> Option<&Decision> {
        self.entries.iter().rev().map(|d| &**d).find(|d| d.subject == subject)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(reason: &str) -> Decision {
        Decision {
            at: Time(0),
            component: "statefulset-controller",
            subject: "statefulset/web".into(),
            verdict: Verdict::Wait,
            target: "pod/web-0".into(),
            reason: reason.into(),
        }
    }

    #[test]
    fn repeated_decisions_collapse_and_cursor_works() {
        let mut log = WhyLog::default();
        log.push(d("a"));
        log.push(d("a"));
        let cur = log.total();
        log.push(d("b"));
        assert_eq!(log.iter().count(), 2);
        assert_eq!(log.since(cur).map(|d| d.reason.as_str()).collect::<Vec<_>>(), vec!["b"]);
        assert_eq!(log.latest_for("statefulset/web").map(|d| d.reason.as_str()), Some("b"));
    }
}
