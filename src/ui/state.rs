//! The playground's one piece of state and everything that changes it (Yew's
//! `function_todomvc` shape: a [`Reducible`] with an [`Action`] enum; side effects live in
//! `use_effect_with` hooks in `ui::App`, never here).
//!
//! The session (timeline + cluster + files) is large and mostly shared between renders, so it
//! sits behind `Rc<RefCell<…>>` and is changed in place; [`State::rev`] counts changes, and
//! every derived value (the diagram's view, the inspector's text) is memoized on it. Cloning the
//! timeline on every action would copy thousands of checkpointed objects per step.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::engine::api::Kind;
use crate::engine::store::WatchEventType;
use crate::session::input::{Change, Input, Outcome};
use crate::session::persist::Saved;
use crate::session::{script, File, Session, NAMESPACE};

/// Play speeds offered (multiples of real time).
pub const SPEEDS: &[f64] = &[0.5, 1.0, 2.0, 5.0, 10.0, 20.0];
/// Index of 1× in [`SPEEDS`].
pub const DEFAULT_SPEED: usize = 1;
/// Said when a step finds nothing to do.
pub const SETTLED: &str = "Nothing left to happen: the cluster has settled.";
/// The console's first line.
pub const CONSOLE_HELLO: &str = "Type kubectl commands here (Tab completes, ↑ ↓ recall). `sim step`, `sim wait`, `sim fault …` drive the simulation.";
/// Console lines kept.
pub const CONSOLE_LINES: usize = 2000;

/// What kind of console line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// A command the learner ran (`$ …`).
    Command,
    /// Standard output.
    Out,
    /// Standard error.
    Err,
    /// The playground's own note.
    Note,
}

/// One console line (possibly several text lines).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleLine {
    /// Kind.
    pub kind: LineKind,
    /// Text.
    pub text: String,
    /// The timeline position it was printed at (inputs applied). After stepping back, lines
    /// printed later than the position are "in the future": shown greyed until the position
    /// reaches them again, and discarded when acting there branches the timeline.
    pub at: usize,
}

/// The selected object (diagram click): shown in the inspector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    /// Kind.
    pub kind: Kind,
    /// Name.
    pub name: String,
}

/// Colour scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Follow the system (`prefers-color-scheme`).
    Auto,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl Theme {
    /// The class on the app root.
    pub fn css(self) -> &'static str {
        match self {
            Theme::Auto => "theme-auto",
            Theme::Light => "theme-light",
            Theme::Dark => "theme-dark",
        }
    }

    /// Stored name.
    pub fn name(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// From a stored name.
    pub fn from_name(s: &str) -> Theme {
        match s {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::Auto,
        }
    }
}

/// A modal dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dialog {
    /// The share link (already built).
    Share(String),
    /// Export as a script / import one.
    Script,
    /// Keys and commands.
    Help,
}

/// An active `kubectl get … -w`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Watch {
    /// The kind watched.
    pub kind: Kind,
    /// The command without `-w`, used to print one row per change.
    pub base: Vec<String>,
    /// A name given on the command line (only it is watched).
    pub name: Option<String>,
}

/// The whole UI state.
#[derive(Clone)]
pub struct State {
    /// Files and history (changed in place; see the module docs).
    pub session: Rc<RefCell<Session>>,
    /// Bumped on every change to the cluster or the position.
    pub rev: u64,
    /// Bumped on every change to the editor files.
    pub files_rev: u64,
    /// Console transcript.
    pub console: Rc<Vec<ConsoleLine>>,
    /// Playing.
    pub playing: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// Selected object.
    pub selected: Option<Selection>,
    /// Colour scheme.
    pub theme: Theme,
    /// Large fonts for a projector.
    pub presenter: bool,
    /// Open dialog.
    pub dialog: Option<Dialog>,
    /// A message for the learner (e.g. a share link that could not be read).
    pub notice: Option<String>,
    /// What the last input changed (the diagram highlights it).
    pub recent: Rc<Vec<Change>>,
    /// Active watch.
    pub watch: Option<Watch>,
    /// The lessons panel is shown in place of the editor.
    pub lessons_open: bool,
    /// The lesson it shows (kept while the panel is closed).
    pub lesson: usize,
}

impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.session, &other.session)
            && self.rev == other.rev
            && self.files_rev == other.files_rev
            && Rc::ptr_eq(&self.console, &other.console)
            && self.playing == other.playing
            && self.speed == other.speed
            && self.selected == other.selected
            && self.theme == other.theme
            && self.presenter == other.presenter
            && self.dialog == other.dialog
            && self.notice == other.notice
            && self.watch == other.watch
            && self.lessons_open == other.lessons_open
            && self.lesson == other.lesson
    }
}

impl Default for State {
    fn default() -> Self {
        State::from_session(Session::new())
    }
}

/// Everything that can happen.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Editor text changed.
    Edit(usize, String),
    /// A tab was chosen.
    SelectFile(usize),
    /// A new empty tab.
    AddFile,
    /// A tab closed (an edit tab: the edit is cancelled).
    CloseFile(usize),
    /// The active tab's primary button: `kubectl apply -f <tab>`, or Save for an edit tab.
    ApplyActive,
    /// A console line (kubectl, `sim …`, `clear`).
    Command(String),
    /// Ctrl-C in the console: stop a watch.
    Interrupt,
    /// One step forward (recorded).
    Step,
    /// One input back.
    Back,
    /// One input forward (redo), or a step when at the end.
    Forward,
    /// Jump to a position.
    Seek(usize),
    /// Back to the start.
    Reset,
    /// Forget the history (keep the files).
    NewSession,
    /// Play or pause.
    TogglePlay,
    /// A play tick: one step; pauses when nothing is left to happen.
    PlayTick,
    /// Speed index.
    SetSpeed(usize),
    /// Select an object (None clears).
    Select(Option<Selection>),
    /// A fault from a pod's menu (the words after `sim fault`).
    Fault(Vec<String>),
    /// Colour scheme.
    SetTheme(Theme),
    /// Presenter mode on/off.
    TogglePresenter,
    /// Show this lesson (in place of the editor).
    Lesson(usize),
    /// Lessons panel on/off.
    ToggleLessons,
    /// Open a tab with this name and text (a lesson's file), replacing a tab of that name.
    OpenFile(String, String),
    /// Open or close a dialog.
    Dialog(Option<Dialog>),
    /// Replace the session with a script's inputs.
    ImportScript(String),
    /// Show or clear a notice.
    Notice(Option<String>),
}

pub(super) fn line(kind: LineKind, text: impl Into<String>) -> ConsoleLine {
    ConsoleLine { kind, text: text.into(), at: 0 }
}

/// Console lines for an input and what it printed, in the order it was written (kubectl's
/// `Found 3 pods, using pod/myapp-0` before the logs, as a terminal shows it).
pub fn transcript(input: &Input, out: &Outcome) -> Vec<ConsoleLine> {
    let mut v = vec![line(LineKind::Command, input.echo())];
    for (err, text) in out.pieces() {
        let text = text.trim_end_matches('\n');
        if !text.is_empty() {
            v.push(line(if err { LineKind::Err } else { LineKind::Out }, text));
        }
    }
    v
}

/// Console lines for what a loop's commands wrote, as a terminal shows the one stream: a
/// command's output without a final newline runs on into the next one's (`kubectl get …
/// --template …; echo`), and a lone `echo` is an empty line. One console line per text line.
pub fn stream_lines(pieces: &[(bool, String)]) -> Vec<ConsoleLine> {
    let mut merged: Vec<(bool, String)> = Vec::new();
    for (err, text) in pieces.iter().filter(|(_, t)| !t.is_empty()) {
        match merged.last_mut() {
            Some((e, t)) if e == err => t.push_str(text),
            _ => merged.push((*err, text.clone())),
        }
    }
    let mut v = Vec::new();
    for (err, text) in merged {
        let kind = if err { LineKind::Err } else { LineKind::Out };
        v.extend(text.strip_suffix('\n').unwrap_or(&text).split('\n').map(|l| line(kind, l)));
    }
    v
}

impl State {
    /// A state around a session (console rebuilt from the history).
    pub fn from_session(session: Session) -> State {
        let mut console = vec![line(LineKind::Note, CONSOLE_HELLO)];
        // The whole history, redo-able entries included: those show as in the future.
        for (i, e) in session.timeline.entries().iter().enumerate() {
            if e.input.is_echoed() {
                console.extend(transcript(&e.input, &e.output).into_iter().map(|l| ConsoleLine { at: i + 1, ..l }));
            }
        }
        State {
            session: Rc::new(RefCell::new(session)),
            rev: 0,
            files_rev: 0,
            console: Rc::new(console),
            playing: false,
            speed: DEFAULT_SPEED,
            selected: None,
            theme: Theme::Auto,
            presenter: false,
            dialog: None,
            notice: None,
            recent: Rc::new(Vec::new()),
            watch: None,
            lessons_open: false,
            lesson: 0,
        }
    }

    /// A state restored from a saved session; the message says why not when it cannot be.
    pub fn from_saved(saved: &Saved) -> Result<State, String> {
        Session::restore(saved).map(State::from_session)
    }

    /// Prints lines, stamped with the current timeline position.
    pub(super) fn say(&mut self, lines: impl IntoIterator<Item = ConsoleLine>) {
        let at = self.session.borrow().timeline.position();
        let c = Rc::make_mut(&mut self.console);
        c.extend(lines.into_iter().map(|l| ConsoleLine { at, ..l }));
        if c.len() > CONSOLE_LINES {
            let extra = c.len() - CONSOLE_LINES;
            c.drain(..extra);
        }
    }

    /// Drops the console lines printed after `position`: the timeline is about to branch there
    /// and discard the inputs that printed them.
    pub(super) fn discard_future(&mut self, position: usize) {
        if self.console.iter().any(|l| l.at > position) {
            Rc::make_mut(&mut self.console).retain(|l| l.at <= position);
        }
    }

    /// Applies an input. Returns its outcome's text (output, exit code); its changes are moved
    /// to [`State::recent`], not copied again (a step at 1,000 pods changes ~2,000 objects).
    pub(super) fn act(&mut self, input: Input) -> Outcome {
        self.act_echo(input, true)
    }

    /// [`Self::act`]; `echo: false` leaves the printing to the caller (a loop's command).
    pub(super) fn act_echo(&mut self, input: Input, echo: bool) -> Outcome {
        let position = self.session.borrow().timeline.position();
        self.discard_future(position);
        let mut out = self.session.borrow_mut().act(input.clone()).clone();
        self.rev += 1;
        if echo && input.is_command() {
            self.say(transcript(&input, &out));
        }
        self.after_changes(std::mem::take(&mut out.changes));
        out
    }

    pub(super) fn after_changes(&mut self, changes: Vec<Change>) {
        self.recent = Rc::new(changes);
        let changes = self.recent.clone();
        let Some(w) = self.watch.clone() else { return };
        let mut rows = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        // `get` only reads: one scratch copy serves every row (a copy per row cost a whole
        // cluster clone per changed object at 1,000 pods).
        let mut copy = None;
        for ch in changes.iter().rev() {
            if ch.kind != w.kind || &*ch.namespace != NAMESPACE && w.kind.info().namespaced {
                continue;
            }
            if w.name.as_ref().is_some_and(|n| **n != *ch.name) || !seen.insert(ch.name.clone()) {
                continue;
            }
            if ch.type_ == WatchEventType::Deleted {
                continue;
            }
            let mut args = w.base.clone();
            if w.name.is_none() {
                args.push(ch.name.to_string());
            }
            args.push("--no-headers".into());
            let copy = copy.get_or_insert_with(|| self.session.borrow().cluster().clone());
            let o = crate::kubectl::run_args(copy, &args, &Default::default());
            if o.exit_code == 0 && !o.stdout.is_empty() {
                rows.push(line(LineKind::Out, o.stdout.trim_end_matches('\n')));
            }
        }
        rows.reverse();
        self.say(rows);
    }

    fn stop_if_settled(&mut self) {
        if self.recent.is_empty() {
            self.playing = false;
            let s = self.session.borrow();
            let note = if s.cluster().is_settled() {
                "Nothing left to happen: the cluster has settled. Change something and play again."
            } else {
                "Nothing changed within the look-ahead window."
            };
            drop(s);
            self.say([line(LineKind::Note, note)]);
        }
    }
}


impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Edit(i, text) => {
                if let Some(f) = s.session.borrow_mut().files.get_mut(i) {
                    f.text = text;
                }
                s.files_rev += 1;
            }
            Action::SelectFile(i) => {
                let mut sess = s.session.borrow_mut();
                if i < sess.files.len() {
                    sess.active = i;
                }
                drop(sess);
                s.files_rev += 1;
            }
            Action::AddFile => {
                let mut sess = s.session.borrow_mut();
                if sess.files.len() < crate::session::persist::MAX_FILES {
                    let mut n = sess.files.len() + 1;
                    while sess.files.iter().any(|f| f.name == format!("file-{n}.yaml")) {
                        n += 1;
                    }
                    sess.files.push(File { name: format!("file-{n}.yaml"), text: String::new(), edit: None });
                    sess.active = sess.files.len() - 1;
                }
                drop(sess);
                s.files_rev += 1;
            }
            Action::CloseFile(i) => {
                if s.cancel_edit(i) {
                    return Rc::new(s);
                }
                let mut sess = s.session.borrow_mut();
                if sess.files.len() > 1 && i < sess.files.len() {
                    sess.files.remove(i);
                    if sess.active >= sess.files.len() || sess.active > i {
                        sess.active = sess.active.saturating_sub(1);
                    }
                }
                drop(sess);
                s.files_rev += 1;
            }
            Action::ApplyActive => {
                let f = {
                    let sess = s.session.borrow();
                    sess.files.get(sess.active).cloned()
                };
                if let Some(File { edit: Some(_), .. }) = f {
                    let i = s.session.borrow().active;
                    s.save_edit(i);
                } else if let Some(f) = f {
                    s.watch = None;
                    s.act(Input::Apply { file: f.name, text: f.text });
                }
            }
            Action::Command(text) => s.command(text),
            Action::Interrupt => {
                if s.watch.take().is_some() {
                    s.say([line(LineKind::Note, "^C")]);
                }
            }
            Action::Step => {
                s.act(Input::STEP);
                if s.recent.is_empty() && s.console.last().map(|l| l.text.as_str()) != Some(SETTLED) {
                    s.say([line(LineKind::Note, SETTLED)]);
                }
            }
            Action::PlayTick => {
                if s.playing {
                    s.act(Input::STEP);
                    s.stop_if_settled();
                }
            }
            Action::Back => {
                let pos = s.session.borrow().timeline.position();
                if pos > 0 {
                    s.playing = false;
                    s.session.borrow_mut().seek(pos - 1);
                    s.rev += 1;
                    s.recent = Rc::new(Vec::new());
                }
            }
            Action::Forward => {
                let (pos, len) = {
                    let t = &s.session.borrow().timeline;
                    (t.position(), t.len())
                };
                if pos < len {
                    s.session.borrow_mut().seek(pos + 1);
                    let changes = s.session.borrow().timeline.entries()[pos].output.changes.clone();
                    s.rev += 1;
                    s.after_changes(changes);
                } else {
                    return Rc::new(s).reduce(Action::Step);
                }
            }
            Action::Seek(n) => {
                s.playing = false;
                s.session.borrow_mut().seek(n);
                s.rev += 1;
                s.recent = Rc::new(Vec::new());
            }
            Action::Reset => {
                s.playing = false;
                s.session.borrow_mut().seek(0);
                s.rev += 1;
                s.recent = Rc::new(Vec::new());
            }
            Action::NewSession => {
                let (files, active, typed) = {
                    let sess = s.session.borrow();
                    (sess.files.clone(), sess.active, sess.typed.clone())
                };
                let mut fresh = Session::new();
                fresh.files = files;
                fresh.active = active;
                fresh.typed = typed;
                let mut next = State::from_session(fresh);
                next.theme = s.theme;
                next.presenter = s.presenter;
                next.speed = s.speed;
                next.rev = s.rev + 1;
                next.files_rev = s.files_rev + 1;
                return Rc::new(next);
            }
            Action::TogglePlay => s.playing = !s.playing,
            Action::SetSpeed(i) => s.speed = i.min(SPEEDS.len() - 1),
            Action::Select(sel) => s.selected = sel,
            Action::Fault(words) => {
                s.act(Input::Fault { words });
            }
            Action::SetTheme(t) => s.theme = t,
            Action::TogglePresenter => s.presenter = !s.presenter,
            Action::Lesson(l) => {
                s.lesson = l.min(crate::session::lessons::LESSONS.len() - 1);
                s.lessons_open = true;
            }
            Action::ToggleLessons => s.lessons_open = !s.lessons_open,
            Action::OpenFile(name, text) => {
                let mut sess = s.session.borrow_mut();
                match sess.files.iter().position(|f| f.name == name && f.edit.is_none()) {
                    Some(i) => {
                        sess.files[i].text = text;
                        sess.active = i;
                    }
                    None if sess.files.len() < crate::session::persist::MAX_FILES => {
                        sess.files.push(File { name, text, edit: None });
                        sess.active = sess.files.len() - 1;
                    }
                    None => {}
                }
                drop(sess);
                s.files_rev += 1;
            }
            Action::Dialog(d) => s.dialog = d,
            Action::ImportScript(text) => match script::import(&text) {
                Ok(inputs) => {
                    let n = inputs.len();
                    s.playing = false;
                    s.watch = None;
                    s.say([line(LineKind::Note, format!("Importing a script: {n} inputs, played from the current position."))]);
                    for i in inputs {
                        s.act(i);
                    }
                    s.dialog = None;
                }
                Err(e) => s.notice = Some(format!("That script could not be read: {e}")),
            },
            Action::Notice(n) => s.notice = n,
        }
        Rc::new(s)
    }
}
