//! The values a template sees: what `reflect.Value` holds when kubectl's GoTemplatePrinter
//! executes on JSON decoded into `map[string]interface{}` (`k8s.io/apimachinery/pkg/util/json`
//! `Unmarshal`: whole numbers become `int64`, others `float64`), plus the constants and function
//! results of the template itself.

use serde_json::Value;

/// JSON `null`, for values that are a nil `interface{}`.
pub(super) static NULL: Value = Value::Null;

/// A `reflect.Value` during execution.
#[derive(Clone, Debug)]
pub(super) enum Val<'a> {
    /// The zero `reflect.Value`: a missing map key, a template invoked without data.
    Invalid,
    /// A value of the data; `true` while its static type is `interface{}` (a map or slice
    /// element), which Go names in `can't evaluate field … in type interface {}`.
    Data(&'a Value, bool),
    /// `slice`'s result: part of a data array, a `[]interface {}`.
    Slice(&'a [Value]),
    /// A `string` made by the template (literal or function result).
    Str(String),
    /// An `int` (number literal, `len`, range index).
    Int(i64),
    /// An `int64` made by the template (`range` over a JSON integer counts in int64).
    I64(i64),
    /// A `uint8` (`index` of a string gives a byte).
    U8(u8),
    /// A `float64` literal.
    Float(f64),
    /// A `bool` (literal or function result).
    Bool(bool),
}

/// What a concrete value is (`reflect.Kind` grouped as the template funcs group it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// No value, or a nil `interface{}`.
    Nil,
    Bool,
    Int,
    Float,
    String,
    Map,
    Slice,
}

impl<'a> Val<'a> {
    /// `indirectInterface` / the unboxing `evalPipeline` does: the concrete value inside an
    /// `interface{}`, `Invalid` for a nil one.
    pub fn elem(&self) -> Val<'a> {
        match self {
            Val::Data(Value::Null, true) => Val::Invalid,
            Val::Data(v, true) => Val::Data(v, false),
            o => o.clone(),
        }
    }

    /// The kind of the concrete value.
    pub fn kind(&self) -> Kind {
        match self.elem() {
            Val::Invalid | Val::Data(Value::Null, _) => Kind::Nil,
            Val::Data(Value::Bool(_), _) | Val::Bool(_) => Kind::Bool,
            Val::Data(Value::Number(n), _) if n.is_i64() => Kind::Int,
            Val::Data(Value::Number(_), _) | Val::Float(_) => Kind::Float,
            Val::Data(Value::String(_), _) | Val::Str(_) => Kind::String,
            Val::Data(Value::Object(_), _) => Kind::Map,
            Val::Data(Value::Array(_), _) | Val::Slice(_) => Kind::Slice,
            Val::Int(_) | Val::I64(_) | Val::U8(_) => Kind::Int,
        }
    }

    /// `reflect.Type.String()` of the value as it is held (`interface {}` while boxed).
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Data(_, true) => "interface {}",
            Val::Invalid => "<nil>",
            Val::Int(_) => "int",
            Val::U8(_) => "uint8",
            _ => match self.kind() {
                Kind::Nil => "<nil>",
                Kind::Bool => "bool",
                Kind::Int => "int64",
                Kind::Float => "float64",
                Kind::String => "string",
                Kind::Map => "map[string]interface {}",
                Kind::Slice => "[]interface {}",
            },
        }
    }

    /// The integer of an int kind.
    pub fn as_int(&self) -> Option<i64> {
        match self.elem() {
            Val::Int(i) | Val::I64(i) => Some(i),
            Val::U8(b) => Some(b as i64),
            Val::Data(Value::Number(n), _) => n.as_i64(),
            _ => None,
        }
    }

    /// The float of a float kind.
    pub fn as_float(&self) -> Option<f64> {
        match self.elem() {
            Val::Float(f) => Some(f),
            Val::Data(Value::Number(n), _) if !n.is_i64() => n.as_f64(),
            _ => None,
        }
    }

    /// The text of a string kind.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            Val::Data(Value::String(s), _) => Some(s),
            _ => None,
        }
    }

    /// The bool of a bool kind.
    pub fn as_bool(&self) -> Option<bool> {
        match self.elem() {
            Val::Bool(b) => Some(b),
            Val::Data(Value::Bool(b), _) => Some(*b),
            _ => None,
        }
    }

    /// The elements of a slice kind.
    pub fn as_slice(&self) -> Option<&'a [Value]> {
        match self {
            Val::Slice(s) => Some(s),
            Val::Data(Value::Array(a), _) => Some(a),
            _ => None,
        }
    }

    /// The entries of a map kind, keys sorted as `fmtsort` sorts strings.
    pub fn map_entries(&self) -> Option<Vec<(&'a String, &'a Value)>> {
        match self {
            Val::Data(Value::Object(m), _) => {
                let mut e: Vec<(&String, &Value)> = m.iter().collect();
                crate::util::sort::sort_by(&mut e, |a, b| a.0.cmp(b.0));
                Some(e)
            }
            _ => None,
        }
    }

    /// `len` of a string, map or slice.
    pub fn len(&self) -> Option<usize> {
        match self.elem() {
            Val::Data(Value::Object(m), _) => Some(m.len()),
            _ => self.as_slice().map(|s| s.len()).or_else(|| self.as_str().map(|s| s.len())),
        }
    }

    /// `isTrue(indirectInterface(v))`: false for nil, zero numbers, empty strings/maps/slices.
    pub fn truth(&self) -> bool {
        match self.kind() {
            Kind::Nil => false,
            Kind::Bool => self.as_bool() == Some(true),
            Kind::Int => self.as_int() != Some(0),
            Kind::Float => self.as_float() != Some(0.0),
            _ => self.len().is_some_and(|n| n > 0),
        }
    }
}
