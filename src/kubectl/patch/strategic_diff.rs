//! Creating the three-way strategic merge patch `kubectl apply` sends
//! (`strategicpatch.CreateThreeWayMergePatch`): the changes that make the live object match the
//! new configuration (deletions ignored), plus the deletions of fields the last applied
//! configuration had and the new one dropped (changes ignored), merged into one patch.

use super::schema::{list_strategy, retains_keys, ListStrategy};
use super::strategic::{DELETE_FROM_PRIMITIVE_LIST, DIRECTIVE, RETAIN_KEYS, SET_ELEMENT_ORDER};
use crate::engine::api::Kind;
use serde_json::{Map, Value};

#[derive(Clone, Copy)]
struct DiffOptions {
    ignore_deletions: bool,
    ignore_changes_and_additions: bool,
}

/// The patch from `current` (live) to `modified` (new configuration), deleting what `original`
/// (the last applied configuration, if any) had that `modified` lacks. `{}` means no change.
pub fn three_way(kind: Kind, original: Option<&Value>, modified: &Value, current: &Value) -> Value {
    let empty = Map::new();
    let as_map = |v: Option<&Value>| -> Map<String, Value> {
        match v {
            Some(Value::Object(m)) => m.clone(),
            _ => empty.clone(),
        }
    };
    let (o, m, c) = (as_map(original), as_map(Some(modified)), as_map(Some(current)));
    let mut path = Vec::new();
    let delta = diff_maps(kind, &c, &m, &mut path, DiffOptions { ignore_deletions: true, ignore_changes_and_additions: false });
    let deletions = if original.is_some() {
        diff_maps(kind, &o, &m, &mut path, DiffOptions { ignore_deletions: false, ignore_changes_and_additions: true })
    } else {
        Map::new()
    };
    Value::Object(merge_patches(deletions, delta))
}

/// Merges two patches over disjoint changes: maps recursively, lists concatenated
/// (`$setElementOrder` lists are the same on both sides; the later wins).
fn merge_patches(mut a: Map<String, Value>, b: Map<String, Value>) -> Map<String, Value> {
    for (k, v) in b {
        let merged = match (a.remove(&k), v) {
            (Some(Value::Object(x)), Value::Object(y)) => Value::Object(merge_patches(x, y)),
            (Some(Value::Array(mut x)), Value::Array(y)) if !k.starts_with(SET_ELEMENT_ORDER) => {
                x.extend(y);
                Value::Array(x)
            }
            (_, v) => v,
        };
        a.insert(k, merged);
    }
    a
}

fn same_kind(a: &Value, b: &Value) -> bool {
    matches!(
        (a, b),
        (Value::Object(_), Value::Object(_)) | (Value::Array(_), Value::Array(_))
    ) || (!a.is_object() && !a.is_array() && !b.is_object() && !b.is_array())
}

fn diff_maps(kind: Kind, original: &Map<String, Value>, modified: &Map<String, Value>, path: &mut Vec<String>, opts: DiffOptions) -> Map<String, Value> {
    let mut patch = Map::new();
    for (k, mv) in modified {
        let Some(ov) = original.get(k) else {
            if !opts.ignore_changes_and_additions {
                patch.insert(k.clone(), mv.clone());
            }
            continue;
        };
        if k == DIRECTIVE {
            if ov != mv && !opts.ignore_changes_and_additions {
                patch.insert(k.clone(), mv.clone());
            }
            continue;
        }
        if !same_kind(ov, mv) {
            if !opts.ignore_changes_and_additions {
                patch.insert(k.clone(), mv.clone());
            }
            continue;
        }
        path.push(k.clone());
        match (ov, mv) {
            (Value::Object(o), Value::Object(m)) => {
                let p = diff_maps(kind, o, m, path, opts);
                if !p.is_empty() {
                    patch.insert(k.clone(), Value::Object(p));
                }
            }
            (Value::Array(o), Value::Array(m)) => diff_lists(kind, k, o, m, path, opts, &mut patch),
            _ => {
                if ov != mv && !opts.ignore_changes_and_additions {
                    patch.insert(k.clone(), mv.clone());
                }
            }
        }
        path.pop();
    }
    if !opts.ignore_deletions {
        for k in original.keys() {
            if !modified.contains_key(k) {
                patch.insert(k.clone(), Value::Null);
            }
        }
    }
    patch
}

#[allow(clippy::too_many_arguments)]
fn diff_lists(kind: Kind, k: &str, o: &[Value], m: &[Value], path: &mut Vec<String>, opts: DiffOptions, patch: &mut Map<String, Value>) {
    let strategy = list_strategy(kind, path);
    let maps = o.iter().chain(m).all(Value::is_object);
    match strategy {
        ListStrategy::MergeKey(key) if maps => {
            let mut list = Vec::new();
            for mv in m {
                let kv = mv.get(key);
                match o.iter().find(|ov| ov.get(key) == kv && kv.is_some()) {
                    Some(ov) => {
                        let (Value::Object(om), Value::Object(mm)) = (ov, mv) else { continue };
                        let mut p = diff_maps(kind, om, mm, path, opts);
                        if !p.is_empty() {
                            if let Some(kv) = kv {
                                p.insert(key.to_string(), kv.clone());
                            }
                            if retains_keys(path) && !opts.ignore_changes_and_additions {
                                let mut keys: Vec<Value> = mm.keys().cloned().map(Value::String).collect();
                                crate::util::sort::sort_by(&mut keys, |a, b| a.as_str().cmp(&b.as_str()));
                                p.insert(RETAIN_KEYS.into(), Value::Array(keys));
                            }
                            list.push(Value::Object(p));
                        }
                    }
                    None if !opts.ignore_changes_and_additions => list.push(mv.clone()),
                    None => {}
                }
            }
            if !opts.ignore_deletions {
                for ov in o {
                    let kv = ov.get(key);
                    if kv.is_some() && !m.iter().any(|mv| mv.get(key) == kv) {
                        let mut d = Map::new();
                        d.insert(DIRECTIVE.into(), Value::String("delete".into()));
                        d.insert(key.to_string(), kv.cloned().unwrap_or(Value::Null));
                        list.push(Value::Object(d));
                    }
                }
            }
            let o_keys: Vec<Option<&Value>> = o.iter().map(|v| v.get(key)).filter(|kv| m.iter().any(|mv| mv.get(key) == *kv)).collect();
            let m_keys: Vec<Option<&Value>> = m.iter().map(|v| v.get(key)).collect();
            let reordered = !opts.ignore_changes_and_additions && o_keys != m_keys;
            if !list.is_empty() || reordered {
                let order: Vec<Value> = m
                    .iter()
                    .filter_map(|v| v.get(key).map(|kv| {
                        let mut e = Map::new();
                        e.insert(key.to_string(), kv.clone());
                        Value::Object(e)
                    }))
                    .collect();
                patch.insert(format!("{SET_ELEMENT_ORDER}{k}"), Value::Array(order));
            }
            if !list.is_empty() {
                patch.insert(k.to_string(), Value::Array(list));
            }
        }
        ListStrategy::MergeSet | ListStrategy::MergeKey(_) if !maps => {
            let added: Vec<Value> = m.iter().filter(|v| !o.contains(v)).cloned().collect();
            let removed: Vec<Value> = o.iter().filter(|v| !m.contains(v)).cloned().collect();
            if !opts.ignore_changes_and_additions && !added.is_empty() {
                patch.insert(k.to_string(), Value::Array(added.clone()));
            }
            if !opts.ignore_deletions && !removed.is_empty() {
                patch.insert(format!("{DELETE_FROM_PRIMITIVE_LIST}{k}"), Value::Array(removed.clone()));
            }
            if !added.is_empty() || !removed.is_empty() {
                patch.insert(format!("{SET_ELEMENT_ORDER}{k}"), Value::Array(m.to_vec()));
            }
        }
        _ => {
            if o != m && !opts.ignore_changes_and_additions {
                patch.insert(k.to_string(), Value::Array(m.to_vec()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::patch::strategic::apply;
    use serde_json::json;

    #[test]
    fn removing_a_field_from_the_file_removes_it_live() {
        let original = json!({"metadata": {"name": "web", "labels": {"a": "1", "b": "2"}}, "spec": {"replicas": 3}});
        let modified = json!({"metadata": {"name": "web", "labels": {"a": "1"}}, "spec": {}});
        let current = json!({"metadata": {"name": "web", "uid": "u", "labels": {"a": "1", "b": "2", "c": "3"}},
                             "spec": {"replicas": 5, "serviceName": "x"}, "status": {"replicas": 5}});
        let p = three_way(Kind::StatefulSet, Some(&original), &modified, &current);
        assert_eq!(p, json!({"metadata": {"labels": {"b": null}}, "spec": {"replicas": null}}));
        let out = apply(Kind::StatefulSet, &current, &p).unwrap();
        assert_eq!(out["metadata"]["labels"], json!({"a": "1", "c": "3"}));
        assert_eq!(out["spec"], json!({"serviceName": "x"}));
    }

    #[test]
    fn unchanged_is_an_empty_patch() {
        let cfg = json!({"metadata": {"name": "web"}, "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "x"}]}}}});
        let mut current = cfg.clone();
        current["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = json!("IfNotPresent");
        assert_eq!(three_way(Kind::StatefulSet, Some(&cfg), &cfg, &current), json!({}));
    }

    #[test]
    fn list_elements_merge_by_key_and_deletions_use_directives() {
        let original = json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}}}});
        let modified = json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "x2"}]}}}});
        let current = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "a", "image": "x", "imagePullPolicy": "IfNotPresent"}, {"name": "b", "image": "y"}]}}}});
        let p = three_way(Kind::StatefulSet, Some(&original), &modified, &current);
        let out = apply(Kind::StatefulSet, &current, &p).unwrap();
        assert_eq!(
            out["spec"]["template"]["spec"]["containers"],
            json!([{"name": "a", "image": "x2", "imagePullPolicy": "IfNotPresent"}])
        );
    }
}
