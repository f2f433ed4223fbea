//! Engine benchmarks (not tests: figures go in the README). Run: `cargo bench --bench engine`.
//!
//! - apply-and-settle an OrderedReady StatefulSet of 1,000 and 10,000 replicas,
//! - a full rolling update of 1,000 replicas,
//! - one session step plus the diagram's view model at 100 and 1,000 pods (the browser's
//!   per-step work without the browser),
//! - 10,000 steps of history at 100 pods: memory held by the timeline.
//!
//! Memory is measured with a counting global allocator (bytes live), so the figure is exact for
//! this process rather than an RSS estimate. It counts over mimalloc, the allocator the `stsplay`
//! CLI uses (`src/bin/stsplay.rs`).

use mimalloc::MiMalloc;
use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use stsplay::engine::api::*;
use stsplay::engine::apiserver;
use stsplay::engine::timeline::Timeline;
use stsplay::engine::{Cluster, ClusterConfig};


struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size(), Ordering::Relaxed);
        unsafe { MiMalloc.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { MiMalloc.dealloc(p, l) }
    }
}

#[global_allocator]
static A: Counting = Counting;

fn stateful_set(name: &str, replicas: i32, image: &str) -> Object {
    let labels: StringMap = [("app".to_string(), name.to_string())].into_iter().collect();
    let mut sts = StatefulSet::default();
    sts.metadata.name = name.into();
    sts.spec.replicas = Some(replicas);
    sts.spec.service_name = name.into();
    sts.spec.selector = Some(LabelSelector { match_labels: labels.clone(), ..Default::default() });
    sts.spec.template.metadata.labels = labels.into();
    sts.spec.template.spec.containers =
        vec![Container { name: "app".into(), image: image.into(), ..Default::default() }].into();
    Object::StatefulSet(sts)
}

fn ready(c: &Cluster, name: &str) -> i32 {
    c.store
        .get(Kind::StatefulSet, "default", name)
        .and_then(|o| o.as_stateful_set().map(|s| s.status.ready_replicas))
        .unwrap_or(0)
}

/// A cluster with room for `pods` pods: nodes hold 110 pods each, as a kubelet's default
/// `maxPods`, so big StatefulSets need more than the default three nodes.
fn cluster_for(pods: i32) -> Cluster {
    let nodes = (pods as usize).div_ceil(100).max(3);
    let config = ClusterConfig { nodes: (1..=nodes).map(|i| format!("node-{i}")).collect(), ..ClusterConfig::default() };
    Cluster::new(config)
}

fn settle_replicas(n: i32) -> (f64, u64) {
    let mut c = cluster_for(n);
    let t = Instant::now();
    if let Err(e) = apiserver::create(&mut c, stateful_set("web", n, "nginx:1.27")) {
        panic!("create failed: {e}");
    }
    let r = c.settle(24 * 3_600_000, usize::MAX);
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(ready(&c, "web"), n, "settled={} blocked={:?}", r.settled, r.blocked.iter().take(3).collect::<Vec<_>>());
    (ms, c.work())
}

/// Settles `n` replicas `runs` times: the median, the range as text, and the tasks run. One run
/// on a shared machine can be twice as slow as the others; the median is the figure to quote.
fn median_settle(n: i32, runs: usize) -> (f64, String, u64) {
    let mut times = Vec::with_capacity(runs);
    let mut work = 0;
    for _ in 0..runs {
        let (ms, w) = settle_replicas(n);
        times.push(ms);
        work = w;
    }
    times.sort_by(f64::total_cmp);
    (times[runs / 2], format!("{:.1}–{:.1} ms", times[0], times[runs - 1]), work)
}

fn rolling_update(n: i32) -> f64 {
    let mut c = cluster_for(n);
    apiserver::create(&mut c, stateful_set("web", n, "nginx:1.27")).expect("create");
    c.settle(24 * 3_600_000, usize::MAX);
    let t = Instant::now();
    let Some(mut obj) = c.store.get(Kind::StatefulSet, "default", "web").map(|o| (**o).clone()) else {
        panic!("no statefulset")
    };
    if let Object::StatefulSet(s) = &mut obj {
        s.spec.template.spec.containers[0].image = "nginx:1.28".into();
    }
    apiserver::update(&mut c, obj).expect("update");
    c.settle(24 * 3_600_000, usize::MAX);
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    let s = c.store.get(Kind::StatefulSet, "default", "web").and_then(|o| o.as_stateful_set().cloned());
    let s = s.expect("statefulset");
    assert_eq!(s.status.updated_replicas, n);
    assert_eq!(s.status.current_revision, s.status.update_revision);
    ms
}

fn history_memory(pods: i32, steps: usize) -> (f64, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    let mut c = cluster_for(pods);
    apiserver::create(&mut c, stateful_set("web", pods, "nginx:1.27")).expect("create");
    let apply = |c: &mut Cluster, _: &()| {
        c.step();
    };
    let mut t: Timeline<(), ()> = Timeline::new(c);
    for _ in 0..steps {
        t.push((), apply);
    }
    let bytes = LIVE.load(Ordering::Relaxed).saturating_sub(before);
    let start = Instant::now();
    t.seek(steps / 2, apply);
    let seek_ms = start.elapsed().as_secs_f64() * 1000.0;
    drop(t);
    (seek_ms, bytes)
}

/// Median time of parsing + executing + printing one kubectl command at 1,000 pods.
fn kubectl_at(n: i32) -> Vec<(&'static str, f64)> {
    let mut c = cluster_for(n);
    apiserver::create(&mut c, stateful_set("web", n, "nginx:1.27")).expect("create");
    c.settle(24 * 3_600_000, usize::MAX);
    let ctx = stsplay::kubectl::Context::default();
    let mut out = Vec::new();
    for cmd in ["get pods", "get pods -l app=web -o wide", "get sts web", "describe sts web", "get pod web-500 -o yaml", "scale sts web --replicas=1000"] {
        let mut times: Vec<f64> = (0..9)
            .map(|_| {
                let t = Instant::now();
                let o = stsplay::kubectl::run(&mut c, cmd, &ctx);
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                assert_eq!(o.exit_code, 0, "{cmd}: {}", o.stderr);
                ms
            })
            .collect();
        times.sort_by(|a, b| a.total_cmp(b));
        out.push((cmd, times[4]));
    }
    out
}

/// The browser's per-step work without the browser: one step of the session (the engine step
/// plus the timeline's bookkeeping and checkpoints) and building the diagram's view model, during
/// a rolling update at `n` pods. Returns the median, mean and worst milliseconds per step.
///
/// The playground's default 3-node cluster holds 330 pods, so the session starts on a cluster
/// with one node per 100 replicas (as the other benchmarks), everything else as in the browser.
fn session_step(n: i32, steps: usize) -> (f64, f64, f64) {
    use stsplay::session::input::Input;
    use stsplay::session::{view, Session};
    let mut s = Session { timeline: Timeline::new(cluster_for(n)), ..Session::new() };
    s.act(Input::Apply { file: "myapp.yaml".into(), text: stsplay::session::seed::SEED_YAML.into() });
    s.act(Input::kubectl(format!("kubectl scale sts myapp --replicas={n}")));
    s.act(Input::Wait);
    s.act(Input::kubectl("kubectl set image sts/myapp myapp=nginx:1.28"));
    let mut times = Vec::new();
    for _ in 0..steps {
        let t = Instant::now();
        s.act(Input::STEP);
        let _v = view::build(s.cluster(), "default");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    times.sort_by(|a, b| a.total_cmp(b));
    (times[times.len() / 2], mean, times[times.len() - 1])
}

/// The engine's step on a settled cluster whose only work is failure loops: 1,000 Parallel
/// replicas on the default three nodes (330 fit), so 670 pods stay Pending and the scheduler
/// retries them. Each step looks ahead for the next change and must be able to roll back, so
/// it checkpoints the cluster first. Returns the median and worst milliseconds per step.
fn stuck_step(n: i32, steps: usize) -> (f64, f64) {
    let mut c = Cluster::new(ClusterConfig::default());
    let mut obj = stateful_set("web", n, "nginx:1.27");
    if let Object::StatefulSet(s) = &mut obj {
        s.spec.pod_management_policy = "Parallel".into();
    }
    apiserver::create(&mut c, obj).expect("create");
    c.settle(24 * 3_600_000, usize::MAX);
    let mut times: Vec<f64> = (0..steps)
        .map(|_| {
            let t = Instant::now();
            c.step();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    (times[times.len() / 2], times[times.len() - 1])
}

/// The browser's worst step at 1,000 pods: the playground's default 3-node cluster, the example
/// scaled to `n` with `podManagementPolicy: Parallel` (so one controller sync creates every pod
/// and claim at once), stepped until that burst. Returns the burst step's milliseconds (engine
/// step, timeline and diagram view) and the number of objects it changed, median of `runs`.
fn burst_step(n: i32, runs: usize) -> (f64, usize) {
    use stsplay::session::input::Input;
    use stsplay::session::{view, Session};
    let yaml = stsplay::session::seed::parallel(n as usize);
    let mut times = Vec::new();
    let mut changed = 0;
    for _ in 0..runs {
        let mut s = Session::new();
        s.act(Input::Apply { file: "myapp.yaml".into(), text: yaml.clone() });
        loop {
            let t = Instant::now();
            let out = s.act(Input::STEP).clone();
            let _v = view::build(s.cluster(), "default");
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if out.changes.len() > n as usize {
                times.push(ms);
                changed = out.changes.len();
                break;
            }
            assert!(!out.changes.is_empty(), "the burst never came");
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    (times[times.len() / 2], changed)
}

fn main() {
    // `cargo bench --bench engine -- NAME…` runs only the named parts
    // (settle-1k, settle-10k, rolling-1k, kubectl-1k, session-100, session-step-1k, stuck-step-1k,
    // burst-1k, history);
    // no names runs them all.
    let only: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let want = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    println!("engine benchmarks (release build, after a warm-up; settle figures are the median of several runs)");
    settle_replicas(100);
    let mut ms1k = None;
    if want("settle-1k") || want("settle-10k") {
        let (ms, range, work) = median_settle(1_000, 7);
        println!("settle 1,000 replicas (OrderedReady): {ms:.1} ms, median of 7 ({range}; {work} tasks)");
        ms1k = Some(ms);
    }
    if want("settle-10k") {
        // Five runs: the first pays for faulting in ~200 MB of fresh memory (the kernel zeroes
        // each page), which the 1,000 case's first run does for only a tenth of that; the
        // median then compares run costs, not the process's first touch of memory.
        let (ms, range, work) = median_settle(10_000, 5);
        let ratio = ms1k.map(|m| format!(", {:.1}x the 1,000 figure", ms / m)).unwrap_or_default();
        println!("settle 10,000 replicas (OrderedReady): {ms:.1} ms, median of 5 ({range}; {work} tasks){ratio}");
    }
    if want("rolling-1k") {
        println!("rolling update of 1,000 replicas: {:.1} ms", rolling_update(1_000));
    }
    if want("kubectl-1k") {
        for (cmd, ms) in kubectl_at(1_000) {
            println!("kubectl {cmd} at 1,000 pods: {ms:.2} ms");
        }
    }
    if want("session-100") {
        let (median, mean, worst) = session_step(100, 60);
        println!(
            "step + diagram view at 100 pods (rolling update): median {median:.2} ms, mean {mean:.2} ms, worst {worst:.2} ms"
        );
    }
    if want("session-step-1k") {
        let (median, mean, worst) = session_step(1_000, 600);
        println!(
            "session step + diagram view at 1,000 pods (rolling update, 600 steps): median {median:.2} ms, mean {mean:.2} ms, worst {worst:.2} ms"
        );
    }
    if want("stuck-step-1k") {
        let (median, worst) = stuck_step(1_000, 50);
        println!("engine step at 1,000 pods, 670 stuck Pending (failure loops only): median {median:.2} ms, worst {worst:.2} ms");
    }
    if want("burst-1k") {
        let (ms, changed) = burst_step(1_000, 5);
        println!("session step creating 1,000 Parallel pods at once (3 nodes; {changed} objects changed): {ms:.1} ms, median of 5");
    }
    if want("history") {
        let (seek, bytes) = history_memory(100, 10_000);
        println!(
            "history: 10,000 steps at 100 pods hold {:.1} MB; seeking to the middle takes {seek:.1} ms",
            bytes as f64 / 1e6
        );
    }
}
