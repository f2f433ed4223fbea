//! The scheduler cache's per-node view (`pkg/scheduler/backend/cache` and `framework.NodeInfo`):
//! what every scheduling cycle checks on every node — the node's allocatable pods, CPU and
//! memory, and the count and summed requests of the pods on it.
//!
//! Upstream keeps one `NodeInfo` per node, updated from pod and node events, and each cycle
//! refreshes its snapshot only for nodes whose generation moved. Here the same: the pod side is
//! updated as pods are counted on or leave a node ([`NodeCache::add_pod`],
//! [`NodeCache::remove_pod`]); the node side is re-read only for node objects that changed
//! ([`NodeCache::sync`], which compares the stored versions by pointer). Without it a cycle
//! parsed every node's quantities and searched its pod map, so placing N pods on N/100 nodes
//! grew as N².

use super::NodePods;
use crate::engine::api::{Kind, Node, Object};
use crate::engine::store::Store;
use std::collections::BTreeSet;
use std::rc::Rc;

/// A node's place in [`NodeCache::by_load`]: its pod count, then its index in name order, packed
/// in one integer (the set then reuses the `BTreeSet<i64>` code the controller's index compiles,
/// rather than adding a copy for pairs to the wasm bundle).
fn load_key(pods: usize, index: usize) -> i64 {
    let pods = pods.min(i32::MAX as usize) as i64;
    (pods << 32) | (index as u32 as i64)
}

/// One node's facts for the Filter plugins (`framework.NodeInfo`).
#[derive(Clone, Debug)]
pub struct NodeInfo {
    /// The stored node version the allocatable figures were read from.
    object: Rc<Object>,
    /// Allocatable pod count (`status.allocatable.pods`, 110 when absent).
    pub allocatable_pods: u64,
    /// Allocatable CPU in millicores (unlimited when absent or unparsable).
    pub allocatable_cpu: u64,
    /// Allocatable memory in bytes (unlimited when absent or unparsable).
    pub allocatable_mem: u64,
    /// Assigned (or assumed), non-terminal pods counted on the node.
    pub pods: usize,
    /// Their summed CPU requests (millicores).
    pub requested_cpu: u64,
    /// Their summed memory requests (bytes).
    pub requested_mem: u64,
}

impl NodeInfo {
    /// Facts of `object` (a Node) with the pods `node_pods` counts on it.
    fn new(object: Rc<Object>, node_pods: &NodePods) -> NodeInfo {
        let (allocatable_cpu, allocatable_mem, allocatable_pods) = object.as_node().map_or((u64::MAX, u64::MAX, 110), super::framework::allocatable);
        let mut info = NodeInfo { object, allocatable_pods, allocatable_cpu, allocatable_mem, pods: 0, requested_cpu: 0, requested_mem: 0 };
        if let Some(pods) = info.node().and_then(|n| node_pods.get(&n.metadata.name)) {
            info.pods = pods.len();
            // Wrapping, as every later add and remove is: the sums then equal a fresh fold.
            for (cpu, mem) in pods.values() {
                info.requested_cpu = info.requested_cpu.wrapping_add(*cpu);
                info.requested_mem = info.requested_mem.wrapping_add(*mem);
            }
        }
        info
    }

    /// The node.
    pub fn node(&self) -> Option<&Node> {
        self.object.as_node()
    }

    fn name(&self) -> &str {
        self.node().map_or("", |n| n.metadata.name.as_str())
    }

    /// Same node version and same counts (the allocatable figures follow from the version).
    #[cfg(test)]
    fn same_as(&self, other: &NodeInfo) -> bool {
        Rc::ptr_eq(&self.object, &other.object)
            && (self.pods, self.requested_cpu, self.requested_mem) == (other.pods, other.requested_cpu, other.requested_mem)
    }
}

/// Every stored node's [`NodeInfo`], in the store's (name) order.
#[derive(Clone, Debug, Default)]
pub struct NodeCache {
    nodes: Vec<NodeInfo>,
    /// The nodes in the order the scheduler prefers them — fewest pods first, ties by name —
    /// as [`load_key`]s. A cycle walks them in this order and stops at the first feasible one,
    /// which is the node a walk over all of them would pick; so a pod costs as many filter
    /// runs as nodes it skips, not one per node (pods × nodes to place a big set).
    by_load: BTreeSet<i64>,
    /// The store's node [`Store::kind_version`] when the cache was last found current: while it
    /// stays the same, no node changed and the per-node comparison is skipped.
    synced_at: u64,
}

/// The stored nodes, in name order (cluster-scoped keys sort by name).
fn stored_nodes(store: &Store) -> impl Iterator<Item = &Rc<Object>> {
    store.list(Kind::Node, None).filter(|o| o.as_node().is_some())
}

impl NodeCache {
    /// A cache built from scratch: the stored nodes and the pods counted on them (what the
    /// incremental one must always equal).
    #[cfg(test)]
    pub(super) fn build(store: &Store, node_pods: &NodePods) -> NodeCache {
        let mut cache = NodeCache {
            nodes: stored_nodes(store).map(|o| NodeInfo::new(o.clone(), node_pods)).collect(),
            by_load: BTreeSet::new(),
            synced_at: store.kind_version(Kind::Node),
        };
        cache.order_by_load();
        cache
    }

    /// Rebuilds [`NodeCache::by_load`] from the nodes' counts.
    fn order_by_load(&mut self) {
        self.by_load = crate::util::sort::btree_set(self.nodes.iter().enumerate().map(|(i, n)| load_key(n.pods, i)));
    }

    /// The nodes, in name order. Current only after [`NodeCache::sync`] (or a true
    /// [`NodeCache::is_current`]).
    pub fn nodes(&self) -> &[NodeInfo] {
        &self.nodes
    }

    /// The nodes, fewest pods first, ties in name order (the scheduler's preference). Current as
    /// [`NodeCache::nodes`] is.
    pub fn by_load(&self) -> impl Iterator<Item = &NodeInfo> {
        self.by_load.iter().filter_map(|k| self.nodes.get((k & 0xffff_ffff) as usize))
    }

    /// Whether the cache holds exactly the stored node versions (a pointer comparison per node:
    /// a write stores a new `Rc`).
    pub fn is_current(&self, store: &Store) -> bool {
        if self.synced_at != 0 && self.synced_at == store.kind_version(Kind::Node) {
            return true;
        }
        let mut cached = self.nodes.iter();
        stored_nodes(store).all(|o| cached.next().is_some_and(|c| Rc::ptr_eq(&c.object, o))) && cached.next().is_none()
    }

    /// Re-reads changed nodes, adds new ones (counting their pods from `node_pods`) and drops
    /// deleted ones. A node that is still there keeps its pod counts, which the pod side keeps.
    pub fn sync(&mut self, store: &Store, node_pods: &NodePods) {
        self.synced_at = store.kind_version(Kind::Node);
        let mut old = std::mem::take(&mut self.nodes).into_iter().peekable();
        for o in stored_nodes(store) {
            let name = o.as_node().map_or("", |n| n.metadata.name.as_str());
            // Both lists are in name order: skip the cached nodes that are gone.
            while old.next_if(|c| c.name() < name).is_some() {}
            let info = match old.next_if(|c| c.name() == name) {
                Some(c) if Rc::ptr_eq(&c.object, o) => c,
                Some(c) => NodeInfo { pods: c.pods, requested_cpu: c.requested_cpu, requested_mem: c.requested_mem, ..NodeInfo::new(o.clone(), &NodePods::new()) },
                None => NodeInfo::new(o.clone(), node_pods),
            };
            self.nodes.push(info);
        }
        self.order_by_load();
    }

    /// Changes the counts of `node` (if cached) and keeps its place in the load order.
    fn update(&mut self, node: &str, change: impl FnOnce(&mut NodeInfo)) {
        let Ok(i) = self.nodes.binary_search_by(|c| c.name().cmp(node)) else { return };
        let Some(info) = self.nodes.get_mut(i) else { return };
        self.by_load.remove(&load_key(info.pods, i));
        change(info);
        self.by_load.insert(load_key(info.pods, i));
    }

    /// A pod with requests `(cpu, mem)` is now counted on `node`. (A node not in the cache yet
    /// counts its pods when [`NodeCache::sync`] adds it.)
    pub fn add_pod(&mut self, node: &str, (cpu, mem): (u64, u64)) {
        self.update(node, |info| {
            info.pods += 1;
            info.requested_cpu = info.requested_cpu.wrapping_add(cpu);
            info.requested_mem = info.requested_mem.wrapping_add(mem);
        });
    }

    /// A pod with requests `(cpu, mem)` no longer counts on `node`.
    pub fn remove_pod(&mut self, node: &str, (cpu, mem): (u64, u64)) {
        self.update(node, |info| {
            info.pods = info.pods.saturating_sub(1);
            info.requested_cpu = info.requested_cpu.wrapping_sub(cpu);
            info.requested_mem = info.requested_mem.wrapping_sub(mem);
        });
    }

    /// Whether both hold the same node versions with the same counts, in the same order (and so
    /// the same load order).
    #[cfg(test)]
    pub(super) fn same_as(&self, other: &NodeCache) -> bool {
        self.nodes.len() == other.nodes.len()
            && self.nodes.iter().zip(&other.nodes).all(|(a, b)| a.same_as(b))
            && self.by_load == other.by_load
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::Time;
    use std::collections::BTreeMap;

    fn node(name: &str, pods: &str) -> Object {
        let mut n = Node::default();
        n.metadata.name = name.into();
        n.status.allocatable = [("pods".to_string(), pods.to_string()), ("cpu".into(), "2".into()), ("memory".into(), "4Gi".into())]
            .into_iter()
            .collect();
        Object::Node(n)
    }

    /// A store, the pods counted per node, and the cache kept incrementally beside them.
    struct World {
        store: Store,
        node_pods: NodePods,
        cache: NodeCache,
    }

    impl World {
        fn add_pod(&mut self, node: &str, uid: &str, req: (u64, u64)) {
            self.node_pods.entry(node.to_string()).or_default().insert(uid.to_string(), req);
            self.cache.add_pod(node, req);
        }

        fn remove_pod(&mut self, node: &str, uid: &str) {
            if let Some(req) = self.node_pods.get_mut(node).and_then(|m| m.remove(uid)) {
                self.cache.remove_pod(node, req);
            }
        }

        fn check(&mut self) {
            self.cache.sync(&self.store, &self.node_pods);
            assert!(self.cache.is_current(&self.store));
            let fresh = NodeCache::build(&self.store, &self.node_pods);
            assert!(self.cache.same_as(&fresh), "incremental {:?}\nfrom scratch {:?}", self.cache, fresh);
        }
    }

    #[test]
    fn incremental_cache_agrees_with_a_fresh_build() {
        let mut store = Store::new(1);
        for n in ["node-1", "node-2", "node-10"] {
            store.create(node(n, "110"), Time::default());
        }
        let mut w = World { node_pods: BTreeMap::new(), cache: NodeCache::default(), store };
        w.check();
        assert_eq!(w.cache.nodes().iter().map(|i| i.name()).collect::<Vec<_>>(), ["node-1", "node-10", "node-2"]);
        w.add_pod("node-1", "a", (100, 1 << 20));
        w.add_pod("node-1", "b", (0, 0));
        w.add_pod("node-2", "c", (250, 0));
        // A pod on a node that does not exist yet: counted when the node appears.
        w.add_pod("node-3", "d", (500, 7));
        w.check();
        w.store.create(node("node-3", "4"), Time::default());
        w.check();
        let n3 = &w.cache.nodes()[3];
        assert_eq!((n3.pods, n3.requested_cpu, n3.requested_mem, n3.allocatable_pods), (1, 500, 7, 4));
        // A node update re-reads allocatable and keeps the counts.
        w.store.update(node("node-1", "5"), Time::default());
        assert!(!w.cache.is_current(&w.store), "a node write makes the cache stale");
        w.remove_pod("node-1", "a");
        w.check();
        let n1 = &w.cache.nodes()[0];
        assert_eq!((n1.pods, n1.requested_cpu, n1.allocatable_pods, n1.allocatable_cpu), (1, 0, 5, 2000));
        // A deleted node leaves the cache; its pods still count if it comes back.
        w.store.remove(&crate::engine::store::ObjectKey::new(Kind::Node, "", "node-2"), Time::default());
        assert!(!w.cache.is_current(&w.store), "so does a removal");
        w.check();
        assert_eq!(w.cache.nodes().len(), 3);
        w.store.create(node("node-2", "110"), Time::default());
        w.check();
        assert_eq!(w.cache.nodes()[2].pods, 1);
    }
}
