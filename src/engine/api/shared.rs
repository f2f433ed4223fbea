//! [`Shared`]: a field shared between object versions until one of them changes it.
//!
//! Every write stores a new version of an object, and most writes change a small part of it (a
//! kubelet writes a pod's status, the scheduler its `nodeName`). Deep-copying the rest on each
//! version — a pod spec carries defaulted tolerations, a projected service-account volume and
//! other verbatim JSON — was most of the simulation's cost. A `Shared` field is copied by
//! reference and copied for real only when written to (`Rc::make_mut`), so versions share what
//! they did not change. It is invisible in behaviour: it serializes, deserializes, compares and
//! prints exactly as the value it holds.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::rc::Rc;

/// A value shared by reference between clones, copied on write.
pub struct Shared<T>(Rc<T>);

thread_local! {
    /// One default value per type, shared by every defaulted `Shared` of that type (see
    /// [`Shared::default`]). A handful of types: a list beats hashing the `TypeId`.
    static DEFAULTS: RefCell<Vec<(TypeId, Rc<dyn Any>)>> = const { RefCell::new(Vec::new()) };
}

impl<T: Default + 'static> Default for Shared<T> {
    /// The type's default value, shared: most objects leave most shared fields empty (an Event
    /// has no labels, annotations or owners; a new pod's defaults are replaced at once), and an
    /// allocation per empty field was a visible share of creating objects. The first write
    /// copies the empty value, as it would any shared one.
    fn default() -> Self {
        let id = TypeId::of::<T>();
        let found = DEFAULTS.with(|d| d.borrow().iter().find(|(t, _)| *t == id).map(|(_, v)| Rc::clone(v)));
        let any = found.unwrap_or_else(|| {
            // Made outside the borrow: `T::default()` may default `Shared` fields of its own.
            let v: Rc<dyn Any> = Rc::new(T::default());
            DEFAULTS.with(|d| d.borrow_mut().push((id, Rc::clone(&v))));
            v
        });
        // The entry for `id` holds a `T` (it was made above from `T::default()`).
        Shared(Rc::downcast::<T>(any).unwrap_or_default())
    }
}

impl<T> Shared<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Shared<T> {
        Shared(Rc::new(value))
    }

    /// The value, without a copy unless another version still shares it.
    pub fn unwrap_or_clone(this: Shared<T>) -> T
    where
        T: Clone,
    {
        Rc::unwrap_or_clone(this.0)
    }

    /// Whether both hold the very same value (not merely equal ones).
    pub fn ptr_eq(a: &Shared<T>, b: &Shared<T>) -> bool {
        Rc::ptr_eq(&a.0, &b.0)
    }
}

impl<T> Clone for Shared<T> {
    /// Another reference to the same value: no copy.
    fn clone(&self) -> Self {
        Shared(Rc::clone(&self.0))
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Clone> DerefMut for Shared<T> {
    /// Copies the value first if another version still shares it.
    fn deref_mut(&mut self) -> &mut T {
        Rc::make_mut(&mut self.0)
    }
}

impl<'a, T> IntoIterator for &'a Shared<T>
where
    &'a T: IntoIterator,
{
    type Item = <&'a T as IntoIterator>::Item;
    type IntoIter = <&'a T as IntoIterator>::IntoIter;
    /// Iterates the value, as `for x in &value` would.
    fn into_iter(self) -> Self::IntoIter {
        (&*self.0).into_iter()
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Shared::new(value)
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    /// Value equality, answered at once for two references to the same value.
    fn eq(&self, other: &Self) -> bool {
        Shared::ptr_eq(self, other) || *self.0 == *other.0
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: Serialize> Serialize for Shared<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Shared<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Shared::new)
    }
}

#[cfg(test)]
mod tests {
    use super::Shared;

    #[test]
    fn defaults_share_one_value_until_written() {
        let a: Shared<Vec<u8>> = Shared::default();
        let mut b: Shared<Vec<u8>> = Shared::default();
        assert!(Shared::ptr_eq(&a, &b));
        b.push(1);
        assert!(a.is_empty());
        assert_eq!(*Shared::<Vec<u8>>::default(), Vec::<u8>::new());
        let s: Shared<String> = Shared::default();
        assert_eq!(*s, "");
    }

    #[test]
    fn clones_share_until_written() {
        let a = Shared::new(vec![1, 2]);
        let mut b = a.clone();
        assert!(Shared::ptr_eq(&a, &b));
        b.push(3);
        assert!(!Shared::ptr_eq(&a, &b));
        assert_eq!(*a, vec![1, 2]);
        assert_eq!(*b, vec![1, 2, 3]);
    }

    #[test]
    fn serializes_and_compares_as_the_value() {
        let a = Shared::new(vec!["x".to_string()]);
        assert_eq!(serde_json::to_string(&a).ok(), serde_json::to_string(&*a).ok());
        let back: Shared<Vec<String>> = serde_json::from_str("[\"x\"]").unwrap_or_default();
        assert_eq!(a, back);
        assert_eq!(format!("{a:?}"), format!("{:?}", vec!["x"]));
    }
}
