//! `kubectl logs` (`kubectl/pkg/cmd/logs/logs.go`): deterministic container logs derived from
//! the container's status. An nginx container prints its docker-entrypoint start-up lines and
//! nginx's `[notice]` lines once per start; a run that ended (a crash) also prints how it ended.
//! Any container also prints what its main process printed as the kubelet's model of it has it
//! ([`crate::engine::kubelet::entrypoint`]: `echo`s, a `while true` loop's lines, a database
//! entrypoint's error). `--previous` shows the run in `lastState.terminated`.

use super::exec::{first_container_announced, has_container, DEFAULT_CONTAINER_ANNOTATION};
use super::parse_flags;
use crate::engine::api::{ContainerStatus, Kind, LabelSelector, Object, Pod, Time};
use crate::engine::error::ApiError;
use crate::engine::kubelet::entrypoint::MainProcess;
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::{flag, FlagKind, FlagSpec};
use crate::kubectl::Env;

/// `--pod-running-timeout`'s default: how long `logs TYPE/NAME` waits for a first pod.
const POD_RUNNING_TIMEOUT_MS: u64 = 20_000;

/// Flags `kubectl logs` accepts.
pub const FLAGS: &[FlagSpec] = &[
    flag("container", Some('c'), FlagKind::String),
    flag("previous", Some('p'), FlagKind::Bool),
    flag("tail", None, FlagKind::Int),
    flag("follow", Some('f'), FlagKind::Bool),
    flag("timestamps", None, FlagKind::Bool),
    flag("all-containers", None, FlagKind::Bool),
    flag("since", None, FlagKind::String),
];

fn bad_request(msg: String) -> CmdError {
    CmdError::Raw(format!("Error from server (BadRequest): {msg}"))
}

/// nginx's log timestamp (`2025/01/01 00:00:00`).
fn nginx_time(t: Time) -> String {
    let s = t.rfc3339();
    format!("{} {}", s.get(..10).unwrap_or("").replace('-', "/"), s.get(11..19).unwrap_or(""))
}

/// The lines one run of `image` prints, started at `start`; `end` is how it ended (time, exit
/// code), if it has.
pub fn run_lines(image: &str, start: Time, end: Option<(Time, i32)>) -> Vec<String> {
    if !image.contains("nginx") {
        return Vec::new();
    }
    // nginx-slim (the StatefulSet tutorial's image, built by kubernetes/ingress-nginx
    // images/nginx-slim) runs `nginx -g 'daemon off;'` itself, with no docker-entrypoint.sh, and
    // nginx's stock configuration logs at level `error`: no notices, only an [emerg] exit.
    let slim = crate::engine::kubelet::runtime::parse_image(image).is_ok_and(|i| i.short_name() == "nginx-slim");
    let e = "/docker-entrypoint.sh";
    let t = nginx_time(start);
    let mut v: Vec<String> = Vec::new();
    if !slim {
        v.extend([
            format!("{e}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration"),
            format!("{e}: Looking for shell scripts in /docker-entrypoint.d/"),
            format!("{e}: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh"),
            "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf".into(),
            "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf".into(),
            format!("{e}: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh"),
            format!("{e}: Launching /docker-entrypoint.d/30-tune-worker-processes.sh"),
            format!("{e}: Configuration complete; ready for start up"),
        ]);
        for n in [
            "using the \"epoll\" event method",
            "built by gcc 12.2.0 (Debian 12.2.0-14)",
            "OS: Linux 6.8.0",
            "getrlimit(RLIMIT_NOFILE): 1048576:1048576",
            "start worker processes",
            "start worker process 29",
        ] {
            v.push(format!("{t} [notice] 1#1: {n}"));
        }
    }
    if let Some((at, code)) = end {
        let t = nginx_time(at);
        if code == 0 && !slim {
            v.push(format!("{t} [notice] 1#1: signal 3 (SIGQUIT) received, shutting down"));
            v.push(format!("{t} [notice] 1#1: exit"));
        } else if code != 0 {
            v.push(format!("{t} [emerg] 1#1: exiting with status {code}"));
        }
    }
    v
}

/// Most lines a `while true` loop's log shows (the playground keeps no more).
const MAX_LOOP_LINES: usize = 1000;

/// One run's lines: nginx's own when the image's server runs, then what the main process
/// printed (a forever loop's passes up to `now`).
fn lines_of(image: &str, main: Option<&MainProcess>, start: Time, end: Option<(Time, i32)>, now: Time) -> Vec<String> {
    let mut v = if main.is_none_or(|m| m.server) { run_lines(image, start, end) } else { Vec::new() };
    let Some(m) = main else { return v };
    v.extend(m.output.iter().cloned());
    if let Some((pass, period)) = m.repeat.as_ref().filter(|(p, _)| !p.is_empty()) {
        let until = end.map_or(now, |(t, _)| t);
        let passes = match until.since(start).max(0) as u64 / (*period).max(1) {
            _ if *period == 0 => MAX_LOOP_LINES,
            n => (n as usize).saturating_add(1),
        };
        let total = (passes.saturating_mul(pass.len())).min(MAX_LOOP_LINES);
        v.extend(pass.iter().cycle().take(total).cloned());
    }
    v
}

fn current_lines(image: &str, s: &ContainerStatus, pod: &str, runs: (Option<&MainProcess>, Option<&MainProcess>), now: Time) -> CmdResult<Vec<String>> {
    let end = |t: &crate::engine::api::ContainerStateTerminated| Some((t.finished_at.unwrap_or_default(), t.exit_code));
    if let Some(r) = &s.state.running {
        return Ok(lines_of(image, runs.0, r.started_at.unwrap_or_default(), None, now));
    }
    if let Some(t) = &s.state.terminated {
        // Just before a restart the kubelet has already filed this run as the previous one.
        return Ok(lines_of(image, runs.0.or(runs.1), t.started_at.unwrap_or_default(), end(t), now));
    }
    // In back-off the kubelet serves the last (terminated) instance.
    if let Some(t) = &s.last_state.terminated {
        return Ok(lines_of(image, runs.1, t.started_at.unwrap_or_default(), end(t), now));
    }
    let reason = s.state.waiting.as_ref().map(|w| w.reason.clone()).filter(|r| !r.is_empty()).unwrap_or_else(|| "ContainerCreating".into());
    // kubelet validateContainerLogStatus words the two image-pull reasons.
    let reason = match reason.as_str() {
        "ErrImagePull" => "image can't be pulled".to_string(),
        "ImagePullBackOff" => "trying and failing to pull image".to_string(),
        _ => reason,
    };
    Err(bad_request(format!("container {:?} in pod {pod:?} is waiting to start: {reason}", s.name)))
}

/// `logsUsageErrStr` (`logs.go`).
const USAGE_ERROR: &str =
    "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command";

/// `kubectl logs POD [-c CONTAINER] [--previous] [--tail N]`.
/// `logs TYPE/NAME` for a workload (`logsforobject.go`): the pods its selector matches, the best
/// one for logs first (`GetFirstPod` with `podutils.ByLogging`), with a note when there were several.
fn first_pod_of(env: &mut Env, kind_word: &str, name: &str) -> CmdResult<Pod> {
    let Some(kind) = crate::kubectl::resources::resolve_kind(kind_word) else {
        return Err(CmdError::plain(format!("the server doesn't have a resource type {kind_word:?}")));
    };
    let Some(obj) = env.cluster.store.get(kind, &env.namespace, name).cloned() else {
        return Err(CmdError::Api(ApiError::not_found(kind, name)));
    };
    // polymorphichelpers.SelectorsForObject: the kinds that select pods.
    let selector = match &*obj {
        Object::StatefulSet(s) => s.spec.selector.clone().unwrap_or_default(),
        Object::Service(s) if s.spec.selector.is_empty() => {
            return Err(CmdError::plain(format!(
                "cannot get the logs from *v1.Service: invalid service '{name}': Service is defined without a selector"
            )))
        }
        Object::Service(s) => LabelSelector { match_labels: s.spec.selector.clone(), ..Default::default() },
        Object::Generic(Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet | Kind::Job, g) => g
            .rest
            .get("spec")
            .and_then(|spec| spec.get("selector"))
            .and_then(|sel| crate::engine::api::from_value(sel.clone()).ok())
            .unwrap_or_default(),
        other => {
            let t = format!("*v1.{}", other.kind().info().kind_name);
            return Err(CmdError::plain(format!("cannot get the logs from {t}: selector for {t} not implemented")));
        }
    };
    let matching = |env: &Env| -> Vec<Pod> {
        env.cluster
            .store
            .list(Kind::Pod, Some(&env.namespace))
            .filter_map(|o| o.as_pod())
            .filter(|p| crate::engine::controllers::statefulset::utils::selector_matches(&selector, &p.metadata.labels))
            .cloned()
            .collect()
    };
    let mut pods = matching(env);
    if pods.is_empty() {
        // GetFirstPod then watches for the first matching pod for --pod-running-timeout (20s by
        // default): the simulation runs until one is created, as the cluster would meanwhile.
        env.cluster.flush();
        let deadline = env.cluster.now.plus_ms(POD_RUNNING_TIMEOUT_MS);
        while pods.is_empty() && env.cluster.next_due().is_some_and(|t| t <= deadline) {
            env.cluster.step();
            pods = matching(env);
        }
        if pods.is_empty() {
            // Nothing came: the whole timeout passed.
            let left = deadline.since(env.cluster.now).max(0) as u64;
            env.cluster.advance(left);
        }
    }
    crate::util::sort::sort_by(&mut pods, by_logging);
    let count = pods.len();
    let Some(first) = pods.into_iter().next() else {
        return Err(CmdError::plain("timed out waiting for the condition"));
    };
    if count > 1 {
        env.eprintln(&format!("Found {count} pods, using pod/{}", first.metadata.name));
    }
    Ok(first)
}

/// `podutils.ByLogging`: assigned, Running (then Unknown, then Pending), Ready, Ready the
/// longest, most restarts, oldest.
fn by_logging(a: &Pod, b: &Pod) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let phase_rank = |p: &Pod| match p.status.phase.as_str() {
        "Unknown" => 1,
        "Pending" => 2,
        _ => 0,
    };
    let ready_since = |p: &Pod| p.condition("Ready").filter(|c| c.status == "True").and_then(|c| c.last_transition_time);
    let restarts = |p: &Pod| p.status.container_statuses.iter().map(|s| s.restart_count).max().unwrap_or(0);
    let created = |p: &Pod| p.metadata.creation_timestamp;
    (a.spec.node_name.is_empty().cmp(&b.spec.node_name.is_empty()))
        .then(phase_rank(a).cmp(&phase_rank(b)))
        .then(b.is_ready().cmp(&a.is_ready()))
        .then_with(|| match (ready_since(a), ready_since(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => Ordering::Equal,
        })
        .then(restarts(b).cmp(&restarts(a)))
        .then(created(a).cmp(&created(b)))
}

pub fn run(env: &mut Env, args: &[String]) -> CmdResult {
    let p = parse_flags(env, "logs", args, FLAGS)?;
    // logs.go Complete: the argument count, then the pod; Validate; then RunLogs.
    let Some(name) = p.args.first() else {
        return Err(super::usage_errorf("logs", USAGE_ERROR));
    };
    if p.args.len() > 2 {
        return Err(super::usage_errorf("logs", USAGE_ERROR));
    }
    let pod = match name.split_once('/') {
        Some((kind, owner)) if !matches!(kind, "pod" | "pods" | "po") => first_pod_of(env, kind, owner)?,
        _ => {
            let name = name.strip_prefix("pod/").or_else(|| name.strip_prefix("pods/")).unwrap_or(name);
            let Some(pod) = env.cluster.store.get(Kind::Pod, &env.namespace, name).and_then(|o| o.as_pod()).cloned() else {
                return Err(CmdError::Api(ApiError::not_found(Kind::Pod, name)));
            };
            pod
        }
    };
    let name = pod.metadata.name.as_str();
    if p.has("container") && p.args.len() == 2 {
        return Err(CmdError::plain("only one of -c or an inline [CONTAINER] arg is allowed"));
    }
    if p.int("tail").is_some_and(|t| t < -1) {
        return Err(CmdError::plain("--tail must be greater than or equal to -1"));
    }
    // logsForObjectWithClient: the default-container annotation, else the first container.
    let ctr = match p.string("container").or(p.args.get(1).map(|s| s.as_str())) {
        Some(c) => c.to_string(),
        None => {
            let annotated = pod.metadata.annotations.get(DEFAULT_CONTAINER_ANNOTATION).filter(|a| !a.is_empty());
            match annotated {
                Some(a) if has_container(&pod, a) => a.clone(),
                Some(a) => {
                    env.eprintln(&format!("Default container name {a:?} not found in pod {name}"));
                    first_container_announced(env, &pod, false)
                }
                None => first_container_announced(env, &pod, false),
            }
        }
    };
    if !has_container(&pod, &ctr) {
        // Checked by kubectl itself, so a plain error (not the API server's BadRequest).
        return Err(CmdError::plain(format!("container {ctr} is not valid for pod {name}")));
    }
    if pod.spec.node_name.is_empty() {
        // LogLocation: a pod not yet scheduled has no log location, and the stream is empty.
        return Ok(());
    }
    let Some(spec) = pod.spec.containers.iter().chain(pod.spec.init_containers.iter()).find(|c| c.name == ctr) else {
        // An ephemeral container: the playground never starts one.
        return Err(bad_request(format!("container {ctr:?} in pod {name:?} is waiting to start: ContainerCreating")));
    };
    let status = pod.status.container_statuses.iter().chain(pod.status.init_container_statuses.iter()).find(|s| s.name == ctr);
    // The kubelet's record of this run and the previous one (what their processes printed).
    let rt = env.cluster.runtime.pod(&pod.metadata.uid).and_then(|rt| rt.ctr(&ctr));
    let runs = (rt.and_then(|x| x.main.as_deref()), rt.and_then(|x| x.last_main.as_deref()));
    let now = env.cluster.now;
    let lines = match (status, p.bool("previous")) {
        (None, _) => {
            return Err(bad_request(format!("container {ctr:?} in pod {name:?} is waiting to start: ContainerCreating")));
        }
        (Some(s), true) => match &s.last_state.terminated {
            Some(t) => lines_of(&spec.image, runs.1, t.started_at.unwrap_or_default(), Some((t.finished_at.unwrap_or_default(), t.exit_code)), now),
            None => return Err(bad_request(format!("previous terminated container {ctr:?} in pod {name:?} not found"))),
        },
        (Some(s), false) => current_lines(&spec.image, s, name, runs, now)?,
    };
    let skip = match p.int("tail") {
        Some(n) if n >= 0 => lines.len().saturating_sub(n as usize),
        _ => 0,
    };
    for l in &lines[skip..] {
        env.println(l);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::engine::api::*;
    use crate::kubectl::testutil::*;

    /// A pod of docker-library nginx, whose entrypoint script and notices fill its log.
    fn nginx_pod(name: &str, now: Time) -> Pod {
        let mut p = running_pod(name, "nginx", now);
        p.spec.containers[0].image = "nginx:1.27".into();
        p
    }

    #[test]
    fn nginx_slim_starts_without_a_line() {
        let mut c = cluster();
        let now = c.now;
        put(&mut c, Object::Pod(running_pod("web-0", "nginx", now)));
        let o = kubectl(&mut c, "logs web-0");
        assert_eq!((o.stdout.as_str(), o.stderr.as_str(), o.exit_code), ("", "", 0));
    }

    #[test]
    fn logs_per_lifecycle() {
        let mut c = cluster();
        let now = c.now;
        put(&mut c, Object::Pod(nginx_pod("web-0", now)));
        let o = kubectl(&mut c, "logs web-0 --tail 2");
        let t = super::nginx_time(now);
        assert_eq!(o.stdout, format!("{t} [notice] 1#1: start worker processes\n{t} [notice] 1#1: start worker process 29\n"));
        let o = kubectl(&mut c, "logs web-0");
        assert_eq!(o.stdout.lines().count(), 14);
        assert!(o.stdout.starts_with("/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n"));
        let o = kubectl(&mut c, "logs web-0 --previous");
        assert_eq!(o.stderr, "Error from server (BadRequest): previous terminated container \"nginx\" in pod \"web-0\" not found\n");
        let o = kubectl(&mut c, "logs nope");
        assert_eq!(o.stderr, "Error from server (NotFound): pods \"nope\" not found\n");
        // logsForObjectWithClient checks the container itself.
        let o = kubectl(&mut c, "logs web-0 -c x");
        assert_eq!(o.stderr, "error: container x is not valid for pod web-0\n");

        let mut p = running_pod("web-1", "nginx", now);
        p.status.container_statuses[0].state =
            ContainerState { waiting: Some(ContainerStateWaiting { reason: "ContainerCreating".into(), ..Default::default() }), ..Default::default() };
        put(&mut c, Object::Pod(p.clone()));
        let o = kubectl(&mut c, "logs web-1");
        assert_eq!(
            (o.stderr.as_str(), o.exit_code),
            ("Error from server (BadRequest): container \"nginx\" in pod \"web-1\" is waiting to start: ContainerCreating\n", 1)
        );
        // A crashed run, now in back-off: both plain and --previous show the last run.
        p.metadata.name = "web-2".into();
        p.status.container_statuses[0].state.waiting = Some(ContainerStateWaiting { reason: "CrashLoopBackOff".into(), ..Default::default() });
        p.status.container_statuses[0].last_state = ContainerState {
            terminated: Some(ContainerStateTerminated { exit_code: 1, reason: "Error".into(), started_at: Some(now), finished_at: Some(now), ..Default::default() }),
            ..Default::default()
        };
        put(&mut c, Object::Pod(p));
        let want = format!("{t} [emerg] 1#1: exiting with status 1\n");
        assert_eq!(kubectl(&mut c, "logs web-2 --previous --tail=1").stdout, want);
        assert_eq!(kubectl(&mut c, "logs web-2 --tail=1").stdout, want);
    }

    #[test]
    fn logs_show_what_the_main_process_printed() {
        let mut c = cluster();
        // docker-library/postgres docker-entrypoint.sh docker_verify_minimum_env.
        assert_eq!(kubectl(&mut c, "run pg --image=postgres:16").stdout, "pod/pg created\n");
        c.settle_default();
        let err = "Error: Database is uninitialized and superuser password is not specified.\n";
        let o = kubectl(&mut c, "logs pg");
        assert!(o.stdout.starts_with(err) && o.stdout.lines().count() == 9, "{}", o.stdout);
        assert!(kubectl(&mut c, "logs pg --previous").stderr.contains("previous terminated container \"pg\" in pod \"pg\" not found"));
        c.advance(30_000);
        assert!(kubectl(&mut c, "logs pg --previous").stdout.starts_with(err));
        assert!(kubectl(&mut c, "logs pg").stdout.starts_with(err));
        // With the password it runs, and logs nothing of the error.
        kubectl(&mut c, "run pg2 --image=postgres:16 --env=POSTGRES_PASSWORD=s3cret");
        c.settle_default();
        assert_eq!(kubectl(&mut c, "logs pg2").stdout, "");
        assert_eq!(kubectl(&mut c, "run x --image=busybox --env=1A=b").stderr, "error: invalid env: 1A=b\n");
        // A command's echo, and a loop's lines pass after pass.
        kubectl(&mut c, "run hello --image=busybox --restart=Never -- sh -c 'echo hello; echo world'");
        kubectl(&mut c, "run tick --image=busybox -- sh -c 'echo start; while true; do echo tick; sleep 10; done'");
        c.settle_default();
        assert_eq!(kubectl(&mut c, "logs hello").stdout, "hello\nworld\n");
        let started = c.store.get(Kind::Pod, "default", "tick").and_then(|o| o.as_pod()).and_then(|p| p.status.container_statuses[0].state.running.clone()).and_then(|r| r.started_at).expect("running");
        c.advance(25_000 - c.now.since(started) as u64);
        assert_eq!(kubectl(&mut c, "logs tick").stdout, "start\ntick\ntick\ntick\n");
        // An nginx image told to run something else prints no nginx start-up lines.
        kubectl(&mut c, "run other --image=nginx --restart=Never --command -- echo hi");
        c.settle_default();
        assert_eq!(kubectl(&mut c, "logs other").stdout, "hi\n");
    }

    #[test]
    fn argument_checks_and_default_container() {
        let mut c = cluster();
        let now = c.now;
        put(&mut c, Object::Pod(nginx_pod("web-0", now)));
        // logs.go logsUsageErrStr.
        let o = kubectl(&mut c, "logs");
        assert_eq!(
            o.stderr,
            "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n"
        );
        // logs.go Validate.
        let o = kubectl(&mut c, "logs web-0 nginx -c nginx");
        assert_eq!(o.stderr, "error: only one of -c or an inline [CONTAINER] arg is allowed\n");
        let o = kubectl(&mut c, "logs web-0 --tail=-2");
        assert_eq!(o.stderr, "error: --tail must be greater than or equal to -1\n");
        assert_eq!(kubectl(&mut c, "logs web-0 --tail=-1").stdout.lines().count(), 14);

        // logsForObjectWithClient: the first container, announced when there are others.
        let mut p = nginx_pod("web-1", now);
        let mut side = p.spec.containers[0].clone();
        side.name = "sidecar".into();
        side.image = "busybox".into();
        let mut init = side.clone();
        init.name = "setup".into();
        p.spec.containers = vec![p.spec.containers[0].clone(), side].into();
        p.spec.init_containers = vec![init];
        put(&mut c, Object::Pod(p.clone()));
        let o = kubectl(&mut c, "logs web-1 --tail=1");
        assert_eq!(o.stderr, "Defaulted container \"nginx\" out of: nginx, sidecar, setup (init)\n");
        assert_eq!(o.stdout.lines().count(), 1);
        // The default-container annotation picks one without a word; a wrong one is reported.
        p.metadata.name = "web-2".into();
        p.metadata.annotations.insert("kubectl.kubernetes.io/default-container".into(), "sidecar".into());
        put(&mut c, Object::Pod(p.clone()));
        let o = kubectl(&mut c, "logs web-2");
        assert_eq!(o.stderr, "Error from server (BadRequest): container \"sidecar\" in pod \"web-2\" is waiting to start: ContainerCreating\n");
        p.metadata.name = "web-3".into();
        p.metadata.annotations.insert("kubectl.kubernetes.io/default-container".into(), "gone".into());
        put(&mut c, Object::Pod(p));
        let o = kubectl(&mut c, "logs web-3 --tail=0");
        assert_eq!(
            o.stderr,
            "Default container name \"gone\" not found in pod web-3\nDefaulted container \"nginx\" out of: nginx, sidecar, setup (init)\n"
        );
    }

    #[test]
    fn waiting_reasons_and_unscheduled_pods() {
        let mut c = cluster();
        let now = c.now;
        // kubelet validateContainerLogStatus.
        for (i, (reason, says)) in [
            ("ErrImagePull", "image can't be pulled"),
            ("ImagePullBackOff", "trying and failing to pull image"),
            ("PodInitializing", "PodInitializing"),
        ]
        .into_iter()
        .enumerate()
        {
            let mut p = running_pod(&format!("web-{i}"), "nginx", now);
            p.status.container_statuses[0].state =
                ContainerState { waiting: Some(ContainerStateWaiting { reason: reason.into(), ..Default::default() }), ..Default::default() };
            put(&mut c, Object::Pod(p));
            let o = kubectl(&mut c, &format!("logs web-{i}"));
            assert_eq!(o.stderr, format!("Error from server (BadRequest): container \"nginx\" in pod \"web-{i}\" is waiting to start: {says}\n"));
        }
        // LogLocation: no node yet, so nothing to read.
        let mut p = running_pod("pending", "nginx", now);
        p.spec.node_name.clear();
        p.status = PodStatus { phase: "Pending".into(), ..Default::default() };
        put(&mut c, Object::Pod(p));
        let o = kubectl(&mut c, "logs pending");
        assert_eq!((o.stdout.as_str(), o.stderr.as_str(), o.exit_code), ("", "", 0));
        // streamLocation refuses an exec there.
        let o = kubectl(&mut c, "exec pending -- ls");
        assert_eq!(o.stderr, "Error from server (BadRequest): pod pending does not have a host assigned\n");
    }

    #[test]
    fn logs_of_a_workload_pick_a_pod_as_by_logging_does() {
        let mut c = cluster();
        let mut set = sts("web", 3);
        set.spec.template.spec.containers[0].image = "nginx:1.27".into();
        crate::engine::apiserver::create(&mut c, Object::StatefulSet(set)).expect("created");
        c.settle_default();
        // logsforobject.go: GetFirstPod sorted ByLogging: web-0 has been Ready the longest.
        let o = kubectl(&mut c, "logs sts/web --tail 1");
        assert_eq!(o.stderr, "Found 3 pods, using pod/web-0\n");
        assert_eq!(o.stdout.lines().count(), 1, "{}", o.stdout);
        let o = kubectl(&mut c, "logs statefulset/nope");
        assert_eq!(o.stderr, "Error from server (NotFound): statefulsets.apps \"nope\" not found\n");
        let o = kubectl(&mut c, "logs sts/web -c nginx --tail 0");
        assert_eq!((o.stdout.as_str(), o.exit_code), ("", 0));
        let o = kubectl(&mut c, "logs configmap/kube-root-ca.crt");
        assert_eq!(o.stderr, "error: cannot get the logs from *v1.ConfigMap: selector for *v1.ConfigMap not implemented\n");
        // An unready pod sorts after ready ones.
        let mut p = c.store.get(Kind::Pod, "default", "web-0").and_then(|o| o.as_pod()).cloned().expect("web-0");
        p.status.conditions.iter_mut().filter(|c| c.type_ == "Ready").for_each(|c| c.status = "False".into());
        crate::engine::apiserver::update_status(&mut c, Object::Pod(p)).expect("status");
        assert_eq!(kubectl(&mut c, "logs sts/web --tail 0").stderr, "Found 3 pods, using pod/web-1\n");
    }

    #[test]
    fn logs_of_a_workload_wait_for_its_first_pod() {
        // GetFirstPod watches up to --pod-running-timeout (20s) for a pod: right after the set
        // is created, the simulation runs until the controller has made one. It is not
        // scheduled yet, so its log is empty (LogLocation: no host).
        let mut c = cluster();
        crate::engine::apiserver::create(&mut c, Object::StatefulSet(sts("web", 1))).expect("created");
        let start = c.now;
        let o = kubectl(&mut c, "logs sts/web");
        assert_eq!((o.stdout.as_str(), o.stderr.as_str(), o.exit_code), ("", "", 0));
        assert!(c.store.get(Kind::Pod, "default", "web-0").is_some());
        assert!(c.now.since(start) < 1_000, "{} ms", c.now.since(start));
        // No pod ever comes: the whole timeout passes.
        crate::engine::apiserver::create(&mut c, Object::StatefulSet(sts("none", 0))).expect("created");
        c.settle_default();
        let before = c.now;
        assert_eq!(kubectl(&mut c, "logs sts/none").stderr, "error: timed out waiting for the condition\n");
        assert_eq!(c.now.since(before), 20_000);
    }
}
