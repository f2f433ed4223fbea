//! A set of ordinals kept as maximal runs (`[first, last]` intervals), so "the first ordinal at or
//! after x that is *not* in the set" — the next missing replica — is one ordered-map lookup
//! instead of a walk over every pod below it.

/// Ordinals as disjoint, non-adjacent runs `(first, last)` (inclusive), sorted by `first`.
///
/// A sorted `Vec` rather than a `BTreeMap<i64, i64>`: a set holds a handful of runs (one for a
/// settled StatefulSet), so a binary search is as quick as the tree, and the map's B-tree code
/// for this key/value pair was ~4.5 KB of wasm.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct OrdinalRuns {
    runs: Vec<(i64, i64)>,
}

/// Formats like the `BTreeMap` of first → last it replaced (`{0: 4, 7: 9}`).
impl std::fmt::Debug for OrdinalRuns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrdinalRuns").field("runs", &Runs(&self.runs)).finish()
    }
}

struct Runs<'a>(&'a [(i64, i64)]);

impl std::fmt::Debug for Runs<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.0.iter().map(|(a, b)| (a, b))).finish()
    }
}

impl OrdinalRuns {
    /// How many runs start at or before `o` (the run that may hold `o` is the one before).
    fn starting_by(&self, o: i64) -> usize {
        self.runs.partition_point(|(first, _)| *first <= o)
    }

    /// The index of the run holding `o`, if any.
    fn index_of(&self, o: i64) -> Option<usize> {
        let i = self.starting_by(o).checked_sub(1)?;
        (self.runs[i].1 >= o).then_some(i)
    }

    /// The run holding `o`, if any.
    fn run_of(&self, o: i64) -> Option<(i64, i64)> {
        self.index_of(o).map(|i| self.runs[i])
    }

    /// Whether `o` is in the set.
    pub fn contains(&self, o: i64) -> bool {
        self.index_of(o).is_some()
    }

    /// Adds `o`, merging with the runs on either side.
    pub fn insert(&mut self, o: i64) {
        if self.contains(o) {
            return;
        }
        // `o` is in no run: the run before `next` (if any) ends below `o`.
        let next = self.starting_by(o);
        let joins_left = next > 0 && self.runs[next - 1].1 == o - 1;
        let joins_right = next < self.runs.len() && self.runs[next].0 == o + 1;
        match (joins_left, joins_right) {
            (true, true) => {
                self.runs[next - 1].1 = self.runs[next].1;
                self.runs.remove(next);
            }
            (true, false) => self.runs[next - 1].1 = o,
            (false, true) => self.runs[next].0 = o,
            (false, false) => self.runs.insert(next, (o, o)),
        }
    }

    /// Removes `o`, splitting its run.
    pub fn remove(&mut self, o: i64) {
        let Some(i) = self.index_of(o) else { return };
        let (first, last) = self.runs[i];
        match (first < o, o < last) {
            (false, false) => {
                self.runs.remove(i);
            }
            (false, true) => self.runs[i].0 = o + 1,
            (true, false) => self.runs[i].1 = o - 1,
            (true, true) => {
                self.runs[i].1 = o - 1;
                self.runs.insert(i + 1, (o + 1, last));
            }
        }
    }

    /// The first ordinal in `[from, to]` that is not in the set.
    pub fn first_missing(&self, from: i64, to: i64) -> Option<i64> {
        let m = match self.run_of(from) {
            Some((_, last)) => last + 1,
            None => from,
        };
        (m <= to).then_some(m)
    }

    /// Every ordinal in `[from, to]` that is not in the set, ascending.
    pub fn missing(&self, from: i64, to: i64) -> impl Iterator<Item = i64> + '_ {
        let mut next = self.first_missing(from, to);
        std::iter::from_fn(move || {
            let m = next?;
            // The gap that holds m ends where the next run starts.
            let gap_end = self.runs.get(self.starting_by(m)).map_or(to, |(f, _)| (*f - 1).min(to));
            next = if m < gap_end { Some(m + 1) } else { self.first_missing(m + 1, to) };
            Some(m)
        })
    }

    /// The runs that start at or before `to`, highest first.
    fn down_from(&self, to: i64) -> impl Iterator<Item = &(i64, i64)> + '_ {
        self.runs[..self.starting_by(to)].iter().rev()
    }

    /// The highest ordinal in the set within `[from, to]`.
    pub fn last_in(&self, from: i64, to: i64) -> Option<i64> {
        if from > to {
            return None;
        }
        let (first, last) = *self.down_from(to).next()?;
        (last >= from).then(|| last.min(to)).filter(|o| *o >= first)
    }

    /// Every ordinal in the set within `[from, to]`, descending.
    pub fn iter_desc(&self, from: i64, to: i64) -> impl Iterator<Item = i64> + '_ {
        self.down_from(to)
            .take_while(move |(_, last)| *last >= from)
            .flat_map(move |(first, last)| ((*first).max(from)..=(*last).min(to)).rev())
    }

    /// How many ordinals of the set lie within `[from, to]` (walks the runs: used on error paths).
    pub fn count_in(&self, from: i64, to: i64) -> usize {
        if from > to {
            return 0;
        }
        self.down_from(to)
            .take_while(|(_, last)| *last >= from)
            .map(|(first, last)| ((*last).min(to) - (*first).max(from) + 1) as usize)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn runs_match_a_plain_set() {
        let mut runs = OrdinalRuns::default();
        let mut plain = BTreeSet::new();
        // A fixed pseudo-random walk of inserts and removes.
        let mut x: u64 = 7;
        for _ in 0..2000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let o = ((x >> 33) % 40) as i64;
            if (x >> 20) % 3 == 0 {
                runs.remove(o);
                plain.remove(&o);
            } else {
                runs.insert(o);
                plain.insert(o);
            }
            let (from, to) = (((x >> 40) % 20) as i64, ((x >> 45) % 45) as i64);
            let missing: Vec<i64> = (from..=to).filter(|o| !plain.contains(o)).collect();
            assert_eq!(runs.missing(from, to).collect::<Vec<_>>(), missing);
            assert_eq!(runs.first_missing(from, to), missing.first().copied());
            let present: Vec<i64> = plain.range(from..=to.max(from)).rev().copied().filter(|o| *o <= to).collect();
            assert_eq!(runs.iter_desc(from, to).collect::<Vec<_>>(), present);
            assert_eq!(runs.last_in(from, to), present.first().copied());
            assert_eq!(runs.count_in(from, to), present.len());
            assert_eq!(runs.contains(o), plain.contains(&o));
            // Runs stay maximal: exactly the runs of the plain set.
            let mut want: Vec<(i64, i64)> = Vec::new();
            for &p in &plain {
                match want.last_mut() {
                    Some((_, last)) if *last + 1 == p => *last = p,
                    _ => want.push((p, p)),
                }
            }
            assert_eq!(runs.runs, want);
        }
        assert_eq!(format!("{:?}", OrdinalRuns { runs: vec![(0, 4), (7, 9)] }), "OrdinalRuns { runs: {0: 4, 7: 9} }");
    }
}
