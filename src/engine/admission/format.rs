//! Go's formatting of a `field.Error`'s bad value (`field.Error.ErrorBody` in
//! k8s.io/apimachinery/pkg/util/validation/field/errors.go): `%q` for strings, `%v` for numbers
//! and booleans, `%#v` for maps and structs (`map[string]string{"app":"web"}`).

use crate::engine::api::{IntOrString, LabelSelector, StringMap};

/// Go's `strconv.Quote` / `%q`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `%#v` of a `map[string]string` (keys sorted, as fmt prints maps); nil when empty.
pub fn go_string_map(m: &StringMap) -> String {
    if m.is_empty() {
        return "map[string]string(nil)".into();
    }
    let items: Vec<String> = m.iter().map(|(k, v)| format!("{}:{}", go_quote(k), go_quote(v))).collect();
    format!("map[string]string{{{}}}", items.join(", "))
}

/// `%#v` of a `[]string`.
pub fn go_string_slice(v: &[String]) -> String {
    if v.is_empty() {
        return "[]string(nil)".into();
    }
    let items: Vec<String> = v.iter().map(|s| go_quote(s)).collect();
    format!("[]string{{{}}}", items.join(", "))
}

/// `%#v` of a `metav1.LabelSelector` value.
pub fn go_label_selector(s: &LabelSelector) -> String {
    let exprs = if s.match_expressions.is_empty() {
        "[]v1.LabelSelectorRequirement(nil)".to_string()
    } else {
        let items: Vec<String> = s
            .match_expressions
            .iter()
            .map(|r| {
                format!(
                    "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{}}}",
                    go_quote(&r.key),
                    go_quote(&r.operator),
                    go_string_slice(&r.values)
                )
            })
            .collect();
        format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
    };
    format!("v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{exprs}}}", go_string_map(&s.match_labels))
}

/// `%#v` of an `intstr.IntOrString` value (its String method has a pointer receiver, so the
/// struct is printed raw).
pub fn go_int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => format!("intstr.IntOrString{{Type:0, IntVal:{i}, StrVal:\"\"}}"),
        IntOrString::String(s) => format!("intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}", go_quote(s)),
    }
}

/// A fixed stand-in for the heap address Go prints for a non-nil pointer inside `%#v`
/// (real clusters print a different one every time).
pub const GO_POINTER: &str = "0xc000a1c2d0";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_go() {
        assert_eq!(go_quote("a\"b\n"), "\"a\\\"b\\n\"");
        let m: StringMap = [("tier".to_string(), "db".to_string()), ("app".to_string(), "web".to_string())].into();
        assert_eq!(go_string_map(&m), "map[string]string{\"app\":\"web\", \"tier\":\"db\"}");
        assert_eq!(
            go_label_selector(&LabelSelector::default()),
            "v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"
        );
        assert_eq!(go_int_or_string(&IntOrString::Int(0)), "intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}");
    }
}
