//! The one door between the browser UI and the simulator: the UI (`crate::ui`) reaches the
//! engine, kubectl, the script reader and the session's logic only through the
//! [`SessionApi`] trait object that [`open`] creates.
//!
//! Why one trait object: the browser app is to load its engine lazily (a WebAssembly module
//! split at [`open`], fetched after the page is up). A lazily loaded module can only be entered
//! through functions the main module does not call directly: [`open`] (the split point) and the
//! methods of the vtable it creates, which go with it. Every engine function the UI called by
//! name would be pulled into the first-load module instead. So the UI calls nothing of the
//! engine by name; it builds plain inputs ([`Start`], [`Input`], strings), calls trait methods,
//! and gets plain data back (view models, console lines, strings).
//!
//! What the UI may still touch directly costs no engine code: plain-data types and their
//! fields, enum values, constants and static tables (`tests/engine_boundary.rs` keeps the list).

use super::command::Console;
use super::complete::Completion;
use super::console::{ConsoleLine, Effect, Watch};
use super::highlight::Token;
use super::input::{Change, Input};
use super::inspect::Inspection;
use super::persist::Saved;
use super::view::ClusterView;
use super::why::WhyView;
use super::{File, Session, NAMESPACE};
use crate::engine::api::Kind;
use crate::engine::manifest::Diagnostic;
use crate::script::LineReader;

/// How a session starts: every way the browser creates one. Plain data, so the UI builds it
/// without engine code; decoding (the autosave's JSON, a share link) happens in [`open`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Start {
    /// A fresh session: the example file and an empty cluster.
    Fresh,
    /// The autosave: localStorage's JSON ([`Saved::to_json`]). `safe`: bring back the files
    /// only, without replaying the history (the panic banner's "files only" reload, in case the
    /// replay is what fails).
    Saved {
        /// The saved JSON.
        json: String,
        /// Files only.
        safe: bool,
    },
    /// A share link: the fragment after `#s=` ([`Saved::to_share`]).
    Shared {
        /// The encoded session.
        payload: String,
    },
    /// A fresh cluster and history that keeps the editor ("New session"): its tabs, the
    /// selected one, and the typed lines (for ↑ ↓).
    Keep {
        /// Editor tabs.
        files: Vec<File>,
        /// Selected tab.
        active: usize,
        /// Typed lines, newest last.
        typed: Vec<String>,
    },
}

/// Why [`open`] could not open a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenError {
    /// The saved form could not be decoded (not JSON, a damaged link, over a limit).
    Unreadable(String),
    /// It decoded but the session could not be rebuilt from it ([`Session::restore`]).
    Unrestorable(String),
}

impl OpenError {
    /// The message, whichever stage failed.
    pub fn message(&self) -> &str {
        match self {
            OpenError::Unreadable(m) | OpenError::Unrestorable(m) => m,
        }
    }
}

/// Opens a session: the only constructor the UI calls (later the lazily loaded module's
/// entry point). The returned object is the session; dropping it drops the session.
pub fn open(start: Start) -> Result<Box<dyn SessionApi>, OpenError> {
    let session = match start {
        Start::Fresh => Session::new(),
        Start::Saved { json, safe } => {
            let mut saved = Saved::from_json(&json).map_err(OpenError::Unreadable)?;
            if safe {
                saved.history.clear();
                saved.position = 0;
            }
            Session::restore(&saved).map_err(OpenError::Unrestorable)?
        }
        Start::Shared { payload } => {
            let saved = Saved::from_share(&payload).map_err(OpenError::Unreadable)?;
            Session::restore(&saved).map_err(OpenError::Unrestorable)?
        }
        Start::Keep { files, active, typed } => {
            let mut s = Session::new();
            s.files = files;
            s.active = active;
            s.typed = typed;
            s
        }
    };
    Ok(Box::new(session))
}

/// Everything the browser UI asks of a session. Object-safe: the UI holds a
/// `Box<dyn SessionApi>` from [`open`]. Methods take and return UI-shaped data, never the
/// cluster.
pub trait SessionApi {
    // --- the timeline ------------------------------------------------------------------

    /// Applies an input at the current position (branching if the position is in the past),
    /// echoing it when it is a command. What to print and what changed, as [`Effect`]s.
    fn act(&mut self, input: Input) -> Vec<Effect>;
    /// Moves to the state after the first `n` inputs.
    fn seek(&mut self, n: usize);
    /// One input forward (redo): the changes of the input replayed; None at the end.
    fn forward(&mut self) -> Option<Vec<Change>>;
    /// Inputs applied (the position on the timeline).
    fn position(&self) -> usize;
    /// Inputs recorded, redo-able ones included.
    fn len(&self) -> usize;
    /// Whether nothing is recorded.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Every recorded input, redo-able ones included.
    fn history(&self) -> Vec<Input>;
    /// The scrubber's markers: the positions after each input the console echoed.
    fn markers(&self) -> Vec<usize>;
    /// The console as the history prints it (after a reload or a share link).
    fn history_lines(&self) -> Vec<ConsoleLine>;

    // --- the editor's tabs and the typed lines (plain data) -----------------------------

    /// Editor tabs.
    fn files(&self) -> &[File];
    /// Editor tabs, to change.
    fn files_mut(&mut self) -> &mut Vec<File>;
    /// Selected tab.
    fn active(&self) -> usize;
    /// Selects a tab.
    fn set_active(&mut self, i: usize);
    /// Console lines typed, newest last (for ↑ ↓).
    fn typed(&self) -> &[String];

    // --- the console ---------------------------------------------------------------------

    /// Runs a console line (or a block the prompt collected, see [`SessionApi::read_line`]).
    fn command(&mut self, text: &str) -> Vec<Effect>;
    /// Feeds one typed line to the prompt's reader: the command it completes, if any (a
    /// heredoc or a loop takes several lines).
    fn read_line(&self, reader: &mut LineReader, line: &str) -> Option<String>;
    /// Tab completion of a console line.
    fn complete(&self, line: &str) -> Completion;
    /// The rows an active watch prints for what an input changed.
    fn watch_rows(&self, watch: &Watch, changes: &[Change]) -> Vec<String>;
    /// The edit tab's Save.
    fn save_edit(&mut self, index: usize) -> Vec<Effect>;
    /// Closing an edit tab quits the editor; None when tab `index` is not an edit tab.
    fn cancel_edit(&mut self, index: usize) -> Option<Vec<Effect>>;
    /// The inputs a playground script replays, or why it cannot be read.
    fn import_script(&self, text: &str) -> Result<Vec<Input>, String>;
    /// Inputs applied up to the position, as a playground script.
    fn script(&self) -> String;

    // --- the editor ------------------------------------------------------------------------

    /// Highlighting tokens, one list per line of `text`.
    fn highlight(&self, text: &str) -> Vec<Vec<Token>>;
    /// The manifest decoder's findings for a file (errors and warnings, located).
    fn diagnostics(&self, file: &str, text: &str) -> Vec<Diagnostic>;

    // --- what the panels show --------------------------------------------------------------

    /// The diagram's view of the cluster now.
    fn view(&self) -> ClusterView;
    /// The why panel's rows.
    fn why(&self) -> WhyView;
    /// The inspector's text for an object.
    fn inspect(&self, kind: Kind, name: &str) -> Inspection;
    /// The virtual clock, relative to the learner's start (`t+12.3s`).
    fn clock(&self) -> String;
    /// Virtual milliseconds to the next queued task (play paces itself by it); None when the
    /// queue is empty.
    fn next_due_in(&self) -> Option<i64>;
    /// Only recurring work is left to happen.
    fn is_settled(&self) -> bool;
    /// Pods the StatefulSets have yet to create (the browser readies memory for them).
    fn pods_to_create(&self) -> usize;
    /// Runs the example on scratch sessions (this one is not touched) and returns its settled
    /// view: the browser's warm-up ([`super::warm_up_view`]).
    fn warm_up_view(&self) -> ClusterView;

    // --- keeping and sharing -----------------------------------------------------------------

    /// The autosave's JSON ([`Start::Saved`] opens it).
    fn autosave_json(&self) -> String;
    /// A share link's payload ([`Start::Shared`] opens it).
    fn share_payload(&self) -> String;
}

impl SessionApi for Session {
    fn act(&mut self, input: Input) -> Vec<Effect> {
        let mut c = Console::new(self);
        c.act(input);
        c.finish()
    }

    fn seek(&mut self, n: usize) {
        Session::seek(self, n);
    }

    fn forward(&mut self) -> Option<Vec<Change>> {
        let pos = self.timeline.position();
        if pos >= self.timeline.len() {
            return None;
        }
        Session::seek(self, pos + 1);
        Some(self.timeline.entries()[pos].output.changes.clone())
    }

    fn position(&self) -> usize {
        self.timeline.position()
    }

    fn len(&self) -> usize {
        self.timeline.len()
    }

    fn history(&self) -> Vec<Input> {
        self.timeline.entries().iter().map(|e| e.input.clone()).collect()
    }

    fn markers(&self) -> Vec<usize> {
        self.timeline
            .entries()
            .iter()
            .enumerate()
            // What the console echoed: commands, and typed clock moves (`sim wait`…).
            .filter(|(_, e)| e.input.is_echoed())
            .map(|(i, _)| i + 1)
            .collect()
    }

    fn history_lines(&self) -> Vec<ConsoleLine> {
        Session::history_lines(self)
    }

    fn files(&self) -> &[File] {
        &self.files
    }

    fn files_mut(&mut self) -> &mut Vec<File> {
        &mut self.files
    }

    fn active(&self) -> usize {
        self.active
    }

    fn set_active(&mut self, i: usize) {
        self.active = i;
    }

    fn typed(&self) -> &[String] {
        &self.typed
    }

    fn command(&mut self, text: &str) -> Vec<Effect> {
        let mut c = Console::new(self);
        c.command(text);
        c.finish()
    }

    fn read_line(&self, reader: &mut LineReader, line: &str) -> Option<String> {
        reader.feed(line)
    }

    fn complete(&self, line: &str) -> Completion {
        let files: Vec<String> = self.files.iter().filter(|f| f.edit.is_none()).map(|f| f.name.clone()).collect();
        super::complete::complete_line(self.cluster(), NAMESPACE, &files, line)
    }

    fn watch_rows(&self, watch: &Watch, changes: &[Change]) -> Vec<String> {
        Session::watch_rows(self, watch, changes)
    }

    fn save_edit(&mut self, index: usize) -> Vec<Effect> {
        let mut c = Console::new(self);
        c.save_edit(index);
        c.finish()
    }

    fn cancel_edit(&mut self, index: usize) -> Option<Vec<Effect>> {
        let mut c = Console::new(self);
        c.cancel_edit(index).then(|| c.finish())
    }

    fn import_script(&self, text: &str) -> Result<Vec<Input>, String> {
        super::script::import(text).map_err(|e| e.to_string())
    }

    fn script(&self) -> String {
        Session::script(self)
    }

    fn highlight(&self, text: &str) -> Vec<Vec<Token>> {
        text.split('\n').map(super::highlight::line).collect()
    }

    fn diagnostics(&self, file: &str, text: &str) -> Vec<Diagnostic> {
        crate::engine::manifest::parse_manifests(file, text).diagnostics
    }

    fn view(&self) -> ClusterView {
        super::view::build(self.cluster(), NAMESPACE)
    }

    fn why(&self) -> WhyView {
        super::why::build(self.cluster(), NAMESPACE)
    }

    fn inspect(&self, kind: Kind, name: &str) -> Inspection {
        super::inspect::inspect(self.cluster(), NAMESPACE, kind, name)
    }

    fn clock(&self) -> String {
        super::why::relative(self.cluster(), self.cluster().now)
    }

    fn next_due_in(&self) -> Option<i64> {
        let c = self.cluster();
        c.next_due().map(|t| t.since(c.now).max(0))
    }

    fn is_settled(&self) -> bool {
        self.cluster().is_settled()
    }

    fn pods_to_create(&self) -> usize {
        Session::pods_to_create(self)
    }

    fn warm_up_view(&self) -> ClusterView {
        super::warm_up_view()
    }

    fn autosave_json(&self) -> String {
        self.saved().to_json()
    }

    fn share_payload(&self) -> String {
        self.saved().to_share()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::console::LineKind;
    use crate::session::seed;

    fn fresh() -> Box<dyn SessionApi> {
        open(Start::Fresh).expect("a fresh session opens")
    }

    fn applied() -> Box<dyn SessionApi> {
        let mut s = fresh();
        s.act(Input::Apply { file: seed::SEED_FILE.into(), text: seed::SEED_YAML.into() });
        s
    }

    #[test]
    fn a_fresh_session_has_the_example_and_nothing_recorded() {
        let s = fresh();
        assert_eq!(s.files().len(), 1);
        assert_eq!(s.files()[0].name, seed::SEED_FILE);
        assert_eq!((s.position(), s.len(), s.active()), (0, 0, 0));
        assert!(s.is_empty() && s.typed().is_empty() && s.history().is_empty());
        assert!(s.view().sets.is_empty());
        assert_eq!(s.clock(), "t+0.0s");
        assert!(s.why().decisions.is_empty());
    }

    #[test]
    fn acting_records_steps_back_and_redoes() {
        let mut s = applied();
        let e = s.act(Input::STEP);
        assert!(matches!(&e[..], [Effect::Recorded { at: 1, lines, .. }] if lines.is_empty()), "a step prints nothing: {e:?}");
        assert_eq!((s.position(), s.len()), (2, 2));
        assert_eq!(s.markers(), [1], "only the apply is a marker");
        s.seek(1);
        assert_eq!(s.position(), 1);
        let changes = s.forward().expect("a step to redo");
        assert!(!changes.is_empty());
        assert_eq!(s.position(), 2);
        assert_eq!(s.forward(), None, "nothing left to redo");
        assert_eq!(s.history()[0], Input::Apply { file: seed::SEED_FILE.into(), text: seed::SEED_YAML.into() });
        assert_eq!(s.view().sets.len(), 1);
        assert!(!s.why().decisions.is_empty());
        assert_eq!(s.pods_to_create(), 3);
        assert!(!s.is_settled());
        assert!(s.next_due_in().is_some_and(|ms| ms >= 0));
    }

    #[test]
    fn the_console_runs_through_the_trait() {
        let mut s = applied();
        let e = s.command("kubectl get sts");
        assert_eq!(s.len(), 1, "reading is not recorded");
        assert!(e.iter().any(|e| matches!(e, Effect::Print(l) if l.iter().any(|l| l.kind == LineKind::Out && l.text.starts_with("NAME")))), "{e:?}");
        assert_eq!(s.typed(), ["kubectl get sts"]);
        let mut r = LineReader::default();
        assert_eq!(s.read_line(&mut r, "kubectl apply -f - <<EOF"), None);
        assert!(r.is_continuing());
        assert_eq!(s.read_line(&mut r, "EOF"), Some("kubectl apply -f - <<EOF\nEOF".into()));
        assert!(s.complete("kubectl get state").candidates.contains(&"statefulsets".to_string()));
        assert_eq!(s.cancel_edit(0), None, "no edit tab");
    }

    #[test]
    fn the_inspector_and_the_editor_go_through_the_trait() {
        let s = applied();
        let i = s.inspect(Kind::StatefulSet, "myapp");
        assert!(i.exists && i.describe.starts_with("Name:") && i.yaml.contains("kind: StatefulSet"));
        assert!(!s.inspect(Kind::Pod, "nope").exists);
        let toks = s.highlight("a: 1\n# c");
        assert_eq!(toks.len(), 2);
        assert_eq!(toks[1][0].text, "# c");
        assert!(s.diagnostics("x.yaml", seed::SEED_YAML).is_empty());
        assert!(!s.diagnostics("x.yaml", "kind: [").is_empty());
    }

    #[test]
    fn scripts_export_and_import() {
        let s = applied();
        let script = s.script();
        assert!(script.contains("kubectl apply -f myapp.yaml"), "{script}");
        let inputs = s.import_script(&script).expect("its own export reads back");
        assert_eq!(inputs.len(), 1);
        let e = s.import_script("sim frobnicate").expect_err("not a directive");
        assert!(e.starts_with("line 1: "), "{e}");
    }

    #[test]
    fn autosave_and_share_reopen_the_same_session() {
        let mut s = applied();
        s.act(Input::STEP);
        s.act(Input::STEP);
        s.seek(2);
        s.command("kubectl get pods");
        let reopened = open(Start::Saved { json: s.autosave_json(), safe: false }).expect("reopens");
        assert_eq!((reopened.position(), reopened.len()), (2, 3));
        assert_eq!(reopened.view(), s.view());
        assert_eq!(reopened.typed(), ["kubectl get pods"]);
        assert_eq!(reopened.history_lines(), s.history_lines());
        let shared = open(Start::Shared { payload: s.share_payload() }).expect("reopens");
        assert_eq!(shared.autosave_json(), s.autosave_json());
        let safe = open(Start::Saved { json: s.autosave_json(), safe: true }).expect("reopens");
        assert_eq!((safe.len(), safe.files()), (0, s.files()));
    }

    #[test]
    fn open_says_which_stage_failed() {
        assert!(matches!(open(Start::Saved { json: "{".into(), safe: false }), Err(OpenError::Unreadable(_))));
        assert!(matches!(open(Start::Shared { payload: "!!".into() }), Err(OpenError::Unreadable(_))));
        let too_many: Vec<File> = (0..=super::super::persist::MAX_FILES).map(|i| File { name: format!("f{i}.yaml"), text: String::new(), edit: None }).collect();
        let json = Saved { v: super::super::persist::FORMAT_VERSION, files: too_many, active: 0, history: Vec::new(), position: 0, typed: Vec::new() }.to_json();
        // Decoding validates the untrusted form, so its limits fail as unreadable.
        let e = open(Start::Saved { json, safe: false }).err().expect("too many files");
        assert!(matches!(e, OpenError::Unreadable(_)), "{e:?}");
        assert!(e.message().contains("files (at most"), "{e:?}");
    }

    #[test]
    fn keep_opens_a_fresh_cluster_with_the_editor_as_it_was() {
        let mut s = applied();
        s.files_mut().push(File { name: "b.yaml".into(), text: "x".into(), edit: None });
        s.set_active(1);
        s.command("sim step");
        let kept = open(Start::Keep { files: s.files().to_vec(), active: s.active(), typed: s.typed().to_vec() }).expect("opens");
        assert_eq!(kept.len(), 0);
        assert_eq!(kept.files(), s.files());
        assert_eq!(kept.active(), 1);
        assert_eq!(kept.typed(), ["sim step"]);
    }

    #[test]
    fn a_watch_prints_rows_through_the_trait() {
        let mut s = applied();
        let e = s.command("kubectl get sts -w");
        let Some(Effect::Watch(w)) = e.iter().find(|e| matches!(e, Effect::Watch(_))).cloned() else { panic!("{e:?}") };
        // A step's changes (a command records none: it only wrote to the store).
        let e = s.act(Input::Step { n: 3 });
        let Some(Effect::Recorded { changes, .. }) = e.last() else { panic!("{e:?}") };
        let rows = s.watch_rows(&w, changes);
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert!(rows[0].starts_with("myapp "), "{rows:?}");
    }

    #[test]
    fn the_warm_up_leaves_the_session_alone() {
        let s = applied();
        let v = s.warm_up_view();
        assert_eq!(super::super::view::drawn_pods(&v), 3);
        assert_eq!(s.len(), 1);
    }
}
