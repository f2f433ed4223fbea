//! Applying a strategic merge patch (`strategicpatch.StrategicMergePatch` → `mergeMap`,
//! `mergeSlice`): maps merge key by key, `null` deletes, lists follow the field's
//! [`ListStrategy`], and the directives `$patch: replace|delete`, `$retainKeys`,
//! `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>` are honoured.

use super::schema::{list_strategy, ListStrategy};
use super::{go_value, PatchError};
use crate::engine::api::Kind;
use serde_json::{Map, Value};

/// `$patch`.
pub const DIRECTIVE: &str = "$patch";
/// `$retainKeys`.
pub const RETAIN_KEYS: &str = "$retainKeys";
/// `$deleteFromPrimitiveList/<field>`.
pub const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList/";
/// `$setElementOrder/<field>`.
pub const SET_ELEMENT_ORDER: &str = "$setElementOrder/";

/// Applies `patch` to `original` (both whole objects of `kind`).
pub fn apply(kind: Kind, original: &Value, patch: &Value) -> Result<Value, PatchError> {
    let (Value::Object(o), Value::Object(p)) = (original, patch) else {
        return Err(PatchError::BadRequest("invalid JSON document".into()));
    };
    let mut path = Vec::new();
    Ok(Value::Object(merge_map(kind, o.clone(), p, &mut path)?))
}

fn bad_patch_type(t: &Value, m: &Map<String, Value>) -> PatchError {
    PatchError::Internal(format!("unknown patch type: {} in map: {}", go_value(t), go_value(&Value::Object(m.clone()))))
}

/// A patch value with its directives resolved against nothing (what lands where the original
/// had no value).
fn clean(kind: Kind, v: &Value, path: &mut Vec<String>) -> Result<Value, PatchError> {
    match v {
        Value::Object(m) => Ok(Value::Object(merge_map(kind, Map::new(), m, path)?)),
        Value::Array(items) => merge_list(kind, Vec::new(), items, path),
        other => Ok(other.clone()),
    }
}

fn merge_map(kind: Kind, mut original: Map<String, Value>, patch: &Map<String, Value>, path: &mut Vec<String>) -> Result<Map<String, Value>, PatchError> {
    if let Some(t) = patch.get(DIRECTIVE) {
        return match t.as_str() {
            Some("replace") => {
                let mut p = patch.clone();
                p.remove(DIRECTIVE);
                Ok(p)
            }
            Some("delete") => Ok(Map::new()),
            _ => Err(bad_patch_type(t, patch)),
        };
    }
    if let Some(keys) = patch.get(RETAIN_KEYS) {
        let Value::Array(keys) = keys else {
            return Err(PatchError::BadRequest("invalid patch format of retainKeys".into()));
        };
        let keep: Vec<&str> = keys.iter().filter_map(Value::as_str).collect();
        original.retain(|k, _| keep.contains(&k.as_str()));
    }
    // mergePatchIntoOriginal orders by the list as it was before this patch.
    let mut orders: Vec<(String, &Vec<Value>, Vec<Value>)> = Vec::new();
    for (k, v) in patch {
        if k == RETAIN_KEYS {
            continue;
        }
        if let Some(field) = k.strip_prefix(DELETE_FROM_PRIMITIVE_LIST) {
            let Value::Array(gone) = v else {
                return Err(PatchError::BadRequest("invalid patch format of primitive list".into()));
            };
            if let Some(Value::Array(list)) = original.get_mut(field) {
                list.retain(|x| !gone.contains(x));
            }
            continue;
        }
        if let Some(field) = k.strip_prefix(SET_ELEMENT_ORDER) {
            let Value::Array(order) = v else {
                return Err(PatchError::BadRequest("invalid patch format of setElementOrder list".into()));
            };
            let before = match original.get(field) {
                Some(Value::Array(l)) => l.clone(),
                _ => Vec::new(),
            };
            orders.push((field.to_string(), order, before));
            continue;
        }
        path.push(k.clone());
        let result = merge_field(kind, &mut original, k, v, path);
        path.pop();
        result?;
    }
    for (field, order, before) in orders {
        path.push(field.clone());
        let strategy = list_strategy(kind, path);
        path.pop();
        if let Some(Value::Array(list)) = original.get_mut(&field) {
            let sorted = normalize_order(std::mem::take(list), order, &before, strategy);
            *list = sorted;
        }
    }
    Ok(original)
}

fn merge_field(kind: Kind, original: &mut Map<String, Value>, k: &str, v: &Value, path: &mut Vec<String>) -> Result<(), PatchError> {
    if v.is_null() {
        original.remove(k);
        return Ok(());
    }
    let Some(old) = original.get_mut(k) else {
        let cleaned = clean(kind, v, path)?;
        original.insert(k.to_string(), cleaned);
        return Ok(());
    };
    match (old, v) {
        (Value::Object(o), Value::Object(p)) => {
            let merged = merge_map(kind, std::mem::take(o), p, path)?;
            *o = merged;
        }
        (Value::Array(o), Value::Array(p)) => {
            let merged = merge_list(kind, std::mem::take(o), p, path)?;
            original.insert(k.to_string(), merged);
        }
        (slot, _) => *slot = clean(kind, v, path)?,
    }
    Ok(())
}

fn merge_list(kind: Kind, original: Vec<Value>, patch: &[Value], path: &mut Vec<String>) -> Result<Value, PatchError> {
    let strategy = list_strategy(kind, path);
    let key = match strategy {
        ListStrategy::Atomic => {
            let mut out = Vec::new();
            for v in patch {
                out.push(clean(kind, v, path)?);
            }
            return Ok(Value::Array(out));
        }
        ListStrategy::MergeSet => None,
        ListStrategy::MergeKey(k) => Some(k),
    };
    let all_maps = patch.iter().all(Value::is_object) && original.iter().all(Value::is_object);
    let (Some(key), true) = (key, all_maps) else {
        // A merge list of scalars: union, first occurrence kept (deduplicateScalars), then
        // mergeSlice's order.
        let server_order = original.clone();
        let mut out = original;
        for v in patch {
            if !out.contains(v) {
                out.push(v.clone());
            }
        }
        return Ok(Value::Array(normalize_order(out, patch, &server_order, ListStrategy::MergeSet)));
    };
    let mut original = original;
    let mut plain: Vec<&Map<String, Value>> = Vec::new();
    let mut replace = false;
    for v in patch {
        let Value::Object(m) = v else { continue };
        match m.get(DIRECTIVE) {
            None => plain.push(m),
            Some(t) => match t.as_str() {
                Some("delete") => {
                    let Some(kv) = m.get(key) else { return Err(no_merge_key(m, key)) };
                    original.retain(|o| o.get(key) != Some(kv));
                }
                Some("replace") => replace = true,
                Some("merge") => {
                    return Err(PatchError::Internal("merging lists cannot yet be specified in the patch".into()))
                }
                _ => return Err(bad_patch_type(t, m)),
            },
        }
    }
    if replace {
        let mut out = Vec::new();
        for m in plain {
            out.push(Value::Object(merge_map(kind, Map::new(), m, path)?));
        }
        return Ok(Value::Array(out));
    }
    let server_order = original.clone();
    let patch_order: Vec<Value> = plain.iter().map(|m| Value::Object((*m).clone())).collect();
    for m in plain {
        let Some(kv) = m.get(key) else { return Err(no_merge_key(m, key)) };
        match original.iter().position(|o| o.get(key) == Some(kv)) {
            Some(i) => {
                let Value::Object(o) = std::mem::take(&mut original[i]) else { continue };
                original[i] = Value::Object(merge_map(kind, o, m, path)?);
            }
            None => original.push(Value::Object(merge_map(kind, Map::new(), m, path)?)),
        }
    }
    Ok(Value::Array(normalize_order(original, &patch_order, &server_order, strategy)))
}

fn no_merge_key(m: &Map<String, Value>, key: &str) -> PatchError {
    PatchError::Internal(format!(
        "map: {} does not contain declared merge key: {key}",
        go_value(&Value::Object(m.clone()))
    ))
}

/// `partitionMapsByPresentInList` + `normalizeElementOrder` + `mergeSortedSlice`: the elements
/// named in `order` (the patch list, or `$setElementOrder`) come in that order, the others in
/// their order in `server` (the list before the patch); the two runs are interleaved by taking a
/// server-only element first only when both it and the next patch element are in `server` and
/// it comes earlier there, so an element new to the server goes before the server-only ones.
fn normalize_order(list: Vec<Value>, order: &[Value], server: &[Value], strategy: ListStrategy) -> Vec<Value> {
    let id = |v: &Value| -> Value {
        match strategy {
            ListStrategy::MergeKey(k) => v.get(k).cloned().unwrap_or(Value::Null),
            _ => v.clone(),
        }
    };
    let order_ids: Vec<Value> = order.iter().map(&id).collect();
    let server_ids: Vec<Value> = server.iter().map(&id).collect();
    let server_pos = |v: &Value| server_ids.iter().position(|s| *s == id(v));
    let (mut patch_items, mut server_only): (Vec<Value>, Vec<Value>) = list.into_iter().partition(|v| order_ids.contains(&id(v)));
    crate::util::sort::sort_by_key(&mut patch_items, |v| order_ids.iter().position(|o| *o == id(v)).unwrap_or(usize::MAX));
    crate::util::sort::sort_by_key(&mut server_only, |v| server_pos(v).unwrap_or(usize::MAX));
    let mut out = Vec::with_capacity(patch_items.len() + server_only.len());
    let (mut l, mut r) = (server_only.into_iter().peekable(), patch_items.into_iter().peekable());
    loop {
        match (l.peek(), r.peek()) {
            (None, None) => break,
            (Some(_), None) => out.extend(l.next()),
            (None, Some(_)) => out.extend(r.next()),
            (Some(a), Some(b)) => {
                let less = matches!((server_pos(a), server_pos(b)), (Some(x), Some(y)) if x < y);
                if less {
                    out.extend(l.next());
                } else {
                    out.extend(r.next());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sts() -> Value {
        json!({"metadata": {"name": "myapp", "finalizers": ["a"]},
               "spec": {"replicas": 3, "template": {"spec": {"containers": [
                   {"name": "myapp", "image": "myapp:v1", "ports": [{"containerPort": 80}]},
                   {"name": "sidecar", "image": "busybox"}]}}}})
    }

    #[test]
    fn seed_patch_updates_just_the_image() {
        // The explainer's `kubectl patch statefulset myapp -p '{"spec":{"template":…"image":"myapp:v2"}]}}}}'`.
        let p = json!({"spec":{"template":{"spec":{"containers":[{"name":"myapp","image":"myapp:v2"}]}}}});
        let out = apply(Kind::StatefulSet, &sts(), &p).unwrap();
        let cs = &out["spec"]["template"]["spec"]["containers"];
        assert_eq!(cs[0], json!({"name": "myapp", "image": "myapp:v2", "ports": [{"containerPort": 80}]}));
        assert_eq!(cs[1]["name"], "sidecar");
        assert_eq!(out["spec"]["replicas"], 3);
    }

    #[test]
    fn directives() {
        let s = sts();
        let del = json!({"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}});
        let out = apply(Kind::StatefulSet, &s, &del).unwrap();
        assert_eq!(out["spec"]["template"]["spec"]["containers"].as_array().unwrap().len(), 1);
        let rep = json!({"spec":{"template":{"spec":{"containers":[{"name":"x","image":"y"},{"$patch":"replace"}]}}}});
        let out = apply(Kind::StatefulSet, &s, &rep).unwrap();
        assert_eq!(out["spec"]["template"]["spec"]["containers"], json!([{"name":"x","image":"y"}]));
        let map_replace = json!({"spec":{"template":{"$patch":"replace","spec":{}}}});
        assert_eq!(apply(Kind::StatefulSet, &s, &map_replace).unwrap()["spec"]["template"], json!({"spec":{}}));
        let nul = json!({"spec":{"replicas":null}, "metadata": {"finalizers": ["b"]}});
        let out = apply(Kind::StatefulSet, &s, &nul).unwrap();
        assert!(out["spec"].get("replicas").is_none());
        // mergeSlice: the union, ordered by normalizeElementOrder (the new "b" first).
        assert_eq!(out["metadata"]["finalizers"], json!(["b", "a"]));
        let dfpl = json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}});
        assert_eq!(apply(Kind::StatefulSet, &s, &dfpl).unwrap()["metadata"]["finalizers"], json!([]));
        let order = json!({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"myapp"}]}}}});
        let out = apply(Kind::StatefulSet, &s, &order).unwrap();
        assert_eq!(out["spec"]["template"]["spec"]["containers"][0]["name"], "sidecar");
    }

    #[test]
    fn errors_like_the_server() {
        let p = json!({"spec":{"template":{"spec":{"containers":[{"image":"myapp:v2"}]}}}});
        assert_eq!(
            apply(Kind::StatefulSet, &sts(), &p).unwrap_err(),
            PatchError::Internal("map: map[image:myapp:v2] does not contain declared merge key: name".into())
        );
    }

    #[test]
    fn merged_lists_put_patch_elements_first() {
        // mergeSlice → normalizeElementOrder → mergeSortedSlice: an element the live list lacks
        // goes before the server-only ones (the kubectl patch task's redis container comes first).
        let s = sts();
        let add = json!({"spec":{"template":{"spec":{"containers":[{"name":"redis","image":"redis"}]}}}});
        let names = |v: &Value| -> Vec<String> {
            v["spec"]["template"]["spec"]["containers"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_string()).collect()
        };
        assert_eq!(names(&apply(Kind::StatefulSet, &s, &add).unwrap()), ["redis", "myapp", "sidecar"]);
        // A change to a live element keeps its place.
        let change = json!({"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:2"}]}}}});
        assert_eq!(names(&apply(Kind::StatefulSet, &s, &change).unwrap()), ["myapp", "sidecar"]);
        // $setElementOrder naming a new element last: it still goes before a server-only one.
        let order = json!({"spec":{"template":{"spec":{
            "$setElementOrder/containers":[{"name":"myapp"},{"name":"redis"}],
            "containers":[{"name":"redis","image":"redis"}]}}}});
        assert_eq!(names(&apply(Kind::StatefulSet, &s, &order).unwrap()), ["myapp", "redis", "sidecar"]);
    }
}
