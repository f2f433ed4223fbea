//! The parts of Go's `fmt` and `strconv` a template's output goes through: `%v` of the decoded
//! JSON (`map[k:v …]`, `[a b]`, `<nil>`, floats as `%g`), `fmt.Sprint`/`Sprintln`/`Sprintf`
//! (`print`, `println`, `printf`) with their `%!verb(type=value)` complaints, and
//! `strconv.Quote`.

use super::value::{Kind, Val};
use serde_json::Value;

/// `strconv.Quote`.
pub(super) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        quote_char(c, '"', &mut out);
    }
    out.push('"');
    out
}

fn quote_char(c: char, q: char, out: &mut String) {
    match c {
        '\\' => out.push_str("\\\\"),
        _ if c == q => {
            out.push('\\');
            out.push(c);
        }
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        _ if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
        _ if c.is_control() || c == '\u{feff}' => {
            if (c as u32) < 0x10000 {
                out.push_str(&format!("\\u{:04x}", c as u32));
            } else {
                out.push_str(&format!("\\U{:08x}", c as u32));
            }
        }
        _ => out.push(c),
    }
}

/// `%#U`: `U+0021 '!'`.
pub(super) fn sharp_u(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("U+{:04X} '{c}'", c as u32)
    }
}

/// The decimal digits of a float and the decimal point position (`strconv`'s `decimalSlice`):
/// shortest when `prec` is `None`, else rounded to `prec` significant digits; trailing zeros
/// dropped.
fn digits(f: f64, prec: Option<usize>) -> (String, i32) {
    let s = match prec {
        None => format!("{:e}", f.abs()),
        Some(p) => format!("{:.*e}", p.saturating_sub(1), f.abs()),
    };
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let mut d: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    while d.len() > 1 && d.ends_with('0') {
        d.pop();
    }
    if d == "0" {
        return (String::new(), 0);
    }
    (d, exp.parse::<i32>().unwrap_or(0) + 1)
}

fn fmt_e(d: &str, dp: i32, prec: usize, out: &mut String) {
    let b = d.as_bytes();
    out.push(*b.first().unwrap_or(&b'0') as char);
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            out.push(*b.get(i).unwrap_or(&b'0') as char);
        }
    }
    let exp = if d.is_empty() { 0 } else { dp - 1 };
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        out.push('0');
    }
    out.push_str(&e.to_string());
}

fn fmt_f(d: &str, dp: i32, prec: usize, out: &mut String) {
    let b = d.as_bytes();
    let at = |i: i32| if i >= 0 && (i as usize) < b.len() { b[i as usize] as char } else { '0' };
    if dp > 0 {
        for i in 0..dp {
            out.push(at(i));
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec as i32 {
            out.push(at(dp + i));
        }
    }
}

/// `strconv.FormatFloat(f, verb, prec, 64)` for `e`, `f` and `g` (`prec` `None` = shortest).
pub(super) fn format_float(f: f64, verb: char, prec: Option<usize>) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    let mut out = String::new();
    if f.is_sign_negative() {
        out.push('-');
    }
    match verb {
        'e' => {
            let p = prec.unwrap_or(6);
            let (d, dp) = digits(f, Some(p + 1));
            fmt_e(&d, dp, p, &mut out);
        }
        'f' => {
            let p = prec.unwrap_or(6);
            out.push_str(&format!("{:.*}", p, f.abs()));
        }
        _ => {
            let p = prec.map(|p| p.max(1));
            let (d, dp) = digits(f, p);
            let nd = d.len() as i32;
            let mut eprec = p.map(|p| p as i32).unwrap_or(nd);
            if eprec > nd && nd >= dp {
                eprec = nd;
            }
            if p.is_none() {
                eprec = 6;
            }
            let exp = if d.is_empty() { 0 } else { dp - 1 };
            if exp < -4 || exp >= eprec {
                fmt_e(&d, dp, (nd - 1).max(0) as usize, &mut out);
            } else {
                fmt_f(&d, dp, (nd - dp).max(0) as usize, &mut out);
            }
        }
    }
    out
}

/// A `%…` directive's flags, width and precision.
#[derive(Clone, Copy, Default)]
struct Spec {
    minus: bool,
    plus: bool,
    zero: bool,
    space: bool,
    sharp: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

impl Spec {
    fn pad(&self, s: &str, out: &mut String) {
        let n = s.chars().count();
        let w = self.width.unwrap_or(0);
        if n >= w {
            out.push_str(s);
        } else if self.minus {
            out.push_str(s);
            out.extend(std::iter::repeat_n(' ', w - n));
        } else {
            out.extend(std::iter::repeat_n(' ', w - n));
            out.push_str(s);
        }
    }

    /// A number: sign, zero padding after the sign when asked.
    fn pad_num(&self, neg: bool, digits: &str, out: &mut String) {
        let sign = if neg {
            "-"
        } else if self.plus {
            "+"
        } else if self.space {
            " "
        } else {
            ""
        };
        let w = self.width.unwrap_or(0);
        if self.zero && !self.minus && sign.len() + digits.len() < w {
            out.push_str(sign);
            out.extend(std::iter::repeat_n('0', w - sign.len() - digits.len()));
            out.push_str(digits);
        } else {
            self.pad(&format!("{sign}{digits}"), out);
        }
    }
}

fn fmt_int(sp: &Spec, verb: char, i: i64, out: &mut String) -> bool {
    let u = i.unsigned_abs();
    let mut d = match verb {
        'v' | 'd' => u.to_string(),
        'x' => format!("{u:x}"),
        'X' => format!("{u:X}"),
        'o' => format!("{u:o}"),
        'b' => format!("{u:b}"),
        'c' => {
            sp.pad(&char::from_u32(i as u32).unwrap_or('\u{fffd}').to_string(), out);
            return true;
        }
        'q' => {
            let mut q = String::from("'");
            quote_char(char::from_u32(i as u32).unwrap_or('\u{fffd}'), '\'', &mut q);
            q.push('\'');
            sp.pad(&q, out);
            return true;
        }
        _ => return false,
    };
    if let Some(p) = sp.prec {
        while d.len() < p {
            d.insert(0, '0');
        }
        if p == 0 && i == 0 {
            d.clear();
        }
    }
    if sp.sharp {
        match verb {
            'x' => d.insert_str(0, "0x"),
            'X' => d.insert_str(0, "0X"),
            'o' if !d.starts_with('0') => d.insert(0, '0'),
            _ => {}
        }
    }
    let sp = Spec { zero: sp.zero && sp.prec.is_none(), ..*sp };
    sp.pad_num(i < 0, &d, out);
    true
}

fn fmt_str(sp: &Spec, verb: char, s: &str, out: &mut String) -> bool {
    let s: String = match sp.prec {
        Some(p) if verb != 'x' && verb != 'X' => s.chars().take(p).collect(),
        _ => s.to_string(),
    };
    match verb {
        'v' | 's' => sp.pad(&s, out),
        'q' => sp.pad(&quote(&s), out),
        'x' => sp.pad(&s.bytes().map(|b| format!("{b:02x}")).collect::<String>(), out),
        'X' => sp.pad(&s.bytes().map(|b| format!("{b:02X}")).collect::<String>(), out),
        _ => return false,
    }
    true
}

/// `printValue`/`printArg` of one value with a verb; `depth` 0 is an argument itself, where
/// a nil is `%!d(<nil>)` for a verb other than `%v`.
fn fmt_val(sp: &Spec, verb: char, v: &Val, depth: usize, out: &mut String) {
    let ok = match v.kind() {
        Kind::Nil => {
            if depth > 0 || verb == 'v' {
                sp.pad("<nil>", out);
            } else {
                out.push_str(&format!("%!{verb}(<nil>)"));
            }
            true
        }
        Kind::Bool => matches!(verb, 'v' | 't') && {
            sp.pad(if v.as_bool() == Some(true) { "true" } else { "false" }, out);
            true
        },
        Kind::Int => fmt_int(sp, verb, v.as_int().unwrap_or(0), out),
        Kind::Float => {
            let f = v.as_float().unwrap_or(0.0);
            let (verb, prec) = match verb {
                'v' => ('g', sp.prec),
                'e' | 'E' | 'f' | 'F' | 'g' | 'G' => (verb.to_ascii_lowercase(), sp.prec),
                _ => (' ', None),
            };
            verb != ' ' && {
                let s = format_float(f, verb, prec);
                let neg = s.starts_with('-');
                let digits = s.trim_start_matches('-');
                if digits.ends_with("Inf") || digits == "NaN" {
                    Spec { zero: false, ..*sp }.pad_num(neg, digits, out);
                } else {
                    sp.pad_num(neg, digits, out);
                }
                true
            }
        }
        Kind::String => fmt_str(sp, verb, v.as_str().unwrap_or(""), out),
        Kind::Map => {
            out.push_str("map[");
            for (i, (k, x)) in v.map_entries().unwrap_or_default().into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                fmt_val(sp, verb, &Val::Str(k.clone()), depth + 1, out);
                out.push(':');
                fmt_val(sp, verb, &Val::Data(x, true), depth + 1, out);
            }
            out.push(']');
            true
        }
        Kind::Slice => {
            out.push('[');
            for (i, x) in v.as_slice().unwrap_or_default().iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                fmt_val(sp, verb, &Val::Data(x, true), depth + 1, out);
            }
            out.push(']');
            true
        }
    };
    if !ok {
        // badVerb: %!verb(type=value).
        out.push_str(&format!("%!{verb}({}=", v.elem().type_name()));
        fmt_val(&Spec::default(), 'v', v, depth, out);
        out.push(')');
    }
}

/// `fmt.Sprint(v)` of one value (`%v`).
pub(super) fn sprint_one(v: &Val) -> String {
    let mut out = String::new();
    fmt_val(&Spec::default(), 'v', v, 0, &mut out);
    out
}

/// `%v` of a JSON value (the debugging dump's `object given to template engine`).
pub(super) fn sprint_json(v: &Value) -> String {
    sprint_one(&Val::Data(v, false))
}

/// `fmt.Sprint`: spaces between operands when neither is a string.
pub(super) fn sprint(args: &[Val]) -> String {
    let mut out = String::new();
    let mut prev_string = false;
    for (i, a) in args.iter().enumerate() {
        let is_string = a.kind() == Kind::String;
        if i > 0 && !is_string && !prev_string {
            out.push(' ');
        }
        fmt_val(&Spec::default(), 'v', a, 0, &mut out);
        prev_string = is_string;
    }
    out
}

/// `fmt.Sprintln`: spaces always, and a newline.
pub(super) fn sprintln(args: &[Val]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        fmt_val(&Spec::default(), 'v', a, 0, &mut out);
    }
    out.push('\n');
    out
}

/// Reads a decimal number at `i`.
fn number(b: &[char], i: &mut usize) -> Option<usize> {
    let start = *i;
    let mut n = 0usize;
    while *i < b.len() && b[*i].is_ascii_digit() {
        n = n.saturating_mul(10).saturating_add(b[*i] as usize - '0' as usize);
        *i += 1;
    }
    (*i > start).then_some(n)
}

/// `fmt.Sprintf`.
pub(super) fn sprintf(format: &str, args: &[Val]) -> String {
    let b: Vec<char> = format.chars().collect();
    let mut out = String::new();
    let mut arg = 0usize;
    let mut reordered = false;
    let mut i = 0;
    while i < b.len() {
        if b[i] != '%' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        i += 1;
        let mut sp = Spec::default();
        while i < b.len() {
            match b[i] {
                '-' => sp.minus = true,
                '+' => sp.plus = true,
                '0' => sp.zero = true,
                ' ' => sp.space = true,
                '#' => sp.sharp = true,
                _ => break,
            }
            i += 1;
        }
        // An explicit argument index `[n]`.
        let mut bad_index = false;
        let arg_index = |i: &mut usize, arg: &mut usize, reordered: &mut bool, bad: &mut bool| {
            if *i < b.len() && b[*i] == '[' {
                *reordered = true;
                let mut j = *i + 1;
                match (number(&b, &mut j), b.get(j)) {
                    (Some(n), Some(']')) if n >= 1 && n <= args.len() => {
                        *arg = n - 1;
                        *i = j + 1;
                    }
                    _ => {
                        *bad = true;
                        *i = b[*i..].iter().position(|c| *c == ']').map(|p| *i + p + 1).unwrap_or(b.len());
                    }
                }
            }
        };
        arg_index(&mut i, &mut arg, &mut reordered, &mut bad_index);
        if i < b.len() && b[i] == '*' {
            i += 1;
            match args.get(arg).filter(|_| !bad_index).and_then(|a| a.as_int()) {
                Some(w) => {
                    if w < 0 {
                        sp.minus = true;
                    }
                    sp.width = Some(w.unsigned_abs() as usize);
                }
                None => out.push_str("%!(BADWIDTH)"),
            }
            arg += 1;
            arg_index(&mut i, &mut arg, &mut reordered, &mut bad_index);
        } else {
            sp.width = number(&b, &mut i);
        }
        if i < b.len() && b[i] == '.' {
            i += 1;
            arg_index(&mut i, &mut arg, &mut reordered, &mut bad_index);
            if i < b.len() && b[i] == '*' {
                i += 1;
                match args.get(arg).and_then(|a| a.as_int()).filter(|p| *p >= 0) {
                    Some(p) => sp.prec = Some(p as usize),
                    None => out.push_str("%!(BADPREC)"),
                }
                arg += 1;
                arg_index(&mut i, &mut arg, &mut reordered, &mut bad_index);
            } else {
                sp.prec = Some(number(&b, &mut i).unwrap_or(0));
            }
        }
        let Some(&verb) = b.get(i) else {
            out.push_str("%!(NOVERB)");
            break;
        };
        i += 1;
        if verb == '%' {
            out.push('%');
            continue;
        }
        if bad_index {
            out.push_str(&format!("%!{verb}(BADINDEX)"));
            continue;
        }
        match args.get(arg) {
            None => out.push_str(&format!("%!{verb}(MISSING)")),
            Some(a) => {
                if verb == 'T' {
                    sp.pad(a.elem().type_name(), &mut out);
                } else {
                    fmt_val(&sp, verb, a, 0, &mut out);
                }
                arg += 1;
            }
        }
    }
    if !reordered && arg < args.len() {
        out.push_str("%!(EXTRA ");
        for (k, a) in args[arg..].iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            out.push_str(a.elem().type_name());
            out.push('=');
            fmt_val(&Spec::default(), 'v', a, 0, &mut out);
        }
        out.push(')');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn floats_print_as_go_g() {
        assert_eq!(format_float(3.5, 'g', None), "3.5");
        assert_eq!(format_float(3.0, 'g', None), "3");
        assert_eq!(format_float(100000.0, 'g', None), "100000");
        assert_eq!(format_float(1e6, 'g', None), "1e+06");
        assert_eq!(format_float(1234567.5, 'g', None), "1.2345675e+06");
        assert_eq!(format_float(0.0001, 'g', None), "0.0001");
        assert_eq!(format_float(0.00001, 'g', None), "1e-05");
        assert_eq!(format_float(-2.25, 'g', None), "-2.25");
        assert_eq!(format_float(0.0, 'g', None), "0");
        assert_eq!(format_float(3.14159, 'f', Some(2)), "3.14");
        assert_eq!(format_float(1500.0, 'e', Some(2)), "1.50e+03");
        assert_eq!(format_float(100.0, 'g', Some(3)), "100");
        assert_eq!(format_float(1e5, 'g', Some(3)), "1e+05");
    }

    #[test]
    fn values_print_as_fmt_v() {
        let v = json!({"b": [1, "x", null, 2.5], "a": {"k": true}});
        assert_eq!(sprint_json(&v), "map[a:map[k:true] b:[1 x <nil> 2.5]]");
        assert_eq!(sprint(&[Val::Int(1), Val::Int(2), Val::Str("a".into()), Val::Int(3)]), "1 2a3");
        assert_eq!(sprintln(&[Val::Str("a".into()), Val::Int(2)]), "a 2\n");
    }

    #[test]
    fn sprintf_verbs_and_complaints() {
        let s = |x: &str| Val::Str(x.into());
        assert_eq!(sprintf("%s=%d %v %q", &[s("a"), Val::Int(3), Val::Bool(true), s("q\"")]), "a=3 true \"q\\\"\"");
        assert_eq!(sprintf("%-5s|%5s|%05d|%x", &[s("ab"), s("cd"), Val::Int(-42), Val::Int(255)]), "ab   |   cd|-0042|ff");
        assert_eq!(sprintf("%d", &[s("x")]), "%!d(string=x)");
        assert_eq!(sprintf("%d %d", &[Val::Int(1)]), "1 %!d(MISSING)");
        assert_eq!(sprintf("%d", &[Val::Int(1), s("x")]), "1%!(EXTRA string=x)");
        assert_eq!(sprintf("%s", &[Val::Invalid]), "%!s(<nil>)");
        assert_eq!(sprintf("%.2f%%", &[Val::Float(12.375)]), "12.38%");
        assert_eq!(sprintf("%[2]s %[1]s", &[s("a"), s("b")]), "b a");
        assert_eq!(sprintf("%*d", &[Val::Int(4), Val::Int(7)]), "   7");
        assert_eq!(quote("a\tb\u{1}"), "\"a\\tb\\x01\"");
    }
}
