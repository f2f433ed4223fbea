//! An elastic-tabstop writer with Go's `text/tabwriter` semantics, as kubectl aligns tables
//! (`k8s.io/cli-runtime/pkg/printers/tabwriter.go`: minwidth 6, padding 3, pad with spaces,
//! RememberWidths from `github.com/liggitt/tabwriter`) and describe output (minwidth 0,
//! padding 2).
//!
//! Text is a sequence of lines; within a line, cells end with `\t`. The last cell of a line is
//! not part of any column. A column block is a run of consecutive lines that all have a cell in
//! that column; each block is as wide as its widest cell plus padding (at least minwidth).

/// A tabwriter that buffers until [`TabWriter::flush`].
#[derive(Clone, Debug)]
pub struct TabWriter {
    minwidth: usize,
    padding: usize,
    remember_widths: bool,
    buf: String,
    /// Widths remembered across flushes (RememberWidths), indexed by column.
    remembered: Vec<usize>,
}

/// kubectl's table writer settings (`printers.GetNewTabWriter`).
pub fn new_table_writer() -> TabWriter {
    TabWriter { minwidth: 6, padding: 3, remember_widths: true, buf: String::new(), remembered: Vec::new() }
}

/// kubectl describe's writer settings (`tabbedString`: `Init(buf, 0, 8, 2, ' ', 0)`).
pub fn new_describe_writer() -> TabWriter {
    TabWriter { minwidth: 0, padding: 2, remember_widths: false, buf: String::new(), remembered: Vec::new() }
}

struct Cell {
    text: String,
    width: usize,
}

impl TabWriter {
    /// Buffers text.
    pub fn write(&mut self, s: &str) {
        self.buf.push_str(s);
    }

    /// Returns the buffered text unaligned.
    pub fn take_raw(&mut self) -> String {
        std::mem::take(&mut self.buf)
    }

    /// Forgets remembered widths (kubectl does this when the resource type changes).
    pub fn reset_widths(&mut self) {
        self.remembered.clear();
    }

    /// Formats everything buffered and returns it.
    pub fn flush(&mut self) -> String {
        let text = std::mem::take(&mut self.buf);
        if text.is_empty() {
            return String::new();
        }
        let mut lines: Vec<Vec<Cell>> = Vec::new();
        let ends_with_newline = text.ends_with('\n');
        let body = if ends_with_newline { &text[..text.len() - 1] } else { &text[..] };
        for line in body.split('\n') {
            lines.push(
                line.split('\t')
                    .map(|c| Cell { text: c.to_string(), width: c.chars().count() })
                    .collect(),
            );
        }
        let mut out = String::new();
        let mut widths = Vec::new();
        self.format(&mut out, &lines, 0, lines.len(), &mut widths);
        if ends_with_newline {
            out.push('\n');
        }
        out
    }

    fn format(&mut self, out: &mut String, lines: &[Vec<Cell>], line0: usize, line1: usize, widths: &mut Vec<usize>) {
        let column = widths.len();
        let mut start = line0;
        let mut this = line0;
        while this < line1 {
            if column + 1 >= lines[this].len() {
                this += 1;
                continue;
            }
            // A cell exists in this column: print the lines before the block, then size it.
            self.write_lines(out, lines, start, this, widths);
            start = this;
            let mut width = self.minwidth;
            while this < line1 && column + 1 < lines[this].len() {
                width = width.max(lines[this][column].width + self.padding);
                this += 1;
            }
            if self.remember_widths {
                if let Some(w) = self.remembered.get(column) {
                    width = width.max(*w);
                }
                if self.remembered.len() <= column {
                    self.remembered.resize(column + 1, 0);
                }
                self.remembered[column] = width;
            }
            widths.push(width);
            self.format(out, lines, start, this, widths);
            widths.pop();
            start = this;
        }
        self.write_lines(out, lines, start, line1, widths);
    }

    fn write_lines(&self, out: &mut String, lines: &[Vec<Cell>], from: usize, to: usize, widths: &[usize]) {
        for (i, line) in lines.iter().enumerate().take(to).skip(from) {
            for (j, cell) in line.iter().enumerate() {
                out.push_str(&cell.text);
                if j < widths.len() && j + 1 < line.len() {
                    out.extend(std::iter::repeat_n(' ', widths[j].saturating_sub(cell.width)));
                }
            }
            if i + 1 < lines.len() {
                out.push('\n');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_columns_like_kubectl() {
        let mut w = new_table_writer();
        w.write("NAME\tREADY\tAGE\nweb\t2/3\t45s\n");
        // printers.GetNewTabWriter: min width 6, padding 3; the last column is not padded.
        assert_eq!(w.flush(), "NAME   READY   AGE\nweb    2/3     45s\n");
    }

    #[test]
    fn short_columns_get_min_width() {
        let mut w = new_table_writer();
        w.write("A\tB\tC\nx\ty\tz\n");
        assert_eq!(w.flush(), "A     B     C\nx     y     z\n");
    }

    #[test]
    fn blank_lines_separate_blocks() {
        let mut w = new_describe_writer();
        w.write("Name:\tweb\nReplicas:\t3\n\nEvents:\t<none>\n");
        assert_eq!(w.flush(), "Name:      web\nReplicas:  3\n\nEvents:  <none>\n");
    }

    #[test]
    fn remembers_widths_across_flushes() {
        let mut w = new_table_writer();
        w.write("NAME\tAGE\nweb-0-long-name\t1s\n");
        let a = w.flush();
        w.write("web-1\t2s\n");
        let b = w.flush();
        assert_eq!(a, "NAME              AGE\nweb-0-long-name   1s\n");
        assert_eq!(b, "web-1             2s\n");
    }
}
