//! The scanner of Go's `text/template/parse/lex.go`: text, `{{`/`}}` with the `{{- `/` -}}`
//! trim markers, `{{/* comments */}}`, and the tokens inside actions. Like upstream it stops at
//! the first error, which becomes an error item for the parser to report.

/// `itemType` (lex.go); the keywords come after `Keyword` as upstream orders them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Ty {
    Error,
    Bool,
    Char,
    CharConstant,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    Keyword,
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

/// One token (`item`): type, byte offset, text (the message for an error), line.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Item {
    pub ty: Ty,
    pub pos: usize,
    pub val: String,
    pub line: usize,
}

impl std::fmt::Display for Item {
    /// `item.String`: how the parser names a token in `unexpected …` errors.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.ty {
            Ty::Eof => f.write_str("EOF"),
            Ty::Error => f.write_str(&self.val),
            t if t > Ty::Keyword => write!(f, "<{}>", self.val),
            _ if self.val.chars().count() > 10 => {
                let head: String = self.val.chars().take(10).collect();
                write!(f, "{}...", super::fmt::quote(&head))
            }
            _ => f.write_str(&super::fmt::quote(&self.val)),
        }
    }
}

fn keyword(word: &str) -> Option<Ty> {
    Some(match word {
        "." => Ty::Dot,
        "block" => Ty::Block,
        "break" => Ty::Break,
        "continue" => Ty::Continue,
        "define" => Ty::Define,
        "else" => Ty::Else,
        "end" => Ty::End,
        "if" => Ty::If,
        "range" => Ty::Range,
        "nil" => Ty::Nil,
        "template" => Ty::Template,
        "with" => Ty::With,
        _ => return None,
    })
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

fn has_left_trim(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0] == b'-' && is_space(b[1] as char)
}

fn has_right_trim(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && is_space(b[0] as char) && b[1] == b'-'
}

struct Lexer<'s> {
    input: &'s str,
    pos: usize,
    start: usize,
    paren_depth: i32,
    items: Vec<Item>,
}

impl<'s> Lexer<'s> {
    fn line_at(&self, pos: usize) -> usize {
        1 + self.input[..pos].matches('\n').count()
    }
    fn emit(&mut self, ty: Ty) {
        let val = self.input[self.start..self.pos].to_string();
        self.items.push(Item { ty, pos: self.start, val, line: self.line_at(self.start) });
        self.start = self.pos;
    }
    fn error(&mut self, msg: String) {
        let line = self.line_at(self.pos);
        self.items.push(Item { ty: Ty::Error, pos: self.start, val: msg, line });
    }
    fn rest(&self) -> &'s str {
        &self.input[self.pos..]
    }
    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }
    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
    fn accept(&mut self, valid: &str) -> bool {
        match self.peek() {
            Some(c) if valid.contains(c) => {
                self.pos += c.len_utf8();
                true
            }
            _ => false,
        }
    }
    fn accept_run(&mut self, valid: &str) {
        while self.accept(valid) {}
    }
    /// `atRightDelim`: at `}}`, or at ` -}}` (second value).
    fn at_right_delim(&self) -> (bool, bool) {
        let r = self.rest();
        if r.starts_with("}}") {
            (true, false)
        } else if has_right_trim(r) && r[2..].starts_with("}}") {
            (true, true)
        } else {
            (false, false)
        }
    }
    /// `atTerminator`: what may follow an identifier.
    fn at_terminator(&self) -> bool {
        match self.peek() {
            None => true,
            Some(c) => is_space(c) || matches!(c, '.' | ',' | '|' | ':' | ')' | '(' | '}'),
        }
    }

    /// `lexText`; returns false at EOF.
    fn text(&mut self) -> bool {
        match self.rest().find("{{") {
            Some(x) => {
                let delim = self.pos + x;
                let mut end = delim;
                if has_left_trim(&self.input[delim + 2..]) {
                    end = self.start + self.input[self.start..delim].trim_end_matches(is_space).len();
                }
                if end > self.start {
                    self.pos = end;
                    self.emit(Ty::Text);
                }
                self.pos = delim;
                self.start = delim;
                true
            }
            None => {
                self.pos = self.input.len();
                if self.pos > self.start {
                    self.emit(Ty::Text);
                }
                self.emit(Ty::Eof);
                false
            }
        }
    }

    /// `lexLeftDelim` and the action up to `lexRightDelim`; false on an error.
    fn action(&mut self) -> bool {
        self.pos += 2;
        let trim = has_left_trim(self.rest());
        let after = if trim { 2 } else { 0 };
        if self.input[self.pos + after..].starts_with("/*") {
            self.pos += after;
            self.start = self.pos;
            return self.comment();
        }
        self.emit(Ty::LeftDelim);
        self.pos += after;
        self.start = self.pos;
        self.paren_depth = 0;
        loop {
            let (delim, trim_right) = self.at_right_delim();
            if delim {
                if self.paren_depth != 0 {
                    self.error("unclosed left paren".into());
                    return false;
                }
                if trim_right {
                    self.pos += 2;
                    self.start = self.pos;
                }
                self.pos += 2;
                self.emit(Ty::RightDelim);
                if trim_right {
                    self.pos = self.input.len() - self.rest().trim_start_matches(is_space).len();
                    self.start = self.pos;
                }
                return true;
            }
            if !self.inside_action() {
                return false;
            }
        }
    }

    /// `lexComment`.
    fn comment(&mut self) -> bool {
        self.pos += 2;
        let Some(i) = self.rest().find("*/") else {
            self.error("unclosed comment".into());
            return false;
        };
        self.pos += i + 2;
        let (delim, trim) = self.at_right_delim();
        if !delim {
            self.error("comment ends before closing delimiter".into());
            return false;
        }
        self.pos += if trim { 4 } else { 2 };
        if trim {
            self.pos = self.input.len() - self.rest().trim_start_matches(is_space).len();
        }
        self.start = self.pos;
        true
    }

    /// One step of `lexInsideAction`; false on an error.
    fn inside_action(&mut self) -> bool {
        let Some(r) = self.next() else {
            self.error("unclosed action".into());
            return false;
        };
        match r {
            _ if is_space(r) => {
                // lexSpace: stop before the space of a ` -}}`.
                while self.peek().is_some_and(is_space) {
                    self.next();
                }
                if has_right_trim(&self.input[self.pos - 1..]) && self.input[self.pos + 1..].starts_with("}}") {
                    self.pos -= 1;
                    if self.pos == self.start {
                        return true;
                    }
                }
                self.emit(Ty::Space);
            }
            '=' => self.emit(Ty::Assign),
            ':' => {
                if self.next() != Some('=') {
                    self.error("expected :=".into());
                    return false;
                }
                self.emit(Ty::Declare);
            }
            '|' => self.emit(Ty::Pipe),
            '"' => return self.quote(),
            '`' => {
                let Some(i) = self.rest().find('`') else {
                    self.error("unterminated raw quoted string".into());
                    return false;
                };
                self.pos += i + 1;
                self.emit(Ty::RawString);
            }
            '$' => {
                if self.at_terminator() {
                    self.emit(Ty::Variable);
                } else {
                    return self.field_or_variable(Ty::Variable);
                }
            }
            '\'' => return self.char_constant(),
            '.' if self.peek().is_some_and(|c| !c.is_ascii_digit()) => {
                if self.at_terminator() {
                    self.emit(Ty::Dot);
                } else {
                    return self.field_or_variable(Ty::Field);
                }
            }
            '.' | '+' | '-' | '0'..='9' => {
                self.pos -= 1;
                return self.number();
            }
            _ if is_alnum(r) => {
                if !self.alnum_run() {
                    return false;
                }
                let word = &self.input[self.start..self.pos];
                match keyword(word) {
                    Some(k) => self.emit(k),
                    None if word == "true" || word == "false" => self.emit(Ty::Bool),
                    None => self.emit(Ty::Identifier),
                }
            }
            '(' => {
                self.emit(Ty::LeftParen);
                self.paren_depth += 1;
            }
            ')' => {
                self.emit(Ty::RightParen);
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    self.error("unexpected right paren".into());
                    return false;
                }
            }
            _ if r.is_ascii() && !r.is_ascii_control() => self.emit(Ty::Char),
            _ => {
                self.error(format!("unrecognized character in action: {}", super::fmt::sharp_u(r)));
                return false;
            }
        }
        true
    }

    /// The rest of an identifier, field or variable name, which must end at a terminator
    /// (`lexIdentifier`, `lexFieldOrVariable`: "bad character" otherwise).
    fn alnum_run(&mut self) -> bool {
        while self.peek().is_some_and(is_alnum) {
            self.next();
        }
        if !self.at_terminator() {
            let c = self.peek().unwrap_or(' ');
            self.error(format!("bad character {}", super::fmt::sharp_u(c)));
            return false;
        }
        true
    }

    /// `lexFieldOrVariable`: the `.` or `$` is consumed and something follows.
    fn field_or_variable(&mut self, ty: Ty) -> bool {
        if !self.alnum_run() {
            return false;
        }
        self.emit(ty);
        true
    }

    fn quote(&mut self) -> bool {
        self.delimited('"', Ty::String, "unterminated quoted string")
    }

    fn char_constant(&mut self) -> bool {
        self.delimited('\'', Ty::CharConstant, "unterminated character constant")
    }

    /// `lexQuote` and `lexChar`: up to the closing `close`, skipping escapes; a newline or the
    /// end of the input first is an error.
    fn delimited(&mut self, close: char, ty: Ty, unterminated: &str) -> bool {
        loop {
            match self.next() {
                Some('\\') => match self.next() {
                    None | Some('\n') => break,
                    _ => {}
                },
                None | Some('\n') => break,
                Some(c) if c == close => {
                    self.emit(ty);
                    return true;
                }
                _ => {}
            }
        }
        self.error(unterminated.into());
        false
    }

    /// `lexNumber` / `scanNumber`.
    fn number(&mut self) -> bool {
        let ok = self.scan_number();
        if ok && matches!(self.peek(), Some('+') | Some('-')) {
            // Complex: 1+2i.
            if !self.scan_number() || !self.input[..self.pos].ends_with('i') {
                let t = self.input[self.start..self.pos].to_string();
                self.error(format!("bad number syntax: {}", super::fmt::quote(&t)));
                return false;
            }
            self.emit(Ty::Complex);
            return true;
        }
        if !ok {
            let t = self.input[self.start..self.pos].to_string();
            self.error(format!("bad number syntax: {}", super::fmt::quote(&t)));
            return false;
        }
        self.emit(Ty::Number);
        true
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if self.peek().is_some_and(is_alnum) {
            self.next();
            return false;
        }
        true
    }
}

/// Scans a whole template: the items up to EOF or the first error (which is the last item).
pub(super) fn lex(input: &str) -> Vec<Item> {
    let mut l = Lexer { input, pos: 0, start: 0, paren_depth: 0, items: Vec::new() };
    while l.text() && l.action() {}
    l.items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types(s: &str) -> Vec<(Ty, String)> {
        lex(s).into_iter().map(|i| (i.ty, i.val)).collect()
    }

    #[test]
    fn actions_fields_and_trim_markers() {
        use Ty::*;
        assert_eq!(
            types("a {{- .b.c | x $v -}}  d"),
            vec![
                (Text, "a".into()),
                (LeftDelim, "{{".into()),
                (Field, ".b".into()),
                (Field, ".c".into()),
                (Space, " ".into()),
                (Pipe, "|".into()),
                (Space, " ".into()),
                (Identifier, "x".into()),
                (Space, " ".into()),
                (Variable, "$v".into()),
                (RightDelim, "}}".into()),
                (Text, "d".into()),
                (Eof, "".into()),
            ]
        );
        assert_eq!(types("{{/* c */}}x"), vec![(Text, "x".into()), (Eof, "".into())]);
        assert_eq!(types("{{-3}}")[1], (Number, "-3".into()));
        assert_eq!(types("{{range $i, $c := .}}")[3], (Variable, "$i".into()));
    }

    #[test]
    fn errors_end_the_scan() {
        assert_eq!(lex("{{.a").last().map(|i| i.val.clone()), Some("unclosed action".into()));
        assert_eq!(lex("{{\"a}}").last().map(|i| i.val.clone()), Some("unterminated quoted string".into()));
        assert_eq!(lex("{{.a!}}").last().map(|i| i.val.clone()), Some("bad character U+0021 '!'".into()));
        assert_eq!(lex("{{(.a}}").last().map(|i| i.val.clone()), Some("unclosed left paren".into()));
        assert_eq!(lex("{{3x}}").last().map(|i| i.val.clone()), Some("bad number syntax: \"3x\"".into()));
    }
}
