//! `-o json` (`k8s.io/cli-runtime/pkg/printers/json.go`): `json.MarshalIndent(obj, "", "    ")`
//! of the unstructured object, so keys come out sorted, with Go's HTML-safe escaping of `<`,
//! `>` and `&`.

use serde::Serialize;
use serde_json::Value;

/// Prints a value as kubectl's JSON printer does (with the trailing newline).
pub fn to_json(v: &Value) -> String {
    to_json_in_field_order(&sort_keys(v))
}

/// Prints a typed object as kubectl's JSON printer does for a typed (not unstructured) object:
/// keys in the Go struct's field order, which is the order the Rust type serializes them in.
pub fn to_json_in_field_order<T: Serialize>(v: &T) -> String {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    // Serializing our own types into memory cannot fail (string keys, finite numbers).
    let _ = v.serialize(&mut ser);
    let s = String::from_utf8(buf).unwrap_or_default();
    let mut out = html_safe(&s);
    out.push('\n');
    out
}

/// `json.NewEncoder(w).Encode(obj)` of an unstructured object (what `json.Marshal` gives for
/// one): compact, keys sorted, HTML-safe escaping, then a newline.
pub fn encode(v: &Value) -> String {
    let s = serde_json::to_string(&sort_keys(v)).unwrap_or_default();
    let mut out = html_safe(&s);
    out.push('\n');
    out
}

/// `json.Marshal` of a typed object: compact, in the field order its type serializes in,
/// HTML-safe.
pub fn marshal<T: Serialize>(v: &T) -> String {
    html_safe(&serde_json::to_string(v).unwrap_or_default())
}

/// Go's encoder escapes `<`, `>`, `&`, U+2028 and U+2029 in strings; outside strings JSON never
/// contains them, so a plain replace is exact.
fn html_safe(s: &str) -> String {
    s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// Go marshals map keys in byte order; serde_json's map keeps that order already unless the
/// `preserve_order` feature is on somewhere in the build, so sort explicitly.
fn sort_keys(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            crate::util::sort::sort(&mut keys);
            let mut out = serde_json::Map::new();
            for k in keys {
                out.insert(k.clone(), sort_keys(&m[k]));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn four_space_indent_sorted_keys_html_escaped() {
        let v = json!({"kind": "List", "apiVersion": "v1", "items": [], "metadata": {"resourceVersion": ""}, "x": "<none> & more"});
        // printers.JSONPrinter: json.MarshalIndent(obj, "", "    ") + "\n".
        assert_eq!(
            to_json(&v),
            "{\n    \"apiVersion\": \"v1\",\n    \"items\": [],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    },\n    \"x\": \"\\u003cnone\\u003e \\u0026 more\"\n}\n"
        );
    }
}
