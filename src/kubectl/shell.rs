//! A tiny shell running inside a simulated container, for `kubectl exec` and `kubectl run`:
//! a handful of busybox/coreutils commands over the engine's per-pod files
//! ([`crate::engine::fs`]), cluster DNS ([`crate::engine::dns`]) and web servers
//! ([`crate::engine::webserver::curl`]). Files are only ever written through `engine::fs`, so a
//! write under a PVC mount lands on the PersistentVolume and outlives the pod.
//!
//! `sh -c SCRIPT` splits the script on `;` and `&&`, substitutes `$(hostname)` and honours
//! `>` / `>>` redirects. curl resolves names as the pod does (its `/etc/hosts`, then cluster
//! DNS); nslookup and dig ask DNS only. Nothing here panics on any input.

use crate::engine::api::{Kind, Pod};
use crate::engine::fs;
use crate::engine::kubelet::{etc, volume_manager};
use crate::engine::sim::Cluster;
use crate::engine::webserver;

/// What a command run in the container wrote and how it exited.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcOutput {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Exit status.
    pub code: i32,
}

/// How the first word of a command failed to start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartError {
    /// No such executable (the container runtime's "executable file not found in $PATH").
    NotFound(String),
}

/// A container to run commands in.
pub struct Shell<'a> {
    /// The cluster.
    pub cluster: &'a mut Cluster,
    /// Pod namespace.
    pub namespace: String,
    /// Pod name.
    pub pod: String,
    /// Container name.
    pub container: String,
}

const COMMANDS: &[&str] =
    &["hostname", "echo", "cat", "ls", "mkdir", "rm", "chmod", "env", "sh", "nslookup", "dig", "curl", "true", "false", "pwd", "sleep"];

impl Shell<'_> {
    fn pod_obj(&self) -> Option<Pod> {
        self.cluster.store.get(Kind::Pod, &self.namespace, &self.pod).and_then(|o| o.as_pod()).cloned()
    }

    /// Runs one argv as the container runtime would exec it. An unknown program is a
    /// [`StartError`] (the runtime fails before any process exists).
    pub fn exec(&mut self, argv: &[String]) -> Result<ProcOutput, StartError> {
        let Some(prog) = argv.first() else { return Err(StartError::NotFound(String::new())) };
        let base = prog.rsplit('/').next().unwrap_or(prog);
        if !COMMANDS.contains(&base) {
            return Err(StartError::NotFound(prog.clone()));
        }
        let mut out = ProcOutput::default();
        self.builtin(base, &argv[1..], &mut out);
        Ok(out)
    }

    fn builtin(&mut self, cmd: &str, args: &[String], o: &mut ProcOutput) {
        match cmd {
            "hostname" => self.hostname(args, o),
            "echo" => {
                let (nl, words) = match args.first() {
                    Some(a) if a == "-n" => (false, &args[1..]),
                    _ => (true, args),
                };
                o.stdout.push_str(&words.join(" "));
                if nl {
                    o.stdout.push('\n');
                }
            }
            "cat" => {
                let pod = self.pod_obj();
                for a in args {
                    // The kubelet's bind-mounted /etc files come from the pod, not the image.
                    if let Some(text) = pod.as_ref().and_then(|p| etc::managed_file(self.cluster, p, &abs(a))) {
                        o.stdout.push_str(&text);
                        continue;
                    }
                    // So are the files of a mounted configMap/secret/projected volume.
                    if let Some(f) = pod.as_ref().and_then(|p| volume_manager::volume_file(self.cluster, p, &self.container, &abs(a))) {
                        match f {
                            Ok(f) if f.base64 => o.stdout.push_str(&crate::kubectl::describe::config::decode_base64(&f.data).unwrap_or_default()),
                            Ok(f) => o.stdout.push_str(&f.data),
                            Err(()) => fail(o, 1, &format!("cat: {a}: {}", fs::FsError::NotFound.message())),
                        }
                        continue;
                    }
                    match fs::read(self.cluster, &self.namespace, &self.pod, &self.container, &abs(a)) {
                        Ok(b) => o.stdout.push_str(&String::from_utf8_lossy(&b)),
                        Err(e) => fail(o, 1, &format!("cat: {}", rel_msg(&e, a))),
                    }
                }
            }
            "ls" => self.ls(args, o),
            "mkdir" => {
                let parents = args.iter().any(|a| a == "-p");
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    if let Err(e) = fs::mkdir(self.cluster, &self.namespace, &self.pod, &self.container, &abs(a), parents) {
                        fail(o, 1, &format!("mkdir: can't create directory '{a}': {}", strip_path(&e)));
                    }
                }
            }
            "rm" => {
                let flags: String = args.iter().filter(|a| a.starts_with('-')).map(|a| a.trim_start_matches('-')).collect();
                let (rec, force) = (flags.contains('r') || flags.contains('R'), flags.contains('f'));
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    if let Err(e) = fs::rm(self.cluster, &self.namespace, &self.pod, &self.container, &abs(a), rec) {
                        if force && e.ends_with(fs::FsError::NotFound.message()) {
                            continue;
                        }
                        let msg = if e.starts_with("can't remove") { e.clone() } else { format!("can't remove '{a}': {}", strip_path(&e)) };
                        fail(o, 1, &format!("rm: {msg}"));
                    }
                }
            }
            "chmod" => self.chmod(args, o),
            "env" => self.env(o),
            "sh" => self.sh(args, o),
            "nslookup" => self.nslookup(args, o),
            "dig" => self.dig(args, o),
            "curl" => self.curl(args, o),
            "true" | "sleep" => {}
            "false" => o.code = 1,
            "pwd" => o.stdout.push_str("/\n"),
            _ => fail(o, 127, &format!("sh: {cmd}: not found")),
        }
    }

    fn hostname(&self, args: &[String], o: &mut ProcOutput) {
        let Some(p) = self.pod_obj() else { return };
        let h = if p.spec.hostname.is_empty() { p.metadata.name.clone() } else { p.spec.hostname.clone() };
        let fqdn = args.iter().any(|a| a == "-f" || a == "--fqdn");
        if fqdn && !p.spec.subdomain.is_empty() {
            let d = &self.cluster.config.cluster_domain;
            o.stdout.push_str(&format!("{h}.{}.{}.svc.{d}\n", p.spec.subdomain, self.namespace));
        } else {
            o.stdout.push_str(&format!("{h}\n"));
        }
    }

    fn ls(&self, args: &[String], o: &mut ProcOutput) {
        let long = args.iter().any(|a| a.starts_with('-') && a.contains('l'));
        let mut paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        let dot = ".".to_string();
        if paths.is_empty() {
            paths.push(&dot);
        }
        let many = paths.len() > 1;
        for (i, a) in paths.iter().enumerate() {
            let p = abs(a);
            match fs::ls(self.cluster, &self.namespace, &self.pod, &self.container, &p) {
                Ok(entries) => {
                    if many {
                        o.stdout.push_str(&format!("{}{a}:\n", if i > 0 { "\n" } else { "" }));
                    }
                    if long {
                        // 1K blocks, as GNU/busybox ls count them (4K per started block).
                        let blocks: usize = entries.iter().map(|e| if e.is_dir { 4 } else { e.size.div_ceil(4096) * 4 }).sum();
                        o.stdout.push_str(&format!("total {blocks}\n"));
                    }
                    let when = self.file_time();
                    for e in entries {
                        o.stdout.push_str(&ls_line(&e.name, e.is_dir, e.size, long, &when));
                    }
                }
                Err(e) if e.ends_with(fs::FsError::NotADirectory.message()) => {
                    let size = fs::read(self.cluster, &self.namespace, &self.pod, &self.container, &p).map(|b| b.len()).unwrap_or(0);
                    o.stdout.push_str(&ls_line(a, false, size, long, &self.file_time()));
                }
                Err(e) => fail(o, if many { 1 } else { 2 }, &format!("ls: cannot access '{a}': {}", strip_path(&e))),
            }
        }
    }

    /// `chmod [-Rcfv] MODE FILE…`, as coreutils' (chmod.c main and process_file) answers it. The
    /// playground keeps no file modes (`ls -l` shows every file as root's, readable), so a valid
    /// change has nothing to change; a missing operand, a bad mode or a missing file fails.
    fn chmod(&self, args: &[String], o: &mut ProcOutput) {
        const TRY: &str = "Try 'chmod --help' for more information.";
        let mut mode: Option<&String> = None;
        let mut files = Vec::new();
        let mut silent = false;
        for a in args {
            let flags = a.strip_prefix('-').filter(|f| !f.is_empty() && f.chars().all(|c| "Rcfv".contains(c)));
            if let Some(f) = flags {
                silent |= f.contains('f');
            } else if a.starts_with("--") {
                // Long options (--recursive, --silent, …) change nothing here.
                silent |= a == "--silent" || a == "--quiet";
            } else if mode.is_none() {
                // The first other word is the mode, `-w` included (getopt hands it back).
                mode = Some(a);
            } else {
                files.push(a);
            }
        }
        let Some(mode) = mode else { return fail(o, 1, &format!("chmod: missing operand\n{TRY}")) };
        if files.is_empty() {
            return fail(o, 1, &format!("chmod: missing operand after '{mode}'\n{TRY}"));
        }
        if !valid_mode(mode) {
            return fail(o, 1, &format!("chmod: invalid mode: '{mode}'\n{TRY}"));
        }
        for f in files {
            if !self.exists(&abs(f)) {
                o.code = 1;
                if !silent {
                    o.stderr.push_str(&format!("chmod: cannot access '{f}': {}\n", fs::FsError::NotFound.message()));
                }
            }
        }
    }

    /// Whether `path` names a file or directory in this container (image, volumes, /etc).
    fn exists(&self, path: &str) -> bool {
        let pod = self.pod_obj();
        pod.as_ref().is_some_and(|p| etc::managed_file(self.cluster, p, path).is_some())
            || pod.as_ref().is_some_and(|p| matches!(volume_manager::volume_file(self.cluster, p, &self.container, path), Some(Ok(_))))
            || fs::read(self.cluster, &self.namespace, &self.pod, &self.container, path).is_ok()
            || fs::ls(self.cluster, &self.namespace, &self.pod, &self.container, path).is_ok()
    }

    /// The time `ls -l` shows for every file. `engine::fs` keeps no mtimes, so this is the pod's
    /// start time (`status.startTime`; the virtual clock's now if unset): the moment its
    /// container filesystem came to be, a lower bound for any file written since.
    fn file_time(&self) -> String {
        let t = self.pod_obj().and_then(|p| p.status.start_time).unwrap_or(self.cluster.now);
        let c = t.civil();
        format!("{} {:>2} {:02}:{:02}", c.month_abbrev(), c.day, c.hour, c.min)
    }

    /// `dig …`: see [`super::dig`].
    fn dig(&self, args: &[String], o: &mut ProcOutput) {
        super::dig::dig(self.cluster, &self.namespace, args, o);
    }

    fn env(&self, o: &mut ProcOutput) {
        let Some(p) = self.pod_obj() else { return };
        let h = if p.spec.hostname.is_empty() { p.metadata.name.clone() } else { p.spec.hostname.clone() };
        let mut lines = vec![
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
            format!("HOSTNAME={h}"),
        ];
        if let Some(c) = p.spec.containers.iter().find(|c| c.name == self.container) {
            for e in &c.env {
                lines.push(format!("{}={}", e.name, e.value.clone().unwrap_or_default()));
            }
        }
        for l in [
            "KUBERNETES_SERVICE_HOST=10.96.0.1",
            "KUBERNETES_SERVICE_PORT=443",
            "KUBERNETES_SERVICE_PORT_HTTPS=443",
            "KUBERNETES_PORT=tcp://10.96.0.1:443",
            "KUBERNETES_PORT_443_TCP=tcp://10.96.0.1:443",
            "KUBERNETES_PORT_443_TCP_PROTO=tcp",
            "KUBERNETES_PORT_443_TCP_PORT=443",
            "KUBERNETES_PORT_443_TCP_ADDR=10.96.0.1",
            "HOME=/root",
        ] {
            lines.push(l.to_string());
        }
        for l in lines {
            o.stdout.push_str(&l);
            o.stdout.push('\n');
        }
    }

    /// `nslookup …`: see [`super::nslookup`].
    fn nslookup(&self, args: &[String], o: &mut ProcOutput) {
        let image = self.image().unwrap_or_default();
        super::nslookup::nslookup(self.cluster, &self.namespace, &image, args, o);
    }

    /// The image of this shell's container.
    fn image(&self) -> Option<String> {
        let p = self.pod_obj()?;
        let c = p.spec.containers.iter().chain(&p.spec.init_containers).find(|c| c.name == self.container)?;
        Some(c.image.clone())
    }

    fn curl(&self, args: &[String], o: &mut ProcOutput) {
        let mut silent = false;
        let mut show_error = false;
        let mut url = None;
        for a in args {
            match a.as_str() {
                s if s.starts_with('-') && !s.starts_with("--") => {
                    silent |= s.contains('s');
                    show_error |= s.contains('S');
                }
                "--silent" => silent = true,
                "--show-error" => show_error = true,
                s if !s.starts_with('-') => url = Some(s.to_string()),
                _ => {}
            }
        }
        let Some(url) = url else {
            fail(o, 2, "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information");
            return;
        };
        let Some(from) = self.pod_obj() else { return };
        match webserver::curl(self.cluster, &from, &url) {
            Ok(r) => o.stdout.push_str(&r.body),
            Err(e) => {
                o.code = e.code;
                if !silent || show_error {
                    o.stderr.push_str(&e.message);
                    o.stderr.push('\n');
                }
            }
        }
    }

    fn sh(&mut self, args: &[String], o: &mut ProcOutput) {
        let script = match args {
            [c, s, ..] if c == "-c" => s.clone(),
            [c] if c == "-c" => {
                fail(o, 2, "sh: -c requires an argument");
                return;
            }
            _ => {
                fail(o, 2, "sh: interactive shells are not available in the StatefulSet Playground; use sh -c '…'");
                return;
            }
        };
        self.script(&script, o);
    }

    /// Runs a shell script: `;`- and `&&`-separated commands with `$(hostname)` substitution and
    /// `>` / `>>` redirects. The exit status is the last command's.
    pub fn script(&mut self, script: &str, o: &mut ProcOutput) {
        let mut skip = false;
        for (cmd, and_next) in split_script(script) {
            if !skip {
                self.simple(&cmd, o);
            }
            // After `a && b`, b runs only when a succeeded; `;` always runs the next command.
            skip = and_next && (skip || o.code != 0);
        }
    }

    fn simple(&mut self, cmd: &str, o: &mut ProcOutput) {
        let cmd = if cmd.contains("$(hostname)") {
            let mut h = ProcOutput::default();
            self.hostname(&[], &mut h);
            cmd.replace("$(hostname)", h.stdout.trim_end())
        } else {
            cmd.to_string()
        };
        let words = match shell_words::split(&cmd) {
            Ok(w) => w,
            Err(_) => {
                fail(o, 2, "sh: syntax error: unterminated quoted string");
                return;
            }
        };
        // Redirects: `> f`, `>> f`, `>f`, `>>f`.
        let mut argv = Vec::new();
        let mut redirect: Option<(String, bool)> = None;
        let mut i = 0;
        while i < words.len() {
            let w = &words[i];
            let (append, rest) = if let Some(r) = w.strip_prefix(">>") { (true, r) } else if let Some(r) = w.strip_prefix('>') { (false, r) } else {
                argv.push(w.clone());
                i += 1;
                continue;
            };
            let target = if rest.is_empty() {
                i += 1;
                words.get(i).cloned()
            } else {
                Some(rest.to_string())
            };
            let Some(t) = target else {
                fail(o, 2, "sh: syntax error: unexpected newline");
                return;
            };
            redirect = Some((t, append));
            i += 1;
        }
        if argv.is_empty() {
            o.code = 0;
            return;
        }
        let prog = argv[0].rsplit('/').next().unwrap_or(&argv[0]).to_string();
        let mut sub = ProcOutput::default();
        if COMMANDS.contains(&prog.as_str()) {
            self.builtin(&prog, &argv[1..], &mut sub);
        } else {
            fail(&mut sub, 127, &format!("sh: {}: not found", argv[0]));
        }
        if let Some((file, append)) = redirect {
            if let Err(e) = fs::write(self.cluster, &self.namespace, &self.pod, &self.container, &abs(&file), sub.stdout.as_bytes(), append) {
                o.stderr.push_str(&sub.stderr);
                fail(o, 1, &format!("sh: can't create {file}: {}", strip_path(&e)));
                return;
            }
            sub.stdout.clear();
        }
        o.stdout.push_str(&sub.stdout);
        o.stderr.push_str(&sub.stderr);
        o.code = sub.code;
    }
}

/// Splits a script on `;`, `&&` and newlines outside quotes; each command comes with whether it
/// is followed by `&&`.
fn split_script(s: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), _) if c == q => {
                quote = None;
                cur.push(c);
            }
            (Some(_), _) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                cur.push(c);
            }
            (None, ';' | '\n') => out.push((std::mem::take(&mut cur), false)),
            (None, '&') if chars.peek() == Some(&'&') => {
                chars.next();
                out.push((std::mem::take(&mut cur), true));
            }
            _ => cur.push(c),
        }
    }
    out.push((cur, false));
    out.into_iter().filter(|(c, _)| !c.trim().is_empty()).collect()
}

/// A mode `mode_compile` (gnulib modechange.c) accepts: octal, or comma-separated symbolic
/// clauses `[ugoa]*([-+=]([rwxXst]*|[ugo]))+`.
fn valid_mode(m: &str) -> bool {
    if m.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return !m.is_empty() && m.len() <= 5;
    }
    m.split(',').all(|clause| {
        let ops = clause.trim_start_matches(['u', 'g', 'o', 'a']);
        if ops.is_empty() {
            return false;
        }
        let mut rest = ops;
        while let Some(r) = rest.strip_prefix(['-', '+', '=']) {
            let perms = r.bytes().take_while(|b| b"rwxXst".contains(b)).count();
            let after = &r[perms..];
            rest = match after.strip_prefix(['u', 'g', 'o']) {
                Some(a) if perms == 0 => a,
                _ => after,
            };
        }
        rest.is_empty()
    })
}

fn abs(p: &str) -> String {
    if p.starts_with('/') { p.to_string() } else { format!("/{p}") }
}

/// `"/x: No such file…"` → `"No such file…"` (engine errors carry the absolute path).
fn strip_path(e: &str) -> String {
    match e.split_once(": ") {
        Some((p, m)) if p.starts_with('/') => m.to_string(),
        _ => e.to_string(),
    }
}

/// An engine error reworded with the path as the user typed it.
fn rel_msg(e: &str, typed: &str) -> String {
    format!("{typed}: {}", strip_path(e))
}

pub(super) fn fail(o: &mut ProcOutput, code: i32, msg: &str) {
    o.stderr.push_str(msg);
    o.stderr.push('\n');
    o.code = code;
}

fn ls_line(name: &str, dir: bool, size: usize, long: bool, when: &str) -> String {
    if !long {
        return format!("{name}\n");
    }
    let (mode, links) = if dir { ("drwxr-xr-x", 2) } else { ("-rw-r--r--", 1) };
    let size = if dir { 4096 } else { size };
    format!("{mode} {links:>4} root     root     {size:>9} {when} {name}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_scripts() {
        assert_eq!(
            split_script("echo 'a;b' > /x; cat /x && ls"),
            vec![("echo 'a;b' > /x".to_string(), false), (" cat /x ".to_string(), true), (" ls".to_string(), false)]
        );
        assert_eq!(split_script(";;"), Vec::<(String, bool)>::new());
        assert_eq!(strip_path("/a/b: No such file or directory"), "No such file or directory");
    }

    use crate::engine::testutil::*;

    fn run(c: &mut Cluster, pod: &str, argv: &[&str]) -> ProcOutput {
        let mut sh = Shell { cluster: c, namespace: "default".into(), pod: pod.into(), container: "nginx".into() };
        sh.exec(&argv.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn chmod_changes_nothing_and_fails_as_coreutils_does() {
        let mut c = nginx_pair();
        let ok = run(&mut c, "web-0", &["chmod", "755", "/usr/share/nginx/html"]);
        assert_eq!(ok, ProcOutput::default());
        assert_eq!(run(&mut c, "web-0", &["chmod", "-R", "u+rwX,go=rX", "/usr/share/nginx/html/index.html", "/etc/hosts"]).code, 0);
        let o = run(&mut c, "web-0", &["chmod", "755", "/nope", "/tmp"]);
        assert_eq!((o.code, o.stderr.as_str()), (1, "chmod: cannot access '/nope': No such file or directory\n"));
        assert_eq!(run(&mut c, "web-0", &["chmod", "-f", "755", "/nope"]).stderr, "");
        let o = run(&mut c, "web-0", &["chmod", "755"]);
        assert_eq!((o.code, o.stderr.as_str()), (1, "chmod: missing operand after '755'\nTry 'chmod --help' for more information.\n"));
        assert_eq!(run(&mut c, "web-0", &["chmod"]).stderr, "chmod: missing operand\nTry 'chmod --help' for more information.\n");
        assert_eq!(run(&mut c, "web-0", &["chmod", "rw", "/tmp"]).stderr, "chmod: invalid mode: 'rw'\nTry 'chmod --help' for more information.\n");
        assert!(valid_mode("-w") && valid_mode("a=") && valid_mode("g=u") && !valid_mode("8") && !valid_mode("u"));
    }

    #[test]
    fn curl_reads_the_pods_etc_hosts_and_nslookup_and_dig_do_not() {
        let mut c = nginx_pair();
        // The tutorial's two lines: write the hostname, then curl the pod's own loopback.
        let w = run(&mut c, "web-0", &["sh", "-c", "echo \"$(hostname)\" > /usr/share/nginx/html/index.html"]);
        assert_eq!(w, ProcOutput::default());
        assert_eq!(run(&mut c, "web-0", &["curl", "http://localhost/"]).stdout, "web-0\n");
        assert_eq!(run(&mut c, "web-1", &["curl", "localhost"]).stdout, crate::engine::webserver::NGINX_INDEX);
        assert_eq!(run(&mut c, "web-0", &["sh", "-c", "curl -s web-0"]).stdout, "web-0\n");
        // nslookup and dig ask the cluster DNS server, which has no `web-0.<search domain>`.
        let n = run(&mut c, "web-0", &["nslookup", "web-0"]);
        assert_ne!(n.code, 0, "{n:?}");
        assert!(n.stdout.contains("NXDOMAIN") || n.stderr.contains("NXDOMAIN"), "{n:?}");
        let d = run(&mut c, "web-0", &["dig", "+short", "+search", "web-0"]);
        assert_eq!(d.stdout, "", "{d:?}");
        assert!(run(&mut c, "web-0", &["dig", "+short", "localhost"]).stdout.is_empty());
    }

    #[test]
    fn ls_long_shows_the_pods_start_time() {
        let mut c = nginx_pair();
        run(&mut c, "web-0", &["sh", "-c", "echo hi > /tmp/a"]);
        let start = get_pod(&c, "web-0").unwrap().status.start_time.unwrap();
        let cv = start.civil();
        let o = run(&mut c, "web-0", &["ls", "-l", "/tmp"]);
        let want = format!("total 4\n-rw-r--r--    1 root     root             3 {} {:>2} {:02}:{:02} a\n", cv.month_abbrev(), cv.day, cv.hour, cv.min);
        assert_eq!(o.stdout, want);
    }

    #[test]
    fn cat_reads_a_mounted_secret_decoded_and_misses_what_it_does_not_project() {
        use crate::engine::api::{Object, Volume, VolumeMount};
        let mut c = cluster();
        let secret = serde_json::json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "default"},
            "data": {"password": "czNjcmV0", "user": "YWRtaW4="}});
        create(&mut c, Object::from_value(Kind::Secret, secret).expect("secret"));
        let mut p = pod("web-0", "nginx:1.27");
        let v = serde_json::json!({"name": "creds", "secret": {"secretName": "db", "items": [{"key": "password", "path": "pw"}]}});
        p.spec.volumes.push(serde_json::from_value::<Volume>(v).expect("volume"));
        p.spec.containers[0].volume_mounts.push(VolumeMount { name: "creds".into(), mount_path: "/etc/creds".into(), ..Default::default() });
        create(&mut c, Object::Pod(p));
        c.settle_default();
        assert_eq!(run(&mut c, "web-0", &["cat", "/etc/creds/pw"]).stdout, "s3cret");
        let o = run(&mut c, "web-0", &["cat", "/etc/creds/user"]);
        assert_eq!((o.code, o.stderr.as_str()), (1, "cat: /etc/creds/user: No such file or directory\n"));
    }
}
