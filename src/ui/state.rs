//! The playground's one piece of state and everything that changes it (Yew's
//! `function_todomvc` shape: a [`Reducible`] with an [`Action`] enum; side effects live in
//! `use_effect_with` hooks in `ui::App`, never here).
//!
//! The session (timeline + cluster + files) is large and mostly shared between renders, so it
//! sits behind `Rc<RefCell<…>>` and is changed in place; [`State::rev`] counts changes, and
//! every derived value (the diagram's view, the inspector's text) is memoized on it. Cloning the
//! timeline on every action would copy thousands of checkpointed objects per step.
//!
//! The session is a `Box<dyn SessionApi>` ([`crate::session::api`]): everything with engine
//! logic goes through that trait object, and what it returns ([`Effect`]s, view models) is
//! applied here. Until the simulator's module has loaded ([`super::engine`]), a
//! [`super::pending::Pending`] stands in for it and [`State::engine`] says so: the actions
//! that need the simulator wait for [`Action::Opened`].

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::engine::api::Kind;
use crate::session::api::SessionApi;
#[cfg(not(feature = "split"))]
use crate::session::api::{OpenError, Start};
use crate::session::console::Effect;
use crate::session::input::{Change, Input};
use crate::session::File;

pub use crate::session::console::{ConsoleLine, LineKind, Watch};

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

/// The session the UI drives: the trait object [`crate::session::api::open`] returns, shared
/// between the state and the callbacks that read it.
pub type SessionRef = Rc<RefCell<Box<dyn SessionApi>>>;

/// Where the simulator is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineStatus {
    /// Its module is on the way; [`super::pending::Pending`] holds the tabs.
    Loading,
    /// The session is the real one.
    Ready,
    /// Its module could not be loaded (offline, a file missing on the host).
    Unavailable,
}

/// Why a session was opened ([`Action::Opened`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opening {
    /// The page's session: a share link, the autosave, or fresh (`fresh`: the tabs edited
    /// while the simulator loaded carry over).
    Page {
        /// Nothing was restored.
        fresh: bool,
    },
    /// "New session": a fresh cluster and history, same tabs.
    New,
}

/// A newly opened session, handed to the reducer once (an action must be `Clone` and
/// `PartialEq`; the session is neither, so it travels in a cell compared by identity).
#[derive(Clone)]
pub struct Handoff {
    session: Rc<RefCell<Option<Box<dyn SessionApi>>>>,
    /// Why it was opened.
    pub opening: Opening,
    /// What the learner is told (a link or the autosave that could not be used).
    pub notice: Option<String>,
}

impl Handoff {
    /// Wraps a session for [`Action::Opened`].
    pub fn new(session: Box<dyn SessionApi>, opening: Opening, notice: Option<String>) -> Handoff {
        Handoff { session: Rc::new(RefCell::new(Some(session))), opening, notice }
    }

    fn take(&self) -> Option<Box<dyn SessionApi>> {
        self.session.borrow_mut().take()
    }
}

impl PartialEq for Handoff {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.session, &other.session)
    }
}

impl std::fmt::Debug for Handoff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handoff").field("opening", &self.opening).field("notice", &self.notice).finish()
    }
}

/// The whole UI state.
#[derive(Clone)]
pub struct State {
    /// Files and history (changed in place; see the module docs).
    pub session: SessionRef,
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
    /// Where the simulator is.
    pub engine: EngineStatus,
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
            && self.engine == other.engine
    }
}

/// A fresh session at once (the wasm tests, built without the `split` feature).
#[cfg(not(feature = "split"))]
impl Default for State {
    fn default() -> Self {
        match State::open(Start::Fresh) {
            Ok(s) => s,
            // A fresh session reads nothing that could be refused.
            Err(e) => unreachable!("a fresh session did not open: {}", e.message()),
        }
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
    /// A session was opened: the page's (replacing the stand-in) or a new one.
    Opened(Handoff),
    /// The simulator's module could not be loaded.
    Unavailable,
    /// Loading it again (the notice's "Try again"), after [`Action::Unavailable`].
    Retry,
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

impl Action {
    /// Whether it needs the simulator (refused while it loads, see [`State::engine`]). Editing
    /// the tabs, the lessons, the theme and the dialogs that show text do not.
    pub fn needs_engine(&self) -> bool {
        matches!(
            self,
            Action::ApplyActive
                | Action::Command(_)
                | Action::Step
                | Action::Back
                | Action::Forward
                | Action::Seek(_)
                | Action::Reset
                | Action::TogglePlay
                | Action::PlayTick
                | Action::Select(Some(_))
                | Action::Fault(_)
                | Action::ImportScript(_)
                | Action::Dialog(Some(Dialog::Script | Dialog::Share(_)))
        )
    }
}

/// The notice when the simulator's module could not be loaded.
pub const UNAVAILABLE: &str = "The simulator could not be loaded (is the page offline, or a file missing on its host?). Your saved work is untouched.";

pub(super) fn line(kind: LineKind, text: impl Into<String>) -> ConsoleLine {
    ConsoleLine { kind, text: text.into(), at: 0 }
}

impl State {
    /// A state around a newly opened session ([`crate::session::api::open`], called directly:
    /// the wasm tests, built without the `split` feature); the error says why it could not be
    /// opened.
    #[cfg(not(feature = "split"))]
    pub fn open(start: Start) -> Result<State, OpenError> {
        super::engine::open_now(start).map(State::from_session)
    }

    /// A state around a session (console rebuilt from the history).
    pub fn from_session(session: Box<dyn SessionApi>) -> State {
        let mut console = vec![line(LineKind::Note, CONSOLE_HELLO)];
        // The whole history, redo-able entries included: those show as in the future.
        console.extend(session.history_lines());
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
            engine: EngineStatus::Ready,
        }
    }

    /// Work is being restored: the simulator is not there yet and the stand-in has no tabs
    /// (the restored session brings its own).
    pub fn restoring(&self) -> bool {
        self.engine != EngineStatus::Ready && self.session.borrow().files().is_empty()
    }

    /// The state the page starts in, while the simulator loads: `pending` holds the tabs.
    pub fn loading(pending: super::pending::Pending) -> State {
        State { engine: EngineStatus::Loading, ..State::from_session(Box::new(pending)) }
    }

    /// Prints lines, stamped with the current timeline position.
    pub(super) fn say(&mut self, lines: impl IntoIterator<Item = ConsoleLine>) {
        let at = self.session.borrow().position();
        self.print(lines.into_iter().map(|l| ConsoleLine { at, ..l }));
    }

    /// Prints lines already stamped with their position.
    fn print(&mut self, lines: impl IntoIterator<Item = ConsoleLine>) {
        let mut lines = lines.into_iter().peekable();
        if lines.peek().is_none() {
            // Nothing to print (a step's empty transcript): the console, shared with the last
            // state, is not copied, and its panel is not drawn again.
            return;
        }
        let c = Rc::make_mut(&mut self.console);
        c.extend(lines);
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

    /// Applies an input (echoed when it is a command); its changes are moved to
    /// [`State::recent`], not copied again (a step at 1,000 pods changes ~2,000 objects).
    pub(super) fn act(&mut self, input: Input) {
        let effects = self.session.borrow_mut().act(input);
        self.apply(effects);
    }

    /// Does what the session said, in order: print, note a recorded input (the timeline
    /// branched: the console's future is gone, the diagram redraws, a watch prints its rows),
    /// follow a watch, clear.
    pub(super) fn apply(&mut self, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::Print(lines) => self.print(lines),
                Effect::Recorded { at, lines, changes } => {
                    self.discard_future(at);
                    self.rev += 1;
                    self.print(lines);
                    self.after_changes(changes);
                }
                Effect::FilesChanged => self.files_rev += 1,
                Effect::Watch(w) => self.watch = Some(w),
                Effect::Clear => self.console = Rc::new(Vec::new()),
            }
        }
    }

    pub(super) fn after_changes(&mut self, changes: Vec<Change>) {
        self.recent = Rc::new(changes);
        let Some(w) = self.watch.clone() else { return };
        let rows = self.session.borrow().watch_rows(&w, &self.recent);
        self.say(rows.into_iter().map(|r| line(LineKind::Out, r)));
    }

    fn stop_if_settled(&mut self) {
        if self.recent.is_empty() {
            self.playing = false;
            let s = self.session.borrow();
            let note = if s.is_settled() {
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
        if self.engine != EngineStatus::Ready && (action.needs_engine() || self.restoring() && matches!(action, Action::OpenFile(..))) {
            // Their controls are disabled until then; a key press is simply not acted on.
            return self;
        }
        let mut s = (*self).clone();
        match action {
            Action::Edit(i, text) => {
                if let Some(f) = s.session.borrow_mut().files_mut().get_mut(i) {
                    f.text = text;
                }
                s.files_rev += 1;
            }
            Action::SelectFile(i) => {
                let mut sess = s.session.borrow_mut();
                if i < sess.files().len() {
                    sess.set_active(i);
                }
                drop(sess);
                s.files_rev += 1;
            }
            Action::AddFile => {
                let mut sess = s.session.borrow_mut();
                if sess.files().len() < crate::session::persist::MAX_FILES {
                    let mut n = sess.files().len() + 1;
                    while sess.files().iter().any(|f| f.name == format!("file-{n}.yaml")) {
                        n += 1;
                    }
                    let files = sess.files_mut();
                    files.push(File { name: format!("file-{n}.yaml"), text: String::new(), edit: None });
                    let last = files.len() - 1;
                    sess.set_active(last);
                }
                drop(sess);
                s.files_rev += 1;
            }
            Action::CloseFile(i) => {
                if s.cancel_edit(i) {
                    return Rc::new(s);
                }
                let mut sess = s.session.borrow_mut();
                if sess.files().len() > 1 && i < sess.files().len() {
                    sess.files_mut().remove(i);
                    if sess.active() >= sess.files().len() || sess.active() > i {
                        let active = sess.active().saturating_sub(1);
                        sess.set_active(active);
                    }
                }
                drop(sess);
                s.files_rev += 1;
            }
            Action::ApplyActive => {
                let f = {
                    let sess = s.session.borrow();
                    sess.files().get(sess.active()).cloned()
                };
                if let Some(File { edit: Some(_), .. }) = f {
                    let i = s.session.borrow().active();
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
                let pos = s.session.borrow().position();
                if pos > 0 {
                    s.playing = false;
                    s.session.borrow_mut().seek(pos - 1);
                    s.rev += 1;
                    s.recent = Rc::new(Vec::new());
                }
            }
            Action::Forward => {
                let redone = s.session.borrow_mut().forward();
                match redone {
                    Some(changes) => {
                        s.rev += 1;
                        s.after_changes(changes);
                    }
                    None => return Rc::new(s).reduce(Action::Step),
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
            Action::Opened(handoff) => {
                let Some(session) = handoff.take() else { return self };
                let carried = match handoff.opening {
                    // The tabs as edited while the simulator loaded (the stand-in's).
                    Opening::Page { fresh: true } | Opening::New => {
                        let sess = s.session.borrow();
                        Some((sess.files().to_vec(), sess.active()))
                    }
                    Opening::Page { fresh: false } => None,
                };
                let mut next = State::from_session(session);
                if let Some((files, active)) = carried.filter(|(f, _)| !f.is_empty()) {
                    let mut sess = next.session.borrow_mut();
                    *sess.files_mut() = files;
                    sess.set_active(active);
                }
                next.theme = s.theme;
                next.presenter = s.presenter;
                next.speed = s.speed;
                next.lessons_open = s.lessons_open;
                next.lesson = s.lesson;
                next.notice = handoff.notice.clone().or(s.notice.clone());
                next.rev = s.rev + 1;
                next.files_rev = s.files_rev + 1;
                return Rc::new(next);
            }
            Action::Unavailable => {
                s.engine = EngineStatus::Unavailable;
                s.notice = Some(UNAVAILABLE.into());
            }
            Action::Retry => {
                if s.engine != EngineStatus::Unavailable {
                    return self;
                }
                s.engine = EngineStatus::Loading;
                s.notice = None;
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
                match sess.files().iter().position(|f| f.name == name && f.edit.is_none()) {
                    Some(i) => {
                        sess.files_mut()[i].text = text;
                        sess.set_active(i);
                    }
                    None if sess.files().len() < crate::session::persist::MAX_FILES => {
                        let files = sess.files_mut();
                        files.push(File { name, text, edit: None });
                        let last = files.len() - 1;
                        sess.set_active(last);
                    }
                    None => {}
                }
                drop(sess);
                s.files_rev += 1;
            }
            Action::Dialog(d) => s.dialog = d,
            Action::ImportScript(text) => {
                // Read first: a scrutinee's borrow would last through the arms, which act.
                let read = s.session.borrow().import_script(&text);
                s.import(read);
            }
            Action::Notice(n) => s.notice = n,
        }
        Rc::new(s)
    }
}

impl State {
    /// Plays a script's inputs from the current position, or says why it could not be read.
    fn import(&mut self, read: Result<Vec<Input>, String>) {
        match read {
            Ok(inputs) => {
                let n = inputs.len();
                self.playing = false;
                self.watch = None;
                self.say([line(LineKind::Note, format!("Importing a script: {n} inputs, played from the current position."))]);
                for i in inputs {
                    self.act(i);
                }
                self.dialog = None;
            }
            Err(e) => self.notice = Some(format!("That script could not be read: {e}")),
        }
    }
}
