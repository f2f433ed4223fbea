//! The YAML event stream from libyaml (the `unsafe-libyaml-norway` port that `serde_yaml`
//! already links), with each event's line and column — what kubectl's YAML parser (go-yaml, also
//! a libyaml port) sees. Using the events directly gives exact positions for every key and value
//! without a second YAML parser in the wasm bundle.
//!
//! This is the only module with `unsafe`: it wraps the C-style API in a safe iterator.

use unsafe_libyaml_norway as unsafe_libyaml;

/// A position in the text: 1-based line and column (columns count characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mark {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
}

/// How a scalar was written; only plain scalars are resolved to null/bool/number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    /// `foo`
    Plain,
    /// `'foo'` or `"foo"`
    Quoted,
    /// `|` or `>`
    Block,
}

/// One parser event.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// `---` or an implicit document start.
    DocumentStart,
    /// End of a document.
    DocumentEnd,
    /// Start of a mapping.
    MappingStart {
        /// `&anchor`, if any.
        anchor: Option<String>,
        /// `!tag`, if any.
        tag: Option<String>,
    },
    /// End of a mapping.
    MappingEnd,
    /// Start of a sequence.
    SequenceStart {
        /// `&anchor`, if any.
        anchor: Option<String>,
        /// `!tag`, if any.
        tag: Option<String>,
    },
    /// End of a sequence.
    SequenceEnd,
    /// A scalar.
    Scalar {
        /// `&anchor`, if any.
        anchor: Option<String>,
        /// `!tag`, if any.
        tag: Option<String>,
        /// The scalar's value after unescaping/folding.
        value: String,
        /// How it was written.
        style: ScalarStyle,
    },
    /// `*alias`.
    Alias(String),
    /// End of input.
    StreamEnd,
}

/// A libyaml syntax error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// libyaml's problem text (`mapping values are not allowed in this context`).
    pub problem: String,
    /// Where the problem is.
    pub at: Mark,
    /// The line go-yaml reports: libyaml's 0-based problem line, plus one only for scanner
    /// errors (go-yaml `parser.fail`), or the context line when the problem line is 0.
    pub go_yaml_line: u32,
}

struct Pinned {
    sys: unsafe_libyaml::yaml_parser_t,
    // Kept alive (and never moved: it is a boxed slice) while libyaml reads it.
    _input: Box<[u8]>,
}

/// A pull parser over one YAML text.
pub struct Parser {
    pin: Box<std::mem::MaybeUninit<Pinned>>,
    done: bool,
}

fn mark(m: unsafe_libyaml::yaml_mark_t) -> Mark {
    Mark { line: m.line as u32 + 1, col: m.column as u32 + 1 }
}

/// Copies a NUL-terminated libyaml string.
///
/// # Safety
/// `p` is null or points at a NUL-terminated string owned by the current event.
unsafe fn c_string(p: *const u8) -> Option<String> {
    if p.is_null() {
        return None;
    }
    let s = unsafe { std::ffi::CStr::from_ptr(p as *const std::ffi::c_char) };
    Some(String::from_utf8_lossy(s.to_bytes()).into_owned())
}

impl Parser {
    /// A parser over `text` (UTF-8).
    pub fn new(text: &str) -> Parser {
        let input: Box<[u8]> = text.as_bytes().into();
        let mut pin = Box::new(std::mem::MaybeUninit::<Pinned>::uninit());
        let p = pin.as_mut_ptr();
        // SAFETY: `p` points at boxed (stable) memory; libyaml initialises the parser in place
        // and keeps a pointer to the input, which is boxed and lives as long as the parser.
        let ok = unsafe {
            let parser = std::ptr::addr_of_mut!((*p).sys);
            std::ptr::addr_of_mut!((*p)._input).write(input);
            let input = &*std::ptr::addr_of!((*p)._input);
            if unsafe_libyaml::yaml_parser_initialize(parser).fail {
                false
            } else {
                unsafe_libyaml::yaml_parser_set_encoding(parser, unsafe_libyaml::YAML_UTF8_ENCODING);
                unsafe_libyaml::yaml_parser_set_input_string(parser, input.as_ptr(), input.len() as u64);
                true
            }
        };
        // Initialisation only fails when allocation fails; report it as the end of input.
        Parser { pin, done: !ok }
    }

    /// The next event, or the syntax error that stops the stream.
    pub fn next_event(&mut self) -> Result<(Event, Mark), SyntaxError> {
        if self.done {
            return Ok((Event::StreamEnd, Mark::default()));
        }
        let mut ev = std::mem::MaybeUninit::<unsafe_libyaml::yaml_event_t>::uninit();
        // SAFETY: the parser was initialised in `new` (done is false); the event is written by
        // yaml_parser_parse before it is read, and deleted before returning.
        unsafe {
            let parser = std::ptr::addr_of_mut!((*self.pin.as_mut_ptr()).sys);
            if unsafe_libyaml::yaml_parser_parse(parser, ev.as_mut_ptr()).fail {
                self.done = true;
                let pr = &*parser;
                let scanner = pr.error == unsafe_libyaml::YAML_SCANNER_ERROR;
                let problem = c_string(pr.problem as *const u8).unwrap_or_else(|| "unknown problem parsing YAML content".into());
                let go_line = if pr.problem_mark.line != 0 {
                    pr.problem_mark.line as u32 + u32::from(scanner)
                } else {
                    pr.context_mark.line as u32
                };
                return Err(SyntaxError { problem, at: mark(pr.problem_mark), go_yaml_line: go_line });
            }
            let e = &*ev.as_ptr();
            let at = mark(e.start_mark);
            let out = match e.type_ {
                unsafe_libyaml::YAML_STREAM_START_EVENT => None,
                unsafe_libyaml::YAML_STREAM_END_EVENT => {
                    self.done = true;
                    Some(Event::StreamEnd)
                }
                unsafe_libyaml::YAML_DOCUMENT_START_EVENT => Some(Event::DocumentStart),
                unsafe_libyaml::YAML_DOCUMENT_END_EVENT => Some(Event::DocumentEnd),
                unsafe_libyaml::YAML_ALIAS_EVENT => Some(Event::Alias(c_string(e.data.alias.anchor).unwrap_or_default())),
                unsafe_libyaml::YAML_SCALAR_EVENT => {
                    let s = e.data.scalar;
                    let bytes = if s.value.is_null() {
                        &[][..]
                    } else {
                        std::slice::from_raw_parts(s.value, s.length as usize)
                    };
                    let style = match s.style {
                        unsafe_libyaml::YAML_PLAIN_SCALAR_STYLE => ScalarStyle::Plain,
                        unsafe_libyaml::YAML_LITERAL_SCALAR_STYLE | unsafe_libyaml::YAML_FOLDED_SCALAR_STYLE => ScalarStyle::Block,
                        _ => ScalarStyle::Quoted,
                    };
                    Some(Event::Scalar {
                        anchor: c_string(s.anchor),
                        tag: c_string(s.tag),
                        value: String::from_utf8_lossy(bytes).into_owned(),
                        style,
                    })
                }
                unsafe_libyaml::YAML_SEQUENCE_START_EVENT => Some(Event::SequenceStart {
                    anchor: c_string(e.data.sequence_start.anchor),
                    tag: c_string(e.data.sequence_start.tag),
                }),
                unsafe_libyaml::YAML_SEQUENCE_END_EVENT => Some(Event::SequenceEnd),
                unsafe_libyaml::YAML_MAPPING_START_EVENT => Some(Event::MappingStart {
                    anchor: c_string(e.data.mapping_start.anchor),
                    tag: c_string(e.data.mapping_start.tag),
                }),
                unsafe_libyaml::YAML_MAPPING_END_EVENT => Some(Event::MappingEnd),
                _ => None,
            };
            unsafe_libyaml::yaml_event_delete(ev.as_mut_ptr());
            match out {
                Some(event) => Ok((event, at)),
                // Stream start (and anything unexpected): move on to the next event.
                None => self.next_event(),
            }
        }
    }
}

impl Drop for Parser {
    fn drop(&mut self) {
        // SAFETY: `new` always writes `_input`; the parser is initialised unless `done` was set
        // by a failed initialisation, in which case yaml_parser_delete is still safe because
        // yaml_parser_initialize zeroes the struct before allocating.
        unsafe {
            let p = self.pin.as_mut_ptr();
            unsafe_libyaml::yaml_parser_delete(std::ptr::addr_of_mut!((*p).sys));
            std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p)._input));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Result<Vec<(Event, Mark)>, SyntaxError> {
        let mut p = Parser::new(text);
        let mut out = Vec::new();
        loop {
            let (e, m) = p.next_event()?;
            if e == Event::StreamEnd {
                return Ok(out);
            }
            out.push((e, m));
        }
    }

    #[test]
    fn scalars_carry_positions() {
        let evs = all("a:\n  b: 'x'\n").unwrap();
        let b = evs
            .iter()
            .find(|(e, _)| matches!(e, Event::Scalar { value, .. } if value == "b"))
            .unwrap();
        assert_eq!(b.1, Mark { line: 2, col: 3 });
        let x = evs.iter().find(|(e, _)| matches!(e, Event::Scalar { value, style: ScalarStyle::Quoted, .. } if value == "x"));
        assert_eq!(x.unwrap().1, Mark { line: 2, col: 6 });
    }

    #[test]
    fn syntax_errors_have_go_yaml_lines() {
        let e = all("a: b\nc: d: e\n").unwrap_err();
        assert_eq!(e.problem, "mapping values are not allowed in this context");
        assert_eq!(e.at.line, 2);
        assert_eq!(e.go_yaml_line, 2);
    }

    #[test]
    fn drop_after_error_and_empty_input_is_safe() {
        assert!(all("").unwrap().is_empty());
        assert!(all("[").is_err());
    }
}
