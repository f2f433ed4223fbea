//! Stable sorting through one shared instantiation of the standard library's sort.
//!
//! `slice::sort_by` is generic over the element and the comparator, so every call site with a new
//! type compiles its own copy of the whole driftsort (~4 KB of wasm each; 25 copies were ~100 KB
//! of the page). These helpers sort a permutation of `u32` indices with a `dyn` comparator — one
//! compiled sort for the whole program — and then move the elements into place. The result is
//! exactly `sort_by`'s: a stable sort by the same comparator (ties keep their input order).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Sorts `v` stably by `cmp`, like `v.sort_by(cmp)`.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order = permutation(v.len());
    sort_indices(&mut order, &mut |a, b| cmp(&v[a as usize], &v[b as usize]));
    apply_permutation(v, &mut order);
}

/// Sorts `v` stably by a key, like `v.sort_by_key(key)`.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` stably in ascending order, like `v.sort()`.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// `items.collect::<BTreeMap<_, _>>()` by inserting one at a time. The standard `collect` sorts
/// the items first (one more copy of the sort per key/value type); with equal keys the last
/// value wins either way.
pub fn btree_map<K: Ord, V>(items: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(items);
    map
}

/// `items.collect::<BTreeSet<_>>()` by inserting one at a time (see [`btree_map`]).
pub fn btree_set<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    set.extend(items);
    set
}

/// `0, 1, …, n-1`. The playground's limits keep every sorted list far below `u32::MAX`.
fn permutation(n: usize) -> Vec<u32> {
    (0..n as u32).collect()
}

/// The one compiled copy of the standard sort (non-generic: `u32`s and a `dyn` comparator).
fn sort_indices(order: &mut [u32], cmp: &mut dyn FnMut(u32, u32) -> Ordering) {
    order.sort_by(|a, b| cmp(*a, *b));
}

/// Rearranges `v` so that `v[k]` becomes the old `v[order[k]]`, following each cycle of the
/// permutation with swaps (no clones, no extra buffer of `T`). `order` is consumed as scratch.
fn apply_permutation<T>(v: &mut [T], order: &mut [u32]) {
    for start in 0..order.len() {
        let mut cur = start;
        // A position already in place (or finished as part of an earlier cycle) points to itself.
        while order[cur] as usize != start {
            let next = order[cur] as usize;
            order[cur] = cur as u32;
            v.swap(cur, next);
            cur = next;
        }
        order[cur] = cur as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_std_stable_sort_including_ties() {
        // Pairs sorted by the first field only: the second field shows that ties keep input order.
        let mut seed = 0x2545_f491_u32;
        for len in 0..200 {
            let mut v: Vec<(u32, usize)> = (0..len)
                .map(|i| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    (seed % 7, i)
                })
                .collect();
            let mut expected = v.clone();
            expected.sort_by_key(|p| p.0);
            sort_by_key(&mut v, |p| p.0);
            assert_eq!(v, expected, "len {len}");
        }
    }

    #[test]
    fn sorts_owned_values_without_cloning() {
        let mut v = vec!["pear".to_string(), "apple".into(), "fig".into(), "apple".into()];
        sort(&mut v);
        assert_eq!(v, ["apple", "apple", "fig", "pear"]);
        let mut r = vec![3, 1, 2];
        sort_by(&mut r, |a, b| b.cmp(a));
        assert_eq!(r, [3, 2, 1]);
        let mut empty: Vec<String> = Vec::new();
        sort(&mut empty);
        assert!(empty.is_empty());
    }

    #[test]
    fn btree_builders_match_collect() {
        let items = [("b", 1), ("a", 2), ("b", 3)];
        assert_eq!(btree_map(items), items.into_iter().collect::<BTreeMap<_, _>>());
        assert_eq!(btree_set([3, 1, 3, 2]), [1, 2, 3].into_iter().collect::<BTreeSet<_>>());
    }
}
