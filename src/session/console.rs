//! What the browser's console shows, as plain data: its lines ([`ConsoleLine`]), the
//! transcript of an input and what it printed ([`transcript`]), a loop's merged output
//! ([`stream_lines`]), a `kubectl get -w` being followed ([`Watch`]), and what the session
//! tells the UI to do after console work ([`Effect`]). The console's logic is
//! [`super::command`]; the UI keeps the lines and draws them.

use super::input::{Change, Input, Outcome};
use crate::engine::api::Kind;

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

/// A console line of `kind`, not yet stamped with a position (`at` 0).
pub fn line(kind: LineKind, text: impl Into<String>) -> ConsoleLine {
    ConsoleLine { kind, text: text.into(), at: 0 }
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

/// What the UI does after the session ran console work (a typed line, a button's input, an
/// edit tab's Save), in this order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Print these lines (each already stamped with the position it was printed at).
    Print(Vec<ConsoleLine>),
    /// An input was recorded. `at` is the position it was applied at: the timeline branched
    /// there, so console lines printed after `at` are gone. Then `lines` are printed (the
    /// input's transcript, if it is echoed), and `changes` are what it changed (the diagram
    /// highlights them; an active watch prints a row for each).
    Recorded {
        /// The position before the input.
        at: usize,
        /// Its transcript (may be empty).
        lines: Vec<ConsoleLine>,
        /// The objects it changed.
        changes: Vec<Change>,
    },
    /// The editor tabs or the typed lines changed (they are autosaved together).
    FilesChanged,
    /// Follow this watch from now on.
    Watch(Watch),
    /// Empty the console (`clear`).
    Clear,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transcript_is_the_echo_then_each_piece_in_write_order() {
        let out = Outcome {
            stdout: "logs\n".into(),
            stderr: "Found 3 pods, using pod/myapp-0\n".into(),
            combined: "Found 3 pods, using pod/myapp-0\nlogs\n".into(),
            stderr_spans: vec![0..32],
            ..Default::default()
        };
        let lines = transcript(&Input::kubectl("kubectl logs sts/myapp"), &out);
        let got: Vec<(LineKind, &str)> = lines.iter().map(|l| (l.kind, l.text.as_str())).collect();
        assert_eq!(got, [(LineKind::Command, "kubectl logs sts/myapp"), (LineKind::Err, "Found 3 pods, using pod/myapp-0"), (LineKind::Out, "logs")]);
    }

    #[test]
    fn a_stream_runs_on_without_a_newline_and_a_lone_newline_is_an_empty_line() {
        let pieces = [(false, "a".to_string()), (false, "b\n".to_string()), (false, "\n".to_string()), (true, "oops\n".to_string())];
        let got: Vec<(LineKind, String)> = stream_lines(&pieces).into_iter().map(|l| (l.kind, l.text)).collect();
        assert_eq!(got, [(LineKind::Out, "ab".to_string()), (LineKind::Out, String::new()), (LineKind::Err, "oops".to_string())]);
    }
}
