//! YAML → JSON as kubectl converts it (`sigs.k8s.io/yaml.YAMLToJSON`, which decodes with go-yaml
//! v2): YAML 1.1 plain-scalar resolution (`yes`/`on`/`y` are booleans, `0777` is octal,
//! `1_000` is 1000, timestamps stay strings), merge keys (`<<`), anchors and aliases — plus the
//! position of every key and value, duplicate keys, and the playground's size limits.

use super::events::{Event, Mark, Parser, ScalarStyle, SyntaxError};
use crate::engine::limits;
use serde_json::{Map, Number, Value};
use std::collections::BTreeMap;

/// Where a field sits in the text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Located {
    /// Position of the key (for map entries), else of the value.
    pub key: Mark,
    /// Position of the value.
    pub value: Mark,
}

/// Field path (`spec.template.spec.containers[0].image`) → position.
pub type Locations = BTreeMap<String, Located>;

/// A document converted to JSON.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// The JSON value (Null for an empty document).
    pub value: Value,
    /// Positions of every path.
    pub locations: Locations,
    /// Keys that appear twice in one mapping: (path, position of the second one).
    pub duplicates: Vec<(String, Mark)>,
}

/// Why a document could not be converted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TreeError {
    /// libyaml syntax error.
    Syntax(SyntaxError),
    /// `*name` without an earlier `&name`.
    UnknownAnchor(String, Mark),
    /// A playground limit (message names it).
    Limit(String, Mark),
}

/// Appends a field name to a path.
pub fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Appends a list index to a path.
pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

struct Builder {
    parser: Parser,
    anchors: BTreeMap<String, (Value, usize)>,
    nodes: usize,
    doc: Document,
}

/// Converts one YAML document (a chunk kubectl split at `---`) to JSON. `line_offset` is added
/// to every position (the chunk's first line in the file, minus one).
pub fn parse_document(text: &str, line_offset: u32) -> Result<Document, TreeError> {
    let mut b = Builder { parser: Parser::new(text), anchors: BTreeMap::new(), nodes: 0, doc: Document::default() };
    let shift = |mut m: Mark| {
        m.line += line_offset;
        m
    };
    let r = b.run();
    let mut doc = b.doc;
    for l in doc.locations.values_mut() {
        l.key = shift(l.key);
        l.value = shift(l.value);
    }
    for d in &mut doc.duplicates {
        d.1 = shift(d.1);
    }
    match r {
        Ok(v) => {
            doc.value = v;
            Ok(doc)
        }
        Err(TreeError::Syntax(mut e)) => {
            e.at = shift(e.at);
            Err(TreeError::Syntax(e))
        }
        Err(TreeError::UnknownAnchor(a, m)) => Err(TreeError::UnknownAnchor(a, shift(m))),
        Err(TreeError::Limit(s, m)) => Err(TreeError::Limit(s, shift(m))),
    }
}

impl Builder {
    fn next(&mut self) -> Result<(Event, Mark), TreeError> {
        self.parser.next_event().map_err(TreeError::Syntax)
    }

    fn run(&mut self) -> Result<Value, TreeError> {
        // A chunk holds at most one document (kubectl split it); anything after the first
        // document's end is ignored, as go-yaml's Unmarshal does.
        let (ev, at) = self.next()?;
        match ev {
            Event::StreamEnd => Ok(Value::Null),
            Event::DocumentStart => {
                let (ev, at) = self.next()?;
                if ev == Event::DocumentEnd {
                    return Ok(Value::Null);
                }
                self.node(ev, at, "", 0)
            }
            _ => self.node(ev, at, "", 0),
        }
    }

    fn count(&mut self, n: usize, at: Mark) -> Result<(), TreeError> {
        self.nodes += n;
        if self.nodes > limits::MAX_YAML_NODES {
            return Err(TreeError::Limit(
                limits::exceeded(
                    "yaml: document contains excessive aliasing",
                    "MAX_YAML_NODES",
                    limits::MAX_YAML_NODES,
                ),
                at,
            ));
        }
        Ok(())
    }

    fn node(&mut self, ev: Event, at: Mark, path: &str, depth: usize) -> Result<Value, TreeError> {
        if depth > limits::MAX_NESTING_DEPTH {
            return Err(TreeError::Limit(
                limits::exceeded("yaml: exceeded max depth", "MAX_NESTING_DEPTH", limits::MAX_NESTING_DEPTH),
                at,
            ));
        }
        self.count(1, at)?;
        let start = self.nodes;
        let (value, anchor) = match ev {
            Event::Scalar { anchor, tag, value, style } => (resolve(&value, style, tag.as_deref()), anchor),
            Event::Alias(name) => {
                let Some(size) = self.anchors.get(&name).map(|a| a.1) else {
                    return Err(TreeError::UnknownAnchor(name, at));
                };
                // Count before copying, so a bomb is refused before it allocates.
                self.count(size, at)?;
                let v = self.anchors.get(&name).map(|a| a.0.clone()).unwrap_or_default();
                record_all(&mut self.doc.locations, path, &v, at);
                return Ok(v);
            }
            Event::SequenceStart { anchor, .. } => {
                let mut items = Vec::new();
                loop {
                    let (ev, m) = self.next()?;
                    if ev == Event::SequenceEnd {
                        break;
                    }
                    let p = index(path, items.len());
                    self.doc.locations.insert(p.clone(), Located { key: m, value: m });
                    items.push(self.node(ev, m, &p, depth + 1)?);
                }
                (Value::Array(items), anchor)
            }
            Event::MappingStart { anchor, .. } => (Value::Object(self.mapping(path, depth)?), anchor),
            // Document markers cannot appear inside a node; treat as null.
            _ => (Value::Null, None),
        };
        if let Some(a) = anchor {
            let size = self.nodes - start + 1;
            self.anchors.insert(a, (value.clone(), size));
        }
        Ok(value)
    }

    fn mapping(&mut self, path: &str, depth: usize) -> Result<Map<String, Value>, TreeError> {
        let mut map = Map::new();
        loop {
            let (ev, key_at) = self.next()?;
            if ev == Event::MappingEnd {
                return Ok(map);
            }
            let is_merge = matches!(&ev, Event::Scalar { value, style: ScalarStyle::Plain, tag: None, .. } if value == "<<");
            let key = self.node(ev, key_at, path, depth + 1)?;
            let key = key_string(&key);
            let (vev, value_at) = self.next()?;
            if is_merge {
                let merged = self.node(vev, value_at, path, depth + 1)?;
                // go-yaml v2 merges in place: later keys override, merged keys override earlier.
                let sources = match merged {
                    Value::Array(items) => items,
                    other => vec![other],
                };
                for src in sources {
                    if let Value::Object(m) = src {
                        for (k, v) in m {
                            map.insert(k, v);
                        }
                    }
                }
                continue;
            }
            let p = child(path, &key);
            self.doc.locations.insert(p.clone(), Located { key: key_at, value: value_at });
            let value = self.node(vev, value_at, &p, depth + 1)?;
            if map.contains_key(&key) {
                self.doc.duplicates.push((p, key_at));
            }
            map.insert(key, value);
        }
    }
}

/// Records positions for a value copied from an alias: every path inside it points at the alias.
fn record_all(locs: &mut Locations, path: &str, v: &Value, at: Mark) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let p = child(path, k);
                locs.insert(p.clone(), Located { key: at, value: at });
                record_all(locs, &p, v, at);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = index(path, i);
                locs.insert(p.clone(), Located { key: at, value: at });
                record_all(locs, &p, v, at);
            }
        }
        _ => {}
    }
}

/// A mapping key as JSON needs it: YAMLToJSON prints non-string keys (`1:`, `true:`) as strings.
fn key_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

/// go-yaml v2 `resolve` for a scalar, then YAMLToJSON's conversion to a JSON value.
pub fn resolve(value: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
    match tag {
        Some("tag:yaml.org,2002:str") => return Value::String(value.into()),
        Some("tag:yaml.org,2002:null") => return Value::Null,
        _ => {}
    }
    if style != ScalarStyle::Plain {
        return Value::String(value.into());
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => return Value::Bool(true),
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false)
        }
        _ => {}
    }
    let first = value.as_bytes()[0];
    if first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.' {
        if let Some(n) = parse_number(value) {
            return n;
        }
    }
    Value::String(value.into())
}

/// Numbers as go-yaml v2 reads them (`strconv.ParseInt(s, 0, 64)` after dropping `_`, then
/// unsigned, then YAML floats), as JSON numbers. Integral floats print without a fraction in
/// Go's JSON, so they become integers here too.
fn parse_number(raw: &str) -> Option<Value> {
    let plain: String = raw.chars().filter(|&c| c != '_').collect();
    let (neg, digits) = match plain.as_bytes().first() {
        Some(b'-') => (true, &plain[1..]),
        Some(b'+') => (false, &plain[1..]),
        _ => (false, plain.as_str()),
    };
    let parsed = if let Some(h) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()
    } else if let Some(b) = digits.strip_prefix("0b").or_else(|| digits.strip_prefix("0B")) {
        u64::from_str_radix(b, 2).ok()
    } else if let Some(o) = digits.strip_prefix("0o").or_else(|| digits.strip_prefix("0O")) {
        u64::from_str_radix(o, 8).ok()
    } else if digits.len() > 1 && digits.starts_with('0') {
        u64::from_str_radix(&digits[1..], 8).ok()
    } else if !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()) {
        digits.parse::<u64>().ok()
    } else {
        None
    };
    if let Some(u) = parsed {
        if neg {
            return (u <= i64::MAX as u64 + 1).then(|| Value::Number(Number::from((u as i128).wrapping_neg() as i64)));
        }
        return Some(Value::Number(Number::from(u)));
    }
    // YAML 1.1 float syntax (go-yaml's yamlStyleFloat): [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    if !is_yaml_float(&plain) {
        return None;
    }
    let f: f64 = plain.parse().ok()?;
    if f.fract() == 0.0 && f.abs() < 1e18 {
        return Some(Value::Number(Number::from(f as i64)));
    }
    Number::from_f64(f).map(Value::Number)
}

fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let f = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if int_digits == 0 && i == f {
            return false;
        }
    } else if int_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let e = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == e {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(t: &str) -> Document {
        parse_document(t, 0).unwrap()
    }

    #[test]
    fn yaml_1_1_scalars_resolve_like_go_yaml_v2() {
        let d = doc("a: yes\nb: 'yes'\nc: 0777\nd: 1_000\ne: 3.0\nf: 2025-01-01\ng: ~\nh: 1.5\ni: 0x1F\nj: on\nk: 1e3\nl: -7\n");
        assert_eq!(
            d.value,
            json!({"a": true, "b": "yes", "c": 511, "d": 1000, "e": 3, "f": "2025-01-01", "g": null, "h": 1.5, "i": 31, "j": true, "k": 1000, "l": -7})
        );
    }

    #[test]
    fn locations_cover_block_and_flow_styles() {
        let d = doc("spec:\n  # comment\n  \"replicas\": 3\n  ports: [{name: web, port: 80}]\n");
        assert_eq!(d.locations["spec.replicas"].key, Mark { line: 3, col: 3 });
        assert_eq!(d.locations["spec.replicas"].value, Mark { line: 3, col: 15 });
        assert_eq!(d.locations["spec.ports[0].port"].key, Mark { line: 4, col: 23 });
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let d = doc("base: &b {app: web, tier: db}\nlabels:\n  <<: *b\n  tier: cache\nsame: *b\n");
        assert_eq!(d.value["labels"], json!({"app": "web", "tier": "cache"}));
        assert_eq!(d.value["same"], json!({"app": "web", "tier": "db"}));
        assert_eq!(d.locations["same.app"].key.line, 5);
    }

    #[test]
    fn duplicates_are_reported_and_last_wins() {
        let d = doc("spec:\n  replicas: 1\n  replicas: 2\n");
        assert_eq!(d.value["spec"]["replicas"], 2);
        assert_eq!(d.duplicates, vec![("spec.replicas".to_string(), Mark { line: 3, col: 3 })]);
    }

    #[test]
    fn alias_bomb_is_refused_quickly() {
        let mut t = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = (b'a' + (i - 1) as u8) as char;
            let cur = (b'a' + i as u8) as char;
            t.push_str(&format!("{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        match parse_document(&t, 0) {
            Err(TreeError::Limit(m, _)) => assert!(m.contains("MAX_YAML_NODES"), "{m}"),
            other => panic!("expected a limit error, got {other:?}"),
        }
    }

    #[test]
    fn deep_nesting_is_refused() {
        let t = "[".repeat(500) + &"]".repeat(500);
        assert!(matches!(parse_document(&t, 0), Err(TreeError::Limit(m, _)) if m.contains("MAX_NESTING_DEPTH")));
    }

    #[test]
    fn unknown_alias_is_an_error() {
        assert!(matches!(parse_document("a: *nope\n", 0), Err(TreeError::UnknownAnchor(a, _)) if a == "nope"));
    }
}
