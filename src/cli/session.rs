//! A playground session: one simulated cluster, the kubectl context, and the `sim` directives
//! that drive the virtual clock. [`Session::run_script`] turns a playground script into a
//! byte-deterministic transcript: each command echoed after `$ `, then exactly what it printed
//! (stdout and stderr interleaved in write order).

use crate::engine::api::Time;
use crate::engine::faults::{self, Fault};
use crate::engine::sim::Cluster;
use crate::engine::store::{WatchEvent, WatchEventType};
use crate::engine::ClusterConfig;
use crate::kubectl::{self, Context, FileResolver};
use crate::script::{self, Directive, Item, ScriptError};
use std::fmt::Write;

/// How many decisions `sim why` prints.
pub const WHY_LINES: usize = 12;
/// How many stuck objects `sim wait` lists.
pub const BLOCKED_LINES: usize = 20;

/// One cluster and the context commands run in.
pub struct Session {
    /// The simulated cluster.
    pub cluster: Cluster,
    /// Namespace, files, stdin.
    pub ctx: Context,
}

/// `Go`-like short duration: `500ms`, `8.5s`, `2m30s`, `1h0m5s`.
pub fn format_ms(ms: u64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let (h, m) = (ms / 3_600_000, ms / 60_000 % 60);
    let s = ms % 60_000;
    let secs = if s % 1000 == 0 { format!("{}s", s / 1000) } else { format!("{}s", format!("{:.3}", s as f64 / 1000.0).trim_end_matches('0')) };
    match (h, m) {
        (0, 0) => secs,
        (0, m) => format!("{m}m{secs}"),
        (h, m) => format!("{h}h{m}m{secs}"),
    }
}

/// `HH:MM:SS.mmm` of a virtual time.
pub fn clock(t: Time) -> String {
    let r = t.rfc3339();
    let hms = r.get(11..19).unwrap_or("00:00:00");
    format!("{hms}.{:03}", t.since(Time::from_utc(1970, 1, 1, 0, 0, 0)).rem_euclid(1000))
}

fn summarize(changes: &[WatchEvent]) -> String {
    let n = changes.len();
    let mut out = format!("{n} change{}", if n == 1 { "" } else { "s" });
    // A run of one object's changes of one type is one `kind/name verb ×n` item: runs are found
    // by comparing the changes, and each item is appended to the one line (a burst step lists
    // thousands, so no per-item strings).
    let same = |a: &WatchEvent, b: &WatchEvent| {
        a.type_ == b.type_ && a.object.kind() == b.object.kind() && a.object.meta().name == b.object.meta().name
    };
    for (i, run) in changes.chunk_by(same).enumerate() {
        out.push_str(if i == 0 { ": " } else { ", " });
        let o = &run[0].object;
        o.kind().push_name_prefix(&mut out);
        out.push('/');
        out.push_str(&o.meta().name);
        out.push_str(match run[0].type_ {
            WatchEventType::Added => " added",
            WatchEventType::Modified => " modified",
            WatchEventType::Deleted => " deleted",
        });
        if run.len() > 1 {
            let _ = write!(out, " ×{}", run.len());
        }
    }
    out
}

/// `sim step N`: up to N steps (stopping once nothing is left to happen); what it prints, and
/// every change it made. The browser console prints the same text.
pub fn sim_step(c: &mut Cluster, n: u32) -> (String, Vec<WatchEvent>) {
    let mut out = String::new();
    let mut changes = Vec::new();
    for _ in 0..n {
        let r = c.step();
        if r.changes.is_empty() {
            out.push_str(&format!("{} nothing left to happen\n", clock(c.now)));
            break;
        }
        out.push_str(&format!("{} {}\n", clock(r.at), summarize(&r.changes)));
        changes.extend(r.changes);
    }
    (out, changes)
}

/// `sim advance DURATION`: what it prints, and the changes.
pub fn sim_advance(c: &mut Cluster, ms: u64) -> (String, Vec<WatchEvent>) {
    let r = c.advance(ms);
    (format!("advanced {} to {}: {}\n", format_ms(ms), clock(r.at), summarize(&r.changes)), r.changes)
}

/// `sim wait`: runs until settled (bounded) and says what, if anything, is stuck.
pub fn sim_wait(c: &mut Cluster) -> String {
    let r = c.settle_default();
    let mut out = if r.settled {
        format!("settled after {} (now {})", format_ms(r.elapsed_ms), clock(c.now))
    } else {
        format!("not settled after {} (now {})", format_ms(r.elapsed_ms), clock(c.now))
    };
    if r.blocked.is_empty() {
        out.push('\n');
    } else {
        out.push_str(if r.settled { "; not progressing:\n" } else { "; still in progress:\n" });
        // A large set can have hundreds of stuck pods: the first few say what is going on.
        for b in r.blocked.iter().take(BLOCKED_LINES) {
            out.push_str(&format!("  - {b}\n"));
        }
        if r.blocked.len() > BLOCKED_LINES {
            out.push_str(&format!("  - … and {} more\n", r.blocked.len() - BLOCKED_LINES));
        }
    }
    out
}

/// Runs a kubectl command line, or a pipeline of one into filters (`kubectl get pods | grep
/// web`, [`script::shell::pipeline`]): the filters read kubectl's stdout; its stderr goes
/// straight to the terminal, as in bash. A line that is not a pipeline runs as it is.
pub fn run_pipeline(cluster: &mut Cluster, line: &str, ctx: &Context) -> kubectl::Output {
    match script::shell::pipeline(line) {
        Ok(p) if !p.filters.is_empty() => pipe(kubectl::run(cluster, &p.command, ctx), &p.filters),
        _ => kubectl::run(cluster, line, ctx),
    }
}

/// A command's output after its stdout went through `filters`. What the terminal shows: the
/// filters' errors (a bad pattern fails as grep starts), the command's stderr, then the
/// filtered stdout. The exit status is the last filter's (bash without `pipefail`).
pub fn pipe(o: kubectl::Output, filters: &[script::filters::Filter]) -> kubectl::Output {
    let f = script::filters::run(filters, &o.stdout);
    let stderr = format!("{}{}", f.stderr, o.stderr);
    let combined = format!("{stderr}{}", f.stdout);
    let stderr_spans = if stderr.is_empty() { Vec::new() } else { vec![0..stderr.len()] };
    kubectl::Output { stdout: f.stdout, stderr, exit_code: f.status, combined, stderr_spans }
}

impl Session {
    /// A fresh default cluster with `seed`, reading `-f` files through `files`.
    pub fn new(seed: u64, files: Option<FileResolver>) -> Session {
        let config = ClusterConfig { seed, ..ClusterConfig::default() };
        Session { cluster: Cluster::new(config), ctx: Context { files, ..Context::default() } }
    }

    /// Runs a whole script and returns its transcript. A script that does not parse runs
    /// nothing.
    pub fn run_script(&mut self, text: &str) -> Result<String, ScriptError> {
        let items = script::parse(text)?;
        let mut out = String::new();
        for it in &items {
            out.push_str(&self.run_item(it));
        }
        Ok(out)
    }

    /// Runs one script item; returns its transcript (echo + output). A loop's line is echoed
    /// once, before its first command's output.
    pub fn run_item(&mut self, it: &script::Located) -> String {
        let mut out = it.echo.as_ref().map(|e| format!("$ {e}\n")).unwrap_or_default();
        match &it.item {
            Item::Echo(text) => out.push_str(text),
            Item::Kubectl { line, stdin } => {
                if let Some(body) = stdin {
                    out.push_str(body);
                    let echo = it.echo.as_deref().unwrap_or_default();
                    let marker = echo.split("<<").nth(1).unwrap_or("EOF").trim().trim_start_matches('-');
                    out.push_str(marker.trim_matches(|c| c == '\'' || c == '"'));
                    out.push('\n');
                }
                let ctx = Context { stdin: stdin.clone(), ..self.ctx.clone() };
                let o = run_pipeline(&mut self.cluster, line, &ctx);
                out.push_str(&o.combined);
            }
            Item::Sim(d) => match self.sim(d) {
                Ok(s) => out.push_str(&s),
                Err(e) => {
                    out.push_str("error: ");
                    out.push_str(&e);
                    out.push('\n');
                }
            },
        }
        out
    }

    /// Runs a `sim` directive; returns what it prints.
    pub fn sim(&mut self, d: &Directive) -> Result<String, String> {
        let c = &mut self.cluster;
        Ok(match d {
            Directive::Step(n) => sim_step(c, *n).0,
            Directive::Advance(ms) => sim_advance(c, *ms).0,
            Directive::Wait => sim_wait(c),
            Directive::Why => {
                let recent: Vec<_> = c.why.iter().rev().take(WHY_LINES).collect();
                if recent.is_empty() {
                    return Ok("no controller decisions yet\n".into());
                }
                let mut out = String::new();
                for d in recent.into_iter().rev() {
                    let target = if d.target.is_empty() { String::new() } else { format!(" {}", d.target) };
                    out.push_str(&format!(
                        "{} {} {}: {}{}: {}\n",
                        clock(d.at),
                        d.component,
                        d.subject,
                        d.verdict.as_str(),
                        target,
                        d.reason
                    ));
                }
                out
            }
            Directive::Time => {
                let since = c.now.since(c.config.session_start).max(0) as u64;
                format!("{} ({}), {} since the session started\n", clock(c.now), c.now.rfc3339(), format_ms(since))
            }
            Directive::Fault(words) => self.fault(words)?,
        })
    }

    fn fault(&mut self, words: &[String]) -> Result<String, String> {
        const USAGE: &str = "usage: sim fault [clear] crash POD [CONTAINER] | image IMAGE | readiness POD [CONTAINER] | liveness POD [CONTAINER] | node NODE";
        let (clear, w) = match words.first().map(String::as_str) {
            Some("clear") => (true, &words[1..]),
            _ => (false, words),
        };
        let ns = self.ctx.namespace.clone();
        let c = &mut self.cluster;
        let arg = |i: usize| w.get(i).map(String::as_str);
        let (what, target, container) = (arg(0), arg(1), arg(2));
        let Some(target) = target else { return Err(USAGE.into()) };
        if !clear {
            let f = match what {
                Some("crash") => faults::crash_container(c, &ns, target, container)?,
                Some("image") => faults::break_image(c, target)?,
                Some("readiness") => faults::fail_readiness(c, &ns, target, container)?,
                Some("liveness") => faults::fail_liveness(c, &ns, target, container)?,
                Some("node") => faults::fail_node(c, target)?,
                _ => return Err(USAGE.into()),
            };
            let note = c.why.iter().next_back().map(|d| d.reason.clone()).unwrap_or_default();
            let note = note.strip_prefix("fault applied: ").unwrap_or(&note).to_string();
            return Ok(format!("fault: {f}\n{note}\n"));
        }
        if what == Some("image") {
            let note = faults::clear_fault(c, &Fault::MissingImage { image: target.to_string() })?;
            return Ok(format!("cleared: image {target} does not exist in its registry\n{note}\n"));
        }
        let active = faults::active_faults(c);
        let found = active.into_iter().find(|f| match (f, what) {
            (Fault::CrashContainer { pod, container: ct, .. }, Some("crash"))
            | (Fault::FailReadiness { pod, container: ct, .. }, Some("readiness"))
            | (Fault::FailLiveness { pod, container: ct, .. }, Some("liveness")) => {
                pod == target && container.is_none_or(|x| x == ct)
            }
            (Fault::NodeLost { node }, Some("node")) => node == target,
            _ => false,
        });
        let Some(f) = found else {
            return Err(format!("no such fault in effect: {}", w.join(" ")));
        };
        let note = faults::clear_fault(c, &f)?;
        Ok(format!("cleared: {f}\n{note}\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_clock() {
        assert_eq!(format_ms(500), "500ms");
        assert_eq!(format_ms(8_500), "8.5s");
        assert_eq!(format_ms(150_000), "2m30s");
        assert_eq!(format_ms(3_605_000), "1h0m5s");
        assert_eq!(clock(Time::from_utc(2025, 1, 6, 9, 10, 0).plus_ms(250)), "09:10:00.250");
    }

    #[test]
    fn transcript_echoes_commands_heredocs_and_directives() {
        let mut s = Session::new(1, None);
        let script = "kubectl get sts\nkubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nEOF\nsim time\nsim fault crash nope\n";
        let t = s.run_script(script).expect("parses");
        assert_eq!(
            t,
            "$ kubectl get sts\nNo resources found in default namespace.\n\
             $ kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nEOF\nconfigmap/c created\n\
             $ sim time\n09:10:00.000 (2025-01-06T09:10:00Z), 0s since the session started\n\
             $ sim fault crash nope\nerror: pods \"nope\" not found\n"
        );
    }

    #[test]
    fn a_pipeline_filters_stdout_and_passes_stderr_through() {
        let mut s = Session::new(1, None);
        s.run_script("kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nEOF\n").expect("parses");
        let t = s.run_script("kubectl get pods | grep web | wc -l\necho a b | wc -w\nkubectl delete cm c | grep -c '[a'\n").expect("parses");
        assert_eq!(
            t,
            "$ kubectl get pods | grep web | wc -l\nNo resources found in default namespace.\n0\n\
             $ echo a b | wc -w\n2\n\
             $ kubectl delete cm c | grep -c '[a'\ngrep: Unmatched [, [^, [:, [., or [=\n"
        );
        // The command ran although grep failed.
        assert_eq!(s.run_script("kubectl get cm c -o name").expect("parses"), "$ kubectl get cm c -o name\nError from server (NotFound): configmaps \"c\" not found\n");
        let o = run_pipeline(&mut s.cluster, "kubectl get cm | grep nothing", &Context::default());
        assert_eq!((o.stdout.as_str(), o.exit_code), ("", 1));
    }

    #[test]
    fn sim_wait_lists_the_first_stuck_objects_only() {
        // 400 Parallel replicas on 3 nodes of 110 pods: about 70 stay Pending.
        let mut s = Session::new(1, None);
        let script = "kubectl apply -f - <<EOF\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: big\nspec:\n  serviceName: big\n  replicas: 400\n  podManagementPolicy: Parallel\n  selector:\n    matchLabels: {app: big}\n  template:\n    metadata:\n      labels: {app: big}\n    spec:\n      containers:\n      - name: c\n        image: nginx:1.27\nEOF\nsim wait\n";
        let out = s.run_script(script).unwrap_or_else(|e| panic!("{e}"));
        let listed = out.lines().filter(|l| l.starts_with("  - ") && !l.starts_with("  - … and")).count();
        assert_eq!(listed, BLOCKED_LINES, "{out}");
        assert!(out.lines().any(|l| l.starts_with("  - … and ") && l.ends_with(" more")), "{out}");
    }
}
