//! The session's stand-in while the simulator loads ([`super::engine`]): the editor's tabs and
//! nothing else. It answers every [`SessionApi`] question as an empty cluster would, without
//! engine code (it is part of the page's own module). The reducer refuses the actions that
//! need the simulator until the real session replaces it ([`super::state::State::engine`]);
//! on a fresh start, the tabs edited meanwhile carry over.

use crate::script::LineReader;
use crate::session::api::SessionApi;
use crate::session::complete::Completion;
use crate::session::console::{ConsoleLine, Effect, Watch};
use crate::session::highlight::Token;
use crate::session::input::{Change, Input};
use crate::session::inspect::Inspection;
use crate::session::view::ClusterView;
use crate::session::why::WhyView;
use crate::session::File;
use crate::engine::api::Kind;
use crate::engine::manifest::Diagnostic;

/// The editor's tabs before there is a session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pending {
    /// Editor tabs: the example on a fresh start; none while a saved session or a share link
    /// is being restored (its own tabs come with it).
    pub files: Vec<File>,
    /// Selected tab.
    pub active: usize,
}

impl Pending {
    /// The example, editable while the simulator loads.
    pub fn example() -> Pending {
        let file = File {
            name: crate::session::seed::SEED_FILE.into(),
            text: crate::session::seed::SEED_YAML.into(),
            edit: None,
        };
        Pending { files: vec![file], active: 0 }
    }

    /// No tabs: work is being restored.
    pub fn restoring() -> Pending {
        Pending::default()
    }
}

impl SessionApi for Pending {
    fn act(&mut self, _: Input) -> Vec<Effect> {
        Vec::new()
    }
    fn seek(&mut self, _: usize) {}
    fn forward(&mut self) -> Option<Vec<Change>> {
        None
    }
    fn position(&self) -> usize {
        0
    }
    fn len(&self) -> usize {
        0
    }
    fn history(&self) -> Vec<Input> {
        Vec::new()
    }
    fn markers(&self) -> Vec<usize> {
        Vec::new()
    }
    fn history_lines(&self) -> Vec<ConsoleLine> {
        Vec::new()
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
        &[]
    }
    fn command(&mut self, _: &str) -> Vec<Effect> {
        Vec::new()
    }
    fn read_line(&self, _: &mut LineReader, _: &str) -> Option<String> {
        None
    }
    fn complete(&self, line: &str) -> Completion {
        Completion { line: line.to_string(), candidates: Vec::new() }
    }
    fn watch_rows(&self, _: &Watch, _: &[Change]) -> Vec<String> {
        Vec::new()
    }
    fn save_edit(&mut self, _: usize) -> Vec<Effect> {
        Vec::new()
    }
    fn cancel_edit(&mut self, _: usize) -> Option<Vec<Effect>> {
        None
    }
    fn import_script(&self, _: &str) -> Result<Vec<Input>, String> {
        Err(LOADING.into())
    }
    fn script(&self) -> String {
        String::new()
    }
    fn highlight(&self, text: &str) -> Vec<Vec<Token>> {
        // The highlighter has no engine code (it is small and in this module): the example is
        // coloured from the first frame.
        text.split('\n').map(crate::session::highlight::line).collect()
    }
    fn diagnostics(&self, _: &str, _: &str) -> Vec<Diagnostic> {
        Vec::new()
    }
    fn view(&self) -> ClusterView {
        ClusterView::default()
    }
    fn why(&self) -> WhyView {
        WhyView::default()
    }
    fn inspect(&self, _: Kind, _: &str) -> Inspection {
        Inspection::default()
    }
    fn clock(&self) -> String {
        String::new()
    }
    fn next_due_in(&self) -> Option<i64> {
        None
    }
    fn is_settled(&self) -> bool {
        true
    }
    fn pods_to_create(&self) -> usize {
        0
    }
    fn warm_up_view(&self) -> ClusterView {
        ClusterView::default()
    }
    fn autosave_json(&self) -> String {
        String::new()
    }
    fn share_payload(&self) -> String {
        String::new()
    }
}

/// What the controls that need the simulator say until it is there.
pub const LOADING: &str = "The simulator is still loading.";
