//! `-o jsonpath=…` (`k8s.io/client-go/util/jsonpath`): fields, `[n]`, `[a:b]`, `[*]`, `..`,
//! `['key']`, filters `[?(@.k=="v")]`, `{range …}{end}`, quoted literals; missing keys print
//! nothing (kubectl's `--allow-missing-template-keys=true`).

use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Field(String),
    Wildcard,
    Recursive,
    Index(i64),
    Slice(Option<i64>, Option<i64>),
    Filter(Vec<Step>, String, Operand),
}

#[derive(Clone, Debug, PartialEq)]
enum Operand {
    None,
    Lit(Value),
    Path(Vec<Step>),
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Text(String),
    Path(Vec<Step>),
    Range(Vec<Step>, Vec<Node>),
}

/// A parsed template.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    nodes: Vec<Node>,
}

fn perr(tmpl: &str, why: &str) -> String {
    format!("error parsing jsonpath {tmpl}, {why}")
}

/// Parses a template; the error is kubectl's message (without `error: `).
pub fn parse(tmpl: &str) -> Result<Template, String> {
    let mut stack: Vec<(Vec<Step>, Vec<Node>)> = Vec::new();
    let mut cur: Vec<Node> = Vec::new();
    let mut rest = tmpl;
    while !rest.is_empty() {
        match rest.find('{') {
            None => {
                cur.push(Node::Text(rest.to_string()));
                break;
            }
            Some(i) => {
                if i > 0 {
                    cur.push(Node::Text(rest[..i].to_string()));
                }
                let after = &rest[i + 1..];
                let end = find_close(after).ok_or_else(|| perr(tmpl, "unclosed action"))?;
                let action = after[..end].trim();
                rest = &after[end + 1..];
                if let Some(p) = action.strip_prefix("range ") {
                    stack.push((parse_path(p.trim()).map_err(|e| perr(tmpl, &e))?, std::mem::take(&mut cur)));
                } else if action == "end" {
                    let (path, outer) = stack.pop().ok_or_else(|| perr(tmpl, "not in range, nothing to end"))?;
                    let body = std::mem::replace(&mut cur, outer);
                    cur.push(Node::Range(path, body));
                } else if action.starts_with('"') || action.starts_with('\'') {
                    cur.push(Node::Text(unquote(action).ok_or_else(|| perr(tmpl, "unterminated quoted string"))?));
                } else {
                    cur.push(Node::Path(parse_path(action).map_err(|e| perr(tmpl, &e))?));
                }
            }
        }
    }
    if !stack.is_empty() {
        return Err(perr(tmpl, "unclosed range"));
    }
    Ok(Template { nodes: cur })
}

fn find_close(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (_, '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (None, '"') | (None, '\'') => quote = Some(c),
            (None, '}') => return Some(i),
            _ => {}
        }
    }
    None
}

fn unquote(s: &str) -> Option<String> {
    let q = s.chars().next()?;
    let inner = s.strip_prefix(q)?.strip_suffix(q)?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                o => out.push(o),
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

fn parse_path(p: &str) -> Result<Vec<Step>, String> {
    let b: Vec<char> = p.chars().collect();
    let mut i = 0;
    let mut steps = Vec::new();
    if i < b.len() && (b[i] == '$' || b[i] == '@') {
        i += 1;
    }
    while i < b.len() {
        match b[i] {
            '.' => {
                if i + 1 < b.len() && b[i + 1] == '.' {
                    steps.push(Step::Recursive);
                    i += 2;
                    continue;
                }
                i += 1;
                let mut name = String::new();
                while i < b.len() && b[i] != '.' && b[i] != '[' {
                    if b[i] == '\\' && i + 1 < b.len() {
                        i += 1;
                    }
                    name.push(b[i]);
                    i += 1;
                }
                if name == "*" {
                    steps.push(Step::Wildcard);
                } else if !name.is_empty() {
                    steps.push(Step::Field(name));
                }
            }
            '[' => {
                let start = i + 1;
                let mut depth = 0;
                let mut j = start;
                while j < b.len() {
                    match b[j] {
                        '[' | '(' => depth += 1,
                        ')' => depth -= 1,
                        ']' if depth == 0 => break,
                        ']' => depth -= 1,
                        _ => {}
                    }
                    j += 1;
                }
                if j >= b.len() {
                    return Err("unclosed array expect ]".into());
                }
                let inner: String = b[start..j].iter().collect();
                i = j + 1;
                steps.push(parse_bracket(inner.trim())?);
            }
            c if (steps.is_empty() || steps.last() == Some(&Step::Recursive)) && (c.is_alphanumeric() || c == '_' || c == '*') => {
                // A leading bare name (`metadata.name`) reads as `.metadata.name`.
                let mut name = String::new();
                while i < b.len() && b[i] != '.' && b[i] != '[' {
                    name.push(b[i]);
                    i += 1;
                }
                steps.push(if name == "*" { Step::Wildcard } else { Step::Field(name) });
            }
            c => return Err(format!("unrecognized character in action: U+{:04X} '{c}'", c as u32)),
        }
    }
    Ok(steps)
}

fn parse_bracket(inner: &str) -> Result<Step, String> {
    if inner == "*" {
        return Ok(Step::Wildcard);
    }
    if let Some(f) = inner.strip_prefix("?(").and_then(|f| f.strip_suffix(')')) {
        for op in ["==", "!=", "<=", ">=", "<", ">", "=~"] {
            if let Some((l, r)) = f.split_once(op) {
                let left = parse_path(l.trim())?;
                let r = r.trim();
                let right = if r.starts_with('@') || r.starts_with('$') {
                    Operand::Path(parse_path(r)?)
                } else if let Some(s) = unquote(r) {
                    Operand::Lit(Value::String(s))
                } else {
                    Operand::Lit(serde_json::from_str(r).unwrap_or(Value::String(r.to_string())))
                };
                return Ok(Step::Filter(left, op.to_string(), right));
            }
        }
        return Ok(Step::Filter(parse_path(f.trim())?, String::new(), Operand::None));
    }
    if inner.starts_with('\'') || inner.starts_with('"') {
        return unquote(inner).map(Step::Field).ok_or_else(|| "unterminated quoted string".to_string());
    }
    if let Some((a, rest)) = inner.split_once(':') {
        let num = |s: &str| -> Result<Option<i64>, String> {
            let s = s.trim();
            if s.is_empty() {
                Ok(None)
            } else {
                s.parse().map(Some).map_err(|_| format!("invalid array index {s}"))
            }
        };
        let b = rest.split(':').next().unwrap_or("");
        return Ok(Step::Slice(num(a)?, num(b)?));
    }
    inner.parse::<i64>().map(Step::Index).map_err(|_| format!("invalid array index {inner}"))
}

fn recurse(v: &Value, out: &mut Vec<Value>) {
    out.push(v.clone());
    match v {
        Value::Object(m) => m.values().for_each(|x| recurse(x, out)),
        Value::Array(a) => a.iter().for_each(|x| recurse(x, out)),
        _ => {}
    }
}

fn eval(steps: &[Step], root: &Value) -> Vec<Value> {
    let mut cur = vec![root.clone()];
    for s in steps {
        let mut next = Vec::new();
        for v in &cur {
            match s {
                Step::Field(n) => {
                    if let Value::Object(m) = v {
                        next.extend(m.get(n).cloned());
                    }
                }
                Step::Wildcard => match v {
                    Value::Object(m) => next.extend(m.values().cloned()),
                    Value::Array(a) => next.extend(a.iter().cloned()),
                    _ => {}
                },
                Step::Recursive => recurse(v, &mut next),
                Step::Index(i) => {
                    if let Value::Array(a) = v {
                        let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                        if idx >= 0 {
                            next.extend(a.get(idx as usize).cloned());
                        }
                    }
                }
                Step::Slice(a0, b0) => {
                    if let Value::Array(a) = v {
                        let len = a.len() as i64;
                        let norm = |x: i64| if x < 0 { (len + x).max(0) } else { x.min(len) };
                        let from = norm(a0.unwrap_or(0));
                        let to = norm(b0.unwrap_or(len));
                        if from < to {
                            next.extend(a[from as usize..to as usize].iter().cloned());
                        }
                    }
                }
                Step::Filter(left, op, right) => {
                    let items: Vec<Value> = match v {
                        Value::Array(a) => a.clone(),
                        other => vec![other.clone()],
                    };
                    for item in items {
                        let l = eval(left, &item);
                        let keep = match right {
                            Operand::None => !l.is_empty(),
                            Operand::Lit(r) => l.first().is_some_and(|x| compare(x, op, r)),
                            Operand::Path(p) => {
                                let r = eval(p, &item);
                                matches!((l.first(), r.first()), (Some(x), Some(y)) if compare(x, op, y))
                            }
                        };
                        if keep {
                            next.push(item);
                        }
                    }
                }
            }
        }
        cur = next;
    }
    cur
}

fn compare(a: &Value, op: &str, b: &Value) -> bool {
    if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
        return match op {
            "==" => x == y,
            "!=" => x != y,
            "<" => x < y,
            ">" => x > y,
            "<=" => x <= y,
            ">=" => x >= y,
            _ => false,
        };
    }
    let (x, y) = (text(a), text(b));
    match op {
        "==" => x == y,
        "!=" => x != y,
        "<" => x < y,
        ">" => x > y,
        "<=" => x <= y,
        ">=" => x >= y,
        _ => false,
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Object(_) | Value::Array(_) => serde_json::to_string(v).unwrap_or_default(),
        other => other.to_string(),
    }
}

fn print_results(results: &[Value], out: &mut String) {
    for (i, r) in results.iter().enumerate() {
        out.push_str(&text(r));
        if i + 1 != results.len() {
            out.push(' ');
        }
    }
}

fn exec(nodes: &[Node], data: &Value, out: &mut String) {
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Path(p) => print_results(&eval(p, data), out),
            Node::Range(p, body) => {
                for item in eval(p, data) {
                    exec(body, &item, out);
                }
            }
        }
    }
}

impl Template {
    /// Executes the template against a value.
    pub fn execute(&self, data: &Value) -> String {
        let mut out = String::new();
        exec(&self.nodes, data, &mut out);
        out
    }
}

/// Evaluates a single relaxed path (`.metadata.name`, `metadata.name`, `{.metadata.name}`)
/// for custom columns: every result.
pub fn eval_relaxed(path: &str, data: &Value) -> Result<Vec<Value>, String> {
    let p = path.trim();
    let p = p.strip_prefix('{').and_then(|x| x.strip_suffix('}')).unwrap_or(p);
    let steps = parse_path(p).map_err(|e| perr(path, &e))?;
    Ok(eval(&steps, data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(t: &str, v: &Value) -> String {
        parse(t).unwrap().execute(v)
    }

    #[test]
    fn fields_wildcards_and_ranges() {
        let v = json!({"items": [
            {"metadata": {"name": "web-0", "labels": {"app.kubernetes.io/name": "x"}}, "status": {"conditions": [{"type": "Ready", "status": "True"}]}},
            {"metadata": {"name": "web-1"}, "status": {"conditions": [{"type": "Ready", "status": "False"}]}}
        ]});
        assert_eq!(run("{.items[*].metadata.name}", &v), "web-0 web-1");
        assert_eq!(run("{.items[0].metadata.name}", &v), "web-0");
        assert_eq!(run("{.items[-1].metadata.name}", &v), "web-1");
        assert_eq!(run("{range .items[*]}{.metadata.name}{\"\\n\"}{end}", &v), "web-0\nweb-1\n");
        assert_eq!(run("{.items[0].metadata.labels.app\\.kubernetes\\.io/name}", &v), "x");
        assert_eq!(run("{.items[?(@.status.conditions[0].status==\"False\")].metadata.name}", &v), "web-1");
        assert_eq!(run("{..name}", &json!({"a": {"name": "n"}})), "n");
        assert_eq!(run("{.items[0].status}", &v), "{\"conditions\":[{\"status\":\"True\",\"type\":\"Ready\"}]}");
        assert_eq!(run("{.missing}", &v), "");
        assert_eq!(run("name: {.items[1].metadata.name}", &v), "name: web-1");
    }

    #[test]
    fn parse_errors() {
        assert_eq!(parse("{.items[}").unwrap_err(), "error parsing jsonpath {.items[}, unclosed array expect ]");
        assert_eq!(parse("{.items").unwrap_err(), "error parsing jsonpath {.items, unclosed action");
        assert_eq!(parse("{.items[0}").unwrap_err(), "error parsing jsonpath {.items[0}, unclosed array expect ]");
        assert!(parse("{range .items[*]}{.x}").is_err());
    }
}
