//! A small YAML highlighter for the editor: splits each line into classed tokens (keys, strings,
//! numbers, booleans, comments, punctuation). The UI turns tokens into text nodes inside
//! `<span class=…>` elements, so user text is never parsed as HTML.
//!
//! It is line-based and forgiving (block scalars and flow collections are coloured roughly), which
//! is what a highlighter needs: it never fails, whatever is typed.

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Spaces and anything plain.
    Plain,
    /// A mapping key.
    Key,
    /// A quoted or plain string value.
    Str,
    /// A number.
    Num,
    /// `true`, `false`, `null`, `~`.
    Bool,
    /// `# …`.
    Comment,
    /// `:`, `- `, `---`, `[`, `]`, `{`, `}`, `,`, `|`, `>`.
    Punct,
}

impl Class {
    /// CSS class name.
    pub fn css(self) -> &'static str {
        match self {
            Class::Plain => "tok-plain",
            Class::Key => "tok-key",
            Class::Str => "tok-str",
            Class::Num => "tok-num",
            Class::Bool => "tok-bool",
            Class::Comment => "tok-comment",
            Class::Punct => "tok-punct",
        }
    }
}

/// A run of text with one class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Its class.
    pub class: Class,
    /// Its text.
    pub text: String,
}

fn push(out: &mut Vec<Token>, class: Class, text: &str) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(t) if t.class == class => t.text.push_str(text),
        _ => out.push(Token { class, text: text.to_string() }),
    }
}

/// Byte index of a `#` that starts a comment (outside quotes, after a space or at the start).
fn comment_start(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, ch) in s.char_indices() {
        match quote {
            Some(q) if ch == q => quote = None,
            Some(_) => {}
            None if ch == '"' || ch == '\'' => quote = Some(ch),
            None if ch == '#' && prev.is_whitespace() => return Some(i),
            None => {}
        }
        prev = ch;
    }
    None
}

/// Byte index of the `:` that ends a mapping key (followed by a space or the end), outside quotes.
fn key_colon(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let bytes = s.as_bytes();
    for (i, ch) in s.char_indices() {
        match quote {
            Some(q) if ch == q => quote = None,
            Some(_) => {}
            None if (ch == '"' || ch == '\'') && i == 0 => quote = Some(ch),
            None if ch == ':' && (i + 1 == s.len() || bytes[i + 1] == b' ') => return Some(i),
            None if ch == '[' || ch == '{' => return None,
            None => {}
        }
    }
    None
}

fn scalar(out: &mut Vec<Token>, v: &str) {
    let t = v.trim_end();
    let trail = &v[t.len()..];
    let class = if t.starts_with('"') || t.starts_with('\'') {
        Class::Str
    } else if matches!(t, "true" | "false" | "null" | "~" | "True" | "False" | "yes" | "no") {
        Class::Bool
    } else if !t.is_empty() && t.parse::<f64>().is_ok() {
        Class::Num
    } else if t.starts_with(['[', '{', '|', '>']) {
        // Flow collections and block scalar indicators: colour the brackets, the rest as strings.
        for ch in t.chars() {
            let mut b = [0u8; 4];
            let s = ch.encode_utf8(&mut b);
            push(out, if "[]{},|>-".contains(ch) { Class::Punct } else { Class::Str }, s);
        }
        push(out, Class::Plain, trail);
        return;
    } else {
        Class::Str
    };
    push(out, class, t);
    push(out, Class::Plain, trail);
}

/// Tokens of one line (without its newline).
pub fn line(s: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let (body, comment) = match comment_start(s) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    if body.trim_end() == "---" || body.trim_end() == "..." {
        push(&mut out, Class::Punct, body);
        push(&mut out, Class::Comment, comment);
        return out;
    }
    let mut rest = body;
    let indent = rest.len() - rest.trim_start().len();
    push(&mut out, Class::Plain, &rest[..indent]);
    rest = &rest[indent..];
    while let Some(after) = rest.strip_prefix("- ").or_else(|| (rest == "-").then_some("")) {
        push(&mut out, Class::Punct, "-");
        let sp = &rest[1..rest.len() - after.len()];
        push(&mut out, Class::Plain, sp);
        let more = after.len() - after.trim_start().len();
        push(&mut out, Class::Plain, &after[..more]);
        rest = &after[more..];
    }
    match key_colon(rest) {
        Some(i) => {
            push(&mut out, Class::Key, &rest[..i]);
            push(&mut out, Class::Punct, ":");
            let v = &rest[i + 1..];
            let sp = v.len() - v.trim_start().len();
            push(&mut out, Class::Plain, &v[..sp]);
            scalar(&mut out, &v[sp..]);
        }
        None => scalar(&mut out, rest),
    }
    push(&mut out, Class::Comment, comment);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(s: &str) -> Vec<(Class, String)> {
        line(s).into_iter().map(|t| (t.class, t.text)).collect()
    }

    #[test]
    fn keys_values_and_comments() {
        assert_eq!(
            classes("  serviceName: \"myapp\" # headless"),
            vec![
                (Class::Plain, "  ".into()),
                (Class::Key, "serviceName".into()),
                (Class::Punct, ":".into()),
                (Class::Plain, " ".into()),
                (Class::Str, "\"myapp\"".into()),
                (Class::Plain, " ".into()),
                (Class::Comment, "# headless".into()),
            ]
        );
        assert_eq!(classes("  replicas: 3")[4], (Class::Num, "3".into()));
        assert_eq!(classes("---"), vec![(Class::Punct, "---".into())]);
        let l = classes("        - name: myapp");
        assert_eq!(l[1], (Class::Punct, "-".into()));
        assert_eq!(l[3], (Class::Key, "name".into()));
        assert_eq!(classes("image: nginx:1.27")[3], (Class::Str, "nginx:1.27".into()));
        assert_eq!(classes("a: \"x # y\"")[3], (Class::Str, "\"x # y\"".into()));
    }

    #[test]
    fn tokens_cover_the_line_exactly() {
        for s in ["", "  - - a: [b, c] # d", "key:", "x: 'it''s'", "<img src=x>: \"", "   ", "-", "- "] {
            let joined: String = line(s).into_iter().map(|t| t.text).collect();
            assert_eq!(joined, s);
        }
    }
}
