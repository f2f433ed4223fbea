//! What the console does with a line, and the edit tab's Save and close: the session runs them
//! ([`crate::session::api::SessionApi::command`]: `sim` directives, `echo`, read-only kubectl
//! on a copy of the cluster, `get -w` watches, `kubectl edit`, loops and `;` lists) and says
//! what to print and what it recorded; the reducer ([`State`]) applies that. No side effects.

use super::state::State;

impl State {
    /// Runs a console command: one line, or a block the prompt collected (a heredoc, a loop
    /// typed over several lines). A new command stops the watch.
    pub(super) fn command(&mut self, text: String) {
        if text.trim().is_empty() {
            return;
        }
        self.watch = None;
        let effects = self.session.borrow_mut().command(&text);
        self.apply(effects);
    }

    /// The edit tab's Save.
    pub(super) fn save_edit(&mut self, index: usize) {
        let effects = self.session.borrow_mut().save_edit(index);
        if !effects.is_empty() {
            // A save stops the watch (before its changes, which would print rows).
            self.watch = None;
        }
        self.apply(effects);
    }

    /// Closing an edit tab quits the editor without saving; false when tab `index` is not an
    /// edit tab (nothing done).
    pub(super) fn cancel_edit(&mut self, index: usize) -> bool {
        let effects = self.session.borrow_mut().cancel_edit(index);
        match effects {
            Some(effects) => {
                self.apply(effects);
                true
            }
            None => false,
        }
    }
}
