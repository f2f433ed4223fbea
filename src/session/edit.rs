//! `kubectl edit` in the playground: the console opens the live object in an editor tab (an
//! [`EditTab`]), and the tab's Save does what kubectl does when its editor exits
//! ([`crate::kubectl::commands::edit`]). Only a save that reaches the API server is recorded,
//! as [`Input::Edit`] (the strategic merge patch kubectl computed), so it is on the timeline, in
//! saved and shared sessions, and in exported scripts; opening, cancelling and client-side
//! failures change nothing and are not recorded, like `kubectl get`.

use super::input::{Input, Outcome};
use super::{File, Session};
use crate::kubectl::commands::edit::{self, Prepared, Target};
use crate::kubectl::{self, Context};
use serde::{Deserialize, Serialize};

/// What makes an editor tab an edit of a live object (kept with the tab, so a reload or a share
/// link brings the edit back).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditTab {
    /// The command line that opened it (echoed when the edit is saved).
    pub line: String,
    /// The resource as kubectl names it (`statefulset.apps`).
    pub kind: String,
    /// Namespace (empty for cluster-scoped kinds).
    #[serde(default)]
    pub namespace: String,
    /// Name.
    pub name: String,
    /// `metadata.uid` when opened.
    #[serde(default)]
    pub uid: String,
    /// The buffer as opened: the patch goes from this to the saved text.
    pub original: String,
    /// A JSON buffer (`-o json`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub json: bool,
    /// After a failed save, the text that failed: saving it again unchanged ends the edit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<String>,
}

impl EditTab {
    /// The kubectl-side target; None when the stored kind is not one the playground knows
    /// (a crafted share link).
    pub fn target(&self) -> Option<Target> {
        Some(Target {
            kind: edit::kind_of(&self.kind)?,
            namespace: self.namespace.clone(),
            name: self.name.clone(),
            uid: self.uid.clone(),
        })
    }

    /// The tab's name: `edit: statefulset.apps/web`, unlike any file name (`/` is not allowed in
    /// those).
    pub fn tab_name(&self) -> String {
        format!("edit: {}/{}", self.kind, self.name)
    }
}

/// What a save did, for the console and the tab.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SaveReport {
    /// What kubectl printed.
    pub outcome: Outcome,
    /// Whether the save was recorded on the timeline (it reached the API server).
    pub recorded: bool,
    /// Whether the edit is over (the tab was closed); otherwise it was reopened or kept.
    pub closed: bool,
    /// A note from the playground (e.g. why the tab stayed open).
    pub note: Option<String>,
}

fn err_outcome(stderr: String) -> Outcome {
    Outcome { stderr, exit_code: 1, ..Default::default() }
}

/// Replays a recorded save: the PATCH and kubectl's output for it.
pub fn apply_input(c: &mut crate::engine::sim::Cluster, kind: &str, namespace: &str, name: &str, patch: &str) -> Outcome {
    let Some(k) = edit::kind_of(kind) else {
        return err_outcome(format!("error: the server doesn't have a resource type {kind:?}\n"));
    };
    let Ok(patch) = serde_json::from_str::<serde_json::Value>(patch) else {
        return err_outcome("error: the recorded edit is damaged (its patch is not JSON)\n".into());
    };
    let target = Target { kind: k, namespace: namespace.to_string(), name: name.to_string(), uid: String::new() };
    let ctx = Context { namespace: namespace.to_string(), ..Default::default() };
    let (out, _, r) = kubectl::with_env(c, &ctx, false, |env| Ok(edit::save(env, &target, &patch)));
    // Not `from_kubectl`: a refused save appends its message to stderr below (so stdout, then
    // stderr, is the order shown).
    let mut o = Outcome { stdout: out.stdout, stderr: out.stderr, exit_code: out.exit_code, ..Default::default() };
    if let Some(Err(f)) = r {
        o.stderr.push_str(&f.message);
        o.stderr.push('\n');
        o.exit_code = 1;
    }
    o
}

impl Session {
    /// `kubectl edit …` typed in the console: opens (or refreshes) the object's edit tab and
    /// selects it. Err: what kubectl printed instead (NotFound, a usage error), and no tab.
    pub fn open_edit(&mut self, line: &str) -> Result<usize, Box<Outcome>> {
        let words = shell_words::split(line).map_err(|_| Box::new(err_outcome("error: unterminated quoted string in command line\n".into())))?;
        let words: &[String] = if words.first().is_some_and(|w| w == "kubectl") { &words[1..] } else { &words };
        let args = words.get(1..).unwrap_or_default();
        let mut scratch = self.cluster().clone();
        let ctx = Context { namespace: super::NAMESPACE.into(), ..Default::default() };
        let (out, _, opened) = kubectl::with_env(&mut scratch, &ctx, false, |env| edit::open(env, args));
        let Some(opened) = opened else {
            return Err(Box::new(Outcome::from_kubectl(out)));
        };
        let tab = EditTab {
            line: line.trim().to_string(),
            kind: opened.target.kind.name_prefix(),
            namespace: opened.target.namespace.clone(),
            name: opened.target.name.clone(),
            uid: opened.target.uid.clone(),
            original: opened.text.clone(),
            json: opened.json,
            retry: None,
        };
        // One tab per object: editing it again reloads the live object into that tab.
        let same = |f: &File| {
            f.edit.as_ref().is_some_and(|e| {
                (e.kind.as_str(), e.namespace.as_str(), e.name.as_str()) == (tab.kind.as_str(), tab.namespace.as_str(), tab.name.as_str())
            })
        };
        let existing = self.files.iter().position(same);
        let file = File { name: tab.tab_name(), text: opened.text, edit: Some(tab) };
        let index = match existing {
            Some(i) => {
                self.files[i] = file;
                i
            }
            None if self.files.len() >= super::persist::MAX_FILES => {
                return Err(Box::new(err_outcome(format!(
                    "error: the editor has {} tabs open, the most it holds; close one and try again\n",
                    self.files.len()
                ))))
            }
            None => {
                self.files.push(file);
                self.files.len() - 1
            }
        };
        self.active = index;
        Ok(index)
    }

    /// The edit tab's Save: what kubectl does when its editor exits with this text.
    pub fn save_edit(&mut self, index: usize) -> SaveReport {
        let Some(file) = self.files.get(index).cloned() else { return SaveReport::default() };
        let Some(tab) = file.edit.clone() else { return SaveReport::default() };
        let Some(target) = tab.target() else {
            self.close_tab(index);
            let o = err_outcome(format!("error: the server doesn't have a resource type {:?}\n", tab.kind));
            return SaveReport { outcome: o, closed: true, ..Default::default() };
        };
        let mut report = SaveReport::default();
        match edit::prepare_save(&target, tab.json, &tab.original, &file.text, tab.retry.as_deref()) {
            Prepared::Cancelled(m) => {
                report.outcome = Outcome { stderr: format!("{m}\n"), ..Default::default() };
                self.close_tab(index);
                report.closed = true;
            }
            Prepared::Failed(m) => {
                report.outcome = err_outcome(format!("error: {m}\n"));
                if m.starts_with("Edit cancelled") {
                    self.close_tab(index);
                    report.closed = true;
                } else {
                    // kubectl ends here and says where it kept a copy of the changes; the
                    // playground has no file system, so the tab stays open as that copy.
                    report.note = Some("Your changes are still in the edit tab.".into());
                }
            }
            Prepared::Reopen(text) => {
                self.reopen(index, text, &file.text);
                report.note = Some("The edited file had a syntax error: the tab was reopened with the reason at the top.".into());
            }
            Prepared::Patch(patch) => {
                // Probe on a copy for the structured error (the recorded replay prints only text).
                let mut scratch = self.cluster().clone();
                let ctx = Context { namespace: target.namespace.clone(), ..Default::default() };
                let (_, _, probe) = kubectl::with_env(&mut scratch, &ctx, false, |env| Ok(edit::save(env, &target, &patch)));
                let input = Input::Edit {
                    line: tab.line.clone(),
                    kind: tab.kind.clone(),
                    namespace: tab.namespace.clone(),
                    name: tab.name.clone(),
                    patch: patch.to_string(),
                };
                report.outcome = self.act(input).clone();
                report.recorded = true;
                match probe {
                    Some(Err(edit::Failure { reopen: Some(reason), .. })) => {
                        let text = edit::reopen_text(tab.json, &[reason], &file.text);
                        self.reopen(index, text, &file.text);
                    }
                    Some(Err(_)) => report.note = Some("Your changes are still in the edit tab.".into()),
                    _ => {
                        self.close_tab(index);
                        report.closed = true;
                    }
                }
            }
        }
        report
    }

    /// Closes an edit tab without saving (quitting the editor unchanged): kubectl's
    /// `Edit cancelled, no changes made.`
    pub fn cancel_edit(&mut self, index: usize) -> Option<Outcome> {
        self.files.get(index)?.edit.as_ref()?;
        self.close_tab(index);
        Some(Outcome { stderr: "Edit cancelled, no changes made.\n".into(), ..Default::default() })
    }

    fn reopen(&mut self, index: usize, text: String, saved: &str) {
        if let Some(f) = self.files.get_mut(index) {
            f.text = text;
            if let Some(e) = f.edit.as_mut() {
                e.retry = Some(saved.to_string());
            }
        }
    }

    /// Removes a tab, keeping the selection on a neighbour (the last tab is never removed: the
    /// editor always has one).
    pub fn close_tab(&mut self, i: usize) {
        if i >= self.files.len() {
            return;
        }
        if self.files.len() == 1 {
            self.files[0] = File { name: super::seed::SEED_FILE.into(), text: String::new(), edit: None };
            self.active = 0;
            return;
        }
        self.files.remove(i);
        if self.active >= self.files.len() || self.active > i {
            self.active = self.active.saturating_sub(1);
        }
    }
}
