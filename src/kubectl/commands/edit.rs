//! `kubectl edit` (`kubectl/pkg/cmd/edit/edit.go`, `kubectl/pkg/cmd/util/editor/editoptions.go`),
//! split at the editor: [`open`] builds the buffer kubectl writes to its temp file (the header
//! comment, then the live object as `-o yaml` prints it, or `-o json` without a header);
//! [`prepare_save`] is what kubectl does once the editor exits (strip comments, "Edit
//! cancelled", syntax errors, the two-way strategic merge patch and its preconditions); [`send`]
//! is the PATCH; [`report`] words a failed PATCH as `editResults.addError` does.
//!
//! Only the browser has an editor. A script's `kubectl edit` reaches [`run`], which refuses it:
//! the browser opens edits through [`open`] directly, so no script can reach that path.

use super::get::fetch;
use super::manifests::print_warnings;
use super::output::name_of;
use super::parse_flags;
use super::patch::{server_patch, PatchType};
use crate::engine::api::{Kind, Object};
use crate::engine::apiserver;
use crate::engine::error::ApiError;
use crate::engine::manifest::tree;
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::{flag, FlagKind, FlagSpec};
use crate::kubectl::patch::three_way;
use crate::kubectl::printers::{json, yaml};
use crate::kubectl::resources::{parse_resource_args, resolve_kind, ListOptions};
use crate::kubectl::Env;
use serde_json::Value;

/// `editHeader.writeTo` for the normal edit mode, verbatim.
pub const HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
";

/// Why a script's `kubectl edit` is refused (printed as `error: …`).
pub const NO_EDITOR: &str =
    "\"kubectl edit\" needs an editor, which scripts do not have; use kubectl patch or kubectl apply -f instead";

/// Flags `kubectl edit` accepts. The playground honours `-o` (and the global `-n`); the ones
/// that would need a file system or another code path are refused in [`open`], the rest change
/// nothing the playground shows (there are no managed fields or change-cause records).
pub const FLAGS: &[FlagSpec] = &[
    flag("output", Some('o'), FlagKind::String),
    flag("filename", Some('f'), FlagKind::StringArray),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("kustomize", Some('k'), FlagKind::String),
    flag("output-patch", None, FlagKind::Bool),
    flag("windows-line-endings", None, FlagKind::Bool),
    flag("subresource", None, FlagKind::String),
    flag("save-config", None, FlagKind::Bool),
    flag("validate", None, FlagKind::String),
    flag("field-manager", None, FlagKind::String),
    flag("show-managed-fields", None, FlagKind::Bool),
    flag("record", None, FlagKind::Bool),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
];

/// `kubectl edit` in a script: refused, since nothing can play the editor.
pub fn run(_env: &mut Env, _args: &[String]) -> CmdResult {
    Err(CmdError::plain(NO_EDITOR))
}

/// The object an edit is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Kind.
    pub kind: Kind,
    /// Namespace (empty for cluster-scoped kinds).
    pub namespace: String,
    /// Name.
    pub name: String,
    /// `metadata.uid` when opened: kubectl matches the edited object to the original by it.
    pub uid: String,
}

/// What `kubectl edit` put in the editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    /// The object.
    pub target: Target,
    /// `-o json`: a JSON buffer, without the header (kubectl adds none to JSON).
    pub json: bool,
    /// The buffer.
    pub text: String,
}

/// Resolves the command's arguments to one object and builds the editor buffer.
pub fn open(env: &mut Env, args: &[String]) -> CmdResult<Opened> {
    let p = parse_flags(env, "edit", args, FLAGS)?;
    let json = match p.string("output").unwrap_or("yaml") {
        "" | "yaml" => false,
        "json" => true,
        o => {
            return Err(CmdError::plain(format!(
                "unable to match a printer suitable for the output format {o:?}, allowed formats are: json,yaml"
            )))
        }
    };
    for f in ["filename", "kustomize", "output-patch", "windows-line-endings", "subresource"] {
        if p.has(f) {
            return Err(CmdError::plain(format!("--{f} is not available in the StatefulSet Playground")));
        }
    }
    if p.args.is_empty() {
        return Err(CmdError::plain(super::delete::NO_RESOURCES_ERROR));
    }
    let ra = parse_resource_args(&p.args)?;
    let opts = ListOptions { namespace: Some(env.namespace.clone()), label_selector: None, field_selector: None };
    let fetched = fetch(env, &ra.targets, &opts, false)?;
    if !fetched.errors.is_empty() {
        let mut errors = fetched.errors;
        return Err(if errors.len() == 1 { errors.remove(0) } else { CmdError::Aggregate(errors) });
    }
    let obj = match fetched.objects.as_slice() {
        [] => return Err(CmdError::plain("edit cancelled, no objects found")),
        [one] => one.clone(),
        // kubectl would put a List of them in one file; the playground's tab holds one object.
        many => {
            return Err(CmdError::plain(format!(
                "the playground edits one object at a time and this matches {}; name one (e.g. kubectl edit {})",
                many.len(),
                name_of(&many[0])
            )))
        }
    };
    let mut value = obj.to_value();
    // extractManagedFields: the editor never shows them (restored before the patch).
    if let Some(m) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("managedFields");
    }
    let text = if json { json::to_json(&value) } else { format!("{HEADER}{}", yaml::to_yaml(&value)) };
    let m = obj.meta();
    Ok(Opened { target: Target { kind: obj.kind(), namespace: m.namespace.clone(), name: m.name.clone(), uid: m.uid.clone() }, json, text })
}

/// What saving the buffer leads to, before anything is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prepared {
    /// The edit ends with this message on stderr (exit 0): no change, or an empty file.
    Cancelled(String),
    /// kubectl reopens the editor with this text (the header lists why); nothing was sent.
    Reopen(String),
    /// The edit ends with this error (`error: …`); nothing was sent.
    Failed(String),
    /// Send this strategic merge patch.
    Patch(Value),
}

/// `cmdutil.ManualStrip`: drops comment lines (`#`, but not `#!`).
pub fn manual_strip(text: &str) -> String {
    text.split('\n')
        .filter(|l| {
            let t = l.trim();
            !t.starts_with('#') || t.starts_with("#!")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `hasLines`: a line that is neither blank nor a comment.
fn has_lines(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    })
}

/// `yaml.ToJSON` of the buffer, with kubectl's syntax error text.
fn to_json(text: &str) -> Result<Value, String> {
    tree::parse_document(text, 0).map(|d| d.value).map_err(|e| match e {
        tree::TreeError::Syntax(s) => {
            let line = if s.go_yaml_line > 0 { format!("line {}: ", s.go_yaml_line) } else { String::new() };
            format!("error converting YAML to JSON: yaml: {line}{}", s.problem)
        }
        tree::TreeError::UnknownAnchor(a, _) => format!("error converting YAML to JSON: yaml: unknown anchor '{a}' referenced"),
        tree::TreeError::Limit(m, _) => m,
    })
}

/// `hashOnLineBreak`: continues a multi-line reason as comment lines.
fn hash_on_line_break(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '\n' && chars.peek().is_some_and(|n| *n != '#') {
            out.push_str("# ");
        }
    }
    out
}

/// The buffer kubectl reopens: the header with one block per reason (a head, and `* detail`
/// lines when there are details), then the edited text without its comments. A JSON buffer
/// has no header, so it comes back without the reasons (they are on stderr).
pub fn reopen_text(json: bool, reasons: &[(String, Vec<String>)], edited: &str) -> String {
    let mut out = String::new();
    if !json {
        out.push_str(HEADER);
        for (head, details) in reasons {
            let colon = if details.is_empty() { "" } else { ":" };
            out.push_str(&format!("# {}{colon}\n", hash_on_line_break(head)));
            for d in details {
                out.push_str(&format!("# * {}\n", hash_on_line_break(d)));
            }
            out.push_str("#\n");
        }
    }
    out.push_str(&manual_strip(edited));
    out
}

/// The steps of `editFn` between the editor exiting and the PATCH. `retry` is the previous
/// attempt's text when this buffer was reopened after a failure.
pub fn prepare_save(target: &Target, json: bool, original: &str, edited: &str, retry: Option<&str>) -> Prepared {
    // Comparisons are on yaml.ToJSON of each side (StripComments), else on the stripped text.
    let strip = |t: &str| to_json(t).map(|v| v.to_string()).unwrap_or_else(|_| manual_strip(t));
    if let Some(prev) = retry {
        if strip(prev) == strip(edited) {
            return Prepared::Failed("Edit cancelled, no valid changes were saved.".into());
        }
    }
    if strip(original) == strip(edited) {
        return Prepared::Cancelled("Edit cancelled, no changes made.".into());
    }
    if !has_lines(edited) {
        return Prepared::Cancelled("Edit cancelled, saved file was empty.".into());
    }
    let edited_value = match to_json(edited) {
        Ok(v) if v.is_object() && v.get("kind").is_some() => v,
        Ok(v) => {
            let reason = format!("The edited file had a syntax error: Object 'Kind' is missing in '{v}'");
            return Prepared::Reopen(reopen_text(json, &[(reason, vec![])], edited));
        }
        Err(e) => {
            let reason = format!("The edited file had a syntax error: {e}");
            return Prepared::Reopen(reopen_text(json, &[(reason, vec![])], edited));
        }
    };
    let Ok(original_value) = to_json(original) else {
        return Prepared::Failed("the original object could not be read back".into());
    };
    // visitToPatch matches the edited object to the original by uid.
    let uid = edited_value.pointer("/metadata/uid").and_then(Value::as_str).unwrap_or("");
    if uid != target.uid {
        return Prepared::Failed(format!(
            "no original object found for the edited {} (its metadata.uid was changed)",
            target.kind.info().kind_name
        ));
    }
    // resource.RequireNamespace(o.CmdNamespace).
    let ns = edited_value.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or("");
    if target.kind.info().namespaced && !ns.is_empty() && ns != target.namespace {
        return Prepared::Failed(format!(
            "the namespace from the provided object {ns:?} does not match the namespace {:?}. You must pass '--namespace={ns}' to perform this operation.",
            target.namespace
        ));
    }
    // CreateTwoWayMergePatch(original, edited): the three-way patch with the live side equal to
    // the original is exactly the two-way one (deletions and changes from original to edited).
    let patch = three_way(target.kind, Some(&original_value), &edited_value, &original_value);
    // The preconditions RequireKeyUnchanged("apiVersion"/"kind") and
    // RequireMetadataKeyUnchanged("name").
    let changed = patch.get("apiVersion").is_some()
        || patch.get("kind").is_some()
        || patch.pointer("/metadata/name").is_some();
    if changed {
        return Prepared::Failed("At least one of apiVersion, kind and name was changed".into());
    }
    Prepared::Patch(patch)
}

/// The PATCH kubectl edit sends (strategic merge; every playground kind is a built-in type),
/// with the server's strict field validation (`--validate=strict`, the default). Returns the
/// stored object and the server's warnings.
pub fn send(env: &mut Env, target: &Target, patch: &Value) -> Result<(Object, Vec<String>), ApiError> {
    let current = crate::kubectl::resources::get(env.cluster, target.kind, &target.namespace, &target.name)?;
    let (obj, unknown) = server_patch(&current, PatchType::Strategic, patch).map_err(|e| match e {
        CmdError::Api(a) => a,
        other => ApiError::BadRequest(other.to_string().trim_start_matches("error: ").to_string()),
    })?;
    if !unknown.is_empty() {
        // The PATCH handler with fieldValidation=Strict: NewBadRequest(strict decoding error).
        return Err(ApiError::BadRequest(format!("strict decoding error: {}", unknown.join(", "))));
    }
    let w = apiserver::update(env.cluster, obj)?;
    Ok(((*w.object).clone(), w.warnings))
}

/// What a PATCH's failure means for the edit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The line kubectl prints (`error: statefulsets.apps "web" is invalid`).
    pub message: String,
    /// For Invalid: the reason block to reopen the editor with (head, causes).
    pub reopen: Option<(String, Vec<String>)>,
}

/// `editResults.addError`.
pub fn report(target: &Target, err: &ApiError) -> Failure {
    let resource = target.kind.group_resource();
    let name = &target.name;
    match err {
        ApiError::Invalid { causes, .. } => Failure {
            message: format!("error: {resource} {name:?} is invalid"),
            reopen: Some((format!("{resource} {name:?} was not valid"), causes.iter().map(|c| c.to_string()).collect())),
        },
        ApiError::NotFound { .. } => {
            Failure { message: format!("error: {resource} {name:?} could not be found on the server"), reopen: None }
        }
        // kubectl adds "You can run `kubectl replace -f <temp file>` to try this update again."
        // The playground has no temp file: the edit tab stays open instead, holding the text.
        other => Failure { message: format!("error: {resource} {name:?} could not be patched: {other}"), reopen: None },
    }
}

/// Runs a saved edit's PATCH and prints what kubectl prints for it: `statefulset.apps/web
/// edited`, or the error line (the caller reopens the editor for an Invalid one).
pub fn save(env: &mut Env, target: &Target, patch: &Value) -> Result<(), Failure> {
    match send(env, target, patch) {
        Ok((stored, warnings)) => {
            print_warnings(env, &warnings);
            env.println(&format!("{} edited", name_of(&stored)));
            Ok(())
        }
        Err(e) => Err(report(target, &e)),
    }
}

/// Resolves a stored kind name (`statefulset.apps`) back to a kind.
pub fn kind_of(word: &str) -> Option<Kind> {
    resolve_kind(word)
}

#[cfg(test)]
#[path = "edit_tests.rs"]
mod tests;
