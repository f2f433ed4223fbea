//! ControllerRevision history (`pkg/controller/history/controller_history.go`): revision names and
//! hashes, equality, sorting, and the create/update/adopt/delete calls the StatefulSet controller
//! makes.
//!
//! The hash is FNV-1 (32 bit) over the revision's JSON bytes plus the decimal collision count,
//! printed in decimal and "safe-encoded" — byte-for-byte what the real controller computes, so
//! `controller-revision-hash` values match a real cluster for the same (defaulted) template.

use crate::engine::api::{ControllerRevision, Kind, Object, StatefulSet, StringMap};
use crate::engine::apiserver::{self, DeleteOptions};
use crate::engine::error::ApiError;
use crate::engine::sim::Cluster;
use crate::engine::store::ObjectKey;
use serde_json::Value;
use std::fmt::Write as _;
use std::rc::Rc;

use super::utils::{new_controller_ref, selector_matches};

/// Label on every ControllerRevision holding its hash (`ControllerRevisionHashLabel`).
pub const CONTROLLER_REVISION_HASH_LABEL: &str = "controller.kubernetes.io/hash";

/// `encoding/json.Marshal` of a decoded JSON value (`map[string]interface{}`): keys sorted,
/// `<`, `>`, `&`, U+2028 and U+2029 escaped as `\u003c`…, control characters as Go writes them.
pub fn go_json(v: &Value) -> String {
    let mut out = String::with_capacity(256);
    write_go_json(&mut out, v);
    out
}

fn write_go_json(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        // Whole numbers print as integers in Go too (float64 with 'f' formatting).
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_go_string(out, s),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_json(out, x);
            }
            out.push(']');
        }
        Value::Object(m) => {
            // serde_json's map may preserve insertion order; Go sorts map keys.
            let mut keys: Vec<&String> = m.keys().collect();
            crate::util::sort::sort(&mut keys);
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_string(out, k);
                out.push(':');
                write_go_json(out, &m[k]);
            }
            out.push('}');
        }
    }
}

fn write_go_string(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", ch as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `hash/fnv.New32` (FNV-1, not FNV-1a).
pub fn fnv32(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h = h.wrapping_mul(0x0100_0193);
        h ^= u32::from(*b);
    }
    h
}

/// `rand.SafeEncodeString`: maps each character onto `bcdfghjklmnpqrstvwxz2456789` so the result
/// contains no vowels (no accidental words) and no easily confused characters.
pub fn safe_encode_string(s: &str) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    s.chars().map(|c| ALPHANUMS[(c as usize) % ALPHANUMS.len()] as char).collect()
}

/// `HashControllerRevision`: FNV-1 over the data bytes, then the decimal probe (collision count).
pub fn hash_controller_revision(data_json: &str, probe: Option<i32>) -> String {
    let mut bytes = data_json.as_bytes().to_vec();
    if let Some(p) = probe {
        bytes.extend_from_slice(p.to_string().as_bytes());
    }
    safe_encode_string(&fnv32(&bytes).to_string())
}

/// `ControllerRevisionName`: `<prefix>-<hash>`, the prefix cut at 223 characters.
pub fn controller_revision_name(prefix: &str, hash: &str) -> String {
    let prefix = match prefix.char_indices().nth(223) {
        Some((i, _)) => &prefix[..i],
        None => prefix,
    };
    format!("{prefix}-{hash}")
}

/// `NewControllerRevision`: labels = template labels + hash, controller ref to the set; the name
/// and hash label use the current collision count.
pub fn new_controller_revision(
    set: &StatefulSet,
    template_labels: &StringMap,
    data: Value,
    data_json: &str,
    revision: i64,
    collision_count: i32,
) -> ControllerRevision {
    let hash = hash_controller_revision(data_json, Some(collision_count));
    let mut cr = ControllerRevision { data, revision, ..Default::default() };
    cr.metadata.labels = template_labels.clone().into();
    cr.metadata.labels.insert(CONTROLLER_REVISION_HASH_LABEL.into(), hash.clone());
    cr.metadata.owner_references.push(new_controller_ref(set));
    cr.metadata.name = controller_revision_name(&set.metadata.name, &hash);
    cr.metadata.namespace = set.metadata.namespace.clone();
    cr
}

/// `EqualRevision`: same data; when both hash labels parse as numbers, they must agree too.
pub fn equal_revision(lhs: &ControllerRevision, rhs: &ControllerRevision) -> bool {
    let rhs_hash = rhs.metadata.labels.get(CONTROLLER_REVISION_HASH_LABEL).map_or("", String::as_str);
    equal_revision_to(lhs, rhs_hash, &rhs.data)
}

/// [`equal_revision`] against a revision given by its hash label and data (so a candidate need
/// not be built to be compared).
pub fn equal_revision_to(lhs: &ControllerRevision, rhs_hash: &str, rhs_data: &Value) -> bool {
    let parse = |h: &str| h.parse::<i32>().ok().map(|h| h as u32);
    let lhs_hash = lhs.metadata.labels.get(CONTROLLER_REVISION_HASH_LABEL).and_then(|h| parse(h));
    if let (Some(a), Some(b)) = (lhs_hash, parse(rhs_hash)) {
        if a != b {
            return false;
        }
    }
    lhs.data == *rhs_data
}

/// `SortControllerRevisions`: by `.revision`, then creationTimestamp, then name.
pub fn sort_controller_revisions(revisions: &mut [Rc<Object>]) {
    crate::util::sort::sort_by(revisions, |a, b| {
        let (a, b) = (revision_of(a), revision_of(b));
        a.revision
            .cmp(&b.revision)
            .then(a.metadata.creation_timestamp.cmp(&b.metadata.creation_timestamp))
            .then_with(|| a.metadata.name.cmp(&b.metadata.name))
    });
}

/// The ControllerRevision inside an object listed by [`list_controller_revisions`].
pub fn revision_of(obj: &Rc<Object>) -> &ControllerRevision {
    // Objects share parts through `Rc`, so the fallback is per thread (one small leak each).
    thread_local! {
        static EMPTY: &'static ControllerRevision = Box::leak(Box::default());
    }
    obj.as_controller_revision().unwrap_or_else(|| EMPTY.with(|e| *e))
}

/// `ListControllerRevisions`: revisions in the set's namespace matching its selector that the set
/// controls or that have no controller.
pub fn list_controller_revisions(c: &Cluster, set: &StatefulSet) -> Vec<Rc<Object>> {
    let Some(selector) = &set.spec.selector else { return Vec::new() };
    c.store
        .list(Kind::ControllerRevision, Some(&set.metadata.namespace))
        .filter(|o| {
            let m = o.meta();
            o.as_controller_revision().is_some()
                && selector_matches(selector, &m.labels)
                && m.controller_ref().is_none_or(|r| r.uid == set.metadata.uid)
        })
        .cloned()
        .collect()
}

/// `CreateControllerRevision`: creates the revision, bumping the collision count and rehashing
/// while the name is taken by a revision with different data. Returns the stored revision
/// (an existing equal one is reused).
pub fn create_controller_revision(
    c: &mut Cluster,
    set: &StatefulSet,
    revision: &ControllerRevision,
    data_json: &str,
    collision_count: &mut i32,
) -> Result<Rc<Object>, ApiError> {
    let mut clone = revision.clone();
    loop {
        let hash = hash_controller_revision(data_json, Some(*collision_count));
        clone.metadata.name = controller_revision_name(&set.metadata.name, &hash);
        let key = ObjectKey::new(Kind::ControllerRevision, &set.metadata.namespace, &clone.metadata.name);
        if let Some(existing) = c.store.get_key(&key).cloned() {
            if existing.as_controller_revision().is_some_and(|e| e.data == clone.data) {
                return Ok(existing);
            }
            *collision_count += 1;
            continue;
        }
        return apiserver::create(c, Object::ControllerRevision(clone)).map(|w| w.object);
    }
}

/// `UpdateControllerRevision`: sets `.revision` (a rollback reuses an older revision object).
pub fn update_controller_revision(c: &mut Cluster, revision: &Rc<Object>, new_revision: i64) -> Result<Rc<Object>, ApiError> {
    let cr = revision_of(revision);
    if cr.revision == new_revision {
        return Ok(revision.clone());
    }
    let mut clone = cr.clone();
    clone.revision = new_revision;
    apiserver::update(c, Object::ControllerRevision(clone)).map(|w| w.object)
}

/// `AdoptControllerRevision`: adds the set's controller ref to an orphan revision.
pub fn adopt_controller_revision(c: &mut Cluster, set: &StatefulSet, revision: &Rc<Object>) -> Result<Rc<Object>, ApiError> {
    let cr = revision_of(revision);
    if let Some(owner) = cr.metadata.controller_ref() {
        return Err(ApiError::BadRequest(format!("attempt to adopt revision owned by {}", owner.name)));
    }
    let mut clone = cr.clone();
    clone.metadata.owner_references.push(new_controller_ref(set));
    apiserver::update(c, Object::ControllerRevision(clone)).map(|w| w.object)
}

/// `DeleteControllerRevision`.
pub fn delete_controller_revision(c: &mut Cluster, revision: &Rc<Object>) -> Result<(), ApiError> {
    apiserver::delete(c, &ObjectKey::of(revision), DeleteOptions::default()).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Vectors from kubernetes/kubernetes `pkg/controller/statefulset/stateful_set_compatibility_test.go`
    /// and `testdata/compatibility_revision_1.34.0.json`.
    const DATA_1_33: &str = r#"{"spec":{"template":{"$patch":"replace","metadata":{"annotations":{"test":"value"},"creationTimestamp":null,"labels":{"app":"foo"}},"spec":{"containers":[{"image":"test","imagePullPolicy":"Always","name":"test","resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],"dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30}}}}"#;

    #[test]
    fn hashes_match_real_clusters() {
        assert_eq!(hash_controller_revision(DATA_1_33, Some(0)), "c77f6d978");
        let data_1_34 = DATA_1_33.replace(r#""creationTimestamp":null,"#, "");
        assert_eq!(hash_controller_revision(&data_1_34, Some(0)), "776999688b");
    }

    #[test]
    fn go_json_sorts_keys_and_escapes_like_go() {
        let v: Value = serde_json::from_str(DATA_1_33).unwrap();
        assert_eq!(go_json(&v), DATA_1_33);
        let v = serde_json::json!({"b": "<a&b>", "a": [1, true, null, "tab\tline\n"]});
        assert_eq!(go_json(&v), r#"{"a":[1,true,null,"tab\tline\n"],"b":"\u003ca\u0026b\u003e"}"#);
    }

    #[test]
    fn names_are_prefix_dash_hash() {
        assert_eq!(controller_revision_name("web", "776999688b"), "web-776999688b");
        assert_eq!(controller_revision_name(&"x".repeat(300), "h").len(), 225);
        assert_eq!(safe_encode_string("0123456789"), "456789bcdf");
    }

    #[test]
    fn equal_revisions_compare_data() {
        let a = ControllerRevision { data: serde_json::json!({"x": 1}), ..Default::default() };
        let mut b = a.clone();
        b.revision = 7;
        assert!(equal_revision(&a, &b));
        b.data = serde_json::json!({"x": 2});
        assert!(!equal_revision(&a, &b));
    }
}
