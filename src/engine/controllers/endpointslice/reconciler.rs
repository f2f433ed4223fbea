//! The EndpointSlice reconciler's placement (`k8s.io/endpointslice/reconciler.go`
//! `reconcileByPortMapping`, the placeholder rule of `reconcileByAddressType`, and `finalize`'s
//! turning of creates into updates of slices that would be deleted).
//!
//! Upstream compares every selected pod with every existing slice on each sync. The result only
//! differs from the previous sync for the pods that changed, so this reconciler takes just those
//! (the controller's dirty set) and loads just the slices they are in: untouched slices are
//! "unchanged slices" in upstream's terms and are known by their size and ports alone. A full
//! pass (Service changed, a slice edited by someone else) is the same call with every pod.

use super::utils::{PodEndpoint, Port};
use crate::util::vecset::{VecMap, VecSet};
use std::rc::Rc;

/// `maxEndpointsPerSlice`'s default (`--max-endpoints-per-slice`).
pub const MAX_ENDPOINTS_PER_SLICE: usize = 100;

/// What the controller's cache knows about one of the Service's slices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SliceMeta {
    /// The slice's ports (its "port map" group).
    pub ports: Vec<Port>,
    /// Number of endpoints.
    pub len: usize,
    /// resourceVersion this controller last wrote or read.
    pub rv: String,
    /// Its labels are the ones the Service wants.
    pub labels_ok: bool,
    /// Its endpoints as last written or read (valid while `rv` is current: any other writer
    /// makes the controller re-read every slice).
    pub endpoints: Rc<Vec<PodEndpoint>>,
}

/// One changed pod: what it should now be in the Service's slices.
#[derive(Clone, Debug)]
pub struct Change {
    /// Pod name.
    pub pod: String,
    /// The endpoint and its ports, or `None` with the reason it is not an endpoint.
    pub desired: Result<(PodEndpoint, Vec<Port>), &'static str>,
}

/// What happened to one endpoint, in words for the why panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// A new endpoint.
    Added(PodEndpoint),
    /// An endpoint's conditions (or node) changed.
    Updated(PodEndpoint, PodEndpoint),
    /// An endpoint left, and why.
    Removed(PodEndpoint, &'static str),
}

/// A slice to write: an update when it has a name, a create (generateName) otherwise.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    /// The slice's name; `None` for a new one.
    pub name: Option<Rc<str>>,
    /// Its ports.
    pub ports: Vec<Port>,
    /// Its endpoints, in order.
    pub endpoints: Vec<PodEndpoint>,
    /// The changes that made it.
    pub notes: Vec<Note>,
    /// Built afresh (a create turned into an update of a slice that was to be deleted): the
    /// write replaces the whole object.
    pub replaces: bool,
}

/// The writes of one sync.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// New slices.
    pub creates: Vec<Draft>,
    /// Changed slices.
    pub updates: Vec<Draft>,
    /// Slices to delete, with what left them.
    pub deletes: Vec<(Rc<str>, Vec<Note>)>,
    /// Pod → slice after the plan (the entries that changed; `None`: no longer in any slice).
    pub moved: Vec<(String, Option<Rc<str>>)>,
}

/// The slices a sync looks at, with the ability to read a slice's endpoints.
pub struct Existing<'a> {
    /// Every owned slice of the Service, by name.
    pub slices: &'a VecMap<Rc<str>, SliceMeta>,
    /// Pod → the slice holding its endpoint.
    pub pod_slice: &'a crate::util::hash::FastMap<String, Rc<str>>,
    /// Slices not owned by the Service (to be deleted; they still count as existing).
    pub foreign: usize,
    /// Reads a slice's endpoints from the store.
    pub load: &'a mut dyn FnMut(&str) -> Vec<PodEndpoint>,
}

/// `reconcileByPortMapping` and friends for the changed pods; see the module doc.
pub fn reconcile(existing: Existing, changes: Vec<Change>, max: usize) -> Plan {
    let Existing { slices, pod_slice, foreign, load } = existing;
    let mut work: VecMap<Rc<str>, Draft> = VecMap::new();
    let mut plan = Plan::default();
    // Pending endpoints by port group, in pod order (upstream pops them from a set).
    let mut pending: VecMap<Vec<Port>, Vec<PodEndpoint>> = VecMap::new();

    // 1. Endpoints already in a slice: keep, update or remove.
    for ch in changes {
        let mut placed = false;
        if let Some(name) = pod_slice.get(&ch.pod) {
            let meta = slices.get(name);
            let draft = work.get_or_insert_with(name.clone(), || Draft {
                name: Some(name.clone()),
                ports: meta.map(|m| m.ports.clone()).unwrap_or_default(),
                endpoints: load(name),
                ..Draft::default()
            });
            while let Some(i) = draft.endpoints.iter().position(|e| e.pod == ch.pod) {
                let old = draft.endpoints[i].clone();
                match &ch.desired {
                    Ok((ep, ports)) if !placed && old.same_identity(ep) && *ports == draft.ports => {
                        if old != *ep {
                            draft.endpoints[i] = ep.clone();
                            draft.notes.push(Note::Updated(old, ep.clone()));
                        }
                        placed = true;
                        break;
                    }
                    Ok(_) => {
                        draft.endpoints.remove(i);
                        draft.notes.push(Note::Removed(old, "its address, hostname or ports changed"));
                    }
                    Err(why) => {
                        draft.endpoints.remove(i);
                        draft.notes.push(Note::Removed(old, why));
                    }
                }
            }
        }
        match ch.desired {
            Ok((ep, ports)) if !placed => pending.get_or_insert_with(ports, Vec::new).push(ep),
            Ok(_) => {}
            Err(_) => plan.moved.push((ch.pod.clone(), None)),
        }
    }

    let mut to_update: VecSet<Rc<str>> = VecSet::new();
    let mut to_delete: Vec<Rc<str>> = Vec::new();
    for (name, d) in &work {
        if d.notes.is_empty() {
            continue;
        }
        if d.endpoints.is_empty() {
            to_delete.push(name.clone());
        } else {
            to_update.insert(name.clone());
        }
    }
    // Unchanged slices: untouched, or touched without a change.
    let mut unchanged: VecSet<Rc<str>> =
        slices.keys().filter(|n| !to_update.contains(*n) && !to_delete.contains(*n)).cloned().collect();
    // Relabel: slices whose labels drifted from the Service's are rewritten.
    for name in slices.iter().filter(|(_, m)| !m.labels_ok).map(|(n, _)| n.clone()).collect::<Vec<_>>() {
        if unchanged.remove(&name) {
            ensure_loaded(&mut work, slices, &name, load);
            to_update.insert(name);
        }
    }
    // An empty (placeholder) slice whose port group gets no endpoints goes, so its name can be
    // reused for the first real slice.
    if !pending.is_empty() {
        for name in unchanged.clone() {
            let meta = &slices[&name];
            if meta.len == 0 && !pending.contains_key(&meta.ports) {
                unchanged.remove(&name);
                to_delete.push(name);
            }
        }
    }

    // 2. and 3. Place the remaining endpoints: fill slices being updated (fullest first), then
    // the unchanged slice that ends up closest to full, then new slices.
    let mut creates: Vec<Draft> = Vec::new();
    for (ports, eps) in pending {
        let mut eps = eps.into_iter().peekable();
        let mut fill: Vec<Rc<str>> = to_update.iter().filter(|n| work[*n].ports == ports).cloned().collect();
        crate::util::sort::sort_by_key(&mut fill, |n| std::cmp::Reverse(work[n].endpoints.len()));
        for n in fill {
            let Some(d) = work.get_mut(&n) else { continue };
            while d.endpoints.len() < max {
                let Some(ep) = eps.next() else { break };
                d.notes.push(Note::Added(ep.clone()));
                d.endpoints.push(ep);
            }
        }
        let mut rest: Vec<PodEndpoint> = eps.collect();
        while !rest.is_empty() {
            let target = (rest.len() < max)
                .then(|| slice_to_fill(slices, &unchanged, &ports, rest.len(), max))
                .flatten();
            let d = match target {
                Some(name) => {
                    unchanged.remove(&name);
                    to_update.insert(name.clone());
                    ensure_loaded(&mut work, slices, &name, load)
                }
                None => {
                    creates.push(Draft { ports: ports.clone(), ..Draft::default() });
                    match creates.last_mut() {
                        Some(d) => d,
                        None => break,
                    }
                }
            };
            let take = (max.saturating_sub(d.endpoints.len())).min(rest.len());
            for ep in rest.drain(..take) {
                d.notes.push(Note::Added(ep.clone()));
                d.endpoints.push(ep);
            }
        }
    }

    // The placeholder: a Service always has at least one slice.
    if to_delete.len() == slices.len() && creates.is_empty() {
        let keep = foreign == 0
            && to_delete.len() == 1
            && slices[&to_delete[0]].len == 0
            && slices[&to_delete[0]].ports.is_empty()
            && slices[&to_delete[0]].labels_ok;
        if keep {
            to_delete.clear();
        } else {
            creates.push(Draft::default());
        }
    }

    // finalize: a create becomes an update of a slice that would otherwise be deleted.
    while !to_delete.is_empty() {
        let Some(mut d) = creates.pop() else { break };
        let name = to_delete.remove(0);
        d.notes = work.remove(&name).map(|w| w.notes).unwrap_or_default().into_iter().chain(d.notes).collect();
        d.name = Some(name.clone());
        d.replaces = true;
        plan.updates.push(d);
    }
    for name in to_update {
        if let Some(d) = work.remove(&name) {
            plan.updates.push(d);
        }
    }
    for name in to_delete {
        let notes = work.remove(&name).map(|w| w.notes).unwrap_or_default();
        plan.deletes.push((name, notes));
    }
    plan.creates = creates;
    for d in &plan.updates {
        for e in &d.endpoints {
            if pod_slice.get(&e.pod) != d.name.as_ref() {
                plan.moved.push((e.pod.clone(), d.name.clone()));
            }
        }
    }
    plan
}

fn ensure_loaded<'w>(
    work: &'w mut VecMap<Rc<str>, Draft>,
    slices: &VecMap<Rc<str>, SliceMeta>,
    name: &Rc<str>,
    load: &mut dyn FnMut(&str) -> Vec<PodEndpoint>,
) -> &'w mut Draft {
    work.get_or_insert_with(name.clone(), || Draft {
        name: Some(name.clone()),
        ports: slices.get(name).map(|m| m.ports.clone()).unwrap_or_default(),
        endpoints: load(name),
        ..Draft::default()
    })
}

/// `getSliceToFill`: the unchanged slice of this port group that is closest to full once
/// `n` endpoints are added.
fn slice_to_fill(
    slices: &VecMap<Rc<str>, SliceMeta>,
    unchanged: &VecSet<Rc<str>>,
    ports: &[Port],
    n: usize,
    max: usize,
) -> Option<Rc<str>> {
    let mut best: Option<(usize, Rc<str>)> = None;
    for name in unchanged {
        let m = &slices[name];
        if m.ports != ports || m.len + n > max {
            continue;
        }
        let diff = max - (m.len + n);
        if best.as_ref().is_none_or(|(d, _)| diff < *d) {
            best = Some((diff, name.clone()));
            if diff == 0 {
                break;
            }
        }
    }
    best.map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn ep(pod: &str, ip: &str, ready: bool) -> PodEndpoint {
        PodEndpoint {
            address: ip.into(),
            ready,
            serving: ready,
            terminating: false,
            hostname: Some(pod.into()),
            node_name: Some("node-1".into()),
            pod: pod.into(),
            namespace: "default".into(),
            uid: format!("uid-{pod}"),
        }
    }

    fn web() -> Vec<Port> {
        vec![Port { name: "web".into(), port: 80, protocol: "TCP".into(), app_protocol: None }]
    }

    fn run(slices: &VecMap<Rc<str>, SliceMeta>, contents: &BTreeMap<String, Vec<PodEndpoint>>, changes: Vec<Change>, max: usize) -> Plan {
        let mut pod_slice = crate::util::hash::FastMap::default();
        for (s, eps) in contents {
            for e in eps {
                pod_slice.insert(e.pod.clone(), Rc::from(s.as_str()));
            }
        }
        let mut load = |n: &str| contents.get(n).cloned().unwrap_or_default();
        reconcile(Existing { slices, pod_slice: &pod_slice, foreign: 0, load: &mut load }, changes, max)
    }

    fn meta(ports: Vec<Port>, len: usize) -> SliceMeta {
        SliceMeta { ports, len, rv: "1".into(), labels_ok: true, endpoints: Rc::default() }
    }

    #[test]
    fn a_new_service_gets_a_placeholder_and_the_first_endpoint_reuses_it() {
        let none = VecMap::new();
        let plan = run(&none, &BTreeMap::new(), vec![], 100);
        assert_eq!(plan.creates, vec![Draft::default()], "placeholder: no ports, no endpoints");
        let slices: VecMap<Rc<str>, SliceMeta> = [(Rc::from("nginx-abc"), meta(vec![], 0))].into_iter().collect();
        let plan = run(&slices, &BTreeMap::new(), vec![Change { pod: "web-0".into(), desired: Ok((ep("web-0", "10.0.0.1", false), web())) }], 100);
        assert!(plan.creates.is_empty() && plan.deletes.is_empty());
        assert_eq!(plan.updates.len(), 1);
        assert_eq!(plan.updates[0].name.as_deref(), Some("nginx-abc"));
        assert_eq!(plan.updates[0].ports, web());
        assert!(plan.updates[0].replaces);
    }

    #[test]
    fn readiness_updates_in_place_and_the_last_removal_leaves_a_placeholder() {
        let slices: VecMap<Rc<str>, SliceMeta> = [(Rc::from("s"), meta(web(), 2))].into_iter().collect();
        let contents: BTreeMap<String, Vec<PodEndpoint>> =
            [("s".to_string(), vec![ep("web-0", "10.0.0.1", true), ep("web-1", "10.0.0.2", false)])].into_iter().collect();
        let plan = run(&slices, &contents, vec![Change { pod: "web-1".into(), desired: Ok((ep("web-1", "10.0.0.2", true), web())) }], 100);
        assert_eq!(plan.updates.len(), 1);
        assert!(plan.updates[0].endpoints.iter().all(|e| e.ready));
        assert!(matches!(plan.updates[0].notes[0], Note::Updated(..)));
        let gone = vec![Change { pod: "web-0".into(), desired: Err("deleted") }, Change { pod: "web-1".into(), desired: Err("deleted") }];
        let plan = run(&slices, &contents, gone, 100);
        assert!(plan.deletes.is_empty() && plan.creates.is_empty());
        assert_eq!(plan.updates.len(), 1, "the emptied slice becomes the placeholder");
        assert!(plan.updates[0].endpoints.is_empty() && plan.updates[0].ports.is_empty());
    }

    #[test]
    fn slices_hold_at_most_max_endpoints() {
        let none = VecMap::new();
        let changes: Vec<Change> =
            (0..5).map(|i| Change { pod: format!("web-{i}"), desired: Ok((ep(&format!("web-{i}"), &format!("10.0.0.{i}"), true), web())) }).collect();
        let plan = run(&none, &BTreeMap::new(), changes, 2);
        let sizes: Vec<usize> = plan.creates.iter().map(|d| d.endpoints.len()).collect();
        assert_eq!(sizes, vec![2, 2, 1]);
        // One more fits into the slice closest to full.
        let slices: VecMap<Rc<str>, SliceMeta> =
            [(Rc::from("a"), meta(web(), 2)), (Rc::from("b"), meta(web(), 1))].into_iter().collect();
        let plan = run(&slices, &BTreeMap::new(), vec![Change { pod: "web-9".into(), desired: Ok((ep("web-9", "10.0.0.9", true), web())) }], 2);
        assert_eq!(plan.updates.len(), 1);
        assert_eq!(plan.updates[0].name.as_deref(), Some("b"));
    }
}
