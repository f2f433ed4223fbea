//! A tiny shell running inside a simulated container, for `kubectl exec` and `kubectl run`:
//! a handful of busybox/coreutils commands over the engine's per-pod files
//! ([`crate::engine::fs`]), cluster DNS ([`crate::engine::dns`]) and web servers
//! ([`crate::engine::webserver::curl`]). Files are only ever written through `engine::fs`, so a
//! write under a PVC mount lands on the PersistentVolume and outlives the pod.
//!
//! `sh -c SCRIPT` splits the script on `;` and `&&`, substitutes `$(hostname)` and honours
//! `>` / `>>` redirects. Nothing here panics on any input.

use crate::engine::api::{Kind, Pod};
use crate::engine::dns::{self, Answer, QType, RData};
use crate::engine::fs;
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
    &["hostname", "echo", "cat", "ls", "mkdir", "rm", "env", "sh", "nslookup", "dig", "curl", "true", "false", "pwd", "sleep"];

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
                for a in args {
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

    /// The time `ls -l` shows for every file. `engine::fs` keeps no mtimes, so this is the pod's
    /// start time (`status.startTime`; the virtual clock's now if unset): the moment its
    /// container filesystem came to be, a lower bound for any file written since.
    fn file_time(&self) -> String {
        let t = self.pod_obj().and_then(|p| p.status.start_time).unwrap_or(self.cluster.now);
        let c = civil(t);
        format!("{} {:>2} {:02}:{:02}", MONTHS[c.month as usize - 1], c.day, c.hour, c.min)
    }

    /// `dig [@server] [-t TYPE] [TYPE] NAME [+short] [+search]`: one query to CoreDNS, printed
    /// as BIND 9.18's dig prints it. Without `+search` the name is absolute, as in real dig.
    fn dig(&self, args: &[String], o: &mut ProcOutput) {
        let mut short = false;
        let mut search = false;
        let mut qtype = QType::A;
        let mut name: Option<String> = None;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "+short" => short = true,
                "+search" => search = true,
                "+nosearch" => search = false,
                "-t" => match it.next().map(|t| t.to_ascii_uppercase()) {
                    Some(t) if t == "A" => qtype = QType::A,
                    Some(t) if t == "SRV" => qtype = QType::Srv,
                    Some(t) => {
                        fail(o, 1, &format!("dig: query type {t} not supported by the StatefulSet Playground (A, SRV)"));
                        return;
                    }
                    None => {
                        fail(o, 1, "dig: option requires an argument -- 't'");
                        return;
                    }
                },
                s if s.starts_with('+') || s.starts_with('@') || s.starts_with('-') => {}
                s if s.eq_ignore_ascii_case("srv") => qtype = QType::Srv,
                s if s.eq_ignore_ascii_case("a") && name.is_some() => qtype = QType::A,
                s if s.eq_ignore_ascii_case("in") => {}
                s => name = Some(s.to_string()),
            }
        }
        let Some(name) = name else {
            fail(o, 1, "dig: no name given (the StatefulSet Playground does not query the root zone)");
            return;
        };
        let (fqdn, answer) = if search {
            let l = dns::lookup(self.cluster, &self.namespace, &name, qtype);
            let (n, a) = l.tried.iter().find(|(_, a)| matches!(a, Answer::Records(_))).or(l.tried.last()).cloned().unwrap_or_else(|| {
                (format!("{}.", name.trim_end_matches('.')), Answer::NxDomain)
            });
            (n, a)
        } else {
            let f = format!("{}.", name.trim_end_matches('.'));
            let a = dns::query(self.cluster, &f, qtype);
            (f, a)
        };
        let tname = if qtype == QType::Srv { "SRV" } else { "A" };
        let records = match &answer {
            Answer::Records(r) => r.clone(),
            _ => Vec::new(),
        };
        // CoreDNS adds the A records of SRV targets it knows to the additional section.
        let additional: Vec<dns::Record> = records
            .iter()
            .filter_map(|r| match &r.data {
                RData::Srv { target, .. } => match dns::query(self.cluster, target, QType::A) {
                    Answer::Records(a) => Some(a),
                    _ => None,
                },
                RData::A(_) => None,
            })
            .flatten()
            .collect();
        if short {
            for r in &records {
                o.stdout.push_str(&rdata(&r.data));
                o.stdout.push('\n');
            }
            return;
        }
        let domain = format!("{}.", self.cluster.config.cluster_domain);
        let status = match answer {
            Answer::Records(_) | Answer::NoData => "NOERROR",
            Answer::NxDomain => "NXDOMAIN",
            Answer::Upstream => "SERVFAIL",
        };
        let local = fqdn.to_ascii_lowercase().ends_with(".local.");
        let ours = fqdn.to_ascii_lowercase().ends_with(&domain);
        let soa = matches!(answer, Answer::NoData | Answer::NxDomain) && ours;
        // Cluster names are answered authoritatively by CoreDNS (no RA); anything else is forwarded
        // and comes back with the upstream resolver's RA.
        let flags = if ours { "qr aa rd" } else { "qr rd ra" };
        let id = dig_id(&fqdn, tname, self.cluster.now.secs());
        let mut out = String::new();
        out.push_str(&format!("\n; <<>> DiG {DIG_VERSION} <<>> {}\n", args.join(" ")));
        out.push_str(";; global options: +cmd\n;; Got answer:\n");
        if local {
            out.push_str(";; WARNING: .local is reserved for Multicast DNS\n;; You are currently testing what happens when an mDNS query is leaked to DNS\n");
        }
        out.push_str(&format!(";; ->>HEADER<<- opcode: QUERY, status: {status}, id: {id}\n"));
        out.push_str(&format!(
            ";; flags: {flags}; QUERY: 1, ANSWER: {}, AUTHORITY: {}, ADDITIONAL: {}\n",
            records.len(),
            usize::from(soa),
            additional.len() + 1
        ));
        if ours {
            out.push_str(";; WARNING: recursion requested but not available\n");
        }
        out.push('\n');
        out.push_str(";; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n");
        out.push_str(&format!(";; QUESTION SECTION:\n;{fqdn}\t\tIN\t{tname}\n\n"));
        let rr = |r: &dns::Record| {
            let t = match r.data {
                RData::A(_) => "A",
                RData::Srv { .. } => "SRV",
            };
            format!("{}\t\t{}\tIN\t{t}\t{}\n", r.name, r.ttl, rdata(&r.data))
        };
        if !records.is_empty() {
            out.push_str(";; ANSWER SECTION:\n");
            records.iter().for_each(|r| out.push_str(&rr(r)));
            out.push('\n');
        }
        let serial = self.cluster.now.secs();
        if soa {
            out.push_str(&format!(
                ";; AUTHORITY SECTION:\n{domain}\t\t{}\tIN\tSOA\tns.dns.{domain} hostmaster.{domain} {serial} 7200 1800 86400 {}\n\n",
                dns::TTL,
                dns::TTL
            ));
        }
        if !additional.is_empty() {
            out.push_str(";; ADDITIONAL SECTION:\n");
            additional.iter().for_each(|r| out.push_str(&rr(r)));
            out.push('\n');
        }
        let size = msg_size(&fqdn, &records, &additional, soa.then_some(domain.as_str()));
        out.push_str(&format!(";; Query time: 0 msec\n;; SERVER: {ns}#53({ns}) (UDP)\n", ns = dns::NAMESERVER));
        out.push_str(&format!(";; WHEN: {}\n;; MSG SIZE  rcvd: {size}\n\n", dig_when(self.cluster.now)));
        o.stdout.push_str(&out);
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

    fn nslookup(&self, args: &[String], o: &mut ProcOutput) {
        let Some(name) = args.iter().find(|a| !a.starts_with('-')) else {
            fail(o, 1, "BusyBox v1.36.1 multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]");
            return;
        };
        let l = dns::lookup(self.cluster, &self.namespace, name, QType::A);
        o.stdout.push_str(&format!("Server:\t\t{}\nAddress:\t{}:53\n\n", l.server, l.server));
        match l.answer() {
            Answer::Records(recs) => {
                for r in recs {
                    if let RData::A(ip) = &r.data {
                        o.stdout.push_str(&format!("Name:\t{}\nAddress: {ip}\n", r.name.trim_end_matches('.')));
                    }
                }
                o.stdout.push('\n');
            }
            Answer::NoData => o.stdout.push_str(&format!("*** Can't find {name}: No answer\n\n")),
            Answer::NxDomain => {
                o.stdout.push_str(&format!("** server can't find {name}: NXDOMAIN\n\n"));
                o.code = 1;
            }
            Answer::Upstream => {
                o.stdout.push_str(&format!("** server can't find {name}: SERVFAIL\n\n"));
                o.code = 1;
            }
        }
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
        match webserver::curl(self.cluster, &self.namespace, &url) {
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

fn fail(o: &mut ProcOutput, code: i32, msg: &str) {
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

/// The BIND version `dig` reports.
const DIG_VERSION: &str = "9.18.30";

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

struct Civil {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    min: u32,
    sec: u32,
    weekday: usize,
}

/// UTC calendar fields of a virtual time (from its RFC 3339 form).
fn civil(t: crate::engine::api::Time) -> Civil {
    let s = t.rfc3339();
    let n = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok()).unwrap_or(0);
    // 1970-01-01 was a Thursday.
    let weekday = ((t.secs() / 86_400 + 4) % 7) as usize;
    Civil { year: n(0..4), month: n(5..7).clamp(1, 12), day: n(8..10), hour: n(11..13), min: n(14..16), sec: n(17..19), weekday }
}

/// dig's `;; WHEN:` (`strftime("%a %b %d %H:%M:%S %Z %Y")`, the pod's TZ being UTC).
fn dig_when(t: crate::engine::api::Time) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    let c = civil(t);
    format!(
        "{} {} {:02} {:02}:{:02}:{:02} UTC {}",
        DAYS[c.weekday],
        MONTHS[c.month as usize - 1],
        c.day,
        c.hour,
        c.min,
        c.sec,
        c.year
    )
}

/// A deterministic 16-bit message id (FNV-1a of the question and the virtual second).
fn dig_id(name: &str, qtype: &str, secs: u64) -> u16 {
    let mut h: u32 = 0x811c9dc5;
    for b in name.bytes().chain(qtype.bytes()).chain(secs.to_le_bytes()) {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    (h ^ (h >> 16)) as u16
}

fn rdata(d: &RData) -> String {
    match d {
        RData::A(ip) => ip.clone(),
        RData::Srv { priority, weight, port, target } => format!("{priority} {weight} {port} {target}"),
    }
}

/// Wire length of an absolute name, uncompressed.
fn wire_len(name: &str) -> usize {
    let t = name.trim_end_matches('.');
    if t.is_empty() { 1 } else { t.len() + 2 }
}

/// The response's size on the wire: header, question, records with owner names compressed to
/// the question (2-byte pointers), SRV targets uncompressed, the SOA's names uncompressed, and
/// an 11-byte OPT record (no cookie).
fn msg_size(qname: &str, answers: &[dns::Record], additional: &[dns::Record], soa_zone: Option<&str>) -> usize {
    let rr = |r: &dns::Record| {
        let owner = if r.name.eq_ignore_ascii_case(qname) { 2 } else { wire_len(&r.name) };
        owner
            + 10
            + match &r.data {
                RData::A(_) => 4,
                RData::Srv { target, .. } => 6 + wire_len(target),
            }
    };
    let soa = soa_zone.map_or(0, |z| 2 + 10 + wire_len(&format!("ns.dns.{z}")) + wire_len(&format!("hostmaster.{z}")) + 20);
    12 + wire_len(qname) + 4 + answers.iter().map(rr).sum::<usize>() + additional.iter().map(rr).sum::<usize>() + soa + 11
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

    use crate::engine::api::{Object, Time};
    use crate::engine::testutil::*;

    fn run(c: &mut Cluster, pod: &str, argv: &[&str]) -> ProcOutput {
        let mut sh = Shell { cluster: c, namespace: "default".into(), pod: pod.into(), container: "nginx".into() };
        sh.exec(&argv.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    fn setup() -> Cluster {
        let mut c = cluster();
        create(&mut c, Object::Service(headless("nginx")));
        for i in 0..2 {
            create(&mut c, Object::Pod(sts_pod(&format!("web-{i}"), "nginx", "nginx:1.27")));
        }
        c.settle_default();
        c
    }

    #[test]
    fn dig_when_and_msg_size() {
        assert_eq!(dig_when(Time::from_utc(2025, 1, 6, 9, 10, 28)), "Mon Jan 06 09:10:28 UTC 2025");
        assert_eq!(dig_when(Time::from_utc(2024, 2, 29, 23, 5, 0)), "Thu Feb 29 23:05:00 UTC 2024");
        // 12 header + 43 question + 16 answer + 11 OPT.
        let r = dns::Record { name: "web-0.nginx.default.svc.cluster.local.".into(), ttl: 30, data: RData::A("10.244.1.3".into()) };
        assert_eq!(msg_size("web-0.nginx.default.svc.cluster.local.", &[r], &[], None), 82);
    }

    #[test]
    fn dig_short_full_srv_and_search() {
        let mut c = setup();
        let ip0 = get_pod(&c, "web-0").unwrap().status.pod_ip;
        let ip1 = get_pod(&c, "web-1").unwrap().status.pod_ip;
        let o = run(&mut c, "web-1", &["dig", "+short", "nginx.default.svc.cluster.local"]);
        assert_eq!(o.stdout, format!("{ip0}\n{ip1}\n"));
        assert_eq!(o.code, 0);
        // Without +search the name is absolute: NXDOMAIN from upstream, nothing printed by +short.
        assert_eq!(run(&mut c, "web-1", &["dig", "+short", "web-0.nginx"]).stdout, "");
        assert_eq!(run(&mut c, "web-1", &["dig", "+short", "web-0.nginx", "+search"]).stdout, format!("{ip0}\n"));
        let srv = run(&mut c, "web-1", &["dig", "+short", "SRV", "_web._tcp.nginx.default.svc.cluster.local"]).stdout;
        assert_eq!(srv, "0 50 80 web-0.nginx.default.svc.cluster.local.\n0 50 80 web-1.nginx.default.svc.cluster.local.\n");
        let full = run(&mut c, "web-1", &["dig", "web-0.nginx.default.svc.cluster.local"]).stdout;
        let id = dig_id("web-0.nginx.default.svc.cluster.local.", "A", c.now.secs());
        let when = dig_when(c.now);
        assert_eq!(
            full,
            format!(
                "\n; <<>> DiG 9.18.30 <<>> web-0.nginx.default.svc.cluster.local\n;; global options: +cmd\n;; Got answer:\n\
;; WARNING: .local is reserved for Multicast DNS\n;; You are currently testing what happens when an mDNS query is leaked to DNS\n\
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: {id}\n;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1\n\
;; WARNING: recursion requested but not available\n\n;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n\
;; QUESTION SECTION:\n;web-0.nginx.default.svc.cluster.local.\t\tIN\tA\n\n\
;; ANSWER SECTION:\nweb-0.nginx.default.svc.cluster.local.\t\t30\tIN\tA\t{ip0}\n\n\
;; Query time: 0 msec\n;; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)\n;; WHEN: {when}\n;; MSG SIZE  rcvd: 82\n\n"
            )
        );
        let nx = run(&mut c, "web-1", &["dig", "web-9.nginx.default.svc.cluster.local"]).stdout;
        assert!(nx.contains(";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: "), "{nx}");
        assert!(nx.contains(";; flags: qr aa rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1\n"), "{nx}");
        assert!(nx.contains(";; AUTHORITY SECTION:\ncluster.local.\t\t30\tIN\tSOA\tns.dns.cluster.local. hostmaster.cluster.local. "), "{nx}");
        // Same question, same virtual second: same output.
        assert_eq!(run(&mut c, "web-1", &["dig", "web-9.nginx.default.svc.cluster.local"]).stdout, nx);
    }

    #[test]
    fn ls_long_shows_the_pods_start_time() {
        let mut c = setup();
        run(&mut c, "web-0", &["sh", "-c", "echo hi > /tmp/a"]);
        let start = get_pod(&c, "web-0").unwrap().status.start_time.unwrap();
        let cv = civil(start);
        let o = run(&mut c, "web-0", &["ls", "-l", "/tmp"]);
        let want = format!("total 4\n-rw-r--r--    1 root     root             3 {} {:>2} {:02}:{:02} a\n", MONTHS[cv.month as usize - 1], cv.day, cv.hour, cv.min);
        assert_eq!(o.stdout, want);
    }
}
