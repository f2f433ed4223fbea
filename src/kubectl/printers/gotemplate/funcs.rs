//! The functions a kubectl template can call: text/template's builtins (`funcs.go`: `index`,
//! `len`, `slice`, `not`, `eq`…`ge`, `print*`, `html`, `js`, `urlquery`, `call`; `and`/`or` are
//! evaluated in exec) and the two kubectl adds in `NewGoTemplatePrinter`
//! (`k8s.io/cli-runtime/pkg/printers`): `exists` (jsonpath.go) and `base64decode`
//! (template.go).

use super::fmt::{sprint, sprint_one, sprintf, sprintln};
use super::value::{Kind, Val, NULL};
use serde_json::Value;

/// A parameter's Go type, which decides how an operand is converted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Param {
    /// `reflect.Value`.
    Value,
    /// `interface{}`.
    Any,
    /// `string`.
    Str,
}

use Param::{Any, Str, Value as V};

/// The fixed parameters and the variadic element type (`None`: not variadic) of a function.
pub(super) fn signature(name: &str) -> (&'static [Param], Option<Param>) {
    match name {
        "and" | "or" | "index" | "slice" | "eq" | "call" => (&[V], Some(V)),
        "len" | "not" => (&[V], None),
        "ne" | "lt" | "le" | "gt" | "ge" => (&[V, V], None),
        "printf" => (&[Str], Some(Any)),
        "exists" => (&[Any], Some(Any)),
        "base64decode" => (&[Str], None),
        // html, js, urlquery, print, println
        _ => (&[], Some(Any)),
    }
}

/// Calls a function with evaluated arguments; the error is what Go wraps in
/// `error calling NAME: …`. `callee` is `call`'s first operand as written.
pub(super) fn call<'a>(name: &str, callee: Option<&str>, a: &[Val<'a>]) -> Result<Val<'a>, String> {
    let arg = |i: usize| a.get(i).cloned().unwrap_or(Val::Invalid);
    Ok(match name {
        "index" => index(arg(0), &a[1..])?,
        "slice" => slice(arg(0), &a[1..])?,
        "len" => Val::Int(length(&arg(0))? as i64),
        "not" => Val::Bool(!arg(0).truth()),
        "eq" => Val::Bool(eq(&arg(0), &a[1..])?),
        "ne" => Val::Bool(!eq(&arg(0), &a[1..2])?),
        "lt" => Val::Bool(lt(&arg(0), &arg(1))?),
        "le" => Val::Bool(lt(&arg(0), &arg(1))? || eq(&arg(0), &a[1..2])?),
        "gt" => Val::Bool(!(lt(&arg(0), &arg(1))? || eq(&arg(0), &a[1..2])?)),
        "ge" => Val::Bool(!lt(&arg(0), &arg(1))?),
        "print" => Val::Str(sprint(a)),
        "println" => Val::Str(sprintln(a)),
        "printf" => Val::Str(sprintf(arg(0).as_str().unwrap_or(""), &a[1..])),
        "html" => Val::Str(html(&eval_args(a))),
        "js" => Val::Str(js(&eval_args(a))),
        "urlquery" => Val::Str(urlquery(&eval_args(a))),
        "exists" => Val::Bool(exists(&arg(0), &a[1..])),
        "base64decode" => Val::Str(base64decode(arg(0).as_str().unwrap_or(""))?),
        // call: the data holds no functions.
        _ => match arg(0).kind() {
            Kind::Nil => return Err("call of nil".into()),
            _ => return Err(format!("non-function {} of type {}", callee.unwrap_or(""), arg(0).elem().type_name())),
        },
    })
}

/// `indexArg`.
fn index_arg(i: &Val, cap: usize) -> Result<usize, String> {
    let x = match i.kind() {
        Kind::Int => i.as_int().unwrap_or(0),
        Kind::Nil => return Err("cannot index slice/array with nil".into()),
        _ => return Err(format!("cannot index slice/array with type {}", i.elem().type_name())),
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

/// `index`: maps by string key (a missing key gives nil), slices and strings by position.
fn index<'a>(item: Val<'a>, idx: &[Val<'a>]) -> Result<Val<'a>, String> {
    let mut item = item.elem();
    if let Val::Invalid = item {
        return Err("index of untyped nil".into());
    }
    for i in idx {
        if let Val::Data(Value::Null, true) = item {
            return Err("index of nil pointer".into());
        }
        item = match item.elem().kind() {
            Kind::Slice => {
                let s = item.as_slice().unwrap_or_default();
                let x = index_arg(i, s.len())?;
                // reflect.Value.Index panics one past the end; safeCall reports the panic.
                Val::Data(s.get(x).ok_or("reflect: slice index out of range")?, true)
            }
            Kind::String => {
                let s = item.as_str().unwrap_or("").as_bytes();
                let x = index_arg(i, s.len())?;
                Val::U8(*s.get(x).ok_or("reflect: string index out of range")?)
            }
            Kind::Map => {
                let key = match i.kind() {
                    Kind::String => i.as_str().unwrap_or(""),
                    Kind::Nil => return Err("value is nil; should be of type string".into()),
                    _ => return Err(format!("value has type {}; should be string", i.elem().type_name())),
                };
                match item.elem() {
                    Val::Data(Value::Object(m), _) => Val::Data(m.get(key).unwrap_or(&NULL), true),
                    _ => Val::Data(&NULL, true),
                }
            }
            _ => return Err(format!("can't index item of type {}", item.elem().type_name())),
        };
    }
    Ok(item)
}

/// `slice`: `x[i:j]` of a slice or string.
fn slice<'a>(item: Val<'a>, idx: &[Val<'a>]) -> Result<Val<'a>, String> {
    let item = item.elem();
    if let Val::Invalid = item {
        return Err("slice of untyped nil".into());
    }
    if idx.len() > 3 {
        return Err(format!("too many slice indexes: {}", idx.len()));
    }
    let len = match item.kind() {
        Kind::String if idx.len() == 3 => return Err("cannot 3-index slice a string".into()),
        Kind::String | Kind::Slice => item.len().unwrap_or(0),
        _ => return Err(format!("can't slice item of type {}", item.type_name())),
    };
    let mut x = [0, len, len];
    for (k, i) in idx.iter().enumerate() {
        x[k] = index_arg(i, len)?;
    }
    if x[0] > x[1] {
        return Err(format!("invalid slice index: {} > {}", x[0], x[1]));
    }
    if idx.len() == 3 && x[1] > x[2] {
        return Err(format!("invalid slice index: {} > {}", x[1], x[2]));
    }
    Ok(match item.as_slice() {
        Some(s) => Val::Slice(&s[x[0]..x[1]]),
        None => Val::Str(String::from_utf8_lossy(&item.as_str().unwrap_or("").as_bytes()[x[0]..x[1]]).into_owned()),
    })
}

/// `length`.
fn length(item: &Val) -> Result<usize, String> {
    match item {
        Val::Invalid => Err("reflect: call of reflect.Value.Type on zero Value".into()),
        Val::Data(Value::Null, true) => Err("len of nil pointer".into()),
        _ => item.len().ok_or_else(|| format!("len of type {}", item.elem().type_name())),
    }
}

/// `basicKind` order for comparisons; `None` is `invalidKind`.
fn basic(v: &Val) -> Option<Kind> {
    match v.kind() {
        k @ (Kind::Bool | Kind::Int | Kind::Float | Kind::String) => Some(k),
        _ => None,
    }
}

/// `eq`: true when `a` equals any of `bs`.
fn eq(a: &Val, bs: &[Val]) -> Result<bool, String> {
    if bs.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let a = a.elem();
    let k1 = basic(&a);
    for b in bs {
        let b = b.elem();
        let k2 = basic(&b);
        let valid = |v: &Val| !matches!(v, Val::Invalid);
        let truth = if k1 != k2 {
            if valid(&a) && valid(&b) {
                return Err(format!("incompatible types for comparison: {} and {}", a.type_name(), b.type_name()));
            }
            false
        } else {
            match k1 {
                Some(Kind::Bool) => a.as_bool() == b.as_bool(),
                Some(Kind::Int) => a.as_int() == b.as_int(),
                Some(Kind::Float) => a.as_float() == b.as_float(),
                Some(_) => a.as_str() == b.as_str(),
                None => {
                    let (na, nb) = (a.kind() == Kind::Nil, b.kind() == Kind::Nil);
                    if a.kind() != b.kind() && valid(&a) && valid(&b) {
                        return Err(format!(
                            "non-comparable types {}: {}, {}: {}",
                            super::fmt::sprintf("%s", std::slice::from_ref(&a)),
                            a.type_name(),
                            b.type_name(),
                            sprint_one(&b)
                        ));
                    }
                    if na || nb {
                        na == nb
                    } else {
                        // Maps and slices are not comparable.
                        return Err(format!(
                            "non-comparable type {}: {}",
                            super::fmt::sprintf("%s", std::slice::from_ref(&b)),
                            b.type_name()
                        ));
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `lt`.
fn lt(a: &Val, b: &Val) -> Result<bool, String> {
    let (a, b) = (a.elem(), b.elem());
    let bad = || "invalid type for comparison".to_string();
    let k1 = basic(&a).ok_or_else(bad)?;
    let k2 = basic(&b).ok_or_else(bad)?;
    if k1 != k2 {
        return Err(format!("incompatible types for comparison: {} and {}", a.type_name(), b.type_name()));
    }
    Ok(match k1 {
        Kind::Int => a.as_int() < b.as_int(),
        Kind::Float => a.as_float() < b.as_float(),
        Kind::String => a.as_str() < b.as_str(),
        _ => return Err(bad()),
    })
}

/// `evalArgs`: one string as is, else `fmt.Sprint` with a nil shown as `<no value>`.
fn eval_args(a: &[Val]) -> String {
    if let [v] = a {
        if let Some(s) = v.as_str() {
            return s.to_string();
        }
    }
    let shown: Vec<Val> = a.iter().map(|v| if v.kind() == Kind::Nil { Val::Str("<no value>".into()) } else { v.clone() }).collect();
    sprint(&shown)
}

/// `HTMLEscapeString`.
fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{fffd}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// `JSEscapeString`.
fn js(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u00{:02X}", c as u32)),
            c if c.is_ascii() || !c.is_control() => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    out
}

/// `url.QueryEscape`.
fn urlquery(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// kubectl's `exists`: whether `index item indices…` would find something non-nil.
fn exists(item: &Val, indices: &[Val]) -> bool {
    let mut v = item.elem();
    for i in indices {
        let i = i.elem();
        v = match v.kind() {
            Kind::Nil => return false,
            Kind::Slice | Kind::String => {
                let Some(x) = i.as_int().filter(|_| i.kind() == Kind::Int) else { return false };
                if x < 0 || x as usize >= v.len().unwrap_or(0) {
                    return false;
                }
                match v.as_slice() {
                    Some(s) => Val::Data(&s[x as usize], true).elem(),
                    None => Val::U8(v.as_str().unwrap_or("").as_bytes()[x as usize]),
                }
            }
            Kind::Map => {
                let key = match i.kind() {
                    Kind::String => i.as_str().unwrap_or(""),
                    Kind::Nil => "",
                    _ => return false,
                };
                match &v {
                    Val::Data(Value::Object(m), _) => m.get(key).map(|x| Val::Data(x, true).elem()).unwrap_or(Val::Invalid),
                    _ => Val::Invalid,
                }
            }
            _ => return false,
        };
    }
    v.kind() != Kind::Nil
}

/// kubectl's `base64decode`: `base64.StdEncoding.DecodeString` (strict padding; `\r` and `\n`
/// skipped), failing as `base64 decode failed: illegal base64 data at input byte N`.
fn base64decode(s: &str) -> Result<String, String> {
    let fail = |n: usize| Err(format!("base64 decode failed: illegal base64 data at input byte {n}"));
    let src = s.as_bytes();
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::new();
    let mut si = 0;
    // decodeQuantum: four characters at a time.
    while si < src.len() {
        let mut q = [0u8; 4];
        let mut j = 0;
        let mut dlen = 4;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(String::from_utf8_lossy(&out).into_owned());
                }
                return fail(si - j);
            }
            let c = src[si];
            si += 1;
            if let Some(v) = val(c) {
                q[j] = v;
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return fail(si - 1);
            }
            // Padding ends the input.
            match j {
                0 | 1 => return fail(si - 1),
                2 => {
                    while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                        si += 1;
                    }
                    if si == src.len() {
                        return fail(src.len());
                    }
                    if src[si] != b'=' {
                        return fail(si - 1);
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                si += 1;
            }
            if si < src.len() {
                return fail(si);
            }
            dlen = j;
            break;
        }
        let n = (q[0] as u32) << 18 | (q[1] as u32) << 12 | (q[2] as u32) << 6 | q[3] as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64decode_is_strict_like_std_encoding() {
        assert_eq!(base64decode("aHVudGVy").as_deref(), Ok("hunter"));
        assert_eq!(base64decode("aGk=").as_deref(), Ok("hi"));
        assert_eq!(base64decode("aGk").unwrap_err(), "base64 decode failed: illegal base64 data at input byte 0");
        assert_eq!(base64decode("--THIS IS NOT BASE64--").unwrap_err(), "base64 decode failed: illegal base64 data at input byte 0");
        assert_eq!(base64decode("aGk=x").unwrap_err(), "base64 decode failed: illegal base64 data at input byte 4");
    }

    #[test]
    fn escapers() {
        assert_eq!(html("<a href='x'>&</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;");
        assert_eq!(js("a'b<"), "a\\'b\\u003C");
        assert_eq!(urlquery("a b&c"), "a+b%26c");
    }
}
