//! Ordered sets and maps kept in one sorted `Vec`, for the few collections that stay tiny.
//!
//! Every `BTreeMap<K, V>` key/value layout compiles its own copy of the B-tree (search, insert,
//! split, and for `remove` the merge/steal rebalancing: 3–5 KB of wasm per layout). A sorted
//! `Vec` needs a binary search and a `memmove`, a few hundred bytes. Use these only where the
//! collection holds a handful of entries (faults, a Service's slices): insert and remove are
//! O(n). Iteration is in key order, exactly as the B-tree's.

use std::borrow::Borrow;
use std::fmt;

/// A set of distinct values in ascending order (the subset of `BTreeSet`'s API the engine uses).
#[derive(Clone, PartialEq, Eq)]
pub struct VecSet<T>(Vec<T>);

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        VecSet(Vec::new())
    }
}

impl<T: Ord> VecSet<T> {
    /// An empty set.
    pub const fn new() -> Self {
        VecSet(Vec::new())
    }

    fn find<Q: Ord + ?Sized>(&self, value: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
    {
        self.0.binary_search_by(|x| x.borrow().cmp(value))
    }

    /// Adds `value`; false if it was already there (the set is unchanged then).
    pub fn insert(&mut self, value: T) -> bool {
        match self.find(&value) {
            Ok(_) => false,
            Err(i) => {
                self.0.insert(i, value);
                true
            }
        }
    }

    /// Whether `value` is in the set.
    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(value).is_ok()
    }

    /// Removes `value`; false if it was not there.
    pub fn remove<Q: Ord + ?Sized>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        match self.find(value) {
            Ok(i) => {
                self.0.remove(i);
                true
            }
            Err(_) => false,
        }
    }
}

impl<T> VecSet<T> {
    /// Keeps only the values `keep` accepts.
    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.0.retain(keep);
    }

    /// The values in ascending order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    /// How many values.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a, T> IntoIterator for &'a VecSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T> IntoIterator for VecSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<T: Ord> Extend<T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for v in items {
            self.insert(v);
        }
    }
}

impl<T: Ord> FromIterator<T> for VecSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut set = VecSet::new();
        set.extend(items);
        set
    }
}

/// Formats like `BTreeSet` (`{a, b}`).
impl<T: fmt::Debug> fmt::Debug for VecSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(&self.0).finish()
    }
}

/// A map with keys in ascending order (the subset of `BTreeMap`'s API the engine uses).
#[derive(Clone, PartialEq, Eq)]
pub struct VecMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap(Vec::new())
    }
}

/// `(&K, &V)` from an entry, as `BTreeMap`'s iterators yield.
fn pair<K, V>(e: &(K, V)) -> (&K, &V) {
    (&e.0, &e.1)
}

impl<K: Ord, V> VecMap<K, V> {
    /// An empty map.
    pub const fn new() -> Self {
        VecMap(Vec::new())
    }

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.0.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value at `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    /// The value at `key`, mutably.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.0[i].1)
    }

    /// The value at `key`, inserting `make()` first if there is none
    /// (`entry(key).or_insert_with(make)`).
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (key, make()));
                i
            }
        };
        &mut self.0[i].1
    }

    /// The entries from the first key at or after `lo`, in order (`range(lo..)`).
    pub fn range_from<Q: Ord + ?Sized>(&self, lo: &Q) -> impl Iterator<Item = (&K, &V)>
    where
        K: Borrow<Q>,
    {
        let start = self.0.partition_point(|(k, _)| k.borrow() < lo);
        self.0[start..].iter().map(pair)
    }

    /// [`VecMap::range_from`] with the values mutable.
    pub fn range_from_mut<Q: Ord + ?Sized>(&mut self, lo: &Q) -> impl Iterator<Item = (&K, &mut V)>
    where
        K: Borrow<Q>,
    {
        let start = self.0.partition_point(|(k, _)| k.borrow() < lo);
        self.0[start..].iter_mut().map(|(k, v)| (&*k, v))
    }

    /// Whether `key` has a value.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`, returning the value it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }
}

/// [`VecMap::iter`]'s iterator: a named type, so `&VecMap` can be `IntoIterator`.
pub type Iter<'a, K, V> = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&(K, V)) -> (&K, &V)>;

impl<K, V> VecMap<K, V> {
    /// The entries in key order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        self.0.iter().map(pair)
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.0.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.0.iter().map(|(_, v)| v)
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    /// With equal keys the last value wins, as in `BTreeMap`. Sorts once (O(n log n)) rather
    /// than inserting one at a time: a map read from user input may be large and unsorted.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(items: I) -> Self {
        let mut pairs: Vec<(K, V)> = items.into_iter().collect();
        // Stable: equal keys keep their input order, so the last of each run is the last given.
        crate::util::sort::sort_by(&mut pairs, |a, b| a.0.cmp(&b.0));
        let mut out: Vec<(K, V)> = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            match out.last_mut() {
                Some(last) if last.0 == k => last.1 = v,
                _ => out.push((k, v)),
            }
        }
        VecMap(out)
    }
}

/// From an array of pairs, as `BTreeMap::from([(k, v), …])`.
impl<K: Ord, V, const N: usize> From<[(K, V); N]> for VecMap<K, V> {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// `map[key]`: panics if the key is absent, as `BTreeMap`'s does (callers index only keys they
/// just looked up).
impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for VecMap<K, V> {
    type Output = V;
    fn index(&self, key: &Q) -> &V {
        match self.get(key) {
            Some(v) => v,
            None => panic!("VecMap: no entry for the key"),
        }
    }
}

/// Formats like `BTreeMap` (`{k: v, …}`).
impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Serializes as a map, keys in order (as `BTreeMap` does).
impl<K: serde::Serialize, V: serde::Serialize> serde::Serialize for VecMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

/// Deserializes from a map; with a repeated key the last value wins, as in `BTreeMap`.
impl<'de, K: Ord + serde::Deserialize<'de>, V: serde::Deserialize<'de>> serde::Deserialize<'de> for VecMap<K, V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K: Ord + serde::Deserialize<'de>, V: serde::Deserialize<'de>> serde::de::Visitor<'de> for Visit<K, V> {
            type Value = VecMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = access.next_entry()? {
                    pairs.push(pair);
                }
                Ok(pairs.into_iter().collect())
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn map_collects_like_btreemap_and_reads_from_serde() {
        let pairs = [("b", 1), ("a", 2), ("c", 3), ("a", 4), ("b", 5)].map(|(k, v)| (k.to_string(), v));
        let v: VecMap<String, i32> = pairs.iter().cloned().collect();
        let b: BTreeMap<String, i32> = pairs.iter().cloned().collect();
        assert_eq!(v.iter().collect::<Vec<_>>(), b.iter().collect::<Vec<_>>());
        let json = r#"{"z": "1", "a": "2", "m": "3", "a": "4"}"#;
        let v: VecMap<String, String> = serde_json::from_str(json).expect("a map");
        let b: BTreeMap<String, String> = serde_json::from_str(json).expect("a map");
        assert_eq!(v.iter().collect::<Vec<_>>(), b.iter().collect::<Vec<_>>());
        assert_eq!(serde_json::to_string(&v).expect("json"), serde_json::to_string(&b).expect("json"));
        // Many keys in descending order: one sort, not one insertion each.
        let many: VecMap<String, usize> = (0..50_000).rev().map(|i| (format!("k{i:05}"), i)).collect();
        assert_eq!(many.len(), 50_000);
        assert_eq!(many.iter().next().map(|(k, _)| k.as_str()), Some("k00000"));
    }

    #[test]
    fn set_behaves_like_btreeset() {
        let ops = [5, 1, 9, 1, 3, 5, 7, 0];
        let mut v = VecSet::new();
        let mut b = BTreeSet::new();
        for x in ops {
            assert_eq!(v.insert(x), b.insert(x));
        }
        assert_eq!(v.iter().collect::<Vec<_>>(), b.iter().collect::<Vec<_>>());
        assert_eq!(format!("{v:?}"), format!("{b:?}"));
        for x in [1, 2, 9] {
            assert_eq!(v.remove(&x), b.remove(&x));
            assert_eq!(v.contains(&x), b.contains(&x));
        }
        v.retain(|x| x % 2 == 1);
        b.retain(|x| x % 2 == 1);
        assert_eq!(v.into_iter().collect::<Vec<_>>(), b.into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn map_behaves_like_btreemap() {
        let mut v: VecMap<String, usize> = VecMap::new();
        let mut b: BTreeMap<String, usize> = BTreeMap::new();
        for (i, k) in ["b", "a", "c", "a"].into_iter().enumerate() {
            *v.get_or_insert_with(k.to_string(), || i) += 10;
            *b.entry(k.to_string()).or_insert_with(|| i) += 10;
        }
        assert_eq!(format!("{v:?}"), format!("{b:?}"));
        assert_eq!(v["a"], b["a"]);
        assert_eq!(v.remove("b"), b.remove("b"));
        assert_eq!(v.remove("z"), b.remove("z"));
        assert_eq!(v.get("c"), b.get("c"));
        assert_eq!(v.insert("c".into(), 1), b.insert("c".into(), 1));
        assert_eq!(v.insert("d".into(), 2), b.insert("d".into(), 2));
        assert_eq!(v.contains_key("d"), b.contains_key("d"));
        assert_eq!(v.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
        assert_eq!(v.range_from("b").collect::<Vec<_>>(), b.range::<str, _>((std::ops::Bound::Included("b"), std::ops::Bound::Unbounded)).collect::<Vec<_>>());
        assert_eq!(v.range_from("cc").collect::<Vec<_>>(), b.range::<str, _>((std::ops::Bound::Included("cc"), std::ops::Bound::Unbounded)).collect::<Vec<_>>());
        for ((_, x), (_, y)) in v.range_from_mut("c").zip(b.range_mut::<str, _>((std::ops::Bound::Included("c"), std::ops::Bound::Unbounded))) {
            *x += 100;
            *y += 100;
        }
        assert_eq!(v.values().collect::<Vec<_>>(), b.values().collect::<Vec<_>>());
        assert_eq!(v.iter().collect::<Vec<_>>(), b.iter().collect::<Vec<_>>());
        let mut w = v.clone();
        w.clear();
        assert!(w.is_empty() && !v.is_empty());
        assert_eq!(v.into_iter().collect::<Vec<_>>(), b.into_iter().collect::<Vec<_>>());
    }
}
