//! Object keys: kind, namespace and name, ordered as the API server's storage lists them, and
//! looked up by borrowed parts (no key is built for a lookup).

use super::super::api::{Kind, Object};
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

/// Identifies an object: kind, namespace ("" for cluster-scoped kinds) and name.
///
/// Keys are copied far more often than built (work queues, indexes, watch handlers), so the
/// strings are shared: a copy is two reference counts, not two allocations.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ObjectKey {
    /// The object's kind.
    pub kind: Kind,
    /// Namespace, empty for cluster-scoped objects.
    pub namespace: Rc<str>,
    /// Name.
    pub name: Rc<str>,
}

impl ObjectKey {
    /// Builds a key.
    pub fn new(kind: Kind, namespace: &str, name: &str) -> ObjectKey {
        let namespace = if kind.info().namespaced { namespace } else { "" };
        ObjectKey { kind, namespace: namespace.into(), name: name.into() }
    }

    /// The key of a stored object.
    pub fn of(obj: &Object) -> ObjectKey {
        let m = obj.meta();
        ObjectKey::new(obj.kind(), &m.namespace, &m.name)
    }
}

/// An [`ObjectKey`] made of borrowed parts: maps keyed by `ObjectKey` are searched with it
/// (`map.get(KeyRef::new(..).as_key())`) without allocating the namespace and name.
#[derive(Clone, Copy, Debug)]
pub struct KeyRef<'a> {
    // The store builds range bounds directly (an empty name sorts first).
    pub(super) kind: Kind,
    pub(super) namespace: &'a str,
    pub(super) name: &'a str,
}

impl<'a> KeyRef<'a> {
    /// The borrowed key of `kind`/`namespace`/`name`, scoped as [`ObjectKey::new`] scopes it.
    pub fn new(kind: Kind, namespace: &'a str, name: &'a str) -> KeyRef<'a> {
        let namespace = if kind.info().namespaced { namespace } else { "" };
        KeyRef { kind, namespace, name }
    }

    /// The form `BTreeMap<ObjectKey, _>` lookups take (`ObjectKey: Borrow<dyn KeyParts>`).
    pub fn as_key(&self) -> &(dyn KeyParts + 'a) {
        self
    }
}

/// Kind, namespace and name of a key, owned or borrowed. Keys compare as these triples, which is
/// the derived order of [`ObjectKey`], so a borrowed key finds what an owned one would.
pub trait KeyParts {
    /// The key's kind, namespace and name.
    fn parts(&self) -> (Kind, &str, &str);
}

impl KeyParts for ObjectKey {
    fn parts(&self) -> (Kind, &str, &str) {
        (self.kind, &self.namespace, &self.name)
    }
}

impl KeyParts for KeyRef<'_> {
    fn parts(&self) -> (Kind, &str, &str) {
        (self.kind, self.namespace, self.name)
    }
}

impl<'a> Borrow<dyn KeyParts + 'a> for ObjectKey {
    fn borrow(&self) -> &(dyn KeyParts + 'a) {
        self
    }
}

impl PartialEq for dyn KeyParts + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn KeyParts + '_ {}

impl Hash for dyn KeyParts + '_ {
    /// As `ObjectKey`'s derived `Hash` (kind, namespace, name), so a borrowed key finds an owned
    /// one in a hash map.
    fn hash<H: Hasher>(&self, state: &mut H) {
        let (kind, namespace, name) = self.parts();
        kind.hash(state);
        namespace.hash(state);
        name.hash(state);
    }
}

impl PartialOrd for dyn KeyParts + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for dyn KeyParts + '_ {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (self.parts(), other.parts());
        cmp_parts(a.0, a.1, a.2, b.0, b.1, b.2)
    }
}

impl PartialOrd for ObjectKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ObjectKey {
    /// Kind, then namespace, then name (as the derived order of the triple would be).
    fn cmp(&self, other: &Self) -> Ordering {
        // Stored keys of one namespace share its string (`Store::new_object_key`): one pointer
        // comparison then stands for the namespace's bytes, on every step of a map's search.
        self.kind
            .cmp(&other.kind)
            .then_with(|| if Rc::ptr_eq(&self.namespace, &other.namespace) { Ordering::Equal } else { cmp_str(&self.namespace, &other.namespace) })
            .then_with(|| cmp_str(&self.name, &other.name))
    }
}

/// The order of two keys given as parts: kind, namespace, name.
#[inline]
fn cmp_parts(ka: Kind, na: &str, ma: &str, kb: Kind, nb: &str, mb: &str) -> Ordering {
    ka.cmp(&kb).then_with(|| cmp_str(na, nb)).then_with(|| cmp_str(ma, mb))
}

/// `str::cmp` (byte-wise, shorter first on a common prefix) without a `memcmp` call. Every
/// store lookup compares a key with a dozen or more stored ones, nearly all short ("default",
/// "web-1234"), and the library call's set-up cost more than the bytes; the deeper the store,
/// the more comparisons per lookup, so this is most of what a lookup costs in a big cluster.
#[inline]
pub fn cmp_str(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len().min(b.len());
    let order = if n >= 8 {
        // 8-byte words, big-endian so that integer order is byte order; the last word overlaps
        // bytes already found equal, which changes nothing.
        let mut i = 0;
        loop {
            let (x, y) = (word8(a, i), word8(b, i));
            if x != y || i + 8 >= n {
                break x.cmp(&y);
            }
            i = (i + 8).min(n - 8);
        }
    } else if n >= 4 {
        // First and last four bytes (overlapping when n < 8), first ones most significant.
        let x = (u64::from(word4(a, 0)) << 32) | u64::from(word4(a, n - 4));
        let y = (u64::from(word4(b, 0)) << 32) | u64::from(word4(b, n - 4));
        x.cmp(&y)
    } else if n > 0 {
        // One to three bytes: first, middle, last.
        let pick = |s: &[u8]| (u32::from(s[0]) << 16) | (u32::from(s[n / 2]) << 8) | u32::from(s[n - 1]);
        pick(a).cmp(&pick(b))
    } else {
        Ordering::Equal
    };
    order.then(a.len().cmp(&b.len()))
}

/// The big-endian word of `s[i..i + 8]` (the caller keeps `i + 8 <= s.len()`).
#[inline]
fn word8(s: &[u8], i: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&s[i..i + 8]);
    u64::from_be_bytes(w)
}

/// The big-endian word of `s[i..i + 4]` (the caller keeps `i + 4 <= s.len()`).
#[inline]
fn word4(s: &[u8], i: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&s[i..i + 4]);
    u32::from_be_bytes(w)
}

impl std::fmt::Display for ObjectKey {
    /// `statefulset.apps/web` (kubectl's NamePrinter form).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.kind.name_prefix(), self.name)
    }
}
