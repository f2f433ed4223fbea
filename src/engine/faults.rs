//! Fault injection: the playground's stand-ins for what goes wrong in a real cluster, each with
//! an undo. Faults change the world the simulated components observe (a process that exits, an
//! image tag missing from its registry, a health endpoint that fails, a kubelet that vanishes);
//! the components then react exactly as they would to the real thing.
//!
//! - [`Fault::CrashContainer`]: the container's process exits with status 1 shortly after every
//!   start (Error → CrashLoopBackOff).
//! - [`Fault::MissingImage`]: an image reference does not exist in its registry. Pods that must
//!   pull it fail (ErrImagePull ↔ ImagePullBackOff); nodes that already have it keep using it.
//!   So `kubectl set image sts/web nginx=<that tag>` reproduces a bad rollout.
//! - [`Fault::FailReadiness`] / [`Fault::FailLiveness`]: the container's probe endpoint fails.
//!   Without a probe of that kind, nothing changes — the kubelet never asks. The liveness fault
//!   (the app's health endpoint fails) also fails a startup probe that has not yet succeeded:
//!   see [`kubelet::startup`].
//! - [`Fault::NodeLost`]: the node's kubelet stops (see [`super::node_lifecycle`]).
//!
//! Besides these switches, a few tags are treated as missing from every registry so tutorials
//! can show a bad image without setting a fault: see [`looks_missing`].

use super::api::Kind;
use super::kubelet::{self, runtime::parse_image};
use super::node_lifecycle;
use super::sim::Cluster;
use super::why::Verdict;

/// One fault.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    /// A container's process keeps crashing.
    CrashContainer {
        /// Pod namespace.
        namespace: String,
        /// Pod name.
        pod: String,
        /// Container name.
        container: String,
    },
    /// An image reference that does not exist in its registry (as written, e.g. `nginx:1.99`).
    MissingImage {
        /// The image reference.
        image: String,
    },
    /// A container's readiness probe fails.
    FailReadiness {
        /// Pod namespace.
        namespace: String,
        /// Pod name.
        pod: String,
        /// Container name.
        container: String,
    },
    /// A container's liveness probe fails.
    FailLiveness {
        /// Pod namespace.
        namespace: String,
        /// Pod name.
        pod: String,
        /// Container name.
        container: String,
    },
    /// A node's kubelet is gone.
    NodeLost {
        /// Node name.
        node: String,
    },
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::CrashContainer { pod, container, .. } => write!(f, "container {container} of pod {pod} crashes"),
            Fault::MissingImage { image } => write!(f, "image {image} does not exist in its registry"),
            Fault::FailReadiness { pod, container, .. } => write!(f, "readiness probe of {pod}/{container} fails"),
            Fault::FailLiveness { pod, container, .. } => write!(f, "liveness probe of {pod}/{container} fails"),
            Fault::NodeLost { node } => write!(f, "node {node} is lost (kubelet down)"),
        }
    }
}

/// Tags no registry has: tutorials use them for a deliberately bad image.
pub fn looks_missing(tag: &str) -> bool {
    const WORDS: &[&str] = &[
        "does-not-exist", "doesnotexist", "nonexistent", "non-existent", "notfound", "not-found", "nope", "broken", "bad", "invalid",
        "typo", "missing",
    ];
    let t = tag.to_ascii_lowercase();
    WORDS.iter().any(|w| t == *w)
}

/// Whether pulling this image reference fails (a [`Fault::MissingImage`] or [`looks_missing`]).
pub fn image_missing(c: &Cluster, full_ref: &str, tag: &str) -> bool {
    c.runtime.faults.broken_images.contains(full_ref) || looks_missing(tag)
}

fn pod_container(c: &Cluster, namespace: &str, pod: &str, container: Option<&str>) -> Result<(String, String), String> {
    let p = c
        .store
        .get(Kind::Pod, namespace, pod)
        .and_then(|o| o.as_pod())
        .ok_or_else(|| format!("pods \"{pod}\" not found"))?;
    let name = match container {
        Some(n) => {
            if !p.spec.containers.iter().chain(p.spec.init_containers.iter()).any(|x| x.name == n) {
                return Err(format!("container {n} is not valid for pod {pod}"));
            }
            n.to_string()
        }
        None => p.spec.containers.first().map(|x| x.name.clone()).ok_or_else(|| format!("pod {pod} has no containers"))?,
    };
    Ok((p.metadata.uid.clone(), name))
}

/// Makes a container crash (Error, then CrashLoopBackOff). `container` defaults to the first.
pub fn crash_container(c: &mut Cluster, namespace: &str, pod: &str, container: Option<&str>) -> Result<Fault, String> {
    let (_, name) = pod_container(c, namespace, pod, container)?;
    let f = Fault::CrashContainer { namespace: namespace.into(), pod: pod.into(), container: name };
    apply_fault(c, &f)?;
    Ok(f)
}

/// Marks an image reference as missing from its registry.
pub fn break_image(c: &mut Cluster, image: &str) -> Result<Fault, String> {
    let f = Fault::MissingImage { image: image.into() };
    apply_fault(c, &f)?;
    Ok(f)
}

/// Makes a container's readiness probe fail.
pub fn fail_readiness(c: &mut Cluster, namespace: &str, pod: &str, container: Option<&str>) -> Result<Fault, String> {
    let (_, name) = pod_container(c, namespace, pod, container)?;
    let f = Fault::FailReadiness { namespace: namespace.into(), pod: pod.into(), container: name };
    apply_fault(c, &f)?;
    Ok(f)
}

/// Makes a container's liveness probe fail.
pub fn fail_liveness(c: &mut Cluster, namespace: &str, pod: &str, container: Option<&str>) -> Result<Fault, String> {
    let (_, name) = pod_container(c, namespace, pod, container)?;
    let f = Fault::FailLiveness { namespace: namespace.into(), pod: pod.into(), container: name };
    apply_fault(c, &f)?;
    Ok(f)
}

/// Stops a node's kubelet.
pub fn fail_node(c: &mut Cluster, node: &str) -> Result<Fault, String> {
    let f = Fault::NodeLost { node: node.into() };
    apply_fault(c, &f)?;
    Ok(f)
}

/// Applies a fault. Returns a plain-words note on what will happen (or why nothing will).
pub fn apply_fault(c: &mut Cluster, f: &Fault) -> Result<String, String> {
    let note = match f {
        Fault::CrashContainer { namespace, pod, container } => {
            let (uid, name) = pod_container(c, namespace, pod, Some(container))?;
            c.runtime.faults.crash.insert((uid.clone(), name.clone()));
            kubelet::lifecycle::crash_now(c, &uid, &name);
            format!("{pod}/{name} will exit with status 1 after every start")
        }
        Fault::MissingImage { image } => {
            let r = parse_image(image).map_err(|e| format!("couldn't parse image reference \"{image}\": {e}"))?;
            c.runtime.faults.broken_images.insert(r.full());
            format!("pulls of {} now fail with NotFound; nodes that already have it keep running it", r.full())
        }
        Fault::FailReadiness { namespace, pod, container } | Fault::FailLiveness { namespace, pod, container } => {
            let (uid, name) = pod_container(c, namespace, pod, Some(container))?;
            let readiness = matches!(f, Fault::FailReadiness { .. });
            let probes = c
                .store
                .get(Kind::Pod, namespace, pod)
                .and_then(|o| o.as_pod())
                .and_then(|p| p.spec.containers.iter().chain(p.spec.init_containers.iter()).find(|x| x.name == name).cloned())
                .map(|x| if readiness { (x.readiness_probe.is_some(), false) } else { (x.liveness_probe.is_some(), x.startup_probe.is_some()) })
                .unwrap_or_default();
            let set = if readiness { &mut c.runtime.faults.readiness } else { &mut c.runtime.faults.liveness };
            set.insert((uid.clone(), name.clone()));
            kubelet::probes::kick(c, &uid, &name);
            let kind = if readiness { "readiness" } else { "liveness" };
            match probes {
                (true, false) => format!("{pod}/{name}'s {kind} probe now fails"),
                (true, true) => format!("{pod}/{name}'s liveness probe now fails, and so does its startup probe until the container has started"),
                (false, true) => format!("{pod}/{name}'s startup probe now fails until the container has started (it has no liveness probe)"),
                (false, false) => format!("{pod}/{name} has no {kind} probe: the kubelet never asks, so nothing changes"),
            }
        }
        Fault::NodeLost { node } => {
            node_lifecycle::fail_node(c, node)?;
            format!("the kubelet on {node} stopped; the node turns Unknown after {}s", c.config.timings.node_monitor_grace_ms / 1000)
        }
    };
    c.decide("fault", f.to_string(), Verdict::Update, "", format!("fault applied: {note}"));
    Ok(note)
}

/// Undoes a fault.
pub fn clear_fault(c: &mut Cluster, f: &Fault) -> Result<String, String> {
    let note = match f {
        Fault::CrashContainer { namespace, pod, container } => {
            let (uid, name) = pod_container(c, namespace, pod, Some(container))?;
            c.runtime.faults.crash.remove(&(uid.clone(), name.clone()));
            if !c.runtime.faults.liveness.contains(&(uid.clone(), name.clone())) {
                c.mark_progress(|t| kubelet::is_container_step(t, &uid, &name, &[kubelet::Step::Restart]));
            }
            format!("{pod}/{name} stays up from its next start")
        }
        Fault::MissingImage { image } => {
            let r = parse_image(image).map_err(|e| format!("couldn't parse image reference \"{image}\": {e}"))?;
            c.runtime.faults.broken_images.remove(&r.full());
            // Containers in pull back-off for this image: their retry will now succeed.
            let waiting = kubelet::containers_pulling(c, &r.full());
            c.mark_progress(|t| waiting.iter().any(|(uid, name)| kubelet::is_container_step(t, uid, name, &[kubelet::Step::PullBackOff, kubelet::Step::PullRetry])));
            format!("{} can be pulled again (pods in back-off retry when it ends)", r.full())
        }
        Fault::FailReadiness { namespace, pod, container } | Fault::FailLiveness { namespace, pod, container } => {
            let (uid, name) = pod_container(c, namespace, pod, Some(container))?;
            let readiness = matches!(f, Fault::FailReadiness { .. });
            let set = if readiness { &mut c.runtime.faults.readiness } else { &mut c.runtime.faults.liveness };
            set.remove(&(uid.clone(), name.clone()));
            if !readiness {
                // A startup probe looping on failures now succeeds at its next period, and a
                // container it got killed now stays up after its restart: progress to wait for.
                let crash = c.runtime.faults.crash.contains(&(uid.clone(), name.clone()));
                let steps: &[kubelet::Step] = if crash { &[kubelet::Step::Startup] } else { &[kubelet::Step::Startup, kubelet::Step::Restart] };
                c.mark_progress(|t| kubelet::is_container_step(t, &uid, &name, steps));
            }
            kubelet::probes::kick(c, &uid, &name);
            format!("{pod}/{name}'s probe succeeds again")
        }
        Fault::NodeLost { node } => {
            node_lifecycle::restore_node(c, node)?;
            format!("the kubelet on {node} is back")
        }
    };
    c.decide("fault", f.to_string(), Verdict::Update, "", format!("fault cleared: {note}"));
    Ok(note)
}

/// Faults in effect, for the UI (pod faults of pods that no longer exist are gone with them).
pub fn active_faults(c: &Cluster) -> Vec<Fault> {
    let mut out = Vec::new();
    let pod_of = |uid: &str| c.store.get_by_uid(uid).map(|o| (o.meta().namespace.clone(), o.meta().name.clone()));
    for (uid, container) in &c.runtime.faults.crash {
        if let Some((namespace, pod)) = pod_of(uid) {
            out.push(Fault::CrashContainer { namespace, pod, container: container.clone() });
        }
    }
    for image in &c.runtime.faults.broken_images {
        out.push(Fault::MissingImage { image: image.clone() });
    }
    for (uid, container) in &c.runtime.faults.readiness {
        if let Some((namespace, pod)) = pod_of(uid) {
            out.push(Fault::FailReadiness { namespace, pod, container: container.clone() });
        }
    }
    for (uid, container) in &c.runtime.faults.liveness {
        if let Some((namespace, pod)) = pod_of(uid) {
            out.push(Fault::FailLiveness { namespace, pod, container: container.clone() });
        }
    }
    for node in c.runtime.down_nodes() {
        out.push(Fault::NodeLost { node: node.clone() });
    }
    out
}
