//! Reading the stored JSON of kinds the playground keeps as `Object::Generic` the way the typed Go
//! structs would see it (absent fields are zero values), for the describers of those kinds.

use crate::engine::api::{GenericObject, LabelSelector, PodTemplateSpec, Time};
use serde_json::{Map, Value};

/// The object's non-metadata fields as one JSON value (`/spec/...` pointers work on it).
pub fn rest(g: &GenericObject) -> Value {
    Value::Object(g.rest.clone())
}

/// A string field; `""` when absent (Go's zero value).
pub fn str_at<'a>(v: &'a Value, ptr: &str) -> &'a str {
    v.pointer(ptr).and_then(Value::as_str).unwrap_or("")
}

/// An optional string field (`*string`).
pub fn opt_str_at<'a>(v: &'a Value, ptr: &str) -> Option<&'a str> {
    v.pointer(ptr).and_then(Value::as_str)
}

/// An integer field; 0 when absent.
pub fn int_at(v: &Value, ptr: &str) -> i64 {
    opt_int_at(v, ptr).unwrap_or(0)
}

/// An optional integer field (`*int32`).
pub fn opt_int_at(v: &Value, ptr: &str) -> Option<i64> {
    v.pointer(ptr).and_then(Value::as_i64)
}

/// An optional boolean field (`*bool`).
pub fn opt_bool_at(v: &Value, ptr: &str) -> Option<bool> {
    v.pointer(ptr).and_then(Value::as_bool)
}

/// A list field; empty when absent.
pub fn list_at<'a>(v: &'a Value, ptr: &str) -> &'a [Value] {
    v.pointer(ptr).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// A map field; empty when absent.
pub fn map_at<'a>(v: &'a Value, ptr: &str) -> Option<&'a Map<String, Value>> {
    v.pointer(ptr).and_then(Value::as_object)
}

/// A `map[string]string` field, sorted (non-string values are skipped).
pub fn string_map_at(v: &Value, ptr: &str) -> crate::engine::api::StringMap {
    map_at(v, ptr)
        .map(|m| crate::engine::api::StringMap::from_iter(m.iter().filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))))
        .unwrap_or_default()
}

/// A time field (`metav1.Time`), parsed from RFC 3339.
pub fn time_at(v: &Value, ptr: &str) -> Option<Time> {
    opt_str_at(v, ptr).and_then(Time::parse_rfc3339)
}

/// `intstr.IntOrString.String()` of a field, when present.
pub fn int_or_string_at(v: &Value, ptr: &str) -> Option<String> {
    match v.pointer(ptr)? {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// A `*metav1.LabelSelector` field.
pub fn selector_at(v: &Value, ptr: &str) -> Option<LabelSelector> {
    v.pointer(ptr).filter(|s| !s.is_null()).map(|s| crate::engine::api::from_value(s.clone()).unwrap_or_default())
}

/// `metav1.LabelSelectorAsSelector(sel).String()`: like `FormatLabelSelector` but `""` for an
/// empty or absent selector (`labels.Everything()` / `labels.Nothing()` print nothing).
pub fn selector_string(sel: Option<&LabelSelector>) -> String {
    match sel {
        Some(s) if !s.match_labels.is_empty() || !s.match_expressions.is_empty() => {
            crate::kubectl::selector::format_label_selector(s)
        }
        _ => String::new(),
    }
}

/// A pod template field (`spec.template`), typed so the shared `DescribePodTemplate` can print it.
pub fn pod_template_at(v: &Value, ptr: &str) -> PodTemplateSpec {
    v.pointer(ptr).and_then(|t| crate::engine::api::from_value(t.clone()).ok()).unwrap_or_default()
}

/// `printBoolPtr`: `True`, `False` or `<unset>`.
pub fn print_bool_ptr(b: Option<bool>) -> String {
    match b {
        Some(true) => "True".into(),
        Some(false) => "False".into(),
        None => "<unset>".into(),
    }
}

/// The number of bytes a base64 (`[]byte` in JSON) value decodes to.
pub fn base64_len(s: &str) -> usize {
    let body: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let pad = body.iter().rev().take_while(|b| **b == b'=').count();
    let n = body.len() - pad;
    n / 4 * 3 + (n % 4).saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_lengths() {
        assert_eq!(base64_len(""), 0);
        assert_eq!(base64_len("YQ=="), 1);
        assert_eq!(base64_len("YWI="), 2);
        assert_eq!(base64_len("YWJj"), 3);
        assert_eq!(base64_len("YWRtaW4="), 5);
        assert_eq!(base64_len("MWYyZDFlMmU2N2Rm"), 12);
        assert_eq!(base64_len("YWJjZA"), 4);
    }
}
