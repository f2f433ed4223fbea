//! `kubectl exec` (`kubectl/pkg/cmd/exec/exec.go`): runs a command in a running container
//! through the playground's tiny shell ([`crate::kubectl::shell`]). The remote command's stdout
//! and stderr become kubectl's; a non-zero exit prints `command terminated with exit code N`
//! and kubectl exits with N.

use super::parse_flags;
use crate::engine::api::{Kind, Pod};
use crate::engine::error::ApiError;
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::{flag, FlagKind, FlagSpec};
use crate::kubectl::shell::{ProcOutput, Shell, StartError};
use crate::kubectl::Env;

/// Flags `kubectl exec` accepts.
pub const FLAGS: &[FlagSpec] = &[
    flag("container", Some('c'), FlagKind::String),
    flag("stdin", Some('i'), FlagKind::Bool),
    flag("tty", Some('t'), FlagKind::Bool),
    flag("quiet", Some('q'), FlagKind::Bool),
    flag("filename", Some('f'), FlagKind::StringArray),
    flag("pod-running-timeout", None, FlagKind::String),
];

/// The annotation that names a pod's default container for `exec` and `logs`
/// (`podcmd.DefaultContainerAnnotationName`).
pub const DEFAULT_CONTAINER_ANNOTATION: &str = "kubectl.kubernetes.io/default-container";

/// The names of a pod's ephemeral containers (kept as raw JSON).
fn ephemeral_names(p: &Pod) -> Vec<String> {
    let Some(v) = p.spec.ephemeral_containers.as_deref() else { return Vec::new() };
    v.as_array()
        .map(|a| a.iter().filter_map(|c| c.get("name").and_then(|n| n.as_str()).map(String::from)).collect())
        .unwrap_or_default()
}

/// Whether the pod has a container, init container or ephemeral container `name`
/// (`podcmd.FindContainerByName`).
pub fn has_container(p: &Pod, name: &str) -> bool {
    p.spec.containers.iter().chain(p.spec.init_containers.iter()).any(|c| c.name == name)
        || ephemeral_names(p).iter().any(|n| n == name)
}

/// `podcmd.AllContainerNames`: `app, debugger (ephem), init (init)`.
pub fn all_container_names(p: &Pod) -> String {
    let mut v: Vec<String> = p.spec.containers.iter().map(|c| c.name.clone()).collect();
    v.extend(ephemeral_names(p).into_iter().map(|n| format!("{n} (ephem)")));
    v.extend(p.spec.init_containers.iter().map(|c| format!("{} (init)", c.name)));
    v.join(", ")
}

/// The first container, announced on stderr when the pod has others to choose from (shared by
/// `podcmd.FindOrDefaultContainerByName` and `logsForObjectWithClient`).
pub fn first_container_announced(env: &mut Env, p: &Pod, quiet: bool) -> String {
    let first = p.spec.containers.first().map(|c| c.name.clone()).unwrap_or_default();
    let others = p.spec.containers.len() > 1 || !p.spec.init_containers.is_empty() || !ephemeral_names(p).is_empty();
    if !quiet && others {
        env.eprintln(&format!("Defaulted container {first:?} out of: {}", all_container_names(p)));
    }
    first
}

/// The pod and container a command runs in, checked the way `exec.go` checks them: the pod
/// exists, is not completed, the container exists and is running. Without `-c` the container
/// is `podcmd.FindOrDefaultContainerByName`'s: the one the default-container annotation names,
/// else the first (with a `Defaulted container …` note unless `quiet`).
pub fn target(env: &mut Env, pod: &str, container: Option<&str>, quiet: bool) -> CmdResult<(Pod, String)> {
    let name = pod.strip_prefix("pod/").or_else(|| pod.strip_prefix("pods/")).unwrap_or(pod);
    let Some(p) = env.cluster.store.get(Kind::Pod, &env.namespace, name).and_then(|o| o.as_pod()).cloned() else {
        return Err(CmdError::Api(ApiError::not_found(Kind::Pod, name)));
    };
    if p.status.phase == "Succeeded" || p.status.phase == "Failed" {
        return Err(CmdError::plain(format!(
            "cannot exec into a container in a completed pod; current phase is {}",
            p.status.phase
        )));
    }
    let ctr = match container {
        Some(c) => c.to_string(),
        None => match p.metadata.annotations.get(DEFAULT_CONTAINER_ANNOTATION) {
            Some(a) if !a.is_empty() && has_container(&p, a) => a.clone(),
            _ => first_container_announced(env, &p, quiet),
        },
    };
    if !has_container(&p, &ctr) {
        // The API server validates PodExecOptions.Container (kubectl does not check it):
        // `streamLocation` accepts any container, init or ephemeral one of the pod.
        return Err(CmdError::Raw(format!("Error from server (BadRequest): container {ctr} is not valid for pod {name}")));
    }
    if p.spec.node_name.is_empty() {
        // streamLocation: nowhere to connect to yet.
        return Err(CmdError::Raw(format!("Error from server (BadRequest): pod {name} does not have a host assigned")));
    }
    let running = p.status.container_statuses.iter().any(|s| s.name == ctr && s.state.running.is_some());
    if !running {
        return Err(CmdError::plain(format!("unable to upgrade connection: container not found ({ctr:?})")));
    }
    Ok((p, ctr))
}

/// Prints a finished process's output and turns a non-zero exit into kubectl's error.
pub fn finish_proc(env: &mut Env, o: ProcOutput) -> CmdResult {
    env.print(&o.stdout);
    env.eprint(&o.stderr);
    if o.code != 0 {
        env.exit_code = Some(o.code);
        return Err(CmdError::Raw(format!("command terminated with exit code {}", o.code)));
    }
    Ok(())
}

/// Runs `argv` in the container; an unknown program fails as the OCI runtime does (exit 126).
pub fn run_in(env: &mut Env, pod: &Pod, container: &str, argv: &[String]) -> CmdResult {
    let mut sh = Shell {
        cluster: env.cluster,
        namespace: pod.metadata.namespace.clone(),
        pod: pod.metadata.name.clone(),
        container: container.to_string(),
    };
    match sh.exec(argv) {
        Ok(o) => finish_proc(env, o),
        Err(StartError::NotFound(prog)) => {
            env.eprintln(&format!(
                "OCI runtime exec failed: exec failed: unable to start container process: exec: {prog:?}: executable file not found in $PATH: unknown"
            ));
            finish_proc(env, ProcOutput { code: 126, ..Default::default() })
        }
    }
}

/// `kubectl exec POD [-c CONTAINER] [-it] -- COMMAND [args...]`.
pub fn run(env: &mut Env, args: &[String]) -> CmdResult {
    let p = parse_flags(env, "exec", args, FLAGS)?;
    let dash = p.args_len_at_dash;
    let (before, argv) = match dash {
        Some(i) => (&p.args[..i], &p.args[i..]),
        None => (&p.args[..], &[][..]),
    };
    let Some(pod) = before.first() else {
        return Err(CmdError::plain("pod, type/name or --filename must be specified"));
    };
    if before.len() > 1 {
        // exec.go Complete: a cmdutil.UsageErrorf.
        return Err(super::usage_errorf(
            "exec",
            "exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead",
        ));
    }
    if argv.is_empty() {
        return Err(CmdError::plain("you must specify at least one command for the container"));
    }
    let (pod, ctr) = target(env, pod, p.string("container"), p.bool("quiet"))?;
    run_in(env, &pod, &ctr, argv)
}

#[cfg(test)]
mod tests {
    use crate::engine::api::*;
    use crate::engine::sim::Cluster;
    use crate::kubectl::testutil::*;

    fn web() -> Cluster {
        let mut c = cluster();
        let mut p = running_pod("web-0", "nginx", c.now);
        p.spec.hostname = "web-0".into();
        p.spec.subdomain = "nginx".into();
        p.metadata.uid = "uid-web-0".into();
        put(&mut c, Object::Pod(p));
        c
    }

    fn out(o: &crate::kubectl::Output) -> (&str, &str, i32) {
        (o.stdout.as_str(), o.stderr.as_str(), o.exit_code)
    }

    #[test]
    fn errors() {
        let mut c = web();
        let o = kubectl(&mut c, "exec nope -- ls");
        assert_eq!(out(&o), ("", "Error from server (NotFound): pods \"nope\" not found\n", 1));
        let o = kubectl(&mut c, "exec web-0 -- foo");
        assert_eq!(
            out(&o),
            ("", "OCI runtime exec failed: exec failed: unable to start container process: exec: \"foo\": executable file not found in $PATH: unknown\ncommand terminated with exit code 126\n", 126)
        );
        // exec.go Complete: cmdutil.UsageErrorf.
        let o = kubectl(&mut c, "exec web-0 ls");
        assert_eq!(
            o.stderr,
            "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n"
        );
        let o = kubectl(&mut c, "exec web-0 -c sidecar -- ls");
        assert_eq!(o.stderr, "Error from server (BadRequest): container sidecar is not valid for pod web-0\n");
        assert_eq!(kubectl(&mut c, "exec web-0").stderr, "error: you must specify at least one command for the container\n");
        assert_eq!(kubectl(&mut c, "exec").stderr, "error: pod, type/name or --filename must be specified\n");
        let mut p = running_pod("web-1", "nginx", c.now);
        p.status.container_statuses[0].state = ContainerState::default();
        put(&mut c, Object::Pod(p));
        let o = kubectl(&mut c, "exec web-1 -it -- ls");
        assert_eq!(out(&o), ("", "error: unable to upgrade connection: container not found (\"nginx\")\n", 1));
    }

    #[test]
    fn default_container() {
        let mut c = web();
        let mut p = running_pod("web-1", "nginx", c.now);
        let mut side = p.spec.containers[0].clone();
        side.name = "sidecar".into();
        p.spec.containers = vec![p.spec.containers[0].clone(), side].into();
        put(&mut c, Object::Pod(p.clone()));
        // podcmd.FindOrDefaultContainerByName: the first container, with a note unless -q.
        let o = kubectl(&mut c, "exec web-1 -- hostname");
        assert_eq!(o.stderr, "Defaulted container \"nginx\" out of: nginx, sidecar\n");
        assert_eq!(kubectl(&mut c, "exec -q web-1 -- hostname").stderr, "");
        // The default-container annotation chooses silently (sidecar has no status: not running).
        p.metadata.name = "web-2".into();
        p.metadata.annotations.insert("kubectl.kubernetes.io/default-container".into(), "sidecar".into());
        put(&mut c, Object::Pod(p));
        let o = kubectl(&mut c, "exec web-2 -- hostname");
        assert_eq!(o.stderr, "error: unable to upgrade connection: container not found (\"sidecar\")\n");
    }

    #[test]
    fn hostname_echo_env_and_missing_files() {
        let mut c = web();
        assert_eq!(kubectl(&mut c, "exec web-0 -- hostname").stdout, "web-0\n");
        assert_eq!(kubectl(&mut c, "exec web-0 -- hostname -f").stdout, "web-0.nginx.default.svc.cluster.local\n");
        assert_eq!(kubectl(&mut c, "exec -it web-0 -- echo a  b").stdout, "a b\n");
        let o = kubectl(&mut c, "exec web-0 -- cat /nope");
        assert_eq!(out(&o), ("", "cat: /nope: No such file or directory\ncommand terminated with exit code 1\n", 1));
        let env = kubectl(&mut c, "exec web-0 -- env").stdout;
        assert!(env.starts_with("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOSTNAME=web-0\n"), "{env}");
        assert!(env.contains("\nKUBERNETES_SERVICE_HOST=10.96.0.1\n"));
        let o = kubectl(&mut c, "exec web-0 -- sh -c 'nope; echo $(hostname)'");
        assert_eq!(out(&o), ("web-0\n", "sh: nope: not found\n", 0));
        let o = kubectl(&mut c, "exec web-0 -- sh -c 'false && echo no'");
        assert_eq!(out(&o), ("", "command terminated with exit code 1\n", 1));
    }

    #[test]
    fn nslookup_and_curl_errors() {
        let mut c = web();
        let o = kubectl(&mut c, "exec web-0 -- nslookup nope");
        assert_eq!(
            out(&o),
            ("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n** server can't find nope: NXDOMAIN\n\n", "command terminated with exit code 1\n", 1)
        );
        let o = kubectl(&mut c, "exec web-0 -- nslookup kubernetes.default");
        assert_eq!(
            o.stdout,
            "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n"
        );
        let o = kubectl(&mut c, "exec web-0 -- curl http://x/");
        assert_eq!(out(&o), ("", "curl: (6) Could not resolve host: x\ncommand terminated with exit code 6\n", 6));
        let o = kubectl(&mut c, "exec web-0 -- curl -s http://x/");
        assert_eq!(out(&o), ("", "command terminated with exit code 6\n", 6));
    }

    #[test]
    fn odd_input_never_panics() {
        let mut c = web();
        for line in [
            "exec web-0 -- sh -c",
            "exec web-0 -- sh -c '>'",
            "exec web-0 -- sh -c 'echo >'",
            "exec web-0 -- sh -c 'echo \"unterminated'",
            "exec web-0 -- sh -c '&& ; ;'",
            "exec web-0 -- sh",
            "exec web-0 -- cat ''",
            "exec web-0 -- ls ../.. /nope",
            "exec web-0 -- curl :::",
            "exec web-0 -- curl",
            "exec web-0 -- nslookup",
            "exec web-0 -- nslookup .",
            "exec web-0 -- mkdir",
            "exec web-0 -- rm -rf /",
            "exec web-0 -- rm -rf //..",
            "exec web-0 -- /bin/echo ok",
            "exec web-0 -- ''",
        ] {
            let o = kubectl(&mut c, line);
            assert!(o.exit_code >= 0, "{line}");
        }
        // A pod the kubelet really started has a container layer to write to.
        assert_eq!(kubectl(&mut c, "run bb --image=busybox -- sleep 3600").stdout, "pod/bb created\n");
        c.advance(30_000);
        let o = kubectl(&mut c, "exec bb -- sh -c 'mkdir -p /d/e && echo x >> /d/e/f; echo y >>/d/e/f; cat /d/e/f; rm -r /d; ls /d'");
        assert_eq!(out(&o), ("x\ny\n", "ls: cannot access '/d': No such file or directory\ncommand terminated with exit code 2\n", 2));
    }
}
