//! From file text to typed objects: kubectl's `---` splitting and `kind: List` flattening, its
//! client-side checks (`apiVersion not set`, `resource mapping not found`), and the API server's
//! decoding (`<Kind> in version "v1" cannot be handled as a <Kind>: …`) with strict field
//! validation findings (`unknown field "spec.replica"`, `duplicate field "replicas"`).

use super::tree::{self, Document, Located, TreeError};
use super::{gotypes, Decoded, Diagnostic, DiagnosticKind, ManifestSet, Mark, Severity, SourceRef};
use crate::engine::api::value_de::Path;
use crate::engine::api::{Kind, Object};
use crate::engine::limits;
use serde_json::Value;

/// Parses every document of a manifest file. Never fails: problems become diagnostics, each
/// with the text kubectl or the API server prints.
pub fn parse_manifests(file_name: &str, text: &str) -> ManifestSet {
    let mut set = ManifestSet::default();
    if text.len() > limits::MAX_MANIFEST_BYTES {
        set.diagnostics.push(diag(
            file_name,
            0,
            Mark { line: 1, col: 1 },
            Severity::Error,
            DiagnosticKind::Limit,
            limits::exceeded(
                &format!("error reading {file_name}: the file is {} bytes", text.len()),
                "MAX_MANIFEST_BYTES",
                limits::MAX_MANIFEST_BYTES,
            ),
        ));
        return set;
    }
    let chunks = match split_documents(text) {
        Ok(c) => c,
        Err((line, msg)) => {
            let m = format!("error parsing {file_name}: {msg}");
            set.diagnostics.push(diag(file_name, 0, Mark { line, col: 1 }, Severity::Error, DiagnosticKind::Syntax, m));
            return set;
        }
    };
    for (doc_index, (start_line, chunk)) in chunks.into_iter().enumerate() {
        if doc_index >= limits::MAX_DOCUMENTS_PER_FILE {
            let m = limits::exceeded(
                &format!("error parsing {file_name}: more than {} documents", limits::MAX_DOCUMENTS_PER_FILE),
                "MAX_DOCUMENTS_PER_FILE",
                limits::MAX_DOCUMENTS_PER_FILE,
            );
            set.diagnostics.push(diag(file_name, doc_index, Mark { line: start_line + 1, col: 1 }, Severity::Error, DiagnosticKind::Limit, m));
            break;
        }
        let ctx = DocCtx { file: file_name, doc_index };
        match tree::parse_document(chunk, start_line) {
            Ok(doc) => ctx.document(doc, &mut set),
            Err(e) => set.diagnostics.push(ctx.tree_error(e)),
        }
    }
    set
}

/// The server's strict-validation error for an object with unknown/duplicate fields
/// (`kubectl --validate=strict`): `StatefulSet in version "v1" cannot be handled as a
/// StatefulSet: strict decoding error: unknown field "spec.replica"`.
pub fn strict_decoding_error(kind: Kind, warnings: &[Diagnostic]) -> String {
    let all: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
    format!("{}strict decoding error: {}", cannot_handle(kind), all.join(", "))
}

fn cannot_handle(kind: Kind) -> String {
    let i = kind.info();
    format!("{} in version {:?} cannot be handled as a {}: ", i.kind_name, i.version, i.kind_name)
}

fn diag(file: &str, doc_index: usize, at: Mark, severity: Severity, kind: DiagnosticKind, message: String) -> Diagnostic {
    Diagnostic { file: file.to_string(), doc_index, line: at.line.max(1), col: at.col.max(1), severity, kind, message }
}

/// kubectl's `YAMLReader`: a line starting with `---` ends a document; only spaces or a comment
/// may follow it. Returns (line offset, text) per document; JSON input is one document.
fn split_documents(text: &str) -> Result<Vec<(u32, &str)>, (u32, String)> {
    if text.trim_start().starts_with('{') {
        return Ok(vec![(0, text)]);
    }
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut start_line = 0u32;
    let mut offset = 0usize;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err((n as u32 + 1, format!("invalid Yaml document separator: {trimmed}")));
            }
            out.push((start_line, &text[start..offset]));
            start = offset + line.len();
            start_line = n as u32 + 1;
        }
        offset += line.len();
    }
    out.push((start_line, &text[start..]));
    Ok(out)
}

struct DocCtx<'a> {
    file: &'a str,
    doc_index: usize,
}

impl DocCtx<'_> {
    fn err(&self, at: Mark, kind: DiagnosticKind, message: String) -> Diagnostic {
        diag(self.file, self.doc_index, at, Severity::Error, kind, message)
    }

    fn tree_error(&self, e: TreeError) -> Diagnostic {
        let prefix = format!("error parsing {}: error converting YAML to JSON: ", self.file);
        match e {
            TreeError::Syntax(s) => {
                let where_ = if s.go_yaml_line > 0 { format!("line {}: ", s.go_yaml_line) } else { String::new() };
                self.err(s.at, DiagnosticKind::Syntax, format!("{prefix}yaml: {where_}{}", s.problem))
            }
            TreeError::UnknownAnchor(a, at) => {
                self.err(at, DiagnosticKind::Syntax, format!("{prefix}yaml: unknown anchor '{a}' referenced"))
            }
            TreeError::Limit(m, at) => self.err(at, DiagnosticKind::Limit, format!("{prefix}{m}")),
        }
    }

    fn document(&self, doc: Document, set: &mut ManifestSet) {
        let Document { value, locations, duplicates } = doc;
        if value.is_null() {
            return; // kubectl skips empty documents.
        }
        let first = locations.values().map(|l| l.key).min().unwrap_or(Mark { line: 1, col: 1 });
        let is_list = value.get("kind").and_then(Value::as_str).is_some_and(|k| k.ends_with("List"))
            && value.get("items").is_some_and(Value::is_array);
        let dups: Vec<(String, Mark)> = duplicates;
        if is_list {
            let items = match value.get("items") {
                Some(Value::Array(items)) => items.clone(),
                _ => Vec::new(),
            };
            for (i, item) in items.into_iter().enumerate() {
                let prefix = tree::index("items", i);
                let at = locations.get(&prefix).map(|l| l.value).unwrap_or(first);
                let scoped = Scoped { locations: &locations, prefix: format!("{prefix}.") };
                let d: Vec<(String, Mark)> = dups
                    .iter()
                    .filter_map(|(p, m)| p.strip_prefix(&scoped.prefix).map(|s| (s.to_string(), *m)))
                    .collect();
                self.object(item, at, &scoped, &d, set);
            }
        } else {
            let scoped = Scoped { locations: &locations, prefix: String::new() };
            self.object(value, first, &scoped, &dups, set);
        }
    }

    fn object(&self, value: Value, at: Mark, locs: &Scoped, dups: &[(String, Mark)], set: &mut ManifestSet) {
        let Value::Object(map) = &value else {
            let what = match value {
                Value::Array(_) => "array",
                Value::String(_) => "string",
                Value::Number(_) => "number",
                Value::Bool(_) => "bool",
                _ => "null",
            };
            set.diagnostics.push(self.err(
                at,
                DiagnosticKind::Decode,
                format!("error parsing {}: json: cannot unmarshal {what} into Go value of type map[string]interface {{}}", self.file),
            ));
            return;
        };
        let api_version = map.get("apiVersion").and_then(Value::as_str).unwrap_or("").to_string();
        let kind_name = map.get("kind").and_then(Value::as_str).unwrap_or("").to_string();
        let mut missing = Vec::new();
        if api_version.is_empty() {
            missing.push("apiVersion not set");
        }
        if kind_name.is_empty() {
            missing.push("kind not set");
        }
        if !missing.is_empty() {
            let list = if missing.len() == 1 { missing[0].to_string() } else { format!("[{}]", missing.join(", ")) };
            set.diagnostics.push(self.err(
                at,
                DiagnosticKind::MissingTypeMeta,
                format!(
                    "error validating {:?}: error validating data: {list}; if you choose to ignore these errors, turn validation off with --validate=false",
                    self.file
                ),
            ));
            return;
        }
        let meta = map.get("metadata");
        let name = meta.and_then(|m| m.get("name")).and_then(Value::as_str).unwrap_or("");
        let namespace = meta.and_then(|m| m.get("namespace")).and_then(Value::as_str).unwrap_or("");
        let Some(kind) = Kind::from_api_version_kind(&api_version, &kind_name) else {
            let kind_at = locs.get("kind").map(|l| l.value).unwrap_or(at);
            set.diagnostics.push(self.err(
                kind_at,
                DiagnosticKind::UnknownKind,
                format!(
                    "resource mapping not found for name: {name:?} namespace: {namespace:?} from {:?}: no matches for kind {kind_name:?} in version {api_version:?}\nensure CRDs are installed first",
                    self.file
                ),
            ));
            return;
        };
        let source = SourceRef { file: self.file.to_string(), doc_index: self.doc_index, line: at.line, col: at.col };

        // The server's decoder: Go type errors first (it stops at the first one in the text).
        if kind.is_simulated() {
            let mut errs = gotypes::check(kind.info().kind_name, &value);
            crate::util::sort::sort_by_key(&mut errs, |e| locs.get(&e.path).map(|l| l.value).unwrap_or(at));
            if let Some(e) = errs.into_iter().next() {
                let where_ = locs.get(&e.path).map(|l| l.value).unwrap_or(at);
                set.diagnostics.push(self.err(where_, DiagnosticKind::Decode, format!("{}{}", cannot_handle(kind), e.message)));
                return;
            }
        }

        let mut warnings: Vec<Diagnostic> = Vec::new();
        let raw = value.clone();
        let locations = locs.all();
        let mut value = value;
        strip_nulls(&mut value);
        let decoded = decode_typed(kind, value, &mut |path| {
            let at = locs.get(&path).map(|l| l.key).unwrap_or(at);
            warnings.push(diag(
                self.file,
                self.doc_index,
                at,
                Severity::Warning,
                DiagnosticKind::UnknownField { path: path.clone() },
                format!("unknown field {path:?}"),
            ));
        });
        for (path, m) in dups {
            warnings.push(diag(
                self.file,
                self.doc_index,
                *m,
                Severity::Warning,
                DiagnosticKind::DuplicateField { path: path.clone() },
                format!("duplicate field {path:?}"),
            ));
        }
        crate::util::sort::sort_by_key(&mut warnings, |w| (w.line, w.col));
        match decoded {
            Ok(object) => {
                set.diagnostics.extend(warnings.iter().cloned());
                set.objects.push(Decoded { object, source, warnings, raw, locations });
            }
            Err(e) => set.diagnostics.push(self.err(at, DiagnosticKind::Decode, format!("{}{e}", cannot_handle(kind)))),
        }
    }
}

/// Locations seen from inside a List item.
struct Scoped<'a> {
    locations: &'a tree::Locations,
    prefix: String,
}

impl Scoped<'_> {
    fn get(&self, path: &str) -> Option<&Located> {
        self.locations.get(&format!("{}{path}", self.prefix))
    }

    /// Every location under the prefix, keyed by the path inside the object.
    fn all(&self) -> std::collections::BTreeMap<String, Mark> {
        crate::util::sort::btree_map(
            self.locations.iter().filter_map(|(p, l)| p.strip_prefix(&self.prefix).map(|s| (s.to_string(), l.key))),
        )
    }
}

/// encoding/json leaves a field untouched for `null`; dropping null members gives serde the
/// same result (our optional fields default to "unset").
fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// A decoding path in the API server's notation: `spec.containers[0].imagePullPolcy`.
fn path_string(p: &Path<'_>) -> String {
    match p {
        Path::Root => String::new(),
        Path::Seq { parent, index } => tree::index(&path_string(parent), *index),
        Path::Map { parent, key } => tree::child(&path_string(parent), key),
    }
}

/// Decodes a typed object, reporting every field serde ignored.
fn decode_typed(kind: Kind, v: Value, unknown: &mut dyn FnMut(String)) -> Result<Object, serde_json::Error> {
    Object::decode(kind, v, &mut |p| unknown(path_string(p)))
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
