//! Revisions of a StatefulSet's pod template (`stateful_set_control.go`
//! `getStatefulSetRevisions`, `truncateHistory`; `stateful_set_utils.go` `getPatch`,
//! `newRevision`, `ApplyRevision`, `nextRevision`).
//!
//! A revision stores only `spec.template` (a strategic-merge patch with `$patch: replace`), so
//! replicas, strategy or partition changes never make revisions; any template change does.

use super::history::{
    create_controller_revision, delete_controller_revision, equal_revision_to, go_json, hash_controller_revision,
    new_controller_revision,
    revision_of, update_controller_revision,
};
use super::{ControllerState, COMPONENT, TEMPLATE_CACHE_LIMIT};
use crate::engine::api::{ControllerRevision, Kind, Object, PodTemplateSpec, StatefulSet, StatefulSetSpec};
use crate::engine::store::ObjectKey;
use crate::engine::error::ApiError;
use crate::engine::sim::Cluster;
use crate::engine::why::Verdict;
use serde_json::Value;
use std::collections::BTreeSet;
use std::rc::Rc;

/// A set's revision patch, cached by (uid, generation): the API server bumps the generation on
/// every spec change, so the template cannot change without the key changing.
#[derive(Clone, Debug)]
pub struct CachedPatch {
    generation: i64,
    /// The patch `{"spec":{"template":{…,"$patch":"replace"}}}`.
    pub patch: Rc<Value>,
    /// Its Go JSON bytes (what gets hashed).
    pub json: Rc<str>,
    /// Memo of [`hash_controller_revision`] of `json` for one collision count.
    hash: Option<(i32, Rc<str>)>,
    /// Memo of [`equal_revision_to`] against this patch: revision objects are immutable (a
    /// renumbered revision is a new object), so the answer for the same object, with the same
    /// hash, never changes. Holding the `Rc` keeps the identity from being reused.
    compared: Vec<(Rc<Object>, Rc<str>, bool)>,
}

impl CachedPatch {
    fn clone_patch(&self) -> CachedPatch {
        CachedPatch {
            generation: self.generation,
            patch: self.patch.clone(),
            json: self.json.clone(),
            hash: None,
            compared: Vec::new(),
        }
    }
}

/// Most memoized comparisons per set; the memo restarts past this.
const COMPARED_LIMIT: usize = 64;

/// The live template's hash for `collision_count` (memoized per patch).
fn patch_hash(c: &mut Cluster, set: &StatefulSet, patch: &CachedPatch, collision_count: i32) -> Rc<str> {
    let cached = c.statefulset_controller.patches.get_mut(&set.metadata.uid);
    if let Some((cc, h)) = cached.as_ref().and_then(|p| p.hash.as_ref()) {
        if *cc == collision_count {
            return h.clone();
        }
    }
    let hash: Rc<str> = hash_controller_revision(&patch.json, Some(collision_count)).into();
    if let Some(p) = cached {
        p.hash = Some((collision_count, hash.clone()));
    }
    hash
}

/// `EqualRevision(revision, candidate)` for the live template's candidate (memoized per patch).
fn equals_candidate(c: &mut Cluster, set: &StatefulSet, patch: &CachedPatch, hash: &Rc<str>, revision: &Rc<Object>) -> bool {
    let cached = c.statefulset_controller.patches.get_mut(&set.metadata.uid);
    if let Some(p) = &cached {
        if let Some((_, _, eq)) = p.compared.iter().find(|(r, h, _)| Rc::ptr_eq(r, revision) && **h == **hash) {
            return *eq;
        }
    }
    let eq = equal_revision_to(revision_of(revision), hash, &patch.patch);
    if let Some(p) = cached {
        if p.compared.len() >= COMPARED_LIMIT {
            p.compared.clear();
        }
        p.compared.push((revision.clone(), hash.clone(), eq));
    }
    eq
}

/// Adds the fields Go always serializes in a pod template (non-pointer structs without
/// `omitzero`), so the JSON — and the hash — match the real controller's.
fn add_go_implicit_fields(template: &mut Value) {
    let Some(spec) = template.get_mut("spec").and_then(Value::as_object_mut) else { return };
    for list in ["containers", "initContainers"] {
        if let Some(Value::Array(cs)) = spec.get_mut(list) {
            for ctr in cs.iter_mut().filter_map(Value::as_object_mut) {
                ctr.entry("resources").or_insert_with(|| Value::Object(Default::default()));
            }
        }
    }
}

/// `getPatch`: the template as a replace patch, with its Go JSON.
pub fn get_patch(c: &mut Cluster, set: &StatefulSet) -> CachedPatch {
    let state: &mut ControllerState = &mut c.statefulset_controller;
    if let Some(p) = state.patches.get(&set.metadata.uid) {
        if p.generation == set.metadata.generation {
            // The memos stay in the state; callers get the patch itself.
            return p.clone_patch();
        }
    }
    let mut template = serde_json::to_value(&set.spec.template).unwrap_or(Value::Null);
    add_go_implicit_fields(&mut template);
    if let Value::Object(m) = &mut template {
        m.insert("$patch".into(), Value::String("replace".into()));
    }
    let patch = serde_json::json!({ "spec": { "template": template } });
    let json: Rc<str> = go_json(&patch).into();
    let cached = CachedPatch { generation: set.metadata.generation, patch: Rc::new(patch), json, hash: None, compared: Vec::new() };
    state.patches.insert(set.metadata.uid.clone(), cached.clone());
    cached
}

/// `newRevision`: a revision object for the live template; annotations are copied from the set
/// (so `kubernetes.io/change-cause` reaches `rollout history`).
pub fn new_revision(set: &StatefulSet, patch: &CachedPatch, revision: i64, collision_count: i32) -> ControllerRevision {
    let mut cr = new_controller_revision(
        set,
        &set.spec.template.metadata.labels,
        (*patch.patch).clone(),
        &patch.json,
        revision,
        collision_count,
    );
    for (k, v) in &set.metadata.annotations {
        cr.metadata.annotations.insert(k.clone(), v.clone());
    }
    cr
}

/// `ApplyRevision`: the set with its template replaced by the revision's (decoded once per
/// revision and cached).
pub fn apply_revision(c: &mut Cluster, set: &StatefulSet, revision: &Rc<Object>) -> Result<StatefulSet, String> {
    let cr = revision_of(revision);
    let cache = &mut c.statefulset_controller.templates;
    let template = match cache.get(&cr.metadata.uid) {
        Some(t) if !cr.metadata.uid.is_empty() => t.clone(),
        _ => {
            let mut raw = cr.data.pointer("/spec/template").cloned().unwrap_or(Value::Null);
            if let Value::Object(m) = &mut raw {
                m.remove("$patch");
            }
            let t: PodTemplateSpec = crate::engine::api::from_value(raw)
                .map_err(|e| format!("unable to apply revision {}: {e}", cr.metadata.name))?;
            let t = Rc::new(t);
            if cache.len() >= TEMPLATE_CACHE_LIMIT {
                cache.clear();
            }
            cache.insert(cr.metadata.uid.clone(), t.clone());
            t
        }
    };
    // Field by field, so the live template is not cloned only to be replaced (this runs on every
    // sync; the struct literal keeps the list complete).
    let spec = &set.spec;
    Ok(StatefulSet {
        metadata: set.metadata.clone(),
        spec: StatefulSetSpec {
            replicas: spec.replicas,
            selector: spec.selector.clone(),
            template: (*template).clone(),
            volume_claim_templates: spec.volume_claim_templates.clone(),
            service_name: spec.service_name.clone(),
            pod_management_policy: spec.pod_management_policy.clone(),
            update_strategy: spec.update_strategy.clone(),
            revision_history_limit: spec.revision_history_limit,
            min_ready_seconds: spec.min_ready_seconds,
            persistent_volume_claim_retention_policy: spec.persistent_volume_claim_retention_policy.clone(),
            ordinals: spec.ordinals.clone(),
        },
        status: set.status.clone(),
    })
}

/// [`apply_revision`] for the stored set `owner`, memoized: the result depends only on the set
/// version and the revision object, and most syncs see both unchanged since the last one.
pub fn apply_revision_of(c: &mut Cluster, owner: &Rc<Object>, set: &StatefulSet, revision: &Rc<Object>) -> Result<Rc<StatefulSet>, String> {
    let key = ObjectKey::new(Kind::StatefulSet, &set.metadata.namespace, &set.metadata.name);
    let memo = c.statefulset_controller.applied.get(&key);
    if let Some((_, _, hit)) = memo.and_then(|m| m.iter().find(|(o, r, _)| Rc::ptr_eq(o, owner) && Rc::ptr_eq(r, revision))) {
        return Ok(hit.clone());
    }
    let applied = Rc::new(apply_revision(c, set, revision)?);
    let memo = c.statefulset_controller.applied.entry(key).or_default();
    // Results for older versions of the set can never be asked for again.
    memo.retain(|(o, _, _)| Rc::ptr_eq(o, owner));
    memo.push((owner.clone(), revision.clone(), applied.clone()));
    Ok(applied)
}

/// `nextRevision`: one past the highest (revisions are sorted), 1 for the first.
pub fn next_revision(revisions: &[Rc<Object>]) -> i64 {
    revisions.last().map_or(1, |r| revision_of(r).revision + 1)
}

/// The revisions a sync works with.
#[derive(Clone, Debug)]
pub struct SetRevisions {
    /// `status.currentRevision`'s object, or the update revision on the first sync.
    pub current: Rc<Object>,
    /// The live template's revision.
    pub update: Rc<Object>,
    /// The collision count to write to status.
    pub collision_count: i32,
}

/// `getStatefulSetRevisions`: finds or makes the live template's revision. Equal to the newest:
/// nothing to do; equal to an older one (a rollback): that object is renumbered to the next
/// revision; else a new revision is created.
pub fn get_stateful_set_revisions(
    c: &mut Cluster,
    set: &StatefulSet,
    revisions: &[Rc<Object>],
) -> Result<SetRevisions, (ApiError, i32)> {
    let mut collision_count = set.status.collision_count.unwrap_or(0);
    let patch = get_patch(c, set);
    // The candidate revision is only built when it is created; equality needs its hash and data.
    let next = next_revision(revisions);
    let hash = patch_hash(c, set, &patch, collision_count);
    let subject = format!("statefulset/{}", set.metadata.name);
    let equal: Vec<&Rc<Object>> = revisions.iter().filter(|r| equals_candidate(c, set, &patch, &hash, r)).collect();
    let update = match (equal.last(), revisions.last()) {
        (Some(eq), Some(newest)) if Rc::ptr_eq(eq, newest) => (*eq).clone(),
        (Some(eq), _) => {
            let updated = update_controller_revision(c, eq, next).map_err(|e| (e, collision_count))?;
            c.decide(
                COMPONENT,
                subject,
                Verdict::Update,
                format!("controllerrevision/{}", updated.meta().name),
                format!(
                    "the pod template matches revision {} again (a rollback): it becomes revision {} instead of a new one",
                    updated.meta().name,
                    next
                ),
            );
            updated
        }
        (None, _) => {
            let candidate = new_revision(set, &patch, next, collision_count);
            let created = create_controller_revision(c, set, &candidate, &patch.json, &mut collision_count)
                .map_err(|e| (e, collision_count))?;
            let reason = if revisions.is_empty() {
                format!("recorded the pod template as revision 1 ({})", created.meta().name)
            } else {
                format!(
                    "the pod template changed: recorded it as revision {} ({}); pods move to it per the update strategy",
                    revision_of(&created).revision,
                    created.meta().name
                )
            };
            c.decide(COMPONENT, subject, Verdict::Create, format!("controllerrevision/{}", created.meta().name), reason);
            created
        }
    };
    let current = revisions
        .iter()
        .find(|r| r.meta().name == set.status.current_revision)
        .cloned()
        .unwrap_or_else(|| update.clone());
    Ok(SetRevisions { current, update, collision_count })
}

/// `truncateHistory`: deletes the oldest revisions that no pod, nor status, refers to, until at
/// most `revisionHistoryLimit` such revisions remain (a negative limit keeps everything).
/// `pod_revisions` are the claimed pods' revision labels (duplicates allowed).
pub fn truncate_history<'a>(
    c: &mut Cluster,
    set: &StatefulSet,
    pod_revisions: impl IntoIterator<Item = &'a str>,
    revisions: &[Rc<Object>],
    current: Option<&Rc<Object>>,
    update: Option<&Rc<Object>>,
) -> Result<(), ApiError> {
    let limit = set.spec.revision_history_limit();
    if limit < 0 || revisions.len() <= limit as usize {
        // Nothing to trim even if no revision were live.
        return Ok(());
    }
    let mut live: BTreeSet<&str> = crate::util::sort::btree_set(pod_revisions);
    if let Some(r) = current {
        live.insert(r.meta().name.as_str());
    }
    if let Some(r) = update {
        live.insert(r.meta().name.as_str());
    }
    let history: Vec<&Rc<Object>> = revisions.iter().filter(|r| !live.contains(r.meta().name.as_str())).collect();
    if history.len() <= limit as usize {
        return Ok(());
    }
    let excess = history.len() - limit as usize;
    for r in &history[..excess] {
        delete_controller_revision(c, r)?;
        c.decide(
            COMPONENT,
            format!("statefulset/{}", set.metadata.name),
            Verdict::Delete,
            format!("controllerrevision/{}", r.meta().name),
            format!(
                "revisionHistoryLimit is {limit}: deleting the oldest unused revision {} (revision {})",
                r.meta().name,
                revision_of(r).revision
            ),
        );
    }
    Ok(())
}
