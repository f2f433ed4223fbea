//! The parser of Go's `text/template/parse/parse.go`: actions, pipelines with declarations,
//! `if`/`else if`/`range`/`with`/`else`/`end`, `break`/`continue`, `define`/`template`/`block`,
//! parenthesized pipelines and field chains, with its error messages
//! (`template: output:1: unexpected EOF`, `function "x" not defined`, …).

use super::lex::{lex, Item, Ty};
use super::node::{Arg, Branch, Cmd, Node, Num, Pipe};

/// The functions a template may name: text/template's builtins and the two kubectl adds
/// (`NewGoTemplatePrinter`: `exists`, `base64decode`).
pub(super) const FUNCS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println", "urlquery", "eq",
    "ge", "gt", "le", "lt", "ne", "exists", "base64decode",
];

/// What `{{end}}`/`{{else}}` end a list with.
enum Stop {
    End,
    Else,
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stop::End => "{{end}}",
            Stop::Else => "{{else}}",
        })
    }
}

enum Parsed {
    Node(Node),
    Stop(Stop),
}

/// The parsed template: its root list and the templates `define`/`block` named.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Trees {
    pub root: Vec<Node>,
    pub defs: Vec<(String, Vec<Node>)>,
}

struct Parser {
    items: Vec<Item>,
    idx: usize,
    /// The furthest token read: Go reports a parse error at the line of its newest token.
    hi: usize,
    vars: Vec<String>,
    range_depth: usize,
    action_line: usize,
    defs: Vec<(String, Vec<Node>)>,
}

type PResult<T> = Result<T, String>;

fn errorf<T>(line: usize, msg: String) -> PResult<T> {
    Err(format!("template: output:{line}: {msg}"))
}

impl Parser {
    fn fail<T>(&self, msg: String) -> PResult<T> {
        errorf(self.items[self.hi].line, msg)
    }
    fn next(&mut self) -> Item {
        let i = self.idx.min(self.items.len() - 1);
        self.idx = i + 1;
        self.hi = self.hi.max(i);
        self.items[i].clone()
    }
    fn backup(&mut self) {
        self.idx -= 1;
    }
    fn peek(&mut self) -> Item {
        let t = self.next();
        self.backup();
        t
    }
    fn next_non_space(&mut self) -> Item {
        loop {
            let t = self.next();
            if t.ty != Ty::Space {
                return t;
            }
        }
    }
    fn peek_non_space(&mut self) -> Item {
        let t = self.next_non_space();
        self.backup();
        t
    }
    fn expect(&mut self, ty: Ty, context: &str) -> PResult<Item> {
        let t = self.next_non_space();
        if t.ty != ty {
            return self.unexpected(&t, context);
        }
        Ok(t)
    }
    fn unexpected<T>(&self, t: &Item, context: &str) -> PResult<T> {
        if t.ty == Ty::Error {
            let mut extra = String::new();
            if self.action_line != 0 && self.action_line != t.line {
                extra = format!(" in action started at output:{}", self.action_line);
                if t.val.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.fail(format!("{t}{extra}"));
        }
        self.fail(format!("unexpected {t} in {context}"))
    }

    /// `parse`: the top level, where `{{define}}` may appear.
    fn parse(&mut self) -> PResult<Vec<Node>> {
        let mut root = Vec::new();
        while self.peek().ty != Ty::Eof {
            if self.peek().ty == Ty::LeftDelim {
                let at = self.idx;
                self.next();
                if self.next_non_space().ty == Ty::Define {
                    self.definition()?;
                    continue;
                }
                self.idx = at;
            }
            match self.text_or_action()? {
                Parsed::Stop(s) => return self.fail(format!("unexpected {s}")),
                Parsed::Node(n) => root.push(n),
            }
        }
        Ok(root)
    }

    /// A template body parsed as its own tree (`define`, `block`): fresh variables.
    fn sub_tree(&mut self, context: &str) -> PResult<Vec<Node>> {
        let vars = std::mem::replace(&mut self.vars, vec!["$".to_string()]);
        let depth = std::mem::replace(&mut self.range_depth, 0);
        let (list, stop) = self.item_list()?;
        if let Stop::Else = stop {
            return self.fail(format!("unexpected {stop} in {context}"));
        }
        self.vars = vars;
        self.range_depth = depth;
        Ok(list)
    }

    /// `Tree.add`: a second non-empty definition of a name is an error.
    fn add(&mut self, name: String, list: Vec<Node>) -> PResult<()> {
        let empty = |l: &[Node]| l.iter().all(|n| matches!(n, Node::Text(t) if t.trim().is_empty()));
        match self.defs.iter_mut().find(|(n, _)| *n == name) {
            Some((_, old)) if empty(old) => *old = list,
            Some(_) if !empty(&list) => {
                return self.fail(format!("template: multiple definition of template {}", super::fmt::quote(&name)))
            }
            Some(_) => {}
            None => self.defs.push((name, list)),
        }
        Ok(())
    }

    fn definition(&mut self) -> PResult<()> {
        const CONTEXT: &str = "define clause";
        let t = self.next_non_space();
        if t.ty != Ty::String && t.ty != Ty::RawString {
            return self.unexpected(&t, CONTEXT);
        }
        let name = unquote(&t.val).or_else(|e| self.fail(e))?;
        self.expect(Ty::RightDelim, CONTEXT)?;
        let list = self.sub_tree(CONTEXT)?;
        self.add(name, list)
    }

    /// `itemList`: up to `{{end}}` or `{{else}}`.
    fn item_list(&mut self) -> PResult<(Vec<Node>, Stop)> {
        let mut list = Vec::new();
        while self.peek_non_space().ty != Ty::Eof {
            match self.text_or_action()? {
                Parsed::Stop(s) => return Ok((list, s)),
                Parsed::Node(n) => list.push(n),
            }
        }
        self.fail("unexpected EOF".into())
    }

    fn text_or_action(&mut self) -> PResult<Parsed> {
        let t = self.next_non_space();
        match t.ty {
            Ty::Text => Ok(Parsed::Node(Node::Text(t.val))),
            Ty::LeftDelim => {
                self.action_line = t.line;
                let r = self.action();
                self.action_line = 0;
                r
            }
            _ => self.unexpected(&t, "input"),
        }
    }

    fn action(&mut self) -> PResult<Parsed> {
        let t = self.next_non_space();
        let node = match t.ty {
            Ty::Block => self.block()?,
            Ty::Break | Ty::Continue => {
                let name = if t.ty == Ty::Break { "{{break}}" } else { "{{continue}}" };
                let r = self.next_non_space();
                if r.ty != Ty::RightDelim {
                    return self.unexpected(&r, name);
                }
                if self.range_depth == 0 {
                    return self.fail(format!("{name} outside {{{{range}}}}"));
                }
                if t.ty == Ty::Break {
                    Node::Break(t.pos)
                } else {
                    Node::Continue(t.pos)
                }
            }
            Ty::Else => {
                let p = self.peek_non_space();
                if p.ty != Ty::If && p.ty != Ty::With {
                    self.expect(Ty::RightDelim, "else")?;
                }
                return Ok(Parsed::Stop(Stop::Else));
            }
            Ty::End => {
                self.expect(Ty::RightDelim, "end")?;
                return Ok(Parsed::Stop(Stop::End));
            }
            Ty::If => Node::If(self.control("if")?),
            Ty::Range => Node::Range(self.control("range")?),
            Ty::With => Node::With(self.control("with")?),
            Ty::Template => {
                let name_tok = self.next_non_space();
                let name = self.template_name(&name_tok, "template clause")?;
                let pipe = if self.next_non_space().ty != Ty::RightDelim {
                    self.backup();
                    Some(self.pipeline("template clause", Ty::RightDelim)?)
                } else {
                    None
                };
                Node::Template(name_tok.pos, name, pipe)
            }
            _ => {
                self.backup();
                let pos = self.peek().pos;
                Node::Action(pos, self.pipeline("command", Ty::RightDelim)?)
            }
        };
        Ok(Parsed::Node(node))
    }

    fn block(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "block clause";
        let t = self.next_non_space();
        let name = self.template_name(&t, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, Ty::RightDelim)?;
        let list = self.sub_tree(CONTEXT)?;
        self.add(name.clone(), list)?;
        Ok(Node::Template(t.pos, name, Some(pipe)))
    }

    fn template_name(&mut self, t: &Item, context: &str) -> PResult<String> {
        match t.ty {
            Ty::String | Ty::RawString => unquote(&t.val).or_else(|e| self.fail(e)),
            _ => self.unexpected(t, context),
        }
    }

    /// `parseControl`, with `{{else if}}`/`{{else with}}` chains.
    fn control(&mut self, context: &str) -> PResult<Branch> {
        let vars = self.vars.len();
        let pipe = self.pipeline(context, Ty::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let (list, stop) = self.item_list()?;
        if context == "range" {
            self.range_depth -= 1;
        }
        let mut else_list = None;
        if let Stop::Else = stop {
            let p = self.peek();
            if (context == "if" && p.ty == Ty::If) || (context == "with" && p.ty == Ty::With) {
                self.next();
                let inner = self.control(context)?;
                else_list = Some(vec![if context == "if" { Node::If(inner) } else { Node::With(inner) }]);
            } else {
                let (l, stop) = self.item_list()?;
                if let Stop::Else = stop {
                    return self.fail(format!("expected end; found {stop}"));
                }
                else_list = Some(l);
            }
        }
        self.vars.truncate(vars);
        Ok(Branch { pipe, list, else_list })
    }

    fn pipeline(&mut self, context: &str, end: Ty) -> PResult<Pipe> {
        let pos = self.peek_non_space().pos;
        let mut pipe = Pipe { pos, is_assign: false, decl: Vec::new(), cmds: Vec::new() };
        loop {
            let v = self.peek_non_space();
            if v.ty != Ty::Variable {
                break;
            }
            let at = self.idx;
            self.next();
            let next = self.peek_non_space();
            if next.ty == Ty::Assign || next.ty == Ty::Declare {
                pipe.is_assign = next.ty == Ty::Assign;
                self.next_non_space();
                pipe.decl.push(v.val.clone());
                self.vars.push(v.val);
                break;
            } else if next.ty == Ty::Char && next.val == "," {
                self.next_non_space();
                pipe.decl.push(v.val.clone());
                self.vars.push(v.val);
                if context == "range" && pipe.decl.len() < 2 {
                    match self.peek_non_space().ty {
                        Ty::Variable | Ty::RightDelim | Ty::RightParen => continue,
                        _ => return self.fail("range can only initialize variables".into()),
                    }
                }
                return self.fail(format!("too many declarations in {context}"));
            }
            self.idx = at;
            break;
        }
        loop {
            let t = self.next_non_space();
            match t.ty {
                _ if t.ty == end => {
                    if pipe.cmds.is_empty() {
                        return self.fail(format!("missing value for {context}"));
                    }
                    for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
                        if matches!(c.args[0], Arg::Bool(..) | Arg::Dot(_) | Arg::Nil(_) | Arg::Number(..) | Arg::Str(..)) {
                            return self.fail(format!("non executable command in pipeline stage {}", i + 1));
                        }
                    }
                    return Ok(pipe);
                }
                Ty::Bool
                | Ty::CharConstant
                | Ty::Complex
                | Ty::Dot
                | Ty::Field
                | Ty::Identifier
                | Ty::Number
                | Ty::Nil
                | Ty::RawString
                | Ty::String
                | Ty::Variable
                | Ty::LeftParen => {
                    self.backup();
                    let c = self.command()?;
                    pipe.cmds.push(c);
                }
                _ => return self.unexpected(&t, context),
            }
        }
    }

    fn command(&mut self) -> PResult<Cmd> {
        let pos = self.peek_non_space().pos;
        let mut args = Vec::new();
        loop {
            self.peek_non_space();
            if let Some(a) = self.operand()? {
                args.push(a);
            }
            let t = self.next();
            match t.ty {
                Ty::Space => continue,
                Ty::RightDelim | Ty::RightParen => self.backup(),
                Ty::Pipe => {}
                _ => return self.unexpected(&t, "operand"),
            }
            break;
        }
        if args.is_empty() {
            return self.fail("empty command".into());
        }
        Ok(Cmd { pos, args })
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().ty != Ty::Field {
            return Ok(Some(node));
        }
        let pos = self.peek().pos;
        let mut fields = Vec::new();
        while self.peek().ty == Ty::Field {
            fields.push(self.next().val[1..].to_string());
        }
        Ok(Some(match node {
            Arg::Field(_, mut ids) => {
                ids.extend(fields);
                Arg::Field(pos, ids)
            }
            Arg::Var(_, mut ids) => {
                ids.extend(fields);
                Arg::Var(pos, ids)
            }
            Arg::Bool(..) | Arg::Str(..) | Arg::Number(..) | Arg::Nil(_) | Arg::Dot(_) => {
                return self.fail(format!("unexpected . after term {}", super::fmt::quote(&node.to_string())))
            }
            other => Arg::Chain(pos, Box::new(other), fields),
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let t = self.next_non_space();
        Ok(Some(match t.ty {
            Ty::Identifier => {
                if !FUNCS.contains(&t.val.as_str()) {
                    return self.fail(format!("function {} not defined", super::fmt::quote(&t.val)));
                }
                Arg::Ident(t.pos, t.val)
            }
            Ty::Dot => Arg::Dot(t.pos),
            Ty::Nil => Arg::Nil(t.pos),
            Ty::Variable => {
                if !self.vars.contains(&t.val) {
                    return self.fail(format!("undefined variable {}", super::fmt::quote(&t.val)));
                }
                Arg::Var(t.pos, vec![t.val])
            }
            Ty::Field => Arg::Field(t.pos, vec![t.val[1..].to_string()]),
            Ty::Bool => Arg::Bool(t.pos, t.val == "true"),
            Ty::CharConstant | Ty::Complex | Ty::Number => {
                let n = number(&t.val, t.ty).or_else(|e| self.fail(e))?;
                Arg::Number(t.pos, n)
            }
            Ty::LeftParen => Arg::Pipe(Box::new(self.pipeline("parenthesized pipeline", Ty::RightParen)?)),
            Ty::String | Ty::RawString => {
                let s = unquote(&t.val).or_else(|e| self.fail(e))?;
                Arg::Str(t.pos, t.val, s)
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

/// `strconv.Unquote` of a `"…"`, `` `…` `` or `'…'` literal; the error is strconv's.
pub(super) fn unquote(s: &str) -> Result<String, String> {
    const SYNTAX: &str = "invalid syntax";
    if let Some(raw) = s.strip_prefix('`').and_then(|r| r.strip_suffix('`')) {
        return Ok(raw.replace('\r', ""));
    }
    let q = s.chars().next().ok_or(SYNTAX)?;
    let inner = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)).filter(|_| s.len() >= 2).ok_or(SYNTAX)?;
    let mut out = String::new();
    let mut it = inner.chars().peekable();
    while let Some(c) = it.next() {
        if c == q || (c == '\n') {
            return Err(SYNTAX.into());
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = it.next().ok_or(SYNTAX)?;
        let hex = |n: usize, it: &mut std::iter::Peekable<std::str::Chars<'_>>| -> Result<u32, String> {
            let mut v = 0u32;
            for _ in 0..n {
                v = v * 16 + it.next().and_then(|d| d.to_digit(16)).ok_or(SYNTAX)?;
            }
            Ok(v)
        };
        out.push(match e {
            'a' => '\u{7}',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\u{b}',
            '\\' => '\\',
            '\'' | '"' if e == q => e,
            'x' => char::from_u32(hex(2, &mut it)?).ok_or(SYNTAX)?,
            'u' => char::from_u32(hex(4, &mut it)?).ok_or(SYNTAX)?,
            'U' => char::from_u32(hex(8, &mut it)?).ok_or(SYNTAX)?,
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    v = v * 8 + it.next().and_then(|d| d.to_digit(8)).ok_or(SYNTAX)?;
                }
                char::from_u32(v).filter(|_| v < 256).ok_or(SYNTAX)?
            }
            _ => return Err(SYNTAX.into()),
        });
    }
    if q == '\'' && out.chars().count() != 1 {
        return Err(SYNTAX.into());
    }
    Ok(out)
}

/// `strconv.ParseUint(text, 0, 64)`-style integer syntax (sign, `0x`/`0o`/`0b`/leading-0
/// octal, underscores after a prefix).
fn parse_int(text: &str) -> Option<(bool, u64)> {
    let (neg, t) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let lower = t.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d.replace('_', ""))
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d.replace('_', ""))
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d.replace('_', ""))
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].replace('_', ""))
    } else {
        (10, lower.clone())
    };
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    u64::from_str_radix(&digits, radix).ok().map(|u| (neg, u))
}

/// `newNumber`. Complex constants are not modelled (they cannot index or compare with JSON).
fn number(text: &str, ty: Ty) -> Result<Num, String> {
    let mut n = Num { text: text.to_string(), int: None, is_uint: false, float: None };
    if ty == Ty::CharConstant {
        let c = unquote(text)?;
        let r = c.chars().next().map(|c| c as i64).unwrap_or(0);
        n.int = Some(r);
        n.is_uint = true;
        n.float = Some(r as f64);
        return Ok(n);
    }
    if ty == Ty::Complex || text.ends_with('i') {
        return Err(format!("illegal number syntax: {}", super::fmt::quote(text)));
    }
    if let Some((neg, u)) = parse_int(text) {
        if neg && u > i64::MAX as u64 + 1 {
            return Err(format!("integer overflow: {}", super::fmt::quote(text)));
        }
        n.is_uint = !neg || u == 0;
        n.int = if neg { Some((u as i64).wrapping_neg()) } else { i64::try_from(u).ok() };
        n.float = Some(if neg { -(u as f64) } else { u as f64 });
    } else if let Ok(f) = text.replace('_', "").parse::<f64>() {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", super::fmt::quote(text)));
        }
        n.float = Some(f);
        if f.fract() == 0.0 && f.abs() < 9.2e18 {
            n.int = Some(f as i64);
        }
    }
    if n.int.is_none() && !n.is_uint && n.float.is_none() {
        return Err(format!("illegal number syntax: {}", super::fmt::quote(text)));
    }
    Ok(n)
}

/// Parses a template named `output` (kubectl's `template.New("output")`).
pub(super) fn parse(text: &str) -> Result<Trees, String> {
    let mut p = Parser {
        items: lex(text),
        idx: 0,
        hi: 0,
        vars: vec!["$".to_string()],
        range_depth: 0,
        action_line: 0,
        defs: Vec::new(),
    };
    let mut root = p.parse()?;
    // Tree.add for the template itself: a {{define "output"}} stands in for an empty body.
    if let Some(i) = p.defs.iter().position(|(n, _)| n == "output") {
        let blank = |l: &[Node]| l.iter().all(|n| matches!(n, Node::Text(t) if t.trim().is_empty()));
        if blank(&root) {
            root = p.defs.remove(i).1;
        } else if !blank(&p.defs[i].1) {
            return p.fail("template: multiple definition of template \"output\"".into());
        }
    }
    Ok(Trees { root, defs: p.defs })
}
