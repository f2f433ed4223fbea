//! A set of ordinals kept as maximal runs (`[first, last]` intervals), so "the first ordinal at or
//! after x that is *not* in the set" — the next missing replica — is one ordered-map lookup
//! instead of a walk over every pod below it.

use std::collections::BTreeMap;

/// Ordinals as disjoint, non-adjacent runs: first → last (inclusive).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrdinalRuns {
    runs: BTreeMap<i64, i64>,
}

impl OrdinalRuns {
    /// The run holding `o`, if any.
    fn run_of(&self, o: i64) -> Option<(i64, i64)> {
        self.runs.range(..=o).next_back().filter(|(_, last)| **last >= o).map(|(f, l)| (*f, *l))
    }

    /// Whether `o` is in the set.
    pub fn contains(&self, o: i64) -> bool {
        self.run_of(o).is_some()
    }

    /// Adds `o`, merging with the runs on either side.
    pub fn insert(&mut self, o: i64) {
        if self.contains(o) {
            return;
        }
        let (mut first, mut last) = (o, o);
        if let Some((f, _)) = self.run_of(o - 1) {
            self.runs.remove(&f);
            first = f;
        }
        if let Some(l) = self.runs.remove(&(o + 1)) {
            last = l;
        }
        self.runs.insert(first, last);
    }

    /// Removes `o`, splitting its run.
    pub fn remove(&mut self, o: i64) {
        let Some((first, last)) = self.run_of(o) else { return };
        self.runs.remove(&first);
        if first < o {
            self.runs.insert(first, o - 1);
        }
        if o < last {
            self.runs.insert(o + 1, last);
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
            let gap_end = self.runs.range(m + 1..).next().map_or(to, |(f, _)| (*f - 1).min(to));
            next = if m < gap_end { Some(m + 1) } else { self.first_missing(m + 1, to) };
            Some(m)
        })
    }

    /// The highest ordinal in the set within `[from, to]`.
    pub fn last_in(&self, from: i64, to: i64) -> Option<i64> {
        if from > to {
            return None;
        }
        let (first, last) = self.runs.range(..=to).next_back().map(|(f, l)| (*f, *l))?;
        (last >= from).then(|| last.min(to)).filter(|o| *o >= first)
    }

    /// Every ordinal in the set within `[from, to]`, descending.
    pub fn iter_desc(&self, from: i64, to: i64) -> impl Iterator<Item = i64> + '_ {
        self.runs
            .range(..=to)
            .rev()
            .take_while(move |(_, last)| **last >= from)
            .flat_map(move |(first, last)| ((*first).max(from)..=(*last).min(to)).rev())
    }

    /// How many ordinals of the set lie within `[from, to]` (walks the runs: used on error paths).
    pub fn count_in(&self, from: i64, to: i64) -> usize {
        if from > to {
            return 0;
        }
        self.runs
            .range(..=to)
            .rev()
            .take_while(|(_, last)| **last >= from)
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
        }
    }
}
