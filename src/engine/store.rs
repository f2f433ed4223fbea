//! The API store: what etcd and the API server's storage layer hold. Objects are immutable
//! `Rc`s keyed by kind, namespace and name; every write bumps a global resourceVersion and
//! appends a watch event, as the API server's watch cache does.
//!
//! API semantics (admission, AlreadyExists, graceful deletion, finalizers) live in
//! [`super::apiserver`]; this layer only stores.

use super::api::{Kind, Object, ObjectMeta, Pod, Shared, Time};
use std::collections::{BTreeMap, BTreeSet};
use crate::util::hash::FastMap;
use std::ops::Bound;
use std::rc::Rc;

mod key;
pub use key::{cmp_str, KeyParts, KeyRef, ObjectKey};


/// What happened to an object (`watch.EventType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchEventType {
    /// Created.
    Added,
    /// Updated.
    Modified,
    /// Removed from storage.
    Deleted,
}

/// One change to the store, as a watch delivers it. `old` is the previous version (none for
/// Added); `object` is the new version (for Deleted, the last version).
#[derive(Clone, Debug)]
pub struct WatchEvent {
    /// Added, Modified or Deleted.
    pub type_: WatchEventType,
    /// The object's key, shared with the store (a copy is two reference counts): informer
    /// handlers take it instead of building one from the object.
    pub key: ObjectKey,
    /// The object after the change (the final state for Deleted).
    pub object: Rc<Object>,
    /// The object before the change (None for Added).
    pub old: Option<Rc<Object>>,
    /// Virtual time of the change.
    pub at: Time,
}

/// The store. Cloning is cheap: objects are shared `Rc`s and the maps themselves are
/// [`Shared`], copied only when a clone writes to them. Timeline checkpoints and the look-ahead
/// of [`crate::engine::Cluster::step`] (which checkpoints before every look-ahead) rely on it.
///
/// Each kind has its own maps (indexed by `Kind as usize`, which is the kinds' order), so a
/// checkpoint's first write copies only its kind's maps, and a kind's objects live in two: the
/// keys in order (what lists walk) and the objects by key in a hash map (what lookups and
/// updates use). An ordered map's lookup cost grew with the kind's size — a dozen or more
/// comparisons through the borrowed-key trait object at 10,000 pods — and most store
/// operations are lookups and in-place updates; only creations and removals touch the order.
#[derive(Clone, Default)]
pub struct Store {
    /// Per kind, its keys in order.
    keys: [Shared<BTreeSet<ObjectKey>>; KIND_SLOTS],
    /// Per kind, its objects by key. Never iterated (hash order must not reach any output):
    /// walks go through `keys`.
    objects: [Shared<Objects>; KIND_SLOTS],
    resource_version: u64,
    uid_counter: u64,
    uid_salt: u64,
    /// owner uid → dependents (the garbage collector's graph).
    dependents: Shared<BTreeMap<String, BTreeSet<ObjectKey>>>,
    /// uid → key, for owner lookups (every pod write looks its owner up). A hash map, only ever
    /// looked up: uids are random, so an ordered map gained nothing from order and paid a string
    /// comparison per level.
    by_uid: Shared<FastMap<String, ObjectKey>>,
    /// Per kind (indexed by `Kind as usize`), the resourceVersion of its last write or removal.
    kind_versions: [u64; KIND_SLOTS],
    changes: Vec<WatchEvent>,
}

/// The stored objects of one kind, by key. The fixed-key hasher keeps runs identical.
type Objects = FastMap<ObjectKey, Rc<Object>>;

/// Room for every kind in [`Store::kind_version`]'s table and the per-kind maps.
const KIND_SLOTS: usize = 32;
// The last variant of `Kind` must fit (32: the largest array `Default` covers).
const _: () = assert!((Kind::ClusterRoleBinding as usize) < KIND_SLOTS);

impl std::fmt::Debug for Store {
    /// The objects in key order (never the hash maps' order) and the counters.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("objects", &self.iter().collect::<Vec<_>>())
            .field("resource_version", &self.resource_version)
            .field("uid_counter", &self.uid_counter)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// An empty store whose generated UIDs derive from `seed`.
    pub fn new(seed: u64) -> Store {
        Store { uid_salt: seed, ..Store::default() }
    }

    /// Current (latest) resourceVersion.
    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    /// The resourceVersion of the last write or removal of an object of `kind` (0 when there
    /// was none): unchanged means every object of the kind is the same stored version, which
    /// lets a component keep facts derived from them (the scheduler's per-node cache) without
    /// walking them again.
    pub fn kind_version(&self, kind: Kind) -> u64 {
        self.kind_versions.get(kind as usize).copied().unwrap_or(0)
    }

    /// Number of stored objects.
    pub fn len(&self) -> usize {
        self.objects.iter().map(|m| m.len()).sum()
    }

    /// Whether the store holds nothing.
    pub fn is_empty(&self) -> bool {
        self.objects.iter().all(|m| m.is_empty())
    }

    /// The map of `kind`'s objects.
    fn of_kind(&self, kind: Kind) -> &Objects {
        // Every kind has a slot (the assertion by `KIND_SLOTS`); indexing cannot fail.
        &self.objects[kind as usize]
    }

    /// Looks an object up.
    pub fn get(&self, kind: Kind, namespace: &str, name: &str) -> Option<&Rc<Object>> {
        self.of_kind(kind).get(KeyRef::new(kind, namespace, name).as_key())
    }

    /// Looks an object up by key.
    pub fn get_key(&self, key: &ObjectKey) -> Option<&Rc<Object>> {
        self.of_kind(key.kind).get(key)
    }

    /// The stored key of an object: a copy of the store's shared strings, where building a key
    /// would allocate them again.
    pub fn stored_key(&self, kind: Kind, namespace: &str, name: &str) -> Option<ObjectKey> {
        self.of_kind(kind).get_key_value(KeyRef::new(kind, namespace, name).as_key()).map(|(k, _)| k.clone())
    }

    /// The key of `kind`/`namespace`/`name`: the stored key's shared strings when the object
    /// exists (informer handlers key work by objects that mostly do), else a new key.
    pub fn key(&self, kind: Kind, namespace: &str, name: &str) -> ObjectKey {
        self.stored_key(kind, namespace, name).unwrap_or_else(|| ObjectKey::new(kind, namespace, name))
    }

    /// The key of a new object, its namespace string shared with the Namespace object's stored
    /// key (every object in a namespace would otherwise hold a copy of the same name).
    fn new_object_key(&self, kind: Kind, namespace: &str, name: &str) -> ObjectKey {
        let shared_ns = (kind.info().namespaced && !namespace.is_empty())
            .then(|| self.of_kind(Kind::Namespace).get_key_value(KeyRef::new(Kind::Namespace, "", namespace).as_key()))
            .flatten();
        match shared_ns {
            Some((ns, _)) => ObjectKey { kind, namespace: ns.name.clone(), name: name.into() },
            None => ObjectKey::new(kind, namespace, name),
        }
    }

    /// Looks an object up by UID.
    pub fn get_by_uid(&self, uid: &str) -> Option<&Rc<Object>> {
        self.by_uid.get(uid).and_then(|k| self.get_key(k))
    }

    /// Objects of a kind, in key order; `namespace: None` lists every namespace.
    pub fn list<'a>(
        &'a self,
        kind: Kind,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Rc<Object>> + 'a {
        let lo = KeyRef { kind, namespace: namespace.unwrap_or(""), name: "" };
        let objects = self.of_kind(kind);
        self.keys[kind as usize]
            .range::<dyn KeyParts, _>((Bound::Included(lo.as_key()), Bound::Unbounded))
            .take_while(move |k| k.kind == kind && namespace.is_none_or(|ns| *k.namespace == *ns))
            .filter_map(move |k| objects.get(k))
    }

    /// Pods in a namespace, in name order.
    pub fn pods<'a>(&'a self, namespace: &'a str) -> impl Iterator<Item = &'a Pod> + 'a {
        self.list(Kind::Pod, Some(namespace)).filter_map(|o| o.as_pod())
    }

    /// Every stored object, in key order (kinds in order, then namespace and name).
    pub fn iter(&self) -> impl Iterator<Item = (&ObjectKey, &Rc<Object>)> {
        self.keys.iter().zip(&self.objects).flat_map(|(keys, objects)| keys.iter().filter_map(|k| objects.get_key_value(k)))
    }

    /// Keys of objects with an ownerReference to `owner_uid`.
    pub fn dependents(&self, owner_uid: &str) -> impl Iterator<Item = &ObjectKey> {
        self.dependents.get(owner_uid).into_iter().flatten()
    }

    /// A new UID: deterministic, UUID-shaped (version 4 layout).
    pub fn new_uid(&mut self) -> String {
        self.uid_counter += 1;
        let a = splitmix64(self.uid_salt ^ self.uid_counter.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let b = splitmix64(a);
        // `{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}` of the fields below, written directly: every
        // object and event gets one, and the formatter was a visible share of a settle.
        let mut uid = String::with_capacity(36);
        push_hex(&mut uid, a >> 32, 8);
        uid.push('-');
        push_hex(&mut uid, (a >> 16) & 0xffff, 4);
        uid.push_str("-4");
        push_hex(&mut uid, a & 0xfff, 3);
        uid.push('-');
        push_hex(&mut uid, 0x8000 | (b >> 48 & 0x3fff), 4);
        uid.push('-');
        push_hex(&mut uid, b & 0xffff_ffff_ffff, 12);
        uid
    }

    /// Stores a new object: assigns uid (when empty), resourceVersion and creationTimestamp
    /// (when unset). Replaces nothing; callers check for existence first.
    pub fn create(&mut self, mut obj: Object, now: Time) -> Rc<Object> {
        if obj.meta().uid.is_empty() {
            let uid = self.new_uid();
            obj.meta_mut().uid = uid;
        }
        let meta = obj.meta_mut();
        meta.creation_timestamp.get_or_insert(now);
        self.write(obj, now, true)
    }

    /// Stores a new version of an existing object (or a new one, when absent), bumping its
    /// resourceVersion.
    pub fn update(&mut self, obj: Object, now: Time) -> Rc<Object> {
        self.write(obj, now, false)
    }

    /// Stores a version; `new_key` says which lookup to try first (an insert for a create, an
    /// in-place replacement for an update), not what happens: both cases work either way.
    fn write(&mut self, mut obj: Object, now: Time, new_key: bool) -> Rc<Object> {
        self.resource_version += 1;
        // Written into the version's own String: an update's (a copy of the stored object) has
        // room already, so only a creation allocates one.
        let rv = &mut obj.meta_mut().resource_version;
        rv.clear();
        push_decimal(rv, self.resource_version);
        let new = Rc::new(obj);
        let kind = new.kind();
        if let Some(v) = self.kind_versions.get_mut(kind as usize) {
            *v = self.resource_version;
        }
        let m = new.meta();
        let borrowed = KeyRef::new(kind, &m.namespace, &m.name);
        let objects = &mut *self.objects[kind as usize];
        // Replacing in place reuses the stored key (a copy of its shared strings): an update
        // builds no owned key at all.
        let stored = if new_key { None } else { objects.get_key_value(borrowed.as_key()).map(|(k, _)| k.clone()) };
        let (old, key) = match stored {
            Some(key) => (objects.insert(key.clone(), new.clone()), key),
            None => {
                let key = self.new_object_key(kind, &m.namespace, &m.name);
                let objects = &mut *self.objects[kind as usize];
                let old = objects.insert(key.clone(), new.clone());
                if old.is_none() {
                    self.keys[kind as usize].insert(key.clone());
                }
                (old, key)
            }
        };
        // Most writes keep the uid and ownerReferences (a status update): the indexes stay.
        let same_identity = old.as_ref().is_some_and(|o| {
            let (a, b) = (o.meta(), new.meta());
            a.uid == b.uid && a.owner_references == b.owner_references
        });
        if !same_identity {
            if let Some(o) = &old {
                self.unindex(&key, o.meta());
            }
            self.index(&key, new.meta());
        }
        let type_ = if old.is_some() { WatchEventType::Modified } else { WatchEventType::Added };
        self.changes.push(WatchEvent { type_, key, object: new.clone(), old, at: now });
        new
    }

    /// Removes an object from storage (the final step of deletion).
    pub fn remove(&mut self, key: &ObjectKey, now: Time) -> Option<Rc<Object>> {
        let old = self.objects[key.kind as usize].remove(key)?;
        self.keys[key.kind as usize].remove(key);
        self.unindex(key, old.meta());
        self.resource_version += 1;
        if let Some(v) = self.kind_versions.get_mut(key.kind as usize) {
            *v = self.resource_version;
        }
        self.changes.push(WatchEvent {
            type_: WatchEventType::Deleted,
            key: key.clone(),
            object: old.clone(),
            old: Some(old.clone()),
            at: now,
        });
        Some(old)
    }

    /// Takes the watch events recorded since the last call.
    pub fn take_changes(&mut self) -> Vec<WatchEvent> {
        std::mem::take(&mut self.changes)
    }

    /// Whether writes happened since the last [`Store::take_changes`].
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }

    /// Whether [`Store::get_by_uid`] must find this object. Recorded Events are most of the
    /// store (several per pod) but are never owners and have no owners, so they stay out of the
    /// uid index (which then stays as small as the rest of the cluster).
    fn uid_indexed(key: &ObjectKey, meta: &ObjectMeta) -> bool {
        key.kind != Kind::Event || !meta.owner_references.is_empty()
    }

    fn index(&mut self, key: &ObjectKey, meta: &ObjectMeta) {
        if Self::uid_indexed(key, meta) {
            self.by_uid.insert(meta.uid.clone(), key.clone());
        }
        for r in &meta.owner_references {
            // Most owners already have dependents (a set's pods and claims): no uid copied.
            match self.dependents.get_mut(&r.uid) {
                Some(set) => set.insert(key.clone()),
                None => self.dependents.entry(r.uid.clone()).or_default().insert(key.clone()),
            };
        }
    }

    fn unindex(&mut self, key: &ObjectKey, meta: &ObjectMeta) {
        if Self::uid_indexed(key, meta) {
            self.by_uid.remove(&meta.uid);
        }
        for r in &meta.owner_references {
            if let Some(set) = self.dependents.get_mut(&r.uid) {
                set.remove(key);
                if set.is_empty() {
                    self.dependents.remove(&r.uid);
                }
            }
        }
    }
}

/// Appends the low `digits` hex digits of `v`, zero-padded (`{:0digits$x}` for values that fit).
pub(crate) fn push_hex(out: &mut String, v: u64, digits: u32) {
    for i in (0..digits).rev() {
        let d = (v >> (4 * i) & 0xf) as u32;
        out.push(char::from_digit(d, 16).unwrap_or('0'));
    }
}

/// Appends `v` in decimal, as `to_string` writes it (every write stores its resourceVersion,
/// and the formatter costs more than the digits).
pub(crate) fn push_decimal(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend(buf[i..].iter().map(|&b| b as char));
}

/// SplitMix64 finalizer: a fast, well-mixed deterministic hash step.
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::{OwnerReference, Pod};

    fn pod(name: &str) -> Object {
        let mut p = Pod::default();
        p.metadata.name = name.into();
        p.metadata.namespace = "default".into();
        Object::Pod(p)
    }

    #[test]
    fn decimals_are_to_string() {
        for n in [0, 7, 10, 99, 100, 12_345, u64::MAX] {
            let mut s = String::from("x");
            push_decimal(&mut s, n);
            assert_eq!(s, format!("x{n}"));
        }
    }

    #[test]
    fn create_assigns_uid_rv_and_timestamp_and_records_watch_events() {
        let mut s = Store::new(7);
        let t = Time::from_utc(2025, 1, 1, 0, 0, 0);
        let a = s.create(pod("web-0"), t);
        assert_eq!(a.meta().resource_version, "1");
        assert_eq!(a.meta().creation_timestamp, Some(t));
        assert_eq!(a.meta().uid.len(), 36);
        let b = s.create(pod("web-1"), t);
        assert_ne!(a.meta().uid, b.meta().uid);
        let changes = s.take_changes();
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].type_, WatchEventType::Added);
        assert!(s.take_changes().is_empty());
    }

    #[test]
    fn uids_have_the_uuid_layout_of_the_formatter() {
        let mut s = Store::new(3);
        for _ in 0..50 {
            let uid = s.new_uid();
            let a = splitmix64(s.uid_salt ^ s.uid_counter.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let b = splitmix64(a);
            let expected = format!(
                "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
                a >> 32,
                (a >> 16) & 0xffff,
                a & 0xfff,
                0x8000 | (b >> 48 & 0x3fff),
                b & 0xffff_ffff_ffff
            );
            assert_eq!(uid, expected);
        }
    }

    #[test]
    fn uids_are_deterministic_per_seed() {
        let (mut a, mut b, mut c) = (Store::new(1), Store::new(1), Store::new(2));
        assert_eq!(a.new_uid(), b.new_uid());
        assert_ne!(a.new_uid(), c.new_uid());
    }

    #[test]
    fn list_is_scoped_by_kind_and_namespace() {
        let mut s = Store::new(0);
        s.create(pod("a"), Time(0));
        let mut other = Pod::default();
        other.metadata.name = "b".into();
        other.metadata.namespace = "kube-system".into();
        s.create(Object::Pod(other), Time(0));
        assert_eq!(s.list(Kind::Pod, Some("default")).count(), 1);
        assert_eq!(s.list(Kind::Pod, None).count(), 2);
        assert_eq!(s.list(Kind::Service, None).count(), 0);
    }

    #[test]
    fn cmp_str_is_str_order() {
        let words = [
            "", "a", "b", "ab", "ba", "abc", "abd", "default", "default", "kube-system", "web-0", "web-1", "web-10", "web-9",
            "web-1234", "web-1235", "web-12345", "web-123", "node-1", "node-10", "node-100", "node-2", "\0", "a\0", "\u{e9}t\u{e9}",
            "www-web-1234.18a2b3c4d5e6f708", "www-web-1234.18a2b3c4d5e6f709", "www-web-1234.18a2b3c4d5e6f7", "abcdefgh", "abcdefghi",
            "abcdefgi", "abcdefghijklmnop", "abcdefghijklmnoq", "abcdefghijklmnopq",
        ];
        for a in words {
            for b in words {
                assert_eq!(cmp_str(a, b), a.cmp(b), "{a:?} vs {b:?}");
            }
        }
        // Every length up to 20 with the difference at every position.
        let base: String = "abcdefghijklmnopqrstu".into();
        for len in 0..=20 {
            let a = &base[..len];
            for pos in 0..len {
                for repl in ["A", "z"] {
                    let mut b = a.to_string();
                    b.replace_range(pos..pos + 1, repl);
                    assert_eq!(cmp_str(a, &b), a.cmp(b.as_str()), "{a:?} vs {b:?}");
                    assert_eq!(cmp_str(&b, a), b.as_str().cmp(a), "{b:?} vs {a:?}");
                }
            }
            for other in 0..=20 {
                assert_eq!(cmp_str(a, &base[..other]), a.cmp(&base[..other]));
            }
        }
    }

    #[test]
    fn object_keys_order_as_kind_namespace_name_triples() {
        let keys = [
            ObjectKey::new(Kind::Pod, "default", "web-10"),
            ObjectKey::new(Kind::Pod, "default", "web-9"),
            ObjectKey::new(Kind::Pod, "kube-system", "a"),
            ObjectKey::new(Kind::Node, "", "node-1"),
            ObjectKey::new(Kind::Pod, "default", "web-1"),
        ];
        for a in &keys {
            for b in &keys {
                let triple = |k: &ObjectKey| (k.kind, k.namespace.to_string(), k.name.to_string());
                assert_eq!(a.cmp(b), triple(a).cmp(&triple(b)));
                let (x, y): (&dyn KeyParts, &dyn KeyParts) = (a, &KeyRef::new(b.kind, &b.namespace, &b.name));
                assert_eq!(x.cmp(y), a.cmp(b));
            }
        }
    }

    #[test]
    fn dependents_follow_owner_references() {
        let mut s = Store::new(0);
        let mut p = pod("web-0");
        p.meta_mut().owner_references.push(OwnerReference { uid: "owner".into(), ..Default::default() });
        let stored = s.create(p, Time(0));
        assert_eq!(s.dependents("owner").count(), 1);
        let mut released = (*stored).clone();
        released.meta_mut().owner_references.clear();
        s.update(released, Time(1));
        assert_eq!(s.dependents("owner").count(), 0);
        s.remove(&ObjectKey::new(Kind::Pod, "default", "web-0"), Time(2));
        assert!(s.get(Kind::Pod, "default", "web-0").is_none());
        assert_eq!(s.take_changes().last().map(|c| c.type_), Some(WatchEventType::Deleted));
    }
}
