//! The controller's informer cache for one StatefulSet, with the indexes a sync needs — what
//! upstream gets from its pod lister plus the work a sync would otherwise redo over every pod.
//!
//! Upstream lists every pod of the namespace on every sync, and so did we: O(pods) per sync and
//! O(pods) syncs to scale up. Here the informer handler only marks what changed (a pod name, a
//! claim key); the next sync re-reads just those from the store ([`SetIndex::refresh`]) and
//! updates, per ordinal, the facts `processReplica` and friends look at. A sync then asks ordered
//! questions ("first ordinal that is missing or not healthy", "highest outdated ordinal") instead
//! of walking the healthy ones. Reading the store on refresh (not the event) makes every update
//! idempotent, so an index is always exactly "the store, seen through this set's eyes".
//!
//! Pods the index cannot represent — a second pod at an ordinal (`web-7` and `web-07`), a claimed
//! pod whose ordinal does not parse, one without uid or phase — make [`SetIndex::is_exotic`]
//! true; the sync then runs the straightforward [`super::reference`] code over
//! [`SetIndex::claimed_pods`].

use super::pod_control::{claims_are_quiet, claims_match_retention_policy_as};
use super::retention::get_persistent_volume_claim_retention_policy;
use super::runs::OrdinalRuns;
use super::utils::*;
use crate::engine::api::{Kind, LabelSelector, Pod, StatefulSet, Time};
use crate::engine::sim::Cluster;
use crate::engine::store::ObjectKey;
use std::collections::BTreeSet;
use std::rc::Rc;
use crate::util::hash::FastMap;
use crate::util::vecset::VecMap;

// The test-only comparison of two indexes (a child module reads the private fields).
#[cfg(test)]
mod same;

/// What the controller needs to know about one claimed pod, computed from the pod, its claims and
/// the set's identity/storage/retention parameters — never from the clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    /// `isCreated`.
    pub created: bool,
    /// `isPending`.
    pub pending: bool,
    /// `isFailed || isSucceeded`.
    pub finished: bool,
    /// `isTerminating`.
    pub terminating: bool,
    /// `isRunningAndReady`.
    pub running_ready: bool,
    /// The Ready condition is True (what `IsPodAvailable` starts from; no phase check).
    pub ready: bool,
    /// That condition's lastTransitionTime.
    pub ready_since: Option<Time>,
    /// `controller-revision-hash`.
    pub revision: String,
    /// `identityMatches`.
    pub identity: bool,
    /// `storageMatches`.
    pub storage: bool,
    /// Claims carry the policy's ownerRefs for an in-range pod.
    pub claims_in_range: bool,
    /// Claims carry the policy's ownerRefs for a condemned pod.
    pub claims_condemned: bool,
    /// `createMissingPersistentVolumeClaims` would do nothing (see [`claims_are_quiet`]).
    pub claims_quiet: bool,
}

impl Facts {
    fn of(c: &Cluster, set: &StatefulSet, pod: &Pod) -> Facts {
        let ready = pod.condition("Ready").filter(|c| c.status == "True");
        Facts {
            created: is_created(pod),
            pending: is_pending(pod),
            finished: is_failed(pod) || is_succeeded(pod),
            terminating: is_terminating(pod),
            running_ready: is_running_and_ready(pod),
            ready: ready.is_some(),
            ready_since: ready.and_then(|c| c.last_transition_time),
            revision: get_pod_revision(pod).to_string(),
            identity: identity_matches(set, pod),
            storage: storage_matches(set, pod),
            claims_in_range: claims_match_retention_policy_as(c, set, pod, false),
            claims_condemned: claims_match_retention_policy_as(c, set, pod, true),
            claims_quiet: claims_are_quiet(c, set, pod),
        }
    }

    /// `isRunningAndAvailable` (`podutil.IsPodAvailable`) at `now`, from the cached condition.
    pub fn available(&self, min_ready_seconds: i32, now: Time) -> bool {
        self.ready && (min_ready_seconds <= 0 || self.ready_since.is_some_and(|t| t.plus_secs(min_ready_seconds as u64) < now))
    }

    /// A monotonic `processReplica` has something to do or wait for here, whatever the clock
    /// says (the clock part is [`SetIndex::not_yet_available`]).
    fn needs_monotonic_visit(&self) -> bool {
        !(self.created
            && !self.finished
            && !self.terminating
            && self.running_ready
            && self.identity
            && self.storage
            && self.claims_in_range)
    }

    /// A burst `processReplica` has something to do here.
    fn needs_burst_visit(&self) -> bool {
        !(self.created
            && !self.finished
            && (!self.pending || self.claims_quiet)
            && self.identity
            && self.storage
            && self.claims_in_range)
    }

    /// Part of `isUnavailable` that does not depend on the clock.
    fn unavailable_whenever(&self) -> bool {
        !self.ready || self.terminating
    }

}

/// A claimed pod the index cannot stand for (see the module doc): its ordinal does not parse, it
/// has no uid (claim checks key on it) or no phase (a placeholder look-alike).
fn is_odd(m: &Member) -> bool {
    m.ordinal < 0 || !m.facts.created || m.pod.metadata.uid.is_empty()
}

/// The parameters an index was built for: if any changes, it is rebuilt.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Params {
    uid: String,
    namespace: String,
    name: String,
    selector: Option<LabelSelector>,
    claim_templates: Vec<String>,
    policy: (String, String),
}

impl Params {
    fn of(set: &StatefulSet) -> Params {
        let (d, s) = get_persistent_volume_claim_retention_policy(set);
        Params {
            uid: set.metadata.uid.clone(),
            namespace: set.metadata.namespace.clone(),
            name: set.metadata.name.clone(),
            selector: set.spec.selector.clone(),
            claim_templates: set.spec.volume_claim_templates.iter().map(|t| t.metadata.name.clone()).collect(),
            policy: (d.to_string(), s.to_string()),
        }
    }
}

/// A claimed pod.
#[derive(Clone, Debug)]
pub struct Member {
    /// Parsed from the name (-1 when it does not parse).
    pub ordinal: i64,
    /// The stored object.
    pub pod: PodHandle,
    /// Its facts.
    pub facts: Facts,
}

/// Ordinals of the pods at one revision.
#[derive(Clone, Debug, Default)]
pub struct RevisionOrdinals {
    /// Every pod.
    pub all: BTreeSet<i64>,
    /// Pods without a deletionTimestamp.
    pub not_terminating: BTreeSet<i64>,
    /// Created, non-terminating pods (`currentReplicas`/`updatedReplicas` count these).
    pub counted: usize,
}

/// One StatefulSet's pod cache and indexes. Every ordered set below holds only ordinals with
/// exactly one claimed pod ("registered" ordinals).
#[derive(Clone, Debug)]
pub struct SetIndex {
    params: Params,
    dirty_pods: BTreeSet<Rc<str>>,
    dirty_claims: BTreeSet<ObjectKey>,
    /// Claimed pods (controlled by the set, selected, named like a member), by name. A hash map:
    /// every refresh and most ordinal questions look a name up here, and an ordered map's string
    /// comparisons grew with the set; the one walk ([`SetIndex::claimed_pods`]) sorts by name, so
    /// no hash order leaks out (the fixed-key hasher keeps runs identical anyway).
    members: FastMap<String, Member>,
    /// Names of claimed pods by ordinal. Only looked up (a hash map, as `members`).
    at: FastMap<i64, Vec<String>>,
    /// Candidates the claim step acts on: orphans to adopt, owned pods to release.
    pub needs_claim: BTreeSet<String>,
    odd: usize,
    duplicates: usize,
    /// Claims (any namespace) with an ownerRef to the set.
    pub set_claims: BTreeSet<ObjectKey>,
    /// Registered ordinals.
    pub present: OrdinalRuns,
    /// Ordinals a monotonic sync must visit (clock aside).
    pub monotonic_visits: BTreeSet<i64>,
    /// Ordinals a burst sync must visit.
    pub burst_visits: BTreeSet<i64>,
    /// Ordinals unavailable whatever the clock says (not Ready, or terminating).
    pub unavailable: BTreeSet<i64>,
    /// Ready pods by Ready transition time.
    ready_times: BTreeSet<(Time, i64)>,
    /// Ready pods without a transition time (never available under minReadySeconds).
    ready_untimed: BTreeSet<i64>,
    /// Ordinals whose pod is not terminating.
    pub not_terminating: BTreeSet<i64>,
    /// Ordinals whose claims would need fixing if the pod were condemned.
    pub claims_to_fix_condemned: BTreeSet<i64>,
    /// Ordinals by revision.
    pub revisions: VecMap<String, RevisionOrdinals>,
    /// Created pods.
    pub created: usize,
    /// Running and Ready pods.
    pub running_ready: usize,
}

impl SetIndex {
    /// Builds the index from the store (once per set, or when its parameters change).
    pub fn build(c: &Cluster, set: &StatefulSet) -> SetIndex {
        let mut ix = SetIndex {
            params: Params::of(set),
            dirty_pods: BTreeSet::new(),
            dirty_claims: BTreeSet::new(),
            members: FastMap::default(),
            at: FastMap::default(),
            needs_claim: BTreeSet::new(),
            odd: 0,
            duplicates: 0,
            set_claims: BTreeSet::new(),
            present: OrdinalRuns::default(),
            monotonic_visits: BTreeSet::new(),
            burst_visits: BTreeSet::new(),
            unavailable: BTreeSet::new(),
            ready_times: BTreeSet::new(),
            ready_untimed: BTreeSet::new(),
            not_terminating: BTreeSet::new(),
            claims_to_fix_condemned: BTreeSet::new(),
            revisions: VecMap::new(),
            created: 0,
            running_ready: 0,
        };
        ix.set_claims = crate::util::sort::btree_set(
            c.store.dependents(&set.metadata.uid).filter(|k| k.kind == Kind::PersistentVolumeClaim).cloned(),
        );
        let names: Vec<String> = c
            .store
            .pods(&set.metadata.namespace)
            .filter(|p| is_candidate(&ix.params, p))
            .map(|p| p.metadata.name.clone())
            .collect();
        for name in names {
            ix.refresh_pod(c, set, &name);
        }
        ix
    }

    /// Whether this index was built for `set` as it is now.
    pub fn fits(&self, set: &StatefulSet) -> bool {
        let p = &self.params;
        p.uid == set.metadata.uid
            && p.name == set.metadata.name
            && p.namespace == set.metadata.namespace
            && p.selector == set.spec.selector
            && p.claim_templates.len() == set.spec.volume_claim_templates.len()
            && p.claim_templates.iter().zip(&set.spec.volume_claim_templates).all(|(a, b)| *a == b.metadata.name)
            && {
                let (d, s) = get_persistent_volume_claim_retention_policy(set);
                p.policy.0 == d && p.policy.1 == s
            }
    }

    /// The set's uid.
    pub fn uid(&self) -> &str {
        &self.params.uid
    }

    /// Whether the pods include ones the index cannot stand for (see the module doc).
    pub fn is_exotic(&self) -> bool {
        self.odd > 0 || self.duplicates > 0
    }

    /// The claimed pods in name order: what `getPodsForStatefulSet` returns after claiming.
    pub fn claimed_pods(&self) -> Vec<PodHandle> {
        let mut names: Vec<&String> = self.members.keys().collect();
        crate::util::sort::sort(&mut names);
        names.into_iter().filter_map(|n| self.members.get(n)).map(|m| m.pod.clone()).collect()
    }

    /// Informer side: a pod of this set (by name or controller ref) changed; whether it was
    /// not marked yet. The name is the store key's (shared, not copied). The watch handler asks
    /// [`SetIndex::is_pod_marked`] first (to leave a shared index uncopied), so the name is not
    /// looked up twice here.
    pub fn mark_pod(&mut self, name: Rc<str>) -> bool {
        self.dirty_pods.insert(name)
    }

    /// Whether a mark would add anything (lets the caller avoid copying a shared index).
    pub fn is_pod_marked(&self, name: &str) -> bool {
        self.dirty_pods.contains(name)
    }

    /// Informer side: a claim in the set's namespace, or one referring to the set, changed.
    pub fn mark_claim(&mut self, key: ObjectKey) {
        self.dirty_claims.insert(key);
    }

    /// Whether a claim is already marked.
    pub fn is_claim_marked(&self, key: &ObjectKey) -> bool {
        self.dirty_claims.contains(key)
    }

    /// Whether anything was marked since the last refresh.
    pub fn has_marks(&self) -> bool {
        !self.dirty_pods.is_empty() || !self.dirty_claims.is_empty()
    }

    /// The namespace the set lives in.
    pub fn namespace(&self) -> &str {
        &self.params.namespace
    }

    /// Sync side: re-reads everything marked since the last refresh.
    pub fn refresh(&mut self, c: &Cluster, set: &StatefulSet) {
        for key in std::mem::take(&mut self.dirty_claims) {
            let owned = c.store.get_key(&key).is_some_and(|o| o.meta().owner_references.iter().any(|r| r.uid == self.params.uid));
            if owned {
                self.set_claims.insert(key.clone());
            } else {
                self.set_claims.remove(&key);
            }
            if *key.namespace != *self.params.namespace {
                continue;
            }
            for t in &self.params.claim_templates {
                let ordinal = claim_ordinal(&key.name, t, &self.params.name);
                if let Some(names) = ordinal.and_then(|o| self.at.get(&o)) {
                    self.dirty_pods.extend(names.iter().map(|n| Rc::from(n.as_str())));
                }
            }
        }
        for name in std::mem::take(&mut self.dirty_pods) {
            self.refresh_pod(c, set, &name);
        }
    }

    /// Re-reads one pod: drops what was known about it and classifies the stored version.
    fn refresh_pod(&mut self, c: &Cluster, set: &StatefulSet, name: &str) {
        self.needs_claim.remove(name);
        let stored = c.store.get(Kind::Pod, &self.params.namespace, name).cloned().and_then(PodHandle::new);
        let class = stored.as_ref().map_or(Class::Other, |p| classify(&self.params, p));
        let mut fresh = match (&class, stored) {
            (Class::Claimed, Some(pod)) => Some(Member { ordinal: get_ordinal(&pod), facts: Facts::of(c, set, &pod), pod }),
            _ => None,
        };
        // Most writes (a status update that changes no fact) leave the indexes as they are: only
        // the stored version is swapped in.
        if let (Some(new), Some(old)) = (&mut fresh, self.members.get_mut(name)) {
            if new.ordinal == old.ordinal && new.facts == old.facts && is_odd(new) == is_odd(old) {
                std::mem::swap(&mut old.pod, &mut new.pod);
                return;
            }
        }
        // The same pod alone at the same ordinal with new facts (a pod becoming Running, then
        // Ready): what taking it out of every index and putting it back would do, touching only
        // the indexes whose membership changed.
        if let (Some(new), Some(old)) = (&fresh, self.members.get(name)) {
            let alone = self.at.get(&new.ordinal).is_some_and(|names| names.len() == 1);
            if new.ordinal == old.ordinal && new.ordinal >= 0 && alone && is_odd(new) == is_odd(old) {
                let before = old.facts.clone();
                self.reindex(new.ordinal, &before, &new.facts);
                if let Some(new) = fresh {
                    self.members.insert(name.to_string(), new);
                }
                return;
            }
        }
        if let Some(ordinal) = self.members.get(name).map(|m| m.ordinal) {
            if ordinal >= 0 {
                self.unregister(ordinal);
            }
            if let Some(old) = self.members.remove(name) {
                self.odd -= usize::from(is_odd(&old));
            }
            if ordinal >= 0 {
                let names = self.at.entry(ordinal).or_default();
                names.retain(|n| n != name);
                if names.is_empty() {
                    self.at.remove(&ordinal);
                }
                self.register(ordinal);
            }
        }
        match class {
            Class::Other => {}
            Class::NeedsClaim => {
                self.needs_claim.insert(name.to_string());
            }
            Class::Claimed => {
                let Some(member) = fresh else { return };
                let ordinal = member.ordinal;
                self.odd += usize::from(is_odd(&member));
                if ordinal >= 0 {
                    self.unregister(ordinal);
                    self.at.entry(ordinal).or_default().push(name.to_string());
                }
                self.members.insert(name.to_string(), member);
                if ordinal >= 0 {
                    self.register(ordinal);
                }
            }
        }
    }

    /// The only pod at `ordinal`, if exactly one is claimed there.
    pub fn member_at(&self, ordinal: i64) -> Option<&Member> {
        match self.at.get(&ordinal).map(Vec::as_slice) {
            Some([name]) => self.members.get(name),
            _ => None,
        }
    }

    /// Takes the ordinal's facts out of every index (no-op unless it is registered).
    fn unregister(&mut self, o: i64) {
        let n = self.at.get(&o).map_or(0, Vec::len);
        if n > 1 {
            self.duplicates -= 1;
        }
        let Some(m) = self.member_at(o) else { return };
        let f = m.facts.clone();
        self.index(o, &f, false);
    }

    /// Puts the ordinal's facts into every index (no-op unless exactly one pod is there).
    fn register(&mut self, o: i64) {
        let n = self.at.get(&o).map_or(0, Vec::len);
        if n > 1 {
            self.duplicates += 1;
        }
        let Some(m) = self.member_at(o) else { return };
        let f = m.facts.clone();
        self.index(o, &f, true);
    }

    fn index(&mut self, o: i64, f: &Facts, add: bool) {
        fn put<T: Ord>(set: &mut BTreeSet<T>, v: T, cond: bool, add: bool) {
            if cond {
                if add {
                    set.insert(v);
                } else {
                    set.remove(&v);
                }
            }
        }
        if add {
            self.present.insert(o);
        } else {
            self.present.remove(o);
        }
        put(&mut self.monotonic_visits, o, f.needs_monotonic_visit(), add);
        put(&mut self.burst_visits, o, f.needs_burst_visit(), add);
        put(&mut self.unavailable, o, f.unavailable_whenever(), add);
        match f.ready_since {
            Some(t) => put(&mut self.ready_times, (t, o), f.ready, add),
            None => put(&mut self.ready_untimed, o, f.ready, add),
        }
        put(&mut self.not_terminating, o, !f.terminating, add);
        put(&mut self.claims_to_fix_condemned, o, !f.claims_condemned, add);
        // Look up before inserting: the common case finds the revision, and must not copy its name.
        if !self.revisions.contains_key(&f.revision) {
            self.revisions.insert(f.revision.clone(), RevisionOrdinals::default());
        }
        let Some(rev) = self.revisions.get_mut(&f.revision) else { return };
        put(&mut rev.all, o, true, add);
        put(&mut rev.not_terminating, o, !f.terminating, add);
        let counted = usize::from(f.created && !f.terminating);
        let (created, rr) = (usize::from(f.created), usize::from(f.running_ready));
        if add {
            rev.counted += counted;
            self.created += created;
            self.running_ready += rr;
        } else {
            rev.counted -= counted;
            if rev.all.is_empty() {
                self.revisions.remove(&f.revision);
            }
            self.created -= created;
            self.running_ready -= rr;
        }
    }

    /// `index(o, before, false)` then `index(o, after, true)` for one registered ordinal, with only
    /// the changed memberships written.
    fn reindex(&mut self, o: i64, before: &Facts, after: &Facts) {
        if before.revision != after.revision {
            self.index(o, before, false);
            self.index(o, after, true);
            return;
        }
        /// Moves `set` from holding `old` to holding `new` (each when present).
        fn flip<T: Ord>(set: &mut BTreeSet<T>, old: Option<T>, new: Option<T>) {
            if old != new {
                if let Some(v) = old {
                    set.remove(&v);
                }
                if let Some(v) = new {
                    set.insert(v);
                }
            }
        }
        let when = |cond: bool| cond.then_some(o);
        flip(&mut self.monotonic_visits, when(before.needs_monotonic_visit()), when(after.needs_monotonic_visit()));
        flip(&mut self.burst_visits, when(before.needs_burst_visit()), when(after.needs_burst_visit()));
        flip(&mut self.unavailable, when(before.unavailable_whenever()), when(after.unavailable_whenever()));
        let timed = |f: &Facts| f.ready_since.filter(|_| f.ready).map(|t| (t, o));
        let untimed = |f: &Facts| when(f.ready && f.ready_since.is_none());
        flip(&mut self.ready_times, timed(before), timed(after));
        flip(&mut self.ready_untimed, untimed(before), untimed(after));
        flip(&mut self.not_terminating, when(!before.terminating), when(!after.terminating));
        flip(&mut self.claims_to_fix_condemned, when(!before.claims_condemned), when(!after.claims_condemned));
        if let Some(rev) = self.revisions.get_mut(&after.revision) {
            flip(&mut rev.not_terminating, when(!before.terminating), when(!after.terminating));
            rev.counted -= usize::from(before.created && !before.terminating);
            rev.counted += usize::from(after.created && !after.terminating);
        }
        self.created = self.created - usize::from(before.created) + usize::from(after.created);
        self.running_ready = self.running_ready - usize::from(before.running_ready) + usize::from(after.running_ready);
    }

    /// Ordinals of Ready pods that are not available yet at `now` (ascending): those that turned
    /// Ready within the last minReadySeconds, or have no transition time. Empty without
    /// minReadySeconds. Walks only the recent end of the time index.
    pub fn not_yet_available(&self, min_ready_seconds: i32, now: Time) -> Vec<i64> {
        if min_ready_seconds <= 0 {
            return Vec::new();
        }
        let mut v: Vec<i64> = self
            .ready_times
            .iter()
            .rev()
            .take_while(|(t, _)| t.plus_secs(min_ready_seconds as u64) >= now)
            .map(|(_, o)| *o)
            .chain(self.ready_untimed.iter().copied())
            .collect();
        v.sort_unstable();
        v
    }
}

/// `<template>-<set>-<ordinal>` → ordinal.
fn claim_ordinal(claim: &str, template: &str, set: &str) -> Option<i64> {
    let digits = claim.strip_prefix(template)?.strip_prefix('-')?.strip_prefix(set)?.strip_prefix('-')?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.parse().ok()).flatten()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Not this set's business (another controller's, or an orphan that does not match).
    Other,
    /// `ClaimPods` adopts or releases it.
    NeedsClaim,
    /// Controlled by the set and matching.
    Claimed,
}

/// `getPodsForStatefulSet`'s candidate filter: named like a member, or controlled by the set.
fn is_candidate(p: &Params, pod: &Pod) -> bool {
    get_parent_name_and_ordinal(&pod.metadata.name).0 == p.name || pod.metadata.controller_ref().is_some_and(|r| r.uid == p.uid)
}

/// `ClaimObject`'s decision for one pod, for a set that is not being deleted.
fn classify(p: &Params, pod: &Pod) -> Class {
    if !is_candidate(p, pod) {
        return Class::Other;
    }
    let matches = p.selector.as_ref().is_some_and(|s| selector_matches(s, &pod.metadata.labels))
        && get_parent_name_and_ordinal(&pod.metadata.name).0 == p.name;
    match pod.metadata.controller_ref() {
        Some(r) if r.uid != p.uid => Class::Other,
        Some(_) if matches => Class::Claimed,
        Some(_) => Class::NeedsClaim,
        None if matches && pod.metadata.deletion_timestamp.is_none() && pod.metadata.namespace == p.namespace => {
            Class::NeedsClaim
        }
        None => Class::Other,
    }
}
