//! The three patch formats the API server accepts, on JSON values: strategic merge patch
//! (`k8s.io/apimachinery/pkg/util/strategicpatch`, with the `patchMergeKey`/`patchStrategy`
//! struct tags of `k8s.io/api` in [`schema`]), JSON merge patch (RFC 7386,
//! `evanphx/json-patch.MergePatch`) and JSON patch (RFC 6902, `evanphx/json-patch.v4`), plus
//! the three-way strategic patch `kubectl apply` computes
//! (`strategicpatch.CreateThreeWayMergePatch`).

pub mod json;
pub mod merge;
pub mod schema;
pub mod strategic;
mod strategic_diff;

pub use strategic_diff::three_way;

use std::fmt;

/// Why a patch could not be applied, with the HTTP status the API server answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatchError {
    /// 400 BadRequest (`mergepatch.ErrBadPatchFormat…`, a JSON patch that does not decode).
    BadRequest(String),
    /// 422 from `NewGenericServerResponse`: a JSON patch operation that does not apply.
    Unprocessable(String),
    /// A plain error the server wraps as a 500 without a reason (`Error from server: …`).
    Internal(String),
}

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatchError::BadRequest(m) | PatchError::Unprocessable(m) | PatchError::Internal(m) => f.write_str(m),
        }
    }
}

/// Go's `%v` of a decoded JSON value (`map[k:v]`, `[a b]`), as patch errors print them.
pub fn go_value(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_value).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            crate::util::sort::sort(&mut keys);
            let parts: Vec<String> = keys.iter().map(|k| format!("{k}:{}", go_value(&m[*k]))).collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

/// Compact JSON with object keys sorted, as Go's `json.Marshal` of a map prints it.
pub fn go_json(v: &serde_json::Value) -> String {
    fn sorted(v: &serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                crate::util::sort::sort(&mut keys);
                let mut out = serde_json::Map::new();
                for k in keys {
                    out.insert(k.clone(), sorted(&m[k]));
                }
                Value::Object(out)
            }
            Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    // Go escapes <, > and & in strings (json.Marshal's HTML-safe default).
    let s = serde_json::to_string(&sorted(v)).unwrap_or_default();
    s.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn go_formatting() {
        assert_eq!(go_value(&json!({"image": "x:v2", "b": [1, 2]})), "map[b:[1 2] image:x:v2]");
        assert_eq!(go_json(&json!({"b": 1, "a": {"d": "<", "c": null}})), r#"{"a":{"c":null,"d":"\u003c"},"b":1}"#);
    }
}
