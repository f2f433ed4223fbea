//! JSON patch, RFC 6902 (`gopkg.in/evanphx/json-patch.v4`, `kubectl patch --type=json`):
//! `add`, `remove`, `replace`, `move`, `copy` and `test` on JSON pointers, with the library's
//! error texts.

use super::PatchError;
use serde_json::Value;

/// Decodes a patch document (`jsonpatch.DecodePatch`: `json.Unmarshal` into `[]Operation`).
pub fn decode(patch: &Value) -> Result<Vec<serde_json::Map<String, Value>>, PatchError> {
    let what = match patch {
        Value::Array(items) => {
            let mut ops = Vec::new();
            for it in items {
                match it {
                    Value::Object(m) => ops.push(m.clone()),
                    other => {
                        return Err(PatchError::BadRequest(format!(
                            "json: cannot unmarshal {} into Go value of type jsonpatch.Operation",
                            json_type(other)
                        )))
                    }
                }
            }
            return Ok(ops);
        }
        other => json_type(other),
    };
    Err(PatchError::BadRequest(format!("json: cannot unmarshal {what} into Go value of type jsonpatch.Patch")))
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::Null => "null",
    }
}

fn missing(msg: String) -> PatchError {
    PatchError::Unprocessable(format!("{msg}: missing value"))
}

/// RFC 6901 pointer → reference tokens.
fn tokens(path: &str) -> Option<Vec<String>> {
    if path.is_empty() {
        return Some(Vec::new());
    }
    let rest = path.strip_prefix('/')?;
    Some(rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect())
}

/// The container holding the pointer's last token, and that token.
fn parent<'a>(doc: &'a mut Value, path: &str) -> Option<(&'a mut Value, String)> {
    let mut toks = tokens(path)?;
    let last = toks.pop()?;
    let mut cur = doc;
    for t in toks {
        cur = match cur {
            Value::Object(m) => m.get_mut(&t)?,
            Value::Array(a) => a.get_mut(t.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some((cur, last))
}

fn get(doc: &Value, path: &str) -> Option<Value> {
    let mut cur = doc;
    for t in tokens(path)? {
        cur = match cur {
            Value::Object(m) => m.get(&t)?,
            Value::Array(a) => a.get(t.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur.clone())
}

fn invalid_index(i: &str) -> PatchError {
    PatchError::Unprocessable(format!("Unable to access invalid index: {i}: invalid index referenced"))
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<(), PatchError> {
    if path.is_empty() {
        *doc = value;
        return Ok(());
    }
    let Some((con, key)) = parent(doc, path) else {
        return Err(missing(format!("add operation does not apply: doc is missing path: {path:?}")));
    };
    match con {
        Value::Object(m) => {
            m.insert(key, value);
            Ok(())
        }
        Value::Array(a) => {
            let i = if key == "-" { a.len() } else { key.parse::<usize>().map_err(|_| invalid_index(&key))? };
            if i > a.len() {
                return Err(invalid_index(&key));
            }
            a.insert(i, value);
            Ok(())
        }
        _ => Err(missing(format!("add operation does not apply: doc is missing path: {path:?}"))),
    }
}

fn remove(doc: &mut Value, path: &str, op: &str) -> Result<Value, PatchError> {
    let err = || missing(format!("{op} operation does not apply: doc is missing path: {path:?}"));
    let Some((con, key)) = parent(doc, path) else { return Err(err()) };
    match con {
        Value::Object(m) => m.remove(&key).ok_or_else(err),
        Value::Array(a) => {
            let i = key.parse::<usize>().map_err(|_| invalid_index(&key))?;
            if i >= a.len() {
                return Err(invalid_index(&key));
            }
            Ok(a.remove(i))
        }
        _ => Err(err()),
    }
}

/// Applies every operation in order; the document is unchanged on error.
pub fn apply(doc: &Value, patch: &Value) -> Result<Value, PatchError> {
    let ops = decode(patch)?;
    let mut out = doc.clone();
    for op in ops {
        let kind = op.get("op").and_then(Value::as_str).unwrap_or("");
        let Some(path) = op.get("path").and_then(Value::as_str) else {
            return Err(missing("operation missing path field".to_string()));
        };
        let value = || op.get("value").cloned().ok_or_else(|| missing(format!("{kind} operation, missing value field")));
        let from = || {
            op.get("from").and_then(Value::as_str).map(String::from).ok_or_else(|| missing(format!("{kind} operation, missing from field")))
        };
        match kind {
            "add" => add(&mut out, path, value()?)?,
            "remove" => {
                remove(&mut out, path, "remove")?;
            }
            "replace" => {
                let v = value()?;
                if get(&out, path).is_none() {
                    return Err(missing(format!("replace operation does not apply: doc is missing key: {path}")));
                }
                if path.is_empty() {
                    out = v;
                } else if let Some((con, key)) = parent(&mut out, path) {
                    match con {
                        Value::Object(m) => {
                            m.insert(key, v);
                        }
                        Value::Array(a) => {
                            if let Some(slot) = key.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                                *slot = v;
                            }
                        }
                        _ => {}
                    }
                }
            }
            "move" => {
                let f = from()?;
                let v = remove(&mut out, &f, "move").map_err(|_| missing(format!("move operation does not apply: doc is missing from path: {f}")))?;
                add(&mut out, path, v)?;
            }
            "copy" => {
                let f = from()?;
                let v = get(&out, &f).ok_or_else(|| missing(format!("copy operation does not apply: doc is missing from path: {f}")))?;
                add(&mut out, path, v)?;
            }
            "test" => {
                let v = value()?;
                if get(&out, path).unwrap_or(Value::Null) != v {
                    return Err(PatchError::Unprocessable(format!("testing value {path} failed: test failed")));
                }
            }
            other => return Err(PatchError::Unprocessable(format!("Unexpected kind: {other}: unknown object type"))),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn operations() {
        let doc = json!({"spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "a", "args": ["x"]}]}}}});
        let p = json!([
            {"op": "replace", "path": "/spec/replicas", "value": 5},
            {"op": "add", "path": "/spec/template/spec/containers/0/args/-", "value": "y"},
            {"op": "test", "path": "/spec/replicas", "value": 5},
            {"op": "copy", "from": "/spec/replicas", "path": "/spec/copy"},
            {"op": "move", "from": "/spec/copy", "path": "/spec/moved"},
            {"op": "remove", "path": "/spec/moved"}
        ]);
        let out = apply(&doc, &p).unwrap();
        assert_eq!(out["spec"]["replicas"], 5);
        assert_eq!(out["spec"]["template"]["spec"]["containers"][0]["args"], json!(["x", "y"]));
        assert!(out["spec"].get("moved").is_none());
    }

    #[test]
    fn errors_as_the_library_words_them() {
        let doc = json!({"spec": {}});
        assert_eq!(
            apply(&doc, &json!([{"op": "remove", "path": "/spec/foo"}])).unwrap_err(),
            PatchError::Unprocessable("remove operation does not apply: doc is missing path: \"/spec/foo\": missing value".into())
        );
        assert_eq!(
            apply(&doc, &json!({"op": "add"})).unwrap_err(),
            PatchError::BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch".into())
        );
        assert_eq!(
            apply(&doc, &json!([{"op": "test", "path": "/spec", "value": 1}])).unwrap_err(),
            PatchError::Unprocessable("testing value /spec failed: test failed".into())
        );
    }
}
