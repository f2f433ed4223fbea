//! Reading typed lines as a shell does: a command is one line, unless it opens a heredoc
//! (`kubectl apply -f - <<EOF`), which goes on until the line that closes it, or leaves a loop,
//! a quote or a `\` continuation open ([`super::shell`]), which goes on until it is closed. The
//! browser's console feeds its prompt (and each line of a pasted block) through this.

use super::heredoc_marker;
use super::shell::{self, ShellError};

/// The lines of a command still being typed, and the marker that ends it (a heredoc's) if any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineReader {
    lines: Vec<String>,
    /// The closing marker, and whether `<<-` strips leading tabs before comparing.
    marker: Option<(String, bool)>,
}

impl LineReader {
    /// Takes one typed line. Returns the command it completes: the line itself, a heredoc
    /// block (`kubectl … <<EOF`, its body, `EOF`, joined with newlines) once the marker line
    /// arrives, or an open loop's lines once `done` closes it. Blank lines outside a heredoc or
    /// loop complete nothing.
    pub fn feed(&mut self, line: &str) -> Option<String> {
        if let Some((marker, strip_tabs)) = &self.marker {
            let closes = if *strip_tabs { line.trim_start_matches('\t') } else { line }.trim_end() == marker;
            self.lines.push(line.to_string());
            if closes {
                self.marker = None;
                return Some(std::mem::take(&mut self.lines).join("\n"));
            }
            return None;
        }
        if !self.lines.is_empty() {
            // An open loop or quote: the line goes in as typed (a quote keeps its blanks).
            self.lines.push(line.to_string());
            let text = self.lines.join("\n");
            if matches!(shell::read(&text), Err(ShellError::Incomplete(_))) {
                return None;
            }
            self.lines.clear();
            return Some(text);
        }
        let trimmed = line.trim();
        if trimmed.is_empty() {
            return None;
        }
        if matches!(shell::read(trimmed), Err(ShellError::Incomplete(_))) {
            self.lines = vec![trimmed.to_string()];
            return None;
        }
        // Only kubectl lines take stdin, as in scripts (`sim` directives do not).
        if trimmed.starts_with("kubectl ") {
            if let Some((_, marker, strip_tabs)) = heredoc_marker(trimmed) {
                self.lines = vec![trimmed.to_string()];
                self.marker = Some((marker, strip_tabs));
                return None;
            }
        }
        Some(trimmed.to_string())
    }

    /// Whether a heredoc, loop or quote is open (the prompt shows `>` as a shell's PS2 does).
    pub fn is_continuing(&self) -> bool {
        !self.lines.is_empty()
    }

    /// The marker that closes the open heredoc.
    pub fn marker(&self) -> Option<&str> {
        self.marker.as_ref().map(|(m, _)| m.as_str())
    }

    /// The lines of the open heredoc or loop so far, its first line first.
    pub fn pending(&self) -> &[String] {
        &self.lines
    }

    /// Drops the open heredoc or loop (Ctrl-C).
    pub fn cancel(&mut self) {
        *self = LineReader::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_line_is_a_command_and_blank_lines_are_nothing() {
        let mut r = LineReader::default();
        assert_eq!(r.feed("  kubectl get pods "), Some("kubectl get pods".into()));
        assert_eq!(r.feed("   "), None);
        assert!(!r.is_continuing());
    }

    #[test]
    fn a_heredoc_goes_on_until_its_marker() {
        let mut r = LineReader::default();
        assert_eq!(r.feed("kubectl apply -f - <<'EOF'"), None);
        assert!(r.is_continuing());
        assert_eq!(r.marker(), Some("EOF"));
        assert_eq!(r.feed("kind: ConfigMap"), None);
        assert_eq!(r.feed(""), None, "a blank line is part of the body");
        assert_eq!(r.feed("EOFX"), None, "only the marker itself closes it");
        assert_eq!(r.pending().len(), 4);
        assert_eq!(r.feed("EOF"), Some("kubectl apply -f - <<'EOF'\nkind: ConfigMap\n\nEOFX\nEOF".into()));
        assert!(!r.is_continuing());
        let items = crate::script::parse("kubectl apply -f - <<'EOF'\nkind: ConfigMap\n\nEOFX\nEOF").unwrap();
        assert!(matches!(&items[0].item, crate::script::Item::Kubectl { stdin: Some(b), .. } if b == "kind: ConfigMap\n\nEOFX\n"));
    }

    #[test]
    fn dash_heredocs_close_on_a_tab_indented_marker_and_cancel_drops_the_block() {
        let mut r = LineReader::default();
        assert_eq!(r.feed("kubectl create -f - <<-END"), None);
        assert_eq!(r.feed("\tEND"), Some("kubectl create -f - <<-END\n\tEND".into()));
        r.feed("kubectl apply -f - <<EOF");
        r.cancel();
        assert!(!r.is_continuing());
        assert_eq!(r.feed("EOF"), Some("EOF".into()));
    }

    #[test]
    fn a_loop_goes_on_until_done_and_a_one_line_loop_is_one_command() {
        let mut r = LineReader::default();
        let one = "for i in 0 1; do kubectl exec \"web-$i\" -- sh -c 'hostname'; done";
        assert_eq!(r.feed(one), Some(one.into()));
        assert_eq!(r.feed("for i in 0 1"), None);
        assert!(r.is_continuing());
        assert_eq!(r.marker(), None, "no heredoc marker");
        assert_eq!(r.feed("do"), None);
        assert_eq!(r.feed("  kubectl exec web-$i -- hostname"), None);
        assert_eq!(r.pending().len(), 3);
        assert_eq!(r.feed("done"), Some("for i in 0 1\ndo\n  kubectl exec web-$i -- hostname\ndone".into()));
        assert!(!r.is_continuing());
        // An open quote goes on too, its blank lines kept; Ctrl-C drops it.
        assert_eq!(r.feed("kubectl annotate pod web-0 note='a"), None);
        assert_eq!(r.feed(""), None);
        assert_eq!(r.feed("b'"), Some("kubectl annotate pod web-0 note='a\n\nb'".into()));
        r.feed("for i in 0 1; do");
        r.cancel();
        assert_eq!(r.feed("kubectl get pods"), Some("kubectl get pods".into()));
    }

    #[test]
    fn sim_lines_never_open_a_heredoc() {
        let mut r = LineReader::default();
        assert_eq!(r.feed("sim fault <<x"), Some("sim fault <<x".into()));
    }
}
