//! One sync's view of a set's pods through its [`SetIndex`]: the questions upstream answers by
//! walking its `replicas` and `condemned` slices, answered with ordered-set lookups.
//!
//! | upstream (`updateStatefulSet`) | here |
//! |---|---|
//! | `replicas[i]` (pod or `newVersionedStatefulSetPod` placeholder) | [`View::replica`] |
//! | the first `i` whose pod is missing or unhealthy | [`View::next_monotonic_visit`] |
//! | `condemned` (sorted high → low) | [`View::condemned`] |
//! | `firstUnhealthyPod` | [`View::first_unavailable`] |
//! | `computeReplicaStatus` over both slices | [`View::count_status`] |
//!
//! Within a sync the view is a snapshot, as upstream's slices are: the sync's own writes show up
//! at the next sync, through the informer.

use super::index::{Member, SetIndex};
use super::utils::{get_pod_name, get_pod_revision, PodHandle};
use crate::engine::api::{StatefulSet, StatefulSetStatus, Time};
use std::collections::{BTreeMap, BTreeSet};

/// `set.range(lo..=hi)`, empty when `lo > hi` (where `range` would panic).
pub fn within<T: Ord + Copy>(set: &BTreeSet<T>, lo: T, hi: T) -> std::collections::btree_set::Range<'_, T> {
    if lo > hi {
        set.range(lo..lo)
    } else {
        set.range(lo..=hi)
    }
}

/// `slowStartBatch`'s batch number for call `i`: batches of 1, 2, 4, … 256, then
/// [`super::control::MAX_BATCH_SIZE`] (500) each. (The last batch may be cut short by `n`, which
/// does not change any batch's number.)
pub fn batch_of(i: usize) -> usize {
    if i < 511 {
        (usize::BITS - 1 - (i + 1).leading_zeros()) as usize
    } else {
        9 + (i - 511) / super::control::MAX_BATCH_SIZE
    }
}

/// A sync's view of the pods.
pub struct View<'a> {
    /// The index, refreshed at the start of the sync.
    pub ix: &'a SetIndex,
    /// `getStartOrdinal`.
    pub start: i64,
    /// `getEndOrdinal` (`start - 1` for zero replicas).
    pub end: i64,
    /// `spec.minReadySeconds`.
    pub min_ready: i32,
    /// Ready pods not yet available at this sync's instant, ascending.
    not_yet_available: Vec<i64>,
    /// `newVersionedStatefulSetPod` placeholders built in this sync, by ordinal.
    pub placeholders: BTreeMap<i64, PodHandle>,
}

impl<'a> View<'a> {
    /// The view of `set` at `now`.
    pub fn new(ix: &'a SetIndex, set: &StatefulSet, now: Time) -> View<'a> {
        let start = super::utils::get_start_ordinal(set);
        let min_ready = set.spec.min_ready_seconds();
        View {
            ix,
            start,
            end: start + i64::from(set.spec.replicas().max(0)) - 1,
            min_ready,
            not_yet_available: ix.not_yet_available(min_ready, now),
            placeholders: BTreeMap::new(),
        }
    }

    /// The stored pod at an ordinal.
    pub fn stored(&self, o: i64) -> Option<&'a Member> {
        self.ix.member_at(o)
    }

    /// `replicas[o - start]`: the placeholder built in this sync, else the stored pod.
    pub fn replica(&self, o: i64) -> Option<PodHandle> {
        self.placeholders.get(&o).cloned().or_else(|| self.stored(o).map(|m| m.pod.clone()))
    }

    fn nya_in(&self, lo: i64, hi: i64) -> &[i64] {
        let v = &self.not_yet_available;
        let a = v.partition_point(|o| *o < lo);
        let b = v.partition_point(|o| *o <= hi).max(a);
        &v[a..b]
    }

    /// Whether the stored pod at `o` is `isUnavailable` now.
    pub fn is_unavailable(&self, o: i64) -> bool {
        self.ix.unavailable.contains(&o) || self.nya_in(o, o).len() == 1
    }

    /// The first in-range ordinal at or after `from` with no pod.
    pub fn first_missing(&self, from: i64) -> Option<i64> {
        self.ix.present.first_missing(from, self.end)
    }

    /// The first in-range ordinal at or after `from` where a monotonic `processReplica` does more
    /// than return "carry on": missing, unhealthy, not available yet, or needing repair.
    pub fn next_monotonic_visit(&self, from: i64) -> Option<i64> {
        let missing = self.first_missing(from);
        let flagged = within(&self.ix.monotonic_visits, from, self.end).next().copied();
        let waiting = self.nya_in(from, self.end).first().copied();
        min_some(min_some(missing, flagged), waiting)
    }

    /// Every in-range ordinal a burst `processReplica` acts on, ascending.
    pub fn burst_visits(&self) -> Vec<i64> {
        let mut v: Vec<i64> = self.ix.present.missing(self.start, self.end).collect();
        v.extend(within(&self.ix.burst_visits, self.start, self.end).copied());
        v.sort_unstable();
        v
    }

    /// Condemned ordinals among `set` (or all of them), highest first, as upstream sorts them.
    pub fn condemned<'s>(&'s self, set: Option<&'s BTreeSet<i64>>) -> Box<dyn Iterator<Item = i64> + 's> {
        let (start, end) = (self.start, self.end);
        match set {
            Some(s) => Box::new(s.range(end + 1..).rev().chain(s.range(..start.max(0)).rev()).copied()),
            None => Box::new(self.ix.present.iter_desc(end + 1, i64::MAX).chain(self.ix.present.iter_desc(0, start - 1))),
        }
    }

    /// Position of condemned ordinal `o` in upstream's `condemned` slice (walks the runs: only
    /// needed after an error, to find the end of the slow-start batch).
    pub fn condemned_rank(&self, o: i64) -> usize {
        let p = &self.ix.present;
        if o > self.end {
            p.count_in(o + 1, i64::MAX)
        } else {
            p.count_in(self.end + 1, i64::MAX) + p.count_in(o + 1, self.start - 1)
        }
    }

    /// `firstUnhealthyPod`'s name: the lowest in-range replica that is missing or unavailable,
    /// else the lowest unavailable condemned pod.
    pub fn first_unavailable(&self, set: &StatefulSet) -> Option<String> {
        let (start, end) = (self.start, self.end);
        let lowest = |lo: i64, hi: i64| {
            let a = within(&self.ix.unavailable, lo, hi).next().copied();
            let b = self.nya_in(lo, hi).first().copied();
            min_some(a, b)
        };
        let in_range = min_some(self.first_missing(start), lowest(start, end));
        if let Some(o) = in_range {
            return Some(match self.stored(o) {
                Some(m) => m.pod.metadata.name.clone(),
                None => get_pod_name(set, o),
            });
        }
        let o = lowest(0, start - 1).or_else(|| lowest(end + 1, i64::MAX))?;
        self.stored(o).map(|m| m.pod.metadata.name.clone())
    }

    /// `computeReplicaStatus` over replicas and condemned (placeholders count for nothing).
    pub fn count_status(&self, status: &mut StatefulSetStatus) {
        let ix = self.ix;
        let not_available = self.not_yet_available.iter().filter(|o| self.stored(**o).is_some_and(|m| m.facts.running_ready)).count();
        let counted = |rev: &str| ix.revisions.get(rev).map_or(0, |r| r.counted);
        status.replicas = ix.created as i32;
        status.ready_replicas = ix.running_ready as i32;
        status.available_replicas = (ix.running_ready - not_available) as i32;
        status.current_replicas = counted(&status.current_revision) as i32;
        status.updated_replicas = counted(&status.update_revision) as i32;
    }

    /// Whether any stored replica in `[lo, hi]` is at another revision than `update`.
    pub fn any_outdated(&self, lo: i64, hi: i64, update: &str) -> bool {
        self.ix.revisions.iter().any(|(rev, r)| rev != update && within(&r.all, lo, hi).next().is_some())
            || self.placeholders_outdated(lo, hi, update).next().is_some()
    }

    fn placeholders_outdated<'s>(&'s self, lo: i64, hi: i64, update: &'s str) -> impl DoubleEndedIterator<Item = i64> + 's {
        let range = if lo > hi { self.placeholders.range(lo..lo) } else { self.placeholders.range(lo..=hi) };
        range.filter(move |(_, p)| get_pod_revision(p) != update).map(|(o, _)| *o)
    }

    /// The highest replica in `[lo, hi]` at another revision than `update` (terminating or not).
    pub fn last_outdated(&self, lo: i64, hi: i64, update: &str) -> Option<i64> {
        let stored = self.ix.revisions.iter().filter(|(rev, _)| *rev != update).filter_map(|(_, r)| within(&r.all, lo, hi).next_back());
        stored.copied().chain(self.placeholders_outdated(lo, hi, update).next_back()).max()
    }

    /// The highest replica in `[lo, hi]` that the legacy rolling update stops at: outdated and not
    /// terminating, or unavailable.
    pub fn last_to_roll(&self, lo: i64, hi: i64, update: &str) -> Option<i64> {
        let outdated =
            self.ix.revisions.iter().filter(|(rev, _)| *rev != update).filter_map(|(_, r)| within(&r.not_terminating, lo, hi).next_back());
        let unavailable = within(&self.ix.unavailable, lo, hi).next_back();
        let waiting = self.nya_in(lo, hi).last();
        let placeholder = if lo > hi { None } else { self.placeholders.range(lo..=hi).next_back().map(|(o, _)| o) };
        outdated.chain(unavailable).chain(waiting).chain(placeholder).copied().max()
    }

    /// Up to `limit` replicas in `[lo, hi]` that are outdated and not terminating, highest first.
    pub fn outdated_to_delete(&self, lo: i64, hi: i64, update: &str, limit: usize) -> Vec<i64> {
        let mut v: Vec<i64> = Vec::new();
        for (rev, r) in self.ix.revisions.iter() {
            if rev != update {
                v.extend(within(&r.not_terminating, lo, hi).rev().take(limit).copied());
            }
        }
        v.extend(self.placeholders_outdated(lo, hi, update).rev().take(limit));
        // Descending as ascending then reversed: the one compiled i64 sort (equal i64s are
        // indistinguishable, so the order is the same as sorting by `b.cmp(a)`).
        v.sort_unstable();
        v.reverse();
        v.truncate(limit);
        v
    }

    /// How many replicas in `[lo, hi]` are unavailable.
    pub fn count_unavailable(&self, lo: i64, hi: i64) -> usize {
        let placeholders = if lo > hi { 0 } else { self.placeholders.range(lo..=hi).count() };
        let stored = within(&self.ix.unavailable, lo, hi).count();
        // Ready but not available yet; terminating ones are in `unavailable` already.
        let waiting = self.nya_in(lo, hi).iter().filter(|o| !self.ix.unavailable.contains(o)).count();
        placeholders + stored + waiting
    }

    /// Names of the replicas in `[lo, hi]` at another revision than `update`, in ordinal order.
    pub fn outdated_names(&self, lo: i64, hi: i64, update: &str) -> String {
        let mut v: Vec<(i64, String)> = Vec::new();
        for (rev, r) in self.ix.revisions.iter() {
            if rev == update {
                continue;
            }
            for &o in within(&r.all, lo, hi) {
                if let Some(m) = self.stored(o) {
                    v.push((o, m.pod.metadata.name.clone()));
                }
            }
        }
        v.extend(self.placeholders_outdated(lo, hi, update).filter_map(|o| self.placeholders.get(&o).map(|p| (o, p.metadata.name.clone()))));
        crate::util::sort::sort(&mut v);
        v.into_iter().map(|(_, n)| n).collect::<Vec<_>>().join(", ")
    }
}

/// The smaller of two optional ordinals (either when the other is `None`): what
/// `[a, b].into_iter().flatten().min()` says, without a generic iterator per call site.
fn min_some(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_numbers_follow_slow_start() {
        // Replay slowStartBatch's arithmetic and compare.
        let n = 3000;
        let (mut next, mut batch, mut number) = (0usize, 1usize, 0usize);
        while batch > 0 {
            for i in next..next + batch {
                assert_eq!(batch_of(i), number, "call {i}");
            }
            next += batch;
            number += 1;
            batch = (2 * batch).min(n - next).min(super::super::control::MAX_BATCH_SIZE);
        }
    }
}
