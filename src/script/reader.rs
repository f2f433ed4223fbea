//! Reading typed lines as a shell does: a command is one line, unless it opens a heredoc
//! (`kubectl apply -f - <<EOF`), which goes on until the line that closes it. The browser's
//! console feeds its prompt (and each line of a pasted block) through this.

use super::heredoc_marker;

/// The lines of a command still being typed, and the marker that ends it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineReader {
    lines: Vec<String>,
    /// The closing marker, and whether `<<-` strips leading tabs before comparing.
    marker: Option<(String, bool)>,
}

impl LineReader {
    /// Takes one typed line. Returns the command it completes: the line itself, or a heredoc
    /// block (`kubectl … <<EOF`, its body, `EOF`, joined with newlines) once the marker line
    /// arrives. Blank lines outside a heredoc complete nothing.
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
        let trimmed = line.trim();
        if trimmed.is_empty() {
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

    /// Whether a heredoc is open (the prompt shows `>` as a shell's PS2 does).
    pub fn is_continuing(&self) -> bool {
        self.marker.is_some()
    }

    /// The marker that closes the open heredoc.
    pub fn marker(&self) -> Option<&str> {
        self.marker.as_ref().map(|(m, _)| m.as_str())
    }

    /// The lines of the open heredoc so far, its command line first.
    pub fn pending(&self) -> &[String] {
        &self.lines
    }

    /// Drops the open heredoc (Ctrl-C).
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
    fn sim_lines_never_open_a_heredoc() {
        let mut r = LineReader::default();
        assert_eq!(r.feed("sim fault <<x"), Some("sim fault <<x".into()));
    }
}
