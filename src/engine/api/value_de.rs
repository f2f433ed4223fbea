//! The API server's decoder of a JSON document into a typed object, reporting every member the
//! type has no field for (what strict decoding turns into `unknown field "spec.replica"`).
//!
//! A `serde::Deserializer` over an owned `serde_json::Value`, shaped like serde_json's own
//! (`serde_json::value::de`), with the same error texts. It tracks where it is (map keys, list
//! indexes) and, when serde's derived code skips an unknown member (`deserialize_ignored_any`),
//! tells a callback that member's path. Doing that here rather than through a wrapper around
//! serde_json's deserializer (serde_ignored) compiles each type's `Deserialize` once, for this
//! one deserializer, with no wrapper layer (that layer cost 37 KB of wasm, 9 KB gzipped).

use serde::de::{self, DeserializeOwned, DeserializeSeed, Expected, MapAccess, SeqAccess, Unexpected, Visitor};
use serde_json::{Error, Map, Value};

/// Where a value sits in the document being decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Path<'a> {
    /// The document itself.
    Root,
    /// Element `index` of the list at `parent`.
    Seq {
        /// The list's path.
        parent: &'a Path<'a>,
        /// The element's position, from 0.
        index: usize,
    },
    /// Member `key` of the object at `parent`.
    Map {
        /// The object's path.
        parent: &'a Path<'a>,
        /// The member's name.
        key: &'a str,
    },
}

/// The callback told the path of every member that was skipped as unknown.
pub type Unknown<'c> = dyn FnMut(&Path<'_>) + 'c;

/// Decodes `T` from `v`, calling `unknown` with the path of every member `T` has no field for.
pub fn deserialize<T: DeserializeOwned>(v: Value, unknown: &mut Unknown<'_>) -> Result<T, Error> {
    T::deserialize(ValueDe { value: v, path: Path::Root, unknown })
}

/// One value, where it sits, and whom to tell about ignored members.
struct ValueDe<'a> {
    value: Value,
    path: Path<'a>,
    unknown: &'a mut Unknown<'a>,
}

/// serde_json's `invalid type: string "x", expected i32`, built the way serde_json builds it.
#[cold]
fn invalid_type(v: &Value, exp: &dyn Expected) -> Error {
    de::Error::invalid_type(unexpected(v), exp)
}

/// How serde_json names a value in its errors.
fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Unexpected::Unsigned(u),
            (None, Some(i)) => Unexpected::Signed(i),
            _ => Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// A list's elements, each decoded at `parent[index]`.
fn visit_array<'de, V: Visitor<'de>>(
    items: Vec<Value>,
    parent: &Path<'_>,
    unknown: &mut Unknown<'_>,
    visitor: V,
) -> Result<V::Value, Error> {
    let len = items.len();
    let mut seq = SeqDe { iter: items.into_iter(), parent, unknown, index: 0 };
    let out = visitor.visit_seq(&mut seq)?;
    if seq.iter.len() == 0 {
        Ok(out)
    } else {
        Err(de::Error::invalid_length(len, &"fewer elements in array"))
    }
}

/// An object's members, each decoded at `parent.key`.
fn visit_object<'de, V: Visitor<'de>>(
    members: Map<String, Value>,
    parent: &Path<'_>,
    unknown: &mut Unknown<'_>,
    visitor: V,
) -> Result<V::Value, Error> {
    let len = members.len();
    let mut map = MapDe { iter: members.into_iter(), value: None, key: String::new(), parent, unknown };
    let out = visitor.visit_map(&mut map)?;
    if map.iter.len() == 0 {
        Ok(out)
    } else {
        Err(de::Error::invalid_length(len, &"fewer elements in map"))
    }
}

impl ValueDe<'_> {
    /// Any number type: serde_json lets the visitor range-check the number it holds.
    fn number<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Number(n) => de::Deserializer::deserialize_any(n, visitor),
            other => Err(invalid_type(&other, &visitor)),
        }
    }
}

macro_rules! numbers {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.number(visitor)
        })*
    };
}

impl<'de> de::Deserializer<'de> for ValueDe<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Number(n) => de::Deserializer::deserialize_any(n, visitor),
            Value::String(s) => visitor.visit_string(s),
            Value::Array(items) => visit_array(items, &self.path, self.unknown, visitor),
            Value::Object(m) => visit_object(m, &self.path, self.unknown, visitor),
        }
    }

    numbers!(deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64);

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    /// No API type is an externally tagged enum (IntOrString is untagged, decoded through
    /// `deserialize_any`), so enums are left to serde_json, untracked.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.value.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Bool(b) => visitor.visit_bool(b),
            other => Err(invalid_type(&other, &visitor)),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::String(s) => visitor.visit_string(s),
            other => Err(invalid_type(&other, &visitor)),
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_byte_buf(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::String(s) => visitor.visit_string(s),
            Value::Array(items) => visit_array(items, &self.path, self.unknown, visitor),
            other => Err(invalid_type(&other, &visitor)),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            other => Err(invalid_type(&other, &visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Array(items) => visit_array(items, &self.path, self.unknown, visitor),
            other => Err(invalid_type(&other, &visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Object(m) => visit_object(m, &self.path, self.unknown, visitor),
            other => Err(invalid_type(&other, &visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        // A struct is a JSON object only. serde_json would also fill one from an array, field
        // by field; the API server's decoder rejects that (`cannot unmarshal array into Go
        // struct field`), and refusing it also leaves every struct's array decoding unused.
        match self.value {
            Value::Object(m) => visit_object(m, &self.path, self.unknown, visitor),
            other => Err(invalid_type(&other, &visitor)),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    /// Serde's derived code skips a member it has no field for by asking for `IgnoredAny`: that
    /// is the unknown field to report.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        (self.unknown)(&self.path);
        visitor.visit_unit()
    }
}

/// A list being decoded.
struct SeqDe<'a, 'u> {
    iter: std::vec::IntoIter<Value>,
    parent: &'a Path<'a>,
    unknown: &'a mut Unknown<'u>,
    index: usize,
}

impl<'de> SeqAccess<'de> for SeqDe<'_, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        let Some(value) = self.iter.next() else { return Ok(None) };
        let path = Path::Seq { parent: self.parent, index: self.index };
        self.index += 1;
        seed.deserialize(ValueDe { value, path, unknown: &mut *self.unknown }).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// An object being decoded; `key` names the member whose value is next.
struct MapDe<'a, 'u> {
    iter: serde_json::map::IntoIter,
    value: Option<Value>,
    key: String,
    parent: &'a Path<'a>,
    unknown: &'a mut Unknown<'u>,
}

impl<'de> MapAccess<'de> for MapDe<'_, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.iter.next() else { return Ok(None) };
        self.key = key;
        self.value = Some(value);
        seed.deserialize(KeyDe(&self.key)).map(Some)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        let Some(value) = self.value.take() else { return Err(de::Error::custom("value is missing")) };
        let path = Path::Map { parent: self.parent, key: &self.key };
        seed.deserialize(ValueDe { value, path, unknown: &mut *self.unknown })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// A member name. Every map key in the API types is a string (field names, label keys), so
/// whatever is asked for gets the string.
struct KeyDe<'k>(&'k str);

impl<'de> de::Deserializer<'de> for KeyDe<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_str(self.0)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::{deserialize, Path};
    use crate::engine::api::{Pod, StatefulSet};
    use serde_json::{json, Value};

    /// Paths in the API server's notation, as the manifest decoder prints them.
    fn path_string(p: &Path<'_>) -> String {
        match p {
            Path::Root => String::new(),
            Path::Seq { parent, index } => format!("{}[{index}]", path_string(parent)),
            Path::Map { parent, key } => match path_string(parent) {
                s if s.is_empty() => key.to_string(),
                s => format!("{s}.{key}"),
            },
        }
    }

    fn decode<T: serde::de::DeserializeOwned>(v: Value) -> (Result<T, String>, Vec<String>) {
        let mut seen = Vec::new();
        let r = deserialize::<T>(v, &mut |p| seen.push(path_string(p))).map_err(|e| e.to_string());
        (r, seen)
    }

    #[test]
    fn unknown_field_at_top_level() {
        let (r, seen) = decode::<Pod>(json!({"metadata": {"name": "a"}, "bogus": 1}));
        assert_eq!(r.map(|p| p.metadata.name), Ok("a".to_string()));
        assert_eq!(seen, ["bogus"]);
    }

    #[test]
    fn unknown_field_in_a_list_uses_brackets() {
        let v = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "a", "image": "x"},
            {"name": "b", "image": "y", "foo": {"deep": [1]}}
        ]}}}});
        let (r, seen) = decode::<StatefulSet>(v);
        assert!(r.is_ok());
        assert_eq!(seen, ["spec.template.spec.containers[1].foo"]);
    }

    #[test]
    fn unknown_field_inside_an_option() {
        // `updateStrategy.rollingUpdate` is an Option: it adds nothing to the path.
        let v = json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": 1, "maxSurge": 2}}}});
        let (r, seen) = decode::<StatefulSet>(v);
        assert!(r.is_ok());
        assert_eq!(seen, ["spec.updateStrategy.rollingUpdate.maxSurge"]);
    }

    #[test]
    fn raw_members_are_kept_not_reported() {
        // Volume sources other than persistentVolumeClaim are flattened into a map: kept as-is.
        let v = json!({"spec": {"volumes": [{"name": "v", "emptyDir": {"x": 1}, "persistentVolumeClaim": {"claimName": "c", "nope": 1}}]}});
        let (r, seen) = decode::<Pod>(v);
        assert!(r.is_ok());
        assert_eq!(seen, ["spec.volumes[0].persistentVolumeClaim.nope"]);
    }

    #[test]
    fn type_errors_read_like_serde_json() {
        for v in [
            json!({"spec": {"replicas": "x"}}),
            json!({"spec": {"replicas": 5_000_000_000u64}}),
            json!({"spec": {"replicas": -1.5}}),
            json!({"spec": {"template": {"spec": {"containers": {"name": "a"}}}}}),
            json!({"spec": {"template": {"spec": {"containers": [7]}}}}),
            json!({"metadata": {"labels": {"a": 1}}}),
            json!({"metadata": {"creationTimestamp": "yesterday"}}),
            json!({"spec": {"updateStrategy": {"rollingUpdate": {"maxUnavailable": true}}}}),
            json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "ports": [{"containerPort": "80"}]}]}}}}),
            json!("sts"),
        ] {
            let ours = decode::<StatefulSet>(v.clone()).0.map(|_| ());
            let theirs = serde_json::from_value::<StatefulSet>(v).map(|_| ()).map_err(|e| e.to_string());
            assert_eq!(ours, theirs);
            assert!(ours.is_err());
        }
        let (r, _) = decode::<StatefulSet>(json!({"spec": {"replicas": "x"}}));
        assert_eq!(r.err().as_deref(), Some("invalid type: string \"x\", expected i32"));
    }

    #[test]
    fn a_struct_is_never_filled_from_an_array() {
        // serde_json would take `[…]` field by field; the API server rejects it, and so do we.
        let (r, _) = decode::<StatefulSet>(json!([1, 2]));
        assert_eq!(r.err().as_deref(), Some("invalid type: sequence, expected struct StatefulSet"));
        let (r, _) = decode::<Pod>(json!({"status": ["Running"]}));
        assert_eq!(r.err().as_deref(), Some("invalid type: sequence, expected struct PodStatus"));
    }

    #[test]
    fn deep_raw_values_decode() {
        // The manifest reader stops at limits::MAX_NESTING_DEPTH; this decodes one level deeper.
        let mut deep = json!(1);
        for _ in 0..=crate::engine::limits::MAX_NESTING_DEPTH {
            deep = json!({"a": [deep]});
        }
        let v = json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "resources": deep}]}}}});
        let (r, seen) = decode::<StatefulSet>(v);
        assert!(r.is_ok());
        assert!(seen.is_empty());
    }

    #[test]
    fn int_or_string_and_raw_values_decode_as_before() {
        let v = json!({"spec": {"replicas": 3, "updateStrategy": {"rollingUpdate": {"maxUnavailable": "50%"}},
            "template": {"spec": {"containers": [{"name": "a", "env": [{"name": "A", "value": "1", "weird": null}]}]}}}});
        let (r, seen) = decode::<StatefulSet>(v.clone());
        let ours = r.ok().and_then(|s| serde_json::to_value(s).ok());
        let theirs = serde_json::from_value::<StatefulSet>(v).ok().and_then(|s| serde_json::to_value(s).ok());
        assert!(ours.is_some());
        assert_eq!(ours, theirs);
        assert_eq!(seen, ["spec.template.spec.containers[0].env[0].weird"]);
    }
}
