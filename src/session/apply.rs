//! `kubectl apply -f FILE` of an editor tab.
//!
//! Until the kubectl layer has `apply`, this does what apply does for a first apply and for a
//! re-apply of the same file: decode (with the editor's diagnostics), then create each object, or
//! replace the stored one's spec, printing kubectl's `<kind>/<name> created|configured|unchanged`.

use super::input::Outcome;
use crate::engine::api::Object;
use crate::engine::apiserver;
use crate::engine::manifest::{parse_manifests, DiagnosticKind, Severity};
use crate::engine::sim::Cluster;
use crate::engine::store::ObjectKey;

fn reason(e: &crate::engine::error::ApiError) -> &'static str {
    use crate::engine::error::ApiError::*;
    match e {
        NotFound { .. } => "NotFound",
        AlreadyExists { .. } => "AlreadyExists",
        Invalid { .. } => "Invalid",
        Conflict { .. } => "Conflict",
        _ => "BadRequest",
    }
}

/// Applies every object in `text` (named `file` in messages).
pub fn apply_text(c: &mut Cluster, file: &str, text: &str) -> Outcome {
    let set = parse_manifests(file, text);
    let mut out = Outcome::default();
    for d in &set.diagnostics {
        match (&d.kind, d.severity) {
            (DiagnosticKind::UnknownField { .. } | DiagnosticKind::DuplicateField { .. }, _) => {
                out.stderr.push_str(&format!("Warning: {}\n", d.message));
            }
            (DiagnosticKind::Decode, Severity::Error) => {
                out.stderr
                    .push_str(&format!("Error from server (BadRequest): error when creating {file:?}: {}\n", d.message));
            }
            (_, Severity::Error) => out.stderr.push_str(&format!("error: {}\n", d.message)),
            (_, Severity::Warning) => out.stderr.push_str(&format!("Warning: {}\n", d.message)),
        }
    }
    if set.has_errors() {
        out.exit_code = 1;
        return out;
    }
    if set.objects.is_empty() {
        out.stderr.push_str("error: no objects passed to apply\n");
        out.exit_code = 1;
        return out;
    }
    for decoded in &set.objects {
        let mut obj: Object = decoded.object.clone();
        if obj.kind().info().namespaced && obj.meta().namespace.is_empty() {
            obj.meta_mut().namespace = "default".into();
        }
        let key = ObjectKey::of(&obj);
        let prefix = key.kind.name_prefix();
        let name = key.name.clone();
        let existing = c.store.get_key(&key).cloned();
        let result = match &existing {
            None => apiserver::create(c, obj).map(|w| (w, "created")),
            Some(old) => {
                obj.meta_mut().resource_version.clear();
                let before = old.meta().resource_version.clone();
                let old_gen = old.meta().generation;
                apiserver::update(c, obj).map(|w| {
                    let changed = w.object.meta().generation != old_gen
                        || (old_gen == 0 && w.object.meta().resource_version != before && **old != *w.object);
                    (w, if changed { "configured" } else { "unchanged" })
                })
            }
        };
        match result {
            Ok((w, verb)) => {
                for warning in &w.warnings {
                    out.stderr.push_str(&format!("Warning: {warning}\n"));
                }
                out.stdout.push_str(&format!("{prefix}/{name} {verb}\n"));
            }
            Err(e) => {
                let op = if existing.is_some() { "applying patch" } else { "creating" };
                out.stderr.push_str(&format!("Error from server ({}): error when {op} {file:?}: {e}\n", reason(&e)));
                out.exit_code = 1;
            }
        }
    }
    c.flush();
    out
}
