//! Token recognition for [`super`] (POSIX XCU 2.3, with the quoting of 2.2): words, kept as
//! written and cut into literal text and `$NAME` / `${NAME}` variables (bare or inside double
//! quotes), the `;` and newline separators, and operators. What a word would make bash run or
//! expand beyond that (`$(…)`, backquotes, `${…}` forms, special parameters, brace expansion)
//! is refused here by name.

use super::ShellError;

/// A piece of a word: source text kept as written (quotes included), or a variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Piece {
    Raw(String),
    Var { name: String, quoted: bool },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Word {
    pub(super) pieces: Vec<Piece>,
    /// Byte range in the source.
    pub(super) start: usize,
    pub(super) end: usize,
    /// The word when it is plain unquoted text (how reserved words are recognised).
    pub(super) plain: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Tok {
    Word(Word),
    /// `;` or a newline.
    Sep(char),
    Op(String),
}

#[derive(Default)]
struct WordBuilder {
    pieces: Vec<Piece>,
    start: usize,
    quoted: bool,
    /// The word with quoted characters masked, for brace expansion.
    unquoted: String,
}

impl WordBuilder {
    fn raw(&mut self, s: &str) {
        match self.pieces.last_mut() {
            Some(Piece::Raw(r)) => r.push_str(s),
            _ => self.pieces.push(Piece::Raw(s.to_string())),
        }
    }
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

pub(super) fn is_name(s: &str) -> bool {
    s.chars().next().is_some_and(is_name_start) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub(super) fn tokenize(text: &str) -> Result<Vec<Tok>, ShellError> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|x| x.1);
    let offset = |i: usize| chars.get(i).map_or(text.len(), |x| x.0);
    let mut toks = Vec::new();
    let mut cur: Option<WordBuilder> = None;
    let finish = |cur: &mut Option<WordBuilder>, toks: &mut Vec<Tok>, end: usize| -> Result<(), ShellError> {
        if let Some(w) = cur.take() {
            brace_check(&w.unquoted)?;
            let plain = match (&w.pieces[..], w.quoted) {
                ([Piece::Raw(r)], false) => Some(r.clone()),
                _ => None,
            };
            toks.push(Tok::Word(Word { pieces: w.pieces, start: w.start, end, plain }));
        }
        Ok(())
    };
    let mut i = 0;
    while let Some(c) = at(i) {
        match c {
            ' ' | '\t' | '\r' => {
                finish(&mut cur, &mut toks, offset(i))?;
                i += 1;
            }
            '\n' => {
                finish(&mut cur, &mut toks, offset(i))?;
                toks.push(Tok::Sep('\n'));
                i += 1;
            }
            '#' if cur.is_none() => {
                while at(i).is_some_and(|c| c != '\n') {
                    i += 1;
                }
            }
            ';' | '&' | '|' | '<' | '>' | '(' | ')' => {
                finish(&mut cur, &mut toks, offset(i))?;
                let two: String = [Some(c), at(i + 1)].into_iter().flatten().collect();
                let three: String = [Some(c), at(i + 1), at(i + 2)].into_iter().flatten().collect();
                let op = if three == "<<<" || three == "<<-" {
                    three
                } else if [";;", "&&", "||", "|&", "<<", ">>", ">&", "<&", "&>", ">|", "<>"].contains(&two.as_str()) {
                    two
                } else {
                    c.to_string()
                };
                i += op.chars().count();
                toks.push(if op == ";" { Tok::Sep(';') } else { Tok::Op(op) });
            }
            _ => {
                let w = cur.get_or_insert_with(|| WordBuilder { start: offset(i), ..Default::default() });
                match c {
                    '\\' => match at(i + 1) {
                        None => return Err(ShellError::Incomplete("the line ends in \\")),
                        // A line continuation: both characters go (XCU 2.2.1).
                        Some('\n') => {
                            w.quoted = true;
                            w.raw("\\\n");
                            i += 2;
                        }
                        Some(n) => {
                            w.quoted = true;
                            w.raw(&format!("\\{n}"));
                            w.unquoted.push('x');
                            i += 2;
                        }
                    },
                    '\'' => {
                        let Some(len) = chars[i + 1..].iter().position(|x| x.1 == '\'') else {
                            return Err(ShellError::Incomplete("a ' quote is not closed"));
                        };
                        w.quoted = true;
                        w.raw(&text[offset(i)..offset(i + len + 2)]);
                        w.unquoted.push('x');
                        i += len + 2;
                    }
                    '"' => {
                        w.quoted = true;
                        w.unquoted.push('x');
                        w.raw("\"");
                        i += 1;
                        loop {
                            match at(i) {
                                None => return Err(ShellError::Incomplete("a \" quote is not closed")),
                                Some('"') => {
                                    w.raw("\"");
                                    i += 1;
                                    break;
                                }
                                Some('\\') => {
                                    let s = &text[offset(i)..offset(i + 2)];
                                    w.raw(s);
                                    i += 2;
                                }
                                Some('$') => i = dollar(text, &chars, i, true, w)?,
                                Some('`') => return Err(ShellError::Unsupported("command substitution `…`".into())),
                                Some(o) => {
                                    w.raw(&o.to_string());
                                    i += 1;
                                }
                            }
                        }
                    }
                    '$' => {
                        w.unquoted.push('x');
                        i = dollar(text, &chars, i, false, w)?;
                    }
                    '`' => return Err(ShellError::Unsupported("command substitution `…`".into())),
                    o => {
                        w.raw(&o.to_string());
                        w.unquoted.push(o);
                        i += 1;
                    }
                }
            }
        }
    }
    finish(&mut cur, &mut toks, text.len())?;
    Ok(toks)
}

/// A `$` at `i`: a variable, a refused expansion, or a literal dollar. Returns the next index.
fn dollar(text: &str, chars: &[(usize, char)], i: usize, quoted: bool, w: &mut WordBuilder) -> Result<usize, ShellError> {
    let at = |k: usize| chars.get(k).map(|x| x.1);
    let offset = |k: usize| chars.get(k).map_or(text.len(), |x| x.0);
    match at(i + 1) {
        Some(c) if is_name_start(c) => {
            let mut j = i + 1;
            while at(j).is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                j += 1;
            }
            w.pieces.push(Piece::Var { name: text[offset(i + 1)..offset(j)].to_string(), quoted });
            Ok(j)
        }
        Some('{') => {
            let Some(len) = chars[i + 2..].iter().position(|x| x.1 == '}') else {
                return Err(ShellError::Incomplete("a ${ is not closed"));
            };
            let inner = &text[offset(i + 2)..offset(i + 2 + len)];
            if !is_name(inner) {
                return Err(ShellError::Unsupported(format!("the parameter expansion ${{{inner}}}")));
            }
            w.pieces.push(Piece::Var { name: inner.to_string(), quoted });
            Ok(i + 3 + len)
        }
        Some('(') if at(i + 2) == Some('(') => Err(ShellError::Unsupported("arithmetic expansion $((…))".into())),
        Some('(') => Err(ShellError::Unsupported("command substitution $(…)".into())),
        Some(c) if c.is_ascii_digit() || "@*#?$!-".contains(c) => Err(ShellError::Unsupported(format!("the special parameter ${c}"))),
        Some('\'') if !quoted => Err(ShellError::Unsupported("ANSI-C quoting $'…'".into())),
        Some('"') if !quoted => Err(ShellError::Unsupported("locale quoting $\"…\"".into())),
        // Anything else leaves the dollar as it is (XCU 2.6.2 does not apply).
        _ => {
            w.raw("$");
            Ok(i + 1)
        }
    }
}

/// Refuses a word bash would brace-expand (`{a,b}`, `{0..2}`): an unquoted `{…}` with a comma
/// at its top level or a sequence expression (bash `braces.c`). Others stay as written.
fn brace_check(unquoted: &str) -> Result<(), ShellError> {
    let b = unquoted.as_bytes();
    for (start, _) in unquoted.match_indices('{') {
        let mut depth = 0;
        let mut comma = false;
        for (k, &c) in b.iter().enumerate().skip(start) {
            match c {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        let inner = &unquoted[start + 1..k];
                        if comma || is_sequence(inner) {
                            return Err(ShellError::Unsupported(format!("brace expansion {{{inner}}}")));
                        }
                        break;
                    }
                }
                b',' if depth == 1 => comma = true,
                _ => {}
            }
        }
    }
    Ok(())
}

fn is_sequence(inner: &str) -> bool {
    let parts: Vec<&str> = inner.split("..").collect();
    let int = |s: &str| s.strip_prefix('-').unwrap_or(s).parse::<u64>().is_ok();
    let letter = |s: &str| s.len() == 1 && s.chars().all(|c| c.is_ascii_alphabetic());
    match parts.as_slice() {
        [a, z] => (int(a) && int(z)) || (letter(a) && letter(z)),
        [a, z, step] => ((int(a) && int(z)) || (letter(a) && letter(z))) && int(step),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Vec<Piece>> {
        tokenize(text)
            .expect("tokenizes")
            .into_iter()
            .filter_map(|t| match t {
                Tok::Word(w) => Some(w.pieces),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn words_keep_their_quotes_and_cut_out_variables() {
        let raw = |s: &str| Piece::Raw(s.into());
        let var = |n: &str, quoted| Piece::Var { name: n.into(), quoted };
        assert_eq!(
            words("exec \"web-$i\" x${i}y '$i' \\$i a$"),
            [
                vec![raw("exec")],
                vec![raw("\"web-"), var("i", true), raw("\"")],
                vec![raw("x"), var("i", false), raw("y")],
                vec![raw("'$i'")],
                vec![raw("\\$i")],
                vec![raw("a$")],
            ]
        );
        let toks = tokenize("a;b\n# c\nd && e").expect("tokenizes");
        let ops: Vec<&Tok> = toks.iter().filter(|t| !matches!(t, Tok::Word(_))).collect();
        assert_eq!(ops, [&Tok::Sep(';'), &Tok::Sep('\n'), &Tok::Sep('\n'), &Tok::Op("&&".into())]);
    }

    #[test]
    fn brace_expansion_is_told_from_braces_bash_leaves_alone() {
        for w in ["{a,b}", "x{1..3}", "{a..e..2}", "{{a,b}}"] {
            assert!(brace_check(w).is_err(), "{w}");
        }
        for w in ["{}", "{x}", "{..image}", "{.items[*].name}", "{1..}", "{a..bc}"] {
            assert!(brace_check(w).is_ok(), "{w}");
        }
    }
}
