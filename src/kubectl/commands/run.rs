//! `kubectl run` (`kubectl/pkg/cmd/run/run.go`): creates a single pod. With `--rm -i
//! --restart=Never -- CMD…` (the usual throwaway debugging pod) it waits for the pod to run,
//! runs CMD through the playground's tiny shell ([`crate::kubectl::shell`]), prints its output,
//! then deletes the pod (`pod "NAME" deleted from default namespace`).

use super::manifests::{dry_run, send_create, DryRun, DRY_RUN_FLAG};
use super::output::{parse_change_output, print_change};
use super::parse_flags;
use crate::engine::api::{Container, Kind, Object, Pod};
use crate::engine::apiserver::{self, DeleteOptions, Propagation};
use crate::engine::sim::Cluster;
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::{flag, FlagKind, FlagSpec};
use crate::kubectl::shell::{ProcOutput, Shell, StartError};
use crate::kubectl::Env;

/// Flags `kubectl run` accepts.
pub const FLAGS: &[FlagSpec] = &[
    flag("image", None, FlagKind::String),
    flag("rm", None, FlagKind::Bool),
    flag("stdin", Some('i'), FlagKind::Bool),
    flag("tty", Some('t'), FlagKind::Bool),
    flag("restart", None, FlagKind::String),
    flag("command", None, FlagKind::Bool),
    flag("labels", Some('l'), FlagKind::String),
    flag("env", None, FlagKind::StringArray),
    flag("port", None, FlagKind::String),
    flag("quiet", Some('q'), FlagKind::Bool),
    flag("attach", None, FlagKind::Bool),
    flag("output", Some('o'), FlagKind::String),
    flag("template", None, FlagKind::String),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    DRY_RUN_FLAG,
];

/// How long (virtual time) `run -i` waits for the pod to start.
const START_TIMEOUT_MS: u64 = 60_000;

/// The pod's container has started (it may already have ended: `-- echo hi` is over at once).
fn running(c: &Cluster, ns: &str, name: &str) -> bool {
    c.store
        .get(Kind::Pod, ns, name)
        .and_then(|o| o.as_pod())
        .is_some_and(|p| p.status.container_statuses.iter().any(|s| s.state.running.is_some() || s.state.terminated.is_some() || s.last_state.terminated.is_some()))
}

/// A shell with nothing to run (`sh`, `/bin/bash -i`): it would read commands from the terminal.
fn is_interactive_shell(argv: &[String]) -> bool {
    let Some(prog) = argv.first() else { return false };
    let base = prog.rsplit('/').next().unwrap_or(prog);
    ["sh", "bash", "ash", "dash", "zsh"].contains(&base) && !argv[1..].iter().any(|a| a == "-c" || !a.starts_with('-'))
}

/// `kubectl run NAME --image=IMAGE [--rm] [-i] [--restart=Never] [-- COMMAND args…]`.
pub fn run(env: &mut Env, args: &[String]) -> CmdResult {
    let p = parse_flags(env, "run", args, FLAGS)?;
    let (before, argv) = match p.args_len_at_dash {
        Some(i) => (p.args[..i].to_vec(), p.args[i..].to_vec()),
        None => (p.args.first().cloned().into_iter().collect(), p.args.iter().skip(1).cloned().collect()),
    };
    let Some(name) = before.first().cloned() else {
        return Err(super::usage_errorf("run", "NAME is required for run"));
    };
    let Some(image) = p.string("image").filter(|i| !i.is_empty()).map(String::from) else {
        return Err(CmdError::plain("required flag(s) \"image\" not set"));
    };
    let attach = p.bool("stdin") || p.bool("attach");
    let dry = dry_run(env, &p)?;
    let format = parse_change_output(env, &p)?;
    if dry != DryRun::None && (attach || p.bool("tty")) {
        return Err(super::usage_errorf(
            "run",
            "--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)",
        ));
    }
    let rm = p.bool("rm");
    if rm && !attach {
        return Err(CmdError::plain("--rm should only be used for attached containers"));
    }
    let restart = p.string("restart").unwrap_or("Always").to_string();
    if !["Always", "OnFailure", "Never"].contains(&restart.as_str()) {
        return Err(CmdError::plain(format!("invalid restart policy: {restart}")));
    }
    let mut pod = Pod::default();
    pod.metadata.name = name.clone();
    pod.metadata.namespace = env.namespace.clone();
    pod.metadata.labels.insert("run".into(), name.clone());
    pod.spec.restart_policy = restart;
    // generateversioned.BasicPod sets the DNS policy itself (a client dry run shows it).
    pod.spec.dns_policy = "ClusterFirst".into();
    // ResourceRequirements is a Go struct: even the client-side object prints `resources: {}`.
    let mut ctr = Container { name: name.clone(), image, resources: Some(serde_json::json!({}).into()), ..Default::default() };
    if p.bool("command") {
        ctr.command = argv.clone();
    } else {
        ctr.args = argv.clone();
    }
    // generateversioned.parseEnvs: NAME=VALUE, NAME a valid variable name.
    for e in p.strings("env") {
        let valid = |n: &str| !n.is_empty() && !n.starts_with(|c: char| c.is_ascii_digit()) && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.');
        match e.split_once('=') {
            Some((n, v)) if valid(n) => ctr.env.push(crate::engine::api::EnvVar { name: n.into(), value: Some(v.into()), value_from: None }),
            _ => return Err(CmdError::plain(format!("invalid env: {e}"))),
        }
    }
    // generateversioned.BasicPod: `-i` opens the container's stdin (once, as `kubectl run`
    // does not leave it open), `-t` gives it a TTY.
    if p.bool("stdin") {
        ctr.stdin = Some(serde_json::json!(true).into());
        ctr.stdin_once = Some(serde_json::json!(true).into());
    }
    if p.bool("tty") {
        ctr.tty = Some(serde_json::json!(true).into());
    }
    let (ctr_image, ctr_spec) = (ctr.image.clone(), ctr.clone());
    pod.spec.containers = vec![ctr].into();
    if !attach {
        if dry == DryRun::Client {
            // The generated object is printed as generated: the namespace is the request's.
            pod.metadata.namespace.clear();
        }
        let stored = send_create(env, Object::Pod(pod), dry)?;
        return print_change(env, format.as_ref(), &stored, "created", dry);
    }
    apiserver::create(env.cluster, Object::Pod(pod))?;
    let ns = env.namespace.clone();
    env.cluster.flush();
    let deadline = env.cluster.now.0 + START_TIMEOUT_MS;
    while !running(env.cluster, &ns, &name) && env.cluster.now.0 < deadline {
        env.cluster.advance(500);
    }
    // What runs attached: the command given, else the image's own (busybox: `sh`).
    let process = if argv.is_empty() {
        crate::engine::kubelet::runtime::parse_image(&ctr_image).ok().and_then(|i| crate::engine::kubelet::entrypoint::argv(&i, &ctr_spec))
    } else {
        Some(argv.clone())
    };
    let out = if !running(env.cluster, &ns, &name) {
        Err(CmdError::plain(format!("timed out waiting for the condition on pods/{name}")))
    } else if process.as_deref().is_some_and(is_interactive_shell) {
        // A learner following a tutorial's `kubectl run -it … -- sh`: the playground has no
        // terminal to attach, so the shell ends at once, as if `exit` had been typed.
        env.eprint(&format!(
            "playground: interactive shells are not available, so this shell exited at once (as if you typed exit).\n\
             Give the command to run after --, e.g. kubectl run {name} --image={ctr_image} --rm -i --restart=Never -- nslookup kubernetes.default.svc.cluster.local\n"
        ));
        Ok(ProcOutput { code: 0, ..Default::default() })
    } else if argv.is_empty() {
        Ok(ProcOutput::default())
    } else {
        let mut sh = Shell { cluster: env.cluster, namespace: ns.clone(), pod: name.clone(), container: name.clone() };
        Ok(match sh.exec(&argv) {
            Ok(o) => o,
            Err(StartError::NotFound(prog)) => ProcOutput {
                stderr: format!("exec: {prog:?}: executable file not found in $PATH\n"),
                code: 128,
                ..Default::default()
            },
        })
    };
    if let Ok(o) = &out {
        env.print(&o.stdout);
        env.eprint(&o.stderr);
        // The command is the container's main process: when it returns, the container ends.
        if !argv.is_empty() || process.as_deref().is_some_and(is_interactive_shell) {
            let uid = env.cluster.store.get(Kind::Pod, &ns, &name).map(|p| p.meta().uid.clone());
            if let Some(uid) = uid {
                crate::engine::kubelet::lifecycle::main_process_exited(env.cluster, &uid, &name, o.code);
            }
        }
    }
    if rm {
        let key = Cluster::key(Kind::Pod, &ns, &name);
        let opts = DeleteOptions { propagation: Propagation::Background, grace_period_seconds: None };
        if apiserver::delete(env.cluster, &key, opts).is_ok() {
            env.println(&format!("pod \"{name}\" deleted from {ns} namespace"));
        }
    }
    let o = out?;
    if o.code != 0 {
        return Err(CmdError::plain(format!("pod {ns}/{name} terminated (Error)")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::engine::api::*;
    use crate::kubectl::testutil::*;

    #[test]
    fn an_attached_shell_with_nothing_to_run_exits_at_once_with_a_hint() {
        let mut c = cluster();
        // The tutorial's `kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm`:
        // busybox's CMD is `sh`, which would read the terminal.
        for line in [
            "run dns-test -i --tty --image busybox:1.28 --restart=Never --rm",
            "run dns-test -i --tty --image busybox:1.28 --restart=Never --rm /bin/sh",
            "run dns-test -it --image=busybox:1.28 --restart=Never --rm -- sh",
        ] {
            let o = kubectl(&mut c, line);
            assert_eq!(o.exit_code, 0, "{line}: {}", o.stderr);
            assert!(o.stderr.starts_with("playground: interactive shells are not available"), "{line}: {}", o.stderr);
            assert!(o.stderr.contains("-- nslookup kubernetes.default.svc.cluster.local\n"), "{}", o.stderr);
            assert_eq!(o.stdout, "pod \"dns-test\" deleted from default namespace\n");
        }
        // Without --rm the pod stays, its shell ended as if `exit` had been typed.
        let o = kubectl(&mut c, "run keep -i --image busybox:1.28 --restart=Never");
        assert_eq!(o.exit_code, 0, "{}", o.stderr);
        c.advance(2_000);
        let pod = c.store.get(Kind::Pod, "default", "keep").and_then(|o| o.as_pod()).cloned().expect("pod");
        assert_eq!(pod.status.phase, "Succeeded");
        // A command still runs: `sh -c` is not interactive.
        let o = kubectl(&mut c, "run t2 --image=busybox:1.28 --rm -i --restart=Never -- sh -c 'echo hi'");
        assert_eq!(o.stdout, "hi\npod \"t2\" deleted from default namespace\n");
    }

    #[test]
    fn throwaway_pod() {
        let mut c = cluster();
        // busybox 1.29+ nslookup applies no search list to a dotted name: kubernetes.default is
        // asked as is (A, then AAAA) and CoreDNS forwards it upstream (docker-library/busybox#48,
        // #61, #75: "** server can't find kubernetes.default: NXDOMAIN", exit 1).
        let o = kubectl(&mut c, "run t --image=busybox --rm -i --restart=Never -- nslookup kubernetes.default");
        let nx = "** server can't find kubernetes.default: NXDOMAIN\n\n";
        assert_eq!(
            (o.stdout.as_str(), o.stderr.as_str(), o.exit_code),
            (
                format!("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n{nx}{nx}pod \"t\" deleted from default namespace\n").as_str(),
                "error: pod default/t terminated (Error)\n",
                1
            )
        );
        // The full name is found; the AAAA reply (NODATA) adds one more empty line.
        let o = kubectl(&mut c, "run t2 --image=busybox:1.37 --rm -i --restart=Never -- nslookup kubernetes.default.svc.cluster.local");
        assert_eq!(
            (o.stdout.as_str(), o.exit_code),
            ("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n\npod \"t2\" deleted from default namespace\n", 0)
        );
        let o = kubectl(&mut c, "run u --image=busybox --rm -i --restart=Never -- cat /x");
        assert_eq!(
            (o.stdout.as_str(), o.stderr.as_str(), o.exit_code),
            ("pod \"u\" deleted from default namespace\n", "cat: /x: No such file or directory\nerror: pod default/u terminated (Error)\n", 1)
        );
        // A command that ends at once: the container may be over before kubectl looks.
        let o = kubectl(&mut c, "run e --image=busybox --rm -i --restart=Never -- echo hi");
        assert_eq!((o.stdout.as_str(), o.exit_code), ("hi\npod \"e\" deleted from default namespace\n", 0));
        assert_eq!(kubectl(&mut c, "run v").stderr, "error: required flag(s) \"image\" not set\n");
        assert_eq!(kubectl(&mut c, "run v --image=busybox --rm").stderr, "error: --rm should only be used for attached containers\n");
        assert!(c.store.get(Kind::Pod, "default", "v").is_none());
        assert_eq!(kubectl(&mut c, "run v --image=busybox").stdout, "pod/v created\n");
        assert_eq!(kubectl(&mut c, "run v --image=busybox").stderr, "Error from server (AlreadyExists): pods \"v\" already exists\n");
    }

    #[test]
    fn dry_run_prints_the_generated_pod() {
        let mut c = cluster();
        // The CKA idiom: the pod BasicPod generates, printed and not sent.
        let o = kubectl(&mut c, "run web --image=nginx --dry-run=client -o yaml");
        assert_eq!(
            o.stdout,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    run: web\n  name: web\nspec:\n  containers:\n  - image: nginx\n    name: web\n    resources: {}\n  dnsPolicy: ClusterFirst\n  restartPolicy: Always\nstatus: {}\n"
        );
        assert_eq!(kubectl(&mut c, "run web --image=nginx --dry-run=server").stdout, "pod/web created (server dry run)\n");
        assert!(c.store.get(Kind::Pod, "default", "web").is_none());
        assert_eq!(
            kubectl(&mut c, "run web --image=nginx --dry-run=client -it").stderr,
            "error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)\nSee 'kubectl run -h' for help and examples\n"
        );
        assert_eq!(kubectl(&mut c, "run web --image=nginx -o name").stdout, "pod/web\n");
        // BasicPod: -i opens stdin (once), -t adds a TTY.
        kubectl(&mut c, "run sh --image=busybox -it");
        let p = c.store.get(Kind::Pod, "default", "sh").and_then(|o| o.as_pod()).cloned().expect("pod");
        let flag = |v: &Option<Shared<serde_json::Value>>| v.as_deref().and_then(|v| v.as_bool());
        let ctr = &p.spec.containers[0];
        assert_eq!((flag(&ctr.stdin), flag(&ctr.stdin_once), flag(&ctr.tty)), (Some(true), Some(true), Some(true)));
        assert!(c.store.get(Kind::Pod, "default", "web").is_some());
    }
}
