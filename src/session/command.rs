//! What the browser's console does with a line: `sim` directives, `echo`, read-only kubectl on
//! a copy of the cluster, `get -w` watches, the browser's `kubectl edit` (an editor tab), and
//! everything else as a recorded input; `for` loops and `;` lists run each of their commands so.
//! [`Console`] runs it on a session and collects what the UI must do as [`Effect`]s (what to
//! print, what was recorded, a watch to follow), so the UI holds no engine logic.

use super::console::{line, stream_lines, transcript, ConsoleLine, Effect, LineKind, Watch};
use super::input::{self, Input, Outcome};
use super::Session;
use crate::kubectl::resources::resolve_kind;
use crate::script::{shell, Item};

/// Read-only kubectl verbs: run on a copy of the cluster and not recorded in the history
/// (so looking does not cut off the redo history).
fn is_read_only(words: &[String]) -> bool {
    let w: Vec<&str> = words.iter().map(String::as_str).filter(|w| !w.starts_with('-')).collect();
    let w = if w.first() == Some(&"kubectl") { &w[1..] } else { &w[..] };
    matches!(
        w,
        [] | ["get" | "describe" | "explain" | "version" | "api-resources" | "api-versions" | "help" | "logs", ..]
            | ["rollout", "status" | "history", ..]
    )
}

/// Most typed lines kept for ↑ ↓.
const TYPED_LINES: usize = 500;

/// Where a command's output goes: straight to the console with its echo, or (a loop's or `;`
/// list's command) into the stream the whole line prints under its one echo.
type Sink<'a> = Option<&'a mut Vec<(bool, String)>>;

/// Console work on a session: each call acts on the session and appends what the UI must do
/// ([`Effect`]s, in order) until [`Console::finish`].
pub struct Console<'a> {
    session: &'a mut Session,
    effects: Vec<Effect>,
}

impl<'a> Console<'a> {
    /// Console work on `session`.
    pub fn new(session: &'a mut Session) -> Console<'a> {
        Console { session, effects: Vec::new() }
    }

    /// What the UI must do, in order.
    pub fn finish(self) -> Vec<Effect> {
        self.effects
    }

    /// Prints lines, stamped with the current timeline position.
    fn say(&mut self, lines: impl IntoIterator<Item = ConsoleLine>) {
        let at = self.session.timeline.position();
        let lines: Vec<ConsoleLine> = lines.into_iter().map(|l| ConsoleLine { at, ..l }).collect();
        self.effects.push(Effect::Print(lines));
    }

    /// Applies an input, echoing it (when it is a command) with what it printed. Returns its
    /// outcome without its changes (those are in the [`Effect::Recorded`]).
    pub fn act(&mut self, input: Input) -> Outcome {
        self.act_echo(input, true)
    }

    /// [`Self::act`]; `echo: false` leaves the printing to the caller (a loop's command).
    fn act_echo(&mut self, input: Input, echo: bool) -> Outcome {
        let at = self.session.timeline.position();
        let mut out = self.session.act(input.clone()).clone();
        let changes = std::mem::take(&mut out.changes);
        let now = self.session.timeline.position();
        let lines = if echo && input.is_command() {
            transcript(&input, &out).into_iter().map(|l| ConsoleLine { at: now, ..l }).collect()
        } else {
            Vec::new()
        };
        self.effects.push(Effect::Recorded { at, lines, changes });
        out
    }

    /// Runs a console command: one line, or a block the prompt collected
    /// ([`crate::script::LineReader`]): `kubectl … <<EOF`, its body and `EOF`, or a `for` loop
    /// typed over several lines. A loop or `cmd1; cmd2` list is read as bash reads it
    /// ([`crate::script::shell`]): each expanded command runs (and is recorded) on its own, and
    /// the line is echoed once above their output.
    pub fn command(&mut self, text: &str) {
        let text = text.trim().to_string();
        if text.is_empty() {
            return;
        }
        // ↑ recalls a heredoc's command line, which opens the heredoc again.
        let first = text.lines().next().unwrap_or_default().to_string();
        let typed = &mut self.session.typed;
        if typed.last() != Some(&first) {
            typed.push(first);
            let n = typed.len();
            if n > TYPED_LINES {
                typed.drain(..n - TYPED_LINES);
            }
        }
        self.effects.push(Effect::FilesChanged); // typed history is saved with the files
        if text == "clear" {
            self.effects.push(Effect::Clear);
            return;
        }
        // A heredoc becomes the command's stdin, as in `stsplay run` scripts.
        if text.starts_with("kubectl ") && text.contains("<<") {
            match crate::script::parse(&text).map(|mut items| items.pop().map(|l| l.item)) {
                Ok(Some(Item::Kubectl { line: l, stdin: Some(body) })) => return self.simple(l, Some(body), None),
                Err(e) => {
                    self.say([line(LineKind::Command, text), line(LineKind::Err, format!("error: {}", e.message))]);
                    return;
                }
                _ => {}
            }
        }
        let reading = match shell::read(&text) {
            Ok(r) => r,
            Err(e) => {
                self.say([line(LineKind::Command, text), line(LineKind::Err, format!("error: {e}"))]);
                return;
            }
        };
        if !reading.compound {
            match reading.commands.into_iter().next() {
                Some(cmd) => self.simple(cmd, None, None),
                None => self.say([line(LineKind::Command, text)]), // only a comment
            }
            return;
        }
        // What needs the console to itself cannot run inside a loop; nothing runs then.
        for cmd in &reading.commands {
            let cmd = shell::pipeline(cmd).map_or_else(|_| cmd.clone(), |p| p.command);
            let words = shell_words::split(&cmd).unwrap_or_default();
            let refused = if is_edit(&words) {
                Some("kubectl edit opens an editor tab: run it on its own")
            } else if strip_watch(words.clone()).1 {
                Some("a watch (-w) never ends, so the loop would not go on: run it on its own")
            } else if words.first().map(String::as_str) == Some("clear") {
                Some("clear: run it on its own")
            } else {
                None
            };
            if let Some(m) = refused {
                self.say([line(LineKind::Command, text), line(LineKind::Err, format!("error: {m}"))]);
                return;
            }
        }
        let mut out = Vec::new();
        for cmd in reading.commands {
            self.simple(cmd, None, Some(&mut out));
        }
        let lines: Vec<ConsoleLine> = std::iter::once(line(LineKind::Command, text)).chain(stream_lines(&out)).collect();
        self.say(lines);
    }

    /// Prints what a command wrote: to the console under its echo, or into the line's stream.
    fn emit(&mut self, sink: &mut Sink<'_>, echo: &Input, out: &Outcome) {
        match sink {
            Some(v) => v.extend(out.pieces().into_iter().map(|(e, t)| (e, t.to_string()))),
            None => self.say(transcript(echo, out)),
        }
    }

    /// Like [`Self::emit`], for the console's own text (no kubectl outcome); a lone `echo`'s
    /// newline is an empty line, as in a terminal.
    fn emit_text(&mut self, sink: &mut Sink<'_>, echo: &str, err: bool, text: &str) {
        match sink {
            Some(v) => v.push((err, text.to_string())),
            None => {
                let lines: Vec<ConsoleLine> = std::iter::once(line(LineKind::Command, echo)).chain(stream_lines(&[(err, text.to_string())])).collect();
                self.say(lines);
            }
        }
    }

    /// One simple command: `sim …`, `echo …`, the browser's `kubectl edit`, read-only kubectl
    /// on a copy, a watch, or a recorded input.
    /// A pipeline (`kubectl get pods | grep web`) runs its command and puts the stdout
    /// through the filters; the whole line is what is echoed and recorded, so a replay filters
    /// again.
    fn simple(&mut self, text: String, stdin: Option<String>, mut sink: Sink<'_>) {
        let (cmd, filters) = match shell::pipeline(&text) {
            Ok(p) => (p.command, p.filters),
            Err(_) => (text.clone(), Vec::new()),
        };
        let piped = !filters.is_empty();
        let words: Vec<String> = match shell_words::split(&cmd) {
            Ok(w) if !w.is_empty() => w,
            _ => {
                self.emit_text(&mut sink, &text, true, "error: unterminated quoted string in command line");
                return;
            }
        };
        if words[0] == "echo" {
            match shell::echo(&words[1..]) {
                Ok(o) if piped => {
                    let f = crate::script::filters::run(&filters, &o);
                    let out = Outcome { stdout: f.stdout, stderr: f.stderr, exit_code: f.status, ..Default::default() };
                    // The filters' errors came first (see cli::session::pipe).
                    let out = Outcome { combined: format!("{}{}", out.stderr, out.stdout), stderr_spans: vec![0..out.stderr.len()], ..out };
                    self.emit(&mut sink, &Input::kubectl(text), &out);
                }
                Ok(o) => self.emit_text(&mut sink, &text, false, &o),
                Err(e) => self.emit_text(&mut sink, &text, true, &format!("error: {e}")),
            }
            return;
        }
        if words[0] == "sim" {
            let rest: Vec<&str> = words[1..].iter().map(String::as_str).collect();
            let input = match rest.as_slice() {
                ["step"] => Some(Input::STEP),
                ["step", n] => n.parse().ok().filter(|n| (1..=10_000).contains(n)).map(|n| Input::Step { n }),
                ["advance", d] => crate::script::parse_duration(d).map(|ms| Input::Advance { ms }),
                ["wait"] => Some(Input::Wait),
                ["fault", ..] => Some(Input::Fault { words: words[2..].to_vec() }),
                ["why"] => {
                    let all: Vec<_> = self.session.cluster().why.iter().collect();
                    let why: Vec<String> = all[all.len().saturating_sub(10)..]
                        .iter()
                        .map(|d| format!("{} {} {}: {} {} — {}", d.at, d.component, d.subject, d.verdict.as_str(), d.target, d.reason))
                        .collect();
                    self.emit_text(&mut sink, &words.join(" "), false, &why.join("\n"));
                    return;
                }
                ["time"] => {
                    let now = self.session.cluster().now;
                    self.emit_text(&mut sink, &words.join(" "), false, &now.to_string());
                    return;
                }
                _ => None,
            };
            match input {
                Some(i) => {
                    // Console steps are markers too: they were typed. Typed clock moves are
                    // echoed with what `stsplay run` prints for them (the buttons stay quiet).
                    let out = self.act_echo(i.clone(), sink.is_none());
                    if !i.is_command() || sink.is_some() {
                        self.emit(&mut sink, &i, &out);
                    }
                }
                None => self.emit_text(&mut sink, &text, true, "usage: sim step [N] | advance DURATION | wait | why | time | fault …"),
            }
            return;
        }
        let (edit, watch) = (is_edit(&words), strip_watch(words.clone()).1);
        if piped && (edit || watch) {
            let m = if edit { "kubectl edit opens an editor tab: run it without a pipe" } else { "a watch (-w) never ends: run it without a pipe" };
            self.emit_text(&mut sink, &text, true, &format!("error: {m}"));
            return;
        }
        if edit {
            self.open_edit(text);
            return;
        }
        let (words, watch, watch_only) = strip_watch(words);
        if watch || is_read_only(&words) {
            let mut copy = self.session.cluster().clone();
            let files = input::named_tabs(&words, &self.session.files);
            let echo = match &stdin {
                Some(_) => Input::Kubectl { line: text.clone(), stdin: stdin.clone(), files: Default::default() },
                None => Input::kubectl(text.clone()),
            };
            let mut k = crate::kubectl::run_args(&mut copy, &words, &input::context(stdin, &files));
            if piped {
                k = crate::cli::session::pipe(k, &filters);
            }
            let mut o = Outcome::from_kubectl(k);
            if watch_only {
                // Only what went to stderr is left, so the write order no longer matters.
                o.stdout.clear();
                o.combined.clear();
                o.stderr_spans.clear();
            }
            self.emit(&mut sink, &echo, &o);
            if watch && o.exit_code == 0 {
                if let Some(w) = watch_of(&words) {
                    self.effects.push(Effect::Watch(w));
                    self.say([line(LineKind::Note, "watching: rows appear as the simulation runs (Ctrl-C or a new command stops it)")]);
                }
            }
            return;
        }
        let input = match stdin {
            None if piped => Input::Kubectl { files: input::named_tabs(&words, &self.session.files), line: text, stdin: None },
            Some(body) => Input::Kubectl { stdin: Some(body), files: input::named_tabs(&words, &self.session.files), line: text },
            None => input::console_kubectl(text, &words, &self.session.files),
        };
        let echo = sink.is_none();
        let out = self.act_echo(input.clone(), echo);
        if !echo {
            self.emit(&mut sink, &input, &out);
        }
    }

    /// Opens the edit tab, or prints kubectl's error (NotFound …) and opens nothing.
    fn open_edit(&mut self, text: String) {
        match self.session.open_edit(&text) {
            Ok(i) => {
                self.effects.push(Effect::FilesChanged);
                let name = self.session.files[i].name.clone();
                self.say([
                    line(LineKind::Command, text),
                    line(LineKind::Note, format!("Opened \"{name}\" in the editor: change it and press Save (saving it unchanged or empty cancels the edit).")),
                ]);
            }
            Err(o) => self.say(transcript(&Input::kubectl(text), &o)),
        }
    }

    /// The edit tab's Save (nothing when tab `index` is not an edit tab).
    pub fn save_edit(&mut self, index: usize) {
        let Some(tab) = self.session.files.get(index).and_then(|f| f.edit.clone()) else { return };
        let at = self.session.timeline.position();
        let r = self.session.save_edit(index);
        self.effects.push(Effect::FilesChanged);
        let echo = Input::Edit { line: tab.line, kind: tab.kind, namespace: tab.namespace, name: tab.name, patch: String::new() }.echo();
        if r.recorded {
            let now = self.session.timeline.position();
            let lines = transcript(&Input::kubectl(echo), &r.outcome).into_iter().map(|l| ConsoleLine { at: now, ..l }).collect();
            self.effects.push(Effect::Recorded { at, lines, changes: r.outcome.changes.clone() });
        } else {
            self.say([line(LineKind::Command, echo)]);
            self.say_outcome(&r.outcome);
        }
        if let Some(n) = r.note {
            self.say([line(LineKind::Note, n)]);
        }
    }

    /// Closing an edit tab quits the editor without saving. False (and nothing done) when tab
    /// `index` is not an edit tab.
    pub fn cancel_edit(&mut self, index: usize) -> bool {
        let tab = self.session.files.get(index).and_then(|f| f.edit.clone());
        let Some(tab) = tab else { return false };
        let out = self.session.cancel_edit(index);
        self.effects.push(Effect::FilesChanged);
        self.say([line(LineKind::Command, tab.line)]);
        if let Some(o) = out {
            self.say_outcome(&o);
        }
        true
    }

    /// An outcome's text without its command line; a successful command's stderr
    /// ("Edit cancelled, …") is not shown as an error.
    fn say_outcome(&mut self, o: &Outcome) {
        for (text, err) in [(&o.stdout, false), (&o.stderr, o.exit_code != 0)] {
            if !text.is_empty() {
                let kind = if err { LineKind::Err } else { LineKind::Out };
                self.say([line(kind, text.trim_end_matches('\n'))]);
            }
        }
    }
}

/// Splits `-w` / `--watch` / `--watch-only` off a kubectl command.
fn strip_watch(words: Vec<String>) -> (Vec<String>, bool, bool) {
    let mut watch = false;
    let mut only = false;
    let rest = words
        .into_iter()
        .filter(|w| match w.as_str() {
            "-w" | "--watch" | "--watch=true" => {
                watch = true;
                false
            }
            "--watch-only" | "--watch-only=true" => {
                watch = true;
                only = true;
                false
            }
            _ => true,
        })
        .collect();
    (rest, watch, only)
}

fn watch_of(words: &[String]) -> Option<Watch> {
    let pos: Vec<&String> = words.iter().filter(|w| !w.starts_with('-')).collect();
    let pos: Vec<&String> = if pos.first().map(|s| s.as_str()) == Some("kubectl") { pos[1..].to_vec() } else { pos };
    if pos.first().map(|s| s.as_str()) != Some("get") {
        return None;
    }
    let target = pos.get(1)?;
    let (kind_word, name) = match target.split_once('/') {
        Some((k, n)) => (k, Some(n.to_string())),
        None => (target.as_str(), pos.get(2).map(|s| s.to_string())),
    };
    let kind = resolve_kind(kind_word)?;
    // Rows are printed per object: `get KIND [flags]` plus the object's name.
    let mut base: Vec<String> = words.iter().filter(|w| w != target && Some(*w) != name.as_ref()).cloned().collect();
    if let Some(i) = base.iter().position(|w| w == "get") {
        base.insert(i + 1, kind_word.to_string());
    }
    if let Some(n) = &name {
        base.push(n.clone());
    }
    Some(Watch { kind, base, name })
}

/// `kubectl edit …`: the browser's editor path (scripts get kubectl's refusal instead).
fn is_edit(words: &[String]) -> bool {
    let w = if words.first().map(String::as_str) == Some("kubectl") { &words[1..] } else { words };
    w.first().map(String::as_str) == Some("edit")
}

impl Session {
    /// The rows an active watch prints for what an input changed: one `get` row per changed
    /// object it watches, oldest first (a deleted object prints none).
    pub fn watch_rows(&self, w: &Watch, changes: &[input::Change]) -> Vec<String> {
        let mut rows = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        // `get` only reads: one scratch copy serves every row (a copy per row cost a whole
        // cluster clone per changed object at 1,000 pods).
        let mut copy = None;
        for ch in changes.iter().rev() {
            if ch.kind != w.kind || &*ch.namespace != super::NAMESPACE && w.kind.info().namespaced {
                continue;
            }
            if w.name.as_ref().is_some_and(|n| **n != *ch.name) || !seen.insert(ch.name.clone()) {
                continue;
            }
            if ch.type_ == crate::engine::store::WatchEventType::Deleted {
                continue;
            }
            let mut args = w.base.clone();
            if w.name.is_none() {
                args.push(ch.name.to_string());
            }
            args.push("--no-headers".into());
            let copy = copy.get_or_insert_with(|| self.cluster().clone());
            let o = crate::kubectl::run_args(copy, &args, &Default::default());
            if o.exit_code == 0 && !o.stdout.is_empty() {
                rows.push(o.stdout.trim_end_matches('\n').to_string());
            }
        }
        rows.reverse();
        rows
    }

    /// The console as the history prints it: each echoed input's transcript, stamped with the
    /// position after it (the whole history, redo-able entries included: those show as in the
    /// future). What a reload or a share link shows below the console's greeting.
    pub fn history_lines(&self) -> Vec<ConsoleLine> {
        let mut console = Vec::new();
        for (i, e) in self.timeline.entries().iter().enumerate() {
            if e.input.is_echoed() {
                console.extend(transcript(&e.input, &e.output).into_iter().map(|l| ConsoleLine { at: i + 1, ..l }));
            }
        }
        console
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::seed;

    fn lines(effects: &[Effect]) -> Vec<(LineKind, String)> {
        let mut out = Vec::new();
        for e in effects {
            match e {
                Effect::Print(ls) | Effect::Recorded { lines: ls, .. } => out.extend(ls.iter().map(|l| (l.kind, l.text.clone()))),
                _ => {}
            }
        }
        out
    }

    fn run(s: &mut Session, text: &str) -> Vec<Effect> {
        let mut c = Console::new(s);
        c.command(text);
        c.finish()
    }

    fn applied() -> Session {
        let mut s = Session::new();
        Console::new(&mut s).act(Input::Apply { file: seed::SEED_FILE.into(), text: seed::SEED_YAML.into() });
        s
    }

    #[test]
    fn a_recorded_command_says_where_it_branched_and_stamps_its_transcript_after_it() {
        let mut s = applied();
        let e = run(&mut s, "kubectl scale sts myapp --replicas=2");
        assert_eq!(e[0], Effect::FilesChanged, "the typed line is kept");
        let Effect::Recorded { at, lines, changes } = &e[1] else { panic!("{e:?}") };
        assert_eq!(*at, 1);
        assert!(lines.iter().all(|l| l.at == 2), "{lines:?}");
        assert_eq!(lines[1].text, "statefulset.apps/myapp scaled");
        assert!(changes.is_empty(), "a command only writes to the store: the steps after it change objects");
        assert_eq!(s.typed, ["kubectl scale sts myapp --replicas=2"]);
    }

    #[test]
    fn reading_runs_on_a_copy_and_a_watch_is_started() {
        let mut s = applied();
        let e = run(&mut s, "kubectl get sts -w");
        assert_eq!(s.timeline.len(), 1, "not recorded");
        assert!(e.iter().any(|e| matches!(e, Effect::Watch(Watch { kind: crate::engine::api::Kind::StatefulSet, name: None, .. }))), "{e:?}");
        let got = lines(&e);
        assert!(got.iter().any(|(k, t)| *k == LineKind::Note && t.starts_with("watching:")), "{got:?}");
    }

    #[test]
    fn clear_sim_time_and_a_loop_print_as_the_console_did() {
        let mut s = applied();
        assert_eq!(run(&mut s, "clear"), [Effect::FilesChanged, Effect::Clear]);
        assert!(run(&mut s, "   ").is_empty());
        let got = lines(&run(&mut s, "sim time"));
        assert_eq!(got[0], (LineKind::Command, "sim time".to_string()));
        let got = lines(&run(&mut s, "for w in a b; do echo $w; done"));
        assert_eq!(got, [(LineKind::Command, "for w in a b; do echo $w; done".to_string()), (LineKind::Out, "a".to_string()), (LineKind::Out, "b".to_string())]);
    }

    #[test]
    fn an_edit_tab_opens_saves_and_cancels_through_the_console() {
        let mut s = applied();
        let e = run(&mut s, "kubectl edit sts myapp");
        assert!(e.contains(&Effect::FilesChanged));
        let i = s.active;
        assert!(s.files[i].edit.is_some());
        let mut c = Console::new(&mut s);
        assert!(!c.cancel_edit(0), "the example's tab is no edit tab");
        assert!(c.cancel_edit(i));
        let got = lines(&c.finish());
        assert_eq!(got, [(LineKind::Command, "kubectl edit sts myapp".to_string()), (LineKind::Out, "Edit cancelled, no changes made.".to_string())]);
        run(&mut s, "kubectl edit sts myapp");
        let i = s.active;
        s.files[i].text = s.files[i].text.replace("replicas: 3", "replicas: 4");
        let mut c = Console::new(&mut s);
        c.save_edit(i);
        let e = c.finish();
        assert!(matches!(&e[1], Effect::Recorded { at: 1, lines, .. } if lines[0].text == "kubectl edit sts myapp   # saved in the editor"), "{e:?}");
    }

    #[test]
    fn watch_rows_print_one_row_per_changed_watched_object() {
        let mut s = applied();
        let w = Watch { kind: crate::engine::api::Kind::StatefulSet, base: vec!["get".into(), "sts".into()], name: None };
        Console::new(&mut s).act(Input::Step { n: 3 });
        let changes = s.timeline.entries()[1].output.changes.clone();
        assert!(changes.len() > 1, "{changes:?}");
        let rows = s.watch_rows(&w, &changes);
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert!(rows[0].starts_with("myapp "), "{rows:?}");
    }

    #[test]
    fn history_lines_are_the_echoed_inputs_stamped_after_each() {
        let mut s = applied();
        run(&mut s, "sim step 2");
        Console::new(&mut s).act(Input::STEP);
        let h = s.history_lines();
        assert_eq!((h[0].text.as_str(), h[0].at), ("kubectl apply -f myapp.yaml", 1));
        assert!(h.iter().any(|l| l.text == "sim step 2" && l.at == 2));
        assert!(h.iter().all(|l| l.at <= 2), "a single step is not echoed");
    }
}
