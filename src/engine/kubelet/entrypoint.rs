//! The container's main process as the image and the pod spec define it: the image's
//! `ENTRYPOINT`/`CMD` for the images the playground knows, replaced by the container's
//! `command`/`args` as Kubernetes does (`kuberuntime_container.go` `generateContainerConfig` →
//! `kubecontainer.ExpandContainerCommandAndArgs`; "Define a Command and Arguments for a
//! Container": `command` replaces ENTRYPOINT and drops CMD, `args` alone replace CMD), run with
//! the container's environment and stdin.
//!
//! From that it decides whether the process runs until stopped or exits (after how long, with
//! which code, printing what): a shell with no stdin ends at once, `sleep 10` ends after ten
//! seconds, postgres/mysql/mariadb's `docker-entrypoint.sh` refuses to initialize a database
//! without a password. An image it does not know runs a long-lived server, as before.

use super::config_refs::Environ;
use super::runtime::ImageRef;
use super::sh::{self, Outcome};
use crate::engine::api::{Container, Time};
use serde_json::Value;

/// The container's main process for one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MainProcess {
    /// The command line the runtime starts (ENTRYPOINT and CMD as overridden), empty when the
    /// image is unknown.
    pub argv: Vec<String>,
    /// The image's own server runs (nginx prints its start-up lines).
    pub server: bool,
    /// Lines printed (stdout and stderr) before it blocks or exits.
    pub output: Vec<String>,
    /// How it ends.
    pub end: Outcome,
    /// A forever loop's lines per pass and the pass's duration (ms).
    pub repeat: Option<(Vec<String>, u64)>,
    /// Why, in plain words (for `sim why`).
    pub why: String,
}

impl MainProcess {
    /// The exit this run ends with, if it ends by itself.
    pub fn exit(&self) -> Option<(u64, i32)> {
        match self.end {
            Outcome::Exits { after_ms, code } => Some((after_ms, code)),
            _ => None,
        }
    }
}

/// An image's `ENTRYPOINT` and `CMD` (from its Dockerfile) and the server program it runs.
struct ImageConfig {
    entrypoint: &'static [&'static str],
    cmd: &'static [&'static str],
    server: &'static [&'static str],
}

/// The images the playground knows (docker-library Dockerfiles; nginx-slim is
/// kubernetes/test-infra's image with nginx's CMD), as one table (data, not a `match` of
/// constructors, which costs the page more code).
const IMAGES: &[(&str, ImageConfig)] = {
    const fn c(entrypoint: &'static [&'static str], cmd: &'static [&'static str], server: &'static [&'static str]) -> ImageConfig {
        ImageConfig { entrypoint, cmd, server }
    }
    const DAEMON_OFF: &[&str] = &["nginx", "-g", "daemon off;"];
    const ENTRYPOINT: &[&str] = &["docker-entrypoint.sh"];
    &[
        ("nginx", c(&["/docker-entrypoint.sh"], DAEMON_OFF, &["nginx", "nginx-debug"])),
        ("nginx-slim", c(&[], DAEMON_OFF, &["nginx"])),
        ("httpd", c(&[], &["httpd-foreground"], &["httpd-foreground", "httpd"])),
        ("busybox", c(&[], &["sh"], &[])),
        ("alpine", c(&[], &["/bin/sh"], &[])),
        ("debian", c(&[], &["bash"], &[])),
        ("ubuntu", c(&[], &["/bin/bash"], &[])),
        ("centos", c(&[], &["/bin/bash"], &[])),
        ("fedora", c(&[], &["/bin/bash"], &[])),
        ("rockylinux", c(&[], &["/bin/bash"], &[])),
        ("almalinux", c(&[], &["/bin/bash"], &[])),
        ("postgres", c(ENTRYPOINT, &["postgres"], &["postgres"])),
        ("mysql", c(ENTRYPOINT, &["mysqld"], &["mysqld"])),
        ("mariadb", c(ENTRYPOINT, &["mariadbd"], &["mariadbd", "mysqld"])),
        ("redis", c(ENTRYPOINT, &["redis-server"], &["redis-server"])),
        ("mongo", c(ENTRYPOINT, &["mongod"], &["mongod"])),
    ]
};

fn image_config(image: &ImageRef) -> Option<&'static ImageConfig> {
    let name = image.short_name();
    IMAGES.iter().find(|(n, _)| *n == name).map(|(_, c)| c)
}

/// The server program an image's `docker-entrypoint.sh` puts first when given only flags.
pub fn server_of(image: &ImageRef) -> Option<&'static str> {
    image_config(image).and_then(|c| c.server.first().copied())
}

fn to_vec(s: &[&str]) -> Vec<String> {
    s.iter().map(|x| x.to_string()).collect()
}

/// The command line a container runs: `command` replaces the image's ENTRYPOINT (and its CMD
/// goes), `args` replace CMD. None when it depends on an image the playground does not know.
pub fn argv(image: &ImageRef, ctr: &Container) -> Option<Vec<String>> {
    if !ctr.command.is_empty() {
        return Some(ctr.command.iter().chain(ctr.args.iter()).cloned().collect());
    }
    let cfg = image_config(image)?;
    let mut v = to_vec(cfg.entrypoint);
    if ctr.args.is_empty() {
        v.extend(to_vec(cfg.cmd));
    } else {
        v.extend(ctr.args.iter().cloned());
    }
    Some(v)
}

/// `a b 'c d'`: a command line as a reader would type it.
pub fn shown(argv: &[String]) -> String {
    let q = |a: &String| if a.is_empty() || a.contains([' ', '\'', '"', ';', '$', '\n']) { format!("'{}'", a.replace('\n', " ")) } else { a.clone() };
    argv.iter().map(q).collect::<Vec<_>>().join(" ")
}

fn flag(v: &Option<crate::engine::api::Shared<Value>>) -> bool {
    v.as_deref().and_then(Value::as_bool) == Some(true)
}

/// `expansion.Expand` with `MappingFuncFor` the container's environment
/// (third_party/forked/golang/expansion): `$(NAME)` becomes NAME's value, `$$` a `$`; an unknown
/// name (or one whose value the playground does not know) stays as written.
pub fn expand(s: &str, env: &Environ) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if after.is_empty() {
            out.push('$');
            rest = after;
        } else if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some((name, tail)) = after.strip_prefix('(').and_then(|a| a.split_once(')')) {
            match env.value(name) {
                Some(v) => out.push_str(&v),
                None => out.push_str(&format!("$({name})")),
            }
            rest = tail;
        } else {
            // `$(` with no closer, or `$x`: kept, and scanning resumes after the `$`.
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Decides what the container's main process does. `env` is its environment, `start` when the
/// run starts (for the timestamps entrypoint scripts print).
pub fn decide(image: &ImageRef, ctr: &Container, env: &Environ, start: Time) -> MainProcess {
    // The kubelet expands `$(VAR)` in command and args before the runtime sees them.
    let expanded;
    let ctr = if ctr.command.iter().chain(ctr.args.iter()).any(|a| a.contains('$')) {
        let mut c = ctr.clone();
        c.command = c.command.iter().map(|a| expand(a, env)).collect();
        c.args = c.args.iter().map(|a| expand(a, env)).collect();
        expanded = c;
        &expanded
    } else {
        ctr
    };
    let name = image.short_name().to_string();
    let Some(argv) = argv(image, ctr) else {
        let why = format!("image {name} is not one the playground knows: its process is assumed to be a long-running server");
        return MainProcess { argv: Vec::new(), server: true, output: Vec::new(), end: Outcome::Unknown, repeat: None, why };
    };
    let source = if !ctr.command.is_empty() {
        "its command".to_string()
    } else if !ctr.args.is_empty() {
        format!("{name}'s entrypoint with its args")
    } else {
        format!("{name}'s default command")
    };
    let mut rest: &[String] = &argv;
    let mut output = Vec::new();
    // The docker-library entrypoint scripts: flags go to the server, the server's database
    // needs its settings, then `exec "$@"`.
    let cfg = image_config(image);
    // (A `command` that names the script itself runs it too.)
    let via_script = rest.first().is_some_and(|a| a.ends_with("docker-entrypoint.sh"));
    let mut server_argv;
    if let (true, Some(cfg)) = (via_script, &cfg) {
        rest = &rest[1..];
        if rest.first().is_none_or(|a| a.starts_with('-')) {
            server_argv = vec![cfg.server.first().copied().unwrap_or_default().to_string()];
            server_argv.extend(rest.iter().cloned());
            rest = &server_argv;
        }
        let wants_help = rest.iter().any(|a| matches!(a.as_str(), "-?" | "--help" | "--describe-config" | "-V" | "--version" | "--print-defaults"));
        if !wants_help {
            let root = !runs_as_non_root(ctr);
            let refused = match (name.as_str(), rest[0].as_str()) {
                ("postgres", "postgres") => super::db_entrypoints::postgres(env),
                ("mysql", "mysqld") => super::db_entrypoints::mysql(image, env, start, root),
                ("mariadb", "mariadbd" | "mysqld") => super::db_entrypoints::mariadb(image, env, start, root),
                _ => Ok(Vec::new()),
            };
            match refused {
                Ok(lines) => output = lines,
                Err(lines) => {
                    let why = format!("{name}'s entrypoint (docker-entrypoint.sh) refuses to initialize the database: {}", first_error(&lines));
                    return MainProcess { argv, server: false, output: lines, end: Outcome::Exits { after_ms: 0, code: 1 }, repeat: None, why };
                }
            }
        }
    }
    let program = rest.first().map(|p| p.rsplit('/').next().unwrap_or(p)).unwrap_or("");
    if cfg.as_ref().is_some_and(|c| c.server.contains(&program)) {
        let why = format!("{source} `{}` runs {name}'s server until it is stopped", shown(&argv));
        return MainProcess { argv, server: true, output, end: Outcome::Forever, repeat: None, why };
    }
    let stdin = flag(&ctr.stdin);
    let lookup = |k: &str| env.value(k);
    let run = sh::program(rest, stdin, &lookup);
    output.extend(run.output);
    let cmd = format!("{source} `{}`", shown(&argv));
    let why = match &run.outcome {
        Outcome::Exits { after_ms: 0, .. } if sh::is_shell(program) && rest.len() == 1 => {
            format!("{cmd} is a shell with no stdin (stdin is not set): it reads end-of-file and ends at once")
        }
        Outcome::Exits { after_ms: 0, .. } => format!("{cmd} ends at once"),
        Outcome::Exits { after_ms, .. } => format!("{cmd} ends after {}", super::runtime::go_duration(*after_ms)),
        Outcome::Forever if sh::is_shell(program) && rest.len() == 1 => format!("{cmd} is a shell waiting on its stdin (stdin: true)"),
        Outcome::Forever => format!("{cmd} runs until it is stopped"),
        Outcome::Unknown => format!("{cmd} is not interpreted by the playground: it is assumed to keep running"),
    };
    // A script the playground does not follow on a server image may well end by starting the
    // server (`… && exec nginx -g 'daemon off;'`): its start-up lines stay.
    let server = run.outcome == Outcome::Unknown && cfg.is_some_and(|c| !c.server.is_empty());
    MainProcess { argv, server, output, end: run.outcome, repeat: run.repeat, why }
}

/// [`decide`] for a container of a pod, with its environment resolved from the cluster.
pub fn for_container(c: &crate::engine::sim::Cluster, pod: &crate::engine::api::Pod, ctr: &Container, start: Time) -> MainProcess {
    match super::runtime::parse_image(&ctr.image) {
        Ok(image) => {
            // The environment is read only by `$` expansion (command, args, scripts) and the
            // database entrypoints: every other start, most of them, skips building it.
            let reads_env = ctr.command.iter().chain(&ctr.args).any(|a| a.contains('$'))
                || matches!(image.short_name(), "postgres" | "mysql" | "mariadb");
            let env = if reads_env { super::config_refs::environment(c, pod, ctr) } else { super::config_refs::Environ::default() };
            decide(&image, ctr, &env, start)
        }
        Err(_) => MainProcess { argv: Vec::new(), server: true, output: Vec::new(), end: Outcome::Unknown, repeat: None, why: String::new() },
    }
}

/// The kubelet's reason when a run's main process has ended: what ended and what happens next
/// (`kuberuntime_manager.go` computePodActions / `ShouldContainerBeRestarted`: Always restarts
/// any exit, OnFailure a non-zero one, Never none; a sidecar always restarts; an init container
/// that succeeded is done).
pub fn exit_reason(name: &str, code: i32, why: &str, policy: &str, init: bool, sidecar: bool) -> String {
    let policy = if policy.is_empty() { "Always" } else { policy };
    let then = if init && !sidecar && code == 0 {
        "the next init container (or the app containers) can start".to_string()
    } else if sidecar || policy == "Always" || (policy == "OnFailure" && code != 0) {
        let p = if sidecar { "a sidecar's restartPolicy Always".to_string() } else { format!("restartPolicy {policy}") };
        format!("{p} restarts it, with a doubling back-off while it keeps exiting (CrashLoopBackOff)")
    } else {
        format!("restartPolicy {policy} leaves it terminated")
    };
    format!("container {name} exited {code}: {why}; {then}")
}

fn first_error(lines: &[String]) -> String {
    let l = lines.iter().find(|l| l.to_ascii_lowercase().contains("error")).or(lines.last()).cloned().unwrap_or_default();
    // mysql's lines start with a timestamp and a tag.
    let l = l.split("]: ").last().unwrap_or(&l).trim();
    l.trim_start_matches("Error: ").trim_end_matches('.').to_string()
}

/// `securityContext.runAsUser` set to a non-root user: the entrypoint does not switch users.
fn runs_as_non_root(ctr: &Container) -> bool {
    ctr.security_context.as_deref().and_then(|s| s.get("runAsUser")).and_then(Value::as_i64).is_some_and(|u| u != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::kubelet::runtime::parse_image;

    fn ctr(image: &str, command: &[&str], args: &[&str]) -> Container {
        Container { name: "c".into(), image: image.into(), command: to_vec(command), args: to_vec(args), ..Default::default() }
    }

    fn run(c: &Container, env: &[(&str, &str)]) -> MainProcess {
        let env = Environ::from_pairs(env.iter().map(|(k, v)| (k.to_string(), Some(v.to_string()))).collect());
        decide(&parse_image(&c.image).unwrap(), c, &env, Time::default())
    }

    #[test]
    fn command_and_args_replace_entrypoint_and_cmd() {
        let img = |s: &str| parse_image(s).unwrap();
        let argv_of = |i: &str, c: &[&str], a: &[&str]| argv(&img(i), &ctr(i, c, a)).map(|v| v.join(" "));
        // define-command-argument-container: the four cases.
        assert_eq!(argv_of("postgres:16", &[], &[]).as_deref(), Some("docker-entrypoint.sh postgres"));
        assert_eq!(argv_of("postgres:16", &["sleep"], &[]).as_deref(), Some("sleep"));
        assert_eq!(argv_of("postgres:16", &[], &["-c", "fsync=off"]).as_deref(), Some("docker-entrypoint.sh -c fsync=off"));
        assert_eq!(argv_of("postgres:16", &["sh", "-c"], &["echo hi"]).as_deref(), Some("sh -c echo hi"));
        assert_eq!(argv_of("busybox:1.36", &[], &[]).as_deref(), Some("sh"));
        assert_eq!(argv_of("nginx:1.27", &[], &[]).as_deref(), Some("/docker-entrypoint.sh nginx -g daemon off;"));
        assert_eq!(argv_of("registry.k8s.io/nginx-slim:0.27", &[], &[]).as_deref(), Some("nginx -g daemon off;"));
        assert_eq!(argv_of("example.com/app:1", &[], &["--port=80"]), None);
        assert_eq!(argv_of("example.com/app:1", &["/app"], &[]).as_deref(), Some("/app"));
    }

    #[test]
    fn dollar_parens_expand_from_the_environment() {
        let env = Environ::from_pairs(vec![("MSG".into(), Some("hi".into())), ("SECRET".into(), None)]);
        assert_eq!(expand("echo $(MSG) $$(MSG) $$ $(NOPE) $(SECRET) $(open $HOME $", &env), "echo hi $(MSG) $ $(NOPE) $(SECRET) $(open $HOME $");
        let m = run(&ctr("busybox", &["sh", "-c", "echo $(GREETING)"], &[]), &[("GREETING", "hello")]);
        assert_eq!(m.output, vec!["hello".to_string()]);
    }

    #[test]
    fn base_images_end_at_once_without_stdin() {
        for image in ["busybox", "alpine:3.20", "ubuntu:24.04", "debian:12"] {
            let m = run(&ctr(image, &[], &[]), &[]);
            assert_eq!(m.end, Outcome::Exits { after_ms: 0, code: 0 }, "{image}");
            assert!(m.why.contains("shell with no stdin"), "{}", m.why);
        }
        let mut c = ctr("busybox", &[], &[]);
        c.stdin = Some(serde_json::json!(true).into());
        assert_eq!(run(&c, &[]).end, Outcome::Forever);
        let m = run(&ctr("busybox", &["sh", "-c", "echo hello"], &[]), &[]);
        assert_eq!((m.output, m.end), (vec!["hello".to_string()], Outcome::Exits { after_ms: 0, code: 0 }));
        assert_eq!(run(&ctr("busybox", &["sleep", "3600"], &[]), &[]).exit(), Some((3_600_000, 0)));
        assert_eq!(run(&ctr("busybox", &[], &["sleep", "5"]), &[]).exit(), Some((5_000, 0)));
        assert_eq!(run(&ctr("busybox", &["sh", "-c", "exit 2"], &[]), &[]).exit(), Some((0, 2)));
    }

    #[test]
    fn servers_and_unknown_images_keep_running() {
        for image in ["nginx:1.27", "registry.k8s.io/nginx-slim:0.27", "httpd:2.4", "redis:7", "mongo:7", "example.com/app:1"] {
            let m = run(&ctr(image, &[], &[]), &[]);
            assert!(m.exit().is_none() && m.server, "{image}: {m:?}");
        }
        // An override on a server image runs what it says.
        let m = run(&ctr("nginx:1.27", &["sh", "-c", "echo hi"], &[]), &[]);
        assert!(!m.server && m.exit().is_some());
    }

    #[test]
    fn database_entrypoints_need_a_password() {
        let m = run(&ctr("postgres:16", &[], &[]), &[]);
        assert_eq!(m.exit(), Some((0, 1)));
        assert_eq!(m.output[0], "Error: Database is uninitialized and superuser password is not specified.");
        assert!(m.why.contains("superuser password is not specified"), "{}", m.why);
        assert!(run(&ctr("postgres:16", &[], &[]), &[("POSTGRES_PASSWORD", "s3cret")]).exit().is_none());
        assert!(run(&ctr("postgres:16", &[], &[]), &[("POSTGRES_PASSWORD_FILE", "/run/secrets/pw")]).exit().is_none());
        assert!(run(&ctr("postgres:16", &[], &[]), &[("POSTGRES_PASSWORD", "")]).exit().is_some());
        let trust = run(&ctr("postgres:16", &[], &[]), &[("POSTGRES_HOST_AUTH_METHOD", "trust")]);
        assert!(trust.exit().is_none() && trust.output.iter().any(|l| l.contains("has been set to \"trust\"")));
        // Flags still go through the entrypoint; a command bypasses it.
        assert!(run(&ctr("postgres:16", &[], &["-c", "fsync=off"]), &[]).exit().is_some());
        assert!(run(&ctr("postgres:16", &["postgres"], &[]), &[]).exit().is_none());
        assert!(run(&ctr("postgres:16", &["docker-entrypoint.sh"], &["postgres"]), &[]).exit().is_some());
        assert!(run(&ctr("postgres:16", &[], &["--version"]), &[]).exit().is_none());

        let m = run(&ctr("mysql:8.4", &[], &[]), &[]);
        assert_eq!(m.exit(), Some((0, 1)));
        assert!(m.why.ends_with("refuses to initialize the database: Database is uninitialized and password option is not specified"), "{}", m.why);
        assert!(m.output[3].ends_with("[ERROR] [Entrypoint]: Database is uninitialized and password option is not specified"), "{:?}", m.output);
        assert!(run(&ctr("mysql:8.4", &[], &[]), &[("MYSQL_RANDOM_ROOT_PASSWORD", "yes")]).exit().is_none());
        let m = run(&ctr("mariadb:11", &[], &[]), &[]);
        assert_eq!(m.exit(), Some((0, 1)));
        // mariadb also takes the MYSQL_* names.
        assert!(run(&ctr("mariadb:11", &[], &[]), &[("MYSQL_ROOT_PASSWORD", "x")]).exit().is_none());
        assert!(run(&ctr("mariadb:11", &[], &[]), &[("MARIADB_ROOT_PASSWORD", "x")]).exit().is_none());
    }
}
