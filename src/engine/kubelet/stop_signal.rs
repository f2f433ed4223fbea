//! How a container's main process takes the stop the kubelet asks for (`kuberuntime_container.go`
//! `killContainer` → CRI `StopContainer` with the grace period; containerd's CRI plugin
//! `StopContainer` sends the image's `STOPSIGNAL`, SIGTERM when it has none, then SIGKILL once
//! the grace period is over).
//!
//! Whether it stops at once depends on the process that is PID 1 in the container, as
//! [`super::entrypoint`] knows it: a server handles the signal and exits 0 within a moment; a
//! shell, `sleep` or `tail` sets no handler, and the kernel does not deliver a signal left at its
//! default action to a PID namespace's init, so it runs out the grace period and is killed
//! (exit code 137). A program the playground does not know keeps the assumption made by image
//! family ([`super::runtime::ImageRef::handles_sigterm`]).

use super::entrypoint::{self, MainProcess};
use super::runtime::{parse_image, ImageRef};
use super::sh;
use crate::engine::sim::Cluster;

/// How the main process takes the stop signal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stop {
    /// It exits (0) promptly; otherwise it is killed at the end of the grace period.
    pub handled: bool,
    /// Why, in plain words (for `sim why`).
    pub why: String,
}

/// The exit code and reason of a container stopped by the kubelet.
pub fn exit_of(handled: bool) -> (i32, &'static str) {
    if handled { (0, "Completed") } else { (137, "Error") }
}

/// The image's `STOPSIGNAL` (docker-library Dockerfiles: nginx `SIGQUIT`, httpd `SIGWINCH`,
/// postgres `SIGINT`), SIGTERM otherwise.
pub fn stop_signal(image: &ImageRef) -> &'static str {
    match image.short_name() {
        "nginx" => "SIGQUIT",
        "httpd" => "SIGWINCH",
        "postgres" => "SIGINT",
        _ => "SIGTERM",
    }
}

fn base(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

/// The command line that is PID 1 once the wrappers have exec'd: the docker-library
/// `docker-entrypoint.sh` scripts end with `exec "$@"` (putting the server first when given only
/// flags), httpd's `httpd-foreground` with `exec httpd -DFOREGROUND "$@"`, and a shell becomes
/// what its script `exec`s ([`sh::exec_target`]).
pub fn pid1(image: &ImageRef, argv: &[String]) -> Vec<String> {
    let mut rest = argv.to_vec();
    // Each wrapper hands over once; a few rounds cover `sh -c 'exec docker-entrypoint.sh …'`.
    for _ in 0..4 {
        let Some(first) = rest.first() else { break };
        let prog = base(first);
        if prog == "docker-entrypoint.sh" {
            rest.remove(0);
            if rest.first().is_none_or(|a| a.starts_with('-')) {
                let Some(server) = entrypoint::server_of(image) else { break };
                rest.insert(0, server.to_string());
            }
        } else if prog == "httpd-foreground" {
            rest.splice(0..1, ["httpd".to_string(), "-DFOREGROUND".to_string()]);
        } else if sh::is_shell(prog) {
            match sh::exec_target(&rest) {
                Some(next) => rest = next,
                None => break,
            }
        } else {
            break;
        }
    }
    rest
}

/// What a server does with the stop signal (its docs: nginx's `SIGQUIT` is a graceful shutdown,
/// `SIGTERM` a fast one; postgres's `SIGINT` a fast shutdown, `SIGTERM` a smart one; httpd's
/// `SIGWINCH` a graceful stop).
fn shutdown(prog: &str, sig: &str) -> Option<&'static str> {
    Some(match (prog, sig) {
        ("nginx" | "nginx-debug", "SIGQUIT") => "a graceful shutdown",
        ("nginx" | "nginx-debug", _) => "a fast shutdown",
        ("postgres", "SIGINT") => "a fast shutdown",
        ("postgres", _) => "a smart shutdown",
        ("httpd", "SIGWINCH") => "a graceful stop",
        ("httpd" | "mysqld" | "mariadbd" | "redis-server" | "mongod", _) => "a shutdown",
        _ => return None,
    })
}

/// How the process `main` (the run's main process, if known) of a container of `image` takes
/// the stop signal.
pub fn on_stop(image: &ImageRef, main: Option<&MainProcess>) -> Stop {
    let sig = stop_signal(image);
    let argv = main.map(|m| m.argv.as_slice()).unwrap_or_default();
    if argv.is_empty() {
        let handled = image.handles_sigterm();
        let then = if handled { "stop on" } else { "ignore" };
        let why = format!("its process is not known to the playground: assumed to {then} {sig}, as the {} image's processes usually do", image.short_name());
        return Stop { handled, why };
    }
    let pid1 = pid1(image, argv);
    let prog = pid1.first().map(|p| base(p)).unwrap_or("");
    let shown = entrypoint::shown(&pid1);
    if let Some(kind) = shutdown(prog, sig) {
        return Stop { handled: true, why: format!("PID 1 is `{shown}`, which takes {sig} as {kind} and exits 0") };
    }
    if sh::is_shell(prog) || matches!(prog, "sleep" | "tail" | "cat" | "echo" | "true" | "false" | "yes") {
        let why = format!(
            "PID 1 is `{shown}`, which sets no handler for {sig}; a PID 1 ignores a signal it does not handle, so it runs out the grace period and is killed with SIGKILL (exit code 137)"
        );
        return Stop { handled: false, why };
    }
    let handled = image.handles_sigterm();
    let then = if handled { "stop on" } else { "ignore" };
    Stop { handled, why: format!("PID 1 is `{shown}`, a program the playground does not know: assumed to {then} {sig}, as the {} image's processes usually do", image.short_name()) }
}

/// [`on_stop`] for a container of a pod on its node: its current run's main process and image.
pub fn of_container(c: &Cluster, uid: &str, name: &str) -> Stop {
    let Some(x) = c.runtime.pod(uid).and_then(|rt| rt.ctr(name)) else {
        return Stop { handled: true, why: String::new() };
    };
    match parse_image(&x.image) {
        Ok(image) => on_stop(&image, x.main.as_deref()),
        Err(_) => Stop { handled: true, why: String::new() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::Container;
    use crate::engine::kubelet::config_refs::Environ;

    fn stop(image: &str, command: &[&str], args: &[&str]) -> Stop {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let ctr = Container { name: "c".into(), image: image.into(), command: v(command), args: v(args), ..Default::default() };
        let img = parse_image(image).unwrap();
        let main = entrypoint::decide(&img, &ctr, &Environ::from_pairs(Vec::new()), Default::default());
        on_stop(&img, Some(&main))
    }

    #[test]
    fn servers_handle_their_stop_signal() {
        let s = stop("nginx:1.27", &[], &[]);
        assert!(s.handled);
        assert_eq!(s.why, "PID 1 is `nginx -g 'daemon off;'`, which takes SIGQUIT as a graceful shutdown and exits 0");
        assert!(stop("nginx:1.27", &["nginx", "-g", "daemon off;"], &[]).handled);
        assert!(stop("nginx:1.27", &["sh", "-c", "echo hi; exec nginx -g 'daemon off;'"], &[]).handled);
        let pg = stop("postgres:16", &[], &["-c", "fsync=off"]);
        assert!(pg.why.starts_with("PID 1 is `postgres -c fsync=off`, which takes SIGINT as a fast shutdown"), "{}", pg.why);
        assert!(stop("httpd:2.4", &[], &[]).why.contains("`httpd -DFOREGROUND`, which takes SIGWINCH as a graceful stop"));
        assert!(stop("redis:7", &[], &[]).handled);
        assert!(stop("mysql:8.4", &["mysqld"], &[]).handled);
    }

    #[test]
    fn shells_and_sleep_as_pid1_run_out_the_grace_period() {
        let s = stop("busybox:1.36", &["sleep", "3600"], &[]);
        assert!(!s.handled);
        assert!(s.why.starts_with("PID 1 is `sleep 3600`, which sets no handler for SIGTERM"), "{}", s.why);
        assert!(!stop("busybox:1.36", &["sh", "-c", "while true; do echo tick; sleep 5; done"], &[]).handled);
        // The nginx image with its command overridden: SIGQUIT reaches `sleep`, which ignores it.
        let s = stop("nginx:1.27", &["sleep", "infinity"], &[]);
        assert!(!s.handled && s.why.contains("no handler for SIGQUIT"), "{}", s.why);
        assert!(!stop("nginx:1.27", &["sh", "-c", "echo up; tail -f /dev/null"], &[]).handled);
    }

    #[test]
    fn unknown_programs_keep_the_image_family_assumption() {
        assert!(stop("example.com/app:1", &[], &[]).handled);
        assert!(stop("example.com/app:1", &["/app"], &[]).handled);
        assert!(!stop("busybox:1.36", &["/bin/myapp"], &[]).handled);
        assert!(stop("ubuntu:24.04", &["python3", "server.py"], &[]).why.contains("assumed to ignore SIGTERM"));
    }
}
