//! Creating the three-way strategic merge patch `kubectl apply` sends
//! (`strategicpatch.CreateThreeWayMergePatch`): the changes that make the live object match the
//! new configuration (deletions ignored), plus the deletions of fields the last applied
//! configuration had and the new one dropped (changes ignored), merged into one patch.

use super::schema::{list_strategy, retains_keys, ListStrategy};
use super::strategic::{DELETE_FROM_PRIMITIVE_LIST, DIRECTIVE, RETAIN_KEYS, SET_ELEMENT_ORDER};
use super::go_value;
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
    Value::Object(merge_patches(kind, deletions, delta, &mut path))
}

/// `mergeMap(deletions, delta)` as CreateThreeWayMergePatch calls it (client side, parallel lists
/// kept): maps merge recursively, directive lists (`$setElementOrder`, `$retainKeys`) are the
/// same on both sides, a merge-key list folds each delta element into the first deletion element
/// with its key (a `$patch: delete` absorbs a change to an element sharing its key), other lists
/// of scalars are unioned, and anything else takes the delta's value.
fn merge_patches(kind: Kind, mut a: Map<String, Value>, b: Map<String, Value>, path: &mut Vec<String>) -> Map<String, Value> {
    for (k, v) in b {
        if k.starts_with('$') {
            a.insert(k, v);
            continue;
        }
        path.push(k.clone());
        let merged = match (a.remove(&k), v) {
            (Some(Value::Object(x)), Value::Object(y)) => Value::Object(merge_patches(kind, x, y, path)),
            (Some(Value::Array(x)), Value::Array(y)) => merge_patch_lists(kind, x, y, path),
            (_, v) => v,
        };
        path.pop();
        a.insert(k, merged);
    }
    a
}

/// `mergeSlice` of two patch lists: the delta's elements (merged into the deletions' when their
/// keys meet) first, in the delta's order, then the deletions left alone.
fn merge_patch_lists(kind: Kind, mut x: Vec<Value>, y: Vec<Value>, path: &mut Vec<String>) -> Value {
    let maps = x.iter().chain(&y).all(Value::is_object);
    let key = match list_strategy(kind, path) {
        ListStrategy::MergeKey(key) => key,
        // mergeSliceHandler: a list without a merge strategy is the delta's.
        ListStrategy::Atomic => return Value::Array(y),
        ListStrategy::MergeSet => "",
    };
    if key.is_empty() {
        for v in y {
            if !x.contains(&v) {
                x.push(v);
            }
        }
        return Value::Array(x);
    };
    if !maps {
        return Value::Array(y);
    }
    let mut front = Vec::new();
    for v in y {
        let Value::Object(ym) = v else { continue };
        match x.iter().position(|o| o.get(key).is_some() && o.get(key) == ym.get(key)) {
            Some(i) => {
                let Value::Object(xm) = x.remove(i) else { continue };
                front.push(Value::Object(merge_patches(kind, xm, ym, path)));
            }
            None => front.push(Value::Object(ym)),
        }
    }
    // normalizeSliceOrder moves a merged `$patch: delete` behind the plain elements.
    let (mut plain, deletes): (Vec<Value>, Vec<Value>) = front.into_iter().partition(|v| v.get(DIRECTIVE).is_none());
    plain.extend(deletes);
    plain.extend(x);
    Value::Array(plain)
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
    // diffMaps with BuildRetainKeysDirective (a `retainKeys` field): the new keys, sorted, when
    // anything changed or the old map has a key the new one lacks (hasAdditionalNewField).
    if retains_keys(kind, path) {
        let mut keys: Vec<Value> = modified.iter().filter(|(_, v)| !v.is_null()).map(|(k, _)| Value::String(k.clone())).collect();
        let additional = original.iter().any(|(k, v)| !v.is_null() && !modified.contains_key(k));
        if !keys.is_empty() && (!patch.is_empty() || additional) {
            crate::util::sort::sort_by(&mut keys, |a, b| a.as_str().cmp(&b.as_str()));
            patch.insert(RETAIN_KEYS.into(), Value::Array(keys));
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
            // diffLists: an empty old list means the whole new list, without an order list.
            if o.is_empty() {
                if !m.is_empty() && !opts.ignore_changes_and_additions {
                    patch.insert(k.to_string(), Value::Array(m.to_vec()));
                }
                return;
            }
            let (list, deletions) = diff_lists_of_maps(kind, key, o, m, path, opts);
            let mut list = list;
            list.extend(deletions);
            // isOrderSame: same length and the same merge key at every index.
            let order_same = o.len() == m.len() && o.iter().zip(m).all(|(a, b)| a.get(key) == b.get(key));
            let set_order = (!opts.ignore_changes_and_additions && (!list.is_empty() || !order_same))
                || (!opts.ignore_deletions && !list.is_empty());
            if set_order {
                let order: Vec<Value> = m
                    .iter()
                    .map(|v| {
                        let mut e = Map::new();
                        e.insert(key.to_string(), v.get(key).cloned().unwrap_or(Value::Null));
                        Value::Object(e)
                    })
                    .collect();
                patch.insert(format!("{SET_ELEMENT_ORDER}{k}"), Value::Array(order));
            }
            if !list.is_empty() {
                patch.insert(k.to_string(), Value::Array(list));
            }
        }
        ListStrategy::MergeSet | ListStrategy::MergeKey(_) if !maps => {
            if o.is_empty() {
                if !m.is_empty() && !opts.ignore_changes_and_additions {
                    patch.insert(k.to_string(), Value::Array(m.to_vec()));
                }
                return;
            }
            let added: Vec<Value> = m.iter().filter(|v| !o.contains(v)).cloned().collect();
            let removed: Vec<Value> = o.iter().filter(|v| !m.contains(v)).cloned().collect();
            if !opts.ignore_changes_and_additions && !added.is_empty() {
                patch.insert(k.to_string(), Value::Array(added.clone()));
            }
            if !opts.ignore_deletions && !removed.is_empty() {
                patch.insert(format!("{DELETE_FROM_PRIMITIVE_LIST}{k}"), Value::Array(removed.clone()));
            }
            // diffLists: the order list when deleting, or whenever the lists differ at all.
            if (!opts.ignore_deletions && !removed.is_empty()) || (!opts.ignore_changes_and_additions && o != m) {
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

/// `diffListsOfMaps`: both lists sorted by the merge key's `%v` text, walked side by side. Equal
/// keys recurse (so two entries sharing a key, like ports 53/TCP and 53/UDP, pair up in order),
/// a key only in `m` is an addition, a key only in `o` a `$patch: delete`. Returns the changes,
/// in `m`'s order (`normalizeSliceOrder`), and the deletions.
fn diff_lists_of_maps(kind: Kind, key: &str, o: &[Value], m: &[Value], path: &mut Vec<String>, opts: DiffOptions) -> (Vec<Value>, Vec<Value>) {
    let key_text = |v: &Value| v.get(key).map_or_else(|| "<nil>".to_string(), go_value);
    let (os, ms) = (sort_by_merge_key(o, &key_text), sort_by_merge_key(m, &key_text));
    let (mut i, mut j) = (0, 0);
    let mut changes: Vec<(usize, Value)> = Vec::new();
    let mut deletions = Vec::new();
    while i < os.len() || j < ms.len() {
        let ok = os.get(i).map(|v| key_text(v));
        let mk = ms.get(j).map(|v| key_text(v));
        match (ok, mk) {
            (Some(a), Some(b)) if a == b => {
                if let (Value::Object(om), Value::Object(mm)) = (os[i], ms[j]) {
                    let mut p = diff_maps(kind, om, mm, path, opts);
                    if !p.is_empty() {
                        p.insert(key.to_string(), mm.get(key).cloned().unwrap_or(Value::Null));
                        changes.push((order_in(m, ms[j], key), Value::Object(p)));
                    }
                }
                i += 1;
                j += 1;
            }
            (None, Some(_)) => {
                if !opts.ignore_changes_and_additions {
                    changes.push((order_in(m, ms[j], key), ms[j].clone()));
                }
                j += 1;
            }
            (Some(a), Some(b)) if a > b => {
                if !opts.ignore_changes_and_additions {
                    changes.push((order_in(m, ms[j], key), ms[j].clone()));
                }
                j += 1;
            }
            (Some(_), _) => {
                if !opts.ignore_deletions {
                    let mut d = Map::new();
                    d.insert(DIRECTIVE.into(), Value::String("delete".into()));
                    d.insert(key.to_string(), os[i].get(key).cloned().unwrap_or(Value::Null));
                    deletions.push(Value::Object(d));
                }
                i += 1;
            }
            (None, None) => break,
        }
    }
    // normalizeSliceOrder: a stable sort by the first index of the key in `m`.
    crate::util::sort::sort_by_key(&mut changes, |(pos, _)| *pos);
    (changes.into_iter().map(|(_, v)| v).collect(), deletions)
}

/// The index of the first element of `m` with `v`'s merge key (`index`).
fn order_in(m: &[Value], v: &Value, key: &str) -> usize {
    m.iter().position(|x| x.get(key) == v.get(key)).unwrap_or(usize::MAX)
}

/// `sortMergeListsByNameArray`: Go's `sort.Sort` with `Less(i, j) = key(i) <= key(j)`. For the
/// short lists a pod template has (at most 12) that is an insertion sort, which reverses runs of
/// equal keys; the walk above then pairs such runs up in the same order on both sides.
fn sort_by_merge_key<'a>(list: &'a [Value], key_text: &dyn Fn(&Value) -> String) -> Vec<&'a Value> {
    let mut out: Vec<&Value> = list.iter().collect();
    for i in 1..out.len() {
        let mut j = i;
        while j > 0 && key_text(out[j]) <= key_text(out[j - 1]) {
            out.swap(j, j - 1);
            j -= 1;
        }
    }
    out
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

    #[test]
    fn retain_keys_fields_carry_the_directive() {
        // DeploymentSpec.Strategy is `patchStrategy:"retainKeys"`: switching to Recreate drops the
        // server-defaulted rollingUpdate.
        let cfg = |t: &str| json!({"spec": {"strategy": {"type": t}}});
        let current = json!({"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%"}}}});
        let p = three_way(Kind::Deployment, Some(&cfg("RollingUpdate")), &cfg("Recreate"), &current);
        assert_eq!(p, json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}));
        assert_eq!(apply(Kind::Deployment, &current, &p).unwrap()["spec"]["strategy"], json!({"type": "Recreate"}));
        // StatefulSetSpec.UpdateStrategy has no tag: rollingUpdate stays (and validation refuses it).
        let sts = |t: &str| json!({"spec": {"updateStrategy": {"type": t}}});
        let current = json!({"spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}}});
        let p = three_way(Kind::StatefulSet, Some(&sts("RollingUpdate")), &sts("OnDelete"), &current);
        assert_eq!(p, json!({"spec": {"updateStrategy": {"type": "OnDelete"}}}));
        // PodSpec.Volumes is `merge,retainKeys`: a new source replaces the old one.
        let vols = |v: Value| json!({"spec": {"volumes": [v]}});
        let old = vols(json!({"name": "d", "emptyDir": {}}));
        let new = vols(json!({"name": "d", "configMap": {"name": "c"}}));
        let p = three_way(Kind::Pod, Some(&old), &new, &old);
        assert_eq!(
            p,
            json!({"spec": {"$setElementOrder/volumes": [{"name": "d"}],
                            "volumes": [{"$retainKeys": ["configMap", "name"], "configMap": {"name": "c"}, "emptyDir": null, "name": "d"}]}})
        );
        assert_eq!(apply(Kind::Pod, &old, &p).unwrap(), new);
    }

    #[test]
    fn scalar_merge_lists_order_and_deletions() {
        // diffLists on a merge list of scalars: $setElementOrder whenever the lists differ.
        let cfg = json!({"metadata": {"finalizers": ["a"]}});
        let current = json!({"metadata": {"finalizers": ["a", "b"]}});
        let p = three_way(Kind::ConfigMap, Some(&cfg), &cfg, &current);
        assert_eq!(p, json!({"metadata": {"$setElementOrder/finalizers": ["a"]}}));
        let p = three_way(Kind::ConfigMap, Some(&current), &cfg, &current);
        assert_eq!(p, json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["b"], "$setElementOrder/finalizers": ["a"]}}));
        assert_eq!(apply(Kind::ConfigMap, &current, &p).unwrap(), cfg);
    }
}
