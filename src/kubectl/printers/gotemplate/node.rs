//! The parse tree of Go's `text/template/parse/node.go`, with each node's `String()` (what
//! an execution error quotes in `at <…>`) and position (a byte offset into the template).

use std::fmt::{self, Display, Formatter};

/// A node of a list: text, an action, or a control structure.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Node {
    /// Plain text.
    Text(String),
    /// `{{pipeline}}` (`ActionNode`), at its first token.
    Action(usize, Pipe),
    /// `{{if}}`.
    If(Branch),
    /// `{{range}}`.
    Range(Branch),
    /// `{{with}}`.
    With(Branch),
    /// `{{template "name" pipeline}}` (also what a `{{block}}` leaves in place).
    Template(usize, String, Option<Pipe>),
    /// `{{break}}`.
    Break(usize),
    /// `{{continue}}`.
    Continue(usize),
}

/// `BranchNode`: the pipeline and the lists of `if`, `range` and `with`.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Branch {
    pub pipe: Pipe,
    pub list: Vec<Node>,
    pub else_list: Option<Vec<Node>>,
}

/// `PipeNode`: optional declarations, then commands joined by `|`.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Pipe {
    pub pos: usize,
    /// `$x = …` rather than `$x := …`.
    pub is_assign: bool,
    /// Declared variable names (`$x`).
    pub decl: Vec<String>,
    pub cmds: Vec<Cmd>,
}

/// `CommandNode`: space-separated operands.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Cmd {
    pub pos: usize,
    pub args: Vec<Arg>,
}

/// A parsed number constant (`NumberNode`).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Num {
    pub text: String,
    pub int: Option<i64>,
    pub is_uint: bool,
    pub float: Option<f64>,
}

/// An operand.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Arg {
    /// `.a.b` (`FieldNode`): the names without dots.
    Field(usize, Vec<String>),
    /// `$x.a` (`VariableNode`): `["$x", "a"]`.
    Var(usize, Vec<String>),
    /// A function name (`IdentifierNode`).
    Ident(usize, String),
    Dot(usize),
    Nil(usize),
    Bool(usize, bool),
    Number(usize, Num),
    /// A string constant: as written (quoted), and its value.
    Str(usize, String, String),
    /// `(pipeline)`.
    Pipe(Box<Pipe>),
    /// `(pipeline).a.b` (`ChainNode`).
    Chain(usize, Box<Arg>, Vec<String>),
}

impl Arg {
    /// `Node.Position()`.
    pub fn pos(&self) -> usize {
        match self {
            Arg::Field(p, _)
            | Arg::Var(p, _)
            | Arg::Ident(p, _)
            | Arg::Dot(p)
            | Arg::Nil(p)
            | Arg::Bool(p, _)
            | Arg::Number(p, _)
            | Arg::Str(p, _, _)
            | Arg::Chain(p, _, _) => *p,
            Arg::Pipe(pipe) => pipe.pos,
        }
    }
}

fn write_list(f: &mut Formatter<'_>, list: &[Node]) -> fmt::Result {
    list.iter().try_for_each(|n| write!(f, "{n}"))
}

impl Display for Node {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let branch = |f: &mut Formatter<'_>, name: &str, b: &Branch| -> fmt::Result {
            write!(f, "{{{{{name} {}}}}}", b.pipe)?;
            write_list(f, &b.list)?;
            if let Some(e) = &b.else_list {
                f.write_str("{{else}}")?;
                write_list(f, e)?;
            }
            f.write_str("{{end}}")
        };
        match self {
            Node::Text(t) => f.write_str(t),
            Node::Action(_, p) => write!(f, "{{{{{p}}}}}"),
            Node::If(b) => branch(f, "if", b),
            Node::Range(b) => branch(f, "range", b),
            Node::With(b) => branch(f, "with", b),
            Node::Template(_, name, None) => write!(f, "{{{{template {}}}}}", super::fmt::quote(name)),
            Node::Template(_, name, Some(p)) => write!(f, "{{{{template {} {p}}}}}", super::fmt::quote(name)),
            Node::Break(_) => f.write_str("{{break}}"),
            Node::Continue(_) => f.write_str("{{continue}}"),
        }
    }
}

impl Display for Pipe {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            f.write_str(&self.decl.join(", "))?;
            f.write_str(if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

impl Display for Cmd {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            match a {
                Arg::Pipe(p) => write!(f, "({p})")?,
                a => write!(f, "{a}")?,
            }
        }
        Ok(())
    }
}

impl Display for Arg {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Field(_, ids) => ids.iter().try_for_each(|id| write!(f, ".{id}")),
            Arg::Var(_, ids) => f.write_str(&ids.join(".")),
            Arg::Ident(_, name) => f.write_str(name),
            Arg::Dot(_) => f.write_str("."),
            Arg::Nil(_) => f.write_str("nil"),
            Arg::Bool(_, b) => write!(f, "{b}"),
            Arg::Number(_, n) => f.write_str(&n.text),
            Arg::Str(_, quoted, _) => f.write_str(quoted),
            Arg::Pipe(p) => write!(f, "{p}"),
            Arg::Chain(_, node, fields) => {
                match node.as_ref() {
                    Arg::Pipe(p) => write!(f, "({p})")?,
                    n => write!(f, "{n}")?,
                }
                fields.iter().try_for_each(|id| write!(f, ".{id}"))
            }
        }
    }
}
