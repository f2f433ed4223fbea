//! Execution, as Go's `text/template/exec.go` walks a tree: dot and variables, field chains on
//! maps (`missingkey=default` gives `<no value>`, `missingkey=error` stops), `if`/`with`/`range`
//! (maps in key order, integers), `break`/`continue`, `template`, pipelines and function calls,
//! and its errors: `template: output:1:9: executing "output" at <.a.b>: map has no entry for
//! key "a"` (the position is the node's byte offset in its line, as `Tree.ErrorContext` counts).

use super::funcs::{self, Param};
use super::node::{Arg, Branch, Cmd, Node, Num, Pipe};
use super::parse::Trees;
use super::value::{Kind, Val};

/// The depth `{{template}}` calls may reach: text/template's `maxExecDepth` for wasm builds
/// (the playground runs as wasm; native kubectl allows 100000).
const MAX_EXEC_DEPTH: usize = 1000;

/// The node an error names (`state.at`).
#[derive(Clone, Copy)]
enum At<'t> {
    None,
    Node(&'t Node),
    Pipe(&'t Pipe),
    Cmd(&'t Cmd),
    Arg(&'t Arg),
}

/// Why a walk stopped early.
pub(super) enum Stop {
    /// An `ExecError`, already formatted.
    Error(String),
    Break,
    Continue,
}

type R<T> = Result<T, Stop>;

pub(super) struct Exec<'t, 'a> {
    pub text: &'t str,
    pub trees: &'t Trees,
    pub missing_error: bool,
    pub out: String,
    name: &'t str,
    node: At<'t>,
    vars: Vec<(String, Val<'a>)>,
    depth: usize,
}

impl<'t, 'a> Exec<'t, 'a> {
    /// A run over `data` (`$` and the first dot).
    pub fn new(text: &'t str, trees: &'t Trees, missing_error: bool, data: Val<'a>) -> Self {
        Exec { text, trees, missing_error, out: String::new(), name: "output", node: At::None, vars: vec![("$".into(), data)], depth: 0 }
    }

    /// `state.errorf`: the location and context of the current node, then the message.
    pub fn errorf<T>(&self, msg: String) -> R<T> {
        let (pos, ctx) = match self.node {
            At::None => return Err(Stop::Error(format!("template: {}: {msg}", self.name))),
            At::Node(n) => (node_pos(n), n.to_string()),
            At::Pipe(p) => (p.pos, p.to_string()),
            At::Cmd(c) => (c.pos, c.to_string()),
            At::Arg(a) => (a.pos(), a.to_string()),
        };
        let before = &self.text[..pos.min(self.text.len())];
        let line = 1 + before.matches('\n').count();
        let col = before.rfind('\n').map(|i| pos - i - 1).unwrap_or(pos);
        Err(Stop::Error(format!(
            "template: output:{line}:{col}: executing {} at <{ctx}>: {msg}",
            super::fmt::quote(self.name)
        )))
    }

    fn var_value(&self, name: &str) -> R<Val<'a>> {
        match self.vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => self.errorf(format!("undefined variable: {name}")),
        }
    }

    fn set_var(&mut self, name: &str, v: Val<'a>) -> R<()> {
        match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
            Some(slot) => {
                slot.1 = v;
                Ok(())
            }
            None => self.errorf(format!("undefined variable: {name}")),
        }
    }

    /// Walks a list.
    pub fn walk_list(&mut self, dot: &Val<'a>, list: &'t [Node]) -> R<()> {
        // A plain loop: each nested {{template}} costs stack, and iterator adaptors add frames.
        for n in list {
            self.walk(dot, n)?;
        }
        Ok(())
    }

    fn walk(&mut self, dot: &Val<'a>, node: &'t Node) -> R<()> {
        self.node = At::Node(node);
        match node {
            Node::Text(t) => self.out.push_str(t),
            Node::Action(_, pipe) => self.walk_action(dot, node, pipe)?,
            Node::If(b) | Node::With(b) => self.walk_if_or_with(dot, matches!(node, Node::With(_)), b)?,
            Node::Range(b) => self.walk_range(dot, node, b)?,
            Node::Template(_, name, pipe) => self.walk_template(dot, name, pipe.as_ref())?,
            Node::Break(_) => return Err(Stop::Break),
            Node::Continue(_) => return Err(Stop::Continue),
        }
        Ok(())
    }

    /// An action prints its value unless it declares variables.
    #[inline(never)]
    fn walk_action(&mut self, dot: &Val<'a>, node: &'t Node, pipe: &'t Pipe) -> R<()> {
        let v = self.eval_pipeline(dot, Some(pipe))?;
        if pipe.decl.is_empty() {
            self.node = At::Node(node);
            match v {
                Val::Invalid => self.out.push_str("<no value>"),
                v => self.out.push_str(&super::fmt::sprint_one(&v)),
            }
        }
        Ok(())
    }

    /// `walkIfOrWith`: variables the pipeline declares end with the structure.
    #[inline(never)]
    fn walk_if_or_with(&mut self, dot: &Val<'a>, with: bool, b: &'t Branch) -> R<()> {
        let mark = self.vars.len();
        let v = self.eval_pipeline(dot, Some(&b.pipe))?;
        let r = if v.truth() {
            self.walk_list(if with { &v } else { dot }, &b.list)
        } else if let Some(e) = &b.else_list {
            self.walk_list(dot, e)
        } else {
            Ok(())
        };
        self.vars.truncate(mark);
        r
    }

    /// `walkTemplate`: a defined template runs with only `$` (its data) as variables.
    #[inline(never)]
    fn walk_template(&mut self, dot: &Val<'a>, name: &'t str, pipe: Option<&'t Pipe>) -> R<()> {
        let list = self.lookup(name)?;
        let dot = self.eval_pipeline(dot, pipe)?;
        let vars = std::mem::replace(&mut self.vars, vec![("$".into(), dot.clone())]);
        let outer = std::mem::replace(&mut self.name, name);
        self.depth += 1;
        let r = self.walk_list(&dot, list);
        self.depth -= 1;
        self.name = outer;
        self.vars = vars;
        r
    }

    /// The list of a template `{{template}}` names, or Go's error.
    #[inline(never)]
    fn lookup(&self, name: &str) -> R<&'t [Node]> {
        if let Some((_, l)) = self.trees.defs.iter().find(|(n, _)| n == name) {
            Ok(l.as_slice())
        } else if name == "output" {
            Ok(self.trees.root.as_slice())
        } else {
            self.errorf(format!("template {} not defined", super::fmt::quote(name)))
        }
        .and_then(|l| {
            if self.depth == MAX_EXEC_DEPTH {
                return self.errorf(format!("exceeded maximum template depth ({MAX_EXEC_DEPTH})"));
            }
            Ok(l)
        })
    }

    /// `walkRange`: slices in order, maps by sorted key, integers (Go 1.24) counting up.
    #[inline(never)]
    fn walk_range(&mut self, dot: &Val<'a>, node: &'t Node, b: &'t Branch) -> R<()> {
        let mark = self.vars.len();
        let r = self.range_body(dot, node, b);
        self.vars.truncate(mark);
        match r {
            Err(Stop::Break) => Ok(()),
            r => r,
        }
    }

    fn range_body(&mut self, dot: &Val<'a>, node: &'t Node, b: &'t Branch) -> R<()> {
        self.node = At::Node(node);
        let val = self.eval_pipeline(dot, Some(&b.pipe))?;
        let mark = self.vars.len();
        let mut ran = false;
        let mut iterations: Vec<(Val<'a>, Val<'a>)> = Vec::new();
        match val.kind() {
            Kind::Slice => {
                let items = val.as_slice().unwrap_or_default();
                iterations = items.iter().enumerate().map(|(i, x)| (Val::Int(i as i64), Val::Data(x, true))).collect();
            }
            Kind::Map => {
                iterations = val.map_entries().unwrap_or_default().into_iter().map(|(k, x)| (Val::Str(k.clone()), Val::Data(x, true))).collect();
            }
            Kind::Int => {
                if b.pipe.decl.len() > 1 {
                    return self.errorf(format!("can't use {} to iterate over more than one variable", super::fmt::sprint_one(&val)));
                }
                let n = val.as_int().unwrap_or(0);
                // Go yields values of the ranged type: int for a constant, int64 for JSON.
                let is_go_int = matches!(val, Val::Int(_));
                iterations = (0..n.max(0)).map(|i| (Val::Invalid, if is_go_int { Val::Int(i) } else { Val::I64(i) })).collect();
            }
            Kind::Nil => {}
            _ => return self.errorf(format!("range can't iterate over {}", super::fmt::sprint_one(&val))),
        }
        for (index, elem) in iterations {
            ran = true;
            let decl = &b.pipe.decl;
            if !decl.is_empty() {
                if b.pipe.is_assign {
                    let v = if decl.len() > 1 { index.clone() } else { elem.clone() };
                    self.set_var(&decl[0], v)?;
                } else {
                    let top = self.vars.len() - 1;
                    self.vars[top].1 = elem.clone();
                }
            }
            if decl.len() > 1 {
                if b.pipe.is_assign {
                    self.set_var(&decl[1], elem.clone())?;
                } else {
                    let second = self.vars.len() - 2;
                    self.vars[second].1 = index;
                }
            }
            let r = self.walk_list(&elem, &b.list);
            self.vars.truncate(mark);
            match r {
                Err(Stop::Continue) => {}
                r => r?,
            }
        }
        if !ran {
            if let Some(e) = &b.else_list {
                self.walk_list(dot, e)?;
            }
        }
        Ok(())
    }

    /// `evalPipeline`: each command's value is the next one's final argument; the result
    /// loses its `interface{}` box; declared variables are pushed (or assigned).
    fn eval_pipeline(&mut self, dot: &Val<'a>, pipe: Option<&'t Pipe>) -> R<Val<'a>> {
        let Some(pipe) = pipe else {
            return Ok(Val::Invalid);
        };
        self.node = At::Pipe(pipe);
        let mut value: Option<Val<'a>> = None;
        for cmd in &pipe.cmds {
            value = Some(self.eval_command(dot, cmd, value)?.elem());
        }
        let value = value.unwrap_or(Val::Invalid);
        for name in &pipe.decl {
            if pipe.is_assign {
                self.set_var(name, value.clone())?;
            } else {
                self.vars.push((name.clone(), value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &[Arg], fin: &Option<Val<'a>>) -> R<()> {
        if args.len() > 1 || fin.is_some() {
            return self.errorf(format!("can't give argument to non-function {}", args[0]));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Val<'a>, cmd: &'t Cmd, fin: Option<Val<'a>>) -> R<Val<'a>> {
        let first = &cmd.args[0];
        match first {
            Arg::Field(..) => return self.eval_field_node(dot, first, &cmd.args, fin),
            Arg::Chain(..) => return self.eval_chain_node(dot, first, &cmd.args, fin),
            Arg::Ident(_, name) => {
                self.node = At::Arg(first);
                return self.eval_call(dot, name, At::Cmd(cmd), &cmd.args[1..], fin);
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, &fin)?;
                return self.eval_pipeline(dot, Some(p));
            }
            Arg::Var(..) => return self.eval_variable_node(dot, first, &cmd.args, fin),
            _ => {}
        }
        self.node = At::Arg(first);
        self.not_a_function(&cmd.args, &fin)?;
        match first {
            Arg::Bool(_, b) => Ok(Val::Bool(*b)),
            Arg::Dot(_) => Ok(dot.clone()),
            Arg::Nil(_) => self.errorf("nil is not a command".into()),
            Arg::Number(_, n) => self.ideal_constant(first, n),
            Arg::Str(_, _, s) => Ok(Val::Str(s.clone())),
            _ => self.errorf(format!("can't evaluate command {}", super::fmt::quote(&first.to_string()))),
        }
    }

    /// `idealConstant`: a number's syntax decides int or float64.
    fn ideal_constant(&mut self, node: &'t Arg, n: &Num) -> R<Val<'a>> {
        self.node = At::Arg(node);
        let t = &n.text;
        let hex_int = t.len() > 2 && t.starts_with('0') && (t.as_bytes()[1] | 0x20) == b'x' && !t.contains(['p', 'P']);
        if let (Some(f), false, false, true) = (n.float, hex_int, t.starts_with('\''), t.contains(['.', 'e', 'E', 'p', 'P'])) {
            return Ok(Val::Float(f));
        }
        if let Some(i) = n.int {
            return Ok(Val::Int(i));
        }
        if n.is_uint {
            return self.errorf(format!("{t} overflows int"));
        }
        Ok(Val::Invalid)
    }

    fn eval_field_node(&mut self, dot: &Val<'a>, field: &'t Arg, args: &'t [Arg], fin: Option<Val<'a>>) -> R<Val<'a>> {
        self.node = At::Arg(field);
        let Arg::Field(_, ids) = field else { return Ok(Val::Invalid) };
        self.eval_field_chain(dot.clone(), ids, args, fin)
    }

    fn eval_chain_node(&mut self, dot: &Val<'a>, chain: &'t Arg, args: &'t [Arg], fin: Option<Val<'a>>) -> R<Val<'a>> {
        self.node = At::Arg(chain);
        let Arg::Chain(_, inner, fields) = chain else { return Ok(Val::Invalid) };
        if let Arg::Nil(_) = inner.as_ref() {
            return self.errorf(format!("indirection through explicit nil in {chain}"));
        }
        let recv = self.eval_arg(dot, None, inner)?;
        self.eval_field_chain(recv, fields, args, fin)
    }

    fn eval_variable_node(&mut self, dot: &Val<'a>, var: &'t Arg, args: &'t [Arg], fin: Option<Val<'a>>) -> R<Val<'a>> {
        self.node = At::Arg(var);
        let _ = dot;
        let Arg::Var(_, ids) = var else { return Ok(Val::Invalid) };
        let value = self.var_value(&ids[0])?;
        if ids.len() == 1 {
            if !args.is_empty() {
                self.not_a_function(args, &fin)?;
            }
            return Ok(value);
        }
        self.eval_field_chain(value, &ids[1..], args, fin)
    }

    fn eval_field_chain(&mut self, mut recv: Val<'a>, ids: &[String], args: &[Arg], fin: Option<Val<'a>>) -> R<Val<'a>> {
        let n = ids.len();
        for id in &ids[..n - 1] {
            recv = self.eval_field(id, &[], None, recv)?;
        }
        self.eval_field(&ids[n - 1], args, fin, recv)
    }

    /// `evalField` on the decoded JSON: only map keys (no methods, no struct fields).
    fn eval_field(&mut self, name: &str, args: &[Arg], fin: Option<Val<'a>>, recv: Val<'a>) -> R<Val<'a>> {
        if let Val::Invalid = recv {
            if self.missing_error {
                return self.errorf(format!("nil data; no entry for key {}", super::fmt::quote(name)));
            }
            return Ok(Val::Invalid);
        }
        let typ = recv.type_name();
        if let Val::Data(serde_json::Value::Null, true) = recv {
            return self.errorf(format!("nil pointer evaluating {typ}.{name}"));
        }
        let has_args = args.len() > 1 || fin.is_some();
        if let Val::Data(serde_json::Value::Object(m), _) = recv {
            if has_args {
                return self.errorf(format!("{name} is not a method but has arguments"));
            }
            return match m.get(name) {
                Some(v) => Ok(Val::Data(v, true)),
                None if self.missing_error => self.errorf(format!("map has no entry for key {}", super::fmt::quote(name))),
                None => Ok(Val::Invalid),
            };
        }
        self.errorf(format!("can't evaluate field {name} in type {typ}"))
    }

    /// `evalCall` of a builtin or kubectl function; `args` are the operands after the name.
    fn eval_call(&mut self, dot: &Val<'a>, name: &str, node: At<'t>, args: &'t [Arg], fin: Option<Val<'a>>) -> R<Val<'a>> {
        let (fixed, variadic) = funcs::signature(name);
        let num_in = args.len() + usize::from(fin.is_some());
        match variadic {
            Some(_) if num_in < fixed.len() => {
                return self.errorf(format!("wrong number of args for {name}: want at least {} got {}", fixed.len(), args.len()))
            }
            None if num_in != fixed.len() => {
                return self.errorf(format!("wrong number of args for {name}: want {} got {num_in}", fixed.len()))
            }
            _ => {}
        }
        if name == "and" || name == "or" {
            let mut v = Val::Invalid;
            for a in args {
                v = self.eval_arg(dot, Some(Param::Value), a)?;
                if v.truth() == (name == "or") {
                    return Ok(v);
                }
            }
            if let Some(f) = fin {
                v = f;
            }
            return Ok(v);
        }
        let mut argv = Vec::with_capacity(num_in);
        for (i, a) in args.iter().enumerate() {
            let p = fixed.get(i).copied().or(variadic).unwrap_or(Param::Value);
            argv.push(self.eval_arg(dot, Some(p), a)?);
        }
        if let Some(f) = fin {
            let p = fixed.get(num_in - 1).copied().or(variadic).unwrap_or(Param::Value);
            argv.push(self.validate_type(f, Some(p))?);
        }
        let callee = if name == "call" {
            // reflect.Value.String of a non-string is `<T Value>`.
            Some(args.first().map(|a| a.to_string()).unwrap_or_else(|| match argv[0].as_str() {
                Some(s) => s.to_string(),
                None => format!("<{} Value>", argv[0].type_name()),
            }))
        } else {
            None
        };
        match funcs::call(name, callee.as_deref(), &argv) {
            Ok(v) => Ok(v),
            Err(e) => {
                self.node = node;
                self.errorf(format!("error calling {name}: {e}"))
            }
        }
    }

    /// `validateType`: a missing value becomes the parameter's zero (nil) or an error; a
    /// `string` parameter takes only a string.
    fn validate_type(&self, v: Val<'a>, p: Option<Param>) -> R<Val<'a>> {
        match (p, &v) {
            (Some(Param::Str), Val::Invalid) => self.errorf("invalid value; expected string".into()),
            (Some(Param::Str), _) => {
                let e = if let Val::Data(serde_json::Value::Null, true) = v { v.clone() } else { v.elem() };
                match e.as_str() {
                    Some(s) => Ok(Val::Str(s.to_string())),
                    None => self.errorf(format!("wrong type for value; expected string; got {}", e.type_name())),
                }
            }
            _ => Ok(v),
        }
    }

    /// `evalArg`: an operand as an argument of parameter type `p` (`None`: untyped).
    fn eval_arg(&mut self, dot: &Val<'a>, p: Option<Param>, n: &'t Arg) -> R<Val<'a>> {
        self.node = At::Arg(n);
        let v = match n {
            Arg::Dot(_) => dot.clone(),
            Arg::Nil(_) => {
                return match p {
                    Some(Param::Str) => self.errorf("cannot assign nil to string".into()),
                    _ => Ok(Val::Invalid),
                }
            }
            Arg::Field(..) => self.eval_field_node(dot, n, std::slice::from_ref(n), None)?,
            Arg::Var(..) => self.eval_variable_node(dot, n, &[], None)?,
            Arg::Pipe(pipe) => self.eval_pipeline(dot, Some(pipe))?,
            Arg::Ident(_, name) => {
                self.node = At::Arg(n);
                self.eval_call(dot, name, At::Arg(n), &[], None)?
            }
            Arg::Chain(..) => self.eval_chain_node(dot, n, &[], None)?,
            Arg::Str(_, _, s) => return Ok(Val::Str(s.clone())),
            Arg::Bool(_, b) if p != Some(Param::Str) => return Ok(Val::Bool(*b)),
            Arg::Number(_, num) if p != Some(Param::Str) => return self.ideal_constant(n, num),
            _ => return self.errorf(format!("expected string; found {n}")),
        };
        self.validate_type(v, p)
    }
}

/// A node's position for `ErrorContext`.
fn node_pos(n: &Node) -> usize {
    match n {
        Node::Text(_) => 0,
        Node::Action(p, _) | Node::Template(p, _, _) | Node::Break(p) | Node::Continue(p) => *p,
        Node::If(b) | Node::Range(b) | Node::With(b) => b.pipe.pos,
    }
}
