//! What the console does with a line: `sim` directives, `echo`, read-only kubectl on a copy of
//! the cluster, `get -w` watches, the browser's `kubectl edit` (an editor tab), and everything
//! else as a recorded input; `for` loops and `;` lists run each of their commands so. Part of
//! the reducer ([`State`]); no side effects.

use std::rc::Rc;

use crate::kubectl::resources::resolve_kind;
use crate::script::{shell, Item};
use crate::session::input::{self, Input, Outcome};

use super::state::{line, stream_lines, transcript, ConsoleLine, LineKind, State, Watch};

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

/// Where a command's output goes: straight to the console with its echo, or (a loop's or `;`
/// list's command) into the stream the whole line prints under its one echo.
type Sink<'a> = Option<&'a mut Vec<(bool, String)>>;

impl State {
    /// Runs a console command: one line, or a block the prompt collected
    /// ([`crate::script::LineReader`]): `kubectl … <<EOF`, its body and `EOF`, or a `for` loop
    /// typed over several lines. A loop or `cmd1; cmd2` list is read as bash reads it
    /// ([`crate::script::shell`]): each expanded command runs (and is recorded) on its own, and
    /// the line is echoed once above their output.
    pub(super) fn command(&mut self, text: String) {
        let text = text.trim().to_string();
        if text.is_empty() {
            return;
        }
        {
            // ↑ recalls a heredoc's command line, which opens the heredoc again.
            let first = text.lines().next().unwrap_or_default().to_string();
            let mut s = self.session.borrow_mut();
            if s.typed.last() != Some(&first) {
                s.typed.push(first);
                let n = s.typed.len();
                if n > 500 {
                    s.typed.drain(..n - 500);
                }
            }
        }
        self.files_rev += 1; // typed history is saved with the files
        self.watch = None;
        if text == "clear" {
            self.console = Rc::new(Vec::new());
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
                    let c = self.session.borrow();
                    let all: Vec<_> = c.cluster().why.iter().collect();
                    let why: Vec<String> = all[all.len().saturating_sub(10)..]
                        .iter()
                        .map(|d| format!("{} {} {}: {} {} — {}", d.at, d.component, d.subject, d.verdict.as_str(), d.target, d.reason))
                        .collect();
                    drop(c);
                    self.emit_text(&mut sink, &text_or(&words), false, &why.join("\n"));
                    return;
                }
                ["time"] => {
                    let now = self.session.borrow().cluster().now;
                    self.emit_text(&mut sink, &text_or(&words), false, &now.to_string());
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
            let mut copy = self.session.borrow().cluster().clone();
            let files = input::named_tabs(&words, &self.session.borrow().files);
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
                self.watch = watch_of(&words);
                if self.watch.is_some() {
                    self.say([line(LineKind::Note, "watching: rows appear as the simulation runs (Ctrl-C or a new command stops it)")]);
                }
            }
            return;
        }
        let input = match stdin {
            None if piped => Input::Kubectl { files: input::named_tabs(&words, &self.session.borrow().files), line: text, stdin: None },
            Some(body) => Input::Kubectl { stdin: Some(body), files: input::named_tabs(&words, &self.session.borrow().files), line: text },
            None => input::console_kubectl(text, &words, &self.session.borrow().files),
        };
        let echo = sink.is_none();
        let out = self.act_echo(input.clone(), echo);
        if !echo {
            self.emit(&mut sink, &input, &out);
        }
    }
}

fn text_or(words: &[String]) -> String {
    words.join(" ")
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

impl State {
    /// Opens the edit tab, or prints kubectl's error (NotFound …) and opens nothing.
    fn open_edit(&mut self, text: String) {
        let r = self.session.borrow_mut().open_edit(&text);
        match r {
            Ok(i) => {
                self.files_rev += 1;
                let name = self.session.borrow().files[i].name.clone();
                self.say([
                    line(LineKind::Command, text),
                    line(LineKind::Note, format!("Opened \"{name}\" in the editor: change it and press Save (saving it unchanged or empty cancels the edit).")),
                ]);
            }
            Err(o) => self.say(transcript(&Input::kubectl(text), &o)),
        }
    }

    /// The edit tab's Save.
    pub(super) fn save_edit(&mut self, index: usize) {
        let Some(tab) = self.session.borrow().files.get(index).and_then(|f| f.edit.clone()) else { return };
        self.watch = None;
        let position = self.session.borrow().timeline.position();
        let r = self.session.borrow_mut().save_edit(index);
        self.files_rev += 1;
        let echo = Input::Edit { line: tab.line, kind: tab.kind, namespace: tab.namespace, name: tab.name, patch: String::new() }.echo();
        if r.recorded {
            self.discard_future(position);
            self.rev += 1;
            self.after_changes(r.outcome.changes.clone());
            let lines = transcript(&Input::kubectl(echo), &r.outcome);
            self.say(lines);
        } else {
            self.say([line(LineKind::Command, echo)]);
            self.say_outcome(&r.outcome);
        }
        if let Some(n) = r.note {
            self.say([line(LineKind::Note, n)]);
        }
    }

    /// Closing an edit tab quits the editor without saving.
    pub(super) fn cancel_edit(&mut self, index: usize) -> bool {
        let tab = self.session.borrow().files.get(index).and_then(|f| f.edit.clone());
        let Some(tab) = tab else { return false };
        let out = self.session.borrow_mut().cancel_edit(index);
        self.files_rev += 1;
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
