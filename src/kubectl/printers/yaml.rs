//! `-o yaml` (`k8s.io/cli-runtime/pkg/printers/yaml.go`): the object's JSON converted to YAML
//! by sigs.k8s.io/yaml, i.e. emitted by go-yaml v2 — keys sorted (go-yaml's natural order),
//! block sequences not indented under their key, strings quoted only when they would read back
//! as something else, long plain and single-quoted strings folded past column 80, and
//! multi-line strings as literal blocks.

use super::yaml_scalar::{choose_style, go_float, Style};
use serde_json::Value;
use std::cmp::Ordering;

const BEST_WIDTH: usize = 80;

/// Prints a JSON value as kubectl's YAML printer does (with the trailing newline).
pub fn to_yaml(v: &Value) -> String {
    let mut e = Emitter { out: String::new(), column: 0 };
    match v {
        Value::Object(m) if !m.is_empty() => e.mapping(m, 0),
        Value::Array(a) if !a.is_empty() => e.sequence(a, 0),
        other => {
            e.scalar_value(other, 0);
            e.newline();
        }
    }
    e.out
}

/// go-yaml v2's `keyList.Less`: runs of digits compare numerically and a letter sorts after a
/// non-letter at the first difference.
pub fn yaml_key_cmp(a: &str, b: &str) -> Ordering {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i].cmp(&br[i]);
        }
        if al || bl {
            return if bl { Ordering::Less } else { Ordering::Greater };
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an.saturating_mul(10).saturating_add(ar[ai] as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn.saturating_mul(10).saturating_add(br[bi] as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an.cmp(&bn);
        }
        if ai != bi {
            return ai.cmp(&bi);
        }
        return ar[i].cmp(&br[i]);
    }
    ar.len().cmp(&br.len())
}


struct Emitter {
    out: String,
    column: usize,
}

impl Emitter {
    fn put(&mut self, s: &str) {
        for c in s.chars() {
            if c == '\n' {
                self.column = 0;
            } else {
                self.column += 1;
            }
            self.out.push(c);
        }
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn indent_to(&mut self, indent: usize) {
        if self.column > indent || (self.column == indent && self.column != 0) {
            self.newline();
        }
        while self.column < indent {
            self.put(" ");
        }
    }

    fn mapping(&mut self, m: &serde_json::Map<String, Value>, indent: usize) {
        let mut keys: Vec<&String> = m.keys().collect();
        crate::util::sort::sort_by(&mut keys, |a, b| yaml_key_cmp(a, b));
        for (i, k) in keys.iter().enumerate() {
            // The first key of a mapping inside a sequence item shares the "- " line.
            if i > 0 || self.column != indent {
                self.indent_to(indent);
            }
            self.key(k);
            self.put(":");
            self.value(&m[*k], indent, true);
        }
    }

    fn sequence(&mut self, a: &[Value], indent: usize) {
        for (i, item) in a.iter().enumerate() {
            if i > 0 || self.column != indent {
                self.indent_to(indent);
            }
            self.put("-");
            self.value(item, indent, false);
        }
    }

    /// A mapping value or sequence item; `in_mapping` selects go-yaml's indentless sequences.
    fn value(&mut self, v: &Value, indent: usize, in_mapping: bool) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                if in_mapping {
                    self.newline();
                    self.mapping(m, indent + 2);
                } else {
                    self.put(" ");
                    self.mapping(m, indent + 2);
                }
            }
            Value::Array(a) if !a.is_empty() => {
                if in_mapping {
                    self.newline();
                    self.sequence(a, indent);
                } else {
                    self.put(" ");
                    self.sequence(a, indent + 2);
                }
            }
            other => {
                self.put(" ");
                self.scalar_value(other, indent + 2);
                self.newline();
            }
        }
    }

    fn key(&mut self, k: &str) {
        match choose_style(k, true) {
            Style::Plain => self.put(k),
            Style::Single => self.single_quoted(k, 0, false),
            _ => self.double_quoted(k),
        }
    }

    fn scalar_value(&mut self, v: &Value, indent: usize) {
        match v {
            Value::Null => self.put("null"),
            Value::Bool(b) => self.put(if *b { "true" } else { "false" }),
            Value::Number(n) => {
                let s = match (n.as_i64(), n.as_u64(), n.as_f64()) {
                    (Some(i), _, _) => i.to_string(),
                    (_, Some(u), _) => u.to_string(),
                    (_, _, Some(f)) => go_float(f),
                    _ => n.to_string(),
                };
                self.put(&s)
            }
            Value::Object(_) => self.put("{}"),
            Value::Array(_) => self.put("[]"),
            Value::String(s) => match choose_style(s, false) {
                Style::Plain => self.plain(s, indent),
                Style::Single => self.single_quoted(s, indent, true),
                Style::Double => self.double_quoted(s),
                Style::Literal => self.literal(s, indent),
            },
        }
    }

    fn plain(&mut self, s: &str, indent: usize) {
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        for (i, c) in chars.iter().enumerate() {
            if *c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if !spaces && self.column > BEST_WIDTH && !next_space {
                    self.indent_to(indent);
                } else {
                    self.put(" ");
                }
                spaces = true;
            } else {
                self.put(&c.to_string());
                spaces = false;
            }
        }
    }

    fn single_quoted(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        self.put("'");
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        for (i, c) in chars.iter().enumerate() {
            if *c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i != 0 && i != chars.len() - 1 && !next_space {
                    self.indent_to(indent);
                } else {
                    self.put(" ");
                }
                spaces = true;
            } else {
                if *c == '\'' {
                    self.put("'");
                }
                self.put(&c.to_string());
                spaces = false;
            }
        }
        self.put("'");
    }

    fn double_quoted(&mut self, s: &str) {
        let mut o = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => o.push_str("\\\""),
                '\\' => o.push_str("\\\\"),
                '\n' => o.push_str("\\n"),
                '\t' => o.push_str("\\t"),
                '\r' => o.push_str("\\r"),
                '\0' => o.push_str("\\0"),
                c if (c as u32) < 0x20 || c as u32 == 0x7f => o.push_str(&format!("\\x{:02X}", c as u32)),
                c => o.push(c),
            }
        }
        o.push('"');
        self.put(&o);
    }

    fn literal(&mut self, s: &str, indent: usize) {
        self.put("|");
        if s.starts_with(' ') || s.starts_with('\n') {
            self.put("2");
        }
        if !s.ends_with('\n') {
            self.put("-");
        } else if s.len() >= 2 && s[..s.len() - 1].ends_with('\n') {
            self.put("+");
        }
        self.newline();
        let body = s.strip_suffix('\n').unwrap_or(s);
        let lines: Vec<&str> = body.split('\n').collect();
        for (i, line) in lines.iter().enumerate() {
            if !line.is_empty() {
                for _ in 0..indent {
                    self.out.push(' ');
                }
                self.out.push_str(line);
            }
            if i + 1 < lines.len() {
                self.out.push('\n');
            }
        }
        self.column = 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kubectl_style_yaml() {
        let v = json!({
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": {"name": "web", "creationTimestamp": "2025-01-06T09:00:00Z", "resourceVersion": "42",
                         "labels": {"app": "nginx"}, "annotations": {"note": "a: b", "empty": ""}},
            "spec": {"replicas": 3, "template": {"spec": {"containers": [
                {"name": "nginx", "image": "nginx:1.25", "ports": [{"containerPort": 80, "name": "web"}]}
            ]}}, "volumeClaimTemplates": [], "paused": false, "x": null},
        });
        // sigs.k8s.io/yaml (go-yaml v2) output, as `kubectl get -o yaml` prints.
        let want = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  annotations:
    empty: \"\"
    note: 'a: b'
  creationTimestamp: \"2025-01-06T09:00:00Z\"
  labels:
    app: nginx
  name: web
  resourceVersion: \"42\"
spec:
  paused: false
  replicas: 3
  template:
    spec:
      containers:
      - image: nginx:1.25
        name: nginx
        ports:
        - containerPort: 80
          name: web
  volumeClaimTemplates: []
  x: null
";
        assert_eq!(to_yaml(&v), want);
    }

    #[test]
    fn quoting_rules() {
        let y = |s: &str| to_yaml(&json!({ "k": s }));
        assert_eq!(y("true"), "k: \"true\"\n");
        assert_eq!(y("123"), "k: \"123\"\n");
        assert_eq!(y("1.5"), "k: \"1.5\"\n");
        assert_eq!(y("10.244.1.3"), "k: 10.244.1.3\n");
        assert_eq!(y("*"), "k: '*'\n");
        assert_eq!(y("it's"), "k: it's\n");
        assert_eq!(y("'x"), "k: '''x'\n");
        assert_eq!(y("- a"), "k: '- a'\n");
        assert_eq!(y("a\nb\n"), "k: |\n  a\n  b\n");
        assert_eq!(y("a\nb"), "k: |-\n  a\n  b\n");
        assert_eq!(y(" lead"), "k: ' lead'\n");
    }

    #[test]
    fn long_strings_fold_at_80_columns() {
        let msg = "0/3 nodes are available: 3 pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
        let out = to_yaml(&json!({"status": {"message": msg}}));
        assert_eq!(
            out,
            "status:\n  message: '0/3 nodes are available: 3 pod has unbound immediate PersistentVolumeClaims.\n    preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.'\n"
        );
    }

    #[test]
    fn key_order_is_go_yaml_natural_order() {
        let mut keys = vec!["b", "a_b", "aB", "item10", "item9", "app.kubernetes.io/name", "app"];
        keys.sort_by(|a, b| yaml_key_cmp(a, b));
        assert_eq!(keys, vec!["a_b", "aB", "app", "app.kubernetes.io/name", "b", "item9", "item10"]);
    }
}
