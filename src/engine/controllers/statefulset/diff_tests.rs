//! Differential test: the indexed controller against the straightforward one
//! ([`super::reference`], switched on with `use_reference`). Random scenarios — sets with random
//! replicas, policies, partitions, `ordinals.start`, retention and minReadySeconds; scaling,
//! template, partition, start and policy changes; pods turning ready, unready, failed, deleted;
//! claims deleted; orphan deletes and re-creates; released and odd-named orphan pods — run on two
//! clusters, which must hold byte-identical objects and identical why logs after every step.

use super::testkit::web;
use crate::engine::api::*;
use crate::engine::apiserver::{self, DeleteOptions, Propagation};
use crate::engine::config::ClusterConfig;
use crate::engine::sim::Cluster;
use crate::engine::store::ObjectKey;
use proptest::prelude::*;

const SETS: [&str; 2] = ["web", "db"];

#[derive(Clone, Debug)]
struct SetShape {
    replicas: i32,
    parallel: bool,
    on_delete: bool,
    partition: Option<i32>,
    start: Option<i32>,
    retention: Option<(bool, bool)>,
    min_ready: i32,
    claims: bool,
}

#[derive(Clone, Debug)]
enum Op {
    Create(usize, SetShape),
    Scale(usize, i32),
    Template(usize, u8),
    Partition(usize, Option<i32>),
    Start(usize, Option<i32>),
    Retention(usize, Option<(bool, bool)>),
    MinReady(usize, i32),
    Ready(usize, i64),
    Unready(usize, i64),
    Fail(usize, i64),
    DeletePod(usize, i64),
    FinishDeletions,
    DeleteClaim(usize, i64),
    FinishClaimDeletions,
    OrphanDelete(usize),
    Recreate(usize, SetShape),
    Release(usize, i64),
    OddOrphan(usize, i64, bool),
    Advance(u64),
    ReadyAll,
}

fn shape() -> impl Strategy<Value = SetShape> {
    (
        0..7i32,
        any::<bool>(),
        prop::bool::weighted(0.2),
        prop::option::of(0..5i32),
        prop::option::weighted(0.3, 0..4i32),
        prop::option::weighted(0.5, (any::<bool>(), any::<bool>())),
        prop_oneof![3 => Just(0), 1 => Just(5)],
        prop::bool::weighted(0.8),
    )
        .prop_map(|(replicas, parallel, on_delete, partition, start, retention, min_ready, claims)| SetShape {
            replicas,
            parallel,
            on_delete,
            partition,
            start,
            retention,
            min_ready,
            claims,
        })
}

fn op() -> impl Strategy<Value = Op> {
    let s = 0..SETS.len();
    let o = 0..9i64;
    prop_oneof![
        2 => (s.clone(), shape()).prop_map(|(s, sh)| Op::Create(s, sh)),
        3 => (s.clone(), 0..8i32).prop_map(|(s, r)| Op::Scale(s, r)),
        2 => (s.clone(), 0..3u8).prop_map(|(s, v)| Op::Template(s, v)),
        1 => (s.clone(), prop::option::of(0..5i32)).prop_map(|(s, p)| Op::Partition(s, p)),
        1 => (s.clone(), prop::option::of(0..4i32)).prop_map(|(s, p)| Op::Start(s, p)),
        1 => (s.clone(), prop::option::of((any::<bool>(), any::<bool>()))).prop_map(|(s, p)| Op::Retention(s, p)),
        1 => (s.clone(), prop_oneof![Just(0), Just(5)]).prop_map(|(s, m)| Op::MinReady(s, m)),
        6 => (s.clone(), o.clone()).prop_map(|(s, o)| Op::Ready(s, o)),
        2 => (s.clone(), o.clone()).prop_map(|(s, o)| Op::Unready(s, o)),
        1 => (s.clone(), o.clone()).prop_map(|(s, o)| Op::Fail(s, o)),
        2 => (s.clone(), o.clone()).prop_map(|(s, o)| Op::DeletePod(s, o)),
        3 => Just(Op::FinishDeletions),
        1 => (s.clone(), o.clone()).prop_map(|(s, o)| Op::DeleteClaim(s, o)),
        1 => Just(Op::FinishClaimDeletions),
        1 => s.clone().prop_map(Op::OrphanDelete),
        1 => (s.clone(), shape()).prop_map(|(s, sh)| Op::Recreate(s, sh)),
        1 => (s.clone(), o.clone()).prop_map(|(s, o)| Op::Release(s, o)),
        1 => (s.clone(), 0..4i64, prop::bool::weighted(0.5)).prop_map(|(s, o, z)| Op::OddOrphan(s, o, z)),
        2 => (0..12_000u64).prop_map(Op::Advance),
        3 => Just(Op::ReadyAll),
    ]
}

fn build(name: &str, sh: &SetShape) -> StatefulSet {
    let mut s = web(sh.replicas);
    s.metadata.name = name.into();
    let labels: StringMap = [("app".to_string(), name.to_string())].into();
    s.spec.selector = Some(LabelSelector { match_labels: labels.clone(), ..Default::default() });
    s.spec.template.metadata.labels = labels.into();
    if sh.parallel {
        s.spec.pod_management_policy = POD_MANAGEMENT_PARALLEL.into();
    }
    if sh.on_delete {
        s.spec.update_strategy = StatefulSetUpdateStrategy { type_: ON_DELETE.into(), rolling_update: None };
    } else if let Some(ru) = s.spec.update_strategy.rolling_update.as_mut() {
        ru.partition = sh.partition;
        if sh.partition.is_none() {
            s.spec.update_strategy.rolling_update = None;
        }
    }
    s.spec.ordinals = sh.start.map(|st| StatefulSetOrdinals { start: Some(st) });
    s.spec.persistent_volume_claim_retention_policy = sh.retention.map(retention);
    s.spec.min_ready_seconds = Some(sh.min_ready);
    if !sh.claims {
        s.spec.volume_claim_templates.clear();
    }
    s
}

fn retention((deleted, scaled): (bool, bool)) -> PersistentVolumeClaimRetentionPolicy {
    let p = |d: bool| if d { DELETE.to_string() } else { RETAIN.to_string() };
    PersistentVolumeClaimRetentionPolicy { when_deleted: p(deleted), when_scaled: p(scaled) }
}

fn get_set(c: &Cluster, s: usize) -> Option<StatefulSet> {
    c.store.get(Kind::StatefulSet, "default", SETS[s]).and_then(|o| o.as_stateful_set()).cloned()
}

fn update_set(c: &mut Cluster, s: usize, f: impl FnOnce(&mut StatefulSet)) {
    if let Some(mut set) = get_set(c, s) {
        f(&mut set);
        let _ = apiserver::update(c, Object::StatefulSet(set));
    }
}

fn get_pod(c: &Cluster, s: usize, o: i64) -> Option<Pod> {
    c.store.get(Kind::Pod, "default", &format!("{}-{o}", SETS[s])).and_then(|o| o.as_pod()).cloned()
}

fn set_ready(c: &mut Cluster, mut p: Pod, ready: bool) {
    p.spec.node_name = "node-1".into();
    p.status.phase = "Running".into();
    let status = if ready { "True" } else { "False" };
    if p.condition("Ready").is_some_and(|c| c.status == status) {
        return;
    }
    p.status.conditions =
        vec![Condition { type_: "Ready".into(), status: status.into(), last_transition_time: Some(c.now), ..Default::default() }];
    apiserver::write_internal(c, Object::Pod(p));
}

fn apply(c: &mut Cluster, op: &Op) {
    match op {
        Op::Create(s, sh) => {
            let _ = apiserver::create(c, Object::StatefulSet(build(SETS[*s], sh)));
        }
        Op::Scale(s, r) => update_set(c, *s, |set| set.spec.replicas = Some(*r)),
        Op::Template(s, v) => update_set(c, *s, |set| set.spec.template.spec.containers[0].image = format!("nginx:1.{v}")),
        Op::Partition(s, p) => update_set(c, *s, |set| {
            if let Some(ru) = set.spec.update_strategy.rolling_update.as_mut() {
                ru.partition = *p;
            }
        }),
        Op::Start(s, st) => update_set(c, *s, |set| set.spec.ordinals = st.map(|st| StatefulSetOrdinals { start: Some(st) })),
        Op::Retention(s, p) => update_set(c, *s, |set| set.spec.persistent_volume_claim_retention_policy = p.map(retention)),
        Op::MinReady(s, m) => update_set(c, *s, |set| set.spec.min_ready_seconds = Some(*m)),
        Op::Ready(s, o) | Op::Unready(s, o) => {
            if let Some(p) = get_pod(c, *s, *o).filter(|p| p.metadata.deletion_timestamp.is_none()) {
                set_ready(c, p, matches!(op, Op::Ready(..)));
            }
        }
        Op::Fail(s, o) => {
            if let Some(mut p) = get_pod(c, *s, *o) {
                p.status.phase = "Failed".into();
                p.status.reason = "Evicted".into();
                apiserver::write_internal(c, Object::Pod(p));
            }
        }
        Op::DeletePod(s, o) => {
            let _ = apiserver::delete(c, &ObjectKey::new(Kind::Pod, "default", &format!("{}-{o}", SETS[*s])), DeleteOptions::default());
        }
        Op::FinishDeletions => {
            let keys: Vec<ObjectKey> = c
                .store
                .pods("default")
                .filter(|p| p.metadata.deletion_timestamp.is_some())
                .map(|p| ObjectKey::new(Kind::Pod, "default", &p.metadata.name))
                .collect();
            for k in keys {
                apiserver::finish_pod_deletion(c, &k);
            }
        }
        Op::DeleteClaim(s, o) => {
            let key = ObjectKey::new(Kind::PersistentVolumeClaim, "default", &format!("www-{}-{o}", SETS[*s]));
            let _ = apiserver::delete(c, &key, DeleteOptions::default());
        }
        Op::FinishClaimDeletions => {
            let claims: Vec<PersistentVolumeClaim> = c
                .store
                .list(Kind::PersistentVolumeClaim, Some("default"))
                .filter_map(|o| o.as_pvc())
                .filter(|p| p.metadata.deletion_timestamp.is_some())
                .cloned()
                .collect();
            for mut claim in claims {
                claim.metadata.finalizers.clear();
                apiserver::write_internal(c, Object::PersistentVolumeClaim(claim));
            }
        }
        Op::OrphanDelete(s) => {
            let key = ObjectKey::new(Kind::StatefulSet, "default", SETS[*s]);
            let _ = apiserver::delete(c, &key, DeleteOptions { propagation: Propagation::Orphan, grace_period_seconds: None });
        }
        Op::Recreate(s, sh) => {
            if get_set(c, *s).is_none() {
                let _ = apiserver::create(c, Object::StatefulSet(build(SETS[*s], sh)));
            }
        }
        Op::Release(s, o) => {
            if let Some(mut p) = get_pod(c, *s, *o) {
                p.metadata.labels.insert("app".into(), "debug".into());
                let _ = apiserver::update(c, Object::Pod(p));
            }
        }
        Op::OddOrphan(s, o, zero) => {
            let mut p = Pod::default();
            p.metadata.name = if *zero { format!("{}-0{o}", SETS[*s]) } else { format!("{}-{o}", SETS[*s]) };
            p.metadata.namespace = "default".into();
            p.metadata.labels.insert("app".into(), SETS[*s].into());
            p.spec.containers.push(Container { name: "nginx".into(), image: "nginx:1.27".into(), ..Default::default() });
            let _ = apiserver::create(c, Object::Pod(p));
        }
        Op::Advance(ms) => {
            c.advance(*ms);
        }
        Op::ReadyAll => {
            let pods: Vec<Pod> = c
                .store
                .pods("default")
                .filter(|p| p.metadata.deletion_timestamp.is_none() && !p.is_running_and_ready() && p.status.phase != "Failed")
                .cloned()
                .collect();
            for p in pods {
                set_ready(c, p, true);
            }
        }
    }
    c.settle(120_000, 5_000);
}

fn snapshot(c: &Cluster) -> Vec<String> {
    let mut out: Vec<String> = c.store.iter().map(|(_, o)| o.to_value().to_string()).collect();
    out.extend(c.why.iter().map(|d| format!("{d:?}")));
    out.push(format!("now {:?} pending {}", c.now, c.pending_tasks()));
    out
}

fn first_difference(a: &[String], b: &[String]) -> String {
    let i = a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
    format!("at line {i}:\n fast:      {:?}\n reference: {:?}", a.get(i), b.get(i))
}

fn run(gate: bool, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut config = ClusterConfig::default();
    config.feature_gates.max_unavailable_stateful_set = gate;
    let mut fast = Cluster::new(config);
    let mut reference = fast.clone();
    reference.statefulset_controller.use_reference = true;
    for (step, op) in ops.iter().enumerate() {
        apply(&mut fast, op);
        apply(&mut reference, op);
        let (a, b) = (snapshot(&fast), snapshot(&reference));
        prop_assert!(a == b, "step {step} ({op:?}) diverged {}", first_difference(&a, &b));
        prop_assert!(indexes_are_fresh(&fast), "step {step} ({op:?}): an index differs from one built from scratch");
    }
    Ok(())
}

/// Whether every set's index, refreshed as its next sync would, equals one built from the store.
fn indexes_are_fresh(c: &Cluster) -> bool {
    c.statefulset_controller.indexes.iter().all(|(key, ix)| {
        let Some(set) = c.store.get_key(key).and_then(|o| o.as_stateful_set()) else { return true };
        if !ix.fits(set) {
            return true;
        }
        let mut live = (**ix).clone();
        live.refresh(c, set);
        live.same_as(&super::index::SetIndex::build(c, set))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn indexed_controller_matches_the_reference(gate in prop::bool::weighted(0.25), ops in prop::collection::vec(op(), 1..30)) {
        run(gate, &ops)?;
    }
}

#[test]
fn scale_up_roll_and_scale_down_match_the_reference() {
    let sh = SetShape { replicas: 5, parallel: false, on_delete: false, partition: Some(0), start: None, retention: Some((true, true)), min_ready: 0, claims: true };
    let mut ops = vec![Op::Create(0, sh)];
    for _ in 0..6 {
        ops.push(Op::ReadyAll);
    }
    ops.extend([Op::Template(0, 2), Op::FinishDeletions, Op::ReadyAll, Op::FinishDeletions, Op::ReadyAll, Op::Scale(0, 2)]);
    for _ in 0..4 {
        ops.extend([Op::FinishDeletions, Op::ReadyAll]);
    }
    run(false, &ops).unwrap();
}

#[test]
fn two_pods_at_one_ordinal_match_the_reference() {
    // web-01 is adopted next to web-1 (both parse to ordinal 1): the index hands over to the
    // reference loop until one of them is gone.
    let sh = SetShape { replicas: 3, parallel: true, on_delete: false, partition: Some(0), start: None, retention: None, min_ready: 0, claims: true };
    let ops = [
        Op::Create(0, sh),
        Op::ReadyAll,
        Op::OddOrphan(0, 1, true),
        Op::ReadyAll,
        Op::Template(0, 1),
        Op::FinishDeletions,
        Op::ReadyAll,
        Op::Scale(0, 1),
        Op::FinishDeletions,
        Op::ReadyAll,
        Op::Scale(0, 3),
        Op::ReadyAll,
    ];
    run(false, &ops).unwrap();
}
